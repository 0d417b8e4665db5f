/* util/git.c - libgit2 set up on first use, in one place.
 *
 * git_libgit2_init is not free: Debian's libgit2 (mbedTLS) parses the whole
 * system CA bundle there, ~80% of the instructions of a command like
 * `wol prompt`. So wol_init only counts its users, and libgit2 is
 * initialised by wol_git_ready when the process first needs it.
 *
 * No call site has to remember that: the link wraps (`-Wl,--wrap=`, the
 * list is GIT_WRAP in the Makefile) every libgit2 function that makes an
 * object from nothing (a repository opened, created or cloned, a config, a
 * standalone index, a signature, a diff of two buffers, a hash, an id parsed
 * from hex, a detached remote) and the thread-state functions (the last
 * error), so each of them passes through here first. Every other libgit2
 * function takes an object one of these made. A function that creates a
 * root object and is not in the list is a bug: add it to both places.
 * git_libgit2_opts cannot be wrapped (it takes `...`): its callers call
 * wol_git_ready first (wol_git_ready itself, repo/remote.c).
 *
 * WOL_TRACE_GIT=1 in the environment prints one line to stderr when libgit2
 * is initialised (the tests use it to check which commands do). */
#include "util/util.h"

#include <git2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static pthread_mutex_t git_mutex = PTHREAD_MUTEX_INITIALIZER;
static int git_users;        /* wol_init calls not yet shut down */
static int git_live;         /* git_libgit2_init done by wol_git_ready */

int wol_init(wol_error *err)
{
	(void)err;
	pthread_mutex_lock(&git_mutex);
	git_users++;
	pthread_mutex_unlock(&git_mutex);
	return 0;
}

void wol_shutdown(void)
{
	pthread_mutex_lock(&git_mutex);
	if (git_users > 0 && --git_users == 0 && git_live) {
		git_libgit2_shutdown();
		__atomic_store_n(&git_live, 0, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&git_mutex);
}

int wol_git_live(void)
{
	return __atomic_load_n(&git_live, __ATOMIC_ACQUIRE);
}

int wol_git_ready(void)
{
	if (__atomic_load_n(&git_live, __ATOMIC_ACQUIRE))
		return 0;
	int rc = 0;
	pthread_mutex_lock(&git_mutex);
	if (!git_live) {
		rc = git_libgit2_init();
		if (rc >= 0) {
			/* The one process-wide libgit2 option, set here and nowhere
			 * else: objects, the index and refs written into a .git are
			 * fsynced before they count, so a crash never leaves a branch
			 * pointing at objects that are not on disk (the commit path
			 * and sync rely on it; reading costs nothing, a fetch or
			 * clone a few fsyncs per pack). */
			git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1);
			rc = 0;
			/* a process that never called wol_init (a test driver) keeps
			 * it to the end */
			if (git_users == 0)
				git_users = 1;
			__atomic_store_n(&git_live, 1, __ATOMIC_RELEASE);
			const char *t = getenv("WOL_TRACE_GIT");
			if (t && *t == '1')
				fprintf(stderr, "wol: trace: libgit2 initialised\n");
		}
	}
	pthread_mutex_unlock(&git_mutex);
	return rc;
}

/* ------------------------------------------------------------ the wraps */

#define WRAP(ret, name, params, args)                                                          \
	ret __real_##name params;                                                              \
	ret __wrap_##name params;                                                              \
	ret __wrap_##name params                                                               \
	{                                                                                      \
		if (wol_git_ready() < 0)                                                       \
			return -1;                                                             \
		return __real_##name args;                                                     \
	}

WRAP(int, git_repository_open, (git_repository * *out, const char *path), (out, path))
WRAP(int, git_repository_open_ext,
     (git_repository * *out, const char *path, unsigned int flags, const char *ceiling),
     (out, path, flags, ceiling))
WRAP(int, git_repository_init, (git_repository * *out, const char *path, unsigned bare),
     (out, path, bare))
WRAP(int, git_repository_init_ext,
     (git_repository * *out, const char *path, git_repository_init_options *opts),
     (out, path, opts))
WRAP(int, git_clone,
     (git_repository * *out, const char *url, const char *path, const git_clone_options *opts),
     (out, url, path, opts))
WRAP(int, git_config_new, (git_config * *out), (out))
WRAP(int, git_config_open_default, (git_config * *out), (out))
WRAP(int, git_index_open, (git_index * *out, const char *path), (out, path))
WRAP(int, git_signature_now, (git_signature * *out, const char *name, const char *email),
     (out, name, email))
WRAP(int, git_odb_hash, (git_oid * out, const void *data, size_t len, git_object_t type),
     (out, data, len, type))
WRAP(int, git_odb_hashfile, (git_oid * out, const char *path, git_object_t type),
     (out, path, type))
WRAP(int, git_oid_fromstr, (git_oid * out, const char *str), (out, str))
WRAP(int, git_oid_fromstrn, (git_oid * out, const char *str, size_t n), (out, str, n))
WRAP(int, git_remote_create_detached, (git_remote * *out, const char *url), (out, url))
WRAP(int, git_diff_buffers,
     (const void *a, size_t alen, const char *apath, const void *b, size_t blen,
      const char *bpath, const git_diff_options *opts, git_diff_file_cb file_cb,
      git_diff_binary_cb binary_cb, git_diff_hunk_cb hunk_cb, git_diff_line_cb line_cb,
      void *payload),
     (a, alen, apath, b, blen, bpath, opts, file_cb, binary_cb, hunk_cb, line_cb, payload))

/* The last error lives in libgit2's thread state, which exists only once
 * the library is initialised: before that there is no error to read or
 * clear, and setting one sets the library up. */
const git_error *__real_git_error_last(void);
const git_error *__wrap_git_error_last(void);
const git_error *__wrap_git_error_last(void)
{
	return wol_git_live() ? __real_git_error_last() : NULL;
}

void __real_git_error_clear(void);
void __wrap_git_error_clear(void);
void __wrap_git_error_clear(void)
{
	if (wol_git_live())
		__real_git_error_clear();
}

int __real_git_error_set_str(int klass, const char *s);
int __wrap_git_error_set_str(int klass, const char *s);
int __wrap_git_error_set_str(int klass, const char *s)
{
	if (wol_git_ready() < 0)
		return -1;
	return __real_git_error_set_str(klass, s);
}
