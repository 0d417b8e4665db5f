/* gitindex.h - a git index file changed in place (gitindex.c) */
#ifndef WOL_REPO_GITINDEX_H
#define WOL_REPO_GITINDEX_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

/* The index cannot be changed here: use libgit2's writer. */
#define WOL_GITINDEX_FALLBACK 1

/* One stage-0 entry: the stat fields as git stores them (32 bits each) */
typedef struct wol_gitindex_entry {
	const char *path;
	uint32_t ctime_s, ctime_ns, mtime_s, mtime_ns, dev, ino, mode, uid, gid, size;
	unsigned char id[20];
} wol_gitindex_entry;

/* The stat data of a file as git records it in an index entry: each field
 * truncated to the 32 bits the format keeps (the rule for every entry wol
 * writes: a share's, a join's). */
void wol_gitindex__stat(wol_gitindex_entry *e, const struct stat *st);
/* e as libgit2's entry (stage 0, no flags; out->path borrows e->path). */
struct git_index_entry;
void wol_gitindex__to_git(const wol_gitindex_entry *e, struct git_index_entry *out);

/* The index file `in` (len bytes, its checksum included; old_st its stat)
 * with `e` added or put in place of the same path: *out (malloc'd) holds
 * *outlen bytes followed by room for the checksum (wol_gitindex__seal).
 * 0, WOL_GITINDEX_FALLBACK (a format or case handled only by libgit2), or
 * WOL_ENOMEM. */
int wol_gitindex__splice(const char *in, size_t len, const struct stat *old_st,
                         const wol_gitindex_entry *e, char **out, size_t *outlen);
/* A new index file (version 2, no extension) holding the n entries, which
 * are in git's order with no path twice and none under another (a tree's
 * files, as a checkout writes them): *out (malloc'd) holds *outlen bytes,
 * the checksum included. 0, or WOL_ENOMEM. */
int wol_gitindex__fresh(const wol_gitindex_entry *e, size_t n, char **out, size_t *outlen);
/* Writes the SHA-1 of buf[0..len) at buf + len: 0, or -1. */
int wol_gitindex__seal(char *buf, size_t len);

#endif
