-- The tree diff behind a refresh after a commit (csrc/index/plan.c walks
-- two raw git trees side by side): every kind of change a commit can make
-- -- adds, deletes, in-place edits the file's stat cannot show, renames,
-- mode changes, a file becoming a folder and back, a member's folder
-- becoming a file, a file replaced by a link with the same bytes, a
-- submodule entry, files the index ignores, names whose git order differs
-- from their byte order -- is committed with real git, the index refreshed
-- (the sync's refresh of one circle and the full refresh of a handle, in
-- turns) and compared with a rebuild from nothing: documents, their
-- metadata, the full-text rows, the question listing, the daily counts and
-- search results must be identical.
local t = require('wolt')
local core = require('wol.core')

local function git(dir, args)
  local out, rc = t.git(dir, args)
  assert(rc == 0, out)
  return out
end

local function doc(path, title, body)
  t.write(path, '---\ntitle: ' .. title .. '\n---\n' .. body .. '\n')
end

local function sql(home, text)
  local out, rc = t.sh('sqlite3 ' .. t.shquote(home .. '/index.db') .. ' ' .. t.shquote(text))
  assert(rc == 0, out)
  return out
end

-- everything in the index but row ids, stamps and the racy marks
local function dump(home)
  return sql(home, table.concat({
    'SELECT path, kind, circle, author, date, sortkey, title, state, qid, rid, evkind, lamport, '
      .. 'target, title_line, body_line, size, problem FROM docs ORDER BY path;',
    "SELECT '--';",
    'SELECT d.path, f.title, f.body, f.tags FROM fts f JOIN docs d ON d.id = f.rowid ORDER BY d.path;',
    "SELECT '--'; SELECT count(*) FROM fts; SELECT '--';",
    'SELECT * FROM qlist ORDER BY circle, qid;',
    "SELECT '--';",
    'SELECT * FROM daily ORDER BY circle, day, author, kind;',
  }, ' '))
end

local WORDS = { 'albatross', 'ownership', 'borrowing', 'osprey', 'cormorant', 'heron', 'kestrel', 'gannet',
  'plover', 'reflog', 'rebase', 'tern', 'skua', 'merlin', 'guide' }

local function searches(ctx)
  local out = {}
  for _, w in ipairs(WORDS) do
    local hits = assert(ctx:search(w, { refresh = false }))
    local paths = {}
    for _, h in ipairs(hits) do
      table.insert(paths, h.path .. ' ' .. (h.title or ''))
    end
    table.sort(paths)
    out[w] = paths
  end
  return out
end

local QID = '20261120T100000Z-bob-a1b2'

local function fixture(tag)
  local m = t.member(tag)
  local h = m.wol_home
  local dir = h .. '/circles/team'
  t.sh('mkdir -p ' .. t.shquote(dir) .. ' && git init -q -b main ' .. t.shquote(dir))
  doc(dir .. '/notes/ana/guide.md', 'Guide', 'The onboarding albatross.')
  doc(dir .. '/notes/ana/plan.md', 'Plan', 'Quarterly cormorant.')
  doc(dir .. '/notes/ana/thing.md', 'Thing', 'A kestrel hovering.')
  doc(dir .. '/notes/ana/foo.md', 'Foo', 'A plover on the shore.')
  doc(dir .. '/notes/ana/foo-bar.md', 'Foo bar', 'A tern diving.')
  doc(dir .. '/notes/ana/foo0.md', 'Foo zero', 'A skua chasing.')
  doc(dir .. '/notes/ana/foo/inside.md', 'Inside', 'A merlin inside.')
  t.write(dir .. '/notes/ana/same.md', 'guide.md') -- the bytes of a link to guide.md
  doc(dir .. '/notes/bob/rust.md', 'Rust', 'Borrowing rules finally clicked.')
  doc(dir .. '/notes/bob/heron.md', 'Heron', 'A grey heron.')
  doc(dir .. '/questions/' .. QID .. '/question.md', 'How to rebase?', 'Lost commits again.')
  t.write(dir .. '/README.md', 'Not indexed: gannet.\n')
  git(dir, 'add -A')
  git(dir, 'commit -q -m first')
  local ctx = assert(core.open({ home = h }))
  assert(ctx:index_refresh())
  return h, dir, ctx
end

-- Each step changes the circle; `read` (when given) is how many files the
-- refresh of that one commit reads.
local steps = {
  { 'adds a note and edits one in place (same size and time stamp)', read = 2, run = function(dir)
    doc(dir .. '/notes/ana/new.md', 'New', 'An osprey arrives.')
    local p = dir .. '/notes/bob/rust.md'
    local stamp = t.sh('stat -c %y ' .. t.shquote(p)):gsub('\n$', '')
    t.write(p, (t.read(p):gsub('Borrowing', 'Ownership')))
    t.sh(string.format('touch -d %s %s', t.shquote(stamp), t.shquote(p)))
  end },
  { 'deletes a note', read = 0, run = function(dir)
    os.remove(dir .. '/notes/ana/plan.md')
  end },
  { 'renames a note into another member folder', read = 1, run = function(dir)
    git(dir, 'mv notes/ana/guide.md notes/bob/guide.md')
  end },
  { 'changes only a mode', read = 0, run = function(dir)
    t.sh('chmod +x ' .. t.shquote(dir .. '/notes/bob/heron.md'))
  end },
  { 'turns a note into a folder', run = function(dir)
    os.remove(dir .. '/notes/ana/thing.md')
    doc(dir .. '/notes/ana/thing.md/inner.md', 'Inner', 'A kestrel nested.')
  end },
  { 'turns the folder back into a note', read = 1, run = function(dir)
    t.sh('rm -rf ' .. t.shquote(dir .. '/notes/ana/thing.md'))
    doc(dir .. '/notes/ana/thing.md', 'Thing', 'A kestrel again.')
  end },
  -- git sorts the folder foo as "foo/": after foo-bar.md and foo.md, before
  -- foo0.md (notes/ana/foo/inside.md itself is too deep to be a note)
  { 'edits names that sort differently in git than byte by byte', read = 2, run = function(dir)
    doc(dir .. '/notes/ana/foo.md', 'Foo', 'A plover, and a gannet.')
    doc(dir .. '/notes/ana/foo0.md', 'Foo zero', 'A skua, and a heron.')
    doc(dir .. '/notes/ana/foo/inside.md', 'Inside', 'A merlin, and a tern.')
  end },
  { 'replaces a note by a link with the same bytes', read = 0, run = function(dir)
    os.remove(dir .. '/notes/ana/same.md')
    t.sh('ln -s guide.md ' .. t.shquote(dir .. '/notes/ana/same.md'))
  end },
  { 'answers and edits a question', run = function(dir)
    doc(dir .. '/questions/' .. QID .. '/answers/20261120T110000Z-ana-c3d4.md', 'Re', 'The reflog remembers.')
    doc(dir .. '/questions/' .. QID .. '/question.md', 'How to rebase safely?', 'Lost commits again and again.')
  end },
  { 'adds files the index ignores', read = 0, run = function(dir)
    t.write(dir .. '/README.md', 'Still not indexed: gannet, osprey.\n')
    t.write(dir .. '/notes/ana/picture.png', 'not a note')
    doc(dir .. '/other/thing.md', 'Other', 'An osprey elsewhere.')
  end },
  { 'records a submodule entry', read = 0, stage = function(dir)
    local head = git(dir, 'rev-parse HEAD'):gsub('\n', '')
    git(dir, 'update-index --add --cacheinfo 160000,' .. head .. ',notes/ana/sub')
  end },
  { 'turns a member folder into a file', run = function(dir)
    t.sh('rm -rf ' .. t.shquote(dir .. '/notes/bob'))
    t.write(dir .. '/notes/bob', 'bob left\n')
  end },
  { 'turns it back into a folder, with notes', read = 2, run = function(dir)
    os.remove(dir .. '/notes/bob')
    doc(dir .. '/notes/bob/back.md', 'Back', 'A heron returns.')
    doc(dir .. '/notes/bob/rust.md', 'Rust', 'Ownership again.')
  end },
}

-- the sync's refresh of one circle and a handle's full refresh, in turns
local function refresh(ctx, i)
  return assert(ctx:index_refresh(i % 2 == 1 and { circle = 'team' } or nil))
end

local function commit(dir, step)
  if step.run then
    step.run(dir)
    git(dir, 'add -A')
  end
  if step.stage then
    step.stage(dir)
  end
  git(dir, 'commit -q -m ' .. t.shquote(step[1]))
end

describe('index: the tree diff of a commit gives the index a rebuild gives', function()
  it('after every kind of change', function()
    local h, dir, ctx = fixture('treediff')
    for i, step in ipairs(steps) do
      commit(dir, step)
      local rep = refresh(ctx, i)
      assert.are.equal(1, rep.trees, step[1])
      if step.read then
        assert.are.equal(step.read, rep.read, step[1])
      end
      local got, found = dump(h), searches(ctx)
      assert(ctx:index_rebuild())
      assert.are.equal(dump(h), got, step[1])
      assert.are.same(searches(ctx), found, step[1])
    end
    ctx:close()
  end)

  it('after several commits at once, a checkout back and forth', function()
    local h, dir, ctx = fixture('treediff-jump')
    for i = 1, #steps - 2 do
      commit(dir, steps[i])
    end
    local function check(what, i)
      local rep = refresh(ctx, i)
      assert.are.equal(1, rep.trees, what)
      local got, found = dump(h), searches(ctx)
      assert(ctx:index_rebuild())
      assert.are.equal(dump(h), got, what)
      assert.are.same(searches(ctx), found, what)
    end
    check('eleven commits', 1)
    git(dir, 'checkout -q HEAD~8')
    check('eight commits back', 2)
    git(dir, 'checkout -q main')
    check('forward again', 3)
    ctx:close()
  end)
end)
