-- :WolReview [week]: the weekly review in a buffer of its journal file
-- (journal/YYYY/YYYY-Www.md). The review itself comes from the C library
-- (ctx:review); :w saves it through the library (atomically, 0600, under
-- the journal's lock), a second :w writes the same file again. It is a file
-- buffer like any journal entry, so :WolShare on it asks for ! (the
-- library refuses journal files without it) and then shares a copy.
local M = {}

local api = vim.api
local commands = require('wol.commands')

local function notify(msg, level)
  commands.notify(msg, level)
end

-- buffer -> week ("2026-W10")
local weeks = {}

local function ctx()
  local c, err = require('wol').ctx()
  if not c then
    error(err, 0)
  end
  return c
end

local function buffer_text(buf)
  local text = table.concat(api.nvim_buf_get_lines(buf, 0, -1, false), '\n')
  if vim.bo[buf].eol or vim.bo[buf].fixeol then
    text = text .. '\n'
  end
  return text
end

--- Saves the review in `buf` (what :w does in it). Returns the path.
function M.save(buf)
  buf = (buf == nil or buf == 0) and api.nvim_get_current_buf() or buf
  local week = weeks[buf]
  if not week then
    error('wol: review: this buffer is not a weekly review', 0)
  end
  local path, err = ctx():review_save(week, buffer_text(buf))
  if not path then
    error(err, 0)
  end
  vim.bo[buf].modified = false
  notify(string.format('wol: weekly review %s saved: %s', week, vim.fn.fnamemodify(path, ':~')))
  require('wol.compat').user_event('WolReviewSaved')
  return path
end

local function attach(buf, week)
  weeks[buf] = week
  vim.bo[buf].filetype = 'markdown'
  vim.bo[buf].swapfile = false
  local group = api.nvim_create_augroup('wol_review_' .. buf, { clear = true })
  api.nvim_create_autocmd('BufWriteCmd', {
    group = group,
    buffer = buf,
    callback = function()
      local ok, err = pcall(M.save, buf)
      if not ok then
        notify(tostring(err), vim.log.levels.ERROR)
      end
    end,
  })
  api.nvim_create_autocmd('BufWipeout', {
    group = group,
    buffer = buf,
    callback = function()
      weeks[buf] = nil
    end,
  })
end

--- Opens the review of `week` (nil: this week; "YYYY-Www" or a date):
--- the saved file as it is, else a new review to read, write in and save.
--- Returns the buffer.
function M.open(week, opts)
  opts = opts or {}
  local r, err = ctx():review({ week = week, circle = opts.circle, fresh = opts.fresh })
  if not r then
    error(err, 0)
  end
  for _, w in ipairs(r.warnings) do
    notify(w, vim.log.levels.WARN)
  end
  local buf = vim.fn.bufnr(r.path)
  if buf > 0 and api.nvim_buf_is_loaded(buf) then
    api.nvim_set_current_buf(buf)
  else
    vim.cmd((opts.mods and opts.mods ~= '' and (opts.mods .. ' ') or '') .. 'edit ' .. vim.fn.fnameescape(r.path))
    buf = api.nvim_get_current_buf()
    if not r.saved or opts.fresh then
      local lines = vim.split(r.text:gsub('\n$', ''), '\n', { plain = true })
      api.nvim_buf_set_lines(buf, 0, -1, false, lines)
      -- a new review is not your writing yet: leaving it loses nothing
      vim.bo[buf].modified = opts.fresh and r.saved or false
    end
  end
  attach(buf, r.week)
  -- the cursor under the first reflection question
  if not r.saved then
    local lines = api.nvim_buf_get_lines(buf, 0, -1, false)
    for i, l in ipairs(lines) do
      if l:match('^### ') then
        api.nvim_win_set_cursor(0, { math.min(i + 1, #lines), 0 })
        break
      end
    end
  end
  return buf
end

--- The one-line offer for today (nil when there is none), for :WolPrompt
--- and the dashboard.
function M.offer(date)
  local c = require('wol').ctx()
  if not c then
    return nil
  end
  local ok, line = pcall(c.review_offer, c, date)
  return ok and line or nil
end

--- :WolReview [week] [circle=NAME] (! makes a saved review anew)
function M.command(opts)
  local circle, rest = commands.take_circle(opts.fargs)
  M.open(rest[1], { circle = circle, mods = opts.mods, fresh = opts.bang })
end

return M
