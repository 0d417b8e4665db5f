/* repo/loose.c - a loose object read from the repository's files without
 * libgit2, inflated by libdeflate. A refresh after a commit reads the
 * trees the commit made
 * (and the commit, for its tree): objects a commit writes are loose, each
 * one zlib stream "<type> <size>\0<bytes>" at objects/<2 hex>/<38 hex>.
 * Read here, into a buffer the caller owns, they cost no libgit2 repository (its configuration files, the pack index
 * mapped and searched first), no buffer of libgit2's own (zeroed, then
 * copied by the caller) and four system calls each. An object with no
 * loose file here (packed, in an alternate) is libgit2's to read; a loose
 * file that is not a whole object of the wanted type is not handed on:
 * libgit2 1.5 inflates a truncated loose object forever (a refresh hung
 * on one, with or without this file), so the caller takes it as missing.
 * Like git's own reads (and libgit2's
 * with its hash check off) the bytes are not hashed again; the stream's
 * checksum is checked.
 *
 * libdeflate rather than zlib: a loose object is inflated whole, from a
 * buffer into a buffer, which is what libdeflate does, in about half
 * zlib's instructions for trees (mostly SHA-1s, which do not compress:
 * 5.4 against 10.4 M for the eight member folders of bench/index.sh's
 * circle). */
#include "repo/head.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libdeflate.h>

/* Objects larger than this (compressed) are left to libgit2; none
 * inflates to more than LOOSE_MAX_OBJECT here. */
#define LOOSE_MAX_FILE (64u << 20)
#define LOOSE_MAX_OBJECT (256u << 20)

struct wol_loose {
	struct libdeflate_decompressor *d;
	unsigned char *in; /* the file's bytes */
	size_t incap;
};

wol_loose *wol_repo__loose_new(void)
{
	return calloc(1, sizeof(wol_loose));
}

void wol_repo__loose_free(wol_loose *z)
{
	if (!z)
		return;
	libdeflate_free_decompressor(z->d);
	free(z->in);
	free(z);
}

/* The file's bytes into z->in: its length; -1 when there is no such
 * file to read here (missing, not a plain file, too large), -2 when the
 * file cannot be read whole (empty, short, out of memory). */
static long read_file(wol_loose *z, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -1;
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (unsigned long long)st.st_size > LOOSE_MAX_FILE) {
		close(fd);
		return -1;
	}
	if (st.st_size <= 0) {
		close(fd);
		return -2;
	}
	size_t size = (size_t)st.st_size;
	if (size > z->incap) {
		unsigned char *p = realloc(z->in, size);
		if (!p) {
			close(fd);
			return -2;
		}
		z->in = p;
		z->incap = size;
	}
	size_t got = 0;
	while (got < size) {
		ssize_t n = read(fd, z->in + got, size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	return got == size ? (long)size : -2;
}

/* Grows *buf to at least `need` bytes. */
static int grow(unsigned char **buf, size_t *cap, size_t need)
{
	if (need <= *cap)
		return 0;
	size_t c = *cap ? *cap : 4096;
	while (c < need)
		c *= 2;
	unsigned char *p = realloc(*buf, c);
	if (!p)
		return -1;
	*buf = p;
	*cap = c;
	return 0;
}

int wol_repo__loose_read(wol_loose *z, const char *gitdir, const unsigned char id[20],
                         const char *type, unsigned char **buf, size_t *cap, size_t *off,
                         size_t *len)
{
	static const char hex[] = "0123456789abcdef";
	char path[4200];
	int n = snprintf(path, sizeof path, "%s/objects/", gitdir);
	if (n < 0 || (size_t)n + 42 > sizeof path)
		return 0;
	char *p = path + n;
	for (int i = 0; i < 20; i++) {
		*p++ = hex[id[i] >> 4];
		*p++ = hex[id[i] & 15];
		if (i == 0)
			*p++ = '/';
	}
	*p = '\0';
	long size = read_file(z, path);
	if (size < 0)
		return size == -1 ? 0 : -1;
	if (!z->d && !(z->d = libdeflate_alloc_decompressor()))
		return -1;
	/* room for what the file most likely holds (trees and commits shrink
	 * to about half); more, and inflated again, when it holds more */
	if (grow(buf, cap, (size_t)size * 2 + 64))
		return -1;
	size_t used = 0, out = 0;
	enum libdeflate_result r;
	while ((r = libdeflate_zlib_decompress_ex(z->d, z->in, (size_t)size, *buf, *cap, &used,
	                                          &out)) == LIBDEFLATE_INSUFFICIENT_SPACE) {
		if (*cap >= LOOSE_MAX_OBJECT || grow(buf, cap, *cap * 2))
			return -1; /* out of memory */
	}
	if (r != LIBDEFLATE_SUCCESS || used != (size_t)size)
		return -1; /* damaged, or bytes after the stream: not what git writes */
	/* "<type> <decimal size>\0" */
	unsigned char *nul = memchr(*buf, '\0', out < 64 ? out : 64);
	size_t tl = strlen(type);
	if (!nul || (size_t)(nul - *buf) < tl + 2 || memcmp(*buf, type, tl) != 0 || (*buf)[tl] != ' ')
		return -1;
	size_t declared = 0;
	for (unsigned char *d = *buf + tl + 1; d < nul; d++) {
		if (*d < '0' || *d > '9' || declared > (SIZE_MAX - 9) / 10)
			return -1;
		declared = declared * 10 + (size_t)(*d - '0');
	}
	size_t head = (size_t)(nul - *buf) + 1;
	if (declared != out - head)
		return -1;
	*off = head;
	*len = declared;
	return 1;
}
