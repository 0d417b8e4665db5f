/* ctx_config.c - the user's git config as the context reads it, and its
 * cache.
 *
 * The identity (wol.handle, user.name, user.email) and wol's own settings
 * come from the git config files git itself reads: the system file, the XDG
 * file and the global file, with their include.path and includeIf targets.
 * Reading them through libgit2 means initialising libgit2, which costs more
 * than a whole `wol prompt`; so what libgit2 read of the `user.*` and
 * `wol.*` keys is kept in $WOL_HOME/.cache/identity, keyed on the
 * environment that picks the files (HOME, XDG_CONFIG_HOME,
 * GIT_CONFIG_GLOBAL, GIT_CONFIG_NOSYSTEM) and on the stat (device, inode,
 * size, mtime in ns) of every file consulted, existing or not. When any of
 * them differs, the files are read again through libgit2 and the cache is
 * rewritten (0600, in place under a lock, ending with a line `end`: a
 * torn or killed write reads as no cache). This is the one place of that rule: an
 * open context answers wol_ctx_current() with the same comparison, which
 * is how a running editor notices `git config --global wol.handle NAME`.
 *
 * A file changed less than two seconds before it was read is not cached
 * (its stamp could stay the same through a second edit of the same size
 * within the file system's timestamp granularity); the next command reads
 * the files again. Include paths are found by a small scan of each file
 * for `path` in `[include]` and `[includeIf "..."]` sections (every
 * condition counted as true: a target that is stamped but unused only
 * costs a stat). */
#include "util/util.h"
#include "ctx_priv.h"

#include <ctype.h>
#include <fcntl.h>
#include <sys/file.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CACHE_MAGIC "wol-gitconfig 1"
#define MAX_FILES 32
#define MAX_INCLUDE_DEPTH 10
#define RACY_NS 2000000000LL

static const char *const env_names[] = {"HOME", "XDG_CONFIG_HOME", "GIT_CONFIG_GLOBAL",
                                        "GIT_CONFIG_NOSYSTEM"};
#define N_ENV (sizeof env_names / sizeof env_names[0])

struct wol_gitcfg {
	char *env[N_ENV]; /* NULL: unset */
	wol_strv files;   /* paths consulted, in order */
	wol_strv stamps;  /* their stamps, "-" when absent */
	wol_strv names;   /* user.* and wol.* keys, normalised */
	wol_strv values;
	int racy;         /* a file changed just before it was read */
};

void wol_gitcfg_free(wol_gitcfg *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < N_ENV; i++)
		free(g->env[i]);
	wol_strv_clear(&g->files);
	wol_strv_clear(&g->stamps);
	wol_strv_clear(&g->names);
	wol_strv_clear(&g->values);
	free(g);
}

/* "dev:ino:size:sec.nsec" of path, or "-" when it cannot be stat'ed. */
static char *stamp_of(const char *path, long long now_ns, int *racy)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return wol_strfmt("-");
	long long m = wol_fs_mtime_ns(&st);
	if (racy && m > now_ns - RACY_NS)
		*racy = 1;
	return wol_strfmt("%llu:%llu:%lld:%lld", (unsigned long long)st.st_dev,
	                  (unsigned long long)st.st_ino, (long long)st.st_size, m);
}

static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The top-level files, in the order and at the levels git reads them. */
enum { LV_SYSTEM, LV_XDG, LV_GLOBAL, N_LEVELS };

static char *level_path(int lv)
{
	const char *home = getenv("HOME");
	switch (lv) {
	case LV_SYSTEM:
		return getenv("GIT_CONFIG_NOSYSTEM") ? NULL : wol_strfmt("/etc/gitconfig");
	case LV_XDG: {
		const char *xdg = getenv("XDG_CONFIG_HOME");
		if (xdg && *xdg)
			return wol_strfmt("%s/git/config", xdg);
		return home ? wol_strfmt("%s/.config/git/config", home) : NULL;
	}
	default: {
		const char *global = getenv("GIT_CONFIG_GLOBAL");
		if (global && *global)
			return wol_strfmt("%s", global);
		return home ? wol_strfmt("%s/.gitconfig", home) : NULL;
	}
	}
}

static const git_config_level_t git_levels[N_LEVELS] = {
	GIT_CONFIG_LEVEL_SYSTEM, GIT_CONFIG_LEVEL_XDG, GIT_CONFIG_LEVEL_GLOBAL};

int wol_gitcfg_open_git(git_config **out)
{
	*out = NULL;
	git_config *cfg = NULL;
	if (git_config_new(&cfg) < 0)
		return -1;
	for (int lv = 0; lv < N_LEVELS; lv++) {
		char *p = level_path(lv);
		if (p && access(p, R_OK) == 0)
			git_config_add_file_ondisk(cfg, p, git_levels[lv], NULL, 0);
		free(p);
	}
	*out = cfg;
	return 0;
}

/* ------------------------------------------------------ include targets */

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

/* The value of a `path = value` line: quotes removed, a comment after it
 * cut, the common escapes undone. */
static void unquote(char *v)
{
	char *o = v;
	int q = 0;
	for (char *s = v; *s; s++) {
		if (*s == '"') {
			q = !q;
		} else if (!q && (*s == '#' || *s == ';')) {
			break;
		} else if (*s == '\\' && s[1]) {
			s++;
			*o++ = *s == 't' ? '\t' : *s == 'n' ? '\n' : *s;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
	char *t = trim(v);
	memmove(v, t, strlen(t) + 1);
}

static char *include_target(const char *from, const char *v)
{
	if (!*v)
		return NULL;
	if (v[0] == '~' && v[1] == '/') {
		const char *home = getenv("HOME");
		return home ? wol_strfmt("%s%s", home, v + 1) : NULL;
	}
	if (v[0] == '/')
		return wol_strfmt("%s", v);
	const char *slash = strrchr(from, '/');
	if (!slash)
		return wol_strfmt("%s", v);
	return wol_strfmt("%.*s/%s", (int)(slash - from), from, v);
}

static void add_file(wol_gitcfg *g, const char *path, long long now, int depth);

static void scan_includes(wol_gitcfg *g, const char *path, long long now, int depth)
{
	char *text = NULL;
	size_t len = 0;
	if (wol_fs_read(path, 1 << 20, 0, &text, &len, NULL) != 0)
		return;
	int in_include = 0;
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *s = trim(line);
		if (*s == '[') {
			/* [include], [includeIf "cond"], also [include "x"] (git
			 * ignores the subsection; counting it is harmless) */
			char *e = s + 1;
			while (*e == ' ' || *e == '\t')
				e++;
			in_include = strncasecmp(e, "include", 7) == 0 &&
			             (e[7] == ']' || e[7] == ' ' || e[7] == '"' || strncasecmp(e + 7, "if", 2) == 0);
			char *close = strchr(s, ']');
			if (!close)
				continue;
			s = trim(close + 1); /* a key may follow on the same line */
			if (!*s)
				continue;
		}
		if (!in_include || strncasecmp(s, "path", 4) != 0)
			continue;
		char *eq = trim(s + 4);
		if (*eq != '=')
			continue;
		unquote(eq + 1);
		char *target = include_target(path, eq + 1 + strspn(eq + 1, " \t"));
		if (target)
			add_file(g, target, now, depth + 1);
		free(target);
	}
	free(text);
}

static void add_file(wol_gitcfg *g, const char *path, long long now, int depth)
{
	if (depth > MAX_INCLUDE_DEPTH || g->files.n >= MAX_FILES)
		return;
	for (size_t i = 0; i < g->files.n; i++)
		if (strcmp(g->files.v[i], path) == 0)
			return;
	wol_strv_add(&g->files, wol_strfmt("%s", path));
	char *st = stamp_of(path, now, &g->racy);
	int exists = st && strcmp(st, "-") != 0;
	wol_strv_add(&g->stamps, st);
	if (exists)
		scan_includes(g, path, now, depth);
}

/* The environment and the files of the key, as they are now. */
static wol_gitcfg *key_now(void)
{
	wol_gitcfg *g = calloc(1, sizeof *g);
	if (!g)
		return NULL;
	for (size_t i = 0; i < N_ENV; i++) {
		const char *v = getenv(env_names[i]);
		g->env[i] = v ? wol_strfmt("%s", v) : NULL;
	}
	long long now = now_ns();
	for (int lv = 0; lv < N_LEVELS; lv++) {
		char *p = level_path(lv);
		if (p)
			add_file(g, p, now, 0);
		free(p);
	}
	if (g->files.oom || g->stamps.oom) {
		wol_gitcfg_free(g);
		return NULL;
	}
	return g;
}

static int same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

int wol_gitcfg_current(const wol_gitcfg *g)
{
	if (!g)
		return 0;
	for (size_t i = 0; i < N_ENV; i++)
		if (!same_str(g->env[i], getenv(env_names[i])))
			return 0;
	for (size_t i = 0; i < g->files.n; i++) {
		char *st = stamp_of(g->files.v[i], 0, NULL);
		int same = st && strcmp(st, g->stamps.v[i]) == 0;
		free(st);
		if (!same)
			return 0;
	}
	return 1;
}

/* ----------------------------------------------------------- the values */

/* A key as libgit2 names it: section and variable in lower case, a
 * subsection as written. */
static char *normalise(const char *key)
{
	char *k = wol_strfmt("%s", key);
	if (!k)
		return NULL;
	char *first = strchr(k, '.'), *last = strrchr(k, '.');
	for (char *s = k; *s && (!first || s < first); s++)
		*s = (char)tolower((unsigned char)*s);
	for (char *s = last ? last : k; *s; s++)
		*s = (char)tolower((unsigned char)*s);
	return k;
}

int wol_gitcfg_covers(const char *key)
{
	return strncasecmp(key, "wol.", 4) == 0 || strncasecmp(key, "user.", 5) == 0;
}

char *wol_gitcfg_get(const wol_gitcfg *g, const char *key)
{
	char *k = normalise(key);
	char *v = NULL;
	for (size_t i = 0; k && i < g->names.n; i++)
		if (strcmp(g->names.v[i], k) == 0) {
			v = wol_strfmt("%s", g->values.v[i]);
			break;
		}
	free(k);
	return v;
}

static int collect_name(const git_config_entry *e, void *payload)
{
	wol_strv *names = payload;
	if (!wol_strv_contains(names, e->name))
		wol_strv_add(names, wol_strfmt("%s", e->name));
	return 0;
}

static int read_values(wol_gitcfg *g)
{
	git_config *cfg = NULL;
	if (wol_gitcfg_open_git(&cfg) != 0)
		return -1;
	wol_strv names = {0};
	if (git_config_foreach_match(cfg, "^(user|wol)\\.", collect_name, &names) < 0)
		git_error_clear();
	for (size_t i = 0; i < names.n; i++) {
		git_buf b = {0};
		if (git_config_get_string_buf(&b, cfg, names.v[i]) < 0) {
			git_error_clear();
			continue;
		}
		wol_strv_add(&g->names, wol_strfmt("%s", names.v[i]));
		wol_strv_add(&g->values, wol_strfmt("%s", b.ptr ? b.ptr : ""));
		git_buf_dispose(&b);
	}
	wol_strv_clear(&names);
	git_config_free(cfg);
	return g->names.oom || g->values.oom ? -1 : 0;
}

/* ------------------------------------------------------ the cache file */

static void put_field(wol_buf *b, const char *s)
{
	wol_buf_puts(b, "\t");
	for (; *s; s++) {
		if (*s == '\\')
			wol_buf_puts(b, "\\\\");
		else if (*s == '\t')
			wol_buf_puts(b, "\\t");
		else if (*s == '\n')
			wol_buf_puts(b, "\\n");
		else
			wol_buf_put(b, s, 1);
	}
}

/* Splits one line into its tab-separated fields, undoing put_field. */
static size_t get_fields(char *line, char **f, size_t max)
{
	size_t n = 0;
	char *o = line;
	f[n++] = o;
	for (char *s = line; *s; s++) {
		if (*s == '\t') {
			*o++ = '\0';
			if (n == max)
				return 0;
			f[n++] = o;
		} else if (*s == '\\' && s[1]) {
			s++;
			*o++ = *s == 't' ? '\t' : *s == 'n' ? '\n' : *s;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
	return n;
}

static char *cache_path(const char *home)
{
	return wol_strfmt("%s/.cache/identity", home);
}

static void save(const wol_gitcfg *g, const char *home)
{
	if (g->racy || !wol_fs_isdir(home))
		return; /* never creates $WOL_HOME */
	wol_buf b;
	wol_buf_init(&b);
	wol_buf_puts(&b, CACHE_MAGIC "\n");
	for (size_t i = 0; i < N_ENV; i++) {
		wol_buf_puts(&b, "env");
		put_field(&b, env_names[i]);
		if (g->env[i]) {
			char *v = wol_strfmt("=%s", g->env[i]);
			if (!v)
				b.oom = 1;
			else
				put_field(&b, v);
			free(v);
		}
		wol_buf_puts(&b, "\n");
	}
	for (size_t i = 0; i < g->files.n; i++) {
		wol_buf_puts(&b, "file");
		put_field(&b, g->files.v[i]);
		put_field(&b, g->stamps.v[i]);
		wol_buf_puts(&b, "\n");
	}
	for (size_t i = 0; i < g->names.n; i++) {
		wol_buf_puts(&b, "val");
		put_field(&b, g->names.v[i]);
		put_field(&b, g->values.v[i]);
		wol_buf_puts(&b, "\n");
	}
	wol_buf_puts(&b, "end\n");
	char *dir = wol_strfmt("%s/.cache", home);
	char *path = cache_path(home);
	if (!b.oom && dir && path && wol_fs_mkdirs(dir, 0700, NULL) == 0) {
		/* In place, under an exclusive flock against another writer: a
		 * reader that meets a half-written or killed write finds no end
		 * line and reads the config files instead. (No rename: the
		 * crash tests count the renames of the commit path.) */
		int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd >= 0) {
			if (flock(fd, LOCK_EX) == 0 && ftruncate(fd, 0) == 0) {
				const char *p = b.ptr;
				size_t left = b.len;
				while (left > 0) {
					ssize_t w = pwrite(fd, p, left, (off_t)(b.len - left));
					if (w <= 0)
						break;
					p += w;
					left -= (size_t)w;
				}
				if (left > 0)
					(void)ftruncate(fd, 0);
			}
			fchmod(fd, 0600);
			close(fd);
		}
	}
	free(dir);
	free(path);
	wol_buf_free(&b);
}

/* The cache of `home` if it matches `now` (environment and file list and
 * stamps), with its values; NULL otherwise. */
static wol_gitcfg *load(const char *home, const wol_gitcfg *now)
{
	char *path = cache_path(home), *text = NULL;
	size_t len = 0;
	int rc = path ? wol_fs_read(path, 1 << 20, 1, &text, &len, NULL) : -1;
	free(path);
	if (rc != 0)
		return NULL;
	wol_gitcfg *g = calloc(1, sizeof *g);
	size_t nenv = 0, nfile = 0;
	int ended = 0;
	int ok = g && strncmp(text, CACHE_MAGIC "\n", sizeof CACHE_MAGIC) == 0;
	char *save_p = NULL;
	char *line = ok ? strtok_r(text + sizeof CACHE_MAGIC, "\n", &save_p) : NULL;
	for (; ok && line; line = strtok_r(NULL, "\n", &save_p)) {
		char *f[4];
		size_t n = get_fields(line, f, 4);
		if (n == 2 && strcmp(f[0], "env") == 0) {
			ok = nenv < N_ENV && strcmp(f[1], env_names[nenv]) == 0 && !now->env[nenv];
			nenv++;
		} else if (n == 3 && strcmp(f[0], "env") == 0) {
			ok = nenv < N_ENV && strcmp(f[1], env_names[nenv]) == 0 && f[2][0] == '=' &&
			     same_str(f[2] + 1, now->env[nenv]);
			nenv++;
		} else if (n == 3 && strcmp(f[0], "file") == 0) {
			/* the same files in the same order, with the same stamps */
			ok = nfile < now->files.n && strcmp(f[1], now->files.v[nfile]) == 0 &&
			     strcmp(f[2], now->stamps.v[nfile]) == 0;
			nfile++;
		} else if (n == 1 && strcmp(f[0], "end") == 0) {
			ended = 1;
			break;
		} else if (n == 3 && strcmp(f[0], "val") == 0) {
			wol_strv_add(&g->names, wol_strfmt("%s", f[1]));
			wol_strv_add(&g->values, wol_strfmt("%s", f[2]));
		} else {
			ok = 0;
		}
	}
	/* nothing may follow the end line */
	if (ended && strtok_r(NULL, "\n", &save_p))
		ok = 0;
	free(text);
	if (!ok || !ended || nenv != N_ENV || nfile != now->files.n || g->names.oom || g->values.oom) {
		wol_gitcfg_free(g);
		return NULL;
	}
	return g;
}

wol_gitcfg *wol_gitcfg_read(const char *home)
{
	wol_gitcfg *g = key_now();
	if (!g)
		return NULL;
	wol_gitcfg *cached = home ? load(home, g) : NULL;
	if (cached) {
		/* the key of now, the values of the cache */
		wol_strv_clear(&g->names);
		wol_strv_clear(&g->values);
		g->names = cached->names;
		g->values = cached->values;
		memset(&cached->names, 0, sizeof cached->names);
		memset(&cached->values, 0, sizeof cached->values);
		wol_gitcfg_free(cached);
		return g;
	}
	/* stamped before reading: a file changed in between is seen as
	 * changed next time */
	if (read_values(g) != 0) {
		wol_gitcfg_free(g);
		return NULL;
	}
	if (home)
		save(g, home);
	return g;
}
