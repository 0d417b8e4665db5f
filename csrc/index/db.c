/* index/db.c - opening index.db: the connection, WAL, the schema up to date,
 * noticing a file replaced or damaged behind our back, and recovery (the
 * damaged file moved aside, a fresh one built from the files) */
#include "index/index_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BUSY_MS 15000

/* The page cache of a once-handle (wol_index_open_once), in pages. Every
 * page a connection reads takes a cache line of its own until the cache
 * is full, and in a process that lives for one search each line is fresh
 * memory, whose first touch is a page fault (25-50 us each on this VM's
 * shadow page tables). A search with its refresh reads ~160 pages, few of
 * them twice: with 50 lines it reads ~200 (recycling lines) and touches
 * ~110 fewer pages. */
/* A once-handle (a `wol` process's one search) keeps few pages, and
 * reads them with pread into the same few buffers. It used to map
 * index.db instead (`mmap_size`): on a small circle that saved 16 page
 * faults and 22 system calls, but a search of bench/index.sh's 15,000
 * documents took 282-369 page faults that way, every page it read one;
 * with 25 buffers reused it takes 184-298, for ~230 more preads. On a
 * virtual machine where a fault costs 16-23 us and a pread 3-4 us that
 * made the search 20-30 % faster (bench/ANALYSIS.md, "CLI search, fourth
 * round"); where the two cost about the same it changes a tenth of a
 * millisecond. Nor can a file shortened behind sqlite's back then kill
 * the process with SIGBUS. */
#define ONCE_CACHE "PRAGMA cache_size = 25"

int wol_index__corrupt_rc(int rc)
{
	rc &= 0xff;
	return rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB;
}

int wol_index__fail(wol_index *ix, wol_error *err, int rc, const char *what)
{
	const char *msg = ix->db ? sqlite3_errmsg(ix->db) : sqlite3_errstr(rc);
	if (wol_index__corrupt_rc(rc) || (ix->db && wol_index__corrupt_rc(sqlite3_errcode(ix->db)))) {
		ix->corrupt = 1;
		free(ix->damage);
		ix->damage = wol_strfmt("%s", msg);
	}
	return wol_error_set(err, WOL_ESQL, "index: %s: %s", what, msg);
}

int wol_index__exec(wol_index *ix, const char *sql, wol_error *err)
{
	int rc = sqlite3_exec(ix->db, sql, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return wol_index__fail(ix, err, rc, "sqlite");
	return 0;
}

void wol_index__writing(wol_index *ix)
{
	if (ix->once == 1 && ix->db) {
		sqlite3_exec(ix->db, "PRAGMA cache_size = -16384", NULL, NULL, NULL);
		ix->once = 2;
	}
}

int wol_index__prepare(wol_index *ix, const char *sql, sqlite3_stmt **st, wol_error *err)
{
	int rc = sqlite3_prepare_v2(ix->db, sql, -1, st, NULL);
	if (rc != SQLITE_OK) {
		*st = NULL;
		return wol_index__fail(ix, err, rc, "wol_index__prepare");
	}
	return 0;
}

/* Remembers index.db as this connection last left it. */
void wol_index__note_seen(wol_index *ix)
{
	struct stat st;
	if (stat(ix->dbpath, &st) == 0) {
		ix->seen_size = (long long)st.st_size;
		ix->seen_mtime = wol_fs_mtime_ns(&st);
	}
}

/* Whether index.db changed since this connection last used it: replaced
 * (moved aside by another process, deleted) or written by someone else.
 * sqlite notices other sqlite writers by itself, but not a file damaged
 * behind its back, so a changed file gets a fresh connection. */
static int replaced_under(wol_index *ix)
{
	struct stat st;
	return stat(ix->dbpath, &st) != 0 || st.st_dev != ix->dev || st.st_ino != ix->ino ||
	       (long long)st.st_size != ix->seen_size || wol_fs_mtime_ns(&st) != ix->seen_mtime;
}

void wol_index__close_db(wol_index *ix)
{
	wol_index__drop_kept(ix);
	wol_index__rank_drop(ix);
	wol_index__daily_drop(ix);
	wol_index__writers_drop(ix);
	ix->built = 0;
	if (ix->db) {
		sqlite3_close_v2(ix->db);
		ix->db = NULL;
	}
}

static int user_version(wol_index *ix, int *out, wol_error *err)
{
	sqlite3_stmt *st;
	int rc = wol_index__prepare(ix, "PRAGMA user_version", &st, err);
	if (rc)
		return rc;
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		rc = wol_index__fail(ix, err, rc, "reading the schema version");
		sqlite3_finalize(st);
		return rc;
	}
	*out = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return 0;
}

/* Opens index.db, switches it to WAL and brings the schema up to date.
 * Damage shows as ix->corrupt with an error. */
static int db_open(wol_index *ix, wol_error *err)
{
	ix->corrupt = 0;
	static int configured;
	if (!configured) {
		/* No bulk allocation of page-cache lines: by default every page
		 * cache (the connection's, and one per temporary table a statement
		 * makes for a sort or a materialised view: four in a search) first
		 * carves 20 lines (87 KB) out of new memory and writes a header
		 * into each, touching 20 fresh pages. A `wol search` process reads
		 * fewer pages than that in most of them, and on a machine where
		 * the first touch of a page costs tens of microseconds (a virtual
		 * machine with shadow page tables: this one) those were ~80 of its
		 * ~460 page faults. Lines are then allocated as they are used.
		 * Only possible before sqlite is initialised (the first open in
		 * this process); later, or when someone else in the process
		 * initialised it, the call fails and changes nothing. Nor does
		 * sqlite count the memory it uses: the count takes a global
		 * mutex at every allocation. (Both are the process's: another
		 * user of this libsqlite3 in an editor would read 0 from
		 * sqlite3_memory_used().) */
		configured = 1;
		sqlite3_config(SQLITE_CONFIG_PAGECACHE, (void *)0, 0, 0);
		sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	}
	/* the index holds the private journal: create it 0600 (sqlite gives its
	 * -wal and -shm files the same mode) */
	int fd = open(ix->dbpath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd >= 0)
		close(fd);
	/* NOMUTEX: a handle is used by one thread at a time, so the
	 * connection's mutex only cost (a lock and an unlock around every
	 * call, also inside FTS5's ranking: 7 % of a search for a common word) */
	int rc = sqlite3_open_v2(ix->dbpath, &ix->db,
	                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOFOLLOW |
	                                 SQLITE_OPEN_NOMUTEX,
	                         NULL);
	if (rc != SQLITE_OK) {
		int r = wol_index__fail(ix, err, rc, ix->dbpath);
		wol_index__close_db(ix);
		return r;
	}
	sqlite3_busy_timeout(ix->db, BUSY_MS);
	/* keep -wal and -shm between connections: recreating them on every
	 * open costs more than a whole no-change refresh */
	int persist = 1;
	sqlite3_file_control(ix->db, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
	struct stat sb;
	if (stat(ix->dbpath, &sb) == 0) {
		ix->dev = sb.st_dev;
		ix->ino = sb.st_ino;
	}
	/* no mmap: a file truncated behind sqlite's back (a damaged index)
	 * would kill the editor with SIGBUS instead of giving an error */
	/* journal_size_limit: the last connection to close checkpoints the
	 * WAL and, with a limit set, truncates it to nothing. Without one the
	 * kept (PERSIST_WAL) file still held the checkpointed frames: every
	 * next process read them all back (recovery: ~1,000 preads) and wrote
	 * them into index.db again with three fsyncs when it closed, a search
	 * from the shell included (half of its system time). */
	/* the cache first: the next statement reads the schema through it */
	rc = wol_index__exec(ix, ix->once == 1 ? ONCE_CACHE : "PRAGMA cache_size = -16384", err);
	if (rc == 0)
		rc = wol_index__exec(ix, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; "
		                     "PRAGMA journal_size_limit = 4194304;", err);
	int v = 0;
	if (rc == 0)
		rc = user_version(ix, &v, err);
	if (rc == 0 && v > WOL_INDEX_SCHEMA_VERSION)
		rc = wol_error_set(err, WOL_ESQL,
		                   "index: %s has schema version %d, newer than this wol knows (%d); "
		                   "upgrade wol, or delete the file (it is only a cache)",
		                   ix->dbpath, v, WOL_INDEX_SCHEMA_VERSION);
	if (rc == 0 && v < WOL_INDEX_SCHEMA_VERSION) {
		rc = wol_index__exec(ix, "BEGIN IMMEDIATE", err);
		if (rc == 0) {
			rc = user_version(ix, &v, err); /* another process may have migrated */
			if (rc == 0 && v < WOL_INDEX_SCHEMA_VERSION)
				rc = wol_index__migrate(ix, v, err);
			if (rc == 0)
				rc = wol_index__exec(ix, "COMMIT", err);
			else
				sqlite3_exec(ix->db, "ROLLBACK", NULL, NULL, NULL);
		}
	}
	if (rc == 0) {
		/* reading the schema and a row catches a damaged file early */
		sqlite3_stmt *st;
		rc = wol_index__prepare(ix, "SELECT id FROM docs LIMIT 1", &st, err);
		if (rc == 0) {
			int s = sqlite3_step(st);
			if (s != SQLITE_ROW && s != SQLITE_DONE)
				rc = wol_index__fail(ix, err, s, "reading the index");
			sqlite3_finalize(st);
		} else if (!ix->corrupt) {
			ix->corrupt = 1; /* right version, missing tables: not ours any more */
			free(ix->damage);
			ix->damage = wol_strfmt("%s", "the schema is missing");
		}
	}
	if (rc) {
		wol_index__close_db(ix);
		return rc;
	}
	wol_index__detail_add(ix->db); /* when it cannot, search.c does without */
	wol_index__note_seen(ix);
	return 0;
}

/* Moves a damaged index.db aside (keeping it for a bug report) and opens a
 * fresh one, which the next refresh fills. `locked`: the caller holds the
 * index lock. */
int wol_index__recover(wol_index *ix, int locked, wol_error *err)
{
	wol_lock lk = {-1};
	if (!locked) {
		int rc = wol_lock_acquire(&lk, ix->lockpath, WOL_INDEX_LOCK_WAIT_MS, err);
		if (rc)
			return rc;
	}
	wol_index__close_db(ix);
	int rc = 0;
	struct stat st;
	int replaced = stat(ix->dbpath, &st) != 0 || st.st_dev != ix->dev || st.st_ino != ix->ino;
	if (replaced) {
		/* another process moved it aside while we waited for the lock */
		rc = db_open(ix, err);
		if (rc == 0 || !ix->corrupt)
			goto out;
	}
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	char stamp[32];
	strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
	char *aside = wol_strfmt("%s.corrupt-%s", ix->dbpath, stamp);
	char *wal = wol_strfmt("%s-wal", ix->dbpath);
	char *aside_wal = wol_strfmt("%s.corrupt-%s-wal", ix->dbpath, stamp);
	char *shm = wol_strfmt("%s-shm", ix->dbpath);
	if (!aside || !wal || !aside_wal || !shm) {
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
	} else if (rename(ix->dbpath, aside) != 0 && errno != ENOENT) {
		int e = errno;
		rc = wol_error_set(err, WOL_EIO, "index: cannot move the damaged %s aside: %s",
		                   ix->dbpath, strerror(e));
	} else {
		if (rename(wal, aside_wal) != 0)
			unlink(wal);
		unlink(shm);
		char *msg = wol_strfmt("wol: index: %s was damaged (%s); moved it to %s and rebuilt the "
		                       "index from your files",
		                       ix->dbpath, ix->damage ? ix->damage : "unreadable", aside);
		free(ix->notice);
		ix->notice = msg;
		ix->ino = 0;
		rc = db_open(ix, err);
	}
	free(aside);
	free(wal);
	free(aside_wal);
	free(shm);
out:
	if (!locked)
		wol_lock_release(&lk);
	return rc;
}

/* Makes sure the connection still sees the index.db that is there now and
 * at the schema this code knows; else opens it again (recovering from a
 * damaged file). `locked`: the caller holds the index lock. */
int wol_index__ensure_fresh(wol_index *ix, int locked, wol_error *err)
{
	if (ix->db && !replaced_under(ix)) {
		int v = -1;
		wol_error e;
		if (user_version(ix, &v, &e) == 0 && v == WOL_INDEX_SCHEMA_VERSION)
			return 0;
	}
	wol_index__close_db(ix);
	int rc = db_open(ix, err);
	if (rc && ix->corrupt)
		rc = wol_index__recover(ix, locked, err);
	return rc;
}

/* Whether $WOL_HOME, index.db or its -wal / -shm cannot be written: a
 * read-only mount, a home owned by someone else, an immutable file. */
static int cannot_write(const char *home, const char *dbpath)
{
	if (access(home, W_OK) != 0)
		return 1;
	static const char *const sfx[] = {"", "-wal", "-shm"};
	for (size_t i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
		char *p = wol_strfmt("%s%s", dbpath, sfx[i]);
		int ro = p && access(p, F_OK) == 0 && access(p, W_OK) != 0;
		free(p);
		if (ro)
			return 1;
	}
	return 0;
}

static int copy_file(const char *from, const char *to)
{
	int in = open(from, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (in < 0)
		return errno == ENOENT ? 0 : -1;
	int out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	int rc = out < 0 ? -1 : 0;
	char buf[65536];
	ssize_t n;
	while (rc == 0 && (n = read(in, buf, sizeof buf)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		for (ssize_t off = 0; rc == 0 && n > 0 && off < n;) {
			ssize_t w = write(out, buf + off, (size_t)(n - off));
			if (w < 0 && errno != EINTR)
				rc = -1;
			else if (w > 0)
				off += w;
		}
		if (n < 0)
			rc = -1;
	}
	close(in);
	if (out >= 0)
		close(out);
	return rc;
}

/* Removes the private copy's directory (files only, no symlinks followed). */
static void remove_tmpdir(const char *dir)
{
	DIR *d = opendir(dir);
	if (d) {
		struct dirent *e;
		while ((e = readdir(d))) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			char *p = wol_strfmt("%s/%s", dir, e->d_name);
			if (p)
				unlink(p);
			free(p);
		}
		closedir(d);
	}
	rmdir(dir);
}

/* $WOL_HOME (or the index) is read-only. The index is a cache, so this
 * process works on a copy of it in a temporary directory, refreshed from
 * the files as usual and removed on close: searching and listing still see
 * every file, and nothing is written under $WOL_HOME. */
static int use_private_copy(wol_index *ix, wol_error *err)
{
	const char *base = getenv("TMPDIR");
	char *tmpl = wol_strfmt("%s/wol-index-XXXXXX", base && *base == '/' ? base : "/tmp");
	if (!tmpl)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	if (!mkdtemp(tmpl)) {
		int e = errno;
		int rc = wol_error_set(err, WOL_EIO,
		                       "index: $WOL_HOME is read-only and no temporary copy could be "
		                       "made in %s: %s",
		                       base && *base == '/' ? base : "/tmp", strerror(e));
		free(tmpl);
		return rc;
	}
	ix->tmpdir = tmpl;
	char *db = wol_strfmt("%s/index.db", tmpl), *lock = wol_strfmt("%s/index.lock", tmpl);
	char *wal = wol_strfmt("%s-wal", ix->dbpath), *twal = wol_strfmt("%s/index.db-wal", tmpl);
	int rc = 0;
	if (!db || !lock || !wal || !twal) {
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
	} else {
		/* the database with its log (a copy that cannot be made is no
		 * loss: the refresh builds the index from the files) */
		if (copy_file(ix->dbpath, db) != 0 || copy_file(wal, twal) != 0) {
			unlink(db);
			unlink(twal);
		}
		free(ix->dbpath);
		free(ix->lockpath);
		ix->dbpath = db;
		ix->lockpath = lock;
		db = lock = NULL;
		free(ix->notice);
		ix->notice = wol_strfmt("wol: index: %s cannot be written: using a temporary copy of "
		                        "the index, brought up to date from your files",
		                        wol_ctx_home(ix->ctx));
	}
	free(db);
	free(lock);
	free(wal);
	free(twal);
	return rc;
}

/* Where the index lives: $WOL_HOME/index.db (malloc'd). */
static char *db_path(const wol_ctx *ctx)
{
	return wol_strfmt("%s/index.db", wol_ctx_home(ctx));
}

int wol_index_exists(const wol_ctx *ctx)
{
	char *db = db_path(ctx);
	int have = db && wol_fs_exists(db);
	free(db);
	return have;
}

static int index_open(wol_ctx *ctx, int once, int prestat, wol_index **out, wol_error *err)
{
	*out = NULL;
	wol_index *ix = calloc(1, sizeof *ix);
	if (!ix)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	ix->ctx = ctx;
	ix->once = once;
	if (prestat)
		wol_index__jprestat_start(ix); /* while sqlite is loaded and opened */
	int rc = wol_ctx_mkdir(ctx, ".", 0700, NULL, err);
	if (rc == 0) {
		ix->dbpath = db_path(ctx);
		ix->lockpath = wol_strfmt("%s/index.lock", wol_ctx_home(ctx));
		if (!ix->dbpath || !ix->lockpath)
			rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		else if (cannot_write(wol_ctx_home(ctx), ix->dbpath))
			rc = use_private_copy(ix, err);
	}
	if (rc == 0) {
		/* creating index.db (and switching it to WAL) is done by one
		 * process at a time: two doing it at once get "database is
		 * locked" from sqlite, which does not wait for that */
		struct stat st;
		wol_lock lk = {-1};
		if (stat(ix->dbpath, &st) != 0 || st.st_size == 0)
			rc = wol_lock_acquire(&lk, ix->lockpath, WOL_INDEX_LOCK_WAIT_MS, err);
		if (rc == 0)
			rc = db_open(ix, err);
		if (rc && ix->corrupt)
			rc = wol_index__recover(ix, lk.fd >= 0, err);
		wol_lock_release(&lk);
	}
	if (rc) {
		wol_index_close(ix);
		return rc;
	}
	*out = ix;
	return 0;
}

int wol_index_open(wol_ctx *ctx, wol_index **out, wol_error *err)
{
	return index_open(ctx, 0, 0, out, err);
}

int wol_index_open_once(wol_ctx *ctx, int refresh, wol_index **out, wol_error *err)
{
	return index_open(ctx, 1, refresh, out, err);
}

int wol_index_private(const wol_index *ix)
{
	return ix && ix->tmpdir != NULL;
}

void wol_index_close(wol_index *ix)
{
	if (!ix)
		return;
	wol_index__jprestat_drop(ix);
	wol_index__close_db(ix);
	wol_index__jwatch_drop(ix);
	wol_index__trees_drop(ix);
	free(ix->dbpath);
	free(ix->lockpath);
	free(ix->notice);
	free(ix->damage);
	if (ix->tmpdir)
		remove_tmpdir(ix->tmpdir);
	free(ix->tmpdir);
	free(ix);
}

void wol_index_report_free(wol_index_report *rep)
{
	if (rep) {
		free(rep->notice);
		rep->notice = NULL;
	}
}

sqlite3 *wol_index__db(wol_index *ix, wol_error *err)
{
	return wol_index__ensure_fresh(ix, 0, err) == 0 ? ix->db : NULL;
}
