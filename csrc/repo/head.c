/* repo/head.c - the commit HEAD names, read from the repository's files
 * without libgit2. A refresh of the index compares it with the HEAD it
 * recorded and opens the repository (initialising libgit2, which parses the
 * whole CA bundle) only when HEAD moved. The plain cases are read here:
 * `.git` a folder or a `gitdir:` file, HEAD detached or a symbolic ref to a
 * loose ref or one in packed-refs. Anything else says "ask libgit2". */
#include "repo/head.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SYMREF_DEPTH 5

/* Reads the file at `path` into buf (NUL-terminated): its length, or -1
 * (missing, unreadable, a folder, or longer than cap - 1). *missing: it
 * does not exist (ENOENT or ENOTDIR). */
static long slurp(const char *path, char *buf, size_t cap, int *missing)
{
	*missing = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		*missing = errno == ENOENT || errno == ENOTDIR;
		return -1;
	}
	size_t len = 0;
	for (;;) {
		ssize_t n = read(fd, buf + len, cap - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len == cap - 1) {
			char extra;
			ssize_t more = read(fd, &extra, 1);
			close(fd);
			if (more != 0)
				return -1; /* too long to be what we look for */
			buf[len] = '\0';
			return (long)len;
		}
	}
	close(fd);
	buf[len] = '\0';
	return (long)len;
}

/* Whether s starts with 40 lowercase hex digits followed by the end or a
 * line end (what git writes for an object id in a ref). */
static int is_oid_line(const char *s)
{
	for (int i = 0; i < 40; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[40] == '\0' || s[40] == '\n' || (s[40] == '\r' && s[41] == '\n');
}

/* Cuts a line end off s. */
static void chomp(char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
}

/* Whether name is a ref name safe to join to the git folder: "refs/..." of
 * plain characters, no empty, dot-led or ".lock" component. */
static int plain_refname(const char *name)
{
	if (strncmp(name, "refs/", 5) != 0)
		return 0;
	size_t n = strlen(name);
	if (n > 200 || name[n - 1] == '/' || (n > 5 && strcmp(name + n - 5, ".lock") == 0))
		return 0;
	for (const char *p = name; *p; p++) {
		char c = *p;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.' || c == '/'))
			return 0;
		if (c == '/' && (p[1] == '/' || p[1] == '.'))
			return 0;
	}
	return 1;
}

/* The id `name` has in <gitdir>/packed-refs: 1 with it in out, else 0. */
static int packed_ref(const char *gitdir, const char *name, char out[41])
{
	char path[4200];
	if ((size_t)snprintf(path, sizeof path, "%s/packed-refs", gitdir) >= sizeof path)
		return 0;
	FILE *f = fopen(path, "re");
	if (!f)
		return 0;
	char line[512];
	size_t nl = strlen(name);
	int found = 0, fresh = 1; /* fresh: line starts a line of the file */
	while (!found && fgets(line, sizeof line, f)) {
		int start = fresh;
		fresh = strchr(line, '\n') != NULL;
		/* "<40 hex> <name>\n"; '#' starts the header, '^' a peeled id */
		if (!start || line[0] == '#' || line[0] == '^' || strlen(line) < 42 || line[40] != ' ')
			continue;
		if (strncmp(line + 41, name, nl) != 0)
			continue;
		const char *end = line + 41 + nl;
		if (*end != '\n' && *end != '\0' && !(end[0] == '\r' && end[1] == '\n'))
			continue;
		line[40] = '\0';
		int hex = 1;
		for (int i = 0; i < 40; i++)
			hex &= (line[i] >= '0' && line[i] <= '9') || (line[i] >= 'a' && line[i] <= 'f');
		if (hex) {
			memcpy(out, line, 41);
			found = 1;
		}
	}
	fclose(f);
	return found;
}

/* The git folder of the work tree: <workdir>/.git, or where its `gitdir:`
 * file points. 0 when it is neither, or a linked worktree (its refs live
 * in another folder: libgit2 knows the rules). */
int wol_repo__gitdir(const char *workdir, char *out, size_t cap)
{
	char dotgit[4200];
	if ((size_t)snprintf(dotgit, sizeof dotgit, "%s/.git", workdir) >= sizeof dotgit)
		return 0;
	struct stat st;
	if (stat(dotgit, &st) != 0)
		return 0;
	if (S_ISDIR(st.st_mode)) {
		if ((size_t)snprintf(out, cap, "%s", dotgit) >= cap)
			return 0;
	} else if (S_ISREG(st.st_mode)) {
		char buf[4100];
		int missing;
		if (slurp(dotgit, buf, sizeof buf, &missing) < 0 || strncmp(buf, "gitdir: ", 8) != 0)
			return 0;
		chomp(buf);
		const char *dir = buf + 8;
		if (!*dir)
			return 0;
		int n = dir[0] == '/' ? snprintf(out, cap, "%s", dir)
		                      : snprintf(out, cap, "%s/%s", workdir, dir);
		if (n < 0 || (size_t)n >= cap)
			return 0;
	} else {
		return 0;
	}
	char common[4300];
	snprintf(common, sizeof common, "%s/commondir", out);
	if (access(common, F_OK) == 0 || errno != ENOENT)
		return 0;
	return 1;
}

int wol_repo__head_peek(const char *workdir, char out[41])
{
	out[0] = '\0';
	char gitdir[4096];
	if (!workdir || !wol_repo__gitdir(workdir, gitdir, sizeof gitdir))
		return 0;
	char path[4400], buf[512];
	int missing;
	snprintf(path, sizeof path, "%s/HEAD", gitdir);
	if (slurp(path, buf, sizeof buf, &missing) < 0)
		return 0;
	for (int depth = 0; depth < SYMREF_DEPTH; depth++) {
		if (is_oid_line(buf)) {
			memcpy(out, buf, 40);
			out[40] = '\0';
			return 1;
		}
		if (strncmp(buf, "ref: ", 5) != 0)
			return 0;
		chomp(buf);
		char name[256];
		if ((size_t)snprintf(name, sizeof name, "%s", buf + 5) >= sizeof name ||
		    !plain_refname(name))
			return 0;
		snprintf(path, sizeof path, "%s/%s", gitdir, name);
		if (slurp(path, buf, sizeof buf, &missing) < 0)
			return missing ? packed_ref(gitdir, name, out) : 0;
	}
	return 0;
}
