-- bench/feedback.lua: driver of bench/feedback.sh (run it through that
-- script). Builds the note and its feedback with the library and git,
-- then measures inside a fresh headless Neovim (bench/feedback_probe.lua).
local ROOT = assert(os.getenv('WOL_ROOT'), 'run through bench/feedback.sh')
local TMP = os.getenv('WOL_BENCH_TMP')
local B = dofile(ROOT .. '/bench/lib.lua')
local RUNS = tonumber(os.getenv('BENCH_FEEDBACK_RUNS') or 200)
local LINES, ITEMS, VERSIONS = 2000, 200, 5

local function q(s)
  return "'" .. tostring(s):gsub("'", "'\\''") .. "'"
end

B.run(string.format('%s/bin/wol init bench >/dev/null', q(ROOT)))
local core = require('wol.core')
local ctx = assert(core.open({}))
local c = assert(ctx:circle_open('bench'))
local dir = c:path()
local rel = assert(c:note_new('A long note'))
local abs = dir .. '/' .. rel
local f = assert(io.open(abs))
local head = f:read('*a')
f:close()

-- the note: LINES lines of prose; each version rewrites, inserts and
-- deletes a few lines; feedback is written on every version
local rnd = B.lcg(20260301)
local body = {}
for i = 1, LINES do
  body[i] = string.format('Line %d of the note, with some words to read and think about (%d).', i, rnd(100000))
end
local function write_note()
  local out = assert(io.open(abs, 'wb'))
  out:write(head, table.concat(body, '\n'), '\n')
  out:close()
  return assert(c:share({ file = abs }))
end
local nid = head:match('\nid: (%S+)\n')
local fdir = dir .. '/feedback/' .. nid
B.run('mkdir -p ' .. q(fdir))
local n = 0
for v = 1, VERSIONS do
  if v > 1 then
    for _ = 1, 10 do
      local at = 1 + rnd(#body)
      local op = rnd(3)
      if op == 0 then
        table.insert(body, at, 'An inserted line ' .. rnd(1000))
      elseif op == 1 then
        table.remove(body, at)
      else
        body[at] = 'A rewritten line ' .. rnd(1000)
      end
    end
  end
  local commit = write_note().commit
  local nlines = select(2, (head .. table.concat(body, '\n') .. '\n'):gsub('\n', ''))
  for _ = 1, ITEMS / VERSIONS do
    n = n + 1
    local a = 10 + rnd(nlines - 20)
    local id = string.format('20260301T%06dZ-member%d-%04x', n, n % 4, n)
    local rf = assert(io.open(fdir .. '/' .. id .. '.md', 'wb'))
    rf:write(string.format('---\nkind: %s\n%snote: %s\ncommit: %s\nlines: %d-%d\nauthor: member%d\nlamport: %d\nid: %s\n---\n\n%s\n',
      n % 5 == 0 and 'reaction' or 'comment', n % 5 == 0 and 'reaction: "+1"\n' or '', rel, commit, a,
      a + rnd(4), n % 4, n, id, string.rep('A thought about these lines. ', 1 + rnd(6))))
    rf:close()
  end
end
B.run(string.format('cd %s && git add -A && git commit -q -m feedback', q(dir)))
c:close()

local out = TMP .. '/probe.out'
os.remove(out)
B.run(string.format('env WOL_PROBE_OUT=%s WOL_PROBE_NOTE=%s WOL_PROBE_RUNS=%d nvim --headless -u NORC -i NONE -n '
  .. '--cmd %s -c %s </dev/null >/dev/null 2>&1', q(out), q(abs), RUNS, q('set rtp^=' .. ROOT),
  q('luafile ' .. ROOT .. '/bench/feedback_probe.lua')))
local res = {}
for line in io.lines(out) do
  local key, rest = line:match('^(%S+) (.*)$')
  local v = {}
  for x in rest:gmatch('%S+') do
    v[#v + 1] = tonumber(x)
  end
  res[key] = v
end
assert(res.items and res.items[1] == ITEMS, 'the probe did not see the feedback')
local S = 'Feedback: drawing in a shared note'
local draw = B.figure(S, string.format('draw %d items on a %d-line note (signs, end-of-line text)', ITEMS, res.lines[1]), res.draw)
local full = B.figure(S, 'draw the same with feedback.inline = "full" (virt_lines too)', res.full)
local bare = B.figure(S, string.format('baseline: %d bare extmarks in the same Neovim', ITEMS), res.bare)
local refresh = B.figure(S, 'refresh: read the records, anchor them through the diffs, draw', res.refresh)
print(string.format('draw      %7.3f ms median (p10-p90 %.3f-%.3f), %d items, %d lines', draw.median, draw.p10, draw.p90,
  ITEMS, res.lines[1]))
print(string.format('full      %7.3f ms median', full.median))
print(string.format('bare      %7.3f ms median (draw/bare %.1fx)', bare.median, draw.median / bare.median))
print(string.format('refresh   %7.3f ms median (p10-p90 %.3f-%.3f)', refresh.median, refresh.p10, refresh.p90))
B.target(S, string.format('drawing %d feedback items on a 2,000-line note < 10 ms', ITEMS),
  string.format('%.3f ms median (%.1fx the bare extmarks)', draw.median, draw.median / bare.median), draw.median < 10)
B.note(S, string.format('The refresh (%.1f ms median) adds reading %d record files, a libgit2 diff per version the ' ..
  'feedback was written on (%d here) and the conversion to Lua; it runs when a note is opened, written or synced, ' ..
  'not while scrolling.', refresh.median, ITEMS, VERSIONS))
