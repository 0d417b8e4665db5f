/* people/list.c - the relationship list: listing and sorting, finding one
 * person, the person to reach out to today ({{person}}). */
#include "people/people_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const sorts[] = {"stale", "name", "closeness", "count", NULL};

const char *const *wol_people_sorts(void)
{
	return sorts;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int wol_people__slugs(const char *dir, char ***slugs, size_t *n, wol_error *err)
{
	*slugs = NULL;
	*n = 0;
	DIR *d = opendir(dir);
	if (!d) {
		int e = errno;
		if (e == ENOENT)
			return 0;
		return wol_error_set(err, WOL_EIO, "people: %s: %s", dir, strerror(e));
	}
	char **v = NULL;
	size_t cnt = 0, cap = 0;
	struct dirent *de;
	int rc = 0;
	while ((de = readdir(d)) != NULL) {
		char slug[256];
		if (!wol_people__file_slug(de->d_name, slug, sizeof slug))
			continue;
		if (cnt == cap) {
			cap = cap ? cap * 2 : 64;
			char **nv = realloc(v, cap * sizeof *nv);
			if (!nv) {
				rc = WOL_ENOMEM;
				break;
			}
			v = nv;
		}
		if (!(v[cnt] = wol_strdup(slug))) {
			rc = WOL_ENOMEM;
			break;
		}
		cnt++;
	}
	closedir(d);
	if (rc) {
		wol_strv_free(v, cnt);
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	if (cnt)
		qsort(v, cnt, sizeof *v, cmp_str);
	*slugs = v;
	*n = cnt;
	return 0;
}

/* ---------------------------------------------------------------- sorting */

static int cmp_name(const wol_person *a, const wol_person *b)
{
	int c = strcasecmp(a->name, b->name);
	return c ? c : strcmp(a->slug, b->slug);
}

/* Longest without a contribution first; nothing known counts as longest. */
static int cmp_stale(const void *pa, const void *pb)
{
	const wol_person *a = pa, *b = pb;
	long da = a->days < 0 ? LONG_MAX : a->days, db = b->days < 0 ? LONG_MAX : b->days;
	if (da != db)
		return da > db ? -1 : 1;
	return cmp_name(a, b);
}

static int cmp_by_name(const void *a, const void *b)
{
	return cmp_name(a, b);
}

static int cmp_closeness(const void *pa, const void *pb)
{
	const wol_person *a = pa, *b = pb;
	if (a->closeness != b->closeness)
		return a->closeness > b->closeness ? -1 : 1;
	return cmp_stale(a, b);
}

static int cmp_count(const void *pa, const void *pb)
{
	const wol_person *a = pa, *b = pb;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return cmp_name(a, b);
}

static int sort_index(const char *sort)
{
	if (!sort || !*sort)
		return 0;
	for (int i = 0; sorts[i]; i++)
		if (strcmp(sorts[i], sort) == 0)
			return i;
	return -1;
}

static void sort_people(wol_person *v, size_t n, int which)
{
	int (*cmp[])(const void *, const void *) = {cmp_stale, cmp_by_name, cmp_closeness, cmp_count};
	if (n > 1)
		qsort(v, n, sizeof *v, cmp[which]);
}

/* ---------------------------------------------------------------- listing */

static int push_warning(wol_people *out, const char *msg)
{
	char **nv = realloc(out->warnings, (out->nwarnings + 1) * sizeof *nv);
	if (!nv)
		return -1;
	out->warnings = nv;
	if (!(nv[out->nwarnings] = wol_strfmt("%s", msg)))
		return -1;
	out->nwarnings++;
	return 0;
}

int wol_people_list(wol_ctx *ctx, const wol_people_opts *opts, wol_people *out, wol_error *err)
{
	memset(out, 0, sizeof *out);
	wol_people_opts none = {0};
	if (!opts)
		opts = &none;
	int which = sort_index(opts->sort);
	if (which < 0)
		return wol_error_set(err, WOL_EINVAL, "people: sort '%s' is not one of stale, name, "
		                                      "closeness, count",
		                     opts->sort);
	if (opts->stale_days < 0)
		return wol_error_set(err, WOL_EINVAL, "people: stale days must not be negative");
	out->sort = sorts[which];
	out->stale_days = opts->stale_days > 0 ? opts->stale_days : WOL_PEOPLE_STALE_DAYS;
	char *dir = wol_people__dir(ctx);
	if (!dir)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	char **slugs = NULL;
	size_t n = 0;
	int rc = wol_people__slugs(dir, &slugs, &n, err);
	if (rc == 0 && n && !(out->items = calloc(n, sizeof *out->items)))
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
	wol_date today = wol_ctx_today(ctx);
	int dfd = n ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		wol_error perr;
		wol_person *p = &out->items[out->n];
		int prc = wol_people__read_cached(ctx, dir, dfd, slugs[i], out->stale_days, p, &perr);
		if (prc == WOL_ENOMEM) {
			rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		} else if (prc == WOL_ENOTFOUND) {
			continue; /* removed while we looked */
		} else if (prc) {
			if (push_warning(out, perr.msg))
				rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		} else {
			out->n++;
		}
	}
	if (dfd >= 0)
		close(dfd);
	wol_strv_free(slugs, n);
	free(dir);
	if (rc == 0 && opts->ix && !opts->no_answers) {
		wol_error aerr;
		int arc = wol_people__answers(ctx, opts->ix, out->items, out->n, !opts->norefresh, &aerr);
		if (arc == WOL_ENOMEM)
			rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		else if (arc && push_warning(out, aerr.msg)) /* the lines still count */
			rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	if (rc) {
		wol_people_free(out);
		return rc;
	}
	for (size_t i = 0; i < out->n; i++) {
		wol_person *p = &out->items[i];
		if (p->handle)
			wol_people__settle(p, today, out->stale_days);
		out->week += p->week;
		out->stale += p->stale;
	}
	sort_people(out->items, out->n, which);
	/* who to reach out to: the stale ones longest without, whatever the sort */
	for (size_t i = 0; i < out->n; i++) {
		const wol_person *p = &out->items[i];
		if (!p->stale || p->broken)
			continue;
		size_t at = out->nreach;
		while (at > 0 && cmp_stale(p, &out->items[out->reach[at - 1]]) < 0)
			at--;
		if (at >= WOL_PEOPLE_REACH)
			continue;
		size_t last = out->nreach < WOL_PEOPLE_REACH ? out->nreach : WOL_PEOPLE_REACH - 1;
		for (size_t k = last; k > at; k--)
			out->reach[k] = out->reach[k - 1];
		out->reach[at] = i;
		if (out->nreach < WOL_PEOPLE_REACH)
			out->nreach++;
	}
	return 0;
}

void wol_people_free(wol_people *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++)
		wol_person_free(&p->items[i]);
	free(p->items);
	wol_strv_free(p->warnings, p->nwarnings);
	memset(p, 0, sizeof *p);
}

/* ---------------------------------------------------------------- finding */

/* Whether slug is base or base-N (how wol_people_add names a person). */
static int slug_of_base(const char *slug, const char *base)
{
	size_t n = strlen(base);
	if (strncmp(slug, base, n) != 0)
		return 0;
	if (slug[n] == '\0')
		return 1;
	if (slug[n] != '-' || !slug[n + 1])
		return 0;
	for (const char *s = slug + n + 1; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* Reads the people of slugs[] that `pass` selects and gathers those
 * called `want`. */
static int match_names(wol_ctx *ctx, const char *dir, int dfd, char **slugs, size_t n,
                       const char *want, const char *base, int pass, wol_buf *found, size_t *hits,
                       char **first)
{
	for (size_t i = 0; i < n; i++) {
		if (slug_of_base(slugs[i], base) != (pass == 0))
			continue;
		wol_person p;
		wol_error perr;
		if (wol_people__read_cached(ctx, dir, dfd, slugs[i], 1, &p, &perr) != 0) {
			if (perr.code == WOL_ENOMEM)
				return WOL_ENOMEM;
			continue;
		}
		if (!p.broken && wol_people__same(p.name, want)) {
			if ((*hits)++ == 0 && !(*first = wol_strfmt("%s", p.slug))) {
				wol_person_free(&p);
				return WOL_ENOMEM;
			}
			wol_buf_printf(found, "%s%s", found->len ? ", " : "", p.slug);
		}
		wol_person_free(&p);
	}
	return 0;
}

int wol_people_find(wol_ctx *ctx, const char *ref, char **slug, wol_error *err)
{
	*slug = NULL;
	if (!ref || !*ref)
		return wol_error_set(err, WOL_EINVAL, "person: no name given");
	int rc = wol_text_check("person", ref, WOL_PERSON_NAME_MAX, 0, err);
	if (rc)
		return rc;
	/* trimmed, as a name is shown */
	while (*ref == ' ' || *ref == '\t')
		ref++;
	size_t rn = strlen(ref);
	while (rn && (ref[rn - 1] == ' ' || ref[rn - 1] == '\t'))
		rn--;
	if (!rn)
		return wol_error_set(err, WOL_EINVAL, "person: no name given");
	char *want = wol_strndup(ref, rn);
	char *dir = wol_people__dir(ctx);
	char **slugs = NULL;
	size_t n = 0;
	if (!want || !dir) {
		free(want);
		free(dir);
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	/* a slug first: it names one file (looked up directly when the name
	 * can be one, as every slug wol makes is lower case) */
	char lower[256];
	size_t ln = 0;
	for (const char *p = want; *p && ln + 1 < sizeof lower; p++) {
		char ch = (*p >= 'A' && *p <= 'Z') ? (char)(*p + 32) : *p;
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-'))
			break;
		lower[ln++] = ch;
	}
	lower[ln] = '\0';
	if (ln && ln == strlen(want)) {
		char *path = wol_strfmt("%s/%s.md", dir, lower);
		struct stat st;
		if (path && lstat(path, &st) == 0 && S_ISREG(st.st_mode))
			*slug = wol_strfmt("%s", lower);
		free(path);
		if (*slug) {
			free(want);
			free(dir);
			return 0;
		}
	}
	rc = wol_people__slugs(dir, &slugs, &n, err);
	for (size_t i = 0; rc == 0 && i < n && !*slug; i++)
		if (wol_people__same(slugs[i], want) && !(*slug = wol_strfmt("%s", slugs[i])))
			rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
	/* then names: the files named after it first (a name gives its slug),
	 * the others only when none of those carries it (a name edited by hand) */
	char base[256];
	wol_people__base_slug(want, base, sizeof base);
	wol_buf found;
	wol_buf_init(&found);
	size_t hits = 0;
	char *first = NULL;
	int dfd = rc == 0 && !*slug && n ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	for (int pass = 0; rc == 0 && !*slug && !hits && pass < 2; pass++)
		if (match_names(ctx, dir, dfd, slugs, n, want, base, pass, &found, &hits, &first))
			rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
	if (dfd >= 0)
		close(dfd);
	if (rc == 0 && !*slug) {
		if (hits == 1) {
			*slug = first;
			first = NULL;
		} else if (hits > 1) {
			rc = wol_error_set(err, WOL_EINVAL,
			                   "person: %zu people are called '%s' (%s); name one by its slug",
			                   hits, want, found.ptr ? found.ptr : "");
		} else {
			rc = wol_error_set(err, WOL_ENOTFOUND,
			                   "person: no '%s' on your list (add them: wol people add '%s')", want,
			                   want);
		}
	}
	free(first);
	wol_buf_free(&found);
	wol_strv_free(slugs, n);
	free(dir);
	free(want);
	return rc;
}

int wol_people_get(wol_ctx *ctx, const char *ref, const wol_people_opts *opts, wol_person *out,
                   wol_error *err)
{
	memset(out, 0, sizeof *out);
	char *slug = NULL;
	int rc = wol_people_find(ctx, ref, &slug, err);
	if (rc)
		return rc;
	char *dir = wol_people__dir(ctx);
	int stale = opts && opts->stale_days > 0 ? opts->stale_days : WOL_PEOPLE_STALE_DAYS;
	if (!dir)
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
	else
		rc = wol_people__read(dir, slug, wol_ctx_today(ctx), stale, 1, out, err);
	free(dir);
	free(slug);
	if (rc == 0 && opts && opts->ix && !opts->no_answers && out->handle) {
		wol_error aerr;
		int arc = wol_people__answers(ctx, opts->ix, out, 1, !opts->norefresh, &aerr);
		if (arc == WOL_ENOMEM) {
			wol_person_free(out);
			return wol_error_set(err, WOL_ENOMEM, "out of memory");
		}
		if (arc && !out->warning)
			out->warning = wol_strfmt("%s", aerr.msg);
		wol_people__settle(out, wol_ctx_today(ctx), stale);
	}
	return rc;
}

/* ------------------------------------------------------------------ pick */

static uint32_t fnv1a(const char *s, uint32_t h)
{
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h;
}

int wol_people_pick(wol_ctx *ctx, wol_date date, char **name, wol_error *err)
{
	*name = NULL;
	wol_people list;
	int rc = wol_people_list(ctx, NULL, &list, err);
	if (rc)
		return rc;
	/* the list is sorted longest-without first: the candidates are the
	 * leading people that tie on days */
	char day[11];
	wol_date_format(date, day);
	const wol_person *best = NULL;
	uint32_t best_h = 0;
	for (size_t i = 0; i < list.n; i++) {
		const wol_person *p = &list.items[i];
		if (p->broken)
			continue;
		if (best && p->days != best->days)
			break;
		uint32_t h = fnv1a(p->slug, fnv1a(day, 2166136261u));
		if (!best || h < best_h) {
			best = p;
			best_h = h;
		}
	}
	if (best && !(*name = wol_strfmt("%s", best->name)))
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
	wol_people_free(&list);
	return rc;
}
