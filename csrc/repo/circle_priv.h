/* circle_priv.h - what the circle files of repo/ and format/ share, and what
 * they lend share.c, note.c and question.c; not API. */
#ifndef WOL_CIRCLE_PRIV_H
#define WOL_CIRCLE_PRIV_H

#include "util/util.h"

#include <git2.h>
#include <sys/stat.h>

/* The lock every writer of a circle's branch holds (the commit path, a
 * sync's fast-forward and recovery): <gitdir>/wol-commit.flock. */
#define WOL_COMMIT_LOCK "wol-commit.flock"

struct wol_circle {
	char *name;
	char *path;    /* work tree */
	char *gitdir;  /* work tree + "/.git" */
	char *home;
	char handle[WOL_HANDLE_MAX + 1];
	char *author;  /* display name for commits */
	char *email;
	wol_date today;
	git_repository *repo;
	/* the index as we last wrote it, kept parsed between commits; used
	 * while $GIT_DIR/index still has the same inode, size and mtime */
	git_index *idx;
	struct stat idx_st;
	/* the index file's bytes as we last wrote them in place (gitindex.c),
	 * used while $GIT_DIR/index still has ixbuf_st's inode, size and mtime */
	char *ixbuf;
	size_t ixlen;
	struct stat ixbuf_st;
	/* the durability of commits (commit.c): git config wol.shareFsync as
	 * read when the handle opened (NULL: not set), and the value one call
	 * asks for instead (the editor's setup{share = {fsync = ...}}) */
	char *fsync_cfg;
	const char *fsync_call;
	/* share.fsync = "commit": a reference database opened with libgit2's
	 * fsync off, used during our commits only */
	git_refdb *refdb_nosync;
};


/* circle.c */
wol_circle *wol_circle__new(wol_ctx *ctx, const char *name, const char *path, wol_error *err);
/* Removes a directory tree we created (no symlinks followed). */
void wol_circle__rmtree(const char *path);
/* Settings every circle clone gets (core.symlinks off). */
int wol_circle__harden(git_repository *repo);
/* A fresh circles/.tmp-<id> path for building a circle before moving it
 * in, with its lock held (see wol_circle__tmp_release); temporary folders
 * of joins and inits that were killed are removed first. */
int wol_circle__tmp_sibling(const wol_ctx *ctx, const char *tag, char **out, wol_lock *lock,
                            wol_error *err);
/* Drops the lock of a temporary folder (moved in or removed by then). */
void wol_circle__tmp_release(const char *tmp, wol_lock *lock);

/* ../format/circle_md.c: the documents of a new member and a new circle */
char *wol_circle__member_doc(wol_circle *c, const char *goal, size_t *len, wol_error *err);
char *wol_circle__circle_doc(const char *name, wol_date started, int meets, int weeks, size_t *len,
                             wol_error *err);
/* members/<handle>.md (`rel`) with `goal` set: the front matter rendered
 * again, the body kept as written; a new file when there is none. *old_goal
 * gets the goal it held (NULL: none). A file that cannot be parsed is
 * refused ("fix the file first"). */
int wol_circle__member_with_goal(wol_circle *c, const char *rel, const char *goal, char **out,
                                 size_t *len, char **old_goal, wol_error *err);

const char *wol_circle__home(const wol_circle *c);
wol_date wol_circle__today(const wol_circle *c);
const char *wol_circle__author(const wol_circle *c);
/* Read / write root-relative files without following symbolic links. */
int wol_circle__read(wol_circle *c, const char *rel, size_t max, char **out, size_t *len,
                     wol_error *err);
/* The same from a circle's work tree path (for the index). */
int wol_circle__read_at(const char *root, const char *rel, size_t max, char **out, size_t *len,
                        wol_error *err);
int wol_circle__write(wol_circle *c, const char *rel, const char *data, size_t len,
                      wol_error *err);
/* The same with wol_fs_write_atomic_x's flags. */
int wol_circle__write_x(wol_circle *c, const char *rel, const char *data, size_t len, int flags,
                        wol_error *err);

/* What waits to be pushed after a commit: *has_remote 1 when the clone
 * has an origin, *ahead its commits not on origin's branch (0 on errors). */
void wol_circle__pending(wol_circle *c, int *has_remote, size_t *ahead);

/* note.c: a free path notes/<handle>/<slug>[-N].md (work tree and HEAD);
 * my notes without commit times. */
char *wol_note__free_path(wol_circle *c, const char *title);
int wol_note__list_quick(wol_circle *c, wol_note **out, size_t *n, wol_error *err);

/* ------------------------------------- what repo/ lends the rest of the library */

/* The open repository (owned by the handle; do not free). */
struct git_repository *wol_circle_repo(wol_circle *c);

/* Commits files (relative path -> content) on top of HEAD in one commit
 * with `message`, touching only those index entries and work-tree files
 * (written atomically; a file already holding the bytes is not rewritten).
 * Used by shares, joins, questions: one way to commit. *oid_out (41 bytes,
 * may be NULL) gets the new commit, "" when the tree did not change (no
 * empty commit is made).
 * Protocol (doc/format.md): .git/wol-commit.flock serialises wol
 * processes; git's own .git/index.lock is taken (waiting up to timeout_ms,
 * 0: 2000, then WOL_ELOCKED) so the git CLI cannot interleave; the note,
 * the objects and the index are durable before the branch moves, and the
 * branch after (share.fsync, git config wol.shareFsync: one barrier or an
 * fsync per file, commit.c); the branch
 * moves by compare-and-swap, rebuilt on top when something else moved it.
 * A process killed part way leaves no commit or a complete one; the next
 * commit removes what it left (locks, temporary files), guided by
 * .git/wol-commit.owner. */
typedef struct wol_commit_file {
	const char *path;
	const char *data;
	size_t len;
} wol_commit_file;
int wol_circle_commit(wol_circle *c, const wol_commit_file *files, size_t nfiles,
                      const char *message, int timeout_ms, char *oid_out,
                      wol_error *err);

#endif
