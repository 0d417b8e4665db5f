/* cli/index.c - `wol index` (refresh, rebuild, figures) and `wol search` */
#include "cli.h"
#include "util/util.h" /* wol_buf: the lines of a search, written at once */
#include "wol_json.h"

#include <stdlib.h>
#include <string.h>

static void figures_text(const wol_index_figures *f)
{
	printf("documents  %ld (journal %ld, notes %ld, questions %ld, answers %ld, feedback %ld, "
	       "people %ld)\n",
	       f->docs, f->journal, f->notes, f->questions, f->answers, f->feedback, f->people);
	printf("questions  %ld open, %ld resolved\n", f->open, f->resolved);
	if (f->nmembers) {
		printf("members    %-16s %6s %9s %7s %8s\n", "", "notes", "questions", "answers",
		       "resolved");
		for (size_t i = 0; i < f->nmembers; i++) {
			const wol_index_member *m = &f->members[i];
			wol_cli_printf(stdout, "           %-16s %6ld %9ld %7ld %8ld\n", m->author, m->notes, m->questions,
			       m->answers, m->resolved);
		}
	}
	if (f->nweeks) {
		printf("notes shared per week\n");
		const char *week = "";
		for (size_t i = 0; i < f->nweeks; i++) {
			const wol_index_week *w = &f->weeks[i];
			if (strcmp(week, w->week) != 0) {
				printf("%s  %s ", i ? "\n" : "", w->week);
				week = w->week;
			}
			wol_cli_printf(stdout, " %s %ld", w->author, w->notes);
		}
		printf("\n");
	}
	printf("index.db   %.1f MB, %ld files tracked\n", (double)f->db_bytes / 1e6, f->files);
}

/* --progress: a JSON-lines progress line per 1 % of the files to read */
static void index_progress(long done, long total, void *payload)
{
	(void)payload;
	cJSON *j = wol_cli_jsonl("progress");
	if (!j)
		return;
	cJSON_AddStringToObject(j, "phase", "indexing");
	cJSON_AddNumberToObject(j, "done", (double)done);
	cJSON_AddNumberToObject(j, "total", (double)total);
	wol_cli_jsonl_emit(j);
}

int wol_cli_index(wol_cli *cli, int argc, char **argv)
{
	wol_cli_opt opts[] = {{"rebuild", 0, 0, NULL},
	                      {"stats", 0, 0, NULL},
	                      {"json", 0, 0, NULL},
	                      {"synced", 1, 0, NULL},
	                      {"progress", 0, 0, NULL},
	                      {NULL, 0, 0, NULL}};
	char *pos[argc > 0 ? argc : 1];
	int npos;
	if (wol_cli_parse(cli, argc, argv, opts, pos, &npos))
		return WOL_EXIT_USAGE;
	int rebuild = opts[0].value != NULL, stats = opts[1].value != NULL;
	int json = opts[2].value != NULL;
	const char *synced = opts[3].value;
	int progress = opts[4].value != NULL;
	if ((rebuild ? 1 : 0) + (synced ? 1 : 0) + (npos ? 1 : 0) > 1)
		return wol_cli_usage(cli, "--rebuild, --synced and files are alternatives");
	if (progress && (synced || npos || stats || json))
		return wol_cli_usage(cli, "--progress goes with a full refresh or --rebuild only");
	wol_ctx *ctx = wol_cli_ctx(cli);
	if (!ctx)
		return WOL_EXIT_FAIL;
	wol_error err;
	wol_index *ix;
	if (wol_index_open(ctx, &ix, &err) != 0)
		return wol_cli_fail(cli, &err);
	if (wol_index_private(ix) && (!stats || rebuild || synced || npos)) {
		wol_index_close(ix);
		wol_error_set(&err, WOL_EIO,
		              "index: %s cannot be written, so the index was not updated (wol search "
		              "and wol index --stats still work, from a temporary copy)",
		              wol_ctx_home(ctx));
		return wol_cli_fail(cli, &err);
	}
	if (progress)
		wol_index_set_progress(ix, index_progress, NULL);
	wol_index_report rep;
	int rc = rebuild  ? wol_index_rebuild(ix, &rep, &err)
	         : synced ? wol_index_refresh_circle(ix, synced, &rep, &err)
	         : npos   ? wol_index_refresh_paths(ix, (const char *const *)pos, (size_t)npos, &rep, &err)
	                  : wol_index_refresh(ix, &rep, &err);
	wol_index_figures f;
	memset(&f, 0, sizeof f);
	if (rc == 0 && stats)
		rc = wol_index_stats(ix, &f, &err);
	wol_index_close(ix);
	if (rc) {
		wol_index_report_free(&rep);
		int code = wol_cli_fail(cli, &err);
		if (progress) {
			cJSON *j = wol_cli_jsonl("summary");
			if (j) {
				wol_cli_jsonl_failed(j, &err, code);
				wol_cli_jsonl_emit(j);
			}
		}
		return code;
	}
	if (rep.notice)
		wol_cli_printf(stderr, "%s\n", rep.notice);
	if (progress) {
		/* the last line of the stream: the report */
		cJSON *j = wol_cli_typed("summary", wol_index_report_json(&rep));
		wol_index_report_free(&rep);
		return j && wol_cli_jsonl_emit(j) == 0 ? WOL_EXIT_OK : WOL_EXIT_FAIL;
	}
	if (json) {
		cJSON *o = wol_index_report_json(&rep);
		if (o && stats)
			cJSON_AddItemToObject(o, "stats", wol_index_figures_json(&f));
		wol_index_report_free(&rep);
		wol_index_figures_free(&f);
		return wol_cli_json(o);
	}
	wol_cli_say(cli, "%s: %ld documents; %ld files checked, %ld read (%ld added, %ld updated, %ld removed) "
	       "in %.1f ms\n",
	       rebuild ? "rebuilt" : "index", rep.docs, rep.stat, rep.read, rep.added, rep.updated,
	       rep.removed, rep.ms);
	if (rep.problems)
		wol_cli_say(cli, "%ld files have front matter that could not be read; they are indexed as plain "
		       "text\n",
		       rep.problems);
	if (stats)
		figures_text(&f);
	wol_index_report_free(&rep);
	wol_index_figures_free(&f);
	return WOL_EXIT_OK;
}

int wol_cli_search(wol_cli *cli, int argc, char **argv)
{
	wol_cli_opt opts[] = {{"json", 0, 0, NULL},
	                      {"limit", 1, 'n', NULL},
	                      {"no-refresh", 0, 0, NULL},
	                      {NULL, 0, 0, NULL}};
	char *pos[argc > 0 ? argc : 1];
	int npos;
	if (wol_cli_parse(cli, argc, argv, opts, pos, &npos))
		return WOL_EXIT_USAGE;
	if (npos == 0)
		return wol_cli_usage(cli, "what to search for is missing");
	wol_search_opts so = {0, opts[2].value != NULL};
	if (opts[1].value) {
		char *end;
		long n = strtol(opts[1].value, &end, 10);
		if (*end || n <= 0 || n > 10000)
			return wol_cli_usage(cli, "--limit needs a number from 1 to 10000, not '%s'",
			                     opts[1].value);
		so.limit = (int)n;
	}
	char *query = wol_cli_words(pos, npos);
	if (!query) {
		wol_error oom;
		wol_error_set(&oom, WOL_ENOMEM, "out of memory");
		return wol_cli_fail(cli, &oom);
	}
	wol_ctx *ctx = wol_cli_ctx(cli);
	if (!ctx) {
		free(query);
		return WOL_EXIT_FAIL;
	}
	wol_error err;
	wol_index *ix;
	if (wol_index_open_once(ctx, !so.norefresh, &ix, &err) != 0) {
		free(query);
		return wol_cli_fail(cli, &err);
	}
	wol_search_result res;
	int rc = wol_index_search(ix, query, &so, &res, &err);
	wol_index_close(ix);
	free(query);
	if (rc) {
		wol_search_result_free(&res);
		/* a query that is not well formed (WOL_EINVAL) is a usage error */
		return rc == WOL_EINVAL ? wol_cli_usage_error(cli, &err) : wol_cli_fail(cli, &err);
	}
	if (res.notice)
		wol_cli_printf(stderr, "%s\n", res.notice);
	if (opts[0].value) {
		cJSON *arr = wol_search_hits_json(&res);
		wol_search_result_free(&res);
		return wol_cli_json(arr);
	}
	/* the lines made in one buffer and written at once: a buffer made,
	 * grown and freed and a write per line were a quarter of printing */
	wol_buf lines;
	wol_buf_init(&lines);
	for (size_t i = 0; i < res.n; i++) {
		const wol_search_hit *h = &res.hits[i];
		wol_cli_bprintf(&lines, "%s:%d: [%s%s%s] %s: %s\n", h->abspath, h->line, h->kind,
		                h->author ? " " : "", h->author ? h->author : "", h->title ? h->title : "",
		                h->snippet);
		if (lines.oom)
			break;
		if (lines.len >= 65536 || i + 1 == res.n) {
			fwrite(lines.ptr, 1, lines.len, stdout);
			lines.len = 0;
			lines.ptr[0] = '\0';
		}
	}
	if (lines.oom) {
		wol_buf_free(&lines);
		wol_search_result_free(&res);
		wol_error oom;
		wol_error_set(&oom, WOL_ENOMEM, "out of memory");
		return wol_cli_fail(cli, &oom);
	}
	wol_buf_free(&lines);
	if (res.n == 0)
		fprintf(stderr, "wol: search: no matches\n");
	wol_search_result_free(&res);
	return WOL_EXIT_OK;
}
