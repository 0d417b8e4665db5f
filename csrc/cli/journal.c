/* cli/journal.c - `wol journal`, `wol log`, `wol stats`: the journal from
 * the shell */
#include "cli.h"
#include "util/util.h" /* a front-end concern: printing an entry */
#include "wol_json.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void print_warning(char *warning)
{
	if (warning)
		wol_cli_printf(stderr, "%s\n", warning);
	free(warning);
}

static void print_warnings(const wol_journal_entries *l)
{
	for (size_t i = 0; i < l->nwarnings; i++)
		wol_cli_printf(stderr, "%s\n", l->warnings[i]);
}

static int list_entries(wol_cli *cli, wol_ctx *ctx, int json)
{
	wol_journal_entries l;
	wol_error err;
	if (wol_journal_list(ctx, 1, &l, &err) != 0)
		return wol_cli_fail(cli, &err);
	print_warnings(&l);
	if (json) {
		cJSON *arr = wol_journal_entries_json(&l);
		wol_journal_entries_free(&l);
		return wol_cli_json(arr);
	}
	for (size_t i = 0; i < l.n; i++) {
		char d[11];
		wol_date_format(l.items[i].date, d);
		wol_cli_printf(stdout, "%s  %s\n", d, l.items[i].title ? l.items[i].title : "");
	}
	wol_journal_entries_free(&l);
	return WOL_EXIT_OK;
}

static int print_file(wol_cli *cli, const char *path)
{
	char *text;
	size_t len;
	wol_error err;
	if (wol_fs_read(path, WOL_JOURNAL_MAX_BYTES, 1, &text, &len, &err) != 0)
		return wol_cli_fail(cli, &err);
	fwrite(text, 1, len, stdout);
	free(text);
	return WOL_EXIT_OK;
}

int wol_cli_journal(wol_cli *cli, int argc, char **argv)
{
	wol_cli_opt opts[] = {{"path", 0, 'p', NULL},
	                      {"list", 0, 'l', NULL},
	                      {"json", 0, 0, NULL},
	                      {NULL, 0, 0, NULL}};
	char *pos[argc > 0 ? argc : 1];
	int npos;
	if (wol_cli_parse(cli, argc, argv, opts, pos, &npos))
		return WOL_EXIT_USAGE;
	if (npos > 1)
		return wol_cli_usage(cli, "unexpected argument '%s'", pos[1]);
	if (opts[0].value && opts[1].value)
		return wol_cli_usage(cli, "--path and --list do not go together");
	if (opts[2].value && !opts[1].value)
		return wol_cli_usage(cli, "--json goes with --list");
	wol_ctx *ctx = wol_cli_ctx(cli);
	if (!ctx)
		return WOL_EXIT_FAIL;
	if (opts[1].value) {
		if (npos)
			return wol_cli_usage(cli, "--list takes no date");
		return list_entries(cli, ctx, opts[2].value != NULL);
	}
	wol_date d;
	wol_error err;
	if (wol_cli_date(cli, ctx, npos ? pos[0] : NULL, &d) != 0)
		return WOL_EXIT_USAGE;
	char *path, *warning;
	if (wol_journal_open(ctx, d, &path, NULL, &warning, &err) != 0)
		return wol_cli_fail(cli, &err);
	print_warning(warning);
	int rc = WOL_EXIT_OK;
	const char *editor = getenv("VISUAL");
	if (!editor || !*editor)
		editor = getenv("EDITOR");
	if (opts[0].value) {
		printf("%s\n", path);
	} else if (editor && *editor && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
		fflush(NULL);
		setenv("WOL_EDITOR", editor, 1);
		execlp("sh", "sh", "-c", "$WOL_EDITOR \"$1\"", "sh", path, (char *)NULL);
		perror("wol: journal: cannot start the editor");
		rc = WOL_EXIT_FAIL;
	} else {
		rc = print_file(cli, path);
	}
	free(path);
	return rc;
}

int wol_cli_log(wol_cli *cli, int argc, char **argv)
{
	wol_cli_opt opts[] = {{"time", 1, 0, NULL}, {NULL, 0, 0, NULL}};
	char *pos[argc > 0 ? argc : 1];
	int npos;
	if (wol_cli_parse(cli, argc, argv, opts, pos, &npos))
		return WOL_EXIT_USAGE;
	if (opts[0].value && !wol_time_valid(opts[0].value))
		return wol_cli_usage(cli, "--time: '%s' is not HH:MM", opts[0].value);
	char *text = wol_cli_words(pos, npos);
	if (!text) {
		wol_error oom;
		wol_error_set(&oom, WOL_ENOMEM, "out of memory");
		return wol_cli_fail(cli, &oom);
	}
	char **quote = NULL;
	size_t nquote = 0, cap = 0;
	if (npos == 0) {
		if (isatty(STDIN_FILENO)) {
			free(text);
			return wol_cli_usage(cli, "nothing to log: give TEXT, or lines on standard input");
		}
		char *line = NULL;
		size_t lcap = 0;
		ssize_t n;
		while ((n = getline(&line, &lcap, stdin)) >= 0) {
			if (nquote == cap) {
				cap = cap ? cap * 2 : 16;
				char **q = realloc(quote, cap * sizeof *q);
				if (!q)
					break;
				quote = q;
			}
			quote[nquote] = strndup(line, (size_t)n);
			if (quote[nquote])
				nquote++;
		}
		free(line);
		while (nquote && quote[nquote - 1][strspn(quote[nquote - 1], " \t\r\n")] == '\0')
			free(quote[--nquote]); /* trailing blank lines */
		if (nquote == 0) {
			wol_strv_free(quote, nquote);
			free(text);
			return wol_cli_usage(cli, "nothing to log: give TEXT, or lines on standard input");
		}
	}
	int rc = WOL_EXIT_OK;
	wol_ctx *ctx = wol_cli_ctx(cli);
	if (!ctx) {
		rc = WOL_EXIT_FAIL;
	} else {
		wol_journal_log_opts o = {opts[0].value, (const char *const *)quote, nquote};
		char *path, *warning;
		wol_error err;
		if (wol_journal_log(ctx, wol_ctx_today(ctx), text, &o, &path,
		                    &warning, &err) != 0) {
			rc = wol_cli_fail(cli, &err);
		} else {
			print_warning(warning);
			wol_cli_say(cli, "wol: logged to %s\n", path);
			free(path);
		}
	}
	wol_strv_free(quote, nquote);
	free(text);
	return rc;
}

int wol_cli_stats(wol_cli *cli, int argc, char **argv)
{
	wol_cli_opt opts[] = {{"json", 0, 0, NULL}, {NULL, 0, 0, NULL}};
	if (wol_cli_parse_flags(cli, argc, argv, opts))
		return WOL_EXIT_USAGE;
	wol_ctx *ctx = wol_cli_ctx(cli);
	if (!ctx)
		return WOL_EXIT_FAIL;
	wol_journal_entries l;
	wol_error err;
	if (wol_journal_list(ctx, 1, &l, &err) != 0)
		return wol_cli_fail(cli, &err);
	wol_journal_stats s;
	wol_journal_stats_of(&l, wol_ctx_today(ctx), &s);
	print_warnings(&l);
	char last[11];
	if (s.last.y)
		wol_date_format(s.last, last);
	size_t entries = l.n;
	wol_journal_entries_free(&l);
	if (opts[0].value) {
		cJSON *o = wol_journal_stats_json(&s, entries);
		return wol_cli_json(o);
	}
	printf("current streak  %d day%s%s\n", s.current, s.current == 1 ? "" : "s",
	       s.current && !s.today_written ? " (write today to keep it)" : "");
	printf("longest streak  %d day%s\n", s.longest, s.longest == 1 ? "" : "s");
	printf("this week       %d day%s\n", s.week, s.week == 1 ? "" : "s");
	printf("this month      %d day%s\n", s.month, s.month == 1 ? "" : "s");
	printf("days written    %d (of %zu entries)\n", s.total, entries);
	printf("last written    %s\n", s.last.y ? last : "never");
	return WOL_EXIT_OK;
}
