-- bench/dashboard.lua: generates the benchmark circle (luajit, "generate")
-- and measures :WolCircle inside Neovim (run through bench/dashboard.sh).
local root = assert(os.getenv('WOL_ROOT'), 'run through bench/dashboard.sh')
local B = dofile(root .. '/bench/lib.lua')
local sh, median = B.run, B.median
local home = os.getenv('WOL_HOME')
local MEMBERS = tonumber(os.getenv('BENCH_MEMBERS') or 20)
local NOTES = tonumber(os.getenv('BENCH_NOTES') or 10000)
local QUESTIONS = tonumber(os.getenv('BENCH_QUESTIONS') or 2000)
local RUNS = tonumber(os.getenv('BENCH_RUNS') or 31)
local dir = home .. '/circles/bench'


-- a fixed-seed generator (the same stream under any Lua)
local rnd = B.lcg(20260305, 65536) -- the high bits: the low ones repeat quickly

local words = { 'draft', 'guide', 'pricing', 'onboarding', 'review', 'launch', 'notes', 'plan', 'idea', 'sketch',
  'metrics', 'story', 'design', 'retro', 'goal', 'habit', 'network', 'learning', 'feedback', 'outline' }
local function phrase(n)
  local t = {}
  for i = 1, n do
    t[i] = words[rnd(#words) + 1]
  end
  return table.concat(t, ' ')
end

local function write(path, text)
  local f = io.open(path, 'wb')
  if not f then
    sh('mkdir -p "' .. path:match('^(.*)/') .. '"')
    f = assert(io.open(path, 'wb'))
  end
  f:write(text)
  f:close()
end

-- 2025-12-11 + n days (the program started 12 weeks before 2026-03-05)
local function day(n)
  return os.date('!%Y-%m-%d', os.time({ year = 2025, month = 12, day = 11, hour = 12 }) + n * 86400)
end

local function generate()
  sh('rm -rf "' .. dir .. '" && mkdir -p "' .. dir .. '"')
  sh('git -C "' .. dir .. '" init -q')
  write(dir .. '/circle.md', '---\nname: bench\nstarted: 2025-12-11\nmeets: thursday\nweeks: 12\nformat: 1\n---\n')
  for m = 0, MEMBERS - 1 do
    local h = string.format('m%02d', m)
    write(string.format('%s/members/%s.md', dir, h),
      string.format('---\nname: Member %02d\ngoal: "%s"\njoined: 2025-12-11\n---\n', m, phrase(6)))
  end
  for i = 1, NOTES do
    local h = string.format('m%02d', rnd(MEMBERS))
    local title = phrase(4)
    local body = {}
    for _ = 1, 12 do
      table.insert(body, phrase(12))
    end
    write(string.format('%s/notes/%s/n%05d.md', dir, h, i),
      string.format('---\ntitle: "%s"\nauthor: %s\nid: n%05d\ncreated: %s\nstatus: wip\n---\n# %s\n\n%s\n', title, h,
        i, day(rnd(85)), title, table.concat(body, '\n')))
  end
  local lamport = 0
  for i = 1, QUESTIONS do
    local h = string.format('m%02d', rnd(MEMBERS))
    local d = rnd(85)
    local qid = string.format('%sT100000Z-%s-%08x', day(d):gsub('-', ''), h, i)
    lamport = lamport + 1
    write(string.format('%s/questions/%s/question.md', dir, qid),
      string.format('---\ntitle: "%s?"\nauthor: %s\ncreated: %sT10:00:00Z\nlamport: %d\nid: %s\n---\n%s\n',
        phrase(5), h, day(d), lamport, qid, phrase(20)))
    for a = 1, rnd(4) do
      local ah = string.format('m%02d', rnd(MEMBERS))
      local ad = math.min(d + rnd(5), 84)
      local aid = string.format('%sT110000Z-%s-%08x', day(ad):gsub('-', ''), ah, i * 10 + a)
      lamport = lamport + 1
      write(string.format('%s/questions/%s/answers/%s.md', dir, qid, aid),
        string.format('---\nauthor: %s\ncreated: %sT11:00:00Z\nlamport: %d\nid: %s\nquestion: %s\n---\n%s\n', ah,
          day(ad), lamport, aid, qid, phrase(25)))
    end
    if rnd(10) < 6 then
      lamport = lamport + 1
      local eid = string.format('%sT120000Z-%s-%08x', day(math.min(d + 3, 84)):gsub('-', ''), h, i)
      write(string.format('%s/questions/%s/events/%s.md', dir, qid, eid),
        string.format('---\nkind: resolve\nauthor: %s\ncreated: %sT12:00:00Z\nlamport: %d\nid: %s\nquestion: %s\n---\n',
          h, day(math.min(d + 3, 84)), lamport, eid, qid))
    end
  end
  -- the bench member's journal: most days of the 12 weeks
  for n = 0, 84 do
    if rnd(10) < 7 then
      local d = day(n)
      write(string.format('%s/journal/%s/%s.md', home, d:sub(1, 4), d),
        string.format('---\ndate: %s\n---\n# %s\n\n%s\n', d, d, phrase(30)))
    end
  end
  sh('git -C "' .. dir .. '" add -A && git -C "' .. dir .. '" commit -q -m "bench circle"')
  sh('git clone -q --bare "' .. dir .. '" "' .. home .. '/../origin.git"')
  sh('git -C "' .. dir .. '" remote add origin "' .. home .. '/../origin.git" && git -C "' .. dir ..
    '" fetch -q origin && git -C "' .. dir .. '" branch -q -u origin/main')
  write(dir .. '/notes/m00/local.md', '---\ntitle: Not pushed yet\nauthor: m00\ncreated: 2026-03-05\n---\nx\n')
  sh('git -C "' .. dir .. '" add -A && git -C "' .. dir .. '" commit -q -m "one local commit"')
  io.stderr:write(string.format('bench: generated %d members, %d notes, %d questions in %s\n', MEMBERS, NOTES,
    QUESTIONS, dir))
end

if arg and arg[1] == 'generate' then
  return generate()
end

-- ------------------------------------------------------------ in Neovim
local function p90(t)
  table.sort(t)
  return t[math.max(1, math.floor(#t * 0.9 + 0.5))]
end
local function ms(ns)
  return ns / 1e6
end

local out = {}
local function say(fmt, ...)
  local s = string.format(fmt, ...)
  table.insert(out, s)
  io.stdout:write(s .. '\n')
end

local hr = vim.loop.hrtime
require('wol.dashboard') -- the module is loaded before measuring
require('wol').ctx()

-- the first open builds the index (not what a user meets day to day)
local t0 = hr()
vim.cmd('WolCircle')
vim.cmd('redraw')
local first = ms(hr() - t0)
local lines = vim.api.nvim_buf_line_count(0)
local st = require('wol.dashboard').state[vim.api.nvim_get_current_buf()].status
vim.cmd('normal q')

local open = {}
for _ = 1, RUNS do
  local s = hr()
  vim.cmd('WolCircle')
  vim.cmd('redraw')
  table.insert(open, ms(hr() - s))
  vim.cmd('normal q')
end
-- R in an open dashboard (recompute and redraw, the window exists)
vim.cmd('WolCircle')
local refresh = {}
for _ = 1, RUNS do
  local s = hr()
  require('wol.dashboard').refresh(0)
  vim.cmd('redraw')
  table.insert(refresh, ms(hr() - s))
end
vim.cmd('normal q')

local function timed(cmd)
  local t = {}
  for _ = 1, math.max(5, math.floor(RUNS / 3)) do
    local s = hr()
    vim.fn.system(cmd)
    assert(vim.v.shell_error == 0, 'failed: ' .. cmd)
    table.insert(t, ms(hr() - s))
  end
  return median(t)
end
local circle = vim.env.WOL_HOME .. '/circles/bench'
local cli = timed(root .. '/bin/wol status --json > /dev/null')
local gitlog = timed('git -C ' .. circle .. ' log --since=2026-02-26 --name-status --format=%an%x09%s > /dev/null')
local rg = vim.fn.executable('rg') == 1 and timed('rg -l --no-messages "^kind: resolve" ' .. circle .. '/questions > /dev/null')

local m = median(open)
say('circle: %d members, %d notes shared, %d questions (%d open); dashboard %d lines',
  #st.members, NOTES, QUESTIONS, st.open_total, lines)
say('first :WolCircle (builds the index)   %8.1f ms', first)
say(':WolCircle to drawn buffer  median   %8.2f ms  (p90 %.2f, %d runs)  target < 50 ms: %s', m, p90(open), RUNS,
  m < 50 and 'met' or 'MISSED')
say('R (refresh an open dashboard) median  %8.2f ms', median(refresh))
say('wol status --json (a process)  median %8.2f ms  (%.1fx the in-editor open)', cli, cli / m)
say('git log --since --name-status  median %8.2f ms  (%.1fx)', gitlog, gitlog / m)
if rg then
  say('rg -l resolved questions      median %8.2f ms  (%.1fx)', rg, rg / m)
end
