-- Makes this Neovim 0.7 look like a newer release to wol's own code
-- (tests/nvim/compat_spec.lua loads it with --cmd before the plugin): the
-- newer names are there (vim.uv, vim.health.start/ok/..., vim.hl), and every
-- old name that 0.9-0.11 deprecate or drop raises when a file of wol uses
-- it. Neovim's own runtime keeps using the old names undisturbed. Each use
-- by wol is recorded in _G.wol_old_names; health reports go to
-- _G.wol_health.
local used = {}
_G.wol_old_names = used

-- Whether the function `level` frames above the caller of this one is wol's.
local function from_wol(level)
  local info = debug.getinfo(level + 1, 'S')
  local src = info and info.source or ''
  return src:find('/lua/wol/', 1, true) ~= nil or src:find('/plugin/wol.lua', 1, true) ~= nil
end

local function removed(name)
  table.insert(used, name)
  error(name .. ' is deprecated in newer Neovim', 3)
end

-- vim.loop -> vim.uv (0.10)
local loop = vim.loop
vim.uv = loop
vim.loop = setmetatable({}, {
  __index = function(_, k)
    if from_wol(2) then
      removed('vim.loop')
    end
    return loop[k]
  end,
})

-- vim.highlight -> vim.hl (0.11)
local highlight = vim.highlight
vim.hl = highlight
vim.highlight = setmetatable({}, {
  __index = function(_, k)
    if from_wol(2) then
      removed('vim.highlight')
    end
    return highlight[k]
  end,
})

-- A wrapped function counts as used by wol when wol's code calls it by its
-- own name (`api.nvim_buf_set_option(...)`). Neovim 0.7's runtime reaches
-- some of them through tail calls from vim.bo, vim.wo and vim.cmd, which
-- newer releases route to the newer functions: those calls arrive under
-- another name (`__newindex`, `cmd`) and are left alone.
local function called_as(name)
  return debug.getinfo(2, 'n').name == name
end

-- API functions deprecated in 0.9-0.11
for _, name in ipairs({ 'nvim_buf_set_option', 'nvim_buf_get_option', 'nvim_win_set_option',
  'nvim_win_get_option', 'nvim_buf_add_highlight', 'nvim_exec', 'nvim_get_hl_by_name', 'nvim_get_hl_by_id',
  'nvim_get_option_info', 'nvim_call_atomic' }) do
  local real = vim.api[name]
  vim.api[name] = function(...)
    if called_as(name) and from_wol(2) then
      removed('vim.api.' .. name)
    end
    return real(...)
  end
end

-- Lua functions deprecated in 0.10-0.11 (vim.validate: its table form)
for _, name in ipairs({ 'tbl_islist', 'tbl_flatten', 'tbl_add_reverse_lookup', 'region', 'validate' }) do
  local real = vim[name]
  vim[name] = function(...)
    if called_as(name) and from_wol(2) and (name ~= 'validate' or type((...)) == 'table') then
      removed('vim.' .. name)
    end
    return real(...)
  end
end

-- :checkhealth: vim.health.start/ok/info/warn/error (0.9); the module
-- `health` with report_* is gone (0.11)
local report = {}
_G.wol_health = report
vim.health = {}
for _, kind in ipairs({ 'start', 'ok', 'info', 'warn', 'error' }) do
  vim.health[kind] = function(msg, advice)
    local line = kind:upper() .. ' ' .. tostring(msg)
    if type(advice) == 'table' then
      line = line .. ' (' .. table.concat(advice, '; ') .. ')'
    end
    table.insert(report, line)
  end
end
package.loaded.health = nil
package.preload.health = function()
  removed("require('health')")
end
