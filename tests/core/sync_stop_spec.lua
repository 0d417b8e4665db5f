-- A sync stopped while it writes the work tree (tests/chaos/sync_stop.sh):
-- SIGKILL and SIGTERM at points spread over a checkout of a few hundred
-- files (strace fault injection, so the points are chosen, not timed), for
-- a fast-forward and for a merge. The next sync simply continues; a
-- stopped (SIGTERM) sync finishes its step first. `make chaos` runs the
-- same with more points and more files. Beside it, the rules for what the
-- work tree held before a checkout: someone else's file changed here and
-- not shared is kept aside and the circle's version written; one's own
-- note changed and not shared is never touched.
local t = require('wolt')
local S = require('synct')
local interp = os.getenv('WOL_TEST_INTERP') or 'luajit'

local function sh_ok(cmd)
  local out, rc = t.sh(cmd)
  assert(rc == 0, cmd .. '\n' .. out)
  return out
end

describe('a sync stopped part way', function()
  if interp ~= 'luajit' then return end -- drives the CLI; one run is enough

  it('continues after SIGKILL and finishes its step on SIGTERM (18 stops, 2 x ~220 paths)', function()
    if select(2, t.sh('command -v strace')) ~= 0 then
      pending('strace is needed to stop a sync at chosen points (make deps-test installs it)')
      return
    end
    local out, rc = t.sh(string.format('bash %s %s 3 120 2>&1', t.shquote(t.root .. '/tests/chaos/sync_stop.sh'),
      t.shquote(t.tmpdir('syncstop'))))
    assert.are.equal(0, rc, out)
    local stops, inside, recovered, failures = out:match(
      'sync%-stop: (%d+) stops, (%d+) in the checkout, (%d+) recovered, (%d+) failures')
    assert.is_not_nil(stops, out)
    assert.are.equal('18', stops, out)
    assert.are.equal('18', inside, out) -- every point fell inside the checkout
    assert.are.equal('18', recovered, out)
    assert.are.equal('0', failures, out)
  end)

  it("keeps aside someone else's file changed here; never touches one's own note", function()
    local srv = t.tmpdir('stop-srv')
    local bare = srv .. '/c.git'
    sh_ok('git init -q --bare -b main ' .. t.shquote(bare))
    local ana, bo = t.member('ana'), t.member('bo')
    local adir = S.init(ana, bare)
    assert.are.equal(0, select(3, S.sync(ana)))
    local bdir = S.join(bo, bare)
    S.share(bo, 'notes/bo/plan.md', '# Plan\n\nfirst\n')
    S.share(ana, 'notes/ana/mine.md', '# Mine\n\nfirst\n')
    assert.are.equal(0, select(3, S.sync(bo)))
    assert.are.equal(0, select(3, S.sync(ana)))
    assert.are.equal(0, select(3, S.sync(bo)))
    -- ana edits bo's note in her clone and does not share it; bo changes it
    t.write(adir .. '/notes/bo/plan.md', '# Plan\n\nana wrote this here\n')
    t.write(bdir .. '/notes/bo/plan.md', '# Plan\n\nsecond\n')
    sh_ok(string.format('cd %s && git -c user.name=bo -c user.email=bo@x commit -qam "bo: second" && git push -q origin main', t.shquote(bdir)))
    local out, err, rc = S.sync(ana)
    assert.are.equal(0, rc, out .. err)
    assert.are.equal('# Plan\n\nsecond\n', t.read(adir .. '/notes/bo/plan.md'))
    local kept = table.concat(S.decode(out).warnings, '\n'):match('your copy is kept as (%S+) and')
    assert.is_not_nil(kept, err)
    assert.are.equal('# Plan\n\nana wrote this here\n', t.read(kept))
    assert.matches('^' .. (adir .. '/.git/wol-kept/'):gsub('%p', '%%%0'), kept)
    -- her own note changed on disk, not shared, and changed elsewhere: the
    -- sync refuses as before and leaves her words alone
    local ana2 = t.member('ana')
    local a2dir = S.join(ana2, bare)
    t.write(a2dir .. '/notes/ana/mine.md', '# Mine\n\nfrom the other machine\n')
    sh_ok(string.format('cd %s && git -c user.name=ana -c user.email=ana@x commit -qam "ana: elsewhere" && git push -q origin main', t.shquote(a2dir)))
    t.write(adir .. '/notes/ana/mine.md', '# Mine\n\nunsaved words\n')
    out, err, rc = S.sync(ana)
    assert.are.equal(1, rc, out .. err)
    assert.matches('notes/ana/mine%.md changed on disk but not shared', err)
    assert.are.equal('# Mine\n\nunsaved words\n', t.read(adir .. '/notes/ana/mine.md'))
  end)
end)
