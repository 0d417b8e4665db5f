/* cli.h - the `wol` command-line front end: shared helpers of csrc/cli*.c.
 *
 * Each command is a function
 *     int wol_cli_<noun>(wol_cli *cli, int argc, char **argv);
 * (argv[0] is the command name) listed in the table in cli.c. It returns
 * the process exit code: 0 ok, 1 failure, 2 usage error. */
#ifndef WOL_CLI_H
#define WOL_CLI_H

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>

#include "wol.h"

enum { WOL_EXIT_OK = 0, WOL_EXIT_FAIL = 1, WOL_EXIT_USAGE = 2 };

typedef struct wol_cli {
	const char *home;   /* --home */
	const char *circle; /* --circle */
	const char *cmd;    /* the command being run */
	wol_ctx *ctx;       /* opened on first use */
} wol_cli;

typedef struct wol_cli_cmd {
	const char *name;
	int (*run)(wol_cli *cli, int argc, char **argv);
	const char *args;    /* "[date] [--json]" */
	const char *summary; /* one line */
	const char *help;    /* further lines for `wol <cmd> --help`, or NULL */
} wol_cli_cmd;

/* The context, opened on first use; NULL after printing the error. */
wol_ctx *wol_cli_ctx(wol_cli *cli);
/* The circle named by --circle (or the default one), opened; NULL after
 * printing the error. The caller closes it with wol_circle_close. */
wol_circle *wol_cli_circle(wol_cli *cli);
/* Prints the error's one line to stderr; returns the exit code (1). */
int wol_cli_fail(wol_cli *cli, const wol_error *err);
/* Prints "wol: <cmd>: <msg>" and a hint to stderr; returns 2. */
int wol_cli_usage(wol_cli *cli, const char *fmt, ...) WOL_PRINTF(2, 3);
/* Prints a JSON value on one line to stdout and frees it; returns 0, or 1
 * when it could not be printed. */
int wol_cli_json(cJSON *value);
/* A line of the JSON-lines protocol of long-running commands (`wol sync
 * --json`, `wol join --json`; doc/wol.txt |wol-json-lines|): an object whose
 * "type" is "progress" (any number of lines) or "summary" (the last line,
 * with "error", "error_kind" and "exit" on failure). Print it with
 * wol_cli_jsonl_emit. */
cJSON *wol_cli_jsonl(const char *type);
/* Prints a protocol line, frees it and flushes stdout (the reader streams). */
int wol_cli_jsonl_emit(cJSON *line);
/* Options of one command: { "json", 0, 'j' }, { "message", 1, 'm' }, ...
 * terminated by { NULL }. After parsing, `value` is the option's argument
 * ("1" for a flag given) or NULL when absent. */
typedef struct wol_cli_opt {
	const char *name;
	int has_arg;
	char short_name; /* 0: none */
	const char *value;
} wol_cli_opt;

/* Parses argv[1..] (options anywhere, "--" ends them; --help is handled by
 * cli.c before the command runs). Positional arguments are gathered in
 * pos[0..*npos) (pos must hold argc entries). Returns 0, or 2 after
 * printing a usage error. */
int wol_cli_parse(wol_cli *cli, int argc, char **argv, wol_cli_opt *opts, char **pos,
                  int *npos);
/* The same for commands that take options only: any positional argument is
 * a usage error. Returns 0, or 2 after printing the error. */
int wol_cli_parse_flags(wol_cli *cli, int argc, char **argv, wol_cli_opt *opts);
/* Prints like fprintf, for every line that holds text from files (titles,
 * names, paths, messages): each %s argument is made safe for a terminal
 * (control characters and bytes that are not UTF-8 are written as \xHH or
 * \u00HH; tab, CR and newline become spaces, so a field stays on its line).
 * The format itself is printed as it is (our colours). Returns 0 or -1. */
int wol_cli_printf(FILE *f, const char *fmt, ...) WOL_PRINTF(2, 3);
int wol_cli_vprintf(FILE *f, const char *fmt, va_list ap);
/* Prints a multi-line text (a body) the same way, keeping its newlines and
 * tabs. Returns 0 or -1. */
int wol_cli_text(FILE *f, const char *text);
/* "just now", "5m ago", "3h ago", "2d ago" for a Unix time. */
void wol_cli_age(long long then, char *buf, size_t size);
/* The words joined by single spaces (malloc'd, "" for none; NULL on out
 * of memory): a title, a query or a log line given as several arguments. */
char *wol_cli_words(char **words, int n);

int wol_cli_doctor(wol_cli *cli, int argc, char **argv);
int wol_cli_sync(wol_cli *cli, int argc, char **argv);
/* The exit status of a network command (sync, join) for a wol_code:
 * 3 unreachable, 4 login or certificate refused, 5 refused or rejected by
 * the server, 6 locked, else 1 (doc/wol.txt, wol-sync-errors). */
int wol_cli_net_exit(int code);
int wol_cli_init(wol_cli *cli, int argc, char **argv);
int wol_cli_join(wol_cli *cli, int argc, char **argv);
int wol_cli_circles(wol_cli *cli, int argc, char **argv);
int wol_cli_note(wol_cli *cli, int argc, char **argv);
int wol_cli_share(wol_cli *cli, int argc, char **argv);
int wol_cli_notes(wol_cli *cli, int argc, char **argv);
int wol_cli_ask(wol_cli *cli, int argc, char **argv);
int wol_cli_questions(wol_cli *cli, int argc, char **argv);
int wol_cli_show(wol_cli *cli, int argc, char **argv);
int wol_cli_answer(wol_cli *cli, int argc, char **argv);
int wol_cli_resolve(wol_cli *cli, int argc, char **argv);
int wol_cli_reopen(wol_cli *cli, int argc, char **argv);
int wol_cli_thank(wol_cli *cli, int argc, char **argv);
int wol_cli_comment(wol_cli *cli, int argc, char **argv);
int wol_cli_react(wol_cli *cli, int argc, char **argv);
int wol_cli_feedback(wol_cli *cli, int argc, char **argv);
int wol_cli_addressed(wol_cli *cli, int argc, char **argv);
int wol_cli_journal(wol_cli *cli, int argc, char **argv);
int wol_cli_log(wol_cli *cli, int argc, char **argv);
int wol_cli_stats(wol_cli *cli, int argc, char **argv);
int wol_cli_prompt(wol_cli *cli, int argc, char **argv);
int wol_cli_index(wol_cli *cli, int argc, char **argv);
int wol_cli_search(wol_cli *cli, int argc, char **argv);
int wol_cli_status(wol_cli *cli, int argc, char **argv);
int wol_cli_export(wol_cli *cli, int argc, char **argv);
int wol_cli_review(wol_cli *cli, int argc, char **argv);
int wol_cli_people(wol_cli *cli, int argc, char **argv);
int wol_cli_give(wol_cli *cli, int argc, char **argv);
int wol_cli_goal(wol_cli *cli, int argc, char **argv);

#endif
