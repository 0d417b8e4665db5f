/* util/util.h - the library's own helpers (not API: nothing here is
 * exported from the module or used by the front ends). */
#ifndef WOL_UTIL_H
#define WOL_UTIL_H

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

/* ------------------------------------------------------ markdown (md.c) */

/* Is the line [s, s+n) a Markdown heading (up to 3 spaces, 1 to 6 '#',
 * then a space, a tab or the end of the line)? Returns its level (0: not a
 * heading) and points *t, *tn at its text, trimmed, closing '#'s gone. */
int wol_md_heading(const char *s, size_t n, const char **t, size_t *tn);

#endif
