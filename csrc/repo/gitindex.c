/* gitindex.c - the git index file changed in place for a commit of a few
 * paths, instead of libgit2 rewriting and re-hashing all of it.
 *
 * A share changes one entry of an index that holds every file of the
 * circle (10,000 notes: 880 KB). libgit2 1.5's git_index_write serialises
 * every entry again and hashes the file with its collision-detecting SHA-1,
 * ~93% of a share's instructions. Here the file's bytes are copied with the
 * one entry added or replaced, the cached trees (TREE extension) that
 * contain the path marked invalid, entries that were racily clean against
 * the old file smudged (their size set to 0, as git does, so git compares
 * their content), and the checksum computed with OpenSSL's SHA-1.
 *
 * Only what this code understands is changed: index versions 2 and 3, no
 * extension but TREE, a stage-0 entry replaced without extended flags, no
 * file/directory clash and no conflict stages for the path. Anything else
 * returns WOL_GITINDEX_FALLBACK and the caller uses libgit2's writer. The
 * format is git's Documentation/gitformat-index.txt.
 *
 * A join's first checkout writes a whole new index the same way
 * (wol_gitindex__fresh): its entries come in order from the tree. */
#include "circle_priv.h"
#include "repo/gitindex.h"

#include <openssl/evp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define HASH_LEN 20
#define ENTRY_FIXED 62 /* stat fields, id and flags */
#define F_EXTENDED 0x4000
#define F_NAMEMASK 0x0fff

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* git's order of names: bytes, then the shorter first */
static int name_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);
	if (c)
		return c;
	return alen < blen ? -1 : alen > blen ? 1 : 0;
}

/* The length of a version 2/3 entry without extended flags whose path is
 * plen bytes: the fixed part and the name padded with 1 to 8 NULs to a
 * multiple of 8. */
static size_t entry_len(size_t plen)
{
	return (ENTRY_FIXED + plen + 8) & ~(size_t)7;
}

/* Writes entry e (stage 0, no extended flags; its path plen bytes) at ne,
 * elen = entry_len(plen) bytes. */
static void put_entry(unsigned char *ne, const wol_gitindex_entry *e, size_t plen, size_t elen)
{
	size_t nlen = plen < F_NAMEMASK ? plen : F_NAMEMASK;
	memset(ne, 0, elen);
	put32(ne + 0, e->ctime_s);
	put32(ne + 4, e->ctime_ns);
	put32(ne + 8, e->mtime_s);
	put32(ne + 12, e->mtime_ns);
	put32(ne + 16, e->dev);
	put32(ne + 20, e->ino);
	put32(ne + 24, e->mode);
	put32(ne + 28, e->uid);
	put32(ne + 32, e->gid);
	put32(ne + 36, e->size);
	memcpy(ne + 40, e->id, HASH_LEN);
	ne[60] = (unsigned char)(nlen >> 8);
	ne[61] = (unsigned char)nlen;
	memcpy(ne + ENTRY_FIXED, e->path, plen);
}

/* The cache-tree (TREE extension) copied into `out` with every node on the
 * way to `path` marked invalid (entry count -1, no tree id). Returns the end
 * of the node, or NULL when the data is not what the format says. */
static const char *tree_node(const char *p, const char *end, const char *full, size_t flen,
                             const char *path, size_t plen, wol_buf *out)
{
	const char *nul = memchr(p, '\0', (size_t)(end - p));
	if (!nul)
		return NULL;
	size_t nlen = (size_t)(nul - p);
	/* this node's path: the parent's, '/', its name (the root has none) */
	char *me = flen ? wol_strfmt("%.*s/%.*s", (int)flen, full, (int)nlen, p)
	                : wol_strfmt("%.*s", (int)nlen, p);
	if (!me)
		return NULL;
	size_t mlen = strlen(me);
	const char *q = nul + 1;
	char *stop = NULL;
	long count = strtol(q, &stop, 10);
	if (stop == q || stop >= end || *stop != ' ') {
		free(me);
		return NULL;
	}
	q = stop + 1;
	long subs = strtol(q, &stop, 10);
	if (stop == q || stop >= end || *stop != '\n' || subs < 0 || count < -1) {
		free(me);
		return NULL;
	}
	q = stop + 1;
	int holds = mlen == 0 || (plen > mlen && memcmp(path, me, mlen) == 0 && path[mlen] == '/');
	if (count >= 0 && end - q < HASH_LEN) {
		free(me);
		return NULL;
	}
	wol_buf_put(out, p, nlen + 1);
	if (holds || count < 0) {
		wol_buf_printf(out, "-1 %ld\n", subs);
	} else {
		wol_buf_printf(out, "%ld %ld\n", count, subs);
		wol_buf_put(out, q, HASH_LEN);
	}
	if (count >= 0)
		q += HASH_LEN;
	for (long i = 0; q && i < subs; i++)
		q = tree_node(q, end, me, mlen, path, plen, out);
	free(me);
	return q;
}

int wol_gitindex__splice(const char *in, size_t len, const struct stat *old_st,
                         const wol_gitindex_entry *e, char **out, size_t *outlen)
{
	*out = NULL;
	*outlen = 0;
	const unsigned char *b = (const unsigned char *)in;
	if (len < 12 + HASH_LEN || memcmp(b, "DIRC", 4) != 0)
		return WOL_GITINDEX_FALLBACK;
	uint32_t version = get32(b + 4), count = get32(b + 8);
	if (version != 2 && version != 3)
		return WOL_GITINDEX_FALLBACK;
	size_t body = len - HASH_LEN; /* entries and extensions end here */
	size_t plen = strlen(e->path);
	long long old_m = wol_fs_mtime_ns(old_st);

	/* where the entry goes: before the first greater name, or in place of
	 * the same name at stage 0 */
	size_t pos = 12, at = 0, at_len = 0;
	int found = 0, placed = 0;
	size_t *racy = NULL, nracy = 0, cap = 0; /* racily clean entries */
	for (uint32_t i = 0; i < count; i++) {
		if (body - pos < ENTRY_FIXED + 1)
			goto fallback;
		const unsigned char *en = b + pos;
		unsigned flags = (unsigned)en[60] << 8 | en[61];
		size_t hdr = ENTRY_FIXED;
		if (flags & F_EXTENDED) {
			if (version < 3)
				goto fallback;
			hdr += 2;
		}
		const char *name = (const char *)en + hdr;
		size_t room = body - pos - hdr;
		size_t nlen = flags & F_NAMEMASK;
		if (nlen == F_NAMEMASK) {
			const char *z = memchr(name, '\0', room);
			if (!z)
				goto fallback;
			nlen = (size_t)(z - name);
		}
		if (nlen >= room)
			goto fallback;
		size_t elen = (hdr + nlen + 8) & ~(size_t)7;
		if (elen > body - pos)
			goto fallback;
		unsigned stage = (flags >> 12) & 3;
		/* a directory where the path puts a file, or a file where it
		 * puts a directory: libgit2 knows what to do */
		if ((nlen < plen && e->path[nlen] == '/' && memcmp(name, e->path, nlen) == 0) ||
		    (nlen > plen && name[plen] == '/' && memcmp(name, e->path, plen) == 0))
			goto fallback;
		int c = name_cmp(name, nlen, e->path, plen);
		if (c == 0) {
			if (stage != 0 || (flags & F_EXTENDED) || found)
				goto fallback; /* a conflict, or skip-worktree & co. */
			found = 1;
			at = pos;
			at_len = elen;
			placed = 1;
		} else if (c > 0 && !placed) {
			at = pos;
			placed = 1;
		}
		/* racily clean against the file it is in: mtime not before it */
		long long m = (long long)get32(en + 8) * 1000000000LL + get32(en + 12);
		if (c != 0 && m >= old_m && get32(en + 36) != 0) {
			if (nracy == cap) {
				cap = cap ? cap * 2 : 16;
				size_t *nr = realloc(racy, cap * sizeof *nr);
				if (!nr)
					goto oom;
				racy = nr;
			}
			racy[nracy++] = pos;
		}
		pos += elen;
	}
	if (!placed)
		at = pos;
	size_t entries_end = pos;

	/* the extensions: TREE is rewritten, any other means libgit2 */
	wol_buf ext;
	wol_buf_init(&ext);
	while (pos < body) {
		if (body - pos < 8) {
			wol_buf_free(&ext);
			goto fallback;
		}
		uint32_t size = get32(b + pos + 4);
		if (size > body - pos - 8 || memcmp(b + pos, "TREE", 4) != 0) {
			wol_buf_free(&ext);
			goto fallback;
		}
		wol_buf tree;
		wol_buf_init(&tree);
		const char *t = in + pos + 8, *tend = t + size;
		while (t && t < tend)
			t = tree_node(t, tend, "", 0, e->path, plen, &tree);
		if (!t || tree.oom) {
			wol_buf_free(&tree);
			wol_buf_free(&ext);
			goto fallback;
		}
		unsigned char head[8];
		memcpy(head, "TREE", 4);
		put32(head + 4, (uint32_t)tree.len);
		wol_buf_put(&ext, (const char *)head, 8);
		wol_buf_put(&ext, tree.ptr ? tree.ptr : "", tree.len);
		wol_buf_free(&tree);
		pos += 8 + size;
	}

	/* the new entry */
	size_t elen = entry_len(plen);
	size_t total = entries_end - at_len + elen + ext.len + HASH_LEN;
	unsigned char *o = malloc(total);
	if (!o || ext.oom) {
		free(o);
		wol_buf_free(&ext);
		goto oom;
	}
	memcpy(o, b, at);
	put32(o + 8, found ? count : count + 1);
	unsigned char *ne = o + at;
	put_entry(ne, e, plen, elen);
	size_t rest = entries_end - at - at_len;
	memcpy(ne + elen, b + at + at_len, rest);
	/* smudge the racily clean entries where they now are */
	for (size_t i = 0; i < nracy; i++) {
		size_t off = racy[i] < at ? racy[i] : racy[i] - at_len + elen;
		put32(o + off + 36, 0);
	}
	if (ext.len)
		memcpy(ne + elen + rest, ext.ptr, ext.len);
	wol_buf_free(&ext);
	free(racy);
	*out = (char *)o;
	*outlen = total - HASH_LEN; /* the caller seals it */
	return 0;
fallback:
	free(racy);
	return WOL_GITINDEX_FALLBACK;
oom:
	free(racy);
	return WOL_ENOMEM;
}

int wol_gitindex__fresh(const wol_gitindex_entry *e, size_t n, char **out, size_t *outlen)
{
	*out = NULL;
	*outlen = 0;
	if (n > UINT32_MAX)
		return WOL_ENOMEM;
	size_t total = 12 + HASH_LEN;
	for (size_t i = 0; i < n; i++)
		total += entry_len(strlen(e[i].path));
	unsigned char *o = malloc(total);
	if (!o)
		return WOL_ENOMEM;
	memcpy(o, "DIRC", 4);
	put32(o + 4, 2);
	put32(o + 8, (uint32_t)n);
	size_t pos = 12;
	for (size_t i = 0; i < n; i++) {
		size_t plen = strlen(e[i].path), elen = entry_len(plen);
		put_entry(o + pos, &e[i], plen, elen);
		pos += elen;
	}
	if (wol_gitindex__seal((char *)o, pos) != 0) {
		free(o);
		return WOL_ENOMEM;
	}
	*out = (char *)o;
	*outlen = total;
	return 0;
}

void wol_gitindex__stat(wol_gitindex_entry *e, const struct stat *st)
{
	e->ctime_s = (uint32_t)st->st_ctim.tv_sec;
	e->ctime_ns = (uint32_t)st->st_ctim.tv_nsec;
	e->mtime_s = (uint32_t)st->st_mtim.tv_sec;
	e->mtime_ns = (uint32_t)st->st_mtim.tv_nsec;
	e->dev = (uint32_t)st->st_dev;
	e->ino = (uint32_t)st->st_ino;
	e->uid = (uint32_t)st->st_uid;
	e->gid = (uint32_t)st->st_gid;
	e->size = (uint32_t)st->st_size;
}

void wol_gitindex__to_git(const wol_gitindex_entry *e, git_index_entry *out)
{
	memset(out, 0, sizeof *out);
	out->ctime.seconds = (int32_t)e->ctime_s;
	out->ctime.nanoseconds = e->ctime_ns;
	out->mtime.seconds = (int32_t)e->mtime_s;
	out->mtime.nanoseconds = e->mtime_ns;
	out->dev = e->dev;
	out->ino = e->ino;
	out->mode = e->mode;
	out->uid = e->uid;
	out->gid = e->gid;
	out->file_size = e->size;
	memcpy(out->id.id, e->id, sizeof e->id);
	out->path = e->path;
}

int wol_gitindex__seal(char *buf, size_t len)
{
	unsigned int n = 0;
	return EVP_Digest(buf, len, (unsigned char *)buf + len, &n, EVP_sha1(), NULL) == 1 &&
	               n == HASH_LEN
	           ? 0
	           : -1;
}
