/* cli/review.c - `wol review`: the weekly review */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static cJSON *review_json(const wol_review *r)
{
	char d[11];
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "week", r->week);
	wol_date_format(r->from, d);
	cJSON_AddStringToObject(j, "from", d);
	wol_date_format(r->to, d);
	cJSON_AddStringToObject(j, "to", d);
	if (r->circle)
		cJSON_AddStringToObject(j, "circle", r->circle);
	cJSON_AddStringToObject(j, "path", r->path);
	cJSON_AddBoolToObject(j, "saved", r->saved);
	cJSON *days = cJSON_AddArrayToObject(j, "written");
	for (int i = 0; i < 7; i++)
		if (r->written[i]) {
			wol_date_format(wol_date_add(r->from, i), d);
			cJSON_AddItemToArray(days, cJSON_CreateString(d));
		}
	cJSON *counts = cJSON_AddObjectToObject(j, "counts");
	cJSON_AddNumberToObject(counts, "days", r->days);
	cJSON_AddNumberToObject(counts, "shares", (double)r->shares);
	cJSON_AddNumberToObject(counts, "asked", (double)r->asked);
	cJSON_AddNumberToObject(counts, "answered", (double)r->answered);
	cJSON_AddNumberToObject(counts, "resolved", (double)r->resolved);
	cJSON_AddNumberToObject(counts, "contributions", (double)r->contributions);
	cJSON_AddNumberToObject(counts, "challenges", (double)r->challenges);
	cJSON *acts = cJSON_AddArrayToObject(j, "acts");
	for (size_t i = 0; i < r->nacts; i++) {
		const wol_review_act *a = &r->acts[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "kind", a->kind);
		cJSON_AddStringToObject(o, "date", a->date);
		if (a->title)
			cJSON_AddStringToObject(o, "title", a->title);
		if (a->path)
			cJSON_AddStringToObject(o, "path", a->path);
		if (a->detail)
			cJSON_AddStringToObject(o, "detail", a->detail);
		cJSON_AddNumberToObject(o, "count", (double)a->count);
		cJSON_AddItemToArray(acts, o);
	}
	if (r->goal)
		cJSON_AddStringToObject(j, "goal", r->goal);
	cJSON_AddBoolToObject(j, "goal_changed", r->goal_changed);
	if (r->goal_before)
		cJSON_AddStringToObject(j, "goal_before", r->goal_before);
	cJSON *q = cJSON_AddArrayToObject(j, "reflect");
	for (size_t i = 0; i < r->nreflect; i++)
		cJSON_AddItemToArray(q, cJSON_CreateString(r->reflect[i]));
	cJSON_AddStringToObject(j, "text", r->text);
	cJSON *w = cJSON_AddArrayToObject(j, "warnings");
	for (size_t i = 0; i < r->nwarnings; i++)
		cJSON_AddItemToArray(w, cJSON_CreateString(r->warnings[i]));
	return j;
}

int wol_cli_review(wol_cli *cli, int argc, char **argv)
{
	wol_cli_opt opts[] = {{"week", 1, 'w', NULL},
	                      {"json", 0, 0, NULL},
	                      {"save", 0, 0, NULL},
	                      {"fresh", 0, 0, NULL},
	                      {NULL, 0, 0, NULL}};
	char *pos[argc > 0 ? argc : 1];
	int npos;
	if (wol_cli_parse(cli, argc, argv, opts, pos, &npos))
		return WOL_EXIT_USAGE;
	if (npos > 1 || (npos == 1 && opts[0].value))
		return wol_cli_usage(cli, "unexpected argument '%s'", pos[npos - 1]);
	const char *week = opts[0].value ? opts[0].value : npos ? pos[0] : NULL;
	wol_ctx *ctx = wol_cli_ctx(cli);
	if (!ctx)
		return WOL_EXIT_FAIL;
	wol_error err;
	wol_date monday;
	char name[9];
	if (wol_review_week(ctx, week, &monday, name, &err) != 0) {
		const char *m = err.msg;
		if (strncmp(m, "wol: review: ", 13) == 0)
			m += 13;
		return wol_cli_usage(cli, "%s", m);
	}
	wol_review_opts ro = {week, cli->circle, opts[2].value || opts[3].value, 0};
	wol_review r;
	if (wol_review_get(ctx, NULL, &ro, &r, &err) != 0)
		return wol_cli_fail(cli, &err);
	for (size_t i = 0; i < r.nwarnings; i++)
		wol_cli_printf(stderr, "%s\n", r.warnings[i]);
	int rc = WOL_EXIT_OK;
	if (opts[2].value) {
		/* --save: a saved review is kept as it is (your writing in it) */
		if (r.saved) {
			wol_cli_printf(stderr, "wol: review: %s is saved already: %s\n", r.week, r.path);
		} else if (wol_review_save(ctx, r.week, r.text, strlen(r.text), NULL, &err) != 0) {
			rc = wol_cli_fail(cli, &err);
		} else {
			r.saved = 1;
		}
	}
	if (rc == WOL_EXIT_OK) {
		if (opts[1].value) {
			rc = wol_cli_json(review_json(&r));
		} else if (opts[2].value) {
			wol_cli_printf(stdout, "%s\n", r.path);
		} else {
			wol_cli_text(stdout, r.text);
		}
	}
	wol_review_free(&r);
	return rc;
}
