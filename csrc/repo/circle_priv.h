/* circle_priv.h - what circle.c lends share.c and note.c; not API. */
#ifndef WOL_CIRCLE_PRIV_H
#define WOL_CIRCLE_PRIV_H

#include "wol.h"

const char *wol_circle__home(const wol_circle *c);
wol_date wol_circle__today(const wol_circle *c);
const char *wol_circle__author(const wol_circle *c);
/* Read / write root-relative files without following symbolic links. */
int wol_circle__read(wol_circle *c, const char *rel, size_t max, char **out, size_t *len,
                     wol_error *err);
/* The same from a circle's work tree path (for the index). */
int wol_circle__read_at(const char *root, const char *rel, size_t max, char **out, size_t *len,
                        wol_error *err);
int wol_circle__write(wol_circle *c, const char *rel, const char *data, size_t len,
                      wol_error *err);

/* What waits to be pushed after a commit: *has_remote 1 when the clone
 * has an origin, *ahead its commits not on origin's branch (0 on errors). */
void wol_circle__pending(wol_circle *c, int *has_remote, size_t *ahead);

/* note.c: a free path notes/<handle>/<slug>[-N].md (work tree and HEAD);
 * my notes without commit times. */
char *wol_note__free_path(wol_circle *c, const char *title);
int wol_note__list_quick(wol_circle *c, wol_note **out, size_t *n, wol_error *err);

#endif
