/* fuzz_question.c - question/answer/event records written by others. The
 * first byte picks which record of a real, committed question the input
 * replaces (question.md, an answer, an event), in the work tree (not
 * committed, so it also counts as unverified); the second byte is spare.
 * Listing and reading the thread must not crash, every warning is one
 * "wol: " line, and the state is one of the three. */
#include "fuzz.h"

#include <git2.h>

static wol_ctx *ctx;
static wol_circle *circle;
static char *qid;
static char dir[1024];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	wol_init(NULL);
	const char *home = fuzz_home();
	wol_ctx_opts o = {home, NULL, "2026-03-14"};
	wol_error err;
	wol_circle_init_opts io = {0};
	wol_qwrite w = {0};
	if (wol_ctx_open(&ctx, &o, &err) != 0 ||
	    (wol_circle_init(ctx, "fuzz", &io, &err) != 0 && err.code != WOL_EEXISTS) ||
	    wol_circle_open(ctx, "fuzz", &circle, &err) != 0 ||
	    wol_question_ask(circle, "How do I fuzz?", "Asking for a friend.", NULL, 0, &w, &err) != 0) {
		fprintf(stderr, "%s\n", err.msg);
		abort();
	}
	qid = strdup(w.qid);
	wol_qwrite_free(&w);
	snprintf(dir, sizeof dir, "%s/questions/%s", wol_circle_path(circle), qid);
	return 0;
}

static void check_question(const wol_question *q)
{
	FUZZ_CHECK(q->state && (strcmp(q->state, "open") == 0 || strcmp(q->state, "resolved") == 0 ||
	                        strcmp(q->state, "retracted") == 0),
	           "state %s", q->state ? q->state : "(null)");
	for (size_t i = 0; i < q->nwarnings; i++)
		fuzz_check_msg(q->warnings[i]);
	for (size_t i = 0; i < q->nrecords; i++)
		FUZZ_CHECK(q->records[i].kind && q->records[i].id && q->records[i].path, "record %zu", i);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	static const char *const rel[] = {"question.md", "answers/20260314T100000Z-ana-beef.md",
	                                  "events/20260314T110000Z-ana-cafe.md"};
	int which = data[0] % 3;
	char path[2048];
	snprintf(path, sizeof path, "%s/%s", dir, rel[which]);
	char *old = NULL;
	size_t oldlen = 0;
	wol_error err;
	if (which == 0 && wol_fs_read(path, 1 << 20, 1, &old, &oldlen, &err) != 0)
		abort();
	fuzz_write(path, data + 2, size - 2);
	wol_questions list;
	if (wol_question_list(circle, NULL, "files", "all", NULL, &list, &err) == 0) {
		for (size_t i = 0; i < list.n; i++)
			check_question(&list.items[i]);
		for (size_t i = 0; i < list.nwarnings; i++)
			fuzz_check_msg(list.warnings[i]);
		wol_questions_free(&list);
	} else {
		fuzz_check_msg(err.msg);
	}
	wol_question q;
	if (wol_question_get(circle, qid, &q, &err) == 0) {
		check_question(&q);
		wol_question_free(&q);
	} else {
		fuzz_check_msg(err.msg);
	}
	if (which == 0)
		fuzz_write(path, old, oldlen);
	else
		remove(path);
	free(old);
	return 0;
}
