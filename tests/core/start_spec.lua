-- A `wol` process starts without libgit2 unless it touches a repository or
-- the network (csrc/util/git.c), and reads the identity from git config as
-- git reads it, through the cache $WOL_HOME/.cache/identity keyed on the
-- stat of every config file consulted (csrc/ctx_config.c). WOL_TRACE_GIT=1
-- makes the library say on stderr when it initialises libgit2.
local t = require('wolt')
local json = require('dkjson')
local interp = os.getenv('WOL_TEST_INTERP') or 'luajit'

local TRACE = 'wol: trace: libgit2 initialised'
-- where the CLI loads libgit2 and libcrypto on first use (the Makefile's
-- LAZY): x86_64 and aarch64
local lazy = ({ x86_64 = true, aarch64 = true })[(t.sh('uname -m'):gsub('%s+$', ''))] or false

-- Config files written by a test get an mtime an hour back (a different one
-- each time): a file changed within the last two seconds is never cached
-- (its stamp could survive a second edit), and these tests want to see the
-- cache used.
local age = 3600
local function write_old(path, text)
  t.write(path, text)
  age = age + 7
  local _, rc = t.sh(string.format('touch -d @%d %s', os.time() - age, t.shquote(path)))
  assert(rc == 0)
end

local function run(m, args, env)
  env = env or {}
  env.WOL_TRACE_GIT = '1'
  env.WOL_TODAY = '2026-03-16'
  local out, err, rc = t.wol(args, m, env)
  assert(rc == 0 or (args[1] == 'search' and rc == 3), table.concat(args, ' ') .. ': ' .. out .. err)
  local inited = err:find(TRACE, 1, true) ~= nil
  return out, inited, err
end

-- The handle `wol doctor --json` reports.
local function handle(m, env)
  local out = run(m, { 'doctor', '--json' }, env)
  for _, item in ipairs(json.decode(out)) do
    local h = item.section == 'identity' and item.msg:match("^handle '([^']+)'")
    if h then
      return h
    end
  end
end

describe('a wol process', function()
  -- drives the CLI: once, and with the sanitizer build of it
  if interp ~= 'luajit' and not os.getenv('WOL_BIN') then return end

  local m
  before_each(function()
    m = t.member('ann')
    t.sh('mkdir -p ' .. t.shquote(m.wol_home))
    write_old(m.home .. '/.gitconfig', '[user]\n\tname = Ann Example\n\temail = ann@example.org\n' ..
      '[wol]\n\thandle = ann\n[include]\n\tpath = more.gitconfig\n')
    write_old(m.home .. '/more.gitconfig', '[core]\n\teditor = vi\n')
  end)

  it('does not initialise libgit2 for commands that never touch git, once the identity is cached', function()
    local _, first = run(m, { 'prompt' })
    assert.is_true(first) -- nothing cached yet: libgit2 read the config
    local cache = t.read(m.wol_home .. '/.cache/identity')
    assert.truthy(cache and cache:find('val\twol.handle\tann', 1, true))
    assert.truthy(cache:find('more.gitconfig', 1, true)) -- the include is part of the key
    assert.are.equal('600', (t.sh('stat -c %a ' .. t.shquote(m.wol_home .. '/.cache/identity')):match('%d+')))
    -- the first journal entry makes the private history (a repository)
    local _, made = run(m, { 'journal', '--path' })
    assert.is_true(made)
    assert.is_true(t.exists(m.wol_home .. '/.private.git'))
    -- nor even map it (the dynamic linker's own account of what it loads)
    for _, args in ipairs({ { 'prompt' }, { 'journal', '--path' }, { 'log', 'started the plan' },
      { 'search', '--no-refresh', 'plan' } }) do
      local _, inited, err = run(m, args, { LD_DEBUG = 'files' })
      assert.is_false(inited, table.concat(args, ' ') .. ' initialised libgit2: ' .. err)
      assert.truthy(err:find('file=libc.so', 1, true), err) -- the account is there
      assert.is_nil(err:find('file=libgit2', 1, true), table.concat(args, ' ') .. ' loaded libgit2')
      if lazy then
        assert.is_nil(err:find('file=libcmark', 1, true), table.concat(args, ' ') .. ' loaded cmark')
        assert.is_nil(err:find('file=libcrypto', 1, true), table.concat(args, ' ') .. ' loaded libcrypto')
      end
    end
    -- a command on a repository does, and works
    local _, inited, err = run(m, { 'init', 'c' }, { LD_DEBUG = 'files' })
    assert.is_true(inited)
    assert.truthy(err:find('file=libgit2', 1, true))
    local out = run(m, { 'status' })
    assert.truthy(out:find('c · week 1', 1, true), out)
  end)

  it("leaves the system's CA bundle to the first connection (libgit2 with mbedTLS)", function()
    -- Debian's libgit2 parses the bundle in git_libgit2_init; the CLI defers
    -- that parse to the network operation that needs it (csrc/cli/ca.c)
    local bundle = '/etc/ssl/certs/ca-certificates.crt'
    local mod = t.root .. '/lua/wol/core.so'
    local ldd = t.sh('ldd ' .. t.shquote(mod) .. ' 2>/dev/null')
    if not (t.exists(bundle) and ldd:find('libmbedx509', 1, true) and t.sh('command -v strace'):find('strace')) then
      pending('needs libgit2 built with mbedTLS, ' .. bundle .. ' and strace (make deps-test)')
      return
    end
    -- runs wol under strace: whether it opened the bundle
    local function opened(args)
      local trace = m.home .. '/trace'
      local out, err, rc = t.wol(args, m, { WOL_TRACE_GIT = '1', WOL_TODAY = '2026-03-16' },
        'strace -f -qq -e trace=openat -o ' .. t.shquote(trace))
      assert.are.equal(0, rc, table.concat(args, ' ') .. ': ' .. out .. err)
      assert.truthy(err:find(TRACE, 1, true), table.concat(args, ' ') .. ' did not initialise libgit2: ' .. err)
      return t.read(trace):find(bundle, 1, true) ~= nil
    end
    local remote = t.tmpdir('ca-remote') .. '/c.git'
    assert.are.equal(0, select(2, t.sh('git init -q --bare ' .. t.shquote(remote))))
    t.write(m.home .. '/idea.md', '# An idea\n\nLanterns by the river.\n')
    -- a connection reads it first, whatever the address (a local path
    -- here): init looks at the remote, sync fetches and pushes
    assert.is_true(opened({ 'init', 'c', '--remote', remote }), 'init --remote did not read the CA bundle')
    -- commands on repositories that make no connection: libgit2, no bundle
    for _, args in ipairs({ { 'share', m.home .. '/idea.md' }, { 'status' }, { 'journal', 'commit' },
      { 'journal', 'log' } }) do
      assert.is_false(opened(args), table.concat(args, ' ') .. ' read the CA bundle')
    end
    assert.is_true(opened({ 'sync' }), 'sync did not read the CA bundle')
  end)

  it('says so in one line when libgit2 cannot be loaded', function()
    if not lazy then return end
    local _, _, err = run(m, { 'init', 'c' }, { LD_DEBUG = 'files' })
    local soname = err:match('file=(libgit2[^%s%[]*)')
    assert.truthy(soname, err)
    -- a file by that name that is not a library, first in the search path
    local dir = t.tmpdir('badlib')
    t.write(dir .. '/' .. soname, 'not a library\n')
    t.write(m.home .. '/idea.md', '# An idea\n\nLanterns by the river.\n')
    for _, args in ipairs({ { 'status' }, { 'share', m.home .. '/idea.md' } }) do
      local out, err2, rc = t.wol(args, m, { LD_LIBRARY_PATH = dir })
      assert.are.equal(1, rc, out .. err2)
      assert.truthy(err2:match('^wol: libgit2: [^\n]*' .. soname:gsub('%.', '%%.') .. '[^\n]*\n$'), err2)
    end
    -- commands that do not need it still work
    local out, err3, rc = t.wol({ 'prompt' }, m, { LD_LIBRARY_PATH = dir })
    assert.are.equal(0, rc, err3)
    assert.truthy(out:find('%S'))
  end)

  it("loads sqlite from the CLI's own wol-sqlite3.so beside it, the system's when that is missing", function()
    if not lazy then return end
    -- an index with a note in it
    run(m, { 'init', 'c' })
    t.write(m.home .. '/idea.md', '# An idea\n\nLanterns by the river.\n')
    run(m, { 'share', m.home .. '/idea.md' })
    run(m, { 'index' })
    local args = { 'search', '--no-refresh', 'lanterns' }
    local want = run(m, args)
    assert.truthy(want:find('Lanterns by the river', 1, true), want)
    local own = t.bin:match('^(.*)/[^/]*$') .. '/wol-sqlite3.so'
    -- (the Makefile makes it when the system has libsqlite3.a)
    if t.exists(own) then
      own = t.sh('realpath ' .. t.shquote(own)):gsub('\n$', '') -- as /proc/self/exe names the folder
      local out, _, err = run(m, args, { LD_DEBUG = 'files' })
      assert.are.equal(want, out)
      assert.truthy(err:find('file=' .. own, 1, true), err)
      assert.is_nil(err:find('file=libsqlite3', 1, true), err)
    end
    -- the program alone in another folder: the system's library, the same answer
    local alone = t.tmpdir('alone') .. '/wol'
    assert.are.equal(0, select(2, t.sh('cp ' .. t.shquote(t.bin) .. ' ' .. t.shquote(alone))))
    local bin = t.bin
    t.bin = alone
    local ok, out, _, err = pcall(run, m, args, { LD_DEBUG = 'files' })
    t.bin = bin
    assert(ok, out)
    assert.are.equal(want, out)
    assert.truthy(err:find('file=libsqlite3', 1, true), err)
  end)

  it('sees an edited global config, an edited include file, and a switched GIT_CONFIG_GLOBAL', function()
    assert.are.equal('ann', handle(m))
    assert.are.equal('ann', handle(m))
    -- the global file edited (same size: only the stamp tells)
    write_old(m.home .. '/.gitconfig', '[user]\n\tname = Ann Example\n\temail = ann@example.org\n' ..
      '[wol]\n\thandle = bob\n[include]\n\tpath = more.gitconfig\n')
    assert.are.equal('bob', handle(m))
    -- the included file edited: its setting wins over the global one
    write_old(m.home .. '/more.gitconfig', '[wol]\n\thandle = cy\n')
    assert.are.equal('cy', handle(m))
    local _, inited = run(m, { 'prompt' })
    assert.is_false(inited)
    -- another global file through the environment, and back
    write_old(m.home .. '/other.gitconfig', '[wol]\n\thandle = dee\n')
    assert.are.equal('dee', handle(m, { GIT_CONFIG_GLOBAL = m.home .. '/other.gitconfig' }))
    assert.are.equal('cy', handle(m))
    -- an XDG file appearing where there was none
    write_old(m.home .. '/xdg/git/config', '[wol]\n\tsshkey = ~/.ssh/from-xdg\n')
    assert.are.equal('cy', handle(m, { XDG_CONFIG_HOME = m.home .. '/xdg' }))
    assert.truthy(t.read(m.wol_home .. '/.cache/identity'):find('from-xdg', 1, true))
    -- a file changed just now is read again every time, never cached stale
    t.write(m.home .. '/more.gitconfig', '[wol]\n\thandle = eve\n')
    assert.are.equal('eve', handle(m))
    t.write(m.home .. '/more.gitconfig', '[wol]\n\thandle = fay\n')
    assert.are.equal('fay', handle(m))
  end)

  it('answers from the files when the cache is damaged or $WOL_HOME does not exist', function()
    assert.are.equal('ann', handle(m))
    t.write(m.wol_home .. '/.cache/identity', 'wol-gitconfig 1\nval\twol.handle\tmallory\n')
    assert.are.equal('ann', handle(m))
    local fresh = { handle = 'ann', home = m.home, wol_home = m.home .. '/not-yet' }
    assert.are.equal('ann', handle(fresh))
    assert.is_false(t.exists(fresh.wol_home))
  end)
end)

describe('a context in a running process', function()
  it('is no longer current when a config file it read changes', function()
    local core = t.core()
    local ctx = assert(core.open({}))
    assert.is_true(ctx:current())
    local path = os.getenv('HOME') .. '/.gitconfig'
    local before = t.read(path)
    t.write(path, before .. '[wol]\n\tcircle = x\n')
    local ok, err = pcall(function()
      assert.is_false(ctx:current())
      local again = assert(core.open({}))
      assert.are.equal('x', again:config('wol.circle'))
      assert.are.equal('x', again:config('WOL.Circle'))
      assert.is_true(again:current())
      again:close()
    end)
    t.write(path, before)
    ctx:close()
    assert(ok, err)
  end)
end)
