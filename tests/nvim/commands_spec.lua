-- The plumbing every feature shares, in real headless Neovim: the command
-- table of plugin/wol.lua, the job runner for `wol` child processes and its
-- JSON-lines protocol (lua/wol/job.lua), and User events.
local t = require('wolt')
local nt = require('nvimt')

local function read_all(pattern)
  local out = {}
  for _, f in ipairs(vim.fn.glob(t.root .. '/' .. pattern, false, true)) do
    out[f] = t.read(f)
  end
  return out
end

describe('the command table', function()
  it('completes a word list by what was typed', function()
    assert.are.same({ 'mine' }, vim.fn.getcompletion('WolQuestions m', 'cmdline'))
    assert.are.same({ 'open', 'mine', 'all' }, vim.fn.getcompletion('WolQuestions ', 'cmdline'))
    assert.are.same({ 'tomorrow' }, vim.fn.getcompletion('WolPrompt tom', 'cmdline'))
  end)

  it('runs each command in the module it names, with that module\'s own messages', function()
    nt.become(t.member('tester'))
    local cases = {
      { 'WolJoin a b c', 'wol: usage: :WolJoin URL %[name%]' },
      { 'WolNotes a b', 'wol: usage: :WolNotes' },
      { 'WolSync extra', 'wol: usage: :WolSync' },
      { 'WolCircle nonsense', 'wol: usage: :WolCircle' },
      { 'WolInit a b c', 'wol: usage: :WolInit' },
      { 'WolPrompt a b', 'wol: prompt: one date at most' },
      { 'WolLog', 'wol: log: nothing to log' },
      { 'WolQuestions bogus', "'bogus' is not one of open, mine, all" },
    }
    for _, c in ipairs(cases) do
      local seen = nt.notifications(function()
        vim.cmd(c[1])
      end)
      assert.are.equal(1, #seen, c[1])
      assert.matches(c[2], seen[1].msg)
      assert.not_matches('traceback', seen[1].msg)
      assert.are.equal(vim.log.levels.ERROR, seen[1].level, c[1])
    end
  end)

  it('has no module that only re-exports another', function()
    for path, text in pairs(read_all('lua/wol/*.lua')) do
      local code = text:gsub('%-%-[^\n]*', ''):gsub('%s+', ' ')
      assert.is_nil(code:match('^ ?return require%b()%s*$'), path)
      assert.is_nil(code:match('register%('), path .. ' registers a handler outside the command table')
    end
  end)
end)

describe('the job runner', function()
  local bare
  setup(function()
    local bo = t.member('bo')
    assert.are.equal(0, select(3, t.wol({ 'init', 'winter' }, bo)))
    bare = t.tmpdir('bare') .. '/winter.git'
    t.sh('git clone -q --bare ' .. t.shquote(bo.wol_home .. '/circles/winter') .. ' ' .. t.shquote(bare))
    nt.become(t.member('tester'))
  end)

  local function run(args, circle)
    local events, res = {}, nil
    require('wol.job').start({
      args = args,
      circle = circle,
      on_progress = function(ev)
        table.insert(events, ev)
      end,
      on_done = function(r)
        res = r
      end,
    })
    assert.is_true(vim.wait(30000, function() return res ~= nil end, 10))
    return res, events
  end

  it('reads progress lines and one summary from `wol join --json` and `wol sync --json` alike', function()
    local res, events = run({ 'join', bare, '--json' })
    assert.is_true(res.ok, res.error)
    assert.are.equal('winter', res.summary.circle)
    assert.are.equal(vim.env.WOL_HOME .. '/circles/winter', res.summary.path)
    assert.is_true(#events >= 1)
    for _, ev in ipairs(events) do
      assert.are.equal('progress', ev.type)
      assert.is_string(ev.phase)
      assert.is_number(ev.received)
      assert.is_number(ev.total)
    end
    res, events = run({ 'sync', '--json' }, 'winter')
    assert.is_true(res.ok, res.error)
    assert.are.equal('summary', res.summary.type)
    assert.are.equal('winter', res.summary.circle)
    assert.is_true(#events >= 1)
    assert.are.equal('progress', events[1].type)
    assert.is_string(events[1].phase)
  end)

  it('takes the failure message from the summary line', function()
    local res = run({ 'join', '/nonexistent/nothing.git', 'other', '--json' })
    assert.is_false(res.ok)
    assert.are.equal(1, res.code)
    assert.are.equal(1, res.summary.exit)
    assert.matches('^wol: join: /nonexistent/nothing%.git does not exist', res.error)
    assert.are.equal(res.summary.error, res.error)
  end)

  it('cancels, and stops a job at its timeout', function()
    -- a `git daemon` that accepts and never answers would be a hung remote;
    -- a shell that reads forever is the same from the runner's side
    local res
    local job = require('wol.job')
    local real = job.cmd
    job.cmd = function() return { 'sh', '-c', 'echo \'{"type":"progress","phase":"connect"}\'; exec cat' } end
    local ok, err = pcall(function()
      local j = job.start({ args = { 'sync' }, on_done = function(r) res = r end })
      assert.is_true(j:running())
      j:cancel()
      assert.is_true(vim.wait(10000, function() return res ~= nil end, 10))
      assert.is_true(res.cancelled)
      assert.is_false(res.ok)
      assert.is_false(j:running())
      res = nil
      job.start({ args = { 'sync' }, timeout = 0.2, on_done = function(r) res = r end })
      assert.is_true(vim.wait(10000, function() return res ~= nil end, 10))
      assert.is_true(res.timed_out)
      assert.is_false(res.ok)
    end)
    job.cmd = real
    assert(ok, err)
  end)
end)

describe('User events', function()
  it('are listened to only when something fires them, and each is documented', function()
    local fired = {}
    for _, text in pairs(read_all('lua/wol/*.lua')) do
      for name in text:gmatch("user_event%(%s*'(%w+)'") do
        fired[name] = true
      end
    end
    assert.is_true(fired.WolShared and fired.WolSynced and fired.WolQuestion and true or false)
    local doc = assert(t.read(t.root .. '/doc/wol.txt'))
    for name in pairs(fired) do
      assert.is_truthy(doc:find('*' .. name .. '*', 1, true), name .. ' is fired but not documented')
    end
    for _, au in ipairs(vim.api.nvim_get_autocmds({ event = 'User' })) do
      if au.pattern:match('^Wol') then
        assert.is_true(fired[au.pattern] == true, 'wol listens to User ' .. au.pattern .. ', which nothing fires')
      end
    end
  end)

  it('a failing handler is reported, and the work that fired it is done', function()
    local me = t.member('tester')
    nt.become(me)
    assert.are.equal(0, select(3, t.wol({ 'init', 'events' }, me)))
    local calls = 0
    local id = vim.api.nvim_create_autocmd('User', {
      pattern = 'WolShared',
      callback = function()
        calls = calls + 1
        error('a broken handler')
      end,
    })
    vim.cmd('enew')
    vim.api.nvim_buf_set_lines(0, 0, -1, false, { '# Handled', '', 'text' })
    local seen, ok, err
    seen = nt.notifications(function()
      -- Neovim reports the handler's error itself, as it does for any
      -- autocommand (here, in a script, as an error of the command)
      ok, err = pcall(vim.cmd, 'WolShare circle=events')
    end)
    vim.api.nvim_del_autocmd(id)
    vim.cmd('bwipeout!')
    assert.are.equal(1, calls)
    local msgs = table.concat(vim.tbl_map(function(s) return s.msg end, seen), '\n')
    assert.matches("wol: shared 'Handled' to events", msgs)
    assert.is_false(ok)
    assert.matches('a broken handler', err)
    assert.matches('share%(tester%)', (t.git(me.wol_home .. '/circles/events', 'log -1 --format=%s')))
  end)
end)

describe('messages', function()
  it('count and name things without gaps: no questions, 1 answer, 2 answers', function()
    local me = t.member('tester')
    nt.become(me)
    assert.are.equal(0, select(3, t.wol({ 'init', 'quiet' }, me)))
    local seen = nt.notifications(function()
      vim.cmd('WolQuestions all circle=quiet')
      vim.cmd('WolQuestions circle=quiet')
    end)
    assert.are.equal("wol: no questions in quiet (ask one: :WolAsk)", seen[1].msg)
    assert.are.equal("wol: no open questions in quiet (ask one: :WolAsk)", seen[2].msg)
    local plural = require('wol.ui').plural
    assert.are.equal('1 answer', plural(1, 'answer'))
    assert.are.equal('0 answers', plural(0, 'answer'))
    assert.are.equal('2 replies', plural(2, 'reply', 'replies'))
  end)
end)
