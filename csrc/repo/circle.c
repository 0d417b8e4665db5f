/* circle.c - circles: create, join, open; circle.md and members; the one
 * way wol commits to a circle repository (wol_circle_commit). */
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

struct wol_circle {
	char *name;
	char *path;    /* work tree */
	char *gitdir;  /* work tree + "/.git" */
	char *home;
	char handle[WOL_HANDLE_MAX + 1];
	char *author;  /* display name for commits */
	char *email;
	wol_date today;
	git_repository *repo;
	/* the index as we last wrote it, kept parsed between commits; used
	 * while $GIT_DIR/index still has the same inode, size and mtime */
	git_index *idx;
	struct stat idx_st;
};

/* ------------------------------------------------------------ small bits */

int wol_path_check(const char *rel, wol_error *err)
{
	if (!rel || !*rel)
		return wol_error_set(err, WOL_EINVAL, "path: empty");
	if (rel[0] == '/')
		return wol_error_set(err, WOL_EINVAL, "path: '%s' is absolute", rel);
	size_t n = strlen(rel);
	if (n > 1024)
		return wol_error_set(err, WOL_EINVAL, "path: too long");
	for (const unsigned char *p = (const unsigned char *)rel; *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '\\')
			return wol_error_set(err, WOL_EINVAL,
			                     "path: '%s' has a control character or backslash", rel);
	const char *s = rel;
	while (*s) {
		const char *e = strchr(s, '/');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		if (len == 0 || (len == 1 && s[0] == '.') || (len == 2 && s[0] == '.' && s[1] == '.'))
			return wol_error_set(err, WOL_EINVAL,
			                     "path: '%s' has an empty, '.' or '..' component", rel);
		if (s == rel && len == 4 && strncmp(s, ".git", 4) == 0)
			return wol_error_set(err, WOL_EINVAL, "path: '%s' is inside .git", rel);
		if (!e)
			break;
		if (e[1] == '\0')
			return wol_error_set(err, WOL_EINVAL, "path: '%s' ends with '/'", rel);
		s = e + 1;
	}
	return 0;
}

int wol_id_new(const char *handle, char *buf, size_t size, wol_error *err)
{
	unsigned char rnd[4];
	size_t got = 0;
	while (got < sizeof rnd) {
		ssize_t r = getrandom(rnd + got, sizeof rnd - got, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
			if (fd < 0 || read(fd, rnd, sizeof rnd) != (ssize_t)sizeof rnd) {
				if (fd >= 0)
					close(fd);
				return wol_error_set(err, WOL_EIO, "id: no random bytes: %s",
				                     strerror(errno));
			}
			close(fd);
			got = sizeof rnd;
			break;
		}
		got += (size_t)r;
	}
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	int n = snprintf(buf, size, "%04d%02d%02dT%02d%02d%02dZ-%s-%02x%02x%02x%02x",
	                 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
	                 tm.tm_sec, handle, rnd[0], rnd[1], rnd[2], rnd[3]);
	if (n < 0 || (size_t)n >= size)
		return wol_error_set(err, WOL_EINVAL, "id: buffer too small");
	return 0;
}

/* Creates the directories of `rel` below `root`, refusing to pass through a
 * symbolic link or a non-directory. */
static int mkdirs_nofollow(const char *root, const char *rel, wol_error *err)
{
	char *p = wol_strfmt("%s/%s", root, rel);
	if (!p)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	int rc = 0;
	for (char *s = strchr(p + strlen(root) + 1, '/'); s && rc == 0; s = strchr(s + 1, '/')) {
		*s = '\0';
		struct stat st;
		if (lstat(p, &st) != 0) {
			if (errno != ENOENT || (mkdir(p, 0755) != 0 && errno != EEXIST)) {
				int e = errno;
				rc = wol_error_set(err, WOL_EIO, "mkdir %s: %s", p, strerror(e));
			}
		} else if (S_ISLNK(st.st_mode)) {
			rc = wol_error_set(err, WOL_EINVAL, "%s: is a symbolic link (not followed)", p);
		} else if (!S_ISDIR(st.st_mode)) {
			rc = wol_error_set(err, WOL_EINVAL, "%s: is not a directory", p);
		}
		*s = '/';
	}
	free(p);
	return rc;
}

/* Writes root/rel atomically without following symbolic links. */
static int write_nofollow(const char *root, const char *rel, const char *data, size_t len,
                          wol_error *err)
{
	int rc = mkdirs_nofollow(root, rel, err);
	if (rc)
		return rc;
	char *p = wol_strfmt("%s/%s", root, rel);
	if (!p)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	struct stat st;
	if (lstat(p, &st) == 0 && !S_ISREG(st.st_mode)) {
		rc = wol_error_set(err, WOL_EINVAL, "%s: %s", p,
		                   S_ISLNK(st.st_mode) ? "is a symbolic link (not followed)"
		                                       : "not a regular file");
	} else {
		rc = wol_fs_write_atomic(p, data, len, 0644, err);
	}
	free(p);
	return rc;
}

/* Reads root/rel (no symbolic links) up to max bytes. */
static int read_nofollow(const char *root, const char *rel, size_t max, char **out, size_t *len,
                         wol_error *err)
{
	char *p = wol_strfmt("%s/%s", root, rel);
	if (!p)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	/* every directory on the way must be a real directory too */
	int rc = 0;
	size_t rootlen = strlen(root);
	for (char *s = strchr(p + rootlen + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		struct stat st;
		if (lstat(p, &st) != 0 || !S_ISDIR(st.st_mode))
			rc = wol_error_set(err, errno == ENOENT ? WOL_ENOTFOUND : WOL_EINVAL,
			                   "%s: not a directory (symbolic links are not followed)", p);
		*s = '/';
		if (rc)
			break;
	}
	if (!rc)
		rc = wol_fs_read(p, max, 1, out, len, err);
	free(p);
	return rc;
}

/* ------------------------------------------------------ open and close */

static wol_circle *circle_new(wol_ctx *ctx, const char *name, const char *path, wol_error *err)
{
	const char *handle;
	if (wol_ctx_handle(ctx, &handle, err))
		return NULL;
	const wol_identity *id = wol_ctx_identity(ctx);
	wol_circle *c = calloc(1, sizeof *c);
	if (!c) {
		wol_error_set(err, WOL_ENOMEM, "out of memory");
		return NULL;
	}
	c->name = wol_strfmt("%s", name);
	c->path = wol_strfmt("%s", path);
	c->gitdir = wol_strfmt("%s/.git", path);
	c->home = wol_strfmt("%s", wol_ctx_home(ctx));
	c->author = wol_strfmt("%s", id->name && *id->name ? id->name : handle);
	c->email = id->email && *id->email ? wol_strfmt("%s", id->email)
	                                  : wol_strfmt("%s@wol.invalid", handle);
	snprintf(c->handle, sizeof c->handle, "%s", handle);
	c->today = wol_ctx_today(ctx);
	if (!c->name || !c->path || !c->gitdir || !c->home || !c->author || !c->email) {
		wol_circle_close(c);
		wol_error_set(err, WOL_ENOMEM, "out of memory");
		return NULL;
	}
	return c;
}

static int circle_open_path(wol_ctx *ctx, const char *name, const char *path, wol_circle **out,
                            wol_error *err)
{
	*out = NULL;
	wol_circle *c = circle_new(ctx, name, path, err);
	if (!c)
		return err ? err->code : WOL_EINVAL;
	int grc = git_repository_open_ext(&c->repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
	if (grc < 0) {
		char what[256];
		snprintf(what, sizeof what, "circle '%s'", name);
		int rc = wol_error_git(err, grc, what);
		wol_circle_close(c);
		return rc;
	}
	if (git_repository_is_bare(c->repo)) {
		wol_circle_close(c);
		return wol_error_set(err, WOL_EINVAL, "circle '%s': %s is a bare repository", name,
		                     path);
	}
	*out = c;
	return 0;
}

int wol_circle_open(wol_ctx *ctx, const char *name, wol_circle **out, wol_error *err)
{
	*out = NULL;
	const char *resolved;
	int rc = wol_ctx_circle(ctx, name, &resolved, err);
	if (rc)
		return rc;
	char *path = wol_ctx_circle_path(ctx, resolved);
	if (!path)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	rc = circle_open_path(ctx, resolved, path, out, err);
	free(path);
	return rc;
}

void wol_circle_close(wol_circle *c)
{
	if (!c)
		return;
	if (c->idx)
		git_index_free(c->idx);
	if (c->repo)
		git_repository_free(c->repo);
	free(c->name);
	free(c->path);
	free(c->gitdir);
	free(c->home);
	free(c->author);
	free(c->email);
	free(c);
}

const char *wol_circle_name(const wol_circle *c)
{
	return c->name;
}

const char *wol_circle_path(const wol_circle *c)
{
	return c->path;
}

const char *wol_circle_handle(const wol_circle *c)
{
	return c->handle;
}

struct git_repository *wol_circle_repo(wol_circle *c)
{
	return c->repo;
}

/* Accessors for share.c and note.c (circle_priv.h). */
const char *wol_circle__author(const wol_circle *c)
{
	return c->author;
}

const char *wol_circle__home(const wol_circle *c)
{
	return c->home;
}

wol_date wol_circle__today(const wol_circle *c)
{
	return c->today;
}

int wol_circle__read(wol_circle *c, const char *rel, size_t max, char **out, size_t *len,
                     wol_error *err)
{
	int rc = wol_path_check(rel, err);
	return rc ? rc : read_nofollow(c->path, rel, max, out, len, err);
}

int wol_circle__read_at(const char *root, const char *rel, size_t max, char **out, size_t *len,
                        wol_error *err)
{
	int rc = wol_path_check(rel, err);
	return rc ? rc : read_nofollow(root, rel, max, out, len, err);
}

int wol_circle__write(wol_circle *c, const char *rel, const char *data, size_t len,
                      wol_error *err)
{
	int rc = wol_path_check(rel, err);
	return rc ? rc : write_nofollow(c->path, rel, data, len, err);
}

/* ------------------------------------------------------------ committing */

static long long mtime_ns(const struct stat *st)
{
	return (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
}

/* Removes `*.lock` files under dir (recursively) no older than `since`:
 * left by a wol commit that was killed (our own lock proves nobody of
 * ours is at work, and the owner file says when the dead one began). */
static void remove_stale_locks(const char *dir, long long since, int depth)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || strcmp(de->d_name, "objects") == 0)
			continue;
		/* index.lock is removed only when it is the very file the dead
		 * commit created (see recover_after_crash): git may hold it now */
		if (depth == 0 && strcmp(de->d_name, "index.lock") == 0)
			continue;
		char *p = wol_strfmt("%s/%s", dir, de->d_name);
		struct stat st;
		if (p && lstat(p, &st) == 0) {
			size_t n = strlen(de->d_name);
			if (S_ISDIR(st.st_mode) && depth < 8)
				remove_stale_locks(p, since, depth + 1);
			else if (S_ISREG(st.st_mode) && n > 5 &&
			         strcmp(de->d_name + n - 5, ".lock") == 0 && mtime_ns(&st) >= since)
				unlink(p);
		}
		free(p);
	}
	closedir(d);
}

/* Removes the temporary files of an interrupted atomic write of root/rel
 * (".<base>.tmp-*" next to it, see wol_fs_write_atomic). */
static void remove_write_temps(const char *root, const char *rel)
{
	if (wol_path_check(rel, NULL) != 0)
		return;
	char *p = wol_strfmt("%s/%s", root, rel);
	char *slash = p ? strrchr(p, '/') : NULL;
	if (!slash) {
		free(p);
		return;
	}
	*slash = '\0';
	char *prefix = wol_strfmt(".%s.tmp-", slash + 1);
	DIR *d = prefix ? opendir(p) : NULL;
	struct dirent *de;
	while (d && (de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, prefix, strlen(prefix)) != 0)
			continue;
		char *t = wol_strfmt("%s/%s", p, de->d_name);
		struct stat st;
		if (t && lstat(t, &st) == 0 && S_ISREG(st.st_mode))
			unlink(t);
		free(t);
	}
	if (d)
		closedir(d);
	free(prefix);
	free(p);
}

/* The owner file, when not empty, says a commit is in progress: the pid,
 * then the paths being written, one a line. A wol commit killed part way leaves it
 * behind; the next one (holding the lock, so no wol commit is running)
 * removes the locks and temporary files the dead one left. */
static void recover_after_crash(wol_circle *c, const char *owner)
{
	struct stat st;
	if (lstat(owner, &st) != 0 || st.st_size == 0)
		return; /* no commit was under way */
	char *text = NULL;
	size_t len;
	if (wol_fs_read(owner, 1024 * 1024, 1, &text, &len, NULL) != 0)
		text = NULL;
	/* a second of slack for file systems with coarse timestamps */
	remove_stale_locks(c->gitdir, mtime_ns(&st) - 1000000000LL, 0);
	char *tmpidx = wol_strfmt("%s/wol-index.new", c->gitdir);
	if (tmpidx)
		unlink(tmpidx);
	free(tmpidx);
	DIR *d = opendir(c->gitdir);
	struct dirent *de;
	while (d && (de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, "wol-index.lock.", 15) != 0)
			continue;
		char *p = wol_strfmt("%s/%s", c->gitdir, de->d_name);
		if (p)
			unlink(p);
		free(p);
	}
	if (d)
		closedir(d);
	char *save = NULL;
	char *line = text ? strtok_r(text, "\n", &save) : NULL; /* the pid */
	while (line && (line = strtok_r(NULL, "\n", &save)) != NULL) {
		unsigned long long ino;
		if (sscanf(line, "!index.lock %llu", &ino) == 1) {
			char *lock = wol_strfmt("%s/index.lock", c->gitdir);
			struct stat ls;
			if (lock && lstat(lock, &ls) == 0 && (unsigned long long)ls.st_ino == ino)
				unlink(lock);
			free(lock);
		} else {
			remove_write_temps(c->path, line);
		}
	}
	free(text);
	truncate(owner, 0);
}

static int write_owner(const char *owner, const wol_commit_file *files, size_t nfiles,
                       wol_error *err)
{
	wol_buf b;
	wol_buf_init(&b);
	wol_buf_printf(&b, "%ld\n", (long)getpid());
	for (size_t i = 0; i < nfiles; i++)
		wol_buf_printf(&b, "%s\n", files[i].path);
	if (b.oom) {
		wol_buf_free(&b);
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	int fd = open(owner, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	int ok = fd >= 0 && write(fd, b.ptr, b.len) == (ssize_t)b.len;
	int e = errno;
	if (fd >= 0)
		close(fd);
	wol_buf_free(&b);
	return ok ? 0 : wol_error_set(err, WOL_EIO, "commit: %s: %s", owner, strerror(e));
}

static int sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
	return ms;
}

static int index_locked_error(wol_circle *c, int waited, wol_error *err)
{
	return wol_error_set(err, WOL_ELOCKED,
	                     "commit: %s/index.lock is held by another git process (waited %d ms); "
	                     "try again when it has finished, or remove the file if no git is running",
	                     c->gitdir, waited);
}

/* Takes git's own index.lock (waiting up to timeout_ms), so that neither
 * the git CLI nor another tool changes the index or commits while we
 * commit. Our new index is written beside it and renamed over `index`.
 * The lock is made as a private file whose inode the owner file records,
 * then hard-linked to index.lock (which fails while someone holds it): a
 * crash at any point leaves either no index.lock or one recovery can
 * prove is ours. */
static int take_index_lock(wol_circle *c, int timeout_ms, int *waited, wol_error *err)
{
	char *lock = wol_strfmt("%s/index.lock", c->gitdir);
	char *mine = wol_strfmt("%s/wol-index.lock.%ld", c->gitdir, (long)getpid());
	char *owner = wol_strfmt("%s/wol-commit.owner", c->gitdir);
	int rc = 0;
	if (!lock || !mine || !owner) {
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		goto out;
	}
	unlink(mine);
	int fd = open(mine, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		rc = wol_error_set(err, WOL_EIO, "commit: %s: %s", mine, strerror(e));
		goto out;
	}
	close(fd);
	int ofd = open(owner, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
	if (ofd < 0 || dprintf(ofd, "!index.lock %llu\n", (unsigned long long)st.st_ino) < 0) {
		int e = errno;
		if (ofd >= 0)
			close(ofd);
		rc = wol_error_set(err, WOL_EIO, "commit: %s: %s", owner, strerror(e));
		goto out;
	}
	close(ofd);
	for (;;) {
		if (link(mine, lock) == 0)
			break;
		if (errno != EEXIST) {
			int e = errno;
			rc = wol_error_set(err, WOL_EIO, "commit: %s: %s", lock, strerror(e));
			break;
		}
		if (*waited >= timeout_ms) {
			rc = index_locked_error(c, *waited, err);
			break;
		}
		*waited += sleep_ms(10);
	}
out:
	if (mine)
		unlink(mine);
	free(lock);
	free(mine);
	free(owner);
	return rc;
}

static int stage_entry(git_index *idx, const char *root, const char *rel, const git_oid *blob,
                       size_t len);

static void drop_index_lock(wol_circle *c)
{
	char *lock = wol_strfmt("%s/index.lock", c->gitdir);
	if (lock)
		unlink(lock);
	free(lock);
}

static int same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
	       mtime_ns(a) == mtime_ns(b);
}

/* Writes the index with `files` staged, under our index.lock: a private
 * copy at wol-index.new (a hard link of the index, which libgit2's write
 * replaces) renamed over the index. The parsed copy is kept in the handle
 * and reused while the index on disk is still the one we wrote. */
static int write_index(wol_circle *c, const wol_commit_file *files, const git_oid *blobs,
                       size_t nfiles, wol_error *err)
{
	char *cur = wol_strfmt("%s/index", c->gitdir);
	char *tmp = wol_strfmt("%s/wol-index.new", c->gitdir);
	int rc = 0, grc = 0;
	if (!cur || !tmp) {
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		goto out;
	}
	struct stat st;
	int have = stat(cur, &st) == 0;
	if (!c->idx || !have || !same_file(&st, &c->idx_st)) {
		if (c->idx)
			git_index_free(c->idx);
		c->idx = NULL;
		unlink(tmp);
		if (have && link(cur, tmp) != 0) {
			int e = errno;
			rc = wol_error_set(err, WOL_EIO, "commit: index: %s", strerror(e));
			goto out;
		}
		grc = git_index_open(&c->idx, tmp);
	}
	for (size_t i = 0; grc == 0 && i < nfiles; i++)
		grc = stage_entry(c->idx, c->path, files[i].path, &blobs[i], files[i].len);
	if (grc == 0)
		grc = git_index_write(c->idx);
	if (grc < 0) {
		rc = wol_error_git(err, grc, "commit: index");
		goto out;
	}
	if (rename(tmp, cur) != 0 || stat(cur, &c->idx_st) != 0) {
		int e = errno;
		rc = wol_error_set(err, WOL_EIO, "commit: index: %s", strerror(e));
	}
out:
	if (rc) {
		if (c->idx)
			git_index_free(c->idx);
		c->idx = NULL; /* read it again next time */
		if (tmp)
			unlink(tmp);
	}
	free(cur);
	free(tmp);
	return rc;
}

static int head_state(wol_circle *c, char **branch, git_commit **parent, wol_error *err)
{
	*branch = NULL;
	*parent = NULL;
	git_reference *head = NULL;
	int grc = git_reference_lookup(&head, c->repo, "HEAD");
	if (grc < 0)
		return wol_error_git(err, grc, "commit: HEAD");
	if (git_reference_type(head) != GIT_REFERENCE_SYMBOLIC) {
		git_reference_free(head);
		return wol_error_set(err, WOL_EINVAL,
		                     "commit: %s has a detached HEAD; check out a branch first (git -C "
		                     "%s switch main)",
		                     c->path, c->path);
	}
	*branch = wol_strfmt("%s", git_reference_symbolic_target(head));
	git_reference_free(head);
	git_oid oid;
	grc = git_reference_name_to_id(&oid, c->repo, *branch);
	if (grc == GIT_ENOTFOUND) {
		git_error_clear();
		return 0; /* unborn */
	}
	if (grc < 0 || (grc = git_commit_lookup(parent, c->repo, &oid)) < 0) {
		free(*branch);
		*branch = NULL;
		return wol_error_git(err, grc, "commit: HEAD");
	}
	return 0;
}

static int stage_entry(git_index *idx, const char *root, const char *rel, const git_oid *blob,
                       size_t len)
{
	git_index_entry e;
	memset(&e, 0, sizeof e);
	struct stat st;
	char *p = wol_strfmt("%s/%s", root, rel);
	if (p && lstat(p, &st) == 0 && S_ISREG(st.st_mode)) {
		e.ctime.seconds = (int32_t)st.st_ctim.tv_sec;
		e.ctime.nanoseconds = (uint32_t)st.st_ctim.tv_nsec;
		e.mtime.seconds = (int32_t)st.st_mtim.tv_sec;
		e.mtime.nanoseconds = (uint32_t)st.st_mtim.tv_nsec;
		e.dev = (uint32_t)st.st_dev;
		e.ino = (uint32_t)st.st_ino;
		e.uid = st.st_uid;
		e.gid = st.st_gid;
		e.file_size = (uint32_t)st.st_size;
	} else {
		e.file_size = (uint32_t)len;
	}
	free(p);
	e.mode = GIT_FILEMODE_BLOB;
	e.id = *blob;
	e.path = rel;
	return git_index_add(idx, &e);
}

/* One attempt: objects, index entries, then the branch moved only if it
 * still points at the parent we built on. Returns GIT_EMODIFIED when it
 * moved underneath (the caller retries). */
static int commit_once(wol_circle *c, const wol_commit_file *files, size_t nfiles,
                       const char *message, int timeout_ms, int *waited, char *oid_out,
                       wol_error *err)
{
	char *branch = NULL;
	git_commit *parent = NULL;
	git_tree *base = NULL, *newtree = NULL;
	git_signature *sig = NULL;
	git_reference *ref = NULL;
	git_tree_update *ups = NULL;
	git_oid *blobs = NULL;
	int rc = head_state(c, &branch, &parent, err);
	if (rc)
		return rc;
	int grc;
	grc = parent ? git_commit_tree(&base, parent) : 0; /* unborn: no base tree */
	if (grc < 0) {
		rc = wol_error_git(err, grc, "commit: tree");
		goto out;
	}
	ups = calloc(nfiles, sizeof *ups);
	blobs = calloc(nfiles, sizeof *blobs);
	if (!ups || !blobs) {
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < nfiles; i++) {
		grc = git_blob_create_from_buffer(&blobs[i], c->repo, files[i].data, files[i].len);
		if (grc < 0) {
			rc = wol_error_git(err, grc, "commit: blob");
			goto out;
		}
		ups[i].action = GIT_TREE_UPDATE_UPSERT;
		ups[i].id = blobs[i];
		ups[i].filemode = GIT_FILEMODE_BLOB;
		ups[i].path = files[i].path;
	}
	git_oid tree_oid, commit_oid;
	grc = git_tree_create_updated(&tree_oid, c->repo, base, nfiles, ups);
	if (grc < 0) {
		rc = wol_error_git(err, grc, "commit: tree");
		goto out;
	}
	/* the index: only these entries change (we hold index.lock) */
	if ((rc = write_index(c, files, blobs, nfiles, err)))
		goto out;
	if (parent && git_oid_equal(&tree_oid, git_commit_tree_id(parent))) {
		if (oid_out)
			oid_out[0] = '\0';
		rc = 1; /* nothing changed: no empty commit */
		goto out;
	}
	grc = git_signature_now(&sig, c->author, c->email);
	if (grc < 0) {
		rc = wol_error_git(err, grc, "commit: author");
		goto out;
	}
	git_tree_free(newtree);
	grc = git_tree_lookup(&newtree, c->repo, &tree_oid);
	if (grc == 0) {
		const git_commit *parents[1] = {parent};
		grc = git_commit_create(&commit_oid, c->repo, NULL, sig, sig, NULL, message, newtree,
		                        parent ? 1 : 0, parents);
	}
	if (grc < 0) {
		rc = wol_error_git(err, grc, "commit");
		goto out;
	}
	char *logmsg = wol_strfmt("commit%s: %.*s", parent ? "" : " (initial)",
	                          (int)strcspn(message, "\n"), message);
	for (;;) {
		if (parent)
			grc = git_reference_create_matching(&ref, c->repo, branch, &commit_oid, 1,
			                                    git_commit_id(parent), logmsg);
		else
			grc = git_reference_create(&ref, c->repo, branch, &commit_oid, 0, logmsg);
		if (grc != GIT_ELOCKED || *waited >= timeout_ms)
			break;
		git_error_clear();
		*waited += sleep_ms(10);
	}
	free(logmsg);
	if (grc == GIT_EMODIFIED || grc == GIT_EEXISTS) {
		git_error_clear();
		rc = GIT_EMODIFIED;
		goto out;
	}
	if (grc < 0) {
		rc = wol_error_git(err, grc, "commit: update branch");
		goto out;
	}
	if (oid_out)
		git_oid_tostr(oid_out, 41, &commit_oid);
out:
	git_reference_free(ref);
	git_signature_free(sig);
	git_tree_free(newtree);
	git_tree_free(base);
	git_commit_free(parent);
	free(ups);
	free(blobs);
	free(branch);
	return rc;
}

int wol_circle_commit(wol_circle *c, const wol_commit_file *files, size_t nfiles,
                      const char *message, int timeout_ms, char *oid_out, wol_error *err)
{
	if (oid_out)
		oid_out[0] = '\0';
	if (timeout_ms <= 0)
		timeout_ms = 2000;
	if (nfiles == 0)
		return wol_error_set(err, WOL_EINVAL, "commit: no files");
	for (size_t i = 0; i < nfiles; i++) {
		int rc = wol_path_check(files[i].path, err);
		if (rc)
			return rc;
	}
	/* crash safety: objects, index and refs fsynced before they count */
	git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1);
	char *lockpath = wol_strfmt("%s/wol-commit.flock", c->gitdir);
	char *owner = wol_strfmt("%s/wol-commit.owner", c->gitdir);
	if (!lockpath || !owner) {
		free(lockpath);
		free(owner);
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	wol_lock lk;
	/* other wol commits finish in milliseconds: wait for them longer than
	 * for a git that holds index.lock */
	int rc = wol_lock_acquire(&lk, lockpath, timeout_ms < 15000 ? 15000 : timeout_ms, err);
	free(lockpath);
	if (rc) {
		free(owner);
		return rc;
	}
	recover_after_crash(c, owner);
	int waited = 0;
	rc = write_owner(owner, files, nfiles, err);
	if (rc)
		goto out;
	rc = take_index_lock(c, timeout_ms, &waited, err);
	if (rc) {
		truncate(owner, 0);
		goto out;
	}
	for (size_t i = 0; i < nfiles && rc == 0; i++) {
		/* a file that already holds these bytes is left as it is, so an
		 * editor that just wrote it sees no change on disk */
		char *have = NULL;
		size_t hlen = 0;
		int same = read_nofollow(c->path, files[i].path, files[i].len + 1, &have, &hlen, NULL) == 0 &&
		           hlen == files[i].len && memcmp(have, files[i].data, hlen) == 0;
		free(have);
		if (!same)
			rc = write_nofollow(c->path, files[i].path, files[i].data, files[i].len, err);
	}
	for (int attempt = 0; rc == 0; attempt++) {
		rc = commit_once(c, files, nfiles, message, timeout_ms, &waited, oid_out, err);
		if (rc == 1) {
			rc = 0; /* unchanged */
			break;
		}
		if (rc != GIT_EMODIFIED)
			break;
		if (attempt >= 20) {
			rc = wol_error_set(err, WOL_ECONFLICT,
			                   "commit: the branch keeps moving under us; try again");
			break;
		}
		rc = 0;
	}
	drop_index_lock(c);
	/* kept, empty: "no commit under way" (creating it anew costs more) */
	truncate(owner, 0);
out:
	free(owner);
	wol_lock_release(&lk);
	return rc;
}

/* ------------------------------------------------------------ documents */

static char *render(wol_yaml *meta, const char *body, size_t *len, wol_error *err)
{
	wol_doc doc = {meta, (char *)body, 0};
	char *out = NULL;
	if (wol_doc_render(&doc, &out, len, err) != 0)
		return NULL;
	return out;
}

static char *member_doc(wol_circle *c, const char *goal, size_t *len, wol_error *err)
{
	wol_yaml *m = wol_yaml_new(WOL_YAML_MAP, NULL);
	char date[11];
	wol_date_format(c->today, date);
	if (!m || wol_yaml_set_str(m, "name", c->author) ||
	    (goal && *goal && wol_yaml_set_str(m, "goal", goal)) ||
	    wol_yaml_set_str(m, "joined", date)) {
		wol_yaml_free(m);
		wol_error_set(err, WOL_ENOMEM, "out of memory");
		return NULL;
	}
	char *body = wol_strfmt("\n# %s\n\nWhat I am working towards, and what I can offer the circle.\n",
	                        c->author);
	char *out = body ? render(m, body, len, err) : NULL;
	free(body);
	wol_yaml_free(m);
	return out;
}

static char *circle_doc(const char *name, wol_date started, int meets, int weeks, size_t *len,
                        wol_error *err)
{
	wol_yaml *m = wol_yaml_new(WOL_YAML_MAP, NULL);
	char date[11], num[16], fmt[16];
	wol_date_format(started, date);
	snprintf(num, sizeof num, "%d", weeks);
	snprintf(fmt, sizeof fmt, "%d", WOL_FORMAT_VERSION);
	if (!m || wol_yaml_set_str(m, "name", name) || wol_yaml_set_str(m, "started", date) ||
	    wol_yaml_set_str(m, "meets", wol_weekday_name(meets)) ||
	    wol_yaml_set_str(m, "weeks", num) || wol_yaml_set_str(m, "format", fmt)) {
		wol_yaml_free(m);
		wol_error_set(err, WOL_ENOMEM, "out of memory");
		return NULL;
	}
	char *body = wol_strfmt(
	    "\n# %s\n\nA Working Out Loud circle. Members keep work-in-progress notes under\n"
	    "notes/<handle>/ and ask for help under questions/. See doc/format.md of\n"
	    "wol.nvim for the layout of this repository.\n",
	    name);
	char *out = body ? render(m, body, len, err) : NULL;
	free(body);
	wol_yaml_free(m);
	return out;
}

/* Removes a directory tree we created (no symlinks followed). */
static void rmtree(const char *path)
{
	struct stat st;
	if (lstat(path, &st) != 0)
		return;
	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		if (d) {
			struct dirent *de;
			while ((de = readdir(d)) != NULL) {
				if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
					continue;
				char *p = wol_strfmt("%s/%s", path, de->d_name);
				if (p)
					rmtree(p);
				free(p);
			}
			closedir(d);
		}
		rmdir(path);
	} else {
		unlink(path);
	}
}

/* Repository settings every circle clone gets: symbolic links are checked
 * out as plain files, so content from other members can never point
 * outside the clone. */
static int harden_repo(git_repository *repo)
{
	git_config *cfg = NULL;
	int grc = git_repository_config(&cfg, repo);
	if (grc == 0)
		grc = git_config_set_bool(cfg, "core.symlinks", 0);
	git_config_free(cfg);
	return grc;
}

static int tmp_sibling(const wol_ctx *ctx, const char *tag, char **out, wol_error *err)
{
	char *dir = NULL;
	int rc = wol_ctx_mkdir(ctx, "circles", 0755, &dir, err);
	if (rc)
		return rc;
	char id[WOL_ID_MAX];
	rc = wol_id_new(tag, id, sizeof id, err);
	if (rc == 0) {
		*out = wol_strfmt("%s/.tmp-%s", dir, id);
		if (!*out)
			rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	free(dir);
	return rc;
}

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
	if (weeks > 520)
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
	if ((rc = tmp_sibling(ctx, handle, &tmp, err))) {
		free(final);
		return rc;
	}
	git_repository *repo = NULL;
	git_repository_init_options io;
	git_repository_init_options_init(&io, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
	io.flags = GIT_REPOSITORY_INIT_MKPATH | GIT_REPOSITORY_INIT_NO_REINIT;
	io.initial_head = "main";
	io.origin_url = opts->remote && *opts->remote ? opts->remote : NULL;
	int grc = git_repository_init_ext(&repo, tmp, &io);
	if (grc == 0)
		grc = harden_repo(repo);
	git_repository_free(repo);
	if (grc < 0) {
		rc = wol_error_git(err, grc, "init");
		goto fail;
	}
	wol_circle *c = circle_new(ctx, name, tmp, err);
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
	char *cdoc = circle_doc(name, started, meets, weeks, &clen, err);
	char *mdoc = cdoc ? member_doc(c, opts->goal, &mlen, err) : NULL;
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
	free(tmp);
	free(final);
	return 0;
fail:
	rmtree(tmp);
	free(tmp);
	free(final);
	return rc;
}

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
		grc = harden_repo(*out);
	return grc;
}

/* The name a joined circle gets when none is given: circle.md's name,
 * else the URL's last component, slugged. */
static char *derive_name(const char *tmp, const char *url)
{
	char slug[WOL_HANDLE_MAX + 1] = "";
	char *text = NULL;
	size_t len;
	if (read_nofollow(tmp, "circle.md", 65536, &text, &len, NULL) == 0) {
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
	if ((rc = tmp_sibling(ctx, handle, &tmp, err)))
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
	wol_circle *c = circle_new(ctx, cname, tmp, err);
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
		char *mdoc = member_doc(c, NULL, &mlen, err);
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
	rmtree(tmp);
	free(tmp);
	free(final);
	free(cname);
	return rc;
}

/* ------------------------------------------------------------ reading */

void wol_circle__pending(wol_circle *c, int *has_remote, size_t *ahead)
{
	*has_remote = 0;
	*ahead = 0;
	git_remote *remote = NULL;
	if (git_remote_lookup(&remote, c->repo, "origin") == 0) {
		*has_remote = 1;
		git_remote_free(remote);
		if (wol_circle_ahead(c, ahead, NULL) != 0)
			*ahead = 0;
	}
	git_error_clear();
}

int wol_circle_ahead(wol_circle *c, size_t *ahead, wol_error *err)
{
	*ahead = 0;
	git_remote *remote = NULL;
	if (git_remote_lookup(&remote, c->repo, "origin") < 0) {
		git_error_clear();
		return 0;
	}
	git_remote_free(remote);
	git_oid head;
	int grc = git_reference_name_to_id(&head, c->repo, "HEAD");
	if (grc == GIT_ENOTFOUND || grc == GIT_EUNBORNBRANCH) {
		git_error_clear();
		return 0;
	}
	if (grc < 0)
		return wol_error_git(err, grc, "ahead: HEAD");
	git_reference *hr = NULL;
	const char *branch = "main";
	char *upstream = NULL;
	if (git_reference_lookup(&hr, c->repo, "HEAD") == 0 &&
	    git_reference_type(hr) == GIT_REFERENCE_SYMBOLIC) {
		const char *t = git_reference_symbolic_target(hr);
		if (strncmp(t, "refs/heads/", 11) == 0)
			branch = t + 11;
	}
	upstream = wol_strfmt("refs/remotes/origin/%s", branch);
	git_reference_free(hr);
	git_oid up;
	if (!upstream)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	grc = git_reference_name_to_id(&up, c->repo, upstream);
	free(upstream);
	if (grc == 0) {
		size_t a = 0, b = 0;
		grc = git_graph_ahead_behind(&a, &b, c->repo, &head, &up);
		if (grc < 0)
			return wol_error_git(err, grc, "ahead");
		*ahead = a;
		return 0;
	}
	git_error_clear();
	git_revwalk *w = NULL;
	grc = git_revwalk_new(&w, c->repo);
	if (grc == 0)
		grc = git_revwalk_push(w, &head);
	git_oid o;
	size_t n = 0;
	while (grc == 0 && git_revwalk_next(&o, w) == 0)
		n++;
	git_revwalk_free(w);
	git_error_clear();
	if (grc < 0)
		return wol_error_git(err, grc, "ahead");
	*ahead = n;
	return 0;
}

char *wol_url_redact(const char *url)
{
	const char *p = strstr(url, "://");
	if (!p)
		return wol_strfmt("%s", url);
	const char *start = p + 3;
	const char *end = start + strcspn(start, "/");
	const char *at = NULL;
	for (const char *q = start; q < end; q++)
		if (*q == '@')
			at = q;
	if (!at)
		return wol_strfmt("%s", url);
	const char *colon = memchr(start, ':', (size_t)(at - start));
	if (!colon)
		return wol_strfmt("%s", url);
	return wol_strfmt("%.*s:***%s", (int)(colon - url), url, at);
}

int wol_circle_info_get(wol_circle *c, wol_circle_info *out, wol_error *err)
{
	memset(out, 0, sizeof *out);
	out->meets = -1;
	out->weeks = WOL_CIRCLE_WEEKS;
	char *text = NULL;
	size_t len;
	wol_error rerr;
	int rc = read_nofollow(c->path, "circle.md", 1024 * 1024, &text, &len, &rerr);
	wol_doc doc = {0};
	wol_buf warn;
	wol_buf_init(&warn);
	char **warnings = calloc(8, sizeof *warnings);
	size_t nw = 0;
	if (!warnings)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	if (rc == 0 && wol_doc_parse(text, len, "circle.md", &doc, &rerr) == 0) {
		const char *v;
		if ((v = wol_yaml_str(doc.meta, "name")) && *v)
			out->name = wol_strfmt("%s", v);
		if ((v = wol_yaml_str(doc.meta, "started"))) {
			wol_date d;
			if (wol_date_parse(v, c->today, &d, NULL) == 0)
				out->started = d;
			else if (nw < 8)
				warnings[nw++] = wol_strfmt("wol: circle.md: started: '%s' is not a date", v);
		}
		if ((v = wol_yaml_str(doc.meta, "meets"))) {
			out->meets = wol_weekday_parse(v);
			if (out->meets < 0 && nw < 8)
				warnings[nw++] = wol_strfmt("wol: circle.md: meets: '%s' is not a weekday", v);
		}
		if ((v = wol_yaml_str(doc.meta, "weeks"))) {
			int w = atoi(v);
			if (w > 0 && w <= 520)
				out->weeks = w;
			else if (nw < 8)
				warnings[nw++] = wol_strfmt("wol: circle.md: weeks: '%s' is not a number", v);
		}
		if ((v = wol_yaml_str(doc.meta, "format")))
			out->format = atoi(v);
		if (out->format > WOL_FORMAT_VERSION && nw < 8)
			warnings[nw++] = wol_strfmt(
			    "wol: circle.md: format %d is newer than this wol.nvim (%d); update the plugin",
			    out->format, WOL_FORMAT_VERSION);
		wol_doc_free(&doc);
	} else if (nw < 8) {
		warnings[nw++] = wol_strfmt("%s", rerr.msg);
	}
	free(text);
	wol_buf_free(&warn);
	out->warnings = warnings;
	out->nwarnings = nw;
	if (!out->name)
		out->name = wol_strfmt("%s", c->name);
	git_remote *remote = NULL;
	if (git_remote_lookup(&remote, c->repo, "origin") == 0) {
		const char *u = git_remote_url(remote);
		out->remote = u ? wol_url_redact(u) : NULL;
		git_remote_free(remote);
	}
	git_error_clear();
	git_reference *hr = NULL;
	if (git_reference_lookup(&hr, c->repo, "HEAD") == 0 &&
	    git_reference_type(hr) == GIT_REFERENCE_SYMBOLIC) {
		const char *t = git_reference_symbolic_target(hr);
		out->branch = wol_strfmt("%s", strncmp(t, "refs/heads/", 11) == 0 ? t + 11 : t);
	}
	git_reference_free(hr);
	git_error_clear();
	rc = wol_circle_ahead(c, &out->ahead, err);
	if (rc)
		wol_circle_info_free(out);
	return rc;
}

void wol_circle_info_free(wol_circle_info *info)
{
	if (!info)
		return;
	free(info->name);
	free(info->remote);
	free(info->branch);
	wol_strv_free(info->warnings, info->nwarnings);
	memset(info, 0, sizeof *info);
}

static int cmp_member(const void *a, const void *b)
{
	return strcmp(((const wol_member *)a)->handle, ((const wol_member *)b)->handle);
}

static int count_words(const char *s)
{
	int n = 0, in = 0;
	for (; *s; s++) {
		int space = *s == ' ' || *s == '\t' || *s == '\n' || *s == '\r';
		if (!space && !in)
			n++;
		in = !space;
	}
	return n;
}

int wol_circle_members(wol_circle *c, wol_member **out, size_t *n, wol_error *err)
{
	*out = NULL;
	*n = 0;
	char *dir = wol_strfmt("%s/members", c->path);
	if (!dir)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	struct stat st;
	if (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		free(dir);
		return 0;
	}
	DIR *d = opendir(dir);
	free(dir);
	if (!d)
		return 0;
	wol_member *v = NULL;
	size_t cnt = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);
		if (l < 4 || strcmp(de->d_name + l - 3, ".md") != 0)
			continue;
		char handle[WOL_HANDLE_MAX + 8];
		if (l - 3 >= sizeof handle)
			continue;
		memcpy(handle, de->d_name, l - 3);
		handle[l - 3] = '\0';
		if (!wol_name_valid(handle))
			continue;
		char *rel = wol_strfmt("members/%s", de->d_name);
		char *text = NULL;
		size_t len;
		int rrc = rel ? read_nofollow(c->path, rel, 256 * 1024, &text, &len, NULL) : -1;
		free(rel);
		if (rrc != 0)
			continue;
		if (cnt == cap) {
			cap = cap ? cap * 2 : 8;
			wol_member *nv = realloc(v, cap * sizeof *nv);
			if (!nv) {
				free(text);
				break;
			}
			v = nv;
		}
		wol_member *m = &v[cnt++];
		memset(m, 0, sizeof *m);
		m->handle = wol_strfmt("%s", handle);
		wol_doc doc;
		wol_error perr;
		if (wol_doc_parse(text, len, de->d_name, &doc, &perr) == 0) {
			const char *s;
			m->name = (s = wol_yaml_str(doc.meta, "name")) ? wol_strfmt("%s", s) : NULL;
			m->goal = (s = wol_yaml_str(doc.meta, "goal")) ? wol_strfmt("%s", s) : NULL;
			m->joined = (s = wol_yaml_str(doc.meta, "joined")) ? wol_strfmt("%s", s) : NULL;
			wol_doc_free(&doc);
		} else {
			m->warning = wol_strfmt("%s", perr.msg);
		}
		if (!m->name)
			m->name = wol_strfmt("%s", handle);
		if (m->goal) {
			m->goal_words = count_words(m->goal);
			if (m->goal_words > WOL_GOAL_WORDS && !m->warning)
				m->warning = wol_strfmt("wol: members/%s.md: the goal has %d words; WOL goals "
				                        "are short (%d words at most)",
				                        handle, m->goal_words, WOL_GOAL_WORDS);
		}
		free(text);
	}
	closedir(d);
	if (cnt)
		qsort(v, cnt, sizeof *v, cmp_member);
	*out = v;
	*n = cnt;
	return 0;
}

void wol_members_free(wol_member *m, size_t n)
{
	for (size_t i = 0; m && i < n; i++) {
		free(m[i].handle);
		free(m[i].name);
		free(m[i].goal);
		free(m[i].joined);
		free(m[i].warning);
	}
	free(m);
}
