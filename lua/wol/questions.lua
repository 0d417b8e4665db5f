-- Circle questions in the editor: :WolAsk (a question buffer that :w
-- commits and shares), :WolQuestions (a picker), the read-only thread
-- buffer (keys a r t q), :WolAnswer, :WolResolve, and `User WolQuestion`
-- after a sync brings news. All rules live in the C library; this file
-- only deals with buffers, windows and messages.
local commands = require('wol.commands')
local circle = require('wol.circle')
local api = vim.api
local levels = vim.log.levels
local plural = require('wol.ui').plural

local M = {}

local function notify(msg, level)
  commands.notify(msg, level)
end

--- "3m ago" from "YYYY-MM-DDThh:mm:ssZ" (nil -> '').
function M.age(created, now)
  local y, mo, d, h, mi, s = (created or ''):match('^(%d+)-(%d+)-(%d+)T(%d+):(%d+):(%d+)Z$')
  if not y then
    return ''
  end
  now = now or os.time()
  -- os.time reads a table as local time: correct by the zone's offset
  local t = os.time({ year = tonumber(y), month = tonumber(mo), day = tonumber(d), hour = tonumber(h),
    min = tonumber(mi), sec = tonumber(s), isdst = false })
  local offset = os.time(os.date('*t', now)) - os.time(os.date('!*t', now))
  local diff = math.max(0, now - (t + offset))
  if diff < 60 then
    return 'just now'
  elseif diff < 3600 then
    return string.format('%dm ago', math.floor(diff / 60))
  elseif diff < 86400 then
    return string.format('%dh ago', math.floor(diff / 3600))
  end
  return string.format('%dd ago', math.floor(diff / 86400))
end

local fail = require('wol.lib').fail

--- After a commit: push in the background when the sync engine is there.
local function after_write(c, w, what)
  local msg = string.format("wol: %s '%s' in %s (%s)", what, w.title, c:name(), (w.commit or ''):sub(1, 8))
  if not w.has_remote then
    return notify(msg .. '; the circle has no remote, so it stays local')
  end
  local ok, sync = pcall(require, 'wol.sync')
  if ok and type(sync) == 'table' and type(sync.after_share) == 'function' then
    notify(msg)
    sync.after_share(c:name())
  else
    notify(msg .. string.format('; %s will be pushed on the next sync', plural(w.ahead, 'commit')))
  end
end

-- ----------------------------------------------------------- the thread

local function find_buf(name)
  for _, b in ipairs(api.nvim_list_bufs()) do
    if api.nvim_buf_is_valid(b) and api.nvim_buf_get_name(b) == name then
      return b
    end
  end
end

local function short(id)
  return (id or ''):match('%-(%x+)$') or id
end

--- Lines of a thread and, per line, the index of the record it shows.
function M.render(q)
  local lines, map = {}, {}
  local function add(text, rec)
    for l in ((text or '') .. '\n'):gmatch('(.-)\n') do
      table.insert(lines, l)
      map[#lines] = rec
    end
  end
  local head = string.format('%s · asked by %s · %s', q.state, q.author, M.age(q.created))
  if q.about then
    head = head .. ' · about ' .. q.about
  end
  add('# ' .. q.title)
  add(head)
  if q.state == 'resolved' and q.helped then
    add('what helped: ' .. q.helped)
  end
  for i, r in ipairs(q.records or {}) do
    local mark = r.forged and '!! ' or ''
    if r.kind == 'question' then
      add('', i)
      if r.forged then
        add('!! ' .. (r.note or 'forged author'), i)
      end
      if r.retracted then
        add('(retracted by its author)', i)
      else
        add(r.current ~= '' and r.current or '(no details)', i)
        if r.edited then
          add('(edited)', i)
        end
      end
    elseif r.kind == 'answer' then
      add('', i)
      local extra = ''
      if r.thanks > 0 then
        extra = extra .. string.format(' · thanked %s', r.thanks == 1 and 'once' or (r.thanks .. ' times'))
      end
      if r.edited then
        extra = extra .. ' · edited'
      end
      add(string.format('%s## answer by %s · %s%s  [%s]', mark, r.author, M.age(r.created), extra, short(r.id)), i)
      if r.forged then
        add('!! ' .. (r.note or 'forged author'), i)
      end
      add(r.retracted and '(retracted by its author)' or r.current, i)
    else
      local what = ({ resolve = 'resolved', reopen = 'reopened', retract = 'retracted', edit = 'edited',
        thanks = 'thanked' })[r.kind] or r.kind
      local target = r.target and ('the answer ' .. short(r.target)) or 'the question'
      local line = string.format('%s-- %s %s %s · %s', mark, r.author, what, target, M.age(r.created))
      if r.text ~= '' and r.kind ~= 'edit' then
        line = line .. ': ' .. r.text:gsub('\n', ' ')
      end
      if r.ignored then
        line = line .. '  (ignored: ' .. (r.note or '') .. ')'
      elseif r.forged then
        line = line .. '  (' .. (r.note or 'forged author') .. ')'
      end
      add('', i)
      add(line, i)
    end
    if r.outside then -- a record written once, changed or removed with plain git
      add('!! ' .. r.outside, i)
    end
  end
  if #(q.warnings or {}) > 0 then
    add('')
    for _, w in ipairs(q.warnings) do
      add('!! ' .. w)
    end
  end
  add('')
  add('a answer · r ' .. (q.state == 'resolved' and 'reopen' or 'resolve') .. ' · t thank the answer under the cursor · q close')
  return lines, map
end

local function thread_state(buf)
  local ok, st = pcall(api.nvim_buf_get_var, buf, 'wol_thread')
  return ok and st or nil
end

local function draw(buf, q, circle_name)
  local lines, map = M.render(q)
  vim.bo[buf].modifiable = true
  api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.bo[buf].modifiable = false
  vim.bo[buf].modified = false
  local recs = {}
  for i, r in ipairs(q.records or {}) do
    recs[i] = { kind = r.kind, id = r.id, author = r.author }
  end
  -- map keys as strings: a sparse list does not survive the conversion
  local smap = {}
  for l, i in pairs(map) do
    smap[tostring(l)] = i
  end
  api.nvim_buf_set_var(buf, 'wol_thread', { qid = q.id, circle = circle_name, state = q.state,
    author = q.author, mine = q.mine, title = q.title, records = recs, lines = smap })
end

local function load(circle_name, ref)
  local c = circle.open(circle_name)
  local q, err = c:question(ref)
  if not q then
    fail(err)
  end
  return c, q
end

--- Opens (or refreshes) the thread buffer of question `ref` in the
--- current window.
function M.open_thread(ref, circle_name)
  local c, q = load(circle_name, ref)
  local name = 'wol://question/' .. q.id
  local buf = find_buf(name)
  if not buf then
    buf = api.nvim_create_buf(true, true)
    api.nvim_buf_set_name(buf, name)
    vim.bo[buf].buftype = 'nofile'
    vim.bo[buf].bufhidden = 'hide'
    vim.bo[buf].swapfile = false
    vim.bo[buf].modeline = false
    local o = { buffer = buf, nowait = true, silent = true }
    vim.keymap.set('n', 'a', function() commands.guard(M.answer, { fargs = {}, args = '' }) end,
      vim.tbl_extend('force', o, { desc = 'wol: answer this question' }))
    vim.keymap.set('n', 'r', function() M.toggle(buf) end,
      vim.tbl_extend('force', o, { desc = 'wol: resolve or reopen (asker only)' }))
    vim.keymap.set('n', 't', function() M.thank_at_cursor(buf) end,
      vim.tbl_extend('force', o, { desc = 'wol: thank the answer under the cursor' }))
    vim.keymap.set('n', 'q', function() M.close(buf) end, vim.tbl_extend('force', o, { desc = 'wol: close' }))
  end
  draw(buf, q, c:name())
  api.nvim_win_set_buf(0, buf)
  vim.bo[buf].filetype = 'wolthread'
  for _, w in ipairs(q.warnings or {}) do
    notify(w, levels.WARN)
  end
  return buf, q
end

function M.refresh(qid)
  local buf = find_buf('wol://question/' .. qid)
  local st = buf and thread_state(buf)
  if st then
    local ok, c, q = pcall(load, st.circle, qid)
    if ok then
      draw(buf, q, c:name())
    end
  end
end

function M.close(buf)
  buf = buf or api.nvim_get_current_buf()
  if #api.nvim_list_wins() > 1 then
    pcall(api.nvim_win_close, 0, false)
  else
    vim.cmd('enew')
  end
  if api.nvim_buf_is_valid(buf) then
    pcall(api.nvim_buf_delete, buf, { force = true })
  end
end

--- The answer record under the cursor of a thread buffer, or nil.
function M.record_at_cursor(buf)
  local st = thread_state(buf)
  if not st then
    return nil
  end
  local line = api.nvim_win_get_cursor(0)[1]
  local i = st.lines[tostring(line)]
  return i and st.records[i] or nil, st
end

function M.thank_at_cursor(buf)
  local ok, err = pcall(function()
    local rec, st = M.record_at_cursor(buf)
    if not rec or rec.kind ~= 'answer' then
      fail('wol: thanks: put the cursor on an answer first')
    end
    local c = circle.open(st.circle)
    local w, e = c:question_event(st.qid, 'thanks', { target = rec.id })
    if not w then
      fail(e)
    end
    after_write(c, w, 'thanked ' .. rec.author .. ' for an answer to')
    M.refresh(st.qid)
  end)
  if not ok then
    notify(tostring(err), levels.ERROR)
  end
end

local function resolve(st, text)
  local c = circle.open(st.circle)
  local w, e = c:question_event(st.qid, 'resolve', { body = text })
  if not w then
    fail(e)
  end
  after_write(c, w, 'resolved')
  M.refresh(st.qid)
end

--- `r`: resolve (asking what helped) or reopen, the asker only.
function M.toggle(buf)
  local ok, err = pcall(function()
    local st = thread_state(buf)
    if not st then
      return
    end
    if not st.mine then
      fail(string.format("wol: only the asker (%s) can resolve or reopen '%s'", st.author, st.title))
    end
    if st.state == 'resolved' then
      local c = circle.open(st.circle)
      local w, e = c:question_event(st.qid, 'reopen')
      if not w then
        fail(e)
      end
      after_write(c, w, 'reopened')
      return M.refresh(st.qid)
    end
    vim.ui.input({ prompt = 'What helped? (optional) ' }, function(text)
      if text == nil then
        return notify('wol: resolve cancelled')
      end
      local rok, rerr = pcall(resolve, st, text)
      if not rok then
        notify(tostring(rerr), levels.ERROR)
      end
    end)
  end)
  if not ok then
    notify(tostring(err), levels.ERROR)
  end
end

-- ----------------------------------------------------- writing buffers

local counter = 0

local function scratch_writer(name, ft, on_write)
  local buf = api.nvim_create_buf(true, false)
  api.nvim_buf_set_name(buf, name)
  vim.bo[buf].buftype = 'acwrite'
  vim.bo[buf].bufhidden = 'wipe'
  vim.bo[buf].swapfile = false
  vim.bo[buf].modeline = false
  vim.bo[buf].filetype = ft
  api.nvim_create_autocmd('BufWriteCmd', {
    buffer = buf,
    callback = function()
      local ok, err = pcall(on_write, buf)
      if not ok then
        -- nothing was committed: the buffer keeps its text and stays modified
        notify(tostring(err), levels.ERROR)
      end
    end,
  })
  return buf
end

--- Splits an ask buffer: title line (a leading '#' is dropped), an
--- optional "about: PATH" line, then the body.
function M.parse_ask(lines)
  local title = (lines[1] or ''):gsub('^#+%s*', '')
  local i, about = 2, nil
  local a = (lines[2] or ''):match('^about:%s*(.-)%s*$')
  if a then
    about = a ~= '' and a or nil
    i = 3
  end
  local body = table.concat(vim.list_slice(lines, i), '\n')
  return title, body, about
end

local function ask_write(buf)
  local st = api.nvim_buf_get_var(buf, 'wol_ask')
  local title, body, about = M.parse_ask(api.nvim_buf_get_lines(buf, 0, -1, false))
  local c = circle.open(st.circle)
  local w, err = c:ask({ title = title, body = body, about = about })
  if not w then
    fail(err)
  end
  vim.bo[buf].modified = false
  after_write(c, w, 'asked')
  -- show the new thread in place of the question buffer
  vim.schedule(function()
    local win = api.nvim_buf_is_valid(buf) and vim.fn.bufwinid(buf) or -1
    if win == -1 then
      return -- the question buffer is gone already: nothing to replace
    end
    api.nvim_set_current_win(win)
    local ok, e = pcall(M.open_thread, w.qid, c:name())
    if not ok then
      notify(tostring(e), levels.ERROR)
    end
    if api.nvim_buf_is_valid(buf) then
      pcall(api.nvim_buf_delete, buf, { force = true })
    end
  end)
end

--- :WolAsk [title]: a new question buffer; :w asks, quitting drops it.
function M.ask(opts)
  local name, rest = commands.take_circle(opts.fargs)
  local about
  -- asked from a shared note: the question is about it
  local here = api.nvim_buf_get_name(0)
  local in_circle, rel = circle.locate(here)
  if in_circle and rel and rel:match('^notes/') and (not name or name == in_circle) then
    name = in_circle
    about = rel
  end
  local c = circle.open(name)
  counter = counter + 1
  local buf = scratch_writer(string.format('wol://ask/%s/%d', c:name(), counter), 'markdown', ask_write)
  api.nvim_buf_set_var(buf, 'wol_ask', { circle = c:name() })
  local lines = { table.concat(rest, ' ') }
  if about then
    table.insert(lines, 'about: ' .. about)
  end
  table.insert(lines, '')
  table.insert(lines, '')
  api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.bo[buf].modified = false
  vim.cmd((opts.mods and opts.mods ~= '' and opts.mods or '') .. ' split')
  api.nvim_win_set_buf(0, buf)
  api.nvim_win_set_cursor(0, { #rest > 0 and #lines or 1, 0 })
  notify('wol: first line the title, then the details; :w asks the circle, :q! drops it')
  return buf
end

local function answer_write(buf)
  local st = api.nvim_buf_get_var(buf, 'wol_answer')
  local text = table.concat(api.nvim_buf_get_lines(buf, 0, -1, false), '\n')
  local c = circle.open(st.circle)
  local w, err = c:answer(st.qid, text)
  if not w then
    fail(err)
  end
  vim.bo[buf].modified = false
  after_write(c, w, 'answered')
  M.refresh(st.qid)
  vim.schedule(function()
    if api.nvim_buf_is_valid(buf) then
      local win = vim.fn.bufwinid(buf)
      if win ~= -1 and #api.nvim_list_wins() > 1 then
        pcall(api.nvim_win_close, win, true)
      end
      pcall(api.nvim_buf_delete, buf, { force = true })
    end
  end)
end

--- An answer buffer for question qid; :w commits and shares.
function M.answer_buffer(qid, circle_name)
  local c, q = load(circle_name, qid)
  if q.state == 'retracted' then
    fail(string.format("wol: answer: %s retracted '%s'", q.author, q.title))
  end
  local name = 'wol://answer/' .. q.id
  local buf = find_buf(name)
  if not buf then
    buf = scratch_writer(name, 'markdown', answer_write)
    api.nvim_buf_set_var(buf, 'wol_answer', { circle = c:name(), qid = q.id })
  end
  vim.cmd('belowright split')
  api.nvim_win_set_buf(0, buf)
  notify(string.format("wol: answering '%s' (%s); :w shares the answer, :q! drops it", q.title, q.author))
  return buf
end

-- ------------------------------------------------------------- pickers

--- :WolQuestions [open|mine|all]
function M.list(opts)
  local name, rest = commands.take_circle(opts.fargs)
  local which = rest[1] or 'open'
  local filter = ({ open = { state = 'open' }, mine = { state = 'all', mine = true }, all = { state = 'all' },
    resolved = { state = 'resolved' } })[which]
  if not filter then
    fail(string.format("wol: questions: '%s' is not one of open, mine, all", which))
  end
  local c = circle.open(name)
  local qs, warnings = c:questions(filter)
  if not qs then
    fail(warnings)
  end
  for _, w in ipairs(warnings or {}) do
    notify(w, levels.WARN)
  end
  if #qs == 0 then
    return notify(string.format('wol: no %squestions in %s (ask one: :WolAsk)', which == 'all' and '' or (which .. ' '),
      c:name()))
  end
  local cname = c:name()
  vim.ui.select(qs, {
    prompt = string.format('Questions in %s', cname),
    kind = 'wol_question',
    format_item = function(q)
      return string.format('[%s] %s: %s (%s, %s)', q.state, q.author, q.title, plural(q.answers, 'answer'),
        M.age(q.created))
    end,
  }, function(choice)
    if choice then
      local ok, err = pcall(M.open_thread, choice.id, cname)
      if not ok then
        notify(tostring(err), levels.ERROR)
      end
    end
  end)
end

local function current_thread()
  return thread_state(api.nvim_get_current_buf())
end

--- :WolAnswer [qid]: from a thread buffer, or the given / picked question.
function M.answer(opts)
  local name, rest = commands.take_circle(opts.fargs)
  local st = current_thread()
  if rest[1] then
    return M.answer_buffer(rest[1], name)
  elseif st then
    return M.answer_buffer(st.qid, st.circle)
  end
  local c = circle.open(name)
  local qs = c:questions({ state = 'open' }) or {}
  if #qs == 0 then
    return notify('wol: no open questions to answer in ' .. c:name())
  end
  local cname = c:name()
  vim.ui.select(qs, {
    prompt = 'Answer which question?',
    format_item = function(q)
      return string.format('%s: %s (%s)', q.author, q.title, plural(q.answers, 'answer'))
    end,
  }, function(choice)
    if choice then
      local ok, err = pcall(M.answer_buffer, choice.id, cname)
      if not ok then
        notify(tostring(err), levels.ERROR)
      end
    end
  end)
end

--- :WolResolve [what helped]: the question of this thread buffer, or one
--- of my open questions.
function M.resolve_cmd(opts)
  local name, rest = commands.take_circle(opts.fargs)
  local text = table.concat(rest, ' ')
  local st = current_thread()
  if st then
    if not st.mine then
      fail(string.format("wol: resolve: only the asker (%s) can resolve '%s'", st.author, st.title))
    end
    return resolve(st, text)
  end
  local c = circle.open(name)
  local qs = c:questions({ state = 'open', mine = true }) or {}
  if #qs == 0 then
    return notify('wol: you have no open questions in ' .. c:name())
  end
  local cname = c:name()
  vim.ui.select(qs, {
    prompt = 'Resolve which question?',
    format_item = function(q)
      return string.format('%s (%s)', q.title, plural(q.answers, 'answer'))
    end,
  }, function(choice)
    if choice then
      local ok, err = pcall(resolve, { circle = cname, qid = choice.id }, text)
      if not ok then
        notify(tostring(err), levels.ERROR)
      end
    end
  end)
end

-- ------------------------------------------------------------------ news

--- After a sync (User WolSynced): new questions by others and new
--- answers to mine fire `User WolQuestion` (data: circle, questions,
--- answers) and add a line to the digest.
function M.on_synced(args)
  local data = type(args) == 'table' and type(args.data) == 'table' and args.data or {}
  local sync = package.loaded['wol.sync']
  local last = type(sync) == 'table' and type(sync.last) == 'table' and sync.last or nil
  local ok, c = pcall(circle.open, data.circle or (last and last.circle))
  if not ok then
    return
  end
  local news = c:question_news(true)
  if not news or (#news.questions == 0 and #news.answers == 0) then
    return
  end
  local parts = {}
  if #news.questions > 0 then
    table.insert(parts, plural(#news.questions, 'new question'))
  end
  if #news.answers > 0 then
    table.insert(parts, plural(#news.answers, 'new answer') .. ' to your questions')
  end
  if not (last and last.digest) then -- the sync digest says it already
    notify(string.format('wol: %s in %s (:WolQuestions)', table.concat(parts, ', '), c:name()))
  end
  local payload = { circle = c:name(), questions = news.questions, answers = news.answers }
  M.last_news = payload
  for _, a in ipairs(news.answers) do
    M.refresh(a:match('^([^/]+)/'))
  end
  -- Neovim 0.7 passes no data: handlers read require('wol.questions').last_news
  require('wol.compat').user_event('WolQuestion', payload)
end

return M
