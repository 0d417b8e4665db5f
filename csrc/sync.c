/* sync.c - fetch, merge and push a circle's clone without losing a note.
 *
 * One round: fetch origin's branch -> fast-forward, or merge in memory
 * (git_merge_commits into an index that never touches the disk, conflicts
 * resolved by keeping both sides, a two-parent commit) -> checkout with
 * GIT_CHECKOUT_SAFE -> move the branch with a compare-and-swap -> push.
 * A push the remote rejects (libgit2 returns 0 and reports it through
 * push_update_reference) starts another round after a jittered backoff.
 * Nothing is ever force-pushed and no MERGING state is written, so a
 * process killed at any point leaves a repository the next sync continues
 * from. */
#include "wol.h"
#include "feedback/feedback_int.h"

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

#define MAX_KEYS 4
#define MAX_CRED_CALLS 16

/* State shared by the libgit2 callbacks of one sync. */
typedef struct sync_cb {
	const wol_sync_opts *opts;
	wol_sync_progress prog;
	int cancelled;
	/* where we connect */
	char scheme[16];
	char host[256];
	int port;
	/* credentials: every method is tried once */
	int calls;
	int username_given, agent_tried, token_tried, helper_tried;
	char *keys[MAX_KEYS];
	size_t nkeys, key_next;
	char tried[512];
	int tried_rsa;
	int auth_failed;
	int cert_refused;
	char cert_msg[1024];
	/* push */
	int rejected;
	char reject_status[200];
	char *helper_user, *helper_pass;
} sync_cb;

/* ------------------------------------------------------------ small bits */

static int oom(wol_error *err)
{
	return wol_error_set(err, WOL_ENOMEM, "out of memory");
}

static void tried_add(sync_cb *s, const char *what)
{
	size_t n = strlen(s->tried);
	snprintf(s->tried + n, sizeof s->tried - n, "%s%s", n ? ", " : "", what);
}

static int push_str(char ***v, size_t *n, char *s)
{
	if (!s)
		return WOL_ENOMEM;
	char **nv = realloc(*v, (*n + 1) * sizeof *nv);
	if (!nv) {
		free(s);
		return WOL_ENOMEM;
	}
	nv[(*n)++] = s;
	*v = nv;
	return 0;
}

/* Splits a remote URL into scheme, host and port (scp-style user@host:path
 * is ssh on port 22; local paths have scheme "file"). */
static void parse_url(const char *url, sync_cb *s)
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

static int emit(sync_cb *s, const char *phase)
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
	sync_cb *s = payload;
	s->prog.phase = "fetch";
	s->prog.received = st->received_objects;
	s->prog.total = st->total_objects;
	s->prog.bytes = st->received_bytes;
	return emit(s, NULL);
}

static int cb_sideband(const char *str, int len, void *payload)
{
	(void)str;
	(void)len;
	sync_cb *s = payload;
	return emit(s, NULL);
}

static int cb_push_transfer(unsigned int current, unsigned int total, size_t bytes, void *payload)
{
	sync_cb *s = payload;
	s->prog.phase = "push";
	s->prog.received = current;
	s->prog.total = total;
	s->prog.bytes = bytes;
	return emit(s, NULL);
}

static int cb_push_update(const char *refname, const char *status, void *payload)
{
	(void)refname;
	sync_cb *s = payload;
	if (status) {
		s->rejected = 1;
		snprintf(s->reject_status, sizeof s->reject_status, "%s", status);
	}
	return 0;
}

static int cb_certificate(git_cert *cert, int valid, const char *host, void *payload)
{
	sync_cb *s = payload;
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
static void credential_helper(sync_cb *s)
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
	sync_cb *s = payload;
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

static void init_cb(sync_cb *s, wol_ctx *ctx, git_repository *repo, const wol_sync_opts *opts,
                    const char *url)
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

static void free_cb(sync_cb *s)
{
	for (size_t i = 0; i < s->nkeys; i++)
		free(s->keys[i]);
	free(s->helper_user);
	if (s->helper_pass)
		memset(s->helper_pass, 0, strlen(s->helper_pass));
	free(s->helper_pass);
}

/* Every connection (a fetch, a push) gets each credential once again. */
static void callbacks(git_remote_callbacks *cb, sync_cb *s)
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
static int net_error(sync_cb *s, int rc, const char *what, const char *url, wol_error *err)
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

/* ---------------------------------------------------------- repository */

static int head_branch(git_repository *repo, char **branch, wol_error *err)
{
	git_reference *head = NULL;
	int rc = git_reference_lookup(&head, repo, "HEAD");
	if (rc < 0)
		return wol_error_git(err, rc, "sync: HEAD");
	const char *target = git_reference_symbolic_target(head);
	if (!target || strncmp(target, "refs/heads/", 11) != 0) {
		git_reference_free(head);
		return wol_error_set(err, WOL_EINVAL,
		                     "sync: HEAD is not on a branch; check out the circle's branch first");
	}
	*branch = wol_strfmt("%s", target + 11);
	git_reference_free(head);
	return *branch ? 0 : oom(err);
}

/* The oid a reference points at; 1 when found, 0 when missing. */
static int ref_oid(git_repository *repo, const char *name, git_oid *out)
{
	int rc = git_reference_name_to_id(out, repo, name);
	git_error_clear();
	return rc == 0;
}

static int count_commits(git_repository *repo, const git_oid *tip, const git_oid *hide,
                         size_t *n)
{
	git_revwalk *w = NULL;
	*n = 0;
	int rc = git_revwalk_new(&w, repo);
	if (rc == 0)
		rc = git_revwalk_push(w, tip);
	if (rc == 0 && hide)
		rc = git_revwalk_hide(w, hide);
	git_oid id;
	while (rc == 0 && git_revwalk_next(&id, w) == 0)
		(*n)++;
	git_revwalk_free(w);
	git_error_clear();
	return rc;
}

static int ahead_behind(git_repository *repo, const char *branch, size_t *ahead, size_t *behind,
                        int *known)
{
	char local[300], remote[300];
	snprintf(local, sizeof local, "refs/heads/%s", branch);
	snprintf(remote, sizeof remote, "refs/remotes/origin/%s", branch);
	git_oid l, r;
	int hl = ref_oid(repo, local, &l), hr = ref_oid(repo, remote, &r);
	*ahead = *behind = 0;
	if (known)
		*known = hr;
	if (!hl)
		return hr ? count_commits(repo, &r, NULL, behind) : 0;
	if (!hr)
		return count_commits(repo, &l, NULL, ahead);
	int rc = git_graph_ahead_behind(ahead, behind, repo, &l, &r);
	git_error_clear();
	return rc;
}

/* "<qts>-<handle>-<hex>" -> handle */
static char *member_of_id(const char *id, size_t n)
{
	const char *first = memchr(id, '-', n);
	const char *last = NULL;
	for (const char *p = id; p < id + n; p++)
		if (*p == '-')
			last = p;
	if (!first || last == first)
		return NULL;
	return wol_strndup(first + 1, (size_t)(last - first - 1));
}

static int is_resolve_event(git_repository *repo, const git_oid *blob_id)
{
	git_blob *blob = NULL;
	if (git_blob_lookup(&blob, repo, blob_id) < 0) {
		git_error_clear();
		return 0;
	}
	wol_doc doc;
	int resolved = 0;
	if (wol_doc_parse(git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob), "event", &doc,
	                  NULL) == 0) {
		static const char *const keys[] = {"kind", "type", "event", "action"};
		for (size_t i = 0; i < 4; i++) {
			const char *v = wol_yaml_str(doc.meta, keys[i]);
			if (v && (strcmp(v, "resolve") == 0 || strcmp(v, "resolved") == 0))
				resolved = 1;
		}
		wol_doc_free(&doc);
	}
	git_blob_free(blob);
	return resolved;
}

static int add_item(wol_sync_result *r, const char *kind, char *member, const char *path,
                    int added, int to_me)
{
	wol_sync_item *v = realloc(r->arrived, (r->narrived + 1) * sizeof *v);
	if (!v) {
		free(member);
		return WOL_ENOMEM;
	}
	r->arrived = v;
	wol_sync_item *it = &v[r->narrived];
	it->kind = wol_strfmt("%s", kind);
	it->member = member;
	it->path = wol_strfmt("%s", path);
	it->added = added;
	it->to_me = to_me;
	r->narrived++;
	return it->kind && it->path ? 0 : WOL_ENOMEM;
}

/* feedback/<nid>/<id>.md: "feedback" (to_me: on a note of mine: its id
 * names me, or, for a note named otherwise, the record names a path in my
 * folder) or "addressed" (to_me: the item marked is mine). */
static int classify_feedback(git_repository *repo, wol_sync_result *r, const git_diff_delta *d,
                             const char *nid, size_t nn, const char *base, const char *me)
{
	char h[WOL_HANDLE_MAX + 1];
	const char *dot = strrchr(base, '.');
	size_t bn = dot ? (size_t)(dot - base) : strlen(base);
	char *id = wol_strndup(nid, nn), *target = NULL;
	const char *kind = "feedback";
	int named = id && wol_feedback__id_handle(id, h, sizeof h);
	int to_me = named && me && strcmp(h, me) == 0;
	git_blob *blob = NULL;
	wol_doc doc;
	if (git_blob_lookup(&blob, repo, &d->new_file.id) == 0 &&
	    wol_doc_parse(git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob), "feedback", &doc,
	                  NULL) == 0) {
		const char *k = wol_yaml_str(doc.meta, "kind");
		/* a note without an id of wol's form: the path the record names */
		if (!named && me && wol_feedback__note_path(wol_yaml_str(doc.meta, "note"), h, sizeof h))
			to_me = strcmp(h, me) == 0;
		if (k && strcmp(k, "addressed") == 0) {
			kind = "addressed";
			target = wol_strdup(wol_yaml_str(doc.meta, "target"));
			to_me = target && me && wol_feedback__id_handle(target, h, sizeof h) &&
			        strcmp(h, me) == 0;
		}
		wol_doc_free(&doc);
	}
	git_blob_free(blob);
	git_error_clear();
	free(id);
	free(target);
	return add_item(r, kind, member_of_id(base, bn), d->new_file.path, d->status == GIT_DELTA_ADDED,
	                to_me);
}

/* Classifies one arrived path by the circle format. */
static int classify(git_repository *repo, wol_sync_result *r, const git_diff_delta *d,
                    const char *me)
{
	const char *path = d->new_file.path;
	int added = d->status == GIT_DELTA_ADDED;
	const char *slash;
	if (strncmp(path, "notes/", 6) == 0 && (slash = strchr(path + 6, '/')) != NULL) {
		char *m = wol_strndup(path + 6, (size_t)(slash - path - 6));
		const char *kind = strstr(strrchr(path, '/'), ".conflict-") ? "conflict" : "note";
		return add_item(r, kind, m, path, added, 0);
	}
	if (strncmp(path, "members/", 8) == 0 && !strchr(path + 8, '/')) {
		const char *dot = strrchr(path + 8, '.');
		size_t n = dot ? (size_t)(dot - path - 8) : strlen(path + 8);
		return add_item(r, "member", wol_strndup(path + 8, n), path, added, 0);
	}
	if (strncmp(path, "questions/", 10) == 0 && (slash = strchr(path + 10, '/')) != NULL) {
		const char *qid = path + 10;
		size_t qn = (size_t)(slash - qid);
		char *asker = member_of_id(qid, qn);
		int mine = asker && me && strcmp(asker, me) == 0;
		free(asker);
		const char *rest = slash + 1;
		if (strcmp(rest, "question.md") == 0)
			return add_item(r, "question", member_of_id(qid, qn), path, added, 0);
		const char *kind = NULL;
		if (strncmp(rest, "answers/", 8) == 0)
			kind = "answer";
		else if (strncmp(rest, "events/", 7) == 0)
			kind = is_resolve_event(repo, &d->new_file.id) ? "resolved" : "event";
		if (kind) {
			const char *base = strrchr(rest, '/') + 1;
			const char *dot = strrchr(base, '.');
			size_t n = dot ? (size_t)(dot - base) : strlen(base);
			return add_item(r, kind, member_of_id(base, n), path, added, mine);
		}
	}
	if (strncmp(path, "feedback/", 9) == 0 && (slash = strchr(path + 9, '/')) != NULL &&
	    !strchr(slash + 1, '/'))
		return classify_feedback(repo, r, d, path + 9, (size_t)(slash - path - 9), slash + 1, me);
	return add_item(r, "file", NULL, path, added, 0);
}

/* What changed between two trees: the arrived items and the changed files. */
static int record_changes(git_repository *repo, const char *workdir, git_tree *from, git_tree *to,
                          wol_sync_result *r, const char *me)
{
	git_diff *diff = NULL;
	git_diff_options o;
	git_diff_options_init(&o, GIT_DIFF_OPTIONS_VERSION);
	int rc = git_diff_tree_to_tree(&diff, repo, from, to, &o);
	if (rc < 0)
		return rc;
	size_t n = git_diff_num_deltas(diff);
	for (size_t i = 0; i < n && rc == 0; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		const char *p = d->status == GIT_DELTA_DELETED ? d->old_file.path : d->new_file.path;
		rc = push_str(&r->changed, &r->nchanged, wol_strfmt("%s%s", workdir, p));
		if (rc == 0 && (d->status == GIT_DELTA_ADDED || d->status == GIT_DELTA_MODIFIED))
			rc = classify(repo, r, d, me);
	}
	git_diff_free(diff);
	return rc;
}

typedef struct checkout_conflicts {
	char list[600];
	int n;
} checkout_conflicts;

static int cb_checkout_notify(git_checkout_notify_t why, const char *path,
                              const git_diff_file *baseline, const git_diff_file *target,
                              const git_diff_file *workdir, void *payload)
{
	(void)why;
	(void)baseline;
	(void)target;
	(void)workdir;
	checkout_conflicts *c = payload;
	size_t n = strlen(c->list);
	if (c->n++ < 5)
		snprintf(c->list + n, sizeof c->list - n, "%s%s", n ? ", " : "", path);
	return 0;
}

/* Whether a path another member committed must not be written here: what
 * wol_path_check refuses, a component longer than a file name can be, or
 * a ".git" component at any depth (any case). */
static int unsafe_path(const char *p)
{
	if (wol_path_check(p, NULL) != 0)
		return 1;
	for (const char *s = p; *s;) {
		const char *e = strchr(s, '/');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		if (len > 255 || (len == 4 && strncasecmp(s, ".git", 4) == 0))
			return 1;
		if (!e)
			break;
		s = e + 1;
	}
	return 0;
}

/* The paths that change from `from` to `to`, split into those safe to
 * write and the rest; a warning is added to r for each one left out. */
static int safe_paths(git_repository *repo, git_tree *from, git_tree *to, wol_sync_result *r,
                      char ***ok, size_t *nok, size_t *nbad)
{
	*ok = NULL;
	*nok = *nbad = 0;
	git_diff *diff = NULL;
	git_diff_options dopts;
	git_diff_options_init(&dopts, GIT_DIFF_OPTIONS_VERSION);
	int grc = git_diff_tree_to_tree(&diff, repo, from, to, &dopts);
	if (grc < 0)
		return grc;
	size_t n = git_diff_num_deltas(diff);
	for (size_t i = 0; i < n; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		const char *path = d->status == GIT_DELTA_DELETED ? d->old_file.path : d->new_file.path;
		if (!unsafe_path(path)) {
			push_str(ok, nok, wol_strfmt("%s", path));
			continue;
		}
		(*nbad)++;
		/* shown without its control characters, and cut short */
		char shown[120];
		size_t k = 0;
		for (const unsigned char *c = (const unsigned char *)path; *c && k < sizeof shown - 4; c++)
			shown[k++] = *c < 0x20 || *c == 0x7f ? '?' : (char)*c;
		shown[k] = '\0';
		if (strlen(path) > k)
			strcpy(shown + k, "...");
		push_str(&r->warnings, &r->nwarnings,
		         wol_strfmt("wol: sync: not written: '%s' from the circle is not a safe path "
		                    "(it stays in the repository)",
		                    shown));
	}
	git_diff_free(diff);
	return 0;
}

/* Brings the working tree from `from` to `to`; refuses (changing nothing)
 * when that would overwrite edits that are not committed. Paths that are
 * not safe to write (a member's '..', '.git', control characters, names
 * too long) are left out with a warning rather than failing every sync. */
static int checkout(git_repository *repo, git_tree *from, git_tree *to, wol_sync_result *r,
                    wol_error *err)
{
	git_checkout_options co;
	git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
	checkout_conflicts c;
	memset(&c, 0, sizeof c);
	co.checkout_strategy = GIT_CHECKOUT_SAFE;
	char **ok = NULL;
	size_t nok = 0, nbad = 0;
	int grc = safe_paths(repo, from, to, r, &ok, &nok, &nbad);
	if (grc < 0)
		return wol_error_git(err, grc, "sync: checkout");
	if (nbad) {
		if (nok == 0) {
			free(ok);
			return 0; /* nothing safe to write */
		}
		co.paths.strings = ok;
		co.paths.count = nok;
		co.checkout_strategy |= GIT_CHECKOUT_DISABLE_PATHSPEC_MATCH;
	}
	co.baseline = from;
	co.notify_flags = GIT_CHECKOUT_NOTIFY_CONFLICT;
	co.notify_cb = cb_checkout_notify;
	co.notify_payload = &c;
	int rc = 0;
	for (int tries = 0; tries < 50; tries++) {
		rc = git_checkout_tree(repo, (const git_object *)to, &co);
		if (rc != GIT_ELOCKED)
			break;
		/* someone (git, a share) holds index.lock: wait briefly */
		git_error_clear();
		struct timespec ts = {0, 20 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	for (size_t i = 0; i < nok; i++)
		free(ok[i]);
	free(ok);
	if (rc == GIT_ECONFLICT || (rc < 0 && c.n))
		return wol_error_set(err, WOL_ECONFLICT,
		                     "sync: %s changed on disk but not shared, and the circle changed "
		                     "%s too; share it (or copy it away) and sync again (nothing was "
		                     "changed)",
		                     c.list[0] ? c.list : "a file", c.n > 1 ? "them" : "it");
	if (rc < 0)
		return wol_error_git(err, rc, "sync: checkout");
	return 0;
}

/* Moves refs/heads/<branch> from `old` (NULL: unborn) to `new_id`, failing
 * when someone else moved it meanwhile. */
static int move_branch(git_repository *repo, const char *branch, const git_oid *old,
                       const git_oid *new_id, const char *msg, wol_error *err)
{
	char name[300];
	snprintf(name, sizeof name, "refs/heads/%s", branch);
	git_reference *ref = NULL;
	int rc = old ? git_reference_create_matching(&ref, repo, name, new_id, 1, old, msg)
	             : git_reference_create(&ref, repo, name, new_id, 0, msg);
	git_reference_free(ref);
	if (rc == GIT_EMODIFIED || rc == GIT_EEXISTS)
		return wol_error_set(err, WOL_ECONFLICT,
		                     "sync: the branch %s moved during the sync (a share?); sync again",
		                     branch);
	if (rc < 0)
		return wol_error_git(err, rc, "sync: update branch");
	return 0;
}

/* "dir/x.md" -> "dir/x.conflict-<short>.md", unique in `idx`. */
static char *conflict_name(git_index *idx, const char *path, const char *shortid)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	const char *dot = strrchr(base, '.');
	if (!dot || dot == base)
		dot = base + strlen(base);
	for (int i = 1; i < 100; i++) {
		char suffix[16] = "";
		if (i > 1)
			snprintf(suffix, sizeof suffix, "-%d", i);
		char *name = wol_strfmt("%.*s.conflict-%s%s%s", (int)(dot - path), path, shortid, suffix,
		                        dot);
		if (!name || !git_index_get_bypath(idx, name, 0))
			return name;
		free(name);
	}
	return NULL;
}

static int stage(git_index *idx, const git_index_entry *src, const char *path)
{
	git_index_entry e;
	memset(&e, 0, sizeof e);
	e.mode = src->mode;
	e.id = src->id;
	e.file_size = src->file_size;
	e.path = path;
	return git_index_add(idx, &e);
}

typedef struct conflict_entry {
	git_index_entry ours, theirs;
	int has_ours, has_theirs;
	char *path, *our_path, *their_path;
} conflict_entry;

/* Resolves every conflict in `idx` by keeping both sides: ours stays at
 * the path, theirs is added next to it. */
static int resolve_conflicts(git_index *idx, const char *shortid, wol_sync_result *r,
                             wol_buf *msg, wol_error *err)
{
	git_index_conflict_iterator *it = NULL;
	conflict_entry *v = NULL;
	size_t n = 0;
	int rc = git_index_conflict_iterator_new(&it, idx);
	if (rc < 0)
		return wol_error_git(err, rc, "sync: merge");
	const git_index_entry *anc, *ours, *theirs;
	while (git_index_conflict_next(&anc, &ours, &theirs, it) == 0) {
		conflict_entry *nv = realloc(v, (n + 1) * sizeof *nv);
		if (!nv) {
			rc = WOL_ENOMEM;
			break;
		}
		v = nv;
		conflict_entry *c = &v[n++];
		memset(c, 0, sizeof *c);
		if (ours) {
			c->ours = *ours;
			c->has_ours = 1;
			c->our_path = wol_strfmt("%s", ours->path);
		}
		if (theirs) {
			c->theirs = *theirs;
			c->has_theirs = 1;
			c->their_path = wol_strfmt("%s", theirs->path);
		}
		c->path = wol_strfmt("%s", ours ? ours->path : theirs ? theirs->path : anc->path);
	}
	git_index_conflict_iterator_free(it);
	git_error_clear();
	for (size_t i = 0; i < n && rc == 0; i++) {
		conflict_entry *c = &v[i];
		if (!c->path || (c->has_ours && !c->our_path) || (c->has_theirs && !c->their_path)) {
			rc = WOL_ENOMEM;
			break;
		}
		if (git_index_conflict_remove(idx, c->path) < 0)
			git_error_clear();
		if (c->has_theirs && c->their_path && strcmp(c->their_path, c->path) != 0 &&
		    git_index_conflict_remove(idx, c->their_path) < 0)
			git_error_clear();
		if (c->has_ours)
			rc = stage(idx, &c->ours, c->our_path);
		if (rc == 0 && c->has_theirs &&
		    (!c->has_ours || !git_oid_equal(&c->ours.id, &c->theirs.id))) {
			if (!c->has_ours) {
				/* deleted here, changed there: the changed text comes back */
				rc = stage(idx, &c->theirs, c->their_path);
				if (rc == 0)
					rc = push_str(&r->warnings, &r->nwarnings,
					              wol_strfmt("wol: sync: %s was deleted here but changed by "
					                         "the circle; it was kept",
					                         c->their_path));
				continue;
			}
			char *name = conflict_name(idx, c->path, shortid);
			if (!name) {
				rc = WOL_ENOMEM;
				break;
			}
			rc = stage(idx, &c->theirs, name);
			if (rc == 0) {
				wol_sync_conflict *nc =
				    realloc(r->conflicts, (r->nconflicts + 1) * sizeof *nc);
				if (!nc) {
					free(name);
					rc = WOL_ENOMEM;
					break;
				}
				r->conflicts = nc;
				wol_sync_conflict *k = &nc[r->nconflicts++];
				k->path = wol_strfmt("%s", c->path);
				k->kept_as = name;
				k->member = NULL;
				const char *slash;
				if (strncmp(c->path, "notes/", 6) == 0 &&
				    (slash = strchr(c->path + 6, '/')) != NULL)
					k->member = wol_strndup(c->path + 6, (size_t)(slash - c->path - 6));
				wol_buf_printf(msg, "Kept both versions of %s: the circle's copy is %s\n",
				               c->path, name);
			} else {
				free(name);
			}
		}
	}
	for (size_t i = 0; i < n; i++) {
		free(v[i].path);
		free(v[i].our_path);
		free(v[i].their_path);
	}
	free(v);
	if (rc == WOL_ENOMEM)
		return oom(err);
	if (rc < 0)
		return wol_error_git(err, rc, "sync: keep both versions");
	return 0;
}

static int signature(wol_ctx *ctx, git_signature **sig, wol_error *err)
{
	const wol_identity *id = wol_ctx_identity(ctx);
	const char *handle = id->handle[0] ? id->handle : "wol";
	char email[128];
	if (id->email && *id->email)
		snprintf(email, sizeof email, "%s", id->email);
	else
		snprintf(email, sizeof email, "%s@localhost", handle);
	int rc = git_signature_now(sig, id->name && *id->name ? id->name : handle, email);
	if (rc < 0)
		return wol_error_git(err, rc, "sync: signature");
	return 0;
}

/* Brings what was fetched into the branch: nothing, a fast-forward, or a
 * merge commit. */
static int integrate(wol_ctx *ctx, git_repository *repo, const char *branch, sync_cb *s,
                     wol_sync_result *r, wol_error *err)
{
	char local[300], remote[300];
	snprintf(local, sizeof local, "refs/heads/%s", branch);
	snprintf(remote, sizeof remote, "refs/remotes/origin/%s", branch);
	git_oid our_id, their_id, base;
	int has_ours = ref_oid(repo, local, &our_id);
	if (!ref_oid(repo, remote, &their_id))
		return 0; /* the remote has no such branch yet */
	if (has_ours && git_oid_equal(&our_id, &their_id))
		return 0;
	/* shares (csrc/circle.c) commit under this lock: hold it while the
	 * branch and the work tree move, so the two never interleave */
	wol_lock commit_lock = {-1};
	char *lock_path = wol_strfmt("%swol-commit.flock", git_repository_path(repo));
	if (!lock_path)
		return oom(err);
	int lrc = wol_lock_acquire(&commit_lock, lock_path, 10000, err);
	free(lock_path);
	if (lrc)
		return lrc;
	has_ours = ref_oid(repo, local, &our_id); /* read again under the lock */
	if (has_ours && git_oid_equal(&our_id, &their_id)) {
		wol_lock_release(&commit_lock);
		return 0;
	}
	const char *me = wol_ctx_identity(ctx)->handle;
	const char *workdir = git_repository_workdir(repo);
	git_commit *ours = NULL, *theirs = NULL;
	git_tree *our_tree = NULL, *their_tree = NULL, *new_tree = NULL;
	git_index *idx = NULL;
	git_signature *sig = NULL;
	wol_buf msg;
	wol_buf_init(&msg);
	int rc = 0, grc = 0;
	int ff = !has_ours;
	if (has_ours) {
		grc = git_merge_base(&base, repo, &our_id, &their_id);
		if (grc == 0 && git_oid_equal(&base, &their_id))
			goto out; /* we are ahead: nothing to bring in */
		if (grc == 0 && git_oid_equal(&base, &our_id))
			ff = 1;
		else if (grc < 0 && grc != GIT_ENOTFOUND)
			goto git_fail;
		git_error_clear();
		grc = 0;
	}
	if ((grc = git_commit_lookup(&theirs, repo, &their_id)) < 0 ||
	    (grc = git_commit_tree(&their_tree, theirs)) < 0)
		goto git_fail;
	if (has_ours && ((grc = git_commit_lookup(&ours, repo, &our_id)) < 0 ||
	                 (grc = git_commit_tree(&our_tree, ours)) < 0))
		goto git_fail;
	if (ff) {
		emit(s, "checkout");
		if ((rc = checkout(repo, our_tree, their_tree, r, err)) != 0)
			goto out;
		if ((rc = move_branch(repo, branch, has_ours ? &our_id : NULL, &their_id,
		                      "wol sync: fast-forward", err)) != 0)
			goto out;
		r->fast_forward = 1;
		if ((grc = record_changes(repo, workdir, our_tree, their_tree, r, me)) < 0)
			goto git_fail;
		goto out;
	}
	emit(s, "merge");
	git_merge_options mo;
	git_merge_options_init(&mo, GIT_MERGE_OPTIONS_VERSION);
	mo.flags = 0;                  /* no rename guessing: paths are what they say */
	mo.default_driver = "binary";  /* both sides changed a file: keep both, never mix */
	if ((grc = git_merge_commits(&idx, repo, ours, theirs, &mo)) < 0)
		goto git_fail;
	char shortid[GIT_OID_HEXSZ + 1];
	git_oid_tostr(shortid, 8, &their_id);
	const char *handle = me[0] ? me : "wol";
	wol_buf_printf(&msg, "sync(%s): merge what the circle shared\n\n", handle);
	size_t msg_head = msg.len;
	if (git_index_has_conflicts(idx) &&
	    (rc = resolve_conflicts(idx, shortid, r, &msg, err)) != 0)
		goto out;
	if (msg.len > msg_head)
		wol_buf_puts(&msg, "\n");
	wol_buf_puts(&msg, "Wol-Kind: merge\n");
	if (msg.oom) {
		rc = oom(err);
		goto out;
	}
	git_oid tree_id, merge_id;
	if ((grc = git_index_write_tree_to(&tree_id, idx, repo)) < 0 ||
	    (grc = git_tree_lookup(&new_tree, repo, &tree_id)) < 0)
		goto git_fail;
	if ((rc = signature(ctx, &sig, err)) != 0)
		goto out;
	const git_commit *parents[2] = {ours, theirs};
	if ((grc = git_commit_create(&merge_id, repo, NULL, sig, sig, NULL, msg.ptr, new_tree, 2,
	                             parents)) < 0)
		goto git_fail;
	emit(s, "checkout");
	if ((rc = checkout(repo, our_tree, new_tree, r, err)) != 0)
		goto out;
	if ((rc = move_branch(repo, branch, &our_id, &merge_id, "wol sync: merge", err)) != 0)
		goto out;
	r->merged = 1;
	if ((grc = record_changes(repo, workdir, our_tree, new_tree, r, me)) < 0)
		goto git_fail;
	for (size_t i = 0; i < r->nconflicts; i++)
		push_str(&r->warnings, &r->nwarnings,
		         wol_strfmt("wol: sync: %s was changed here and in the circle; both kept: yours "
		                    "at its path, the circle's as %s",
		                    r->conflicts[i].path, r->conflicts[i].kept_as));
	goto out;
git_fail:
	rc = grc == WOL_ENOMEM ? oom(err) : wol_error_git(err, grc, "sync: merge");
out:
	wol_lock_release(&commit_lock);
	wol_buf_free(&msg);
	git_signature_free(sig);
	git_index_free(idx);
	git_tree_free(new_tree);
	git_tree_free(their_tree);
	git_tree_free(our_tree);
	git_commit_free(theirs);
	git_commit_free(ours);
	return rc;
}

/* ---------------------------------------------------------------- API */

char *wol_sync_lock_path(const wol_ctx *ctx, const char *circle)
{
	return wol_strfmt("%s/circles/%s/.git/wol-sync.lock", wol_ctx_home(ctx), circle);
}

static int open_circle(wol_ctx *ctx, const char *circle, const char **name,
                       git_repository **repo, wol_error *err)
{
	int rc = wol_ctx_circle(ctx, circle, name, err);
	if (rc)
		return rc;
	char *path = wol_ctx_circle_path(ctx, *name);
	if (!path)
		return oom(err);
	rc = git_repository_open_ext(repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
	free(path);
	if (rc < 0)
		return wol_error_git(err, rc, "sync: open circle");
	return 0;
}

static char *origin_url(git_repository *repo)
{
	git_remote *remote = NULL;
	if (git_remote_lookup(&remote, repo, "origin") < 0) {
		git_error_clear();
		return NULL;
	}
	const char *url = git_remote_url(remote);
	char *s = url ? wol_strfmt("%s", url) : NULL;
	git_remote_free(remote);
	return s;
}

int wol_sync_ahead(wol_ctx *ctx, const char *circle, wol_sync_state *out, wol_error *err)
{
	memset(out, 0, sizeof *out);
	const char *name;
	git_repository *repo = NULL;
	int rc = open_circle(ctx, circle, &name, &repo, err);
	if (rc)
		return rc;
	out->circle = wol_strfmt("%s", name);
	rc = head_branch(repo, &out->branch, err);
	if (rc == 0) {
		char *url = origin_url(repo);
		out->remote = url ? wol_url_redact(url) : NULL;
		free(url);
		int grc = ahead_behind(repo, out->branch, &out->ahead, &out->behind, &out->remote_known);
		if (grc < 0)
			rc = wol_error_git(err, grc, "sync: count commits");
	}
	git_repository_free(repo);
	if (rc)
		wol_sync_state_free(out);
	return rc;
}

void wol_sync_state_free(wol_sync_state *s)
{
	if (!s)
		return;
	free(s->circle);
	free(s->branch);
	free(s->remote);
	memset(s, 0, sizeof *s);
}

/* ------------------------------------------------- crash recovery */

/* Removes `*.lock` files under dir (recursively, objects/ left alone) made
 * at or after `since` (ns): the ref locks of a fetch or fast-forward that
 * was killed. */
static void remove_locks_since(const char *dir, long long since, int depth)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || strcmp(de->d_name, "objects") == 0)
			continue;
		char *p = wol_strfmt("%s/%s", dir, de->d_name);
		struct stat st;
		if (p && lstat(p, &st) == 0) {
			size_t n = strlen(de->d_name);
			long long m = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
			if (S_ISDIR(st.st_mode) && depth < 8)
				remove_locks_since(p, since, depth + 1);
			else if (S_ISREG(st.st_mode) && n > 5 &&
			         strcmp(de->d_name + n - 5, ".lock") == 0 && m >= since)
				unlink(p);
		}
		free(p);
	}
	closedir(d);
}

/* Called holding the sync lock. `<gitdir>/wol-sync.owner` holds the pid of
 * the sync at work and is emptied when it ends: if it still holds one, that
 * sync was killed, and git's lock files it left (refs/remotes/origin/x.lock
 * from a fetch, a ref or index lock from a fast-forward) would block every
 * sync after it. Under the commit lock too (so no share is at work) those
 * made since the dead sync began are removed. Then the owner is written. */
static int sync_recover(const char *gitdir, wol_error *err)
{
	char *owner = wol_strfmt("%s/wol-sync.owner", gitdir);
	char *cl = wol_strfmt("%s/wol-commit.flock", gitdir);
	if (!owner || !cl) {
		free(owner);
		free(cl);
		return oom(err);
	}
	struct stat st;
	int rc = 0;
	if (lstat(owner, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
		wol_lock commit_lock = {-1};
		rc = wol_lock_acquire(&commit_lock, cl, 10000, err);
		if (rc == 0) {
			/* a second of slack for coarse file system timestamps */
			long long since = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec -
			                  1000000000LL;
			remove_locks_since(gitdir, since, 0);
			wol_lock_release(&commit_lock);
		}
	}
	if (rc == 0) {
		char pid[32];
		int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
		int fd = open(owner, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
		if (fd < 0 || write(fd, pid, (size_t)n) != n)
			rc = wol_error_set(err, WOL_EIO, "sync: %s: %s", owner, strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	free(owner);
	free(cl);
	return rc;
}

/* Empties the owner file: this sync ended (well or not) by itself. */
static void sync_done(const char *gitdir)
{
	char *owner = wol_strfmt("%s/wol-sync.owner", gitdir);
	if (owner) {
		int fd = open(owner, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW);
		if (fd >= 0)
			close(fd);
	}
	free(owner);
}

static void backoff(int base_ms, int attempt, unsigned *seed)
{
	long ms = (long)base_ms << (attempt - 1 < 6 ? attempt - 1 : 6);
	ms = ms / 2 + (long)(rand_r(seed) % (unsigned)(ms + 1)); /* 0.5x .. 1.5x */
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

int wol_sync_run(wol_ctx *ctx, const char *circle, const wol_sync_opts *opts,
                 wol_sync_result *out, wol_error *err)
{
	memset(out, 0, sizeof *out);
	wol_sync_opts defaults;
	memset(&defaults, 0, sizeof defaults);
	if (!opts)
		opts = &defaults;
	int attempts = opts->attempts > 0 ? opts->attempts : 5;
	int base_ms = opts->backoff_ms > 0 ? opts->backoff_ms : 200;
	const char *name;
	git_repository *repo = NULL;
	git_remote *remote = NULL;
	wol_lock lock = {-1};
	sync_cb s;
	memset(&s, 0, sizeof s);
	s.opts = opts;
	int rc = wol_ctx_circle(ctx, circle, &name, err);
	if (rc)
		return rc;
	out->circle = wol_strfmt("%s", name);
	char *lock_path = wol_sync_lock_path(ctx, name);
	if (!out->circle || !lock_path) {
		free(lock_path);
		return oom(err);
	}
	s.prog.attempt = 1;
	emit(&s, "lock");
	rc = wol_lock_acquire(&lock, lock_path, opts->lock_wait_ms, err);
	char *gitdir = lock_path;
	*strrchr(gitdir, '/') = '\0'; /* <circle>/.git */
	if (rc == WOL_ELOCKED) {
		free(gitdir);
		return wol_error_set(err, WOL_ELOCKED,
		                     "sync: another sync of circle '%s' is running; try again when it "
		                     "is done",
		                     name);
	}
	if (rc == 0)
		rc = sync_recover(gitdir, err);
	if (rc) {
		wol_lock_release(&lock);
		free(gitdir);
		return rc;
	}
	/* a crash must never leave refs pointing at objects that are not on disk */
	git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1);
	if ((rc = open_circle(ctx, name, &name, &repo, err)) != 0)
		goto out;
	if ((rc = head_branch(repo, &out->branch, err)) != 0)
		goto out;
	int grc = git_remote_lookup(&remote, repo, "origin");
	if (grc == GIT_ENOTFOUND) {
		rc = wol_error_set(err, WOL_ENOTFOUND,
		                   "sync: circle '%s' has no remote; add one: git -C %s remote add "
		                   "origin URL",
		                   name, git_repository_workdir(repo));
		goto out;
	}
	if (grc < 0) {
		rc = wol_error_git(err, grc, "sync: remote origin");
		goto out;
	}
	/* a sync killed while it moved origin/<branch> leaves that ref's lock
	 * file; only syncs (we hold their lock) write it, so an old one is
	 * stale */
	char *ref_lock = wol_strfmt("%srefs/remotes/origin/%s.lock", git_repository_path(repo),
	                            out->branch);
	struct stat lst;
	if (ref_lock && lstat(ref_lock, &lst) == 0 && S_ISREG(lst.st_mode) &&
	    time(NULL) - lst.st_mtime > 30 && unlink(ref_lock) == 0)
		push_str(&out->warnings, &out->nwarnings,
		         wol_strfmt("wol: sync: removed %s, left behind by a sync that was stopped",
		                    ref_lock));
	free(ref_lock);
	const char *url = git_remote_url(remote);
	out->remote = wol_url_redact(url ? url : "");
	init_cb(&s, ctx, repo, opts, url ? url : "");
	unsigned seed = (unsigned)time(NULL) ^ (unsigned)getpid() ^ (unsigned)clock();
	char fetch_spec[300], push_spec[300];
	snprintf(fetch_spec, sizeof fetch_spec, "+refs/heads/%s:refs/remotes/origin/%s", out->branch,
	         out->branch);
	snprintf(push_spec, sizeof push_spec, "refs/heads/%s:refs/heads/%s", out->branch,
	         out->branch);
	for (int attempt = 1;; attempt++) {
		out->attempts = attempt;
		s.prog.attempt = attempt;
		if (emit(&s, "connect")) {
			rc = net_error(&s, -1, "fetch", out->remote, err);
			goto out;
		}
		git_fetch_options fo;
		git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION);
		callbacks(&fo.callbacks, &s);
		fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
		char *specs[1] = {fetch_spec};
		git_strarray refspecs = {specs, 1};
		grc = git_remote_fetch(remote, &refspecs, &fo, "wol sync: fetch");
		if (grc < 0) {
			rc = net_error(&s, grc, "fetch", out->remote, err);
			goto out;
		}
		if ((rc = integrate(ctx, repo, out->branch, &s, out, err)) != 0)
			goto out;
		size_t ahead = 0, behind = 0;
		if ((grc = ahead_behind(repo, out->branch, &ahead, &behind, NULL)) < 0) {
			rc = wol_error_git(err, grc, "sync: count commits");
			goto out;
		}
		if (opts->no_push || ahead == 0)
			break;
		emit(&s, "push");
		git_push_options po;
		git_push_options_init(&po, GIT_PUSH_OPTIONS_VERSION);
		callbacks(&po.callbacks, &s);
		specs[0] = push_spec;
		s.rejected = 0;
		grc = git_remote_push(remote, &refspecs, &po);
		if (grc == GIT_ENONFASTFORWARD) {
			/* libgit2 saw the remote move before sending anything */
			s.rejected = 1;
			snprintf(s.reject_status, sizeof s.reject_status, "non-fast-forward");
			git_error_clear();
			grc = 0;
		}
		if (grc < 0) {
			rc = net_error(&s, grc, "push", out->remote, err);
			goto out;
		}
		if (!s.rejected) {
			out->pushed += ahead;
			break;
		}
		if (attempt >= attempts) {
			rc = wol_error_set(err, WOL_EREJECTED,
			                   "sync: %s rejected the push %d times (%s); others keep pushing, "
			                   "or the remote refuses this branch; sync again later",
			                   out->remote, attempt, s.reject_status);
			goto out;
		}
		/* someone pushed first: fetch and merge their work, then try again */
		backoff(base_ms, attempt, &seed);
	}
	emit(&s, "done");
out:
	if (repo && out->branch) {
		size_t behind;
		ahead_behind(repo, out->branch, &out->ahead, &behind, NULL);
	}
	out->up_to_date = rc == 0 && !out->fast_forward && !out->merged && out->pushed == 0;
	free_cb(&s);
	git_remote_free(remote);
	git_repository_free(repo);
	sync_done(gitdir);
	free(gitdir);
	wol_lock_release(&lock);
	return rc;
}

void wol_sync_result_free(wol_sync_result *r)
{
	if (!r)
		return;
	free(r->circle);
	free(r->branch);
	free(r->remote);
	for (size_t i = 0; i < r->narrived; i++) {
		free(r->arrived[i].kind);
		free(r->arrived[i].member);
		free(r->arrived[i].path);
	}
	free(r->arrived);
	for (size_t i = 0; i < r->nconflicts; i++) {
		free(r->conflicts[i].path);
		free(r->conflicts[i].kept_as);
		free(r->conflicts[i].member);
	}
	free(r->conflicts);
	wol_strv_free(r->warnings, r->nwarnings);
	wol_strv_free(r->changed, r->nchanged);
	memset(r, 0, sizeof *r);
}

static size_t count_kind(const wol_sync_result *r, const char *kind, int to_me)
{
	size_t n = 0;
	for (size_t i = 0; i < r->narrived; i++)
		if (strcmp(r->arrived[i].kind, kind) == 0 && (!to_me || r->arrived[i].to_me))
			n++;
	return n;
}

char *wol_sync_digest(const wol_sync_result *r)
{
	wol_buf b;
	wol_buf_init(&b);
	const char *sep = "";
	/* notes by member, in the order they arrived */
	int first_member = 1;
	for (size_t i = 0; i < r->narrived; i++) {
		const wol_sync_item *it = &r->arrived[i];
		if (strcmp(it->kind, "note") != 0)
			continue;
		const char *m = it->member ? it->member : "?";
		int seen = 0;
		for (size_t j = 0; j < i && !seen; j++)
			seen = strcmp(r->arrived[j].kind, "note") == 0 && r->arrived[j].member &&
			       strcmp(r->arrived[j].member, m) == 0;
		if (seen)
			continue;
		size_t n = 0;
		for (size_t j = i; j < r->narrived; j++)
			n += strcmp(r->arrived[j].kind, "note") == 0 && r->arrived[j].member &&
			     strcmp(r->arrived[j].member, m) == 0;
		wol_buf_printf(&b, "%s%zu %s from %s", first_member ? "" : ", ", n,
		               first_member ? (n == 1 ? "note" : "notes") : "", m);
		first_member = 0;
		sep = "; ";
	}
	size_t q = count_kind(r, "question", 0), a = count_kind(r, "answer", 0),
	       am = count_kind(r, "answer", 1), rs = count_kind(r, "resolved", 0),
	       mem = count_kind(r, "member", 0);
	if (q) {
		wol_buf_printf(&b, "%s%zu new %s", sep, q, q == 1 ? "question" : "questions");
		sep = "; ";
	}
	if (am) {
		wol_buf_printf(&b, "%s%zu %s to your questions", sep, am, am == 1 ? "answer" : "answers");
		sep = "; ";
	}
	if (a > am) {
		wol_buf_printf(&b, "%s%zu %s%s", sep, a - am, am ? "other " : "",
		               a - am == 1 ? "answer" : "answers");
		sep = "; ";
	}
	if (rs) {
		wol_buf_printf(&b, "%s%zu %s resolved", sep, rs, rs == 1 ? "question" : "questions");
		sep = "; ";
	}
	size_t fm = count_kind(r, "feedback", 1), f = count_kind(r, "feedback", 0),
	       ad = count_kind(r, "addressed", 1);
	if (fm) {
		wol_buf_printf(&b, "%s%zu %s of feedback on your notes", sep, fm, fm == 1 ? "piece" : "pieces");
		sep = "; ";
	}
	if (f > fm) {
		wol_buf_printf(&b, "%s%zu %s%s of feedback", sep, f - fm, fm ? "other " : "",
		               f - fm == 1 ? "piece" : "pieces");
		sep = "; ";
	}
	if (ad) {
		wol_buf_printf(&b, "%s%zu of your comments marked addressed", sep, ad);
		sep = "; ";
	}
	for (size_t i = 0; i < r->narrived; i++)
		if (strcmp(r->arrived[i].kind, "member") == 0 && r->arrived[i].added &&
		    r->arrived[i].member) {
			wol_buf_printf(&b, "%s%s joined", sep, r->arrived[i].member);
			sep = "; ";
		}
	(void)mem;
	if (r->nconflicts) {
		wol_buf_printf(&b, "%skept both versions of %zu %s (see %s)", sep, r->nconflicts,
		               r->nconflicts == 1 ? "file" : "files", r->conflicts[0].kept_as);
		sep = "; ";
	}
	if (r->pushed) {
		wol_buf_printf(&b, "%spushed %zu %s", sep, r->pushed,
		               r->pushed == 1 ? "commit" : "commits");
		sep = "; ";
	}
	if (!b.len)
		wol_buf_puts(&b, r->fast_forward || r->merged ? "synced" : "up to date");
	if (r->ahead)
		wol_buf_printf(&b, " (%zu %s still to push)", r->ahead,
		               r->ahead == 1 ? "commit" : "commits");
	return wol_buf_detach(&b);
}
