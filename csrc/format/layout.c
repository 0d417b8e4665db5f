/* format/layout.c - the circle layout: which paths may exist in a circle,
 * what each one is, and how ids are made and checked. */
#include "format/layout.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
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

/* ------------------------------------------------------- what a path is */

int wol_id_valid(const char *s, size_t n)
{
	if (n == 0 || n > WOL_ID_READ_MAX || s[0] == '.')
		return 0;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		      ch == '.' || ch == '_' || ch == '-'))
			return 0;
	}
	return 1;
}

int wol_id_handle(const char *id, char *out, size_t size)
{
	/* yyyymmddThhmmssZ-<handle>-<hex> */
	size_t n = id ? strlen(id) : 0;
	if (n < 16 + 1 + 1 + 1 + 4)
		return 0;
	for (int i = 0; i < 16; i++) {
		char ch = id[i];
		int ok = i == 8 ? ch == 'T' : i == 15 ? ch == 'Z' : (ch >= '0' && ch <= '9');
		if (!ok)
			return 0;
	}
	if (id[16] != '-')
		return 0;
	const char *dash = strrchr(id, '-');
	if (dash <= id + 17 || strlen(dash + 1) < 4)
		return 0;
	for (const char *p = dash + 1; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return 0;
	size_t hl = (size_t)(dash - (id + 17));
	if (hl >= size)
		return 0;
	memcpy(out, id + 17, hl);
	out[hl] = '\0';
	return wol_name_valid(out);
}

/* -------------------------------------------------------------- note ids */

/* The blob id is git's ("blob <length>\0" and the text, through SHA-1),
 * made here with libcrypto rather than libgit2: a build from nothing keys
 * every note without an id on its reader thread (index/extract.c), and
 * this way never loads or starts libgit2 for it (its start alone, reading
 * the system's certificates, was 65 M instructions on the build's
 * critical path: bench/ANALYSIS.md, "Full build, ninth round"). */
int wol_note_key(const char *rel, char out[WOL_NOTE_KEY_SIZE])
{
	out[0] = '\0';
	if (!rel)
		return -1;
	size_t n = strlen(rel);
	char head[32];
	int hn = snprintf(head, sizeof head, "blob %zu", n);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	int ok = c && EVP_DigestInit_ex(c, EVP_sha1(), NULL) == 1 &&
	         EVP_DigestUpdate(c, head, (size_t)hn + 1) == 1 && /* (with its NUL) */
	         EVP_DigestUpdate(c, rel, n) == 1 && EVP_DigestFinal_ex(c, md, &mdlen) == 1 &&
	         mdlen == 20;
	EVP_MD_CTX_free(c);
	if (!ok)
		return -1;
	static const char hex[] = "0123456789abcdef";
	memcpy(out, "path-", 5);
	for (int i = 0; i < 10; i++) {
		out[5 + 2 * i] = hex[md[i] >> 4];
		out[6 + 2 * i] = hex[md[i] & 15];
	}
	out[25] = '\0';
	return 0;
}

int wol_note_key_is(const char *nid)
{
	return nid && strncmp(nid, "path-", 5) == 0;
}

int wol_note_id_fits(const char *id, const char *handle)
{
	if (!id || !wol_id_valid(id, strlen(id)) || wol_note_key_is(id))
		return 0;
	char h[WOL_HANDLE_MAX + 1];
	return !wol_id_handle(id, h, sizeof h) || strcmp(h, handle) == 0;
}

/* The handle inside an id <stamp>-<handle>-<hex>: between the first and the
 * last '-'; "" when there is none. */
static void id_member(const char *id, size_t n, char out[WOL_HANDLE_MAX + 1])
{
	out[0] = '\0';
	const char *first = memchr(id, '-', n), *last = NULL;
	for (const char *p = id; p < id + n; p++)
		if (*p == '-')
			last = p;
	if (!first || last == first || (size_t)(last - first - 1) > WOL_HANDLE_MAX)
		return;
	memcpy(out, first + 1, (size_t)(last - first - 1));
	out[last - first - 1] = '\0';
}

/* Copies [s, s+n) into out (cap bytes) when it fits: 1, else 0. */
static int put(char *out, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		return 0;
	memcpy(out, s, n);
	out[n] = '\0';
	return 1;
}

/* "<stem>.md": 1 with the stem in [*stem, *stem + *n) when it is an id. */
static int md_id(const char *name, size_t len, const char **stem, size_t *n)
{
	if (len < 4 || memcmp(name + len - 3, ".md", 3) != 0)
		return 0;
	*stem = name;
	*n = len - 3;
	return wol_id_valid(name, len - 3);
}

static const char *const place_names[] = {"other",  "note",   "question", "answer", "event",
                                          "feedback", "member", "circle",  "prompt"};

const char *wol_place_name(wol_place_kind kind)
{
	return (unsigned)kind < sizeof place_names / sizeof *place_names ? place_names[kind] : "other";
}

void wol_place_of(const char *rel, wol_place *pl)
{
	memset(pl, 0, sizeof *pl);
	const char *part[6];
	size_t len[6];
	int n = 0;
	for (const char *s = rel; s && *s && n < 6;) {
		const char *e = strchr(s, '/');
		part[n] = s;
		len[n++] = e ? (size_t)(e - s) : strlen(s);
		s = e ? e + 1 : NULL;
		if (e && !*s)
			return; /* a trailing '/' is a folder */
		if (e && n == 6)
			return; /* deeper than anything in the layout */
	}
	if (n == 0 || wol_path_check(rel, NULL) != 0)
		return;
	const char *last = part[n - 1];
	size_t ll = len[n - 1];
	int md = ll > 3 && memcmp(last + ll - 3, ".md", 3) == 0 && last[0] != '.';
#define IS(i, lit) (len[i] == sizeof(lit) - 1 && memcmp(part[i], lit, len[i]) == 0)
	const char *stem;
	size_t sn;
	if (n == 1 && IS(0, "circle.md")) {
		pl->kind = WOL_PLACE_CIRCLE;
	} else if (n == 2 && IS(0, "prompts") && md) {
		pl->kind = WOL_PLACE_PROMPT;
	} else if (n == 2 && IS(0, "members") && md) {
		char h[WOL_HANDLE_MAX + 1];
		if (put(h, sizeof h, last, ll - 3) && wol_name_valid(h)) {
			pl->kind = WOL_PLACE_MEMBER;
			memcpy(pl->member, h, sizeof h);
		}
	} else if (n >= 3 && IS(0, "notes")) {
		char h[WOL_HANDLE_MAX + 1];
		if (put(h, sizeof h, part[1], len[1]) && wol_name_valid(h)) {
			/* only <member> writes below notes/<member>/ */
			pl->kind = WOL_PLACE_NOTE;
			memcpy(pl->member, h, sizeof h);
			pl->listed = n == 3 && md;
			pl->conflict = memmem(last, ll, ".conflict-", 10) != NULL;
		}
	} else if (n >= 3 && IS(0, "questions") && wol_id_valid(part[1], len[1])) {
		put(pl->qid, sizeof pl->qid, part[1], len[1]);
		if (n == 3 && IS(2, "question.md")) {
			pl->kind = WOL_PLACE_QUESTION;
			put(pl->id, sizeof pl->id, part[1], len[1]);
		} else if (n == 4 && (IS(2, "answers") || IS(2, "events")) && md_id(last, ll, &stem, &sn)) {
			pl->kind = IS(2, "answers") ? WOL_PLACE_ANSWER : WOL_PLACE_EVENT;
			put(pl->id, sizeof pl->id, stem, sn);
		} else {
			pl->qid[0] = '\0';
		}
	} else if (n == 3 && IS(0, "feedback") && wol_id_valid(part[1], len[1]) &&
	           md_id(last, ll, &stem, &sn)) {
		pl->kind = WOL_PLACE_FEEDBACK;
		put(pl->note, sizeof pl->note, part[1], len[1]);
		put(pl->id, sizeof pl->id, stem, sn);
	}
#undef IS
	if (pl->kind >= WOL_PLACE_QUESTION && pl->kind <= WOL_PLACE_FEEDBACK)
		id_member(pl->id, strlen(pl->id), pl->member);
}
