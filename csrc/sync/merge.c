/* merge.c - bringing fetched commits into the branch: a fast-forward or a
 * merge in memory whose conflicts keep both sides, a safe checkout, and a
 * compare-and-swap of the branch. */
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

/* The remote as messages name it. */
static const char *theirs_of(const wol_sync_kind *k)
{
	return k && k->theirs ? k->theirs : "the circle";
}

typedef struct checkout_conflicts {
	char list[600];
	int n;
} checkout_conflicts;

static int cb_checkout_notify(git_checkout_notify_t why, const char *path,
                              const git_diff_file *baseline, const git_diff_file *target,
                              const git_diff_file *workdir, void *payload)
{
	(void)why;
	(void)baseline;
	(void)target;
	(void)workdir;
	checkout_conflicts *c = payload;
	size_t n = strlen(c->list);
	if (c->n++ < 5)
		snprintf(c->list + n, sizeof c->list - n, "%s%s", n ? ", " : "", path);
	return 0;
}

/* Whether a path another member committed must not be written here: what
 * wol_path_check refuses, a component longer than a file name can be, or
 * a ".git" component at any depth (any case). */
static int unsafe_path(const char *p)
{
	if (wol_path_check(p, NULL) != 0)
		return 1;
	for (const char *s = p; *s;) {
		const char *e = strchr(s, '/');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		if (len > 255 || (len == 4 && strncasecmp(s, ".git", 4) == 0))
			return 1;
		if (!e)
			break;
		s = e + 1;
	}
	return 0;
}

/* The paths that change from `from` to `to`, split into those safe to
 * write and the rest; a warning is added to r for each one left out. */
static int safe_paths(git_repository *repo, git_tree *from, git_tree *to, wol_sync_result *r,
                      char ***ok, size_t *nok, size_t *nbad)
{
	*ok = NULL;
	*nok = *nbad = 0;
	git_diff *diff = NULL;
	git_diff_options dopts;
	git_diff_options_init(&dopts, GIT_DIFF_OPTIONS_VERSION);
	int grc = git_diff_tree_to_tree(&diff, repo, from, to, &dopts);
	if (grc < 0)
		return grc;
	size_t n = git_diff_num_deltas(diff);
	for (size_t i = 0; i < n; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		const char *path = d->status == GIT_DELTA_DELETED ? d->old_file.path : d->new_file.path;
		if (!unsafe_path(path)) {
			wol_sync__push_str(ok, nok, wol_strfmt("%s", path));
			continue;
		}
		(*nbad)++;
		/* shown without its control characters, and cut short */
		char shown[120];
		size_t k = 0;
		for (const unsigned char *c = (const unsigned char *)path; *c && k < sizeof shown - 4; c++)
			shown[k++] = *c < 0x20 || *c == 0x7f ? '?' : (char)*c;
		shown[k] = '\0';
		if (strlen(path) > k)
			strcpy(shown + k, "...");
		wol_sync__push_str(&r->warnings, &r->nwarnings,
		         wol_strfmt("wol: sync: not written: '%s' from the circle is not a safe path "
		                    "(it stays in the repository)",
		                    shown));
	}
	git_diff_free(diff);
	return 0;
}

/* ---------------------------------- a checkout that was stopped part way */

/* Whether the file `full` holds the first bytes of `blob` (fewer of them:
 * a write cut short; zero bytes too). */
static int is_cut_short(const char *full, const struct stat *st, git_blob *blob)
{
	git_object_size_t bsize = git_blob_rawsize(blob);
	if ((git_object_size_t)st->st_size >= bsize)
		return 0;
	int fd = open(full, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return 0;
	const char *want = git_blob_rawcontent(blob);
	char buf[65536];
	size_t off = 0;
	int same = 1;
	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			same = n == 0 && off == (size_t)st->st_size;
			break;
		}
		if (off + (size_t)n > (size_t)bsize || memcmp(buf, want + off, (size_t)n) != 0) {
			same = 0;
			break;
		}
		off += (size_t)n;
	}
	close(fd);
	return same;
}

/* Puts `path` back as HEAD has it: the blob of `from`, or no file. */
static int put_back(git_repository *repo, const char *full, const git_tree_entry *from,
                    const wol_sync_kind *k, wol_error *err)
{
	if (!from) {
		if (unlink(full) != 0 && errno != ENOENT)
			return wol_error_set(err, WOL_EIO, "sync: %s: %s", full, strerror(errno));
		return 0;
	}
	git_blob *blob = NULL;
	int grc = git_blob_lookup(&blob, repo, git_tree_entry_id(from));
	if (grc < 0)
		return wol_error_git(err, grc, "sync: checkout");
	mode_t mode = k && k->file_mode ? (mode_t)k->file_mode
	              : git_tree_entry_filemode(from) == GIT_FILEMODE_BLOB_EXECUTABLE ? 0755
	                                                                             : 0644;
	int rc = wol_fs_write_atomic(full, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob),
	                             mode, err);
	git_blob_free(blob);
	return rc;
}

/* Copies `full` to <gitdir>/wol-kept/<stamp>/<path> before it is put back. */
static char *keep_copy(git_repository *repo, const char *full, const char *path, wol_error *err)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
	char *dst = wol_strfmt("%swol-kept/%s/%s", git_repository_path(repo), stamp, path);
	char *text = NULL;
	size_t len = 0;
	int rc = dst ? wol_fs_read(full, (size_t)1 << 30, 1, &text, &len, err) : wol_sync__oom(err);
	if (rc == 0) {
		char *dir = wol_strfmt("%s", dst);
		char *slash = dir ? strrchr(dir, '/') : NULL;
		if (slash)
			*slash = '\0';
		rc = dir ? wol_fs_mkdirs(dir, 0700, err) : wol_sync__oom(err);
		free(dir);
	}
	if (rc == 0)
		rc = wol_fs_write_atomic(dst, text, len, 0600, err);
	free(text);
	if (rc) {
		free(dst);
		return NULL;
	}
	return dst;
}

/* A sync stopped while it wrote the work tree (killed, or out of time)
 * leaves some files of the commit it was checking out, whole or cut short,
 * in git's eyes local changes: a checkout would refuse them and the circle
 * would stay stuck. Before checking out from `from` to `to`, each path that
 * changes is looked at:
 *   - as HEAD has it, or as `to` has it: fine (a new file that is already
 *     there whole is removed, so that the checkout writes it as its own);
 *   - the first bytes of `to`'s version (a write cut short): put back as
 *     HEAD has it; nothing is lost, the checkout writes the whole;
 *   - anything else outside notes/<me>/ (another member's note, a record,
 *     changed here and not shared): kept under .git/wol-kept/ with a
 *     warning, then put back. In notes/<me>/ it is left alone: those are
 *     the member's own words, and the checkout refuses as before. */
static int repair_stopped(git_repository *repo, git_tree *from, git_tree *to,
                          const char *me, const wol_sync_kind *k, int undo_whole,
                          wol_sync_result *r, wol_error *err)
{
	const char *workdir = git_repository_workdir(repo);
	git_diff *diff = NULL;
	git_diff_options o;
	git_diff_options_init(&o, GIT_DIFF_OPTIONS_VERSION);
	int grc = git_diff_tree_to_tree(&diff, repo, from, to, &o);
	if (grc < 0)
		return wol_error_git(err, grc, "sync: checkout");
	char *own = k && k->own ? wol_strfmt("%s", k->own) : wol_strfmt("notes/%s/", me && *me ? me : "");
	int rc = own ? 0 : wol_sync__oom(err);
	size_t n = git_diff_num_deltas(diff);
	for (size_t i = 0; i < n && rc == 0; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		const char *path = d->status == GIT_DELTA_DELETED ? d->old_file.path : d->new_file.path;
		if (unsafe_path(path) || d->status == GIT_DELTA_DELETED)
			continue; /* never written here / a removal is safe to redo */
		int mine = ((k && k->own) || (me && *me)) && strncmp(path, own, strlen(own)) == 0;
		char *full = wol_strfmt("%s%s", workdir, path);
		if (!full) {
			rc = wol_sync__oom(err);
			break;
		}
		git_tree_entry *fe = NULL;
		if (from && git_tree_entry_bypath(&fe, from, path) < 0) {
			git_error_clear();
			fe = NULL;
		}
		struct stat st;
		git_oid oid;
		git_blob *tb = NULL;
		if (lstat(full, &st) != 0) {
			/* missing: a file of someone else comes back as HEAD has it */
			if (fe && !mine && git_tree_entry_type(fe) == GIT_OBJECT_BLOB)
				rc = put_back(repo, full, fe, k, err);
		} else if (!S_ISREG(st.st_mode) || (fe && git_tree_entry_type(fe) != GIT_OBJECT_BLOB)) {
			/* a directory or a link: the checkout decides */
		} else if (git_odb_hashfile(&oid, full, GIT_OBJECT_BLOB) < 0) {
			git_error_clear();
		} else if (fe && git_oid_equal(&oid, git_tree_entry_id(fe))) {
			/* as HEAD has it */
		} else if (git_oid_equal(&oid, &d->new_file.id)) {
			if (!fe || undo_whole)
				rc = put_back(repo, full, fe, k, err);
		} else if (git_blob_lookup(&tb, repo, &d->new_file.id) == 0 &&
		           is_cut_short(full, &st, tb)) {
			rc = put_back(repo, full, fe, k, err);
		} else if (!mine) {
			git_error_clear();
			char *kept = keep_copy(repo, full, path, err);
			rc = kept ? put_back(repo, full, fe, k, err) : (err ? err->code : WOL_EIO);
			if (rc == 0)
				rc = wol_sync__push_str(&r->warnings, &r->nwarnings,
				              wol_strfmt("wol: sync: %s was changed here but not shared (it "
				                         "is not in your folder); your copy is kept as %s and "
				                         "the circle's version was written",
				                         path, kept));
			free(kept);
		}
		git_error_clear();
		git_blob_free(tb);
		git_tree_entry_free(fe);
		free(full);
	}
	free(own);
	git_diff_free(diff);
	return rc;
}

/* Brings the working tree from `from` to `to`; refuses (changing nothing)
 * when that would overwrite edits that are not committed. Paths that are
 * not safe to write (a member's '..', '.git', control characters, names
 * too long) are left out with a warning rather than failing every sync. */
static int checkout(git_repository *repo, git_tree *from, git_tree *to, const char *me,
                    const wol_sync_kind *k, wol_sync_result *r, wol_error *err)
{
	int rrc = repair_stopped(repo, from, to, me, k, 0, r, err);
	if (rrc)
		return rrc;
	git_checkout_options co;
	git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
	checkout_conflicts c;
	memset(&c, 0, sizeof c);
	co.checkout_strategy = GIT_CHECKOUT_SAFE;
	if (k && k->file_mode)
		co.file_mode = k->file_mode;
	if (k && k->dir_mode)
		co.dir_mode = k->dir_mode;
	char **ok = NULL;
	size_t nok = 0, nbad = 0;
	int grc = safe_paths(repo, from, to, r, &ok, &nok, &nbad);
	if (grc < 0)
		return wol_error_git(err, grc, "sync: checkout");
	if (nbad) {
		if (nok == 0) {
			free(ok);
			return 0; /* nothing safe to write */
		}
		co.paths.strings = ok;
		co.paths.count = nok;
		co.checkout_strategy |= GIT_CHECKOUT_DISABLE_PATHSPEC_MATCH;
	}
	co.baseline = from;
	co.notify_flags = GIT_CHECKOUT_NOTIFY_CONFLICT;
	co.notify_cb = cb_checkout_notify;
	co.notify_payload = &c;
	int rc = 0;
	for (int tries = 0; tries < 50; tries++) {
		rc = git_checkout_tree(repo, (const git_object *)to, &co);
		if (rc != GIT_ELOCKED)
			break;
		/* someone (git, a share) holds index.lock: wait briefly */
		git_error_clear();
		struct timespec ts = {0, 20 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	for (size_t i = 0; i < nok; i++)
		free(ok[i]);
	free(ok);
	if ((rc == GIT_ECONFLICT || (rc < 0 && c.n)) && k && k->own)
		return wol_error_set(err, WOL_ECONFLICT,
		                     "sync: %s changed on disk while the sync ran, and %s changed %s "
		                     "too; sync again (your text is committed first, then both versions "
		                     "are kept; nothing was changed)",
		                     c.list[0] ? c.list : "a file", theirs_of(k), c.n > 1 ? "them" : "it");
	if (rc == GIT_ECONFLICT || (rc < 0 && c.n))
		return wol_error_set(err, WOL_ECONFLICT,
		                     "sync: %s changed on disk but not shared, and the circle changed "
		                     "%s too; share it (or copy it away) and sync again (nothing was "
		                     "changed)",
		                     c.list[0] ? c.list : "a file", c.n > 1 ? "them" : "it");
	if (rc < 0)
		return wol_error_git(err, rc, "sync: checkout");
	return 0;
}

/* Moves refs/heads/<branch> from `old` (NULL: unborn) to `new_id`, failing
 * when someone else moved it meanwhile. */
static int move_branch(git_repository *repo, const char *branch, const git_oid *old,
                       const git_oid *new_id, const char *msg, wol_error *err)
{
	char name[300];
	snprintf(name, sizeof name, "refs/heads/%s", branch);
	git_reference *ref = NULL;
	int rc = old ? git_reference_create_matching(&ref, repo, name, new_id, 1, old, msg)
	             : git_reference_create(&ref, repo, name, new_id, 0, msg);
	git_reference_free(ref);
	if (rc == GIT_EMODIFIED || rc == GIT_EEXISTS)
		return wol_error_set(err, WOL_ECONFLICT,
		                     "sync: the branch %s moved during the sync (a share?); sync again",
		                     branch);
	if (rc < 0)
		return wol_error_git(err, rc, "sync: update branch");
	return 0;
}

/* "dir/x.md" -> "dir/x.conflict-<short>.md", unique in `idx`. */
static char *conflict_name(git_index *idx, const char *path, const char *shortid)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	const char *dot = strrchr(base, '.');
	if (!dot || dot == base)
		dot = base + strlen(base);
	for (int i = 1; i < 100; i++) {
		char suffix[16] = "";
		if (i > 1)
			snprintf(suffix, sizeof suffix, "-%d", i);
		char *name = wol_strfmt("%.*s.conflict-%s%s%s", (int)(dot - path), path, shortid, suffix,
		                        dot);
		if (!name || !git_index_get_bypath(idx, name, 0))
			return name;
		free(name);
	}
	return NULL;
}

static int stage(git_index *idx, const git_index_entry *src, const char *path)
{
	git_index_entry e;
	memset(&e, 0, sizeof e);
	e.mode = src->mode;
	e.id = src->id;
	e.file_size = src->file_size;
	e.path = path;
	return git_index_add(idx, &e);
}

typedef struct conflict_entry {
	git_index_entry ours, theirs;
	int has_ours, has_theirs;
	char *path, *our_path, *their_path;
} conflict_entry;

/* Resolves every conflict in `idx` by keeping both sides: ours stays at
 * the path, theirs is added next to it. */
static int resolve_conflicts(git_index *idx, const char *shortid, const wol_sync_kind *kind,
                             wol_sync_result *r, wol_buf *msg, wol_error *err)
{
	git_index_conflict_iterator *it = NULL;
	conflict_entry *v = NULL;
	size_t n = 0;
	int rc = git_index_conflict_iterator_new(&it, idx);
	if (rc < 0)
		return wol_error_git(err, rc, "sync: merge");
	const git_index_entry *anc, *ours, *theirs;
	while (git_index_conflict_next(&anc, &ours, &theirs, it) == 0) {
		conflict_entry *nv = realloc(v, (n + 1) * sizeof *nv);
		if (!nv) {
			rc = WOL_ENOMEM;
			break;
		}
		v = nv;
		conflict_entry *c = &v[n++];
		memset(c, 0, sizeof *c);
		if (ours) {
			c->ours = *ours;
			c->has_ours = 1;
			c->our_path = wol_strfmt("%s", ours->path);
		}
		if (theirs) {
			c->theirs = *theirs;
			c->has_theirs = 1;
			c->their_path = wol_strfmt("%s", theirs->path);
		}
		c->path = wol_strfmt("%s", ours ? ours->path : theirs ? theirs->path : anc->path);
	}
	git_index_conflict_iterator_free(it);
	git_error_clear();
	for (size_t i = 0; i < n && rc == 0; i++) {
		conflict_entry *c = &v[i];
		if (!c->path || (c->has_ours && !c->our_path) || (c->has_theirs && !c->their_path)) {
			rc = WOL_ENOMEM;
			break;
		}
		if (git_index_conflict_remove(idx, c->path) < 0)
			git_error_clear();
		if (c->has_theirs && c->their_path && strcmp(c->their_path, c->path) != 0 &&
		    git_index_conflict_remove(idx, c->their_path) < 0)
			git_error_clear();
		if (c->has_ours)
			rc = stage(idx, &c->ours, c->our_path);
		if (rc == 0 && c->has_theirs &&
		    (!c->has_ours || !git_oid_equal(&c->ours.id, &c->theirs.id))) {
			if (!c->has_ours) {
				/* deleted here, changed there: the changed text comes back */
				rc = stage(idx, &c->theirs, c->their_path);
				if (rc == 0)
					rc = wol_sync__push_str(&r->warnings, &r->nwarnings,
					              wol_strfmt("wol: sync: %s was deleted here but changed by "
					                         "%s; it was kept",
					                         c->their_path, theirs_of(kind)));
				continue;
			}
			char *name = conflict_name(idx, c->path, shortid);
			if (!name) {
				rc = WOL_ENOMEM;
				break;
			}
			rc = stage(idx, &c->theirs, name);
			if (rc == 0) {
				wol_sync_conflict *nc =
				    realloc(r->conflicts, (r->nconflicts + 1) * sizeof *nc);
				if (!nc) {
					free(name);
					rc = WOL_ENOMEM;
					break;
				}
				r->conflicts = nc;
				wol_sync_conflict *k = &nc[r->nconflicts++];
				k->path = wol_strfmt("%s", c->path);
				k->kept_as = name;
				k->member = NULL;
				const char *slash;
				if (strncmp(c->path, "notes/", 6) == 0 &&
				    (slash = strchr(c->path + 6, '/')) != NULL)
					k->member = wol_strndup(c->path + 6, (size_t)(slash - c->path - 6));
				if (kind && kind->theirs)
					wol_buf_printf(msg, "Kept both versions of %s: the copy from %s is %s\n",
					               c->path, kind->theirs, name);
				else
					wol_buf_printf(msg, "Kept both versions of %s: the circle's copy is %s\n",
					               c->path, name);
			} else {
				free(name);
			}
		}
	}
	for (size_t i = 0; i < n; i++) {
		free(v[i].path);
		free(v[i].our_path);
		free(v[i].their_path);
	}
	free(v);
	if (rc == WOL_ENOMEM)
		return wol_sync__oom(err);
	if (rc < 0)
		return wol_error_git(err, rc, "sync: keep both versions");
	return 0;
}

static int signature(wol_ctx *ctx, git_signature **sig, wol_error *err)
{
	const wol_identity *id = wol_ctx_identity(ctx);
	const char *handle = id->handle[0] ? id->handle : "wol";
	char email[128];
	if (id->email && *id->email)
		snprintf(email, sizeof email, "%s", id->email);
	else
		snprintf(email, sizeof email, "%s@localhost", handle);
	int rc = git_signature_now(sig, id->name && *id->name ? id->name : handle, email);
	if (rc < 0)
		return wol_error_git(err, rc, "sync: signature");
	return 0;
}

/* Brings what was fetched into the branch: nothing, a fast-forward, or a
 * merge commit. */
int wol_sync__integrate(wol_ctx *ctx, git_repository *repo, const char *branch,
                        const wol_sync_kind *k, wol_remote_cb *s, wol_sync_result *r,
                        wol_error *err)
{
	char local[300], remote[300];
	snprintf(local, sizeof local, "refs/heads/%s", branch);
	snprintf(remote, sizeof remote, "refs/remotes/origin/%s", branch);
	git_oid our_id, their_id, base;
	int has_ours = wol_sync__ref_oid(repo, local, &our_id);
	if (!wol_sync__ref_oid(repo, remote, &their_id))
		return 0; /* the remote has no such branch yet */
	if (has_ours && git_oid_equal(&our_id, &their_id))
		return 0;
	/* shares (csrc/repo/commit.c) commit under this lock: hold it while the
	 * branch and the work tree move, so the two never interleave */
	wol_lock commit_lock = {-1};
	char *lock_path = wol_strfmt("%s" WOL_COMMIT_LOCK, git_repository_path(repo));
	if (!lock_path)
		return wol_sync__oom(err);
	int lrc = wol_lock_acquire(&commit_lock, lock_path, 10000, err);
	free(lock_path);
	if (lrc)
		return lrc;
	has_ours = wol_sync__ref_oid(repo, local, &our_id); /* read again under the lock */
	if (has_ours && git_oid_equal(&our_id, &their_id)) {
		wol_lock_release(&commit_lock);
		return 0;
	}
	const char *me = wol_ctx_identity(ctx)->handle;
	const char *workdir = git_repository_workdir(repo);
	git_commit *ours = NULL, *theirs = NULL;
	git_tree *our_tree = NULL, *their_tree = NULL, *new_tree = NULL;
	git_index *idx = NULL;
	git_signature *sig = NULL;
	wol_buf msg;
	wol_buf_init(&msg);
	int rc = 0, grc = 0;
	int ff = !has_ours, unrelated = 0;
	wol_change *ch = NULL; /* the arrived commits' changes, who made them */
	size_t nch = 0;
	if (has_ours) {
		grc = git_merge_base(&base, repo, &our_id, &their_id);
		if (grc == 0 && git_oid_equal(&base, &their_id))
			goto out; /* we are ahead: nothing to bring in */
		if (grc == 0 && git_oid_equal(&base, &our_id))
			ff = 1;
		else if (grc < 0 && grc != GIT_ENOTFOUND)
			goto git_fail;
		git_error_clear();
		if (grc == GIT_ENOTFOUND && k && k->unrelated) {
			unrelated = 1; /* merged below from an empty ancestor */
		} else if (grc == GIT_ENOTFOUND) {
			/* two circles that never met: never merged, nothing touched */
			rc = wol_error_set(err, WOL_ECONFLICT,
			                   "sync: the remote's branch %s and this circle have no history in "
			                   "common (unrelated histories: the remote holds another circle); "
			                   "nothing was changed. To take part in that circle: wol join URL "
			                   "NAME; to keep this one, give it a remote of its own: git -C %s "
			                   "remote set-url origin URL",
			                   branch, workdir);
			goto out;
		}
		grc = 0;
	}
	if ((grc = git_commit_lookup(&theirs, repo, &their_id)) < 0 ||
	    (grc = git_commit_tree(&their_tree, theirs)) < 0)
		goto git_fail;
	if (has_ours && ((grc = git_commit_lookup(&ours, repo, &our_id)) < 0 ||
	                 (grc = git_commit_tree(&our_tree, ours)) < 0))
		goto git_fail;
	if (ff) {
		wol_remote__emit(s, "checkout");
		if ((rc = checkout(repo, our_tree, their_tree, me, k, r, err)) != 0)
			goto out;
		if ((rc = move_branch(repo, branch, has_ours ? &our_id : NULL, &their_id,
		                      "wol sync: fast-forward", err)) != 0)
			goto out;
		r->fast_forward = 1;
		if ((rc = wol_sync__arrived_changes(repo, has_ours ? &our_id : NULL, &their_id, r, &ch,
		                                    &nch, err)) != 0)
			goto out;
		if ((rc = wol_sync__record_changes(repo, workdir, our_tree, their_tree, r, me, ch, nch,
		                                   err)) != 0)
			goto out;
		goto out;
	}
	wol_remote__emit(s, "merge");
	git_merge_options mo;
	git_merge_options_init(&mo, GIT_MERGE_OPTIONS_VERSION);
	mo.flags = 0;                  /* no rename guessing: paths are what they say */
	mo.default_driver = "binary";  /* both sides changed a file: keep both, never mix */
	if ((grc = unrelated ? git_merge_trees(&idx, repo, NULL, our_tree, their_tree, &mo)
	                     : git_merge_commits(&idx, repo, ours, theirs, &mo)) < 0)
		goto git_fail;
	char shortid[GIT_OID_HEXSZ + 1];
	git_oid_tostr(shortid, 8, &their_id);
	const char *handle = me[0] ? me : "wol";
	if (k && k->merge_subject)
		wol_buf_printf(&msg, "%s\n\n", k->merge_subject);
	else
		wol_buf_printf(&msg, "sync(%s): merge what the circle shared\n\n", handle);
	size_t msg_head = msg.len;
	if (git_index_has_conflicts(idx) &&
	    (rc = resolve_conflicts(idx, shortid, k, r, &msg, err)) != 0)
		goto out;
	if (msg.len > msg_head)
		wol_buf_puts(&msg, "\n");
	wol_buf_printf(&msg, "Wol-Kind: %s\n", k && k->merge_kind ? k->merge_kind : "merge");
	if (msg.oom) {
		rc = wol_sync__oom(err);
		goto out;
	}
	git_oid tree_id, merge_id;
	if ((grc = git_index_write_tree_to(&tree_id, idx, repo)) < 0 ||
	    (grc = git_tree_lookup(&new_tree, repo, &tree_id)) < 0)
		goto git_fail;
	if ((rc = signature(ctx, &sig, err)) != 0)
		goto out;
	const git_commit *parents[2] = {ours, theirs};
	if ((grc = git_commit_create(&merge_id, repo, NULL, sig, sig, NULL, msg.ptr, new_tree, 2,
	                             parents)) < 0)
		goto git_fail;
	wol_remote__emit(s, "checkout");
	if ((rc = checkout(repo, our_tree, new_tree, me, k, r, err)) != 0)
		goto out;
	if ((rc = move_branch(repo, branch, &our_id, &merge_id, "wol sync: merge", err)) != 0)
		goto out;
	r->merged = 1;
	if ((rc = wol_sync__arrived_changes(repo, &our_id, &their_id, r, &ch, &nch, err)) != 0)
		goto out;
	if ((rc = wol_sync__record_changes(repo, workdir, our_tree, new_tree, r, me, ch, nch, err)) != 0)
		goto out;
	for (size_t i = 0; i < r->nconflicts; i++)
		wol_sync__push_str(&r->warnings, &r->nwarnings,
		         k && k->theirs
		             ? wol_strfmt("wol: sync: %s was changed here and in %s; both kept: yours "
		                          "at its path, the other as %s",
		                          r->conflicts[i].path, k->theirs, r->conflicts[i].kept_as)
		             : wol_strfmt("wol: sync: %s was changed here and in the circle; both kept: "
		                          "yours at its path, the circle's as %s",
		                          r->conflicts[i].path, r->conflicts[i].kept_as));
	goto out;
git_fail:
	rc = wol_error_git(err, grc, "sync: merge"); /* grc holds only libgit2 codes */
out:
	wol_changes__free(ch, nch);
	wol_lock_release(&commit_lock);
	wol_buf_free(&msg);
	git_signature_free(sig);
	git_index_free(idx);
	git_tree_free(new_tree);
	git_tree_free(their_tree);
	git_tree_free(our_tree);
	git_commit_free(theirs);
	git_commit_free(ours);
	return rc;
}

int wol_sync__repair(git_repository *repo, git_tree *from, git_tree *to, const char *me,
                     const wol_sync_kind *k, wol_sync_result *r, wol_error *err)
{
	return repair_stopped(repo, from, to, me, k, 1, r, err);
}
