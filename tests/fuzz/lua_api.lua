-- lua_api.lua - fuzzes the Lua binding: calls every function of
-- require('wol.core') and every method of a context with random argument
-- types and values. Errors are fine (raised for wrong types, nil + message
-- for runtime failures); a crash, a hang or a message that breaks the
-- conventions is not. Used by tests/core/fuzz_lua_spec.lua (bounded, fixed
-- seed) and tests/fuzz/lua_api_run.lua (`make fuzz`).
--
-- Everything it writes goes under `dir`: contexts are always opened with a
-- home below it, whatever the random options say.
local M = {}

-- Functions that would touch the network or wait for a long time are
-- skipped by name.
M.skip = { clone = true, sync = true, fetch = true, push = true, circle_join = true }

local function rng(seed)
  -- a small LCG so runs are reproducible under luajit and lua5.1 alike
  local state = seed % 2147483647
  if state <= 0 then state = state + 2147483646 end
  return function(n)
    state = (state * 16807) % 2147483647
    if n then return state % n + 1 end
    return state / 2147483647
  end
end

local words = {
  '', 'today', 'yesterday', 'tomorrow', '+1', '-1', '+99999999999', '2026-03-14', '2024-02-29',
  '2026-02-30', '0000-00-00', '9999-12-31', 'monday', 'SUNDAY', 'x', 'ana', 'tester', 'circle',
  '../../etc/passwd', '..', '.', 'a/b', 'notes/ana/x.md', '12:30', '25:61', '00:00', '-',
  '---\ntitle: t\n---\nbody', '---\na: [\n---', '---\na: &x 1\nb: *x\n---\n', 'ü', '\255\254',
  'line\nbreak', 'nul\0byte', '{{date}}', '## Log', string.rep('x', 5000), '%s%n%d', 'what went well?',
}
local keys = {
  'home', 'circle', 'today', 'time', 'quote', 'read', 'date', 'dir', 'circle_dir', 'started',
  'weeks', 'question', 'title', 'text', 'name', 'meta', 'body', 'last', 'json', 'force', 'limit',
  'kind', 'query', 'tags', 1, 2, 3,
}

local function gen(r, depth, ctxs)
  local k = r(13)
  if k == 1 then return nil
  elseif k == 2 then return r(2) == 1
  elseif k == 3 then
    local nums = { 0, 1, -1, 7, 12, 2 ^ 31, -2 ^ 31, 2 ^ 53, 1e308, -1e308, 0.5, 1 / 0, -1 / 0, 0 / 0 }
    return nums[r(#nums)]
  elseif k == 4 then return r(100000) - 50000
  elseif k <= 7 then return words[r(#words)]
  elseif k == 8 then
    local t = {}
    for i = 1, r(40) - 1 do t[i] = string.char(r(256) - 1) end
    return table.concat(t)
  elseif k <= 10 and depth < 3 then
    local t = {}
    for _ = 1, r(4) - 1 do
      t[keys[r(#keys)]] = gen(r, depth + 1, ctxs)
    end
    return t
  elseif k == 11 then
    return ctxs[r(#ctxs)]
  elseif k == 12 then
    return function() error('callback error') end
  else
    return words[r(#words)] .. words[r(#words)]
  end
end

-- Checks the result conventions of one protected call.
local function check(name, ok, a, b)
  if not ok then
    if type(a) ~= 'string' then
      error(name .. ': raised a non-string error: ' .. tostring(a))
    end
    return 'raised'
  end
  if a == nil and b ~= nil then
    if type(b) ~= 'string' or b:sub(1, 5) ~= 'wol: ' or b:find('\n') then
      error(name .. ': runtime failure message breaks the convention: ' .. tostring(b))
    end
    return 'failed'
  end
  return 'ok'
end

-- opts: core (the module), dir (a scratch directory), calls, seed.
-- Returns counts {calls, ok, failed, raised}.
function M.run(opts)
  local core, dir = opts.core, opts.dir
  local r = rng(opts.seed or 1)
  local stats = { calls = 0, ok = 0, failed = 0, raised = 0 }
  local homes = {}
  for i = 1, 3 do homes[i] = dir .. '/home' .. i end
  local function open_safe(o)
    o = type(o) == 'table' and o or {}
    local safe = {}
    for k, v in pairs(o) do safe[k] = v end
    safe.home = homes[r(#homes)]
    return core.open(safe)
  end
  local ctxs = {}
  for i = 1, 3 do
    ctxs[i] = assert(open_safe({ today = '2026-03-14' }))
  end
  local closed = assert(open_safe({}))
  closed:close()
  ctxs[#ctxs + 1] = closed

  local fns, methods = {}, {}
  for name, f in pairs(core) do
    if type(f) == 'function' and not M.skip[name] then fns[#fns + 1] = name end
  end
  local mt = getmetatable(ctxs[1])
  local index = mt and mt.__index
  if type(index) == 'table' then
    for name, f in pairs(index) do
      if type(f) == 'function' and not M.skip[name] then methods[#methods + 1] = name end
    end
  end
  table.sort(fns)
  table.sort(methods)
  stats.functions, stats.methods = #fns, #methods

  for _ = 1, opts.calls do
    local args = {}
    local nargs = r(5) - 1
    for i = 1, nargs do args[i] = gen(r, 0, ctxs) end
    local name, ok, a, b
    if r(3) == 1 and #fns > 0 then
      name = fns[r(#fns)]
      if name == 'open' then
        ok, a, b = pcall(open_safe, args[1])
        if ok and a and type(a) == 'userdata' then
          -- keep a few live contexts around, close the rest
          if #ctxs < 8 and r(2) == 1 then table.insert(ctxs, 1, a) else a:close() end
        end
      else
        ok, a, b = pcall(core[name], unpack(args, 1, nargs))
      end
    else
      name = methods[r(#methods)]
      local self = r(10) == 1 and gen(r, 0, ctxs) or ctxs[r(#ctxs)]
      ok, a, b = pcall(index[name], self, unpack(args, 1, nargs))
      if name == 'close' then
        -- the context may be closed now; keep using it: that must be safe
      end
    end
    local what = check(name, ok, a, b)
    stats.calls = stats.calls + 1
    stats[what] = stats[what] + 1
  end
  for _, c in ipairs(ctxs) do c:close() end
  collectgarbage()
  return stats
end

return M
