-- Small window helpers shared by wol's read-only buffers (the prompt split,
-- the circle dashboard).
local M = {}
local api = vim.api

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
