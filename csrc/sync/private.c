/* private.c - `wol sync --private`: the private history of the journal
 * (csrc/repo/private.c) with its private remote, by the circle sync's own
 * rounds (sync.c), merge (merge.c) and credentials (repo/remote.c). What
 * differs is said once, in a wol_sync_kind: every path is the user's own
 * (a local edit is never moved aside), files are written 0600 and folders
 * 0700, two machines whose journals began apart are merged, and a remote
 * that holds a circle is refused before anything is merged or pushed.
 *
 * Kill-safety is the circle sync's: the sync lock and owner file (a killed
 * sync's lock files removed by the next), no MERGING state, the branch
 * moved by compare-and-swap. One more step comes first here: the next sync
 * after a killed one puts back the files a stopped checkout left whole or
 * cut short, before what is pending is committed, so that a half-written
 * checkout never becomes a commit of its own. */
#include "sync_int.h"
#include "repo/private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The remote holds a circle when a branch fetched from it has circle.md at
 * its root: refused, whatever else it holds. */
static int refuse_circle(git_repository *repo, void *payload, wol_error *err)
{
	const char *url = payload;
	git_reference_iterator *it = NULL;
	git_reference *ref = NULL;
	int rc = 0;
	if (git_reference_iterator_glob_new(&it, repo, "refs/remotes/origin/*") != 0) {
		git_error_clear();
		return 0;
	}
	while (rc == 0 && git_reference_next(&ref, it) == 0) {
		git_commit *cm = NULL;
		git_tree *tree = NULL;
		const git_oid *id = git_reference_target(ref);
		if (id && git_commit_lookup(&cm, repo, id) == 0 && git_commit_tree(&tree, cm) == 0 &&
		    git_tree_entry_byname(tree, "circle.md"))
			rc = wol_error_set(err, WOL_EREFUSED,
			                   "journal: sync: the private remote %s holds a circle (circle.md "
			                   "in its branch %s); your journal is never pushed there. Give it "
			                   "a repository of its own: wol journal remote URL",
			                   url, git_reference_shorthand(ref) + strlen("origin/"));
		git_tree_free(tree);
		git_commit_free(cm);
		git_reference_free(ref);
		ref = NULL;
	}
	git_reference_iterator_free(it);
	git_error_clear();
	return rc;
}

/* After a sync killed in its checkout: the files it left (whole or cut
 * short versions of what it was writing) are put back as HEAD has them. */
static int repair(wol_ctx *ctx, git_repository *repo, const wol_sync_kind *k, wol_sync_result *r,
                  wol_error *err)
{
	git_oid ours, theirs;
	if (!wol_sync__ref_oid(repo, "HEAD", &ours) ||
	    !wol_sync__ref_oid(repo, "refs/remotes/origin/" WOL_PRIVATE_BRANCH, &theirs) ||
	    git_oid_equal(&ours, &theirs))
		return 0;
	git_commit *oc = NULL, *tc = NULL;
	git_tree *ot = NULL, *tt = NULL;
	int rc = 0;
	int grc = git_commit_lookup(&oc, repo, &ours);
	if (grc == 0)
		grc = git_commit_tree(&ot, oc);
	if (grc == 0)
		grc = git_commit_lookup(&tc, repo, &theirs);
	if (grc == 0)
		grc = git_commit_tree(&tt, tc);
	if (grc < 0)
		rc = wol_error_git(err, grc, "journal: sync: after a stopped sync");
	else
		rc = wol_sync__repair(repo, ot, tt, wol_ctx_identity(ctx)->handle, k, r, err);
	git_tree_free(tt);
	git_tree_free(ot);
	git_commit_free(tc);
	git_commit_free(oc);
	return rc;
}

int wol_sync_private(wol_ctx *ctx, const wol_sync_opts *opts, wol_sync_result *out,
                     wol_error *err)
{
	memset(out, 0, sizeof *out);
	wol_sync_opts defaults;
	memset(&defaults, 0, sizeof defaults);
	if (!opts)
		opts = &defaults;
	wol_remote_cb s;
	memset(&s, 0, sizeof s);
	s.opts = opts;
	s.prog.attempt = 1;
	wol_remote__emit(&s, "lock");
	git_repository *repo = NULL;
	git_remote *remote = NULL;
	wol_lock lock = {-1};
	char *gitdir = NULL, *lock_path = NULL;
	int locked = 0;
	/* a home without the history gets it now, with its first commit */
	int rc = wol_private__open(ctx, 1, &repo, NULL, err);
	if (rc)
		return rc;
	gitdir = wol_private__gitdir(ctx);
	lock_path = gitdir ? wol_strfmt("%s/wol-sync.lock", gitdir) : NULL;
	out->branch = wol_strfmt("%s", WOL_PRIVATE_BRANCH);
	if (!gitdir || !lock_path || !out->branch) {
		rc = wol_sync__oom(err);
		goto out;
	}
	rc = wol_lock_acquire(&lock, lock_path, opts->lock_wait_ms, err);
	if (rc == WOL_ELOCKED) {
		rc = wol_error_set(err, WOL_ELOCKED,
		                   "journal: sync: another sync of the journal is running; try again "
		                   "when it is done");
		goto out;
	}
	if (rc)
		goto out;
	locked = 1;
	int killed = 0;
	if ((rc = wol_sync__recover(gitdir, &killed, err)) != 0)
		goto out;
	wol_sync_kind k;
	memset(&k, 0, sizeof k);
	k.own = "";
	k.theirs = "the private remote";
	k.merge_subject = "journal: merge what the private remote holds";
	k.merge_kind = "journal";
	k.unrelated = 1;
	k.file_mode = 0600;
	k.dir_mode = 0700;
	k.fetch_spec = "+refs/heads/*:refs/remotes/origin/*";
	k.fetched = refuse_circle;
	if (killed && (rc = repair(ctx, repo, &k, out, err)) != 0)
		goto out;
	/* what is pending goes into the history first: then every word is in
	 * a commit the merge keeps */
	wol_private_commit c;
	if ((rc = wol_private__commit(ctx, WOL_PRIVATE_NOW, NULL, NULL, &c, err)) != 0)
		goto out;
	wol_private__commit_free(&c);
	int grc = git_remote_lookup(&remote, repo, "origin");
	if (grc == GIT_ENOTFOUND) {
		git_error_clear();
		rc = wol_error_set(err, WOL_ENOTFOUND,
		                   "journal: sync: the journal has no private remote; set one: wol "
		                   "journal remote URL (a private repository of your own)");
		goto out;
	}
	if (grc < 0) {
		rc = wol_error_git(err, grc, "journal: sync: remote origin");
		goto out;
	}
	const char *url = git_remote_url(remote);
	out->remote = wol_url_redact(url ? url : "");
	if (!out->remote) {
		rc = wol_sync__oom(err);
		goto out;
	}
	char *circle = NULL;
	if (url && wol_private__circle_remote(ctx, url, &circle)) {
		rc = wol_error_set(err, WOL_EREFUSED,
		                   "journal: sync: the private remote %s is the remote of circle '%s'; "
		                   "your journal never goes to a circle. Give it a repository of its "
		                   "own: wol journal remote URL",
		                   out->remote, circle ? circle : "?");
		free(circle);
		goto out;
	}
	k.payload = out->remote;
	if ((rc = wol_remote__init(&s, ctx, repo, opts, url ? url : "", "journal: sync", gitdir,
	                           err)) != 0)
		goto out;
	if (url && strcmp(url, s.url) != 0 && (grc = git_remote_set_instance_url(remote, s.url)) < 0) {
		rc = wol_error_git(err, grc, "journal: sync: remote origin");
		goto out;
	}
	if ((rc = wol_sync__rounds(ctx, repo, remote, &k, opts, &s, out, err)) != 0)
		goto out;
	wol_remote__emit(&s, "done");
out:
	if (repo) {
		size_t behind;
		wol_sync__ahead_behind(repo, WOL_PRIVATE_BRANCH, &out->ahead, &behind, NULL);
	}
	out->up_to_date = rc == 0 && !out->fast_forward && !out->merged && out->pushed == 0;
	wol_remote__finish(&s, 1);
	wol_remote__free(&s);
	git_remote_free(remote);
	git_repository_free(repo);
	if (locked)
		wol_sync__done(gitdir);
	wol_lock_release(&lock);
	free(gitdir);
	free(lock_path);
	return rc;
}
