-- Neovim 0.7.2 and newer releases in one place. Every difference is found
-- by looking for the newer name first (feature detection), never by
-- comparing version numbers, so a release that drops an old name keeps
-- working and a user on 0.10+ sees no deprecation warning from wol.
local M = {}

--- The libuv binding: `vim.uv` (0.10+), else `vim.loop`.
function M.uv()
  return vim.uv or vim.loop
end

--- The :checkhealth reporter: `vim.health.start/ok/info/warn/error`
--- (0.9+), else 0.7's `require('health').report_*`.
function M.health()
  local h = vim.health
  if type(h) == 'table' and type(h.start) == 'function' then
    return { start = h.start, ok = h.ok, info = h.info, warn = h.warn, error = h.error }
  end
  h = require('health')
  return { start = h.report_start, ok = h.report_ok, info = h.report_info, warn = h.report_warn,
    error = h.report_error }
end

-- Whether nvim_exec_autocmds takes `data` (0.8+). Probed once with a
-- pattern nobody listens to, so no handler can run twice or fail the probe.
local event_data
local function has_event_data()
  if event_data == nil then
    event_data = pcall(vim.api.nvim_exec_autocmds, 'User',
      { pattern = 'WolCompatProbe', modeline = false, data = {} })
  end
  return event_data
end

--- Fires `User {pattern}`; `data` reaches the handlers as `args.data`
--- where Neovim supports it (0.8+). On 0.7 the features keep the same
--- data where handlers can read it. A failing handler is reported and
--- does not stop the work that fired the event.
function M.user_event(pattern, data)
  local opts = { pattern = pattern, modeline = false }
  if data ~= nil and has_event_data() then
    opts.data = data
  end
  local ok, err = pcall(vim.api.nvim_exec_autocmds, 'User', opts)
  if not ok then
    vim.notify(string.format('wol: a User %s autocommand failed: %s', pattern, tostring(err)),
      vim.log.levels.ERROR, { title = 'wol' })
  end
end

--- Highlights columns [col_start, col_end) of line `line` (0-based; col_end
--- -1: to the end of the line) in namespace `ns`. Extmarks are there from
--- 0.7 on and stay; nvim_buf_add_highlight is deprecated in 0.11.
function M.highlight(buf, ns, group, line, col_start, col_end)
  if col_end == nil or col_end < 0 then
    col_end = #(vim.api.nvim_buf_get_lines(buf, line, line + 1, false)[1] or '')
  end
  if col_end <= col_start then
    return
  end
  vim.api.nvim_buf_set_extmark(buf, ns, line, col_start, { end_col = col_end, hl_group = group })
end

return M
