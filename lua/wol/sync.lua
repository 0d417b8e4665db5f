-- :WolSync: runs `wol sync --json` as a job (the network never touches
-- Neovim's loop), shows its progress in place, can be cancelled, is killed
-- after a timeout, then tells what arrived and reloads changed buffers.
local commands = require('wol.commands')
local compat = require('wol.compat')
local job = require('wol.job')
local fail = require('wol.lib').fail
local levels = vim.log.levels
local plural = require('wol.ui').plural

local M = {}

-- circle key ('' for the default circle) -> running sync state
local running = {}
M.last = nil -- the last summary (what :WolSync reported), for scripts
-- circle name -> true: the server refused its push; automatic syncs leave
-- it alone until the user runs :WolSync
M.paused = {}

local function options()
  return require('wol').options().sync or {}
end

--- Whether a sync runs (of `circle`, or of any circle when nil).
function M.is_running(circle)
  if circle then
    return running[circle] ~= nil
  end
  return next(running) ~= nil
end

local function human(bytes)
  if bytes >= 1024 * 1024 then
    return string.format('%.1f MiB', bytes / 1024 / 1024)
  end
  return string.format('%d KiB', math.floor(bytes / 1024))
end

local phase_text = {
  lock = 'starting',
  connect = 'connecting',
  fetch = 'receiving',
  merge = 'merging',
  checkout = 'updating files',
  push = 'sending',
  done = 'done',
}

-- Progress goes to the echo area without history: each line replaces the
-- one before, so a sync leaves no trail in :messages.
local function show_progress(st, ev)
  local now = compat.uv().now()
  if ev.phase == st.last_phase and now - (st.last_echo or 0) < 100 then
    return
  end
  st.last_phase, st.last_echo = ev.phase, now
  local what = phase_text[ev.phase] or ev.phase
  local text
  if (ev.phase == 'fetch' or ev.phase == 'push') and (ev.total or 0) > 0 then
    text = string.format('wol: sync %s: %s %d/%d objects, %s', st.label, what, ev.received, ev.total,
      human(ev.bytes or 0))
  else
    text = string.format('wol: sync %s: %s…', st.label, what)
  end
  if (ev.attempt or 1) > 1 then
    text = text .. string.format(' (round %d)', ev.attempt)
  end
  st.progress_text = text
  job.echo(text)
end

local function realpath(p)
  return compat.uv().fs_realpath(p) or p
end

-- Reloads unmodified buffers of files the sync changed; tells the user
-- about modified ones (their text is theirs: never replaced).
local function refresh_buffers(changed)
  if type(changed) ~= 'table' or #changed == 0 then
    return {}
  end
  local set = {}
  for _, p in ipairs(changed) do
    set[realpath(p)] = true
    set[p] = true
  end
  local kept = {}
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    local name = vim.api.nvim_buf_get_name(buf)
    if name ~= '' and vim.api.nvim_buf_is_loaded(buf) and (set[name] or set[realpath(name)]) then
      if vim.bo[buf].modified then
        table.insert(kept, vim.fn.fnamemodify(name, ':~:.'))
      else
        vim.api.nvim_buf_call(buf, function()
          vim.cmd('setlocal autoread | silent! checktime ' .. buf .. ' | setlocal autoread<')
        end)
      end
    end
  end
  if #kept > 0 then
    commands.notify(string.format('wol: the sync changed %s on disk; your buffer has unsaved changes, ' ..
      'so it was not reloaded (:e! takes the new text, :w keeps yours)', table.concat(kept, ', ')), levels.WARN)
  end
  return kept
end

local function finish(st, res)
  running[st.key] = nil
  if not st.quiet then
    vim.api.nvim_echo({ { '' } }, false, {})
  end
  local s = res.summary
  if not st.private then
    M.last = s
  end
  if s and s.changed then
    refresh_buffers(s.changed)
  end
  if res.cancelled then
    commands.notify(string.format('wol: sync %s cancelled', st.label), levels.WARN)
  elseif res.timed_out then
    commands.notify(string.format('wol: sync %s: no answer after %d s, stopped (a hung connection?); ' ..
      'your shares are safe and wait for the next sync', st.label, st.timeout), levels.ERROR)
  elseif res.ok and s then
    M.paused[st.label] = nil
    for _, w in ipairs(s.warnings or {}) do
      commands.notify(w, levels.WARN)
    end
    if not st.quiet or not s.up_to_date then
      commands.notify(string.format('wol: synced %s: %s', s.circle or st.label, s.digest or 'done'))
    end
    if st.private then
      -- the journal: the index follows the files that changed
      if type(s.changed) == 'table' and #s.changed > 0 then
        pcall(function() require('wol.search').refresh_soon({ paths = s.changed }) end)
      end
      M.last_private = s
      compat.user_event('WolJournalSynced', s)
    else
      -- Neovim 0.8+ hands the summary to the autocommand as `data`; on 0.7
      -- handlers read require('wol.sync').last
      compat.user_event('WolSynced', s)
    end
  else
    local msg = res.error
    if s and (s.ahead or 0) > 0 then
      msg = msg .. string.format(' (%s kept locally for the next sync)', plural(s.ahead, 'commit'))
    end
    if s and s.code == 'refused' then
      M.paused[st.label] = true
      msg = msg .. '; automatic syncs of ' .. st.label .. ' wait until you run :WolSync'
    end
    commands.notify(msg, st.quiet and levels.WARN or levels.ERROR)
  end
  for _, cb in ipairs(st.on_done) do
    pcall(cb, res.ok, s)
  end
  if st.again then
    -- a share arrived while this sync ran: push it too
    M.start(st.circle, { quiet = true })
  end
end

-- Runs `wol <args>` as the job of sync state st (registered under st.key
-- until it finishes), with its progress shown unless st.quiet.
local function launch(st, args, circle)
  st.job = job.start({
    args = args,
    circle = circle,
    timeout = st.timeout,
    on_progress = function(ev)
      st.progress = ev
      if not st.quiet then
        show_progress(st, ev)
      end
    end,
    on_done = function(res)
      finish(st, res)
    end,
  })
  running[st.key] = st
  if not st.quiet then
    job.echo(string.format('wol: sync %s: starting…', st.label))
  end
  return st.job
end

--- Starts a sync of `circle` (nil: the default). opts: { quiet = bool,
--- on_done = function(ok, summary) }. Returns the job, or nil when one
--- is already running (then on_done joins it).
function M.start(circle, opts)
  opts = opts or {}
  local key = circle or ''
  local st = running[key]
  if st then
    if opts.on_done then
      table.insert(st.on_done, opts.on_done)
    end
    if opts.again then
      st.again = true
    elseif not opts.quiet then
      commands.notify(string.format('wol: a sync of %s is already running (:WolSync! cancels it)', st.label))
    end
    return nil
  end
  local c = circle or require('wol').options().circle
  -- the circle's name (local and fast); also refuses early when there is none
  local ctx, cerr, ccode = require('wol').ctx()
  if not ctx then
    fail(cerr, ccode)
  end
  local state, serr, scode = ctx:sync_status(c)
  if not state then
    fail(serr, scode)
  end
  if M.paused[state.circle] then
    if opts.quiet then
      return nil -- refused by the server: the user decides when to try again
    end
    M.paused[state.circle] = nil
  end
  st = {
    key = key,
    circle = circle,
    label = state.circle,
    quiet = opts.quiet,
    on_done = { opts.on_done },
    timeout = options().timeout or 60,
  }
  return launch(st, { 'sync', '--json' }, c)
end

-- the key of the journal's sync in `running` (circle keys are names or '')
local PRIVATE = '\0journal'

--- Starts a sync of the journal's private history with its private remote
--- (`wol sync --private --json`, :WolJournal sync, and :WolSync when
--- journal.sync is set). opts: { quiet = bool, on_done = function(ok, summary) }.
function M.start_private(opts)
  opts = opts or {}
  local st = running[PRIVATE]
  if st then
    if opts.on_done then
      table.insert(st.on_done, opts.on_done)
    end
    if not opts.quiet then
      commands.notify('wol: a sync of the journal is already running (:WolSync! cancels it)')
    end
    return nil
  end
  st = {
    key = PRIVATE,
    label = 'journal',
    private = true,
    quiet = opts.quiet,
    on_done = { opts.on_done },
    timeout = options().timeout or 60,
  }
  return launch(st, { 'sync', '--private', '--json' })
end

local function private_on()
  return ((require('wol').options().journal or {}).sync) == true
end

--- A short text for a statusline while a sync runs ('' otherwise), e.g.
--- `wol: receiving 40%`.
function M.statusline()
  for _, st in pairs(running) do
    local ev = st.progress
    if ev and (ev.total or 0) > 0 and (ev.phase == 'fetch' or ev.phase == 'push') then
      return string.format('wol: %s %d%%', phase_text[ev.phase], math.floor(100 * ev.received / ev.total))
    end
    return 'wol: ' .. ((ev and phase_text[ev.phase]) or 'syncing')
  end
  return ''
end

--- Stops running syncs (:WolSync!); returns how many.
function M.cancel()
  local n = 0
  for _, st in pairs(running) do
    st.job:cancel()
    n = n + 1
  end
  return n
end

--- Called by :WolShare after its commit: pushes it when the circle has a
--- remote and `sync.after_share` is on. Never waits for the network.
function M.after_share(circle)
  if options().after_share == false then
    return false
  end
  local ctx = require('wol').ctx()
  if not ctx then
    return false
  end
  local st = ctx:sync_status(circle)
  if not st or not st.remote then
    return false
  end
  M.start(circle, { quiet = true, again = true })
  return true
end

local auto = { timer = nil, started = false }

--- Applies the sync.on_startup / sync.interval options (setup() calls it).
function M.configure()
  local o = options()
  if auto.timer then
    auto.timer:stop()
    auto.timer:close()
    auto.timer = nil
  end
  local function tick()
    if not M.is_running() then
      local ok, err = pcall(M.start, nil, { quiet = true })
      if not ok then
        commands.notify(tostring(err), levels.WARN)
      end
      if private_on() then
        pcall(M.start_private, { quiet = true })
      end
    end
  end
  if o.on_startup and not auto.started then
    auto.started = true
    vim.defer_fn(tick, 1000)
  end
  local minutes = tonumber(o.interval) or 0
  if minutes > 0 then
    auto.timer = compat.uv().new_timer()
    local ms = math.floor(minutes * 60 * 1000)
    auto.timer:start(ms, ms, vim.schedule_wrap(tick))
  end
end

function M.command(opts)
  if opts.bang then
    local n = M.cancel()
    if n == 0 then
      commands.notify('wol: no sync is running')
    end
    return
  end
  local circle, rest = commands.take_circle(opts.fargs)
  if #rest > 0 then
    fail('wol: usage: :WolSync[!] [circle=NAME]')
  end
  if not private_on() then
    return M.start(circle)
  end
  -- journal.sync: the journal's private history too; with no circle at
  -- all, only the journal
  local ok, err = pcall(M.start, circle)
  M.start_private()
  if not ok then
    local f = require('wol.lib').failure(err)
    if not (f and f.code == 'notfound' and not circle) then
      error(err, 0)
    end
  end
end

return M
