/* fuzz_feedback.c - feedback records written by others, and the note's
 * text as an editor may hold it. The first byte picks what the input
 * replaces: a comment record, a second record (a reply or an `addressed`
 * event, by its kind), or the note's text handed to the reader (as a
 * buffer being edited); the second byte is spare. Reading the feedback
 * must not crash, every warning is one "wol: " line, and every item sits
 * on lines of the text (start <= end, both in 1..max(1, lines)) with a
 * known anchor. */
#include "fuzz.h"

#include <git2.h>

#include "wol_json.h"

static wol_ctx *ctx;
static wol_circle *circle;
static char note[256];
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
	char *rel = NULL;
	wol_share_result sr = {0};
	wol_fwrite w = {0};
	if (wol_ctx_open(&ctx, &o, &err) != 0 ||
	    (wol_circle_init(ctx, "fuzz", &io, &err) != 0 && err.code != WOL_EEXISTS) ||
	    wol_circle_open(ctx, "fuzz", &circle, &err) != 0 ||
	    wol_note_new(circle, "Fuzzed note", &rel, &err) != 0) {
		fprintf(stderr, "%s\n", err.msg);
		abort();
	}
	snprintf(note, sizeof note, "%s", rel);
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", wol_circle_path(circle), rel);
	free(rel);
	FILE *f = fopen(path, "a");
	if (!f)
		abort();
	fputs("one\ntwo\nthree\nfour\nfive\n", f);
	fclose(f);
	wol_share_opts so = {0};
	so.file = path;
	wol_comment_opts co = {0};
	co.note = note;
	co.text = "A first comment.";
	co.line1 = 10;
	co.line2 = 11;
	if (wol_share_note(circle, &so, &sr, &err) != 0 || wol_feedback_add(circle, &co, &w, &err) != 0) {
		fprintf(stderr, "%s\n", err.msg);
		abort();
	}
	snprintf(dir, sizeof dir, "%s/feedback/%s", wol_circle_path(circle), w.note_id);
	wol_share_result_free(&sr);
	wol_fwrite_free(&w);
	return 0;
}

static void check(const wol_feedback *f)
{
	static const char *const anchors[] = {"current", "outdated", "note", "unknown", "orphaned"};
	long top = f->lines > 0 ? f->lines : 1;
	for (size_t i = 0; i < f->nwarnings; i++)
		fuzz_check_msg(f->warnings[i]);
	for (size_t i = 0; i < f->n; i++) {
		const wol_fitem *it = &f->items[i];
		int known = 0;
		for (size_t k = 0; k < sizeof anchors / sizeof anchors[0]; k++)
			known |= it->anchor && strcmp(it->anchor, anchors[k]) == 0;
		FUZZ_CHECK(known, "anchor %s", it->anchor ? it->anchor : "(null)");
		FUZZ_CHECK(it->id && it->kind && it->author && it->text && it->thread, "item %zu", i);
		FUZZ_CHECK(it->start >= 1 && it->start <= it->end && it->end <= top,
		           "item %zu at %ld-%ld of %ld lines", i, it->start, it->end, f->lines);
	}
	cJSON *j = wol_feedback_json(f);
	FUZZ_CHECK(j != NULL, "no tree");
	cJSON_Delete(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	int which = data[0] % 3;
	char path[2048];
	snprintf(path, sizeof path, "%s/%s", dir,
	         which == 0 ? "20260314T100000Z-ana-beef.md" : "20260314T110000Z-bo-cafe.md");
	wol_feedback_opts o = {0};
	o.note = note;
	o.check_authors = 1;
	if (which == 2) {
		o.text = (const char *)data + 2;
		o.len = size - 2;
	} else {
		fuzz_write(path, data + 2, size - 2);
	}
	wol_feedback f;
	wol_error err;
	if (wol_feedback_get(circle, &o, &f, &err) == 0) {
		check(&f);
		wol_feedback_free(&f);
	} else {
		fuzz_check_msg(err.msg);
	}
	/* every note: the listing that orphans and `--mine` use */
	wol_feedback_opts all = {0};
	if (wol_feedback_get(circle, &all, &f, &err) == 0) {
		for (size_t i = 0; i < f.nwarnings; i++)
			fuzz_check_msg(f.warnings[i]);
		wol_feedback_free(&f);
	} else {
		fuzz_check_msg(err.msg);
	}
	if (which != 2)
		remove(path);
	return 0;
}
