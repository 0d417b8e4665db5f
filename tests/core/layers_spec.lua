-- The library in layers (doc/hacking.md): no two parts of csrc/ call each
-- other, read from the symbols of the built objects by tools/layers.sh.
local t = require('wolt')

describe('csrc/ layers', function()
  it('has no two parts that call each other', function()
    local out, rc = t.sh('cd ' .. t.shquote(t.root) .. ' && sh tools/layers.sh build/obj 2>&1')
    assert.are.equal(0, rc, out)
    assert.matches('index %->[^\n]* question', out) -- the index asks question/ for its replay
    assert.is_nil(out:match('question %->[^\n]* index'), out)
  end)
end)
