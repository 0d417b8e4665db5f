-- The circle dashboard's data (csrc/status/) through the binding and
-- `wol status`: a fixture circle with known dates (tests/helpers/dashfix.lua),
-- a real git repository with a bare origin, a real index.
local t = require('wolt')
local fix = require('dashfix')
local core = t.core()
local json = require('dkjson')

describe('circle status', function()
  local m, dir, ctx, st

  setup(function()
    m = t.member('tester')
    dir = fix.build(m)
    -- a note created long ago but changed here on 2026-03-04 (the day it
    -- arrived): listed as updated
    assert(t.sh('touch -d "2026-03-04 12:00" ' .. t.shquote(dir .. '/notes/ana/old-sketch.md')) ~= nil)
    ctx = assert(core.open({ home = m.wol_home, today = fix.today }))
    st = assert(ctx:status())
  end)

  it('has the header: program week, meetings, sync state', function()
    assert.equal('writers', st.circle)
    assert.equal('running', st.phase)
    assert.equal(5, st.week)
    assert.equal(12, st.weeks)
    assert.equal('tuesday', st.meets)
    assert.equal('2026-03-10', st.next_meeting)
    assert.equal('2026-03-03', st.since)
    assert.is_true(st.since_meeting)
    assert.equal(1, st.ahead)
    assert.truthy(st.remote)
    assert.is_true(st.last_sync > 0)
    assert.equal('tester', st.handle)
  end)

  it('lists members with goals, last 7 days and last activity', function()
    local got = {}
    for _, x in ipairs(st.members) do
      table.insert(got, { x.handle, x.name, x.goal, x.notes, x.answers, x.last, x.me })
    end
    assert.same({
      { 'ana', 'Ana Lopez', 'Write the onboarding guide', 1, 0, '2026-03-04', false },
      { 'bo', 'Bo Chen', 'Launch the pricing page', 1, 1, '2026-03-05', false },
      { 'tester', 'tester Example', 'Share one draft a week', 1, 1, '2026-03-05', true },
    }, got)
  end)

  it('lists what is new since the last meeting, newest first', function()
    local got = {}
    for _, x in ipairs(st.items) do
      table.insert(got, table.concat({ x.date, x.author, x.kind, tostring(x.updated), x.title }, ' | '))
    end
    assert.same({
      '2026-03-05 | bo | answer | false | How do you pick a weekly goal?',
      '2026-03-05 | tester | note | false | My outline',
      '2026-03-04 | tester | answer | false | How do you pick a weekly goal?',
      '2026-03-04 | ana | note | true | Old sketch',
      '2026-03-04 | ana | note | false | Onboarding guide draft',
      '2026-03-04 | tester | question | false | Where do you keep drafts?',
      '2026-03-03 | bo | note | false | Pricing page ideas',
    }, got)
    assert.equal(7, st.items_total)
    assert.equal('notes/ana/onboarding.md', st.items[5].path)
  end)

  it('lists open questions with answers, age and mine', function()
    local got = {}
    for _, q in ipairs(st.open) do
      table.insert(got, { q.qid, q.title, q.author, q.answers, q.age, q.mine })
    end
    assert.same({
      { fix.q2, 'Where do you keep drafts?', 'tester', 0, 1, true },
      { fix.q1, 'How do you pick a weekly goal?', 'ana', 2, 3, false },
    }, got)
    assert.equal(2, st.open_total)
  end)

  it('fills the 12-week grid with journal days and shares, and the streaks', function()
    assert.equal('2025-12-15', st.grid.start)
    assert.equal(84, #st.grid.days)
    assert.equal('2026-03-05', st.grid.days[81].date) -- today; later days are the rest of the week
    assert.is_nil(st.grid.today)
    local function day(d)
      for _, x in ipairs(st.grid.days) do
        if x.date == d then
          return x
        end
      end
    end
    assert.same({ date = '2026-03-04', journal = true, acts = 0, mine = 2, all = 3, level = 3 }, day('2026-03-04'))
    assert.same({ date = '2026-03-05', journal = true, acts = 0, mine = 1, all = 2, level = 2 }, day('2026-03-05'))
    assert.same({ date = '2026-02-16', journal = true, acts = 0, mine = 0, all = 0, level = 1 }, day('2026-02-16'))
    assert.same({ date = '2026-02-20', journal = false, acts = 0, mine = 0, all = 1, level = 0 }, day('2026-02-20'))
    assert.equal(0, day('2026-03-06').level) -- the future is empty
    assert.equal(5, st.streak)
    assert.equal(5, st.longest)
  end)

  it('says before start and program complete', function()
    local before = assert(core.open({ home = m.wol_home, today = '2026-01-20' }))
    local b = assert(before:status())
    assert.equal('before', b.phase)
    assert.equal(0, b.week)
    local after = assert(core.open({ home = m.wol_home, today = '2026-05-01' }))
    local a = assert(after:status())
    assert.equal('complete', a.phase)
    assert.equal('2026-05-05', a.next_meeting)
  end)

  it('limits the lists and counts the rest', function()
    local s = assert(ctx:status({ limit = 2 }))
    assert.equal(2, #s.items)
    assert.equal(7, s.items_total)
    assert.equal(2, #s.open)
    local s1 = assert(ctx:status({ limit = 1 }))
    assert.equal(1, #s1.open)
    assert.equal(2, s1.open_total)
  end)

  it('sees a new commit (the index follows HEAD)', function()
    t.write(dir .. '/notes/tester/second.md', '---\ntitle: Second draft\nauthor: tester\ncreated: 2026-03-05\n---\nx\n')
    assert.equal(0, select(2, t.git(dir, 'add -A && git -C ' .. t.shquote(dir) .. ' commit -q -m second', m)))
    local s = assert(ctx:status())
    assert.equal(8, s.items_total)
    assert.equal(2, s.ahead)
    assert.equal(2, s.members[3].notes)
    t.sh('git -C ' .. t.shquote(dir) .. ' reset -q --hard HEAD~1')
    local back = assert(ctx:status())
    assert.equal(7, back.items_total)
    assert.equal(1, back.members[3].notes)
  end)

  it('gives the same after a rebuild and after migrating an index of schema 1', function()
    local function digest(s)
      local parts = { s.items_total, s.open_total, s.streak }
      for _, x in ipairs(s.members) do
        table.insert(parts, x.handle .. x.notes .. x.answers .. (x.last or ''))
      end
      for _, d in ipairs(s.grid.days) do
        table.insert(parts, d.mine .. '/' .. d.all)
      end
      return table.concat(parts, ' ')
    end
    local want = digest(st)
    assert(ctx:index_rebuild())
    assert.equal(want, digest(assert(ctx:status())))
    -- an index.db as schemas 1 to 5 left it (in copies of the home:
    -- this process keeps the original's index open): schema 1 had no daily
    -- table and no triggers, schema 2 no qlist, schema 3 no feedback, schema 4
    -- no recorded HEAD tree; schemas 2 to 5 kept the triggers that count
    -- docs rows into `daily` in the file (since 6 each writing connection
    -- makes them for itself: left behind, every new row would count twice)
    local function old_trigger(name, event, r, body)
      local row = string.format('%s.kind IN (\'note\', \'question\', \'answer\') AND %s.circle IS NOT NULL '
        .. 'AND %s.date IS NOT NULL AND %s.author IS NOT NULL', r, r, r, r)
      return string.format('CREATE TRIGGER %s AFTER %s ON docs WHEN %s BEGIN %s END;', name, event, row, body)
    end
    local add = 'INSERT INTO daily VALUES(new.circle, new.date, new.author, new.kind, 1) '
      .. 'ON CONFLICT DO UPDATE SET n = n + 1;'
    local sub = 'UPDATE daily SET n = n - 1 WHERE circle = old.circle AND day = old.date AND '
      .. 'author = old.author AND kind = old.kind; DELETE FROM daily WHERE circle = old.circle AND '
      .. 'day = old.date AND author = old.author AND kind = old.kind AND n <= 0;'
    local upd = 'UPDATE OF kind, circle, author, date'
    local triggers = old_trigger('docs_daily_ins', 'INSERT', 'new', add)
      .. old_trigger('docs_daily_del', 'DELETE', 'old', sub)
      .. old_trigger('docs_daily_upd_old', upd, 'old', sub)
      .. old_trigger('docs_daily_upd_new', upd, 'new', add)
    local undo = {
      ['1'] = 'DROP TABLE qlist; DROP TABLE daily; '
        .. 'DROP INDEX docs_circle_kind_mtime; DROP INDEX docs_circle_rid; DROP INDEX docs_racy; '
        .. 'ALTER TABLE heads DROP COLUMN tree; PRAGMA user_version = 1;',
      ['2'] = triggers .. 'DROP TABLE qlist; DROP INDEX docs_circle_rid; DROP INDEX docs_racy; '
        .. 'ALTER TABLE heads DROP COLUMN tree; PRAGMA user_version = 2;',
      ['3'] = triggers .. 'DROP INDEX docs_circle_rid; DROP INDEX docs_racy; ALTER TABLE heads DROP COLUMN tree; '
        .. 'PRAGMA user_version = 3;',
      ['4'] = triggers .. 'DROP INDEX docs_racy; ALTER TABLE heads DROP COLUMN tree; PRAGMA user_version = 4;',
      ['5'] = triggers .. 'PRAGMA user_version = 5;',
    }
    local function sql(db, text)
      local out, rc = t.sh('sqlite3 ' .. t.shquote(db) .. ' ' .. t.shquote(text))
      assert.equal(0, rc, out)
      return out
    end
    local daily = 'SELECT * FROM daily ORDER BY circle, day, author, kind'
    for _, from in ipairs({ '1', '2', '3', '4', '5' }) do
      local copy = t.tmpdir('migrate' .. from)
      assert.equal(0, select(2, t.sh('cp -a ' .. t.shquote(m.wol_home) .. ' ' .. t.shquote(copy .. '/wol'))))
      local db = copy .. '/wol/index.db'
      sql(db, undo[from])
      local fresh = assert(core.open({ home = copy .. '/wol', today = fix.today }))
      assert.equal(want, digest(assert(fresh:status())))
      assert.equal('6', sql(db, 'PRAGMA user_version'):match('%d+'))
      assert.equal('0', sql(db, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"):match('%d+'))
      -- a new note counts once in `daily`, as a build from nothing counts it
      local before = sql(db, daily)
      local cdir = copy .. '/wol/circles/' .. fix.circle
      t.write(cdir .. '/notes/tester/later.md', '---\ntitle: Later\nauthor: tester\ncreated: 2026-03-05\n---\nx\n')
      assert.equal(0, select(2, t.git(cdir, 'add -A && git -C ' .. t.shquote(cdir) .. ' commit -q -m later', m)))
      assert(fresh:status())
      local after = sql(db, daily)
      assert.are_not.equal(before, after)
      assert(fresh:index_rebuild())
      assert.equal(after, sql(db, daily))
      fresh:close()
    end
  end)

  it('counts new notes into daily on one handle across its refreshes and a rebuild', function()
    -- an editor's handle: the triggers that count docs rows into `daily`
    -- are its own (made by its first write, index/schema.c); a rebuild
    -- drops them with the table, and the next write must make them again
    local copy = t.tmpdir('daily')
    assert.equal(0, select(2, t.sh('cp -a ' .. t.shquote(m.wol_home) .. ' ' .. t.shquote(copy .. '/wol'))))
    local db = copy .. '/wol/index.db'
    local cdir = copy .. '/wol/circles/' .. fix.circle
    local h = assert(core.open({ home = copy .. '/wol', today = fix.today }))
    local function add(name, day)
      t.write(cdir .. '/notes/tester/' .. name .. '.md', '---\ntitle: ' .. name .. '\nauthor: tester\ncreated: '
        .. day .. '\n---\nx\n')
      assert.equal(0, select(2, t.git(cdir, 'add -A && git -C ' .. t.shquote(cdir) .. ' commit -q -m ' .. name, m)))
      assert(h:index_refresh())
    end
    local function daily()
      local out, rc = t.sh('sqlite3 ' .. t.shquote(db) .. " 'SELECT * FROM daily ORDER BY circle, day, author, kind'")
      assert.equal(0, rc, out)
      return out
    end
    add('first', '2026-03-06')
    add('second', '2026-03-06')
    assert.truthy(daily():find('writers|2026-03-06|tester|note|2', 1, true), daily())
    assert(h:index_rebuild())
    add('third', '2026-03-06')
    add('fourth', '2026-03-07')
    local got = daily()
    assert.truthy(got:find('writers|2026-03-06|tester|note|3', 1, true), got)
    assert.truthy(got:find('writers|2026-03-07|tester|note|1', 1, true), got)
    assert(h:index_rebuild())
    assert.equal(got, daily())
    h:close()
  end)

  it('counts a note into daily after a refresh that started from an empty index, on the same handle', function()
    -- a refresh that finds the index empty fills `daily` at once and drops
    -- the handle's triggers; the next refresh that writes makes them again
    local mm = t.member('tester')
    local dbf = mm.wol_home .. '/index.db'
    local function sh(cmd)
      local out, rc = t.sh(cmd)
      assert.equal(0, rc, out)
      return out
    end
    local function wol(args)
      local out, err, rc = t.wol(args, mm)
      assert.equal(0, rc, out .. err)
    end
    local function add(name, day)
      local cdir = mm.wol_home .. '/circles/c'
      t.write(cdir .. '/notes/tester/' .. name .. '.md', '---\ntitle: ' .. name .. '\nauthor: tester\ncreated: '
        .. day .. '\n---\nx\n')
      assert.equal(0, select(2, t.git(cdir, 'add -A && git -C ' .. t.shquote(cdir) .. ' commit -q -m ' .. name, mm)))
    end
    local function daily()
      return sh('sqlite3 ' .. t.shquote(dbf) .. " 'SELECT * FROM daily ORDER BY circle, day, author, kind'")
    end
    wol({ 'init', 'c' })
    add('a', '2026-03-02')
    local h = assert(core.open({ home = mm.wol_home, today = fix.today }))
    assert(h:index_refresh()) -- a build from nothing (a file of its own)
    add('b', '2026-03-02')
    assert(h:index_refresh()) -- the handle's first write: its triggers
    assert.truthy(daily():find('c|2026-03-02|tester|note|2', 1, true), daily())
    -- everything gone, then a circle again: a refresh on an empty index
    sh('rm -rf ' .. t.shquote(mm.wol_home .. '/circles/c'))
    assert(h:index_refresh())
    assert.equal('0', sh('sqlite3 ' .. t.shquote(dbf) .. " 'SELECT count(*) FROM docs'"):match('%d+'))
    wol({ 'init', 'c' })
    add('c', '2026-03-03')
    assert(h:index_refresh())
    add('d', '2026-03-03')
    add('e', '2026-03-04')
    assert(h:index_refresh())
    local got = daily()
    assert.truthy(got:find('c|2026-03-03|tester|note|2', 1, true), got)
    assert.truthy(got:find('c|2026-03-04|tester|note|1', 1, true), got)
    assert(h:index_rebuild())
    assert.equal(got, daily())
    h:close()
  end)

  it('refuses an unknown circle with one clear message', function()
    local r, err = ctx:status({ circle = 'nope' })
    assert.is_nil(r)
    assert.matches('^wol: ', err)
    assert.matches('nope', err)
  end)

  it('makes an agenda and saves it into the journal under ## Circle meeting', function()
    local text, date = assert(ctx:status_agenda())
    assert.equal('2026-03-10', date)
    assert.matches('### Check%-in', text)
    assert.matches('%- Ana Lopez %(goal: Write the onboarding guide%):', text)
    assert.matches('  %- note: Onboarding guide draft %(2026%-03%-04%)', text)
    assert.matches('### Open questions to discuss\n\n%- Where do you keep drafts%?', text)
    -- the meeting (Tuesday 2026-03-10) is in week 6: the focus after it is week 7's
    assert.matches("### Next week's focus\n\n[^\n]+%(week 7 of 12%)", text)
    local path = assert(ctx:status_agenda_save(date, text))
    local saved = t.read(path)
    assert.matches('\n## Circle meeting\n\nAgenda: writers', saved)
    -- saving again replaces the section instead of adding a second one
    local path2 = assert(ctx:status_agenda_save(date, 'Only this.\n'))
    assert.equal(path, path2)
    local again = t.read(path)
    local _, n = again:gsub('## Circle meeting', '')
    assert.equal(1, n)
    assert.matches('## Circle meeting\n\nOnly this.\n$', again)
    assert.is_nil(again:find('Agenda: writers', 1, true))
    -- text after the section survives a replacement
    t.write(path, again .. '\n## Later\n\nkeep me\n')
    assert(ctx:status_agenda_save(date, 'Third.'))
    local third = t.read(path)
    assert.matches('## Circle meeting\n\nThird.\n\n## Later\n\nkeep me\n$', third)
    local r, err = ctx:status_agenda_save(date, 'bad \255 text')
    assert.is_nil(r)
    assert.matches('^wol: agenda: ', err)
    assert.equal(third, t.read(path))
  end)

  describe('wol status', function()
    local env = { WOL_TODAY = '2026-03-05' }

    it('--json has the same data', function()
      local out, err, rc = t.wol({ 'status', '--json' }, m, env)
      assert.equal(0, rc, err)
      local o = assert(json.decode(out))
      assert.equal(5, o.week)
      assert.equal('2026-03-10', o.next_meeting)
      assert.equal(3, #o.members)
      assert.equal(st.items_total, o.items_total)
      assert.equal(fix.q2, o.open[1].qid)
      assert.is_true(o.open[1].mine)
      assert.equal(84, #o.grid.days)
      assert.equal(3, o.grid.days[80].level) -- 2026-03-04 (0-based 79)
      assert.equal(5, o.streak)
    end)

    it('prints text with a plain heat map when not on a terminal', function()
      local out, err, rc = t.wol({ 'status' }, m, env)
      assert.equal(0, rc, err)
      assert.matches('^writers · week 5 of 12 · next meeting Tue 2026%-03%-10\n', out)
      assert.matches('1 commit waiting to be pushed', out)
      assert.matches('Since Tue 2026%-03%-03 %(last meeting%)', out)
      assert.matches('%* Where do you keep drafts%? — tester, 0 answers, 1d', out)
      assert.matches('\n  Wed · · · · · · · · · · · ▓\n', out)
      assert.matches('\n  Thu · · · · · · · · · · · ▒\n', out)
      assert.matches('streak: 5 days %(longest 5%) · ', out)
      assert.is_nil(out:find('\27[', 1, true))
      local col = t.wol({ 'status', '--color', 'always' }, m, env)
      assert.truthy(col:find('\27[38;5;34m▓\27[0m', 1, true))
    end)

    it('--agenda prints the agenda; bad options are usage errors', function()
      local out, _, rc = t.wol({ 'status', '--agenda' }, m, env)
      assert.equal(0, rc)
      assert.matches('^Agenda: writers, meeting on Tuesday 2026%-03%-10', out)
      local _, err, rc2 = t.wol({ 'status', '--color', 'pink' }, m, env)
      assert.equal(2, rc2)
      assert.matches('wol: status: ', err)
      local _, err3, rc3 = t.wol({ 'status', 'extra' }, m, env)
      assert.equal(2, rc3)
      assert.matches('unexpected argument', err3)
    end)
  end)
end)
