/* format/layout.h - the layout rules the library asks (not API; the
 * classifier itself, wol_place_of, is in wol.h). */
#ifndef WOL_FORMAT_LAYOUT_H
#define WOL_FORMAT_LAYOUT_H

#include "util/util.h"

/* An id or a record's file stem: 1 to WOL_ID_READ_MAX of [A-Za-z0-9._-],
 * not starting with '.'. The one id rule of every reader. */
int wol_id_valid(const char *s, size_t n);

/* The member an id of wol's own form (<yyyymmddThhmmssZ>-<handle>-<hex>)
 * names, into out: 1, or 0 when the id has another form. */
int wol_id_handle(const char *id, char *out, size_t size);

/* The note ids of feedback/<note-id>/ (doc/format.md, "The note id"). */
/* "path-" and 20 hex digits: the key of a note without an id. */
#define WOL_NOTE_KEY_SIZE 26
/* The key of a note path (relative to the circle): "path-" and the first
 * 20 hex digits of the git blob id of the path's text. 0, or -1 (out is
 * then ""). */
int wol_note_key(const char *rel, char out[WOL_NOTE_KEY_SIZE]);
/* Whether a note id is a path key. */
int wol_note_key_is(const char *nid);
/* Whether a note in the folder of `handle` may carry the front matter id
 * `id`: a record id that is not a path key and, when it is of wol's form,
 * names handle. */
int wol_note_id_fits(const char *id, const char *handle);

#endif
