/* util/util.h - the library's own helpers (not API: nothing here is
 * exported from the module or used by the front ends). */
#ifndef WOL_UTIL_H
#define WOL_UTIL_H

#include <sys/stat.h>

#include "wol.h"

/* A malloc'd copy of s; NULL when s is NULL (or out of memory). */
char *wol_strdup(const char *s);

/* ------------------------------------------------ string vector (strv.c) */

/* A growable list of owned strings. Zero-initialise; free with
 * wol_strv_clear (or hand v and n on, freed with wol_strv_free). */
typedef struct wol_strv {
	char **v;
	size_t n, cap;
	int oom; /* an add ran out of memory (the string was freed) */
} wol_strv;

/* Appends `owned` and takes it (NULL counts as out of memory): 0, or
 * WOL_ENOMEM with s->oom set and the string freed. */
int wol_strv_add(wol_strv *s, char *owned);
void wol_strv_sort(wol_strv *s);
/* Whether key is in the (sorted) vector. */
int wol_strv_has(const wol_strv *s, const char *key);
void wol_strv_clear(wol_strv *s);

/* --------------------------------------------------- file system (fs.c) */

/* A file's modification time in nanoseconds. */
static inline long long wol_fs_mtime_ns(const struct stat *st)
{
	return (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
}
/* Removes the temp files a killed wol_fs_write_atomic of `path` left next
 * to it. Only with the lock every writer of `path` holds. */
void wol_fs_remove_temps(const char *path);
/* Removes the `*.lock` files under a git directory (8 levels down, objects/
 * left alone, `keep` at the top left alone when not NULL) modified at or
 * after `since` (ns): the locks of a git operation of ours that was killed.
 * Only with the lock every such operation holds. */
void wol_fs_remove_locks_since(const char *gitdir, long long since, const char *keep);

/* ------------------------------------------------------ markdown (md.c) */

/* Is the line [s, s+n) a Markdown heading (up to 3 spaces, 1 to 6 '#',
 * then a space, a tab or the end of the line)? Returns its level (0: not a
 * heading) and points *t, *tn at its text, trimmed, closing '#'s gone. */
int wol_md_heading(const char *s, size_t n, const char **t, size_t *tn);

#endif
