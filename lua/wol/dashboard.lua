-- :WolCircle: the circle at a glance in a read-only buffer, and
-- :WolCircle agenda: a meeting agenda that :w saves into the journal.
-- Everything shown comes from ctx:status() (csrc/status/); this file only
-- draws it, maps the keys and handles the buffers.
local M = {}

local api = vim.api
local commands = require('wol.commands')
local fail = require('wol.lib').fail
local levels = vim.log.levels

local ns = api.nvim_create_namespace('wol_circle')
local BUF_NAME = 'wol://circle/'
local AGENDA_NAME = 'wol://agenda/'

-- buffer -> { circle = name or nil, status = last status, targets = { [lnum] = target }, mods }
local state = {}
M.state = state

-- the heat map glyphs by level (0: nothing .. 4: a lot): squares coloured
-- by the WolCircleHeat1..4 groups, like a contribution calendar
M.cells = { [0] = '·', '■', '■', '■', '■' }

local keys_help = {
  { '<CR>', 'open the note or question under the cursor' },
  { 's', 'sync the circle (:WolSync)' },
  { 'a', 'ask the circle a question' },
  { 'R', 'refresh' },
  { 'q', 'close' },
  { '?', 'show these keys' },
}

local function notify(msg, level)
  commands.notify(msg, level)
end

-- Runs fn (a key or autocmd callback); a failure (lib.fail) becomes one
-- notification, anything else keeps its traceback.
local guard = commands.guard

local function ctx()
  local c, err, code = require('wol').ctx()
  if not c then
    fail(err, code)
  end
  return c
end

local months = { 'Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec' }
local weekdays = { 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun' }

local function ymd(s)
  local y, m, d = (s or ''):match('^(%d+)-(%d+)-(%d+)$')
  return tonumber(y), tonumber(m), tonumber(d)
end

local function day_label(date)
  local y, m, d = ymd(date)
  if not y then
    return date or '?'
  end
  local t = os.time({ year = y, month = m, day = d, hour = 12 })
  return os.date('!%a', t) .. ' ' .. date
end

local plural = require('wol.ui').plural

local function pad(s, n)
  local w = vim.fn.strdisplaywidth(s)
  if w >= n then
    return s
  end
  return s .. string.rep(' ', n - w)
end

local function header_line(st)
  local parts = { st.name }
  if st.phase == 'running' then
    table.insert(parts, string.format('week %d of %d', st.week, st.weeks))
  elseif st.phase == 'before' then
    table.insert(parts, 'before start (' .. (st.started or '?') .. ')')
  elseif st.phase == 'complete' then
    table.insert(parts, 'program complete — recommit?')
  end
  if st.next_meeting then
    table.insert(parts, 'next meeting ' .. day_label(st.next_meeting) .. (st.next_meeting == st.today and ' (today)' or ''))
  end
  return table.concat(parts, '  ·  ')
end

local function sync_line(st)
  local s
  if not st.remote then
    s = 'sync: no remote'
  elseif (st.last_sync or 0) > 0 then
    s = 'sync: last ' .. os.date('%Y-%m-%d %H:%M', st.last_sync)
  else
    s = 'sync: never'
  end
  if (st.ahead or 0) > 0 then
    s = s .. string.format('  ·  %s waiting to be pushed', plural(st.ahead, 'commit'))
  end
  return s
end

--- The month labels over the heat map's week columns (2 characters each):
--- a month is named over the week that holds its 1st day (up to today), and
--- the grid's first week over its own month. Where two labels would touch,
--- the later month wins, so the current month is always named.
function M.month_row(days, today, nweeks)
  local marks = {}
  for w = 0, nweeks - 1 do
    for r = 1, 7 do
      local i = w * 7 + r
      local _, m, d = ymd(days[i] and days[i].date)
      if i <= today and m and (d == 1 or i == 1) then
        marks[#marks + 1] = { col = w * 2, month = m }
      end
    end
  end
  local label = string.rep(' ', nweeks * 2 + 4)
  local left = math.huge -- the first column taken by a later label
  for k = #marks, 1, -1 do
    local col = marks[k].col
    if col + 3 < left then
      label = label:sub(1, col) .. months[marks[k].month] .. label:sub(col + 4)
      left = col
    end
  end
  return (label:gsub('%s+$', ''))
end

--- Lines, highlights ({ group, line0, col_start, col_end }) and targets
--- ({ [lnum] = { kind = 'note'|'question', path =, qid =, mine = } }) of
--- a status table.
function M.render(st)
  local page = require('wol.ui').page()
  local lines, hls, targets = page.lines, page.hls, {}
  local add, hl = page.add, page.hl

  add(header_line(st), 'WolCircleTitle')
  add(sync_line(st), (st.ahead or 0) > 0 and 'WolCircleWarn' or 'WolCircleMuted')
  for _, w in ipairs(st.warnings or {}) do
    add(w, 'WolCircleWarn')
  end

  add('')
  add('Members', 'WolCircleHeading')
  local width = 0
  for _, m in ipairs(st.members) do
    width = math.max(width, vim.fn.strdisplaywidth((m.name or m.handle) .. ' (' .. m.handle .. ')'))
  end
  for _, m in ipairs(st.members) do
    local who = pad((m.name or m.handle) .. ' (' .. m.handle .. ')', width)
    local counts = string.format('%-8s %-10s', plural(m.notes, 'note'), plural(m.answers, 'answer'))
    local last = 'last ' .. (m.last or 'never')
    local revised = m.goal and (m.revised or 0) > 0 and string.format(' (revised %s)', plural(m.revised, 'time'))
      or ''
    local text = string.format('  %s  %s %-15s  %s', who, counts, last, m.goal or '')
    add(text .. revised)
    hl(m.me and 'WolCircleMe' or 'WolCircleName', 2, 2 + #who)
    local gs = #text - #(m.goal or '')
    hl('WolCircleMuted', 2 + #who, gs)
    if m.goal then
      hl('WolCircleGoal', gs, #text)
      hl('WolCircleMuted', #text, -1)
    end
  end

  -- you: your goal and your own list (private; this buffer is local)
  local you = st.contributions or {}
  local mine
  for _, m in ipairs(st.members) do
    if m.me then
      mine = m
    end
  end
  add('')
  add('You', 'WolCircleHeading')
  if mine and mine.goal then
    add('  goal: ' .. mine.goal, 'WolCircleGoal')
  else
    add('  no goal yet: :WolGoal sets it', 'WolCircleMuted')
  end
  if (you.people or 0) == 0 then
    add('  nobody on your list yet: :WolPeople (a adds someone)', 'WolCircleMuted')
  else
    add(string.format('  %s this week to the %s on your list', plural(you.week or 0, 'contribution'),
      plural(you.people, 'person', 'people')))
    if #(you.reach or {}) > 0 then
      local names = {}
      for _, r in ipairs(you.reach) do
        table.insert(names, r.days >= 0 and string.format('%s (%dd)', r.name, r.days) or r.name)
      end
      add('  reach out to: ' .. table.concat(names, ', '), 'WolCircleName')
    end
  end

  add('')
  add(string.format('Since %s%s', day_label(st.since), st.since_meeting and ' (last meeting)' or ' (7 days)'),
    'WolCircleHeading')
  if #st.items == 0 then
    add('  nothing new', 'WolCircleMuted')
  end
  for _, it in ipairs(st.items) do
    local what = it.kind == 'note' and (it.updated and 'updated' or 'note')
      or it.kind == 'question' and 'asked' or 'answer'
    local text = string.format('  %s  %-12s %-8s %s', it.date, it.author or '?', what, it.title or it.path)
    local l = add(text)
    hl('WolCircleMuted', 2, 12)
    hl(it.author == st.handle and 'WolCircleMe' or 'WolCircleName', 14, 26)
    hl('WolCircleKind', 27, 35)
    targets[l] = { kind = it.kind == 'note' and 'note' or 'question', path = it.path, qid = it.qid,
      mine = it.author == st.handle }
  end
  if (st.items_total or 0) > #st.items then
    add(string.format('  … %d more', st.items_total - #st.items), 'WolCircleMuted')
  end

  add('')
  add(string.format('Feedback on your notes since %s%s (%d)', day_label(st.since),
    st.since_meeting and ' (last meeting)' or '', st.feedback_in or 0), 'WolCircleHeading')
  if #(st.feedback or {}) == 0 then
    add('  none', 'WolCircleMuted')
  end
  for _, it in ipairs(st.feedback or {}) do
    local l = add(string.format('  %s  %-12s on %s', it.date, it.author or '?', it.title or it.path))
    hl('WolCircleMuted', 2, 12)
    hl('WolCircleName', 14, 26)
    targets[l] = { kind = 'feedback', path = it.path }
  end
  if (st.feedback_in or 0) > #(st.feedback or {}) then
    add(string.format('  … %d more', st.feedback_in - #st.feedback), 'WolCircleMuted')
  end
  add(string.format('  you gave %s', plural(st.feedback_out or 0, 'piece') .. ' of feedback'), 'WolCircleMuted')

  add('')
  add(string.format('Open questions (%d)', st.open_total or #st.open), 'WolCircleHeading')
  if #st.open == 0 then
    add('  none', 'WolCircleMuted')
  end
  for _, q in ipairs(st.open) do
    local mark = q.mine and '●' or '○'
    local title = q.title or q.qid
    local meta = string.format('%s · %s · %dd%s', q.author or '?', plural(q.answers, 'answer'), q.age,
      q.mine and ' · mine' or '')
    local text = '  ' .. mark .. ' ' .. title .. '  ' .. meta
    local l = add(text)
    hl(q.mine and 'WolCircleMe' or 'WolCircleMuted', 2, 2 + #mark)
    hl('WolCircleQuestion', 3 + #mark, 3 + #mark + #title)
    hl('WolCircleMuted', 5 + #mark + #title, -1)
    targets[l] = { kind = 'question', qid = q.qid, path = q.path, mine = q.mine }
  end
  if (st.open_total or 0) > #st.open then
    add(string.format('  … %d more', st.open_total - #st.open), 'WolCircleMuted')
  end

  add('')
  add('Activity  (journal days and your acts, 12 weeks)', 'WolCircleHeading')
  local days = st.grid.days
  local nweeks = math.floor(#days / 7)
  -- today's cell: the last day not after today (the days carry their dates)
  local today = 0
  for i, d in ipairs(days) do
    if d.date <= st.today then
      today = i
    end
  end
  add('       ' .. M.month_row(days, today, nweeks), 'WolCircleMuted')
  for r = 1, 7 do
    local text = '  ' .. weekdays[r] .. ' '
    local spans = {}
    for w = 0, nweeks - 1 do
      local i = w * 7 + r
      if days[i].date > st.today then
        text = text .. '  '
      else
        local lv = days[i].level
        local cell = M.cells[lv]
        text = text .. ' '
        table.insert(spans, { 'WolCircleHeat' .. lv, #text, #text + #cell })
        text = text .. cell
      end
    end
    add(text)
    hl('WolCircleMuted', 2, 5)
    for _, s in ipairs(spans) do
      hl(s[1], s[2], s[3])
    end
  end
  local legend = '       less '
  add(legend)
  local line = lines[#lines]
  for lv = 0, 4 do
    local s = #line
    line = line .. M.cells[lv]
    hl('WolCircleHeat' .. lv, s, #line)
  end
  lines[#lines] = line .. ' more'
  hl('WolCircleMuted', 0, #legend)
  add(string.format('  streak: %s (longest %d)  ·  %d this week  ·  a day counts when you wrote or acted',
    plural(st.streak, 'day'), st.longest, st.active_week or st.journal_week), 'WolCircleStreak')
  add('')
  add('<CR> open  s sync  a ask  R refresh  q close  ? keys', 'WolCircleMuted')
  return lines, hls, targets
end

-- ---------------------------------------------------------------- buffer

local find_win = require('wol.ui').find_win

-- the people to reach out to: as many days without a contribution as
-- :WolPeople counts (setup({ people = { stale_days = N } }))
local function stale_days()
  return (require('wol').options().people or {}).stale_days
end

local function set_win_options(win)
  local o = { number = false, relativenumber = false, wrap = false, list = false, spell = false,
    signcolumn = 'no', foldcolumn = '0', foldenable = false, cursorline = true, colorcolumn = '' }
  require('wol.ui').set_win_options(win, o)
end

local function draw(buf, st)
  local lines, hls, targets = M.render(st)
  require('wol.ui').set_lines(buf, ns, lines, hls)
  state[buf].status = st
  state[buf].targets = targets
  if st.notice then
    notify(st.notice, levels.WARN)
  end
end

--- Computes the status of the buffer's circle and redraws it.
function M.refresh(buf)
  buf = (buf == nil or buf == 0) and api.nvim_get_current_buf() or buf
  local s = state[buf]
  if not s then
    return
  end
  local st, err, code = ctx():status({ circle = s.circle, stale_days = stale_days() })
  if not st then
    fail(err, code)
  end
  draw(buf, st)
  return st
end

local function get_buf(circle)
  local key = circle or ''
  for buf, s in pairs(state) do
    if api.nvim_buf_is_valid(buf) and s.key == key and not s.agenda then
      return buf
    end
  end
  local buf = api.nvim_create_buf(false, true)
  state[buf] = { circle = circle, key = key }
  local o = { buftype = 'nofile', bufhidden = 'wipe', swapfile = false, buflisted = false,
    modifiable = false, undolevels = -1 }
  for k, v in pairs(o) do
    vim.bo[buf][k] = v
  end
  pcall(api.nvim_buf_set_name, buf, BUF_NAME .. (circle or 'default'))
  vim.bo[buf].filetype = 'wolcircle'
  local function map(lhs, fn, desc)
    vim.keymap.set('n', lhs, function()
      guard(fn)
    end, { buffer = buf, nowait = true, silent = true, desc = 'wol: ' .. desc })
  end
  map('<CR>', function() M.open_target(buf) end, 'open the note or question')
  map('s', function() M.sync(buf) end, 'sync the circle')
  map('a', function() M.ask(buf) end, 'ask the circle')
  map('R', function() M.refresh(buf) end, 'refresh')
  map('q', function() M.close(buf) end, 'close')
  map('?', M.show_keys, 'show keys')
  api.nvim_create_autocmd('BufWipeout', {
    buffer = buf,
    callback = function()
      state[buf] = nil
    end,
  })
  -- coming back after asking, sharing or syncing elsewhere: redraw
  api.nvim_create_autocmd('BufLeave', {
    buffer = buf,
    callback = function()
      if state[buf] then
        state[buf].stale = true
      end
    end,
  })
  api.nvim_create_autocmd('BufEnter', {
    buffer = buf,
    callback = function()
      if state[buf] and state[buf].stale then
        state[buf].stale = false
        guard(function()
          M.refresh(buf)
        end)
      end
    end,
  })
  return buf
end

local function open_win(buf, mods)
  local win = find_win(buf)
  if win then
    api.nvim_set_current_win(win)
    return win
  end
  mods = mods or ''
  vim.cmd((mods ~= '' and mods .. ' ' or '') .. 'split')
  win = api.nvim_get_current_win()
  api.nvim_win_set_buf(win, buf)
  return win
end

--- Opens (or reuses) the dashboard of `circle` (nil: the default one).
--- opts: { mods = '<mods> of the command' }. Returns buf, win.
function M.open(circle, opts)
  opts = opts or {}
  local st, err, code = ctx():status({ circle = circle, stale_days = stale_days() })
  if not st then
    fail(err, code)
  end
  local buf = get_buf(circle)
  local fresh = not find_win(buf)
  local win = open_win(buf, opts.mods)
  set_win_options(win)
  draw(buf, st)
  pcall(api.nvim_buf_set_name, buf, BUF_NAME .. st.circle)
  -- a new horizontal split as tall as the dashboard (leaving room above)
  local mods = opts.mods or ''
  if fresh and not mods:match('vert') and not mods:match('tab') and #api.nvim_tabpage_list_wins(0) > 1 then
    local want = math.min(api.nvim_buf_line_count(buf), vim.o.lines - vim.o.cmdheight - 8)
    pcall(api.nvim_win_set_height, win, math.max(want, 5))
  end
  api.nvim_win_set_cursor(win, { 1, 0 })
  return buf, win
end

function M.close(buf)
  require('wol.ui').close_window(find_win(buf))
end

function M.show_keys()
  require('wol.ui').show_keys('wol circle keys:', keys_help)
end

local other_window = require('wol.ui').other_window

--- <CR>: the note or question on the cursor's line.
function M.open_target(buf)
  local s = state[buf]
  if not s then
    return
  end
  local lnum = api.nvim_win_get_cursor(0)[1]
  local t = s.targets and s.targets[lnum]
  if not t then
    return notify('wol: nothing to open on this line (notes and questions open with <CR>)')
  end
  local root = s.status.path
  if t.kind == 'feedback' then
    -- the thread buffer of the feedback on my notes (keys to reply, mark addressed)
    other_window(buf)
    return require('wol.feedback').list({ fargs = { 'mine', 'circle=' .. s.status.circle }, mods = '' })
  end
  if t.kind == 'question' then
    -- the questions feature's thread view (keys to answer, resolve, thank)
    local ok, q = pcall(require, 'wol.questions')
    if ok and type(q) == 'table' and type(q.open_thread) == 'function' then
      other_window(buf)
      return q.open_thread(t.qid, s.status.circle)
    end
    local file = root .. '/questions/' .. t.qid .. '/question.md'
    other_window(buf)
    vim.cmd('edit ' .. vim.fn.fnameescape(file))
    vim.bo.readonly = true
    vim.bo.modifiable = false
    return
  end
  other_window(buf)
  require('wol.circle').open_note({ abs = root .. '/' .. t.path, mine = t.mine })
end

--- s: :WolSync of this circle, then a redraw when it is done.
function M.sync(buf)
  local s = state[buf]
  if vim.fn.exists(':WolSync') ~= 2 then
    return notify('wol: sync is not available in this version', levels.WARN)
  end
  api.nvim_create_autocmd('User', {
    pattern = 'WolSynced',
    once = true,
    callback = function()
      if state[buf] and api.nvim_buf_is_valid(buf) then
        pcall(M.refresh, buf)
      end
    end,
  })
  vim.cmd('WolSync' .. (s and s.circle and (' circle=' .. s.circle) or ''))
end

--- a: :WolAsk when the questions feature has it (its buffer; :w asks, and
--- the dashboard redraws when entered again), else a title asked for here
--- and committed with circle:ask().
function M.ask(buf)
  local s = state[buf]
  if vim.fn.exists(':WolAsk') == 2 then
    return vim.cmd('WolAsk' .. (s and s.circle and (' circle=' .. s.circle) or ''))
  end
  vim.ui.input({ prompt = 'Ask the circle: ' }, function(title)
    if not title or title:match('^%s*$') then
      return
    end
    guard(function()
      local c = require('wol.circle').open(s and s.circle)
      local w, err, code = c:ask({ title = title })
      if not w then
        fail(err, code)
      end
      notify(string.format('wol: asked "%s"', w.title or title))
      if state[buf] then
        M.refresh(buf)
      end
    end)
  end)
end

-- ---------------------------------------------------------------- agenda

--- :WolCircle agenda: an editable agenda for the next meeting; :w saves it
--- into that day's journal entry under "## Circle meeting".
function M.agenda(circle, opts)
  opts = opts or {}
  local c = ctx()
  local text, date, code = c:status_agenda({ circle = circle })
  if not text then
    fail(date, code)
  end
  -- the buffer is named after the circle (the default one by its name too);
  -- asked again, the same buffer comes back: with your edits when it has
  -- unsaved ones, else with the agenda as it is now
  local name = AGENDA_NAME .. (c:circle(circle) or circle) .. '/' .. date
  local lines = vim.split(text, '\n', { plain = true })
  if lines[#lines] == '' then
    table.remove(lines)
  end
  local buf = vim.fn.bufnr('^' .. name .. '$')
  if buf > 0 and state[buf] and state[buf].agenda then
    if not vim.bo[buf].modified then
      api.nvim_buf_set_lines(buf, 0, -1, false, lines)
      vim.bo[buf].modified = false
    end
  else
    buf = api.nvim_create_buf(false, false)
    state[buf] = { circle = circle, key = circle or '', agenda = true, date = date }
    api.nvim_buf_set_name(buf, name)
    vim.bo[buf].buftype = 'acwrite'
    vim.bo[buf].swapfile = false
    vim.bo[buf].bufhidden = 'hide'
    api.nvim_buf_set_lines(buf, 0, -1, false, lines)
    vim.bo[buf].filetype = 'markdown'
    vim.bo[buf].modified = false
    api.nvim_create_autocmd('BufWriteCmd', {
      buffer = buf,
      callback = function()
        guard(function()
          M.save_agenda(buf)
        end)
      end,
    })
    api.nvim_create_autocmd('BufWipeout', {
      buffer = buf,
      callback = function()
        state[buf] = nil
      end,
    })
  end
  local win = open_win(buf, opts.mods)
  api.nvim_win_set_cursor(win, { 1, 0 })
  return buf, win
end

function M.save_agenda(buf)
  local s = state[buf]
  local text = table.concat(api.nvim_buf_get_lines(buf, 0, -1, false), '\n') .. '\n'
  local path, err, code = ctx():status_agenda_save(s.date, text)
  if not path then
    fail(err, code)
  end
  vim.bo[buf].modified = false
  notify(string.format('wol: agenda saved in %s under "## Circle meeting"', vim.fn.fnamemodify(path, ':~')))
  -- a journal buffer showing that entry gets the new text
  local uv = require('wol.compat').uv()
  local real = uv.fs_realpath(path) or path
  for _, b in ipairs(api.nvim_list_bufs()) do
    local name = api.nvim_buf_get_name(b)
    if name ~= '' and api.nvim_buf_is_loaded(b) and (uv.fs_realpath(name) or name) == real
      and not vim.bo[b].modified then
      api.nvim_buf_call(b, function()
        vim.cmd('silent! checktime')
      end)
    end
  end
  pcall(function()
    require('wol.journal').invalidate()
  end)
  -- the search index learns about the entry now (a cache: failure is harmless)
  pcall(function()
    require('wol.search').refresh({ paths = { path } })
  end)
  return path
end

-- --------------------------------------------------------------- command

function M.command(opts)
  local circle, rest = commands.take_circle(opts.fargs)
  if rest[1] == 'agenda' and #rest == 1 then
    return M.agenda(circle, { mods = opts.mods })
  elseif #rest > 0 then
    fail('wol: usage: :WolCircle [agenda] [circle=NAME]')
  end
  return M.open(circle, { mods = opts.mods })
end

function M.complete(lead)
  local out = {}
  if ('agenda'):find(lead, 1, true) == 1 then
    table.insert(out, 'agenda')
  end
  local c = require('wol').ctx()
  local names = c and c:circles() or {}
  for _, n in ipairs(type(names) == 'table' and names or {}) do
    local item = 'circle=' .. (type(n) == 'table' and n.name or n)
    if item:find(lead, 1, true) == 1 then
      table.insert(out, item)
    end
  end
  return out
end

return M
