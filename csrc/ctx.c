/* ctx.c - the context: $WOL_HOME, identity from git config, circles */
#include "util/util.h"
#include "ctx_priv.h"

#include <dirent.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct wol_ctx {
	char *home;
	char *circle_opt;  /* from opts, validated */
	char *circle;      /* last resolved circle */
	wol_date today;
	wol_identity id;
	wol_error id_err;  /* why the handle is unusable (id.problem is its message) */
	wol_gitcfg *cfg; /* the git config keys it read (ctx_config.c) */
	void *cache[WOL_CTX_CACHES]; /* see ctx_priv.h */
	void (*cache_free[WOL_CTX_CACHES])(void *);
};

static char *resolve_home(const char *given)
{
	const char *h = given && *given ? given : getenv("WOL_HOME");
	char *path = NULL;
	if (h && *h) {
		path = wol_strfmt("%s", h);
	} else {
		const char *xdg = getenv("XDG_DATA_HOME");
		const char *home = getenv("HOME");
		if (xdg && *xdg == '/')
			path = wol_strfmt("%s/wol", xdg);
		else
			path = wol_strfmt("%s/.local/share/wol", home && *home ? home : ".");
	}
	/* once, here, to its real path: a home reached through a symbolic link
	 * (/home -> /data, dotfiles managed by stow) then works like any other,
	 * and the symbolic links refused inside circles are only those */
	char *real = path ? wol_fs_realpath(path) : NULL;
	free(path);
	if (real) {
		size_t n = strlen(real);
		while (n > 1 && real[n - 1] == '/')
			real[--n] = '\0';
	}
	return real;
}

char *wol_ctx_config(const wol_ctx *ctx, const char *key)
{
	if (wol_gitcfg_covers(key))
		return ctx->cfg ? wol_gitcfg_get(ctx->cfg, key) : NULL;
	/* a key the cache does not hold: the files themselves, through libgit2 */
	git_config *cfg = NULL;
	git_buf b = {0};
	char *s = NULL;
	if (wol_gitcfg_open_git(&cfg) == 0 && git_config_get_string_buf(&b, cfg, key) == 0)
		s = wol_strfmt("%s", b.ptr ? b.ptr : "");
	else
		git_error_clear();
	git_buf_dispose(&b);
	git_config_free(cfg);
	return s;
}

int wol_ctx_current(const wol_ctx *ctx)
{
	return wol_gitcfg_current(ctx->cfg);
}

static void read_identity(wol_ctx *ctx)
{
	wol_identity *id = &ctx->id;
	char *handle = wol_ctx_config(ctx, "wol.handle");
	char *name = wol_ctx_config(ctx, "user.name");
	id->email = wol_ctx_config(ctx, "user.email");
	if (name && !*name) {
		free(name);
		name = NULL;
	}
	if (handle && *handle) {
		id->handle_source = "wol.handle";
		if (wol_name_valid(handle)) {
			snprintf(id->handle, sizeof id->handle, "%s", handle);
		} else {
			wol_name_check(handle, "git config wol.handle", &ctx->id_err);
		}
	} else if (name) {
		id->handle_source = "user.name";
		wol_slug(name, id->handle, sizeof id->handle, WOL_HANDLE_MAX);
		if (!wol_name_valid(id->handle)) {
			id->handle[0] = '\0';
			wol_error_set(&ctx->id_err, WOL_EINVAL,
			              "identity: git config user.name '%s' gives no usable handle; set "
			              "one: git config --global wol.handle NAME",
			              name);
		}
	} else {
		const char *user = getenv("USER");
		id->handle_source = "$USER";
		if (user)
			wol_slug(user, id->handle, sizeof id->handle, WOL_HANDLE_MAX);
		if (!wol_name_valid(id->handle)) {
			id->handle[0] = '\0';
			wol_error_set(&ctx->id_err, WOL_EINVAL,
			              "identity: no handle; set one: git config --global wol.handle NAME "
			              "(and user.name, user.email)");
		}
	}
	if (ctx->id_err.code)
		id->problem = wol_strfmt("%s", ctx->id_err.msg);
	id->name = name ? name : wol_strfmt("%s", id->handle);
	free(handle);
}

int wol_ctx_open(wol_ctx **out, const wol_ctx_opts *opts, wol_error *err)
{
	*out = NULL;
	wol_ctx_opts none = {0};
	if (!opts)
		opts = &none;
	wol_ctx *ctx = calloc(1, sizeof *ctx);
	if (!ctx)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	ctx->home = resolve_home(opts->home);
	if (!ctx->home) {
		wol_ctx_free(ctx);
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	const char *today = opts->today && *opts->today ? opts->today : getenv("WOL_TODAY");
	if (today && *today) {
		int rc = wol_date_parse(today, wol_date_today(), &ctx->today, err);
		if (rc) {
			wol_ctx_free(ctx);
			return rc;
		}
	} else {
		ctx->today = wol_date_today();
	}
	if (opts->circle && *opts->circle) {
		int rc = wol_name_check(opts->circle, "circle name", err);
		if (rc) {
			wol_ctx_free(ctx);
			return rc;
		}
		ctx->circle_opt = wol_strfmt("%s", opts->circle);
	}
	ctx->cfg = wol_gitcfg_read(ctx->home);
	if (!ctx->cfg) {
		int rc = wol_error_git(err, -1, "git config");
		wol_ctx_free(ctx);
		return rc;
	}
	read_identity(ctx);
	*out = ctx;
	return 0;
}

void wol_ctx_free(wol_ctx *ctx)
{
	if (!ctx)
		return;
	free(ctx->home);
	free(ctx->circle_opt);
	free(ctx->circle);
	free(ctx->id.name);
	free(ctx->id.email);
	free(ctx->id.problem);
	wol_gitcfg_free(ctx->cfg);
	for (int i = 0; i < WOL_CTX_CACHES; i++)
		wol_ctx_cache_set(ctx, (enum wol_ctx_cache_slot)i, NULL, NULL);
	free(ctx);
}

void *wol_ctx_cache(const wol_ctx *ctx, enum wol_ctx_cache_slot slot)
{
	return ctx->cache[slot];
}

void wol_ctx_cache_set(wol_ctx *ctx, enum wol_ctx_cache_slot slot, void *data,
                       void (*free_fn)(void *))
{
	if (ctx->cache[slot] && ctx->cache_free[slot])
		ctx->cache_free[slot](ctx->cache[slot]);
	ctx->cache[slot] = data;
	ctx->cache_free[slot] = free_fn;
}

const char *wol_ctx_home(const wol_ctx *ctx)
{
	return ctx->home;
}

wol_date wol_ctx_today(const wol_ctx *ctx)
{
	return ctx->today;
}

const wol_identity *wol_ctx_identity(const wol_ctx *ctx)
{
	return &ctx->id;
}

int wol_ctx_handle(const wol_ctx *ctx, const char **out, wol_error *err)
{
	if (!ctx->id.handle[0] && ctx->id_err.code) {
		if (err)
			*err = ctx->id_err;
		return ctx->id_err.code;
	}
	if (!ctx->id.handle[0])
		return wol_error_set(err, WOL_EINVAL,
		                     "identity: no handle; set one: git config --global wol.handle NAME");
	*out = ctx->id.handle;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int wol_ctx_circles(const wol_ctx *ctx, char ***names, size_t *n, wol_error *err)
{
	*names = NULL;
	*n = 0;
	char *dir = wol_strfmt("%s/circles", ctx->home);
	if (!dir)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	DIR *d = opendir(dir);
	if (!d) {
		free(dir);
		return 0; /* no circles yet */
	}
	char **v = NULL;
	size_t cnt = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (!wol_name_valid(de->d_name))
			continue;
		char *git = wol_strfmt("%s/%s/.git", dir, de->d_name);
		int ok = git && wol_fs_exists(git);
		free(git);
		if (!ok)
			continue;
		if (cnt == cap) {
			cap = cap ? cap * 2 : 8;
			char **nv = realloc(v, cap * sizeof *nv);
			if (!nv)
				break;
			v = nv;
		}
		v[cnt] = wol_strfmt("%s", de->d_name);
		if (v[cnt])
			cnt++;
	}
	closedir(d);
	free(dir);
	if (cnt)
		qsort(v, cnt, sizeof *v, cmp_str);
	*names = v;
	*n = cnt;
	return 0;
}

char *wol_ctx_circle_path(const wol_ctx *ctx, const char *name)
{
	return wol_strfmt("%s/circles/%s", ctx->home, name);
}

static int circle_exists(const wol_ctx *ctx, const char *name)
{
	char *p = wol_strfmt("%s/circles/%s/.git", ctx->home, name);
	int ok = p && wol_fs_exists(p);
	free(p);
	return ok;
}

static int set_circle(wol_ctx *ctx, const char *name, const char **out)
{
	if (!ctx->circle || strcmp(ctx->circle, name) != 0) {
		char *c = wol_strfmt("%s", name);
		if (!c)
			return WOL_ENOMEM;
		free(ctx->circle);
		ctx->circle = c;
	}
	*out = ctx->circle;
	return 0;
}

int wol_ctx_circle(wol_ctx *ctx, const char *name, const char **out, wol_error *err)
{
	if (!name || !*name)
		name = ctx->circle_opt;
	if (name) {
		int rc = wol_name_check(name, "circle name", err);
		if (rc)
			return rc;
		if (!circle_exists(ctx, name))
			return wol_error_set(err, WOL_ENOTFOUND,
			                     "circle: '%s' does not exist in %s/circles (see: wol circles)",
			                     name, ctx->home);
		return set_circle(ctx, name, out);
	}
	char **names;
	size_t n;
	int rc = wol_ctx_circles(ctx, &names, &n, err);
	if (rc)
		return rc;
	if (n == 0) {
		wol_strv_free(names, n);
		return wol_error_set(err, WOL_ENOTFOUND,
		                     "circle: none yet; create one with 'wol init NAME' (:WolInit) or "
		                     "join one with 'wol join URL' (:WolJoin)");
	}
	if (n == 1) {
		rc = set_circle(ctx, names[0], out);
		wol_strv_free(names, n);
		return rc;
	}
	wol_strv_free(names, n);
	char *def = wol_ctx_config(ctx, "wol.circle");
	if (def && *def) {
		if (!wol_name_valid(def) || !circle_exists(ctx, def)) {
			rc = wol_error_set(err, WOL_ENOTFOUND,
			                   "circle: git config wol.circle names '%s', which does not exist",
			                   def);
			free(def);
			return rc;
		}
		rc = set_circle(ctx, def, out);
		free(def);
		return rc;
	}
	free(def);
	return wol_error_set(err, WOL_EINVAL,
	                     "circle: several circles exist; name one (--circle NAME, or circle=NAME "
	                     "in the editor) or set git config --global wol.circle NAME");
}

int wol_ctx_mkdir(const wol_ctx *ctx, const char *rel, mode_t mode, char **out, wol_error *err)
{
	int rc = wol_fs_mkdirs(ctx->home, 0700, err);
	if (rc)
		return rc;
	char *p = rel && *rel ? wol_strfmt("%s/%s", ctx->home, rel) : wol_strfmt("%s", ctx->home);
	if (!p)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	rc = wol_fs_mkdirs(p, mode, err);
	if (rc == 0 && out)
		*out = p;
	else
		free(p);
	return rc;
}
