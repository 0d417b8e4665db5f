-- Feedback on shared notes in the editor: signs and end-of-line text on
-- the lines feedback is about (the full text below them with
-- feedback.inline = "full"), ]f / [f and K in note buffers, :WolComment,
-- :WolReact, the :WolFeedback thread buffer (r x <CR> q) and `User
-- WolFeedback` after a sync brings feedback on your notes. The rules, the
-- records and where each item sits in the note now come from the C
-- library (circle:feedback); this file only draws and asks.
local commands = require('wol.commands')
local circle = require('wol.circle')
local api = vim.api
local levels = vim.log.levels

local M = {}

M.ns = api.nvim_create_namespace('wol_feedback')

-- buf -> { circle =, rel =, items =, lines = { sorted start lines }, tick = }
local state = {}

local function notify(msg, level)
  commands.notify(msg, level)
end

local lib = require('wol.lib')

-- a failure the user reads (lib.fail: a message and a code), never a bug
local function fail(msg, code)
  lib.fail(msg, code)
end

-- a "wol: ..." error from a key or an autocommand becomes one notification
local guard = commands.guard

local function options()
  local ok, wol = pcall(require, 'wol')
  local o = ok and wol.options and wol.options() or {}
  return o.feedback or {}
end

--- One line of at most `max` characters for virtual text: control
--- characters (a record is text from another member) become spaces.
function M.clean(s, max)
  s = tostring(s or ''):gsub('[%c\127]', ' '):gsub('%s+', ' '):gsub('^ ', '')
  if max and #s > max then
    -- cut on a character boundary
    local cut = max
    while cut > 0 and s:byte(cut + 1) and s:byte(cut + 1) >= 0x80 and s:byte(cut + 1) < 0xC0 do
      cut = cut - 1
    end
    s = s:sub(1, cut) .. '…'
  end
  return s
end

-- Whether rel (relative to a circle) is a shared note, notes/<handle>/<name>.md:
-- the layout's rule (csrc/format/layout.c), asked through core.place.
local function is_note(rel)
  local core = rel and lib.core()
  local place = core and core.place(rel)
  return place ~= nil and place.kind == 'note' and place.listed == true
end

local function buffer_text(buf)
  local lines = api.nvim_buf_get_lines(buf, 0, -1, false)
  local text = table.concat(lines, '\n')
  if #lines > 0 and (vim.bo[buf].eol or vim.bo[buf].fixeol) then
    text = text .. '\n'
  end
  return text
end

--- The circle and the note path (notes/<handle>/<name>.md) of a buffer,
--- or nil and why it is not a shared note.
function M.note_of(buf, what)
  buf = (buf == nil or buf == 0) and api.nvim_get_current_buf() or buf
  local share = require('wol.share')
  if type(share.check_buffer) == 'function' then
    local ok, err = share.check_buffer(buf, what)
    if not ok then
      return nil, err
    end
  end
  local name = api.nvim_buf_get_name(buf)
  local c, rel = circle.locate(name)
  if not c or not is_note(rel) then
    return nil, string.format('wol: %s: %s is not a shared note (notes/<handle>/<name>.md in a circle); '
      .. 'open one with :WolNotes', what, name ~= '' and vim.fn.fnamemodify(name, ':~:.') or 'this buffer')
  end
  return c, rel
end

-- ------------------------------------------------------------- reading

local function kind_word(it)
  if it.reaction then
    return it.reaction
  end
  return it.reply_to and 'reply' or it.kind
end

--- Threads of a feedback listing: { root = item, items = { ... } } in
--- the listing's order (the root first).
function M.threads(items)
  local by, list = {}, {}
  for _, it in ipairs(items) do
    local t = by[it.thread]
    if not t then
      t = { items = {} }
      by[it.thread] = t
      list[#list + 1] = t
    end
    if it.id == it.thread then
      t.root = it
      table.insert(t.items, 1, it)
    else
      t.items[#t.items + 1] = it
    end
  end
  for _, t in ipairs(list) do
    t.root = t.root or t.items[1]
  end
  return list
end

local function load(buf, check)
  local st = state[buf]
  local c = circle.open(st.circle)
  local fb = lib.check(c:feedback({ note = st.rel, text = buffer_text(buf), check = check }))
  return fb, c
end

-- ------------------------------------------------------------- drawing

-- Extmark keys this Neovim knows: probed once, on the first drawing.
local feature = {}

local function set_mark(buf, line, opts)
  if feature.invalidate == nil then
    -- `invalidate` (0.10+) hides a mark whose line is deleted while the
    -- note is edited; 0.7 does not know the key
    feature.invalidate = pcall(api.nvim_buf_set_extmark, buf, M.ns, line, 0,
      vim.tbl_extend('force', opts, { invalidate = true }))
    if feature.invalidate then
      return
    end
  end
  if feature.invalidate then
    opts.invalidate = true
  end
  api.nvim_buf_set_extmark(buf, M.ns, line, 0, opts)
end

local function words(it, max)
  local text = M.clean(it.text, max)
  if it.reaction then
    return text ~= '' and (it.reaction .. ' ' .. text) or it.reaction
  end
  return text
end

--- Draws the items of `fb` into `buf`: a sign on every line an item is
--- about, the count and the first words at the end of the line a thread
--- starts on, and (inline = "full") the text of each thread below its
--- last line. Odd places are clamped to the buffer; nothing raises.
function M.draw(buf, fb, inline)
  inline = inline or options().inline or 'count'
  api.nvim_buf_clear_namespace(buf, M.ns, 0, -1)
  local nlines = api.nvim_buf_line_count(buf)
  local function clamp(n)
    n = math.floor(tonumber(n) or 1)
    return n < 1 and 1 or (n > nlines and nlines or n)
  end
  -- lines covered (a difference array: items may span many lines)
  local cover, stale = {}, {}
  local starts = {} -- line -> list of threads starting there
  local threads = M.threads(fb.items or {})
  for _, t in ipairs(threads) do
    local r = t.root
    local s, e = clamp(r.start), clamp(r['end'])
    if e < s then
      e = s
    end
    t.s, t.e = s, e
    local old = r.anchor ~= 'current' and r.anchor ~= 'note'
    t.outdated = old
    local key = old and stale or cover
    key[s] = (key[s] or 0) + 1
    key[e + 1] = (key[e + 1] or 0) - 1
    local list = starts[s]
    if not list then
      list = {}
      starts[s] = list
    end
    list[#list + 1] = t
  end
  local lines = {}
  local run, runold = 0, 0
  for l = 1, nlines do
    run = run + (cover[l] or 0)
    runold = runold + (stale[l] or 0)
    local here = starts[l]
    if run > 0 or runold > 0 or here then
      local opts = {
        sign_text = here and (run > 0 and '»' or '~') or '│',
        sign_hl_group = run > 0 and 'WolFeedback' or 'WolFeedbackOutdated',
      }
      if here then
        lines[#lines + 1] = l
        local n, open, old = 0, 0, true
        for _, t in ipairs(here) do
          n = n + #t.items
          old = old and t.outdated
          if not t.root.addressed then
            open = open + 1
          end
        end
        local first = here[1].root
        local label = string.format(' %d · %s: %s', n, M.clean(first.author, 40), words(first, 60))
        if #here > 1 then
          label = label .. string.format(' (+%d more)', #here - 1)
        end
        if open == 0 then
          label = label .. ' · addressed'
        end
        if old then
          label = label .. ' · outdated'
        end
        opts.virt_text = { { label, old and 'WolFeedbackOutdated' or 'WolFeedback' } }
        opts.virt_text_pos = 'eol'
      end
      set_mark(buf, l - 1, opts)
    end
  end
  if inline == 'full' and feature.virt_lines ~= false then
    for _, t in ipairs(threads) do
      local vl = {}
      for _, it in ipairs(t.items) do
        local head = string.format('  ┃ %s · %s%s%s', M.clean(it.author, 40), kind_word(it),
          it.addressed and ' · addressed' or '', t.outdated and ' · outdated' or '')
        vl[#vl + 1] = { { head, t.outdated and 'WolFeedbackOutdated' or 'WolFeedback' } }
        local k = 0
        for line in (tostring(it.text or '') .. '\n'):gmatch('(.-)\n') do
          k = k + 1
          if k > 10 then
            vl[#vl + 1] = { { '  ┃   …', 'WolFeedbackOutdated' } }
            break
          end
          if line ~= '' then
            vl[#vl + 1] = { { '  ┃   ' .. M.clean(line, 200), 'Comment' } }
          end
        end
      end
      local ok = pcall(api.nvim_buf_set_extmark, buf, M.ns, t.e - 1, 0, { virt_lines = vl })
      if not ok and feature.virt_lines == nil then
        feature.virt_lines = false -- this Neovim has no virt_lines: the end-of-line text stays
        break
      end
      feature.virt_lines = true
    end
  end
  local st = state[buf]
  if st then
    st.items = fb.items
    st.threads = threads
    st.lines = lines
  end
  return #lines
end

--- (Re)reads and draws the feedback of a note buffer.
function M.refresh(buf)
  buf = (buf == nil or buf == 0) and api.nvim_get_current_buf() or buf
  if not state[buf] or not api.nvim_buf_is_valid(buf) then
    return
  end
  local fb = load(buf)
  for _, w in ipairs(fb.warnings or {}) do
    notify(w, levels.WARN)
  end
  M.draw(buf, fb)
  return fb
end

--- Attaches to a note buffer (BufReadPost of a circle's notes/): keys
--- ]f [f K and the drawing. Files that are not shared notes are left alone.
function M.attach(buf)
  buf = (buf == nil or buf == 0) and api.nvim_get_current_buf() or buf
  local name = api.nvim_buf_get_name(buf)
  local c, rel = circle.locate(name)
  if not c or not is_note(rel) then
    return
  end
  local fresh = state[buf] == nil
  state[buf] = { circle = c, rel = rel, items = {}, lines = {} }
  if fresh then
    local o = { buffer = buf, silent = true }
    vim.keymap.set('n', ']f', function()
      guard(M.jump, buf, 1)
    end, vim.tbl_extend('force', o, { desc = 'wol: next feedback' }))
    vim.keymap.set('n', '[f', function()
      guard(M.jump, buf, -1)
    end, vim.tbl_extend('force', o, { desc = 'wol: previous feedback' }))
    vim.keymap.set('n', 'K', function()
      guard(M.hover, buf)
    end, vim.tbl_extend('force', o, { desc = 'wol: the feedback on this line' }))
    api.nvim_create_autocmd({ 'BufWipeout', 'BufDelete' }, {
      buffer = buf,
      once = true,
      callback = function()
        state[buf] = nil
      end,
    })
  end
  local ok, err = pcall(M.refresh, buf)
  if not ok then
    notify(tostring(err), levels.WARN)
  end
end

--- Buffers showing notes of `circle_name` (all circles when nil).
function M.attached(circle_name)
  local out = {}
  for buf, st in pairs(state) do
    if api.nvim_buf_is_valid(buf) and (circle_name == nil or st.circle == circle_name) then
      out[#out + 1] = buf
    end
  end
  table.sort(out)
  return out
end

-- ----------------------------------------------------- moving, reading

--- ]f / [f: the next (dir 1) or previous (dir -1) line feedback starts on.
function M.jump(buf, dir)
  local st = state[buf]
  local lines = st and st.lines or {}
  local cur = api.nvim_win_get_cursor(0)[1]
  local target
  if dir > 0 then
    for _, l in ipairs(lines) do
      if l > cur then
        target = l
        break
      end
    end
  else
    for i = #lines, 1, -1 do
      if lines[i] < cur then
        target = lines[i]
        break
      end
    end
  end
  if not target then
    return notify(string.format('wol: no %s feedback in this note', dir > 0 and 'later' or 'earlier'))
  end
  api.nvim_win_set_cursor(0, { target, 0 })
end

--- The lines showing a thread: a heading, each item's text, its state.
function M.thread_lines(t, out, map)
  local function add(text, it)
    out[#out + 1] = text
    if map then
      map[#out] = it
    end
  end
  local r = t.root
  local where = r.anchor == 'note' and 'the whole note'
    or (r.start == r['end'] and ('line ' .. r.start) or string.format('lines %d-%d', r.start, r['end']))
  if r.anchor == 'outdated' then
    where = where .. ', outdated (its lines changed)'
  elseif r.anchor == 'unknown' then
    where = where .. ', outdated (written on a version this clone lacks)'
  elseif r.anchor == 'orphaned' then
    where = where .. ' of a note that is gone'
  end
  for i, it in ipairs(t.items) do
    local age = require('wol.questions').age(it.created)
    local head = string.format('%s%s %s · %s%s  [%s]', i == 1 and '## ' or '   ↳ ', M.clean(it.author, 40),
      kind_word(it), age, i == 1 and (' · ' .. where) or '', M.clean(it.id, 100))
    if it.forged then
      head = '!! ' .. head
    end
    add(head, it)
    if it.forged or it.problem then
      add('   !! ' .. M.clean(it.problem or 'forged author', 300), it)
    end
    for line in (tostring(it.text or '') .. '\n'):gmatch('(.-)\n') do
      add((i == 1 and '' or '     ') .. line:gsub('[%c\127]', ' '), it)
    end
    if it.addressed then
      add(string.format('%s✓ addressed%s', i == 1 and '' or '     ',
        it.addressed_text and (': ' .. M.clean(it.addressed_text, 300)) or ''), it)
    end
  end
end

--- K: the threads on the cursor's line in a float.
function M.hover(buf)
  local st = state[buf]
  if not st then
    return
  end
  local line = api.nvim_win_get_cursor(0)[1]
  local fb = load(buf, true)
  M.draw(buf, fb)
  local out = {}
  local nlines = api.nvim_buf_line_count(buf)
  for _, t in ipairs(state[buf].threads or {}) do
    local s = math.max(1, math.min(t.root.start or 1, nlines))
    local e = math.max(s, math.min(t.root['end'] or s, nlines))
    if line >= s and line <= e then
      if #out > 0 then
        out[#out + 1] = ''
      end
      M.thread_lines(t, out)
    end
  end
  if #out == 0 then
    return notify('wol: no feedback on this line (]f goes to the next)')
  end
  local width = 20
  for _, l in ipairs(out) do
    width = math.max(width, vim.fn.strdisplaywidth(l))
  end
  local fbuf = api.nvim_create_buf(false, true)
  api.nvim_buf_set_lines(fbuf, 0, -1, false, out)
  vim.bo[fbuf].modifiable = false
  vim.bo[fbuf].bufhidden = 'wipe'
  vim.bo[fbuf].filetype = 'markdown'
  local win = api.nvim_open_win(fbuf, false, {
    relative = 'cursor',
    row = 1,
    col = 0,
    width = math.min(width, math.max(20, vim.o.columns - 4)),
    height = math.min(#out, math.max(3, vim.o.lines - 6)),
    style = 'minimal',
    border = 'rounded',
    focusable = true,
  })
  api.nvim_win_set_option(win, 'wrap', true)
  -- gone when the cursor moves or the buffer is left, like a hover
  api.nvim_create_autocmd({ 'CursorMoved', 'CursorMovedI', 'BufLeave', 'InsertEnter' }, {
    buffer = buf,
    once = true,
    callback = function()
      if api.nvim_win_is_valid(win) then
        api.nvim_win_close(win, true)
      end
    end,
  })
  M.float = win
  return win, out
end

-- ------------------------------------------------------------- writing

local function after_write(c, w, what)
  local msg = string.format('wol: %s %s (%s)', what, w.note or w.note_id or '', (w.commit or ''):sub(1, 8))
  if not w.has_remote then
    notify(msg .. '; the circle has no remote, so it stays local')
  else
    local ok, sync = pcall(require, 'wol.sync')
    if ok and type(sync) == 'table' and type(sync.after_share) == 'function' then
      notify(msg)
      sync.after_share(c:name())
    else
      notify(msg .. string.format('; %d commit%s will be pushed on the next sync', w.ahead, w.ahead == 1 and '' or 's'))
    end
  end
  -- everything showing this note draws again
  for _, b in ipairs(M.attached(c:name())) do
    if state[b].rel == w.note then
      pcall(M.refresh, b)
    end
  end
  M.redraw_lists(c:name())
end

local function write(c, opts, what)
  local w = lib.check(c:comment(opts))
  after_write(c, w, what)
  return w
end

local function range_of(opts, whole)
  if opts.range and opts.range > 0 then
    return opts.line1, opts.line2
  end
  if whole then
    return nil, nil
  end
  local l = api.nvim_win_get_cursor(0)[1]
  return l, l
end

local function check_saved(buf, what)
  if vim.bo[buf].modified then
    fail(string.format('wol: %s: the note has changes that are not written; :w it first', what))
  end
end

local counter = 0

--- A small buffer for the text; :w commits the feedback described by
--- `target` ({ circle =, note =, line1 =, line2 =, kind =, reply_to = }).
function M.compose(target, mods)
  counter = counter + 1
  local buf = api.nvim_create_buf(true, false)
  api.nvim_buf_set_name(buf, string.format('wol://comment/%s/%d', target.circle, counter))
  vim.bo[buf].buftype = 'acwrite'
  vim.bo[buf].bufhidden = 'wipe'
  vim.bo[buf].swapfile = false
  vim.bo[buf].modeline = false
  vim.bo[buf].filetype = 'markdown'
  vim.b[buf].wol_comment = target
  api.nvim_create_autocmd('BufWriteCmd', {
    buffer = buf,
    callback = function()
      guard(function()
        local t = vim.b[buf].wol_comment
        local text = table.concat(api.nvim_buf_get_lines(buf, 0, -1, false), '\n')
        local c = circle.open(t.circle)
        write(c, { note = t.note, line1 = t.line1, line2 = t.line2, kind = t.kind, text = text,
          reply_to = t.reply_to }, t.reply_to and 'replied on' or 'commented on')
        vim.bo[buf].modified = false
        vim.schedule(function()
          local win = vim.fn.bufwinid(buf)
          if win ~= -1 and #api.nvim_list_wins() > 1 then
            pcall(api.nvim_win_close, win, true)
          end
          if api.nvim_buf_is_valid(buf) then
            pcall(api.nvim_buf_delete, buf, { force = true })
          end
        end)
      end)
    end,
  })
  vim.cmd((mods and mods ~= '' and mods or 'belowright') .. ' 8split')
  api.nvim_win_set_buf(0, buf)
  local where = target.reply_to and ('a reply to ' .. target.reply_to)
    or (target.line1 and string.format('lines %d-%d of %s', target.line1, target.line2, target.note))
    or ('the whole of ' .. target.note)
  notify(string.format('wol: %s on %s; :w commits it, :q! drops it', target.kind or 'comment', where))
  return buf
end

--- :[range]WolComment [text]: feedback on the note in this buffer (the
--- range's lines; the whole note without a range). Without text, a small
--- buffer opens for it. `suggest` as the first word makes a suggestion.
function M.comment(opts)
  local buf = api.nvim_get_current_buf()
  local name, rest = commands.take_circle(opts.fargs)
  local c, rel = M.note_of(buf, 'comment')
  if not c then
    fail(rel)
  end
  if name and name ~= c then
    fail(string.format("wol: comment: this note is in circle '%s', not '%s'", c, name))
  end
  check_saved(buf, 'comment')
  local kind = 'comment'
  if rest[1] == 'suggest' or rest[1] == 'suggestion' then
    kind = 'suggestion'
    table.remove(rest, 1)
  end
  local l1, l2 = range_of(opts, true)
  local text = table.concat(rest, ' ')
  if text == '' then
    return M.compose({ circle = c, note = rel, line1 = l1, line2 = l2, kind = kind }, opts.mods)
  end
  return write(circle.open(c), { note = rel, line1 = l1, line2 = l2, kind = kind, text = text },
    kind == 'suggestion' and 'suggested on' or 'commented on')
end

--- :[range]WolReact {reaction} [text]: a reaction on the current line (or
--- the range).
function M.react(opts)
  local buf = api.nvim_get_current_buf()
  local _, rest = commands.take_circle(opts.fargs)
  local c, rel = M.note_of(buf, 'react')
  if not c then
    fail(rel)
  end
  check_saved(buf, 'react')
  local reaction = table.remove(rest, 1)
  if not reaction then
    fail('wol: react: name a reaction: ' .. table.concat(lib.core().feedback_reactions(), ', '))
  end
  local l1, l2 = range_of(opts, false)
  return write(circle.open(c), { note = rel, line1 = l1, line2 = l2, kind = 'reaction', reaction = reaction,
    text = #rest > 0 and table.concat(rest, ' ') or nil }, 'reacted on')
end

function M.complete_reaction(lead)
  local out = {}
  local core = lib.core()
  for _, r in ipairs(core and core.feedback_reactions() or {}) do
    if r:sub(1, #(lead or '')) == (lead or '') then
      out[#out + 1] = r
    end
  end
  return out
end

-- --------------------------------------------------- the thread buffer

local function list_name(c, what)
  return string.format('wol://feedback/%s/%s', c, what)
end

local function find_buf(name)
  for _, b in ipairs(api.nvim_list_bufs()) do
    if api.nvim_buf_is_valid(b) and api.nvim_buf_get_name(b) == name then
      return b
    end
  end
end

-- list buffer -> { circle =, note = rel or nil (mine), map = line -> item }
local lists = {}

local function render_list(buf)
  local ls = lists[buf]
  local c = circle.open(ls.circle)
  local fb
  if ls.note then
    fb = lib.check(c:feedback({ note = ls.note, check = true }))
  else
    fb = lib.check(c:feedback({ mine = true, check = true }))
  end
  local out, map = {}, {}
  if ls.note then
    out[1] = string.format('# Feedback on %s (%s by %s)', M.clean(fb.note_title, 200), fb.note, fb.note_author)
  else
    out[1] = '# Feedback on my notes, newest first'
  end
  local threads = M.threads(fb.items)
  if #threads == 0 then
    out[#out + 1] = ''
    out[#out + 1] = 'No feedback yet.'
  end
  local last_note
  for _, t in ipairs(threads) do
    if not ls.note and t.root.note_id ~= last_note then
      last_note = t.root.note_id
      out[#out + 1] = ''
      out[#out + 1] = string.format('# %s (%s)', M.clean(t.root.note_title or t.root.wrote_on or t.root.note_id, 200),
        t.root.note or 'gone: orphaned')
    end
    out[#out + 1] = ''
    M.thread_lines(t, out, map)
  end
  for _, w in ipairs(fb.warnings or {}) do
    out[#out + 1] = '!! ' .. M.clean(w, 400)
  end
  out[#out + 1] = ''
  out[#out + 1] = 'r reply · x mark addressed (your notes) · <CR> go to the lines · q close'
  vim.bo[buf].modifiable = true
  api.nvim_buf_set_lines(buf, 0, -1, false, out)
  vim.bo[buf].modifiable = false
  vim.bo[buf].modified = false
  ls.map = map
  ls.fb = fb
  return fb
end

function M.redraw_lists(circle_name)
  for buf, ls in pairs(lists) do
    if api.nvim_buf_is_valid(buf) and ls.circle == circle_name then
      pcall(render_list, buf)
    end
  end
end

local function item_at_cursor(buf)
  local ls = lists[buf]
  local line = api.nvim_win_get_cursor(0)[1]
  local it = ls and ls.map[line]
  if not it then
    fail('wol: put the cursor on a piece of feedback first')
  end
  return it, ls
end

--- r: a reply in the thread under the cursor.
function M.reply_at_cursor(buf)
  local it, ls = item_at_cursor(buf)
  if not it.note then
    fail('wol: reply: that note is gone (orphaned feedback)')
  end
  return M.compose({ circle = ls.circle, note = it.note, kind = 'comment', reply_to = it.thread })
end

--- x: marks the item under the cursor addressed (the note's author only;
--- the library refuses anyone else).
function M.addressed_at_cursor(buf)
  local it, ls = item_at_cursor(buf)
  vim.ui.input({ prompt = 'What changed? (optional) ' }, function(text)
    if text == nil then
      return notify('wol: addressed: cancelled')
    end
    guard(function()
      local c = circle.open(ls.circle)
      local w = lib.check(c:feedback_addressed(it.id, text ~= '' and text or nil))
      after_write(c, w, 'marked addressed on')
    end)
  end)
end

--- <CR>: the note, at the item's lines.
function M.goto_at_cursor(buf)
  local it, ls = item_at_cursor(buf)
  if not it.note then
    fail(string.format('wol: %s is gone: this feedback is orphaned', it.wrote_on or it.note_id))
  end
  local path = circle.open(ls.circle):path() .. '/' .. it.note
  require('wol.ui').other_window(buf)
  vim.cmd('edit ' .. vim.fn.fnameescape(path))
  local n = api.nvim_buf_line_count(0)
  api.nvim_win_set_cursor(0, { math.max(1, math.min(it.start or 1, n)), 0 })
end

--- :WolFeedback [mine]: the feedback on the note in this buffer (or, with
--- mine or outside a note, on all my notes, newest first) in a thread
--- buffer.
function M.list(opts)
  local name, rest = commands.take_circle(opts.fargs)
  local c, rel
  if rest[1] ~= 'mine' then
    c, rel = M.note_of(api.nvim_get_current_buf(), 'feedback')
  end
  if not c then
    if rest[1] and rest[1] ~= 'mine' then
      fail(string.format("wol: feedback: '%s' is not an argument (mine, or none on a note)", rest[1]))
    end
    c, rel = circle.open(name):name(), nil
  end
  local bufname = list_name(c, rel and rel:gsub('[^%w._-]', '_') or 'mine')
  local buf = find_buf(bufname)
  if not buf then
    buf = api.nvim_create_buf(true, true)
    api.nvim_buf_set_name(buf, bufname)
    vim.bo[buf].buftype = 'nofile'
    vim.bo[buf].bufhidden = 'hide'
    vim.bo[buf].swapfile = false
    vim.bo[buf].modeline = false
    local o = { buffer = buf, nowait = true, silent = true }
    vim.keymap.set('n', 'r', function()
      guard(M.reply_at_cursor, buf)
    end, vim.tbl_extend('force', o, { desc = 'wol: reply in this thread' }))
    vim.keymap.set('n', 'x', function()
      guard(M.addressed_at_cursor, buf)
    end, vim.tbl_extend('force', o, { desc = 'wol: mark addressed (your notes)' }))
    vim.keymap.set('n', '<CR>', function()
      guard(M.goto_at_cursor, buf)
    end, vim.tbl_extend('force', o, { desc = 'wol: go to the lines' }))
    vim.keymap.set('n', 'q', function()
      require('wol.ui').close_window(api.nvim_get_current_win())
    end, vim.tbl_extend('force', o, { desc = 'wol: close' }))
    api.nvim_create_autocmd('BufWipeout', {
      buffer = buf,
      once = true,
      callback = function()
        lists[buf] = nil
      end,
    })
  end
  lists[buf] = { circle = c, note = rel, map = {} }
  render_list(buf)
  vim.cmd((opts.mods and opts.mods ~= '' and opts.mods or 'belowright') .. ' split')
  api.nvim_win_set_buf(0, buf)
  vim.bo[buf].filetype = 'wolfeedback'
  return buf
end

-- ------------------------------------------------------------ syncs

--- After a sync (User WolSynced): note buffers of that circle draw again,
--- and feedback that arrived on my notes fires `User WolFeedback` (its
--- data, also in g:wol_last_feedback: { circle =, count =, paths = }).
function M.on_synced(args)
  local s = (args and type(args.data) == 'table' and args.data) or (package.loaded['wol.sync'] or {}).last
  if type(s) ~= 'table' then
    return
  end
  local items = s.arrived and s.arrived.items or {}
  local paths = {}
  for _, it in ipairs(items) do
    if it.kind == 'feedback' and it.to_me then
      paths[#paths + 1] = it.path
    end
  end
  for _, b in ipairs(M.attached(s.circle)) do
    pcall(M.refresh, b)
  end
  if s.circle then
    M.redraw_lists(s.circle)
  end
  if #paths > 0 then
    local data = { circle = s.circle, count = #paths, paths = paths }
    vim.g.wol_last_feedback = data
    require('wol.compat').user_event('WolFeedback', data)
  end
end

return M
