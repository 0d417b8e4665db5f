/* status.c - the circle at a glance: what :WolCircle and `wol status` show.
 *
 * Everything about notes, questions and answers comes from the index
 * (a handful of queries over docs, no file scan); the program and the
 * meeting day from circle.md; names and goals from members/; streaks and
 * journal days from the journal's own stats. The meeting agenda is made
 * from the same data (agenda.c). */
#include "index/index_int.h"
#include "repo/circle_priv.h"
#include "format/circle_md.h"

#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define DEFAULT_LIMIT 50

static void col_date(sqlite3_stmt *st, int i, char out[11])
{
	const unsigned char *s = sqlite3_column_text(st, i);
	snprintf(out, 11, "%s", s ? (const char *)s : "");
}

/* The local calendar day of a time in nanoseconds. */
static void local_day(long long ns, char out[11])
{
	time_t t = (time_t)(ns / 1000000000LL);
	struct tm tm;
	localtime_r(&t, &tm);
	wol_date d = {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
	wol_date_format(d, out);
}

/* Local midnight of a day, in nanoseconds. */
static long long midnight_ns(wol_date d)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = d.y - 1900;
	tm.tm_mon = d.m - 1;
	tm.tm_mday = d.d;
	tm.tm_isdst = -1;
	return (long long)mktime(&tm) * 1000000000LL;
}

/* "circles/<c>/rest" -> "rest" (a copy) */
static char *circle_rel(const char *circle, const char *path)
{
	if (!path)
		return NULL;
	size_t n = strlen(circle);
	if (strncmp(path, "circles/", 8) == 0 && strncmp(path + 8, circle, n) == 0 &&
	    path[8 + n] == '/')
		return wol_strdup(path + 9 + n);
	return wol_strdup(path);
}

static int add_warning(wol_status *s, const char *msg)
{
	char **w = realloc(s->warnings, (s->nwarnings + 1) * sizeof *w);
	if (!w)
		return WOL_ENOMEM;
	s->warnings = w;
	if (!(w[s->nwarnings] = wol_strdup(msg)))
		return WOL_ENOMEM;
	s->nwarnings++;
	return 0;
}

void wol_status_free(wol_status *s)
{
	if (!s)
		return;
	free(s->circle);
	free(s->name);
	free(s->handle);
	free(s->remote);
	free(s->branch);
	for (size_t i = 0; i < s->nmembers; i++) {
		free(s->members[i].handle);
		free(s->members[i].name);
		free(s->members[i].goal);
	}
	free(s->members);
	for (size_t i = 0; i < s->nitems; i++) {
		free(s->items[i].author);
		free(s->items[i].title);
		free(s->items[i].path);
		free(s->items[i].qid);
	}
	free(s->items);
	for (size_t i = 0; i < s->nfeedback; i++) {
		free(s->feedback[i].author);
		free(s->feedback[i].title);
		free(s->feedback[i].path);
	}
	free(s->feedback);
	for (size_t i = 0; i < s->nopen; i++) {
		free(s->open[i].qid);
		free(s->open[i].title);
		free(s->open[i].author);
		free(s->open[i].path);
	}
	free(s->open);
	for (size_t i = 0; i < s->nreach; i++)
		free(s->reach[i].name);
	wol_strv_free(s->warnings, s->nwarnings);
	free(s->notice);
	memset(s, 0, sizeof *s);
}

int wol_status_level(const wol_status *s, int i)
{
	if (i < 0 || i >= WOL_STATUS_DAYS || i > s->grid_today)
		return 0;
	int v = s->journal[i] + s->mine[i] + s->acts[i];
	return v <= 0 ? 0 : v == 1 ? 1 : v == 2 ? 2 : v <= 4 ? 3 : 4;
}

/* ------------------------------------------------------------ the header */

/* When origin's branch last moved here: its reflog, else FETCH_HEAD. */
static long long last_sync(wol_circle *c, const char *branch)
{
	git_repository *repo = wol_circle_repo(c);
	long long when = 0;
	if (repo && branch) {
		char ref[512];
		snprintf(ref, sizeof ref, "refs/remotes/origin/%s", branch);
		git_reflog *log = NULL;
		if (git_reflog_read(&log, repo, ref) == 0 && git_reflog_entrycount(log) > 0) {
			const git_reflog_entry *e = git_reflog_entry_byindex(log, 0);
			const git_signature *sig = e ? git_reflog_entry_committer(e) : NULL;
			if (sig)
				when = (long long)sig->when.time;
		}
		git_reflog_free(log);
		git_error_clear();
	}
	char *fh = wol_strfmt("%s/.git/FETCH_HEAD", wol_circle_path(c));
	struct stat st;
	if (fh && stat(fh, &st) == 0 && (long long)st.st_mtime > when)
		when = (long long)st.st_mtime;
	free(fh);
	return when;
}

static void program(wol_status *s)
{
	wol_circle_md md = {.started = s->started, .weeks = s->weeks};
	s->week = wol_circle_md_week(&md, s->today); /* the program week by its one rule */
	s->phase = "none";
	if (s->started.y)
		s->phase = s->week ? "running" : wol_date_diff(s->today, s->started) < 0 ? "before" : "complete";
	int wd = wol_date_weekday(s->today);
	if (s->meets >= 0) {
		s->next_meeting = wol_date_add(s->today, (s->meets - wd + 7) % 7);
		int back = (wd - s->meets + 7) % 7;
		s->since = wol_date_add(s->today, -(back ? back : 7));
		s->since_meeting = 1;
		/* before the first meeting of the program there is no "last meeting" */
		if (s->started.y && wol_date_diff(s->since, s->started) < 0) {
			s->since = wol_date_add(s->today, -6);
			s->since_meeting = 0;
		}
	} else {
		s->since = wol_date_add(s->today, -6);
	}
}

static int header(wol_ctx *ctx, wol_circle *c, wol_status *s, wol_error *err)
{
	wol_circle_info info;
	int rc = wol_circle_info_get(c, &info, err);
	if (rc)
		return rc;
	s->circle = wol_strdup(wol_circle_name(c));
	s->name = wol_strdup(info.name ? info.name : wol_circle_name(c));
	s->handle = wol_strdup(wol_circle_handle(c));
	s->remote = wol_strdup(info.remote);
	s->branch = wol_strdup(info.branch);
	s->ahead = info.ahead;
	s->started = info.started;
	s->meets = info.meets;
	s->weeks = info.weeks;
	for (size_t i = 0; rc == 0 && i < info.nwarnings; i++)
		rc = add_warning(s, info.warnings[i]);
	wol_circle_info_free(&info);
	if (rc || !s->circle || !s->name || !s->handle)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	s->today = wol_ctx_today(ctx);
	program(s);
	if (s->remote)
		s->last_sync = last_sync(c, s->branch);
	return 0;
}

/* --------------------------------------------------------------- members */

static int members(wol_circle *c, sqlite3 *db, wol_status *s, wol_error *err)
{
	wol_member *m = NULL;
	size_t n = 0;
	int rc = wol_circle_members(c, &m, &n, err);
	if (rc)
		return rc;
	s->members = calloc(n ? n : 1, sizeof *s->members);
	if (!s->members) {
		wol_members_free(m, n);
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		wol_status_member *sm = &s->members[s->nmembers++];
		sm->handle = m[i].handle;
		sm->name = m[i].name;
		sm->goal = m[i].goal;
		m[i].handle = m[i].name = m[i].goal = NULL;
		sm->me = sm->handle && strcmp(sm->handle, s->handle) == 0;
	}
	wol_members_free(m, n);

	/* how often each goal was revised: the goal's history (kept in the
	 * clone's .git/wol-goals, so only new commits are walked); a history
	 * that cannot be read leaves the counts at 0 */
	const char **handles = calloc(s->nmembers ? s->nmembers : 1, sizeof *handles);
	long *revised = calloc(s->nmembers ? s->nmembers : 1, sizeof *revised);
	if (!handles || !revised) {
		free(handles);
		free(revised);
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	size_t nh = 0;
	for (size_t i = 0; i < s->nmembers; i++)
		if (s->members[i].handle)
			handles[nh++] = s->members[i].handle;
	wol_error gerr;
	if (nh && wol_goal_revisions(c, handles, nh, revised, &gerr) == 0) {
		for (size_t i = 0, k = 0; i < s->nmembers && k < nh; i++)
			if (s->members[i].handle)
				s->members[i].revised = revised[k++];
	}
	free(handles);
	free(revised);

	char from[11], to[11];
	wol_date_format(wol_date_add(s->today, -6), from);
	wol_date_format(s->today, to);
	/* from `daily` (index/schema.c keeps it): the last 7 days, then each member's
	 * last day (an index lookup each) */
	sqlite3_stmt *st;
	const char *sql = "SELECT author, kind, sum(n) FROM daily WHERE circle = ?1 AND day >= ?2 "
	                  "AND day <= ?3 AND kind IN ('note', 'answer') GROUP BY author, kind";
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return wol_sql_fail(db, err, "status", "members");
	sqlite3_bind_text(st, 1, s->circle, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, from, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, to, -1, SQLITE_STATIC);
	int r;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		const char *a = (const char *)sqlite3_column_text(st, 0);
		const char *k = (const char *)sqlite3_column_text(st, 1);
		for (size_t i = 0; a && k && i < s->nmembers; i++) {
			wol_status_member *sm = &s->members[i];
			if (!sm->handle || strcmp(sm->handle, a) != 0)
				continue;
			if (strcmp(k, "note") == 0)
				sm->notes = (long)sqlite3_column_int64(st, 2);
			else
				sm->answers = (long)sqlite3_column_int64(st, 2);
		}
	}
	rc = r == SQLITE_DONE ? 0 : wol_sql_fail(db, err, "status", "members");
	sqlite3_finalize(st);
	if (rc)
		return rc;
	sql = "SELECT max(day) FROM daily WHERE circle = ?1 AND author = ?2 AND day <= ?3";
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return wol_sql_fail(db, err, "status", "members");
	for (size_t i = 0; rc == 0 && i < s->nmembers; i++) {
		wol_status_member *sm = &s->members[i];
		if (!sm->handle)
			continue;
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, s->circle, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, sm->handle, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, to, -1, SQLITE_STATIC);
		r = sqlite3_step(st);
		if (r == SQLITE_ROW)
			col_date(st, 0, sm->last);
		else if (r != SQLITE_DONE)
			rc = wol_sql_fail(db, err, "status", "members");
	}
	sqlite3_finalize(st);
	return rc;
}

/* ------------------------------------------------------ since the meeting */

static int cmp_item(const void *a, const void *b)
{
	const wol_status_item *x = a, *y = b;
	int c = strcmp(y->date, x->date); /* newest first */
	if (c)
		return c;
	c = strcmp(x->kind, y->kind);
	if (c)
		return c;
	return strcmp(x->path ? x->path : "", y->path ? y->path : "");
}

static void item_free(wol_status_item *it)
{
	free(it->author);
	free(it->title);
	free(it->path);
	free(it->qid);
}

/* Appends the rows of a prepared statement (kind, author, title, path,
 * qid, date, mtime) to *v. */
static int collect(sqlite3 *db, sqlite3_stmt *st, const wol_status *s, const char *from,
                   wol_status_item **v, size_t *n, size_t *cap, wol_error *err)
{
	int r, rc = 0;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == *cap) {
			size_t nc = *cap ? *cap * 2 : 64;
			wol_status_item *nv = realloc(*v, nc * sizeof *nv);
			if (!nv)
				return wol_error_set(err, WOL_ENOMEM, "out of memory");
			*v = nv;
			*cap = nc;
		}
		wol_status_item *it = &(*v)[(*n)++];
		memset(it, 0, sizeof *it);
		const char *k = (const char *)sqlite3_column_text(st, 0);
		it->kind = k && strcmp(k, "note") == 0       ? "note"
		           : k && strcmp(k, "question") == 0 ? "question"
		                                             : "answer";
		it->author = wol_sql_col_dup(st, 1);
		it->title = wol_sql_col_dup(st, 2);
		char *abs = wol_sql_col_dup(st, 3);
		it->path = circle_rel(s->circle, abs);
		free(abs);
		it->qid = wol_sql_col_dup(st, 4);
		col_date(st, 5, it->date);
		if (it->kind[0] == 'n' && strcmp(it->date, from) < 0) {
			it->updated = 1;
			local_day(sqlite3_column_int64(st, 6), it->date);
		}
		if (!it->path)
			return wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	if (r != SQLITE_DONE)
		rc = wol_sql_fail(db, err, "status", "recent shares");
	return rc;
}

static int since(sqlite3 *db, wol_status *s, int limit, wol_error *err)
{
	char from[11], to[11];
	wol_date_format(s->since, from);
	wol_date_format(s->today, to);
	long long lo = midnight_ns(s->since), hi = midnight_ns(wol_date_add(s->today, 1));
	/* the newest records of the period ("+circle": by kind and date), the
	 * question's title looked up only for the answers kept */
	const char *recent =
		"SELECT x.kind, x.author, coalesce(x.title, (SELECT q.title FROM docs q "
		"WHERE q.circle = x.circle AND q.qid = x.qid AND +q.kind = 'question')), "
		"x.path, x.qid, x.date, x.mtime FROM (SELECT circle, kind, author, title, path, qid, "
		"date, mtime FROM docs d WHERE +d.circle = ?1 AND d.kind IN ('note', 'question', 'answer') "
		"AND d.date >= ?2 AND d.date <= ?3 ORDER BY d.date DESC, d.kind, d.path LIMIT ?4) x";
	/* notes created before the period that changed in it (here) */
	const char *changed = "SELECT kind, author, title, path, qid, date, mtime FROM docs "
	                      "WHERE circle = ?1 AND kind = 'note' AND mtime >= ?2 AND mtime < ?3 "
	                      "AND (date IS NULL OR date < ?4)";
	const char *count = "SELECT sum(n) FROM daily WHERE circle = ?1 AND day >= ?2 AND day <= ?3";
	sqlite3_stmt *st = NULL;
	wol_status_item *v = NULL;
	size_t n = 0, cap = 0;
	long total = 0;
	int rc = 0;
	if (sqlite3_prepare_v2(db, recent, -1, &st, NULL) != SQLITE_OK)
		return wol_sql_fail(db, err, "status", "recent shares");
	sqlite3_bind_text(st, 1, s->circle, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, from, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, to, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, limit);
	rc = collect(db, st, s, from, &v, &n, &cap, err);
	sqlite3_finalize(st);
	if (rc == 0 && sqlite3_prepare_v2(db, count, -1, &st, NULL) != SQLITE_OK)
		rc = wol_sql_fail(db, err, "status", "recent shares");
	if (rc == 0) {
		sqlite3_bind_text(st, 1, s->circle, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, from, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, to, -1, SQLITE_STATIC);
		int r = sqlite3_step(st);
		if (r == SQLITE_ROW)
			total = (long)sqlite3_column_int64(st, 0);
		else
			rc = wol_sql_fail(db, err, "status", "recent shares");
		sqlite3_finalize(st);
	}
	size_t before = n;
	if (rc == 0 && sqlite3_prepare_v2(db, changed, -1, &st, NULL) != SQLITE_OK)
		rc = wol_sql_fail(db, err, "status", "recent shares");
	if (rc == 0) {
		sqlite3_bind_text(st, 1, s->circle, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, lo);
		sqlite3_bind_int64(st, 3, hi);
		sqlite3_bind_text(st, 4, from, -1, SQLITE_STATIC);
		rc = collect(db, st, s, from, &v, &n, &cap, err);
		sqlite3_finalize(st);
	}
	if (rc) {
		for (size_t i = 0; i < n; i++)
			item_free(&v[i]);
		free(v);
		return rc;
	}
	if (n > 1)
		qsort(v, n, sizeof *v, cmp_item);
	s->items_total = total + (long)(n - before);
	size_t keep = n < (size_t)limit ? n : (size_t)limit;
	for (size_t i = keep; i < n; i++)
		item_free(&v[i]);
	s->items = v;
	s->nitems = keep;
	return 0;
}

/* ------------------------------------------------------------- feedback */

/* Feedback on my notes by others since `since` (counted, the newest
 * listed with the note's title) and feedback I gave. A note is mine when
 * its row's rid (its note id) names the folder of a note of mine; the
 * `addressed` marks are not feedback. */
static int feedback_since(sqlite3 *db, wol_status *s, int limit, wol_error *err)
{
	char from[11], to[11];
	wol_date_format(s->since, from);
	wol_date_format(s->today, to);
	const char *mine_sql =
		"FROM docs f JOIN docs n ON n.circle = f.circle AND n.rid = f.target AND n.kind = 'note'"
		" WHERE f.circle = ?1 AND f.kind = 'feedback' AND coalesce(f.evkind, '') <> 'addressed'"
		" AND f.date >= ?2 AND f.date <= ?3 AND n.author = ?4 AND coalesce(f.author, '') <> ?4";
	char *count = wol_strfmt("SELECT count(DISTINCT f.id) %s", mine_sql);
	char *list = wol_strfmt("SELECT f.author, n.title, f.path, f.date, f.sortkey %s"
	                        " GROUP BY f.id ORDER BY f.sortkey DESC, f.path DESC LIMIT ?5",
	                        mine_sql);
	const char *gave = "SELECT count(*) FROM docs WHERE circle = ?1 AND kind = 'feedback' AND "
	                   "coalesce(evkind, '') <> 'addressed' AND date >= ?2 AND date <= ?3 AND "
	                   "author = ?4";
	const char *sql[3] = {count, gave, list};
	int rc = count && list ? 0 : wol_error_set(err, WOL_ENOMEM, "out of memory");
	if (rc == 0 && !(s->feedback = calloc((size_t)limit, sizeof *s->feedback)))
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
	for (int k = 0; rc == 0 && k < 3; k++) {
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(db, sql[k], -1, &st, NULL) != SQLITE_OK) {
			rc = wol_sql_fail(db, err, "status", "feedback");
			break;
		}
		sqlite3_bind_text(st, 1, s->circle, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, from, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, to, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, s->handle, -1, SQLITE_STATIC);
		if (k == 2)
			sqlite3_bind_int(st, 5, limit);
		int r;
		while ((r = sqlite3_step(st)) == SQLITE_ROW) {
			if (k == 0) {
				s->feedback_in = (long)sqlite3_column_int64(st, 0);
				continue;
			}
			if (k == 1) {
				s->feedback_out = (long)sqlite3_column_int64(st, 0);
				continue;
			}
			if (s->nfeedback == (size_t)limit)
				continue;
			wol_status_item *it = &s->feedback[s->nfeedback++];
			it->kind = "feedback";
			it->author = wol_sql_col_dup(st, 0);
			it->title = wol_sql_col_dup(st, 1);
			char *abs = wol_sql_col_dup(st, 2);
			it->path = circle_rel(s->circle, abs);
			free(abs);
			col_date(st, 3, it->date);
			if (!it->path) {
				rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
				break;
			}
		}
		if (rc == 0 && r != SQLITE_DONE)
			rc = wol_sql_fail(db, err, "status", "feedback");
		sqlite3_finalize(st);
	}
	free(count);
	free(list);
	return rc;
}

/* -------------------------------------------------------- open questions */

static int open_questions(sqlite3 *db, wol_status *s, int limit, wol_error *err)
{
	/* state, title and answer count as question/replay.c computes them
	 * (stored in qlist by the index refresh, see qlist.c) */
	const char *count = "SELECT count(*) FROM qlist WHERE circle = ?1 AND state = 'open'";
	sqlite3_stmt *cst;
	if (sqlite3_prepare_v2(db, count, -1, &cst, NULL) != SQLITE_OK)
		return wol_sql_fail(db, err, "status", "open questions");
	sqlite3_bind_text(cst, 1, s->circle, -1, SQLITE_STATIC);
	int cr = sqlite3_step(cst);
	if (cr == SQLITE_ROW)
		s->open_total = (long)sqlite3_column_int64(cst, 0);
	sqlite3_finalize(cst);
	if (cr != SQLITE_ROW)
		return wol_sql_fail(db, err, "status", "open questions");
	const char *sql =
		"SELECT l.qid, l.title, l.author, q.date, q.path, l.answers FROM qlist l"
		" JOIN docs q ON q.circle = l.circle AND q.qid = l.qid AND q.kind = 'question'"
		" WHERE l.circle = ?1 AND l.state = 'open'"
		" ORDER BY q.sortkey DESC, l.qid DESC LIMIT ?2";
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return wol_sql_fail(db, err, "status", "open questions");
	sqlite3_bind_text(st, 1, s->circle, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, limit);
	s->open = calloc((size_t)limit, sizeof *s->open);
	if (!s->open) {
		sqlite3_finalize(st);
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	int r, rc = 0;
	while ((r = sqlite3_step(st)) == SQLITE_ROW && s->nopen < (size_t)limit) {
		wol_status_question *q = &s->open[s->nopen++];
		q->qid = wol_sql_col_dup(st, 0);
		q->title = wol_sql_col_dup(st, 1);
		q->author = wol_sql_col_dup(st, 2);
		col_date(st, 3, q->date);
		char *abs = wol_sql_col_dup(st, 4);
		q->path = circle_rel(s->circle, abs);
		free(abs);
		q->answers = (long)sqlite3_column_int64(st, 5);
		wol_date d;
		if (q->date[0] && wol_date_parse(q->date, s->today, &d, NULL) == 0)
			q->age = (int)wol_date_diff(s->today, d);
		q->mine = q->author && strcmp(q->author, s->handle) == 0;
		if (!q->qid || !q->path) {
			rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
			break;
		}
	}
	if (rc == 0 && r != SQLITE_DONE)
		rc = wol_sql_fail(db, err, "status", "open questions");
	sqlite3_finalize(st);
	return rc;
}

/* ------------------------------------------------------------- the grid */

static int grid(wol_ctx *ctx, wol_index *ix, sqlite3 *db, wol_status *s, wol_error *err)
{
	wol_date monday = wol_date_add(s->today, -wol_date_weekday(s->today));
	s->grid_start = wol_date_add(monday, -7L * (WOL_STATUS_WEEKS - 1));
	s->grid_today = (int)wol_date_diff(s->today, s->grid_start);
	char from[11], to[11];
	wol_date_format(s->grid_start, from);
	wol_date_format(s->today, to);
	sqlite3_stmt *st;
	const char *sql = "SELECT day, sum(CASE WHEN author = ?4 THEN n ELSE 0 END), sum(n) "
	                  "FROM daily WHERE circle = ?1 AND day >= ?2 AND day <= ?3 GROUP BY day";
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return wol_sql_fail(db, err, "status", "activity");
	sqlite3_bind_text(st, 1, s->circle, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, from, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, to, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, s->handle, -1, SQLITE_STATIC);
	int r;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		char day[11];
		wol_date d;
		col_date(st, 0, day);
		if (wol_date_parse(day, s->today, &d, NULL) != 0)
			continue;
		long i = wol_date_diff(d, s->grid_start);
		if (i < 0 || i >= WOL_STATUS_DAYS)
			continue;
		long mine = (long)sqlite3_column_int64(st, 1), all = (long)sqlite3_column_int64(st, 2);
		s->mine[i] = (unsigned short)(mine > 65535 ? 65535 : mine);
		s->everyone[i] = (unsigned short)(all > 65535 ? 65535 : all);
	}
	int rc = r == SQLITE_DONE ? 0 : wol_sql_fail(db, err, "status", "activity");
	sqlite3_finalize(st);
	if (rc)
		return rc;

	/* the journal and every act, for the streaks and my private acts (this
	 * circle's index is fresh; the other circles' acts count as they are) */
	wol_activity act;
	wol_activity_opts ao = {ix, 1};
	rc = wol_activity_get(ctx, &ao, &act, err);
	if (rc)
		return rc;
	for (size_t i = 0; i < act.n; i++) {
		long k = wol_date_diff(act.days[i].date, s->grid_start);
		unsigned f = act.days[i].flags;
		if (k < 0 || k > s->grid_today)
			continue;
		s->journal[k] = (f & WOL_DAY_WRITTEN) != 0;
		s->acts[k] = (unsigned char)(((f & WOL_DAY_DONE) != 0) + ((f & WOL_DAY_GAVE) != 0));
	}
	for (size_t i = 0; rc == 0 && i < act.nwarnings; i++)
		rc = add_warning(s, act.warnings[i]) ? wol_error_set(err, WOL_ENOMEM, "out of memory") : 0;
	s->streak = act.active.current;
	s->longest = act.active.longest;
	s->journal_week = act.written.week;
	s->active_week = act.active.week;
	wol_activity_free(&act);
	return rc;
}

/* ------------------------------------------------------------ your list */

/* Your contributions this week and the people to reach out to, from your
 * private list (people/). A list that cannot be read is a warning. */
static int your_people(wol_ctx *ctx, wol_index *ix, int stale_days, wol_status *s, wol_error *err)
{
	wol_people p;
	wol_people_opts o = {0};
	o.ix = ix;
	o.norefresh = 1;
	o.stale_days = stale_days;
	wol_error perr;
	if (wol_people_list(ctx, &o, &p, &perr) != 0)
		return add_warning(s, perr.msg) ? wol_error_set(err, WOL_ENOMEM, "out of memory") : 0;
	s->given_week = p.week;
	s->people = (long)p.n;
	for (size_t i = 0; i < p.nreach && s->nreach < WOL_PEOPLE_REACH; i++) {
		const wol_person *x = &p.items[p.reach[i]];
		wol_status_reach *r = &s->reach[s->nreach];
		if (!(r->name = wol_strfmt("%s", x->name))) {
			wol_people_free(&p);
			return wol_error_set(err, WOL_ENOMEM, "out of memory");
		}
		r->days = x->days;
		s->nreach++;
	}
	wol_people_free(&p);
	return 0;
}

/* ------------------------------------------------------------ the whole */

int wol_status_get(wol_ctx *ctx, wol_index *ix, const wol_status_opts *opts, wol_status *out,
                   wol_error *err)
{
	memset(out, 0, sizeof *out);
	int limit = opts && opts->limit > 0 ? opts->limit : DEFAULT_LIMIT;
	wol_circle *c = NULL;
	int rc = wol_circle_open(ctx, opts ? opts->circle : NULL, &c, err);
	if (rc)
		return rc;
	wol_index *own = NULL;
	if (!ix) {
		rc = wol_index_open(ctx, &own, err);
		ix = own;
	}
	if (rc == 0)
		rc = header(ctx, c, out, err);
	if (rc == 0 && !(opts && opts->norefresh)) {
		wol_index_report rep;
		memset(&rep, 0, sizeof rep);
		rc = wol_index_refresh_circle(ix, out->circle, &rep, err);
		out->notice = rep.notice;
	}
	sqlite3 *db = NULL;
	if (rc == 0 && !(db = wol_index__db(ix, err)))
		rc = err && err->code ? err->code : WOL_ESQL;
	if (rc == 0)
		rc = members(c, db, out, err);
	if (rc == 0)
		rc = since(db, out, limit, err);
	if (rc == 0)
		rc = open_questions(db, out, limit, err);
	if (rc == 0)
		rc = feedback_since(db, out, limit, err);
	if (rc == 0)
		rc = grid(ctx, ix, db, out, err);
	if (rc == 0)
		rc = your_people(ctx, ix, opts ? opts->stale_days : 0, out, err);
	wol_index_close(own);
	wol_circle_close(c);
	if (rc)
		wol_status_free(out);
	return rc;
}
