-- :WolSearch: full-text search over the journal, your people, notes,
-- questions and answers. The C library parses the query, keeps the index
-- fresh and ranks the results; this module only puts them in the quickfix
-- list or a picker.
local M = {}

local function notify(msg, level)
  vim.notify(msg, level or vim.log.levels.INFO, { title = 'wol' })
end

local function ctx()
  local c, err, code = require('wol').ctx()
  if not c then
    require('wol.lib').fail(err, code)
  end
  return c
end

--- Brings the index up to date (features call this after they write files).
--- opts (optional): { paths = { file, ... } } to look only at the files just
--- written, or { circle = name } after a sync (only what changed between the
--- indexed and the current commit). Without opts every file is checked.
--- Returns the report ({ stat =, read =, added =, updated =, removed =,
--- docs =, ms = }) or nil and a message. A notice (a damaged index was
--- rebuilt) is shown.
function M.refresh(opts)
  local c, err = require('wol').ctx()
  if not c then
    return nil, err
  end
  if M.indexing() then
    -- the background build holds the index: this refresh waits for it
    -- (it would wait on its lock), and the build sees the files anyway
    M.refresh_soon(opts)
    return nil, M.indexing()
  end
  local rep, rerr = c:index_refresh(opts)
  if not rep then
    return nil, rerr
  end
  if rep.notice then
    notify(rep.notice, vim.log.levels.WARN)
  end
  return rep
end

-- Refreshes after writes are batched: features call refresh_soon() and the
-- index catches up a moment later, off the path of the command itself.
local pending = { paths = {}, circles = {}, all = false, timer = false }

-- A long build (a new index, a circle never indexed) runs as a background
-- `wol index --progress` job, so that the editor never waits for it:
-- { job =, done =, total = } while it runs.
local build = nil

--- While a background build runs: "wol: indexing N/M files…"; else nil.
function M.indexing()
  if not build then
    return nil
  end
  return string.format('wol: indexing %d/%d files in the background…', build.done, build.total)
end

local flush

--- Starts the background build when the next refresh would be a long one.
--- Returns true while a build runs (searches then use the index as it is).
function M.background_build()
  if build then
    return true
  end
  local c = require('wol').ctx()
  if not c then
    return false
  end
  local ok, long = pcall(c.index_build_pending, c)
  if not ok or not long then
    return false
  end
  local state = { done = 0, total = 0 }
  local started, job = pcall(require('wol.job').start, {
    args = { 'index', '--progress' },
    on_progress = function(ev)
      state.done = tonumber(ev.done) or state.done
      state.total = tonumber(ev.total) or state.total
    end,
    on_done = function(res)
      if build == state then
        build = nil
      end
      if res.ok then
        local docs = type(res.summary) == 'table' and res.summary.docs or nil
        notify(string.format('wol: index built: %s documents', tostring(docs or '?')))
      elseif not res.cancelled then
        notify(res.error, vim.log.levels.WARN)
      end
      -- what was written meanwhile: the refreshes that waited
      if pending.timer == 'build' then
        pending.timer = false
        flush()
      end
    end,
  })
  if not started then
    return false
  end
  state.job = job
  build = state
  return true
end

--- Stops a running background build (tests, and leaving Neovim).
function M.cancel_build()
  if build and build.job then
    build.job:cancel()
  end
end

flush = function()
  if build then
    pending.timer = 'build' -- runs when the build is done
    return
  end
  local p = pending
  pending = { paths = {}, circles = {}, all = false, timer = false }
  local ok, err
  if p.all then
    ok, err = M.refresh()
  else
    for name in pairs(p.circles) do
      ok, err = M.refresh({ circle = name })
      if not ok then
        break
      end
    end
    local list = vim.tbl_keys(p.paths)
    if #list > 0 and (ok ~= nil or next(p.circles) == nil) then
      ok, err = M.refresh({ paths = list })
    end
  end
  if ok == nil and err then
    notify(err, vim.log.levels.WARN)
  end
end

--- Schedules a refresh of the index: opts { paths = {...} }, { circle = name }
--- or nil (check every file). Calls within `delay_ms` (default 100) are
--- merged into one refresh.
function M.refresh_soon(opts, delay_ms)
  opts = opts or {}
  if opts.paths then
    for _, f in ipairs(opts.paths) do
      pending.paths[f] = true
    end
  elseif opts.circle then
    pending.circles[opts.circle] = true
  else
    pending.all = true
  end
  if not pending.timer then
    pending.timer = true
    vim.defer_fn(flush, delay_ms or 100)
  end
end

--- Runs a scheduled refresh now (tests, and commands that need it at once).
function M.flush()
  if pending.timer and not build then
    flush()
  end
end

--- Handler of the User events wired in plugin/wol.lua: a share or a question
--- wrote files of a circle, a sync brought commits, the journal was logged.
function M.on_event(ev)
  local data = type(ev) == 'table' and ev.data or nil
  local name = type(ev) == 'table' and ev.match or ''
  if type(data) ~= 'table' then
    -- Neovim 0.7 has no event data; some features keep it in a variable
    if name == 'WolShared' then
      data = vim.g.wol_last_share
    elseif name == 'WolSynced' then
      local ok, sync = pcall(require, 'wol.sync')
      data = ok and type(sync) == 'table' and sync.last or nil
    end
  end
  if name == 'WolSynced' then
    local circle = type(data) == 'table' and data.circle or nil
    M.refresh_soon(circle and { circle = circle } or nil)
  elseif type(data) == 'table' and type(data.path) == 'string' then
    M.refresh_soon({ paths = { data.path } })
  else
    M.refresh_soon()
  end
end

--- Searches (refreshing the index first); returns the hits or nil and a
--- message. opts: { limit = n }. While a long build runs in the background
--- (started here when one is due), the index is searched as it is and the
--- second value says "wol: indexing N/M files…".
function M.search(query, opts)
  opts = opts or {}
  local limit = opts.limit or (require('wol').options().search or {}).limit or 100
  local c = ctx()
  local busy = M.background_build()
  local hits, second = c:search(query, { limit = limit, refresh = not busy })
  if not hits then
    return nil, second
  end
  if second then
    notify(second, vim.log.levels.WARN)
  end
  return hits, M.indexing()
end

--- The one-line text of a hit: "[kind author] title: snippet".
function M.label(h)
  local who = h.author and (' ' .. h.author) or ''
  local state = (h.kind == 'question' and h.state) and (' ' .. h.state) or ''
  return string.format('[%s%s%s] %s: %s', h.kind, who, state, h.title or '', h.snippet or '')
end

local function open_hit(h)
  vim.cmd('edit ' .. vim.fn.fnameescape(h.abspath))
  local last = vim.api.nvim_buf_line_count(0)
  vim.api.nvim_win_set_cursor(0, { math.min(h.line or 1, last), 0 })
end

local function run(query, bang)
  local hits, err = M.search(query)
  if not hits then
    return notify(err, vim.log.levels.ERROR)
  end
  if err then -- indexing in the background: what the index has so far
    notify(err .. (#hits == 0 and ' No matches yet; search again when it is done.' or
      ' These are the matches indexed so far.'))
  end
  if #hits == 0 then
    if not err then
      notify('wol: search: no matches for ' .. query)
    end
    return
  end
  if bang then
    vim.ui.select(hits, { prompt = 'wol search: ' .. query, format_item = M.label }, function(choice)
      if choice then
        open_hit(choice)
      end
    end)
    return
  end
  local items = {}
  for _, h in ipairs(hits) do
    table.insert(items, { filename = h.abspath, lnum = h.line, col = 1, text = M.label(h) })
  end
  vim.fn.setqflist({}, ' ', { title = 'WolSearch ' .. query, items = items })
  vim.cmd('botright copen')
end

--- :WolSearch[!] {query}: quickfix list, or (with !) a vim.ui.select picker.
--- Without a query, asks for one.
function M.command(opts)
  local query = vim.trim(opts.args or '')
  if query ~= '' then
    return run(query, opts.bang)
  end
  vim.ui.input({ prompt = 'wol search: ' }, function(input)
    if input and vim.trim(input) ~= '' then
      run(vim.trim(input), opts.bang)
    end
  end)
end

return M
