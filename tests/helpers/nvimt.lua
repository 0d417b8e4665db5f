-- Helpers for specs that run inside headless Neovim (tests/nvim).
local t = require('wolt')
local M = {}

--- Captures vim.notify calls while fn runs; returns { {msg, level}, ... }.
--- (The notifications are what the user sees; nothing is faked below them.)
function M.notifications(fn)
  local seen = {}
  local real = vim.notify
  vim.notify = function(msg, level)
    table.insert(seen, { msg = msg, level = level })
  end
  local ok, err = pcall(fn)
  vim.notify = real
  assert(ok, err)
  return seen
end

--- Lines of the current buffer as one string.
function M.buffer_text(buf)
  return table.concat(vim.api.nvim_buf_get_lines(buf or 0, 0, -1, false), '\n')
end

--- Runs a child `nvim --headless` with the plugin on 'runtimepath' (or the
--- given root) and the given Ex commands; returns its output and exit code.
--- Output written with io.stdout:write from the child is returned.
--- opts.pre: Ex commands run before the plugin loads (--cmd).
function M.child(cmds, opts)
  opts = opts or {}
  local root = opts.root or t.root
  local args = { 'nvim', '--headless', '-u', 'NONE', '-i', 'NONE', '-n', '--cmd',
    t.shquote('set rtp^=' .. root) }
  for _, c in ipairs(opts.pre or {}) do
    table.insert(args, '--cmd')
    table.insert(args, t.shquote(c))
  end
  table.insert(args, '-c')
  table.insert(args, t.shquote('runtime plugin/wol.lua'))
  for _, c in ipairs(cmds) do
    table.insert(args, '-c')
    table.insert(args, t.shquote(c))
  end
  table.insert(args, '-c')
  table.insert(args, t.shquote('qall!'))
  return t.sh(string.format('env -u LUA_PATH -u LUA_CPATH %s timeout 60 %s 2>&1 </dev/null', t.env(opts.member, opts.env),
    table.concat(args, ' ')))
end

--- Sets HOME and WOL_HOME of this Neovim to `member`'s and resets wol's cache.
function M.become(member)
  vim.env.HOME = member.home
  vim.env.WOL_HOME = member.wol_home
  require('wol').setup({})
end

return M
