-- bench/history.lua: the journal's private history (csrc/repo/private.c),
-- timed as processes beside the git CLI on the same files. Run through
-- bench/history.sh.
local root = assert(os.getenv('WOL_ROOT'), 'run through bench/history.sh')
local B = dofile(root .. '/bench/lib.lua')
local home = assert(os.getenv('WOL_HOME'))
local ENTRIES = tonumber(os.getenv('BENCH_ENTRIES') or 1100)
local RUNS = tonumber(os.getenv('BENCH_RUNS') or 21)
-- the commit row is the one with a verdict and it moves with the disk:
-- more rounds, taken in turns with git's
local COMMIT_RUNS = tonumber(os.getenv('BENCH_COMMIT_RUNS') or 41)
local S = string.format('Private history (%d entries, 200 people)', ENTRIES)
local bin = root .. '/bin/wol'

local function say(fmt, ...)
  io.stdout:write(string.format(fmt, ...) .. '\n')
  io.stdout:flush()
end

local function write(path, text)
  local f = assert(io.open(path, 'wb'))
  f:write(text)
  f:close()
end

-- ENTRIES days back from 2026-03-05, a few paragraphs each; 200 people
local rnd = B.lcg(20260305, 65536)
local words = { 'today', 'the', 'draft', 'circle', 'shared', 'learned', 'asked', 'help', 'question', 'plan',
  'generous', 'visible', 'work', 'progress', 'feedback', 'meeting', 'goal', 'contribution', 'idea', 'small' }
local function para(n)
  local v = {}
  for i = 1, n do
    v[i] = words[rnd(#words) + 1]
  end
  return table.concat(v, ' ')
end
local dates = {}
local function populate(dir)
  for i = 1, ENTRIES do
    local d = os.date('!%Y-%m-%d', os.time({ year = 2026, month = 3, day = 5, hour = 12 }) - (i - 1) * 86400)
    dates[i] = d
    B.run(string.format('mkdir -p %q', dir .. '/journal/' .. d:sub(1, 4)))
    write(string.format('%s/journal/%s/%s.md', dir, d:sub(1, 4), d), string.format(
      '---\ndate: %s\n---\n\n# %s\n\n%s\n\n%s\n\n## Log\n\n- 09:00 %s\n', d, d, para(60), para(40), para(8)))
  end
  B.run(string.format('mkdir -p %q', dir .. '/people'))
  for i = 1, 200 do
    write(string.format('%s/people/p%d.md', dir, i), string.format('---\nname: Person %d\n---\n\n## Contributions\n\n' ..
      '- 2026-01-%02d 10:00 %s\n', i, i % 28 + 1, para(6)))
  end
end

local function timed(cmd, n, before)
  local v = {}
  for i = 1, n or RUNS do
    if before then
      before(i)
    end
    local s = B.now()
    B.run(cmd)
    table.insert(v, B.now() - s)
  end
  return v
end

-- a copy of the same files for the git CLI, in a repository of its own
local gdir = home .. '/../plain'
populate(home)
populate(gdir)
local git = string.format('git -C %q -c core.fsync=all -c core.fsyncMethod=fsync', gdir)
-- the two corpora just written are still going out to the disk for a
-- while: every fsync timed below would wait behind them (bench/start.lua)
B.run('sync')

-- the first use: the history made with one commit of everything
local first = timed(string.format('%q journal commit >/dev/null', bin), 1)
local git_first = timed(string.format('%s init -q && %s add -A journal people && %s commit -qm first', git, git, git), 1)

-- one changed entry, committed
local n = 0
local function touch_one(dir)
  return function(i)
    n = n + 1
    local d = dates[(i * 37) % ENTRIES + 1]
    local f = assert(io.open(string.format('%s/journal/%s/%s.md', dir, d:sub(1, 4), d), 'ab'))
    f:write(string.format('- 10:%02d a change %d\n', i % 60, n))
    f:close()
  end
end
-- in turns, each round's touch just before its commit, the first of the
-- pair alternating (what one leaves to the disk falls on the other alike),
-- after the write-out of the two first commits (1,300 objects each)
B.run('sync')
local commit, git_commit = {}, {}
do
  local wol_cmd = string.format('%q journal commit >/dev/null', bin)
  local git_cmd = string.format('%s add -A journal people && %s commit -qm change', git, git)
  -- one round: the touch, then the timed commit into `into`
  local function round(touch, cmd, into, i)
    touch(i)
    local s = B.now()
    B.run(cmd)
    into[#into + 1] = B.now() - s
  end
  local sides = { { touch_one(home), wol_cmd, commit }, { touch_one(gdir), git_cmd, git_commit } }
  for i = 1, COMMIT_RUNS do
    local first = i % 2 == 1 and 1 or 2
    for k = 0, 1 do
      local side = sides[(first + k - 1) % 2 + 1]
      round(side[1], side[2], side[3], i)
    end
  end
end

-- wol log while the batch waits: the line written, the history only marked
local log = timed(string.format('%q log -q "a line while the batch waits" ', bin))
local today = string.format('%s/journal/2026/2026-03-05.md', gdir)
local sh_log = timed(string.format('sh -c \'echo "- 11:00 a line by hand" >> %q\'', today))

-- the history of one entry
local d = dates[38]
local hist = timed(string.format('%q journal log %s >/dev/null', bin, d))
local git_hist = timed(string.format('%s log --format="%%h %%ad %%s" -- journal/%s/%s.md >/dev/null', git, d:sub(1, 4), d))

local sf = B.figure(S, 'first use: wol journal commit makes the history (one commit of everything)', first)
local gf = B.figure(S, 'baseline: git init && git add -A && git commit (fsync on)', git_first)
local sc = B.figure(S, 'wol journal commit of one changed entry', commit)
local gc = B.figure(S, 'baseline: git add -A journal people && git commit (fsync on)', git_commit)
-- each round's two commits ran side by side: their ratio, round by round
-- (no verdict: wol's extra is CPU, git's is fsyncs, so the ratio falls as
-- the disk slows down, within a run as between runs)
local pairs_ratio = {}
for i = 1, #commit do
  pairs_ratio[i] = commit[i] / git_commit[i]
end
local pr = B.figure(S, 'wol journal commit / git, the two of each round (ratio)', pairs_ratio, 'x')
local sl = B.figure(S, 'wol log while the batch waits (no commit)', log)
local bl = B.figure(S, 'baseline: sh -c \'echo LINE >> FILE\'', sh_log)
local sh = B.figure(S, 'wol journal log DATE (the history of one entry)', hist)
local gh = B.figure(S, 'baseline: git log -- PATH', git_hist)
B.target(S, 'a commit of one changed entry within 1.5x of the git CLI doing the same',
  string.format('%.1f ms vs git %.1f ms (%.2fx)', sc.median, gc.median, sc.median / gc.median),
  sc.median <= 1.5 * gc.median)
say('first use         %8.1f ms   git init+add+commit %8.1f ms', sf.median, gf.median)
say('commit one entry  %8.1f ms   git add+commit      %8.1f ms  (%.2fx; round by round %.2fx, p10-p90 %.2f-%.2f)',
  sc.median, gc.median, sc.median / gc.median, pr.median, pr.p10, pr.p90)
say('wol log (waiting) %8.1f ms   sh append           %8.1f ms', sl.median, bl.median)
say('history of entry  %8.1f ms   git log -- PATH     %8.1f ms', sh.median, gh.median)
