/* format/circle_md.c - circle.md and members/<handle>.md: rendering them
 * for a new circle or member; circle.md is read here only
 * (wol_circle_md_read): one set of rules for every reader. repo/info.c
 * gives the clone's view (circle.md's fields, the remote, the members). */
#include "repo/circle_priv.h"
#include "format/circle_md.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------ documents */

static char *render(wol_yaml *meta, const char *body, size_t *len, wol_error *err)
{
	wol_doc doc = {meta, (char *)body, 0};
	char *out = NULL;
	if (wol_doc_render(&doc, &out, len, err) != 0)
		return NULL;
	return out;
}

char *wol_circle__member_doc(wol_circle *c, const char *goal, size_t *len, wol_error *err)
{
	wol_yaml *m = wol_yaml_new(WOL_YAML_MAP, NULL);
	char date[11];
	wol_date_format(c->today, date);
	if (!m || wol_yaml_set_str(m, "name", c->author) ||
	    (goal && *goal && wol_yaml_set_str(m, "goal", goal)) ||
	    wol_yaml_set_str(m, "joined", date)) {
		wol_yaml_free(m);
		wol_error_set(err, WOL_ENOMEM, "out of memory");
		return NULL;
	}
	char *body = wol_strfmt("\n# %s\n\nWhat I am working towards, and what I can offer the circle.\n",
	                        c->author);
	char *out = body ? render(m, body, len, err) : NULL;
	free(body);
	wol_yaml_free(m);
	return out;
}

char *wol_circle__circle_doc(const char *name, wol_date started, int meets, int weeks, size_t *len,
                        wol_error *err)
{
	wol_yaml *m = wol_yaml_new(WOL_YAML_MAP, NULL);
	char date[11], num[16], fmt[16];
	wol_date_format(started, date);
	snprintf(num, sizeof num, "%d", weeks);
	snprintf(fmt, sizeof fmt, "%d", WOL_FORMAT_VERSION);
	if (!m || wol_yaml_set_str(m, "name", name) || wol_yaml_set_str(m, "started", date) ||
	    wol_yaml_set_str(m, "meets", wol_weekday_name(meets)) ||
	    wol_yaml_set_str(m, "weeks", num) || wol_yaml_set_str(m, "format", fmt)) {
		wol_yaml_free(m);
		wol_error_set(err, WOL_ENOMEM, "out of memory");
		return NULL;
	}
	char *body = wol_strfmt(
	    "\n# %s\n\nA Working Out Loud circle. Members keep work-in-progress notes under\n"
	    "notes/<handle>/ and ask for help under questions/. See doc/format.md of\n"
	    "wol.nvim for the layout of this repository.\n",
	    name);
	char *out = body ? render(m, body, len, err) : NULL;
	free(body);
	wol_yaml_free(m);
	return out;
}

/* ------------------------------------------------------------ circle.md */

#define CIRCLE_MD_MAX (1024 * 1024)

static int md_warn(wol_circle_md *md, const char *label, const wol_yaml *y, const char *key,
                   const char *why, const char *instead)
{
	char **v = realloc(md->warnings, (md->nwarnings + 1) * sizeof *v);
	if (!v)
		return WOL_ENOMEM;
	md->warnings = v;
	const char *val = y && y->kind == WOL_YAML_SCALAR ? y->value : NULL;
	char *w;
	if (val)
		w = wol_strfmt("wol: %s:%d: %s: '%s' %s (%s)", label, y->line, key, val, why, instead);
	else
		w = wol_strfmt("wol: %s:%d: %s: %s (%s)", label, y ? y->line : 1, key, why, instead);
	if (!w)
		return WOL_ENOMEM;
	md->warnings[md->nwarnings++] = w;
	return 0;
}

/* A whole number written with digits only, at most `max`; -1 otherwise. */
static long md_number(const char *s, long max)
{
	if (!s || !*s)
		return -1;
	long v = 0;
	for (const char *c = s; *c; c++) {
		if (*c < '0' || *c > '9')
			return -1;
		v = v * 10 + (*c - '0');
		if (v > max)
			return -1;
	}
	return v;
}

static void md_defaults(wol_circle_md *md)
{
	memset(md, 0, sizeof *md);
	md->meets = -1;
	md->weeks = WOL_CIRCLE_WEEKS;
}

int wol_circle_md_parse(const char *text, size_t len, const char *label, wol_circle_md *out,
                        wol_error *err)
{
	md_defaults(out);
	wol_doc doc;
	wol_error perr;
	int rc = 0;
	if (wol_doc_parse(text, len, label, &doc, &perr) != 0) {
		if (perr.code == WOL_ENOMEM)
			return wol_error_set(err, WOL_ENOMEM, "out of memory");
		char **v = calloc(1, sizeof *v);
		if (!v || !(v[0] = wol_strfmt("%s (circle.md is not used)", perr.msg))) {
			free(v);
			return wol_error_set(err, WOL_ENOMEM, "out of memory");
		}
		out->warnings = v;
		out->nwarnings = 1;
		return 0;
	}
	const wol_yaml *y;
	char def[32];
	snprintf(def, sizeof def, "%d used", WOL_CIRCLE_WEEKS);
	if ((y = wol_yaml_get(doc.meta, "name"))) {
		if (y->kind != WOL_YAML_SCALAR)
			rc |= md_warn(out, label, y, "name", "must be a single value", "the folder name used");
		else if (*y->value && !(out->name = wol_strfmt("%s", y->value)))
			rc |= WOL_ENOMEM;
	}
	if ((y = wol_yaml_get(doc.meta, "goal"))) {
		if (y->kind != WOL_YAML_SCALAR)
			rc |= md_warn(out, label, y, "goal", "must be a single value", "no goal");
		else if (*y->value && !(out->goal = wol_strfmt("%s", y->value)))
			rc |= WOL_ENOMEM;
	}
	if ((y = wol_yaml_get(doc.meta, "started"))) {
		wol_date d;
		if (y->kind == WOL_YAML_SCALAR && strlen(y->value) == 10 &&
		    wol_date_parse(y->value, (wol_date){1970, 1, 1}, &d, NULL) == 0)
			out->started = d;
		else
			rc |= md_warn(out, label, y, "started", "is not a YYYY-MM-DD date", "no program");
	}
	if ((y = wol_yaml_get(doc.meta, "weeks"))) {
		long w = y->kind == WOL_YAML_SCALAR ? md_number(y->value, WOL_CIRCLE_WEEKS_MAX) : -1;
		if (w >= 1)
			out->weeks = (int)w;
		else {
			char why[64];
			snprintf(why, sizeof why, "is not a number of weeks from 1 to %d", WOL_CIRCLE_WEEKS_MAX);
			rc |= md_warn(out, label, y, "weeks", why, def);
		}
	}
	if ((y = wol_yaml_get(doc.meta, "meets"))) {
		out->meets = y->kind == WOL_YAML_SCALAR ? wol_weekday_parse(y->value) : -1;
		if (out->meets < 0)
			rc |= md_warn(out, label, y, "meets", "is not a weekday", "no meeting day");
	}
	if ((y = wol_yaml_get(doc.meta, "format"))) {
		long f = y->kind == WOL_YAML_SCALAR ? md_number(y->value, 1000000) : -1;
		if (f < 1) {
			rc |= md_warn(out, label, y, "format", "is not a format version", "read as format 1");
		} else {
			out->format = (int)f;
			if (f > WOL_FORMAT_VERSION) {
				char why[96];
				snprintf(why, sizeof why, "is newer than this wol.nvim (%d)", WOL_FORMAT_VERSION);
				rc |= md_warn(out, label, y, "format", why, "update the plugin");
			}
		}
	}
	wol_doc_free(&doc);
	if (rc) {
		wol_circle_md_free(out);
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	return 0;
}

int wol_circle_md_read(const char *dir, wol_circle_md *out, wol_error *err)
{
	md_defaults(out);
	char *path = wol_strfmt("%s/circle.md", dir);
	if (!path)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	char *text = NULL;
	size_t len = 0;
	wol_error rerr;
	int rc = 0;
	if (wol_fs_read(path, CIRCLE_MD_MAX, 1, &text, &len, &rerr) == 0) {
		rc = wol_circle_md_parse(text, len, path, out, err);
	} else if (rerr.code == WOL_ENOMEM) {
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
	} else if (rerr.code != WOL_ENOTFOUND) {
		out->warnings = calloc(1, sizeof *out->warnings);
		if (!out->warnings || !(out->warnings[0] = wol_strfmt("%s (circle.md is not used)", rerr.msg)))
			rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		else
			out->nwarnings = 1;
	}
	free(text);
	free(path);
	if (rc)
		wol_circle_md_free(out);
	return rc;
}

void wol_circle_md_free(wol_circle_md *md)
{
	if (!md)
		return;
	free(md->name);
	free(md->goal);
	wol_strv_free(md->warnings, md->nwarnings);
	md_defaults(md);
}

int wol_circle_md_week(const wol_circle_md *md, wol_date date)
{
	if (!md->started.y)
		return 0;
	long days = wol_date_diff(date, md->started);
	if (days < 0 || days >= (long)md->weeks * 7)
		return 0;
	return (int)(days / 7) + 1;
}

/* ------------------------------------------------------------ goals */

int wol_goal_words(const char *s)
{
	int n = 0, in = 0;
	for (; *s; s++) {
		int space = *s == ' ' || *s == '\t' || *s == '\n' || *s == '\r';
		if (!space && !in)
			n++;
		in = !space;
	}
	return n;
}

int wol_goal_check(const char *text, char **out, char **note, wol_error *err)
{
	*out = NULL;
	if (note)
		*note = NULL;
	if (!text)
		return wol_error_set(err, WOL_EINVAL, "goal: no text given");
	int rc = wol_text_check("goal", text, WOL_GOAL_MAX, 1, err);
	if (rc)
		return rc;
	/* one line: every run of blanks and line breaks becomes one space */
	wol_buf b;
	wol_buf_init(&b);
	int space = 0;
	for (const char *s = text; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
			space = 1;
			continue;
		}
		if (space && b.len)
			wol_buf_put(&b, " ", 1);
		space = 0;
		wol_buf_put(&b, s, 1);
	}
	if (b.oom) {
		wol_buf_free(&b);
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	if (!b.len) {
		wol_buf_free(&b);
		return wol_error_set(err, WOL_EINVAL,
		                     "goal: empty (say in a sentence what you are working towards)");
	}
	*out = wol_buf_detach(&b);
	if (!*out)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	int words = wol_goal_words(*out);
	if (note && words > WOL_GOAL_WORDS)
		*note = wol_strfmt("wol: goal saved; it has %d words, and a shorter goal (%d words or "
		                   "fewer) is easier to act on",
		                   words, WOL_GOAL_WORDS);
	return 0;
}
