-- `wol search` from the shell (csrc/cli/index.c, wol_index_open_once): the
-- process stats the journal's entries in a second thread while it opens the
-- index, and its refresh visits what that thread found (csrc/index/walk.c).
-- What it finds, reads and writes must be exactly what a serial refresh
-- finds, reads and writes, and the hits exactly what a search after it
-- gives: checked on two copies of one home changed the same way, one
-- searched by `wol search`, the other refreshed by `wol index` (no thread)
-- and searched with --no-refresh.
local t = require('wolt')

local function doc(home, rel, title, body)
  t.write(home .. '/' .. rel, '---\ntitle: ' .. title .. '\n---\n' .. body .. '\n')
end

local function sh(cmd)
  local out, rc = t.sh(cmd)
  assert(rc == 0, out)
  return out
end

local function wol(m, args)
  local out, err, rc = t.wol(args, m)
  assert.are.equal(0, rc, err)
  return out
end

-- the hits as JSON with the home taken out (the two homes differ by path)
local function hits(m, args)
  local out = wol(m, args)
  return (out:gsub(m.wol_home:gsub('%p', '%%%0'), 'HOME'))
end

local function rows(m)
  return sh('sqlite3 ' .. t.shquote(m.wol_home .. '/index.db') ..
    ' "SELECT id, path, kind, size, title FROM docs ORDER BY id"')
end

describe('wol search from the shell', function()
  it('finds what a serial refresh then a search find, the journal stat\'ed by a second thread', function()
    local a = t.member('tester')
    local h = a.wol_home
    for d = 1, 6 do
      doc(h, string.format('journal/2026/2026-01-%02d.md', d), 'Day ' .. d,
        'A quiet morning with gulls, day ' .. d .. '.')
    end
    for d = 1, 3 do
      doc(h, string.format('journal/2025/2025-12-%02d.md', d), 'December ' .. d, 'Quiet frost and gulls.')
    end
    -- what neither walk takes: a link, a folder and a dot file named like
    -- entries, another suffix, a year folder that is a link
    sh(string.format('cd %s && ln -s ../2025/2025-12-01.md 2026-01-20.md && mkdir 2026-01-21.md && ' ..
      'cp 2026-01-01.md .2026-01-22.md && cp 2026-01-01.md 2026-01-23.txt && ln -s 2026 ../2031',
      t.shquote(h .. '/journal/2026')))
    wol(a, { 'index' })
    -- a second home, the same files and the same index
    local b = t.member('tester')
    sh(string.format('cp -a %s/. %s', t.shquote(a.wol_home), t.shquote(b.wol_home)))
    local queries = { { 'gulls' }, { 'windy' }, { 'quiet' }, { 'petrel' }, { 'frost', 'gulls' }, { 'kind:journal' } }
    for _, m in ipairs({ a, b }) do
      assert.are.equal(rows(a), rows(m))
    end
    -- the same changes in both: an entry edited in place (same size, its
    -- folder's mtime put back: only a stat of the entry tells), another
    -- grown, one removed, one added, and a new year folder
    for _, m in ipairs({ a, b }) do
      local dir = m.wol_home .. '/journal/2026'
      local stamp = sh('stat -c %y ' .. t.shquote(dir)):gsub('\n$', '')
      local p = dir .. '/2026-01-02.md'
      t.write(p, (t.read(p):gsub('quiet', 'windy')))
      sh(string.format('touch -d %s %s', t.shquote(stamp), t.shquote(dir)))
      local f = assert(io.open(m.wol_home .. '/journal/2025/2025-12-02.md', 'ab'))
      f:write('Then a petrel.\n')
      f:close()
      os.remove(dir .. '/2026-01-05.md')
      doc(m.wol_home, 'journal/2026/2026-01-07.md', 'Day 7', 'Windy gulls.')
      doc(m.wol_home, 'journal/2027/2027-01-01.md', 'New year', 'Quiet gulls, a petrel.')
    end
    t.sh('sleep 0.03') -- out of the clock tick of the writes
    -- a: `wol search` refreshes (the thread's stats) and searches
    local got = {}
    for i, q in ipairs(queries) do
      local args = { 'search', '--json', '--limit', '20' }
      for _, w in ipairs(q) do
        table.insert(args, w)
      end
      if i > 1 then
        table.insert(args, 2, '--no-refresh')
      end
      got[i] = hits(a, args)
    end
    -- b: the serial refresh, then the same searches
    local rep = wol(b, { 'index', '--json' })
    assert.matches('"added":2', rep)
    assert.matches('"updated":2', rep)
    assert.matches('"removed":1', rep)
    for i, q in ipairs(queries) do
      local args = { 'search', '--json', '--no-refresh', '--limit', '20' }
      for _, w in ipairs(q) do
        table.insert(args, w)
      end
      assert.are.equal(hits(b, args), got[i])
    end
    -- the same rows, in the same order (ids given as files were read)
    assert.are.equal(rows(b), rows(a))
    assert.matches('2026%-01%-02%.md', got[2])
    assert.matches('2025%-12%-02%.md', got[4])
    assert.matches('2027%-01%-01%.md', got[4])
    assert.is_nil(got[1]:find('2026-01-05', 1, true))
    assert.is_nil(got[1]:find('2026-01-2', 1, true))
    assert.is_nil(got[1]:find('2031', 1, true))
    -- and a refresh after it has nothing left to do
    assert.matches('"read":0', wol(a, { 'index', '--json' }))
  end)
end)
