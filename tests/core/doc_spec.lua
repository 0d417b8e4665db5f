-- Markdown documents with YAML front matter, read and written with libyaml.
local core = require('wol.core')

describe('front matter documents', function()
  it('reads front matter and body', function()
    local d = assert(core.parse_doc('---\ntitle: "Hello: world"\ntags: [a, b]\nweek: 3\n---\n# Body\ntext\n'))
    assert.are.same({ title = 'Hello: world', tags = { 'a', 'b' }, week = '3' }, d.meta)
    assert.are.equal('# Body\ntext\n', d.body)
    assert.are.equal(6, d.body_line)
  end)

  it('treats a file without front matter as all body', function()
    local d = assert(core.parse_doc('just text\n---\nmore\n'))
    assert.are.same({}, d.meta)
    assert.are.equal('just text\n---\nmore\n', d.body)
  end)

  it('accepts CRLF line ends, a byte order mark and an empty block', function()
    local d = assert(core.parse_doc('\239\187\191---\r\ntitle: x\r\n---\r\nbody'))
    assert.are.equal('x', d.meta.title)
    assert.are.equal('body', d.body)
    local e = assert(core.parse_doc('---\n---\nbody'))
    assert.are.same({}, e.meta)
  end)

  it('names the file and line of broken YAML', function()
    local d, err = core.parse_doc('---\ntitle: ok\nbad: [unclosed\n---\n', 'prompts/x.md')
    assert.is_nil(d)
    assert.matches('^wol: prompts/x%.md:%d+: front matter: ', err)
  end)

  it('refuses an unclosed block, non-mapping front matter and duplicate keys', function()
    local _, e1 = core.parse_doc('---\ntitle: x\n', 'a.md')
    assert.matches("a%.md:1: front matter: opening '%-%-%-' has no closing", e1)
    local _, e2 = core.parse_doc('---\n- a\n- b\n---\n', 'b.md')
    assert.matches('b%.md:2: front matter: must be a mapping', e2)
    local _, e3 = core.parse_doc('---\na: 1\na: 2\n---\n', 'c.md')
    assert.matches("c%.md:3: front matter: duplicate key 'a'", e3)
  end)

  it('refuses aliases and deep nesting (front matter bombs)', function()
    local bomb = '---\na: &a [x, x, x]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n---\n'
    local _, e1 = core.parse_doc(bomb, 'bomb.md')
    assert.matches('aliases', e1)
    local deep = '---\nk: ' .. string.rep('[', 100) .. string.rep(']', 100) .. '\n---\n'
    local _, e2 = core.parse_doc(deep, 'deep.md')
    assert.matches('nested too deeply', e2)
  end)

  it('writes front matter that reads back the same, keeping unknown keys', function()
    local text = '---\ntitle: "Quoted: yes"\nfuture_key: {nested: value}\nlist: [one, two]\n---\nBody\n'
    local d = assert(core.parse_doc(text))
    local out = assert(core.render_doc(d.meta, d.body))
    local again = assert(core.parse_doc(out))
    assert.are.same(d.meta, again.meta)
    assert.are.equal('Body\n', again.body)
    assert.matches('^%-%-%-\n', out)
  end)

  it('escapes values that would otherwise break the YAML', function()
    local meta = { title = 'a: b # c\n---\nd', weird = "it's \"quoted\"", empty = '' }
    local out = assert(core.render_doc(meta, 'x'))
    local d = assert(core.parse_doc(out))
    assert.are.equal(meta.title, d.meta.title)
    assert.are.equal(meta.weird, d.meta.weird)
    assert.are.equal('x', d.body)
  end)
end)
