/* index_int.h - internals shared by the files of csrc/index/ and status.c
 * (not part of the API: nothing here is exported from the module).
 *
 * The search index: $WOL_HOME/index.db, an sqlite3 FTS5 cache over the
 * journal, circle notes, questions and answers. Files are the truth. A
 * refresh walks the files with stat only and reads a file when its size or
 * mtime differ from what the index recorded (or when it was recorded
 * "racily": modified in the same clock tick as the refresh that saw it).
 * For circles, the HEAD commit and its tree are recorded too; when they
 * moved, the paths changed between the two trees are re-read whatever
 * their stat says. Circle files change through commits (share, sync, the
 * git CLI), except in the member's own notes folder: so once a tree is
 * recorded, a refresh stats only that folder and the journal, and reads
 * what the tree diff names (plan.c, wol_index__plan_circles).
 * Writers take $WOL_HOME/index.lock (flock) and write in one transaction, so
 * two processes never interleave and a reader never sees half a refresh. A
 * damaged index.db is moved aside and rebuilt. */
#ifndef WOL_INDEX_INT_H
#define WOL_INDEX_INT_H

#include <sqlite3.h>
#include <sys/stat.h>

#include "format/layout.h"

#define WOL_INDEX_SCHEMA_VERSION 6
#define WOL_INDEX_LOCK_WAIT_MS 60000
/* PRAGMA application_id of an index.db made by a build from nothing
 * (refresh.c): an empty index without it has never been built */
#define WOL_INDEX_BUILT_ID 2003790897 /* "wol1" */
/* statements a refresh writes documents with (wol_walk: ins to fts_ins),
 * and the read of a full-text row it compares with (fts_old) */
#define WOL_INDEX_WRITERS 7

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
	int built; /* the open index.db was seen built (refresh.c never_built) */
	int swept; /* a refresh removed what a killed build left (refresh.c) */
	wol_index_progress_cb progress; /* wol_index_set_progress */
	void *progress_payload;
	/* the rows the last full refresh compared with, kept when it changed
	 * nothing: the next one takes them instead of reading them again while
	 * PRAGMA data_version says no other connection wrote (plan.c) */
	struct wol_known *kept;
	size_t nkept;
	char *kept_key;
	long long kept_version;
	/* the ranking function (rank.c): the connection it was added to */
	struct wol_jwatch *jw; /* the journal's folders watched (walk_journal.c) */
	/* raw trees read by the last tree diffs, by id, and the reader of
	 * loose objects (plan.c) */
	struct wol_tree_cached *trees;
	size_t ntrees;
	unsigned long trees_gen;
	struct wol_loose *loose;
	/* wol_index_open_once: a handle for one command of a process that
	 * then exits (a small page cache, no journal watch), and the journal
	 * being stat'ed ahead by a second thread for its first refresh */
	int once;
	struct wol_jprestat *jpre;
	sqlite3 *rank_db;
	sqlite3_stmt *rank_ln; /* SELECT ln(?1) */
	/* a build from nothing: the documents' columns tokenized on the
	 * reader thread (fts.c) */
	struct wol_fts_pretok *pretok;
	struct wol_rank_lens *rank_lens; /* every row's length, kept (rank.c) */
	/* the connection whose `daily` triggers wol_index__daily_keep made,
	 * its statement reading the temporary schema's cookie, and the cookie
	 * they left (-1: none) */
	sqlite3 *daily_db;
	sqlite3_stmt *daily_st;
	int daily_cookie;
	/* the statements that write documents, kept for the connection that
	 * prepared them (refresh.c, wol_index__writers) */
	sqlite3 *writers_db;
	sqlite3_stmt *writers[WOL_INDEX_WRITERS];
};

/* ------------------------------------------------- sqlite helpers (sql.c) */

/* A column as a malloc'd string; NULL for NULL (or out of memory). */
char *wol_sql_col_dup(sqlite3_stmt *st, int i);
/* Binds s, or NULL when s is NULL. */
void wol_sql_bind_str(sqlite3_stmt *st, int i, const char *s);
/* Fills err with WOL_ESQL, "<noun>: <what>: <sqlite's message for db>";
 * returns the code. */
int wol_sql_fail(sqlite3 *db, wol_error *err, const char *noun, const char *what);

/* ----------------------------------------------- the connection (db.c) */

/* Whether an sqlite result code says the database is damaged. */
int wol_index__corrupt_rc(int rc);
/* Fills err ("index: <what>: <sqlite's message>", WOL_ESQL) and notes
 * damage in ix (ix->corrupt, ix->damage). Returns the code. */
int wol_index__fail(wol_index *ix, wol_error *err, int rc, const char *what);
int wol_index__exec(wol_index *ix, const char *sql, wol_error *err);
/* A refresh is about to write: a once-handle's small page cache is made
 * the usual size (writes beyond it would be spilled into the log). */
void wol_index__writing(wol_index *ix);
int wol_index__prepare(wol_index *ix, const char *sql, sqlite3_stmt **st, wol_error *err);
/* Remembers index.db as this connection last left it. */
void wol_index__note_seen(wol_index *ix);
/* Moves a damaged index.db aside and opens a fresh one. `locked`: the
 * caller holds the index lock. */
int wol_index__recover(wol_index *ix, int locked, wol_error *err);
/* Makes sure the connection sees the index.db there now, at this schema;
 * else opens it again (recovering from damage). */
int wol_index__ensure_fresh(wol_index *ix, int locked, wol_error *err);
/* Closes the connection (and drops the rows kept with it). */
void wol_index__close_db(wol_index *ix);

/* ------------------------------------------- a hit's details (detail.c) */

/* Row ids bound as a pointer of type "wol_hits": sorted, what wol_hit(?,
 * rowid) looks in; in any order, with their scores, the rows of
 * wol_hitrows(?). */
typedef struct wol_index_hits {
	const sqlite3_int64 *ids;
	const double *score; /* each row's score, or NULL */
	size_t n;
} wol_index_hits;
/* What a hit's snippet and line are made from: the row FTS5's cursor is
 * on (wol_hitsnip) or what the ranking kept of it (search.c). */
typedef struct wol_snip_src {
	const char *text; /* the body (NULL: none) and its bytes */
	int n;
	int size; /* the body's tokens, as xColumnSize gives them */
	const int *inst; /* (phrase, column, offset) of each instance, in xInst's order */
	int ninst;
	const int *phrase_size; /* xPhraseSize of each phrase */
	int nphrase;
	/* the table's tokenizer over text; the title's text when needed */
	int (*tokenize)(void *tctx, const char *text, int n, void *ctx,
	                int (*cb)(void *, int, const char *, int, int, int));
	int (*title)(void *tctx, const char **text, int *n);
	void *tctx;
} wol_snip_src;
/* What wol_hitsnip gives (detail.c): *blob the line of the first match
 * (an int: >= 0 in the body, 0-based, -1 in the title only, -2 neither),
 * then snippet(fts, 1, '', '', '…', 16)'s bytes, sqlite3_malloc'd; NULL
 * where it could not be sure of snippet()'s bytes. An sqlite code. */
int wol_index__snip(const wol_snip_src *src, unsigned char **blob, size_t *nblob);
/* Adds to a connection (db_open does) wol_hit(?, rowid), whether the row
 * is in the bound wol_index_hits, wol_hitrows(?), the table of its rows
 * (id, score), and wol_hitsnip(fts), the row's snippet of its body as
 * snippet(fts, 1, '', '', '…', 16) makes it and where its first match
 * is, as highlight() would mark it (detail.c). An sqlite code when they
 * cannot be added (search.c then reads each hit with snippet() and
 * highlight()). */
int wol_index__detail_add(sqlite3 *db);

/* ------------------------------------------------------ schema (schema.c) */

/* Runs the migrations from user_version `from` to the current one. */
int wol_index__migrate(wol_index *ix, int from, wol_error *err);
/* Drops every table (a rebuild). */
extern const char *const wol_index__drop_all;
/* Makes this connection's TEMP triggers that keep `daily` in step with
 * docs, when it has not got them: before any docs row is written
 * (wol_index__writers calls it), inside the writer's transaction. */
int wol_index__daily_keep(wol_index *ix, wol_error *err);
/* Forgets them (the connection is closing). */
void wol_index__daily_drop(wol_index *ix);
/* Around a build from nothing: the connection's `daily` triggers dropped,
 * then `daily` filled at once (the next writer makes the triggers). */
extern const char *const wol_index__daily_bulk_begin;
extern const char *const wol_index__daily_bulk_end;

/* ---------------------------------- a refresh (walk.c, plan.c, extract.c) */

typedef struct wol_known wol_known;
struct wol_known {
	char *path;
	sqlite3_int64 id, size, mtime;
	int racy, seen;
};

/* A circle in a full refresh (plan.c). `fast`: the index recorded a tree
 * of this circle and the diff from it to HEAD's tree names every path that
 * changed, so the walk looks only at the member's own notes folder (files
 * there change without a commit), the paths the diff names and the rows
 * recorded racily; the rest of the circle is as the index has it. */
typedef struct wol_circle_plan {
	char *name;
	char prefix[300];   /* "circles/<name>/" */
	char own[400];      /* fast: "circles/<name>/notes/<handle>/" */
	char *old, *old_tree; /* what the heads row says (while planning) */
	char head[41], tree[41]; /* now ("" when none) */
	int recorded, same, fast;
} wol_circle_plan;

typedef struct wol_walk {
	wol_index *ix;
	wol_index_report *rep;
	wol_error *err;
	wol_known *k;
	size_t nk;
	wol_strv forced;   /* paths changed between a circle's recorded and current HEAD */
	wol_strv affected; /* "circle/qid" of questions whose state must be replayed */
	wol_circle_plan *plan; /* a full refresh: the circles (sorted by prefix) */
	size_t nplan;
	wol_strv gone;     /* circles recorded in heads whose clone is gone */
	wol_strv extra;    /* paths in the parts fast circles skip that need a look */
	long long start_ns;
	const char *handle; /* the journal's author */
	int took_kept;      /* the rows are the ones the last refresh kept */
	int counting;       /* the count before a refresh with progress: visit
	                     * only counts what it would read, in `total` */
	long total, done;   /* files to read, files read (progress) */
	sqlite3_stmt *ins, *upd, *upd_stat, *del, *fts_old, *fts_del, *fts_ins;
	int kept_writers; /* they are the handle's (refresh.c) */
	/* the full-text writes held back until the others are done (fts.c) */
	struct wol_fts_op *fq;
	size_t nfq, cfq, fq_bytes;
	int fts_now; /* write them at once (a build from nothing) */
	int bulk;    /* a build from nothing: no `daily` triggers, `daily`
	              * filled at the end (schema.c) */
	struct wol_index_pipe *pipe; /* a build from nothing: the reader thread (extract.c) */
	struct wol_qahead *qahead;   /* questions it read ahead (extract.c) */
	size_t nqahead, cqahead;
	int qahead_unsorted;
} wol_walk;

/* What the path says about a file. */
typedef struct wol_index_place {
	const char *kind; /* journal note question answer event feedback person */
	const char *circle;
	const char *folder; /* notes: the author's folder */
	const char *qid;
	char date[11];      /* journal: from the file name */
	const char *nid;    /* feedback: the note id of its folder */
	wol_place at;       /* circles: what the layout says (place_of) */
} wol_index_place;

/* walk.c */
void wol_index__free_known(wol_walk *w);
/* qsort order of w->k: by path. */
int wol_index__cmp_known_rows(const void *a, const void *b);
/* Every row of the index (path, size, mtime) into w->k, sorted by path. */
int wol_index__load_known(wol_walk *w);
/* The rows of just these paths (sorted) into w->k. */
int wol_index__load_known_paths(wol_walk *w, const wol_strv *paths);
/* Notes that the question circle/qid must be replayed. */
int wol_index__mark_affected(wol_walk *w, const char *circle, const char *qid);
/* walk_journal.c */
/* The journal: every entry stat'ed, or, in a handle that watches its
 * folders (inotify) since a full walk and whose rows are the ones its last
 * refresh kept, only the entries the events name and the racy rows. */
int wol_index__walk_journal(wol_walk *w);
/* Stops watching the journal (the handle closes). */
void wol_index__jwatch_drop(wol_index *ix);
/* Starts stat'ing the journal's entries in a second thread, for the
 * handle's next full walk of the journal (which waits for it and takes
 * its results instead of stat'ing them itself); nothing when no thread
 * can be started. */
void wol_index__jprestat_start(wol_index *ix);
/* Waits for that thread, if any, and forgets its results. */
void wol_index__jprestat_drop(wol_index *ix);
/* Visits the *.md files directly in `reldir` (relative to $WOL_HOME), or
 * just the file `only` there (may be NULL); pl says what they are. */
int wol_index__walk_files(wol_walk *w, const char *reldir, const wol_index_place *pl,
                          const char *only);
/* The whole of a circle: notes, questions, feedback. */
int wol_index__walk_circle(wol_walk *w, const char *circle);
/* Visits just these paths (sorted, relative to $WOL_HOME). */
int wol_index__walk_paths(wol_walk *w, const wol_strv *paths);

/* plan.c */
/* A full refresh: the circles, their HEADs and tree diffs (w->plan), then
 * the index rows the walk compares with (all but what fast circles skip),
 * then the walk and the HEADs recorded. */
int wol_index__plan_circles(wol_walk *w);
int wol_index__load_known_plan(wol_walk *w);
int wol_index__walk_circles(wol_walk *w);
void wol_index__free_plan(wol_walk *w);
/* After a full refresh that changed nothing: keeps w's rows in the handle
 * for the next one (else frees them). `version`: PRAGMA data_version in
 * the refresh's transaction. */
void wol_index__keep_known(wol_walk *w, long long version);
void wol_index__drop_kept(wol_index *ix);
/* Forgets the raw trees the tree diffs kept (the handle closes). */
void wol_index__trees_drop(wol_index *ix);
/* PRAGMA data_version of the connection (-1 on failure). */
long long wol_index__data_version(wol_index *ix);
/* The circle's HEAD in `head` and its tree in `tree` ("" when none); when
 * they moved since the recorded `old` commit / `old_tree`, the paths
 * changed between the two trees go into w->forced; `*exact` (may be NULL):
 * the recorded tree was found, so those paths are all that changed. */
int wol_index__circle_head(wol_walk *w, const char *circle, const char *old, const char *old_tree,
                           char head[41], char tree[41], int *exact);

/* A file a walk saw (walk.c): read into the index when it is new or
 * changed since the index recorded it. */
int wol_index__visit(wol_walk *w, const char *rel, const char *abs, const struct stat *st,
                     const wol_index_place *pl);
/* dir + "/" + name in buf (no allocation); NULL when it does not fit. */
const char *wol_index__path_join(char *buf, size_t cap, const char *dir, size_t dirlen,
                                 const char *name);
/* Whether a file name ends in ".md" (and is more than that). */
int wol_index__md_name(const char *name);
/* Whether a folder name is a year, "YYYY". */
int wol_index__is_year(const char *s);
/* The names of the subdirectories of $WOL_HOME/<reldir> that `ok`
 * accepts, sorted, into out. */
int wol_index__subdirs(wol_walk *w, const char *reldir, int (*ok)(const char *), wol_strv *out);

/* walk_people.c: your list of people, kind "person" (private, no circle) */
/* Whether rel (relative to $WOL_HOME) is a person's file, people/<slug>.md. */
int wol_index__person_path(const char *rel);
/* A full refresh's walk of $WOL_HOME/people. */
int wol_index__walk_people(wol_walk *w);

/* refresh.c: prepares w's statements that write documents (once), or
 * takes the handle's. */
int wol_index__writers(wol_walk *w);
/* Finalizes the handle's (before its connection closes). */
void wol_index__writers_drop(wol_index *ix);
/* wol_index_refresh without rep->docs when nothing changed (a search's). */
int wol_index__refresh_uncounted(wol_index *ix, wol_index_report *rep, wol_error *err);

/* fts.c: the full-text row of document `id`: its old row deleted (`del`),
 * the new one inserted (`ins`: title, body, tags); queued until
 * wol_index__fts_flush unless w->fts_now. */
int wol_index__fts_put(wol_walk *w, sqlite3_int64 id, int del, int ins, const char *title,
                       const char *body, const char *tags);
/* Runs the queued full-text writes, in order (after every other write of
 * the refresh: fts.c says why). */
int wol_index__fts_flush(wol_walk *w);
/* Forgets the queue (a refresh that failed). */
void wol_index__fts_clear(wol_walk *w);
/* A build from nothing (fts.c): each document's title, body and tags
 * tokenized ahead, on the reader thread, by the tokenizer of the table
 * (unicode61 with its arguments); the build's connection replays them. */
typedef struct wol_fts_col {
	const char *text; /* what the store binds, at the same address */
	size_t len;
	unsigned char *tok; /* the tokens (fts.c) */
	size_t n, cap;
	int ok;
} wol_fts_col;
typedef struct wol_fts_pre {
	wol_fts_col col[3];
} wol_fts_pre;
/* On the build's connection (ix->db): "unicode61" replays what was
 * tokenized ahead, and ix->pretok is set (NULL when FTS5 refuses; the
 * build then tokenizes as usual). Freed when the connection closes. */
int wol_index__fts_pretok_start(wol_index *ix);
/* The reader thread: tokenizes the three columns (NULL or "": none). */
void wol_index__fts_pretokenize(struct wol_fts_pretok *pt, wol_fts_pre *pre, const char *title,
                                const char *body, const char *tags);
void wol_index__fts_pre_free(wol_fts_pre *pre);
/* The sqlite thread: the document whose tokens the next insert takes
 * (NULL: none). */
void wol_index__fts_pre_use(wol_index *ix, const wol_fts_pre *pre);
/* After a build from nothing: its one full-text segment moved up to a
 * level of its own, which the merges of refreshes' segments leave alone
 * (fts.c says how). */
int wol_index__fts_settle(wol_index *ix, wol_error *err);

/* extract.c */
/* "YYYY-MM-DD..." -> out (10 chars), else out = "" */
void wol_index__date_prefix(const char *s, char out[11]);
/* Reads, parses and stores one new or changed file (k: its known row). */
int wol_index__file(wol_walk *w, const char *rel, const char *abs, const struct stat *st,
                    const wol_index_place *pl, wol_known *k);
/* A build from nothing: files are read and parsed on a reader thread
 * while this one stores them, in the walk's order (nothing when it cannot
 * start, or WOL_INDEX_SERIAL is set: then serial). */
void wol_index__pipe_start(wol_walk *w);
/* Stores what is still queued (when rc is 0), stops the reader; returns rc
 * or the first failure storing. Call after the walks whenever started. */
int wol_index__pipe_finish(wol_walk *w, int rc);
/* The walk has seen every file of the circle's question qid: with the
 * reader thread, it reads and replays the question there too, ahead of the
 * refresh's replay (refresh.c), which takes it (wol_index__qahead_take). */
int wol_index__pipe_question(wol_walk *w, const char *circle, const char *qid);
/* The question read ahead for "circle/qid" (moved into *q; 1), or 0. */
int wol_index__qahead_take(wol_walk *w, const char *key, wol_question *q);
/* Frees what was read ahead and not taken. */
void wol_index__qahead_free(wol_walk *w);

/* ------------------------------------------------------ ranking (rank.c) */

/* Adds wol_bm25(fts, weights...) to the open connection (once): FTS5's
 * bm25, the same numbers, with the rows' lengths read by one walk over
 * fts_docsize instead of a lookup each. Returns the name of the ranking function to call:
 * "wol_bm25", or "bm25" when it could not be added. */
const char *wol_index__rank_ready(wol_index *ix);
/* Forgets the function's statement (before the connection closes). */
void wol_index__rank_drop(wol_index *ix);
/* The weights of the FTS5 columns title, body, tags in the ranking. */
#define WOL_RANK_WEIGHTS "10.0, 1.0, 5.0"
/* The full-text table's tokenizer option (schema.c declares the table with
 * it; query.c tokenises a search's words with the same): unicode61's
 * remove_diacritics level. */
#define WOL_FTS_DIACRITICS "2"
/* The best matches of a query ranked at once, outside SQL: every match
 * scoring at most the `limit`-th best score (ties included), with its score
 * as wol_bm25 gives it, in no order. */
typedef struct wol_rank_best {
	sqlite3_int64 *id;
	double *score;
	size_t n;
	sqlite3_int64 matches; /* all of them */
	/* Each row's phrase instances as FTS5's xInst would list them on the
	 * row: (phrase, column, offset) triples, row i's from inst_at[i] to
	 * inst_at[i + 1]; with the phrases' sizes, and the data version they
	 * were read at (a hit's details made from them must see the same).
	 * NULL when the ranking kept none (too many). */
	int *inst;
	size_t *inst_at;
	int *phrase_size;
	int nphrase;
	unsigned version;
} wol_rank_best;
/* Fills *best for the FTS5 expression `match` as query.c builds it (npos
 * phrases looked for, then nneg excluded) when at most `cap` rows score at
 * most the `limit`-th best: returns 0. Returns 1 when it does not (the
 * caller ranks in SQL), or an error. */
int wol_index__rank_best(wol_index *ix, const char *match, int npos, int nneg, int limit,
                         size_t cap, wol_rank_best *best, wol_error *err);
void wol_index__rank_best_free(wol_rank_best *best);

/* ------------------------------------------------------- query (query.c) */

#define WOL_QUERY_MAX_BYTES 2000
#define WOL_QUERY_MAX_TERMS 32
#define WOL_QUERY_MAX_VALUES 8

/* A parsed user query. `match` is an FTS5 expression built only from
 * tokens we quoted ourselves, or NULL when the query has only filters. */
typedef struct wol_query {
	char *match;
	const char *kinds[6];
	size_t nkinds;
	char *authors[WOL_QUERY_MAX_VALUES];
	size_t nauthors;
	char *circles[WOL_QUERY_MAX_VALUES];
	size_t ncircles;
	char after[11];  /* "" or YYYY-MM-DD: date >= after */
	char before[11]; /* "" or YYYY-MM-DD: date < before */
	const char *state; /* NULL, "open" or "resolved" (questions only) */
	/* the phrases of match, in its order: npos looked for (AND), then nneg
	 * excluded (OR) */
	int npos, nneg;
	struct wol_query_tok *tok; /* the index's tokenizer, kept when match is */
} wol_query;

/* Parses `text` with the index's own tokenizer (unicode61, diacritics
 * removed), so the words we look for are exactly the words indexed. */
int wol_query_parse(sqlite3 *db, wol_ctx *ctx, const char *text, wol_query *q, wol_error *err);
void wol_query_free(wol_query *q);
/* Tokenizes text as the index's own tokenizer does for FTS5's auxiliary
 * functions (xTokenize). SQLITE_ERROR when the query kept none. */
int wol_query_tokenize(const wol_query *q, const char *text, int n, void *ctx,
                       int (*cb)(void *, int, const char *, int, int, int));

/* ------------------------------------------ question listing (qlist.c) */

/* Reads questions/<qid> of the circle from the files, replays it with the
 * rules of question/replay.c and stores the result: its qlist row (deleted when
 * the question directory is gone) and the state of its docs row. */
typedef struct wol_qlist_stmts {
	sqlite3_stmt *st[3]; /* the statements of wol_qlist__update, kept between calls */
} wol_qlist_stmts;
int wol_qlist__update(sqlite3 *db, const char *home, const char *circle, const char *qid,
                      wol_qlist_stmts *c, wol_error *err);
/* The same with the question already read and replayed (q: what
 * wol_question__summary made of it). */
int wol_qlist__put(sqlite3 *db, const char *circle, const char *qid, const wol_question *q,
                   wol_qlist_stmts *c, wol_error *err);
/* Finalizes c's statements (before the connection closes). */
void wol_qlist__done(wol_qlist_stmts *c);

/* ------------------------------------------- read access (status.c) */

/* The index's open database, made sure to be the current index.db, for
 * read-only queries of other nouns; NULL after filling err. Owned by ix. */
sqlite3 *wol_index__db(wol_index *ix, wol_error *err);

#endif
