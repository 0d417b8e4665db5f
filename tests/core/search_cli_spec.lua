-- `wol search` from the shell (csrc/cli/index.c, wol_index_open_once): the
-- process stats the journal's entries in a second thread while it opens the
-- index, and its refresh visits what that thread found (csrc/index/walk.c).
-- What it finds, reads and writes must be exactly what a serial refresh
-- finds, reads and writes, and the hits exactly what a search after it
-- gives: checked on two copies of one home changed the same way, one
-- searched by `wol search`, the other refreshed by `wol index` (no thread)
-- and searched with --no-refresh.
local t = require('wolt')
local json = require('dkjson')

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

  -- A hit's details (csrc/index/search.c, details_runs and snip_kept;
  -- csrc/index/detail.c): a search ranked at once cuts each hit's snippet
  -- from its FTS5 row and the phrase instances its ranking kept; others
  -- read the hits by runs of close row ids with one FTS5 query each (the
  -- instances from FTS5, through wol_hitsnip). Either must give what
  -- snippet() and highlight()'s marks give: checked
  -- against the same index through the sqlite3 shell, FTS5's own snippet()
  -- and highlight() per row, on bodies with CRLF, a \x01 of their own, a
  -- NUL byte, the match only in the title or in the tags, hits in two runs
  -- (rows far apart), and windows that sentences and matches move.
  it('gives each hit the snippet and the line of its first match that snippet() and highlight() give', function()
    local m = t.member('tester')
    local h = m.wol_home
    local dir = h .. '/circles/team'
    sh('mkdir -p ' .. t.shquote(dir) .. ' && git init -q -b main ' .. t.shquote(dir))
    local function entry(name, title, body, extra)
      t.write(string.format('%s/notes/ana/%s.md', dir, name),
        '---\ntitle: ' .. title .. '\nauthor: ana\n' .. (extra or '') .. '---\n' .. body)
    end
    entry('a01', 'Gulls at dawn', 'First line.\n\n\nThe gulls came back, quiet gulls.\n')
    entry('a02', 'Tide', 'one\r\ntwo\r\nthree gulls in frost\r\n')
    entry('a03', 'Marks', 'before\n\1 a mark of its own\nthen gulls here\n')
    entry('a04', 'Nul', 'start\n\0hidden\nlines\nthen gulls, gullible\n')
    entry('a05', 'Only the title has gulls', 'nothing here\nat all\n')
    entry('a06', 'Tags', 'plain words\n', 'tags: [gulls]\n')
    entry('a07', 'Deep', string.rep('filler words\n', 40) .. 'frost, then gulls\n')
    -- more than RUN_GAP rows without a match, then hits again
    for d = 1, 50 do
      entry(string.format('b%02d', d), 'Filler ' .. d, 'Nothing to see.\n')
    end
    -- where snippet() puts its window (wol_hitsnip, detail.c): sentences
    -- begun after '.' or ':' and blanks, windows moved to centre their
    -- matches, bodies of 16 and 17 tokens, text before the first token
    local words = {}
    for k = 1, 60 do
      words[k] = 'w' .. k
    end
    local function span(a, b)
      return table.concat(words, ' ', a, b)
    end
    entry('d01', 'Heron one', span(1, 16) .. '. Herons: the heron stood still ' .. span(17, 50) ..
      ' heron again at the end.\n')
    entry('d02', 'Heron two', span(1, 15) .. ' heron\n')
    entry('d03', 'Heron three', span(1, 8) .. ' heron ' .. span(9, 16) .. '\n')
    entry('d04', 'Heron four', '  -- (heron) ... short\n')
    entry('d05', 'Heron five', span(1, 39) .. ' heron w40 heron wading ' .. span(41, 60) .. '\n')
    entry('d06', 'Heron six', span(1, 30) .. '.\n\nHeron first. ' .. span(31, 40) .. ':  heron ' ..
      span(41, 60) .. '\n')
    entry('d07', 'Heron seven', span(1, 20) .. string.rep(' heron wading', 6) .. ' ' .. span(21, 44) .. '\n')
    entry('d08', 'Heron eight', span(1, 5) .. ' wading ' .. span(6, 30) .. '. ' .. span(31, 33) ..
      ' heron ' .. span(34, 60) .. '\n')
    entry('d09', 'Heron nine', span(1, 30) .. '.heron ' .. span(31, 40) .. ' wading ' .. span(41, 60) .. '\n')
    -- no sentence but the first: the window centred on the match decides
    entry('d10', 'Heron ten', span(1, 30) .. ' heron stood still ' .. span(31, 50) .. '\n')
    entry('c01', 'Late', 'a\nb\nquiet gulls at last\n')
    entry('c02', 'Later gullible', 'frost\n\ngullible frost\n')
    sh('cd ' .. t.shquote(dir) .. ' && git add -A && git commit -q -m notes')
    wol(m, { 'index' })
    -- one_line in search.c: blanks as one space, at most 160 characters
    local function one_line(s)
      s = s:gsub('[ \t\r\n]+', ' '):gsub('^ ', ''):gsub(' $', '')
      local n, cut = 0, nil
      for i = 1, #s do
        local c = s:byte(i)
        if c < 0x80 or c >= 0xC0 then
          n = n + 1
          if n > 160 then
            cut = i
            break
          end
        end
      end
      return cut and s:sub(1, cut - 1) .. '\226\128\166' or s
    end
    local cases = {
      { { 'gulls' }, '"gulls"' },
      { { 'gull*' }, '"gull"*' },
      { { '"quiet gulls"' }, '"quiet gulls"' },
      { { 'gulls', 'frost' }, '"gulls" AND "frost"' },
      { { 'frost', '-gullible' }, '"frost" NOT "gullible"' },
      { { 'title' }, '"title"' },
      { { 'gullible' }, '"gullible"' },
      { { 'heron' }, '"heron"' },
      { { 'heron', 'wading' }, '"heron" AND "wading"' },
      { { '"heron stood"' }, '"heron stood"' },
      { { 'hero*' }, '"hero"*' },
      { { 'wading', '-w3' }, '"wading" NOT "w3"' },
      -- two phrases at the same token: xInst lists the first phrase's
      -- first, and the window is centred on the last one's end
      { { '"heron stood still"', 'heron' }, '"heron stood still" AND "heron"' },
      { { 'heron', '"heron stood still"' }, '"heron" AND "heron stood still"' },
      { { 'heron', 'heron' }, '"heron" AND "heron"' },
    }
    local ntotal, counts = 0, {}
    for _, c in ipairs(cases) do
      local sql = 'SELECT d.path, CASE WHEN instr(x.hb, char(1)) > 0 THEN d.body_line + ' ..
        "length(substr(x.hb, 1, instr(x.hb, char(1)) - 1)) - length(replace(substr(x.hb, 1, " ..
        "instr(x.hb, char(1)) - 1), char(10), '')) " ..
        "WHEN instr(coalesce(x.ht, ''), char(1)) > 0 AND d.title_line > 0 THEN d.title_line " ..
        'WHEN d.body_line > 0 THEN d.body_line ELSE 1 END, ' ..
        "replace(replace(replace(x.sn, char(10), ' '), char(13), ' '), char(9), ' ') FROM " ..
        "(SELECT rowid AS id, highlight(fts, 1, char(1), char(2)) AS hb, " ..
        "highlight(fts, 0, char(1), char(2)) AS ht, snippet(fts, 1, '', '', '\226\128\166', 16) AS sn " ..
        'FROM fts WHERE fts MATCH ' .. "'" .. c[2]:gsub("'", "''") .. "'" .. ') x JOIN docs d ON d.id = x.id'
      local want = {}
      for line in sh('sqlite3 ' .. t.shquote(h .. '/index.db') .. ' ' .. t.shquote(sql)):gmatch('[^\n]+') do
        local path, ln, sn = line:match('^([^|]*)|([^|]*)|(.*)$')
        want[path] = { line = tonumber(ln), snippet = one_line(sn) }
      end
      local n = 0
      for path in pairs(want) do
        n = n + 1
      end
      -- without a filter (ranked at once: snip_kept), with one that keeps
      -- every hit (ranked in SQL: wol_hitsnip)
      for _, filter in ipairs({ {}, { 'kind:note' } }) do
        local args = { 'search', '--json', '--no-refresh', '--limit', '200', '--' }
        for _, w in ipairs(c[1]) do
          table.insert(args, w)
        end
        for _, w in ipairs(filter) do
          table.insert(args, w)
        end
        local got = json.decode(wol(m, args))
        local label = c[2] .. (filter[1] and ' ' .. filter[1] or '')
        assert.are.equal(n, #got, label)
        for _, hit in ipairs(got) do
          local w = want[hit.path]
          assert.is_truthy(w, label .. ': ' .. hit.path)
          assert.are.equal(w.line, hit.line, label .. ': ' .. hit.path)
          assert.are.equal(w.snippet, hit.snippet, label .. ': ' .. hit.path)
        end
      end
      ntotal = ntotal + n
      table.insert(counts, c[2] .. ": " .. n)
    end
    assert.is_true(ntotal >= 40, table.concat(counts, ', '))
  end)
end)
