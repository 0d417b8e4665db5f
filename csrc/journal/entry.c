/* journal/entry.c - an entry on disk: its path, opening (created from the
 * template under the journal lock) and quick log lines */
#include "journal/journal_int.h"
#include "repo/private.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------ paths */

char *wol_journal_path(const wol_ctx *ctx, wol_date date)
{
	char d[11];
	wol_date_format(date, d);
	return wol_strfmt("%s/journal/%.4s/%s.md", wol_ctx_home(ctx), d, d);
}

/* An entry file name YYYY-MM-DD.md inside year directory `year`: 0 and *d, else -1. */
int wol_journal__entry_name(const char *name, const char *year, wol_date *d)
{
	if (strlen(name) != 13 || strcmp(name + 10, ".md") != 0 || strncmp(name, year, 4) != 0)
		return -1;
	char s[11];
	memcpy(s, name, 10);
	s[10] = '\0';
	wol_date today = {1970, 1, 1};
	return wol_date_parse(s, today, d, NULL) == 0 && s[0] != '+' && s[0] != '-' ? 0 : -1;
}

int wol_journal_date_of(const char *rel, wol_date *out)
{
	/* journal/<YYYY>/<YYYY-MM-DD>.md (wol_journal_path) */
	if (!rel || strncmp(rel, "journal/", 8) != 0)
		return -1;
	const char *y = rel + 8, *slash = strchr(y, '/');
	if (!slash || slash - y != 4)
		return -1;
	char year[5];
	memcpy(year, y, 4);
	year[4] = '\0';
	return wol_journal__entry_name(slash + 1, year, out);
}

char *wol_journal__lock_path(const wol_ctx *ctx)
{
	return wol_strfmt("%s/journal/.lock", wol_ctx_home(ctx));
}

/* Creates $WOL_HOME/journal/YYYY (0700 each) and returns the lock path. */
int wol_journal__make_dirs(wol_ctx *ctx, wol_date date, char **lockpath, wol_error *err)
{
	char rel[32];
	snprintf(rel, sizeof rel, "journal/%04d", date.y);
	char *jdir = NULL;
	int rc = wol_ctx_mkdir(ctx, "journal", 0700, &jdir, err);
	if (rc == 0)
		rc = wol_ctx_mkdir(ctx, rel, 0700, NULL, err);
	if (rc == 0 && lockpath) {
		*lockpath = wol_journal__lock_path(ctx);
		if (!*lockpath)
			rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	free(jdir);
	return rc; /* a file where the journal should be is WOL_EINVAL (wol_fs_mkdirs) */
}

/* ------------------------------------------------------ open and write */

/* Reads the entry at path: WOL_ENOTFOUND when missing. */
int wol_journal__read_entry(const char *path, char **text, size_t *len, mode_t *mode,
                            wol_error *err)
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

int wol_journal__new_entry(wol_ctx *ctx, wol_date date, const char *path, char **text,
                           size_t *len, char **warning, wol_error *err)
{
	char *prints = NULL;
	int rc = wol_journal__template(ctx, date, text, len, &prints, warning, err);
	if (rc)
		return rc;
	/* the fingerprints first: an entry is never there without them (a
	 * killed writer may leave them without the entry, which is harmless) */
	char *pp = wol_journal__prints_path(path);
	if (!pp) {
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
	} else if (prints) {
		rc = wol_ctx_mkdir(ctx, "journal/.template", 0700, NULL, err);
		if (rc == 0) {
			wol_fs_remove_temps(pp);
			char *line = wol_strfmt("%s\n", prints);
			rc = line ? wol_fs_write_atomic(pp, line, strlen(line), 0600, err)
			          : wol_error_set(err, WOL_ENOMEM, "out of memory");
			free(line);
		}
	} else {
		unlink(pp); /* a template without text lines: none to keep */
	}
	free(pp);
	free(prints);
	if (rc) {
		free(*text);
		*text = NULL;
		if (warning) {
			free(*warning);
			*warning = NULL;
		}
	}
	return rc;
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
	int rc = wol_journal__new_entry(ctx, date, path, &text, &len, warning, err);
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
	int rc = wol_journal__make_dirs(ctx, date, &lockpath, err);
	if (rc) {
		free(p);
		return rc;
	}
	wol_lock lk;
	int made = 0;
	rc = wol_lock_acquire(&lk, lockpath, WOL_JOURNAL_LOCK_WAIT_MS, err);
	if (rc == 0) {
		rc = create_locked(ctx, date, p, &made, warning, err);
		wol_lock_release(&lk);
	}
	free(lockpath);
	if (rc) {
		free(p);
		return rc;
	}
	*path = p;
	if (created)
		*created = made;
	if (made)
		wol_private__wrote(ctx, warning);
	return 0;
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
		int lv = wol_md_heading(body + s, e - s, &t, &tn);
		if (sec == (size_t)-1) {
			if (lv == 2 && tn == 3 && strncasecmp(t, "log", 3) == 0) {
				sec = s;
				last_text_end = next;
			}
		} else if (lv >= 1 && lv <= 2) {
			sec_end = s;
			break;
		} else if (!wol_journal__is_blank(body + s, e - s)) {
			last_text_end = next;
		}
		s = next;
	}
	if (sec == (size_t)-1) {
		wol_buf_put(out, body, len);
		if (len && body[len - 1] != '\n')
			wol_buf_puts(out, "\n");
		if (len && !(len >= 2 && body[len - 1] == '\n' && body[len - 2] == '\n') &&
		    !wol_journal__is_blank(body, len))
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
	rc = wol_journal__make_dirs(ctx, date, &lockpath, err);
	if (rc)
		goto done;
	p = wol_journal_path(ctx, date);
	if (!p) {
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		goto done;
	}
	rc = wol_lock_acquire(&lk, lockpath, WOL_JOURNAL_LOCK_WAIT_MS, err);
	if (rc)
		goto done;
	wol_fs_remove_temps(p); /* every writer of an entry holds the journal lock */
	rc = wol_journal__read_entry(p, &old, &oldlen, &mode, err);
	if (rc == WOL_ENOTFOUND) {
		rc = wol_journal__new_entry(ctx, date, p, &old, &oldlen, warning, err);
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
	size_t off = wol_journal__line_offset(old, oldlen, doc.body_line);
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
	if (rc == 0)
		wol_private__wrote(ctx, warning); /* the lock is free again */
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
