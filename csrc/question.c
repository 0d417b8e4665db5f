/* question.c - circle questions: ask, answer, resolve, conflict-free.
 *
 * questions/<qid>/question.md, answers/<aid>.md and events/<eid>.md are
 * each written once, by their author, and committed with
 * wol_circle_commit. Nothing is ever rewritten, so merges only add paths.
 * The state of a question is derived by replaying its records ordered by
 * (lamport, id); every machine that holds the same files derives the same
 * state. Reading is tolerant: a record that cannot be read is skipped with
 * a warning naming its file, unknown keys are kept, unknown event kinds
 * are ignored with a warning. */
#include "repo/circle_priv.h"
#include "question_priv.h"
#include "repo/history.h"

#include <dirent.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#define Q_READ_MAX (2 * 1024 * 1024)
#define Q_TITLE_MAX 200

/* ------------------------------------------------------------ warnings */

typedef struct strv {
	char **v;
	size_t n, cap;
	int oom;
} strv;

static void strv_add(strv *s, char *str) /* takes str */
{
	if (!str) {
		s->oom = 1;
		return;
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;
		char **nv = realloc(s->v, cap * sizeof *nv);
		if (!nv) {
			free(str);
			s->oom = 1;
			return;
		}
		s->v = nv;
		s->cap = cap;
	}
	s->v[s->n++] = str;
}

/* ------------------------------------------------------------- helpers */

/* Ids and file stems: [A-Za-z0-9._-], not starting with '.', 1..100. */
static int id_ok(const char *s, size_t n)
{
	if (n == 0 || n > 100 || s[0] == '.')
		return 0;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		      ch == '.' || ch == '_' || ch == '-'))
			return 0;
	}
	return 1;
}

static char *dupstr(const char *s)
{
	return s ? wol_strfmt("%s", s) : NULL;
}

static void now_utc(char *buf, size_t size)
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Parses a positive decimal lamport clock; -1 when it is not one. */
static long long parse_lamport(const char *s)
{
	if (!s || !*s)
		return -1;
	long long v = 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9' || v > 1000000000000000LL)
			return -1;
		v = v * 10 + (*p - '0');
	}
	return v > 0 ? v : -1;
}

/* The body without the blank line that follows the front matter and
 * without trailing blank lines. */
static char *trim_body(const char *b)
{
	if (!b)
		return wol_strfmt("%s", "");
	while (*b == '\n' || *b == '\r')
		b++;
	size_t n = strlen(b);
	while (n > 0 && (b[n - 1] == '\n' || b[n - 1] == '\r' || b[n - 1] == ' ' || b[n - 1] == '\t'))
		n--;
	return wol_strndup(b, n);
}

static int blank(const char *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return 0;
	return 1;
}

static void record_free(wol_qrecord *r)
{
	free(r->kind);
	free(r->id);
	free(r->path);
	free(r->author);
	free(r->created);
	free(r->target);
	free(r->text);
	free(r->current);
	free(r->committer);
	free(r->note);
	free(r->outside);
	wol_yaml_free(r->meta);
	memset(r, 0, sizeof *r);
}

static int cmp_record(const void *a, const void *b)
{
	const wol_qrecord *x = a, *y = b;
	if (x->lamport != y->lamport)
		return x->lamport < y->lamport ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* Reads and checks one record. what: "question", "answer" or "event".
 * Returns 0, or -1 with *bad saying what is wrong with it (a malformed
 * record; the message names the file), or a negative wol_code on out of
 * memory. */
static int parse_record(const char *text, size_t len, const char *rel, const char *id,
                        const char *what, wol_qrecord *r, wol_error *bad);

static int read_record(const char *root, const char *rel, const char *id, const char *what,
                       wol_qrecord *r, wol_error *bad)
{
	memset(r, 0, sizeof *r);
	char *text = NULL;
	size_t len = 0;
	if (wol_circle__read_at(root, rel, Q_READ_MAX, &text, &len, bad) != 0)
		return bad->code == WOL_ENOMEM ? WOL_ENOMEM : -1;
	int rc = parse_record(text, len, rel, id, what, r, bad);
	free(text);
	return rc;
}

/* The same from the text of a record (a file, or a blob of the history). */
static int parse_record(const char *text, size_t len, const char *rel, const char *id,
                        const char *what, wol_qrecord *r, wol_error *bad)
{
	memset(r, 0, sizeof *r);
	wol_doc doc;
	if (!wol_utf8_valid(text, len)) {
		wol_error_set(bad, WOL_EINVAL, "%s: not valid UTF-8 text", rel);
		return -1;
	}
	if (wol_doc_parse(text, len, rel, &doc, bad) != 0) /* names the file and line */
		return bad->code == WOL_ENOMEM ? WOL_ENOMEM : -1;
	const char *author = wol_yaml_str(doc.meta, "author");
	const char *lam = wol_yaml_str(doc.meta, "lamport");
	const char *kind = strcmp(what, "event") == 0 ? wol_yaml_str(doc.meta, "kind") : what;
	const char *problem = NULL;
	if (!author || !wol_name_valid(author))
		problem = "no valid author";
	else if (parse_lamport(lam) < 0)
		problem = "no valid lamport (a positive whole number)";
	else if (!kind || !*kind)
		problem = "no kind";
	else if (strcmp(what, "question") == 0 &&
	         (!wol_yaml_str(doc.meta, "title") || blank(wol_yaml_str(doc.meta, "title"))))
		problem = "no title";
	if (problem) {
		wol_doc_free(&doc);
		wol_error_set(bad, WOL_EINVAL, "%s: %s", rel, problem);
		return -1;
	}
	const char *target = wol_yaml_str(doc.meta, "target");
	const char *created = wol_yaml_str(doc.meta, "created");
	r->kind = dupstr(kind);
	r->id = dupstr(id);
	r->path = dupstr(rel);
	r->author = dupstr(author);
	r->created = dupstr(created);
	r->lamport = parse_lamport(lam);
	r->target = target && *target ? dupstr(target) : NULL;
	r->text = trim_body(doc.body);
	r->current = dupstr(r->text);
	r->meta = doc.meta;
	doc.meta = NULL;
	wol_doc_free(&doc);
	if (!r->kind || !r->id || !r->path || !r->author || !r->text || !r->current ||
	    (created && !r->created) || (target && *target && !r->target)) {
		record_free(r);
		return WOL_ENOMEM;
	}
	return 0;
}

/* Sorted file stems of the <id>.md files in dir (ids only; anything else is reported). */
static int list_md(const char *root, const char *rel, char ***out, size_t *n, strv *warn)
{
	*out = NULL;
	*n = 0;
	char *dir = wol_strfmt("%s/%s", root, rel);
	if (!dir)
		return WOL_ENOMEM;
	struct stat st;
	if (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		free(dir);
		return 0;
	}
	DIR *d = opendir(dir);
	free(dir);
	if (!d)
		return 0;
	strv s = {0};
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		size_t l = strlen(de->d_name);
		if (l > 3 && strcmp(de->d_name + l - 3, ".md") == 0 && id_ok(de->d_name, l - 3))
			strv_add(&s, wol_strndup(de->d_name, l - 3));
		else if (warn)
			strv_add(warn, wol_strfmt("wol: %s/%s: not a record name (<id>.md); skipped", rel,
			                          de->d_name));
	}
	closedir(d);
	if (s.oom) {
		wol_strv_free(s.v, s.n);
		return WOL_ENOMEM;
	}
	for (size_t i = 1; i < s.n; i++) /* few entries: insertion sort */
		for (size_t j = i; j > 0 && strcmp(s.v[j - 1], s.v[j]) > 0; j--) {
			char *t = s.v[j];
			s.v[j] = s.v[j - 1];
			s.v[j - 1] = t;
		}
	*out = s.v;
	*n = s.n;
	return 0;
}

/* ------------------------------------------------------------- loading */

typedef struct loaded {
	wol_qrecord q;    /* the question */
	wol_qrecord *rec; /* answers and events, replay order */
	size_t n;
} loaded;

static void loaded_free(loaded *l)
{
	record_free(&l->q);
	for (size_t i = 0; i < l->n; i++)
		record_free(&l->rec[i]);
	free(l->rec);
	memset(l, 0, sizeof *l);
}

/* Reads a question and its records. A malformed question.md fails with
 * WOL_EINVAL naming it; malformed answers and events become warnings. */
static int load(const char *root, const char *qid, loaded *l, strv *warn, wol_error *err)
{
	memset(l, 0, sizeof *l);
	char *rel = wol_strfmt("questions/%s/question.md", qid);
	if (!rel)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	wol_error bad;
	int rc = read_record(root, rel, qid, "question", &l->q, &bad);
	if (rc != 0) {
		if (rc == -1) /* a malformed question: bad input, whatever the cause */
			rc = wol_error_set(err, WOL_EINVAL, "%s", wol_error_text(&bad));
		else
			rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		free(rel);
		return rc;
	}
	free(rel);
	static const char *const sub[2] = {"answers", "events"};
	static const char *const what[2] = {"answer", "event"};
	for (int k = 0; k < 2 && rc == 0; k++) {
		char *dir = wol_strfmt("questions/%s/%s", qid, sub[k]);
		char **ids = NULL;
		size_t nids = 0;
		rc = dir ? list_md(root, dir, &ids, &nids, warn) : WOL_ENOMEM;
		if (rc == 0 && nids) {
			wol_qrecord *nr = realloc(l->rec, (l->n + nids) * sizeof *nr);
			if (!nr)
				rc = WOL_ENOMEM;
			else
				l->rec = nr;
		}
		for (size_t i = 0; rc == 0 && i < nids; i++) {
			char *path = wol_strfmt("%s/%s.md", dir, ids[i]);
			if (!path) {
				rc = WOL_ENOMEM;
				break;
			}
			int r = read_record(root, path, ids[i], what[k], &l->rec[l->n], &bad);
			if (r == 0)
				l->n++;
			else if (r == -1)
				strv_add(warn, wol_strfmt("%s (%s skipped)", bad.msg, what[k]));
			else
				rc = r;
			free(path);
		}
		wol_strv_free(ids, nids);
		free(dir);
	}
	if (rc) {
		loaded_free(l);
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	if (l->n > 1)
		qsort(l->rec, l->n, sizeof *l->rec, cmp_record);
	return 0;
}

/* The record an event acts on: NULL target means the question. */
static wol_qrecord *target_of(loaded *l, const char *target)
{
	if (!target || strcmp(target, l->q.id) == 0)
		return &l->q;
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->rec[i].kind, "answer") == 0 && strcmp(l->rec[i].id, target) == 0)
			return &l->rec[i];
	return NULL;
}

static int is_event(const wol_qrecord *r)
{
	return strcmp(r->kind, "question") != 0 && strcmp(r->kind, "answer") != 0;
}

/* Replays the events in order and fills the derived fields. */
static int replay(loaded *l, wol_question *q, strv *warn)
{
	const char *state = "open";
	char *helped = NULL;
	char *title = dupstr(wol_yaml_str(l->q.meta, "title"));
	if (!title)
		return WOL_ENOMEM;
	long long last = l->q.lamport;
	for (size_t i = 0; i < l->n; i++) {
		wol_qrecord *e = &l->rec[i];
		if (e->lamport > last)
			last = e->lamport;
		if (!is_event(e))
			continue;
		const char *why = NULL;
		char whybuf[256];
		wol_qrecord *t = NULL;
		if (strcmp(e->kind, "resolve") == 0 || strcmp(e->kind, "reopen") == 0) {
			if (strcmp(e->author, l->q.author) != 0) {
				snprintf(whybuf, sizeof whybuf, "only the asker (%s) can %s the question",
				         l->q.author, e->kind);
				why = whybuf;
			} else if (l->q.retracted) {
				why = "the question was retracted";
			} else if (strcmp(e->kind, "resolve") == 0) {
				state = "resolved";
				free(helped);
				helped = blank(e->text) ? NULL : dupstr(e->text);
			} else {
				state = "open";
				free(helped);
				helped = NULL;
			}
		} else if (strcmp(e->kind, "retract") == 0 || strcmp(e->kind, "edit") == 0) {
			t = target_of(l, e->target);
			if (!t) {
				snprintf(whybuf, sizeof whybuf, "target '%s' is not a record of this question",
				         e->target);
				why = whybuf;
			} else if (strcmp(e->author, t->author) != 0) {
				snprintf(whybuf, sizeof whybuf, "only %s can %s %s", t->author, e->kind,
				         t == &l->q ? "the question" : "that answer");
				why = whybuf;
			} else if (t->retracted) {
				why = "it was retracted before";
			} else if (strcmp(e->kind, "retract") == 0) {
				t->retracted = 1;
				if (t == &l->q)
					state = "retracted";
			} else if (blank(e->text) && !(t == &l->q && wol_yaml_str(e->meta, "title"))) {
				why = "an edit without text";
			} else {
				if (!blank(e->text)) {
					free(t->current);
					t->current = dupstr(e->text);
				}
				t->edited = 1;
				const char *nt = t == &l->q ? wol_yaml_str(e->meta, "title") : NULL;
				if (nt && !blank(nt)) {
					free(title);
					title = dupstr(nt);
				}
			}
		} else if (strcmp(e->kind, "thanks") == 0) {
			t = e->target ? target_of(l, e->target) : NULL;
			if (!t || t == &l->q) {
				why = "thanks must name an answer as its target";
			} else if (strcmp(t->author, e->author) == 0) {
				why = "thanks for one's own answer";
			} else {
				int dup = 0;
				for (size_t k = 0; k < i; k++) {
					wol_qrecord *p = &l->rec[k];
					if (strcmp(p->kind, "thanks") == 0 && !p->ignored && p->target &&
					    strcmp(p->target, e->target) == 0 && strcmp(p->author, e->author) == 0)
						dup = 1;
				}
				if (!dup)
					t->thanks++;
			}
		} else {
			snprintf(whybuf, sizeof whybuf,
			         "unknown event kind '%.60s' (ignored; written by a newer wol.nvim?)", e->kind);
			why = whybuf;
		}
		if (why) {
			e->ignored = 1;
			free(e->note);
			e->note = wol_strfmt("%s", why);
			strv_add(warn, wol_strfmt("wol: %s: %s%s", e->path, why,
			                          strstr(why, "ignored") ? "" : " (ignored)"));
		}
	}
	q->state = state;
	q->helped = helped;
	q->title = title;
	q->last = last;
	q->nanswers = 0;
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->rec[i].kind, "answer") == 0 && !l->rec[i].retracted)
			q->nanswers++;
	return 0;
}

static int summary_fields(loaded *l, wol_question *q);

/* Fills the summary fields of q from l (after replay). */
static int summarize(wol_circle *c, loaded *l, wol_question *q)
{
	q->mine = strcmp(l->q.author, wol_circle_handle(c)) == 0;
	return summary_fields(l, q);
}

static int summary_fields(loaded *l, wol_question *q)
{
	q->id = dupstr(l->q.id);
	q->author = dupstr(l->q.author);
	q->created = dupstr(l->q.created);
	const char *about = wol_yaml_str(l->q.meta, "about");
	q->about = about && *about ? dupstr(about) : NULL;
	q->lamport = l->q.lamport;
	if (!q->id || !q->author || (l->q.created && !q->created) || (about && *about && !q->about))
		return WOL_ENOMEM;
	return 0;
}

void wol_question_free(wol_question *q)
{
	if (!q)
		return;
	free(q->id);
	free(q->title);
	free(q->author);
	free(q->created);
	free(q->about);
	free(q->helped);
	for (size_t i = 0; i < q->nrecords; i++)
		record_free(&q->records[i]);
	free(q->records);
	wol_strv_free(q->warnings, q->nwarnings);
	memset(q, 0, sizeof *q);
}

void wol_questions_free(wol_questions *qs)
{
	if (!qs)
		return;
	for (size_t i = 0; i < qs->n; i++)
		wol_question_free(&qs->items[i]);
	free(qs->items);
	wol_strv_free(qs->warnings, qs->nwarnings);
	memset(qs, 0, sizeof *qs);
}

/* --------------------------------------------------------------- listing */

static int state_rank(const char *s)
{
	return strcmp(s, "open") == 0 ? 0 : strcmp(s, "resolved") == 0 ? 1 : 2;
}

static int cmp_question(const void *a, const void *b)
{
	const wol_question *x = a, *y = b;
	int rx = state_rank(x->state), ry = state_rank(y->state);
	if (rx != ry)
		return rx - ry;
	return -strcmp(x->id, y->id); /* ids start with UTC time: newest first */
}

int wol_question__summary(const char *root, const char *qid, wol_question *q, wol_error *err)
{
	memset(q, 0, sizeof *q);
	loaded l;
	wol_error e;
	strv w = {0};
	if (load(root, qid, &l, &w, &e) != 0) {
		if (e.code == WOL_ENOMEM)
			w.oom = 1;
		else
			strv_add(&w, wol_strfmt("%s (question skipped)", e.msg));
	} else {
		if (replay(&l, q, &w) != 0 || summary_fields(&l, q) != 0)
			w.oom = 1;
		loaded_free(&l);
	}
	q->warnings = w.v;
	q->nwarnings = w.n;
	if (w.oom) {
		wol_question_free(q);
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	return 0;
}

int wol_question__check_state(const char *state, wol_error *err)
{
	if (state && *state && strcmp(state, "all") != 0 && strcmp(state, "open") != 0 &&
	    strcmp(state, "resolved") != 0 && strcmp(state, "retracted") != 0)
		return wol_error_set(err, WOL_EINVAL,
		                     "questions: state '%s' is not one of open, resolved, retracted, all",
		                     state);
	return 0;
}

int wol_question_state_check(const char *state, wol_error *err)
{
	return wol_question__check_state(state, err);
}

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void sort_strv(strv *s)
{
	if (s->n > 1)
		qsort(s->v, s->n, sizeof *s->v, cmp_strp);
}

int wol_question__bad_dirs(const char *root, char ***qids, size_t *nq, char ***bad, size_t *nbad)
{
	char *dir = wol_strfmt("%s/questions", root);
	if (!dir)
		return WOL_ENOMEM;
	struct stat st;
	DIR *d = lstat(dir, &st) == 0 && S_ISDIR(st.st_mode) ? opendir(dir) : NULL;
	free(dir);
	strv s = {0}, warn = {0};
	struct dirent *de;
	while (d && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (id_ok(de->d_name, strlen(de->d_name))) {
			if (qids)
				strv_add(&s, wol_strfmt("%s", de->d_name));
		} else {
			strv_add(&warn, wol_strfmt("wol: questions/%s: not a question id; skipped", de->d_name));
		}
	}
	if (d)
		closedir(d);
	sort_strv(&s);
	sort_strv(&warn);
	if (s.oom || warn.oom) {
		wol_strv_free(s.v, s.n);
		wol_strv_free(warn.v, warn.n);
		return WOL_ENOMEM;
	}
	if (qids) {
		*qids = s.v;
		*nq = s.n;
	}
	*bad = warn.v;
	*nbad = warn.n;
	return 0;
}

void wol_question__sort(wol_question *items, size_t n)
{
	if (n > 1)
		qsort(items, n, sizeof *items, cmp_question);
}

int wol_question_list_files(wol_circle *c, const char *state, const char *author,
                            wol_questions *out, wol_error *err)
{
	memset(out, 0, sizeof *out);
	if (wol_question__check_state(state, err))
		return err->code;
	if (state && (!*state || strcmp(state, "all") == 0))
		state = NULL;
	strv warn = {0};
	char **qids = NULL;
	size_t nq = 0;
	/* the question directories, sorted, so warnings come in a stable order */
	if (wol_question__bad_dirs(wol_circle_path(c), &qids, &nq, &warn.v, &warn.n))
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	warn.cap = warn.n;
	wol_question *items = nq ? calloc(nq, sizeof *items) : NULL;
	size_t n = 0;
	if (nq && !items)
		warn.oom = 1;
	for (size_t i = 0; i < nq && !warn.oom; i++) {
		wol_question *q = &items[n];
		wol_error e;
		if (wol_question__summary(wol_circle_path(c), qids[i], q, &e) != 0) {
			warn.oom = 1;
			break;
		}
		for (size_t k = 0; k < q->nwarnings; k++)
			strv_add(&warn, q->warnings[k]);
		free(q->warnings);
		q->warnings = NULL;
		q->nwarnings = 0;
		if (!q->state || (state && strcmp(q->state, state) != 0) ||
		    (author && strcmp(q->author, author) != 0)) {
			wol_question_free(q);
		} else {
			q->mine = strcmp(q->author, wol_circle_handle(c)) == 0;
			n++;
		}
	}
	wol_strv_free(qids, nq);
	if (warn.oom) {
		for (size_t i = 0; i < n; i++)
			wol_question_free(&items[i]);
		free(items);
		wol_strv_free(warn.v, warn.n);
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	wol_question__sort(items, n);
	out->items = items;
	out->n = n;
	out->warnings = warn.v;
	out->nwarnings = warn.n;
	return 0;
}

int wol_questions_from(wol_circle *c, const char *source, const char *state, const char *author,
                       wol_questions *out, wol_error *err)
{
	memset(out, 0, sizeof *out);
	if (wol_question__check_state(state, err))
		return err->code;
	if (source && strcmp(source, "files") == 0)
		return wol_question_list_files(c, state, author, out, err);
	/* through the index; the files only when it cannot be opened or used */
	int only_index = source && strcmp(source, "index") == 0;
	wol_ctx *ctx = NULL;
	wol_ctx_opts o = {wol_circle__home(c), wol_circle_name(c), NULL};
	wol_index *ix = NULL;
	wol_error e;
	int rc = wol_ctx_open(&ctx, &o, &e);
	if (rc == 0)
		rc = wol_index_open(ctx, &ix, &e);
	int usable = rc == 0;
	if (rc == 0) {
		rc = wol_question_list_index(c, ix, state, author, out, &e);
		usable = rc != WOL_ESQL;
		wol_index_close(ix);
	}
	wol_ctx_free(ctx);
	if (rc == 0)
		return 0;
	if (usable || only_index || rc == WOL_ENOMEM) {
		if (err)
			*err = e;
		return rc;
	}
	return wol_question_list_files(c, state, author, out, err);
}

int wol_question_list(wol_circle *c, const char *state, const char *author, wol_questions *out,
                      wol_error *err)
{
	return wol_questions_from(c, NULL, state, author, out, err);
}

/* ---------------------------------------------------------------- finding */

/* Matches ref against names: exact, else unique prefix, else unique
 * suffix. Returns the index, -1 none, -2 ambiguous (cands filled). */
static long match_ref(char **names, size_t n, const char *ref, wol_buf *cands)
{
	size_t rl = strlen(ref);
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], ref) == 0)
			return (long)i;
	for (int pass = 0; pass < 2; pass++) {
		long found = -1;
		size_t hits = 0;
		for (size_t i = 0; i < n; i++) {
			size_t nl = strlen(names[i]);
			int hit = nl >= rl && (pass == 0 ? strncmp(names[i], ref, rl) == 0
			                                 : strcmp(names[i] + nl - rl, ref) == 0);
			if (!hit)
				continue;
			if (hits < 8)
				wol_buf_printf(cands, "%s%s", hits ? ", " : "", names[i]);
			hits++;
			found = (long)i;
		}
		if (hits == 1)
			return found;
		if (hits > 1) {
			if (hits > 8)
				wol_buf_printf(cands, ", ... (%zu in all)", hits);
			return -2;
		}
		cands->len = 0;
		if (cands->ptr)
			cands->ptr[0] = '\0';
	}
	return -1;
}

int wol_question_find(wol_circle *c, const char *ref, char **qid, wol_error *err)
{
	*qid = NULL;
	if (!ref || !*ref)
		return wol_error_set(err, WOL_EINVAL, "question: no question id given");
	if (!id_ok(ref, strlen(ref)))
		return wol_error_set(err, WOL_ENOTFOUND, "question '%s': no such question", ref);
	char *dir = wol_strfmt("%s/questions", wol_circle_path(c));
	if (!dir)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	struct stat st;
	DIR *d = lstat(dir, &st) == 0 && S_ISDIR(st.st_mode) ? opendir(dir) : NULL;
	free(dir);
	strv s = {0};
	struct dirent *de;
	while (d && (de = readdir(d)) != NULL)
		if (de->d_name[0] != '.' && id_ok(de->d_name, strlen(de->d_name)))
			strv_add(&s, wol_strfmt("%s", de->d_name));
	if (d)
		closedir(d);
	if (s.oom) {
		wol_strv_free(s.v, s.n);
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	for (size_t i = 1; i < s.n; i++)
		for (size_t j = i; j > 0 && strcmp(s.v[j - 1], s.v[j]) > 0; j--) {
			char *t = s.v[j];
			s.v[j] = s.v[j - 1];
			s.v[j - 1] = t;
		}
	wol_buf cands;
	wol_buf_init(&cands);
	long i = match_ref(s.v, s.n, ref, &cands);
	int rc = 0;
	if (i >= 0) {
		*qid = wol_strfmt("%s", s.v[i]);
		if (!*qid)
			rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
	} else if (i == -2) {
		rc = wol_error_set(err, WOL_EINVAL,
		                   "question '%s' is ambiguous: it matches %s (give more of the id)", ref,
		                   cands.ptr ? cands.ptr : "several");
	} else {
		rc = wol_error_set(err, WOL_ENOTFOUND,
		                   "question '%s': no such question (see: wol questions --state all)", ref);
	}
	wol_buf_free(&cands);
	wol_strv_free(s.v, s.n);
	return rc;
}

/* ------------------------------------------------------- forged authors */

typedef struct wanted {
	const char *path;
	const char *id;     /* the record's id (its commit says Wol-Id: <id>) */
	char *name, *email; /* of the commit that added it */
	int found;          /* 1 found, -1 not in HEAD (not committed) */
} wanted;

/* The oid of the entry at `path` in `tree`; 0 when it is there. */
static int entry_oid(git_tree *tree, const char *path, git_oid *out)
{
	git_tree_entry *e = NULL;
	if (!tree || git_tree_entry_bypath(&e, tree, path) != 0) {
		git_error_clear();
		return -1;
	}
	git_oid_cpy(out, git_tree_entry_id(e));
	git_tree_entry_free(e);
	return 0;
}

/* Whether commit cm holds `path` and none of its parents does. */
static int added_by(git_commit *cm, const char *path)
{
	git_tree *tree = NULL;
	git_oid tmp;
	int yes = git_commit_tree(&tree, cm) == 0 && entry_oid(tree, path, &tmp) == 0;
	git_tree_free(tree);
	unsigned np = git_commit_parentcount(cm);
	for (unsigned k = 0; yes && k < np; k++) {
		git_commit *p = NULL;
		git_tree *pt = NULL;
		if (git_commit_parent(&p, cm, k) == 0 && git_commit_tree(&pt, p) == 0 &&
		    entry_oid(pt, path, &tmp) == 0)
			yes = 0;
		git_tree_free(pt);
		git_commit_free(p);
	}
	git_error_clear();
	return yes;
}

/* For each wanted path (all below the folder `dir`) in HEAD: the author
 * of the commit that added it, i.e. a commit holding it whose parents
 * all lack it. The walk goes from HEAD back in time and stops when every
 * path is found; a commit whose `dir` equals one of its parents' is
 * skipped with one lookup. */
static void find_adders(wol_circle *c, const char *dir, wanted *w, size_t n)
{
	git_repository *repo = wol_circle_repo(c);
	git_revwalk *walk = NULL;
	git_commit *head = NULL;
	git_tree *ht = NULL;
	git_oid oid, tmp;
	size_t left = 0;
	if (git_reference_name_to_id(&oid, repo, "HEAD") != 0 ||
	    git_commit_lookup(&head, repo, &oid) != 0 || git_commit_tree(&ht, head) != 0) {
		git_commit_free(head);
		git_error_clear();
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (entry_oid(ht, w[i].path, &tmp) == 0)
			left++;
		else
			w[i].found = -1; /* not committed: nothing to compare */
	}
	git_tree_free(ht);
	git_commit_free(head);
	if (left == 0 || git_revwalk_new(&walk, repo) != 0 || git_revwalk_push(walk, &oid) != 0) {
		git_revwalk_free(walk);
		git_error_clear();
		return;
	}
	git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
	git_oid cur;
	/* first the quick way: wol's commits name the record they add in a
	 * Wol-Id trailer; such a hint counts only when the trees confirm that
	 * this commit added the file */
	while (left > 0 && git_revwalk_next(&cur, walk) == 0) {
		git_commit *cm = NULL;
		if (git_commit_lookup(&cm, repo, &cur) != 0) {
			git_error_clear();
			continue;
		}
		const char *msg = git_commit_message(cm);
		for (size_t i = 0; msg && i < n; i++) {
			if (w[i].found)
				continue;
			const char *hit = strstr(msg, "Wol-Id: ");
			size_t il = strlen(w[i].id);
			while (hit && !(strncmp(hit + 8, w[i].id, il) == 0 &&
			                (hit[8 + il] == '\n' || hit[8 + il] == '\0' || hit[8 + il] == '\r')))
				hit = strstr(hit + 8, "Wol-Id: ");
			if (!hit || !added_by(cm, w[i].path))
				continue;
			const git_signature *a = git_commit_author(cm);
			w[i].name = dupstr(a && a->name ? a->name : "");
			w[i].email = dupstr(a && a->email ? a->email : "");
			w[i].found = 1;
			left--;
		}
		git_commit_free(cm);
	}
	/* then, for commits made by other tools, the trees of the history */
	git_revwalk_reset(walk);
	if (left == 0 || git_revwalk_push(walk, &oid) != 0) {
		git_revwalk_free(walk);
		git_error_clear();
		return;
	}
	while (left > 0 && git_revwalk_next(&cur, walk) == 0) {
		git_commit *cm = NULL;
		git_tree *tree = NULL;
		git_oid here;
		if (git_commit_lookup(&cm, repo, &cur) != 0 || git_commit_tree(&tree, cm) != 0 ||
		    entry_oid(tree, dir, &here) != 0) {
			git_tree_free(tree);
			git_commit_free(cm);
			git_error_clear();
			continue;
		}
		unsigned np = git_commit_parentcount(cm);
		git_tree *ptrees[8] = {0};
		if (np > 8)
			np = 8;
		int same = 0;
		for (unsigned k = 0; k < np; k++) {
			git_commit *p = NULL;
			git_oid there;
			if (git_commit_parent(&p, cm, k) == 0 && git_commit_tree(&ptrees[k], p) == 0 &&
			    entry_oid(ptrees[k], dir, &there) == 0 && git_oid_equal(&here, &there))
				same = 1;
			git_commit_free(p);
		}
		for (size_t i = 0; !same && i < n; i++) {
			if (w[i].found || entry_oid(tree, w[i].path, &tmp) != 0)
				continue;
			int anywhere = 0;
			for (unsigned k = 0; k < np && !anywhere; k++)
				anywhere = entry_oid(ptrees[k], w[i].path, &tmp) == 0;
			if (anywhere)
				continue;
			const git_signature *a = git_commit_author(cm);
			w[i].name = dupstr(a && a->name ? a->name : "");
			w[i].email = dupstr(a && a->email ? a->email : "");
			w[i].found = 1;
			left--;
		}
		for (unsigned k = 0; k < np; k++)
			git_tree_free(ptrees[k]);
		git_tree_free(tree);
		git_commit_free(cm);
	}
	git_revwalk_free(walk);
	git_error_clear();
}

/* The display name in members/<handle>.md, or NULL (not a member). */
static char *member_name(wol_circle *c, const char *handle)
{
	char *rel = wol_strfmt("members/%s.md", handle);
	char *text = NULL, *out = NULL;
	size_t len;
	if (rel && wol_circle__read(c, rel, Q_READ_MAX, &text, &len, NULL) == 0) {
		wol_doc doc;
		if (wol_doc_parse(text, len, rel, &doc, NULL) == 0) {
			const char *nm = wol_yaml_str(doc.meta, "name");
			out = wol_strfmt("%s", nm ? nm : handle);
			wol_doc_free(&doc);
		}
		free(text);
	}
	free(rel);
	return out;
}

/* Marks records whose adding commit was made by someone other than the
 * member named as the author: the commit's author name is compared with
 * the display name in members/<author>.md (both come from the member's
 * user.name), and an email "<author>@..." counts as a match too. */
static void check_forged(wol_circle *c, const char *qid, wol_qrecord *recs, size_t n)
{
	wanted *w = calloc(n, sizeof *w);
	char *dir = wol_strfmt("questions/%s", qid);
	if (!w || !dir) {
		free(w);
		free(dir);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		w[i].path = recs[i].path;
		w[i].id = recs[i].id;
	}
	find_adders(c, dir, w, n);
	for (size_t i = 0; i < n; i++) {
		if (w[i].found != 1)
			continue;
		recs[i].committer = wol_strfmt("%s <%s>", w[i].name, w[i].email);
		char *mname = member_name(c, recs[i].author);
		char *note = NULL;
		if (!mname)
			note = wol_strfmt("author '%s' is not a member of the circle (committed by %s <%s>)",
			                  recs[i].author, w[i].name, w[i].email);
		else if (!wol_author__matches(recs[i].author, mname, w[i].name, w[i].email))
			note = wol_strfmt("says it is by %s, but was committed by %s <%s> (members/%s.md "
			                  "names %s)",
			                  recs[i].author, w[i].name, w[i].email, recs[i].author, mname);
		free(mname);
		if (note) {
			recs[i].forged = 1;
			if (recs[i].note) {
				char *both = wol_strfmt("%s; %s", recs[i].note, note);
				free(note);
				note = both;
			}
			free(recs[i].note);
			recs[i].note = note;
		}
	}
	for (size_t k = 0; k < n; k++) {
		free(w[k].name);
		free(w[k].email);
	}
	free(w);
	free(dir);
}

/* ------------------------------------------------------ outside of wol */

/* Records are written once; a commit that changed or removed one was made
 * outside wol (plain git). Git is the truth, so the record shows as it is
 * now, marked "edited by X outside wol"; a removed one is shown from the
 * history, marked "removed by X outside wol" (and not replayed: the state
 * is what the files say). Newest change first, so the mark names the last
 * one. */
static void mark_outside(wol_circle *c, wol_question *q, strv *warn)
{
	git_repository *repo = wol_circle_repo(c);
	git_oid head;
	if (git_reference_name_to_id(&head, repo, "HEAD") != 0) {
		git_error_clear();
		return;
	}
	wol_authors a;
	wol_authors__load(repo, &head, &a);
	char *prefix = wol_strfmt("questions/%s/", q->id);
	wol_change *v = NULL;
	size_t n = 0;
	if (!prefix || wol_history__changes(repo, &a, prefix, &head, NULL, &v, &n, NULL) != 0) {
		free(prefix);
		wol_authors__free(&a);
		return;
	}
	size_t added = 0;
	for (size_t i = 0; i < n; i++) {
		const wol_change *ch = &v[i];
		if (!ch->outside || ch->status == GIT_DELTA_ADDED)
			continue;
		wol_qrecord *r = NULL;
		for (size_t k = 0; k < q->nrecords && !r; k++)
			if (strcmp(q->records[k].path, ch->path) == 0)
				r = &q->records[k];
		if (r && r->outside)
			continue; /* a newer change named it already */
		if (!r && ch->status == GIT_DELTA_DELETED) {
			/* gone from the files: bring it back from the history */
			git_blob *blob = NULL;
			const char *base = strrchr(ch->path, '/') + 1;
			const char *rest = ch->path + strlen(prefix);
			const char *what = strncmp(rest, "answers/", 8) == 0  ? "answer"
			                   : strncmp(rest, "events/", 7) == 0 ? "event"
			                                                      : NULL;
			char *id = wol_strndup(base, strlen(base) > 3 ? strlen(base) - 3 : strlen(base));
			wol_qrecord *nv = realloc(q->records, (q->nrecords + 1) * sizeof *nv);
			if (nv)
				q->records = nv;
			wol_error bad;
			if (what && id && nv && git_blob_lookup(&blob, repo, &ch->old_id) == 0 &&
			    parse_record(git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob), ch->path,
			                 id, what, &q->records[q->nrecords], &bad) == 0) {
				r = &q->records[q->nrecords++];
				r->removed = 1;
				added++;
			}
			free(id);
			git_blob_free(blob);
			git_error_clear();
		}
		if (r && (r->outside = wol_change__describe(ch)) != NULL)
			strv_add(warn, wol_strfmt("wol: %s: %s", ch->path, r->outside));
	}
	/* the ones brought back take their place in replay order */
	if (added && q->nrecords > 2)
		qsort(q->records + 1, q->nrecords - 1, sizeof *q->records, cmp_record);
	wol_changes__free(v, n);
	free(prefix);
	wol_authors__free(&a);
}

/* ------------------------------------------------------------------ get */

int wol_question_get(wol_circle *c, const char *ref, wol_question *out, wol_error *err)
{
	memset(out, 0, sizeof *out);
	char *qid = NULL;
	int rc = wol_question_find(c, ref, &qid, err);
	if (rc)
		return rc;
	loaded l;
	strv warn = {0};
	rc = load(wol_circle_path(c), qid, &l, &warn, err);
	free(qid);
	if (rc) {
		wol_strv_free(warn.v, warn.n);
		return rc;
	}
	if (replay(&l, out, &warn) != 0 || summarize(c, &l, out) != 0)
		warn.oom = 1;
	/* the thread: the question first, then the rest in replay order */
	wol_qrecord *recs = warn.oom ? NULL : calloc(l.n + 1, sizeof *recs);
	if (recs) {
		recs[0] = l.q;
		memset(&l.q, 0, sizeof l.q);
		for (size_t i = 0; i < l.n; i++)
			recs[i + 1] = l.rec[i];
		out->records = recs;
		out->nrecords = l.n + 1;
		free(l.rec);
		l.rec = NULL;
		l.n = 0;
		check_forged(c, out->id, recs, out->nrecords);
		for (size_t i = 0; i < out->nrecords; i++)
			if (recs[i].forged) {
				out->forged = 1;
				strv_add(&warn, wol_strfmt("wol: %s: %s", recs[i].path, recs[i].note));
			}
		mark_outside(c, out, &warn);
	} else {
		warn.oom = 1;
	}
	loaded_free(&l);
	if (warn.oom) {
		wol_strv_free(warn.v, warn.n);
		wol_question_free(out);
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	out->warnings = warn.v;
	out->nwarnings = warn.n;
	return 0;
}

/* -------------------------------------------------------------- writing */

void wol_qwrite_free(wol_qwrite *w)
{
	if (!w)
		return;
	free(w->qid);
	free(w->id);
	free(w->path);
	free(w->title);
	memset(w, 0, sizeof *w);
}

/* 1 + the highest lamport of every question.md in the circle and of the
 * records of `l` (when given). */
static long long next_lamport(wol_circle *c, const loaded *l)
{
	long long max = 0;
	char *dir = wol_strfmt("%s/questions", wol_circle_path(c));
	struct stat st;
	DIR *d = dir && lstat(dir, &st) == 0 && S_ISDIR(st.st_mode) ? opendir(dir) : NULL;
	free(dir);
	struct dirent *de;
	while (d && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || !id_ok(de->d_name, strlen(de->d_name)))
			continue;
		char *rel = wol_strfmt("questions/%s/question.md", de->d_name);
		char *text = NULL;
		size_t len;
		if (rel && wol_circle__read(c, rel, Q_READ_MAX, &text, &len, NULL) == 0) {
			wol_doc doc;
			if (wol_doc_parse(text, len, rel, &doc, NULL) == 0) {
				long long v = parse_lamport(wol_yaml_str(doc.meta, "lamport"));
				if (v > max)
					max = v;
				wol_doc_free(&doc);
			}
			free(text);
		}
		free(rel);
	}
	if (d)
		closedir(d);
	if (l) {
		if (l->q.lamport > max)
			max = l->q.lamport;
		for (size_t i = 0; i < l->n; i++)
			if (l->rec[i].lamport > max)
				max = l->rec[i].lamport;
	}
	return max + 1;
}

static int check_text(const char *what, const char *text, int required, int force,
                      wol_error *err)
{
	if (required && blank(text))
		return wol_error_set(err, WOL_EINVAL, "%s: the text is empty; nothing was committed",
		                     what);
	if (!text)
		return 0;
	wol_error e;
	if (wol_share_check(text, strlen(text), WOL_SHARE_MAX, force, &e) != 0)
		return wol_error_set(err, e.code, "%s: %s", what, wol_error_text(&e));
	return 0;
}

/* Renders a record: front matter (in this order) and body. */
static char *render_record(const char *const *kv, size_t nkv, const char *body, size_t *len,
                           wol_error *err)
{
	wol_doc doc = {0};
	doc.meta = wol_yaml_new(WOL_YAML_MAP, NULL);
	int bad = !doc.meta;
	for (size_t i = 0; !bad && i + 1 < nkv; i += 2)
		if (kv[i + 1])
			bad = wol_yaml_set_str(doc.meta, kv[i], kv[i + 1]);
	wol_buf b;
	wol_buf_init(&b);
	wol_buf_puts(&b, "\n");
	if (body && !blank(body)) {
		char *t = trim_body(body);
		if (t)
			wol_buf_printf(&b, "%s\n", t);
		else
			b.oom = 1;
		free(t);
	}
	if (bad || b.oom) {
		wol_yaml_free(doc.meta);
		wol_buf_free(&b);
		wol_error_set(err, WOL_ENOMEM, "out of memory");
		return NULL;
	}
	doc.body = wol_buf_detach(&b);
	char *out = NULL;
	if (wol_doc_render(&doc, &out, len, err) != 0)
		out = NULL;
	wol_doc_free(&doc);
	return out;
}

static int commit_record(wol_circle *c, const char *rel, const char *data, size_t len,
                         const char *verb, const char *subject, const char *kind,
                         const char *qid, const char *id, wol_qwrite *w, wol_error *err)
{
	char *msg = wol_strfmt("%s(%s): %s\n\nWol-Kind: %s\nWol-Id: %s\nWol-Question: %s\n", verb,
	                       wol_circle_handle(c), subject, kind, id, qid);
	if (!msg)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	wol_commit_file f = {rel, data, len};
	int rc = wol_circle_commit(c, &f, 1, msg, 0, w->commit, err);
	free(msg);
	if (rc)
		return rc;
	w->qid = dupstr(qid);
	w->id = dupstr(id);
	w->path = dupstr(rel);
	git_remote *remote = NULL;
	if (git_remote_lookup(&remote, wol_circle_repo(c), "origin") == 0) {
		w->has_remote = 1;
		git_remote_free(remote);
		if (wol_circle_ahead(c, &w->ahead, NULL) != 0)
			w->ahead = 0;
	}
	git_error_clear();
	if (!w->qid || !w->id || !w->path)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	return 0;
}

static void init_mark(wol_circle *c);

int wol_question_ask(wol_circle *c, const char *title, const char *body, const char *about,
                     int force, wol_qwrite *out, wol_error *err)
{
	memset(out, 0, sizeof *out);
	char *t = NULL;
	int rc = wol_title_check("ask", title, Q_TITLE_MAX, &t, err);
	if (!rc)
		rc = check_text("ask", t, 1, force, err);
	if (!rc)
		rc = check_text("ask", body, 0, force, err);
	if (rc) {
		free(t);
		return rc;
	}
	if (about && *about) {
		wol_error pe;
		if ((rc = wol_path_check(about, &pe))) {
			free(t);
			return wol_error_set(err, rc, "ask: about: %s; nothing was committed",
			                     wol_error_text(&pe));
		}
		char *abs = wol_strfmt("%s/%s", wol_circle_path(c), about);
		struct stat st;
		int ok = abs && lstat(abs, &st) == 0 && S_ISREG(st.st_mode);
		free(abs);
		if (!ok) {
			free(t);
			return wol_error_set(err, WOL_ENOTFOUND,
			                     "ask: about: %s is not a file in the circle (share the note "
			                     "first); nothing was committed",
			                     about);
		}
	}
	char qid[WOL_ID_MAX], created[32], lam[32];
	if ((rc = wol_id_new(wol_circle_handle(c), qid, sizeof qid, err))) {
		free(t);
		return rc;
	}
	now_utc(created, sizeof created);
	snprintf(lam, sizeof lam, "%lld", next_lamport(c, NULL));
	char *rel = wol_strfmt("questions/%s/question.md", qid);
	char *dir = wol_strfmt("%s/questions/%s", wol_circle_path(c), qid);
	if (!t || !rel || !dir) {
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
	} else if (wol_fs_exists(dir)) {
		rc = wol_error_set(err, WOL_EEXISTS, "ask: questions/%s exists already; try again", qid);
	} else {
		const char *kv[] = {"title", t,       "author", wol_circle_handle(c),
		                    "created", created, "lamport", lam,
		                    "id", qid,          "about", about && *about ? about : NULL};
		size_t len = 0;
		char *data = render_record(kv, sizeof kv / sizeof kv[0], body, &len, err);
		if (!data) {
			rc = err ? err->code : WOL_ENOMEM;
		} else {
			init_mark(c);
			rc = commit_record(c, rel, data, len, "ask", t, "question", qid, qid, out, err);
			if (!rc && !(out->title = dupstr(t)))
				rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		}
		free(data);
	}
	free(t);
	free(rel);
	free(dir);
	if (rc)
		wol_qwrite_free(out);
	return rc;
}

/* Loads the question `ref` names (for writes). */
static int load_ref(wol_circle *c, const char *ref, const char *what, loaded *l,
                    wol_question *q, wol_error *err)
{
	char *qid = NULL;
	int rc = wol_question_find(c, ref, &qid, err);
	strv warn = {0};
	if (rc == 0) {
		rc = load(wol_circle_path(c), qid, l, &warn, err);
		free(qid);
	}
	if (rc == 0) {
		memset(q, 0, sizeof *q);
		if (replay(l, q, &warn) != 0 || summarize(c, l, q) != 0) {
			wol_question_free(q);
			loaded_free(l);
			rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		}
	} else if (err && err->code != WOL_ENOMEM) {
		rc = wol_error_set(err, rc, "%s: %s", what, wol_error_text(err));
	}
	wol_strv_free(warn.v, warn.n);
	return rc;
}

int wol_question_answer(wol_circle *c, const char *ref, const char *body, int force,
                        wol_qwrite *out, wol_error *err)
{
	memset(out, 0, sizeof *out);
	int rc = check_text("answer", body, 1, force, err);
	if (rc)
		return rc;
	loaded l;
	wol_question q;
	if ((rc = load_ref(c, ref, "answer", &l, &q, err)))
		return rc;
	if (strcmp(q.state, "retracted") == 0) {
		rc = wol_error_set(err, WOL_EREFUSED,
		                   "answer: %s asked '%s' and then retracted it; nothing was committed",
		                   q.author, q.title);
	} else {
		char aid[WOL_ID_MAX], created[32], lam[32];
		rc = wol_id_new(wol_circle_handle(c), aid, sizeof aid, err);
		now_utc(created, sizeof created);
		snprintf(lam, sizeof lam, "%lld", next_lamport(c, &l));
		char *rel = rc ? NULL : wol_strfmt("questions/%s/answers/%s.md", q.id, aid);
		char *subject = rc ? NULL : wol_strfmt("Re: %s", q.title);
		if (!rc && (!rel || !subject)) {
			rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		} else if (!rc) {
			const char *kv[] = {"author", wol_circle_handle(c), "created", created, "lamport", lam,
			                    "id", aid, "question", q.id};
			size_t len = 0;
			char *data = render_record(kv, sizeof kv / sizeof kv[0], body, &len, err);
			rc = data ? commit_record(c, rel, data, len, "answer", subject, "answer", q.id, aid,
			                          out, err)
			          : (err ? err->code : WOL_ENOMEM);
			if (!rc && !(out->title = dupstr(q.title)))
				rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
			free(data);
		}
		free(rel);
		free(subject);
	}
	wol_question_free(&q);
	loaded_free(&l);
	if (rc)
		wol_qwrite_free(out);
	return rc;
}

/* The answer `ref` names (exact, unique prefix or suffix of its id). */
static int find_answer(loaded *l, const char *ref, wol_qrecord **out, wol_error *err)
{
	*out = NULL;
	char **ids = calloc(l->n + 1, sizeof *ids);
	size_t *idx = calloc(l->n + 1, sizeof *idx);
	size_t n = 0;
	if (!ids || !idx) {
		free(ids);
		free(idx);
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->rec[i].kind, "answer") == 0) {
			idx[n] = i;
			ids[n++] = l->rec[i].id;
		}
	wol_buf cands;
	wol_buf_init(&cands);
	long k = match_ref(ids, n, ref, &cands);
	int rc = 0;
	if (k >= 0)
		*out = &l->rec[idx[k]];
	else if (k == -2)
		rc = wol_error_set(err, WOL_EINVAL, "answer '%s' is ambiguous: it matches %s", ref,
		                   cands.ptr ? cands.ptr : "several");
	else
		rc = wol_error_set(err, WOL_ENOTFOUND, "answer '%s': no such answer to this question",
		                   ref);
	wol_buf_free(&cands);
	free(ids);
	free(idx);
	return rc;
}

int wol_question_event(wol_circle *c, const char *ref, const char *kind, const char *target,
                       const char *body, int force, wol_qwrite *out, wol_error *err)
{
	memset(out, 0, sizeof *out);
	static const char *const kinds[] = {"resolve", "reopen", "retract", "edit", "thanks"};
	int known = 0;
	for (size_t i = 0; kind && i < sizeof kinds / sizeof kinds[0]; i++)
		known |= strcmp(kind, kinds[i]) == 0;
	if (!known)
		return wol_error_set(err, WOL_EINVAL,
		                     "question: '%s' is not an event (resolve, reopen, retract, edit, "
		                     "thanks)",
		                     kind ? kind : "");
	int rc = check_text(kind, body, strcmp(kind, "edit") == 0, force, err);
	if (rc)
		return rc;
	loaded l;
	wol_question q;
	if ((rc = load_ref(c, ref, kind, &l, &q, err)))
		return rc;
	const char *me = wol_circle_handle(c);
	wol_qrecord *t = NULL;
	if (target && *target && (rc = find_answer(&l, target, &t, err)) != 0) {
		rc = wol_error_set(err, rc, "%s: %s", kind, err ? wol_error_text(err) : "");
	} else if (strcmp(kind, "thanks") == 0 && !t) {
		rc = wol_error_set(err, WOL_EINVAL, "thanks: name the answer to thank");
	}
	wol_qrecord *subj = t ? t : &l.q;
	if (rc) {
		/* reported above */
	} else if ((strcmp(kind, "resolve") == 0 || strcmp(kind, "reopen") == 0) &&
	           strcmp(q.author, me) != 0) {
		rc = wol_error_set(err, WOL_EREFUSED,
		                   "%s: only the asker (%s) can %s '%s'; nothing was committed", kind,
		                   q.author, kind, q.title);
	} else if (strcmp(q.state, "retracted") == 0) {
		rc = wol_error_set(err, WOL_EREFUSED, "%s: '%s' was retracted; nothing was committed",
		                   kind, q.title);
	} else if (strcmp(kind, "resolve") == 0 && strcmp(q.state, "resolved") == 0) {
		rc = wol_error_set(err, WOL_EINVAL, "resolve: '%s' is resolved already", q.title);
	} else if (strcmp(kind, "reopen") == 0 && strcmp(q.state, "open") == 0) {
		rc = wol_error_set(err, WOL_EINVAL, "reopen: '%s' is open", q.title);
	} else if ((strcmp(kind, "retract") == 0 || strcmp(kind, "edit") == 0) &&
	           strcmp(subj->author, me) != 0) {
		rc = wol_error_set(err, WOL_EREFUSED,
		                   "%s: only %s can %s %s; nothing was committed", kind, subj->author,
		                   kind, t ? "that answer" : "the question");
	} else if (t && t->retracted) {
		rc = wol_error_set(err, WOL_EREFUSED, "%s: that answer was retracted", kind);
	} else if (strcmp(kind, "thanks") == 0 && strcmp(t->author, me) == 0) {
		rc = wol_error_set(err, WOL_EREFUSED, "thanks: that answer is your own");
	}
	if (!rc) {
		char eid[WOL_ID_MAX], created[32], lam[32];
		rc = wol_id_new(me, eid, sizeof eid, err);
		now_utc(created, sizeof created);
		snprintf(lam, sizeof lam, "%lld", next_lamport(c, &l));
		char *rel = rc ? NULL : wol_strfmt("questions/%s/events/%s.md", q.id, eid);
		char *subject = rc ? NULL
		                   : t ? wol_strfmt("Re: %s (answer by %s)", q.title, t->author)
		                       : wol_strfmt("%s", q.title);
		if (!rc && (!rel || !subject)) {
			rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		} else if (!rc) {
			const char *kv[] = {"kind", kind,       "author", me,      "created", created,
			                    "lamport", lam,     "id", eid,         "question", q.id,
			                    "target", t ? t->id : NULL};
			size_t len = 0;
			char *data = render_record(kv, sizeof kv / sizeof kv[0], body, &len, err);
			rc = data ? commit_record(c, rel, data, len, kind, subject, kind, q.id, eid, out,
			                          err)
			          : (err ? err->code : WOL_ENOMEM);
			if (!rc && !(out->title = dupstr(q.title)))
				rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
			free(data);
		}
		free(rel);
		free(subject);
	}
	wol_question_free(&q);
	loaded_free(&l);
	if (rc)
		wol_qwrite_free(out);
	return rc;
}

/* ----------------------------------------------------------------- news */

static char *mark_path(wol_circle *c)
{
	return wol_strfmt("%s/.git/wol-questions-seen", wol_circle_path(c));
}

static int head_oid(wol_circle *c, git_oid *oid)
{
	int rc = git_reference_name_to_id(oid, wol_circle_repo(c), "HEAD");
	git_error_clear();
	return rc;
}

static void write_mark(wol_circle *c, const git_oid *oid)
{
	char *p = mark_path(c);
	char hex[GIT_OID_HEXSZ + 2];
	git_oid_tostr(hex, GIT_OID_HEXSZ + 1, oid);
	strcat(hex, "\n");
	if (p)
		wol_fs_write_atomic(p, hex, strlen(hex), 0644, NULL);
	free(p);
}

/* Before our own first write: the mark starts at what we have seen. */
static void init_mark(wol_circle *c)
{
	char *p = mark_path(c);
	git_oid oid;
	if (p && !wol_fs_exists(p) && head_oid(c, &oid) == 0)
		write_mark(c, &oid);
	free(p);
}

void wol_qnews_free(wol_qnews *n)
{
	if (!n)
		return;
	wol_strv_free(n->questions, n->nquestions);
	wol_strv_free(n->answers, n->nanswers);
	memset(n, 0, sizeof *n);
}

/* The author in a record's front matter, read from the work tree. */
static char *author_of(wol_circle *c, const char *rel)
{
	char *text = NULL;
	size_t len;
	char *out = NULL;
	if (wol_circle__read(c, rel, Q_READ_MAX, &text, &len, NULL) == 0) {
		wol_doc doc;
		if (wol_doc_parse(text, len, rel, &doc, NULL) == 0) {
			out = dupstr(wol_yaml_str(doc.meta, "author"));
			wol_doc_free(&doc);
		}
		free(text);
	}
	return out;
}

int wol_question_news(wol_circle *c, int update, wol_qnews *out, wol_error *err)
{
	memset(out, 0, sizeof *out);
	git_repository *repo = wol_circle_repo(c);
	git_oid head, seen;
	if (head_oid(c, &head) != 0)
		return 0; /* nothing committed yet */
	char *p = mark_path(c);
	char *text = NULL;
	size_t len = 0;
	int have = p && wol_fs_read(p, 256, 1, &text, &len, NULL) == 0 && len >= GIT_OID_HEXSZ &&
	           git_oid_fromstrn(&seen, text, GIT_OID_HEXSZ) == 0;
	free(text);
	free(p);
	git_commit *a = NULL, *b = NULL;
	git_tree *ta = NULL, *tb = NULL;
	git_diff *diff = NULL;
	if (!have || git_commit_lookup(&a, repo, &seen) != 0) {
		git_error_clear();
		write_mark(c, &head); /* first call (or a lost mark): start here */
		return 0;
	}
	strv qs = {0}, as = {0};
	int rc = 0;
	const char *me = wol_circle_handle(c);
	char *spec[1] = {"questions/"};
	git_diff_options o;
	git_diff_options_init(&o, GIT_DIFF_OPTIONS_VERSION);
	o.pathspec.strings = spec;
	o.pathspec.count = 1;
	int grc = git_commit_lookup(&b, repo, &head);
	if (grc == 0)
		grc = git_commit_tree(&ta, a);
	if (grc == 0)
		grc = git_commit_tree(&tb, b);
	if (grc == 0)
		grc = git_diff_tree_to_tree(&diff, repo, ta, tb, &o);
	if (grc < 0) {
		rc = wol_error_git(err, grc, "questions: news");
		goto out;
	}
	size_t nd = git_diff_num_deltas(diff);
	for (size_t i = 0; i < nd; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		if (d->status != GIT_DELTA_ADDED)
			continue;
		const char *path = d->new_file.path;
		char qid[128], aid[128];
		int m1 = 0;
		if (sscanf(path, "questions/%127[^/]/question.m%n", qid, &m1) == 1 && m1 > 0 &&
		    strcmp(path + m1, "d") == 0) {
			char *who = author_of(c, path);
			if (who && strcmp(who, me) != 0)
				strv_add(&qs, wol_strfmt("%s", qid));
			free(who);
		} else if (sscanf(path, "questions/%127[^/]/answers/%127[^/]", qid, aid) == 2) {
			size_t al = strlen(aid);
			if (al < 4 || strcmp(aid + al - 3, ".md") != 0)
				continue;
			aid[al - 3] = '\0';
			char *qrel = wol_strfmt("questions/%s/question.md", qid);
			char *asker = qrel ? author_of(c, qrel) : NULL;
			char *who = author_of(c, path);
			if (asker && who && strcmp(asker, me) == 0 && strcmp(who, me) != 0)
				strv_add(&as, wol_strfmt("%s/%s", qid, aid));
			free(qrel);
			free(asker);
			free(who);
		}
	}
	if (qs.oom || as.oom) {
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		goto out;
	}
	if (update)
		write_mark(c, &head);
out:
	git_diff_free(diff);
	git_tree_free(ta);
	git_tree_free(tb);
	git_commit_free(a);
	git_commit_free(b);
	if (rc) {
		wol_strv_free(qs.v, qs.n);
		wol_strv_free(as.v, as.n);
		return rc;
	}
	out->questions = qs.v;
	out->nquestions = qs.n;
	out->answers = as.v;
	out->nanswers = as.n;
	return 0;
}
