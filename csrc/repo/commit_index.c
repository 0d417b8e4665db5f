/* commit_index.c - the git index a commit writes (wol_circle_commit, in
 * commit.c): the entries of its files changed in place (gitindex.c) or
 * through libgit2's writer, written beside the index, fsynced with the
 * commit's objects in "always" (durable.c) and renamed over it. */
#include "circle_priv.h"
#include "repo/durable.h"
#include "repo/gitindex.h"

#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int stage_entry(git_index *idx, const char *root, const char *rel, const git_oid *blob,
                       size_t len);

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

/* "always": the new index, and what `pre` holds already (the commit's
 * objects and its branch's lock file), fsynced before it replaces the old
 * one. */
static int before_rename(wol_syncset *pre, const char *tmp, wol_error *err)
{
	if (!pre)
		return 0;
	wol_syncset_add(pre, tmp, 0, 0);
	wol_syncset_start(pre);
	return wol_syncset_wait(pre, err);
}

/* The index replaced by a rename is freed by the rename, which on a file
 * system mounted with `discard` waits for the device to discard its
 * blocks (900 KB on a 10,000-note circle). So the old index gets a second
 * name first (wol-index.old), and a thread removes that name while the
 * commit moves its branch; the commit waits for it before it returns
 * (drop_join: no thread outlives a commit), and recovery removes a name
 * left behind. */
static pthread_t drop_th;
static int drop_running; /* one commit at a time in a process */

static char *keep_old(wol_circle *c)
{
	char *cur = wol_strfmt("%s/index", c->gitdir);
	char *old = wol_strfmt("%s/wol-index.old", c->gitdir);
	if (old)
		unlink(old);
	if (!cur || !old || link(cur, old) != 0) {
		free(old);
		old = NULL;
	}
	free(cur);
	return old;
}

static void *unlink_thread(void *path)
{
	unlink(path);
	free(path);
	return NULL;
}

static void drop_old(char *old)
{
	if (!old)
		return;
	if (!drop_running && pthread_create(&drop_th, NULL, unlink_thread, old) == 0)
		drop_running = 1;
	else
		unlink_thread(old);
}

void wol_commit__drop_join(void)
{
	if (drop_running)
		pthread_join(drop_th, NULL);
	drop_running = 0;
}

/* The index with `files` staged, changed in place (gitindex.c) and written
 * to wol-index.new, fsynced with `pre` (when not NULL), renamed over the
 * index. 0, WOL_GITINDEX_FALLBACK when only libgit2's writer can do it, or
 * an error. */
static int write_index_in_place(wol_circle *c, const char *cur, const char *tmp,
                                const wol_commit_file *files, const git_oid *blobs, size_t nfiles,
                                wol_syncset *pre, wol_error *err)
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
	if (fd < 0 || wol_fs_write_all(fd, bytes, len) != 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		unlink(tmp);
		free(bytes);
		return wol_error_set(err, WOL_EIO, "commit: index: %s", strerror(e));
	}
	if (close(fd) != 0) {
		int e = errno;
		unlink(tmp);
		free(bytes);
		return wol_error_set(err, WOL_EIO, "commit: index: %s", strerror(e));
	}
	int rc2 = before_rename(pre, tmp, err);
	char *old = rc2 ? NULL : keep_old(c);
	if (rc2 || rename(tmp, cur) != 0 || stat(cur, &c->ixbuf_st) != 0) {
		int e = errno;
		unlink(tmp);
		free(bytes);
		free(old);
		return rc2 ? rc2 : wol_error_set(err, WOL_EIO, "commit: index: %s", strerror(e));
	}
	drop_old(old);
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
int wol_commit__write_index(wol_circle *c, const wol_commit_file *files, const git_oid *blobs,
                            size_t nfiles, wol_syncset *pre, wol_error *err)
{
	char *cur = wol_strfmt("%s/index", c->gitdir);
	char *tmp = wol_strfmt("%s/wol-index.new", c->gitdir);
	int rc = 0, grc = 0;
	if (!cur || !tmp) {
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		goto out;
	}
	rc = write_index_in_place(c, cur, tmp, files, blobs, nfiles, pre, err);
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
	if ((rc = before_rename(pre, tmp, err)) != 0)
		goto out;
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

static int stage_entry(git_index *idx, const char *root, const char *rel, const git_oid *blob,
                       size_t len)
{
	wol_gitindex_entry we;
	fill_entry(&we, root, rel, blob, len);
	git_index_entry e;
	wol_gitindex__to_git(&we, &e);
	return git_index_add(idx, &e);
}
