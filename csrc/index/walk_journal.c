/* index/walk_journal.c - the journal's part of a refresh's walk: every
 * entry stat'ed; in a long-lived handle only the entries inotify named
 * since the last full walk; in a `wol search` process the entries stat'ed
 * ahead by a second thread while the index opens (walk.c walks the rest). */
#include "index/index_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------- the journal's watch
 *
 * The journal is private and edited outside any commit, and an entry
 * edited in place does not change its folder's mtime: a refresh must look
 * at every entry. In a long-lived handle (the editor's) inotify tells
 * which: the watches are set before a full walk, so every change after
 * that walk's stats is queued as an event. A later refresh stats only the
 * entries named by events (and the rows recorded racily), when it compares
 * with the rows its handle kept from the last refresh (nobody else wrote
 * the index since: PRAGMA data_version, plan.c) and nothing was lost: a
 * queue overflow, a watch gone, or anything happening in journal/ itself
 * (a year folder made, removed or renamed) means a full walk, which sets
 * the watches again. Only on local file systems, where every change is
 * reported. */
struct wol_jwatch {
	int fd;
	int root;      /* journal/ */
	int *wd;       /* the year folders */
	char **year;
	size_t n;
	int armed;     /* a full walk completed with these watches in place */
	dev_t dev;     /* journal/ when they were set: a home whose path now */
	ino_t ino;     /* leads elsewhere (a symlink moved) is walked again */
};

void wol_index__jwatch_drop(wol_index *ix)
{
	struct wol_jwatch *jw = ix->jw;
	if (!jw)
		return;
	if (jw->fd >= 0)
		close(jw->fd);
	for (size_t i = 0; i < jw->n; i++)
		free(jw->year[i]);
	free(jw->year);
	free(jw->wd);
	free(jw);
	ix->jw = NULL;
}

/* Whether the file system holding dir reports every change to inotify. */
static int local_fs(const char *dir)
{
	struct statfs sf;
	if (statfs(dir, &sf) != 0)
		return 0;
	switch ((unsigned long)sf.f_type) {
	case 0xEF53UL:     /* ext2, ext3, ext4 */
	case 0x58465342UL: /* xfs */
	case 0x9123683EUL: /* btrfs */
	case 0x01021994UL: /* tmpfs */
	case 0xF2F52010UL: /* f2fs */
		return 1;
	default:
		return 0;
	}
}

#define JW_DIR (IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)
#define JW_ROOT (JW_DIR | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO)
#define JW_YEAR (JW_ROOT | IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE)

/* New watches on journal/ and its year folders, before a full walk
 * (nothing when they cannot all be set: then no shortcut). */
static void jwatch_arm(wol_walk *w, const char *absdir, const wol_strv *years)
{
	wol_index *ix = w->ix;
	wol_index__jwatch_drop(ix);
	if (!local_fs(absdir))
		return;
	struct wol_jwatch *jw = calloc(1, sizeof *jw);
	if (!jw)
		return;
	jw->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	jw->wd = calloc(years->n ? years->n : 1, sizeof *jw->wd);
	jw->year = calloc(years->n ? years->n : 1, sizeof *jw->year);
	ix->jw = jw;
	struct stat st;
	if (jw->fd < 0 || !jw->wd || !jw->year || stat(absdir, &st) != 0 ||
	    (jw->root = inotify_add_watch(jw->fd, absdir, JW_ROOT)) < 0) {
		wol_index__jwatch_drop(ix);
		return;
	}
	jw->dev = st.st_dev;
	jw->ino = st.st_ino;
	for (size_t i = 0; i < years->n; i++) {
		char *dir = wol_strfmt("%s/%s", absdir, years->v[i]);
		jw->year[i] = wol_strfmt("%s", years->v[i]);
		jw->n = i + 1;
		jw->wd[i] = dir && jw->year[i] ? inotify_add_watch(jw->fd, dir, JW_YEAR) : -1;
		free(dir);
		if (jw->wd[i] < 0) {
			wol_index__jwatch_drop(ix);
			return;
		}
	}
}

/* The entries named by the events since the last refresh, as
 * "journal/<year>/<name>" (sorted): 1, or 0 when a full walk is needed. */
static int jwatch_changes(struct wol_jwatch *jw, wol_strv *out)
{
	char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
	for (;;) {
		ssize_t n = read(jw->fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN; /* read them all */
		if (n == 0)
			return 0;
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;
			p += sizeof *ev + ev->len;
			if (ev->mask & (IN_Q_OVERFLOW | IN_IGNORED | IN_UNMOUNT | IN_DELETE_SELF | IN_MOVE_SELF))
				return 0;
			if (ev->wd == jw->root)
				return 0;
			const char *year = NULL;
			for (size_t i = 0; i < jw->n; i++)
				if (jw->wd[i] == ev->wd)
					year = jw->year[i];
			if (!year)
				return 0;
			if (!ev->len || !ev->name[0])
				continue; /* the folder itself: its entries are named apart */
			if (wol_strv_add(out, wol_strfmt("journal/%s/%s", year, ev->name)))
				return 0;
		}
	}
}

/* The shortcut: the kept rows of the journal are taken as seen but for
 * the entries the events name and the racy rows, which are stat'ed. 1 when
 * done (*rc: the walk's result), 0 when a full walk is needed. */
static int walk_journal_watched(wol_walk *w, int *result)
{
	wol_strv look = {0};
	struct wol_jwatch *jw = w->ix->jw;
	char *absj = wol_strfmt("%s/journal", wol_ctx_home(w->ix->ctx));
	struct stat st;
	int same = absj && stat(absj, &st) == 0 && st.st_dev == jw->dev && st.st_ino == jw->ino;
	free(absj);
	if (!same || !jwatch_changes(jw, &look)) {
		wol_strv_clear(&look);
		return 0;
	}
	size_t lo = 0, hi = w->nk;
	while (lo < hi) { /* the first row at or after "journal/" */
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(w->k[mid].path, "journal/") < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	int rc = 0;
	for (size_t i = lo; rc == 0 && i < w->nk && strncmp(w->k[i].path, "journal/", 8) == 0; i++) {
		if (w->k[i].racy && wol_strv_add(&look, wol_strfmt("%s", w->k[i].path)))
			rc = wol_error_set(w->err, WOL_ENOMEM, "out of memory");
	}
	wol_strv_sort(&look);
	for (size_t i = lo; rc == 0 && i < w->nk && strncmp(w->k[i].path, "journal/", 8) == 0; i++)
		if (!wol_strv_has(&look, w->k[i].path))
			w->k[i].seen = 1; /* no event: as the last refresh saw it */
	wol_index_place pl = {.kind = "journal"};
	for (size_t i = 0; rc == 0 && i < look.n; i++) {
		if (i && strcmp(look.v[i], look.v[i - 1]) == 0)
			continue;
		char *rel = look.v[i];
		char *slash = strrchr(rel, '/');
		const char *name = slash + 1;
		if (name[0] == '.' || !wol_index__md_name(name))
			continue;
		*slash = '\0';
		rc = wol_index__walk_files(w, rel, &pl, name);
		*slash = '/';
	}
	wol_strv_clear(&look);
	*result = rc;
	return 1;
}

/* ------------------------------------------ the journal stat'ed ahead
 *
 * A `wol search` process refreshes once, so it cannot watch the journal:
 * its refresh stats every entry (2,000 `fstatat` in the bench's home, a
 * third of the process's time). wol_index_open_once(ctx, 1, ...) starts a
 * second thread that does those stats while the main thread loads sqlite,
 * opens the database and plans the refresh; the walk then waits for it and
 * visits what it found, in the same order, exactly as if it had stat'ed
 * the entries itself at the moment the thread did. Only the stats move:
 * what is compared, read and written is the same, in the same order. A
 * file changed after the thread stat'ed it is what a serial refresh
 * misses when the change comes after its own stat; the refresh's racy
 * rule counts from when the thread started (w->start_ns), so an entry
 * written in that clock tick is still read again next time.
 * The thread allocates nothing (a thread's first malloc gives it an arena
 * of its own: more mappings, more fresh pages): it reads the folders with
 * getdents64 into its stack and writes its results into one mapping made
 * beforehand, whose pages are touched only as far as they are filled. */
#define JPRE_BYTES ((size_t)16 << 20)
#define JPRE_YEARS 512

/* One regular file found, followed by its name (NUL-terminated); records
 * are 8-byte aligned. */
typedef struct jpre_rec {
	long long size, sec;
	long nsec;
	unsigned mode;
	unsigned short year; /* index into years */
	unsigned short len;  /* the record's bytes, name and padding included */
} jpre_rec;

struct wol_jprestat {
	pthread_t thread;
	char *absj;         /* $WOL_HOME/journal */
	long long start_ns; /* CLOCK_REALTIME_COARSE before the first stat */
	int ok;             /* the walk was completed (else: walk again) */
	long stat;          /* stats that succeeded (the report's count) */
	int years[JPRE_YEARS];
	int nyears;
	char *buf;          /* JPRE_BYTES mapped, `used` of them written */
	size_t used;
};


/* Reads directory fd to its end, calling fn for each entry; -1 on error. */
static int jpre_dir(int fd, int (*fn)(struct wol_jprestat *, int, const struct dirent64 *, int),
                    struct wol_jprestat *p, int arg)
{
	char buf[16384] __attribute__((aligned(8)));
	for (;;) {
		ssize_t n = getdents64(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -1 : 0;
		for (ssize_t off = 0; off < n;) {
			const struct dirent64 *de = (const struct dirent64 *)(buf + off);
			off += de->d_reclen;
			if (fn(p, fd, de, arg) != 0)
				return -1;
		}
	}
}

/* journal/: the year folders, as `subdirs` takes them */
static int jpre_year(struct wol_jprestat *p, int fd, const struct dirent64 *de, int arg)
{
	(void)arg;
	if (de->d_name[0] == '.' || !wol_index__is_year(de->d_name))
		return 0;
	if (de->d_type == DT_UNKNOWN || de->d_type == DT_LNK) {
		struct stat st;
		if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode))
			return 0;
	} else if (de->d_type != DT_DIR) {
		return 0;
	}
	if (p->nyears == JPRE_YEARS)
		return -1;
	p->years[p->nyears++] = atoi(de->d_name);
	return 0;
}

/* journal/<year>/: the entries, as wol_index__walk_journal takes them */
static int jpre_entry(struct wol_jprestat *p, int fd, const struct dirent64 *de, int year)
{
	if (de->d_name[0] == '.' || !wol_index__md_name(de->d_name))
		return 0;
	if (de->d_type != DT_REG && de->d_type != DT_UNKNOWN)
		return 0;
	struct stat st;
	if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return 0;
	p->stat++;
	if (!S_ISREG(st.st_mode))
		return 0;
	size_t nl = strlen(de->d_name);
	size_t len = (sizeof(jpre_rec) + nl + 1 + 7) & ~(size_t)7;
	if (len > 0xffff || p->used + len > JPRE_BYTES)
		return -1;
	jpre_rec *r = (jpre_rec *)(p->buf + p->used);
	r->size = (long long)st.st_size;
	r->sec = (long long)st.st_mtim.tv_sec;
	r->nsec = st.st_mtim.tv_nsec;
	r->mode = st.st_mode;
	r->year = (unsigned short)year;
	r->len = (unsigned short)len;
	memcpy(r + 1, de->d_name, nl + 1);
	p->used += len;
	return 0;
}

static void *jpre_run(void *arg)
{
	struct wol_jprestat *p = arg;
	int fd = open(p->absj, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		p->ok = 1; /* no journal folder: nothing to visit, as the walk finds */
		return NULL;
	}
	int fail = jpre_dir(fd, jpre_year, p, 0) != 0;
	/* sorted as the walk sorts their names (four digits each) */
	for (int i = 1; i < p->nyears; i++)
		for (int j = i; j > 0 && p->years[j - 1] > p->years[j]; j--) {
			int t = p->years[j];
			p->years[j] = p->years[j - 1];
			p->years[j - 1] = t;
		}
	for (int i = 0; !fail && i < p->nyears; i++) {
		char name[8];
		snprintf(name, sizeof name, "%04d", p->years[i]);
		int yfd = openat(fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (yfd < 0)
			continue; /* as opendir failing in the walk */
		fail = jpre_dir(yfd, jpre_entry, p, i) != 0;
		close(yfd);
	}
	close(fd);
	p->ok = !fail;
	return NULL;
}

static void jpre_free(struct wol_jprestat *p)
{
	if (p->buf)
		munmap(p->buf, JPRE_BYTES);
	free(p->absj);
	free(p);
}

void wol_index__jprestat_start(wol_index *ix)
{
	struct wol_jprestat *p = calloc(1, sizeof *p);
	if (!p)
		return;
	p->absj = wol_strfmt("%s/journal", wol_ctx_home(ix->ctx));
	p->buf = mmap(NULL, JPRE_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
	              -1, 0);
	if (p->buf == MAP_FAILED)
		p->buf = NULL;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME_COARSE, &ts);
	p->start_ns = (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
	pthread_attr_t attr;
	int started = 0;
	if (p->absj && p->buf && pthread_attr_init(&attr) == 0) {
		/* the walk needs little stack (its pages are touched as used) */
		pthread_attr_setstacksize(&attr, 128 * 1024);
		started = pthread_create(&p->thread, &attr, jpre_run, p) == 0;
		pthread_attr_destroy(&attr);
	}
	if (!started) {
		jpre_free(p);
		return;
	}
	ix->jpre = p;
}

void wol_index__jprestat_drop(wol_index *ix)
{
	if (!ix->jpre)
		return;
	pthread_join(ix->jpre->thread, NULL);
	jpre_free(ix->jpre);
	ix->jpre = NULL;
}

/* The walk from the thread's stats: 1 when done (*result: the walk's
 * result), 0 when the thread could not finish (then the caller walks). */
static int walk_journal_prestat(wol_walk *w, int *result)
{
	wol_index *ix = w->ix;
	struct wol_jprestat *p = ix->jpre;
	pthread_join(p->thread, NULL);
	ix->jpre = NULL;
	if (!p->ok) {
		jpre_free(p);
		return 0;
	}
	if (p->start_ns < w->start_ns)
		w->start_ns = p->start_ns;
	w->rep->stat += p->stat;
	const char *home = wol_ctx_home(ix->ctx);
	size_t hl = strlen(home);
	wol_index_place pl = {.kind = "journal"};
	int rc = 0;
	for (size_t off = 0; rc == 0 && off < p->used;) {
		const jpre_rec *r = (const jpre_rec *)(p->buf + off);
		off += r->len;
		char rel[512], absbuf[4096];
		int n = snprintf(rel, sizeof rel, "journal/%04d/%s", p->years[r->year],
		                 (const char *)(r + 1));
		const char *abs = n > 0 && (size_t)n < sizeof rel
		                          ? wol_index__path_join(absbuf, sizeof absbuf, home, hl, rel)
		                          : NULL;
		if (!abs)
			continue; /* as path_join failing in the walk */
		struct stat st;
		memset(&st, 0, sizeof st);
		st.st_mode = r->mode;
		st.st_size = (off_t)r->size;
		st.st_mtim.tv_sec = (time_t)r->sec;
		st.st_mtim.tv_nsec = r->nsec;
		rc = wol_index__visit(w, rel, abs, &st, &pl);
	}
	jpre_free(p);
	*result = rc;
	return 1;
}

int wol_index__walk_journal(wol_walk *w)
{
	wol_index *ix = w->ix;
	if (!w->counting && ix->jpre) {
		int result = 0;
		if (walk_journal_prestat(w, &result))
			return result;
	}
	if (!w->counting && ix->jw && ix->jw->armed && w->took_kept) {
		int result = 0;
		if (walk_journal_watched(w, &result))
			return result;
	}
	wol_strv years = {0};
	int rc = wol_index__subdirs(w, "journal", wol_index__is_year, &years);
	const char *home = wol_ctx_home(ix->ctx);
	if (rc == 0 && !w->counting && !ix->once) {
		char *absj = wol_strfmt("%s/journal", home);
		if (absj)
			jwatch_arm(w, absj, &years);
		free(absj);
	}
	for (size_t i = 0; rc == 0 && i < years.n; i++) {
		char rel[64];
		snprintf(rel, sizeof rel, "journal/%s", years.v[i]);
		wol_index_place pl = {.kind = "journal"};
		/* the date comes from each file's name, when it is read (visit) */
		rc = wol_index__walk_files(w, rel, &pl, NULL);
	}
	wol_strv_clear(&years);
	if (rc == 0 && ix->jw && !w->counting)
		ix->jw->armed = 1;
	return rc;
}

