/*
 * wol.h - the wol.nvim C library: one API, two front ends (the Lua module
 * lua/wol/core.so and the `wol` CLI). This header is the product API only:
 * what the two front ends call. The library's own helpers are in
 * util/util.h and the folders' internal headers (doc/hacking.md).
 *
 * Conventions
 *   - Functions are named wol_<noun>_<verb> and live in csrc/<noun>.c or
 *     csrc/<noun>/.
 *   - Functions that can fail return 0 on success or a negative wol_code,
 *     and fill the caller's wol_error with one line "wol: <what>: <why>".
 *   - The library never prints and keeps no mutable static state.
 *   - Strings returned through `char **out` are malloc'd; the caller frees.
 */
#ifndef WOL_H
#define WOL_H

#include <stddef.h>
#include <stdarg.h>
#include <sys/types.h>

/* WOL_API marks the product API. It exports nothing: the library is built
 * with -fvisibility=hidden into the module and the CLI, and the module
 * exports only luaopen_wol_core (csrc/lua/lua_wol.h). */
#define WOL_API
#if defined(__GNUC__)
#define WOL_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define WOL_PRINTF(a, b)
#endif

/* WOL_VERSION comes from the file VERSION through the Makefile (-D), the
 * one place it is written. */
#ifndef WOL_VERSION
#error "build with make: it passes -DWOL_VERSION from the file VERSION"
#endif
/* Version of the shared circle repository format (doc/format.md). */
#define WOL_FORMAT_VERSION 2

/* ---------------------------------------------------------------- errors */

/* The error codes: one table. The name is the stable string front ends
 * hand on (the third value Lua gets after nil and the message, "code" in
 * the CLI's JSON; doc/wol.txt |wol-errors|): never rename one. */
#define WOL_CODES(X)                                                             \
	X(WOL_EINVAL, -1, "invalid")     /* bad input from the user */               \
	X(WOL_ENOTFOUND, -2, "notfound") /* a named thing does not exist */          \
	X(WOL_EIO, -3, "io")             /* file system failure */                   \
	X(WOL_EGIT, -4, "git")           /* libgit2 failure */                       \
	X(WOL_ESQL, -5, "sqlite")        /* sqlite failure */                        \
	X(WOL_EEXISTS, -6, "exists")     /* refusing to overwrite */                 \
	X(WOL_EREFUSED, -7, "refused")   /* a policy refused the action (secret, private) */ \
	X(WOL_ELOCKED, -8, "locked")     /* someone else holds a lock */             \
	X(WOL_ECONFLICT, -9, "conflict") /* concurrent change detected */            \
	X(WOL_ENET, -10, "network")      /* remote unreachable / offline */          \
	X(WOL_EAUTH, -11, "auth")        /* authentication or host key failure */    \
	X(WOL_EREJECTED, -12, "rejected") /* push rejected after retries */          \
	X(WOL_ENOMEM, -13, "nomem")      /* out of memory */

#define WOL_CODE_ENUM_(sym, value, name) sym = value,
typedef enum wol_code { WOL_OK = 0, WOL_CODES(WOL_CODE_ENUM_) } wol_code;

#define WOL_ERRMSG_MAX 1024

typedef struct wol_error {
	int code;
	char msg[WOL_ERRMSG_MAX];
} wol_error;

/* Set `e` (may be NULL) to code and a message; returns `code`. The
 * message gets the "wol: " prefix: pass "<what>: <why>" only. To put
 * another error's message inside a new one, pass wol_error_text(other). */
WOL_API int wol_error_set(wol_error *e, int code, const char *fmt, ...) WOL_PRINTF(3, 4);
WOL_API void wol_error_clear(wol_error *e);
/* The message without its "wol: " prefix ("<what>: <why>"), to wrap it in
 * another message ("" when e holds none). */
WOL_API const char *wol_error_text(const wol_error *e);
/* The stable name of a code ("invalid", "notfound", ...; "ok" for 0,
 * "error" for a number outside the table). */
WOL_API const char *wol_error_name(int code);

/* --------------------------------------------------------------- version */

typedef struct wol_libinfo {
	const char *wol;
	int format;
	char libgit2[32];
	int git_threads, git_https, git_ssh;
	const char *sqlite;
	int sqlite_fts5;
	const char *libyaml;
	const char *cjson;
} wol_libinfo;

/* Sets the library up for this process; every wol_init is paired with a
 * wol_shutdown. The front ends call it once, before anything else. It is
 * cheap: libgit2 is initialised on first use (util/git.c), so commands
 * that never touch a repository never pay for it. */
WOL_API int wol_init(wol_error *err);
WOL_API void wol_shutdown(void);
/* For a program that owns its process and ends after its work (the CLI),
 * never for a module inside an editor: a build of the index from nothing
 * may then set the C library's allocator for its big working set for the
 * rest of the process (util/mem.c). */
WOL_API void wol_allow_bulk_memory(void);
WOL_API const char *wol_version(void);
WOL_API void wol_version_libs(wol_libinfo *out);

/* ----------------------------------------------------------------- dates */

/* A civil (calendar) date. Day arithmetic goes through day numbers, so it
 * never meets time zones or DST. */
typedef struct wol_date {
	int y, m, d;
} wol_date;

/* Whether s is a time of day "HH:MM" (00:00 to 23:59). */
WOL_API int wol_time_valid(const char *s);
WOL_API wol_date wol_date_add(wol_date d, long days);
WOL_API long wol_date_diff(wol_date a, wol_date b); /* a - b in days */
/* 0 = monday .. 6 = sunday */
WOL_API int wol_date_weekday(wol_date d);
WOL_API const char *wol_weekday_name(int wd);
/* "monday".."sunday" (case-insensitive, 3-letter forms too); -1 if unknown */
WOL_API int wol_weekday_parse(const char *s);
/* buf must hold 11 bytes: YYYY-MM-DD */
WOL_API void wol_date_format(wol_date d, char *buf);
/* Parses YYYY-MM-DD, "today", "yesterday", "tomorrow", "+N", "-N"
 * (relative to `today`). */
WOL_API int wol_date_parse(const char *s, wol_date today, wol_date *out, wol_error *err);
/* The local calendar date now (honours TZ). */
WOL_API wol_date wol_date_today(void);

/* ----------------------------------------------------------------- names */

#define WOL_HANDLE_MAX 39

/* 0 when valid, else WOL_EINVAL with "wol: <what>: '<s>' is not valid ..." */
WOL_API int wol_name_check(const char *s, const char *what, wol_error *err);
/* Decodes the UTF-8 character at s (n bytes available) into *cp: returns
 * its length in bytes, or 0 when s does not start with a valid one. */
WOL_API size_t wol_utf8_next(const char *s, size_t n, unsigned int *cp);
/* Whether a code point is a control character: C0 (tab and newline too),
 * DEL or C1. The one rule for refusing titles and for what the CLI escapes. */
WOL_API int wol_char_control(unsigned int cp);

/* ------------------------------------------------- YAML front matter docs */

typedef enum wol_yaml_kind {
	WOL_YAML_SCALAR,
	WOL_YAML_SEQ,
	WOL_YAML_MAP
} wol_yaml_kind;

typedef struct wol_yaml {
	wol_yaml_kind kind;
	char *value;             /* SCALAR: the text */
	int quoted;              /* SCALAR: written quoted in the source */
	size_t n, cap;           /* SEQ/MAP: item count */
	char **keys;             /* MAP: keys */
	struct wol_yaml **items; /* SEQ/MAP: values */
	int line;                /* 1-based line in the source document */
} wol_yaml;

WOL_API wol_yaml *wol_yaml_new(wol_yaml_kind kind, const char *scalar);
WOL_API void wol_yaml_free(wol_yaml *y);
/* Sets (replacing) key in a map; takes ownership of val. */
WOL_API int wol_yaml_set(wol_yaml *map, const char *key, wol_yaml *val);
WOL_API int wol_yaml_push(wol_yaml *seq, wol_yaml *val);

/* A Markdown document with optional YAML front matter. */
typedef struct wol_doc {
	wol_yaml *meta; /* always a MAP (empty when there was no front matter) */
	char *body;     /* the text after the front matter */
	int body_line;  /* line number of the first body line */
} wol_doc;

/* Limits that keep hostile front matter harmless. */
#define WOL_YAML_MAX_DEPTH 16
#define WOL_YAML_MAX_NODES 4096

/* Parses with libyaml. `name` (a path) is used in error messages, which
 * name the line: "wol: <name>:<line>: <problem>". Aliases are refused. */
WOL_API int wol_doc_parse(const char *text, size_t len, const char *name, wol_doc *out,
                          wol_error *err);
/* Renders front matter (libyaml emitter) followed by the body. */
WOL_API int wol_doc_render(const wol_doc *doc, char **out, size_t *len, wol_error *err);
WOL_API void wol_doc_free(wol_doc *doc);

/* --------------------------------------------------------------- context */

/* The context: where $WOL_HOME is, who the user is, which circles exist. */
typedef struct wol_ctx wol_ctx;

typedef struct wol_ctx_opts {
	const char *home;   /* NULL: $WOL_HOME, else $XDG_DATA_HOME/wol, else ~/.local/share/wol */
	const char *circle; /* NULL: the default circle */
	const char *today;  /* NULL: $WOL_TODAY, else the local date (tests inject dates) */
} wol_ctx_opts;

WOL_API int wol_ctx_open(wol_ctx **out, const wol_ctx_opts *opts, wol_error *err);
WOL_API void wol_ctx_free(wol_ctx *ctx);
WOL_API const char *wol_ctx_home(const wol_ctx *ctx);
WOL_API wol_date wol_ctx_today(const wol_ctx *ctx);

typedef struct wol_identity {
	char handle[WOL_HANDLE_MAX + 1]; /* "" when it could not be determined */
	char *name;                      /* user.name or the handle */
	char *email;                     /* user.email or NULL */
	const char *handle_source;       /* "wol.handle", "user.name", "$USER" */
	char *problem;                   /* why the handle is unusable, or NULL */
} wol_identity;

/* The identity read from git config when the context was opened. */
WOL_API const wol_identity *wol_ctx_identity(const wol_ctx *ctx);
/* The names of existing circles ($WOL_HOME/circles/<name> holding .git),
 * sorted. Free with wol_strv_free. */
WOL_API int wol_ctx_circles(const wol_ctx *ctx, char ***names, size_t *n, wol_error *err);
/* Resolves the circle to act on: `name` if given (validated and must exist),
 * else the one from opts, else the only circle, else git config wol.circle.
 * *out points into ctx-owned memory. */
WOL_API int wol_ctx_circle(wol_ctx *ctx, const char *name, const char **out, wol_error *err);
/* "$WOL_HOME/circles/<name>" (malloc'd) */
WOL_API char *wol_ctx_circle_path(const wol_ctx *ctx, const char *name);
/* A git config value from the user's global config (NULL if unset). */
WOL_API char *wol_ctx_config(const wol_ctx *ctx, const char *key);
/* Whether the git config files the context read its identity and settings
 * from are unchanged (a few stats): when not, open a new context. */
WOL_API int wol_ctx_current(const wol_ctx *ctx);

WOL_API void wol_strv_free(char **v, size_t n);

/* --------------------------------------------------------------- prompts */

/* The day's prompt (csrc/prompt/), in layers: the theme of the day, the
 * program focus, one challenge and the reflection questions. Each layer is
 * filled on its own, by user > circle > built-in; a date-specific prompt
 * fills every layer for its date. doc/format.md has the whole rule. */
typedef struct wol_prompt {
	wol_date date;     /* the date it was chosen for */
	/* theme of the day */
	char *title;       /* e.g. "Sharing" */
	char *text;        /* the theme's other body text, kept as written (may be "") */
	char **tags;       /* the theme's tags */
	size_t ntags;
	/* program focus: focus_title is NULL outside the program (and on a
	 * date-specific prompt) */
	int week;          /* circle program week of `date` (1..weeks), 0 outside */
	int weeks;         /* program length, 0 when no circle program applies */
	char *focus_title;
	char *focus_text;  /* what the week is about (its challenge) */
	char **focus_questions;
	size_t nfocus_questions;
	/* challenge: one act for today */
	char *challenge_title; /* the title of the prompt it comes from */
	char *challenge;       /* the act (may be "") */
	/* reflect */
	char **questions;
	size_t nquestions;
	/* where each layer comes from: a file path or "builtin:<name>"; NULL
	 * when the layer is empty */
	char *theme_source, *focus_source, *challenge_source, *reflect_source;
	int dated;         /* 1: a date-specific prompt filled every layer */
	char *reason;      /* why, e.g. "every tuesday (built-in); challenge from the pool, 7 of 42 (built-in)" */
	char **warnings;   /* prompt files skipped, each "wol: <file>:<line>: <why>" */
	size_t nwarnings;
} wol_prompt;

typedef struct wol_prompt_opts {
	const char *circle_dir; /* the circle's clone (prompts/ and circle.md); NULL: default circle if any */
	int has_program;        /* 1: use started/weeks below instead of circle.md */
	wol_date started;
	int weeks;
} wol_prompt_opts;

/* Chooses the prompt for `date` (see above). */
WOL_API int wol_prompt_get(wol_ctx *ctx, wol_date date, const wol_prompt_opts *opts,
                           wol_prompt *out, wol_error *err);
WOL_API void wol_prompt_free(wol_prompt *p);

/* ------------------------------------------------------------------ sync */

/* Sync of a circle's clone with its remote `origin` (csrc/sync/): fetch,
 * fast-forward or merge in memory (no MERGING state on disk), checkout,
 * push; a rejected push is retried a bounded number of times. Never
 * force-pushes and never drops text: when both sides changed one path the
 * local version stays and the remote one is committed next to it as
 * `<stem>.conflict-<shortoid><ext>`. Network work may block for long: run
 * it in a killable process (`wol sync --json`), never on an editor's loop. */

typedef struct wol_sync_progress {
	const char *phase;   /* "lock", "connect", "fetch", "merge", "checkout", "push", "done" */
	unsigned received;   /* objects received (fetch) or sent (push) */
	unsigned total;      /* objects expected, 0 when unknown */
	size_t bytes;        /* bytes received or sent */
	int attempt;         /* 1-based round of fetch+merge+push */
} wol_sync_progress;

/* Called often during transfers; return non-zero to cancel the sync. */
typedef int (*wol_sync_progress_cb)(const wol_sync_progress *p, void *payload);

typedef struct wol_sync_opts {
	int attempts;        /* rounds of fetch+merge+push before giving up; 0: 5 */
	int backoff_ms;      /* base of the jittered backoff between rounds; 0: 200 */
	int lock_wait_ms;    /* how long to wait for another sync of the circle; 0: none */
	int no_push;         /* fetch and merge only */
	wol_sync_progress_cb progress;
	void *payload;
} wol_sync_opts;

/* One path that arrived from the remote (added or changed by others). */
typedef struct wol_sync_item {
	char *kind;   /* "note", "question", "answer", "event", "member", "conflict", "feedback",
	                 "addressed", "file" */
	char *member; /* who it came from: the author of the last commit that changed it
	               * (a member's handle, else their name); else whose record the path
	               * says it is, or NULL */
	char *path;   /* relative to the circle */
	int added;    /* 1 new, 0 changed */
	int to_me;    /* answer or event on one of my questions, feedback on one of my notes,
	                 an addressed mark on my feedback */
} wol_sync_item;

/* A change that arrived which wol itself never makes (a member using plain
 * git): another member's note or member file, a record written once changed
 * or removed, circle.md changed by someone other than its creator. Kept (git
 * is the truth) and reported. */
typedef struct wol_sync_foreign {
	char *path;
	char commit[41];
	char *author; /* the member's handle, else the commit author's name */
	char *what;   /* "edited", "removed", "added" */
} wol_sync_foreign;

typedef struct wol_sync_conflict {
	char *path;    /* kept as it was locally */
	char *kept_as; /* the remote version, committed next to it */
	char *member;  /* owner of the path (notes/<member>/...), or NULL */
} wol_sync_conflict;

typedef struct wol_sync_result {
	char *circle;
	char *branch;
	char *remote;          /* origin's URL with any password removed */
	int up_to_date;        /* nothing arrived and nothing to push */
	int fast_forward;      /* the remote's commits were taken as they are */
	int merged;            /* a merge commit was made */
	size_t pushed;         /* commits pushed */
	size_t ahead;          /* commits still waiting to be pushed afterwards */
	int attempts;          /* rounds used */
	wol_sync_item *arrived;
	size_t narrived;
	wol_sync_conflict *conflicts;
	size_t nconflicts;
	char **warnings;
	size_t nwarnings;
	char **changed;        /* absolute paths of files the sync changed on disk */
	size_t nchanged;
	wol_sync_foreign *foreign; /* changes made outside wol that arrived, newest first */
	size_t nforeign;
} wol_sync_result;

/* Syncs `circle` (NULL: the default circle). Errors: WOL_ENET (offline or
 * remote unreachable), WOL_EAUTH (credentials or host key refused),
 * WOL_EREJECTED (push rejected after every round), WOL_ELOCKED (another sync
 * of the circle runs), WOL_ECONFLICT (unshared local edits the sync would
 * overwrite), others for local failures. On error *out still says what was
 * done (e.g. merged but not pushed); free it either way. */
WOL_API int wol_sync_run(wol_ctx *ctx, const char *circle, const wol_sync_opts *opts,
                         wol_sync_result *out, wol_error *err);
WOL_API void wol_sync_result_free(wol_sync_result *r);
/* One line for people: "3 notes from ana, 1 from bo; 1 answer to your
 * question; pushed 2 commits" or "up to date" (malloc'd). */
WOL_API char *wol_sync_digest(const wol_sync_result *r);

/* Local state only (no network): the branch, origin's URL (NULL when the
 * circle has no remote), commits waiting to be pushed and commits fetched
 * but not merged, counted against origin's last known branch (all of
 * HEAD's history when nothing was ever pushed). */
typedef struct wol_sync_state {
	char *circle;
	char *branch;
	char *remote;
	size_t ahead, behind;
	int remote_known; /* origin/<branch> exists locally */
} wol_sync_state;

WOL_API int wol_sync_ahead(wol_ctx *ctx, const char *circle, wol_sync_state *out, wol_error *err);
WOL_API void wol_sync_state_free(wol_sync_state *s);
/* Syncs the private history of the journal (wol_journal_commit) with its
 * private remote (wol_journal_remote_set), by the same rules as a circle:
 * what is pending is committed first, then fetch, fast-forward or a merge
 * keeping both versions of a file changed on both sides, push; the same
 * credentials, retries and recovery after a kill. Refused (WOL_EREFUSED)
 * when the remote is one of your circles' or holds a circle (a circle.md
 * at the root of one of its branches): nothing is pushed. out->circle is
 * NULL. */
WOL_API int wol_sync_private(wol_ctx *ctx, const wol_sync_opts *opts, wol_sync_result *out,
                             wol_error *err);
/* --------------------------------------------------------------- circles */

/* A circle: the git clone at $WOL_HOME/circles/<name> (csrc/repo/).
 * The handle keeps one git_repository open, so repeated shares do not
 * reopen it. It copies what it needs from the context (home, identity,
 * today), so it stays valid after the context is freed. Not thread-safe:
 * use one handle per thread. */
typedef struct wol_circle wol_circle;

#define WOL_CIRCLE_WEEKS 12
#define WOL_CIRCLE_WEEKS_MAX 520 /* the longest program */
#define WOL_GOAL_WORDS 25            /* WOL goals are short: warn past this */
#define WOL_SHARE_MAX (1024 * 1024) /* default size limit of a shared note */

typedef struct wol_circle_init_opts {
	const char *remote;  /* origin URL, or NULL */
	const char *started; /* date (wol_date_parse forms), NULL: today */
	const char *meets;   /* weekday name, NULL: the weekday of `started` */
	int weeks;           /* 0: WOL_CIRCLE_WEEKS */
	const char *goal;    /* the creator's goal for members/<handle>.md, or NULL */
} wol_circle_init_opts;

/* Creates $WOL_HOME/circles/<name> (built in a temporary directory and
 * renamed into place, so a failure leaves nothing) with circle.md and
 * members/<handle>.md, and commits them ("circle(<handle>): start <name>"). */
WOL_API int wol_circle_init(wol_ctx *ctx, const char *name, const wol_circle_init_opts *opts,
                            wol_error *err);

/* Looks at the remote `url` before `wol init --remote` uses it (a network
 * call: run it where it may be stopped, never in the editor): WOL_EEXISTS
 * when it already holds commits (a circle to join instead), WOL_EINVAL for a
 * password in the URL without a credential helper to keep it. A remote
 * that cannot be reached now is not an error (the first sync says why). */
WOL_API int wol_circle_check_remote(wol_ctx *ctx, const char *url, wol_error *err);

/* Progress of a clone: stage is "receiving", "indexing", "deltas" or
 * "checkout"; return non-zero to cancel. */
typedef int (*wol_progress_cb)(const char *stage, size_t done, size_t total, void *payload);

/* Clones `url` into $WOL_HOME/circles/<name> (name NULL: from circle.md of
 * the clone, else the URL's last component), adds members/<handle>.md when
 * missing and commits it. `goal` (NULL: none) is the member's goal, checked
 * first as wol_goal_check does (a bad goal clones nothing) and written into
 * that file (into the one there when joining again). The clone is made in
 * a temporary directory and renamed into place. *name_out (if not NULL)
 * gets the malloc'd name. */
WOL_API int wol_circle_join(wol_ctx *ctx, const char *url, const char *name, const char *goal,
                            wol_progress_cb cb, void *payload, char **name_out, wol_error *err);

/* Opens circle `name` (NULL: the default circle, see wol_ctx_circle). */
WOL_API int wol_circle_open(wol_ctx *ctx, const char *name, wol_circle **out, wol_error *err);
WOL_API void wol_circle_close(wol_circle *c); /* NULL is fine */
WOL_API const char *wol_circle_name(const wol_circle *c);
WOL_API const char *wol_circle_path(const wol_circle *c); /* the work tree, no trailing '/' */
WOL_API const char *wol_circle_handle(const wol_circle *c); /* the member acting */

/* circle.md and the repository's state. */
typedef struct wol_circle_info {
	char *name;       /* from circle.md (falls back to the directory name) */
	wol_date started; /* {0,0,0} when missing */
	int meets;        /* 0 = monday .. 6 = sunday, -1 when missing */
	int weeks;
	int format;       /* format version the circle was written with */
	char *remote;     /* origin URL (a password in it shown as ***) or NULL */
	char *branch;     /* the checked-out branch ("main") or NULL when detached */
	size_t ahead;     /* commits waiting to be pushed (see wol_circle_ahead) */
	char **warnings;  /* problems found in circle.md, one line each */
	size_t nwarnings;
} wol_circle_info;

WOL_API int wol_circle_info_get(wol_circle *c, wol_circle_info *out, wol_error *err);
WOL_API void wol_circle_info_free(wol_circle_info *info);

/* Commits on HEAD that are not on refs/remotes/origin/<branch> (all of
 * HEAD's commits when that ref does not exist yet; 0 without a remote). */
WOL_API int wol_circle_ahead(wol_circle *c, size_t *ahead, wol_error *err);

typedef struct wol_member {
	char *handle;
	char *name;   /* display name */
	char *goal;   /* may be NULL */
	char *joined; /* YYYY-MM-DD as written, may be NULL */
	int goal_words;
	char *warning; /* e.g. the goal is longer than WOL_GOAL_WORDS words; NULL */
} wol_member;

/* members/<handle>.md of the circle, sorted by handle. */
WOL_API int wol_circle_members(wol_circle *c, wol_member **out, size_t *n, wol_error *err);
WOL_API void wol_members_free(wol_member *m, size_t n);

/* A new id, time-sortable and collision-free across machines:
 * <UTC yyyymmddThhmmssZ>-<handle>-<8 random hex>. buf holds WOL_ID_MAX. */
#define WOL_ID_MAX 80
WOL_API int wol_id_new(const char *handle, char *buf, size_t size, wol_error *err);

/* A relative path inside a circle is safe when it has no "..", "." or empty
 * components, is not absolute, has no control characters or backslashes,
 * and does not start with ".git". Returns 0 or WOL_EINVAL. */
WOL_API int wol_path_check(const char *rel, wol_error *err);

/* What a path in a circle is (csrc/format/layout.c): the one place that
 * knows the layout of doc/format.md; everything else asks it. */
typedef enum wol_place_kind {
	WOL_PLACE_OTHER = 0, /* nothing wol reads (or a name that breaks a rule) */
	WOL_PLACE_NOTE,      /* notes/<member>/...: only <member> writes there */
	WOL_PLACE_QUESTION,  /* questions/<qid>/question.md */
	WOL_PLACE_ANSWER,    /* questions/<qid>/answers/<id>.md */
	WOL_PLACE_EVENT,     /* questions/<qid>/events/<id>.md */
	WOL_PLACE_FEEDBACK,  /* feedback/<note-id>/<id>.md (issue 17) */
	WOL_PLACE_MEMBER,    /* members/<handle>.md */
	WOL_PLACE_CIRCLE,    /* circle.md */
	WOL_PLACE_PROMPT     /* prompts/<name>.md */
} wol_place_kind;

/* The longest id a reader accepts (wol writes shorter ones: WOL_ID_MAX). */
#define WOL_ID_READ_MAX 100

typedef struct wol_place {
	wol_place_kind kind;
	/* note: its folder's member; member: the handle; question, answer,
	 * event, feedback: the member named in the record's id ("" when the id
	 * names none) */
	char member[WOL_HANDLE_MAX + 1];
	char qid[WOL_ID_READ_MAX + 1];  /* question, answer, event */
	char note[WOL_ID_READ_MAX + 1]; /* feedback: the note's id */
	char id[WOL_ID_READ_MAX + 1];   /* the record's id (a question's is its qid) */
	int listed;   /* note: a note wol lists and indexes, notes/<member>/<name>.md */
	int conflict; /* note: the remote side of a conflict kept by sync (*.conflict-*) */
} wol_place;

/* Classifies `rel` (relative to the circle's root). Never fails: a path
 * that breaks a rule (wol_path_check, a bad name or id) is WOL_PLACE_OTHER. */
WOL_API void wol_place_of(const char *rel, wol_place *out);
/* "note", "question", "answer", "event", "feedback", "member", "circle",
 * "prompt" or "other". */
WOL_API const char *wol_place_name(wol_place_kind kind);

/* ----------------------------------------------------------------- notes */

/* Work-in-progress notes: notes/<handle>/<slug>.md (csrc/note.c). */
typedef struct wol_note {
	char *path;    /* relative to the circle: notes/<handle>/<slug>.md */
	char *author;  /* the folder's handle (what counts, not the front matter) */
	char *title;
	char *id;      /* front matter id, may be NULL */
	char *created; /* as written, may be NULL */
	char *status;  /* may be NULL */
	char *source;  /* where it was shared from, may be NULL */
	long long updated; /* unix time of the last commit touching it (mtime when never committed) */
	int mine;      /* author is the circle handle's member */
	int committed; /* 0: only in the work tree so far */
	char *outside; /* "edited by X outside wol, commit ...": the last commit by
	                * someone other than the owner that changed it; or NULL */
} wol_note;

/* Creates notes/<handle>/<slug>.md with front matter (title, author, id,
 * created, status: wip) and a heading; not committed (sharing commits it).
 * A taken slug gets -2, -3, ... *rel_out gets the malloc'd relative path. */
WOL_API int wol_note_new(wol_circle *c, const char *title, char **rel_out, wol_error *err);
/* Notes of `handle` (NULL: everyone), newest first. */
WOL_API int wol_note_list(wol_circle *c, const char *handle, wol_note **out, size_t *n,
                          wol_error *err);
WOL_API void wol_notes_free(wol_note *notes, size_t n);

/* ----------------------------------------------------------------- share */

/* Sharing one note as a commit, in-process (csrc/share.c). */
typedef struct wol_share_opts {
	const char *file;    /* the file being shared (any path), or NULL (unnamed buffer) */
	const char *content; /* its content as the editor holds it; NULL: read `file` */
	size_t len;
	const char *title;   /* override the title */
	const char *message; /* extra commit message text, or NULL */
	const char *note;    /* update this note (relative path) instead of finding one,
	                        e.g. a re-shared unnamed buffer; NULL */
	const char *lang;    /* language of copied content (code fence), NULL: from the name */
	int line1, line2;    /* > 0: share these lines (1-based, inclusive) as a snippet note */
	int force;           /* share journal entries and secret-looking content */
	size_t max_size;     /* 0: WOL_SHARE_MAX */
	int lock_timeout_ms; /* wait for index.lock / other sharers; 0: 2000 */
	const char *fsync;   /* "commit" or "always" (doc/format.md, Durability); NULL:
	                        git config wol.shareFsync, else "commit" */
} wol_share_opts;

typedef struct wol_share_result {
	char *note;      /* relative path of the note committed */
	char *abs;       /* its absolute path */
	char *title;
	char *id;        /* the note's id (Wol-Id) */
	char commit[41]; /* the new commit ("" when unchanged) */
	int created;     /* 1: the note is new in the repository */
	int unchanged;   /* 1: content equal to HEAD's; nothing committed */
	int copied;      /* 1: copied from another file or a buffer */
	size_t ahead;    /* commits waiting to be pushed afterwards */
	int has_remote;
} wol_share_result;

/* The refusal rules, shared by the CLI and the editor: size, binary
 * content, secrets (unless force). Returns 0 or WOL_EREFUSED / WOL_EINVAL
 * with one line naming the problem (and the line number for secrets). */
WOL_API int wol_share_check(const char *content, size_t len, size_t max_size, int force,
                            wol_error *err);
/* Shares: a note under notes/<handle>/ is written and committed as is;
 * any other file (or content without a file) is copied into
 * notes/<handle>/<slug>.md with its source recorded, and sharing the same
 * source again updates that note. Only the note's path is staged; other
 * changes in the repository are left alone. Refuses (nothing written):
 * journal entries and secrets unless force, too large, binary, a path
 * under another member's folder or outside notes/. */
WOL_API int wol_share_note(wol_circle *c, const wol_share_opts *opts, wol_share_result *out,
                           wol_error *err);
WOL_API void wol_share_result_free(wol_share_result *r);

/* --------------------------------------------------------------- journal */

/* Private daily entries at $WOL_HOME/journal/YYYY/YYYY-MM-DD.md (files 0600,
 * directories 0700), Markdown with front matter. Writers hold the lock file
 * $WOL_HOME/journal/.lock and replace entries atomically. */

#define WOL_JOURNAL_MAX_BYTES ((size_t)64 * 1024 * 1024) /* largest entry read */

/* "$WOL_HOME/journal/YYYY/YYYY-MM-DD.md" (malloc'd; NULL: out of memory) */
WOL_API char *wol_journal_path(const wol_ctx *ctx, wol_date date);
/* The date of an entry from its path relative to $WOL_HOME
 * ("journal/2026/2026-03-04.md"): 0 and *out, or -1 when it is not one. */
WOL_API int wol_journal_date_of(const char *rel, wol_date *out);
/* The text a new entry for `date` starts with: $WOL_HOME/templates/journal.md
 * (else the built-in template) with its {{variables}} filled for `date`.
 * *warning (may be NULL; malloc'd) says why the prompt values are empty. */
WOL_API int wol_journal_template(wol_ctx *ctx, wol_date date, char **out, size_t *len,
                                 char **warning, wol_error *err);
/* Makes sure the entry for `date` exists, creating it from the template.
 * *path gets its path (malloc'd), *created (may be NULL) 1 when made now. */
WOL_API int wol_journal_open(wol_ctx *ctx, wol_date date, char **path, int *created,
                             char **warning, wol_error *err);

typedef struct wol_journal_log_opts {
	const char *time;          /* "HH:MM"; NULL: the local time now */
	const char *const *quote;  /* lines appended as a quote under the item */
	size_t nquote;
} wol_journal_log_opts;

/* Appends "- HH:MM text" (then the quoted lines, "  > line") to the
 * "## Log" section of the entry for `date`, creating the entry and the
 * section when missing. Text must be UTF-8. *path (may be NULL) gets the
 * entry's path. */
WOL_API int wol_journal_log(wol_ctx *ctx, wol_date date, const char *text,
                            const wol_journal_log_opts *opts, char **path, char **warning,
                            wol_error *err);

typedef struct wol_journal_entry {
	wol_date date;
	char *path;
	char *title;  /* first non-blank body line ("" when none; NULL when not read) */
	size_t size;
	int written;  /* has text beyond the untouched template (see wol_journal_written) */
	int done;     /* the day's challenge is marked done (`challenge: done`) */
} wol_journal_entry;

typedef struct wol_journal_entries {
	wol_journal_entry *items; /* newest first */
	size_t n, cap;
	char **warnings;          /* entries that could not be read: "wol: <path>: <why>" */
	size_t nwarnings;
} wol_journal_entries;

/* Lists the entries present (file names YYYY/YYYY-MM-DD.md). With `read`
 * set, reads each one for its title and written flag. */
WOL_API int wol_journal_list(wol_ctx *ctx, int read, wol_journal_entries *out, wol_error *err);
WOL_API void wol_journal_entries_free(wol_journal_entries *list);
/* The nearest existing entry after (dir > 0) or before (dir < 0) `date`:
 * 0 and *out, or WOL_ENOTFOUND. */
WOL_API int wol_journal_adjacent(wol_ctx *ctx, wol_date date, int dir, wol_date *out,
                                 wol_error *err);

/* Whether the text of the entry at `path` counts as a day written: its
 * body has a line with text (letters, digits, any non-ASCII) that is not a
 * heading and whose fingerprint is not among those of the template's own
 * text lines, kept when the entry was made in
 * $WOL_HOME/journal/.template/YYYY-MM-DD (entries made before that keep
 * them in the front matter key `template`). Without either, any such
 * line counts. */
WOL_API int wol_journal_entry_written(const char *path, const char *text, size_t len);
/* The same for a text on its own (only the key `template` is looked at). */
WOL_API int wol_journal_written(const char *text, size_t len);

typedef struct wol_journal_stats {
	wol_date today;
	int current;       /* days in a row ending today, or yesterday when today is not written yet */
	int longest;       /* longest run of days in a row */
	int week;          /* days written this week (Monday..today) */
	int month;         /* days written this month up to today */
	int total;         /* days written up to today */
	int today_written;
	wol_date last;     /* the last day written up to today; y == 0 when none */
} wol_journal_stats;

/* Streaks from a list (read with `read` set); entries after `today` are
 * ignored. */
WOL_API void wol_journal_stats_of(const wol_journal_entries *list, wol_date today,
                                  wol_journal_stats *out);

/* The day's challenge marked done: the entry's front matter says
 * `challenge: done`, with `challenge_source` (where the challenge came
 * from: "builtin:<name>", or the prompt file, relative to $WOL_HOME when
 * under it) and `challenge_title` (csrc/journal/done.c). */
typedef struct wol_journal_done {
	char *path;    /* the entry */
	int done;      /* marked done */
	char *source;  /* done: the challenge's source id, else NULL */
	char *title;   /* done: the challenge's title, else NULL */
	int already;   /* wol_journal_mark_done: it was marked before (nothing written) */
	int created;   /* wol_journal_mark_done: the entry was made now, from its template */
} wol_journal_done;

/* Marks the challenge of `date`'s prompt done in that day's entry (made
 * from the template when missing), atomically under the journal lock; the
 * rest of the entry is kept byte for byte. Refused: a date after today,
 * an entry whose front matter cannot be read (nothing written). */
WOL_API int wol_journal_mark_done(wol_ctx *ctx, wol_date date, wol_journal_done *out,
                                  char **warning, wol_error *err);
/* Whether a challenge may be marked done on `date`: WOL_EINVAL for a day
 * still to come. */
WOL_API int wol_journal_done_when(const wol_ctx *ctx, wol_date date, wol_error *err);
/* Whether the challenge of `date` is marked done (a missing entry: not). */
WOL_API int wol_journal_done_get(wol_ctx *ctx, wol_date date, wol_journal_done *out,
                                 wol_error *err);
WOL_API void wol_journal_done_free(wol_journal_done *d);

/* Finds the heading `question` (any level, trimmed, ASCII case ignored) in
 * `text`. *line gets its 1-based line number; when it is missing, *append
 * (malloc'd) gets the lines to add at the end of the text and *line the
 * heading's line number once they are added. */
WOL_API int wol_journal_heading(const char *text, size_t len, const char *question, int *line,
                                char **append, wol_error *err);

/* ------------------------------------------- the journal's private history */

/* journal/ and people/ of $WOL_HOME are kept in a private git repository,
 * $WOL_HOME/.private.git, its work tree $WOL_HOME limited to those two
 * folders (doc/format.md). Every write of the library marks the history
 * pending; a commit takes everything pending at once, when the oldest
 * change has waited git config wol.journalBatch seconds (default 60; 0:
 * every write commits) or at once when forced. A home without it gets it
 * on first use, with one commit of what it holds. */

typedef struct wol_journal_commit_result {
	char commit[41]; /* the new commit, "" when none was made */
	int created;     /* the history began with this call */
	int pending;     /* changes wait for a later commit (not due yet) */
	long due_in;     /* seconds until they are due */
	char **paths;    /* what the commit changed, relative to $WOL_HOME */
	size_t npaths;
} wol_journal_commit_result;

/* Commits what is pending when due (force 0), what journal/ and people/
 * hold at once (1: a save in the editor, `wol journal commit`), or what is
 * pending however long it waited (2: leaving the editor; never makes the
 * repository). */
WOL_API int wol_journal_commit(wol_ctx *ctx, int force, wol_journal_commit_result *out,
                               wol_error *err);
WOL_API void wol_journal_commit_result_free(wol_journal_commit_result *r);

/* One change of one file in the history. */
typedef struct wol_journal_version {
	char commit[41];
	char *path;    /* relative to $WOL_HOME */
	char *status;  /* "added", "modified", "deleted" */
	char *subject; /* the commit's first line */
	long long time; /* the commit's time (Unix) */
} wol_journal_version;

typedef struct wol_journal_versions {
	wol_journal_version *items; /* newest first */
	size_t n;
} wol_journal_versions;

/* The changes of `path` (a journal entry or people file: absolute under
 * $WOL_HOME or relative to it; NULL: every file), newest first, at most
 * `limit` (0: all). Pending changes are committed first. */
WOL_API int wol_journal_history(wol_ctx *ctx, const char *path, size_t limit,
                                wol_journal_versions *out, wol_error *err);
WOL_API void wol_journal_versions_free(wol_journal_versions *v);
/* The text of `path` as commit `rev` (an id or a unique prefix of one)
 * had it: WOL_ENOTFOUND when it was not there. */
WOL_API int wol_journal_show(wol_ctx *ctx, const char *path, const char *rev, char **text,
                             size_t *len, wol_error *err);
/* Puts `path` back as `rev` had it, as a new commit: what it holds now is
 * committed first, so nothing is lost (restoring is undone by restoring
 * the version before). The file is written atomically under its folder's
 * lock; *out says which commit. */
WOL_API int wol_journal_restore(wol_ctx *ctx, const char *path, const char *rev,
                                wol_journal_commit_result *out, wol_error *err);

/* The history at a glance (no network). */
typedef struct wol_journal_state {
	int exists;        /* the repository exists */
	char head[41];     /* its last commit, "" when none */
	size_t commits;    /* commits in it */
	int pending;       /* changes wait for their commit */
	long due_in;       /* seconds until they are due */
	char *remote;      /* the private remote (password removed), NULL when none */
	size_t ahead, behind; /* against the remote as last fetched */
	int remote_known;  /* the remote's branch was fetched once */
} wol_journal_state;

WOL_API int wol_journal_state_get(wol_ctx *ctx, wol_journal_state *out, wol_error *err);
WOL_API void wol_journal_state_free(wol_journal_state *s);
/* Sets the private remote (the repository's origin; "" removes it).
 * WOL_EREFUSED when `url` is the remote of one of your circles (the
 * journal never goes there); a password in the URL is refused as for
 * circles (csrc/repo/remote.c). */
WOL_API int wol_journal_remote_set(wol_ctx *ctx, const char *url, wol_error *err);
/* ----------------------------------------------------------------- index */

/* The search index: $WOL_HOME/index.db, an sqlite3 FTS5 cache over the
 * journal, circle notes, questions and answers (csrc/index/). Files are
 * the truth; deleting index.db loses nothing. */
typedef struct wol_index wol_index;

/* What a refresh or rebuild did. */
typedef struct wol_index_report {
	long stat;     /* files stat'ed */
	long read;     /* files read (new or changed) */
	long added, updated, removed;
	long docs;     /* searchable documents afterwards */
	long problems; /* files whose front matter could not be parsed (indexed as text) */
	long trees;    /* circles whose HEAD moved (changed paths taken from a tree diff) */
	double ms;     /* wall time */
	char *notice;  /* something the user should be told (e.g. a corrupt index was
	                * rebuilt), or NULL; freed by wol_index_report_free */
} wol_index_report;

/* Opens (creating or migrating) the index of ctx's $WOL_HOME: WAL mode,
 * busy timeout, schema versioned by PRAGMA user_version. A corrupt file is
 * moved aside and rebuilt; the report of the next refresh says so. */
WOL_API int wol_index_open(wol_ctx *ctx, wol_index **out, wol_error *err);
/* The same for one command of a process that then exits (the `wol` CLI):
 * a small page cache (each page read would take fresh memory) and no
 * watch of the journal (nobody would ask it again). `refresh`: a full
 * refresh will follow, and a second thread starts stat'ing the journal's
 * entries for it now, while the database is being opened. */
WOL_API int wol_index_open_once(wol_ctx *ctx, int refresh, wol_index **out, wol_error *err);
/* Whether the user has an index ($WOL_HOME/index.db exists): a cache is
 * kept up to date only once someone has made one. */
WOL_API int wol_index_exists(const wol_ctx *ctx);
WOL_API void wol_index_close(wol_index *ix);
/* 1 when $WOL_HOME or index.db cannot be written: the index then works on
 * a temporary copy (refreshed from the files, removed on close), so reads
 * still see everything and nothing is written under $WOL_HOME. */
WOL_API int wol_index_private(const wol_index *ix);
/* Brings the index up to date: stat walk comparing path, size and mtime,
 * plus a tree diff for circles whose HEAD moved. Reads only new or
 * changed files. Holds $WOL_HOME/index.lock while writing. */
WOL_API int wol_index_refresh(wol_index *ix, wol_index_report *rep, wol_error *err);
/* Looks only at these files (absolute, or relative to $WOL_HOME): for a
 * feature that just wrote them (journal, share, ask). A path that no longer
 * exists is dropped from the index. */
WOL_API int wol_index_refresh_paths(wol_index *ix, const char *const *paths, size_t n,
                                    wol_index_report *rep, wol_error *err);
/* After a sync: looks only at the paths that changed between the circle's
 * HEAD recorded in the index and its HEAD now (a tree diff, no walk). When
 * no HEAD was recorded yet it does a full refresh. */
WOL_API int wol_index_refresh_circle(wol_index *ix, const char *circle, wol_index_report *rep,
                                     wol_error *err);
/* Drops everything and indexes all files again. */
WOL_API int wol_index_rebuild(wol_index *ix, wol_index_report *rep, wol_error *err);
/* Whether the next full refresh is a long one, better run in the
 * background (`wol index --progress`): the index is new and empty, or a
 * circle with commits was never indexed (just joined). Sets *pending. */
WOL_API int wol_index_build_pending(wol_index *ix, int *pending, wol_error *err);
/* Progress of a full refresh or rebuild: the files to read are counted
 * first (a stat walk), then cb gets the files read so far and that count,
 * every 1 % or so and at the end. NULL cb: no count, no calls. */
typedef void (*wol_index_progress_cb)(long done, long total, void *payload);
WOL_API void wol_index_set_progress(wol_index *ix, wol_index_progress_cb cb, void *payload);
WOL_API void wol_index_report_free(wol_index_report *rep);

typedef struct wol_search_opts {
	int limit;     /* 0: 50 */
	int norefresh; /* 1: search the index as it is */
} wol_search_opts;

typedef struct wol_search_hit {
	char *path;    /* relative to $WOL_HOME */
	char *abspath;
	char *kind;    /* journal, note, question, answer, feedback */
	char *circle;  /* NULL for the journal */
	char *author;
	char *date;    /* YYYY-MM-DD or NULL */
	char *title;
	char *state;   /* questions: open / resolved; notes: their status; else NULL */
	char *snippet; /* one line around the first match */
	int line;      /* line of the first match in the file (1-based) */
	double score;  /* bm25 (lower is better); 0 for filter-only queries */
} wol_search_hit;

typedef struct wol_search_result {
	wol_search_hit *hits;
	size_t n;
	char *notice; /* from the refresh before the search, or NULL */
} wol_search_result;

/* Parses the user's query (words, "phrases", prefix*, -exclusions and the
 * filters kind: author: circle: after: before: is:) and searches. A bad
 * query is WOL_EINVAL with a message saying what is wrong; user text never
 * reaches FTS5 or SQL unquoted. */
WOL_API int wol_index_search(wol_index *ix, const char *query, const wol_search_opts *opts,
                             wol_search_result *out, wol_error *err);
WOL_API void wol_search_result_free(wol_search_result *res);

/* Figures for `wol index --stats` (and, later, `wol stats`). */
typedef struct wol_index_member {
	char *author;
	long notes, questions, answers, resolved; /* resolved: of the questions they asked */
} wol_index_member;

typedef struct wol_index_week {
	char *author;
	char week[11]; /* the Monday, YYYY-MM-DD */
	long notes;
} wol_index_week;

typedef struct wol_index_figures {
	long docs, journal, notes, questions, answers;
	long feedback, people; /* feedback records on notes; your people/ records */
	long open, resolved; /* questions by state */
	long files;          /* files tracked (documents, question events, ...) */
	long long db_bytes;  /* size of index.db (without -wal) */
	wol_index_member *members;
	size_t nmembers;
	wol_index_week *weeks; /* notes shared per member per week, oldest first */
	size_t nweeks;
} wol_index_figures;

WOL_API int wol_index_stats(wol_index *ix, wol_index_figures *out, wol_error *err);
WOL_API void wol_index_figures_free(wol_index_figures *f);

/* ------------------------------------------------------------- questions */

/* Circle questions (csrc/question/): questions/<qid>/question.md,
 * answers/<aid>.md and events/<eid>.md, each written once and committed
 * with wol_circle_commit. State is derived by replaying the records
 * ordered by (lamport, id); see doc/format.md. */

/* One record of a thread. */
typedef struct wol_qrecord {
	char *kind;      /* "question", "answer", or the event kind as written */
	char *id;        /* the file name without .md (the qid for the question) */
	char *path;      /* relative to the circle */
	char *author;    /* handle, from the front matter */
	char *created;   /* UTC "YYYY-MM-DDThh:mm:ssZ" as written, may be NULL */
	long long lamport;
	char *target;    /* events: the id acted on (NULL: the question) */
	char *text;      /* the body as written (an edit event: the new text) */
	char *current;   /* question/answer: the text after edits */
	int edited;      /* question/answer: an edit applied */
	int retracted;   /* question/answer: retracted by its author */
	int thanks;      /* answer: members who thanked it */
	int ignored;     /* event: not applied (why in `note`) */
	int forged;      /* the commit that added the file has another author */
	char *committer; /* "Name <email>" of the commit that added it, or NULL */
	char *note;      /* a warning about this record, or NULL */
	wol_yaml *meta;  /* the front matter as written, unknown keys kept */
	char *outside;   /* "edited by X outside wol, commit ..." / "removed by ...": a
	                  * commit changed this record written once; or NULL */
	int removed;     /* gone from the files, shown from the history (not replayed) */
} wol_qrecord;

typedef struct wol_question {
	char *id;
	char *title;      /* current (an edit may change it) */
	char *author;
	char *created;
	char *about;      /* a shared note path, or NULL */
	long long lamport;
	const char *state; /* "open", "resolved" or "retracted" (static) */
	char *helped;     /* the text of the resolve that holds, or NULL */
	size_t nanswers;  /* answers not retracted */
	long long last;   /* highest lamport of its records */
	int mine;         /* asked by the circle handle's member */
	int forged;       /* some record is forged (thread only) */
	wol_qrecord *records; /* thread only: question, then the rest by (lamport, id) */
	size_t nrecords;
	char **warnings;  /* skipped records, ignored events: one line each */
	size_t nwarnings;
} wol_question;

typedef struct wol_questions {
	wol_question *items;
	size_t n;
	char **warnings; /* questions that could not be read */
	size_t nwarnings;
} wol_questions;

/* The circle's questions. state: "open", "resolved", "retracted", "all"
 * or NULL (all); author: only this asker's, or NULL. Sorted open first,
 * then newest first; warnings in question id order. `ix`: the open index
 * of the circle's $WOL_HOME, or NULL. source NULL: through ix (an
 * incremental refresh of the circle, then its stored listing rows),
 * reading the files when ix is NULL or cannot be used; "index": through ix
 * only (WOL_ESQL when it is NULL or cannot be used); "files": by reading
 * and replaying every record file. */
WOL_API int wol_question_list(wol_circle *c, wol_index *ix, const char *source, const char *state,
                              const char *author, wol_questions *out, wol_error *err);
WOL_API void wol_questions_free(wol_questions *q);
/* 0 when state is NULL, "open", "resolved", "retracted" or "all", else
 * WOL_EINVAL naming it (front ends check arguments before acting). */
WOL_API int wol_question_state_check(const char *state, wol_error *err);
/* The full qid for an exact id, a unique prefix or a unique suffix;
 * WOL_ENOTFOUND or WOL_EINVAL (ambiguous, listing the candidates). */
WOL_API int wol_question_find(wol_circle *c, const char *ref, char **qid, wol_error *err);
/* One question with its thread (records, forged checks, warnings). */
WOL_API int wol_question_get(wol_circle *c, const char *ref, wol_question *out, wol_error *err);
WOL_API void wol_question_free(wol_question *q);

typedef struct wol_qwrite {
	char *qid;       /* the question */
	char *id;        /* the record written */
	char *path;      /* relative path of the record */
	char *title;     /* the question's title */
	char commit[41];
	int has_remote;
	size_t ahead;
} wol_qwrite;

/* Asks: title (one line, required), body (may be empty), about (a path of
 * a note in the circle, or NULL). force: allow secret-looking text. */
WOL_API int wol_question_ask(wol_circle *c, const char *title, const char *body,
                             const char *about, int force, wol_qwrite *out, wol_error *err);
WOL_API int wol_question_answer(wol_circle *c, const char *ref, const char *body, int force,
                                wol_qwrite *out, wol_error *err);
/* kind: resolve, reopen, retract, edit, thanks. target: an answer id (or
 * a unique prefix/suffix of one) for thanks and for retract/edit of an
 * answer; NULL means the question. The rules are checked first (only the
 * asker resolves/reopens, only authors retract or edit, thanks go to an
 * answer of someone else); a refused event commits nothing. */
WOL_API int wol_question_event(wol_circle *c, const char *ref, const char *kind,
                               const char *target, const char *body, int force,
                               wol_qwrite *out, wol_error *err);
WOL_API void wol_qwrite_free(wol_qwrite *w);

/* What arrived since the last call (a mark kept in the clone's .git):
 * new questions by others and new answers by others to my questions.
 * The first call only sets the mark. update=0 leaves the mark. */
typedef struct wol_qnews {
	char **questions; /* qids */
	size_t nquestions;
	char **answers;   /* "qid/aid" */
	size_t nanswers;
} wol_qnews;
WOL_API int wol_question_news(wol_circle *c, int update, wol_qnews *out, wol_error *err);
WOL_API void wol_qnews_free(wol_qnews *n);

/* -------------------------------------------------------------- feedback */

/* Feedback on shared notes (csrc/feedback/): comments, suggestions and
 * reactions, and the note author's `addressed` marks, each a record
 * feedback/<note-id>/<id>.md written once; <note-id> is the `id` in the
 * note's front matter (so feedback follows a renamed note), or for a note
 * without one the key of its path (doc/format.md, "Feedback"). A record
 * carries the commit of the note version its writer saw; reading maps its
 * lines to the note's text now. */

typedef struct wol_fitem {
	char *id;
	char *path;         /* the record, relative to the circle */
	char *kind;         /* "comment", "suggestion" or "reaction" */
	char *reaction;     /* reactions: "thanks", "+1", "idea" or "question" */
	char *author;       /* handle, from the front matter */
	char *created;      /* UTC "YYYY-MM-DDThh:mm:ssZ" as written, may be NULL */
	long long lamport;
	char *reply_to;     /* the item it answers, or NULL */
	char *thread;       /* the first item of its thread (its own id when it starts one) */
	char *text;         /* may be "" (reactions) */
	char *commit;       /* the commit of the note version it was written on, may be NULL */
	char *wrote_on;     /* the note's path as the record names it, may be NULL */
	long line1, line2;  /* the lines as written (of its thread's first item); 0: the whole note */
	long start, end;    /* where it sits in the note's text now (1-based, inclusive) */
	const char *anchor; /* "current" (the same text), "outdated" (its lines were changed or
	                       deleted), "note" (the whole note), "unknown" (the version it was
	                       written on is not in this clone), "orphaned" (no such note) */
	int clamped;        /* its lines went past the end of that version */
	int addressed;      /* the note's author marked it addressed */
	char *addressed_id;   /* that event */
	char *addressed_text; /* "what I changed", may be NULL */
	int mine;           /* written by the member acting */
	int forged;         /* (checked reads) the commit that added it has another author */
	char *committer;    /* (checked reads) "Name <email>" of that commit */
	char *problem;      /* a warning about this item, or NULL */
	char *note_id;      /* the note */
	char *note;         /* its path now (NULL when orphaned) */
	char *note_title;
	char *note_author;  /* its folder's handle (orphaned: the handle of its id, or NULL) */
	int orphaned;
} wol_fitem;

typedef struct wol_feedback {
	char *note_id;    /* one note: its id (NULL when it has none), path, title, author */
	char *note;
	char *note_title;
	char *note_author;
	long lines;       /* lines of that note's text */
	wol_fitem *items; /* one note: by place (start, then lamport, id); else newest first */
	size_t n;
	char **warnings;  /* records skipped, events ignored, forged authors: one line each */
	size_t nwarnings;
} wol_feedback;

typedef struct wol_feedback_opts {
	const char *note;  /* a note (its path, relative or absolute, or its id); NULL: every note */
	const char *text;  /* that note's text as the editor holds it (NULL: the file) */
	size_t len;
	const char *on;    /* only feedback on notes of this member (a handle) */
	const char *by;    /* only feedback written by this member */
	int check_authors; /* compare authors with the commits that added the records (walks
	                      the history: for threads, not for drawing) */
} wol_feedback_opts;

WOL_API int wol_feedback_get(wol_circle *c, const wol_feedback_opts *opts, wol_feedback *out,
                             wol_error *err);
WOL_API void wol_feedback_free(wol_feedback *f);

/* The reactions, in the order front ends offer them (NULL-terminated). */
WOL_API const char *const *wol_feedback_reactions(void);

typedef struct wol_comment_opts {
	const char *note;     /* the note: its path (relative or absolute) or its id */
	const char *kind;     /* NULL or "comment", "suggestion", "reaction" */
	const char *reaction; /* reactions: one of wol_feedback_reactions() */
	const char *text;     /* required for comments and suggestions */
	long line1, line2;    /* lines of the note as committed at HEAD; 0: the whole note */
	const char *reply_to; /* an item on the same note (id, unique prefix or suffix), or NULL */
	int force;            /* allow secret-looking text */
} wol_comment_opts;

typedef struct wol_fwrite {
	char *id;          /* the record written */
	char *path;        /* its path, relative to the circle */
	char *note_id;
	char *note;        /* the note's path */
	char *note_title;
	char commit[41];
	int has_remote;
	size_t ahead;
} wol_fwrite;

/* Writes one feedback record on a committed note (anyone's, one's own
 * too) and commits it. Refused, nothing written: a file that is not a
 * shared note, lines outside the note, an unknown kind or reaction, empty
 * or secret-looking text. */
WOL_API int wol_feedback_add(wol_circle *c, const wol_comment_opts *opts, wol_fwrite *out,
                             wol_error *err);
/* Marks the item `ref` (id, unique prefix or suffix) addressed, with an
 * optional text saying what changed. Only the note's author may
 * (WOL_EREFUSED for anyone else). */
WOL_API int wol_feedback_addressed(wol_circle *c, const char *ref, const char *text, int force,
                                   wol_fwrite *out, wol_error *err);
WOL_API void wol_fwrite_free(wol_fwrite *w);

/* ---------------------------------------------------------------- review */

/* The weekly review (csrc/review/): one ISO week (Monday to Sunday) looked
 * back on - the days written, the acts of working out loud (shares,
 * questions asked, answers given, questions resolved with what helped,
 * contributions, challenges done), the goal and whether it changed - then
 * reflection questions for the week's end from the prompt engine. Its
 * text is what :WolReview shows; saved, it is the journal file
 * journal/<ISO year>/<YYYY-Www>.md (private, 0600), written again (never
 * a second file) when saved again. */

typedef struct wol_review_act {
	const char *kind;  /* "share", "ask", "answer", "resolve", "contribution", "challenge" (static) */
	char date[11];
	char *title;       /* the note's or question's title, the person, the challenge */
	char *path;        /* relative to the circle (notes and questions), or NULL */
	char *detail;      /* share: "new" or "updated"; answer: the asker's handle; resolve: what
	                      helped; ask: the state now; contribution: what was given; or NULL */
	long count;        /* ask: answers so far; share: feedback on the note; else 0 */
} wol_review_act;

typedef struct wol_review {
	char week[9];            /* "2026-W10" */
	wol_date from, to;       /* its Monday and Sunday */
	char *circle;            /* the circle looked at, or NULL without one */
	char *path;              /* the review's journal file */
	int saved;               /* that file exists */
	unsigned char written[7]; /* a journal entry written that day, Monday first */
	int days;                /* days written */
	long shares, asked, answered, resolved, contributions, challenges;
	wol_review_act *acts;    /* by date, then kind */
	size_t nacts;
	char *goal;              /* my goal now, or NULL */
	char *goal_before;       /* the goal before its last change this week, or NULL */
	int goal_changed;        /* changed during the week */
	char **reflect;          /* reflection questions for the week's end */
	size_t nreflect;
	char *text;              /* the review as Markdown (new, or the saved file's text) */
	char **warnings;
	size_t nwarnings;
} wol_review;

typedef struct wol_review_opts {
	const char *week;   /* "YYYY-Www" or a date (wol_date_parse forms); NULL: this week */
	const char *circle; /* NULL: the default circle; a home without circles is fine */
	int fresh;          /* 1: text is made anew even when the review was saved */
	int norefresh;      /* 1: use the index as it is */
} wol_review_opts;

/* The week's review. `ix` is an open index of ctx (NULL: opened here). */
WOL_API int wol_review_get(wol_ctx *ctx, wol_index *ix, const wol_review_opts *opts,
                           wol_review *out, wol_error *err);
WOL_API void wol_review_free(wol_review *r);
/* Monday of the week named by `s` ("YYYY-Www" or a date; NULL: today's)
 * and its name "YYYY-Www" (buf of 9). */
WOL_API int wol_review_week(wol_ctx *ctx, const char *s, wol_date *monday, char *name,
                            wol_error *err);
/* Saves the review of `week` as its journal file (atomically, 0600, under
 * the journal's lock); *path (may be NULL) gets it. The text must be
 * UTF-8. */
WOL_API int wol_review_save(wol_ctx *ctx, const char *week, const char *text, size_t len,
                            char **path, wol_error *err);
/* One line offering the review on `date` (the default circle's meeting
 * day, or a Friday without a circle), or *line NULL when there is nothing
 * to offer (another day, or this week's review is saved). */
WOL_API int wol_review_offer(wol_ctx *ctx, wol_date date, char **line, wol_error *err);

/* ---------------------------------------------------------------- export */

/* A legacy you can publish (csrc/export/): a standalone bundle of what was
 * shared in a circle - notes with their feedback, questions with their
 * answers and what helped, each exported member's goal and its revisions -
 * with an index page, as Markdown or as HTML (cmark, safe mode; one small
 * style sheet; relative links). Only the committed circle is read: never
 * the journal, the people records, or a member who is not exported.
 * Whose words are exported: mine, plus the handles in `include`; `all`
 * asks for every member and is refused unless each one other than me is
 * in `include`. Answers (and feedback) by others come with an exported
 * question (or note), with their authors' handles. */
typedef struct wol_export_opts {
	const char *circle;          /* NULL: the default circle */
	int all;                     /* every member (each must be in include) */
	const char *const *include;  /* handles exported besides mine */
	size_t ninclude;
	const char *from, *to;       /* wol_date_parse forms, or NULL */
	const char *format;          /* "md" or "html" (NULL: "html") */
	const char *out;             /* the directory to create (or an earlier export to replace) */
	/* NULL, or called with stage "read" (0, 0) before the circle is read
	 * and "write" (pages written, pages) as pages are written; non-zero
	 * stops the export (nothing is left behind) */
	wol_progress_cb progress;
	void *payload;
} wol_export_opts;

typedef struct wol_export_result {
	char *out;      /* absolute path of the bundle */
	char *index;    /* absolute path of its index page */
	char *format;
	char **members; /* the handles exported */
	size_t nmembers;
	size_t pages, notes, questions, answers, feedback;
	char **warnings; /* what was left out and why, one line each */
	size_t nwarnings;
} wol_export_result;

/* Writes the bundle into a temporary directory next to `out` and moves it
 * into place (an earlier export there is replaced in one step), so a
 * failed or killed export leaves the old one or none. Refused: an `out`
 * that exists and is not an earlier export or an empty directory, an
 * `out` inside $WOL_HOME, --all without every member in include. */
WOL_API int wol_export_run(wol_ctx *ctx, const wol_export_opts *opts, wol_export_result *out,
                           wol_error *err);
WOL_API void wol_export_result_free(wol_export_result *r);

/* -------------------------------------------------------------- activity */

/* A day is *active* when the journal was written, or when an act of working
 * out loud happened that day: a note shared, a question asked or an answer
 * given in any circle (the index's daily counts of the member), the day's
 * challenge marked done, a contribution given to someone on your list.
 * The streaks of `wol stats`, the statusline and :WolCircle count active
 * days (csrc/activity.c). */

#define WOL_DAY_WRITTEN 1u /* the journal entry has text beyond its template */
#define WOL_DAY_DONE 2u    /* the challenge is marked done */
#define WOL_DAY_CIRCLE 4u  /* a note, question or answer of mine in a circle */
#define WOL_DAY_GAVE 8u    /* a contribution given (people files) */
#define WOL_DAY_ACT (WOL_DAY_DONE | WOL_DAY_CIRCLE | WOL_DAY_GAVE)

typedef struct wol_activity_day {
	wol_date date;
	unsigned flags; /* WOL_DAY_* */
} wol_activity_day;

typedef struct wol_activity {
	wol_date today;
	wol_activity_day *days;    /* every day with something, oldest first (later
	                            * days too: an entry written ahead) */
	size_t n;
	wol_journal_stats written; /* the figures over days written */
	wol_journal_stats active;  /* the same figures over active days */
	int acted;                 /* days with an act, up to today */
	int today_acted;
	size_t entries;            /* journal entries present */
	char **warnings;           /* unreadable entries, an index that could not be used */
	size_t nwarnings;
} wol_activity;

typedef struct wol_activity_opts {
	wol_index *ix;  /* an open index; NULL: opened here (when there are circles) */
	int norefresh;  /* 1: use the index as it is (else each circle's new commits first) */
} wol_activity_opts;

/* The days written and the days acted, and their streaks. */
WOL_API int wol_activity_get(wol_ctx *ctx, const wol_activity_opts *opts, wol_activity *out,
                             wol_error *err);
WOL_API void wol_activity_free(wol_activity *a);
/* The WOL_DAY_* flags of a day (0 when nothing, or not in the list). */
WOL_API unsigned wol_activity_flags(const wol_activity *a, wol_date d);

/* ---------------------------------------------------------------- status */

/* The circle at a glance (csrc/status/): what :WolCircle and `wol status`
 * show, computed from the index (not a file scan), circle.md, members/ and
 * the journal's streaks. Dates come from the context's today. */

#define WOL_STATUS_WEEKS 12 /* columns of the activity grid */
#define WOL_PEOPLE_REACH 3  /* people to reach out to, at most (status and people) */
#define WOL_STATUS_DAYS (WOL_STATUS_WEEKS * 7)

typedef struct wol_status_member {
	char *handle;
	char *name;    /* display name */
	char *goal;    /* may be NULL */
	long notes;    /* notes shared in the last 7 days (today included) */
	long answers;  /* answers given in the last 7 days */
	char last[11]; /* day of the last note, question or answer; "" when none */
	long revised;  /* times the goal was revised (changes after the first goal) */
	int me;
} wol_status_member;

typedef struct wol_status_reach {
	char *name;    /* someone on your list to reach out to */
	long days;     /* days since the last contribution (or since added); -1 unknown */
} wol_status_reach;

typedef struct wol_status_item {
	const char *kind; /* "note", "question", "answer", "feedback" (static) */
	int updated;      /* note: changed in the period, created before it */
	char *author;
	char *title;      /* answers: the question's title */
	char *path;       /* relative to the circle */
	char *qid;        /* questions and answers */
	char date[11];    /* created, or (updated notes) the day it changed here */
} wol_status_item;

typedef struct wol_status_question {
	char *qid, *title, *author;
	char *path;    /* relative to the circle */
	char date[11]; /* asked */
	long answers;  /* not retracted */
	int age;       /* days since asked */
	int mine;
} wol_status_question;

typedef struct wol_status {
	char *circle;       /* the directory name */
	char *name;         /* from circle.md */
	char *handle;       /* the member looking */
	wol_date today;
	const char *phase;  /* "none" (no start date), "before", "running", "complete" (static) */
	int week, weeks;    /* program week of today (1..weeks) when running */
	wol_date started;   /* y == 0 when unknown */
	int meets;          /* 0 = monday .. 6 = sunday; -1 unknown */
	wol_date next_meeting; /* today or later; y == 0 when meets is unknown */
	wol_date since;     /* start of "since": the last meeting day, else 7 days ago */
	int since_meeting;  /* 1: `since` is the last meeting */
	char *remote;       /* origin URL or NULL */
	char *branch;
	size_t ahead;       /* commits waiting to be pushed */
	long long last_sync; /* unix time origin's branch was last updated here; 0: never */
	wol_status_member *members;
	size_t nmembers;
	wol_status_item *items; /* since `since`, newest first, at most opts.limit */
	size_t nitems;
	long items_total;
	wol_status_question *open; /* open questions, newest first, at most opts.limit */
	size_t nopen;
	long open_total;
	wol_status_item *feedback; /* feedback by others on my notes since `since`, newest first,
	                              at most opts.limit: kind "feedback", title the note's,
	                              path the record's, qid NULL */
	size_t nfeedback;
	long feedback_in;          /* all of those */
	long feedback_out;         /* feedback I gave since `since` */
	wol_date grid_start;  /* the Monday of the first column */
	int grid_today;       /* index of today in the grid (later cells are future) */
	unsigned char journal[WOL_STATUS_DAYS]; /* 1: a journal day written */
	unsigned char acts[WOL_STATUS_DAYS];    /* my private acts: the challenge done, a
	                                         * contribution given (0..2) */
	unsigned short mine[WOL_STATUS_DAYS];   /* my notes, questions and answers */
	unsigned short everyone[WOL_STATUS_DAYS]; /* everyone's */
	int streak, longest;  /* streaks of active days (wol_activity: written or acted) */
	int journal_week;     /* journal days written this week */
	int active_week;      /* active days this week */
	/* your own list (private: the status is computed on your machine) */
	long given_week;      /* contributions this week, to anyone on your list */
	long people;          /* people on your list */
	wol_status_reach reach[WOL_PEOPLE_REACH]; /* longest without a contribution */
	size_t nreach;
	char **warnings;      /* circle.md problems, unreadable entries: one line each */
	size_t nwarnings;
	char *notice;         /* from the index refresh, or NULL */
} wol_status;

typedef struct wol_status_opts {
	const char *circle; /* NULL: the default circle */
	int limit;          /* items and open questions listed; 0: 50 */
	int norefresh;      /* 1: use the index as it is */
	int stale_days;     /* people to reach out to: this many days without a
	                     * contribution; 0: WOL_PEOPLE_STALE_DAYS */
} wol_status_opts;

/* Computes the status of a circle. `ix` is an open index of ctx (NULL:
 * opened and closed here); unless norefresh, it is first brought up to date
 * with what the circle's HEAD changed (wol_index_refresh_circle). */
WOL_API int wol_status_get(wol_ctx *ctx, wol_index *ix, const wol_status_opts *opts,
                           wol_status *out, wol_error *err);
WOL_API void wol_status_free(wol_status *s);
/* Cell level 0..4 of grid day i (0: nothing, 1: a journal day or one act,
 * up to 4), the same for every front end. */
WOL_API int wol_status_level(const wol_status *s, int i);

/* A meeting agenda (Markdown, malloc'd) for the next meeting: a check-in
 * round, each member's shares since the last meeting, the open questions
 * to discuss, and the program focus of the week after (the prompt of the
 * day a week after the next meeting). */
WOL_API int wol_status_agenda(wol_ctx *ctx, const wol_status *s, char **out, wol_error *err);
/* Saves an agenda (or meeting notes) into the journal entry of `date`
 * under the heading "## Circle meeting", replacing that section when it is
 * there (creating the entry from its template when missing), atomically
 * under the journal lock. *path (may be NULL) gets the entry's path. */
WOL_API int wol_status_agenda_save(wol_ctx *ctx, wol_date date, const char *text, size_t len,
                                   char **path, wol_error *err);

/* ---------------------------------------------------------------- doctor */

/* What `:checkhealth wol` and `wol doctor` report, computed once, here. */
typedef enum wol_check_level {
	WOL_CHECK_OK,
	WOL_CHECK_INFO,
	WOL_CHECK_WARN,
	WOL_CHECK_ERROR
} wol_check_level;

typedef struct wol_check {
	wol_check_level level;
	char *section; /* "libraries", "home", "identity", "circles", "people" */
	char *msg;
	char *advice; /* what to do, or NULL */
} wol_check;

typedef struct wol_checks {
	wol_check *items;
	size_t n, cap;
} wol_checks;

WOL_API int wol_doctor_run(wol_ctx *ctx, wol_checks *out, wol_error *err);
WOL_API void wol_doctor_free(wol_checks *checks);
WOL_API const char *wol_doctor_level_name(wol_check_level level);

/* ---------------------------------------------------------------- people */

/* The practitioner's own relationship list (csrc/people/): one file per
 * person at $WOL_HOME/people/<slug>.md (files 0600, the folder 0700),
 * front matter name, relation, closeness, handle, circles, tags, added, and
 * a body whose lines "- YYYY-MM-DD HH:MM what" are the contributions made
 * to that person. Private like the journal: never in a circle. Writers
 * hold $WOL_HOME/people/.lock and replace files atomically. */

#define WOL_PERSON_NAME_MAX 200   /* bytes of a name */
#define WOL_PEOPLE_TEXT_MAX 4096  /* bytes of a relation or a contribution */
#define WOL_PEOPLE_STALE_DAYS 14  /* "not contributed to in N+ days" */
#define WOL_PERSON_MAX_BYTES ((size_t)4 * 1024 * 1024) /* largest person file read */

typedef struct wol_contribution {
	char date[11];    /* YYYY-MM-DD */
	char time[6];     /* HH:MM ("" for answers) */
	char *what;       /* the line's text; answers: the question's title */
	const char *kind; /* "give" (a line in the file) or "answer" (static) */
	char *circle;     /* answers: the circle, else NULL */
	char *path;       /* answers: the answer's path in the circle, else NULL */
	int line;         /* give: the 1-based line in the file, else 0 */
} wol_contribution;

typedef struct wol_person {
	char *slug;
	char *path;       /* absolute */
	char *name;       /* the slug when the front matter is broken */
	char *relation;   /* may be NULL */
	int closeness;    /* 0..5, -1 when not set */
	char *handle;     /* a circle member's handle, or NULL */
	char **circles;   /* where that member's answers count; none: every circle */
	size_t ncircles;
	char **tags;
	size_t ntags;
	char added[11];   /* YYYY-MM-DD, "" when unknown */
	long count;       /* contributions (lines and answers) up to today */
	long week;        /* of them this week (Monday..today) */
	char last[11];    /* day of the last contribution up to today, "" when none */
	long days;        /* days since `last`, else since `added`; -1 when neither */
	int stale;        /* days >= the stale threshold (or nothing known) */
	wol_contribution *contribs; /* wol_people_get only (detail set): oldest first */
	size_t ncontribs;
	int detail;       /* contribs were read */
	char *warning;    /* broken front matter or bad values: the file is listed, never rewritten */
	int broken;       /* the front matter cannot be read (writes to it are refused) */
} wol_person;


typedef struct wol_people {
	wol_person *items;
	size_t n;
	const char *sort;  /* the order used (static): see wol_people_opts */
	int stale_days;
	long week;         /* contributions this week, everyone */
	long stale;        /* people at or past the stale threshold */
	size_t reach[WOL_PEOPLE_REACH]; /* indexes into items: the stale people longest
	                                 * without a contribution, in that order */
	size_t nreach;
	char **warnings;   /* files that could not be read (the others are listed) */
	size_t nwarnings;
} wol_people;

typedef struct wol_people_opts {
	const char *sort;  /* "stale" (default: longest without a contribution first),
	                      "name", "closeness" (closest first), "count" (most first) */
	int stale_days;    /* 0: WOL_PEOPLE_STALE_DAYS */
	wol_index *ix;     /* an open index for answers to members' questions, or NULL */
	int no_answers;    /* 1: count only the lines in the files */
	int norefresh;     /* 1: use the index as it is (else each circle's new commits first) */
} wol_people_opts;

/* The sorts in the order a list view cycles through them (NULL-terminated). */
WOL_API const char *const *wol_people_sorts(void);
/* Lists $WOL_HOME/people (missing: an empty list). Unreadable files become
 * warnings, files with broken front matter are listed with a warning. */
WOL_API int wol_people_list(wol_ctx *ctx, const wol_people_opts *opts, wol_people *out,
                            wol_error *err);
WOL_API void wol_people_free(wol_people *p);

/* One person with every contribution (ref: a name or slug, case-insensitive). */
WOL_API int wol_people_get(wol_ctx *ctx, const char *ref, const wol_people_opts *opts,
                           wol_person *out, wol_error *err);
WOL_API void wol_person_free(wol_person *p);
/* The slug of the person `ref` names: its slug or name, ASCII case
 * ignored. WOL_ENOTFOUND (one line suggesting `wol people add`) or
 * WOL_EINVAL when two people carry the name. */
WOL_API int wol_people_find(wol_ctx *ctx, const char *ref, char **slug, wol_error *err);
/* Whether `name` is acceptable: UTF-8, no control characters, not a path,
 * not empty, at most WOL_PERSON_NAME_MAX bytes. */
WOL_API int wol_people_check_name(const char *name, wol_error *err);

typedef struct wol_person_new {
	const char *name;
	const char *relation;          /* NULL: none */
	int closeness;                 /* 0..5, -1: not set */
	const char *handle;            /* NULL: none */
	const char *const *circles;
	size_t ncircles;
	const char *const *tags;
	size_t ntags;
} wol_person_new;

/* Adds a person: the slug comes from the name (a taken one gets -2, -3,
 * ...). *slug (may be NULL) gets it, malloc'd. */
WOL_API int wol_people_add(wol_ctx *ctx, const wol_person_new *p, char **slug, wol_error *err);
/* Moves the person's file to $WOL_HOME/people/.trash/ (never deletes);
 * *moved (may be NULL) gets the new path. */
WOL_API int wol_people_rm(wol_ctx *ctx, const char *ref, char **moved, wol_error *err);

typedef struct wol_give_opts {
	const char *date; /* wol_date_parse forms; NULL: today */
	const char *time; /* HH:MM; NULL: the local time now */
} wol_give_opts;

typedef struct wol_given {
	char *slug, *name, *path;
	char date[11];
	char time[6];
	char *line;       /* the line appended (without the newline) */
} wol_given;

/* Appends "- YYYY-MM-DD HH:MM what" to the person's file under the people
 * lock. Refused (nothing written): an unknown person, an empty or
 * multi-line text, text over WOL_PEOPLE_TEXT_MAX, a broken file. */
WOL_API int wol_people_give(wol_ctx *ctx, const char *ref, const char *what,
                            const wol_give_opts *opts, wol_given *out, wol_error *err);
WOL_API void wol_given_free(wol_given *g);

/* The person to reach out to on `date` ({{person}} in prompts): the one
 * longest without a contribution, ties broken by a rotation seeded by the
 * date. *name is NULL when the list is empty. */
WOL_API int wol_people_pick(wol_ctx *ctx, wol_date date, char **name, wol_error *err);

/* ------------------------------------------------------------------ goal */

/* A member's goal lives in members/<handle>.md of each circle (`goal:`),
 * so the circle sees it; setting it is a commit like a share, pushed by
 * the next sync. Its history is read from the repository (csrc/people/goal.c). */

#define WOL_GOAL_MAX 4096 /* bytes */

typedef struct wol_goal {
	char *circle;
	char *handle;
	char *text;      /* NULL when no goal is set */
	int words;
	char *note;      /* a gentle note (e.g. over WOL_GOAL_WORDS words), or NULL */
	char commit[41]; /* wol_goal_set: the new commit ("" when unchanged) */
	int unchanged;   /* wol_goal_set: the goal was already this text */
	size_t ahead;    /* wol_goal_set: commits waiting to be pushed */
} wol_goal;

/* The goal of `handle` (NULL: the circle handle's member). */
WOL_API int wol_goal_get(wol_circle *c, const char *handle, wol_goal *out, wol_error *err);
/* Sets my goal: whitespace runs become one space; refused (nothing
 * written): empty, over WOL_GOAL_MAX bytes, not UTF-8, control characters. */
WOL_API int wol_goal_set(wol_circle *c, const char *text, wol_goal *out, wol_error *err);
WOL_API void wol_goal_free(wol_goal *g);
/* A goal's text normalised and checked as wol_goal_set does (for callers
 * that check before acting, e.g. a join). *out malloc'd; *note as above. */
WOL_API int wol_goal_check(const char *text, char **out, char **note, wol_error *err);

typedef struct wol_goal_rev {
	char date[11];   /* the commit's date in its own time zone */
	long long time;  /* unix time of the commit */
	char commit[41];
	char *text;      /* "" when the goal was removed */
	char *author;    /* the member's handle who made it, else the commit author's name */
	int outside;     /* made by someone other than the member (not a wol goal change) */
} wol_goal_rev;

typedef struct wol_goal_history {
	char *handle;
	wol_goal_rev *revs; /* oldest first */
	size_t n;
} wol_goal_history;

/* Every commit of HEAD's history that changed the goal in
 * members/<handle>.md, oldest first: the repository's history walk
 * (repo/history.c, a libgit2 revwalk limited to the path; a merge counts
 * only for what it changed itself) comparing the goal in the file's blob
 * with the parent's. */
WOL_API int wol_goal_history_get(wol_circle *c, const char *handle, wol_goal_history *out,
                                 wol_error *err);
WOL_API void wol_goal_history_free(wol_goal_history *h);

/* How many times each member's goal was revised (changes after the first
 * goal), for the dashboard. Kept in the clone's .git/wol-goals keyed by
 * HEAD, so only commits new since the last call are walked. handles[i]
 * -> counts[i]. */
WOL_API int wol_goal_revisions(wol_circle *c, const char *const *handles, size_t n,
                               long *counts, wol_error *err);

#endif
