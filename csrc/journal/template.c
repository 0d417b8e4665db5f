/* journal/template.c - the template of a new entry: variables, expansion, and
 * the fingerprints that tell text written beyond the template (kept next to
 * the year folders, out of the entry) */
#include "journal/journal_int.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEMPLATE_MAX_BYTES ((size_t)1024 * 1024)

/* The built-in template. Lines whose variables all come out empty are left
 * out (so no "## " when there is no prompt). */
static const char builtin_template[] = "# {{weekday}}, {{date}}\n"
                                       "\n"
                                       "*Circle week {{circle.week}} of {{circle.weeks}}: "
                                       "{{prompt.focus}}*\n"
                                       "\n"
                                       "> {{prompt.focus_text}}\n"
                                       "\n"
                                       "## {{prompt.title}}\n"
                                       "\n"
                                       "> {{prompt.challenge}}\n"
                                       "\n"
                                       "{{prompt.questions}}\n";

static const char *const month_names[] = {"January", "February", "March",     "April",
                                          "May",     "June",     "July",      "August",
                                          "September", "October", "November", "December"};

/* ------------------------------------------------------- template vars */

typedef struct tvars {
	char date[11];
	char weekday[16];
	char year[8], month[4], day[4];
	const char *month_name;
	char *title, *challenge;
	char *focus, *focus_text; /* the program focus of the week (NULL outside it) */
	char **questions;
	size_t nquestions;
	char week[16], weeks[16];
	const char *handle;
} tvars;

static void tvars_free(tvars *v)
{
	free(v->title);
	free(v->challenge);
	free(v->focus);
	free(v->focus_text);
	wol_strv_free(v->questions, v->nquestions);
}

/* The day's prompt for the template variables (csrc/prompt/). A prompt
 * that cannot be chosen leaves them empty: the journal never depends on
 * it, and *warning says why. Skipped prompt files are passed on too. */
static int load_prompt(wol_ctx *ctx, wol_date date, tvars *v, char **warning)
{
	wol_prompt p;
	wol_error err;
	if (wol_prompt_get(ctx, date, NULL, &p, &err) != 0) {
		*warning = wol_strfmt("%s (the entry has no prompt)", err.msg);
		return 0;
	}
	v->title = p.title ? wol_strfmt("%s", p.title) : NULL;
	v->challenge = p.challenge ? wol_strfmt("%s", p.challenge) : NULL;
	v->focus = p.focus_title ? wol_strfmt("%s", p.focus_title) : NULL;
	v->focus_text = p.focus_text ? wol_strfmt("%s", p.focus_text) : NULL;
	if (p.nquestions) {
		v->questions = calloc(p.nquestions, sizeof *v->questions);
		for (size_t i = 0; v->questions && i < p.nquestions; i++) {
			v->questions[v->nquestions] = wol_strfmt("%s", p.questions[i]);
			if (v->questions[v->nquestions])
				v->nquestions++;
		}
	}
	if (p.week > 0) {
		snprintf(v->week, sizeof v->week, "%d", p.week);
		snprintf(v->weeks, sizeof v->weeks, "%d", p.weeks);
	}
	if (p.nwarnings) {
		wol_buf b;
		wol_buf_init(&b);
		for (size_t i = 0; i < p.nwarnings; i++)
			wol_buf_printf(&b, "%s%s", i ? "\n" : "", p.warnings[i]);
		*warning = wol_buf_detach(&b);
	}
	wol_prompt_free(&p);
	return 0;
}

static int tvars_init(wol_ctx *ctx, wol_date date, tvars *v, char **warning)
{
	memset(v, 0, sizeof *v);
	wol_date_format(date, v->date);
	snprintf(v->weekday, sizeof v->weekday, "%s", wol_weekday_name(wol_date_weekday(date)));
	v->weekday[0] = (char)toupper((unsigned char)v->weekday[0]);
	snprintf(v->year, sizeof v->year, "%04d", date.y);
	snprintf(v->month, sizeof v->month, "%02d", date.m);
	snprintf(v->day, sizeof v->day, "%02d", date.d);
	v->month_name = month_names[date.m - 1];
	const wol_identity *id = wol_ctx_identity(ctx);
	v->handle = id->handle;
	return load_prompt(ctx, date, v, warning);
}

/* Appends the value of variable `name` (n bytes) to b; returns 1 when the
 * name is known, 0 when not (nothing appended). *empty tells whether the
 * value was empty. `inline_` joins lists on one line (front matter). */
static int put_var(wol_buf *b, const tvars *v, const char *name, size_t n, int inline_,
                   int *empty)
{
#define IS(s) (n == sizeof(s) - 1 && memcmp(name, s, n) == 0)
	const char *val = NULL;
	if (IS("date"))
		val = v->date;
	else if (IS("weekday"))
		val = v->weekday;
	else if (IS("year"))
		val = v->year;
	else if (IS("month"))
		val = v->month;
	else if (IS("day"))
		val = v->day;
	else if (IS("month_name"))
		val = v->month_name;
	else if (IS("handle"))
		val = v->handle;
	else if (IS("prompt.title"))
		val = v->title ? v->title : "";
	else if (IS("prompt.challenge"))
		val = v->challenge ? v->challenge : "";
	else if (IS("prompt.focus"))
		val = v->focus ? v->focus : "";
	else if (IS("prompt.focus_text"))
		val = v->focus_text ? v->focus_text : "";
	else if (IS("circle.week"))
		val = v->week;
	else if (IS("circle.weeks"))
		val = v->weeks;
	else if (IS("prompt.questions")) {
		for (size_t i = 0; i < v->nquestions; i++) {
			if (inline_)
				wol_buf_printf(b, "%s%s", i ? " / " : "", v->questions[i]);
			else
				wol_buf_printf(b, "%s### %s\n", i ? "\n" : "", v->questions[i]);
		}
		*empty = v->nquestions == 0;
		return 1;
	} else
		return 0;
#undef IS
	*empty = val[0] == '\0';
	wol_buf_puts(b, val);
	return 1;
}

/* Expands the variables of one line (no '\n' inside). *drop is set when
 * the line had variables and all of them were empty. */
static void expand_line(wol_buf *b, const tvars *v, const char *s, size_t n, int inline_,
                        int *drop)
{
	int known = 0, nonempty = 0;
	size_t i = 0;
	while (i < n) {
		const char *open = NULL;
		for (size_t k = i; k + 1 < n; k++)
			if (s[k] == '{' && s[k + 1] == '{') {
				open = s + k;
				break;
			}
		const char *close = NULL;
		if (open)
			for (const char *c = open + 2; c + 1 < s + n; c++)
				if (c[0] == '}' && c[1] == '}') {
					close = c;
					break;
				}
		if (!open || !close) {
			wol_buf_put(b, s + i, n - i);
			break;
		}
		wol_buf_put(b, s + i, (size_t)(open - (s + i)));
		const char *ns = open + 2, *ne = close;
		while (ns < ne && isspace((unsigned char)*ns))
			ns++;
		while (ne > ns && isspace((unsigned char)ne[-1]))
			ne--;
		int empty = 0;
		if (put_var(b, v, ns, (size_t)(ne - ns), inline_, &empty)) {
			known++;
			nonempty += !empty;
		} else {
			wol_buf_put(b, open, (size_t)(close + 2 - open)); /* unknown: kept as written */
		}
		i = (size_t)(close + 2 - s);
	}
	*drop = known > 0 && nonempty == 0;
}

/* Expands a template body: lines whose variables are all empty are left
 * out, and so is a blank line that would then follow another blank one. */
static void expand_body(wol_buf *out, const tvars *v, const char *s)
{
	int dropped = 0, last_blank = 1;
	while (*s) {
		const char *eol = strchr(s, '\n');
		size_t n = eol ? (size_t)(eol - s) : strlen(s);
		if (wol_journal__is_blank(s, n)) {
			if (!(dropped && last_blank))
				wol_buf_puts(out, "\n");
			last_blank = 1;
		} else {
			wol_buf line;
			wol_buf_init(&line);
			int drop = 0;
			expand_line(&line, v, s, n, 0, &drop);
			if (drop) {
				dropped = 1;
			} else {
				if (line.len)
					wol_buf_put(out, line.ptr, line.len);
				/* a multi-line value already ends its last line */
				if (!(line.len && line.ptr[line.len - 1] == '\n'))
					wol_buf_puts(out, "\n");
				dropped = 0;
				last_blank = 0;
			}
			wol_buf_free(&line);
		}
		if (!eol)
			break;
		s = eol + 1;
	}
}

static int expand_meta(wol_yaml *y, const tvars *v)
{
	if (!y)
		return 0;
	if (y->kind == WOL_YAML_SCALAR) {
		if (!strstr(y->value, "{{"))
			return 0;
		wol_buf b;
		wol_buf_init(&b);
		int drop;
		expand_line(&b, v, y->value, strlen(y->value), 1, &drop);
		if (b.oom)
			return WOL_ENOMEM;
		char *s = wol_buf_detach(&b);
		if (!s)
			s = wol_strfmt("%s", "");
		if (!s)
			return WOL_ENOMEM;
		free(y->value);
		y->value = s;
		return 0;
	}
	for (size_t i = 0; i < y->n; i++)
		if (expand_meta(y->items[i], v))
			return WOL_ENOMEM;
	return 0;
}

/* ----------------------------------------------- "beyond the template" */

/* FNV-1a of a trimmed line, runs of spaces and tabs counted as one space
 * (so re-indenting or re-spacing a template line does not make it text). */
static uint32_t fnv1a(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == ' ' || c == '\t') {
			while (i + 1 < n && (s[i + 1] == ' ' || s[i + 1] == '\t'))
				i++;
			c = ' ';
		}
		h ^= c;
		h *= 16777619u;
	}
	return h;
}

/* Trims a line; returns 1 when it is text: not a heading, and holding a
 * letter, a digit or a non-ASCII byte (a bare "-" or ">" is not text). */
static int text_line(const char **s, size_t *n)
{
	const char *p = *s, *e = *s + *n;
	while (p < e && isspace((unsigned char)*p))
		p++;
	while (e > p && isspace((unsigned char)e[-1]))
		e--;
	*s = p;
	*n = (size_t)(e - p);
	if (p == e)
		return 0;
	const char *ht;
	size_t hn;
	if (wol_md_heading(p, (size_t)(e - p), &ht, &hn))
		return 0;
	for (const char *c = p; c < e; c++)
		if (isalnum((unsigned char)*c) || (unsigned char)*c >= 0x80)
			return 1;
	return 0;
}

/* "hhhhhhhh hhhhhhhh ..." for the distinct text lines of `body`. */
static char *fingerprints(const char *body)
{
	wol_buf b;
	wol_buf_init(&b);
	const char *s = body;
	while (*s) {
		const char *eol = strchr(s, '\n');
		size_t n = eol ? (size_t)(eol - s) : strlen(s);
		const char *t = s;
		size_t tn = n;
		if (text_line(&t, &tn)) {
			char hex[9];
			snprintf(hex, sizeof hex, "%08x", (unsigned)fnv1a(t, tn));
			if (!b.ptr || !strstr(b.ptr, hex))
				wol_buf_printf(&b, "%s%s", b.len ? " " : "", hex);
		}
		if (!eol)
			break;
		s = eol + 1;
	}
	if (b.len && !b.oom)
		return wol_buf_detach(&b);
	wol_buf_free(&b);
	return NULL;
}

static int body_written(const char *body, size_t len, const char *prints)
{
	const char *s = body, *end = body + len;
	while (s < end) {
		const char *eol = memchr(s, '\n', (size_t)(end - s));
		size_t n = eol ? (size_t)(eol - s) : (size_t)(end - s);
		const char *t = s;
		size_t tn = n;
		if (text_line(&t, &tn)) {
			if (!prints)
				return 1;
			char hex[9];
			snprintf(hex, sizeof hex, "%08x", (unsigned)fnv1a(t, tn));
			if (!strstr(prints, hex))
				return 1;
		}
		if (!eol)
			break;
		s = eol + 1;
	}
	return 0;
}

/* The fingerprints of an entry's template lines: kept out of the entry, in
 * $WOL_HOME/journal/.template/YYYY-MM-DD next to the year folders (written
 * when the entry is made from the template). NULL when there is none. */
char *wol_journal__prints_path(const char *entry)
{
	/* ".../journal/YYYY/YYYY-MM-DD.md" -> ".../journal/.template/YYYY-MM-DD" */
	size_t n = strlen(entry);
	if (n < 21 || strcmp(entry + n - 3, ".md") != 0 || entry[n - 14] != '/' || entry[n - 19] != '/')
		return NULL;
	return wol_strfmt("%.*s/.template/%.10s", (int)(n - 19), entry, entry + n - 13);
}

static char *read_prints(const char *entry)
{
	char *p = entry ? wol_journal__prints_path(entry) : NULL;
	char *text = NULL;
	size_t len = 0;
	wol_error err;
	if (p && wol_fs_read(p, 64 * 1024, 1, &text, &len, &err) != 0)
		text = NULL;
	free(p);
	if (text) {
		while (len && (text[len - 1] == '\n' || text[len - 1] == ' '))
			text[--len] = '\0';
		if (!len) {
			free(text);
			text = NULL;
		}
	}
	return text;
}

int wol_journal_entry_written(const char *path, const char *text, size_t len)
{
	wol_doc doc;
	if (wol_doc_parse(text, len, NULL, &doc, NULL) != 0)
		return body_written(text, len, NULL); /* unreadable front matter: all of it is text */
	size_t off = wol_journal__line_offset(text, len, doc.body_line);
	/* entries made before the fingerprints moved out keep them in the key
	 * `template` */
	const char *key = wol_yaml_str(doc.meta, "template");
	char *side = key && *key ? NULL : read_prints(path);
	const char *prints = key && *key ? key : side;
	int w = body_written(text + off, len - off, prints);
	free(side);
	wol_doc_free(&doc);
	return w;
}

int wol_journal_written(const char *text, size_t len)
{
	return wol_journal_entry_written(NULL, text, len);
}

/* ------------------------------------------------------------ template */

int wol_journal__template(wol_ctx *ctx, wol_date date, char **out, size_t *len, char **prints_out,
                          char **warning, wol_error *err)
{
	*out = NULL;
	if (prints_out)
		*prints_out = NULL;
	if (warning)
		*warning = NULL;
	char *tpath = wol_strfmt("%s/templates/journal.md", wol_ctx_home(ctx));
	if (!tpath)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	wol_doc tdoc = {0};
	int rc = 0;
	if (wol_fs_exists(tpath)) {
		char *text = NULL;
		size_t tlen = 0;
		rc = wol_fs_read(tpath, TEMPLATE_MAX_BYTES, 0, &text, &tlen, err);
		if (rc == 0 && !wol_utf8_valid(text, tlen))
			rc = wol_error_set(err, WOL_EINVAL, "%s: template is not valid UTF-8 text", tpath);
		if (rc == 0)
			rc = wol_doc_parse(text, tlen, tpath, &tdoc, err);
		free(text);
	} else {
		rc = wol_doc_parse(builtin_template, sizeof builtin_template - 1, "builtin:journal",
		                   &tdoc, err);
	}
	free(tpath);
	if (rc)
		return rc;

	tvars v;
	char *warn = NULL;
	tvars_init(ctx, date, &v, &warn);
	wol_buf body;
	wol_buf_init(&body);
	expand_body(&body, &v, tdoc.body);
	rc = expand_meta(tdoc.meta, &v);
	char *prints = body.ptr ? fingerprints(body.ptr) : NULL;
	wol_doc doc = {tdoc.meta, body.ptr ? body.ptr : (char *)"", 1};
	if (rc == 0)
		rc = wol_yaml_set_str(doc.meta, "date", v.date);
	if (rc == 0 && v.title && *v.title && !wol_yaml_get(doc.meta, "prompt"))
		rc = wol_yaml_set_str(doc.meta, "prompt", v.title);
	if (rc == 0 && !wol_yaml_get(doc.meta, "tags")) {
		wol_yaml *tags = wol_yaml_new(WOL_YAML_SEQ, NULL);
		rc = tags ? wol_yaml_set(doc.meta, "tags", tags) : WOL_ENOMEM;
	}
	if (rc == 0 && body.oom)
		rc = WOL_ENOMEM;
	if (rc)
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
	else
		rc = wol_doc_render(&doc, out, len, err);
	if (rc == 0 && prints_out) {
		*prints_out = prints;
		prints = NULL;
	}
	free(prints);
	wol_buf_free(&body);
	wol_doc_free(&tdoc);
	tvars_free(&v);
	if (warning)
		*warning = warn;
	else
		free(warn);
	return rc;
}

int wol_journal_template(wol_ctx *ctx, wol_date date, char **out, size_t *len, char **warning,
                         wol_error *err)
{
	return wol_journal__template(ctx, date, out, len, NULL, warning, err);
}
