-- A build from nothing (csrc/index/extract.c, refresh.c): files are read
-- and parsed on a reader thread while the sqlite thread stores them, in
-- the walk's order. The database must be the serial build's, row by row
-- and byte by byte in the full-text segments; a build killed midway leaves
-- index.db as it was and the next one builds again.
local t = require('wolt')
local core = require('wol.core')

local interp = os.getenv('WOL_TEST_INTERP') or 'luajit'

local function put(path, text)
  local f = assert(io.open(path, 'wb'))
  f:write(text)
  f:close()
end

-- A home of every kind of document, more files than the reader's queue
-- holds (64), with a broken front matter, a note with an id and notes
-- without (their key: git's blob id of the path, by OpenSSL's SHA-1 on the
-- reader thread), and question folders whose question.md is missing, a
-- symbolic link or a FIFO (the reader stats what the walk does not: it
-- must skip them as the walk's own stat does).
local function home()
  local m = t.member('bld')
  local h = m.wol_home
  local c = h .. '/circles/team'
  local dirs = { h .. '/journal/2025', h .. '/journal/2026', h .. '/people' }
  for _, u in ipairs({ 'ana', 'bob', 'bld' }) do
    table.insert(dirs, c .. '/notes/' .. u)
  end
  local Q = c .. '/questions/20261120T100000Z-bob-a1b2'
  local F = c .. '/feedback/20261101T090000Z-ana-0001'
  table.insert(dirs, Q .. '/answers')
  table.insert(dirs, Q .. '/events')
  table.insert(dirs, F)
  for i = 1, #dirs do
    dirs[i] = t.shquote(dirs[i])
  end
  t.sh('mkdir -p ' .. table.concat(dirs, ' '))
  for i = 1, 120 do
    local who = ({ 'ana', 'bob', 'bld' })[i % 3 + 1]
    put(string.format('%s/notes/%s/n%03d.md', c, who, i),
      string.format('---\ntitle: Note %d about onboarding\nstatus: draft\ncreated: 2026-10-%02dT09:00:00Z\n%s---\n' ..
        'Body %d with café words, shared text and the token w%d.\n', i, i % 28 + 1,
        i == 7 and 'id: 20261101T090000Z-ana-0001\n' or '', i, i))
  end
  put(c .. '/notes/bob/broken.md', '---\ntitle: [unclosed\n---\nstill searchable text\n')
  for i = 1, 100 do
    local d = os.date('!%Y-%m-%d', 1735689600 + i * 86400 * 3)
    put(string.format('%s/journal/%s/%s.md', h, d:sub(1, 4), d),
      string.format('---\ndate: %s\nprompt: Visible work\ntags: [focus]\n---\n# Day %d\n\nentry %d\n', d, i, i))
  end
  put(Q .. '/question.md', '---\ntitle: How do I rebase safely?\nauthor: bob\ncreated: 2026-11-20T10:00:00Z\n' ..
    'lamport: 1\n---\nI keep losing commits.\n')
  for i = 1, 30 do
    put(string.format('%s/answers/20261120T11%02d00Z-ana-c%03d.md', Q, i, i),
      string.format('---\nauthor: ana\ncreated: 2026-11-20T11:%02d:00Z\nlamport: %d\n---\nanswer %d\n', i, i + 1, i))
  end
  put(Q .. '/events/20261120T120000Z-bob-e001.md', '---\nauthor: bob\nkind: resolve\ncreated: 2026-11-20T12:00:00Z\n' ..
    'lamport: 40\n---\n')
  local Q2 = c .. '/questions/20261121T100000Z-ana-b2c3'
  t.sh('mkdir -p ' .. t.shquote(Q2 .. '/answers'))
  put(Q2 .. '/answers/20261121T110000Z-bob-c001.md', '---\nauthor: bob\ncreated: 2026-11-21T11:00:00Z\n' ..
    'lamport: 2\n---\nan answer to a question file that is not there\n')
  put(F .. '/20261102T090000Z-bob-f001.md', '---\nauthor: bob\nkind: comment\ncreated: 2026-11-02T09:00:00Z\n---\nnice\n')
  for i = 1, 10 do
    put(string.format('%s/people/p%02d.md', h, i), string.format('---\nname: Person %d\nrelation: peer\n---\n', i))
  end
  local _, rc = t.sh('cd ' .. t.shquote(c) .. ' && git init -q -b main && git add -A && ' ..
    'git -c user.name=B -c user.email=b@example.org commit -q -m c')
  assert(rc == 0)
  -- (after the commit: git keeps neither)
  local Q3, Q4 = c .. '/questions/20261122T100000Z-bob-d4e5', c .. '/questions/20261123T100000Z-bob-f6a7'
  t.sh('mkdir -p ' .. t.shquote(Q3) .. ' ' .. t.shquote(Q4) .. ' && ln -s ../20261120T100000Z-bob-a1b2/question.md ' ..
    t.shquote(Q3 .. '/question.md') .. ' && mkfifo ' .. t.shquote(Q4 .. '/question.md'))
  t.sh('sleep 0.03') -- nothing written in the refresh's clock tick (not racy)
  return m
end

local TABLES = { 'docs ORDER BY id', 'qlist ORDER BY circle, qid', 'daily ORDER BY circle, day, author, kind',
  'heads ORDER BY circle', 'fts_data ORDER BY id', 'fts_idx ORDER BY segid, term',
  'fts_docsize ORDER BY id', 'fts_content ORDER BY id', 'fts_config ORDER BY k' }

-- Every row of every table of index.db, as text (blobs in hex).
local function dump(db)
  local out = {}
  for _, tab in ipairs(TABLES) do
    local name = tab:match('^%S+')
    local cols = t.sh(string.format('sqlite3 %s "SELECT group_concat(name, \',\') FROM pragma_table_info(\'%s\')"',
      t.shquote(db), name)):gsub('\n', '')
    local sel = {}
    for col in cols:gmatch('[^,]+') do
      table.insert(sel, string.format("quote(%s)", col))
    end
    local rows = t.sh(string.format('sqlite3 %s "SELECT %s FROM %s"', t.shquote(db), table.concat(sel, " || '|' || "), tab))
    out[name] = rows
  end
  return out
end

-- Two dumps are the same database, table by table (none empty).
local function same_tables(a, b)
  for _, tab in ipairs(TABLES) do
    local name = tab:match('^%S+')
    assert.is_true(#a[name] > 0, name)
    assert.are.equal(a[name], b[name], name)
  end
end

-- The tests that drive the CLI under strace, once (under luajit): false
-- with the test pending when strace is missing.
local function strace_run(why)
  if interp ~= 'luajit' then
    return false
  end
  if select(2, t.sh('command -v strace')) ~= 0 then
    pending('strace is needed to ' .. why .. ' (make deps-test installs it)')
    return false
  end
  return true
end

local function build(m, env)
  t.sh('rm -f ' .. t.shquote(m.wol_home .. '/index.db') .. '*')
  local out, err, rc = t.wol({ 'index', '--json' }, m, env)
  assert.are.equal(0, rc, err)
  return out
end

-- FTS5's structure record (fts_data id 10): the levels and their segments
-- ({ level = L, id = segid, first = page, last = page }), and the number
-- of levels. Layout: a 4-byte cookie, then varints.
local function structure(db)
  local hex = t.sh(string.format('sqlite3 %s "SELECT hex(block) FROM fts_data WHERE id = 10"', t.shquote(db)))
  local b = {}
  for h in hex:gmatch('%x%x') do
    table.insert(b, tonumber(h, 16))
  end
  local i = 5
  local function varint()
    local v = 0
    for k = 1, 9 do
      local c = b[i]
      i = i + 1
      if k == 9 then
        return v * 256 + c
      end
      v = v * 128 + c % 128
      if c < 128 then
        return v
      end
    end
  end
  local nlevel, nseg = varint(), varint()
  varint() -- the write counter
  local segs = {}
  for level = 0, nlevel - 1 do
    local merging, n = varint(), varint()
    assert.are.equal(0, merging)
    for _ = 1, n do
      table.insert(segs, { level = level, id = varint(), first = varint(), last = varint() })
    end
  end
  assert.are.equal(nseg, #segs)
  assert.are.equal(#b + 1, i)
  return segs, nlevel
end

describe('index: a build from nothing', function()
  it('with the reader thread writes the serial build\'s database, row by row', function()
    local m = home()
    local db = m.wol_home .. '/index.db'
    local out = build(m, { WOL_INDEX_SERIAL = '1' })
    assert.matches('"read":265,', out)
    assert.matches('"problems":1,', out)
    local serial = dump(db)
    local stats = out:match('"stat":(%d+)')
    out = build(m)
    assert.matches('"read":265,', out)
    -- (the reader thread stats the files it reads: counted alike)
    assert.are.equal(stats, out:match('"stat":(%d+)'))
    local threaded = dump(db)
    same_tables(serial, threaded)
    -- the note keys (git's blob id of the path) and the question replay
    -- are in it; the question.md that is a link or a FIFO is not
    assert.matches("'note'|'team'|'ana'.-'path%-", threaded.docs)
    assert.matches("'circles/team/notes/ana/n003.md'|[^\n]*'path%-" ..
      t.sh("printf %s notes/ana/n003.md | git hash-object --stdin"):sub(1, 20), threaded.docs)
    assert.is_nil(threaded.docs:find('d4e5/question.md', 1, true))
    assert.is_nil(threaded.docs:find('f6a7/question.md', 1, true))
    assert.matches("'resolved'", threaded.qlist)
    -- in-process too (the editor's build: the same reader thread in the
    -- editor's process)
    t.sh('rm -f ' .. t.shquote(db) .. '*')
    local ctx = assert(core.open({ home = m.wol_home }))
    local rep = assert(ctx:index_refresh())
    assert.are.equal(265, rep.read)
    local hits = assert(ctx:search('w77'))
    assert.are.equal(1, #hits)
    ctx:close()
    assert.are.same(serial.fts_data, dump(db).fts_data)
  end)

  it('leaves its full-text segment on a level of its own, which the refreshes\' merges leave alone', function()
    local m = home()
    local db = m.wol_home .. '/index.db'
    -- made-up words, each new one different: pages of terms
    local n = 0
    local function words(k)
      local w = {}
      for i = 1, k do
        n = n + 1
        local x, s = n, ''
        repeat
          s = string.char(97 + x % 26) .. s
          x = math.floor(x / 26)
        until x == 0
        w[i] = 'q' .. s
      end
      return table.concat(w, ' ')
    end
    for i = 1, 40 do
      put(string.format('%s/circles/team/notes/bld/long%02d.md', m.wol_home, i),
        '---\ntitle: Long ' .. i .. '\n---\n' .. words(400) .. '\n')
    end
    t.sh('sleep 0.03') -- (not racy: below, each refresh re-reads only the note it changed)
    build(m)
    local segs, nlevel = structure(db)
    assert.are.equal(1, #segs)
    local big = segs[1]
    -- the first level whose merges of one-page segments reach its size
    local pages, level = big.last - big.first + 1, 1
    while 4 ^ level < pages do
      level = level + 1
    end
    assert.is_true(level >= 3, pages)
    assert.are.same({ level, level + 1 }, { big.level, nlevel })
    local check = 'sqlite3 ' .. t.shquote(db) .. ' "INSERT INTO fts(fts) VALUES(\'integrity-check\')"'
    assert.are.equal('', t.sh(check))
    -- refreshes of changed notes, each a segment of a few pages, with
    -- FTS5's merges run after each (what its automerge does as refreshes
    -- add up): the small ones are merged among themselves, never with the
    -- build's (left on level 1, it was rewritten after ~16 refreshes)
    for i = 1, 20 do
      local p = string.format('%s/circles/team/notes/bld/long%02d.md', m.wol_home, i)
      local f = assert(io.open(p, 'ab'))
      f:write(words(150) .. '\n')
      f:close()
      -- dated before the refresh starts: written in its clock tick, the
      -- note would be racy and re-read (and counted) by the next refresh
      t.sh(string.format('touch -m -d @%d %s', os.time() - 2, t.shquote(p)))
      local out, err, rc = t.wol({ 'index', '--json' }, m)
      assert.are.equal(0, rc, err)
      assert.matches('"updated":1,', out)
      t.sh('sqlite3 ' .. t.shquote(db) .. ' "INSERT INTO fts(fts, rank) VALUES(\'merge\', 1000)"')
    end
    segs = structure(db)
    local merged = 0
    for _, s in ipairs(segs) do
      if s.level == 2 then
        merged = merged + 1 -- (a merge of merges of the small ones)
      end
    end
    assert.is_true(merged >= 1)
    assert.are.same(big, segs[#segs])
    assert.are.equal('', t.sh(check))
    -- and it finds what a rebuild finds
    local function hits(q)
      local out, err, rc = t.wol({ 'search', '--no-refresh', '--json', q }, m)
      assert.are.equal(0, rc, err)
      return out
    end
    local queries = { 'qb', 'qc*', 'qbcd', 'onboarding', 'shared text', 'long' }
    local before = {}
    for i, q in ipairs(queries) do
      before[i] = hits(q)
    end
    assert.matches('long01', before[1])
    local out, err, rc = t.wol({ 'index', '--rebuild', '--json' }, m)
    assert.are.equal(0, rc, err)
    assert.is_false(t.exists(db .. '.build')) -- (the index it replaced)
    for i, q in ipairs(queries) do
      assert.are.equal(before[i], hits(q), q)
    end
  end)

  it('in the CLI grows its heap once, in 2 MB pages; in another program it leaves the allocator alone', function()
    -- (csrc/util/mem.c; the sanitizer's CLI has an allocator of its own)
    if not strace_run('see the process ask for 2 MB pages') then
      return
    end
    local m = home()
    local db = m.wol_home .. '/index.db'
    local trace = m.home .. '/madvise.trace'
    local function hugepage_asks(cmd)
      local _, rc = t.sh(string.format('env %s strace -f -qq -e trace=madvise -o %s %s >/dev/null 2>&1', t.env(m),
        t.shquote(trace), cmd))
      assert.are.equal(0, rc)
      local n = 0
      for _ in (t.read(trace) or ''):gmatch('MADV_HUGEPAGE') do
        n = n + 1
      end
      return n
    end
    -- a build from nothing: once, for the heap it grew
    t.sh('rm -f ' .. t.shquote(db) .. '*')
    assert.are.equal(1, hugepage_asks(t.shquote(t.bin) .. ' index'))
    -- a refresh with nothing to build: never
    assert.are.equal(0, hugepage_asks(t.shquote(t.bin) .. ' index'))
    -- the module building from nothing inside another program (an
    -- editor's process): never, and the build is the same
    local cli = dump(db)
    t.sh('rm -f ' .. t.shquote(db) .. '*')
    local lua = string.format('local c = assert(require("wol.core").open({ home = %q })); ' ..
      'assert(c:index_refresh()); c:close()', m.wol_home)
    assert.are.equal(0, hugepage_asks('luajit -e ' .. t.shquote(lua)))
    local module = dump(db)
    same_tables(cli, module)
  end)

  it('killed midway leaves index.db as it was, and the next build starts again', function()
    if not strace_run('stop a build at a chosen point') then
      return
    end
    local m = home()
    local db = m.wol_home .. '/index.db'
    local serial = (function()
      build(m, { WOL_INDEX_SERIAL = '1' })
      return dump(db)
    end)()
    local function killed(args)
      -- SIGKILL at the 100th file opened (the reader thread's reads)
      local _, rc = t.sh(string.format('env %s strace -f -qq -e trace=openat -e inject=openat:signal=KILL:when=100 ' ..
        '-o /dev/null %s %s >/dev/null 2>&1', t.env(m), t.shquote(t.bin), args))
      assert.are.equal(137, rc)
    end
    -- a rebuild killed midway: index.db is the last whole index
    killed('index --rebuild')
    assert.is_true(t.exists(m.wol_home .. '/index.db.build'))
    assert.are.equal('ok\n', t.sh('sqlite3 ' .. t.shquote(db) .. ' "PRAGMA integrity_check"'))
    assert.are.same(serial.docs, dump(db).docs)
    local out, err, rc = t.wol({ 'index', '--json' }, m)
    assert.are.equal(0, rc, err)
    assert.matches('"read":0,', out)
    assert.is_false(t.exists(m.wol_home .. '/index.db.build'))
    -- a first build killed midway: the next refresh builds it all
    t.sh('rm -f ' .. t.shquote(db) .. '*')
    killed('index')
    out, err, rc = t.wol({ 'index', '--json' }, m)
    assert.are.equal(0, rc, err)
    assert.matches('"read":265,', out)
    local again = dump(db)
    same_tables(serial, again)
  end)
end)
