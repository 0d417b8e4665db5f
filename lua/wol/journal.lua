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

--- For the statusline: "wol 5d ✓" (5 days in a row, today written) or
--- "wol 4d" (today not written yet); "" when the journal cannot be read.
function M.status()
  local ok, s = pcall(M.stats)
  if not ok or not s then
    return ''
  end
  return string.format('wol %dd%s', s.current, s.today_written and ' ✓' or '')
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
-- user about modified ones instead of touching them.
local function refresh_buffers(path)
  local target = vim.fn.resolve(path)
  for _, b in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(b) then
      local name = vim.api.nvim_buf_get_name(b)
      if name ~= '' and vim.fn.resolve(vim.fn.fnamemodify(name, ':p')) == target then
        if vim.bo[b].modified then
          notify(string.format('wol: logged to %s, which has unsaved changes in buffer %d: ' ..
            'not reloaded; saving it now would drop the new line (:e! reloads, losing your edits)',
            vim.fn.fnamemodify(path, ':~'), b), vim.log.levels.WARN)
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
  return path
end

-- ----------------------------------------------------------- commands

--- :WolJournal[!] [date]
function M.command(opts)
  if opts.bang then
    return M.pick()
  end
  local arg = vim.trim(opts.args or '')
  M.open(arg ~= '' and arg or nil)
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
