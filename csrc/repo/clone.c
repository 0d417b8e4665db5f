/* clone.c - joining a circle: clone into a temporary sibling, check it is
 * a circle, commit our member file, move it in whole. */
#include "circle_priv.h"
#include "remote.h"
#include "repo/checkout.h"
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
	wol_remote_cb *s = payload; /* the session; our state is its owner */
	clone_progress *p = s->owner;
	if (st->total_objects > 0 && st->received_objects < st->total_objects)
		return report(p, "receiving", st->received_objects, st->total_objects);
	if (st->total_deltas > 0)
		return report(p, "deltas", st->indexed_deltas, st->total_deltas);
	return report(p, "indexing", st->indexed_objects, st->total_objects);
}

static int on_checkout(size_t done, size_t total, void *payload)
{
	return report(payload, "checkout", done, total);
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
	wol_circle_md md;
	if (wol_circle_md_read(tmp, &md, NULL) == 0) {
		if (md.name)
			wol_slug(md.name, slug, sizeof slug, WOL_HANDLE_MAX);
		wol_circle_md_free(&md);
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

/* After the clone (made without a checkout): when HEAD is unborn (the
 * remote's HEAD names a branch that does not exist, as on a fresh gitolite
 * or `git init --bare` remote with another branch pushed) or its tree has
 * no circle.md, the branch of origin that holds circle.md becomes the
 * circle's branch: main, then master, then the first by name. Returns 1
 * when HEAD names a circle's branch, 0 when none holds a circle, or a
 * negative libgit2 code. */
static int has_circle_md(git_repository *repo, const git_oid *commit_id)
{
	git_commit *c = NULL;
	git_tree *tree = NULL;
	git_tree_entry *e = NULL;
	int found = git_commit_lookup(&c, repo, commit_id) == 0 && git_commit_tree(&tree, c) == 0 &&
	            git_tree_entry_bypath(&e, tree, "circle.md") == 0 &&
	            git_tree_entry_type(e) == GIT_OBJECT_BLOB;
	git_tree_entry_free(e);
	git_tree_free(tree);
	git_commit_free(c);
	git_error_clear();
	return found;
}

static int follow_circle_branch(git_repository *repo)
{
	git_oid head;
	if (git_reference_name_to_id(&head, repo, "HEAD") == 0 && has_circle_md(repo, &head))
		return 1;
	git_error_clear();
	git_reference_iterator *it = NULL;
	char best[256] = "";
	int best_rank = 3;
	git_oid best_id;
	int grc = git_reference_iterator_glob_new(&it, repo, "refs/remotes/origin/*");
	if (grc < 0)
		return grc;
	git_reference *ref;
	while (git_reference_next(&ref, it) == 0) {
		const char *name = git_reference_name(ref) + strlen("refs/remotes/origin/");
		const git_oid *id = git_reference_target(ref);
		if (id && strcmp(name, "HEAD") != 0 && has_circle_md(repo, id)) {
			int rank = strcmp(name, "main") == 0 ? 0 : strcmp(name, "master") == 0 ? 1 : 2;
			if (rank < best_rank || (rank == best_rank && strcmp(name, best) < 0)) {
				best_rank = rank;
				snprintf(best, sizeof best, "%s", name);
				git_oid_cpy(&best_id, id);
			}
		}
		git_reference_free(ref);
	}
	git_reference_iterator_free(it);
	git_error_clear();
	if (!best[0])
		return 0;
	git_commit *c = NULL;
	git_reference *branch = NULL;
	char refname[300], remote_ref[300];
	snprintf(refname, sizeof refname, "refs/heads/%s", best);
	snprintf(remote_ref, sizeof remote_ref, "origin/%s", best);
	if ((grc = git_commit_lookup(&c, repo, &best_id)) == 0 &&
	    (grc = git_branch_create(&branch, repo, best, c, 1)) == 0 &&
	    (grc = git_branch_set_upstream(branch, remote_ref)) == 0)
		grc = git_repository_set_head(repo, refname);
	git_reference_free(branch);
	git_commit_free(c);
	return grc < 0 ? grc : 1;
}

/* A local path (or file:// URL) to clone from: its path, else NULL. */
static const char *local_path(const char *url)
{
	if (strncmp(url, "file://", 7) == 0)
		return url + 7;
	if (strstr(url, "://"))
		return NULL;
	const char *colon = strchr(url, ':');
	const char *slash = strchr(url, '/');
	if (colon && (!slash || colon < slash))
		return NULL; /* user@host:path */
	return url;
}

/* Why a local repository cannot be cloned, when it is one of ours to
 * explain: missing, or owned by another user (git's safe.directory). */
static int local_problem(const char *path, int grc, wol_error *err)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return wol_error_set(err, WOL_ENOTFOUND,
		                     "join: %s does not exist (for a circle on another machine use its "
		                     "ssh:// or https:// URL)",
		                     path);
	if (grc == GIT_EOWNER || st.st_uid != geteuid()) {
		char *real = realpath(path, NULL);
		int rc = wol_error_set(err, WOL_EINVAL,
		                       "join: %s belongs to another user, and git reads another user's "
		                       "repository only when told it is safe (its safe.directory "
		                       "rule). If you trust it: git config --global --add "
		                       "safe.directory %s",
		                       path, real ? real : path);
		free(real);
		return rc;
	}
	return 0;
}

static int join(wol_ctx *ctx, const char *url, const char *name, const char *goal,
                wol_progress_cb cb, void *payload, char **name_out, wol_error *err);

int wol_circle_join(wol_ctx *ctx, const char *url, const char *name, const char *goal,
                    wol_progress_cb cb, void *payload, char **name_out, wol_error *err)
{
	if (name_out)
		*name_out = NULL;
	if (!url || !*url)
		return wol_error_set(err, WOL_EINVAL, "join: no URL given");
	int rc;
	if (name && *name && (rc = wol_name_check(name, "circle name", err)))
		return rc;
	/* a goal is checked (by the goal's own rules) before anything is cloned */
	char *norm_goal = NULL;
	if (goal && (rc = wol_goal_check(goal, &norm_goal, NULL, err)))
		return rc;
	rc = join(ctx, url, name, norm_goal, cb, payload, name_out, err);
	free(norm_goal);
	return rc;
}

static int join(wol_ctx *ctx, const char *url, const char *name, const char *goal,
                wol_progress_cb cb, void *payload, char **name_out, wol_error *err)
{
	int rc;
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
	const char *lpath = local_path(url);
	if (lpath && !wol_fs_exists(lpath))
		return local_problem(lpath, 0, err);
	char *tmp = NULL, *final = NULL, *cname = NULL, *circles = NULL;
	wol_lock tmp_lock = {-1};
	wol_remote_cb s;
	memset(&s, 0, sizeof s);
	if ((rc = wol_ctx_mkdir(ctx, "circles", 0755, &circles, err)) ||
	    (rc = wol_remote__init(&s, ctx, NULL, NULL, url, "join", circles, err))) {
		free(circles);
		wol_remote__free(&s);
		return rc;
	}
	free(circles);
	if ((rc = wol_remote__password_check(&s, err))) {
		wol_remote__free(&s);
		return rc;
	}
	if ((rc = wol_circle__tmp_sibling(ctx, handle, &tmp, &tmp_lock, err))) {
		wol_remote__free(&s);
		return rc;
	}
	clone_progress prog = {cb, payload, NULL, 0, 0};
	git_clone_options co;
	git_clone_options_init(&co, GIT_CLONE_OPTIONS_VERSION);
	wol_remote__callbacks(&co.fetch_opts.callbacks, &s);
	s.owner = &prog;
	co.fetch_opts.callbacks.transfer_progress = on_transfer;
	/* no checkout here: the branch may change below, and ours is faster
	 * (checkout.c) */
	co.checkout_opts.checkout_strategy = GIT_CHECKOUT_NONE;
	co.repository_cb = on_repo;
	git_repository *repo = NULL;
	char *shown = wol_url_redact(url);
	/* the URL without its password is what the clone's origin keeps */
	int grc = git_clone(&repo, s.url, tmp, &co);
	if (grc == 0 && prog.cancelled) { /* asked at the last report */
		git_repository_free(repo);
		grc = GIT_EUSER;
	}
	if (grc < 0) {
		if (prog.cancelled)
			rc = wol_error_set(err, WOL_EINVAL, "join: cancelled");
		else if (!lpath || (rc = local_problem(lpath, grc, err)) == 0)
			rc = wol_remote__error(&s, grc, "clone", shown ? shown : "the remote", err);
		goto fail;
	}
	wol_remote__succeeded(&s);
	wol_remote__finish(&s, 1);
	/* the remote's HEAD, else the branch that holds circle.md */
	grc = follow_circle_branch(repo);
	if (grc < 0) {
		git_repository_free(repo);
		rc = wol_error_git(err, grc, "join: check out the circle's branch");
		goto fail;
	}
	if (grc == 0) {
		git_repository_free(repo);
		rc = wol_error_set(err, WOL_EINVAL,
		                   "join: %s is not a wol circle (no circle.md); to start a circle "
		                   "there use: wol init NAME --remote %s",
		                   shown, shown);
		goto fail;
	}
	rc = wol_checkout__fresh(repo, "join: checkout", on_checkout, &prog, err);
	git_repository_free(repo);
	if (rc) {
		if (prog.cancelled)
			rc = wol_error_set(err, WOL_EINVAL, "join: cancelled");
		goto fail;
	}
	cname = name && *name ? wol_strfmt("%s", name) : derive_name(tmp, url);
	if (!cname) {
		rc = wol_error_set(err, WOL_EINVAL,
		                   "join: cannot derive a circle name from %s; give one: wol join URL NAME",
		                   shown);
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
	} else if (!wol_fs_exists(mfile) || goal) {
		/* a new member file, or (joining again with a goal) the one there
		 * with the goal set */
		size_t mlen = 0;
		char *mdoc = NULL, *old = NULL;
		if (goal)
			rc = wol_circle__member_with_goal(c, mpath, goal, &mdoc, &mlen, &old, err);
		else if (!(mdoc = wol_circle__member_doc(c, NULL, &mlen, err)))
			rc = err ? err->code : WOL_ENOMEM;
		char *msg = wol_strfmt("join(%s): %s joins\n\nWol-Kind: member\n", handle, c->author);
		if (!rc && !msg)
			rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		if (!rc) {
			wol_commit_file f = {mpath, mdoc, mlen};
			rc = wol_circle_commit(c, &f, 1, msg, 0, NULL, err);
		}
		free(mdoc);
		free(old);
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
	wol_circle__tmp_release(tmp, &tmp_lock);
	free(tmp);
	free(final);
	free(shown);
	wol_remote__free(&s);
	if (name_out)
		*name_out = cname;
	else
		free(cname);
	return 0;
fail:
	wol_circle__rmtree(tmp);
	wol_circle__tmp_release(tmp, &tmp_lock);
	free(tmp);
	free(final);
	free(cname);
	free(shown);
	wol_remote__free(&s);
	return rc;
}
