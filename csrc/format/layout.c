/* layout.c - the circle layout: which paths may exist in a circle and how
 * ids are made. */
#include "wol.h"

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
