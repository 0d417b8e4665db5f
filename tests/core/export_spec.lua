-- wol export: a legacy you can publish. A fixture circle made with plain
-- git (tests/helpers/legacyfix.lua) exported by ana through the real CLI;
-- the bundles match golden files (tests/golden/export/), every HTML page
-- parses and every relative link resolves (a validator-lite below), and
-- nothing private or unconsented leaves the circle.
-- WOL_UPDATE_GOLDEN=1 rewrites the golden files from this run.
local t = require('wolt')
local F = require('legacyfix')

local GOLDEN = t.root .. '/tests/golden/export'

local function files(dir)
  local out = t.sh('cd ' .. t.shquote(dir) .. ' && find . -type f | sort')
  local v = {}
  for line in out:gmatch('[^\n]+') do
    table.insert(v, (line:gsub('^%./', '')))
  end
  return v
end

local function compare_golden(dir, name)
  local g = GOLDEN .. '/' .. name
  if os.getenv('WOL_UPDATE_GOLDEN') == '1' then
    t.sh('rm -rf ' .. t.shquote(g) .. ' && mkdir -p ' .. t.shquote(GOLDEN) .. ' && cp -r ' ..
      t.shquote(dir) .. ' ' .. t.shquote(g))
  end
  assert.are.same(files(g), files(dir))
  for _, f in ipairs(files(g)) do
    assert.are.equal(t.read(g .. '/' .. f), t.read(dir .. '/' .. f), f)
  end
end

-- ------------------------------------------------------- validator-lite

local VOID = { meta = true, link = true, br = true, hr = true, img = true, input = true }

local function entities_ok(s, where)
  for amp in s:gmatch('&[^;%s<]*;?') do
    assert(amp:match('^&%a+;$') or amp:match('^&#%d+;$') or amp:match('^&#[xX]%x+;$'),
      where .. ': a bare & or a broken entity: ' .. amp)
  end
end

-- Parses one HTML page: doctype first, tags balanced, attributes quoted,
-- entities whole, no raw '<' or '>' in text. Returns the href/src values.
local function parse_html(html, where)
  assert(html:sub(1, 16) == '<!DOCTYPE html>\n', where .. ': no doctype')
  local stack, links, pos = {}, {}, 17
  while pos <= #html do
    local lt = html:find('<', pos, true)
    local text = html:sub(pos, (lt or #html + 1) - 1)
    assert(not text:find('>', 1, true), where .. ': a raw > in text: ' .. text)
    entities_ok(text, where)
    if not lt then
      break
    end
    if html:sub(lt, lt + 3) == '<!--' then
      local e = html:find('-->', lt + 4, true)
      assert(e, where .. ': unclosed comment')
      pos = e + 3
    elseif html:sub(lt + 1, lt + 1) == '/' then
      local name, e = html:match('^</(%a[%w]*)>()', lt)
      assert(name, where .. ': bad closing tag at ' .. lt)
      local open = table.remove(stack)
      assert.are.equal(open, name, where .. ': </' .. name .. '> closes <' .. tostring(open) .. '>')
      pos = e
    else
      local name, p = html:match('^<(%a[%w]*)()', lt)
      assert(name, where .. ': a raw < in text at ' .. lt .. ': ' .. html:sub(lt, lt + 20))
      while true do
        local k, v, np = html:match('^%s+([%a][%w:-]*)="([^"<>]*)"()', p)
        if not k then
          break
        end
        entities_ok(v, where)
        if k == 'href' or k == 'src' then
          table.insert(links, v)
        end
        p = np
      end
      local close, e = html:match('^%s*(/?)>()', p)
      assert(close, where .. ': bad tag <' .. name .. ' ' .. html:sub(p, p + 20))
      if not VOID[name] and close == '' then
        table.insert(stack, name)
      end
      pos = e
    end
  end
  assert.are.same({}, stack, where .. ': unclosed tags')
  return links
end

-- Every page parses and every relative link leads to a file of the bundle.
local function validate(dir)
  local pages = 0
  for _, f in ipairs(files(dir)) do
    if f:match('%.html$') then
      pages = pages + 1
      local links = parse_html(t.read(dir .. '/' .. f), f)
      local base = f:match('^(.*/)') or ''
      for _, l in ipairs(links) do
        assert(l ~= '', f .. ': an empty link')
        if not l:match('^https?:') and not l:match('^mailto:') then
          assert(not l:match('^%a[%w+.-]*:'), f .. ': a link with another scheme: ' .. l)
          local path = (base .. l:gsub('[#?].*$', ''))
          local parts = {}
          for part in path:gmatch('[^/]+') do
            if part == '..' then
              assert(#parts > 0, f .. ': a link leaves the bundle: ' .. l)
              table.remove(parts)
            elseif part ~= '.' then
              table.insert(parts, part)
            end
          end
          local target = table.concat(parts, '/')
          assert(t.exists(dir .. '/' .. target), f .. ': a dead link: ' .. l)
        end
      end
    end
  end
  return pages
end

local function grep(dir, word)
  local out = t.sh('grep -rl -- ' .. t.shquote(word) .. ' ' .. t.shquote(dir) .. ' 2>/dev/null')
  return out:match('%S+')
end

describe('wol export', function()
  local ana, clone = F.ana({ feedback = true })
  local base = t.tmpdir('export')

  local function export(args)
    return t.wol(args, ana)
  end

  it('exports what I shared as Markdown, matching the golden files (--mine is the default)', function()
    local out, err, rc = export({ 'export', '--format', 'md', '--out', base .. '/mine-md' })
    assert.are.equal(0, rc, err)
    assert.matches('exported 2 notes %(2 feedback records%) and 2 questions %(2 answers%) by ana', out)
    compare_golden(base .. '/mine-md', 'mine-md')
    -- feedback on my note comes with its authors' handles, in the order
    -- written; mine on bo's note stays with his note
    assert.matches('\n## Feedback\n\n### @bo · 2026%-03%-06 · on lines 10%-11\n\nCould the first day name a %*buddy%*%?' ..
      '.*\n### @cy · 2026%-03%-06 · reaction: thanks\n',
      t.read(base .. '/mine-md/notes/ana/onboarding-guide.md'))
    assert.is_nil(grep(base .. '/mine-md', 'ANAONBO'))
    -- the goal and its revisions, oldest first
    local me = t.read(base .. '/mine-md/members/ana.md')
    local a = me:find('- 2026-02-23: Publish a short onboarding guide\n', 1, true)
    local b = me:find('- 2026-03-06: Publish a one-page onboarding guide and pass it on\n', 1, true)
    local c = me:find('- 2026-03-07: Pass the one-page onboarding guide on to two teams\n', 1, true)
    assert.truthy(a and b and c and a < b and b < c, me)
    assert.matches('> Pass the one%-page onboarding guide on to two teams', me)
    -- a code fence left open by its author is closed before the page goes on
    assert.matches('%- day two\n```\n$', t.read(base .. '/mine-md/notes/ana/weekly-notes.md'))
  end)

  it('exports everyone who consented as HTML that parses and has no dead link', function()
    local out, err, rc = export({ 'export', '--all', '--include', 'bo,cy', '--out', base .. '/all-html',
      '--json' })
    assert.are.equal(0, rc, err)
    local j = require('dkjson').decode(out)
    assert.are.same({ 'ana', 'bo', 'cy' }, j.members)
    assert.are.equal(4, j.notes)
    assert.are.equal(4, j.questions)
    assert.are.equal(3, j.answers)
    assert.are.equal(3, j.feedback)
    assert.are.equal(base .. '/all-html/index.html', j.index)
    compare_golden(base .. '/all-html', 'all-html')
    assert.are.equal(j.pages, validate(base .. '/all-html'))
    -- one style sheet, no scripts, raw HTML from a note shown as text
    assert.is_nil(grep(base .. '/all-html', '<script'))
    assert.matches('&lt;script&gt;', t.read(base .. '/all-html/notes/ana/onboarding-guide.html'))
    assert.is_nil(grep(base .. '/all-html', 'javascript:'))
    -- feedback under its note, its author linked, raw HTML in it shown as text
    local guide = t.read(base .. '/all-html/notes/ana/onboarding-guide.html')
    assert.matches('<h3><a href="../../members/bo.html">@bo</a> · 2026%-03%-06 · on lines 10%-11</h3>\n' ..
      '<p>Could the first day name a <em>buddy</em>%? &lt;i&gt;raw&lt;/i&gt;</p>', guide)
    assert.matches('<h3><a href="../../members/ana.html">@ana</a> · 2026%-03%-06</h3>\n<p>ANAONBO: early',
      t.read(base .. '/all-html/notes/bo/feedback-plan.html'))
    -- links between notes of exported members point at their pages
    assert.matches('href="../bo/feedback%-plan.html"',
      t.read(base .. '/all-html/notes/ana/onboarding-guide.html'))
  end)

  it('never exports the journal, people records, drafts or members who did not consent', function()
    for _, d in ipairs({ base .. '/mine-md', base .. '/all-html' }) do
      assert.is_nil(grep(d, 'JOURNALSECRET'))
      assert.is_nil(grep(d, 'PEOPLESECRET'))
      assert.is_nil(grep(d, 'DRAFTSECRET'))
    end
    -- --mine: bo's and cy's notes and questions stay in the circle; their
    -- answers to my questions come with their handles
    local mine = base .. '/mine-md'
    assert.is_nil(grep(mine, 'Private thinking of cy'))
    assert.is_nil(grep(mine, 'One question per note'))
    assert.is_nil(grep(mine, 'Looking for formats'))
    assert.is_nil(grep(mine, 'Curious.'))
    assert.truthy(grep(mine, 'One page. Link out for the rest.'))
    assert.is_false(t.exists(mine .. '/notes/bo'))
    assert.is_false(t.exists(mine .. '/members/bo.md'))
    -- my answer to bo's question goes, his question's words do not
    local me = t.read(mine .. '/members/ana.md')
    assert.matches('Two lines: what worked', me)
    assert.matches('to a question by @bo', me)
    assert.is_nil(grep(mine, 'Which feedback format'))
    -- the HTML of --mine: a link to a note that is not exported is plain text
    local _, err, rc = export({ 'export', '--out', base .. '/mine-html' })
    assert.are.equal(0, rc, err)
    validate(base .. '/mine-html')
    local page = t.read(base .. '/mine-html/notes/ana/onboarding-guide.html')
    assert.matches('\nasking for feedback and I follow it', page)
    assert.is_nil(page:find('ideas', 1, true))
  end)

  it('has a validator that rejects broken pages (so its passes mean something)', function()
    local head = '<!DOCTYPE html>\n<html><body>'
    assert.has_error(function() parse_html(head .. '<p>a</div></body></html>', 'x') end)
    assert.has_error(function() parse_html(head .. '<p>a</body></html>', 'x') end)
    assert.has_error(function() parse_html(head .. '<p>a < b</p></body></html>', 'x') end)
    assert.has_error(function() parse_html(head .. '<p>a & b</p></body></html>', 'x') end)
    assert.has_error(function() parse_html(head .. '<a href=x>b</a></body></html>', 'x') end)
    local dir = t.tmpdir('validator')
    t.write(dir .. '/index.html', head .. '<a href="gone.html">x</a></body></html>')
    assert.has_error(function() validate(dir) end)
    t.write(dir .. '/index.html', head .. '<a href="">x</a></body></html>')
    assert.has_error(function() validate(dir) end)
    t.write(dir .. '/index.html', head .. '<a href="index.html#top">x</a><br /></body></html>')
    assert.are.equal(1, validate(dir))
  end)

  it('refuses --all without every member, and leaves nothing behind', function()
    local _, err, rc = export({ 'export', '--all', '--include', 'bo', '--out', base .. '/refused' })
    assert.are.equal(5, rc) -- refused by a rule (:help wol-exit)
    assert.matches('^wol: export: %-%-all exports every member\'s words: add %-%-include cy', err)
    assert.is_false(t.exists(base .. '/refused'))
    _, err, rc = export({ 'export', '--include', 'zed', '--out', base .. '/refused' })
    assert.are.equal(1, rc) -- no such member: not found
    assert.matches('no such member', err)
    _, err, rc = export({ 'export', '--mine', '--all', '--out', base .. '/refused' })
    assert.are.equal(2, rc, err)
    _, err, rc = export({ 'export', '--format', 'pdf', '--out', base .. '/refused' })
    assert.are.equal(2, rc, err)
    _, err, rc = export({ 'export', '--format', 'md' })
    assert.are.equal(2, rc, err)
    _, err, rc = export({ 'export', '--from', '2026-03-05', '--to', '2026-03-01', '--out', base .. '/refused' })
    assert.are.equal(1, rc) -- invalid: the range is empty
    assert.matches('after', err)
    assert.is_false(t.exists(base .. '/refused'))
    assert.are.equal('', t.sh('ls -A ' .. t.shquote(base) .. ' | grep wol-export-tmp'))
  end)

  it('refuses a folder that is not an earlier export, or inside $WOL_HOME; replaces an earlier one', function()
    local keep = base .. '/keep'
    t.write(keep .. '/mine.txt', 'do not touch')
    local _, err, rc = export({ 'export', '--out', keep })
    assert.are.equal(1, rc) -- exists: not overwritten
    assert.matches('not an earlier export', err)
    assert.are.equal('do not touch', t.read(keep .. '/mine.txt'))
    _, err, rc = export({ 'export', '--out', ana.wol_home .. '/pub' })
    assert.are.equal(5, rc) -- refused by a rule (:help wol-exit)
    assert.matches('inside %$WOL_HOME', err)
    assert.is_false(t.exists(ana.wol_home .. '/pub'))
    -- an earlier export is replaced as a whole (a page that no longer
    -- belongs to it goes)
    local again = base .. '/again'
    _, err, rc = export({ 'export', '--all', '--include', 'bo,cy', '--out', again })
    assert.are.equal(0, rc, err)
    assert.is_true(t.exists(again .. '/notes/cy/ideas.html'))
    _, err, rc = export({ 'export', '--out', again })
    assert.are.equal(0, rc, err)
    assert.is_false(t.exists(again .. '/notes/cy'))
    assert.is_true(t.exists(again .. '/notes/ana/weekly-notes.html'))
  end)

  it('limits notes and questions to --from/--to', function()
    local out, err, rc = export({ 'export', '--from', '2026-03-03', '--to', '2026-03-05', '--format', 'md',
      '--out', base .. '/range', '--json' })
    assert.are.equal(0, rc, err)
    local j = require('dkjson').decode(out)
    assert.are.equal(1, j.notes)
    assert.are.equal(1, j.questions)
    assert.are.same({ 'index.md', 'members/ana.md', 'notes/ana/weekly-notes.md',
      'questions/' .. F.q3 .. '/question.md' }, (function()
      local v = files(base .. '/range')
      table.remove(v, 1) -- .wol-export
      return v
    end)())
  end)

  it('leaves the old bundle or a whole new one when killed, and the next export sweeps', function()
    local dir = base .. '/killed'
    local _, err, rc = export({ 'export', '--out', dir })
    assert.are.equal(0, rc, err)
    local before = t.read(dir .. '/index.html')
    local pid = t.sh(string.format('env %s %s --circle %s export --all --include bo,cy --out %s ' ..
      '>/dev/null 2>&1 & echo $!', t.env(ana), t.shquote(t.bin), F.circle, t.shquote(dir))):match('%d+')
    t.sh('kill -9 ' .. pid .. ' 2>/dev/null; sleep 0.1')
    -- either it finished (the new bundle) or it did not (the old one)
    local now = t.read(dir .. '/index.html')
    assert.truthy(now == before or now:find('@cy', 1, true), now)
    assert.is_true(t.exists(dir .. '/.wol-export'))
    _, err, rc = export({ 'export', '--out', dir })
    assert.are.equal(0, rc, err)
    assert.are.equal('', t.sh('ls -A ' .. t.shquote(base) .. ' | grep wol-export-tmp'))
    assert.are.equal(before, t.read(dir .. '/index.html'))
    -- nothing of the circle changed
    assert.are.equal('', t.git(clone, 'status --porcelain --untracked-files=no'))
  end)

  it('leaves out forged feedback with a warning, and keeps the rest', function()
    local rel = 'feedback/20260302T090000Z-ana-00000a01/20260307T080000Z-bo-0b00f002.md'
    t.write(clone .. '/' .. rel, '---\nkind: comment\nnote: notes/ana/onboarding-guide.md\nauthor: bo\n' ..
      'created: 2026-03-07T08:00:00Z\nlamport: 3\nid: 20260307T080000Z-bo-0b00f002\n---\n\nFORGEDFEEDBACK\n')
    t.sh(string.format('cd %s && git add %s && git -c user.name=%s -c user.email=cy@example.org commit -q -m %s',
      t.shquote(clone), t.shquote(rel), t.shquote('Cy Okafor'), t.shquote('feedback in bo\'s name')))
    local dir = base .. '/forged-feedback'
    local out, err, rc = export({ 'export', '--format', 'md', '--out', dir, '--json' })
    assert.are.equal(0, rc, err)
    local j = require('dkjson').decode(out)
    assert.is_nil(grep(dir, 'FORGEDFEEDBACK'))
    assert.truthy(grep(dir, 'Could the first day name'))
    assert.are.equal(2, j.feedback)
    local warned = false
    for _, w in ipairs(j.warnings) do
      warned = warned or (w:find('wol: ' .. rel .. ': ', 1, true) == 1 and w:match('; left out$') ~= nil)
    end
    assert.is_true(warned, table.concat(j.warnings, '\n'))
    t.git(clone, 'reset -q --hard HEAD~1')
  end)

  -- the threads are read with one walk of the history for all of them; a
  -- record whose commit was made by someone else is left out, with the
  -- words `wol show` uses for it (one rule), the others stay
  it('leaves out forged questions and answers, and says so as wol show does', function()
    local function by_hand(name, email, msg)
      t.sh(string.format('cd %s && git add -A && git -c user.name=%s -c user.email=%s commit -q -m %s',
        t.shquote(clone), t.shquote(name), email, t.shquote(msg)))
    end
    local fq = '20260307T080000Z-bo-0b0b0b05'
    t.write(clone .. '/questions/' .. fq .. '/question.md', '---\ntitle: "Not asked by bo"\nauthor: bo\n' ..
      'created: 2026-03-07T08:00:00Z\nlamport: 11\nid: ' .. fq .. '\n---\n\nFORGEDQUESTION\n')
    by_hand('Cy Okafor', 'cy@example.org', 'a question in bo\'s name')
    local fa = 'questions/' .. F.q1 .. '/answers/20260307T090000Z-cy-0c000005.md'
    t.write(clone .. '/' .. fa, '---\nauthor: cy\ncreated: 2026-03-07T09:00:00Z\nlamport: 12\n' ..
      'id: 20260307T090000Z-cy-0c000005\nquestion: ' .. F.q1 .. '\n---\n\nFORGEDANSWER\n')
    by_hand('Bo Berg', 'bo@example.org', 'an answer in cy\'s name')
    local ok = 'questions/' .. F.q1 .. '/answers/20260307T100000Z-bo-0b000006.md'
    t.write(clone .. '/' .. ok, '---\nauthor: bo\ncreated: 2026-03-07T10:00:00Z\nlamport: 13\n' ..
      'id: 20260307T100000Z-bo-0b000006\nquestion: ' .. F.q1 .. '\n---\n\nPLAINGITANSWER\n')
    by_hand('Bo Berg', 'bo@example.org', 'an answer with plain git')
    local dir = base .. '/forged'
    local out, err, rc = export({ 'export', '--all', '--include', 'bo,cy', '--format', 'md', '--out', dir, '--json' })
    assert.are.equal(0, rc, err)
    local j = require('dkjson').decode(out)
    assert.is_nil(grep(dir, 'FORGEDQUESTION'))
    assert.is_nil(grep(dir, 'FORGEDANSWER'))
    assert.truthy(grep(dir, 'PLAINGITANSWER'))
    assert.are.equal(4, j.questions) -- q1..q3 and cy's; not the forged one
    -- the notes of wol show, word for word
    local notes = {}
    for _, q in ipairs({ fq, F.q1 }) do
      local s = require('dkjson').decode((t.wol({ 'show', q, '--json' }, ana)))
      for _, r in ipairs(s.records) do
        if r.forged then
          notes[#notes + 1] = string.format('wol: %s: %s; left out', r.path, r.note)
        end
      end
    end
    assert.are.equal(2, #notes)
    assert.are.same(notes, j.warnings)
  end)
end)
