-- The weekly review through the real CLI and the binding: a fixture week
-- (tests/helpers/legacyfix.lua: ISO 2026-W10 of a circle made with plain
-- git, plus ana's journal entries of that week) matches a golden file;
-- saving writes journal/2026/2026-W10.md once (0600) and then shows what
-- was written in it; the offer appears on the meeting day only.
-- WOL_UPDATE_GOLDEN=1 rewrites the golden file from this run.
local t = require('wolt')
local F = require('legacyfix')
local interp = os.getenv('WOL_TEST_INTERP') or 'luajit'

local GOLDEN = t.root .. '/tests/golden/review/2026-W10.md'

local function mode(path)
  return (t.sh('stat -c %a ' .. t.shquote(path)):match('%d+'))
end

local function journal(m, date, text)
  t.write(string.format('%s/journal/%s/%s.md', m.wol_home, date:sub(1, 4), date), text)
end

-- ana's week: three days written (one of them only the template's
-- headings, which does not count), a challenge marked done on Thursday
local function week_of(ana)
  journal(ana, '2026-03-02', '---\ndate: 2026-03-02\n---\n\n# Monday\n\nPlanned the guide.\n')
  journal(ana, '2026-03-03', '---\ndate: 2026-03-03\n---\n\n# Tuesday\n\n## Log\n')
  journal(ana, '2026-03-05', '---\ndate: 2026-03-05\nchallenge: done\n---\n\n# Thursday\n\nAsked Bo.\n')
end

describe('wol review', function()
  local ana = F.ana()
  week_of(ana)
  local env = { WOL_TODAY = '2026-03-06' }

  it('looks back on a fixture week exactly as the golden file says', function()
    local out, err, rc = t.wol({ 'review', '--week', F.week }, ana, env)
    assert.are.equal(0, rc, err)
    if os.getenv('WOL_UPDATE_GOLDEN') == '1' then
      t.write(GOLDEN, out)
    end
    assert.are.equal(t.read(GOLDEN), out)
    -- any day of the week names the same week
    local again = t.wol({ 'review', '2026-03-08' }, ana, env)
    assert.are.equal(out, again)
    local json = require('dkjson').decode((t.wol({ 'review', '--json' }, ana, env)))
    assert.are.equal('2026-W10', json.week)
    assert.are.equal('2026-03-02', json.from)
    assert.are.equal('2026-03-08', json.to)
    assert.are.same({ '2026-03-02', '2026-03-04', '2026-03-05' }, json.written)
    assert.are.same({ days = 3, shares = 2, asked = 2, answered = 1, resolved = 1, contributions = 0,
      challenges = 1 }, json.counts)
    assert.are.equal(false, json.saved)
    assert.is_true(#json.reflect >= 2 and #json.reflect <= 4)
    -- what helped comes with the resolve
    local resolve
    for _, a in ipairs(json.acts) do
      if a.kind == 'resolve' then
        resolve = a
      end
    end
    assert.are.equal("Bo's one-page rule: I cut the plan to a page.", resolve.detail)
  end)

  it('refuses a week that does not exist with a usage error', function()
    local _, err, rc = t.wol({ 'review', '--week', '2026-W60' }, ana, env)
    assert.are.equal(2, rc)
    assert.matches('2026 has no week 60', err)
    _, err, rc = t.wol({ 'review', 'someday' }, ana, env)
    assert.are.equal(2, rc)
    assert.matches('YYYY%-Www', err)
  end)

  it('offers the review on the meeting day until it is saved, then shows what was written', function()
    if interp ~= 'luajit' then
      return
    end
    local core = require('wol.core')
    local ctx = assert(core.open({ home = ana.wol_home, today = '2026-03-05' }))
    -- Thursday is the circle's meeting day; Friday is not (there is a circle)
    assert.matches('meeting day.*2026%-W10', ctx:review_offer('2026-03-05'))
    assert.is_nil(ctx:review_offer('2026-03-06'))
    local r = assert(ctx:review({ week = '2026-W10' }))
    assert.is_false(r.saved)
    local path = assert(ctx:review_save('2026-W10', r.text))
    assert.are.equal(ana.wol_home .. '/journal/2026/2026-W10.md', path)
    assert.are.equal('600', mode(path))
    assert.are.equal(r.text, t.read(path))
    assert.is_nil(ctx:review_offer('2026-03-05'))
    -- written in and saved again: the same file, updated
    local mine = r.text .. 'I learnt to ask earlier.\n'
    assert.are.equal(path, ctx:review_save('2026-W10', mine))
    assert.are.equal(mine, t.read(path))
    assert.are.equal('2026-03-02.md\n2026-03-03.md\n2026-03-04.md\n2026-03-05.md\n2026-W10.md\n',
      t.sh('ls ' .. t.shquote(ana.wol_home .. '/journal/2026')))
    local saved = assert(ctx:review({ week = '2026-03-04' }))
    assert.is_true(saved.saved)
    assert.are.equal(mine, saved.text)
    assert.are.equal(r.text, assert(ctx:review({ week = '2026-W10', fresh = true })).text)
    -- the CLI does not write over it
    local out, err, rc = t.wol({ 'review', '--save' }, ana, env)
    assert.are.equal(0, rc, err)
    assert.matches('saved already', err)
    assert.are.equal(mine, t.read(path))
    assert.are.equal(mine, (t.wol({ 'review' }, ana, env)))
    assert.is_nil(ctx:review_save('2026-W1', 'x'))
    assert.is_nil(ctx:review_save('2026-W10', 'bad \255 utf8'))
    assert.are.equal(mine, t.read(path))
    ctx:close()
    assert.truthy(out)
  end)

  it('works without a circle (the journal only), offered on Fridays', function()
    local solo = t.member('solo')
    journal(solo, '2026-03-04', '---\ndate: 2026-03-04\n---\n\n# Wednesday\n\nA quiet day.\n')
    local out, err, rc = t.wol({ 'review', '--week', '2026-W10' }, solo, env)
    assert.are.equal(0, rc, err)
    assert.matches('Journal: 1 of 7 days written %(Wed%)', out)
    assert.is_nil(out:find('## Notes shared', 1, true))
    assert.matches('\n## Reflect\n\n### ', out)
    if interp == 'luajit' then
      local ctx = assert(require('wol.core').open({ home = solo.wol_home, today = '2026-03-06' }))
      assert.matches('2026%-W10', ctx:review_offer('2026-03-06'))
      assert.is_nil(ctx:review_offer('2026-03-05'))
      ctx:close()
    end
    _, err, rc = t.wol({ 'review', '--save' }, solo, env)
    assert.are.equal(0, rc, err)
    assert.are.equal('600', mode(solo.wol_home .. '/journal/2026/2026-W10.md'))
  end)
end)
