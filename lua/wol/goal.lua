-- :WolGoal [text] [circle=NAME]: your goal in a circle (members/<handle>.md,
-- shared by the next sync). With text it is set; without, it opens in a
-- small buffer that :w saves. The rules (normalising, limits, the note on
-- long goals) live in C (csrc/people/goal.c).
local M = {}

local api = vim.api
local levels = vim.log.levels

local BUF_NAME = 'wol://goal/'

-- buffer -> { circle = name }
local state = {}
M.state = state

local function notify(msg, level)
  vim.notify(msg, level or levels.INFO, { title = 'wol' })
end

local function check(v, err)
  if v == nil then
    error(err, 0)
  end
  return v
end

--- Sets the goal of the circle (nil: the default one); tells the user what
--- happened (and the gentle note on a long goal). Returns the result.
function M.set(circle, text)
  local c = require('wol.circle').open(circle)
  local g = check(c:goal_set(text))
  if g.unchanged then
    notify(string.format('wol: your goal in %s is already that', g.circle))
  else
    notify(string.format('wol: goal set in %s (the next :WolSync shares it)', g.circle))
    require('wol.compat').user_event('WolGoal', g)
  end
  if g.note then
    notify(g.note, levels.WARN)
  end
  return g
end

local function save(buf)
  local s = state[buf]
  local text = table.concat(api.nvim_buf_get_lines(buf, 0, -1, false), '\n')
  local g = M.set(s.circle, text)
  vim.bo[buf].modified = false
  -- the buffer shows the goal as saved (one line)
  api.nvim_buf_set_lines(buf, 0, -1, false, { g.goal })
  vim.bo[buf].modified = false
  return g
end

--- Opens the goal of `circle` in a small buffer; :w saves it. Returns buf.
function M.edit(circle, opts)
  opts = opts or {}
  local c = require('wol.circle').open(circle)
  local g = check(c:goal())
  local hist = c:goal_history()
  local name = BUF_NAME .. c:name()
  local buf = vim.fn.bufnr('^' .. name .. '$')
  if buf < 0 or not state[buf] then
    buf = api.nvim_create_buf(false, false)
    state[buf] = { circle = c:name() }
    pcall(api.nvim_buf_set_name, buf, name)
    vim.bo[buf].buftype = 'acwrite'
    vim.bo[buf].swapfile = false
    vim.bo[buf].bufhidden = 'wipe'
    api.nvim_create_autocmd('BufWriteCmd', {
      buffer = buf,
      callback = function()
        local ok, err = pcall(save, buf)
        if not ok then
          notify(tostring(err):match('(wol: [^\n]*)') or tostring(err), levels.ERROR)
        end
      end,
    })
    api.nvim_create_autocmd('BufWipeout', {
      buffer = buf,
      callback = function()
        state[buf] = nil
      end,
    })
  end
  api.nvim_buf_set_lines(buf, 0, -1, false, { g.goal or '' })
  vim.bo[buf].filetype = 'markdown'
  vim.bo[buf].modified = false
  local win
  for _, w in ipairs(api.nvim_tabpage_list_wins(0)) do
    if api.nvim_win_get_buf(w) == buf then
      win = w
    end
  end
  if win then
    api.nvim_set_current_win(win)
  else
    local mods = opts.mods or ''
    vim.cmd((mods ~= '' and mods .. ' ' or '') .. 'split')
    win = api.nvim_get_current_win()
    api.nvim_win_set_buf(win, buf)
    if not mods:match('vert') and not mods:match('tab') then
      pcall(api.nvim_win_set_height, win, 3)
    end
  end
  vim.wo[win].wrap = true
  vim.wo[win].linebreak = true
  local revised = hist and hist.revised or 0
  notify(string.format('wol: your goal in %s%s; :w saves it', c:name(),
    g.goal and (revised > 0 and string.format(' (revised %d time%s)', revised, revised == 1 and '' or 's') or '')
      or ' is not set yet'))
  return buf, win
end

--- :WolGoal [text] [circle=NAME]
function M.command(opts)
  local circle, rest = require('wol.commands').take_circle(opts.fargs)
  if #rest > 0 then
    return M.set(circle, table.concat(rest, ' '))
  end
  return M.edit(circle, { mods = opts.mods })
end

--- Completion: circle=NAME.
function M.complete(lead)
  local out = {}
  local c = require('wol').ctx()
  local names = c and c:circles() or {}
  for _, n in ipairs(type(names) == 'table' and names or {}) do
    local item = 'circle=' .. n
    if vim.startswith(item, lead) then
      table.insert(out, item)
    end
  end
  return out
end

return M
