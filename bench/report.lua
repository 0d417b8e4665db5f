-- bench/report.lua RUNDIR: writes bench/RESULTS.md (to stdout) from what
-- bench/run.sh collected in RUNDIR: machine.tsv, scripts.tsv, records.tsv
-- (the figures and targets of bench/lib.lua) and each script's log.
-- bench/ANALYSIS.md (written by hand: why a target is missed, profiles,
-- what would fix it) is included as it is.
local run = assert(arg[1], 'usage: report.lua RUNDIR')
local root = arg[0]:gsub('/?bench/report%.lua$', '')
if root == '' then
  root = '.'
end

local function lines(path)
  local t = {}
  local f = io.open(path)
  if not f then
    return t
  end
  for l in f:lines() do
    table.insert(t, l)
  end
  f:close()
  return t
end
local function split(l)
  local t = {}
  for field in (l .. '\t'):gmatch('([^\t]*)\t') do
    table.insert(t, field)
  end
  return t
end

local machine, morder = {}, {}
for _, l in ipairs(lines(run .. '/machine.tsv')) do
  local k, v = l:match('^([^\t]+)\t(.*)$')
  if k then
    machine[k] = v
    table.insert(morder, k)
  end
end

local sections, sorder, targets = {}, {}, {}
local function section(name)
  if not sections[name] then
    sections[name] = { figs = {}, notes = {} }
    table.insert(sorder, name)
  end
  return sections[name]
end
for _, l in ipairs(lines(run .. '/records.tsv')) do
  local r = split(l)
  if r[1] == 'fig' then
    table.insert(section(r[2]).figs, r)
  elseif r[1] == 'target' then
    section(r[2])
    table.insert(targets, r)
  elseif r[1] == 'note' then
    table.insert(section(r[2]).notes, r[3])
  end
end

local function num(s, unit)
  local x = tonumber(s)
  if not x then
    return s
  end
  local fmt = x >= 100 and '%.0f' or x >= 10 and '%.1f' or x >= 1 and '%.2f' or '%.3f'
  return string.format(fmt, x) .. (unit and (' ' .. unit) or '')
end

local o = {}
local function w(s)
  table.insert(o, s or '')
end

w('# Benchmark results')
w()
w('Written by `make bench` (`bench/run.sh`), which runs every script in `bench/` on')
w('generated corpora (fixed seeds) and records each figure as the median over the')
w('repeated runs of that script, with the spread (p10–p90 and min–max), beside the')
w('baseline measured in the same run. Reproduce with:')
w()
w('```sh')
w('make bench                       # everything, writes bench/RESULTS.md')
w('BENCH_ONLY="share index" make bench   # a subset; each script also runs alone: sh bench/share.sh')
w('```')
w()
w('**The machine is shared**: other engineers run test suites on the same cores,')
w('so absolute times move with the load average, recorded with each figure. The')
w('ratios against a baseline measured in the same run are the figures to compare.')
w()
w('## Machine')
w()
w('| | |')
w('|---|---|')
for _, k in ipairs(morder) do
  w(string.format('| %s | %s |', k:gsub('_', ' '), machine[k]))
end
local scripts = {}
for _, l in ipairs(lines(run .. '/scripts.tsv')) do
  table.insert(scripts, split(l))
end
w()
w('| script | exit | seconds | load at start → end |')
w('|---|---|---|---|')
for _, s in ipairs(scripts) do
  w(string.format('| `bench/%s.sh` | %s | %s | %s → %s |', s[1], s[2] == '0' and 'ok' or ('**failed (' .. s[2] .. ')**'), s[3],
    s[4], s[5]))
end

-- scripts without records of their own may still state a verdict in a
-- line of their output ("... target < 50 ms: met"): those join the table
for _, sc in ipairs(scripts) do
  for _, l in ipairs(lines(run .. '/' .. sc[1] .. '.log')) do
    local what, promise, verdict = l:match('^%s*(.-)%s+target%s+(.-):%s*(%a+)%s*$')
    if what and (verdict == 'met' or verdict == 'missed') then
      table.insert(targets, { 'target', '`bench/' .. sc[1] .. '.sh`', (what:gsub('%s%s+', ' ')) .. ' ' .. promise,
        'see its output below', verdict == 'met' and 'PASS' or 'MISS', sc[5] })
    end
  end
end

w()
w('## Targets')
w()
w('| area | target | measured | load | verdict |')
w('|---|---|---|---|---|')
local pass, miss = 0, 0
for _, t in ipairs(targets) do
  w(string.format('| %s | %s | %s | %s | **%s** |', t[2], t[3], t[4], t[6], t[5]))
  if t[5] == 'PASS' then
    pass = pass + 1
  else
    miss = miss + 1
  end
end
w()
w(string.format('%d met, %d missed. Scripts that record no verdicts of their own are below with', pass, miss))
w('their output as printed; `bench/ANALYSIS.md` (at the end) says why each miss happens.')

for _, name in ipairs(sorder) do
  local s = sections[name]
  w()
  w('## ' .. name)
  w()
  if #s.figs > 0 then
    w('| figure | median | p10–p90 | min–max | runs | load |')
    w('|---|---|---|---|---|---|')
    for _, r in ipairs(s.figs) do
      local unit = r[10]
      w(string.format('| %s | %s | %s – %s | %s – %s | %s | %s |', r[3], num(r[5], unit), num(r[6]), num(r[7]),
        num(r[8]), num(r[9]), r[4], r[11]))
    end
  end
  for _, n in ipairs(s.notes) do
    w()
    w(n)
  end
end

w()
w('## Output of each script')
for _, s in ipairs(scripts) do
  w()
  w(string.format('### bench/%s.sh', s[1]))
  w()
  w('```')
  local log = lines(run .. '/' .. s[1] .. '.log')
  for _, l in ipairs(log) do
    w((l:gsub('\r', '')))
  end
  w('```')
end

local f = io.open(root .. '/bench/ANALYSIS.md')
if f then
  w()
  w((f:read('*a'):gsub('^#', '##'):gsub('\n#', '\n##')))
  f:close()
end
io.write(table.concat(o, '\n'), '\n')
