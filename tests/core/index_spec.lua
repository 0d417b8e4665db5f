-- The search index (csrc/index/): real files, real git
-- repositories, a real sqlite file, and the real `wol` CLI in other processes.
local t = require('wolt')
local core = require('wol.core')

-- Writes a Markdown file with front matter (a table of key -> string, in
-- the given order of pairs {k, v}) under `home`.
local function doc(home, rel, meta, body)
  local lines = {}
  if meta then
    table.insert(lines, '---')
    for _, kv in ipairs(meta) do
      table.insert(lines, kv[1] .. ': ' .. kv[2])
    end
    table.insert(lines, '---')
  end
  t.write(home .. '/' .. rel, table.concat(lines, '\n') .. (meta and '\n' or '') .. (body or ''))
  return home .. '/' .. rel
end

local function circle(home, name)
  local dir = home .. '/circles/' .. name
  t.sh('mkdir -p ' .. t.shquote(dir) .. ' && git init -q -b main ' .. t.shquote(dir))
  return dir
end

local function commit(dir, msg)
  local out, rc = t.git(dir, 'add -A && git -C ' .. t.shquote(dir) .. ' commit -q -m ' .. t.shquote(msg or 'c'))
  assert(rc == 0, out)
end

-- Waits a little so that files written just before are not "racy"
-- (modified in the same clock tick as the refresh that records them).
local function settle()
  t.sh('sleep 0.03')
end

-- Rewrites the file at p in place, `from` replaced by `to` (of the same
-- length: the size stays)
local function same_size_edit(p, from, to)
  local text = t.read(p)
  local f = assert(io.open(p, 'r+b'))
  f:write((text:gsub(from, to)))
  f:close()
end

local Q = 'circles/team/questions/20261120T100000Z-bob-a1b2'

-- A home with one of each kind of document.
local function sample()
  local m = t.member('ix')
  local h = m.wol_home
  doc(h, 'journal/2026/2026-11-20.md', { { 'date', '2026-11-20' }, { 'prompt', 'Visible work' },
    { 'tags', '[focus]' } }, '# A quiet morning\n\nWrote the onboarding checklist. Café au lait.\n')
  doc(h, 'journal/2026/2026-11-02.md', { { 'date', '2026-11-02' } }, 'Planning the quarter.\n')
  circle(h, 'team')
  doc(h, 'circles/team/notes/ana/guide.md', { { 'title', 'Draft of the onboarding guide' },
    { 'author', 'ana' }, { 'created', '2026-11-19T10:00:00Z' }, { 'status', 'draft' } },
    'Intro paragraph.\n\nThe checklist for new starters lives here.\n')
  doc(h, 'circles/team/notes/bob/rust.md', { { 'title', 'Learning Rust lifetimes' },
    { 'author', 'bob' }, { 'created', '2026-11-05T09:00:00Z' } }, 'Borrowing rules finally clicked.\n')
  doc(h, Q .. '/question.md', { { 'title', 'How do I rebase safely?' }, { 'author', 'bob' },
    { 'created', '2026-11-20T10:00:00Z' }, { 'lamport', '1' }, { 'tags', '[git]' } },
    'I keep losing commits when I rebase onto main.\n')
  doc(h, Q .. '/answers/20261120T110000Z-ana-c3d4.md', { { 'author', 'ana' },
    { 'created', '2026-11-20T11:00:00Z' }, { 'lamport', '2' } }, 'The reflog remembers lost commits.\n')
  settle()
  return m, assert(core.open({ home = h, today = '2026-11-22' }))
end

local function paths(hits)
  local out = {}
  for _, h in ipairs(hits) do
    table.insert(out, h.path)
  end
  return out
end

local function sorted(hits)
  local p = paths(hits)
  table.sort(p)
  return p
end

local function find(hits, path)
  for _, h in ipairs(hits) do
    if h.path == path then
      return h
    end
  end
end

describe('index: what gets indexed', function()
  it('indexes journal entries, notes, questions and answers with their metadata', function()
    local m, ctx = sample()
    local rep = assert(ctx:index_refresh())
    assert.are.equal(6, rep.docs)
    assert.are.equal(6, rep.read)
    assert.are.equal(6, rep.added)

    local j = assert(ctx:search('checklist'))
    assert.are.same({ 'circles/team/notes/ana/guide.md', 'journal/2026/2026-11-20.md' }, sorted(j))
    local jh = find(j, 'journal/2026/2026-11-20.md')
    assert.are.equal('journal', jh.kind)
    assert.are.equal('tester', jh.author)
    assert.are.equal('2026-11-20', jh.date)
    assert.are.equal('A quiet morning', jh.title)
    assert.are.equal(8, jh.line) -- "Wrote the onboarding checklist" is line 8 of the file
    assert.matches('onboarding checklist', jh.snippet)
    assert.are.equal(m.wol_home .. '/journal/2026/2026-11-20.md', jh.abspath)

    local n = find(j, 'circles/team/notes/ana/guide.md')
    assert.are.equal('note', n.kind)
    assert.are.equal('ana', n.author)
    assert.are.equal('team', n.circle)
    assert.are.equal('2026-11-19', n.date)
    assert.are.equal('draft', n.state)
    assert.are.equal(9, n.line)

    local q = assert(ctx:search('rebase'))
    assert.are.equal(1, #q)
    assert.are.equal('question', q[1].kind)
    assert.are.equal('open', q[1].state)
    assert.are.equal('How do I rebase safely?', q[1].title)

    local a = assert(ctx:search('reflog'))
    assert.are.equal('answer', a[1].kind)
    assert.are.equal('Re: How do I rebase safely?', a[1].title)
    assert.are.equal(6, a[1].line)
    ctx:close()
  end)

  it('folds case and diacritics both ways, and searches tags and the journal prompt', function()
    local _, ctx = sample()
    assert.are.equal(1, #assert(ctx:search('CAFE')))
    assert.are.equal(1, #assert(ctx:search('café')))
    assert.are.equal(1, #assert(ctx:search('visible work')))
    assert.are.equal('question', assert(ctx:search('git'))[1].kind)
    ctx:close()
  end)

  it('indexes a file with broken front matter as plain text and says so', function()
    local m, ctx = sample()
    doc(m.wol_home, 'circles/team/notes/ana/broken.md', nil, '---\ntitle: [unclosed\n---\nzebra crossing\n')
    local rep = assert(ctx:index_refresh())
    assert.are.equal(1, rep.problems)
    local hits = assert(ctx:search('zebra'))
    assert.are.equal('circles/team/notes/ana/broken.md', hits[1].path)
    assert.are.equal(4, hits[1].line)
    ctx:close()
  end)

  it('ignores files that are not ours: temp files, other extensions, stray folders', function()
    local m, ctx = sample()
    local h = m.wol_home
    t.write(h .. '/circles/team/notes/ana/.guide.md.tmp-1-2', 'platypus')
    t.write(h .. '/circles/team/notes/ana/image.png', 'platypus')
    t.write(h .. '/circles/team/README.md', 'platypus')
    t.write(h .. '/journal/notes.md', 'platypus')
    assert.are.equal(6, assert(ctx:index_refresh()).docs)
    assert.are.same({}, assert(ctx:search('platypus')))
    ctx:close()
  end)
end)

describe('index: incremental refresh', function()
  it('stats every file and reads none when nothing changed', function()
    local _, ctx = sample()
    local first = assert(ctx:index_refresh())
    assert.are.equal(6, first.stat)
    local again = assert(ctx:index_refresh())
    assert.are.equal(first.stat, again.stat)
    assert.are.equal(0, again.read)
    assert.are.equal(0, again.added + again.updated + again.removed)
    ctx:close()
  end)

  it('on a home of 1,500 files, an unchanged refresh stats each once and reads none', function()
    local m = t.member('many')
    local h = m.wol_home
    circle(h, 'big')
    local dirs = {}
    for u = 0, 6 do
      table.insert(dirs, t.shquote(string.format('%s/circles/big/notes/u%d', h, u)))
    end
    for y = 2023, 2025 do
      table.insert(dirs, t.shquote(string.format('%s/journal/%d', h, y)))
    end
    t.sh('mkdir -p ' .. table.concat(dirs, ' '))
    local function put(path, text)
      local f = assert(io.open(path, 'wb'))
      f:write(text)
      f:close()
    end
    for i = 1, 1000 do
      put(string.format('%s/circles/big/notes/u%d/n%04d.md', h, i % 7, i),
        string.format('---\ntitle: Note %d\n---\nword%d and shared text\n', i, i))
    end
    for i = 1, 500 do
      local d = os.date('!%Y-%m-%d', 1700000000 + i * 86400)
      put(string.format('%s/journal/%s/%s.md', h, d:sub(1, 4), d), 'entry ' .. i .. '\n')
    end
    settle()
    local ctx = assert(core.open({ home = h }))
    local first = assert(ctx:index_refresh())
    assert.are.same({ 1500, 1500, 1500 }, { first.stat, first.read, first.docs })
    for i = 1, 3 do
      -- after the first, the journal's 500 entries are known unchanged from
      -- the watch on their folders (csrc/index/walk_journal.c) and not stat'ed
      local again = assert(ctx:index_refresh())
      assert.are.same({ i == 1 and 1500 or 1000, 0, 0, 0, 0 },
        { again.stat, again.read, again.added, again.updated, again.removed })
    end
    assert.are.equal(1, #assert(ctx:search('word777')))
    ctx:close()
  end)

  it('reads a touched file again but rewrites and counts it only when its text changed', function()
    local m, ctx = sample()
    local h = m.wol_home
    assert(ctx:index_refresh())
    local db = t.shquote(h .. '/index.db')
    local function segments()
      return t.sh('sqlite3 ' .. db .. ' "SELECT count(*) FROM fts_data"')
    end
    local before = segments()
    local p = h .. '/circles/team/notes/bob/rust.md'
    t.sh('touch ' .. t.shquote(p))
    settle()
    local rep = assert(ctx:index_refresh())
    assert.are.same({ 1, 0, 0 }, { rep.read, rep.added, rep.updated })
    assert.are.equal(before, segments()) -- (a rewrite adds a segment)
    assert.are.equal(1, #assert(ctx:search('borrowing', { refresh = false })))
    -- its stat is recorded: the next refresh does not read it
    assert.are.equal(0, assert(ctx:index_refresh()).read)
    -- the same size and a new text: rewritten, counted
    same_size_edit(p, 'Borrowing', 'Lifetimes')
    settle()
    rep = assert(ctx:index_refresh())
    assert.are.same({ 1, 0, 1 }, { rep.read, rep.added, rep.updated })
    assert.are_not.equal(before, segments())
    assert.are.same({}, assert(ctx:search('borrowing', { refresh = false })))
    assert.are.equal(1, #assert(ctx:search('lifetimes', { refresh = false })))
    ctx:close()
  end)

  it('picks up an added, a changed, a deleted and a renamed file', function()
    local m, ctx = sample()
    local h = m.wol_home
    assert(ctx:index_refresh())
    doc(h, 'circles/team/notes/ana/new.md', { { 'title', 'Kayak trip' } }, 'Paddling notes.\n')
    settle()
    local rep = assert(ctx:index_refresh())
    assert.are.same({ 1, 1, 0, 0 }, { rep.read, rep.added, rep.updated, rep.removed })
    assert.are.equal(1, #assert(ctx:search('kayak')))

    -- changed outside the plugin, in place, with the same size
    local p = h .. '/circles/team/notes/bob/rust.md'
    same_size_edit(p, 'Borrowing', 'Lifetimes')
    settle()
    rep = assert(ctx:index_refresh())
    assert.are.same({ 1, 0, 1, 0 }, { rep.read, rep.added, rep.updated, rep.removed })
    assert.are.same({}, assert(ctx:search('borrowing')))
    assert.are.equal(1, #assert(ctx:search('lifetimes clicked')))

    os.remove(h .. '/journal/2026/2026-11-02.md')
    rep = assert(ctx:index_refresh())
    assert.are.same({ 0, 0, 0, 1 }, { rep.read, rep.added, rep.updated, rep.removed })
    assert.are.same({}, assert(ctx:search('quarter')))

    t.sh(string.format('mv %s %s', t.shquote(h .. '/circles/team/notes/ana/new.md'),
      t.shquote(h .. '/circles/team/notes/ana/kayak.md')))
    settle()
    rep = assert(ctx:index_refresh())
    assert.are.same({ 1, 1, 0, 1 }, { rep.read, rep.added, rep.updated, rep.removed })
    assert.are.same({ 'circles/team/notes/ana/kayak.md' }, paths(assert(ctx:search('kayak'))))
    assert.are.equal(6, rep.docs)
    ctx:close()
  end)

  it('forgets a whole circle when its clone is removed', function()
    local m, ctx = sample()
    assert(ctx:index_refresh())
    t.sh('rm -rf ' .. t.shquote(m.wol_home .. '/circles/team'))
    local rep = assert(ctx:index_refresh())
    assert.are.equal(4, rep.removed)
    assert.are.equal(2, rep.docs)
    ctx:close()
  end)

  it('follows commits in a circle repository and diffs the trees when HEAD moves', function()
    local m, ctx = sample()
    local dir = m.wol_home .. '/circles/team'
    commit(dir, 'first')
    assert(ctx:index_refresh())
    assert.are.equal(0, assert(ctx:index_refresh()).trees)

    -- a commit (as a sync would bring) that changes a note but keeps its
    -- size and mtime: only the tree diff can see it
    local p = dir .. '/notes/bob/rust.md'
    local stamp = t.sh('stat -c %y ' .. t.shquote(p)):gsub('\n$', '')
    same_size_edit(p, 'Borrowing', 'Ownership')
    t.sh(string.format('touch -d %s %s', t.shquote(stamp), t.shquote(p)))
    commit(dir, 'second')
    local rep = assert(ctx:index_refresh())
    assert.are.equal(1, rep.trees)
    assert.are.equal(1, rep.updated)
    assert.are.equal(1, #assert(ctx:search('ownership')))

    -- uncommitted work in the member's own folder is seen by the stat walk
    doc(m.wol_home, 'circles/team/notes/tester/wip.md', { { 'title', 'Uncommitted idea' } }, 'Walrus.\n')
    rep = assert(ctx:index_refresh())
    assert.are.equal(0, rep.trees)
    assert.are.equal(1, rep.added)
    ctx:close()
  end)

  it('after a sync looks only at the paths changed between the recorded and current HEAD', function()
    local m, ctx = sample()
    local dir = m.wol_home .. '/circles/team'
    -- no HEAD recorded yet: a full refresh
    commit(dir, 'first')
    settle()
    local rep = assert(ctx:index_refresh({ circle = 'team' }))
    assert.are.equal(6, rep.stat)
    assert.are.equal(6, rep.added)
    doc(m.wol_home, 'circles/team/notes/cy/new.md', { { 'title', 'Pelican brief' } }, 'Birds.\n')
    os.remove(dir .. '/notes/bob/rust.md')
    commit(dir, 'second')
    -- uncommitted work is not part of a sync: only a full refresh sees it
    doc(m.wol_home, 'circles/team/notes/tester/local.md', { { 'title', 'Heron draft' } }, 'More birds.\n')
    doc(m.wol_home, 'journal/2026/2026-11-21.md', { { 'date', '2026-11-21' } }, 'Heron spotted.\n')
    settle()
    rep = assert(ctx:index_refresh({ circle = 'team' }))
    assert.are.same({ 1, 1, 1, 1, 0, 1 }, { rep.stat, rep.read, rep.trees, rep.added, rep.updated, rep.removed })
    assert.are.equal(1, #assert(ctx:search('pelican', { refresh = false })))
    assert.are.same({}, assert(ctx:search('lifetimes', { refresh = false })))
    assert.are.same({}, assert(ctx:search('heron', { refresh = false })))
    assert.are.equal(2, #assert(ctx:search('heron')))
    -- deeper paths: an answer and an event arriving in a commit
    doc(m.wol_home, Q .. '/answers/20261122T090000Z-cy-9999.md', { { 'author', 'cy' } }, 'Try flamingo mode.\n')
    doc(m.wol_home, Q .. '/events/20261122T100000Z-bob-9999.md', { { 'kind', 'resolve' }, { 'author', 'bob' },
      { 'lamport', '9' } }, '')
    commit(dir, 'third')
    settle()
    rep = assert(ctx:index_refresh({ circle = 'team' }))
    -- (`git add -A` also committed the heron draft: read again, unchanged,
    -- so not counted as updated)
    assert.are.same({ 3, 3, 2, 0 }, { rep.stat, rep.read, rep.added, rep.updated })
    assert.are.equal('answer', assert(ctx:search('flamingo', { refresh = false }))[1].kind)
    assert.are.equal('resolved', assert(ctx:search('rebase kind:question', { refresh = false }))[1].state)
    assert.is_nil(select(1, ctx:index_refresh({ circle = '../x' })))
    ctx:close()
  end)

  it('looks only at the files a feature says it wrote', function()
    local m, ctx = sample()
    assert(ctx:index_refresh())
    local h = m.wol_home
    doc(h, 'journal/2026/2026-11-22.md', { { 'date', '2026-11-22' } }, 'Osprey day.\n')
    doc(h, 'circles/team/notes/ana/other.md', { { 'title', 'Osprey notes' } }, 'x\n')
    os.remove(h .. '/journal/2026/2026-11-02.md')
    settle()
    local rep = assert(ctx:index_refresh({ paths = { h .. '/journal/2026/2026-11-22.md',
      'journal/2026/2026-11-02.md', 'circles/team/notes/ana/not-there.md', 'README.md' } }))
    assert.are.same({ 1, 1, 1, 0, 1 }, { rep.stat, rep.read, rep.added, rep.updated, rep.removed })
    assert.are.same({ 'journal/2026/2026-11-22.md' }, paths(assert(ctx:search('osprey', { refresh = false }))))
    local none, err = ctx:index_refresh({ paths = { '../elsewhere/x.md' } })
    assert.is_nil(none)
    assert.matches('not a file under', err)
    local out, e2, rc = t.wol({ 'index', '--json', 'circles/team/notes/ana/other.md' }, m)
    assert.are.equal(0, rc, e2)
    assert.matches('"stat":1,"read":1,"added":1', out)
    _, e2, rc = t.wol({ 'index', '--rebuild', 'x.md' }, m)
    assert.are.equal(2, rc)
    assert.matches('alternatives', e2)
    ctx:close()
  end)

  it('rebuilds to the same results, and deleting index.db loses nothing', function()
    local m, ctx = sample()
    local queries = { 'checklist', 'rebase', 'onboard*', 'kind:note', 'author:ana', 'commits -rebase' }
    local function all()
      local r = {}
      for _, q in ipairs(queries) do
        r[q] = assert(ctx:search(q))
        for _, h in ipairs(r[q]) do
          h.score = nil
        end
      end
      return r
    end
    local before = all()
    local rep = assert(ctx:index_rebuild())
    assert.are.equal(6, rep.read)
    assert.are.same(before, all())
    os.remove(m.wol_home .. '/index.db')
    os.remove(m.wol_home .. '/index.db-wal')
    os.remove(m.wol_home .. '/index.db-shm')
    assert.are.same(before, all())
    ctx:close()
  end)
end)

describe('index: questions', function()
  local function event(h, id, kind, author, lamport)
    doc(h, Q .. '/events/' .. id .. '.md', { { 'kind', kind }, { 'author', author },
      { 'lamport', tostring(lamport) }, { 'target', '20261120T100000Z-bob-a1b2' } }, '')
  end

  it('replays resolve and reopen by the asker, ordered by lamport then id', function()
    local m, ctx = sample()
    local h = m.wol_home
    assert.are.equal('open', assert(ctx:search('rebase'))[1].state)
    event(h, '20261121T090000Z-ana-0001', 'resolve', 'ana', 3) -- not the asker: ignored
    assert.are.equal('open', assert(ctx:search('rebase'))[1].state)
    event(h, '20261121T100000Z-bob-0002', 'resolve', 'bob', 4)
    assert.are.equal('resolved', assert(ctx:search('rebase'))[1].state)
    -- written later by the clock, but earlier by lamport: the resolve stays last
    event(h, '20261122T100000Z-bob-0003', 'reopen', 'bob', 2)
    assert.are.equal('resolved', assert(ctx:search('rebase'))[1].state)
    event(h, '20261122T110000Z-bob-0004', 'reopen', 'bob', 5)
    assert.are.same({ 'open' }, { assert(ctx:search('is:open'))[1].state })
    os.remove(h .. '/' .. Q .. '/events/20261122T110000Z-bob-0004.md')
    assert.are.equal('resolved', assert(ctx:search('rebase'))[1].state)
    assert.are.same({}, assert(ctx:search('is:open')))
    ctx:close()
  end)
end)

describe('search: queries', function()
  local m, ctx
  setup(function()
    m, ctx = sample()
    circle(m.wol_home, 'other')
    doc(m.wol_home, 'circles/other/notes/cy/guide.md', { { 'title', 'Another onboarding guide' },
      { 'created', '2026-10-01T08:00:00Z' } }, 'Old checklist.\n')
    assert(ctx:index_refresh())
  end)
  teardown(function()
    ctx:close()
  end)

  it('filters by kind, author, circle and dates', function()
    assert.are.same({ 'circles/other/notes/cy/guide.md', 'circles/team/notes/ana/guide.md' },
      sorted(assert(ctx:search('checklist kind:note'))))
    assert.are.same({ 'journal/2026/2026-11-20.md' }, paths(assert(ctx:search('checklist kind:journal'))))
    assert.are.same({ 'circles/team/notes/ana/guide.md' }, paths(assert(ctx:search('checklist author:ana'))))
    assert.are.same({ 'journal/2026/2026-11-20.md' }, paths(assert(ctx:search('checklist author:me'))))
    assert.are.same({ 'circles/other/notes/cy/guide.md' }, paths(assert(ctx:search('guide circle:other'))))
    assert.are.same({ 'circles/other/notes/cy/guide.md' },
      paths(assert(ctx:search('checklist before:2026-11-01'))))
    assert.are.same({ 'journal/2026/2026-11-20.md' },
      paths(assert(ctx:search('checklist after:2026-11-20'))))
    -- relative dates count from the context's today (2026-11-22)
    assert.are.same({ 'circles/team/notes/ana/guide.md', 'journal/2026/2026-11-20.md' },
      sorted(assert(ctx:search('checklist after:-3'))))
    assert.are.same({ Q .. '/question.md' }, paths(assert(ctx:search('is:open'))))
    -- repeated filters of one key widen; different keys narrow
    assert.are.equal(3, #assert(ctx:search('kind:question kind:answer kind:journal after:2026-11-20')))
  end)

  it('lists by filters alone, newest first', function()
    assert.are.same({ 'circles/team/notes/ana/guide.md', 'circles/team/notes/bob/rust.md',
      'circles/other/notes/cy/guide.md' }, paths(assert(ctx:search('kind:note'))))
  end)

  it('ranks title matches above body matches, ties newest first', function()
    doc(m.wol_home, 'circles/team/notes/ana/body-only.md', { { 'title', 'Misc' },
      { 'created', '2026-11-21T08:00:00Z' } }, 'A word on lifetimes.\n')
    local hits = assert(ctx:search('lifetimes'))
    assert.are.same({ 'circles/team/notes/bob/rust.md', 'circles/team/notes/ana/body-only.md' }, paths(hits))
    os.remove(m.wol_home .. '/circles/team/notes/ana/body-only.md')
    doc(m.wol_home, 'circles/team/notes/ana/twin-old.md', { { 'title', 'Twin' },
      { 'created', '2026-01-01' } }, 'identical words\n')
    doc(m.wol_home, 'circles/team/notes/ana/twin-new.md', { { 'title', 'Twin' },
      { 'created', '2026-06-01' } }, 'identical words\n')
    assert.are.same({ 'circles/team/notes/ana/twin-new.md', 'circles/team/notes/ana/twin-old.md' },
      paths(assert(ctx:search('identical'))))
    os.remove(m.wol_home .. '/circles/team/notes/ana/twin-old.md')
    os.remove(m.wol_home .. '/circles/team/notes/ana/twin-new.md')
  end)

  it('matches phrases in order, prefixes, and exclusions', function()
    assert.are.equal(1, #assert(ctx:search('"losing commits"')))
    assert.are.equal(0, #assert(ctx:search('"commits losing"')))
    assert.are.equal(3, #assert(ctx:search('onboard*')))
    assert.are.equal(1, #assert(ctx:search('"the reflog rem"*')))
    assert.are.same({ 'circles/team/notes/ana/guide.md', 'journal/2026/2026-11-20.md' },
      sorted(assert(ctx:search('checklist -old'))))
    assert.are.same({ 'circles/other/notes/cy/guide.md' }, paths(assert(ctx:search('checklist -"new starters" -morning'))))
  end)

  it('honours limit', function()
    assert.are.equal(1, #assert(ctx:search('checklist', { limit = 1 })))
    assert.has_error(function() ctx:search('x', { limit = 0 }) end)
    assert.has_error(function() ctx:search(42 and {}) end)
  end)

  it('answers hostile queries with results or one clear error, never an sqlite error', function()
    local hostile = {
      '"', '""', '"unclosed phrase', 'a"b', '(', ')', '(checklist', 'checklist)', 'NEAR(checklist guide)',
      'NEAR', 'checklist NEAR guide', 'AND', 'OR OR', 'NOT checklist', 'checklist NOT', '*', '**', 'check*list',
      '-', '--', '- checklist', '-checklist', '^checklist', 'title:checklist', 'body : guide', '{title}: x',
      "'; DROP TABLE docs; --", 'checklist\'); DELETE FROM fts; --', '%', '_', '\\', 'x\0y', '?1 ?2', ':a',
      'checklist\tguide\nrebase', '☃', 'ü', 'kind:', 'kind:nope', 'author:Bad/Name', 'after:someday',
      'before:2026-13-45', 'is:closed', '-kind:note', string.rep('checklist ', 40), string.rep('a', 10240),
      '\255\254', 'circle:../../etc',
    }
    for _, q in ipairs(hostile) do
      local hits, err = ctx:search(q)
      if hits then
        assert.are.equal('table', type(hits), q)
      else
        assert.is_truthy(err:match('^wol: search: '), q .. ' -> ' .. err)
        assert.not_matches('fts5', err)
        assert.not_matches('syntax error', err)
        assert.not_matches('\n', err)
      end
    end
    -- the index is intact afterwards
    assert.are.equal(2, #assert(ctx:search('checklist kind:note')))
    -- the words inside odd syntax are still found
    assert.are.equal(2, #assert(ctx:search('(checklist) kind:note')))
    assert.are.equal(1, #assert(ctx:search("rebase'); --")))
  end)

  it('explains bad queries', function()
    local cases = {
      [''] = 'empty query',
      ['  '] = 'empty query',
      ['"()"'] = 'no words to look for',
      ['-rebase'] = 'only excludes',
      ['kind:blog'] = 'kind:blog: expected journal, note, question, answer, feedback or person',
      ['is:closed'] = 'is:closed: expected is:open or is:resolved',
      ['after:soon'] = 'after:soon: ',
      ['author:'] = 'author: needs a value',
      ['-author:ana x'] = 'filters cannot be negated',
      [string.rep('w ', 40)] = 'too many words',
      [string.rep('a', 10240)] = 'query too long %(10240 bytes',
    }
    for q, want in pairs(cases) do
      local hits, err = ctx:search(q)
      assert.is_nil(hits, q)
      assert.is_truthy(err:match(want), q .. ' -> ' .. err)
    end
  end)
end)

describe('index: robustness', function()
  it('survives two processes indexing at once (no error, no corruption)', function()
    local m = t.member('race')
    local h = m.wol_home
    circle(h, 'team')
    for i = 1, 150 do
      doc(h, string.format('circles/team/notes/ana/n%03d.md', i), { { 'title', 'Note ' .. i } },
        string.rep('lorem ipsum dolor sit amet ', 40) .. 'marker' .. i .. '\n')
    end
    settle()
    local bin = t.shquote(t.bin)
    local out, rc = t.sh(string.format(
      'cd %s; (env %s %s index --json > a.out 2> a.err; echo $? > a.rc) & ' ..
      '(env %s %s index --rebuild --json > b.out 2> b.err; echo $? > b.rc) & ' ..
      '(env %s %s search marker77 --json > c.out 2> c.err; echo $? > c.rc) & wait; ' ..
      'cat a.rc b.rc c.rc a.err b.err c.err',
      t.shquote(m.home), t.env(m), bin, t.env(m), bin, t.env(m), bin))
    assert.are.equal(0, rc)
    assert.are.equal('0\n0\n0\n', out)
    assert.matches('"docs":150', t.read(m.home .. '/a.out'))
    assert.matches('"docs":150', t.read(m.home .. '/b.out'))
    assert.matches('n077%.md', t.read(m.home .. '/c.out'))
    local check = t.sh('sqlite3 ' .. t.shquote(h .. '/index.db') .. ' "PRAGMA integrity_check"')
    assert.are.equal('ok\n', check)
    local ctx = assert(core.open({ home = h }))
    assert.are.equal(0, assert(ctx:index_refresh()).read)
    assert.are.equal(150, #assert(ctx:search('lorem', { limit = 500 })))
    ctx:close()
  end)

  it('builds a new index into a file of its own: what a killed build left goes, index.db is whole', function()
    local m, ctx = sample()
    assert(ctx:index_refresh())
    ctx:close()
    -- a rebuild killed midway leaves its half-written file beside index.db
    t.write(m.wol_home .. '/index.db.build', string.rep('half a build ', 400))
    local out, err, rc = t.wol({ 'index', '--json' }, m)
    assert.are.equal(0, rc, err)
    assert.matches('"read":0', out)
    assert.is_false(t.exists(m.wol_home .. '/index.db.build'))
    out, err, rc = t.wol({ 'index', '--rebuild', '--json' }, m)
    assert.are.equal(0, rc, err)
    assert.matches('"docs":6', out)
    assert.is_false(t.exists(m.wol_home .. '/index.db.build'))
    local check = t.sh('sqlite3 ' .. t.shquote(m.wol_home .. '/index.db') ..
      ' "PRAGMA integrity_check; PRAGMA journal_mode; PRAGMA application_id"')
    assert.are.equal('ok\nwal\n2003790897\n', check)
  end)

  local function damage(how)
    local m, ctx = sample()
    assert(ctx:index_refresh())
    local db = m.wol_home .. '/index.db'
    t.sh(how:format(t.shquote(db)))
    local hits, notice = ctx:search('checklist')
    assert.is_table(hits, notice)
    assert.are.equal(2, #hits)
    assert.matches('^wol: index: .*index%.db was damaged %(.*%); moved it to .*index%.db%.corrupt%-', notice)
    local aside = t.sh('ls ' .. t.shquote(m.wol_home) .. ' | grep -c "^index.db.corrupt-[0-9]*T[0-9]*Z$"')
    assert.are.equal('1\n', aside)
    -- and it is a healthy index again
    local check = t.sh('sqlite3 ' .. t.shquote(db) .. ' "PRAGMA integrity_check"')
    assert.are.equal('ok\n', check)
    local again, none = ctx:search('checklist')
    assert.are.equal(2, #again)
    assert.is_nil(none)
    ctx:close()
  end

  it('detects an index.db overwritten with garbage and rebuilds it with a message', function()
    damage('head -c 20000 /dev/urandom > %s')
  end)

  it('detects garbage past the header and rebuilds it with a message', function()
    damage('f=%s; n=$(stat -c %%s "$f"); head -c $((n - 4096)) /dev/urandom | ' ..
      'dd of="$f" bs=4096 seek=1 conv=notrunc status=none')
  end)

  it('refuses an index.db from a newer schema with a clear message', function()
    local m, ctx = sample()
    assert(ctx:index_refresh())
    t.sh('sqlite3 ' .. t.shquote(m.wol_home .. '/index.db') .. ' "PRAGMA user_version = 99"')
    local hits, err = ctx:search('checklist')
    assert.is_nil(hits)
    assert.matches('schema version 99, newer than this wol knows', err)
    ctx:close()
  end)
end)

describe('index: figures', function()
  it('counts documents, question states, members and notes per week', function()
    local m, ctx = sample()
    doc(m.wol_home, 'circles/team/notes/ana/second.md', { { 'title', 'Second' }, { 'created', '2026-11-17' } }, 'x\n')
    doc(m.wol_home, Q .. '/events/20261121T100000Z-bob-0002.md', { { 'kind', 'resolve' }, { 'author', 'bob' },
      { 'lamport', '3' } }, '')
    -- a person on your list counts as a document of its own kind
    doc(m.wol_home, 'people/jo-lee.md', { { 'name', 'Jo Lee' }, { 'relation', 'mentor' } }, '')
    local f = assert(ctx:index_stats())
    assert.are.same({ 8, 2, 3, 1, 1, 0, 1, 0, 1, 9 },
      { f.docs, f.journal, f.notes, f.questions, f.answers, f.open, f.resolved, f.feedback, f.people, f.files })
    assert.are.same({
      { author = 'ana', notes = 2, questions = 0, answers = 1, resolved = 0 },
      { author = 'bob', notes = 1, questions = 1, answers = 0, resolved = 1 },
    }, f.members)
    assert.are.same({
      { week = '2026-11-02', author = 'bob', notes = 1 },
      { week = '2026-11-16', author = 'ana', notes = 2 },
    }, f.weeks)
    assert.is_true(f.db_bytes > 0)
    ctx:close()
  end)
end)

describe('wol index / wol search', function()
  it('refreshes, rebuilds, shows figures and searches from the shell', function()
    local m = sample()
    local out, err, rc = t.wol({ 'index' }, m)
    assert.are.equal(0, rc, err)
    assert.matches('^index: 6 documents; 6 files checked, 6 read %(6 added, 0 updated, 0 removed%)', out)
    out, err, rc = t.wol({ 'index', '--rebuild', '--json' }, m)
    assert.are.equal(0, rc, err)
    assert.matches('"docs":6', out)
    assert.matches('"read":6', out)
    -- --progress (the editor's background build): JSON lines, the summary last
    out, err, rc = t.wol({ 'index', '--rebuild', '--progress' }, m)
    assert.are.equal(0, rc, err)
    local lines = {}
    for l in out:gmatch('[^\n]+') do
      table.insert(lines, l)
    end
    assert.are.equal('{"type":"progress","phase":"indexing","done":0,"total":6}', lines[1])
    assert.are.equal('{"type":"progress","phase":"indexing","done":6,"total":6}', lines[#lines - 1])
    assert.matches('^{"type":"summary","stat":6,"read":6,"added":6,.*"docs":6', lines[#lines])
    _, err, rc = t.wol({ 'index', '--progress', '--json' }, m)
    assert.are.equal(2, rc)
    assert.matches('^wol: index: %-%-progress goes with a full refresh or %-%-rebuild only', err)
    out, _, rc = t.wol({ 'index', '--stats' }, m)
    assert.are.equal(0, rc)
    assert.matches('documents  6 %(journal 2, notes 2, questions 1, answers 1, feedback 0, people 0%)', out)
    assert.matches('2026%-11%-16  ana 1', out)
    out, _, rc = t.wol({ 'index', '--stats', '--json' }, m)
    assert.are.equal(0, rc)
    assert.matches('"stats":{"docs":6', out)

    out, err, rc = t.wol({ 'search', 'onboarding', 'checklist', 'kind:journal' }, m)
    assert.are.equal(0, rc, err)
    assert.are.equal(m.wol_home .. '/journal/2026/2026-11-20.md:8: [journal ix] A quiet morning: ' ..
      '# A quiet morning Wrote the onboarding checklist. Café au lait.\n', out)
    out, _, rc = t.wol({ 'search', 'checklist', 'kind:journal', '--json', '--limit', '1' }, m)
    assert.are.equal(0, rc)
    assert.matches('^%[{"path":"journal/2026/2026%-11%-20%.md","abspath":"[^"]+/journal/2026/2026%-11%-20%.md",' ..
      '"kind":"journal",', out)
    assert.matches('"line":8,', out)
    out, err, rc = t.wol({ 'search', 'nothing-like-this' }, m)
    assert.are.equal(0, rc)
    assert.are.equal('', out)
    assert.are.equal('wol: search: no matches\n', err)
  end)

  it('exits 2 with one line on a bad query, as on other usage errors', function()
    local m = sample()
    local out, err, rc = t.wol({ 'search', 'kind:blog' }, m)
    assert.are.equal(2, rc)
    assert.are.equal('', out)
    assert.are.equal('wol: search: kind:blog: expected journal, note, question, answer, feedback or person (see: wol search --help)\n', err)
    _, err, rc = t.wol({ 'search' }, m)
    assert.are.equal(2, rc)
    assert.matches('what to search for is missing', err)
    _, err, rc = t.wol({ 'search', 'x', '--limit', 'lots' }, m)
    assert.are.equal(2, rc)
    assert.matches('%-%-limit needs a number', err)
    _, err, rc = t.wol({ 'index', '--synced', 'team', 'extra.md' }, m)
    assert.are.equal(2, rc)
    assert.matches('alternatives', err)
  end)

  it('tells about a damaged index on stderr and still answers', function()
    local m = sample()
    t.wol({ 'index' }, m)
    t.write(m.wol_home .. '/index.db', string.rep('not a database ', 500))
    local out, err, rc = t.wol({ 'search', 'rebase' }, m)
    assert.are.equal(0, rc, err)
    assert.matches('question%.md:8:', out)
    assert.matches('^wol: index: .*was damaged', err)
  end)
end)
