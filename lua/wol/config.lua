-- Configuration: defaults, validation, and the merged options.
local M = {}

M.defaults = {
  -- $WOL_HOME; nil means $WOL_HOME, else $XDG_DATA_HOME/wol, else ~/.local/share/wol
  home = nil,
  -- circle to act on; nil means the only circle, else git config wol.circle
  circle = nil,
  share = {
    -- larger notes are refused (bytes)
    max_size = 1024 * 1024,
    -- how long a share waits for git's index.lock held by another tool (ms)
    lock_timeout = 2000,
  },
  join = {
    -- a :WolJoin clone is stopped after this many seconds
    timeout = 600,
  },
  sync = {
    -- a :WolSync job is stopped after this many seconds (a hung connection)
    timeout = 60,
    -- :WolShare starts a sync after its commit when the circle has a remote
    after_share = true,
    -- sync once when setup() runs, and every `interval` minutes (0: never)
    on_startup = false,
    interval = 0,
  },
  journal = {
    -- ]j / [j in journal buffers go to the next / previous entry
    mappings = true,
  },
  -- :WolSearch
  search = {
    limit = 100, -- at most this many results
  },
  -- feedback shown in shared notes: "count" (a sign, the count and the
  -- first words at the end of the line) or "full" (also the whole text
  -- below the lines)
  feedback = {
    inline = 'count',
  },
}

-- key -> { type(s), optional }; nested tables validated recursively
M.schema = {
  home = { 'string', true },
  circle = { 'string', true },
  share = { 'table', true, { max_size = { 'number', true }, lock_timeout = { 'number', true } } },
  join = { 'table', true, { timeout = { 'number', true } } },
  sync = { 'table', true, { timeout = { 'number', true }, after_share = { 'boolean', true },
    on_startup = { 'boolean', true }, interval = { 'number', true } } },
  journal = { 'table', true, { mappings = { 'boolean', true } } },
  search = { 'table', true, { limit = { 'number', true } } },
  feedback = { 'table', true, { inline = { 'string', true } } },
}

M.options = vim.deepcopy(M.defaults)

local function validate(opts, schema, prefix, warnings)
  local spec = {}
  for key, value in pairs(opts) do
    local path = prefix .. key
    local rule = schema[key]
    if rule == nil then
      table.insert(warnings, string.format("wol: setup: unknown option '%s' (ignored)", path))
    elseif rule[1] == 'table' and type(rule[3]) == 'table' and type(value) == 'table' then
      validate(value, rule[3], path .. '.', warnings)
    else
      spec[path] = { value, rule[1], rule[2] }
    end
  end
  local ok, err = pcall(vim.validate, spec)
  if not ok then
    error('wol: setup: ' .. tostring(err):gsub('^.-:%d+: ', ''), 0)
  end
end

--- Merges `opts` into the defaults. Raises on a wrong type; returns the
--- list of warnings (unknown keys), which setup() shows.
function M.apply(opts)
  opts = opts or {}
  if type(opts) ~= 'table' then
    error('wol: setup: expected a table, got ' .. type(opts), 0)
  end
  local warnings = {}
  validate(opts, M.schema, '', warnings)
  local inline = type(opts.feedback) == 'table' and opts.feedback.inline or nil
  if inline ~= nil and inline ~= 'count' and inline ~= 'full' then
    error("wol: setup: feedback.inline must be 'count' or 'full', not '" .. tostring(inline) .. "'", 0)
  end
  M.options = vim.tbl_deep_extend('force', vim.deepcopy(M.defaults), opts)
  return warnings
end

return M
