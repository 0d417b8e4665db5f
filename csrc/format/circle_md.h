/* format/circle_md.h - circle.md read by one set of rules; not the API.
 * The product API shows the result through wol_circle_info (repo/info.c). */
#ifndef WOL_CIRCLE_MD_H
#define WOL_CIRCLE_MD_H

#include "util/util.h"

/* circle.md, read by one set of rules (csrc/format/circle_md.c). Every
 * reader (the prompt, the dashboard and its agenda, join, doctor, the CLI
 * and the binding) goes through it, so they agree on each value, on the
 * warning a bad value gets and on what is used instead. */
typedef struct wol_circle_md {
	char *name;       /* NULL when missing or empty */
	char *goal;       /* the circle's purpose, NULL when missing */
	wol_date started; /* the first day of week 1; y == 0 when missing or not a date */
	int meets;        /* 0 = monday .. 6 = sunday; -1 when missing or not a weekday */
	int weeks;        /* 1..WOL_CIRCLE_WEEKS_MAX; WOL_CIRCLE_WEEKS when missing or bad */
	int format;       /* the format version written; 0 when missing */
	char **warnings;  /* "wol: <path>:<line>: <key>: '<value>' <why> (<what is used>)" */
	size_t nwarnings;
} wol_circle_md;

/* Reads <dir>/circle.md (a symbolic link is not followed). A missing file
 * gives the defaults without a warning; a file that cannot be read or
 * parsed gives the defaults and a warning. Fails only when out of memory. */
int wol_circle_md_read(const char *dir, wol_circle_md *out, wol_error *err);
/* The same from text; `label` names it in warnings. */
int wol_circle_md_parse(const char *text, size_t len, const char *label,
                        wol_circle_md *out, wol_error *err);
void wol_circle_md_free(wol_circle_md *md);
/* The program week of `date`: 1..weeks inside the program, 0 before it,
 * after it, or without a start date. */
int wol_circle_md_week(const wol_circle_md *md, wol_date date);

/* Words in a goal (runs of non-blanks), measured against WOL_GOAL_WORDS. */
int wol_goal_words(const char *s);

#endif
