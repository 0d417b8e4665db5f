-- :WolExport runs `wol export --progress` as a job: the editor answers
-- while the bundle is written, the progress is echoed, one message says
-- where the bundle is, and :WolExport! stops it. The export's process
-- stops itself before it becomes `wol` (a wrapper that sends itself
-- SIGSTOP, then execs the real binary) and the test continues it, so
-- "while it runs" does not depend on how fast the machine is. (Stopping it
-- from here after it started was a race: under load a `wol export` had
-- already written its bundle before the signal came.)
local t = require('wolt')
local nt = require('nvimt')
local F = require('legacyfix')

describe(':WolExport in the background', function()
  local ana = F.ana()
  local export = require('wol.export')
  local uv = vim.loop

  before_each(function()
    nt.become(ana)
  end)

  -- the state letter of process pid (T: stopped)
  local function state(pid)
    local f = io.open('/proc/' .. pid .. '/stat')
    local line = f and f:read('*l')
    if f then
      f:close()
    end
    return line and line:match('^%d+ %b() (%a)')
  end

  -- starts :WolExport ARGS with a process that is stopped before it runs
  -- anything of wol's; returns its pid (SIGCONT lets it become wol)
  local function start_held(args)
    local job = require('wol.job')
    local real = job.bin
    local held = t.tmpdir('held') .. '/wol'
    t.write(held, string.format('#!/bin/sh\nkill -STOP $$\nexec %s "$@"\n', t.shquote(real())))
    assert.are.equal(0, select(2, t.sh('chmod +x ' .. t.shquote(held))))
    job.bin = function() return held end
    local ok, err = pcall(vim.cmd, 'WolExport ' .. args)
    job.bin = real
    assert(ok, err)
    assert.is_true(export.running())
    local pid = vim.fn.jobpid(export.job.id)
    assert.is_true(vim.wait(10000, function() return state(pid) == 'T' end, 5), 'the export did not stop itself')
    return pid
  end

  local function wait_done()
    assert.is_true(vim.wait(60000, function() return not export.running() end, 10))
  end

  it('answers other commands while the export runs, then says where the bundle is', function()
    local dir = t.tmpdir('nvim-bg-export') .. '/bundle'
    local seen = nt.notifications(function()
      local pid = start_held(dir .. ' all include=bo,cy')
      -- a command issued now is answered while the export is still running
      local answered
      vim.schedule(function()
        vim.cmd('WolJournal')
        answered = vim.api.nvim_buf_get_name(0)
      end)
      assert.is_true(vim.wait(10000, function() return answered ~= nil end, 10))
      assert.matches('/journal/', answered)
      assert.is_true(export.running())
      assert.is_false(t.exists(dir))
      -- a second export is refused while one runs
      vim.cmd('WolExport ' .. dir .. '-2')
      assert.are.equal(0, uv.kill(pid, 'sigcont'))
      wait_done()
    end)
    assert.are.equal(2, #seen, vim.inspect(seen))
    assert.matches('already running', seen[1].msg)
    assert.are.equal(vim.log.levels.ERROR, seen[1].level)
    local fb = export.last.feedback > 0 and ' %(' .. export.last.feedback .. ' feedback records?%)' or ''
    assert.matches('^wol: exported %d+ notes' .. fb .. ' and %d+ questions by ana, bo, cy: .*/bundle/index%.html$',
      seen[2].msg)
    assert.are.equal(vim.log.levels.INFO, seen[2].level)
    assert.is_true(t.exists(dir .. '/index.html'))
    assert.is_false(t.exists(dir .. '-2'))
    -- the summary is what `wol export --json` says
    assert.are.equal(dir, export.last.out)
    assert.are.same({ 'ana', 'bo', 'cy' }, export.last.members)
    assert.is_true(export.last.pages > 5)
  end)

  it('echoes the pages written, and :WolExport! stops the export leaving no bundle', function()
    local base = t.tmpdir('nvim-bg-stop')
    local seen = nt.notifications(function()
      local pid = start_held(base .. '/bundle format=md')
      local job = export.job
      vim.cmd('WolExport!')
      uv.kill(pid, 'sigcont')
      wait_done()
      assert.is_true(job.cancelled)
    end)
    assert.are.equal(1, #seen, vim.inspect(seen))
    assert.are.equal('wol: export stopped', seen[1].msg)
    assert.is_false(t.exists(base .. '/bundle'))
    -- the next export sweeps what the stopped one left, and shows its progress
    local echoed = {}
    local real = vim.api.nvim_echo
    vim.api.nvim_echo = function(chunks, ...)
      if chunks[1][1]:match('^wol: exporting') then
        table.insert(echoed, chunks[1][1])
      end
      return real(chunks, ...)
    end
    local ok, err = pcall(function()
      vim.cmd('WolExport ' .. base .. '/bundle format=md')
      wait_done()
    end)
    vim.api.nvim_echo = real
    assert(ok, err)
    assert.is_true(t.exists(base .. '/bundle/index.md'))
    assert.are.equal('', t.sh('ls -A ' .. t.shquote(base) .. ' | grep wol-export-tmp'))
    local last = echoed[#echoed]
    assert.are.equal(string.format('wol: exporting… %d/%d pages', export.last.pages, export.last.pages), last)
  end)
end)
