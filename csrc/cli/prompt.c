/* cli/prompt.c - `wol prompt`: the day's prompt in the shell */
#include "cli.h"
#include "wol_json.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Prints `s` wrapped at `width` columns (counting bytes; good enough for a
 * terminal reading), each line indented by `indent`, the first line by
 * `first` instead. Blank lines in s are kept. */
static void print_wrapped(const char *s, const char *first, const char *indent, size_t width)
{
	const char *lead = first;
	size_t col = 0;
	int at_start = 1;
	while (*s) {
		if (*s == '\n') {
			if (!at_start)
				putchar('\n');
			while (*s == '\n') {
				if (s[1] == '\n')
					putchar('\n');
				s++;
			}
			at_start = 1;
			col = 0;
			continue;
		}
		if (*s == ' ') {
			s++;
			continue;
		}
		size_t n = 0;
		while (s[n] && s[n] != ' ' && s[n] != '\n')
			n++;
		if (at_start) {
			fputs(lead, stdout);
			lead = indent;
			col = strlen(indent);
			at_start = 0;
		} else if (col + 1 + n > width) {
			printf("\n%s", indent);
			col = strlen(indent);
		} else {
			putchar(' ');
			col++;
		}
		char *word = strndup(s, n);
		wol_cli_printf(stdout, "%s", word ? word : "");
		free(word);
		col += n;
		s += n;
	}
	if (!at_start)
		putchar('\n');
}

int wol_cli_prompt(wol_cli *cli, int argc, char **argv)
{
	wol_cli_opt opts[] = {{"json", 0, 0, NULL},
	                      {"started", 1, 0, NULL},
	                      {"weeks", 1, 0, NULL},
	                      {NULL, 0, 0, NULL}};
	char *pos[argc > 0 ? argc : 1];
	int npos;
	if (wol_cli_parse(cli, argc, argv, opts, pos, &npos))
		return WOL_EXIT_USAGE;
	if (npos > 1)
		return wol_cli_usage(cli, "unexpected argument '%s'", pos[1]);
	if (opts[2].value && !opts[1].value)
		return wol_cli_usage(cli, "--weeks needs --started");
	wol_ctx *ctx = wol_cli_ctx(cli);
	if (!ctx)
		return WOL_EXIT_FAIL;
	wol_error err;
	wol_date date;
	if (wol_cli_date(cli, ctx, npos ? pos[0] : NULL, &date) != 0)
		return WOL_EXIT_USAGE;
	wol_prompt_opts po = {0};
	if (cli->circle) {
		const char *name;
		if (wol_ctx_circle(ctx, cli->circle, &name, &err) != 0)
			return wol_cli_fail(cli, &err);
		po.circle_dir = wol_ctx_circle_path(ctx, name);
	}
	if (opts[1].value) {
		po.has_program = 1;
		po.weeks = 12;
		if (strlen(opts[1].value) != 10 ||
		    wol_date_parse(opts[1].value, wol_ctx_today(ctx), &po.started, &err) != 0)
			return wol_cli_usage(cli, "--started: '%s' is not a YYYY-MM-DD date", opts[1].value);
		if (opts[2].value) {
			char *end = NULL;
			long n = strtol(opts[2].value, &end, 10);
			if (!isdigit((unsigned char)opts[2].value[0]) || *end || n < 1 || n > WOL_CIRCLE_WEEKS_MAX)
				return wol_cli_usage(cli, "--weeks: '%s' is not a number from 1 to %d",
				                     opts[2].value, WOL_CIRCLE_WEEKS_MAX);
			po.weeks = (int)n;
		}
	}
	wol_prompt p;
	int rc = wol_prompt_get(ctx, date, &po, &p, &err);
	free((char *)po.circle_dir);
	if (rc != 0)
		return wol_cli_fail(cli, &err);
	for (size_t i = 0; i < p.nwarnings; i++)
		wol_cli_printf(stderr, "%s\n", p.warnings[i]);
	char ds[11];
	wol_date_format(p.date, ds);
	if (opts[0].value) {
		cJSON *j = wol_prompt_json(&p);
		wol_prompt_free(&p);
		return wol_cli_json(j);
	}
	int color = isatty(STDOUT_FILENO);
	const char *bold = color ? "\033[1m" : "", *off = color ? "\033[0m" : "";
	char wd[16];
	snprintf(wd, sizeof wd, "%s", wol_weekday_name(wol_date_weekday(p.date)));
	wd[0] = (char)toupper((unsigned char)wd[0]);
	wol_cli_printf(stdout, color ? "\033[1m%s\033[0m\n\033[2m%s %s, %s\033[0m\n" : "%s\n%s %s, %s\n",
	               p.title, wd, ds, p.reason);
	if (*p.text) {
		putchar('\n');
		wol_cli_text(stdout, p.text);
		putchar('\n');
	}
	if (p.focus_title) {
		wol_cli_printf(stdout, color ? "\n\033[1mWeek %d of %d: %s\033[0m\n" : "\nWeek %d of %d: %s\n",
		               p.week, p.weeks, p.focus_title);
		if (*p.focus_text)
			print_wrapped(p.focus_text, "  ", "  ", 76);
	}
	if (*p.challenge) {
		if (p.challenge_source && p.theme_source && strcmp(p.challenge_source, p.theme_source) != 0)
			wol_cli_printf(stdout, color ? "\n\033[1mChallenge: %s\033[0m\n" : "\nChallenge: %s\n",
			               p.challenge_title);
		else
			printf("\n%sChallenge%s\n", bold, off);
		print_wrapped(p.challenge, "  ", "  ", 76);
	}
	if (p.nquestions) {
		printf("\n%sReflect%s\n", bold, off);
		for (size_t i = 0; i < p.nquestions; i++)
			print_wrapped(p.questions[i], "  - ", "    ", 76);
	}
	wol_cli_printf(stdout, color ? "\n\033[2msource: %s" : "\nsource: %s", p.theme_source);
	const char *more[][2] = {{"focus", p.focus_source},
	                         {"challenge", p.challenge_source},
	                         {"reflect", p.reflect_source}};
	for (size_t i = 0; i < 3; i++)
		if (more[i][1] && strcmp(more[i][1], p.theme_source) != 0)
			wol_cli_printf(stdout, ", %s: %s", more[i][0], more[i][1]);
	printf("%s\n", off);
	wol_prompt_free(&p);
	return WOL_EXIT_OK;
}
