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
    if #vim.api.nvim_list_uis() == 0 then
      return
    end
    -- the circle at a glance, with the day's prompt above it
    vim.cmd('silent! WolCircle')
    vim.cmd('silent! only')
    vim.cmd('silent! topleft WolPrompt')
    local hint = 'wol demo: try :WolJournal :WolNote :WolShare :WolQuestions :WolSearch :WolSync :checkhealth wol'
    vim.api.nvim_echo({ { hint:sub(1, math.max(20, vim.o.columns - 12)), 'WolMuted' } }, false, {})
  end,
})
