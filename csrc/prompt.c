/* prompt.c - the day's prompt: prompt files, the circle program calendar,
 * and the choice of one prompt for a date.
 *
 * Sources, in order of precedence: $WOL_HOME/prompts/ (the user's), the
 * circle's prompts/, the built-ins (prompts/builtin/ embedded at build time).
 * The first source with a prompt that applies to the date wins; within it the
 * most specific rule wins: date > circle week > weekday > pool. Several
 * prompts for the same rule (the pool, or two Monday prompts) rotate by date,
 * so a date gives the same prompt on every machine and consecutive days differ.
 * A prompt file that cannot be used is skipped with a warning naming its file
 * and line; it never stops the lookup. */
#include "wol.h"
#include "prompt_builtin.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PROMPT_MAX_BYTES (256 * 1024)
#define PROMPT_MAX_FILES 2000
#define WEEK_MAX 52

enum rule { RULE_POOL, RULE_WEEKDAY, RULE_WEEK, RULE_DATE, RULE_COUNT };
enum origin { FROM_USER, FROM_CIRCLE, FROM_BUILTIN, FROM_COUNT };

static const char *const origin_label[FROM_COUNT] = {"your prompts", "circle prompts", "built-in"};

/* One usable prompt file. */
typedef struct entry {
	enum rule rule;
	int value;      /* weekday 0..6 or week 1..52 */
	wol_date date;  /* RULE_DATE */
	int line;       /* line of the rule key, for warnings */
	char *key;      /* sort key: the file name */
	wol_prompt p;   /* the parsed content (title, challenge, ...) */
} entry;

typedef struct entries {
	entry *v;
	size_t n, cap;
} entries;

typedef struct strv {
	char **v;
	size_t n, cap;
} strv;

static int strv_push(strv *s, char *str)
{
	if (!str)
		return WOL_ENOMEM;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;
		char **v = realloc(s->v, cap * sizeof *v);
		if (!v) {
			free(str);
			return WOL_ENOMEM;
		}
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = str;
	return 0;
}

static void strv_clear(strv *s)
{
	wol_strv_free(s->v, s->n);
	s->v = NULL;
	s->n = s->cap = 0;
}

static void warn(strv *w, const char *file, int line, const char *fmt, ...) WOL_PRINTF(4, 5);

static void warn(strv *w, const char *file, int line, const char *fmt, ...)
{
	char why[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	strv_push(w, wol_strfmt("wol: %s:%d: %s", file, line, why));
}

void wol_prompt_free(wol_prompt *p)
{
	if (!p)
		return;
	free(p->title);
	free(p->challenge);
	wol_strv_free(p->questions, p->nquestions);
	free(p->text);
	wol_strv_free(p->tags, p->ntags);
	free(p->source);
	free(p->reason);
	wol_strv_free(p->warnings, p->nwarnings);
	memset(p, 0, sizeof *p);
}

static void entries_free(entries *es)
{
	for (size_t i = 0; i < es->n; i++) {
		free(es->v[i].key);
		wol_prompt_free(&es->v[i].p);
	}
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
	strv qs = {0};
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
				rc |= strv_push(&qs, wol_buf_detach(&item));
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
					rc |= strv_push(&qs, wol_buf_detach(&item));
				wol_buf_init(&item);
				item_break = 0;
				para_add(&item, t + m, tn - m, &item_break);
			} else if (rtrim_len(t, tn) == 0) {
				if (item.len) {
					rc |= strv_push(&qs, wol_buf_detach(&item));
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
		rc |= strv_push(&qs, wol_buf_detach(&item));
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
                                    strv *w, int *bad)
{
	const wol_yaml *y = wol_yaml_get(meta, key);
	if (y && y->kind != WOL_YAML_SCALAR) {
		warn(w, file, y->line, "%s: must be a single value", key);
		*bad = 1;
		return NULL;
	}
	return y;
}

/* Parses one prompt file into `e`. Returns 0 when usable; otherwise adds a
 * warning and returns non-zero. */
static int parse_entry(const char *text, size_t len, const char *file, const char *key, strv *w,
                       entry *e)
{
	memset(e, 0, sizeof *e);
	if (!wol_utf8_valid(text, len)) {
		warn(w, file, 1, "not valid UTF-8 text (skipped)");
		return -1;
	}
	wol_doc doc;
	wol_error err;
	if (wol_doc_parse(text, len, file, &doc, &err) != 0) {
		strv_push(w, wol_strfmt("%s (skipped)", err.msg));
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
			warn(w, file, date->line, "date: '%s' is not a valid YYYY-MM-DD date", v);
			bad = 1;
		}
		e->rule = RULE_DATE;
		e->line = date->line;
	}
	if (week) {
		nrules++;
		if (parse_int(week->value, &e->value) != 0 || e->value < 1 || e->value > WEEK_MAX) {
			warn(w, file, week->line, "week: '%s' is out of range (a program week is 1..%d)",
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
			warn(w, file, weekday->line,
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
		warn(w, file, last, "use only one of date, week and weekday");
		bad = 1;
	}
	const wol_yaml *tags = wol_yaml_get(m, "tags");
	strv tv = {0};
	if (tags && tags->kind == WOL_YAML_SCALAR) {
		strv_push(&tv, wol_strfmt("%s", tags->value));
	} else if (tags && tags->kind == WOL_YAML_SEQ) {
		for (size_t i = 0; i < tags->n; i++) {
			if (tags->items[i]->kind != WOL_YAML_SCALAR) {
				warn(w, file, tags->items[i]->line, "tags: must be a list of words");
				bad = 1;
				break;
			}
			strv_push(&tv, wol_strfmt("%s", tags->items[i]->value));
		}
	} else if (tags) {
		warn(w, file, tags->line, "tags: must be a list of words");
		bad = 1;
	}
	e->p.tags = tv.v;
	e->p.ntags = tv.n;
	if (title && *title->value)
		e->p.title = wol_strfmt("%s", title->value);
	int body_line = doc.body_line;
	if (!bad && parse_body(doc.body, &e->p, 1) != 0) {
		warn(w, file, body_line, "out of memory");
		bad = 1;
	}
	if (!bad && (!e->p.title || !*e->p.title)) {
		warn(w, file, 1, "no title (add 'title:' to the front matter or a '# ' heading)");
		bad = 1;
	}
	wol_doc_free(&doc);
	if (bad) {
		wol_prompt_free(&e->p);
		return -1;
	}
	e->key = wol_strfmt("%s", key);
	e->p.source = wol_strfmt("%s", file);
	if (!e->key || !e->p.source) {
		free(e->key);
		wol_prompt_free(&e->p);
		return -1;
	}
	return 0;
}

static int entries_add(entries *es, entry *e)
{
	if (es->n == es->cap) {
		size_t cap = es->cap ? es->cap * 2 : 32;
		entry *v = realloc(es->v, cap * sizeof *v);
		if (!v)
			return WOL_ENOMEM;
		es->v = v;
		es->cap = cap;
	}
	es->v[es->n++] = *e;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Loads the *.md files of dir (a missing dir is no prompts). */
static void load_dir(const char *dir, int nofollow, entries *es, strv *w)
{
	DIR *d = opendir(dir);
	if (!d) {
		if (errno != ENOENT && errno != ENOTDIR)
			strv_push(w, wol_strfmt("wol: %s: cannot read the folder: %s", dir, strerror(errno)));
		return;
	}
	strv names = {0};
	struct dirent *de;
	while ((de = readdir(d)) != NULL && names.n < PROMPT_MAX_FILES) {
		size_t n = strlen(de->d_name);
		if (de->d_name[0] == '.' || n < 4 || strcmp(de->d_name + n - 3, ".md") != 0)
			continue;
		strv_push(&names, wol_strfmt("%s", de->d_name));
	}
	closedir(d);
	if (names.n)
		qsort(names.v, names.n, sizeof *names.v, cmp_str);
	for (size_t i = 0; i < names.n; i++) {
		char *path = wol_strfmt("%s/%s", dir, names.v[i]);
		char *text = NULL;
		size_t len = 0;
		wol_error err;
		if (!path)
			break;
		if (wol_fs_read(path, PROMPT_MAX_BYTES, nofollow, &text, &len, &err) != 0) {
			/* the message names the file */
			strv_push(w, wol_strfmt("%s (skipped)", err.msg));
			free(path);
			continue;
		}
		entry e;
		if (parse_entry(text, len, path, names.v[i], w, &e) == 0 && entries_add(es, &e) != 0) {
			free(e.key);
			wol_prompt_free(&e.p);
		}
		free(text);
		free(path);
	}
	strv_clear(&names);
}

static void load_builtins(entries *es, strv *w)
{
	for (size_t i = 0; i < wol_prompt_nbuiltins; i++) {
		const wol_prompt_builtin *b = &wol_prompt_builtins[i];
		char *src = wol_strfmt("builtin:%s", b->name);
		entry e;
		if (src && parse_entry(b->text, strlen(b->text), src, b->name, w, &e) == 0 &&
		    entries_add(es, &e) != 0) {
			free(e.key);
			wol_prompt_free(&e.p);
		}
		free(src);
	}
}

/* ------------------------------------------------------ circle program */

/* Reads started/weeks from <circle_dir>/circle.md. Returns 1 when the circle
 * has a program, 0 when not (a problem becomes a warning). */
static int read_program(const char *circle_dir, wol_date *started, int *weeks, strv *w)
{
	char *path = wol_strfmt("%s/circle.md", circle_dir);
	char *text = NULL;
	size_t len = 0;
	wol_error err;
	int ok = 0;
	if (!path)
		return 0;
	if (wol_fs_read(path, PROMPT_MAX_BYTES, 1, &text, &len, &err) != 0) {
		if (err.code != WOL_ENOTFOUND)
			strv_push(w, wol_strfmt("%s", err.msg));
		free(path);
		return 0;
	}
	wol_doc doc;
	if (wol_doc_parse(text, len, path, &doc, &err) != 0) {
		strv_push(w, wol_strfmt("%s (no circle program)", err.msg));
		free(text);
		free(path);
		return 0;
	}
	const wol_yaml *st = wol_yaml_get(doc.meta, "started");
	const wol_yaml *wk = wol_yaml_get(doc.meta, "weeks");
	*weeks = 12;
	if (!st) {
		/* no start date: no program (not an error) */
	} else if (st->kind != WOL_YAML_SCALAR || strlen(st->value) != 10 ||
	           wol_date_parse(st->value, (wol_date){1970, 1, 1}, started, &err) != 0) {
		warn(w, path, st->line, "started: '%s' is not a valid YYYY-MM-DD date (no circle program)",
		     st->kind == WOL_YAML_SCALAR ? st->value : "?");
	} else if (wk && (wk->kind != WOL_YAML_SCALAR || parse_int(wk->value, weeks) != 0 ||
	                  *weeks < 1 || *weeks > WEEK_MAX)) {
		warn(w, path, wk->line, "weeks: '%s' is not a number of weeks from 1 to %d (no circle program)",
		     wk->kind == WOL_YAML_SCALAR ? wk->value : "?", WEEK_MAX);
	} else {
		ok = 1;
	}
	wol_doc_free(&doc);
	free(text);
	free(path);
	return ok;
}

/* ------------------------------------------------------------- choosing */

static long floor_mod(long a, long n)
{
	long r = a % n;
	return r < 0 ? r + n : r;
}

static size_t gcd(size_t a, size_t b)
{
	while (b) {
		size_t t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/* Index of the prompt for `days` among n candidates: a fixed permutation
 * (step coprime to n) so n consecutive days show n different prompts, and
 * two consecutive days never show the same one when n > 1. */
static size_t rotate(long days, size_t n)
{
	if (n <= 1)
		return 0;
	size_t step = (n * 618 + 999) / 1000;
	while (gcd(step, n) != 1)
		step++;
	size_t pos = (size_t)floor_mod(days, (long)n);
	return (pos * (step % n)) % n;
}

static int matches(const entry *e, enum rule rule, wol_date date, int week)
{
	if (e->rule != rule)
		return 0;
	switch (rule) {
	case RULE_DATE:
		return wol_date_diff(e->date, date) == 0;
	case RULE_WEEK:
		return week > 0 && e->value == week;
	case RULE_WEEKDAY:
		return e->value == wol_date_weekday(date);
	case RULE_POOL:
		return 1;
	default:
		return 0;
	}
}

static int valid_date(wol_date d)
{
	return wol_date_valid(d.y, d.m, d.d);
}

int wol_prompt_get(wol_ctx *ctx, wol_date date, const wol_prompt_opts *opts, wol_prompt *out,
                   wol_error *err)
{
	memset(out, 0, sizeof *out);
	wol_error_clear(err);
	if (!valid_date(date))
		return wol_error_set(err, WOL_EINVAL, "prompt: %04d-%02d-%02d is not a valid date", date.y,
		                     date.m, date.d);
	wol_prompt_opts none = {0};
	if (!opts)
		opts = &none;
	strv w = {0};
	wol_date started = {0, 0, 0};
	int weeks = 0, program = 0;
	char *circle_dir = NULL;
	if (opts->circle_dir && *opts->circle_dir) {
		circle_dir = wol_strfmt("%s", opts->circle_dir);
	} else {
		char **names = NULL;
		size_t n = 0;
		wol_error cerr;
		const char *name = NULL;
		if (wol_ctx_circles(ctx, &names, &n, &cerr) == 0 && n > 0) {
			if (wol_ctx_circle(ctx, NULL, &name, &cerr) == 0)
				circle_dir = wol_ctx_circle_path(ctx, name);
			else
				strv_push(&w, wol_strfmt("%s (circle prompts not used)", cerr.msg));
		}
		wol_strv_free(names, n);
	}
	if (opts->has_program) {
		if (!valid_date(opts->started) || opts->weeks < 1 || opts->weeks > WEEK_MAX) {
			free(circle_dir);
			strv_clear(&w);
			return wol_error_set(err, WOL_EINVAL,
			                     "prompt: a circle program needs a valid start date and 1..%d "
			                     "weeks",
			                     WEEK_MAX);
		}
		started = opts->started;
		weeks = opts->weeks;
		program = 1;
	} else if (circle_dir) {
		program = read_program(circle_dir, &started, &weeks, &w);
	}
	int week = 0;
	if (program) {
		long diff = wol_date_diff(date, started);
		if (diff >= 0 && diff < (long)weeks * 7)
			week = (int)(diff / 7) + 1;
	}

	entries src[FROM_COUNT] = {{0}};
	char *user_dir = wol_strfmt("%s/prompts", wol_ctx_home(ctx));
	if (user_dir)
		load_dir(user_dir, 0, &src[FROM_USER], &w);
	if (circle_dir) {
		char *dir = wol_strfmt("%s/prompts", circle_dir);
		if (dir)
			load_dir(dir, 1, &src[FROM_CIRCLE], &w);
		free(dir);
	}
	load_builtins(&src[FROM_BUILTIN], &w);
	/* week prompts beyond the program's length can never apply: say so */
	if (program) {
		for (int o = FROM_USER; o < FROM_BUILTIN; o++)
			for (size_t i = 0; i < src[o].n; i++)
				if (src[o].v[i].rule == RULE_WEEK && src[o].v[i].value > weeks)
					warn(&w, src[o].v[i].p.source, src[o].v[i].line,
					     "week: %d is out of range (the circle program has %d weeks)",
					     src[o].v[i].value, weeks);
	}

	int rc = 0;
	entry *pick = NULL;
	for (int o = FROM_USER; o < FROM_COUNT && !pick; o++) {
		for (int r = RULE_DATE; r >= RULE_POOL && !pick; r--) {
			size_t n = 0;
			for (size_t i = 0; i < src[o].n; i++)
				n += (size_t)matches(&src[o].v[i], (enum rule)r, date, week);
			if (!n)
				continue;
			size_t k = rotate(wol_date_to_days(date), n);
			for (size_t i = 0; i < src[o].n && !pick; i++)
				if (matches(&src[o].v[i], (enum rule)r, date, week) && k-- == 0)
					pick = &src[o].v[i];
			char why[160];
			char ds[11];
			switch ((enum rule)r) {
			case RULE_DATE:
				wol_date_format(date, ds);
				snprintf(why, sizeof why, "date %s", ds);
				break;
			case RULE_WEEK:
				snprintf(why, sizeof why, "circle week %d of %d", week, weeks);
				break;
			case RULE_WEEKDAY:
				snprintf(why, sizeof why, "every %s", wol_weekday_name(wol_date_weekday(date)));
				break;
			default:
				snprintf(why, sizeof why, "general pool, %zu of %zu", rotate(wol_date_to_days(date), n) + 1, n);
				break;
			}
			if (n > 1 && r != RULE_POOL)
				snprintf(why + strlen(why), sizeof why - strlen(why), ", %zu of %zu",
				         rotate(wol_date_to_days(date), n) + 1, n);
			out->reason = wol_strfmt("%s (%s)", why, origin_label[o]);
		}
	}
	if (!pick) {
		rc = wol_error_set(err, WOL_ENOTFOUND, "prompt: no prompt applies to this date");
	} else {
		/* move the chosen prompt's fields into out */
		out->title = pick->p.title;
		out->challenge = pick->p.challenge;
		out->questions = pick->p.questions;
		out->nquestions = pick->p.nquestions;
		out->text = pick->p.text;
		out->tags = pick->p.tags;
		out->ntags = pick->p.ntags;
		out->source = pick->p.source;
		memset(&pick->p, 0, sizeof pick->p);
		out->date = date;
		out->week = week;
		out->weeks = program ? weeks : 0;
		if (!out->reason)
			rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	for (int o = 0; o < FROM_COUNT; o++)
		entries_free(&src[o]);
	free(user_dir);
	free(circle_dir);
	out->warnings = w.v;
	out->nwarnings = w.n;
	if (rc)
		wol_prompt_free(out);
	return rc;
}
