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

-- The command table: name -> { module, function (called with the user
-- command's opts through lua/wol/commands.lua), nargs, range, bang,
-- complete (a list of words, or the name of a completion function in the
-- module), desc }.
local commands = {
  WolVersion = { 'wol.commands', 'version', nargs = 0, desc = 'Show the wol.nvim and library versions' },
  WolInit = { 'wol.circle', 'init_cmd', nargs = '+', desc = 'Start a circle: :WolInit NAME [url]' },
  WolJoin = { 'wol.circle', 'join_cmd', nargs = '*', bang = true,
    desc = 'Join a circle in the background: :WolJoin URL [name] [goal=TEXT] (! cancels)' },
  WolNote = { 'wol.circle', 'note_cmd', nargs = '+', desc = 'New work-in-progress note: :WolNote {title}' },
  WolNotes = { 'wol.circle', 'notes_cmd', nargs = '*', desc = 'Pick a shared note: :WolNotes [handle]' },
  WolShare = { 'wol.share', 'command', nargs = '*', range = true, bang = true,
    desc = 'Share the buffer (or a range) with the circle: :[range]WolShare[!] [message]' },
  WolAsk = { 'wol.questions', 'ask', nargs = '*', desc = 'Ask the circle for help: :WolAsk [title] (:w asks)' },
  WolQuestions = { 'wol.questions', 'list', nargs = '*', complete = { 'open', 'mine', 'all' },
    desc = 'Pick a circle question: :WolQuestions [open|mine|all]' },
  WolAnswer = { 'wol.questions', 'answer', nargs = '*',
    desc = 'Answer a question (the thread under the cursor, or a QID)' },
  WolResolve = { 'wol.questions', 'resolve_cmd', nargs = '*',
    desc = 'Resolve your question: :WolResolve [what helped]' },
  WolComment = { 'wol.feedback', 'comment', nargs = '*', range = true,
    desc = 'Comment on the shared note in this buffer: :[range]WolComment [suggest] [text] (no text: a buffer, :w commits)' },
  WolReact = { 'wol.feedback', 'react', nargs = '+', range = true, complete = 'complete_reaction',
    desc = 'React to the current line (or range) of a shared note: :WolReact {thanks|+1|idea|question}' },
  WolFeedback = { 'wol.feedback', 'list', nargs = '*', complete = { 'mine' },
    desc = 'Feedback on this note (or on all my notes: :WolFeedback mine)' },
  WolSync = { 'wol.sync', 'command', nargs = '*', bang = true,
    desc = 'Sync the circle: get what others shared, push yours (:WolSync! cancels)' },
  WolJournal = { 'wol.journal', 'command', nargs = '*', bang = true, complete = 'complete',
    desc = 'Open the journal entry for today or a date (! lists entries); history, restore, commit, remote, sync' },
  WolLog = { 'wol.journal', 'log_cmd', nargs = '*', range = true,
    desc = "Append a timestamped line to today's journal entry" },
  WolDone = { 'wol.prompt', 'done_cmd', nargs = '?', complete = 'complete',
    desc = "Mark the day's challenge done: :WolDone [date]" },
  WolPrompt = { 'wol.prompt', 'command', nargs = '*', complete = 'complete',
    desc = "Show the day's prompt in a split: :WolPrompt [date]" },
  WolSearch = { 'wol.search', 'command', nargs = '*', bang = true,
    desc = 'Search the journal, notes and questions' },
  WolReview = { 'wol.review', 'command', nargs = '*', bang = true,
    desc = 'The weekly review: :WolReview [week] (:w saves it into the journal; ! makes it anew)' },
  WolCircle = { 'wol.dashboard', 'command', nargs = '*', complete = 'complete',
    desc = 'The circle at a glance: :WolCircle [agenda] [circle=NAME]' },
  WolExport = { 'wol.export', 'command', nargs = '*', bang = true, complete = 'complete',
    desc = 'Export what was shared in the circle: :WolExport {dir} [format=md] [all] [include=a,b] (! stops it)' },
  WolPeople = { 'wol.people', 'command', nargs = '?', complete = 'complete',
    desc = 'Your private relationship list: :WolPeople [stale|name|closeness|count]' },
  WolGive = { 'wol.people', 'give_cmd', nargs = '+', complete = 'complete_give',
    desc = 'Note a contribution to someone on your list: :WolGive {person} {what}' },
  WolGoal = { 'wol.goal', 'command', nargs = '*', complete = 'complete',
    desc = 'Your goal in a circle: :WolGoal [text] [circle=NAME] (no text: edit, :w saves)' },
}

local function completer(spec)
  local c = spec.complete
  if type(c) == 'string' then
    return function(lead, line, pos)
      return require(spec[1])[c](lead, line, pos)
    end
  elseif type(c) == 'table' then
    return function(lead)
      local out = {}
      for _, word in ipairs(c) do
        if word:sub(1, #lead) == lead then
          out[#out + 1] = word
        end
      end
      return out
    end
  end
end

-- (plain loops and nvim_* calls only: vim.tbl_extend and vim.keymap would
-- cost more than the rest of this file at startup; see bench/RESULTS.md)
for name, spec in pairs(commands) do
  vim.api.nvim_create_user_command(name, function(opts)
    require('wol.commands').run(spec[1], spec[2], opts)
  end, { nargs = spec.nargs, range = spec.range, bang = spec.bang, complete = completer(spec), desc = spec.desc })
end

-- Everything else is one Vimscript block from a string constant, run by one
-- call: autocommands, <Plug> maps and highlights made by Ex commands cost
-- ~0.6x what nvim_create_autocmd, nvim_set_keymap and strings built in Lua
-- cost at startup, where those paths are still cold (page faults, a fresh
-- string table: bench/ANALYSIS.md, "Plugin startup, second round").
--
-- The autocommands' handlers get what a Lua callback would (buf, file,
-- match) from lua/wol/commands.lua's au(). The User events' `data` (0.8+)
-- does not reach an Ex autocommand: their handlers read what Neovim 0.7
-- keeps (require('wol.sync').last, g:wol_last_share,
-- require('wol.questions').last_news), on every version alike.
--
-- Highlight groups are linked by default so colour schemes can override
-- them; the activity heat map has four greens of its own. :colorscheme
-- clears every group, so the ColorScheme autocommand puts the defaults back.
--
-- <Plug> maps: no default keys; users map these themselves. Each runs its
-- command without arguments.
vim.cmd([[
function! s:highlights() abort
  hi def link WolTitle Title
  hi def link WolHeading Statement
  hi def link WolMuted Comment
  hi def link WolOk DiagnosticOk
  hi def link WolWarn WarningMsg
  hi def link WolError ErrorMsg
  hi def link WolAccent Special
  hi def link WolPromptTitle WolTitle
  hi def link WolPromptHeading WolHeading
  hi def link WolPromptMeta WolMuted
  hi def link WolPromptDone WolAccent
  hi def link WolPromptChallenge Normal
  hi def link WolPromptQuestion WolAccent
  hi def link WolPromptBullet WolHeading
  hi def link WolThreadTitle WolTitle
  hi def link WolThreadMeta WolMuted
  hi def link WolThreadAnswer WolHeading
  hi def link WolThreadEvent WolAccent
  hi def link WolThreadForged WolWarn
  hi def link WolCircleTitle WolTitle
  hi def link WolCircleHeading WolHeading
  hi def link WolCircleMuted WolMuted
  hi def link WolCircleWarn WolWarn
  hi def link WolCircleName Identifier
  hi def link WolCircleMe WolAccent
  hi def link WolCircleGoal WolMuted
  hi def link WolCircleKind Type
  hi def link WolCircleQuestion Normal
  hi def link WolCircleStreak WolOk
  hi def link WolCircleHeat0 WolMuted
  hi def link WolPeopleTitle WolTitle
  hi def link WolPeopleHeading WolHeading
  hi def link WolPeopleMuted WolMuted
  hi def link WolPeopleWarn WolWarn
  hi def link WolPeopleName Identifier
  hi def link WolPeopleStale WolWarn
  hi def link WolPeopleClose WolAccent
  hi def link WolFeedback DiagnosticHint
  hi def link WolFeedbackOutdated WolMuted
  hi def WolCircleHeat1 guifg=#2f6b3a ctermfg=22
  hi def WolCircleHeat2 guifg=#2a9d43 ctermfg=28
  hi def WolCircleHeat3 guifg=#3fbf55 ctermfg=34
  hi def WolCircleHeat4 guifg=#7ee787 ctermfg=84
endfunction
call s:highlights()

augroup wol
  autocmd!
  " circle files come from other members: modelines stay off in them, and
  " other members' notes open read-only (lua/wol/circle.lua)
  autocmd BufReadPre,BufNewFile */circles/* lua require'wol.commands'.au('wol.circle', 'guard')
  autocmd BufReadPost */circles/*/notes/* lua require'wol.commands'.au('wol.circle', 'guard_post')
  " shared notes show their feedback (lua/wol/feedback.lua: signs, ]f [f K)
  autocmd BufReadPost,BufWritePost */circles/*/notes/* lua require'wol.commands'.au('wol.feedback', 'attach', 'buf')
  autocmd User WolSynced lua require'wol.commands'.au('wol.feedback', 'on_synced')
  " after a sync, news about questions fire `User WolQuestion`
  autocmd User WolSynced lua require'wol.commands'.au('wol.questions', 'on_synced')
  " journal buffers get ]j / [j (lua/wol/journal.lua decides whether a
  " file really is in the journal)
  autocmd BufRead,BufNewFile */journal/[0-9][0-9][0-9][0-9]/[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9].md lua require'wol.commands'.au('wol.journal', 'attach', 'buf')
  " the journal's private history: a file of journal/ or people/ saved from
  " a buffer is committed (lua/wol/journal.lua checks it is under $WOL_HOME)
  autocmd BufWritePost */journal/*.md,*/people/*.md lua require'wol.commands'.au('wol.journal', 'on_save', 'file')
  " the search index follows anything wol writes (batched, deferred)
  autocmd User WolShared,WolSynced,WolQuestion lua require'wol.commands'.au('wol.search', 'on_event')
  autocmd ColorScheme * call s:highlights()
augroup END

nnoremap <Plug>(WolShare) <Cmd>WolShare<CR>
nnoremap <Plug>(WolJournal) <Cmd>WolJournal<CR>
nnoremap <Plug>(WolPrompt) <Cmd>WolPrompt<CR>
nnoremap <Plug>(WolDone) <Cmd>WolDone<CR>
nnoremap <Plug>(WolAsk) <Cmd>WolAsk<CR>
nnoremap <Plug>(WolQuestions) <Cmd>WolQuestions<CR>
nnoremap <Plug>(WolSearch) <Cmd>WolSearch<CR>
nnoremap <Plug>(WolCircle) <Cmd>WolCircle<CR>
nnoremap <Plug>(WolPeople) <Cmd>WolPeople<CR>
]])
