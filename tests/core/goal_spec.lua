-- A member's goal (csrc/people/goal.c): members/<handle>.md of a circle,
-- set by a commit, its history from the repository, shared with the circle
-- through a real bare remote.
local t = require('wolt')
local core = t.core()
local json = require('dkjson')

local function open(m)
  return assert(core.open({ home = m.wol_home }))
end

local function head(dir)
  return (t.git(dir, 'rev-parse HEAD'):gsub('%s+$', ''))
end

describe('goal', function()
  local remote, ana, bo, adir

  setup(function()
    remote = t.tmpdir('remote') .. '/circle.git'
    t.sh('git init -q --bare -b main ' .. t.shquote(remote))
    -- the suite's own identity (tester) in-process, in a WOL_HOME of its own
    ana = { home = os.getenv('HOME'), wol_home = t.tmpdir('goal') }
    bo = t.member('bo')
    local _, err, rc = t.wol({ 'init', 'c', '--remote', remote, '--goal', 'Write the onboarding guide' }, ana)
    assert(rc == 0, err)
    adir = ana.wol_home .. '/circles/c'
    _, err, rc = t.wol({ 'sync' }, ana)
    assert(rc == 0, err)
  end)

  it('sets and shows the goal, committed like a share', function()
    local ctx = open(ana)
    local c = assert(ctx:circle_open())
    assert.same({ circle = 'c', handle = 'tester', goal = 'Write the onboarding guide', words = 4 }, c:goal())
    local before = head(adir)
    local g = assert(c:goal_set('  Publish the onboarding guide\n  with two teams  '))
    assert.equal('Publish the onboarding guide with two teams', g.goal)
    assert.is_false(g.unchanged)
    assert.equal(1, g.ahead)
    assert.equal(head(adir), g.commit)
    assert.equal(before, (t.git(adir, 'rev-parse HEAD~1'):gsub('%s+$', '')))
    assert.matches('^goal%(tester%): Publish the onboarding guide with two teams\n\nWol%-Kind: goal',
      t.git(adir, 'log -1 --format=%B'))
    -- only the member file changed; its body and other keys are kept
    assert.equal('members/tester.md\n', t.git(adir, 'diff --name-only HEAD~1 HEAD'))
    local doc = assert(core.parse_doc(t.read(adir .. '/members/tester.md')))
    assert.equal('Publish the onboarding guide with two teams', doc.meta.goal)
    assert.equal('Test User', doc.meta.name)
    assert.matches('What I am working towards', doc.body)
    assert.equal('', t.git(adir, 'status --porcelain'))
    -- the same goal again commits nothing
    g = assert(c:goal_set('Publish the onboarding guide with two teams'))
    assert.is_true(g.unchanged)
    assert.is_nil(g.commit)
    assert.equal(g.ahead, 1)
    -- the CLI shows what the binding shows
    local out, _, rc = t.wol({ 'goal', '--json' }, ana)
    assert.equal(0, rc)
    assert.same(c:goal(), json.decode(out))
    out, _, rc = t.wol({ 'goal' }, ana)
    assert.equal('Publish the onboarding guide with two teams\n', out)
    c:close()
    ctx:close()
  end)

  it('keeps a long goal with a gentle note, refuses bad ones with one line', function()
    local ctx = open(ana)
    local c = assert(ctx:circle_open())
    local long = {}
    for i = 1, 30 do
      long[i] = 'word' .. i
    end
    local before = head(adir)
    local text = t.read(adir .. '/members/tester.md')
    local cases = {
      { '', 'goal: empty' },
      { ' \n\t ', 'goal: empty' },
      { string.rep('g', 4097), 'goal: too long (4097 bytes, at most 4096)' },
      { 'bell \7 here', 'control character' },
      { 'bad \255', 'not valid UTF-8' },
    }
    for _, k in ipairs(cases) do
      local ok, err = c:goal_set(k[1])
      assert.is_nil(ok)
      assert.matches('^wol: [^\n]+$', err)
      assert.truthy(err:find(k[2], 1, true), err)
    end
    assert.equal(before, head(adir))
    assert.equal(text, t.read(adir .. '/members/tester.md'))
    local _, err, rc = t.wol({ 'goal', string.rep('g', 5000) }, ana)
    assert.equal(1, rc)
    assert.equal('wol: goal: too long (5000 bytes, at most 4096)\n', err)
    _, err, rc = t.wol({ 'goal', '--circle', 'nope', 'x' }, ana)
    assert.equal(1, rc)
    assert.matches("^wol: circle: 'nope' does not exist", err)
    _, err, rc = t.wol({ 'goal', '--member', 'zed' }, ana)
    assert.equal(1, rc)
    assert.equal("wol: goal: 'zed' is not a member of c\n", err)
    assert.equal(before, head(adir))
    -- 30 words: saved, with the note (the CLI prints it on stderr)
    local out
    out, err, rc = t.wol({ 'goal', table.concat(long, ' ') }, ana)
    assert.equal(0, rc)
    assert.matches('goal set in c', out)
    assert.equal('wol: goal saved; it has 30 words, and a shorter goal (25 words or fewer) is easier to act on\n', err)
    local g = assert(c:goal())
    assert.equal(30, g.words)
    assert.matches('30 words', g.note)
    -- back to a short one for the tests below
    assert(c:goal_set('Ship the onboarding guide'))
    c:close()
    ctx:close()
  end)

  it('refuses to rewrite a member file it cannot read', function()
    local m = t.member('cy')
    local _, err, rc = t.wol({ 'init', 'solo' }, m)
    assert(rc == 0, err)
    local dir = m.wol_home .. '/circles/solo'
    t.write(dir .. '/members/cy.md', '---\ngoal: [broken\n---\nmine\n')
    local before = head(dir)
    local out
    out, err, rc = t.wol({ 'goal', 'a new goal' }, m)
    assert.equal(1, rc, out)
    assert.matches('^wol: members/cy%.md:%d+: .*fix the file first %(nothing written%)\n$', err)
    assert.equal(before, head(dir))
    assert.equal('---\ngoal: [broken\n---\nmine\n', t.read(dir .. '/members/cy.md'))
    -- a member file that is missing is written anew
    os.remove(dir .. '/members/cy.md')
    out, err, rc = t.wol({ 'goal', 'a new goal' }, m)
    assert.equal(0, rc, err)
    assert.equal('a new goal', assert(core.parse_doc(t.read(dir .. '/members/cy.md'))).meta.goal)
  end)

  it('has a history of revisions, shared with another member through the remote', function()
    local _, err, rc = t.wol({ 'sync' }, ana)
    assert.equal(0, rc, err)
    _, err, rc = t.wol({ 'join', remote, 'c', '--json' }, bo)
    assert.equal(0, rc, err)
    -- bo sees every revision of tester's goal, read from the history
    local out
    out, err, rc = t.wol({ 'goal', '--history', '--member', 'tester', '--json' }, bo)
    assert.equal(0, rc, err)
    local h = json.decode(out)
    local goals = {}
    for _, r in ipairs(h.revisions) do
      table.insert(goals, r.goal)
      assert.matches('^%d%d%d%d%-%d%d%-%d%d$', r.date)
      assert.matches('^%x+$', r.commit)
    end
    assert.same({ 'Write the onboarding guide', 'Publish the onboarding guide with two teams',
      'word1 word2 word3 word4 word5 word6 word7 word8 word9 word10 word11 word12 word13 word14 word15 word16 ' ..
      'word17 word18 word19 word20 word21 word22 word23 word24 word25 word26 word27 word28 word29 word30',
      'Ship the onboarding guide' }, goals)
    assert.equal(3, h.revised)
    out, err, rc = t.wol({ 'goal', '--history', '--member', 'tester' }, bo)
    assert.equal(0, rc, err)
    assert.matches('Write the onboarding guide\n', out)
    assert.matches('Ship the onboarding guide\n\nrevised 3 times\n$', out)
    -- bo's own first goal, shared back
    _, err, rc = t.wol({ 'goal', 'Learn to write in public' }, bo)
    assert.equal(0, rc, err)
    _, err, rc = t.wol({ 'sync' }, bo)
    assert.equal(0, rc, err)
    _, err, rc = t.wol({ 'sync' }, ana)
    assert.equal(0, rc, err)
    local ctx = open(ana)
    local c = assert(ctx:circle_open())
    assert.equal('Learn to write in public', assert(c:goal('bo')).goal)
    assert.same({ tester = 3, bo = 0, zed = 0 }, assert(c:goal_revisions({ 'tester', 'bo', 'zed' })))
    assert.same(h, assert(c:goal_history('tester')))
    -- the counts are kept in .git/wol-goals by HEAD: a new revision is found
    -- by walking only the new commits, and a lost cache gives the same count
    assert.truthy(t.read(adir .. '/.git/wol-goals'):find('tester 4', 1, true))
    assert(c:goal_set('Ship the guide, then teach it'))
    assert.equal(4, assert(c:goal_revisions({ 'tester' })).tester)
    assert.truthy(t.read(adir .. '/.git/wol-goals'):find('tester 5', 1, true))
    os.remove(adir .. '/.git/wol-goals')
    assert.same({ tester = 4, bo = 0 }, assert(c:goal_revisions({ 'tester', 'bo' })))
    -- a goal another member wrote with plain git, holding terminal escapes,
    -- is printed with the escapes made visible
    t.write(adir .. '/members/zed.md', '---\nname: Zed\ngoal: "evil \\e]0;owned\\a goal"\n---\n')
    t.git(adir, 'add members/zed.md && git -C ' .. t.shquote(adir) .. ' commit -qm zed')
    local out
    out, err, rc = t.wol({ 'goal', '--member', 'zed' }, ana)
    assert.equal(0, rc, err)
    assert.is_nil(out:find('\27', 1, true))
    assert.equal('evil \\x1b]0;owned\\x07 goal\n', out)
    out, err, rc = t.wol({ 'goal', '--history', '--member', 'zed' }, ana)
    assert.equal(0, rc, err)
    assert.is_nil(out:find('\27', 1, true))
    -- written by someone else than zed: the history says so
    assert.matches('%(changed by tester outside wol, commit %x+%)', out)
    local zh = json.decode((t.wol({ 'goal', '--history', '--member', 'zed', '--json' }, ana)))
    assert.is_true(zh.revisions[1].outside)
    assert.equal('tester', zh.revisions[1].author)
    for _, r in ipairs(assert(c:goal_history()).revisions) do
      assert.is_false(r.outside)
      assert.equal('tester', r.author)
    end
    c:close()
    ctx:close()
  end)

  it('is set while joining: wol join --goal, checked before cloning', function()
    local cy = t.member('cy')
    local _, err, rc = t.wol({ 'join', remote, 'long', '--goal', string.rep('g', 5000) }, cy)
    assert.equal(1, rc)
    assert.equal('wol: goal: too long (5000 bytes, at most 4096)\n', err)
    assert.is_false(t.exists(cy.wol_home .. '/circles/long'))
    assert.equal('', (t.sh('ls -A ' .. t.shquote(cy.wol_home .. '/circles') .. ' 2>/dev/null')))
    _, err, rc = t.wol({ 'join', remote, 'c', '--goal', '  Learn  to\nask for help ' }, cy)
    assert.equal(0, rc, err)
    local dir = cy.wol_home .. '/circles/c'
    assert.equal('Learn to ask for help', assert(core.parse_doc(t.read(dir .. '/members/cy.md'))).meta.goal)
    assert.matches('^join%(cy%): ', t.git(dir, 'log -1 --format=%s'))
    _, err, rc = t.wol({ 'sync' }, cy)
    assert.equal(0, rc, err)
    -- the same member joining again from another machine: the goal in the
    -- file already there is set, the rest of it kept
    local cy2 = t.member('cy')
    _, err, rc = t.wol({ 'join', remote, 'c', '--goal', 'Ask for help every week' }, cy2)
    assert.equal(0, rc, err)
    local doc = assert(core.parse_doc(t.read(cy2.wol_home .. '/circles/c/members/cy.md')))
    assert.equal('Ask for help every week', doc.meta.goal)
    assert.equal('cy Example', doc.meta.name)
    local out = t.wol({ 'goal', '--history', '--member', 'cy', '--json' }, cy2)
    assert.equal(1, json.decode(out).revised)
  end)
end)
