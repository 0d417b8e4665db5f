/* feedback/anchor.c - where feedback written on lines of one version of a
 * note sits in another version.
 *
 * The two texts are compared with a libgit2 diff without context lines;
 * its hunks say which lines of the old text are gone (deleted or
 * rewritten) and by how much the lines after each hunk moved. A range
 * whose lines all survive, with nothing inserted between them, moves with
 * its text ("current"). Otherwise it is "outdated": it covers what is
 * left of it, or, when nothing is, the one line where its text used to
 * be. Nothing here fails on odd ranges: they are clamped. */
#include "feedback/feedback_int.h"

#include <git2.h>
#include <stdlib.h>
#include <string.h>

long wol_feedback__lines(const char *text, size_t len)
{
	long n = 0;
	for (size_t i = 0; i < len; i++)
		if (text[i] == '\n')
			n++;
	if (len > 0 && text[len - 1] != '\n')
		n++;
	return n;
}

void wol_feedback__diff_free(wol_fdiff *d)
{
	free(d->h);
	memset(d, 0, sizeof *d);
}

static int on_hunk(const git_diff_delta *delta, const git_diff_hunk *hunk, void *payload)
{
	(void)delta;
	wol_fdiff *d = payload;
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		wol_fhunk *h = realloc(d->h, cap * sizeof *h);
		if (!h) {
			d->oom = 1;
			return -1;
		}
		d->h = h;
		d->cap = cap;
	}
	wol_fhunk *h = &d->h[d->n++];
	h->old_start = hunk->old_start;
	h->old_lines = hunk->old_lines;
	h->new_start = hunk->new_start;
	h->new_lines = hunk->new_lines;
	return 0;
}

int wol_feedback__diff(const char *old, size_t olen, const char *cur, size_t clen, wol_fdiff *d,
                       wol_error *err)
{
	memset(d, 0, sizeof *d);
	d->old_total = wol_feedback__lines(old, olen);
	d->new_total = wol_feedback__lines(cur, clen);
	if (olen == clen && memcmp(old, cur, olen) == 0)
		return 0; /* the same text: no hunks */
	git_diff_options o;
	git_diff_options_init(&o, GIT_DIFF_OPTIONS_VERSION);
	o.context_lines = 0;
	o.interhunk_lines = 0;
	o.flags = GIT_DIFF_FORCE_TEXT;
	int rc = git_diff_buffers(old, olen, NULL, cur, clen, NULL, &o, NULL, NULL, on_hunk, NULL, d);
	if (d->oom) {
		wol_feedback__diff_free(d);
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	if (rc != 0) {
		wol_feedback__diff_free(d);
		return wol_error_git(err, rc, "feedback: diff");
	}
	return 0;
}

/* Whether hunk h removes or rewrites old line x. */
static int gone_in(const wol_fhunk *h, long x)
{
	return h->old_lines > 0 && x >= h->old_start && x < h->old_start + h->old_lines;
}

/* Whether all of hunk h comes before old line x in the new text (its
 * removed lines end before x, or its inserted lines go after a line
 * before x). */
static int before(const wol_fhunk *h, long x)
{
	return h->old_lines > 0 ? h->old_start + h->old_lines <= x : h->old_start < x;
}

/* The hunk removing old line x, or NULL when x survives. Hunks come in
 * order of old_start and do not overlap: a binary search for the last
 * one starting at or before x. */
static const wol_fhunk *hunk_of(const wol_fdiff *d, long x)
{
	size_t lo = 0, hi = d->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (d->h[mid].old_start <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t k = lo; k > 0 && k + 2 > lo; k--)
		if (gone_in(&d->h[k - 1], x))
			return &d->h[k - 1];
	return NULL;
}

/* The new line number of an old line that survives (0 maps to 0). */
static long map_line(const wol_fdiff *d, long x)
{
	long off = 0;
	for (size_t i = 0; i < d->n && before(&d->h[i], x); i++)
		off += d->h[i].new_lines - d->h[i].old_lines;
	return x + off;
}

void wol_feedback__place(const wol_fdiff *d, long a, long b, wol_fplace *out)
{
	memset(out, 0, sizeof *out);
	long ot = d->old_total, nt = d->new_total;
	if (a < 1)
		a = 1;
	if (b < a)
		b = a;
	/* a range past the end of the version it was written on */
	if (b > ot) {
		out->clamped = 1;
		b = ot > 0 ? ot : 1;
		if (a > b)
			a = b;
	}
	long start, end;
	if (ot == 0) {
		/* nothing was there to point at */
		out->outdated = nt > 0;
		start = end = 1;
	} else {
		int changed = 0;
		for (size_t i = 0; i < d->n && !changed; i++) {
			const wol_fhunk *h = &d->h[i];
			if (h->old_lines > 0)
				changed = h->old_start <= b && h->old_start + h->old_lines - 1 >= a;
			else
				changed = h->old_start >= a && h->old_start < b;
		}
		if (!changed) {
			start = map_line(d, a);
			end = map_line(d, b);
		} else {
			out->outdated = 1;
			/* what is left of it: the first and the last line that survive */
			long first = a, last = b;
			const wol_fhunk *h;
			while (first <= b && (h = hunk_of(d, first)) != NULL)
				first = h->old_start + h->old_lines;
			while (last >= a && (h = hunk_of(d, last)) != NULL)
				last = h->old_start - 1;
			if (first <= last) {
				start = map_line(d, first);
				end = map_line(d, last);
			} else {
				/* nothing is left: the line after the last surviving line
				 * before it, i.e. where its text was */
				long prev = a - 1;
				while (prev > 0 && (h = hunk_of(d, prev)) != NULL)
					prev = h->old_start - 1;
				start = end = map_line(d, prev) + 1;
			}
		}
	}
	long top = nt > 0 ? nt : 1;
	if (start > top)
		start = top;
	if (end > top)
		end = top;
	if (start < 1)
		start = 1;
	if (end < start)
		end = start;
	out->start = start;
	out->end = end;
}
