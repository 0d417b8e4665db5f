/* people/cache.c - the person files parsed so far, kept in the context
 * (ctx_priv.h) under each file's identity (device, inode, size, mtime), so
 * a list drawn again reads and parses only what changed. A file whose
 * mtime is within the last two seconds is not kept: a second write in the
 * same clock tick could leave size and mtime as they were. */
#include "ctx_priv.h"
#include "people/people_int.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

typedef struct pentry {
	char *slug;
	dev_t dev;
	ino_t ino;
	off_t size;
	long long mtime; /* ns */
	wol_person p;    /* as read (no contributions kept) */
} pentry;

typedef struct pcache {
	pentry *v; /* sorted by slug */
	size_t n, cap;
} pcache;

static void pcache_free(void *data)
{
	pcache *c = data;
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].slug);
		wol_person_free(&c->v[i].p);
	}
	free(c->v);
	free(c);
}

static pcache *get_cache(wol_ctx *ctx)
{
	pcache *c = wol_ctx_cache(ctx, WOL_CTX_CACHE_PEOPLE);
	if (!c && (c = calloc(1, sizeof *c)) != NULL)
		wol_ctx_cache_set(ctx, WOL_CTX_CACHE_PEOPLE, c, pcache_free);
	return c;
}

/* The index of slug in c->v, or where it would go (*found 0). */
static size_t find(const pcache *c, const char *slug, int *found)
{
	size_t lo = 0, hi = c->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = strcmp(c->v[mid].slug, slug);
		if (cmp == 0) {
			*found = 1;
			return mid;
		}
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = 0;
	return lo;
}

static long long mtime_ns(const struct stat *st)
{
	return (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
}

static void store(pcache *c, const char *slug, const struct stat *st, const wol_person *p)
{
	int found;
	size_t at = find(c, slug, &found);
	pentry e = {0};
	if (wol_people__copy(p, &e.p) != 0)
		return;
	if (found) {
		wol_person_free(&c->v[at].p);
	} else {
		if (c->n == c->cap) {
			size_t cap = c->cap ? c->cap * 2 : 64;
			pentry *nv = realloc(c->v, cap * sizeof *nv);
			char *s = nv ? wol_strfmt("%s", slug) : NULL;
			if (nv) {
				c->v = nv;
				c->cap = cap;
			}
			if (!s) {
				wol_person_free(&e.p);
				return;
			}
			e.slug = s;
		} else if (!(e.slug = wol_strfmt("%s", slug))) {
			wol_person_free(&e.p);
			return;
		}
		memmove(&c->v[at + 1], &c->v[at], (c->n - at) * sizeof *c->v);
		c->n++;
		c->v[at].slug = e.slug;
	}
	c->v[at].dev = st->st_dev;
	c->v[at].ino = st->st_ino;
	c->v[at].size = st->st_size;
	c->v[at].mtime = mtime_ns(st);
	c->v[at].p = e.p;
}

int wol_people__read_cached(wol_ctx *ctx, const char *dir, const char *slug, int stale_days,
                            wol_person *out, wol_error *err)
{
	pcache *c = get_cache(ctx);
	char *path = wol_strfmt("%s/%s.md", dir, slug);
	struct stat st;
	int have = c && path && lstat(path, &st) == 0 && S_ISREG(st.st_mode);
	free(path);
	wol_date today = wol_ctx_today(ctx);
	if (have) {
		int found;
		size_t at = find(c, slug, &found);
		const pentry *e = found ? &c->v[at] : NULL;
		if (e && e->dev == st.st_dev && e->ino == st.st_ino && e->size == st.st_size &&
		    e->mtime == mtime_ns(&st)) {
			if (wol_people__copy(&e->p, out) != 0)
				return wol_error_set(err, WOL_ENOMEM, "out of memory");
			wol_people__settle(out, today, stale_days);
			return 0;
		}
	}
	int rc = wol_people__read(dir, slug, today, stale_days, 0, out, err);
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	long long now_ns = (long long)now.tv_sec * 1000000000LL + now.tv_nsec;
	if (rc == 0 && have && now_ns - mtime_ns(&st) > 2000000000LL)
		store(c, slug, &st, out);
	return rc;
}
