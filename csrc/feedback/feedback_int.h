/* feedback_int.h - what the files of csrc/feedback/ share; not API.
 *
 * feedback/<note-id>/<id>.md and feedback/<note-id>/events/<id>.md are
 * records written once by their author (doc/format.md, "Feedback"). The
 * state (addressed or not, where an item sits in the note today) is
 * derived from the files on every read. */
#ifndef WOL_FEEDBACK_INT_H
#define WOL_FEEDBACK_INT_H

#include "wol.h"

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

#endif
