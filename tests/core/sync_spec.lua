-- `wol sync` against real servers on loopback: git daemon and sshd started
-- here, circles as real clones, members as separate HOMEs.
--
-- The CLI scenarios run the same bin/wol whichever interpreter runs busted,
-- so they run under luajit and in the sanitizer suite (where bin/wol is the
-- ASan build), and are skipped in the plain lua5.1 run, which would only
-- repeat them with the same binary.
local t = require('wolt')
local S = require('synct')

local run_cli = os.getenv('WOL_TEST_INTERP') ~= 'lua5.1' or os.getenv('WOL_BIN') ~= nil
local it_cli = run_cli and it or pending
-- The long races (three members at once, shares during syncs, kill -9)
-- run the same code paths as the scenarios above many times over; they run
-- with the plain binary only, to keep the sanitizer suite short.
local it_race = (run_cli and os.getenv('WOL_BIN') == nil) and it or pending

local function sync_ok(m, args)
  local out, err, rc = S.sync(m, args)
  assert.are.equal(0, rc, 'sync failed: ' .. err .. out)
  local summary = S.decode(out)
  assert.is_table(summary, out)
  return summary, out
end

local function assert_fsck(dir)
  local ok, out = S.fsck(dir)
  assert.is_true(ok, 'git fsck in ' .. dir .. ':\n' .. out)
end

local function has(list, x)
  for _, v in ipairs(list) do
    if v == x then
      return true
    end
  end
  return false
end

describe('wol sync over git daemon', function()
  local d
  setup(function()
    if run_cli then
      d = S.daemon()
    end
  end)
  teardown(function()
    if d then
      d.stop()
    end
  end)

  it_cli('two members share and sync in turns', function()
    d.bare('turns')
    local ana, bo = t.member('ana'), t.member('bo')
    local adir = S.init(ana, d.url('turns'))
    local s = sync_ok(ana)
    assert.are.equal(1, s.pushed)
    local bdir = S.join(bo, d.url('turns'))
    S.share(bo, 'notes/bo/plan.md', '# Plan\nbo writes\n')
    s = sync_ok(bo)
    assert.are.equal(2, s.pushed)
    S.share(ana, 'notes/ana/draft.md', '# Draft\n')
    local out
    s, out = sync_ok(ana)
    assert.is_true(s.merged)
    assert.are.equal(1, s.arrived.notes.bo, out)
    assert.are.same({ 'bo' }, s.arrived.members)
    assert.matches('1 note from bo', s.digest)
    assert.matches('bo joined', s.digest)
    assert.is_true(has(s.changed, adir .. '/notes/bo/plan.md'))
    assert.are.equal('# Plan\nbo writes\n', t.read(adir .. '/notes/bo/plan.md'))
    -- progress came first, as JSON lines with the documented fields
    local _, objs = S.decode(out)
    assert.are.equal('progress', objs[1].type)
    local saw_fetch = false
    for _, o in ipairs(objs) do
      if o.type == 'progress' and o.phase == 'fetch' then
        saw_fetch = true
        assert.is_number(o.received)
        assert.is_number(o.total)
        assert.is_number(o.bytes)
      end
    end
    assert.is_true(saw_fetch)
    s = sync_ok(bo)
    assert.is_true(s.fast_forward)
    assert.are.equal(1, s.arrived.notes.ana)
    assert.are.same(S.notes(adir), S.notes(bdir))
    -- nothing left: up to date, a clean tree, no merge state on disk
    s = sync_ok(ana)
    assert.is_true(s.up_to_date)
    assert.are.equal('up to date', s.digest)
    assert.are.equal('', (t.git(adir, 'status --porcelain')))
    assert.is_false(t.exists(adir .. '/.git/MERGE_HEAD'))
    assert_fsck(adir)
    assert_fsck(bdir)
    assert_fsck(d.base .. '/turns.git')
    -- the history reads well: a merge with two parents and our trailer
    local log = t.git(adir, 'log --format=%s%n%b -1 --merges')
    assert.matches('^sync%(ana%): merge what the circle shared', log)
    assert.matches('Wol%-Kind: merge', log)
  end)

  it_cli('tells questions, answers to my questions and resolutions apart', function()
    d.bare('qa')
    local ana, bo = t.member('ana'), t.member('bo')
    S.init(ana, d.url('qa'))
    local q = 'questions/20261122T101010Z-ana-0a1b2c3d'
    local adir = S.circle_dir(ana)
    t.write(adir .. '/' .. q .. '/question.md', '---\ntitle: How do I start?\n---\nbody\n')
    t.git(adir, 'add -A && git -C ' .. t.shquote(adir) .. ' commit -qm "ask(ana): How do I start?"', ana)
    sync_ok(ana)
    local bdir = S.join(bo, d.url('qa'))
    -- the question records written with plain git, as any member's client may
    t.write(bdir .. '/' .. q .. '/answers/20261122T111111Z-bo-11112222.md', '---\nlamport: 2\n---\nJust begin.\n')
    t.write(bdir .. '/' .. q .. '/events/20261122T121212Z-bo-33334444.md', '---\nkind: resolve\nlamport: 3\n---\n')
    t.write(bdir .. '/questions/20261122T131313Z-bo-55556666/question.md', '---\ntitle: Who reviews?\n---\n')
    t.git(bdir, 'add -A && git -C ' .. t.shquote(bdir) .. ' commit -qm "answer(bo)"', bo)
    S.share(bo, 'notes/bo/one.md', '# One\n')
    S.share(bo, 'notes/bo/two.md', '# Two\n')
    sync_ok(bo)
    local gus = t.member('gus')
    S.join(gus, d.url('qa'))
    S.share(gus, 'notes/gus/mine.md', '# Mine\n')
    sync_ok(gus)
    local s = sync_ok(ana)
    -- every count with its noun, one space apart
    assert.matches('2 notes from bo', s.digest)
    assert.matches('1 note from gus', s.digest)
    assert.not_matches('  ', s.digest)
    assert.matches('gus joined', s.digest)
    assert.are.equal(1, s.arrived.questions)
    assert.are.equal(1, s.arrived.answers)
    assert.are.equal(1, s.arrived.answers_to_me)
    assert.are.equal(1, s.arrived.resolved)
    assert.matches('1 new question', s.digest)
    assert.matches('1 answer to your questions', s.digest)
    assert.matches('1 question resolved', s.digest)
  end)

  it_race('three members syncing at the same time all end with every note', function()
    d.bare('three')
    local ms = { t.member('ana'), t.member('bo'), t.member('cy') }
    S.init(ms[1], d.url('three'))
    sync_ok(ms[1])
    S.join(ms[2], d.url('three'))
    S.join(ms[3], d.url('three'))
    for _, m in ipairs(ms) do
      for i = 1, 2 do
        S.share(m, string.format('notes/%s/n%d.md', m.handle, i), m.handle .. ' note ' .. i .. '\n')
      end
    end
    -- all three at once: pushes race, losers fetch, merge and retry
    local cmds = {}
    for i, m in ipairs(ms) do
      table.insert(cmds, string.format('(env %s SSH_AUTH_SOCK= %s sync --json --attempts 10 > %s/c%d.out 2>&1; echo $? > %s/c%d.rc) &',
        t.env(m), t.shquote(t.bin), t.shquote(d.base), i, t.shquote(d.base), i))
    end
    t.sh(table.concat(cmds, '\n') .. '\nwait')
    local attempts = 0
    for i = 1, 3 do
      assert.are.equal('0', (t.read(d.base .. '/c' .. i .. '.rc') or ''):match('%d+'), t.read(d.base .. '/c' .. i .. '.out'))
      local s = S.decode(t.read(d.base .. '/c' .. i .. '.out'))
      attempts = attempts + s.attempts
    end
    -- everyone syncs once more to take the last pushes in
    for _, m in ipairs(ms) do
      sync_ok(m)
    end
    local want = S.notes(S.circle_dir(ms[1]))
    assert.are.equal(6, #want)
    for _, m in ipairs(ms) do
      assert.are.same(want, S.notes(S.circle_dir(m)))
      assert_fsck(S.circle_dir(m))
      assert.are.equal('', (t.git(S.circle_dir(m), 'status --porcelain')))
    end
    assert_fsck(d.base .. '/three.git')
    assert.is_true(attempts >= 3)
  end)

  it_cli('a rejected push is retried after fetching again; never forced', function()
    local bare = d.bare('reject')
    local ana, bo = t.member('ana'), t.member('bo')
    S.init(ana, d.url('reject'))
    sync_ok(ana)
    S.join(bo, d.url('reject'))
    sync_ok(bo)
    -- someone else's push lands between ana's fetch and her push: the
    -- hook moves the branch to bo's commit (kept on refs/heads/race) once
    -- (outside the quarantine of the incoming objects, as a push would),
    -- so ana's update of main fails (libgit2 reports it only through the
    -- push-update-reference callback) and another round merges it
    local bdir = S.circle_dir(bo)
    t.write(bdir .. '/notes/bo/race.md', 'first\n')
    local out, rc = t.git(bdir, 'add -A && git -C ' .. t.shquote(bdir) .. ' commit -qm "share(bo): race" && git -C ' ..
      t.shquote(bdir) .. ' push -q origin HEAD:refs/heads/race', bo)
    assert.are.equal(0, rc, out)
    t.write(bare .. '/hooks/pre-receive', '#!/bin/sh\nif [ ! -e "$GIT_DIR/raced-once" ]; then\n' ..
      '  touch "$GIT_DIR/raced-once"; env -u GIT_QUARANTINE_PATH git update-ref refs/heads/main refs/heads/race\n' ..
      'fi\nexit 0\n')
    t.sh('chmod +x ' .. t.shquote(bare .. '/hooks/pre-receive'))
    S.share(ana, 'notes/ana/a.md', 'a\n')
    local s = sync_ok(ana)
    assert.are.equal(2, s.attempts)
    assert.are.equal(3, s.pushed) -- the share, the merge of bo's join, the merge of his race
    assert.are.equal(0, s.ahead)
    -- a hook that refuses is the server's word, not a race: exit 5 at
    -- once with what it said, the commit still waits locally
    t.write(bare .. '/hooks/pre-receive', '#!/bin/sh\necho "closed for the holidays"\nexit 1\n')
    S.share(ana, 'notes/ana/b.md', 'b\n')
    local err
    out, err, rc = S.sync(ana, { '--attempts', '2' })
    assert.are.equal(5, rc, err)
    assert.matches('refused the push %(pre%-receive hook declined%): closed for the holidays', err)
    local sum = S.decode(out)
    assert.are.equal(1, sum.ahead)
    assert.are.equal(1, sum.attempts)
    assert.are.equal('refused', sum.code)
    assert.are.equal(5, sum.exit)
    out, _, rc = t.wol({ 'sync', '--status' }, ana)
    assert.are.equal(0, rc)
    assert.matches('1 commit waiting to be pushed', out)
    t.sh('rm -f ' .. t.shquote(bare .. '/hooks/pre-receive'))
    s = sync_ok(ana)
    assert.are.equal(1, s.pushed)
    s = sync_ok(bo)
    assert.are.equal(2, s.arrived.notes.ana)
    assert_fsck(bare)
  end)

  it_cli("keeps both versions when a member's note changed on two clones", function()
    d.bare('twice')
    local laptop, desk = t.member('ana'), t.member('ana')
    local ldir = S.init(laptop, d.url('twice'))
    S.share(laptop, 'notes/ana/idea.md', 'first\n')
    sync_ok(laptop)
    local ddir = S.join(desk, d.url('twice'))
    S.share(laptop, 'notes/ana/idea.md', 'written on the laptop\n')
    S.share(desk, 'notes/ana/idea.md', 'written at the desk\n')
    sync_ok(laptop)
    local s = sync_ok(desk)
    assert.are.equal(1, #s.conflicts)
    local c = s.conflicts[1]
    assert.are.equal('notes/ana/idea.md', c.path)
    assert.are.equal('ana', c.member)
    assert.matches('^notes/ana/idea%.conflict%-%x+%.md$', c.kept_as)
    assert.matches('both kept', s.warnings[1])
    assert.matches('kept both versions', s.digest)
    -- local text at its path, the circle's next to it, both committed
    assert.are.equal('written at the desk\n', t.read(ddir .. '/notes/ana/idea.md'))
    assert.are.equal('written on the laptop\n', t.read(ddir .. '/' .. c.kept_as))
    assert.are.equal('', (t.git(ddir, 'status --porcelain')))
    s = sync_ok(laptop)
    assert.are.equal('written at the desk\n', t.read(ldir .. '/notes/ana/idea.md'))
    assert.are.equal('written on the laptop\n', t.read(ldir .. '/' .. c.kept_as))
    assert_fsck(ldir)
    assert_fsck(ddir)
  end)

  it_race('shares made while a sync runs in the same clone are neither lost nor mixed up', function()
    d.bare('busy')
    local ana, bo = t.member('ana'), t.member('bo')
    local adir = S.init(ana, d.url('busy'))
    sync_ok(ana)
    local bdir = S.join(bo, d.url('busy'))
    for i = 1, 5 do
      S.share(bo, 'notes/bo/b' .. i .. '.md', 'bo ' .. i .. '\n')
    end
    sync_ok(bo)
    -- ana shares five notes while two syncs of her clone run
    local script = {}
    table.insert(script, string.format('(env %s SSH_AUTH_SOCK= %s sync --json --wait 30 >/dev/null 2>&1) &',
      t.env(ana), t.shquote(t.bin)))
    for i = 1, 5 do
      local f = adir .. '/notes/ana/a' .. i .. '.md'
      table.insert(script, string.format('mkdir -p %s && printf "ana %d\\n" > %s && env %s %s share %s >/dev/null 2>&1 || echo FAILED %d',
        t.shquote(adir .. '/notes/ana'), i, t.shquote(f), t.env(ana), t.shquote(t.bin), t.shquote(f), i))
      if i == 3 then
        table.insert(script, string.format('(env %s SSH_AUTH_SOCK= %s sync --json --wait 30 >/dev/null 2>&1) &',
          t.env(ana), t.shquote(t.bin)))
      end
    end
    table.insert(script, 'wait')
    local out = t.sh(table.concat(script, '\n'))
    assert.not_matches('FAILED', out)
    sync_ok(ana)
    sync_ok(bo)
    local want = S.notes(adir)
    assert.are.equal(10, #want)
    assert.are.same(want, S.notes(bdir))
    for i = 1, 5 do
      assert.are.equal('ana ' .. i .. '\n', t.read(bdir .. '/notes/ana/a' .. i .. '.md'))
    end
    assert.are.equal('', (t.git(adir, 'status --porcelain')))
    assert_fsck(adir)
    assert_fsck(d.base .. '/busy.git')
  end)

  it_cli('refuses to overwrite local edits that were never shared', function()
    d.bare('unshared')
    local laptop, desk = t.member('ana'), t.member('ana')
    S.init(laptop, d.url('unshared'))
    S.share(laptop, 'notes/ana/n.md', 'v1\n')
    sync_ok(laptop)
    local ddir = S.join(desk, d.url('unshared'))
    S.share(laptop, 'notes/ana/n.md', 'v2 from the laptop\n')
    sync_ok(laptop)
    t.write(ddir .. '/notes/ana/n.md', 'unsaved work at the desk\n')
    local head = t.git(ddir, 'rev-parse HEAD')
    local _, err, rc = S.sync(desk)
    assert.are.equal(1, rc)
    assert.matches('notes/ana/n.md changed on disk but not shared', err)
    assert.are.equal('unsaved work at the desk\n', t.read(ddir .. '/notes/ana/n.md'))
    assert.are.equal(head, (t.git(ddir, 'rev-parse HEAD')))
  end)

  it_cli('offline: shares wait locally, the next sync pushes them; unreachable is exit 3', function()
    d.bare('offline')
    local ana, bo = t.member('ana'), t.member('bo')
    local adir = S.init(ana, d.url('offline'))
    sync_ok(ana)
    S.join(bo, d.url('offline'))
    -- nobody listens on this port
    local dead = 'git://127.0.0.1:' .. (d.port == 9 and 10 or 9) .. '/offline.git'
    t.git(adir, 'remote set-url origin ' .. dead)
    S.share(ana, 'notes/ana/train.md', 'written on a train\n')
    local out, err, rc = S.sync(ana)
    assert.are.equal(3, rc)
    assert.matches('^wol: sync: fetch: cannot reach git://127%.0%.0%.1', err)
    assert.are.equal(1, S.decode(out).ahead)
    local st = t.wol({ 'sync', '--status', '--json' }, ana)
    assert.matches('"ahead":1', st)
    t.git(adir, 'remote set-url origin ' .. d.url('offline'))
    local s = sync_ok(ana)
    assert.are.equal(1, s.pushed)
    s = sync_ok(bo)
    assert.are.equal(1, s.arrived.notes.ana)
    -- a missing local remote and an https password never printed
    t.git(adir, 'remote set-url origin ' .. adir .. '/nowhere')
    _, err, rc = S.sync(ana)
    assert.are.equal(3, rc)
    assert.matches('does not exist', err)
    t.git(adir, 'remote set-url origin https://ana:hunter2@127.0.0.1:9/c.git')
    out, err, rc = S.sync(ana)
    assert.are.equal(3, rc)
    assert.not_matches('hunter2', err .. out)
    assert.matches('ana:%*%*%*@', err)
  end)

  it_cli('--timeout stops a sync that gets no answer (exit 3)', function()
    local ok, uv = pcall(require, 'luv')
    if not ok then
      print('\nSKIPPED --timeout test: luv (lua-luv) is not installed')
      return
    end
    -- a listening socket nobody accepts on: the kernel completes the
    -- handshake, then nothing ever answers
    local server = uv.new_tcp()
    assert(server:bind('127.0.0.1', 0))
    assert(server:listen(8, function() end))
    local port = server:getsockname().port
    local ana = t.member('ana')
    S.init(ana, string.format('git://127.0.0.1:%d/c.git', port))
    local t0 = os.time()
    local _, err, rc = S.sync(ana, { '--timeout', '1' })
    local secs = os.time() - t0
    server:close()
    uv.run("nowait") -- let the close finish before the interpreter exits
    assert.are.equal(3, rc, err)
    assert.matches('no answer before %-%-timeout', err)
    assert.is_true(secs <= 4, secs .. ' s')
    -- nothing broken: the status still reads, the commit still waits
    local out
    out, _, rc = t.wol({ 'sync', '--status' }, ana)
    assert.are.equal(0, rc)
    assert.matches('1 commit waiting to be pushed', out)
  end)

  it_cli('no remote, a second sync at once, bad options: one clear line each', function()
    local ana = t.member('ana')
    local adir = S.init(ana, nil)
    local _, err, rc = S.sync(ana)
    assert.are.equal(1, rc)
    assert.matches("circle 'c' has no remote; add one: git %-C", err)
    t.git(adir, 'remote add origin ' .. d.url('none'))
    -- another process holds the sync lock (flock: gone when it dies)
    local lock = adir .. '/.git/wol-sync.lock'
    -- held until we remove the flag file, however slow the machine is
    local flag = t.tmpdir('lockheld') .. '/held'
    t.sh(string.format("flock %s sh -c 'touch %s; while [ -e %s ]; do sleep 0.05; done' >/dev/null 2>&1 &",
      t.shquote(lock), t.shquote(flag), t.shquote(flag)))
    t.sh(string.format('while [ ! -e %s ]; do sleep 0.02; done', t.shquote(flag)))
    _, err, rc = S.sync(ana)
    os.remove(flag)
    assert.are.equal(6, rc)
    assert.matches('another sync of circle', err)
    _, err, rc = t.wol({ 'sync', '--attempts', 'x' }, ana)
    assert.are.equal(2, rc)
    assert.matches('%-%-attempts', err)
    _, err, rc = t.wol({ 'sync', 'extra' }, ana)
    assert.are.equal(2, rc)
  end)
end)

describe('wol sync over ssh', function()
  local sshd, why
  setup(function()
    if run_cli then
      sshd, why = S.sshd()
    end
    S.full_stacks = true
  end)
  teardown(function()
    S.full_stacks = false
    if sshd then
      sshd.stop()
    end
  end)

  local function need_sshd()
    if not sshd then
      print('\nSKIPPED ssh scenarios: ' .. tostring(why))
      return false
    end
    return true
  end

  it_cli('clones and syncs with an ed25519 key and a known host; refuses unknown hosts and wrong keys', function()
    if not need_sshd() then
      return
    end
    local base = t.tmpdir('ssh-srv')
    t.sh('git init -q --bare -b main ' .. t.shquote(base .. '/c.git'))
    local url = sshd.url(base .. '/c.git')
    local ana = t.member('ana')
    sshd.authorize(S.keygen(ana) .. '.pub')
    local adir = S.init(ana, url)
    -- unknown host: refused, with the host and how to trust it
    local _, err, rc = S.sync(ana)
    assert.are.equal(4, rc, err)
    assert.matches('host key of 127%.0%.0%.1 is not in ~/%.ssh/known_hosts', err)
    assert.matches('ssh%-keyscan %-p ' .. sshd.port .. ' 127%.0%.0%.1 >> ~/%.ssh/known_hosts', err, 1, false)
    sshd.trust(ana)
    S.share(ana, 'notes/ana/over-ssh.md', 'hello over ssh\n')
    local s = sync_ok(ana)
    assert.are.equal(2, s.pushed)
    local ok_out, grc = t.sh('git --git-dir=' .. t.shquote(base .. '/c.git') .. ' show main:notes/ana/over-ssh.md')
    assert.are.equal(0, grc)
    assert.are.equal('hello over ssh\n', ok_out)
    -- no key at all, then a key the server does not know: each key tried
    -- once, then exit 4
    local bo = t.member('bo')
    sshd.trust(bo)
    -- bo's clone of the circle (made without the network: he has no key yet)
    t.sh(string.format('mkdir -p %s && git clone -q %s %s && git -C %s remote set-url origin %s',
      t.shquote(bo.wol_home .. '/circles'), t.shquote(adir), t.shquote(S.circle_dir(bo)), t.shquote(S.circle_dir(bo)),
      t.shquote(url)))
    _, err, rc = S.sync(bo)
    assert.are.equal(4, rc, err)
    assert.matches('no ssh key to offer 127%.0%.0%.1', err)
    S.keygen(bo)
    _, err, rc = S.sync(bo)
    assert.are.equal(4, rc, err)
    assert.matches('refused every ssh key %(tried: [^)]*id_ed25519%)', err)
    -- an RSA key gets the ed25519 advice
    sshd.authorize(S.keygen(bo, 'id_rsa', 'rsa') .. '.pub')
    _, err, rc = S.sync(bo)
    assert.are.equal(4, rc, err)
    assert.matches('ssh%-keygen %-t ed25519', err)
    -- git config wol.sshkey names the key to use
    local key = S.keygen(bo, 'circle_key')
    sshd.authorize(key .. '.pub')
    t.git(S.circle_dir(bo), 'config wol.sshkey ' .. t.shquote('~/.ssh/circle_key'))
    _, err, rc = S.sync(bo, { '--no-push' })
    assert.are.equal(0, rc, err)
    assert_fsck(adir)
  end)
end)

describe('wol sync killed midway', function()
  local d
  setup(function()
    if run_cli and not os.getenv('WOL_BIN') then
      d = S.daemon()
    end
  end)
  teardown(function()
    if d then
      d.stop()
    end
  end)

  -- Starts a sync in the background and kills it with SIGKILL as soon as
  -- its progress shows objects moving in `phase`. Returns the output so far.
  local function kill_during(m, phase)
    local log = t.tmpdir('kill') .. '/out'
    local script = string.format([[
env %s SSH_AUTH_SOCK= %s sync --json > %s 2>&1 &
pid=$!
i=0
while [ $i -lt 2000 ]; do
  grep -q '"phase":"%s","received":[0-9]*,"total":[1-9]' %s 2>/dev/null && break
  kill -0 $pid 2>/dev/null || break
  sleep 0.005; i=$((i+1))
done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
true]], t.env(m), t.shquote(t.bin), t.shquote(log), phase, t.shquote(log))
    t.sh(script)
    return t.read(log) or ''
  end

  local function big_share(m, dir, tag)
    -- incompressible data so the transfer takes a moment
    local out, rc = t.sh(string.format(
      'cd %s && mkdir -p notes/%s/%s && head -c 5000000 /dev/urandom > /tmp/wol-big.$$ && ' ..
      'split -b 12000 -a 4 /tmp/wol-big.$$ notes/%s/%s/part- && rm -f /tmp/wol-big.$$ && ' ..
      'env %s git add -A notes && env %s git commit -qm "share(%s): %s"',
      t.shquote(dir), m.handle, tag, m.handle, tag, t.env(m), t.env(m), m.handle, tag))
    assert.are.equal(0, rc, out)
  end

  it_race('recovers after a kill -9 mid-fetch and mid-push: fsck clean, every note present', function()
    local bare = d.bare('killed')
    local ana, bo = t.member('ana'), t.member('bo')
    local adir = S.init(ana, d.url('killed'))
    sync_ok(ana)
    local bdir = S.join(bo, d.url('killed'))
    big_share(bo, bdir, 'bulk')
    -- mid-push
    local out = kill_during(bo, 'push')
    assert.not_matches('"type":"summary"', out)
    assert.matches('"phase":"push"', out)
    assert_fsck(bare)
    assert_fsck(bdir)
    local s = sync_ok(bo)
    assert.is_true(s.pushed >= 1)
    assert_fsck(bare)
    -- a lock file of origin/main left by a sync killed while it moved that
    -- ref is recognised as stale and removed
    local stale = bdir .. '/.git/refs/remotes/origin/main.lock'
    t.sh('touch ' .. t.shquote(stale)) -- fresh: someone may hold it
    -- the remote moves (a member pushing with plain git), so bo's fetch
    -- has to move origin/main
    local cy = t.member('cy')
    local cdir = t.tmpdir('cy') .. '/c'
    local cout, crc = t.sh(string.format('git clone -q %s %s && cd %s && mkdir -p notes/cy && echo cy > notes/cy/n.md && ' ..
      'env %s git add -A && env %s git commit -qm "share(cy): n" && git push -q origin main 2>&1',
      t.shquote(bare), t.shquote(cdir), t.shquote(cdir), t.env(cy), t.env(cy)))
    assert.are.equal(0, crc, cout)
    local _, err, rc = S.sync(bo)
    assert.are.equal(6, rc, err)
    assert.matches('main%.lock', err)
    t.sh('touch -d "2 minutes ago" ' .. t.shquote(stale))
    s = sync_ok(bo)
    assert.is_false(t.exists(stale))
    assert.matches('left behind by a sync that was stopped', s.warnings[1])
    -- mid-fetch
    S.share(ana, 'notes/ana/small.md', 'small\n')
    out = kill_during(ana, 'fetch')
    assert.not_matches('"type":"summary"', out)
    assert.matches('"phase":"fetch"', out)
    assert_fsck(adir)
    s = sync_ok(ana)
    assert.is_true(s.merged)
    sync_ok(bo)
    local want = S.notes(bdir)
    assert.is_true(#want > 300)
    assert.are.same(want, S.notes(adir))
    assert.are.equal('small\n', t.read(bdir .. '/notes/ana/small.md'))
    assert_fsck(adir)
    assert_fsck(bdir)
    assert_fsck(bare)
    assert.are.equal('', (t.git(adir, 'status --porcelain')))
  end)
end)

describe('sync binding', function()
  it('reports local state without network: ahead, branch, remote', function()
    local core = t.core()
    local ana = t.member('ana')
    local adir = S.init(ana)
    -- a password kept in the URL by hand (wol never writes one there)
    t.git(adir, 'remote add origin https://ana:secret@example.invalid/c.git')
    local ctx = assert(core.open({ home = ana.wol_home }))
    local st = assert(ctx:sync_status())
    assert.are.equal('c', st.circle)
    assert.are.equal('main', st.branch)
    assert.are.equal('https://ana:***@example.invalid/c.git', st.remote)
    assert.are.equal(1, st.ahead)
    assert.is_false(st.remote_known)
    t.git(adir, 'remote remove origin')
    st = assert(ctx:sync_status('c'))
    assert.is_nil(st.remote)
    local nope, err = ctx:sync_status('nope')
    assert.is_nil(nope)
    assert.matches("circle: 'nope' does not exist", err)
  end)

  it('syncs in-process with a progress callback, and turns a raising callback into a cancel', function()
    local core = t.core()
    local src = t.tmpdir('bare')
    t.sh('git init -q --bare -b main ' .. t.shquote(src .. '/c.git'))
    local ana = t.member('ana')
    S.init(ana, src .. '/c.git')
    local ctx = assert(core.open({ home = ana.wol_home }))
    local phases = {}
    local r = assert(ctx:sync({ progress = function(p)
      table.insert(phases, p.phase)
    end }))
    assert.are.equal(1, r.pushed)
    assert.are.equal('pushed 1 commit', r.digest)
    assert.is_true(#phases >= 3)
    assert.are.equal('lock', phases[1])
    local res, err = ctx:sync({ progress = function()
      error('stop here')
    end })
    assert.is_nil(res)
    assert.matches('stop here', err)
    assert.has_error(function() ctx:sync({ attempts = 'x' }) end)
  end)
end)
