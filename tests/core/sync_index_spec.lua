-- `wol sync` keeps an existing search index up to date with what it
-- brought (a tree diff of the new commits), so a search without its own
-- refresh already finds the new note.
local t = require('wolt')

local function ok(out, err, rc)
  assert.are.equal(0, rc, (out or '') .. (err or ''))
  return out
end

describe('wol sync and the index', function()
  it('indexes what a sync brought, when the user has an index', function()
    local ana, bo = t.member('ana'), t.member('bo')
    local bare = t.tmpdir('origin') .. '/circle.git'
    t.sh('git init -q --bare ' .. t.shquote(bare))
    ok(t.wol({ 'init', 'pond', '--remote', bare }, ana))
    ok(t.wol({ 'sync' }, ana))
    ok(t.wol({ 'join', bare, 'pond' }, bo))
    ok(t.wol({ 'index' }, ana))

    local note = bo.wol_home .. '/circles/pond/notes/bo/lilies.md'
    t.write(note, '---\ntitle: Lilies\n---\nThe nymphaeaceous plan.\n')
    ok(t.wol({ 'share', note }, bo))
    ok(t.wol({ 'sync' }, bo))

    local before = ok(t.wol({ 'search', '--no-refresh', '--json', 'nymphaeaceous' }, ana))
    assert.not_matches('lilies%.md', before)
    ok(t.wol({ 'sync' }, ana))
    local after = ok(t.wol({ 'search', '--no-refresh', '--json', 'nymphaeaceous' }, ana))
    assert.matches('notes/bo/lilies%.md', after)
  end)

  it('creates no index for a user who never searched', function()
    local cy = t.member('cy')
    local bare = t.tmpdir('origin2') .. '/c.git'
    t.sh('git init -q --bare ' .. t.shquote(bare))
    ok(t.wol({ 'init', 'quiet', '--remote', bare }, cy))
    ok(t.wol({ 'sync' }, cy))
    assert.is_false(t.exists(cy.wol_home .. '/index.db'))
  end)
end)
