-- Errors: one table of codes (WOL_CODES in csrc/wol.h), documented in
-- doc/wol.txt and doc/hacking.md; Lua gets nil, msg, code.
local t = require('wolt')

local function codes()
  local h = assert(t.read(t.root .. '/csrc/wol.h'))
  local v = {}
  for name in h:match('#define WOL_CODES%(X%)(.-)\n\n'):gmatch('X%(WOL_E%w+, %-?%d+, "(%w+)"%)') do
    table.insert(v, name)
  end
  return v
end

describe('error codes', function()
  it('are one table, documented for users and for contributors', function()
    local names = codes()
    assert.is_true(#names >= 13)
    local txt = assert(t.read(t.root .. '/doc/wol.txt'))
    local section = assert(txt:match('%*wol%-errors%*(.-)\n====='))
    local hacking = assert(t.read(t.root .. '/doc/hacking.md'))
    for _, n in ipairs(names) do
      assert.truthy(section:find('\n  ' .. n .. ' ', 1, true), n .. ' is not in :help wol-errors')
      assert.truthy(hacking:find('"' .. n .. '"', 1, true), n .. ' is not in doc/hacking.md')
    end
  end)

  it('come third after nil and the message, from every kind of call', function()
    local core = t.core()
    local m = t.member('tester')
    local ctx = assert(core.open({ home = m.wol_home }))
    local function fails(code, ...)
      assert.are.equal(3, select('#', ...))
      local v, msg, c = ...
      assert.is_nil(v)
      assert.matches('^wol: ', msg)
      assert.are.equal(code, c, msg)
    end
    fails('invalid', core.parse_date('2026-02-30'))
    fails('notfound', ctx:circle_open('nope'))
    fails('invalid', core.path_check('../x'))
    fails('refused', core.share_check('password = hunter22hunter'))
    fails('notfound', ctx:journal_adjacent('2026-01-01', 1))
    ctx:close()
  end)
end)
