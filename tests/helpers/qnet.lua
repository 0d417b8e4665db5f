-- A loopback git daemon and members' clones for the question scenarios.
-- Real `git daemon --enable=receive-pack` on 127.0.0.1; a member syncs
-- with `wol sync` (fetch, merge, push by the sync engine).
local t = require('wolt')
local M = {}

--- Starts a daemon serving `base` on a free port; returns { port=, url=, stop= }.
function M.daemon(base)
  local pidfile = base .. '/daemon.pid'
  for _ = 1, 20 do
    local port = 20000 + math.random(0, 40000)
    t.sh(string.format('git daemon --reuseaddr --listen=127.0.0.1 --port=%d --base-path=%s --export-all '
      .. '--enable=receive-pack --pid-file=%s --detach %s', port, t.shquote(base), t.shquote(pidfile),
      t.shquote(base)))
    local ok = false
    for _ = 1, 50 do
      local _, rc = t.sh(string.format('git ls-remote git://127.0.0.1:%d/probe.git >/dev/null 2>&1', port))
      if rc == 0 then
        ok = true
        break
      end
      t.sh('sleep 0.05')
    end
    if ok then
      local d = { port = port, url = string.format('git://127.0.0.1:%d/', port) }
      function d.stop()
        local pid = (t.read(pidfile) or ''):match('%d+')
        if pid then
          t.sh('kill ' .. pid .. ' 2>/dev/null')
        end
      end
      return d
    end
    local pid = (t.read(pidfile) or ''):match('%d+')
    if pid then
      t.sh('kill ' .. pid .. ' 2>/dev/null')
    end
  end
  error('could not start git daemon on 127.0.0.1')
end

--- A circle `name` served by a daemon: ana (the creator) plus the given
--- handles, each joined through git://. Returns { d=, url=, members = {handle=member}, dir(m) }.
function M.circle(name, handles)
  math.randomseed(os.time() + tonumber(tostring({}):match('0x(%x+)') or '0', 16) % 100000)
  local base = t.tmpdir('daemon')
  t.sh('git init -q --bare ' .. t.shquote(base .. '/probe.git'))
  t.sh('git init -q --bare --initial-branch=main ' .. t.shquote(base .. '/' .. name .. '.git'))
  local d = M.daemon(base)
  local url = d.url .. name .. '.git'
  local net = { d = d, url = url, members = {} }
  local first = t.member(handles[1])
  local _, err, rc = t.wol({ 'init', name, '--remote', url }, first)
  assert(rc == 0, err)
  net.members[handles[1]] = first
  function net.dir(m, circle)
    return m.wol_home .. '/circles/' .. (circle or name)
  end
  local out, prc = t.git(net.dir(first), 'push -q -u origin main', first)
  assert(prc == 0, out)
  for i = 2, #handles do
    local m = t.member(handles[i])
    _, err, rc = t.wol({ 'join', url, name }, m)
    assert(rc == 0, err)
    net.members[handles[i]] = m
    out, prc = t.git(net.dir(m), 'push -q origin main', m)
    assert(prc == 0, out)
  end
  --- `wol sync` as member m (fetch, merge, push through the daemon).
  function net.sync(m, circle)
    local args = { 'sync' }
    if circle or m.circles_n then
      args = { '--circle', circle or name, 'sync' }
    end
    local o, e, r = t.wol(args, m)
    assert(r == 0, (e or '') .. (o or ''))
  end
  return net
end

return M
