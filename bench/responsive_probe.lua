-- bench/responsive_probe.lua: the sampling Neovim of bench/responsive.sh.
-- Connects to the editor's socket, times RPC round trips while it is idle
-- and then while :WolSync runs there, prints percentiles and records them.
local ROOT = os.getenv('WOL_ROOT')
local B = dofile(ROOT .. '/bench/lib.lua')
local S = 'Editor responsiveness during :WolSync'
local sock = os.getenv('WOL_SOCK')

local function say(s)
  io.stdout:write(s, '\n')
  io.stdout:flush()
end
local function fail(msg)
  say('bench: ' .. msg)
  vim.cmd('cquit 1')
end

local chan
vim.wait(10000, function()
  local ok, c = pcall(vim.fn.sockconnect, 'pipe', sock, { rpc = true })
  chan = ok and c > 0 and c or nil
  return chan ~= nil
end, 20)
if not chan then
  return fail('cannot connect to ' .. sock)
end

local probe = "return require('wol.sync').is_running()"
local function rtt()
  local t0 = B.now()
  local busy = vim.fn.rpcrequest(chan, 'nvim_exec_lua', probe, {})
  return B.now() - t0, busy
end

-- baseline: the same request while nothing runs
local idle = {}
for _ = 1, 300 do
  table.insert(idle, (rtt()))
  vim.wait(1)
end

local during = {}
local t0 = B.now()
vim.fn.rpcrequest(chan, 'nvim_command', 'WolSync')
while B.now() - t0 < 120000 do
  local dt, busy = rtt()
  if not busy then
    break
  end
  table.insert(during, dt)
  vim.wait(1)
end
local total = B.now() - t0
local last = vim.fn.rpcrequest(chan, 'nvim_exec_lua', "return require('wol.sync').last", {})
pcall(vim.fn.rpcrequest, chan, 'nvim_command', 'qall!')
if type(last) ~= 'table' or last.error ~= nil then
  return fail('the sync failed: ' .. vim.inspect(last))
end
if #during < 20 then
  return fail('only ' .. #during .. ' samples during the sync')
end

local si = B.figure(S, 'RPC round trip, editor idle (baseline)', idle)
local sd = B.figure(S, 'RPC round trip during :WolSync', during)
B.figure(S, ':WolSync wall time (command to done)', { total })
say(string.format('idle:   %d round trips, p50 %.2f ms, p99 %.2f ms, max %.2f ms', si.n, si.median, si.p99, si.max))
say(string.format('during: %d round trips over %.0f ms of sync, p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms', sd.n,
  total, sd.median, sd.p90, sd.p99, sd.max))
B.target(S, 'RPC round trip p99 under 20 ms during a large sync',
  string.format('p99 %.2f ms (p50 %.2f, max %.2f; idle p99 %.2f) over %d samples, %s notes / %s MB received in %.1f s', sd.p99,
    sd.median, sd.max, si.p99, sd.n, os.getenv('WOL_NOTES'), tonumber(os.getenv('WOL_MB')) / 2, total / 1000),
  sd.p99 < 20)
vim.cmd('qall!')
