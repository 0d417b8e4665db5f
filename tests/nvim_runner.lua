-- Runs one busted spec file (env WOL_SPEC) inside this headless Neovim, then
-- exits with busted's status. pcall keeps a failing run from hanging; the
-- explicit exit keeps a passing one from hanging.
local root = vim.env.WOL_ROOT or vim.fn.getcwd()
package.path = table.concat({
  root .. '/tests/helpers/?.lua',
  root .. '/lua/?.lua',
  root .. '/lua/?/init.lua',
  '/usr/share/lua/5.1/?.lua',
  '/usr/share/lua/5.1/?/init.lua',
  package.path,
}, ';')
package.cpath = root .. '/lua/?.so;/usr/lib/x86_64-linux-gnu/lua/5.1/?.so;' .. package.cpath

vim.cmd('runtime plugin/wol.lua')

_G.arg = { [0] = 'busted', '-o', 'plainTerminal', vim.env.WOL_SPEC }
local code = 1
local ok, err = pcall(function()
  -- busted exits through os.exit; intercept it to flush and leave cleanly
  local real_exit = os.exit
  os.exit = function(c)
    os.exit = real_exit
    error({ busted_exit = (c == true or c == 0) and 0 or (type(c) == 'number' and c or 1) })
  end
  require('busted.runner')({ standalone = false })
end)
if not ok then
  if type(err) == 'table' and err.busted_exit then
    code = err.busted_exit
  elseif err ~= nil then -- busted raises error() with no value to report failures
    io.stdout:write('runner error: ' .. tostring(err) .. '\n')
  end
else
  code = 0
end
io.stdout:flush()
io.stderr:flush()
vim.cmd((code == 0 and 'qall!') or ('cquit ' .. code))
