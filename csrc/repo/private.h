/* private.h - the private history of the journal and the people records:
 * one git repository, $WOL_HOME/.private.git, whose work tree is $WOL_HOME
 * limited to journal/ and people/ (csrc/repo/private.c; doc/format.md).
 * What repo/ lends the journal's commands (csrc/journal/history.c), the
 * private sync (csrc/sync/private.c) and every writer of those folders.
 * Not API. */
#ifndef WOL_PRIVATE_H
#define WOL_PRIVATE_H

#include <git2.h>

#include "util/util.h"

/* The repository's folder under $WOL_HOME, and its one branch. */
#define WOL_PRIVATE_GITDIR ".private.git"
#define WOL_PRIVATE_BRANCH "main"
/* Seconds a change may wait for its commit unless git config
 * wol.journalBatch says otherwise (0: every write commits at once). */
#define WOL_PRIVATE_BATCH_S 60

/* "$WOL_HOME/.private.git" (malloc'd; NULL: out of memory). */
char *wol_private__gitdir(const wol_ctx *ctx);
/* Whether `rel` (relative to $WOL_HOME) is a file the private history
 * keeps: under journal/ or people/, no component starting with '.', a
 * safe path. The one rule, shared with the exclude file the repository
 * gets. */
int wol_private__holds(const char *rel);

/* Opens the repository. When there is none and `create` is set, makes it
 * (in a temporary folder moved into place, so a killed process leaves no
 * half-made one) with a first commit of everything journal/ and people/
 * hold: an existing home migrates on first use. *created (may be NULL) is
 * set when this call made it. WOL_ENOTFOUND when there is none and
 * `create` is 0. */
int wol_private__open(wol_ctx *ctx, int create, git_repository **out, int *created,
                      wol_error *err);

/* What one commit of the history did: wol_journal_commit_result (wol.h). */
typedef wol_journal_commit_result wol_private_commit;
void wol_private__commit_free(wol_private_commit *c);

/* When a commit is made (wol_journal_commit's `force`): */
#define WOL_PRIVATE_DUE 0     /* something waits, for wol.journalBatch seconds */
#define WOL_PRIVATE_NOW 1     /* at once, whatever journal/ and people/ hold */
#define WOL_PRIVATE_PENDING 2 /* something waits, however long (leaving the editor) */

/* Commits what journal/ and people/ hold now, when something is pending
 * and due (wol.journalBatch seconds after the first change that waits), or
 * as `force` says (above). `subject` (NULL: one made from the paths)
 * and `trailers` (NULL: none; "Key: value\n" lines) make the message.
 * Under <gitdir>/wol-commit.flock; a commit killed part way is recovered
 * by the next one (its lock files removed, its changes taken). */
int wol_private__commit(wol_ctx *ctx, int force, const char *subject, const char *trailers,
                        wol_private_commit *out, wol_error *err);

/* Whether changes wait for their commit: 1 and *due_in (seconds until
 * they are due; 0: now), else 0. No commit is made. */
int wol_private__pending(const wol_ctx *ctx, long *due_in);

/* A writer of the library changed files under journal/ or people/: the
 * change is marked pending and committed when due. A failure of the
 * history leaves the write as it is and says why in *warning (may be
 * NULL; malloc'd, "wol: journal: history: ..."). */
void wol_private__wrote(wol_ctx *ctx, char **warning);

/* Whether `url` names the same repository as the remote of one of the
 * circles: 1 and *circle (malloc'd, may be NULL) its name, else 0. */
int wol_private__circle_remote(wol_ctx *ctx, const char *url, char **circle);

/* The signature of the private history's commits (the user's identity). */
int wol_private__signature(wol_ctx *ctx, git_signature **sig, wol_error *err);

#endif
