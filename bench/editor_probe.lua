-- bench/editor_probe.lua: sourced inside a fresh Neovim by bench/editor.lua
-- (`-c 'luafile ...'`). WOL_PROBE says what to measure; the result is one
-- line appended to the file WOL_PROBE_OUT.
local probe = os.getenv('WOL_PROBE')
local out = assert(os.getenv('WOL_PROBE_OUT'))

local function rss_kb()
  for line in io.lines('/proc/self/status') do
    local kb = line:match('^VmRSS:%s+(%d+)')
    if kb then
      return tonumber(kb)
    end
  end
end

local function finish(line)
  local f = assert(io.open(out, 'a'))
  f:write(line, '\n')
  f:close()
  vim.cmd('qall!')
end

if probe == 'first' then
  -- :WolPrompt in a Neovim that has not loaded anything of wol yet
  assert(not package.loaded['wol.core'], 'module already loaded')
  local t0 = vim.loop.hrtime()
  vim.cmd('WolPrompt')
  vim.cmd('redraw')
  local ms = (vim.loop.hrtime() - t0) / 1e6
  local lines = vim.api.nvim_buf_line_count(0)
  local ok = vim.bo.filetype ~= '' and lines > 3 and #vim.api.nvim_list_wins() == 2
  finish(string.format('%.3f %s %d %s', ms, ok and 'ok' or 'bad', lines, vim.bo.filetype))
elseif probe == 'again' then
  -- the same command once the module is loaded (second :WolPrompt)
  vim.cmd('WolPrompt')
  vim.cmd('close')
  local t0 = vim.loop.hrtime()
  vim.cmd('WolPrompt')
  vim.cmd('redraw')
  finish(string.format('%.3f ok', (vim.loop.hrtime() - t0) / 1e6))
elseif probe == 'rss-bare' then
  finish(string.format('%d', rss_kb()))
elseif probe == 'rss-module' then
  require('wol.core')
  finish(string.format('%d', rss_kb()))
elseif probe == 'rss-index' then
  -- the module, and the index opened by a search as :WolSearch does it
  local words = assert(os.getenv('WOL_PROBE_QUERY'))
  vim.cmd('WolSearch ' .. words)
  local n = #vim.fn.getqflist()
  assert(n > 0, 'search found nothing')
  finish(string.format('%d %d', rss_kb(), n))
else
  finish('unknown probe ' .. tostring(probe))
end
