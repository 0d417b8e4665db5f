-- bench/feedback_probe.lua: sourced inside a fresh Neovim by
-- bench/feedback.lua. Opens the note (the plugin draws its feedback),
-- then times the drawing, the full drawing, bare extmarks and refreshes;
-- one line per figure into WOL_PROBE_OUT ("<name> <ms> <ms> ...").
local out = assert(os.getenv('WOL_PROBE_OUT'))
local runs = tonumber(os.getenv('WOL_PROBE_RUNS') or 200)
local uv = vim.uv or vim.loop
local api = vim.api
local lines = {}
local function put(s)
  lines[#lines + 1] = s
end
local ok, err = pcall(function()
  vim.cmd('edit ' .. vim.fn.fnameescape(assert(os.getenv('WOL_PROBE_NOTE'))))
  local buf = api.nvim_get_current_buf()
  local fbm = require('wol.feedback')
  local fb = fbm.refresh(buf)
  put(string.format('items %d', #fb.items))
  put(string.format('lines %d', api.nvim_buf_line_count(buf)))
  local function time(name, n, fn)
    local v = {}
    for i = 0, n do
      local t0 = uv.hrtime()
      fn()
      local ms = (uv.hrtime() - t0) / 1e6
      if i > 0 then -- the first round warms up
        v[#v + 1] = string.format('%.4f', ms)
      end
    end
    put(name .. ' ' .. table.concat(v, ' '))
  end
  time('draw', runs, function()
    fbm.draw(buf, fb, 'count')
  end)
  time('full', runs, function()
    fbm.draw(buf, fb, 'full')
  end)
  local ns = api.nvim_create_namespace('wol_bench_bare')
  time('bare', runs, function()
    api.nvim_buf_clear_namespace(buf, ns, 0, -1)
    for _, it in ipairs(fb.items) do
      api.nvim_buf_set_extmark(buf, ns, it.start - 1, 0, {})
    end
  end)
  time('refresh', math.max(10, math.floor(runs / 10)), function()
    fbm.refresh(buf)
  end)
end)
if not ok then
  put('error ' .. tostring(err):gsub('\n', ' '))
end
local f = assert(io.open(out, 'w'))
f:write(table.concat(lines, '\n'), '\n')
f:close()
vim.cmd('qall!')
