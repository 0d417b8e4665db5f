-- bench/export.lua: `wol export --all --include ...` of a generated circle
-- (10,000 notes by 6 members in 10,000 commits, 200 questions with 3
-- answers each and a resolve event on every other one, a comment on every
-- 20th note), as HTML and as
-- Markdown, timed beside `git archive HEAD notes | tar -x` (the raw files,
-- no pages). Run through bench/export.sh.

local root = assert(os.getenv('WOL_ROOT'), 'run through bench/export.sh')
local B = dofile(root .. '/bench/lib.lua')
local now_ms, sh, median = B.now, B.run, B.median
local bin = root .. '/bin/wol'
local home = os.getenv('WOL_HOME')
local tmp = os.getenv('WOL_BENCH_TMP')
local NOTES = tonumber(os.getenv('BENCH_NOTES') or 10000)
local QUESTIONS = tonumber(os.getenv('BENCH_QUESTIONS') or 200)
local RUNS = tonumber(os.getenv('BENCH_RUNS') or 5)
local FEEDBACK = tonumber(os.getenv('BENCH_FEEDBACK') or 500)

local rnd = B.lcg(20260306)
local words = { 'draft', 'plan', 'notes', 'idea', 'review', 'sketch', 'question', 'outline', 'summary',
  'retro', 'goal', 'experiment', 'feedback', 'pairing', 'docs', 'design' }
local handles = { 'bench', 'ana', 'bo', 'chen', 'dee', 'eli' }
local function words_n(n)
  local t = {}
  for k = 1, n do
    t[k] = words[rnd(#words) + 1]
  end
  return table.concat(t, ' ')
end

local function note_text(i, h)
  return string.format('---\ntitle: "%s %d"\nauthor: %s\nid: 2026030%dT100000Z-%s-%08x\ncreated: 2026-03-0%d\n' ..
    'status: wip\n---\n\n# %s %d\n\n%s\n\n- %s\n- %s\n- see [another](note-%05d.md)\n\n```\n%s\n```\n',
    words_n(3), i, h, 1 + i % 9, h, i, 1 + i % 9, words_n(3), i, words_n(60), words_n(8), words_n(8),
    math.max(1, i - 1), words_n(10))
end

local circle = home .. '/circles/bench'
sh(string.format('%q init bench >/dev/null', bin))
local fi = assert(io.popen(string.format('git -C %q fast-import --quiet', circle), 'w'))
local t0 = 1772000000
local first = true
local function commit(h, msg, files)
  t0 = t0 + 60
  fi:write(string.format('commit refs/heads/main\nauthor %s Example <%s@example.org> %d +0000\n' ..
    'committer %s Example <%s@example.org> %d +0000\ndata <<EOM\n%s\nEOM\n', h, h, t0, h, h, t0, msg))
  if first then
    fi:write('from refs/heads/main^0\n')
    first = false
  end
  for _, f in ipairs(files) do
    fi:write(string.format('M 100644 inline %s\ndata %d\n%s\n', f[1], #f[2], f[2]))
  end
end
for _, h in ipairs(handles) do
  if h ~= 'bench' then
    commit(h, 'join(' .. h .. ')', { { 'members/' .. h .. '.md',
      string.format('---\nname: %s Example\ngoal: %s\njoined: 2026-03-01\n---\n', h, words_n(8)) } })
  end
end
local made, q, lamport = 0, 0, 0
local per_q = math.max(1, math.floor(NOTES / math.max(1, QUESTIONS)))
local per_f = math.max(1, math.floor(NOTES / math.max(1, FEEDBACK)))
local nfb = 0
while made < NOTES do
  made = made + 1
  local h = handles[rnd(#handles) + 1]
  commit(h, 'share(' .. h .. '): note ' .. made,
    { { string.format('notes/%s/note-%05d.md', h, made), note_text(made, h) } })
  if made % per_f == 0 and nfb < FEEDBACK then
    -- a comment on the note by someone else, in the note's feedback folder
    nfb = nfb + 1
    local h2 = handles[(rnd(#handles - 1) + (made % #handles) + 1) % #handles + 1]
    local nid = string.format('2026030%dT100000Z-%s-%08x', 1 + made % 9, h, made)
    local fid = string.format('20260306T%06dZ-%s-%08x', nfb, h2, nfb)
    commit(h2, 'comment(' .. h2 .. ')', { { 'feedback/' .. nid .. '/' .. fid .. '.md',
      string.format('---\nkind: comment\nnote: notes/%s/note-%05d.md\nauthor: %s\ncreated: 2026-03-06T10:00:00Z\n' ..
        'lamport: 1\nid: %s\n---\n\n%s\n', h, made, h2, fid, words_n(20)) } })
  end
  if made % per_q == 0 and q < QUESTIONS then
    q = q + 1
    local asker = handles[rnd(#handles) + 1]
    local qid = string.format('20260304T%06dZ-%s-%08x', q, asker, q)
    lamport = lamport + 1
    commit(asker, 'ask(' .. asker .. '): q ' .. q, { { 'questions/' .. qid .. '/question.md',
      string.format('---\ntitle: "%s?"\nauthor: %s\ncreated: 2026-03-04T09:30:00Z\nlamport: %d\nid: %s\n---\n\n%s\n',
        words_n(6), asker, lamport, qid, words_n(40)) } })
    for a = 1, 3 do
      local h2 = handles[rnd(#handles) + 1]
      local aid = string.format('20260304T%06dZ-%s-%08x', q * 10 + a, h2, q * 10 + a)
      lamport = lamport + 1
      commit(h2, 'answer(' .. h2 .. ')', { { 'questions/' .. qid .. '/answers/' .. aid .. '.md',
        string.format('---\nauthor: %s\ncreated: 2026-03-04T10:00:00Z\nlamport: %d\nid: %s\nquestion: %s\n---\n\n%s\n',
          h2, lamport, aid, qid, words_n(30)) } })
    end
    if q % 2 == 0 then
      local eid = string.format('20260305T%06dZ-%s-%08x', q, asker, q)
      lamport = lamport + 1
      commit(asker, 'resolve(' .. asker .. ')', { { 'questions/' .. qid .. '/events/' .. eid .. '.md',
        string.format('---\nkind: resolve\nauthor: %s\ncreated: 2026-03-05T08:00:00Z\nlamport: %d\nid: %s\nquestion: %s\n---\n\nthe answers\n',
          asker, lamport, eid, qid) } })
    end
  end
end
fi:close()
sh(string.format('git -C %q reset -q --hard main && git -C %q gc -q', circle, circle))
sh('sync')

local include = 'ana,bo,chen,dee,eli'
local t_html, t_md, t_git = {}, {}, {}
local pages
local function timed(list, r, fn)
  local a = now_ms()
  fn()
  if r > 0 then
    table.insert(list, now_ms() - a)
  end
end
-- interleaved rounds; the first warms caches and is not counted
for r = 0, RUNS do
  timed(t_html, r, function()
    local p = io.popen(string.format('%q export --all --include %s --out %q --json', bin, include, tmp .. '/html'))
    local out = p:read('*a')
    p:close()
    pages = tonumber(out:match('"pages":(%d+)'))
    assert(pages, 'export failed: ' .. out)
  end)
  timed(t_md, r, function()
    sh(string.format('%q export --all --include %s --format md --out %q >/dev/null', bin, include, tmp .. '/md'))
  end)
  timed(t_git, r, function()
    sh(string.format('rm -rf %q && mkdir -p %q && git -C %q archive HEAD notes questions | tar -x -C %q',
      tmp .. '/raw', tmp .. '/raw', circle, tmp .. '/raw'))
  end)
end

local m_html, m_md, m_git = median(t_html), median(t_md), median(t_git)
local commits = io.popen(string.format('git -C %q rev-list --count HEAD', circle)):read('*l')
print(string.format('circle: %d notes, %d questions, %d feedback records, %s commits (seed 20260306); %d runs each',
  NOTES, q, nfb, commits, RUNS))
print(string.format('wol export --all, HTML:        median %8.1f ms (%d pages)', m_html, pages))
print(string.format('wol export --all, Markdown:    median %8.1f ms', m_md))
print(string.format('git archive | tar -x (raw):    median %8.1f ms', m_git))
print(string.format('ratio HTML export / git archive: %.1fx', m_html / m_git))

local S = 'Export (10,000-note circle)'
B.figure(S, 'wol export --all --format html', t_html)
B.figure(S, 'wol export --all --format md', t_md)
B.figure(S, 'baseline: git archive HEAD notes questions | tar -x', t_git)
B.target(S, 'export of a 10,000-note circle under 10 s',
  string.format('HTML %.2f s, Markdown %.2f s (%d pages; git archive of the raw files %.2f s)',
    m_html / 1000, m_md / 1000, pages, m_git / 1000), m_html < 10000)
B.note(S, string.format('%d notes, %d questions, %s commits; the export is %.1fx the raw unpacking',
  NOTES, q, commits, m_html / m_git))
