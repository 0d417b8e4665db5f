-- The circle layout (csrc/format/layout.c): one classifier of the paths in
-- a circle and one id rule, asked by the index, sync, questions, notes,
-- shares and the Lua side alike.
local t = require('wolt')
local core = require('wol.core')

local QID = '20260304T093000Z-sam-0a1b2c3d'

local function question(home, circle, qid)
  t.write(string.format('%s/circles/%s/questions/%s/question.md', home, circle, qid),
    '---\ntitle: Where is the list?\nauthor: sam\nlamport: 1\n---\n\nbody\n')
end

describe('circle layout', function()
  it('one id rule: a question folder starting with a dot is nobody\'s, for every reader', function()
    local home = t.tmpdir('dotid')
    t.sh('mkdir -p ' .. t.shquote(home .. '/circles/c') .. ' && git init -q -b main ' ..
      t.shquote(home .. '/circles/c'))
    question(home, 'c', '.' .. QID)
    local ctx = assert(core.open({ home = home }))
    -- the walk skips it, and so must a refresh of just that path
    local walk = assert(ctx:index_refresh())
    assert.are.equal(0, walk.added)
    local rep = assert(ctx:index_refresh({ paths = { 'circles/c/questions/.' .. QID .. '/question.md' } }))
    assert.are.equal(0, rep.added)
    assert.are.equal(0, assert(ctx:index_stats()).questions)
    -- a good id next to it is a question for both
    question(home, 'c', QID)
    rep = assert(ctx:index_refresh({ paths = { 'circles/c/questions/' .. QID .. '/question.md' } }))
    assert.are.equal(1, rep.added)
    ctx:close()
  end)
end)

describe('core.place', function()
  local QA = '20260305T100211Z-maya-5e6f7a8b'
  it('names every kind of path the format has', function()
    local cases = {
      { 'notes/ana/weekly-habit.md', { kind = 'note', member = 'ana', listed = true, conflict = false } },
      { 'notes/ana/draft.conflict-1a2b3c4.md', { kind = 'note', member = 'ana', listed = true, conflict = true } },
      { 'notes/ana/img/photo.png', { kind = 'note', member = 'ana', listed = false, conflict = false } },
      { 'questions/' .. QID .. '/question.md', { kind = 'question', member = 'sam', qid = QID, id = QID } },
      { 'questions/' .. QID .. '/answers/' .. QA .. '.md', { kind = 'answer', member = 'maya', qid = QID, id = QA } },
      { 'questions/' .. QID .. '/events/' .. QA .. '.md', { kind = 'event', member = 'maya', qid = QID, id = QA } },
      { 'feedback/note-1/' .. QA .. '.md', { kind = 'feedback', member = 'maya', note = 'note-1', id = QA } },
      { 'members/ana.md', { kind = 'member', member = 'ana' } },
      { 'circle.md', { kind = 'circle' } },
      { 'prompts/monday.md', { kind = 'prompt' } },
    }
    for _, c in ipairs(cases) do
      assert.are.same(c[2], core.place(c[1]), c[1])
    end
  end)

  it('calls everything that breaks a rule "other"', function()
    for _, p in ipairs({ 'README.md', 'notes/Ana/x.md', 'notes/ana', 'members/ana.txt', 'members/-x.md',
      'questions/.' .. QID .. '/question.md', 'questions/' .. QID .. '/answers/.hidden.md',
      'questions/' .. QID .. '/answers/a b.md', 'questions/' .. QID .. '/other.md', 'prompts/sub/x.md',
      '../circle.md', '/circle.md', '.git/config', 'notes/ana/../bo/x.md', 'notes/ana/x\\y.md', '' }) do
      assert.are.same({ kind = 'other' }, core.place(p), p)
    end
  end)

  it('knows journal entries by their path under $WOL_HOME', function()
    assert.are.equal('2026-03-04', core.journal_date('journal/2026/2026-03-04.md'))
    assert.is_nil(core.journal_date('journal/2025/2026-03-04.md'))
    assert.is_nil(core.journal_date('journal/2026/2026-02-30.md'))
    assert.is_nil(core.journal_date('journal/2026/notes.md'))
    assert.is_nil(core.journal_date('circles/c/journal/2026/2026-03-04.md'))
  end)
end)
