-- The day's prompt: prompt files, precedence, rotation, the circle program
-- calendar and bad input, through the binding and the `wol prompt` CLI.
local t = require('wolt')
local core = require('wol.core')

-- A context on a fresh $WOL_HOME.
local function fresh(tag, today)
  local home = t.tmpdir(tag or 'prompt')
  return assert(core.open({ home = home, today = today or '2026-03-04' })), home
end

local function prompt_file(fields, body)
  local fm = { '---' }
  for _, kv in ipairs(fields) do
    table.insert(fm, kv)
  end
  table.insert(fm, '---')
  return table.concat(fm, '\n') .. '\n' .. (body or '## Challenge\n\nDo the thing.\n\n## Reflect\n\n- Why?\n')
end

-- A real git repository as the default circle, with a circle.md.
local function make_circle(home, name, circle_md)
  local dir = home .. '/circles/' .. name
  t.sh('mkdir -p ' .. t.shquote(dir) .. ' && git init -q ' .. t.shquote(dir))
  if circle_md then
    t.write(dir .. '/circle.md', circle_md)
  end
  return dir
end

local function sources(list)
  local out = {}
  for _, p in ipairs(list) do
    table.insert(out, p.source)
  end
  return out
end

local function date_add(_, date, n)
  return (assert(core.parse_date((n >= 0 and '+' or '-') .. math.abs(n), date)))
end

local json = require('dkjson')

-- The WOL Week theme of each day of the fixed week 2026-03-16 .. 2026-03-22.
local WEEK = {
  { '2026-03-16', 'monday', 'Connection' },
  { '2026-03-17', 'tuesday', 'Sharing' },
  { '2026-03-18', 'wednesday', 'Learning' },
  { '2026-03-19', 'thursday', 'Problem solving' },
  { '2026-03-20', 'friday', 'Innovation' },
  { '2026-03-21', 'saturday', 'Rest' },
  { '2026-03-22', 'sunday', 'Reflection' },
}

describe('built-in prompts', function()
  it('are all usable: no warnings, titles, challenges and questions in every layer', function()
    local ctx = fresh('builtin')
    -- walk 120 days inside and outside a program: every kind of rule
    local seen = {}
    for i = 0, 119 do
      local d = date_add(ctx, '2026-01-01', i)
      for _, prog in ipairs({ false, true }) do
        local p = assert(ctx:prompt(d, prog and { started = '2026-01-01', weeks = 12 } or nil))
        assert.are.same({}, p.warnings)
        for _, layer in ipairs({ 'theme', 'challenge', 'reflect' }) do
          assert.matches('^builtin:', p.sources[layer])
          seen[p.sources[layer]] = true
        end
        assert.is_true(#p.theme.title > 3)
        assert.is_true(#p.challenge.text > 20, p.sources.challenge)
        assert.is_true(#p.challenge.title > 3, p.sources.challenge)
        assert.is_true(#p.reflect >= 2 and #p.reflect <= 4, p.sources.reflect)
        if p.focus then
          assert.matches('^builtin:week%-%d%d$', p.sources.focus)
          assert.is_true(#p.focus.text > 20 and #p.focus.questions >= 2, p.sources.focus)
          seen[p.sources.focus] = true
        else
          assert.is_nil(p.sources.focus)
        end
      end
    end
    local weeks, weekdays = 0, 0
    for s in pairs(seen) do
      if s:match('^builtin:week%-') then weeks = weeks + 1 end
      if s:match('^builtin:weekday%-') then weekdays = weekdays + 1 end
    end
    assert.are.equal(12, weeks)
    assert.are.equal(7, weekdays)
  end)

  it('are what a parse at run time makes of their files (parsed at build time)', function()
    -- the same files as the user's prompts rank first: each layer then
    -- comes from the user's copy, parsed now, and must show the same (in a
    -- 12-week program the built-in arc is week for week the user's weeks)
    local ctx0 = fresh('builtin-const')
    local ctx1, home1 = fresh('builtin-copy')
    t.sh('mkdir -p ' .. t.shquote(home1 .. '/prompts') .. ' && cp ' .. t.shquote(t.root .. '/prompts/builtin')
      .. '/*.md ' .. t.shquote(home1 .. '/prompts/'))
    local function strip(p)
      for layer, src in pairs(p.sources) do
        p.sources[layer] = src:gsub('^.*/prompts/(.*)%.md$', 'builtin:%1')
      end
      p.reason = p.reason:gsub('%(your prompts%)', '(built-in)')
      return p
    end
    for i = 0, 7 * 30, 3 do
      local d = date_add(ctx0, '2026-01-01', i)
      for _, prog in ipairs({ false, { started = '2026-01-07', weeks = 12 } }) do
        local a = assert(ctx0:prompt(d, prog or nil))
        local b = strip(assert(ctx1:prompt(d, prog or nil)))
        assert.are.same(a, b)
      end
    end
  end)

  it('that the parser warns about fail the build (tools/embed_prompts.c)', function()
    local dir = t.tmpdir('builtin-bad')
    t.write(dir .. '/ok.md', prompt_file({ 'title: Fine', 'weekday: monday' }))
    t.write(dir .. '/bad.md', prompt_file({ 'title: Bad', 'weekday: funday' }))
    local embed = t.shquote(t.root .. '/build/gen/embed_prompts')
    local out, rc = t.sh(embed .. ' ' .. t.shquote(dir .. '/ok.md') .. ' 2>&1 >/dev/null')
    assert.are.equal(0, rc, out)
    out, rc = t.sh(embed .. ' ' .. t.shquote(dir .. '/ok.md') .. ' ' .. t.shquote(dir .. '/bad.md') .. ' 2>&1 >/dev/null')
    assert.are_not.equal(0, rc)
    assert.matches("builtin:bad:3: weekday: 'funday' is not a weekday", out, 1, true)
    assert.matches('a built-in prompt must parse without warnings', out, 1, true)
  end)

  it('are written without "twelve" and with placeholders only where they are known', function()
    local files = t.sh('ls ' .. t.shquote(t.root .. '/prompts/builtin') .. '/*.md')
    local n = 0
    for f in files:gmatch('%S+') do
      local text = assert(t.read(f))
      n = n + 1
      assert.is_nil(text:lower():find('twelve'), f)
      assert.is_nil(text:find('12 weeks', 1, true), f)
      for name in text:gmatch('{{%s*(.-)%s*}}') do
        assert.truthy(({ weeks = 1, week = 1, weeks_left = 1, circle = 1, weekday = 1, person = 1 })[name],
          f .. ': ' .. name)
      end
    end
    assert.is_true(n >= 66, 'built-in files: ' .. n)
  end)

  it('have a pool of at least 45 prompts, all reached by the rotation', function()
    local ctx = fresh('pool')
    local pool, titles = {}, {}
    for i = 0, 7 * 40 do
      local d = date_add(ctx, '2026-01-03', i)
      local p = assert(ctx:prompt(d))
      if p.sources.challenge:match('^builtin:pool%-') then
        pool[p.sources.challenge] = true
        titles[p.challenge.title] = true
        assert.matches('; challenge from the pool, %d+ of %d+ %(built%-in%)$', p.reason)
        assert.are.equal(p.sources.challenge, p.sources.reflect)
      end
    end
    local n, nt = 0, 0
    for _ in pairs(pool) do n = n + 1 end
    for _ in pairs(titles) do nt = nt + 1 end
    assert.is_true(n >= 45, 'pool prompts reached: ' .. n)
    assert.are.equal(n, nt) -- titles are distinct
  end)

  it('gives a built-in prompt when there are no prompt files at all', function()
    local ctx, home = fresh('none')
    t.sh('mkdir -p ' .. t.shquote(home .. '/prompts'))
    local p = assert(ctx:prompt('2026-03-04'))
    assert.matches('^builtin:', p.sources.theme)
    assert.are.equal('2026-03-04', p.date)
    assert.are.equal('wednesday', p.weekday)
    assert.are.equal(0, p.week)
    assert.are.equal(0, p.weeks)
    assert.is_nil(p.focus)
    assert.is_false(p.dated)
  end)
end)

describe('the day in layers', function()
  it('shows the WOL Week theme of each weekday, in and out of a program, with the focus beside it', function()
    local ctx = fresh('themes')
    for _, prog in ipairs({ false, true }) do
      for _, day in ipairs(WEEK) do
        local p = assert(ctx:prompt(day[1], prog and { started = '2026-03-02', weeks = 8 } or nil))
        assert.are.equal(day[2], p.weekday)
        assert.are.equal(day[3], p.theme.title)
        assert.are.equal('builtin:weekday-' .. day[2], p.sources.theme)
        assert.matches('^every ' .. day[2] .. ' %(built%-in%)', p.reason)
        if prog then
          -- week 3 of 8: the focus is there, and the theme too
          assert.are.equal(3, p.week)
          assert.are.same({ 3, 8 }, { p.focus.week, p.focus.weeks })
          assert.are.equal('builtin:week-03', p.sources.focus)
          assert.are.equal('Start with small gifts', p.focus.title)
        else
          assert.is_nil(p.focus)
        end
      end
    end
  end)

  it('takes the challenge from the pool on two weekdays a week and at weekends', function()
    local ctx = fresh('share')
    local monday = '2026-01-05'
    local own_seen = {}
    for w = 0, 51 do
      local pooled = 0
      for d = 0, 6 do
        local p = assert(ctx:prompt(date_add(ctx, monday, 7 * w + d)))
        local from_pool = p.sources.challenge:match('^builtin:pool%-') ~= nil
        if d >= 5 then
          assert.is_true(from_pool, p.date)
          assert.is_true(#p.theme.text > 0, p.date) -- weekend themes have words, not a challenge
        elseif from_pool then
          pooled = pooled + 1
        else
          assert.are.equal(p.sources.theme, p.sources.challenge)
          own_seen[p.weekday] = (own_seen[p.weekday] or 0) + 1
        end
      end
      assert.are.equal(2, pooled, 'week of ' .. date_add(ctx, monday, 7 * w))
    end
    -- every weekday keeps its own challenge on 3 weeks in 5
    for _, day in ipairs({ 'monday', 'tuesday', 'wednesday', 'thursday', 'friday' }) do
      assert.is_true(own_seen[day] >= 30 and own_seen[day] <= 33, day .. ': ' .. tostring(own_seen[day]))
    end
  end)

  it('shows at least 15 distinct challenges in any 28 consecutive weekdays', function()
    local ctx = fresh('variety')
    local days = {}
    for i = 0, 400 do
      local p = assert(ctx:prompt(date_add(ctx, '2026-01-01', i)))
      if p.weekday ~= 'saturday' and p.weekday ~= 'sunday' then
        table.insert(days, p.sources.challenge)
      end
    end
    local worst = math.huge
    for s = 1, #days - 27 do
      local distinct, n = {}, 0
      for i = s, s + 27 do
        if not distinct[days[i]] then
          distinct[days[i]] = true
          n = n + 1
        end
      end
      worst = math.min(worst, n)
    end
    assert.is_true(worst >= 15, 'fewest distinct challenges in 28 weekdays: ' .. worst)
  end)
end)

describe('the program focus', function()
  local function focus(ctx, started, weeks, week)
    local p = assert(ctx:prompt(date_add(ctx, started, 7 * (week - 1) + 2), { started = started, weeks = weeks }))
    assert.are.equal(week, p.week)
    return p.focus and p.sources.focus, p
  end

  it('starts with the purpose and ends with the celebration, whatever the length', function()
    local ctx = fresh('arc')
    for _, weeks in ipairs({ 2, 3, 5, 8, 12, 20, 52, 60 }) do
      assert.are.equal('builtin:week-01', (focus(ctx, '2026-01-05', weeks, 1)))
      local last, p = focus(ctx, '2026-01-05', weeks, weeks)
      assert.are.equal('builtin:week-12', last, 'weeks: ' .. weeks)
      assert.are.equal('Celebrate and pass it on', p.focus.title)
      for w = 2, weeks - 1 do
        local f = focus(ctx, '2026-01-05', weeks, w)
        assert.are_not.equal('builtin:week-12', f, 'week ' .. w .. ' of ' .. weeks)
        assert.are_not.equal('builtin:week-01', f, 'week ' .. w .. ' of ' .. weeks)
      end
    end
    -- a one-week program: the purpose
    assert.are.equal('builtin:week-01', (focus(ctx, '2026-01-05', 1, 1)))
  end)

  it('spreads the weeks between over the arc in order', function()
    local ctx = fresh('spread')
    local steps = {}
    for w = 1, 20 do
      steps[w] = tonumber(focus(ctx, '2026-01-05', 20, w):match('(%d+)$'))
    end
    for w = 2, 20 do
      assert.is_true(steps[w] >= steps[w - 1], 'week ' .. w)
    end
    local distinct = {}
    for _, s in ipairs(steps) do distinct[s] = true end
    for s = 1, 12 do assert.is_true(distinct[s], 'arc step ' .. s) end
    -- 12 weeks: one arc step a week
    for w = 1, 12 do
      assert.are.equal(string.format('builtin:week-%02d', w), (focus(ctx, '2026-01-05', 12, w)))
    end
  end)

  it("uses the circle's own week prompts for their weeks and the arc for the others", function()
    local ctx, home = fresh('ownweeks')
    local circle = make_circle(home, 'demo', '---\nname: Platform guild\nstarted: 2026-01-05\nweeks: 8\n---\n')
    t.write(circle .. '/prompts/week-04.md', prompt_file({ 'title: Our week four', 'week: 4' }))
    local p = assert(ctx:prompt('2026-01-27')) -- week 4
    assert.are.equal(circle .. '/prompts/week-04.md', p.sources.focus)
    assert.are.equal('Our week four', p.focus.title)
    assert.are.equal('Connection', (assert(ctx:prompt('2026-01-26'))).theme.title)
    assert.matches('; focus program week 4 of 8 %(circle prompts%)$', p.reason)
    p = assert(ctx:prompt('2026-02-24')) -- week 8
    assert.are.equal('builtin:week-12', p.sources.focus)
    assert.matches('Platform guild', p.focus.text, 1, true)
  end)
end)

describe('placeholders', function()
  it('fill {{weeks}}, {{week}}, {{weeks_left}}, {{circle}} and {{weekday}} in every layer', function()
    local ctx, home = fresh('vars')
    make_circle(home, 'demo', '---\nname: Platform guild\nstarted: 2026-01-05\nweeks: 9\n---\n')
    t.write(home .. '/prompts/tue.md', prompt_file({ 'title: "{{weekday}} in {{circle}}"', 'weekday: tuesday' },
      'Week {{week}} of {{weeks}}, {{ weeks_left }} to go.\n\n## Challenge\n\nTell {{circle}} on {{weekday}}.\n\n## Reflect\n\n- Why {{weeks}}?\n'))
    local p = assert(ctx:prompt('2026-01-20'))
    assert.are.equal('Tuesday in Platform guild', p.theme.title)
    assert.are.equal('Week 3 of 9, 6 to go.', p.theme.text)
    assert.are.same({ 'Why 9?' }, p.reflect)
    assert.are.same({}, p.warnings)
    -- the built-in week 1 says how long the program is
    p = assert(ctx:prompt('2026-01-05'))
    assert.matches('the next 9 weeks', p.focus.text, 1, true)
  end)

  it('without a circle: the default length and "your circle"', function()
    local ctx, home = fresh('novars')
    t.write(home .. '/prompts/x.md', prompt_file({ 'title: "{{circle}}: {{weeks}}"', 'date: 2026-03-04' }))
    local p = assert(ctx:prompt('2026-03-04'))
    assert.are.equal('your circle: 12', p.theme.title)
  end)

  it('fill {{person}}: the one on your list longest without a contribution, else generic words', function()
    local ctx, home = fresh('person')
    make_circle(home, 'demo', '---\nname: demo\nstarted: 2026-02-04\nweeks: 12\n---\n')
    t.write(home .. '/prompts/call.md', prompt_file({ 'title: Call', 'date: 2026-03-05' },
      '## Challenge\n\nCall {{ person }} today.\n'))
    -- nobody on the list yet
    local p = assert(ctx:prompt('2026-03-05'))
    assert.are.equal('Call someone who matters to your work today.', p.challenge.text)
    assert.are.same({}, p.warnings)
    -- the built-in week 5 ("deepen one relationship") names the person too
    p = assert(ctx:prompt('2026-03-04'))
    assert.are.equal(5, p.focus.week)
    assert.matches('conversation with someone who matters to your work:', p.focus.text, 1, true)
    -- both on the list for a month; Ana was given something today
    local before = assert(core.open({ home = home, today = '2026-02-01' }))
    assert(before:person_add({ name = 'Ana López' }))
    assert(before:person_add({ name = 'Bo' }))
    before:close()
    assert(ctx:give('Ana López', 'a pointer', { date = '2026-03-04' }))
    p = assert(ctx:prompt('2026-03-04'))
    assert.matches('conversation with Bo:', p.focus.text, 1, true)
    assert.are.equal('Call Bo today.', assert(ctx:prompt('2026-03-05')).challenge.text)
    -- the same in another process, and the same pick as the library's
    assert.are.equal('Bo', assert(ctx:people()).reach_out[1].name)
    local out = t.sh(string.format('WOL_HOME=%s WOL_TODAY=2026-03-04 %s prompt 2026-03-05', t.shquote(home),
      t.shquote(t.bin)))
    assert.matches('Call Bo today%.', out)
    ctx:close()
  end)

  it('leave an unknown placeholder as written and say so once per file', function()
    local ctx, home = fresh('badvar')
    t.write(home .. '/prompts/x.md', prompt_file({ 'title: "{{week_left}} and {{nope}}"', 'date: 2026-03-04' },
      '## Challenge\n\nDo {{nope}}.\n'))
    local p = assert(ctx:prompt('2026-03-04'))
    assert.are.equal('{{week_left}} and {{nope}}', p.theme.title)
    assert.are.equal('Do {{nope}}.', p.challenge.text)
    assert.are.same({ 'wol: ' .. home .. '/prompts/x.md: {{week_left}} is not a placeholder (left as written; '
      .. 'use {{weeks}}, {{week}}, {{weeks_left}}, {{circle}}, {{weekday}} or {{person}})' }, p.warnings)
  end)
end)

describe('rotation', function()
  it('gives the same prompt for the same date on every machine and in every process', function()
    local a = fresh('rot-a')
    local b = fresh('rot-b', '2030-01-01')
    for _, d in ipairs({ '2026-03-07', '2026-03-08', '1999-12-31', '2100-06-05', '1969-12-29' }) do
      local pa, pb = assert(a:prompt(d)), assert(b:prompt(d))
      assert.are.same(pa, pb)
    end
    -- and in another process (the CLI), as another member
    local ana = t.member('ana')
    for _, d in ipairs({ '2026-03-07', '2026-03-10', '2026-03-12' }) do
      local out, err, rc = t.wol({ 'prompt', d, '--json' }, ana)
      assert.are.equal(0, rc, err)
      local j = json.decode(out)
      local p = assert(a:prompt(d))
      assert.are.same(p.sources, j.sources)
      assert.are.same(p.theme, j.theme)
      assert.are.same(p.challenge, j.challenge)
      assert.are.same(p.reflect, j.reflect)
    end
  end)

  it('never repeats on consecutive pool days and shows each prompt once per cycle', function()
    for _, n in ipairs({ 2, 3, 5, 8, 12 }) do
      local ctx, home = fresh('rot-n' .. n)
      for i = 1, n do
        t.write(string.format('%s/prompts/p%02d.md', home, i), prompt_file({ 'title: P' .. i }))
      end
      local prev
      local cycle, npool = {}, 0
      for i = 0, 8 * n + 10 do
        local p = assert(ctx:prompt(date_add(ctx, '2026-12-20', i)))
        if p.sources.challenge:match('/prompts/p%d+%.md$') then
          assert.matches('^' .. home:gsub('%p', '%%%0') .. '/prompts/p%d+%.md$', p.sources.challenge)
          assert.are_not.equal(prev, p.sources.challenge)
          prev = p.sources.challenge
          if npool < n then
            assert.is_nil(cycle[p.sources.challenge])
            cycle[p.sources.challenge] = true
          end
          npool = npool + 1
        end
      end
      assert.is_true(npool >= 3 * n)
    end
  end)

  it('rotates among prompts of the same rule too (two monday prompts)', function()
    local ctx, home = fresh('rot-monday')
    t.write(home .. '/prompts/a.md', prompt_file({ 'title: Monday A', 'weekday: monday' }))
    t.write(home .. '/prompts/b.md', prompt_file({ 'title: Monday B', 'weekday: Mon' }))
    local a = assert(ctx:prompt('2026-03-02'))
    local b = assert(ctx:prompt('2026-03-09'))
    assert.are_not.equal(a.theme.title, b.theme.title)
    assert.matches('^every monday, %d of 2 %(your prompts%)$', a.reason)
  end)
end)

describe('precedence', function()
  it('a date-specific prompt fills every layer; otherwise each layer on its own', function()
    local ctx, home = fresh('prec')
    local dir = home .. '/prompts/'
    -- 2026-03-18 is a wednesday in week 3 of a program started 2026-03-02
    local prog = { started = '2026-03-02', weeks = 12 }
    t.write(dir .. '1-pool.md', prompt_file({ 'title: Pool' }))
    t.write(dir .. '2-weekday.md', prompt_file({ 'title: Wednesdays', 'weekday: wednesday' }))
    t.write(dir .. '3-week.md', prompt_file({ 'title: Week three', 'week: 3' }))
    t.write(dir .. '4-date.md', prompt_file({ 'title: The date', 'date: 2026-03-18' }))
    local p = assert(ctx:prompt('2026-03-18', prog))
    assert.are.equal('The date', p.theme.title)
    assert.is_true(p.dated)
    assert.is_nil(p.focus)
    assert.are.same({ theme = dir .. '4-date.md', challenge = dir .. '4-date.md', reflect = dir .. '4-date.md' },
      p.sources)
    assert.are.equal('date 2026-03-18 (your prompts)', p.reason)
    assert.are.equal(3, p.week)
    os.remove(dir .. '4-date.md')
    p = assert(ctx:prompt('2026-03-18', prog))
    assert.is_false(p.dated)
    assert.are.equal('Wednesdays', p.theme.title)
    assert.are.equal('Week three', p.focus.title)
    assert.are.equal(dir .. '3-week.md', p.sources.focus)
    -- outside the program week rules do not apply
    p = assert(ctx:prompt('2026-03-18'))
    assert.are.equal('Wednesdays', p.theme.title)
    assert.is_nil(p.focus)
    assert.matches('^every wednesday %(your prompts%)', p.reason)
    os.remove(dir .. '2-weekday.md')
    p = assert(ctx:prompt('2026-03-18', prog))
    assert.are.equal('Learning', p.theme.title)
    -- the user's pool on the pool days (two weekdays and the weekend), the
    -- built-in weekday's own challenge on the others
    local pooled = 0
    for i = 0, 6 do
      p = assert(ctx:prompt(date_add(ctx, '2026-03-16', i)))
      if p.sources.challenge == dir .. '1-pool.md' then
        pooled = pooled + 1
        assert.are.equal('Pool', p.challenge.title)
        assert.matches('; challenge from the pool, 1 of 1 %(your prompts%)', p.reason)
      else
        assert.is_true(i < 5)
        assert.are.equal(p.sources.theme, p.sources.challenge)
        assert.matches('^builtin:weekday%-', p.sources.theme)
      end
    end
    assert.are.equal(4, pooled)
  end)

  it("fills the layers a file leaves out from the next source", function()
    local ctx, home = fresh('partial')
    -- a Monday theme of the user's own, without a challenge or questions
    t.write(home .. '/prompts/mon.md', prompt_file({ 'title: Team Monday', 'weekday: monday' }, 'Our own words.\n'))
    for _, d in ipairs({ '2026-03-02', '2026-03-09', '2026-03-16', '2026-03-23', '2026-03-30' }) do
      local p = assert(ctx:prompt(d))
      assert.are.equal('Team Monday', p.theme.title)
      assert.are.equal('Our own words.', p.theme.text)
      assert.matches('^builtin:', p.sources.challenge)
      assert.matches('^builtin:', p.sources.reflect)
      assert.is_true(#p.reflect > 0)
    end
    -- with a challenge of its own it is never replaced by the built-in pool
    t.write(home .. '/prompts/mon.md', prompt_file({ 'title: Team Monday', 'weekday: monday' }))
    for w = 0, 9 do
      local p = assert(ctx:prompt(date_add(ctx, '2026-03-02', 7 * w)))
      assert.are.equal(home .. '/prompts/mon.md', p.sources.challenge)
      assert.are.same({ 'Why?' }, p.reflect)
    end
  end)

  it('across sources: user > circle > built-in, layer by layer', function()
    local ctx, home = fresh('sources')
    local circle = make_circle(home, 'demo', '---\nname: demo\nstarted: 2026-03-02\nweeks: 6\n---\n')
    local p = assert(ctx:prompt('2026-03-18'))
    assert.are.equal('builtin:weekday-wednesday', p.sources.theme)
    assert.are.equal('builtin:week-04', p.sources.focus) -- week 3 of 6 on the 12-step arc
    assert.are.same({ 3, 6 }, { p.focus.week, p.focus.weeks })
    -- the circle's Wednesday overrides the built-in theme; the focus stays
    t.write(circle .. '/prompts/wed.md', prompt_file({ 'title: Circle Wednesday', 'weekday: wednesday' }))
    p = assert(ctx:prompt('2026-03-18'))
    assert.are.equal(circle .. '/prompts/wed.md', p.sources.theme)
    assert.are.equal(circle .. '/prompts/wed.md', p.sources.challenge)
    assert.are.equal('builtin:week-04', p.sources.focus)
    assert.matches('^every wednesday %(circle prompts%)', p.reason)
    -- on other days the circle has nothing: built-ins again
    p = assert(ctx:prompt('2026-03-19'))
    assert.are.equal('builtin:weekday-thursday', p.sources.theme)
    -- the user's Wednesday overrides the circle's
    t.write(home .. '/prompts/mine.md', prompt_file({ 'title: Mine', 'weekday: wed' }))
    p = assert(ctx:prompt('2026-03-18'))
    assert.are.equal('Mine', p.theme.title)
    -- a date prompt of the circle replaces the user's layers on its date
    t.write(circle .. '/prompts/kickoff.md', prompt_file({ 'title: Kick-off', 'date: 2026-03-18' }))
    p = assert(ctx:prompt('2026-03-18'))
    assert.are.equal('Kick-off', p.theme.title)
    assert.are.equal(circle .. '/prompts/kickoff.md', p.sources.challenge)
    -- and the user's own date prompt replaces the circle's
    t.write(home .. '/prompts/mine-date.md', prompt_file({ 'title: My day', 'date: 2026-03-18' }))
    p = assert(ctx:prompt('2026-03-18'))
    assert.are.equal('My day', p.theme.title)
    assert.are.same({}, p.warnings)
  end)

  it('works as the worked example of doc/format.md says', function()
    local ctx, home = fresh('worked')
    local circle = make_circle(home, 'demo', '---\nname: demo\nstarted: 2026-03-02\nweeks: 8\n---\n')
    t.write(circle .. '/prompts/wed.md', prompt_file({ 'title: Circle Wednesday', 'weekday: wednesday' },
      '## Challenge\n\nThe circle challenge.\n\n## Reflect\n\n- Circle question?\n'))
    t.write(circle .. '/prompts/kickoff.md', prompt_file({ 'title: Kick-off', 'date: 2026-03-25' }))
    t.write(home .. '/prompts/wed.md', prompt_file({ 'title: Ana Wednesday', 'weekday: wednesday' }, 'Only words.\n'))
    -- every Wednesday of the program but the kick-off, pool day or not
    for _, d in ipairs({ '2026-03-04', '2026-03-11', '2026-03-18', '2026-04-01', '2026-04-08', '2026-04-15' }) do
      local p = assert(ctx:prompt(d))
      assert.are.equal('Ana Wednesday', p.theme.title)
      assert.are.equal(circle .. '/prompts/wed.md', p.sources.challenge)
      assert.are.same({ 'Circle question?' }, p.reflect)
    end
    local p = assert(ctx:prompt('2026-03-18'))
    assert.are.same({ 3, 8, 'Start with small gifts', 'builtin:week-03' },
      { p.focus.week, p.focus.weeks, p.focus.title, p.sources.focus })
    p = assert(ctx:prompt('2026-03-25'))
    assert.are.equal('Kick-off', p.theme.title)
    assert.is_true(p.dated)
    assert.is_nil(p.focus)
    t.write(home .. '/prompts/mine.md', prompt_file({ 'title: My kick-off', 'date: 2026-03-25' }))
    assert.are.equal('My kick-off', assert(ctx:prompt('2026-03-25')).theme.title)
    p = assert(ctx:prompt('2026-04-22'))
    assert.are.same({ 8, 'builtin:week-12' }, { p.focus.week, p.sources.focus })
    assert.are.equal('builtin:week-12', assert(ctx:prompt('2026-04-26')).sources.focus)
    p = assert(ctx:prompt('2026-04-29'))
    assert.is_nil(p.focus)
    assert.are.equal('Ana Wednesday', p.theme.title)
    assert.are.same({}, p.warnings)
  end)

  it('uses circle_dir when given instead of the default circle', function()
    local ctx, home = fresh('circledir')
    local other = t.tmpdir('other-circle')
    t.write(other .. '/circle.md', '---\nstarted: 2026-02-02\n---\n')
    t.write(other .. '/prompts/x.md', prompt_file({ 'title: Other circle', 'week: 7' }))
    local p = assert(ctx:prompt('2026-03-18', { circle_dir = other }))
    assert.are.equal('Other circle', p.focus.title)
    assert.are.same({ 7, 12 }, { p.focus.week, p.focus.weeks })
    assert.matches('; focus program week 7 of 12 %(circle prompts%)$', p.reason)
    assert.is_nil(home:find(other, 1, true))
  end)
end)

describe('the circle program calendar', function()
  local function week_of(ctx, date, started, weeks)
    local p = assert(ctx:prompt(date, { started = started, weeks = weeks }))
    return p.week, p.weeks
  end

  it('counts weeks from the start date across month and year boundaries', function()
    local ctx = fresh('weeks')
    assert.are.equal(0, week_of(ctx, '2025-12-28', '2025-12-29', 12))
    assert.are.equal(1, week_of(ctx, '2025-12-29', '2025-12-29', 12))
    assert.are.equal(1, week_of(ctx, '2026-01-04', '2025-12-29', 12))
    assert.are.equal(2, week_of(ctx, '2026-01-05', '2025-12-29', 12))
    assert.are.equal(5, week_of(ctx, '2026-02-01', '2025-12-29', 12))
    -- a leap day counts: 2028-02-26 + 7 days is 2028-03-04
    assert.are.equal(1, week_of(ctx, '2028-03-03', '2028-02-26', 12))
    assert.are.equal(2, week_of(ctx, '2028-03-04', '2028-02-26', 12))
    -- the last day of the program and the day after it
    assert.are.equal(12, week_of(ctx, '2026-03-22', '2025-12-29', 12))
    local w, n = week_of(ctx, '2026-03-23', '2025-12-29', 12)
    assert.are.equal(0, w)
    assert.are.equal(12, n)
    assert.are.equal(3, week_of(ctx, '2026-01-12', '2025-12-29', 3))
    assert.are.equal(0, week_of(ctx, '2026-01-19', '2025-12-29', 3))
  end)

  it('reads started and weeks (default 12) from the circle.md of the default circle', function()
    local ctx, home = fresh('circlemd')
    local dir = make_circle(home, 'demo', '---\nname: demo\nstarted: 2026-01-26\n---\n# Demo\n')
    local p = assert(ctx:prompt('2026-02-09'))
    assert.are.equal(3, p.week)
    assert.are.equal(12, p.weeks)
    t.write(dir .. '/circle.md', '---\nname: demo\nstarted: 2026-01-26\nweeks: 4\n---\n')
    p = assert(ctx:prompt('2026-02-23'))
    assert.are.equal(0, p.week)
    assert.are.equal(4, p.weeks)
    assert.matches('^every monday', p.reason)
    -- explicit started/weeks win over circle.md
    p = assert(ctx:prompt('2026-02-23', { started = '2026-02-23', weeks = 2 }))
    assert.are.equal(1, p.week)
    assert.matches('; focus program week 1 of 2 %(built%-in%)$', p.reason)
    -- no started: no program, no warning
    t.write(dir .. '/circle.md', '---\nname: demo\n---\n')
    p = assert(ctx:prompt('2026-02-23'))
    assert.are.equal(0, p.weeks)
    assert.are.same({}, p.warnings)
  end)

  it('warns about a broken circle.md and goes on with what it can use', function()
    local ctx, home = fresh('badcircle')
    local dir = make_circle(home, 'demo', '---\nname: demo\nstarted: 2026-02-30\n---\n')
    local p = assert(ctx:prompt('2026-03-04'))
    assert.are.equal(0, p.weeks)
    assert.are.equal(1, #p.warnings)
    assert.are.equal('wol: ' .. dir .. "/circle.md:3: started: '2026-02-30' is not a YYYY-MM-DD date (no program)",
      p.warnings[1])
    t.write(dir .. '/circle.md', '---\nstarted: 2026-03-01\nweeks: [1\n---\n')
    p = assert(ctx:prompt('2026-03-04'))
    assert.are.equal(0, p.weeks)
    assert.matches('^wol: ' .. dir:gsub('%p', '%%%0') .. '/circle%.md:%d+: front matter: .*%(circle%.md is not used%)$',
      p.warnings[1])
    t.write(dir .. '/circle.md', '---\nstarted: 2026-03-01\nweeks: 0\n---\n')
    p = assert(ctx:prompt('2026-03-04'))
    assert.are.equal("wol: " .. dir .. "/circle.md:3: weeks: '0' is not a number of weeks from 1 to 520 (12 used)",
      p.warnings[1])
    assert.are.same({ 1, 12 }, { p.week, p.weeks })
  end)

  -- One reader for circle.md: the prompt, `wol status --json` and the
  -- circle's info (what :WolCircle and :checkhealth show) agree on every value.
  local cases = {
    { 'weeks: 60', 'started: 2026-03-02\nweeks: 60', 3, 60, 'running' },
    { 'weeks: 1', 'started: 2026-03-02\nweeks: 1', 0, 1, 'complete' },
    { 'weeks: 1, in it', 'started: 2026-03-16\nweeks: 1', 1, 1, 'running' },
    { 'weeks: 0', 'started: 2026-03-02\nweeks: 0', 3, 12, 'running', ":4: weeks: '0' is not a number of weeks from 1 to 520 (12 used)" },
    { 'weeks: x', 'started: 2026-03-02\nweeks: x', 3, 12, 'running', ":4: weeks: 'x' is not a number of weeks from 1 to 520 (12 used)" },
    { 'started: today', 'started: today\nweeks: 8', 0, 8, 'none', ":3: started: 'today' is not a YYYY-MM-DD date (no program)" },
    { 'no started', 'weeks: 8', 0, 8, 'none' },
  }
  for _, c in ipairs(cases) do
    it('reads ' .. c[1] .. ' the same in the prompt, wol status and the circle info', function()
      local ana = t.member('ana')
      local _, err, rc = t.wol({ 'init', 'demo' }, ana)
      assert.are.equal(0, rc, err)
      local dir = ana.wol_home .. '/circles/demo'
      t.write(dir .. '/circle.md', '---\nname: Demo\n' .. c[2] .. '\nmeets: wednesday\n---\n')
      local warning = c[6] and ('wol: ' .. dir .. '/circle.md' .. c[6])
      local ctx = assert(core.open({ home = ana.wol_home, today = '2026-03-18' }))
      local p = assert(ctx:prompt())
      local out
      out, err, rc = t.wol({ 'status', '--json' }, ana, { WOL_TODAY = '2026-03-18' })
      assert.are.equal(0, rc, err)
      local st = json.decode(out)
      local circle = assert(ctx:circle_open('demo'))
      local info = assert(circle:info())
      -- the program week and length
      assert.are.same({ c[3], c[5] }, { st.week, st.phase })
      assert.are.equal(c[4], st.weeks)
      assert.are.equal(c[4], info.weeks)
      assert.are.equal(c[3], p.week)
      assert.are.equal(c[5] == 'none' and 0 or c[4], p.weeks)
      assert.are.equal(c[3] > 0, p.focus ~= nil)
      -- the same warning, once, everywhere
      local want = warning and { warning } or {}
      assert.are.same(want, p.warnings)
      assert.are.same(want, info.warnings)
      assert.are.same(want, st.warnings)
      circle:close()
      ctx:close()
    end)
  end

  it('turns several circles without a default into a warning, not a failure', function()
    local ctx, home = fresh('twocircles')
    make_circle(home, 'one', '---\nstarted: 2026-03-02\n---\n')
    make_circle(home, 'two', '---\nstarted: 2026-03-02\n---\n')
    local p = assert(ctx:prompt('2026-03-04'))
    assert.are.equal(0, p.weeks)
    assert.matches('several circles exist', p.warnings[1])
    assert.matches('%(circle prompts not used%)$', p.warnings[1])
  end)
end)

describe('prompt files', function()
  it('split into title, challenge, questions and other text', function()
    local ctx, home = fresh('parse')
    t.write(home .. '/prompts/x.md', table.concat({
      '---',
      'date: 2026-03-04',
      'tags: [sharing, "visible work"]',
      '---',
      '# A title from the heading',
      '',
      'Some words before.',
      '',
      '## Challenge',
      'Share one draft',
      'with one person.',
      '',
      'Then wait.',
      '',
      '## Reflect',
      '',
      '1. What did you',
      '   expect?',
      '2) What happened?',
      '* Why the difference?',
      '',
      '## Notes',
      '',
      'Kept as written.',
      '',
    }, '\r\n'))
    local p = assert(ctx:prompt('2026-03-04'))
    assert.are.same({}, p.warnings)
    assert.are.equal('A title from the heading', p.theme.title)
    assert.are.equal('A title from the heading', p.challenge.title)
    assert.are.equal('Share one draft with one person.\n\nThen wait.', p.challenge.text)
    assert.are.same({ 'What did you expect?', 'What happened?', 'Why the difference?' }, p.reflect)
    assert.are.equal('Some words before.\n\n## Notes\n\nKept as written.', p.theme.text)
    assert.are.same({ 'sharing', 'visible work' }, p.theme.tags)
  end)

  it('may have no challenge and no questions', function()
    local ctx, home = fresh('bare')
    t.write(home .. '/prompts/x.md', '---\ntitle: "Just: a theme"\ndate: 2026-03-04\n---\n')
    local p = assert(ctx:prompt())
    assert.are.equal('Just: a theme', p.theme.title)
    assert.are.equal('', p.challenge.text)
    assert.are.same({}, p.reflect)
    assert.are.equal('', p.theme.text)
    assert.is_nil(p.sources.reflect)
  end)
end)

describe('bad prompt files', function()
  -- Each bad file is skipped with one warning naming file and line; the
  -- good file next to it is still used.
  local cases = {
    { 'broken front matter', { 'title: ok', 'tags: [unclosed' }, 'front matter: .*%(skipped%)' },
    { 'an unknown weekday', { 'title: x', 'weekday: funday' }, "weekday: 'funday' is not a weekday %(use monday %.%. sunday%)" },
    { 'a week out of range', { 'title: x', 'week: 521' }, "week: '521' is out of range %(a program week is 1%.%.520%)" },
    { 'a week that is not a number', { 'title: x', 'week: three' }, "week: 'three' is out of range" },
    { 'a bad date', { 'title: x', 'date: 2026-02-30' }, "date: '2026%-02%-30' is not a valid YYYY%-MM%-DD date" },
    { 'a relative date', { 'title: x', 'date: tomorrow' }, "date: 'tomorrow' is not a valid YYYY%-MM%-DD date" },
    { 'two rules', { 'title: x', 'weekday: monday', 'week: 2' }, 'use only one of date, week and weekday' },
    { 'a list as title', { 'title: [a, b]' }, 'title: must be a single value' },
    { 'no title', { 'tags: [x]' }, "no title %(add 'title:' to the front matter or a '# ' heading%)" },
  }
  for _, c in ipairs(cases) do
    it('skips ' .. c[1] .. ' with a warning naming file and line', function()
      local ctx, home = fresh('bad')
      local bad = home .. '/prompts/bad.md'
      t.write(bad, prompt_file(c[2]))
      t.write(home .. '/prompts/good.md', prompt_file({ 'title: Good one', 'date: 2026-03-04' }))
      local p = assert(ctx:prompt('2026-03-04'))
      assert.are.equal('Good one', p.theme.title)
      assert.are.equal(1, #p.warnings, table.concat(p.warnings, '\n'))
      local line = #c[2] + 1 -- the last front matter line is the bad one
      if c[1] == 'no title' then line = 1 end
      if c[1] == 'broken front matter' then line = nil end
      local prefix = 'wol: ' .. bad:gsub('%p', '%%%0') .. ':' .. (line and tostring(line) or '%d+') .. ': '
      assert.matches('^' .. prefix .. c[3], p.warnings[1])
    end)
  end

  it('warns about a week beyond the circle program', function()
    local ctx, home = fresh('beyond')
    t.write(home .. '/prompts/w9.md', prompt_file({ 'title: Nine', 'week: 9' }))
    local p = assert(ctx:prompt('2026-03-04', { started = '2026-03-02', weeks = 6 }))
    assert.matches('^builtin:week%-01$', p.sources.focus)
    assert.are.same({ 'wol: ' .. home .. '/prompts/w9.md:3: week: 9 is out of range (the circle program has 6 weeks)' },
      p.warnings)
  end)

  it('skips text that is not UTF-8, and symbolic links in a circle', function()
    local ctx, home = fresh('bytes')
    t.write(home .. '/prompts/latin1.md', '---\ntitle: caf\233\n---\n')
    local circle = t.tmpdir('linkcircle')
    t.write(home .. '/secret.md', prompt_file({ 'title: Secret' }))
    t.sh('mkdir -p ' .. circle .. '/prompts && ln -s ' .. home .. '/secret.md ' .. circle .. '/prompts/link.md')
    local p = assert(ctx:prompt('2026-03-04', { circle_dir = circle }))
    assert.matches('^builtin:', p.sources.theme)
    assert.are.equal(2, #p.warnings)
    local all = table.concat(p.warnings, '\n')
    assert.matches('/prompts/link%.md:1: is a symbolic link %(not followed%) %(skipped%)', all)
    assert.matches('/prompts/latin1%.md:1: not valid UTF%-8 text %(skipped%)', all)
  end)

  it('ignores files that are not *.md and hidden files', function()
    local ctx, home = fresh('ignored')
    t.write(home .. '/prompts/notes.txt', 'garbage')
    t.write(home .. '/prompts/.hidden.md', '---\n[\n---\n')
    local p = assert(ctx:prompt('2026-03-04'))
    assert.matches('^builtin:', p.sources.theme)
    assert.are.same({}, p.warnings)
  end)
end)

describe('a long-lived context', function()
  it('reads a prompt file again when it changes, is removed or replaced', function()
    local ctx, home = fresh('cache')
    local f = home .. '/prompts/d.md'
    t.write(f, prompt_file({ 'title: First', 'date: 2026-03-04' }))
    t.write(home .. '/prompts/bad.md', prompt_file({ 'title: x', 'weekday: someday' }))
    -- a file is kept parsed only once it is 2 s old (file times are coarse)
    t.sh('sleep 2.1')
    for _ = 1, 3 do
      local p = assert(ctx:prompt('2026-03-04'))
      assert.are.equal('First', p.theme.title)
      assert.are.equal(1, #p.warnings) -- a skipped file is reported every time
    end
    t.write(f, prompt_file({ 'title: Secnd', 'date: 2026-03-04' })) -- in place, same size
    assert.are.equal('Secnd', assert(ctx:prompt('2026-03-04')).theme.title)
    os.remove(home .. '/prompts/bad.md')
    assert.are.same({}, assert(ctx:prompt('2026-03-04')).warnings)
    t.write(home .. '/prompts/new.md', prompt_file({ 'title: Third', 'date: 2026-03-04' }))
    os.rename(home .. '/prompts/new.md', f) -- replaced, as an atomic write does
    assert.are.equal('Third', assert(ctx:prompt('2026-03-04')).theme.title)
    os.remove(f)
    assert.matches('^builtin:', assert(ctx:prompt('2026-03-04')).sources.theme)
  end)
end)

describe('ctx:prompt arguments', function()
  it('returns nil and a message for a bad date or program', function()
    local ctx = fresh('args')
    local p, err = ctx:prompt('2026-13-45')
    assert.is_nil(p)
    assert.are.equal("wol: date: '2026-13-45' is not a valid calendar date", err)
    p, err = ctx:prompt('someday')
    assert.is_nil(p)
    assert.matches("^wol: date: 'someday' is not a date", err)
    p, err = ctx:prompt(nil, { started = '2026-02-30' })
    assert.is_nil(p)
    assert.are.equal("wol: prompt: started: '2026-02-30' is not a YYYY-MM-DD date", err)
    p, err = ctx:prompt(nil, { started = '2026-02-01', weeks = 0 })
    assert.is_nil(p)
    assert.matches('^wol: prompt: a circle program needs a valid start date and 1%.%.520 weeks', err)
  end)

  it('uses today from the context and accepts relative dates', function()
    local ctx = fresh('today', '2026-03-04')
    assert.are.equal('2026-03-04', assert(ctx:prompt()).date)
    assert.are.equal('2026-03-03', assert(ctx:prompt('yesterday')).date)
    assert.are.equal('2026-03-14', assert(ctx:prompt('+10')).date)
  end)

  it('raises on wrong argument types', function()
    local ctx = fresh('types')
    assert.has_error(function() ctx:prompt({}) end)
    assert.has_error(function() ctx:prompt(nil, 'x') end)
    assert.has_error(function() ctx:prompt(nil, { weeks = 'x', started = '2026-01-01' }) end)
    assert.has_error(function() ctx:prompt(nil, { weeks = 4 }) end)
    assert.has_error(function() ctx:prompt(nil, { started = 5 }) end)
  end)
end)

describe('wol prompt', function()
  it('prints the layers of the prompt for a date', function()
    local ana = t.member('ana')
    local ctx = assert(core.open({ home = ana.wol_home }))
    -- one day whose challenge is the weekday's own, one from the pool
    for _, d in ipairs({ '2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06' }) do
      local out, err, rc = t.wol({ 'prompt', d, '--started', '2026-02-23', '--weeks', '6' }, ana)
      assert.are.equal(0, rc, err)
      assert.are.equal('', err)
      local p = assert(ctx:prompt(d, { started = '2026-02-23', weeks = 6 }))
      local first, second = out:match('^([^\n]*)\n([^\n]*)\n')
      assert.are.equal(p.theme.title, first)
      assert.are.equal(string.format('%s %s, %s', p.weekday:gsub('^%l', string.upper), d, p.reason), second)
      assert.matches('\n\nWeek 2 of 6: ' .. p.focus.title:gsub('%p', '%%%0') .. '\n  ', out)
      if p.sources.challenge == p.sources.theme then
        assert.matches('\nChallenge\n  ', out)
        assert.matches('\nsource: ' .. p.sources.theme:gsub('%p', '%%%0') .. ', focus: builtin:week%-02\n$', out)
      else
        assert.matches('\nChallenge: ' .. p.challenge.title:gsub('%p', '%%%0') .. '\n  ', out)
        assert.matches(', challenge: ' .. p.sources.challenge:gsub('%p', '%%%0') .. ', reflect: ', out)
      end
      assert.matches('\nReflect\n  %- ', out)
      assert.matches(p.reflect[1]:sub(1, 30), out, 1, true)
      assert.matches(p.theme.text:sub(1, 30), out, 1, true)
    end
  end)

  it('prints JSON with every layer and its source', function()
    local ana = t.member('ana')
    local out, err, rc = t.wol({ 'prompt', '+1', '--json', '--started', '2026-03-01', '--weeks', '4' }, ana,
      { WOL_TODAY = '2026-03-08' })
    assert.are.equal(0, rc, err)
    local j = json.decode(out)
    assert.are.equal('2026-03-09', j.date)
    assert.are.equal('monday', j.weekday)
    assert.are.equal('Connection', j.theme.title)
    assert.are.equal('table', type(j.theme.tags))
    assert.are.same({ 2, 4 }, { j.focus.week, j.focus.weeks })
    assert.are.equal('builtin:week-02', j.sources.focus) -- week 2 of 4: the step after the purpose
    assert.are.equal('builtin:weekday-monday', j.sources.theme)
    assert.are.equal('string', type(j.challenge.text))
    assert.are.equal('string', type(j.challenge.title))
    assert.is_true(#j.reflect >= 2)
    assert.are.equal(false, j.dated)
    assert.are.same({ 2, 4 }, { j.week, j.weeks })
    assert.are.same({}, j.warnings)
    assert.matches('; focus program week 2 of 4 %(built%-in%)$', j.reason)
    -- outside a program there is no focus, nor its source (as in Lua)
    j = json.decode((t.wol({ 'prompt', '2026-03-09', '--json' }, ana)))
    assert.is_nil(j.focus)
    assert.is_nil(j.sources.focus)
    assert.are.equal('builtin:weekday-monday', j.sources.theme)
  end)

  it('reports skipped files on stderr and still prints the prompt', function()
    local ana = t.member('ana')
    t.write(ana.wol_home .. '/prompts/bad.md', '---\ntitle: x\nweekday: someday\n---\n')
    local out, err, rc = t.wol({ 'prompt', '2026-03-07' }, ana)
    assert.are.equal(0, rc)
    assert.are.equal('wol: ' .. ana.wol_home .. "/prompts/bad.md:3: weekday: 'someday' is not a weekday (use monday .. sunday)\n", err)
    assert.matches('^%S', out)
  end)

  it('fails with one line on bad input', function()
    local ana = t.member('ana')
    local out, err, rc = t.wol({ 'prompt', '2026-13-45' }, ana)
    assert.are.equal(2, rc) -- a usage error (:help wol-exit)
    assert.are.equal('', out)
    assert.are.equal("wol: prompt: date: '2026-13-45' is not a valid calendar date (see: wol prompt --help)\n", err)
    _, err, rc = t.wol({ 'prompt', 'a', 'b' }, ana)
    assert.are.equal(2, rc)
    assert.are.equal("wol: prompt: unexpected argument 'b' (see: wol prompt --help)\n", err)
    _, err, rc = t.wol({ 'prompt', '--weeks', '3' }, ana)
    assert.are.equal(2, rc)
    assert.matches('%-%-weeks needs %-%-started', err)
    _, err, rc = t.wol({ 'prompt', '--started', '2026-01-01', '--weeks', '999' }, ana)
    assert.are.equal(2, rc)
    assert.matches("%-%-weeks: '999' is not a number from 1 to 520", err)
    _, err, rc = t.wol({ 'prompt', '--started', 'monday' }, ana)
    assert.are.equal(2, rc)
    assert.matches("%-%-started: 'monday' is not a YYYY%-MM%-DD date", err)
    _, err, rc = t.wol({ '--circle', 'nope', 'prompt' }, ana)
    assert.are.equal(1, rc)
    assert.matches("^wol: circle: 'nope' does not exist", err)
  end)

  it('is listed in the help', function()
    local out, _, rc = t.wol({ '--help' })
    assert.are.equal(0, rc)
    assert.matches('\n  prompt +show the day', out)
    out = t.wol({ 'prompt', '--help' })
    assert.matches('^usage: wol prompt %[date%] %[%-%-json%]', out)
  end)

  -- Day arithmetic never meets the clock: a program week starts on the same
  -- calendar day whatever the time zone and its daylight saving changes.
  local dst = {
    -- zone, program start, the DST change day, the last day of week 1, first of week 2
    { 'Europe/Berlin', '2026-03-23', '2026-03-29', '2026-03-29', '2026-03-30' },
    { 'America/New_York', '2026-03-02', '2026-03-08', '2026-03-08', '2026-03-09' },
    { 'America/New_York', '2026-10-26', '2026-11-01', '2026-11-01', '2026-11-02' },
    { 'Europe/Berlin', '2026-10-19', '2026-10-25', '2026-10-25', '2026-10-26' },
  }
  for _, c in ipairs(dst) do
    it('counts weeks across the DST change of ' .. c[3] .. ' in ' .. c[1], function()
      local ana = t.member('ana')
      make_circle(ana.wol_home, 'demo', '---\nstarted: ' .. c[2] .. '\nweeks: 2\n---\n')
      local function week(arg, today)
        local out, err, rc = t.wol({ 'prompt', arg, '--json' }, ana, { TZ = c[1], WOL_TODAY = today })
        assert.are.equal(0, rc, err)
        return tonumber(out:match('"week":(%d+)')), out:match('"date":"([^"]+)"')
      end
      assert.are.equal(1, week(c[4], c[2]))
      assert.are.equal(2, week(c[5], c[2]))
      -- relative dates step over the change by whole calendar days
      local w, d = week('+7', c[2])
      assert.are.equal(2, w)
      assert.are.equal(c[5], d)
      w, d = week('-1', c[5])
      assert.are.equal(1, w)
      assert.are.equal(c[4], d)
      assert.are.equal(0, (week('+14', c[2])))
    end)
  end

  it('uses the local calendar date of its time zone for today', function()
    local ana = t.member('ana')
    -- the same instant is a different calendar day in Kiribati and Samoa
    -- half the time; whichever it is, the CLI agrees with date(1) there
    for _, zone in ipairs({ 'Pacific/Kiritimati', 'Pacific/Pago_Pago', 'Europe/Berlin' }) do
      local expect = t.sh('TZ=' .. zone .. ' date +%F'):match('%S+')
      local out, err, rc = t.wol({ 'prompt', '--json' }, ana, { TZ = zone })
      assert.are.equal(0, rc, err)
      local got = out:match('"date":"([^"]+)"')
      if got ~= expect then -- midnight passed between the two calls: ask again
        expect = t.sh('TZ=' .. zone .. ' date +%F'):match('%S+')
      end
      assert.are.equal(expect, got)
    end
  end)
end)
