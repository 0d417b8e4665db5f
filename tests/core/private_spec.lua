-- The private history of the journal (csrc/repo/private.c, csrc/journal/
-- history.c, csrc/sync/private.c) on real repositories: batched commits, a
-- home that migrates on first use, history / show / restore, kill -9 during
-- a commit and during `wol sync --private` (strace fault injection, so the
-- points are chosen, not timed), the private remote on a loopback git
-- daemon and on sshd, and the refusals (a circle's remote, a remote that
-- holds a circle, a password in the URL).
--
-- Like sync_spec.lua: the binding's scenario runs everywhere, one CLI sync
-- scenario also in the sanitizer suite (bin/wol is the ASan build there),
-- the rest (many short CLI runs, the kill loops) with the plain binary
-- only.
local t = require('wolt')
local S = require('synct')
local json = require('dkjson')

local run_cli = os.getenv('WOL_TEST_INTERP') ~= 'lua5.1' or os.getenv('WOL_BIN') ~= nil
local it_cli = run_cli and it or pending
local it_race = (run_cli and os.getenv('WOL_BIN') == nil) and it or pending
local TODAY = '2026-03-14'

-- A member whose writes wait `batch` seconds for their commit (default: an
-- hour, so that nothing here depends on how fast the machine is).
local function member(handle, batch)
  local m = t.member(handle or 'ana')
  local f = assert(io.open(m.home .. '/.gitconfig', 'a'))
  f:write('[wol]\n\tjournalBatch = ' .. tostring(batch or 3600) .. '\n')
  f:close()
  return m
end

local function wol(m, args, env)
  local e = { WOL_TODAY = TODAY, SSH_AUTH_SOCK = '' }
  for k, v in pairs(S.asan_env()) do
    e[k] = v
  end
  for k, v in pairs(env or {}) do
    e[k] = v
  end
  return t.wol(args, m, e)
end

local function ok(m, args, env)
  local out, err, rc = wol(m, args, env)
  assert(rc == 0, table.concat(args, ' ') .. ' failed (' .. rc .. '): ' .. err .. out)
  return out, err
end

local function gitdir(m)
  return m.wol_home .. '/.private.git'
end

local function git(m, args)
  return t.sh(string.format('git --git-dir=%s %s 2>&1', t.shquote(gitdir(m)), args))
end

local function commits(m)
  return tonumber((git(m, 'rev-list --count HEAD')):match('^(%d+)')) or 0
end

local function entry(m, date)
  return string.format('%s/journal/%s/%s.md', m.wol_home, date:sub(1, 4), date)
end

local function rel(date)
  return string.format('journal/%s/%s.md', date:sub(1, 4), date)
end

local function committed(m, path)
  return (git(m, 'show HEAD:' .. path))
end

local function assert_fsck(m)
  local out, rc = git(m, 'fsck --strict --no-progress')
  assert.are.equal(0, rc, 'git fsck: ' .. out)
end

local function mode(path)
  return (t.sh('stat -c %a ' .. t.shquote(path)):gsub('%s', ''))
end

describe('the private history', function()
  it_race('begins on first use with one commit; a burst of log lines is one commit', function()
    local m = member('ana')
    -- an existing home: entries and a person written before the history
    t.write(entry(m, '2026-03-01'), '# An old entry\n\nwritten long ago\n')
    t.write(m.wol_home .. '/people/bo.md', '---\nname: Bo\n---\n')
    t.write(m.wol_home .. '/notes.txt', 'not the history\'s')
    ok(m, { 'log', '--time', '09:00', 'first line' })
    assert.are.equal('700', mode(gitdir(m)))
    assert.are.equal(1, commits(m))
    local files = git(m, 'ls-tree -r --name-only HEAD')
    -- (the fingerprints of the new entry's template go with it)
    assert.are.equal('journal/.template/2026-03-14\njournal/2026/2026-03-01.md\njournal/2026/2026-03-14.md\n' ..
      'people/bo.md\n', files)
    assert.matches('first line', committed(m, rel(TODAY)))
    -- a burst: every line on disk at once, no commit until the batch is due
    for i = 1, 5 do
      ok(m, { 'log', '--time', '09:0' .. i, 'burst ' .. i })
    end
    assert.are.equal(1, commits(m))
    for i = 1, 5 do
      assert.matches('burst ' .. i, t.read(entry(m, TODAY)))
    end
    local st = json.decode((ok(m, { 'journal', 'status', '--json' })))
    assert.is_true(st.pending)
    assert.is_true(st.due_in > 3000)
    -- the oldest waiting change is now older than the batch: the next
    -- write commits the whole burst as one commit
    t.sh('touch -d "2 hours ago" ' .. t.shquote(gitdir(m) .. '/wol-pending'))
    ok(m, { 'log', '--time', '09:30', 'after the batch' })
    assert.are.equal(2, commits(m))
    local text = committed(m, rel(TODAY))
    for i = 1, 5 do
      assert.matches('burst ' .. i, text)
    end
    assert.matches('after the batch', text)
    assert.are.equal('journal: ' .. TODAY .. '\n', (git(m, 'log -1 --format=%s')))
    -- nothing waits: no empty commit
    assert.matches('nothing to commit', (ok(m, { 'journal', 'commit' })))
    assert.are.equal(2, commits(m))
    -- what is not the journal's stays out: dot files (locks, temp files,
    -- swap files, people/.trash), and everything else in $WOL_HOME
    t.write(m.wol_home .. '/journal/2026/.2026-03-14.md.swp', 'swap')
    t.write(m.wol_home .. '/people/.trash/old.md', 'gone')
    t.write(m.wol_home .. '/templates/journal.md', '# {{date}}\n')
    ok(m, { 'people', 'add', 'Cy' })
    ok(m, { 'journal', 'commit' })
    files = git(m, 'ls-tree -r --name-only HEAD')
    assert.are.equal('journal/.template/2026-03-14\njournal/2026/2026-03-01.md\njournal/2026/2026-03-14.md\n' ..
      'people/bo.md\npeople/cy.md\n', files)
    -- plain git sees what wol sees
    assert.are.equal('', (git(m, 'status --porcelain')))
    assert_fsck(m)
    -- wol.journalBatch = 0: every write commits
    local z = member('zoe', 0)
    ok(z, { 'log', 'one' })
    ok(z, { 'log', 'two' })
    ok(z, { 'log', 'three' })
    assert.are.equal(3, commits(z))
  end)

  it('shows the versions of an entry and restores one as a new commit (nothing lost)', function()
    -- (in this process the batch is git config's of the suite's HOME: the
    -- commits are asked for)
    local m = member('ana')
    local core = t.core()
    local ctx = assert(core.open({ home = m.wol_home, today = TODAY }))
    assert(ctx:journal_log('one', { time = '08:00' })) -- the history begins
    assert(ctx:journal_log('two', { time = '08:10' }))
    assert.is_string(assert(ctx:journal_commit(true)).commit)
    local path = ctx:journal_path(TODAY)
    -- an edit outside wol (another editor) is taken by the next commit
    local f = assert(io.open(path, 'a'))
    f:write('\nwritten by hand\n')
    f:close()
    local v = assert(ctx:journal_history(path))
    assert.are.equal(3, #v) -- the edit by hand was committed first
    assert.are.same({ 'modified', 'modified', 'added' }, { v[1].status, v[2].status, v[3].status })
    assert.are.equal(rel(TODAY), v[1].path)
    assert.are.equal(8, #v[1].rev)
    assert.is_true(v[1].time >= v[3].time)
    local first = assert(ctx:journal_show(path, v[3].rev))
    assert.matches('- 08:00 one', first)
    assert.not_matches('two', first)
    local now = t.read(path)
    -- restore the first version: a new commit on top, the file as it was
    local r = assert(ctx:journal_restore(path, v[3].rev))
    assert.is_string(r.commit)
    assert.are.same({ rel(TODAY) }, r.paths)
    assert.are.equal(first, t.read(path))
    assert.are.equal('600', mode(path))
    v = assert(ctx:journal_history(rel(TODAY)))
    assert.are.equal(4, #v)
    assert.are.equal('journal: restore ' .. TODAY .. ' as of ' .. v[4].rev, v[1].subject)
    assert.matches('Wol%-Restored%-From: ' .. v[4].commit, (git(m, 'log -1 --format=%B')))
    -- and back: the version before the restore is still there
    assert(ctx:journal_restore(path, v[2].rev))
    assert.are.equal(now, t.read(path))
    -- restoring what the file already holds changes nothing
    r = assert(ctx:journal_restore(path, v[2].rev))
    assert.is_nil(r.commit)
    -- a people file has a history too; a removed entry comes back
    local p = assert(ctx:person_add({ name = 'Bo' }))
    assert(ctx:journal_commit(true))
    assert(ctx:give('Bo', 'a link', { date = TODAY }))
    local pv = assert(ctx:journal_history('people/bo.md'))
    assert.are.equal(2, #pv)
    assert(ctx:journal_restore(p.abs, pv[2].rev))
    assert.not_matches('a link', t.read(p.abs))
    os.remove(path)
    assert(ctx:journal_commit(true))
    v = assert(ctx:journal_history(path))
    assert.are.equal('deleted', v[1].status)
    assert(ctx:journal_restore(path, v[2].rev))
    assert.are.equal(now, t.read(path))
    -- one clear error each
    local nope, err, code = ctx:journal_restore(path, 'ffffffffff')
    assert.is_nil(nope)
    assert.are.equal('notfound', code)
    assert.matches("^wol: journal: history: no version 'ffffffffff'", err)
    nope, err, code = ctx:journal_show(rel('2026-01-01'), v[1].rev)
    assert.is_nil(nope)
    assert.are.equal('notfound', code)
    assert.matches('was not there in version', err)
    for _, bad in ipairs({ '../etc/passwd', 'circles/c/circle.md', '/etc/passwd', 'journal/.lock',
      m.wol_home .. '/.private.git/config' }) do
      nope, err, code = ctx:journal_history(bad)
      assert.is_nil(nope, bad)
      assert.are.equal('invalid', code, bad)
    end
    assert.has_error(function() ctx:journal_show(path) end)
    -- the state at a glance
    local st = assert(ctx:journal_state())
    assert.is_true(st.exists)
    assert.is_false(st.pending)
    assert.are.equal(commits(m), st.commits)
    assert.is_nil(st.remote)
    ctx:close()
    assert_fsck(m)
  end)

  it_cli('lists what changed from the folders that changed, and refuses a tree naming a missing object', function()
    local m = member('ana')
    for _, d in ipairs({ '2024-05-05', '2024-05-06', '2025-06-01', '2026-01-01' }) do
      t.write(entry(m, d), '# ' .. d .. '\n')
    end
    t.write(m.wol_home .. '/people/bo.md', '---\nname: Bo\n---\n')
    t.write(m.wol_home .. '/people/cy.md', '---\nname: Cy\n---\n')
    ok(m, { 'journal', 'commit' })
    -- changed, added (in a new folder), removed: each once, in path order
    t.write(entry(m, '2024-05-05'), '# changed\n')
    t.write(entry(m, '2026-01-01'), '# changed too\n')
    t.write(entry(m, '2027-01-01'), '# new year\n')
    os.remove(m.wol_home .. '/people/bo.md')
    t.write(m.wol_home .. '/people/dee.md', '---\nname: Dee\n---\n')
    ok(m, { 'journal', 'commit' })
    assert.are.equal('journal: 2024-05-05, 2026-01-01, 2027-01-01 and 2 more\n\n' ..
      'M journal/2024/2024-05-05.md\nM journal/2026/2026-01-01.md\nA journal/2027/2027-01-01.md\n' ..
      'D people/bo.md\nA people/dee.md\n\nWol-Kind: journal\n\n', (git(m, 'log -1 --format=%B')))
    -- a whole folder removed
    os.remove(entry(m, '2027-01-01'))
    os.remove(m.wol_home .. '/journal/2027')
    ok(m, { 'journal', 'commit' })
    assert.are.equal('journal: 2027-01-01\n\nD journal/2027/2027-01-01.md\n\nWol-Kind: journal\n\n',
      (git(m, 'log -1 --format=%B')))
    assert_fsck(m)
    -- the index names a blob the store has lost (staged by plain git, then
    -- its file removed): no commit names it, the next one takes it back
    t.write(entry(m, '2024-05-06'), '# staged by hand\n')
    local wt = string.format('--work-tree=%s', t.shquote(m.wol_home))
    git(m, wt .. ' add ' .. rel('2024-05-06'))
    local id = (git(m, wt .. ' ls-files -s ' .. rel('2024-05-06'))):match('^%d+ (%x+)')
    local obj = string.format('%s/objects/%s/%s', gitdir(m), id:sub(1, 2), id:sub(3))
    local kept = t.read(obj)
    os.remove(obj)
    local before = commits(m)
    local _, err, rc = wol(m, { 'journal', 'commit' })
    assert.are_not.equal(0, rc)
    assert.matches('journal: history: ', err)
    assert.are.equal(before, commits(m))
    t.write(obj, kept)
    ok(m, { 'journal', 'commit' })
    assert.are.equal(before + 1, commits(m))
    assert.matches('staged by hand', committed(m, rel('2024-05-06')))
    assert_fsck(m)
  end)

  it_race('recovers after a kill -9 at every write of a commit: fsck clean, nothing lost', function()
    if select(2, t.sh('command -v strace')) ~= 0 then
      pending('strace is needed to stop a commit at chosen points (make deps installs it)')
      return
    end
    local m = member('ana')
    ok(m, { 'log', 'the first line' })
    -- a dry run: the link and rename calls of one commit (objects, the
    -- index, the branch)
    ok(m, { 'log', 'dry run' })
    local trace = t.tmpdir('trace') .. '/t'
    local out, rc = t.sh(string.format('env %s strace -qq -e trace=link,rename -o %s %s journal commit 2>&1',
      t.env(m, { WOL_TODAY = TODAY }), t.shquote(trace), t.shquote(t.bin)))
    assert.are.equal(0, rc, out)
    local counts = { link = 0, rename = 0 }
    for call in (t.read(trace) or ''):gmatch('\n?(%a+)%(') do
      counts[call] = (counts[call] or 0) + 1
    end
    assert.is_true(counts.link >= 4 and counts.rename >= 2, t.read(trace))
    -- the first, middle and last object; the index and the branch
    local points = { { 'link', 1 }, { 'link', math.floor((counts.link + 1) / 2) }, { 'link', counts.link } }
    for at = 1, counts.rename do
      table.insert(points, { 'rename', at })
    end
    local kills = 0
    for _, p in ipairs(points) do
      local call, at = p[1], p[2]
      do
        local line = string.format('%s %d', call, at)
        ok(m, { 'log', 'before ' .. line })
        out, rc = t.sh(string.format('env %s strace -qq -e trace=%s -e inject=%s:signal=KILL:when=%d ' ..
          '-o /dev/null %s journal commit >/dev/null 2>&1', t.env(m, { WOL_TODAY = TODAY }), call, call, at,
          t.shquote(t.bin)))
        assert.are.equal(137, rc, line .. ': ' .. out)
        kills = kills + 1
        -- the next write recovers: its own line and the one the killed
        -- commit held are committed (the batch is an hour: only the
        -- recovery commits here)
        ok(m, { 'log', 'after ' .. line })
        local text = committed(m, rel(TODAY))
        assert.matches('before ' .. line, text, line)
        assert.matches('after ' .. line, text, line)
        assert_fsck(m)
        assert.is_false(t.exists(gitdir(m) .. '/index.lock'), line)
        assert.is_false(t.exists(gitdir(m) .. '/refs/heads/main.lock'), line)
      end
    end
    assert.is_true(kills >= 5)
    assert.are.equal('', (git(m, 'status --porcelain')))
  end)
end)

describe('the private remote', function()
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

  local function sync(m, env)
    local out, err, rc = wol(m, { 'sync', '--private', '--json' }, env)
    return S.decode(out), err, rc, out
  end

  local function sync_ok(m, env)
    local s, err, rc, out = sync(m, env)
    assert.are.equal(0, rc, 'wol sync --private: ' .. err .. out)
    assert.is_table(s, out)
    return s
  end

  it_cli('two machines sync one journal over git daemon: both versions of a day are kept', function()
    local url = d.url('mine')
    local bare = d.bare('mine')
    local a, b = member('ana', 0), member('ana', 0) -- one person, two machines
    ok(a, { 'log', '--time', '08:00', 'written on the laptop' })
    ok(a, { 'journal', 'remote', url })
    assert.are.equal(url .. '\n', (ok(a, { 'journal', 'remote' })))
    local s = sync_ok(a)
    assert.is_nil(s.circle)
    assert.are.equal(1, s.pushed)
    -- the other machine began its journal apart, and wrote the same day
    t.write(entry(b, '2026-03-10'), '# Only here\n')
    ok(b, { 'log', '--time', '21:00', 'written on the desktop' })
    ok(b, { 'journal', 'remote', url })
    s = sync_ok(b)
    assert.is_true(s.merged)
    assert.are.equal(1, #s.conflicts)
    local c = s.conflicts[1]
    assert.are.equal(rel(TODAY), c.path)
    assert.matches('^journal/2026/2026%-03%-14%.conflict%-%x+%.md$', c.kept_as)
    assert.matches('written on the desktop', t.read(entry(b, TODAY)))
    assert.matches('written on the laptop', t.read(b.wol_home .. '/' .. c.kept_as))
    assert.are.equal('600', mode(b.wol_home .. '/' .. c.kept_as))
    assert.matches('both kept', table.concat(s.warnings, '\n'))
    -- back on the laptop: everything arrives, files 0600, folders 0700
    s = sync_ok(a)
    assert.is_true(s.fast_forward)
    assert.are.equal('# Only here\n', t.read(entry(a, '2026-03-10')))
    assert.are.equal('600', mode(entry(a, '2026-03-10')))
    assert.are.equal('700', mode(a.wol_home .. '/journal/2026'))
    assert.are.equal(git(a, 'rev-parse HEAD^{tree}'), git(b, 'rev-parse HEAD^{tree}'))
    assert.are.equal(git(a, 'rev-parse HEAD'), (t.sh('git --git-dir=' .. t.shquote(bare) .. ' rev-parse main')))
    -- a line logged and synced at once (what waits is committed first)
    ok(a, { 'log', '--time', '10:00', 'late line' })
    s = sync_ok(a)
    assert.are.equal(1, s.pushed)
    s = sync_ok(b)
    assert.matches('late line', t.read(entry(b, TODAY)) .. t.read(b.wol_home .. '/' .. c.kept_as))
    assert.is_true(#s.changed >= 1)
    -- a third machine with no journal yet takes it all (a fast-forward
    -- from nothing)
    local c3 = member('ana', 0)
    ok(c3, { 'journal', 'remote', url })
    s = sync_ok(c3)
    assert.is_true(s.fast_forward)
    assert.are.equal(git(a, 'rev-parse HEAD^{tree}'), git(c3, 'rev-parse HEAD^{tree}'))
    assert.are.equal('600', mode(entry(c3, '2026-03-10')))
    -- --status: local only
    local st = json.decode((ok(b, { 'sync', '--private', '--status', '--json' })))
    assert.are.equal('status', st.type)
    assert.are.equal(url, st.remote)
    assert.are.equal(0, st.ahead)
    assert_fsck(a)
    assert_fsck(b)
  end)

  it_race('refuses a circle\'s remote, a remote that holds a circle, and a password in the URL', function()
    local m = member('ana', 0)
    local circle_url = d.url('circle')
    d.bare('circle')
    S.init(m, circle_url)
    assert.are.equal(0, select(3, S.sync(m)))
    ok(m, { 'log', 'private words' })
    for _, u in ipairs({ circle_url, (circle_url:gsub('%.git$', '')), circle_url .. '/' }) do
      local _, err, rc = wol(m, { 'journal', 'remote', u })
      assert.are.equal(5, rc, u)
      assert.matches("is the remote of circle 'c'; your journal never goes to a circle", err)
    end
    local _, _, rc = wol(m, { 'journal', 'remote' })
    assert.are.equal(1, rc) -- still none
    -- a circle whose remote is a path: the same path, spelled otherwise
    local bare = d.base .. '/circle.git'
    local local_bare = t.tmpdir('local') .. '/d.git'
    t.sh('git init -q --bare -b main ' .. t.shquote(local_bare))
    S.init(m, local_bare, 'd')
    for _, u in ipairs({ local_bare, 'file://' .. local_bare, local_bare .. '/', (local_bare:gsub('%.git$', '')) }) do
      _, _, rc = wol(m, { 'journal', 'remote', u })
      assert.are.equal(5, rc, u)
    end
    -- a remote that holds a circle (another one, on another branch):
    -- nothing is merged, nothing is pushed
    local other = d.bare('other')
    t.sh(string.format('git --git-dir=%s push -q %s main:trunk 2>&1', t.shquote(bare), t.shquote(other)))
    local before = t.sh('git --git-dir=' .. t.shquote(other) .. ' for-each-ref')
    ok(m, { 'journal', 'remote', d.url('other') })
    local s, err
    s, err, rc = sync(m)
    assert.are.equal(5, rc, err)
    assert.are.equal('refused', s.code)
    assert.matches('holds a circle %(circle%.md in its branch trunk%)', s.error)
    assert.are.equal(before, t.sh('git --git-dir=' .. t.shquote(other) .. ' for-each-ref'))
    assert.is_false(t.exists(m.wol_home .. '/circle.md'))
    assert.are.equal('', (git(m, 'ls-tree --name-only HEAD circle.md members')))
    -- a circle's remote set by hand in the repository: refused at sync too
    git(m, 'remote set-url origin ' .. circle_url)
    s, err, rc = sync(m)
    assert.are.equal(5, rc, err)
    assert.matches("is the remote of circle 'c'", s.error)
    -- a password is never written down
    _, err, rc = wol(m, { 'journal', 'remote', 'https://ana:secret@example.invalid/j.git' })
    assert.are.equal(1, rc)
    assert.matches('holds a password', err)
    assert.not_matches('secret', git(m, 'config --get remote.origin.url'))
    -- no remote at all
    ok(m, { 'journal', 'remote', '--remove' })
    s, err, rc = sync(m)
    assert.are.equal(1, rc)
    assert.are.equal('notfound', s.code)
    assert.matches('no private remote; set one: wol journal remote URL', err)
  end)

  -- (the plain binary only: the sanitizer suite runs the same credential
  -- code through the circles' sshd tests)
  it_race('syncs over sshd with a key, through the circles\' credential path', function()
    local sshd, why = S.sshd()
    if not sshd then
      pending(why)
      return
    end
    local srv = t.tmpdir('ssh-journal')
    local bare = srv .. '/j.git'
    t.sh('git init -q --bare -b main ' .. t.shquote(bare))
    local m = member('ana', 0)
    local key = S.keygen(m)
    sshd.authorize(key .. '.pub')
    ok(m, { 'log', 'over ssh' })
    ok(m, { 'journal', 'remote', sshd.url(bare) })
    -- an unknown host key: refused, as for circles
    local s, err, rc = sync(m)
    assert.are.equal(4, rc, err)
    assert.are.equal('auth', s.code)
    assert.matches('not in ~/.ssh/known_hosts', s.error)
    sshd.trust(m)
    s = sync_ok(m)
    assert.are.equal(1, s.pushed)
    assert.are.equal(git(m, 'rev-parse HEAD'), (t.sh('git --git-dir=' .. t.shquote(bare) .. ' rev-parse main')))
    -- what another machine pushed arrives
    local other = t.tmpdir('other') .. '/j'
    t.sh(string.format('git clone -q %s %s && cd %s && echo "# From elsewhere" > journal/2026/2026-03-01.md && ' ..
      'git -c user.name=ana -c user.email=ana@x add -A && git -c user.name=ana -c user.email=ana@x commit -qm x && ' ..
      'git push -q origin main 2>&1', t.shquote(bare), t.shquote(other), t.shquote(other)))
    s = sync_ok(m)
    assert.is_true(s.fast_forward)
    assert.are.equal('# From elsewhere\n', t.read(entry(m, '2026-03-01')))
    sshd.stop()
  end)

  it_race('a sync killed at chosen points (fetch, merge, checkout, push) is continued by the next', function()
    if select(2, t.sh('command -v strace')) ~= 0 then
      pending('strace is needed to stop a sync at chosen points (make deps installs it)')
      return
    end
    local url = d.url('killed')
    local bare = d.bare('killed')
    -- the other machine has pushed 40 entries and a line of today
    local b = member('ana', 0)
    for i = 1, 40 do
      local date = i <= 28 and string.format('2026-01-%02d', i) or string.format('2026-02-%02d', i - 28)
      t.write(entry(b, date), string.format('# Day %d\n\n%s\n', i, string.rep('words of the desktop ', 30)))
    end
    ok(b, { 'log', '--time', '07:00', 'desktop line' })
    ok(b, { 'journal', 'remote', url })
    sync_ok(b)
    -- this machine: its own journal, a line of today, one waiting
    local a = member('ana', 3600)
    ok(a, { 'log', '--time', '08:00', 'laptop line' })
    ok(a, { 'log', '--time', '08:05', 'laptop line waiting' })
    ok(a, { 'journal', 'remote', url })
    local tmpl = t.tmpdir('tmpl')
    t.sh(string.format('cp -a %s/. %s/', t.shquote(a.home), t.shquote(tmpl)))
    local function restore()
      t.sh(string.format('rm -rf %s && mkdir -p %s && cp -a %s/. %s/', t.shquote(a.home), t.shquote(a.home),
        t.shquote(tmpl), t.shquote(a.home)))
    end
    local env = t.env(a, { WOL_TODAY = TODAY, SSH_AUTH_SOCK = '' })
    -- the dry run: where the sync writes (objects and refs: link, rename;
    -- the checkout: openat with O_CREAT under journal/)
    local trace = t.tmpdir('trace') .. '/t'
    local out, rc = t.sh(string.format('env %s strace -f -qq -e trace=link,rename,openat -o %s %s sync --private 2>&1',
      env, t.shquote(trace), t.shquote(t.bin)))
    assert.are.equal(0, rc, out)
    local n = { link = 0, rename = 0, openat = 0 }
    local spans = { openat = {} }
    for line in (t.read(trace) or ''):gmatch('[^\n]+') do
      local call = line:match('^%d*%s*(%a+)%(')
      if n[call] then
        n[call] = n[call] + 1
        if call == 'openat' and line:find(a.wol_home .. '/journal/2026/2026-0', 1, true) and line:find('O_CREAT') then
          table.insert(spans.openat, n.openat)
        end
      end
    end
    assert.is_true(#spans.openat >= 40, 'no checkout in the trace')
    -- points: the first object written (the commit of what waited), a
    -- rename in the middle (fetch) and the last (the branch), and two
    -- inside the checkout
    local points = {
      { 'link', 1 }, { 'rename', math.max(1, math.floor(n.rename / 2)) }, { 'rename', n.rename },
      { 'openat', spans.openat[1] }, { 'openat', spans.openat[math.floor(#spans.openat / 2)] },
    }
    local remote_before = (git(b, 'rev-parse HEAD')):match('%x+')
    for _, p in ipairs(points) do
      restore()
      -- the remote as the other machine left it
      t.sh(string.format('git --git-dir=%s update-ref refs/heads/main %s', t.shquote(bare), remote_before))
      local what = p[1] .. ' ' .. p[2]
      out, rc = t.sh(string.format('env %s strace -f -qq -e trace=%s -e inject=%s:signal=KILL:when=%d -o /dev/null ' ..
        '%s sync --private >/dev/null 2>&1', env, p[1], p[1], p[2], t.shquote(t.bin)))
      assert.are.equal(137, rc, what .. ': ' .. out)
      -- the next sync continues, and nothing is lost
      local s = sync_ok(a)
      assert.is_table(s, what)
      assert.are.equal(0, s.ahead, what)
      local tree = git(a, 'ls-tree -r --name-only HEAD')
      local _, days = tree:gsub('journal/2026/2026%-0[12]%-%d%d%.md', '')
      assert.are.equal(40, days, what)
      local today = committed(a, rel(TODAY)) .. (tree:match('(journal/2026/2026%-03%-14%.conflict[^\n]*)') and
        committed(a, tree:match('(journal/2026/2026%-03%-14%.conflict[^\n]*)')) or '')
      assert.matches('laptop line waiting', today, what)
      assert.matches('desktop line', today, what)
      assert.are.equal('', (git(a, 'status --porcelain')), what)
      assert_fsck(a)
      -- the remote took it whole
      assert.are.equal(git(a, 'rev-parse HEAD'), (t.sh('git --git-dir=' .. t.shquote(bare) .. ' rev-parse main')), what)
    end
  end)
end)
