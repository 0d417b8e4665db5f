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
 * The walk that checks the tree also plans the writing: every folder (made
 * first, in order), and the files cut into parts, each a run of at most
 * PART_FILES files of one folder in the tree's order. Two writers then
 * take parts from the two ends of that list - this thread from the front,
 * a second thread from the back, so they mostly write into different
 * folders (a folder's lock is held while the kernel allocates an inode in
 * it, the cost of a new file) - until they meet. Each opens the part's
 * folder once, creates each file with O_EXCL relative to it, writes the
 * blob (read from the repository's object database, which libgit2 makes
 * safe to share between threads), and reads its stat data back with one
 * fstat: 4 system calls a file. Progress is reported and a stop asked for
 * from this thread only. Without libgit2 threads, on one processor, or
 * with one part, this thread writes everything. The git index is then
 * written from the entries, already in the tree's order, which is git's
 * (repo/gitindex.c, the same entry format as a share's; libgit2's
 * git_index_add and git_index_write cost 10 K instructions a file).
 *
 * The caller builds the clone in a temporary folder and moves it in whole,
 * so a process killed here (whichever thread is writing) leaves only that
 * folder, which the next join removes. */
#include "circle_priv.h"
#include "repo/checkout.h"
#include "repo/gitindex.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_DEPTH 64
#define PATH_CAP 4096
#define PART_FILES 128 /* files of one part at most */

/* one file to write: its blob, mode, and root-relative path (an offset in
 * the plan's path list; the name is its last part) */
typedef struct file_job {
	git_oid id;
	size_t path, name;
	int exec;
} file_job;

/* a run of files [first, end) of one folder (its root-relative path at
 * offset dir in the path list; an empty one for the root) */
typedef struct part {
	size_t dir, first, end;
} part;

typedef struct writer {
	git_repository *repo;
	git_odb *odb;
	const char *what;
	wol_checkout_cb cb;
	void *payload;
	size_t total;
	int stopped;
	/* the plan, made by scan(): folders in order, files in the tree's order
	 * (the index's), parts; paths NUL-terminated one after the other */
	wol_buf paths;
	size_t *dirs, ndirs, dircap;
	file_job *files;
	size_t filecap;
	wol_gitindex_entry *ents;
	part *parts;
	size_t nparts, partcap;
	int oom;
	/* shared by the two writers */
	pthread_mutex_t mu;
	size_t next, last;   /* parts not taken yet: [next, last) */
	size_t done_other;   /* files the second writer has written */
	size_t reported;     /* the last count given to cb */
	int stop;            /* a writer failed, or a stop was asked */
	int root;            /* the work tree */
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

/* Room for one more item in the array at arrp (a pointer to the array's
 * pointer; *cap items of size bytes, n used): 0, or -1 out of memory. */
static int room(void *arrp, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return 0;
	void *arr, *p;
	memcpy(&arr, arrp, sizeof arr);
	size_t c = *cap ? 2 * *cap : 64;
	if (!(p = realloc(arr, c * size)))
		return -1;
	memcpy(arrp, &p, sizeof p);
	*cap = c;
	return 0;
}

/* Plans a part for files [first, end) of the folder at offset dir, cut
 * into runs of PART_FILES. */
static int add_parts(writer *w, size_t dir, size_t first, size_t end)
{
	for (size_t a = first; a < end; a += PART_FILES) {
		if (room(&w->parts, &w->partcap, w->nparts, sizeof *w->parts))
			return -1;
		w->parts[w->nparts++] = (part){dir, a, end - a > PART_FILES ? a + PART_FILES : end};
	}
	return 0;
}

/* w->path up to len into the path list: its offset, or (size_t)-1 when out
 * of memory. */
static size_t keep_path(writer *w, size_t len)
{
	size_t off = w->paths.len;
	if (wol_buf_put(&w->paths, w->path, len) || wol_buf_put(&w->paths, "", 1))
		return (size_t)-1;
	return off;
}

/* Walks the tree: plans its folders, files and parts (w->total files), and
 * sets w->why when our writer must leave the tree to libgit2. A negative
 * libgit2 code on errors; -1 with w->oom set when out of memory. */
static int scan(writer *w, const git_tree *tree, size_t len, int depth)
{
	if (depth > MAX_DEPTH) {
		snprintf(w->why, sizeof w->why, "folders nested deeper than %d", MAX_DEPTH);
		return 0;
	}
	size_t n = git_tree_entrycount(tree), before = w->total;
	const char *prev = NULL;
	int prev_dir = 0;
	/* this folder's path, and where its current run of files starts */
	w->path[len] = '\0';
	size_t dir = keep_path(w, len), run = w->total;
	if (dir == (size_t)-1)
		goto oom;
	if (depth > 0) {
		if (room(&w->dirs, &w->dircap, w->ndirs, sizeof *w->dirs))
			goto oom;
		w->dirs[w->ndirs++] = dir;
	}
	for (size_t i = 0; i < n && !w->why[0]; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(tree, i);
		const char *name = git_tree_entry_name(e);
		git_filemode_t mode = git_tree_entry_filemode_raw(e);
		int isdir = mode == GIT_FILEMODE_TREE;
		size_t plen = path_push(w, len, name);
		if (!plen) {
			snprintf(w->why, sizeof w->why, "a path longer than %d bytes", PATH_CAP);
			break;
		}
		if (!plain_name(name)) {
			snprintf(w->why, sizeof w->why, "a name git reads specially: %s", w->path);
			break;
		}
		if (prev && entry_cmp(prev, prev_dir, name, isdir) >= 0) {
			snprintf(w->why, sizeof w->why, "a tree out of order: %s", w->path);
			break;
		}
		prev = name;
		prev_dir = isdir;
		if (isdir) {
			/* the files before the folder are one run, those after another */
			if (add_parts(w, dir, run, w->total))
				goto oom;
			git_tree *sub = NULL;
			int grc = git_tree_lookup(&sub, w->repo, git_tree_entry_id(e));
			if (grc < 0)
				return grc;
			grc = scan(w, sub, plen, depth + 1);
			git_tree_free(sub);
			if (grc < 0)
				return grc;
			run = w->total;
		} else if (mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE) {
			if (room(&w->files, &w->filecap, w->total, sizeof *w->files))
				goto oom;
			file_job *f = &w->files[w->total++];
			git_oid_cpy(&f->id, git_tree_entry_id(e));
			f->exec = mode == GIT_FILEMODE_BLOB_EXECUTABLE;
			f->name = plen - strlen(name);
			if ((f->path = keep_path(w, plen)) == (size_t)-1)
				goto oom;
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
	if (!w->why[0] && add_parts(w, dir, run, w->total))
		goto oom;
	return 0;
oom:
	w->oom = 1;
	return -1;
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

/* WOL_TRACE_GIT=1: which checkout, and for ours how many writers */
static void trace(const writer *w, int writers)
{
	const char *t = getenv("WOL_TRACE_GIT");
	if (!t || *t != '1')
		return;
	if (w->why[0])
		fprintf(stderr, "wol: trace: checkout by libgit2 (%s)\n", w->why);
	else
		fprintf(stderr, "wol: trace: checkout by wol (%zu files, %d writer%s)\n", w->total, writers,
		        writers > 1 ? "s" : "");
}

/* ------------------------------------------------------------ writing */

static int io_error(wol_error *err, const char *what, const char *path)
{
	int e = errno;
	return wol_error_set(err, WOL_EIO, "%s: %s: %s", what, path, strerror(e));
}

/* Writes file i into the folder dirfd and fills its index entry (stat
 * data as git records a file it wrote). Runs in either writer: touches
 * only the file's own job and entry, and the object database. */
static int put_file(writer *w, int dirfd, size_t i, wol_error *err)
{
	const file_job *f = &w->files[i];
	const char *path = w->paths.ptr + f->path;
	git_odb_object *obj = NULL;
	int grc = git_odb_read(&obj, w->odb, &f->id);
	if (grc < 0)
		return wol_error_git(err, grc, w->what);
	if (git_odb_object_type(obj) != GIT_OBJECT_BLOB) {
		git_odb_object_free(obj);
		return wol_error_set(err, WOL_EGIT, "%s: %s: not a blob", w->what, path);
	}
	int fd = openat(dirfd, path + f->name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	                f->exec ? 0755 : 0644);
	if (fd < 0) {
		git_odb_object_free(obj);
		return io_error(err, w->what, path);
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
			int rc = io_error(err, w->what, path);
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
		int rc = io_error(err, w->what, path);
		close(fd);
		return rc;
	}
	if (close(fd) != 0)
		return io_error(err, w->what, path);
	wol_gitindex_entry *we = &w->ents[i];
	memset(we, 0, sizeof *we);
	wol_gitindex__stat(we, &st);
	we->mode = f->exec ? GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB;
	memcpy(we->id, f->id.id, sizeof we->id);
	we->path = path;
	return 0;
}

/* The next part for a writer: from the front of the list for this thread,
 * from the back for the other. 0 when none is left or a writer stopped. */
static const part *take(writer *w, int front)
{
	const part *p = NULL;
	pthread_mutex_lock(&w->mu);
	if (!w->stop && w->next < w->last)
		p = &w->parts[front ? w->next++ : --w->last];
	pthread_mutex_unlock(&w->mu);
	return p;
}

static void stop_all(writer *w)
{
	pthread_mutex_lock(&w->mu);
	w->stop = 1;
	pthread_mutex_unlock(&w->mu);
}

/* Writes the files of one part. This thread (front) counts them in
 * *written, reports progress and may be asked to stop; the other counts
 * them in w->done_other and ends the part early when a writer stopped. */
static int put_part(writer *w, const part *pt, size_t *written, int front, wol_error *err)
{
	const char *dir = w->paths.ptr + pt->dir;
	int dirfd = w->root;
	if (*dir && (dirfd = openat(w->root, dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return io_error(err, w->what, dir);
	int rc = 0, stop = 0;
	for (size_t i = pt->first; i < pt->end && !rc && !stop; i++) {
		if ((rc = put_file(w, dirfd, i, err)))
			break;
		pthread_mutex_lock(&w->mu);
		size_t other = front ? w->done_other : ++w->done_other;
		stop = w->stop;
		pthread_mutex_unlock(&w->mu);
		if (front && w->cb && w->cb(w->reported = ++*written + other, w->total, w->payload) != 0) {
			w->stopped = 1;
			rc = wol_error_set(err, WOL_EINVAL, "%s: cancelled", w->what);
		}
	}
	if (dirfd != w->root)
		close(dirfd);
	return rc;
}

typedef struct other_writer {
	writer *w;
	int rc;
	wol_error err;
} other_writer;

static void *other_main(void *arg)
{
	other_writer *o = arg;
	const part *pt;
	while (!o->rc && (pt = take(o->w, 0)))
		if ((o->rc = put_part(o->w, pt, NULL, 0, &o->err)))
			stop_all(o->w);
	return NULL;
}

/* Should a second thread write: libgit2 built with threads (its object
 * database is then shared safely), more than one processor, two parts. */
static int two_writers(const writer *w)
{
	return w->nparts > 1 && (git_libgit2_features() & GIT_FEATURE_THREADS) &&
	       sysconf(_SC_NPROCESSORS_ONLN) > 1;
}

/* Makes the folders and writes every file (two writers when it pays),
 * filling w->ents. */
static int write_all(writer *w)
{
	for (size_t i = 0; i < w->ndirs; i++) {
		const char *dir = w->paths.ptr + w->dirs[i];
		if (mkdirat(w->root, dir, 0755) != 0)
			return io_error(w->err, w->what, dir);
	}
	if (!(w->ents = calloc(w->total ? w->total : 1, sizeof *w->ents)))
		return wol_error_set(w->err, WOL_ENOMEM, "out of memory");
	w->next = 0;
	w->last = w->nparts;
	other_writer o = {w, 0, {0, ""}};
	pthread_t th;
	int started = 0;
	if (two_writers(w)) {
		/* signals stay with this thread, as before */
		sigset_t all, old;
		sigfillset(&all);
		pthread_sigmask(SIG_SETMASK, &all, &old);
		started = pthread_create(&th, NULL, other_main, &o) == 0;
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	}
	trace(w, started ? 2 : 1);
	int rc = 0;
	size_t written = 0;
	const part *pt;
	while (!rc && (pt = take(w, 1)))
		rc = put_part(w, pt, &written, 1, w->err);
	if (rc)
		stop_all(w);
	if (started)
		pthread_join(th, NULL);
	if (!rc && o.rc) {
		if (w->err)
			*w->err = o.err;
		rc = o.rc;
	}
	if (!rc && w->cb && w->reported < w->total && w->cb(w->total, w->total, w->payload) != 0) {
		w->stopped = 1;
		rc = wol_error_set(w->err, WOL_EINVAL, "%s: cancelled", w->what);
	}
	return rc;
}

/* The git index of the files written: the entries in the tree's order
 * (git's), written to index.lock and renamed to index, as git does (not
 * fsynced, as libgit2's writer did not for a clone: nothing of the work
 * tree is). */
static int write_index(writer *w)
{
	char *bytes = NULL, *lock = NULL, *final = NULL;
	size_t len = 0;
	const char *gitdir = git_repository_path(w->repo); /* ends in '/' */
	int rc = wol_gitindex__fresh(w->ents, w->total, &bytes, &len);
	if (rc || !(lock = wol_strfmt("%sindex.lock", gitdir)) ||
	    !(final = wol_strfmt("%sindex", gitdir))) {
		rc = wol_error_set(w->err, WOL_ENOMEM, "out of memory");
		goto out;
	}
	int fd = open(lock, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		rc = io_error(w->err, w->what, lock);
		goto out;
	}
	const char *p = bytes;
	size_t left = len;
	while (left > 0 && !rc) {
		ssize_t k = write(fd, p, left);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			if (k == 0)
				errno = EIO;
			rc = io_error(w->err, w->what, lock);
			break;
		}
		p += k;
		left -= (size_t)k;
	}
	if (close(fd) != 0 && !rc)
		rc = io_error(w->err, w->what, lock);
	if (!rc && rename(lock, final) != 0)
		rc = io_error(w->err, w->what, final);
	if (rc)
		unlink(lock);
out:
	free(bytes);
	free(lock);
	free(final);
	return rc;
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
	w->root = -1;
	wol_buf_init(&w->paths);
	pthread_mutex_init(&w->mu, NULL);
	git_commit *head = NULL;
	git_tree *tree = NULL;
	git_oid id;
	int rc = 0, grc;
	/* libgit2 hashes every object it reads again to check its id; the
	 * objects here come from the pack the clone has just indexed, which
	 * computed each id from the object's bytes (git's checkout does not
	 * check them again either). Off for the walk and the writing (its
	 * default, which wol never changes, is back before any other git work;
	 * the option is the process's, and wol starts no other libgit2 thread). */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
	if ((grc = git_reference_name_to_id(&id, repo, "HEAD")) < 0 ||
	    (grc = git_commit_lookup(&head, repo, &id)) < 0 ||
	    (grc = git_commit_tree(&tree, head)) < 0 || (grc = check_config(w)) < 0 ||
	    (!w->why[0] && (grc = scan(w, tree, 0, 0)) < 0)) {
		rc = w->oom ? wol_error_set(err, WOL_ENOMEM, "out of memory") : wol_error_git(err, grc, what);
		goto out;
	}
	if (w->why[0]) {
		git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 1);
		trace(w, 0);
		rc = by_libgit2(w);
		goto out;
	}
	const char *wd = git_repository_workdir(repo);
	if ((grc = git_repository_odb(&w->odb, repo)) < 0) {
		rc = wol_error_git(err, grc, what);
		goto out;
	}
	if (!wd || (w->root = open(wd, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		rc = wol_error_set(err, WOL_EIO, "%s: %s: %s", what, wd ? wd : "no work tree",
		                   strerror(wd ? errno : ENOENT));
		goto out;
	}
	if (cb && cb(0, w->total, payload) != 0) {
		rc = wol_error_set(err, WOL_EINVAL, "%s: cancelled", what);
		goto out;
	}
	if ((rc = write_all(w)) == 0)
		rc = write_index(w);
out:
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 1);
	if (w->root >= 0)
		close(w->root);
	git_odb_free(w->odb);
	git_tree_free(tree);
	git_commit_free(head);
	pthread_mutex_destroy(&w->mu);
	wol_buf_free(&w->paths);
	free(w->dirs);
	free(w->files);
	free(w->ents);
	free(w->parts);
	free(w);
	return rc;
}
