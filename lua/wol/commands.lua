-- Runs what the command table in plugin/wol.lua names: each :Wol command
-- is a module and a function in it, called with the user command's opts.
-- Errors become one notification, never a traceback.
local M = {}

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

--- Calls fn(...) for a command, a key or an autocommand: a failure for the
--- user (lib.fail, or an error raised with a "wol: ..." message) becomes
--- one notification; anything else is a bug and keeps its traceback.
--- Returns fn's result.
function M.guard(fn, ...)
  local args = { n = select('#', ...), ... }
  local lib = require('wol.lib')
  local ok, res = xpcall(function()
    return fn((unpack or table.unpack)(args, 1, args.n))
  end, function(e)
    return lib.failure(e) or debug.traceback(e, 2)
  end)
  if ok then
    return res
  end
  local f = lib.failure(res)
  if f then
    return notify(f.msg, vim.log.levels.ERROR)
  end
  local msg = tostring(res)
  local user = msg:match('^(wol: [^\n]*)') or msg:match('^[^\n]-:%d+: (wol: [^\n]*)')
  notify(user or msg, vim.log.levels.ERROR)
end

--- Runs function `fn` of module `mod` with the user command's opts (an
--- entry of the command table in plugin/wol.lua).
function M.run(mod, fn, opts)
  local ok, m = pcall(require, mod)
  if not ok then
    return notify(tostring(m), vim.log.levels.ERROR)
  end
  if type(m) ~= 'table' or type(m[fn]) ~= 'function' then
    return notify(string.format('wol: %s has no function %s', mod, fn), vim.log.levels.ERROR)
  end
  return M.guard(m[fn], opts or {})
end

--- Runs function `fn` of module `mod` for an autocommand of plugin/wol.lua
--- with what a Lua callback would be given: { buf, file, match } (no
--- `data`: the User events' handlers read what Neovim 0.7 keeps), or only
--- its field `key` when the handler takes one value.
function M.au(mod, fn, key)
  local expand = vim.fn.expand
  local args = { buf = tonumber(expand('<abuf>')), file = expand('<afile>'), match = expand('<amatch>') }
  local m = require(mod)
  if key then
    return m[fn](args[key])
  end
  return m[fn](args)
end

--- :WolVersion
function M.version()
  local wol = require('wol')
  local core, err = require('wol.lib').core()
  if not core then
    return notify(err, vim.log.levels.ERROR)
  end
  local l = core.libs()
  notify(string.format('wol.nvim %s (core %s, circle format %d); libgit2 %s, sqlite %s, libyaml %s',
    wol.version, l.wol, l.format, l.libgit2, l.sqlite, l.libyaml))
end

return M
