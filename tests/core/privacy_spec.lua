-- Permissions and credentials: $WOL_HOME 0700, journal files 0600 (and the
-- index that holds their text), and a token in the remote URL or in the
-- environment never shows in output, JSON, error messages or files other
-- than the git config where the user put it. Real CLI, real HTTP server on
-- loopback that asks for credentials.
local t = require('wolt')
local S = require('synct')
local interp = os.getenv('WOL_TEST_INTERP') or 'luajit'

local function mode(path)
  return (t.sh('stat -c %a ' .. t.shquote(path) .. ' 2>/dev/null'):match('%d+'))
end

-- A loopback HTTP server that answers every request with 401 and a Basic
-- challenge, logging the requests (so we see the credentials were offered).
local function auth_server()
  local dir = t.tmpdir('http401')
  t.write(dir .. '/srv.py', [[
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        with open(sys.argv[1] + '/requests.log', 'a') as f:
            f.write(self.path + ' auth=' + str(self.headers.get('Authorization') is not None) + '\n')
        self.send_response(401)
        self.send_header('WWW-Authenticate', 'Basic realm="circle"')
        self.send_header('Content-Length', '0')
        self.end_headers()
    def log_message(self, *a):
        pass
s = http.server.HTTPServer(('127.0.0.1', 0), H)
print(s.server_port, flush=True)
s.serve_forever()
]])
  local out = t.sh(string.format('python3 %s %s > %s/port 2>/dev/null </dev/null & echo $!',
    t.shquote(dir .. '/srv.py'), t.shquote(dir), t.shquote(dir)))
  local pid = out:match('%d+')
  local port
  for _ = 1, 100 do
    port = (t.read(dir .. '/port') or ''):match('%d+')
    if port then break end
    t.sh('sleep 0.05')
  end
  assert(port, 'http server did not start')
  return { port = port, dir = dir, stop = function() t.sh('kill ' .. pid) end }
end

describe('privacy', function()
  if interp ~= 'luajit' then return end -- the CLI is the same in every run

  it('makes $WOL_HOME 0700, journal files 0600 and the index (which holds them) private', function()
    local ana = t.member('ana')
    local _, err, rc = t.wol({ 'log', 'private thought' }, ana)
    assert.are.equal(0, rc, err)
    assert.are.equal('700', mode(ana.wol_home))
    local entry = t.sh('find ' .. t.shquote(ana.wol_home .. '/journal') .. ' -name "*.md"'):match('%S+')
    assert.are.equal('600', mode(entry))
    assert.are.equal('700', mode(ana.wol_home .. '/journal'))
    _, err, rc = t.wol({ 'index' }, ana)
    assert.are.equal(0, rc, err)
    -- the index is a copy of the journal's text: only its owner may read it
    for _, f in ipairs({ 'index.db', 'index.db-wal', 'index.db-shm' }) do
      local m = mode(ana.wol_home .. '/' .. f)
      if m then
        assert.is_true(m:sub(2) == '00', f .. ' is mode ' .. m)
      end
    end
  end)

  it('never shows a token from the remote URL or the environment', function()
    local srv = auth_server()
    local ana = t.member('ana')
    local url_secret, env_secret = 'urlTOKENzz91', 'envTOKENqq37'
    local url = string.format('http://ana:%s@127.0.0.1:%s/c.git', url_secret, srv.port)
    -- a password kept in the URL by hand (wol never writes one there:
    -- init and join refuse it without a credential helper to keep it)
    local adir = S.init(ana)
    t.git(adir, 'remote add origin ' .. t.shquote(url))
    local env = { WOL_GIT_TOKEN = env_secret, GIT_TERMINAL_PROMPT = '0' }
    local seen = {}
    local function run(args)
      local out, err, rc = t.wol(args, ana, env)
      seen[#seen + 1] = { what = args[1] .. ' -> ' .. rc, text = out .. err }
      return out, err, rc
    end
    local out, err, rc = run({ 'sync', '--json' })
    assert.are_not.equal(0, rc, out .. err)
    run({ 'sync' })
    run({ 'sync', '--status', '--json' })
    run({ 'circles', '--json' })
    run({ 'doctor', '--json' })
    run({ 'doctor' })
    run({ 'circles' })
    run({ 'status', '--json' })
    run({ 'join', url, 'other' })
    run({ 'join', url, 'other2', '--json' })
    srv.stop()
    -- the server was asked with credentials (so the secrets were in play)
    assert.matches('auth=True', t.read(srv.dir .. '/requests.log') or '')
    for _, s in ipairs(seen) do
      assert.is_nil(s.text:find(url_secret, 1, true), s.what .. '\n' .. s.text)
      assert.is_nil(s.text:find(env_secret, 1, true), s.what .. '\n' .. s.text)
    end
    -- nor in any file wol wrote, except the git config holding the URL
    local files = t.sh(string.format('grep -rlaF -e %s -e %s %s', url_secret, env_secret,
      t.shquote(ana.wol_home)))
    for f in files:gmatch('[^\n]+') do
      assert.are.equal(adir .. '/.git/config', f)
    end
  end)
end)
