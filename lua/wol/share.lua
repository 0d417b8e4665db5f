-- :[range]WolShare[!] [message] [circle=NAME]: commits the current buffer to
-- the circle in-process (the C library does the commit and the refusal
-- rules); the push is left to sync, which never blocks the editor.
local commands = require('wol.commands')
local circle = require('wol.circle')
local M = {}

local function buffer_text(buf)
  local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  local text = table.concat(lines, '\n')
  if vim.bo[buf].eol or vim.bo[buf].fixeol then
    text = text .. '\n'
  end
  return text
end

local function fire(data)
  vim.g.wol_last_share = data
  -- `data` reaches autocmds from Neovim 0.8 on; 0.7 reads g:wol_last_share
  require('wol.compat').user_event('WolShared', data)
end

-- What a buffer that is not a file is, by 'buftype'.
local kinds = {
  nofile = 'a scratch buffer',
  nowrite = 'a buffer that cannot be written',
  acwrite = 'a buffer written by a plugin',
  help = 'a help page',
  terminal = 'a terminal',
  quickfix = 'a quickfix or location list',
  prompt = 'a prompt buffer',
}

-- wol's own screens, by the name after wol://
local screens = {
  prompt = "the day's prompt",
  circle = 'the circle dashboard',
  agenda = 'the meeting agenda',
  question = 'a question thread',
  ask = 'a question being written',
  answer = 'an answer being written',
}

local function is_file_buffer(buf)
  return vim.bo[buf].buftype == '' and not vim.api.nvim_buf_get_name(buf):match('^%a[%w+.-]*://')
end

--- The one check of every command that puts a buffer's text into a circle
--- (:WolShare, and any later one that does the same): the buffer must be a
--- file, or an unnamed buffer the user typed into; wol's own screens
--- (wol://...), other plugins' buffers (a name like fugitive://...) and
--- special buffers (help, terminal, quickfix, prompt, scratch) are refused.
--- Returns true, or nil and "wol: <what>: ..." saying which buffer to use.
function M.check_buffer(buf, what)
  buf = (buf == nil or buf == 0) and vim.api.nvim_get_current_buf() or buf
  if is_file_buffer(buf) then
    return true
  end
  local name = vim.api.nvim_buf_get_name(buf)
  local screen = name:match('^wol://(%w+)')
  local this
  if screen then
    this = string.format('%s (%s) is a screen of wol', screens[screen] or 'this buffer', name)
  elseif name:match('^%a[%w+.-]*://') then
    this = string.format('%s is not a file', name)
  else
    this = string.format('this is %s (buftype=%s)%s', kinds[vim.bo[buf].buftype] or 'not a file',
      vim.bo[buf].buftype, name ~= '' and (', ' .. vim.fn.fnamemodify(name, ':t')) or '')
  end
  local instead
  for _, win in ipairs(vim.api.nvim_tabpage_list_wins(0)) do
    local b = vim.api.nvim_win_get_buf(win)
    if b ~= buf and is_file_buffer(b) and vim.api.nvim_buf_get_name(b) ~= '' then
      instead = string.format('go to %s (window %d) and run it there',
        vim.fn.fnamemodify(vim.api.nvim_buf_get_name(b), ':~:.'), vim.api.nvim_win_get_number(win))
      break
    end
  end
  return nil, string.format('wol: %s: %s, not something to share; %s, or start a new note with :WolNote {title}',
    what, this, instead or 'open the file you mean to share')
end

--- Shares buffer `buf` (0: current). opts: { circle, message, force,
--- line1, line2 (a range: a snippet note), title }. Returns the result
--- table from the library, or raises "wol: ..." (nothing committed).
function M.share(buf, opts)
  opts = opts or {}
  buf = (buf == nil or buf == 0) and vim.api.nvim_get_current_buf() or buf
  local okbuf, why = M.check_buffer(buf, 'share')
  if not okbuf then
    error(why, 0)
  end
  local name = vim.api.nvim_buf_get_name(buf)
  local in_circle, rel = circle.locate(name)
  local c = circle.open(opts.circle or in_circle)
  local share_opts = {
    message = opts.message,
    force = opts.force,
    title = opts.title,
    lock_timeout = (require('wol').options().share or {}).lock_timeout,
    max_size = (require('wol').options().share or {}).max_size,
    fsync = (require('wol').options().share or {}).fsync,
  }
  if name ~= '' then
    share_opts.file = name
  end
  local place = rel and require('wol.lib').core().place(rel)
  local own = in_circle == c:name() and place and place.kind == 'note' and place.member == c:handle()
  if opts.line1 then
    share_opts.line1, share_opts.line2 = opts.line1, opts.line2
  elseif own and vim.bo[buf].modified and vim.bo[buf].buftype == '' then
    -- my own note: written first (the buffer is the file), then committed;
    -- refusals are checked before anything is written
    local lib = require('wol.lib')
    lib.check(lib.core().share_check(buffer_text(buf), share_opts.max_size, opts.force))
    vim.api.nvim_buf_call(buf, function()
      vim.cmd('silent write')
    end)
  end
  share_opts.content = buffer_text(buf)
  share_opts.lang = vim.bo[buf].filetype ~= '' and vim.bo[buf].filetype or nil
  if name == '' and not opts.line1 then
    -- an unnamed buffer shared again updates the note it became
    local prev = vim.b[buf].wol_shared_note
    if prev and prev.circle == c:name() then
      share_opts.note = prev.note
    end
  end
  local r, err, code = c:share(share_opts)
  if not r then
    require('wol.lib').fail(err, code)
  end
  if name == '' and not opts.line1 then
    vim.b[buf].wol_shared_note = { circle = c:name(), note = r.note }
  end
  return r, c
end

local function after(r, c)
  if r.unchanged then
    return commands.notify(string.format('wol: %s is already shared as it is; nothing new to commit', r.note))
  end
  local data = {
    circle = c:name(),
    note = r.note,
    path = r.abs,
    title = r.title,
    id = r.id,
    commit = r.commit,
    created = r.created,
    ahead = r.ahead,
  }
  local msg = string.format("wol: shared '%s' to %s (%s)", r.title, c:name(), (r.commit or ''):sub(1, 8))
  local offer = require('wol.prompt').after_act()
  if not r.has_remote then
    commands.notify(msg .. '; the circle has no remote, so it stays local' .. offer)
  else
    local ok, sync = pcall(require, 'wol.sync')
    if ok and type(sync) == 'table' and type(sync.after_share) == 'function' then
      commands.notify(msg .. offer)
      sync.after_share(c:name())
    else
      commands.notify(msg .. string.format('; %s will be pushed on the next sync',
        require('wol.ui').plural(r.ahead, 'commit')) .. offer)
    end
  end
  fire(data)
end

--- :[range]WolShare[!] [message] [circle=NAME]
function M.command(opts)
  local name, rest = commands.take_circle(opts.fargs)
  local message = #rest > 0 and table.concat(rest, ' ') or nil
  local share_opts = { circle = name, message = message, force = opts.bang }
  if opts.range and opts.range > 0 then
    share_opts.line1, share_opts.line2 = opts.line1, opts.line2
  end
  local r, c = M.share(0, share_opts)
  after(r, c)
  return r
end

return M
