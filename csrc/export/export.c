/* export/export.c - `wol export`: the bundle is written into a temporary
 * folder next to --out and moved into place at the end (an earlier export
 * there is exchanged with it in one rename), so a failed or killed export
 * leaves the old bundle or none, never half of one. */
#include "export/export_int.h"
#include "repo/circle_priv.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* The file that marks a folder as an export (so it may be replaced). */
#define MARKER ".wol-export"
#define TMP_TAG ".wol-export-tmp-"

void wol_export_result_free(wol_export_result *r)
{
	if (!r)
		return;
	free(r->out);
	free(r->index);
	free(r->format);
	wol_strv_free(r->members, r->nmembers);
	wol_strv_free(r->warnings, r->nwarnings);
	memset(r, 0, sizeof *r);
}

/* Writes one new file below dir (its folders made as needed). */
static int put_file(const char *dir, const char *rel, const char *data, size_t len,
                    wol_error *err)
{
	char *path = wol_strfmt("%s/%s", dir, rel);
	if (!path)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	char *slash = strrchr(path, '/');
	int rc = 0;
	if (slash && slash - path > (ptrdiff_t)strlen(dir)) {
		*slash = '\0';
		if (!wol_fs_isdir(path))
			rc = wol_fs_mkdirs(path, 0755, err);
		*slash = '/';
	}
	int fd = rc ? -1 : open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (rc == 0 && fd < 0)
		rc = wol_error_set(err, WOL_EIO, "export: %s: %s", path, strerror(errno));
	for (size_t off = 0; rc == 0 && off < len;) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			rc = wol_error_set(err, WOL_EIO, "export: %s: %s", path, strerror(errno));
		else
			off += (size_t)w;
	}
	if (fd >= 0 && close(fd) != 0 && rc == 0)
		rc = wol_error_set(err, WOL_EIO, "export: %s: %s", path, strerror(errno));
	free(path);
	return rc;
}

/* Temporary folders of exports that were killed: their lock (a flock on
 * the folder itself) is free, so nobody writes into them any more. */
static void sweep(const char *parent, const char *base)
{
	DIR *d = opendir(parent);
	if (!d)
		return;
	char *prefix = wol_strfmt(".%s" TMP_TAG, base);
	struct dirent *de;
	while (prefix && (de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, prefix, strlen(prefix)) != 0)
			continue;
		char *p = wol_strfmt("%s/%s", parent, de->d_name);
		int fd = p ? open(p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : -1;
		if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0)
			wol_circle__rmtree(p);
		if (fd >= 0)
			close(fd);
		free(p);
	}
	free(prefix);
	closedir(d);
}

/* Whether `dir` may be replaced: an earlier export, or empty. */
static int replaceable(const char *dir)
{
	char *marker = wol_strfmt("%s/" MARKER, dir);
	struct stat st;
	int ok = marker && lstat(marker, &st) == 0 && S_ISREG(st.st_mode);
	free(marker);
	if (ok)
		return 1;
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	struct dirent *de;
	ok = 1;
	while (ok && (de = readdir(d)) != NULL)
		ok = strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0;
	closedir(d);
	return ok;
}

/* Checks --out: its absolute path, outside $WOL_HOME, a new folder or one
 * that may be replaced. *exists: 1 when there is one to replace. */
static int check_out(wol_ctx *ctx, const char *out, char **abs, int *exists, wol_error *err)
{
	*abs = NULL;
	*exists = 0;
	if (!out || !*out)
		return wol_error_set(err, WOL_EINVAL, "export: --out DIR is required");
	char *path = wol_fs_realpath(out);
	char *home = wol_fs_realpath(wol_ctx_home(ctx));
	if (!path || !home) {
		free(path);
		free(home);
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	size_t hl = strlen(home);
	int rc = 0;
	char *slash = strrchr(path, '/');
	if (strcmp(path, "/") == 0 || !slash || !slash[1]) {
		rc = wol_error_set(err, WOL_EINVAL, "export: --out %s: not a folder to create", out);
	} else if (strncmp(path, home, hl) == 0 && (path[hl] == '/' || path[hl] == '\0')) {
		rc = wol_error_set(err, WOL_EREFUSED,
		                   "export: --out %s is inside $WOL_HOME (%s): choose a folder outside it",
		                   out, home);
	} else {
		struct stat st;
		*slash = '\0';
		int parent_ok = wol_fs_isdir(path[0] ? path : "/");
		*slash = '/';
		if (!parent_ok) {
			rc = wol_error_set(err, WOL_ENOTFOUND, "export: --out %s: its folder does not exist",
			                   out);
		} else if (lstat(path, &st) == 0) {
			if (!S_ISDIR(st.st_mode))
				rc = wol_error_set(err, WOL_EEXISTS, "export: --out %s exists and is not a folder",
				                   out);
			else if (!replaceable(path))
				rc = wol_error_set(err, WOL_EEXISTS,
				                   "export: --out %s exists and is not an earlier export: "
				                   "choose a new folder (nothing was written)",
				                   out);
			else
				*exists = 1;
		}
	}
	free(home);
	if (rc) {
		free(path);
		return rc;
	}
	*abs = path;
	return 0;
}

/* Tells opts->progress; a non-zero answer stops the export. */
static int progress(const wol_export_opts *opts, const char *stage, size_t done, size_t total,
                    wol_error *err)
{
	if (opts->progress && opts->progress(stage, done, total, opts->payload) != 0)
		return wol_error_set(err, WOL_EREFUSED, "export: stopped");
	return 0;
}

static int write_bundle(const ex_model *m, const wol_export_opts *opts, const char *tmp,
                        int html, size_t *npages, wol_error *err)
{
	ex_page *pages = NULL;
	size_t n = 0;
	int rc = ex_pages(m, &pages, &n, err);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if ((rc = progress(opts, "write", i, n, err)) != 0)
			break;
		char *text = NULL;
		size_t len = 0;
		rc = html ? ex_render_html(m, &pages[i], &text, &len, err)
		          : ex_render_md(&pages[i], &text, &len, err);
		char *rel = rc ? NULL : wol_strfmt("%s%s", pages[i].path, html ? ".html" : ".md");
		if (rc == 0 && !rel)
			rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		if (rc == 0)
			rc = put_file(tmp, rel, text, len, err);
		free(rel);
		free(text);
	}
	ex_pages_free(pages, n);
	if (rc == 0)
		rc = progress(opts, "write", n, n, err);
	if (rc == 0 && html)
		rc = put_file(tmp, "style.css", ex_css(), strlen(ex_css()), err);
	if (rc == 0) {
		char *mark = wol_strfmt("An export of the circle %s by wol (wol export); "
		                        "the next export to this folder replaces it.\n",
		                        m->circle);
		rc = mark ? put_file(tmp, MARKER, mark, strlen(mark), err)
		          : wol_error_set(err, WOL_ENOMEM, "out of memory");
		free(mark);
	}
	*npages = n;
	return rc;
}

static int fill_result(const ex_model *m, const char *abs, int html, size_t npages,
                       wol_export_result *r)
{
	r->out = wol_strfmt("%s", abs);
	r->index = wol_strfmt("%s/index.%s", abs, html ? "html" : "md");
	r->format = wol_strfmt("%s", html ? "html" : "md");
	r->pages = npages;
	r->notes = m->nnotes;
	r->questions = m->nquestions;
	r->answers = m->nanswers;
	r->feedback = m->nfeedback;
	int oom = !r->out || !r->index || !r->format;
	if (m->nmembers && !oom) {
		r->members = calloc(m->nmembers, sizeof *r->members);
		oom = !r->members;
		for (size_t i = 0; !oom && i < m->nmembers; i++) {
			r->members[r->nmembers] = wol_strfmt("%s", m->members[i].handle);
			oom = !r->members[r->nmembers++];
		}
	}
	if (m->warnings.n && !oom) {
		r->warnings = calloc(m->warnings.n, sizeof *r->warnings);
		oom = !r->warnings;
		for (size_t i = 0; !oom && i < m->warnings.n; i++) {
			r->warnings[r->nwarnings] = wol_strfmt("%s", m->warnings.v[i]);
			oom = !r->warnings[r->nwarnings++];
		}
	}
	return oom ? WOL_ENOMEM : 0;
}

int wol_export_run(wol_ctx *ctx, const wol_export_opts *opts, wol_export_result *out,
                   wol_error *err)
{
	memset(out, 0, sizeof *out);
	const char *format = opts->format ? opts->format : "html";
	if (strcmp(format, "md") != 0 && strcmp(format, "html") != 0)
		return wol_error_set(err, WOL_EINVAL, "export: --format %s: use md or html", format);
	int html = format[0] == 'h';
	char *abs = NULL;
	int exists = 0;
	int rc = check_out(ctx, opts->out, &abs, &exists, err);
	if (rc)
		return rc;
	wol_circle *c = NULL;
	rc = wol_circle_open(ctx, opts->circle, &c, err);
	ex_model m;
	memset(&m, 0, sizeof m);
	if (rc == 0)
		rc = progress(opts, "read", 0, 0, err);
	if (rc == 0)
		rc = ex_collect(c, opts, &m, err);
	wol_circle_close(c);
	if (rc) {
		free(abs);
		return rc;
	}
	/* the temporary folder, locked while it is written */
	char *slash = strrchr(abs, '/');
	*slash = '\0';
	const char *parent = abs[0] ? abs : "/";
	sweep(parent, slash + 1);
	char *tmp = wol_strfmt("%s/.%s" TMP_TAG "XXXXXX", abs, slash + 1);
	*slash = '/';
	int lockfd = -1;
	if (!tmp || !mkdtemp(tmp)) {
		rc = tmp ? wol_error_set(err, WOL_EIO, "export: cannot create a folder next to %s: %s",
		                         abs, strerror(errno))
		         : wol_error_set(err, WOL_ENOMEM, "out of memory");
		free(tmp);
		tmp = NULL;
	} else {
		chmod(tmp, 0755);
		lockfd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (lockfd < 0 || flock(lockfd, LOCK_EX) != 0)
			rc = wol_error_set(err, WOL_EIO, "export: %s: %s", tmp, strerror(errno));
	}
	size_t npages = 0;
	if (rc == 0)
		rc = write_bundle(&m, opts, tmp, html, &npages, err);
	if (rc == 0) {
		if (exists) {
			/* one step: the new bundle takes the old one's place */
			if (renameat2(AT_FDCWD, tmp, AT_FDCWD, abs, RENAME_EXCHANGE) != 0)
				rc = wol_error_set(err, WOL_EIO, "export: cannot replace %s: %s", abs,
				                   strerror(errno));
		} else if (rename(tmp, abs) != 0) {
			rc = wol_error_set(err, WOL_EIO, "export: cannot create %s: %s", abs,
			                   strerror(errno));
		}
		if (rc == 0 && !exists) {
			free(tmp);
			tmp = NULL;
		}
	}
	if (tmp)
		wol_circle__rmtree(tmp); /* the old bundle after an exchange, or a failed one */
	if (lockfd >= 0)
		close(lockfd);
	free(tmp);
	if (rc == 0 && fill_result(&m, abs, html, npages, out) != 0) {
		wol_export_result_free(out);
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	ex_model_free(&m);
	free(abs);
	return rc;
}
