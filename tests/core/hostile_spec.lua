-- A hostile circle: a member (mallory, using plain git) pushes bad file
-- names, symlinks out of the repository, a modeline, invalid UTF-8, front
-- matter bombs, a forged author with a huge lamport, planted .gitattributes
-- (a filter driver) and .gitmodules (a submodule), a 100 MB note, and tree
-- entries named '..' and '.git'. Then ana syncs, lists, indexes, searches
-- and answers with the real CLI. Nothing outside the circle is read or
-- written, no command runs, and everything good still works.
local t = require('wolt')
local S = require('synct')
local interp = os.getenv('WOL_TEST_INTERP') or 'luajit'

local function sh_ok(cmd)
  local out, rc = t.sh(cmd)
  assert(rc == 0, cmd .. '\n' .. out)
  return out
end

describe('a hostile circle repository', function()
  -- one run is enough (it drives the CLI and git, not this interpreter)
  if interp ~= 'luajit' then return end

  local ana, adir, outside, sentinel, bare, qid
  local qid2 = '20260314T100001Z-ana-f00d'

  setup(function()
    local srv = t.tmpdir('hostile-srv')
    bare = srv .. '/c.git'
    sh_ok('git init -q --bare -b main ' .. t.shquote(bare))
    ana = t.member('ana')
    adir = S.init(ana, bare)
    local out, err, rc = S.sync(ana)
    assert(rc == 0, out .. err)
    -- something private next to the circle, and a place a command would touch
    outside = ana.home .. '/outside'
    t.write(outside .. '/secret.txt', 'zebrasecret lives here\n')
    sentinel = t.tmpdir('sentinel') .. '/ran'
    -- ana's own git config names a filter and a diff driver that would run
    -- a command if anything honoured the planted .gitattributes
    t.write(ana.home .. '/.gitconfig', t.read(ana.home .. '/.gitconfig') ..
      '[filter "pwn"]\n\tsmudge = touch ' .. sentinel .. '\n\tclean = touch ' .. sentinel ..
      '\n\trequired = true\n[diff "pwn"]\n\ttextconv = touch ' .. sentinel .. '\n')

    -- mallory's clone, made with plain git
    local m = t.tmpdir('mallory') .. '/c'
    sh_ok(string.format('git clone -q %s %s', t.shquote(bare), t.shquote(m)))
    local function put(rel, text)
      t.write(m .. '/' .. rel, text)
    end
    local g = 'cd ' .. t.shquote(m) .. ' && git -c user.name=Mallory -c user.email=m@example.org '
    put('members/mallory.md', '---\nname: Mallory\n---\n')
    put('notes/mallory/fine.md', '---\ntitle: Fine note\n---\nquokkaword is good content\n')
    put('notes/mallory/modeline.md', '# Modeline\n\nvim: set textwidth=13 foldmethod=expr ' ..
      "foldexpr=execute('!touch\\ " .. sentinel .. "'):\n")
    put('notes/mallory/badutf8.md', '# Bad \255\254 text\n')
    put('notes/mallory/deep.md', '---\na: ' .. string.rep('[', 5000) .. string.rep(']', 5000) .. '\n---\nbody\n')
    local laughs = { '---', 'a: &a [x, x, x, x, x, x, x, x, x]' }
    for i = 2, 9 do
      laughs[#laughs + 1] = string.format('%s: &%s [*%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s]',
        string.char(96 + i), string.char(96 + i), string.rep(string.char(95 + i), 1), string.char(95 + i),
        string.char(95 + i), string.char(95 + i), string.char(95 + i), string.char(95 + i),
        string.char(95 + i), string.char(95 + i), string.char(95 + i))
    end
    laughs[#laughs + 1] = '---\nlaughs\n'
    put('notes/mallory/laughs.md', table.concat(laughs, '\n'))
    put('.gitattributes', '* filter=pwn diff=pwn\n')
    put('.gitmodules', '[submodule "sub"]\n\tpath = notes/mallory/sub\n\turl = ' .. outside .. '\n')
    sh_ok(string.format('ln -s %s %s', t.shquote(outside .. '/secret.txt'), t.shquote(m .. '/notes/mallory/abs-link.md')))
    sh_ok(string.format('ln -s ../../../../outside/secret.txt %s', t.shquote(m .. '/notes/mallory/rel-link.md')))
    -- 100 MB of text in one note
    sh_ok(string.format("head -c 104857600 /dev/zero | tr '\\0' 'a' > %s", t.shquote(m .. '/notes/mallory/huge.md')))
    -- a question with the largest lamport there is (and an answer beyond it)
    qid = '20260314T100000Z-ana-beef'
    put('questions/' .. qid .. '/question.md', '---\nkind: question\nid: ' .. qid ..
      '\nauthor: ana\ntitle: Forged question\ncreated: 2026-03-14T10:00:00Z\nlamport: 9223372036854775807\n---\nnot ana\n')
    put('questions/' .. qid .. '/answers/20260314T110000Z-mallory-cafe.md',
      '---\nkind: answer\nauthor: mallory\nlamport: 99999999999999999999999999\n---\nhuge\n')
    -- a question that claims to be ana's (committed by mallory), with a
    -- lamport near the largest accepted
    put('questions/' .. qid2 .. '/question.md', '---\nkind: question\nid: ' .. qid2 ..
      '\nauthor: ana\ntitle: Forged question\ncreated: 2026-03-14T10:00:01Z\nlamport: 1000000000000000\n---\nnot ana\n')
    sh_ok(g .. 'add -A')
    -- names the file system or a terminal would choke on, through the index
    local blob = sh_ok(g .. 'hash-object -w notes/mallory/fine.md'):match('%x+')
    for _, name in ipairs({ 'notes/mallory/new\nline.md', 'notes/mallory/esc\27[31mred.md',
      'notes/mallory/' .. string.rep('l', 300) .. '.md', 'notes/mallory/tab\tname.md' }) do
      sh_ok(g .. 'update-index --add --cacheinfo 100644,' .. blob .. ',' .. t.shquote(name))
    end
    -- a submodule entry
    sh_ok(g .. 'update-index --add --cacheinfo 160000,' .. blob .. ',notes/mallory/sub')
    sh_ok(g .. 'commit -q --no-verify -m "mallory: gifts"')
    -- tree entries git itself refuses to check out: '..' and '.git'
    local hooks = sh_ok(g .. string.format("mktree <<'E'\n100755 blob %s\tpost-checkout\nE", blob)):match('%x+')
    local dotgit = sh_ok(g .. string.format("mktree <<'E'\n040000 tree %s\thooks\nE", hooks)):match('%x+')
    local root = sh_ok(g .. 'ls-tree HEAD')
    root = root .. string.format('100644 blob %s\t..\n040000 tree %s\t.git\n', blob, dotgit)
    local tree = sh_ok(g .. "mktree <<'E'\n" .. root .. 'E'):match('%x+')
    local commit = sh_ok(g .. 'commit-tree ' .. tree .. ' -p HEAD -m "mallory: more gifts"'):match('%x+')
    sh_ok(g .. 'push -q --no-verify origin ' .. commit .. ':refs/heads/main')
  end)

  local function outside_untouched()
    assert.are.equal('secret.txt\n', (t.sh('ls -A ' .. t.shquote(outside))))
    assert.are.equal('zebrasecret lives here\n', t.read(outside .. '/secret.txt'))
    assert.is_false(t.exists(sentinel), 'a planted command ran')
    -- nothing written next to the circle (a '..' entry would land there)
    assert.are.equal('c\n', (t.sh('ls -A ' .. t.shquote(ana.wol_home .. '/circles'))))
  end

  it('sync brings the good notes, runs nothing and writes nothing outside', function()
    local out, err, rc = S.sync(ana)
    outside_untouched()
    assert.are.equal(0, rc, out .. err)
    assert.matches('quokkaword', t.read(adir .. '/notes/mallory/fine.md'))
    -- no hooks or config planted inside .git
    assert.is_false(t.exists(adir .. '/.git/hooks/post-checkout'))
    -- symlinks were not made: at most a plain file holding the target's name
    local _, isl = t.sh('test -L ' .. t.shquote(adir .. '/notes/mallory/abs-link.md'))
    assert.are_not.equal(0, isl)
    -- the submodule was not cloned
    assert.is_false(t.exists(adir .. '/notes/mallory/sub/secret.txt'))
  end)

  it('listing, indexing and searching skip the bad items and still work', function()
    local out, err, rc = t.wol({ 'notes' }, ana)
    assert.are.equal(0, rc, out .. err)
    assert.matches('Fine note', out)
    out, err, rc = t.wol({ 'index' }, ana)
    assert.are.equal(0, rc, out .. err)
    out, err, rc = t.wol({ 'search', 'quokkaword' }, ana)
    assert.are.equal(0, rc, out .. err)
    assert.matches('fine%.md', out)
    -- the secret the symlinks point at was never read into the index
    out, err, rc = t.wol({ 'search', 'zebrasecret' }, ana)
    assert.are_not.matches('zebrasecret', out .. err)
    outside_untouched()
  end)

  it('questions: a huge lamport is skipped with a warning, a forged author is flagged', function()
    local out, err, rc = t.wol({ 'questions', '--state', 'all', '--json' }, ana)
    assert.are.equal(0, rc, out .. err)
    assert.matches('Forged question', out)
    out, err, rc = t.wol({ 'show', qid }, ana)
    assert.are.equal(1, rc, out .. err)
    assert.matches('^wol: [^\n]*lamport[^\n]*\n?$', err)
    out, err, rc = t.wol({ 'show', qid2, '--json' }, ana)
    assert.are.equal(0, rc, out .. err)
    assert.matches('"forged":%s*true', out)
    -- ana asks a real question: it gets the next lamport and is listed
    out, err, rc = t.wol({ 'ask', 'A real question', '-m', 'body', '--json' }, ana)
    assert.are.equal(0, rc, out .. err)
    out, err, rc = t.wol({ 'questions', '--json' }, ana)
    assert.are.equal(0, rc, out .. err)
    assert.matches('A real question', out)
    local lam = out:match('A real question.-"lamport":%s*([%d.e+]+)') or out:match('"lamport":%s*([%d.e+]+)[^}]-A real question')
    assert.is_true(tonumber(lam) > 1e15, out)
    outside_untouched()
  end)

  it('opening a note with a modeline in Neovim runs nothing and sets nothing', function()
    local nvimt = require('nvimt')
    local out, rc = nvimt.child({
      'edit ' .. adir .. '/notes/mallory/modeline.md',
      'lua io.stdout:write("tw=" .. vim.bo.textwidth .. " fdm=" .. vim.wo.foldmethod .. "\\n")',
    }, { member = ana })
    assert.are.equal(0, rc, out)
    assert.matches('tw=0 fdm=manual', out)
    outside_untouched()
  end)

  it('a 100 MB note does not hang sharing, listing or indexing', function()
    local start = os.time()
    local out, err, rc = t.wol({ 'index' }, ana)
    assert.are.equal(0, rc, out .. err)
    out, err, rc = t.wol({ 'notes', 'mallory' }, ana)
    assert.are.equal(0, rc, out .. err)
    -- copying it into ana's own notes is refused (too large), one line
    out, err, rc = t.wol({ 'share', adir .. '/notes/mallory/huge.md' }, ana)
    assert.are.equal(5, rc, out .. err) -- refused by a rule (:help wol-exit)
    assert.matches('^wol: [^\n]*\n?$', err)
    assert.is_true(os.time() - start < 60, 'took ' .. (os.time() - start) .. ' s')
  end)
end)
