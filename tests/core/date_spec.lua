local core = require('wol.core')

describe('dates', function()
  local function p(s, today)
    return core.parse_date(s, today or '2026-11-22')
  end

  it('parses ISO dates and names the weekday', function()
    local d, wd = p('2026-11-22')
    assert.are.equal('2026-11-22', d)
    assert.are.equal('sunday', wd)
    assert.are.equal('monday', select(2, p('2024-01-01')))
  end)

  it('handles leap days', function()
    assert.are.equal('2024-02-29', (p('2024-02-29')))
    assert.are.equal('2000-02-29', (p('2000-02-29')))
    assert.is_nil((p('2023-02-29')))
    assert.is_nil((p('1900-02-29')))
    assert.are.equal('2024-03-01', (p('+1', '2024-02-29')))
    assert.are.equal('2024-02-29', (p('-1', '2024-03-01')))
  end)

  it('crosses month and year ends with relative dates', function()
    assert.are.equal('2027-01-01', (p('tomorrow', '2026-12-31')))
    assert.are.equal('2025-12-31', (p('yesterday', '2026-01-01')))
    assert.are.equal('2027-01-10', (p('+10', '2026-12-31')))
    assert.are.equal('2026-11-22', (p('today')))
    assert.are.equal('2025-11-22', (p('-365')))
  end)

  it('refuses what is not a date with a clear message', function()
    for _, bad in ipairs({ '2026-13-45', '2026-00-10', '2026-04-31', '26-1-1', '2026/11/22',
      'next week', '+x', '+', '-1.5', '+99999999999', ' 2026-11-22', '2026-11-22x' }) do
      local d, err = p(bad)
      assert.is_nil(d, bad)
      assert.matches('^wol: date: ', err)
    end
  end)
end)
