/* people/person.c - one person's file: names and slugs, reading the front
 * matter and the contribution lines, finding a person by name. */
#include "people/people_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

char *wol_people__dir(const wol_ctx *ctx)
{
	return wol_strfmt("%s/people", wol_ctx_home(ctx));
}

int wol_people__lock(wol_ctx *ctx, wol_lock *lk, char **dir, wol_error *err)
{
	lk->fd = -1;
	*dir = NULL;
	int rc = wol_ctx_mkdir(ctx, "people", 0700, dir, err);
	if (rc)
		return rc;
	char *lockpath = wol_strfmt("%s/.lock", *dir);
	if (!lockpath)
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
	else
		rc = wol_lock_acquire(lk, lockpath, WOL_PEOPLE_LOCK_WAIT_MS, err);
	free(lockpath);
	if (rc) {
		free(*dir);
		*dir = NULL;
	}
	return rc;
}

/* ------------------------------------------------------------ text rules */

int wol_people_check_name(const char *name, wol_error *err)
{
	if (!name)
		return wol_error_set(err, WOL_EINVAL, "person: no name given");
	int rc = wol_text_check("person: name", name, WOL_PERSON_NAME_MAX, 0, err);
	if (rc)
		return rc;
	const char *s = name;
	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s)
		return wol_error_set(err, WOL_EINVAL, "person: the name is empty");
	if (strchr(name, '/') || strchr(name, '\\'))
		return wol_error_set(err, WOL_EINVAL,
		                     "person: '%s' looks like a path (a name has no '/' or '\\')", name);
	return 0;
}

/* ------------------------------------------------- case and slug folding */

/* One character of s (n bytes left): its length, never 0 (a byte that is
 * not UTF-8 stands for itself). */
static size_t utf8_next(const char *s, size_t n, unsigned *cp)
{
	size_t k = wol_utf8_next(s, n, cp);
	if (k == 0) {
		*cp = (unsigned char)s[0];
		k = 1;
	}
	return k;
}

/* Lower case of Latin, Greek and Cyrillic capitals (the case a name's
 * comparison ignores); other characters as they are. */
static unsigned fold_case(unsigned c)
{
	if (c >= 'A' && c <= 'Z')
		return c + 32;
	if (c >= 0xC0 && c <= 0xDE && c != 0xD7)
		return c + 32;
	if ((c >= 0x100 && c <= 0x137) || (c >= 0x14A && c <= 0x177))
		return c | 1;
	if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E))
		return (c & 1) ? c + 1 : c;
	if (c == 0x178)
		return 0xFF;
	if ((c >= 0x391 && c <= 0x3A9 && c != 0x3A2) || (c >= 0x410 && c <= 0x42F))
		return c + 32;
	if (c >= 0x400 && c <= 0x40F)
		return c + 80;
	return c;
}

int wol_people__same(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b), i = 0, j = 0;
	while (i < na && j < nb) {
		unsigned ca, cb;
		i += utf8_next(a + i, na - i, &ca);
		j += utf8_next(b + j, nb - j, &cb);
		if (fold_case(ca) != fold_case(cb))
			return 0;
	}
	return i == na && j == nb;
}

/* How a Latin letter with a diacritic (U+00C0..U+017F) is written in a
 * slug; "" for the two signs in that range. */
static const char *const latin_ascii[] = {
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i", "d",
	"n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "ss", "a", "a",
	"a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i", "d", "n", "o",
	"o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "y", "a", "a", "a", "a", "a",
	"a", "c", "c", "c", "c", "c", "c", "c", "c", "d", "d", "d", "d", "e", "e", "e", "e", "e",
	"e", "e", "e", "e", "e", "g", "g", "g", "g", "g", "g", "g", "g", "h", "h", "h", "h", "i",
	"i", "i", "i", "i", "i", "i", "i", "i", "i", "ij", "ij", "j", "j", "k", "k", "k", "l",
	"l", "l", "l", "l", "l", "l", "l", "l", "l", "n", "n", "n", "n", "n", "n", "n", "n", "n",
	"o", "o", "o", "o", "o", "o", "oe", "oe", "r", "r", "r", "r", "r", "r", "s", "s", "s",
	"s", "s", "s", "s", "s", "t", "t", "t", "t", "t", "t", "u", "u", "u", "u", "u", "u", "u",
	"u", "u", "u", "u", "u", "w", "w", "y", "y", "y", "z", "z", "z", "z", "z", "z", "s",
};

void wol_people__base_slug(const char *name, char *buf, size_t size)
{
	/* accented Latin letters become their plain letters first, so "José
	 * Núñez" is jose-nunez; anything else non-ASCII separates words */
	wol_buf b;
	wol_buf_init(&b);
	size_t len = strlen(name);
	for (size_t i = 0; i < len;) {
		unsigned c;
		size_t n = utf8_next(name + i, len - i, &c);
		if (c >= 0xC0 && c <= 0x17F && latin_ascii[c - 0xC0][0])
			wol_buf_puts(&b, latin_ascii[c - 0xC0]);
		else
			wol_buf_put(&b, name + i, n);
		i += n;
	}
	if (b.oom || wol_slug(b.ptr ? b.ptr : "", buf, size, 48) == 0)
		snprintf(buf, size, "person");
	wol_buf_free(&b);
}

int wol_people__file_slug(const char *fname, char *buf, size_t size)
{
	size_t l = strlen(fname);
	if (fname[0] == '.' || l < 4 || strcmp(fname + l - 3, ".md") != 0 || l - 3 >= size)
		return 0;
	memcpy(buf, fname, l - 3);
	buf[l - 3] = '\0';
	return 1;
}

/* ---------------------------------------------------------- contributions */

static int digits(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

int wol_people__contrib_line(const char *s, size_t n, char date[11], char time[6],
                             const char **text, size_t *tn)
{
	/* "- YYYY-MM-DD HH:MM " is 19 bytes, then at least one of text */
	if (n < 20 || s[0] != '-' || s[1] != ' ' || s[18] != ' ')
		return 0;
	const char *d = s + 2, *t = s + 13;
	if (!digits(d, 4) || d[4] != '-' || !digits(d + 5, 2) || d[7] != '-' || !digits(d + 8, 2) ||
	    d[10] != ' ' || !digits(t, 2) || t[2] != ':' || !digits(t + 3, 2))
		return 0;
	int y = atoi(d), m = (d[5] - '0') * 10 + (d[6] - '0'), dd = (d[8] - '0') * 10 + (d[9] - '0');
	int hh = (t[0] - '0') * 10 + (t[1] - '0'), mm = (t[3] - '0') * 10 + (t[4] - '0');
	if (!wol_date_valid(y, m, dd) || hh > 23 || mm > 59)
		return 0;
	memcpy(date, d, 10);
	date[10] = '\0';
	memcpy(time, t, 5);
	time[5] = '\0';
	*text = s + 19;
	*tn = n - 19;
	while (*tn && ((*text)[*tn - 1] == '\r' || (*text)[*tn - 1] == ' '))
		(*tn)--;
	return 1;
}

static int add_contrib(wol_person *p, const char *date, const char *time, const char *what,
                       size_t wn, int line)
{
	if (p->ncontribs % 16 == 0) {
		wol_contribution *nv = realloc(p->contribs, (p->ncontribs + 16) * sizeof *nv);
		if (!nv)
			return -1;
		p->contribs = nv;
	}
	wol_contribution *c = &p->contribs[p->ncontribs];
	memset(c, 0, sizeof *c);
	memcpy(c->date, date, 11);
	memcpy(c->time, time, 6);
	c->kind = "give";
	c->line = line;
	c->what = wol_strndup(what, wn);
	if (!c->what)
		return -1;
	p->ncontribs++;
	return 0;
}

void wol_people__count(wol_person *p, const char *date, wol_date today)
{
	char todays[11], mondays[11];
	wol_date_format(today, todays);
	wol_date_format(wol_date_add(today, -wol_date_weekday(today)), mondays);
	p->count++;
	if (strcmp(date, todays) <= 0) {
		if (strcmp(date, p->last) > 0)
			memcpy(p->last, date, 11);
		if (strcmp(date, mondays) >= 0)
			p->week++;
	}
}

/* Counts (and with `detail` keeps) the contribution lines of a body. */
static int scan_body(wol_person *p, const char *body, int line0, wol_date today, int detail)
{
	int line = line0;
	for (const char *s = body; *s; line++) {
		const char *e = strchr(s, '\n');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		char date[11], time[6];
		const char *what;
		size_t wn;
		if (n >= 20 && s[0] == '-' && wol_people__contrib_line(s, n, date, time, &what, &wn)) {
			wol_people__count(p, date, today);
			if (detail && add_contrib(p, date, time, what, wn, line))
				return -1;
		}
		if (!e)
			break;
		s = e + 1;
	}
	return 0;
}

static int cmp_contrib(const void *pa, const void *pb)
{
	const wol_contribution *a = pa, *b = pb;
	int c = strcmp(a->date, b->date);
	if (!c)
		c = strcmp(a->time, b->time);
	if (!c)
		c = a->line - b->line;
	if (!c && a->path && b->path)
		c = strcmp(a->path, b->path);
	return c;
}

void wol_people__settle(wol_person *p, wol_date today, int stale_days)
{
	wol_date since;
	const char *from = p->last[0] ? p->last : p->added;
	p->days = -1;
	if (from[0] && wol_date_parse(from, today, &since, NULL) == 0) {
		p->days = wol_date_diff(today, since);
		if (p->days < 0)
			p->days = 0;
	}
	p->stale = p->days < 0 || p->days >= stale_days;
	if (p->ncontribs > 1)
		qsort(p->contribs, p->ncontribs, sizeof *p->contribs, cmp_contrib);
}

/* ----------------------------------------------------------------- reading */

static char **scalars(const wol_yaml *y, size_t *n)
{
	*n = 0;
	if (!y)
		return NULL;
	size_t cnt = y->kind == WOL_YAML_SEQ ? y->n : 1;
	char **v = calloc(cnt ? cnt : 1, sizeof *v);
	if (!v)
		return NULL;
	if (y->kind == WOL_YAML_SCALAR) {
		if (!y->value[0]) {
			free(v);
			return NULL;
		}
		v[(*n)++] = wol_strfmt("%s", y->value);
	} else if (y->kind == WOL_YAML_SEQ) {
		for (size_t i = 0; i < y->n; i++)
			if (y->items[i]->kind == WOL_YAML_SCALAR && y->items[i]->value[0])
				v[(*n)++] = wol_strfmt("%s", y->items[i]->value);
	}
	return v;
}

static void warn(wol_person *p, const char *fmt, const char *a, const char *b)
{
	if (p->warning)
		return; /* the first problem is the one shown */
	p->warning = wol_strfmt(fmt, a, b);
}

static void read_meta(wol_person *p, const wol_yaml *meta, const char *rel)
{
	const char *s;
	if ((s = wol_yaml_str(meta, "name")) && *s)
		p->name = wol_strfmt("%s", s);
	else
		warn(p, "wol: %s: no name in the front matter%s", rel, "");
	if ((s = wol_yaml_str(meta, "relation")) && *s)
		p->relation = wol_strfmt("%s", s);
	if ((s = wol_yaml_str(meta, "closeness"))) {
		if (s[0] >= '0' && s[0] <= '5' && s[1] == '\0')
			p->closeness = s[0] - '0';
		else
			warn(p, "wol: %s: closeness '%s' is not a number from 0 to 5", rel, s);
	}
	if ((s = wol_yaml_str(meta, "handle")) && *s) {
		if (wol_name_valid(s))
			p->handle = wol_strfmt("%s", s);
		else
			warn(p, "wol: %s: handle '%s' is not a member handle", rel, s);
	}
	if ((s = wol_yaml_str(meta, "added")) && *s) {
		if (strlen(s) == 10 && digits(s, 4) && s[4] == '-' && digits(s + 5, 2) && s[7] == '-' &&
		    digits(s + 8, 2) && wol_date_valid(atoi(s), atoi(s + 5), atoi(s + 8)))
			memcpy(p->added, s, 11);
		else
			warn(p, "wol: %s: added '%s' is not a date (YYYY-MM-DD)", rel, s);
	}
	p->circles = scalars(wol_yaml_get(meta, "circles"), &p->ncircles);
	p->tags = scalars(wol_yaml_get(meta, "tags"), &p->ntags);
}

int wol_people__read(const char *dir, const char *slug, wol_date today, int stale_days,
                     int detail, wol_person *p, wol_error *err)
{
	memset(p, 0, sizeof *p);
	p->closeness = -1;
	p->days = -1;
	p->detail = detail;
	p->slug = wol_strfmt("%s", slug);
	p->path = wol_strfmt("%s/%s.md", dir, slug);
	char rel[300];
	snprintf(rel, sizeof rel, "people/%s.md", slug);
	if (!p->slug || !p->path) {
		wol_person_free(p);
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	char *text = NULL;
	size_t len = 0;
	int rc = wol_fs_read(p->path, WOL_PERSON_MAX_BYTES, 1, &text, &len, err);
	if (rc) {
		wol_person_free(p);
		return rc;
	}
	wol_doc doc;
	wol_error perr;
	const char *body = text;
	int line0 = 1;
	int parsed = memchr(text, '\0', len) == NULL &&
	             wol_doc_parse(text, len, rel, &doc, &perr) == 0;
	if (!parsed) {
		p->broken = 1;
		if (memchr(text, '\0', len))
			p->warning = wol_strfmt("wol: %s: holds NUL bytes (fix the file; wol leaves it alone)",
			                        rel);
		else
			p->warning = wol_strfmt("%s (fix the front matter; wol leaves the file alone)",
			                        perr.msg);
	} else {
		read_meta(p, doc.meta, rel);
		body = doc.body;
		line0 = doc.body_line;
	}
	if (!p->name)
		p->name = wol_strfmt("%s", slug);
	/* a broken file still shows its contribution lines (read, never written) */
	int mem = !p->name || (!memchr(text, '\0', len) && scan_body(p, body, line0, today, detail));
	if (parsed)
		wol_doc_free(&doc);
	free(text);
	if (mem) {
		wol_person_free(p);
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	wol_people__settle(p, today, stale_days);
	return 0;
}

static char **copy_strv(char *const *v, size_t n, int *bad)
{
	if (!n)
		return NULL;
	char **out = calloc(n, sizeof *out);
	for (size_t i = 0; out && i < n; i++)
		if (!(out[i] = wol_strdup(v[i])))
			*bad = 1;
	if (!out)
		*bad = 1;
	return out;
}

static char *copy_str(const char *s, int *bad)
{
	char *c = wol_strdup(s); /* every list drawn copies each field: no printf */
	if (s && !c)
		*bad = 1;
	return c;
}

int wol_people__copy(const wol_person *src, wol_person *dst)
{
	int bad = 0;
	*dst = *src;
	dst->contribs = NULL;
	dst->ncontribs = 0;
	dst->detail = 0;
	dst->slug = copy_str(src->slug, &bad);
	dst->path = copy_str(src->path, &bad);
	dst->name = copy_str(src->name, &bad);
	dst->relation = copy_str(src->relation, &bad);
	dst->handle = copy_str(src->handle, &bad);
	dst->warning = copy_str(src->warning, &bad);
	dst->circles = copy_strv(src->circles, src->ncircles, &bad);
	dst->tags = copy_strv(src->tags, src->ntags, &bad);
	if (bad) {
		wol_person_free(dst);
		return WOL_ENOMEM;
	}
	return 0;
}

void wol_person_free(wol_person *p)
{
	if (!p)
		return;
	free(p->slug);
	free(p->path);
	free(p->name);
	free(p->relation);
	free(p->handle);
	wol_strv_free(p->circles, p->ncircles);
	wol_strv_free(p->tags, p->ntags);
	for (size_t i = 0; i < p->ncontribs; i++) {
		free(p->contribs[i].what);
		free(p->contribs[i].circle);
		free(p->contribs[i].path);
	}
	free(p->contribs);
	free(p->warning);
	memset(p, 0, sizeof *p);
}
