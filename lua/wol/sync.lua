-- :WolSync: runs `wol sync --json` as a job (the network never touches
-- Neovim's loop), shows its progress in place, can be cancelled, is killed
-- after a timeout, then tells what arrived and reloads changed buffers.
local commands = require('wol.commands')
local fail = require('wol.lib').fail
local levels = vim.log.levels

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

--- The `wol` binary the job runs.
function M.bin()
  return require('wol.lib').root() .. '/bin/wol'
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
  local now = vim.loop.now()
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
  vim.api.nvim_echo({ { text, 'WolMuted' } }, false, {})
end

local function realpath(p)
  return vim.loop.fs_realpath(p) or p
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
      if vim.api.nvim_buf_get_option(buf, 'modified') then
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

local function finish(st, code)
  running[st.key] = nil
  if st.timer then
    st.timer:stop()
    st.timer:close()
    st.timer = nil
  end
  if not st.quiet then
    vim.api.nvim_echo({ { '' } }, false, {})
  end
  local s = st.summary
  M.last = s
  if s and s.changed then
    refresh_buffers(s.changed)
  end
  if st.cancelled then
    commands.notify(string.format('wol: sync %s cancelled', st.label), levels.WARN)
  elseif st.timed_out then
    commands.notify(string.format('wol: sync %s: no answer after %d s, stopped (a hung connection?); ' ..
      'your shares are safe and wait for the next sync', st.label, st.timeout), levels.ERROR)
  elseif code == 0 and s then
    M.paused[st.label] = nil
    for _, w in ipairs(s.warnings or {}) do
      commands.notify(w, levels.WARN)
    end
    if not st.quiet or not s.up_to_date then
      commands.notify(string.format('wol: synced %s: %s', s.circle or st.label, s.digest or 'done'))
    end
    -- Neovim 0.8+ hands the summary to the autocommand as `data`; 0.7
    -- refuses the key, so fire it without (the summary is in M.last)
    if not pcall(vim.api.nvim_exec_autocmds, 'User', { pattern = 'WolSynced', modeline = false, data = s }) then
      pcall(vim.api.nvim_exec_autocmds, 'User', { pattern = 'WolSynced', modeline = false })
    end
  else
    -- the summary carries the error and its code; without one (the process
    -- ended before it), its last line on stderr says why
    local msg = (s and s.error) or st.stderr[#st.stderr] or
      string.format('wol: sync %s failed (exit %d)', st.label, code)
    if s and (s.ahead or 0) > 0 then
      msg = msg .. string.format(' (%d commit%s kept locally for the next sync)', s.ahead, s.ahead == 1 and '' or 's')
    end
    if s and s.code == 'refused' then
      M.paused[st.label] = true
      msg = msg .. '; automatic syncs of ' .. st.label .. ' wait until you run :WolSync'
    end
    commands.notify(msg, st.quiet and levels.WARN or levels.ERROR)
  end
  for _, cb in ipairs(st.on_done) do
    pcall(cb, code == 0 and not st.cancelled and not st.timed_out, s)
  end
  if st.again then
    -- a share arrived while this sync ran: push it too
    M.start(st.circle, { quiet = true })
  end
end

--- Starts a sync of `circle` (nil: the default). opts: { quiet = bool,
--- on_done = function(ok, summary) }. Returns the job id, or nil when one
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
  local bin = M.bin()
  if vim.fn.executable(bin) ~= 1 then
    fail(string.format('wol: %s is not built; run `make` in %s', bin, require('wol.lib').root()), 'notfound')
  end
  local cmd = { bin }
  local home = require('wol').options().home
  if home then
    vim.list_extend(cmd, { '--home', home })
  end
  local c = circle or require('wol').options().circle
  if c then
    vim.list_extend(cmd, { '--circle', c })
  end
  vim.list_extend(cmd, { 'sync', '--json' })
  -- the circle's name (local and fast); also refuses early when there is none
  local ctx, cerr, ccode = require('wol').ctx()
  if not ctx then
    fail(cerr, ccode)
  end
  local state, serr, scode = ctx:sync_status(c)
  if not state then
    fail(serr, scode)
  end
  local label = state.circle
  if M.paused[label] then
    if opts.quiet then
      return nil -- refused by the server: the user decides when to try again
    end
    M.paused[label] = nil
  end
  st = {
    key = key,
    circle = circle,
    label = label,
    quiet = opts.quiet,
    stderr = {},
    on_done = { opts.on_done },
    timeout = options().timeout or 60,
  }
  local partial = ''
  local function line(l)
    if l == '' then
      return
    end
    local ok, ev = pcall(vim.fn.json_decode, l)
    if not ok or type(ev) ~= 'table' then
      return
    end
    if ev.type == 'progress' then
      st.progress = ev
      if not st.quiet then
        show_progress(st, ev)
      end
    elseif ev.type == 'summary' then
      st.summary = ev
      if ev.circle then
        st.label = ev.circle
      end
    end
  end
  local job = vim.fn.jobstart(cmd, {
    on_stdout = function(_, data)
      data[1] = partial .. data[1]
      partial = table.remove(data)
      for _, l in ipairs(data) do
        line(l)
      end
    end,
    on_stderr = function(_, data)
      for _, l in ipairs(data) do
        if l ~= '' then
          table.insert(st.stderr, l)
        end
      end
    end,
    on_exit = function(_, code)
      line(partial)
      partial = ''
      finish(st, code)
    end,
  })
  if job <= 0 then
    fail('wol: cannot start ' .. bin, 'io')
  end
  st.job = job
  running[key] = st
  st.timer = vim.loop.new_timer()
  st.timer:start(math.floor(st.timeout * 1000), 0, vim.schedule_wrap(function()
    if running[key] == st then
      st.timed_out = true
      vim.fn.jobstop(job)
    end
  end))
  if not st.quiet then
    vim.api.nvim_echo({ { string.format('wol: sync %s: starting…', st.label), 'WolMuted' } }, false, {})
  end
  return job
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
    st.cancelled = true
    vim.fn.jobstop(st.job)
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
    end
  end
  if o.on_startup and not auto.started then
    auto.started = true
    vim.defer_fn(tick, 1000)
  end
  local minutes = tonumber(o.interval) or 0
  if minutes > 0 then
    auto.timer = vim.loop.new_timer()
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
  M.start(circle)
end

commands.register('sync', M.command)

return M
