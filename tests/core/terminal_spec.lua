-- Untrusted text on a terminal: a member using plain git puts ESC, BEL, C1
-- and line breaks into titles, names and bodies. Every human-readable
-- output of the CLI shows them as visible escapes (nothing reaches the
-- terminal as a control sequence, a one-line field stays on its line);
-- --json keeps the text exactly, escaped as JSON escapes it. Titles given
-- to wol ask / wol note / wol share and the binding are refused when they
-- hold control characters or several lines, and an empty share is refused.
local t = require('wolt')
local S = require('synct')
local json = require('dkjson')
local interp = os.getenv('WOL_TEST_INTERP') or 'luajit'

local function sh_ok(cmd)
  local out, rc = t.sh(cmd)
  assert(rc == 0, cmd .. '\n' .. out)
  return out
end

local ESC, BEL, CSI = '\27', '\7', '\194\155' -- CSI: U+009B, a C1 control in UTF-8

-- The first control byte in s that a terminal would act on, or nil: C0 but
-- newline, DEL, C1 (as UTF-8), and bytes that are not UTF-8 (a lone 0x9b is
-- an 8-bit CSI on some terminals).
local function control_in(s)
  local i = 1
  while i <= #s do
    local b = s:byte(i)
    if (b < 32 and b ~= 10) or b == 127 then
      return string.format('byte 0x%02x at %d', b, i)
    elseif b == 0xC2 and (s:byte(i + 1) or 0) >= 0x80 and (s:byte(i + 1) or 0) <= 0x9F then
      return string.format('C1 U+%04X at %d', s:byte(i + 1), i)
    elseif b >= 0x80 then
      local n = b >= 0xF0 and 4 or b >= 0xE0 and 3 or b >= 0xC2 and 2 or 0
      if n == 0 then
        return string.format('byte 0x%02x at %d', b, i)
      end
      for k = 1, n - 1 do
        local c = s:byte(i + k) or 0
        if c < 0x80 or c > 0xBF then
          return string.format('broken UTF-8 at %d', i)
        end
      end
      i = i + n - 1
    end
    i = i + 1
  end
  return nil
end

local function clean(what, s)
  local bad = control_in(s)
  assert(bad == nil, what .. ': ' .. tostring(bad) .. ' in:\n' .. s)
end

describe('untrusted text on a terminal', function()
  if interp ~= 'luajit' then return end -- drives the CLI; one run is enough

  local ana, adir, qid
  local qtitle = 'Help ' .. ESC .. '[2J' .. ESC .. ']0;pwned' .. BEL .. ' with ' .. CSI .. '31m red'
  local ntitle = 'Note ' .. ESC .. '[31mred' .. ESC .. '[0m\rhidden'
  local mname = 'Mal' .. ESC .. '[8mory'

  setup(function()
    local srv = t.tmpdir('term-srv')
    local bare = srv .. '/c.git'
    sh_ok('git init -q --bare -b main ' .. t.shquote(bare))
    ana = t.member('ana')
    adir = S.init(ana, bare)
    local _, err, rc = S.sync(ana)
    assert(rc == 0, err)
    -- mallory writes with plain git
    local m = t.tmpdir('term-mallory') .. '/c'
    sh_ok(string.format('git clone -q %s %s', t.shquote(bare), t.shquote(m)))
    local g = 'cd ' .. t.shquote(m) .. ' && git -c user.name=Mallory -c user.email=m@example.org '
    local function yq(s) -- a YAML double-quoted scalar
      return '"' .. s:gsub('\\', '\\\\'):gsub('"', '\\"'):gsub(ESC, '\\e'):gsub(BEL, '\\a')
        :gsub('\r', '\\r'):gsub('\n', '\\n'):gsub(CSI, '\\x9b') .. '"'
    end
    t.write(m .. '/members/mallory.md', '---\nname: ' .. yq(mname) .. '\ngoal: ' ..
      yq('Goal ' .. ESC .. '[5mblink\nsecond line') .. '\n---\n')
    t.write(m .. '/notes/mallory/n.md', '---\ntitle: ' .. yq(ntitle) ..
      '\n---\nbody with zanzibar ' .. ESC .. '[41m and ' .. CSI .. ' here\n')
    qid = '20260314T100000Z-mallory-beef'
    t.write(m .. '/questions/' .. qid .. '/question.md', '---\nkind: question\nid: ' .. qid ..
      '\nauthor: mallory\ntitle: ' .. yq(qtitle) .. '\ncreated: 2026-03-14T10:00:00Z\nlamport: 1\n---\n' ..
      'line one ' .. ESC .. '[1A' .. BEL .. '\nline two\r\n')
    t.write(m .. '/questions/' .. qid .. '/answers/20260314T110000Z-mallory-cafe.md',
      '---\nkind: answer\nid: 20260314T110000Z-mallory-cafe\nauthor: mallory\nquestion: ' .. qid ..
      '\ncreated: 2026-03-14T11:00:00Z\nlamport: 2\n---\nanswer ' .. ESC .. 'c reset\n')
    t.write(m .. '/prompts/today.md', '---\ntitle: ' .. yq('Prompt ' .. ESC .. '[2J') ..
      '\ndate: 2026-03-16\n---\n\n## Challenge\n\nDo ' .. ESC .. '[31mthis' .. BEL .. '.\n\n' ..
      '## Reflect\n\n- Why ' .. CSI .. '?\n')
    sh_ok(g .. 'add -A && ' .. g .. 'commit -q -m gifts && ' .. g .. 'push -q origin main')
    local out
    out, err, rc = t.wol({ 'sync' }, ana, { SSH_AUTH_SOCK = '' })
    assert(rc == 0, out .. err)
    clean('sync', out .. err)
  end)

  local function run(args)
    local out, err, rc = t.wol(args, ana, { WOL_TODAY = '2026-03-16' })
    assert.are.equal(0, rc, table.concat(args, ' ') .. ': ' .. out .. err)
    return out, err
  end

  it('every listing shows control characters as visible escapes', function()
    for _, args in ipairs({
      { 'questions', '--state', 'all' }, { 'questions', '--state', 'all', '--source', 'files' },
      { 'show', qid }, { 'notes' }, { 'notes', 'mallory' }, { 'status' }, { 'status', '--agenda' },
      { 'search', 'zanzibar' }, { 'search', 'reset' }, { 'prompt' }, { 'index', '--stats' },
    }) do
      local out, err = run(args)
      clean(table.concat(args, ' '), out .. err)
    end
    -- the escapes are visible, one field stays on its line
    local out = run({ 'questions', '--state', 'all' })
    assert.matches('Help \\x1b%[2J\\x1b%]0;pwned\\x07 with \\u009b31m red', out, 1, false)
    assert.are.equal(1, select(2, out:gsub('\n', '\n')), out)
    out = run({ 'notes' })
    assert.matches('Note \\x1b[31mred\\x1b[0m hidden', out, 1, true)
    out = run({ 'show', qid })
    assert.matches('line one \\x1b[1A\\x07\nline two\n', out, 1, true) -- CRLF ends a line
    assert.matches('answer \\x1bc reset', out, 1, true)
    out = run({ 'status' })
    assert.matches('Mal\\x1b[8mory', out, 1, true)
    assert.matches('goal: Goal \\x1b[5mblink second line', out, 1, true)
    out = run({ 'prompt' })
    assert.matches('Prompt \\x1b[2J', out, 1, true)
    assert.matches('Do \\x1b[31mthis\\x07.', out, 1, true)
  end)

  it('--json keeps the text exactly (JSON escapes the controls)', function()
    local out = run({ 'questions', '--state', 'all', '--json' })
    assert.is_nil(out:find(ESC, 1, true), 'raw ESC in JSON')
    assert.are.equal(qtitle, json.decode(out)[1].title)
    out = run({ 'notes', '--json' })
    local found
    for _, n in ipairs(json.decode(out)) do
      found = found or n.title == ntitle
    end
    assert.is_true(found, out)
    out = run({ 'show', qid, '--json' })
    assert.matches('line one ' .. ESC .. '[1A' .. BEL, json.decode(out).records[1].text, 1, true)
  end)

  it('wol ask, wol note and wol share refuse control characters and several lines in titles', function()
    local before = sh_ok('git -C ' .. t.shquote(adir) .. ' rev-parse HEAD')
    for _, args in ipairs({
      { 'ask', 'two\nlines' }, { 'ask', 'bell' .. BEL }, { 'ask', 'esc ' .. ESC .. '[2J' },
      { 'ask', 'c1 ' .. CSI }, { 'ask', ' \n ' },
      { 'note', 'two\nlines' }, { 'note', 'esc' .. ESC .. '[1m' },
    }) do
      local out, err, rc = t.wol(args, ana)
      assert.are.equal(1, rc, args[2] .. ': ' .. out .. err)
      assert.matches('^wol: [^\n]*\n$', err)
      clean('error', err)
    end
    local _, err = t.wol({ 'ask', 'first\nsecond' }, ana)
    assert.matches('more than one line', err)
    _, err = t.wol({ 'ask', 'x' .. ESC }, ana)
    assert.matches('control character %(U%+001B%)', err)
    -- a share with a bad --title, and empty shares
    t.write(adir .. '/notes/ana/ok.md', '# fine\n\ntext\n')
    local out, rc
    out, err, rc = t.wol({ 'share', adir .. '/notes/ana/ok.md', '--title', 'a\nb' }, ana)
    assert.are.equal(1, rc, out .. err)
    assert.matches('more than one line', err)
    out, rc = t.sh(string.format('printf "" | %s %s share -', t.env(ana), t.shquote(t.bin)))
    assert.are_not.equal(0, rc, out)
    out, rc = t.sh(string.format('printf " \\n\\n" | %s %s share - 2>&1', t.env(ana), t.shquote(t.bin)))
    assert.are.equal(1, rc, out)
    assert.matches('^wol: share: the text is empty; nothing was shared\n$', out)
    t.write(adir .. '/notes/ana/empty.md', '')
    out, err, rc = t.wol({ 'share', adir .. '/notes/ana/empty.md' }, ana)
    assert.are.equal(1, rc, out .. err)
    assert.matches('is empty; nothing was shared', err)
    assert.are.equal(before, sh_ok('git -C ' .. t.shquote(adir) .. ' rev-parse HEAD'))
    -- a title with a tab is one line: the tab becomes a space
    out, err, rc = t.wol({ 'ask', 'tab\there', '--json' }, ana)
    assert.are.equal(0, rc, out .. err)
    assert.are.equal('tab here', json.decode(out).title)
  end)

  it('the binding refuses the same titles and empty content (the editor agrees)', function()
    local core = t.core()
    local ctx = assert(core.open({ home = ana.wol_home }))
    local c = assert(ctx:circle_open("c"))
    local w, err = c:ask({ title = 'one\ntwo' })
    assert.is_nil(w)
    assert.matches('more than one line', err)
    w, err = c:ask({ title = 'esc' .. ESC })
    assert.is_nil(w)
    assert.matches('control character', err)
    local rel
    rel, err = c:note_new('bad' .. BEL)
    assert.is_nil(rel)
    assert.matches('control character', err)
    local r
    r, err = c:share({ content = '' })
    assert.is_nil(r)
    assert.matches('empty', err)
    r, err = c:share({ content = '\n\n  \n' })
    assert.is_nil(r)
    assert.matches('empty', err)
    -- a title taken from the text loses its control characters
    r, err = c:share({ content = '# Head ' .. ESC .. '[1mline\n\nbody\n' })
    assert.is_table(r, err)
    assert.are.equal('Head [1mline', r.title)
    c:close()
    ctx:close()
  end)
end)
