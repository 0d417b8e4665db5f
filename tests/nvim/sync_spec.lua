-- :WolSync in real headless Neovim against a git daemon on loopback:
-- progress in place, digest, User WolSynced, buffers reloaded or kept,
-- cancel, timeout, and the editor's responsiveness while a sync runs.
local t = require('wolt')
local nt = require('nvimt')
local S = require('synct')

local d

-- A TCP server inside this Neovim that accepts connections and never
-- answers: a hung remote.
local function silent_server()
  local server = vim.loop.new_tcp()
  assert(server:bind('127.0.0.1', 0))
  local clients = {}
  server:listen(16, function(err)
    assert(not err, err)
    local c = vim.loop.new_tcp()
    server:accept(c)
    table.insert(clients, c)
    c:read_start(function() end)
  end)
  local port = server:getsockname().port
  return port, function()
    for _, c in ipairs(clients) do
      c:close()
    end
    server:close()
  end
end

-- Records vim.notify and the in-place progress (nvim_echo without
-- history) while fn runs and until done() holds.
local function watch(fn, done, timeout)
  local notes, echoes = {}, {}
  local real_notify, real_echo = vim.notify, vim.api.nvim_echo
  vim.notify = function(msg, level)
    table.insert(notes, { msg = msg, level = level })
  end
  vim.api.nvim_echo = function(chunks, history, o)
    table.insert(echoes, { text = chunks[1] and chunks[1][1] or '', history = history })
    return real_echo(chunks, history, o)
  end
  local ok, err = pcall(function()
    fn()
    assert(vim.wait(timeout or 20000, done, 10), 'timed out waiting')
  end)
  vim.notify, vim.api.nvim_echo = real_notify, real_echo
  assert(ok, err)
  return notes, echoes
end

describe(':WolSync', function()
  setup(function()
    d = S.daemon()
  end)
  teardown(function()
    d.stop()
    require('wol.sync').cancel()
  end)

  it('shows progress in place, then a digest; fires User WolSynced; reloads buffers', function()
    d.bare('c1')
    local ana, bo = t.member('ana'), t.member('bo')
    local laptop = t.member('ana')
    S.init(ana, d.url('c1'))
    S.share(ana, 'notes/ana/mine.md', 'v1\n')
    assert.are.equal(0, select(3, S.sync(ana)))
    S.join(bo, d.url('c1'))
    S.join(laptop, d.url('c1'))
    S.share(bo, 'notes/bo/hello.md', 'hello from bo\n')
    assert.are.equal(0, select(3, S.sync(bo)))
    nt.become(ana)
    local fired = 0
    local au = vim.api.nvim_create_autocmd('User', { pattern = 'WolSynced', callback = function()
      fired = fired + 1
    end })
    local notes, echoes = watch(function()
      vim.cmd('WolSync')
      assert.is_true(require('wol.sync').is_running())
    end, function()
      return not require('wol.sync').is_running()
    end)
    assert.are.equal(1, fired)
    local digest
    for _, n in ipairs(notes) do
      if n.msg:match('^wol: synced c') then
        digest = n.msg
      end
    end
    assert.is_truthy(digest, vim.inspect(notes))
    assert.matches('1 note from bo', digest)
    assert.matches('bo joined', digest)
    -- progress went to the echo area only, never into :messages
    assert.is_true(#echoes >= 2)
    for _, e in ipairs(echoes) do
      assert.is_false(e.history)
    end
    assert.not_matches('wol: sync c: ', vim.fn.execute('messages'))
    local dir = S.circle_dir(ana)
    assert.are.equal('hello from bo\n', t.read(dir .. '/notes/bo/hello.md'))

    -- open buffers: bo's note unmodified (reloaded), ana's own note with
    -- unsaved edits (kept, and the user told)
    vim.cmd('edit ' .. vim.fn.fnameescape(dir .. '/notes/bo/hello.md'))
    local bo_buf = vim.api.nvim_get_current_buf()
    vim.cmd('edit ' .. vim.fn.fnameescape(dir .. '/notes/ana/mine.md'))
    local mine_buf = vim.api.nvim_get_current_buf()
    vim.api.nvim_buf_set_lines(mine_buf, 0, -1, false, { 'unsaved words' })
    S.share(bo, 'notes/bo/hello.md', 'hello again from bo\n')
    assert.are.equal(0, select(3, S.sync(bo)))
    S.sync(laptop)
    S.share(laptop, 'notes/ana/mine.md', 'v2 from the laptop\n')
    assert.are.equal(0, select(3, S.sync(laptop)))
    notes = watch(function()
      vim.cmd('WolSync')
    end, function()
      return not require('wol.sync').is_running()
    end)
    assert.are.equal(2, fired)
    assert.are.equal('hello again from bo', nt.buffer_text(bo_buf))
    assert.are.equal('unsaved words', nt.buffer_text(mine_buf))
    assert.is_true(vim.api.nvim_buf_get_option(mine_buf, 'modified'))
    assert.are.equal('v2 from the laptop\n', t.read(dir .. '/notes/ana/mine.md'))
    local told = false
    for _, n in ipairs(notes) do
      if n.msg:match('notes/ana/mine%.md') and n.msg:match('not reloaded') then
        told = true
      end
    end
    assert.is_true(told, vim.inspect(notes))
    vim.cmd('bwipeout! ' .. bo_buf .. ' ' .. mine_buf)
    vim.api.nvim_del_autocmd(au)
  end)

  it('runs again after a share and never overlaps a running sync', function()
    d.bare('c2')
    local ana, bo = t.member('ana'), t.member('bo')
    S.init(ana, d.url('c2'))
    S.sync(ana)
    S.join(bo, d.url('c2'))
    nt.become(ana)
    local sync = require('wol.sync')
    local done = 0
    watch(function()
      assert.is_truthy(sync.start(nil, { on_done = function() done = done + 1 end }))
      -- a second start while one runs joins it instead of overlapping
      assert.is_nil(sync.start(nil, { quiet = true }))
      -- a share during the sync: after_share asks for one more round
      assert.is_true(sync.after_share('c'))
    end, function()
      return done == 1 and not sync.is_running()
    end)
    local st = require('wol').ctx():sync_status('c')
    assert.are.equal(0, st.ahead)
    -- after_share is off when configured so, or when there is no remote
    require('wol').setup({ sync = { after_share = false } })
    assert.is_false(sync.after_share('c'))
    require('wol').setup({})
  end)

  it(':WolSync! cancels; a hung remote is stopped by the timeout', function()
    local port, close = silent_server()
    local ana = t.member('ana')
    S.init(ana, string.format('git://127.0.0.1:%d/c.git', port))
    nt.become(ana)
    local sync = require('wol.sync')
    local notes = watch(function()
      vim.cmd('WolSync')
      vim.wait(300)
      assert.is_true(sync.is_running())
      assert.matches('^wol: ', sync.statusline())
      vim.cmd('WolSync!')
    end, function()
      return not sync.is_running()
    end, 5000)
    assert.matches('^wol: sync c cancelled', notes[#notes].msg)
    assert.are.equal('', sync.statusline())

    require('wol').setup({ sync = { timeout = 1 } })
    local t0 = vim.loop.hrtime()
    notes = watch(function()
      vim.cmd('WolSync')
    end, function()
      return not sync.is_running()
    end, 10000)
    local secs = (vim.loop.hrtime() - t0) / 1e9
    assert.is_true(secs >= 0.9 and secs < 5, 'stopped after ' .. secs .. ' s')
    assert.matches('no answer after 1 s, stopped', notes[#notes].msg)
    assert.are.equal(vim.log.levels.ERROR, notes[#notes].level)
    require('wol').setup({})
    close()
  end)

  it('reports a failure in one line: unreachable remote', function()
    local ana = t.member('ana')
    S.init(ana, 'git://127.0.0.1:9/none.git')
    nt.become(ana)
    local notes = watch(function()
      vim.cmd('WolSync')
    end, function()
      return not require('wol.sync').is_running()
    end)
    assert.matches('^wol: sync: fetch: cannot reach git://127%.0%.0%.1:9/none%.git', notes[#notes].msg)
    assert.matches('%(1 commit kept locally for the next sync%)', notes[#notes].msg)
    assert.are.equal(vim.log.levels.ERROR, notes[#notes].level)
  end)

  it('a push the server refuses: one message, automatic syncs wait until :WolSync', function()
    local bare = d.bare('refusing')
    local ana = t.member('ana')
    S.init(ana, d.url('refusing'))
    t.write(bare .. '/hooks/pre-receive', '#!/bin/sh\necho "policy: this circle is closed for pushes"\nexit 1\n')
    t.sh('chmod +x ' .. t.shquote(bare .. '/hooks/pre-receive'))
    nt.become(ana)
    local sync = require('wol.sync')
    local notes = watch(function()
      assert.is_true(sync.after_share('c'))
    end, function()
      return not sync.is_running()
    end)
    assert.matches('closed for pushes', notes[#notes].msg)
    assert.matches('wait until you run :WolSync', notes[#notes].msg)
    assert.is_true(sync.paused.c)
    -- automatic syncs (after a share, on the timer) leave it alone
    assert.is_nil(sync.start(nil, { quiet = true }))
    assert.is_false(sync.is_running())
    -- the user acts: :WolSync tries again (and is refused again)
    notes = watch(function()
      vim.cmd('WolSync')
      assert.is_true(sync.is_running())
    end, function()
      return not sync.is_running()
    end)
    assert.matches('closed for pushes', notes[#notes].msg)
  end)

  it('keeps the editor responsive while a large sync runs (RPC round trips)', function()
    d.bare('big')
    local ana, bo = t.member('ana'), t.member('bo')
    S.init(bo, d.url('big'))
    local bdir = S.circle_dir(bo)
    local out, rc = t.sh(string.format(
      'cd %s && mkdir -p notes/bo/bulk && head -c 8000000 /dev/urandom > bulk.bin && ' ..
      'split -b 16000 -a 4 bulk.bin notes/bo/bulk/part- && rm bulk.bin && ' ..
      'env %s git add -A notes && env %s git commit -qm "share(bo): bulk"', t.shquote(bdir), t.env(bo), t.env(bo)))
    assert.are.equal(0, rc, out)
    assert.are.equal(0, select(3, S.sync(bo)))
    S.join(ana, d.url('big'))
    -- bo adds more, so ana's sync has a lot to receive
    out, rc = t.sh(string.format(
      'cd %s && mkdir -p notes/bo/more && head -c 8000000 /dev/urandom > more.bin && ' ..
      'split -b 16000 -a 4 more.bin notes/bo/more/part- && rm more.bin && ' ..
      'env %s git add -A notes && env %s git commit -qm "share(bo): more"', t.shquote(bdir), t.env(bo), t.env(bo)))
    assert.are.equal(0, rc, out)
    assert.are.equal(0, select(3, S.sync(bo)))

    -- a second Neovim, as ana, listening on a socket
    local sock = vim.fn.tempname() .. '.sock' -- short: socket paths are limited to ~100 bytes
    local child_out = {}
    local child = vim.fn.jobstart({ 'env', '-u', 'LUA_PATH', '-u', 'LUA_CPATH', 'HOME=' .. ana.home,
      'WOL_HOME=' .. ana.wol_home, 'nvim', '--headless', '--listen', sock, '-u', 'NONE', '-i', 'NONE', '-n',
      '--cmd', 'set rtp^=' .. t.root, '-c', 'runtime plugin/wol.lua' }, { stdin = 'null',
      on_stderr = function(_, data) vim.list_extend(child_out, data) end,
      on_stdout = function(_, data) vim.list_extend(child_out, data) end,
      on_exit = function(_, code) table.insert(child_out, 'exit ' .. code) end })
    assert.is_true(child > 0)
    assert.is_true(vim.wait(5000, function()
      return vim.loop.fs_stat(sock) ~= nil
    end, 10), sock .. ': ' .. table.concat(child_out, '\n'))
    local chan
    assert.is_true(vim.wait(5000, function()
      local ok, c = pcall(vim.fn.sockconnect, 'pipe', sock, { rpc = true })
      chan = ok and c or nil
      return chan ~= nil and chan > 0
    end, 20))
    vim.fn.rpcrequest(chan, 'nvim_command', 'WolSync')
    local lat, during = {}, 0
    local t_end = vim.loop.hrtime() + 60e9
    while vim.loop.hrtime() < t_end do
      local t0 = vim.loop.hrtime()
      local busy = vim.fn.rpcrequest(chan, 'nvim_exec_lua', "return require('wol.sync').is_running()", {})
      table.insert(lat, (vim.loop.hrtime() - t0) / 1e6)
      if not busy then
        break
      end
      during = during + 1
      vim.wait(1)
    end
    local last = vim.fn.rpcrequest(chan, 'nvim_exec_lua', "return require('wol.sync').last", {})
    pcall(vim.fn.rpcnotify, chan, 'nvim_command', 'qall!')
    vim.fn.jobwait({ child }, 3000)
    pcall(vim.fn.chanclose, chan)
    table.sort(lat)
    local p50 = lat[math.max(1, math.floor(#lat * 0.5))]
    local p99 = lat[math.max(1, math.ceil(#lat * 0.99))]
    io.stdout:write(string.format('\n[responsiveness] %d RPC round trips during a sync of ~16 MB: ' ..
      'p50 %.2f ms, p99 %.2f ms, max %.2f ms\n', #lat, p50, p99, lat[#lat]))
    assert.is_table(last)
    assert.is_nil(last.error)
    assert.is_true(last.merged, vim.inspect(last))
    assert.is_true(during >= 20, 'only ' .. during .. ' samples during the sync')
    assert.is_true(p99 < 100, string.format('p99 %.1f ms', p99))
    assert.are.equal(#S.notes(bdir), #S.notes(S.circle_dir(ana)))
  end)
end)
