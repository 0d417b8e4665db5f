/* cli/main.c - `wol`: main, global options, the command table and help */
#include "cli.h"
#include "wol_json.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int cmd_version(wol_cli *cli, int argc, char **argv);

/* The command table: one line per command, in the order `wol --help`
 * shows them. */
static const wol_cli_cmd commands[] = {
	{"doctor", wol_cli_doctor, "[--json]", "check the installation, identity and circles",
	 "Prints what :checkhealth wol reports. Exit 1 when any check is an error.", 0},
	{"sync", wol_cli_sync,
	 "[--json] [--status] [--no-push] [--attempts N] [--wait SECONDS] [--timeout SECONDS] "
	 "[--private]",
	 "fetch what the circle shared, merge it, push what you shared",
	 "Never force-pushes; when both sides changed a file both versions are kept.\n"
	 "--private syncs the journal's private history with its private remote instead\n"
	 "(wol journal remote URL), by the same rules.\n"
	 "--status (or --dry-run) only shows the commits waiting to be pushed (no network).\n"
	 "--json prints one JSON object a line: progress, then a summary.\n"
	 "--timeout stops a sync that gets no answer (exit 3); by default it waits.\n"
	 "Exit 6 when another sync of the circle is running (see: wol --help).", 1},
	{"init", wol_cli_init, "NAME [--remote URL] [--started DATE] [--meets DAY] [--weeks N] [--goal TEXT]",
	 "start a circle in $WOL_HOME/circles/NAME", "Creates the repository with circle.md and your members/<handle>.md, committed.", 1},
	{"join", wol_cli_join, "URL [NAME] [--goal TEXT] [--json]", "join a circle: clone it and add yourself",
	 "With --json, prints JSON lines: progress, then a summary (see :help wol-json-lines).\n"
	 "--goal sets your goal in members/<handle>.md (checked before anything is cloned).", 1},
	{"circles", wol_cli_circles, "[--json]", "list your circles (* marks the default)", NULL, 0},
	{"note", wol_cli_note, "TITLE", "create a note in notes/<handle>/ (not shared yet)",
	 "Prints the new note's path.", 1},
	{"share", wol_cli_share, "FILE|- [-m MSG] [--force] [--title T] [--lines A-B] [--max-size N] [--json]",
	 "share a note (or a copy of any file) as a commit in the circle",
	 "Refuses journal entries and secret-looking content unless --force, and\n"
	 "binary content, files over the size limit (1 MiB) and other members' notes.", 1},
	{"notes", wol_cli_notes, "[HANDLE] [--json]", "list shared notes, newest first", NULL, 0},
	{"ask", wol_cli_ask, "TITLE [-m BODY] [--about PATH] [--force] [--json]", "ask the circle for help (a question, committed)", NULL, 1},
	{"questions", wol_cli_questions, "[--state open|resolved|retracted|all] [--mine] [--new] [--json] [--source files|index]", "list the circle's questions (open ones by default)",
	 "--new lists only what arrived since the last --new (or :WolSync digest):\nquestions by others and answers by others to your questions.\nThe list comes from the search index (refreshed first); --source files\nreads the record files instead.", 0},
	{"show", wol_cli_show, "QID [--json]", "show a question with its answers and events", "QID may be the whole id, a unique prefix or a unique suffix.", 0},
	{"answer", wol_cli_answer, "QID -m TEXT [--force] [--json]", "answer a question", NULL, 1},
	{"resolve", wol_cli_resolve, "QID [-m WHAT-HELPED] [--json]", "mark your question resolved", NULL, 1},
	{"reopen", wol_cli_reopen, "QID [--json]", "reopen your resolved question", NULL, 1},
	{"thank", wol_cli_thank, "QID AID [-m TEXT] [--json]", "thank someone for an answer", NULL, 1},
	{"comment", wol_cli_comment, "NOTE [--lines A-B] -m TEXT [--suggest] [--reply ID] [--force] [--json]",
	 "comment on a shared note (anyone's, your own too)",
	 "NOTE is the note's path (notes/<handle>/<name>.md, or its absolute path) or its id.\n--lines are the file's lines as they are in your clone; without them the\ncomment is on the whole note. --suggest makes it a suggestion, --reply ID a\nreply in the thread of item ID.", 1},
	{"react", wol_cli_react, "NOTE [--lines A-B] REACTION [-m TEXT] [--json]",
	 "react to a shared note: thanks, +1, idea or question", NULL, 1},
	{"feedback", wol_cli_feedback, "[NOTE | --mine] [--by HANDLE] [--json]",
	 "list feedback on a note, on your notes (--mine) or on every note, newest first",
	 "Lines are where each item sits in the note now; (outdated) marks feedback\nwhose lines were changed or deleted since, (orphaned) feedback on a note\nthat is gone, !! a record committed by someone other than its author.", 0},
	{"addressed", wol_cli_addressed, "ID [-m WHAT-CHANGED] [--json]",
	 "mark feedback on your note addressed", "ID may be the whole id, a unique prefix or a unique suffix.", 1},
	{"journal", wol_cli_journal,
	 "[date] [--path | --list] [--json] | log [DATE|FILE] [--limit N] [--json] | "
	 "show DATE|FILE REV | restore DATE|FILE REV [--json] | commit [--json] | "
	 "remote [URL | --remove] | status [--json]",
	 "open (creating if needed) the journal entry for today or a date; its private history",
	 "DATE is YYYY-MM-DD, today, yesterday, tomorrow, +N or -N. With a terminal and\n"
	 "$VISUAL or $EDITOR set, opens the entry in it; otherwise prints it.\n"
	 "--path prints only its path; --list lists the entries, newest first.\n"
	 "The journal and people/ are kept in a private git repository ($WOL_HOME/.private.git):\n"
	 "  log      the versions of an entry (or of every file), newest first\n"
	 "  show     an entry as version REV had it\n"
	 "  restore  puts an entry back as REV had it (a new commit: nothing is lost)\n"
	 "  commit   commits what waits now (writes are batched: git config wol.journalBatch)\n"
	 "  remote   sets the private remote that wol sync --private pushes to\n"
	 "  status   the history at a glance\n"
	 "FILE is a path under journal/ or people/ (relative to $WOL_HOME, or absolute).", 0},
	{"log", wol_cli_log, "TEXT... [--time HH:MM]", "append '- HH:MM TEXT' to today's journal entry",
	 "Without TEXT, lines read from standard input are appended as a quote.\n"
	 "Prints where it logged, as the editor does.", 1},
	{"stats", wol_cli_stats, "[--json]", "streaks of active days: the journal written, or an act",
	 "A day is active when you wrote in the journal or acted: shared a note, asked,\n"
	 "answered, gave to someone on your list, or did the day's challenge (wol done).\n"
	 "--json: current, longest, week, month (active days), and the three counts\n"
	 "active, written and acted.", 0},
	{"done", wol_cli_done, "[DATE] [--json]", "mark the day's challenge done (in the journal entry)",
	 "Writes `challenge: done`, the challenge's source and title into the front matter\n"
	 "of the day's journal entry (made from the template when missing). DATE: today\n"
	 "(default), yesterday, -N or YYYY-MM-DD; not a day still to come. A day with\n"
	 "its challenge done is active for the streaks (wol stats).", 1},
	{"prompt", wol_cli_prompt, "[date] [--json] [--started DATE [--weeks N]]",
	 "show the day's prompt: theme, challenge, questions",
	 "date: YYYY-MM-DD, today, yesterday, tomorrow, +N or -N (default today).\n"
	 "--started/--weeks set the circle program instead of the circle's circle.md.\n"
	 "Skipped prompt files are reported on stderr; the prompt is still shown.", 0},
	{"index", wol_cli_index, "[--rebuild | --synced CIRCLE | FILE...] [--stats] [--json | --progress]",
	 "bring the search index up to date (or rebuild it, or show its figures)",
	 "The index ($WOL_HOME/index.db) is a cache of your journal, notes and questions;\n"
	 "deleting it loses nothing. Without arguments every file is checked (by size and\n"
	 "time). --rebuild indexes everything again; --synced CIRCLE looks only at what\n"
	 "changed since the circle's last indexed commit; FILE... looks only at those.\n"
	 "--stats prints notes per member and week and question counts. --progress\n"
	 "streams JSON lines (|wol-json-lines|): the files read so far, then the report.", 1},
	{"search", wol_cli_search, "QUERY... [--json] [--limit N] [--no-refresh]",
	 "full-text search over journal, notes, questions, answers and your people",
	 "Query: words, \"a phrase\", prefix*, -exclude, and filters kind:note|journal|\n"
	 "question|answer|feedback|person author:NAME circle:NAME after:DATE before:DATE\n"
	 "is:open|resolved. kind:person finds the people on your list (name, relation,\n"
	 "tags, contributions); they are private, like the journal, and in no circle.\n"
	 "Prints FILE:LINE: [kind author] title: snippet, best match first.", 0},
	{"status", wol_cli_status, "[--json] [--agenda] [--limit N] [--color auto|always|never]",
	 "the circle at a glance: program week, members, what is new, open questions, activity",
	 "The activity grid is coloured when standard output is a terminal.\n"
	 "--agenda prints a meeting agenda for the next meeting (Markdown).", 0},
	{"review", wol_cli_review, "[WEEK | --week YYYY-Www | DATE] [--json] [--save] [--fresh]",
	 "the weekly review: the days written, what you shared, asked and answered, your goal",
	 "WEEK is YYYY-Www (ISO week, 2026-W10) or any date in it (default: this week).\n"
	 "Once saved (:w in :WolReview, or --save) the review is the journal file\n"
	 "journal/YYYY/YYYY-Www.md and is shown as you wrote it; --fresh makes it anew.\n"
	 "--save writes a new review into the journal (never over a saved one).", 0},
	{"export", wol_cli_export,
	 "--out DIR [--format md|html] [--mine | --all] [--include H,H] [--from DATE] [--to DATE] "
	 "[--circle NAME] [--json] [--progress]",
	 "export what was shared in the circle as a standalone bundle (a legacy to publish)",
	 "Notes with their feedback, questions with answers and what helped, each exported\n"
	 "member's goal and its revisions, and an index page; HTML (default) or Markdown.\n"
	 "--mine (the default) exports what you wrote, your questions and their answers\n"
	 "(with their authors' handles). --include adds members whose words may go too;\n"
	 "--all is refused unless every member is in --include. Never exported: your\n"
	 "journal, your people records, drafts that were not shared.\n"
	 "DIR must be new, empty, or an earlier export (replaced in one step).\n"
	 "--progress streams JSON lines (progress, then the summary) as the editor's job reads them.", 1},
	{"goal", wol_cli_goal, "[TEXT...] [--circle NAME] [--history] [--member HANDLE] [--json]",
	 "show or set your goal in a circle (members/<handle>.md, shared by the next sync)",
	 "Without TEXT, shows the goal; with TEXT, sets it (a commit, like a share).\n"
	 "--history lists every revision with its date, from the repository's history.\n"
	 "--member shows another member's goal. A goal over 25 words is saved with a note.", 1},
	{"people", wol_cli_people,
	 "[--json] [--sort stale|name|closeness|count] [--stale DAYS] | add NAME [--relation TEXT] "
	 "[--closeness 0-5] [--handle H] [--circles A,B] [--tags A,B] | rm NAME | show NAME [--json]",
	 "your private relationship list: who matters to your goal, and what you gave them",
	 "Each person is a file $WOL_HOME/people/<slug>.md (private, never shared).\n"
	 "The list is sorted longest-without-a-contribution first (--sort changes it).\n"
	 "rm moves the file to people/.trash/; nothing is deleted.", 1},
	{"give", wol_cli_give, "PERSON WHAT... [--date DATE] [--time HH:MM] [--json]",
	 "note a contribution to someone on your list ('- DATE HH:MM WHAT' in their file)",
	 "PERSON is a name or slug (case ignored). DATE defaults to today.", 1},
	{"version", cmd_version, "[--json]", "print the version and library versions", NULL, 0},
	{NULL, NULL, NULL, NULL, NULL, 0}};

static void print_usage(FILE *f)
{
	fprintf(f, "usage: wol [--home DIR] [--circle NAME] <command> [args]\n"
	           "       wol --version | --help | <command> --help\n\n"
	           "Working out loud from the shell: the same library as the wol.nvim plugin.\n\n"
	           "commands:\n");
	for (const wol_cli_cmd *c = commands; c->name; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->summary);
	fprintf(f, "\nCommands that write say what they did on standard output (as the editor\n"
	           "does) and nothing with -q/--quiet; warnings and errors go to standard error.\n"
	           "\nglobal options:\n"
	           "  --home DIR      use DIR instead of $WOL_HOME (default ~/.local/share/wol)\n"
	           "  --circle NAME   act on circle NAME instead of the default circle\n\n"
	           "exit status (every command; :help wol-exit):\n"
	           "  0 ok, 1 failure, 2 usage (the command line is wrong; nothing done),\n"
	           "  3 offline or remote unreachable, 4 authentication or host key refused,\n"
	           "  5 refused (by the remote, or by a rule: a secret, another member's note),\n"
	           "  6 busy (a lock is held; try again)\n");
}

static void print_cmd_help(const wol_cli_cmd *c)
{
	printf("usage: wol %s %s%s\n\n%s.\n", c->name, c->args ? c->args : "",
	       c->writes ? " [-q]" : "", c->summary);
	if (c->help)
		printf("\n%s\n", c->help);
	if (c->writes)
		printf("-q, --quiet prints nothing on success (warnings and errors still do).\n");
}

wol_ctx *wol_cli_ctx(wol_cli *cli)
{
	if (cli->ctx)
		return cli->ctx;
	wol_ctx_opts opts = {cli->home, cli->circle, NULL};
	wol_error err;
	if (wol_ctx_open(&cli->ctx, &opts, &err) != 0) {
		wol_cli_fail(cli, &err);
		return NULL;
	}
	return cli->ctx;
}

wol_circle *wol_cli_circle(wol_cli *cli)
{
	wol_ctx *ctx = wol_cli_ctx(cli);
	if (!ctx)
		return NULL;
	wol_circle *c = NULL;
	wol_error err;
	if (wol_circle_open(ctx, cli->circle, &c, &err) != 0) {
		wol_cli_fail(cli, &err);
		return NULL;
	}
	return c;
}

int wol_cli_exit(int code)
{
	switch (code) {
	case WOL_OK: return WOL_EXIT_OK;
	case WOL_ENET: return WOL_EXIT_NET;
	case WOL_EAUTH: return WOL_EXIT_AUTH;
	case WOL_EREFUSED:
	case WOL_EREJECTED: return WOL_EXIT_REFUSED;
	case WOL_ELOCKED: return WOL_EXIT_BUSY;
	default: return WOL_EXIT_FAIL;
	}
}

int wol_cli_fail(wol_cli *cli, const wol_error *err)
{
	(void)cli;
	wol_cli_printf(stderr, "%s\n", err->msg[0] ? err->msg : "wol: failed");
	return err->code ? wol_cli_exit(err->code) : WOL_EXIT_FAIL;
}

static int usage_v(wol_cli *cli, const char *see, const char *fmt, va_list ap)
{
	char msg[512];
	vsnprintf(msg, sizeof msg, fmt, ap);
	if (cli->cmd && see)
		wol_cli_printf(stderr, "wol: %s: %s (see: %s)\n", cli->cmd, msg, see);
	else if (cli->cmd)
		wol_cli_printf(stderr, "wol: %s: %s (see: wol %s --help)\n", cli->cmd, msg, cli->cmd);
	else
		wol_cli_printf(stderr, "wol: %s (see: %s)\n", msg, see ? see : "wol --help");
	return WOL_EXIT_USAGE;
}

int wol_cli_usage(wol_cli *cli, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = usage_v(cli, NULL, fmt, ap);
	va_end(ap);
	return rc;
}

int wol_cli_usage_see(wol_cli *cli, const char *see, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = usage_v(cli, see, fmt, ap);
	va_end(ap);
	return rc;
}

int wol_cli_usage_error(wol_cli *cli, const wol_error *err)
{
	if (cli->cmd)
		wol_cli_printf(stderr, "%s (see: wol %s --help)\n", err->msg, cli->cmd);
	else
		wol_cli_printf(stderr, "%s (see: wol --help)\n", err->msg);
	return WOL_EXIT_USAGE;
}

int wol_cli_date(wol_cli *cli, wol_ctx *ctx, const char *arg, wol_date *out)
{
	wol_error err;
	if (wol_date_parse(arg, wol_ctx_today(ctx), out, &err) != 0)
		return wol_cli_usage(cli, "%s", wol_error_text(&err));
	return 0;
}

void wol_cli_say(wol_cli *cli, const char *fmt, ...)
{
	if (cli->quiet)
		return;
	va_list ap;
	va_start(ap, fmt);
	wol_cli_vprintf(stdout, fmt, ap);
	va_end(ap);
}

int wol_cli_json(cJSON *value)
{
	char *s = value ? cJSON_PrintUnformatted(value) : NULL;
	cJSON_Delete(value);
	if (!s) {
		fprintf(stderr, "wol: json: out of memory\n");
		return WOL_EXIT_FAIL;
	}
	puts(s);
	cJSON_free(s);
	return WOL_EXIT_OK;
}

cJSON *wol_cli_jsonl(const char *type)
{
	cJSON *j = cJSON_CreateObject();
	if (j)
		cJSON_AddStringToObject(j, "type", type);
	return j;
}

int wol_cli_jsonl_emit(cJSON *line)
{
	int rc = wol_cli_json(line);
	fflush(stdout);
	return rc;
}

void wol_cli_jsonl_failed(cJSON *summary, const wol_error *err, int exit_code)
{
	if (!summary)
		return;
	const char *name = wol_error_name(err->code);
	if (!cJSON_GetObjectItemCaseSensitive(summary, "error"))
		cJSON_AddStringToObject(summary, "error", err->msg);
	if (!cJSON_GetObjectItemCaseSensitive(summary, "code"))
		cJSON_AddStringToObject(summary, "code", name);
	cJSON_AddStringToObject(summary, "error_kind", name);
	cJSON_AddNumberToObject(summary, "exit", exit_code);
}

cJSON *wol_cli_typed(const char *type, cJSON *tree)
{
	cJSON *o = tree ? cJSON_CreateObject() : NULL;
	if (!o || !cJSON_AddStringToObject(o, "type", type)) {
		cJSON_Delete(o);
		cJSON_Delete(tree);
		return NULL;
	}
	/* the tree's members follow "type" */
	cJSON *first = tree->child, *head = o->child;
	tree->child = NULL;
	cJSON_Delete(tree);
	if (first) {
		cJSON *last = first->prev;
		head->next = first;
		first->prev = head;
		head->prev = last;
	}
	return o;
}

int wol_cli_parse(wol_cli *cli, int argc, char **argv, wol_cli_opt *opts, char **pos, int *npos)
{
	*npos = 0;
	for (wol_cli_opt *o = opts; o && o->name; o++)
		o->value = NULL;
	int only_pos = 0;
	for (int i = 1; i < argc; i++) {
		char *a = argv[i];
		if (only_pos || a[0] != '-' || a[1] == '\0' ||
		    (a[1] >= '0' && a[1] <= '9')) { /* "-3" is a relative date, not an option */
			pos[(*npos)++] = a;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_pos = 1;
			continue;
		}
		if (cli->writes && (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0)) {
			cli->quiet = 1;
			continue;
		}
		wol_cli_opt *found = NULL;
		const char *inline_val = NULL;
		if (a[1] == '-') {
			const char *name = a + 2;
			const char *eq = strchr(name, '=');
			size_t n = eq ? (size_t)(eq - name) : strlen(name);
			for (wol_cli_opt *o = opts; o && o->name; o++)
				if (strlen(o->name) == n && strncmp(o->name, name, n) == 0)
					found = o;
			if (eq)
				inline_val = eq + 1;
		} else if (a[2] == '\0') {
			for (wol_cli_opt *o = opts; o && o->name; o++)
				if (o->short_name && o->short_name == a[1])
					found = o;
		}
		if (!found)
			return wol_cli_usage(cli, "unknown option '%s'", a);
		if (found->has_arg) {
			if (inline_val)
				found->value = inline_val;
			else if (i + 1 < argc)
				found->value = argv[++i];
			else
				return wol_cli_usage(cli, "option '%s' needs a value", a);
		} else {
			if (inline_val)
				return wol_cli_usage(cli, "option '--%s' takes no value", found->name);
			found->value = "1";
		}
	}
	return 0;
}

char *wol_cli_words(char **words, int n)
{
	size_t len = 1;
	for (int i = 0; i < n; i++)
		len += strlen(words[i]) + 1;
	char *out = malloc(len), *p = out;
	if (!out)
		return NULL;
	for (int i = 0; i < n; i++) {
		if (i)
			*p++ = ' ';
		size_t k = strlen(words[i]);
		memcpy(p, words[i], k);
		p += k;
	}
	*p = '\0';
	return out;
}

void wol_cli_age(long long then, char *buf, size_t size)
{
	long long d = (long long)time(NULL) - then;
	if (d < 0)
		d = 0;
	if (d < 60)
		snprintf(buf, size, "just now");
	else if (d < 3600)
		snprintf(buf, size, "%lldm ago", d / 60);
	else if (d < 86400)
		snprintf(buf, size, "%lldh ago", d / 3600);
	else
		snprintf(buf, size, "%lldd ago", d / 86400);
}

int wol_cli_parse_flags(wol_cli *cli, int argc, char **argv, wol_cli_opt *opts)
{
	char *pos[argc > 0 ? argc : 1];
	int npos;
	if (wol_cli_parse(cli, argc, argv, opts, pos, &npos))
		return WOL_EXIT_USAGE;
	if (npos)
		return wol_cli_usage(cli, "unexpected argument '%s'", pos[0]);
	return 0;
}

static int cmd_version(wol_cli *cli, int argc, char **argv)
{
	wol_cli_opt opts[] = {{"json", 0, 0, NULL}, {NULL, 0, 0, NULL}};
	if (wol_cli_parse_flags(cli, argc, argv, opts))
		return WOL_EXIT_USAGE;
	wol_libinfo li;
	wol_version_libs(&li);
	if (opts[0].value) {
		cJSON *j = wol_libinfo_json(&li);
		return wol_cli_json(j);
	}
	printf("wol %s (circle format %d)\nlibgit2 %s (ssh: %s, https: %s)\nsqlite %s (fts5: %s)\n"
	       "libyaml %s\ncJSON %s\n",
	       li.wol, li.format, li.libgit2, li.git_ssh ? "yes" : "no", li.git_https ? "yes" : "no",
	       li.sqlite, li.sqlite_fts5 ? "yes" : "no", li.libyaml, li.cjson);
	return WOL_EXIT_OK;
}

static int run(wol_cli *cli, int argc, char **argv)
{
	int i = 1;
	while (i < argc && argv[i][0] == '-') {
		const char *a = argv[i];
		if (strcmp(a, "--version") == 0 || strcmp(a, "-V") == 0) {
			printf("wol %s\n", wol_version());
			return WOL_EXIT_OK;
		}
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			print_usage(stdout);
			return WOL_EXIT_OK;
		}
		const char **dst = NULL;
		size_t n = 0;
		if (strncmp(a, "--home", 6) == 0 && (a[6] == '\0' || a[6] == '=')) {
			dst = &cli->home;
			n = 6;
		} else if (strncmp(a, "--circle", 8) == 0 && (a[8] == '\0' || a[8] == '=')) {
			dst = &cli->circle;
			n = 8;
		}
		if (!dst)
			return wol_cli_usage(cli, "unknown option '%s'", a);
		if (a[n] == '=') {
			*dst = a + n + 1;
		} else if (i + 1 < argc) {
			*dst = argv[++i];
		} else {
			return wol_cli_usage(cli, "option '%s' needs a value", a);
		}
		i++;
	}
	if (cli->circle) {
		wol_error err;
		if (wol_name_check(cli->circle, "circle name", &err))
			return wol_cli_usage(cli, "%s", wol_error_text(&err));
	}
	if (i >= argc) {
		print_usage(stderr);
		return WOL_EXIT_USAGE;
	}
	const char *name = argv[i];
	if (strcmp(name, "help") == 0) {
		if (i + 1 >= argc) {
			print_usage(stdout);
			return WOL_EXIT_OK;
		}
		name = argv[i + 1];
		for (const wol_cli_cmd *c = commands; c->name; c++)
			if (strcmp(c->name, name) == 0) {
				print_cmd_help(c);
				return WOL_EXIT_OK;
			}
		return wol_cli_usage(cli, "unknown command '%s'", name);
	}
	for (const wol_cli_cmd *c = commands; c->name; c++) {
		if (strcmp(c->name, name) != 0)
			continue;
		cli->cmd = c->name;
		cli->writes = c->writes;
		for (int k = i + 1; k < argc; k++) {
			if (strcmp(argv[k], "--") == 0)
				break;
			if (strcmp(argv[k], "--help") == 0 || strcmp(argv[k], "-h") == 0) {
				print_cmd_help(c);
				return WOL_EXIT_OK;
			}
		}
		return c->run(cli, argc - i, argv + i);
	}
	return wol_cli_usage(cli, "unknown command '%s'", name);
}

int main(int argc, char **argv)
{
	wol_error err;
	if (wol_init(&err) != 0) {
		fprintf(stderr, "%s\n", err.msg);
		return WOL_EXIT_FAIL;
	}
	wol_allow_bulk_memory();
	wol_cli cli;
	memset(&cli, 0, sizeof cli);
	int rc = run(&cli, argc, argv);
	wol_ctx_free(cli.ctx);
	wol_shutdown();
	if (fflush(stdout) != 0 && rc == 0) {
		fprintf(stderr, "wol: cannot write output\n");
		rc = WOL_EXIT_FAIL;
	}
	return rc;
}
