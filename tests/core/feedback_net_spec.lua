-- Three members and their feedback on a note, over a real git daemon on
-- 127.0.0.1: two of them comment on the same lines at the same time and
-- sync in different orders; every clone ends with both comments, no
-- conflict files, and the same state. Only the note's author marks
-- feedback addressed.
local t = require('wolt')
local qnet = require('qnet')
local json = require('dkjson')

describe('feedback between three members', function()
  -- the network scenario drives the CLI and git: one interpreter is enough
  if (os.getenv('WOL_TEST_INTERP') or 'luajit') ~= 'luajit' then
    return
  end
  local net, ana, bo, cy, rel

  local function wol(m, args)
    local out, err, rc = t.wol(args, m)
    assert(rc == 0, table.concat(args, ' ') .. ': ' .. err .. out)
    return out
  end
  -- what a member sees: the items of the note, in order, with their state
  local function state(m)
    local f = json.decode(wol(m, { 'feedback', rel, '--json' }))
    local v = {}
    for _, it in ipairs(f.items) do
      v[#v + 1] = table.concat({ it.id, it.kind, it.start, it['end'], it.anchor, tostring(it.addressed),
        it.thread, tostring(it.forged) }, ' ')
    end
    assert.are.same({}, f.warnings)
    return v
  end
  local function same_everywhere(n)
    local trees = {}
    for _, m in ipairs({ ana, bo, cy }) do
      local dir = net.dir(m)
      assert.are.equal('', t.git(dir, 'status --porcelain'))
      assert.are.equal('', (t.sh('cd ' .. t.shquote(dir) .. ' && find . -path ./.git -prune -o -name "*conflict*" -print')))
      trees[#trees + 1] = t.git(dir, 'rev-parse HEAD^{tree}')
    end
    assert.are.equal(trees[1], trees[2])
    assert.are.equal(trees[1], trees[3])
    local s = state(ana)
    assert.are.equal(n, #s)
    assert.are.same(s, state(bo))
    assert.are.same(s, state(cy))
    return s
  end

  setup(function()
    net = qnet.circle('fbc', { 'ana', 'bo', 'cy' })
    ana, bo, cy = net.members.ana, net.members.bo, net.members.cy
    net.sync(ana)
    local path = wol(ana, { 'note', 'Team charter' }):match('(%S+%.md)')
    local f = assert(io.open(path, 'ab'))
    f:write('We meet on Tuesdays.\nWe share one thing each week.\nWe ask for help early.\n')
    f:close()
    wol(ana, { 'share', path })
    rel = path:sub(#net.dir(ana) + 2)
    net.sync(ana)
    net.sync(bo)
    net.sync(cy)
  end)
  teardown(function()
    net.d.stop()
  end)

  it('keeps both comments on the same lines, whatever order the syncs come in', function()
    -- bo and cy comment on lines 11-12 at the same time, each offline
    local wb = json.decode(wol(bo, { 'comment', rel, '--lines', '11-12', '-m', 'Tuesdays are hard for me', '--json' }))
    local wc = json.decode(wol(cy, { 'comment', rel, '--lines', '11-12', '-m', 'Could we rotate the day?', '--json' }))
    wol(cy, { 'react', rel, '+1', '--json' })
    net.sync(cy)
    net.sync(bo) -- merges cy's records with its own: different paths, no conflict
    net.sync(cy)
    -- ana's sync says what arrived on her notes
    local out = wol(ana, { 'sync', '--json' })
    local digest
    for line in out:gmatch('[^\n]+') do
      local o = json.decode(line)
      if type(o) == 'table' and o.digest then
        digest = o.digest
      end
    end
    assert.matches('3 pieces of feedback on your notes', digest)
    local s = same_everywhere(3)
    local ids = {}
    for _, line in ipairs(s) do
      ids[line:match('^(%S+)')] = line
    end
    assert.matches(' comment 11 12 current false ', ids[wb.id])
    assert.matches(' comment 11 12 current false ', ids[wc.id])

    -- now the other way round: ana marks bo's comment addressed while cy
    -- replies to it; cy syncs first this time
    wol(ana, { 'addressed', wb.id, '-m', 'Moved to Wednesdays' })
    local r = json.decode(wol(cy, { 'comment', rel, '--reply', wb.id, '-m', 'Wednesdays work for me', '--json' }))
    net.sync(cy)
    net.sync(ana)
    out = wol(bo, { 'sync', '--json' })
    assert.matches('1 of your comments marked addressed', out)
    assert.matches('1 piece of feedback', out)
    net.sync(cy)
    s = same_everywhere(4)
    for _, line in ipairs(s) do
      ids[line:match('^(%S+)')] = line
    end
    assert.matches(' comment 11 12 current true ' .. wb.id, ids[wb.id], 1, true)
    assert.matches(' comment 11 12 current false ' .. wb.id, ids[r.id], 1, true)

    -- once more on the same line, bo pushing first this time, and ana
    -- syncing between the two: she has bo's comment before cy's arrives
    local b2 = json.decode(wol(bo, { 'comment', rel, '--lines', '13', '-m', 'Early is before Friday', '--json' }))
    local c2 = json.decode(wol(cy, { 'comment', rel, '--lines', '13', '-m', 'Early means on day one', '--json' }))
    net.sync(bo)
    net.sync(ana)
    net.sync(cy)
    net.sync(ana)
    net.sync(bo)
    s = same_everywhere(6)
    for _, line in ipairs(s) do
      ids[line:match('^(%S+)')] = line
    end
    assert.matches(' comment 13 13 current false ', ids[b2.id])
    assert.matches(' comment 13 13 current false ', ids[c2.id])
  end)

  it('lets only the note author mark feedback addressed', function()
    local wb = json.decode(wol(bo, { 'comment', rel, '--lines', '13', '-m', 'How early is early?', '--json' }))
    net.sync(bo)
    net.sync(cy)
    local before = t.git(net.dir(cy), 'rev-parse HEAD')
    local _, err, rc = t.wol({ 'addressed', wb.id }, cy)
    assert.are.equal(5, rc) -- refused (:help wol-exit)
    assert.matches("^wol: addressed: only the note's author %(ana%) can mark feedback on 'Team charter' addressed; nothing was committed\n$", err)
    assert.are.equal(before, t.git(net.dir(cy), 'rev-parse HEAD'))
    -- an addressed record cy pushes with plain git is ignored everywhere
    local dir = net.dir(cy)
    local nid = wb.note_id
    t.write(dir .. '/feedback/' .. nid .. '/20260101T000000Z-cy-0bad.md',
      '---\nkind: addressed\ntarget: ' .. wb.id .. '\nauthor: cy\nlamport: 99\n---\n')
    t.git(dir, 'add -A && git -C ' .. t.shquote(dir) .. ' commit -q -m sneaky', cy)
    net.sync(cy)
    net.sync(ana)
    local f = json.decode(wol(ana, { 'feedback', rel, '--json' }))
    local found
    for _, it in ipairs(f.items) do
      if it.id == wb.id then
        found = it
      end
    end
    assert.is_false(found.addressed)
    assert.matches("only the note's author can mark feedback addressed; ignored", table.concat(f.warnings, '\n'))
    -- the circle at a glance: feedback on ana's notes, feedback bo gave
    local st = json.decode(wol(ana, { 'status', '--json' }))
    assert.are.equal(7, st.feedback_in) -- bo 3, cy 4 (two comments, a reaction, a reply)
    assert.are.equal(0, st.feedback_out)
    for _, it in ipairs(st.feedback) do
      assert.are.equal('feedback', it.kind)
      assert.are.equal('Team charter', it.title)
      assert.is_truthy(it.author == 'bo' or it.author == 'cy')
      assert.matches('^feedback/', it.path)
    end
    local text = wol(ana, { 'status' })
    assert.matches('Feedback on your notes since [^\n]*%(%d+%)\n  %d+%-%d+%-%d+  %S+%s+on Team charter', text)
    st = json.decode(wol(bo, { 'status', '--json' }))
    assert.are.equal(0, st.feedback_in)
    assert.are.equal(3, st.feedback_out)
    -- a note ana wrote by hand (no id): bo's comment counts as feedback on her notes
    local plain = net.dir(ana) .. '/notes/ana/by-hand.md'
    t.write(plain, '# By hand\n\ntext\n')
    wol(ana, { 'share', plain })
    net.sync(ana)
    net.sync(bo)
    wol(bo, { 'comment', 'notes/ana/by-hand.md', '--lines', '3', '-m', 'Short and good.' })
    net.sync(bo)
    local synced = wol(ana, { 'sync', '--json' })
    assert.matches('1 piece of feedback on your notes', synced)
    -- bo's feedback, as ana sees it: on her notes
    local mine = json.decode(wol(ana, { 'feedback', '--mine', '--json' }))
    assert.is_true(#mine.items >= 1)
    for _, it in ipairs(mine.items) do
      assert.are.equal('ana', it.note_author)
    end
    local none = json.decode(wol(bo, { 'feedback', '--mine', '--json' }))
    assert.are.equal(0, #none.items)
  end)
end)
