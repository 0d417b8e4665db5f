-- The journal's private history in real headless Neovim: a burst of
-- :WolLog lines is one commit, :w commits, the batch timer, :WolJournal
-- history / restore / commit / remote, and :WolSync with journal.sync.
local t = require('wolt')
local nt = require('nvimt')

local TODAY = '2026-03-14'

-- A member whose writes wait `batch` seconds for their commit.
local function fresh(batch)
  local m = t.member('ana')
  local f = assert(io.open(m.home .. '/.gitconfig', 'a'))
  f:write('[wol]\n\tjournalBatch = ' .. tostring(batch) .. '\n')
  f:close()
  vim.env.WOL_TODAY = TODAY
  nt.become(m)
  vim.cmd('silent! %bwipeout!')
  return m
end

local function git(m, args)
  return t.sh(string.format('git --git-dir=%s %s 2>&1', t.shquote(m.wol_home .. '/.private.git'), args))
end

local function commits(m)
  return tonumber((git(m, 'rev-list --count HEAD')):match('^(%d+)')) or 0
end

local function entry(m)
  return string.format('%s/journal/2026/%s.md', m.wol_home, TODAY)
end

local function committed(m)
  return (git(m, 'show HEAD:journal/2026/' .. TODAY .. '.md'))
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

describe('the private history in Neovim', function()
  after_each(function()
    vim.env.WOL_TODAY = nil
  end)

  it('makes a burst of :WolLog lines one commit; :WolJournal commit and :w commit', function()
    local m = fresh(3600)
    local seen = nt.notifications(function()
      vim.cmd('WolLog the first line') -- the history begins with it
      for i = 1, 5 do
        vim.cmd('WolLog burst ' .. i)
      end
    end)
    assert.are.same({}, errors(seen))
    assert.are.equal(1, commits(m))
    assert.is_true(require('wol.journal').commit_waiting())
    for i = 1, 5 do
      assert.matches('burst ' .. i, t.read(entry(m)))
    end
    vim.cmd('WolJournal commit')
    assert.are.equal(2, commits(m))
    assert.is_false(require('wol.journal').commit_waiting())
    local text = committed(m)
    for i = 1, 5 do
      assert.matches('burst ' .. i, text)
    end
    -- commit on save
    vim.cmd('WolJournal')
    vim.api.nvim_buf_set_lines(0, -1, -1, false, { '', 'typed and saved' })
    vim.cmd('silent write')
    assert.are.equal(3, commits(m))
    assert.matches('typed and saved', committed(m))
    assert.are.equal('', (git(m, 'status --porcelain')))
  end)

  it('commits what waits when the batch is due (the timer)', function()
    local m = fresh(1)
    vim.cmd('WolLog one')
    vim.cmd('WolLog two')
    assert.is_true(vim.wait(30000, function()
      return commits(m) == 2
    end, 50), 'the waiting line was not committed')
    assert.matches('two', committed(m))
  end)

  it(':WolJournal history shows an old version; :WolJournal restore puts it back', function()
    local m = fresh(0)
    vim.cmd('WolLog one')
    vim.cmd('WolLog two')
    local before = t.read(entry(m))
    local real = vim.ui.select
    local listed
    vim.ui.select = function(items, opts, on_choice)
      listed = vim.tbl_map(function(v)
        return opts.format_item(v)
      end, items)
      on_choice(items[#items]) -- the oldest
    end
    local ok, err = pcall(vim.cmd, 'WolJournal history')
    vim.ui.select = real
    assert(ok, err)
    assert.are.equal(2, #listed)
    assert.matches('^%x+  %d+%-%d+%-%d+ %d+:%d+  added  journal: the private history begins$', listed[2])
    assert.matches('^wol://journal/2026/' .. TODAY:gsub('%-', '%%-') .. '%.md@%x+$', vim.api.nvim_buf_get_name(0))
    assert.is_false(vim.bo.modifiable)
    local shown = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
    assert.matches('one', shown)
    assert.not_matches('two', shown)
    -- restore from the version's buffer: a new commit, the entry as it was
    vim.cmd('WolJournal restore')
    assert.are.equal(3, commits(m))
    assert.not_matches('two', t.read(entry(m)))
    assert.matches('^journal: restore', (git(m, 'log -1 --format=%s')))
    -- an open entry with unsaved changes is not overwritten
    vim.cmd('WolJournal')
    vim.api.nvim_buf_set_lines(0, -1, -1, false, { 'unsaved' })
    local rev = (git(m, 'rev-parse --short=8 HEAD~1')):match('%x+')
    local seen = nt.notifications(function()
      vim.cmd('WolJournal restore ' .. rev)
    end)
    assert.matches('unsaved changes', errors(seen)[1])
    assert.are.equal(3, commits(m))
    vim.cmd('silent edit!')
    vim.cmd('WolJournal restore ' .. rev)
    assert.are.equal(before, t.read(entry(m)))
    assert.are.equal(before, table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n') .. '\n')
  end)

  it(':WolSync with journal.sync pushes the history to its private remote', function()
    local m = fresh(3600)
    require('wol').setup({ journal = { sync = true } })
    local bare = t.tmpdir('private') .. '/j.git'
    t.sh('git init -q --bare -b main ' .. t.shquote(bare))
    vim.cmd('WolLog for the remote')
    vim.cmd('WolLog waiting')
    vim.cmd('WolJournal remote ' .. bare)
    local fired
    local au = vim.api.nvim_create_autocmd('User', { pattern = 'WolJournalSynced', callback = function()
      fired = true
    end })
    local seen = nt.notifications(function()
      vim.cmd('WolSync') -- no circle here: only the journal
      assert(vim.wait(30000, function()
        return fired
      end, 20), 'no User WolJournalSynced')
    end)
    vim.api.nvim_del_autocmd(au)
    assert.are.same({}, errors(seen))
    local s = require('wol.sync').last_private
    assert.are.equal(2, s.pushed)
    assert.are.equal((git(m, 'rev-parse HEAD')), (t.sh('git --git-dir=' .. t.shquote(bare) .. ' rev-parse main')))
    assert.matches('waiting', (t.sh('git --git-dir=' .. t.shquote(bare) .. ' show main:journal/2026/' .. TODAY .. '.md')))
    -- a circle's remote is refused in the editor too
    require('wol').setup({})
  end)
end)
