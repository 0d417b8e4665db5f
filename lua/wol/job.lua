-- The one runner of `wol` child processes (sync, join): the network never
-- touches Neovim's loop. A job speaks the JSON-lines protocol of
-- :help wol-json-lines on stdout: any number of {"type":"progress",...}
-- lines, then one {"type":"summary",...} line, which carries `error`,
-- `code` (|wol-errors|) and `exit` when the command failed. A job can be cancelled
-- and is stopped after its timeout.
local M = {}

--- The `wol` binary jobs run.
function M.bin()
  return require('wol.lib').root() .. '/bin/wol'
end

--- The command line `wol [--home H] [--circle C] ARGS...` for the current
--- configuration; raises "wol: ..." when the binary is not built.
function M.cmd(args, circle)
  local bin = M.bin()
  if vim.fn.executable(bin) ~= 1 then
    error(string.format('wol: %s is not built; run `make` in %s', bin, require('wol.lib').root()), 0)
  end
  local cmd = { bin }
  local o = require('wol').options()
  if o.home then
    vim.list_extend(cmd, { '--home', o.home })
  end
  if circle then
    vim.list_extend(cmd, { '--circle', circle })
  end
  return vim.list_extend(cmd, args)
end

--- Echoes a progress line without history: each one replaces the one before,
--- so a job leaves no trail in :messages.
function M.echo(text)
  vim.api.nvim_echo({ { text, 'WolMuted' } }, false, {})
end

local Job = {}
Job.__index = Job

--- Stops the job; its on_done sees `cancelled`.
function Job:cancel()
  if not self.done then
    self.cancelled = true
    vim.fn.jobstop(self.id)
  end
end

--- Whether the job still runs.
function Job:running()
  return not self.done
end

--- Starts `wol ARGS...`. spec: { args = {...}, circle = name (adds
--- --circle), timeout = seconds, on_progress = function(ev), on_done =
--- function(res) }. `res` = { job, ok, code, summary (the last line, or nil),
--- error (the best one-line message when not ok), cancelled, timed_out }.
--- Returns the job (with :cancel() and :running()); raises "wol: ..."
--- when it cannot start.
function M.start(spec)
  local cmd = M.cmd(spec.args, spec.circle)
  local job = setmetatable({ stderr = {}, done = false }, Job)
  local partial = ''
  local function line(l)
    if l == '' then
      return
    end
    local ok, ev = pcall(vim.json.decode, l)
    if not ok or type(ev) ~= 'table' then
      return
    end
    if ev.type == 'progress' then
      job.progress = ev
      if spec.on_progress then
        spec.on_progress(ev)
      end
    elseif ev.type == 'summary' then
      job.summary = ev
    end
  end
  local timer
  local function finish(code)
    job.done = true
    if timer then
      timer:stop()
      timer:close()
      timer = nil
    end
    line(partial)
    partial = ''
    local s = job.summary
    local res = { job = job, code = code, summary = s, cancelled = job.cancelled, timed_out = job.timed_out }
    res.ok = code == 0 and not job.cancelled and not job.timed_out
    if not res.ok then
      res.error = (type(s) == 'table' and type(s.error) == 'string' and s.error) or job.stderr[1]
        or string.format('wol: %s failed (exit %d)', spec.args[1], code)
    end
    if spec.on_done then
      spec.on_done(res)
    end
  end
  local id = vim.fn.jobstart(cmd, {
    on_stdout = function(_, data)
      data[1] = partial .. data[1]
      partial = table.remove(data)
      for _, l in ipairs(data) do
        line(l)
      end
    end,
    on_stderr = function(_, data)
      for _, l in ipairs(data) do
        if l:match('^wol: ') and not vim.tbl_contains(job.stderr, l) then
          table.insert(job.stderr, l)
        end
      end
    end,
    on_exit = function(_, code)
      finish(code)
    end,
  })
  if id <= 0 then
    error('wol: cannot start ' .. cmd[1], 0)
  end
  job.id = id
  if spec.timeout and spec.timeout > 0 then
    timer = require('wol.compat').uv().new_timer()
    timer:start(math.floor(spec.timeout * 1000), 0, vim.schedule_wrap(function()
      if not job.done then
        job.timed_out = true
        vim.fn.jobstop(id)
      end
    end))
  end
  return job
end

return M
