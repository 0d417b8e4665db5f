/* format/layout.h - the layout rules the library asks (not API; the
 * classifier itself, wol_place_of, is in wol.h). */
#ifndef WOL_FORMAT_LAYOUT_H
#define WOL_FORMAT_LAYOUT_H

#include "util/util.h"

/* An id or a record's file stem: 1 to WOL_ID_READ_MAX of [A-Za-z0-9._-],
 * not starting with '.'. The one id rule of every reader. */
int wol_id_valid(const char *s, size_t n);

#endif
