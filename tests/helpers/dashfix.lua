-- A fixture circle for the dashboard tests, with known dates: a real git
-- repository made with `wol init`, records written as members would write
-- them (front matter with fixed `created` values), committed with git, a
-- bare origin that has seen everything but the last commit, and journal
-- entries written with `wol log` on given days. Today is 2026-03-05
-- (a Thursday): week 5 of 12, meetings on Tuesdays.
local t = require('wolt')
local M = {}

M.today = '2026-03-05'
M.circle = 'writers'

local function check(out, rc, what)
  assert(rc == 0, (what or 'command') .. ' failed: ' .. tostring(out))
  return out
end

local function wol(args, member, env)
  local out, err, rc = t.wol(args, member, env)
  assert(rc == 0, 'wol ' .. args[1] .. ' failed: ' .. out .. err)
  return out
end

local function rec(path, meta, body)
  local lines = { '---' }
  for _, kv in ipairs(meta) do
    table.insert(lines, kv[1] .. ': ' .. kv[2])
  end
  table.insert(lines, '---')
  table.insert(lines, body or '')
  t.write(path, table.concat(lines, '\n') .. '\n')
end

local function note(dir, handle, slug, title, created)
  rec(string.format('%s/notes/%s/%s.md', dir, handle, slug),
    { { 'title', '"' .. title .. '"' }, { 'author', handle }, { 'id', created .. '-' .. slug },
      { 'created', created }, { 'status', 'wip' } },
    '# ' .. title .. '\n\nSome work in progress.')
end

local function question(dir, qid, author, title, created, lamport)
  rec(string.format('%s/questions/%s/question.md', dir, qid),
    { { 'title', '"' .. title .. '"' }, { 'author', author }, { 'created', created },
      { 'lamport', lamport }, { 'id', qid } }, 'Any advice welcome.')
end

local function answer(dir, qid, aid, author, created, lamport)
  rec(string.format('%s/questions/%s/answers/%s.md', dir, qid, aid),
    { { 'author', author }, { 'created', created }, { 'lamport', lamport }, { 'id', aid },
      { 'question', qid } }, 'Here is what worked for me.')
end

local function event(dir, qid, eid, kind, author, created, lamport)
  rec(string.format('%s/questions/%s/events/%s.md', dir, qid, eid),
    { { 'kind', kind }, { 'author', author }, { 'created', created }, { 'lamport', lamport },
      { 'id', eid }, { 'question', qid } }, '')
end

M.q1 = '20260302T100000Z-ana-a1a1a1a1'
M.q2 = '20260304T090000Z-tester-b2b2b2b2'
M.q3 = '20260220T080000Z-bo-c3c3c3c3'

--- Builds the fixture for `member` (nil: the suite's own identity, `tester`).
--- Returns the circle's directory.
function M.build(member)
  local home = member and member.wol_home or os.getenv('WOL_HOME')
  local env = { WOL_TODAY = '2026-02-02' }
  wol({ 'init', M.circle, '--started', '2026-02-02', '--meets', 'tuesday', '--goal',
    'Share one draft a week' }, member, env)
  local dir = home .. '/circles/' .. M.circle
  rec(dir .. '/members/ana.md', { { 'name', 'Ana Lopez' }, { 'goal', '"Write the onboarding guide"' },
    { 'joined', '2026-02-02' } }, '')
  rec(dir .. '/members/bo.md', { { 'name', 'Bo Chen' }, { 'goal', '"Launch the pricing page"' },
    { 'joined', '2026-02-03' } }, '')
  note(dir, 'ana', 'old-sketch', 'Old sketch', '2026-02-10')
  note(dir, 'bo', 'early-thoughts', 'Early thoughts', '2026-02-25')
  note(dir, 'bo', 'pricing', 'Pricing page ideas', '2026-03-03')
  note(dir, 'ana', 'onboarding', 'Onboarding guide draft', '2026-03-04')
  question(dir, M.q3, 'bo', 'Which analytics tool?', '2026-02-20T08:00:00Z', 1)
  event(dir, M.q3, '20260221T080000Z-bo-e1e1e1e1', 'resolve', 'bo', '2026-02-21T08:00:00Z', 2)
  question(dir, M.q1, 'ana', 'How do you pick a weekly goal?', '2026-03-02T10:00:00Z', 3)
  answer(dir, M.q1, '20260304T120000Z-tester-d4d4d4d4', 'tester', '2026-03-04T12:00:00Z', 4)
  answer(dir, M.q1, '20260305T070000Z-bo-e5e5e5e5', 'bo', '2026-03-05T07:00:00Z', 5)
  -- each member's records committed as that member (the questions feature
  -- checks who committed a record)
  local q = t.shquote(dir)
  local function commit_as(name, email, paths, msg)
    check(t.git(dir, 'add ' .. paths, member))
    check(t.git(dir, '-c user.name=' .. t.shquote(name) .. ' -c user.email=' .. email .. ' commit -q -m '
      .. t.shquote(msg), member))
  end
  commit_as('Ana Lopez', 'ana@example.org', 'members/ana.md notes/ana questions/' .. M.q1 .. '/question.md', 'ana')
  commit_as('Bo Chen', 'bo@example.org', 'members/bo.md notes/bo questions/' .. M.q3 .. ' questions/' .. M.q1
    .. '/answers/20260305T070000Z-bo-e5e5e5e5.md', 'bo')
  -- (one git per call: the member's HOME is set for each)
  check(t.git(dir, 'add -A', member))
  check(t.git(dir, 'commit -q -m "fixture: my answer"', member))
  -- an origin that has all of it
  local bare = home .. '/../origin-' .. M.circle .. '.git'
  check(t.sh('rm -rf ' .. t.shquote(bare) .. ' && git clone -q --bare ' .. t.shquote(dir) .. ' ' .. t.shquote(bare)))
  check(t.git(dir, 'remote add origin ' .. t.shquote(bare), member))
  check(t.git(dir, 'fetch -q origin', member))
  check(t.git(dir, 'branch -q -u origin/main', member))
  -- my own note and question, committed but not pushed yet
  note(dir, 'tester', 'outline', 'My outline', '2026-03-05')
  question(dir, M.q2, 'tester', 'Where do you keep drafts?', '2026-03-04T09:00:00Z', 6)
  check(t.git(dir, 'add -A', member))
  check(t.git(dir, 'commit -q -m "fixture: mine"', member))
  -- journal days: a run of five up to today, and two older ones
  for _, d in ipairs({ '2026-02-16', '2026-02-17', '2026-03-01', '2026-03-02', '2026-03-03', '2026-03-04',
    '2026-03-05' }) do
    wol({ 'log', '--time', '09:00', 'worked on ' .. d }, member, { WOL_TODAY = d })
  end
  return dir
end

return M
