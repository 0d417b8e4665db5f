-- Circles on the hosts where they live: https with basic auth behind nginx
-- (git http-backend, a certificate from a test CA), gitolite over ssh with a
-- read-write and a read-only member, and members who use plain git. The
-- servers are real, started here on free loopback ports and stopped by pid
-- (tests/helpers/servers.lua); a scenario is pending, with the reason, only
-- when a package is missing (`make deps-test` installs them).
--
-- The scenarios run bin/wol against servers that take a while to start
-- (gitolite's setup above all), so they run once, in the luajit suite; the
-- sanitizer suite covers the same network code through sync_spec.
local t = require('wolt')
local S = require('synct')
local V = require('servers')

local run_cli = os.getenv('WOL_TEST_INTERP') == 'luajit' and os.getenv('WOL_BIN') == nil
local it_cli = run_cli and it or pending

local https, https_why, gl, gl_why

setup(function()
  S.full_stacks = true
  if run_cli then
    https, https_why = V.https()
    gl, gl_why = V.gitolite({ rw = { 'ana' }, ro = { 'bo' }, repos = { 'circle', 'plain' } })
  end
end)

teardown(function()
  S.full_stacks = false
  if https then
    https.stop()
  end
  if gl then
    gl.stop()
  end
end)

local function need(server, why)
  if not server then
    pending(why)
  end
end

-- plain git as a member would run it: ssh (which reads ~/.ssh of the
-- account, not $HOME) told which key and known_hosts to use
local function git_as(m, args)
  local ssh = string.format('ssh -i %s/.ssh/id_ed25519 -o IdentitiesOnly=yes -o UserKnownHostsFile=%s/.ssh/known_hosts',
    m.home, m.home)
  return t.sh(string.format('export %s GIT_TERMINAL_PROMPT=0 GIT_SSH_COMMAND=%s; git %s 2>&1', t.env(m), t.shquote(ssh),
    args))
end

describe('the test hosts', function()
  it_cli('https: basic auth, push for members, 403 for a read-only user, the test CA trusted per HOME', function()
    need(https, https_why)
    https.bare('hosts-plain')
    local m = t.member('plain')
    local dir = t.tmpdir('plain') .. '/w'
    -- without the CA the certificate is refused
    local out, rc = git_as(m, 'ls-remote ' .. t.shquote(https.url('hosts-plain', 'ana', 'pw-ana')))
    assert.are_not.equal(0, rc, out)
    V.trust_ca(m, https.ca)
    out, rc = git_as(m, string.format('init -q -b main %s && cd %s && echo hi > f && git add f && ' ..
      'git commit -qm one && git push -q %s main', t.shquote(dir), t.shquote(dir),
      t.shquote(https.url('hosts-plain', 'ana', 'pw-ana'))))
    assert.are.equal(0, rc, out)
    out, rc = git_as(m, 'ls-remote ' .. t.shquote(https.url('hosts-plain', 'reader', 'pw-reader')))
    assert.are.equal(0, rc, out)
    assert.matches('refs/heads/main', out)
    out, rc = git_as(m, string.format('-C %s push %s main:other', t.shquote(dir),
      t.shquote(https.url('hosts-plain', 'reader', 'pw-reader'))))
    assert.are_not.equal(0, rc)
    assert.matches('403', out)
    out, rc = git_as(m, 'ls-remote ' .. t.shquote(https.url('hosts-plain', 'ana', 'wrong')))
    assert.are_not.equal(0, rc)
    assert.matches('Authentication failed', out)
  end)

  it_cli('gitolite: the read-write member pushes, the read-only member is DENIED; HEAD is master', function()
    need(gl, gl_why)
    local ana, bo = t.member('ana'), t.member('bo')
    gl.install_key(ana, 'ana')
    gl.install_key(bo, 'bo')
    gl.trust(ana)
    gl.trust(bo)
    local head = t.sh('git --git-dir=' .. t.shquote(gl.repo_path('plain')) .. ' symbolic-ref HEAD')
    assert.matches('refs/heads/master', head)
    local dir = t.tmpdir('gl') .. '/w'
    local out, rc = git_as(ana, string.format('init -q -b master %s && cd %s && echo hi > f && git add f && ' ..
      'git commit -qm one && git push -q %s master', t.shquote(dir), t.shquote(dir), t.shquote(gl.url('plain'))))
    assert.are.equal(0, rc, out)
    out, rc = git_as(bo, 'ls-remote ' .. t.shquote(gl.url('plain')))
    assert.are.equal(0, rc, out)
    out, rc = git_as(bo, string.format('-C %s push %s master:other', t.shquote(dir), t.shquote(gl.url('plain'))))
    assert.are_not.equal(0, rc)
    assert.matches('DENIED', out)
  end)
end)

-- a member of the https host: trusts the test CA through git config in
-- their own HOME, and optionally keeps credentials with a helper
local function https_member(handle, helper)
  local m = t.member(handle)
  V.trust_ca(m, https.ca)
  if helper then
    t.sh(string.format('HOME=%s git config --global credential.helper %s', t.shquote(m.home), t.shquote(helper)))
  end
  return m
end

local function join(m, url, env, name)
  local e = S.asan_env()
  for k, v in pairs(env or {}) do
    e[k] = v
  end
  return t.wol({ 'join', url, name or 'c' }, m, e)
end

local function origin(m, name)
  return (t.git(S.circle_dir(m, name), 'config remote.origin.url', m):gsub('%s+$', ''))
end

describe('circles over https', function()
  it_cli('a token and a private CA: init, sync, join, share and sync again', function()
    need(https, https_why)
    https.bare('hc')
    local ana = https_member('ana')
    S.init(ana, https.url('hc', 'ana'))
    local out, err, rc = S.sync(ana, nil, { WOL_GIT_TOKEN = 'pw-ana' })
    assert.are.equal(0, rc, err .. out)
    -- bo trusts the CA through GIT_SSL_CAINFO only (no git config)
    local bo = t.member('bo')
    out, err, rc = join(bo, https.url('hc', 'bo'), { WOL_GIT_TOKEN = 'pw-bo', GIT_SSL_CAINFO = https.ca.file })
    assert.are.equal(0, rc, err .. out)
    S.share(bo, 'notes/bo/tls.md', 'over https\n')
    out, err, rc = S.sync(bo, nil, { WOL_GIT_TOKEN = 'pw-bo', GIT_SSL_CAINFO = https.ca.file })
    assert.are.equal(0, rc, err .. out)
    out, err, rc = S.sync(ana, nil, { WOL_GIT_TOKEN = 'pw-ana' })
    assert.are.equal(0, rc, err .. out)
    assert.are.equal('over https\n', t.read(S.circle_dir(ana) .. '/notes/bo/tls.md'))
    -- a wrong token: each credential once, exit 4, what was tried named
    out, err, rc = S.sync(ana, nil, { WOL_GIT_TOKEN = 'nope' })
    assert.are.equal(4, rc, err .. out)
    assert.matches('refused the credentials %(tried: %$WOL_GIT_TOKEN%)', err)
  end)

  it_cli('git credential store: learns a URL password (approve), forgets a refused one (reject); .git/config never holds it', function()
    need(https, https_why)
    https.bare('hs')
    local ana = https_member('ana')
    S.init(ana, https.url('hs', 'ana'))
    local _, err, rc = S.sync(ana, nil, { WOL_GIT_TOKEN = 'pw-ana' })
    assert.are.equal(0, rc, err)
    local store = t.tmpdir('store') .. '/creds'
    local bo = https_member('bo', 'store --file=' .. store)
    local out
    out, err, rc = join(bo, https.url('hs', 'bo', 'pw-bo'))
    assert.are.equal(0, rc, err .. out)
    assert.are.equal(https.url('hs', 'bo'), origin(bo))
    local _, grc = t.sh('grep -rq pw-bo ' .. t.shquote(S.circle_dir(bo) .. '/.git'))
    assert.are_not.equal(0, grc, 'the password is in .git')
    assert.matches('pw%-bo', t.read(store) or '')
    -- the helper gives it back to sync
    S.share(bo, 'notes/bo/helper.md', 'kept by the helper\n')
    out, err, rc = S.sync(bo)
    assert.are.equal(0, rc, err .. out)
    -- a password the server refuses is removed from the helper
    t.write(store, (t.read(store):gsub('pw%-bo', 'stale')))
    out, err, rc = S.sync(bo)
    assert.are.equal(4, rc, err .. out)
    assert.matches('tried: git credential fill', err)
    assert.not_matches('stale', t.read(store) or '')
    -- init too keeps the URL without the password and hands it to the helper
    https.bare('hs-new')
    local dstore = t.tmpdir('store') .. '/creds'
    local dd = https_member('dd', 'store --file=' .. dstore)
    out, err, rc = t.wol({ 'init', 'mine', '--remote', https.url('hs-new', 'ana', 'pw-ana') }, dd)
    assert.are.equal(0, rc, err .. out)
    assert.are.equal(https.url('hs-new', 'ana'), origin(dd, 'mine'))
    assert.matches('pw%-ana', t.read(dstore) or '')
    out, err, rc = S.sync(dd)
    assert.are.equal(0, rc, err .. out)
    -- no helper: a URL password is refused before anything is written
    local cy = https_member('cy')
    out, err, rc = join(cy, https.url('hs', 'ana', 'pw-ana'))
    assert.are.equal(1, rc, err .. out)
    assert.matches('credential helper', err)
    assert.not_matches('pw%-ana', err)
    assert.is_false(t.exists(S.circle_dir(cy)))
  end)

  it_cli('git credential cache: learns through approve, serves the next sync', function()
    need(https, https_why)
    https.bare('hk')
    local ana = https_member('ana')
    S.init(ana, https.url('hk', 'ana'))
    local _, err, rc = S.sync(ana, nil, { WOL_GIT_TOKEN = 'pw-ana' })
    assert.are.equal(0, rc, err)
    local sock = t.tmpdir('cache') .. '/sock'
    local bo = https_member('bo', 'cache --timeout=600 --socket=' .. sock)
    finally(function()
      t.sh(string.format('HOME=%s git credential-cache --socket=%s exit 2>/dev/null', t.shquote(bo.home), t.shquote(sock)))
    end)
    local out
    out, err, rc = join(bo, https.url('hk', 'bo', 'pw-bo'))
    assert.are.equal(0, rc, err .. out)
    S.share(bo, 'notes/bo/cached.md', 'kept by the cache\n')
    out, err, rc = S.sync(bo)
    assert.are.equal(0, rc, err .. out)
    assert.are.equal(0, S.decode(out).ahead)
  end)

  it_cli('a read-only member: the push is refused (exit 5, "refused", the server said 403)', function()
    need(https, https_why)
    https.bare('hr')
    local ana = https_member('ana')
    S.init(ana, https.url('hr', 'ana'))
    local _, err, rc = S.sync(ana, nil, { WOL_GIT_TOKEN = 'pw-ana' })
    assert.are.equal(0, rc, err)
    local rd = https_member('reader')
    local out
    out, err, rc = join(rd, https.url('hr', 'reader'), { WOL_GIT_TOKEN = 'pw-reader' })
    assert.are.equal(0, rc, err .. out)
    out, err, rc = S.sync(rd, nil, { WOL_GIT_TOKEN = 'pw-reader' })
    assert.are.equal(5, rc, err .. out)
    local s = S.decode(out)
    assert.are.equal('refused', s.code)
    assert.matches('403', s.error)
    assert.matches('not write', err)
    assert.are.equal(1, s.ahead)
  end)

  it_cli("the system's CA bundle, parsed when the connection needs it, is what is trusted with no configuration", function()
    need(https, https_why)
    -- the CLI leaves libgit2's parse of the bundle to the first connection
    -- (csrc/cli/ca.c): a bundle holding the test CA, mounted over the
    -- system's for this process alone (a private mount namespace), must
    -- be what a join with no CA configured trusts
    local bundle = '/etc/ssl/certs/ca-certificates.crt'
    local _, urc = t.sh('unshare -rm true 2>/dev/null')
    if urc ~= 0 or not t.exists(bundle) then
      pending('needs unshare -rm (a private mount namespace) and ' .. bundle)
      return
    end
    https.bare('hb')
    local ana = https_member('ana')
    S.init(ana, https.url('hb', 'ana'))
    local o, e, r = S.sync(ana, nil, { WOL_GIT_TOKEN = 'pw-ana' })
    assert.are.equal(0, r, e .. o)
    local mine = t.tmpdir('bundle') .. '/ca-certificates.crt'
    t.write(mine, t.read(bundle) .. t.read(https.ca.file))
    local m = t.member('bo')
    local function join_under(b)
      local errf = m.home .. '/err'
      local out, rc = t.sh(string.format('unshare -rm sh -c %s 2>%s', t.shquote(string.format(
        'mount --bind %s %s && exec env %s %s join %s c', t.shquote(b), bundle,
        t.env(m, { WOL_GIT_TOKEN = 'pw-bo' }), t.shquote(t.bin), t.shquote(https.url('hb', 'bo')))),
        t.shquote(errf)))
      return out, t.read(errf) or '', rc
    end
    -- the system's own bundle, mounted the same way: refused
    local out, err, rc = join_under(bundle)
    assert.are.equal(4, rc, err .. out)
    assert.matches('not signed by a certificate authority this machine trusts', err)
    -- the bundle with the test CA: trusted, the circle joined
    out, err, rc = join_under(mine)
    assert.are.equal(0, rc, err .. out)
    assert.is_true(t.exists(m.wol_home .. '/circles/c/.git'))
  end)

  it_cli('certificates: says why one is refused (not trusted, another name, expired); sslVerify=false refused', function()
    need(https, https_why)
    https.bare('hx')
    local m = t.member('dd')
    local _, err, rc = join(m, https.url('hx', 'ana'), { WOL_GIT_TOKEN = 'pw-ana' })
    assert.are.equal(4, rc, err)
    assert.matches('not signed by a certificate authority this machine trusts', err)
    assert.matches('http%.sslCAInfo', err)
    V.trust_ca(m, https.ca)
    local ip = https.url('hx', 'ana'):gsub('localhost', '127.0.0.1')
    _, err, rc = join(m, ip, { WOL_GIT_TOKEN = 'pw-ana' })
    assert.are.equal(4, rc, err)
    assert.matches('IP address', err)
    t.sh(string.format('HOME=%s git config --global http.sslVerify false', t.shquote(m.home)))
    _, err, rc = join(m, https.url('hx', 'ana'), { WOL_GIT_TOKEN = 'pw-ana' })
    assert.are_not.equal(0, rc, err)
    assert.matches('http%.sslVerify is false', err)
    assert.matches('http%.sslCAInfo', err)
    t.sh(string.format('HOME=%s git config --global --unset http.sslVerify', t.shquote(m.home)))
    -- an expired certificate, in sync as in join
    local old, owhy = V.https({ expired = true })
    need(old, owhy)
    finally(old.stop)
    old.bare('hx')
    _, err, rc = join(m, old.url('hx', 'ana'), { WOL_GIT_TOKEN = 'pw-ana' })
    assert.are.equal(4, rc, err)
    assert.matches('has expired', err)
    S.init(m, old.url('hx', 'ana'), 'old')
    local out
    out, err, rc = S.sync(m, nil, { WOL_GIT_TOKEN = 'pw-ana' })
    assert.are.equal(4, rc, err .. out)
    assert.matches('has expired', err)
    assert.is_false(t.exists(m.wol_home .. '/circles/c'))
  end)
end)

describe('circles on gitolite over ssh', function()
  it_cli('keys and the agent: join a master-HEAD remote, the read-only member is refused (exit 5), a plain-git member shares', function()
    need(gl, gl_why)
    local ana, bo, cy = t.member('ana'), t.member('bo'), t.member('cy')
    gl.install_key(ana, 'ana')
    gl.install_key(cy, 'ana') -- cy uses plain git with a read-write key
    gl.trust(ana)
    gl.trust(bo)
    gl.trust(cy)
    -- the remote is empty and its HEAD is master: init pushes the circle's branch
    S.init(ana, gl.url('circle'))
    local out, err, rc = S.sync(ana)
    assert.are.equal(0, rc, err .. out)
    -- bo's key is only in an agent (no key files): join follows the branch
    -- holding circle.md, as HEAD names a branch that does not exist
    local agent, awhy = V.agent(gl.key('bo'))
    need(agent, awhy)
    finally(agent.stop)
    out, err, rc = join(bo, gl.url('circle'), { SSH_AUTH_SOCK = agent.sock })
    assert.are.equal(0, rc, err .. out)
    assert.is_true(t.exists(S.circle_dir(bo) .. '/circle.md'))
    -- a member who uses plain git pushes a note
    local cdir = t.tmpdir('cy') .. '/c'
    out, rc = git_as(cy, string.format('clone -q %s %s && cd %s && mkdir -p notes/cy && echo plain > notes/cy/p.md && ' ..
      'git add -A && git commit -qm "notes: plain git" && git push -q origin HEAD', t.shquote(gl.url('circle')),
      t.shquote(cdir), t.shquote(cdir)))
    assert.are.equal(0, rc, out)
    -- read-only: bo fetches it, and his push is refused with gitolite's words
    S.share(bo, 'notes/bo/ro.md', 'read only\n')
    out, err, rc = S.sync(bo, nil, { SSH_AUTH_SOCK = agent.sock })
    assert.are.equal(5, rc, err .. out)
    local s = S.decode(out)
    assert.are.equal('refused', s.code)
    assert.matches('DENIED', s.error)
    assert.are.equal('plain\n', t.read(S.circle_dir(bo) .. '/notes/cy/p.md'))
    out, err, rc = S.sync(ana)
    assert.are.equal(0, rc, err .. out)
    assert.are.equal('plain\n', t.read(S.circle_dir(ana) .. '/notes/cy/p.md'))
  end)
end)

describe('forge defaults and foreign histories', function()
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

  it_cli('a circle on master (the remote HEAD): join follows it, sync works on that branch', function()
    local bare = d.bare('onmaster')
    local ana, bo = t.member('ana'), t.member('bo')
    S.init(ana, d.url('onmaster'))
    local _, err, rc = S.sync(ana)
    assert.are.equal(0, rc, err)
    -- the host keeps the circle on master and points HEAD at it
    t.sh(string.format('git --git-dir=%s branch -m main master && git --git-dir=%s symbolic-ref HEAD refs/heads/master',
      t.shquote(bare), t.shquote(bare)))
    local out
    out, err, rc = join(bo, d.url('onmaster'))
    assert.are.equal(0, rc, err .. out)
    local head = t.git(S.circle_dir(bo), 'symbolic-ref HEAD', bo)
    assert.matches('refs/heads/master', head)
    S.share(bo, 'notes/bo/m.md', 'on master\n')
    out, err, rc = S.sync(bo)
    assert.are.equal(0, rc, err .. out)
    assert.are.equal('on master\n', (t.sh('git --git-dir=' .. t.shquote(bare) .. ' show master:notes/bo/m.md')))
  end)

  it_cli('init --remote on a remote that holds a circle refuses; sync never merges unrelated histories', function()
    d.bare('taken')
    local ana, bo = t.member('ana'), t.member('bo')
    S.init(ana, d.url('taken'))
    local _, err, rc = S.sync(ana)
    assert.are.equal(0, rc, err)
    local out
    out, err, rc = t.wol({ 'init', 'mine', '--remote', d.url('taken') }, bo)
    assert.are.equal(1, rc, err .. out)
    assert.matches('already holds a circle', err)
    assert.matches('wol join ' .. d.url('taken'):gsub('%p', '%%%0'), err)
    assert.is_false(t.exists(S.circle_dir(bo, 'mine')))
    -- a circle of its own, pointed at the other circle's remote by hand
    S.init(bo)
    local dir = S.circle_dir(bo)
    t.git(dir, 'remote add origin ' .. t.shquote(d.url('taken')), bo)
    local before = t.git(dir, 'rev-parse HEAD', bo)
    out, err, rc = S.sync(bo)
    assert.are.equal(1, rc, err .. out)
    assert.matches('unrelated', err)
    assert.are.equal(before, t.git(dir, 'rev-parse HEAD', bo))
    assert.are.equal('', (t.git(dir, 'status --porcelain', bo)))
  end)

  it_cli('join: a missing path says so; another user\'s repository explains safe.directory; a killed join leaves no .tmp-*', function()
    local bo = t.member('bo')
    local _, err, rc = join(bo, '/nonexistent/circle.git')
    assert.are.equal(1, rc, err)
    assert.matches('/nonexistent/circle%.git does not exist', err)
    assert.not_matches('unsupported URL protocol', err)
    -- a repository owned by someone else
    local uid = t.sh('id -u'):match('%d+')
    if uid == '0' then
      local theirs = t.tmpdir('theirs') .. '/c.git'
      t.sh('git init -q --bare ' .. t.shquote(theirs) .. ' && chown -R nobody ' .. t.shquote(theirs))
      _, err, rc = join(bo, theirs)
      assert.are.equal(1, rc, err)
      assert.matches('safe%.directory', err)
      assert.matches('git config %-%-global %-%-add safe%.directory ' .. theirs:gsub('%p', '%%%0'), err)
    end
    -- a join killed while it receives leaves its temporary clone; the next
    -- join removes it
    local bare = d.bare('sweep')
    local ana = t.member('ana')
    local adir = S.init(ana, d.url('sweep'))
    local out
    out, rc = t.sh(string.format('cd %s && head -c 4000000 /dev/urandom > notes.bin && git add notes.bin && ' ..
      'git commit -qm big && git push -q origin main 2>&1', t.shquote(adir)))
    assert.are.equal(0, rc, out)
    local log = t.tmpdir('killed') .. '/out'
    t.sh(string.format([[
env %s %s join --json %s killed > %s 2>&1 &
pid=$!
i=0
while [ $i -lt 3000 ]; do
  grep -q '"phase":"receiving"' %s 2>/dev/null && break
  kill -0 $pid 2>/dev/null || break
  sleep 0.01; i=$((i+1))
done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
true]], t.env(bo), t.shquote(t.bin), t.shquote(d.url('sweep')), t.shquote(log), t.shquote(log)))
    assert.matches('"phase":"receiving"', t.read(log) or '')
    local left = t.sh('ls -A ' .. t.shquote(bo.wol_home .. '/circles'))
    assert.matches('%.tmp%-', left)
    out, err, rc = join(bo, bare)
    assert.are.equal(0, rc, err .. out)
    assert.are.equal('c\n', t.sh('ls -A ' .. t.shquote(bo.wol_home .. '/circles')))
  end)

  it_cli('no space left on device while fetching: exit 1 naming the folder, not "cannot reach"', function()
    if t.sh('id -u'):match('%d+') ~= '0' then
      pending('mounting a small tmpfs needs root')
    end
    local bo = t.member('bo')
    local mnt = t.tmpdir('full')
    local out, rc = t.sh('mount -t tmpfs -o size=1m tmpfs ' .. t.shquote(mnt) .. ' 2>&1')
    if rc ~= 0 then
      pending('cannot mount a tmpfs here: ' .. out)
    end
    finally(function()
      t.sh('umount ' .. t.shquote(mnt))
    end)
    local bare = d.bare('full')
    local ana = t.member('ana')
    local adir = S.init(ana, d.url('full'))
    local _, err
    _, err, rc = S.sync(ana)
    assert.are.equal(0, rc, err)
    bo.wol_home = mnt .. '/wol'
    out, err, rc = join(bo, d.url('full'))
    assert.are.equal(0, rc, err .. out)
    -- 3 MB that do not compress arrive for a 1 MB disk
    t.sh(string.format('head -c 3000000 /dev/urandom > %s/notes.bin', t.shquote(adir)))
    out, rc = t.git(adir, 'add notes.bin && git -C ' .. t.shquote(adir) .. ' commit -qm big && git -C ' ..
      t.shquote(adir) .. ' push -q origin main', ana)
    assert.are.equal(0, rc, out)
    assert.is_true(t.exists(bare))
    out, err, rc = S.sync(bo)
    assert.are.equal(1, rc, err .. out)
    assert.matches('no space left on device under ' .. mnt:gsub('%p', '%%%0'), err)
    assert.not_matches('cannot reach', err)
  end)
end)
