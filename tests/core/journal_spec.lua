-- The journal: templates and variables, dates, the quick log under a lock,
-- streaks, privacy and bad input, through the binding and the real CLI.
local t = require('wolt')
local core = require('wol.core')

local function stat_mode(path)
  local out = t.sh('stat -c %a ' .. t.shquote(path))
  return (out:gsub('%s+$', ''))
end

local function open(m, today)
  return assert(core.open({ home = m.wol_home, today = today }))
end

local function entry(m, date)
  return string.format('%s/journal/%s/%s.md', m.wol_home, date:sub(1, 4), date)
end

local function json_field(out, key)
  return out:match('"' .. key .. '":(%-?%d+)') and tonumber(out:match('"' .. key .. '":(%-?%d+)'))
    or out:match('"' .. key .. '":"([^"]*)"') or out:match('"' .. key .. '":(%a+)')
end

describe('journal templates', function()
  it('fills the built-in template from the day\'s prompt of the entry\'s date', function()
    local m = t.member('ana')
    local ctx = open(m, '2026-11-22')
    local p = assert(ctx:prompt('2024-02-29'))
    local path, created = assert(ctx:journal_open('2024-02-29'))
    assert.are.equal(entry(m, '2024-02-29'), path)
    assert.is_true(created)
    local text = assert(t.read(path))
    local doc = assert(core.parse_doc(text))
    assert.are.equal('2024-02-29', doc.meta.date)
    assert.are.equal(p.theme.title, doc.meta.prompt)
    assert.are.same({}, doc.meta.tags)
    assert.matches('^# Thursday, 2024%-02%-29\n', doc.body)
    assert.is_truthy(doc.body:find('\n## ' .. p.theme.title .. '\n', 1, true))
    assert.is_truthy(doc.body:find('\n> ' .. p.challenge.text .. '\n', 1, true))
    assert.is_true(#p.reflect > 0)
    for _, q in ipairs(p.reflect) do
      assert.is_truthy(doc.body:find('\n### ' .. q .. '\n', 1, true), q)
    end
    -- no circle program: the week line is left out, not shown empty
    assert.not_matches('Circle week', doc.body)
    -- a second open does not rewrite the entry
    local _, again = assert(ctx:journal_open('2024-02-29'))
    assert.is_false(again)
    assert.are.equal(text, t.read(path))
    ctx:close()
  end)

  it('uses $WOL_HOME/templates/journal.md with every variable, for the entry\'s date', function()
    local m = t.member('ana')
    -- the user's own prompt for that date makes the values known here
    t.write(m.wol_home .. '/prompts/leap.md', table.concat({
      '---', 'date: 2028-02-29', 'title: "Leap: a day outside the calendar"', '---', '',
      '## Challenge', '', 'Do one thing you keep postponing.', '', '## Reflect', '',
      '- What made it easy today?', '- Who noticed?', '' }, '\n'))
    t.write(m.wol_home .. '/templates/journal.md', table.concat({
      '---',
      'mood: "{{weekday}}"',
      'title: "{{prompt.title}}"',
      'asked: "{{prompt.questions}}"',
      'custom: [a, b]',
      '---',
      '# {{month_name}} {{day}}, {{year}} ({{weekday}}) {{month}}',
      '',
      'Hello {{handle}}, {{ date }}. {{no.such.var}}',
      '',
      'Week {{circle.week}} of {{circle.weeks}}',
      '',
      '{{prompt.challenge}}',
      '',
      '{{prompt.questions}}',
      '## Notes',
      '' }, '\n'))
    local ctx = open(m, '2026-01-05')
    local text = assert(ctx:journal_template('2028-02-29'))
    local doc = assert(core.parse_doc(text))
    assert.are.equal('Tuesday', doc.meta.mood)
    assert.are.equal('Leap: a day outside the calendar', doc.meta.title)
    assert.are.equal('What made it easy today? / Who noticed?', doc.meta.asked)
    assert.are.same({ 'a', 'b' }, doc.meta.custom)
    assert.are.equal('2028-02-29', doc.meta.date)
    assert.are.equal('Leap: a day outside the calendar', doc.meta.prompt)
    assert.are.equal(table.concat({
      '# February 29, 2028 (Tuesday) 02',
      '',
      'Hello ' .. ctx:identity().handle .. ', 2028-02-29. {{no.such.var}}',
      '',
      'Do one thing you keep postponing.',
      '',
      '### What made it easy today?',
      '',
      '### Who noticed?',
      '## Notes',
      '' }, '\n'), doc.body)
    ctx:close()
  end)

  it('fills {{circle.week}} and the program focus: every layer of the day is in a new entry', function()
    local m = t.member('ana')
    local dir = m.wol_home .. '/circles/team'
    t.write(dir .. '/circle.md', '---\nname: team\nstarted: 2026-11-02\nweeks: 12\n---\n')
    t.git(dir, 'init -q')
    local ctx = open(m, '2026-11-22')
    local text = assert(ctx:journal_template('2026-11-22'))
    local p = assert(ctx:prompt('2026-11-22'))
    local function lit(s)
      return (s:gsub('%p', '%%%0'))
    end
    -- the focus of the week, the theme, the challenge, the questions
    assert.matches('\n%*Circle week 3 of 12: ' .. lit(p.focus.title) .. '%*\n\n> ' .. lit(p.focus.text) .. '\n', text)
    assert.matches('\n## ' .. lit(p.theme.title) .. '\n\n> ' .. lit(p.challenge.text) .. '\n', text)
    for _, q in ipairs(p.reflect) do
      assert.matches('\n### ' .. lit(q) .. '\n', text)
    end
    -- outside the program neither line is there
    text = assert(ctx:journal_template('2027-06-01'))
    assert.not_matches('Circle week', text)
    assert.are.equal(1, select(2, text:gsub('\n> ', '')))
    ctx:close()
  end)

  it('refuses a broken template file with one clear error and creates nothing', function()
    local m = t.member('ana')
    t.write(m.wol_home .. '/templates/journal.md', '---\ntitle: a: b\n---\nbody\n')
    local _, err, rc = t.wol({ 'journal', '--path' }, m, { WOL_TODAY = '2026-11-22' })
    assert.are.equal(1, rc)
    assert.matches('^wol: .*templates/journal%.md:2: front matter', err)
    assert.are.equal(1, select(2, err:gsub('\n', '')))
    assert.is_false(t.exists(entry(m, '2026-11-22')))
  end)
end)

describe('journal dates', function()
  local function path_for(m, today, arg, env)
    env = env or {}
    env.WOL_TODAY = today
    local out, err, rc = t.wol(arg and { 'journal', arg, '--path' } or { 'journal', '--path' }, m, env)
    return out:gsub('\n$', ''), err, rc
  end

  it('crosses month and year ends and leap days', function()
    local m = t.member('ana')
    local cases = {
      { '2027-01-01', 'yesterday', '2026-12-31' },
      { '2026-12-31', 'tomorrow', '2027-01-01' },
      { '2024-02-28', 'tomorrow', '2024-02-29' },
      { '2023-02-28', '+1', '2023-03-01' },
      { '2024-03-01', '-1', '2024-02-29' },
      { '2024-01-31', '+29', '2024-02-29' },
      { '2026-11-22', '2000-02-29', '2000-02-29' },
      { '2026-11-22', nil, '2026-11-22' },
    }
    for _, c in ipairs(cases) do
      local out, err, rc = path_for(m, c[1], c[2])
      assert.are.equal(0, rc, err)
      assert.are.equal(entry(m, c[3]), out, c[2])
      assert.is_true(t.exists(out))
    end
  end)

  it('refuses invalid dates with one line and creates nothing', function()
    local m = t.member('ana')
    for _, bad in ipairs({ '2023-02-29', '1900-02-29', '2026-13-01', '2026-04-31', '2026-00-10',
      'next week', '+x', '2026/11/22', '+99999999' }) do
      local out, err, rc = path_for(m, '2026-11-22', bad)
      assert.are.equal(2, rc, bad) -- a usage error (:help wol-exit)
      assert.are.equal('', out)
      assert.matches('^wol: journal: date: [^\n]*%(see: wol journal %-%-help%)\n$', err)
    end
    local _, rc = t.sh('find ' .. t.shquote(m.wol_home) .. ' -name "*.md" | grep -q .')
    assert.are.equal(1, rc) -- no entry was made
    local ctx = open(m, '2026-11-22')
    assert.is_nil((ctx:journal_open('2023-02-29')))
    assert.is_nil((ctx:journal_log('x', { date = '2026-02-30' })))
    assert.has_error(function() ctx:journal_log('x', { quote = 5 }) end)
    ctx:close()
  end)

  it('uses the local date of the time zone around the world (UTC+14 and UTC-11)', function()
    local m = t.member('ana')
    for _, tz in ipairs({ 'Pacific/Kiritimati', 'Pacific/Pago_Pago' }) do
      local before = t.sh('TZ=' .. tz .. ' date +%F'):gsub('%s+', '')
      local out, err, rc = t.wol({ 'journal', '--path' }, m, { TZ = tz })
      local after = t.sh('TZ=' .. tz .. ' date +%F'):gsub('%s+', '')
      assert.are.equal(0, rc, err)
      local got = out:match('(%d%d%d%d%-%d%d%-%d%d)%.md')
      assert.is_true(got == before or got == after, tz .. ': ' .. tostring(got))
      -- the log line goes to the same local day
      local _, lerr, lrc = t.wol({ 'log', 'hello from ' .. tz }, m, { TZ = tz })
      assert.are.equal(0, lrc, lerr)
      assert.is_truthy(t.read(entry(m, got)):find('hello from ' .. tz, 1, true))
    end
    local k = t.sh('TZ=Pacific/Kiritimati date +%F'):gsub('%s+', '')
    local p = t.sh('TZ=Pacific/Pago_Pago date +%F'):gsub('%s+', '')
    assert.are_not.equal(k, p) -- 25 hours apart: never the same date
  end)
end)

describe('journal log', function()
  it('appends "- HH:MM text" to a Log section, creating entry and section', function()
    local m = t.member('ana')
    local _, err, rc = t.wol({ 'log', 'first', 'thought' }, m, { WOL_TODAY = '2026-11-22' })
    assert.are.equal(0, rc, err)
    local text = t.read(entry(m, '2026-11-22'))
    assert.matches('\n## Log\n\n%- %d%d:%d%d first thought\n$', text)
    local ctx = open(m, '2026-11-22')
    assert(ctx:journal_log('second', { time = '09:05', quote = { 'quoted one', '', 'quoted two' } }))
    text = t.read(entry(m, '2026-11-22'))
    assert.matches('%- %d%d:%d%d first thought\n%- 09:05 second\n  > quoted one\n  >\n  > quoted two\n$', text)
    -- multi-line text continues the item
    assert(ctx:journal_log('line one\nline two', { time = '10:00' }))
    assert.matches('%- 10:00 line one\n  line two\n$', t.read(entry(m, '2026-11-22')))
    local _, e2 = ctx:journal_log('x', { time = '25:00' })
    assert.matches("time '25:00' is not HH:MM", e2)
    local _, e3 = ctx:journal_log('   ')
    assert.matches('nothing to log', e3)
    ctx:close()
  end)

  it('reads stdin as a quote in the CLI', function()
    local m = t.member('ana')
    local out, rc = t.sh(string.format("printf 'a line\\nanother\\n\\n' | env %s WOL_TODAY=2026-11-22 %s log --time 07:30 2>&1",
      t.env(m), t.shquote(t.bin)))
    assert.are.equal(0, rc, out)
    assert.matches('\n%- 07:30\n  > a line\n  > another\n$', t.read(entry(m, '2026-11-22')))
  end)

  it('inserts into an existing Log section before the next heading, keeping all else byte for byte', function()
    local m = t.member('ana')
    local before = '---\n# a comment\ndate: 2026-11-22\nmood: "calm"   # kept\nx-sync: {id: 7}\n---\n' ..
      'Intro\n\n## Log\n\n- 08:00 early\n\n## Later\n\nMore text\n'
    t.write(entry(m, '2026-11-22'), before)
    local ctx = open(m, '2026-11-22')
    assert(ctx:journal_log('middle', { time = '12:00' }))
    assert.are.equal(before:gsub('%- 08:00 early\n', '- 08:00 early\n- 12:00 middle\n'),
      t.read(entry(m, '2026-11-22')))
    -- an empty Log section followed by another heading
    t.write(entry(m, '2026-11-23'), '## Log\n## Other\ntext')
    assert(ctx:journal_log('one', { time = '01:00', date = '2026-11-23' }))
    assert.are.equal('## Log\n\n- 01:00 one\n\n## Other\ntext', t.read(entry(m, '2026-11-23')))
    -- no final newline and no section
    t.write(entry(m, '2026-11-24'), 'no newline')
    assert(ctx:journal_log('two', { time = '02:00', date = '2026-11-24' }))
    assert.are.equal('no newline\n\n## Log\n\n- 02:00 two\n', t.read(entry(m, '2026-11-24')))
    ctx:close()
  end)

  it('loses no line with three processes appending at once', function()
    local m = t.member('ana')
    local script = string.format([[
      for w in a b c; do
        ( i=0; while [ $i -lt 20 ]; do i=$((i+1)); env %s WOL_TODAY=2026-11-22 %s log "w$w-$i" || echo FAIL; done ) &
      done
      wait]], t.env(m), t.shquote(t.bin))
    local out, rc = t.sh(script)
    assert.are.equal(0, rc)
    assert.not_matches('FAIL', out)
    local text = t.read(entry(m, '2026-11-22'))
    for _, w in ipairs({ 'a', 'b', 'c' }) do
      for i = 1, 20 do
        local _, n = text:gsub('\n%- %d%d:%d%d w' .. w .. '%-' .. i .. '\n', '')
        assert.are.equal(1, n, w .. i)
      end
    end
    assert.is_truthy(core.parse_doc(text))
  end)

  it('kill -9 during writes of a large entry leaves the old or the new content, never a mix', function()
    local m = t.member('ana')
    local base = '---\ndate: 2026-11-22\n---\n' .. string.rep('Lorem ipsum dolor sit amet, a long line of text.\n', 60000)
    t.write(entry(m, '2026-11-22'), base)
    local pidfile = t.tmpdir('kill') .. '/pid'
    for round = 1, 4 do
      -- a loop of writers; we kill the running writer (by its pid) at a random moment
      local loop = string.format([[
        ( i=0; while [ $i -lt 200 ]; do i=$((i+1));
            env %s WOL_TODAY=2026-11-22 %s log --time 11:11 "r%d-$i" & echo $! > %s; wait $!;
          done ) >/dev/null 2>&1 &
        echo $!]], t.env(m), t.shquote(t.bin), round, t.shquote(pidfile))
      local loop_pid = t.sh(loop):match('(%d+)')
      -- at least one write has completed (however loaded the machine), then
      -- the kill lands at a random moment of a later one
      t.sh(string.format('i=0; while [ $(stat -c %%s %s) -le %d ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i+1)); done',
        t.shquote(entry(m, '2026-11-22')), #base))
      t.sh(string.format('sleep 0.%02d', math.random(0, 20)))
      t.sh(string.format('kill -9 %s 2>/dev/null; kill -9 $(cat %s) 2>/dev/null; sleep 0.05',
        loop_pid, t.shquote(pidfile)))
      local text = t.read(entry(m, '2026-11-22'))
      assert.are.equal(base, text:sub(1, #base), 'round ' .. round .. ': the old text changed')
      local rest = text:sub(#base + 1)
      local doc = core.parse_doc(text)
      assert.is_truthy(doc, 'round ' .. round .. ': does not parse')
      -- exactly the log lines of complete writes: per round 1..k, each once
      -- (on a loaded machine no write of this round may have completed yet:
      -- then the entry is still the old text, or what earlier rounds wrote)
      if rest ~= '' then
        assert.matches('^\n## Log\n\n', rest)
      end
      local seen = {}
      for line in (rest:gsub('^\n## Log\n\n', '')):gmatch('([^\n]*)\n') do
        local r, i = line:match('^%- 11:11 r(%d+)%-(%d+)$')
        assert.is_truthy(r, 'a torn or foreign line: ' .. line)
        r, i = tonumber(r), tonumber(i)
        seen[r] = seen[r] or {}
        assert.is_nil(seen[r][i], 'twice: ' .. line)
        seen[r][i] = true
      end
      for r, set in pairs(seen) do
        local n = 0
        for _ in pairs(set) do n = n + 1 end
        for i = 1, n do
          assert.is_true(set[i] == true, 'round ' .. r .. ' misses line ' .. i)
        end
      end
      if rest ~= '' then
        assert.are.equal('\n', rest:sub(-1))
      end
    end
    -- the temp files of killed writers go away with the next log
    local _, err, rc = t.wol({ 'log', 'after' }, m, { WOL_TODAY = '2026-11-22' })
    assert.are.equal(0, rc, err)
    local left = t.sh('ls -A ' .. t.shquote(m.wol_home .. '/journal/2026'))
    assert.are.equal('2026-11-22.md\n', left)
  end)
end)

describe('journal streaks', function()
  local function write_day(m, date, body, template)
    local fm = '---\ndate: ' .. date .. '\n' .. (template and ('template: ' .. template .. '\n') or '') .. '---\n'
    t.write(entry(m, date), fm .. body)
  end

  local function stats(m, today)
    local out, err, rc = t.wol({ 'stats', '--json' }, m, { WOL_TODAY = today })
    assert.are.equal(0, rc, err)
    return {
      current = json_field(out, 'current'), longest = json_field(out, 'longest'),
      week = json_field(out, 'week'), month = json_field(out, 'month'),
      total = json_field(out, 'total'), today_written = json_field(out, 'today_written'),
      last = json_field(out, 'last'),
    }
  end

  it('counts runs across month ends, ignores untouched templates and future days', function()
    local m = t.member('ana')
    -- a longest run of 5 in February
    for d = 10, 14 do
      write_day(m, string.format('2026-02-%02d', d), 'Wrote a little.\n')
    end
    -- a run of 4 ending yesterday (Sunday), across the month end (2026 is not a leap year)
    for _, d in ipairs({ '2026-02-26', '2026-02-27', '2026-02-28', '2026-03-01' }) do
      write_day(m, d, 'Some words.\n')
    end
    -- today (Monday 2026-03-02): created from the template, untouched
    local ctx = open(m, '2026-03-02')
    assert(ctx:journal_open())
    -- headings only, an empty bullet: not writing
    write_day(m, '2026-02-20', '# Title\n\n## Another\n\n- \n> \n')
    -- a future entry does not count
    write_day(m, '2026-03-05', 'Plans.\n')
    local s = stats(m, '2026-03-02')
    assert.are.same({ current = 4, longest = 5, week = 0, month = 1, total = 9, today_written = 'false',
      last = '2026-03-01' }, s)
    -- writing today extends the streak
    assert(ctx:journal_log('done something'))
    s = stats(m, '2026-03-02')
    assert.are.same({ current = 5, longest = 5, week = 1, month = 2, total = 10, today_written = 'true',
      last = '2026-03-02' }, s)
    -- two days later the streak is broken
    s = stats(m, '2026-03-04')
    assert.are.equal(0, s.current)
    assert.are.equal(1, s.week)
    -- the binding gives the same numbers
    local ls = assert(open(m, '2026-03-02'):journal_stats())
    assert.are.equal(5, ls.current)
    assert.are.equal(5, ls.longest)
    assert.is_true(ls.today_written)
    assert.are.equal(12, ls.entries)
    ctx:close()
  end)

  it('runs through leap days and year ends', function()
    local m = t.member('ana')
    for _, d in ipairs({ '2024-02-28', '2024-02-29', '2024-03-01', '2025-12-30', '2025-12-31', '2026-01-01' }) do
      write_day(m, d, 'x\n')
    end
    local s = stats(m, '2024-03-01')
    assert.are.equal(3, s.current)
    assert.are.equal(1, s.month) -- only March 1st is in March
    s = stats(m, '2026-01-02')
    assert.are.equal(3, s.current) -- today not written yet: the run ending yesterday
    assert.are.equal(3, s.longest)
    assert.are.equal(1, s.month)
    assert.are.equal(3, s.week) -- 2026-01-02 is a Friday: Monday 2025-12-29 starts the week
    s = stats(m, '2026-01-03')
    assert.are.equal(0, s.current)
  end)

  it('tells written from untouched robustly', function()
    local m = t.member('ana')
    local ctx = open(m, '2026-11-22')
    local path = assert(ctx:journal_open())
    local tmpl = t.read(path)
    -- the fingerprints of the template's lines are kept out of the entry
    -- (nothing in its front matter that means nothing to a person)
    assert.not_matches('\ntemplate:', tmpl)
    local prints_file = m.wol_home .. '/journal/.template/2026-11-22'
    local prints = assert(t.read(prints_file)):gsub('\n$', '')
    assert.matches('^%x%x%x%x%x%x%x%x[%x ]*$', prints)
    assert.are.equal('600', stat_mode(prints_file))
    assert.are.equal('700', stat_mode(m.wol_home .. '/journal/.template'))
    local function written(text)
      return core.journal_written(text, path)
    end
    assert.is_false(written(tmpl))
    -- whitespace changes, a new heading, deleted template lines: still untouched
    assert.is_false(written(tmpl:gsub('\n> ', '\n>    ') .. '\n\n\n   \n'))
    assert.is_false(written(tmpl .. '\n### An extra question?\n'))
    assert.is_false(written((tmpl:gsub('\n> [^\n]*', ''))))
    -- a sentence of one's own counts, so does one word
    assert.is_true(written(tmpl .. '\nToday I learned something.\n'))
    assert.is_true(written(tmpl .. 'ok'))
    assert.is_true(written(tmpl .. 'é'))
    -- without fingerprints (an entry written by hand) any text counts
    assert.is_true(core.journal_written(tmpl))
    assert.is_true(core.journal_written('---\ndate: 2026-11-22\n---\nhello\n'))
    assert.is_false(core.journal_written('---\ndate: 2026-11-22\n---\n# only a heading\n'))
    -- an entry made before they moved out keeps them in the key `template`
    local legacy = tmpl:gsub('^%-%-%-\n', '---\ntemplate: ' .. prints .. '\n')
    assert.is_false(core.journal_written(legacy))
    assert.is_true(core.journal_written(legacy .. 'ok'))
    -- a template change later does not change how the old entry counts
    t.write(m.wol_home .. '/templates/journal.md', 'Completely different {{date}}\n')
    local ls = assert(ctx:journal_stats())
    assert.are.equal(0, ls.total)
    ctx:close()
  end)
end)

describe('journal listing and navigation', function()
  it('lists newest first with the first line, and finds neighbours', function()
    local m = t.member('ana')
    t.write(entry(m, '2026-01-05'), '---\ndate: 2026-01-05\n---\n\nFirst words\nmore\n')
    t.write(entry(m, '2025-12-31'), 'No front matter\n')
    t.write(entry(m, '2026-11-22'), '---\nbad: [\n---\nbroken front matter line\n')
    t.write(m.wol_home .. '/journal/2026/notes.md', 'not an entry')
    t.write(m.wol_home .. '/journal/2026/2025-01-01.md', 'in the wrong year folder')
    t.write(m.wol_home .. '/journal/2026/.2026-01-05.md.tmp-1-2', 'a temp file')
    local ctx = open(m, '2026-11-22')
    local list = assert(ctx:journal_list())
    assert.are.equal(3, #list)
    assert.are.same({ '2026-11-22', '2026-01-05', '2025-12-31' }, { list[1].date, list[2].date, list[3].date })
    assert.are.equal('First words', list[2].title)
    assert.are.equal('No front matter', list[3].title)
    assert.are.equal('---', list[1].title) -- unreadable front matter: shown as it is
    assert.is_true(list[1].written)
    assert.are.equal('2026-01-05', ctx:journal_adjacent('2025-12-31', 1))
    assert.are.equal('2026-01-05', ctx:journal_adjacent('2026-11-22', -1))
    assert.are.equal('2026-11-22', ctx:journal_adjacent('2026-02-01', 1))
    local none, err = ctx:journal_adjacent('2026-11-22', 1)
    assert.is_nil(none)
    assert.matches('no later entry', err)
    local out, _, rc = t.wol({ 'journal', '--list' }, m)
    assert.are.equal(0, rc)
    assert.are.equal('2026-11-22  ---\n2026-01-05  First words\n2025-12-31  No front matter\n', out)
    out, _, rc = t.wol({ 'journal', '--list', '--json' }, m)
    assert.are.equal(0, rc)
    assert.matches('^%[{"date":"2026%-11%-22","path":"[^"]+","title":"%-%-%-","size":%d+,"written":true,"done":false},', out)
    assert.matches('{"date":"2026%-01%-05","path":"[^"]+2026%-01%-05%.md","title":"First words","size":%d+,"written":true,"done":false}', out)
    -- without a terminal, `wol journal DATE` prints the entry
    out, _, rc = t.wol({ 'journal', '2026-01-05' }, m)
    assert.are.equal(0, rc)
    assert.are.equal('---\ndate: 2026-01-05\n---\n\nFirst words\nmore\n', out)
    ctx:close()
  end)

  it('finds or adds a question heading', function()
    local line, append = core.journal_heading('# Day\n\n### What did you learn?\n\nstuff\n', 'what did you learn?')
    assert.are.equal(3, line)
    assert.is_nil(append)
    line, append = core.journal_heading('# Day\n\nsome text\n', 'Who helped?')
    assert.are.equal('\n### Who helped?\n', append)
    assert.are.equal(5, line)
    line, append = core.journal_heading('# Day\n\n', 'Who helped?')
    assert.are.equal('### Who helped?\n', append)
    assert.are.equal(3, line)
    assert.is_nil((core.journal_heading('x', '  ')))
  end)
end)

describe('journal privacy and bad input', function()
  it('creates files 0600 and directories 0700', function()
    local m = t.member('ana')
    local _, err, rc = t.wol({ 'log', 'private' }, m, { WOL_TODAY = '2026-11-22' })
    assert.are.equal(0, rc, err)
    assert.are.equal('700', stat_mode(m.wol_home))
    assert.are.equal('700', stat_mode(m.wol_home .. '/journal'))
    assert.are.equal('700', stat_mode(m.wol_home .. '/journal/2026'))
    assert.are.equal('600', stat_mode(entry(m, '2026-11-22')))
    _, err, rc = t.wol({ 'journal', '--path', '2027-01-01' }, m, { WOL_TODAY = '2026-11-22' })
    assert.are.equal(0, rc, err)
    assert.are.equal('700', stat_mode(m.wol_home .. '/journal/2027'))
    assert.are.equal('600', stat_mode(entry(m, '2027-01-01')))
    -- an entry the user opened up keeps its mode on a log
    t.sh('chmod 640 ' .. t.shquote(entry(m, '2026-11-22')))
    t.wol({ 'log', 'again' }, m, { WOL_TODAY = '2026-11-22' })
    assert.are.equal('640', stat_mode(entry(m, '2026-11-22')))
  end)

  it('says so when the journal directory is a file, and leaves it alone', function()
    local m = t.member('ana')
    t.write(m.wol_home .. '/journal', 'I am a file')
    for _, args in ipairs({ { 'journal', '--path' }, { 'log', 'x' }, { 'stats' }, { 'journal', '--list' } }) do
      local out, err, rc = t.wol(args, m)
      assert.are.equal(1, rc, args[1])
      assert.are.equal('', out)
      assert.matches('^wol: [^\n]*journal[^\n]* not a directory\n$', err)
    end
    assert.are.equal('I am a file', t.read(m.wol_home .. '/journal'))
  end)

  it('handles non-UTF-8 bytes: refused in log text, kept in entries', function()
    local m = t.member('ana')
    local _, err, rc = t.wol({ 'log', 'bad \255\254 bytes' }, m, { WOL_TODAY = '2026-11-22' })
    assert.are.equal(1, rc)
    assert.are.equal('wol: log: the text is not valid UTF-8\n', err)
    assert.is_false(t.exists(entry(m, '2026-11-22')))
    local latin1 = '---\ndate: 2026-11-22\n---\ncaf\233 cr\232me\n'
    t.write(entry(m, '2026-11-22'), latin1)
    _, err, rc = t.wol({ 'log', '--time', '08:00', 'ok' }, m, { WOL_TODAY = '2026-11-22' })
    assert.are.equal(0, rc, err)
    assert.are.equal(latin1 .. '\n## Log\n\n- 08:00 ok\n', t.read(entry(m, '2026-11-22')))
    -- invalid bytes in the front matter: one error naming the file, nothing written
    local bad = '---\ndate: 2026-11-23\nnote: "\255"\n---\nbody\n'
    t.write(entry(m, '2026-11-23'), bad)
    _, err, rc = t.wol({ 'log', 'x' }, m, { WOL_TODAY = '2026-11-23' })
    assert.are.equal(1, rc)
    assert.matches('^wol: [^\n]*2026%-11%-23%.md:%d+: front matter', err)
    assert.are.equal(bad, t.read(entry(m, '2026-11-23')))
    local out
    out, err, rc = t.wol({ 'stats', '--json' }, m, { WOL_TODAY = '2026-11-23' })
    assert.are.equal(0, rc, err)
    assert.are.equal(2, json_field(out, 'total'))
  end)

  it('works with an entry of several MB, and refuses one past the limit', function()
    local m = t.member('ana')
    local big = '---\ndate: 2026-11-22\nkeep: me\n---\n' .. string.rep('0123456789abcdef ', 6 * 1024 * 1024 / 17) .. '\n'
    t.write(entry(m, '2026-11-22'), big)
    local _, err, rc = t.wol({ 'log', '--time', '13:00', 'still fine' }, m, { WOL_TODAY = '2026-11-22' })
    assert.are.equal(0, rc, err)
    assert.are.equal(big .. '\n## Log\n\n- 13:00 still fine\n', t.read(entry(m, '2026-11-22')))
    local out
    out, err, rc = t.wol({ 'stats', '--json' }, m, { WOL_TODAY = '2026-11-22' })
    assert.are.equal(0, rc, err)
    assert.are.equal(1, json_field(out, 'current'))
    -- past the limit (a sparse file): one error, the file untouched
    local huge = entry(m, '2026-11-21')
    t.sh('mkdir -p ' .. t.shquote(huge:match('^(.*)/')) .. ' && truncate -s 70M ' .. t.shquote(huge))
    local ctx = open(m, '2026-11-21')
    local ok, lerr = ctx:journal_log('x')
    assert.is_nil(ok)
    assert.matches('too large', lerr)
    assert.are.equal('73400320', (t.sh('stat -c %s ' .. t.shquote(huge)):gsub('%s', '')))
    -- listing reports it and goes on
    local list, warnings = assert(ctx:journal_list())
    assert.are.equal(2, #list)
    assert.are.equal(1, #warnings)
    assert.matches('too large', warnings[1])
    ctx:close()
  end)

  it('leaves a symlink or a directory where an entry should be alone', function()
    local m = t.member('ana')
    local target = t.tmpdir('elsewhere') .. '/target.md'
    t.write(target, 'outside')
    t.sh('mkdir -p ' .. t.shquote(m.wol_home .. '/journal/2026') .. ' && ln -s ' .. t.shquote(target) .. ' ' ..
      t.shquote(entry(m, '2026-11-22')))
    local _, err, rc = t.wol({ 'log', 'x' }, m, { WOL_TODAY = '2026-11-22' })
    assert.are.equal(1, rc)
    assert.matches('not a regular file', err)
    assert.are.equal('outside', t.read(target))
    t.sh('mkdir -p ' .. t.shquote(entry(m, '2026-11-23')))
    _, err, rc = t.wol({ 'journal', '--path', '2026-11-23' }, m, { WOL_TODAY = '2026-11-22' })
    assert.are.equal(1, rc)
    assert.matches('not a regular file', err)
  end)

  it('answers usage errors with exit 2', function()
    local m = t.member('ana')
    local _, err, rc = t.wol({ 'journal', 'a', 'b' }, m)
    assert.are.equal(2, rc)
    assert.matches("unexpected argument 'b'", err)
    _, err, rc = t.wol({ 'journal', '--path', '--list' }, m)
    assert.are.equal(2, rc)
    _, err, rc = t.wol({ 'stats', 'x' }, m)
    assert.are.equal(2, rc)
    -- stdin empty (not a terminal): nothing to log
    local out
    out, rc = t.sh(string.format('env %s %s log </dev/null 2>&1', t.env(m), t.shquote(t.bin)))
    assert.are.equal(2, rc)
    assert.are.equal('wol: log: nothing to log: give TEXT, or lines on standard input (see: wol log --help)\n', out)
  end)
end)
