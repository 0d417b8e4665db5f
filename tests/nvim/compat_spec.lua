-- Newer Neovim (0.9-0.11) without having one: a child Neovim whose old
-- names are made to raise when wol uses them and whose newer names are
-- present (tests/helpers/newer_nvim.lua) runs the health check and the main
-- commands. A user on 0.10+ must see no deprecation warning and no error.
local t = require('wolt')
local nt = require('nvimt')

describe('on a newer Neovim (old names removed, new ones present)', function()
  it('runs the health check and the main commands without touching an old name', function()
    local ana = t.member('ana')
    local bare = t.tmpdir('newer-bare') .. '/newer.git'
    t.sh('git init -q --bare ' .. t.shquote(bare))
    local script = t.tmpdir('newer-script') .. '/run.vim'
    t.write(script, table.concat({
      'lua _G.seen = ""',
      'lua vim.notify = function(m, l) _G.seen = _G.seen .. m .. "\\n"; io.stdout:write(string.format("NOTIFY %d %s\\n", l or 2, m)) end',
      'lua vim.ui.select = function(items, _, cb) cb(items[1]) end',
      'lua vim.ui.input = function(o, cb) cb(o.prompt:find("Closeness") and "3" or "it did") end',
      'lua require("wol").setup({ sync = { after_share = false } })',
      'WolVersion',
      'WolInit newer ' .. bare,
      'WolNote Plan for newer',
      'lua vim.api.nvim_buf_set_lines(0, -1, -1, false, { "", "quasarlike text" })',
      'WolShare first draft',
      'WolSync',
      'lua assert(vim.wait(30000, function() return not require("wol.sync").is_running() end, 20))',
      'WolJoin ' .. bare .. ' again',
      'lua assert(vim.wait(30000, function() return _G.seen:find("wol: join") ~= nil end, 20))',
      'WolJournal',
      'WolLog quasarlike log line',
      'WolPrompt',
      'lua vim.cmd("normal ]d")',
      'WolCircle circle=newer',
      'WolCircle agenda circle=newer',
      'write',
      'WolAsk Why newer? circle=newer',
      'write',
      'lua vim.wait(200)',
      'WolQuestions all circle=newer',
      'WolAnswer',
      'lua vim.api.nvim_buf_set_lines(0, 0, -1, false, { "Because it is newer." })',
      'write',
      'lua vim.wait(200)',
      'WolResolve it did circle=newer',
      'WolNotes circle=newer',
      'WolSearch quasarlike',
      'WolGoal Ship the newer guide circle=newer',
      'WolGoal circle=newer',
      'lua vim.api.nvim_buf_set_lines(0, 0, -1, false, { "Ship the newest guide" })',
      'write',
      'WolPeople',
      'lua vim.cmd("normal a")',
      'WolGive it did a pointer to the newer guide',
      'WolReview circle=newer',
      'write',
      'lua require("wol.health").check()',
      'lua io.stdout:write("HEALTH " .. table.concat(_G.wol_health, "\\nHEALTH ") .. "\\n")',
      'lua io.stdout:write("OLD [" .. table.concat(_G.wol_old_names, ",") .. "]\\n")',
    }, '\n') .. '\n')
    local out = nt.child({ 'source ' .. script },
      { member = ana, pre = { 'luafile ' .. t.root .. '/tests/helpers/newer_nvim.lua' } })
    assert.matches('OLD %[%]\n', out)
    assert.not_matches('NOTIFY 4 ', out) -- no error at all
    assert.not_matches('deprecated', out)
    assert.matches('NOTIFY 2 wol.nvim 0%.1%.0', out)
    assert.matches("NOTIFY 2 wol: started circle 'newer'", out)
    assert.matches("NOTIFY 2 wol: shared 'Plan for newer'", out)
    assert.matches('NOTIFY 2 wol: synced newer', out)
    assert.matches("NOTIFY 2 wol: joined circle 'again'", out)
    assert.matches('NOTIFY 2 wol: logged to ', out)
    assert.matches('NOTIFY 2 wol: agenda saved in ', out)
    assert.matches("NOTIFY 2 wol: asked 'Why newer%?'", out)
    assert.matches("NOTIFY 2 wol: answered 'Why newer%?'", out)
    assert.matches("NOTIFY 2 wol: resolved 'Why newer%?'", out)
    assert.matches("NOTIFY 2 wol: goal set in newer", out)
    assert.matches("NOTIFY 2 wol: added it did to your list", out)
    assert.matches("NOTIFY 2 wol: gave to it did: a pointer to the newer guide", out)
    assert.matches("NOTIFY 2 wol: weekly review [^\n]* saved", out)
    assert.matches('HEALTH START wol%.nvim\n', out)
    assert.matches('HEALTH OK C module loaded, version 0%.1%.0', out)
    assert.matches("HEALTH OK [^\n]*handle 'ana'", out)
    assert.not_matches('HEALTH ERROR', out)
    -- the search found the shared note and the log line: the quickfix list
    assert.matches('quasarlike', t.read(ana.wol_home .. '/circles/newer/notes/ana/plan-for-newer.md') or '')
  end)
end)
