-- Circles in the editor: open circle handles (one per circle, reused),
-- :WolInit, :WolJoin (a background job), :WolNote, :WolNotes, and the
-- guard that opens circle files with modelines off and other members'
-- notes read-only.
local commands = require('wol.commands')
local compat = require('wol.compat')
local job = require('wol.job')
local plural = require('wol.ui').plural
local fail = require('wol.lib').fail
local M = {}

local levels = vim.log.levels

-- ctx -> { [circle name or ''] = handle }; a new context (setup(), another
-- member) gets new handles, and the old ones are closed.
local handles = { ctx = nil, by_name = {} }

local function close_all()
  for _, h in pairs(handles.by_name) do
    pcall(h.close, h)
  end
  handles.by_name = {}
end

--- The context, or raises a "wol: ..." error for the command runner.
function M.ctx()
  local ctx, err, code = require('wol').ctx()
  if not ctx then
    fail(err, code)
  end
  return ctx
end

--- An open handle of circle `name` (nil: the default or configured one).
--- Raises a "wol: ..." error when it cannot be opened.
function M.open(name)
  local ctx = M.ctx()
  if handles.ctx ~= ctx then
    close_all()
    handles.ctx = ctx
  end
  name = name or require('wol').options().circle
  local key = name or ''
  local h = handles.by_name[key]
  if h and h:is_open() then
    return h
  end
  local c, err, code = ctx:circle_open(name)
  if not c then
    fail(err, code)
  end
  handles.by_name[key] = c
  handles.by_name[c:name()] = c
  return c
end

--- Forgets open handles (a circle was created, joined or removed).
function M.reset()
  close_all()
end

--- $WOL_HOME as the library resolves it, computed in Lua so the guard
--- below needs no C module.
function M.home()
  local o = require('wol').options()
  local h = o.home or vim.env.WOL_HOME
  if not h or h == '' then
    local xdg = vim.env.XDG_DATA_HOME
    if xdg and xdg:sub(1, 1) == '/' then
      h = xdg .. '/wol'
    else
      h = (vim.env.HOME or '.') .. '/.local/share/wol'
    end
  end
  return (vim.fn.fnamemodify(h, ':p'):gsub('/+$', ''))
end

local function resolved(path)
  local uv = compat.uv()
  local r = uv.fs_realpath(path)
  if r then
    return r
  end
  local dir = uv.fs_realpath(vim.fn.fnamemodify(path, ':h'))
  return dir and (dir .. '/' .. vim.fn.fnamemodify(path, ':t')) or path
end

--- If `path` is in a circle: circle name and the path inside it.
function M.locate(path)
  if not path or path == '' then
    return nil
  end
  local home = resolved(M.home()) .. '/circles/'
  local abs = resolved(vim.fn.fnamemodify(path, ':p'))
  if abs:sub(1, #home) ~= home then
    return nil
  end
  local circle, rel = abs:sub(#home + 1):match('^([^/]+)/(.+)$')
  return circle, rel
end

--- BufReadPre / BufNewFile of files under .../circles/: content from other
--- members is untrusted, so modelines stay off for every circle buffer.
function M.guard(args)
  local circle = M.locate(args.file)
  if circle then
    vim.bo[args.buf].modeline = false
    vim.b[args.buf].wol_circle = circle
  end
end

--- BufReadPost: another member's note opens read-only.
function M.guard_post(args)
  local circle, rel = M.locate(args.file)
  if not circle or not rel then
    return
  end
  local core = require('wol.lib').core()
  local place = core and core.place(rel) -- the layout's rule (csrc/format/layout.c)
  local author = place and place.kind == 'note' and place.member
  if not author then
    return
  end
  local ok, ctx = pcall(M.ctx)
  local me = ok and ctx:identity().handle or nil
  if author ~= me then
    vim.bo[args.buf].readonly = true
    vim.bo[args.buf].modifiable = false
    vim.b[args.buf].wol_foreign = author
  end
end

--- :WolInit NAME [url] [started=DATE] [meets=DAY] [weeks=N]
function M.init_cmd(opts)
  local named, rest = commands.take_circle(opts.fargs)
  local args, kv = {}, {}
  if named then -- `:WolInit circle=NAME [url]` names it the same way
    table.insert(args, named)
  end
  for _, a in ipairs(rest) do
    local k, v = a:match('^(%a+)=(.*)$')
    if k then
      kv[k] = v
    else
      table.insert(args, a)
    end
  end
  if #args < 1 or #args > 2 then
    fail('wol: usage: :WolInit NAME [url] [started=DATE] [meets=DAY] [weeks=N]')
  end
  for k in pairs(kv) do
    if k ~= 'started' and k ~= 'meets' and k ~= 'weeks' and k ~= 'remote' then
      fail(string.format("wol: :WolInit: unknown option '%s='", k))
    end
  end
  local ctx = M.ctx()
  local ok, err, code = ctx:circle_init(args[1], {
    remote = args[2] or kv.remote,
    started = kv.started,
    meets = kv.meets,
    weeks = kv.weeks and tonumber(kv.weeks) or nil,
  })
  if not ok then
    fail(err, code)
  end
  M.reset()
  local _, path = ctx:circle(args[1])
  local msg = string.format("wol: started circle '%s' at %s", args[1], path)
  if not (args[2] or kv.remote) then
    msg = msg .. ' (no remote: shares stay local until you add one)'
  end
  commands.notify(msg)
  compat.user_event('WolStarted', { circle = args[1], path = path })
end

---------------------------------------------------------------- join

-- running joins: job -> url
local joins = {}

--- Starts `wol join URL [NAME] --json` as a job (wol.job); progress is
--- reported as it streams, the editor never waits. Returns the job.
--- opts: { on_done = function(ok, circle_or_msg) }
function M.join(url, name, opts)
  opts = opts or {}
  local args = { 'join', url }
  if name then
    table.insert(args, name)
  end
  if opts.goal then
    table.insert(args, '--goal')
    table.insert(args, opts.goal)
  end
  table.insert(args, '--json')
  local timeout = (require('wol').options().join or {}).timeout or 600
  local last_phase
  local j = job.start({
    args = args,
    timeout = timeout,
    on_progress = function(ev)
      if ev.phase ~= last_phase then
        last_phase = ev.phase
        job.echo(string.format('wol: joining %s: %s…', url, ev.phase))
      end
    end,
    on_done = function(res)
      joins[res.job] = nil
      local s = res.summary
      if res.ok and s and s.circle then
        M.reset()
        commands.notify(string.format("wol: joined circle '%s' at %s", s.circle, s.path))
        compat.user_event('WolJoined', { circle = s.circle, path = s.path })
        -- a big circle is indexed in the background now, not at the first search
        pcall(function()
          require('wol.search').background_build()
        end)
        if opts.on_done then
          opts.on_done(true, s.circle)
        end
      else
        local msg = res.error
        if res.timed_out then
          msg = string.format('wol: join %s: timed out after %d s', url, timeout)
        elseif res.cancelled then
          msg = string.format('wol: join %s cancelled', url)
        end
        commands.notify(msg, res.cancelled and levels.WARN or levels.ERROR)
        if opts.on_done then
          opts.on_done(false, msg)
        end
      end
    end,
  })
  joins[j] = url
  commands.notify(string.format('wol: joining %s in the background…', url))
  return j
end

--- Stops running joins (:WolJoin! cancels); returns how many.
function M.cancel_joins()
  local n = 0
  for j in pairs(joins) do
    j:cancel()
    n = n + 1
  end
  return n
end

--- :WolJoin URL [name] [goal=TEXT...], :WolJoin! cancels. Everything
--- after `goal=` is the goal, spaces and all.
function M.join_cmd(opts)
  local fargs, goal = {}, nil
  for _, a in ipairs(opts.fargs or {}) do
    if goal then
      goal = goal .. ' ' .. a
    elseif a:match('^goal=') then
      goal = a:sub(6)
    else
      table.insert(fargs, a)
    end
  end
  if goal and vim.trim(goal) == '' then
    fail('wol: :WolJoin: goal= needs the text of your goal (goal=Ship the onboarding guide)')
  end
  local named, rest = commands.take_circle(fargs)
  if named and #rest == 1 then -- `:WolJoin URL circle=NAME`
    table.insert(rest, named)
  end
  if opts.bang then
    local n = M.cancel_joins()
    return commands.notify(string.format('wol: cancelled %s', plural(n, 'join')))
  end
  if #rest < 1 or #rest > 2 then
    fail('wol: usage: :WolJoin URL [name] [goal=TEXT]')
  end
  M.join(rest[1], rest[2], { goal = goal and vim.trim(goal) })
end

---------------------------------------------------------------- notes

function M.note_cmd(opts)
  local circle, rest = commands.take_circle(opts.fargs)
  local title = table.concat(rest, ' ')
  if title == '' then
    fail('wol: usage: :WolNote {title} [circle=NAME]')
  end
  local c = M.open(circle)
  local rel, abs, code = c:note_new(title)
  if not rel then
    fail(abs, code)
  end
  vim.cmd((opts.mods and opts.mods ~= '' and (opts.mods .. ' split') or 'edit') .. ' ' .. vim.fn.fnameescape(abs))
  vim.b.wol_circle = c:name()
  -- the cursor after the heading, ready to write
  vim.api.nvim_win_set_cursor(0, { vim.api.nvim_buf_line_count(0), 0 })
  return abs
end

local function age(t)
  local d = os.time() - (t or 0)
  if d < 60 then
    return 'just now'
  elseif d < 3600 then
    return string.format('%dm ago', math.floor(d / 60))
  elseif d < 86400 then
    return string.format('%dh ago', math.floor(d / 3600))
  end
  return string.format('%dd ago', math.floor(d / 86400))
end
M.age = age

--- Opens a note; another member's note opens read-only.
function M.open_note(note, mods)
  vim.cmd((mods and mods ~= '' and (mods .. ' split') or 'edit') .. ' ' .. vim.fn.fnameescape(note.abs))
  if not note.mine then
    vim.bo.readonly = true
    vim.bo.modifiable = false
  end
end

function M.notes_cmd(opts)
  local circle, rest = commands.take_circle(opts.fargs)
  if #rest > 1 then
    fail('wol: usage: :WolNotes [handle] [circle=NAME]')
  end
  local c = M.open(circle)
  local notes, err, code = c:notes(rest[1])
  if not notes then
    fail(err, code)
  end
  if #notes == 0 then
    return commands.notify(rest[1] and string.format('wol: no notes from %s yet', rest[1])
      or 'wol: no notes yet (:WolNote {title}, or :WolShare on any buffer)')
  end
  vim.ui.select(notes, {
    prompt = string.format('Notes in %s', c:name()),
    kind = 'wol.notes',
    format_item = function(n)
      return string.format('%-9s %-12s %s%s%s', age(n.updated), n.author, n.title, n.committed and '' or ' (not shared yet)',
        n.outside and (' (' .. n.outside .. ')') or '')
    end,
  }, function(choice)
    if choice then
      M.open_note(choice, opts.mods)
    end
  end)
end

return M
