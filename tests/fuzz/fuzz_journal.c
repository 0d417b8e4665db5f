/* fuzz_journal.c - the journal's text handling. The first byte picks:
 *   0  the input is the user's template (templates/journal.md), rendered
 *      for a date by wol_journal_template;
 *   1  the input is an existing entry a line is logged into
 *      (wol_journal_log): the front matter is kept byte for byte and the
 *      line is present afterwards;
 *   2  wol_journal_heading: first line is the question, the rest the text.
 * wol_journal_written runs on every input. */
#include "fuzz.h"

#include <git2.h>

static wol_ctx *ctx;
static char template_file[512];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	wol_init(NULL);
	const char *home = fuzz_home();
	snprintf(template_file, sizeof template_file, "%s/templates/journal.md", home);
	wol_ctx_opts o = {home, NULL, "2026-03-14"};
	wol_error err;
	if (wol_ctx_open(&ctx, &o, &err) != 0) {
		fprintf(stderr, "%s\n", err.msg);
		abort();
	}
	return 0;
}

static void fuzz_template(const uint8_t *data, size_t size)
{
	fuzz_write(template_file, data, size);
	char *out = NULL, *warning = NULL;
	size_t len = 0;
	wol_error err;
	wol_date date = {2026, 3, 14};
	if (wol_journal_template(ctx, date, &out, &len, &warning, &err) == 0) {
		/* what the journal writes must be a document it can read back */
		wol_doc doc;
		FUZZ_CHECK(wol_doc_parse(out, len, "entry.md", &doc, &err) == 0,
		           "rendered template does not parse: %s\n%s", err.msg, out);
		FUZZ_CHECK(wol_yaml_str(doc.meta, "date") &&
		               strcmp(wol_yaml_str(doc.meta, "date"), "2026-03-14") == 0,
		           "date missing from the new entry");
		wol_doc_free(&doc);
		(void)wol_journal_written(out, len);
	} else {
		fuzz_check_msg(err.msg);
	}
	free(out);
	free(warning);
	remove(template_file);
}

static void fuzz_log(const uint8_t *data, size_t size)
{
	wol_date date = {2026, 3, 15};
	char *path = wol_journal_path(ctx, date);
	fuzz_write(path, data, size);
	wol_journal_log_opts o = {"09:30", NULL, 0};
	wol_error err;
	char *warning = NULL;
	static const char line[] = "fuzz says hello";
	if (wol_journal_log(ctx, date, line, &o, NULL, &warning, &err) == 0) {
		char *text = NULL;
		size_t len = 0;
		FUZZ_CHECK(wol_fs_read(path, (size_t)1 << 30, 1, &text, &len, &err) == 0, "%s",
		           err.msg);
		FUZZ_CHECK(strstr(text, "- 09:30 fuzz says hello") != NULL, "the log line is missing");
		wol_doc before, after;
		if (wol_doc_parse((const char *)data, size, "before", &before, &err) == 0) {
			FUZZ_CHECK(wol_doc_parse(text, len, "after", &after, &err) == 0,
			           "the entry no longer parses: %s", err.msg);
			FUZZ_CHECK(before.meta->n == after.meta->n, "front matter changed");
			wol_doc_free(&after);
			wol_doc_free(&before);
		}
		free(text);
	} else {
		fuzz_check_msg(err.msg);
		/* a refused log leaves the entry as it was */
		char *text = NULL;
		size_t len = 0;
		FUZZ_CHECK(wol_fs_read(path, (size_t)1 << 30, 1, &text, &len, &err) == 0, "%s",
		           err.msg);
		FUZZ_CHECK(len == size && memcmp(text, data, size) == 0, "a refused log changed the entry");
		free(text);
	}
	free(warning);
	remove(path);
	free(path);
}

static void fuzz_heading(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t qn = nl ? (size_t)(nl - data) : size;
	char *q = fuzz_cstr(data, qn);
	const char *text = nl ? (const char *)nl + 1 : "";
	size_t len = nl ? size - qn - 1 : 0;
	int line = 0;
	char *append = NULL;
	wol_error err;
	if (wol_journal_heading(text, len, q, &line, &append, &err) == 0) {
		FUZZ_CHECK(line >= 1, "line %d", line);
	} else {
		fuzz_check_msg(err.msg);
	}
	free(append);
	free(q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	(void)wol_journal_written((const char *)data + 1, size - 1);
	switch (data[0] % 3) {
	case 0:
		fuzz_template(data + 1, size - 1);
		break;
	case 1:
		fuzz_log(data + 1, size - 1);
		break;
	default:
		fuzz_heading(data + 1, size - 1);
		break;
	}
	return 0;
}
