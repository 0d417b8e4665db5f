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

/* The texts end in a NUL (the queued copies keep it) and are bound as
 * such: FTS5's tokenizer then reads them where they are (given a length
 * alone, sqlite copied each to add the NUL), which is also how the
 * build's tokens made ahead are matched with them (below). */
static int run_op(wol_walk *w, const struct wol_fts_op *op, const char *title, const char *body,
                  const char *tags)
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
		sqlite3_bind_text(f, 2, title, -1, SQLITE_STATIC);
		sqlite3_bind_text(f, 3, body, -1, SQLITE_STATIC);
		sqlite3_bind_text(f, 4, tags, -1, SQLITE_STATIC);
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
		rc = run_op(w, op, t, op->text ? t + op->ltitle + 1 : "",
		            op->text ? t + op->ltitle + op->lbody + 2 : "");
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
		return run_op(w, &op, title, body, tags);
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

/* ------------------------------------------- the build's segment, settled
 *
 * FTS5 merges a level's segments once it holds `automerge` (4) of them, and
 * a merge's output goes one level up. The segment a build leaves (one, from
 * one flush of its terms or from its `optimize`) sat on level 0 or 1; each
 * refresh then adds a small segment on level 0, and within ~16 refreshes
 * the merges of the small ones reached the big one's level and rewrote it,
 * a few hundred pages at a time, for hundreds of refreshes. Moved up to
 * level K, where merges of refresh-sized segments get only once those add
 * up to about its size (4^K pages), the small ones are merged among
 * themselves as before and the big one is left alone.
 *
 * FTS5 keeps the levels in its "structure" record (fts_data id 10): a
 * 4-byte cookie, then varints: number of levels, of segments, the write
 * counter, and for each level its number of segments in a merge and of
 * segments, each segment's id and first and last page. That record is
 * rewritten here with the one segment on level K and no other change (no
 * page moves: levels are only FTS5's bookkeeping of which segments to merge
 * together). Anything else in the record (a merge under way, several
 * segments, a form this does not know) is left as it is. */

#define FTS_STRUCTURE_ID 10
#define FTS_MAX_LEVEL 64 /* FTS5_MAX_LEVEL */

static int get_varint(const unsigned char *p, size_t n, size_t *i, sqlite3_uint64 *v)
{
	sqlite3_uint64 x = 0;
	for (int k = 0; k < 9; k++) {
		if (*i >= n)
			return -1;
		unsigned char c = p[(*i)++];
		if (k == 8) {
			x = (x << 8) | c;
			break;
		}
		x = (x << 7) | (c & 0x7f);
		if (!(c & 0x80))
			break;
	}
	*v = x;
	return 0;
}

static size_t put_varint(unsigned char *out, sqlite3_uint64 v)
{
	unsigned char tmp[10];
	size_t n = 0;
	if (v >> 56) { /* nine bytes: the last one whole */
		out[8] = (unsigned char)v;
		v >>= 8;
		for (int k = 7; k >= 0; k--) {
			out[k] = (unsigned char)((v & 0x7f) | 0x80);
			v >>= 7;
		}
		return 9;
	}
	do {
		tmp[n++] = (unsigned char)((v & 0x7f) | 0x80);
		v >>= 7;
	} while (v);
	tmp[0] &= 0x7f;
	for (size_t k = 0; k < n; k++)
		out[k] = tmp[n - 1 - k];
	return n;
}

/* The level for a segment of `pages` pages: the first whose merges of
 * refresh-sized segments (a page or more each) reach its size. */
static int settled_level(sqlite3_uint64 pages)
{
	int k = 1;
	for (sqlite3_uint64 reach = 4; reach < pages && k < FTS_MAX_LEVEL - 1; reach *= 4)
		k++;
	return k;
}

int wol_index__fts_settle(wol_index *ix, wol_error *err)
{
	sqlite3_stmt *st;
	int rc = wol_index__prepare(ix, "SELECT block FROM fts_data WHERE id = ?1", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_int(st, 1, FTS_STRUCTURE_ID);
	int s = sqlite3_step(st);
	if (s != SQLITE_ROW) {
		rc = s == SQLITE_DONE ? 0 : wol_index__fail(ix, err, s, "reading the full-text structure");
		sqlite3_finalize(st);
		return rc;
	}
	const unsigned char *p = sqlite3_column_blob(st, 0);
	size_t n = (size_t)sqlite3_column_bytes(st, 0), i = 4;
	sqlite3_uint64 nlevel, nseg, counter, seg[3] = {0, 0, 0};
	int level = -1, ok = p && n > 4 && get_varint(p, n, &i, &nlevel) == 0 &&
	                    get_varint(p, n, &i, &nseg) == 0 && get_varint(p, n, &i, &counter) == 0 &&
	                    nlevel >= 1 && nlevel <= FTS_MAX_LEVEL && nseg == 1;
	for (sqlite3_uint64 l = 0; ok && l < nlevel; l++) {
		sqlite3_uint64 merging, count;
		ok = get_varint(p, n, &i, &merging) == 0 && get_varint(p, n, &i, &count) == 0 &&
		     merging == 0 && count <= 1 && (count == 0 || level < 0);
		if (ok && count == 1) {
			level = (int)l;
			for (int k = 0; ok && k < 3; k++)
				ok = get_varint(p, n, &i, &seg[k]) == 0;
		}
	}
	ok = ok && i == n && level >= 0 && seg[2] >= seg[1];
	int k = ok ? settled_level(seg[2] - seg[1] + 1) : 0;
	unsigned char out[4 + 9 * 3 + 2 * FTS_MAX_LEVEL + 9 * 3];
	size_t o = 0;
	if (ok && level < k) {
		memcpy(out, p, 4); /* the cookie */
		o = 4;
		o += put_varint(out + o, (sqlite3_uint64)k + 1);
		o += put_varint(out + o, 1);
		o += put_varint(out + o, counter);
		for (int l = 0; l < k; l++) {
			out[o++] = 0;
			out[o++] = 0;
		}
		out[o++] = 0;
		out[o++] = 1;
		for (int j = 0; j < 3; j++)
			o += put_varint(out + o, seg[j]);
	}
	sqlite3_finalize(st);
	if (!o)
		return 0;
	rc = wol_index__prepare(ix, "UPDATE fts_data SET block = ?2 WHERE id = ?1", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_int(st, 1, FTS_STRUCTURE_ID);
	sqlite3_bind_blob(st, 2, out, (int)o, SQLITE_STATIC);
	s = sqlite3_step(st);
	if (s != SQLITE_DONE)
		rc = wol_index__fail(ix, err, s, "settling the full-text segment");
	sqlite3_finalize(st);
	return rc;
}

/* ------------------------------------ columns tokenized on the reader thread
 *
 * In a build from nothing the sqlite thread is the critical path, and of
 * its work on a document FTS5's tokenizer (unicode61) is a part that needs
 * no database: the reader thread (extract.c) runs it on each document's
 * title, body and tags with an instance of its own, keeping the tokens.
 * On the build's connection only, "unicode61" is then a thin tokenizer
 * over the real one: given one of those very texts (the same bytes at the
 * same address, which is how the store binds them), it hands FTS5 the
 * tokens kept; any other text goes to the real tokenizer. The tokens are
 * unicode61's own for those bytes, with the same arguments (the table's,
 * as FTS5 passes them), so the index is the one a serial build writes.
 * Other connections never see this tokenizer: the table's declaration is
 * unchanged. */

struct wol_fts_pretok {
	fts5_tokenizer real;  /* unicode61 */
	void *real_ud;
	Fts5Tokenizer *reader; /* the reader thread's instance */
	char **args;          /* its arguments (the table's) */
	int nargs;
	const wol_fts_pre *cur; /* the document being inserted */
};

typedef struct {
	fts5_tokenizer real;
	Fts5Tokenizer *inst;
	struct wol_fts_pretok *pt;
	int same_args; /* made with the reader's arguments: may replay */
} pretok_inst;

static int same_args(struct wol_fts_pretok *pt, const char **az, int n)
{
	if (n != pt->nargs)
		return 0;
	for (int i = 0; i < n; i++)
		if (strcmp(az[i], pt->args[i]) != 0)
			return 0;
	return 1;
}

static int pretok_create(void *ud, const char **az, int n, Fts5Tokenizer **out)
{
	struct wol_fts_pretok *pt = ud;
	pretok_inst *t = calloc(1, sizeof *t);
	if (!t)
		return SQLITE_NOMEM;
	t->real = pt->real;
	t->pt = pt;
	int rc = pt->real.xCreate(pt->real_ud, az, n, &t->inst);
	if (rc != SQLITE_OK) {
		free(t);
		return rc;
	}
	if (!pt->reader && pt->nargs < 0) {
		/* the first instance (the table's): the reader's, alike */
		char **args = calloc((size_t)n + 1, sizeof *args);
		int ok = args != NULL;
		for (int i = 0; ok && i < n; i++)
			ok = (args[i] = wol_strndup(az[i], strlen(az[i]))) != NULL;
		if (ok && pt->real.xCreate(pt->real_ud, az, n, &pt->reader) == SQLITE_OK) {
			pt->args = args;
			pt->nargs = n;
		} else {
			for (int i = 0; args && i < n; i++)
				free(args[i]);
			free(args);
			pt->reader = NULL;
		}
	}
	t->same_args = pt->reader && same_args(pt, az, n);
	*out = (Fts5Tokenizer *)t;
	return SQLITE_OK;
}

static void pretok_delete(Fts5Tokenizer *tok)
{
	pretok_inst *t = (pretok_inst *)tok;
	t->real.xDelete(t->inst);
	free(t);
}

/* A token as kept: its length, start, end (4 bytes each), flags (1), bytes. */
#define TOK_HEAD 13

static int pretok_tokenize(Fts5Tokenizer *tok, void *ctx, int flags, const char *text, int len,
                           int (*xtoken)(void *, int, const char *, int, int, int))
{
	pretok_inst *t = (pretok_inst *)tok;
	const wol_fts_pre *pre = t->same_args && flags == FTS5_TOKENIZE_DOCUMENT ? t->pt->cur : NULL;
	const wol_fts_col *c = NULL;
	for (int i = 0; pre && !c && i < 3; i++)
		if (pre->col[i].ok && pre->col[i].text == text && pre->col[i].len == (size_t)len)
			c = &pre->col[i];
	if (!c)
		return t->real.xTokenize(t->inst, ctx, flags, text, len, xtoken);
	int rc = SQLITE_OK;
	for (size_t i = 0; rc == SQLITE_OK && i < c->n;) {
		unsigned int n, start, end;
		memcpy(&n, c->tok + i, 4);
		memcpy(&start, c->tok + i + 4, 4);
		memcpy(&end, c->tok + i + 8, 4);
		rc = xtoken(ctx, c->tok[i + 12], (const char *)c->tok + i + TOK_HEAD, (int)n, (int)start,
		            (int)end);
		i += TOK_HEAD + n;
	}
	return rc;
}

static int keep_token(void *ctx, int tflags, const char *tok, int n, int start, int end)
{
	wol_fts_col *c = ctx;
	if (n < 0 || start < 0 || end < 0 || tflags < 0 || tflags > 255)
		return SQLITE_ERROR; /* nothing unicode61 makes: not kept */
	size_t need = c->n + TOK_HEAD + (size_t)n;
	if (need > c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 4096;
		while (cap < need)
			cap *= 2;
		unsigned char *p = realloc(c->tok, cap);
		if (!p)
			return SQLITE_NOMEM;
		c->tok = p;
		c->cap = cap;
	}
	unsigned int v[3] = {(unsigned int)n, (unsigned int)start, (unsigned int)end};
	memcpy(c->tok + c->n, v, 12);
	c->tok[c->n + 12] = (unsigned char)tflags;
	memcpy(c->tok + c->n + TOK_HEAD, tok, (size_t)n);
	c->n = need;
	return SQLITE_OK;
}

void wol_index__fts_pretokenize(struct wol_fts_pretok *pt, wol_fts_pre *pre, const char *title,
                                const char *body, const char *tags)
{
	const char *text[3] = {title, body, tags};
	for (int i = 0; i < 3; i++) {
		wol_fts_col *c = &pre->col[i];
		if (!text[i] || !*text[i])
			continue; /* "" has no tokens: the real tokenizer says so at once */
		c->text = text[i];
		c->len = strlen(text[i]);
		/* room for its tokens at once: a token's head (13 bytes) and
		 * bytes come to ~2.2x the text in bench/index.sh's corpus; grown
		 * from 4 KB by doubling, one or two reallocs a body (~5 % of the
		 * reader's instructions) */
		if (!c->tok && c->len <= (64u << 20)) {
			c->cap = c->len * 3 + 64;
			c->tok = malloc(c->cap);
			if (!c->tok)
				c->cap = 0;
		}
		c->ok = c->len <= 0x7fffffff &&
		        pt->real.xTokenize(pt->reader, c, FTS5_TOKENIZE_DOCUMENT, c->text, (int)c->len,
		                           keep_token) == SQLITE_OK;
	}
}

void wol_index__fts_pre_free(wol_fts_pre *pre)
{
	for (int i = 0; i < 3; i++)
		free(pre->col[i].tok);
	memset(pre, 0, sizeof *pre);
}

void wol_index__fts_pre_use(wol_index *ix, const wol_fts_pre *pre)
{
	if (ix->pretok)
		ix->pretok->cur = pre;
}

/* Freed with the connection (FTS5 calls it when it closes). */
static void pretok_destroy(void *ud)
{
	struct wol_fts_pretok *pt = ud;
	if (pt->reader)
		pt->real.xDelete(pt->reader);
	for (int i = 0; i < pt->nargs; i++)
		free(pt->args[i]);
	free(pt->args);
	free(pt);
}

int wol_index__fts_pretok_start(wol_index *ix)
{
	ix->pretok = NULL;
	fts5_api *fts = NULL;
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(ix->db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
		return 0; /* (the schema's own statements will say what is wrong) */
	sqlite3_bind_pointer(st, 1, (void *)&fts, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	struct wol_fts_pretok *pt = fts ? calloc(1, sizeof *pt) : NULL;
	if (!pt)
		return 0;
	pt->nargs = -1;
	if (fts->xFindTokenizer(fts, "unicode61", &pt->real_ud, &pt->real) != SQLITE_OK) {
		free(pt);
		return 0;
	}
	fts5_tokenizer mine = {pretok_create, pretok_delete, pretok_tokenize};
	if (fts->xCreateTokenizer(fts, "unicode61", pt, &mine, pretok_destroy) != SQLITE_OK) {
		free(pt);
		return 0;
	}
	ix->pretok = pt;
	return 0;
}
