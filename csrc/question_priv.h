/* question_priv.h - what question.c lends the index (qlist.c); not API.
 * One replay, one set of rules: the index stores what these compute. */
#ifndef WOL_QUESTION_PRIV_H
#define WOL_QUESTION_PRIV_H

#include "wol.h"

/* The listing row of questions/<qid> under the circle work tree `root`,
 * read from the files and replayed with the rules of question.c. Returns
 * 0 with q filled: q->state is NULL when question.md itself could not be
 * read (the reason is then the last warning); q->warnings holds every
 * warning about this question in order; q->mine is left 0. Fails only on
 * out of memory. */
int wol_question__summary(const char *root, const char *qid, wol_question *q, wol_error *err);
/* WOL_EINVAL unless state is NULL, "", open, resolved, retracted or all. */
int wol_question__check_state(const char *state, wol_error *err);
/* The question directories under root/questions: the valid ids sorted in
 * *qids (when qids is not NULL) and, sorted, one warning per entry that
 * is not a question id. Returns 0 or WOL_ENOMEM. */
int wol_question__bad_dirs(const char *root, char ***qids, size_t *nq, char ***bad, size_t *nbad);
/* The listing order: open first, then resolved, then retracted; newest first. */
void wol_question__sort(wol_question *items, size_t n);

#endif
