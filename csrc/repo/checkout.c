/* checkout.c - the first checkout of a clone made without one: HEAD's tree
 * written into the empty work tree, and git's index built from the files
 * as written.
 *
 * Why not libgit2's checkout: for every file it writes, libgit2 1.5 asks
 * its built-in filters (crlf, ident) for the file's attributes, and that
 * lookup resolves the file's folder with realpath() - 18 failed readlink
 * calls per file, 180,000 for a 10,000-note circle, most of a join's time
 * (bench/ANALYSIS.md, "wol join"). There is no option to skip it.
 *
 * Our writer handles exactly the trees where git writes every blob byte
 * for byte: regular files (0644) and executables (0755) in folders, no
 * attributes anywhere (no .gitattributes in the tree, no info/attributes,
 * no core.attributesFile, no global or system attributes file, so no
 * filter, eol or ident conversion), no core.autocrlf, a core.eol of lf,
 * a file system that keeps case and the executable bit, and names git
 * reads plainly. Anything else - a symbolic link, a submodule, an unusual
 * mode, a name close to ".git" or with '~', '\\' or ':' in it, a folder
 * with no file - and libgit2's checkout does the whole tree, as before.
 * The decision is made before anything is written.
 *
 * Files are created with O_EXCL relative to their folder's descriptor
 * (each folder made and opened once), their stat data read back with
 * fstat, and the index written once by libgit2 (git_index_add of complete
 * entries, one git_index_write). The caller builds the clone in a
 * temporary folder and moves it in whole, so a process killed here leaves
 * only that folder, which the next join removes. */
#include "circle_priv.h"
#include "repo/checkout.h"
#include "repo/gitindex.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_DEPTH 64
#define PATH_CAP 4096

typedef struct writer {
	git_repository *repo;
	git_odb *odb;
	git_index *idx;
	const char *what;
	wol_checkout_cb cb;
	void *payload;
	size_t done, total;
	int stopped;
	char path[PATH_CAP]; /* the path of the entry at hand, root-relative */
	char why[PATH_CAP + 64]; /* why libgit2 checks out instead */
	wol_error *err;
} writer;

/* ------------------------------------------------ what our writer handles */

/* A name our writer creates as git would on every system git protects
 * against: not ".", "..", ".git" in any of its NTFS/8.3 spellings, no
 * '\\' or ':' (Windows), no '~' among the first 8 bytes (short names),
 * no .gitattributes/.gitmodules (read by git), nothing over NAME_MAX. */
static int plain_name(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > 255 || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return 0;
	if (strncasecmp(name, ".git", 4) == 0 && strcmp(name, ".gitignore") != 0 &&
	    strcmp(name, ".gitkeep") != 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (c == '/' || c == '\\' || c == ':' || (c == '~' && i < 8))
			return 0;
	}
	return 1;
}

/* Appends name to w->path at length len; the new length, or 0 when it
 * does not fit. */
static size_t path_push(writer *w, size_t len, const char *name)
{
	size_t n = strlen(name);
	if (len + 1 + n + 1 > sizeof w->path)
		return 0;
	if (len)
		w->path[len++] = '/';
	memcpy(w->path + len, name, n + 1);
	return len + n;
}

/* git's order of tree entries: names compared as if a folder's ended in '/' */
static int entry_cmp(const char *a, int adir, const char *b, int bdir)
{
	size_t al = strlen(a), bl = strlen(b), n = al < bl ? al : bl;
	int c = memcmp(a, b, n);
	if (c)
		return c;
	unsigned char ac = al > n ? (unsigned char)a[n] : adir ? '/' : 0;
	unsigned char bc = bl > n ? (unsigned char)b[n] : bdir ? '/' : 0;
	return ac < bc ? -1 : ac > bc ? 1 : 0;
}

/* Walks the tree: counts its files into w->total and sets w->why when our
 * writer must leave it to libgit2. A negative libgit2 code on errors. */
static int scan(writer *w, const git_tree *tree, size_t len, int depth)
{
	if (depth > MAX_DEPTH) {
		snprintf(w->why, sizeof w->why, "folders nested deeper than %d", MAX_DEPTH);
		return 0;
	}
	size_t n = git_tree_entrycount(tree), before = w->total;
	const char *prev = NULL;
	int prev_dir = 0;
	for (size_t i = 0; i < n && !w->why[0]; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(tree, i);
		const char *name = git_tree_entry_name(e);
		git_filemode_t mode = git_tree_entry_filemode_raw(e);
		int dir = mode == GIT_FILEMODE_TREE;
		size_t plen = path_push(w, len, name);
		if (!plen) {
			snprintf(w->why, sizeof w->why, "a path longer than %d bytes", PATH_CAP);
			break;
		}
		if (!plain_name(name)) {
			snprintf(w->why, sizeof w->why, "a name git reads specially: %s", w->path);
			break;
		}
		if (prev && entry_cmp(prev, prev_dir, name, dir) >= 0) {
			snprintf(w->why, sizeof w->why, "a tree out of order: %s", w->path);
			break;
		}
		prev = name;
		prev_dir = dir;
		if (dir) {
			git_tree *sub = NULL;
			int grc = git_tree_lookup(&sub, w->repo, git_tree_entry_id(e));
			if (grc < 0)
				return grc;
			grc = scan(w, sub, plen, depth + 1);
			git_tree_free(sub);
			if (grc < 0)
				return grc;
		} else if (mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE) {
			w->total++;
		} else {
			snprintf(w->why, sizeof w->why, "%s: %s",
			         mode == GIT_FILEMODE_LINK     ? "a symbolic link"
			         : mode == GIT_FILEMODE_COMMIT ? "a submodule"
			                                       : "an unusual file mode",
			         w->path);
		}
	}
	if (!w->why[0] && w->total == before && depth > 0) {
		w->path[len] = '\0';
		snprintf(w->why, sizeof w->why, "a folder with no file: %s", w->path);
	}
	return 0;
}

/* An attributes file named by libgit2's search path of `level`: 1. */
static int attr_file_in(int level, const char *file)
{
	git_buf dirs = {0};
	if (wol_git_ready() < 0 || git_libgit2_opts(GIT_OPT_GET_SEARCH_PATH, level, &dirs) < 0) {
		git_error_clear();
		return 1; /* unknown: let libgit2 look */
	}
	int found = 0;
	const char *p = dirs.ptr ? dirs.ptr : "";
	while (*p && !found) {
		const char *end = strchr(p, ':');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		char *f = n ? wol_strfmt("%.*s/%s", (int)n, p, file) : NULL;
		struct stat st;
		found = f && stat(f, &st) == 0;
		free(f);
		p += n + (end ? 1 : 0);
	}
	git_buf_dispose(&dirs);
	return found;
}

/* Why the configuration asks for what only libgit2's checkout does: sets
 * w->why. A negative libgit2 code on errors. */
static int check_config(writer *w)
{
	git_config *cfg = NULL;
	int grc = git_repository_config_snapshot(&cfg, w->repo);
	if (grc < 0)
		return grc;
	const char *s = NULL;
	int b = 0;
	if (git_config_get_string(&s, cfg, "core.autocrlf") == 0 &&
	    (git_config_parse_bool(&b, s) < 0 || b))
		snprintf(w->why, sizeof w->why, "core.autocrlf = %s", s);
	else if (git_config_get_string(&s, cfg, "core.eol") == 0 && strcasecmp(s, "lf") != 0 &&
	         strcasecmp(s, "native") != 0)
		snprintf(w->why, sizeof w->why, "core.eol = %s", s);
	else if (git_config_get_string(&s, cfg, "core.attributesfile") == 0)
		snprintf(w->why, sizeof w->why, "core.attributesFile = %s", s);
	else if (git_config_get_bool(&b, cfg, "core.ignorecase") == 0 && b)
		snprintf(w->why, sizeof w->why, "core.ignorecase (a case-insensitive file system)");
	else if (git_config_get_bool(&b, cfg, "core.filemode") == 0 && !b)
		snprintf(w->why, sizeof w->why, "core.filemode = false");
	else if (git_config_get_bool(&b, cfg, "core.precomposeunicode") == 0 && b)
		snprintf(w->why, sizeof w->why, "core.precomposeUnicode");
	else if (git_config_get_bool(&b, cfg, "core.protecthfs") == 0 && b)
		snprintf(w->why, sizeof w->why, "core.protectHFS");
	git_config_free(cfg);
	git_error_clear();
	if (w->why[0])
		return 0;
	/* the attributes files outside the tree, where libgit2 looks */
	char *info = wol_strfmt("%s/info/attributes", git_repository_path(w->repo));
	struct stat st;
	if (!info || stat(info, &st) == 0)
		snprintf(w->why, sizeof w->why, "%s", info ? info : "out of memory");
	else if (attr_file_in(GIT_CONFIG_LEVEL_XDG, "attributes"))
		snprintf(w->why, sizeof w->why, "a global attributes file");
	else if (attr_file_in(GIT_CONFIG_LEVEL_SYSTEM, "gitattributes"))
		snprintf(w->why, sizeof w->why, "a system attributes file");
	free(info);
	return 0;
}

/* ------------------------------------------------------------ writing */

static int io_error(writer *w, const char *path)
{
	int e = errno;
	return wol_error_set(w->err, WOL_EIO, "%s: %s: %s", w->what, path, strerror(e));
}

static int put_file(writer *w, int dirfd, const char *name, const git_tree_entry *e)
{
	git_odb_object *obj = NULL;
	int grc = git_odb_read(&obj, w->odb, git_tree_entry_id(e));
	if (grc < 0)
		return wol_error_git(w->err, grc, w->what);
	if (git_odb_object_type(obj) != GIT_OBJECT_BLOB) {
		git_odb_object_free(obj);
		return wol_error_set(w->err, WOL_EGIT, "%s: %s: not a blob", w->what, w->path);
	}
	int exec = git_tree_entry_filemode_raw(e) == GIT_FILEMODE_BLOB_EXECUTABLE;
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	                exec ? 0755 : 0644);
	if (fd < 0) {
		git_odb_object_free(obj);
		return io_error(w, w->path);
	}
	const char *p = git_odb_object_data(obj);
	size_t left = git_odb_object_size(obj);
	while (left > 0) {
		ssize_t k = write(fd, p, left);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			if (k == 0)
				errno = EIO;
			int rc = io_error(w, w->path);
			close(fd);
			git_odb_object_free(obj);
			return rc;
		}
		p += k;
		left -= (size_t)k;
	}
	git_odb_object_free(obj);
	struct stat st;
	if (fstat(fd, &st) != 0) {
		int rc = io_error(w, w->path);
		close(fd);
		return rc;
	}
	if (close(fd) != 0)
		return io_error(w, w->path);
	/* the entry as git records a file it wrote (its stat data) */
	wol_gitindex_entry we;
	memset(&we, 0, sizeof we);
	wol_gitindex__stat(&we, &st);
	we.mode = exec ? GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB;
	memcpy(we.id, git_tree_entry_id(e)->id, sizeof we.id);
	we.path = w->path;
	git_index_entry ie;
	wol_gitindex__to_git(&we, &ie);
	if ((grc = git_index_add(w->idx, &ie)) < 0)
		return wol_error_git(w->err, grc, w->what);
	w->done++;
	if (w->cb && w->cb(w->done, w->total, w->payload) != 0) {
		w->stopped = 1;
		return wol_error_set(w->err, WOL_EINVAL, "%s: cancelled", w->what);
	}
	return 0;
}

static int put_tree(writer *w, const git_tree *tree, int dirfd, size_t len)
{
	size_t n = git_tree_entrycount(tree);
	for (size_t i = 0; i < n; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(tree, i);
		const char *name = git_tree_entry_name(e);
		size_t plen = path_push(w, len, name); /* fits: scan checked */
		int rc;
		if (git_tree_entry_filemode_raw(e) != GIT_FILEMODE_TREE) {
			if ((rc = put_file(w, dirfd, name, e)))
				return rc;
			continue;
		}
		git_tree *sub = NULL;
		int grc = git_tree_lookup(&sub, w->repo, git_tree_entry_id(e));
		if (grc < 0)
			return wol_error_git(w->err, grc, w->what);
		int fd = -1;
		if (mkdirat(dirfd, name, 0755) != 0 ||
		    (fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
			git_tree_free(sub);
			return io_error(w, w->path);
		}
		rc = put_tree(w, sub, fd, plen);
		close(fd);
		git_tree_free(sub);
		if (rc)
			return rc;
	}
	return 0;
}

/* -------------------------------------------- libgit2's checkout, else */

static void on_libgit2(const char *path, size_t done, size_t total, void *payload)
{
	(void)path;
	writer *w = payload;
	if (w->cb && !w->stopped && w->cb(done, total, w->payload) != 0)
		w->stopped = 1; /* it cannot stop: the call fails afterwards */
}

static int by_libgit2(writer *w)
{
	git_checkout_options co;
	git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
	/* no index yet: libgit2 checks out against an empty baseline */
	co.checkout_strategy = GIT_CHECKOUT_SAFE;
	co.progress_cb = on_libgit2;
	co.progress_payload = w;
	int grc = git_checkout_head(w->repo, &co);
	if (grc < 0)
		return wol_error_git(w->err, grc, w->what);
	if (w->stopped)
		return wol_error_set(w->err, WOL_EINVAL, "%s: cancelled", w->what);
	return 0;
}

static void trace(const writer *w)
{
	const char *t = getenv("WOL_TRACE_GIT");
	if (!t || *t != '1')
		return;
	if (w->why[0])
		fprintf(stderr, "wol: trace: checkout by libgit2 (%s)\n", w->why);
	else
		fprintf(stderr, "wol: trace: checkout by wol (%zu files)\n", w->total);
}

int wol_checkout__fresh(git_repository *repo, const char *what, wol_checkout_cb cb, void *payload,
                        wol_error *err)
{
	writer *w = calloc(1, sizeof *w);
	if (!w)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	w->repo = repo;
	w->what = what;
	w->cb = cb;
	w->payload = payload;
	w->err = err;
	git_commit *head = NULL;
	git_tree *tree = NULL;
	git_oid id;
	int rc = 0, grc, root = -1;
	if ((grc = git_reference_name_to_id(&id, repo, "HEAD")) < 0 ||
	    (grc = git_commit_lookup(&head, repo, &id)) < 0 ||
	    (grc = git_commit_tree(&tree, head)) < 0 || (grc = check_config(w)) < 0 ||
	    (!w->why[0] && (grc = scan(w, tree, 0, 0)) < 0)) {
		rc = wol_error_git(err, grc, what);
		goto out;
	}
	trace(w);
	if (w->why[0]) {
		rc = by_libgit2(w);
		goto out;
	}
	const char *wd = git_repository_workdir(repo);
	if ((grc = git_repository_odb(&w->odb, repo)) < 0 ||
	    (grc = git_repository_index(&w->idx, repo)) < 0) {
		rc = wol_error_git(err, grc, what);
		goto out;
	}
	if (!wd || (root = open(wd, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		rc = wol_error_set(err, WOL_EIO, "%s: %s: %s", what, wd ? wd : "no work tree",
		                   strerror(wd ? errno : ENOENT));
		goto out;
	}
	if (cb && cb(0, w->total, payload) != 0) {
		rc = wol_error_set(err, WOL_EINVAL, "%s: cancelled", what);
		goto out;
	}
	if ((rc = put_tree(w, tree, root, 0)))
		goto out;
	if ((grc = git_index_write(w->idx)) < 0)
		rc = wol_error_git(err, grc, what);
out:
	if (root >= 0)
		close(root);
	git_index_free(w->idx);
	git_odb_free(w->odb);
	git_tree_free(tree);
	git_commit_free(head);
	free(w);
	return rc;
}
