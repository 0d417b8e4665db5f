/* fuzz_prompt.c - prompt files: the input becomes the user's prompt file,
 * the circle's prompt file or the circle's circle.md (first byte picks),
 * then wol_prompt_get chooses a prompt. Bad files are warnings, never
 * crashes, and a prompt is always chosen (the built-ins remain). */
#include "fuzz.h"

#include <git2.h>

static wol_ctx *ctx;
static char user_file[1024], circle_dir[512], circle_file[1024], circle_md[1024];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	wol_init(NULL);
	const char *home = fuzz_home();
	snprintf(user_file, sizeof user_file, "%s/prompts/fuzz.md", home);
	snprintf(circle_dir, sizeof circle_dir, "%s/circles/fuzz", home);
	snprintf(circle_file, sizeof circle_file, "%s/prompts/fuzz.md", circle_dir);
	snprintf(circle_md, sizeof circle_md, "%s/circle.md", circle_dir);
	wol_ctx_opts o = {home, NULL, "2026-03-14"};
	wol_error err;
	if (wol_ctx_open(&ctx, &o, &err) != 0) {
		fprintf(stderr, "%s\n", err.msg);
		abort();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	int which = data[0] % 3;
	const char *file = which == 0 ? user_file : which == 1 ? circle_file : circle_md;
	static const char md[] = "---\nname: fuzz\nstarted: 2026-03-02\nweeks: 12\n---\n";
	fuzz_write(circle_md, md, sizeof md - 1);
	fuzz_write(file, data + 2, size - 2);
	wol_date date = wol_date_add((wol_date){2026, 3, 14}, (long)data[1] - 128);
	wol_prompt_opts opts = {circle_dir, 0, {0, 0, 0}, 0};
	wol_prompt p;
	wol_error err;
	int rc = wol_prompt_get(ctx, date, &opts, &p, &err);
	FUZZ_CHECK(rc == 0, "no prompt chosen: %s", err.msg);
	FUZZ_CHECK(p.title && *p.title, "a prompt without a title");
	FUZZ_CHECK(p.theme_source && p.challenge && p.challenge_title && p.text, "missing fields");
	FUZZ_CHECK(!p.focus_title == !p.focus_source && (!p.focus_title || p.week > 0), "focus without a week");
	FUZZ_CHECK(p.week >= 0 && p.week <= p.weeks, "week %d of %d", p.week, p.weeks);
	for (size_t i = 0; i < p.nquestions; i++)
		FUZZ_CHECK(p.questions[i] != NULL, "question %zu", i);
	for (size_t i = 0; i < p.nwarnings; i++)
		fuzz_check_msg(p.warnings[i]);
	wol_prompt_free(&p);
	remove(file);
	return 0;
}
