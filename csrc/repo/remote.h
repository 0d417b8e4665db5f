/* remote.h - the one way wol talks to a circle's remote: credentials
 * (ssh agent, keys, token, git's credential helpers), host key and
 * certificate checks, progress, push results, and turning a failed network
 * call into one clear error. Internal to the library. */
#ifndef WOL_REMOTE_H
#define WOL_REMOTE_H

#include <git2.h>

#include "wol.h"

#define MAX_KEYS 4
#define MAX_CRED_CALLS 16

#define MAX_KEYS 4
#define MAX_CRED_CALLS 16

/* State shared by the libgit2 callbacks of one sync. */
typedef struct wol_remote_cb {
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
} wol_remote_cb;


/* Prepares s for connections to url: the keys to try, the host. */
void wol_remote__init(wol_remote_cb *s, wol_ctx *ctx, git_repository *repo,
                      const wol_sync_opts *opts, const char *url);
void wol_remote__free(wol_remote_cb *s);
/* Fills cb for one connection (a fetch or a push); every credential is
 * tried once again. */
void wol_remote__callbacks(git_remote_callbacks *cb, wol_remote_cb *s);
/* Turns a failed fetch or push into one of our codes and one clear line. */
int wol_remote__error(wol_remote_cb *s, int rc, const char *what, const char *url, wol_error *err);
/* Reports a phase of the sync to the caller's progress callback. */
int wol_remote__emit(wol_remote_cb *s, const char *phase);
#endif
