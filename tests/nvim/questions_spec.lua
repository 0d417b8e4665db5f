-- Circle questions in real headless Neovim: :WolAsk buffers (:w asks,
-- quitting drops), the thread buffer and its keys, :WolQuestions through
-- vim.ui.select, :WolAnswer / :WolResolve, refusals, and `User WolQuestion`
-- after a sync. Other members work through the CLI on their own clones of
-- a local bare repository (real git push / pull).
local t = require('wolt')
local nt = require('nvimt')
local api = vim.api

local ana, bo, dir, bodir, bare

local function subjects(d)
  return (t.git(d or dir, 'log --format=%s'))
end

local function count(d)
  return tonumber((t.git(d or dir, 'rev-list --count HEAD')):match('%d+'))
end

local function lines()
  return api.nvim_buf_get_lines(0, 0, -1, false)
end

local function text()
  return table.concat(lines(), '\n')
end

local function feed(keys)
  api.nvim_feedkeys(api.nvim_replace_termcodes(keys, true, false, true), 'mx', false)
end

local function last_notice(fn)
  local seen = nt.notifications(fn)
  return seen[#seen] or { msg = '' }, seen
end

local function wait_for(fn)
  assert(vim.wait(5000, fn, 10), debug.traceback('timed out'))
end

-- writes start a background `wol sync` (sync.after_share): wait for it
-- before git touches the same repositories
local function settle()
  local ok, sync = pcall(require, 'wol.sync')
  if ok and sync.is_running then
    wait_for(function()
      return not sync.is_running('spring')
    end)
  end
end

-- bo: a member with a clone; pull / push are real git
local function bo_push()
  settle()
  local out, rc = t.git(bodir, 'pull -q --no-rebase --no-edit origin main', bo)
  assert.are.equal(0, rc, out)
  out, rc = t.git(bodir, 'push -q origin HEAD:main', bo)
  assert.are.equal(0, rc, out)
end

local function ana_sync()
  settle()
  local out, rc = t.git(dir, 'pull -q --no-rebase --no-edit origin main', ana)
  assert.are.equal(0, rc, out)
  out, rc = t.git(dir, 'push -q origin HEAD:main', ana)
  assert.are.equal(0, rc, out)
end

local function with_select(pick, fn)
  local real = vim.ui.select
  local seen = {}
  vim.ui.select = function(items, opts, on_choice)
    for _, it in ipairs(items) do
      table.insert(seen, opts.format_item and opts.format_item(it) or tostring(it))
    end
    on_choice(pick and items[pick(items)] or nil)
  end
  local ok, err = pcall(fn)
  vim.ui.select = real
  assert(ok, err)
  return seen
end

local function with_input(answer, fn)
  local real = vim.ui.input
  vim.ui.input = function(_, on_confirm)
    on_confirm(answer)
  end
  local ok, err = pcall(fn)
  vim.ui.input = real
  assert(ok, err)
end

describe('questions in the editor', function()
  setup(function()
    ana = t.member('ana')
    bo = t.member('bo')
    local _, err, rc = t.wol({ 'init', 'spring' }, ana)
    assert(rc == 0, err)
    dir = ana.wol_home .. '/circles/spring'
    bare = t.tmpdir('bare') .. '/spring.git'
    t.sh('git clone -q --bare ' .. t.shquote(dir) .. ' ' .. t.shquote(bare))
    t.git(dir, 'remote add origin ' .. t.shquote(bare), ana)
    t.git(dir, 'fetch -q origin', ana)
    _, err, rc = t.wol({ 'join', bare, 'spring' }, bo)
    assert(rc == 0, err)
    bodir = bo.wol_home .. '/circles/spring'
    bo_push()
    ana_sync()
    nt.become(ana)
  end)
  after_each(function()
    vim.cmd('silent! only!')
    vim.cmd('silent! %bwipeout!')
  end)

  it(':WolAsk opens a question buffer; :w commits it and shows the thread', function()
    local before = count()
    vim.cmd('WolAsk How do I get feedback early?')
    local buf = api.nvim_get_current_buf()
    assert.matches('^wol://ask/spring/', api.nvim_buf_get_name(buf))
    assert.are.equal('acwrite', vim.bo.buftype)
    assert.are.equal('How do I get feedback early?', lines()[1])
    api.nvim_buf_set_lines(buf, 2, -1, false, { 'I share drafts too late.', 'Any habits that help?' })
    local n = last_notice(function()
      vim.cmd('write')
    end)
    assert.matches("^wol: asked 'How do I get feedback early%?' in spring", n.msg)
    assert.are.equal(before + 1, count())
    assert.matches('^ask%(ana%): How do I get feedback early%?\n', subjects())
    wait_for(function()
      return vim.bo.filetype == 'wolthread'
    end)
    assert.is_false(api.nvim_buf_is_valid(buf))
    assert.matches('^wol://question/%d+T%d+Z%-ana%-%x+$', api.nvim_buf_get_name(0))
    assert.is_false(vim.bo.modifiable)
    assert.are.equal('nofile', vim.bo.buftype)
    local l = lines()
    assert.are.equal('# How do I get feedback early?', l[1])
    assert.matches('^open · asked by ana · just now$', l[2])
    assert.matches('I share drafts too late%.\nAny habits that help%?', text())
    local qid = api.nvim_buf_get_name(0):match('question/(.*)$')
    local q = t.read(dir .. '/questions/' .. qid .. '/question.md')
    assert.matches('\n\nI share drafts too late%.\nAny habits that help%?\n$', q)
    -- the push happened in the background (sync.after_share)
    settle()
    assert.are.equal(t.git(dir, 'rev-parse HEAD'), t.git(bare, 'rev-parse main'))
  end)

  it('quitting a question buffer without writing creates nothing; empty titles are refused', function()
    local before = count()
    local files = t.git(dir, 'ls-files questions')
    vim.cmd('WolAsk Never mind')
    vim.cmd('bwipeout!')
    assert.are.equal(before, count())
    assert.are.equal(files, t.git(dir, 'ls-files questions'))
    vim.cmd('WolAsk')
    api.nvim_buf_set_lines(0, 2, -1, false, { 'a body without a title' })
    local n = last_notice(function()
      vim.cmd('write')
    end)
    assert.matches('^wol: ask: a title is needed; nothing was written', n.msg)
    assert.are.equal(vim.log.levels.ERROR, n.level)
    assert.is_true(vim.bo.modified) -- the text is still there
    assert.are.equal('a body without a title', lines()[3])
    assert.are.equal(before, count())
    assert.are.equal('', t.git(dir, 'status --porcelain'))
  end)

  it(':WolAsk from a shared note asks about it', function()
    vim.cmd('WolNote Draft of the guide')
    vim.cmd('WolShare')
    local note = api.nvim_buf_get_name(0)
    local rel = note:sub(#dir + 2)
    vim.cmd('WolAsk Is the outline clear?')
    assert.are.equal('about: ' .. rel, lines()[2])
    vim.cmd('write')
    wait_for(function()
      return vim.bo.filetype == 'wolthread'
    end)
    assert.matches('^open · asked by ana · just now · about ' .. rel:gsub('%p', '%%%0') .. '$', lines()[2])
    local qfile = t.git(dir, 'log -1 --name-only --format=')
    assert.matches('about: ' .. rel:gsub('%p', '%%%0'), t.read(dir .. '/' .. qfile:match('%S+')))
  end)

  it('thread keys: t thanks, r resolves and reopens, a answers; q closes', function()
    -- bo answers the first question on his machine; ana pulls
    ana_sync()
    bo_push()
    local qs = vim.fn.json_decode((t.wol({ 'questions', '--json' }, bo)))
    local qid
    for _, q in ipairs(qs) do
      if q.title == 'How do I get feedback early?' then
        qid = q.id
      end
    end
    local _, err, rc = t.wol({ 'answer', qid, '-m', 'Share a draft every Tuesday.' }, bo)
    assert.are.equal(0, rc, err)
    bo_push()
    ana_sync()
    local seen = with_select(function(items)
      for i, it in ipairs(items) do
        if it.id == qid then
          return i
        end
      end
    end, function()
      vim.cmd('WolQuestions')
    end)
    -- the picker lists open questions with asker, title, answers and age
    assert.matches('%[open%] ana: How do I get feedback early%? %(1 answer, just now%)', table.concat(seen, '\n'))
    assert.are.equal('wolthread', vim.bo.filetype)
    assert.matches('## answer by bo · just now  %[%x+%]\nShare a draft every Tuesday%.', text())
    -- t on the answer
    local row
    for i, l in ipairs(lines()) do
      if l:match('^## answer by bo') then
        row = i
      end
    end
    api.nvim_win_set_cursor(0, { row + 1, 0 })
    local before = count()
    feed('t')
    assert.are.equal(before + 1, count())
    assert.matches('^thanks%(ana%): Re: How do I get feedback early%? %(answer by bo%)', subjects())
    assert.matches('## answer by bo · just now · thanked once', text())
    assert.matches('%-%- ana thanked the answer %x+ · just now', text())
    -- t on a line that is not an answer
    api.nvim_win_set_cursor(0, { 1, 0 })
    local n = last_notice(function()
      feed('t')
    end)
    assert.matches('put the cursor on an answer', n.msg)
    assert.are.equal(before + 1, count())
    -- r resolves, asking what helped
    with_input('the Tuesday habit', function()
      feed('r')
    end)
    assert.matches('^resolve%(ana%): How do I get feedback early%?', subjects())
    assert.are.equal('# How do I get feedback early?', lines()[1])
    assert.matches('^resolved · asked by ana', lines()[2])
    assert.are.equal('what helped: the Tuesday habit', lines()[3])
    assert.matches('%-%- ana resolved the question · just now: the Tuesday habit', text())
    -- r again reopens
    feed('r')
    assert.matches('^reopen%(ana%): ', subjects())
    assert.matches('^open · asked by ana', lines()[2])
    -- a answers in a buffer below; :w commits and refreshes the thread
    local thread = api.nvim_get_current_buf()
    feed('a')
    assert.are.equal('wol://answer/' .. qid, api.nvim_buf_get_name(0))
    api.nvim_buf_set_lines(0, 0, -1, false, { 'Thanks, I will try it.' })
    vim.cmd('write')
    assert.matches('^answer%(ana%): Re: How do I get feedback early%?', subjects())
    wait_for(function()
      return api.nvim_get_current_buf() == thread
    end)
    assert.matches('## answer by ana · just now  %[%x+%]\nThanks, I will try it%.', text())
    feed('q')
    assert.is_false(api.nvim_buf_is_valid(thread))
  end)

  it("refuses to resolve someone else's question, and :WolAnswer takes a QID", function()
    local _, err, rc = t.wol({ 'ask', 'Where do I find the notes?', '-m', 'bo asks' }, bo)
    assert.are.equal(0, rc, err)
    bo_push()
    ana_sync()
    local qs = vim.fn.json_decode((t.wol({ 'questions', '--json' }, ana)))
    local qid
    for _, q in ipairs(qs) do
      if q.author == 'bo' then
        qid = q.id
      end
    end
    require('wol.questions').open_thread(qid)
    local before = count()
    local n = last_notice(function()
      vim.cmd('WolResolve done')
    end)
    assert.matches("^wol: resolve: only the asker %(bo%) can resolve 'Where do I find the notes%?'", n.msg)
    n = last_notice(function()
      feed('r')
    end)
    assert.matches('only the asker %(bo%)', n.msg)
    assert.are.equal(before, count())
    -- :WolAnswer QID from anywhere (a suffix is enough)
    vim.cmd('enew')
    vim.cmd('WolAnswer ' .. qid:sub(-8))
    api.nvim_buf_set_lines(0, 0, -1, false, { 'Under notes/ in the circle.' })
    vim.cmd('write')
    assert.are.equal(before + 1, count())
    n = last_notice(function()
      vim.cmd('WolAnswer nosuchid')
    end)
    assert.matches("^wol: question 'nosuchid': no such question", n.msg)
  end)

  it(':WolQuestions mine / all list through vim.ui.select; a bad filter is refused', function()
    local mine = with_select(nil, function()
      vim.cmd('WolQuestions mine')
    end)
    assert.are.equal(2, #mine)
    for _, line in ipairs(mine) do
      assert.matches('^%[%a+%] ana: ', line)
    end
    local all = with_select(nil, function()
      vim.cmd('WolQuestions all')
    end)
    assert.matches('%[open%] bo: Where do I find the notes%?', table.concat(all, '\n'))
    assert.is_true(#all > #mine)
    local n = last_notice(function()
      vim.cmd('WolQuestions someday')
    end)
    assert.matches("^wol: questions: 'someday' is not one of open, mine, all", n.msg)
  end)

  it('User WolQuestion after a sync: new questions and answers to mine', function()
    local q = require('wol.questions')
    q.on_synced({}) -- the first look sets the mark
    local fired = {}
    local au = api.nvim_create_autocmd('User', {
      pattern = 'WolQuestion',
      callback = function(a)
        table.insert(fired, a.data or q.last_news)
      end,
    })
    local mine = vim.fn.json_decode((t.wol({ 'ask', 'Mine, answered by bo', '--json' }, ana)))
    ana_sync()
    bo_push()
    local theirs = vim.fn.json_decode((t.wol({ 'ask', 'From bo', '--json' }, bo)))
    local _, err, rc = t.wol({ 'answer', mine.qid, '-m', 'bo answers' }, bo)
    assert.are.equal(0, rc, err)
    bo_push()
    -- a real :WolSync (a job running `wol sync --json`) brings them in
    local seen = nt.notifications(function()
      vim.cmd('WolSync')
      wait_for(function()
        return #fired > 0
      end)
    end)
    local msgs = {}
    for _, s in ipairs(seen) do
      table.insert(msgs, s.msg)
    end
    -- the sync digest names them (wol.sync), and the event carries the ids
    assert.matches('1 new question', table.concat(msgs, '\n'))
    assert.matches('1 answer to your questions', table.concat(msgs, '\n'))
    assert.are.equal(1, #fired)
    assert.are.same({ theirs.qid }, fired[1].questions)
    assert.matches('^' .. mine.qid:gsub('%p', '%%%0') .. '/', fired[1].answers[1])
    -- once only; without the sync module's summary it says so itself
    local n = last_notice(function()
      vim.cmd('doautocmd <nomodeline> User WolSynced')
    end)
    assert.are.equal(1, #fired)
    local again = vim.fn.json_decode((t.wol({ 'ask', 'One more from bo', '--json' }, bo)))
    bo_push()
    ana_sync()
    package.loaded['wol.sync'].last = nil
    n = last_notice(function()
      vim.cmd('doautocmd <nomodeline> User WolSynced')
    end)
    assert.matches('^wol: 1 new question in spring %(:WolQuestions%)', n.msg)
    assert.are.same({ again.qid }, fired[2].questions)
    api.nvim_del_autocmd(au)
  end)
end)
