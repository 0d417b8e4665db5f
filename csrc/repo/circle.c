/* circle.c - a circle's clone: open, close, what it knows about itself,
 * and reading/writing its files without following symbolic links. The
 * commit path is commit.c, creating a circle init.c, joining one clone.c,
 * and circle.md / member files ../format/circle_md.c. */
#include "circle_priv.h"

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

static int mkdirs_nofollow(const char *root, const char *rel, wol_error *err)
{
	char *p = wol_strfmt("%s/%s", root, rel);
	if (!p)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	int rc = 0;
	for (char *s = strchr(p + strlen(root) + 1, '/'); s && rc == 0; s = strchr(s + 1, '/')) {
		*s = '\0';
		struct stat st;
		if (lstat(p, &st) != 0) {
			if (errno != ENOENT || (mkdir(p, 0755) != 0 && errno != EEXIST)) {
				int e = errno;
				rc = wol_error_set(err, WOL_EIO, "mkdir %s: %s", p, strerror(e));
			}
		} else if (S_ISLNK(st.st_mode)) {
			rc = wol_error_set(err, WOL_EINVAL, "%s: is a symbolic link (not followed)", p);
		} else if (!S_ISDIR(st.st_mode)) {
			rc = wol_error_set(err, WOL_EINVAL, "%s: is not a directory", p);
		}
		*s = '/';
	}
	free(p);
	return rc;
}

/* Writes root/rel atomically without following symbolic links. */
static int write_nofollow(const char *root, const char *rel, const char *data, size_t len,
                          int flags, wol_error *err)
{
	int rc = mkdirs_nofollow(root, rel, err);
	if (rc)
		return rc;
	char *p = wol_strfmt("%s/%s", root, rel);
	if (!p)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	struct stat st;
	if (lstat(p, &st) == 0 && !S_ISREG(st.st_mode)) {
		rc = wol_error_set(err, WOL_EINVAL, "%s: %s", p,
		                   S_ISLNK(st.st_mode) ? "is a symbolic link (not followed)"
		                                       : "not a regular file");
	} else {
		rc = wol_fs_write_atomic_x(p, data, len, 0644, flags, err);
	}
	free(p);
	return rc;
}

/* Reads root/rel (no symbolic links) up to max bytes. */
static int read_nofollow(const char *root, const char *rel, size_t max, char **out, size_t *len,
                         wol_error *err)
{
	char *p = wol_strfmt("%s/%s", root, rel);
	if (!p)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	/* every directory on the way must be a real directory too */
	int rc = 0;
	size_t rootlen = strlen(root);
	for (char *s = strchr(p + rootlen + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		struct stat st;
		if (lstat(p, &st) != 0 || !S_ISDIR(st.st_mode))
			rc = wol_error_set(err, errno == ENOENT ? WOL_ENOTFOUND : WOL_EINVAL,
			                   "%s: not a directory (symbolic links are not followed)", p);
		*s = '/';
		if (rc)
			break;
	}
	if (!rc)
		rc = wol_fs_read(p, max, 1, out, len, err);
	free(p);
	return rc;
}

/* ------------------------------------------------------ open and close */

wol_circle *wol_circle__new(wol_ctx *ctx, const char *name, const char *path, wol_error *err)
{
	const char *handle;
	if (wol_ctx_handle(ctx, &handle, err))
		return NULL;
	const wol_identity *id = wol_ctx_identity(ctx);
	wol_circle *c = calloc(1, sizeof *c);
	if (!c) {
		wol_error_set(err, WOL_ENOMEM, "out of memory");
		return NULL;
	}
	c->name = wol_strfmt("%s", name);
	c->path = wol_strfmt("%s", path);
	c->gitdir = wol_strfmt("%s/.git", path);
	c->home = wol_strfmt("%s", wol_ctx_home(ctx));
	c->author = wol_strfmt("%s", id->name && *id->name ? id->name : handle);
	c->email = id->email && *id->email ? wol_strfmt("%s", id->email)
	                                  : wol_strfmt("%s@wol.invalid", handle);
	snprintf(c->handle, sizeof c->handle, "%s", handle);
	c->today = wol_ctx_today(ctx);
	c->fsync_cfg = wol_ctx_config(ctx, "wol.shareFsync"); /* checked when committing */
	if (!c->name || !c->path || !c->gitdir || !c->home || !c->author || !c->email) {
		wol_circle_close(c);
		wol_error_set(err, WOL_ENOMEM, "out of memory");
		return NULL;
	}
	return c;
}

static int circle_open_path(wol_ctx *ctx, const char *name, const char *path, wol_circle **out,
                            wol_error *err)
{
	*out = NULL;
	wol_circle *c = wol_circle__new(ctx, name, path, err);
	if (!c)
		return err ? err->code : WOL_EINVAL;
	int grc = git_repository_open_ext(&c->repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
	if (grc < 0) {
		char what[256];
		snprintf(what, sizeof what, "circle '%s'", name);
		int rc = wol_error_git(err, grc, what);
		wol_circle_close(c);
		return rc;
	}
	if (git_repository_is_bare(c->repo)) {
		wol_circle_close(c);
		return wol_error_set(err, WOL_EINVAL, "circle '%s': %s is a bare repository", name,
		                     path);
	}
	*out = c;
	return 0;
}

int wol_circle_open(wol_ctx *ctx, const char *name, wol_circle **out, wol_error *err)
{
	*out = NULL;
	const char *resolved;
	int rc = wol_ctx_circle(ctx, name, &resolved, err);
	if (rc)
		return rc;
	char *path = wol_ctx_circle_path(ctx, resolved);
	if (!path)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	rc = circle_open_path(ctx, resolved, path, out, err);
	free(path);
	return rc;
}

void wol_circle_close(wol_circle *c)
{
	if (!c)
		return;
	if (c->idx)
		git_index_free(c->idx);
	free(c->ixbuf);
	if (c->refdb_nosync)
		git_refdb_free(c->refdb_nosync);
	if (c->repo)
		git_repository_free(c->repo);
	free(c->fsync_cfg);
	free(c->name);
	free(c->path);
	free(c->gitdir);
	free(c->home);
	free(c->author);
	free(c->email);
	free(c);
}

const char *wol_circle_name(const wol_circle *c)
{
	return c->name;
}

const char *wol_circle_path(const wol_circle *c)
{
	return c->path;
}

const char *wol_circle_handle(const wol_circle *c)
{
	return c->handle;
}

struct git_repository *wol_circle_repo(wol_circle *c)
{
	return c->repo;
}

/* Accessors for share.c and note.c (circle_priv.h). */
const char *wol_circle__author(const wol_circle *c)
{
	return c->author;
}

const char *wol_circle__home(const wol_circle *c)
{
	return c->home;
}

wol_date wol_circle__today(const wol_circle *c)
{
	return c->today;
}

int wol_circle__read(wol_circle *c, const char *rel, size_t max, char **out, size_t *len,
                     wol_error *err)
{
	int rc = wol_path_check(rel, err);
	return rc ? rc : read_nofollow(c->path, rel, max, out, len, err);
}

int wol_circle__read_at(const char *root, const char *rel, size_t max, char **out, size_t *len,
                        wol_error *err)
{
	int rc = wol_path_check(rel, err);
	return rc ? rc : read_nofollow(root, rel, max, out, len, err);
}

int wol_circle__write(wol_circle *c, const char *rel, const char *data, size_t len,
                      wol_error *err)
{
	int rc = wol_path_check(rel, err);
	return rc ? rc : write_nofollow(c->path, rel, data, len, 0, err);
}

int wol_circle__write_x(wol_circle *c, const char *rel, const char *data, size_t len, int flags,
                        wol_error *err)
{
	int rc = wol_path_check(rel, err);
	return rc ? rc : write_nofollow(c->path, rel, data, len, flags, err);
}

void wol_circle__rmtree(const char *path)
{
	struct stat st;
	if (lstat(path, &st) != 0)
		return;
	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		if (d) {
			struct dirent *de;
			while ((de = readdir(d)) != NULL) {
				if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
					continue;
				char *p = wol_strfmt("%s/%s", path, de->d_name);
				if (p)
					wol_circle__rmtree(p);
				free(p);
			}
			closedir(d);
		}
		rmdir(path);
	} else {
		unlink(path);
	}
}

/* Repository settings every circle clone gets: symbolic links are checked
 * out as plain files, so content from other members can never point
 * outside the clone. */
int wol_circle__harden(git_repository *repo)
{
	git_config *cfg = NULL;
	int grc = git_repository_config(&cfg, repo);
	if (grc == 0)
		grc = git_config_set_bool(cfg, "core.symlinks", 0);
	git_config_free(cfg);
	return grc;
}

/* A join or init builds its circle in circles/.tmp-<id> while it holds the
 * lock circles/.tmp-<id>.lock. One that was killed leaves both behind; the
 * next join or init removes every temporary folder whose lock nobody holds
 * (and a lone lock file a minute old: killed before its folder was made). */
static void sweep_tmp(const char *circles)
{
	DIR *d = opendir(circles);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, ".tmp-", 5) != 0)
			continue;
		size_t n = strlen(de->d_name);
		char *p = wol_strfmt("%s/%s", circles, de->d_name);
		struct stat st;
		if (!p || lstat(p, &st) != 0) {
			free(p);
			continue;
		}
		wol_lock lk = {-1};
		if (n > 5 && strcmp(de->d_name + n - 5, ".lock") == 0) {
			char *dir = wol_strfmt("%.*s", (int)(strlen(p) - 5), p);
			if (dir && !wol_fs_exists(dir) && time(NULL) - st.st_mtime > 60 &&
			    wol_lock_acquire(&lk, p, 0, NULL) == 0) {
				unlink(p);
				wol_lock_release(&lk);
			}
			free(dir);
		} else if (S_ISDIR(st.st_mode)) {
			char *lock = wol_strfmt("%s.lock", p);
			if (lock && wol_lock_acquire(&lk, lock, 0, NULL) == 0) {
				wol_circle__rmtree(p);
				unlink(lock);
				wol_lock_release(&lk);
			}
			free(lock);
		}
		free(p);
	}
	closedir(d);
}

int wol_circle__tmp_sibling(const wol_ctx *ctx, const char *tag, char **out, wol_lock *lock,
                            wol_error *err)
{
	*out = NULL;
	char *dir = NULL;
	int rc = wol_ctx_mkdir(ctx, "circles", 0755, &dir, err);
	if (rc)
		return rc;
	sweep_tmp(dir);
	char id[WOL_ID_MAX];
	rc = wol_id_new(tag, id, sizeof id, err);
	char *lock_path = NULL;
	if (rc == 0) {
		*out = wol_strfmt("%s/.tmp-%s", dir, id);
		lock_path = *out ? wol_strfmt("%s.lock", *out) : NULL;
		if (!lock_path)
			rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		else
			rc = wol_lock_acquire(lock, lock_path, 0, err);
	}
	if (rc) {
		free(*out);
		*out = NULL;
	}
	free(lock_path);
	free(dir);
	return rc;
}

void wol_circle__tmp_release(const char *tmp, wol_lock *lock)
{
	char *lock_path = tmp ? wol_strfmt("%s.lock", tmp) : NULL;
	if (lock_path && lock->fd >= 0)
		unlink(lock_path);
	free(lock_path);
	wol_lock_release(lock);
}

/* ------------------------------------------------------------ reading */

void wol_circle__pending(wol_circle *c, int *has_remote, size_t *ahead)
{
	*has_remote = 0;
	*ahead = 0;
	git_remote *remote = NULL;
	if (git_remote_lookup(&remote, c->repo, "origin") == 0) {
		*has_remote = 1;
		git_remote_free(remote);
		if (wol_circle_ahead(c, ahead, NULL) != 0)
			*ahead = 0;
	}
	git_error_clear();
}

int wol_circle_ahead(wol_circle *c, size_t *ahead, wol_error *err)
{
	*ahead = 0;
	git_remote *remote = NULL;
	if (git_remote_lookup(&remote, c->repo, "origin") < 0) {
		git_error_clear();
		return 0;
	}
	git_remote_free(remote);
	git_oid head;
	int grc = git_reference_name_to_id(&head, c->repo, "HEAD");
	if (grc == GIT_ENOTFOUND || grc == GIT_EUNBORNBRANCH) {
		git_error_clear();
		return 0;
	}
	if (grc < 0)
		return wol_error_git(err, grc, "ahead: HEAD");
	git_reference *hr = NULL;
	const char *branch = "main";
	char *upstream = NULL;
	if (git_reference_lookup(&hr, c->repo, "HEAD") == 0 &&
	    git_reference_type(hr) == GIT_REFERENCE_SYMBOLIC) {
		const char *t = git_reference_symbolic_target(hr);
		if (strncmp(t, "refs/heads/", 11) == 0)
			branch = t + 11;
	}
	upstream = wol_strfmt("refs/remotes/origin/%s", branch);
	git_reference_free(hr);
	git_oid up;
	if (!upstream)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	grc = git_reference_name_to_id(&up, c->repo, upstream);
	free(upstream);
	if (grc == 0) {
		size_t a = 0, b = 0;
		grc = git_graph_ahead_behind(&a, &b, c->repo, &head, &up);
		if (grc < 0)
			return wol_error_git(err, grc, "ahead");
		*ahead = a;
		return 0;
	}
	git_error_clear();
	git_revwalk *w = NULL;
	grc = git_revwalk_new(&w, c->repo);
	if (grc == 0)
		grc = git_revwalk_push(w, &head);
	git_oid o;
	size_t n = 0;
	while (grc == 0 && git_revwalk_next(&o, w) == 0)
		n++;
	git_revwalk_free(w);
	git_error_clear();
	if (grc < 0)
		return wol_error_git(err, grc, "ahead");
	*ahead = n;
	return 0;
}
