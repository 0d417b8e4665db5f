-- kill -9 at random moments (tests/chaos/kill.sh): 50 journal writes, 50
-- shares, 50 index refreshes and 50 syncs against a git daemon on loopback
-- are killed at a random point each. After each kill the next operation
-- must work, `git fsck` stays clean, and everything reported written is
-- there. `make chaos` runs the same with more iterations.
local t = require('wolt')
local interp = os.getenv('WOL_TEST_INTERP') or 'luajit'

describe('kill -9 at random points', function()
  -- one run is enough (it drives the CLI, not this interpreter)
  if interp ~= 'luajit' then return end

  it('loses nothing and always recovers (200 kill points)', function()
    local dir = t.tmpdir('chaos')
    local out, rc = t.sh(string.format('bash %s %s 50 2>&1', t.shquote(t.root .. '/tests/chaos/kill.sh'),
      t.shquote(dir)))
    assert.are.equal(0, rc, out)
    local kills, completed, reported, missing, fsck, recover = out:match(
      'chaos: (%d+) kills, (%d+) completed, (%d+) reported written, (%d+) missing, (%d+) fsck failures, (%d+) recovery failures')
    assert.is_not_nil(kills, out)
    assert.are.equal(200, tonumber(kills) + tonumber(completed), out)
    -- the random points really interrupted work, and some runs finished
    assert.is_true(tonumber(kills) >= 20, out)
    assert.is_true(tonumber(reported) >= 20, out)
    assert.are.equal('0', missing)
    assert.are.equal('0', fsck)
    assert.are.equal('0', recover)
  end)
end)
