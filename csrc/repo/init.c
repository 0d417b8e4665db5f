/* init.c - starting a circle: a new repository with circle.md and the
 * creator's member file, made in a temporary sibling and moved in whole. */
#include "circle_priv.h"
#include "remote.h"

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

int wol_circle_init(wol_ctx *ctx, const char *name, const wol_circle_init_opts *opts,
                    wol_error *err)
{
	wol_circle_init_opts none = {0};
	if (!opts)
		opts = &none;
	int rc = wol_name_check(name, "circle name", err);
	if (rc)
		return rc;
	const char *handle;
	if ((rc = wol_ctx_handle(ctx, &handle, err)))
		return rc;
	wol_date started = wol_ctx_today(ctx);
	if (opts->started && *opts->started &&
	    (rc = wol_date_parse(opts->started, wol_ctx_today(ctx), &started, err)))
		return rc;
	int meets = wol_date_weekday(started);
	if (opts->meets && *opts->meets) {
		meets = wol_weekday_parse(opts->meets);
		if (meets < 0)
			return wol_error_set(err, WOL_EINVAL,
			                     "init: meets: '%s' is not a weekday (monday..sunday)",
			                     opts->meets);
	}
	int weeks = opts->weeks > 0 ? opts->weeks : WOL_CIRCLE_WEEKS;
	if (weeks > WOL_CIRCLE_WEEKS_MAX)
		return wol_error_set(err, WOL_EINVAL, "init: weeks: %d is too many", weeks);
	char *final = wol_ctx_circle_path(ctx, name);
	if (!final)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	if (wol_fs_exists(final)) {
		rc = wol_error_set(err, WOL_EEXISTS, "init: circle '%s' already exists at %s", name,
		                   final);
		free(final);
		return rc;
	}
	char *tmp = NULL;
	wol_lock tmp_lock = {-1};
	if ((rc = wol_circle__tmp_sibling(ctx, handle, &tmp, &tmp_lock, err))) {
		free(final);
		return rc;
	}
	git_repository *repo = NULL;
	git_repository_init_options io;
	git_repository_init_options_init(&io, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
	io.flags = GIT_REPOSITORY_INIT_MKPATH | GIT_REPOSITORY_INIT_NO_REINIT;
	io.initial_head = "main";
	/* never a password in .git/config (wol_circle_check_remote hands it to
	 * the credential helper) */
	char *origin = opts->remote && *opts->remote ? wol_remote__url_strip(opts->remote) : NULL;
	io.origin_url = origin;
	int grc = git_repository_init_ext(&repo, tmp, &io);
	free(origin);
	if (grc == 0)
		grc = wol_circle__harden(repo);
	git_repository_free(repo);
	if (grc < 0) {
		rc = wol_error_git(err, grc, "init");
		goto fail;
	}
	wol_circle *c = wol_circle__new(ctx, name, tmp, err);
	if (!c) {
		rc = err ? err->code : WOL_ENOMEM;
		goto fail;
	}
	if ((grc = git_repository_open_ext(&c->repo, tmp, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL))) {
		rc = wol_error_git(err, grc, "init");
		wol_circle_close(c);
		goto fail;
	}
	size_t clen = 0, mlen = 0;
	char *cdoc = wol_circle__circle_doc(name, started, meets, weeks, &clen, err);
	char *mdoc = cdoc ? wol_circle__member_doc(c, opts->goal, &mlen, err) : NULL;
	char *mpath = wol_strfmt("members/%s.md", handle);
	char *msg = wol_strfmt("circle(%s): start %s\n\nWol-Kind: circle\nWol-Format: %d\n", handle,
	                       name, WOL_FORMAT_VERSION);
	if (!cdoc || !mdoc || !mpath || !msg) {
		rc = cdoc && mdoc ? wol_error_set(err, WOL_ENOMEM, "out of memory") : err->code;
	} else {
		wol_commit_file files[2] = {{"circle.md", cdoc, clen}, {mpath, mdoc, mlen}};
		rc = wol_circle_commit(c, files, 2, msg, 0, NULL, err);
	}
	free(cdoc);
	free(mdoc);
	free(mpath);
	free(msg);
	wol_circle_close(c);
	if (rc)
		goto fail;
	if (rename(tmp, final) != 0) {
		int e = errno;
		rc = wol_error_set(err, e == EEXIST || e == ENOTEMPTY ? WOL_EEXISTS : WOL_EIO,
		                   "init: %s: %s", final, strerror(e));
		goto fail;
	}
	wol_circle__tmp_release(tmp, &tmp_lock);
	free(tmp);
	free(final);
	return 0;
fail:
	wol_circle__rmtree(tmp);
	wol_circle__tmp_release(tmp, &tmp_lock);
	free(tmp);
	free(final);
	return rc;
}

int wol_circle_check_remote(wol_ctx *ctx, const char *url, wol_error *err)
{
	wol_remote_cb s;
	int rc = wol_remote__init(&s, ctx, NULL, NULL, url, "init", NULL, err);
	if (rc == 0)
		rc = wol_remote__password_check(&s, err);
	if (rc) {
		wol_remote__free(&s);
		return rc;
	}
	git_remote *remote = NULL;
	git_remote_callbacks cb;
	git_remote_init_callbacks(&cb, GIT_REMOTE_CALLBACKS_VERSION);
	wol_remote__callbacks(&cb, &s);
	int holds = 0;
	if (git_remote_create_detached(&remote, s.url) == 0 &&
	    git_remote_connect(remote, GIT_DIRECTION_FETCH, &cb, NULL, NULL) == 0) {
		const git_remote_head **heads = NULL;
		size_t n = 0;
		if (git_remote_ls(&heads, &n, remote) == 0)
			for (size_t i = 0; i < n; i++)
				holds |= strncmp(heads[i]->name, "refs/heads/", 11) == 0;
		wol_remote__succeeded(&s);
		wol_remote__finish(&s, 1);
		git_remote_disconnect(remote);
	}
	git_error_clear();
	git_remote_free(remote);
	if (holds) {
		char *shown = wol_url_redact(s.url);
		rc = wol_error_set(err, WOL_EEXISTS,
		                   "init: %s already holds a circle (or other commits); to take part "
		                   "in it: wol join %s (wol init --remote wants an empty repository)",
		                   shown ? shown : "the remote", shown ? shown : "URL");
		free(shown);
	}
	wol_remote__free(&s);
	return rc;
}
