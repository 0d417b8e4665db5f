-- :WolReview in real headless Neovim: the week's review in a buffer of its
-- journal file, :w saving it through the library (0600, one file however
-- often it is saved), :WolShare refusing it without ! and sharing a copy
-- with it, and the saved review shown as written.
local t = require('wolt')
local nt = require('nvimt')
local F = require('legacyfix')

local function errors(seen)
  local out = {}
  for _, n in ipairs(seen) do
    if n.level == vim.log.levels.ERROR then
      table.insert(out, n.msg)
    end
  end
  return out
end

describe(':WolReview', function()
  local ana, clone = F.ana()
  local path = ana.wol_home .. '/journal/2026/2026-W10.md'

  before_each(function()
    vim.env.WOL_TODAY = '2026-03-06'
    nt.become(ana)
  end)
  after_each(function()
    vim.env.WOL_TODAY = nil
  end)

  it('opens the week in a buffer of its journal file; :w saves it, again and again', function()
    local seen = nt.notifications(function()
      vim.cmd('WolReview 2026-W10')
    end)
    assert.are.same({}, errors(seen))
    assert.are.equal(vim.fn.resolve(path), vim.fn.resolve(vim.api.nvim_buf_get_name(0)))
    local text = nt.buffer_text()
    assert.matches('^%-%-%-\ntitle: Weekly review 2026%-W10\n', text)
    assert.matches('\n%- 2026%-03%-02 · Draft: onboarding guide & checklist %(new%)\n', text)
    assert.matches('\n## Reflect\n', text)
    assert.is_false(t.exists(path))
    -- the cursor waits under the first reflection question
    local row = vim.api.nvim_win_get_cursor(0)[1]
    assert.matches('^### ', vim.fn.getline(row - 1))
    vim.api.nvim_buf_set_lines(0, row - 1, row - 1, false, { 'Asking early worked.' })
    seen = nt.notifications(function()
      vim.cmd('write')
    end)
    assert.are.same({}, errors(seen))
    assert.are.equal('600', (t.sh('stat -c %a ' .. t.shquote(path)):gsub('%s', '')))
    assert.are.equal(nt.buffer_text() .. '\n', t.read(path))
    assert.is_false(vim.bo.modified)
    vim.api.nvim_buf_set_lines(0, -1, -1, false, { 'And one more thing.' })
    vim.cmd('write')
    assert.matches('Asking early worked%.\n.*And one more thing%.\n$', t.read(path))
    assert.are.equal('2026-03-04.md\n2026-W10.md\n', t.sh('ls ' .. t.shquote(ana.wol_home .. '/journal/2026')))
  end)

  it('shows a saved review as it was written', function()
    vim.cmd('silent! %bwipeout!')
    vim.cmd('WolReview 2026-03-05')
    assert.matches('And one more thing%.$', nt.buffer_text())
    assert.is_false(vim.bo.modified)
  end)

  it('asks for ! before :WolShare shares it, then shares a copy', function()
    local seen = nt.notifications(function()
      vim.cmd('WolShare')
    end)
    local errs = errors(seen)
    assert.are.equal(1, #errs)
    assert.matches('journal entry, which is private.*:WolShare!', errs[1])
    assert.are.equal('', t.git(clone, 'status --porcelain'):gsub('%?%? notes/ana/draft.md\n', ''))
    seen = nt.notifications(function()
      vim.cmd('WolShare!')
    end)
    assert.are.same({}, errors(seen))
    local copy = t.read(clone .. '/notes/ana/weekly-review-2026-w10.md')
    assert.matches('title: Weekly review 2026%-W10', copy)
    assert.matches('And one more thing%.', copy)
    assert.matches('^share%(ana%): Weekly review 2026%-W10', t.git(clone, 'log -1 --format=%s'))
  end)

  it(':WolExport makes the bundle of what was shared; a refusal is one error', function()
    local dir = t.tmpdir('nvim-export')
    local export = require('wol.export')
    local function done()
      assert.is_true(vim.wait(60000, function() return not export.running() end, 10))
    end
    local seen = nt.notifications(function()
      vim.cmd('WolExport ' .. dir .. '/out format=md')
      done()
    end)
    assert.are.same({}, errors(seen))
    assert.is_true(t.exists(dir .. '/out/index.md'))
    assert.is_true(t.exists(dir .. '/out/.wol-export'))
    assert.matches('^wol: exported %d+ notes? and %d+ questions? by ana: ', seen[#seen].msg)
    seen = nt.notifications(function()
      vim.cmd('WolExport ' .. dir .. '/all all')
      done()
    end)
    local errs = errors(seen)
    assert.are.equal(1, #errs)
    assert.matches('^wol: export: %-%-all', errs[1])
    assert.is_false(t.exists(dir .. '/all'))
  end)
end)
