/* feedback_int.h - what the files of csrc/feedback/ share; not API.
 *
 * feedback/<note-id>/<id>.md and feedback/<note-id>/events/<id>.md are
 * records written once by their author (doc/format.md, "Feedback"). The
 * state (addressed or not, where an item sits in the note today) is
 * derived from the files on every read. */
#ifndef WOL_FEEDBACK_INT_H
#define WOL_FEEDBACK_INT_H

#include "format/layout.h"
#include "question/question_int.h"
#include "wol.h"
#include "util/util.h"

/* The largest note read for anchoring (as note.c reads notes). */
#define WOL_FEEDBACK_NOTE_MAX (4 * 1024 * 1024)

/* Kinds of records. */
enum { WOL_FB_COMMENT = 1, WOL_FB_SUGGESTION, WOL_FB_REACTION, WOL_FB_ADDRESSED };
/* Ranges beyond this line number are not ranges. */
#define WOL_FEEDBACK_LINES_MAX 10000000L
/* Threads deeper than this (or going round) are broken up. */
#define WOL_FEEDBACK_DEPTH 256

/* read.c: the kind of a record (0: unknown); a known reaction; "A-B" or
 * "A" into a..b (0 and a = b = 0 for NULL or "", -1 when malformed). */
int wol_feedback__kind(const char *kind);
int wol_feedback__reaction_ok(const char *r);
int wol_feedback__parse_lines(const char *s, long *a, long *b);

/* ------------------------------------------------- anchoring (anchor.c) */

/* One hunk of a diff without context lines, as libgit2 reports it: for a
 * pure insertion old_lines is 0 and old_start the line it follows. */
typedef struct wol_fhunk {
	long old_start, old_lines, new_start, new_lines;
} wol_fhunk;

typedef struct wol_fdiff {
	wol_fhunk *h;
	size_t n, cap;
	long old_total, new_total; /* lines of each text */
	int oom;
} wol_fdiff;

/* Where a range sits in the new text. */
typedef struct wol_fplace {
	long start, end; /* 1-based, inclusive, within the new text (line 1 when it is empty) */
	int outdated;    /* some of its lines were deleted or rewritten */
	int clamped;     /* the range went past the end of the old text */
} wol_fplace;

/* Lines of a text: '\n' count, plus one for a last line without one. */
long wol_feedback__lines(const char *text, size_t len);
/* Diffs the old text against the current one (a libgit2 diff of the two
 * buffers, no context lines). */
int wol_feedback__diff(const char *old, size_t olen, const char *cur, size_t clen, wol_fdiff *d,
                       wol_error *err);
void wol_feedback__diff_free(wol_fdiff *d);
/* Maps the old range a..b (1-based, inclusive) through d. */
void wol_feedback__place(const wol_fdiff *d, long a, long b, wol_fplace *out);

/* ---------------------------------------------------- the note (note.c) */

/* A note feedback is about, read from the work tree (its id and key by
 * the note id rules of format/layout.h). */
typedef struct wol_fnote {
	char *id;     /* its front matter id when it may carry feedback, else NULL */
	char key[WOL_NOTE_KEY_SIZE]; /* the key of its path */
	char *path;   /* notes/<handle>/<name>.md */
	char *title;
	char *author; /* the folder's handle */
	char *text;   /* the file's text */
	size_t len;
} wol_fnote;

void wol_feedback__note_free(wol_fnote *n);
/* The folder a note's new feedback goes to: its id, else its path key. */
#define wol_feedback__nid(n) ((n)->id ? (n)->id : (n)->key)
/* Whether rel is notes/<handle>/<name>.md; the handle into `handle`. */
int wol_feedback__note_path(const char *rel, char *handle, size_t size);
/* The note a reference names: a path relative to the circle, an absolute
 * path inside it, or a note id. */
int wol_feedback__note_ref(wol_circle *c, const char *ref, wol_fnote *n, wol_error *err);
/* Reads the note at rel (notes/<handle>/<name>.md). */
int wol_feedback__read_note(wol_circle *c, const char *rel, const char *handle, wol_fnote *n,
                            wol_error *err);
/* The notes of notes/<handle>/ that carry an id, by file name. */
int wol_feedback__scan(wol_circle *c, const char *handle, wol_fnote **out, size_t *n);
void wol_feedback__notes_free(wol_fnote *v, size_t n);
/* The note carrying id, or whose path has the key id: 0, WOL_ENOTFOUND or
 * WOL_ENOMEM (no message). */
int wol_feedback__note_by_id(wol_circle *c, const char *id, wol_fnote *n);

/* Whose note the folder feedback/<nid>/ was about when the note is gone,
 * from the `note` path its first readable record names (notes/<handle>/):
 * 1 with the handle in h, else 0. */
int wol_feedback__owner_of(const char *root, const char *nid, char *h, size_t size);
/* The feedback on note n (all its folders; nid NULL), or in the orphaned
 * folder feedback/<nid>/ (n NULL; author: whose note it was, or NULL),
 * built as wol_feedback_get builds it; *last gets the highest lamport
 * among all the records. 0 or WOL_ENOMEM. */
int wol_feedback__of(wol_circle *c, const char *nid, const wol_fnote *n, const char *author,
                     wol_feedback *out, long long *last);

/* ------------------------------------- one folder's items (items.c) */

/* The records of feedback/<nid>/, in replay order. */
typedef struct folder {
	wol_qrecord *rec; /* replay order: (lamport, id) */
	size_t n;
	long long last;   /* the highest lamport among them */
} folder;

/* The note a folder's items are about. */
typedef struct note_ctx {
	const char *nids[2];   /* its folders: its id's and its path key's (or the orphan's one) */
	size_t nnids;
	const wol_fnote *note; /* NULL: orphaned */
	const char *author;    /* whose note (may be NULL for an orphan of unknown owner) */
	const char *text;      /* the note's text now */
	size_t len;
	long lines;
} note_ctx;

/* A growing vector of items. */
typedef struct ivec {
	wol_fitem *v;
	size_t n, cap;
	int oom;
} ivec;

void wol_feedback__item_free(wol_fitem *it);
/* Builds the items of one note's folder into iv (appending), replaying
 * its `addressed` events. */
int wol_feedback__build(wol_circle *c, const note_ctx *nc, folder *f, const wol_feedback_opts *o,
                        ivec *iv, wol_strv *warn);

#endif
