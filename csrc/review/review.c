/* review/review.c - the weekly review: one ISO week looked back on. The
 * acts come from the index (the same records the dashboard counts: notes,
 * questions, answers and resolve events of the member, by their dates),
 * the days written and the challenges done from the week's journal
 * entries, the reflection questions from the prompt of the week's Sunday. */
#include "index/index_int.h"
#include "review/review_int.h"
#include "repo/private.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char *dup(const char *s)
{
	return s ? wol_strfmt("%s", s) : NULL;
}

/* ----------------------------------------------------------- ISO weeks */

/* The ISO year and week of a date: the week belongs to the year of its
 * Thursday. */
static void iso_week(wol_date d, int *year, int *week)
{
	wol_date thu = wol_date_add(d, 3 - wol_date_weekday(d));
	wol_date jan1 = {thu.y, 1, 1};
	*year = thu.y;
	*week = (int)(wol_date_diff(thu, jan1) / 7) + 1;
}

/* Monday of week 1: the Monday of the week holding 4 January. */
static wol_date week1_monday(int year)
{
	wol_date jan4 = {year, 1, 4};
	return wol_date_add(jan4, -wol_date_weekday(jan4));
}

void wol_review__week_name(wol_date monday, char *buf)
{
	int y, w;
	iso_week(monday, &y, &w);
	char tmp[32];
	snprintf(tmp, sizeof tmp, "%04d-W%02d", y, w);
	memcpy(buf, tmp, 8);
	buf[8] = '\0';
}

int wol_review_week(wol_ctx *ctx, const char *s, wol_date *monday, char *name, wol_error *err)
{
	wol_date d = wol_ctx_today(ctx);
	int y, w;
	char tail;
	if (s && strlen(s) == 8 && sscanf(s, "%4d-W%2d%c", &y, &w, &tail) == 2 && s[4] == '-' &&
	    (s[5] == 'W' || s[5] == 'w')) {
		wol_date m = wol_date_add(week1_monday(y), 7L * (w - 1));
		int yy, ww;
		iso_week(m, &yy, &ww);
		if (w < 1 || yy != y || ww != w)
			return wol_error_set(err, WOL_EINVAL, "review: week '%s': %d has no week %d", s, y, w);
		d = m;
	} else if (s && *s) {
		wol_error derr;
		if (wol_date_parse(s, d, &d, &derr) != 0)
			return wol_error_set(err, WOL_EINVAL,
			                     "review: week '%s': use YYYY-Www (2026-W10) or a date", s);
	}
	*monday = wol_date_add(d, -wol_date_weekday(d));
	if (name)
		wol_review__week_name(*monday, name);
	return 0;
}

char *wol_review__path(const wol_ctx *ctx, const char *week)
{
	return wol_strfmt("%s/journal/%.4s/%s.md", wol_ctx_home(ctx), week, week);
}

/* ------------------------------------------------------------- results */

static void act_free(wol_review_act *a)
{
	free(a->title);
	free(a->path);
	free(a->detail);
}

void wol_review_free(wol_review *r)
{
	if (!r)
		return;
	free(r->circle);
	free(r->path);
	for (size_t i = 0; i < r->nacts; i++)
		act_free(&r->acts[i]);
	free(r->acts);
	free(r->goal);
	free(r->goal_before);
	wol_strv_free(r->reflect, r->nreflect);
	free(r->text);
	wol_strv_free(r->warnings, r->nwarnings);
	memset(r, 0, sizeof *r);
}

typedef struct acc {
	wol_review *r;
	size_t cap, wcap;
	int oom;
} acc;

static wol_review_act *act_add(acc *a, const char *kind, const char *date)
{
	wol_review *r = a->r;
	if (r->nacts == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 16;
		wol_review_act *v = realloc(r->acts, cap * sizeof *v);
		if (!v) {
			a->oom = 1;
			return NULL;
		}
		r->acts = v;
		a->cap = cap;
	}
	wol_review_act *x = &r->acts[r->nacts++];
	memset(x, 0, sizeof *x);
	x->kind = kind;
	snprintf(x->date, sizeof x->date, "%s", date ? date : "");
	return x;
}

static void warn(acc *a, char *msg)
{
	wol_review *r = a->r;
	if (!msg) {
		a->oom = 1;
		return;
	}
	if (r->nwarnings == a->wcap) {
		size_t cap = a->wcap ? a->wcap * 2 : 4;
		char **v = realloc(r->warnings, cap * sizeof *v);
		if (!v) {
			free(msg);
			a->oom = 1;
			return;
		}
		r->warnings = v;
		a->wcap = cap;
	}
	r->warnings[r->nwarnings++] = msg;
}

/* ------------------------------------------------------------- journal */

/* Days written and challenges done: the week's seven daily entries. A
 * challenge is done when the entry's front matter says `challenge: done`
 * (what :WolDone writes). */
static void journal_days(wol_ctx *ctx, acc *a)
{
	wol_review *r = a->r;
	for (int i = 0; i < 7; i++) {
		wol_date d = wol_date_add(r->from, i);
		char *path = wol_journal_path(ctx, d);
		char *text = NULL;
		size_t len = 0;
		wol_error e;
		if (!path) {
			a->oom = 1;
			return;
		}
		int rc = wol_fs_read(path, WOL_JOURNAL_MAX_BYTES, 1, &text, &len, &e);
		if (rc == WOL_ENOTFOUND) {
			free(path);
			continue;
		}
		if (rc) {
			free(path);
			warn(a, wol_strfmt("%s", e.msg));
			continue;
		}
		if (wol_journal_entry_written(path, text, len)) {
			r->written[i] = 1;
			r->days++;
		}
		free(path);
		wol_doc doc;
		if (wol_doc_parse(text, len, "journal", &doc, NULL) == 0) {
			const char *ch = wol_yaml_str(doc.meta, "challenge");
			if (ch && strcmp(ch, "done") == 0) {
				char day[11];
				wol_date_format(d, day);
				wol_review_act *x = act_add(a, "challenge", day);
				const char *what = wol_yaml_str(doc.meta, "challenge_title");
				if (x && !(x->title = dup(what ? what : "the day's challenge")))
					a->oom = 1;
				r->challenges++;
			}
			wol_doc_free(&doc);
		}
		free(text);
	}
}

/* --------------------------------------------------------------- circle */

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

static void local_day(long long ns, char out[11])
{
	time_t t = (time_t)(ns / 1000000000LL);
	struct tm tm;
	localtime_r(&t, &tm);
	wol_date d = {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
	wol_date_format(d, out);
}

static char *col(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? wol_strfmt("%s", (const char *)s) : NULL;
}

/* "circles/<c>/rest" -> "rest" */
static char *circle_rel(const char *path)
{
	if (!path)
		return NULL;
	const char *p = strchr(path, '/');
	p = p ? strchr(p + 1, '/') : NULL;
	return wol_strfmt("%s", p ? p + 1 : path);
}

/* My acts in the circle during the week, from the index: notes created
 * (or changed here) in the week, questions asked, answers given and my
 * questions resolved, each by its own date. */
static int circle_acts(sqlite3 *db, const char *circle, const char *me, acc *a, wol_error *err)
{
	wol_review *r = a->r;
	char from[11], to[11];
	wol_date_format(r->from, from);
	wol_date_format(r->to, to);
	long long lo = midnight_ns(r->from), hi = midnight_ns(wol_date_add(r->to, 1));
	static const char *const sql[] = {
		/* notes shared: new in the week, or created before and changed in it */
		"SELECT 'share', title, path, date, mtime, NULL, NULL, NULL FROM docs WHERE circle = ?1 "
		"AND author = ?2 AND kind = 'note' AND ((date >= ?3 AND date <= ?4) OR (mtime >= ?5 "
		"AND mtime < ?6 AND (date IS NULL OR date < ?3)))",
		/* questions asked, with their state and answers now */
		"SELECT 'ask', d.title, d.path, d.date, d.mtime, l.state, l.answers, NULL FROM docs d "
		"LEFT JOIN qlist l ON l.circle = d.circle AND l.qid = d.qid WHERE d.circle = ?1 AND "
		"d.author = ?2 AND d.kind = 'question' AND d.date >= ?3 AND d.date <= ?4",
		/* answers given: the question's title and asker */
		"SELECT 'answer', q.title, q.path, d.date, d.mtime, q.author, NULL, NULL FROM docs d "
		"JOIN docs q ON q.circle = d.circle AND q.qid = d.qid AND q.kind = 'question' WHERE "
		"d.circle = ?1 AND d.author = ?2 AND d.kind = 'answer' AND d.date >= ?3 AND d.date <= ?4",
		/* my questions resolved, with what helped (the resolve that holds) */
		"SELECT 'resolve', q.title, q.path, d.date, d.mtime, l.state, NULL, l.helped FROM docs d "
		"JOIN docs q ON q.circle = d.circle AND q.qid = d.qid AND q.kind = 'question' "
		"LEFT JOIN qlist l ON l.circle = d.circle AND l.qid = d.qid WHERE d.circle = ?1 AND "
		"d.author = ?2 AND d.kind = 'event' AND d.evkind = 'resolve' AND d.date >= ?3 AND "
		"d.date <= ?4",
	};
	for (size_t k = 0; k < sizeof sql / sizeof sql[0]; k++) {
		sqlite3_stmt *st = NULL;
		if (sqlite3_prepare_v2(db, sql[k], -1, &st, NULL) != SQLITE_OK)
			return wol_error_set(err, WOL_ESQL, "review: %s", sqlite3_errmsg(db));
		sqlite3_bind_text(st, 1, circle, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, me, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, from, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, to, -1, SQLITE_STATIC);
		if (k == 0) {
			sqlite3_bind_int64(st, 5, lo);
			sqlite3_bind_int64(st, 6, hi);
		}
		int rc;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			const char *date = (const char *)sqlite3_column_text(st, 3);
			char day[11];
			int updated = 0;
			snprintf(day, sizeof day, "%s", date ? date : "");
			if (k == 0 && (!date || strcmp(date, from) < 0)) {
				local_day(sqlite3_column_int64(st, 4), day);
				updated = 1;
			}
			static const char *const kinds[] = {"share", "ask", "answer", "resolve"};
			wol_review_act *x = act_add(a, kinds[k], day);
			if (!x)
				break;
			x->title = col(st, 1);
			x->path = circle_rel((const char *)sqlite3_column_text(st, 2));
			if (k == 0) {
				x->detail = dup(updated ? "updated" : "new");
				r->shares++;
			} else if (k == 1) {
				x->detail = col(st, 5);
				x->count = (long)sqlite3_column_int64(st, 6);
				r->asked++;
			} else if (k == 2) {
				x->detail = col(st, 5);
				r->answered++;
			} else {
				/* a resolve that a later reopen undid has no "what helped" now */
				const char *state = (const char *)sqlite3_column_text(st, 5);
				x->detail = state && strcmp(state, "resolved") == 0 ? col(st, 7) : NULL;
				r->resolved++;
			}
			if (!x->title || !x->path)
				a->oom = 1;
		}
		if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
			int e = wol_error_set(err, WOL_ESQL, "review: %s", sqlite3_errmsg(db));
			sqlite3_finalize(st);
			return e;
		}
		sqlite3_finalize(st);
	}
	return 0;
}

/* My goal now. Whether it changed during the week comes from the goal's
 * history (the people records' wol_goal_history_get) once the library has
 * it; until then only the goal as it is now is shown. */
static void goal(wol_circle *c, acc *a)
{
	wol_member *mv = NULL;
	size_t n = 0;
	if (wol_circle_members(c, &mv, &n, NULL) != 0)
		return;
	for (size_t i = 0; i < n; i++)
		if (strcmp(mv[i].handle, wol_circle_handle(c)) == 0 && mv[i].goal &&
		    !(a->r->goal = dup(mv[i].goal)))
			a->oom = 1;
	wol_members_free(mv, n);
}

/* Contributions given during the week come from the people records once
 * the library has them (wol_people_list); none are counted until then. */
static void contributions(wol_ctx *ctx, acc *a)
{
	(void)ctx;
	(void)a;
}

/* The reflection questions of the week's end: the prompt of its Sunday. */
static void reflect(wol_ctx *ctx, const char *circle, acc *a)
{
	wol_prompt p;
	wol_prompt_opts po;
	memset(&po, 0, sizeof po);
	char *dir = circle ? wol_ctx_circle_path(ctx, circle) : NULL;
	po.circle_dir = dir;
	wol_error e;
	if (wol_prompt_get(ctx, a->r->to, &po, &p, &e) != 0) {
		warn(a, wol_strfmt("%s", e.msg));
		free(dir);
		return;
	}
	free(dir);
	size_t n = p.nquestions < 4 ? p.nquestions : 4;
	if (n) {
		a->r->reflect = calloc(n, sizeof *a->r->reflect);
		for (size_t i = 0; a->r->reflect && i < n; i++)
			if ((a->r->reflect[a->r->nreflect] = dup(p.questions[i])) != NULL)
				a->r->nreflect++;
		if (!a->r->reflect || a->r->nreflect != n)
			a->oom = 1;
	}
	wol_prompt_free(&p);
}

static int act_order(const char *kind)
{
	static const char *const order[] = {"share", "ask", "answer", "resolve", "contribution",
	                                    "challenge"};
	for (int i = 0; i < 6; i++)
		if (strcmp(kind, order[i]) == 0)
			return i;
	return 6;
}

static int cmp_act(const void *x, const void *y)
{
	const wol_review_act *a = x, *b = y;
	int c = strcmp(a->date, b->date);
	if (c)
		return c;
	c = act_order(a->kind) - act_order(b->kind);
	return c ? c : strcmp(a->title ? a->title : "", b->title ? b->title : "");
}

/* ------------------------------------------------------------------ get */

int wol_review_get(wol_ctx *ctx, wol_index *ix, const wol_review_opts *opts, wol_review *out,
                   wol_error *err)
{
	memset(out, 0, sizeof *out);
	int rc = wol_review_week(ctx, opts ? opts->week : NULL, &out->from, out->week, err);
	if (rc)
		return rc;
	out->to = wol_date_add(out->from, 6);
	acc a = {out, 0, 0, 0};
	if (!(out->path = wol_review__path(ctx, out->week)))
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	out->saved = wol_fs_exists(out->path);
	journal_days(ctx, &a);
	contributions(ctx, &a);
	/* the circle: the one asked for, else the default one when there is one */
	char **names = NULL;
	size_t nnames = 0;
	if (!(opts && opts->circle) && wol_ctx_circles(ctx, &names, &nnames, NULL) != 0)
		nnames = 0;
	wol_circle *c = NULL;
	if (opts && opts->circle) {
		rc = wol_circle_open(ctx, opts->circle, &c, err);
	} else if (nnames) {
		wol_error cerr;
		if (wol_circle_open(ctx, NULL, &c, &cerr) != 0)
			warn(&a, wol_strfmt("%s", cerr.msg)); /* several circles, none chosen */
	}
	wol_strv_free(names, nnames);
	wol_index *own = NULL;
	if (rc == 0 && c) {
		if (!(out->circle = dup(wol_circle_name(c))))
			a.oom = 1;
		goal(c, &a);
		if (!ix) {
			rc = wol_index_open(ctx, &own, err);
			ix = own;
		}
		if (rc == 0 && !(opts && opts->norefresh)) {
			wol_index_report rep;
			memset(&rep, 0, sizeof rep);
			rc = wol_index_refresh_circle(ix, out->circle, &rep, err);
			if (rep.notice)
				warn(&a, dup(rep.notice));
			wol_index_report_free(&rep);
		}
		sqlite3 *db = NULL;
		if (rc == 0 && !(db = wol_index__db(ix, err)))
			rc = err && err->code ? err->code : WOL_ESQL;
		if (rc == 0)
			rc = circle_acts(db, out->circle, wol_circle_handle(c), &a, err);
	}
	wol_index_close(own);
	wol_circle_close(c);
	if (rc == 0)
		reflect(ctx, out->circle, &a);
	if (rc == 0 && out->nacts > 1)
		qsort(out->acts, out->nacts, sizeof *out->acts, cmp_act);
	if (rc == 0 && !a.oom) {
		if (out->saved && !(opts && opts->fresh)) {
			size_t len;
			wol_error rerr;
			if (wol_fs_read(out->path, WOL_JOURNAL_MAX_BYTES, 1, &out->text, &len, &rerr) != 0)
				rc = wol_error_set(err, rerr.code, "%s", wol_error_text(&rerr));
		} else if (!(out->text = wol_review__text(out))) {
			a.oom = 1;
		}
	}
	if (rc == 0 && a.oom)
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
	if (rc)
		wol_review_free(out);
	return rc;
}

/* ----------------------------------------------------------------- save */

#define LOCK_WAIT_MS 5000

int wol_review_save(wol_ctx *ctx, const char *week, const char *text, size_t len, char **path_out,
                    wol_error *err)
{
	if (path_out)
		*path_out = NULL;
	wol_date monday;
	char name[9];
	if (!week || !*week)
		return wol_error_set(err, WOL_EINVAL, "review: which week? (YYYY-Www)");
	int rc = wol_review_week(ctx, week, &monday, name, err);
	if (rc)
		return rc;
	if (strcmp(name, week) != 0)
		return wol_error_set(err, WOL_EINVAL, "review: week '%s': use YYYY-Www (%s)", week, name);
	if (!wol_utf8_valid(text, len))
		return wol_error_set(err, WOL_EINVAL, "review: the text is not valid UTF-8");
	char *path = wol_review__path(ctx, name);
	char rel[32];
	snprintf(rel, sizeof rel, "journal/%.4s", name);
	char *dir = NULL, *lockpath = NULL;
	if (!path)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	rc = wol_ctx_mkdir(ctx, "journal", 0700, NULL, err);
	if (rc == 0)
		rc = wol_ctx_mkdir(ctx, rel, 0700, &dir, err);
	if (rc == 0 && !(lockpath = wol_strfmt("%s/journal/.lock", wol_ctx_home(ctx))))
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
	wol_lock lk = {-1};
	if (rc == 0)
		rc = wol_lock_acquire(&lk, lockpath, LOCK_WAIT_MS, err);
	if (rc == 0)
		rc = wol_fs_write_atomic(path, text, len, 0600, err);
	wol_lock_release(&lk);
	if (rc == 0)
		wol_private__wrote(ctx, NULL); /* the private history takes it */
	free(lockpath);
	free(dir);
	if (rc == 0 && path_out)
		*path_out = path;
	else
		free(path);
	return rc;
}

/* ---------------------------------------------------------------- offer */

int wol_review_offer(wol_ctx *ctx, wol_date date, char **line, wol_error *err)
{
	*line = NULL;
	char **names = NULL;
	size_t n = 0;
	int rc = wol_ctx_circles(ctx, &names, &n, err);
	if (rc)
		return rc;
	int day = 4; /* Friday without a circle */
	const char *why = "the week is ending";
	if (n) {
		wol_circle *c = NULL;
		wol_circle_info info;
		day = -1;
		if (wol_circle_open(ctx, NULL, &c, NULL) == 0 &&
		    wol_circle_info_get(c, &info, NULL) == 0) {
			day = info.meets;
			wol_circle_info_free(&info);
		}
		wol_circle_close(c);
		why = "it is your circle's meeting day";
	}
	wol_strv_free(names, n);
	if (day < 0 || wol_date_weekday(date) != day)
		return 0;
	wol_date monday = wol_date_add(date, -wol_date_weekday(date));
	char week[9];
	wol_review__week_name(monday, week);
	char *path = wol_review__path(ctx, week);
	if (!path)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	int saved = wol_fs_exists(path);
	free(path);
	if (saved)
		return 0;
	*line = wol_strfmt("Weekly review: %s - look back on %s with :WolReview (wol review)", why,
	                   week);
	return *line ? 0 : wol_error_set(err, WOL_ENOMEM, "out of memory");
}
