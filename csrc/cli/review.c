/* cli/review.c - `wol review`: the weekly review */
#include "cli.h"
#include "wol_json.h"

#include <stdlib.h>
#include <string.h>

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
		return wol_cli_usage_error(cli, &err);
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
			rc = wol_cli_json(wol_review_json(&r));
		} else if (opts[2].value) {
			wol_cli_printf(stdout, "%s\n", r.path);
		} else {
			wol_cli_text(stdout, r.text);
		}
	}
	wol_review_free(&r);
	return rc;
}
