-- :WolPrompt in real headless Neovim: the split, its buffer, keys, reuse,
-- <mods>, bad input; and a screen test through tmux.
local t = require('wolt')
local nt = require('nvimt')
local api = vim.api

local TODAY = '2026-03-04' -- a wednesday

local function reset()
  if #api.nvim_list_tabpages() > 1 then
    vim.cmd('tabonly!')
  end
  if #api.nvim_list_wins() > 1 then
    vim.cmd('only!')
  end
  vim.cmd('enew!')
  local m = t.member('ana')
  vim.env.WOL_TODAY = TODAY
  nt.become(m)
  return m
end

local function expected(date, opts)
  local ctx = assert(require('wol').ctx())
  return assert(ctx:prompt(date, opts))
end

local function prompt_wins()
  local out = {}
  for _, w in ipairs(api.nvim_tabpage_list_wins(0)) do
    if api.nvim_buf_get_name(api.nvim_win_get_buf(w)) == 'wol://prompt' then
      table.insert(out, w)
    end
  end
  return out
end

local function feed(keys)
  api.nvim_feedkeys(api.nvim_replace_termcodes(keys, true, false, true), 'x', false)
end

local function lines()
  return api.nvim_buf_get_lines(0, 0, -1, false)
end

-- the line number of the first line equal to `s` (after line `from`)
local function line_of(l, s, from)
  for i = (from or 0) + 1, #l do
    if l[i] == s then
      return i
    end
  end
end

local function heading(p)
  return p.sources.challenge == p.sources.theme and 'Challenge' or 'Challenge: ' .. p.challenge.title
end

describe(':WolPrompt', function()
  before_each(reset)

  it('opens today\'s prompt in a split with a scratch buffer', function()
    vim.o.lines = 50
    local before = #api.nvim_list_wins()
    vim.cmd('WolPrompt')
    assert.are.equal(before + 1, #api.nvim_list_wins())
    local buf = api.nvim_get_current_buf()
    assert.are.equal('wol://prompt', api.nvim_buf_get_name(buf))
    assert.are.equal('nofile', vim.bo.buftype)
    assert.are.equal('wipe', vim.bo.bufhidden)
    assert.are.equal('wolprompt', vim.bo.filetype)
    assert.is_false(vim.bo.modifiable)
    assert.is_false(vim.bo.swapfile)
    assert.is_false(vim.bo.buflisted)
    assert.is_false(vim.wo.number)
    assert.is_true(vim.wo.wrap)
    assert.are.equal(TODAY, vim.b.wol_prompt_date)
    -- what the library chose, drawn: the theme, its words, the challenge,
    -- the questions
    local p = expected(TODAY)
    local l = lines()
    assert.are.equal('Learning', p.theme.title)
    assert.are.equal(p.theme.title, l[1])
    assert.are.equal('Wednesday 2026-03-04, ' .. p.reason, l[2])
    assert.are.equal('', l[3])
    assert.are.equal(p.theme.text, table.concat(l, '\n', 4, 3 + select(2, p.theme.text:gsub('\n', '')) + 1))
    local c = line_of(l, heading(p))
    assert.are.same({ '', p.challenge.text }, { l[c - 1], l[c + 1] })
    -- the challenge's state today (:WolDone marks it)
    assert.are.equal('not done yet: :WolDone marks it done', l[c + 2])
    assert.are.same({ '', 'Reflect' }, { l[c + 3], l[c + 4] })
    for i, q in ipairs(p.reflect) do
      assert.are.equal('- ' .. q, l[c + 4 + i])
    end
    assert.matches('^source: ' .. p.sources.theme:gsub('%p', '%%%0'), l[#l])
    -- a horizontal split sized to the prompt
    assert.are.equal(#l + 1, api.nvim_win_get_height(0))
    -- editing is refused
    assert.has_error(function() vim.cmd('normal! x') end)
  end)

  it('highlights the title, headings and questions', function()
    vim.cmd('WolPrompt')
    local ns = api.nvim_get_namespaces().wol_prompt
    local marks = api.nvim_buf_get_extmarks(0, ns, 0, -1, { details = true })
    local groups = {}
    for _, m in ipairs(marks) do
      groups[m[2] .. ':' .. m[4].hl_group] = true
    end
    local p, l = expected(TODAY), lines()
    assert.is_true(groups['0:WolPromptTitle'])
    assert.is_true(groups[(line_of(l, heading(p)) - 1) .. ':WolPromptHeading'])
    assert.is_true(groups[(line_of(l, '- ' .. p.reflect[1]) - 1) .. ':WolPromptQuestion'])
    assert.are.equal(1, vim.fn.hlexists('WolPromptQuestion'))
  end)

  it('takes a date: YYYY-MM-DD, yesterday, tomorrow, +N, -N', function()
    vim.cmd('WolPrompt 2026-03-09')
    assert.are.equal('2026-03-09', vim.b.wol_prompt_date)
    assert.are.equal(expected('2026-03-09').theme.title, lines()[1])
    vim.cmd('WolPrompt yesterday')
    assert.are.equal('2026-03-03', vim.b.wol_prompt_date)
    vim.cmd('WolPrompt +3')
    assert.are.equal('2026-03-07', vim.b.wol_prompt_date)
    vim.cmd('WolPrompt -10')
    assert.are.equal('2026-02-22', vim.b.wol_prompt_date)
  end)

  it('says the date is invalid and opens nothing', function()
    local before = #api.nvim_list_wins()
    local seen = nt.notifications(function()
      vim.cmd('WolPrompt 2026-13-45')
    end)
    assert.are.equal(1, #seen)
    assert.are.equal("wol: date: '2026-13-45' is not a valid calendar date", seen[1].msg)
    assert.are.equal(vim.log.levels.ERROR, seen[1].level)
    assert.are.equal(before, #api.nvim_list_wins())
    seen = nt.notifications(function()
      vim.cmd('WolPrompt a b')
    end)
    assert.matches('one date at most', seen[1].msg)
    seen = nt.notifications(function()
      vim.cmd('WolPrompt circle=nope')
    end)
    assert.matches("^wol: circle: 'nope' does not exist", seen[1].msg)
  end)

  it('reuses its window when already open', function()
    vim.cmd('WolPrompt')
    local win, buf = api.nvim_get_current_win(), api.nvim_get_current_buf()
    vim.cmd('wincmd p')
    local n = #api.nvim_list_wins()
    vim.cmd('WolPrompt tomorrow')
    assert.are.equal(n, #api.nvim_list_wins())
    assert.are.equal(win, api.nvim_get_current_win())
    assert.are.equal(buf, api.nvim_get_current_buf())
    assert.are.equal('2026-03-05', vim.b.wol_prompt_date)
    vim.cmd('vertical WolPrompt')
    assert.are.equal(n, #api.nvim_list_wins())
    assert.are.equal(1, #prompt_wins())
  end)

  it('honours <mods>: :vertical and :tab', function()
    vim.cmd('vertical WolPrompt')
    assert.are.equal('row', vim.fn.winlayout()[1])
    assert.are.equal(vim.o.lines - vim.o.cmdheight - 1, api.nvim_win_get_height(0))
    vim.cmd('close')
    vim.cmd('topleft WolPrompt')
    assert.are.equal('col', vim.fn.winlayout()[1])
    assert.are.equal(1, vim.fn.winnr())
    vim.cmd('close')
    local tabs = #api.nvim_list_tabpages()
    vim.cmd('tab WolPrompt')
    assert.are.equal(tabs + 1, #api.nvim_list_tabpages())
    assert.are.equal(1, #api.nvim_tabpage_list_wins(0))
    assert.are.equal('wol://prompt', api.nvim_buf_get_name(0))
    assert.are.equal('wolprompt', vim.bo.filetype)
  end)

  it(']d and [d step through the days; q closes', function()
    vim.cmd('WolPrompt')
    feed(']d')
    assert.are.equal('2026-03-05', vim.b.wol_prompt_date)
    assert.are.equal(expected('2026-03-05').theme.title, lines()[1])
    feed(']d]d')
    assert.are.equal('2026-03-07', vim.b.wol_prompt_date)
    feed('[d[d[d[d')
    assert.are.equal('2026-03-03', vim.b.wol_prompt_date)
    assert.are.equal(expected('2026-03-03').theme.title, lines()[1])
    local n = #api.nvim_list_wins()
    feed('q')
    assert.are.equal(n - 1, #api.nvim_list_wins())
    assert.are.equal(0, #prompt_wins())
    assert.are.equal(-1, vim.fn.bufnr('wol://prompt'))
  end)

  it('q in the last window leaves Neovim running with an empty buffer', function()
    vim.cmd('tab WolPrompt')
    vim.cmd('tabonly')
    vim.cmd('only')
    feed('q')
    assert.are.equal(1, #api.nvim_list_wins())
    assert.are.equal('', api.nvim_buf_get_name(0))
  end)

  it('? shows the keys', function()
    vim.cmd('WolPrompt')
    local seen = nt.notifications(function()
      feed('?')
    end)
    assert.are.equal(1, #seen)
    for _, k in ipairs({ ']d', '[d', '<CR>', 'q', '?' }) do
      assert.matches('\n  ' .. k:gsub('%p', '%%%0') .. ' ', seen[1].msg)
    end
  end)

  it('<CR> on a question opens today\'s journal file in another window', function()
    local m = reset()
    vim.cmd('WolPrompt +2') -- another day's prompt: the journal is still today's
    local prompt_win = api.nvim_get_current_win()
    local p = expected('2026-03-06')
    api.nvim_win_set_cursor(0, { line_of(lines(), '- ' .. p.reflect[2]), 0 }) -- the second question
    local seen = nt.notifications(function()
      feed('<CR>')
    end)
    assert.are_not.equal(prompt_win, api.nvim_get_current_win())
    assert.are.equal(m.wol_home .. '/journal/2026/2026-03-04.md', api.nvim_buf_get_name(0))
    assert.are.equal('wol: ' .. p.reflect[2], seen[1].msg)
    assert.are.equal(2, #api.nvim_list_wins())
    -- the journal folder is private
    local mode = t.sh('stat -c %a ' .. t.shquote(m.wol_home .. '/journal/2026')):match('%d+')
    assert.are.equal('700', mode)
  end)

  it('<CR> elsewhere says to put the cursor on a question', function()
    vim.cmd('WolPrompt')
    local seen = nt.notifications(function()
      feed('<CR>')
    end)
    assert.are.equal(1, #seen)
    assert.matches('put the cursor on a question', seen[1].msg)
    assert.are.equal('wol://prompt', api.nvim_buf_get_name(0))
  end)

  it('warns once about a skipped prompt file and still shows a prompt', function()
    local m = reset()
    t.write(m.wol_home .. '/prompts/bad.md', '---\ntitle: x\nweek: 999\n---\n')
    local seen = nt.notifications(function()
      vim.cmd('WolPrompt')
      feed(']d')
    end)
    assert.are.equal(1, #seen)
    assert.are.equal('wol: ' .. m.wol_home .. "/prompts/bad.md:3: week: '999' is out of range (a program week is 1..520)",
      seen[1].msg)
    assert.are.equal(vim.log.levels.WARN, seen[1].level)
    assert.are.equal(expected('2026-03-05').theme.title, lines()[1])
  end)

  it('shows the user\'s own prompts beside the circle week\'s focus', function()
    local m = reset()
    local circle = m.wol_home .. '/circles/team'
    t.sh('mkdir -p ' .. t.shquote(circle) .. ' && git init -q ' .. t.shquote(circle))
    t.write(circle .. '/circle.md', '---\nname: team\nstarted: 2026-02-23\nweeks: 6\n---\n')
    vim.cmd('WolPrompt')
    local p = expected(TODAY)
    assert.are.equal('Learning', lines()[1])
    assert.matches('^Wednesday 2026%-03%-04, every wednesday %(built%-in%).*; focus program week 2 of 6 %(built%-in%)$',
      lines()[2])
    local f = line_of(lines(), 'Week 2 of 6: ' .. p.focus.title)
    assert.are.equal(p.focus.text, lines()[f + 1])
    t.write(m.wol_home .. '/prompts/mine.md',
      '---\ntitle: My own theme\nweekday: wednesday\n---\n## Challenge\nDo it.\n## Reflect\n- Really?\n')
    vim.cmd('WolPrompt')
    assert.are.same({ 'My own theme',
      'Wednesday 2026-03-04, every wednesday (your prompts); focus program week 2 of 6 (built-in)' },
      { lines()[1], lines()[2] })
    assert.truthy(line_of(lines(), 'Week 2 of 6: ' .. p.focus.title))
    assert.truthy(line_of(lines(), '- Really?'))
  end)

  it('takes circle=NAME to choose among several circles', function()
    local m = reset()
    for name, started in pairs({ one = '2026-03-02', two = '2026-02-16' }) do
      local dir = m.wol_home .. '/circles/' .. name
      t.sh('mkdir -p ' .. t.shquote(dir) .. ' && git init -q ' .. t.shquote(dir))
      t.write(dir .. '/circle.md', '---\nname: ' .. name .. '\nstarted: ' .. started .. '\n---\n')
    end
    vim.cmd('WolPrompt circle=two')
    assert.matches('^Wednesday 2026%-03%-04, .*; focus program week 3 of 12 %(built%-in%)$', lines()[2])
    feed(']d') -- stays on that circle
    assert.matches('^Thursday 2026%-03%-05, .*; focus program week 3 of 12 %(built%-in%)$', lines()[2])
    vim.cmd('WolPrompt circle=one')
    assert.matches('^Wednesday 2026%-03%-04, .*; focus program week 1 of 12 %(built%-in%)$', lines()[2])
  end)

  it('completes date words', function()
    assert.are.same({ 'today', 'tomorrow' }, vim.fn.getcompletion('WolPrompt to', 'cmdline'))
  end)

  it('has a <Plug> map that runs :WolPrompt', function()
    assert.is_truthy(vim.fn.maparg('<Plug>(WolPrompt)', 'n') ~= '')
    local before = #api.nvim_list_wins()
    vim.cmd('execute "normal \\<Plug>(WolPrompt)"')
    assert.are.equal(before + 1, #api.nvim_list_wins())
    assert.are.equal('wol://prompt', api.nvim_buf_get_name(0))
  end)
end)

describe(':WolPrompt on a real screen (tmux)', function()
  if vim.fn.executable('tmux') ~= 1 then
    pending('tmux is not installed')
    return
  end

  it('shows the prompt a person would read, steps a day, and closes', function()
    local m = t.member('ana')
    local dir = t.tmpdir('screen')
    -- a server of our own on a socket of our own (short path: sockets have a
    -- length limit), removed at the end
    local sockdir = t.sh('mktemp -d "${TMPDIR:-/tmp}/wolt.XXXXXX"'):match('%S+')
    local sock = t.shquote(sockdir .. '/tmux.sock')
    local script = dir .. '/run.sh'
    t.write(script, table.concat({
      'unset LUA_PATH LUA_CPATH LD_PRELOAD',
      'export HOME=' .. t.shquote(m.home) .. ' WOL_HOME=' .. t.shquote(m.wol_home) .. ' WOL_TODAY=' .. TODAY,
      'exec nvim -u NONE -i NONE -n --cmd ' .. t.shquote('set rtp^=' .. t.root) ..
        ' -c ' .. t.shquote('runtime plugin/wol.lua'),
    }, '\n') .. '\n')
    local function tmux(args)
      return t.sh('tmux -S ' .. sock .. ' ' .. args .. ' 2>&1')
    end
    finally(function()
      tmux('kill-server')
      t.sh('rm -rf ' .. t.shquote(sockdir))
    end)
    local out, rc = tmux('-f /dev/null new-session -d -s wol -x 100 -y 30 ' .. t.shquote('sh ' .. script))
    assert.are.equal(0, rc, out)
    local function screen()
      return (tmux('capture-pane -p -t wol'))
    end
    local function wait_for(text)
      local last = ''
      local ok = vim.wait(15000, function()
        last = screen()
        return last:find(text, 1, true) ~= nil
      end, 50)
      assert(ok, 'screen never showed ' .. text .. ':\n' .. last)
      return last
    end
    -- Neovim is up when its empty buffer's tildes show
    wait_for('~')
    tmux('send-keys -t wol :WolPrompt Enter')
    local p = expected(TODAY)
    local s = wait_for(p.theme.title)
    local rows = vim.split(s, '\n')
    -- the prompt is the top window: title on the first row, then the day
    assert.are.equal(p.theme.title, vim.trim(rows[1]))
    assert.are.equal('Wednesday 2026-03-04, ' .. p.reason, vim.trim(rows[2]))
    assert.truthy(s:find('\n' .. heading(p) .. '\n', 1, true))
    assert.truthy(s:find('\nReflect\n', 1, true))
    assert.truthy(s:find('- ' .. p.reflect[1], 1, true))
    -- the challenge wraps at a word boundary within 100 columns
    local first
    for _, r in ipairs(rows) do
      assert.is_true(#r <= 100)
      if not first and r:sub(1, 30) == p.challenge.text:sub(1, 30) then
        first = vim.trim(r)
      end
    end
    assert(first, 'challenge not on screen:\n' .. s)
    assert.are.equal(first, p.challenge.text:sub(1, #first))
    if #first < #p.challenge.text then
      assert.are.equal(' ', p.challenge.text:sub(#first + 1, #first + 1))
    end
    assert.truthy(s:find('wol://prompt', 1, true)) -- its status line
    assert.is_nil(s:find('E%d+:'))
    -- the next day, by its key
    tmux('send-keys -t wol ]d')
    local next_p = expected('2026-03-05')
    s = wait_for('Thursday 2026-03-05')
    assert.are.equal(next_p.theme.title, vim.trim(vim.split(s, '\n')[1]))
    -- q closes it: the empty buffer fills the screen again
    tmux('send-keys -t wol q')
    local ok = vim.wait(10000, function()
      s = screen()
      return not s:find('wol://prompt', 1, true)
    end, 50)
    assert(ok, 'the prompt did not close:\n' .. s)
    assert.is_nil(s:find(next_p.theme.title, 1, true))
    -- an invalid date is one readable message at the bottom
    tmux('send-keys -t wol :WolPrompt Space 2026-13-45 Enter')
    s = wait_for('is not a valid calendar date')
    assert.truthy(s:find("wol: date: '2026-13-45' is not a valid calendar date", 1, true))
  end)
end)
