/* bench/durable_write.c: the disk's floor for `wol log TEXT`
 * (bench/start.sh). One process that only does the durable part of a
 * logged line, the way the guarantee "a confirmed line is never lost"
 * needs it: read the day's file, write it with the line added to a
 * temporary file beside it, fsync that, rename it over the file, fsync
 * the folder. No configuration, no lock, no front matter, no template.
 *
 *   durable_write FILE TEXT
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int fail(const char *what, const char *path)
{
	fprintf(stderr, "%s %s: %s\n", what, path, strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s FILE TEXT\n", argv[0]);
		return 2;
	}
	const char *path = argv[1];
	static char old[1 << 20];
	ssize_t n = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, old, sizeof old);
		close(fd);
		if (n < 0)
			return fail("read", path);
	}
	char tmp[4096], dir[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp-%ld", path, (long)getpid());
	snprintf(dir, sizeof dir, "%s", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return fail("create", tmp);
	size_t len = strlen(argv[2]);
	if (write(fd, old, (size_t)n) != n || write(fd, argv[2], len) != (ssize_t)len ||
	    write(fd, "\n", 1) != 1 || fsync(fd) != 0 || close(fd) != 0) {
		unlink(tmp);
		return fail("write", tmp);
	}
	if (rename(tmp, path) != 0) {
		unlink(tmp);
		return fail("rename", tmp);
	}
	int dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fsync(dfd) != 0)
		return fail("fsync", dir);
	close(dfd);
	return 0;
}
