-- Members who use plain git: mallory never runs wol; she clones the circle
-- from a git daemon on loopback and commits and pushes with the git CLI.
-- Her own note is hers; but she also edits bo's note, edits an answer and
-- removes an event (records the format writes once) and changes circle.md,
-- which she did not create. The sync keeps all of it (git is the truth)
-- and says so: warnings, `foreign_edits` in --json with the commit and its
-- author, a digest that credits mallory, not the folders' owners; the
-- thread and the note list mark what was edited and show what was removed.
local t = require('wolt')
local S = require('synct')
local json = require('dkjson')
local interp = os.getenv('WOL_TEST_INTERP') or 'luajit'

local function sh_ok(cmd)
  local out, rc = t.sh(cmd)
  assert(rc == 0, cmd .. '\n' .. out)
  return out
end

local function ok(args, member)
  local out, err, rc = t.wol(args, member, { SSH_AUTH_SOCK = '' })
  assert(rc == 0, table.concat(args, ' ') .. ' (exit ' .. rc .. '): ' .. out .. err)
  return out, err
end

describe('a member who uses plain git', function()
  if interp ~= 'luajit' then return end -- drives the CLI and git; one run is enough

  local d, ana, bo, adir, m, qid, aid, eid, sum
  local commits = {}

  setup(function()
    d = S.daemon()
    d.bare('c')
    ana, bo = t.member('ana'), t.member('bo')
    adir = S.init(ana, d.url('c'))
    ok({ 'sync' }, ana)
    S.join(bo, d.url('c'))
    S.share(bo, 'notes/bo/plan.md', '# Plan\n\nbo wrote this\n')
    qid = json.decode((ok({ 'ask', 'How to start?', '-m', 'details', '--json' }, bo))).qid
    ok({ 'sync' }, bo)
    ok({ 'sync' }, ana)
    aid = json.decode((ok({ 'answer', qid, '-m', 'start small', '--json' }, ana))).id
    ok({ 'sync' }, ana)
    ok({ 'sync' }, bo)
    eid = json.decode((ok({ 'resolve', qid, '-m', 'small steps helped', '--json' }, bo))).id
    ok({ 'sync' }, bo)
    ok({ 'sync' }, ana)
    -- mallory: git only
    m = t.tmpdir('mallory') .. '/c'
    sh_ok(string.format('git clone -q %s %s', t.shquote(d.url('c')), t.shquote(m)))
    local g = 'cd ' .. t.shquote(m) .. ' && git -c user.name=Mallory -c user.email=mallory@example.org '
    local function commit(msg)
      sh_ok(g .. 'add -A && ' .. g .. 'commit -q -m ' .. t.shquote(msg))
      commits[msg] = sh_ok(g .. 'rev-parse HEAD'):match('%x+')
    end
    t.write(m .. '/members/mallory.md', '---\nname: Mallory\njoined: 2026-03-02\n---\n')
    commit('mallory joins')
    t.write(m .. '/notes/mallory/own.md', '# Mine\n\nwritten with git\n')
    commit('my note')
    t.write(m .. '/notes/bo/plan.md', '# Plan\n\nmallory rewrote this\n')
    commit('fix bo note')
    local apath = string.format('%s/questions/%s/answers/%s.md', m, qid, aid)
    t.write(apath, (t.read(apath):gsub('start small', 'start big')))
    commit('fix answer')
    sh_ok(g .. 'rm -q ' .. t.shquote(string.format('questions/%s/events/%s.md', qid, eid)))
    commit('drop resolve')
    t.write(m .. '/circle.md', (t.read(m .. '/circle.md'):gsub('weeks: 12', 'weeks: 6')))
    commit('shorter program')
    sh_ok(g .. 'push -q origin main')
    -- ana syncs what mallory pushed
    local out, err, rc = S.sync(ana)
    assert(rc == 0, out .. err)
    sum = S.decode(out)
  end)

  teardown(function()
    if d then d.stop() end
  end)

  it('the sync keeps every change, reports the ones wol never makes, and credits mallory', function()
    local got = {}
    for _, f in ipairs(sum.foreign_edits or {}) do
      got[#got + 1] = string.format('%s %s %s', f.path, f.commit:sub(1, 12), f.author)
    end
    table.sort(got)
    local want = {
      'circle.md ' .. commits['shorter program']:sub(1, 12) .. ' mallory',
      'notes/bo/plan.md ' .. commits['fix bo note']:sub(1, 12) .. ' mallory',
      string.format('questions/%s/answers/%s.md %s mallory', qid, aid, commits['fix answer']:sub(1, 12)),
      string.format('questions/%s/events/%s.md %s mallory', qid, eid, commits['drop resolve']:sub(1, 12)),
    }
    table.sort(want)
    assert.are.same(want, got)
    -- git is the truth: the files are as mallory left them
    assert.are.equal('# Plan\n\nmallory rewrote this\n', t.read(adir .. '/notes/bo/plan.md'))
    assert.is_false(t.exists(string.format('%s/questions/%s/events/%s.md', adir, qid, eid)))
    -- the warnings name each, and the digest credits the commit author
    local warns = table.concat(sum.warnings, '\n')
    assert.matches('mallory edited notes/bo/plan%.md outside wol', warns)
    assert.matches('mallory removed questions/[^\n]*/events/', warns)
    assert.matches('2 notes from mallory', sum.digest or '', 1, false)
    assert.not_matches('from bo', sum.digest or '')
  end)

  it('the thread shows the edited answer and the removed event; the note list the edited note', function()
    local out = ok({ 'show', qid }, ana)
    assert.matches('start big', out)
    assert.matches('!! edited by mallory outside wol, commit ' .. commits['fix answer']:sub(1, 8), out)
    assert.matches('small steps helped', out) -- the removed event, from the history
    assert.matches('!! removed by mallory outside wol, commit ' .. commits['drop resolve']:sub(1, 8), out)
    assert.matches('^open by bo', out:match('\n(.-)\n')) -- not replayed: the files say open
    local q = json.decode((ok({ 'show', qid, '--json' }, ana)))
    local removed = 0
    for _, r in ipairs(q.records) do
      if r.removed then
        removed = removed + 1
        assert.are.equal(eid, r.id)
      end
    end
    assert.are.equal(1, removed)
    out = ok({ 'notes' }, ana)
    assert.matches('notes/bo/plan%.md %(edited by mallory outside wol, commit ' .. commits['fix bo note']:sub(1, 8) .. '%)', out)
    assert.matches('notes/mallory/own%.md\n', out) -- her own note: nothing to say
    -- the binding gives the same to the editor
    local core = t.core()
    local ctx = assert(core.open({ home = ana.wol_home }))
    local c = assert(ctx:circle_open('c'))
    for _, n in ipairs(assert(c:notes())) do
      if n.path == 'notes/bo/plan.md' then
        assert.matches('^edited by mallory outside wol', n.outside)
      else
        assert.is_nil(n.outside, n.path)
      end
    end
    c:close()
    ctx:close()
  end)

  it('the thread buffer in Neovim marks them too', function()
    local out, rc = require('nvimt').child({
      'lua require("wol.questions").open_thread("' .. qid .. '")',
      'lua io.stdout:write(table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), "\\n") .. "\\n")',
    }, { member = ana })
    assert.are.equal(0, rc, out)
    assert.matches('!! edited by mallory outside wol', out)
    assert.matches('!! removed by mallory outside wol', out)
  end)
end)
