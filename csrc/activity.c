/* activity.c - the days you worked out loud: the journal written, and the
 * acts (a share, a question, an answer in any circle; the challenge marked
 * done; a contribution given). Streaks count a day when either happened. */
#include "index/index_int.h"
#include "people/people_int.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ------------------------------------------------------------ the days */

typedef struct days {
	long *v;         /* day numbers (wol_date_to_days) */
	unsigned *flags;
	size_t n, cap;
	int oom;
} days;

static void add(days *d, long day, unsigned flag)
{
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 128;
		long *v = realloc(d->v, cap * sizeof *v);
		if (v)
			d->v = v;
		unsigned *f = v ? realloc(d->flags, cap * sizeof *f) : NULL;
		if (!v || !f) {
			d->oom = 1;
			return;
		}
		d->flags = f;
		d->cap = cap;
	}
	d->v[d->n] = day;
	d->flags[d->n] = flag;
	d->n++;
}

/* Sorts by day and merges repeats (their flags or'ed). */
static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return x < y ? -1 : x > y;
}

/* ------------------------------------------------------------ streaks */

/* The figures of wol_journal_stats over a sorted list of distinct days
 * (those after today left out). */
static void stats_of(const wol_activity_day *v, size_t n, unsigned mask, wol_date today,
                     wol_journal_stats *s)
{
	memset(s, 0, sizeof *s);
	s->today = today;
	long t = wol_date_to_days(today);
	long week0 = t - wol_date_weekday(today);
	long month0 = t - (today.d - 1);
	long run = 0, prev = 0;
	int have_prev = 0;
	for (size_t i = 0; i < n; i++) {
		if (!(v[i].flags & mask))
			continue;
		long x = wol_date_to_days(v[i].date);
		if (x > t)
			break;
		run = have_prev && x == prev + 1 ? run + 1 : 1;
		prev = x;
		have_prev = 1;
		if (run > s->longest)
			s->longest = (int)run;
		s->total++;
		s->week += x >= week0;
		s->month += x >= month0;
		s->last = v[i].date;
	}
	if (have_prev && (prev == t || prev == t - 1))
		s->current = (int)run;
	s->today_written = have_prev && prev == t;
}

/* --------------------------------------------------------------- sources */

static int warn(wol_activity *a, const char *msg)
{
	char **w = realloc(a->warnings, (a->nwarnings + 1) * sizeof *w);
	if (!w)
		return -1;
	a->warnings = w;
	if (!(w[a->nwarnings] = wol_strfmt("%s", msg)))
		return -1;
	a->nwarnings++;
	return 0;
}

/* My notes, questions and answers by day, in every circle, from the
 * index's daily counts (each circle's new commits taken in first). A
 * problem with the index is a warning: the journal's days still count. */
static int circle_days(wol_ctx *ctx, const wol_activity_opts *opts, wol_activity *a, days *d)
{
	const char *me = wol_ctx_identity(ctx)->handle;
	char **circles = NULL;
	size_t nc = 0;
	wol_error err;
	if (!me[0] || wol_ctx_circles(ctx, &circles, &nc, &err) != 0 || nc == 0) {
		wol_strv_free(circles, nc);
		return 0; /* no one to look for, or no circle to look in */
	}
	wol_index *ix = opts ? opts->ix : NULL, *own = NULL;
	int rc = 0;
	if (!ix && wol_index_open(ctx, &own, &err) == 0)
		ix = own;
	if (!ix) {
		rc = warn(a, err.msg);
		goto out;
	}
	for (size_t i = 0; !(opts && opts->norefresh) && i < nc; i++) {
		wol_index_report rep;
		memset(&rep, 0, sizeof rep);
		int failed = wol_index_refresh_circle(ix, circles[i], &rep, &err) != 0;
		wol_index_report_free(&rep);
		if (failed && (rc = warn(a, err.msg)) != 0)
			goto out;
	}
	sqlite3 *db = wol_index__db(ix, &err);
	sqlite3_stmt *st = NULL;
	if (!db || sqlite3_prepare_v2(db, "SELECT DISTINCT day FROM daily WHERE author = ?1", -1, &st,
	                              NULL) != SQLITE_OK) {
		if (db)
			wol_sql_fail(db, &err, "activity", "the days of your acts");
		rc = warn(a, err.msg);
		goto out;
	}
	sqlite3_bind_text(st, 1, me, -1, SQLITE_STATIC);
	int r;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		const char *day = (const char *)sqlite3_column_text(st, 0);
		wol_date dt;
		if (day && wol_date_parse(day, a->today, &dt, NULL) == 0 && day[0] != '+' &&
		    day[0] != '-')
			add(d, wol_date_to_days(dt), WOL_DAY_CIRCLE);
	}
	if (r != SQLITE_DONE) {
		wol_sql_fail(db, &err, "activity", "the days of your acts");
		rc = warn(a, err.msg);
	}
	sqlite3_finalize(st);
	/* a note shared again later (a new version) is an act of its day too:
	 * the day the file last changed here, as the weekly review counts it */
	st = NULL;
	if (rc == 0 && sqlite3_prepare_v2(db,
	                                  "SELECT mtime FROM docs WHERE kind = 'note' AND author = ?1",
	                                  -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, me, -1, SQLITE_STATIC);
		while (sqlite3_step(st) == SQLITE_ROW) {
			time_t when = (time_t)(sqlite3_column_int64(st, 0) / 1000000000LL);
			struct tm tm;
			if (localtime_r(&when, &tm)) {
				wol_date dt = {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
				add(d, wol_date_to_days(dt), WOL_DAY_CIRCLE);
			}
		}
	}
	sqlite3_finalize(st);
out:
	wol_index_close(own);
	wol_strv_free(circles, nc);
	return rc;
}

/* --------------------------------------------------------------- the whole */

int wol_activity_get(wol_ctx *ctx, const wol_activity_opts *opts, wol_activity *out,
                     wol_error *err)
{
	memset(out, 0, sizeof *out);
	out->today = wol_ctx_today(ctx);
	days d = {0};
	wol_journal_entries list;
	int rc = wol_journal_list(ctx, 1, &list, err);
	if (rc)
		return rc;
	out->entries = list.n;
	wol_journal_stats_of(&list, out->today, &out->written);
	for (size_t i = 0; i < list.n; i++) {
		const wol_journal_entry *e = &list.items[i];
		unsigned f = (e->written ? WOL_DAY_WRITTEN : 0) | (e->done ? WOL_DAY_DONE : 0);
		if (f)
			add(&d, wol_date_to_days(e->date), f);
	}
	for (size_t i = 0; !d.oom && i < list.nwarnings; i++)
		d.oom = warn(out, list.warnings[i]) != 0;
	wol_journal_entries_free(&list);

	long *given = NULL;
	size_t ngiven = 0;
	if (!d.oom && wol_people__give_days(ctx, &given, &ngiven, err) == 0) {
		for (size_t i = 0; i < ngiven; i++)
			add(&d, given[i], WOL_DAY_GAVE);
		free(given);
	} else if (!d.oom) {
		d.oom = warn(out, err->msg) != 0;
	}
	if (!d.oom && circle_days(ctx, opts, out, &d) != 0)
		d.oom = 1;

	/* sorted, one element a day */
	long *order = NULL;
	if (!d.oom && d.n) {
		/* sort day numbers with their flags: pack both into pairs */
		wol_activity_day *v = calloc(d.n, sizeof *v);
		order = calloc(d.n, sizeof *order);
		if (!v || !order) {
			free(v);
			d.oom = 1;
		} else {
			memcpy(order, d.v, d.n * sizeof *order);
			qsort(order, d.n, sizeof *order, cmp_long);
			size_t m = 0;
			for (size_t i = 0; i < d.n; i++)
				if (m == 0 || order[m - 1] != order[i])
					order[m++] = order[i];
			for (size_t i = 0; i < m; i++)
				v[i].date = wol_date_from_days(order[i]);
			for (size_t i = 0; i < d.n; i++) {
				/* the slot of d.v[i]: binary search in order[0..m) */
				size_t lo = 0, hi = m;
				while (lo < hi) {
					size_t mid = lo + (hi - lo) / 2;
					if (order[mid] < d.v[i])
						lo = mid + 1;
					else
						hi = mid;
				}
				v[lo].flags |= d.flags[i];
			}
			out->days = v;
			out->n = m;
		}
	}
	free(order);
	free(d.v);
	free(d.flags);
	if (d.oom) {
		wol_activity_free(out);
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	stats_of(out->days, out->n, WOL_DAY_WRITTEN | WOL_DAY_ACT, out->today, &out->active);
	wol_journal_stats acts;
	stats_of(out->days, out->n, WOL_DAY_ACT, out->today, &acts);
	out->acted = acts.total;
	out->today_acted = acts.today_written;
	return 0;
}

void wol_activity_free(wol_activity *a)
{
	if (!a)
		return;
	free(a->days);
	wol_strv_free(a->warnings, a->nwarnings);
	memset(a, 0, sizeof *a);
}

unsigned wol_activity_flags(const wol_activity *a, wol_date d)
{
	long x = wol_date_to_days(d);
	size_t lo = 0, hi = a->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		long y = wol_date_to_days(a->days[mid].date);
		if (y == x)
			return a->days[mid].flags;
		if (y < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}
