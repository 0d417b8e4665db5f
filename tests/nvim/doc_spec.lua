-- doc/wol.txt is valid vimdoc: helptags succeeds with unique tags.
local t = require('wolt')
local nt = require('nvimt')

describe('doc/wol.txt', function()
  it('has the vimdoc header and modeline', function()
    local text = assert(t.read(t.root .. '/doc/wol.txt'))
    assert.matches('^%*wol%.txt%*', text)
    assert.matches('vim:tw=78:ts=8:ft=help:norl:\n$', text)
  end)

  it('builds tags with :helptags and no duplicate tags', function()
    local dir = t.tmpdir('helptags')
    t.sh(string.format('cp -r %s/doc %s/', t.shquote(t.root), t.shquote(dir)))
    local ok, err = pcall(vim.cmd, 'helptags ' .. vim.fn.fnameescape(dir .. '/doc'))
    assert.is_true(ok, err)
    local tags = assert(t.read(dir .. '/doc/tags'))
    local seen = {}
    for tag in tags:gmatch('([^\t\n]+)\t[^\n]*\n') do
      assert.is_nil(seen[tag], 'duplicate tag ' .. tag)
      seen[tag] = true
    end
    assert.is_true(seen['wol.txt'])
    assert.is_true(seen['wol'])
    assert.is_true(seen[':WolVersion'])
    assert.is_true(seen['wol-config'])
  end)

  it(':help wol opens the top of wol.txt in a fresh Neovim after `make` (doc/tags)', function()
    -- a copy of what `make` needs for the tags, so the test never writes
    -- into the repository
    local copy = t.tmpdir('help')
    t.sh(string.format('cp -r %s/doc %s/Makefile %s/ && rm -f %s/doc/tags', t.shquote(t.root), t.shquote(t.root),
      t.shquote(copy), t.shquote(copy)))
    local out, rc = t.sh('make -s -C ' .. t.shquote(copy) .. ' doc/tags 2>&1')
    assert.are.equal(0, rc, out)
    assert.is_truthy(t.read(copy .. '/doc/tags'), out)
    out = nt.child({ 'help wol', 'lua io.stdout:write(vim.fn.expand("%:t") .. ":" .. vim.fn.line(".") .. "\\n")' },
      { root = copy })
    assert.matches('wol%.txt:1\n', out)
    out = nt.child({ 'help wol.txt', 'lua io.stdout:write(vim.fn.expand("%:t") .. ":" .. vim.fn.line(".") .. "\\n")' },
      { root = copy })
    assert.matches('wol%.txt:1\n', out)
  end)

  it('documents every :Wol command the plugin registers', function()
    local text = assert(t.read(t.root .. '/doc/wol.txt'))
    for name in pairs(vim.api.nvim_get_commands({})) do
      if name:match('^Wol') then
        assert.is_truthy(text:find('*:' .. name .. '*', 1, true), ':' .. name .. ' is not documented')
      end
    end
  end)
end)

describe('README.md', function()
  local function list(which)
    local out, rc = t.sh('sh ' .. t.shquote(t.root .. '/tools/deps.sh') .. ' list ' .. which)
    assert.are.equal(0, rc, out)
    local pkgs = {}
    for p in out:gmatch('%S+') do
      pkgs[p] = true
    end
    return pkgs
  end

  it('names what make deps and make deps-test install; make demo installs no test package', function()
    local readme = assert(t.read(t.root .. '/README.md'))
    local build, test = list(''), list('test')
    for p in pairs(test) do
      assert.is_truthy(readme:find('`' .. p .. '`', 1, true), p .. ' is not named in README.md')
    end
    -- the plugin's own list has no server and nothing only the tests use
    for _, p in ipairs({ 'openssh-server', 'nginx', 'fcgiwrap', 'gitolite3', 'lua-busted', 'tmux' }) do
      assert.is_true(test[p], p)
      assert.is_nil(build[p], p .. ' is installed by make deps')
    end
    for p in pairs(build) do
      assert.is_true(test[p], p)
    end
    local make = assert(t.read(t.root .. '/Makefile'))
    assert.matches('\ndemo: deps\n', make)
    assert.matches('\ndeps:\n\t@sh tools/deps.sh\n', make)
    assert.matches('\ntest: deps%-test\n', make)
    -- and how to install by hand
    assert.matches('pack/[%w_-]+/start/wol%.nvim', readme)
  end)
end)
