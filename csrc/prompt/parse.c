/* prompt/parse.c - one prompt file: its front matter (the rule: date,
 * week, weekday or the pool; title, tags) and its body (the text, the
 * challenge, the questions), checked, with a warning naming the file and
 * line for what cannot be used */
#include "prompt/prompt_int.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

void wol_prompt__warn(wol_strv *w, const char *file, int line, const char *fmt, ...)
{
	char why[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	wol_strv_add(w, wol_strfmt("wol: %s:%d: %s", file, line, why));
}

/* Frees what a parse made (title, text, tags, challenge, questions) and
 * the day's prompt made from parses (csrc/prompt/day.c): here so that the
 * build-time parse of the built-ins (tools/embed_prompts.c) links without
 * the rest of the engine. */
void wol_prompt_free(wol_prompt *p)
{
	if (!p)
		return;
	free(p->title);
	free(p->text);
	wol_strv_free(p->tags, p->ntags);
	free(p->focus_title);
	free(p->focus_text);
	wol_strv_free(p->focus_questions, p->nfocus_questions);
	free(p->challenge_title);
	free(p->challenge);
	wol_strv_free(p->questions, p->nquestions);
	free(p->theme_source);
	free(p->focus_source);
	free(p->challenge_source);
	free(p->reflect_source);
	free(p->reason);
	wol_strv_free(p->warnings, p->nwarnings);
	memset(p, 0, sizeof *p);
}

void wol_prompt__entry_free(entry *e)
{
	free(e->source);
	wol_prompt_free(&e->p);
	memset(e, 0, sizeof *e);
}

void wol_prompt__entries_free(entries *es)
{
	free(es->v);
	memset(es, 0, sizeof *es);
}


/* ------------------------------------------------------------ the body */

static const char *skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* Length of `s` without trailing white space. */
static size_t rtrim_len(const char *s, size_t n)
{
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	return n;
}

/* Length of a list marker ("- ", "* ", "+ ", "1. ", "2) ") at s, or 0. */
static size_t list_marker(const char *s)
{
	if ((s[0] == '-' || s[0] == '*' || s[0] == '+') && (s[1] == ' ' || s[1] == '\t'))
		return 2;
	size_t i = 0;
	while (isdigit((unsigned char)s[i]) && i < 4)
		i++;
	if (i > 0 && (s[i] == '.' || s[i] == ')') && (s[i + 1] == ' ' || s[i + 1] == '\t'))
		return i + 2;
	return 0;
}

/* Heading level (1 or 2) and its text, or 0. */
static int heading(const char *line, size_t n, const char **text, size_t *tlen)
{
	int level = 0;
	while ((size_t)level < n && line[level] == '#')
		level++;
	if (level < 1 || level > 2 || (size_t)level >= n || line[level] != ' ')
		return 0;
	const char *t = skip_ws(line + level);
	size_t len = rtrim_len(t, n - (size_t)(t - line));
	while (len > 0 && t[len - 1] == '#') /* closing hashes */
		len--;
	*text = t;
	*tlen = rtrim_len(t, len);
	return level;
}

static int heading_is(const char *t, size_t n, const char *const *names)
{
	for (; *names; names++)
		if (strlen(*names) == n && strncasecmp(t, *names, n) == 0)
			return 1;
	return 0;
}

/* Appends a soft-wrapped line to a paragraph buffer: lines of one Markdown
 * paragraph join with a space, paragraphs with a blank line. */
static void para_add(wol_buf *b, const char *s, size_t n, int *pending_break)
{
	s = skip_ws(s);
	n = rtrim_len(s, n);
	if (n == 0) {
		if (b->len)
			*pending_break = 1;
		return;
	}
	if (b->len)
		wol_buf_puts(b, *pending_break ? "\n\n" : " ");
	*pending_break = 0;
	wol_buf_put(b, s, n);
}

/* Text kept as written, without leading and trailing blank lines. */
static char *trim_block(const char *s, size_t n)
{
	while (n > 0 && (*s == '\n' || *s == '\r' || *s == ' ' || *s == '\t')) {
		/* drop whole blank lines only: keep the indent of the first real line */
		const char *eol = memchr(s, '\n', n);
		const char *p = s;
		while (p < s + n && (*p == ' ' || *p == '\t' || *p == '\r'))
			p++;
		if (p < s + n && *p != '\n')
			break;
		if (!eol)
			return wol_strndup("", 0);
		n -= (size_t)(eol + 1 - s);
		s = eol + 1;
	}
	return wol_strndup(s, rtrim_len(s, n));
}

enum section { SEC_NONE, SEC_CHALLENGE, SEC_REFLECT, SEC_OTHER };

static const char *const challenge_names[] = {"challenge", "call to action", "today", NULL};
static const char *const reflect_names[] = {"reflect", "reflection", "questions", NULL};

/* Splits the body into challenge, questions and other text. */
static int parse_body(const char *body, wol_prompt *p, int want_title)
{
	wol_buf chal, text, item;
	wol_buf_init(&chal);
	wol_buf_init(&text);
	wol_buf_init(&item);
	wol_strv qs = {0};
	int chal_break = 0, item_break = 0, rc = 0;
	enum section sec = SEC_NONE;
	const char *s = body;
	while (*s) {
		const char *eol = strchr(s, '\n');
		size_t n = eol ? (size_t)(eol - s) : strlen(s);
		const char *next = eol ? eol + 1 : s + n;
		if (n > 0 && s[n - 1] == '\r')
			n--;
		const char *ht;
		size_t hn;
		int level = heading(s, n, &ht, &hn);
		if (level) {
			if (item.len) {
				rc |= wol_strv_add(&qs, wol_buf_detach(&item));
				wol_buf_init(&item);
			}
			if (level == 1 && want_title && !p->title) {
				p->title = wol_strndup(ht, hn);
				s = next;
				continue;
			}
			if (level == 2 && heading_is(ht, hn, challenge_names)) {
				sec = SEC_CHALLENGE;
				s = next;
				continue;
			}
			if (level == 2 && heading_is(ht, hn, reflect_names)) {
				sec = SEC_REFLECT;
				s = next;
				continue;
			}
			sec = SEC_OTHER;
		}
		if (sec == SEC_CHALLENGE) {
			para_add(&chal, s, n, &chal_break);
		} else if (sec == SEC_REFLECT) {
			const char *t = skip_ws(s);
			size_t m = list_marker(t);
			size_t tn = n - (size_t)(t - s);
			if (m) {
				if (item.len)
					rc |= wol_strv_add(&qs, wol_buf_detach(&item));
				wol_buf_init(&item);
				item_break = 0;
				para_add(&item, t + m, tn - m, &item_break);
			} else if (rtrim_len(t, tn) == 0) {
				if (item.len) {
					rc |= wol_strv_add(&qs, wol_buf_detach(&item));
					wol_buf_init(&item);
				}
			} else if (item.len) {
				para_add(&item, t, tn, &item_break); /* continuation line */
			} else {
				wol_buf_put(&text, s, n);
				wol_buf_puts(&text, "\n");
			}
		} else {
			wol_buf_put(&text, s, n);
			wol_buf_puts(&text, "\n");
		}
		s = next;
	}
	if (item.len)
		rc |= wol_strv_add(&qs, wol_buf_detach(&item));
	wol_buf_free(&item);
	p->challenge = chal.len ? wol_buf_detach(&chal) : wol_strndup("", 0);
	wol_buf_free(&chal);
	p->text = trim_block(text.ptr ? text.ptr : "", text.len);
	wol_buf_free(&text);
	p->questions = qs.v;
	p->nquestions = qs.n;
	if (rc || !p->challenge || !p->text || chal.oom || text.oom)
		return WOL_ENOMEM;
	return 0;
}

/* -------------------------------------------------------- front matter */

static int parse_int(const char *s, int *out)
{
	if (!s || !*s)
		return -1;
	long v = 0;
	for (const char *c = s; *c; c++) {
		if (!isdigit((unsigned char)*c) || v > 100000)
			return -1;
		v = v * 10 + (*c - '0');
	}
	*out = (int)v;
	return 0;
}

/* A scalar at key, or a warning naming its line; *present says whether the
 * key exists at all. */
static const wol_yaml *scalar_field(const wol_yaml *meta, const char *key, const char *file,
                                    wol_strv *w, int *bad)
{
	const wol_yaml *y = wol_yaml_get(meta, key);
	if (y && y->kind != WOL_YAML_SCALAR) {
		wol_prompt__warn(w, file, y->line, "%s: must be a single value", key);
		*bad = 1;
		return NULL;
	}
	return y;
}

/* Parses one prompt file into `e`. Returns 0 when usable; otherwise adds a
 * warning and returns non-zero. */
int wol_prompt__parse_entry(const char *text, size_t len, const char *file, wol_strv *w, entry *e)
{
	memset(e, 0, sizeof *e);
	if (!wol_utf8_valid(text, len)) {
		wol_prompt__warn(w, file, 1, "not valid UTF-8 text (skipped)");
		return -1;
	}
	wol_doc doc;
	wol_error err;
	if (wol_doc_parse(text, len, file, &doc, &err) != 0) {
		wol_strv_add(w, wol_strfmt("%s (skipped)", err.msg));
		return -1;
	}
	const wol_yaml *m = doc.meta;
	int bad = 0, nrules = 0;
	const wol_yaml *title = scalar_field(m, "title", file, w, &bad);
	const wol_yaml *date = scalar_field(m, "date", file, w, &bad);
	const wol_yaml *weekday = scalar_field(m, "weekday", file, w, &bad);
	const wol_yaml *week = scalar_field(m, "week", file, w, &bad);
	e->rule = RULE_POOL;
	if (date) {
		nrules++;
		wol_error derr;
		const char *v = date->value;
		if (strlen(v) != 10 || wol_date_parse(v, (wol_date){1970, 1, 1}, &e->date, &derr) != 0) {
			wol_prompt__warn(w, file, date->line, "date: '%s' is not a valid YYYY-MM-DD date", v);
			bad = 1;
		}
		e->rule = RULE_DATE;
		e->line = date->line;
	}
	if (week) {
		nrules++;
		if (parse_int(week->value, &e->value) != 0 || e->value < 1 || e->value > WEEK_MAX) {
			wol_prompt__warn(w, file, week->line, "week: '%s' is out of range (a program week is 1..%d)",
			     week->value, WEEK_MAX);
			bad = 1;
		}
		e->rule = RULE_WEEK;
		e->line = week->line;
	}
	if (weekday) {
		nrules++;
		e->value = wol_weekday_parse(weekday->value);
		if (e->value < 0) {
			wol_prompt__warn(w, file, weekday->line,
			     "weekday: '%s' is not a weekday (use monday .. sunday)", weekday->value);
			bad = 1;
		}
		e->rule = RULE_WEEKDAY;
		e->line = weekday->line;
	}
	if (nrules > 1 && !bad) {
		int last = 0; /* the line of the rule that came second */
		const wol_yaml *keys[] = {date, week, weekday};
		for (int i = 0; i < 3; i++)
			if (keys[i] && keys[i]->line > last)
				last = keys[i]->line;
		wol_prompt__warn(w, file, last, "use only one of date, week and weekday");
		bad = 1;
	}
	const wol_yaml *tags = wol_yaml_get(m, "tags");
	wol_strv tv = {0};
	if (tags && tags->kind == WOL_YAML_SCALAR) {
		wol_strv_add(&tv, wol_strfmt("%s", tags->value));
	} else if (tags && tags->kind == WOL_YAML_SEQ) {
		for (size_t i = 0; i < tags->n; i++) {
			if (tags->items[i]->kind != WOL_YAML_SCALAR) {
				wol_prompt__warn(w, file, tags->items[i]->line, "tags: must be a list of words");
				bad = 1;
				break;
			}
			wol_strv_add(&tv, wol_strfmt("%s", tags->items[i]->value));
		}
	} else if (tags) {
		wol_prompt__warn(w, file, tags->line, "tags: must be a list of words");
		bad = 1;
	}
	e->p.tags = tv.v;
	e->p.ntags = tv.n;
	if (title && *title->value)
		e->p.title = wol_strfmt("%s", title->value);
	int body_line = doc.body_line;
	if (!bad && parse_body(doc.body, &e->p, 1) != 0) {
		wol_prompt__warn(w, file, body_line, "out of memory");
		bad = 1;
	}
	if (!bad && (!e->p.title || !*e->p.title)) {
		wol_prompt__warn(w, file, 1, "no title (add 'title:' to the front matter or a '# ' heading)");
		bad = 1;
	}
	wol_doc_free(&doc);
	if (bad) {
		wol_prompt_free(&e->p);
		return -1;
	}
	e->source = wol_strfmt("%s", file);
	if (!e->source) {
		wol_prompt_free(&e->p);
		return -1;
	}
	return 0;
}

int wol_prompt__entries_add(entries *es, const entry *e)
{
	if (es->n == es->cap) {
		size_t cap = es->cap ? es->cap * 2 : 32;
		const entry **v = realloc(es->v, cap * sizeof *v);
		if (!v)
			return WOL_ENOMEM;
		es->v = v;
		es->cap = cap;
	}
	es->v[es->n++] = e;
	return 0;
}

