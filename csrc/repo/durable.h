/* durable.h - how a commit's files reach the disk (durable.c): the
 * share.fsync modes, libgit2's fsync switched off around a commit, and
 * files fsynced together. Internal to repo/. */
#ifndef WOL_REPO_DURABLE_H
#define WOL_REPO_DURABLE_H

#include "circle_priv.h"

#include <linux/aio_abi.h>
#include <stdint.h>

/* share.fsync (doc/format.md, "Durability"), as a commit runs it */
enum { WOL_FSYNC_COMMIT, WOL_FSYNC_ALWAYS };

/* The mode of the next commit of c: the call's value, else git config
 * wol.shareFsync, else "commit"; "commit" acts as "always" where one fsync
 * cannot stand for the others (journal_missing). 0, or WOL_EINVAL for a
 * value that is neither. */
int wol_durable__mode(const wol_circle *c, int *mode, wol_error *err);

/* libgit2 writes objects and references without an fsync until
 * wol_durable__nosync_end; *orig keeps the handle's own reference database
 * (opened with fsync on), put back by nosync_end. */
int wol_durable__nosync_begin(wol_circle *c, git_refdb **orig, wol_error *err);
void wol_durable__nosync_end(wol_circle *c, git_refdb *orig);

/* Files and folders fsynced together: one kernel AIO fsync request each,
 * all in flight at once (they wait on the device together, and the block
 * layer joins their cache flushes: 10 fsyncs take about the time of one);
 * where AIO is missing (and in a process's first commit), one fsync after
 * the other by the caller's thread. A request that fails is an fsync that
 * failed. Paths are opened when added; one added twice is fsynced once. */
struct wol_syncent {
	int fd;
	char *path;
	struct iocb cb;
	char done;  /* its AIO fsync came back */
	int failed; /* errno */
};
typedef struct wol_syncset {
	struct wol_syncent *e;
	size_t n, cap;
	size_t submitted; /* e[0..submitted) went to the kernel */
	size_t pending;   /* AIO requests not yet reaped */
	uint32_t gen;     /* tags this set's requests */
	int open_errno;   /* an add that could not open its path */
	char *open_path;
	int fail_errno;   /* an fsync that failed */
	char *fail_path;
} wol_syncset;

void wol_syncset_init(wol_syncset *s);
/* Says a commit finished: groups use AIO from a process's second commit
 * on (durable.c, commits_done). */
void wol_durable__committed(void);
/* Adds path (a folder when dir). missing_ok: a path that does not exist
 * is left out (a packed object). Never fails here: an error is reported by
 * wol_syncset_wait. */
void wol_syncset_add(wol_syncset *s, const char *path, int dir, int missing_ok);
/* Starts the fsyncs of what was added since the last start. */
void wol_syncset_start(wol_syncset *s);
/* Waits for every fsync, closes the files: 0, or WOL_EIO naming the first
 * path that could not be opened or fsynced. The set is empty after. */
int wol_syncset_wait(wol_syncset *s, wol_error *err);

/* The loose objects of a new commit and their folders (the commit, its
 * tree, the blobs and the trees on each path) added to s. */
int wol_durable__add_commit(const char *gitdir, wol_syncset *s, const char *const *paths,
                            const git_oid *blobs, size_t n, git_tree *tree, const git_oid *commit,
                            wol_error *err);

/* "commit": the same objects written out to the device (sync_file_range,
 * all started, then waited for) without an fsync. */
int wol_durable__writeout_commit(const char *gitdir, const char *const *paths,
                                 const git_oid *blobs, size_t n, git_tree *tree,
                                 const git_oid *commit, wol_error *err);

/* An fsync of a file or folder by name. */
int wol_durable__fsync_path(const char *path, int oflags, wol_error *err);

/* branch.c: the branch moved as git moves a loose reference, its fsyncs
 * left to the caller. wol_branch__lock takes <ref>.lock, compares the
 * branch with `old` (NULL: it must not exist) and writes `new_id` into the
 * lock: 0; GIT_ELOCKED (held by another); GIT_EMODIFIED (the branch moved;
 * the lock is dropped); WOL_BRANCH_LIBGIT2 (a case left to libgit2: no
 * lock taken); or an error. wol_branch__finish appends the reflog lines of
 * the branch and HEAD and renames the lock over the branch; `later`, when
 * not NULL, gets what "always" fsyncs after the rename (the reflogs, the
 * branch's folder). wol_branch__abort drops the lock. */
#define WOL_BRANCH_LIBGIT2 2
typedef struct wol_branch_move {
	git_repository *repo;
	char *ref, *lock, *name, *gitdir;
	int fd;
	int locked;
	git_oid old, new_id;
} wol_branch_move;
void wol_branch__init(wol_branch_move *m);
int wol_branch__lock(git_repository *repo, const char *gitdir, wol_branch_move *m,
                     const char *branch, const git_oid *old, const git_oid *new_id,
                     wol_error *err);
int wol_branch__finish(wol_branch_move *m, const git_signature *sig, const char *msg,
                       wol_syncset *later, wol_error *err);
void wol_branch__abort(wol_branch_move *m);

/* commit_index.c: the index with `files` staged (their blobs), written
 * beside the index and renamed over it; in "always" (`pre` not NULL) it
 * is fsynced with what `pre` holds before the rename. The old index is
 * removed by a thread the commit joins (wol_commit__drop_join) before it
 * returns. */
int wol_commit__write_index(wol_circle *c, const wol_commit_file *files, const git_oid *blobs,
                            size_t nfiles, wol_syncset *pre, wol_error *err);
void wol_commit__drop_join(void);

#endif
