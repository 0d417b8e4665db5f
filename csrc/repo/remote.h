/* remote.h - the one way wol talks to a circle's remote: credentials
 * (ssh agent, keys, token, git's credential helpers), host key and
 * certificate checks, trusted certificate authorities, progress, push
 * results, and turning a failed network call into one clear error. Every
 * network operation (join's clone, init's look at the remote, sync's fetch
 * and push) goes through it. Internal to the library. */
#ifndef WOL_REMOTE_H
#define WOL_REMOTE_H

#include <git2.h>

#include "util/util.h"

/* A URL for showing (messages, JSON, listings): a password or token in it
 * becomes "***"; it stays only in the clone's git config, where the user
 * put it. malloc'd; NULL on out of memory. */
char *wol_url_redact(const char *url);

#define MAX_KEYS 4
#define MAX_CRED_CALLS 16

/* Where a credential came from. */
typedef enum wol_cred_source {
	WOL_CRED_NONE = 0,
	WOL_CRED_AGENT,
	WOL_CRED_KEY,
	WOL_CRED_TOKEN,  /* $WOL_GIT_TOKEN */
	WOL_CRED_HELPER, /* git credential fill */
	WOL_CRED_URL     /* user:password@ in the URL given */
} wol_cred_source;

/* State shared by the libgit2 callbacks of one network operation. */
typedef struct wol_remote_cb {
	const char *what; /* "sync", "join", "init": the messages' prefix */
	const wol_sync_opts *opts; /* a sync's progress callback, or NULL */
	wol_sync_progress prog;
	int cancelled;
	void *owner; /* the caller's own state, for callbacks it sets itself */
	char *local; /* the folder written to, for "no space left under ..." */
	/* where we connect */
	char scheme[16];
	char host[256];
	int port;
	char *url;      /* the URL without a password: what libgit2 and .git/config get */
	char *url_user; /* the user named in the URL, if any */
	char *url_pass; /* the password in the URL, if any; never stored */
	/* credentials: every method is tried once per connection */
	int calls;
	int username_given, agent_tried, token_tried, helper_tried, url_tried, good_tried;
	char *keys[MAX_KEYS];
	size_t nkeys, key_next;
	wol_cred_source given; /* handed out last */
	wol_cred_source good;  /* taken by the server on an earlier connection */
	char tried[512];
	int tried_rsa;
	int auth_failed;
	int helper_filled, helper_refused, has_helper;
	char *helper_user, *helper_pass;
	/* certificates: 1 an ssh host key, 2 a TLS certificate */
	int cert_refused;
	char cert_msg[1024];
	/* what the server said ("remote: ..." lines) */
	char said[1024];
	/* push */
	int rejected;
	char reject_status[200];
} wol_remote_cb;

/* Prepares s for connections to url (repo: the circle's clone, or NULL
 * before there is one). Refuses http.sslVerify=false, and makes the
 * certificate authorities named by the environment or git config the
 * trusted ones (doc/wol.txt, wol-remotes-ca). On failure s is still freed
 * by wol_remote__free. */
int wol_remote__init(wol_remote_cb *s, wol_ctx *ctx, git_repository *repo,
                     const wol_sync_opts *opts, const char *url, const char *what,
                     const char *local, wol_error *err);
void wol_remote__free(wol_remote_cb *s);
/* Fills cb for one connection (a fetch, a push, a clone); every credential
 * is tried once again, what worked before first. */
void wol_remote__callbacks(git_remote_callbacks *cb, wol_remote_cb *s);
/* A connection got through: remembers the credential the server took. */
void wol_remote__succeeded(wol_remote_cb *s);
/* The operation ended: tells git's credential helpers what the server took
 * (approve) and what it refused (reject). */
void wol_remote__finish(wol_remote_cb *s, int ok);
/* Turns a failed fetch, push or clone into one of our codes and one clear
 * line: WOL_EAUTH (credentials, host key, certificate), WOL_EREFUSED (the
 * server denied it after the login, in its words), WOL_ENET (unreachable,
 * no such repository), WOL_EIO (no space left), WOL_ELOCKED. */
int wol_remote__error(wol_remote_cb *s, int rc, const char *what, const char *url, wol_error *err);
/* After a push the server did not take (s->rejected): 0 when another
 * round may succeed (someone pushed first), else WOL_EREFUSED with the
 * server's words (a hook, a protected branch). */
int wol_remote__push_refused(wol_remote_cb *s, const char *url, wol_error *err);
/* A password in the URL is never written to .git/config: without a
 * credential helper to keep it, WOL_EINVAL saying what to do instead. */
int wol_remote__password_check(const wol_remote_cb *s, wol_error *err);
/* Reports a phase of the sync to the caller's progress callback. */
int wol_remote__emit(wol_remote_cb *s, const char *phase);
/* url without its password (user@ kept); NULL when out of memory. */
char *wol_remote__url_strip(const char *url);
/* credential.c: git's credential helpers. Fills s->helper_user and
 * s->helper_pass from `git credential fill` (s->helper_filled set). */
void wol_remote__helper_fill(wol_remote_cb *s);
/* `git credential approve|reject` of that user and password. */
void wol_remote__helper_tell(wol_remote_cb *s, const char *action, const char *user,
                             const char *pass);
#endif
