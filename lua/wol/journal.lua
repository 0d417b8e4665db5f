-- The journal in the editor: :WolJournal, :WolLog, ]j / [j in journal
-- buffers, and the statusline. Entries, templates, locking and streaks are
-- the C library's work (csrc/journal/); this file only handles buffers.
local M = {}
local commands = require('wol.commands')
local notify = commands.notify

local lib = require('wol.lib')
local check = lib.check

local function ctx()
  return (check(require('wol').ctx()))
end

-- --------------------------------------------------------- status cache

-- The statusline must not scan the disk on every redraw: streaks are
-- computed once and kept until something changes (a log, a write of a
-- journal buffer, focus coming back, a new day) or they are 5 minutes old.
local TTL_MS = 5 * 60 * 1000
local cache = { stats = nil, key = nil, at = 0, scans = 0 }

function M.invalidate()
  cache.stats = nil
end

--- The journal statistics (cached), or nil and a message.
function M.stats()
  local c, err = require('wol').ctx()
  if not c then
    return nil, err
  end
  local key = c:home() .. '\0' .. c:today()
  local now = require('wol.compat').uv().now()
  if cache.stats and cache.key == key and now - cache.at < TTL_MS then
    return cache.stats
  end
  local s, serr = c:journal_stats()
  cache.scans = cache.scans + 1
  if not s then
    cache.stats = nil
    return nil, serr
  end
  cache.stats, cache.key, cache.at = s, key, now
  return s
end

--- How many times stats were computed from the files (for tests and
--- curious users: it must not grow with redraws).
function M.scans()
  return cache.scans
end

--- For the statusline: "wol 5d ✓" (5 active days in a row, today written
--- or acted: see ctx:journal_stats) or "wol 4d" (nothing yet today); ""
--- when the journal cannot be read.
function M.status()
  local ok, s = pcall(M.stats)
  if not ok or not s then
    return ''
  end
  return string.format('wol %dd%s', s.current, s.today_active and ' ✓' or '')
end

-- ------------------------------------------------------------ buffers

local function journal_dir()
  return ctx():home() .. '/journal/'
end

--- The date of a journal buffer ("YYYY-MM-DD"), or nil.
function M.buf_date(buf)
  local name = vim.api.nvim_buf_get_name(buf or 0)
  if name == '' then
    return nil
  end
  name = vim.fn.resolve(vim.fn.fnamemodify(name, ':p'))
  local ok, dir = pcall(journal_dir)
  if not ok then
    return nil
  end
  dir = vim.fn.resolve(dir):gsub('/*$', '/')
  if name:sub(1, #dir) ~= dir then
    return nil
  end
  -- the journal's path rule lives in C (csrc/journal/entry.c)
  return require('wol.lib').core().journal_date('journal/' .. name:sub(#dir + 1))
end

local function goto_adjacent(dir)
  local date = M.buf_date(0)
  if not date then
    return notify('wol: not a journal buffer', vim.log.levels.WARN)
  end
  local d, err = ctx():journal_adjacent(date, dir)
  if not d then
    return notify(err, vim.log.levels.INFO)
  end
  M.open(d)
end

--- Sets up a journal buffer: ]j / [j, and streaks refreshed on write.
function M.attach(buf)
  if buf == 0 then
    buf = vim.api.nvim_get_current_buf()
  end
  if not M.buf_date(buf) or vim.b[buf].wol_journal then
    return
  end
  vim.b[buf].wol_journal = true
  local o = require('wol').options().journal or {}
  if o.mappings ~= false then
    vim.keymap.set('n', ']j', function()
      commands.guard(goto_adjacent, 1)
    end, { buffer = buf, desc = 'wol: next journal entry' })
    vim.keymap.set('n', '[j', function()
      commands.guard(goto_adjacent, -1)
    end, { buffer = buf, desc = 'wol: previous journal entry' })
  end
  vim.api.nvim_create_autocmd('BufWritePost', {
    group = vim.api.nvim_create_augroup('wol_journal_buf_' .. buf, { clear = true }),
    buffer = buf,
    callback = M.invalidate,
  })
end

vim.api.nvim_create_autocmd('FocusGained', {
  group = vim.api.nvim_create_augroup('wol_journal', { clear = true }),
  callback = M.invalidate,
})

-- Entries open in a window showing a file: from a special buffer (the
-- prompt split, quickfix, help) go to the previous window, else split.
local function file_window()
  if vim.bo.buftype == '' then
    return
  end
  local prev = vim.fn.win_getid(vim.fn.winnr('#'))
  if prev ~= 0 and prev ~= vim.api.nvim_get_current_win()
    and vim.bo[vim.api.nvim_win_get_buf(prev)].buftype == '' then
    vim.api.nvim_set_current_win(prev)
  else
    vim.cmd('aboveleft split')
  end
end

local function edit(path)
  file_window()
  local cmd = (vim.bo.modified and not vim.o.hidden) and 'split ' or 'edit '
  vim.cmd(cmd .. vim.fn.fnameescape(path))
  M.attach(vim.api.nvim_get_current_buf())
end

--- Opens (creating if needed) the entry for `date` (nil: today; or any
--- form :WolJournal accepts). Returns its path.
function M.open(date)
  local path, created, warning = check(ctx():journal_open(date))
  if warning then
    notify(warning, vim.log.levels.WARN)
  end
  if created then
    M.invalidate()
  end
  edit(path)
  return path
end

--- Opens the entry for `date` with the cursor under the heading
--- `question` (added at the end when the entry lacks it). For the prompt
--- buffer, which may also call it as (question, info): then the entry is
--- today's (info.today), whatever day's prompt the question came from.
function M.open_with_question(date, question)
  if type(question) == 'table' then
    date, question = question.today, date
  end
  M.open(date)
  local buf = vim.api.nvim_get_current_buf()
  local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  local text = table.concat(lines, '\n') .. '\n'
  local line, append = check(require('wol.lib').core().journal_heading(text, question))
  if append then
    local add = vim.split((append:gsub('\n$', '')), '\n', { plain = true })
    vim.api.nvim_buf_set_lines(buf, -1, -1, false, add)
  end
  local count = vim.api.nvim_buf_line_count(buf)
  if line + 1 > count then
    vim.api.nvim_buf_set_lines(buf, -1, -1, false, { '' })
  end
  vim.api.nvim_win_set_cursor(0, { line + 1, 0 })
  notify('wol: ' .. question)
  return line
end

--- The entries, newest first, through vim.ui.select.
function M.pick()
  local entries, warnings = check(ctx():journal_list())
  for _, w in ipairs(warnings or {}) do
    notify(w, vim.log.levels.WARN)
  end
  if #entries == 0 then
    return notify('wol: no journal entries yet (:WolJournal starts today\'s)')
  end
  vim.ui.select(entries, {
    prompt = 'Journal entries',
    kind = 'wol.journal',
    format_item = function(e)
      return e.date .. '  ' .. (e.title or '')
    end,
  }, function(choice)
    if choice then
      edit(choice.path)
    end
  end)
end

-- Reloads unmodified buffers of `path` after it changed on disk; tells the
-- user about modified ones instead of touching them. `did` says what
-- changed it ("logged to").
local function refresh_buffers(path, did)
  local target = vim.fn.resolve(path)
  for _, b in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(b) then
      local name = vim.api.nvim_buf_get_name(b)
      if name ~= '' and vim.fn.resolve(vim.fn.fnamemodify(name, ':p')) == target then
        if vim.bo[b].modified then
          notify(string.format('wol: %s %s, which has unsaved changes in buffer %d: ' ..
            'not reloaded; saving it now would drop the change (:e! reloads, losing your edits)',
            did or 'logged to', vim.fn.fnamemodify(path, ':~'), b), vim.log.levels.WARN)
        else
          -- silently: the reload's file message next to "logged to ..."
          -- would make two lines and a hit-enter prompt
          vim.api.nvim_buf_call(b, function()
            vim.cmd('setlocal autoread')
            vim.cmd('silent checktime ' .. b)
            vim.cmd('setlocal autoread<')
          end)
        end
      end
    end
  end
end

M.refresh_buffers = refresh_buffers
-- ------------------------------------------------ the private history

-- Writes are batched into commits by the library (git config
-- wol.journalBatch, csrc/repo/private.c): it says how long a change still
-- waits; a timer asks again then, and leaving Neovim commits what waits.
local batch = { timer = nil }

local function stop_timer()
  if batch.timer then
    batch.timer:stop()
    batch.timer:close()
    batch.timer = nil
  end
end

--- Commits what waits (everything journal/ and people/ hold when `force`);
--- returns the library's answer ({ commit=, pending=, due_in=, paths= }).
function M.commit(force)
  local r = check(ctx():journal_commit(force and true or false))
  if r.pending then
    M.schedule(r.due_in)
  else
    stop_timer()
  end
  return r
end

--- Asks again in `due_in` seconds (once: a timer already set stays).
function M.schedule(due_in)
  if batch.timer then
    return
  end
  batch.timer = require('wol.compat').uv().new_timer()
  batch.timer:start(math.max(0, math.floor((due_in or 0) * 1000)) + 50, 0, vim.schedule_wrap(function()
    stop_timer()
    commands.guard(M.commit, false)
  end))
end

--- Whether a timer waits to commit (for tests and the statusline).
function M.commit_waiting()
  return batch.timer ~= nil
end

-- After a write by the library: the change waits for its commit, or was
-- committed (the library decides); a timer covers the rest of a burst.
local function after_write()
  local ok, r = pcall(function()
    return ctx():journal_commit(false)
  end)
  if ok and type(r) == 'table' and r.pending then
    M.schedule(r.due_in)
  end
end
M.after_write = after_write

--- A file under $WOL_HOME/journal or people was saved from a buffer:
--- "commit on save".
function M.on_save(file)
  local c = require('wol').ctx()
  if not c or not file or file == '' then
    return
  end
  local home = vim.fn.resolve(c:home()):gsub('/*$', '/')
  local name = vim.fn.resolve(vim.fn.fnamemodify(file, ':p'))
  local rel = name:sub(1, #home) == home and name:sub(#home + 1) or nil
  if rel and (rel:match('^journal/') or rel:match('^people/')) then
    commands.guard(M.commit, true)
  end
end

-- Leaving: what waits is committed now (a journal never used makes no
-- repository here).
vim.api.nvim_create_autocmd('VimLeavePre', {
  group = vim.api.nvim_create_augroup('wol_journal_commit', { clear = true }),
  callback = function()
    stop_timer()
    pcall(function() ctx():journal_commit('pending') end)
  end,
})

--- Appends "- HH:MM text" to today's entry; `quote` lines go under it as a
--- quote. Returns the entry's path.
function M.log(text, quote)
  local path, warning = check(ctx():journal_log(text or '', { quote = quote }))
  pcall(function() require('wol.search').refresh_soon({ paths = { path } }) end)
  if warning then
    notify(warning, vim.log.levels.WARN)
  end
  M.invalidate()
  refresh_buffers(path)
  after_write()
  return path
end

-- The entry a history command is about: a date argument, else the entry
-- of the current buffer (a journal entry, or a version shown from the
-- history), else today's.
local function entry_of(arg)
  if arg and arg ~= '' then
    if arg:find('/', 1, true) then
      return arg
    end
    return check(ctx():journal_path(arg))
  end
  local v = vim.b.wol_version
  if type(v) == 'table' and v.path then
    return v.path
  end
  local name = vim.api.nvim_buf_get_name(0)
  if M.buf_date(0) or (name ~= '' and vim.b.wol_journal) then
    return vim.fn.resolve(vim.fn.fnamemodify(name, ':p'))
  end
  return check(ctx():journal_path())
end

--- Shows version `rev` of `path` in a read-only scratch buffer.
function M.show_version(path, rev)
  local text = check(ctx():journal_show(path, rev))
  local rel = path:gsub('^.*/journal/', 'journal/'):gsub('^.*/people/', 'people/')
  local name = string.format('wol://%s@%s', rel, rev)
  file_window()
  local existing = -1
  for _, b in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_get_name(b) == name then
      existing = b
    end
  end
  local buf = existing > 0 and existing or vim.api.nvim_create_buf(true, true)
  vim.api.nvim_set_current_buf(buf)
  vim.bo[buf].modifiable = true
  local lines = vim.split((text:gsub('\n$', '')), '\n', { plain = true })
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.bo[buf].buftype = 'nofile'
  vim.bo[buf].bufhidden = 'wipe'
  vim.bo[buf].swapfile = false
  vim.bo[buf].modifiable = false
  vim.bo[buf].filetype = 'markdown'
  if existing <= 0 then
    pcall(vim.api.nvim_buf_set_name, buf, name)
  end
  vim.b[buf].wol_version = { path = path, rev = rev }
  notify(string.format('wol: %s as of %s (:WolJournal restore puts it back)', rel, rev))
  return buf
end

--- :WolJournal history [date]: the versions of an entry, newest first,
--- through vim.ui.select; the one chosen opens read-only.
function M.history(arg)
  local path = entry_of(arg)
  local versions = check(ctx():journal_history(path))
  if #versions == 0 then
    return notify('wol: no history for ' .. vim.fn.fnamemodify(path, ':~'))
  end
  vim.ui.select(versions, {
    prompt = 'Versions of ' .. vim.fn.fnamemodify(path, ':t'),
    kind = 'wol.journal_version',
    format_item = function(v)
      return string.format('%s  %s  %s  %s', v.rev, os.date('%Y-%m-%d %H:%M', v.time), v.status, v.subject)
    end,
  }, function(choice)
    if choice then
      commands.guard(M.show_version, path, choice.rev)
    end
  end)
  return versions
end

--- :WolJournal restore [rev] [date]: puts the entry back as `rev` had it
--- (a new commit; what it held before stays in the history).
function M.restore(rev, arg)
  local v = vim.b.wol_version
  if (not rev or rev == '') and type(v) == 'table' then
    rev = v.rev
  end
  if not rev or rev == '' then
    lib.fail('wol: journal: restore which version? (:WolJournal history lists them)')
  end
  local path = entry_of(arg)
  local target = vim.fn.resolve(path)
  for _, b in ipairs(vim.api.nvim_list_bufs()) do
    local name = vim.api.nvim_buf_get_name(b)
    if vim.api.nvim_buf_is_loaded(b) and vim.bo[b].modified and name ~= ''
      and vim.fn.resolve(vim.fn.fnamemodify(name, ':p')) == target then
      lib.fail(string.format('wol: journal: restore: buffer %d has unsaved changes to %s; save or ' ..
        'undo them first', b, vim.fn.fnamemodify(path, ':~')), 'conflict')
    end
  end
  local r = check(ctx():journal_restore(path, rev))
  refresh_buffers(path)
  M.invalidate()
  pcall(function() require('wol.search').refresh_soon({ paths = { path } }) end)
  if r.commit then
    notify(string.format('wol: restored %s as of %s (commit %s)', vim.fn.fnamemodify(path, ':~'), rev,
      r.commit:sub(1, 8)))
  else
    notify(string.format('wol: %s already holds what %s had', vim.fn.fnamemodify(path, ':~'), rev))
  end
  return r
end

-- ----------------------------------------------------------- commands

local subcommands = {
  history = function(args)
    return M.history(args[1])
  end,
  restore = function(args)
    return M.restore(args[1], args[2])
  end,
  commit = function()
    local r = M.commit(true)
    notify(r.commit and string.format('wol: journal: committed %d %s (commit %s)', #r.paths,
      #r.paths == 1 and 'file' or 'files', r.commit:sub(1, 8)) or 'wol: journal: nothing to commit')
    return r
  end,
  remote = function(args)
    if #args ~= 1 then
      lib.fail('wol: usage: :WolJournal remote URL')
    end
    check(ctx():journal_remote(args[1]))
    notify('wol: journal: private remote set (:WolJournal sync, or :WolSync with journal.sync = true)')
  end,
  sync = function()
    return require('wol.sync').start_private()
  end,
}

--- :WolJournal[!] [date], :WolJournal history|restore|commit|remote|sync ...
function M.command(opts)
  if opts.bang then
    return M.pick()
  end
  local args = vim.deepcopy(opts.fargs or {})
  local sub = subcommands[args[1] or '']
  if sub then
    table.remove(args, 1)
    return sub(args)
  end
  if #args > 1 then
    lib.fail('wol: usage: :WolJournal [date] | history [date] | restore [rev] [date] | commit | ' ..
      'remote URL | sync')
  end
  M.open(args[1])
end

--- Completion of :WolJournal.
function M.complete(lead, line)
  local words = vim.split(line, '%s+', { trimempty = false })
  if #words > 2 then
    return {}
  end
  local out = {}
  for _, w in ipairs({ 'history', 'restore', 'commit', 'remote', 'sync', 'today', 'yesterday' }) do
    if w:sub(1, #lead) == lead then
      out[#out + 1] = w
    end
  end
  return out
end

--- :[range]WolLog {text}
function M.log_cmd(opts)
  local quote
  if opts.range and opts.range > 0 then
    quote = vim.api.nvim_buf_get_lines(0, opts.line1 - 1, opts.line2, false)
  end
  local text = vim.trim(opts.args or '')
  if text == '' and not quote then
    lib.fail('wol: log: nothing to log (:WolLog {text}, or select lines first)')
  end
  local path = M.log(text, quote)
  notify(string.format('wol: logged to %s', vim.fn.fnamemodify(path, ':~')))
end

return M
