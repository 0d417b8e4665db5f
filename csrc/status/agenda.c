/* status/agenda.c - the meeting agenda: made from the circle's status (who
 * shared what since the last meeting, open questions, next week's prompt)
 * and saved into the journal under "## Circle meeting". */
#include "journal/journal_int.h"
#include "repo/private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define AGENDA_HEADING "Circle meeting"

static const char *member_name(const wol_status *s, const char *handle)
{
	for (size_t i = 0; handle && i < s->nmembers; i++)
		if (s->members[i].handle && strcmp(s->members[i].handle, handle) == 0)
			return s->members[i].name ? s->members[i].name : handle;
	return handle ? handle : "?";
}

static void weekday_date(wol_date d, char *buf, size_t n)
{
	char iso[11];
	wol_date_format(d, iso);
	const char *w = wol_weekday_name(wol_date_weekday(d));
	snprintf(buf, n, "%c%s %s", w[0] - 'a' + 'A', w + 1, iso);
}

int wol_status_agenda(wol_ctx *ctx, const wol_status *s, char **out, wol_error *err)
{
	*out = NULL;
	wol_buf b;
	wol_buf_init(&b);
	wol_date meeting = s->next_meeting.y ? s->next_meeting : s->today;
	char when[40], since_s[40];
	weekday_date(meeting, when, sizeof when);
	weekday_date(s->since, since_s, sizeof since_s);
	wol_buf_printf(&b, "Agenda: %s, meeting on %s", s->name, when);
	if (strcmp(s->phase, "running") == 0)
		wol_buf_printf(&b, " (week %d of %d)", s->week, s->weeks);
	wol_buf_puts(&b, "\n\n### Check-in\n\nHow is everyone, and how did the week go towards your goal?\n\n");
	for (size_t i = 0; i < s->nmembers; i++) {
		const wol_status_member *m = &s->members[i];
		wol_buf_printf(&b, "- %s", m->name ? m->name : m->handle);
		if (m->goal)
			wol_buf_printf(&b, " (goal: %s)", m->goal);
		wol_buf_puts(&b, ":\n");
	}
	wol_buf_printf(&b, "\n### Shared since %s\n\n", since_s);
	int any = 0;
	for (size_t i = 0; i < s->nmembers; i++) {
		const wol_status_member *m = &s->members[i];
		int first = 1;
		for (size_t j = 0; j < s->nitems; j++) {
			const wol_status_item *it = &s->items[j];
			if (!it->author || !m->handle || strcmp(it->author, m->handle) != 0)
				continue;
			if (first)
				wol_buf_printf(&b, "- %s\n", m->name ? m->name : m->handle);
			first = 0;
			any = 1;
			const char *what = it->kind[0] == 'n' ? (it->updated ? "updated note" : "note")
			                   : it->kind[0] == 'q' ? "asked"
			                                        : "answered";
			wol_buf_printf(&b, "  - %s: %s (%s)\n", what, it->title ? it->title : it->path,
			               it->date);
		}
	}
	if (!any)
		wol_buf_puts(&b, "Nothing shared yet this time.\n");
	if (s->items_total > (long)s->nitems)
		wol_buf_printf(&b, "(%ld more not listed)\n", s->items_total - (long)s->nitems);
	wol_buf_puts(&b, "\n### Open questions to discuss\n\n");
	if (!s->nopen)
		wol_buf_puts(&b, "None open.\n");
	for (size_t i = 0; i < s->nopen; i++) {
		const wol_status_question *q = &s->open[i];
		wol_buf_printf(&b, "- %s (asked by %s, %ld answer%s, %d day%s ago)\n",
		               q->title ? q->title : q->qid, member_name(s, q->author), q->answers,
		               q->answers == 1 ? "" : "s", q->age, q->age == 1 ? "" : "s");
	}
	if (s->open_total > (long)s->nopen)
		wol_buf_printf(&b, "(%ld more open)\n", s->open_total - (long)s->nopen);

	/* the focus of the coming week: the prompt a week after the meeting, in the
	 * next program week (the day after would still be the meeting's week) */
	wol_prompt p;
	memset(&p, 0, sizeof p);
	wol_prompt_opts po;
	memset(&po, 0, sizeof po);
	char *dir = wol_ctx_circle_path(ctx, s->circle);
	po.circle_dir = dir;
	wol_error perr;
	wol_date focus = wol_date_add(meeting, 7);
	char fwhen[40];
	weekday_date(focus, fwhen, sizeof fwhen);
	wol_buf_printf(&b, "\n### Next week's focus\n\n");
	if (dir && wol_prompt_get(ctx, focus, &po, &p, &perr) == 0) {
		/* the program focus of that week; outside the program, that day's prompt */
		const char *title = p.focus_title ? p.focus_title : p.title;
		const char *text = p.focus_title ? p.focus_text : p.challenge;
		char **qs = p.focus_title ? p.focus_questions : p.questions;
		size_t nq = p.focus_title ? p.nfocus_questions : p.nquestions;
		wol_buf_printf(&b, "%s", title ? title : "");
		if (p.week > 0)
			wol_buf_printf(&b, " (week %d of %d)", p.week, p.weeks);
		wol_buf_puts(&b, "\n");
		if (text && *text)
			wol_buf_printf(&b, "\n%s\n", text);
		if (nq)
			wol_buf_puts(&b, "\n");
		for (size_t i = 0; i < nq; i++)
			wol_buf_printf(&b, "- %s\n", qs[i]);
		wol_prompt_free(&p);
	} else {
		wol_buf_printf(&b, "(no prompt for %s)\n", fwhen);
	}
	free(dir);
	wol_buf_puts(&b, "\n### Notes\n\n");
	if (b.oom) {
		wol_buf_free(&b);
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	*out = wol_buf_detach(&b);
	return *out ? 0 : wol_error_set(err, WOL_ENOMEM, "out of memory");
}

/* Whether the line s[0..n) is "## Circle meeting" (any level, trimmed,
 * ASCII case ignored); *level gets its number of '#'. */
static int is_agenda_heading(const char *s, size_t n, int *level)
{
	const char *t;
	size_t m;
	*level = wol_md_heading(s, n, &t, &m);
	return *level && m == strlen(AGENDA_HEADING) && strncasecmp(t, AGENDA_HEADING, m) == 0;
}

static int heading_at(const char *s, size_t n)
{
	const char *t;
	size_t m;
	return wol_md_heading(s, n, &t, &m);
}

/* The entry's text with the agenda section replaced (or appended). */
static int merge_section(const char *old, size_t olen, const char *text, size_t len, wol_buf *b)
{
	/* the body starts after the front matter ("---" ... "---") */
	size_t body = 0;
	if (olen >= 4 && strncmp(old, "---\n", 4) == 0) {
		const char *e = strstr(old + 4, "\n---");
		if (e) {
			const char *nl = memchr(e + 4, '\n', (size_t)(old + olen - (e + 4)));
			body = nl ? (size_t)(nl + 1 - old) : olen;
		}
	}
	size_t start = 0, end = 0;
	int found = 0, level = 0, fence = 0;
	for (size_t p = body; p < olen;) {
		const char *nl = memchr(old + p, '\n', olen - p);
		size_t n = nl ? (size_t)(nl - (old + p)) : olen - p;
		size_t next = nl ? p + n + 1 : olen;
		if (n >= 3 && strncmp(old + p, "```", 3) == 0)
			fence = !fence;
		if (!fence) {
			int lv;
			if (!found && is_agenda_heading(old + p, n, &lv)) {
				found = 1;
				level = lv;
				start = next;
				end = olen;
			} else if (found && (lv = heading_at(old + p, n)) && lv <= level) {
				end = p;
				break;
			}
		}
		p = next;
	}
	/* the text, ending in one newline */
	while (len && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		len--;
	if (found) {
		wol_buf_put(b, old, start);
		wol_buf_puts(b, "\n");
		wol_buf_put(b, text, len);
		wol_buf_puts(b, end < olen ? "\n\n" : "\n");
		wol_buf_put(b, old + end, olen - end);
	} else {
		wol_buf_put(b, old, olen);
		if (olen && old[olen - 1] != '\n')
			wol_buf_puts(b, "\n");
		wol_buf_puts(b, "\n## " AGENDA_HEADING "\n\n");
		wol_buf_put(b, text, len);
		wol_buf_puts(b, "\n");
	}
	return b->oom ? WOL_ENOMEM : 0;
}

int wol_status_agenda_save(wol_ctx *ctx, wol_date date, const char *text, size_t len,
                           char **path_out, wol_error *err)
{
	if (path_out)
		*path_out = NULL;
	if (!wol_utf8_valid(text, len))
		return wol_error_set(err, WOL_EINVAL, "agenda: the text is not valid UTF-8");
	char *path = NULL, *lockpath = NULL, *old = NULL;
	int rc = wol_journal_open(ctx, date, &path, NULL, NULL, err);
	if (rc)
		return rc;
	lockpath = wol_journal__lock_path(ctx);
	if (!lockpath) {
		free(path);
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	wol_lock lk = {-1};
	rc = wol_lock_acquire(&lk, lockpath, WOL_JOURNAL_LOCK_WAIT_MS, err);
	size_t olen = 0;
	if (rc == 0)
		rc = wol_fs_read(path, WOL_JOURNAL_MAX_BYTES, 1, &old, &olen, err);
	if (rc == 0) {
		wol_buf b;
		wol_buf_init(&b);
		if (merge_section(old, olen, text, len, &b) != 0)
			rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		else
			rc = wol_fs_write_atomic(path, b.ptr, b.len, 0600, err);
		wol_buf_free(&b);
	}
	wol_lock_release(&lk);
	if (rc == 0)
		wol_private__wrote(ctx, NULL); /* the private history takes it */
	free(old);
	free(lockpath);
	if (rc == 0 && path_out)
		*path_out = path;
	else
		free(path);
	return rc;
}
