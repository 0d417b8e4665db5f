/* journal/list.c - the entries there are: listing, neighbours, streaks */
#include "journal/journal_int.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ------------------------------------------------------------- listing */

static int entry_push(wol_journal_entries *l, wol_date d, char *path)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		wol_journal_entry *items = realloc(l->items, cap * sizeof *items);
		if (!items)
			return WOL_ENOMEM;
		l->items = items;
		l->cap = cap;
	}
	wol_journal_entry *e = &l->items[l->n++];
	memset(e, 0, sizeof *e);
	e->date = d;
	e->path = path;
	return 0;
}

static void warn_push(wol_journal_entries *l, const char *msg)
{
	char **w = realloc(l->warnings, (l->nwarnings + 1) * sizeof *w);
	if (!w)
		return;
	l->warnings = w;
	w[l->nwarnings] = wol_strfmt("%s", msg);
	if (w[l->nwarnings])
		l->nwarnings++;
}

static int cmp_newest(const void *a, const void *b)
{
	long x = wol_date_to_days(((const wol_journal_entry *)a)->date);
	long y = wol_date_to_days(((const wol_journal_entry *)b)->date);
	return x < y ? 1 : x > y ? -1 : 0;
}

static void read_one(wol_journal_entry *e, wol_journal_entries *l)
{
	char *text = NULL;
	size_t len = 0;
	wol_error err;
	if (wol_journal__read_entry(e->path, &text, &len, NULL, &err) != 0) {
		warn_push(l, err.msg);
		e->title = wol_strfmt("%s", "");
		return;
	}
	e->size = len;
	e->written = wol_journal_entry_written(e->path, text, len);
	wol_doc doc;
	size_t off = 0;
	if (wol_doc_parse(text, len, e->path, &doc, NULL) == 0) {
		off = wol_journal__line_offset(text, len, doc.body_line);
		e->done = wol_journal__done_of(doc.meta);
		wol_doc_free(&doc);
	}
	const char *s = text + off, *end = text + len;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
		if (!wol_journal__is_blank(s, n)) {
			while (n && isspace((unsigned char)s[n - 1]))
				n--;
			if (n > 200)
				n = 200;
			e->title = wol_strndup(s, n);
			break;
		}
		s = nl ? nl + 1 : end;
	}
	if (!e->title)
		e->title = wol_strfmt("%s", "");
	free(text);
}

int wol_journal_list(wol_ctx *ctx, int read, wol_journal_entries *out, wol_error *err)
{
	memset(out, 0, sizeof *out);
	char *jdir = wol_strfmt("%s/journal", wol_ctx_home(ctx));
	if (!jdir)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	struct stat st;
	if (stat(jdir, &st) != 0) {
		int e = errno;
		free(jdir);
		if (e == ENOENT)
			return 0; /* no journal yet */
		return wol_error_set(err, WOL_EIO, "journal: %s", strerror(e));
	}
	if (!S_ISDIR(st.st_mode)) {
		int rc = wol_error_set(err, WOL_EINVAL, "journal: %s exists and is not a directory", jdir);
		free(jdir);
		return rc;
	}
	DIR *d = opendir(jdir);
	if (!d) {
		int e = errno;
		int rc = wol_error_set(err, WOL_EIO, "journal: %s: %s", jdir, strerror(e));
		free(jdir);
		return rc;
	}
	int rc = 0;
	struct dirent *de;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		const char *y = de->d_name;
		if (strlen(y) != 4 || !isdigit((unsigned char)y[0]) || !isdigit((unsigned char)y[1]) ||
		    !isdigit((unsigned char)y[2]) || !isdigit((unsigned char)y[3]))
			continue;
		char *ydir = wol_strfmt("%s/%s", jdir, y);
		DIR *yd = ydir ? opendir(ydir) : NULL;
		if (!yd) {
			free(ydir);
			continue;
		}
		struct dirent *fe;
		while ((fe = readdir(yd)) != NULL) {
			wol_date dt;
			if (wol_journal__entry_name(fe->d_name, y, &dt) != 0)
				continue;
			char *p = wol_strfmt("%s/%s", ydir, fe->d_name);
			if (!p || entry_push(out, dt, p) != 0) {
				free(p);
				rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
				break;
			}
		}
		closedir(yd);
		free(ydir);
	}
	closedir(d);
	free(jdir);
	if (rc) {
		wol_journal_entries_free(out);
		return rc;
	}
	if (out->n)
		qsort(out->items, out->n, sizeof *out->items, cmp_newest);
	if (read)
		for (size_t i = 0; i < out->n; i++)
			read_one(&out->items[i], out);
	return 0;
}

void wol_journal_entries_free(wol_journal_entries *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++) {
		free(l->items[i].path);
		free(l->items[i].title);
	}
	free(l->items);
	wol_strv_free(l->warnings, l->nwarnings);
	memset(l, 0, sizeof *l);
}

int wol_journal_adjacent(wol_ctx *ctx, wol_date date, int dir, wol_date *out, wol_error *err)
{
	wol_journal_entries l;
	int rc = wol_journal_list(ctx, 0, &l, err);
	if (rc)
		return rc;
	long day = wol_date_to_days(date), best = 0;
	int found = 0;
	for (size_t i = 0; i < l.n; i++) {
		long x = wol_date_to_days(l.items[i].date);
		if ((dir > 0 && x > day && (!found || x < best)) ||
		    (dir < 0 && x < day && (!found || x > best))) {
			best = x;
			found = 1;
		}
	}
	wol_journal_entries_free(&l);
	if (!found)
		return wol_error_set(err, WOL_ENOTFOUND, "journal: no %s entry",
		                     dir > 0 ? "later" : "earlier");
	*out = wol_date_from_days(best);
	return 0;
}

/* --------------------------------------------------------------- stats */

void wol_journal_stats_of(const wol_journal_entries *l, wol_date today, wol_journal_stats *s)
{
	memset(s, 0, sizeof *s);
	s->today = today;
	long t = wol_date_to_days(today);
	long week0 = t - wol_date_weekday(today);
	long month0 = t - (today.d - 1);
	long run = 0, prev = 0;
	int have_prev = 0;
	/* items are newest first: walk oldest first */
	for (size_t k = l->n; k-- > 0;) {
		const wol_journal_entry *e = &l->items[k];
		long x = wol_date_to_days(e->date);
		if (!e->written || x > t)
			continue;
		if (have_prev && x == prev)
			continue;
		run = have_prev && x == prev + 1 ? run + 1 : 1;
		prev = x;
		have_prev = 1;
		if (run > s->longest)
			s->longest = (int)run;
		s->total++;
		s->week += x >= week0;
		s->month += x >= month0;
		s->last = e->date;
	}
	if (have_prev && (prev == t || prev == t - 1))
		s->current = (int)run;
	s->today_written = have_prev && prev == t;
}
