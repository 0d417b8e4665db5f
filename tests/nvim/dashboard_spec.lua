-- :WolCircle and :WolCircle agenda in real headless Neovim, on the fixture
-- circle of tests/helpers/dashfix.lua (today injected: 2026-03-05).
local t = require('wolt')
local nt = require('nvimt')
local fix = require('dashfix')

local api = vim.api
local member, dir

local function press(keys)
  api.nvim_feedkeys(api.nvim_replace_termcodes(keys, true, false, true), 'x', false)
end

local function lines()
  return api.nvim_buf_get_lines(0, 0, -1, false)
end

local function find_line(pat)
  for i, l in ipairs(lines()) do
    if l:find(pat, 1, true) then
      return i
    end
  end
end

local function only_window()
  vim.cmd('silent! tabonly!')
  vim.cmd('silent! only!')
  vim.cmd('enew!')
end

describe(':WolCircle', function()
  setup(function()
    member = t.member('tester')
    dir = fix.build(member)
    vim.env.WOL_TODAY = fix.today
    nt.become(member)
  end)

  before_each(only_window)

  it('opens a read-only wolcircle buffer in a split with every section', function()
    local seen = nt.notifications(function()
      vim.cmd('WolCircle')
    end)
    assert.same({}, seen)
    assert.equal('wolcircle', vim.bo.filetype)
    assert.is_false(vim.bo.modifiable)
    assert.equal(2, #api.nvim_tabpage_list_wins(0))
    local l = lines()
    assert.equal('writers  ·  week 5 of 12  ·  next meeting Tue 2026-03-10', l[1])
    assert.matches('1 commit waiting to be pushed', l[2])
    assert.truthy(find_line('Ana Lopez (ana)'))
    assert.truthy(find_line('Write the onboarding guide'))
    assert.truthy(find_line('Since Tue 2026-03-03 (last meeting)'))
    assert.truthy(find_line('2026-03-04  ana          note     Onboarding guide draft'))
    assert.truthy(find_line('Open questions (2)'))
    assert.truthy(find_line('● Where do you keep drafts?  tester · 0 answers · 1d · mine'))
    assert.truthy(find_line('○ How do you pick a weekly goal?  ana · 2 answers · 3d'))
    assert.truthy(find_line('  Wed  · · · · · · · · · · · ■'))
    assert.truthy(find_line('streak: 5 days (longest 5)  ·  '))
    -- the heat map cells carry their level's highlight group
    local ns = api.nvim_create_namespace('wol_circle')
    local wed = find_line('  Wed  ') - 1
    local groups = {}
    for _, m in ipairs(api.nvim_buf_get_extmarks(0, ns, { wed, 0 }, { wed, -1 }, { details = true })) do
      groups[m[4].hl_group] = true
    end
    assert.is_true(groups.WolCircleHeat3)
    assert.is_true(groups.WolCircleHeat0)
    -- the groups are defined (links by default)
    assert.is_true(vim.fn.hlexists('WolCircleHeat3') == 1)
    assert.is_true(vim.fn.hlexists('WolCircleTitle') == 1)
  end)

  it('honours <mods>: vertical and tab', function()
    vim.cmd('vertical WolCircle')
    assert.equal('wolcircle', vim.bo.filetype)
    assert.equal('row', vim.fn.winlayout()[1])
    only_window()
    local tabs = #api.nvim_list_tabpages()
    vim.cmd('tab WolCircle')
    assert.equal(tabs + 1, #api.nvim_list_tabpages())
    assert.equal('wolcircle', vim.bo.filetype)
  end)

  it('<CR> opens the note under the cursor (read-only: not mine) and the question', function()
    vim.cmd('WolCircle')
    local dash = api.nvim_get_current_win()
    api.nvim_win_set_cursor(0, { find_line('Onboarding guide draft'), 0 })
    press('<CR>')
    assert.equal(dir .. '/notes/ana/onboarding.md', api.nvim_buf_get_name(0))
    assert.is_true(vim.bo.readonly)
    assert.are_not.equal(dash, api.nvim_get_current_win())
    api.nvim_set_current_win(dash)
    api.nvim_win_set_cursor(0, { find_line('How do you pick a weekly goal?  ana'), 0 })
    press('<CR>')
    assert.equal('wol://question/' .. fix.q1, api.nvim_buf_get_name(0))
    assert.equal('wolthread', vim.bo.filetype) -- the questions feature's thread view
    api.nvim_set_current_win(dash)
    api.nvim_win_set_cursor(0, { 1, 0 })
    local seen = nt.notifications(function()
      press('<CR>')
    end)
    assert.matches('nothing to open', seen[1].msg)
  end)

  it('R refreshes, ? shows the keys, q closes', function()
    vim.cmd('WolCircle')
    t.write(dir .. '/notes/tester/fresh.md', '---\ntitle: Fresh idea\nauthor: tester\ncreated: 2026-03-05\n---\nx\n')
    assert.equal(0, select(2, t.git(dir, 'add -A && git -C ' .. t.shquote(dir) .. ' commit -q -m fresh', member)))
    assert.is_nil(find_line('Fresh idea'))
    press('R')
    assert.truthy(find_line('tester       note     Fresh idea'))
    assert.matches('2 commits waiting to be pushed', lines()[2])
    local seen = nt.notifications(function()
      press('?')
    end)
    assert.matches('wol circle keys', seen[1].msg)
    assert.matches('<CR>', seen[1].msg)
    local wins = #api.nvim_tabpage_list_wins(0)
    press('q')
    assert.equal(wins - 1, #api.nvim_tabpage_list_wins(0))
    assert.are_not.equal('wolcircle', vim.bo.filetype)
  end)

  it('a asks the circle through :WolAsk; the dashboard redraws when entered again', function()
    vim.cmd('WolCircle')
    local dash = api.nvim_get_current_win()
    nt.notifications(function()
      press('a')
    end)
    assert.matches('^wol://ask/writers/', api.nvim_buf_get_name(0))
    api.nvim_buf_set_lines(0, 0, -1, false, { 'Who reviews my outline?', '', 'Before Friday.' })
    nt.notifications(function()
      vim.cmd('write')
    end)
    local log = t.git(dir, 'log -1 --format=%s', member)
    assert.matches('Who reviews my outline%?', log)
    assert(vim.wait(2000, function()
      return api.nvim_win_is_valid(dash)
    end))
    api.nvim_set_current_win(dash)
    assert.truthy(find_line('● Who reviews my outline?'))
  end)

  it('s syncs with the circle (:WolSync) and redraws when done', function()
    -- a sync started by an earlier test (asking pushes) finishes first
    assert(vim.wait(20000, function()
      return not require('wol.sync').is_running()
    end, 20))
    t.write(dir .. '/notes/tester/to-push.md', '---\ntitle: To push\nauthor: tester\ncreated: 2026-03-05\n---\nx\n')
    assert.equal(0, select(2, t.git(dir, 'add -A && git -C ' .. t.shquote(dir) .. ' commit -q -m to-push', member)))
    vim.cmd('WolCircle')
    press('R')
    assert.matches('waiting to be pushed', lines()[2])
    local synced = false
    api.nvim_create_autocmd('User', { pattern = 'WolSynced', once = true, callback = function()
      synced = true
    end })
    nt.notifications(function()
      press('s')
      assert(vim.wait(20000, function()
        return synced
      end, 20), 'the sync did not finish')
      vim.wait(200)
    end)
    assert.equal('wolcircle', vim.bo.filetype)
    assert.is_nil(lines()[2]:find('waiting to be pushed', 1, true))
    assert.matches('^sync: last ', lines()[2])
  end)

  it('refuses an unknown circle with one message', function()
    local seen = nt.notifications(function()
      vim.cmd('WolCircle circle=nope')
    end)
    assert.equal(1, #seen)
    assert.matches('^wol: .*nope', seen[1].msg)
  end)

  it('agenda: an editable buffer that :w saves into the journal', function()
    vim.cmd('WolCircle agenda')
    assert.equal('markdown', vim.bo.filetype)
    assert.equal('acwrite', vim.bo.buftype)
    assert.matches('^Agenda: writers, meeting on Tuesday 2026%-03%-10', lines()[1])
    assert.truthy(find_line('### Check-in'))
    assert.truthy(find_line('### Open questions to discuss'))
    assert.truthy(find_line("### Next week's focus"))
    api.nvim_buf_set_lines(0, -1, -1, false, { 'Decided: Ana pairs with Bo on pricing.' })
    assert.is_true(vim.bo.modified)
    local seen = nt.notifications(function()
      vim.cmd('write')
    end)
    assert.matches('agenda saved', seen[1].msg)
    assert.is_false(vim.bo.modified)
    local entry = t.read(member.wol_home .. '/journal/2026/2026-03-10.md')
    assert.matches('\n## Circle meeting\n\nAgenda: writers', entry)
    assert.matches('Decided: Ana pairs with Bo on pricing%.\n$', entry)
    -- searchable at once
    local hits = assert(require('wol').ctx():search('pairs pricing', { refresh = false }))
    assert.equal(1, #hits)
    assert.matches('2026%-03%-10%.md$', hits[1].path)
  end)

  local function with_today(day, fn)
    vim.env.WOL_TODAY = day
    local ok, err = pcall(fn)
    vim.env.WOL_TODAY = fix.today
    vim.cmd('silent! bwipeout!')
    assert(ok, err)
  end

  it("agenda: named after the circle; next week's focus is the program week after the meeting's", function()
    vim.cmd('WolCircle agenda') -- the default circle, named by its name
    assert.equal('wol://agenda/writers/2026-03-10', api.nvim_buf_get_name(0))
    vim.cmd('bwipeout!')
    with_today('2026-03-10', function() -- the meeting day, in week 6
      vim.cmd('WolCircle agenda')
      assert.matches('meeting on Tuesday 2026%-03%-10 %(week 6 of 12%)', lines()[1])
      local l = assert(find_line("### Next week's focus"))
      assert.matches('%(week 7 of 12%)$', lines()[l + 2])
    end)
  end)

  it('names the current month over the heat map, also in its first days', function()
    with_today('2026-04-01', function() -- a Wednesday: the week began in March
      vim.cmd('WolCircle')
      local l = assert(find_line('Activity  ('))
      local row, wed = lines()[l + 1], lines()[l + 4]
      assert.matches('^  Wed ', wed)
      assert.matches('Mar', row)
      assert.matches('Apr$', row)
      -- over the column of the week holding April 1st: today's cell
      assert.equal(vim.fn.strdisplaywidth(wed) - 1, row:find('Apr', 1, true) - 1)
    end)
  end)

  it('shows the heat map in a real terminal (tmux), saved as a capture', function()
    local sock = 'wol-dash-' .. vim.fn.getpid()
    local tmux = 'tmux -L ' .. sock .. ' -f /dev/null '
    local cmd = string.format("env %s WOL_TODAY=%s TERM=tmux-256color nvim -u NONE -i NONE -n --cmd %s -c %s -c %s",
      t.env(member), fix.today, t.shquote('set rtp^=' .. t.root), t.shquote('runtime plugin/wol.lua'),
      t.shquote('tab WolCircle'))
    local _, rc = t.sh(tmux .. 'new-session -d -x 100 -y 45 ' .. t.shquote(cmd))
    assert.equal(0, rc)
    local plain, ansi
    local ok = vim.wait(15000, function()
      plain = t.sh(tmux .. 'capture-pane -p')
      return plain:find('streak: ', 1, true) ~= nil
    end, 100)
    ansi = t.sh(tmux .. 'capture-pane -p -e')
    t.sh(tmux .. 'kill-server')
    -- the artifacts: in the test's temporary directory and in build/
    for _, d in ipairs({ os.getenv('HOME') .. '/artifacts', t.root .. '/build/test-artifacts' }) do
      t.write(d .. '/dashboard-screen.txt', plain)
      t.write(d .. '/dashboard-screen.ansi', ansi)
    end
    assert(ok, 'the dashboard did not show in the terminal:\n' .. plain)
    assert.matches('writers  ·  week 5 of 12', plain)
    assert.matches('\n  Wed  · · · · · · · · · · · ■ *\n', plain)
    assert.matches('\n  Mon  · · · · · · · · · ■ · ■ *\n', plain)
    assert.matches('\n  Fri  · · · · · · · · · · · *\n', plain) -- tomorrow is blank
    -- the cells carry their level's colour (256 colours in this terminal)
    assert.truthy(ansi:find('38;5;34m■', 1, true), 'level 3 green missing')
    assert.truthy(ansi:find('38;5;22m■', 1, true), 'level 1 green missing')
  end)
end)
