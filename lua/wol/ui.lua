-- Small helpers shared by wol's buffers and messages: windows of the
-- read-only buffers (the prompt split, the circle dashboard), and counts.
local M = {}
local api = vim.api

--- "1 answer", "2 answers", "0 answers"; `many` for irregular plurals
--- ("1 reply", "3 replies").
function M.plural(n, one, many)
  return string.format('%d %s', n, n == 1 and one or (many or (one .. 's')))
end

--- The window of the current tab page that shows `buf`, or nil.
function M.find_win(buf)
  for _, win in ipairs(api.nvim_tabpage_list_wins(0)) do
    if api.nvim_win_get_buf(win) == buf then
      return win
    end
  end
end

--- Sets window-local options from a table.
function M.set_win_options(win, opts)
  for k, v in pairs(opts) do
    vim.wo[win][k] = v
  end
end

--- A page being built for set_lines: page.add(text, group) appends a line
--- (highlighted whole when group is given) and returns its number;
--- page.hl(group, col_start, col_end) highlights part of the last line.
--- page.lines and page.hls are what set_lines takes.
function M.page()
  local page = { lines = {}, hls = {} }
  function page.add(text, group)
    table.insert(page.lines, text)
    if group then
      table.insert(page.hls, { group, #page.lines - 1, 0, -1 })
    end
    return #page.lines
  end
  function page.hl(group, s, e)
    table.insert(page.hls, { group, #page.lines - 1, s, e })
  end
  return page
end

--- Replaces the text of a read-only buffer and its highlights in namespace
--- `ns`; `hls` is a list of { group, line, col_start, col_end }.
function M.set_lines(buf, ns, lines, hls)
  vim.bo[buf].modifiable = true
  api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.bo[buf].modifiable = false
  vim.bo[buf].modified = false
  api.nvim_buf_clear_namespace(buf, ns, 0, -1)
  local compat = require('wol.compat')
  for _, h in ipairs(hls) do
    local col_end = h[4]
    if col_end < 0 then
      col_end = #(lines[h[2] + 1] or '')
    end
    compat.highlight(buf, ns, h[1], h[2], h[3], col_end)
  end
end

-- ns -> { [buf] = { [row] = { { group, row, col_start, col_end }, ... } } }
local lazy = {}

--- set_lines for long lists: the same text, but the highlights are put on
--- the lines Neovim draws, when it draws them (a decoration provider with
--- ephemeral extmarks), so their cost follows the window's height, not the
--- length of the list. `ns` is for this use only.
function M.set_lines_lazy(buf, ns, lines, hls)
  M.set_lines(buf, ns, lines, {})
  local byline = {}
  for _, h in ipairs(hls) do
    local row = h[2]
    if h[4] < 0 then
      h[4] = #(lines[row + 1] or '')
    end
    if h[4] > h[3] then
      local l = byline[row]
      if not l then
        l = {}
        byline[row] = l
      end
      l[#l + 1] = h
    end
  end
  local bufs = lazy[ns]
  if not bufs then
    bufs = {}
    lazy[ns] = bufs
    api.nvim_set_decoration_provider(ns, {
      on_win = function(_, _, b)
        return bufs[b] ~= nil
      end,
      on_line = function(_, _, b, row)
        local l = bufs[b] and bufs[b][row]
        for _, h in ipairs(l or {}) do
          pcall(api.nvim_buf_set_extmark, b, ns, row, h[3], { end_col = h[4], hl_group = h[1], ephemeral = true })
        end
      end,
    })
  end
  if not bufs[buf] then
    api.nvim_create_autocmd('BufWipeout', {
      buffer = buf,
      once = true,
      callback = function()
        bufs[buf] = nil
      end,
    })
  end
  bufs[buf] = byline
end

--- Goes to a window to open a file from the list in `buf`: another
--- ordinary window of the tab when there is one, else a new split above.
function M.other_window(buf)
  local here = M.find_win(buf)
  for _, win in ipairs(api.nvim_tabpage_list_wins(0)) do
    if win ~= here and api.nvim_win_get_config(win).relative == '' then
      api.nvim_set_current_win(win)
      return
    end
  end
  vim.cmd('aboveleft split')
end

--- Closes `win`; in the last window, leaves an empty buffer rather than
--- quitting Neovim.
function M.close_window(win)
  if not win or not api.nvim_win_is_valid(win) then
    return
  end
  if #api.nvim_list_wins() > 1 then
    api.nvim_win_close(win, true)
  else
    vim.cmd('enew')
  end
end

--- Shows a buffer's keys: `keys` is a list of { lhs, description }.
function M.show_keys(title, keys)
  local out = { title }
  for _, k in ipairs(keys) do
    table.insert(out, string.format('  %-5s %s', k[1], k[2]))
  end
  vim.notify(table.concat(out, '\n'), vim.log.levels.INFO, { title = 'wol' })
end

return M
