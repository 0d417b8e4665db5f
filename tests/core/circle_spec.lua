-- Circles and sharing through the binding and the CLI: real repositories,
-- checked with the git CLI (log, status, fsck) after every scenario.
local t = require('wolt')
local core = t.core()

local function fsck(dir)
  local out, rc = t.git(dir, 'fsck --strict --no-progress')
  assert.are.equal(0, rc, out)
  assert.not_matches('error', out)
  assert.not_matches('missing', out)
  return out
end

local function clean_status(dir)
  local out = t.git(dir, 'status --porcelain')
  return out
end

local function log(dir, fmt)
  return (t.git(dir, 'log --format=' .. t.shquote(fmt or '%s')))
end

describe('circles', function()
  local m, ctx, c
  before_each(function()
    m = t.member('ana')
    local _, _, rc = t.wol({ 'init', 'spring', '--started', '2026-03-02', '--meets', 'tue', '--goal',
      'Learn to write in public' }, m, { WOL_TODAY = '2026-03-02' })
    assert.are.equal(0, rc)
  end)

  it('init: circle.md, members/<handle>.md, one readable commit, fsck clean', function()
    local dir = m.wol_home .. '/circles/spring'
    local cmd = t.read(dir .. '/circle.md')
    assert.matches('name: spring', cmd)
    assert.matches('started: 2026%-03%-02', cmd)
    assert.matches('meets: tuesday', cmd)
    assert.matches('weeks: 12', cmd)
    assert.matches('format: 2', cmd)
    local mem = t.read(dir .. '/members/ana.md')
    assert.matches('name: ana Example', mem)
    assert.matches('goal: Learn to write in public', mem)
    assert.matches('joined: 2026%-03%-02', mem)
    assert.are.equal('circle(ana): start spring\n', log(dir))
    assert.are.equal('ana Example <ana@example.org>\n', log(dir, '%an <%ae>'))
    assert.are.equal('', clean_status(dir))
    fsck(dir)
    -- the tree holds exactly those two files
    assert.are.equal('circle.md\nmembers/ana.md\n', (t.git(dir, 'ls-tree -r --name-only HEAD')))
  end)

  it('init refuses bad names, taken names and bad weekdays, leaving nothing', function()
    local _, err, rc = t.wol({ 'init', '../evil' }, m)
    assert.are.equal(2, rc) -- the command line is wrong: usage (:help wol-exit)
    assert.matches("circle name: '%.%./evil' is not valid", err)
    _, err, rc = t.wol({ 'init', 'spring' }, m)
    assert.are.equal(1, rc)
    assert.matches("circle 'spring' already exists", err)
    _, err, rc = t.wol({ 'init', 'autumn', '--meets', 'someday' }, m)
    assert.are.equal(2, rc)
    assert.matches("'someday' is not a weekday", err)
    local out = t.sh('ls -A ' .. t.shquote(m.wol_home .. '/circles'))
    assert.are.equal('spring\n', out)
  end)

  it('opens a handle once, reads info and members, closes twice safely', function()
    local old = os.getenv('HOME')
    ctx = assert(core.open({ home = m.wol_home }))
    -- the identity of this process is the suite's `tester`; the circle
    -- handle keeps it
    c = assert(ctx:circle_open('spring'))
    assert.are.equal('spring', c:name())
    local info = c:info()
    assert.are.equal('spring', info.name)
    assert.are.equal('2026-03-02', info.started)
    assert.are.equal('tuesday', info.meets)
    assert.are.equal(12, info.weeks)
    assert.are.equal(2, info.format)
    assert.are.equal('main', info.branch)
    assert.is_nil(info.remote)
    assert.are.equal(0, info.ahead)
    local members = c:members()
    assert.are.equal(1, #members)
    assert.are.equal('ana', members[1].handle)
    assert.are.equal(5, members[1].goal_words)
    assert.is_nil(members[1].warning)
    c:close()
    c:close()
    assert.has_error(function() c:name() end)
    assert.is_false(c:is_open())
    local missing, err = ctx:circle_open('nope')
    assert.is_nil(missing)
    assert.matches("circle: 'nope' does not exist", err)
    ctx:close()
    assert.are.equal(old, os.getenv('HOME'))
  end)

  it('warns about goals longer than 25 words', function()
    local dir = m.wol_home .. '/circles/spring'
    local long = {}
    for i = 1, 30 do
      long[i] = 'word' .. i
    end
    t.write(dir .. '/members/ana.md', '---\nname: Ana\ngoal: ' .. table.concat(long, ' ') .. '\n---\n')
    ctx = assert(core.open({ home = m.wol_home }))
    c = assert(ctx:circle_open('spring'))
    local members = c:members()
    assert.are.equal(30, members[1].goal_words)
    assert.matches('the goal has 30 words', members[1].warning)
    c:close()
    ctx:close()
    -- the health report says so too
    local out = t.wol({ 'doctor' }, m)
    assert.matches("WARN +circle 'spring': members/ana%.md: the goal has 30 words", out)
  end)

  it('lists circles in the CLI, marking the default', function()
    local out, _, rc = t.wol({ 'circles' }, m)
    assert.are.equal(0, rc)
    assert.matches('^%* spring +%(no remote%)', out)
    out = t.wol({ 'circles', '--json' }, m)
    assert.matches('"name":"spring","default":true', out)
  end)
end)

describe('join', function()
  it('clones from a local bare repository, adds the member, commits, streams JSON progress', function()
    local ana = t.member('ana')
    local bo = t.member('bo')
    assert.are.equal(0, select(3, t.wol({ 'init', 'spring' }, ana)))
    local bare = t.tmpdir('bare') .. '/spring.git'
    local _, rc = t.sh('git clone -q --bare ' .. t.shquote(ana.wol_home .. '/circles/spring') .. ' ' .. t.shquote(bare))
    assert.are.equal(0, rc)
    local out, err
    out, err, rc = t.wol({ 'join', bare, '--json' }, bo)
    assert.are.equal(0, rc, err)
    local lines = {}
    for l in out:gmatch('[^\n]+') do
      table.insert(lines, l)
    end
    assert.is_true(#lines >= 2)
    -- the JSON-lines protocol of every job (doc/wol.txt wol-json-lines),
    -- the same as `wol sync --json`: progress lines, then one summary
    assert.matches('^{"type":"progress","phase":"[a-z]+","received":%d+,"total":%d+}$', lines[1])
    assert.matches('^{"type":"summary","circle":"spring","path":"[^"]+/circles/spring"}$', lines[#lines])
    local dir = bo.wol_home .. '/circles/spring'
    assert.matches('name: bo Example', t.read(dir .. '/members/bo.md'))
    assert.are.equal('join(bo): bo Example joins\ncircle(ana): start spring\n', log(dir))
    assert.are.equal('', clean_status(dir))
    fsck(dir)
    -- one commit waiting to be pushed
    local ctx = assert(core.open({ home = bo.wol_home }))
    ctx:close()
    out = t.wol({ 'circles' }, bo)
    assert.matches('1 commit to push', out)
    -- symbolic links are never checked out as links
    assert.are.equal('false\n', (t.git(dir, 'config core.symlinks')))
    -- without --json: what was joined, and when it becomes searchable (the
    -- CLI builds no index; the next `wol index` or `wol search` does)
    local f = t.tmpdir('lantern') .. '/lanterns.md'
    t.write(f, '# Lanterns\n\nPaper lanterns for the autumn fair\n')
    assert.are.equal(0, select(3, t.wol({ 'share', f }, ana)))
    local bare2 = t.tmpdir('bare2') .. '/spring.git'
    assert.are.equal(0, select(2, t.sh('git clone -q --bare ' .. t.shquote(ana.wol_home .. '/circles/spring') ..
      ' ' .. t.shquote(bare2))))
    local cy = t.member('cy')
    out, err, rc = t.wol({ 'join', bare2 }, cy)
    assert.are.equal(0, rc, err)
    assert.are.equal("wol: joined circle 'spring' at " .. cy.wol_home .. '/circles/spring\n' ..
      'wol: its notes are added to the search index by the next `wol search` or `wol index`\n', out)
    assert.is_nil(io.open(cy.wol_home .. '/index.db'))
    out, err, rc = t.wol({ 'search', 'lanterns' }, cy)
    assert.are.equal(0, rc, err)
    assert.matches('notes/ana/lanterns%.md', out)
    -- joining again, or a non-circle, fails cleanly
    _, err, rc = t.wol({ 'join', bare }, bo)
    assert.are.equal(1, rc)
    assert.matches("circle 'spring' already exists", err)
    local empty = t.tmpdir('empty') .. '/e.git'
    t.sh('git init -q --bare ' .. t.shquote(empty))
    _, err, rc = t.wol({ 'join', empty, 'other' }, bo)
    assert.are.equal(1, rc)
    assert.matches('is not a wol circle', err)
    _, err, rc = t.wol({ 'join', '/nonexistent/repo.git', 'x' }, bo)
    assert.are.equal(1, rc)
    assert.matches('^wol: join: /nonexistent/repo%.git does not exist', err)
    -- with --json a failure is the summary line too, carrying the message
    out, err, rc = t.wol({ 'join', '/nonexistent/repo.git', 'x', '--json' }, bo)
    assert.are.equal(1, rc)
    assert.matches('^{"type":"summary","error":"wol: join: /nonexistent/repo%.git does not exist[^\n]*",' ..
      '"code":"([a-z]+)","error_kind":"%1","exit":1}\n$', out)
    assert.matches('^wol: join: /nonexistent/repo%.git does not exist', err)
    out = t.sh('ls -A ' .. t.shquote(bo.wol_home .. '/circles'))
    assert.are.equal('spring\n', out)
  end)

  it('calls a Lua progress function and raises its error after cleaning up', function()
    local ana = t.member('ana')
    assert.are.equal(0, select(3, t.wol({ 'init', 'spring' }, ana)))
    local src = ana.wol_home .. '/circles/spring'
    local home = t.tmpdir('joinlua')
    local ctx = assert(core.open({ home = home }))
    local stages = {}
    local name = assert(ctx:circle_join(src, 'copy', function(stage, done, total)
      table.insert(stages, stage)
      assert(done <= total)
    end))
    assert.are.equal('copy', name)
    assert.is_true(#stages > 0)
    assert.has_error(function()
      ctx:circle_join(src, 'boom', function() error('stop here') end)
    end, nil)
    local cancelled, err = ctx:circle_join(src, 'nope', function() return false end)
    assert.is_nil(cancelled)
    assert.matches('cancelled', err)
    assert.are.equal('copy\n', (t.sh('ls -A ' .. t.shquote(home .. '/circles'))))
    ctx:close()
  end)
end)

describe('sharing', function()
  local m, ctx, c, dir
  before_each(function()
    m = t.member('tester')
    local _, err, rc = t.wol({ 'init', 'spring' }, m)
    assert.are.equal(0, rc, err)
    dir = m.wol_home .. '/circles/spring'
    ctx = assert(core.open({ home = m.wol_home, today = '2026-03-02' }))
    c = assert(ctx:circle_open())
  end)
  after_each(function()
    c:close()
    ctx:close()
    fsck(dir)
  end)

  it('creates a note and commits it in-process with trailers', function()
    local rel, abs = assert(c:note_new('Draft: onboarding guide'))
    assert.are.equal('notes/tester/draft-onboarding-guide.md', rel)
    local text = t.read(abs)
    assert.matches('^%-%-%-\ntitle: \'?Draft: onboarding guide\'?\nauthor: tester\nid: %d+T%d+Z%-tester%-%x+\ncreated: 2026%-03%-02\nstatus: wip\n%-%-%-\n', text)
    -- a second note with the same title gets its own file
    assert.are.equal('notes/tester/draft-onboarding-guide-2.md', (c:note_new('Draft: onboarding guide')))
    local r = assert(c:share({ file = abs, content = text .. 'First words.\n', message = 'Looking for feedback' }))
    assert.are.equal(rel, r.note)
    assert.are.equal('Draft: onboarding guide', r.title)
    assert.is_false(r.unchanged)
    assert.matches('^%x+$', r.commit)
    assert.matches('First words', t.read(abs))
    local msg = log(dir, '%B')
    assert.matches('^share%(tester%): Draft: onboarding guide\n\nLooking for feedback\n\nWol%-Kind: note\nWol%-Id: %d+T%d+Z%-tester%-%x+\nWol%-Path: ' .. rel:gsub('%p', '%%%0'), msg)
    -- git sees the commit's trailers
    assert.matches('Wol%-Kind: note', (t.git(dir, "log -1 '--format=%(trailers)'")))
    -- only that path was staged: the unshared second note is untouched
    assert.are.equal('?? notes/tester/draft-onboarding-guide-2.md\n', clean_status(dir))
    -- sharing it unchanged commits nothing
    local again = assert(c:share({ file = abs }))
    assert.is_true(again.unchanged)
    assert.are.equal(2, select(2, log(dir):gsub('\n', '')))
  end)

  it('leaves other staged and unstaged changes alone', function()
    t.write(dir .. '/circle.md', t.read(dir .. '/circle.md') .. 'local edit\n')
    t.write(dir .. '/scratch.txt', 'staged\n')
    t.git(dir, 'add scratch.txt')
    local rel, abs = c:note_new('Alone')
    assert(c:share({ file = abs }))
    local status = clean_status(dir)
    assert.matches(' M circle.md', status)
    assert.matches('A  scratch.txt', status)
    assert.not_matches(rel, status)
    assert.are.equal(rel .. '\n', (t.git(dir, 'show --name-only --format= HEAD')))
    -- the handle keeps the index parsed between shares; a change made to
    -- it by git in between is seen, not overwritten
    t.write(dir .. '/later.txt', 'added by git\n')
    t.git(dir, 'add later.txt')
    local _, abs2 = c:note_new('Second')
    assert(c:share({ file = abs2 }))
    status = clean_status(dir)
    assert.matches('A  later.txt', status)
    assert.matches('A  scratch.txt', status)
    t.git(dir, 'rm -q --cached scratch.txt')
    local _, abs3 = c:note_new('Third')
    assert(c:share({ file = abs3 }))
    assert.matches('%?%? scratch.txt', clean_status(dir))
    assert.are.equal('', (t.git(dir, 'diff --cached --name-only -- notes')))
  end)

  it('copies other files into my folder and updates the same note when shared again', function()
    local src = t.tmpdir('work') .. '/plan.lua'
    t.write(src, 'local x = 1\n')
    local r1 = assert(c:share({ file = src }))
    assert.is_true(r1.copied)
    assert.is_true(r1.created)
    assert.are.equal('notes/tester/plan-lua.md', r1.note)
    local text = t.read(dir .. '/' .. r1.note)
    local home = os.getenv('HOME')
    local shown = src:sub(1, #home + 1) == home .. '/' and '~' .. src:sub(#home + 1) or src
    assert.matches('source: ' .. shown:gsub('%p', '%%%0') .. '\n', text)
    assert.matches('```lua\nlocal x = 1\n```\n', text)
    t.write(src, 'local x = 2\n')
    local r2 = assert(c:share({ file = src }))
    assert.are.equal(r1.note, r2.note)
    assert.are.equal(r1.id, r2.id)
    assert.is_false(r2.created)
    assert.matches('local x = 2', t.read(dir .. '/' .. r2.note))
    -- history kept: two commits on the note
    assert.are.equal(2, select(2, (t.git(dir, 'log --format=%h -- ' .. r1.note)):gsub('\n', '')))
    -- markdown is copied as it is, its front matter title kept
    local md = t.tmpdir('work') .. '/idea.md'
    t.write(md, '---\ntitle: A big idea\ntags: [x]\n---\n\nBody text.\n')
    local r3 = assert(c:share({ file = md }))
    assert.are.equal('A big idea', r3.title)
    local t3 = t.read(dir .. '/' .. r3.note)
    assert.matches('\nBody text%.\n$', t3)
    assert.not_matches('tags', t3)
  end)

  it('shares unnamed content and a range as snippet notes', function()
    local r = assert(c:share({ content = 'Quick thought\n\nmore\n' }))
    assert.are.equal('Quick thought', r.title)
    assert.is_nil(t.read(dir .. '/' .. r.note):match('source:'))
    -- re-sharing the same unnamed buffer names its note
    local r2 = assert(c:share({ content = 'Quick thought\n\nmore and more\n', note = r.note }))
    assert.are.equal(r.note, r2.note)
    local src = t.tmpdir('work') .. '/long.py'
    t.write(src, 'a = 1\nb = 2\nc = 3\nd = 4\n')
    local s = assert(c:share({ file = src, line1 = 2, line2 = 3 }))
    assert.are.equal('long.py lines 2-3', s.title)
    local text = t.read(dir .. '/' .. s.note)
    assert.matches('lines: 2%-3', text)
    assert.matches('```py\nb = 2\nc = 3\n```', text)
    -- a snippet never replaces the whole-file note of the same source
    local whole = assert(c:share({ file = src }))
    assert.are_not.equal(s.note, whole.note)
    local s2 = assert(c:share({ file = src, line1 = 1, line2 = 1 }))
    assert.are_not.equal(s.note, s2.note)
    local bad, err = c:share({ file = src, line1 = 9, line2 = 10 })
    assert.is_nil(bad)
    assert.matches('line 9 is past the end', err)
  end)

  it('refuses secrets, journal entries, binary, too large, foreign folders; nothing committed', function()
    local head = log(dir, '%H')
    local cases = {
      { content = 'key:\n-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n', why = 'line 2 looks like a private key block' },
      { content = 'x ghp_' .. string.rep('a', 36) .. '\n', why = 'GitHub token' },
      { content = 'glpat-' .. string.rep('b', 20), why = 'GitLab token' },
      { content = 'aws AKIAABCDEFGHIJKLMNOP here', why = 'AWS access key id' },
      { content = 'xoxb-1234567890-abcdef', why = 'Slack token' },
      { content = 'db:\n  password: hunter2hunter2\n', why = 'line 2 looks like a password assignment' },
      { content = 'PASSWORD="s3cr3t!!"', why = 'password assignment' },
      { content = 'bin\0ary', why = 'binary content' },
      { content = 'bad \255\254 utf8', why = 'binary content' },
      { content = string.rep('x', 2000), max_size = 1000, why = 'too large %(2000 bytes, the limit is 1000%)' },
    }
    for _, k in ipairs(cases) do
      local r, err = c:share({ content = k.content, max_size = k.max_size })
      assert.is_nil(r, k.why)
      assert.matches('^wol: share: ', err)
      assert.matches(k.why, err)
    end
    -- the default limit is 1 MiB
    local r, err = c:share({ content = string.rep('y', 1024 * 1024 + 1) })
    assert.is_nil(r)
    assert.matches('the limit is 1048576', err)
    -- forced, a secret-looking line is shared
    assert(c:share({ content = 'not really: password = example-only\n', force = true }))
    head = log(dir, '%H')
    -- journal entries are private unless forced
    local jfile = m.wol_home .. '/journal/2026/03/2026-03-02.md'
    t.write(jfile, 'private thoughts\n')
    r, err = c:share({ file = jfile })
    assert.is_nil(r)
    assert.matches('is a journal entry, which is private', err)
    -- another member's folder
    t.write(dir .. '/notes/bo/theirs.md', '---\ntitle: theirs\n---\n')
    r, err = c:share({ file = dir .. '/notes/bo/theirs.md' })
    assert.is_nil(r)
    assert.matches("notes/bo/theirs.md is in another member's folder", err)
    r, err = c:share({ content = 'x', note = 'notes/bo/theirs.md' })
    assert.is_nil(r)
    assert.matches('is not in your folder', err)
    r, err = c:share({ content = 'x', note = 'notes/tester/../bo/x.md' })
    assert.is_nil(r)
    assert.matches("'%.%.' component", err)
    r, err = c:share({ file = dir .. '/circle.md' })
    assert.is_nil(r)
    assert.matches('not one of your notes', err)
    assert.are.equal(head, log(dir, '%H'))
    -- forced journal share works
    assert(c:share({ file = jfile, force = true }))
  end)

  it('never follows symbolic links in the circle', function()
    local outside = t.tmpdir('outside')
    t.write(outside .. '/target.md', 'outside\n')
    t.sh(string.format('mkdir -p %s/notes && ln -s %s %s/notes/tester', t.shquote(dir), t.shquote(outside), t.shquote(dir)))
    local r, err = c:share({ content = 'hello\n', title = 'Via link' })
    assert.is_nil(r)
    assert.matches('is a symbolic link %(not followed%)', err)
    assert.are.equal('outside\n', t.read(outside .. '/target.md'))
    t.sh('rm ' .. t.shquote(dir .. '/notes/tester'))
    t.sh(string.format('mkdir -p %s/notes/tester && ln -s %s/target.md %s/notes/tester/link.md', t.shquote(dir), t.shquote(outside), t.shquote(dir)))
    r, err = c:share({ content = 'x', note = 'notes/tester/link.md' })
    assert.is_nil(r)
    assert.matches('symbolic link', err)
    assert.are.equal('outside\n', t.read(outside .. '/target.md'))
    t.sh('rm ' .. t.shquote(dir .. '/notes/tester/link.md'))
  end)

  it('validates paths', function()
    assert.is_true(core.path_check('notes/ana/x.md'))
    for _, bad in ipairs({ '/etc/passwd', '../x', 'notes/../x', 'a//b', 'a/./b', '.git/config', 'a\nb', 'a\\b', '' }) do
      local ok, err = core.path_check(bad)
      assert.is_nil(ok, bad)
      assert.matches('^wol: path: ', err)
    end
    assert.matches('^%d%d%d%d%d%d%d%dT%d%d%d%d%d%dZ%-ana%-%x%x%x%x%x%x%x%x$', core.id('ana'))
    assert.are_not.equal(core.id('ana'), core.id('ana'))
  end)

  it('waits for a held index.lock, then reports it clearly with nothing committed', function()
    local head = log(dir, '%H')
    t.write(dir .. '/.git/index.lock', '')
    local rel, abs = c:note_new('Locked')
    local r, err = c:share({ file = abs, lock_timeout = 200 })
    assert.is_nil(r)
    assert.matches('index%.lock is held by another git process %(waited %d+ ms%)', err)
    assert.are.equal(head, log(dir, '%H'))
    -- released a moment later: the share goes through
    t.sh(string.format('(sleep 0.2; rm -f %s) >/dev/null 2>&1 &', t.shquote(dir .. '/.git/index.lock')))
    r = assert(c:share({ file = abs, lock_timeout = 3000 }))
    assert.are.equal(rel, r.note)
  end)

  it('after a crash removes only the index.lock the dead commit made, never one git holds', function()
    local gitdir = dir .. '/.git'
    local head = log(dir, '%H')
    -- a dead commit's owner file names a lock file that is not this one
    t.write(gitdir .. '/index.lock', '')
    t.write(gitdir .. '/wol-commit.owner', '99999999\nnotes/tester/x.md\n!index.lock 1\n')
    local _, abs = c:note_new('After crash')
    local r, err = c:share({ file = abs, lock_timeout = 150 })
    assert.is_nil(r)
    assert.matches('index%.lock is held by another git process', err)
    assert.is_true(t.exists(gitdir .. '/index.lock'))
    assert.are.equal(head, log(dir, '%H'))
    -- the one it names (same inode) is removed, and the share goes through
    local ino = t.sh('stat -c %i ' .. t.shquote(gitdir .. '/index.lock')):match('%d+')
    t.write(gitdir .. '/wol-commit.owner', '99999999\nnotes/tester/x.md\n!index.lock ' .. ino .. '\n')
    t.write(dir .. '/notes/tester/.x.md.tmp-1-2', 'half')
    r = assert(c:share({ file = abs, lock_timeout = 150 }))
    assert.is_false(t.exists(gitdir .. '/index.lock'))
    assert.is_false(t.exists(dir .. '/notes/tester/.x.md.tmp-1-2'))
    assert.are.equal('', (t.git(dir, 'status --porcelain')))
  end)

  it('counts commits waiting to be pushed once there is a remote', function()
    local bare = t.tmpdir('remote') .. '/r.git'
    t.sh('git init -q --bare ' .. t.shquote(bare))
    t.git(dir, 'remote add origin ' .. t.shquote(bare))
    local _, abs = c:note_new('Counted')
    local r = assert(c:share({ file = abs }))
    assert.is_true(r.has_remote)
    assert.are.equal(2, r.ahead)
    t.git(dir, 'push -q origin main')
    assert.are.equal(0, c:ahead())
    local _, abs2 = c:note_new('Next')
    r = assert(c:share({ file = abs2 }))
    assert.are.equal(1, r.ahead)
  end)

  it('lists notes newest first with author and title', function()
    local _, a1 = c:note_new('Older')
    assert(c:share({ file = a1 }))
    t.sh('sleep 1.1')
    local _, a2 = c:note_new('Newer')
    assert(c:share({ file = a2 }))
    c:note_new('Unshared')
    local notes = c:notes()
    assert.are.equal(3, #notes)
    local titles = {}
    for _, n in ipairs(notes) do
      table.insert(titles, n.title)
      assert.are.equal('tester', n.author)
      assert.is_true(n.mine)
    end
    assert.are.same({ 'Unshared', 'Newer', 'Older' }, titles)
    assert.is_false(notes[1].committed)
    assert.is_true(notes[2].committed)
    assert.are.equal(0, #c:notes('nobody'))
    local out = t.wol({ 'notes', '--json' }, m)
    assert.matches('"title":"Newer"', out)
  end)
end)

describe('wol share (CLI)', function()
  it('shares a file, reports it, refuses with one line and exit 1', function()
    local m = t.member('cli')
    assert.are.equal(0, select(3, t.wol({ 'init', 'c1' }, m)))
    local dir = m.wol_home .. '/circles/c1'
    local f = t.tmpdir('cli') .. '/todo.md'
    t.write(f, '# Todo\n\n- write\n')
    local out, err, rc = t.wol({ 'share', f, '-m', 'what I plan' }, m)
    assert.are.equal(0, rc, err)
    assert.matches('^wol: shared notes/cli/todo%.md %(%x+%): Todo\n', out)
    assert.matches("has no remote", out)
    assert.matches('what I plan', log(dir, '%B'))
    out, err, rc = t.wol({ 'share', f }, m)
    assert.are.equal(0, rc, err)
    assert.matches('already shared', out)
    t.write(f, 'token: ghp_' .. string.rep('Z', 36) .. '\n')
    out, err, rc = t.wol({ 'share', f }, m)
    assert.are.equal(5, rc) -- refused by a rule (:help wol-exit)
    assert.are.equal('', out)
    assert.matches('^wol: share: line 1 looks like a GitHub token[^\n]*\n$', err)
    out, err, rc = t.wol({ 'share', f, '--force', '--title', 'Forced' }, m)
    assert.are.equal(0, rc, err)
    assert.matches('Forced', out)
    out, rc = t.sh(string.format('printf "text\\n" | %s %s share - --title "From stdin" 2>&1', t.env(m),
      t.shquote(t.bin)))
    assert.are.equal(0, rc, out)
    assert.matches('From stdin', out)
    _, err, rc = t.wol({ 'share' }, m)
    assert.are.equal(2, rc)
    assert.matches('a FILE is needed', err)
    _, err, rc = t.wol({ 'share', f, '--lines', 'x' }, m)
    assert.are.equal(2, rc)
    out, err, rc = t.wol({ 'note', 'Made', 'here' }, m)
    assert.are.equal(0, rc, err)
    assert.matches('notes/cli/made%-here%.md\n$', out)
    fsck(dir)
  end)

  it('acts on the circle named with --circle when there are several', function()
    local m = t.member('two')
    t.wol({ 'init', 'one' }, m)
    t.wol({ 'init', 'other' }, m)
    local f = t.tmpdir('two') .. '/n.md'
    t.write(f, 'x\n')
    local _, err, rc = t.wol({ 'share', f }, m)
    assert.are.equal(1, rc)
    assert.matches('several circles exist', err)
    _, err, rc = t.wol({ '--circle', 'other', 'share', f }, m)
    assert.are.equal(0, rc, err)
    assert.matches('share%(two%)', log(m.wol_home .. '/circles/other'))
  end)
end)

describe('crash and concurrency safety', function()
  it('kill -9 during shares (30 times) leaves no commit or a complete one, fsck clean, note intact', function()
    local m = t.member('kill')
    assert.are.equal(0, select(3, t.wol({ 'init', 'k' }, m)))
    local dir = m.wol_home .. '/circles/k'
    local f = t.tmpdir('kill') .. '/draft.md'
    local script = string.format([[
      i=0; while [ $i -lt 30 ]; do
        i=$((i+1))
        printf '# Draft\n\nversion %%s\n' $i > %s
        env %s %s share %s >/dev/null 2>&1 &
        p=$!
        sleep 0.0$(( (i * 7) %% 10 ))
        kill -9 $p 2>/dev/null; wait $p 2>/dev/null
        git -C %s fsck --strict --no-progress 2>&1 | grep -v '^dangling' && echo "FSCK-PROBLEM $i"
        n=%s/notes/kill/draft.md
        if [ -e $n ]; then grep -q '^version [0-9]*$' $n || echo "NOTE-BROKEN $i"; fi
      done; echo done]], t.shquote(f), t.env(m), t.shquote(t.bin), t.shquote(f), t.shquote(dir), t.shquote(dir))
    local out = t.sh(script)
    assert.not_matches('FSCK%-PROBLEM', out)
    assert.not_matches('NOTE%-BROKEN', out)
    assert.matches('done', out)
    -- the next share recovers whatever a killed one left and succeeds
    t.write(f, '# Draft\n\nfinal\n')
    local o2, err, rc = t.wol({ 'share', f }, m)
    assert.are.equal(0, rc, err .. o2)
    assert.matches('final', t.read(dir .. '/notes/kill/draft.md'))
    fsck(dir)
    assert.are.equal('', clean_status(dir))
    local locks = t.sh('find ' .. t.shquote(dir .. '/.git') .. " -name '*.lock' -o -name 'wol-commit.owner' -size +0")
    assert.are.equal('', locks)
    -- every commit in the history is complete and readable
    local lines = log(dir, '%s')
    for l in lines:gmatch('[^\n]+') do
      assert.matches('^[a-z]+%([a-z0-9._-]+%): ', l)
    end
  end)

  it('concurrent shares from several processes and the git CLI lose no commit', function()
    local m = t.member('conc')
    assert.are.equal(0, select(3, t.wol({ 'init', 'cc' }, m)))
    local dir = m.wol_home .. '/circles/cc'
    local work = t.tmpdir('conc')
    local parts = {}
    for i = 1, 8 do
      t.write(work .. '/n' .. i .. '.md', '# Note ' .. i .. '\n\nbody ' .. i .. '\n')
      table.insert(parts, string.format('env %s %s share %s >%s/out%d 2>&1 &', t.env(m), t.shquote(t.bin),
        t.shquote(work .. '/n' .. i .. '.md'), t.shquote(work), i))
    end
    -- and the git CLI committing another file at the same time
    table.insert(parts, string.format(
      '(for j in 1 2 3; do echo $j > %s/plain-$j.txt; env %s git -C %s add plain-$j.txt && env %s git -C %s commit -qm "plain $j" || echo GITFAIL; done) >%s/gitout 2>&1 &',
      t.shquote(dir), t.env(m), t.shquote(dir), t.env(m), t.shquote(dir), t.shquote(work)))
    table.insert(parts, 'wait')
    t.sh(table.concat(parts, '\n'))
    local failed = {}
    for i = 1, 8 do
      local o = t.read(work .. '/out' .. i)
      if not o:match('^wol: shared') then
        table.insert(failed, o)
      end
    end
    assert.are.same({}, failed)
    for i = 1, 8 do
      local blob, rc = t.git(dir, 'show HEAD:notes/conc/note-' .. i .. '.md')
      assert.are.equal(0, rc, blob)
      assert.matches('body ' .. i, blob)
    end
    local shares = select(2, log(dir):gsub('share%(conc%)', ''))
    assert.are.equal(8, shares)
    fsck(dir)
    local st = clean_status(dir)
    -- git commits may have met index.lock held by a share; those that ran are in history
    local gitout = t.read(work .. '/gitout')
    local gitfail = select(2, gitout:gsub('GITFAIL', ''))
    assert.are.equal(3 - gitfail, select(2, log(dir):gsub('plain %d', '')))
    if gitfail == 0 then
      assert.are.equal('', st)
    end
  end)
end)
