-- The journal in real headless Neovim: :WolJournal, :WolJournal!, :WolLog
-- (with ranges, open buffers, two editors and the shell at once), ]j / [j,
-- the statusline function and open_with_question.
local t = require('wolt')
local nt = require('nvimt')

local function entry(m, date)
  return string.format('%s/journal/%s/%s.md', m.wol_home, date:sub(1, 4), date)
end

local function fresh(today)
  local m = t.member('ana')
  vim.env.WOL_TODAY = today or '2026-11-22'
  nt.become(m)
  vim.cmd('silent! %bwipeout!')
  return m
end

local function cur_name()
  return vim.fn.resolve(vim.api.nvim_buf_get_name(0))
end

local function errors(seen)
  local out = {}
  for _, n in ipairs(seen) do
    if n.level == vim.log.levels.ERROR then
      table.insert(out, n.msg)
    end
  end
  return out
end

describe(':WolJournal', function()
  after_each(function()
    vim.env.WOL_TODAY = nil
  end)

  it('opens today\'s entry, created from the template, with ]j and [j in it', function()
    local m = fresh('2026-11-22')
    assert.are.equal(2, vim.fn.exists(':WolJournal'))
    local seen = nt.notifications(function()
      vim.cmd('WolJournal')
    end)
    assert.are.same({}, errors(seen))
    assert.are.equal(vim.fn.resolve(entry(m, '2026-11-22')), cur_name())
    local text = nt.buffer_text()
    assert.matches('\ndate: 2026%-11%-22\n', text)
    assert.matches('\n# Sunday, 2026%-11%-22\n', text)
    local p = require('wol').ctx():prompt('2026-11-22')
    assert.is_truthy(text:find('## ' .. p.theme.title, 1, true))
    assert.are.equal(1, vim.fn.maparg(']j', 'n', false, true).buffer)
    assert.are.equal(1, vim.fn.maparg('[j', 'n', false, true).buffer)
    assert.are.equal('600', (t.sh('stat -c %a ' .. t.shquote(entry(m, '2026-11-22'))):gsub('%s', '')))
  end)

  it('takes relative dates and refuses bad ones with one message', function()
    local m = fresh('2027-01-01')
    vim.cmd('WolJournal yesterday')
    assert.are.equal(vim.fn.resolve(entry(m, '2026-12-31')), cur_name())
    vim.cmd('WolJournal +59')
    assert.are.equal(vim.fn.resolve(entry(m, '2027-03-01')), cur_name())
    local before = vim.api.nvim_get_current_buf()
    local seen = nt.notifications(function()
      vim.cmd('WolJournal 2027-02-29')
    end)
    assert.are.equal(1, #seen)
    assert.are.equal("wol: date: '2027-02-29' is not a valid calendar date", seen[1].msg)
    assert.are.equal(before, vim.api.nvim_get_current_buf())
    assert.is_false(t.exists(entry(m, '2027-02-29')))
  end)

  it('goes to the next and previous existing entry with ]j and [j', function()
    local m = fresh('2026-11-22')
    for _, d in ipairs({ '2026-11-20', '2026-11-25', '2025-12-31' }) do
      local _, err, rc = t.wol({ 'journal', '--path', d }, m)
      assert.are.equal(0, rc, err)
    end
    vim.cmd('WolJournal')
    vim.cmd('normal ]j')
    assert.are.equal(vim.fn.resolve(entry(m, '2026-11-25')), cur_name())
    vim.cmd('normal [j')
    vim.cmd('normal [j')
    assert.are.equal(vim.fn.resolve(entry(m, '2026-11-20')), cur_name())
    vim.cmd('normal [j')
    assert.are.equal(vim.fn.resolve(entry(m, '2025-12-31')), cur_name())
    local seen = nt.notifications(function()
      vim.cmd('normal [j')
    end)
    assert.are.equal(1, #seen)
    assert.matches('no earlier entry', seen[1].msg)
    -- an entry opened with :edit (not through wol) gets the maps too
    vim.cmd('edit ' .. vim.fn.fnameescape(entry(m, '2026-11-25')))
    assert.are.equal(1, vim.fn.maparg(']j', 'n', false, true).buffer)
    -- a file elsewhere that merely looks like one does not
    local other = t.tmpdir('lookalike') .. '/journal/2026/2026-11-25.md'
    t.write(other, 'x')
    vim.cmd('edit ' .. vim.fn.fnameescape(other))
    assert.are.same({}, vim.fn.maparg(']j', 'n', false, true))
  end)

  it('! lists entries newest first with their first line, through vim.ui.select', function()
    local m = fresh('2026-11-22')
    t.write(entry(m, '2026-11-01'), '---\ndate: 2026-11-01\n---\nA quiet start\n')
    t.write(entry(m, '2026-11-21'), 'Busy day\n')
    local shown, prompt
    local real = vim.ui.select
    vim.ui.select = function(items, opts, on_choice)
      shown = {}
      for _, it in ipairs(items) do
        table.insert(shown, opts.format_item(it))
      end
      prompt = opts.prompt
      on_choice(items[2])
    end
    local ok, err = pcall(vim.cmd, 'WolJournal!')
    vim.ui.select = real
    assert(ok, err)
    assert.are.same({ '2026-11-21  Busy day', '2026-11-01  A quiet start' }, shown)
    assert.matches('Journal', prompt)
    assert.are.equal(vim.fn.resolve(entry(m, '2026-11-01')), cur_name())
  end)
end)

describe(':WolLog', function()
  after_each(function()
    vim.env.WOL_TODAY = nil
  end)

  it('appends to today\'s entry without opening it', function()
    local m = fresh('2026-11-22')
    vim.cmd('enew')
    local buf = vim.api.nvim_get_current_buf()
    local seen = nt.notifications(function()
      vim.cmd('WolLog shipped the first draft')
    end)
    assert.are.same({}, errors(seen))
    assert.are.equal(buf, vim.api.nvim_get_current_buf())
    assert.matches('\n## Log\n\n%- %d%d:%d%d shipped the first draft\n$', t.read(entry(m, '2026-11-22')))
    seen = nt.notifications(function()
      vim.cmd('WolLog')
    end)
    assert.are.equal(1, #seen)
    assert.matches('^wol: log: nothing to log', seen[1].msg)
  end)

  it('appends a range as a quote', function()
    local m = fresh('2026-11-22')
    vim.cmd('enew')
    vim.api.nvim_buf_set_lines(0, 0, -1, false, { 'one', 'two', 'three', 'four' })
    vim.cmd('2,3WolLog from my notes')
    assert.matches('%- %d%d:%d%d from my notes\n  > two\n  > three\n$', t.read(entry(m, '2026-11-22')))
    vim.cmd('4WolLog')
    assert.matches('%- %d%d:%d%d\n  > four\n$', t.read(entry(m, '2026-11-22')))
  end)

  it('reloads an open unmodified entry, and leaves a modified one alone, saying so', function()
    local m = fresh('2026-11-22')
    vim.cmd('WolJournal')
    local buf = vim.api.nvim_get_current_buf()
    vim.cmd('messages clear')
    vim.cmd('WolLog seen in the buffer')
    assert.matches('seen in the buffer', nt.buffer_text(buf))
    assert.is_false(vim.bo[buf].modified)
    -- one line of messages, so no "Press ENTER" (the reload is silent)
    local msgs = vim.api.nvim_exec('messages', true)
    assert.matches('^wol: logged to [^\n]*$', msgs)
    -- unsaved changes: not clobbered, the user is told
    vim.api.nvim_buf_set_lines(buf, -1, -1, false, { 'my unsaved words' })
    vim.cmd('enew')
    local seen = nt.notifications(function()
      vim.cmd('WolLog while you were typing')
    end)
    local warned = false
    for _, n in ipairs(seen) do
      if n.level == vim.log.levels.WARN and n.msg:find('unsaved changes', 1, true) then
        warned = true
      end
    end
    assert.is_true(warned)
    local text = nt.buffer_text(buf)
    assert.matches('my unsaved words$', text)
    assert.not_matches('while you were typing', text)
    assert.is_true(vim.bo[buf].modified)
    assert.matches('while you were typing\n$', t.read(entry(m, '2026-11-22')))
  end)

  it('loses no line with two Neovims and the CLI appending at once (200 lines)', function()
    local m = fresh('2026-11-22')
    local function nvim_loop(tag, n)
      return string.format(
        "env -u LUA_PATH -u LUA_CPATH %s WOL_TODAY=2026-11-22 nvim --headless -u NONE -i NONE -n --cmd %s " ..
        "-c 'runtime plugin/wol.lua' -c %s -c 'qall!' </dev/null >/dev/null 2>&1 &",
        t.env(m), t.shquote('set rtp^=' .. t.root),
        t.shquote(string.format('lua for i = 1, %d do vim.cmd("WolLog %s-" .. i) end', n, tag)))
    end
    local script = table.concat({
      nvim_loop('nvA', 70),
      nvim_loop('nvB', 70),
      string.format('( i=0; while [ $i -lt 60 ]; do i=$((i+1)); env %s WOL_TODAY=2026-11-22 %s log "cli-$i" || echo FAIL; done ) &',
        t.env(m), t.shquote(t.bin)),
      'wait',
    }, '\n')
    local out, rc = t.sh(script)
    assert.are.equal(0, rc, out)
    assert.not_matches('FAIL', out)
    local text = t.read(entry(m, '2026-11-22'))
    local count = 0
    for _, spec in ipairs({ { 'nvA', 70 }, { 'nvB', 70 }, { 'cli', 60 } }) do
      for i = 1, spec[2] do
        local _, n = text:gsub('\n%- %d%d:%d%d ' .. spec[1] .. '%-' .. i .. '\n', '')
        assert.are.equal(1, n, spec[1] .. '-' .. i)
        count = count + n
      end
    end
    assert.are.equal(200, count)
  end)
end)

describe("require('wol').status()", function()
  after_each(function()
    vim.env.WOL_TODAY = nil
  end)

  it('shows the streak and does not scan the disk per redraw', function()
    local m = fresh('2026-11-22')
    for _, d in ipairs({ '2026-11-20', '2026-11-21' }) do
      local _, err, rc = t.wol({ 'log', 'x' }, m, { WOL_TODAY = d })
      assert.are.equal(0, rc, err)
    end
    local journal = require('wol.journal')
    local wol = require('wol')
    assert.are.equal('wol 2d', wol.status())
    local scans = journal.scans()
    for _ = 1, 100 do
      wol.status()
      vim.api.nvim_eval_statusline("%{v:lua.require'wol'.status()}", { fillchar = ' ' })
    end
    assert.are.equal('wol 2d', vim.api.nvim_eval_statusline("%{v:lua.require'wol'.status()}", { fillchar = ' ' }).str)
    assert.are.equal(scans, journal.scans())
    -- a write from the shell is not seen until something invalidates
    t.wol({ 'log', 'from the shell' }, m, { WOL_TODAY = '2026-11-22' })
    assert.are.equal('wol 2d', wol.status())
    vim.cmd('doautocmd FocusGained')
    assert.are.equal('wol 3d ✓', wol.status())
    assert.are.equal(scans + 1, journal.scans())
    -- :WolLog and writing a journal buffer refresh it too
    local m2 = fresh('2026-11-23')
    assert.are.equal('wol 0d', wol.status())
    vim.cmd('WolLog day one')
    assert.are.equal('wol 1d ✓', wol.status())
    vim.cmd('WolJournal 2026-11-24')
    vim.api.nvim_buf_set_lines(0, -1, -1, false, { 'Written ahead of time.' })
    vim.cmd('write')
    vim.env.WOL_TODAY = '2026-11-24'
    require('wol').setup({})
    assert.are.equal('wol 2d ✓', wol.status())
    assert.is_truthy(t.read(entry(m2, '2026-11-24')):find('Written ahead of time.', 1, true))
  end)

  it('is empty when the journal cannot be read', function()
    local m = fresh('2026-11-22')
    t.write(m.wol_home .. '/journal', 'a file')
    require('wol.journal').invalidate()
    assert.are.equal('', require('wol').status())
  end)
end)

describe("require('wol.journal').open_with_question", function()
  after_each(function()
    vim.env.WOL_TODAY = nil
  end)

  it('puts the cursor under the question, adding the heading when missing', function()
    local m = fresh('2026-11-22')
    local p = require('wol').ctx():prompt('2026-11-20')
    local q = p.reflect[2]
    local jr = require('wol.journal')
    local line = jr.open_with_question('2026-11-20', q)
    assert.are.equal(vim.fn.resolve(entry(m, '2026-11-20')), cur_name())
    assert.are.equal('### ' .. q, vim.api.nvim_buf_get_lines(0, line - 1, line, false)[1])
    assert.are.equal(line + 1, vim.api.nvim_win_get_cursor(0)[1])
    assert.is_false(vim.bo.modified)
    -- a question the entry lacks: added at the end, cursor below it
    line = jr.open_with_question('2026-11-20', 'What surprised you?')
    local lines = vim.api.nvim_buf_get_lines(0, 0, -1, false)
    assert.are.equal('### What surprised you?', lines[line])
    assert.are.equal(line + 1, vim.api.nvim_win_get_cursor(0)[1])
    assert.are.equal(line + 1, #lines)
    assert.are.equal('', lines[line - 1])
    assert.is_true(vim.bo.modified)
  end)

  it('from a special buffer, opens in another window; takes the prompt buffer\'s (question, info) form', function()
    local m = fresh('2026-11-22')
    vim.cmd('only')
    vim.cmd('enew')
    vim.bo.buftype = 'nofile'
    local special = vim.api.nvim_get_current_win()
    local line = require('wol.journal').open_with_question('Who helped you today?', { today = '2026-11-22',
      date = '2026-11-25' })
    assert.are_not.equal(special, vim.api.nvim_get_current_win())
    assert.are.equal(2, #vim.api.nvim_list_wins())
    assert.are.equal(vim.fn.resolve(entry(m, '2026-11-22')), cur_name())
    assert.are.equal('### Who helped you today?', vim.api.nvim_buf_get_lines(0, line - 1, line, false)[1])
    assert.are.equal(line + 1, vim.api.nvim_win_get_cursor(0)[1])
    vim.cmd('only!')
  end)
end)
