/* sync_int.h - what the files of csrc/sync/ share; not API. */
#ifndef WOL_SYNC_INT_H
#define WOL_SYNC_INT_H

#include <git2.h>

#include "repo/circle_priv.h"
#include "repo/history.h"
#include "repo/remote.h"
#include "util/util.h"

/* digest.c */
int wol_sync__oom(wol_error *err);
int wol_sync__push_str(char ***v, size_t *n, char *s);
/* sync.c */
int wol_sync__ref_oid(git_repository *repo, const char *name, git_oid *out);
int wol_sync__count_commits(git_repository *repo, const git_oid *tip, const git_oid *hide,
                            size_t *n);
/* digest.c: who made the arrived commits (reachable from `theirs`, not
 * from `ours`), path by path, newest first; the changes among them that wol
 * never makes go into r->foreign, with a warning each */
int wol_sync__arrived_changes(git_repository *repo, const git_oid *ours, const git_oid *theirs,
                              wol_sync_result *r, wol_change **ch, size_t *nch, wol_error *err);
/* digest.c: what a tree change brought, for the digest; a note is credited
 * to the author of the arrived commit (ch) that last changed it */
int wol_sync__record_changes(git_repository *repo, const char *workdir, git_tree *from,
                             git_tree *to, wol_sync_result *r, const char *me,
                             const wol_change *ch, size_t nch, wol_error *err);
/* What differs between syncing a circle's clone and the private history
 * of the journal (private.c). NULL everywhere below means a circle. */
typedef struct wol_sync_kind {
	const char *own;     /* paths that are the user's own words, whose edits a
	                      * checkout never moves aside: "" every path; NULL
	                      * notes/<me>/ */
	const char *theirs;  /* who the remote is in messages: "the circle" */
	const char *merge_subject; /* the merge commit's first line (NULL: sync(<me>): ...) */
	const char *merge_kind;    /* its Wol-Kind trailer (NULL: merge) */
	int unrelated;       /* merge histories with no commit in common (two
	                      * machines that began their journals apart) */
	unsigned file_mode, dir_mode; /* of files and folders written (0: git's) */
	const char *fetch_spec; /* NULL: +refs/heads/<branch>:refs/remotes/origin/<branch> */
	/* after each fetch, before anything is merged or pushed: non-zero
	 * stops the sync with that error (the journal's remote holds a circle) */
	int (*fetched)(git_repository *repo, void *payload, wol_error *err);
	void *payload;
} wol_sync_kind;

/* merge.c: brings what was fetched into the branch: nothing, a
 * fast-forward, or a merge commit. `k` NULL: a circle. */
int wol_sync__integrate(wol_ctx *ctx, git_repository *repo, const char *branch,
                        const wol_sync_kind *k, wol_remote_cb *s, wol_sync_result *r,
                        wol_error *err);
/* merge.c: puts back the paths a checkout from `from` to `to` that was
 * stopped part way left whole or cut short (they are written again by the
 * next checkout); other changes are kept as repair_stopped says. */
int wol_sync__repair(git_repository *repo, git_tree *from, git_tree *to, const char *me,
                     const wol_sync_kind *k, wol_sync_result *r, wol_error *err);

/* sync.c: rounds of fetch, integrate and push on an open repository and
 * its remote, until pushed, nothing to push, or out of attempts (a push
 * someone else got in first with starts another round after a backoff). */
int wol_sync__rounds(wol_ctx *ctx, git_repository *repo, git_remote *remote,
                     const wol_sync_kind *k, const wol_sync_opts *opts, wol_remote_cb *s,
                     wol_sync_result *out, wol_error *err);
/* sync.c: under the sync lock: a sync that was killed is recovered from
 * (its lock files removed, under the commit lock too); *killed (may be
 * NULL) says so. Then this sync's pid goes into <gitdir>/wol-sync.owner. */
int wol_sync__recover(const char *gitdir, int *killed, wol_error *err);
/* sync.c: this sync ended by itself: the owner file is emptied. */
void wol_sync__done(const char *gitdir);
/* sync.c: commits ahead of and behind origin/<branch>. */
int wol_sync__ahead_behind(git_repository *repo, const char *branch, size_t *ahead,
                           size_t *behind, int *known);

/* The path of the lock a sync of the circle holds (malloc'd). */
char *wol_sync_lock_path(const wol_ctx *ctx, const char *circle);

#endif
