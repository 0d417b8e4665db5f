/* index/refresh.c - a refresh or rebuild: one writer at a time (index.lock),
 * one transaction, the walk, files gone removed, the questions touched
 * replayed into their listing rows (qlist.c) */
#include "index/index_int.h"

#include <git2.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Replays the questions touched by this refresh (qlist.c, with the rules
 * of question/replay.c) and stores their listing rows and states. */
static int replay_states(wol_walk *w)
{
	wol_strv_sort(&w->affected);
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
		if (rc == WOL_ESQL && wol_index__corrupt_rc(sqlite3_errcode(w->ix->db))) {
			w->ix->corrupt = 1;
			free(w->ix->damage);
			w->ix->damage = wol_strfmt("%s", sqlite3_errmsg(w->ix->db));
		}
	}
	return rc;
}

static int remove_unseen(wol_walk *w)
{
	sqlite3_stmt *what = NULL;
	int rc = wol_index__prepare(w->ix, "SELECT kind, circle, qid FROM docs WHERE id = ?1",
	                            &what, w->err);
	for (size_t i = 0; rc == 0 && i < w->nk; i++) {
		wol_known *k = &w->k[i];
		if (k->seen)
			continue;
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
		if (s == SQLITE_DONE) {
			sqlite3_reset(w->fts_del);
			sqlite3_bind_int64(w->fts_del, 1, k->id);
			s = sqlite3_step(w->fts_del);
		}
		if (s != SQLITE_DONE) {
			rc = wol_index__fail(w->ix, w->err, s, "removing a document");
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

/* One refresh, inside the lock. `rebuild`: drop everything first. */
/* One refresh, inside the lock. `rebuild`: drop everything first.
 * `targets` (not NULL): visit only these paths, plus, when `circle` is
 * set, the paths changed between its recorded HEAD and its HEAD now. */
static int refresh_locked(wol_index *ix, int rebuild, const char *circle, wol_strv *targets,
                          wol_index_report *rep, wol_error *err)
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
		rc = wol_index__circle_head(&w, circle, old, old_tree, head, tree, NULL);
		for (size_t i = 0; rc == 0 && i < w.forced.n; i++)
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
	if (rc == 0)
		rc = wol_index__prepare(ix,
		                        "INSERT INTO docs(" DOC_COLS
		                        ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
		                        "?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
		                        &w.ins, err);
	if (rc == 0)
		rc = wol_index__prepare(
		        ix,
		        "UPDATE docs SET (" DOC_COLS ") = (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
		        "?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19) WHERE id = ?20",
		        &w.upd, err);
	if (rc == 0)
		rc = wol_index__prepare(ix, "DELETE FROM docs WHERE id = ?1", &w.del, err);
	if (rc == 0)
		rc = wol_index__prepare(ix, "DELETE FROM fts WHERE rowid = ?1", &w.fts_del, err);
	if (rc == 0)
		rc = wol_index__prepare(ix, "INSERT INTO fts(rowid, title, body, tags) VALUES(?1, ?2, ?3, ?4)",
		             &w.fts_ins, err);
	if (rc == 0 && !targets)
		rc = wol_index__walk_journal(&w);
	if (rc == 0 && !targets)
		rc = wol_index__walk_people(&w);
	if (rc == 0 && !targets)
		rc = wol_index__walk_circles(&w);
	if (rc == 0 && targets)
		rc = wol_index__walk_paths(&w, targets);
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
	sqlite3_finalize(w.ins);
	sqlite3_finalize(w.upd);
	sqlite3_finalize(w.del);
	sqlite3_finalize(w.fts_del);
	sqlite3_finalize(w.fts_ins);
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
	else
		rc = count_docs(ix, &rep->docs, err);
	if (rc == 0 && !targets && !rebuild && !bulk &&
	    rep->added + rep->updated + rep->removed == 0)
		wol_index__keep_known(&w, version);
	else
		wol_index__drop_kept(ix);
	wol_index__free_known(&w);
	wol_index__free_plan(&w);
	wol_strv_clear(&w.extra);
	wol_strv_clear(&w.forced);
	wol_strv_clear(&w.affected);
	return rc;
}

/* A refresh that changed at least this many documents checkpoints the WAL. */
#define WOL_INDEX_CHECKPOINT_CHANGES 64

static int refresh(wol_index *ix, int rebuild, const char *circle, wol_strv *targets,
                   wol_index_report *rep, wol_error *err)
{
	memset(rep, 0, sizeof *rep);
	double t0 = now_ms();
	wol_lock lk;
	int rc = wol_lock_acquire(&lk, ix->lockpath, WOL_INDEX_LOCK_WAIT_MS, err);
	if (rc)
		return rc;
	rc = wol_index__ensure_fresh(ix, 1, err);
	if (rc == 0 && targets && circle) {
		/* never recorded this circle's HEAD: nothing to diff against */
		char *old = recorded_head(ix, circle, NULL);
		if (!old)
			targets = NULL;
		free(old);
	}
	if (rc == 0)
		rc = refresh_locked(ix, rebuild, circle, targets, rep, err);
	if (rc && ix->corrupt) {
		/* damaged under us: start again from an empty index, all files */
		rc = wol_index__recover(ix, 1, err);
		if (rc == 0) {
			memset(rep, 0, sizeof *rep);
			rc = refresh_locked(ix, 0, NULL, NULL, rep, err);
		}
	}
	long changed = rep->added + rep->updated + rep->removed;
	if (rc == 0 && (rebuild || changed >= WOL_INDEX_CHECKPOINT_CHANGES || rep->docs <= rep->added)) {
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
		rc = refresh(ix, 0, NULL, &targets, rep, err);
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
	rc = refresh(ix, 0, circle, &targets, rep, err);
	wol_strv_clear(&targets);
	return rc;
}
