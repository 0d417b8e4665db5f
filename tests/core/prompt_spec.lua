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

local function date_add(ctx, date, n)
  -- ctx:date understands +N relative to today only; walk with a context
  local c = assert(core.open({ home = ctx:home(), today = date }))
  local d = c:date((n >= 0 and '+' or '-') .. math.abs(n))
  c:close()
  return d
end

describe('built-in prompts', function()
  it('are all usable: no warnings, a title, a challenge and questions', function()
    local ctx = fresh('builtin')
    -- walk 120 days inside and outside a program: every kind of rule
    local seen = {}
    for i = 0, 119 do
      local d = date_add(ctx, '2026-01-01', i)
      for _, prog in ipairs({ false, true }) do
        local p = assert(ctx:prompt(d, prog and { started = '2026-01-01', weeks = 12 } or nil))
        assert.are.same({}, p.warnings)
        assert.matches('^builtin:', p.source)
        assert.is_true(#p.title > 3)
        assert.is_true(#p.challenge > 20, p.source)
        assert.is_true(#p.questions >= 2, p.source)
        seen[p.source] = true
      end
    end
    local weeks, weekdays = 0, 0
    for s in pairs(seen) do
      if s:match('^builtin:week%-') then weeks = weeks + 1 end
      if s:match('^builtin:weekday%-') then weekdays = weekdays + 1 end
    end
    assert.are.equal(12, weeks)
    assert.is_true(weekdays >= 5)
  end)

  it('have a pool of at least 30 prompts, all reached by the rotation', function()
    local ctx = fresh('pool')
    local pool, titles = {}, {}
    -- weekends fall to the pool (the built-in weekday themes are monday..friday)
    for i = 0, 7 * 70 do
      local d = date_add(ctx, '2026-01-03', i)
      local p = assert(ctx:prompt(d))
      if p.source:match('^builtin:pool%-') then
        pool[p.source] = true
        titles[p.title] = true
        assert.matches('^general pool, %d+ of %d+ %(built%-in%)$', p.reason)
      end
    end
    local n, nt = 0, 0
    for _ in pairs(pool) do n = n + 1 end
    for _ in pairs(titles) do nt = nt + 1 end
    assert.is_true(n >= 30, 'pool prompts reached: ' .. n)
    assert.are.equal(n, nt) -- titles are distinct
  end)

  it('gives a built-in prompt when there are no prompt files at all', function()
    local ctx, home = fresh('none')
    t.sh('mkdir -p ' .. t.shquote(home .. '/prompts'))
    local p = assert(ctx:prompt('2026-03-04'))
    assert.matches('^builtin:', p.source)
    assert.are.equal('2026-03-04', p.date)
    assert.are.equal('wednesday', p.weekday)
    assert.are.equal(0, p.week)
    assert.are.equal(0, p.weeks)
  end)
end)

describe('rotation', function()
  it('gives the same prompt for the same date on every machine', function()
    local a = fresh('rot-a')
    local b = fresh('rot-b', '2030-01-01')
    for _, d in ipairs({ '2026-03-07', '2026-03-08', '1999-12-31', '2100-06-05' }) do
      local pa, pb = assert(a:prompt(d)), assert(b:prompt(d))
      assert.are.equal(pa.source, pb.source)
      assert.are.equal(pa.title, pb.title)
    end
    -- and in another process (the CLI), as another member
    local ana = t.member('ana')
    local out, err, rc = t.wol({ 'prompt', '2026-03-07', '--json' }, ana)
    assert.are.equal(0, rc, err)
    assert.matches('"source":"' .. assert(a:prompt('2026-03-07')).source .. '"', out, 1, true)
  end)

  it('never repeats on consecutive days and shows each prompt once per cycle', function()
    for _, n in ipairs({ 2, 3, 5, 8, 12 }) do
      local ctx, home = fresh('rot-n' .. n)
      for i = 1, n do
        t.write(string.format('%s/prompts/p%02d.md', home, i), prompt_file({ 'title: P' .. i }))
      end
      local prev
      local cycle = {}
      for i = 0, 3 * n + 5 do
        local p = assert(ctx:prompt(date_add(ctx, '2026-12-20', i)))
        assert.matches('^' .. home:gsub('%p', '%%%0') .. '/prompts/p%d+%.md$', p.source)
        assert.are_not.equal(prev, p.source)
        prev = p.source
        if i < n then
          assert.is_nil(cycle[p.source])
          cycle[p.source] = true
        end
      end
    end
  end)

  it('rotates among prompts of the same rule too (two monday prompts)', function()
    local ctx, home = fresh('rot-monday')
    t.write(home .. '/prompts/a.md', prompt_file({ 'title: Monday A', 'weekday: monday' }))
    t.write(home .. '/prompts/b.md', prompt_file({ 'title: Monday B', 'weekday: Mon' }))
    local a = assert(ctx:prompt('2026-03-02'))
    local b = assert(ctx:prompt('2026-03-09'))
    assert.are_not.equal(a.title, b.title)
    assert.matches('^every monday, %d of 2 %(your prompts%)$', a.reason)
  end)
end)

describe('precedence', function()
  it('within a source: date > circle week > weekday > pool', function()
    local ctx, home = fresh('prec')
    local dir = home .. '/prompts/'
    -- 2026-03-18 is a wednesday in week 3 of a program started 2026-03-02
    local prog = { started = '2026-03-02', weeks = 12 }
    t.write(dir .. '1-pool.md', prompt_file({ 'title: Pool' }))
    t.write(dir .. '2-weekday.md', prompt_file({ 'title: Wednesdays', 'weekday: wednesday' }))
    t.write(dir .. '3-week.md', prompt_file({ 'title: Week three', 'week: 3' }))
    t.write(dir .. '4-date.md', prompt_file({ 'title: The date', 'date: 2026-03-18' }))
    local p = assert(ctx:prompt('2026-03-18', prog))
    assert.are.equal('The date', p.title)
    assert.are.equal('date 2026-03-18 (your prompts)', p.reason)
    assert.are.equal(3, p.week)
    os.remove(dir .. '4-date.md')
    p = assert(ctx:prompt('2026-03-18', prog))
    assert.are.equal('Week three', p.title)
    assert.are.equal('circle week 3 of 12 (your prompts)', p.reason)
    -- outside the program week rules do not apply
    p = assert(ctx:prompt('2026-03-18'))
    assert.are.equal('Wednesdays', p.title)
    assert.are.equal('every wednesday (your prompts)', p.reason)
    os.remove(dir .. '3-week.md')
    p = assert(ctx:prompt('2026-03-18', prog))
    assert.are.equal('Wednesdays', p.title)
    os.remove(dir .. '2-weekday.md')
    p = assert(ctx:prompt('2026-03-18', prog))
    assert.are.equal('Pool', p.title)
    assert.are.equal('general pool, 1 of 1 (your prompts)', p.reason)
    assert.are.equal(dir .. '1-pool.md', p.source)
  end)

  it('across sources: user > circle > built-in', function()
    local ctx, home = fresh('sources')
    local circle = make_circle(home, 'demo', '---\nname: demo\nstarted: 2026-03-02\nweeks: 6\n---\n')
    -- built-in week 3 applies first
    local p = assert(ctx:prompt('2026-03-18'))
    assert.are.equal('builtin:week-03', p.source)
    assert.are.equal('circle week 3 of 6 (built-in)', p.reason)
    assert.are.equal(3, p.week)
    assert.are.equal(6, p.weeks)
    -- the circle's weekday prompt overrides every built-in rule
    t.write(circle .. '/prompts/wed.md', prompt_file({ 'title: Circle Wednesday', 'weekday: wednesday' }))
    p = assert(ctx:prompt('2026-03-18'))
    assert.are.equal(circle .. '/prompts/wed.md', p.source)
    assert.are.equal('every wednesday (circle prompts)', p.reason)
    -- on other days the circle has nothing: built-ins again
    p = assert(ctx:prompt('2026-03-19'))
    assert.are.equal('builtin:week-03', p.source)
    -- the user's own pool overrides the circle's
    t.write(home .. '/prompts/mine.md', prompt_file({ 'title: Mine' }))
    p = assert(ctx:prompt('2026-03-18'))
    assert.are.equal('Mine', p.title)
    assert.are.equal('general pool, 1 of 1 (your prompts)', p.reason)
    assert.are.same({}, p.warnings)
  end)

  it('uses circle_dir when given instead of the default circle', function()
    local ctx, home = fresh('circledir')
    local other = t.tmpdir('other-circle')
    t.write(other .. '/circle.md', '---\nstarted: 2026-02-02\n---\n')
    t.write(other .. '/prompts/x.md', prompt_file({ 'title: Other circle', 'week: 7' }))
    local p = assert(ctx:prompt('2026-03-18', { circle_dir = other }))
    assert.are.equal('Other circle', p.title)
    assert.are.equal('circle week 7 of 12 (circle prompts)', p.reason)
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
    assert.are.equal('circle week 1 of 2 (built-in)', p.reason)
    -- no started: no program, no warning
    t.write(dir .. '/circle.md', '---\nname: demo\n---\n')
    p = assert(ctx:prompt('2026-02-23'))
    assert.are.equal(0, p.weeks)
    assert.are.same({}, p.warnings)
  end)

  it('warns about a broken circle.md and goes on without a program', function()
    local ctx, home = fresh('badcircle')
    local dir = make_circle(home, 'demo', '---\nname: demo\nstarted: 2026-02-30\n---\n')
    local p = assert(ctx:prompt('2026-03-04'))
    assert.are.equal(0, p.weeks)
    assert.are.equal(1, #p.warnings)
    assert.are.equal('wol: ' .. dir .. "/circle.md:3: started: '2026-02-30' is not a valid YYYY-MM-DD date (no circle program)",
      p.warnings[1])
    t.write(dir .. '/circle.md', '---\nstarted: 2026-03-01\nweeks: [1\n---\n')
    p = assert(ctx:prompt('2026-03-04'))
    assert.are.equal(0, p.weeks)
    assert.matches('^wol: ' .. dir:gsub('%p', '%%%0') .. '/circle%.md:%d+: front matter: ', p.warnings[1])
    t.write(dir .. '/circle.md', '---\nstarted: 2026-03-01\nweeks: 0\n---\n')
    p = assert(ctx:prompt('2026-03-04'))
    assert.matches("circle%.md:3: weeks: '0' is not a number of weeks from 1 to 52", p.warnings[1])
  end)

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
    assert.are.equal('A title from the heading', p.title)
    assert.are.equal('Share one draft with one person.\n\nThen wait.', p.challenge)
    assert.are.same({ 'What did you expect?', 'What happened?', 'Why the difference?' }, p.questions)
    assert.are.equal('Some words before.\n\n## Notes\n\nKept as written.', p.text)
    assert.are.same({ 'sharing', 'visible work' }, p.tags)
  end)

  it('may have no challenge and no questions', function()
    local ctx, home = fresh('bare')
    t.write(home .. '/prompts/x.md', '---\ntitle: "Just: a theme"\n---\n')
    local p = assert(ctx:prompt())
    assert.are.equal('Just: a theme', p.title)
    assert.are.equal('', p.challenge)
    assert.are.same({}, p.questions)
    assert.are.equal('', p.text)
  end)
end)

describe('bad prompt files', function()
  -- Each bad file is skipped with one warning naming file and line; the
  -- good file next to it is still used.
  local cases = {
    { 'broken front matter', { 'title: ok', 'tags: [unclosed' }, 'front matter: .*%(skipped%)' },
    { 'an unknown weekday', { 'title: x', 'weekday: funday' }, "weekday: 'funday' is not a weekday %(use monday %.%. sunday%)" },
    { 'a week out of range', { 'title: x', 'week: 53' }, "week: '53' is out of range %(a program week is 1%.%.52%)" },
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
      t.write(home .. '/prompts/good.md', prompt_file({ 'title: Good one' }))
      local p = assert(ctx:prompt('2026-03-04'))
      assert.are.equal('Good one', p.title)
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
    assert.matches('^builtin:week%-01$', p.source)
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
    assert.matches('^builtin:', p.source)
    assert.are.equal(2, #p.warnings)
    local all = table.concat(p.warnings, '\n')
    assert.matches('/prompts/link%.md: is a symbolic link %(not followed%) %(skipped%)', all)
    assert.matches('/prompts/latin1%.md:1: not valid UTF%-8 text %(skipped%)', all)
  end)

  it('ignores files that are not *.md and hidden files', function()
    local ctx, home = fresh('ignored')
    t.write(home .. '/prompts/notes.txt', 'garbage')
    t.write(home .. '/prompts/.hidden.md', '---\n[\n---\n')
    local p = assert(ctx:prompt('2026-03-04'))
    assert.matches('^builtin:', p.source)
    assert.are.same({}, p.warnings)
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
    assert.matches('^wol: prompt: a circle program needs a valid start date and 1%.%.52 weeks', err)
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
  it('prints the prompt for a date', function()
    local ana = t.member('ana')
    local out, err, rc = t.wol({ 'prompt', '2026-03-02' }, ana)
    assert.are.equal(0, rc, err)
    assert.are.equal('', err)
    local ctx = assert(core.open({ home = ana.wol_home }))
    local p = assert(ctx:prompt('2026-03-02'))
    local first, second = out:match('^([^\n]*)\n([^\n]*)\n')
    assert.are.equal(p.title, first)
    assert.are.equal('Monday 2026-03-02, every monday (built-in)', second)
    assert.matches('\nChallenge\n  ', out)
    assert.matches('\nReflect\n  %- ', out)
    assert.matches(p.questions[1]:sub(1, 30), out, 1, true)
    assert.matches('\nsource: builtin:weekday%-monday\n$', out)
  end)

  it('prints JSON with every field', function()
    local ana = t.member('ana')
    local out, err, rc = t.wol({ 'prompt', '+1', '--json', '--started', '2026-03-01', '--weeks', '4' }, ana,
      { WOL_TODAY = '2026-03-08' })
    assert.are.equal(0, rc, err)
    assert.matches('^{"date":"2026%-03%-09","weekday":"monday","title":"', out)
    assert.matches('"source":"builtin:week%-02"', out)
    assert.matches('"reason":"circle week 2 of 4 %(built%-in%)"', out)
    assert.matches('"week":2,"weeks":4,"warnings":%[%]}\n$', out)
    assert.matches('"questions":%["', out)
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
    _, err, rc = t.wol({ 'prompt', '--started', '2026-01-01', '--weeks', '99' }, ana)
    assert.are.equal(2, rc)
    assert.matches("%-%-weeks: '99' is not a number from 1 to 52", err)
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
