-- A refresh that does not walk a circle whose HEAD tree it knows: it stats
-- only the member's own notes folder and the journal, and reads the paths
-- a tree-to-tree diff names (csrc/index/walk.c). Real git repositories
-- changed by plain git, by `wol sync`, by a checkout and by hand; a real
-- index.db damaged with the sqlite3 shell.
local t = require('wolt')
local core = require('wol.core')

local ME = 'tester' -- the handle of the test run's git config (tests/run.sh)

local function doc(home, rel, title, body)
  t.write(home .. '/' .. rel, '---\ntitle: ' .. title .. '\n---\n' .. body .. '\n')
  return home .. '/' .. rel
end

local function git(dir, args)
  local out, rc = t.git(dir, args)
  assert(rc == 0, out)
  return out
end

local function commit(dir, msg)
  git(dir, 'add -A && git -C ' .. t.shquote(dir) .. ' commit -q -m ' .. t.shquote(msg))
end

-- files written just before a refresh are "racy" (same clock tick): wait
local function settle()
  t.sh('sleep 0.03')
end

local function paths(hits)
  local out = {}
  for _, h in ipairs(hits) do
    table.insert(out, h.path)
  end
  table.sort(out)
  return out
end

local function find(ctx, words)
  return paths(assert(ctx:search(words, { refresh = false })))
end

local function sql(home, text)
  local out, rc = t.sh('sqlite3 ' .. t.shquote(home .. '/index.db') .. ' ' .. t.shquote(text))
  assert(rc == 0, out)
  return (out:gsub('\n$', ''))
end

-- A home with a journal and one committed circle: notes of ana, bob and the
-- member, a question with an answer. The index is built once (a full walk,
-- which records the tree).
local function fixture(tag)
  local m = t.member(tag)
  local h = m.wol_home
  doc(h, 'journal/2026/2026-11-20.md', 'Day', 'Quiet morning.')
  doc(h, 'journal/2026/2026-11-21.md', 'Day', 'Busy afternoon.')
  local dir = h .. '/circles/team'
  t.sh('mkdir -p ' .. t.shquote(dir) .. ' && git init -q -b main ' .. t.shquote(dir))
  doc(h, 'circles/team/notes/ana/guide.md', 'Guide', 'The onboarding albatross.')
  doc(h, 'circles/team/notes/ana/plan.md', 'Plan', 'Quarterly cormorant.')
  doc(h, 'circles/team/notes/bob/rust.md', 'Rust', 'Borrowing rules finally clicked.')
  doc(h, 'circles/team/notes/' .. ME .. '/mine.md', 'Mine', 'My own puffin.')
  local q = 'circles/team/questions/20261120T100000Z-bob-a1b2'
  doc(h, q .. '/question.md', 'How to rebase?', 'Lost commits again.')
  doc(h, q .. '/answers/20261120T110000Z-ana-c3d4.md', 'Re', 'The reflog remembers.')
  commit(dir, 'first')
  settle()
  local ctx = assert(core.open({ home = h }))
  local first = assert(ctx:index_refresh())
  assert.are.same({ 8, 8 }, { first.stat, first.added })
  return m, ctx, dir
end

describe('index: a refresh from the recorded HEAD tree', function()
  it('stats only the own notes folder and the journal when the tree is unchanged', function()
    local m, ctx = fixture('same')
    local rep = assert(ctx:index_refresh())
    -- 2 journal entries + 1 own note; nothing read, nothing removed
    assert.are.same({ 3, 0, 0, 0, 0 }, { rep.stat, rep.read, rep.added, rep.updated, rep.removed })
    assert.are.equal(8, rep.docs)
    local tree = git(m.wol_home .. '/circles/team', 'rev-parse HEAD^{tree}'):gsub('\n', '')
    assert.are.equal(tree, sql(m.wol_home, "SELECT tree FROM heads WHERE circle = 'team'"))
    assert.are.same({ 'circles/team/notes/ana/guide.md' }, find(ctx, 'albatross'))
    ctx:close()
  end)

  it('reflects a change and a deletion made by a plain git commit', function()
    local m, ctx, dir = fixture('gitcli')
    -- same size and mtime as before: only the tree diff can tell
    local p = dir .. '/notes/bob/rust.md'
    local stamp = t.sh('stat -c %y ' .. t.shquote(p)):gsub('\n$', '')
    t.write(p, (t.read(p):gsub('Borrowing', 'Ownership')))
    t.sh(string.format('touch -d %s %s', t.shquote(stamp), t.shquote(p)))
    git(dir, 'rm -q notes/ana/plan.md')
    commit(dir, 'second')
    local rep = assert(ctx:index_refresh())
    assert.are.same({ 1, 1, 1, 1 }, { rep.trees, rep.read, rep.updated, rep.removed })
    assert.are.same({ 'circles/team/notes/bob/rust.md' }, find(ctx, 'ownership'))
    assert.are.same({}, find(ctx, 'borrowing'))
    assert.are.same({}, find(ctx, 'cormorant'))
    -- and the next refresh is back to the own folder and the journal
    rep = assert(ctx:index_refresh())
    assert.are.same({ 0, 3, 0 }, { rep.trees, rep.stat, rep.read })
    ctx:close()
  end)

  it('reflects a checkout of another branch and of the first one again', function()
    local m, ctx, dir = fixture('branch')
    git(dir, 'checkout -q -b other')
    doc(m.wol_home, 'circles/team/notes/bob/new.md', 'New', 'A kingfisher arrives.')
    doc(m.wol_home, 'circles/team/notes/ana/guide.md', 'Guide', 'The onboarding heron.')
    git(dir, 'rm -q notes/bob/rust.md')
    commit(dir, 'other work')
    git(dir, 'checkout -q main')
    settle()
    assert(ctx:index_refresh())
    assert.are.same({}, find(ctx, 'kingfisher'))
    git(dir, 'checkout -q other')
    settle()
    local rep = assert(ctx:index_refresh())
    assert.are.same({ 1, 1, 1, 1 }, { rep.trees, rep.added, rep.updated, rep.removed })
    assert.are.same({ 'circles/team/notes/bob/new.md' }, find(ctx, 'kingfisher'))
    assert.are.same({ 'circles/team/notes/ana/guide.md' }, find(ctx, 'heron'))
    assert.are.same({}, find(ctx, 'albatross'))
    assert.are.same({}, find(ctx, 'borrowing'))
    git(dir, 'checkout -q main')
    settle()
    rep = assert(ctx:index_refresh())
    assert.are.same({ 1, 1, 1, 1 }, { rep.trees, rep.added, rep.updated, rep.removed })
    assert.are.same({}, find(ctx, 'kingfisher'))
    assert.are.same({ 'circles/team/notes/ana/guide.md' }, find(ctx, 'albatross'))
    assert.are.same({ 'circles/team/notes/bob/rust.md' }, find(ctx, 'borrowing'))
    ctx:close()
  end)

  it('reflects hand edits, a new file and a deleted file in the own notes folder', function()
    local m, ctx = fixture('hand')
    local h = m.wol_home
    doc(h, 'circles/team/notes/' .. ME .. '/mine.md', 'Mine', 'My own gannet, rewritten.')
    doc(h, 'circles/team/notes/' .. ME .. '/draft.md', 'Draft', 'A shearwater idea.')
    doc(h, 'journal/2026/2026-11-22.md', 'Day', 'A storm petrel.')
    settle()
    local rep = assert(ctx:index_refresh())
    assert.are.same({ 0, 2, 1, 0 }, { rep.trees, rep.added, rep.updated, rep.removed })
    assert.are.same({ 'circles/team/notes/' .. ME .. '/mine.md' }, find(ctx, 'gannet'))
    assert.are.same({}, find(ctx, 'puffin'))
    assert.are.same({ 'circles/team/notes/' .. ME .. '/draft.md' }, find(ctx, 'shearwater'))
    assert.are.same({ 'journal/2026/2026-11-22.md' }, find(ctx, 'petrel'))
    os.remove(h .. '/circles/team/notes/' .. ME .. '/draft.md')
    rep = assert(ctx:index_refresh())
    assert.are.same({ 0, 0, 1 }, { rep.read, rep.added, rep.removed })
    assert.are.same({}, find(ctx, 'shearwater'))
    ctx:close()
  end)

  it('reflects what wol sync brought, then walks nothing again', function()
    local ana, bo = t.member('ana'), t.member('bo')
    local bare = t.tmpdir('origin') .. '/circle.git'
    t.sh('git init -q --bare ' .. t.shquote(bare))
    local function ok(out, err, rc)
      assert.are.equal(0, rc, (out or '') .. (err or ''))
      return out
    end
    ok(t.wol({ 'init', 'pond', '--remote', bare }, ana))
    ok(t.wol({ 'sync' }, ana))
    ok(t.wol({ 'join', bare, 'pond' }, bo))
    ok(t.wol({ 'index' }, ana))
    local note = bo.wol_home .. '/circles/pond/notes/bo/lilies.md'
    t.write(note, '---\ntitle: Lilies\n---\nThe nymphaeaceous plan.\n')
    ok(t.wol({ 'share', note }, bo))
    ok(t.wol({ 'sync' }, bo))
    ok(t.wol({ 'sync' }, ana))
    -- a search with its refresh: what the sync brought, and no walk
    assert.matches('notes/bo/lilies%.md', ok(t.wol({ 'search', '--json', 'nymphaeaceous' }, ana)))
    local rep = ok(t.wol({ 'index', '--json' }, ana))
    assert.matches('"read":0', rep)
    assert.matches('"trees":0', rep)
    -- the sync's own refresh recorded the tree the full refresh now trusts
    local head = git(ana.wol_home .. '/circles/pond', 'rev-parse HEAD^{tree}'):gsub('\n', '')
    assert.are.equal(head, sql(ana.wol_home, "SELECT tree FROM heads WHERE circle = 'pond'"))
  end)

  it('reads again a row recorded racily even where it does not walk', function()
    local m, ctx, dir = fixture('racy')
    -- bob's note changes on disk without a commit, size and mtime kept:
    -- only a row marked racy makes the refresh look at it
    local p = dir .. '/notes/bob/rust.md'
    local stamp = t.sh('stat -c %y ' .. t.shquote(p)):gsub('\n$', '')
    t.write(p, (t.read(p):gsub('Borrowing', 'Lifetimes')))
    t.sh(string.format('touch -d %s %s', t.shquote(stamp), t.shquote(p)))
    assert.are.equal(0, assert(ctx:index_refresh()).read)
    sql(m.wol_home, "UPDATE docs SET racy = 1 WHERE path = 'circles/team/notes/bob/rust.md'")
    local rep = assert(ctx:index_refresh())
    assert.are.same({ 1, 1 }, { rep.read, rep.updated })
    assert.are.same({ 'circles/team/notes/bob/rust.md' }, find(ctx, 'lifetimes'))
    ctx:close()
  end)

  it('compares with what another process or a path refresh wrote since', function()
    local m, ctx = fixture('kept')
    local h = m.wol_home
    -- two refreshes that change nothing: the second reuses the rows it compared with
    assert.are.equal(0, assert(ctx:index_refresh()).read)
    assert.are.equal(0, assert(ctx:index_refresh()).read)
    -- another process indexes a new file of the own folder
    doc(h, 'circles/team/notes/' .. ME .. '/other.md', 'Other', 'A fulmar.')
    settle()
    local out, err, rc = t.wol({ 'index', '--json' }, m, { HOME = os.getenv('HOME') })
    assert.are.equal(0, rc, err)
    assert.matches('"added":1', out)
    local rep = assert(ctx:index_refresh())
    assert.are.same({ 0, 0, 0, 0 }, { rep.read, rep.added, rep.updated, rep.removed })
    assert.are.same({ 'circles/team/notes/' .. ME .. '/other.md' }, find(ctx, 'fulmar'))
    -- this handle indexes a file by its path, then refreshes everything
    doc(h, 'circles/team/notes/' .. ME .. '/third.md', 'Third', 'A guillemot.')
    settle()
    assert.are.equal(1, assert(ctx:index_refresh({ paths = { 'circles/team/notes/' .. ME .. '/third.md' } })).added)
    rep = assert(ctx:index_refresh())
    assert.are.same({ 0, 0, 0, 0 }, { rep.read, rep.added, rep.updated, rep.removed })
    -- and a file gone is still seen as gone
    os.remove(h .. '/circles/team/notes/' .. ME .. '/third.md')
    assert.are.equal(1, assert(ctx:index_refresh()).removed)
    assert.are.same({}, find(ctx, 'guillemot'))
    ctx:close()
  end)

  it('walks the whole circle when the recorded tree is damaged or missing', function()
    local m, ctx, dir = fixture('damaged')
    local h = m.wol_home
    -- a change outside the own folder without a commit: only a full walk sees it
    doc(h, 'circles/team/notes/ana/loose0.md', 'Loose', 'An uncommitted skua.')
    settle()
    assert.are.equal(3, assert(ctx:index_refresh()).stat)
    assert.are.same({}, find(ctx, 'skua'))
    local bad = { "'not-a-tree-id'", "'" .. string.rep('0', 39) .. "1'", "''", 'NULL' }
    for i, value in ipairs(bad) do
      doc(h, 'circles/team/notes/ana/loose' .. i .. '.md', 'Loose', 'An uncommitted skua' .. i .. '.')
      settle()
      sql(h, 'UPDATE heads SET tree = ' .. value .. " WHERE circle = 'team'")
      if i == 2 then
        -- a well-formed id is trusted while HEAD stays where the index
        -- recorded it (the commit fixes its tree; HEAD is read without
        -- libgit2): it is looked up once HEAD moves
        git(dir, 'commit -q --allow-empty -m empty')
      end
      local rep = assert(ctx:index_refresh())
      assert.are.equal(8 + i + 1, rep.stat) -- every file of the home
      assert.are.same({ 'circles/team/notes/ana/loose' .. i .. '.md' }, find(ctx, 'skua' .. i))
      -- the full walk recorded the tree again
      assert.are.equal(3, assert(ctx:index_refresh()).stat)
    end
    -- the recorded tree gone from the repository: a commit recorded, then
    -- undone and its objects pruned
    doc(h, 'circles/team/notes/ana/tmp.md', 'Tmp', 'A passing jaeger.')
    git(dir, 'add notes/ana/tmp.md && git -C ' .. t.shquote(dir) .. ' commit -q -m tmp')
    local rep = assert(ctx:index_refresh())
    assert.are.same({ 1, 1 }, { rep.trees, rep.added })
    git(dir, 'reset -q --hard HEAD~1')
    git(dir, 'reflog expire --expire=now --all && git -C ' .. t.shquote(dir) .. ' gc -q --prune=now')
    -- (a handle keeps the trees its last diff read, csrc/index/plan.c: a
    -- new one has only the repository to look in)
    ctx:close()
    ctx = assert(core.open({ home = h }))
    doc(h, 'circles/team/notes/ana/loose9.md', 'Loose', 'An uncommitted skua9.')
    settle()
    rep = assert(ctx:index_refresh())
    assert.are.same({ 0, 14, 1 }, { rep.trees, rep.stat, rep.removed })
    assert.are.same({}, find(ctx, 'jaeger'))
    assert.are.same({ 'circles/team/notes/ana/loose9.md' }, find(ctx, 'skua9'))
    assert.are.equal(3, assert(ctx:index_refresh()).stat)
    ctx:close()
  end)

  it('walks the whole circle when a new tree is a damaged loose file, and does not hang', function()
    local m, ctx, dir = fixture('damagedloose')
    local h = m.wol_home
    doc(h, 'circles/team/notes/ana/plan.md', 'Plan', 'Quarterly cormorant and a grebe.')
    commit(dir, 'second')
    -- the commit's new tree of notes/ana cut short (csrc/repo/loose.c reads
    -- loose objects itself; libgit2 1.5 loops forever inflating this one)
    local tree = git(dir, 'rev-parse HEAD:notes/ana'):gsub('\n', '')
    local file = dir .. '/.git/objects/' .. tree:sub(1, 2) .. '/' .. tree:sub(3)
    assert.are.equal(0, select(2, t.sh('chmod u+w ' .. t.shquote(file) .. ' && truncate -s 40 ' .. t.shquote(file))))
    settle()
    local rep = assert(ctx:index_refresh({ circle = 'team' }))
    assert.are.same({ 0, 8 }, { rep.trees, rep.stat }) -- the diff given up: every file of the home
    assert.are.same({ 'circles/team/notes/ana/plan.md' }, find(ctx, 'grebe'))
    ctx:close()
  end)

  it('reads HEAD without libgit2 when it did not move, in every plain layout', function()
    -- a `wol search` whose refresh finds HEAD where the index recorded it
    -- never starts libgit2 (csrc/repo/head.c reads HEAD from the files);
    -- commits are still seen with the ref loose, packed, detached, and with
    -- `.git` a gitdir: file
    local m = t.member('peek')
    local old = 3600
    local function age(path)
      old = old + 7
      t.sh(string.format('touch -d @%d %s', os.time() - old, t.shquote(path)))
    end
    age(m.home .. '/.gitconfig') -- (a config file changed within 2 s is not cached)
    local h = m.wol_home
    local dir = h .. '/circles/team'
    t.sh('mkdir -p ' .. t.shquote(dir) .. ' && git init -q -b main ' .. t.shquote(dir))
    doc(h, 'circles/team/notes/ana/guide.md', 'Guide', 'The onboarding albatross.')
    commit(dir, 'first')
    local function search(word)
      local out, err, rc = t.wol({ 'search', '--json', word }, m, { WOL_TRACE_GIT = '1' })
      assert(rc == 0 or rc == 3, err)
      return out, err:find('libgit2 initialised', 1, true) ~= nil
    end
    local function still(word, rel)
      local out, inited = search(word)
      assert.matches(rel, out, 1, true)
      assert.is_false(inited, 'a refresh with HEAD unchanged started libgit2')
    end
    local n = 0
    local function change(word)
      n = n + 1
      doc(h, 'circles/team/notes/ana/n' .. n .. '.md', 'N', 'A ' .. word .. '.')
      commit(dir, 'n' .. n)
      local out = search(word)
      assert.matches('notes/ana/n' .. n .. '.md', out, 1, true)
    end
    local _, _, rc = t.wol({ 'index' }, m)
    assert.are.equal(0, rc)
    still('albatross', 'notes/ana/guide.md')
    change('cormorant') -- a loose ref moved
    still('cormorant', 'notes/ana/n1.md')
    git(dir, 'pack-refs --all')
    assert.is_false(t.exists(dir .. '/.git/refs/heads/main'))
    still('albatross', 'notes/ana/guide.md')
    change('gannet') -- the branch moved out of packed-refs
    git(dir, 'pack-refs --all')
    change('puffin') -- and again, from packed-refs
    still('puffin', 'notes/ana/n3.md')
    git(dir, 'checkout -q --detach')
    still('puffin', 'notes/ana/n3.md')
    change('kittiwake') -- a detached HEAD moved
    still('kittiwake', 'notes/ana/n4.md')
    git(dir, 'checkout -q main')
    local out = search('kittiwake')
    assert.is_nil(out:find('notes/ana/n4.md', 1, true))
    still('puffin', 'notes/ana/n3.md')
    -- `.git` a file naming the git folder by a relative path
    t.sh('mkdir -p ' .. t.shquote(m.home .. '/gitdirs') .. ' && mv ' .. t.shquote(dir .. '/.git') .. ' ' ..
      t.shquote(m.home .. '/gitdirs/team'))
    t.write(dir .. '/.git', 'gitdir: ../../../gitdirs/team\n')
    still('puffin', 'notes/ana/n3.md')
    change('shearwater')
    still('shearwater', 'notes/ana/n5.md')
  end)

  it('stats only the journal entries named by its watch once a full walk set it', function()
    local m, ctx = fixture('watch')
    local h = m.wol_home
    assert(ctx:index_refresh()) -- a full walk that changes nothing: the rows are kept
    local rep = assert(ctx:index_refresh())
    assert.are.same({ 1, 0 }, { rep.stat, rep.read }) -- the own note alone
    -- an entry edited in place, size and folder mtime kept: the event names it
    local dir = h .. '/journal/2026'
    local dstamp = t.sh('stat -c %y ' .. t.shquote(dir)):gsub('\n$', '')
    local p = dir .. '/2026-11-20.md'
    t.write(p, (t.read(p):gsub('Quiet', 'Windy')))
    t.sh(string.format('touch -d %s %s', t.shquote(dstamp), t.shquote(dir)))
    settle()
    rep = assert(ctx:index_refresh())
    assert.are.same({ 2, 1, 1 }, { rep.stat, rep.read, rep.updated })
    assert.are.same({ 'journal/2026/2026-11-20.md' }, find(ctx, 'windy'))
    assert.are.same({}, find(ctx, 'quiet'))
    assert.are.equal(3, assert(ctx:index_refresh()).stat) -- it changed something: a full walk
    assert.are.equal(1, assert(ctx:index_refresh()).stat)
    -- a new entry, one saved by renaming a temporary file, one deleted
    doc(h, 'journal/2026/2026-11-22.md', 'Day', 'A storm petrel.')
    t.write(dir .. '/.tmp-save', '---\ntitle: Day\n---\nA rewritten afternoon of skuas.\n')
    t.sh('mv ' .. t.shquote(dir .. '/.tmp-save') .. ' ' .. t.shquote(dir .. '/2026-11-21.md'))
    os.remove(p)
    settle()
    rep = assert(ctx:index_refresh())
    assert.are.same({ 1, 1, 1 }, { rep.added, rep.updated, rep.removed })
    assert.are.same({ 'journal/2026/2026-11-22.md' }, find(ctx, 'petrel'))
    assert.are.same({ 'journal/2026/2026-11-21.md' }, find(ctx, 'skuas'))
    assert.are.same({}, find(ctx, 'windy'))
    assert(ctx:index_refresh())
    assert.are.equal(1, assert(ctx:index_refresh()).stat)
    -- a new year folder: a full walk (and the watch set again)
    doc(h, 'journal/2027/2027-01-01.md', 'Day', 'New year gannets.')
    settle()
    rep = assert(ctx:index_refresh())
    assert.are.same({ 1, 4 }, { rep.added, rep.stat })
    assert.are.same({ 'journal/2027/2027-01-01.md' }, find(ctx, 'gannets'))
    -- another process writes the index: the kept rows and the shortcut are dropped
    assert(ctx:index_refresh())
    assert.are.equal(1, assert(ctx:index_refresh()).stat)
    local f = assert(io.open(h .. '/journal/2027/2027-01-01.md', 'ab'))
    f:write('And terns.\n')
    f:close()
    settle()
    local _, err, rc = t.wol({ 'index' }, m, { HOME = os.getenv('HOME') })
    assert.are.equal(0, rc, err)
    rep = assert(ctx:index_refresh())
    assert.are.same({ 4, 0 }, { rep.stat, rep.read })
    assert.are.same({ 'journal/2027/2027-01-01.md' }, find(ctx, 'terns'))
    ctx:close()
  end)

  it('walks the journal again when its path leads to another folder', function()
    local m = t.member('jlink')
    local h = m.wol_home
    local a, b = m.home .. '/ja', m.home .. '/jb'
    doc(m.home, 'ja/2026/2026-11-20.md', 'Day', 'An auk.')
    doc(m.home, 'jb/2026/2026-11-20.md', 'Day', 'A puffin.')
    t.sh('mkdir -p ' .. t.shquote(h) .. ' && ln -s ' .. t.shquote(a) .. ' ' .. t.shquote(h .. '/journal'))
    settle()
    local ctx = assert(core.open({ home = h }))
    assert(ctx:index_refresh())
    assert(ctx:index_refresh())
    assert.are.equal(0, assert(ctx:index_refresh()).stat) -- watched
    t.sh('ln -sfn ' .. t.shquote(b) .. ' ' .. t.shquote(h .. '/journal'))
    local rep = assert(ctx:index_refresh())
    assert.are.same({ 1, 1 }, { rep.stat, rep.updated })
    assert.are.same({ 'journal/2026/2026-11-20.md' }, find(ctx, 'puffin'))
    ctx:close()
  end)
end)
