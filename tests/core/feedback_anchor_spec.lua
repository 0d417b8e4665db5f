-- Anchoring feedback across the versions of a note: scenarios by hand and
-- a property test of 50 commits of random edits, each checked against a
-- naive reference that follows every line by its identity. Real shares,
-- real commits, the library's libgit2 diff.
local t = require('wolt')
local core = t.core()

-- A solo circle of the suite's own member (tester) with one note, whose
-- front matter stays as wol wrote it; body(lines) rewrites what follows
-- and shares it (one commit).
local function solo(tag)
  local me = { home = os.getenv('HOME'), wol_home = t.tmpdir(tag) }
  local _, err, rc = t.wol({ 'init', 'solo' }, me)
  assert(rc == 0, err)
  local ctx = assert(core.open({ home = me.wol_home }))
  local c = assert(ctx:circle_open('solo'))
  local rel = assert(c:note_new('Anchors'))
  local abs = c:path() .. '/' .. rel
  local fm = t.read(abs):match('^(%-%-%-\n.-\n%-%-%-\n)')
  local n = {
    c = c,
    ctx = ctx,
    rel = rel,
    abs = abs,
    dir = c:path(),
    head = select(2, fm:gsub('\n', '')), -- lines before the body
  }
  function n.body(lines)
    t.write(abs, fm .. table.concat(lines, '\n') .. (#lines > 0 and '\n' or ''))
    return assert(c:share({ file = abs }))
  end
  function n.comment(a, b, text)
    return assert(c:comment({ note = rel, line1 = a + n.head, line2 = b + n.head, text = text or 'on ' .. a .. '-' .. b }))
  end
  -- the item with id, its place relative to the body
  function n.place(id)
    local fb = assert(c:feedback({ note = rel }))
    for _, it in ipairs(fb.items) do
      if it.id == id then
        return it.start - n.head, it['end'] - n.head, it.anchor
      end
    end
    error('no item ' .. id)
  end
  return n
end

local function lines(n, tag)
  local out = {}
  for i = 1, n do
    out[i] = (tag or 'line') .. ' ' .. i
  end
  return out
end

describe('anchoring feedback to the lines of a note', function()
  local n
  before_each(function()
    n = solo('anchor')
  end)
  after_each(function()
    n.c:close()
  end)

  it('follows its text when lines are inserted or deleted above it', function()
    local body = lines(20)
    n.body(body)
    local w = n.comment(10, 12)
    assert.are.same({ 10, 12, 'current' }, { n.place(w.id) })
    table.insert(body, 3, 'new A')
    table.insert(body, 3, 'new B')
    n.body(body)
    assert.are.same({ 12, 14, 'current' }, { n.place(w.id) })
    table.remove(body, 1)
    table.remove(body, 1)
    table.remove(body, 1)
    n.body(body)
    assert.are.same({ 9, 11, 'current' }, { n.place(w.id) })
    -- lines below it do not move it
    table.insert(body, 'at the end')
    n.body(body)
    assert.are.same({ 9, 11, 'current' }, { n.place(w.id) })
  end)

  it('is outdated when a line inside it is rewritten, and covers what is left', function()
    local body = lines(20)
    n.body(body)
    local w = n.comment(10, 12)
    body[11] = 'rewritten 11'
    n.body(body)
    local a, b, anchor = n.place(w.id)
    assert.are.same({ 10, 12, 'outdated' }, { a, b, anchor })
    -- a line inserted between its lines outdates it too
    local w2 = n.comment(3, 4)
    table.insert(body, 4, 'wedged in')
    n.body(body)
    assert.are.same({ 3, 5, 'outdated' }, { n.place(w2.id) })
  end)

  it('stays, outdated, at the line where its text was when the lines are deleted', function()
    local body = lines(20)
    n.body(body)
    local w = n.comment(10, 12)
    local last = n.comment(19, 20)
    for _ = 10, 12 do
      table.remove(body, 10)
    end
    n.body(body)
    -- line 13 moved up to 10: the comment shows there, outdated
    assert.are.same({ 10, 10, 'outdated' }, { n.place(w.id) })
    assert.are.same({ 16, 17, 'current' }, { n.place(last.id) })
    -- the end of the note deleted: the last line that is left
    for _ = 16, 17 do
      table.remove(body)
    end
    n.body(body)
    assert.are.same({ 15, 15, 'outdated' }, { n.place(last.id) })
    -- nothing left at all: line 1 of the file
    n.body({})
    local a, b, anchor = n.place(w.id)
    assert.are.equal('outdated', anchor)
    assert.are.equal(a, b)
    assert.is_true(a + n.head >= 1)
  end)

  it('follows the note when its author renames the file, and lists it as orphaned when the note is gone', function()
    local body = lines(10)
    n.body(body)
    local w = n.comment(4, 5)
    local newrel = n.rel:gsub('anchors', 'renamed')
    local out, rc = t.git(n.dir, 'mv ' .. n.rel .. ' ' .. newrel .. ' && git -C ' .. t.shquote(n.dir)
      .. ' commit -q -m rename')
    assert.are.equal(0, rc, out)
    -- and edited above the lines after the rename
    local text = t.read(n.dir .. '/' .. newrel):gsub('line 1\n', 'line 0\nline 1\n', 1)
    t.write(n.dir .. '/' .. newrel, text)
    assert(n.c:share({ file = n.dir .. '/' .. newrel }))
    local fb = assert(n.c:feedback({ note = newrel }))
    assert.are.equal(1, #fb.items)
    assert.are.equal(w.id, fb.items[1].id)
    assert.are.equal(newrel, fb.items[1].note)
    assert.are.equal(n.rel, fb.items[1].wrote_on)
    assert.are.equal('current', fb.items[1].anchor)
    assert.are.equal(5 + n.head, fb.items[1].start)
    -- the note deleted: its feedback is still listed, as orphaned
    out, rc = t.git(n.dir, 'rm -q ' .. newrel .. ' && git -C ' .. t.shquote(n.dir) .. ' commit -q -m gone')
    assert.are.equal(0, rc, out)
    fb = assert(n.c:feedback())
    assert.are.equal(1, #fb.items)
    assert.are.equal(w.id, fb.items[1].id)
    assert.is_true(fb.items[1].orphaned)
    assert.are.equal('orphaned', fb.items[1].anchor)
    assert.is_nil(fb.items[1].note)
    assert.are.equal('tester', fb.items[1].note_author)
    assert.are.equal(4 + n.head, fb.items[1].start)
    local mine = assert(n.c:feedback({ mine = true }))
    assert.are.equal(1, #mine.items)
  end)

  it('maps lines of an unshared edit of my own note back to the shared version, and refuses lines that are not shared', function()
    local body = lines(10)
    n.body(body)
    -- edited here, not shared: two lines above
    local fm = t.read(n.abs):match('^(%-%-%-\n.-\n%-%-%-\n)')
    t.write(n.abs, fm .. 'local 1\nlocal 2\n' .. table.concat(body, '\n') .. '\n')
    local w = n.comment(5, 6) -- "line 3", "line 4" in the file as it is here
    local rec = t.read(n.dir .. '/' .. w.path)
    assert.matches('\nlines: ' .. (3 + n.head) .. '%-' .. (4 + n.head) .. '\n', rec)
    local nilv, err = n.c:comment({ note = n.rel, line1 = 1 + n.head, line2 = 2 + n.head, text = 'x' })
    assert.is_nil(nilv)
    assert.matches('are not shared yet', err)
  end)
end)

-- The reference: every line has an identity; an edit inserts new lines,
-- deletes lines or rewrites a line (a new identity). Feedback written on
-- version k at lines a..b sits, in version m, on the lines whose
-- identities are still there: the same lines, in one piece, is "current";
-- otherwise "outdated", from the first to the last line left, or, when
-- none is left, on the line after the last line before it that is left.
local function expected(old, cur, a, b)
  local pos = {}
  for i, id in ipairs(cur) do
    pos[id] = i
  end
  local first, last
  local all = true
  for i = a, b do
    local p = pos[old[i]]
    if p then
      first = first or p
      last = p
    else
      all = false
    end
  end
  if all and last - first == b - a then
    return first, last, 'current'
  end
  if first then
    return first, last, 'outdated'
  end
  local before = 0
  for i = a - 1, 1, -1 do
    if pos[old[i]] then
      before = pos[old[i]]
      break
    end
  end
  local at = math.min(before + 1, math.max(#cur, 1))
  return at, at, 'outdated'
end

describe('anchoring across 50 commits of random edits', function()
  for _, seed in ipairs({ 20260301 }) do
    it('agrees with the line-by-line reference (seed ' .. seed .. ')', function()
      local n = solo('prop')
      math.randomseed(seed)
      local nextid = 0
      local function fresh()
        nextid = nextid + 1
        return nextid
      end
      -- ids of the body's lines; the text of line id i is unique
      local ids = {}
      for i = 1, 40 do
        ids[i] = fresh()
      end
      local function text(list)
        local out = {}
        for i, id in ipairs(list) do
          out[i] = 'text of line ' .. id .. ' ' .. string.rep('x', id % 7)
        end
        return out
      end
      local function copy(list)
        local out = {}
        for i, v in ipairs(list) do
          out[i] = v
        end
        return out
      end
      n.body(text(ids))
      local written = {} -- { id=, old = ids snapshot, a=, b= }
      local checked = 0
      local function check(step)
        local fb = assert(n.c:feedback({ note = n.rel }))
        assert.are.same({}, fb.warnings)
        local byid = {}
        for _, it in ipairs(fb.items) do
          byid[it.id] = it
        end
        for _, w in ipairs(written) do
          local it = byid[w.id]
          assert.is_truthy(it, 'missing item at step ' .. step)
          local a, b, anchor = expected(w.old, ids, w.a, w.b)
          local got = { it.start - n.head, it['end'] - n.head, it.anchor }
          assert.are.same({ a, b, anchor }, got,
            string.format('seed %d step %d: feedback on %d-%d of version %d', seed, step, w.a, w.b, w.version))
          checked = checked + 1
        end
      end
      for step = 1, 50 do
        for _ = 1, math.random(1, 3) do
          local op = math.random(1, 4)
          if op == 1 or #ids < 10 then -- insert 1..3 lines
            local at = math.random(1, #ids + 1)
            for _ = 1, math.random(1, 3) do
              table.insert(ids, at, fresh())
            end
          elseif op == 2 and #ids > 10 then -- delete 1..3 lines
            local at = math.random(1, #ids)
            for _ = 1, math.random(1, 3) do
              if ids[at] then
                table.remove(ids, at)
              end
            end
          elseif op == 3 then -- rewrite one or two lines
            local at = math.random(1, #ids)
            ids[at] = fresh()
            if ids[at + 1] and math.random() < 0.5 then
              ids[at + 1] = fresh()
            end
          elseif #ids < 120 then -- a block of new lines
            local at = math.random(1, #ids + 1)
            for _ = 1, math.random(4, 8) do
              table.insert(ids, at, fresh())
            end
          end
        end
        n.body(text(ids))
        for _ = 1, math.random(0, 2) do
          local a = math.random(1, #ids)
          local b = math.min(#ids, a + math.random(0, 4))
          local w = n.comment(a, b)
          table.insert(written, { id = w.id, old = copy(ids), a = a, b = b, version = step })
        end
        if step % 10 == 0 then
          check(step)
        end
      end
      assert.is_true(#written >= 20)
      assert.is_true(checked >= 60)
      n.c:close()
    end)
  end
end)
