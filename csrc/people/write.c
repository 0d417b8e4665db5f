/* people/write.c - adding and removing people, and the contributions
 * appended to their files. Every writer holds $WOL_HOME/people/.lock and
 * replaces a file atomically (wol_fs_write_atomic), as the journal does. */
#include "people/people_int.h"
#include "repo/private.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* ---------------------------------------------------------------- adding */

static int yaml_list(wol_yaml *meta, const char *key, const char *const *v, size_t n)
{
	wol_yaml *seq = wol_yaml_new(WOL_YAML_SEQ, NULL);
	if (!seq)
		return -1;
	for (size_t i = 0; i < n; i++) {
		wol_yaml *s = wol_yaml_new(WOL_YAML_SCALAR, v[i]);
		if (!s || wol_yaml_push(seq, s)) {
			wol_yaml_free(s);
			wol_yaml_free(seq);
			return -1;
		}
	}
	return wol_yaml_set(meta, key, seq);
}

static int check_new(const wol_person_new *p, wol_error *err)
{
	int rc = wol_people_check_name(p->name, err);
	if (rc)
		return rc;
	if (p->relation &&
	    (rc = wol_text_check("person: relation", p->relation, WOL_PEOPLE_TEXT_MAX, 0, err)))
		return rc;
	if (p->closeness < -1 || p->closeness > 5)
		return wol_error_set(err, WOL_EINVAL, "person: closeness %d is not from 0 to 5",
		                     p->closeness);
	if (p->handle && *p->handle && (rc = wol_name_check(p->handle, "person: handle", err)))
		return rc;
	for (size_t i = 0; i < p->ncircles; i++)
		if ((rc = wol_name_check(p->circles[i], "person: circle", err)))
			return rc;
	for (size_t i = 0; i < p->ntags; i++) {
		if ((rc = wol_text_check("person: tag", p->tags[i], WOL_PERSON_NAME_MAX, 0, err)))
			return rc;
		if (!p->tags[i][0])
			return wol_error_set(err, WOL_EINVAL, "person: a tag is empty");
	}
	return 0;
}

static char *trimmed(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return wol_strndup(s, n);
}

static int render_new(wol_ctx *ctx, const wol_person_new *p, const char *name, char **out,
                      size_t *len, wol_error *err)
{
	wol_yaml *m = wol_yaml_new(WOL_YAML_MAP, NULL);
	char added[11], close[4];
	wol_date_format(wol_ctx_today(ctx), added);
	snprintf(close, sizeof close, "%d", p->closeness);
	int bad = !m || wol_yaml_set_str(m, "name", name);
	if (!bad && p->relation && *p->relation)
		bad = wol_yaml_set_str(m, "relation", p->relation);
	if (!bad && p->closeness >= 0)
		bad = wol_yaml_set_str(m, "closeness", close);
	if (!bad && p->handle && *p->handle)
		bad = wol_yaml_set_str(m, "handle", p->handle);
	if (!bad && p->ncircles)
		bad = yaml_list(m, "circles", p->circles, p->ncircles);
	if (!bad)
		bad = yaml_list(m, "tags", p->tags, p->ntags) || wol_yaml_set_str(m, "added", added);
	int rc = 0;
	if (bad) {
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
	} else {
		wol_doc doc = {m, "\n## Contributions\n\n", 0};
		rc = wol_doc_render(&doc, out, len, err);
	}
	wol_yaml_free(m);
	return rc;
}

int wol_people_add(wol_ctx *ctx, const wol_person_new *p, char **slug, wol_error *err)
{
	if (slug)
		*slug = NULL;
	int rc = check_new(p, err);
	if (rc)
		return rc;
	char *name = trimmed(p->name);
	char *text = NULL, *dir = NULL, *path = NULL;
	size_t len = 0;
	if (!name)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	if ((rc = render_new(ctx, p, name, &text, &len, err))) {
		free(name);
		return rc;
	}
	wol_lock lk = {-1};
	if ((rc = wol_people__lock(ctx, &lk, &dir, err)))
		goto done;
	char base[256], cand[300];
	wol_people__base_slug(name, base, sizeof base);
	snprintf(cand, sizeof cand, "%s", base);
	for (int i = 2;; i++) {
		free(path);
		path = wol_strfmt("%s/%s.md", dir, cand);
		if (!path) {
			rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
			goto done;
		}
		if (!wol_fs_exists(path))
			break;
		if (i > 9999) {
			rc = wol_error_set(err, WOL_EEXISTS, "person: too many people called '%s'", name);
			goto done;
		}
		snprintf(cand, sizeof cand, "%s-%d", base, i);
	}
	rc = wol_fs_write_atomic(path, text, len, 0600, err);
	if (rc == 0 && slug && !(*slug = wol_strfmt("%s", cand)))
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
done:
	wol_lock_release(&lk);
	if (rc == 0)
		wol_private__wrote(ctx, NULL); /* the private history takes it */
	free(path);
	free(dir);
	free(text);
	free(name);
	return rc;
}

/* -------------------------------------------------------------- removing */

int wol_people_rm(wol_ctx *ctx, const char *ref, char **moved, wol_error *err)
{
	if (moved)
		*moved = NULL;
	char *slug = NULL, *dir = NULL, *from = NULL, *to = NULL, *trash = NULL;
	int rc = wol_people_find(ctx, ref, &slug, err);
	if (rc)
		return rc;
	wol_lock lk = {-1};
	if ((rc = wol_people__lock(ctx, &lk, &dir, err)))
		goto done;
	from = wol_strfmt("%s/%s.md", dir, slug);
	trash = wol_strfmt("%s/.trash", dir);
	if (!from || !trash) {
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = wol_fs_mkdirs(trash, 0700, err)))
		goto done;
	for (int i = 1; i < 10000; i++) {
		free(to);
		to = i == 1 ? wol_strfmt("%s/%s.md", trash, slug)
		            : wol_strfmt("%s/%s.%d.md", trash, slug, i);
		if (!to || !wol_fs_exists(to))
			break;
	}
	if (!to) {
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		goto done;
	}
	if (rename(from, to) != 0) {
		int e = errno;
		rc = wol_error_set(err, e == ENOENT ? WOL_ENOTFOUND : WOL_EIO, "people: rm %s: %s", from,
		                   strerror(e));
		goto done;
	}
	if (moved) {
		*moved = to;
		to = NULL;
	}
done:
	wol_lock_release(&lk);
	if (rc == 0)
		wol_private__wrote(ctx, NULL);
	free(slug);
	free(dir);
	free(from);
	free(to);
	free(trash);
	return rc;
}

/* --------------------------------------------------------- contributions */

static int valid_hhmm(const char *t)
{
	return strlen(t) == 5 && t[0] >= '0' && t[0] <= '2' && t[1] >= '0' && t[1] <= '9' &&
	       (t[0] - '0') * 10 + (t[1] - '0') < 24 && t[2] == ':' && t[3] >= '0' && t[3] <= '5' &&
	       t[4] >= '0' && t[4] <= '9';
}

int wol_people_give(wol_ctx *ctx, const char *ref, const char *what, const wol_give_opts *opts,
                    wol_given *out, wol_error *err)
{
	memset(out, 0, sizeof *out);
	wol_give_opts none = {0};
	if (!opts)
		opts = &none;
	if (!what)
		return wol_error_set(err, WOL_EINVAL, "give: say what you gave");
	int rc = wol_text_check("give", what, WOL_PEOPLE_TEXT_MAX, 0, err);
	if (rc)
		return rc;
	wol_date today = wol_ctx_today(ctx), date;
	if ((rc = wol_date_parse(opts->date, today, &date, err)))
		return rc;
	wol_date_format(date, out->date);
	if (wol_date_diff(date, today) > 0)
		return wol_error_set(err, WOL_EINVAL, "give: %s is in the future", out->date);
	if (opts->time) {
		if (!valid_hhmm(opts->time))
			return wol_error_set(err, WOL_EINVAL, "give: time '%s' is not HH:MM", opts->time);
		snprintf(out->time, sizeof out->time, "%s", opts->time);
	} else {
		time_t now = time(NULL);
		struct tm tm;
		localtime_r(&now, &tm);
		snprintf(out->time, sizeof out->time, "%02u:%02u", (unsigned)tm.tm_hour % 24u,
		         (unsigned)tm.tm_min % 60u);
	}
	char *text = trimmed(what);
	if (!text)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	if (!*text) {
		free(text);
		return wol_error_set(err, WOL_EINVAL, "give: say what you gave");
	}
	out->line = wol_strfmt("- %s %s %s", out->date, out->time, text);
	free(text);
	if (!out->line)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	if ((rc = wol_people_find(ctx, ref, &out->slug, err))) {
		wol_given_free(out);
		return rc;
	}
	char *dir = NULL, *old = NULL;
	size_t oldlen = 0;
	wol_buf nb;
	wol_buf_init(&nb);
	wol_lock lk = {-1};
	if ((rc = wol_people__lock(ctx, &lk, &dir, err)))
		goto done;
	if (!(out->path = wol_strfmt("%s/%s.md", dir, out->slug))) {
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		goto done;
	}
	wol_fs_remove_temps(out->path);
	struct stat st;
	if (lstat(out->path, &st) != 0) {
		int e = errno;
		rc = wol_error_set(err, e == ENOENT ? WOL_ENOTFOUND : WOL_EIO, "give: %s: %s", out->path,
		                   strerror(e));
		goto done;
	}
	if ((rc = wol_fs_read(out->path, WOL_PERSON_MAX_BYTES, 1, &old, &oldlen, err)))
		goto done;
	char rel[300];
	snprintf(rel, sizeof rel, "people/%s.md", out->slug);
	if (memchr(old, '\0', oldlen)) {
		rc = wol_error_set(err, WOL_EINVAL, "give: %s holds NUL bytes; fix it first (nothing written)",
		                   rel);
		goto done;
	}
	wol_doc doc;
	if ((rc = wol_doc_parse(old, oldlen, rel, &doc, err))) {
		char why[WOL_ERRMSG_MAX];
		snprintf(why, sizeof why, "%s", err ? wol_error_text(err) : "");
		rc = wol_error_set(err, rc, "%s; fix the front matter first (nothing written)", why);
		goto done;
	}
	const char *name = wol_yaml_str(doc.meta, "name");
	out->name = wol_strfmt("%s", name && *name ? name : out->slug);
	wol_doc_free(&doc);
	wol_buf_put(&nb, old, oldlen);
	if (oldlen && old[oldlen - 1] != '\n')
		wol_buf_puts(&nb, "\n");
	wol_buf_puts(&nb, out->line);
	wol_buf_puts(&nb, "\n");
	if (nb.oom || !out->name) {
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		goto done;
	}
	rc = wol_fs_write_atomic(out->path, nb.ptr, nb.len, st.st_mode & 0777, err);
done:
	wol_lock_release(&lk);
	if (rc == 0)
		wol_private__wrote(ctx, NULL);
	free(dir);
	free(old);
	wol_buf_free(&nb);
	if (rc)
		wol_given_free(out);
	return rc;
}

void wol_given_free(wol_given *g)
{
	if (!g)
		return;
	free(g->slug);
	free(g->name);
	free(g->path);
	free(g->line);
	memset(g, 0, sizeof *g);
}
