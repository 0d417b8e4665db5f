/* clone.c - joining a circle: clone into a temporary sibling, check it is
 * a circle, commit our member file, move it in whole. */
#include "circle_priv.h"

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

/* ------------------------------------------------------------------ join */

typedef struct clone_progress {
	wol_progress_cb cb;
	void *payload;
	const char *last_stage;
	size_t last_done;
	int cancelled;
} clone_progress;

static int report(clone_progress *p, const char *stage, size_t done, size_t total)
{
	if (!p->cb)
		return 0;
	/* only report changes of stage or every 1% of it */
	if (p->last_stage == stage && done != total && total > 0 &&
	    (done - p->last_done) * 100 < total)
		return 0;
	p->last_stage = stage;
	p->last_done = done;
	if (p->cb(stage, done, total, p->payload) != 0) {
		p->cancelled = 1;
		return -1;
	}
	return 0;
}

static int on_transfer(const git_indexer_progress *st, void *payload)
{
	clone_progress *p = payload;
	if (st->total_objects > 0 && st->received_objects < st->total_objects)
		return report(p, "receiving", st->received_objects, st->total_objects);
	if (st->total_deltas > 0)
		return report(p, "deltas", st->indexed_deltas, st->total_deltas);
	return report(p, "indexing", st->indexed_objects, st->total_objects);
}

static void on_checkout(const char *path, size_t done, size_t total, void *payload)
{
	(void)path;
	report(payload, "checkout", done, total);
}

static int on_repo(git_repository **out, const char *path, int bare, void *payload)
{
	(void)payload;
	int grc = git_repository_init(out, path, bare);
	if (grc == 0)
		grc = wol_circle__harden(*out);
	return grc;
}

/* The name a joined circle gets when none is given: circle.md's name,
 * else the URL's last component, slugged. */
static char *derive_name(const char *tmp, const char *url)
{
	char slug[WOL_HANDLE_MAX + 1] = "";
	char *text = NULL;
	size_t len;
	if (wol_circle__read_at(tmp, "circle.md", 65536, &text, &len, NULL) == 0) {
		wol_doc doc;
		if (wol_doc_parse(text, len, "circle.md", &doc, NULL) == 0) {
			const char *n = wol_yaml_str(doc.meta, "name");
			if (n)
				wol_slug(n, slug, sizeof slug, WOL_HANDLE_MAX);
			wol_doc_free(&doc);
		}
		free(text);
	}
	if (!wol_name_valid(slug)) {
		char *u = wol_strfmt("%s", url);
		if (!u)
			return NULL;
		size_t n = strlen(u);
		while (n > 0 && u[n - 1] == '/')
			u[--n] = '\0';
		if (n > 4 && strcmp(u + n - 4, ".git") == 0)
			u[n - 4] = '\0';
		const char *base = strrchr(u, '/');
		const char *colon = strrchr(u, ':');
		if (!base || (colon && colon > base))
			base = colon;
		wol_slug(base ? base + 1 : u, slug, sizeof slug, WOL_HANDLE_MAX);
		free(u);
	}
	return wol_name_valid(slug) ? wol_strfmt("%s", slug) : NULL;
}

int wol_circle_join(wol_ctx *ctx, const char *url, const char *name, wol_progress_cb cb,
                    void *payload, char **name_out, wol_error *err)
{
	if (name_out)
		*name_out = NULL;
	if (!url || !*url)
		return wol_error_set(err, WOL_EINVAL, "join: no URL given");
	int rc;
	if (name && *name && (rc = wol_name_check(name, "circle name", err)))
		return rc;
	const char *handle;
	if ((rc = wol_ctx_handle(ctx, &handle, err)))
		return rc;
	if (name && *name) {
		char *p = wol_ctx_circle_path(ctx, name);
		int exists = p && wol_fs_exists(p);
		free(p);
		if (exists)
			return wol_error_set(err, WOL_EEXISTS,
			                     "join: circle '%s' already exists (pick another name: wol join "
			                     "URL NAME)",
			                     name);
	}
	char *tmp = NULL, *final = NULL, *cname = NULL;
	if ((rc = wol_circle__tmp_sibling(ctx, handle, &tmp, err)))
		return rc;
	clone_progress prog = {cb, payload, NULL, 0, 0};
	git_clone_options co;
	git_clone_options_init(&co, GIT_CLONE_OPTIONS_VERSION);
	co.fetch_opts.callbacks.transfer_progress = on_transfer;
	co.fetch_opts.callbacks.payload = &prog;
	co.checkout_opts.progress_cb = on_checkout;
	co.checkout_opts.progress_payload = &prog;
	co.repository_cb = on_repo;
	git_repository *repo = NULL;
	int grc = git_clone(&repo, url, tmp, &co);
	if (grc == 0 && prog.cancelled) { /* asked during checkout, which cannot stop */
		git_repository_free(repo);
		grc = GIT_EUSER;
	}
	if (grc < 0) {
		if (prog.cancelled)
			rc = wol_error_set(err, WOL_EINVAL, "join: cancelled");
		else
			rc = wol_error_git(err, grc, "join: clone");
		goto fail;
	}
	int unborn = git_repository_head_unborn(repo);
	git_repository_free(repo);
	char *cmd = wol_strfmt("%s/circle.md", tmp);
	int has_circle = cmd && wol_fs_exists(cmd);
	free(cmd);
	if (unborn || !has_circle) {
		rc = wol_error_set(err, WOL_EINVAL,
		                   "join: %s is not a wol circle (no circle.md); to start a circle "
		                   "there use: wol init NAME --remote %s",
		                   url, url);
		goto fail;
	}
	cname = name && *name ? wol_strfmt("%s", name) : derive_name(tmp, url);
	if (!cname) {
		rc = wol_error_set(err, WOL_EINVAL,
		                   "join: cannot derive a circle name from %s; give one: wol join URL NAME",
		                   url);
		goto fail;
	}
	final = wol_ctx_circle_path(ctx, cname);
	if (!final) {
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		goto fail;
	}
	if (wol_fs_exists(final)) {
		rc = wol_error_set(err, WOL_EEXISTS,
		                   "join: circle '%s' already exists (pick another name: wol join URL NAME)",
		                   cname);
		goto fail;
	}
	/* our member file, committed in the clone before it is moved in */
	wol_circle *c = wol_circle__new(ctx, cname, tmp, err);
	if (!c) {
		rc = err ? err->code : WOL_ENOMEM;
		goto fail;
	}
	if ((grc = git_repository_open_ext(&c->repo, tmp, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL))) {
		rc = wol_error_git(err, grc, "join");
		wol_circle_close(c);
		goto fail;
	}
	char *mpath = wol_strfmt("members/%s.md", handle);
	char *mfile = mpath ? wol_strfmt("%s/%s", tmp, mpath) : NULL;
	if (!mpath || !mfile) {
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
	} else if (!wol_fs_exists(mfile)) {
		size_t mlen;
		char *mdoc = wol_circle__member_doc(c, NULL, &mlen, err);
		char *msg = wol_strfmt("join(%s): %s joins\n\nWol-Kind: member\n", handle, c->author);
		if (!mdoc || !msg) {
			rc = mdoc ? wol_error_set(err, WOL_ENOMEM, "out of memory") : err->code;
		} else {
			wol_commit_file f = {mpath, mdoc, mlen};
			rc = wol_circle_commit(c, &f, 1, msg, 0, NULL, err);
		}
		free(mdoc);
		free(msg);
	}
	free(mpath);
	free(mfile);
	wol_circle_close(c);
	if (rc)
		goto fail;
	if (rename(tmp, final) != 0) {
		int e = errno;
		rc = wol_error_set(err, WOL_EIO, "join: %s: %s", final, strerror(e));
		goto fail;
	}
	free(tmp);
	free(final);
	if (name_out)
		*name_out = cname;
	else
		free(cname);
	return 0;
fail:
	wol_circle__rmtree(tmp);
	free(tmp);
	free(final);
	free(cname);
	return rc;
}
