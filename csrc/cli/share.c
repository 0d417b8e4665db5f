/* cli/share.c - `wol note`, `wol share`, `wol notes` */
#include "cli.h"
#include "util/util.h" /* a front-end concern: reading standard input */
#include "wol_json.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

int wol_cli_note(wol_cli *cli, int argc, char **argv)
{
	wol_cli_opt opts[] = {{NULL, 0, 0, NULL}};
	char *pos[argc > 0 ? argc : 1];
	int npos;
	if (wol_cli_parse(cli, argc, argv, opts, pos, &npos))
		return WOL_EXIT_USAGE;
	if (npos == 0)
		return wol_cli_usage(cli, "a TITLE is needed");
	char *title = wol_cli_words(pos, npos);
	wol_circle *c = title ? wol_cli_circle(cli) : NULL;
	if (!c) {
		free(title);
		return WOL_EXIT_FAIL;
	}
	char *rel = NULL;
	wol_error err;
	int rc = wol_note_new(c, title, &rel, &err);
	free(title);
	if (rc == 0)
		wol_cli_say(cli, "%s/%s\n", wol_circle_path(c), rel);
	free(rel);
	wol_circle_close(c);
	return rc ? wol_cli_fail(cli, &err) : WOL_EXIT_OK;
}

static int parse_lines(const char *s, int *a, int *b)
{
	char *end;
	long x = strtol(s, &end, 10), y = x;
	if (end == s || x <= 0)
		return -1;
	if (*end == '-' || *end == ',') {
		const char *q = end + 1;
		y = strtol(q, &end, 10);
		if (end == q || y < x)
			return -1;
	}
	if (*end || y > 100000000)
		return -1;
	*a = (int)x;
	*b = (int)y;
	return 0;
}

int wol_cli_share(wol_cli *cli, int argc, char **argv)
{
	wol_cli_opt opts[] = {{"message", 1, 'm', NULL}, {"force", 0, 'f', NULL},
	                      {"title", 1, 't', NULL},   {"lines", 1, 0, NULL},
	                      {"max-size", 1, 0, NULL},  {"json", 0, 0, NULL},
	                      {NULL, 0, 0, NULL}};
	char *pos[argc > 0 ? argc : 1];
	int npos;
	if (wol_cli_parse(cli, argc, argv, opts, pos, &npos))
		return WOL_EXIT_USAGE;
	if (npos != 1)
		return npos ? wol_cli_usage(cli, "unexpected argument '%s'", pos[1])
		            : wol_cli_usage(cli, "a FILE is needed ('-' reads standard input)");
	wol_share_opts o;
	memset(&o, 0, sizeof o);
	o.message = opts[0].value;
	o.force = opts[1].value != NULL;
	o.title = opts[2].value;
	if (opts[3].value && parse_lines(opts[3].value, &o.line1, &o.line2) != 0)
		return wol_cli_usage(cli, "--lines: '%s' is not a range like 10-20", opts[3].value);
	if (opts[4].value) {
		char *end;
		long long m = strtoll(opts[4].value, &end, 10);
		if (*end || m <= 0)
			return wol_cli_usage(cli, "--max-size: '%s' is not a number of bytes",
			                     opts[4].value);
		o.max_size = (size_t)m;
	}
	wol_buf in;
	wol_buf_init(&in);
	if (strcmp(pos[0], "-") == 0) {
		char chunk[65536];
		size_t r;
		size_t limit = (o.max_size ? o.max_size : WOL_SHARE_MAX) + 1;
		while ((r = fread(chunk, 1, sizeof chunk, stdin)) > 0 && in.len < limit)
			wol_buf_put(&in, chunk, r);
		o.content = in.ptr ? in.ptr : "";
		o.len = in.len;
	} else {
		o.file = pos[0];
	}
	wol_circle *c = wol_cli_circle(cli);
	if (!c) {
		wol_buf_free(&in);
		return WOL_EXIT_FAIL;
	}
	wol_share_result r;
	wol_error err;
	int rc = wol_share_note(c, &o, &r, &err);
	wol_buf_free(&in);
	if (rc) {
		wol_circle_close(c);
		return wol_cli_fail(cli, &err);
	}
	if (opts[5].value) {
		cJSON *j = wol_share_result_json(c, &r);
		rc = wol_cli_json(j);
	} else if (r.unchanged) {
		wol_cli_say(cli, "wol: %s is already shared as it is; nothing to commit\n", r.note);
	} else {
		wol_cli_say(cli, "wol: shared %s (%.8s): %s\n", r.note, r.commit, r.title);
		if (r.has_remote)
			wol_cli_say(cli, "wol: %zu commit%s waiting to be pushed (wol sync)\n", r.ahead,
			       r.ahead == 1 ? "" : "s");
		else
			wol_cli_say(cli, "wol: circle '%s' has no remote: the share stays local\n",
			       wol_circle_name(c));
	}
	wol_share_result_free(&r);
	wol_circle_close(c);
	return rc;
}

int wol_cli_notes(wol_cli *cli, int argc, char **argv)
{
	wol_cli_opt opts[] = {{"json", 0, 0, NULL}, {NULL, 0, 0, NULL}};
	char *pos[argc > 0 ? argc : 1];
	int npos;
	if (wol_cli_parse(cli, argc, argv, opts, pos, &npos))
		return WOL_EXIT_USAGE;
	if (npos > 1)
		return wol_cli_usage(cli, "unexpected argument '%s'", pos[1]);
	wol_error nerr;
	if (npos && wol_name_check(pos[0], "handle", &nerr) != 0)
		return wol_cli_usage_error(cli, &nerr);
	wol_circle *c = wol_cli_circle(cli);
	if (!c)
		return WOL_EXIT_FAIL;
	wol_note *v;
	size_t n;
	wol_error err;
	if (wol_note_list(c, npos ? pos[0] : NULL, &v, &n, &err) != 0) {
		wol_circle_close(c);
		return wol_cli_fail(cli, &err);
	}
	int rc = WOL_EXIT_OK;
	if (opts[0].value) {
		cJSON *arr = wol_notes_json(c, v, n);
		rc = wol_cli_json(arr);
	} else {
		if (n == 0)
			printf("no notes yet: wol note TITLE, or wol share FILE\n");
		for (size_t i = 0; i < n; i++) {
			char age[32];
			wol_cli_age(v[i].updated, age, sizeof age);
			wol_cli_printf(stdout, "%-10s %-12s %s%s  %s%s%s%s\n", age, v[i].author, v[i].title,
			       v[i].committed ? "" : " (not shared yet)", v[i].path,
			       v[i].outside ? " (" : "", v[i].outside ? v[i].outside : "",
			       v[i].outside ? ")" : "");
		}
	}
	wol_notes_free(v, n);
	wol_circle_close(c);
	return rc;
}
