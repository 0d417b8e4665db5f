-- :WolPeople (the list buffer and its keys), :WolGive and :WolGoal in real
-- headless Neovim, on real files and a real circle repository.
local t = require('wolt')
local nt = require('nvimt')

local api = vim.api
local member

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

-- answers vim.ui.input prompts in order (the real prompt is a UI hook)
local function with_inputs(answers, fn)
  local real = vim.ui.input
  local asked = {}
  vim.ui.input = function(opts, on_confirm)
    table.insert(asked, opts.prompt)
    on_confirm(table.remove(answers, 1))
  end
  local ok, err = pcall(fn)
  vim.ui.input = real
  assert(ok, err)
  return asked
end

local function ctx()
  return assert(require('wol').ctx())
end

local function lines_of(path)
  local v = {}
  for l in (t.read(path) or ''):gmatch('[^\n]+') do
    table.insert(v, l)
  end
  return v
end

-- a contribution of today offers to mark today's challenge done (:WolDone)
local OFFER = "; today's challenge done? :WolDone"

describe(':WolPeople', function()
  setup(function()
    member = t.member('tester')
    vim.env.WOL_TODAY = '2026-03-04'
    nt.become(member)
  end)

  before_each(only_window)

  it('opens an empty list that says how to start, and adds with a', function()
    vim.cmd('WolPeople')
    assert.equal('wolpeople', vim.bo.filetype)
    assert.is_false(vim.bo.modifiable)
    assert.equal(2, #api.nvim_tabpage_list_wins(0))
    assert.truthy(find_line('0 on your list'))
    assert.truthy(find_line('Press a to add someone'))
    local asked
    local seen = nt.notifications(function()
      asked = with_inputs({ 'Ana López', 'runs the onboarding team', '4' }, function()
        press('a')
      end)
    end)
    assert.equal(3, #asked)
    assert.equal('wol: added Ana López to your list', seen[1].msg)
    local l = find_line('Ana López')
    assert.truthy(l)
    assert.matches('●●●●○  never%s+0  runs the onboarding team', lines()[l])
    assert.equal(l, api.nvim_win_get_cursor(0)[1])
    assert.equal('600', (t.sh('stat -c %a ' .. t.shquote(member.wol_home .. '/people/ana-lopez.md')):gsub('%s', '')))
    -- a bad closeness is one message, nothing added
    seen = nt.notifications(function()
      with_inputs({ 'Bo', '', '9' }, function()
        press('a')
      end)
    end)
    assert.equal('wol: person: closeness is a number from 0 to 5', seen[1].msg)
    assert.is_nil((find_line('Bo ')))
  end)

  it('notes a contribution with g, sorts with s, opens the file with <CR>', function()
    local c = ctx()
    assert(c:person_add({ name = 'Bo Chen', closeness = 2 }))
    assert(c:person_add({ name = 'Cy', closeness = 5 }))
    assert(c:give('bo chen', 'an intro', { date = '2026-02-20' }))
    vim.cmd('WolPeople')
    -- longest without first: Bo (12 days), then the two added today
    local bo = find_line('Bo Chen')
    assert.is_true(bo < find_line('Ana López'))
    assert.matches('12 days', lines()[bo])
    api.nvim_win_set_cursor(0, { bo, 0 })
    local seen = nt.notifications(function()
      with_inputs({ 'my notes on pricing' }, function()
        press('g')
      end)
    end)
    assert.equal('wol: gave to Bo Chen: my notes on pricing' .. OFFER, seen[1].msg)
    local path = member.wol_home .. '/people/bo-chen.md'
    local fl = lines_of(path)
    assert.matches('^%- 2026%-03%-04 %d%d:%d%d my notes on pricing$', fl[#fl])
    -- redrawn: Bo now today, 2 given, and the cursor stays on Bo
    assert.matches('today%s+2', lines()[api.nvim_win_get_cursor(0)[1]])
    assert.matches('Bo Chen', lines()[api.nvim_win_get_cursor(0)[1]])
    -- s cycles the sort: name, closeness, count, stale
    local order = {}
    for _ = 1, 4 do
      press('s')
      local names = {}
      for _, l in ipairs(lines()) do
        local n = l:match('^  (%S+) ')
        if n and n ~= 'Name' then
          table.insert(names, n)
        end
      end
      table.insert(order, table.concat(names, ','))
    end
    -- (all three at 0 days in the default sort: by name then)
    assert.same({ 'Ana,Bo,Cy', 'Cy,Ana,Bo', 'Bo,Ana,Cy', 'Ana,Bo,Cy' }, order)
    -- <CR> opens the person's file in another window; coming back redraws
    api.nvim_win_set_cursor(0, { find_line('Cy '), 0 })
    local list_win = api.nvim_get_current_win()
    press('<CR>')
    assert.equal(member.wol_home .. '/people/cy.md', api.nvim_buf_get_name(0))
    assert.are_not.equal(list_win, api.nvim_get_current_win())
    t.write(member.wol_home .. '/people/cy.md', t.read(member.wol_home .. '/people/cy.md') ..
      '- 2026-03-01 10:00 written by hand\n')
    api.nvim_set_current_win(list_win)
    assert.matches('3 days%s+1', lines()[find_line('Cy ')])
    -- ? shows the keys, q closes
    seen = nt.notifications(function()
      press('?')
    end)
    assert.matches('cycle the sort', seen[1].msg)
    press('q')
    assert.is_nil(require('wol.ui').find_win(vim.fn.bufnr('wol://people')))
  end)

  it('lists a broken file with a warning and leaves it alone', function()
    t.write(member.wol_home .. '/people/broken.md', '---\nname: [x\n---\n')
    vim.cmd('WolPeople name')
    local l = find_line('broken')
    assert.truthy(l)
    assert.matches('the file needs fixing', lines()[l])
    api.nvim_win_set_cursor(0, { l, 0 })
    local seen = nt.notifications(function()
      with_inputs({ 'x' }, function()
        press('g')
      end)
    end)
    assert.matches('^wol: people/broken%.md:%d+: .*fix the front matter first', seen[1].msg)
    assert.equal('---\nname: [x\n---\n', t.read(member.wol_home .. '/people/broken.md'))
    os.remove(member.wol_home .. '/people/broken.md')
    local err = nt.notifications(function()
      vim.cmd('WolPeople age')
    end)
    assert.matches("sort 'age' is not one of", err[1].msg)
  end)
end)

describe(':WolGive', function()
  local real_select
  before_each(function()
    only_window()
    -- a question nobody expects fails the test instead of waiting for a key
    real_select = vim.ui.select
    vim.ui.select = function(_, opts)
      error('unexpected vim.ui.select: ' .. tostring(opts.prompt))
    end
  end)
  after_each(function()
    vim.ui.select = real_select
  end)

  it('takes a name with spaces, any case, and completes names', function()
    local seen = nt.notifications(function()
      vim.cmd('WolGive ana lópez shared the checklist')
    end)
    assert.equal('wol: gave to Ana López: shared the checklist' .. OFFER, seen[1].msg)
    seen = nt.notifications(function()
      vim.cmd('WolGive "Bo Chen" a coffee')
    end)
    assert.equal('wol: gave to Bo Chen: a coffee' .. OFFER, seen[1].msg)
    local fl = lines_of(member.wol_home .. '/people/ana-lopez.md')
    assert.matches(' shared the checklist$', fl[#fl])
    -- completion: names while the person is being typed, the rest of a name
    assert.same({ 'Ana López' }, vim.fn.getcompletion('WolGive An', 'cmdline'))
    assert.same({ 'Chen' }, vim.fn.getcompletion('WolGive Bo Ch', 'cmdline'))
  end)

  it('offers to add someone unknown, and refuses bad input with one message', function()
    local offered
    vim.ui.select = function(items, opts, on_choice)
      offered = opts.format_item(items[1])
      on_choice(items[1])
    end
    local seen = nt.notifications(function()
      vim.cmd('WolGive Dee an introduction to Cy')
    end)
    assert.equal('Add Dee and note this contribution', offered)
    assert.equal('wol: added Dee to your list', seen[1].msg)
    assert.equal('wol: gave to Dee: an introduction to Cy' .. OFFER, seen[2].msg)
    seen = nt.notifications(function()
      vim.cmd('WolGive Dee')
    end)
    assert.equal('wol: usage: :WolGive {person} {what you gave}', seen[1].msg)
    seen = nt.notifications(function()
      vim.cmd('WolGive "a/b" x')
    end)
    assert.matches('looks like a path', seen[1].msg)
  end)

  it('keeps every line when two processes and this Neovim give at once', function()
    local c = ctx()
    assert(c:person_add({ name = 'Busy' }))
    local path = member.wol_home .. '/people/busy.md'
    -- two shells, 50 gives each, started in the background...
    local pids = {}
    for w = 1, 2 do
      local out = t.sh(string.format('(for i in $(seq 1 50); do env %s %s give busy "cli%d-$i" >/dev/null || echo FAIL; done) >%s 2>&1 & echo $!',
        t.env(member), t.shquote(t.bin), w, t.shquote(path .. '.log' .. w)))
      table.insert(pids, out:match('(%d+)'))
    end
    -- ...while this Neovim gives too
    for i = 1, 50 do
      nt.notifications(function()
        vim.cmd('WolGive busy nvim-' .. i)
      end)
    end
    for _ = 1, 600 do
      local _, rc = t.sh('kill -0 ' .. pids[1] .. ' 2>/dev/null || kill -0 ' .. pids[2] .. ' 2>/dev/null')
      if rc ~= 0 then
        break
      end
      t.sh('sleep 0.1')
    end
    assert.equal('', t.read(path .. '.log1') .. t.read(path .. '.log2'))
    local seen = {}
    for _, l in ipairs(lines_of(path)) do
      local what = l:match('^%- %d+%-%d+%-%d+ %d+:%d+ (.*)$')
      if what then
        assert.is_nil(seen[what], what)
        seen[what] = true
      end
    end
    for i = 1, 50 do
      assert.is_true(seen['cli1-' .. i] and seen['cli2-' .. i] and seen['nvim-' .. i], i)
    end
    assert.equal(150, assert(c:person('busy')).count)
    os.remove(path .. '.log1')
    os.remove(path .. '.log2')
  end)
end)

describe(':WolGoal', function()
  before_each(only_window)

  it('sets the goal, edits it in a buffer that :w saves, refuses bad text', function()
    local _, err, rc = t.wol({ 'init', 'c', '--goal', 'Write the guide' }, member)
    assert.equal(0, rc, err)
    require('wol.circle').reset()
    local dir = member.wol_home .. '/circles/c'
    local seen = nt.notifications(function()
      vim.cmd('WolGoal Publish the guide with two teams')
    end)
    assert.equal('wol: goal set in c (the next :WolSync shares it)', seen[1].msg)
    assert.matches('^goal%(tester%)', t.git(dir, 'log -1 --format=%s'))
    seen = nt.notifications(function()
      vim.cmd('WolGoal')
    end)
    assert.equal('wol: your goal in c (revised 1 time); :w saves it', seen[1].msg)
    assert.equal('wol://goal/c', api.nvim_buf_get_name(0))
    assert.same({ 'Publish the guide with two teams' }, lines())
    api.nvim_buf_set_lines(0, 0, -1, false, { 'Publish the guide', 'with three teams' })
    seen = nt.notifications(function()
      vim.cmd('write')
    end)
    assert.equal('wol: goal set in c (the next :WolSync shares it)', seen[1].msg)
    assert.same({ 'Publish the guide with three teams' }, lines())
    assert.is_false(vim.bo.modified)
    local doc = assert(require('wol.core').parse_doc(t.read(dir .. '/members/tester.md')))
    assert.equal('Publish the guide with three teams', doc.meta.goal)
    -- a long goal is saved with a gentle note; an empty one is refused
    local words = {}
    for i = 1, 26 do
      words[i] = 'w' .. i
    end
    api.nvim_buf_set_lines(0, 0, -1, false, { table.concat(words, ' ') })
    seen = nt.notifications(function()
      vim.cmd('write')
    end)
    assert.equal(vim.log.levels.WARN, seen[2].level)
    assert.matches('26 words', seen[2].msg)
    local head = t.git(dir, 'rev-parse HEAD')
    api.nvim_buf_set_lines(0, 0, -1, false, { '   ' })
    seen = nt.notifications(function()
      vim.cmd('write')
    end)
    assert.matches('^wol: goal: empty', seen[1].msg)
    assert.is_true(vim.bo.modified)
    assert.equal(head, t.git(dir, 'rev-parse HEAD'))
    seen = nt.notifications(function()
      vim.cmd('WolGoal circle=nope')
    end)
    assert.matches("^wol: circle: 'nope' does not exist", seen[1].msg)
    vim.cmd('bwipeout!')
  end)

  it('the dashboard shows each goal with its revisions, and your own list', function()
    -- the goals so far: the one of `wol init`, then three revisions above;
    -- someone on the list since January, never given anything
    local old = assert(require('wol.lib').core().open({ home = member.wol_home, today = '2026-01-01' }))
    assert(old:person_add({ name = 'Old Friend' }))
    old:close()
    local plist = assert(ctx():people())
    vim.cmd('WolCircle circle=c')
    local function has(text)
      for _, l in ipairs(lines()) do
        if l:find(text, 1, true) then
          return l
        end
      end
    end
    assert.truthy(has('w25 w26 (revised 3 times)'))
    assert.truthy(has('You'))
    assert.truthy(has('  goal: w1 w2 w3'))
    assert.truthy(has(string.format('  %d contribution%s this week to the %d people on your list', plist.week,
      plist.week == 1 and '' or 's', #plist.people)))
    local names = {}
    for _, r in ipairs(plist.reach_out) do
      table.insert(names, r.name)
    end
    assert.is_true(vim.tbl_contains(names, 'Old Friend'))
    local reach = assert(has('  reach out to: '))
    for _, n in ipairs(names) do
      assert.truthy(reach:find(n, 1, true), n)
    end
    -- the days without a contribution are counted as :WolPeople counts them
    require('wol').setup({ people = { stale_days = 100 } })
    vim.cmd('WolCircle circle=c')
    assert.is_nil(has('  reach out to: '))
    require('wol').setup({})
    vim.cmd('WolCircle circle=c')
    assert.truthy(has('  reach out to: '))
    vim.cmd('close')
  end)

  it(':WolShare refuses a person file like a journal entry, even with !', function()
    local dir = member.wol_home .. '/circles/c'
    local head = t.git(dir, 'rev-parse HEAD')
    vim.cmd('edit ' .. vim.fn.fnameescape(member.wol_home .. '/people/cy.md'))
    for _, cmd in ipairs({ 'WolShare', 'WolShare!' }) do
      local seen = nt.notifications(function()
        vim.cmd(cmd)
      end)
      assert.matches('is on your private list of people; it is never shared', seen[#seen].msg)
    end
    assert.equal(head, t.git(dir, 'rev-parse HEAD'))
    -- :checkhealth wol has a people section
    vim.cmd('checkhealth wol')
    assert.truthy(find_line('people on your list in'))
    vim.cmd('bwipeout!')
  end)
end)
