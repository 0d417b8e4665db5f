/* cli/export.c - `wol export`: a legacy you can publish */
#include "cli.h"
#include "util/util.h"
#include "wol_json.h"

#include <stdlib.h>
#include <string.h>

/* --progress: JSON lines (doc/wol.txt |wol-json-lines|) for the editor's
 * job, at most ~20 progress lines a second, but every stage's start and
 * end. */
typedef struct progress_state {
	const char *stage;
	double last_t;
} progress_state;


static int on_progress(const char *stage, size_t done, size_t total, void *payload)
{
	progress_state *st = payload;
	double t = wol_monotonic();
	int changed = !st->stage || strcmp(st->stage, stage) != 0;
	if (!changed && done != total && t - st->last_t < 0.05)
		return 0;
	st->stage = stage;
	st->last_t = t;
	cJSON *j = wol_cli_jsonl("progress");
	if (j) {
		cJSON_AddStringToObject(j, "phase", stage);
		cJSON_AddNumberToObject(j, "done", (double)done);
		cJSON_AddNumberToObject(j, "total", (double)total);
		wol_cli_jsonl_emit(j);
	}
	return 0;
}

int wol_cli_export(wol_cli *cli, int argc, char **argv)
{
	wol_cli_opt opts[] = {{"mine", 0, 0, NULL},    {"all", 0, 0, NULL},
	                      {"include", 1, 0, NULL}, {"from", 1, 0, NULL},
	                      {"to", 1, 0, NULL},      {"format", 1, 0, NULL},
	                      {"out", 1, 'o', NULL},   {"circle", 1, 0, NULL},
	                      {"json", 0, 0, NULL},    {"progress", 0, 0, NULL},
	                      {NULL, 0, 0, NULL}};
	if (wol_cli_parse_flags(cli, argc, argv, opts))
		return WOL_EXIT_USAGE;
	if (opts[0].value && opts[1].value)
		return wol_cli_usage(cli, "--mine and --all do not go together");
	const char *format = opts[5].value ? opts[5].value : "html";
	if (strcmp(format, "md") != 0 && strcmp(format, "html") != 0)
		return wol_cli_usage(cli, "--format %s: use md or html", format);
	if (!opts[6].value || !*opts[6].value)
		return wol_cli_usage(cli, "--out DIR is required");
	if (opts[7].value) {
		wol_error nerr;
		if (wol_name_check(opts[7].value, "circle name", &nerr))
			return wol_cli_usage(cli, "%s", wol_error_text(&nerr));
	}
	/* --include ana,bo (commas or spaces) */
	char *list = opts[2].value ? strdup(opts[2].value) : NULL;
	const char *inc[64];
	size_t ninc = 0;
	for (char *save = NULL, *h = list ? strtok_r(list, ", ", &save) : NULL; h;
	     h = strtok_r(NULL, ", ", &save)) {
		if (ninc == sizeof inc / sizeof inc[0]) {
			free(list);
			return wol_cli_usage(cli, "--include: at most %zu handles", sizeof inc / sizeof inc[0]);
		}
		wol_error nerr;
		if (wol_name_check(h, "--include", &nerr)) {
			free(list);
			return wol_cli_usage(cli, "%s", wol_error_text(&nerr));
		}
		inc[ninc++] = h;
	}
	wol_ctx *ctx = wol_cli_ctx(cli);
	if (!ctx) {
		free(list);
		return WOL_EXIT_FAIL;
	}
	wol_export_opts eo = {opts[7].value ? opts[7].value : cli->circle,
	                      opts[1].value != NULL,
	                      inc,
	                      ninc,
	                      opts[3].value,
	                      opts[4].value,
	                      format,
	                      opts[6].value,
	                      NULL,
	                      NULL};
	progress_state ps = {NULL, 0};
	int lines = opts[9].value != NULL;
	if (lines) {
		eo.progress = on_progress;
		eo.payload = &ps;
	}
	wol_export_result r;
	wol_error err;
	int rc = wol_export_run(ctx, &eo, &r, &err);
	free(list);
	if (lines) {
		/* the result (or the failure) as the last line */
		int code = wol_cli_exit(rc);
		cJSON *j = wol_cli_typed("summary", rc ? cJSON_CreateObject() : wol_export_result_json(&r));
		if (rc)
			wol_cli_jsonl_failed(j, &err, code);
		else
			wol_export_result_free(&r);
		wol_cli_jsonl_emit(j);
		return code;
	}
	if (rc)
		return wol_cli_fail(cli, &err);
	for (size_t i = 0; i < r.nwarnings; i++)
		wol_cli_printf(stderr, "%s\n", r.warnings[i]);
	if (opts[8].value) {
		cJSON *j = wol_export_result_json(&r);
		wol_export_result_free(&r);
		return wol_cli_json(j);
	}
	wol_cli_printf(stdout, "exported %zu %s", r.notes, r.notes == 1 ? "note" : "notes");
	if (r.feedback)
		wol_cli_printf(stdout, " (%zu feedback %s)", r.feedback,
		               r.feedback == 1 ? "record" : "records");
	wol_cli_printf(stdout, " and %zu %s (%zu %s) by ", r.questions,
	               r.questions == 1 ? "question" : "questions", r.answers,
	               r.answers == 1 ? "answer" : "answers");
	for (size_t i = 0; i < r.nmembers; i++)
		wol_cli_printf(stdout, "%s%s", i ? ", " : "", r.members[i]);
	wol_cli_printf(stdout, ": %zu pages\n%s\n", r.pages, r.index);
	wol_export_result_free(&r);
	return WOL_EXIT_OK;
}
