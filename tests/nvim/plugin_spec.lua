-- The plugin in real headless Neovim: lazy loading, commands, setup,
-- health in all its states, the module in worker threads.
local t = require('wolt')
local nt = require('nvimt')

describe('plugin/wol.lua', function()
  it('registers commands without loading the C module', function()
    assert.are.equal(1, vim.g.loaded_wol)
    assert.is_nil(package.loaded['wol.core'])
    assert.is_nil(package.loaded['wol'])
    assert.are.equal(2, vim.fn.exists(':WolVersion'))
  end)

  it('passes the lazy-load check from the issue in a fresh Neovim', function()
    local out, rc = t.sh(string.format(
      "cd %s && nvim --headless -u NONE --cmd 'set rtp+=.' -c 'runtime plugin/wol.lua' " ..
      "-c 'lua assert(package.loaded[\"wol.core\"] == nil)' -c q 2>&1 </dev/null", t.shquote(t.root)))
    assert.are.equal(0, rc, out)
    assert.are.equal('', out)
  end)

  it('is a no-op when loaded twice', function()
    vim.cmd('runtime plugin/wol.lua')
    assert.are.equal(2, vim.fn.exists(':WolVersion'))
  end)

  it('links its highlight groups by default (colour schemes may override)', function()
    local hl = vim.api.nvim_get_hl_by_name('WolTitle', false)
    assert.is_truthy(hl)
    assert.are.equal(1, vim.fn.hlexists('WolTitle'))
  end)

  it('puts its default links and colours back after :colorscheme clears them, and keeps a user\'s own', function()
    local function final(group)
      return vim.fn.synIDattr(vim.fn.synIDtrans(vim.fn.hlID(group)), 'name')
    end
    local function check()
      assert.are.equal('Title', final('WolPromptTitle'))
      assert.are.equal('Comment', final('WolCircleMuted'))
      assert.are.equal('#2a9d43', vim.fn.synIDattr(vim.fn.hlID('WolCircleHeat2'), 'fg#', 'gui'))
      assert.are.equal('84', vim.fn.synIDattr(vim.fn.hlID('WolCircleHeat4'), 'fg', 'cterm'))
    end
    check()
    vim.cmd('highlight clear')
    -- (links made with `default` survive :highlight clear; colours do not)
    assert.are.equal('', vim.fn.synIDattr(vim.fn.hlID('WolCircleHeat2'), 'fg#', 'gui'))
    vim.cmd('doautocmd ColorScheme')
    check()
    -- a colour scheme's own setting is not overwritten by the defaults
    vim.cmd('highlight WolPromptTitle guifg=#123456')
    vim.cmd('doautocmd ColorScheme')
    assert.are.equal('#123456', vim.fn.synIDattr(vim.fn.hlID('WolPromptTitle'), 'fg#', 'gui'))
    vim.cmd('highlight clear')
    vim.cmd('doautocmd ColorScheme')
    check()
  end)
end)

describe(':WolVersion', function()
  it('shows the versions', function()
    local seen = nt.notifications(function()
      vim.cmd('WolVersion')
    end)
    assert.are.equal(1, #seen)
    assert.matches('^wol.nvim 0%.1%.0 %(core 0%.1%.0, circle format 2%); libgit2 1%.', seen[1].msg)
  end)
end)

describe('setup()', function()
  it('is optional and validates types', function()
    local wol = require('wol')
    assert.has_error(function() wol.setup({ home = 42 }) end)
    assert.has_error(function() wol.setup('nope') end)
    wol.setup({})
  end)

  it('warns about unknown keys and keeps going', function()
    local seen = nt.notifications(function()
      require('wol').setup({ hme = '/tmp/x' })
    end)
    assert.are.equal(1, #seen)
    assert.matches("unknown option 'hme'", seen[1].msg)
    assert.are.equal(vim.log.levels.WARN, seen[1].level)
    require('wol').setup({})
  end)

  it('gives a context that honours home from setup and $WOL_HOME otherwise', function()
    local wol = require('wol')
    local dir = t.tmpdir('setup-home')
    wol.setup({ home = dir })
    assert.are.equal(dir, wol.ctx():home())
    wol.setup({})
    assert.are.equal(vim.env.WOL_HOME, wol.ctx():home())
  end)
end)

describe('identity', function()
  it('is read again after `git config --global wol.handle NAME` in a running Neovim', function()
    local nobody = t.member(nil, { name = false })
    local user = vim.env.USER
    vim.env.USER = ''
    local ok, err = pcall(function()
      nt.become(nobody)
      local seen = nt.notifications(function()
        vim.cmd('WolInit first')
      end)
      assert.matches('no handle', seen[1].msg)
      local out, rc = t.sh(string.format('HOME=%s git config --global wol.handle newbie 2>&1', t.shquote(nobody.home)))
      assert.are.equal(0, rc, out)
      assert.are.equal('newbie', require('wol').ctx():identity().handle)
      seen = nt.notifications(function()
        vim.cmd('WolInit first')
      end)
      assert.matches("^wol: started circle 'first'", seen[1].msg)
      vim.cmd('checkhealth wol')
      local report = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
      vim.cmd('silent! tabclose')
      assert.matches("handle 'newbie'", report)
      assert.not_matches('no handle', report)
    end)
    vim.env.USER = user
    nt.become(t.member('tester'))
    assert(ok, err)
  end)
end)

describe('the module in other threads', function()
  it('loads inside a vim.loop.new_work thread', function()
    local result
    local work = vim.loop.new_work(function(cpath)
      package.cpath = cpath
      local core = require('wol.core')
      local ctx = core.open({ home = '/nonexistent-wol-home' })
      local h = ctx:home()
      ctx:close()
      return core.version() .. ' ' .. h
    end, function(r)
      result = r
    end)
    work:queue(package.cpath)
    assert.is_true(vim.wait(5000, function() return result ~= nil end, 10))
    assert.are.equal('0.1.0 /nonexistent-wol-home', result)
  end)
end)

describe(':checkhealth wol', function()
  local function health_text(cmds, opts)
    local out = nt.child(vim.list_extend(cmds or {}, {
      'checkhealth wol',
      'lua io.stdout:write(table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), "\\n"))',
    }), opts)
    return out
  end

  it('is all OK on a fresh home with an identity (a missing circle is advice)', function()
    local ana = t.member('ana')
    local out = health_text({}, { member = ana })
    assert.matches('C module loaded, version 0%.1%.0', out)
    assert.matches("handle 'ana'", out)
    assert.matches('no circle yet', out)
    assert.matches(':WolInit NAME', out)
    assert.not_matches('ERROR', out)
  end)

  it('reports a missing identity as an error with the fix', function()
    local nobody = t.member(nil, { name = false })
    local out = health_text({}, { member = nobody, env = { USER = '' } })
    assert.matches('ERROR', out)
    assert.matches('git config %-%-global wol.handle NAME', out)
  end)

  it('reports a module that is not built, saying to run make', function()
    local copy = t.tmpdir('unbuilt')
    t.sh(string.format('cp -r %s/plugin %s/lua %s/ && rm -f %s/lua/wol/core.so', t.shquote(t.root),
      t.shquote(t.root), t.shquote(copy), t.shquote(copy)))
    local out = health_text({}, { root = copy, member = t.member('ana') })
    assert.matches('ERROR', out)
    assert.matches('the C module is not built; run `make` in ' .. copy:gsub('%p', '%%%0'), out)
  end)

  it('makes commands say what to run when the module is not built', function()
    local copy = t.tmpdir('unbuilt-cmd')
    t.sh(string.format('cp -r %s/plugin %s/lua %s/ && rm -f %s/lua/wol/core.so', t.shquote(t.root),
      t.shquote(t.root), t.shquote(copy), t.shquote(copy)))
    local out = nt.child({
      'lua vim.notify = function(m) io.stdout:write("NOTIFY " .. m .. "\\n") end',
      'WolVersion',
    }, { root = copy })
    assert.matches('NOTIFY wol: the C module is not built; run `make` in ', out)
    assert.not_matches('traceback', out)
  end)
end)
