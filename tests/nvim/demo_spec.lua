-- `make demo` sets up an isolated demo home whose health check has no error.
local t = require('wolt')

describe('make demo', function()
  it('opens the plugin on a demo home with :checkhealth wol free of errors', function()
    local dir = t.tmpdir('demo')
    local out, rc = t.sh(string.format('env -u LUA_PATH -u LUA_CPATH WOL_DEMO_CHECK=1 WOL_DEMO_DIR=%s sh %s/tools/demo.sh 2>&1',
      t.shquote(dir), t.shquote(t.root)))
    assert.are.equal(0, rc, out)
    assert.matches('C module loaded', out)
    assert.matches("handle 'you'", out)
    assert.matches(dir .. '/wol', out, 1, true)
    assert.not_matches('ERROR', out)
  end)

  it('has a circle with a bare origin, two other members, notes and questions; reruns change nothing', function()
    local dir = t.tmpdir('demo2')
    local run = string.format('env -u LUA_PATH -u LUA_CPATH WOL_DEMO_CHECK=1 WOL_DEMO_DIR=%s sh %s/tools/demo.sh 2>&1',
      t.shquote(dir), t.shquote(t.root))
    local out, rc = t.sh(run)
    assert.are.equal(0, rc, out)
    assert.not_matches('ERROR', out)
    assert.matches("circle 'demo%-circle' at .*remote origin .*/remote/demo%-circle%.git", out)
    local env = { GIT_CONFIG_GLOBAL = dir .. '/gitconfig', WOL_HOME = dir .. '/wol' }
    local notes, err, nrc = t.wol({ 'notes', '--json' }, nil, env)
    assert.are.equal(0, nrc, err)
    assert.matches('"author":"maya"', notes)
    assert.matches('"author":"sam"', notes)
    local circle = dir .. '/wol/circles/demo-circle'
    local members = t.sh('ls ' .. t.shquote(circle .. '/members'))
    assert.are.equal('maya.md\nsam.md\nyou.md\n', members)
    local questions = t.sh('ls ' .. t.shquote(circle .. '/questions') .. '/*/question.md | wc -l')
    assert.matches('^%s*2%s*$', questions)
    local q = t.sh('cat ' .. t.shquote(circle) .. '/questions/*/question.md')
    assert.matches('title: ', q)
    assert.matches('author: sam', q)
    assert.matches('lamport: %d', q)
    assert.matches('author: maya', t.sh('cat ' .. t.shquote(circle) .. '/questions/*/answers/*.md'))
    -- everyone's commits are in "you"'s clone, readable, fsck clean
    local log = t.git(circle, 'log --format=%s')
    assert.matches('join%(you%)', log)
    assert.matches('share%(maya%)', log)
    assert.matches('ask%(sam%)', log)
    assert.are.equal(0, select(2, t.git(circle, 'fsck --strict')))
    -- nothing waits to be pushed before the user did anything (the dashboard
    -- would say "1 commit waiting to be pushed")
    local st, serr, src0 = t.wol({ 'sync', '--status' }, nil, env)
    assert.are.equal(0, src0, serr)
    assert.matches(': 0 commits waiting to be pushed', st)
    assert.matches('join%(you%)', t.git(dir .. '/remote/demo-circle.git', 'log --format=%s main'))
    -- a rerun leaves the demo as it is
    local head = t.git(circle, 'rev-parse HEAD')
    out, rc = t.sh(run)
    assert.are.equal(0, rc, out)
    assert.not_matches('ERROR', out)
    assert.are.equal(head, t.git(circle, 'rev-parse HEAD'))
    -- and a share there works at once
    t.write(dir .. '/mine.md', '# Mine\n')
    local so, se, src = t.wol({ 'share', dir .. '/mine.md' }, nil, env)
    assert.are.equal(0, src, se)
    -- waiting to be pushed: only this share
    assert.matches('1 commit waiting to be pushed', so)
  end)
end)
