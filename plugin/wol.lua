-- wol.nvim: work out loud from Neovim. This file only registers commands,
-- <Plug> maps and highlight links; nothing is required until a command runs.
if vim.g.loaded_wol then
  return
end
if vim.fn.has('nvim-0.7.2') ~= 1 then
  vim.api.nvim_echo({ { 'wol.nvim needs Neovim >= 0.7.2', 'ErrorMsg' } }, true, {})
  return
end
vim.g.loaded_wol = 1

-- name -> { handler name in lua/wol/commands.lua, command attributes, description }
local commands = {
  WolVersion = { 'version', { nargs = 0 }, 'Show the wol.nvim and library versions' },
  WolInit = { 'circle', { nargs = '+' }, 'Start a circle: :WolInit NAME [url]' },
  WolJoin = { 'join', { nargs = '*', bang = true }, 'Join a circle in the background: :WolJoin URL [name] (! cancels)' },
  WolNote = { 'note', { nargs = '+' }, 'New work-in-progress note: :WolNote {title}' },
  WolNotes = { 'notes', { nargs = '*' }, 'Pick a shared note: :WolNotes [handle]' },
  WolShare = { 'share', { nargs = '*', range = true, bang = true },
    'Share the buffer (or a range) with the circle: :[range]WolShare[!] [message]' },
  WolAsk = { 'ask', { nargs = '*' }, 'Ask the circle for help: :WolAsk [title] (:w asks)' },
  WolQuestions = { 'questions', { nargs = '*', complete = function()
    return { 'open', 'mine', 'all' }
  end }, 'Pick a circle question: :WolQuestions [open|mine|all]' },
  WolAnswer = { 'answer', { nargs = '*' }, 'Answer a question (the thread under the cursor, or a QID)' },
  WolResolve = { 'resolve', { nargs = '*' }, 'Resolve your question: :WolResolve [what helped]' },
  WolComment = { 'feedback_comment', { nargs = '*', range = true },
    'Comment on the shared note in this buffer: :[range]WolComment [suggest] [text] (no text: a buffer, :w commits)' },
  WolReact = { 'feedback_react', { nargs = '+', range = true, complete = function(lead)
    return require('wol.feedback').complete_reaction(lead)
  end }, 'React to the current line (or range) of a shared note: :WolReact {thanks|+1|idea|question}' },
  WolFeedback = { 'feedback_list', { nargs = '*', complete = function()
    return { 'mine' }
  end }, 'Feedback on this note (or on all my notes: :WolFeedback mine)' },
  WolSync = { 'sync', { nargs = '*', bang = true },
    'Sync the circle: get what others shared, push yours (:WolSync! cancels)' },
  WolJournal = { 'journal', { nargs = '?', bang = true }, "Open the journal entry for today or a date (! lists entries)" },
  WolLog = { 'journal_log', { nargs = '*', range = true }, "Append a timestamped line to today's journal entry" },
  WolPrompt = { 'prompt', { nargs = '*', complete = function(lead)
    return require('wol.prompt').complete(lead)
  end }, "Show the day's prompt in a split: :WolPrompt [date]" },
  WolSearch = { 'search', { nargs = '*', bang = true }, 'Search the journal, notes and questions' },
  WolCircle = { 'dashboard', { nargs = '*', complete = function(lead)
    return require('wol.dashboard').complete(lead)
  end }, 'The circle at a glance: :WolCircle [agenda] [circle=NAME]' },
}

-- (plain loops and nvim_* calls only: vim.tbl_extend and vim.keymap would
-- cost more than the rest of this file at startup; see bench/RESULTS.md)
for name, spec in pairs(commands) do
  local attrs = spec[2]
  attrs.desc = spec[3]
  vim.api.nvim_create_user_command(name, function(opts)
    require('wol.commands').run(spec[1], opts)
  end, attrs)
end

-- Circle files come from other members: modelines stay off in them, and
-- other members' notes open read-only (lua/wol/circle.lua).
local guard = vim.api.nvim_create_augroup('wol_circle_guard', { clear = true })
vim.api.nvim_create_autocmd({ 'BufReadPre', 'BufNewFile' }, {
  group = guard,
  pattern = '*/circles/*',
  callback = function(args)
    require('wol.circle').guard(args)
  end,
})
vim.api.nvim_create_autocmd('BufReadPost', {
  group = guard,
  pattern = '*/circles/*/notes/*',
  callback = function(args)
    require('wol.circle').guard_post(args)
  end,
})

-- Shared notes show their feedback (lua/wol/feedback.lua: signs, ]f [f K).
local fbgroup = vim.api.nvim_create_augroup('wol_feedback', { clear = true })
vim.api.nvim_create_autocmd({ 'BufReadPost', 'BufWritePost' }, {
  group = fbgroup,
  pattern = '*/circles/*/notes/*',
  callback = function(args)
    require('wol.feedback').attach(args.buf)
  end,
})
vim.api.nvim_create_autocmd('User', {
  group = fbgroup,
  pattern = 'WolSynced',
  callback = function(args)
    require('wol.feedback').on_synced(args)
  end,
})

-- After a sync: news about questions fire `User WolQuestion` (lua/wol/questions.lua).
vim.api.nvim_create_autocmd('User', {
  group = vim.api.nvim_create_augroup('wol_questions', { clear = true }),
  pattern = 'WolSynced',
  callback = function(args)
    require('wol.questions').on_synced(args)
  end,
})

-- <Plug> maps: no default keys; users map these themselves.
local plugs = {
  WolShare = 'share',
  WolJournal = 'journal',
  WolPrompt = 'prompt',
  WolAsk = 'ask',
  WolQuestions = 'questions',
  WolSearch = 'search',
  WolCircle = 'dashboard',
}
for lhs, handler in pairs(plugs) do
  vim.api.nvim_set_keymap('n', '<Plug>(' .. lhs .. ')', '', {
    noremap = true,
    desc = 'wol: ' .. handler,
    callback = function()
      require('wol.commands').run(handler, { args = '', fargs = {}, bang = false, mods = '' })
    end,
  })
end

-- Journal buffers get ]j / [j (lua/wol/journal.lua decides whether a file
-- really is in the journal).
vim.api.nvim_create_autocmd({ 'BufRead', 'BufNewFile' }, {
  group = vim.api.nvim_create_augroup('wol_journal_attach', { clear = true }),
  pattern = '*/journal/[0-9][0-9][0-9][0-9]/[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9].md',
  callback = function(args)
    require('wol.journal').attach(args.buf)
  end,
})

-- Highlight groups, linked by default so colour schemes can override them.
local links = {
  WolTitle = 'Title',
  WolHeading = 'Statement',
  WolMuted = 'Comment',
  WolOk = 'DiagnosticOk',
  WolWarn = 'WarningMsg',
  WolError = 'ErrorMsg',
  WolAccent = 'Special',
  WolPromptTitle = 'WolTitle',
  WolPromptHeading = 'WolHeading',
  WolPromptMeta = 'WolMuted',
  WolPromptChallenge = 'Normal',
  WolPromptQuestion = 'WolAccent',
  WolPromptBullet = 'WolHeading',
  WolThreadTitle = 'WolTitle',
  WolThreadMeta = 'WolMuted',
  WolThreadAnswer = 'WolHeading',
  WolThreadEvent = 'WolAccent',
  WolThreadForged = 'WolWarn',
  WolCircleTitle = 'WolTitle',
  WolCircleHeading = 'WolHeading',
  WolCircleMuted = 'WolMuted',
  WolCircleWarn = 'WolWarn',
  WolCircleName = 'Identifier',
  WolCircleMe = 'WolAccent',
  WolCircleGoal = 'WolMuted',
  WolCircleKind = 'Type',
  WolCircleQuestion = 'Normal',
  WolCircleStreak = 'WolOk',
  WolCircleHeat0 = 'WolMuted',
  WolFeedback = 'DiagnosticHint',
  WolFeedbackOutdated = 'WolMuted',
}
local function apply_highlights()
  for group, target in pairs(links) do
    vim.api.nvim_set_hl(0, group, { link = target, default = true })
  end
  -- The activity heat map: four greens (a contribution calendar), defaults only.
  for i, c in ipairs({ { '#2f6b3a', 22 }, { '#2a9d43', 28 }, { '#3fbf55', 34 }, { '#7ee787', 84 } }) do
    vim.api.nvim_set_hl(0, 'WolCircleHeat' .. i, { fg = c[1], ctermfg = c[2], default = true })
  end
end
apply_highlights()
-- :colorscheme clears every group; put the defaults back after it
vim.api.nvim_create_autocmd('ColorScheme', {
  group = vim.api.nvim_create_augroup('wol_highlights', { clear = true }),
  callback = apply_highlights,
})

-- Keep the search index fresh after anything wol writes (batched, deferred).
vim.api.nvim_create_autocmd('User', {
  group = vim.api.nvim_create_augroup('WolIndex', { clear = true }),
  pattern = { 'WolShared', 'WolSynced', 'WolQuestion', 'WolAsked', 'WolAnswered' },
  callback = function(ev)
    require('wol.search').on_event(ev)
  end,
})
