/* repo/head.h - a repository's HEAD commit read from its files, without
 * libgit2 (head.c); not API. */
#ifndef WOL_REPO_HEAD_H
#define WOL_REPO_HEAD_H

/* The commit id (40 lowercase hex digits) HEAD names in the repository
 * whose work tree is `workdir`: 1 with it in `out`; 0 when the files do
 * not say it plainly (no HEAD commit yet, a linked worktree, a reftable or
 * SHA-256 repository, anything unusual): then ask libgit2. Cheap: a few
 * small reads, and libgit2 is not initialised. */
int wol_repo__head_peek(const char *workdir, char out[41]);

#endif
