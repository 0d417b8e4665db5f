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
/* A new members/<handle>.md for the acting member (name, goal when given,
 * joined today), rendered; NULL after filling err. */
char *wol_circle__member_doc(wol_circle *c, const char *goal, size_t *len, wol_error *err);
/* members/<handle>.md (`rel`) with `goal` set: the front matter rendered
 * again, the body kept as written; a new file when there is none. *old_goal
 * gets the goal it held (NULL: none). A file that cannot be parsed is
 * refused ("fix the file first"). */
int wol_circle__member_with_goal(wol_circle *c, const char *rel, const char *goal, char **out,
                                 size_t *len, char **old_goal, wol_error *err);
/* Words in a goal (runs of non-blanks), measured against WOL_GOAL_WORDS. */
int wol_circle__words(const char *s);

/* note.c: a free path notes/<handle>/<slug>[-N].md (work tree and HEAD);
 * my notes without commit times. */
char *wol_note__free_path(wol_circle *c, const char *title);
int wol_note__list_quick(wol_circle *c, wol_note **out, size_t *n, wol_error *err);

#endif
