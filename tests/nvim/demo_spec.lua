-- `make demo` sets up an isolated demo home whose health check has no error.
local t = require('wolt')

describe('make demo', function()
  it('opens the plugin on a demo home with :checkhealth wol free of errors', function()
    local dir = t.tmpdir('demo')
    local out, rc = t.sh(string.format('env -u LUA_PATH -u LUA_CPATH WOL_DEMO_CHECK=1 WOL_DEMO_DIR=%s sh %s/tools/demo.sh 2>&1',
      t.shquote(dir), t.shquote(t.root)))
    assert.are.equal(0, rc, out)
    assert.matches('C module loaded', out)
    assert.matches("handle 'you'", out)
    assert.matches(dir .. '/wol', out, 1, true)
    assert.not_matches('ERROR', out)
  end)
end)
