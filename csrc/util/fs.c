/* fs.c - file system helpers: atomic writes, bounded reads, mkdir -p */
#include "util/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int wol_fs_isdir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int wol_fs_exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

int wol_fs_mkdirs(const char *path, mode_t mode, wol_error *err)
{
	/* there already (the common case: every write asks): one stat, not a
	 * mkdir and a stat per part of the path */
	struct stat there;
	if (stat(path, &there) == 0 && S_ISDIR(there.st_mode))
		return 0;
	char *p = wol_strfmt("%s", path);
	if (!p)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	size_t n = strlen(p);
	while (n > 1 && p[n - 1] == '/')
		p[--n] = '\0';
	for (char *s = p + 1;; s++) {
		int last = *s == '\0';
		if (*s == '/' || last) {
			char save = *s;
			*s = '\0';
			if (mkdir(p, mode) != 0 && errno != EEXIST) {
				int e = errno;
				/* a file where a folder should be is bad input, not a failing disk */
				int code = e == ENOTDIR ? WOL_EINVAL : WOL_EIO;
				wol_error_set(err, code, "mkdir %s: %s", p, strerror(e));
				free(p);
				return code;
			}
			struct stat st;
			if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode)) {
				wol_error_set(err, WOL_EINVAL, "mkdir %s: exists and is not a directory", p);
				free(p);
				return WOL_EINVAL;
			}
			*s = save;
			if (last)
				break;
		}
	}
	free(p);
	return 0;
}

/* One open (O_NOATIME when the file is ours: reading it writes no inode
 * back; O_NONBLOCK: a FIFO in its place does not hang the open), one fstat
 * (a regular file, and its size now), the text read straight into one
 * buffer of that size (grown if the file grew since), NUL-terminated. */
int wol_fs_read(const char *path, size_t max, int nofollow, char **out, size_t *len,
                wol_error *err)
{
	return wol_fs_read_stat(path, max, nofollow, out, len, NULL, err);
}

int wol_fs_read_stat(const char *path, size_t max, int nofollow, char **out, size_t *len,
                     struct stat *stp, wol_error *err)
{
	int flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | (nofollow ? O_NOFOLLOW : 0);
	int fd = open(path, flags | O_NOATIME);
	if (fd < 0 && errno == EPERM)
		fd = open(path, flags);
	if (fd < 0) {
		int e = errno;
		if (e == ELOOP)
			return wol_error_set(err, WOL_EINVAL, "%s: is a symbolic link (not followed)", path);
		return wol_error_set(err, e == ENOENT ? WOL_ENOTFOUND : WOL_EIO, "%s: %s", path,
		                     strerror(e));
	}
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return wol_error_set(err, WOL_EINVAL, "%s: not a regular file", path);
	}
	if ((size_t)st.st_size > max) {
		close(fd);
		return wol_error_set(err, WOL_EREFUSED, "%s: too large (%lld bytes, limit %zu)", path,
		                     (long long)st.st_size, max);
	}
	size_t cap = (size_t)st.st_size + 1, n = 0;
	char *buf = malloc(cap + 1);
	if (!buf) {
		close(fd);
		return wol_error_set(err, WOL_ENOMEM, "read %s: out of memory", path);
	}
	for (;;) {
		if (n == cap) { /* grew since the fstat */
			char *nb = cap < max + 1 ? realloc(buf, (cap = cap * 2 > max + 1 ? max + 1 : cap * 2) + 1)
			                         : NULL;
			if (!nb) {
				close(fd);
				free(buf);
				return cap >= max + 1
				               ? wol_error_set(err, WOL_EREFUSED, "%s: too large (limit %zu bytes)",
				                               path, max)
				               : wol_error_set(err, WOL_ENOMEM, "read %s: out of memory", path);
			}
			buf = nb;
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			close(fd);
			free(buf);
			return wol_error_set(err, WOL_EIO, "read %s: %s", path, strerror(e));
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > max) {
			close(fd);
			free(buf);
			return wol_error_set(err, WOL_EREFUSED, "%s: too large (limit %zu bytes)", path, max);
		}
	}
	close(fd);
	buf[n] = '\0';
	*out = buf;
	if (len)
		*len = n;
	if (stp)
		*stp = st;
	return 0;
}

int wol_fs_write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, data, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		data += w;
		len -= (size_t)w;
	}
	return 0;
}

int wol_fs_writeout(int fd)
{
#ifdef SYNC_FILE_RANGE_WRITE
	int rc;
	do
		rc = sync_file_range(fd, 0, 0,
		                     SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
		                         SYNC_FILE_RANGE_WAIT_AFTER);
	while (rc != 0 && errno == EINTR);
	if (rc == 0 || (errno != ENOSYS && errno != EINVAL && errno != ESPIPE))
		return rc;
#endif
	return fsync(fd); /* no write-out-only call here: the full one */
}

int wol_fs_writeout_start(int fd)
{
#ifdef SYNC_FILE_RANGE_WRITE
	return sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
#else
	(void)fd;
	errno = ENOSYS;
	return -1;
#endif
}

int wol_fs_write_atomic(const char *path, const char *data, size_t len, mode_t mode,
                        wol_error *err)
{
	return wol_fs_write_atomic_x(path, data, len, mode, 0, err);
}

int wol_fs_write_atomic_x(const char *path, const char *data, size_t len, mode_t mode, int flags,
                          wol_error *err)
{
	char *dcopy = wol_strfmt("%s", path), *bcopy = wol_strfmt("%s", path);
	char *tmp = NULL;
	int rc = 0, fd = -1;
	if (!dcopy || !bcopy) {
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		goto out;
	}
	const char *dir = dirname(dcopy), *base = basename(bcopy);
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	tmp = wol_strfmt("%s/.%s.tmp-%ld-%lx", dir, base, (long)getpid(),
	                 (unsigned long)(ts.tv_nsec ^ (ts.tv_sec << 20)));
	if (!tmp) {
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		goto out;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0) {
		int e = errno;
		rc = wol_error_set(err, WOL_EIO, "write %s: %s", path, strerror(e));
		goto out;
	}
	if (wol_fs_write_all(fd, data, len) != 0 ||
	    ((flags & WOL_FS_WRITEOUT) ? wol_fs_writeout(fd) : fsync(fd)) != 0) {
		int e = errno;
		rc = wol_error_set(err, WOL_EIO, "write %s: %s", path, strerror(e));
		goto out;
	}
	if (fchmod(fd, mode) != 0 || close(fd) != 0) {
		int e = errno;
		fd = -1;
		rc = wol_error_set(err, WOL_EIO, "write %s: %s", path, strerror(e));
		goto out;
	}
	fd = -1;
	struct stat st;
	if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		rc = wol_error_set(err, WOL_EIO, "write %s: is a directory", path);
		goto out;
	}
	if (rename(tmp, path) != 0) {
		int e = errno;
		rc = wol_error_set(err, WOL_EIO, "write %s: %s", path, strerror(e));
		goto out;
	}
	free(tmp);
	tmp = NULL;
	int dfd = (flags & (WOL_FS_WRITEOUT | WOL_FS_NODIRSYNC))
	              ? -1
	              : open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
out:
	if (fd >= 0)
		close(fd);
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
	free(dcopy);
	free(bcopy);
	return rc;
}

/* The absolute, symlink-resolved form of `path`: its deepest existing
 * ancestor resolved, the rest (not existing yet) appended as it is. */
char *wol_fs_realpath(const char *path)
{
	char buf[PATH_MAX], cwd[PATH_MAX];
	char *full = path[0] == '/' ? wol_strfmt("%s", path)
	             : getcwd(cwd, sizeof cwd) ? wol_strfmt("%s/%s", cwd, path) : NULL;
	char *probe = full ? wol_strfmt("%s", full) : NULL;
	char *out = NULL;
	if (!probe)
		goto done;
	size_t cut = strlen(probe);
	while (!realpath(probe, buf)) {
		char *slash = strrchr(probe, '/');
		if (!slash)
			goto done;
		if (slash == probe) {
			probe[1] = '\0';
			cut = 0;
		} else {
			*slash = '\0';
			cut = (size_t)(slash - probe);
		}
	}
	out = wol_strfmt("%s%s", strcmp(buf, "/") == 0 ? "" : buf, full + cut);
done:
	free(full);
	free(probe);
	return out;
}

void wol_fs_remove_temps(const char *path)
{
	char *dir = wol_strfmt("%s", path);
	char *slash = dir ? strrchr(dir, '/') : NULL;
	if (!slash) {
		free(dir);
		return;
	}
	*slash = '\0';
	/* the name wol_fs_write_atomic gives its temp files */
	char *prefix = wol_strfmt(".%s.tmp-", slash + 1);
	DIR *d = prefix ? opendir(dir) : NULL;
	struct dirent *de;
	size_t n = prefix ? strlen(prefix) : 0;
	while (d && (de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, prefix, n) != 0)
			continue;
		char *t = wol_strfmt("%s/%s", dir, de->d_name);
		struct stat st;
		if (t && lstat(t, &st) == 0 && S_ISREG(st.st_mode))
			unlink(t);
		free(t);
	}
	if (d)
		closedir(d);
	free(prefix);
	free(dir);
}

static void remove_locks(const char *dir, long long since, const char *keep, int depth)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || strcmp(de->d_name, "objects") == 0)
			continue;
		if (depth == 0 && keep && strcmp(de->d_name, keep) == 0)
			continue;
		char *p = wol_strfmt("%s/%s", dir, de->d_name);
		struct stat st;
		if (p && lstat(p, &st) == 0) {
			size_t n = strlen(de->d_name);
			if (S_ISDIR(st.st_mode) && depth < 8)
				remove_locks(p, since, keep, depth + 1);
			else if (S_ISREG(st.st_mode) && n > 5 &&
			         strcmp(de->d_name + n - 5, ".lock") == 0 && wol_fs_mtime_ns(&st) >= since)
				unlink(p);
		}
		free(p);
	}
	closedir(d);
}

void wol_fs_remove_locks_since(const char *gitdir, long long since, const char *keep)
{
	remove_locks(gitdir, since, keep, 0);
}
