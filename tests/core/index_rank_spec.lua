-- Search without filters ranks every match at once outside SQL
-- (csrc/index/rank.c, wol_index__rank_best: the phrases' rows read through
-- FTS5, the matches found and scored as FTS5's bm25 scores them); with
-- filters it ranks a shortlist (csrc/index/search.c): FTS5's best matches
-- by score alone are joined to their rows, filtered and tie-broken, and the
-- answer is kept only when it is provably the full ranking's; otherwise
-- every match is ranked. The score is wol_bm25 (csrc/index/rank.c), FTS5's
-- bm25 with the rows' lengths read by a walk. The hits must be exactly what
-- ranking every match with FTS5's bm25 gives, scores included, for every
-- filter and limit: checked against the full ranking run by the sqlite3
-- shell on the same index.db, on a generated corpus full of ties (the same
-- bodies, the same dates).
local t = require('wolt')
local core = require('wol.core')
local json = require('dkjson')

local AUTHORS = { 'ana', 'bob', 'cy', 'dee' }
-- a few bodies shared by many documents: equal scores, so the tie-break
-- (sortkey newest first, then path) decides, also at the shortlist's edge
local BODIES = {
  'alpha alpha beta delta',
  'alpha beta gamma',
  'alpha',
  'alpha delta delta delta delta epsilon',
  'beta gamma alpha alpha alpha',
  'delta epsilon',
  'alpha beta beta',
  'alpha zeta eta theta iota kappa lambda mu',
}

-- and one body shared by 120 documents, more than a short list holds:
-- their scores tie across its edge
local SAME = 'alpha beta gamma omega'

local function sql(home, text)
  local out, rc = t.sh('sqlite3 ' .. t.shquote(home .. '/index.db') .. ' ' .. t.shquote(text))
  assert(rc == 0, out)
  local rows = {}
  for line in out:gmatch('[^\n]+') do
    table.insert(rows, line)
  end
  return rows
end

-- The full ranking by FTS5's own bm25 (the sqlite3 shell, not wol): each
-- match of the FTS5 expression `match` passing the SQL filter `where` on
-- docs d, as "path score", best first with wol's tie-break.
local function full_ranking(home, match, where)
  return sql(home, string.format("SELECT d.path || ' ' || printf('%%.12g', bm25(fts, 10.0, 1.0, 5.0)) " ..
    "FROM fts JOIN docs d ON d.id = fts.rowid " ..
    "WHERE fts MATCH '%s' AND %s ORDER BY bm25(fts, 10.0, 1.0, 5.0), d.sortkey DESC, d.path",
    match:gsub("'", "''"), where))
end

describe('search ranking', function()
  local m, ctx, h
  setup(function()
    m = t.member('rank')
    h = m.wol_home
    local n = 0
    for _, circle in ipairs({ 'c1', 'c2' }) do
      local dir = h .. '/circles/' .. circle
      for i = 1, 90 do
        n = n + 1
        local author = AUTHORS[(n % #AUTHORS) + 1]
        t.write(string.format('%s/notes/%s/n%03d.md', dir, author, i),
          string.format('---\ntitle: Note %d\nauthor: %s\ncreated: 2026-10-%02dT09:00:00Z\n---\n%s\n', n % 5,
            author, (n % 9) + 1, circle == 'c1' and BODIES[(n % #BODIES) + 1] or SAME))
      end
      local out, rc = t.sh('cd ' .. t.shquote(dir) .. ' && git init -q -b main && git add -A && ' ..
        'git commit -q -m notes 2>&1')
      assert(rc == 0, out)
    end
    for d = 1, 60 do
      t.write(string.format('%s/journal/2026/2026-%02d-%02d.md', h, 8 + math.floor((d - 1) / 30), ((d - 1) % 30) + 1),
        string.format('---\ntitle: Day\n---\n%s\n', d <= 30 and BODIES[(d % #BODIES) + 1] or SAME))
    end
    t.sh('sleep 0.03') -- (not in the refresh's clock tick)
    ctx = assert(core.open({ home = h }))
    assert(ctx:index_refresh())
  end)
  teardown(function()
    if ctx then
      ctx:close()
    end
  end)

  -- query text, FTS5 expression as query.c builds it, SQL filter on docs d
  local cases = {
    { 'alpha', '"alpha"', '1' },
    { 'beta', '"beta"', '1' },
    { 'alpha beta', '"alpha" AND "beta"', '1' },
    { 'alpha -gamma', '("alpha") NOT ("gamma")', '1' },
    { 'alpha -delta -kappa', '("alpha") NOT ("delta" OR "kappa")', '1' },
    { 'alpha -"beta gamma"', '("alpha") NOT ("beta" + "gamma")', '1' },
    { 'gamma "alpha beta"', '"gamma" AND "alpha" + "beta"', '1' },
    { 'alp*', '"alp"*', '1' },
    { 'alpha kind:journal', '"alpha"', "d.kind = 'journal'" },
    { 'alpha author:bob', '"alpha"', "d.author = 'bob'" },
    { 'alpha circle:c2', '"alpha"', "d.circle = 'c2'" },
    { 'alpha author:ana circle:c1', '"alpha"', "d.author = 'ana' AND d.circle = 'c1'" },
    { 'alpha after:2026-10-05', '"alpha"', "d.date >= '2026-10-05'" },
    { 'beta before:2026-10-03', '"beta"', "d.date < '2026-10-03'" },
    { 'kappa', '"kappa"', '1' },
    { 'omega', '"omega"', '1' },
    { 'omega gamma', '"omega" AND "gamma"', '1' },
    { 'omega author:bob', '"omega"', "d.author = 'bob'" },
    { 'omega kind:journal', '"omega"', "d.kind = 'journal'" },
  }

  it('gives the full ranking\'s hits, in its order, for every filter and limit', function()
    local checked = 0
    for _, c in ipairs(cases) do
      local query, match, where = c[1], c[2], c[3]
      local expect = full_ranking(h, match, where)
      assert.is_true(#expect > 0, query)
      local all = assert(ctx:search(query, { limit = 1000, refresh = false }))
      for _, limit in ipairs({ 1, 2, 5, 13, 20, 33, 50, 77, 120, 1000 }) do
        local hits = all
        if limit < 1000 then
          hits = assert(ctx:search(query, { limit = limit, refresh = false }))
        end
        local want = math.min(limit, #expect)
        assert.are.equal(want, #hits, query .. ' limit ' .. limit)
        for i = 1, want do
          -- the path, and the score (12 digits in Lua) of FTS5's own bm25 in the shell
          assert.are.equal(expect[i], hits[i].path .. ' ' .. string.format('%.12g', hits[i].score),
            query .. ' limit ' .. limit .. ' hit ' .. i)
          -- the whole hit, snippet and line included, as the longer list has it
          assert.are.same(all[i], hits[i], query .. ' limit ' .. limit .. ' hit ' .. i)
        end
        checked = checked + 1
      end
    end
    assert.are.equal(#cases * 10, checked)
  end)

  -- A `wol` process keeps no lengths: it scores the rows that can be
  -- among the best by a bound (each row's length at least the offsets of
  -- its matches) and walks to the lengths of those alone; the tied rows
  -- are put in order in C (search.c best_join), and each hit's snippet is
  -- cut from the phrase instances the ranking kept (search.c snip_kept).
  -- Its hits, lines and snippets included, must be the editor's.
  it('gives the full ranking\'s hits from a `wol` process too, for every filter and limit', function()
    local checked = 0
    for _, c in ipairs(cases) do
      local query, match, where = c[1], c[2], c[3]
      local expect = full_ranking(h, match, where)
      for _, limit in ipairs({ 1, 5, 33, 50, 119, 1000 }) do
        local out, err, rc = t.wol({ 'search', '--json', '--no-refresh', '--limit', tostring(limit), query }, m)
        assert.are.equal(0, rc, err)
        local got = {}
        local hits = json.decode(out)
        for _, hit in ipairs(hits) do
          table.insert(got, hit.path .. ' ' .. string.format('%.12g', hit.score))
        end
        local want = {}
        for i = 1, math.min(limit, #expect) do
          want[i] = expect[i]
        end
        assert.are.same(want, got, query .. ' limit ' .. limit)
        local mine = assert(ctx:search(query, { limit = limit, refresh = false }))
        assert.are.equal(#mine, #hits, query .. ' limit ' .. limit)
        for i, hit in ipairs(hits) do
          local label = query .. ' limit ' .. limit .. ' hit ' .. i
          assert.are.equal(mine[i].path, hit.path, label)
          assert.are.equal(mine[i].line, hit.line, label)
          assert.are.equal(mine[i].title, hit.title, label)
          assert.are.equal(mine[i].snippet, hit.snippet, label)
        end
        checked = checked + 1
      end
    end
    assert.are.equal(#cases * 6, checked)
  end)

  -- A search ranked at once needs each row's length in tokens, which an
  -- editor's handle keeps between searches: a change of
  -- the index, by this handle's refresh or by another process, must be
  -- seen (the lengths read again), or the scores are the old ones.
  it('ranks with the rows\' new lengths after the index changes, here or in another process', function()
    local function same(label)
      for _, query in ipairs({ 'alpha', 'delta' }) do
        local want = full_ranking(h, '"' .. query .. '"', '1')
        for _, limit in ipairs({ 3, 1000 }) do
          local hits = assert(ctx:search(query, { limit = limit, refresh = false }))
          assert.are.equal(math.min(limit, #want), #hits, label .. ' ' .. query)
          for i = 1, #hits do
            assert.are.equal(want[i], hits[i].path .. ' ' .. string.format('%.12g', hits[i].score),
              label .. ' ' .. query .. ' limit ' .. limit .. ' hit ' .. i)
          end
        end
      end
    end
    local filler = string.rep(' filler', 40)
    same('before')
    -- this handle's refresh writes: a short matching entry grows
    t.write(h .. '/journal/2026/2026-08-02.md', '---\ntitle: Day\n---\nalpha delta' .. filler .. '\n')
    assert(ctx:index_refresh())
    same('after this handle wrote')
    -- another process writes: another one grows, one shrinks
    t.write(h .. '/journal/2026/2026-08-03.md', '---\ntitle: Day\n---\nalpha' .. filler .. filler .. '\n')
    t.write(h .. '/journal/2026/2026-08-04.md', '---\ntitle: Day\n---\ndelta\n')
    local _, err, rc = t.wol({ 'index' }, m)
    assert.are.equal(0, rc, err)
    same('after another process wrote')
  end)
end)
