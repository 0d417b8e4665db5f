-- Soak (tests/chaos/soak.sh): three headless Neovim instances (:WolLog,
-- :WolShare, :WolSync) and the CLI (wol log/share/sync) work against one
-- circle on a loopback git daemon at the same time; afterwards every clone
-- and the remote agree, fsck is clean and every note shared and every line
-- logged is there. `make chaos` runs it with 1,000 operations.
local t = require('wolt')
local interp = os.getenv('WOL_TEST_INTERP') or 'luajit'

describe('soak', function()
  if interp ~= 'luajit' then return end -- it drives nvim and the CLI, once is enough

  it('3 editors and the CLI: 120 operations, clones agree, nothing missing', function()
    local dir = t.tmpdir('soak')
    local out, rc = t.sh(string.format('bash %s %s 30 2>&1', t.shquote(t.root .. '/tests/chaos/soak.sh'),
      t.shquote(dir)))
    assert.are.equal(0, rc, out)
    local ops, notes, lines, missing, agree = out:match(
      'soak: (%d+) operations .-, (%d+) notes shared, (%d+) journal lines, (%d+) missing, clones agree: (%a+)')
    assert.is_not_nil(ops, out)
    assert.are.equal(120, tonumber(ops))
    assert.are.equal(40, tonumber(notes), out)
    assert.are.equal(40, tonumber(lines), out)
    assert.are.equal('0', missing)
    assert.are.equal('yes', agree)
  end)
end)
