-- wol.nvim: public Lua API. Everything works without calling setup().
local M = {}

-- The version, read from the file VERSION at the plugin's root: the one
-- place it is written (the C module gets it from there at build time, so
-- :checkhealth wol can tell a module built from another version).
M.version = (function()
  local f = io.open(require('wol.lib').root() .. '/VERSION', 'r')
  local v = f and f:read('*l')
  if f then
    f:close()
  end
  return v and v:match('^%s*(.-)%s*$') or 'unknown'
end)()

local ctx_cache = { key = nil, ctx = nil }

--- Optional configuration; see :help wol-config.
function M.setup(opts)
  local config = require('wol.config')
  local warnings = config.apply(opts)
  for _, w in ipairs(warnings) do
    vim.notify(w, vim.log.levels.WARN)
  end
  ctx_cache.key, ctx_cache.ctx = nil, nil
  if type(opts) == 'table' and opts.sync then
    require('wol.sync').configure() -- auto-sync on startup / every N minutes
  end
end

function M.options()
  return require('wol.config').options
end

--- The library context for the current configuration (cached), or nil, a
--- message and a code (module not built, bad $WOL_HOME, ...).
function M.ctx()
  local core, err, code = require('wol.lib').core()
  if not core then
    return nil, err, code
  end
  local o = M.options()
  -- the date is part of the key: "today" is read when a context opens, and
  -- Neovim may run past midnight
  local key = table.concat({ o.home or '', o.circle or '', vim.env.WOL_HOME or '', vim.env.HOME or '',
    vim.env.WOL_TODAY or '', os.date('%Y-%m-%d') }, '\0')
  -- ctx:current() stats the git config files the context read its identity
  -- from (csrc/ctx_config.c, the one place of that rule), so `git config
  -- --global wol.handle NAME` run while Neovim is open is seen by the next
  -- command
  if ctx_cache.ctx and ctx_cache.key == key and ctx_cache.ctx:current() then
    return ctx_cache.ctx
  end
  local ctx, cerr, ccode = core.open({ home = o.home, circle = o.circle })
  if not ctx then
    return nil, cerr, ccode
  end
  ctx_cache.key, ctx_cache.ctx = key, ctx
  return ctx
end

--- For the statusline: journal streak, e.g. "wol 5d ✓" (see :help wol-status).
--- Cached: no disk scan per redraw.
function M.status()
  return require('wol.journal').status()
end

return M
