-- Feedback in real headless Neovim: the signs and end-of-line text in a
-- shared note (checked on a real screen: an embedded Neovim with a UI
-- attached), ]f [f K, :WolComment (with text, or a buffer that :w
-- commits), :WolReact, the :WolFeedback thread buffer and its keys, the
-- full inline text, `User WolFeedback` after :WolSync, and hostile records
-- that never break the drawing. Two members on a git daemon on 127.0.0.1;
-- bo works through the CLI on his own clone.
local t = require('wolt')
local nt = require('nvimt')
local qnet = require('qnet')
local json = require('dkjson')
local api = vim.api

local net, ana, bo, rel

local function wol(m, args)
  local out, err, rc = t.wol(args, m)
  assert(rc == 0, table.concat(args, ' ') .. ': ' .. err .. out)
  return out
end

local function wait_for(fn)
  assert(vim.wait(20000, fn, 20), debug.traceback('timed out'))
end

-- writes start a background sync (sync.after_share): wait for it before
-- git or the CLI touch the same clone
local function settle()
  local sync = require('wol.sync')
  wait_for(function()
    return not sync.is_running('fbn')
  end)
end

local function last_notice(fn)
  local seen = nt.notifications(fn)
  return seen[#seen] or { msg = '' }, seen
end

local function marks(buf)
  local ns = require('wol.feedback').ns
  local out = {}
  for _, m in ipairs(api.nvim_buf_get_extmarks(buf or 0, ns, 0, -1, { details = true })) do
    out[#out + 1] = { row = m[2] + 1, d = m[4] }
  end
  return out
end

local function eol_text(buf, row)
  for _, m in ipairs(marks(buf)) do
    if m.row == row and m.d.virt_text then
      return m.d.virt_text[1][1]
    end
  end
end

local function open_note(m)
  nt.become(m)
  vim.cmd('silent! %bwipeout!')
  vim.cmd('edit ' .. vim.fn.fnameescape(net.dir(m) .. '/' .. rel))
  return api.nvim_get_current_buf()
end

-- The screen of another Neovim (embedded, a UI attached) showing the note
-- as `m`: rows 1..n as text.
local function screen(m, n, cmds)
  local ch = vim.fn.jobstart({ 'nvim', '--embed', '--headless', '-u', 'NONE', '-i', 'NONE', '-n', '--cmd',
    'set rtp^=' .. t.root }, { rpc = true, env = { HOME = m.home, WOL_HOME = m.wol_home } })
  vim.rpcrequest(ch, 'nvim_ui_attach', 100, n + 2, { ext_linegrid = true })
  vim.rpcrequest(ch, 'nvim_command', 'runtime plugin/wol.lua')
  vim.rpcrequest(ch, 'nvim_command', 'set signcolumn=yes nonumber')
  vim.rpcrequest(ch, 'nvim_command', 'edit ' .. vim.fn.fnameescape(net.dir(m) .. '/' .. rel))
  for _, c in ipairs(cmds or {}) do
    vim.rpcrequest(ch, 'nvim_command', c)
  end
  vim.rpcrequest(ch, 'nvim_command', 'redraw')
  local rows = vim.rpcrequest(ch, 'nvim_exec_lua', [[
    local rows = {}
    for r = 1, ... do
      local s = {}
      for c = 1, vim.o.columns do
        s[#s + 1] = vim.fn.screenstring(r, c)
      end
      rows[r] = table.concat(s):gsub('%s+$', '')
    end
    return rows
  ]], { n })
  vim.fn.jobstop(ch)
  return rows
end

describe('feedback in a shared note', function()
  setup(function()
    net = qnet.circle('fbn', { 'ana', 'bo' })
    ana, bo = net.members.ana, net.members.bo
    local path = wol(ana, { 'note', 'Onboarding guide' }):match('(%S+%.md)')
    local body = {}
    for i = 1, 30 do
      body[i] = 'Step ' .. i .. ' of the guide.'
    end
    local f = assert(io.open(path, 'ab'))
    f:write(table.concat(body, '\n') .. '\n')
    f:close()
    wol(ana, { 'share', path })
    rel = path:sub(#net.dir(ana) + 2)
    net.sync(ana)
    net.sync(bo)
    -- bo's feedback, through the shell: a comment on 12-13, a reaction on 15
    wol(bo, { 'comment', rel, '--lines', '12-13', '-m', 'Could step 3 say who helps?' })
    wol(bo, { 'react', rel, '+1', '--lines', '15' })
    net.sync(bo)
    net.sync(ana)
  end)
  teardown(function()
    settle()
    net.d.stop()
  end)

  it('shows signs and the first words on the lines, ]f / [f go between them, K shows the thread', function()
    local buf = open_note(ana)
    assert.matches('^ 1 · bo: Could step 3 say who helps%?$', eol_text(buf, 12))
    assert.matches('^ 1 · bo: %+1$', eol_text(buf, 15))
    local rows = {}
    for _, m in ipairs(marks(buf)) do
      rows[#rows + 1] = m.row
    end
    assert.are.same({ 12, 13, 15 }, rows)
    api.nvim_win_set_cursor(0, { 1, 0 })
    vim.cmd('normal ]f')
    assert.are.equal(12, api.nvim_win_get_cursor(0)[1])
    vim.cmd('normal ]f')
    assert.are.equal(15, api.nvim_win_get_cursor(0)[1])
    local n = last_notice(function()
      vim.cmd('normal ]f')
    end)
    assert.matches('no later feedback', n.msg)
    vim.cmd('normal [f')
    assert.are.equal(12, api.nvim_win_get_cursor(0)[1])
    -- K: the thread in a float
    vim.cmd('normal K')
    local fb = require('wol.feedback')
    assert.is_true(api.nvim_win_is_valid(fb.float))
    local shown = table.concat(api.nvim_buf_get_lines(api.nvim_win_get_buf(fb.float), 0, -1, false), '\n')
    assert.matches('## bo comment · [^\n]*lines 12%-13', shown)
    assert.matches('\nCould step 3 say who helps%?', shown)
    -- on a real screen: the sign column and the text at the end of the line
    local screen_rows = screen(ana, 16)
    assert.matches('^» Step 2 of the guide%.%s+1 · bo: Could step 3 say who helps%?$', screen_rows[12])
    assert.matches('^│ Step 3 of the guide%.$', screen_rows[13])
    assert.matches('^  Step 4 of the guide%.$', screen_rows[14])
    assert.matches('^» Step 5 of the guide%.%s+1 · bo: %+1$', screen_rows[15])
  end)

  it(':WolComment, :WolReact and the comment buffer commit feedback; other buffers are refused', function()
    local buf = open_note(bo)
    local before = tonumber((t.git(net.dir(bo), 'rev-list --count HEAD')):match('%d+'))
    vim.cmd('20,21WolComment Maybe merge these two steps')
    settle()
    assert.matches('^comment%(bo%): Onboarding guide %(lines 20%-21%)', t.git(net.dir(bo), 'log -1 --format=%s'))
    assert.matches('^ 1 · bo: Maybe merge these two steps', eol_text(buf, 20))
    -- the sync that follows the commit pushed it: the daemon's branch is bo's HEAD
    local head = t.git(net.dir(bo), 'rev-parse HEAD'):match('%x+')
    assert.are.equal(head, (t.git(net.dir(bo), 'ls-remote origin refs/heads/main', bo)):match('^(%x+)'))
    api.nvim_win_set_cursor(0, { 25, 0 })
    vim.cmd('WolReact idea a checklist here?')
    settle()
    assert.matches('^react%(bo%): idea on Onboarding guide %(lines 25%)', t.git(net.dir(bo), 'log -1 --format=%s'))
    -- a range: the reaction is on those lines
    vim.cmd('22,23WolReact thanks')
    settle()
    assert.matches('^react%(bo%): thanks on Onboarding guide %(lines 22%-23%)', t.git(net.dir(bo), 'log -1 --format=%s'))
    assert.matches('^ 1 · bo: thanks$', eol_text(buf, 22))
    -- no text: a buffer for it; :w commits and closes it
    vim.cmd('WolComment')
    local cbuf = api.nvim_get_current_buf()
    assert.matches('^wol://comment/fbn/', api.nvim_buf_get_name(cbuf))
    api.nvim_buf_set_lines(cbuf, 0, -1, false, { 'On the whole:', 'a friendly guide.' })
    vim.cmd('write')
    settle()
    wait_for(function()
      return not api.nvim_buf_is_valid(cbuf)
    end)
    local rec = t.git(net.dir(bo), 'show HEAD --format=%s --stat')
    assert.matches('^comment%(bo%): Onboarding guide\n', rec)
    assert.are.equal(before + 4, tonumber((t.git(net.dir(bo), 'rev-list --count HEAD')):match('%d+')))
    -- refusals: one line each, nothing committed
    local n = last_notice(function()
      vim.cmd('WolReact clap')
    end)
    assert.matches("^wol: react: 'clap' is not a reaction", n.msg)
    vim.cmd('enew')
    n = last_notice(function()
      vim.cmd('WolComment hello')
    end)
    assert.matches('^wol: comment: ', n.msg)
    assert.matches('not a shared note', n.msg)
    vim.cmd('new')
    vim.bo.buftype = 'nofile'
    n = last_notice(function()
      vim.cmd('WolComment hello')
    end)
    assert.matches('^wol: comment: ', n.msg)
    vim.cmd('close')
    assert.are.equal(before + 4, tonumber((t.git(net.dir(bo), 'rev-list --count HEAD')):match('%d+')))
    settle()
    net.sync(bo)
  end)

  it(':WolFeedback lists the threads; r replies, x marks addressed (the author only), <CR> goes to the lines', function()
    -- bo first: he may reply but not mark addressed
    open_note(bo)
    vim.cmd('WolFeedback')
    local lbuf = api.nvim_get_current_buf()
    assert.matches('^wol://feedback/fbn/', api.nvim_buf_get_name(lbuf))
    local lines = api.nvim_buf_get_lines(lbuf, 0, -1, false)
    local at
    for i, l in ipairs(lines) do
      if l:match('^## bo comment .*lines 12%-13') then
        at = i
      end
    end
    assert.is_truthy(at, table.concat(lines, '\n'))
    api.nvim_win_set_cursor(0, { at, 0 })
    local real = vim.ui.input
    vim.ui.input = function(_, on_confirm)
      on_confirm('')
    end
    local n = last_notice(function()
      vim.cmd('normal x')
    end)
    vim.ui.input = real
    assert.matches("^wol: addressed: only the note's author %(ana%) can mark feedback on 'Onboarding guide' addressed", n.msg)
    vim.cmd('normal r')
    local cbuf = api.nvim_get_current_buf()
    assert.matches('^wol://comment/', api.nvim_buf_get_name(cbuf))
    api.nvim_buf_set_lines(cbuf, 0, -1, false, { 'Or step 4 could.' })
    vim.cmd('write')
    settle()
    assert.matches('^reply%(bo%): Onboarding guide', t.git(net.dir(bo), 'log -1 --format=%s'))
    net.sync(bo)
    net.sync(ana)

    -- ana: marks it addressed, then goes to its lines
    open_note(ana)
    vim.cmd('WolFeedback')
    lbuf = api.nvim_get_current_buf()
    lines = api.nvim_buf_get_lines(lbuf, 0, -1, false)
    at = nil
    for i, l in ipairs(lines) do
      if l:match('^## bo comment .*lines 12%-13') then
        at = i
      end
    end
    assert.is_truthy(at)
    assert.matches('↳ bo reply', table.concat(lines, '\n'))
    api.nvim_win_set_cursor(0, { at, 0 })
    vim.ui.input = function(opts, on_confirm)
      assert.matches('What changed', opts.prompt)
      on_confirm('Step 3 names a buddy now')
    end
    vim.cmd('normal x')
    vim.ui.input = real
    settle()
    assert.matches('^addressed%(ana%): Onboarding guide %(comment by bo%)', t.git(net.dir(ana), 'log -1 --format=%s'))
    lines = api.nvim_buf_get_lines(lbuf, 0, -1, false)
    assert.matches('✓ addressed: Step 3 names a buddy now', table.concat(lines, '\n'))
    api.nvim_win_set_cursor(0, { at, 0 })
    vim.cmd('execute "normal \\<CR>"')
    assert.are.equal(net.dir(ana) .. '/' .. rel, api.nvim_buf_get_name(0))
    assert.are.equal(12, api.nvim_win_get_cursor(0)[1])
    -- every note of mine, newest first
    vim.cmd('WolFeedback mine')
    local text = table.concat(api.nvim_buf_get_lines(0, 0, -1, false), '\n')
    assert.matches('^# Feedback on my notes, newest first\n', text)
    assert.matches('# Onboarding guide %(' .. rel:gsub('%-', '%%-') .. '%)', text)
    local mine = api.nvim_get_current_buf()
    vim.cmd('normal q')
    assert.are.equal(-1, vim.fn.bufwinid(mine))
  end)

  it(':WolSearch finds feedback (kind:feedback) under the title of its note', function()
    nt.become(ana)
    vim.cmd('silent! %bwipeout!')
    vim.fn.setqflist({}, 'r')
    vim.cmd('WolSearch kind:feedback who helps')
    local qf = vim.fn.getqflist({ items = 1 })
    assert.are.equal(1, #qf.items)
    assert.matches('^%[feedback bo%] Feedback on Onboarding guide: ', qf.items[1].text)
    assert.matches('/circles/fbn/feedback/[^/]+/[^/]+%.md$', api.nvim_buf_get_name(qf.items[1].bufnr))
    vim.cmd('silent! cclose')
  end)

  it('links its highlight groups by default: a colour scheme or the user may set them', function()
    vim.cmd('highlight clear WolFeedbackOutdated')
    vim.cmd('highlight WolFeedback ctermfg=1 guifg=#ff0000')
    vim.cmd('doautocmd ColorScheme')
    assert.are.equal(0xff0000, api.nvim_get_hl_by_name('WolFeedback', true).foreground)
    assert.matches('links to WolMuted', vim.fn.execute('highlight WolFeedbackOutdated'))
    vim.cmd('highlight clear WolFeedback')
    vim.cmd('doautocmd ColorScheme')
    assert.matches('links to DiagnosticHint', vim.fn.execute('highlight WolFeedback'))
  end)

  it('shows the whole text below the lines with feedback.inline = "full"', function()
    require('wol').setup({ feedback = { inline = 'full' } })
    local buf = open_note(ana)
    require('wol').setup({ feedback = { inline = 'full' } })
    require('wol.feedback').refresh(buf)
    local below
    for _, m in ipairs(marks(buf)) do
      if m.d.virt_lines and m.row == 13 then
        below = m.d.virt_lines
      end
    end
    assert.is_truthy(below)
    local text = {}
    for _, l in ipairs(below) do
      text[#text + 1] = l[1][1]
    end
    text = table.concat(text, '\n')
    assert.matches('┃ bo · comment · addressed', text)
    assert.matches('┃   Could step 3 say who helps%?', text)
    assert.matches('┃ bo · reply', text)
    require('wol').setup({})
  end)

  it('fires User WolFeedback when :WolSync brings feedback on my notes, and draws it', function()
    local buf = open_note(ana)
    local got
    local au = api.nvim_create_autocmd('User', {
      pattern = 'WolFeedback',
      callback = function(args)
        got = args.data or vim.g.wol_last_feedback
      end,
    })
    wol(bo, { 'comment', rel, '--lines', '28', '-m', 'A last step about asking?' })
    net.sync(bo)
    vim.cmd('WolSync')
    wait_for(function()
      return got ~= nil
    end)
    api.nvim_del_autocmd(au)
    assert.are.equal(1, got.count)
    assert.are.equal('fbn', got.circle)
    wait_for(function()
      return eol_text(buf, 28) ~= nil
    end)
    assert.matches('A last step about asking%?', eol_text(buf, 28))
    settle()
  end)

  it(':WolCircle shows the feedback on my notes since the last meeting and the feedback I gave', function()
    nt.become(ana)
    settle()
    vim.cmd('silent! %bwipeout!')
    vim.cmd('WolCircle')
    local text = table.concat(api.nvim_buf_get_lines(0, 0, -1, false), '\n')
    assert.matches('\nFeedback on your notes since [^\n]*%((%d+)%)\n', text)
    assert.matches('\n  %d+%-%d+%-%d+  bo%s+on Onboarding guide', text)
    assert.matches('\n  you gave 0 pieces of feedback', text)
    nt.become(bo)
    vim.cmd('silent! %bwipeout!')
    vim.cmd('WolCircle')
    text = table.concat(api.nvim_buf_get_lines(0, 0, -1, false), '\n')
    assert.matches('\nFeedback on your notes since [^\n]*%(0%)\n  none\n  you gave %d+ pieces of feedback', text)
    vim.cmd('silent! %bwipeout!')
  end)

  it('takes feedback on a note written by hand, without an id, and leaves its text alone', function()
    nt.become(ana)
    settle()
    vim.cmd('silent! %bwipeout!')
    local path = net.dir(ana) .. '/notes/ana/by-hand.md'
    vim.cmd('edit ' .. vim.fn.fnameescape(path))
    api.nvim_buf_set_lines(0, 0, -1, false, { '# By hand', '', 'No front matter here.' })
    vim.cmd('silent write')
    vim.cmd('WolShare')
    settle()
    vim.cmd('3WolComment A comment on a note written by hand')
    settle()
    assert.matches('^comment%(ana%): by%-hand %(lines 3%)', t.git(net.dir(ana), 'log -1 --format=%s'))
    assert.are.same({ '# By hand', '', 'No front matter here.' }, api.nvim_buf_get_lines(0, 0, -1, false))
    assert.are.equal('# By hand\n\nNo front matter here.\n', t.read(path))
    assert.matches('^ 1 · ana: A comment on a note written by hand', eol_text(0, 3))
  end)

  it('draws hostile records safely: control characters, ranges past the end, 10,000 records', function()
    settle()
    local dir = net.dir(ana)
    local nid = t.read(dir .. '/' .. rel):match('\nid: (%S+)\n')
    local fdir = dir .. '/feedback/' .. nid
    local head = t.git(dir, 'rev-parse HEAD'):match('%x+')
    local function rec(id, lines, body)
      local f = assert(io.open(fdir .. '/' .. id .. '.md', 'wb'))
      f:write('---\nkind: comment\nnote: ' .. rel .. '\ncommit: ' .. head .. '\nlines: ' .. lines
        .. '\nauthor: mallory\nlamport: 3\n---\n\n' .. body .. '\n')
      f:close()
    end
    rec('20260101T000001Z-mallory-0001', '1-99999999', 'spans \027[31m everything\r\nand\tmore ' .. string.rep('long ', 5000))
    rec('20260101T000002Z-mallory-0002', '5', '\027]52;c;AAAA\007 clipboard')
    for i = 1, 10000 do
      rec(string.format('20260102T%06dZ-mallory-%04x', i % 240000, i), tostring(1 + i % 40), 'bulk ' .. i)
    end
    local buf = open_note(ana)
    local nlines = api.nvim_buf_line_count(buf)
    local ms = marks(buf)
    assert.is_true(#ms > 0 and #ms <= nlines)
    for _, m in ipairs(ms) do
      assert.is_true(m.row >= 1 and m.row <= nlines)
      if m.d.virt_text then
        local s = m.d.virt_text[1][1]
        assert.is_nil(s:find('[%c\127]'), s)
        assert.is_true(#s < 200, s)
      end
    end
    assert.matches('^ %d+ · mallory: ', eol_text(buf, 1))
    -- the float and the list stay readable too
    api.nvim_win_set_cursor(0, { 5, 0 })
    vim.cmd('normal K')
    local fb = require('wol.feedback')
    for _, l in ipairs(api.nvim_buf_get_lines(api.nvim_win_get_buf(fb.float), 0, -1, false)) do
      assert.is_nil(l:find('[\027\007\r]'), l)
    end
  end)
end)
