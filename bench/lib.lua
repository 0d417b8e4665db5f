-- bench/lib.lua: what the LuaJIT benchmark drivers share: a monotonic
-- clock, order statistics, the load average, and records for
-- bench/run.sh. A driver that runs alone prints its own lines; when run
-- by `make bench`, WOL_BENCH_RECORD names a file to which each figure and
-- each target verdict is appended as one tab-separated line, which
-- bench/report.lua turns into bench/RESULTS.md.
local ffi = require('ffi')
pcall(ffi.cdef, [[
typedef struct { long tv_sec; long tv_nsec; } wol_benchlib_ts;
int clock_gettime(int clk, wol_benchlib_ts *ts);
]])

local M = {}
local ts = ffi.new('wol_benchlib_ts')

-- milliseconds on CLOCK_MONOTONIC
function M.now()
  ffi.C.clock_gettime(1, ts)
  return tonumber(ts.tv_sec) * 1e3 + tonumber(ts.tv_nsec) / 1e6
end

-- the value at quantile q (0..1) of a sorted list, interpolated
local function quantile(s, q)
  local n = #s
  if n == 1 then
    return s[1]
  end
  local pos = 1 + (n - 1) * q
  local lo = math.floor(pos)
  local frac = pos - lo
  return s[lo] + (s[math.min(lo + 1, n)] - s[lo]) * frac
end

-- n, median, p10, p90, p99, min, max of a list of numbers (not modified)
function M.stats(v)
  assert(#v > 0, 'stats of nothing')
  local s = {}
  for i, x in ipairs(v) do
    s[i] = x
  end
  table.sort(s)
  return {
    n = #s,
    median = quantile(s, 0.5),
    p10 = quantile(s, 0.1),
    p90 = quantile(s, 0.9),
    p99 = quantile(s, 0.99),
    min = s[1],
    max = s[#s],
  }
end

function M.median(v)
  return M.stats(v).median
end

-- runs a shell command, failing the benchmark when it fails
function M.run(cmd)
  local ok = os.execute(cmd)
  assert(ok == 0 or ok == true, 'failed: ' .. cmd)
end

-- a fixed-seed generator, the same stream under any Lua: returns
-- rnd(n) in 0..n-1. `div` > 1 takes higher bits of the state (the low
-- ones repeat quickly); each driver keeps the form its corpus was made with.
function M.lcg(seed, div)
  div = div or 1
  return function(n)
    seed = (seed * 1103515245 + 12345) % 2147483648
    return math.floor(seed / div) % n
  end
end

function M.load()
  local f = io.open('/proc/loadavg')
  local l = f and f:read('*l') or '?'
  if f then
    f:close()
  end
  return (l:match('^(%S+)') or '?')
end

local function put(fields)
  local path = os.getenv('WOL_BENCH_RECORD')
  if not path or path == '' then
    return
  end
  local f = assert(io.open(path, 'a'))
  for i, x in ipairs(fields) do
    fields[i] = tostring(x):gsub('[\t\n]', ' ')
  end
  f:write(table.concat(fields, '\t'), '\n')
  f:close()
end

-- A figure: a name, a list of samples (or a stats table) and a unit.
-- Returns the stats.
function M.figure(section, name, samples, unit)
  local st = samples.median and samples or M.stats(samples)
  put({ 'fig', section, name, st.n, string.format('%.3f', st.median), string.format('%.3f', st.p10),
    string.format('%.3f', st.p90), string.format('%.3f', st.min), string.format('%.3f', st.max), unit or 'ms',
    M.load() })
  return st
end

-- A target: what was promised, what was measured (text), and whether it holds.
function M.target(section, promise, measured, ok)
  put({ 'target', section, promise, measured, ok and 'PASS' or 'MISS', M.load() })
end

-- A free line of explanation under a section.
function M.note(section, text)
  put({ 'note', section, text })
end

return M
