-- Loads the C module (lua/wol/core.so) and turns "not built" into one clear
-- message that says what to run.
local M = {}

local function plugin_root()
  local src = debug.getinfo(1, 'S').source
  src = src:sub(1, 1) == '@' and src:sub(2) or src
  return (vim.fn.fnamemodify(src, ':p:h:h:h'))
end

M.root = plugin_root

-- ------------------------------------------------------------- failures

-- A failure for the user: raised as an object that carries its message and
-- its code (the codes of :help wol-errors), so the command runner and
-- callers decide by the code, never by the text. tostring() gives the
-- message.
local Failure = {}
Failure.__index = Failure
Failure.__tostring = function(f)
  return f.msg
end

--- Raises a failure: msg ("wol: <what>: <why>") and code (default 'invalid').
function M.fail(msg, code)
  error(setmetatable({ msg = tostring(msg), code = code or 'invalid' }, Failure), 0)
end

--- Passes the results of a core call through, raising its failure (nil,
--- msg, code) instead: local path, created = lib.check(ctx:journal_open()).
function M.check(v, ...)
  if v == nil or v == false then
    local msg, code = ...
    M.fail(msg, code)
  end
  return v, ...
end

--- The failure in an error value, or nil when it is something else (a bug).
function M.failure(err)
  if getmetatable(err) == Failure then
    return err
  end
end

local cached
--- Returns the C module, or nil, a message saying how to build it and a
--- code.
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
      string.format("wol: the C module is not built; run `make` in %s (then restart Neovim)", root),
      'notfound'
  end
  return nil, string.format('wol: cannot load the C module (%s); run `make` in %s', why, root), 'io'

end

return M
