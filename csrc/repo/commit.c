/* commit.c - the one way wol commits to a circle repository
 * (wol_circle_commit): flock, index.lock, compare-and-swap on the branch,
 * and recovery from an owner file left by a killed commit. */
#include "circle_priv.h"
#include "repo/gitindex.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <git2/sys/repository.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------ committing */

/* Removes the temporary files of an interrupted atomic write of root/rel. */
static void remove_write_temps(const char *root, const char *rel)
{
	if (wol_path_check(rel, NULL) != 0)
		return;
	char *p = wol_strfmt("%s/%s", root, rel);
	if (p)
		wol_fs_remove_temps(p);
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
	/* index.lock is removed only when it is the very file the dead commit
	 * created (below): git may hold it now */
	wol_fs_remove_locks_since(c->gitdir, wol_fs_mtime_ns(&st) - 1000000000LL, "index.lock");
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
	       wol_fs_mtime_ns(a) == wol_fs_mtime_ns(b);
}

static void fill_entry(wol_gitindex_entry *e, const char *root, const char *rel,
                       const git_oid *blob, size_t len)
{
	memset(e, 0, sizeof *e);
	struct stat st;
	char *p = wol_strfmt("%s/%s", root, rel);
	if (p && lstat(p, &st) == 0 && S_ISREG(st.st_mode))
		wol_gitindex__stat(e, &st);
	else
		e->size = (uint32_t)len;
	free(p);
	e->mode = GIT_FILEMODE_BLOB;
	memcpy(e->id, blob->id, sizeof e->id);
	e->path = rel;
}

static int write_all_fd(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The index with `files` staged, changed in place (gitindex.c) and written
 * to wol-index.new, fsynced (when `sync`), renamed over the index. 0, WOL_GITINDEX_FALLBACK
 * when only libgit2's writer can do it, or an error. */
static int write_index_in_place(wol_circle *c, const char *cur, const char *tmp,
                                const wol_commit_file *files, const git_oid *blobs, size_t nfiles,
                                int sync, wol_error *err)
{
	struct stat st;
	if (stat(cur, &st) != 0)
		return WOL_GITINDEX_FALLBACK; /* none yet: libgit2 makes it */
	char *bytes = NULL;
	size_t len = 0;
	if (c->ixbuf && same_file(&st, &c->ixbuf_st)) {
		bytes = c->ixbuf; /* what we wrote last: not read again */
		len = c->ixlen;
		c->ixbuf = NULL;
	} else if (wol_fs_read(cur, (size_t)1 << 31, 1, &bytes, &len, NULL) != 0) {
		return WOL_GITINDEX_FALLBACK;
	}
	free(c->ixbuf);
	c->ixbuf = NULL;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < nfiles; i++) {
		wol_gitindex_entry e;
		fill_entry(&e, c->path, files[i].path, &blobs[i], files[i].len);
		char *next = NULL;
		size_t nlen = 0;
		rc = wol_gitindex__splice(bytes, len, &st, &e, &next, &nlen);
		if (rc == 0) {
			free(bytes);
			bytes = next;
			len = nlen + 20; /* the room for the checksum */
		}
	}
	if (rc == 0 && wol_gitindex__seal(bytes, len - 20) != 0)
		rc = wol_error_set(err, WOL_EIO, "commit: index: SHA-1 failed");
	if (rc == WOL_ENOMEM)
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
	if (rc) {
		free(bytes);
		return rc;
	}
	unlink(tmp);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666);
	if (fd < 0 || write_all_fd(fd, bytes, len) != 0 || (sync && fsync(fd) != 0)) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		unlink(tmp);
		free(bytes);
		return wol_error_set(err, WOL_EIO, "commit: index: %s", strerror(e));
	}
	if (close(fd) != 0 || rename(tmp, cur) != 0 || stat(cur, &c->ixbuf_st) != 0) {
		int e = errno;
		unlink(tmp);
		free(bytes);
		return wol_error_set(err, WOL_EIO, "commit: index: %s", strerror(e));
	}
	c->ixbuf = bytes;
	c->ixlen = len;
	if (c->idx)
		git_index_free(c->idx); /* libgit2's parsed copy is behind now */
	c->idx = NULL;
	return 0;
}

/* Writes the index with `files` staged, under our index.lock: a private
 * copy at wol-index.new (a hard link of the index, which libgit2's write
 * replaces) renamed over the index. The parsed copy is kept in the handle
 * and reused while the index on disk is still the one we wrote. */
static int write_index(wol_circle *c, const wol_commit_file *files, const git_oid *blobs,
                       size_t nfiles, int sync, wol_error *err)
{
	char *cur = wol_strfmt("%s/index", c->gitdir);
	char *tmp = wol_strfmt("%s/wol-index.new", c->gitdir);
	int rc = 0, grc = 0;
	if (!cur || !tmp) {
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		goto out;
	}
	rc = write_index_in_place(c, cur, tmp, files, blobs, nfiles, sync, err);
	if (rc != WOL_GITINDEX_FALLBACK)
		goto out_kept;
	rc = 0;
	free(c->ixbuf);
	c->ixbuf = NULL;
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
out_kept:
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
	wol_gitindex_entry we;
	fill_entry(&we, root, rel, blob, len);
	git_index_entry e;
	wol_gitindex__to_git(&we, &e);
	return git_index_add(idx, &e);
}

/* ------------------------------------------------------------ durability */

/* share.fsync, git config wol.shareFsync (doc/format.md, "Durability"): the
 * one place of its values and its default.
 * - "always": every file and folder a commit writes is fsynced as it is
 *   written (libgit2's GIT_OPT_ENABLE_FSYNC_GITDIR, set by wol_git_ready,
 *   and wol's own writes): 19 fsyncs for a share.
 * - "commit", the default: the note and the objects are written out to the
 *   device without an fsync each (wol_fs_writeout), the index is written
 *   without one; then one fsync of the new index, the last file written,
 *   commits the file system's journal, which holds everything before it; only then does the branch move, and the
 *   branch file and its folder are fsynced: 3 fsyncs. The reflogs are
 *   appended without one (after a power cut their last line may be
 *   missing; the branch never points at a missing object).
 * That one fsync stands for the others only where the journal is committed
 * whole and in order (XFS; ext4 with a journal, data=ordered or
 * data=journal); anywhere else (an ext4 made without a journal too)
 * "commit" acts as "always" (journal_missing). A kill -9 needs no fsync at all (the page cache outlives the
 * process): the commit protocol recovers the same way in both modes. */
enum { FSYNC_COMMIT, FSYNC_ALWAYS };

#define FS_EXT4_MAGIC 0xEF53
#define FS_XFS_MAGIC 0x58465342

/* Does the file system of `dir` commit one journal whole and in order?
 * NULL when it does; else why not (for the trace). XFS always journals;
 * ext4 only when it was made with a journal and mounted data=ordered or
 * data=journal, which the kernel lists in /proc/fs/ext4/<device>/options
 * (an ext4 made without a journal lists no data= mode at all: there an
 * fsync makes one file durable and nothing else). The answer is kept per
 * device for the process. */
static const char *journal_missing(const char *dir)
{
	static int known;
	static dev_t known_dev;
	static const char *known_why;
	struct statfs sf;
	struct stat st;
	if (statfs(dir, &sf) != 0 || stat(dir, &st) != 0)
		return "cannot tell the file system";
	if (sf.f_type == FS_XFS_MAGIC)
		return NULL;
	if (sf.f_type != FS_EXT4_MAGIC)
		return "not ext4 or XFS";
	if (known && known_dev == st.st_dev)
		return known_why[0] ? known_why : NULL;
	/* the device's kernel name: /sys/dev/block/MAJ:MIN links to it */
	char link[64], target[512], path[600];
	snprintf(link, sizeof link, "/sys/dev/block/%u:%u", major(st.st_dev), minor(st.st_dev));
	ssize_t n = readlink(link, target, sizeof target - 1);
	const char *why = "ext4 whose journal mode cannot be read";
	if (n > 0) {
		target[n] = '\0';
		const char *name = strrchr(target, '/');
		snprintf(path, sizeof path, "/proc/fs/ext4/%s/options", name ? name + 1 : target);
		FILE *f = fopen(path, "re");
		if (f) {
			char line[128];
			why = "ext4 without a journal, or data=writeback";
			while (fgets(line, sizeof line, f))
				if (strcmp(line, "data=ordered\n") == 0 || strcmp(line, "data=journal\n") == 0) {
					why = "";
					break;
				}
			fclose(f);
		}
	}
	known = 1;
	known_dev = st.st_dev;
	known_why = why;
	return why[0] ? why : NULL;
}

static int fsync_mode(const wol_circle *c, int *mode, wol_error *err)
{
	const char *v = c->fsync_call ? c->fsync_call : c->fsync_cfg;
	if (!v || !*v || strcasecmp(v, "commit") == 0)
		*mode = FSYNC_COMMIT;
	else if (strcasecmp(v, "always") == 0)
		*mode = FSYNC_ALWAYS;
	else
		return wol_error_set(err, WOL_EINVAL, "share.fsync: '%s' is not \"commit\" or \"always\" (%s)",
		                     v, c->fsync_call ? "setup{ share = { fsync = ... } }"
		                                      : "git config wol.shareFsync");
	const char *why = NULL;
	if (*mode == FSYNC_COMMIT && (why = journal_missing(c->gitdir)) != NULL)
		*mode = FSYNC_ALWAYS;
	const char *t = getenv("WOL_TRACE_GIT");
	if (t && *t == '1')
		fprintf(stderr, "wol: trace: share.fsync %s%s%s\n", *mode == FSYNC_COMMIT ? "commit" : "always",
		        why ? ", as \"always\": " : "", why ? why : "");
	return 0;
}

/* "commit": libgit2 writes without fsync until nosync_end. The option is
 * process-wide (wol starts no threads, and it is set back before the
 * commit returns); references go through a database opened while it was
 * off, because libgit2 takes a database's fsync flag when opening it. */
static int nosync_begin(wol_circle *c, git_refdb **orig, wol_error *err)
{
	/* the handle's own database, opened now (fsync on) if not yet */
	int grc = git_repository_refdb(orig, c->repo);
	if (grc < 0) {
		*orig = NULL;
		return wol_error_git(err, grc, "commit: refs");
	}
	git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 0);
	if (!c->refdb_nosync && (grc = git_refdb_open(&c->refdb_nosync, c->repo)) < 0)
		c->refdb_nosync = NULL;
	if (grc == 0)
		grc = git_repository_set_refdb(c->repo, c->refdb_nosync);
	if (grc < 0) {
		git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1);
		git_refdb_free(*orig);
		*orig = NULL;
		return wol_error_git(err, grc, "commit: refs");
	}
	return 0;
}

static void nosync_end(wol_circle *c, git_refdb *orig)
{
	if (!orig)
		return;
	git_repository_set_refdb(c->repo, orig);
	git_refdb_free(orig);
	git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1); /* as wol_git_ready set it */
}

/* An fsync of a file or folder by name. */
static int fsync_path(const char *path, int oflags, wol_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | oflags);
	int rc = fd < 0 ? -1 : fsync(fd);
	int e = errno;
	if (fd >= 0)
		close(fd);
	return rc == 0 ? 0 : wol_error_set(err, WOL_EIO, "commit: fsync %s: %s", path, strerror(e));
}

/* "commit": the objects of a commit written out to the device, all started
 * first, then waited for (they go to the device together). Packed objects
 * are left alone: they were made durable when fetched. */
typedef struct writeouts {
	int fd[32];
	size_t n;
} writeouts;

static int writeout_start(wol_circle *c, writeouts *w, const git_oid *id, wol_error *err)
{
	char hex[GIT_OID_HEXSZ + 1];
	git_oid_tostr(hex, sizeof hex, id);
	char *p = wol_strfmt("%s/objects/%.2s/%s", c->gitdir, hex, hex + 2);
	if (!p)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	int rc = 0;
	int fd = open(p, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd >= 0 && w->n < sizeof w->fd / sizeof w->fd[0] && wol_fs_writeout_start(fd) == 0) {
		w->fd[w->n++] = fd; /* waited for in writeout_wait */
	} else if (fd >= 0) {
		if (wol_fs_writeout(fd) != 0)
			rc = wol_error_set(err, WOL_EIO, "commit: %s: %s", p, strerror(errno));
		close(fd);
	}
	free(p);
	return rc;
}

static int writeout_wait(writeouts *w, int rc, wol_error *err)
{
	for (size_t i = 0; i < w->n; i++) {
		if (rc == 0 && wol_fs_writeout(w->fd[i]) != 0)
			rc = wol_error_set(err, WOL_EIO, "commit: writing objects out: %s", strerror(errno));
		close(w->fd[i]);
	}
	w->n = 0;
	return rc;
}

/* "commit": what the new commit points at written out: the commit, its
 * tree, the blobs and the trees on each path. */
static int writeout_commit(wol_circle *c, const wol_commit_file *files, const git_oid *blobs,
                           size_t nfiles, git_tree *tree, const git_oid *commit, wol_error *err)
{
	writeouts w = {.n = 0};
	int rc = writeout_start(c, &w, commit, err);
	if (rc == 0)
		rc = writeout_start(c, &w, git_tree_id(tree), err);
	for (size_t i = 0; rc == 0 && i < nfiles; i++) {
		rc = writeout_start(c, &w, &blobs[i], err);
		char *dir = wol_strfmt("%s", files[i].path);
		if (!dir && rc == 0)
			rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		for (char *s = dir ? strchr(dir, '/') : NULL; rc == 0 && s; s = strchr(s + 1, '/')) {
			*s = '\0';
			git_tree_entry *e = NULL;
			if (git_tree_entry_bypath(&e, tree, dir) == 0)
				rc = writeout_start(c, &w, git_tree_entry_id(e), err);
			else
				git_error_clear();
			git_tree_entry_free(e);
			*s = '/';
		}
		free(dir);
	}
	return writeout_wait(&w, rc, err);
}

/* "commit": the branch file and its folder fsynced after it moved (the
 * commit point). */
static int sync_branch(wol_circle *c, const char *branch, wol_error *err)
{
	char *p = wol_strfmt("%s/%s", c->gitdir, branch);
	if (!p)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	int rc = fsync_path(p, O_NOFOLLOW, err);
	if (rc == 0) {
		*strrchr(p, '/') = '\0';
		rc = fsync_path(p, O_DIRECTORY, err);
	}
	free(p);
	return rc;
}

/* ------------------------------------------------------------ one attempt */

/* One attempt: objects, index entries, then the branch moved only if it
 * still points at the parent we built on. Returns GIT_EMODIFIED when it
 * moved underneath (the caller retries). In "commit" mode the new commit
 * is written before the index, so that the index's fsync comes after
 * everything it stands for. */
static int commit_once(wol_circle *c, const wol_commit_file *files, size_t nfiles,
                       const char *message, int mode, int timeout_ms, int *waited, char *oid_out,
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
	int unchanged = parent && git_oid_equal(&tree_oid, git_commit_tree_id(parent));
	if (!unchanged) {
		grc = git_signature_now(&sig, c->author, c->email);
		if (grc < 0) {
			rc = wol_error_git(err, grc, "commit: author");
			goto out;
		}
		grc = git_tree_lookup(&newtree, c->repo, &tree_oid);
		if (grc == 0) {
			const git_commit *parents[1] = {parent};
			grc = git_commit_create(&commit_oid, c->repo, NULL, sig, sig, NULL, message,
			                        newtree, parent ? 1 : 0, parents);
		}
		if (grc < 0) {
			rc = wol_error_git(err, grc, "commit");
			goto out;
		}
		if (mode == FSYNC_COMMIT &&
		    (rc = writeout_commit(c, files, blobs, nfiles, newtree, &commit_oid, err)))
			goto out;
	}
	/* the index: only these entries change (we hold index.lock) */
	if ((rc = write_index(c, files, blobs, nfiles, mode == FSYNC_ALWAYS, err)))
		goto out;
	if (unchanged) {
		if (oid_out)
			oid_out[0] = '\0';
		rc = 1; /* nothing changed: no empty commit */
		goto out;
	}
	if (mode == FSYNC_COMMIT) {
		/* the barrier: the index is the newest file, so its fsync commits
		 * the journal holding the note, the objects and itself */
		char *ix = wol_strfmt("%s/index", c->gitdir);
		rc = ix ? fsync_path(ix, O_NOFOLLOW, err) : wol_error_set(err, WOL_ENOMEM, "out of memory");
		free(ix);
		if (rc)
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
	if (mode == FSYNC_COMMIT && (rc = sync_branch(c, branch, err)))
		goto out;
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
	char *lockpath = wol_strfmt("%s/" WOL_COMMIT_LOCK, c->gitdir);
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
	int waited = 0, mode = FSYNC_ALWAYS;
	git_refdb *orig = NULL;
	rc = fsync_mode(c, &mode, err);
	if (rc == 0)
		rc = write_owner(owner, files, nfiles, err);
	if (rc)
		goto out;
	rc = take_index_lock(c, timeout_ms, &waited, err);
	if (rc) {
		truncate(owner, 0);
		goto out;
	}
	if (mode == FSYNC_COMMIT)
		rc = nosync_begin(c, &orig, err);
	for (size_t i = 0; i < nfiles && rc == 0; i++) {
		/* a file that already holds these bytes is left as it is, so an
		 * editor that just wrote it sees no change on disk */
		char *have = NULL;
		size_t hlen = 0;
		int same = wol_circle__read(c, files[i].path, files[i].len + 1, &have, &hlen, NULL) == 0 &&
		           hlen == files[i].len && memcmp(have, files[i].data, hlen) == 0;
		free(have);
		if (!same)
			rc = wol_circle__write_x(c, files[i].path, files[i].data, files[i].len,
			                         mode == FSYNC_COMMIT ? WOL_FS_WRITEOUT : 0, err);
	}
	for (int attempt = 0; rc == 0; attempt++) {
		rc = commit_once(c, files, nfiles, message, mode, timeout_ms, &waited, oid_out, err);
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
	nosync_end(c, orig);
	drop_index_lock(c);
	/* kept, empty: "no commit under way" (creating it anew costs more) */
	truncate(owner, 0);
out:
	free(owner);
	wol_lock_release(&lk);
	return rc;
}
