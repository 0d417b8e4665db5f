-- bench/prompt.lua: driver of bench/prompt.sh (run it through that script).
-- A circle started 2026-01-05 with a 20-week program, BENCH_FILES prompt
-- files of its own and as many of the user's (weekday, week and pool
-- prompts), then ctx:prompt for BENCH_DAYS consecutive dates, BENCH_RUNS
-- rounds: each call reads and parses every prompt file, as it does in use.
local root = assert(os.getenv('WOL_ROOT'), 'run through bench/prompt.sh')
local B = dofile(root .. '/bench/lib.lua')
local bin = root .. '/bin/wol'
local home = os.getenv('WOL_HOME')
local RUNS = tonumber(os.getenv('BENCH_RUNS') or 5)
local DAYS = tonumber(os.getenv('BENCH_DAYS') or 365)
local FILES = tonumber(os.getenv('BENCH_FILES') or 20)
local S = "The day's prompt"

local function q(s)
  return "'" .. tostring(s):gsub("'", "'\\''") .. "'"
end
local function write(path, text)
  local f = assert(io.open(path, 'w'))
  f:write(text)
  f:close()
end

local circle = home .. '/circles/bench'
B.run(string.format('%s init bench --started 2026-01-05 --weeks 20 >/dev/null', q(bin)))
B.run(string.format('mkdir -p %s %s', q(circle .. '/prompts'), q(home .. '/prompts')))
local days = { 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday' }
local function files(dir, tag)
  for i = 1, FILES do
    local rule = i % 3 == 0 and ('weekday: ' .. days[i % 7 + 1]) or i % 3 == 1 and ('week: ' .. i) or nil
    write(string.format('%s/%s-%02d.md', dir, tag, i), table.concat({
      '---', string.format('title: %s prompt %d for {{circle}}', tag, i), rule or 'tags: [pool]',
      '---', '', 'Some words about the theme, week {{week}} of {{weeks}}.', '', '## Challenge', '',
      'Do one small thing in the open today and tell someone about it.', '', '## Reflect', '',
      '- What happened?', '- What will you try next?', '' }, '\n'))
  end
end
files(circle .. '/prompts', 'circle')
files(home .. '/prompts', 'mine')
B.run("sleep 2") -- files written within 2 s are read again on every call (prompt.c)

local core = require('wol.core')
local ctx = assert(core.open({ home = home, today = '2026-01-05' }))
local dates = {}
for i = 0, DAYS - 1 do
  dates[i + 1] = assert(core.parse_date('+' .. i, '2026-01-05'))
end
assert(ctx:prompt(dates[1])) -- warm the file cache
local per = {}
local focus = 0
for _ = 1, RUNS do
  for _, d in ipairs(dates) do
    local t0 = B.now()
    local p = ctx:prompt(d)
    per[#per + 1] = B.now() - t0
    assert(p and #p.warnings == 0, 'a warning')
    focus = focus + (p.focus and 1 or 0)
  end
end
assert(focus > 0, 'no program week in the dates')
local st = B.figure(S, 'ctx:prompt in-process, one day', per, 'ms')

local function timed(cmd, n)
  local t = {}
  for _ = 1, n do
    local t0 = B.now()
    B.run(cmd)
    t[#t + 1] = B.now() - t0
  end
  return t
end
local cli = B.figure(S, '`wol prompt --json` (a process)',
  timed(string.format('%s prompt 2026-03-04 --json >/dev/null', q(bin)), 21), 'ms')
local git = B.figure(S, '`git rev-parse HEAD` in the circle (a process)',
  timed(string.format('git -C %s rev-parse HEAD >/dev/null', q(circle)), 21), 'ms')

local ok = st.median < 1
B.target(S, "the day's prompt in-process under 1 ms (median)",
  string.format('%.3f ms median, p90 %.3f ms (%d calls); %.1fx faster than the git process',
    st.median, st.p90, st.n, git.median / st.median), ok)
B.note(S, string.format('%d prompt files of the user, %d of the circle, %d built-in; circle program of 20 weeks',
  FILES, FILES, 66))
print(string.format("ctx:prompt in-process       median %7.3f ms  p90 %7.3f ms  (%d calls)  target < 1 ms: %s",
  st.median, st.p90, st.n, ok and 'met' or 'MISSED'))
print(string.format('wol prompt --json (process)  median %7.2f ms  (%.0fx)', cli.median, cli.median / st.median))
print(string.format('git rev-parse HEAD (process) median %7.2f ms  (%.0fx)', git.median, git.median / st.median))
