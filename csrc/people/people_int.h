/* people_int.h - what the files of csrc/people/ share; not API. */
#ifndef WOL_PEOPLE_INT_H
#define WOL_PEOPLE_INT_H

#include "util/util.h"

/* How long a writer waits for $WOL_HOME/people/.lock. */
#define WOL_PEOPLE_LOCK_WAIT_MS 10000

/* "$WOL_HOME/people" (malloc'd; NULL: out of memory). */
char *wol_people__dir(const wol_ctx *ctx);
/* Creates the folder (0700) and takes its lock; *dir gets the folder. */
int wol_people__lock(wol_ctx *ctx, wol_lock *lk, char **dir, wol_error *err);

/* person.c: reads the file of `slug` in `dir` into *p (contributions kept
 * when `detail`). A file that cannot be read is an error; broken front
 * matter is not (p->broken and p->warning say so). */
int wol_people__read(const char *dir, const char *slug, wol_date today, int stale_days,
                     int detail, wol_person *p, wol_error *err);
/* Whether a file name is a person's file ("<slug>.md", no leading dot);
 * copies the slug into buf (size at least 256). */
int wol_people__file_slug(const char *fname, char *buf, size_t size);
/* The slug a new person called `name` would get before collisions. */
void wol_people__base_slug(const char *name, char *buf, size_t size);
/* Parses "- YYYY-MM-DD HH:MM text" (the line without its newline): 1 and
 * the parts, or 0. */
int wol_people__contrib_line(const char *s, size_t n, char date[11], char time[6],
                             const char **text, size_t *tn);
/* ASCII-case-insensitive equality of two UTF-8 strings. */
int wol_people__same(const char *a, const char *b);

/* person.c: counts one contribution of `date` (YYYY-MM-DD) in p's figures
 * (count; week and last when not after today); then wol_people__settle. */
void wol_people__count(wol_person *p, const char *date, wol_date today);
/* Computes days and stale from last/added; sorts p->contribs by date. */
void wol_people__settle(wol_person *p, wol_date today, int stale_days);

/* answers.c: adds the answers I gave to the questions of people who are
 * circle members (`handle:`) through the open index (`refresh`: each
 * circle's changes taken in first). */
int wol_people__answers(wol_ctx *ctx, wol_index *ix, wol_person *v, size_t n, int refresh,
                        wol_error *err);

/* person.c: a deep copy of a person read without its contributions. */
int wol_people__copy(const wol_person *src, wol_person *dst);
/* cache.c: wol_people__read (no contributions) through the context's cache
 * of parsed files, checked against each file's stat. `dirfd`: `dir` open
 * (O_DIRECTORY), or -1. */
int wol_people__read_cached(wol_ctx *ctx, const char *dir, int dirfd, const char *slug,
                            int stale_days, wol_person *out, wol_error *err);

/* list.c: the refs of people (dir listing, sorted file names). */
int wol_people__slugs(const char *dir, char ***slugs, size_t *n, wol_error *err);

/* days.c: the day (wol_date_to_days) of every contribution line of every
 * person file, in no order, repeats included; *days is malloc'd. Files that
 * cannot be read are left out (the list reports them). */
int wol_people__give_days(wol_ctx *ctx, long **days, size_t *ndays, wol_error *err);

#endif
