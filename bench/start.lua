-- bench/start.lua: driver of bench/start.sh (run it through that script).
local root = assert(os.getenv('WOL_ROOT'), 'run through bench/start.sh')
local B = dofile(root .. '/bench/lib.lua')
local ffi = require('ffi')
pcall(ffi.cdef, [[
int posix_spawnp(int *pid, const char *file, const void *file_actions, const void *attrp,
                 char *const argv[], char *const envp[]);
int waitpid(int pid, int *status, int options);
int posix_spawn_file_actions_init(void *fa);
int posix_spawn_file_actions_addopen(void *fa, int fd, const char *path, int oflag, int mode);
extern char **environ;
]])
local bin = root .. '/bin/wol'
local home = os.getenv('WOL_HOME')
local RUNS = tonumber(os.getenv('BENCH_RUNS') or 41)
local NOTES = tonumber(os.getenv('BENCH_NOTES') or 300)
local S = 'CLI start'

local function q(s)
  return "'" .. tostring(s):gsub("'", "'\\''") .. "'"
end

-- a circle with notes and its index, and the day's journal entry (the
-- first entry makes the private history: once, not what is measured)
B.run(string.format('%s init bench >/dev/null', q(bin)))
local circle = home .. '/circles/bench'
B.run(string.format('mkdir -p %s', q(circle .. '/notes/bench')))
for i = 1, NOTES do
  local f = assert(io.open(string.format('%s/notes/bench/n%04d.md', circle, i), 'w'))
  f:write(string.format('# Note %d\n\nA plan about lanterns, number %d, and the river.\n', i, i))
  f:close()
end
-- and one note of its own words: a search that finds one note shows the
-- start of a search (sqlite loaded, the index opened, one query) without
-- the work of ranking 300 hits and printing 50 of them
do
  local f = assert(io.open(string.format('%s/notes/bench/heron.md', circle), 'w'))
  f:write('# By the weir\n\nA heron stood there all morning.\n')
  f:close()
end
B.run(string.format('cd %s && git add -A && git commit -q -m notes', q(circle)))
B.run(string.format('%s index >/dev/null', q(bin)))
B.run(string.format('%s journal --path >/dev/null', q(bin)))
B.run(string.format('%s log warm >/dev/null', q(bin)))

-- stdout and stderr to /dev/null, like a shell redirect
local fa = ffi.new('char[?]', 256)
ffi.C.posix_spawn_file_actions_init(fa)
ffi.C.posix_spawn_file_actions_addopen(fa, 1, '/dev/null', 1, 0)
ffi.C.posix_spawn_file_actions_addopen(fa, 2, '/dev/null', 1, 0)
local function argv_of(t)
  local a = ffi.new('char *[?]', #t + 1)
  local keep = {}
  for i, s in ipairs(t) do
    keep[i] = ffi.new('char[?]', #s + 1, s)
    a[i - 1] = keep[i]
  end
  return a, keep
end
local pid, status = ffi.new('int[1]'), ffi.new('int[1]')
local function spawn(argv)
  local t0 = B.now()
  assert(ffi.C.posix_spawnp(pid, argv[0], fa, nil, argv, ffi.C.environ) == 0)
  assert(ffi.C.waitpid(pid[0], status, 0) == pid[0])
  local dt = B.now() - t0
  assert(status[0] == 0, 'exit status ' .. status[0] .. ' of ' .. ffi.string(argv[0]))
  return dt
end

local cmds = {
  { name = '`git --version`', argv = { 'git', '--version' } },
  { name = '`wol prompt`', argv = { bin, 'prompt' } },
  { name = '`wol log TEXT`', argv = { bin, 'log', 'a line' } },
  -- the disk's floor for the row above: the same durable write alone (read
  -- the file, the line added in a temporary file, fsync, rename, fsync of
  -- the folder: bench/durable_write.c), to a file of its own in the same
  -- file system
  { name = 'the same durable write alone', info = true,
    argv = { assert(os.getenv('BENCH_DURABLE_WRITE'), 'run through bench/start.sh'),
      home .. '/durable.md', 'a line' } },
  { name = '`wol journal --path`', argv = { bin, 'journal', '--path' } },
  { name = '`wol search --no-refresh lanterns`', argv = { bin, 'search', '--no-refresh', 'lanterns' } },
  -- for comparison, not a target of its own (the target is the row above)
  { name = '`wol search --no-refresh heron` (1 hit)', argv = { bin, 'search', '--no-refresh', 'heron' },
    info = true },
  -- the engine's floor: the lanterns search done by sqlite alone (the same
  -- library loaded, one FTS5 query ranked by bm25 with snippets, the 50
  -- best printed: bench/sqlite_search.c)
  { name = 'the same search in sqlite alone', info = true,
    argv = { assert(os.getenv('BENCH_SQLITE_SEARCH'), 'run through bench/start.sh'),
      assert(os.getenv('BENCH_SQLITE_LIB')), home .. '/index.db', 'lanterns' } },
}
for _, c in ipairs(cmds) do
  c.a, c.keep = argv_of(c.argv)
  c.t = {}
  spawn(c.a) -- warm the page cache
end
-- what the scripts before this one wrote (corpora of thousands of files)
-- is still being written out to the disk for a while, and the fsyncs of
-- `wol log` and of the durable write alone would wait behind it: a user's
-- line is logged on a disk that is not writing a benchmark's corpus
B.run('sync')
-- interleaved, so that a change of load touches every command alike
for _ = 1, RUNS do
  for _, c in ipairs(cmds) do
    c.t[#c.t + 1] = spawn(c.a)
  end
end
local git = B.figure(S, cmds[1].name .. ' (a process)', cmds[1].t, 'ms')
print(string.format('load %s', B.load()))
print(string.format('%-40s %8.2f ms median', cmds[1].name, git.median))
for i = 2, #cmds do
  local c = cmds[i]
  local st = B.figure(S, c.name .. ' (a process)', c.t, 'ms')
  local ratio = st.median / git.median
  local ok = ratio <= 1.5
  local said = string.format('%.2f ms against %.2f ms median: %.2fx', st.median, git.median, ratio)
  if c.info then
    print(string.format('%-40s %8.2f ms median  %5.2fx git --version  (for comparison)', c.name,
      st.median, ratio))
    B.note(S, string.format('%s, for comparison: %s `git --version`', c.name, said))
  else
    print(string.format('%-40s %8.2f ms median  %5.2fx git --version  %s', c.name, st.median, ratio,
      ok and 'PASS' or 'MISS'))
    B.target(S, c.name .. ' within 1.5x `git --version`', said, ok)
  end
end

-- wol's search against the engine's floor, both from this run
do
  local by = {}
  for _, c in ipairs(cmds) do
    by[c.name] = c
  end
  for _, p in ipairs({
    { '`wol log TEXT`', 'the same durable write alone', 'bench/durable_write.c' },
    { '`wol search --no-refresh lanterns`', 'the same search in sqlite alone', 'bench/sqlite_search.c' },
  }) do
    local w, e = by[p[1]], by[p[2]]
    local wm, em = B.median(w.t), B.median(e.t)
    print(string.format('%-40s %8.2fx %s (%.2f ms against %.2f ms)', w.name, wm / em, p[2], wm, em))
    B.note(S, string.format('%s: %.2fx %s (%.2f ms against %.2f ms; %s)', w.name, wm / em, p[2], wm, em,
      p[3]))
  end
end

-- the shared objects each process maps at start and on the way (the
-- dynamic linker's account: LD_DEBUG=files)
for _, c in ipairs(cmds) do
  local args = {}
  for i, a in ipairs(c.argv) do
    args[i] = q(a)
  end
  local p = io.popen(string.format('LD_DEBUG=files %s 2>&1 >/dev/null', table.concat(args, ' ')))
  local n = 0
  for line in p:lines() do
    if line:find('generating link map', 1, true) then
      n = n + 1
    end
  end
  p:close()
  print(string.format('%-40s %12d shared objects', c.name, n))
  B.note(S, string.format('%s: %d shared objects loaded (LD_DEBUG=files)', c.name, n))
end

-- instructions of one process each (callgrind), when valgrind is there
if os.execute('command -v valgrind >/dev/null 2>&1') == 0 or os.execute('command -v valgrind >/dev/null 2>&1') == true then
  local out = os.tmpname()
  for _, c in ipairs(cmds) do
    local args = {}
    for i, s in ipairs(c.argv) do
      args[i] = q(s)
    end
    local p = io.popen(string.format('valgrind --tool=callgrind --callgrind-out-file=%s %s 2>&1 >/dev/null',
      q(out), table.concat(args, ' ')))
    local log = p:read('*a')
    p:close()
    local ir = log:match('Collected : (%d+)')
    print(string.format('%-40s %12s Ir', c.name, ir or '?'))
    if ir then
      B.note(S, string.format('%s: %s instructions (callgrind, one process)', c.name, ir))
    end
  end
  os.remove(out)
end
