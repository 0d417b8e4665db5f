-- :WolPrompt: the day's prompt (theme, challenge, questions) in a scratch
-- split. The prompt itself comes from the C library (ctx:prompt); this file
-- only draws it and handles the keys of its buffer.
local M = {}

local api = vim.api
local commands = require('wol.commands')

local NAME = 'wol://prompt'
local ns = api.nvim_create_namespace('wol_prompt')

-- buffer -> { prompt = <table from ctx:prompt>, questions = { [lnum] = index }, circle = name }
local state = {}
-- warnings already shown in this session (a bad file is reported once)
local warned = {}

local function notify(msg, level)
  commands.notify(msg, level)
end

local keys_help = {
  { ']d', 'next day' },
  { '[d', 'previous day' },
  { '<CR>', 'on a question: start today\'s journal with it' },
  { 'q', 'close' },
  { '?', 'show these keys' },
}

local function titlecase(s)
  return (s:gsub('^%l', string.upper))
end

local function add_paras(add, text, group)
  for para in (text .. '\n\n'):gmatch('(.-)\n\n') do
    if para ~= '' then
      add(para, group)
    end
  end
end

--- Lines and highlights for a prompt: returns lines, highlights
--- ({ group, line (0-based), col_start, col_end }), question line map.
--- The layers in order: theme (title, its text), the program focus, the
--- challenge (with its state when `done` is true or false: marked done with
--- :WolDone, or not yet), the reflection questions.
function M.render(p, done)
  local page = require('wol.ui').page()
  local lines, hls, qmap = page.lines, page.hls, {}
  local add = page.add
  add(p.theme.title, 'WolPromptTitle')
  add(string.format('%s %s, %s', titlecase(p.weekday), p.date, p.reason), 'WolPromptMeta')
  if p.theme.text ~= '' then
    add('')
    for l in (p.theme.text .. '\n'):gmatch('(.-)\n') do
      add(l)
    end
  end
  if p.focus then
    add('')
    add(string.format('Week %d of %d: %s', p.focus.week, p.focus.weeks, p.focus.title), 'WolPromptHeading')
    if p.focus.text ~= '' then
      add_paras(add, p.focus.text)
    end
  end
  if p.challenge.text ~= '' then
    add('')
    if p.sources.challenge ~= p.sources.theme then
      add('Challenge: ' .. p.challenge.title, 'WolPromptHeading')
    else
      add('Challenge', 'WolPromptHeading')
    end
    add_paras(add, p.challenge.text, 'WolPromptChallenge')
  end
  if done == true then
    add('✓ done (marked with :WolDone)', 'WolPromptDone')
  elseif done == false then
    add('not done yet: :WolDone marks it done', 'WolPromptMeta')
  end
  if #p.reflect > 0 then
    add('')
    add('Reflect', 'WolPromptHeading')
    for i, q in ipairs(p.reflect) do
      add('- ' .. q)
      qmap[#lines] = i
      table.insert(hls, { 'WolPromptBullet', #lines - 1, 0, 1 })
      table.insert(hls, { 'WolPromptQuestion', #lines - 1, 2, -1 })
    end
  end
  add('')
  add(string.format('source: %s    ]d next day  [d previous  <CR> journal  ? keys  q close', p.sources.theme),
    'WolPromptMeta')
  return lines, hls, qmap
end

local function is_prompt_buf(buf)
  return state[buf] ~= nil and api.nvim_buf_is_valid(buf)
end

--- The prompt buffer, created on first use.
local function get_buf()
  for buf in pairs(state) do
    if api.nvim_buf_is_valid(buf) then
      return buf
    end
    state[buf] = nil
  end
  local buf = api.nvim_create_buf(false, true)
  state[buf] = {}
  local o = { buftype = 'nofile', bufhidden = 'wipe', swapfile = false, buflisted = false,
    modifiable = false, undolevels = -1 }
  for k, v in pairs(o) do
    vim.bo[buf][k] = v
  end
  pcall(api.nvim_buf_set_name, buf, NAME)
  vim.bo[buf].filetype = 'wolprompt'
  local function map(lhs, fn, desc)
    vim.keymap.set('n', lhs, fn, { buffer = buf, nowait = true, silent = true, desc = 'wol: ' .. desc })
  end
  map(']d', function() M.step(buf, 1) end, 'next day')
  map('[d', function() M.step(buf, -1) end, 'previous day')
  map('q', function() M.close(buf) end, 'close the prompt')
  map('<CR>', function() M.question_at_cursor(buf) end, 'journal about this question')
  map('?', M.show_keys, 'show keys')
  api.nvim_create_autocmd('BufWipeout', {
    buffer = buf,
    callback = function()
      state[buf] = nil
    end,
  })
  return buf
end

local prompt_win = require('wol.ui').find_win

local function set_win_options(win)
  local o = { number = false, relativenumber = false, wrap = true, linebreak = true, list = false,
    spell = false, signcolumn = 'no', foldcolumn = '0', foldenable = false, cursorline = false,
    colorcolumn = '' }
  require('wol.ui').set_win_options(win, o)
end

--- Whether the challenge of `date` is marked done: true or false, or nil
--- for a day still to come (or a journal that cannot be read).
function M.done_state(date)
  local c = require('wol').ctx()
  if not c or date > c:today() then
    return nil
  end
  local r = c:journal_done_get(date)
  if not r then
    return nil
  end
  return r.done
end

local function draw(buf, p)
  local lines, hls, qmap = M.render(p, M.done_state(p.date))
  require('wol.ui').set_lines(buf, ns, lines, hls)
  state[buf].prompt = p
  state[buf].questions = qmap
  api.nvim_buf_set_var(buf, 'wol_prompt_date', p.date)
  for _, w in ipairs(p.warnings) do
    if not warned[w] then
      warned[w] = true
      notify(w, vim.log.levels.WARN)
    end
  end
  return lines
end

--- Looks up the prompt for `date` (any form ctx:date accepts); nil, msg on
--- failure.
local function lookup(date, circle)
  local ctx, err = require('wol').ctx()
  if not ctx then
    return nil, err
  end
  local opts
  if circle then
    local name, path = ctx:circle(circle)
    if not name then
      return nil, path
    end
    opts = { circle_dir = path }
  end
  return ctx:prompt(date, opts)
end

--- Opens (or reuses) the prompt window for `date` (nil: today).
--- opts: { mods = '<mods> of the command', circle = name }
function M.open(date, opts)
  opts = opts or {}
  local p, err = lookup(date, opts.circle)
  if not p then
    return notify(err, vim.log.levels.ERROR)
  end
  local buf = get_buf()
  state[buf].circle = opts.circle
  local win = prompt_win(buf)
  local lines
  if win then
    api.nvim_set_current_win(win)
    lines = draw(buf, p)
  else
    local mods = opts.mods or ''
    vim.cmd((mods ~= '' and mods .. ' ' or '') .. 'split')
    win = api.nvim_get_current_win()
    api.nvim_win_set_buf(win, buf)
    set_win_options(win)
    lines = draw(buf, p)
    -- a horizontal split only as tall as the prompt (at most half the screen)
    if not mods:match('vert') and not mods:match('tab') and #api.nvim_tabpage_list_wins(0) > 1 then
      local want = math.min(#lines + 1, math.floor(vim.o.lines / 2))
      pcall(api.nvim_win_set_height, win, math.max(want, 3))
    end
  end
  api.nvim_win_set_cursor(win, { 1, 0 })
  return buf, win
end

--- ]d / [d: the prompt of the next / previous day.
function M.step(buf, n)
  local st = state[buf]
  if not st or not st.prompt then
    return
  end
  local core = require('wol.lib').core()
  local date = core.parse_date(string.format('%+d', n), st.prompt.date)
  local p, err = lookup(date, st.circle)
  if not p then
    return notify(err, vim.log.levels.ERROR)
  end
  draw(buf, p)
  local win = prompt_win(buf)
  if win then
    api.nvim_win_set_cursor(win, { 1, 0 })
  end
end

function M.close(buf)
  require('wol.ui').close_window(prompt_win(buf))
end

function M.show_keys()
  require('wol.ui').show_keys('wol prompt keys:', keys_help)
end

--- What <CR> on a question does. Replaceable: the journal feature wires
--- its own (require('wol.journal').open_with_question is used when it
--- exists). `info` = { date = prompt's date, today = today, prompt = prompt }.
function M.on_question(question, info)
  local ok, journal = pcall(require, 'wol.journal')
  if ok and type(journal) == 'table' and type(journal.open_with_question) == 'function' then
    return journal.open_with_question(question, info)
  end
  -- until the journal feature is there: open today's journal file
  local ctx, err = require('wol').ctx()
  if not ctx then
    return notify(err, vim.log.levels.ERROR)
  end
  local path = ctx:journal_path(info.today)
  vim.fn.mkdir(vim.fn.fnamemodify(path, ':h'), 'p', 448) -- 0700: the journal is private
  local prev = vim.fn.win_getid(vim.fn.winnr('#'))
  if prev ~= 0 and prev ~= api.nvim_get_current_win() and not is_prompt_buf(api.nvim_win_get_buf(prev)) then
    api.nvim_set_current_win(prev)
  else
    vim.cmd('aboveleft split')
  end
  vim.cmd('edit ' .. vim.fn.fnameescape(path))
  notify('wol: ' .. question)
end

function M.question_at_cursor(buf)
  local st = state[buf]
  local lnum = api.nvim_win_get_cursor(0)[1]
  local idx = st and st.questions and st.questions[lnum]
  if not idx then
    return notify('wol: prompt: put the cursor on a question (a line starting with "- ")',
      vim.log.levels.WARN)
  end
  local ctx = require('wol').ctx()
  M.on_question(st.prompt.reflect[idx], {
    date = st.prompt.date,
    today = ctx and ctx:today() or st.prompt.date,
    prompt = st.prompt,
  })
end

-- ------------------------------------------------------------ :WolDone

--- After an act of working out loud today (a share, a question, an answer,
--- a contribution): the streaks are computed again, and while today's
--- challenge is not marked done the act's message ends with this offer
--- (one line, no dialog). `date`: the act's day (nil: today). Returns the
--- suffix for the message, or ''.
function M.after_act(date)
  pcall(function() require('wol.journal').invalidate() end)
  local c = require('wol').ctx()
  if not c or (date and date ~= c:today()) then
    return ''
  end
  return M.done_state(c:today()) == false and "; today's challenge done? :WolDone" or ''
end

--- Marks the challenge of `date` (nil: today) done: ctx:journal_done.
--- Returns the result table.
function M.done(date)
  local lib = require('wol.lib')
  local c = lib.check(require('wol').ctx())
  local r, warning = lib.check(c:journal_done(date))
  if warning then
    notify(warning, vim.log.levels.WARN)
  end
  local journal = require('wol.journal')
  journal.invalidate()
  journal.refresh_buffers(r.path, 'marked the challenge done in')
  pcall(function() require('wol.search').refresh_soon({ paths = { r.path } }) end)
  -- an open prompt of that day shows the new state
  for buf, st in pairs(state) do
    if api.nvim_buf_is_valid(buf) and st.prompt and st.prompt.date == r.date then
      draw(buf, st.prompt)
    end
  end
  if r.already then
    notify(string.format('wol: the challenge of %s was already done: %s', r.date, r.title or ''))
  else
    notify(string.format('wol: challenge of %s done: %s', r.date, r.title or ''))
    require('wol.compat').user_event('WolDone', { date = r.date, source = r.source, title = r.title })
  end
  return r
end

--- :WolDone [date]
function M.done_cmd(opts)
  if #opts.fargs > 1 then
    require('wol.lib').fail('wol: usage: :WolDone [date] (YYYY-MM-DD, today, yesterday, -N)')
  end
  M.done(opts.fargs[1])
end

--- Completion of :WolPrompt arguments.
function M.complete(lead)
  local out = {}
  for _, c in ipairs({ 'today', 'yesterday', 'tomorrow', '+1', '-1', '+7', '-7' }) do
    if c:sub(1, #lead) == lead then
      table.insert(out, c)
    end
  end
  return out
end

--- :[mods] WolPrompt [date] [circle=NAME]
function M.command(opts)
  local circle, rest = commands.take_circle(opts.fargs)
  if #rest > 1 then
    return notify('wol: prompt: one date at most (YYYY-MM-DD, today, yesterday, tomorrow, +N, -N)',
      vim.log.levels.ERROR)
  end
  M.open(rest[1], { mods = opts.mods, circle = circle })
end

return M
