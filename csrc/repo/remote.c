/* remote.c - one credential path for every network operation.
 *
 * ssh: the ssh-agent, then git config wol.sshkey, then ~/.ssh/id_ed25519,
 * id_ecdsa, id_rsa; host keys checked against ~/.ssh/known_hosts.
 * https: $WOL_GIT_TOKEN, then git's credential helpers (`git credential
 * fill`, and `approve` / `reject` afterwards so helpers such as store and
 * cache learn and forget), then a user and password given in the URL.
 * Each credential is offered once per connection: libgit2 asks again after
 * every refusal, so a counter and the list of what was tried end it.
 *
 * Trusted certificate authorities, first found wins (as git does):
 * $GIT_SSL_CAINFO / $GIT_SSL_CAPATH, git config http.sslCAInfo /
 * http.sslCAPath (the circle's clone, then the global config), then
 * $SSL_CERT_FILE / $SSL_CERT_DIR, else libgit2's built-in bundle. */
#include "remote.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


static int oom(wol_error *err)
{
	return wol_error_set(err, WOL_ENOMEM, "out of memory");
}

static void tried_add(wol_remote_cb *s, const char *what)
{
	size_t n = strlen(s->tried);
	if (strstr(s->tried, what))
		return;
	snprintf(s->tried + n, sizeof s->tried - n, "%s%s", n ? ", " : "", what);
}

int wol_remote__emit(wol_remote_cb *s, const char *phase)
{
	if (phase) {
		s->prog.phase = phase;
		s->prog.received = s->prog.total = 0;
		s->prog.bytes = 0;
	}
	if (s->opts && s->opts->progress && s->opts->progress(&s->prog, s->opts->payload) != 0)
		s->cancelled = 1;
	return s->cancelled ? -1 : 0;
}

/* ------------------------------------------------------------- URLs */

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* %XX-decoded copy of s[0..n) */
static char *decode(const char *s, size_t n)
{
	char *out = malloc(n + 1);
	if (!out)
		return NULL;
	size_t j = 0;
	for (size_t i = 0; i < n; i++) {
		int hi, lo;
		if (s[i] == '%' && i + 2 < n &&
		    (hi = hexval(s[i + 1])) >= 0 && (lo = hexval(s[i + 2])) >= 0) {
			out[j++] = (char)(hi * 16 + lo);
			i += 2;
		} else {
			out[j++] = s[i];
		}
	}
	out[j] = '\0';
	return out;
}

/* The userinfo of scheme://userinfo@host/...: its bounds, or 0. */
static int userinfo(const char *url, const char **start, const char **at)
{
	const char *p = strstr(url, "://");
	if (!p)
		return 0;
	*start = p + 3;
	const char *end = *start + strcspn(*start, "/");
	*at = NULL;
	for (const char *q = *start; q < end; q++)
		if (*q == '@')
			*at = q;
	return *at != NULL;
}

char *wol_remote__url_strip(const char *url)
{
	const char *start, *at;
	if (!userinfo(url, &start, &at))
		return wol_strfmt("%s", url);
	const char *colon = memchr(start, ':', (size_t)(at - start));
	if (!colon)
		return wol_strfmt("%s", url);
	return wol_strfmt("%.*s%s", (int)(colon - url), url, at);
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
	const char *at = NULL;
	for (const char *q = p; q < end; q++)
		if (*q == '@')
			at = q;
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

static int is_http(const wol_remote_cb *s)
{
	return strcmp(s->scheme, "https") == 0 || strcmp(s->scheme, "http") == 0;
}

/* ----------------------------------------------------------- config */

static void expand_home(char *out, size_t n, const char *path)
{
	const char *home = getenv("HOME");
	if (path[0] == '~' && path[1] == '/' && home)
		snprintf(out, n, "%s%s", home, path + 1);
	else
		snprintf(out, n, "%s", path);
}

/* The circle's config (local over global) or, before the clone exists,
 * the user's. */
static git_config *open_config(git_repository *repo)
{
	git_config *cfg = NULL;
	int grc = repo ? git_repository_config_snapshot(&cfg, repo) : git_config_open_default(&cfg);
	if (grc < 0) {
		git_error_clear();
		return NULL;
	}
	if (!repo) {
		git_config *snap = NULL;
		if (git_config_snapshot(&snap, cfg) == 0) {
			git_config_free(cfg);
			cfg = snap;
		}
		git_error_clear();
	}
	return cfg;
}

static char *config_str(git_config *cfg, const char *key, int path)
{
	if (!cfg)
		return NULL;
	git_buf b = {0};
	int grc = path ? git_config_get_path(&b, cfg, key) : git_config_get_string_buf(&b, cfg, key);
	char *v = grc == 0 && b.ptr && *b.ptr ? wol_strfmt("%s", b.ptr) : NULL;
	git_buf_dispose(&b);
	git_error_clear();
	return v;
}

static const char *env_nonempty(const char *name)
{
	const char *v = getenv(name);
	return v && *v ? v : NULL;
}

/* libgit2 keeps one set of trusted authorities for the whole process and
 * replaces it when asked; so it is set before a connection, and only when
 * it differs from what was set last (a connection of another thread may be
 * using it). */
static pthread_mutex_t ca_mutex = PTHREAD_MUTEX_INITIALIZER;
static char ca_file_set[4096], ca_dir_set[4096];
static int ca_custom;

static int same(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

static int trust_cas(wol_remote_cb *s, git_config *cfg, wol_error *err)
{
	char *file = NULL, *dir = NULL;
	const char *v;
	if ((v = env_nonempty("GIT_SSL_CAINFO")))
		file = wol_strfmt("%s", v);
	if ((v = env_nonempty("GIT_SSL_CAPATH")))
		dir = wol_strfmt("%s", v);
	if (!file && !dir) {
		file = config_str(cfg, "http.sslCAInfo", 1);
		dir = config_str(cfg, "http.sslCAPath", 1);
	}
	if (!file && !dir) {
		if ((v = env_nonempty("SSL_CERT_FILE")))
			file = wol_strfmt("%s", v);
		if ((v = env_nonempty("SSL_CERT_DIR")))
			dir = wol_strfmt("%s", v);
	}
	int rc = 0;
	struct stat st;
	if (file && stat(file, &st) != 0)
		rc = wol_error_set(err, WOL_EINVAL,
		                   "%s: the certificate authority file %s does not exist (from "
		                   "GIT_SSL_CAINFO, git config http.sslCAInfo or SSL_CERT_FILE)",
		                   s->what, file);
	else if (dir && stat(dir, &st) != 0)
		rc = wol_error_set(err, WOL_EINVAL,
		                   "%s: the certificate directory %s does not exist (from "
		                   "GIT_SSL_CAPATH, git config http.sslCAPath or SSL_CERT_DIR)",
		                   s->what, dir);
	if (rc == 0 && wol_git_ready() < 0) /* git_libgit2_opts is not wrapped (util/git.c) */
		rc = wol_error_set(err, WOL_EGIT, "%s: libgit2 failed to initialise", s->what);
	if (rc == 0) {
		pthread_mutex_lock(&ca_mutex);
		if (file || dir) {
			if (!ca_custom || !same(file, ca_file_set) || !same(dir, ca_dir_set)) {
				if (git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, file, dir) < 0) {
					const git_error *ge = git_error_last();
					rc = wol_error_set(err, WOL_EINVAL,
					                   "%s: cannot load the certificate authorities of %s: %s",
					                   s->what, file ? file : dir,
					                   ge && ge->message ? ge->message : "unknown error");
				} else {
					snprintf(ca_file_set, sizeof ca_file_set, "%s", file ? file : "");
					snprintf(ca_dir_set, sizeof ca_dir_set, "%s", dir ? dir : "");
					ca_custom = 1;
				}
			}
		} else if (ca_custom) {
			/* back to the system's bundle, as libgit2 had it */
			static const char *const bundles[] = {"/etc/ssl/certs/ca-certificates.crt",
			                                      "/etc/pki/tls/certs/ca-bundle.crt",
			                                      "/etc/ssl/cert.pem"};
			for (size_t i = 0; i < sizeof bundles / sizeof *bundles; i++)
				if (stat(bundles[i], &st) == 0 &&
				    git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, bundles[i], NULL) == 0)
					break;
			git_error_clear();
			ca_custom = 0;
		}
		pthread_mutex_unlock(&ca_mutex);
	}
	free(file);
	free(dir);
	return rc;
}

/* http.sslVerify=false (or GIT_SSL_NO_VERIFY) is refused, never honoured. */
static int refuse_no_verify(wol_remote_cb *s, git_config *cfg, wol_error *err)
{
	int verify = 1;
	const char *how = NULL;
	if (env_nonempty("GIT_SSL_NO_VERIFY")) {
		verify = 0;
		how = "GIT_SSL_NO_VERIFY is set";
	} else if (cfg && git_config_get_bool(&verify, cfg, "http.sslVerify") == 0 && !verify) {
		how = "git config http.sslVerify is false";
	}
	git_error_clear();
	if (verify)
		return 0;
	return wol_error_set(err, WOL_EREFUSED,
	                     "%s: %s, but wol never turns certificate checks off; trust the host's "
	                     "certificate authority instead: git config --global http.sslCAInfo "
	                     "/path/to/ca.pem (see :help wol-remotes)",
	                     s->what, how);
}

/* ------------------------------------------------------------- set-up */

int wol_remote__init(wol_remote_cb *s, wol_ctx *ctx, git_repository *repo,
                     const wol_sync_opts *opts, const char *url, const char *what,
                     const char *local, wol_error *err)
{
	memset(s, 0, sizeof *s);
	s->what = what;
	s->opts = opts;
	s->url = wol_remote__url_strip(url);
	s->local = local ? wol_strfmt("%s", local) : NULL;
	if (!s->url || (local && !s->local))
		return oom(err);
	parse_url(url, s);
	const char *start, *at;
	if (strstr(url, "://") && userinfo(url, &start, &at)) {
		const char *colon = memchr(start, ':', (size_t)(at - start));
		s->url_user = decode(start, (size_t)((colon ? colon : at) - start));
		if (colon)
			s->url_pass = decode(colon + 1, (size_t)(at - colon - 1));
		if (!s->url_user || (colon && !s->url_pass))
			return oom(err);
	}
	/* the system's certificate authorities, whose parse the CLI leaves
	 * from libgit2's start to here (util/git.c): before any connection,
	 * whatever the scheme (git config's insteadOf can make an ssh address
	 * an https one) */
	int rc = wol_git_ca_load(s->what, err);
	if (rc)
		return rc;
	git_config *cfg = open_config(repo);
	if (is_http(s)) {
		if ((rc = refuse_no_verify(s, cfg, err)) == 0)
			rc = trust_cas(s, cfg, err);
		char *helper = config_str(cfg, "credential.helper", 0);
		s->has_helper = helper != NULL;
		free(helper);
	}
	/* ssh keys: git config wol.sshkey (the circle's, else the user's) */
	char buf[4096];
	char *key = config_str(cfg, "wol.sshkey", 0);
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
	git_config_free(cfg);
	return rc;
}

static void wipe(char **p)
{
	if (*p) {
		memset(*p, 0, strlen(*p));
		free(*p);
		*p = NULL;
	}
}

void wol_remote__free(wol_remote_cb *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nkeys; i++)
		free(s->keys[i]);
	free(s->url);
	free(s->local);
	free(s->url_user);
	wipe(&s->url_pass);
	free(s->helper_user);
	wipe(&s->helper_pass);
	memset(s, 0, sizeof *s);
}

/* ---------------------------------------------------- libgit2 callbacks */

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

static int give_userpass(git_credential **out, wol_remote_cb *s, wol_cred_source src)
{
	const char *user = NULL, *pass = NULL;
	switch (src) {
	case WOL_CRED_TOKEN:
		user = s->url_user ? s->url_user : "x-access-token";
		pass = env_nonempty("WOL_GIT_TOKEN");
		if (pass)
			tried_add(s, "$WOL_GIT_TOKEN");
		break;
	case WOL_CRED_HELPER:
		if (!s->helper_filled)
			wol_remote__helper_fill(s);
		user = s->helper_user ? s->helper_user : s->url_user ? s->url_user : "git";
		pass = s->helper_pass;
		if (pass)
			tried_add(s, "git credential fill");
		break;
	case WOL_CRED_URL:
		user = s->url_user;
		pass = s->url_pass;
		if (pass)
			tried_add(s, "the password in the URL");
		break;
	default:
		break;
	}
	if (!pass)
		return 1; /* nothing from this source */
	s->given = src;
	return git_credential_userpass_plaintext_new(out, user, pass);
}

static int cb_credentials(git_credential **out, const char *url, const char *user_from_url,
                          unsigned int allowed, void *payload)
{
	(void)url;
	wol_remote_cb *s = payload;
	const char *user = user_from_url && *user_from_url ? user_from_url : "git";
	/* asked again: what we gave last was refused */
	if (s->given == WOL_CRED_HELPER)
		s->helper_refused = 1;
	if (s->given == s->good)
		s->good = WOL_CRED_NONE;
	s->given = WOL_CRED_NONE;
	if (++s->calls > MAX_CRED_CALLS)
		goto refuse;
	if ((allowed & GIT_CREDENTIAL_USERNAME) && !s->username_given) {
		s->username_given = 1;
		return git_credential_username_new(out, user);
	}
	if (allowed & GIT_CREDENTIAL_SSH_KEY) {
		if (!s->agent_tried) {
			s->agent_tried = 1;
			const char *sock = env_nonempty("SSH_AUTH_SOCK");
			if (sock) {
				tried_add(s, "ssh-agent");
				s->given = WOL_CRED_AGENT;
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
			s->given = WOL_CRED_KEY;
			int rc = git_credential_ssh_key_new(out, user, pub, k, NULL);
			free(pub);
			return rc;
		}
	}
	if (allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) {
		/* what worked on an earlier connection of this operation first */
		if (s->good && !s->good_tried) {
			s->good_tried = 1;
			int rc = give_userpass(out, s, s->good);
			if (rc <= 0)
				return rc;
		}
		if (!s->token_tried) {
			s->token_tried = 1;
			int rc = give_userpass(out, s, WOL_CRED_TOKEN);
			if (rc <= 0)
				return rc;
		}
		if (!s->helper_tried) {
			s->helper_tried = 1;
			int rc = give_userpass(out, s, WOL_CRED_HELPER);
			if (rc <= 0)
				return rc;
		}
		if (!s->url_tried) {
			s->url_tried = 1;
			int rc = give_userpass(out, s, WOL_CRED_URL);
			if (rc <= 0)
				return rc;
		}
	}
refuse:
	s->auth_failed = 1;
	git_error_set_str(GIT_ERROR_SSH, "no more credentials to try");
	return GIT_EAUTH;
}

static int cb_certificate(git_cert *cert, int valid, const char *host, void *payload)
{
	wol_remote_cb *s = payload;
	if (valid)
		return 0;
	const char *h = host && *host ? host : s->host;
	if (cert->cert_type == GIT_CERT_HOSTKEY_LIBSSH2) {
		s->cert_refused = 1;
		char port[32] = "";
		if (s->port && s->port != 22)
			snprintf(port, sizeof port, "-p %d ", s->port);
		snprintf(s->cert_msg, sizeof s->cert_msg,
		         "%s: the ssh host key of %s is not in ~/.ssh/known_hosts (or it changed); "
		         "refusing to connect. If you trust this host, add its key: ssh-keyscan %s%s >> "
		         "~/.ssh/known_hosts",
		         s->what, h, port, h);
		return GIT_ECERTIFICATE;
	}
	/* a TLS certificate: libgit2 keeps the reason (expired, not trusted,
	 * another name) for wol_remote_error when we pass */
	s->cert_refused = 2;
	return GIT_PASSTHROUGH;
}

static int cb_transfer(const git_indexer_progress *st, void *payload)
{
	wol_remote_cb *s = payload;
	s->prog.phase = "fetch";
	s->prog.received = st->received_objects;
	s->prog.total = st->total_objects;
	s->prog.bytes = st->received_bytes;
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

/* "remote: ..." lines: the server's own words, kept for the message. */
static int cb_sideband(const char *str, int len, void *payload)
{
	wol_remote_cb *s = payload;
	/* the server's progress ("Resolving deltas: 50% (1/2)") is not news */
	if (memmem(str, (size_t)len, "% (", 3))
		return wol_remote__emit(s, NULL);
	size_t n = strlen(s->said);
	for (int i = 0; i < len && n + 1 < sizeof s->said; i++) {
		char c = str[i];
		if (c == '\r' || c == '\n')
			c = ' ';
		if ((unsigned char)c < 0x20)
			continue;
		if (c == ' ' && (n == 0 || s->said[n - 1] == ' '))
			continue;
		s->said[n++] = c;
	}
	s->said[n] = '\0';
	return wol_remote__emit(s, NULL);
}

void wol_remote__callbacks(git_remote_callbacks *cb, wol_remote_cb *s)
{
	s->calls = s->username_given = s->agent_tried = s->token_tried = s->helper_tried = 0;
	s->url_tried = s->good_tried = 0;
	s->key_next = 0;
	s->given = WOL_CRED_NONE;
	s->tried[0] = '\0';
	s->tried_rsa = s->auth_failed = s->cert_refused = 0;
	s->said[0] = '\0';
	cb->credentials = cb_credentials;
	cb->certificate_check = cb_certificate;
	cb->sideband_progress = cb_sideband;
	cb->transfer_progress = cb_transfer;
	cb->push_transfer_progress = cb_push_transfer;
	cb->push_update_reference = cb_push_update;
	cb->payload = s;
}

void wol_remote__succeeded(wol_remote_cb *s)
{
	if (s->given >= WOL_CRED_TOKEN)
		s->good = s->given;
}

void wol_remote__finish(wol_remote_cb *s, int ok)
{
	if (!is_http(s))
		return;
	if (ok && s->good == WOL_CRED_HELPER)
		wol_remote__helper_tell(s, "approve", s->helper_user ? s->helper_user : s->url_user, s->helper_pass);
	else if (ok && s->good == WOL_CRED_URL)
		wol_remote__helper_tell(s, "approve", s->url_user, s->url_pass);
	if (s->helper_refused && s->helper_pass)
		wol_remote__helper_tell(s, "reject", s->helper_user ? s->helper_user : s->url_user, s->helper_pass);
}
