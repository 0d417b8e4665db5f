-- The checkout of `wol join` (csrc/repo/checkout.c): a clone made without a
-- checkout, then HEAD's tree written by wol and the git index built from
-- the written files; libgit2's checkout for trees wol does not write as git
-- would (a symbolic link, a .gitattributes). Checked against real git:
-- status, the index against HEAD, fsck, the bytes of a plain `git clone`.
-- WOL_TRACE_GIT=1 makes the library say which checkout it used.
local t = require('wolt')
local interp = os.getenv('WOL_TEST_INTERP') or 'luajit'

local function sh_ok(cmd)
  local out, rc = t.sh(cmd .. ' 2>&1')
  assert.are.equal(0, rc, out)
  return out
end

-- `git ls-files -s` and `git ls-tree -r HEAD` as the same "mode id path" lines
local function index_of(dir)
  local out = sh_ok('git -C ' .. t.shquote(dir) .. ' ls-files -s')
  return (out:gsub('(%d+) (%x+) 0\t', '%1 %2 '))
end
local function head_of(dir)
  local out = sh_ok('git -C ' .. t.shquote(dir) .. ' ls-tree -r HEAD')
  return (out:gsub('(%d+) blob (%x+)\t', '%1 %2 '))
end

-- joined work tree `dir` holds what `git clone` of url makes, but for the
-- member file the join added
local function same_as_git_clone(dir, url, handle)
  local plain = t.tmpdir('plainclone') .. '/c'
  sh_ok(string.format('git clone -q -c core.symlinks=false %s %s', t.shquote(url), t.shquote(plain)))
  local mine = index_of(dir):gsub('[^\n]* members/' .. handle .. '%.md\n', '')
  assert.are.equal(index_of(plain), mine)
  sh_ok(string.format('diff -r -x .git -x %s.md %s %s', handle, t.shquote(plain), t.shquote(dir)))
end

local function join(m, url, name)
  local out, err, rc = t.wol({ 'join', url, name }, m, { WOL_TRACE_GIT = '1' })
  assert.are.equal(0, rc, out .. err)
  return m.wol_home .. '/circles/' .. name, err
end

local function clean(dir)
  assert.are.equal('', (t.git(dir, 'status --porcelain')))
  assert.are.equal('', (t.git(dir, 'diff --stat')))
  assert.are.equal(head_of(dir), index_of(dir))
  local out, rc = t.git(dir, 'fsck --strict --no-progress')
  assert.are.equal(0, rc, out)
end

describe('wol join checks out', function()
  local base, plain, link, attrs
  setup(function()
    -- one circle made with git: 150 notes in three folders, a nested
    -- folder, an executable; then the same with a symbolic link, and with
    -- a .gitattributes (eol and ident conversion)
    local ana = t.member('ana')
    local _, err, rc = t.wol({ 'init', 'c' }, ana)
    assert.are.equal(0, rc, err)
    local src = ana.wol_home .. '/circles/c'
    base = t.tmpdir('checkout')
    sh_ok(string.format([[
cd %s && for m in ana bo cy; do mkdir -p notes/$m/deep
  i=1; while [ $i -le 50 ]; do printf -- '---\ntitle: %%s %%d\n---\nText %%d.\n' $m $i $i > notes/$m/n-$i.md; i=$((i+1)); done
  printf 'deep\n' > notes/$m/deep/x.md
done
mkdir -p tools && printf '#!/bin/sh\necho hi\n' > tools/run.sh && chmod 755 tools/run.sh
export HOME=%s
git add -A && git commit -qm notes
git clone -q --bare . %s/plain.git
ln -s n-1.md notes/ana/latest.md && git add -A && git commit -qm link
git clone -q --bare . %s/link.git
git rm -q notes/ana/latest.md
printf '*.txt text eol=crlf\nid.md ident\n' > .gitattributes
printf 'one\ntwo\n' > notes/ana/read.txt && printf 'x $Id$ y\n' > notes/ana/id.md
git add -A && git commit -qm attrs
git clone -q --bare . %s/attrs.git]], t.shquote(src), t.shquote(ana.home), t.shquote(base), t.shquote(base),
      t.shquote(base)))
    plain, link, attrs = base .. '/plain.git', base .. '/link.git', base .. '/attrs.git'
  end)

  it('by itself: status clean, the index equal to HEAD with stat data, fsck clean, modes kept', function()
    local bo = t.member('bo')
    local dir, err = join(bo, plain, 'c')
    -- two writers on a machine with more than one processor (libgit2 built
    -- with threads, as Debian's is)
    local cpus = tonumber(sh_ok('nproc'):match('%d+'))
    assert.matches('wol: trace: checkout by wol %(156 files, ' .. (cpus > 1 and '2 writers' or '1 writer') .. '%)', err)
    -- every entry's stat data is the file's: git compares no content. The
    -- one exception is git's own racy rule: an entry whose file's mtime is
    -- not before the index file's is smudged (size 0) by the member commit
    -- that rewrites the index, so that git re-reads it; which files fall in
    -- that window depends on timing (the kernel's coarse and fine-grained
    -- timestamps), so each one listed must be a smudged entry
    for path in (t.git(dir, 'diff-files --name-only') or ''):gmatch('[^\n]+') do
      local dbg = sh_ok('git -C ' .. t.shquote(dir) .. ' ls-files --debug ' .. t.shquote(path))
      assert.matches('size: 0\t', dbg, path .. ' differs from its index entry')
    end
    assert.is_false(t.exists(dir .. '/.git/index.lock'))
    clean(dir)
    same_as_git_clone(dir, plain, 'bo')
    assert.are.equal('755\n', sh_ok('stat -c %a ' .. t.shquote(dir .. '/tools/run.sh')))
    assert.are.equal('644\n', sh_ok('stat -c %a ' .. t.shquote(dir .. '/notes/cy/deep/x.md')))
    assert.matches('^100755 %x+ 0\ttools/run.sh', sh_ok('git -C ' .. t.shquote(dir) .. ' ls-files -s tools/run.sh'))
    -- the entries carry the files' stat data (git does not re-read them)
    local dbg = sh_ok('git -C ' .. t.shquote(dir) .. ' ls-files --debug notes/bo/n-7.md')
    local ino = sh_ok('stat -c %i ' .. t.shquote(dir .. '/notes/bo/n-7.md')):match('%d+')
    assert.matches('ino: ' .. ino .. '\n', dbg)
    assert.matches('size: ' .. #t.read(dir .. '/notes/bo/n-7.md') .. '\t', dbg)
    -- a share after the join works on that index
    t.write(dir .. '/notes/bo/new.md', '---\ntitle: new\n---\nnew\n')
    local _, rc
    _, err, rc = t.wol({ '--circle', 'c', 'share', dir .. '/notes/bo/new.md' }, bo)
    assert.are.equal(0, rc, err)
    clean(dir)
  end)

  it('through libgit2 for a symbolic link or a .gitattributes, with what git clone makes', function()
    local bo = t.member('bo')
    local dir, err = join(bo, link, 'l')
    assert.matches('wol: trace: checkout by libgit2 %(a symbolic link: notes/ana/latest%.md%)', err)
    clean(dir)
    same_as_git_clone(dir, link, 'bo')
    assert.matches('^120000 ', sh_ok('git -C ' .. t.shquote(dir) .. ' ls-files -s notes/ana/latest.md'))
    dir, err = join(bo, attrs, 'a')
    assert.matches('wol: trace: checkout by libgit2 %(a name git reads specially: %.gitattributes%)', err)
    clean(dir)
    same_as_git_clone(dir, attrs, 'bo')
    assert.are.equal('one\r\ntwo\r\n', t.read(dir .. '/notes/ana/read.txt'))
    assert.matches('^x %$Id: %x+ %$ y\n$', t.read(dir .. '/notes/ana/id.md'))
  end)

  it('killed part way leaves no circle, and the next join works', function()
    if interp ~= 'luajit' then return end -- a child interpreter: one run is enough
    local bo = t.member('bo')
    -- the progress function kills its own process once some files are written
    local script = string.format([[
local core = require('wol.core')
local ctx = assert(core.open({ home = %q }))
local seen = {}
local ok, err = ctx:circle_join(%q, 'c', function(stage, done, total)
  seen[#seen + 1] = string.format('%%s %%d/%%d', stage, done, total)
  if stage == 'checkout' and done > 0 and done < total then
    io.stdout:write('killed at ', done, '/', total, '\n')
    io.stdout:flush()
    os.execute('kill -9 $PPID')
    while true do end
  end
end)
io.stdout:write('not killed: ', tostring(ok), ' ', tostring(err), '; progress: ', table.concat(seen, ', '), '\n')]], bo.wol_home, plain)
    local out = t.sh(string.format('cd %s && env %s luajit -e %s 2>&1', t.shquote(t.root), t.env(bo),
      t.shquote(script)))
    local done, total = out:match('killed at (%d+)/(%d+)')
    assert.is_truthy(done, out)
    assert.is_true(tonumber(done) < tonumber(total))
    local circles = bo.wol_home .. '/circles'
    local left = t.sh('ls -A ' .. t.shquote(circles))
    assert.matches('^%.tmp%-', left)
    assert.is_false(t.exists(circles .. '/c'))
    local dir = join(bo, plain, 'c')
    assert.are.equal('c\n', t.sh('ls -A ' .. t.shquote(circles)))
    clean(dir)
  end)
end)
