/* index/fts.c - the full-text rows a refresh writes, held back until its
 * other writes are done.
 *
 * FTS5 keeps the terms of the rows written in a transaction in memory and
 * writes them out as one new segment when the transaction commits, or when
 * a statement opens a savepoint in the middle of it: sqlite opens one for
 * any statement that may fail halfway through several writes, and every
 * write of a `docs` row is such a statement (its `daily` triggers, the
 * unique path). Interleaved with them, each document of a refresh became a
 * segment of its own, and FTS5's merges of those small segments were most
 * of the time of a refresh after a sync (and the segments left behind slow
 * every query down until merged). So a refresh queues its full-text writes
 * and runs them, in order, after every other write: one segment per
 * refresh, as long as the rows come in rowid order (see
 * wol_index__fts_flush). A build from nothing writes no `docs` row that
 * opens a savepoint (its triggers are dropped) and adds rows in rowid order:
 * it writes at once. */
#include "index/index_int.h"

#include <stdlib.h>
#include <string.h>

/* Held text beyond which the queue is written out early (a big refresh). */
#define WOL_FTS_QUEUE_BYTES (16u << 20)

struct wol_fts_op {
	sqlite3_int64 id;
	size_t seq; /* order of arrival */
	int del, ins;
	char *text; /* title \0 body \0 tags \0 (ins only) */
	size_t ltitle, lbody, ltags;
};

static int run_op(wol_walk *w, const struct wol_fts_op *op, const char *title, size_t ltitle,
                  const char *body, size_t lbody, const char *tags, size_t ltags)
{
	int sr = SQLITE_DONE;
	if (op->del) {
		sqlite3_reset(w->fts_del);
		sqlite3_bind_int64(w->fts_del, 1, op->id);
		sr = sqlite3_step(w->fts_del);
	}
	if (sr == SQLITE_DONE && op->ins) {
		sqlite3_stmt *f = w->fts_ins;
		sqlite3_reset(f);
		sqlite3_bind_int64(f, 1, op->id);
		sqlite3_bind_text(f, 2, title, (int)ltitle, SQLITE_STATIC);
		sqlite3_bind_text(f, 3, body, (int)lbody, SQLITE_STATIC);
		sqlite3_bind_text(f, 4, tags, (int)ltags, SQLITE_STATIC);
		sr = sqlite3_step(f);
		sqlite3_clear_bindings(f);
	}
	if (sr != SQLITE_DONE)
		return wol_index__fail(w->ix, w->err, sr, "updating the full-text index");
	return 0;
}

/* By rowid, then in the order they came (the delete of a row before its
 * new version). */
static int cmp_op(const void *a, const void *b)
{
	const struct wol_fts_op *x = a, *y = b;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int wol_index__fts_flush(wol_walk *w)
{
	int rc = 0;
	/* FTS5 holds a transaction's terms in memory in rowid order: a write
	 * to a smaller rowid than the one before writes out a segment first.
	 * In rowid order the whole queue stays one segment. */
	if (w->nfq > 1)
		qsort(w->fq, w->nfq, sizeof *w->fq, cmp_op);
	for (size_t i = 0; rc == 0 && i < w->nfq; i++) {
		const struct wol_fts_op *op = &w->fq[i];
		const char *t = op->text ? op->text : "";
		rc = run_op(w, op, t, op->ltitle, op->text ? t + op->ltitle + 1 : "", op->lbody,
		            op->text ? t + op->ltitle + op->lbody + 2 : "", op->ltags);
	}
	wol_index__fts_clear(w);
	return rc;
}

void wol_index__fts_clear(wol_walk *w)
{
	for (size_t i = 0; i < w->nfq; i++)
		free(w->fq[i].text);
	free(w->fq);
	w->fq = NULL;
	w->nfq = w->cfq = w->fq_bytes = 0;
}

int wol_index__fts_put(wol_walk *w, sqlite3_int64 id, int del, int ins, const char *title,
                       const char *body, const char *tags)
{
	struct wol_fts_op op = {.id = id, .del = del, .ins = ins};
	if (ins) {
		title = title ? title : "";
		body = body ? body : "";
		tags = tags ? tags : "";
		op.ltitle = strlen(title);
		op.lbody = strlen(body);
		op.ltags = strlen(tags);
	}
	int rc = wol_index__writers(w);
	if (rc)
		return rc;
	if (w->fts_now)
		return run_op(w, &op, title, op.ltitle, body, op.lbody, tags, op.ltags);
	if (ins) {
		op.text = malloc(op.ltitle + op.lbody + op.ltags + 3);
		if (!op.text)
			return wol_error_set(w->err, WOL_ENOMEM, "out of memory");
		memcpy(op.text, title, op.ltitle + 1);
		memcpy(op.text + op.ltitle + 1, body, op.lbody + 1);
		memcpy(op.text + op.ltitle + op.lbody + 2, tags, op.ltags + 1);
	}
	if (w->nfq == w->cfq) {
		size_t cap = w->cfq ? w->cfq * 2 : 16;
		struct wol_fts_op *q = realloc(w->fq, cap * sizeof *q);
		if (!q) {
			free(op.text);
			return wol_error_set(w->err, WOL_ENOMEM, "out of memory");
		}
		w->fq = q;
		w->cfq = cap;
	}
	op.seq = w->nfq;
	w->fq[w->nfq++] = op;
	w->fq_bytes += op.ltitle + op.lbody + op.ltags;
	if (w->fq_bytes >= WOL_FTS_QUEUE_BYTES)
		return wol_index__fts_flush(w);
	return 0;
}
