-- Configuration: defaults, validation, and the merged options.
-- Each section of the defaults and of the schema is its own statement, so
-- that two changes adding sections merge side by side and can never end up
-- nested inside each other.
local M = {}

local defaults = {}
M.defaults = defaults

-- $WOL_HOME; nil means $WOL_HOME, else $XDG_DATA_HOME/wol, else ~/.local/share/wol
defaults.home = nil

-- circle to act on; nil means the only circle, else git config wol.circle
defaults.circle = nil

defaults.share = {
  -- larger notes are refused (bytes)
  max_size = 1024 * 1024,
  -- how long a share waits for git's index.lock held by another tool (ms)
  lock_timeout = 2000,
  -- durability: 'commit' (one barrier before the branch moves) or 'always'
  -- (every file fsynced); nil: git config wol.shareFsync, else 'commit'
  -- (:help wol-share-fsync; the values are checked by the library)
  fsync = nil,
}

defaults.join = {
  -- a :WolJoin clone is stopped after this many seconds
  timeout = 600,
}

defaults.sync = {
  -- a :WolSync job is stopped after this many seconds (a hung connection)
  timeout = 60,
  -- :WolShare starts a sync after its commit when the circle has a remote
  after_share = true,
  -- sync once when setup() runs, and every `interval` minutes (0: never)
  on_startup = false,
  interval = 0,
}

defaults.journal = {
  -- ]j / [j in journal buffers go to the next / previous entry
  mappings = true,
  -- :WolSync also syncs the journal's private history with its private
  -- remote (wol journal remote URL; :help wol-journal-history)
  sync = false,
}

-- :WolSearch
defaults.search = {
  limit = 100, -- at most this many results
}

-- :WolPeople
defaults.people = {
  stale_days = 14, -- "not contributed to in N+ days"
  sort = 'stale', -- the first sort: stale, name, closeness or count
}

-- feedback shown in shared notes: "count" (a sign, the count and the first
-- words at the end of the line) or "full" (also the whole text below the
-- lines)
defaults.feedback = {
  inline = 'count',
}

-- key -> { type, optional, { sub-schema of a table } }
local schema = {}
M.schema = schema

schema.home = { 'string', true }
schema.circle = { 'string', true }
schema.share = { 'table', true, { max_size = { 'number', true }, lock_timeout = { 'number', true },
  fsync = { 'string', true } } }
schema.join = { 'table', true, { timeout = { 'number', true } } }
schema.sync = { 'table', true, { timeout = { 'number', true }, after_share = { 'boolean', true },
  on_startup = { 'boolean', true }, interval = { 'number', true } } }
schema.journal = { 'table', true, { mappings = { 'boolean', true }, sync = { 'boolean', true } } }
schema.search = { 'table', true, { limit = { 'number', true } } }
schema.people = { 'table', true, { stale_days = { 'number', true }, sort = { 'string', true } } }
schema.feedback = { 'table', true, { inline = { 'string', true } } }

M.options = vim.deepcopy(defaults)

-- Checks types by hand (the table form of vim.validate is deprecated from
-- Neovim 0.11 on); unknown keys become warnings.
local function validate(opts, sch, prefix, warnings)
  for key, value in pairs(opts) do
    local path = prefix .. tostring(key)
    local rule = sch[key]
    if rule == nil then
      table.insert(warnings, string.format("wol: setup: unknown option '%s' (ignored)", path))
    elseif type(value) ~= rule[1] and not (value == nil and rule[2]) then
      error(string.format('wol: setup: %s: expected %s, got %s', path, rule[1], type(value)), 0)
    elseif rule[1] == 'table' and type(rule[3]) == 'table' then
      validate(value, rule[3], path .. '.', warnings)
    end
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
  validate(opts, schema, '', warnings)
  local inline = type(opts.feedback) == 'table' and opts.feedback.inline or nil
  if inline ~= nil and inline ~= 'count' and inline ~= 'full' then
    error("wol: setup: feedback.inline must be 'count' or 'full', not '" .. tostring(inline) .. "'", 0)
  end
  M.options = vim.tbl_deep_extend('force', vim.deepcopy(defaults), opts)
  return warnings
end

return M
