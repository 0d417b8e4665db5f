/* util/strv.c - the string vector: a growable list of owned strings
 * (paths, keys, warnings), sortable and searchable once sorted. */
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int wol_strv_add(wol_strv *s, char *owned)
{
	if (!owned) {
		s->oom = 1;
		return WOL_ENOMEM;
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		char **v = realloc(s->v, cap * sizeof *v);
		if (!v) {
			free(owned);
			s->oom = 1;
			return WOL_ENOMEM;
		}
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = owned;
	return 0;
}

void wol_strv_sort(wol_strv *s)
{
	if (s->n > 1)
		qsort(s->v, s->n, sizeof *s->v, cmp_strp);
}

int wol_strv_has(const wol_strv *s, const char *key)
{
	return s->n && bsearch(&key, s->v, s->n, sizeof *s->v, cmp_strp) != NULL;
}

int wol_strv_contains(const wol_strv *s, const char *key)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i], key) == 0)
			return 1;
	return 0;
}

void wol_strv_clear(wol_strv *s)
{
	wol_strv_free(s->v, s->n);
	memset(s, 0, sizeof *s);
}
