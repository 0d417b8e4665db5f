-- Closing the daily loop in real headless Neovim: :WolDone, the state in
-- :WolPrompt, the offer after an act, and the statusline counting acts.
local t = require('wolt')
local nt = require('nvimt')

local function entry(m, date)
  return string.format('%s/journal/%s/%s.md', m.wol_home, date:sub(1, 4), date)
end

local function fresh(today)
  local m = t.member('ana')
  vim.env.WOL_TODAY = today
  nt.become(m)
  vim.cmd('silent! %bwipeout!')
  return m
end

local function prompt_text()
  vim.cmd('WolPrompt')
  local text = nt.buffer_text()
  vim.cmd('close')
  return text
end

describe(':WolDone', function()
  after_each(function()
    vim.env.WOL_TODAY = nil
  end)

  it("marks today's challenge done; the prompt, the open entry and the statusline follow", function()
    local m = fresh('2026-03-04')
    local title = assert(require('wol').ctx():prompt()).challenge.title
    assert.matches('not done yet: :WolDone marks it done', prompt_text())
    assert.are.equal('wol 0d', require('wol').status())
    -- today's entry is open (and unmodified) while the challenge is marked
    vim.cmd('WolJournal')
    local buf = vim.api.nvim_get_current_buf()
    local fired
    vim.api.nvim_create_autocmd('User', {
      pattern = 'WolDone',
      once = true,
      callback = function(args)
        fired = args.data or true
      end,
    })
    local seen = nt.notifications(function()
      vim.cmd('WolDone')
    end)
    assert.are.equal(1, #seen)
    assert.are.equal('wol: challenge of 2026-03-04 done: ' .. title, seen[1].msg)
    assert.is_truthy(fired)
    assert.matches('\nchallenge: done\n', t.read(entry(m, '2026-03-04')))
    -- the buffer shows the new front matter, without a message of its own
    assert.matches('\nchallenge: done\n', nt.buffer_text(buf))
    assert.is_false(vim.bo[buf].modified)
    vim.cmd('enew')
    assert.matches('✓ done %(marked with :WolDone%)', prompt_text())
    -- an act without a word written keeps the streak
    assert.are.equal('wol 1d ✓', require('wol').status())
    -- again: said so; a day to come: one error, nothing written
    seen = nt.notifications(function()
      vim.cmd('WolDone today')
    end)
    assert.matches('^wol: the challenge of 2026%-03%-04 was already done: ', seen[1].msg)
    seen = nt.notifications(function()
      vim.cmd('WolDone tomorrow')
    end)
    assert.are.equal(1, #seen)
    assert.are.equal(vim.log.levels.ERROR, seen[1].level)
    assert.matches('^wol: done: 2026%-03%-05 is still to come', seen[1].msg)
    assert.is_false(t.exists(entry(m, '2026-03-05')))
    -- a day to come shows no state
    vim.cmd('WolPrompt tomorrow')
    local text = nt.buffer_text()
    vim.cmd('close')
    assert.not_matches('WolDone', text)
  end)

  it('is offered after an act of today, in the one line of its message', function()
    local m = fresh('2026-03-04')
    local _, err, rc = t.wol({ 'init', 'c' }, m, { WOL_TODAY = '2026-03-04' })
    assert.are.equal(0, rc, err)
    assert(require('wol').ctx():person_add({ name = 'Bo' }))
    local offer = "; today's challenge done? :WolDone"
    local seen = nt.notifications(function()
      vim.cmd('WolGive Bo a pointer to the guide')
    end)
    assert.are.same({ 'wol: gave to Bo: a pointer to the guide' .. offer }, { seen[1].msg })
    assert.are.equal(1, #seen)
    vim.cmd('enew')
    vim.api.nvim_buf_set_lines(0, 0, -1, false, { '# Plan', '', 'A draft.' })
    seen = nt.notifications(function()
      vim.cmd('WolShare')
    end)
    assert.matches("^wol: shared 'Plan' to c %(%x+%); the circle has no remote, so it stays local" ..
      offer:gsub('%p', '%%%0') .. '$', seen[1].msg)
    -- another day's contribution is not offered; after :WolDone nothing is
    seen = nt.notifications(function()
      require('wol.people').give('Bo', 'an old favour', { date = '2026-03-01' })
    end)
    assert.are.equal('wol: gave to Bo: an old favour', seen[1].msg)
    nt.notifications(function()
      vim.cmd('WolDone')
    end)
    seen = nt.notifications(function()
      vim.cmd('WolGive Bo thanks')
    end)
    assert.are.equal('wol: gave to Bo: thanks', seen[1].msg)
    vim.cmd('silent! %bwipeout!')
  end)
end)
