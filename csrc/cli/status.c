/* cli/status.c - `wol status [--json] [--agenda]`: the circle at a glance */
#include "cli.h"
#include "wol_json.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
/* cells by level: plain text, and the 256-colour greens of a terminal */
static const char *const cells[] = {"·", "░", "▒", "▓", "█"};
static const int colours[] = {240, 22, 28, 34, 84};

static cJSON *date_json(wol_date d)
{
	char buf[11];
	wol_date_format(d, buf);
	return cJSON_CreateString(buf);
}

static void day_name(wol_date d, char *buf, size_t n)
{
	char iso[11];
	wol_date_format(d, iso);
	const char *w = wol_weekday_name(wol_date_weekday(d));
	snprintf(buf, n, "%c%c%c %s", w[0] - 'a' + 'A', w[1], w[2], iso);
}

static void print_grid(const wol_status *s, int colour)
{
	/* month labels over the columns where a month starts */
	char labels[WOL_STATUS_WEEKS * 2 + 8];
	memset(labels, ' ', sizeof labels);
	labels[sizeof labels - 1] = '\0';
	int prev = 0, last_end = -1;
	for (int w = 0; w < WOL_STATUS_WEEKS; w++) {
		wol_date d = wol_date_add(s->grid_start, 7L * w);
		if (d.m != prev && w * 2 > last_end && w * 2 + 3 < (int)sizeof labels - 1) {
			memcpy(labels + w * 2, months[d.m - 1], 3);
			last_end = w * 2 + 3;
		}
		prev = d.m;
	}
	size_t n = strlen(labels);
	while (n && labels[n - 1] == ' ')
		labels[--n] = '\0';
	printf("      %s\n", labels);
	static const char *const rows[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
	for (int r = 0; r < 7; r++) {
		printf("  %s", rows[r]);
		for (int w = 0; w < WOL_STATUS_WEEKS; w++) {
			int i = w * 7 + r;
			if (i > s->grid_today) {
				printf("  ");
				continue;
			}
			int lv = wol_status_level(s, i);
			if (colour)
				printf(" \033[38;5;%dm%s\033[0m", colours[lv], cells[lv]);
			else
				printf(" %s", cells[lv]);
		}
		printf("\n");
	}
	printf("      less ");
	for (int lv = 0; lv < 5; lv++) {
		if (colour)
			printf("\033[38;5;%dm%s\033[0m", colours[lv], cells[lv]);
		else
			printf("%s", cells[lv]);
	}
	printf(" more   (journal days and your acts)\n");
}

static void print_text(const wol_status *s, int colour)
{
	const char *bold = colour ? "\033[1m" : "", *off = colour ? "\033[0m" : "";
	char buf[40], buf2[40];
	wol_cli_printf(stdout, colour ? "\033[1m%s\033[0m" : "%s", s->name);
	if (strcmp(s->phase, "running") == 0)
		printf(" · week %d of %d", s->week, s->weeks);
	else if (strcmp(s->phase, "before") == 0)
		printf(" · before start (%04d-%02d-%02d)", s->started.y, s->started.m, s->started.d);
	else if (strcmp(s->phase, "complete") == 0)
		printf(" · program complete — recommit?");
	if (s->next_meeting.y) {
		day_name(s->next_meeting, buf, sizeof buf);
		printf(" · next meeting %s%s", buf,
		       wol_date_diff(s->next_meeting, s->today) == 0 ? " (today)" : "");
	}
	printf("\n");
	if (!s->remote) {
		printf("sync: no remote");
	} else if (s->last_sync) {
		time_t t = (time_t)s->last_sync;
		struct tm tm;
		localtime_r(&t, &tm);
		strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
		printf("sync: last %s", buf);
	} else {
		printf("sync: never");
	}
	if (s->ahead)
		printf(" · %zu commit%s waiting to be pushed", s->ahead, s->ahead == 1 ? "" : "s");
	printf("\n");
	for (size_t i = 0; i < s->nwarnings; i++)
		wol_cli_printf(stderr, "%s\n", s->warnings[i]);

	printf("\n%sMembers%s\n", bold, off);
	for (size_t i = 0; i < s->nmembers; i++) {
		const wol_status_member *m = &s->members[i];
		wol_cli_printf(stdout, "  %s%s (%s)%s: %ld note%s, %ld answer%s in 7 days; last %s\n", m->me ? "*" : "",
		       m->name ? m->name : m->handle, m->handle, "", m->notes, m->notes == 1 ? "" : "s",
		       m->answers, m->answers == 1 ? "" : "s", m->last[0] ? m->last : "never");
		if (m->goal && m->revised > 0)
			wol_cli_printf(stdout, "    goal: %s (revised %ld time%s)\n", m->goal, m->revised,
			               m->revised == 1 ? "" : "s");
		else if (m->goal)
			wol_cli_printf(stdout, "    goal: %s\n", m->goal);
	}

	/* you: your goal and your own list (private: printed here only) */
	printf("\n%sYou%s\n", bold, off);
	const wol_status_member *me = NULL;
	for (size_t i = 0; i < s->nmembers; i++)
		if (s->members[i].me)
			me = &s->members[i];
	if (me && me->goal)
		wol_cli_printf(stdout, "  goal: %s\n", me->goal);
	else
		printf("  no goal yet: wol goal TEXT sets it\n");
	if (s->people == 0) {
		printf("  nobody on your list yet: wol people add NAME\n");
	} else {
		printf("  %ld contribution%s this week to the %ld %s on your list\n", s->given_week,
		       s->given_week == 1 ? "" : "s", s->people, s->people == 1 ? "person" : "people");
		if (s->nreach) {
			printf("  reach out to: ");
			for (size_t i = 0; i < s->nreach; i++) {
				wol_cli_printf(stdout, "%s%s", i ? ", " : "", s->reach[i].name);
				if (s->reach[i].days >= 0)
					printf(" (%ldd)", s->reach[i].days);
			}
			printf("\n");
		}
	}

	day_name(s->since, buf2, sizeof buf2);
	printf("\n%sSince %s%s%s\n", bold, buf2, s->since_meeting ? " (last meeting)" : "", off);
	if (!s->nitems)
		printf("  nothing new\n");
	for (size_t i = 0; i < s->nitems; i++) {
		const wol_status_item *it = &s->items[i];
		const char *what = it->kind[0] == 'n' ? (it->updated ? "updated" : "note")
		                   : it->kind[0] == 'q' ? "asked"
		                                        : "answer";
		wol_cli_printf(stdout, "  %s  %-12s %-8s %s\n", it->date, it->author ? it->author : "?", what,
		       it->title ? it->title : it->path);
	}
	if (s->items_total > (long)s->nitems)
		printf("  … %ld more\n", s->items_total - (long)s->nitems);

	printf("\n%sFeedback on your notes since %s%s (%ld)%s\n", bold, buf2,
	       s->since_meeting ? " (last meeting)" : "", s->feedback_in, off);
	if (!s->nfeedback)
		printf("  none\n");
	for (size_t i = 0; i < s->nfeedback; i++) {
		const wol_status_item *it = &s->feedback[i];
		wol_cli_printf(stdout, "  %s  %-12s on %s\n", it->date, it->author ? it->author : "?",
		               it->title ? it->title : it->path);
	}
	if (s->feedback_in > (long)s->nfeedback)
		printf("  … %ld more\n", s->feedback_in - (long)s->nfeedback);
	printf("  you gave %ld piece%s of feedback\n", s->feedback_out, s->feedback_out == 1 ? "" : "s");

	printf("\n%sOpen questions (%ld)%s\n", bold, s->open_total, off);
	if (!s->nopen)
		printf("  none\n");
	for (size_t i = 0; i < s->nopen; i++) {
		const wol_status_question *q = &s->open[i];
		wol_cli_printf(stdout, "  %s %s — %s, %ld answer%s, %dd\n", q->mine ? "*" : "?",
		       q->title ? q->title : q->qid, q->author ? q->author : "?", q->answers,
		       q->answers == 1 ? "" : "s", q->age);
	}
	if (s->open_total > (long)s->nopen)
		printf("  … %ld more\n", s->open_total - (long)s->nopen);

	printf("\n%sActivity%s\n", bold, off);
	print_grid(s, colour);
	printf("  streak: %d day%s (longest %d) · %d this week · a day counts when you wrote or acted\n",
	       s->streak, s->streak == 1 ? "" : "s", s->longest, s->active_week);
}

int wol_cli_status(wol_cli *cli, int argc, char **argv)
{
	wol_cli_opt opts[] = {{"json", 0, 0, NULL},
	                      {"agenda", 0, 0, NULL},
	                      {"limit", 1, 'n', NULL},
	                      {"color", 1, 0, NULL},
	                      {NULL, 0, 0, NULL}};
	if (wol_cli_parse_flags(cli, argc, argv, opts))
		return WOL_EXIT_USAGE;
	wol_status_opts so = {NULL, 0, 0, 0};
	if (opts[2].value) {
		char *end;
		long n = strtol(opts[2].value, &end, 10);
		if (*end || n <= 0 || n > 10000)
			return wol_cli_usage(cli, "--limit needs a number from 1 to 10000, not '%s'",
			                     opts[2].value);
		so.limit = (int)n;
	}
	int colour = isatty(STDOUT_FILENO);
	if (opts[3].value) {
		if (strcmp(opts[3].value, "always") == 0)
			colour = 1;
		else if (strcmp(opts[3].value, "never") == 0)
			colour = 0;
		else if (strcmp(opts[3].value, "auto") != 0)
			return wol_cli_usage(cli, "--color takes auto, always or never, not '%s'",
			                     opts[3].value);
	}
	wol_ctx *ctx = wol_cli_ctx(cli);
	if (!ctx)
		return WOL_EXIT_FAIL;
	wol_error err;
	wol_status s;
	if (wol_status_get(ctx, NULL, &so, &s, &err) != 0)
		return wol_cli_fail(cli, &err);
	if (s.notice)
		wol_cli_printf(stderr, "%s\n", s.notice);
	int rc = WOL_EXIT_OK;
	if (opts[1].value) {
		char *text = NULL;
		if (wol_status_agenda(ctx, &s, &text, &err) != 0)
			rc = wol_cli_fail(cli, &err);
		else if (opts[0].value) {
			cJSON *o = cJSON_CreateObject();
			cJSON_AddItemToObject(o, "date", date_json(s.next_meeting.y ? s.next_meeting : s.today));
			cJSON_AddStringToObject(o, "text", text);
			rc = wol_cli_json(o);
		} else {
			wol_cli_text(stdout, text);
		}
		free(text);
	} else if (opts[0].value) {
		rc = wol_cli_json(wol_status_json(ctx, &s));
	} else {
		print_text(&s, colour);
	}
	wol_status_free(&s);
	return rc;
}
