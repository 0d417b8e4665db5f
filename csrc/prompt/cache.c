/* prompt/cache.c - the prompt files of a context, parsed once: a folder's
 * files again only when one changed; the built-ins were parsed at build
 * time (csrc/prompt_builtin.h) */
#include "prompt/prompt_int.h"
#include "ctx_priv.h"
#include "prompt_builtin.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

/* ---------------------------------------------------------------- cache */

/* Prompt files are parsed once per context and again only when they
 * change: a file is the same when its device, inode, size, mtime and ctime
 * are (any write changes its ctime). The cache lives in the context
 * (ctx_priv.h). */
typedef struct pfile {
	char *name;     /* the file name in its folder */
	struct stat st; /* what it was parsed from; st_ino 0: never reused */
	int ok;         /* 1: e is a usable prompt */
	entry e;
	wol_strv warnings;  /* why it was skipped */
} pfile;

typedef struct pdir {
	char *dir;
	int nofollow;
	pfile *v; /* sorted by name */
	size_t n;
} pdir;

typedef struct pcache {
	pdir *dirs;
	size_t ndirs;
} pcache;

static void pfile_free(pfile *f)
{
	free(f->name);
	if (f->ok)
		wol_prompt__entry_free(&f->e);
	wol_strv_clear(&f->warnings);
	memset(f, 0, sizeof *f);
}

static void pcache_free(void *data)
{
	pcache *c = data;
	for (size_t i = 0; i < c->ndirs; i++) {
		for (size_t j = 0; j < c->dirs[i].n; j++)
			pfile_free(&c->dirs[i].v[j]);
		free(c->dirs[i].v);
		free(c->dirs[i].dir);
	}
	free(c->dirs);
	free(c);
}

pcache *wol_prompt__cache(wol_ctx *ctx)
{
	pcache *c = wol_ctx_cache(ctx, WOL_CTX_CACHE_PROMPTS);
	if (!c && (c = calloc(1, sizeof *c)) != NULL)
		wol_ctx_cache_set(ctx, WOL_CTX_CACHE_PROMPTS, c, pcache_free);
	return c;
}

static pdir *get_dir(pcache *c, const char *dir, int nofollow)
{
	for (size_t i = 0; i < c->ndirs; i++)
		if (c->dirs[i].nofollow == nofollow && strcmp(c->dirs[i].dir, dir) == 0)
			return &c->dirs[i];
	pdir *v = realloc(c->dirs, (c->ndirs + 1) * sizeof *v);
	if (!v)
		return NULL;
	c->dirs = v;
	pdir *d = &c->dirs[c->ndirs];
	memset(d, 0, sizeof *d);
	if (!(d->dir = wol_strfmt("%s", dir)))
		return NULL;
	d->nofollow = nofollow;
	c->ndirs++;
	return d;
}

static int same_file(const struct stat *a, const struct stat *b)
{
	return a->st_ino != 0 && a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	       a->st_size == b->st_size && a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec && a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
	       a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* Parses the file at path into f (f->name set by the caller). */
static void parse_file(pfile *f, const char *path, int nofollow, const struct stat *st)
{
	char *text = NULL;
	size_t len = 0;
	wol_error err;
	if (st)
		f->st = *st;
	if (wol_fs_read(path, PROMPT_MAX_BYTES, nofollow, &text, &len, &err) != 0) {
		/* err.msg is "wol: <path>: <why>"; add the line */
		const char *why = err.msg;
		size_t pl = strlen(path);
		if (strncmp(why, "wol: ", 5) == 0 && strncmp(why + 5, path, pl) == 0 && why[5 + pl] == ':')
			why += 5 + pl + 2;
		wol_prompt__warn(&f->warnings, path, 1, "%s (skipped)", why);
		f->st.st_ino = 0;
		return;
	}
	f->ok = wol_prompt__parse_entry(text, len, path, &f->warnings, &f->e) == 0;
	free(text);
	/* File times tick in steps of a few milliseconds: a file written within
	 * the last seconds could change again without its times changing, so
	 * it is read again next time. */
	if (time(NULL) - f->st.st_ctim.tv_sec < 2)
		f->st.st_ino = 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_pfile(const void *key, const void *elem)
{
	return strcmp((const char *)key, ((const pfile *)elem)->name);
}

/* The usable prompts of the *.md files of dir (a missing dir is no
 * prompts); the warnings of the others go to w. */
int wol_prompt__load_dir(pcache *c, const char *dir, int nofollow, entries *es, wol_strv *w)
{
	DIR *d = opendir(dir);
	if (!d) {
		if (errno != ENOENT && errno != ENOTDIR)
			wol_strv_add(w, wol_strfmt("wol: %s: cannot read the folder: %s", dir, strerror(errno)));
		return 0;
	}
	pdir *pd = get_dir(c, dir, nofollow);
	if (!pd) {
		closedir(d);
		return WOL_ENOMEM;
	}
	wol_strv names = {0};
	struct dirent *de;
	int rc = 0;
	while ((de = readdir(d)) != NULL && names.n < PROMPT_MAX_FILES) {
		size_t n = strlen(de->d_name);
		if (de->d_name[0] == '.' || n < 4 || strcmp(de->d_name + n - 3, ".md") != 0)
			continue;
		rc |= wol_strv_add(&names, wol_strfmt("%s", de->d_name));
	}
	closedir(d);
	pfile *nv = names.n ? calloc(names.n, sizeof *nv) : NULL;
	char *taken = pd->n ? calloc(pd->n, 1) : NULL; /* moved from the old array */
	if (rc || (names.n && !nv) || (pd->n && !taken)) {
		wol_strv_clear(&names);
		free(nv);
		free(taken);
		return WOL_ENOMEM;
	}
	if (names.n)
		qsort(names.v, names.n, sizeof *names.v, cmp_str);
	for (size_t i = 0; i < names.n; i++) {
		pfile *f = &nv[i];
		char *path = wol_strfmt("%s/%s", dir, names.v[i]);
		if (!path) {
			rc = WOL_ENOMEM;
			break;
		}
		struct stat st;
		int have = (nofollow ? lstat(path, &st) : stat(path, &st)) == 0 && S_ISREG(st.st_mode);
		pfile *old = pd->n ? bsearch(names.v[i], pd->v, pd->n, sizeof *pd->v, cmp_pfile) : NULL;
		if (have && old && same_file(&old->st, &st)) {
			*f = *old; /* moved: the old array no longer owns it */
			taken[old - pd->v] = 1;
		} else {
			f->name = names.v[i];
			names.v[i] = NULL;
			parse_file(f, path, nofollow, have ? &st : NULL);
		}
		free(path);
		for (size_t k = 0; k < f->warnings.n; k++)
			wol_strv_add(w, wol_strfmt("%s", f->warnings.v[k]));
		if (f->ok)
			rc |= wol_prompt__entries_add(es, &f->e);
	}
	/* files gone or changed: drop their old parse */
	for (size_t j = 0; j < pd->n; j++)
		if (!taken[j])
			pfile_free(&pd->v[j]);
	free(taken);
	free(pd->v);
	/* keep only what was filled (a break above leaves the rest empty) */
	size_t n = 0;
	for (size_t i = 0; i < names.n; i++)
		if (nv[i].name)
			nv[n++] = nv[i];
	pd->v = nv;
	pd->n = n;
	wol_strv_clear(&names);
	return rc;
}

/* The built-ins: entries made at build time, none skipped (a built-in
 * with a warning fails the build), so nothing to parse or warn about. */
int wol_prompt__load_builtins(entries *es)
{
	int rc = 0;
	for (size_t i = 0; i < wol_prompt_nbuiltins; i++)
		rc |= wol_prompt__entries_add(es, &wol_prompt_builtins[i]);
	return rc;
}
