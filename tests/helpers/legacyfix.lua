-- A fixture circle with known content, for the export's and the weekly
-- review's golden files: a real git repository written the way members'
-- wol would write it, every commit by its member with a fixed date (plain
-- git, so the history is byte for byte the same on every run), cloned into
-- ana's $WOL_HOME. The week is ISO 2026-W10 (Monday 2026-03-02 to Sunday
-- 2026-03-08); the circle started on 2026-02-23 and meets on Thursdays.
local t = require('wolt')
local M = {}

M.circle = 'spring'
M.week = '2026-W10'
M.q1 = '20260302T093000Z-ana-0a0a0a01'
M.q2 = '20260303T110000Z-bo-0b0b0b02'
M.q3 = '20260305T080000Z-ana-0a0a0a03'
M.q4 = '20260306T080000Z-cy-0c0c0c04'

local function check(out, rc, what)
  assert(rc == 0, (what or 'command') .. ' failed: ' .. tostring(out))
  return out
end

local people = {
  ana = { 'Ana Lima', 'ana@example.org' },
  bo = { 'Bo Berg', 'bo@example.org' },
  cy = { 'Cy Okafor', 'cy@example.org' },
}

local function rec(dir, rel, meta, body)
  local lines = { '---' }
  for _, kv in ipairs(meta) do
    table.insert(lines, kv[1] .. ': ' .. kv[2])
  end
  table.insert(lines, '---')
  t.write(dir .. '/' .. rel, table.concat(lines, '\n') .. '\n' .. (body or ''))
end

-- commits everything written since the last commit as `who` at `when`
local function commit(dir, who, when, msg)
  local p = people[who]
  check(t.sh(string.format(
    'cd %s && git add -A && GIT_AUTHOR_NAME=%s GIT_AUTHOR_EMAIL=%s GIT_COMMITTER_NAME=%s ' ..
    'GIT_COMMITTER_EMAIL=%s GIT_AUTHOR_DATE=%s GIT_COMMITTER_DATE=%s git commit -q -m %s',
    t.shquote(dir), t.shquote(p[1]), p[2], t.shquote(p[1]), p[2], when, when, t.shquote(msg))))
end

local function member(dir, h, goal, joined)
  rec(dir, 'members/' .. h .. '.md', { { 'name', people[h][1] }, { 'goal', goal }, { 'joined', joined } })
end

local function note(dir, h, slug, meta, body)
  local m = { { 'title', '"' .. meta.title .. '"' }, { 'author', h }, { 'id', meta.id },
    { 'created', meta.created }, { 'status', meta.status or 'wip' } }
  rec(dir, 'notes/' .. h .. '/' .. slug .. '.md', m, body)
end

local function question(dir, qid, h, title, created, lamport, body, about)
  local m = { { 'title', '"' .. title .. '"' }, { 'author', h }, { 'created', created },
    { 'lamport', lamport }, { 'id', qid } }
  if about then
    table.insert(m, { 'about', about })
  end
  rec(dir, 'questions/' .. qid .. '/question.md', m, body)
end

local function answer(dir, qid, aid, h, created, lamport, body)
  rec(dir, 'questions/' .. qid .. '/answers/' .. aid .. '.md', { { 'author', h }, { 'created', created },
    { 'lamport', lamport }, { 'id', aid }, { 'question', qid } }, body)
end

local function event(dir, qid, eid, kind, h, created, lamport, body, target)
  local m = { { 'kind', kind }, { 'author', h }, { 'created', created }, { 'lamport', lamport },
    { 'id', eid }, { 'question', qid } }
  if target then
    table.insert(m, { 'target', target })
  end
  rec(dir, 'questions/' .. qid .. '/events/' .. eid .. '.md', m, body)
end

--- Builds the circle's history in `dir` (a new repository).
function M.build(dir)
  check(t.sh('git init -q -b main ' .. t.shquote(dir)))
  t.write(dir .. '/circle.md', '---\nname: Spring Circle\nstarted: 2026-02-23\nmeets: thursday\n' ..
    'weeks: 12\nformat: 1\n---\n\n# Spring Circle\n')
  member(dir, 'ana', 'Publish a short onboarding guide', '2026-02-23')
  commit(dir, 'ana', '2026-02-23T09:00:00Z', 'circle(ana): start spring')
  member(dir, 'bo', 'Learn to give useful feedback', '2026-02-23')
  commit(dir, 'bo', '2026-02-23T10:00:00Z', 'join(bo): Bo Berg joins')
  member(dir, 'cy', 'Map who works on data tooling', '2026-02-24')
  commit(dir, 'cy', '2026-02-24T10:00:00Z', 'join(cy): Cy Okafor joins')

  note(dir, 'bo', 'feedback-plan', { title = 'How I will ask for feedback', id = '20260301T120000Z-bo-00000b01',
    created = '2026-03-01' }, '# How I will ask for feedback\n\nOne question per note, asked early.\n')
  commit(dir, 'bo', '2026-03-01T12:00:00Z', 'share(bo): How I will ask for feedback')

  note(dir, 'ana', 'onboarding-guide', { title = 'Draft: onboarding guide & checklist',
    id = '20260302T090000Z-ana-00000a01', created = '2026-03-02' }, table.concat({
    '# Draft: onboarding guide & checklist',
    '',
    'The first week of a new colleague, in *three* parts. Bo wrote about',
    '[asking for feedback](../bo/feedback-plan.md) and I follow it; the',
    '[checklist](weekly-notes.md#list) is separate.',
    '',
    '<script>alert("raw html")</script>',
    '',
    'Inline <b>bold</b> stays text. A [bad link](javascript:alert(1)), a',
    "[private one](../cy/ideas.md), [the web](https://example.org/guide), an",
    '![diagram](diagram.png) and a [question](../../questions/' .. M.q1 .. '/question.md).',
    '',
    '```lua',
    'print("a < b")',
    '```',
    '' }, '\n'))
  commit(dir, 'ana', '2026-03-02T09:00:00Z', 'share(ana): Draft: onboarding guide & checklist')

  question(dir, M.q1, 'ana', 'How long should a first-week plan be?', '2026-03-02T09:30:00Z', 1,
    'I keep writing *more*. Where do you stop?\n', 'notes/ana/onboarding-guide.md')
  commit(dir, 'ana', '2026-03-02T09:30:00Z', 'ask(ana): How long should a first-week plan be?')
  answer(dir, M.q1, '20260302T140000Z-bo-0b000001', 'bo', '2026-03-02T14:00:00Z', 2,
    'One page. Link out for the rest.\n')
  commit(dir, 'bo', '2026-03-02T14:00:00Z', 'answer(bo): Re: How long should a first-week plan be?')
  answer(dir, M.q1, '20260302T150000Z-cy-0c000001', 'cy', '2026-03-02T15:00:00Z', 3,
    'Ask the new colleague after day two.\n')
  commit(dir, 'cy', '2026-03-02T15:00:00Z', 'answer(cy): Re: How long should a first-week plan be?')

  question(dir, M.q2, 'bo', 'Which feedback format works in a busy week?', '2026-03-03T11:00:00Z', 4,
    'Looking for formats that take five minutes.\n')
  commit(dir, 'bo', '2026-03-03T11:00:00Z', 'ask(bo): Which feedback format works in a busy week?')
  answer(dir, M.q2, '20260303T120000Z-ana-0a000002', 'ana', '2026-03-03T12:00:00Z', 5,
    'Two lines: what worked, one thing to try.\n')
  commit(dir, 'ana', '2026-03-03T12:00:00Z', 'answer(ana): Re: Which feedback format works in a busy week?')

  event(dir, M.q1, '20260304T080000Z-ana-0a000003', 'resolve', 'ana', '2026-03-04T08:00:00Z', 6,
    "Bo's one-page rule: I cut the plan to a page.\n")
  commit(dir, 'ana', '2026-03-04T08:00:00Z', 'resolve(ana): How long should a first-week plan be?')

  note(dir, 'ana', 'weekly-notes', { title = 'Weekly notes', id = '20260304T100000Z-ana-00000a02',
    created = '2026-03-04' }, 'A list that is still open:\n\n```\n- day one\n- day two\n')
  commit(dir, 'ana', '2026-03-04T10:00:00Z', 'share(ana): Weekly notes')

  note(dir, 'cy', 'ideas', { title = 'Ideas nobody has seen', id = '20260304T110000Z-cy-00000c01',
    created = '2026-03-04' }, 'Private thinking of cy.\n')
  commit(dir, 'cy', '2026-03-04T11:00:00Z', 'share(cy): Ideas nobody has seen')

  question(dir, M.q3, 'ana', 'Who has a template for a welcome message?', '2026-03-05T08:00:00Z', 7, '')
  commit(dir, 'ana', '2026-03-05T08:00:00Z', 'ask(ana): Who has a template for a welcome message?')
  answer(dir, M.q3, '20260305T090000Z-bo-0b000003', 'bo', '2026-03-05T09:00:00Z', 8, 'Mine is too long, sorry.\n')
  commit(dir, 'bo', '2026-03-05T09:00:00Z', 'answer(bo): Re: Who has a template for a welcome message?')
  event(dir, M.q3, '20260305T093000Z-bo-0b000004', 'retract', 'bo', '2026-03-05T09:30:00Z', 9, '',
    '20260305T090000Z-bo-0b000003')
  commit(dir, 'bo', '2026-03-05T09:30:00Z', 'retract(bo): Re: Who has a template for a welcome message?')

  question(dir, M.q4, 'cy', 'Is anyone else mapping data tools?', '2026-03-06T08:00:00Z', 10, 'Curious.\n')
  commit(dir, 'cy', '2026-03-06T08:00:00Z', 'ask(cy): Is anyone else mapping data tools?')

  -- ana revises her goal (a member file written by its member)
  member(dir, 'ana', 'Publish a one-page onboarding guide and pass it on', '2026-02-23')
  commit(dir, 'ana', '2026-03-06T09:00:00Z', 'goal(ana): Publish a one-page onboarding guide')
end

local function feedback(dir, nid, fid, meta, body)
  local m = {}
  for _, kv in ipairs(meta) do
    table.insert(m, kv)
  end
  table.insert(m, { 'id', fid })
  rec(dir, 'feedback/' .. nid .. '/' .. fid .. '.md', m, body)
end

--- Feedback on the fixture's notes (for the export; the weekly review's
--- fixture does without): bo comments on lines of ana's guide, cy thanks
--- her for it, ana comments on bo's note.
function M.feedback(dir)
  local guide = '20260302T090000Z-ana-00000a01'
  local head = check(t.sh('cd ' .. t.shquote(dir) .. ' && git rev-parse HEAD')):match('%x+')
  feedback(dir, guide, '20260306T100000Z-bo-0b00f001', { { 'kind', 'comment' },
    { 'note', 'notes/ana/onboarding-guide.md' }, { 'commit', head }, { 'lines', '10-11' },
    { 'author', 'bo' }, { 'created', '2026-03-06T10:00:00Z' }, { 'lamport', 1 } },
    'Could the first day name a *buddy*? <i>raw</i>\n')
  commit(dir, 'bo', '2026-03-06T10:00:00Z', 'comment(bo): Draft: onboarding guide & checklist')
  feedback(dir, guide, '20260306T110000Z-cy-0c00f001', { { 'kind', 'reaction' }, { 'reaction', 'thanks' },
    { 'note', 'notes/ana/onboarding-guide.md' }, { 'commit', head }, { 'author', 'cy' },
    { 'created', '2026-03-06T11:00:00Z' }, { 'lamport', 2 } }, '')
  commit(dir, 'cy', '2026-03-06T11:00:00Z', 'react(cy): Draft: onboarding guide & checklist')
  feedback(dir, '20260301T120000Z-bo-00000b01', '20260306T120000Z-ana-0a00f001', { { 'kind', 'comment' },
    { 'note', 'notes/bo/feedback-plan.md' }, { 'commit', head }, { 'author', 'ana' },
    { 'created', '2026-03-06T12:00:00Z' }, { 'lamport', 1 } }, 'ANAONBO: early is the point.\n')
  commit(dir, 'ana', '2026-03-06T12:00:00Z', 'comment(ana): How I will ask for feedback')
  -- ana revises her goal once more
  member(dir, 'ana', 'Pass the one-page onboarding guide on to two teams', '2026-02-23')
  commit(dir, 'ana', '2026-03-07T09:00:00Z', 'goal(ana): Pass the guide on')
end

--- ana with the fixture circle cloned into her $WOL_HOME, plus private
--- things that must never leave it (a journal entry, a person record, a
--- note she has not shared). Returns ana and the path of her clone.
--- opts.feedback: with M.feedback's records too.
function M.ana(opts)
  local ana = t.member('ana', { name = 'Ana Lima' })
  local src = t.tmpdir('legacy-src')
  M.build(src)
  if opts and opts.feedback then
    M.feedback(src)
  end
  local clone = ana.wol_home .. '/circles/' .. M.circle
  check(t.sh('mkdir -p ' .. t.shquote(ana.wol_home .. '/circles') .. ' && git clone -q ' ..
    t.shquote(src) .. ' ' .. t.shquote(clone)))
  t.write(ana.wol_home .. '/journal/2026/2026-03-04.md',
    '---\ndate: 2026-03-04\n---\n\n# Wednesday\n\nJOURNALSECRET: I nearly gave up today.\n')
  t.write(ana.wol_home .. '/people/bo-berg.md', '---\nname: Bo Berg\n---\n\n- PEOPLESECRET helped me\n')
  t.write(clone .. '/notes/ana/draft.md', '---\ntitle: Unshared draft\n---\n\nDRAFTSECRET\n')
  return ana, clone, src
end

return M
