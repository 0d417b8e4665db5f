-- Neovim configuration for `make demo`: only wol.nvim, nothing of yours.
local root = vim.env.WOL_ROOT
vim.opt.runtimepath:prepend(root)
vim.cmd('filetype plugin indent on')
vim.cmd('syntax on')
vim.o.termguicolors = vim.env.COLORTERM == 'truecolor' or vim.env.COLORTERM == '24bit'
vim.o.laststatus = 2
vim.cmd('runtime plugin/wol.lua')
require('wol').setup({})
vim.api.nvim_create_autocmd('VimEnter', {
  once = true,
  callback = function()
    if #vim.api.nvim_list_uis() > 0 then
      vim.cmd('checkhealth wol')
    end
  end,
})
