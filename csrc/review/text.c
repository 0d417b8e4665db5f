/* review/text.c - the weekly review as a Markdown document: what the week
 * held, then the reflection questions as headings to write under. */
#include "review/review_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const months[] = {"January", "February", "March",     "April",
                                     "May",     "June",     "July",      "August",
                                     "September", "October", "November", "December"};

static void long_date(wol_buf *b, wol_date d, int year)
{
	const char *wd = wol_weekday_name(wol_date_weekday(d));
	wol_buf_printf(b, "%c%s %d %s", wd[0] - 'a' + 'A', wd + 1, d.d, months[(d.m - 1) % 12]);
	if (year)
		wol_buf_printf(b, " %d", d.y);
}

static const char *plural(long n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* One line of a list: the text may hold newlines (what helped). */
static void oneline(wol_buf *b, const char *s)
{
	int space = 0;
	for (; s && *s; s++) {
		if (*s == '\n' || *s == '\r' || *s == '\t' || *s == ' ') {
			space = 1;
			continue;
		}
		if (space)
			wol_buf_puts(b, " ");
		space = 0;
		wol_buf_put(b, s, 1);
	}
}

static size_t count_kind(const wol_review *r, const char *kind)
{
	size_t n = 0;
	for (size_t i = 0; i < r->nacts; i++)
		n += strcmp(r->acts[i].kind, kind) == 0;
	return n;
}

char *wol_review__text(const wol_review *r)
{
	wol_buf b;
	wol_buf_init(&b);
	int y = 0, w = 0;
	sscanf(r->week, "%d-W%d", &y, &w);
	wol_buf_printf(&b, "---\ntitle: Weekly review %s\nweek: %s\n---\n\n", r->week, r->week);
	wol_buf_printf(&b, "# Weekly review: week %d of %d\n\n", w, y);
	long_date(&b, r->from, r->from.y != r->to.y);
	wol_buf_puts(&b, " to ");
	long_date(&b, r->to, 1);
	if (r->circle)
		wol_buf_printf(&b, " · circle %s", r->circle);
	wol_buf_puts(&b, "\n\n## The week\n\n");

	wol_buf_printf(&b, "- Journal: %d of 7 days written", r->days);
	int first = 1;
	for (int i = 0; i < 7; i++) {
		if (!r->written[i])
			continue;
		const char *wd = wol_weekday_name(wol_date_weekday(wol_date_add(r->from, i)));
		wol_buf_printf(&b, "%s%c%.2s", first ? " (" : ", ", wd[0] - 'a' + 'A', wd + 1);
		first = 0;
	}
	wol_buf_puts(&b, first ? "\n" : ")\n");
	long acts = r->shares + r->asked + r->answered + r->resolved + r->contributions + r->challenges;
	wol_buf_printf(&b, "- Working out loud: %ld %s", acts, plural(acts, "act", "acts"));
	if (acts) {
		const struct {
			long n;
			const char *one, *many;
		} parts[] = {{r->shares, "share", "shares"},
		             {r->asked, "question asked", "questions asked"},
		             {r->answered, "answer given", "answers given"},
		             {r->resolved, "question resolved", "questions resolved"},
		             {r->contributions, "contribution", "contributions"},
		             {r->challenges, "challenge done", "challenges done"}};
		const char *sep = ": ";
		for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
			if (!parts[i].n)
				continue;
			wol_buf_printf(&b, "%s%ld %s", sep, parts[i].n,
			               plural(parts[i].n, parts[i].one, parts[i].many));
			sep = ", ";
		}
	}
	wol_buf_puts(&b, "\n");

	if (r->circle) {
		wol_buf_puts(&b, "\n## Notes shared\n\n");
		if (!count_kind(r, "share"))
			wol_buf_puts(&b, "None this week.\n");
		for (size_t i = 0; i < r->nacts; i++) {
			const wol_review_act *a = &r->acts[i];
			if (strcmp(a->kind, "share") != 0)
				continue;
			wol_buf_printf(&b, "- %s · ", a->date);
			oneline(&b, a->title);
			wol_buf_printf(&b, " (%s", a->detail ? a->detail : "shared");
			if (a->count)
				wol_buf_printf(&b, "; %ld feedback", a->count);
			wol_buf_puts(&b, ")\n");
		}
		wol_buf_puts(&b, "\n## Questions\n\n");
		if (!count_kind(r, "ask") && !count_kind(r, "answer") && !count_kind(r, "resolve"))
			wol_buf_puts(&b, "None asked, answered or resolved this week.\n");
		for (size_t i = 0; i < r->nacts; i++) {
			const wol_review_act *a = &r->acts[i];
			if (strcmp(a->kind, "ask") == 0) {
				wol_buf_printf(&b, "- %s · asked: ", a->date);
				oneline(&b, a->title);
				if (a->count)
					wol_buf_printf(&b, " (%s, %ld %s)\n", a->detail ? a->detail : "open", a->count,
					               plural(a->count, "answer", "answers"));
				else
					wol_buf_printf(&b, " (%s, no answers yet)\n", a->detail ? a->detail : "open");
			} else if (strcmp(a->kind, "answer") == 0) {
				wol_buf_printf(&b, "- %s · answered: ", a->date);
				oneline(&b, a->title);
				if (a->detail)
					wol_buf_printf(&b, " (asked by @%s)", a->detail);
				wol_buf_puts(&b, "\n");
			} else if (strcmp(a->kind, "resolve") == 0) {
				wol_buf_printf(&b, "- %s · resolved: ", a->date);
				oneline(&b, a->title);
				if (a->detail && *a->detail) {
					wol_buf_puts(&b, "; what helped: ");
					oneline(&b, a->detail);
				}
				wol_buf_puts(&b, "\n");
			}
		}
	}
	if (r->contributions) {
		wol_buf_puts(&b, "\n## Contributions\n\n");
		for (size_t i = 0; i < r->nacts; i++) {
			const wol_review_act *a = &r->acts[i];
			if (strcmp(a->kind, "contribution") != 0)
				continue;
			wol_buf_printf(&b, "- %s · ", a->date);
			oneline(&b, a->title);
			if (a->detail) {
				wol_buf_puts(&b, ": ");
				oneline(&b, a->detail);
			}
			wol_buf_puts(&b, "\n");
		}
	}
	if (r->challenges) {
		wol_buf_puts(&b, "\n## Challenges done\n\n");
		for (size_t i = 0; i < r->nacts; i++) {
			const wol_review_act *a = &r->acts[i];
			if (strcmp(a->kind, "challenge") != 0)
				continue;
			wol_buf_printf(&b, "- %s · ", a->date);
			oneline(&b, a->title);
			wol_buf_puts(&b, "\n");
		}
	}
	if (r->circle) {
		wol_buf_puts(&b, "\n## Goal\n\n");
		if (r->goal && *r->goal) {
			wol_buf_puts(&b, "> ");
			oneline(&b, r->goal);
			wol_buf_puts(&b, "\n");
			if (r->goal_changed) {
				wol_buf_puts(&b, "\nChanged this week");
				if (r->goal_before && *r->goal_before) {
					wol_buf_puts(&b, "; it was: ");
					oneline(&b, r->goal_before);
				}
				wol_buf_puts(&b, ".\n");
			}
		} else {
			wol_buf_puts(&b, "No goal written down yet.\n");
		}
	}
	/* a heading per question, with a blank line to write under */
	wol_buf_puts(&b, "\n## Reflect\n\n");
	for (size_t i = 0; i < r->nreflect; i++) {
		wol_buf_puts(&b, "### ");
		oneline(&b, r->reflect[i]);
		wol_buf_puts(&b, i + 1 < r->nreflect ? "\n\n\n" : "\n\n");
	}
	if (b.oom) {
		wol_buf_free(&b);
		return NULL;
	}
	return wol_buf_detach(&b);
}
