/* cli.h - the `wol` command-line front end: shared helpers of csrc/cli*.c.
 *
 * Each command is a function
 *     int wol_cli_<noun>(wol_cli *cli, int argc, char **argv);
 * (argv[0] is the command name) listed in the table in cli.c. It returns
 * the process exit code, by one rule for every command (wol_cli_exit). */
#ifndef WOL_CLI_H
#define WOL_CLI_H

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>

#include "wol.h"

/* Exit statuses (`wol --help`, doc/wol.txt |wol-exit|). */
enum {
	WOL_EXIT_OK = 0,
	WOL_EXIT_FAIL = 1,     /* a runtime failure */
	WOL_EXIT_USAGE = 2,    /* the command line is wrong; nothing was done */
	WOL_EXIT_NET = 3,      /* offline or the remote cannot be reached */
	WOL_EXIT_AUTH = 4,     /* credentials or host key refused */
	WOL_EXIT_REFUSED = 5,  /* refused: by the remote (a hook, no write access, rejected
	                        * after every retry) or by a rule (a secret, another's note) */
	WOL_EXIT_BUSY = 6      /* a lock is held by another process; try again */
};

typedef struct wol_cli {
	const char *home;   /* --home */
	const char *circle; /* --circle */
	const char *cmd;    /* the command being run */
	int writes;         /* the command writes: it takes -q/--quiet */
	int quiet;          /* -q: print nothing on success (wol_cli_say) */
	wol_ctx *ctx;       /* opened on first use */
} wol_cli;

typedef struct wol_cli_cmd {
	const char *name;
	int (*run)(wol_cli *cli, int argc, char **argv);
	const char *args;    /* "[date] [--json]" */
	const char *summary; /* one line */
	const char *help;    /* further lines for `wol <cmd> --help`, or NULL */
	int writes;          /* 1: it writes, says what it wrote, and takes -q/--quiet */
} wol_cli_cmd;

/* The context, opened on first use; NULL after printing the error. */
wol_ctx *wol_cli_ctx(wol_cli *cli);
/* The circle named by --circle (or the default one), opened; NULL after
 * printing the error. The caller closes it with wol_circle_close. */
wol_circle *wol_cli_circle(wol_cli *cli);
/* The exit status for a wol_code: the one rule of every command. */
int wol_cli_exit(int code);
/* Prints the error's one line to stderr; returns wol_cli_exit(err->code). */
int wol_cli_fail(wol_cli *cli, const wol_error *err);
/* Prints "wol: <cmd>: <msg> (see: wol <cmd> --help)" to stderr; returns 2.
 * A message carries one hint: the fmt has none of its own. */
int wol_cli_usage(wol_cli *cli, const char *fmt, ...) WOL_PRINTF(2, 3);
/* The same with another hint: "(see: <see>)". */
int wol_cli_usage_see(wol_cli *cli, const char *see, const char *fmt, ...) WOL_PRINTF(3, 4);
/* A library error about an argument (its message names what is wrong),
 * printed as a usage error: the message and the command's help hint;
 * returns 2. */
int wol_cli_usage_error(wol_cli *cli, const wol_error *err);
/* A date argument (YYYY-MM-DD, today, yesterday, tomorrow, +N, -N) relative
 * to the context's today: 0, or the usage error's exit status (2) after
 * printing it (a date that does not exist is a usage error). */
int wol_cli_date(wol_cli *cli, wol_ctx *ctx, const char *arg, wol_date *out);
/* What a write command did, on standard output: one line, unless -q. */
void wol_cli_say(wol_cli *cli, const char *fmt, ...) WOL_PRINTF(2, 3);
/* Prints a JSON value on one line to stdout and frees it; returns 0, or 1
 * when it could not be printed. */
int wol_cli_json(cJSON *value);
/* A line of the JSON-lines protocol of long-running commands (`wol sync
 * --json`, `wol join --json`; doc/wol.txt |wol-json-lines|): an object whose
 * "type" is "progress" (any number of lines) or "summary" (the last line,
 * with "error", "code" and "exit" on failure). Print it with
 * wol_cli_jsonl_emit. */
cJSON *wol_cli_jsonl(const char *type);
/* Prints a protocol line, frees it and flushes stdout (the reader streams). */
int wol_cli_jsonl_emit(cJSON *line);
/* Marks a summary as failed: "error" (the message) and "code" (its name,
 * :help wol-errors) when the tree has none, "error_kind" (the same name,
 * the protocol's field since its first version) and "exit". */
void wol_cli_jsonl_failed(cJSON *summary, const wol_error *err, int exit_code);
/* A line of a JSON-lines stream: {"type": type, ...the tree's members}
 * (takes the tree; NULL when out of memory). */
cJSON *wol_cli_typed(const char *type, cJSON *tree);
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
/* The same appended to b (util/util.h's wol_buf), for many lines written
 * at once. Returns 0 or -1 (out of memory). */
struct wol_buf;
int wol_cli_bprintf(struct wol_buf *b, const char *fmt, ...) WOL_PRINTF(2, 3);
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
int wol_cli_done(wol_cli *cli, int argc, char **argv);
/* journal.c: after an act of `date` (NULL: today), one line offering
 * `wol done` while today's challenge is not marked done (nothing with -q). */
void wol_cli_offer_done(wol_cli *cli, wol_ctx *ctx, const char *date);
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
