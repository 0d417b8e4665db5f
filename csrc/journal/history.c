/* journal/history.c - the journal's private history from the user's side:
 * commit now, the versions of an entry (a revwalk on its path, through
 * csrc/repo/history.c), one old version, restoring it, the state, and the
 * private remote. The repository itself is csrc/repo/private.c. */
#include "journal/journal_int.h"
#include "people/people_int.h"
#include "repo/history.h"
#include "repo/private.h"
#include "repo/remote.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int oom(wol_error *err)
{
	return wol_error_set(err, WOL_ENOMEM, "out of memory");
}

void wol_journal_commit_result_free(wol_journal_commit_result *r)
{
	wol_private__commit_free(r);
}

int wol_journal_commit(wol_ctx *ctx, int force, wol_journal_commit_result *out, wol_error *err)
{
	return wol_private__commit(ctx, force, NULL, NULL, out, err);
}

/* `path` (absolute under $WOL_HOME, or relative to it) as a path relative
 * to $WOL_HOME that the history keeps (malloc'd). */
static int to_rel(const wol_ctx *ctx, const char *path, char **rel, wol_error *err)
{
	*rel = NULL;
	if (!path || !*path)
		return wol_error_set(err, WOL_EINVAL, "journal: history: no file given");
	if (path[0] == '/') {
		char *real = wol_fs_realpath(path);
		const char *home = wol_ctx_home(ctx);
		size_t hl = strlen(home);
		if (!real)
			return oom(err);
		if (strncmp(real, home, hl) == 0 && real[hl] == '/')
			*rel = wol_strfmt("%s", real + hl + 1);
		free(real);
		if (!*rel)
			return wol_error_set(err, WOL_EINVAL,
			                     "journal: history: %s is not in $WOL_HOME (%s)", path, home);
	} else {
		*rel = wol_strfmt("%s", path);
		if (!*rel)
			return oom(err);
	}
	if (!wol_private__holds(*rel)) {
		int rc = wol_error_set(err, WOL_EINVAL,
		                       "journal: history: '%s' is not kept in the private history "
		                       "(only files under journal/ and people/ are)",
		                       *rel);
		free(*rel);
		*rel = NULL;
		return rc;
	}
	return 0;
}

/* The commit `rev` names (an id, a unique prefix of one, or any revision
 * git understands: HEAD~2). */
static int find_rev(git_repository *repo, const char *rev, git_commit **out, wol_error *err)
{
	*out = NULL;
	if (!rev || !*rev || rev[0] == '-' || strlen(rev) > 200)
		return wol_error_set(err, WOL_EINVAL, "journal: history: '%s' is not a version",
		                     rev ? rev : "");
	git_object *obj = NULL;
	int grc = git_revparse_single(&obj, repo, rev);
	if (grc == 0)
		grc = git_object_peel((git_object **)out, obj, GIT_OBJECT_COMMIT);
	git_object_free(obj);
	if (grc == GIT_EAMBIGUOUS) {
		git_error_clear();
		return wol_error_set(err, WOL_EINVAL,
		                     "journal: history: '%s' names more than one version; give more "
		                     "of its digits",
		                     rev);
	}
	if (grc < 0) {
		git_error_clear();
		return wol_error_set(err, WOL_ENOTFOUND,
		                     "journal: history: no version '%s' (wol journal log lists them)",
		                     rev);
	}
	return 0;
}

/* The blob of `rel` in `commit`: WOL_ENOTFOUND when it was not there. */
static int blob_at(git_repository *repo, git_commit *commit, const char *rel, git_blob **blob,
                   wol_error *err)
{
	*blob = NULL;
	git_tree *tree = NULL;
	git_tree_entry *e = NULL;
	int grc = git_commit_tree(&tree, commit);
	if (grc < 0)
		return wol_error_git(err, grc, "journal: history");
	grc = git_tree_entry_bypath(&e, tree, rel);
	int rc = 0;
	char id[9];
	git_oid_tostr(id, sizeof id, git_commit_id(commit));
	if (grc == GIT_ENOTFOUND || (grc == 0 && git_tree_entry_type(e) != GIT_OBJECT_BLOB)) {
		git_error_clear();
		rc = wol_error_set(err, WOL_ENOTFOUND, "journal: history: %s was not there in version %s",
		                   rel, id);
	} else if (grc < 0 || (grc = git_blob_lookup(blob, repo, git_tree_entry_id(e))) < 0) {
		rc = wol_error_git(err, grc, "journal: history");
	}
	git_tree_entry_free(e);
	git_tree_free(tree);
	return rc;
}

/* ------------------------------------------------------------ history */

void wol_journal_versions_free(wol_journal_versions *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n; i++) {
		free(v->items[i].path);
		free(v->items[i].status);
		free(v->items[i].subject);
	}
	free(v->items);
	memset(v, 0, sizeof *v);
}

static const char *status_name(git_delta_t st)
{
	return st == GIT_DELTA_ADDED ? "added" : st == GIT_DELTA_DELETED ? "deleted" : "modified";
}

int wol_journal_history(wol_ctx *ctx, const char *path, size_t limit,
                        wol_journal_versions *out, wol_error *err)
{
	memset(out, 0, sizeof *out);
	char *rel = NULL;
	int rc = path ? to_rel(ctx, path, &rel, err) : 0;
	if (rc)
		return rc;
	/* the newest version is what the files hold now; a home that cannot
	 * be written (a read-only mount) shows what was committed */
	wol_private_commit c;
	if (wol_private__commit(ctx, WOL_PRIVATE_NOW, NULL, NULL, &c, NULL) == 0)
		wol_private__commit_free(&c);
	git_repository *repo = NULL;
	wol_change *ch = NULL;
	size_t nch = 0;
	git_commit *cm = NULL;
	if ((rc = wol_private__open(ctx, 0, &repo, NULL, err)) == WOL_ENOTFOUND) {
		wol_error_clear(err);
		free(rel);
		return 0; /* no history at all */
	}
	if (rc)
		goto out;
	git_oid head;
	if (git_reference_name_to_id(&head, repo, "HEAD") != 0) {
		git_error_clear();
		goto out; /* nothing committed yet */
	}
	if ((rc = wol_history__changes(repo, NULL, rel, &head, NULL, &ch, &nch, err)) != 0)
		goto out;
	size_t n = limit && limit < nch ? limit : nch;
	out->items = calloc(n ? n : 1, sizeof *out->items);
	if (!out->items) {
		rc = oom(err);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		wol_journal_version *v = &out->items[out->n++];
		memcpy(v->commit, ch[i].commit, sizeof v->commit);
		v->path = wol_strfmt("%s", ch[i].path);
		v->status = wol_strfmt("%s", status_name(ch[i].status));
		v->time = ch[i].time;
		git_oid id;
		if (!cm || strcmp(git_oid_tostr_s(git_commit_id(cm)), ch[i].commit) != 0) {
			git_commit_free(cm);
			cm = NULL;
			if (git_oid_fromstr(&id, ch[i].commit) != 0 || git_commit_lookup(&cm, repo, &id) != 0)
				git_error_clear();
		}
		const char *s = cm ? git_commit_summary(cm) : NULL;
		v->subject = wol_strfmt("%s", s ? s : "");
		if (!v->path || !v->status || !v->subject) {
			rc = oom(err);
			break;
		}
	}
out:
	git_commit_free(cm);
	wol_changes__free(ch, nch);
	git_repository_free(repo);
	free(rel);
	if (rc)
		wol_journal_versions_free(out);
	return rc;
}

int wol_journal_show(wol_ctx *ctx, const char *path, const char *rev, char **text,
                     size_t *len, wol_error *err)
{
	*text = NULL;
	*len = 0;
	char *rel = NULL;
	int rc = to_rel(ctx, path, &rel, err);
	if (rc)
		return rc;
	git_repository *repo = NULL;
	git_commit *cm = NULL;
	git_blob *blob = NULL;
	if ((rc = wol_private__open(ctx, 0, &repo, NULL, err)) != 0 ||
	    (rc = find_rev(repo, rev, &cm, err)) != 0 || (rc = blob_at(repo, cm, rel, &blob, err)) != 0)
		goto out;
	*len = (size_t)git_blob_rawsize(blob);
	*text = malloc(*len + 1);
	if (!*text) {
		rc = oom(err);
		goto out;
	}
	memcpy(*text, git_blob_rawcontent(blob), *len);
	(*text)[*len] = '\0';
out:
	git_blob_free(blob);
	git_commit_free(cm);
	git_repository_free(repo);
	free(rel);
	return rc;
}

/* ------------------------------------------------------------ restore */

/* Writes `data` at $WOL_HOME/rel under the lock of its folder. */
static int write_back(wol_ctx *ctx, const char *rel, const char *data, size_t len,
                      int *same, wol_error *err)
{
	*same = 0;
	wol_lock lk = {-1};
	char *dir = NULL, *lockpath = NULL;
	int rc;
	if (strncmp(rel, "people/", 7) == 0) {
		rc = wol_people__lock(ctx, &lk, &dir, err);
	} else {
		lockpath = wol_journal__lock_path(ctx);
		rc = lockpath ? wol_ctx_mkdir(ctx, "journal", 0700, NULL, err) : oom(err);
		if (rc == 0)
			rc = wol_lock_acquire(&lk, lockpath, WOL_JOURNAL_LOCK_WAIT_MS, err);
	}
	char *full = wol_strfmt("%s/%s", wol_ctx_home(ctx), rel);
	char *parent = full ? wol_strfmt("%s", full) : NULL;
	if (rc == 0 && (!full || !parent))
		rc = oom(err);
	if (rc)
		goto out;
	*strrchr(parent, '/') = '\0';
	struct stat st;
	mode_t mode = 0600;
	if (lstat(full, &st) == 0) {
		if (!S_ISREG(st.st_mode)) {
			rc = wol_error_set(err, WOL_EINVAL, "journal: restore: %s is not a regular file "
			                   "(left alone)", full);
			goto out;
		}
		mode = st.st_mode & 0777;
		char *have = NULL;
		size_t hlen = 0;
		if (wol_fs_read(full, len + 1, 1, &have, &hlen, NULL) == 0 && hlen == len &&
		    memcmp(have, data, len) == 0)
			*same = 1;
		free(have);
	}
	wol_fs_remove_temps(full); /* we hold the lock every writer of it holds */
	if (!*same && (rc = wol_fs_mkdirs(parent, 0700, err)) == 0)
		rc = wol_fs_write_atomic(full, data, len, mode, err);
out:
	wol_lock_release(&lk);
	free(full);
	free(parent);
	free(dir);
	free(lockpath);
	return rc;
}

int wol_journal_restore(wol_ctx *ctx, const char *path, const char *rev,
                        wol_journal_commit_result *out, wol_error *err)
{
	memset(out, 0, sizeof *out);
	char *rel = NULL;
	int rc = to_rel(ctx, path, &rel, err);
	if (rc)
		return rc;
	git_repository *repo = NULL;
	git_commit *cm = NULL;
	git_blob *blob = NULL;
	/* what the file holds now goes into the history first */
	wol_private_commit before;
	if ((rc = wol_private__commit(ctx, WOL_PRIVATE_NOW, NULL, NULL, &before, err)) != 0)
		goto out;
	wol_private__commit_free(&before);
	if ((rc = wol_private__open(ctx, 1, &repo, NULL, err)) != 0 ||
	    (rc = find_rev(repo, rev, &cm, err)) != 0 || (rc = blob_at(repo, cm, rel, &blob, err)) != 0)
		goto out;
	int same = 0;
	rc = write_back(ctx, rel, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob), &same,
	                err);
	if (rc || same)
		goto out; /* already as that version had it: nothing to commit */
	char id[9], name[300];
	git_oid_tostr(id, sizeof id, git_commit_id(cm));
	const char *base = strrchr(rel, '/') + 1;
	size_t bl = strlen(base);
	snprintf(name, sizeof name, "%s%.*s", strncmp(rel, "people/", 7) == 0 ? "people/" : "",
	         (int)(bl > 3 && strcmp(base + bl - 3, ".md") == 0 ? bl - 3 : bl), base);
	char *subject = wol_strfmt("journal: restore %s as of %s", name, id);
	char *trailer = wol_strfmt("Wol-Restored-From: %s\n", git_oid_tostr_s(git_commit_id(cm)));
	rc = subject && trailer
	         ? wol_private__commit(ctx, WOL_PRIVATE_NOW, subject, trailer, out, err)
	         : oom(err);
	free(subject);
	free(trailer);
out:
	git_blob_free(blob);
	git_commit_free(cm);
	git_repository_free(repo);
	free(rel);
	return rc;
}

/* -------------------------------------------------------------- state */

void wol_journal_state_free(wol_journal_state *s)
{
	if (!s)
		return;
	free(s->remote);
	memset(s, 0, sizeof *s);
}

int wol_journal_state_get(wol_ctx *ctx, wol_journal_state *out, wol_error *err)
{
	memset(out, 0, sizeof *out);
	git_repository *repo = NULL;
	int rc = wol_private__open(ctx, 0, &repo, NULL, err);
	if (rc == WOL_ENOTFOUND) {
		wol_error_clear(err);
		return 0;
	}
	if (rc)
		return rc;
	out->exists = 1;
	out->pending = wol_private__pending(ctx, &out->due_in);
	git_oid head, remote;
	int has_head = git_reference_name_to_id(&head, repo, "HEAD") == 0;
	int has_remote =
	    git_reference_name_to_id(&remote, repo, "refs/remotes/origin/" WOL_PRIVATE_BRANCH) == 0;
	git_error_clear();
	if (has_head) {
		git_oid_tostr(out->head, sizeof out->head, &head);
		git_revwalk *w = NULL;
		git_oid id;
		if (git_revwalk_new(&w, repo) == 0 && git_revwalk_push(w, &head) == 0)
			while (git_revwalk_next(&id, w) == 0)
				out->commits++;
		git_revwalk_free(w);
	}
	out->remote_known = has_remote;
	if (has_head && has_remote)
		git_graph_ahead_behind(&out->ahead, &out->behind, repo, &head, &remote);
	else if (has_head)
		out->ahead = out->commits;
	git_remote *r = NULL;
	if (git_remote_lookup(&r, repo, "origin") == 0 && git_remote_url(r)) {
		out->remote = wol_url_redact(git_remote_url(r));
		if (!out->remote)
			rc = oom(err);
	}
	git_remote_free(r);
	git_error_clear();
	git_repository_free(repo);
	if (rc)
		wol_journal_state_free(out);
	return rc;
}

/* ------------------------------------------------------------- remote */

int wol_journal_remote_set(wol_ctx *ctx, const char *url, wol_error *err)
{
	if (!url)
		return wol_error_set(err, WOL_EINVAL, "journal: remote: no URL given");
	for (const unsigned char *p = (const unsigned char *)url; *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p == ' ')
			return wol_error_set(err, WOL_EINVAL,
			                     "journal: remote: the URL has a space or a control character");
	if (url[0] == '-')
		return wol_error_set(err, WOL_EINVAL, "journal: remote: '%s' is not a URL", url);
	char *circle = NULL;
	if (*url && wol_private__circle_remote(ctx, url, &circle)) {
		char *shown = wol_url_redact(url);
		int rc = wol_error_set(err, WOL_EREFUSED,
		                       "journal: remote: %s is the remote of circle '%s'; your journal "
		                       "never goes to a circle. Give it a private repository of its own",
		                       shown ? shown : "the URL", circle ? circle : "?");
		free(shown);
		free(circle);
		return rc;
	}
	git_repository *repo = NULL;
	int rc = wol_private__open(ctx, 1, &repo, NULL, err);
	if (rc)
		return rc;
	wol_remote_cb s;
	memset(&s, 0, sizeof s);
	if (*url && (rc = wol_remote__init(&s, ctx, repo, NULL, url, "journal: remote", NULL, err)))
		goto out;
	if (s.url_pass) {
		/* never written into a config file, and not kept anywhere else */
		rc = wol_error_set(err, WOL_EINVAL,
		                   "journal: remote: the URL holds a password, which wol never writes "
		                   "down; give the URL without it and let a git credential helper or "
		                   "WOL_GIT_TOKEN provide it (see :help wol-remotes)");
		goto out;
	}
	/* a new remote starts afresh: what was fetched from the old one goes */
	int grc = git_remote_delete(repo, "origin");
	if (grc < 0 && grc != GIT_ENOTFOUND) {
		rc = wol_error_git(err, grc, "journal: remote");
		goto out;
	}
	git_error_clear();
	if (*url) {
		git_remote *r = NULL;
		grc = git_remote_create(&r, repo, "origin", s.url);
		git_remote_free(r);
		if (grc < 0)
			rc = wol_error_git(err, grc, "journal: remote");
	}
out:
	wol_remote__free(&s);
	git_repository_free(repo);
	return rc;
}
