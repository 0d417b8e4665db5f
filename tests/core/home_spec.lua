-- Home directories as people have them: $WOL_HOME reached through a
-- symbolic link (/home -> /data, dotfiles managed by stow) works for every
-- command, in the shell, the binding and Neovim, while symbolic links inside
-- a circle are still refused. A read-only $WOL_HOME (a read-only bind mount
-- in a private mount namespace: EROFS even for root; and a home the user
-- cannot write: EACCES, run as an unprivileged uid) or a read-only index.db:
-- read commands still answer from the files, write commands fail with one
-- line and nothing under $WOL_HOME changes.
local t = require('wolt')
local S = require('synct')
local json = require('dkjson')
local interp = os.getenv('WOL_TEST_INTERP') or 'luajit'

local function sh_ok(cmd)
  local out, rc = t.sh(cmd)
  assert(rc == 0, cmd .. '\n' .. out)
  return out
end

local TODAY = '2026-03-16'

local function ok(args, member, env)
  env = env or {}
  env.WOL_TODAY = env.WOL_TODAY or TODAY
  local out, err, rc = t.wol(args, member, env)
  assert(rc == 0, table.concat(args, ' ') .. ' (exit ' .. rc .. '): ' .. out .. err)
  return out, err
end

describe('a $WOL_HOME reached through a symbolic link', function()
  if interp ~= 'luajit' then return end -- drives the CLI and Neovim; one run is enough

  local ana, real, bare

  setup(function()
    local base = t.tmpdir('linkhome')
    bare = base .. '/srv/c.git'
    sh_ok('mkdir -p ' .. t.shquote(base .. '/srv') .. ' && git init -q --bare -b main ' .. t.shquote(bare))
    -- ana's home lives in /data; /home/ana is a symbolic link to it, and
    -- her wol folder is itself a link (as stow makes them)
    ana = t.member('ana')
    real = base .. '/data/ana'
    sh_ok(string.format('mkdir -p %s/home %s/stow/wol %s/data && mv %s %s && ln -s %s %s/home/ana && ln -s %s %s/wol',
      t.shquote(base), t.shquote(base), t.shquote(base), t.shquote(ana.home), t.shquote(real), t.shquote(real), t.shquote(base),
      t.shquote(base .. '/stow/wol'), t.shquote(real)))
    ana.home = base .. '/home/ana'
    ana.wol_home = ana.home .. '/wol'
    real = base .. '/stow/wol' -- where the files really are
  end)

  it('every command works and paths come out resolved', function()
    local out = ok({ 'init', 'c', '--remote', bare }, ana)
    assert.matches("started circle 'c' at " .. real:gsub('%p', '%%%0') .. '/circles/c\n', out)
    ok({ 'log', 'a walrus in the log' }, ana)
    out = ok({ 'journal', '--path' }, ana)
    assert.are.equal(real .. '/journal/2026/' .. TODAY .. '.md\n', out)
    out = ok({ 'note', 'Through the link' }, ana)
    local rel = 'notes/ana/through-the-link.md'
    assert.are.equal(real .. '/circles/c/' .. rel .. '\n', out)
    -- shared by its path through the link, and by its real path
    out = ok({ 'share', ana.wol_home .. '/circles/c/' .. rel }, ana)
    assert.matches('shared ' .. rel:gsub('%p', '%%%0'), out)
    t.write(real .. '/circles/c/' .. rel, t.read(real .. '/circles/c/' .. rel) .. 'narwhal text\n')
    out = ok({ 'share', real .. '/circles/c/' .. rel }, ana)
    assert.matches('shared ' .. rel:gsub('%p', '%%%0'), out)
    ok({ 'ask', 'Does the link work?', '-m', 'body' }, ana)
    ok({ 'sync' }, ana, { SSH_AUTH_SOCK = '' })
    ok({ 'index' }, ana)
    out = ok({ 'search', 'walrus' }, ana)
    assert.matches(real:gsub('%p', '%%%0') .. '/journal/', out)
    out = ok({ 'search', 'narwhal' }, ana)
    assert.matches('through%-the%-link%.md', out)
    out = ok({ 'questions', '--json' }, ana)
    assert.are.equal('Does the link work?', json.decode(out)[1].title)
    ok({ 'status' }, ana)
    out = ok({ 'doctor' }, ana)
    assert.matches('%$WOL_HOME is ' .. real:gsub('%p', '%%%0'), out)
    -- a second member's share arrives through ana's linked home
    local bo = t.member('bo')
    S.join(bo, bare)
    S.share(bo, 'notes/bo/hello.md', '# Hello from bo\n\nokapi\n')
    local _, err, rc = S.sync(bo)
    assert.are.equal(0, rc, err)
    ok({ 'sync' }, ana, { SSH_AUTH_SOCK = '' })
    out = ok({ 'search', 'okapi' }, ana)
    assert.matches('notes/bo/hello%.md', out)
  end)

  it('the binding resolves the home once; symbolic links inside the circle are still refused', function()
    local core = t.core()
    local ctx = assert(core.open({ home = ana.wol_home }))
    assert.are.equal(real, ctx:home())
    local c = assert(ctx:circle_open('c'))
    assert.are.equal(real .. '/circles/c', c:path())
    -- a folder of one's own replaced by a link to somewhere else: not followed
    local me = ctx:identity().handle
    local outside = t.tmpdir('outside')
    sh_ok(string.format('mkdir -p %s && ln -s %s %s', t.shquote(real .. '/circles/c/notes/' .. me),
      t.shquote(outside), t.shquote(real .. '/circles/c/notes/' .. me .. '/sub')))
    local r, err = c:share({ content = '# x\n\ny\n', note = 'notes/' .. me .. '/sub/x.md' })
    assert.is_nil(r)
    assert.matches('symbolic link', err)
    assert.are.equal('', (t.sh('ls -A ' .. t.shquote(outside))))
    os.remove(real .. '/circles/c/notes/' .. me .. '/sub')
    c:close()
    ctx:close()
  end)

  it('Neovim notes, shares and searches through the linked home', function()
    local out, rc = require('nvimt').child({
      'WolNote From Neovim',
      'call setline(3, "quetzal line")',
      'write',
      'WolShare',
      'WolSearch quetzal',
      'lua io.stdout:write("qf=" .. #vim.fn.getqflist() .. " " .. vim.fn.bufname(vim.fn.getqflist()[1].bufnr) .. "\\n")',
    }, { member = ana, env = { WOL_TODAY = TODAY } })
    assert.are.equal(0, rc, out)
    assert.matches("wol: shared 'From Neovim'", out)
    assert.matches('qf=1 [^\n]*from%-neovim%.md', out)
    assert.matches('share%(ana%): From Neovim', (t.git(real .. '/circles/c', 'log -1 --format=%s')))
  end)
end)

describe('a read-only $WOL_HOME', function()
  if interp ~= 'luajit' then return end

  local ro, dir, qid, before
  local can_ns = select(2, t.sh('(d=$(mktemp -d) && unshare -m --propagation private mount --bind -o ro "$d" "$d" ' ..
    '2>/dev/null; rc=$?; rmdir "$d"; exit $rc)')) == 0
  local tmp -- TMPDIR of the runs below: the private copies of the index go there

  -- Lists every file under $WOL_HOME with its size and content hash, and
  -- the HEAD of the circle: what "nothing changed" compares.
  local function snapshot()
    return sh_ok(string.format('cd %s && find . -printf "%%p %%y %%s %%m\\n" | sort && find . -type f -exec md5sum {} + | sort',
      t.shquote(ro.wol_home)))
  end

  setup(function()
    local base = t.tmpdir('rohome')
    local bare = base .. '/c.git'
    sh_ok('git init -q --bare -b main ' .. t.shquote(bare))
    -- a home the unprivileged uid below can read: outside the suite's
    -- private temporary directory
    local pub = sh_ok('mktemp -d /tmp/wol-rohome.XXXXXX'):match('%S+')
    tmp = sh_ok('mktemp -d /tmp/wol-rotmp.XXXXXX'):match('%S+')
    sh_ok('chmod 755 ' .. t.shquote(pub) .. ' && chmod 1777 ' .. t.shquote(tmp))
    ro = t.member('ro')
    sh_ok(string.format('cp -a %s/. %s/ && rm -rf %s', t.shquote(ro.home), t.shquote(pub), t.shquote(ro.home)))
    ro.home, ro.wol_home = pub, pub .. '/wol'
    dir = S.init(ro, bare)
    ok({ 'log', 'a capybara today' }, ro)
    S.share(ro, 'notes/ro/plan.md', '# The plan\n\nmarmot notes\n')
    local out = ok({ 'ask', 'Is it read-only?', '--json' }, ro)
    qid = json.decode(out).qid
    ok({ 'sync' }, ro, { SSH_AUTH_SOCK = '' })
    ok({ 'index' }, ro)
    -- a question that arrived without the index seeing it yet: the read
    -- commands must find it from the files
    local other = t.member('other')
    S.join(other, bare)
    ok({ 'ask', 'A newer question', '-m', 'x' }, other)
    local _, err, rc = S.sync(other)
    assert.are.equal(0, rc, err)
    ok({ 'sync' }, ro, { SSH_AUTH_SOCK = '' })
    before = snapshot()
  end)

  teardown(function()
    if ro then
      t.sh('chmod -R u+w ' .. t.shquote(ro.home) .. ' && rm -rf ' .. t.shquote(ro.home) .. ' ' .. t.shquote(tmp))
    end
  end)

  -- Runs wol with `path` bind-mounted read-only in a private mount namespace.
  local function ro_wol(path, args)
    local errf = os.tmpname()
    local argv = {}
    for _, a in ipairs(args) do
      argv[#argv + 1] = t.shquote(a)
    end
    local out, rc = t.sh(string.format(
      'env %s unshare -m --propagation private sh -c \'mount --bind -o ro "$0" "$0" && exec "$@"\' %s %s %s 2>%s',
      t.env(ro, { WOL_TODAY = TODAY, SSH_AUTH_SOCK = '', TMPDIR = tmp }), t.shquote(path), t.shquote(t.bin),
      table.concat(argv, ' '), t.shquote(errf)))
    local err = t.read(errf) or ''
    os.remove(errf)
    return out, err, rc
  end

  -- Runs wol as an unprivileged uid (the home is theirs but not writable).
  local function uid_wol(args)
    local errf = os.tmpname()
    t.sh('chmod 666 ' .. t.shquote(errf))
    local argv = {}
    for _, a in ipairs(args) do
      argv[#argv + 1] = t.shquote(a)
    end
    local out, rc = t.sh(string.format('env %s setpriv --reuid=65534 --regid=65534 --clear-groups %s %s 2>%s',
      t.env(ro, { WOL_TODAY = TODAY, SSH_AUTH_SOCK = '', TMPDIR = tmp }), t.shquote(t.bin),
      table.concat(argv, ' '), t.shquote(errf)))
    local err = t.read(errf) or ''
    os.remove(errf)
    return out, err, rc
  end

  local function reads_work(run)
    local out, err, rc = run({ 'questions', '--json' })
    assert.are.equal(0, rc, out .. err)
    local titles = {}
    for _, q in ipairs(json.decode(out)) do
      titles[#titles + 1] = q.title
    end
    table.sort(titles)
    assert.are.same({ 'A newer question', 'Is it read-only?' }, titles)
    out, err, rc = run({ 'questions' })
    assert.are.equal(0, rc, out .. err)
    assert.matches('A newer question', out)
    out, err, rc = run({ 'journal', '--path' })
    assert.are.equal(0, rc, out .. err)
    assert.are.equal(ro.wol_home .. '/journal/2026/' .. TODAY .. '.md\n', out)
    out, err, rc = run({ 'search', 'marmot' })
    assert.are.equal(0, rc, out .. err)
    assert.matches('notes/ro/plan%.md', out)
    out, err, rc = run({ 'search', 'capybara' })
    assert.are.equal(0, rc, out .. err)
    assert.matches('journal/2026/' .. TODAY, out, 1, true)
    for _, args in ipairs({ { 'show', qid }, { 'notes' }, { 'status' }, { 'journal', '--list' },
      { 'prompt' }, { 'circles' }, { 'sync', '--status' }, { 'index', '--stats' } }) do
      out, err, rc = run(args)
      assert.are.equal(0, rc, table.concat(args, ' ') .. ': ' .. out .. err)
    end
  end

  local function writes_fail(run)
    for _, args in ipairs({
      { 'log', 'more' }, { 'journal', '--path', '2026-03-20' }, { 'note', 'New one' },
      { 'ask', 'Another?' }, { 'answer', qid, '-m', 'an answer' }, { 'share', dir .. '/notes/ro/plan.md', '-m', 'again' },
      { 'sync' }, { 'init', 'second' }, { 'index' }, { 'index', '--rebuild' },
    }) do
      local out, err, rc = run(args)
      assert.are.equal(1, rc, table.concat(args, ' ') .. ': ' .. out .. err)
      assert.matches('^wol: [^\n]+\n$', err)
    end
    assert.are.equal(before, snapshot())
    -- the private copies of the index were removed
    assert.are.equal('', (t.sh('ls -A ' .. t.shquote(tmp))))
  end

  it('read-only mount: reads answer from the files, writes fail with one line, nothing changes', function()
    if not can_ns then
      pending('no private mount namespace here (needs root and unshare -m)')
      return
    end
    local run = function(args) return ro_wol(ro.wol_home, args) end
    reads_work(run)
    writes_fail(run)
  end)

  it('a read-only index.db alone: search uses a copy, writes to the circle still work', function()
    if not can_ns then
      pending('no private mount namespace here (needs root and unshare -m)')
      return
    end
    local db = ro.wol_home .. '/index.db'
    local out, err, rc = ro_wol(db, { 'search', 'marmot' })
    assert.are.equal(0, rc, out .. err)
    assert.matches('notes/ro/plan%.md', out)
    assert.matches('cannot be written: using a temporary copy', err)
    out, err, rc = ro_wol(db, { 'index' })
    assert.are.equal(1, rc, out .. err)
    assert.matches('^wol: index: [^\n]* cannot be written, so the index was not updated', err)
    out, err, rc = ro_wol(db, { 'ask', 'Still possible?', '--json' })
    assert.are.equal(0, rc, out .. err)
    out, err, rc = ro_wol(db, { 'questions', '--json' })
    assert.are.equal(0, rc, out .. err)
    assert.matches('Still possible%?', out)
    -- back to how it was for the next test: the question goes, with its commit
    sh_ok(string.format('git -C %s reset -q --hard HEAD~1', t.shquote(dir)))
    ok({ 'index' }, ro)
    before = snapshot()
  end)

  it('a home the user cannot write (an unprivileged uid): the same', function()
    local _, root = t.sh('test "$(id -u)" = 0')
    if root ~= 0 or select(2, t.sh('command -v setpriv')) ~= 0 then
      pending('needs root and setpriv to run as another uid')
      return
    end
    sh_ok(string.format('chown -R 65534:65534 %s && chmod -R a-w %s', t.shquote(ro.home), t.shquote(ro.wol_home)))
    before = snapshot()
    reads_work(uid_wol)
    writes_fail(uid_wol)
    sh_ok(string.format('chmod -R u+w %s && chown -R 0:0 %s', t.shquote(ro.wol_home), t.shquote(ro.home)))
  end)
end)
