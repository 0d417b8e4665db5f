/* index/schema.c - the index's schema: the tables, the triggers that keep
 * `daily` in step, and the migrations keyed on user_version */
#include "index/index_int.h"

#include <stdio.h>

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
 * the statement that fills it at once.
 *
 * They are TEMP triggers: a connection makes them for itself before it
 * first writes a docs row (wol_index__daily_keep, which
 * wol_index__writers, the one place that prepares the statements writing
 * docs rows, calls first), and they go with the connection. Kept in the
 * file (schemas 2 to 5), every connection parsed them with the schema at
 * its first statement, a reader too: ~0.4 M of the 7.3 M instructions of
 * a `wol search` process (bench/ANALYSIS.md, "CLI search, third round").
 *
 * A build from nothing goes without them and fills `daily` once at the
 * end: firing them for every one of 15,000 new rows made the full build
 * two to three times slower. */
#define DAILY_TRIGGER(name, event, r, body)                                               \
	"CREATE TEMP TRIGGER " name " AFTER " event " ON docs WHEN " DAILY_ROW(r) " BEGIN " \
	body " END;"
#define DAILY_TRIGGERS                                                                    \
	DAILY_TRIGGER("docs_daily_ins", "INSERT", "new", DAILY_ADD("new"))                    \
	DAILY_TRIGGER("docs_daily_del", "DELETE", "old", DAILY_SUB("old"))                    \
	DAILY_TRIGGER("docs_daily_upd_old", "UPDATE OF kind, circle, author, date", "old",     \
	              DAILY_SUB("old"))                                                       \
	DAILY_TRIGGER("docs_daily_upd_new", "UPDATE OF kind, circle, author, date", "new",     \
	              DAILY_ADD("new"))
/* the same names, as schemas 2 to 5 kept them in the file (db: main) or as
 * a connection keeps them now (temp) */
#define DAILY_DROP(db)                                                                    \
	"DROP TRIGGER IF EXISTS " db ".docs_daily_ins;"                                     \
	"DROP TRIGGER IF EXISTS " db ".docs_daily_del;"                                     \
	"DROP TRIGGER IF EXISTS " db ".docs_daily_upd_old;"                                 \
	"DROP TRIGGER IF EXISTS " db ".docs_daily_upd_new;"
#define DAILY_FILL                                                                        \
	"INSERT INTO daily SELECT circle, date, author, kind, count(*) FROM docs WHERE "      \
	DAILY_ROW("docs") " GROUP BY circle, date, author, kind;"
const char *const wol_index__daily_bulk_begin = DAILY_DROP("temp");
const char *const wol_index__daily_bulk_end = "DELETE FROM daily;" DAILY_FILL;

void wol_index__daily_drop(wol_index *ix)
{
	sqlite3_finalize(ix->daily_st);
	ix->daily_st = NULL;
	ix->daily_db = NULL;
	ix->daily_cookie = -1;
}

/* The connection's temporary schema cookie, which sqlite changes with
 * every change of that schema and puts back with a rolled back
 * transaction. */
static int temp_cookie(wol_index *ix, int *out, wol_error *err)
{
	sqlite3_reset(ix->daily_st);
	int s = sqlite3_step(ix->daily_st);
	if (s != SQLITE_ROW)
		return wol_index__fail(ix, err, s, "reading the temporary schema");
	*out = sqlite3_column_int(ix->daily_st, 0);
	sqlite3_reset(ix->daily_st);
	return 0;
}

/* Whether the triggers are there is told by the temporary schema's cookie
 * as this function left it: only it changes that schema, so an equal
 * cookie means the triggers it made. Dropped with docs (a rebuild), in a
 * build from nothing, or made in a transaction that was rolled back, the
 * cookie has moved, and they are made again. (Asking sqlite_temp_master
 * each time cost ~75 K instructions per writing refresh; the cookie,
 * read by a statement kept with the connection, ~2 K.) Making them costs
 * ~1 M instructions, once per connection that writes. */
int wol_index__daily_keep(wol_index *ix, wol_error *err)
{
	int rc;
	if (ix->daily_db != ix->db || !ix->daily_st) {
		wol_index__daily_drop(ix);
		rc = wol_index__prepare(ix, "PRAGMA temp.schema_version", &ix->daily_st, err);
		if (rc)
			return rc;
		ix->daily_db = ix->db;
	}
	int c;
	rc = temp_cookie(ix, &c, err);
	if (rc || (ix->daily_cookie >= 0 && c == ix->daily_cookie))
		return rc;
	/* none yet, or some (a statement of them that failed): all afresh */
	ix->daily_cookie = -1;
	rc = wol_index__exec(ix, DAILY_DROP("temp"), err);
	if (rc == 0)
		rc = wol_index__exec(ix, DAILY_TRIGGERS, err);
	if (rc == 0)
		rc = temp_cookie(ix, &c, err);
	if (rc == 0)
		ix->daily_cookie = c;
	return rc;
}

/* Schema migrations: migrations[v] takes user_version v to v + 1. */
static const char *const migrations[] = {
	/* 0 -> 1 */
	"CREATE TABLE docs("
	" id INTEGER PRIMARY KEY,"
	" path TEXT NOT NULL UNIQUE," /* relative to $WOL_HOME */
	" kind TEXT NOT NULL,"        /* journal note question answer event (feedback: 3 -> 4) */
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
	" tokenize = 'unicode61 remove_diacritics " WOL_FTS_DIACRITICS "', prefix = '2 3');"
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
	DAILY_FILL, /* (and the triggers, in the file until schema 6) */
	/* 2 -> 3: `qlist`, each question's listing row as question/replay.c
	 * computes it (qlist.c). Question files are marked racy and the heads
	 * forgotten so that the next refresh reads them again and fills it. */
	"CREATE TABLE qlist(circle TEXT NOT NULL, qid TEXT NOT NULL, title TEXT, author TEXT,"
	" created TEXT, about TEXT, lamport INTEGER, state TEXT, helped TEXT, answers INTEGER,"
	" last INTEGER, warnings TEXT, PRIMARY KEY(circle, qid)) WITHOUT ROWID;"
	"UPDATE docs SET racy = 1 WHERE kind IN ('question', 'answer', 'event');"
	"DELETE FROM heads;",
	/* 3 -> 4: feedback (format 2). feedback/<note-id>/<id>.md rows have kind
	 * 'feedback', the record's kind in evkind and the note id in target;
	 * a note's rid is its note id (when it has one), found by
	 * (circle, rid). Notes are read again to fill it. */
	"CREATE INDEX docs_circle_rid ON docs(circle, rid);"
	"UPDATE docs SET racy = 1 WHERE kind = 'note';"
	"DELETE FROM heads;",
	/* 4 -> 5: the tree of each circle's recorded HEAD (a refresh diffs it
	 * against HEAD's tree instead of walking the circle: plan.c), and the
	 * rows recorded racily, which such a refresh looks at again */
	"ALTER TABLE heads ADD COLUMN tree TEXT;"
	"CREATE INDEX docs_racy ON docs(path) WHERE racy <> 0;",
	/* 5 -> 6: the `daily` triggers leave the file: each connection that
	 * writes docs rows makes them as TEMP triggers (above). `daily` itself
	 * is as they left it. */
	DAILY_DROP("main"),
};
#define NMIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

const char *const wol_index__drop_all = "DROP TABLE IF EXISTS qlist;"
                                        "DROP TABLE IF EXISTS daily;"
                                        "DROP TABLE IF EXISTS fts;"
                                        "DROP TABLE IF EXISTS docs;"
                                        "DROP TABLE IF EXISTS heads;";

int wol_index__migrate(wol_index *ix, int from, wol_error *err)
{
	for (int v = from; v < NMIGRATIONS; v++) {
		int rc = wol_index__exec(ix, migrations[v], err);
		if (rc)
			return rc;
	}
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", WOL_INDEX_SCHEMA_VERSION);
	return wol_index__exec(ix, sql, err);
}
