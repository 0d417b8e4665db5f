-- One reader for circle.md, seen in real headless Neovim: :WolCircle's
-- header and warnings and :WolPrompt's program week say the same as
-- `wol status --json` for the same circle.md (the values themselves are
-- pinned in tests/core/prompt_spec.lua).
local t = require('wolt')
local nt = require('nvimt')
local json = require('dkjson')
local api = vim.api

local TODAY = '2026-03-18'

local function lines()
  return api.nvim_buf_get_lines(0, 0, -1, false)
end

local function reset()
  vim.cmd('silent! tabonly!')
  vim.cmd('silent! only!')
  vim.cmd('enew!')
end

describe('circle.md in :WolCircle and :WolPrompt', function()
  local cases = {
    { 'started: 2026-03-02\nweeks: 60', 'Demo  ·  week 3 of 60', 'Week 3 of 60: ' },
    { 'started: 2026-03-02\nweeks: x', 'Demo  ·  week 3 of 12', 'Week 3 of 12: ' },
    { 'started: today\nweeks: 8', 'Demo', nil },
  }
  for _, c in ipairs(cases) do
    it('agree with wol status for ' .. c[1]:gsub('\n', ', '), function()
      reset()
      local m = t.member('ana')
      local _, err, rc = t.wol({ 'init', 'demo' }, m)
      assert.are.equal(0, rc, err)
      local dir = m.wol_home .. '/circles/demo'
      t.write(dir .. '/circle.md', '---\nname: Demo\n' .. c[1] .. '\n---\n')
      vim.env.WOL_TODAY = TODAY
      nt.become(m)
      local out
      out, err, rc = t.wol({ 'status', '--json' }, m, { WOL_TODAY = TODAY })
      assert.are.equal(0, rc, err)
      local st = json.decode(out)
      assert.are.equal(c[1]:find('weeks: 60', 1, true) and 0 or 1, #st.warnings)
      nt.notifications(function()
        vim.cmd('WolCircle')
      end)
      local l = lines()
      assert.are.equal(c[2], l[1])
      -- the warnings wol status gives, one line each under the header
      for i, w in ipairs(st.warnings) do
        assert.are.equal(w, l[2 + i])
      end
      reset()
      local seen = nt.notifications(function()
        vim.cmd('WolPrompt')
      end)
      local focus
      for _, x in ipairs(lines()) do
        focus = focus or x:match('^Week %d+ of %d+: ')
      end
      assert.are.equal(c[3], focus)
      -- the prompt shows the same circle.md warnings
      local msgs = {}
      for _, s in ipairs(seen) do
        table.insert(msgs, s.msg)
      end
      assert.are.same(st.warnings, msgs)
    end)
  end
end)
