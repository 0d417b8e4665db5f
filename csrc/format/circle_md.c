/* circle_md.c - circle.md and members/<handle>.md: rendering them for a
 * new circle or member, and reading them back. */
#include "repo/circle_priv.h"

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

/* Removes a directory tree we created (no symlinks followed). */
int wol_circle_info_get(wol_circle *c, wol_circle_info *out, wol_error *err)
{
	memset(out, 0, sizeof *out);
	out->meets = -1;
	out->weeks = WOL_CIRCLE_WEEKS;
	char *text = NULL;
	size_t len;
	wol_error rerr;
	int rc = wol_circle__read(c, "circle.md", 1024 * 1024, &text, &len, &rerr);
	wol_doc doc = {0};
	wol_buf warn;
	wol_buf_init(&warn);
	char **warnings = calloc(8, sizeof *warnings);
	size_t nw = 0;
	if (!warnings)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	if (rc == 0 && wol_doc_parse(text, len, "circle.md", &doc, &rerr) == 0) {
		const char *v;
		if ((v = wol_yaml_str(doc.meta, "name")) && *v)
			out->name = wol_strfmt("%s", v);
		if ((v = wol_yaml_str(doc.meta, "started"))) {
			wol_date d;
			if (wol_date_parse(v, c->today, &d, NULL) == 0)
				out->started = d;
			else if (nw < 8)
				warnings[nw++] = wol_strfmt("wol: circle.md: started: '%s' is not a date", v);
		}
		if ((v = wol_yaml_str(doc.meta, "meets"))) {
			out->meets = wol_weekday_parse(v);
			if (out->meets < 0 && nw < 8)
				warnings[nw++] = wol_strfmt("wol: circle.md: meets: '%s' is not a weekday", v);
		}
		if ((v = wol_yaml_str(doc.meta, "weeks"))) {
			int w = atoi(v);
			if (w > 0 && w <= 520)
				out->weeks = w;
			else if (nw < 8)
				warnings[nw++] = wol_strfmt("wol: circle.md: weeks: '%s' is not a number", v);
		}
		if ((v = wol_yaml_str(doc.meta, "format")))
			out->format = atoi(v);
		if (out->format > WOL_FORMAT_VERSION && nw < 8)
			warnings[nw++] = wol_strfmt(
			    "wol: circle.md: format %d is newer than this wol.nvim (%d); update the plugin",
			    out->format, WOL_FORMAT_VERSION);
		wol_doc_free(&doc);
	} else if (nw < 8) {
		warnings[nw++] = wol_strfmt("%s", rerr.msg);
	}
	free(text);
	wol_buf_free(&warn);
	out->warnings = warnings;
	out->nwarnings = nw;
	if (!out->name)
		out->name = wol_strfmt("%s", c->name);
	git_remote *remote = NULL;
	if (git_remote_lookup(&remote, c->repo, "origin") == 0) {
		const char *u = git_remote_url(remote);
		out->remote = u ? wol_url_redact(u) : NULL;
		git_remote_free(remote);
	}
	git_error_clear();
	git_reference *hr = NULL;
	if (git_reference_lookup(&hr, c->repo, "HEAD") == 0 &&
	    git_reference_type(hr) == GIT_REFERENCE_SYMBOLIC) {
		const char *t = git_reference_symbolic_target(hr);
		out->branch = wol_strfmt("%s", strncmp(t, "refs/heads/", 11) == 0 ? t + 11 : t);
	}
	git_reference_free(hr);
	git_error_clear();
	rc = wol_circle_ahead(c, &out->ahead, err);
	if (rc)
		wol_circle_info_free(out);
	return rc;
}

void wol_circle_info_free(wol_circle_info *info)
{
	if (!info)
		return;
	free(info->name);
	free(info->remote);
	free(info->branch);
	wol_strv_free(info->warnings, info->nwarnings);
	memset(info, 0, sizeof *info);
}

static int cmp_member(const void *a, const void *b)
{
	return strcmp(((const wol_member *)a)->handle, ((const wol_member *)b)->handle);
}

static int count_words(const char *s)
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

int wol_circle_members(wol_circle *c, wol_member **out, size_t *n, wol_error *err)
{
	*out = NULL;
	*n = 0;
	char *dir = wol_strfmt("%s/members", c->path);
	if (!dir)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	struct stat st;
	if (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		free(dir);
		return 0;
	}
	DIR *d = opendir(dir);
	free(dir);
	if (!d)
		return 0;
	wol_member *v = NULL;
	size_t cnt = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);
		if (l < 4 || strcmp(de->d_name + l - 3, ".md") != 0)
			continue;
		char handle[WOL_HANDLE_MAX + 8];
		if (l - 3 >= sizeof handle)
			continue;
		memcpy(handle, de->d_name, l - 3);
		handle[l - 3] = '\0';
		if (!wol_name_valid(handle))
			continue;
		char *rel = wol_strfmt("members/%s", de->d_name);
		char *text = NULL;
		size_t len;
		int rrc = rel ? wol_circle__read(c, rel, 256 * 1024, &text, &len, NULL) : -1;
		free(rel);
		if (rrc != 0)
			continue;
		if (cnt == cap) {
			cap = cap ? cap * 2 : 8;
			wol_member *nv = realloc(v, cap * sizeof *nv);
			if (!nv) {
				free(text);
				break;
			}
			v = nv;
		}
		wol_member *m = &v[cnt++];
		memset(m, 0, sizeof *m);
		m->handle = wol_strfmt("%s", handle);
		wol_doc doc;
		wol_error perr;
		if (wol_doc_parse(text, len, de->d_name, &doc, &perr) == 0) {
			const char *s;
			m->name = (s = wol_yaml_str(doc.meta, "name")) ? wol_strfmt("%s", s) : NULL;
			m->goal = (s = wol_yaml_str(doc.meta, "goal")) ? wol_strfmt("%s", s) : NULL;
			m->joined = (s = wol_yaml_str(doc.meta, "joined")) ? wol_strfmt("%s", s) : NULL;
			wol_doc_free(&doc);
		} else {
			m->warning = wol_strfmt("%s", perr.msg);
		}
		if (!m->name)
			m->name = wol_strfmt("%s", handle);
		if (m->goal) {
			m->goal_words = count_words(m->goal);
			if (m->goal_words > WOL_GOAL_WORDS && !m->warning)
				m->warning = wol_strfmt("wol: members/%s.md: the goal has %d words; WOL goals "
				                        "are short (%d words at most)",
				                        handle, m->goal_words, WOL_GOAL_WORDS);
		}
		free(text);
	}
	closedir(d);
	if (cnt)
		qsort(v, cnt, sizeof *v, cmp_member);
	*out = v;
	*n = cnt;
	return 0;
}

void wol_members_free(wol_member *m, size_t n)
{
	for (size_t i = 0; m && i < n; i++) {
		free(m[i].handle);
		free(m[i].name);
		free(m[i].goal);
		free(m[i].joined);
		free(m[i].warning);
	}
	free(m);
}
