-- The git index after shares (csrc/repo/gitindex.c changes it in place for
-- the common case, libgit2's writer does the rest): whatever the index held
-- (git's cached trees, skip-worktree entries, version 4), plain git sees a
-- clean status, `git write-tree` gives HEAD's tree (the cached trees of the
-- shared paths were invalidated), fsck is clean, and libgit2 reads it back.
local t = require('wolt')
local interp = os.getenv('WOL_TEST_INTERP') or 'luajit'

local function sh_ok(cmd)
  local out, rc = t.sh(cmd)
  assert(rc == 0, cmd .. '\n' .. out)
  return out
end

describe('the git index after shares', function()
  local home, ctx, dir
  local core = t.core()

  local function git(args)
    return sh_ok('git -C ' .. t.shquote(dir) .. ' ' .. args .. ' 2>&1')
  end

  -- everything plain git can check, and the counts
  local function assert_clean(files)
    assert.are.equal('', git('status --porcelain'))
    assert.are.equal(git('rev-parse HEAD^{tree}'), git('write-tree'))
    git('fsck --no-progress')
    git('diff --cached --quiet HEAD')
    if files then
      assert.are.equal(files, tonumber(git('ls-files | wc -l'):match('%d+')))
    end
  end

  setup(function()
    home = t.tmpdir('shareidx')
    local me = { home = os.getenv('HOME'), wol_home = home }
    local _, err, rc = t.wol({ 'init', 'c' }, me)
    assert(rc == 0, err)
    dir = home .. '/circles/c'
    -- 200 notes of another member, committed by plain git: its index has
    -- git's cached trees (the TREE extension)
    sh_ok(string.format('cd %s && mkdir -p notes/bo && for i in $(seq 1 200); do echo "note $i" > notes/bo/n$i.md; done',
      t.shquote(dir)))
    git('add -A')
    git('commit -q -m "bo writes"')
    assert.truthy(git('ls-files --debug | head -1'))
    ctx = assert(core.open({ home = home }))
  end)

  teardown(function()
    ctx:close()
  end)

  local function count()
    return tonumber(git('ls-files | wc -l'):match('%d+'))
  end

  -- How many times each system call appears in an `strace -f -o FILE`
  -- trace (0 for one that does not).
  local function traced_calls(file)
    local counts = setmetatable({}, { __index = function() return 0 end })
    for call in (t.read(file) or ''):gmatch('%d+%s+([%a_]+)%(') do
      counts[call] = counts[call] + 1
    end
    return counts
  end

  it('stay clean for plain git over 50 shares, new notes and the same note again', function()
    local n = count()
    local c = assert(ctx:circle_open())
    local first
    for i = 1, 50 do
      local r
      if i % 5 == 0 then
        r = assert(c:share({ note = first, content = '# First\n\nagain ' .. i .. '\n' }))
      else
        r = assert(c:share({ content = '# Plan ' .. i .. '\n\nstep ' .. i .. '\n', title = 'Plan ' .. i }))
        n = n + 1
      end
      first = first or r.note
      if i % 10 == 0 then
        assert_clean(n)
      end
    end
    -- plain git changes the index between two shares: the handle reads it again
    t.write(dir .. '/notes/bo/extra.md', 'from git\n')
    git('add notes/bo/extra.md')
    git('commit -q -m extra')
    assert(c:share({ content = '# After git\n', title = 'After git' }))
    assert_clean(n + 2)
    -- and a CLI process (reading the index from the file) agrees
    local f = t.tmpdir('sharef') .. '/cli.md'
    t.write(f, '# From the shell\n')
    local _, err, rc = t.wol({ 'share', f }, { home = os.getenv('HOME'), wol_home = home })
    assert(rc == 0, err)
    assert_clean(n + 3)
    -- git's next commit holds what it should (its cached trees are right)
    t.write(dir .. '/notes/bo/n1.md', 'changed by git\n')
    git('commit -q -a -m "git again"')
    assert_clean(n + 3)
    assert.are.equal('', git('diff HEAD~1 --stat -- notes/tester'))
    c:close()
  end)

  it('keep entries git marked (skip-worktree) and a version 4 index', function()
    local c = assert(ctx:circle_open())
    git('update-index --skip-worktree notes/bo/n2.md')
    assert(c:share({ content = '# Marked\n', title = 'Marked' }))
    assert.matches('S notes/bo/n2.md', git('ls-files -v notes/bo/n2.md'))
    assert_clean()
    git('update-index --no-skip-worktree notes/bo/n2.md')
    git('update-index --index-version 4')
    assert(c:share({ content = '# Four\n', title = 'Four' }))
    assert(c:share({ content = '# Four again\n', title = 'Four again' }))
    assert_clean()
    local head = t.read(dir .. '/.git/index'):sub(1, 8)
    assert.are.equal('DIRC\0\0\0\4', head) -- still version 4
    git('update-index --index-version 2')
    c:close()
  end)

  it('stay clean when two processes share at once', function()
    if interp ~= 'luajit' then return end -- drives the CLI; one run is enough
    local n = count()
    local src = t.tmpdir('sharepar')
    local me = t.env({ home = os.getenv('HOME'), wol_home = home })
    local loops = {}
    for p = 1, 2 do
      loops[p] = string.format(
        '(for i in 1 2 3 4 5 6 7 8 9 10; do f=%s/p%d-$i.md; printf "# P%d $i\\n" > $f; env %s %s share $f >/dev/null || echo FAIL; done)',
        t.shquote(src), p, p, me, t.shquote(t.bin))
    end
    local out = sh_ok(loops[1] .. ' & ' .. loops[2] .. ' & wait')
    assert.are.equal('', out)
    assert_clean(n + 20)
  end)

  -- share.fsync (csrc/repo/commit.c): "always" fsyncs every file and
  -- folder, "commit" writes them out and makes them durable with one fsync
  -- before the branch moves; a kill -9 at any of those calls recovers the
  -- same way in both modes
  it('recover from a share killed at each rename, fsync and write-out, in both fsync modes', function()
    if interp ~= 'luajit' then return end -- drives the CLI; one run is enough
    if select(2, t.sh('command -v strace')) ~= 0 then
      pending('strace is needed to stop a share at chosen points (make deps-test installs it)')
      return
    end
    local me = { home = os.getenv('HOME'), wol_home = home }
    local src = t.tmpdir('sharekill')
    local n = count()
    for _, mode in ipairs({ 'commit', 'always' }) do
      -- the mode through git config, as the CLI reads it: a global file
      -- that includes the test's own
      local cfg = src .. '/gitconfig-' .. mode
      t.write(cfg, string.format('[include]\n\tpath = %s/.gitconfig\n[wol]\n\tshareFsync = %s\n',
        os.getenv('HOME'), mode))
      local function share(name, extra)
        local f = src .. '/' .. name .. '.md'
        t.write(f, '# ' .. name .. '\n')
        return t.sh(string.format('env %s GIT_CONFIG_GLOBAL=%s %s %s share %s >/dev/null 2>&1', t.env(me),
          t.shquote(cfg), extra or '', t.shquote(t.bin), t.shquote(f)))
      end
      -- a dry run: the renames, fsyncs and write-outs of one share (the
      -- note, the objects, the index, the branch)
      local trace = src .. '/trace-' .. mode
      local _, rc = share('dry-' .. mode,
        'strace -f -qq -e trace=rename,fsync,fdatasync,syncfs,sync_file_range -o ' .. t.shquote(trace))
      assert.are.equal(0, rc)
      n = n + 1
      local counts = traced_calls(trace)
      assert.is_true(counts.rename >= 3, t.read(trace))
      assert.are.equal(0, counts.fdatasync + counts.syncfs, t.read(trace))
      -- "commit" acts as "always" where one fsync cannot stand for the
      -- others (an ext4 without a journal, as some VMs have): the trace says
      -- which mode a share used (its rule: the loop-mounted test below)
      local f = src .. '/mode-' .. mode .. '.md'
      t.write(f, '# mode\n')
      local said = t.sh(string.format('env %s GIT_CONFIG_GLOBAL=%s WOL_TRACE_GIT=1 %s share %s 2>&1 >/dev/null',
        t.env(me), t.shquote(cfg), t.shquote(t.bin), t.shquote(f)))
      n = n + 1
      local used = said:match('share%.fsync (%a+)')
      assert.is_truthy(used, said)
      if mode == 'always' then assert.are.equal('always', used, said) end
      if used == 'always' then
        -- the note and its folder, five objects and their folders, the
        -- index, the reflogs and the branch with their folders
        assert.is_true(counts.fsync >= 15, t.read(trace))
        assert.are.equal(0, counts.sync_file_range, t.read(trace))
      else
        -- the index (the barrier), the branch and its folder
        assert.is_true(counts.fsync >= 1 and counts.fsync <= 3, t.read(trace))
        assert.is_true(counts.sync_file_range >= 2, t.read(trace)) -- the note, the objects
      end
      for _, call in ipairs({ 'rename', 'fsync', 'sync_file_range' }) do
        for at = 1, counts[call] do
          local name = string.format('k-%s-%s-%d', mode, call:gsub('_', ''), at)
          local seen = src .. '/seen-' .. name
          _, rc = share(name, string.format('strace -f -qq -e trace=%s -e inject=%s:signal=KILL:when=%d -o %s',
            call, call, at, t.shquote(seen)))
          if rc ~= 137 then
            -- not killed: only when this share made fewer such calls than
            -- the dry run (a folder two objects share is fsynced once, and
            -- which objects share one depends on their ids)
            local made = traced_calls(seen)[call]
            assert.are.equal(0, rc, name)
            assert.is_true(made < at, name .. ': ' .. made .. ' calls')
          end
          -- the next share recovers and commits its own note; the killed
          -- one is either committed or not, never half
          _, rc = share(name .. '-after')
          assert.are.equal(0, rc, name)
          n = n + 1
          assert.is_false(t.exists(dir .. '/.git/index.lock'), name)
          git('fsck --no-progress')
          -- the killed share's note is committed, or left in the work tree
          -- (killed before the index was written), or staged (killed after
          -- the index was written, before the branch moved): never half
          local st = git('status --porcelain')
          local staged = st:match('^A  (notes/[^\n]+/k%-[%w%-]+%.md)\n$')
          local loose = st:match('^%?%? (notes/[^\n]+/k%-[%w%-]+%.md)\n$')
          assert.is_true(st == '' or staged ~= nil or loose ~= nil, name .. ': ' .. st)
          if staged then
            git('rm -q --cached ' .. staged)
          end
          if staged or loose then
            os.remove(dir .. '/' .. (staged or loose))
          end
          assert.are.equal(git('rev-parse HEAD^{tree}'), git('write-tree'), name)
          assert.are.equal('', git('status --porcelain'), name)
        end
      end
    end
    assert.is_true(count() >= n)
  end)

  -- The editor's module groups a commit's fsyncs as kernel AIO requests
  -- from a process's second commit on (csrc/repo/durable.c); strace sees no
  -- fsync there to stop at, so a process sharing twice is killed at each
  -- rename and at each AIO submit and wait, and the circle must recover as
  -- after the CLI's kills above (atomic steps; durability itself needs a
  -- power cut, not a kill).
  it('recover from the module\'s second share killed at each rename and AIO step', function()
    if interp ~= 'luajit' or os.getenv('WOL_BIN') then return end -- one run is enough
    if select(2, t.sh('command -v strace')) ~= 0 then
      pending('strace is needed to stop a share at chosen points (make deps-test installs it)')
      return
    end
    local me = { home = os.getenv('HOME'), wol_home = home }
    local src = t.tmpdir('sharekill-aio')
    local script = src .. '/two.lua'
    t.write(script, [[
local core = require('wol.core')
local ctx = assert(core.open({ home = arg[1] }))
local c = assert(ctx:circle_open())
assert(c:share({ content = '# ' .. arg[2] .. ' one\n', title = arg[2] .. '-one', fsync = 'always' }))
assert(c:share({ content = '# ' .. arg[2] .. ' two\n', title = arg[2] .. '-two', fsync = 'always' }))
ctx:close()
]])
    local function run(name, strace)
      return t.sh(string.format('env %s %s luajit %s %s %s >/dev/null 2>&1', t.env(me), strace or '',
        t.shquote(script), t.shquote(home), t.shquote(name)))
    end
    local calls = { 'rename', 'io_submit', 'io_getevents' }
    local trace = src .. '/trace'
    local _, rc = run('dry', 'strace -f -qq -e trace=' .. table.concat(calls, ',') .. ' -o ' .. t.shquote(trace))
    assert.are.equal(0, rc)
    local counts = traced_calls(trace)
    if counts.io_submit == 0 then
      pending('no kernel AIO here: the second share fsyncs one file after the other, as the CLI tests above')
      return
    end
    assert.is_true(counts.rename >= 6, t.read(trace)) -- two shares' note, index, branch
    local killed = 0
    for _, call in ipairs(calls) do
      for at = 1, counts[call] do
        local name = string.format('k-aio-%s-%d', call:gsub('_', ''), at)
        local seen = src .. '/seen-' .. name
        _, rc = run(name, string.format('strace -f -qq -e trace=%s -e inject=%s:signal=KILL:when=%d -o %s',
          call, call, at, t.shquote(seen)))
        if rc == 137 then
          killed = killed + 1
        else -- fewer such calls in this run than in the dry one
          local made = traced_calls(seen)[call]
          assert.are.equal(0, rc, name)
          assert.is_true(made < at, name .. ': ' .. made .. ' calls')
        end
        -- the next share recovers; each killed note is committed, left in
        -- the work tree or staged, never half
        local f = src .. '/' .. name .. '-after.md'
        t.write(f, '# after\n')
        local _, err, rc2 = t.wol({ 'share', f }, me)
        assert.are.equal(0, rc2, name .. ': ' .. err)
        assert.is_false(t.exists(dir .. '/.git/index.lock'), name)
        git('fsck --no-progress')
        for line in git('status --porcelain'):gmatch('[^\n]+') do
          local how, path = line:match('^(..) (notes/[^/]+/k%-[%w%-]+%.md)$')
          assert.is_truthy(how == 'A ' or how == '??', name .. ': ' .. line)
          if how == 'A ' then
            git('rm -q --cached ' .. path)
          end
          os.remove(dir .. '/' .. path)
        end
        assert.are.equal(git('rev-parse HEAD^{tree}'), git('write-tree'), name)
        assert.are.equal('', git('status --porcelain'), name)
      end
    end
    assert.is_true(killed >= 6)
  end)

  it('take share.fsync from the call or git config, and refuse other values', function()
    local c = assert(ctx:circle_open())
    local n = count()
    assert(c:share({ content = '# Always\n', title = 'Always', fsync = 'always' }))
    assert(c:share({ content = '# Commit\n', title = 'Commit', fsync = 'commit' }))
    assert_clean(n + 2)
    local r, err, code = c:share({ content = '# Never\n', title = 'Never', fsync = 'sometimes' })
    assert.is_nil(r)
    assert.matches("^wol: share.fsync: 'sometimes' is not", err)
    assert.are.equal('invalid', code)
    assert_clean(n + 2) -- nothing written
    -- from git config, for the CLI
    local cfg = t.tmpdir('sharecfg') .. '/gitconfig'
    t.write(cfg, string.format('[include]\n\tpath = %s/.gitconfig\n[wol]\n\tshareFsync = sometimes\n', os.getenv('HOME')))
    local f = t.tmpdir('sharecfgf') .. '/bad.md'
    t.write(f, '# Bad\n')
    local _, e, rc = t.wol({ 'share', f }, { home = os.getenv('HOME'), wol_home = home }, { GIT_CONFIG_GLOBAL = cfg })
    assert.are_not.equal(0, rc)
    assert.matches("wol: share.fsync: 'sometimes' is not \"commit\" or \"always\" %(git config wol.shareFsync%)", e)
    assert_clean(n + 2)
    c:close()
  end)
  -- The rule of "commit" (csrc/repo/commit.c, journal_missing): one fsync
  -- stands for the others only on a file system with one journal committed
  -- in order. Two real ext4 file systems on loop devices, one made with a
  -- journal and one without: the same share takes 1-3 fsyncs on the first
  -- and fsyncs every file on the second.
  it('"commit" uses one barrier on a journaled ext4, and acts as "always" on one without a journal', function()
    if interp ~= 'luajit' then return end
    local _, root = t.sh('test "$(id -u)" = 0')
    local _, tools = t.sh('command -v strace && command -v mkfs.ext4 && command -v losetup')
    if root ~= 0 or tools ~= 0 then
      pending('needs root, strace, mkfs.ext4 and losetup (loop-mounted ext4 file systems)')
      return
    end
    local base = t.tmpdir('fsmodes')
    local results = {}
    for _, kind in ipairs({ 'journal', 'nojournal' }) do
      local img, mnt = base .. '/' .. kind .. '.img', base .. '/' .. kind
      sh_ok(string.format('truncate -s 64M %s && mkfs.ext4 -q -F %s %s 2>&1 && mkdir -p %s', t.shquote(img),
        kind == 'nojournal' and '-O ^has_journal' or '', t.shquote(img), t.shquote(mnt)))
      local out, rc = t.sh(string.format('mount -o loop %s %s 2>&1', t.shquote(img), t.shquote(mnt)))
      if rc ~= 0 then
        pending('cannot mount a loop device here: ' .. out)
        return
      end
      local ok, err = pcall(function()
        local me = { home = os.getenv('HOME'), wol_home = mnt .. '/wol' }
        local _, e, code = t.wol({ 'init', 'fs' }, me)
        assert(code == 0, e)
        local note = mnt .. '/note.md'
        t.write(note, '# On ' .. kind .. '\n')
        local trace = base .. '/trace-' .. kind
        local said = sh_ok(string.format('env %s WOL_TRACE_GIT=1 strace -f -qq -e trace=fsync -o %s %s share %s 2>&1',
          t.env(me), t.shquote(trace), t.shquote(t.bin), t.shquote(note)))
        local fsyncs = select(2, (t.read(trace) or ''):gsub('fsync%(', ''))
        results[kind] = { said = said, fsyncs = fsyncs }
        sh_ok('git -C ' .. t.shquote(mnt .. '/wol/circles/fs') .. ' fsck --no-progress 2>&1')
        assert.are.equal('', sh_ok('git -C ' .. t.shquote(mnt .. '/wol/circles/fs') .. ' status --porcelain'))
      end)
      t.sh(string.format('umount %s 2>&1', t.shquote(mnt)))
      assert(ok, err)
    end
    assert.matches('share%.fsync commit\n', results.journal.said)
    assert.is_true(results.journal.fsyncs >= 1 and results.journal.fsyncs <= 3, results.journal.said)
    assert.matches('share%.fsync always, as "always": ext4 without a journal', results.nojournal.said)
    assert.is_true(results.nojournal.fsyncs >= 15, tostring(results.nojournal.fsyncs))
  end)
end)
