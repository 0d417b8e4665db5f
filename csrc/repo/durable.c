/* durable.c - how a commit's files reach the disk: share.fsync (git
 * config wol.shareFsync; doc/format.md, "Durability"), the one place of
 * its values, its default and what each mode fsyncs.
 *
 * - "always": every file a commit writes is fsynced, and every folder that
 *   gained or changed a name, before anything that names it is written:
 *   the note's temporary file before its rename; its folder, the loose
 *   objects (file and folder), the branch's lock file and the new index
 *   before the index replaces the old one and the branch moves; the
 *   branch's folder and the reflogs after it moved. libgit2
 *   writes the objects with its own fsync off; they are fsynced here
 *   together (wol_syncset: kernel AIO requests waiting on the device at
 *   once) while the commit goes on with the index.
 * - "commit", the default: the note and the objects are written out to the
 *   device without an fsync each (sync_file_range), the index is written
 *   without one; then one fsync of the new index, the last file written,
 *   commits the file system's journal, which holds everything before it;
 *   only then does the branch move, and the branch file and its folder are
 *   fsynced: 3 fsyncs. The reflogs are appended without one (after a power
 *   cut their last line may be missing; the branch never points at a
 *   missing object).
 * That one fsync stands for the others only where the journal is committed
 * whole and in order (XFS; ext4 with a journal, data=ordered or
 * data=journal); anywhere else (an ext4 made without a journal too)
 * "commit" acts as "always" (journal_missing). A kill -9 needs no fsync at
 * all (the page cache outlives the process): the commit protocol recovers
 * the same way in both modes. */
#include "repo/durable.h"

#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <git2/sys/repository.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <stdint.h>
#include <unistd.h>
#include <linux/aio_abi.h>
#include <sys/syscall.h>

#define FS_EXT4_MAGIC 0xEF53
#define FS_XFS_MAGIC 0x58465342

/* Does the file system of `dir` commit one journal whole and in order?
 * NULL when it does; else why not (for the trace). XFS always journals;
 * ext4 only when it was made with a journal and mounted data=ordered or
 * data=journal, which the kernel lists in /proc/fs/ext4/<device>/options
 * (an ext4 made without a journal lists no data= mode at all: there an
 * fsync makes one file durable and nothing else). The answer is kept per
 * device for the process. */
static const char *journal_missing(const char *dir)
{
	static int known;
	static dev_t known_dev;
	static const char *known_why;
	struct statfs sf;
	struct stat st;
	if (statfs(dir, &sf) != 0 || stat(dir, &st) != 0)
		return "cannot tell the file system";
	if (sf.f_type == FS_XFS_MAGIC)
		return NULL;
	if (sf.f_type != FS_EXT4_MAGIC)
		return "not ext4 or XFS";
	if (known && known_dev == st.st_dev)
		return known_why[0] ? known_why : NULL;
	/* the device's kernel name: /sys/dev/block/MAJ:MIN links to it */
	char link[64], target[512], path[600];
	snprintf(link, sizeof link, "/sys/dev/block/%u:%u", major(st.st_dev), minor(st.st_dev));
	ssize_t n = readlink(link, target, sizeof target - 1);
	const char *why = "ext4 whose journal mode cannot be read";
	if (n > 0) {
		target[n] = '\0';
		const char *name = strrchr(target, '/');
		snprintf(path, sizeof path, "/proc/fs/ext4/%s/options", name ? name + 1 : target);
		FILE *f = fopen(path, "re");
		if (f) {
			char line[128];
			why = "ext4 without a journal, or data=writeback";
			while (fgets(line, sizeof line, f))
				if (strcmp(line, "data=ordered\n") == 0 || strcmp(line, "data=journal\n") == 0) {
					why = "";
					break;
				}
			fclose(f);
		}
	}
	known = 1;
	known_dev = st.st_dev;
	known_why = why;
	return why[0] ? why : NULL;
}


int wol_durable__mode(const wol_circle *c, int *mode, wol_error *err)
{
	const char *v = c->fsync_call ? c->fsync_call : c->fsync_cfg;
	if (!v || !*v || strcasecmp(v, "commit") == 0)
		*mode = WOL_FSYNC_COMMIT;
	else if (strcasecmp(v, "always") == 0)
		*mode = WOL_FSYNC_ALWAYS;
	else
		return wol_error_set(err, WOL_EINVAL, "share.fsync: '%s' is not \"commit\" or \"always\" (%s)",
		                     v, c->fsync_call ? "setup{ share = { fsync = ... } }"
		                                      : "git config wol.shareFsync");
	const char *why = NULL;
	if (*mode == WOL_FSYNC_COMMIT && (why = journal_missing(c->gitdir)) != NULL)
		*mode = WOL_FSYNC_ALWAYS;
	const char *t = getenv("WOL_TRACE_GIT");
	if (t && *t == '1')
		fprintf(stderr, "wol: trace: share.fsync %s%s%s\n",
		        *mode == WOL_FSYNC_COMMIT ? "commit" : "always", why ? ", as \"always\": " : "",
		        why ? why : "");
	return 0;
}

/* libgit2's fsync is off until nosync_end. The option is process-wide
 * (libgit2 is used by one thread at a time in wol: the syncset's threads
 * only fsync, and it is set back before the commit returns); references go
 * through a database opened while it was off, because libgit2 takes a
 * database's fsync flag when opening it. */
int wol_durable__nosync_begin(wol_circle *c, git_refdb **orig, wol_error *err)
{
	/* the handle's own database, opened now (fsync on) if not yet */
	int grc = git_repository_refdb(orig, c->repo);
	if (grc < 0) {
		*orig = NULL;
		return wol_error_git(err, grc, "commit: refs");
	}
	git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 0);
	if (!c->refdb_nosync && (grc = git_refdb_open(&c->refdb_nosync, c->repo)) < 0)
		c->refdb_nosync = NULL;
	if (grc == 0)
		grc = git_repository_set_refdb(c->repo, c->refdb_nosync);
	if (grc < 0) {
		git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1);
		git_refdb_free(*orig);
		*orig = NULL;
		return wol_error_git(err, grc, "commit: refs");
	}
	return 0;
}

void wol_durable__nosync_end(wol_circle *c, git_refdb *orig)
{
	if (!orig)
		return;
	git_repository_set_refdb(c->repo, orig);
	git_refdb_free(orig);
	git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1); /* as wol_git_ready set it */
}

int wol_durable__fsync_path(const char *path, int oflags, wol_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | oflags);
	int rc = fd < 0 ? -1 : fsync(fd);
	int e = errno;
	if (fd >= 0)
		close(fd);
	return rc == 0 ? 0 : wol_error_set(err, WOL_EIO, "commit: fsync %s: %s", path, strerror(e));
}

/* ------------------------------------------------------------ fsyncs together */

static void drain(wol_syncset *s);

void wol_syncset_init(wol_syncset *s)
{
	memset(s, 0, sizeof *s);
}

void wol_syncset_add(wol_syncset *s, const char *path, int dir, int missing_ok)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->e[i].path, path) == 0)
			return;
	if (s->n >= 256)
		drain(s); /* a first commit of everything: not every file open at once */
	int fd = open(path, O_RDONLY | O_CLOEXEC | (dir ? O_DIRECTORY : O_NOFOLLOW));
	int e = errno;
	if (fd < 0 && e == ENOENT && missing_ok)
		return;
	char *copy = fd >= 0 ? wol_strfmt("%s", path) : NULL;
	if (fd >= 0 && copy && s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;
		struct wol_syncent *more = realloc(s->e, cap * sizeof *more);
		if (more) {
			s->e = more;
			s->cap = cap;
		}
	}
	if (fd >= 0 && copy && s->n < s->cap) {
		memset(&s->e[s->n], 0, sizeof s->e[s->n]);
		s->e[s->n].fd = fd;
		s->e[s->n].path = copy;
		s->n++;
		return;
	}
	if (fd >= 0) {
		close(fd);
		e = ENOMEM;
	}
	free(copy);
	if (!s->open_errno) {
		s->open_errno = e;
		s->open_path = wol_strfmt("%s", path);
	}
}

/* One kernel AIO context for the process (a process commits one thing at
 * a time): its fsync requests run in the kernel's workers side by side,
 * and the block layer sends one cache flush for those that wait together. */
#define AIO_SLOTS 128
static aio_context_t aio_ctx;
static int aio_state; /* 0 not tried, 1 ready, -1 unavailable */
static uint32_t aio_gen;
/* An AIO context costs its process an RCU grace period when the process
 * exits (exit_aio waits for kill_ioctx: 20-30 ms measured here, more than
 * a commit's groups save), so a process makes one only from its second
 * commit on: the `wol` command, which commits once, fsyncs one file after
 * the other; the editor's module, which lives on, groups them. */
static int commits_done;

void wol_durable__committed(void)
{
	commits_done++;
}

/* Hands the kernel what it has room for among the entries not yet handed. */
static void submit(wol_syncset *s)
{
	if (aio_state == 0 && commits_done == 0)
		return; /* the first commit of a process: one after the other */
	if (aio_state == 0)
		aio_state = syscall(SYS_io_setup, AIO_SLOTS, &aio_ctx) == 0 ? 1 : -1;
	if (aio_state < 0)
		return;
	if (!s->gen)
		s->gen = ++aio_gen ? aio_gen : ++aio_gen;
	struct iocb *cbs[AIO_SLOTS];
	size_t k = 0;
	while (s->submitted + k < s->n && s->pending + k < AIO_SLOTS) {
		struct wol_syncent *x = &s->e[s->submitted + k];
		memset(&x->cb, 0, sizeof x->cb);
		x->cb.aio_fildes = (uint32_t)x->fd;
		x->cb.aio_lio_opcode = IOCB_CMD_FSYNC;
		x->cb.aio_data = ((uint64_t)s->gen << 32) | (uint64_t)(s->submitted + k);
		cbs[k] = &x->cb;
		k++;
	}
	if (k == 0)
		return;
	long got = syscall(SYS_io_submit, aio_ctx, (long)k, cbs);
	if (got <= 0) {
		aio_state = -1; /* fsynced one by one from now on */
		return;
	}
	s->submitted += (size_t)got;
	s->pending += (size_t)got;
}

void wol_syncset_start(wol_syncset *s)
{
	submit(s);
}

/* Waits for every entry, fsyncs what AIO did not, closes them; the first
 * failure is kept in the set. */
static void drain(wol_syncset *s)
{
	submit(s);
	while (s->pending > 0) {
		struct io_event ev[AIO_SLOTS];
		long k = syscall(SYS_io_getevents, aio_ctx, 1L, (long)AIO_SLOTS, ev, NULL);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break; /* those not reaped are fsynced below */
		for (long j = 0; j < k; j++) {
			size_t i = (size_t)(ev[j].data & 0xffffffffu);
			if ((uint32_t)(ev[j].data >> 32) != s->gen || i >= s->n)
				continue; /* an old set's, left by a wait that broke off */
			s->e[i].done = 1;
			s->e[i].failed = ev[j].res < 0 ? (int)-ev[j].res : 0;
			s->pending--;
		}
		submit(s);
	}
	for (size_t i = 0; i < s->n; i++) {
		struct wol_syncent *x = &s->e[i];
		if (!x->done) {
			int r;
			do
				r = fsync(x->fd);
			while (r != 0 && errno == EINTR);
			x->failed = r == 0 ? 0 : errno;
		}
		if (x->failed && !s->fail_errno) {
			s->fail_errno = x->failed;
			s->fail_path = x->path;
			x->path = NULL;
		}
		close(x->fd);
		free(x->path);
	}
	s->n = s->submitted = s->pending = 0;
	s->gen = 0; /* requests of this batch reaped or given up */
}

int wol_syncset_wait(wol_syncset *s, wol_error *err)
{
	drain(s);
	int rc = 0;
	if (s->open_errno)
		rc = wol_error_set(err, WOL_EIO, "commit: fsync %s: %s",
		                   s->open_path ? s->open_path : "(a file)", strerror(s->open_errno));
	else if (s->fail_errno)
		rc = wol_error_set(err, WOL_EIO, "commit: fsync %s: %s",
		                   s->fail_path ? s->fail_path : "(a file)", strerror(s->fail_errno));
	free(s->e);
	free(s->open_path);
	free(s->fail_path);
	wol_syncset_init(s);
	return rc;
}

/* ------------------------------------------------------------ a commit's objects */

typedef int (*object_fn)(void *arg, const char *path, const char *dir, wol_error *err);

/* Calls fn for each object a new commit points at that may have been
 * written loose now: the commit, its tree, the trees on each changed path
 * and the blobs (blobs[i], or the tree's entry for paths[i] when blobs is
 * NULL; a path the tree does not hold was removed). */
typedef struct oidlist {
	git_oid *ids;
	size_t k, cap;
} oidlist;

static int push(oidlist *l, const git_oid *id)
{
	if (l->k == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		git_oid *more = realloc(l->ids, cap * sizeof *more);
		if (!more)
			return -1;
		l->ids = more;
		l->cap = cap;
	}
	l->ids[l->k++] = *id;
	return 0;
}

/* The id of what `tree` holds at `path`, pushed; nothing when it holds
 * nothing there (a removed file). */
static int push_entry(oidlist *l, git_tree *tree, const char *path)
{
	git_tree_entry *e = NULL;
	if (git_tree_entry_bypath(&e, tree, path) != 0) {
		git_error_clear();
		return 0;
	}
	int rc = push(l, git_tree_entry_id(e));
	git_tree_entry_free(e);
	return rc;
}

static int each_object(const char *gitdir, const char *const *paths, const git_oid *blobs,
                       size_t n, git_tree *tree, const git_oid *commit, object_fn fn, void *arg,
                       wol_error *err)
{
	oidlist l = {NULL, 0, 0};
	int bad = push(&l, commit) || push(&l, git_tree_id(tree));
	for (size_t i = 0; !bad && i < n; i++) {
		char *dir = wol_strfmt("%s", paths[i]);
		bad = !dir;
		/* the trees on the way, then the file's blob */
		for (char *s = dir ? strchr(dir, '/') : NULL; !bad && s; s = strchr(s + 1, '/')) {
			*s = '\0';
			bad = push_entry(&l, tree, dir);
			*s = '/';
		}
		if (!bad)
			bad = blobs ? push(&l, &blobs[i]) : push_entry(&l, tree, dir);
		free(dir);
	}
	int rc = bad ? wol_error_set(err, WOL_ENOMEM, "out of memory") : 0;
	git_oid *ids = l.ids;
	size_t k = l.k;
	for (size_t i = 0; rc == 0 && i < k; i++) {
		char hex[GIT_OID_HEXSZ + 1];
		git_oid_tostr(hex, sizeof hex, &ids[i]);
		char *p = wol_strfmt("%s/objects/%.2s/%s", gitdir, hex, hex + 2);
		char *d = p ? wol_strfmt("%s", p) : NULL;
		if (!p || !d) {
			free(p);
			rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
			break;
		}
		*strrchr(d, '/') = '\0';
		rc = fn(arg, p, d, err);
		free(d);
		free(p);
	}
	free(ids);
	return rc;
}

static int add_object(void *arg, const char *path, const char *dir, wol_error *err)
{
	(void)err;
	wol_syncset *s = arg;
	struct stat st;
	if (lstat(path, &st) != 0)
		return 0; /* packed: made durable when it was fetched */
	/* the file, and its folder, which gained its name */
	wol_syncset_add(s, path, 0, 1);
	wol_syncset_add(s, dir, 1, 0);
	return 0;
}

int wol_durable__add_commit(const char *gitdir, wol_syncset *s, const char *const *paths,
                            const git_oid *blobs, size_t n, git_tree *tree, const git_oid *commit,
                            wol_error *err)
{
	return each_object(gitdir, paths, blobs, n, tree, commit, add_object, s, err);
}

/* "commit": written out, all started first, then waited for (they go to
 * the device together). */
typedef struct writeouts {
	int fd[32];
	size_t n;
} writeouts;

static int writeout_start(void *arg, const char *path, const char *dir, wol_error *err)
{
	(void)dir;
	writeouts *w = arg;
	int rc = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd >= 0 && w->n < sizeof w->fd / sizeof w->fd[0] && wol_fs_writeout_start(fd) == 0) {
		w->fd[w->n++] = fd; /* waited for below */
	} else if (fd >= 0) {
		if (wol_fs_writeout(fd) != 0)
			rc = wol_error_set(err, WOL_EIO, "commit: %s: %s", path, strerror(errno));
		close(fd);
	}
	return rc; /* not there: packed, made durable when fetched */
}

int wol_durable__writeout_commit(const char *gitdir, const char *const *paths,
                                 const git_oid *blobs, size_t n, git_tree *tree,
                                 const git_oid *commit, wol_error *err)
{
	writeouts w = {.n = 0};
	int rc = each_object(gitdir, paths, blobs, n, tree, commit, writeout_start, &w, err);
	for (size_t i = 0; i < w.n; i++) {
		if (rc == 0 && wol_fs_writeout(w.fd[i]) != 0)
			rc = wol_error_set(err, WOL_EIO, "commit: writing objects out: %s", strerror(errno));
		close(w.fd[i]);
	}
	return rc;
}
