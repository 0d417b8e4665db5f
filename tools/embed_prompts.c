/* embed_prompts.c - build tool: parses the built-in prompts (the Markdown
 * files of prompts/builtin/) with the engine's own parser
 * (wol_prompt__parse_entry, csrc/prompt/parse.c; linked in, not copied) and
 * writes the entries it makes as constants, declared in
 * csrc/prompt_builtin.h. A process then chooses the day's prompt without
 * parsing a built-in. A file the parser skips or warns about fails the
 * build with the parser's own message.
 * Usage: embed_prompts FILE.md... > build/gen/builtin_prompts.c
 * A built-in's source is "builtin:" and its file name without directory
 * and ".md"; they are emitted in the byte order of their names so every
 * build is the same. */
#include "prompt/prompt_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *base(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* s as a C string literal (split into adjacent literals at newlines and
 * every 200 characters), or NULL. */
static void emit_str(FILE *out, const char *s)
{
	if (!s) {
		fputs("NULL", out);
		return;
	}
	fputs("\"", out);
	int col = 0;
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c == '\n') {
			fputs(c[1] ? "\\n\"\n\t\"" : "\\n", out);
			col = 0;
			continue;
		}
		if (*c == '\\' || *c == '"' || *c == '?') /* '?': no trigraphs, whatever the -std */
			fprintf(out, "\\%c", *c);
		else if (*c < 0x20 || *c >= 0x7f)
			fprintf(out, "\\%03o", *c); /* octal: never swallows a following digit */
		else
			fputc(*c, out);
		if (++col > 200) {
			fputs("\"\n\t\"", out);
			col = 0;
		}
	}
	fputs("\"", out);
}

/* A list of strings as a static array named <what><i>; nothing for none. */
static void emit_strv(FILE *out, const char *what, int i, char **v, size_t n)
{
	if (!n)
		return;
	fprintf(out, "static char *const %s%d[] = {\n", what, i);
	for (size_t k = 0; k < n; k++) {
		fputs("\t", out);
		emit_str(out, v[k]);
		fputs(",\n", out);
	}
	fputs("};\n", out);
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return NULL;
	}
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap + 1);
	size_t got;
	while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			char *nb = realloc(buf, 2 * cap + 1);
			if (!nb)
				free(buf);
			buf = nb;
			cap *= 2;
		}
	}
	int bad = !buf || ferror(f);
	fclose(f);
	if (bad) {
		fprintf(stderr, "embed_prompts: %s: cannot read\n", path);
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* Parses one file into e (source "builtin:<name>"): 0, or -1 with the
 * parser's warnings on stderr. Only the fields a parse fills may be set:
 * anything else would be lost on the way into the constants. */
static int parse(const char *path, entry *e)
{
	size_t len = 0;
	char *text = read_all(path, &len);
	if (!text)
		return -1;
	const char *b = base(path);
	char *source = wol_strfmt("builtin:%.*s", (int)(strlen(b) - 3), b);
	wol_strv w = {0};
	int rc = source ? wol_prompt__parse_entry(text, len, source, &w, e) : -1;
	free(text);
	free(source);
	for (size_t k = 0; k < w.n; k++)
		fprintf(stderr, "embed_prompts: %s\n", w.v[k]);
	if (rc == 0 && w.n)
		wol_prompt__entry_free(e);
	if (rc != 0 || w.n) {
		fprintf(stderr, "embed_prompts: %s: a built-in prompt must parse without warnings\n", path);
		wol_strv_clear(&w);
		return -1;
	}
	wol_prompt rest, none;
	memcpy(&rest, &e->p, sizeof rest);
	rest.title = rest.text = rest.challenge = NULL;
	rest.tags = rest.questions = NULL;
	rest.ntags = rest.nquestions = 0;
	memset(&none, 0, sizeof none);
	if (memcmp(&rest, &none, sizeof rest) != 0) {
		fprintf(stderr, "embed_prompts: %s: the parse filled a field this tool does not write "
		                "(tools/embed_prompts.c)\n", path);
		wol_prompt__entry_free(e);
		return -1;
	}
	return 0;
}

static void emit_entry(FILE *out, int i, const entry *e)
{
	fprintf(out, "{.rule = %d, .value = %d, .date = {%d, %d, %d}, .line = %d,\n .source = ", (int)e->rule,
	        e->value, e->date.y, e->date.m, e->date.d, e->line);
	emit_str(out, e->source);
	fputs(",\n .p = {.title = ", out);
	emit_str(out, e->p.title);
	fputs(",\n  .text = ", out);
	emit_str(out, e->p.text);
	fputs(",\n  .challenge = ", out);
	emit_str(out, e->p.challenge);
	if (e->p.nquestions)
		fprintf(out, ",\n  .questions = (char **)questions%d, .nquestions = %zu", i, e->p.nquestions);
	if (e->p.ntags)
		fprintf(out, ",\n  .tags = (char **)tags%d, .ntags = %zu", i, e->p.ntags);
	fputs("}},\n", out);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: embed_prompts FILE.md...\n");
		return 2;
	}
	char **files = argv + 1;
	int n = argc - 1;
	for (int i = 0; i < n; i++) {
		size_t len = strlen(base(files[i]));
		if (len < 4 || strcmp(base(files[i]) + len - 3, ".md") != 0) {
			fprintf(stderr, "embed_prompts: %s: not a .md file\n", files[i]);
			return 1;
		}
	}
	qsort(files, (size_t)n, sizeof *files, cmp);
	entry *es = calloc((size_t)n, sizeof *es);
	if (!es)
		return 1;
	for (int i = 0; i < n; i++)
		if (parse(files[i], &es[i]) != 0)
			return 1;
	FILE *out = stdout;
	fprintf(out, "/* generated by tools/embed_prompts.c from prompts/builtin/: do not edit */\n"
	             "#include \"prompt_builtin.h\"\n\n");
	for (int i = 0; i < n; i++) {
		emit_strv(out, "questions", i, es[i].p.questions, es[i].p.nquestions);
		emit_strv(out, "tags", i, es[i].p.tags, es[i].p.ntags);
	}
	fputs("\nconst entry wol_prompt_builtins[] = {\n", out);
	for (int i = 0; i < n; i++)
		emit_entry(out, i, &es[i]);
	fputs("{.source = NULL} /* not a prompt: keeps the array from being empty */\n", out);
	fprintf(out, "};\n\nconst size_t wol_prompt_nbuiltins = %d;\n", n);
	for (int i = 0; i < n; i++)
		wol_prompt__entry_free(&es[i]);
	free(es);
	return ferror(out) ? 1 : 0;
}
