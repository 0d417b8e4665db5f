/* journal_int.h - what the journal's files (csrc/journal/) share; not API. */
#ifndef WOL_JOURNAL_INT_H
#define WOL_JOURNAL_INT_H

#include <sys/types.h>

#include "util/util.h"

/* text.c */
int wol_journal__is_blank(const char *s, size_t n);
/* Offset of the first byte of line `line` (1-based) in text. */
size_t wol_journal__line_offset(const char *text, size_t len, int line);

/* entry.c: every writer of an entry holds this lock ($WOL_HOME/journal/.lock,
 * malloc'd), waiting at most WOL_JOURNAL_LOCK_WAIT_MS for it. */
#define WOL_JOURNAL_LOCK_WAIT_MS 10000
char *wol_journal__lock_path(const wol_ctx *ctx);
/* entry.c: an entry file name YYYY-MM-DD.md inside year directory `year`:
 * 0 and *d, else -1 (the other half of wol_journal_path). */
int wol_journal__entry_name(const char *name, const char *year, wol_date *d);
/* entry.c: reads the entry at path: WOL_ENOTFOUND when missing. */
int wol_journal__read_entry(const char *path, char **text, size_t *len, mode_t *mode,
                            wol_error *err);

#endif
