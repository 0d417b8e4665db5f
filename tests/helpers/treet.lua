-- One tree per result: helpers to check that what `wol X --json` prints
-- and what the Lua API returns are the same tree (csrc/wol_json.h).
local M = {}

local function plain(v)
  if type(v) ~= 'table' then
    return v
  end
  local out = {}
  for k, x in pairs(v) do
    out[k] = plain(x)
  end
  return out
end

--- Decodes JSON as the binding shows trees: null is an absent field, no
--- metatables.
function M.decode(text)
  local json = require('dkjson')
  local v, _, err = json.decode(text, 1, nil)
  assert(v ~= nil, 'not JSON: ' .. tostring(err) .. ': ' .. tostring(text))
  return plain(v)
end

--- A copy of v without the keys named in `drop` (a set of dotted paths,
--- e.g. { type = true, ['report.ms'] = true }); strings pass through `fix`.
function M.prune(v, drop, fix, path)
  if type(v) == 'string' and fix then
    return fix(v)
  end
  if type(v) ~= 'table' then
    return v
  end
  local out = {}
  for k, x in pairs(v) do
    local p = path and (path .. '.' .. tostring(k)) or tostring(k)
    if not (drop and drop[p]) then
      out[k] = M.prune(x, drop, fix, type(k) == 'number' and path or p)
    end
  end
  return out
end

--- Asserts that the CLI's JSON text and the Lua value are one tree (after
--- dropping `drop` keys from both and passing strings through `fix`).
function M.same(cli_text, lua_value, drop, fix)
  require('luassert').are.same(M.prune(M.decode(cli_text), drop, fix), M.prune(lua_value, drop, fix))
end

local function shape(v)
  if type(v) ~= 'table' then
    return type(v)
  end
  local out = {}
  for k, x in pairs(v) do
    out[k] = shape(x)
  end
  return out
end

--- Asserts that the CLI's JSON text and the Lua value have the same keys
--- and types (for results whose values differ from one run to the next,
--- such as the ids and commits of writes).
function M.same_shape(cli_text, lua_value)
  require('luassert').are.same(shape(M.decode(cli_text)), shape(lua_value))
end

--- A string fixer for M.same: replaces each of `prefixes` (plain text)
--- with `by`.
function M.replacer(prefixes, by)
  return function(s)
    for _, p in ipairs(prefixes) do
      local i, j = s:find(p, 1, true)
      while i do
        s = s:sub(1, i - 1) .. by .. s:sub(j + 1)
        i, j = s:find(p, i + #by, true)
      end
    end
    return s
  end
end

return M
