-- :WolExport {dir}: a legacy to publish. The bundle is made by `wol
-- export` run as a job (lua/wol/job.lua), the same library code as
-- ctx:export: what was shared in the circle, never the journal or people
-- records.
local M = {}

local lib = require('wol.lib')

local function split(list)
  local out = {}
  for h in (list or ''):gmatch('[^,%s]+') do
    out[#out + 1] = h
  end
  return out
end

--- The export running now (a job), or nil; and the summary of the last
--- one that finished (what `wol export --json` prints; `error` and `code`
--- when it failed).
M.job = nil
M.last = nil

--- Whether an export runs now.
function M.running()
  return M.job ~= nil and M.job:running()
end

local function finished(res)
  M.job = nil
  local commands = require('wol.commands')
  local r = res.summary
  if not res.ok or type(r) ~= 'table' or not r.pages then
    M.last = { error = res.error, code = type(r) == 'table' and r.code or nil }
    commands.notify(res.cancelled and 'wol: export stopped' or res.error, vim.log.levels.ERROR)
    return
  end
  r.type = nil
  M.last = r
  for _, w in ipairs(r.warnings or {}) do
    commands.notify(w, vim.log.levels.WARN)
  end
  local fb = (r.feedback or 0) > 0
    and string.format(' (%d feedback %s)', r.feedback, r.feedback == 1 and 'record' or 'records') or ''
  commands.notify(string.format('wol: exported %d %s%s and %d %s by %s: %s',
    r.notes, r.notes == 1 and 'note' or 'notes', fb, r.questions, r.questions == 1 and 'question' or 'questions',
    table.concat(r.members, ', '), r.index))
  require('wol.compat').user_event('WolExported', r)
end

--- :WolExport {dir} [format=html|md] [all] [include=a,b] [from=DATE]
--- [to=DATE] [circle=NAME]: `wol export` as a job (the editor stays free
--- while it writes thousands of pages), its progress echoed, one message
--- at the end. :WolExport! stops a running export. Returns the job.
function M.command(opts)
  if opts.bang then
    if M.running() then
      M.job:cancel()
    else
      require('wol.commands').notify('wol: no export is running')
    end
    return
  end
  local args = { 'export', '--progress' }
  local circle, out
  for _, a in ipairs(opts.fargs or {}) do
    local k, v = a:match('^(%w+)=(.*)$')
    if k == 'format' or k == 'from' or k == 'to' then
      vim.list_extend(args, { '--' .. k, v })
    elseif k == 'circle' then
      circle = v
    elseif k == 'include' then
      vim.list_extend(args, { '--include', table.concat(split(v), ',') })
    elseif a == 'all' or a == 'mine' then
      table.insert(args, '--' .. a)
    elseif not k and not out then
      out = vim.fn.fnamemodify(vim.fn.expand(a), ':p'):gsub('/$', '')
    else
      lib.fail(string.format("wol: :WolExport: unexpected '%s' (see :help :WolExport)", a), 'invalid')
    end
  end
  if not out then
    lib.fail('wol: usage: :WolExport {dir} [format=html|md] [all] [include=a,b] [from=DATE] [to=DATE]', 'invalid')
  end
  if M.running() then
    lib.fail('wol: an export is already running (:WolExport! stops it)', 'locked')
  end
  vim.list_extend(args, { '--out', out })
  local job = require('wol.job')
  M.job = job.start({
    args = args,
    circle = circle,
    on_progress = function(ev)
      if ev.phase == 'write' and (ev.total or 0) > 0 then
        job.echo(string.format('wol: exporting… %d/%d pages', ev.done, ev.total))
      else
        job.echo('wol: exporting… reading the circle')
      end
    end,
    on_done = finished,
  })
  job.echo('wol: exporting…')
  return M.job
end

--- Completion: folders, then the options.
function M.complete(lead)
  local out = {}
  for _, w in ipairs({ 'format=html', 'format=md', 'all', 'mine', 'include=', 'from=', 'to=', 'circle=' }) do
    if w:sub(1, #lead) == lead then
      out[#out + 1] = w
    end
  end
  for _, f in ipairs(vim.fn.getcompletion(lead, 'dir')) do
    out[#out + 1] = f
  end
  return out
end

return M
