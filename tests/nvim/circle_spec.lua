-- Circles and :WolShare in real headless Neovim, on real repositories:
-- init, join (a job, from a local bare repository), notes, shares of every
-- kind, refusals, read-only foreign notes with modelines off, and
-- concurrent shares from two Neovim instances and the CLI.
local t = require('wolt')
local nt = require('nvimt')

local function fsck(dir)
  local out, rc = t.git(dir, 'fsck --strict --no-progress')
  assert.are.equal(0, rc, out)
  assert.not_matches('error', out)
end

local function subjects(dir)
  return (t.git(dir, 'log --format=%s'))
end

local function head(dir)
  return (t.git(dir, 'rev-parse HEAD'))
end

local function set_lines(lines)
  vim.api.nvim_buf_set_lines(0, 0, -1, false, lines)
end

local function last_notice(fn)
  local seen = nt.notifications(fn)
  return seen[#seen] or { msg = '' }, seen
end

local me, dir

describe(':WolInit and :WolNote', function()
  setup(function()
    me = t.member('tester')
    nt.become(me)
  end)
  after_each(function()
    vim.cmd('silent! %bwipeout!')
  end)

  it('starts a circle and reports it', function()
    local n = last_notice(function()
      vim.cmd('WolInit spring meets=wed')
    end)
    dir = me.wol_home .. '/circles/spring'
    assert.matches("wol: started circle 'spring' at " .. dir:gsub('%p', '%%%0'), n.msg)
    assert.matches('meets: wednesday', t.read(dir .. '/circle.md'))
    assert.are.equal('circle(tester): start spring\n', subjects(dir))
    fsck(dir)
    n = last_notice(function()
      vim.cmd('WolInit spring')
    end)
    assert.matches("circle 'spring' already exists", n.msg)
    assert.are.equal(vim.log.levels.ERROR, n.level)
  end)

  it(':WolNote opens a new note; :WolShare writes and commits it with the message', function()
    vim.cmd('WolNote Weekly plan')
    local path = vim.api.nvim_buf_get_name(0)
    assert.are.equal(dir .. '/notes/tester/weekly-plan.md', path)
    assert.is_false(vim.bo.modeline)
    assert.matches('title: Weekly plan', nt.buffer_text())
    vim.api.nvim_buf_set_lines(0, -1, -1, false, { 'Ship the draft by Friday.' })
    assert.is_true(vim.bo.modified)
    local fired = {}
    local au = vim.api.nvim_create_autocmd('User', {
      pattern = 'WolShared',
      callback = function(a)
        table.insert(fired, a.data or vim.g.wol_last_share)
      end,
    })
    local n = last_notice(function()
      vim.cmd('WolShare asking for early feedback')
    end)
    vim.api.nvim_del_autocmd(au)
    assert.matches("wol: shared 'Weekly plan' to spring %(%x+%)", n.msg)
    assert.matches('no remote', n.msg)
    assert.is_false(vim.bo.modified)
    assert.matches('Ship the draft by Friday%.', t.read(path))
    assert.are.equal(1, #fired)
    assert.are.equal('notes/tester/weekly-plan.md', fired[1].note)
    assert.are.equal('spring', fired[1].circle)
    local body = t.git(dir, 'log -1 --format=%B')
    assert.matches('^share%(tester%): Weekly plan\n\nasking for early feedback\n\nWol%-Kind: note\nWol%-Id: ', body)
    assert.are.equal('', (t.git(dir, 'status --porcelain')))
    -- nothing new: nothing committed
    local before = head(dir)
    n = last_notice(function()
      vim.cmd('WolShare')
    end)
    assert.matches('already shared', n.msg)
    assert.are.equal(before, head(dir))
    -- the file on disk was not replaced under the buffer
    vim.cmd('checktime')
    assert.is_false(vim.bo.modified)
    fsck(dir)
  end)

  it('copies another file, and sharing it again updates the same note', function()
    local src = t.tmpdir('src') .. '/plan.lua'
    t.write(src, 'return 1\n')
    vim.cmd('edit ' .. vim.fn.fnameescape(src))
    local n = last_notice(function()
      vim.cmd('WolShare')
    end)
    assert.matches("shared 'plan.lua'", n.msg)
    local note = dir .. '/notes/tester/plan-lua.md'
    assert.matches('```lua\nreturn 1\n```', t.read(note))
    set_lines({ 'return 2' })
    vim.cmd('WolShare')
    assert.matches('return 2', t.read(note))
    assert.are.equal(1, #vim.fn.globpath(dir .. '/notes/tester', 'plan*', false, true))
    assert.are.equal(2, select(2, (t.git(dir, 'log --format=%h -- notes/tester/plan-lua.md')):gsub('\n', '')))
    -- the source buffer itself was not written
    assert.are.equal('return 1\n', t.read(src))
    fsck(dir)
  end)

  it('shares an unnamed buffer, then updates that note', function()
    vim.cmd('enew')
    set_lines({ 'An idea about pairing', '', 'More to come.' })
    vim.cmd('WolShare')
    local shared = vim.b.wol_shared_note
    assert.are.equal('notes/tester/an-idea-about-pairing.md', shared.note)
    set_lines({ 'An idea about pairing', '', 'Now with detail.' })
    vim.cmd('WolShare')
    assert.are.equal(shared.note, vim.b.wol_shared_note.note)
    assert.matches('Now with detail', t.read(dir .. '/' .. shared.note))
    fsck(dir)
  end)

  it('shares a range as a snippet note', function()
    local src = t.tmpdir('src') .. '/long.py'
    t.write(src, 'a = 1\nb = 2\nc = 3\nd = 4\n')
    vim.cmd('edit ' .. vim.fn.fnameescape(src))
    vim.cmd('2,3WolShare the middle')
    local note = dir .. '/notes/tester/long-py-lines-2-3.md'
    local text = t.read(note)
    assert.matches('lines: 2%-3', text)
    assert.matches('```py[thon]*\nb = 2\nc = 3\n```', text)
    assert.matches('the middle', t.git(dir, 'log -1 --format=%B'))
    fsck(dir)
  end)

  it('refuses secrets, journal entries, large and binary content and other folders; nothing committed', function()
    local before = head(dir)
    vim.cmd('WolNote Secret stuff')
    local path = vim.api.nvim_buf_get_name(0)
    local on_disk = t.read(path)
    vim.api.nvim_buf_set_lines(0, -1, -1, false, { 'token = glpat-abcdefghijklmnopqrstu' })
    local n = last_notice(function()
      vim.cmd('WolShare')
    end)
    assert.matches('looks like a GitLab token', n.msg)
    assert.are.equal(vim.log.levels.ERROR, n.level)
    assert.is_true(vim.bo.modified) -- not written either
    assert.are.equal(on_disk, t.read(path))
    assert.are.equal(before, head(dir))
    -- forced with !
    vim.cmd('WolShare!')
    assert.are_not.equal(before, head(dir))
    before = head(dir)
    -- journal entries are private
    local jpath = me.wol_home .. '/journal/2026/03/2026-03-02.md'
    t.write(jpath, 'dear diary\n')
    vim.cmd('edit ' .. vim.fn.fnameescape(jpath))
    n = last_notice(function()
      vim.cmd('WolShare')
    end)
    assert.matches('is a journal entry, which is private', n.msg)
    -- too large (a configured limit)
    require('wol').setup({ share = { max_size = 100 } })
    vim.cmd('enew')
    set_lines({ string.rep('x', 200) })
    n = last_notice(function()
      vim.cmd('WolShare')
    end)
    assert.matches('too large', n.msg)
    -- a durability setting the library does not know (share.fsync)
    require('wol').setup({ share = { fsync = 'sometimes' } })
    n = last_notice(function()
      vim.cmd('WolShare')
    end)
    assert.matches([[^wol: share.fsync: 'sometimes' is not "commit" or "always"]], n.msg)
    require('wol').setup({})
    -- binary
    vim.cmd('enew')
    set_lines({ 'a\0b' })
    n = last_notice(function()
      vim.cmd('WolShare')
    end)
    assert.matches('binary content', n.msg)
    -- an empty buffer, and a note title with a control character
    vim.cmd('enew')
    n = last_notice(function()
      vim.cmd('WolShare')
    end)
    assert.matches('^wol: share: the text is empty; nothing was shared', n.msg)
    local bufs = #vim.api.nvim_list_bufs()
    n = last_notice(function()
      vim.cmd('WolNote bell\7')
    end)
    assert.matches('^wol: note: the title holds a control character', n.msg)
    assert.are.equal(bufs, #vim.api.nvim_list_bufs())
    -- another member's folder
    t.write(dir .. '/notes/bo/x.md', 'hi\n')
    vim.cmd('edit ' .. vim.fn.fnameescape(dir .. '/notes/bo/x.md'))
    assert.is_true(vim.bo.readonly)
    n = last_notice(function()
      vim.cmd('WolShare')
    end)
    assert.matches("in another member's folder", n.msg)
    os.remove(dir .. '/notes/bo/x.md')
    assert.are.equal(before, head(dir))
    fsck(dir)
  end)

  it("refuses wol's own screens and every buffer that is not a file, saying which to use; nothing committed", function()
    local before = head(dir)
    vim.cmd('silent! only!')
    local file = t.tmpdir('share-src') .. '/draft.md'
    t.write(file, '# Draft\n\ntext\n')
    vim.cmd('edit ' .. vim.fn.fnameescape(file))
    local function refused(open, pattern)
      open()
      local n = last_notice(function()
        vim.cmd('WolShare!') -- not even when forced
      end)
      assert.matches(pattern, n.msg)
      assert.matches('draft%.md %(window %d%) and run it there', n.msg)
      assert.are.equal(vim.log.levels.ERROR, n.level)
      n = last_notice(function()
        vim.cmd('1,1WolShare')
      end)
      assert.matches(pattern, n.msg)
      assert.are.equal(before, head(dir))
    end
    refused(function() vim.cmd('WolPrompt') end, "^wol: share: the day's prompt %(wol://prompt%) is a screen of wol")
    vim.cmd('close')
    refused(function() vim.cmd('WolCircle') end, '^wol: share: the circle dashboard %(wol://circle/spring%)')
    vim.cmd('close')
    refused(function() vim.cmd('WolCircle agenda') end, '^wol: share: the meeting agenda')
    vim.cmd('bwipeout!')
    refused(function() vim.cmd('help wol') end, '^wol: share: this is a help page %(buftype=help%)')
    vim.cmd('close')
    refused(function()
      vim.cmd('new')
      vim.bo.buftype = 'nofile'
      set_lines({ 'scratch' })
    end, '^wol: share: this is a scratch buffer %(buftype=nofile%)')
    vim.cmd('bwipeout!')
    refused(function()
      vim.fn.setqflist({ { filename = file, lnum = 1, text = 'x' } })
      vim.cmd('copen')
    end, '^wol: share: this is a quickfix or location list')
    vim.cmd('cclose')
    refused(function() vim.cmd('split term://true') end, '^wol: share: term://[^ ]* is not a file')
    vim.cmd('bwipeout!')
    refused(function() vim.cmd('split fugitive:///x/.git//0/a.md') end, '^wol: share: fugitive://[^ ]* is not a file')
    vim.cmd('bwipeout!')
    -- the file itself and an unnamed buffer typed into are shared
    vim.cmd('enew')
    set_lines({ '# Typed here', '', 'words' })
    vim.cmd('WolShare')
    assert.are_not.equal(before, head(dir))
    vim.cmd('bwipeout!')
    fsck(dir)
  end)

  it('refuses the entry :WolJournal opens, unless :WolShare!', function()
    if vim.fn.exists(':WolJournal') ~= 2 then
      return pending('no :WolJournal in this build')
    end
    local before = head(dir)
    vim.cmd('WolJournal')
    vim.api.nvim_buf_set_lines(0, -1, -1, false, { 'a private thought' })
    local n = last_notice(function()
      vim.cmd('WolShare')
    end)
    assert.matches('is a journal entry, which is private', n.msg)
    assert.are.equal(before, head(dir))
    vim.cmd('silent! write')
    vim.cmd('bwipeout!')
  end)

  it('tells that a share will be pushed on the next sync when there is a remote', function()
    local bare = t.tmpdir('remote') .. '/spring.git'
    t.sh('git init -q --bare ' .. t.shquote(bare))
    t.git(dir, 'remote add origin ' .. t.shquote(bare))
    vim.cmd('WolNote Pushed later')
    vim.api.nvim_buf_set_lines(0, -1, -1, false, { 'text' })
    local n = last_notice(function()
      vim.cmd('WolShare')
    end)
    if not pcall(require, 'wol.sync') then
      assert.matches('commits will be pushed on the next sync', n.msg)
    else
      assert.matches("wol: shared 'Pushed later'", n.msg)
    end
    assert.is_true(vim.g.wol_last_share.ahead > 0)
    t.git(dir, 'remote remove origin')
  end)
end)

describe('several circles', function()
  it('acts on the circle named with circle=NAME, reusing one open handle per circle', function()
    assert.are.equal(0, select(3, t.wol({ 'init', 'other' }, me)))
    local circle = require('wol.circle')
    circle.reset()
    vim.cmd('enew')
    set_lines({ 'For the other circle' })
    local n = last_notice(function()
      vim.cmd('WolShare')
    end)
    assert.matches('several circles exist', n.msg)
    n = last_notice(function()
      vim.cmd('WolShare circle=other')
    end)
    assert.matches("shared 'For the other circle' to other", n.msg)
    assert.matches('share%(tester%): For the other circle', subjects(me.wol_home .. '/circles/other'))
    local h1 = circle.open('other')
    set_lines({ 'For the other circle', 'again' })
    vim.cmd('WolShare circle=other')
    assert.are.equal(h1, circle.open('other'))
    assert.is_true(h1:is_open())
    -- a new identity gets new handles; the old ones are closed
    nt.become(t.member('someone'))
    local ok = pcall(circle.open, 'other')
    assert.is_false(ok)
    assert.is_false(h1:is_open())
    nt.become(me)
    vim.cmd('bwipeout!')
    fsck(me.wol_home .. '/circles/other')
  end)
end)

describe(':WolJoin and :WolNotes', function()
  local bo, bare
  setup(function()
    -- bo starts a circle with notes, one carrying a modeline
    bo = t.member('bo')
    assert.are.equal(0, select(3, t.wol({ 'init', 'autumn' }, bo)))
    local work = t.tmpdir('bo-work')
    t.write(work .. '/tricky.md', '# Tricky\n\nvim: set textwidth=7 filetype=lua:\n')
    assert.are.equal(0, select(3, t.wol({ 'share', work .. '/tricky.md' }, bo)))
    t.write(work .. '/plain.md', '# Plain\n\nhello\n')
    assert.are.equal(0, select(3, t.wol({ 'share', work .. '/plain.md' }, bo)))
    bare = t.tmpdir('bare') .. '/autumn.git'
    t.sh('git clone -q --bare ' .. t.shquote(bo.wol_home .. '/circles/autumn') .. ' ' .. t.shquote(bare))
    me = t.member('tester')
    nt.become(me)
  end)

  -- runs `start`, then waits (the editor keeps running) until a
  -- notification matches `pattern`; returns all notifications
  local function until_notice(start, pattern)
    local got = {}
    local real = vim.notify
    vim.notify = function(msg, level)
      table.insert(got, { msg = msg, level = level })
    end
    local ok, err = pcall(function()
      start()
      vim.wait(20000, function()
        for _, g in ipairs(got) do
          if g.msg:match(pattern) then
            return true
          end
        end
        return false
      end, 20)
    end)
    vim.notify = real
    assert(ok, err)
    return got
  end

  it('joins in the background without blocking, reporting when done', function()
    local returned_at, started = nil, vim.loop.hrtime()
    local got = until_notice(function()
      vim.cmd('WolJoin ' .. bare)
      returned_at = vim.loop.hrtime()
      -- the command returned at once: the clone runs in another process
      assert.are.equal(0, vim.fn.isdirectory(me.wol_home .. '/circles/autumn'))
    end, '^wol: joined')
    assert.is_true((returned_at - started) / 1e6 < 1000)
    local all = table.concat(vim.tbl_map(function(x) return x.msg end, got), '\n')
    assert.matches('joining .* in the background', all)
    assert.matches("wol: joined circle 'autumn' at ", all)
    local d = me.wol_home .. '/circles/autumn'
    assert.matches('join%(tester%): ', subjects(d))
    assert.is_truthy(t.read(d .. '/members/tester.md'))
    fsck(d)
    -- a bad URL is one clear error, and leaves nothing behind
    got = until_notice(function()
      vim.cmd('WolJoin /nonexistent/nothing.git other')
    end, 'does not exist')
    local last = got[#got]
    assert.matches('^wol: join: /nonexistent/nothing%.git does not exist', last.msg)
    assert.are.equal(vim.log.levels.ERROR, last.level)
    assert.are.equal(0, vim.fn.isdirectory(me.wol_home .. '/circles/other'))
  end)

  it('joins with goal=: the rest of the line is the goal, in the join commit', function()
    local got = until_notice(function()
      vim.cmd('WolJoin ' .. bare .. ' withgoal goal=Learn to  ask for help')
    end, '^wol: joined')
    assert.matches("wol: joined circle 'withgoal'", got[#got].msg)
    local d = me.wol_home .. '/circles/withgoal'
    local doc = assert(require('wol.lib').core().parse_doc(t.read(d .. '/members/tester.md')))
    assert.are.equal('Learn to ask for help', doc.meta.goal)
    assert.matches('^join%(tester%): ', subjects(d))
    assert.are.equal('', (t.git(d, 'status --porcelain')))
    -- goal= without text: one message, nothing started
    local seen = nt.notifications(function()
      vim.cmd('WolJoin ' .. bare .. ' nogoal goal=')
    end)
    assert.matches('^wol: :WolJoin: goal= needs the text of your goal', seen[1].msg)
    assert.are.equal(0, vim.fn.isdirectory(me.wol_home .. '/circles/nogoal'))
  end)

  it('lists notes newest first and opens a foreign note read-only with modelines off', function()
    local items, chosen
    local real = vim.ui.select
    vim.ui.select = function(list, opts, on_choice)
      items = vim.tbl_map(opts.format_item, list)
      chosen = list[#list]
      for _, n in ipairs(list) do
        if n.title == 'Tricky' then
          chosen = n
        end
      end
      on_choice(chosen)
    end
    local ok, err = pcall(vim.cmd, 'WolNotes circle=autumn')
    vim.ui.select = real
    assert(ok, err)
    assert.are.equal(2, #items)
    assert.matches('^just now +bo +Plain', items[1])
    assert.matches('bo +Tricky', items[2])
    assert.are.equal(me.wol_home .. '/circles/autumn/notes/bo/tricky.md', vim.api.nvim_buf_get_name(0))
    assert.is_true(vim.bo.readonly)
    assert.is_false(vim.bo.modifiable)
    assert.is_false(vim.bo.modeline)
    assert.are_not.equal(7, vim.bo.textwidth)
    assert.are_not.equal('lua', vim.bo.filetype)
    -- filtering by handle
    vim.ui.select = function(list, _, on_choice)
      items = list
      on_choice(nil)
    end
    ok, err = pcall(vim.cmd, 'WolNotes nobody circle=autumn')
    vim.ui.select = real
    assert(ok, err)
  end)
end)

describe('concurrent shares', function()
  it('from two Neovim instances and the CLI lose no commit', function()
    local m = t.member('conc')
    assert.are.equal(0, select(3, t.wol({ 'init', 'busy' }, m)))
    local d = m.wol_home .. '/circles/busy'
    local work = t.tmpdir('conc')
    local function nvim_job(tag)
      local cmds = {}
      for i = 1, 4 do
        table.insert(cmds, 'WolNote ' .. tag .. ' note ' .. i)
        table.insert(cmds, 'call append("$", "body ' .. tag .. ' ' .. i .. '")')
        table.insert(cmds, 'WolShare')
      end
      local script = work .. '/' .. tag .. '.vim'
      t.write(script, table.concat(cmds, '\n') .. '\n')
      local args = { 'nvim', '--headless', '-u', 'NONE', '-i', 'NONE', '-n', '--cmd', t.shquote('set rtp^=' .. t.root),
        '-c', t.shquote('runtime plugin/wol.lua'), '-c', t.shquote('source ' .. script), '-c', 'qall!' }
      return string.format('env -u LUA_PATH -u LUA_CPATH %s timeout 60 %s >%s/%s.log 2>&1 </dev/null &', t.env(m),
        table.concat(args, ' '), t.shquote(work), tag)
    end
    local parts = { nvim_job('first'), nvim_job('second') }
    for i = 1, 4 do
      t.write(work .. '/cli' .. i .. '.md', '# cli ' .. i .. '\n')
      table.insert(parts, string.format('env %s %s share %s >>%s/cli.log 2>&1 &', t.env(m), t.shquote(t.bin),
        t.shquote(work .. '/cli' .. i .. '.md'), t.shquote(work)))
    end
    table.insert(parts, 'wait')
    t.sh(table.concat(parts, '\n'))
    local log = subjects(d)
    local logs = (t.read(work .. '/first.log') or '') .. (t.read(work .. '/second.log') or '') .. (t.read(work .. '/cli.log') or '')
    for _, tag in ipairs({ 'first', 'second' }) do
      for i = 1, 4 do
        local title = tag .. ' note ' .. i
        assert.matches('share%(conc%): ' .. title .. '\n', log, 1, false, logs)
        local blob, rc = t.git(d, 'show HEAD:notes/conc/' .. tag .. '-note-' .. i .. '.md')
        assert.are.equal(0, rc, blob)
        assert.matches('body ' .. tag .. ' ' .. i, blob)
      end
    end
    for i = 1, 4 do
      assert.matches('share%(conc%): cli ' .. i .. '\n', log)
    end
    assert.are.equal(13, select(2, log:gsub('\n', '')))
    assert.are.equal('', (t.git(d, 'status --porcelain')))
    fsck(d)
  end)
end)
