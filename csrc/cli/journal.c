/* cli/journal.c - `wol journal`, `wol log`, `wol stats`: the journal from
 * the shell */
#include "cli.h"
#include "util/util.h" /* a front-end concern: printing an entry */
#include "wol_json.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
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


/* ------------------------------------------------- the private history */

/* DATE (any form a date takes) or FILE (a path under journal/ or people/,
 * which the library checks) as the file whose history is asked for
 * (malloc'd); NULL after a usage error. */
static char *target(wol_cli *cli, wol_ctx *ctx, const char *arg)
{
	if (strchr(arg, '/'))
		return strdup(arg);
	wol_date d;
	if (wol_cli_date(cli, ctx, arg, &d) != 0)
		return NULL;
	return wol_journal_path(ctx, d);
}

static void when(long long t, char *buf, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;
	localtime_r(&tt, &tm);
	strftime(buf, n, "%Y-%m-%d %H:%M", &tm);
}

/* wol journal log [DATE|FILE] [--limit N] [--json] */
static int history_log(wol_cli *cli, int argc, char **argv)
{
	wol_cli_opt opts[] = {{"json", 0, 0, NULL}, {"limit", 1, 'n', NULL}, {NULL, 0, 0, NULL}};
	char *pos[argc > 0 ? argc : 1];
	int npos;
	if (wol_cli_parse(cli, argc, argv, opts, pos, &npos))
		return WOL_EXIT_USAGE;
	if (npos > 1)
		return wol_cli_usage(cli, "unexpected argument '%s'", pos[1]);
	size_t limit = 0;
	if (opts[1].value) {
		char *end;
		long n = strtol(opts[1].value, &end, 10);
		if (*end || n < 1 || n > 1000000)
			return wol_cli_usage(cli, "--limit wants a number from 1 up");
		limit = (size_t)n;
	}
	wol_ctx *ctx = wol_cli_ctx(cli);
	if (!ctx)
		return WOL_EXIT_FAIL;
	char *file = npos ? target(cli, ctx, pos[0]) : NULL;
	if (npos && !file)
		return WOL_EXIT_USAGE;
	wol_journal_versions v;
	wol_error err;
	int rc = wol_journal_history(ctx, file, limit, &v, &err);
	free(file);
	if (rc)
		return wol_cli_fail(cli, &err);
	if (opts[0].value) {
		cJSON *j = wol_journal_versions_json(&v);
		wol_journal_versions_free(&v);
		return wol_cli_json(j);
	}
	for (size_t i = 0; i < v.n; i++) {
		char t[32];
		when(v.items[i].time, t, sizeof t);
		wol_cli_printf(stdout, "%.8s  %s  %-8s  %s  %s\n", v.items[i].commit, t,
		               v.items[i].status, v.items[i].path, v.items[i].subject);
	}
	if (v.n == 0)
		wol_cli_printf(stderr, "wol: journal: no history %s\n",
		               npos ? "for that file" : "yet");
	wol_journal_versions_free(&v);
	return WOL_EXIT_OK;
}

/* wol journal show DATE|FILE REV, wol journal restore DATE|FILE REV [--json] */
static int history_version(wol_cli *cli, int restore, int argc, char **argv)
{
	wol_cli_opt opts[] = {{"json", 0, 0, NULL}, {NULL, 0, 0, NULL}};
	char *pos[argc > 0 ? argc : 1];
	int npos;
	if (wol_cli_parse(cli, argc, argv, restore ? opts : opts + 1, pos, &npos))
		return WOL_EXIT_USAGE;
	if (npos != 2)
		return wol_cli_usage(cli, "%s wants DATE (or FILE) and REV (wol journal log DATE lists "
		                     "them)", restore ? "restore" : "show");
	wol_ctx *ctx = wol_cli_ctx(cli);
	if (!ctx)
		return WOL_EXIT_FAIL;
	char *file = target(cli, ctx, pos[0]);
	if (!file)
		return WOL_EXIT_USAGE;
	wol_error err;
	int rc;
	if (!restore) {
		char *text = NULL;
		size_t len = 0;
		rc = wol_journal_show(ctx, file, pos[1], &text, &len, &err);
		free(file);
		if (rc)
			return wol_cli_fail(cli, &err);
		fwrite(text, 1, len, stdout);
		free(text);
		return WOL_EXIT_OK;
	}
	wol_journal_commit_result r;
	rc = wol_journal_restore(ctx, file, pos[1], &r, &err);
	if (rc) {
		free(file);
		return wol_cli_fail(cli, &err);
	}
	if (opts[0].value) {
		free(file);
		cJSON *j = wol_journal_commit_json(&r);
		wol_journal_commit_result_free(&r);
		return wol_cli_json(j);
	}
	if (r.commit[0])
		wol_cli_printf(stdout, "wol: journal: restored %s as of %s (commit %.8s)\n", file, pos[1],
		               r.commit);
	else
		wol_cli_printf(stdout, "wol: journal: %s already holds what %s had; nothing changed\n",
		               file, pos[1]);
	free(file);
	wol_journal_commit_result_free(&r);
	return WOL_EXIT_OK;
}

/* wol journal commit [--json] */
static int history_commit(wol_cli *cli, int argc, char **argv)
{
	wol_cli_opt opts[] = {{"json", 0, 0, NULL}, {NULL, 0, 0, NULL}};
	if (wol_cli_parse_flags(cli, argc, argv, opts))
		return WOL_EXIT_USAGE;
	wol_ctx *ctx = wol_cli_ctx(cli);
	if (!ctx)
		return WOL_EXIT_FAIL;
	wol_journal_commit_result r;
	wol_error err;
	if (wol_journal_commit(ctx, 1, &r, &err) != 0)
		return wol_cli_fail(cli, &err);
	if (opts[0].value) {
		cJSON *j = wol_journal_commit_json(&r);
		wol_journal_commit_result_free(&r);
		return wol_cli_json(j);
	}
	if (r.commit[0])
		wol_cli_printf(stdout, "wol: journal: committed %zu %s (commit %.8s)\n", r.npaths,
		               r.npaths == 1 ? "file" : "files", r.commit);
	else
		wol_cli_printf(stdout, "wol: journal: nothing to commit\n");
	wol_journal_commit_result_free(&r);
	return WOL_EXIT_OK;
}

/* wol journal remote [URL | --remove] */
static int history_remote(wol_cli *cli, int argc, char **argv)
{
	wol_cli_opt opts[] = {{"remove", 0, 0, NULL}, {NULL, 0, 0, NULL}};
	char *pos[argc > 0 ? argc : 1];
	int npos;
	if (wol_cli_parse(cli, argc, argv, opts, pos, &npos))
		return WOL_EXIT_USAGE;
	if (npos > 1 || (npos && opts[0].value))
		return wol_cli_usage(cli, "remote wants one URL, or --remove");
	wol_ctx *ctx = wol_cli_ctx(cli);
	if (!ctx)
		return WOL_EXIT_FAIL;
	wol_error err;
	if (npos || opts[0].value) {
		if (wol_journal_remote_set(ctx, npos ? pos[0] : "", &err) != 0)
			return wol_cli_fail(cli, &err);
		if (npos)
			wol_cli_printf(stdout, "wol: journal: private remote set (wol sync --private "
			               "pushes there)\n");
		else
			wol_cli_printf(stdout, "wol: journal: private remote removed\n");
		return WOL_EXIT_OK;
	}
	wol_journal_state st;
	if (wol_journal_state_get(ctx, &st, &err) != 0)
		return wol_cli_fail(cli, &err);
	if (st.remote)
		wol_cli_printf(stdout, "%s\n", st.remote);
	else
		wol_cli_printf(stderr, "wol: journal: no private remote (wol journal remote URL sets "
		               "one)\n");
	int code = st.remote ? WOL_EXIT_OK : WOL_EXIT_FAIL;
	wol_journal_state_free(&st);
	return code;
}

/* wol journal status [--json] */
static int history_status(wol_cli *cli, int argc, char **argv)
{
	wol_cli_opt opts[] = {{"json", 0, 0, NULL}, {NULL, 0, 0, NULL}};
	if (wol_cli_parse_flags(cli, argc, argv, opts))
		return WOL_EXIT_USAGE;
	wol_ctx *ctx = wol_cli_ctx(cli);
	if (!ctx)
		return WOL_EXIT_FAIL;
	wol_journal_state st;
	wol_error err;
	if (wol_journal_state_get(ctx, &st, &err) != 0)
		return wol_cli_fail(cli, &err);
	if (opts[0].value) {
		cJSON *j = wol_journal_state_json(&st);
		wol_journal_state_free(&st);
		return wol_cli_json(j);
	}
	if (!st.exists) {
		printf("no history yet (it begins with the first entry or log line)\n");
	} else {
		printf("commits    %zu%s%.8s\n", st.commits, st.commits ? ", last " : "", st.head);
		if (st.pending)
			printf("waiting    changes not committed yet (due in %lds; wol journal commit "
			       "commits now)\n", st.due_in);
		if (st.remote)
			wol_cli_printf(stdout, "remote     %s (%zu to push, %zu to merge%s)\n", st.remote,
			               st.ahead, st.behind, st.remote_known ? "" : ", never synced");
		else
			printf("remote     none (wol journal remote URL)\n");
	}
	wol_journal_state_free(&st);
	return WOL_EXIT_OK;
}

static int history_sub(wol_cli *cli, int argc, char **argv)
{
	const char *sub = argv[1];
	if (strcmp(sub, "log") == 0)
		return history_log(cli, argc - 1, argv + 1);
	if (strcmp(sub, "show") == 0)
		return history_version(cli, 0, argc - 1, argv + 1);
	if (strcmp(sub, "restore") == 0)
		return history_version(cli, 1, argc - 1, argv + 1);
	if (strcmp(sub, "commit") == 0)
		return history_commit(cli, argc - 1, argv + 1);
	if (strcmp(sub, "remote") == 0)
		return history_remote(cli, argc - 1, argv + 1);
	return history_status(cli, argc - 1, argv + 1);
}

int wol_cli_journal(wol_cli *cli, int argc, char **argv)
{
	static const char *const subs[] = {"log", "show", "restore", "commit", "remote", "status"};
	for (size_t i = 0; argc > 1 && i < sizeof subs / sizeof *subs; i++)
		if (strcmp(argv[1], subs[i]) == 0)
			return history_sub(cli, argc, argv);
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

static const char *days(int n)
{
	return n == 1 ? "day" : "days";
}

int wol_cli_stats(wol_cli *cli, int argc, char **argv)
{
	wol_cli_opt opts[] = {{"json", 0, 0, NULL}, {NULL, 0, 0, NULL}};
	if (wol_cli_parse_flags(cli, argc, argv, opts))
		return WOL_EXIT_USAGE;
	wol_ctx *ctx = wol_cli_ctx(cli);
	if (!ctx)
		return WOL_EXIT_FAIL;
	wol_activity a;
	wol_error err;
	if (wol_activity_get(ctx, NULL, &a, &err) != 0)
		return wol_cli_fail(cli, &err);
	for (size_t i = 0; i < a.nwarnings; i++)
		wol_cli_printf(stderr, "%s\n", a.warnings[i]);
	if (opts[0].value) {
		cJSON *o = wol_activity_json(&a);
		wol_activity_free(&a);
		return wol_cli_json(o);
	}
	const wol_journal_stats *s = &a.active;
	char last[11], lastw[11];
	if (s->last.y)
		wol_date_format(s->last, last);
	if (a.written.last.y)
		wol_date_format(a.written.last, lastw);
	printf("a day counts when you wrote in the journal or acted: shared, asked,\n"
	       "answered, gave, or did the day's challenge\n");
	printf("current streak  %d %s%s\n", s->current, days(s->current),
	       s->current && !s->today_written ? " (write or act today to keep it)" : "");
	printf("longest streak  %d %s\n", s->longest, days(s->longest));
	printf("this week       %d %s\n", s->week, days(s->week));
	printf("this month      %d %s\n", s->month, days(s->month));
	printf("days active     %d (%d written, %d with an act)\n", s->total, a.written.total,
	       a.acted);
	printf("days written    %d (of %zu %s)\n", a.written.total, a.entries,
	       a.entries == 1 ? "entry" : "entries");
	printf("last active     %s\n", s->last.y ? last : "never");
	printf("last written    %s\n", a.written.last.y ? lastw : "never");
	wol_activity_free(&a);
	return WOL_EXIT_OK;
}

/* One line after an act of today (a share, a question, an answer, a
 * contribution) while today's challenge is not marked done: the offer. */
void wol_cli_offer_done(wol_cli *cli, wol_ctx *ctx, const char *date)
{
	if (!ctx || cli->quiet)
		return;
	wol_date today = wol_ctx_today(ctx), d;
	if (date && (wol_date_parse(date, today, &d, NULL) != 0 || wol_date_diff(d, today) != 0))
		return;
	wol_journal_done st;
	wol_error err;
	if (wol_journal_done_get(ctx, today, &st, &err) == 0 && !st.done)
		wol_cli_say(cli, "wol: did today's challenge? `wol done` marks it done\n");
	wol_journal_done_free(&st);
}

int wol_cli_done(wol_cli *cli, int argc, char **argv)
{
	wol_cli_opt opts[] = {{"json", 0, 0, NULL}, {NULL, 0, 0, NULL}};
	char *pos[argc > 0 ? argc : 1];
	int npos;
	if (wol_cli_parse(cli, argc, argv, opts, pos, &npos))
		return WOL_EXIT_USAGE;
	if (npos > 1)
		return wol_cli_usage(cli, "unexpected argument '%s'", pos[1]);
	wol_ctx *ctx = wol_cli_ctx(cli);
	if (!ctx)
		return WOL_EXIT_FAIL;
	wol_date d;
	if (wol_cli_date(cli, ctx, npos ? pos[0] : NULL, &d) != 0)
		return WOL_EXIT_USAGE;
	wol_journal_done r;
	char *warning = NULL;
	wol_error err;
	if (wol_journal_done_when(ctx, d, &err) != 0)
		return wol_cli_usage_error(cli, &err);
	if (wol_journal_mark_done(ctx, d, &r, &warning, &err) != 0)
		return wol_cli_fail(cli, &err);
	print_warning(warning);
	char day[11];
	wol_date_format(d, day);
	if (opts[0].value) {
		cJSON *o = wol_journal_done_json(&r, d);
		wol_journal_done_free(&r);
		return wol_cli_json(o);
	}
	if (r.already)
		wol_cli_say(cli, "wol: the challenge of %s was already done: %s\n", day,
		            r.title ? r.title : "");
	else
		wol_cli_say(cli, "wol: challenge of %s done: %s (%s)\n", day, r.title ? r.title : "",
		            r.path);
	wol_journal_done_free(&r);
	return WOL_EXIT_OK;
}
