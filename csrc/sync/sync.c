/* sync.c - fetch, merge and push a circle's clone without losing a note.
 *
 * One round: fetch origin's branch -> fast-forward, or merge in memory
 * (git_merge_commits into an index that never touches the disk, conflicts
 * resolved by keeping both sides, a two-parent commit) -> checkout with
 * GIT_CHECKOUT_SAFE -> move the branch with a compare-and-swap -> push.
 * A push the remote rejects (libgit2 returns 0 and reports it through
 * push_update_reference) starts another round after a jittered backoff.
 * Nothing is ever force-pushed and no MERGING state is written, so a
 * process killed at any point leaves a repository the next sync continues
 * from. */
#include "sync_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int head_branch(git_repository *repo, char **branch, wol_error *err)
{
	git_reference *head = NULL;
	int rc = git_reference_lookup(&head, repo, "HEAD");
	if (rc < 0)
		return wol_error_git(err, rc, "sync: HEAD");
	const char *target = git_reference_symbolic_target(head);
	if (!target || strncmp(target, "refs/heads/", 11) != 0) {
		git_reference_free(head);
		return wol_error_set(err, WOL_EINVAL,
		                     "sync: HEAD is not on a branch; check out the circle's branch first");
	}
	*branch = wol_strfmt("%s", target + 11);
	git_reference_free(head);
	return *branch ? 0 : wol_sync__oom(err);
}

/* The oid a reference points at; 1 when found, 0 when missing. */
int wol_sync__ref_oid(git_repository *repo, const char *name, git_oid *out)
{
	int rc = git_reference_name_to_id(out, repo, name);
	git_error_clear();
	return rc == 0;
}

int wol_sync__count_commits(git_repository *repo, const git_oid *tip, const git_oid *hide,
                         size_t *n)
{
	git_revwalk *w = NULL;
	*n = 0;
	int rc = git_revwalk_new(&w, repo);
	if (rc == 0)
		rc = git_revwalk_push(w, tip);
	if (rc == 0 && hide)
		rc = git_revwalk_hide(w, hide);
	git_oid id;
	while (rc == 0 && git_revwalk_next(&id, w) == 0)
		(*n)++;
	git_revwalk_free(w);
	git_error_clear();
	return rc;
}

int wol_sync__ahead_behind(git_repository *repo, const char *branch, size_t *ahead,
                           size_t *behind, int *known)
{
	char local[300], remote[300];
	snprintf(local, sizeof local, "refs/heads/%s", branch);
	snprintf(remote, sizeof remote, "refs/remotes/origin/%s", branch);
	git_oid l, r;
	int hl = wol_sync__ref_oid(repo, local, &l), hr = wol_sync__ref_oid(repo, remote, &r);
	*ahead = *behind = 0;
	if (known)
		*known = hr;
	if (!hl)
		return hr ? wol_sync__count_commits(repo, &r, NULL, behind) : 0;
	if (!hr)
		return wol_sync__count_commits(repo, &l, NULL, ahead);
	int rc = git_graph_ahead_behind(ahead, behind, repo, &l, &r);
	git_error_clear();
	return rc;
}

/* ---------------------------------------------------------------- API */

char *wol_sync_lock_path(const wol_ctx *ctx, const char *circle)
{
	return wol_strfmt("%s/circles/%s/.git/wol-sync.lock", wol_ctx_home(ctx), circle);
}

static int open_circle(wol_ctx *ctx, const char *circle, const char **name,
                       git_repository **repo, wol_error *err)
{
	int rc = wol_ctx_circle(ctx, circle, name, err);
	if (rc)
		return rc;
	char *path = wol_ctx_circle_path(ctx, *name);
	if (!path)
		return wol_sync__oom(err);
	rc = git_repository_open_ext(repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
	free(path);
	if (rc < 0)
		return wol_error_git(err, rc, "sync: open circle");
	return 0;
}

static char *origin_url(git_repository *repo)
{
	git_remote *remote = NULL;
	if (git_remote_lookup(&remote, repo, "origin") < 0) {
		git_error_clear();
		return NULL;
	}
	const char *url = git_remote_url(remote);
	char *s = url ? wol_strfmt("%s", url) : NULL;
	git_remote_free(remote);
	return s;
}

int wol_sync_ahead(wol_ctx *ctx, const char *circle, wol_sync_state *out, wol_error *err)
{
	memset(out, 0, sizeof *out);
	const char *name;
	git_repository *repo = NULL;
	int rc = open_circle(ctx, circle, &name, &repo, err);
	if (rc)
		return rc;
	out->circle = wol_strfmt("%s", name);
	rc = head_branch(repo, &out->branch, err);
	if (rc == 0) {
		char *url = origin_url(repo);
		out->remote = url ? wol_url_redact(url) : NULL;
		free(url);
		int grc = wol_sync__ahead_behind(repo, out->branch, &out->ahead, &out->behind, &out->remote_known);
		if (grc < 0)
			rc = wol_error_git(err, grc, "sync: count commits");
	}
	git_repository_free(repo);
	if (rc)
		wol_sync_state_free(out);
	return rc;
}

void wol_sync_state_free(wol_sync_state *s)
{
	if (!s)
		return;
	free(s->circle);
	free(s->branch);
	free(s->remote);
	memset(s, 0, sizeof *s);
}

/* ------------------------------------------------- crash recovery */

/* Called holding the sync lock. `<gitdir>/wol-sync.owner` holds the pid of
 * the sync at work and is emptied when it ends: if it still holds one, that
 * sync was killed, and git's lock files it left (refs/remotes/origin/x.lock
 * from a fetch, a ref or index lock from a fast-forward) would block every
 * sync after it. Under the commit lock too (so no share is at work) those
 * made since the dead sync began are removed. Then the owner is written. */
int wol_sync__recover(const char *gitdir, int *killed, wol_error *err)
{
	if (killed)
		*killed = 0;
	char *owner = wol_strfmt("%s/wol-sync.owner", gitdir);
	char *cl = wol_strfmt("%s/" WOL_COMMIT_LOCK, gitdir);
	if (!owner || !cl) {
		free(owner);
		free(cl);
		return wol_sync__oom(err);
	}
	struct stat st;
	int rc = 0;
	if (lstat(owner, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
		if (killed)
			*killed = 1;
		wol_lock commit_lock = {-1};
		rc = wol_lock_acquire(&commit_lock, cl, 10000, err);
		if (rc == 0) {
			/* a second of slack for coarse file system timestamps */
			wol_fs_remove_locks_since(gitdir, wol_fs_mtime_ns(&st) - 1000000000LL, NULL);
			wol_lock_release(&commit_lock);
		}
	}
	if (rc == 0) {
		char pid[32];
		int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
		int fd = open(owner, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
		if (fd < 0 || write(fd, pid, (size_t)n) != n)
			rc = wol_error_set(err, WOL_EIO, "sync: %s: %s", owner, strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	free(owner);
	free(cl);
	return rc;
}

/* Empties the owner file: this sync ended (well or not) by itself. */
void wol_sync__done(const char *gitdir)
{
	char *owner = wol_strfmt("%s/wol-sync.owner", gitdir);
	if (owner) {
		int fd = open(owner, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW);
		if (fd >= 0)
			close(fd);
	}
	free(owner);
}

static void backoff(int base_ms, int attempt, unsigned *seed)
{
	long ms = (long)base_ms << (attempt - 1 < 6 ? attempt - 1 : 6);
	ms = ms / 2 + (long)(rand_r(seed) % (unsigned)(ms + 1)); /* 0.5x .. 1.5x */
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* One sync's rounds (sync_int.h): fetch, integrate, push, again while
 * someone else's push got in first. */
int wol_sync__rounds(wol_ctx *ctx, git_repository *repo, git_remote *remote,
                     const wol_sync_kind *k, const wol_sync_opts *opts, wol_remote_cb *s,
                     wol_sync_result *out, wol_error *err)
{
	int attempts = opts->attempts > 0 ? opts->attempts : 5;
	int base_ms = opts->backoff_ms > 0 ? opts->backoff_ms : 200;
	int rc = 0, grc;
	unsigned seed = (unsigned)time(NULL) ^ (unsigned)getpid() ^ (unsigned)clock();
	char fetch_spec[300], push_spec[300];
	if (k && k->fetch_spec)
		snprintf(fetch_spec, sizeof fetch_spec, "%s", k->fetch_spec);
	else
		snprintf(fetch_spec, sizeof fetch_spec, "+refs/heads/%s:refs/remotes/origin/%s",
		         out->branch, out->branch);
	snprintf(push_spec, sizeof push_spec, "refs/heads/%s:refs/heads/%s", out->branch,
	         out->branch);
	for (int attempt = 1;; attempt++) {
		out->attempts = attempt;
		s->prog.attempt = attempt;
		if (wol_remote__emit(s, "connect"))
			return wol_remote__error(s, -1, "fetch", out->remote, err);
		git_fetch_options fo;
		git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION);
		wol_remote__callbacks(&fo.callbacks, s);
		fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
		char *specs[1] = {fetch_spec};
		git_strarray refspecs = {specs, 1};
		grc = git_remote_fetch(remote, &refspecs, &fo, "wol sync: fetch");
		if (grc < 0)
			return wol_remote__error(s, grc, "fetch", out->remote, err);
		wol_remote__succeeded(s);
		if (k && k->fetched && (rc = k->fetched(repo, k->payload, err)) != 0)
			return rc;
		if ((rc = wol_sync__integrate(ctx, repo, out->branch, k, s, out, err)) != 0)
			return rc;
		size_t ahead = 0, behind = 0;
		if ((grc = wol_sync__ahead_behind(repo, out->branch, &ahead, &behind, NULL)) < 0)
			return wol_error_git(err, grc, "sync: count commits");
		if (opts->no_push || ahead == 0)
			break;
		wol_remote__emit(s, "push");
		git_push_options po;
		git_push_options_init(&po, GIT_PUSH_OPTIONS_VERSION);
		wol_remote__callbacks(&po.callbacks, s);
		specs[0] = push_spec;
		s->rejected = 0;
		grc = git_remote_push(remote, &refspecs, &po);
		if (grc == GIT_ENONFASTFORWARD) {
			/* libgit2 saw the remote move before sending anything */
			s->rejected = 1;
			snprintf(s->reject_status, sizeof s->reject_status, "non-fast-forward");
			git_error_clear();
			grc = 0;
		}
		if (grc < 0)
			return wol_remote__error(s, grc, "push", out->remote, err);
		wol_remote__succeeded(s);
		if (!s->rejected) {
			out->pushed += ahead;
			break;
		}
		/* a hook or a protected branch: its words, no more rounds */
		if ((rc = wol_remote__push_refused(s, out->remote, err)) != 0)
			return rc;
		if (attempt >= attempts)
			return wol_error_set(err, WOL_EREJECTED,
			                     "sync: %s rejected the push %d times (%s); others keep "
			                     "pushing, or the remote refuses this branch; sync again later",
			                     out->remote, attempt, s->reject_status);
		/* someone pushed first: fetch and merge their work, then try again */
		backoff(base_ms, attempt, &seed);
	}
	return 0;
}

int wol_sync_run(wol_ctx *ctx, const char *circle, const wol_sync_opts *opts,
                 wol_sync_result *out, wol_error *err)
{
	memset(out, 0, sizeof *out);
	wol_sync_opts defaults;
	memset(&defaults, 0, sizeof defaults);
	if (!opts)
		opts = &defaults;
	const char *name;
	git_repository *repo = NULL;
	git_remote *remote = NULL;
	wol_lock lock = {-1};
	wol_remote_cb s;
	memset(&s, 0, sizeof s);
	s.opts = opts;
	int rc = wol_ctx_circle(ctx, circle, &name, err);
	if (rc)
		return rc;
	out->circle = wol_strfmt("%s", name);
	char *lock_path = wol_sync_lock_path(ctx, name);
	if (!out->circle || !lock_path) {
		free(lock_path);
		return wol_sync__oom(err);
	}
	s.prog.attempt = 1;
	wol_remote__emit(&s, "lock");
	rc = wol_lock_acquire(&lock, lock_path, opts->lock_wait_ms, err);
	char *gitdir = lock_path;
	*strrchr(gitdir, '/') = '\0'; /* <circle>/.git */
	if (rc == WOL_ELOCKED) {
		free(gitdir);
		return wol_error_set(err, WOL_ELOCKED,
		                     "sync: another sync of circle '%s' is running; try again when it "
		                     "is done",
		                     name);
	}
	if (rc == 0)
		rc = wol_sync__recover(gitdir, NULL, err);
	if (rc) {
		wol_lock_release(&lock);
		free(gitdir);
		return rc;
	}
	if ((rc = open_circle(ctx, name, &name, &repo, err)) != 0)
		goto out;
	if ((rc = head_branch(repo, &out->branch, err)) != 0)
		goto out;
	int grc = git_remote_lookup(&remote, repo, "origin");
	if (grc == GIT_ENOTFOUND) {
		rc = wol_error_set(err, WOL_ENOTFOUND,
		                   "sync: circle '%s' has no remote; add one: git -C %s remote add "
		                   "origin URL",
		                   name, git_repository_workdir(repo));
		goto out;
	}
	if (grc < 0) {
		rc = wol_error_git(err, grc, "sync: remote origin");
		goto out;
	}
	/* a sync killed while it moved origin/<branch> leaves that ref's lock
	 * file; only syncs (we hold their lock) write it, so an old one is
	 * stale */
	char *ref_lock = wol_strfmt("%srefs/remotes/origin/%s.lock", git_repository_path(repo),
	                            out->branch);
	struct stat lst;
	if (ref_lock && lstat(ref_lock, &lst) == 0 && S_ISREG(lst.st_mode) &&
	    time(NULL) - lst.st_mtime > 30 && unlink(ref_lock) == 0)
		wol_sync__push_str(&out->warnings, &out->nwarnings,
		         wol_strfmt("wol: sync: removed %s, left behind by a sync that was stopped",
		                    ref_lock));
	free(ref_lock);
	const char *url = git_remote_url(remote);
	out->remote = wol_url_redact(url ? url : "");
	if ((rc = wol_remote__init(&s, ctx, repo, opts, url ? url : "", "sync",
	                           git_repository_workdir(repo), err)) != 0)
		goto out;
	/* a password kept in the URL (by older versions or by hand) is offered
	 * after the token and the helper, like one given to join */
	if (url && strcmp(url, s.url) != 0 && (grc = git_remote_set_instance_url(remote, s.url)) < 0) {
		rc = wol_error_git(err, grc, "sync: remote origin");
		goto out;
	}
	if ((rc = wol_sync__rounds(ctx, repo, remote, NULL, opts, &s, out, err)) != 0)
		goto out;
	wol_remote__emit(&s, "done");
out:
	if (repo && out->branch) {
		size_t behind;
		wol_sync__ahead_behind(repo, out->branch, &out->ahead, &behind, NULL);
	}
	out->up_to_date = rc == 0 && !out->fast_forward && !out->merged && out->pushed == 0;
	wol_remote__finish(&s, 1);
	wol_remote__free(&s);
	git_remote_free(remote);
	git_repository_free(repo);
	wol_sync__done(gitdir);
	free(gitdir);
	wol_lock_release(&lock);
	return rc;
}
