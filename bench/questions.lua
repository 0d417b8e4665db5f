-- bench/questions.lua: list the open questions of a generated circle
-- (2,000 questions, 10,000 answers, a resolve event on every third
-- question) in-process and with `wol questions --json`, through the index
-- and by the file scan, and time ripgrep
-- reading the same record files for scale. Run through bench/questions.sh.

local root = assert(os.getenv('WOL_ROOT'), 'run through bench/questions.sh')
local B = dofile(root .. '/bench/lib.lua')
local now_ms, sh, median = B.now, B.run, B.median
local bin = root .. '/bin/wol'
local home = os.getenv('WOL_HOME')
local QUESTIONS = tonumber(os.getenv('BENCH_QUESTIONS') or 2000)
local ANSWERS = tonumber(os.getenv('BENCH_ANSWERS') or 10000)
local RUNS = tonumber(os.getenv('BENCH_RUNS') or 21)


local rnd = B.lcg(20260304)
local words = { 'habit', 'draft', 'feedback', 'circle', 'goal', 'network', 'share', 'story', 'review',
  'weekly', 'question', 'help', 'contribution', 'visible', 'learning', 'generous' }
local handles = { 'ana', 'bo', 'chen', 'dee', 'eli' }
local function words_n(n)
  local t = {}
  for k = 1, n do
    t[k] = words[rnd(#words) + 1]
  end
  return table.concat(t, ' ')
end
local function id(i, h, kind)
  return string.format('2026%02d%02dT%02d%02d%02dZ-%s-%08x', 1 + i % 12, 1 + i % 28, i % 24, i % 60,
    (i * 7) % 60, h, (i * 2654435761 + kind) % 4294967296)
end

local circle = home .. '/circles/bench'
sh(string.format('%q init bench >/dev/null', bin))
local fi = assert(io.popen(string.format('git -C %q fast-import --quiet', circle), 'w'))
local per_q = math.floor(ANSWERS / QUESTIONS)
local lamport = 0
local n_open = 0
for q = 1, QUESTIONS do
  local asker = handles[rnd(#handles) + 1]
  local qid = id(q, asker, 0)
  local files = {}
  lamport = lamport + 1
  table.insert(files, { string.format('questions/%s/question.md', qid),
    string.format('---\ntitle: %s?\nauthor: %s\ncreated: 2026-03-04T09:30:00Z\nlamport: %d\nid: %s\n---\n\n%s\n',
      words_n(6), asker, lamport, qid, words_n(40)) })
  for a = 1, per_q do
    local h = handles[rnd(#handles) + 1]
    local aid = id(q * 100 + a, h, a)
    lamport = lamport + 1
    table.insert(files, { string.format('questions/%s/answers/%s.md', qid, aid),
      string.format('---\nauthor: %s\ncreated: 2026-03-04T10:00:00Z\nlamport: %d\nid: %s\nquestion: %s\n---\n\n%s\n',
        h, lamport, aid, qid, words_n(30)) })
  end
  if q % 3 == 0 then
    local eid = id(q * 100 + 99, asker, 99)
    lamport = lamport + 1
    table.insert(files, { string.format('questions/%s/events/%s.md', qid, eid),
      string.format('---\nkind: resolve\nauthor: %s\ncreated: 2026-03-05T08:00:00Z\nlamport: %d\nid: %s\nquestion: %s\n---\n\nthe second answer\n',
        asker, lamport, eid, qid) })
  else
    n_open = n_open + 1
  end
  -- one commit per question (its answers batched in): 2,000 commits; the
  -- trailers name every record, as wol's own commits do
  local trailers = {}
  for _, f in ipairs(files) do
    table.insert(trailers, 'Wol-Id: ' .. f[1]:match('([^/]+)%.md$'):gsub('^question$', qid))
  end
  fi:write(string.format('commit refs/heads/main\nauthor %s Example <%s@example.org> %d +0000\n'
    .. 'committer Gen <gen@example.org> %d +0000\ndata <<EOM\nask(%s): question %d\n\nWol-Kind: question\n%s\nEOM\n',
    asker, asker, 1772000000 + q * 60, 1772000000 + q * 60, asker, q, table.concat(trailers, '\n')))
  if q == 1 then
    fi:write('from refs/heads/main^0\n')
  end
  for _, f in ipairs(files) do
    fi:write(string.format('M 100644 inline %s\ndata %d\n%s\n', f[1], #f[2], f[2]))
  end
end
fi:close()
sh(string.format('git -C %q reset -q --hard main && git -C %q gc -q', circle, circle))


local function time_cmd(cmd)
  local v = {}
  for i = 1, RUNS + 1 do
    local t0 = now_ms()
    sh(cmd)
    if i > 1 then -- the first run warms the page cache
      table.insert(v, now_ms() - t0)
    end
  end
  return median(v)
end

-- 1. in-process, as :WolQuestions does it: module loaded, handle open.
-- The first listing builds the index (once); each later one refreshes the
-- circle (HEAD unchanged: no tree diff) and reads the stored rows.
local core = require('wol.core')
local ctx = assert(core.open({ home = home }))
local c = assert(ctx:circle_open('bench'))
local t0 = now_ms()
local list = assert(c:questions({ state = 'open' }))
local first = now_ms() - t0
assert(#list == n_open, string.format('expected %d open questions, got %d', n_open, #list))
local files = assert(c:questions({ state = 'open', source = 'files' }))
assert(#files == #list, 'the index and the file scan disagree')
for i = 1, #list do
  assert(files[i].id == list[i].id and files[i].answers == list[i].answers and files[i].state == list[i].state,
    'the index and the file scan disagree at ' .. i)
end
local function time_list(opts)
  local v = {}
  for _ = 1, RUNS do
    local t1 = now_ms()
    local l = c:questions(opts)
    table.insert(v, now_ms() - t1)
    assert(#l == n_open)
  end
  return median(v)
end
local inproc = time_list({ state = 'open' })
local inproc_files = time_list({ state = 'open', source = 'files' })
-- one thread, as the thread buffer shows it (with the forged-author check)
local v = {}
for _ = 1, RUNS do
  local t1 = now_ms()
  assert(c:question(list[#list].id))
  table.insert(v, now_ms() - t1)
end
local thread = median(v)
c:close()

-- 2. the CLI, through the index and by the file scan
local cli = time_cmd(string.format('%q --circle bench questions --json >/dev/null', bin))
local cli_files = time_cmd(string.format('%q --circle bench questions --json --source files >/dev/null', bin))
-- 3. ripgrep reading every record once (what a user could do by hand:
-- find the resolved questions), for scale
local rg = time_cmd(string.format('cd %q && rg -l --no-messages "^kind: resolve" questions >/dev/null', circle))

print(string.format('circle: %d questions (%d open), %d answers, %d resolve events, %d commits',
  QUESTIONS, n_open, QUESTIONS * per_q, QUESTIONS - n_open, QUESTIONS + 1))
print(string.format('first listing (builds the index once)                     %8.1f ms', first))
print(string.format('median of %d runs:', RUNS))
print(string.format('  in-process list of open questions, index (circle:questions) %8.1f ms', inproc))
print(string.format('  in-process list of open questions, file scan                 %8.1f ms', inproc_files))
print(string.format('  wol questions --json, index (process start included)         %8.1f ms', cli))
print(string.format('  wol questions --json --source files                          %8.1f ms', cli_files))
print(string.format('  rg -l "^kind: resolve" questions (reads the records)         %8.1f ms', rg))
print(string.format('  one thread with forged-author check (circle:question)        %8.1f ms', thread))
print(string.format('ratios: index in-process / rg = %.3f, wol questions / rg = %.2f, '
  .. 'file scan / index in-process = %.1f', inproc / rg, cli / rg, inproc_files / inproc))
local f = io.popen('cat /proc/loadavg')
print('load average: ' .. (f:read('*l') or '?'))
f:close()
