/* question_int.h - what the files of csrc/question/ share, and what they
 * lend the index (qlist.c); not API. One replay, one set of rules: the
 * index stores what these compute.
 *
 * questions/<qid>/question.md, answers/<aid>.md and events/<eid>.md are
 * each written once, by their author, and committed with
 * wol_circle_commit. Nothing is ever rewritten, so merges only add paths.
 * The state of a question is derived by replaying its records ordered by
 * (lamport, id); every machine that holds the same files derives the same
 * state. Reading is tolerant: a record that cannot be read is skipped with
 * a warning naming its file, unknown keys are kept, unknown event kinds
 * are ignored with a warning. */
#ifndef WOL_QUESTION_INT_H
#define WOL_QUESTION_INT_H

#include "repo/circle_priv.h"
#include "format/layout.h"

#define Q_READ_MAX (2 * 1024 * 1024)
#define Q_TITLE_MAX 200

/* ---------------------------------------------------- for the index */

/* The listing row of questions/<qid> under the circle work tree `root`,
 * read from the files and replayed with the rules of replay.c. Returns
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
/* The circle's questions by reading and replaying every record file (no
 * index; list.c). Arguments as wol_question_list's. */
int wol_question__list_files(wol_circle *c, const char *state, const char *author,
                             wol_questions *out, wol_error *err);

/* ------------------------------------------------- records (record.c) */

/* A question and its records as read. */
typedef struct wol_qloaded {
	wol_qrecord q;    /* the question */
	wol_qrecord *rec; /* answers and events, replay order */
	size_t n;
} wol_qloaded;

/* Parses a positive decimal lamport clock; -1 when it is not one. */
long long wol_question__parse_lamport(const char *s);
/* The body without the blank line that follows the front matter and
 * without trailing blank lines. */
char *wol_question__trim_body(const char *b);
int wol_question__blank(const char *s);
void wol_question__record_free(wol_qrecord *r);
/* Replay order: (lamport, id). */
int wol_question__cmp_record(const void *a, const void *b);
/* Reads and checks a record from its text (a file, or a blob of the
 * history). what: as for wol_question__read_record. Returns 0, or -1 with
 * *bad saying what is wrong (the message names the file), or a negative
 * wol_code on out of memory. */
int wol_question__parse_record(const char *text, size_t len, const char *rel, const char *id,
                               const char *what, wol_qrecord *r, wol_error *bad);
void wol_question__loaded_free(wol_qloaded *l);
/* Reads a question and its records. A malformed question.md fails with
 * WOL_EINVAL naming it; malformed answers and events become warnings. */
int wol_question__load(const char *root, const char *qid, wol_qloaded *l, wol_strv *warn,
                       wol_error *err);

/* ------------------------- records, shared with feedback/ (same rules) */

/* Reads and checks one record file `rel` (relative to root) whose id is
 * `id`. what: "question" or "answer" (the kind), or any other name of a
 * record whose kind is its front matter's `kind` ("event", "feedback").
 * Returns 0, or -1 with *bad saying what is wrong (a malformed record: no
 * valid author or lamport, no kind, a question without title, not UTF-8,
 * bad YAML, over Q_READ_MAX; the message names the file), or a negative
 * wol_code on out of memory. */
int wol_question__read_record(const char *root, const char *rel, const char *id,
                              const char *what, wol_qrecord *r, wol_error *bad);
/* The sorted stems of the <id>.md files in root/rel (ids only; any other
 * entry becomes a warning naming it). A missing folder is empty. */
int wol_question__list_records(const char *root, const char *rel, char ***out, size_t *n,
                               wol_strv *warn);
/* Marks records (all below the folder `dir`) whose adding commit was made
 * by someone other than their author: sets forged, committer and note. */
void wol_question__check_forged(wol_circle *c, const char *dir, wol_qrecord *recs, size_t n);
/* The same for records that are not in one array (one walk for all). */
void wol_question__check_forged_refs(wol_circle *c, const char *dir, wol_qrecord **recs, size_t n);
/* get.c: the threads of the questions qids[0..n) as wol_question_get
 * reads one, with the history read once for all of them (who added each
 * record, what was changed outside wol). out[i] is the thread, or zeroed
 * with errs[i] set (errs[i].code is 0 for a thread read). Returns 0, or
 * WOL_ENOMEM with every errs[i] set. */
int wol_question__get_many(wol_circle *c, char *const *qids, size_t n, wol_question *out,
                           wol_error *errs);
/* write.c: the time now as "YYYY-MM-DDThh:mm:ssZ"; the text rules of a
 * record (required: not blank; wol_share_check's size, binary and
 * secrets rules unless force), errors start with `what`; a record
 * rendered from key/value pairs (a NULL value is left out) and a body. */
void wol_question__now_utc(char *buf, size_t size);
int wol_question__check_text(const char *what, const char *text, int required, int force,
                             wol_error *err);
char *wol_question__render_record(const char *const *kv, size_t nkv, const char *body,
                                  size_t *len, wol_error *err);

/* --------------------------------------------------- replay (replay.c) */

/* Replays the events in order and fills the derived fields. */
int wol_question__replay(wol_qloaded *l, wol_question *q, wol_strv *warn);
/* Fills the summary fields of q from l (after replay). */
int wol_question__summarize(wol_circle *c, wol_qloaded *l, wol_question *q);
int wol_question__summary_fields(wol_qloaded *l, wol_question *q);

/* ------------------------------------------------------ other files */

/* list.c: matches ref against names: exact, else unique prefix, else
 * unique suffix. Returns the index, -1 none, -2 ambiguous (cands filled). */
long wol_question__match_ref(char **names, size_t n, const char *ref, wol_buf *cands);
/* news.c: before our own first write, the news mark starts at what we
 * have seen. */
void wol_question__init_mark(wol_circle *c);

#endif
