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
/* merge.c: brings what was fetched into the branch: nothing, a
 * fast-forward, or a merge commit. */
int wol_sync__integrate(wol_ctx *ctx, git_repository *repo, const char *branch,
                        wol_remote_cb *s, wol_sync_result *r, wol_error *err);

/* The path of the lock a sync of the circle holds (malloc'd). */
char *wol_sync_lock_path(const wol_ctx *ctx, const char *circle);

#endif
