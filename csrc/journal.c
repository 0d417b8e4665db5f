/* journal.c - private daily entries: templates, quick log lines, streaks */
#include "wol.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define LOCK_WAIT_MS 10000
#define TEMPLATE_MAX_BYTES ((size_t)1024 * 1024)

/* The built-in template. Lines whose variables all come out empty are left
 * out (so no "## " when there is no prompt). */
static const char builtin_template[] = "# {{weekday}}, {{date}}\n"
                                       "\n"
                                       "*Circle week {{circle.week}} of {{circle.weeks}}*\n"
                                       "\n"
                                       "## {{prompt.title}}\n"
                                       "\n"
                                       "> {{prompt.challenge}}\n"
                                       "\n"
                                       "{{prompt.questions}}\n";

static const char *const month_names[] = {"January", "February", "March",     "April",
                                          "May",     "June",     "July",      "August",
                                          "September", "October", "November", "December"};

/* ------------------------------------------------------------ paths */

char *wol_journal_path(const wol_ctx *ctx, wol_date date)
{
	char d[11];
	wol_date_format(date, d);
	return wol_strfmt("%s/journal/%.4s/%s.md", wol_ctx_home(ctx), d, d);
}

/* Creates $WOL_HOME/journal/YYYY (0700 each) and returns the lock path. */
static int make_dirs(wol_ctx *ctx, wol_date date, char **lockpath, wol_error *err)
{
	char rel[32];
	snprintf(rel, sizeof rel, "journal/%04d", date.y);
	char *jdir = NULL;
	int rc = wol_ctx_mkdir(ctx, "journal", 0700, &jdir, err);
	if (rc == 0)
		rc = wol_ctx_mkdir(ctx, rel, 0700, NULL, err);
	if (rc == 0 && lockpath) {
		*lockpath = wol_strfmt("%s/.lock", jdir);
		if (!*lockpath)
			rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	free(jdir);
	return rc; /* a file where the journal should be is WOL_EINVAL (wol_fs_mkdirs) */
}

/* ------------------------------------------------------- template vars */

typedef struct tvars {
	char date[11];
	char weekday[16];
	char year[8], month[4], day[4];
	const char *month_name;
	char *title, *challenge;
	char **questions;
	size_t nquestions;
	char week[16], weeks[16];
	const char *handle;
} tvars;

static void tvars_free(tvars *v)
{
	free(v->title);
	free(v->challenge);
	wol_strv_free(v->questions, v->nquestions);
}

/* The day's prompt for the template variables (csrc/prompt.c). A prompt
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

static int is_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isspace((unsigned char)s[i]))
			return 0;
	return 1;
}

/* Expands a template body: lines whose variables are all empty are left
 * out, and so is a blank line that would then follow another blank one. */
static void expand_body(wol_buf *out, const tvars *v, const char *s)
{
	int dropped = 0, last_blank = 1;
	while (*s) {
		const char *eol = strchr(s, '\n');
		size_t n = eol ? (size_t)(eol - s) : strlen(s);
		if (is_blank(s, n)) {
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
	if (*p == '#') {
		const char *h = p;
		while (h < e && *h == '#')
			h++;
		if (h - p <= 6 && (h == e || *h == ' ' || *h == '\t'))
			return 0;
	}
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

/* Offset of the first byte of line `line` (1-based) in text. */
static size_t line_offset(const char *text, size_t len, int line)
{
	size_t off = 0;
	for (int l = 1; l < line && off < len; off++)
		if (text[off] == '\n')
			l++;
	return off;
}

int wol_journal_written(const char *text, size_t len)
{
	wol_doc doc;
	if (wol_doc_parse(text, len, NULL, &doc, NULL) != 0)
		return body_written(text, len, NULL); /* unreadable front matter: all of it is text */
	size_t off = line_offset(text, len, doc.body_line);
	const char *prints = wol_yaml_str(doc.meta, "template");
	int w = body_written(text + off, len - off, prints && *prints ? prints : NULL);
	wol_doc_free(&doc);
	return w;
}

/* ------------------------------------------------------------ template */

int wol_journal_template(wol_ctx *ctx, wol_date date, char **out, size_t *len, char **warning,
                         wol_error *err)
{
	*out = NULL;
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
	if (rc == 0 && prints)
		rc = wol_yaml_set_str(doc.meta, "template", prints);
	if (rc == 0 && body.oom)
		rc = WOL_ENOMEM;
	if (rc)
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
	else
		rc = wol_doc_render(&doc, out, len, err);
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

/* ------------------------------------------------------ open and write */

/* Reads the entry at path: WOL_ENOTFOUND when missing. */
static int read_entry(const char *path, char **text, size_t *len, mode_t *mode, wol_error *err)
{
	struct stat st;
	if (lstat(path, &st) != 0) {
		int e = errno;
		return wol_error_set(err, e == ENOENT ? WOL_ENOTFOUND : WOL_EIO, "%s: %s", path,
		                     strerror(e));
	}
	if (!S_ISREG(st.st_mode))
		return wol_error_set(err, WOL_EINVAL, "%s: not a regular file (left alone)", path);
	if (mode)
		*mode = st.st_mode & 0777;
	return wol_fs_read(path, WOL_JOURNAL_MAX_BYTES, 1, text, len, err);
}

/* Removes the temp files a killed writer of `path` left behind (written
 * by wol_fs_write_atomic as ".<name>.tmp-<pid>-<n>" next to it). Every
 * writer of an entry holds the journal lock, so with the lock held no temp
 * file of that entry is in use. */
static void sweep_temps(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return;
	char *dir = wol_strndup(path, (size_t)(slash - path));
	char *prefix = wol_strfmt(".%s.tmp-", slash + 1);
	DIR *d = dir && prefix ? opendir(dir) : NULL;
	if (d) {
		struct dirent *de;
		size_t n = strlen(prefix);
		while ((de = readdir(d)) != NULL) {
			if (strncmp(de->d_name, prefix, n) != 0)
				continue;
			char *p = wol_strfmt("%s/%s", dir, de->d_name);
			if (p)
				unlink(p);
			free(p);
		}
		closedir(d);
	}
	free(dir);
	free(prefix);
}

/* Creates the entry from the template unless it exists; the caller holds
 * the lock. */
static int create_locked(wol_ctx *ctx, wol_date date, const char *path, int *created,
                         char **warning, wol_error *err)
{
	struct stat st;
	if (lstat(path, &st) == 0) {
		if (!S_ISREG(st.st_mode))
			return wol_error_set(err, WOL_EINVAL, "%s: not a regular file (left alone)", path);
		if (access(path, R_OK | W_OK) != 0) {
			int e = errno;
			return wol_error_set(err, WOL_EIO, "%s: %s", path, strerror(e));
		}
		return 0;
	}
	char *text = NULL;
	size_t len = 0;
	int rc = wol_journal_template(ctx, date, &text, &len, warning, err);
	if (rc == 0)
		rc = wol_fs_write_atomic(path, text, len, 0600, err);
	free(text);
	if (rc == 0 && created)
		*created = 1;
	return rc;
}

int wol_journal_open(wol_ctx *ctx, wol_date date, char **path, int *created, char **warning,
                     wol_error *err)
{
	*path = NULL;
	if (created)
		*created = 0;
	if (warning)
		*warning = NULL;
	if (!wol_date_valid(date.y, date.m, date.d))
		return wol_error_set(err, WOL_EINVAL, "journal: not a valid date");
	char *p = wol_journal_path(ctx, date);
	if (!p)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	/* an entry that exists needs nothing written (entries are made by an
	 * atomic rename, so one seen here is whole): it opens without the lock,
	 * also from a read-only $WOL_HOME */
	struct stat st;
	if (lstat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, R_OK) == 0) {
		if (access(p, W_OK) != 0 && warning) {
			int e = errno;
			*warning = wol_strfmt("wol: journal: %s cannot be written (%s): it opens to read",
			                      p, strerror(e));
		}
		*path = p;
		return 0;
	}
	char *lockpath = NULL;
	int rc = make_dirs(ctx, date, &lockpath, err);
	if (rc) {
		free(p);
		return rc;
	}
	wol_lock lk;
	rc = wol_lock_acquire(&lk, lockpath, LOCK_WAIT_MS, err);
	if (rc == 0) {
		rc = create_locked(ctx, date, p, created, warning, err);
		wol_lock_release(&lk);
	}
	free(lockpath);
	if (rc)
		free(p);
	else
		*path = p;
	return rc;
}

/* Is the line [s, s+n) a Markdown heading? Returns its level
 * (0: not a heading) and points *t, *tn at its text. */
static int heading_level(const char *s, size_t n, const char **t, size_t *tn)
{
	size_t i = 0;
	while (i < n && i < 3 && s[i] == ' ')
		i++;
	size_t h = i;
	while (h < n && s[h] == '#')
		h++;
	int level = (int)(h - i);
	if (level < 1 || level > 6 || (h < n && s[h] != ' ' && s[h] != '\t'))
		return 0;
	const char *p = s + h, *e = s + n;
	while (p < e && isspace((unsigned char)*p))
		p++;
	while (e > p && (isspace((unsigned char)e[-1]) || e[-1] == '#'))
		e--;
	*t = p;
	*tn = (size_t)(e - p);
	return level;
}

/* Builds the new body: the log item inserted at the end of the "## Log"
 * section (added at the end when missing). */
static int insert_log(wol_buf *out, const char *body, size_t len, const char *item)
{
	/* find "## Log" and the end of its section */
	size_t sec = (size_t)-1, last_text_end = 0, sec_end = len;
	size_t s = 0;
	while (s < len) {
		const char *eol = memchr(body + s, '\n', len - s);
		size_t e = eol ? (size_t)(eol - body) : len;
		size_t next = eol ? e + 1 : len;
		const char *t;
		size_t tn;
		int lv = heading_level(body + s, e - s, &t, &tn);
		if (sec == (size_t)-1) {
			if (lv == 2 && tn == 3 && strncasecmp(t, "log", 3) == 0) {
				sec = s;
				last_text_end = next;
			}
		} else if (lv >= 1 && lv <= 2) {
			sec_end = s;
			break;
		} else if (!is_blank(body + s, e - s)) {
			last_text_end = next;
		}
		s = next;
	}
	if (sec == (size_t)-1) {
		wol_buf_put(out, body, len);
		if (len && body[len - 1] != '\n')
			wol_buf_puts(out, "\n");
		if (len && !(len >= 2 && body[len - 1] == '\n' && body[len - 2] == '\n') &&
		    !is_blank(body, len))
			wol_buf_puts(out, "\n");
		wol_buf_puts(out, "## Log\n\n");
		wol_buf_puts(out, item);
		return out->oom ? WOL_ENOMEM : 0;
	}
	/* last_text_end: just after the heading or the section's last text line */
	wol_buf_put(out, body, last_text_end);
	if (last_text_end && body[last_text_end - 1] != '\n')
		wol_buf_puts(out, "\n");
	const char *hl_end = memchr(body + sec, '\n', len - sec);
	size_t after_heading = hl_end ? (size_t)(hl_end - body) + 1 : len;
	if (last_text_end == after_heading)
		wol_buf_puts(out, "\n"); /* empty section: a blank line under the heading */
	wol_buf_puts(out, item);
	if (last_text_end < sec_end) {
		wol_buf_put(out, body + last_text_end, len - last_text_end);
	} else if (sec_end < len) {
		wol_buf_puts(out, "\n"); /* a blank line before the next heading */
		wol_buf_put(out, body + sec_end, len - sec_end);
	}
	return out->oom ? WOL_ENOMEM : 0;
}

static int make_item(wol_buf *b, const char *hhmm, const char *text,
                     const wol_journal_log_opts *o, wol_error *err)
{
	size_t tlen = text ? strlen(text) : 0;
	while (tlen && (text[tlen - 1] == '\n' || text[tlen - 1] == '\r' || text[tlen - 1] == ' '))
		tlen--;
	size_t start = 0;
	while (start < tlen && (text[start] == ' ' || text[start] == '\n' || text[start] == '\r'))
		start++;
	if (start == tlen && o->nquote == 0)
		return wol_error_set(err, WOL_EINVAL, "log: nothing to log (give some text)");
	if (text && !wol_utf8_valid(text, strlen(text)))
		return wol_error_set(err, WOL_EINVAL, "log: the text is not valid UTF-8");
	for (size_t i = 0; i < o->nquote; i++)
		if (!o->quote[i] || !wol_utf8_valid(o->quote[i], strlen(o->quote[i])))
			return wol_error_set(err, WOL_EINVAL, "log: quoted line %zu is not valid UTF-8",
			                     i + 1);
	wol_buf_printf(b, "- %s", hhmm);
	if (start < tlen) {
		wol_buf_puts(b, " ");
		const char *s = text + start, *e = text + tlen;
		while (s < e) {
			const char *nl = memchr(s, '\n', (size_t)(e - s));
			size_t n = nl ? (size_t)(nl - s) : (size_t)(e - s);
			if (n && s[n - 1] == '\r')
				n--;
			if (s != text + start)
				wol_buf_puts(b, n ? "  " : "");
			wol_buf_put(b, s, n);
			wol_buf_puts(b, "\n");
			s = nl ? nl + 1 : e;
		}
	} else {
		wol_buf_puts(b, "\n");
	}
	for (size_t i = 0; i < o->nquote; i++) {
		const char *q = o->quote[i];
		size_t n = strlen(q);
		while (n && (q[n - 1] == '\r' || q[n - 1] == '\n'))
			n--;
		wol_buf_puts(b, n ? "  > " : "  >");
		wol_buf_put(b, q, n);
		wol_buf_puts(b, "\n");
	}
	return b->oom ? wol_error_set(err, WOL_ENOMEM, "out of memory") : 0;
}

/* Whether text without front matter still reads back as all body. */
static int starts_front_matter_safe(const char *text, size_t len)
{
	wol_doc doc;
	wol_error err;
	if (wol_doc_parse(text, len, "entry", &doc, &err) != 0)
		return 0;
	int same = doc.body_line == 1 && strlen(doc.body) == len;
	wol_doc_free(&doc);
	return same;
}

int wol_journal_log(wol_ctx *ctx, wol_date date, const char *text,
                    const wol_journal_log_opts *opts, char **path, char **warning, wol_error *err)
{
	if (path)
		*path = NULL;
	if (warning)
		*warning = NULL;
	wol_journal_log_opts none = {0};
	const wol_journal_log_opts *o = opts ? opts : &none;
	if (!wol_date_valid(date.y, date.m, date.d))
		return wol_error_set(err, WOL_EINVAL, "journal: not a valid date");
	char hhmm[8];
	if (o->time) {
		if (!wol_time_valid(o->time))
			return wol_error_set(err, WOL_EINVAL, "log: time '%s' is not HH:MM", o->time);
		snprintf(hhmm, sizeof hhmm, "%s", o->time);
	} else {
		time_t now = time(NULL);
		struct tm tm;
		localtime_r(&now, &tm);
		snprintf(hhmm, sizeof hhmm, "%02d:%02d", tm.tm_hour % 24, tm.tm_min % 60);
	}
	wol_buf item;
	wol_buf_init(&item);
	int rc = make_item(&item, hhmm, text, o, err);
	if (rc) {
		wol_buf_free(&item);
		return rc;
	}
	char *lockpath = NULL, *p = NULL, *old = NULL;
	size_t oldlen = 0;
	mode_t mode = 0600;
	wol_buf out;
	wol_buf_init(&out);
	wol_lock lk = {-1};
	rc = make_dirs(ctx, date, &lockpath, err);
	if (rc)
		goto done;
	p = wol_journal_path(ctx, date);
	if (!p) {
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		goto done;
	}
	rc = wol_lock_acquire(&lk, lockpath, LOCK_WAIT_MS, err);
	if (rc)
		goto done;
	sweep_temps(p);
	rc = read_entry(p, &old, &oldlen, &mode, err);
	if (rc == WOL_ENOTFOUND) {
		rc = wol_journal_template(ctx, date, &old, &oldlen, warning, err);
		mode = 0600;
	}
	if (rc)
		goto done;
	if (memchr(old, '\0', oldlen)) {
		rc = wol_error_set(err, WOL_EINVAL, "%s: holds NUL bytes; not appending to it", p);
		goto done;
	}
	wol_doc doc;
	rc = wol_doc_parse(old, oldlen, p, &doc, err);
	if (rc)
		goto done; /* unreadable front matter: say so, write nothing */
	size_t off = line_offset(old, oldlen, doc.body_line);
	wol_doc_free(&doc);
	/* the front matter is kept byte for byte; only the body changes */
	wol_buf_put(&out, old, off);
	if (off > 0 && old[off - 1] != '\n')
		wol_buf_puts(&out, "\n"); /* closing '---' at the very end, no newline */
	if (insert_log(&out, old + off, oldlen - off, item.ptr) != 0 || out.oom) {
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		goto done;
	}
	if (off == 0 && !starts_front_matter_safe(out.ptr, out.len)) {
		/* an entry without front matter whose text now begins like one
		 * ("---" then the new section) would read back differently:
		 * give it an empty front matter so the text stays text */
		wol_buf fixed;
		wol_buf_init(&fixed);
		wol_buf_puts(&fixed, "---\n---\n");
		wol_buf_put(&fixed, out.ptr, out.len);
		if (fixed.oom) {
			wol_buf_free(&fixed);
			rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
			goto done;
		}
		wol_buf_free(&out);
		out = fixed;
	}
	rc = wol_fs_write_atomic(p, out.ptr, out.len, mode, err);
done:
	wol_lock_release(&lk);
	if (rc == 0 && path) {
		*path = p;
		p = NULL;
	}
	free(p);
	free(lockpath);
	free(old);
	wol_buf_free(&out);
	wol_buf_free(&item);
	return rc;
}

/* ------------------------------------------------------------- listing */

static int entry_push(wol_journal_entries *l, wol_date d, char *path)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		wol_journal_entry *items = realloc(l->items, cap * sizeof *items);
		if (!items)
			return WOL_ENOMEM;
		l->items = items;
		l->cap = cap;
	}
	wol_journal_entry *e = &l->items[l->n++];
	memset(e, 0, sizeof *e);
	e->date = d;
	e->path = path;
	return 0;
}

static void warn_push(wol_journal_entries *l, const char *msg)
{
	char **w = realloc(l->warnings, (l->nwarnings + 1) * sizeof *w);
	if (!w)
		return;
	l->warnings = w;
	w[l->nwarnings] = wol_strfmt("%s", msg);
	if (w[l->nwarnings])
		l->nwarnings++;
}

static int cmp_newest(const void *a, const void *b)
{
	long x = wol_date_to_days(((const wol_journal_entry *)a)->date);
	long y = wol_date_to_days(((const wol_journal_entry *)b)->date);
	return x < y ? 1 : x > y ? -1 : 0;
}

/* An entry file name YYYY-MM-DD.md inside year directory `year`: 0 and *d, else -1. */
static int entry_name(const char *name, const char *year, wol_date *d)
{
	if (strlen(name) != 13 || strcmp(name + 10, ".md") != 0 || strncmp(name, year, 4) != 0)
		return -1;
	char s[11];
	memcpy(s, name, 10);
	s[10] = '\0';
	wol_date today = {1970, 1, 1};
	return wol_date_parse(s, today, d, NULL) == 0 && s[0] != '+' && s[0] != '-' ? 0 : -1;
}

static void read_one(wol_journal_entry *e, wol_journal_entries *l)
{
	char *text = NULL;
	size_t len = 0;
	wol_error err;
	if (read_entry(e->path, &text, &len, NULL, &err) != 0) {
		warn_push(l, err.msg);
		e->title = wol_strfmt("%s", "");
		return;
	}
	e->size = len;
	e->written = wol_journal_written(text, len);
	wol_doc doc;
	size_t off = 0;
	if (wol_doc_parse(text, len, e->path, &doc, NULL) == 0) {
		off = line_offset(text, len, doc.body_line);
		wol_doc_free(&doc);
	}
	const char *s = text + off, *end = text + len;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
		if (!is_blank(s, n)) {
			while (n && isspace((unsigned char)s[n - 1]))
				n--;
			if (n > 200)
				n = 200;
			e->title = wol_strndup(s, n);
			break;
		}
		s = nl ? nl + 1 : end;
	}
	if (!e->title)
		e->title = wol_strfmt("%s", "");
	free(text);
}

int wol_journal_list(wol_ctx *ctx, int read, wol_journal_entries *out, wol_error *err)
{
	memset(out, 0, sizeof *out);
	char *jdir = wol_strfmt("%s/journal", wol_ctx_home(ctx));
	if (!jdir)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	struct stat st;
	if (stat(jdir, &st) != 0) {
		int e = errno;
		free(jdir);
		if (e == ENOENT)
			return 0; /* no journal yet */
		return wol_error_set(err, WOL_EIO, "journal: %s", strerror(e));
	}
	if (!S_ISDIR(st.st_mode)) {
		int rc = wol_error_set(err, WOL_EINVAL, "journal: %s exists and is not a directory", jdir);
		free(jdir);
		return rc;
	}
	DIR *d = opendir(jdir);
	if (!d) {
		int e = errno;
		int rc = wol_error_set(err, WOL_EIO, "journal: %s: %s", jdir, strerror(e));
		free(jdir);
		return rc;
	}
	int rc = 0;
	struct dirent *de;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		const char *y = de->d_name;
		if (strlen(y) != 4 || !isdigit((unsigned char)y[0]) || !isdigit((unsigned char)y[1]) ||
		    !isdigit((unsigned char)y[2]) || !isdigit((unsigned char)y[3]))
			continue;
		char *ydir = wol_strfmt("%s/%s", jdir, y);
		DIR *yd = ydir ? opendir(ydir) : NULL;
		if (!yd) {
			free(ydir);
			continue;
		}
		struct dirent *fe;
		while ((fe = readdir(yd)) != NULL) {
			wol_date dt;
			if (entry_name(fe->d_name, y, &dt) != 0)
				continue;
			char *p = wol_strfmt("%s/%s", ydir, fe->d_name);
			if (!p || entry_push(out, dt, p) != 0) {
				free(p);
				rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
				break;
			}
		}
		closedir(yd);
		free(ydir);
	}
	closedir(d);
	free(jdir);
	if (rc) {
		wol_journal_entries_free(out);
		return rc;
	}
	if (out->n)
		qsort(out->items, out->n, sizeof *out->items, cmp_newest);
	if (read)
		for (size_t i = 0; i < out->n; i++)
			read_one(&out->items[i], out);
	return 0;
}

void wol_journal_entries_free(wol_journal_entries *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++) {
		free(l->items[i].path);
		free(l->items[i].title);
	}
	free(l->items);
	wol_strv_free(l->warnings, l->nwarnings);
	memset(l, 0, sizeof *l);
}

int wol_journal_adjacent(wol_ctx *ctx, wol_date date, int dir, wol_date *out, wol_error *err)
{
	wol_journal_entries l;
	int rc = wol_journal_list(ctx, 0, &l, err);
	if (rc)
		return rc;
	long day = wol_date_to_days(date), best = 0;
	int found = 0;
	for (size_t i = 0; i < l.n; i++) {
		long x = wol_date_to_days(l.items[i].date);
		if ((dir > 0 && x > day && (!found || x < best)) ||
		    (dir < 0 && x < day && (!found || x > best))) {
			best = x;
			found = 1;
		}
	}
	wol_journal_entries_free(&l);
	if (!found)
		return wol_error_set(err, WOL_ENOTFOUND, "journal: no %s entry",
		                     dir > 0 ? "later" : "earlier");
	*out = wol_date_from_days(best);
	return 0;
}

/* --------------------------------------------------------------- stats */

void wol_journal_stats_of(const wol_journal_entries *l, wol_date today, wol_journal_stats *s)
{
	memset(s, 0, sizeof *s);
	s->today = today;
	long t = wol_date_to_days(today);
	long week0 = t - wol_date_weekday(today);
	long month0 = t - (today.d - 1);
	long run = 0, prev = 0;
	int have_prev = 0;
	/* items are newest first: walk oldest first */
	for (size_t k = l->n; k-- > 0;) {
		const wol_journal_entry *e = &l->items[k];
		long x = wol_date_to_days(e->date);
		if (!e->written || x > t)
			continue;
		if (have_prev && x == prev)
			continue;
		run = have_prev && x == prev + 1 ? run + 1 : 1;
		prev = x;
		have_prev = 1;
		if (run > s->longest)
			s->longest = (int)run;
		s->total++;
		s->week += x >= week0;
		s->month += x >= month0;
		s->last = e->date;
	}
	if (have_prev && (prev == t || prev == t - 1))
		s->current = (int)run;
	s->today_written = have_prev && prev == t;
}

/* ------------------------------------------------------------ headings */

int wol_journal_heading(const char *text, size_t len, const char *question, int *line,
                        char **append, wol_error *err)
{
	*line = 0;
	*append = NULL;
	const char *q = question ? question : "";
	while (isspace((unsigned char)*q))
		q++;
	size_t qn = strlen(q);
	while (qn && isspace((unsigned char)q[qn - 1]))
		qn--;
	if (qn == 0 || memchr(q, '\n', qn))
		return wol_error_set(err, WOL_EINVAL, "journal: a question must be one non-empty line");
	int l = 1;
	size_t s = 0;
	while (s < len) {
		const char *nl = memchr(text + s, '\n', len - s);
		size_t e = nl ? (size_t)(nl - text) : len;
		const char *t;
		size_t tn;
		if (heading_level(text + s, e - s, &t, &tn) && tn == qn && strncasecmp(t, q, qn) == 0) {
			*line = l;
			return 0;
		}
		if (!nl)
			break;
		s = e + 1;
		l++;
	}
	/* lines in the text (a final line without '\n' counts) */
	int nlines = 0;
	for (size_t i = 0; i < len; i++)
		nlines += text[i] == '\n';
	if (len && text[len - 1] != '\n')
		nlines++;
	int last_blank = len == 0;
	if (len) {
		size_t e = len;
		if (text[e - 1] == '\n')
			e--;
		size_t b = e;
		while (b > 0 && text[b - 1] != '\n')
			b--;
		last_blank = is_blank(text + b, e - b);
	}
	*append = wol_strfmt("%s### %.*s\n", last_blank ? "" : "\n", (int)qn, q);
	if (!*append)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	*line = nlines + (last_blank ? 1 : 2);
	return 0;
}
