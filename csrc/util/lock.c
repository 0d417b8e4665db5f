/* lock.c - advisory file locks that die with their process */
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

int wol_lock_acquire(wol_lock *lk, const char *path, int timeout_ms, wol_error *err)
{
	lk->fd = -1;
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		int e = errno;
		return wol_error_set(err, WOL_EIO, "lock %s: %s", path, strerror(e));
	}
	int waited = 0;
	for (;;) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			break;
		if (errno != EWOULDBLOCK && errno != EINTR) {
			int e = errno;
			close(fd);
			return wol_error_set(err, WOL_EIO, "lock %s: %s", path, strerror(e));
		}
		if (waited >= timeout_ms) {
			close(fd);
			return wol_error_set(err, WOL_ELOCKED,
			                     "lock %s: held by another process (waited %d ms)", path, waited);
		}
		struct timespec ts = {0, 5 * 1000 * 1000};
		nanosleep(&ts, NULL);
		waited += 5;
	}
	lk->fd = fd;
	return 0;
}

void wol_lock_release(wol_lock *lk)
{
	if (lk && lk->fd >= 0) {
		flock(lk->fd, LOCK_UN);
		close(lk->fd);
		lk->fd = -1;
	}
}
