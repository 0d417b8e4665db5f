/* qlist.c - circle questions listed through the index.
 *
 * One replay, one set of rules: when a refresh touches a question's files,
 * the index asks question/replay.c for the question's listing row (the same
 * function the file scan uses) and stores it in `qlist`. Listing then
 * reads those rows after an incremental refresh of the circle instead of
 * reading every record file. */
#include "index_int.h"
#include "question/question_int.h"

#include <stdio.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Warnings are stored joined by this byte (never in ids or messages). */
#define SEP '\x1f'

/* Runs one statement with the bound strings (NULL binds NULL), prepared
 * into *st the first time and kept there for the next question (a build
 * replays 2,000: preparing both statements each time was most of the
 * replay's instructions). */
static int run(sqlite3 *db, sqlite3_stmt **st, const char *sql, const char *const *v, int n,
               wol_error *err)
{
	if (!*st && sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK) {
		*st = NULL;
		return wol_sql_fail(db, err, "index", "question list");
	}
	for (int i = 0; i < n; i++)
		wol_sql_bind_str(*st, i + 1, v[i]);
	int s = sqlite3_step(*st);
	int rc = s == SQLITE_DONE ? 0 : wol_sql_fail(db, err, "index", "storing a question's listing");
	sqlite3_reset(*st);
	sqlite3_clear_bindings(*st);
	return rc;
}

void wol_qlist__done(wol_qlist_stmts *c)
{
	for (int i = 0; i < 3; i++) {
		sqlite3_finalize(c->st[i]);
		c->st[i] = NULL;
	}
}

int wol_qlist__update(sqlite3 *db, const char *home, const char *circle, const char *qid,
                      wol_qlist_stmts *c, wol_error *err)
{
	char *root = wol_strfmt("%s/circles/%s", home, circle);
	char *dir = root ? wol_strfmt("%s/questions/%s", root, qid) : NULL;
	if (!dir) {
		free(root);
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	struct stat st;
	int present = lstat(dir, &st) == 0 && S_ISDIR(st.st_mode);
	free(dir);
	const char *key[2] = {circle, qid};
	if (!present) {
		free(root);
		return run(db, &c->st[0], "DELETE FROM qlist WHERE circle = ?1 AND qid = ?2", key, 2, err);
	}
	wol_question q;
	int rc = wol_question__summary(root, qid, &q, err);
	free(root);
	if (rc)
		return rc;
	rc = wol_qlist__put(db, circle, qid, &q, c, err);
	wol_question_free(&q);
	return rc;
}

int wol_qlist__put(sqlite3 *db, const char *circle, const char *qid, const wol_question *qq,
                   wol_qlist_stmts *c, wol_error *err)
{
	const wol_question q = *qq;
	int rc = 0;
	wol_buf w;
	wol_buf_init(&w);
	for (size_t i = 0; i < q.nwarnings; i++) {
		if (i)
			wol_buf_puts(&w, "\x1f");
		wol_buf_puts(&w, q.warnings[i]);
	}
	char num[3][32];
	snprintf(num[0], sizeof num[0], "%lld", q.lamport);
	snprintf(num[1], sizeof num[1], "%zu", q.nanswers);
	snprintf(num[2], sizeof num[2], "%lld", q.last);
	int ok = q.state != NULL;
	const char *v[12] = {circle, qid, q.title, q.author, q.created, q.about,
	                     ok ? num[0] : NULL, q.state, q.helped, ok ? num[1] : NULL,
	                     ok ? num[2] : NULL, q.nwarnings ? w.ptr : NULL};
	if (q.nwarnings && !w.ptr)
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
	if (rc == 0)
		rc = run(db, &c->st[1],
		         "INSERT OR REPLACE INTO qlist(circle, qid, title, author, created, about, lamport,"
		         " state, helped, answers, last, warnings) VALUES(?1, ?2, ?3, ?4, ?5, ?6,"
		         " CAST(?7 AS INTEGER), ?8, ?9, CAST(?10 AS INTEGER), CAST(?11 AS INTEGER), ?12)",
		         v, 12, err);
	if (rc == 0) {
		const char *u[3] = {circle, qid, q.state};
		/* by (circle, qid): left to itself, the planner took the index on
		 * (circle, kind, mtime) and read every question of the circle for
		 * each one, a quarter of a full build's time */
		rc = run(db, &c->st[2],
		         "UPDATE docs INDEXED BY docs_question SET state = ?3 WHERE kind = 'question'"
		         " AND circle = ?1 AND qid = ?2 AND state IS NOT ?3",
		         u, 3, err);
	}
	wol_buf_free(&w);
	return rc;
}

static const char *static_state(const char *s)
{
	if (!s)
		return NULL;
	if (strcmp(s, "open") == 0)
		return "open";
	if (strcmp(s, "resolved") == 0)
		return "resolved";
	if (strcmp(s, "retracted") == 0)
		return "retracted";
	return NULL;
}

/* Appends the SEP-joined warnings of s to *v. */
static int add_warnings(const char *s, char ***v, size_t *n, size_t *cap)
{
	while (s) {
		const char *e = strchr(s, SEP);
		size_t len = e ? (size_t)(e - s) : strlen(s);
		if (*n == *cap) {
			size_t nc = *cap ? *cap * 2 : 16;
			char **nv = realloc(*v, nc * sizeof *nv);
			if (!nv)
				return WOL_ENOMEM;
			*v = nv;
			*cap = nc;
		}
		if (!((*v)[*n] = wol_strndup(s, len)))
			return WOL_ENOMEM;
		(*n)++;
		s = e ? e + 1 : NULL;
	}
	return 0;
}

/* Adds "circles/<circle>/questions/<qid>/<rel>" for question.md and the
 * files of answers/ and events/ (a question directory the index has not
 * seen: placed in the work tree without a commit). */
static int add_question_paths(const char *root, const char *circle, const char *qid, char ***v,
                              size_t *n, size_t *cap)
{
	static const char *const sub[2] = {"answers", "events"};
	int rc = 0;
	for (int k = -1; k < 2 && rc == 0; k++) {
		DIR *d = NULL;
		if (k >= 0) {
			char *dir = wol_strfmt("%s/questions/%s/%s", root, qid, sub[k]);
			if (!dir)
				return WOL_ENOMEM;
			d = opendir(dir);
			free(dir);
			if (!d)
				continue;
		}
		struct dirent *de = NULL;
		while (rc == 0 && (k < 0 || (de = readdir(d)) != NULL)) {
			if (k >= 0 && de->d_name[0] == '.')
				continue;
			if (*n == *cap) {
				size_t nc = *cap ? *cap * 2 : 16;
				char **nv = realloc(*v, nc * sizeof *nv);
				if (!nv) {
					rc = WOL_ENOMEM;
					break;
				}
				*v = nv;
				*cap = nc;
			}
			(*v)[*n] = k < 0 ? wol_strfmt("circles/%s/questions/%s/question.md", circle, qid)
			                 : wol_strfmt("circles/%s/questions/%s/%s/%s", circle, qid, sub[k],
			                              de->d_name);
			if (!(*v)[*n])
				rc = WOL_ENOMEM;
			else
				(*n)++;
			if (k < 0)
				break;
		}
		if (d)
			closedir(d);
	}
	return rc;
}

/* The tree diff sees what was committed; a question directory present in
 * the work tree but unknown to qlist (or the reverse) is looked at too. */
static int catch_up(wol_circle *c, wol_index *ix, sqlite3 *db, char **qids, size_t nq,
                    wol_error *err)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "SELECT qid FROM qlist WHERE circle = ?1 ORDER BY qid", -1, &st,
	                       NULL) != SQLITE_OK)
		return wol_sql_fail(db, err, "index", "listing questions");
	wol_sql_bind_str(st, 1, wol_circle_name(c));
	char **paths = NULL;
	size_t np = 0, cap = 0, i = 0;
	int rc = 0, s;
	const char *root = wol_circle_path(c), *name = wol_circle_name(c);
	while (rc == 0) {
		s = sqlite3_step(st);
		const char *known = s == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
		if (s == SQLITE_ROW && !known)
			continue;
		/* on disk, not known */
		while (rc == 0 && i < nq && (!known || strcmp(qids[i], known) < 0))
			rc = add_question_paths(root, name, qids[i++], &paths, &np, &cap);
		if (!known)
			break;
		if (i < nq && strcmp(qids[i], known) == 0) {
			i++;
		} else if (rc == 0) { /* known, gone from disk */
			if (np == cap) {
				size_t nc = cap ? cap * 2 : 16;
				char **nv = realloc(paths, nc * sizeof *nv);
				if (!nv) {
					rc = WOL_ENOMEM;
					break;
				}
				paths = nv;
				cap = nc;
			}
			if (!(paths[np] = wol_strfmt("circles/%s/questions/%s/question.md", name, known)))
				rc = WOL_ENOMEM;
			else
				np++;
		}
	}
	if (rc == 0 && s != SQLITE_DONE && s != SQLITE_ROW)
		rc = wol_sql_fail(db, err, "index", "listing questions");
	else if (rc == WOL_ENOMEM)
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
	sqlite3_finalize(st);
	if (rc == 0 && np) {
		wol_index_report rep;
		rc = wol_index_refresh_paths(ix, (const char *const *)paths, np, &rep, err);
		wol_index_report_free(&rep);
	}
	wol_strv_free(paths, np);
	return rc;
}

/* The circle's questions through the open index: an incremental refresh
 * of the circle, then its stored listing rows. WOL_ESQL when the index
 * cannot be used. */
static int list_index(wol_circle *c, wol_index *ix, const char *state, const char *author,
                      wol_questions *out, wol_error *err)
{
	memset(out, 0, sizeof *out);
	if (wol_question__check_state(state, err))
		return err->code;
	if (state && (!*state || strcmp(state, "all") == 0))
		state = NULL;
	wol_index_report rep;
	memset(&rep, 0, sizeof rep);
	int rc = wol_index_refresh_circle(ix, wol_circle_name(c), &rep, err);
	wol_index_report_free(&rep);
	if (rc)
		return rc;
	sqlite3 *db = wol_index__db(ix, err);
	if (!db)
		return err->code ? err->code : WOL_ESQL;
	char **warn = NULL, **qids = NULL;
	size_t nwarn = 0, cap = 0, nq = 0;
	if (wol_question__bad_dirs(wol_circle_path(c), &qids, &nq, &warn, &nwarn))
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	cap = nwarn;
	rc = catch_up(c, ix, db, qids, nq, err);
	wol_strv_free(qids, nq);
	if (rc == 0 && !(db = wol_index__db(ix, err)))
		rc = err->code ? err->code : WOL_ESQL;
	if (rc) {
		wol_strv_free(warn, nwarn);
		return rc;
	}
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db,
	                       "SELECT qid, title, author, created, about, lamport, state, helped,"
	                       " answers, last, warnings FROM qlist WHERE circle = ?1 AND"
	                       " (warnings IS NOT NULL OR (state IS NOT NULL AND (?2 IS NULL OR"
	                       " state = ?2) AND (?3 IS NULL OR author = ?3))) ORDER BY qid",
	                       -1, &st, NULL) != SQLITE_OK) {
		wol_strv_free(warn, nwarn);
		return wol_sql_fail(db, err, "index", "listing questions");
	}
	wol_sql_bind_str(st, 1, wol_circle_name(c));
	wol_sql_bind_str(st, 2, state);
	wol_sql_bind_str(st, 3, author);
	wol_question *items = NULL;
	size_t n = 0, icap = 0;
	int s;
	while (rc == 0 && (s = sqlite3_step(st)) == SQLITE_ROW) {
		if (add_warnings((const char *)sqlite3_column_text(st, 10), &warn, &nwarn, &cap)) {
			rc = WOL_ENOMEM;
			break;
		}
		const char *qs = static_state((const char *)sqlite3_column_text(st, 6));
		const char *qa = (const char *)sqlite3_column_text(st, 2);
		if (!qs || !qa || (state && strcmp(qs, state) != 0) || (author && strcmp(qa, author) != 0))
			continue;
		if (n == icap) {
			size_t nc = icap ? icap * 2 : 64;
			wol_question *ni = realloc(items, nc * sizeof *ni);
			if (!ni) {
				rc = WOL_ENOMEM;
				break;
			}
			items = ni;
			icap = nc;
		}
		wol_question *q = &items[n++];
		memset(q, 0, sizeof *q);
		q->id = wol_sql_col_dup(st, 0);
		q->title = wol_sql_col_dup(st, 1);
		q->author = wol_sql_col_dup(st, 2);
		q->created = wol_sql_col_dup(st, 3);
		q->about = wol_sql_col_dup(st, 4);
		q->lamport = sqlite3_column_int64(st, 5);
		q->state = qs;
		q->helped = wol_sql_col_dup(st, 7);
		q->nanswers = (size_t)sqlite3_column_int64(st, 8);
		q->last = sqlite3_column_int64(st, 9);
		q->mine = strcmp(qa, wol_circle_handle(c)) == 0;
		if (!q->id || !q->title || !q->author ||
		    (sqlite3_column_type(st, 3) != SQLITE_NULL && !q->created) ||
		    (sqlite3_column_type(st, 4) != SQLITE_NULL && !q->about) ||
		    (sqlite3_column_type(st, 7) != SQLITE_NULL && !q->helped))
			rc = WOL_ENOMEM;
	}
	if (rc == 0 && s != SQLITE_DONE)
		rc = wol_sql_fail(db, err, "index", "listing questions");
	else if (rc)
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
	sqlite3_finalize(st);
	if (rc) {
		for (size_t i = 0; i < n; i++)
			wol_question_free(&items[i]);
		free(items);
		wol_strv_free(warn, nwarn);
		return rc;
	}
	wol_question__sort(items, n);
	out->items = items;
	out->n = n;
	out->warnings = warn;
	out->nwarnings = nwarn;
	return 0;
}

int wol_question_list(wol_circle *c, wol_index *ix, const char *source, const char *state,
                      const char *author, wol_questions *out, wol_error *err)
{
	memset(out, 0, sizeof *out);
	if (wol_question__check_state(state, err))
		return err->code;
	if (source && strcmp(source, "files") == 0)
		return wol_question__list_files(c, state, author, out, err);
	/* through the index; the files only when there is none or it cannot be used */
	int only_index = source && strcmp(source, "index") == 0;
	if (!ix) {
		if (only_index)
			return wol_error_set(err, WOL_ESQL, "questions: the index could not be opened");
		return wol_question__list_files(c, state, author, out, err);
	}
	wol_error e;
	int rc = list_index(c, ix, state, author, out, &e);
	if (rc == 0)
		return 0;
	if (rc != WOL_ESQL || only_index) {
		if (err)
			*err = e;
		return rc;
	}
	return wol_question__list_files(c, state, author, out, err);
}
