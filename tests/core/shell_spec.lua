-- The shell (issue "First day"): exit codes by one rule for every command
-- (:help wol-exit), at most one "(see: ...)" hint per message, and write
-- commands that say what they wrote, or nothing with -q.
local t = require('wolt')

-- runs bin/wol with standard input from a file (or /dev/null)
local function wol_in(args, member, input)
  local inf = '/dev/null'
  if input then
    inf = os.tmpname()
    t.write(inf, input)
  end
  local argv = {}
  for _, a in ipairs(args) do
    table.insert(argv, t.shquote(a))
  end
  local errf = os.tmpname()
  local out, rc = t.sh(string.format('env %s %s %s <%s 2>%s', t.env(member), t.shquote(t.bin),
    table.concat(argv, ' '), t.shquote(inf), t.shquote(errf)))
  local err = t.read(errf) or ''
  os.remove(errf)
  if input then
    os.remove(inf)
  end
  return out, err, rc
end

local function lines(s)
  local v = {}
  for l in s:gmatch('[^\n]+') do
    table.insert(v, l)
  end
  return v
end

local function hints(s)
  local n = 0
  for _ in s:gmatch('%(see: ') do
    n = n + 1
  end
  return n
end

-- the commands `wol --help` lists
local function commands()
  local out = t.wol({ '--help' })
  local v = {}
  for name in out:match('commands:\n(.-)\n\n'):gmatch('\n?  (%S+)') do
    table.insert(v, name)
  end
  return v
end

describe('wol: the shell', function()
  local m
  setup(function()
    m = t.member('tester')
    local _, err, rc = t.wol({ 'init', 'c' }, m)
    assert.are.equal(0, rc, err)
  end)

  it('exits 2 with one line and one hint for a usage error of every command', function()
    local names = commands()
    assert.is_true(#names >= 20, table.concat(names, ' '))
    for _, name in ipairs(names) do
      local out, err, rc = t.wol({ name, '--no-such-option' }, m)
      assert.are.equal(2, rc, name .. ': ' .. err)
      assert.are.equal('', out, name)
      assert.are.equal(1, #lines(err), name .. ': ' .. err)
      assert.are.equal(1, hints(err), name .. ': ' .. err)
    end
  end)

  it('exits 2 for missing, extra and invalid arguments, invalid dates included', function()
    local cases = {
      { { 'log' }, 'nothing to log' },
      { { 'journal', '2026-02-30' }, '2026%-02%-30' },
      { { 'journal', 'someday' }, 'someday' },
      { { 'log', '--time', '25:00', 'late' }, '25:00' },
      { { 'prompt', '2026-13-01' }, '2026%-13%-01' },
      { { 'answer' }, 'a QID is needed' },
      { { 'show' }, 'a QID is needed' },
      { { 'resolve' }, 'a QID is needed' },
      { { 'thank', 'x' }, 'answer id' },
      { { 'answer', 'x', 'y', '-m', 'z' }, "unexpected argument 'y'" },
      { { 'search', 'kind:blog' }, 'kind:blog' },
      { { 'search', 'after:2026-02-30' }, '2026%-02%-30' },
      { { 'init', 'x', '--started', '2026-02-30' }, '2026%-02%-30' },
      { { 'init', 'x', '--meets', 'funday' }, 'funday' },
      { { 'init', 'Bad' }, "'Bad' is not valid" },
      { { 'join', '/nowhere.git', 'Bad' }, "'Bad' is not valid" },
      { { 'notes', '../x' }, "'%.%./x' is not valid" },
      { { 'questions', '--state', 'bogus' }, 'bogus' },
    }
    for _, c in ipairs(cases) do
      local out, err, rc = wol_in(c[1], m)
      local what = table.concat(c[1], ' ')
      assert.are.equal(2, rc, what .. ': ' .. err)
      assert.are.equal('', out, what)
      assert.are.equal(1, #lines(err), what .. ': ' .. err)
      assert.matches(c[2], err)
      assert.are.equal(1, hints(err), what .. ': ' .. err)
    end
  end)

  it('exits 1 for a runtime failure, with at most one hint', function()
    local out, err, rc = t.wol({ 'show', 'nosuchquestion' }, m)
    assert.are.equal(1, rc, err)
    assert.are.equal('', out)
    assert.are.equal(1, #lines(err), err)
    assert.is_true(hints(err) <= 1, err)
    out, err, rc = t.wol({ '--circle', 'nope', 'notes' }, m)
    assert.are.equal(1, rc, err)
    assert.is_true(hints(err) <= 1, err)
  end)

  it('documents the rule in wol --help', function()
    local out = t.wol({ '--help' })
    assert.matches('2 usage', out)
    assert.matches('3 offline', out)
    assert.matches('4 authentication', out)
    assert.matches('5 refused', out)
  end)

  it('wol log says where it logged, like the editor; -q says nothing', function()
    local out, err, rc = t.wol({ 'log', 'wrote', 'tests' }, m)
    assert.are.equal(0, rc, err)
    assert.matches('^wol: logged to .*/journal/%d+/%d+%-%d+%-%d+%.md\n$', out)
    out, err, rc = t.wol({ 'log', '-q', 'again' }, m)
    assert.are.equal(0, rc, err)
    assert.are.equal('', out)
    assert.are.equal('', err)
    local path = t.wol({ 'journal', '--path' }, m):gsub('\n$', '')
    assert.matches('again', t.read(path))
    -- lines on standard input are a quote; an empty input is a usage error
    out, err, rc = wol_in({ 'log' }, m, 'first\nsecond\n')
    assert.are.equal(0, rc, err)
    assert.matches('^wol: logged to ', out)
    out, err, rc = wol_in({ 'log' }, m, '\n\n')
    assert.are.equal(2, rc, err)
  end)

  it('every write command takes -q and then prints nothing', function()
    local dir = m.wol_home .. '/circles/c'
    local cases = {
      { 'note', 'Quiet', 'note' },
      { 'ask', 'Quiet?', '-m', 'body' },
      { 'index' },
      { 'init', 'd' },
    }
    for _, args in ipairs(cases) do
      local a = { args[1], '-q' }
      for i = 2, #args do
        table.insert(a, args[i])
      end
      local out, err, rc = t.wol(a, m)
      assert.are.equal(0, rc, table.concat(a, ' ') .. ': ' .. err)
      assert.are.equal('', out, table.concat(a, ' '))
    end
    t.write(dir .. '/notes/tester/q.md', '# Q\n')
    local out, err, rc = t.wol({ '--circle', 'c', 'share', '--quiet', dir .. '/notes/tester/q.md' }, m)
    assert.are.equal(0, rc, err)
    assert.are.equal('', out)
    local qid = assert(t.wol({ '--circle', 'c', 'questions', '--json' }, m):match('"id":"([^"]+)"'))
    for _, args in ipairs({ { 'answer', qid, '-m', 'yes' }, { 'resolve', qid }, { 'reopen', qid } }) do
      table.insert(args, 2, '-q')
      table.insert(args, 1, '--circle')
      table.insert(args, 2, 'c')
      out, err, rc = t.wol(args, m)
      assert.are.equal(0, rc, table.concat(args, ' ') .. ': ' .. err)
      assert.are.equal('', out, table.concat(args, ' '))
    end
    -- the help of a write command names -q
    out = t.wol({ 'share', '--help' })
    assert.matches('%-q', out)
  end)
end)
