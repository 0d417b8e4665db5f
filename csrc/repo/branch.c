/* branch.c - a commit's branch moved as git moves a loose reference, with
 * the fsyncs of share.fsync in wol's hands (durable.c): <ref>.lock made
 * with O_EXCL (git and libgit2 take the same lock), the current value
 * compared with the parent the commit was built on, the new value written
 * to the lock, the reflog lines of the branch and of HEAD appended, the
 * lock renamed over the reference. libgit2 does the same in
 * git_reference_create_matching, but fsyncs each of those files and
 * folders in turn when asked to; here "always" fsyncs them together: the
 * lock file with the commit's objects, the folder and the reflogs after
 * the rename. A branch whose folder does not exist yet is left to libgit2
 * (WOL_BRANCH_LIBGIT2). */
#include "repo/durable.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

void wol_branch__init(wol_branch_move *m)
{
	memset(m, 0, sizeof *m);
	m->fd = -1;
}

int wol_branch__lock(git_repository *repo, const char *gitdir, wol_branch_move *m,
                     const char *branch, const git_oid *old, const git_oid *new_id,
                     wol_error *err)
{
	wol_branch__init(m);
	if (strncmp(branch, "refs/heads/", 11) != 0)
		return WOL_BRANCH_LIBGIT2;
	m->repo = repo;
	m->ref = wol_strfmt("%s/%s", gitdir, branch);
	m->lock = wol_strfmt("%s/%s.lock", gitdir, branch);
	m->gitdir = wol_strfmt("%s", gitdir);
	m->name = wol_strfmt("%s", branch);
	if (!m->ref || !m->lock || !m->name || !m->gitdir) {
		wol_branch__abort(m);
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	m->fd = open(m->lock, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666);
	if (m->fd < 0) {
		int e = errno;
		wol_branch__abort(m);
		if (e == EEXIST)
			return GIT_ELOCKED;
		if (e == ENOENT || e == ENOTDIR)
			return WOL_BRANCH_LIBGIT2; /* a folder to make: libgit2 does */
		return wol_error_set(err, WOL_EIO, "commit: %s.lock: %s", branch, strerror(e));
	}
	m->locked = 1;
	/* the lock is ours: the branch cannot move until it is renamed or removed */
	git_oid cur;
	int grc = git_reference_name_to_id(&cur, repo, branch);
	if (grc == GIT_ENOTFOUND) {
		git_error_clear();
		if (old) {
			wol_branch__abort(m);
			return GIT_EMODIFIED;
		}
	} else if (grc < 0) {
		wol_branch__abort(m);
		return wol_error_git(err, grc, "commit: branch");
	} else if (!old || !git_oid_equal(&cur, old)) {
		wol_branch__abort(m);
		return GIT_EMODIFIED;
	}
	if (old)
		m->old = *old;
	m->new_id = *new_id;
	char line[GIT_OID_HEXSZ + 2];
	git_oid_tostr(line, GIT_OID_HEXSZ + 1, new_id);
	line[GIT_OID_HEXSZ] = '\n';
	if (write(m->fd, line, sizeof line - 1) != (ssize_t)(sizeof line - 1)) {
		int e = errno;
		wol_branch__abort(m);
		return wol_error_set(err, WOL_EIO, "commit: %s.lock: %s", branch, strerror(e));
	}
	return 0;
}

/* Does git log the updates of references here? core.logAllRefUpdates,
 * unset: yes in a repository with a work tree (git's and libgit2's rule);
 * asked only when a reflog does not exist yet. */
static int log_all(git_repository *repo)
{
	git_config *cfg = NULL;
	int v = 1;
	if (git_repository_config_snapshot(&cfg, repo) == 0) {
		const char *s = NULL;
		int b;
		if (git_config_get_bool(&b, cfg, "core.logAllRefUpdates") == 0)
			v = b;
		else if (git_config_get_string(&s, cfg, "core.logAllRefUpdates") == 0)
			v = strcasecmp(s, "always") == 0;
		git_error_clear();
	}
	git_config_free(cfg);
	return v && !git_repository_is_bare(repo);
}

/* One reflog line appended to logs/<name>: "<old> <new> <who> <when>\t<msg>". */
static int append_log(wol_branch_move *m, const char *name, const char *line,
                      size_t len, int *checked, int *logall, wol_syncset *later, int dirs,
                      wol_error *err)
{
	char *p = wol_strfmt("%s/logs/%s", m->gitdir, name);
	if (!p)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	int rc = 0;
	struct stat st;
	int exists = lstat(p, &st) == 0;
	if (!exists) {
		if (!*checked) {
			*logall = log_all(m->repo);
			*checked = 1;
		}
		if (!*logall)
			goto out;
		char *dir = wol_strfmt("%s", p);
		if (dir) {
			*strrchr(dir, '/') = '\0';
			rc = wol_fs_mkdirs(dir, 0777, err);
		}
		free(dir);
		if (rc)
			goto out;
	}
	int fd = open(p, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0666);
	if (fd < 0 || write(fd, line, len) != (ssize_t)len) {
		int e = errno;
		rc = wol_error_set(err, WOL_EIO, "commit: reflog %s: %s", name, strerror(e));
	}
	if (fd >= 0)
		close(fd);
	if (rc == 0 && later) {
		wol_syncset_add(later, p, 0, 0);
		if (!exists && dirs) {
			*strrchr(p, '/') = '\0';
			wol_syncset_add(later, p, 1, 0);
		}
	}
out:
	free(p);
	return rc;
}

int wol_branch__finish(wol_branch_move *m, const git_signature *sig,
                       const char *msg, wol_syncset *later, wol_error *err)
{
	/* the reflog line, as git writes it */
	char oldhex[GIT_OID_HEXSZ + 1], newhex[GIT_OID_HEXSZ + 1];
	git_oid_tostr(oldhex, sizeof oldhex, &m->old);
	git_oid_tostr(newhex, sizeof newhex, &m->new_id);
	int off = sig->when.offset;
	char sign = off < 0 ? '-' : '+';
	if (off < 0)
		off = -off;
	char *line = wol_strfmt("%s %s %s <%s> %lld %c%02d%02d\t%s\n", oldhex, newhex, sig->name,
	                        sig->email, (long long)sig->when.time, sign, off / 60, off % 60, msg);
	if (!line)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	size_t len = strlen(line);
	int checked = 0, logall = 1;
	int rc = append_log(m, m->name, line, len, &checked, &logall, later, 1, err);
	if (rc == 0)
		rc = append_log(m, "HEAD", line, len, &checked, &logall, later, 0, err);
	free(line);
	if (rc == 0 && close(m->fd) != 0)
		rc = wol_error_set(err, WOL_EIO, "commit: %s.lock: %s", m->name, strerror(errno));
	m->fd = -1;
	if (rc == 0 && rename(m->lock, m->ref) != 0)
		rc = wol_error_set(err, WOL_EIO, "commit: %s: %s", m->name, strerror(errno));
	if (rc) {
		wol_branch__abort(m);
		return rc;
	}
	m->locked = 0;
	if (later) {
		/* the branch's new name in its folder */
		char *dir = wol_strfmt("%s", m->ref);
		if (dir) {
			*strrchr(dir, '/') = '\0';
			wol_syncset_add(later, dir, 1, 0);
		}
		free(dir);
	}
	wol_branch__abort(m); /* frees; nothing to remove now */
	return 0;
}

void wol_branch__abort(wol_branch_move *m)
{
	if (m->fd >= 0)
		close(m->fd);
	m->fd = -1;
	if (m->locked && m->lock)
		unlink(m->lock);
	m->locked = 0;
	free(m->ref);
	free(m->lock);
	free(m->name);
	free(m->gitdir);
	m->ref = m->lock = m->name = m->gitdir = NULL;
}
