-- bench/share.lua: :WolShare's in-process commit against `git add && git
-- commit` and `wol share`, on a circle repository of 10,000 notes and 1,000
-- commits generated from a fixed seed. Run with luajit (bench/share.sh).
-- Prints the medians and the ratios; all are measured in this run. The
-- in-process share runs in both durability modes (share.fsync "commit", the
-- default, and "always"; doc/format.md, "Durability").

local root = assert(os.getenv('WOL_ROOT'), 'run through bench/share.sh')
local B = dofile(root .. '/bench/lib.lua')
local now_ms, sh, median = B.now, B.run, B.median
local bin = root .. '/bin/wol'
local home = os.getenv('WOL_HOME')
local NOTES = tonumber(os.getenv('BENCH_NOTES') or 10000)
local COMMITS = tonumber(os.getenv('BENCH_COMMITS') or 1000)
local RUNS = tonumber(os.getenv('BENCH_RUNS') or 41)


-- a fixed-seed generator (the same stream under any Lua)
local rnd = B.lcg(20260302)
local words = { 'draft', 'plan', 'notes', 'idea', 'review', 'sketch', 'question', 'outline', 'summary',
  'retro', 'goal', 'experiment', 'feedback', 'pairing', 'docs', 'design' }
local handles = { 'ana', 'bo', 'chen', 'dee', 'eli', 'bench' }

local function note_text(i, rev)
  local t = {}
  for k = 1, 8 + rnd(20) do
    t[k] = words[rnd(#words) + 1]
  end
  return string.format('---\ntitle: Note %d\nauthor: x\ncreated: 2026-03-02\nstatus: wip\n---\n\n# Note %d (rev %d)\n\n%s\n',
    i, i, rev, table.concat(t, ' '))
end

local circle = home .. '/circles/bench'
sh(string.format('%q init bench >/dev/null', bin))
-- history through git fast-import: COMMITS commits adding NOTES notes
local fi = assert(io.popen(string.format('git -C %q fast-import --quiet', circle), 'w'))
local per = math.ceil(NOTES / COMMITS)
local made = 0
for c = 1, COMMITS do
  local files = {}
  for _ = 1, per do
    if made < NOTES then
      made = made + 1
      local h = handles[rnd(#handles) + 1]
      table.insert(files, { string.format('notes/%s/note-%05d.md', h, made), note_text(made, 0) })
    end
  end
  fi:write(string.format('commit refs/heads/main\ncommitter Gen <gen@example.org> %d +0000\ndata <<EOM\nshare(gen): batch %d\nEOM\n',
    1772000000 + c * 60, c))
  if c == 1 then
    fi:write('from refs/heads/main^0\n')
  end
  for _, f in ipairs(files) do
    fi:write(string.format('M 100644 inline %s\ndata %d\n%s\n', f[1], #f[2], f[2]))
  end
end
fi:close()
sh(string.format('git -C %q reset -q --hard main && git -C %q gc -q', circle, circle))


-- the generated repository is flushed to disk first, so the fsyncs below
-- do not pay for it
sh('sync')

-- The four ways, interleaved round by round so that each sees the same
-- machine (other load, disk write-back); the first round warms caches.
local core = require('wol.core')
local ctx = assert(core.open({}))
local c = assert(ctx:circle_open('bench'))
local mine = circle .. '/notes/tester/bench-inprocess.md'
local mine_always = circle .. '/notes/tester/bench-always.md'
local plain = circle .. '/notes/tester/bench-git.md'
local cli = circle .. '/notes/tester/bench-cli.md'
local t_in, t_always, t_git, t_gitfs, t_cli = {}, {}, {}, {}, {}
local load_start = io.open('/proc/loadavg'):read('*l') or '?'

local function write(path, text)
  local f = assert(io.open(path, 'w'))
  f:write(text)
  f:close()
end

local function timed(list, r, fn)
  local t0 = now_ms()
  fn()
  local dt = now_ms() - t0
  if r > 0 then
    table.insert(list, dt)
  end
end

for r = 0, RUNS do
  -- 1. in-process, as :WolShare does it: module loaded once, handle kept
  -- open, content handed over from memory (the library writes the file)
  local text = note_text(99999, r)
  timed(t_in, r, function()
    local res = assert(c:share({ file = mine, content = text }))
    assert(res.commit, 'no commit')
  end)
  -- 1b. the same with share.fsync = "always" (every file and folder fsynced)
  local text2 = note_text(55555, r)
  timed(t_always, r, function()
    local res = assert(c:share({ file = mine_always, content = text2, fsync = 'always' }))
    assert(res.commit, 'no commit')
  end)
  -- 2. the git CLI: git add <file> && git commit (file written before timing)
  write(plain, note_text(88888, r))
  timed(t_git, r, function()
    sh(string.format('git -C %q add notes/tester/bench-git.md && git -C %q commit -q -m "share(tester): git %d"',
      circle, circle, r))
  end)
  -- 2b. the same with git fsyncing what it writes, as wol does
  write(plain, note_text(66666, r))
  timed(t_gitfs, r, function()
    sh(string.format('git -c core.fsync=all -c core.fsyncMethod=fsync -C %q add notes/tester/bench-git.md && ' ..
      'git -c core.fsync=all -c core.fsyncMethod=fsync -C %q commit -q -m "share(tester): git fsync %d"',
      circle, circle, r))
  end)
  -- 3. the wol CLI: wol share <file> (a process per share)
  write(cli, note_text(77777, r))
  timed(t_cli, r, function()
    sh(string.format('%q share %q >/dev/null', bin, cli))
  end)
end
c:close()
ctx:close()
sh(string.format('git -C %q fsck --no-progress >/dev/null 2>&1', circle))

local m_in, m_git, m_cli, m_gitfs = median(t_in), median(t_git), median(t_cli), median(t_gitfs)
local m_always = median(t_always)
local count = io.popen(string.format('git -C %q ls-files | wc -l; git -C %q rev-list --count HEAD', circle, circle)):read('*a')
local files, commits = count:match('(%d+)%s+(%d+)')
print(string.format('repository: %s files, %s commits (generated with seed 20260302); %d runs each', files, commits, RUNS))
print(string.format('in-process share (wol.core, handle kept open): median %7.2f ms  (share.fsync = "commit", the default)', m_in))
print(string.format('in-process share, share.fsync = "always":      median %7.2f ms', m_always))
print(string.format('git add <file> && git commit:                  median %7.2f ms', m_git))
print(string.format('git add && git commit, core.fsync=all:         median %7.2f ms', m_gitfs))
print(string.format('wol share <file> (CLI process):                median %7.2f ms', m_cli))
print(string.format('ratio git / in-process: %.1fx (target >= 5x)', m_git / m_in))
print(string.format('ratio git (fsync all) / in-process: %.1fx', m_gitfs / m_in))
print(string.format('ratio git / in-process "always": %.1fx; git (fsync all) / in-process "always": %.1fx',
  m_git / m_always, m_gitfs / m_always))
print(string.format('ratio git / wol CLI:    %.1fx', m_git / m_cli))
print(string.format('load average at the start: %s; at the end: %s', load_start,
  (io.open('/proc/loadavg'):read('*l') or '?')))

-- records for `make bench` (bench/run.sh): every figure with its spread
local S = 'Share (10,000-note repository)'
B.figure(S, 'in-process share (:WolShare path, share.fsync = "commit")', t_in)
B.figure(S, 'in-process share, share.fsync = "always"', t_always)
B.figure(S, 'baseline: git add && git commit', t_git)
B.figure(S, 'baseline: git add && git commit, core.fsync=all', t_gitfs)
B.figure(S, 'wol share (CLI process)', t_cli)
B.target(S, 'in-process share >= 5x faster than git add && git commit',
  string.format('%.1f ms vs %.1f ms: %.1fx (vs git with fsync=all: %.1fx)', m_in, m_git, m_git / m_in, m_gitfs / m_in),
  m_git / m_in >= 5)
B.note(S, string.format('share.fsync = "always": %.1f ms, %.1fx the git pair, %.1fx git with fsync=all',
  m_always, m_git / m_always, m_gitfs / m_always))
B.note(S, string.format('wol share as a process: %.1f ms, %.2fx the git pair', m_cli, m_git / m_cli))
