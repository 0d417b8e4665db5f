-- :WolExport {dir}: a legacy to publish. The bundle is made by the C
-- library (ctx:export, the same code as `wol export`): what was shared in
-- the circle, never the journal or people records.
local M = {}

local lib = require('wol.lib')

local function split(list)
  local out = {}
  for h in (list or ''):gmatch('[^,%s]+') do
    out[#out + 1] = h
  end
  return out
end

--- :WolExport {dir} [format=html|md] [all] [include=a,b] [from=DATE]
--- [to=DATE] [circle=NAME]
function M.command(opts)
  local o = { include = {} }
  for _, a in ipairs(opts.fargs or {}) do
    local k, v = a:match('^(%w+)=(.*)$')
    if k == 'format' or k == 'from' or k == 'to' or k == 'circle' then
      o[k] = v
    elseif k == 'include' then
      o.include = split(v)
    elseif a == 'all' then
      o.all = true
    elseif a == 'mine' then
      o.all = false
    elseif not k and not o.out then
      o.out = vim.fn.fnamemodify(vim.fn.expand(a), ':p'):gsub('/$', '')
    else
      lib.fail(string.format("wol: :WolExport: unexpected '%s' (see :help :WolExport)", a), 'invalid')
    end
  end
  if not o.out then
    lib.fail('wol: usage: :WolExport {dir} [format=html|md] [all] [include=a,b] [from=DATE] [to=DATE]', 'invalid')
  end
  local c, err, code = require('wol').ctx()
  if not c then
    lib.fail(err, code)
  end
  vim.api.nvim_echo({ { 'wol: exporting…', 'WolMuted' } }, false, {})
  local r = lib.check(c:export(o))
  for _, w in ipairs(r.warnings) do
    require('wol.commands').notify(w, vim.log.levels.WARN)
  end
  require('wol.commands').notify(string.format('wol: exported %d %s and %d %s by %s: %s',
    r.notes, r.notes == 1 and 'note' or 'notes', r.questions, r.questions == 1 and 'question' or 'questions',
    table.concat(r.members, ', '), r.index))
  return r
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
