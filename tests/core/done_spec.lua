-- Closing the daily loop (csrc/journal/done.c, csrc/activity.c): `wol done`
-- marks the day's challenge done in the journal entry's front matter, and a
-- day counts for the streaks when the journal was written or an act
-- happened (a share, a question, an answer, a contribution, the challenge).
-- Real files, the real CLI and the binding.
local t = require('wolt')
local core = t.core()
local json = require('dkjson')

local function open(m, today)
  return assert(core.open({ home = m.wol_home, today = today }))
end

local function entry(m, date)
  return string.format('%s/journal/%s/%s.md', m.wol_home, date:sub(1, 4), date)
end

local function wol(m, today, args)
  return t.wol(args, m, { WOL_TODAY = today })
end

-- the text after the front matter, byte for byte
local function body(text)
  return (text:match('^%-%-%-\n.-\n%-%-%-\n(.*)$'))
end

describe('wol done', function()
  it("marks the day's challenge done in the front matter, keeping the rest byte for byte", function()
    local m = t.member('ana')
    local _, err, rc = wol(m, '2026-03-04', { 'log', 'My own words,', 'kept  as they are.' })
    assert.are.equal(0, rc, err)
    local before = t.read(entry(m, '2026-03-04'))
    local p = assert(open(m, '2026-03-04'):prompt('2026-03-04'))
    local out
    out, err, rc = wol(m, '2026-03-04', { 'done' })
    assert.are.equal(0, rc, err)
    assert.are.equal(string.format('wol: challenge of 2026-03-04 done: %s (%s)\n', p.challenge.title,
      entry(m, '2026-03-04')), out)
    local after = t.read(entry(m, '2026-03-04'))
    local doc = assert(core.parse_doc(after))
    assert.are.equal('done', doc.meta.challenge)
    assert.are.equal(p.sources.challenge, doc.meta.challenge_source)
    assert.are.equal(p.challenge.title, doc.meta.challenge_title)
    assert.are.equal('2026-03-04', doc.meta.date)
    assert.are.equal(body(before), body(after))
    assert.are.equal('600', (t.sh('stat -c %a ' .. t.shquote(entry(m, '2026-03-04'))):gsub('%s+$', '')))
    -- again: said so, nothing written
    out, err, rc = wol(m, '2026-03-04', { 'done' })
    assert.are.equal(0, rc, err)
    assert.matches('^wol: the challenge of 2026%-03%-04 was already done: ', out)
    assert.are.equal(after, t.read(entry(m, '2026-03-04')))
    -- -q prints nothing
    out, err, rc = wol(m, '2026-03-04', { 'done', '-q' })
    assert.are.equal(0, rc, err)
    assert.are.equal('', out)
  end)

  it('makes a missing entry from its template, and takes a past date, not one to come', function()
    local m = t.member('ana')
    local out, err, rc = wol(m, '2026-03-04', { 'done', 'yesterday', '--json' })
    assert.are.equal(0, rc, err)
    local r = json.decode(out)
    assert.are.same({ '2026-03-03', true, true, false }, { r.date, r.done, r.created, r.already })
    local text = t.read(entry(m, '2026-03-03'))
    assert.matches('\nchallenge: done\n', text)
    -- the template's own lines are not writing
    assert.is_false(core.journal_written(text, entry(m, '2026-03-03')))
    -- a day still to come, an impossible date: usage errors, nothing written
    out, err, rc = wol(m, '2026-03-04', { 'done', '2026-03-05' })
    assert.are.equal(2, rc)
    assert.are.equal('', out)
    assert.matches('^wol: done: 2026%-03%-05 is still to come', err)
    assert.is_false(t.exists(entry(m, '2026-03-05')))
    _, err, rc = wol(m, '2026-03-04', { 'done', '2026-02-30' })
    assert.are.equal(2, rc)
    assert.matches('not a valid calendar date', err)
    _, _, rc = wol(m, '2026-03-04', { 'done', 'today', 'extra' })
    assert.are.equal(2, rc)
    -- the binding: the same refusal with its code, and the state
    local ctx = open(m, '2026-03-04')
    local res, msg, code = ctx:journal_done('2026-03-05')
    assert.is_nil(res)
    assert.are.equal('invalid', code)
    assert.matches('still to come', msg)
    assert.is_true(ctx:journal_done_get('2026-03-03').done)
    assert.is_false(ctx:journal_done_get('2026-03-04').done)
    assert.is_false(t.exists(entry(m, '2026-03-04')))
    ctx:close()
  end)

  it("names a prompt file of one's own relative to $WOL_HOME, and refuses a broken entry", function()
    local m = t.member('ana')
    t.write(m.wol_home .. '/prompts/launch.md',
      '---\ntitle: Launch day\ndate: 2026-03-02\n---\n\n## Challenge\n\nShow the launch plan to one person.\n')
    local _, err, rc = wol(m, '2026-03-04', { 'done', '2026-03-02' })
    assert.are.equal(0, rc, err)
    local doc = assert(core.parse_doc(t.read(entry(m, '2026-03-02'))))
    assert.are.equal('prompts/launch.md', doc.meta.challenge_source)
    assert.are.equal('Launch day', doc.meta.challenge_title)
    -- front matter that cannot be read: one line, the file left as it was
    local broken = '---\ntitle: [oops\n---\nMy words.\n'
    t.write(entry(m, '2026-03-01'), broken)
    local out
    out, err, rc = wol(m, '2026-03-04', { 'done', '2026-03-01' })
    assert.are.equal(1, rc)
    assert.are.equal('', out)
    assert.matches('^wol: [^\n]*2026%-03%-01%.md:%d+: ', err)
    assert.are.equal(1, select(2, err:gsub('\n', '')))
    assert.are.equal(broken, t.read(entry(m, '2026-03-01')))
  end)
end)

describe('the offer after an act', function()
  it('is one line after a share, a question, an answer or a contribution of today, until done', function()
    local m = t.member('ana')
    local _, err, rc = wol(m, '2026-03-04', { 'init', 'c' })
    assert.are.equal(0, rc, err)
    local offer = "wol: did today's challenge? `wol done` marks it done\n"
    local src = t.tmpdir('offer') .. '/draft.md'
    t.write(src, '# Draft\n\nWords.\n')
    local out
    out, err, rc = wol(m, '2026-03-04', { 'share', src })
    assert.are.equal(0, rc, err)
    assert.are.equal(offer, out:match('\n(wol: did[^\n]*\n)$'))
    out, err, rc = wol(m, '2026-03-04', { 'ask', 'Is this clear?', '-m', 'The draft.' })
    assert.are.equal(0, rc, err)
    assert.matches(offer:gsub('%p', '%%%0') .. '$', out)
    local qid = assert(wol(m, '2026-03-04', { 'questions', '--json' }):match('"id":"([^"]+)"'))
    out, err, rc = wol(m, '2026-03-04', { 'answer', qid, '-m', 'Mostly.' })
    assert.are.equal(0, rc, err)
    assert.matches(offer:gsub('%p', '%%%0') .. '$', out)
    _, err, rc = wol(m, '2026-03-04', { 'people', 'add', 'Bo' })
    assert.are.equal(0, rc, err)
    out, err, rc = wol(m, '2026-03-04', { 'give', 'bo', 'a pointer' })
    assert.are.equal(0, rc, err)
    assert.matches('^wol: gave to Bo: 2026%-03%-04 %d%d:%d%d a pointer\n' .. offer:gsub('%p', '%%%0') .. '$', out)
    -- not for another day's contribution, nor with -q, nor as JSON
    out = wol(m, '2026-03-04', { 'give', 'bo', 'an old favour', '--date', '2026-03-01' })
    assert.not_matches('wol done', out)
    out = wol(m, '2026-03-04', { 'give', '-q', 'bo', 'quietly' })
    assert.are.equal('', out)
    out = wol(m, '2026-03-04', { 'give', 'bo', 'as JSON', '--json' })
    assert.is_truthy(json.decode(out))
    -- once done, no more offers; resolving is not offered at all
    _, err, rc = wol(m, '2026-03-04', { 'done', '-q' })
    assert.are.equal(0, rc, err)
    out = wol(m, '2026-03-04', { 'give', 'bo', 'after the challenge' })
    assert.not_matches('wol done', out)
  end)
end)

describe('active days', function()
  local function stats(m, today)
    local out, err, rc = wol(m, today, { 'stats', '--json' })
    assert.are.equal(0, rc, err)
    return json.decode(out)
  end

  it('count the journal written or an act: a share, a contribution, the challenge done', function()
    -- the handle of this process too, so the binding looks for the same member's acts
    local m = t.member('tester')
    local _, err, rc = wol(m, '2026-03-01', { 'init', 'c' })
    assert.are.equal(0, rc, err)
    local src = t.tmpdir('acts') .. '/plan.md'
    t.write(src, '# Plan\n\nA first draft.\n')
    -- Monday: a share; Tuesday: a contribution; Wednesday: the challenge;
    -- Thursday: the journal; Friday (today): nothing yet
    _, err, rc = wol(m, '2026-03-02', { 'share', src })
    assert.are.equal(0, rc, err)
    _, err, rc = wol(m, '2026-03-03', { 'people', 'add', 'Bo' })
    assert.are.equal(0, rc, err)
    _, err, rc = wol(m, '2026-03-03', { 'give', 'bo', 'an introduction' })
    assert.are.equal(0, rc, err)
    _, err, rc = wol(m, '2026-03-04', { 'done' })
    assert.are.equal(0, rc, err)
    _, err, rc = wol(m, '2026-03-05', { 'log', 'wrote about the week' })
    assert.are.equal(0, rc, err)
    local s = stats(m, '2026-03-06')
    assert.are.same({ 4, 4, 4, 4, 1, 3, 1, false, false, '2026-03-05' },
      { s.current, s.longest, s.week, s.active, s.written, s.acted, s.total, s.today_active, s.today_written,
        s.last })
    -- an act today carries the streak on and ticks today: the note shared
    -- again (a new version counts on the day its file changed here)
    t.write(src, '# Plan\n\nA second draft.\n')
    _, err, rc = wol(m, '2026-03-06', { 'share', src })
    assert.are.equal(0, rc, err)
    local note = m.wol_home .. '/circles/c/notes/tester/plan.md'
    assert.is_true(t.exists(note))
    t.sh("touch -d '2026-03-06 12:00' " .. t.shquote(note))
    _, err, rc = wol(m, '2026-03-06', { 'index' })
    assert.are.equal(0, rc, err)
    s = stats(m, '2026-03-06')
    assert.are.same({ 5, 4, true, true, false }, { s.current, s.acted, s.today_active, s.today_acted,
      s.today_written })
    -- the binding gives the same tree
    local ctx = open(m, '2026-03-06')
    local ls = assert(ctx:journal_stats())
    assert.are.same(s, ls)
    ctx:close()
    -- the dashboard's streak and heat map count the same days
    local out
    out, err, rc = wol(m, '2026-03-06', { 'status', '--json' })
    assert.are.equal(0, rc, err)
    local st = json.decode(out)
    assert.are.equal(5, st.streak)
    assert.are.equal(5, st.active_week)
    assert.are.equal(1, st.journal_week)
    local level = {}
    for _, d in ipairs(st.grid.days) do
      level[d.date] = d
    end
    assert.are.same({ 1, 1, 0 }, { level['2026-03-03'].level, level['2026-03-03'].acts, level['2026-03-03'].mine })
    assert.are.same({ 1, 1 }, { level['2026-03-04'].level, level['2026-03-04'].acts })
    assert.is_true(level['2026-03-05'].journal)
    assert.are.equal(1, level['2026-03-02'].mine)
    assert.are.equal(0, level['2026-03-01'].level)
  end)

  it('break on a day with nothing, and leave days to come out', function()
    local m = t.member('ana')
    for _, d in ipairs({ '2026-03-02', '2026-03-03' }) do
      local _, err, rc = wol(m, d, { 'done' })
      assert.are.equal(0, rc, err)
    end
    -- an entry written ahead of time does not count yet
    t.write(entry(m, '2026-03-09'), '---\ndate: 2026-03-09\n---\nPlans.\n')
    local s = stats(m, '2026-03-05')
    assert.are.same({ 0, 2, 2, 0, 2 }, { s.current, s.longest, s.active, s.written, s.acted })
    assert.are.equal(3, s.entries)
    -- no circle: no index is made for the streaks
    assert.is_false(t.exists(m.wol_home .. '/index.db'))
  end)
end)
