/* util/util.h - the library's own helpers, and the parts of the dates, the
 * context and the errors that only the library uses. Not API: wol.h is what
 * the front ends call; a front end includes this header only for a
 * front-end concern (reading standard input, printing a file). */
#ifndef WOL_UTIL_H
#define WOL_UTIL_H

#include <stdarg.h>
#include <sys/stat.h>

#include "wol.h"

/* ------------------------------------------------ string vector (strv.c) */

/* A growable list of owned strings. Zero-initialise; free with
 * wol_strv_clear (or hand v and n on, freed with wol_strv_free). */
typedef struct wol_strv {
	char **v;
	size_t n, cap;
	int oom; /* an add ran out of memory (the string was freed) */
} wol_strv;

/* Appends `owned` and takes it (NULL counts as out of memory): 0, or
 * WOL_ENOMEM with s->oom set and the string freed. */
int wol_strv_add(wol_strv *s, char *owned);
void wol_strv_sort(wol_strv *s);
/* Whether key is in the (sorted) vector. */
int wol_strv_has(const wol_strv *s, const char *key);
/* Whether key is in s, in any order (a linear scan). */
int wol_strv_contains(const wol_strv *s, const char *key);
void wol_strv_clear(wol_strv *s);

/* ------------------------------------------------ libgit2 (git.c) */

/* Initialises libgit2 for this process unless done (0, or a libgit2 error
 * code). Every libgit2 function that makes an object from nothing is
 * wrapped at link time to call it first (GIT_WRAP in the Makefile), so
 * call sites need not. */
int wol_git_ready(void);
/* Whether libgit2 is initialised now. */
int wol_git_live(void);
/* The system's CA bundle, which libgit2 (built with mbedTLS) parses in
 * git_libgit2_init: a front end that can intercept that parse hands it
 * here (parse: the real function) and it is done by wol_git_ca_load, which
 * every network operation calls first (repo/remote.c). Returns 1 when the
 * parse is deferred (the caller returns success without parsing), 0 when
 * the call is not git_libgit2_init's and must be done now. */
int wol_git__ca_defer(void *chain, const char *path, int (*parse)(void *, const char *));
/* Parses the deferred bundle into the chain libgit2 holds, if any is
 * deferred: 0, or an error "<what>: ..." (the chain then trusts nothing). */
int wol_git_ca_load(const char *what, wol_error *err);

/* ---------------------------------------------------- errors (error.c) */

int wol_error_setv(wol_error *e, int code, const char *fmt, va_list ap);
/* Format the calling thread's last libgit2 error as "wol: <what>: <why>". */
int wol_error_git(wol_error *e, int gitrc, const char *what);

/* ------------------------------------------------------ dates (date.c) */

int wol_date_valid(int y, int m, int d);
/* Days since 1970-01-01 (may be negative) and back. */
long wol_date_to_days(wol_date d);
wol_date wol_date_from_days(long days);
/* Seconds on the monotonic clock (for rates and durations, never dates). */
double wol_monotonic(void);

/* ---------------------------------------------------- strings (buf.c) */

/* A growable byte buffer, always NUL-terminated when len > 0 or after
 * any append. */
typedef struct wol_buf {
	char *ptr;
	size_t len, cap;
	int oom;
} wol_buf;

void wol_buf_init(wol_buf *b);
void wol_buf_free(wol_buf *b);
int wol_buf_put(wol_buf *b, const char *s, size_t n);
int wol_buf_puts(wol_buf *b, const char *s);
int wol_buf_printf(wol_buf *b, const char *fmt, ...) WOL_PRINTF(2, 3);
/* Hands the string to the caller (never NULL unless out of memory). */
char *wol_buf_detach(wol_buf *b);

/* malloc'd printf; NULL on out of memory */
char *wol_strfmt(const char *fmt, ...) WOL_PRINTF(1, 2);
char *wol_strndup(const char *s, size_t n);
/* A malloc'd copy of s; NULL when s is NULL (or out of memory). */
char *wol_strdup(const char *s);

/* ------------------------------------------------------ names (name.c) */

/* A handle or circle name: [a-z0-9][a-z0-9._-]{0,38}. */
int wol_name_valid(const char *s);
/* Lower-case ASCII slug of `in` ([a-z0-9-], no leading/trailing '-'),
 * at most `max` characters (max < outsz). Returns the length (may be 0). */
size_t wol_slug(const char *in, char *out, size_t outsz, size_t max);
/* Whether `s` (n bytes) is valid UTF-8 with no NUL bytes. */
int wol_utf8_valid(const char *s, size_t n);
/* The title rule of notes, questions and shares: one line of UTF-8 text, not
 * blank, no control characters (a tab becomes a space), at most `max` bytes
 * after trimming the blanks around it. *out gets the trimmed malloc'd copy;
 * otherwise WOL_EINVAL with "wol: <what>: ..." and *out NULL. */
int wol_title_check(const char *what, const char *title, size_t max, char **out,
                    wol_error *err);
/* Text for a front matter value or a line: valid UTF-8, no control
 * characters but tab (line breaks only when `lines`), at most `max` bytes;
 * otherwise WOL_EINVAL with "<what>: ...". */
int wol_text_check(const char *what, const char *s, size_t max, int lines, wol_error *err);

/* ------------------------------------------------ file system (fs.c) */

/* Writes all `len` bytes to fd (again after EINTR and short writes): 0, or
 * -1 with errno set. */
int wol_fs_write_all(int fd, const char *data, size_t len);
int wol_fs_mkdirs(const char *path, mode_t mode, wol_error *err);
/* Reads a whole regular file (no symlink following when nofollow is set);
 * refuses files larger than `max` bytes. *out is NUL-terminated. */
int wol_fs_read(const char *path, size_t max, int nofollow, char **out, size_t *len,
                wol_error *err);
/* The same, and when it succeeds the file's fstat (taken once it was
 * open) in *st. */
int wol_fs_read_stat(const char *path, size_t max, int nofollow, char **out, size_t *len,
                     struct stat *st, wol_error *err);
/* Atomic replace: temp file in the same directory, fsync, rename, fsync
 * of the directory. Readers see the old or the new content, never a mix. */
int wol_fs_write_atomic(const char *path, const char *data, size_t len, mode_t mode,
                        wol_error *err);
/* The same with flags: WOL_FS_WRITEOUT writes the data out to the device
 * (wol_fs_writeout) instead of an fsync, and does not fsync the directory:
 * for a caller that makes it durable later with one barrier (the commit
 * path's share.fsync = "commit", csrc/repo/commit.c). */
#define WOL_FS_WRITEOUT 1
/* WOL_FS_NODIRSYNC: the file is fsynced before its rename, the directory
 * is left to the caller (who fsyncs it with other files: durable.c). */
#define WOL_FS_NODIRSYNC 2
int wol_fs_write_atomic_x(const char *path, const char *data, size_t len, mode_t mode, int flags,
                          wol_error *err);
/* Writes a file's dirty pages out to the device and waits for them
 * (Linux sync_file_range: no metadata, no flush of the disk's cache, so
 * durable only after a later fsync commits the file system's journal);
 * fsync where that call does not exist. 0 or -1 with errno. */
int wol_fs_writeout(int fd);
/* Starts writing a file's dirty pages out without waiting (so that several
 * files go to the device at once); wol_fs_writeout then waits. -1 where
 * that cannot be done. */
int wol_fs_writeout_start(int fd);
/* 1 if path is an existing directory, 0 otherwise. */
int wol_fs_isdir(const char *path);
int wol_fs_exists(const char *path);
/* The absolute form of `path` with every symbolic link resolved: its
 * deepest existing ancestor through realpath(3), the rest (not there yet)
 * appended as it is. malloc'd; NULL when out of memory. */
char *wol_fs_realpath(const char *path);
/* A file's modification time in nanoseconds. */
static inline long long wol_fs_mtime_ns(const struct stat *st)
{
	return (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
}
/* Removes the temp files a killed wol_fs_write_atomic of `path` left next
 * to it. Only with the lock every writer of `path` holds. */
void wol_fs_remove_temps(const char *path);
/* Removes the `*.lock` files under a git directory (8 levels down, objects/
 * left alone, `keep` at the top left alone when not NULL) modified at or
 * after `since` (ns): the locks of a git operation of ours that was killed.
 * Only with the lock every such operation holds. */
void wol_fs_remove_locks_since(const char *gitdir, long long since, const char *keep);

/* ------------------------------------------------------ locks (lock.c) */

/* An advisory lock (flock) on `path`, created if missing. Released when the
 * process dies, so a kill -9 never leaves a stale lock. Waits up to
 * timeout_ms. */
typedef struct wol_lock {
	int fd;
} wol_lock;
int wol_lock_acquire(wol_lock *lk, const char *path, int timeout_ms, wol_error *err);
void wol_lock_release(wol_lock *lk);

/* ----------------------------------------------- YAML nodes (yaml.c) */

const wol_yaml *wol_yaml_get(const wol_yaml *map, const char *key);
/* The scalar at key, or NULL when missing or not a scalar. */
const char *wol_yaml_str(const wol_yaml *map, const char *key);
int wol_yaml_set_str(wol_yaml *map, const char *key, const char *val);

/* ------------------------------------------- the context's own (ctx.c) */

/* The handle, or WOL_EINVAL with a message saying how to set one. */
int wol_ctx_handle(const wol_ctx *ctx, const char **out, wol_error *err);
/* Creates $WOL_HOME (0700) and $WOL_HOME/<rel> with `mode`; *out (if not
 * NULL) gets the malloc'd absolute path. */
int wol_ctx_mkdir(const wol_ctx *ctx, const char *rel, mode_t mode, char **out,
                  wol_error *err);

/* ------------------------------------------------- the allocator (mem.c) */

/* Before a build from nothing: keeps freed memory in the process and grows
 * the heap by `bytes` backed by 2 MB pages where the kernel allows, for
 * the rest of the process; only after wol_allow_bulk_memory, once. */
void wol_mem_bulk_begin(size_t bytes);

/* ------------------------------------------------------ markdown (md.c) */

/* Is the line [s, s+n) a Markdown heading (up to 3 spaces, 1 to 6 '#',
 * then a space, a tab or the end of the line)? Returns its level (0: not a
 * heading) and points *t, *tn at its text, trimmed, closing '#'s gone. */
int wol_md_heading(const char *s, size_t n, const char **t, size_t *tn);

#endif
