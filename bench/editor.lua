-- bench/editor.lua: driver of bench/editor.sh (run it through that script).
-- Every Neovim here is a fresh process: `-u NORC` (plugins load, no user
-- config), no shada, no swap, a scratch HOME. "with" puts the worktree on
-- 'runtimepath'; "without" puts an empty folder there instead, so both pay
-- for one more 'runtimepath' entry.
local ROOT = assert(os.getenv('WOL_ROOT'), 'run through bench/editor.sh')
local TMP = os.getenv('WOL_BENCH_TMP')
local B = dofile(ROOT .. '/bench/lib.lua')
local sh = B.run
local STARTUP_RUNS = tonumber(os.getenv('BENCH_STARTUP_RUNS') or 20)
local FIRST_RUNS = tonumber(os.getenv('BENCH_FIRST_RUNS') or 15)
local MEM_RUNS = tonumber(os.getenv('BENCH_MEM_RUNS') or 5)
local MEM_NOTES = tonumber(os.getenv('BENCH_MEM_NOTES') or 10000)
local PROBE = ROOT .. '/bench/editor_probe.lua'

local function q(s)
  return "'" .. tostring(s):gsub("'", "'\\''") .. "'"
end
local function read(path)
  local f = io.open(path)
  if not f then
    return nil
  end
  local s = f:read('*a')
  f:close()
  return s
end

local function nvim(with, extra)
  return string.format('nvim --headless -u NORC -i NONE -n --cmd %s %s </dev/null >/dev/null 2>&1',
    q('set rtp^=' .. (with and ROOT or TMP .. '/empty')), extra or '')
end

-- ------------------------------------------------------------ startup
local S = 'Editor: startup, first command, memory'
local wall_with, wall_without, source_ms = {}, {}, {}
local st_file = TMP .. '/startuptime'
for r = 0, STARTUP_RUNS do -- round 0 warms the caches
  for _, with in ipairs({ true, false }) do
    local t0 = B.now()
    sh(nvim(with, '+q'))
    local dt = B.now() - t0
    if r > 0 then
      table.insert(with and wall_with or wall_without, dt)
    end
  end
  if r > 0 then
    os.remove(st_file)
    sh(nvim(true, '--startuptime ' .. q(st_file) .. ' +q'))
    local total = 0
    for line in io.lines(st_file) do
      -- "clock  self+sourced  self: sourcing FILE"
      local both = line:match('^%s*[%d.]+%s+([%d.]+)%s+[%d.]+: sourcing .*/plugin/wol%.lua$')
      if both then
        total = total + tonumber(both)
      end
    end
    table.insert(source_ms, total)
  end
end
local sw, so, ss = B.stats(wall_with), B.stats(wall_without), B.stats(source_ms)
B.figure(S, 'startup: sourcing plugin/wol.lua (--startuptime)', source_ms)
B.figure(S, 'startup: nvim --headless +q with the plugin', wall_with)
B.figure(S, 'baseline: nvim --headless +q without the plugin', wall_without)
print(string.format('startup (%d runs)     plugin/wol.lua sourced in %.3f ms median (p10-p90 %.3f-%.3f)',
  STARTUP_RUNS, ss.median, ss.p10, ss.p90))
print(string.format('nvim --headless +q    with %.1f ms, without %.1f ms median: +%.2f ms (%.3fx)', sw.median,
  so.median, sw.median - so.median, sw.median / so.median))
B.target(S, 'plugin adds < 1 ms to startup (--startuptime)', string.format('%.3f ms sourcing plugin/wol.lua', ss.median),
  ss.median < 1)
B.note(S, string.format('Wall time of `nvim --headless +q`: %.1f ms with the plugin, %.1f ms without (difference %+.2f ms, ' ..
  'within the noise of a shared machine; the --startuptime figure is the plugin\'s own cost).', sw.median, so.median,
  sw.median - so.median))

-- ------------------------------------------------------ first command
local out = TMP .. '/probe.out'
local function probe(kind, with, env)
  os.remove(out)
  sh(string.format('env WOL_PROBE=%s WOL_PROBE_OUT=%s WOL_TODAY=2026-11-22 %s %s', kind, q(out), env or '',
    nvim(with, '-c ' .. q('luafile ' .. PROBE))))
  return assert(read(out), kind .. ': no result')
end
-- the same in a real terminal: Neovim's TUI in a pseudo-terminal of 40x120
-- (util-linux `script`), so that `:redraw` really draws the screen
local function probe_tui(kind)
  os.remove(out)
  local cmd = string.format("stty rows 40 cols 120; nvim -u NORC -i NONE -n --cmd %s -c %s", q('set rtp^=' .. ROOT),
    q('luafile ' .. PROBE))
  sh(string.format('env WOL_PROBE=%s WOL_PROBE_OUT=%s WOL_TODAY=2026-11-22 TERM=xterm-256color ' ..
    'script -qfec %s /dev/null </dev/null >/dev/null 2>&1', kind, q(out), q(cmd)))
  return assert(read(out), kind .. ': no result (in a terminal)')
end
local first, again = {}, {}
for r = 0, FIRST_RUNS do
  local line = probe_tui('first')
  local ms, status = line:match('^(%S+) (%S+)')
  assert(status == 'ok', 'first :WolPrompt did not draw the prompt: ' .. line)
  local ms2 = probe_tui('again'):match('^(%S+)')
  if r > 0 then
    table.insert(first, tonumber(ms))
    table.insert(again, tonumber(ms2))
  end
end
local sf, sa = B.figure(S, 'first :WolPrompt in a fresh Neovim, TUI, to drawn screen (module load included)', first),
  B.figure(S, ':WolPrompt again (module loaded)', again)
print(string.format(':WolPrompt            first %.1f ms median (p10-p90 %.1f-%.1f), again %.1f ms', sf.median, sf.p10,
  sf.p90, sa.median))

-- ------------------------------------------------------------ memory
local mem_home = os.getenv('WOL_BENCH_MEM_HOME')
if not mem_home or mem_home == '' or not read(mem_home .. '/index.db') then
  -- 10,000 generated notes of ~1 KB in one circle, indexed by `wol index`
  mem_home = os.getenv('WOL_HOME')
  sh(string.format('%s init mem >/dev/null', q(ROOT .. '/bin/wol')))
  local seed = 20261122
  local function pick(n)
    seed = (seed * 16807) % 2147483647
    return seed % n + 1
  end
  local vocab = { 'plan', 'draft', 'review', 'outline', 'sketch', 'retro', 'goal', 'idea', 'pairing', 'feedback',
    'kafuka', 'taxika', 'kanusi', 'lorem', 'design', 'docs' }
  for i = 1, MEM_NOTES do
    local dir = string.format('%s/circles/mem/notes/m%02d', mem_home, i % 20)
    if i <= 20 then
      sh('mkdir -p ' .. q(dir))
    end
    local w = {}
    for k = 1, 150 do
      w[k] = vocab[pick(#vocab)]
    end
    local f = assert(io.open(string.format('%s/note-%05d.md', dir, i), 'w'))
    f:write(string.format('---\ntitle: Note %d\nauthor: m%02d\ncreated: 2026-11-01\nstatus: wip\n---\n\n%s\n', i, i % 20,
      table.concat(w, ' ')))
    f:close()
  end
  sh(string.format('%s index >/dev/null', q(ROOT .. '/bin/wol')))
end
local env = 'WOL_HOME=' .. q(mem_home) .. ' WOL_PROBE_QUERY=kafuka'
local bare, module, index, hits = {}, {}, {}, 0
for _ = 1, MEM_RUNS do
  table.insert(bare, tonumber(probe('rss-bare', false, env):match('^(%d+)')) / 1024)
  table.insert(module, tonumber(probe('rss-module', true, env):match('^(%d+)')) / 1024)
  local kb, n = probe('rss-index', true, env):match('^(%d+) (%d+)')
  table.insert(index, tonumber(kb) / 1024)
  hits = tonumber(n)
end
local docs = read(mem_home .. '/index.db') and #read(mem_home .. '/index.db') / 1e6 or 0
local mb, mm, mi = B.figure(S, 'baseline: RSS of headless Neovim without the plugin', bare, 'MB'),
  B.figure(S, 'RSS with wol.core loaded', module, 'MB'),
  B.figure(S, 'RSS with wol.core and the index opened (:WolSearch)', index, 'MB')
local cnt = io.popen('sqlite3 ' .. q(mem_home .. '/index.db') .. ' "SELECT count(*) FROM docs" 2>/dev/null')
local ndocs = tonumber((cnt:read('*a') or ''):match('%d+')) or 0
cnt:close()
B.target(S, 'module with a ' .. ndocs .. '-document index open under 30 MB RSS in Neovim',
  string.format('%.1f MB (bare Neovim %.1f MB)', mi.median, mb.median), mi.median < 30)
print(string.format('memory (VmRSS)        without %.1f MB, module loaded %.1f MB (+%.1f), index of %.0f MB opened by ' ..
  ':WolSearch %.1f MB (+%.1f; %d hits)', mb.median, mm.median, mm.median - mb.median, docs, mi.median,
  mi.median - mb.median, hits))
B.note(S, string.format('Memory: +%.1f MB with the module loaded, +%.1f MB with the index (%.0f MB index.db, %s) opened ' ..
  'by :WolSearch, over %.1f MB for a bare headless Neovim.', mm.median - mb.median, mi.median - mb.median, docs,
  mem_home == os.getenv('WOL_HOME') and string.format('%d generated notes', MEM_NOTES) or 'the corpus of bench/index.sh',
  mb.median))
print('load average at the end: ' .. B.load())
