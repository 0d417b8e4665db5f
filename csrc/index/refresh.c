/* index/refresh.c - a refresh or rebuild: one writer at a time (index.lock),
 * one transaction, the walk, files gone removed, the questions touched
 * replayed into their listing rows (qlist.c) */
#include "index/index_int.h"
#include "repo/head.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>


/* Replays the questions touched by this refresh (qlist.c, with the rules
 * of question/replay.c) and stores their listing rows and states. */
static int replay_states(wol_walk *w)
{
	wol_strv_sort(&w->affected);
	wol_qlist_stmts stmts = {{NULL}};
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < w->affected.n; i++) {
		if (i && strcmp(w->affected.v[i], w->affected.v[i - 1]) == 0)
			continue;
		char *key = w->affected.v[i];
		char *slash = strchr(key, '/');
		if (!slash)
			continue;
		wol_question q;
		int ahead = wol_index__qahead_take(w, key, &q);
		*slash = '\0';
		if (ahead) {
			rc = wol_qlist__put(w->ix->db, key, slash + 1, &q, &stmts, w->err);
			wol_question_free(&q);
		} else {
			rc = wol_qlist__update(w->ix->db, wol_ctx_home(w->ix->ctx), key, slash + 1, &stmts,
			                       w->err);
		}
		*slash = '/';
		if (rc == WOL_ESQL && wol_index__corrupt_rc(sqlite3_errcode(w->ix->db))) {
			w->ix->corrupt = 1;
			free(w->ix->damage);
			w->ix->damage = wol_strfmt("%s", sqlite3_errmsg(w->ix->db));
		}
	}
	wol_qlist__done(&stmts);
	return rc;
}

static int remove_unseen(wol_walk *w)
{
	sqlite3_stmt *what = NULL;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < w->nk; i++) {
		wol_known *k = &w->k[i];
		if (k->seen)
			continue;
		if (!what && (rc = wol_index__prepare(w->ix,
		                                      "SELECT kind, circle, qid FROM docs WHERE id = ?1",
		                                      &what, w->err)))
			break;
		if ((rc = wol_index__writers(w)))
			break;
		/* a record gone changes its question's listing row */
		sqlite3_reset(what);
		sqlite3_bind_int64(what, 1, k->id);
		if (sqlite3_step(what) == SQLITE_ROW) {
			const char *kind = (const char *)sqlite3_column_text(what, 0);
			if (kind && (strcmp(kind, "question") == 0 || strcmp(kind, "answer") == 0 ||
			             strcmp(kind, "event") == 0))
				rc = wol_index__mark_affected(w, (const char *)sqlite3_column_text(what, 1),
				                   (const char *)sqlite3_column_text(what, 2));
			if (rc)
				break;
		}
		sqlite3_reset(w->del);
		sqlite3_bind_int64(w->del, 1, k->id);
		int s = sqlite3_step(w->del);
		if (s != SQLITE_DONE) {
			rc = wol_index__fail(w->ix, w->err, s, "removing a document");
			break;
		}
		if ((rc = wol_index__fts_put(w, k->id, 1, 0, NULL, NULL, NULL)))
			break;
		w->rep->removed++;
	}
	sqlite3_finalize(what);
	return rc;
}

static int count_docs(wol_index *ix, long *out, wol_error *err)
{
	sqlite3_stmt *st;
	/* all rows (sqlite counts the pages of the smallest index) less the
	 * events (a range of docs_kind): no scan of every row */
	int rc = wol_index__prepare(ix,
	                            "SELECT (SELECT count(*) FROM docs) - "
	                            "(SELECT count(*) FROM docs WHERE kind = 'event')",
	                            &st, err);
	if (rc)
		return rc;
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW)
		*out = (long)sqlite3_column_int64(st, 0);
	else
		rc = wol_index__fail(ix, err, s, "counting documents");
	sqlite3_finalize(st);
	return rc;
}

/* The circle's recorded HEAD (malloc'd) or NULL; its tree into *tree
 * (malloc'd or NULL) when tree is not NULL. */
static char *recorded_head(wol_index *ix, const char *circle, char **tree)
{
	sqlite3_stmt *st;
	char *oid = NULL;
	if (tree)
		*tree = NULL;
	if (sqlite3_prepare_v2(ix->db, "SELECT oid, tree FROM heads WHERE circle = ?1", -1, &st,
	                       NULL) != SQLITE_OK)
		return NULL;
	wol_sql_bind_str(st, 1, circle);
	if (sqlite3_step(st) == SQLITE_ROW) {
		oid = wol_sql_col_dup(st, 0);
		if (tree)
			*tree = wol_sql_col_dup(st, 1);
	}
	sqlite3_finalize(st);
	return oid;
}

#define DOC_COLS                                                                               \
	"path, kind, circle, author, date, sortkey, title, state, qid, rid, evkind, lamport, "   \
	"target, title_line, body_line, size, mtime, racy, problem"
/* any column but the stat's (size, mtime, racy) differs from its parameter */
#define DOC_DIFFERS                                                                            \
	"path IS NOT ?1 OR kind IS NOT ?2 OR circle IS NOT ?3 OR author IS NOT ?4 OR "          \
	"date IS NOT ?5 OR sortkey IS NOT ?6 OR title IS NOT ?7 OR state IS NOT ?8 OR "         \
	"qid IS NOT ?9 OR rid IS NOT ?10 OR evkind IS NOT ?11 OR lamport IS NOT ?12 OR "        \
	"target IS NOT ?13 OR title_line IS NOT ?14 OR body_line IS NOT ?15 OR "                \
	"problem IS NOT ?19"

/* The statements that write documents, in wol_walk's order (ins first) */
static const char *const writer_sql[WOL_INDEX_WRITERS] = {
	"INSERT INTO docs(" DOC_COLS ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
	"?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
	/* a row rewritten only when more than its stat changed: sqlite
	 * rewrites the entry of every index on a column the statement sets,
	 * even to the same value (all eight of docs', and the `daily`
	 * triggers' subtraction and addition run), which for ten edited
	 * notes was ~45 of the ~75 pages the update wrote to the log, and as
	 * many read */
	"UPDATE docs SET (" DOC_COLS ") = (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
	"?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19) WHERE id = ?20 AND (" DOC_DIFFERS ")",
	/* else (a body edited) just the stat (extract.c's store) */
	"UPDATE docs SET size = ?16, mtime = ?17, racy = ?18 WHERE id = ?20",
	"DELETE FROM docs WHERE id = ?1",
	/* a row's full text, to tell a file read again but unchanged
	 * (extract.c's fts_same): prepared with the others, since each
	 * document a sync edits takes this read (preparing it was ~25,000
	 * instructions a document, 1.2 % of the refresh) */
	"SELECT title, body, tags FROM fts WHERE rowid = ?1",
	"DELETE FROM fts WHERE rowid = ?1",
	"INSERT INTO fts(rowid, title, body, tags) VALUES(?1, ?2, ?3, ?4)",
};

static sqlite3_stmt **writer_slot(wol_walk *w, int i)
{
	sqlite3_stmt **slot[WOL_INDEX_WRITERS] = {&w->ins, &w->upd, &w->upd_stat, &w->del,
	                                          &w->fts_old, &w->fts_del, &w->fts_ins};
	return slot[i];
}

void wol_index__writers_drop(wol_index *ix)
{
	for (int i = 0; i < WOL_INDEX_WRITERS; i++) {
		sqlite3_finalize(ix->writers[i]);
		ix->writers[i] = NULL;
	}
	ix->writers_db = NULL;
}

/* The statements that write documents, prepared when the first one is
 * needed: a refresh that finds nothing changed prepares none (parsing them
 * was a quarter of the instructions of such a refresh). The handle keeps
 * them for its connection's next refreshes (parsing them again was ~0.6 M
 * instructions of each refresh after a sync); a build from nothing, on a
 * connection of its own, makes its own (refresh_locked finalizes them). */
int wol_index__writers(wol_walk *w)
{
	if (w->fts_ins)
		return 0;
	wol_index *ix = w->ix;
	wol_index__writing(ix);
	wol_error *err = w->err;
	/* every docs row written through these follows into `daily` (the
	 * connection's triggers), but in a build from nothing */
	int rc = w->bulk ? 0 : wol_index__daily_keep(ix, err);
	if (rc)
		return rc;
	if (!w->bulk && ix->writers_db && ix->writers_db != ix->db)
		wol_index__writers_drop(ix); /* (another connection's) */
	w->kept_writers = !w->bulk && ix->writers_db == ix->db;
	for (int i = 0; rc == 0 && i < WOL_INDEX_WRITERS; i++) {
		if (w->kept_writers)
			*writer_slot(w, i) = ix->writers[i];
		else
			rc = wol_index__prepare(ix, writer_sql[i], writer_slot(w, i), err);
	}
	if (rc == 0 && !w->bulk && !w->kept_writers) {
		for (int i = 0; i < WOL_INDEX_WRITERS; i++)
			ix->writers[i] = *writer_slot(w, i);
		ix->writers_db = ix->db;
		w->kept_writers = 1;
	}
	return rc;
}

/* After a refresh: the kept statements reset (their bindings point into
 * freed texts), the others finalized. */
static void writers_done(wol_walk *w)
{
	for (int i = 0; i < WOL_INDEX_WRITERS; i++) {
		sqlite3_stmt **st = writer_slot(w, i);
		if (w->kept_writers) {
			sqlite3_reset(*st);
			sqlite3_clear_bindings(*st);
		} else {
			sqlite3_finalize(*st);
		}
		*st = NULL;
	}
}

/* One refresh, inside the lock. `rebuild`: drop everything first.
 * `targets` (not NULL): visit only these paths, plus, when `circle` is
 * set, the paths changed between its recorded HEAD and its HEAD now. */
static int refresh_locked(wol_index *ix, int rebuild, const char *circle, wol_strv *targets,
                          int count, wol_index_report *rep, wol_error *err)
{
	wol_walk w;
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
	int rc = wol_index__exec(ix, rebuild ? "BEGIN IMMEDIATE" : "BEGIN", err);
	if (rc)
		return rc;
	long long version = -1; /* what others committed: see wol_index__keep_known */
	if (!targets && !rebuild)
		version = wol_index__data_version(ix);
	else
		wol_index__drop_kept(ix);
	if (rebuild) {
		rc = wol_index__exec(ix, wol_index__drop_all, err);
		if (rc == 0)
			rc = wol_index__migrate(ix, 0, err);
	}
	char head[GIT_OID_HEXSZ + 1] = "", tree[GIT_OID_HEXSZ + 1] = "";
	char *old = NULL, *old_tree = NULL;
	if (rc == 0 && targets && circle) {
		old = recorded_head(ix, circle, &old_tree);
		int exact = 0;
		rc = wol_index__circle_head(&w, circle, old, old_tree, head, tree, &exact);
		if (rc == 0 && !exact && head[0]) {
			/* the diff could not say everything that changed (an object
			 * missing, no recorded tree): a full refresh instead */
			wol_strv_clear(&w.forced);
			free(old);
			free(old_tree);
			old = old_tree = NULL;
			targets = NULL;
			circle = NULL;
			version = wol_index__data_version(ix);
		}
		for (size_t i = 0; rc == 0 && targets && i < w.forced.n; i++)
			if (wol_strv_add(targets, wol_strfmt("%s", w.forced.v[i])))
				rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		wol_strv_sort(&w.forced);
	}
	if (targets)
		wol_strv_sort(targets);
	if (rc == 0 && !targets)
		rc = wol_index__plan_circles(&w);
	if (rc == 0)
		rc = targets ? wol_index__load_known_paths(&w, targets) : wol_index__load_known_plan(&w);
	/* building from nothing: count `daily` once at the end (see DAILY_FILL) */
	int bulk = rc == 0 && !targets && w.nk == 0;
	if (bulk)
		rc = wol_index__exec(ix, wol_index__daily_bulk_begin, err);
	w.bulk = bulk;
	w.fts_now = bulk; /* (no savepoints to fear: fts.c) */
	if (rc == 0 && !targets && ix->progress) {
		/* what there is to read, for the progress (a stat walk, no reads) */
		long stat = rep->stat;
		w.counting = 1;
		rc = wol_index__walk_journal(&w);
		if (rc == 0)
			rc = wol_index__walk_people(&w);
		if (rc == 0)
			rc = wol_index__walk_circles(&w);
		w.counting = 0;
		rep->stat = stat;
		if (rc == 0)
			ix->progress(0, w.total, ix->progress_payload);
	}
	if (rc == 0 && bulk)
		wol_index__pipe_start(&w);
	if (rc == 0 && !targets)
		rc = wol_index__walk_journal(&w);
	if (rc == 0 && !targets)
		rc = wol_index__walk_people(&w);
	if (rc == 0 && !targets)
		rc = wol_index__walk_circles(&w);
	if (rc == 0 && targets)
		rc = wol_index__walk_paths(&w, targets);
	rc = wol_index__pipe_finish(&w, rc);
	if (rc == 0 && targets && circle && head[0] &&
	    (!old || strcmp(old, head) != 0 || !old_tree || strcmp(old_tree, tree) != 0)) {
		sqlite3_stmt *put;
		rc = wol_index__prepare(
		        ix, "INSERT OR REPLACE INTO heads(circle, oid, tree) VALUES(?1, ?2, ?3)", &put, err);
		if (rc == 0) {
			wol_sql_bind_str(put, 1, circle);
			wol_sql_bind_str(put, 2, head);
			wol_sql_bind_str(put, 3, tree[0] ? tree : NULL);
			int s = sqlite3_step(put);
			if (s != SQLITE_DONE)
				rc = wol_index__fail(ix, err, s, "recording a circle's HEAD");
			sqlite3_finalize(put);
		}
	}
	free(old);
	free(old_tree);
	if (rc == 0)
		rc = remove_unseen(&w);
	if (rc == 0 && w.affected.n)
		rc = replay_states(&w);
	if (rc == 0) /* last: see fts.c */
		rc = wol_index__fts_flush(&w);
	wol_index__fts_clear(&w);
	writers_done(&w);
	if (rc == 0 && bulk)
		rc = wol_index__exec(ix, wol_index__daily_bulk_end, err);
	if (rc == 0 && rep->added + rep->updated >= 2000) {
		/* after a big build, merge the full-text segments into one: else
		 * the next small refresh (a sync of a few notes) can trigger the
		 * merge of several large segments and take seconds */
		rc = wol_index__exec(ix, "INSERT INTO fts(fts) VALUES('optimize')", err);
	}
	if (rc == 0)
		rc = wol_index__exec(ix, "COMMIT", err);
	if (rc)
		sqlite3_exec(ix->db, "ROLLBACK", NULL, NULL, NULL);
	else if (count || rep->added + rep->updated + rep->removed)
		rc = count_docs(ix, &rep->docs, err);
	if (rc == 0 && !targets && !rebuild && !bulk &&
	    rep->added + rep->updated + rep->removed == 0)
		wol_index__keep_known(&w, version);
	else
		wol_index__drop_kept(ix);
	wol_index__qahead_free(&w);
	wol_index__free_known(&w);
	wol_index__free_plan(&w);
	wol_strv_clear(&w.extra);
	wol_strv_clear(&w.forced);
	wol_strv_clear(&w.affected);
	return rc;
}

/* Whether the index was never built: no documents, no recorded HEADs and
 * not made by a build from nothing (which may have found nothing to index). */
static int never_built(wol_index *ix)
{
	if (ix->built)
		return 0; /* (a built index stays built until the file is replaced) */
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(ix->db,
	                       "SELECT (SELECT count(*) FROM (SELECT 1 FROM docs LIMIT 1)) + "
	                       "(SELECT count(*) FROM (SELECT 1 FROM heads LIMIT 1)), "
	                       "(SELECT application_id FROM pragma_application_id)",
	                       -1, &st, NULL) != SQLITE_OK)
		return 0;
	int never = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 0 &&
	            sqlite3_column_int(st, 1) != WOL_INDEX_BUILT_ID;
	sqlite3_finalize(st);
	ix->built = !never;
	return never;
}

/* FTS5 holds the terms of the rows it is given in memory, up to its
 * `hashsize` in bytes, then writes them out as one segment (and at the
 * commit). A build from nothing gives it every row: with room for all of
 * them it writes one segment and its `optimize` (refresh_locked) has
 * nothing to merge. With the refreshes' 16 MB, bench/index.sh's 15,500
 * files (46 MB of text; ~50 MB of terms) made three segments, and merging
 * them was 29 % of the build's sqlite thread. A bigger home makes several
 * and the optimize merges them, as before. The memory is the build
 * process's (~40 MB more at the peak) and is given back when it closes. */
#define WOL_INDEX_BUILD_HASHSIZE (64L << 20)

/* An FTS5 setting of the table `fts` (fts_config), malloc'd in *out, NULL
 * when it was never set. */
static int config_get(wol_index *ix, const char *key, char **out, wol_error *err)
{
	*out = NULL;
	sqlite3_stmt *st;
	int rc = wol_index__prepare(ix, "SELECT v FROM fts_config WHERE k = ?1", &st, err);
	if (rc)
		return rc;
	wol_sql_bind_str(st, 1, key);
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW)
		*out = wol_sql_col_dup(st, 0);
	else if (s != SQLITE_DONE)
		rc = wol_index__fail(ix, err, s, "reading the full-text settings");
	sqlite3_finalize(st);
	return rc;
}

static int config_set(wol_index *ix, const char *key, long value, wol_error *err)
{
	char sql[128];
	snprintf(sql, sizeof sql, "INSERT INTO fts(fts, rank) VALUES('%s', %ld)", key, value);
	return wol_index__exec(ix, sql, err);
}

/* Puts the finished build at `path`. The two names are exchanged, then
 * the old file (now at `tmp`) removed: renamed over an existing file, ext4
 * first writes out every delayed block of the new one (its auto_da_alloc:
 * ~90 ms for a 110 MB index, the process waiting), an exchange does not.
 * Either way `path` names a whole index at every moment. Where the names
 * cannot be exchanged (another file system, no file at `path`), a rename. */
static int swap_in(const char *tmp, const char *path)
{
#ifdef RENAME_EXCHANGE
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_EXCHANGE) == 0) {
		unlink(tmp);
		return 0;
	}
#endif
	return rename(tmp, path);
}

/* A build from nothing (a new index, a rebuild, a recovery) writes a file
 * of its own, index.db.build, with no journal and no syncs, and swaps it
 * in for index.db when it is complete (swap_in). Built in place in WAL
 * mode, every page was written twice (the log, then the checkpoint into
 * index.db) and synced, and a rebuild first deleted the old index page by
 * page. The index is a cache: a crash mid-build leaves index.db as it was
 * and the next build starts again; readers keep the old index.db until the
 * swap and then notice the new one by its inode (wol_index__ensure_fresh).
 * Called with the index lock held. */
static int build_fresh(wol_index *ix, wol_index_report *rep, wol_error *err)
{
	char *tmp = wol_strfmt("%s.build", ix->dbpath);
	char *tmpj = wol_strfmt("%s.build-journal", ix->dbpath);
	char *wal = wol_strfmt("%s-wal", ix->dbpath);
	char *shm = wol_strfmt("%s-shm", ix->dbpath);
	int rc = 0;
	if (!tmp || !tmpj || !wal || !shm) {
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		goto out;
	}
	unlink(tmp); /* what a build killed midway left */
	unlink(tmpj);
	int fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		int e = errno;
		rc = wol_error_set(err, WOL_EIO, "index: %s: %s", tmp, strerror(e));
		goto out;
	}
	close(fd);
	sqlite3 *bdb = NULL;
	int s = sqlite3_open_v2(tmp, &bdb, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_NOMUTEX,
	                        NULL);
	if (s != SQLITE_OK) {
		rc = wol_error_set(err, WOL_ESQL, "index: %s: %s", tmp,
		                   bdb ? sqlite3_errmsg(bdb) : sqlite3_errstr(s));
		sqlite3_close_v2(bdb);
		unlink(tmp);
		goto out;
	}
	wol_index__drop_kept(ix);
	/* FTS5's terms, sqlite's page cache (cache_size below), the reader's
	 * texts: in a heap grown once, in 2 MB pages (util/mem.c) */
	wol_mem_bulk_begin(WOL_INDEX_BUILD_HASHSIZE + (64L << 20));
	sqlite3 *db = ix->db;
	ix->db = bdb;
	/* before the table is made: FTS5 then makes its tokenizer with ours */
	wol_index__fts_pretok_start(ix);
	/* secure_delete (on in Debian's sqlite) zeroes each b-tree page as
	 * it is formatted and the space of each cell freed or moved. A file
	 * built from nothing has no deleted text to hide: a freed cell held
	 * an earlier copy of a row this build wrote, and no document is
	 * removed from it. So the build's connection goes without (1.6 % of
	 * its instructions: bench/ANALYSIS.md, "Full build, eighth round");
	 * every other connection keeps the library's setting. */
	rc = wol_index__exec(ix,
	                     "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; "
	                     "PRAGMA cache_size = -16384; PRAGMA secure_delete = OFF; BEGIN",
	                     err);
	if (rc == 0)
		rc = wol_index__migrate(ix, 0, err);
	if (rc == 0) {
		char sql[64];
		snprintf(sql, sizeof sql, "PRAGMA application_id = %d; COMMIT", WOL_INDEX_BUILT_ID);
		rc = wol_index__exec(ix, sql, err);
	}
	/* no merging of the full-text segments while they are written: the
	 * `optimize` at the end (refresh_locked) merges them all in one pass,
	 * so the merges on the way (each level of four rewritten) were work
	 * done twice. automerge goes back to FTS5's default after, for the
	 * refreshes. */
	if (rc == 0)
		rc = wol_index__exec(ix, "INSERT INTO fts(fts, rank) VALUES('automerge', 0)", err);
	/* the terms held in memory before FTS5 writes a segment: room for all
	 * of them (see WOL_INDEX_BUILD_HASHSIZE), the refreshes' size after */
	char *hashsize = NULL;
	if (rc == 0)
		rc = config_get(ix, "hashsize", &hashsize, err);
	if (rc == 0)
		rc = config_set(ix, "hashsize", WOL_INDEX_BUILD_HASHSIZE, err);
	if (rc == 0)
		rc = refresh_locked(ix, 0, NULL, NULL, 1, rep, err);
	if (rc == 0)
		rc = wol_index__exec(ix, "INSERT INTO fts(fts, rank) VALUES('automerge', 4)", err);
	if (rc == 0 && hashsize)
		rc = config_set(ix, "hashsize", atol(hashsize), err);
	free(hashsize);
	/* last of the full-text writes (fts.c) */
	if (rc == 0)
		rc = wol_index__fts_settle(ix, err);
	/* the planner's statistics of the metadata (without them it chose the
	 * index on (circle, kind, mtime) to find a question by (circle, qid);
	 * the full-text tables are not worth a scan), and the file put in WAL
	 * mode, as every connection uses it */
	if (rc == 0)
		rc = wol_index__exec(ix, "ANALYZE docs; ANALYZE qlist; PRAGMA journal_mode = WAL", err);
	ix->pretok = NULL; /* (freed with bdb) */
	if (sqlite3_close(bdb) != SQLITE_OK && rc == 0)
		rc = wol_error_set(err, WOL_ESQL, "index: %s: %s", tmp, sqlite3_errmsg(bdb));
	if (rc)
		sqlite3_close_v2(bdb);
	ix->db = db;
	ix->corrupt = 0; /* what went wrong was the new file's */
	if (rc) {
		unlink(tmp);
		unlink(tmpj);
		goto out;
	}
	/* the old index's log and shared memory go with it, before the rename:
	 * pages logged for the old file must never be read into the new one */
	wol_index__close_db(ix);
	unlink(wal);
	unlink(shm);
	if (swap_in(tmp, ix->dbpath) != 0) {
		int e = errno;
		rc = wol_error_set(err, WOL_EIO, "index: %s: %s", ix->dbpath, strerror(e));
		unlink(tmp);
	}
	int r = wol_index__ensure_fresh(ix, 1, err);
	if (rc == 0)
		rc = r;
out:
	free(tmp);
	free(tmpj);
	free(wal);
	free(shm);
	return rc;
}

/* A refresh that changed at least this many documents checkpoints the WAL. */
#define WOL_INDEX_CHECKPOINT_CHANGES 64

/* `count`: rep->docs is wanted even when nothing changed (counting reads
 * every page of an index of docs: ~100 pages of a 15,000-document index,
 * a third of what a `wol search` process reads; a search's refresh does
 * not report it) */
static int refresh(wol_index *ix, int rebuild, const char *circle, wol_strv *targets, int count,
                   wol_index_report *rep, wol_error *err)
{
	memset(rep, 0, sizeof *rep);
	double t0 = wol_monotonic() * 1e3;
	wol_lock lk;
	int rc = wol_lock_acquire(&lk, ix->lockpath, WOL_INDEX_LOCK_WAIT_MS, err);
	if (rc)
		return rc;
	rc = wol_index__ensure_fresh(ix, 1, err);
	if (!ix->swept) {
		/* what a build killed midway left, or the index it replaced
		 * (no build runs: we hold the lock); once per handle */
		char *tmp = wol_strfmt("%s.build", ix->dbpath);
		if (tmp && unlink(tmp) == 0) {
			char *tmpj = wol_strfmt("%s.build-journal", ix->dbpath);
			if (tmpj)
				unlink(tmpj);
			free(tmpj);
		}
		free(tmp);
		ix->swept = 1;
	}
	if (rc == 0 && targets && circle) {
		/* never recorded this circle's HEAD: nothing to diff against */
		char *old = recorded_head(ix, circle, NULL);
		if (!old)
			targets = NULL;
		free(old);
	}
	/* a build from nothing: a rebuild, or an index never built */
	int fresh = rc == 0 && !targets && (rebuild || never_built(ix));
	if (rc == 0)
		rc = fresh ? build_fresh(ix, rep, err)
		           : refresh_locked(ix, rebuild, circle, targets, count, rep, err);
	if (rc && ix->corrupt) {
		/* damaged under us: start again from an empty index, all files */
		rc = wol_index__recover(ix, 1, err);
		if (rc == 0) {
			memset(rep, 0, sizeof *rep);
			rc = build_fresh(ix, rep, err);
		}
	}
	long changed = rep->added + rep->updated + rep->removed;
	if (rc == 0 && (rebuild || changed >= WOL_INDEX_CHECKPOINT_CHANGES ||
	                ((count || changed) && rep->docs <= rep->added))) {
		/* after a build or a big refresh, fold the WAL into index.db and
		 * empty it: the next open has no log to scan, and index.db alone
		 * is the index, so damage to it shows at once (best effort: a busy
		 * reader only delays it). A small refresh leaves its pages in the
		 * WAL for sqlite's own checkpoint at 1,000 pages: the copy and its
		 * fsyncs were half the time of a refresh after a 10-note sync. */
		sqlite3_exec(ix->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
	}
	if (ix->db)
		wol_index__note_seen(ix);
	wol_lock_release(&lk);
	rep->ms = wol_monotonic() * 1e3 - t0;
	if (ix->notice) {
		rep->notice = ix->notice;
		ix->notice = NULL;
	}
	return rc;
}

int wol_index_refresh(wol_index *ix, wol_index_report *rep, wol_error *err)
{
	return refresh(ix, 0, NULL, NULL, 1, rep, err);
}

int wol_index__refresh_uncounted(wol_index *ix, wol_index_report *rep, wol_error *err)
{
	return refresh(ix, 0, NULL, NULL, 0, rep, err);
}

int wol_index_rebuild(wol_index *ix, wol_index_report *rep, wol_error *err)
{
	return refresh(ix, 1, NULL, NULL, 1, rep, err);
}

void wol_index_set_progress(wol_index *ix, wol_index_progress_cb cb, void *payload)
{
	ix->progress = cb;
	ix->progress_payload = payload;
}

/* Whether the circle's repository has a HEAD commit. */
static int has_head(wol_index *ix, const char *circle)
{
	char *path = wol_ctx_circle_path(ix->ctx, circle);
	char hex[GIT_OID_HEXSZ + 1];
	if (path && wol_repo__head_peek(path, hex)) {
		free(path);
		return 1; /* read from the files: libgit2 not needed */
	}
	git_repository *repo = NULL;
	git_oid oid;
	int yes = path && git_repository_open_ext(&repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) == 0 &&
	          git_reference_name_to_id(&oid, repo, "HEAD") == 0;
	git_error_clear();
	git_repository_free(repo);
	free(path);
	return yes;
}

/* A build reading fewer files than this is quick enough to run in place. */
#define WOL_INDEX_BACKGROUND_FILES 500

/* Adds the *.md files under $WOL_HOME/<rel> (dot folders skipped) to
 * *count, stopping once it reaches `limit`: names only, no stat. */
static void count_md(const char *dir, long *count, long limit, int depth)
{
	DIR *d = depth < 6 ? opendir(dir) : NULL;
	if (!d)
		return;
	struct dirent *de;
	while (*count < limit && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		size_t n = strlen(de->d_name);
		if (n > 3 && strcmp(de->d_name + n - 3, ".md") == 0) {
			(*count)++;
		} else if (de->d_type == DT_DIR || de->d_type == DT_UNKNOWN) {
			char *sub = wol_strfmt("%s/%s", dir, de->d_name);
			if (sub)
				count_md(sub, count, limit, depth + 1);
			free(sub);
		}
	}
	closedir(d);
}

/* Whether $WOL_HOME/<rel> holds at least WOL_INDEX_BACKGROUND_FILES files. */
static int many_files(wol_index *ix, const char *rel, long *count)
{
	char *dir = wol_strfmt("%s/%s", wol_ctx_home(ix->ctx), rel);
	if (dir)
		count_md(dir, count, WOL_INDEX_BACKGROUND_FILES, 0);
	free(dir);
	return *count >= WOL_INDEX_BACKGROUND_FILES;
}

int wol_index_build_pending(wol_index *ix, int *pending, wol_error *err)
{
	*pending = 0;
	int rc = wol_index__ensure_fresh(ix, 0, err);
	if (rc)
		return rc;
	long count = 0;
	if (never_built(ix)) {
		/* a new index: the first refresh builds it */
		*pending = many_files(ix, "journal", &count) || many_files(ix, "circles", &count);
		return 0;
	}
	char **names = NULL;
	size_t n = 0;
	rc = wol_ctx_circles(ix->ctx, &names, &n, err);
	if (rc)
		return rc;
	sqlite3_stmt *st = NULL;
	if (n && sqlite3_prepare_v2(ix->db, "SELECT 1 FROM heads WHERE circle = ?1", -1, &st, NULL) !=
	                 SQLITE_OK)
		rc = wol_index__fail(ix, err, sqlite3_errcode(ix->db), "reading circle heads");
	for (size_t i = 0; rc == 0 && !*pending && i < n; i++) {
		sqlite3_reset(st);
		wol_sql_bind_str(st, 1, names[i]);
		int s = sqlite3_step(st);
		if (s == SQLITE_DONE && has_head(ix, names[i])) { /* never indexed */
			char *rel = wol_strfmt("circles/%s", names[i]);
			*pending = rel && many_files(ix, rel, &count);
			free(rel);
		}
		else if (s != SQLITE_ROW)
			rc = wol_index__fail(ix, err, s, "reading circle heads");
	}
	sqlite3_finalize(st);
	wol_strv_free(names, n);
	return rc;
}

int wol_index_refresh_paths(wol_index *ix, const char *const *paths, size_t n,
                            wol_index_report *rep, wol_error *err)
{
	memset(rep, 0, sizeof *rep);
	const char *home = wol_ctx_home(ix->ctx);
	size_t hl = strlen(home);
	wol_strv targets = {0};
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		const char *p = paths[i];
		if (strncmp(p, home, hl) == 0 && p[hl] == '/')
			p += hl + 1;
		if (p[0] == '/' || strstr(p, "..")) {
			rc = wol_error_set(err, WOL_EINVAL, "index: %s: not a file under %s", paths[i], home);
			break;
		}
		if (wol_strv_add(&targets, wol_strfmt("%s", p)))
			rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	if (rc == 0)
		rc = refresh(ix, 0, NULL, &targets, 1, rep, err);
	wol_strv_clear(&targets);
	return rc;
}

int wol_index_refresh_circle(wol_index *ix, const char *circle, wol_index_report *rep,
                             wol_error *err)
{
	memset(rep, 0, sizeof *rep);
	int rc = wol_name_check(circle, "circle name", err);
	if (rc)
		return rc;
	wol_strv targets = {0};
	rc = refresh(ix, 0, circle, &targets, 1, rep, err);
	wol_strv_clear(&targets);
	return rc;
}
