-- Test helpers shared by tests/core (plain luajit / lua5.1) and tests/nvim.
-- Real processes, real files, real git: nothing here fakes a part.
local M = {}

M.root = os.getenv('WOL_ROOT') or '.'
M.bin = os.getenv('WOL_BIN') or (M.root .. '/bin/wol')

local function shquote(s)
  return "'" .. tostring(s):gsub("'", "'\\''") .. "'"
end
M.shquote = shquote

-- The sanitizer suite preloads ASan into the interpreter; child processes
-- (git, shells) must not inherit it. Its sanitized CLI checks for leaks at
-- exit only where tests/run.sh says (WOL_CHILD_ASAN_OPTIONS: the specs
-- about the CLI itself keep the check; elsewhere the library's leaks are
-- found by the interpreter's own check at its exit, and a leak check per
-- process would double the suite's time).
local child_env = 'unset LD_PRELOAD\n'
local child_asan = os.getenv('WOL_CHILD_ASAN_OPTIONS')
if child_asan and child_asan ~= '' then
  child_env = child_env .. 'export ASAN_OPTIONS=' .. shquote(child_asan) .. '\n'
end

--- Runs a shell command; returns stdout, exit code.
function M.sh(cmd)
  local p = assert(io.popen(child_env .. cmd .. '\necho "__rc=$?"', 'r'))
  local out = p:read('*a')
  p:close()
  local body, rc = out:match('^(.*)__rc=(%d+)%s*$')
  return body or out, tonumber(rc or 1)
end

--- A fresh empty directory under the suite's temporary HOME.
function M.tmpdir(tag)
  local base = (os.getenv('HOME') or '/tmp') .. '/t'
  local out = M.sh(string.format('mkdir -p %s && mktemp -d %s/%s.XXXXXX', shquote(base), shquote(base),
    (tag or 'd'):gsub('[^%w_.-]', '_')))
  local dir = out:match('^(%S+)')
  assert(dir and dir ~= '', 'mktemp failed')
  return dir
end

function M.write(path, text)
  M.sh('mkdir -p ' .. shquote(path:match('^(.*)/[^/]*$') or '.'))
  local f = assert(io.open(path, 'wb'))
  f:write(text)
  f:close()
end

function M.read(path)
  local f = io.open(path, 'rb')
  if not f then
    return nil
  end
  local s = f:read('*a')
  f:close()
  return s
end

function M.exists(path)
  local _, rc = M.sh('test -e ' .. shquote(path))
  return rc == 0
end

--- A member: a HOME with its own .gitconfig and a WOL_HOME inside it.
function M.member(handle, opts)
  opts = opts or {}
  local home = M.tmpdir('home-' .. (handle or 'none'))
  local cfg = '[init]\n\tdefaultBranch = main\n'
  if opts.name ~= false then
    cfg = cfg .. '[user]\n\tname = ' .. (opts.name or (handle or 'Someone') .. ' Example') .. '\n'
    cfg = cfg .. '\temail = ' .. (handle or 'someone') .. '@example.org\n'
  end
  if handle then
    cfg = cfg .. '[wol]\n\thandle = ' .. handle .. '\n'
  end
  M.write(home .. '/.gitconfig', cfg)
  return { handle = handle, home = home, wol_home = home .. '/wol' }
end

--- Environment prefix for running a process as `member`.
function M.env(member, extra)
  local parts = {}
  if member then
    table.insert(parts, 'HOME=' .. shquote(member.home))
    table.insert(parts, 'WOL_HOME=' .. shquote(member.wol_home))
  end
  for k, v in pairs(extra or {}) do
    table.insert(parts, k .. '=' .. shquote(v))
  end
  return table.concat(parts, ' ')
end

--- Runs bin/wol; returns stdout, stderr, exit code. `wrap`: a shell word
--- list put before the binary (a tracer: 'strace -o FILE').
function M.wol(args, member, extra_env, wrap)
  local errf = os.tmpname()
  local argv = {}
  for _, a in ipairs(args) do
    table.insert(argv, shquote(a))
  end
  local out, rc = M.sh(string.format('env %s %s%s %s 2>%s', M.env(member, extra_env), wrap and (wrap .. ' ') or '',
    shquote(M.bin), table.concat(argv, ' '), shquote(errf)))
  local err = M.read(errf) or ''
  os.remove(errf)
  return out, err, rc
end

--- Runs git in `dir`; returns stdout, exit code.
function M.git(dir, args, member)
  return M.sh(string.format('env %s git -C %s %s 2>&1', M.env(member), shquote(dir), args))
end

function M.core()
  return require('wol.core')
end

return M
