-- Circles on the hosts where they live: https with basic auth behind nginx
-- (git http-backend, a certificate from a test CA), gitolite over ssh with a
-- read-write and a read-only member, and members who use plain git. The
-- servers are real, started here on free loopback ports and stopped by pid
-- (tests/helpers/servers.lua); a scenario is pending, with the reason, only
-- when a package is missing (`make deps-test` installs them).
--
-- Like sync_spec, the scenarios run the same bin/wol whichever interpreter
-- runs busted: under luajit and in the sanitizer suite, not in plain lua5.1.
local t = require('wolt')
local S = require('synct')
local V = require('servers')

local run_cli = os.getenv('WOL_TEST_INTERP') ~= 'lua5.1' or os.getenv('WOL_BIN') ~= nil
local it_cli = run_cli and it or pending

local https, https_why, gl, gl_why

setup(function()
  if run_cli then
    https, https_why = V.https()
    gl, gl_why = V.gitolite({ rw = { 'ana' }, ro = { 'bo' }, repos = { 'circle', 'plain' } })
  end
end)

teardown(function()
  if https then
    https.stop()
  end
  if gl then
    gl.stop()
  end
end)

local function need(server, why)
  if not server then
    pending(why)
  end
end

-- plain git as a member would run it: ssh (which reads ~/.ssh of the
-- account, not $HOME) told which key and known_hosts to use
local function git_as(m, args)
  local ssh = string.format('ssh -i %s/.ssh/id_ed25519 -o IdentitiesOnly=yes -o UserKnownHostsFile=%s/.ssh/known_hosts',
    m.home, m.home)
  return t.sh(string.format('export %s GIT_TERMINAL_PROMPT=0 GIT_SSH_COMMAND=%s; git %s 2>&1', t.env(m), t.shquote(ssh),
    args))
end

describe('the test hosts', function()
  it_cli('https: basic auth, push for members, 403 for a read-only user, the test CA trusted per HOME', function()
    need(https, https_why)
    https.bare('hosts-plain')
    local m = t.member('plain')
    local dir = t.tmpdir('plain') .. '/w'
    -- without the CA the certificate is refused
    local out, rc = git_as(m, 'ls-remote ' .. t.shquote(https.url('hosts-plain', 'ana', 'pw-ana')))
    assert.are_not.equal(0, rc, out)
    V.trust_ca(m, https.ca)
    out, rc = git_as(m, string.format('init -q -b main %s && cd %s && echo hi > f && git add f && ' ..
      'git commit -qm one && git push -q %s main', t.shquote(dir), t.shquote(dir),
      t.shquote(https.url('hosts-plain', 'ana', 'pw-ana'))))
    assert.are.equal(0, rc, out)
    out, rc = git_as(m, 'ls-remote ' .. t.shquote(https.url('hosts-plain', 'reader', 'pw-reader')))
    assert.are.equal(0, rc, out)
    assert.matches('refs/heads/main', out)
    out, rc = git_as(m, string.format('-C %s push %s main:other', t.shquote(dir),
      t.shquote(https.url('hosts-plain', 'reader', 'pw-reader'))))
    assert.are_not.equal(0, rc)
    assert.matches('403', out)
    out, rc = git_as(m, 'ls-remote ' .. t.shquote(https.url('hosts-plain', 'ana', 'wrong')))
    assert.are_not.equal(0, rc)
    assert.matches('Authentication failed', out)
  end)

  it_cli('gitolite: the read-write member pushes, the read-only member is DENIED; HEAD is master', function()
    need(gl, gl_why)
    local ana, bo = t.member('ana'), t.member('bo')
    gl.install_key(ana, 'ana')
    gl.install_key(bo, 'bo')
    gl.trust(ana)
    gl.trust(bo)
    local head = t.sh('git --git-dir=' .. t.shquote(gl.repo_path('plain')) .. ' symbolic-ref HEAD')
    assert.matches('refs/heads/master', head)
    local dir = t.tmpdir('gl') .. '/w'
    local out, rc = git_as(ana, string.format('init -q -b master %s && cd %s && echo hi > f && git add f && ' ..
      'git commit -qm one && git push -q %s master', t.shquote(dir), t.shquote(dir), t.shquote(gl.url('plain'))))
    assert.are.equal(0, rc, out)
    out, rc = git_as(bo, 'ls-remote ' .. t.shquote(gl.url('plain')))
    assert.are.equal(0, rc, out)
    out, rc = git_as(bo, string.format('-C %s push %s master:other', t.shquote(dir), t.shquote(gl.url('plain'))))
    assert.are_not.equal(0, rc)
    assert.matches('DENIED', out)
  end)
end)
