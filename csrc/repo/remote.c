/* remote.c - talking to a circle's remote: URLs, credentials (ssh agent,
 * keys, token, git's credential helpers), host key and certificate checks,
 * progress, push results and network errors. */
#include "remote.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void tried_add(wol_remote_cb *s, const char *what)
{
	size_t n = strlen(s->tried);
	snprintf(s->tried + n, sizeof s->tried - n, "%s%s", n ? ", " : "", what);
}

/* Splits a remote URL into scheme, host and port (scp-style user@host:path
 * is ssh on port 22; local paths have scheme "file"). */
static void parse_url(const char *url, wol_remote_cb *s)
{
	const char *p = strstr(url, "://");
	s->host[0] = '\0';
	s->port = 0;
	if (p) {
		size_t n = (size_t)(p - url);
		snprintf(s->scheme, sizeof s->scheme, "%.*s", (int)(n < 15 ? n : 15), url);
		p += 3;
	} else if (url[0] != '/' && url[0] != '.' && strchr(url, ':') &&
	           (!strchr(url, '/') || strchr(url, ':') < strchr(url, '/'))) {
		snprintf(s->scheme, sizeof s->scheme, "ssh");
		p = url;
	} else {
		snprintf(s->scheme, sizeof s->scheme, "file");
		return;
	}
	const char *end = p + strcspn(p, "/");
	const char *at = memchr(p, '@', (size_t)(end - p));
	if (at)
		p = at + 1;
	const char *hend = p;
	if (*p == '[') { /* [::1]:port */
		const char *rb = memchr(p, ']', (size_t)(end - p));
		if (rb) {
			snprintf(s->host, sizeof s->host, "%.*s", (int)(rb - p - 1), p + 1);
			hend = rb + 1;
		}
	} else {
		hend = p + strcspn(p, ":/");
		snprintf(s->host, sizeof s->host, "%.*s", (int)(hend - p), p);
	}
	if (*hend == ':' && strcmp(s->scheme, "ssh") == 0 && !strstr(url, "://"))
		s->port = 22; /* scp-style: what follows ':' is the path */
	else if (*hend == ':')
		s->port = atoi(hend + 1);
	if (!s->port) {
		if (strcmp(s->scheme, "ssh") == 0)
			s->port = 22;
		else if (strcmp(s->scheme, "https") == 0)
			s->port = 443;
		else if (strcmp(s->scheme, "http") == 0)
			s->port = 80;
		else if (strcmp(s->scheme, "git") == 0)
			s->port = 9418;
	}
}

int wol_remote__emit(wol_remote_cb *s, const char *phase)
{
	if (phase) {
		s->prog.phase = phase;
		s->prog.received = s->prog.total = 0;
		s->prog.bytes = 0;
	}
	if (s->opts->progress && s->opts->progress(&s->prog, s->opts->payload) != 0)
		s->cancelled = 1;
	return s->cancelled ? -1 : 0;
}

/* ---------------------------------------------------- libgit2 callbacks */

static int cb_transfer(const git_indexer_progress *st, void *payload)
{
	wol_remote_cb *s = payload;
	s->prog.phase = "fetch";
	s->prog.received = st->received_objects;
	s->prog.total = st->total_objects;
	s->prog.bytes = st->received_bytes;
	return wol_remote__emit(s, NULL);
}

static int cb_sideband(const char *str, int len, void *payload)
{
	(void)str;
	(void)len;
	wol_remote_cb *s = payload;
	return wol_remote__emit(s, NULL);
}

static int cb_push_transfer(unsigned int current, unsigned int total, size_t bytes, void *payload)
{
	wol_remote_cb *s = payload;
	s->prog.phase = "push";
	s->prog.received = current;
	s->prog.total = total;
	s->prog.bytes = bytes;
	return wol_remote__emit(s, NULL);
}

static int cb_push_update(const char *refname, const char *status, void *payload)
{
	(void)refname;
	wol_remote_cb *s = payload;
	if (status) {
		s->rejected = 1;
		snprintf(s->reject_status, sizeof s->reject_status, "%s", status);
	}
	return 0;
}

static int cb_certificate(git_cert *cert, int valid, const char *host, void *payload)
{
	wol_remote_cb *s = payload;
	if (valid)
		return 0;
	s->cert_refused = 1;
	const char *h = host && *host ? host : s->host;
	if (cert->cert_type == GIT_CERT_HOSTKEY_LIBSSH2) {
		char port[32] = "";
		if (s->port && s->port != 22)
			snprintf(port, sizeof port, "-p %d ", s->port);
		snprintf(s->cert_msg, sizeof s->cert_msg,
		         "sync: the ssh host key of %s is not in ~/.ssh/known_hosts (or it changed); "
		         "refusing to connect. If you trust this host, add its key: ssh-keyscan %s%s >> "
		         "~/.ssh/known_hosts",
		         h, port, h);
	} else {
		snprintf(s->cert_msg, sizeof s->cert_msg,
		         "sync: the TLS certificate of %s is not valid; refusing to connect", h);
	}
	return GIT_ECERTIFICATE;
}

static int is_rsa_key(const char *priv)
{
	char *pub = wol_strfmt("%s.pub", priv);
	char *text = NULL;
	size_t len;
	int rsa = 0;
	if (pub && wol_fs_read(pub, 65536, 0, &text, &len, NULL) == 0) {
		rsa = strncmp(text, "ssh-rsa ", 8) == 0;
		free(text);
	} else if (wol_fs_read(priv, 65536, 0, &text, &len, NULL) == 0) {
		rsa = strstr(text, "BEGIN RSA PRIVATE KEY") != NULL;
		free(text);
	}
	free(pub);
	return rsa;
}

/* `git credential fill` for an https host; nothing is ever printed. */
static void credential_helper(wol_remote_cb *s)
{
	for (const char *p = s->host; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '.' || *p == '-'))
			return; /* never put an odd host name into a shell command */
	if (!s->host[0])
		return;
	char host[300];
	if (s->port && s->port != 443 && s->port != 80)
		snprintf(host, sizeof host, "%s:%d", s->host, s->port);
	else
		snprintf(host, sizeof host, "%s", s->host);
	char *cmd = wol_strfmt("printf 'protocol=%s\\nhost=%s\\n\\n' | GIT_TERMINAL_PROMPT=0 "
	                       "GIT_ASKPASS=true SSH_ASKPASS=true git credential fill 2>/dev/null "
	                       "</dev/null",
	                       s->scheme, host);
	if (!cmd)
		return;
	FILE *f = popen(cmd, "r");
	free(cmd);
	if (!f)
		return;
	char line[4096];
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (strncmp(line, "username=", 9) == 0) {
			free(s->helper_user);
			s->helper_user = wol_strfmt("%s", line + 9);
		} else if (strncmp(line, "password=", 9) == 0) {
			free(s->helper_pass);
			s->helper_pass = wol_strfmt("%s", line + 9);
		}
	}
	memset(line, 0, sizeof line);
	pclose(f);
}

static int cb_credentials(git_credential **out, const char *url, const char *user_from_url,
                          unsigned int allowed, void *payload)
{
	(void)url;
	wol_remote_cb *s = payload;
	const char *user = user_from_url && *user_from_url ? user_from_url : "git";
	if (++s->calls > MAX_CRED_CALLS)
		goto refuse;
	if ((allowed & GIT_CREDENTIAL_USERNAME) && !s->username_given) {
		s->username_given = 1;
		return git_credential_username_new(out, user);
	}
	if (allowed & GIT_CREDENTIAL_SSH_KEY) {
		if (!s->agent_tried) {
			s->agent_tried = 1;
			const char *sock = getenv("SSH_AUTH_SOCK");
			if (sock && *sock) {
				tried_add(s, "ssh-agent");
				return git_credential_ssh_key_from_agent(out, user);
			}
		}
		while (s->key_next < s->nkeys) {
			const char *k = s->keys[s->key_next++];
			if (access(k, R_OK) != 0)
				continue;
			char *pub = wol_strfmt("%s.pub", k);
			if (pub && access(pub, R_OK) != 0) {
				free(pub);
				pub = NULL;
			}
			tried_add(s, k);
			if (is_rsa_key(k))
				s->tried_rsa = 1;
			int rc = git_credential_ssh_key_new(out, user, pub, k, NULL);
			free(pub);
			return rc;
		}
	}
	if (allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) {
		if (!s->token_tried) {
			s->token_tried = 1;
			const char *tok = getenv("WOL_GIT_TOKEN");
			if (tok && *tok) {
				tried_add(s, "$WOL_GIT_TOKEN");
				return git_credential_userpass_plaintext_new(
				    out, user_from_url && *user_from_url ? user_from_url : "x-access-token", tok);
			}
		}
		if (!s->helper_tried) {
			s->helper_tried = 1;
			credential_helper(s);
			if (s->helper_pass) {
				tried_add(s, "git credential fill");
				int rc = git_credential_userpass_plaintext_new(
				    out, s->helper_user ? s->helper_user : user, s->helper_pass);
				memset(s->helper_pass, 0, strlen(s->helper_pass));
				return rc;
			}
		}
	}
refuse:
	s->auth_failed = 1;
	git_error_set_str(GIT_ERROR_SSH, "no more credentials to try");
	return GIT_EAUTH;
}

/* ------------------------------------------------------------- set-up */

static void expand_home(char *out, size_t n, const char *path)
{
	const char *home = getenv("HOME");
	if (path[0] == '~' && path[1] == '/' && home)
		snprintf(out, n, "%s%s", home, path + 1);
	else
		snprintf(out, n, "%s", path);
}

void wol_remote__init(wol_remote_cb *s, wol_ctx *ctx, git_repository *repo,
                      const wol_sync_opts *opts, const char *url)
{
	memset(s, 0, sizeof *s);
	s->opts = opts;
	parse_url(url, s);
	char buf[4096];
	/* git config wol.sshkey: the circle's own config first, then the user's */
	git_config *cfg = NULL;
	git_buf b = {0};
	char *key = NULL;
	if (git_repository_config_snapshot(&cfg, repo) == 0 &&
	    git_config_get_string_buf(&b, cfg, "wol.sshkey") == 0 && b.ptr && *b.ptr)
		key = wol_strfmt("%s", b.ptr);
	git_buf_dispose(&b);
	git_config_free(cfg);
	git_error_clear();
	if (!key)
		key = wol_ctx_config(ctx, "wol.sshkey");
	if (key && *key) {
		expand_home(buf, sizeof buf, key);
		s->keys[s->nkeys++] = wol_strfmt("%s", buf);
	}
	free(key);
	static const char *const defaults[] = {"~/.ssh/id_ed25519", "~/.ssh/id_ecdsa", "~/.ssh/id_rsa"};
	for (size_t i = 0; i < 3 && s->nkeys < MAX_KEYS; i++) {
		expand_home(buf, sizeof buf, defaults[i]);
		s->keys[s->nkeys++] = wol_strfmt("%s", buf);
	}
}

void wol_remote__free(wol_remote_cb *s)
{
	for (size_t i = 0; i < s->nkeys; i++)
		free(s->keys[i]);
	free(s->helper_user);
	if (s->helper_pass)
		memset(s->helper_pass, 0, strlen(s->helper_pass));
	free(s->helper_pass);
}

/* Every connection (a fetch, a push) gets each credential once again. */
void wol_remote__callbacks(git_remote_callbacks *cb, wol_remote_cb *s)
{
	s->calls = s->username_given = s->agent_tried = s->token_tried = s->helper_tried = 0;
	s->key_next = 0;
	s->tried[0] = '\0';
	s->tried_rsa = s->auth_failed = s->cert_refused = 0;
	cb->credentials = cb_credentials;
	cb->certificate_check = cb_certificate;
	cb->transfer_progress = cb_transfer;
	cb->sideband_progress = cb_sideband;
	cb->push_transfer_progress = cb_push_transfer;
	cb->push_update_reference = cb_push_update;
	cb->payload = s;
}

/* Turns a failed fetch or push into one of our codes and one clear line. */
int wol_remote__error(wol_remote_cb *s, int rc, const char *what, const char *url,
                      wol_error *err)
{
	if (s->cancelled)
		return wol_error_set(err, WOL_EREFUSED, "sync: cancelled");
	if (s->cert_refused)
		return wol_error_set(err, WOL_EAUTH, "%s", s->cert_msg);
	const git_error *ge = git_error_last();
	const char *why = ge && ge->message ? ge->message : "unknown error";
	int ssh = strcmp(s->scheme, "ssh") == 0;
	int auth = s->auth_failed || rc == GIT_EAUTH ||
	           (ge && ge->klass == GIT_ERROR_SSH &&
	            (strstr(why, "uthenticat") || strstr(why, "PublicKey") || strstr(why, "ublickey")));
	if (auth) {
		if (ssh && !s->tried[0])
			return wol_error_set(err, WOL_EAUTH,
			                     "sync: no ssh key to offer %s (no ssh-agent, no ~/.ssh/id_ed25519 "
			                     "or id_ecdsa, no git config wol.sshkey); make one with ssh-keygen "
			                     "-t ed25519 and add the .pub file to the host",
			                     s->host);
		if (ssh)
			return wol_error_set(
			    err, WOL_EAUTH,
			    "sync: %s refused every ssh key (tried: %s)%s; add your public key to the "
			    "host or set git config --global wol.sshkey PATH",
			    s->host, s->tried[0] ? s->tried : "none found",
			    s->tried_rsa ? "; an RSA key cannot sign here (libssh2 lacks rsa-sha2): "
			                   "make an ed25519 key with ssh-keygen -t ed25519"
			                 : "");
		return wol_error_set(err, WOL_EAUTH,
		                     "sync: %s refused the credentials (tried: %s); set WOL_GIT_TOKEN "
		                     "or configure a git credential helper",
		                     s->host[0] ? s->host : url, s->tried[0] ? s->tried : "none found");
	}
	if (rc == GIT_ELOCKED || (ge && strstr(why, "failed to lock")))
		return wol_error_set(err, WOL_ELOCKED,
		                     "sync: %s: %s (another git at work? if none runs, delete that "
		                     "lock file)",
		                     what, why);
	if (strcmp(s->scheme, "file") == 0 && access(url, F_OK) != 0)
		return wol_error_set(err, WOL_ENET, "sync: %s: the remote %s does not exist", what, url);
	if (!ge || ge->klass == GIT_ERROR_NET || ge->klass == GIT_ERROR_HTTP ||
	    ge->klass == GIT_ERROR_SSH || ge->klass == GIT_ERROR_OS || ge->klass == GIT_ERROR_SSL ||
	    rc == GIT_ENOTFOUND || rc == GIT_EEOF || ge->klass == GIT_ERROR_REPOSITORY)
		return wol_error_set(err, WOL_ENET, "sync: %s: cannot reach %s: %s", what, url, why);
	return wol_error_git(err, rc, what);
}


char *wol_url_redact(const char *url)
{
	const char *p = strstr(url, "://");
	if (!p)
		return wol_strfmt("%s", url);
	const char *start = p + 3;
	const char *end = start + strcspn(start, "/");
	const char *at = NULL;
	for (const char *q = start; q < end; q++)
		if (*q == '@')
			at = q;
	if (!at)
		return wol_strfmt("%s", url);
	const char *colon = memchr(start, ':', (size_t)(at - start));
	if (!colon)
		return wol_strfmt("%s", url);
	return wol_strfmt("%.*s:***%s", (int)(colon - url), url, at);
}
