-- bench/people.lua: generates the 500-person list ("generate"), times the
-- library in-process ("core", luajit) and :WolPeople inside Neovim (no
-- argument, run with :luafile). Run through bench/people.sh.
local root = assert(os.getenv('WOL_ROOT'), 'run through bench/people.sh')
local B = dofile(root .. '/bench/lib.lua')
local home = assert(os.getenv('WOL_HOME'))
local PEOPLE = tonumber(os.getenv('BENCH_PEOPLE') or 500)
local RUNS = tonumber(os.getenv('BENCH_RUNS') or 31)
local S = 'People (' .. PEOPLE .. ' people)'
local dir = home .. '/people'
local mode = arg and arg[1]

local function say(fmt, ...)
  io.stdout:write(string.format(fmt, ...) .. '\n')
  io.stdout:flush()
end

-- 2026-03-05 - n days
local function day(n)
  return os.date('!%Y-%m-%d', os.time({ year = 2026, month = 3, day = 5, hour = 12 }) - n * 86400)
end

if mode == 'generate' then
  local rnd = B.lcg(20260305, 65536)
  local first = { 'Ana', 'Bo', 'Cy', 'Dee', 'Eli', 'Fay', 'Gus', 'Hal', 'Ida', 'Jo', 'Kai', 'Lu', 'Mo', 'Ned', 'Ola',
    'Pia', 'Quin', 'Rui', 'Sol', 'Tam', 'Uma', 'Vic', 'Wes', 'Xia', 'Yan', 'Zoe' }
  local last = { 'Lopez', 'Chen', 'Okafor', 'Smith', 'Novak', 'Muller', 'Rossi', 'Silva', 'Kim', 'Haddad' }
  local slugs = {}
  local what = { 'sent the draft', 'an intro to a colleague', 'feedback on the plan', 'a link to the talk',
    'thanks for the review', 'coffee and a chat', 'my notes from the workshop', 'a book recommendation' }
  B.run('mkdir -p "' .. dir .. '" && chmod 700 "' .. dir .. '"')
  for i = 1, PEOPLE do
    local name = string.format('%s %s %d', first[rnd(#first) + 1], last[rnd(#last) + 1], i)
    local lines = { '---', 'name: ' .. name, 'relation: knows the ' .. what[rnd(#what) + 1]:gsub('^%S+ ', '') ..
      ' side of my goal', 'closeness: ' .. rnd(6) }
    if i % 10 == 0 then
      table.insert(lines, 'handle: m' .. i)
    end
    table.insert(lines, 'tags: [work, ' .. (i % 3 == 0 and 'mentor' or 'peer') .. ']')
    table.insert(lines, 'added: ' .. day(60 + rnd(200)))
    table.insert(lines, '---')
    table.insert(lines, '')
    table.insert(lines, '## Contributions')
    table.insert(lines, '')
    for _ = 1, rnd(13) do
      table.insert(lines, string.format('- %s %02d:%02d %s', day(rnd(120)), 8 + rnd(10), rnd(60),
        what[rnd(#what) + 1]))
    end
    -- the file name wol would give it (ctx:person_add): the name's slug
    slugs[i] = name:lower():gsub(' ', '-')
    local f = assert(io.open(string.format('%s/%s.md', dir, slugs[i]), 'wb'))
    f:write(table.concat(lines, '\n') .. '\n')
    f:close()
  end
  B.run('chmod 600 "' .. dir .. '"/*.md')
  local f = assert(io.open(home .. '/../slugs', 'wb'))
  f:write(table.concat(slugs, '\n') .. '\n')
  f:close()
  say('generated %d people in %s', PEOPLE, dir)
  return
end

local function median(v)
  return B.median(v)
end

if mode == 'core' then
  local core = require('wol.core')
  local ctx = assert(core.open({ home = home }))
  -- ctx:people(), as :WolPeople reads it (the index opened once, as in the editor)
  local t0 = B.now()
  local l = assert(ctx:people())
  local first = B.now() - t0
  assert(#l.people == PEOPLE, #l.people)
  local list = {}
  for _ = 1, RUNS do
    local s = B.now()
    assert(ctx:people())
    table.insert(list, B.now() - s)
  end
  -- ctx:give() to a person named by slug, and by name
  local slugs = {}
  for line in io.lines(home .. '/../slugs') do
    table.insert(slugs, line)
  end
  local give, byname, give_cpu = {}, {}, {}
  for i = 1, RUNS do
    local s, c = B.now(), os.clock()
    assert(ctx:give(slugs[(i * 7) % PEOPLE + 1], 'bench contribution ' .. i))
    table.insert(give, B.now() - s)
    table.insert(give_cpu, (os.clock() - c) * 1000)
  end
  for i = 1, RUNS do
    local who = l.people[(i * 11) % PEOPLE + 1].name
    local s = B.now()
    assert(ctx:give(who, 'bench by name ' .. i))
    table.insert(byname, B.now() - s)
  end
  ctx:close()
  -- the same as processes, and what a user would do by hand
  local function timed(cmd, n)
    local v = {}
    for _ = 1, n or 11 do
      local s = B.now()
      B.run(cmd)
      table.insert(v, B.now() - s)
    end
    return v
  end
  local bin = root .. '/bin/wol'
  local cli_give = timed(string.format('%q give %s "bench from the shell" >/dev/null', bin, slugs[250]))
  local sh_give = timed(string.format('sh -c \'echo "- 2026-03-05 12:00 by hand" >> %q\'', dir .. '/' .. slugs[251] ..
    '.md'))
  local cli_list = timed(string.format('%q people --json >/dev/null', bin))
  local rg = os.execute('command -v rg >/dev/null 2>&1')
  local rg_list = (rg == 0 or rg == true) and
    timed(string.format('rg -c --no-messages "^- [0-9]{4}-" %q >/dev/null', dir))
  local sg, sl = B.figure(S, 'ctx:give() by slug, in-process (lock, read, atomic write with fsync)', give),
    B.figure(S, 'ctx:people(), in-process (each file checked by stat; read and parsed again only when changed)', list)
  B.figure(S, 'ctx:give() by name, in-process', byname)
  local gc = B.figure(S, 'ctx:give() by slug, CPU time (user + system): the rest is waiting for the two fsyncs', give_cpu)
  B.figure(S, 'wol give (a process)', cli_give)
  B.figure(S, 'baseline: sh -c \'echo LINE >> FILE\' (a process, no lock, no fsync)', sh_give)
  B.figure(S, 'wol people --json (a process)', cli_list)
  if rg_list then
    B.figure(S, 'baseline: rg -c contribution lines over every file', rg_list)
  end
  B.target(S, 'wol give under 5 ms in-process', string.format('%.2f ms (by name %.2f ms); wol give process %.1f ms vs '
    .. 'sh append %.1f ms', sg.median, median(byname), median(cli_give), median(sh_give)), sg.median < 5)
  say('%d people; first ctx:people() %.1f ms', PEOPLE, first)
  say('ctx:people()      median %7.2f ms (p90 %.2f)', sl.median, sl.p90)
  say('ctx:give() slug   median %7.2f ms (p90 %.2f)  target < 5 ms: %s', sg.median, sg.p90,
    sg.median < 5 and 'met' or 'MISSED')
  say('ctx:give() name   median %7.2f ms', median(byname))
  say('ctx:give() CPU    median %7.2f ms (user + system); load %s', gc.median, B.load())
  say('wol give          median %7.2f ms   sh append %.2f ms', median(cli_give), median(sh_give))
  say('wol people --json median %7.2f ms%s', median(cli_list),
    rg_list and string.format('   rg -c %.2f ms', median(rg_list)) or '')
  return
end

-- ------------------------------------------------------------- in Neovim
local hr = vim.loop.hrtime
local function ms(ns)
  return ns / 1e6
end
require('wol.people') -- the module is loaded before measuring
require('wol').ctx()
local t0 = hr()
vim.cmd('WolPeople')
vim.cmd('redraw')
local first = ms(hr() - t0)
local buf = vim.api.nvim_get_current_buf()
local lines = vim.api.nvim_buf_line_count(buf)
assert(#require('wol.people').state[buf].list.people == PEOPLE)
vim.cmd('normal q')
-- beside the wall time, the draw's CPU time (user + system, os.clock): on
-- this shared machine the wall time is mostly waiting for a core
local open, open_cpu = {}, {}
for _ = 1, RUNS do
  local s, c = hr(), os.clock()
  vim.cmd('WolPeople')
  vim.cmd('redraw')
  table.insert(open, ms(hr() - s))
  table.insert(open_cpu, (os.clock() - c) * 1000)
  vim.cmd('normal q')
end
vim.cmd('WolPeople')
local refresh = {}
for _ = 1, RUNS do
  local s = hr()
  require('wol.people').refresh(0)
  vim.cmd('redraw')
  table.insert(refresh, ms(hr() - s))
end
vim.cmd('normal q')
local so = B.figure(S, ':WolPeople to drawn buffer (module loaded)', open)
local sc = B.figure(S, ':WolPeople to drawn buffer, CPU time of Neovim (user + system)', open_cpu)
B.figure(S, 'first :WolPeople in this Neovim (opens the context and the index)', { first })
B.figure(S, 'R in the open list (read again and redraw)', refresh)
B.target(S, ':WolPeople with 500 people draws in under 20 ms', string.format('%.2f ms (p90 %.2f, %d runs); first %.1f ms',
  so.median, so.p90, RUNS, first), so.median < 20)
say(':WolPeople: %d lines; first %.1f ms; median %.2f ms (p90 %.2f)  target < 20 ms: %s; R median %.2f ms', lines,
  first, so.median, so.p90, so.median < 20 and 'met' or 'MISSED', median(refresh))
say(':WolPeople CPU time median %.2f ms (p90 %.2f); load %s', sc.median, sc.p90, B.load())
