-- Helpers for the sync tests: real servers on loopback (git daemon, sshd),
-- circles as real git clones, shares as real commits.
local t = require('wolt')
local M = {}

math.randomseed(os.time() + tonumber(tostring({}):match('0x(%x+)') or '0', 16) % 100000)

local function port_open(port)
  local _, rc = t.sh(string.format("bash -c 'exec 3<>/dev/tcp/127.0.0.1/%d' 2>/dev/null", port))
  return rc == 0
end

local function alive(pid)
  local _, rc = t.sh('kill -0 ' .. pid .. ' 2>/dev/null')
  return rc == 0
end

local function sleep(s)
  t.sh('sleep ' .. s)
end
M.sleep = sleep
M.port_open = port_open
M.alive = alive

--- Starts `git daemon` on a free loopback port serving bare repositories
--- under a fresh directory. Returns { port, base, url(name), bare(name), stop() }.
function M.daemon()
  local base = t.tmpdir('srv')
  for _ = 1, 20 do
    local port = 20000 + math.random(0, 40000)
    if not port_open(port) then
      local out = t.sh(string.format(
        'git daemon --reuseaddr --listen=127.0.0.1 --port=%d --base-path=%s --export-all ' ..
        '--enable=receive-pack %s >%s/daemon.log 2>&1 </dev/null & echo $!',
        port, t.shquote(base), t.shquote(base), t.shquote(base)))
      local pid = out:match('(%d+)')
      for _ = 1, 100 do
        if port_open(port) or not alive(pid) then
          break
        end
        sleep(0.02)
      end
      if alive(pid) and port_open(port) then
        local d = { port = port, base = base, pid = pid }
        function d.url(name)
          return string.format('git://127.0.0.1:%d/%s.git', port, name)
        end
        function d.bare(name)
          local path = base .. '/' .. name .. '.git'
          t.sh('git init -q --bare -b main ' .. t.shquote(path))
          return path
        end
        function d.stop()
          t.sh('kill ' .. pid .. ' 2>/dev/null; sleep 0.05; kill -9 ' .. pid .. ' 2>/dev/null')
        end
        return d
      end
      t.sh('kill ' .. pid .. ' 2>/dev/null')
    end
  end
  error('could not start git daemon on any port')
end

--- Starts an sshd on 127.0.0.1 with its own config and host key in a temp
--- dir. Returns the server or nil and the reason it cannot run here.
--- opts.authorized_keys: the keys file to use (default: its own, see
--- authorize()); opts.config: more sshd_config lines.
function M.sshd(opts)
  opts = opts or {}
  local _, rc = t.sh('test -x /usr/sbin/sshd')
  if rc ~= 0 then
    return nil, 'sshd is not installed (package openssh-server)'
  end
  local uid = t.sh('id -u'):match('%d+')
  if uid ~= '0' then
    return nil, 'sshd with its own config needs root here (uid ' .. tostring(uid) .. ')'
  end
  local dir = t.tmpdir('sshd')
  t.sh('mkdir -p /run/sshd && ssh-keygen -q -t ed25519 -N "" -f ' .. t.shquote(dir .. '/host_ed25519'))
  t.write(dir .. '/authorized_keys', '')
  local user = t.sh('id -un'):match('%S+')
  for _ = 1, 20 do
    local port = 20000 + math.random(0, 40000)
    if not port_open(port) then
      t.write(dir .. '/config', table.concat({
        'Port ' .. port,
        'ListenAddress 127.0.0.1',
        'HostKey ' .. dir .. '/host_ed25519',
        'AuthorizedKeysFile ' .. (opts.authorized_keys or (dir .. '/authorized_keys')),
        'StrictModes no',
        'UsePAM no',
        'PidFile ' .. dir .. '/sshd.pid',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PermitRootLogin prohibit-password',
        table.concat(opts.config or {}, '\n'),
        '',
      }, '\n'))
      local out = t.sh(string.format('/usr/sbin/sshd -f %s -D -e >/dev/null 2>%s/log </dev/null & echo $!',
        t.shquote(dir .. '/config'), t.shquote(dir)))
      local pid = out:match('(%d+)')
      for _ = 1, 100 do
        if port_open(port) or not alive(pid) then
          break
        end
        sleep(0.02)
      end
      if alive(pid) and port_open(port) then
        local s = { port = port, dir = dir, pid = pid, user = user }
        s.host_key = t.read(dir .. '/host_ed25519.pub'):match('^(%S+ %S+)')
        function s.url(path)
          return string.format('ssh://%s@127.0.0.1:%d%s', user, port, path)
        end
        function s.authorize(pubfile)
          t.sh(string.format('cat %s >> %s', t.shquote(pubfile), t.shquote(dir .. '/authorized_keys')))
        end
        --- Writes the host key into member's ~/.ssh/known_hosts.
        function s.trust(member)
          t.sh('mkdir -p ' .. t.shquote(member.home .. '/.ssh'))
          t.write(member.home .. '/.ssh/known_hosts', string.format('[127.0.0.1]:%d %s\n', port, s.host_key))
        end
        function s.stop()
          t.sh('kill ' .. pid .. ' 2>/dev/null')
        end
        return s
      end
      t.sh('kill ' .. pid .. ' 2>/dev/null')
    end
  end
  return nil, 'sshd did not start: ' .. (t.read(dir .. '/log') or '')
end

--- An ed25519 (or given type) key at member's ~/.ssh/<name>.
function M.keygen(member, name, kind)
  local path = member.home .. '/.ssh/' .. (name or 'id_ed25519')
  t.sh(string.format('mkdir -p %s && ssh-keygen -q -t %s -N "" -f %s', t.shquote(member.home .. '/.ssh'),
    kind or 'ed25519', t.shquote(path)))
  return path
end

function M.circle_dir(member, name)
  return member.wol_home .. '/circles/' .. (name or 'c')
end

--- With M.full_stacks set under the sanitizer: full stacks through
--- libgit2 (no frame pointers there), so that the suppressions of its
--- known leaks match (`wol init --remote` and `wol sync` connect).
function M.asan_env()
  local e = {}
  if M.full_stacks and os.getenv('ASAN_OPTIONS') then
    e.ASAN_OPTIONS = os.getenv('ASAN_OPTIONS') .. ':fast_unwind_on_malloc=0'
  end
  return e
end

--- A new circle for `member` with origin `url`: `wol init`.
function M.init(member, url, name)
  local args = { 'init', name or 'c' }
  if url then
    table.insert(args, '--remote')
    table.insert(args, url)
  end
  local out, err, rc = t.wol(args, member, M.asan_env())
  assert(rc == 0, out .. err)
  return M.circle_dir(member, name)
end

--- Joins the circle at `url`: `wol join` (a clone plus members/<handle>.md).
function M.join(member, url, name)
  local out, err, rc = t.wol({ 'join', url, name or 'c' }, member)
  assert(rc == 0, out .. err)
  return M.circle_dir(member, name)
end

--- Writes a note in member's circle and shares it: `wol share`.
function M.share(member, rel, text, name)
  local dir = M.circle_dir(member, name)
  t.write(dir .. '/' .. rel, text)
  local out, err, rc = t.wol({ '--circle', name or 'c', 'share', dir .. '/' .. rel }, member)
  assert(rc == 0, out .. err)
end

--- Runs `wol sync --json`; returns the summary table (decoded by a tiny
--- reader of the fields the tests need), the raw output, stderr, exit code.
function M.sync(member, args, env)
  local argv = { 'sync', '--json' }
  for _, a in ipairs(args or {}) do
    table.insert(argv, a)
  end
  local e = M.asan_env()
  e.SSH_AUTH_SOCK = ''

  for k, v in pairs(env or {}) do
    e[k] = v
  end
  local out, err, rc = t.wol(argv, member, e)
  return out, err, rc
end

--- Decodes `wol sync --json` output: the list of objects and the summary.
function M.decode(out)
  local json = require('dkjson')
  local objs, summary = {}, nil
  for line in out:gmatch('[^\n]+') do
    local o = json.decode(line)
    if type(o) == 'table' then
      table.insert(objs, o)
      if o.type == 'summary' then
        summary = o
      end
    end
  end
  return summary, objs
end

--- `git fsck --strict` in dir; returns ok, output.
function M.fsck(dir)
  local out, rc = t.sh('git -C ' .. t.shquote(dir) .. ' fsck --strict --no-progress 2>&1')
  return rc == 0, out
end

--- Sorted list of files under dir/notes (relative), excluding .git.
function M.notes(dir)
  local out = t.sh('cd ' .. t.shquote(dir) .. ' && find notes -type f 2>/dev/null | sort')
  local v = {}
  for line in out:gmatch('[^\n]+') do
    table.insert(v, line)
  end
  return v
end

return M
