-- Loads the C module (lua/wol/core.so) and turns "not built" into one clear
-- message that says what to run.
local M = {}

local function plugin_root()
  local src = debug.getinfo(1, 'S').source
  src = src:sub(1, 1) == '@' and src:sub(2) or src
  return (vim.fn.fnamemodify(src, ':p:h:h:h'))
end

M.root = plugin_root

local cached
--- Returns the C module, or nil and a message saying how to build it.
function M.core()
  if cached then
    return cached
  end
  local ok, mod = pcall(require, 'wol.core')
  if ok then
    cached = mod
    return mod
  end
  local root = plugin_root()
  local why = tostring(mod):match('[^\n]*') or ''
  if why:find("module 'wol.core' not found", 1, true) then
    return nil,
      string.format("wol: the C module is not built; run `make` in %s (then restart Neovim)", root)
  end
  return nil, string.format('wol: cannot load the C module (%s); run `make` in %s', why, root)
end

return M
