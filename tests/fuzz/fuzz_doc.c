/* fuzz_doc.c - front matter: wol_doc_parse never crashes, and a parsed
 * document rendered with wol_doc_render parses again to the same tree. */
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static int same(const wol_yaml *a, const wol_yaml *b)
{
	if (a->kind != b->kind)
		return 0;
	if (a->kind == WOL_YAML_SCALAR)
		return strcmp(a->value, b->value) == 0;
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++) {
		if (a->kind == WOL_YAML_MAP && strcmp(a->keys[i], b->keys[i]) != 0)
			return 0;
		if (!same(a->items[i], b->items[i]))
			return 0;
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	wol_doc doc;
	wol_error err;
	if (wol_doc_parse((const char *)data, size, "fuzz.md", &doc, &err) != 0) {
		fuzz_check_msg(err.msg);
		return 0;
	}
	FUZZ_CHECK(doc.meta && doc.meta->kind == WOL_YAML_MAP, "meta is not a map");
	char *text = NULL;
	size_t len = 0;
	if (wol_doc_render(&doc, &text, &len, &err) != 0) {
		/* only text the emitter cannot write (not UTF-8) may fail */
		fuzz_check_msg(err.msg);
		FUZZ_CHECK(!wol_utf8_valid((const char *)data, size), "render failed: %s", err.msg);
		wol_doc_free(&doc);
		return 0;
	}
	wol_doc again;
	if (wol_doc_parse(text, len, "rendered.md", &again, &err) != 0) {
		FUZZ_CHECK(0, "rendered text does not parse: %s\n--- rendered:\n%s", err.msg, text);
	}
	FUZZ_CHECK(same(doc.meta, again.meta), "front matter changed\n--- rendered:\n%s", text);
	FUZZ_CHECK(strcmp(doc.body, again.body) == 0, "body changed\n--- rendered:\n%s", text);
	/* rendering is stable: the second rendering is the first */
	char *text2 = NULL;
	size_t len2 = 0;
	FUZZ_CHECK(wol_doc_render(&again, &text2, &len2, &err) == 0, "second render: %s", err.msg);
	FUZZ_CHECK(len2 == len && memcmp(text, text2, len) == 0,
	           "rendering not stable\n--- first:\n%s--- second:\n%s", text, text2);
	free(text2);
	wol_doc_free(&again);
	free(text);
	wol_doc_free(&doc);
	return 0;
}
