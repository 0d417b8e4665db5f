/* private.c - the private history of the journal and the people records.
 *
 * One repository, $WOL_HOME/.private.git, whose work tree is $WOL_HOME
 * limited to journal/ and people/ (core.worktree = "..", and an exclude
 * file that leaves everything else out, so that plain git sees what wol
 * sees: git --git-dir=$WOL_HOME/.private.git log).
 *
 * Commits are batched. A writer of the library (a log line, an entry
 * made, a review or agenda saved, a people record) marks the history
 * pending: <gitdir>/wol-pending, whose mtime is the first change that
 * waits. A commit takes everything journal/ and people/ hold at once, when
 * the oldest waiting change is wol.journalBatch seconds old (git config,
 * default 60) or when forced (a save in the editor, `wol journal commit`,
 * a sync, a restore). The files are on disk before any commit, so a
 * process killed before its commit loses nothing: the next commit takes
 * the change.
 *
 * A commit holds <gitdir>/wol-commit.flock (a sync's merge holds it too),
 * writes its pid into <gitdir>/wol-commit.owner and empties it at the
 * end. An owner file that is not empty says a commit was killed: the next
 * one removes the lock files it left (index.lock, the branch's lock) and
 * commits whatever is there, pending marker or not. */
#include "repo/private.h"
#include "repo/circle_priv.h"
#include "repo/durable.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* What plain git is told to leave out; wol_private__holds is the same
 * rule for wol itself. */
static const char exclude_text[] =
    "# wol: this repository keeps only journal/ and people/ of $WOL_HOME\n"
    "# (the private history, doc/format.md); everything else stays out\n"
    "/*\n"
    "!/journal/\n"
    "!/people/\n"
    ".*\n"
    "!.template/\n";

static int oom(wol_error *err)
{
	return wol_error_set(err, WOL_ENOMEM, "out of memory");
}

char *wol_private__gitdir(const wol_ctx *ctx)
{
	return wol_strfmt("%s/" WOL_PRIVATE_GITDIR, wol_ctx_home(ctx));
}

int wol_private__holds(const char *rel)
{
	if (!rel || wol_path_check(rel, NULL) != 0)
		return 0;
	if (strncmp(rel, "journal/", 8) != 0 && strncmp(rel, "people/", 7) != 0)
		return 0;
	/* the fingerprints of each entry's template go with the entries */
	const char *start = strncmp(rel, "journal/.template/", 18) == 0 ? rel + 18 : rel;
	for (const char *p = start; p; p = strchr(p, '/')) {
		if (*p == '/')
			p++;
		if (*p == '.' || *p == '\0')
			return 0;
	}
	return 1;
}

/* --------------------------------------------------------- small files */

static char *in_gitdir(const char *gitdir, const char *name)
{
	return wol_strfmt("%s/%s", gitdir, name);
}

/* Size of a file, -1 when missing. */
static long long file_size(const char *path, struct stat *st)
{
	return lstat(path, st) == 0 && S_ISREG(st->st_mode) ? (long long)st->st_size : -1;
}

static int write_small(const char *path, const char *text, wol_error *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	size_t n = strlen(text);
	int ok = fd >= 0 && write(fd, text, n) == (ssize_t)n;
	int e = errno;
	if (fd >= 0)
		close(fd);
	return ok ? 0 : wol_error_set(err, WOL_EIO, "journal: history: %s: %s", path, strerror(e));
}

/* Marks the history pending (the marker keeps the time of the first
 * change that waits). */
static void mark_pending(const char *gitdir)
{
	char *p = in_gitdir(gitdir, "wol-pending");
	if (p) {
		int fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd >= 0)
			close(fd);
	}
	free(p);
}

/* The batch from git config wol.journalBatch (seconds). */
static long batch_seconds(const wol_ctx *ctx)
{
	char *v = wol_ctx_config(ctx, "wol.journalBatch");
	long s = WOL_PRIVATE_BATCH_S;
	if (v && *v) {
		char *end;
		long n = strtol(v, &end, 10);
		if (*end == '\0' && n >= 0 && n <= 7 * 86400)
			s = n;
	}
	free(v);
	return s;
}

/* Whether the marker says changes wait: 1 and *due_in (0: due now). */
static int marker_due(const wol_ctx *ctx, const char *marker, long *due_in)
{
	struct stat st;
	if (file_size(marker, &st) < 0)
		return 0;
	long batch = batch_seconds(ctx);
	long age = (long)(time(NULL) - st.st_mtime);
	*due_in = age < 0 ? batch : age >= batch ? 0 : batch - age;
	return 1;
}

int wol_private__pending(const wol_ctx *ctx, long *due_in)
{
	*due_in = 0;
	char *gitdir = wol_private__gitdir(ctx);
	char *marker = gitdir ? in_gitdir(gitdir, "wol-pending") : NULL;
	char *owner = gitdir ? in_gitdir(gitdir, "wol-commit.owner") : NULL;
	struct stat st;
	int p = marker && owner && (marker_due(ctx, marker, due_in) || file_size(owner, &st) > 0);
	free(gitdir);
	free(marker);
	free(owner);
	return p;
}

/* ----------------------------------------------------------- signature */

int wol_private__signature(wol_ctx *ctx, git_signature **sig, wol_error *err)
{
	const wol_identity *id = wol_ctx_identity(ctx);
	const char *handle = id->handle[0] ? id->handle : "wol";
	char email[256];
	if (id->email && *id->email)
		snprintf(email, sizeof email, "%s", id->email);
	else
		snprintf(email, sizeof email, "%s@localhost", handle);
	int rc = git_signature_now(sig, id->name && *id->name ? id->name : handle, email);
	return rc < 0 ? wol_error_git(err, rc, "journal: history: signature") : 0;
}

/* ------------------------------------------------------------ snapshot */

static int add_cb(const char *path, const char *spec, void *payload)
{
	(void)spec;
	(void)payload;
	return wol_private__holds(path) ? 0 : 1; /* 1: leave it out */
}

/* "journal/2026/2026-03-14.md" -> "2026-03-14"; "people/ana.md" -> "people/ana" */
static void short_name(const char *path, char *buf, size_t n)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t len = strlen(base);
	if (len > 3 && strcmp(base + len - 3, ".md") == 0)
		len -= 3;
	if (strncmp(path, "people/", 7) == 0)
		snprintf(buf, n, "people/%.*s", (int)len, base);
	else
		snprintf(buf, n, "%.*s", (int)len, base);
}

/* What changed between two trees: a walk of both in tree order that does
 * not enter a folder whose tree is the same on both sides (a journal of
 * three years changes one year's folder: the others are not read), each
 * path as "A path" / "M path" / "D path" into *lines and bare into
 * out->paths. Every blob the new tree has and the old one does not is
 * looked up (its header read): the tree was written without libgit2's
 * check of every entry of every folder it rewrote (snapshot), and what
 * the old tree holds is there (its commit was made whole). */
typedef struct tree_walk {
	git_repository *repo;
	git_odb *odb;
	wol_private_commit *out;
	size_t cap;
	wol_buf *lines;
} tree_walk;

static int walk_emit(tree_walk *w, char st, const char *path, const git_tree_entry *e)
{
	git_filemode_t mode = git_tree_entry_filemode(e);
	if (st != 'D' && mode != GIT_FILEMODE_COMMIT) {
		size_t len;
		git_object_t type;
		int grc = git_odb_read_header(&len, &type, w->odb, git_tree_entry_id(e));
		if (grc < 0)
			return grc;
		if (type != GIT_OBJECT_BLOB) {
			git_error_set_str(GIT_ERROR_OBJECT, "the object the index names is not a blob");
			return -1;
		}
	}
	if (w->out->npaths == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 16;
		char **more = realloc(w->out->paths, cap * sizeof *more);
		if (!more)
			return WOL_ENOMEM;
		w->out->paths = more;
		w->cap = cap;
	}
	char *copy = wol_strfmt("%s", path);
	if (!copy)
		return WOL_ENOMEM;
	w->out->paths[w->out->npaths++] = copy;
	wol_buf_printf(w->lines, "%c %s\n", st, path);
	return w->lines->oom ? WOL_ENOMEM : 0;
}

static int walk_trees(tree_walk *w, git_tree *a, git_tree *b, const char *prefix);

/* One entry on one side only (st 'A' or 'D'): a blob, or every blob of a
 * folder. */
static int walk_one(tree_walk *w, char st, const git_tree_entry *e, const char *path)
{
	if (git_tree_entry_type(e) != GIT_OBJECT_TREE)
		return walk_emit(w, st, path, e);
	git_tree *t = NULL;
	int grc = git_tree_lookup(&t, w->repo, git_tree_entry_id(e));
	if (grc < 0)
		return grc;
	char *sub = wol_strfmt("%s/", path);
	grc = !sub ? WOL_ENOMEM : st == 'A' ? walk_trees(w, NULL, t, sub) : walk_trees(w, t, NULL, sub);
	free(sub);
	git_tree_free(t);
	return grc;
}

static int walk_trees(tree_walk *w, git_tree *a, git_tree *b, const char *prefix)
{
	size_t na = a ? git_tree_entrycount(a) : 0, nb = b ? git_tree_entrycount(b) : 0;
	size_t i = 0, j = 0;
	int rc = 0;
	while (rc == 0 && (i < na || j < nb)) {
		const git_tree_entry *ea = i < na ? git_tree_entry_byindex(a, i) : NULL;
		const git_tree_entry *eb = j < nb ? git_tree_entry_byindex(b, j) : NULL;
		int c = !ea ? 1 : !eb ? -1 : git_tree_entry_cmp(ea, eb);
		const git_tree_entry *e = c <= 0 ? ea : eb;
		char *path = wol_strfmt("%s%s", prefix, git_tree_entry_name(e));
		if (!path)
			return WOL_ENOMEM;
		if (c < 0) {
			rc = walk_one(w, 'D', ea, path);
			i++;
		} else if (c > 0) {
			rc = walk_one(w, 'A', eb, path);
			j++;
		} else {
			if (!git_oid_equal(git_tree_entry_id(ea), git_tree_entry_id(eb)) ||
			    git_tree_entry_filemode(ea) != git_tree_entry_filemode(eb)) {
				if (git_tree_entry_type(ea) == GIT_OBJECT_TREE) {
					git_tree *ta = NULL, *tb = NULL;
					char *sub = wol_strfmt("%s/", path);
					rc = !sub ? WOL_ENOMEM : git_tree_lookup(&ta, w->repo, git_tree_entry_id(ea));
					if (rc == 0)
						rc = git_tree_lookup(&tb, w->repo, git_tree_entry_id(eb));
					if (rc == 0)
						rc = walk_trees(w, ta, tb, sub);
					git_tree_free(ta);
					git_tree_free(tb);
					free(sub);
				} else {
					rc = walk_emit(w, 'M', path, eb);
				}
			}
			i++;
			j++;
		}
		free(path);
	}
	return rc;
}

static int changed_paths(git_repository *repo, git_tree *from, git_tree *to,
                         wol_private_commit *out, wol_buf *lines)
{
	tree_walk w = {repo, NULL, out, 0, lines};
	int grc = git_repository_odb(&w.odb, repo);
	if (grc == 0)
		grc = walk_trees(&w, from, to, "");
	git_odb_free(w.odb);
	return grc;
}

static int moved(git_repository *repo, wol_error *err)
{
	return wol_error_set(err, WOL_ECONFLICT,
	                     "journal: history: the branch moved while committing (plain git at "
	                     "work in %s?); try again",
	                     git_repository_path(repo));
}

/* Stages what journal/ and people/ hold and commits it on the branch HEAD
 * names, unless the tree is the same. */
static int snapshot(wol_ctx *ctx, git_repository *repo, const char *subject,
                    const char *trailers, wol_private_commit *out, wol_error *err)
{
	git_index *idx = NULL;
	git_reference *head = NULL, *ref = NULL;
	git_commit *parent = NULL;
	git_tree *base = NULL, *tree = NULL;
	git_signature *sig = NULL;
	wol_buf lines, msg;
	wol_buf_init(&lines);
	wol_buf_init(&msg);
	char *branch = NULL, *gitdir = NULL;
	wol_branch_move bm;
	wol_branch__init(&bm);
	wol_syncset objs, later;
	wol_syncset_init(&objs);
	wol_syncset_init(&later);
	int rc = 0, grc;
	/* libgit2 writes without its fsyncs; what the commit needs durable is
	 * fsynced below, side by side (durable.c), before the branch names it */
	git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 0);
	/* libgit2 hashes every object it reads again to check its id (SHA-1DC:
	 * a tenth of a commit's instructions, mostly the trees of the parent
	 * and of the new commit); git's commit does not, and zlib checks each
	 * loose object's bytes. Off for the snapshot, its default (which wol
	 * never changes) back before it returns, as in repo/checkout.c */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
	gitdir = wol_strfmt("%s", git_repository_path(repo));
	if (!gitdir) {
		rc = oom(err);
		goto out;
	}
	if (gitdir[0] && gitdir[strlen(gitdir) - 1] == '/')
		gitdir[strlen(gitdir) - 1] = '\0';
	if ((grc = git_repository_index(&idx, repo)) < 0 || (grc = git_index_read(idx, 0)) < 0)
		goto git_fail;
	/* both folders in one walk (libgit2 reads the folders a pathspec can
	 * match, not circles/); every file is offered (FORCE: the exclude file
	 * is for plain git) and add_cb, the one rule, decides; a file gone
	 * from the work tree leaves the index */
	char *spec[2] = {"journal", "people"};
	git_strarray ps = {spec, 2};
	if ((grc = git_index_add_all(idx, &ps, GIT_INDEX_ADD_FORCE, add_cb, NULL)) < 0)
		goto git_fail;
	git_oid tree_id, parent_id, commit_id;
	/* libgit2 checks, by default, every entry of every folder it writes
	 * again (each object's file opened and inflated: a year of entries
	 * when one changed); changed_paths looks up only what changed */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION, 0);
	grc = git_index_write_tree(&tree_id, idx);
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION, 1);
	if (grc < 0 ||
	    (grc = git_tree_lookup(&tree, repo, &tree_id)) < 0)
		goto git_fail;
	if ((grc = git_reference_lookup(&head, repo, "HEAD")) < 0)
		goto git_fail;
	if (git_reference_type(head) != GIT_REFERENCE_SYMBOLIC) {
		rc = wol_error_set(err, WOL_EINVAL,
		                   "journal: history: %s has a detached HEAD; put it back on its "
		                   "branch: git --git-dir=%s switch " WOL_PRIVATE_BRANCH,
		                   git_repository_path(repo), git_repository_path(repo));
		goto out;
	}
	branch = wol_strfmt("%s", git_reference_symbolic_target(head));
	if (!branch) {
		rc = oom(err);
		goto out;
	}
	int has_parent = git_reference_name_to_id(&parent_id, repo, branch) == 0;
	git_error_clear();
	if (has_parent && ((grc = git_commit_lookup(&parent, repo, &parent_id)) < 0 ||
	                   (grc = git_commit_tree(&base, parent)) < 0))
		goto git_fail;
	if (has_parent && git_oid_equal(&tree_id, git_commit_tree_id(parent)))
		goto out; /* nothing changed: no empty commit */
	if (!has_parent && git_tree_entrycount(tree) == 0)
		goto out; /* nothing to keep yet */
	if ((grc = changed_paths(repo, base, tree, out, &lines)) != 0) {
		rc = grc == WOL_ENOMEM ? oom(err) : wol_error_git(err, grc, "journal: history");
		goto out;
	}
	if (subject) {
		wol_buf_printf(&msg, "%s\n\n", subject);
	} else {
		wol_buf_puts(&msg, "journal: ");
		for (size_t i = 0; i < out->npaths && i < 3; i++) {
			char name[300];
			short_name(out->paths[i], name, sizeof name);
			wol_buf_printf(&msg, "%s%s", i ? ", " : "", name);
		}
		if (out->npaths > 3)
			wol_buf_printf(&msg, " and %zu more", out->npaths - 3);
		wol_buf_puts(&msg, "\n\n");
	}
	wol_buf_put(&msg, lines.ptr, lines.len);
	wol_buf_printf(&msg, "\nWol-Kind: journal\n%s", trailers ? trailers : "");
	if (msg.oom) {
		rc = oom(err);
		goto out;
	}
	if ((rc = wol_private__signature(ctx, &sig, err)) != 0)
		goto out;
	const git_commit *parents[1] = {parent};
	if ((grc = git_commit_create(&commit_id, repo, NULL, sig, sig, NULL, msg.ptr, tree,
	                             has_parent ? 1 : 0, parents)) < 0)
		goto git_fail;
	/* the branch locked (it moves only from the commit we built on) */
	int brc = wol_branch__lock(repo, gitdir, &bm, branch, has_parent ? &parent_id : NULL,
	                           &commit_id, err);
	if (brc == GIT_EMODIFIED || brc == GIT_ELOCKED) {
		rc = moved(repo, err);
		goto out;
	}
	if (brc < 0 || (brc > 0 && brc != WOL_BRANCH_LIBGIT2)) {
		rc = brc;
		goto out;
	}
	/* the new objects and the branch's new value fsynced together while
	 * the index (for plain git; it changes with a commit only) is written */
	if ((rc = wol_durable__add_commit(gitdir, &objs, (const char *const *)out->paths, NULL,
	                                  out->npaths, tree, &commit_id, err)) != 0)
		goto out;
	if (brc == 0)
		wol_syncset_add(&objs, bm.lock, 0, 0);
	wol_syncset_start(&objs);
	/* libgit2 1.5 writes the index without an fsync (as before): it is
	 * fsynced in place, with its folder */
	if ((grc = git_index_write(idx)) < 0)
		goto git_fail;
	char *ix = wol_strfmt("%s/index", gitdir);
	if (!ix) {
		rc = oom(err);
		goto out;
	}
	wol_syncset_add(&objs, ix, 0, 0);
	wol_syncset_add(&objs, gitdir, 1, 0);
	free(ix);
	wol_syncset_start(&objs);
	if ((rc = wol_syncset_wait(&objs, err)) != 0)
		goto out;
	if (brc == 0) {
		if ((rc = wol_branch__finish(&bm, sig, "wol: journal", &later, err)) != 0)
			goto out;
	} else {
		grc = has_parent ? git_reference_create_matching(&ref, repo, branch, &commit_id, 1,
		                                                 &parent_id, "wol: journal")
		                 : git_reference_create(&ref, repo, branch, &commit_id, 0, "wol: journal");
		if (grc == GIT_EMODIFIED || grc == GIT_EEXISTS) {
			rc = moved(repo, err);
			goto out;
		}
		if (grc < 0)
			goto git_fail;
		char *rp = wol_strfmt("%s/%s", gitdir, branch);
		if (rp) {
			wol_syncset_add(&later, rp, 0, 0);
			*strrchr(rp, '/') = '\0';
			wol_syncset_add(&later, rp, 1, 0);
		}
		free(rp);
	}
	wol_syncset_start(&later);
	if ((rc = wol_syncset_wait(&later, err)) != 0)
		goto out;
	git_oid_tostr(out->commit, sizeof out->commit, &commit_id);
	goto out;
git_fail:
	rc = wol_error_git(err, grc, "journal: history");
out:
	if (objs.n || objs.open_errno)
		wol_syncset_wait(&objs, NULL);
	if (later.n || later.open_errno)
		wol_syncset_wait(&later, NULL);
	wol_branch__abort(&bm);
	git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1); /* as wol_git_ready set it */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 1);
	wol_durable__committed();
	free(gitdir);
	git_reference_free(ref);
	git_reference_free(head);
	git_signature_free(sig);
	git_tree_free(tree);
	git_tree_free(base);
	git_commit_free(parent);
	git_index_free(idx);
	wol_buf_free(&lines);
	wol_buf_free(&msg);
	free(branch);
	return rc;
}

/* ------------------------------------------------------ making the repo */

/* Removes the temporary folders of makers that died (their pid is gone). */
static void sweep_tmp(const char *home)
{
	DIR *d = opendir(home);
	struct dirent *de;
	static const char prefix[] = WOL_PRIVATE_GITDIR ".tmp-";
	while (d && (de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, prefix, sizeof prefix - 1) != 0)
			continue;
		long pid = strtol(de->d_name + sizeof prefix - 1, NULL, 10);
		if (pid > 0 && (kill((pid_t)pid, 0) == 0 || errno != ESRCH))
			continue; /* its maker still runs */
		char *p = wol_strfmt("%s/%s", home, de->d_name);
		if (p)
			wol_circle__rmtree(p);
		free(p);
	}
	if (d)
		closedir(d);
}

static int set_config(git_repository *repo)
{
	git_config *cfg = NULL;
	int grc = git_repository_config(&cfg, repo);
	if (grc == 0)
		grc = git_config_set_bool(cfg, "core.bare", 0);
	if (grc == 0)
		grc = git_config_set_string(cfg, "core.worktree", "..");
	if (grc == 0)
		grc = git_config_set_bool(cfg, "core.logAllRefUpdates", 1);
	git_config_free(cfg);
	return grc;
}

/* Makes the repository in a temporary folder with its first commit, then
 * moves it into place; another process that made one first wins. */
static int make_repo(wol_ctx *ctx, const char *gitdir, wol_error *err)
{
	const char *home = wol_ctx_home(ctx);
	int rc = wol_fs_mkdirs(home, 0700, err);
	if (rc)
		return rc;
	sweep_tmp(home);
	unsigned rnd = 0;
	if (getrandom(&rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
		rnd = (unsigned)time(NULL);
	char *tmp = wol_strfmt("%s/" WOL_PRIVATE_GITDIR ".tmp-%ld-%08x", home, (long)getpid(), rnd);
	if (!tmp)
		return oom(err);
	git_repository *repo = NULL;
	if (mkdir(tmp, 0700) != 0) {
		rc = wol_error_set(err, WOL_EIO, "journal: history: %s: %s", tmp, strerror(errno));
		goto out;
	}
	git_repository_init_options o;
	git_repository_init_options_init(&o, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
	o.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_NO_REINIT;
	o.initial_head = WOL_PRIVATE_BRANCH;
	o.description = "wol: the private history of the journal and the people records";
	int grc = git_repository_init_ext(&repo, tmp, &o);
	if (grc == 0)
		grc = set_config(repo);
	if (grc == 0)
		grc = git_repository_set_workdir(repo, home, 0);
	if (grc < 0) {
		rc = wol_error_git(err, grc, "journal: history: making the repository");
		goto out;
	}
	char *info = wol_strfmt("%s/info", tmp);
	char *excl = wol_strfmt("%s/info/exclude", tmp);
	rc = info && excl ? wol_fs_mkdirs(info, 0700, err) : oom(err);
	if (rc == 0)
		rc = write_small(excl, exclude_text, err);
	free(info);
	free(excl);
	if (rc)
		goto out;
	wol_private_commit first;
	memset(&first, 0, sizeof first);
	rc = snapshot(ctx, repo, "journal: the private history begins", NULL, &first, err);
	wol_private__commit_free(&first);
	if (rc)
		goto out;
	git_repository_free(repo);
	repo = NULL;
	if (rename(tmp, gitdir) != 0) {
		int e = errno;
		if (e != EEXIST && e != ENOTEMPTY) {
			rc = wol_error_set(err, WOL_EIO, "journal: history: %s: %s", gitdir, strerror(e));
			goto out;
		}
		/* another process made it first: theirs is the one */
	} else {
		int dfd = open(home, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd >= 0) {
			fsync(dfd);
			close(dfd);
		}
		free(tmp);
		return 0;
	}
out:
	git_repository_free(repo);
	wol_circle__rmtree(tmp);
	free(tmp);
	return rc;
}

int wol_private__open(wol_ctx *ctx, int create, git_repository **out, int *created,
                      wol_error *err)
{
	*out = NULL;
	if (created)
		*created = 0;
	char *gitdir = wol_private__gitdir(ctx);
	if (!gitdir)
		return oom(err);
	int rc = 0;
	struct stat st;
	if (lstat(gitdir, &st) != 0) {
		if (!create) {
			rc = wol_error_set(err, WOL_ENOTFOUND,
			                   "journal: no history yet (it begins with the first entry or "
			                   "log line)");
			goto done;
		}
		if ((rc = make_repo(ctx, gitdir, err)) != 0)
			goto done;
		if (created)
			*created = 1;
	} else if (!S_ISDIR(st.st_mode)) {
		rc = wol_error_set(err, WOL_EINVAL, "journal: history: %s is not a directory (left alone)",
		                   gitdir);
		goto done;
	}
	int grc = git_repository_open_ext(out, gitdir, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
	/* core.worktree says "..": only a repository whose config was changed
	 * needs telling (libgit2 1.5 leaks when told what it already has) */
	const char *wd = grc == 0 ? git_repository_workdir(*out) : NULL;
	const char *home = wol_ctx_home(ctx);
	size_t hl = strlen(home);
	if (grc == 0 && !(wd && strncmp(wd, home, hl) == 0 && wd[hl] == '/' && wd[hl + 1] == '\0'))
		grc = git_repository_set_workdir(*out, home, 0);
	if (grc < 0) {
		git_repository_free(*out);
		*out = NULL;
		rc = wol_error_git(err, grc, "journal: history: open");
	}
done:
	free(gitdir);
	return rc;
}

/* ------------------------------------------------------------ commits */

void wol_private__commit_free(wol_private_commit *c)
{
	if (!c)
		return;
	wol_strv_free(c->paths, c->npaths);
	memset(c, 0, sizeof *c);
}

/* Called holding the commit lock: when the owner file says a commit was
 * killed, removes the lock files it left. Returns 1 then. */
static int recover(const char *gitdir, const char *owner)
{
	struct stat st;
	if (file_size(owner, &st) <= 0)
		return 0;
	/* a second of slack for coarse file system timestamps */
	wol_fs_remove_locks_since(gitdir, wol_fs_mtime_ns(&st) - 1000000000LL, NULL);
	return 1;
}

int wol_private__commit(wol_ctx *ctx, int force, const char *subject, const char *trailers,
                        wol_private_commit *out, wol_error *err)
{
	memset(out, 0, sizeof *out);
	char *gitdir = wol_private__gitdir(ctx);
	char *owner = gitdir ? in_gitdir(gitdir, "wol-commit.owner") : NULL;
	char *marker = gitdir ? in_gitdir(gitdir, "wol-pending") : NULL;
	char *lockpath = gitdir ? in_gitdir(gitdir, WOL_COMMIT_LOCK) : NULL;
	git_repository *repo = NULL;
	wol_lock lk = {-1};
	int rc = 0;
	if (!owner || !marker || !lockpath) {
		rc = oom(err);
		goto done;
	}
	struct stat st;
	int has_repo = lstat(gitdir, &st) == 0;
	if (force == WOL_PRIVATE_PENDING && !has_repo)
		goto done; /* nothing can wait without a repository */
	if (force != WOL_PRIVATE_NOW && has_repo && file_size(owner, &st) <= 0) {
		/* the quick look: nothing waits, or not for long enough */
		if (!marker_due(ctx, marker, &out->due_in))
			goto done;
		if (force == WOL_PRIVATE_DUE && out->due_in > 0) {
			out->pending = 1;
			goto done;
		}
	}
	int created = 0;
	if ((rc = wol_private__open(ctx, 1, &repo, &created, err)) != 0)
		goto done;
	if (created) {
		out->created = 1; /* its first commit took everything */
		git_reference *h = NULL;
		if (git_repository_head(&h, repo) == 0)
			git_oid_tostr(out->commit, sizeof out->commit, git_reference_target(h));
		git_reference_free(h);
		git_error_clear();
		unlink(marker);
		goto done;
	}
	if ((rc = wol_lock_acquire(&lk, lockpath, 15000, err)) != 0)
		goto done;
	int killed = recover(gitdir, owner);
	sweep_tmp(wol_ctx_home(ctx)); /* a maker killed while another made it */
	if (force != WOL_PRIVATE_NOW && !killed) {
		/* again under the lock: another commit may have taken it */
		if (!marker_due(ctx, marker, &out->due_in))
			goto done;
		if (force == WOL_PRIVATE_DUE && out->due_in > 0) {
			out->pending = 1;
			goto done;
		}
	}
	char pid[32];
	snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
	if ((rc = write_small(owner, pid, err)) != 0)
		goto done;
	/* the marker goes before the snapshot: a change written meanwhile
	 * marks the history again and waits for the next commit */
	unlink(marker);
	rc = snapshot(ctx, repo, subject, trailers, out, err);
	if (rc)
		mark_pending(gitdir); /* the next commit tries again */
	truncate(owner, 0);
done:
	wol_lock_release(&lk);
	git_repository_free(repo);
	free(gitdir);
	free(owner);
	free(marker);
	free(lockpath);
	if (rc)
		wol_private__commit_free(out);
	return rc;
}

void wol_private__wrote(wol_ctx *ctx, char **warning)
{
	char *gitdir = wol_private__gitdir(ctx);
	if (!gitdir)
		return;
	if (wol_fs_isdir(gitdir))
		mark_pending(gitdir);
	free(gitdir);
	wol_private_commit c;
	wol_error err;
	wol_error_clear(&err);
	if (wol_private__commit(ctx, WOL_PRIVATE_DUE, NULL, NULL, &c, &err) != 0) {
		if (warning && !*warning)
			*warning = wol_strfmt("wol: %s (the file is saved; the history takes it with "
			                      "the next commit)",
			                      wol_error_text(&err));
		return;
	}
	wol_private__commit_free(&c);
}

/* ------------------------------------------------------------ remotes */

/* A URL in one form for comparing: scheme://host:port/path without user,
 * password, trailing slashes or ".git"; local paths resolved. */
static char *norm_url(const char *url)
{
	char scheme[16] = "file", host[256] = "";
	int port = 0;
	const char *path = url;
	const char *sep = strstr(url, "://");
	if (sep) {
		size_t n = (size_t)(sep - url);
		snprintf(scheme, sizeof scheme, "%.*s", (int)(n < 15 ? n : 15), url);
		for (char *c = scheme; *c; c++)
			*c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
		const char *auth = sep + 3;
		const char *end = auth + strcspn(auth, "/");
		const char *at = NULL;
		for (const char *q = auth; q < end; q++)
			if (*q == '@')
				at = q;
		const char *h = at ? at + 1 : auth;
		const char *colon = NULL;
		if (*h == '[') {
			const char *rb = memchr(h, ']', (size_t)(end - h));
			colon = rb && rb + 1 < end && rb[1] == ':' ? rb + 1 : NULL;
		} else {
			colon = memchr(h, ':', (size_t)(end - h));
		}
		size_t hl = (size_t)((colon ? colon : end) - h);
		snprintf(host, sizeof host, "%.*s", (int)(hl < 255 ? hl : 255), h);
		port = colon ? atoi(colon + 1) : 0;
		path = end;
		if (strcmp(scheme, "file") == 0)
			host[0] = '\0';
	} else if (url[0] != '/' && url[0] != '.' && strchr(url, ':') &&
	           (!strchr(url, '/') || strchr(url, ':') < strchr(url, '/'))) {
		/* scp-like [user@]host:path */
		snprintf(scheme, sizeof scheme, "ssh");
		const char *colon = strchr(url, ':');
		const char *at = memchr(url, '@', (size_t)(colon - url));
		const char *h = at ? at + 1 : url;
		snprintf(host, sizeof host, "%.*s", (int)(colon - h), h);
		path = colon + 1;
	}
	if (!port)
		port = strcmp(scheme, "ssh") == 0     ? 22
		       : strcmp(scheme, "git") == 0   ? 9418
		       : strcmp(scheme, "https") == 0 ? 443
		       : strcmp(scheme, "http") == 0  ? 80
		                                      : 0;
	for (char *c = host; *c; c++)
		*c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
	char *p = strcmp(scheme, "file") == 0 ? wol_fs_realpath(path) : wol_strfmt("%s", path);
	if (!p)
		return NULL;
	size_t n = strlen(p);
	for (;;) {
		if (n > 1 && p[n - 1] == '/')
			p[--n] = '\0';
		else if (n > 4 && strcmp(p + n - 4, ".git") == 0)
			p[n -= 4] = '\0';
		else
			break;
	}
	/* a leading '/' and "~/" are the same place for scp-like paths */
	const char *q = p;
	while (*q == '/')
		q++;
	if (strncmp(q, "~/", 2) == 0)
		q += 2;
	char *out = wol_strfmt("%s://%s:%d/%s", scheme, host, port, q);
	free(p);
	return out;
}

int wol_private__circle_remote(wol_ctx *ctx, const char *url, char **circle)
{
	if (circle)
		*circle = NULL;
	char *want = norm_url(url);
	char **names = NULL;
	size_t n = 0;
	int found = 0;
	if (!want || wol_ctx_circles(ctx, &names, &n, NULL) != 0) {
		free(want);
		return 0;
	}
	for (size_t i = 0; i < n && !found; i++) {
		char *path = wol_ctx_circle_path(ctx, names[i]);
		git_repository *repo = NULL;
		git_strarray remotes = {0};
		if (path && git_repository_open_ext(&repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) == 0 &&
		    git_remote_list(&remotes, repo) == 0) {
			for (size_t k = 0; k < remotes.count && !found; k++) {
				git_remote *r = NULL;
				if (git_remote_lookup(&r, repo, remotes.strings[k]) != 0)
					continue;
				const char *urls[2] = {git_remote_url(r), git_remote_pushurl(r)};
				for (int j = 0; j < 2 && !found; j++) {
					char *have = urls[j] ? norm_url(urls[j]) : NULL;
					found = have && strcmp(have, want) == 0;
					free(have);
				}
				git_remote_free(r);
			}
		}
		if (found && circle)
			*circle = wol_strfmt("%s", names[i]);
		git_strarray_dispose(&remotes);
		git_repository_free(repo);
		git_error_clear();
		free(path);
	}
	wol_strv_free(names, n);
	free(want);
	return found;
}
