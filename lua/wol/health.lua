-- :checkhealth wol
local M = {}

function M.check()
  local r = require('wol.compat').health()
  local wol = require('wol')
  r.start('wol.nvim')
  if vim.fn.has('nvim-0.7.2') == 1 then
    r.ok('Neovim ' .. tostring(vim.version().major) .. '.' .. vim.version().minor .. '.' .. vim.version().patch)
  else
    r.error('Neovim >= 0.7.2 is required')
  end
  local core, err = require('wol.lib').core()
  if not core then
    r.error(err, { 'run `make` in ' .. require('wol.lib').root() })
    return
  end
  if core.VERSION ~= wol.version then
    r.error(string.format('the C module is version %s but the Lua side is %s', core.VERSION, wol.version),
      { 'rebuild it: run `make` in ' .. require('wol.lib').root() })
  else
    r.ok('C module loaded, version ' .. core.VERSION)
  end
  local ctx, cerr = wol.ctx()
  if not ctx then
    r.error(cerr)
    return
  end
  local section
  for _, c in ipairs(ctx:doctor()) do
    if c.section ~= section then
      section = c.section
      r.start('wol.nvim: ' .. section)
    end
    local advice = c.advice and { c.advice } or nil
    if c.level == 'ok' then
      r.ok(c.msg)
    elseif c.level == 'info' then
      r.info(c.msg .. (c.advice and (' (' .. c.advice .. ')') or ''))
    elseif advice then
      r[c.level == 'warn' and 'warn' or 'error'](c.msg, advice)
    else
      -- (0.7's report functions refuse a nil advice)
      r[c.level == 'warn' and 'warn' or 'error'](c.msg)
    end
  end
end

return M
