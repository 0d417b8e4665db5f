/* repo/info.c - what a circle says about itself: circle.md (its program),
 * its remote and how far ahead of it the clone is, and members/<handle>.md
 * (format/circle_md.c renders these files). */
#include "repo/circle_priv.h"
#include "format/circle_md.h"
#include "repo/remote.h"

#include <dirent.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int wol_circle_info_get(wol_circle *c, wol_circle_info *out, wol_error *err)
{
	memset(out, 0, sizeof *out);
	wol_circle_md md;
	int rc = wol_circle_md_read(c->path, &md, err);
	if (rc)
		return rc;
	out->name = md.name ? md.name : wol_strfmt("%s", c->name);
	md.name = NULL;
	out->started = md.started;
	out->meets = md.meets;
	out->weeks = md.weeks;
	out->format = md.format;
	out->warnings = md.warnings;
	out->nwarnings = md.nwarnings;
	md.warnings = NULL;
	md.nwarnings = 0;
	wol_circle_md_free(&md);
	if (!out->name) {
		wol_circle_info_free(out);
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
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
			m->goal_words = wol_goal_words(m->goal);
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

/* members/<handle>.md with `goal` set: the front matter rendered again,
 * the body kept as written; a new file when there is none. */
int wol_circle__member_with_goal(wol_circle *c, const char *rel, const char *goal, char **out,
                                 size_t *len, char **old_goal, wol_error *err)
{
	*out = NULL;
	*old_goal = NULL;
	char *text = NULL;
	size_t tlen = 0;
	int rc = wol_circle__read(c, rel, 256 * 1024, &text, &tlen, err);
	if (rc == WOL_ENOTFOUND) {
		*out = wol_circle__member_doc(c, goal, len, err);
		return *out ? 0 : err ? err->code : WOL_ENOMEM;
	}
	if (rc)
		return rc;
	wol_doc doc;
	if ((rc = wol_doc_parse(text, tlen, rel, &doc, err))) {
		char why[WOL_ERRMSG_MAX];
		snprintf(why, sizeof why, "%s", err ? wol_error_text(err) : "");
		free(text);
		return wol_error_set(err, rc, "%s; fix the file first (nothing written)", why);
	}
	const char *g = wol_yaml_str(doc.meta, "goal");
	if (g && *g && !(*old_goal = wol_strfmt("%s", g)))
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
	if (!rc && wol_yaml_set_str(doc.meta, "goal", goal))
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
	if (!rc)
		rc = wol_doc_render(&doc, out, len, err);
	wol_doc_free(&doc);
	free(text);
	return rc;
}
