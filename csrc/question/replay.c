/* question/replay.c - the state of a question: its events replayed in order
 * (resolve, reopen, retract, edit, thanks), each checked against who may do
 * it; every machine holding the same files derives the same state. */
#include "question/question_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The record an event acts on: NULL target means the question. */
static wol_qrecord *target_of(wol_qloaded *l, const char *target)
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
int wol_question__replay(wol_qloaded *l, wol_question *q, wol_strv *warn)
{
	const char *state = "open";
	char *helped = NULL;
	char *title = wol_strdup(wol_yaml_str(l->q.meta, "title"));
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
				helped = wol_question__blank(e->text) ? NULL : wol_strdup(e->text);
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
			} else if (wol_question__blank(e->text) && !(t == &l->q && wol_yaml_str(e->meta, "title"))) {
				why = "an edit without text";
			} else {
				if (!wol_question__blank(e->text)) {
					free(t->current);
					t->current = wol_strdup(e->text);
				}
				t->edited = 1;
				const char *nt = t == &l->q ? wol_yaml_str(e->meta, "title") : NULL;
				if (nt && !wol_question__blank(nt)) {
					free(title);
					title = wol_strdup(nt);
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
			wol_strv_add(warn, wol_strfmt("wol: %s: %s%s", e->path, why,
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

/* Fills the summary fields of q from l (after replay). */
int wol_question__summarize(wol_circle *c, wol_qloaded *l, wol_question *q)
{
	q->mine = strcmp(l->q.author, wol_circle_handle(c)) == 0;
	return wol_question__summary_fields(l, q);
}

int wol_question__summary_fields(wol_qloaded *l, wol_question *q)
{
	q->id = wol_strdup(l->q.id);
	q->author = wol_strdup(l->q.author);
	q->created = wol_strdup(l->q.created);
	const char *about = wol_yaml_str(l->q.meta, "about");
	q->about = about && *about ? wol_strdup(about) : NULL;
	q->lamport = l->q.lamport;
	if (!q->id || !q->author || (l->q.created && !q->created) || (about && *about && !q->about))
		return WOL_ENOMEM;
	return 0;
}

int wol_question__summary(const char *root, const char *qid, wol_question *q, wol_error *err)
{
	memset(q, 0, sizeof *q);
	wol_qloaded l;
	wol_error e;
	wol_strv w = {0};
	if (wol_question__load(root, qid, &l, &w, &e) != 0) {
		if (e.code == WOL_ENOMEM)
			w.oom = 1;
		else
			wol_strv_add(&w, wol_strfmt("%s (question skipped)", e.msg));
	} else {
		if (wol_question__replay(&l, q, &w) != 0 || wol_question__summary_fields(&l, q) != 0)
			w.oom = 1;
		wol_question__loaded_free(&l);
	}
	q->warnings = w.v;
	q->nwarnings = w.n;
	if (w.oom) {
		wol_question_free(q);
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
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
		wol_question__record_free(&q->records[i]);
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
