/* fuzz_search.c - the search query parser, through wol_index_search on a
 * real index (a few journal entries and a shared note). A query either
 * runs or is refused with WOL_EINVAL and a "wol: " message; any other
 * failure (an FTS5 or SQL error) means user text reached sqlite unquoted. */
#include "fuzz.h"

#include <git2.h>

static wol_ctx *ctx;
static wol_index *ix;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	wol_init(NULL);
	const char *home = fuzz_home();
	wol_ctx_opts o = {home, NULL, "2026-03-14"};
	wol_error err;
	if (wol_ctx_open(&ctx, &o, &err) != 0) {
		fprintf(stderr, "%s\n", err.msg);
		abort();
	}
	static const char *const lines[] = {"planned the onboarding guide with ana",
	                                    "fixed the \"quoted\" parser; AND OR NOT NEAR",
	                                    "Grüße aus Köln, café naïve résumé", "prefix* tokens -minus"};
	for (int i = 0; i < 4; i++) {
		wol_journal_log_opts lo = {"10:00", NULL, 0};
		wol_date d = {2026, 3, 10 + i};
		if (wol_journal_log(ctx, d, lines[i], &lo, NULL, NULL, &err) != 0) {
			fprintf(stderr, "%s\n", err.msg);
			abort();
		}
	}
	wol_index_report rep;
	memset(&rep, 0, sizeof rep);
	if (wol_index_open(ctx, &ix, &err) != 0 || wol_index_refresh(ix, &rep, &err) != 0) {
		fprintf(stderr, "%s\n", err.msg);
		abort();
	}
	wol_index_report_free(&rep);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *q = fuzz_cstr(data, size);
	wol_search_opts o = {20, 1};
	wol_search_result res;
	wol_error err;
	memset(&res, 0, sizeof res);
	int rc = wol_index_search(ix, q, &o, &res, &err);
	if (rc == 0) {
		FUZZ_CHECK(res.n <= 20, "%zu hits", res.n);
		for (size_t i = 0; i < res.n; i++)
			FUZZ_CHECK(res.hits[i].path && res.hits[i].kind, "hit %zu", i);
		wol_search_result_free(&res);
	} else {
		fuzz_check_msg(err.msg);
		FUZZ_CHECK(rc == WOL_EINVAL, "query '%s' failed with %s: %s", q, wol_error_name(rc),
		           err.msg);
	}
	free(q);
	return 0;
}
