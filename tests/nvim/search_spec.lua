-- :WolSearch in real headless Neovim: quickfix list, picker, messages,
-- lazy refresh, a damaged index.
local t = require('wolt')
local nt = require('nvimt')

local function doc(home, rel, meta, body)
  local lines = { '---' }
  for _, kv in ipairs(meta) do
    table.insert(lines, kv[1] .. ': ' .. kv[2])
  end
  table.insert(lines, '---')
  t.write(home .. '/' .. rel, table.concat(lines, '\n') .. '\n' .. body)
end

local member

local function setup_home()
  member = t.member('sam')
  local h = member.wol_home
  doc(h, 'journal/2026/2026-11-20.md', { { 'date', '2026-11-20' } },
    '# Thursday\n\nSketched the release checklist.\n')
  t.sh('mkdir -p ' .. t.shquote(h .. '/circles/team') .. ' && git init -q ' .. t.shquote(h .. '/circles/team'))
  doc(h, 'circles/team/notes/ana/release.md', { { 'title', 'Release checklist draft' }, { 'author', 'ana' },
    { 'created', '2026-11-18T09:00:00Z' } }, 'Steps:\n\n- tag\n- announce\n')
  doc(h, 'circles/team/questions/20261119T100000Z-ana-0a0a/question.md', { { 'title', 'Who signs releases?' },
    { 'author', 'ana' }, { 'created', '2026-11-19T10:00:00Z' }, { 'lamport', '1' } }, 'Need a second reviewer.\n')
  nt.become(member)
end

describe(':WolSearch', function()
  before_each(function()
    setup_home()
    vim.cmd('silent! cclose')
    vim.fn.setqflist({}, 'r')
  end)

  it('fills the quickfix list with file, line of the first match and a snippet, and opens it', function()
    local seen = nt.notifications(function()
      vim.cmd('WolSearch checklist')
    end)
    assert.are.same({}, seen)
    local qf = vim.fn.getqflist({ title = 1, items = 1 })
    assert.are.equal('WolSearch checklist', qf.title)
    assert.are.equal(2, #qf.items)
    local first = qf.items[1]
    -- the title match ranks the note first
    assert.are.equal(member.wol_home .. '/circles/team/notes/ana/release.md', vim.api.nvim_buf_get_name(first.bufnr))
    assert.are.equal(2, first.lnum) -- "title: Release checklist draft"
    assert.matches('^%[note ana%] Release checklist draft: ', first.text)
    local second = qf.items[2]
    assert.are.equal(member.wol_home .. '/journal/2026/2026-11-20.md', vim.api.nvim_buf_get_name(second.bufnr))
    assert.are.equal(6, second.lnum) -- "Sketched the release checklist."
    assert.matches('Sketched the release checklist', second.text)
    assert.are.equal('qf', vim.bo.filetype)
  end)

  it('with ! offers the results through vim.ui.select and jumps to the choice', function()
    local offered
    local real = vim.ui.select
    vim.ui.select = function(items, opts, on_choice)
      offered = { n = #items, prompt = opts.prompt, label = opts.format_item(items[1]) }
      on_choice(items[1])
    end
    local ok, err = pcall(vim.cmd, 'WolSearch! signs')
    vim.ui.select = real
    assert.is_true(ok, err)
    assert.are.same({ n = 1, prompt = 'wol search: signs', label = '[question ana open] Who signs releases?: Need a second reviewer.' }, offered)
    assert.are.equal(member.wol_home .. '/circles/team/questions/20261119T100000Z-ana-0a0a/question.md',
      vim.api.nvim_buf_get_name(0))
    assert.are.same({ 2, 0 }, vim.api.nvim_win_get_cursor(0))
  end)

  it('says clearly what is wrong with a bad query, and when nothing matches', function()
    local seen = nt.notifications(function()
      vim.cmd('WolSearch kind:blog release')
    end)
    assert.are.equal(1, #seen)
    assert.are.equal('wol: search: kind:blog: expected journal, note, question, answer, feedback or person', seen[1].msg)
    assert.are.equal(vim.log.levels.ERROR, seen[1].level)
    seen = nt.notifications(function()
      vim.cmd('WolSearch "(" NEAR')
    end)
    assert.are.equal(1, #seen)
    assert.are.equal('wol: search: no matches for "(" NEAR', seen[1].msg)
    assert.are.equal(0, #vim.fn.getqflist())
  end)

  it('refreshes lazily: a file written outside Neovim is found by the next search', function()
    vim.cmd('WolSearch checklist')
    assert.are.equal(2, #vim.fn.getqflist())
    doc(member.wol_home, 'circles/team/notes/ana/more.md', { { 'title', 'Another checklist' } }, 'x\n')
    t.sh('sleep 0.03') -- past the clock tick of the write, so the search records it for good
    vim.cmd('WolSearch checklist')
    assert.are.equal(3, #vim.fn.getqflist())
    local rep = assert(require('wol.search').refresh())
    assert.are.equal(0, rep.read)
    assert.are.equal(4, rep.docs)
  end)

  it('finds the people on your list (kind person) and <CR> opens the person\'s file', function()
    local people = require('wol.people')
    local p = people.add_person({ name = 'Dana Ortiz', relation = 'runs the release train' })
    vim.cmd('WolGive dana-ortiz reviewed my checklist')
    -- add and give told the index at once: found without a walk
    local c = assert(require('wol').ctx())
    local hits = assert(c:search('kind:person release', { refresh = false }))
    assert.are.equal(1, #hits)
    assert.are.equal(p.abs, hits[1].abspath)
    vim.cmd('WolSearch checklist')
    local items = vim.fn.getqflist()
    assert.are.equal(3, #items)
    local at
    for i, it in ipairs(items) do
      if it.text:find('[person] Dana Ortiz: ', 1, true) == 1 then
        at = i
      end
    end
    assert.is_not_nil(at, vim.inspect(items))
    local lnum = items[at].lnum
    assert.are.equal('- ', vim.fn.readfile(p.abs)[lnum]:sub(1, 2)) -- the contribution line
    vim.cmd('WolSearch kind:person')
    assert.are.equal(1, #vim.fn.getqflist())
    -- in the quickfix window, <CR> opens the file at the hit
    assert.are.equal('qf', vim.bo.filetype)
    vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes('<CR>', true, false, true), 'x', false)
    assert.are.equal(p.abs, vim.api.nvim_buf_get_name(0))
    -- removed: no longer found
    assert(c:person_rm('dana-ortiz'))
    vim.cmd('silent! cclose')
    local seen = nt.notifications(function()
      vim.cmd('WolSearch kind:person')
    end)
    assert.are.equal('wol: search: no matches for kind:person', seen[1].msg)
  end)

  it('honours setup({ search = { limit = n } })', function()
    require('wol').setup({ search = { limit = 1 } })
    vim.cmd('WolSearch checklist')
    assert.are.equal(1, #vim.fn.getqflist())
    require('wol').setup({})
    assert.has_error(function() require('wol').setup({ search = { limit = 'many' } }) end)
    require('wol').setup({})
  end)

  it('builds a big new index in the background: searches meanwhile say indexing N/M', function()
    local h = member.wol_home
    for i = 1, 520 do -- past the size that is built in place
      t.write(string.format('%s/journal/2025/2025-01-%02d-%03d.md', h, i % 28 + 1, i),
        string.format('# Day %d\n\nWrote about the bulkmarker%d topic.\n', i, i))
    end
    local seen = nt.notifications(function()
      vim.cmd('WolSearch bulkmarker7')
    end)
    -- the command came back at once: the build runs in its own process
    assert.is_string(require('wol.search').indexing())
    assert.are.equal(1, #seen)
    assert.matches('^wol: indexing %d+/%d+ files in the background', seen[1].msg)
    assert.matches('search again when it is done', seen[1].msg)
    -- a write meanwhile waits for the build instead of blocking on its lock
    local rep, why = require('wol.search').refresh({ paths = { h .. '/journal/2026/2026-11-20.md' } })
    assert.is_nil(rep)
    assert.matches('^wol: indexing', why)
    local done = nt.notifications(function()
      assert.is_true(vim.wait(60000, function() return require('wol.search').indexing() == nil end, 20))
    end)
    assert.are.equal('wol: index built: 523 documents', done[1] and done[1].msg)
    seen = nt.notifications(function()
      vim.cmd('WolSearch bulkmarker7')
    end)
    assert.are.same({}, seen)
    local qf = vim.fn.getqflist()
    assert.are.equal(1, #qf)
    assert.are.equal(h .. '/journal/2025/2025-01-08-007.md', vim.api.nvim_buf_get_name(qf[1].bufnr))
  end)

  it('rebuilds a damaged index.db and tells the user', function()
    vim.cmd('WolSearch checklist')
    t.write(member.wol_home .. '/index.db', string.rep('garbage ', 1000))
    local seen = nt.notifications(function()
      vim.cmd('WolSearch checklist')
    end)
    assert.are.equal(1, #seen)
    assert.matches('^wol: index: .*index%.db was damaged', seen[1].msg)
    assert.are.equal(vim.log.levels.WARN, seen[1].level)
    assert.are.equal(2, #vim.fn.getqflist())
  end)
end)
