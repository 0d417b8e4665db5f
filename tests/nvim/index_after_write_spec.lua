-- The index follows what wol writes: a share, a journal log and a sync are
-- searchable right after, without waiting for the refresh before a search.
local t = require('wolt')
local nt = require('nvimt')

local function indexed(word)
  local ctx = assert(require('wol').ctx())
  local hits = ctx:search(word, { refresh = false })
  return hits and #hits > 0
end

describe('index refresh after writes', function()
  before_each(function()
    local me = t.member('ivy')
    nt.become(me)
    nt.notifications(function()
      vim.cmd('WolInit garden')
    end)
    -- build the index once, so later writes are picked up only by the
    -- refresh after the write (searches below do not refresh)
    assert(require('wol.search').refresh())
  end)

  it('picks up a note shared with :WolShare', function()
    assert.is_false(indexed('zanzibarish'))
    nt.notifications(function()
      vim.cmd('WolNote Spice routes')
      vim.api.nvim_buf_set_lines(0, -1, -1, false, { 'Notes about zanzibarish trade winds.' })
      vim.cmd('WolShare')
    end)
    assert.is_true(vim.wait(3000, function() return indexed('zanzibarish') end, 20))
  end)

  it('picks up a line logged with :WolLog', function()
    assert.is_false(indexed('quokkaesque'))
    nt.notifications(function()
      vim.cmd('WolLog met a quokkaesque idea')
    end)
    assert.is_true(vim.wait(3000, function() return indexed('quokkaesque') end, 20))
  end)

  it('does not refresh when nothing was written (the index stays as it was)', function()
    local ctx = assert(require('wol').ctx())
    local journal = ctx:home() .. '/journal/2026/2026-01-01.md'
    t.write(journal, '---\ndate: 2026-01-01\n---\nplatypusoid thoughts\n')
    vim.wait(300)
    assert.is_false(indexed('platypusoid'))
    -- a search refreshes lazily and then finds it
    local hits = assert(ctx:search('platypusoid'))
    assert.are.equal(1, #hits)
  end)
end)
