/* index.c - the search index: $WOL_HOME/index.db, an sqlite3 FTS5 cache
 * over the journal, circle notes, questions and answers.
 *
 * Files are the truth. A refresh walks the files with stat only and reads
 * a file when its size or mtime differ from what the index recorded (or
 * when it was recorded "racily": modified in the same clock tick as the
 * refresh that saw it). For circles, the HEAD commit is recorded too; when
 * it moved, the paths changed between the two trees are re-read whatever
 * their stat says. Writers take $WOL_HOME/index.lock (flock) and write in
 * one transaction, so two processes never interleave and a reader never
 * sees half a refresh. A damaged index.db is moved aside and rebuilt. */
#include "index_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SCHEMA_VERSION 3
#define LOCK_WAIT_MS 60000
#define BUSY_MS 15000
#define MAX_FILE_BYTES (8u << 20)
#define DEFAULT_LIMIT 50
#define MAX_LIMIT 10000

/* bm25 weights of the FTS5 columns title, body, tags */
#define RANK_SQL "bm25(fts, 10.0, 1.0, 5.0)"

struct wol_index {
	wol_ctx *ctx;
	sqlite3 *db;
	char *dbpath, *lockpath;
	dev_t dev; /* identity of the open index.db, to tell whether another */
	ino_t ino; /* process replaced it while we waited for the lock */
	char *notice;
	char *damage; /* why the database was found damaged */
	char *tmpdir; /* $WOL_HOME is read-only: the private copy in use lives here */
	long long seen_size, seen_mtime; /* index.db after our last use */
	int corrupt;  /* an sqlite call reported SQLITE_CORRUPT / SQLITE_NOTADB */
};

/* A docs row counted in `daily`, and the trigger bodies keeping it so. */
#define DAILY_ROW(r)                                                                      \
	r ".kind IN ('note', 'question', 'answer') AND " r ".circle IS NOT NULL AND " r     \
	".date IS NOT NULL AND " r ".author IS NOT NULL"
#define DAILY_ADD(r)                                                                      \
	"INSERT INTO daily VALUES(" r ".circle, " r ".date, " r ".author, " r ".kind, 1) "    \
	"ON CONFLICT DO UPDATE SET n = n + 1;"
#define DAILY_SUB(r)                                                                      \
	"UPDATE daily SET n = n - 1 WHERE circle = " r ".circle AND day = " r ".date AND "     \
	"author = " r ".author AND kind = " r ".kind;"                                        \
	"DELETE FROM daily WHERE circle = " r ".circle AND day = " r ".date AND author = " r   \
	".author AND kind = " r ".kind AND n <= 0;"

/* The triggers that keep `daily` in step with docs one row at a time, and
 * the statement that fills it at once. A build from nothing drops the
 * triggers, fills `daily` once at the end and puts them back: firing them
 * for every one of 15,000 new rows made the full build two to three times
 * slower. */
#define DAILY_TRIGGERS                                                                    \
	"CREATE TRIGGER docs_daily_ins AFTER INSERT ON docs WHEN " DAILY_ROW("new") " BEGIN " \
	DAILY_ADD("new") " END;"                                                              \
	"CREATE TRIGGER docs_daily_del AFTER DELETE ON docs WHEN " DAILY_ROW("old") " BEGIN " \
	DAILY_SUB("old") " END;"                                                              \
	"CREATE TRIGGER docs_daily_upd_old AFTER UPDATE OF kind, circle, author, date ON docs " \
	"WHEN " DAILY_ROW("old") " BEGIN " DAILY_SUB("old") " END;"                           \
	"CREATE TRIGGER docs_daily_upd_new AFTER UPDATE OF kind, circle, author, date ON docs " \
	"WHEN " DAILY_ROW("new") " BEGIN " DAILY_ADD("new") " END;"
#define DAILY_FILL                                                                        \
	"INSERT INTO daily SELECT circle, date, author, kind, count(*) FROM docs WHERE "      \
	DAILY_ROW("docs") " GROUP BY circle, date, author, kind;"
static const char *const daily_bulk_begin = "DROP TRIGGER IF EXISTS docs_daily_ins;"
                                            "DROP TRIGGER IF EXISTS docs_daily_del;"
                                            "DROP TRIGGER IF EXISTS docs_daily_upd_old;"
                                            "DROP TRIGGER IF EXISTS docs_daily_upd_new;";
static const char *const daily_bulk_end = "DELETE FROM daily;" DAILY_FILL DAILY_TRIGGERS;

/* Schema migrations: migrations[v] takes user_version v to v + 1. */
static const char *const migrations[] = {
	/* 0 -> 1 */
	"CREATE TABLE docs("
	" id INTEGER PRIMARY KEY,"
	" path TEXT NOT NULL UNIQUE," /* relative to $WOL_HOME */
	" kind TEXT NOT NULL,"        /* journal note question answer event */
	" circle TEXT, author TEXT,"
	" date TEXT,"                 /* YYYY-MM-DD */
	" sortkey TEXT,"              /* created (or date): newest first */
	" title TEXT,"                /* for display */
	" state TEXT,"                /* questions: open/resolved; notes: status */
	" qid TEXT, rid TEXT,"        /* question id; this record's id */
	" evkind TEXT, lamport INTEGER, target TEXT," /* question events */
	" title_line INTEGER, body_line INTEGER,"
	" size INTEGER NOT NULL, mtime INTEGER NOT NULL, racy INTEGER NOT NULL DEFAULT 0,"
	" problem TEXT);"
	"CREATE INDEX docs_question ON docs(circle, qid);"
	"CREATE INDEX docs_sortkey ON docs(sortkey);"
	"CREATE INDEX docs_walk ON docs(path, size, mtime, racy);" /* what a refresh compares */
	"CREATE INDEX docs_kind ON docs(kind, date);"
	"CREATE VIRTUAL TABLE fts USING fts5(title, body, tags,"
	" tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');"
	/* a bigger in-memory term table before flushing a segment: a full
	 * build writes fewer, larger segments and merges less */
	"INSERT INTO fts(fts, rank) VALUES('hashsize', 16777216);"
	"CREATE TABLE heads(circle TEXT PRIMARY KEY, oid TEXT NOT NULL);",
	/* 1 -> 2: for the circle dashboard (status.c): notes changed in a
	 * period, and `daily`, the notes, questions and answers of each member
	 * per day, kept up to date by triggers on docs */
	"CREATE INDEX docs_circle_kind_mtime ON docs(circle, kind, mtime);"
	"CREATE TABLE daily(circle TEXT NOT NULL, day TEXT NOT NULL, author TEXT NOT NULL,"
	" kind TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY(circle, day, author, kind))"
	" WITHOUT ROWID;"
	"CREATE INDEX daily_author ON daily(circle, author, day);"
	DAILY_TRIGGERS DAILY_FILL,
	/* 2 -> 3: `qlist`, each question's listing row as question.c's replay
	 * computes it (qlist.c). Question files are marked racy and the heads
	 * forgotten so that the next refresh reads them again and fills it. */
	"CREATE TABLE qlist(circle TEXT NOT NULL, qid TEXT NOT NULL, title TEXT, author TEXT,"
	" created TEXT, about TEXT, lamport INTEGER, state TEXT, helped TEXT, answers INTEGER,"
	" last INTEGER, warnings TEXT, PRIMARY KEY(circle, qid)) WITHOUT ROWID;"
	"UPDATE docs SET racy = 1 WHERE kind IN ('question', 'answer', 'event');"
	"DELETE FROM heads;",
};
#define NMIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

static const char *const drop_all = "DROP TABLE IF EXISTS qlist;"
                                    "DROP TABLE IF EXISTS daily;"
                                    "DROP TABLE IF EXISTS fts;"
                                    "DROP TABLE IF EXISTS docs;"
                                    "DROP TABLE IF EXISTS heads;";

/* ---------------------------------------------------------------- helpers */

static int corrupt_rc(int rc)
{
	rc &= 0xff;
	return rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB;
}

static int sqlfail(wol_index *ix, wol_error *err, int rc, const char *what)
{
	const char *msg = ix->db ? sqlite3_errmsg(ix->db) : sqlite3_errstr(rc);
	if (corrupt_rc(rc) || (ix->db && corrupt_rc(sqlite3_errcode(ix->db)))) {
		ix->corrupt = 1;
		free(ix->damage);
		ix->damage = wol_strfmt("%s", msg);
	}
	return wol_error_set(err, WOL_ESQL, "index: %s: %s", what, msg);
}

static int exec(wol_index *ix, const char *sql, wol_error *err)
{
	int rc = sqlite3_exec(ix->db, sql, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return sqlfail(ix, err, rc, "sqlite");
	return 0;
}

static int prepare(wol_index *ix, const char *sql, sqlite3_stmt **st, wol_error *err)
{
	int rc = sqlite3_prepare_v2(ix->db, sql, -1, st, NULL);
	if (rc != SQLITE_OK) {
		*st = NULL;
		return sqlfail(ix, err, rc, "prepare");
	}
	return 0;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static long long mtime_ns(const struct stat *st)
{
	return (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
}

static char *col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? wol_strndup((const char *)s, (size_t)sqlite3_column_bytes(st, i)) : NULL;
}

static void bind_str(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A list of strings (paths, "circle/qid" keys). */
typedef struct strv {
	char **v;
	size_t n, cap;
} strv;

static int strv_add(strv *s, char *owned)
{
	if (!owned)
		return WOL_ENOMEM;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		char **v = realloc(s->v, cap * sizeof *v);
		if (!v) {
			free(owned);
			return WOL_ENOMEM;
		}
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = owned;
	return 0;
}

static void strv_sort(strv *s)
{
	if (s->n > 1)
		qsort(s->v, s->n, sizeof *s->v, cmp_strp);
}

static int strv_has(const strv *s, const char *key)
{
	return s->n && bsearch(&key, s->v, s->n, sizeof *s->v, cmp_strp) != NULL;
}

static void strv_clear(strv *s)
{
	wol_strv_free(s->v, s->n);
	memset(s, 0, sizeof *s);
}

/* -------------------------------------------------------- opening the db */

/* Remembers index.db as this connection last left it. */
static void note_seen(wol_index *ix)
{
	struct stat st;
	if (stat(ix->dbpath, &st) == 0) {
		ix->seen_size = (long long)st.st_size;
		ix->seen_mtime = mtime_ns(&st);
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
	       (long long)st.st_size != ix->seen_size || mtime_ns(&st) != ix->seen_mtime;
}


static void db_close(wol_index *ix)
{
	if (ix->db) {
		sqlite3_close_v2(ix->db);
		ix->db = NULL;
	}
}

static int user_version(wol_index *ix, int *out, wol_error *err)
{
	sqlite3_stmt *st;
	int rc = prepare(ix, "PRAGMA user_version", &st, err);
	if (rc)
		return rc;
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		rc = sqlfail(ix, err, rc, "reading the schema version");
		sqlite3_finalize(st);
		return rc;
	}
	*out = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return 0;
}

static int migrate(wol_index *ix, int from, wol_error *err)
{
	for (int v = from; v < NMIGRATIONS; v++) {
		int rc = exec(ix, migrations[v], err);
		if (rc)
			return rc;
	}
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", SCHEMA_VERSION);
	return exec(ix, sql, err);
}

/* Opens index.db, switches it to WAL and brings the schema up to date.
 * Damage shows as ix->corrupt with an error. */
static int db_open(wol_index *ix, wol_error *err)
{
	ix->corrupt = 0;
	/* the index holds the private journal: create it 0600 (sqlite gives its
	 * -wal and -shm files the same mode) */
	int fd = open(ix->dbpath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd >= 0)
		close(fd);
	int rc = sqlite3_open_v2(ix->dbpath, &ix->db,
	                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOFOLLOW,
	                         NULL);
	if (rc != SQLITE_OK) {
		int r = sqlfail(ix, err, rc, ix->dbpath);
		db_close(ix);
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
	rc = exec(ix, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; "
	              "PRAGMA cache_size = -16384;", err);
	int v = 0;
	if (rc == 0)
		rc = user_version(ix, &v, err);
	if (rc == 0 && v > SCHEMA_VERSION)
		rc = wol_error_set(err, WOL_ESQL,
		                   "index: %s has schema version %d, newer than this wol knows (%d); "
		                   "upgrade wol, or delete the file (it is only a cache)",
		                   ix->dbpath, v, SCHEMA_VERSION);
	if (rc == 0 && v < SCHEMA_VERSION) {
		rc = exec(ix, "BEGIN IMMEDIATE", err);
		if (rc == 0) {
			rc = user_version(ix, &v, err); /* another process may have migrated */
			if (rc == 0 && v < SCHEMA_VERSION)
				rc = migrate(ix, v, err);
			if (rc == 0)
				rc = exec(ix, "COMMIT", err);
			else
				sqlite3_exec(ix->db, "ROLLBACK", NULL, NULL, NULL);
		}
	}
	if (rc == 0) {
		/* reading the schema and a row catches a damaged file early */
		sqlite3_stmt *st;
		rc = prepare(ix, "SELECT id FROM docs LIMIT 1", &st, err);
		if (rc == 0) {
			int s = sqlite3_step(st);
			if (s != SQLITE_ROW && s != SQLITE_DONE)
				rc = sqlfail(ix, err, s, "reading the index");
			sqlite3_finalize(st);
		} else if (!ix->corrupt) {
			ix->corrupt = 1; /* right version, missing tables: not ours any more */
			free(ix->damage);
			ix->damage = wol_strfmt("%s", "the schema is missing");
		}
	}
	if (rc) {
		db_close(ix);
		return rc;
	}
	note_seen(ix);
	return 0;
}

/* Moves a damaged index.db aside (keeping it for a bug report) and opens a
 * fresh one, which the next refresh fills. `locked`: the caller holds the
 * index lock. */
static int recover(wol_index *ix, int locked, wol_error *err)
{
	wol_lock lk = {-1};
	if (!locked) {
		int rc = wol_lock_acquire(&lk, ix->lockpath, LOCK_WAIT_MS, err);
		if (rc)
			return rc;
	}
	db_close(ix);
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
static int ensure_fresh(wol_index *ix, int locked, wol_error *err)
{
	if (ix->db && !replaced_under(ix)) {
		int v = -1;
		wol_error e;
		if (user_version(ix, &v, &e) == 0 && v == SCHEMA_VERSION)
			return 0;
	}
	db_close(ix);
	int rc = db_open(ix, err);
	if (rc && ix->corrupt)
		rc = recover(ix, locked, err);
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

int wol_index_open(wol_ctx *ctx, wol_index **out, wol_error *err)
{
	*out = NULL;
	wol_index *ix = calloc(1, sizeof *ix);
	if (!ix)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	ix->ctx = ctx;
	int rc = wol_ctx_mkdir(ctx, ".", 0700, NULL, err);
	if (rc == 0) {
		ix->dbpath = wol_strfmt("%s/index.db", wol_ctx_home(ctx));
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
			rc = wol_lock_acquire(&lk, ix->lockpath, LOCK_WAIT_MS, err);
		if (rc == 0)
			rc = db_open(ix, err);
		if (rc && ix->corrupt)
			rc = recover(ix, lk.fd >= 0, err);
		wol_lock_release(&lk);
	}
	if (rc) {
		wol_index_close(ix);
		return rc;
	}
	*out = ix;
	return 0;
}

int wol_index_private(const wol_index *ix)
{
	return ix && ix->tmpdir != NULL;
}

void wol_index_close(wol_index *ix)
{
	if (!ix)
		return;
	db_close(ix);
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

/* ------------------------------------------------------------- refreshing */

typedef struct known {
	char *path;
	sqlite3_int64 id, size, mtime;
	int racy, seen;
} known;

typedef struct walk {
	wol_index *ix;
	wol_index_report *rep;
	wol_error *err;
	known *k;
	size_t nk;
	strv forced;   /* paths changed between a circle's recorded and current HEAD */
	strv affected; /* "circle/qid" of questions whose state must be replayed */
	long long start_ns;
	const char *handle; /* the journal's author */
	sqlite3_stmt *ins, *upd, *del, *fts_del, *fts_ins;
} walk;

static int cmp_known(const void *key, const void *elem)
{
	return strcmp((const char *)key, ((const known *)elem)->path);
}

static known *find_known(walk *w, const char *path)
{
	return w->nk ? bsearch(path, w->k, w->nk, sizeof *w->k, cmp_known) : NULL;
}

static void free_known(walk *w)
{
	for (size_t i = 0; i < w->nk; i++)
		free(w->k[i].path);
	free(w->k);
	w->k = NULL;
	w->nk = 0;
}

static int load_known(walk *w)
{
	sqlite3_stmt *st;
	int rc = prepare(w->ix,
	                 "SELECT id, path, size, mtime, racy FROM docs INDEXED BY docs_walk ORDER BY path",
	                 &st, w->err);
	if (rc)
		return rc;
	size_t cap = 0;
	int s;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		if (w->nk == cap) {
			cap = cap ? cap * 2 : 1024;
			known *k = realloc(w->k, cap * sizeof *k);
			if (!k) {
				sqlite3_finalize(st);
				return wol_error_set(w->err, WOL_ENOMEM, "out of memory");
			}
			w->k = k;
		}
		known *k = &w->k[w->nk++];
		memset(k, 0, sizeof *k);
		k->id = sqlite3_column_int64(st, 0);
		k->path = col_dup(st, 1);
		k->size = sqlite3_column_int64(st, 2);
		k->mtime = sqlite3_column_int64(st, 3);
		k->racy = sqlite3_column_int(st, 4);
		if (!k->path) {
			sqlite3_finalize(st);
			return wol_error_set(w->err, WOL_ENOMEM, "out of memory");
		}
	}
	if (s != SQLITE_DONE)
		rc = sqlfail(w->ix, w->err, s, "reading the index");
	sqlite3_finalize(st);
	return rc;
}

static int mark_affected(walk *w, const char *circle, const char *qid)
{
	if (!circle || !qid)
		return 0;
	if (strv_add(&w->affected, wol_strfmt("%s/%s", circle, qid)))
		return wol_error_set(w->err, WOL_ENOMEM, "out of memory");
	return 0;
}

/* What the path says about a file. */
typedef struct place {
	const char *kind; /* journal note question answer event */
	const char *circle;
	const char *folder; /* notes: the author's folder */
	const char *qid;
	char date[11];      /* journal: from the file name */
} place;

/* The fields of one document as stored. */
typedef struct row {
	const char *author, *title, *state, *rid, *evkind, *target, *problem;
	char date[11];
	const char *sortkey;
	long long lamport;
	int has_lamport;
	int title_line, body_line;
	const char *fts_title, *body;
	char *tags;
} row;

static const char *meta_str(const wol_doc *d, const char *key)
{
	const char *s = d->meta ? wol_yaml_str(d->meta, key) : NULL;
	return s && *s ? s : NULL;
}

static int meta_line(const wol_doc *d, const char *key)
{
	const wol_yaml *y = d->meta ? wol_yaml_get(d->meta, key) : NULL;
	return y ? y->line : 0;
}

/* "YYYY-MM-DD..." -> out (10 chars), else out = "" */
static void date_prefix(const char *s, char out[11])
{
	out[0] = '\0';
	if (!s || strlen(s) < 10)
		return;
	for (int i = 0; i < 10; i++)
		if ((i == 4 || i == 7) ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
			return;
	if (s[10] >= '0' && s[10] <= '9')
		return;
	int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	if (!wol_date_valid(y, m, d))
		return;
	memcpy(out, s, 10);
	out[10] = '\0';
}

static char *tags_of(const wol_doc *d)
{
	const wol_yaml *t = d->meta ? wol_yaml_get(d->meta, "tags") : NULL;
	wol_buf b;
	wol_buf_init(&b);
	if (t && t->kind == WOL_YAML_SCALAR)
		wol_buf_puts(&b, t->value);
	else if (t && t->kind == WOL_YAML_SEQ)
		for (size_t i = 0; i < t->n; i++)
			if (t->items[i]->kind == WOL_YAML_SCALAR) {
				if (b.len)
					wol_buf_puts(&b, " ");
				wol_buf_puts(&b, t->items[i]->value);
			}
	return b.len ? wol_buf_detach(&b) : (wol_buf_free(&b), NULL);
}

/* The first Markdown heading of a body: its text (malloc'd) and line. */
static char *first_heading(const char *body, int body_line, int *line)
{
	const char *p = body;
	for (int i = 0; *p; i++) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		if (n > 1 && p[0] == '#') {
			size_t h = 0;
			while (h < n && p[h] == '#')
				h++;
			if (h <= 6 && h < n && p[h] == ' ') {
				const char *s = p + h;
				size_t m = n - h;
				while (m && (*s == ' ' || *s == '\t')) {
					s++;
					m--;
				}
				while (m && (s[m - 1] == ' ' || s[m - 1] == '\r' || s[m - 1] == '#'))
					m--;
				if (m) {
					*line = body_line + i;
					return wol_strndup(s, m);
				}
			}
		}
		if (!eol)
			break;
		p = eol + 1;
	}
	return NULL;
}

static const char *base_stem(const char *path, char *buf, size_t bufsz)
{
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	snprintf(buf, bufsz, "%s", b);
	size_t n = strlen(buf);
	if (n > 3 && strcmp(buf + n - 3, ".md") == 0)
		buf[n - 3] = '\0';
	return buf;
}

static int searchable(const char *kind)
{
	return strcmp(kind, "event") != 0;
}

/* Reads, parses and stores one new or changed file. */
static int index_file(walk *w, const char *rel, const char *abs, const struct stat *st,
                      const place *pl, known *k)
{
	char *text = NULL;
	size_t len = 0;
	wol_error e;
	int rc = wol_fs_read(abs, MAX_FILE_BYTES, 1, &text, &len, &e);
	if (rc == WOL_ENOTFOUND)
		return 0; /* gone since the walk saw it: the next refresh forgets it */
	if (rc == WOL_ENOMEM)
		return wol_error_set(w->err, WOL_ENOMEM, "out of memory");
	w->rep->read++;
	if (k)
		k->seen = 1;
	wol_doc doc;
	memset(&doc, 0, sizeof doc);
	row r;
	memset(&r, 0, sizeof r);
	char stem[256];
	char *heading = NULL;
	r.rid = base_stem(rel, stem, sizeof stem);
	r.body_line = 1;
	if (rc) {
		r.problem = e.msg;
		r.body = "";
	} else if (wol_doc_parse(text, len, rel, &doc, &e) != 0) {
		r.problem = e.msg;
		r.body = text;
		w->rep->problems++;
	} else {
		r.body = doc.body;
		r.body_line = doc.body_line;
	}
	if (!r.problem || r.body == text) {
		r.author = meta_str(&doc, "author");
		r.tags = tags_of(&doc);
		date_prefix(meta_str(&doc, "created"), r.date);
		r.sortkey = meta_str(&doc, "created");
	}
	const char *kind = pl->kind;
	if (strcmp(kind, "journal") == 0) {
		r.author = w->handle;
		date_prefix(meta_str(&doc, "date"), r.date);
		if (!r.date[0])
			memcpy(r.date, pl->date, sizeof r.date);
		r.sortkey = r.date[0] ? r.date : NULL;
		heading = first_heading(r.body, r.body_line, &r.title_line);
		r.fts_title = heading;
		r.title = heading ? heading : (r.date[0] ? r.date : r.rid);
		const char *prompt = meta_str(&doc, "prompt");
		if (prompt) { /* the day's prompt is searchable with the tags */
			char *t = wol_strfmt("%s%s%s", r.tags ? r.tags : "", r.tags ? " " : "", prompt);
			free(r.tags);
			r.tags = t;
		}
	} else if (strcmp(kind, "note") == 0) {
		r.author = pl->folder; /* only <handle> writes under notes/<handle>/ */
		r.title = meta_str(&doc, "title");
		r.title_line = meta_line(&doc, "title");
		if (!r.title)
			r.title = r.rid;
		r.fts_title = r.title;
		r.state = meta_str(&doc, "status");
	} else if (strcmp(kind, "question") == 0) {
		r.rid = pl->qid;
		r.title = meta_str(&doc, "title");
		r.title_line = meta_line(&doc, "title");
		if (!r.title)
			r.title = pl->qid;
		r.fts_title = r.title;
		r.state = "open"; /* replayed below */
	} else if (strcmp(kind, "answer") == 0) {
		r.title = NULL; /* shown as "Re: <question>" */
	} else { /* event */
		r.evkind = meta_str(&doc, "kind");
		r.target = meta_str(&doc, "target");
		const char *l = meta_str(&doc, "lamport");
		if (l) {
			char *end;
			r.lamport = strtoll(l, &end, 10);
			r.has_lamport = *end == '\0';
		}
	}
	if (!r.sortkey && r.date[0])
		r.sortkey = r.date;

	sqlite3_stmt *s = k ? w->upd : w->ins;
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	bind_str(s, 1, rel);
	bind_str(s, 2, kind);
	bind_str(s, 3, pl->circle);
	bind_str(s, 4, r.author);
	bind_str(s, 5, r.date[0] ? r.date : NULL);
	bind_str(s, 6, r.sortkey);
	bind_str(s, 7, r.title);
	bind_str(s, 8, r.state);
	bind_str(s, 9, pl->qid);
	bind_str(s, 10, r.rid);
	bind_str(s, 11, r.evkind);
	if (r.has_lamport)
		sqlite3_bind_int64(s, 12, r.lamport);
	bind_str(s, 13, r.target);
	sqlite3_bind_int(s, 14, r.title_line);
	sqlite3_bind_int(s, 15, r.body_line);
	sqlite3_bind_int64(s, 16, (sqlite3_int64)st->st_size);
	sqlite3_bind_int64(s, 17, mtime_ns(st));
	sqlite3_bind_int(s, 18, mtime_ns(st) >= w->start_ns);
	bind_str(s, 19, r.problem);
	if (k)
		sqlite3_bind_int64(s, 20, k->id);
	int sr = sqlite3_step(s);
	rc = 0;
	if (sr != SQLITE_DONE)
		rc = sqlfail(w->ix, w->err, sr, "storing a document");
	sqlite3_int64 id = k ? k->id : sqlite3_last_insert_rowid(w->ix->db);
	if (rc == 0 && k) {
		sqlite3_reset(w->fts_del);
		sqlite3_bind_int64(w->fts_del, 1, id);
		sr = sqlite3_step(w->fts_del);
		if (sr != SQLITE_DONE)
			rc = sqlfail(w->ix, w->err, sr, "updating the full-text index");
	}
	if (rc == 0 && searchable(kind)) {
		sqlite3_stmt *f = w->fts_ins;
		sqlite3_reset(f);
		sqlite3_bind_int64(f, 1, id);
		bind_str(f, 2, r.fts_title ? r.fts_title : "");
		bind_str(f, 3, r.body ? r.body : "");
		bind_str(f, 4, r.tags ? r.tags : "");
		sr = sqlite3_step(f);
		if (sr != SQLITE_DONE)
			rc = sqlfail(w->ix, w->err, sr, "updating the full-text index");
	}
	if (rc == 0) {
		if (k)
			w->rep->updated++;
		else
			w->rep->added++;
		if (strcmp(kind, "question") == 0 || strcmp(kind, "answer") == 0 ||
		    strcmp(kind, "event") == 0)
			rc = mark_affected(w, pl->circle, pl->qid);
	}
	free(heading);
	free(r.tags);
	wol_doc_free(&doc);
	free(text);
	return rc;
}

/* A file seen by the walk: index it if it is new or changed. */
static int visit(walk *w, const char *rel, const char *abs, const struct stat *st,
                 const place *pl)
{
	known *k = find_known(w, rel);
	if (k && !k->racy && k->size == (sqlite3_int64)st->st_size && k->mtime == mtime_ns(st) &&
	    !strv_has(&w->forced, rel)) {
		k->seen = 1;
		return 0;
	}
	return index_file(w, rel, abs, st, pl, k);
}

/* dir + "/" + name in buf (the walk's hot path: no allocation); NULL when
 * it does not fit. */
static const char *path_join(char *buf, size_t cap, const char *dir, size_t dirlen,
                             const char *name)
{
	size_t n = strlen(name);
	if (dirlen + n + 2 > cap)
		return NULL;
	memcpy(buf, dir, dirlen);
	buf[dirlen] = '/';
	memcpy(buf + dirlen + 1, name, n + 1);
	return buf;
}

static int has_md_suffix(const char *name)
{
	size_t n = strlen(name);
	return n > 3 && strcmp(name + n - 3, ".md") == 0;
}

/* Visits the *.md files directly in `reldir` (relative to $WOL_HOME).
 * `only`: visit just that file name. */
static int walk_files(walk *w, const char *reldir, const place *pl, const char *only)
{
	const char *home = wol_ctx_home(w->ix->ctx);
	char *absdir = wol_strfmt("%s/%s", home, reldir);
	if (!absdir)
		return wol_error_set(w->err, WOL_ENOMEM, "out of memory");
	int rc = 0;
	if (only) {
		struct stat st;
		char *abs = wol_strfmt("%s/%s", absdir, only);
		char *rel = wol_strfmt("%s/%s", reldir, only);
		if (!abs || !rel)
			rc = wol_error_set(w->err, WOL_ENOMEM, "out of memory");
		else if (lstat(abs, &st) == 0) {
			w->rep->stat++;
			if (S_ISREG(st.st_mode))
				rc = visit(w, rel, abs, &st, pl);
		}
		free(abs);
		free(rel);
		free(absdir);
		return rc;
	}
	DIR *d = opendir(absdir);
	if (!d) {
		free(absdir);
		return 0;
	}
	int dfd = dirfd(d);
	size_t rellen = strlen(reldir), abslen = strlen(absdir);
	struct dirent *de;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || !has_md_suffix(de->d_name))
			continue;
		if (de->d_type != DT_REG && de->d_type != DT_UNKNOWN)
			continue;
		struct stat st;
		if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		w->rep->stat++;
		if (!S_ISREG(st.st_mode))
			continue;
		char relbuf[4096], absbuf[4096];
		const char *rel = path_join(relbuf, sizeof relbuf, reldir, rellen, de->d_name);
		const char *abs = path_join(absbuf, sizeof absbuf, absdir, abslen, de->d_name);
		if (rel && abs)
			rc = visit(w, rel, abs, &st, pl);
	}
	closedir(d);
	free(absdir);
	return rc;
}

/* The names of the subdirectories of $WOL_HOME/<reldir> that `ok` accepts. */
static int subdirs(walk *w, const char *reldir, int (*ok)(const char *), strv *out)
{
	char *absdir = wol_strfmt("%s/%s", wol_ctx_home(w->ix->ctx), reldir);
	if (!absdir)
		return wol_error_set(w->err, WOL_ENOMEM, "out of memory");
	DIR *d = opendir(absdir);
	free(absdir);
	if (!d)
		return 0;
	int rc = 0;
	struct dirent *de;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || !ok(de->d_name))
			continue;
		if (de->d_type == DT_UNKNOWN || de->d_type == DT_LNK) {
			struct stat st;
			if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
			    !S_ISDIR(st.st_mode))
				continue;
		} else if (de->d_type != DT_DIR) {
			continue;
		}
		if (strv_add(out, wol_strfmt("%s", de->d_name)))
			rc = wol_error_set(w->err, WOL_ENOMEM, "out of memory");
	}
	closedir(d);
	strv_sort(out);
	return rc;
}

static int is_year(const char *s)
{
	return strlen(s) == 4 && s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9' &&
	       s[2] >= '0' && s[2] <= '9' && s[3] >= '0' && s[3] <= '9';
}

static int is_qid(const char *s)
{
	/* ids are [0-9A-Za-z._-]; anything else is not ours */
	if (!*s || strlen(s) > 100)
		return 0;
	for (const char *p = s; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      *p == '-' || *p == '_' || *p == '.'))
			return 0;
	return 1;
}

static int walk_journal(walk *w)
{
	strv years = {0};
	int rc = subdirs(w, "journal", is_year, &years);
	for (size_t i = 0; rc == 0 && i < years.n; i++) {
		char rel[64];
		snprintf(rel, sizeof rel, "journal/%s", years.v[i]);
		place pl = {"journal", NULL, NULL, NULL, ""};
		/* the date comes from each file's name: see walk_journal_year */
		const char *home = wol_ctx_home(w->ix->ctx);
		char *absdir = wol_strfmt("%s/%s", home, rel);
		DIR *d = absdir ? opendir(absdir) : NULL;
		if (!absdir)
			rc = wol_error_set(w->err, WOL_ENOMEM, "out of memory");
		if (d) {
			struct dirent *de;
			while (rc == 0 && (de = readdir(d)) != NULL) {
				if (de->d_name[0] == '.' || !has_md_suffix(de->d_name))
					continue;
				if (de->d_type != DT_REG && de->d_type != DT_UNKNOWN)
					continue;
				struct stat st;
				if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
					continue;
				w->rep->stat++;
				if (!S_ISREG(st.st_mode))
					continue;
				date_prefix(de->d_name, pl.date);
				char relbuf[4096], absbuf[4096];
				const char *frel = path_join(relbuf, sizeof relbuf, rel, strlen(rel), de->d_name);
				const char *fabs =
					path_join(absbuf, sizeof absbuf, absdir, strlen(absdir), de->d_name);
				if (frel && fabs)
					rc = visit(w, frel, fabs, &st, &pl);
			}
			closedir(d);
		}
		free(absdir);
	}
	strv_clear(&years);
	return rc;
}

/* Adds to the forced set every blob path that differs between trees `a`
 * and `b` (either may be NULL), under `prefix`. Subtrees with the same id
 * are skipped without being read, so a commit touching a few files costs a
 * few tree reads however big the circle is (libgit2's tree-to-tree diff
 * took tens of milliseconds here on a 15,000-file circle). `depth` 0 is the
 * root, where only notes/ and questions/ matter. */
static int tree_changes(walk *w, git_repository *repo, const git_tree *a, const git_tree *b,
                        const char *prefix, int depth)
{
	if (depth > 8)
		return 0;
	for (int side = 0; side < 2; side++) {
		const git_tree *t = side ? a : b, *other = side ? b : a;
		size_t n = t ? git_tree_entrycount(t) : 0;
		for (size_t i = 0; i < n; i++) {
			const git_tree_entry *e = git_tree_entry_byindex(t, i);
			const char *name = git_tree_entry_name(e);
			if (depth == 0 && strcmp(name, "notes") != 0 && strcmp(name, "questions") != 0)
				continue;
			const git_tree_entry *o = other ? git_tree_entry_byname(other, name) : NULL;
			if (side == 1 && o)
				continue; /* seen from b's side */
			if (o && git_oid_equal(git_tree_entry_id(e), git_tree_entry_id(o)) &&
			    git_tree_entry_type(e) == git_tree_entry_type(o))
				continue;
			char *path = wol_strfmt("%s/%s", prefix, name);
			if (!path)
				return wol_error_set(w->err, WOL_ENOMEM, "out of memory");
			int rc = 0;
			const git_tree_entry *ea = side ? e : o, *eb = side ? NULL : e;
			git_tree *sa = NULL, *sb = NULL;
			if (ea && git_tree_entry_type(ea) == GIT_OBJECT_TREE)
				git_tree_lookup(&sa, repo, git_tree_entry_id(ea));
			if (eb && git_tree_entry_type(eb) == GIT_OBJECT_TREE)
				git_tree_lookup(&sb, repo, git_tree_entry_id(eb));
			if (sa || sb)
				rc = tree_changes(w, repo, sa, sb, path, depth + 1);
			if (rc == 0 && ((ea && git_tree_entry_type(ea) == GIT_OBJECT_BLOB) ||
			                (eb && git_tree_entry_type(eb) == GIT_OBJECT_BLOB))) {
				rc = strv_add(&w->forced, path);
				path = NULL;
				if (rc)
					rc = wol_error_set(w->err, WOL_ENOMEM, "out of memory");
			}
			git_tree_free(sa);
			git_tree_free(sb);
			free(path);
			if (rc)
				return rc;
		}
	}
	return 0;
}

/* Records the circle's HEAD in `head` (hex, "" when there is none) and, when
 * it moved since `old`, adds the paths changed between the two trees to
 * the forced set. Git trouble only costs the shortcut: the stat walk still
 * sees every file. */
static int circle_head(walk *w, const char *circle, const char *old, char head[GIT_OID_HEXSZ + 1])
{
	head[0] = '\0';
	char *path = wol_ctx_circle_path(w->ix->ctx, circle);
	if (!path)
		return wol_error_set(w->err, WOL_ENOMEM, "out of memory");
	git_repository *repo = NULL;
	git_oid oid;
	if (git_repository_open_ext(&repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0 ||
	    git_reference_name_to_id(&oid, repo, "HEAD") < 0) {
		git_error_clear();
		git_repository_free(repo);
		free(path);
		return 0;
	}
	free(path);
	git_oid_tostr(head, GIT_OID_HEXSZ + 1, &oid);
	int rc = 0;
	git_oid old_oid;
	if (old && strcmp(old, head) != 0 && git_oid_fromstr(&old_oid, old) == 0) {
		git_commit *a = NULL, *b = NULL;
		git_tree *ta = NULL, *tb = NULL;
		if (git_commit_lookup(&a, repo, &old_oid) == 0 && git_commit_lookup(&b, repo, &oid) == 0 &&
		    git_commit_tree(&ta, a) == 0 && git_commit_tree(&tb, b) == 0) {
			char prefix[300];
			snprintf(prefix, sizeof prefix, "circles/%s", circle);
			rc = tree_changes(w, repo, ta, tb, prefix, 0);
			w->rep->trees++;
		}
		git_error_clear();
		git_tree_free(ta);
		git_tree_free(tb);
		git_commit_free(a);
		git_commit_free(b);
	}
	git_repository_free(repo);
	return rc;
}

static int walk_circle(walk *w, const char *circle)
{
	strv dirs = {0};
	char rel[512];
	snprintf(rel, sizeof rel, "circles/%s/notes", circle);
	int rc = subdirs(w, rel, wol_name_valid, &dirs);
	for (size_t i = 0; rc == 0 && i < dirs.n; i++) {
		char sub[600];
		snprintf(sub, sizeof sub, "%s/%s", rel, dirs.v[i]);
		place pl = {"note", circle, dirs.v[i], NULL, ""};
		rc = walk_files(w, sub, &pl, NULL);
	}
	strv_clear(&dirs);
	if (rc)
		return rc;
	snprintf(rel, sizeof rel, "circles/%s/questions", circle);
	rc = subdirs(w, rel, is_qid, &dirs);
	for (size_t i = 0; rc == 0 && i < dirs.n; i++) {
		char sub[700];
		snprintf(sub, sizeof sub, "%s/%s", rel, dirs.v[i]);
		place q = {"question", circle, NULL, dirs.v[i], ""};
		rc = walk_files(w, sub, &q, "question.md");
		if (rc)
			break;
		char sub2[800];
		snprintf(sub2, sizeof sub2, "%s/answers", sub);
		place a = {"answer", circle, NULL, dirs.v[i], ""};
		rc = walk_files(w, sub2, &a, NULL);
		if (rc)
			break;
		snprintf(sub2, sizeof sub2, "%s/events", sub);
		place e = {"event", circle, NULL, dirs.v[i], ""};
		rc = walk_files(w, sub2, &e, NULL);
	}
	strv_clear(&dirs);
	return rc;
}

/* Replays the questions touched by this refresh (qlist.c, with the rules
 * of question.c) and stores their listing rows and states. */
static int replay_states(walk *w)
{
	strv_sort(&w->affected);
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < w->affected.n; i++) {
		if (i && strcmp(w->affected.v[i], w->affected.v[i - 1]) == 0)
			continue;
		char *key = w->affected.v[i];
		char *slash = strchr(key, '/');
		if (!slash)
			continue;
		*slash = '\0';
		rc = wol_qlist__update(w->ix->db, wol_ctx_home(w->ix->ctx), key, slash + 1, w->err);
		*slash = '/';
		if (rc == WOL_ESQL && corrupt_rc(sqlite3_errcode(w->ix->db))) {
			w->ix->corrupt = 1;
			free(w->ix->damage);
			w->ix->damage = wol_strfmt("%s", sqlite3_errmsg(w->ix->db));
		}
	}
	return rc;
}

static int remove_unseen(walk *w)
{
	sqlite3_stmt *what = NULL;
	int rc = prepare(w->ix, "SELECT kind, circle, qid FROM docs WHERE id = ?1", &what, w->err);
	for (size_t i = 0; rc == 0 && i < w->nk; i++) {
		known *k = &w->k[i];
		if (k->seen)
			continue;
		/* a record gone changes its question's listing row */
		sqlite3_reset(what);
		sqlite3_bind_int64(what, 1, k->id);
		if (sqlite3_step(what) == SQLITE_ROW) {
			const char *kind = (const char *)sqlite3_column_text(what, 0);
			if (kind && (strcmp(kind, "question") == 0 || strcmp(kind, "answer") == 0 ||
			             strcmp(kind, "event") == 0))
				rc = mark_affected(w, (const char *)sqlite3_column_text(what, 1),
				                   (const char *)sqlite3_column_text(what, 2));
			if (rc)
				break;
		}
		sqlite3_reset(w->del);
		sqlite3_bind_int64(w->del, 1, k->id);
		int s = sqlite3_step(w->del);
		if (s == SQLITE_DONE) {
			sqlite3_reset(w->fts_del);
			sqlite3_bind_int64(w->fts_del, 1, k->id);
			s = sqlite3_step(w->fts_del);
		}
		if (s != SQLITE_DONE) {
			rc = sqlfail(w->ix, w->err, s, "removing a document");
			break;
		}
		w->rep->removed++;
	}
	sqlite3_finalize(what);
	return rc;
}

static int count_docs(wol_index *ix, long *out, wol_error *err)
{
	sqlite3_stmt *st;
	int rc = prepare(ix, "SELECT count(*) FROM docs WHERE kind <> 'event'", &st, err);
	if (rc)
		return rc;
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW)
		*out = (long)sqlite3_column_int64(st, 0);
	else
		rc = sqlfail(ix, err, s, "counting documents");
	sqlite3_finalize(st);
	return rc;
}

/* Circles' recorded HEADs: names[i] -> oids[i]. */
static int load_heads(walk *w, strv *names, strv *oids)
{
	sqlite3_stmt *st;
	int rc = prepare(w->ix, "SELECT circle, oid FROM heads ORDER BY circle", &st, w->err);
	if (rc)
		return rc;
	int s;
	while (rc == 0 && (s = sqlite3_step(st)) == SQLITE_ROW) {
		if (strv_add(names, col_dup(st, 0)) || strv_add(oids, col_dup(st, 1)))
			rc = wol_error_set(w->err, WOL_ENOMEM, "out of memory");
	}
	if (rc == 0 && s != SQLITE_DONE)
		rc = sqlfail(w->ix, w->err, s, "reading circle heads");
	sqlite3_finalize(st);
	return rc;
}

static int walk_circles(walk *w)
{
	char **names = NULL;
	size_t n = 0;
	int rc = wol_ctx_circles(w->ix->ctx, &names, &n, w->err);
	if (rc)
		return rc;
	strv hn = {0}, ho = {0};
	rc = load_heads(w, &hn, &ho);
	sqlite3_stmt *put = NULL, *drop = NULL;
	if (rc == 0)
		rc = prepare(w->ix, "INSERT OR REPLACE INTO heads(circle, oid) VALUES(?1, ?2)", &put, w->err);
	if (rc == 0)
		rc = prepare(w->ix, "DELETE FROM heads WHERE circle = ?1", &drop, w->err);
	/* first the tree diffs, so the walk knows every forced path */
	char (*heads)[GIT_OID_HEXSZ + 1] = n ? calloc(n, sizeof *heads) : NULL;
	if (n && !heads)
		rc = wol_error_set(w->err, WOL_ENOMEM, "out of memory");
	for (size_t i = 0; rc == 0 && i < n; i++) {
		const char *old = NULL;
		for (size_t j = 0; j < hn.n; j++)
			if (strcmp(hn.v[j], names[i]) == 0)
				old = ho.v[j];
		rc = circle_head(w, names[i], old, heads[i]);
	}
	strv_sort(&w->forced);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = walk_circle(w, names[i]);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		int same = 0;
		for (size_t j = 0; j < hn.n; j++)
			if (strcmp(hn.v[j], names[i]) == 0)
				same = strcmp(ho.v[j], heads[i]) == 0;
		if (same)
			continue; /* a refresh that changes nothing writes nothing */
		sqlite3_stmt *s = heads[i][0] ? put : drop;
		sqlite3_reset(s);
		bind_str(s, 1, names[i]);
		if (heads[i][0])
			bind_str(s, 2, heads[i]);
		int r = sqlite3_step(s);
		if (r != SQLITE_DONE)
			rc = sqlfail(w->ix, w->err, r, "recording a circle's HEAD");
	}
	for (size_t j = 0; rc == 0 && j < hn.n; j++) {
		int present = 0;
		for (size_t i = 0; i < n; i++)
			present |= strcmp(hn.v[j], names[i]) == 0;
		if (present)
			continue;
		sqlite3_reset(drop);
		bind_str(drop, 1, hn.v[j]);
		int r = sqlite3_step(drop);
		if (r != SQLITE_DONE)
			rc = sqlfail(w->ix, w->err, r, "forgetting a circle");
	}
	sqlite3_finalize(put);
	sqlite3_finalize(drop);
	free(heads);
	strv_clear(&hn);
	strv_clear(&ho);
	wol_strv_free(names, n);
	return rc;
}

/* What a path relative to $WOL_HOME is, or 0 when the index does not keep
 * it. `buf` (at least strlen(rel) + 1 bytes) holds the parts. */
static int place_of(const char *rel, place *pl, char *buf)
{
	memset(pl, 0, sizeof *pl);
	strcpy(buf, rel);
	char *part[8], *save = NULL;
	int n = 0;
	for (char *p = strtok_r(buf, "/", &save); p && n < 8; p = strtok_r(NULL, "/", &save))
		part[n++] = p;
	if (n == 0 || !has_md_suffix(part[n - 1]) || part[n - 1][0] == '.')
		return 0;
	if (n == 3 && strcmp(part[0], "journal") == 0 && is_year(part[1])) {
		pl->kind = "journal";
		date_prefix(part[2], pl->date);
		return 1;
	}
	if (n < 5 || strcmp(part[0], "circles") != 0 || !wol_name_valid(part[1]))
		return 0;
	pl->circle = part[1];
	if (n == 5 && strcmp(part[2], "notes") == 0 && wol_name_valid(part[3])) {
		pl->kind = "note";
		pl->folder = part[3];
		return 1;
	}
	if (strcmp(part[2], "questions") != 0 || !is_qid(part[3]))
		return 0;
	pl->qid = part[3];
	if (n == 5 && strcmp(part[4], "question.md") == 0)
		pl->kind = "question";
	else if (n == 6 && strcmp(part[4], "answers") == 0)
		pl->kind = "answer";
	else if (n == 6 && strcmp(part[4], "events") == 0)
		pl->kind = "event";
	return pl->kind != NULL;
}

/* Loads the index's rows of just these paths (sorted) into w->k. */
static int load_known_paths(walk *w, const strv *paths)
{
	sqlite3_stmt *st;
	int rc = prepare(w->ix, "SELECT id, size, mtime, racy FROM docs WHERE path = ?1", &st, w->err);
	if (rc)
		return rc;
	w->k = paths->n ? calloc(paths->n, sizeof *w->k) : NULL;
	if (paths->n && !w->k)
		rc = wol_error_set(w->err, WOL_ENOMEM, "out of memory");
	for (size_t i = 0; rc == 0 && i < paths->n; i++) {
		sqlite3_reset(st);
		bind_str(st, 1, paths->v[i]);
		int s = sqlite3_step(st);
		if (s == SQLITE_DONE)
			continue;
		if (s != SQLITE_ROW) {
			rc = sqlfail(w->ix, w->err, s, "reading the index");
			break;
		}
		known *k = &w->k[w->nk];
		k->id = sqlite3_column_int64(st, 0);
		k->size = sqlite3_column_int64(st, 1);
		k->mtime = sqlite3_column_int64(st, 2);
		k->racy = sqlite3_column_int(st, 3);
		k->path = wol_strfmt("%s", paths->v[i]);
		if (!k->path)
			rc = wol_error_set(w->err, WOL_ENOMEM, "out of memory");
		else
			w->nk++;
	}
	sqlite3_finalize(st);
	return rc;
}

/* Visits just these paths (sorted, relative to $WOL_HOME). */
static int walk_paths(walk *w, const strv *paths)
{
	const char *home = wol_ctx_home(w->ix->ctx);
	size_t hl = strlen(home);
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < paths->n; i++) {
		if (i && strcmp(paths->v[i], paths->v[i - 1]) == 0)
			continue;
		const char *rel = paths->v[i];
		char *buf = malloc(strlen(rel) + 1);
		char absbuf[4096];
		const char *abs = path_join(absbuf, sizeof absbuf, home, hl, rel);
		place pl;
		struct stat st;
		if (!buf)
			rc = wol_error_set(w->err, WOL_ENOMEM, "out of memory");
		else if (abs && place_of(rel, &pl, buf) && lstat(abs, &st) == 0) {
			w->rep->stat++;
			if (S_ISREG(st.st_mode))
				rc = visit(w, rel, abs, &st, &pl);
		}
		free(buf);
	}
	return rc;
}

/* The circle's recorded HEAD (malloc'd) or NULL. */
static char *recorded_head(wol_index *ix, const char *circle)
{
	sqlite3_stmt *st;
	char *oid = NULL;
	if (sqlite3_prepare_v2(ix->db, "SELECT oid FROM heads WHERE circle = ?1", -1, &st, NULL) !=
	    SQLITE_OK)
		return NULL;
	bind_str(st, 1, circle);
	if (sqlite3_step(st) == SQLITE_ROW)
		oid = col_dup(st, 0);
	sqlite3_finalize(st);
	return oid;
}

#define DOC_COLS                                                                               \
	"path, kind, circle, author, date, sortkey, title, state, qid, rid, evkind, lamport, "   \
	"target, title_line, body_line, size, mtime, racy, problem"

/* One refresh, inside the lock. `rebuild`: drop everything first. */
/* One refresh, inside the lock. `rebuild`: drop everything first.
 * `targets` (not NULL): visit only these paths, plus, when `circle` is
 * set, the paths changed between its recorded HEAD and its HEAD now. */
static int refresh_locked(wol_index *ix, int rebuild, const char *circle, strv *targets,
                          wol_index_report *rep, wol_error *err)
{
	walk w;
	memset(&w, 0, sizeof w);
	w.ix = ix;
	w.rep = rep;
	w.err = err;
	const char *handle = NULL;
	wol_error herr;
	if (wol_ctx_handle(ix->ctx, &handle, &herr) == 0)
		w.handle = handle;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME_COARSE, &ts);
	w.start_ns = (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;

	/* A read transaction that becomes a write one at the first change (only
	 * holders of index.lock write, so the upgrade cannot be refused). */
	int rc = exec(ix, rebuild ? "BEGIN IMMEDIATE" : "BEGIN", err);
	if (rc)
		return rc;
	if (rebuild) {
		rc = exec(ix, drop_all, err);
		if (rc == 0)
			rc = migrate(ix, 0, err);
	}
	char head[GIT_OID_HEXSZ + 1] = "";
	char *old = NULL;
	if (rc == 0 && targets && circle) {
		old = recorded_head(ix, circle);
		rc = circle_head(&w, circle, old, head);
		for (size_t i = 0; rc == 0 && i < w.forced.n; i++)
			if (strv_add(targets, wol_strfmt("%s", w.forced.v[i])))
				rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		strv_sort(&w.forced);
	}
	if (targets)
		strv_sort(targets);
	if (rc == 0)
		rc = targets ? load_known_paths(&w, targets) : load_known(&w);
	/* building from nothing: count `daily` once at the end (see DAILY_FILL) */
	int bulk = rc == 0 && !targets && w.nk == 0;
	if (bulk)
		rc = exec(ix, daily_bulk_begin, err);
	if (rc == 0)
		rc = prepare(ix, "INSERT INTO docs(" DOC_COLS ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
		                 "?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
		             &w.ins, err);
	if (rc == 0)
		rc = prepare(ix, "UPDATE docs SET (" DOC_COLS ") = (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
		                 "?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19) WHERE id = ?20",
		             &w.upd, err);
	if (rc == 0)
		rc = prepare(ix, "DELETE FROM docs WHERE id = ?1", &w.del, err);
	if (rc == 0)
		rc = prepare(ix, "DELETE FROM fts WHERE rowid = ?1", &w.fts_del, err);
	if (rc == 0)
		rc = prepare(ix, "INSERT INTO fts(rowid, title, body, tags) VALUES(?1, ?2, ?3, ?4)",
		             &w.fts_ins, err);
	if (rc == 0 && !targets)
		rc = walk_journal(&w);
	if (rc == 0 && !targets)
		rc = walk_circles(&w);
	if (rc == 0 && targets)
		rc = walk_paths(&w, targets);
	if (rc == 0 && targets && circle && head[0] && (!old || strcmp(old, head) != 0)) {
		sqlite3_stmt *put;
		rc = prepare(ix, "INSERT OR REPLACE INTO heads(circle, oid) VALUES(?1, ?2)", &put, err);
		if (rc == 0) {
			bind_str(put, 1, circle);
			bind_str(put, 2, head);
			int s = sqlite3_step(put);
			if (s != SQLITE_DONE)
				rc = sqlfail(ix, err, s, "recording a circle's HEAD");
			sqlite3_finalize(put);
		}
	}
	free(old);
	if (rc == 0)
		rc = remove_unseen(&w);
	if (rc == 0 && w.affected.n)
		rc = replay_states(&w);
	sqlite3_finalize(w.ins);
	sqlite3_finalize(w.upd);
	sqlite3_finalize(w.del);
	sqlite3_finalize(w.fts_del);
	sqlite3_finalize(w.fts_ins);
	if (rc == 0 && bulk)
		rc = exec(ix, daily_bulk_end, err);
	if (rc == 0 && rep->added + rep->updated >= 2000) {
		/* after a big build, merge the full-text segments into one: else
		 * the next small refresh (a sync of a few notes) can trigger the
		 * merge of several large segments and take seconds */
		rc = exec(ix, "INSERT INTO fts(fts) VALUES('optimize')", err);
	}
	if (rc == 0)
		rc = exec(ix, "COMMIT", err);
	if (rc)
		sqlite3_exec(ix->db, "ROLLBACK", NULL, NULL, NULL);
	else
		rc = count_docs(ix, &rep->docs, err);
	free_known(&w);
	strv_clear(&w.forced);
	strv_clear(&w.affected);
	return rc;
}

static int refresh(wol_index *ix, int rebuild, const char *circle, strv *targets,
                   wol_index_report *rep, wol_error *err)
{
	memset(rep, 0, sizeof *rep);
	double t0 = now_ms();
	wol_lock lk;
	int rc = wol_lock_acquire(&lk, ix->lockpath, LOCK_WAIT_MS, err);
	if (rc)
		return rc;
	rc = ensure_fresh(ix, 1, err);
	if (rc == 0 && targets && circle) {
		/* never recorded this circle's HEAD: nothing to diff against */
		char *old = recorded_head(ix, circle);
		if (!old)
			targets = NULL;
		free(old);
	}
	if (rc == 0)
		rc = refresh_locked(ix, rebuild, circle, targets, rep, err);
	if (rc && ix->corrupt) {
		/* damaged under us: start again from an empty index, all files */
		rc = recover(ix, 1, err);
		if (rc == 0) {
			memset(rep, 0, sizeof *rep);
			rc = refresh_locked(ix, 0, NULL, NULL, rep, err);
		}
	}
	if (rc == 0 && (rebuild || rep->added || rep->updated || rep->removed)) {
		/* fold the WAL into index.db and empty it: the next open has no
		 * log to scan, and index.db alone is the index, so damage to it
		 * shows at once (best effort: a busy reader only delays it) */
		sqlite3_exec(ix->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
	}
	if (ix->db)
		note_seen(ix);
	wol_lock_release(&lk);
	rep->ms = now_ms() - t0;
	if (ix->notice) {
		rep->notice = ix->notice;
		ix->notice = NULL;
	}
	return rc;
}

int wol_index_refresh(wol_index *ix, wol_index_report *rep, wol_error *err)
{
	return refresh(ix, 0, NULL, NULL, rep, err);
}

int wol_index_rebuild(wol_index *ix, wol_index_report *rep, wol_error *err)
{
	return refresh(ix, 1, NULL, NULL, rep, err);
}

int wol_index_refresh_paths(wol_index *ix, const char *const *paths, size_t n,
                            wol_index_report *rep, wol_error *err)
{
	memset(rep, 0, sizeof *rep);
	const char *home = wol_ctx_home(ix->ctx);
	size_t hl = strlen(home);
	strv targets = {0};
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		const char *p = paths[i];
		if (strncmp(p, home, hl) == 0 && p[hl] == '/')
			p += hl + 1;
		if (p[0] == '/' || strstr(p, "..")) {
			rc = wol_error_set(err, WOL_EINVAL, "index: %s: not a file under %s", paths[i], home);
			break;
		}
		if (strv_add(&targets, wol_strfmt("%s", p)))
			rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	if (rc == 0)
		rc = refresh(ix, 0, NULL, &targets, rep, err);
	strv_clear(&targets);
	return rc;
}

int wol_index_refresh_circle(wol_index *ix, const char *circle, wol_index_report *rep,
                             wol_error *err)
{
	memset(rep, 0, sizeof *rep);
	int rc = wol_name_check(circle, "circle name", err);
	if (rc)
		return rc;
	strv targets = {0};
	rc = refresh(ix, 0, circle, &targets, rep, err);
	strv_clear(&targets);
	return rc;
}

/* -------------------------------------------------------------- searching */

static char *one_line(const char *s, size_t max)
{
	wol_buf b;
	wol_buf_init(&b);
	int space = 0;
	size_t chars = 0;
	for (const char *p = s ? s : ""; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
			space = b.len > 0;
			continue;
		}
		if ((c & 0xC0) != 0x80 && ++chars > max) {
			wol_buf_puts(&b, "\xe2\x80\xa6");
			break;
		}
		if (space)
			wol_buf_put(&b, " ", 1);
		space = 0;
		wol_buf_put(&b, p, 1);
	}
	if (!b.len)
		wol_buf_puts(&b, "");
	return wol_buf_detach(&b);
}

/* The 0-based line (within `text`) of the first \x01 marker, or -1. */
static int marker_line(const char *text)
{
	const char *m = text ? strchr(text, '\x01') : NULL;
	if (!m)
		return -1;
	int n = 0;
	for (const char *p = text; p < m; p++)
		n += *p == '\n';
	return n;
}

static void hit_free(wol_search_hit *h)
{
	free(h->path);
	free(h->abspath);
	free(h->kind);
	free(h->circle);
	free(h->author);
	free(h->date);
	free(h->title);
	free(h->state);
	free(h->snippet);
}

void wol_search_result_free(wol_search_result *res)
{
	if (!res)
		return;
	for (size_t i = 0; i < res->n; i++)
		hit_free(&res->hits[i]);
	free(res->hits);
	free(res->notice);
	memset(res, 0, sizeof *res);
}

static void append_in(wol_buf *sql, const char *col, size_t n)
{
	wol_buf_printf(sql, " AND %s IN (", col);
	for (size_t i = 0; i < n; i++)
		wol_buf_puts(sql, i ? ", ?" : "?");
	wol_buf_puts(sql, ")");
}

/* Fills snippet and line of a hit from the full-text row. */
static int detail_stmt(wol_index *ix, const wol_query *q, sqlite3_stmt **st, wol_error *err)
{
	int rc;
	if (q->match)
		rc = prepare(ix,
		             "SELECT snippet(fts, 1, '', '', '\xe2\x80\xa6', 16), "
		             "highlight(fts, 1, char(1), char(2)), highlight(fts, 0, char(1), char(2)) "
		             "FROM fts WHERE fts MATCH ?1 AND rowid = ?2",
		             st, err);
	else
		rc = prepare(ix, "SELECT body, NULL, NULL FROM fts WHERE rowid = ?2", st, err);
	if (rc == 0 && q->match)
		sqlite3_bind_text(*st, 1, q->match, -1, SQLITE_STATIC);
	return rc;
}

static int hit_detail(wol_index *ix, const wol_query *q, sqlite3_stmt *st, sqlite3_int64 id,
                      int title_line, int body_line, wol_search_hit *h, wol_error *err)
{
	int rc = 0;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 2, id);
	int s = sqlite3_step(st);
	h->line = body_line > 0 ? body_line : 1;
	if (s == SQLITE_ROW) {
		const char *snip = (const char *)sqlite3_column_text(st, 0);
		if (q->match) {
			int bl = marker_line((const char *)sqlite3_column_text(st, 1));
			if (bl >= 0)
				h->line = body_line + bl;
			else if (marker_line((const char *)sqlite3_column_text(st, 2)) >= 0 && title_line > 0)
				h->line = title_line;
			h->snippet = one_line(snip, 160);
		} else {
			/* no words: the first non-empty line of the body */
			const char *p = snip ? snip : "";
			int skipped = 0;
			while (*p == '\n' || *p == '\r' || *p == ' ' || *p == '\t') {
				skipped += *p == '\n';
				p++;
			}
			const char *eol = strchr(p, '\n');
			char *first = wol_strndup(p, eol ? (size_t)(eol - p) : strlen(p));
			h->snippet = one_line(first, 160);
			free(first);
			h->line += skipped;
		}
	} else if (s != SQLITE_DONE) {
		rc = sqlfail(ix, err, s, "reading a match");
	}
	sqlite3_reset(st);
	if (rc == 0 && !h->snippet)
		h->snippet = one_line("", 1);
	return rc;
}

static int answer_title(wol_index *ix, const char *circle, const char *qid, char **out)
{
	*out = NULL;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(ix->db,
	                       "SELECT title FROM docs WHERE kind = 'question' AND circle = ?1 AND qid = ?2",
	                       -1, &st, NULL) != SQLITE_OK)
		return 0;
	bind_str(st, 1, circle);
	bind_str(st, 2, qid);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		*out = wol_strfmt("Re: %s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (!*out)
		*out = wol_strfmt("Re: %s", qid ? qid : "a question");
	return 0;
}

static int search_once(wol_index *ix, const char *query, int limit, wol_search_result *out,
                       wol_error *err)
{
	wol_query q;
	int rc = wol_query_parse(ix->db, ix->ctx, query, &q, err);
	if (rc)
		return rc;
	wol_buf sql;
	wol_buf_init(&sql);
	wol_buf_puts(&sql, "SELECT d.id, d.path, d.kind, d.circle, d.author, d.date, d.title, d.state, "
	                   "d.qid, d.title_line, d.body_line, ");
	if (q.match)
		wol_buf_puts(&sql, RANK_SQL " AS score FROM fts JOIN docs d ON d.id = fts.rowid "
		                   "WHERE fts MATCH ?");
	else
		wol_buf_puts(&sql, "0.0 AS score FROM docs d WHERE d.kind IN ('journal', 'note', "
		                   "'question', 'answer')");
	if (q.nkinds)
		append_in(&sql, "d.kind", q.nkinds);
	if (q.nauthors)
		append_in(&sql, "d.author", q.nauthors);
	if (q.ncircles)
		append_in(&sql, "d.circle", q.ncircles);
	if (q.after[0])
		wol_buf_puts(&sql, " AND d.date >= ?");
	if (q.before[0])
		wol_buf_puts(&sql, " AND d.date < ?");
	if (q.state)
		wol_buf_puts(&sql, " AND d.kind = 'question' AND d.state = ?");
	wol_buf_puts(&sql, " ORDER BY score, d.sortkey DESC, d.path LIMIT ?");
	if (sql.oom) {
		wol_buf_free(&sql);
		wol_query_free(&q);
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	sqlite3_stmt *st;
	rc = prepare(ix, sql.ptr, &st, err);
	wol_buf_free(&sql);
	if (rc) {
		wol_query_free(&q);
		return rc;
	}
	int i = 1;
	if (q.match)
		sqlite3_bind_text(st, i++, q.match, -1, SQLITE_STATIC);
	for (size_t k = 0; k < q.nkinds; k++)
		sqlite3_bind_text(st, i++, q.kinds[k], -1, SQLITE_STATIC);
	for (size_t k = 0; k < q.nauthors; k++)
		sqlite3_bind_text(st, i++, q.authors[k], -1, SQLITE_STATIC);
	for (size_t k = 0; k < q.ncircles; k++)
		sqlite3_bind_text(st, i++, q.circles[k], -1, SQLITE_STATIC);
	if (q.after[0])
		sqlite3_bind_text(st, i++, q.after, -1, SQLITE_STATIC);
	if (q.before[0])
		sqlite3_bind_text(st, i++, q.before, -1, SQLITE_STATIC);
	if (q.state)
		sqlite3_bind_text(st, i++, q.state, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, i++, limit);

	const char *home = wol_ctx_home(ix->ctx);
	size_t cap = 0;
	int s = SQLITE_DONE;
	sqlite3_stmt *detail = NULL;
	rc = detail_stmt(ix, &q, &detail, err);
	while (rc == 0 && (s = sqlite3_step(st)) == SQLITE_ROW) {
		if (out->n == cap) {
			cap = cap ? cap * 2 : 16;
			wol_search_hit *h = realloc(out->hits, cap * sizeof *h);
			if (!h) {
				rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
				break;
			}
			out->hits = h;
		}
		wol_search_hit *h = &out->hits[out->n++];
		memset(h, 0, sizeof *h);
		sqlite3_int64 id = sqlite3_column_int64(st, 0);
		h->path = col_dup(st, 1);
		h->abspath = wol_strfmt("%s/%s", home, h->path ? h->path : "");
		h->kind = col_dup(st, 2);
		h->circle = col_dup(st, 3);
		h->author = col_dup(st, 4);
		h->date = col_dup(st, 5);
		h->title = col_dup(st, 6);
		h->state = col_dup(st, 7);
		char *qid = col_dup(st, 8);
		int title_line = sqlite3_column_int(st, 9);
		int body_line = sqlite3_column_int(st, 10);
		h->score = sqlite3_column_double(st, 11);
		if (!h->title && h->kind && strcmp(h->kind, "answer") == 0)
			answer_title(ix, h->circle, qid, &h->title);
		free(qid);
		rc = hit_detail(ix, &q, detail, id, title_line, body_line, h, err);
		if (rc == 0 && (!h->path || !h->abspath || !h->kind || !h->snippet))
			rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	if (rc == 0 && s != SQLITE_DONE)
		rc = sqlfail(ix, err, s, "search");
	sqlite3_finalize(detail);
	sqlite3_finalize(st);
	wol_query_free(&q);
	return rc;
}

int wol_index_search(wol_index *ix, const char *query, const wol_search_opts *opts,
                     wol_search_result *out, wol_error *err)
{
	memset(out, 0, sizeof *out);
	int limit = opts && opts->limit > 0 ? opts->limit : DEFAULT_LIMIT;
	if (limit > MAX_LIMIT)
		limit = MAX_LIMIT;
	int rc = 0;
	if (!opts || !opts->norefresh) {
		wol_index_report rep;
		rc = wol_index_refresh(ix, &rep, err);
		out->notice = rep.notice;
		if (rc)
			return rc;
	}
	if (opts && opts->norefresh) {
		rc = ensure_fresh(ix, 0, err);
		if (rc)
			return rc;
	}
	rc = search_once(ix, query, limit, out, err);
	if (ix->db)
		note_seen(ix);
	if (rc && ix->corrupt) {
		/* damaged: move it aside, rebuild from the files, ask again */
		for (size_t i = 0; i < out->n; i++)
			hit_free(&out->hits[i]);
		out->n = 0;
		wol_index_report rep;
		rc = recover(ix, 0, err);
		if (rc == 0)
			rc = wol_index_refresh(ix, &rep, err);
		if (rc == 0) {
			free(out->notice);
			out->notice = rep.notice;
			rc = search_once(ix, query, limit, out, err);
		} else {
			wol_index_report_free(&rep);
		}
	}
	return rc;
}

/* ------------------------------------------------------------------ stats */

void wol_index_figures_free(wol_index_figures *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->nmembers; i++)
		free(f->members[i].author);
	for (size_t i = 0; i < f->nweeks; i++)
		free(f->weeks[i].author);
	free(f->members);
	free(f->weeks);
	memset(f, 0, sizeof *f);
}

int wol_index_stats(wol_index *ix, wol_index_figures *f, wol_error *err)
{
	memset(f, 0, sizeof *f);
	int r = ensure_fresh(ix, 0, err);
	if (r)
		return r;
	sqlite3_stmt *st;
	int rc = prepare(ix,
	                 "SELECT count(*), sum(kind = 'journal'), sum(kind = 'note'), "
	                 "sum(kind = 'question'), sum(kind = 'answer'), "
	                 "sum(kind = 'question' AND state = 'open'), "
	                 "sum(kind = 'question' AND state = 'resolved') FROM docs",
	                 &st, err);
	if (rc)
		return rc;
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		f->files = (long)sqlite3_column_int64(st, 0);
		f->journal = (long)sqlite3_column_int64(st, 1);
		f->notes = (long)sqlite3_column_int64(st, 2);
		f->questions = (long)sqlite3_column_int64(st, 3);
		f->answers = (long)sqlite3_column_int64(st, 4);
		f->open = (long)sqlite3_column_int64(st, 5);
		f->resolved = (long)sqlite3_column_int64(st, 6);
		f->docs = f->journal + f->notes + f->questions + f->answers;
	} else {
		rc = sqlfail(ix, err, s, "stats");
	}
	sqlite3_finalize(st);
	if (rc)
		return rc;

	rc = prepare(ix,
	             "SELECT author, sum(kind = 'note'), sum(kind = 'question'), sum(kind = 'answer'), "
	             "sum(kind = 'question' AND state = 'resolved') FROM docs "
	             "WHERE author IS NOT NULL AND kind IN ('note', 'question', 'answer') "
	             "GROUP BY author ORDER BY author",
	             &st, err);
	if (rc)
		return rc;
	size_t cap = 0;
	while (rc == 0 && (s = sqlite3_step(st)) == SQLITE_ROW) {
		if (f->nmembers == cap) {
			cap = cap ? cap * 2 : 8;
			wol_index_member *m = realloc(f->members, cap * sizeof *m);
			if (!m) {
				rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
				break;
			}
			f->members = m;
		}
		wol_index_member *m = &f->members[f->nmembers++];
		m->author = col_dup(st, 0);
		m->notes = (long)sqlite3_column_int64(st, 1);
		m->questions = (long)sqlite3_column_int64(st, 2);
		m->answers = (long)sqlite3_column_int64(st, 3);
		m->resolved = (long)sqlite3_column_int64(st, 4);
	}
	if (rc == 0 && s != SQLITE_DONE)
		rc = sqlfail(ix, err, s, "stats");
	sqlite3_finalize(st);
	if (rc)
		return rc;

	/* the week of a date is its Monday: back 6 days, then forward to a Monday */
	rc = prepare(ix,
	             "SELECT author, date(date, '-6 days', 'weekday 1') AS week, count(*) FROM docs "
	             "WHERE kind = 'note' AND author IS NOT NULL AND date IS NOT NULL "
	             "GROUP BY week, author ORDER BY week, author",
	             &st, err);
	if (rc)
		return rc;
	cap = 0;
	while (rc == 0 && (s = sqlite3_step(st)) == SQLITE_ROW) {
		if (f->nweeks == cap) {
			cap = cap ? cap * 2 : 16;
			wol_index_week *wk = realloc(f->weeks, cap * sizeof *wk);
			if (!wk) {
				rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
				break;
			}
			f->weeks = wk;
		}
		wol_index_week *wk = &f->weeks[f->nweeks++];
		wk->author = col_dup(st, 0);
		const unsigned char *week = sqlite3_column_text(st, 1);
		snprintf(wk->week, sizeof wk->week, "%s", week ? (const char *)week : "");
		wk->notes = (long)sqlite3_column_int64(st, 2);
	}
	if (rc == 0 && s != SQLITE_DONE)
		rc = sqlfail(ix, err, s, "stats");
	sqlite3_finalize(st);
	struct stat sb;
	if (rc == 0 && stat(ix->dbpath, &sb) == 0)
		f->db_bytes = (long long)sb.st_size;
	if (rc)
		wol_index_figures_free(f);
	return rc;
}

/* ------------------------------------------------------ for other nouns */

sqlite3 *wol_index__db(wol_index *ix, wol_error *err)
{
	return ensure_fresh(ix, 0, err) == 0 ? ix->db : NULL;
}
