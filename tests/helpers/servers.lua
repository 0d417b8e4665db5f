-- Real git hosts on loopback for the tests, each started on a free
-- 127.0.0.1 port and stopped by its pid (see synct.lua for git daemon and
-- plain sshd):
--   ca()        a test certificate authority made with openssl (cached per
--               process); server certificates for a host name
--   https{}     nginx + fcgiwrap + `git http-backend` over TLS with basic
--               auth; push for authenticated users, read-only users get 403
--   gitolite{}  gitolite3 behind its own sshd, read-write and read-only members
--   agent(key)  an ssh-agent holding a key
-- Each returns the server, or nil and the reason it cannot run here (a
-- package that is missing: `make deps-test` installs them).
local t = require('wolt')
local S = require('synct')
local M = {}

-- The host name the certificates are made for: Debian's libgit2 (mbedTLS)
-- cannot check a certificate made out to an IP address.
M.host = 'localhost'

local function q(s)
  return t.shquote(s)
end

local function run(cmd)
  local out, rc = t.sh(cmd .. ' 2>&1')
  assert(rc == 0, cmd .. ':\n' .. out)
  return out
end

--- nil when every program is there, else the reason naming the package.
function M.missing(...)
  for _, spec in ipairs({ ... }) do
    local prog, pkg = spec:match('^([^=]+)=?(.*)$')
    local _, rc = t.sh('command -v ' .. prog .. ' >/dev/null 2>&1 || test -x ' .. q(prog))
    if rc ~= 0 then
      return string.format('%s is not installed (package %s; make deps-test installs it)', prog,
        pkg ~= '' and pkg or prog)
    end
  end
  return nil
end

local function is_root()
  return (t.sh('id -u'):match('%d+')) == '0'
end

-- Picks a free port and starts `start(port)`, which returns a pid; waits
-- until the port answers. Returns port, pid or nil, nil.
local function listen(start, tries)
  for _ = 1, tries or 20 do
    local port = 20000 + math.random(0, 40000)
    if not S.port_open(port) then
      local pid = start(port)
      for _ = 1, 250 do
        if not pid or S.port_open(port) or not S.alive(pid) then
          break
        end
        S.sleep(0.02)
      end
      if pid and S.alive(pid) and S.port_open(port) then
        return port, pid
      end
      if pid then
        t.sh('kill ' .. pid .. ' 2>/dev/null')
      end
    end
  end
  return nil, nil
end

-- Whether pid runs (a zombie whose parent shell is gone does not).
local function running(pid)
  local f = io.open('/proc/' .. pid .. '/stat', 'r')
  if not f then
    return false
  end
  local stat = f:read('*a') or ''
  f:close()
  local state = stat:match('%)%s+(%a)')
  return state ~= nil and state ~= 'Z' and state ~= 'X'
end

-- Stops a process by pid: TERM, then KILL if it lingers.
local function stop(pid)
  if not pid then
    return
  end
  t.sh('kill ' .. pid .. ' 2>/dev/null')
  for _ = 1, 200 do
    if not running(pid) then
      return
    end
    S.sleep(0.01)
  end
  t.sh('kill -9 ' .. pid .. ' 2>/dev/null')
end
M.stop = stop

------------------------------------------------------------------ the CA

local ca_cache

--- The test CA: { dir, file (ca.pem), cert(name, opts) -> crt, key }.
--- opts.expired: a certificate whose validity ended (made with `openssl
--- ca`, which takes dates in the past).
function M.ca()
  if ca_cache then
    return ca_cache
  end
  local why = M.missing('openssl')
  if why then
    return nil, why
  end
  local dir = t.tmpdir('ca')
  run(string.format('cd %s && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes ' ..
    '-keyout ca.key -out ca.pem -days 30 -subj "/CN=wol test CA" ' ..
    '-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign', q(dir)))
  t.write(dir .. '/index.txt', '')
  t.write(dir .. '/serial', '1000\n')
  t.write(dir .. '/ca.cnf', table.concat({
    '[ca]', 'default_ca = test', '[test]', 'dir = ' .. dir, 'database = $dir/index.txt',
    'new_certs_dir = $dir', 'serial = $dir/serial', 'certificate = $dir/ca.pem',
    'private_key = $dir/ca.key', 'default_md = sha256', 'policy = any', 'copy_extensions = copy',
    'unique_subject = no', '[any]', 'commonName = supplied', '',
  }, '\n'))
  local ca = { dir = dir, file = dir .. '/ca.pem' }
  local n = 0
  function ca.cert(name, opts)
    opts = opts or {}
    n = n + 1
    local base = string.format('%s/srv%d', dir, n)
    run(string.format('openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout %s ' ..
      '-out %s -subj /CN=%s -addext subjectAltName=DNS:%s -addext basicConstraints=CA:FALSE ' ..
      '-addext extendedKeyUsage=serverAuth', q(base .. '.key'), q(base .. '.csr'), name, name))
    local dates = opts.expired and '-startdate 20200101000000Z -enddate 20200201000000Z' or '-days 30'
    run(string.format('openssl ca -batch -notext -config %s %s -in %s -out %s', q(dir .. '/ca.cnf'), dates,
      q(base .. '.csr'), q(base .. '.crt')))
    return base .. '.crt', base .. '.key'
  end
  ca_cache = ca
  return ca
end

--- Makes `member` trust the test CA the way a user trusts a private one:
--- git config --global http.sslCAInfo in the member's own HOME.
function M.trust_ca(member, ca)
  run(string.format('HOME=%s git config --global http.sslCAInfo %s', q(member.home), q(ca.file)))
end

------------------------------------------------------------------ https

--- nginx + fcgiwrap + git http-backend over TLS with basic auth.
--- opts.users: { name = password } (default ana, bo, reader); opts.readers:
--- { name = true } who may fetch but not push (HTTP 403); opts.expired: serve
--- an expired certificate. Returns { port, base, ca, url(name, user, pass),
--- bare(name, branch), stop() }.
function M.https(opts)
  opts = opts or {}
  local why = M.missing('/usr/sbin/nginx=nginx', '/usr/sbin/fcgiwrap=fcgiwrap', 'openssl', '/usr/lib/git-core/git-http-backend=git')
  if why then
    return nil, why
  end
  local ca, cerr = M.ca()
  if not ca then
    return nil, cerr
  end
  local dir = t.tmpdir('https')
  local base = dir .. '/repos'
  run('mkdir -p ' .. q(base) .. ' ' .. q(dir .. '/tmp') .. ' ' .. q(dir .. '/logs'))
  local crt, key = ca.cert(M.host, { expired = opts.expired })
  local users = opts.users or { ana = 'pw-ana', bo = 'pw-bo', reader = 'pw-reader' }
  local readers = opts.readers or { reader = true }
  local lines = {}
  for name, pw in pairs(users) do
    local hash = run('openssl passwd -apr1 ' .. q(pw)):match('(%S+)')
    table.insert(lines, name .. ':' .. hash)
  end
  t.write(dir .. '/htpasswd', table.concat(lines, '\n') .. '\n')
  local deny = {}
  for name in pairs(readers) do
    table.insert(deny, string.format('    if ($remote_user = "%s") { set $push "${push}r"; }', name))
  end
  -- fcgiwrap runs git http-backend with a clean environment of its own
  local sock = dir .. '/fcgi.sock'
  local fpid = run(string.format('env -i PATH=/usr/bin:/bin HOME=%s /usr/sbin/fcgiwrap -s unix:%s ' ..
    '>%s/logs/fcgiwrap.log 2>&1 </dev/null & echo $!', q(dir), q(sock), q(dir))):match('(%d+)')
  for _ = 1, 250 do
    if t.exists(sock) or not S.alive(fpid) then
      break
    end
    S.sleep(0.02)
  end
  if not t.exists(sock) then
    stop(fpid)
    return nil, 'fcgiwrap did not start: ' .. (t.read(dir .. '/logs/fcgiwrap.log') or '')
  end
  local port, pid = listen(function(p)
    t.write(dir .. '/nginx.conf', table.concat({
      'daemon off;',
      'worker_processes 1;',
      is_root() and 'user root;' or '',
      'pid ' .. dir .. '/nginx.pid;',
      'error_log ' .. dir .. '/logs/error.log;',
      'events { worker_connections 64; }',
      'http {',
      '  access_log ' .. dir .. '/logs/access.log;',
      '  client_body_temp_path ' .. dir .. '/tmp/body;',
      '  proxy_temp_path ' .. dir .. '/tmp/proxy;',
      '  fastcgi_temp_path ' .. dir .. '/tmp/fastcgi;',
      '  uwsgi_temp_path ' .. dir .. '/tmp/uwsgi;',
      '  scgi_temp_path ' .. dir .. '/tmp/scgi;',
      '  client_max_body_size 0;',
      '  server {',
      '    listen 127.0.0.1:' .. p .. ' ssl;',
      '    server_name ' .. M.host .. ';',
      '    ssl_certificate ' .. crt .. ';',
      '    ssl_certificate_key ' .. key .. ';',
      -- a push (either request of it) by a read-only user: 403
      '    set $push "";',
      '    if ($arg_service = "git-receive-pack") { set $push "p"; }',
      '    if ($uri ~ "/git-receive-pack$") { set $push "p"; }',
      table.concat(deny, '\n'),
      '    if ($push = "pr") { return 403; }',
      '    location / {',
      '      auth_basic "wol test";',
      '      auth_basic_user_file ' .. dir .. '/htpasswd;',
      '      include /etc/nginx/fastcgi_params;',
      '      fastcgi_param SCRIPT_FILENAME /usr/lib/git-core/git-http-backend;',
      '      fastcgi_param GIT_PROJECT_ROOT ' .. base .. ';',
      '      fastcgi_param GIT_HTTP_EXPORT_ALL "";',
      '      fastcgi_param PATH_INFO $uri;',
      '      fastcgi_param REMOTE_USER $remote_user;',
      '      fastcgi_pass unix:' .. sock .. ';',
      '    }',
      '  }',
      '}',
      '',
    }, '\n'))
    return t.sh(string.format('env -i PATH=/usr/bin:/bin /usr/sbin/nginx -c %s -e %s >>%s 2>&1 </dev/null & echo $!',
      q(dir .. '/nginx.conf'), q(dir .. '/logs/error.log'), q(dir .. '/logs/nginx.out'))):match('(%d+)')
  end)
  if not port then
    stop(fpid)
    return nil, 'nginx did not start: ' .. (t.read(dir .. '/logs/error.log') or '')
  end
  local h = { port = port, base = base, dir = dir, ca = ca, pid = pid, users = users }
  --- https://[user[:pass]@]localhost:PORT/name.git
  function h.url(name, user, pass)
    local auth = ''
    if user then
      auth = user .. (pass and (':' .. pass) or '') .. '@'
    end
    return string.format('https://%s%s:%d/%s.git', auth, M.host, port, name)
  end
  --- A bare repository `name` whose HEAD is `branch` (default main).
  function h.bare(name, branch)
    local path = base .. '/' .. name .. '.git'
    run(string.format('git init -q --bare -b %s %s', branch or 'main', q(path)))
    return path
  end
  function h.log()
    return (t.read(dir .. '/logs/error.log') or '') .. (t.read(dir .. '/logs/access.log') or '')
  end
  function h.stop()
    stop(pid)
    stop(fpid)
  end
  return h
end

------------------------------------------------------------------ gitolite

--- gitolite3 behind an sshd of its own (as root, like synct.sshd). opts.rw
--- and opts.ro: member names with read-write and read-only access to every
--- repository in opts.repos (default { 'circle' }), which gitolite creates
--- (HEAD master, as `git init --bare` without configuration makes it).
--- Returns { port, url(repo), key(name), install_key(member, name),
--- trust(member), stop() }.
function M.gitolite(opts)
  opts = opts or {}
  local why = M.missing('gitolite=gitolite3', '/usr/sbin/sshd=openssh-server', 'ssh-keygen=openssh-client')
  if why then
    return nil, why
  end
  if not is_root() then
    return nil, 'gitolite behind its own sshd needs root here'
  end
  local dir = t.tmpdir('gitolite')
  local home = dir .. '/home'
  local keys = dir .. '/keys'
  run('mkdir -p ' .. q(home) .. ' ' .. q(keys))
  local function gl(args)
    return run(string.format('env -i PATH=/usr/bin:/bin HOME=%s gitolite %s', q(home), args))
  end
  local function keygen(name)
    run(string.format('ssh-keygen -q -t ed25519 -N "" -C %s -f %s', name, q(keys .. '/' .. name)))
  end
  keygen('admin')
  -- a configuration of our own, written before the one `gitolite setup`
  -- (which keeps an existing conf/gitolite.conf); only the features the
  -- tests use, so the setup starts fewer programs
  run('mkdir -p ' .. q(home .. '/.gitolite/logs'))
  gl('print-default-rc >' .. q(home .. '/.gitolite.rc'))
  local rc = t.read(home .. '/.gitolite.rc')
  for _, feature in ipairs({ 'daemon', 'gitweb', 'git-config' }) do
    rc = rc:gsub("\n%s*'" .. feature .. "',", '\n')
  end
  t.write(home .. '/.gitolite.rc', rc)
  local conf = { 'repo gitolite-admin', '    RW+ = admin', '' }
  local repos = opts.repos or { 'circle' }
  local rw, ro = opts.rw or {}, opts.ro or {}
  for _, name in ipairs(rw) do
    keygen(name)
  end
  for _, name in ipairs(ro) do
    keygen(name)
  end
  for _, repo in ipairs(repos) do
    table.insert(conf, 'repo ' .. repo)
    if #rw > 0 then
      table.insert(conf, '    RW+ = ' .. table.concat(rw, ' '))
    end
    if #ro > 0 then
      table.insert(conf, '    R = ' .. table.concat(ro, ' '))
    end
    table.insert(conf, '')
  end
  run(string.format('mkdir -p %s %s && cp %s/*.pub %s/', q(home .. '/.gitolite/conf'), q(home .. '/.gitolite/keydir'),
    q(keys), q(home .. '/.gitolite/keydir')))
  t.write(home .. '/.gitolite/conf/gitolite.conf', table.concat(conf, '\n'))
  -- compiles the configuration, creates the repositories, writes
  -- authorized_keys
  gl('setup -pk ' .. q(keys .. '/admin.pub'))
  local sshd, serr = S.sshd({
    authorized_keys = home .. '/.ssh/authorized_keys',
    -- gitolite-shell finds its configuration under $HOME
    config = { 'SetEnv HOME=' .. home },
  })
  if not sshd then
    return nil, serr
  end
  local g = { port = sshd.port, dir = dir, home = home, sshd = sshd }
  --- ssh://USER@127.0.0.1:PORT/repo.git (gitolite names the repository)
  function g.url(repo)
    return string.format('ssh://%s@127.0.0.1:%d/%s.git', sshd.user, sshd.port, repo)
  end
  function g.repo_path(repo)
    return home .. '/repositories/' .. repo .. '.git'
  end
  function g.key(name)
    return keys .. '/' .. name
  end
  --- Gives `member` the key of gitolite user `name` as ~/.ssh/id_ed25519.
  function g.install_key(member, name)
    run(string.format('mkdir -p %s && cp %s %s && cp %s %s && chmod 600 %s', q(member.home .. '/.ssh'),
      q(keys .. '/' .. name), q(member.home .. '/.ssh/id_ed25519'), q(keys .. '/' .. name .. '.pub'),
      q(member.home .. '/.ssh/id_ed25519.pub'), q(member.home .. '/.ssh/id_ed25519')))
  end
  g.trust = sshd.trust
  g.stop = sshd.stop
  return g
end

------------------------------------------------------------------ ssh-agent

--- An ssh-agent on a socket of its own holding `key`. Returns { sock,
--- pid, stop() } or nil, reason.
function M.agent(key)
  local why = M.missing('ssh-agent=openssh-client', 'ssh-add=openssh-client')
  if why then
    return nil, why
  end
  local sock = t.tmpdir('agent') .. '/sock'
  local out = run('ssh-agent -a ' .. q(sock) .. ' -s')
  local pid = out:match('SSH_AGENT_PID=(%d+)')
  run(string.format('SSH_AUTH_SOCK=%s ssh-add -q %s', q(sock), q(key)))
  return { sock = sock, pid = pid, stop = function()
    stop(pid)
  end }
end

return M
