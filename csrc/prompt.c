/* prompt.c - the day's prompt: prompt files, the circle program calendar,
 * and the layers of one day's prompt.
 *
 * Sources, in order of precedence: $WOL_HOME/prompts/ (the user's), the
 * circle's prompts/, the built-ins (prompts/builtin/ embedded at build time).
 * A date-specific prompt (date:) of the first source that has one fills
 * every layer. Otherwise each layer is filled on its own by the first
 * source that has something for it:
 *   theme      the weekday's prompt (weekday:)
 *   focus      inside the circle program, the week's prompt (week:); the
 *              built-in weeks are an arc spread over the program's length
 *   challenge  the weekday prompt's challenge, or on pool days (two
 *              weekdays in five, chosen by a fixed seed, and the weekend)
 *              a pool prompt's (no rule) when the pool's source ranks at
 *              least as high
 *   reflect    the questions of the challenge's prompt, else the weekday's
 * Several prompts for the same rule in one source rotate by date, so a date
 * gives the same prompt on every machine and consecutive days differ. A
 * prompt file that cannot be used is skipped with a warning naming its file
 * and line; it never stops the lookup. */
#include "util/util.h"
#include "format/circle_md.h"
#include "ctx_priv.h"
#include "prompt_builtin.h"

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

#define PROMPT_MAX_BYTES (256 * 1024)
#define PROMPT_MAX_FILES 2000
#define WEEK_MAX WOL_CIRCLE_WEEKS_MAX /* the longest program, and week: of a prompt file */

enum rule { RULE_POOL, RULE_WEEKDAY, RULE_WEEK, RULE_DATE, RULE_COUNT };
enum origin { FROM_USER, FROM_CIRCLE, FROM_BUILTIN, FROM_COUNT };

static const char *const origin_label[FROM_COUNT] = {"your prompts", "circle prompts", "built-in"};

/* One usable prompt file. */
typedef struct entry {
	enum rule rule;
	int value;      /* weekday 0..6 or week 1..WEEK_MAX */
	wol_date date;  /* RULE_DATE */
	int line;       /* line of the rule key, for warnings */
	char *source;   /* its path, or "builtin:<name>" */
	wol_prompt p;   /* the parsed content (title, text, challenge, questions, tags) */
} entry;

/* The usable prompts of one source for one lookup (pointing into the cache). */
typedef struct entries {
	entry **v;
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

static void entry_free(entry *e)
{
	free(e->source);
	wol_prompt_free(&e->p);
	memset(e, 0, sizeof *e);
}

static void entries_free(entries *es)
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
static int parse_entry(const char *text, size_t len, const char *file, strv *w, entry *e)
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
	e->source = wol_strfmt("%s", file);
	if (!e->source) {
		wol_prompt_free(&e->p);
		return -1;
	}
	return 0;
}

static int entries_add(entries *es, entry *e)
{
	if (es->n == es->cap) {
		size_t cap = es->cap ? es->cap * 2 : 32;
		entry **v = realloc(es->v, cap * sizeof *v);
		if (!v)
			return WOL_ENOMEM;
		es->v = v;
		es->cap = cap;
	}
	es->v[es->n++] = e;
	return 0;
}

/* ---------------------------------------------------------------- cache */

/* Prompt files are parsed once per context and again only when they
 * change: a file is the same when its device, inode, size, mtime and ctime
 * are (any write changes its ctime). Built-ins are parsed once. The cache
 * lives in the context (ctx_priv.h). */
typedef struct pfile {
	char *name;     /* the file name in its folder ("builtin:<name>" for built-ins) */
	struct stat st; /* what it was parsed from; st_ino 0: never reused */
	int ok;         /* 1: e is a usable prompt */
	entry e;
	strv warnings;  /* why it was skipped */
} pfile;

typedef struct pdir {
	char *dir;
	int nofollow;
	pfile *v; /* sorted by name */
	size_t n;
} pdir;

typedef struct pcache {
	pfile *builtins;
	size_t nbuiltins;
	pdir *dirs;
	size_t ndirs;
} pcache;

static void pfile_free(pfile *f)
{
	free(f->name);
	if (f->ok)
		entry_free(&f->e);
	strv_clear(&f->warnings);
	memset(f, 0, sizeof *f);
}

static void pcache_free(void *data)
{
	pcache *c = data;
	for (size_t i = 0; i < c->nbuiltins; i++)
		pfile_free(&c->builtins[i]);
	free(c->builtins);
	for (size_t i = 0; i < c->ndirs; i++) {
		for (size_t j = 0; j < c->dirs[i].n; j++)
			pfile_free(&c->dirs[i].v[j]);
		free(c->dirs[i].v);
		free(c->dirs[i].dir);
	}
	free(c->dirs);
	free(c);
}

static pcache *get_cache(wol_ctx *ctx)
{
	pcache *c = wol_ctx_cache(ctx, WOL_CTX_CACHE_PROMPTS);
	if (!c && (c = calloc(1, sizeof *c)) != NULL)
		wol_ctx_cache_set(ctx, WOL_CTX_CACHE_PROMPTS, c, pcache_free);
	return c;
}

static pdir *get_dir(pcache *c, const char *dir, int nofollow)
{
	for (size_t i = 0; i < c->ndirs; i++)
		if (c->dirs[i].nofollow == nofollow && strcmp(c->dirs[i].dir, dir) == 0)
			return &c->dirs[i];
	pdir *v = realloc(c->dirs, (c->ndirs + 1) * sizeof *v);
	if (!v)
		return NULL;
	c->dirs = v;
	pdir *d = &c->dirs[c->ndirs];
	memset(d, 0, sizeof *d);
	if (!(d->dir = wol_strfmt("%s", dir)))
		return NULL;
	d->nofollow = nofollow;
	c->ndirs++;
	return d;
}

static int same_file(const struct stat *a, const struct stat *b)
{
	return a->st_ino != 0 && a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	       a->st_size == b->st_size && a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec && a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
	       a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* Parses the file at path into f (f->name set by the caller). */
static void parse_file(pfile *f, const char *path, int nofollow, const struct stat *st)
{
	char *text = NULL;
	size_t len = 0;
	wol_error err;
	if (st)
		f->st = *st;
	if (wol_fs_read(path, PROMPT_MAX_BYTES, nofollow, &text, &len, &err) != 0) {
		/* err.msg is "wol: <path>: <why>"; add the line */
		const char *why = err.msg;
		size_t pl = strlen(path);
		if (strncmp(why, "wol: ", 5) == 0 && strncmp(why + 5, path, pl) == 0 && why[5 + pl] == ':')
			why += 5 + pl + 2;
		warn(&f->warnings, path, 1, "%s (skipped)", why);
		f->st.st_ino = 0;
		return;
	}
	f->ok = parse_entry(text, len, path, &f->warnings, &f->e) == 0;
	free(text);
	/* File times tick in steps of a few milliseconds: a file written within
	 * the last seconds could change again without its times changing, so
	 * it is read again next time. */
	if (time(NULL) - f->st.st_ctim.tv_sec < 2)
		f->st.st_ino = 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_pfile(const void *key, const void *elem)
{
	return strcmp((const char *)key, ((const pfile *)elem)->name);
}

/* The usable prompts of the *.md files of dir (a missing dir is no
 * prompts); the warnings of the others go to w. */
static int load_dir(pcache *c, const char *dir, int nofollow, entries *es, strv *w)
{
	DIR *d = opendir(dir);
	if (!d) {
		if (errno != ENOENT && errno != ENOTDIR)
			strv_push(w, wol_strfmt("wol: %s: cannot read the folder: %s", dir, strerror(errno)));
		return 0;
	}
	pdir *pd = get_dir(c, dir, nofollow);
	if (!pd) {
		closedir(d);
		return WOL_ENOMEM;
	}
	strv names = {0};
	struct dirent *de;
	int rc = 0;
	while ((de = readdir(d)) != NULL && names.n < PROMPT_MAX_FILES) {
		size_t n = strlen(de->d_name);
		if (de->d_name[0] == '.' || n < 4 || strcmp(de->d_name + n - 3, ".md") != 0)
			continue;
		rc |= strv_push(&names, wol_strfmt("%s", de->d_name));
	}
	closedir(d);
	pfile *nv = names.n ? calloc(names.n, sizeof *nv) : NULL;
	char *taken = pd->n ? calloc(pd->n, 1) : NULL; /* moved from the old array */
	if (rc || (names.n && !nv) || (pd->n && !taken)) {
		strv_clear(&names);
		free(nv);
		free(taken);
		return WOL_ENOMEM;
	}
	if (names.n)
		qsort(names.v, names.n, sizeof *names.v, cmp_str);
	for (size_t i = 0; i < names.n; i++) {
		pfile *f = &nv[i];
		char *path = wol_strfmt("%s/%s", dir, names.v[i]);
		if (!path) {
			rc = WOL_ENOMEM;
			break;
		}
		struct stat st;
		int have = (nofollow ? lstat(path, &st) : stat(path, &st)) == 0 && S_ISREG(st.st_mode);
		pfile *old = pd->n ? bsearch(names.v[i], pd->v, pd->n, sizeof *pd->v, cmp_pfile) : NULL;
		if (have && old && same_file(&old->st, &st)) {
			*f = *old; /* moved: the old array no longer owns it */
			taken[old - pd->v] = 1;
		} else {
			f->name = names.v[i];
			names.v[i] = NULL;
			parse_file(f, path, nofollow, have ? &st : NULL);
		}
		free(path);
		for (size_t k = 0; k < f->warnings.n; k++)
			strv_push(w, wol_strfmt("%s", f->warnings.v[k]));
		if (f->ok)
			rc |= entries_add(es, &f->e);
	}
	/* files gone or changed: drop their old parse */
	for (size_t j = 0; j < pd->n; j++)
		if (!taken[j])
			pfile_free(&pd->v[j]);
	free(taken);
	free(pd->v);
	/* keep only what was filled (a break above leaves the rest empty) */
	size_t n = 0;
	for (size_t i = 0; i < names.n; i++)
		if (nv[i].name)
			nv[n++] = nv[i];
	pd->v = nv;
	pd->n = n;
	strv_clear(&names);
	return rc;
}

static int load_builtins(pcache *c, entries *es, strv *w)
{
	if (!c->builtins && wol_prompt_nbuiltins) {
		c->builtins = calloc(wol_prompt_nbuiltins, sizeof *c->builtins);
		if (!c->builtins)
			return WOL_ENOMEM;
		for (size_t i = 0; i < wol_prompt_nbuiltins; i++) {
			const wol_prompt_builtin *b = &wol_prompt_builtins[i];
			pfile *f = &c->builtins[i];
			f->name = wol_strfmt("builtin:%s", b->name);
			if (f->name)
				f->ok = parse_entry(b->text, strlen(b->text), f->name, &f->warnings, &f->e) == 0;
		}
		c->nbuiltins = wol_prompt_nbuiltins;
	}
	int rc = 0;
	for (size_t i = 0; i < c->nbuiltins; i++) {
		for (size_t k = 0; k < c->builtins[i].warnings.n; k++)
			strv_push(w, wol_strfmt("%s", c->builtins[i].warnings.v[k]));
		if (c->builtins[i].ok)
			rc |= entries_add(es, &c->builtins[i].e);
	}
	return rc;
}

/* ------------------------------------------------------ circle program */

/* The circle program and the circle's name: circle.md through its one
 * reader (wol_circle_md_read), or the program given in the options. */
typedef struct program {
	int has;        /* 1: started and weeks are usable */
	wol_circle_md md;
	char *name;     /* the circle's name ({{circle}}), or NULL */
} program;

/* The folder name of a circle's clone (the circle's name when circle.md
 * has none). */
static char *dir_name(const char *dir)
{
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	const char *s = dir + n;
	while (s > dir && s[-1] != '/')
		s--;
	return wol_strndup(s, (size_t)(dir + n - s));
}

/* ------------------------------------------------------------- choosing */

static long floor_div(long a, long n)
{
	long q = a / n;
	return (a % n != 0 && (a < 0) != (n < 0)) ? q - 1 : q;
}

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

/* Index of the prompt for position `pos` among n candidates: a fixed
 * permutation (step coprime to n) so n consecutive positions show n
 * different prompts, and two consecutive positions never show the same one
 * when n > 1. */
static size_t rotate(long pos, size_t n)
{
	if (n <= 1)
		return 0;
	size_t step = (n * 618 + 999) / 1000;
	while (gcd(step, n) != 1)
		step++;
	size_t p = (size_t)floor_mod(pos, (long)n);
	return (p * (step % n)) % n;
}

/* The Monday-based week number of a day number (1970-01-01 was a
 * Thursday, so day 0 is in week 0 with the Monday before it). */
static long week_number(long days)
{
	return floor_div(days + 3, 7);
}

/* A fixed mixing of 64 bits (splitmix64's finaliser): the seed of the
 * pool days, the same on every machine. */
static uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* The two pool weekdays (0..4, a < b) of week number k. Weeks come in
 * cycles of five; each cycle shuffles Monday..Friday with its own seed and
 * gives week j of the cycle the shuffled days 2j and 2j+1 (mod 5). So two
 * weekdays in five are pool days, each weekday is one exactly twice a
 * cycle, and never in two weeks running within a cycle: a weekday's own
 * challenge is never away for long, and which days change varies. */
static void pool_weekdays(long k, int *a, int *b)
{
	int perm[5] = {0, 1, 2, 3, 4};
	uint64_t h = mix64((uint64_t)floor_div(k, 5) ^ 0x776f6c2d706f6f6cULL); /* "wol-pool" */
	for (int i = 4; i > 0; i--) {
		int j = (int)(h % (uint64_t)(i + 1));
		h /= (uint64_t)(i + 1);
		int t = perm[i];
		perm[i] = perm[j];
		perm[j] = t;
	}
	int jw = (int)floor_mod(k, 5);
	int x = perm[(2 * jw) % 5], y = perm[(2 * jw + 1) % 5];
	*a = x < y ? x : y;
	*b = x < y ? y : x;
}

/* Whether weekday wd of week k is a pool day (every Saturday and Sunday
 * is), and the pool day's position in the sequence of all pool days (four a
 * week), so consecutive pool days show consecutive rotations. */
static int pool_day(long k, int wd, long *ordinal)
{
	int a, b;
	pool_weekdays(k, &a, &b);
	int slot = wd == a ? 0 : wd == b ? 1 : wd == 5 ? 2 : wd == 6 ? 3 : -1;
	*ordinal = 4 * k + (slot < 0 ? 0 : slot);
	return slot >= 0;
}

/* The step of the built-in arc (weeks 1..arc) for week `week` of a
 * program of `weeks`: week 1 is the first step, the last week the last
 * step, the weeks between are spread evenly over the steps between. A
 * one-week program shows the first step. */
static int arc_step(int week, int weeks, int arc)
{
	if (week <= 1 || arc <= 1)
		return 1;
	if (week >= weeks)
		return arc;
	if (arc <= 2)
		return 1; /* only a start and an end: the start until the end */
	return 2 + (int)((long)(week - 2) * (arc - 2) / (weeks - 2));
}

static int match(const entry *e, enum rule r, int value, wol_date date)
{
	if (e->rule != r)
		return 0;
	switch (r) {
	case RULE_DATE:
		return wol_date_diff(e->date, date) == 0;
	case RULE_POOL:
		return 1;
	default:
		return e->value == value;
	}
}

static int want_any(const entry *e)
{
	(void)e;
	return 1;
}

static int want_challenge(const entry *e)
{
	return e->p.challenge && *e->p.challenge;
}

static int want_questions(const entry *e)
{
	return e->p.nquestions > 0;
}

/* A prompt chosen for a layer: the entry, its source and its place among
 * the n candidates of that source. */
typedef struct choice {
	entry *e;
	int origin;
	size_t k, n;
} choice;

/* The first source in from..to with entries that match the rule and have
 * what the layer needs; among them the one at rotation position `pos`. */
static choice choose(entries *src, int from, int to, enum rule r, int value, wol_date date,
                     int (*want)(const entry *), long pos)
{
	choice c = {NULL, 0, 0, 0};
	for (int o = from; o <= to; o++) {
		size_t n = 0;
		for (size_t i = 0; i < src[o].n; i++)
			n += (size_t)(match(src[o].v[i], r, value, date) && want(src[o].v[i]));
		if (!n)
			continue;
		size_t k = rotate(pos, n), left = k;
		for (size_t i = 0; i < src[o].n; i++) {
			entry *e = src[o].v[i];
			if (match(e, r, value, date) && want(e) && left-- == 0) {
				c.e = e;
				break;
			}
		}
		c.origin = o;
		c.k = k;
		c.n = n;
		return c;
	}
	return c;
}

/* ---------------------------------------------------------- placeholders */

typedef struct vars {
	char weeks[16], week[16], weeks_left[16], weekday[16];
	const char *circle;
} vars;

/* Copies s with {{weeks}}, {{week}}, {{weeks_left}}, {{circle}} and
 * {{weekday}} filled in; anything else in braces stays as written and is
 * reported once per file. NULL stays NULL. */
static char *fill(const char *s, const vars *v, const char *file, strv *w, int *reported)
{
	if (!s)
		return NULL;
	if (!strstr(s, "{{"))
		return wol_strfmt("%s", s);
	wol_buf b;
	wol_buf_init(&b);
	while (*s) {
		const char *open = strstr(s, "{{");
		if (!open) {
			wol_buf_puts(&b, s);
			break;
		}
		wol_buf_put(&b, s, (size_t)(open - s));
		const char *close = strstr(open + 2, "}}");
		const char *name = open + 2;
		size_t n = close ? (size_t)(close - name) : 0;
		while (n && name[0] == ' ')
			name++, n--;
		while (n && name[n - 1] == ' ')
			n--;
		const char *val = NULL;
		if (close) {
			if (n == 5 && memcmp(name, "weeks", 5) == 0)
				val = v->weeks;
			else if (n == 4 && memcmp(name, "week", 4) == 0)
				val = v->week;
			else if (n == 10 && memcmp(name, "weeks_left", 10) == 0)
				val = v->weeks_left;
			else if (n == 6 && memcmp(name, "circle", 6) == 0)
				val = v->circle;
			else if (n == 7 && memcmp(name, "weekday", 7) == 0)
				val = v->weekday;
		}
		if (val) {
			wol_buf_puts(&b, val);
			s = close + 2;
			continue;
		}
		if (!*reported) {
			*reported = 1;
			strv_push(w, wol_strfmt("wol: %s: %.*s is not a placeholder (left as written; use "
			                        "{{weeks}}, {{week}}, {{weeks_left}}, {{circle}} or {{weekday}})",
			                        file, close ? (int)(close + 2 - open) : 2, open));
		}
		wol_buf_put(&b, open, 2);
		s = open + 2;
	}
	if (b.oom) {
		wol_buf_free(&b);
		return NULL;
	}
	return wol_buf_detach(&b);
}

static int fill_strv(char **in, size_t n, char ***out, size_t *nout, const vars *v,
                     const char *file, strv *w, int *reported)
{
	*out = NULL;
	*nout = 0;
	if (!n)
		return 0;
	char **o = calloc(n, sizeof *o);
	if (!o)
		return WOL_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (!(o[i] = fill(in[i], v, file, w, reported))) {
			wol_strv_free(o, i);
			return WOL_ENOMEM;
		}
	}
	*out = o;
	*nout = n;
	return 0;
}

static int copy_strv(char **in, size_t n, char ***out, size_t *nout)
{
	*out = NULL;
	*nout = 0;
	if (!n)
		return 0;
	char **o = calloc(n, sizeof *o);
	if (!o)
		return WOL_ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (!(o[i] = wol_strfmt("%s", in[i]))) {
			wol_strv_free(o, i);
			return WOL_ENOMEM;
		}
	*out = o;
	*nout = n;
	return 0;
}

/* --------------------------------------------------------------- the day */

static int valid_date(wol_date d)
{
	return wol_date_valid(d.y, d.m, d.d);
}

/* "every tuesday (built-in)", "date 2026-03-17, 1 of 2 (your prompts)", ... */
static void describe(wol_buf *b, const choice *c, enum rule r, wol_date date, int week, int weeks)
{
	char ds[11];
	switch (r) {
	case RULE_DATE:
		wol_date_format(date, ds);
		wol_buf_printf(b, "date %s", ds);
		break;
	case RULE_WEEK:
		wol_buf_printf(b, "program week %d of %d", week, weeks);
		break;
	case RULE_WEEKDAY:
		wol_buf_printf(b, "every %s", wol_weekday_name(wol_date_weekday(date)));
		break;
	default:
		wol_buf_puts(b, "from the pool");
		break;
	}
	if (c->n > 1 || r == RULE_POOL)
		wol_buf_printf(b, ", %zu of %zu", c->k + 1, c->n);
	wol_buf_printf(b, " (%s)", origin_label[c->origin]);
}

/* Where the circle and its program come from: opts, else the default
 * circle's circle.md. */
static int find_program(wol_ctx *ctx, const wol_prompt_opts *opts, char **circle_dir,
                        program *pg, strv *w, wol_error *err)
{
	memset(pg, 0, sizeof *pg);
	pg->md.weeks = WOL_CIRCLE_WEEKS;
	pg->md.meets = -1;
	*circle_dir = NULL;
	if (opts->circle_dir && *opts->circle_dir) {
		*circle_dir = wol_strfmt("%s", opts->circle_dir);
	} else {
		char **names = NULL;
		size_t n = 0;
		wol_error cerr;
		const char *name = NULL;
		if (wol_ctx_circles(ctx, &names, &n, &cerr) == 0 && n > 0) {
			if (wol_ctx_circle(ctx, NULL, &name, &cerr) == 0)
				*circle_dir = wol_ctx_circle_path(ctx, name);
			else
				strv_push(w, wol_strfmt("%s (circle prompts not used)", cerr.msg));
		}
		wol_strv_free(names, n);
	}
	if (opts->has_program &&
	    (!valid_date(opts->started) || opts->weeks < 1 || opts->weeks > WEEK_MAX)) {
		free(*circle_dir);
		*circle_dir = NULL;
		return wol_error_set(err, WOL_EINVAL,
		                     "prompt: a circle program needs a valid start date and 1..%d weeks",
		                     WEEK_MAX);
	}
	if (*circle_dir) {
		int rc = wol_circle_md_read(*circle_dir, &pg->md, err);
		if (rc) {
			free(*circle_dir);
			*circle_dir = NULL;
			return rc;
		}
		for (size_t i = 0; i < pg->md.nwarnings; i++)
			strv_push(w, wol_strfmt("%s", pg->md.warnings[i]));
		pg->name = pg->md.name ? wol_strfmt("%s", pg->md.name) : dir_name(*circle_dir);
	}
	if (opts->has_program) {
		pg->md.started = opts->started;
		pg->md.weeks = opts->weeks;
	}
	pg->has = pg->md.started.y != 0;
	return 0;
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
	char *circle_dir = NULL;
	program pg;
	int rc = find_program(ctx, opts, &circle_dir, &pg, &w, err);
	if (rc) {
		strv_clear(&w);
		return rc;
	}
	int week = wol_circle_md_week(&pg.md, date);

	entries src[FROM_COUNT] = {{0}};
	pcache *cache = get_cache(ctx);
	char *user_dir = wol_strfmt("%s/prompts", wol_ctx_home(ctx));
	char *cdir = circle_dir ? wol_strfmt("%s/prompts", circle_dir) : NULL;
	if (!cache || !user_dir || (circle_dir && !cdir))
		rc = WOL_ENOMEM;
	if (!rc)
		rc = load_dir(cache, user_dir, 0, &src[FROM_USER], &w);
	if (!rc && cdir)
		rc = load_dir(cache, cdir, 1, &src[FROM_CIRCLE], &w);
	if (!rc)
		rc = load_builtins(cache, &src[FROM_BUILTIN], &w);
	free(cdir);
	if (rc) {
		for (int o = 0; o < FROM_COUNT; o++)
			entries_free(&src[o]);
		free(user_dir);
		free(circle_dir);
		free(pg.name);
		wol_circle_md_free(&pg.md);
		strv_clear(&w);
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	/* week prompts beyond the program's length can never apply: say so */
	if (pg.has) {
		for (int o = FROM_USER; o < FROM_BUILTIN; o++)
			for (size_t i = 0; i < src[o].n; i++)
				if (src[o].v[i]->rule == RULE_WEEK && src[o].v[i]->value > pg.md.weeks)
					warn(&w, src[o].v[i]->source, src[o].v[i]->line,
					     "week: %d is out of range (the circle program has %d weeks)",
					     src[o].v[i]->value, pg.md.weeks);
	}

	long days = wol_date_to_days(date);
	long k = week_number(days);
	int wd = wol_date_weekday(date);
	wol_buf why;
	wol_buf_init(&why);
	choice theme = {0}, focus = {0}, chal = {0}, refl = {0};
	choice dated = choose(src, FROM_USER, FROM_BUILTIN, RULE_DATE, 0, date, want_any, days);
	if (dated.e) {
		theme = chal = refl = dated;
		describe(&why, &dated, RULE_DATE, date, week, pg.md.weeks);
	} else {
		theme = choose(src, FROM_USER, FROM_BUILTIN, RULE_WEEKDAY, wd, date, want_any, k);
		if (week > 0) {
			focus = choose(src, FROM_USER, FROM_CIRCLE, RULE_WEEK, week, date, want_any, k);
			if (!focus.e) {
				int arc = 0;
				for (size_t i = 0; i < src[FROM_BUILTIN].n; i++)
					if (src[FROM_BUILTIN].v[i]->rule == RULE_WEEK &&
					    src[FROM_BUILTIN].v[i]->value > arc)
						arc = src[FROM_BUILTIN].v[i]->value;
				focus = choose(src, FROM_BUILTIN, FROM_BUILTIN, RULE_WEEK,
				               arc_step(week, pg.md.weeks, arc), date, want_any, k);
			}
		}
		long ordinal;
		int pday = pool_day(k, wd, &ordinal);
		choice own = choose(src, FROM_USER, FROM_BUILTIN, RULE_WEEKDAY, wd, date, want_challenge, k);
		choice pool = choose(src, FROM_USER, FROM_BUILTIN, RULE_POOL, 0, date, want_challenge, ordinal);
		/* the pool on its days, unless the weekday's own challenge comes
		 * from a source that ranks higher than the pool's */
		chal = own;
		if (pool.e && (!own.e || (pday && pool.origin <= own.origin)))
			chal = pool;
		if (chal.e && want_questions(chal.e))
			refl = chal;
		else
			refl = choose(src, FROM_USER, FROM_BUILTIN, RULE_WEEKDAY, wd, date, want_questions, k);
		if (!theme.e)
			theme = chal;
		if (theme.e)
			describe(&why, &theme, theme.e->rule, date, week, pg.md.weeks);
		if (chal.e && chal.e != theme.e) {
			wol_buf_puts(&why, "; challenge ");
			describe(&why, &chal, chal.e->rule, date, week, pg.md.weeks);
		}
		if (focus.e) {
			wol_buf_puts(&why, "; focus ");
			describe(&why, &focus, RULE_WEEK, date, week, pg.md.weeks);
		}
	}

	if (!theme.e) {
		rc = wol_error_set(err, WOL_ENOTFOUND, "prompt: no prompt applies to this date");
	} else {
		vars v;
		snprintf(v.weeks, sizeof v.weeks, "%d", pg.md.weeks);
		snprintf(v.week, sizeof v.week, "%d", week);
		snprintf(v.weeks_left, sizeof v.weeks_left, "%d", pg.md.weeks - week);
		snprintf(v.weekday, sizeof v.weekday, "%s", wol_weekday_name(wd));
		v.weekday[0] = (char)toupper((unsigned char)v.weekday[0]);
		v.circle = pg.name ? pg.name : "your circle";
		int bad[4] = {0, 0, 0, 0}; /* placeholder reported for theme, focus, challenge, reflect */
		entry *te = theme.e, *fe = focus.e, *ce = chal.e, *re = refl.e;
		/* one report per file */
		int *rep_c = ce == te ? &bad[0] : &bad[2];
		int *rep_r = re == te ? &bad[0] : re == ce ? rep_c : &bad[3];
		out->title = fill(te->p.title, &v, te->source, &w, &bad[0]);
		out->text = fill(te->p.text, &v, te->source, &w, &bad[0]);
		int mem = !out->title || !out->text;
		mem |= copy_strv(te->p.tags, te->p.ntags, &out->tags, &out->ntags) != 0;
		out->theme_source = wol_strfmt("%s", te->source);
		mem |= !out->theme_source;
		if (fe) {
			out->focus_title = fill(fe->p.title, &v, fe->source, &w, &bad[1]);
			out->focus_text = fill(fe->p.challenge, &v, fe->source, &w, &bad[1]);
			mem |= fill_strv(fe->p.questions, fe->p.nquestions, &out->focus_questions,
			                 &out->nfocus_questions, &v, fe->source, &w, &bad[1]) != 0;
			out->focus_source = wol_strfmt("%s", fe->source);
			mem |= !out->focus_title || !out->focus_text || !out->focus_source;
		}
		if (ce && !want_challenge(ce))
			ce = NULL; /* a date-specific prompt without one: the layer is empty */
		if (re && !want_questions(re))
			re = NULL;
		if (ce) {
			out->challenge_title = fill(ce->p.title, &v, ce->source, &w, rep_c);
			out->challenge = fill(ce->p.challenge, &v, ce->source, &w, rep_c);
			out->challenge_source = wol_strfmt("%s", ce->source);
			mem |= !out->challenge_title || !out->challenge || !out->challenge_source;
		} else {
			out->challenge_title = wol_strndup("", 0);
			out->challenge = wol_strndup("", 0);
			mem |= !out->challenge_title || !out->challenge;
		}
		if (re) {
			mem |= fill_strv(re->p.questions, re->p.nquestions, &out->questions, &out->nquestions,
			                 &v, re->source, &w, rep_r) != 0;
			out->reflect_source = wol_strfmt("%s", re->source);
			mem |= !out->reflect_source;
		}
		out->dated = dated.e != NULL;
		out->date = date;
		out->week = week;
		out->weeks = pg.has ? pg.md.weeks : 0;
		out->reason = wol_buf_detach(&why);
		if (mem || !out->reason)
			rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	wol_buf_free(&why);
	for (int o = 0; o < FROM_COUNT; o++)
		entries_free(&src[o]);
	free(user_dir);
	free(circle_dir);
	free(pg.name);
	wol_circle_md_free(&pg.md);
	out->warnings = w.v;
	out->nwarnings = w.n;
	if (rc)
		wol_prompt_free(out);
	return rc;
}
