/* cli/feedback.c - `wol comment`, `wol react`, `wol feedback`, `wol addressed` */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wol_json.h"

/* "A-B" or "A" (1 <= A <= B): 0, else -1. */
static int parse_lines(const char *s, long *a, long *b)
{
	char *end = NULL;
	long x = strtol(s, &end, 10);
	long y = x;
	if (end == s || x < 1)
		return -1;
	if (*end == '-') {
		const char *p = end + 1;
		y = strtol(p, &end, 10);
		if (end == p)
			return -1;
	}
	if (*end || y < x || y > 10000000L)
		return -1;
	*a = x;
	*b = y;
	return 0;
}

static void print_written(wol_cli *cli, wol_circle *c, const wol_fwrite *w, const char *what)
{
	wol_cli_say(cli, "wol: %s %s (%.8s): %s\n", what, w->note ? w->note : w->note_id, w->commit,
	            w->path);
	if (w->has_remote)
		wol_cli_say(cli, "wol: %zu commit%s waiting to be pushed (wol sync)\n", w->ahead,
		            w->ahead == 1 ? "" : "s");
	else
		wol_cli_say(cli, "wol: circle '%s' has no remote: it stays local\n", wol_circle_name(c));
}

static int add(wol_cli *cli, wol_comment_opts *o, int json, const char *what)
{
	wol_circle *c = wol_cli_circle(cli);
	if (!c)
		return WOL_EXIT_FAIL;
	wol_fwrite w;
	wol_error err;
	int rc = WOL_EXIT_OK;
	if (wol_feedback_add(c, o, &w, &err) != 0) {
		rc = wol_cli_fail(cli, &err);
	} else {
		if (json)
			rc = wol_cli_json(wol_fwrite_json(c, &w));
		else
			print_written(cli, c, &w, what);
		wol_fwrite_free(&w);
	}
	wol_circle_close(c);
	return rc;
}

int wol_cli_comment(wol_cli *cli, int argc, char **argv)
{
	wol_cli_opt opts[] = {{"message", 1, 'm', NULL}, {"lines", 1, 'l', NULL},
	                      {"suggest", 0, 0, NULL},   {"reply", 1, 0, NULL},
	                      {"force", 0, 'f', NULL},   {"json", 0, 0, NULL},
	                      {NULL, 0, 0, NULL}};
	char *pos[argc > 0 ? argc : 1];
	int npos;
	if (wol_cli_parse(cli, argc, argv, opts, pos, &npos))
		return WOL_EXIT_USAGE;
	if (npos == 0)
		return wol_cli_usage(cli, "a NOTE is needed (its path or id)");
	if (npos > 1)
		return wol_cli_usage(cli, "unexpected argument '%s'", pos[1]);
	if (!opts[0].value)
		return wol_cli_usage(cli, "-m TEXT is needed");
	wol_comment_opts o = {0};
	o.note = pos[0];
	o.text = opts[0].value;
	if (opts[1].value && parse_lines(opts[1].value, &o.line1, &o.line2) != 0)
		return wol_cli_usage(cli, "--lines '%s' is not a range A-B", opts[1].value);
	o.kind = opts[2].value ? "suggestion" : "comment";
	o.reply_to = opts[3].value;
	o.force = opts[4].value != NULL;
	return add(cli, &o, opts[5].value != NULL, opts[3].value ? "replied on" : "commented on");
}

int wol_cli_react(wol_cli *cli, int argc, char **argv)
{
	wol_cli_opt opts[] = {{"message", 1, 'm', NULL}, {"lines", 1, 'l', NULL},
	                      {"json", 0, 0, NULL},      {NULL, 0, 0, NULL}};
	char *pos[argc > 0 ? argc : 1];
	int npos;
	if (wol_cli_parse(cli, argc, argv, opts, pos, &npos))
		return WOL_EXIT_USAGE;
	if (npos < 2)
		return wol_cli_usage(cli, "a NOTE and a REACTION are needed (thanks, +1, idea, question)");
	if (npos > 2)
		return wol_cli_usage(cli, "unexpected argument '%s'", pos[2]);
	/* the library's list of reactions decides, before anything is opened */
	const char *const *known = wol_feedback_reactions();
	size_t k = 0;
	while (known[k] && strcmp(known[k], pos[1]) != 0)
		k++;
	if (!known[k]) {
		char list[128] = "";
		for (size_t i = 0; known[i]; i++)
			snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "",
			         known[i]);
		return wol_cli_usage(cli, "'%s' is not a reaction (%s)", pos[1], list);
	}
	wol_comment_opts o = {0};
	o.note = pos[0];
	o.kind = "reaction";
	o.reaction = pos[1];
	o.text = opts[0].value;
	if (opts[1].value && parse_lines(opts[1].value, &o.line1, &o.line2) != 0)
		return wol_cli_usage(cli, "--lines '%s' is not a range A-B", opts[1].value);
	return add(cli, &o, opts[2].value != NULL, "reacted on");
}

int wol_cli_addressed(wol_cli *cli, int argc, char **argv)
{
	wol_cli_opt opts[] = {{"message", 1, 'm', NULL}, {"force", 0, 'f', NULL},
	                      {"json", 0, 0, NULL},      {NULL, 0, 0, NULL}};
	char *pos[argc > 0 ? argc : 1];
	int npos;
	if (wol_cli_parse(cli, argc, argv, opts, pos, &npos))
		return WOL_EXIT_USAGE;
	if (npos != 1)
		return npos ? wol_cli_usage(cli, "unexpected argument '%s'", pos[1])
		            : wol_cli_usage_see(cli, "wol feedback --mine", "an ID is needed");
	wol_circle *c = wol_cli_circle(cli);
	if (!c)
		return WOL_EXIT_FAIL;
	wol_fwrite w;
	wol_error err;
	int rc = WOL_EXIT_OK;
	if (wol_feedback_addressed(c, pos[0], opts[0].value, opts[1].value != NULL, &w, &err) != 0) {
		rc = wol_cli_fail(cli, &err);
	} else {
		if (opts[2].value)
			rc = wol_cli_json(wol_fwrite_json(c, &w));
		else
			print_written(cli, c, &w, "marked addressed on");
		wol_fwrite_free(&w);
	}
	wol_circle_close(c);
	return rc;
}

/* "3m ago" from "YYYY-MM-DDThh:mm:ssZ" (or "" when unreadable). */
static void age_of(const char *created, char *buf, size_t size)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	buf[0] = '\0';
	if (!created || !strptime(created, "%Y-%m-%dT%H:%M:%SZ", &tm))
		return;
	wol_cli_age((long long)timegm(&tm), buf, size);
}

/* Prints a text from a file indented by four spaces, each line made safe
 * for a terminal. */
static void indented(const char *s)
{
	while (*s) {
		size_t n = strcspn(s, "\n");
		char *line = strndup(s, n);
		if (line)
			wol_cli_printf(stdout, "    %s\n", line);
		free(line);
		s += n + (s[n] == '\n');
	}
}

static void print_item(const wol_fitem *it, int many)
{
	char age[32], where[64];
	age_of(it->created, age, sizeof age);
	if (it->start == it->end)
		snprintf(where, sizeof where, "%ld", it->start);
	else
		snprintf(where, sizeof where, "%ld-%ld", it->start, it->end);
	if (many)
		wol_cli_printf(stdout, "%s:", it->note ? it->note : it->note_id);
	wol_cli_printf(stdout, "%s  %s%s%s%s by %s%s%s", where, it->forged ? "!! " : "",
	               it->reply_to ? "reply" : it->kind, it->reaction ? " " : "",
	               it->reaction ? it->reaction : "", it->author, age[0] ? ", " : "", age);
	if (strcmp(it->anchor, "note") == 0)
		printf(" (the whole note)");
	else if (strcmp(it->anchor, "current") != 0)
		printf(" (%s)", it->anchor);
	if (it->addressed)
		printf(" (addressed)");
	wol_cli_printf(stdout, "  [%s]\n", it->id);
	if (it->text[0])
		indented(it->text);
	if (it->addressed && it->addressed_text)
		wol_cli_printf(stdout, "    -- addressed: %s\n", it->addressed_text);
	if (it->problem)
		wol_cli_printf(stdout, "    !! %s\n", it->problem);
}

int wol_cli_feedback(wol_cli *cli, int argc, char **argv)
{
	wol_cli_opt opts[] = {{"mine", 0, 0, NULL}, {"by", 1, 0, NULL}, {"json", 0, 0, NULL},
	                      {NULL, 0, 0, NULL}};
	char *pos[argc > 0 ? argc : 1];
	int npos;
	if (wol_cli_parse(cli, argc, argv, opts, pos, &npos))
		return WOL_EXIT_USAGE;
	if (npos > 1)
		return wol_cli_usage(cli, "unexpected argument '%s'", pos[1]);
	if (npos == 1 && opts[0].value)
		return wol_cli_usage(cli, "give a NOTE or --mine, not both");
	wol_circle *c = wol_cli_circle(cli);
	if (!c)
		return WOL_EXIT_FAIL;
	wol_feedback_opts o = {0};
	o.note = npos ? pos[0] : NULL;
	o.on = opts[0].value ? wol_circle_handle(c) : NULL;
	o.by = opts[1].value;
	o.check_authors = 1;
	wol_feedback f;
	wol_error err;
	int rc = WOL_EXIT_OK;
	if (wol_feedback_get(c, &o, &f, &err) != 0) {
		rc = wol_cli_fail(cli, &err);
		wol_circle_close(c);
		return rc;
	}
	if (opts[2].value) {
		rc = wol_cli_json(wol_feedback_json(&f));
	} else {
		for (size_t i = 0; i < f.nwarnings; i++)
			wol_cli_printf(stderr, "%s\n", f.warnings[i]);
		if (o.note)
			wol_cli_printf(stdout, "%s (%s by %s): %zu item%s\n", f.note_title, f.note,
			               f.note_author, f.n, f.n == 1 ? "" : "s");
		for (size_t i = 0; i < f.n; i++)
			print_item(&f.items[i], o.note == NULL);
		if (!o.note && f.n == 0)
			printf("no feedback%s\n", o.on ? " on your notes" : "");
	}
	wol_feedback_free(&f);
	wol_circle_close(c);
	return rc;
}
