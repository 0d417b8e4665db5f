/* cli/circle.c - `wol init`, `wol join`, `wol circles` */
#include "cli.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The look at the remote before `wol init --remote` gets a few seconds: a
 * remote that does not answer by then is not checked (libgit2 has no
 * timeouts; the alarm interrupts its wait). */
#define INIT_CHECK_SECONDS 5

static void on_check_alarm(int sig)
{
	(void)sig;
}

int wol_cli_init(wol_cli *cli, int argc, char **argv)
{
	wol_cli_opt opts[] = {{"remote", 1, 0, NULL}, {"started", 1, 0, NULL},
	                      {"meets", 1, 0, NULL},  {"weeks", 1, 0, NULL},
	                      {"goal", 1, 0, NULL},   {NULL, 0, 0, NULL}};
	char *pos[argc > 0 ? argc : 1];
	int npos;
	if (wol_cli_parse(cli, argc, argv, opts, pos, &npos))
		return WOL_EXIT_USAGE;
	if (npos != 1)
		return npos ? wol_cli_usage(cli, "unexpected argument '%s'", pos[1])
		            : wol_cli_usage(cli, "a circle NAME is needed");
	wol_error aerr;
	if (wol_name_check(pos[0], "circle name", &aerr) != 0)
		return wol_cli_usage_error(cli, &aerr);
	if (opts[2].value && wol_weekday_parse(opts[2].value) < 0)
		return wol_cli_usage(cli, "--meets: '%s' is not a weekday (monday..sunday)", opts[2].value);
	int weeks = 0;
	if (opts[3].value) {
		char *end;
		long w = strtol(opts[3].value, &end, 10);
		if (*end || w <= 0 || w > WOL_CIRCLE_WEEKS_MAX)
			return wol_cli_usage(cli, "--weeks: '%s' is not a number of weeks", opts[3].value);
		weeks = (int)w;
	}
	wol_ctx *ctx = wol_cli_ctx(cli);
	if (!ctx)
		return WOL_EXIT_FAIL;
	wol_date started;
	if (opts[1].value && wol_cli_date(cli, ctx, opts[1].value, &started) != 0)
		return WOL_EXIT_USAGE;
	wol_circle_init_opts o = {opts[0].value, opts[1].value, opts[2].value, weeks, opts[4].value};
	wol_error err;
	if (o.remote && *o.remote) {
		struct sigaction sa, old;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_check_alarm; /* no SA_RESTART: the wait ends */
		sigaction(SIGALRM, &sa, &old);
		alarm(INIT_CHECK_SECONDS);
		int rc = wol_circle_check_remote(ctx, o.remote, &err);
		alarm(0);
		sigaction(SIGALRM, &old, NULL);
		if (rc != 0)
			return wol_cli_fail(cli, &err);
	}
	if (wol_circle_init(ctx, pos[0], &o, &err) != 0)
		return wol_cli_fail(cli, &err);
	char *path = wol_ctx_circle_path(ctx, pos[0]);
	wol_cli_say(cli, "wol: started circle '%s' at %s\n", pos[0], path ? path : "?");
	wol_circle *c = NULL;
	wol_member *m = NULL;
	size_t nm = 0;
	if (wol_circle_open(ctx, pos[0], &c, NULL) == 0 && wol_circle_members(c, &m, &nm, NULL) == 0)
		for (size_t i = 0; i < nm; i++)
			if (m[i].warning)
				wol_cli_printf(stderr, "%s\n", m[i].warning);
	wol_members_free(m, nm);
	wol_circle_close(c);
	if (!o.remote)
		wol_cli_say(cli, "wol: no remote yet: shares stay local until you add one "
		       "(git -C %s remote add origin URL)\n",
		       path ? path : "?");
	free(path);
	return WOL_EXIT_OK;
}

typedef struct join_out {
	int json;
	int tty;
} join_out;

static int join_progress(const char *stage, size_t done, size_t total, void *payload)
{
	join_out *o = payload;
	if (o->json) {
		cJSON *j = wol_cli_jsonl("progress");
		cJSON_AddStringToObject(j, "phase", stage);
		cJSON_AddNumberToObject(j, "received", (double)done);
		cJSON_AddNumberToObject(j, "total", (double)total);
		wol_cli_jsonl_emit(j);
	} else if (o->tty) {
		fprintf(stderr, "\r%-10s %zu/%zu", stage, done, total);
	}
	return 0;
}

int wol_cli_join(wol_cli *cli, int argc, char **argv)
{
	wol_cli_opt opts[] = {{"json", 0, 0, NULL}, {"goal", 1, 0, NULL}, {NULL, 0, 0, NULL}};
	char *pos[argc > 0 ? argc : 1];
	int npos;
	if (wol_cli_parse(cli, argc, argv, opts, pos, &npos))
		return WOL_EXIT_USAGE;
	const char *join_goal = opts[1].value;
	if (npos < 1)
		return wol_cli_usage(cli, "a URL is needed");
	if (npos > 2)
		return wol_cli_usage(cli, "unexpected argument '%s'", pos[2]);
	wol_error nerr;
	if (npos > 1 && wol_name_check(pos[1], "circle name", &nerr) != 0)
		return wol_cli_usage_error(cli, &nerr);
	wol_ctx *ctx = wol_cli_ctx(cli);
	if (!ctx)
		return WOL_EXIT_FAIL;
	join_out jo = {opts[0].value != NULL, !cli->quiet && isatty(STDERR_FILENO)};
	char *name = NULL;
	wol_error err;
	int rc = wol_circle_join(ctx, pos[0], npos > 1 ? pos[1] : NULL, join_goal, join_progress, &jo,
	                         &name, &err);
	if (jo.tty && !jo.json)
		fprintf(stderr, "\r%-30s\r", "");
	if (rc != 0) {
		int code = wol_cli_fail(cli, &err);
		if (jo.json) {
			cJSON *j = wol_cli_jsonl("summary");
			wol_cli_jsonl_failed(j, &err, code);
			wol_cli_jsonl_emit(j);
		}
		return code;
	}
	char *path = wol_ctx_circle_path(ctx, name);
	if (jo.json) {
		cJSON *j = wol_cli_jsonl("summary");
		cJSON_AddStringToObject(j, "circle", name);
		cJSON_AddStringToObject(j, "path", path ? path : "");
		rc = wol_cli_jsonl_emit(j);
	} else {
		/* the CLI builds no search index here (the editor does it in the
		 * background after :WolJoin): say when the circle becomes searchable */
		wol_cli_say(cli,
		            "wol: joined circle '%s' at %s\n"
		            "wol: its notes are added to the search index by the next `wol search` or "
		            "`wol index`\n",
		            name, path ? path : "?");
	}
	free(path);
	free(name);
	return rc;
}

int wol_cli_circles(wol_cli *cli, int argc, char **argv)
{
	wol_cli_opt opts[] = {{"json", 0, 0, NULL}, {NULL, 0, 0, NULL}};
	if (wol_cli_parse_flags(cli, argc, argv, opts))
		return WOL_EXIT_USAGE;
	wol_ctx *ctx = wol_cli_ctx(cli);
	if (!ctx)
		return WOL_EXIT_FAIL;
	char **names;
	size_t n;
	wol_error err;
	if (wol_ctx_circles(ctx, &names, &n, &err) != 0)
		return wol_cli_fail(cli, &err);
	const char *def = NULL;
	if (wol_ctx_circle(ctx, NULL, &def, NULL) != 0)
		def = NULL;
	cJSON *arr = opts[0].value ? cJSON_CreateArray() : NULL;
	if (!arr && n == 0)
		printf("no circles yet: wol init NAME, or wol join URL\n");
	for (size_t i = 0; i < n; i++) {
		wol_circle *c = NULL;
		wol_circle_info info;
		int ok = wol_circle_open(ctx, names[i], &c, NULL) == 0 &&
		          wol_circle_info_get(c, &info, NULL) == 0;
		int isdef = def && strcmp(def, names[i]) == 0;
		if (arr) {
			cJSON *o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "name", names[i]);
			cJSON_AddBoolToObject(o, "default", isdef);
			if (ok) {
				cJSON_AddStringToObject(o, "title", info.name);
				cJSON_AddStringToObject(o, "path", wol_circle_path(c));
				if (info.remote)
					cJSON_AddStringToObject(o, "remote", info.remote);
				cJSON_AddNumberToObject(o, "ahead", (double)info.ahead);
			}
			cJSON_AddItemToArray(arr, o);
		} else if (ok) {
			wol_cli_printf(stdout, "%s %-20s %s%s", isdef ? "*" : " ", names[i],
			       info.remote ? info.remote : "(no remote)",
			       info.ahead ? "" : "\n");
			if (info.ahead)
				printf(", %zu commit%s to push\n", info.ahead, info.ahead == 1 ? "" : "s");
		} else {
			printf("  %-20s (cannot be opened)\n", names[i]);
		}
		if (ok)
			wol_circle_info_free(&info);
		wol_circle_close(c);
	}
	wol_strv_free(names, n);
	return arr ? wol_cli_json(arr) : WOL_EXIT_OK;
}
