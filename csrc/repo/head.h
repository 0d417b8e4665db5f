/* repo/head.h - what a refresh of the index reads from a repository's
 * files without libgit2: its HEAD commit (head.c) and loose objects
 * (loose.c); not API. */
#ifndef WOL_REPO_HEAD_H
#define WOL_REPO_HEAD_H

#include <stddef.h>

/* The commit id (40 lowercase hex digits) HEAD names in the repository
 * whose work tree is `workdir`: 1 with it in `out`; 0 when the files do
 * not say it plainly (no HEAD commit yet, a linked worktree, a reftable or
 * SHA-256 repository, anything unusual): then ask libgit2. Cheap: a few
 * small reads, and libgit2 is not initialised. */
int wol_repo__head_peek(const char *workdir, char out[41]);

/* The git folder of the work tree `workdir` into out: 1, or 0 where
 * wol_repo__head_peek would not read HEAD (not a plain layout). */
int wol_repo__gitdir(const char *workdir, char *out, size_t cap);

/* A loose object reader: its inflate stream and input buffer, kept from
 * one object to the next (NULL when out of memory). */
typedef struct wol_loose wol_loose;
wol_loose *wol_repo__loose_new(void);
void wol_repo__loose_free(wol_loose *z);
/* Reads object `id` (20 raw bytes) of type `type` ("tree", "commit") from
 * its loose file in the git folder `gitdir`, into *buf (malloc'd, capacity
 * *cap; grown with realloc as needed, may start NULL): 1 with its bytes at
 * *buf + *off, *len of them. 0 when there is no loose file for it here
 * (packed, in an alternate: ask libgit2); -1 when the file is there but
 * is not a whole object of that type (damaged: see loose.c). */
int wol_repo__loose_read(wol_loose *z, const char *gitdir, const unsigned char id[20],
                         const char *type, unsigned char **buf, size_t *cap, size_t *off,
                         size_t *len);

#endif
