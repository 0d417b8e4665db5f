-- Command handlers behind plugin/wol.lua. Each handler receives the user
-- command's opts table. Errors become one notification, never a traceback.
local M = {}
local handlers = {}

local function notify(msg, level)
  vim.notify(msg, level or vim.log.levels.INFO, { title = 'wol' })
end
M.notify = notify

--- Splits `circle=NAME` out of a command's arguments: every :Wol command
--- that acts on a circle accepts it (see :help wol-circle-arg).
function M.take_circle(fargs)
  local rest, circle = {}, nil
  for _, a in ipairs(fargs or {}) do
    local c = a:match('^circle=(.*)$')
    if c then
      circle = c
    else
      table.insert(rest, a)
    end
  end
  return circle, rest
end

function handlers.version()
  local wol = require('wol')
  local core, err = require('wol.lib').core()
  if not core then
    return notify(err, vim.log.levels.ERROR)
  end
  local l = core.libs()
  notify(string.format('wol.nvim %s (core %s, circle format %d); libgit2 %s, sqlite %s, libyaml %s',
    wol.version, l.wol, l.format, l.libgit2, l.sqlite, l.libyaml))
end

function handlers.search(opts)
  return require('wol.search').command(opts)
end

--- Registers a handler (feature modules call this at require time).
function M.register(name, fn)
  handlers[name] = fn
end

--- An xpcall handler: a failure for the user (lib.fail) stays as it is,
--- anything else is a bug and gets its traceback.
function M.traceback(err)
  if require('wol.lib').failure(err) then
    return err
  end
  return debug.traceback(err, 2)
end

function M.run(name, opts)
  local fn = handlers[name]
  if not fn then
    -- feature modules register their handlers when first required: the
    -- handler "journal_log" lives in lua/wol/journal.lua
    local mod = 'wol.' .. tostring(name):match('^[%w]+')
    local ok, err = pcall(require, mod)
    if not ok and not tostring(err):find("module '" .. mod .. "' not found", 1, true) then
      return notify(tostring(err), vim.log.levels.ERROR)
    end
    fn = handlers[name]
  end
  if not fn then
    return notify('wol: unknown command handler ' .. tostring(name), vim.log.levels.ERROR)
  end
  local ok, err = xpcall(function()
    return fn(opts or {})
  end, M.traceback)
  if not ok then
    notify(tostring(err), vim.log.levels.ERROR)
  end
end

return M
