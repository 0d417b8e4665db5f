/* commit.c - the one way wol commits to a circle repository
 * (wol_circle_commit): flock, index.lock, compare-and-swap on the branch,
 * and recovery from an owner file left by a killed commit. */
#include "circle_priv.h"
#include "repo/durable.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <git2/sys/repository.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------ committing */

/* Removes the temporary files of an interrupted atomic write of root/rel. */
static void remove_write_temps(const char *root, const char *rel)
{
	if (wol_path_check(rel, NULL) != 0)
		return;
	char *p = wol_strfmt("%s/%s", root, rel);
	if (p)
		wol_fs_remove_temps(p);
	free(p);
}

/* The owner file, when not empty, says a commit is in progress: the pid,
 * then the paths being written, one a line. A wol commit killed part way leaves it
 * behind; the next one (holding the lock, so no wol commit is running)
 * removes the locks and temporary files the dead one left. */
static void recover_after_crash(wol_circle *c, const char *owner)
{
	struct stat st;
	if (lstat(owner, &st) != 0 || st.st_size == 0)
		return; /* no commit was under way */
	char *text = NULL;
	size_t len;
	if (wol_fs_read(owner, 1024 * 1024, 1, &text, &len, NULL) != 0)
		text = NULL;
	/* a second of slack for file systems with coarse timestamps */
	/* index.lock is removed only when it is the very file the dead commit
	 * created (below): git may hold it now */
	wol_fs_remove_locks_since(c->gitdir, wol_fs_mtime_ns(&st) - 1000000000LL, "index.lock");
	char *tmpidx = wol_strfmt("%s/wol-index.new", c->gitdir);
	char *oldidx = wol_strfmt("%s/wol-index.old", c->gitdir);
	if (tmpidx)
		unlink(tmpidx);
	if (oldidx)
		unlink(oldidx);
	free(tmpidx);
	free(oldidx);
	DIR *d = opendir(c->gitdir);
	struct dirent *de;
	while (d && (de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, "wol-index.lock.", 15) != 0)
			continue;
		char *p = wol_strfmt("%s/%s", c->gitdir, de->d_name);
		if (p)
			unlink(p);
		free(p);
	}
	if (d)
		closedir(d);
	char *save = NULL;
	char *line = text ? strtok_r(text, "\n", &save) : NULL; /* the pid */
	while (line && (line = strtok_r(NULL, "\n", &save)) != NULL) {
		unsigned long long ino;
		if (sscanf(line, "!index.lock %llu", &ino) == 1) {
			char *lock = wol_strfmt("%s/index.lock", c->gitdir);
			struct stat ls;
			if (lock && lstat(lock, &ls) == 0 && (unsigned long long)ls.st_ino == ino)
				unlink(lock);
			free(lock);
		} else {
			remove_write_temps(c->path, line);
		}
	}
	free(text);
	truncate(owner, 0);
}

static int write_owner(const char *owner, const wol_commit_file *files, size_t nfiles,
                       wol_error *err)
{
	wol_buf b;
	wol_buf_init(&b);
	wol_buf_printf(&b, "%ld\n", (long)getpid());
	for (size_t i = 0; i < nfiles; i++)
		wol_buf_printf(&b, "%s\n", files[i].path);
	if (b.oom) {
		wol_buf_free(&b);
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	int fd = open(owner, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	int ok = fd >= 0 && write(fd, b.ptr, b.len) == (ssize_t)b.len;
	int e = errno;
	if (fd >= 0)
		close(fd);
	wol_buf_free(&b);
	return ok ? 0 : wol_error_set(err, WOL_EIO, "commit: %s: %s", owner, strerror(e));
}

static int sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
	return ms;
}

static int index_locked_error(wol_circle *c, int waited, wol_error *err)
{
	return wol_error_set(err, WOL_ELOCKED,
	                     "commit: %s/index.lock is held by another git process (waited %d ms); "
	                     "try again when it has finished, or remove the file if no git is running",
	                     c->gitdir, waited);
}

/* Takes git's own index.lock (waiting up to timeout_ms), so that neither
 * the git CLI nor another tool changes the index or commits while we
 * commit. Our new index is written beside it and renamed over `index`.
 * The lock is made as a private file whose inode the owner file records,
 * then hard-linked to index.lock (which fails while someone holds it): a
 * crash at any point leaves either no index.lock or one recovery can
 * prove is ours. */
static int take_index_lock(wol_circle *c, int timeout_ms, int *waited, wol_error *err)
{
	char *lock = wol_strfmt("%s/index.lock", c->gitdir);
	char *mine = wol_strfmt("%s/wol-index.lock.%ld", c->gitdir, (long)getpid());
	char *owner = wol_strfmt("%s/wol-commit.owner", c->gitdir);
	int rc = 0;
	if (!lock || !mine || !owner) {
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		goto out;
	}
	unlink(mine);
	int fd = open(mine, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		rc = wol_error_set(err, WOL_EIO, "commit: %s: %s", mine, strerror(e));
		goto out;
	}
	close(fd);
	int ofd = open(owner, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
	if (ofd < 0 || dprintf(ofd, "!index.lock %llu\n", (unsigned long long)st.st_ino) < 0) {
		int e = errno;
		if (ofd >= 0)
			close(ofd);
		rc = wol_error_set(err, WOL_EIO, "commit: %s: %s", owner, strerror(e));
		goto out;
	}
	close(ofd);
	for (;;) {
		if (link(mine, lock) == 0)
			break;
		if (errno != EEXIST) {
			int e = errno;
			rc = wol_error_set(err, WOL_EIO, "commit: %s: %s", lock, strerror(e));
			break;
		}
		if (*waited >= timeout_ms) {
			rc = index_locked_error(c, *waited, err);
			break;
		}
		*waited += sleep_ms(10);
	}
out:
	if (mine)
		unlink(mine);
	free(lock);
	free(mine);
	free(owner);
	return rc;
}

static void drop_index_lock(wol_circle *c)
{
	char *lock = wol_strfmt("%s/index.lock", c->gitdir);
	if (lock)
		unlink(lock);
	free(lock);
}


static int head_state(wol_circle *c, char **branch, git_commit **parent, wol_error *err)
{
	*branch = NULL;
	*parent = NULL;
	git_reference *head = NULL;
	int grc = git_reference_lookup(&head, c->repo, "HEAD");
	if (grc < 0)
		return wol_error_git(err, grc, "commit: HEAD");
	if (git_reference_type(head) != GIT_REFERENCE_SYMBOLIC) {
		git_reference_free(head);
		return wol_error_set(err, WOL_EINVAL,
		                     "commit: %s has a detached HEAD; check out a branch first (git -C "
		                     "%s switch main)",
		                     c->path, c->path);
	}
	*branch = wol_strfmt("%s", git_reference_symbolic_target(head));
	git_reference_free(head);
	git_oid oid;
	grc = git_reference_name_to_id(&oid, c->repo, *branch);
	if (grc == GIT_ENOTFOUND) {
		git_error_clear();
		return 0; /* unborn */
	}
	if (grc < 0 || (grc = git_commit_lookup(parent, c->repo, &oid)) < 0) {
		free(*branch);
		*branch = NULL;
		return wol_error_git(err, grc, "commit: HEAD");
	}
	return 0;
}

/* ------------------------------------------------------------ the files */

/* The files of a commit written into the work tree (flags: wol_fs's). */
static int write_files(wol_circle *c, const wol_commit_file *files, size_t nfiles, int flags,
                       wol_error *err)
{
	int rc = 0;
	for (size_t i = 0; i < nfiles && rc == 0; i++) {
		/* a file that already holds these bytes is left as it is, so an
		 * editor that just wrote it sees no change on disk */
		char *have = NULL;
		size_t hlen = 0;
		int same = wol_circle__read(c, files[i].path, files[i].len + 1, &have, &hlen, NULL) == 0 &&
		           hlen == files[i].len && memcmp(have, files[i].data, hlen) == 0;
		free(have);
		if (!same)
			rc = wol_circle__write_x(c, files[i].path, files[i].data, files[i].len, flags, err);
	}
	return rc;
}

/* "always": the folders of the commit's files, which gained their new
 * names when the files were renamed into place (write_files leaves their
 * fsync to the group that is waited for before the branch moves). */
static void add_file_dirs(wol_circle *c, wol_syncset *s, const wol_commit_file *files,
                          size_t nfiles)
{
	for (size_t i = 0; i < nfiles; i++) {
		char *p = wol_strfmt("%s/%s", c->path, files[i].path);
		if (p) {
			*strrchr(p, '/') = '\0';
			wol_syncset_add(s, p, 1, 0);
		}
		free(p);
	}
}

/* "commit": the branch file and its folder fsynced after it moved (the
 * commit point). */
static int sync_branch(wol_circle *c, const char *branch, wol_error *err)
{
	char *p = wol_strfmt("%s/%s", c->gitdir, branch);
	if (!p)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	int rc = wol_durable__fsync_path(p, O_NOFOLLOW, err);
	if (rc == 0) {
		*strrchr(p, '/') = '\0';
		rc = wol_durable__fsync_path(p, O_DIRECTORY, err);
	}
	free(p);
	return rc;
}

/* ------------------------------------------------------------ one attempt */

/* One attempt: objects, index entries, then the branch moved only if it
 * still points at the parent we built on. Returns GIT_EMODIFIED when it
 * moved underneath (the caller retries). The new commit is written before
 * the index: in "commit" mode the index's fsync comes after everything it
 * stands for; in "always" mode the objects are fsynced (together, by the
 * kernel) while the index is written, and waited for before the index
 * replaces the old one and the branch moves. */
static int commit_once(wol_circle *c, const wol_commit_file *files, size_t nfiles,
                       const char *message, int mode, int *written, git_refdb *synced,
                       int timeout_ms, int *waited, char *oid_out, wol_error *err)
{
	char *branch = NULL;
	git_commit *parent = NULL;
	git_tree *base = NULL, *newtree = NULL;
	git_signature *sig = NULL;
	git_reference *ref = NULL;
	git_tree_update *ups = NULL;
	git_oid *blobs = NULL;
	const char **paths = NULL;
	wol_syncset objs;
	wol_syncset_init(&objs);
	wol_branch_move bm;
	wol_branch__init(&bm);
	int brc = WOL_BRANCH_LIBGIT2;
	int rc = head_state(c, &branch, &parent, err);
	if (rc)
		return rc;
	int grc;
	grc = parent ? git_commit_tree(&base, parent) : 0; /* unborn: no base tree */
	if (grc < 0) {
		rc = wol_error_git(err, grc, "commit: tree");
		goto out;
	}
	ups = calloc(nfiles, sizeof *ups);
	blobs = calloc(nfiles, sizeof *blobs);
	paths = calloc(nfiles, sizeof *paths);
	if (!ups || !blobs || !paths) {
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < nfiles; i++) {
		grc = git_blob_create_from_buffer(&blobs[i], c->repo, files[i].data, files[i].len);
		if (grc < 0) {
			rc = wol_error_git(err, grc, "commit: blob");
			goto out;
		}
		ups[i].action = GIT_TREE_UPDATE_UPSERT;
		ups[i].id = blobs[i];
		ups[i].filemode = GIT_FILEMODE_BLOB;
		ups[i].path = files[i].path;
		paths[i] = files[i].path;
	}
	git_oid tree_oid, commit_oid;
	grc = git_tree_create_updated(&tree_oid, c->repo, base, nfiles, ups);
	if (grc < 0) {
		rc = wol_error_git(err, grc, "commit: tree");
		goto out;
	}
	int unchanged = parent && git_oid_equal(&tree_oid, git_commit_tree_id(parent));
	if (!unchanged) {
		grc = git_signature_now(&sig, c->author, c->email);
		if (grc < 0) {
			rc = wol_error_git(err, grc, "commit: author");
			goto out;
		}
		grc = git_tree_lookup(&newtree, c->repo, &tree_oid);
		if (grc == 0) {
			const git_commit *parents[1] = {parent};
			grc = git_commit_create(&commit_oid, c->repo, NULL, sig, sig, NULL, message,
			                        newtree, parent ? 1 : 0, parents);
		}
		if (grc < 0) {
			rc = wol_error_git(err, grc, "commit");
			goto out;
		}
		/* the branch locked now (compare-and-swap on the parent we built
		 * on): nothing can move it until we rename or drop the lock */
		for (;;) {
			brc = wol_branch__lock(c->repo, c->gitdir, &bm, branch, parent ? git_commit_id(parent) : NULL,
			                       &commit_oid, err);
			if (brc != GIT_ELOCKED || *waited >= timeout_ms)
				break;
			*waited += sleep_ms(10);
		}
		if (brc == GIT_EMODIFIED) {
			rc = GIT_EMODIFIED;
			goto out;
		}
		if (brc == GIT_ELOCKED) {
			rc = wol_error_set(err, WOL_ELOCKED,
			                   "commit: %s.lock is held by another git process (waited %d ms); "
			                   "try again when it has finished",
			                   branch, *waited);
			goto out;
		}
		if (brc < 0 || (brc > 0 && brc != WOL_BRANCH_LIBGIT2)) {
			rc = brc;
			goto out;
		}
		if (mode == WOL_FSYNC_COMMIT) {
			rc = wol_durable__writeout_commit(c->gitdir, paths, blobs, nfiles, newtree,
			                                  &commit_oid, err);
		} else if ((rc = wol_durable__add_commit(c->gitdir, &objs, paths, blobs, nfiles,
		                                         newtree, &commit_oid, err)) == 0) {
			if (brc == 0)
				wol_syncset_add(&objs, bm.lock, 0, 0); /* the branch's new value */
			wol_syncset_start(&objs);
		}
		if (rc)
			goto out;
	}
	/* "always": the files written while the objects' fsyncs wait on the
	 * disk (the note's own fsync joins them there); their folders join
	 * the group */
	if (!*written) {
		if ((rc = write_files(c, files, nfiles, WOL_FS_NODIRSYNC, err)))
			goto out;
		*written = 1;
	}
	/* the index: only these entries change (we hold index.lock); in
	 * "always" the new index joins the objects' fsyncs, all waited for
	 * before it replaces the old one */
	if (mode == WOL_FSYNC_ALWAYS)
		add_file_dirs(c, &objs, files, nfiles); /* the files' new names */
	if ((rc = wol_commit__write_index(c, files, blobs, nfiles, mode == WOL_FSYNC_ALWAYS ? &objs : NULL, err)))
		goto out;
	if (unchanged) {
		if (oid_out)
			oid_out[0] = '\0';
		rc = 1; /* nothing changed: no empty commit */
		goto out;
	}
	if (mode == WOL_FSYNC_COMMIT) {
		/* the barrier: the index is the newest file, so its fsync commits
		 * the journal holding the note, the objects and itself */
		char *ix = wol_strfmt("%s/index", c->gitdir);
		rc = ix ? wol_durable__fsync_path(ix, O_NOFOLLOW, err)
		        : wol_error_set(err, WOL_ENOMEM, "out of memory");
		free(ix);
	}
	/* "always": the objects and the branch's lock file were made durable
	 * with the index, before the branch names them */
	if (rc)
		goto out;
	char *logmsg = wol_strfmt("commit%s: %.*s", parent ? "" : " (initial)",
	                          (int)strcspn(message, "\n"), message);
	if (!logmsg) {
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		goto out;
	}
	wol_syncset later;
	wol_syncset_init(&later);
	if (brc == 0) {
		rc = wol_branch__finish(&bm, sig, logmsg,
		                        mode == WOL_FSYNC_ALWAYS ? &later : NULL, err);
	} else {
		/* "always": libgit2 moves the branch through the database that
		 * fsyncs (the lock file before its rename, the folder after,
		 * the reflogs) */
		grc = synced ? git_repository_set_refdb(c->repo, synced) : 0;
		for (; grc == 0;) {
			if (parent)
				grc = git_reference_create_matching(&ref, c->repo, branch, &commit_oid, 1,
				                                    git_commit_id(parent), logmsg);
			else
				grc = git_reference_create(&ref, c->repo, branch, &commit_oid, 0, logmsg);
			if (grc != GIT_ELOCKED || *waited >= timeout_ms)
				break;
			git_error_clear();
			*waited += sleep_ms(10);
		}
		if (grc == GIT_EMODIFIED || grc == GIT_EEXISTS) {
			git_error_clear();
			rc = GIT_EMODIFIED;
		} else if (grc < 0) {
			rc = wol_error_git(err, grc, "commit: update branch");
		}
	}
	free(logmsg);
	if (rc) {
		wol_syncset_wait(&later, NULL);
		goto out;
	}
	if (mode == WOL_FSYNC_COMMIT) {
		rc = sync_branch(c, branch, err);
	} else {
		/* the reflogs, the branch's folder and the index's (its rename) */
		wol_syncset_add(&later, c->gitdir, 1, 0);
		wol_syncset_start(&later);
		rc = wol_syncset_wait(&later, err);
	}
	if (rc)
		goto out;
	if (oid_out)
		git_oid_tostr(oid_out, 41, &commit_oid);
out:
	if (objs.n || objs.open_errno)
		wol_syncset_wait(&objs, NULL);
	wol_branch__abort(&bm);
	git_reference_free(ref);
	git_signature_free(sig);
	git_tree_free(newtree);
	git_tree_free(base);
	git_commit_free(parent);
	free(ups);
	free(blobs);
	free(paths);
	free(branch);
	return rc;
}

int wol_circle_commit(wol_circle *c, const wol_commit_file *files, size_t nfiles,
                      const char *message, int timeout_ms, char *oid_out, wol_error *err)
{
	if (oid_out)
		oid_out[0] = '\0';
	if (timeout_ms <= 0)
		timeout_ms = 2000;
	if (nfiles == 0)
		return wol_error_set(err, WOL_EINVAL, "commit: no files");
	for (size_t i = 0; i < nfiles; i++) {
		int rc = wol_path_check(files[i].path, err);
		if (rc)
			return rc;
	}
	char *lockpath = wol_strfmt("%s/" WOL_COMMIT_LOCK, c->gitdir);
	char *owner = wol_strfmt("%s/wol-commit.owner", c->gitdir);
	if (!lockpath || !owner) {
		free(lockpath);
		free(owner);
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	wol_lock lk;
	/* other wol commits finish in milliseconds: wait for them longer than
	 * for a git that holds index.lock */
	int rc = wol_lock_acquire(&lk, lockpath, timeout_ms < 15000 ? 15000 : timeout_ms, err);
	free(lockpath);
	if (rc) {
		free(owner);
		return rc;
	}
	recover_after_crash(c, owner);
	int waited = 0, mode = WOL_FSYNC_ALWAYS;
	git_refdb *orig = NULL;
	rc = wol_durable__mode(c, &mode, err);
	if (rc == 0)
		rc = write_owner(owner, files, nfiles, err);
	if (rc)
		goto out;
	rc = take_index_lock(c, timeout_ms, &waited, err);
	if (rc) {
		truncate(owner, 0);
		goto out;
	}
	/* libgit2 writes without its fsyncs in both modes: "commit" makes the
	 * objects durable by its barrier, "always" fsyncs them together */
	rc = wol_durable__nosync_begin(c, &orig, err);
	if (rc == 0)
		rc = mode == WOL_FSYNC_COMMIT ? write_files(c, files, nfiles, WOL_FS_WRITEOUT, err) : 0;
	int written = mode == WOL_FSYNC_COMMIT; /* "always": by commit_once */
	for (int attempt = 0; rc == 0; attempt++) {
		rc = commit_once(c, files, nfiles, message, mode, &written,
		                 mode == WOL_FSYNC_ALWAYS ? orig : NULL, timeout_ms, &waited, oid_out, err);
		if (rc == 1) {
			rc = 0; /* unchanged */
			break;
		}
		if (rc != GIT_EMODIFIED)
			break;
		if (attempt >= 20) {
			rc = wol_error_set(err, WOL_ECONFLICT,
			                   "commit: the branch keeps moving under us; try again");
			break;
		}
		if (mode == WOL_FSYNC_ALWAYS)
			git_repository_set_refdb(c->repo, c->refdb_nosync);
		rc = 0;
	}
	if (!written && rc != 0) {
		/* the commit failed before the files were written: they are
		 * written all the same (the note is the user's) */
		wol_error ignored;
		write_files(c, files, nfiles, 0, &ignored);
	}
	wol_durable__nosync_end(c, orig);
	wol_commit__drop_join();
	wol_durable__committed();
	drop_index_lock(c);
	/* kept, empty: "no commit under way" (creating it anew costs more) */
	truncate(owner, 0);
out:
	free(owner);
	wol_lock_release(&lk);
	return rc;
}
