/* review_int.h - what the files of csrc/review/ share; not API. */
#ifndef WOL_REVIEW_INT_H
#define WOL_REVIEW_INT_H

#include "util/util.h"

/* "YYYY-Www" of the ISO week starting on `monday` (buf of 9). */
void wol_review__week_name(wol_date monday, char *buf);
/* $WOL_HOME/journal/<ISO year>/<week>.md (malloc'd). */
char *wol_review__path(const wol_ctx *ctx, const char *week);
/* The review as Markdown with front matter (text.c); NULL: out of memory. */
char *wol_review__text(const wol_review *r);

#endif
