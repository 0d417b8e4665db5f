-- Feedback on shared notes through the binding and the CLI: records and
-- commits as doc/format.md says, the rules of who may write what, one
-- clear line for bad input, and hostile records (written with plain git)
-- that are skipped, flagged or clamped, never fatal.
local t = require('wolt')
local core = t.core()
local json = require('dkjson')

local function commits(dir)
  return tonumber((t.git(dir, 'rev-list --count HEAD')):match('%d+'))
end

-- A solo circle of the suite's member (tester) with one shared note.
local function solo(tag)
  local me = { home = os.getenv('HOME'), wol_home = t.tmpdir(tag) }
  local _, err, rc = t.wol({ 'init', 'solo' }, me)
  assert(rc == 0, err)
  local ctx = assert(core.open({ home = me.wol_home }))
  local c = assert(ctx:circle_open('solo'))
  local rel = assert(c:note_new('Onboarding guide'))
  local abs = c:path() .. '/' .. rel
  local text = t.read(abs) .. 'Step one: say hello.\nStep two: pair on a task.\nStep three: ship it.\n'
  t.write(abs, text)
  assert(c:share({ file = abs }))
  return { me = me, ctx = ctx, c = c, rel = rel, abs = abs, dir = c:path(), lines = select(2, text:gsub('\n', '')) }
end

local function wol(s, args)
  local out, err, rc = t.wol(args, s.me)
  return out, err, rc
end

describe('feedback on one machine', function()
  local s
  before_each(function()
    s = solo('fb')
  end)
  after_each(function()
    s.c:close()
  end)

  it('writes comments, suggestions, reactions and replies as records and commits people can read', function()
    local c, rel = s.c, s.rel
    local w = assert(c:comment({ note = rel, line1 = 11, line2 = 12, text = 'Say hello to whom?\n' }))
    assert.matches('^feedback/%d+T%d+Z%-tester%-%x+/%d+T%d+Z%-tester%-%x+%.md$', w.path)
    assert.are.equal(rel, w.note)
    assert.are.equal('Onboarding guide', w.note_title)
    local rec = t.read(s.dir .. '/' .. w.path)
    assert.matches('^%-%-%-\nkind: comment\nnote: ' .. rel:gsub('%-', '%%-') .. '\ncommit: %x+\nlines: 11%-12\n', rec)
    assert.matches('\nauthor: tester\ncreated: %d+%-%d+%-%d+T[%d:]+Z\nlamport: 1\nid: ' .. w.id:gsub('%-', '%%-') .. '\n', rec)
    assert.matches('\n\nSay hello to whom%?\n$', rec)
    -- the note's id names the folder: the one in its front matter
    local nid = t.read(s.abs):match('\nid: (%S+)\n')
    assert.are.equal(nid, w.note_id)
    assert.are.equal('feedback/' .. nid .. '/' .. w.id .. '.md', w.path)
    local msg = t.git(s.dir, 'log -1 --format=%B')
    assert.matches('^comment%(tester%): Onboarding guide %(lines 11%-12%)\n', msg)
    assert.matches('\nWol%-Kind: comment\nWol%-Id: ' .. w.id:gsub('%-', '%%-') .. '\nWol%-Note: ' .. nid:gsub('%-', '%%-'), msg)

    local sg = assert(c:comment({ note = rel, kind = 'suggestion', line1 = 13, text = 'Ship it together.' }))
    assert.matches('^suggest%(tester%): Onboarding guide %(lines 13%)', t.git(s.dir, 'log -1 --format=%s'))
    local r = assert(c:comment({ note = s.abs, kind = 'reaction', reaction = '+1' }))
    assert.matches('^react%(tester%): %+1 on Onboarding guide\n', t.git(s.dir, 'log -1 --format=%B'))
    local rp = assert(c:comment({ note = nid, reply_to = w.id:sub(-8), text = 'To the whole team.' }))
    assert.matches('^reply%(tester%): Onboarding guide', t.git(s.dir, 'log -1 --format=%s'))
    assert.matches('\nreply%-to: ' .. w.id:gsub('%-', '%%-') .. '\n', t.read(s.dir .. '/' .. rp.path))

    local fb = assert(c:feedback({ note = rel }))
    assert.are.equal(nid, fb.note_id)
    assert.are.equal('tester', fb.note_author)
    assert.are.equal(s.lines, fb.lines)
    assert.are.same({}, fb.warnings)
    -- by place: the whole-note reaction on the heading (line 9), then the thread on 11-12, then 13
    local order = {}
    for _, it in ipairs(fb.items) do
      order[#order + 1] = it.id
    end
    assert.are.same({ r.id, w.id, rp.id, sg.id }, order)
    local byid = {}
    for _, it in ipairs(fb.items) do
      byid[it.id] = it
    end
    assert.are.equal('note', byid[r.id].anchor)
    assert.are.equal(9, byid[r.id].start)
    assert.are.equal('+1', byid[r.id].reaction)
    assert.are.equal('', byid[r.id].text)
    assert.are.equal('current', byid[w.id].anchor)
    assert.are.same({ 11, 12 }, { byid[w.id].start, byid[w.id]['end'] })
    assert.are.equal(w.id, byid[rp.id].thread)
    assert.are.same({ 11, 12 }, { byid[rp.id].start, byid[rp.id]['end'] })
    assert.are.equal('suggestion', byid[sg.id].kind)
    assert.are.same({ 13, 13 }, { byid[sg.id].start, byid[sg.id]['end'] })
    assert.is_true(byid[rp.id].lamport > byid[w.id].lamport)
    assert.is_true(byid[w.id].mine)

    -- addressed, by the note's author, with what changed
    local a = assert(c:feedback_addressed(w.id:sub(1, 24) .. w.id:sub(25), 'Named the team lead.'))
    assert.matches('^addressed%(tester%): Onboarding guide %(comment by tester%)', t.git(s.dir, 'log -1 --format=%s'))
    assert.matches('\nkind: addressed\ntarget: ' .. w.id:gsub('%-', '%%-') .. '\n', t.read(s.dir .. '/' .. a.path))
    fb = assert(c:feedback({ note = rel, check = true }))
    for _, it in ipairs(fb.items) do
      byid[it.id] = it
    end
    assert.is_true(byid[w.id].addressed)
    assert.are.equal('Named the team lead.', byid[w.id].addressed_text)
    assert.are.equal(a.id, byid[w.id].addressed_id)
    assert.is_false(byid[sg.id].addressed)
    assert.is_false(byid[w.id].forged)
    assert.are.equal('Test User <test@example.org>', byid[w.id].committer)
    local nilv, err = c:feedback_addressed(w.id)
    assert.is_nil(nilv)
    assert.matches("^wol: addressed: tester's comment was marked addressed already", err)

    -- the shell shows the same tree; its text names lines, kinds and states
    local out, e, rc = wol(s, { 'feedback', rel, '--json' })
    assert.are.equal(0, rc, e)
    local j = json.decode(out)
    assert.are.equal(#fb.items, #j.items)
    for i, it in ipairs(j.items) do
      assert.are.equal(fb.items[i].id, it.id)
      assert.are.equal(fb.items[i].start, it.start)
      assert.are.equal(fb.items[i].anchor, it.anchor)
    end
    out, e, rc = wol(s, { 'feedback', rel })
    assert.are.equal(0, rc, e)
    assert.matches('^Onboarding guide %(' .. rel:gsub('%-', '%%-') .. ' by tester%): 4 items\n', out)
    assert.matches('\n11%-12  comment by tester, [^\n]*%(addressed%)  %[' .. w.id:gsub('%-', '%%-') .. '%]\n    Say hello to whom%?\n    %-%- addressed: Named the team lead%.\n', out)
    assert.matches('\n9  reaction %+1 by tester, [^\n]*%(the whole note%)', out)
    out, e, rc = wol(s, { 'feedback', '--mine' })
    assert.are.equal(0, rc, e)
    assert.matches(rel:gsub('%-', '%%-') .. ':13  suggestion by tester', out)
    assert.are.equal('', t.git(s.dir, 'status --porcelain'))
  end)

  it('writes through the shell: wol comment, wol react, wol addressed', function()
    local out, err, rc = wol(s, { 'comment', s.rel, '--lines', '12', '-m', 'Pair with whom?', '--json' })
    assert.are.equal(0, rc, err)
    local w = json.decode(out)
    assert.matches('^feedback/', w.path)
    assert.are.equal(s.rel, w.note)
    assert.is_false(w.has_remote)
    out, err, rc = wol(s, { 'react', s.rel, 'idea', '--lines', '11-13', '-m', 'A checklist?' })
    assert.are.equal(0, rc, err)
    assert.matches('^wol: reacted on ' .. s.rel:gsub('%-', '%%-') .. ' %(%x+%): feedback/', out)
    out, err, rc = wol(s, { 'addressed', w.id:sub(-8), '-m', 'Named a buddy' })
    assert.are.equal(0, rc, err)
    assert.matches('^wol: marked addressed on ', out)
    local fb = assert(s.c:feedback({ note = s.rel }))
    assert.are.equal(2, #fb.items)
    assert.are.equal('idea', fb.items[1].reaction)
    assert.are.equal('A checklist?', fb.items[1].text)
    assert.are.same({ 11, 13 }, { fb.items[1].start, fb.items[1]['end'] })
    assert.is_true(fb.items[2].addressed)
    -- one tree per result: `wol feedback --json` is circle:feedback(), a
    -- write's tree has the shape of circle:comment()'s
    local tree = require('treet')
    out, err, rc = wol(s, { 'feedback', s.rel, '--json' })
    assert.are.equal(0, rc, err)
    tree.same(out, assert(s.c:feedback({ note = s.rel, check = true })))
    out, err, rc = wol(s, { 'feedback', '--mine', '--json' })
    assert.are.equal(0, rc, err)
    tree.same(out, assert(s.c:feedback({ mine = true, check = true })))
    out, err, rc = wol(s, { 'comment', s.rel, '-m', 'From the shell', '--json' })
    assert.are.equal(0, rc, err)
    tree.same_shape(out, assert(s.c:comment({ note = s.rel, text = 'From Lua' })))
    -- write commands say nothing with -q
    for _, args in ipairs({ { 'comment', '-q', s.rel, '-m', 'Quietly' }, { 'react', '--quiet', s.rel, 'thanks' },
      { 'addressed', '-q', fb.items[1].id } }) do
      out, err, rc = wol(s, args)
      assert.are.equal(0, rc, table.concat(args, ' ') .. ': ' .. err)
      assert.are.equal('', out, table.concat(args, ' '))
    end
  end)

  it('refuses bad input with one clear line and commits nothing', function()
    t.write(s.dir .. '/notes/tester/draft.md', '---\ntitle: Draft\nid: 20260101T000000Z-tester-abcd\n---\n\ntext\n')
    local before = commits(s.dir)
    local cases = {
      { { 'comment', s.rel, '-m', '  \n ' }, '^wol: comment: the text is empty' },
      { { 'comment', s.rel, '--lines', '90-95', '-m', 'x' }, '^wol: comment: lines 90%-95: ' .. s.rel:gsub('%-', '%%-') .. ' has ' .. s.lines .. ' lines; nothing was committed' },
      { { 'comment', 'notes/tester/none.md', '-m', 'x' }, '^wol: feedback: notes/tester/none%.md: no such note; nothing was committed' },
      { { 'comment', 'questions/x/question.md', '-m', 'x' }, 'is not a shared note' },
      { { 'comment', 'notes/../circle.md', '-m', 'x' }, 'is not a shared note' },
      { { 'comment', '/etc/passwd', '-m', 'x' }, "is not in circle 'solo'" },
      { { 'comment', '20990101T000000Z-tester-ffff', '-m', 'x' }, "no note has the id '20990101T000000Z%-tester%-ffff'" },
      -- refused by a rule: exit 5 (:help wol-exit)
      { { 'comment', 'notes/tester/draft.md', '-m', 'x' }, 'is not shared yet %(not committed%)', 5 },
      { { 'comment', s.rel, '-m', '-----BEGIN OPENSSH PRIVATE KEY-----' }, 'looks like a private key block', 5 },
      { { 'comment', s.rel, '--reply', 'nosuch', '-m', 'x' }, "^wol: comment: 'nosuch': no such feedback on this note" },
      { { 'addressed', 'nosuch' }, "^wol: addressed: 'nosuch': no such feedback" },
    }
    for _, case in ipairs(cases) do
      local _, err, rc = wol(s, case[1])
      assert.are.equal(case[3] or 1, rc, table.concat(case[1], ' ') .. ': ' .. err)
      assert.matches(case[2], err)
      assert.are.equal(1, select(2, err:gsub('\n', '')), err)
      assert.are.equal(before, commits(s.dir), table.concat(case[1], ' '))
    end
    -- usage errors exit 2, an unknown reaction too (the library's list decides)
    for _, args in ipairs({ { 'comment', s.rel }, { 'comment', s.rel, '--lines', '3-1', '-m', 'x' },
      { 'comment', '-m', 'x' }, { 'react', s.rel }, { 'addressed' }, { 'feedback', s.rel, '--mine' },
      { 'react', s.rel, 'clap' } }) do
      local _, err, rc = wol(s, args)
      assert.are.equal(2, rc, table.concat(args, ' ') .. ': ' .. err)
      assert.are.equal(1, select(2, err:gsub('\n', '')), err)
      assert.matches('%(see: wol %a+ ', err)
    end
    local _, err = wol(s, { 'react', s.rel, 'clap' })
    assert.matches("^wol: react: 'clap' is not a reaction %(thanks, %+1, idea, question%)", err)
    assert.are.equal(before, commits(s.dir))
    -- the binding: kinds and lines
    local nilv, err = s.c:comment({ note = s.rel, kind = 'praise', text = 'x' })
    assert.is_nil(nilv)
    assert.matches("'praise' is not a kind of feedback", err)
    nilv, err = s.c:comment({ note = s.rel, line1 = 5, line2 = 2, text = 'x' })
    assert.is_nil(nilv)
    assert.matches('lines 5%-2 are not a range', err)
    assert.has_error(function()
      s.c:comment({ note = s.rel, line1 = 'x' })
    end)
    assert.are.equal(before, commits(s.dir))
    -- an ambiguous reference lists the candidates
    local a = assert(s.c:comment({ note = s.rel, text = 'one' }))
    local b = assert(s.c:comment({ note = s.rel, text = 'two' }))
    nilv, err = s.c:feedback_addressed(a.id:sub(1, 4))
    assert.is_nil(nilv)
    assert.matches('is ambiguous: it matches ', err)
    assert.matches(a.id, err, 1, true)
    assert.matches(b.id, err, 1, true)
  end)
end)

describe('a note without an id', function()
  it('takes feedback under the key of its path, keeps it when the note gets an id, and orphans it on a rename', function()
    local s = solo('fb-noid')
    local rel = 'notes/tester/plain.md'
    t.write(s.dir .. '/' .. rel, '# Plain\n\nno front matter\nsecond line\n')
    local out, err, rc = wol(s, { 'share', s.dir .. '/' .. rel })
    assert.are.equal(0, rc, err .. out)
    local w = assert(s.c:comment({ note = rel, line1 = 3, text = 'On a note written by hand.' }))
    -- "path-" and the git blob id of the path's text
    local blob = t.sh('printf %s ' .. rel .. ' | git hash-object --stdin'):match('%x+')
    assert.are.equal('path-' .. blob:sub(1, 20), w.note_id)
    assert.are.equal('feedback/' .. w.note_id .. '/' .. w.id .. '.md', w.path)
    assert.are.equal('# Plain\n\nno front matter\nsecond line\n', t.read(s.dir .. '/' .. rel))
    local fb = assert(s.c:feedback({ note = rel }))
    assert.are.equal(w.note_id, fb.note_id)
    assert.are.same({ 3, 3, 'current' }, { fb.items[1].start, fb.items[1]['end'], fb.items[1].anchor })
    local hits = assert(s.ctx:search('kind:feedback hand'))
    assert.are.equal(1, #hits)
    assert.are.equal('Feedback on plain', hits[1].title)
    -- its author gives it an id (and moves the text down): both folders are read
    t.write(s.dir .. '/' .. rel, '---\nid: 20260301T000000Z-tester-abcd\n---\n# Plain\n\nno front matter\nsecond line\n')
    assert(s.c:share({ file = s.dir .. '/' .. rel }))
    local w2 = assert(s.c:comment({ note = rel, line1 = 7, text = 'After the id.' }))
    assert.are.equal('20260301T000000Z-tester-abcd', w2.note_id)
    fb = assert(s.c:feedback({ note = rel }))
    assert.are.equal(2, #fb.items)
    assert.are.same({ 6, 'current' }, { fb.items[1].start, fb.items[1].anchor })
    assert.are.same({ 7, 'current' }, { fb.items[2].start, fb.items[2].anchor })
    -- replies and marks reach across: one thread, addressed by the author
    assert(s.c:comment({ note = rel, reply_to = w.id, text = 'A reply.' }))
    assert(s.c:feedback_addressed(w.id, 'done'))
    fb = assert(s.c:feedback({ note = rel }))
    assert.are.equal(3, #fb.items)
    assert.is_true(fb.items[1].addressed)
    assert.are.equal(w.id, fb.items[2].thread)
    -- renamed: the id's feedback follows, the path's is listed as orphaned
    out, rc = t.git(s.dir, 'mv ' .. rel .. ' notes/tester/moved.md && git -C ' .. t.shquote(s.dir) .. ' commit -q -m mv')
    assert.are.equal(0, rc, out)
    fb = assert(s.c:feedback({ note = 'notes/tester/moved.md' }))
    assert.are.equal(1, #fb.items)
    assert.are.equal(w2.id, fb.items[1].id)
    local all = assert(s.c:feedback({ mine = true }))
    local orphans = 0
    for _, it in ipairs(all.items) do
      if it.orphaned then
        orphans = orphans + 1
        assert.are.equal('tester', it.note_author)
        assert.are.equal(rel, it.wrote_on)
      end
    end
    assert.are.equal(2, orphans) -- the comment and the reply (the mark is not an item)
    s.c:close()
  end)
end)

describe('hostile feedback records', function()
  local interp = os.getenv('WOL_TEST_INTERP') or 'luajit'
  local s, nid, fdir
  local function put(name, text)
    t.write(fdir .. '/' .. name, text)
  end
  local function commit_as(who, msg)
    local out, rc = t.sh('cd ' .. t.shquote(s.dir) .. ' && git add -A && git -c ' .. t.shquote('user.name=' .. who)
      .. ' -c user.email=' .. who:lower():gsub(' ', '') .. '@example.org commit -q -m ' .. t.shquote(msg))
    assert(rc == 0, msg .. ': ' .. out)
  end
  local function rec(fields, body)
    return '---\n' .. table.concat(fields, '\n') .. '\n---\n\n' .. (body or '') .. '\n'
  end

  setup(function()
    s = solo('hostile-fb')
    nid = t.read(s.abs):match('\nid: (%S+)\n')
    fdir = s.dir .. '/feedback/' .. nid
  end)
  teardown(function()
    s.c:close()
  end)

  it('skips, flags or clamps what is wrong and shows the rest', function()
    local head = t.git(s.dir, 'rev-parse HEAD'):match('%x+')
    local function ok(id, extra)
      local f = { 'kind: comment', 'note: ' .. s.rel, 'commit: ' .. head, 'author: tester', 'lamport: 5', 'id: ' .. id }
      for _, x in ipairs(extra or {}) do
        f[#f + 1] = x
      end
      return f
    end
    put('20260101T000001Z-tester-0001.md', rec(ok('20260101T000001Z-tester-0001', { 'lines: 11-9999' }), 'past the end'))
    put('20260101T000002Z-tester-0002.md', rec({ 'kind: comment', 'note: ' .. s.rel, 'commit: ' .. string.rep('ab', 20),
      'lines: 12-12', 'author: tester', 'lamport: 6' }, 'a commit this clone lacks'))
    put('20260101T000003Z-tester-0003.md', rec(ok('x', { 'lines: twelve' }), 'lines that are not lines'))
    put('20260101T000004Z-tester-0004.md', rec(ok('x', { 'reply-to: 20260101T000005Z-tester-0005' }), 'a circle'))
    put('20260101T000005Z-tester-0005.md', rec(ok('x', { 'reply-to: 20260101T000004Z-tester-0004' }), 'round'))
    put('20260101T000006Z-tester-0006.md', rec({ 'kind: comment', 'author: tester', 'lamport: 7' }, 'forged: tester did not write this'))
    put('20260101T000007Z-tester-0007.md', rec({ 'kind: applause', 'author: tester', 'lamport: 8' }, 'a kind from the future'))
    put('20260101T000008Z-tester-0008.md', rec({ 'kind: reaction', 'reaction: "' .. string.rep('A', 300) .. '"', 'author: tester', 'lamport: 9' }))
    put('20260101T000009Z-tester-0009.md', rec({ 'kind: comment', 'author: tester', 'lamport: 10' }, ''))
    put('20260101T000010Z-tester-0010.md', '---\nkind: [unclosed\n---\n')
    put('20260101T000011Z-tester-0011.md', rec({ 'kind: comment', 'author: tester', 'lamport: 11' }, 'bad \255 bytes'))
    put('20260101T000012Z-tester-0012.md', rec({ 'kind: comment', 'author: tester', 'lamport: 12' }, string.rep('x', 3 * 1024 * 1024)))
    put('20260101T000013Z-tester-0013.md', rec({ 'kind: addressed', 'target: 20260101T000001Z-tester-0001', 'author: mallory', 'lamport: 13' }))
    put('20260101T000014Z-tester-0014.md', rec({ 'kind: comment', 'author: tester', 'lamport: 99999999999999999999' }, 'huge lamport'))
    put('not an id.md', rec({ 'kind: comment', 'author: tester', 'lamport: 1' }, 'bad name'))
    put('20260101T000015Z-tester-0015.md', rec({ 'kind: comment', 'author: tester', 'lamport: 14',
      'lines: 3-x' }, 'escape \027]52;c;AAAA\007 and \027[31m in text'))
    t.sh('ln -s /etc/passwd ' .. t.shquote(fdir .. '/20260101T000016Z-tester-0016.md'))
    t.sh('mkdir -p ' .. t.shquote(s.dir .. '/feedback/..hidden') .. ' ' .. t.shquote(s.dir .. '/feedback/bad name'))
    t.write(s.dir .. '/feedback/bad name/x.md', rec({ 'kind: comment', 'author: tester', 'lamport: 1' }, 'x'))
    -- a folder for a note that does not exist
    t.write(s.dir .. '/feedback/20250101T000000Z-ghost-beef/20260101T000000Z-bo-0001.md',
      rec({ 'kind: comment', 'note: notes/ghost/gone.md', 'lines: 3-4', 'author: bo', 'lamport: 1' }, 'about a note that is gone'))
    commit_as('Mallory', 'hostile feedback')

    local fb = assert(s.c:feedback({ note = s.rel, check = true }))
    local byid = {}
    for _, it in ipairs(fb.items) do
      byid[it.id] = it
      assert.is_true(it.start >= 1 and it['end'] >= it.start and it['end'] <= fb.lines, it.id)
    end
    local past = byid['20260101T000001Z-tester-0001']
    assert.is_true(past.clamped)
    assert.are.equal(s.lines, past['end'])
    local lacking = byid['20260101T000002Z-tester-0002']
    assert.are.equal('unknown', lacking.anchor)
    assert.are.same({ 12, 12 }, { lacking.start, lacking['end'] })
    local nolines = byid['20260101T000003Z-tester-0003']
    assert.are.equal('note', nolines.anchor)
    assert.matches("'lines' is not a range", nolines.problem)
    for _, id in ipairs({ '20260101T000004Z-tester-0004', '20260101T000005Z-tester-0005' }) do
      assert.are.equal(id, byid[id].thread)
      assert.matches('goes round in a circle', byid[id].problem)
    end
    assert.is_true(byid['20260101T000006Z-tester-0006'].forged)
    assert.matches('says it is by tester, but was committed by Mallory', byid['20260101T000006Z-tester-0006'].problem)
    assert.is_nil(byid['20260101T000007Z-tester-0007'])
    assert.is_nil(byid['20260101T000008Z-tester-0008'])
    assert.is_nil(byid['20260101T000009Z-tester-0009'])
    assert.is_false(past.addressed) -- mallory is not the note's author
    assert.is_truthy(byid['20260101T000015Z-tester-0015'])
    local warn = table.concat(fb.warnings, '\n')
    for _, expect in ipairs({
      "0007%.md: unknown kind 'applause'",
      '0008%.md: not a known reaction',
      '0009%.md: a comment without text',
      '0010%.md:%d+: .*feedback skipped',
      '0011%.md: not valid UTF%-8',
      '0012%.md: .*feedback skipped',
      "0013%.md: only the note's author can mark feedback addressed; ignored",
      '0014%.md: no valid lamport',
      'not an id%.md: not a record name',
      '0016%.md',
    }) do
      assert.matches(expect, warn)
    end
    -- every note: the ghost's feedback is listed as orphaned; odd folders are named
    local all = assert(s.c:feedback())
    local ghost
    for _, it in ipairs(all.items) do
      if it.note_id == '20250101T000000Z-ghost-beef' then
        ghost = it
      end
    end
    assert.is_true(ghost.orphaned)
    assert.are.equal('ghost', ghost.note_author)
    assert.are.same({ 3, 4 }, { ghost.start, ghost['end'] })
    assert.matches("feedback/bad name: not a note id; skipped", table.concat(all.warnings, '\n'))
    -- every note checked: the authors of all folders are found in one walk
    -- of the history, with the same verdicts as the note's own listing
    local checked = assert(s.c:feedback({ check = true }))
    local seen = 0
    for _, it in ipairs(checked.items) do
      if byid[it.id] and it.note_id == fb.note_id then
        seen = seen + 1
        assert.are.equal(byid[it.id].forged, it.forged, it.id)
        assert.are.equal(byid[it.id].problem, it.problem, it.id)
      elseif it.note_id == '20250101T000000Z-ghost-beef' then
        assert.is_true(it.forged) -- bo is not a member; Mallory committed it
        assert.matches("author 'bo' is not a member of the circle %(committed by Mallory", it.problem)
      end
    end
    assert.are.equal(#fb.items, seen)
    -- the shell: warnings on stderr, text from records made safe for a terminal
    local out, err, rc = wol(s, { 'feedback', s.rel })
    assert.are.equal(0, rc, err)
    assert.matches('!! comment by tester', out)
    assert.matches('unknown kind', err)
    assert.is_nil(out:find('[\027\007]'), 'control characters reach the terminal')
    assert.matches('escape \\x1b%]52;c;AAAA\\x07', out)
    -- a huge note of feedback: 10,000 records in one folder, read from the work tree
    if interp == 'luajit' then
      local lines = {}
      for i = 1, 10000 do
        local id = string.format('20260201T%06dZ-tester-%04x', i % 240000, i)
        lines[#lines + 1] = id
        local f = assert(io.open(string.format('%s/%s.md', fdir, id), 'wb'))
        f:write(rec({ 'kind: comment', 'note: ' .. s.rel, 'commit: ' .. head,
          'lines: ' .. (1 + i % 20) .. '-' .. (2 + i % 20), 'author: tester', 'lamport: ' .. i }, 'comment ' .. i))
        f:close()
      end
      -- (not committed: git would take longer to hash them than wol to read them)
      local big = assert(s.c:feedback({ note = s.rel }))
      local n = 0
      for _, it in ipairs(big.items) do
        if it.text:match('^comment %d+$') then
          n = n + 1
          assert.is_true(it['end'] <= big.lines)
        end
      end
      assert.are.equal(10000, n)
      out, err, rc = wol(s, { 'feedback', s.rel, '--json' })
      assert.are.equal(0, rc, err)
      assert.is_true(#json.decode(out).items >= 10000)
    end
  end)
end)

describe('feedback on all my notes', function()
  it('lists it newest first, with replies and every note of mine, and leaves out the notes of others', function()
    local s = solo('fb-mine')
    local second = assert(s.c:note_new('Second note'))
    assert(s.c:share({ file = s.dir .. '/' .. second }))
    local nid1 = t.read(s.abs):match('\nid: (%S+)\n')
    local nid2 = t.read(s.dir .. '/' .. second):match('\nid: (%S+)\n')
    -- records as another member's tool would write them, times interleaved
    -- across the two notes (ids sort by their UTC stamp)
    local function put(nid, id, extra, body)
      t.write(string.format('%s/feedback/%s/%s.md', s.dir, nid, id), '---\nkind: comment\nauthor: bo\nlamport: 1\n'
        .. (extra or '') .. 'id: ' .. id .. '\n---\n\n' .. body .. '\n')
    end
    put(nid1, '20260101T000001Z-bo-0001', nil, 'oldest, on the first note')
    put(nid2, '20260101T000003Z-bo-0003', nil, 'on the second note')
    put(nid1, '20260101T000002Z-bo-0002', nil, 'on the first note again')
    put(nid2, '20260101T000004Z-bo-0004', 'reply-to: 20260101T000003Z-bo-0003\n', 'newest: a reply')
    -- bo's own note, with feedback newer than all of the above
    t.write(s.dir .. '/notes/bo/his.md', '---\ntitle: His\nid: 20260101T000000Z-bo-beef\n---\n\ntext\n')
    put('20260101T000000Z-bo-beef', '20260101T000005Z-bo-0005', nil, 'on a note of bo')
    t.git(s.dir, 'add -A && git -C ' .. t.shquote(s.dir) .. ' commit -q -m "feedback by hand"')
    local order = {}
    for _, it in ipairs(assert(s.c:feedback({ mine = true })).items) do
      order[#order + 1] = it.id:sub(-4) .. ' ' .. it.note_id
    end
    assert.are.same({ '0004 ' .. nid2, '0003 ' .. nid2, '0002 ' .. nid1, '0001 ' .. nid1 }, order)
    -- the shell lists the same, newest first
    local out, err, rc = wol(s, { 'feedback', '--mine', '--json' })
    assert.are.equal(0, rc, err)
    local ids = {}
    for _, it in ipairs(json.decode(out).items) do
      ids[#ids + 1] = it.id:sub(-4)
    end
    assert.are.same({ '0004', '0003', '0002', '0001' }, ids)
    -- every note: bo's note too, its feedback the newest
    local all = assert(s.c:feedback())
    assert.are.equal(5, #all.items)
    assert.are.equal('20260101T000005Z-bo-0005', all.items[1].id)
    assert.are.equal('bo', all.items[1].note_author)
    s.c:close()
  end)
end)

describe('a circle of format 1', function()
  it('takes feedback as it is: nothing is rewritten, no warning', function()
    local s = solo('fb-format1')
    local cm = t.read(s.dir .. '/circle.md'):gsub('\nformat: %d+\n', '\nformat: 1\n')
    t.write(s.dir .. '/circle.md', cm)
    t.git(s.dir, 'commit -q -am "as a format 1 circle"')
    local info = assert(s.c:info())
    assert.are.equal(1, info.format)
    assert.are.same({}, info.warnings)
    local w = assert(s.c:comment({ note = s.rel, line1 = 12, text = 'Works in an older circle.' }))
    assert.are.equal('format: 1', t.git(s.dir, 'show HEAD:circle.md'):match('format: %d+'))
    local fb = assert(s.c:feedback({ note = s.rel }))
    assert.are.equal(w.id, fb.items[1].id)
    s.c:close()
  end)
end)

describe('feedback in the search index', function()
  it('finds feedback (kind:feedback) under the title of its note, and follows a renamed note', function()
    local s = solo('fb-index')
    local w = assert(s.c:comment({ note = s.rel, line1 = 12, text = 'A quokka would help here.' }))
    assert(s.c:comment({ note = s.rel, kind = 'reaction', reaction = 'idea', text = 'quokka pictures' }))
    local hits = assert(s.ctx:search('quokka kind:feedback'))
    assert.are.equal(2, #hits)
    for _, h in ipairs(hits) do
      assert.are.equal('feedback', h.kind)
      assert.are.equal('Feedback on Onboarding guide', h.title)
      assert.are.equal('tester', h.author)
      assert.are.equal('solo', h.circle)
      assert.matches('^circles/solo/feedback/', h.path)
    end
    -- the note searched alone is not feedback
    assert.are.equal(0, #assert(s.ctx:search('quokka kind:note')))
    -- renamed: the hits take the title of the note that carries the id now
    local text = t.read(s.abs):gsub('title: Onboarding guide', 'title: Buddy guide')
    t.write(s.abs, text)
    assert(s.c:share({ file = s.abs }))
    local out, rc = t.git(s.dir, 'mv ' .. s.rel .. ' notes/tester/buddy.md && git -C ' .. t.shquote(s.dir)
      .. ' commit -q -m rename')
    assert.are.equal(0, rc, out)
    hits = assert(s.ctx:search('quokka kind:feedback'))
    assert.are.equal('Feedback on Buddy guide', hits[1].title)
    -- the shell lists them the same way
    local j, err, code = t.wol({ 'search', 'kind:feedback', 'quokka', '--json' }, s.me)
    assert.are.equal(0, code, err)
    assert.matches('"title":"Feedback on Buddy guide"', j)
    assert.matches(w.id, j, 1, true)
    s.c:close()
  end)
end)
