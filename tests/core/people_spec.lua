-- The relationship list and contributions (csrc/people/): real files in a
-- member's $WOL_HOME, through the binding and the real CLI, every bad input.
local t = require('wolt')
local core = t.core()
local json = require('dkjson')

local function open(m, today)
  return assert(core.open({ home = m.wol_home, today = today }))
end

local function mode(path)
  return (t.sh('stat -c %a ' .. t.shquote(path)):gsub('%s+$', ''))
end

-- every file under people/ with its content, to prove a refusal wrote nothing
local function snapshot(m)
  local out = t.sh('cd ' .. t.shquote(m.wol_home) .. ' 2>/dev/null && find people -type f 2>/dev/null | sort')
  local files = {}
  for f in out:gmatch('[^\n]+') do
    files[f] = t.read(m.wol_home .. '/' .. f)
  end
  return files
end

local function lines_of(path)
  local v = {}
  for l in (t.read(path) or ''):gmatch('[^\n]+') do
    table.insert(v, l)
  end
  return v
end

describe('people', function()
  it('adds a person: slug from the name, private modes, the front matter', function()
    local m = t.member('ana')
    local ctx = open(m, '2026-03-04')
    local p = assert(ctx:person_add({ name = '  José Núñez ', relation = 'runs the onboarding team',
      closeness = 3, handle = 'jose', circles = { 'writers' }, tags = { 'onboarding', 'hr' } }))
    assert.equal('jose-nunez', p.slug)
    assert.equal('José Núñez', p.name)
    assert.equal('people/jose-nunez.md', p.path)
    assert.equal(m.wol_home .. '/people/jose-nunez.md', p.abs)
    assert.equal('600', mode(p.abs))
    assert.equal('700', mode(m.wol_home .. '/people'))
    local doc = assert(core.parse_doc(t.read(p.abs)))
    assert.same({ name = 'José Núñez', relation = 'runs the onboarding team', closeness = '3', handle = 'jose',
      circles = { 'writers' }, tags = { 'onboarding', 'hr' }, added = '2026-03-04' }, doc.meta)
    assert.equal(0, p.count)
    assert.equal(0, p.days) -- added today
    assert.is_false(p.stale)
    assert.same({}, p.contributions)
    -- the same name again gets a suffix; a name with nothing ASCII still gets a file
    assert.equal('jose-nunez-2', ctx:person_add({ name = 'José Núñez' }).slug)
    assert.equal('jose-nunez-3', ctx:person_add({ name = 'JOSÉ NÚÑEZ' }).slug)
    assert.equal('person', ctx:person_add({ name = '李小龙' }).slug)
    assert.equal('李小龙', ctx:person('李小龙').name)
    ctx:close()
  end)

  it('refuses bad names and values with one line, writing nothing', function()
    local m = t.member('ana')
    local ctx = open(m)
    assert(ctx:person_add({ name = 'Bo' }))
    local before = snapshot(m)
    local cases = {
      { { name = '' }, 'the name is empty' },
      { { name = '   ' }, 'the name is empty' },
      { { name = string.rep('x', 1024 * 1024) }, 'too long' },
      { { name = 'Ana\tLopez\1' }, 'control character' },
      { { name = 'Ana\nLopez' }, 'line break' },
      { { name = '../../etc/passwd' }, 'looks like a path' },
      { { name = 'a\\b' }, 'looks like a path' },
      { { name = 'bad \255 utf8' }, 'not valid UTF-8' },
      { { name = 'Cy', closeness = 6 }, 'closeness 6' },
      { { name = 'Cy', handle = 'Not A Handle' }, 'handle' },
      { { name = 'Cy', circles = { '../x' } }, 'circle' },
      { { name = 'Cy', relation = 'two\nlines' }, 'line break' },
      { { name = 'Cy', relation = string.rep('r', 5000) }, 'too long' },
      { { name = 'Cy', tags = { '' } }, 'tag is empty' },
    }
    for _, c in ipairs(cases) do
      local ok, err = ctx:person_add(c[1])
      assert.is_nil(ok)
      assert.matches('^wol: [^\n]+$', err)
      assert.truthy(err:find(c[2], 1, true), err)
    end
    assert.same(before, snapshot(m))
    -- the CLI says the same in one line and exits 1
    local _, err, rc = t.wol({ 'people', 'add', '../etc' }, m)
    assert.equal(1, rc)
    assert.matches("^wol: person: '%.%./etc' looks like a path", err)
    assert.equal(1, select(2, err:gsub('\n', '')))
    _, err, rc = t.wol({ 'people', 'add', 'Cy', '--closeness', '9' }, m)
    assert.equal(2, rc)
    assert.matches('closeness', err)
    assert.same(before, snapshot(m))
    ctx:close()
  end)

  it('lists people longest without a contribution first, with counts and the week', function()
    local m = t.member('ana')
    -- added on different days; today is Wednesday 2026-03-04
    local ctx = open(m, '2026-02-01')
    assert(ctx:person_add({ name = 'Old Friend', closeness = 5 }))
    ctx:close()
    ctx = open(m, '2026-02-20')
    assert(ctx:person_add({ name = 'Ana', closeness = 1 }))
    assert(ctx:person_add({ name = 'Bo', closeness = 4 }))
    assert(ctx:person_add({ name = 'Cy' }))
    ctx:close()
    ctx = open(m, '2026-03-04')
    assert(ctx:give('ana', 'sent the draft', { date = '2026-03-03', time = '09:15' }))
    assert(ctx:give('Ana', 'a coffee', { date = '2026-03-02' }))
    assert(ctx:give('bo', 'an intro to Dee', { date = '2026-02-25' }))
    assert(ctx:give('bo', 'feedback', { date = '2026-02-22' }))
    assert(ctx:give('bo', 'a link', { date = '2026-02-21' }))
    local l = assert(ctx:people())
    local function order(list)
      local v = {}
      for _, p in ipairs(list.people) do
        table.insert(v, p.name .. ':' .. tostring(p.days) .. ':' .. p.count .. ':' .. p.week)
      end
      return table.concat(v, ' ')
    end
    -- Old Friend: added 31 days ago, never given to; Cy: added 12 days ago
    assert.equal('Old Friend:31:0:0 Cy:12:0:0 Bo:7:3:0 Ana:1:2:2', order(l))
    assert.equal('stale', l.sort)
    assert.equal(14, l.stale_days)
    assert.equal(2, l.week) -- Monday 2026-03-02 .. today
    assert.equal(1, l.stale) -- only Old Friend is 14+ days
    assert.equal('2026-03-03', l.people[4].last)
    assert.is_true(l.people[1].stale)
    assert.is_false(l.people[2].stale)
    assert.equal('Ana:1:2:2 Bo:7:3:0 Cy:12:0:0 Old Friend:31:0:0', order(assert(ctx:people({ sort = 'name' }))))
    assert.equal('Old Friend:31:0:0 Bo:7:3:0 Ana:1:2:2 Cy:12:0:0', order(assert(ctx:people({ sort = 'closeness' }))))
    assert.equal('Bo:7:3:0 Ana:1:2:2 Cy:12:0:0 Old Friend:31:0:0', order(assert(ctx:people({ sort = 'count' }))))
    local function reach(list)
      local v = {}
      for _, r in ipairs(list.reach_out) do
        table.insert(v, r.slug .. ':' .. r.days)
      end
      return table.concat(v, ' ')
    end
    assert.equal('old-friend:31', reach(l))
    l = assert(ctx:people({ stale_days = 7 }))
    assert.equal(3, l.stale)
    -- up to three, longest without first, whatever the sort
    assert.equal('old-friend:31 cy:12 bo:7', reach(l))
    assert.equal('old-friend:31 cy:12 bo:7', reach(assert(ctx:people({ stale_days = 7, sort = 'name' }))))
    assert.equal('old-friend:31 cy:12 bo:7', reach(assert(ctx:people({ stale_days = 1, sort = 'count' }))))
    assert.same({ 'stale', 'name', 'closeness', 'count' }, core.people_sorts())
    local ok, err = ctx:people({ sort = 'age' })
    assert.is_nil(ok)
    assert.matches('sort', err)
    -- the CLI prints the same tree the binding returns
    local out, _, rc = t.wol({ 'people', '--json' }, m, { WOL_TODAY = '2026-03-04' })
    assert.equal(0, rc)
    assert.same(assert(ctx:people()), json.decode(out))
    out, _, rc = t.wol({ 'people' }, m, { WOL_TODAY = '2026-03-04' })
    assert.equal(0, rc)
    assert.matches('Old Friend%s+5%s+never%s+0', out)
    assert.matches('Ana%s+1%s+1 day%s+2', out)
    assert.matches('4 people; 2 contributions this week; 1 not contributed to in 14%+ days', out)
    _, err, rc = t.wol({ 'people', '--sort', 'age' }, m)
    assert.equal(2, rc)
    assert.matches('%-%-sort', err)
    ctx:close()
  end)

  it('gives: one dated line in the person file, by name or slug, case ignored', function()
    local m = t.member('ana')
    local ctx = open(m, '2026-03-04')
    local p = assert(ctx:person_add({ name = 'Ana López', relation = 'mentor' }))
    local g = assert(ctx:give('ANA LÓPEZ', '  shared my notes on pricing ', { time = '14:05' }))
    assert.equal('- 2026-03-04 14:05 shared my notes on pricing', g.line)
    assert.equal('ana-lopez', g.slug)
    assert.equal('Ana López', g.name)
    assert(ctx:give('ana-lopez', 'introduced her to Bo', { date = 'yesterday', time = '08:00' }))
    local out, err, rc = t.wol({ 'give', 'ana lópez', 'thanked', 'her', '--date', '2026-03-01', '--time', '18:30' }, m,
      { WOL_TODAY = '2026-03-04' })
    assert.equal(0, rc, err)
    assert.equal('wol: gave to Ana López: 2026-03-01 18:30 thanked her\n', out)
    local lines = lines_of(p.abs)
    assert.same({ '- 2026-03-04 14:05 shared my notes on pricing', '- 2026-03-03 08:00 introduced her to Bo',
      '- 2026-03-01 18:30 thanked her' }, { lines[#lines - 2], lines[#lines - 1], lines[#lines] })
    assert.equal('600', mode(p.abs))
    local full = assert(ctx:person('ana-lopez'))
    assert.equal(3, full.count)
    assert.equal('2026-03-04', full.last)
    -- oldest first
    local whats = {}
    for _, c in ipairs(full.contributions) do
      table.insert(whats, c.date .. ' ' .. c.time .. ' ' .. c.what)
      assert.equal('give', c.kind)
    end
    assert.same({ '2026-03-01 18:30 thanked her', '2026-03-03 08:00 introduced her to Bo',
      '2026-03-04 14:05 shared my notes on pricing' }, whats)
    -- what the user wrote in the body by hand counts too, other lines do not
    t.write(p.abs, t.read(p.abs) .. 'A note of mine.\n- 2026-02-10 10:00 an old favour\n- not a date\n')
    assert.equal(4, assert(ctx:person('ana-lopez')).count)
    ctx:close()
  end)

  it('refuses a bad contribution with one line, writing nothing', function()
    local m = t.member('ana')
    local ctx = open(m, '2026-03-04')
    assert(ctx:person_add({ name = 'Bo' }))
    assert(ctx:person_add({ name = 'Twin Peaks' }))
    assert(ctx:person_add({ name = 'twin peaks' }))
    local before = snapshot(m)
    local cases = {
      { 'bo', '', 'say what you gave' },
      { 'bo', '   ', 'say what you gave' },
      { 'bo', 'two\nlines', 'line break' },
      { 'bo', string.rep('w', 5000), 'too long' },
      { 'nobody', 'x', "no 'nobody' on your list (add them: wol people add 'nobody')" },
      { 'Twin Peaks', 'x', "2 people are called 'Twin Peaks' (twin-peaks, twin-peaks-2)" },
      { '', 'x', 'no name given' },
    }
    for _, c in ipairs(cases) do
      local ok, err = ctx:give(c[1], c[2])
      assert.is_nil(ok)
      assert.truthy(err:find(c[3], 1, true), err)
    end
    local ok, err = ctx:give('bo', 'x', { date = 'tomorrow' })
    assert.is_nil(ok)
    assert.equal('wol: give: 2026-03-05 is in the future', err)
    ok, err = ctx:give('bo', 'x', { time = '25:00' })
    assert.is_nil(ok)
    assert.matches('HH:MM', err)
    ok, err = ctx:give('bo', 'x', { date = '2026-02-30' })
    assert.is_nil(ok)
    assert.matches('not a valid calendar date', err)
    assert.same(before, snapshot(m))
    local _, cerr, rc = t.wol({ 'give', 'nobody', 'a', 'thing' }, m)
    assert.equal(1, rc)
    assert.equal("wol: person: no 'nobody' on your list (add them: wol people add 'nobody')\n", cerr)
    _, cerr, rc = t.wol({ 'give', 'bo' }, m)
    assert.equal(2, rc)
    assert.matches('say what you gave', cerr)
    assert.same(before, snapshot(m))
    ctx:close()
  end)

  it('lists broken and unreadable files without failing the others', function()
    local m = t.member('ana')
    local ctx = open(m, '2026-03-04')
    assert(ctx:person_add({ name = 'Good' }))
    local dir = m.wol_home .. '/people/'
    local broken = '---\nname: [unclosed\n---\n\n## Contributions\n\n- 2026-03-01 10:00 kept\n'
    t.write(dir .. 'broken.md', broken)
    t.write(dir .. 'badvalues.md', '---\nname: Vee\ncloseness: lots\nadded: soon\n---\n')
    t.sh('ln -s /etc/passwd ' .. t.shquote(dir .. 'link.md') .. ' && mkdir ' .. t.shquote(dir .. 'folder.md'))
    t.write(dir .. '.hidden.md', '---\nname: Hidden\n---\n')
    t.write(dir .. 'notes.txt', 'not a person')
    local l = assert(ctx:people({ sort = 'name' }))
    local names = {}
    for _, p in ipairs(l.people) do
      table.insert(names, p.name)
    end
    assert.same({ 'broken', 'Good', 'Vee' }, names)
    local b = l.people[1]
    assert.is_true(b.broken)
    assert.matches('^wol: people/broken%.md:%d+: .*fix the front matter', b.warning)
    assert.equal(1, b.count) -- its lines are still read
    assert.is_false(l.people[3].broken)
    assert.matches("closeness 'lots' is not a number from 0 to 5", l.people[3].warning)
    assert.equal(2, #l.warnings)
    table.sort(l.warnings)
    assert.matches('folder%.md', l.warnings[1])
    assert.matches('link%.md: is a symbolic link', l.warnings[2])
    -- never rewritten: a contribution to it is refused and the bytes stay
    local ok, err = ctx:give('broken', 'x')
    assert.is_nil(ok)
    assert.matches('^wol: people/broken%.md:%d+: .*fix the front matter first %(nothing written%)$', err)
    assert.equal(broken, t.read(dir .. 'broken.md'))
    -- the CLI lists the rest and reports the problems on stderr
    local out, cerr, rc = t.wol({ 'people' }, m)
    assert.equal(0, rc)
    assert.matches('Good', out)
    assert.matches('link%.md', cerr)
    ctx:close()
  end)

  it('removes a person into people/.trash, never deleting', function()
    local m = t.member('ana')
    local ctx = open(m)
    local p = assert(ctx:person_add({ name = 'Bo' }))
    assert(ctx:give('bo', 'x'))
    local text = t.read(p.abs)
    local moved = assert(ctx:person_rm('BO'))
    assert.equal(m.wol_home .. '/people/.trash/bo.md', moved)
    assert.equal(text, t.read(moved))
    assert.is_false(t.exists(p.abs))
    assert.equal('700', mode(m.wol_home .. '/people/.trash'))
    assert.same({}, assert(ctx:people()).people)
    -- a second Bo removed later does not overwrite the first
    assert(ctx:person_add({ name = 'Bo' }))
    local out, err, rc = t.wol({ 'people', 'rm', 'bo' }, m)
    assert.equal(0, rc, err)
    assert.matches('%.trash/bo%.2%.md', out)
    assert.equal(text, t.read(moved))
    local ok, rerr = ctx:person_rm('bo')
    assert.is_nil(ok)
    assert.matches("no 'bo' on your list", rerr)
    ctx:close()
  end)

  it('picks the person to reach out to: longest without, the same all day', function()
    local m = t.member('ana')
    local ctx = open(m, '2026-03-01')
    assert.is_nil(ctx:people_pick())
    assert(ctx:person_add({ name = 'Ana' }))
    assert(ctx:person_add({ name = 'Bo' }))
    assert(ctx:person_add({ name = 'Cy' }))
    ctx:close()
    ctx = open(m, '2026-03-04')
    assert(ctx:give('ana', 'x'))
    -- Bo and Cy tie (never given, added 3 days ago): the day decides, stably
    local seen = {}
    for d = 1, 20 do
      local day = string.format('2026-03-%02d', d + 4)
      local a, b = ctx:people_pick(day), ctx:people_pick(day)
      assert.equal(a, b)
      assert.is_true(a == 'Bo' or a == 'Cy', a)
      seen[a] = true
    end
    assert.is_true(seen.Bo and seen.Cy) -- both get their days
    assert(ctx:give('bo', 'y', { date = '2026-03-02' }))
    assert.equal('Cy', ctx:people_pick())
    ctx:close()
  end)
end)

describe('answers as contributions', function()
  it('counts the answers you gave to a member\'s questions, read from the circle', function()
    local remote = t.tmpdir('remote') .. '/c.git'
    t.sh('git init -q --bare -b main ' .. t.shquote(remote))
    -- the suite's identity (tester) in-process, bo through the CLI
    local me = { home = os.getenv('HOME'), wol_home = t.tmpdir('answers') }
    local bo = t.member('bo')
    local function ok(args, who)
      local out, err, rc = t.wol(args, who)
      assert(rc == 0, table.concat(args, ' ') .. ': ' .. out .. err)
      return out
    end
    ok({ 'init', 'c', '--remote', remote }, me)
    ok({ 'sync' }, me)
    ok({ 'join', remote, 'c' }, bo)
    local q1 = json.decode(ok({ 'ask', 'How do you keep a weekly rhythm?', '--json' }, bo)).qid
    local q2 = json.decode(ok({ 'ask', 'Where do drafts live?', '--json' }, bo)).qid
    ok({ 'sync' }, bo)
    ok({ 'sync' }, me)
    ok({ 'answer', q1, '-m', 'A fixed slot on Fridays' }, me)
    local a2 = json.decode(ok({ 'answer', q2, '-m', 'In the notes folder', '--json' }, me)).id
    local ctx = open(me)
    assert(ctx:person_add({ name = 'Bo Chen', handle = 'bo' }))
    assert(ctx:person_add({ name = 'Bo elsewhere', handle = 'bo', circles = { 'other' } }))
    assert(ctx:give('bo chen', 'a coffee', { date = '2026-01-10' }))
    local l = assert(ctx:people({ sort = 'name' }))
    assert.equal('Bo Chen', l.people[1].name)
    assert.equal(3, l.people[1].count)
    assert.equal(os.date('!%Y-%m-%d'), l.people[1].last)
    assert.equal(0, l.people[2].count) -- only answers in circle 'other' count for them
    local p = assert(ctx:person('Bo Chen'))
    local kinds = {}
    for _, c in ipairs(p.contributions) do
      table.insert(kinds, c.kind .. ':' .. c.what .. ':' .. (c.circle or ''))
    end
    table.sort(kinds)
    assert.same({ 'answer:How do you keep a weekly rhythm?:c', 'answer:Where do drafts live?:c',
      'give:a coffee:' }, kinds)
    -- nothing was copied into the person's file
    local _, nlines = t.read(p.abs):gsub('\n%- %d', '')
    assert.equal(1, nlines)
    -- a retracted answer no longer counts
    local c = assert(ctx:circle_open('c'))
    assert(c:question_event(q2, 'retract', { target = a2 }))
    c:close()
    assert.equal(2, assert(ctx:person('bo-chen')).count)
    -- the CLI agrees
    local out = ok({ 'people', 'show', 'bo chen', '--json' }, me)
    assert.equal(2, json.decode(out).count)
    ctx:close()
  end)
end)

describe('people privacy', function()
  it('wol doctor checks the modes; a person file is never shared, even with --force', function()
    local m = t.member('tester')
    local ctx = open(m)
    local p = assert(ctx:person_add({ name = 'Ana' }))
    local out, err, rc = t.wol({ 'doctor', '--json' }, m)
    local function people_checks(text)
      local v = {}
      for _, c in ipairs(json.decode(text)) do
        if c.section == 'people' then
          table.insert(v, c.level .. ': ' .. c.msg)
        end
      end
      return v
    end
    assert.same({ 'ok: 1 person on your list in ' .. m.wol_home .. '/people' }, people_checks(out))
    t.sh('chmod 755 ' .. t.shquote(m.wol_home .. '/people') .. ' && chmod 644 ' .. t.shquote(p.abs))
    t.write(m.wol_home .. '/people/bad.md', '---\nname: [x\n---\n')
    out = t.wol({ 'doctor', '--json' }, m)
    local checks = people_checks(out)
    assert.equal(4, #checks)
    assert.matches('^warn: .*/people is readable by others %(mode 755%)', checks[1])
    assert.equal('ok: 2 people on your list in ' .. m.wol_home .. '/people', checks[2])
    assert.equal('warn: 2 person files are readable by others', checks[3])
    assert.matches('^warn: people/bad%.md:%d+: ', checks[4])
    -- sharing a person file: refused, forced or not, nothing committed
    _, err, rc = t.wol({ 'init', 'c' }, m)
    assert.equal(0, rc, err)
    local head = t.git(m.wol_home .. '/circles/c', 'rev-parse HEAD')
    for _, force in ipairs({ {}, { '--force' } }) do
      local args = { 'share', p.abs }
      for _, f in ipairs(force) do
        table.insert(args, f)
      end
      _, err, rc = t.wol(args, m)
      assert.equal(5, rc) -- refused by a rule (:help wol-exit)
      assert.equal('wol: share: ' .. p.abs .. ' is on your private list of people; it is never shared '
        .. '(nothing was shared)\n', err)
    end
    assert.equal(head, t.git(m.wol_home .. '/circles/c', 'rev-parse HEAD'))
    ctx:close()
  end)
end)

describe('people cache', function()
  it('reads a file again when its inode, size or mtime changed', function()
    local m = t.member('tester')
    local ctx = open(m, '2026-03-04')
    local p = assert(ctx:person_add({ name = 'Ana', relation = 'one' }))
    local q = assert(ctx:person_add({ name = 'Bo', relation = 'two' }))
    local function age(path)
      t.sh('touch -d "2026-01-01 10:00" ' .. t.shquote(path))
    end
    age(p.abs)
    age(q.abs)
    local function relations()
      local v = {}
      for _, x in ipairs(assert(ctx:people({ sort = 'name' })).people) do
        table.insert(v, x.relation or '-')
      end
      return table.concat(v, ',')
    end
    assert.equal('one,two', relations()) -- read and kept
    assert.equal('one,two', relations()) -- from the cache
    -- same size, another inode (a rename over it, as editors save), old mtime
    local text = t.read(p.abs):gsub('relation: one', 'relation: uno')
    t.write(p.abs .. '.new', text)
    t.sh('mv ' .. t.shquote(p.abs .. '.new') .. ' ' .. t.shquote(p.abs))
    age(p.abs)
    -- another size, same inode, old mtime
    t.write(q.abs, (t.read(q.abs):gsub('relation: two', 'relation: three')))
    age(q.abs)
    assert.equal('uno,three', relations())
    -- a contribution (a new mtime) shows at once
    assert(ctx:give('bo', 'x'))
    assert.equal(1, assert(ctx:people({ sort = 'name' })).people[2].count)
    ctx:close()
  end)
end)

describe('people in the search index', function()
  -- the titles of a search's hits of kind person (sorted), from the binding
  -- or the CLI's --json (the same tree)
  local function people_hits(hits)
    local v = {}
    for _, h in ipairs(hits) do
      if h.kind == 'person' then
        assert.is_nil(h.circle)
        assert.is_nil(h.author)
        table.insert(v, h.title .. '=' .. h.path)
      end
    end
    table.sort(v)
    return v
  end

  it('finds people by name, relation and contribution; loses them when removed', function()
    local m = t.member('ana')
    local ctx = open(m, '2026-03-04')
    local p = assert(ctx:person_add({ name = 'José Núñez', relation = 'runs the onboarding team',
      tags = { 'mentor' } }))
    assert(ctx:give('jose-nunez', 'sent the pricing checklist', { time = '14:05' }))
    local want = { 'José Núñez=people/jose-nunez.md' }
    -- the editor's way: the file just written, then a search without a walk
    assert(ctx:index_refresh({ paths = { p.abs } }))
    local hits = assert(ctx:search('pricing', { refresh = false }))
    assert.same(want, people_hits(hits))
    assert.equal(p.abs, hits[1].abspath)
    local n, at = 0, nil
    for l in (t.read(p.abs) .. ''):gmatch('([^\n]*)\n') do
      n = n + 1
      at = at or (l:find('pricing', 1, true) and n)
    end
    assert.equal(at, hits[1].line) -- the contribution's line
    assert.matches('pricing checklist', hits[1].snippet)
    assert.equal('2026-03-04', hits[1].date) -- when they were added
    -- by name (accents ignored), relation, tag; kind:person / kind:people filter
    for _, q in ipairs({ 'jose nunez', 'onboarding', 'mentor', 'kind:person', 'kind:people', 'kind:person onboarding' }) do
      assert.same(want, people_hits(assert(ctx:search(q))), q)
    end
    assert.same({}, people_hits(assert(ctx:search('kind:journal onboarding'))))
    -- private, in no circle: no circle: or author: filter ever yields one
    assert.same({}, assert(ctx:search('onboarding circle:team')))
    assert.same({}, assert(ctx:search('onboarding author:me')))
    -- the CLI sees the same, in text and JSON
    local out, err, rc = t.wol({ 'search', 'kind:person', 'checklist', '--json' }, m)
    assert.equal(0, rc, err)
    assert.same(want, people_hits(json.decode(out)))
    out, err, rc = t.wol({ 'search', 'onboarding' }, m)
    assert.equal(0, rc, err)
    assert.matches('^' .. p.abs:gsub('%p', '%%%0') .. ':%d+: %[person%] José Núñez: ', out)
    -- added through the CLI: found by the next search
    out, err, rc = t.wol({ 'people', 'add', 'Bo Chen', '--relation', 'knows onboarding too' }, m)
    assert.equal(0, rc, err)
    assert.same({ 'Bo Chen=people/bo-chen.md', 'José Núñez=people/jose-nunez.md' },
      people_hits(assert(ctx:search('onboarding'))))
    -- removed (into people/.trash/): gone from the index, by the binding and the CLI
    local moved = assert(ctx:person_rm('jose-nunez'))
    assert.is_true(t.exists(moved))
    assert(ctx:index_refresh({ paths = { p.abs } }))
    assert.same({ 'Bo Chen=people/bo-chen.md' }, people_hits(assert(ctx:search('onboarding', { refresh = false }))))
    _, err, rc = t.wol({ 'people', 'rm', 'bo chen' }, m)
    assert.equal(0, rc, err)
    out, err, rc = t.wol({ 'search', 'onboarding', '--json' }, m)
    assert.equal(0, rc, err)
    assert.same({}, json.decode(out))
    -- nothing in .trash/ is searched, even after a rebuild
    assert(ctx:index_rebuild())
    assert.same({}, assert(ctx:search('kind:person')))
    assert.same({}, assert(ctx:search('pricing')))
    ctx:close()
  end)

  it('a broken or odd file in people/ never breaks a search', function()
    local m = t.member('ana')
    local ctx = open(m, '2026-03-04')
    assert(ctx:person_add({ name = 'Good', relation = 'a steady hand' }))
    local dir = m.wol_home .. '/people/'
    t.write(dir .. 'broken.md', '---\nname: [unclosed\n---\n\n## Contributions\n\n- 2026-03-01 10:00 steady help\n')
    t.write(dir .. 'nul.md', 'steady\0binary\n')
    t.sh('ln -s /etc/passwd ' .. t.shquote(dir .. 'link.md') .. ' && mkdir -p ' .. t.shquote(dir .. 'folder.md')
      .. ' ' .. t.shquote(dir .. 'sub'))
    t.write(dir .. 'sub/deep.md', '---\nname: Deep\n---\nsteady\n')
    t.write(dir .. '.hidden.md', '---\nname: Hidden\n---\nsteady\n')
    t.write(dir .. 'notes.txt', 'steady\n')
    local rep = assert(ctx:index_refresh())
    assert.is_true(rep.problems >= 1)
    -- the good one, and the others as far as they read (plain text, titled
    -- by the slug); no link, folder, dot file or subfolder
    local hits = assert(ctx:search('steady'))
    local titles = {}
    for _, h in ipairs(hits) do
      table.insert(titles, h.title .. '=' .. h.path)
    end
    table.sort(titles)
    assert.same({ 'Good=people/good.md', 'broken=people/broken.md', 'nul=people/nul.md' }, titles)
    local out, err, rc = t.wol({ 'search', 'kind:person', '--json' }, m)
    assert.equal(0, rc, err)
    local paths = {}
    for _, h in ipairs(json.decode(out)) do
      table.insert(paths, h.path)
    end
    table.sort(paths)
    assert.same({ 'people/broken.md', 'people/good.md', 'people/nul.md' }, paths)
    -- a path handed to a targeted refresh that is no person file is ignored
    assert(ctx:index_refresh({ paths = { dir .. 'link.md', dir .. 'sub/deep.md', dir .. '.hidden.md' } }))
    assert.equal(3, #assert(ctx:search('kind:person')))
    ctx:close()
  end)
end)
