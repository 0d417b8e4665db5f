-- `make fuzz`: runs the Lua binding fuzzer standalone.
-- Usage: <lua> tests/fuzz/lua_api_run.lua CALLS SEED (in a scratch directory)
local here = arg[0]:match('^(.*)/[^/]*$') or '.'
package.path = here .. '/?.lua;' .. package.path
unpack = unpack or table.unpack -- luacheck: ignore
local calls = tonumber(arg[1]) or 10000
local seed = tonumber(arg[2]) or 1
local dir = os.getenv('PWD') or '.'
local stats = require('lua_api').run({ core = require('wol.core'), dir = dir, calls = calls, seed = seed })
print(string.format('lua fuzz: %d calls (seed %d): %d ok, %d failed, %d raised; %d functions, %d methods',
  stats.calls, seed, stats.ok, stats.failed, stats.raised, stats.functions, stats.methods))
