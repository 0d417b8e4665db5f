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
/* entry.c: creates $WOL_HOME/journal/YYYY (0700 each); *lockpath (may be
 * NULL) gets the journal lock's path. */
int wol_journal__make_dirs(wol_ctx *ctx, wol_date date, char **lockpath, wol_error *err);
/* template.c: the template of a new entry, and *prints (may be NULL;
 * malloc'd, NULL when none) the fingerprints of its text lines. */
int wol_journal__template(wol_ctx *ctx, wol_date date, char **out, size_t *len, char **prints,
                          char **warning, wol_error *err);
/* template.c: where the fingerprints of the entry at `entry` are kept
 * ($WOL_HOME/journal/.template/YYYY-MM-DD; malloc'd, NULL for a path that
 * is not an entry's). */
char *wol_journal__prints_path(const char *entry);
/* entry.c: the text of a new entry at `path` from its template, its
 * fingerprints written first; the caller holds the journal lock. */
int wol_journal__new_entry(wol_ctx *ctx, wol_date date, const char *path, char **text,
                           size_t *len, char **warning, wol_error *err);
/* done.c: whether an entry's front matter marks its challenge done. */
int wol_journal__done_of(const wol_yaml *meta);
/* entry.c: reads the entry at path: WOL_ENOTFOUND when missing. */
int wol_journal__read_entry(const char *path, char **text, size_t *len, mode_t *mode,
                            wol_error *err);

#endif
