-- :WolPeople: your private relationship list in a read-only buffer, and
-- :WolGive {person} {what}: a contribution noted in that person's file.
-- Everything shown comes from ctx:people() (csrc/people/); this file only
-- draws it, maps the keys and asks for input.
local M = {}

local api = vim.api
local levels = vim.log.levels

local ns = api.nvim_create_namespace('wol_people')
local BUF_NAME = 'wol://people'

-- buffer -> { sort = name, list = last ctx:people() result, targets = { [lnum] = person } }
local state = {}
M.state = state

local keys_help = {
  { 'a', 'add someone to your list' },
  { '<CR>', "open the person's file" },
  { 'g', 'note a contribution to the person under the cursor' },
  { 's', 'cycle the sort (longest without, name, closeness, count)' },
  { 'R', 'refresh' },
  { 'q', 'close' },
  { '?', 'show these keys' },
}

local sort_names = {
  stale = 'longest without a contribution first',
  name = 'by name',
  closeness = 'closest first',
  count = 'most contributions first',
}

local function notify(msg, level)
  vim.notify(msg, level or levels.INFO, { title = 'wol' })
end

-- Runs fn (a key, an input callback): a failure for the user becomes one
-- notification, anything else keeps its traceback (commands.guard).
local function guard(fn, ...)
  return require('wol.commands').guard(fn, ...)
end

local function ctx()
  local c, err = require('wol').ctx()
  if not c then
    error(err, 0)
  end
  return c
end

local function check(v, err)
  if v == nil then
    error(err, 0)
  end
  return v
end

local function options()
  local ok, o = pcall(function()
    return require('wol').options().people
  end)
  return ok and type(o) == 'table' and o or {}
end

local function pad(s, n)
  local w = vim.fn.strdisplaywidth(s)
  if w > n then
    -- cut to n display cells, marking the cut
    local out = vim.fn.strcharpart(s, 0, n - 1)
    while vim.fn.strdisplaywidth(out) > n - 1 do
      out = vim.fn.strcharpart(out, 0, vim.fn.strchars(out) - 1)
    end
    return out .. '…' .. string.rep(' ', n - 1 - vim.fn.strdisplaywidth(out))
  end
  return s .. string.rep(' ', n - w)
end

local function plural(n, one, many)
  return string.format('%d %s', n, n == 1 and one or (many or one .. 's'))
end

--- "today", "1 day", "12 days", "never" (since the last contribution).
function M.since(p)
  if not p.last then
    return 'never'
  end
  if p.days == 0 then
    return 'today'
  end
  return plural(p.days, 'day')
end

local function dots(n)
  if not n then
    return '-    '
  end
  return string.rep('●', n) .. string.rep('○', 5 - n)
end

--- Lines, highlights ({ group, line0, col_start, col_end }) and targets
--- ({ [lnum] = person }) of a ctx:people() result.
function M.render(list)
  local page = require('wol.ui').page()
  local lines, hls, targets = page.lines, page.hls, {}
  local add, hl = page.add, page.hl
  local n = #list.people
  add(string.format('People  ·  %d on your list  ·  %s this week  ·  %d not contributed to in %d+ days', n,
    plural(list.week, 'contribution'), list.stale, list.stale_days), 'WolPeopleTitle')
  add('sort: ' .. (sort_names[list.sort] or list.sort) .. '  (s to change)', 'WolPeopleMuted')
  for _, w in ipairs(list.warnings or {}) do
    add(w, 'WolPeopleWarn')
  end
  add('')
  if n == 0 then
    add('  Nobody on your list yet. Who could help you reach your goal, or would', 'WolPeopleMuted')
    add('  gain from what you know? Press a to add someone.', 'WolPeopleMuted')
  else
    local width = 12
    for _, p in ipairs(list.people) do
      width = math.max(width, math.min(vim.fn.strdisplaywidth(p.name), 28))
    end
    add('  ' .. pad('Name', width) .. '  Close  Last         Given  Relation', 'WolPeopleHeading')
    for _, p in ipairs(list.people) do
      local name = pad(p.name, width)
      local close = dots(p.closeness)
      local since = pad(M.since(p), 11)
      local rel = p.relation or ''
      if p.broken then
        rel = '(the file needs fixing: <CR> opens it)'
      end
      local text = string.format('  %s  %s  %s  %5d  %s', name, close, since, p.count, rel)
      local l = add(text)
      targets[l] = p
      hl(p.stale and 'WolPeopleStale' or 'WolPeopleName', 2, 2 + #name)
      local cs = 2 + #name + 2
      hl('WolPeopleClose', cs, cs + #close)
      local ss = cs + #close + 2
      hl(p.stale and 'WolPeopleStale' or 'WolPeopleMuted', ss, ss + #since)
      if p.broken or p.warning then
        hl('WolPeopleWarn', #text - #rel, -1)
      end
    end
  end
  add('')
  add('a add  <CR> open  g give  s sort  R refresh  q close  ? keys', 'WolPeopleMuted')
  return lines, hls, targets
end

-- ---------------------------------------------------------------- buffer

local find_win = require('wol.ui').find_win

local function draw(buf)
  local s = state[buf]
  local list = check(ctx():people({ sort = s.sort, stale_days = options().stale_days }))
  local lines, hls, targets = M.render(list)
  require('wol.ui').set_lines(buf, ns, lines, hls)
  s.list, s.targets = list, targets
  return list
end

--- Reads the list again and redraws the buffer (keeping the cursor's person).
function M.refresh(buf)
  buf = (buf == nil or buf == 0) and api.nvim_get_current_buf() or buf
  if not state[buf] then
    return
  end
  local win = find_win(buf)
  local keep = win and M.person_at(buf, api.nvim_win_get_cursor(win)[1])
  draw(buf)
  if win and keep then
    M.goto_person(buf, keep.slug)
  end
end

--- The person on line lnum of a list buffer, or nil.
function M.person_at(buf, lnum)
  local s = state[buf]
  return s and s.targets and s.targets[lnum]
end

function M.goto_person(buf, slug)
  local win = find_win(buf)
  for l, p in pairs(state[buf].targets or {}) do
    if p.slug == slug and win then
      api.nvim_win_set_cursor(win, { l, 2 })
      return l
    end
  end
end

local function get_buf()
  for buf, s in pairs(state) do
    if api.nvim_buf_is_valid(buf) and s then
      return buf
    end
  end
  local buf = api.nvim_create_buf(false, true)
  state[buf] = { sort = options().sort }
  local o = { buftype = 'nofile', bufhidden = 'wipe', swapfile = false, buflisted = false, modifiable = false,
    undolevels = -1 }
  for k, v in pairs(o) do
    vim.bo[buf][k] = v
  end
  pcall(api.nvim_buf_set_name, buf, BUF_NAME)
  vim.bo[buf].filetype = 'wolpeople'
  local function map(lhs, fn, desc)
    vim.keymap.set('n', lhs, function()
      guard(fn)
    end, { buffer = buf, nowait = true, silent = true, desc = 'wol: ' .. desc })
  end
  map('a', function() M.add(buf) end, 'add someone')
  map('<CR>', function() M.open_file(buf) end, "open the person's file")
  map('g', function() M.give_here(buf) end, 'note a contribution')
  map('s', function() M.cycle_sort(buf) end, 'cycle the sort')
  map('R', function() M.refresh(buf) end, 'refresh')
  map('q', function() require('wol.ui').close_window(find_win(buf)) end, 'close')
  map('?', M.show_keys, 'show keys')
  api.nvim_create_autocmd('BufWipeout', {
    buffer = buf,
    callback = function()
      state[buf] = nil
    end,
  })
  -- back from editing someone's file: redraw
  api.nvim_create_autocmd('BufEnter', {
    buffer = buf,
    callback = function()
      if state[buf] and state[buf].list then
        guard(M.refresh, buf)
      end
    end,
  })
  return buf
end

--- Opens (or reuses) the list. opts: { sort =, mods = }. Returns buf, win.
function M.open(opts)
  opts = opts or {}
  local buf = get_buf()
  if opts.sort then
    state[buf].sort = opts.sort
  end
  local win = find_win(buf)
  if win then
    api.nvim_set_current_win(win)
  else
    local mods = opts.mods or ''
    vim.cmd((mods ~= '' and mods .. ' ' or '') .. 'split')
    win = api.nvim_get_current_win()
    api.nvim_win_set_buf(win, buf)
  end
  require('wol.ui').set_win_options(win, { number = false, relativenumber = false, wrap = false, list = false,
    spell = false, signcolumn = 'no', foldcolumn = '0', foldenable = false, cursorline = true, colorcolumn = '' })
  local list = draw(buf)
  -- the cursor on the first person
  local first = math.huge
  for l in pairs(state[buf].targets) do
    first = math.min(first, l)
  end
  api.nvim_win_set_cursor(win, { first < math.huge and first or 1, first < math.huge and 2 or 0 })
  return buf, win, list
end

function M.show_keys()
  require('wol.ui').show_keys('wol people keys:', keys_help)
end

function M.cycle_sort(buf)
  local s = state[buf]
  local sorts = require('wol.lib').core().people_sorts()
  local cur = (s.list and s.list.sort) or s.sort or sorts[1]
  for i, name in ipairs(sorts) do
    if name == cur then
      s.sort = sorts[i % #sorts + 1]
      break
    end
  end
  M.refresh(buf)
  notify('wol: people ' .. (sort_names[s.sort] or s.sort))
end

local other_window = require('wol.ui').other_window

function M.open_file(buf)
  local p = M.person_at(buf, api.nvim_win_get_cursor(0)[1])
  if not p then
    return notify('wol: no person on this line (a adds one)')
  end
  other_window(buf)
  vim.cmd('edit ' .. vim.fn.fnameescape(p.abs))
end

-- ------------------------------------------------------------ add, give

local function fire(pattern, data)
  require('wol.compat').user_event(pattern, data)
end

--- Adds a person (ctx:person_add); returns the person.
function M.add_person(spec)
  local p = check(ctx():person_add(spec))
  notify(string.format('wol: added %s to your list', p.name))
  -- findable by :WolSearch at once (a cache: failure is harmless)
  pcall(function()
    require('wol.search').refresh({ paths = { p.abs } })
  end)
  fire('WolPeople', { added = p.slug })
  return p
end

--- Notes a contribution (ctx:give); returns what was written.
function M.give(person, what, opts)
  local g = check(ctx():give(person, what, opts))
  notify(string.format('wol: gave to %s: %s', g.name, what:gsub('^%s+', ''):gsub('%s+$', '')) ..
    require('wol.prompt').after_act(g.date))
  -- the search index learns about the file now (a cache: failure is harmless)
  pcall(function()
    require('wol.search').refresh({ paths = { g.abs } })
  end)
  fire('WolGave', g)
  for buf in pairs(state) do
    if api.nvim_buf_is_valid(buf) then
      pcall(M.refresh, buf)
    end
  end
  return g
end

--- a: name, then how they relate to your goal, then closeness (the last
--- two may be left empty).
function M.add(buf)
  vim.ui.input({ prompt = 'Add to your list (name): ' }, function(name)
    if not name or name:match('^%s*$') then
      return
    end
    vim.ui.input({ prompt = 'How do they relate to your goal? (optional) ' }, function(relation)
      if relation == nil then
        return
      end
      vim.ui.input({ prompt = 'Closeness 0-5 (optional): ' }, function(close)
        if close == nil then
          return
        end
        guard(function()
          local spec = { name = name }
          if not relation:match('^%s*$') then
            spec.relation = relation
          end
          if not close:match('^%s*$') then
            local n = tonumber(close)
            if not n or n ~= math.floor(n) or n < 0 or n > 5 then
              error('wol: person: closeness is a number from 0 to 5', 0)
            end
            spec.closeness = n
          end
          local p = M.add_person(spec)
          if buf and state[buf] then
            M.refresh(buf)
            M.goto_person(buf, p.slug)
          end
        end)
      end)
    end)
  end)
end

--- g: what did you give the person under the cursor?
function M.give_here(buf)
  local p = M.person_at(buf, api.nvim_win_get_cursor(0)[1])
  if not p then
    return notify('wol: no person on this line')
  end
  vim.ui.input({ prompt = string.format('What did you give %s? ', p.name) }, function(what)
    if not what or what:match('^%s*$') then
      return
    end
    guard(function()
      M.give(p.slug, what)
      if state[buf] then
        M.goto_person(buf, p.slug)
      end
    end)
  end)
end

-- --------------------------------------------------------------- commands

--- :WolPeople [sort]
function M.command(opts)
  local sort = opts.fargs and opts.fargs[1]
  if sort == '' then
    sort = nil
  end
  if opts.fargs and #opts.fargs > 1 then
    error('wol: usage: :WolPeople [stale|name|closeness|count]', 0)
  end
  if sort then
    local ok = false
    for _, s in ipairs(require('wol.lib').core().people_sorts()) do
      ok = ok or s == sort
    end
    if not ok then
      error(string.format("wol: people: sort '%s' is not one of stale, name, closeness, count", sort), 0)
    end
  end
  M.open({ sort = sort, mods = opts.mods })
end

--- Splits :WolGive's words into the person and what was given: a quoted
--- first argument, else the longest run of leading words that names
--- someone on the list, else the first word (unknown: offered to add).
function M.split_give(args)
  args = args or ''
  local q, rest = args:match('^%s*"([^"]*)"%s*(.*)$')
  if not q then
    q, rest = args:match("^%s*'([^']*)'%s*(.*)$")
  end
  if q then
    return q, rest, false
  end
  local words = vim.split(vim.trim(args), '%s+')
  local c = ctx()
  for k = #words - 1, 1, -1 do
    local who = table.concat(words, ' ', 1, k)
    if c:person_find(who) then
      return who, table.concat(words, ' ', k + 1), true
    end
  end
  return words[1] or '', table.concat(words, ' ', 2), false
end

--- :WolGive {person} {what}
function M.give_cmd(opts)
  local who, what, known = M.split_give(opts.args)
  if who == '' or what:match('^%s*$') then
    error('wol: usage: :WolGive {person} {what you gave}', 0)
  end
  if known or ctx():person_find(who) then
    return M.give(who, what)
  end
  local _, err = ctx():person_find(who)
  if not err:find('on your list', 1, true) then
    error(err, 0) -- ambiguous, or not a valid name
  end
  check(require('wol.lib').core().person_name_check(who))
  vim.ui.select({ 'add', 'cancel' }, {
    prompt = string.format('%s is not on your list. Add them?', who),
    format_item = function(item)
      return item == 'add' and string.format('Add %s and note this contribution', who) or 'Cancel'
    end,
  }, function(choice)
    if choice ~= 'add' then
      return
    end
    guard(function()
      local p = M.add_person({ name = who })
      M.give(p.slug, what)
    end)
  end)
end

--- Completion of :WolGive: the names on the list, while the person is typed.
function M.complete_give(lead, line)
  local typed = (line or ''):gsub('^%s*%S+%s*', '')
  local before = typed:sub(1, #typed - #lead)
  local c = require('wol').ctx()
  local list = c and c:people({ sort = 'name' })
  local out = {}
  for _, p in ipairs(list and list.people or {}) do
    local cand = p.name
    if vim.startswith(cand:lower(), typed:lower()) and #cand > #before then
      table.insert(out, cand:sub(#before + 1))
    end
  end
  return out
end

function M.complete(lead)
  local out = {}
  for _, s in ipairs(require('wol.lib').core().people_sorts()) do
    if vim.startswith(s, lead) then
      table.insert(out, s)
    end
  end
  return out
end

return M
