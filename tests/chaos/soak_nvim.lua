-- soak_nvim.lua - one member's editor in the soak (tests/chaos/soak.sh):
-- a loop of :WolLog, :WolShare of a new note and :WolSync (a job, waited
-- for), then the list of what it reported done, in $SOAK_OUT.
local ops = tonumber(os.getenv('SOAK_OPS')) or 30
local me = os.getenv('SOAK_HANDLE')
local out = assert(io.open(os.getenv('SOAK_OUT'), 'w'))
local circle = vim.env.WOL_HOME .. '/circles/c'
local sync = require('wol.sync')
local function sync_once()
  local done, ok = false, false
  local id = sync.start(nil, { quiet = true, on_done = function(o) done, ok = true, o end })
  if id == nil and not sync.is_running(nil) then return false end
  vim.wait(60000, function() return done end, 10)
  return ok
end
local fails = 0
for i = 1, ops do
  local r = i % 3
  local ok, err = pcall(function()
    if r == 0 then
      vim.cmd('WolLog soak ' .. me .. ' line ' .. i)
      out:write('log soak ' .. me .. ' line ' .. i .. '\n')
    elseif r == 1 then
      local rel = 'notes/' .. me .. '/soak-' .. i .. '.md'
      vim.fn.mkdir(circle .. '/notes/' .. me, 'p')
      vim.cmd('silent edit ' .. vim.fn.fnameescape(circle .. '/' .. rel))
      vim.api.nvim_buf_set_lines(0, 0, -1, false, { '# Soak ' .. me .. ' ' .. i, '', 'text ' .. i })
      vim.cmd('silent write')
      vim.cmd('WolShare soak ' .. i)
      -- shared means committed: check before reporting it
      local head = vim.fn.system({ 'git', '-C', circle, 'cat-file', '-e', 'HEAD:' .. rel })
      if vim.v.shell_error == 0 then
        out:write('note ' .. rel .. '\n')
      else
        error('not committed: ' .. rel .. ' ' .. head)
      end
      vim.cmd('silent bwipeout!')
    else
      sync_once()
    end
  end)
  if not ok then
    fails = fails + 1
    io.stderr:write('soak ' .. me .. ' op ' .. i .. ': ' .. tostring(err) .. '\n')
  end
end
-- let pending background syncs end
vim.wait(60000, function() return not sync.is_running(nil) end, 20)
out:write('fails ' .. fails .. '\n')
out:close()
vim.cmd('qall!')
