-- Fuzzing as regression tests: the committed corpus of every libFuzzer
-- target (tests/fuzz/corpus/<target>) replayed through the ASan build, and a
-- bounded run of the Lua binding fuzzer in this interpreter (under the ASan
-- build too, in the sanitizer suite). `make fuzz` runs the long versions.
local t = require('wolt')
local core = require('wol.core')
local interp = os.getenv('WOL_TEST_INTERP') or 'luajit'

local function targets()
  local out = t.sh('ls ' .. t.shquote(t.root .. '/tests/fuzz/corpus'))
  local list = {}
  for name in out:gmatch('%S+') do list[#list + 1] = name end
  return list
end

describe('fuzz corpus', function()
  -- the replay binaries are ASan builds of their own: once is enough
  if interp ~= 'luajit' then return end

  it('has seeds for every fuzz target', function()
    local list = targets()
    assert.is_true(#list >= 4, 'fuzz targets: ' .. table.concat(list, ' '))
    for _, name in ipairs(list) do
      assert.is_true(t.exists(t.root .. '/tests/fuzz/fuzz_' .. name .. '.c'), name)
      local n = t.sh('ls ' .. t.shquote(t.root .. '/tests/fuzz/corpus/' .. name) .. ' | wc -l')
      assert.is_true(tonumber(n) > 0, name .. ' has no seeds')
    end
  end)

  for _, name in ipairs(targets()) do
    it('replays the ' .. name .. ' corpus without a crash or a failed check', function()
      local bin = t.root .. '/build/asan/fuzz/' .. name
      assert.is_true(t.exists(bin), bin .. ' is not built (make test builds it)')
      local scratch = t.tmpdir('fuzz-' .. name)
      local out, rc = t.sh(string.format(
        'cd %s && WOL_FUZZ_TMP=%s ASAN_OPTIONS=detect_leaks=1 %s %s 2>&1',
        t.shquote(scratch), t.shquote(scratch), t.shquote(bin),
        t.shquote(t.root .. '/tests/fuzz/corpus/' .. name)))
      assert.are.equal(0, rc, out)
      assert.matches('replayed %d+ inputs', out)
    end)
  end
end)

describe('Lua binding fuzzer', function()
  it('calls every function and method with random arguments without a crash', function()
    package.path = t.root .. '/tests/fuzz/?.lua;' .. package.path
    _G.unpack = _G.unpack or table.unpack
    local dir = t.tmpdir('luafuzz')
    -- fewer calls in the sanitizer suite (WOL_BIN is its ASan CLI): slower
    local calls = os.getenv('WOL_BIN') and 1500 or 4000
    local stats = require('lua_api').run({ core = core, dir = dir, calls = calls, seed = 20260314 })
    assert.are.equal(calls, stats.calls)
    assert.is_true(stats.functions >= 5, 'functions found: ' .. stats.functions)
    assert.is_true(stats.methods >= 10, 'methods found: ' .. stats.methods)
    -- the run reached the library, not only the argument checks
    assert.is_true(stats.ok > calls / 20, 'calls that succeeded: ' .. stats.ok)
    assert.is_true(stats.failed > calls / 400, 'runtime failures: ' .. stats.failed)
    -- nothing was written outside the scratch directory's homes
    local out = t.sh('ls -A ' .. t.shquote(dir))
    for entry in out:gmatch('%S+') do
      assert.matches('^home%d$', entry)
    end
  end)
end)

describe('inputs the fuzzers found', function()
  it('a body that starts like front matter survives rendering with no front matter', function()
    -- found by fuzz_doc: "---\n---\n---\na: b\n---\n" came back with a: b
    local d = assert(core.parse_doc('---\n---\n---\na: b\n---\n'))
    assert.are.same({}, d.meta)
    local out = assert(core.render_doc(d.meta, d.body))
    local again = assert(core.parse_doc(out))
    assert.are.same({}, again.meta)
    assert.are.equal(d.body, again.body)
    -- an unclosed '---' as the body is not refused when read back
    again = assert(core.parse_doc(assert(core.render_doc({}, '---\nnot yaml'))))
    assert.are.equal('---\nnot yaml', again.body)
  end)

  it('values that read back as null or change quoting render the same way twice', function()
    -- found by fuzz_doc: a folded "null" became empty; quoting flipped
    local text = "---\nc: ~\nd: null\ne: |\n  line one\n  line two\nf: >-\n  null\n---\n"
    local d = assert(core.parse_doc(text))
    assert.are.equal('', d.meta.c)
    assert.are.equal('null', d.meta.f)
    local once = assert(core.render_doc(d.meta, d.body))
    local d2 = assert(core.parse_doc(once))
    assert.are.same(d.meta, d2.meta)
    -- the same lines (a Lua table has no key order, so compare them sorted)
    local function lines(s)
      local l = {}
      for line in s:gmatch('[^\n]*') do l[#l + 1] = line end
      table.sort(l)
      return table.concat(l, '\n')
    end
    assert.are.equal(lines(once), lines(assert(core.render_doc(d2.meta, d2.body))))
  end)

  it('logging into an entry that is just "---" keeps it readable', function()
    -- found by fuzz_journal: the new "## Log" section turned "---" into an
    -- unclosed front matter
    local ctx = assert(core.open({ home = t.tmpdir('fuzzfound'), today = '2026-03-15' }))
    local path = ctx:journal_path('2026-03-15')
    t.write(path, '---')
    assert(ctx:journal_log('hello', { time = '09:30' }))
    local text = t.read(path)
    local d = assert(core.parse_doc(text))
    assert.matches('^%-%-%-\n', d.body)
    assert.matches('%- 09:30 hello', d.body)
    assert.is_not_nil(ctx:journal_list())
    ctx:close()
  end)
end)

describe('inputs the fuzzers found (journal front matter ending without a newline)', function()
  it('logging into an entry whose closing "---" ends the file keeps it readable', function()
    -- found by fuzz_journal: "---\n---" became "---\n---## Log"
    local ctx = assert(core.open({ home = t.tmpdir('fuzzfound2'), today = '2026-03-15' }))
    local path = ctx:journal_path('2026-03-15')
    t.write(path, '---\ntitle: x\n---')
    assert(ctx:journal_log('hello', { time = '09:30' }))
    local d = assert(core.parse_doc(t.read(path)))
    assert.are.equal('x', d.meta.title)
    assert.matches('^## Log\n\n%- 09:30 hello', d.body)
    ctx:close()
  end)
end)
