/* people/cache.c - the person files parsed so far, kept in the context
 * (ctx_priv.h) under each file's identity (device, inode, size, mtime), so
 * a list drawn again reads and parses only what changed. A file modified
 * within a tick of the clock before its stat is not kept ("racy": a second
 * write in the same tick could leave size and mtime as they were). */
#include "ctx_priv.h"
#include "people/people_int.h"

#include <fcntl.h>
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

static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Whether a file, stat'ed after the clock said `before`, might still be
 * rewritten with the same size and mtime: modified too close to `before`
 * for its time stamp to tell. File systems keeping nanoseconds (ext4, xfs,
 * btrfs, tmpfs) stamp from the kernel's coarse clock, a tick of at most
 * 10 ms behind the real one; those keeping whole seconds (FAT: two) need
 * that much. (Keeping nothing younger than two seconds, as before, made a
 * list drawn right after a sync or a bulk edit read every file again.) */
static int racy(const struct stat *st, long long before)
{
	long long margin = st->st_mtim.tv_nsec ? 20000000LL : 2000000000LL;
	return mtime_ns(st) + margin > before;
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

int wol_people__read_cached(wol_ctx *ctx, const char *dir, int dirfd, const char *slug,
                            int stale_days, wol_person *out, wol_error *err)
{
	pcache *c = get_cache(ctx);
	/* this runs for every person of every list drawn: the name relative to
	 * the open folder (one lookup instead of one per part of the path),
	 * made without printf or malloc */
	char name[300];
	size_t sl = strlen(slug);
	struct stat st;
	int have = 0;
	long long before = now_ns();
	if (c && sl + 4 <= sizeof name) {
		memcpy(name, slug, sl);
		memcpy(name + sl, ".md", 4);
		if (dirfd >= 0) {
			have = fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
		} else {
			char *path = wol_strfmt("%s/%s", dir, name);
			have = path && lstat(path, &st) == 0;
			free(path);
		}
		have = have && S_ISREG(st.st_mode);
	}
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
	if (rc == 0 && have && !racy(&st, before))
		store(c, slug, &st, out);
	return rc;
}
