/* index/rank.c - the search's ranking function, wol_bm25(fts, weights...):
 * FTS5's bm25 to the bit (the same statistics, formula and order of
 * floating-point operations; its logarithm is sqlite's ln()), but each
 * row's length in tokens is read differently. FTS5's own bm25 looks it up
 * in fts_docsize with a nested statement per matching row (a seek from
 * the root, then a reset): for a word found in 8,820 of 15,000 documents
 * that was half of the search's instructions. Matches come in rowid order,
 * so here one cursor walks fts_docsize alongside them, stepping over the
 * few rows between two matches and seeking only across a wider gap.
 * A search without filters does not call it per row: its best matches are
 * ranked at once with the same scores (wol_index__rank_best, below).
 * tests/core/index_rank_spec.lua checks the hits against FTS5's bm25. */
#include "index/index_int.h"

#include <stdlib.h>
#include <string.h>

/* What one query computes once (FTS5 auxiliary data). */
typedef struct rank_query {
	wol_index *ix;
	int nphrase;
	double avgdl;
	sqlite3_int64 nrow;
	double *idf, *freq;
	sqlite3_stmt *walk; /* over fts_docsize, in rowid order */
	sqlite3_int64 at;   /* the row it is on, when at_row */
	int at_row;
} rank_query;

/* Every row's length in tokens (the sum of its fts_docsize entry), read
 * at once by a handle that lives on (the editor's: a `wol` process ranks
 * once and walks instead), and kept while the database's data version is
 * the one it was read at: sqlite moves it at every commit, this
 * connection's or another's (SQLITE_FCNTL_DATA_VERSION, read inside the
 * search's read transaction). */
struct wol_rank_lens {
	sqlite3 *db; /* the connection whose data version it is */
	unsigned version;
	sqlite3_int64 lo; /* the first row */
	size_t n;
	int *len; /* of row lo + i; -1: no such row */
};

static void lens_free(wol_index *ix)
{
	if (ix->rank_lens)
		free(ix->rank_lens->len);
	free(ix->rank_lens);
	ix->rank_lens = NULL;
}

void wol_index__rank_drop(wol_index *ix)
{
	sqlite3_finalize(ix->rank_ln);
	ix->rank_ln = NULL;
	ix->rank_db = NULL;
	lens_free(ix);
}

/* The sum of an fts_docsize entry: the columns' lengths, sqlite varints. */
static int sz_total(const unsigned char *p, int nb)
{
	int total = 0;
	for (int i = 0; i < nb;) {
		unsigned v = 0;
		for (int k = 0; i < nb && k < 5; k++) {
			unsigned char c = p[i++];
			v = (v << 7) | (c & 0x7f);
			if (!(c & 0x80))
				break;
		}
		total += (int)v;
	}
	return total;
}

/* Rows a walk steps over before it seeks instead: a step costs about a
 * fifth of a seek (callgrind, 15,000 rows). */
#define STEP_MAX 4

/* The length of row `id` from the walk over fts_docsize: 1 with it in
 * *len, 0 when the table does not say (FTS5 is asked then). */
static int walk_len(rank_query *q, sqlite3_int64 id, int *len)
{
	if (!q->walk && sqlite3_prepare_v3(q->ix->db, "SELECT id, sz FROM fts_docsize WHERE id >= ?1 ORDER BY id",
	                                   -1, SQLITE_PREPARE_PERSISTENT, &q->walk, NULL) != SQLITE_OK)
		return 0;
	int steps = 0;
	if (!q->at_row || id < q->at || id - q->at > STEP_MAX) {
		sqlite3_reset(q->walk);
		sqlite3_bind_int64(q->walk, 1, id);
		q->at_row = sqlite3_step(q->walk) == SQLITE_ROW;
		q->at = q->at_row ? sqlite3_column_int64(q->walk, 0) : 0;
	}
	while (q->at_row && q->at < id && steps++ < STEP_MAX) {
		q->at_row = sqlite3_step(q->walk) == SQLITE_ROW;
		q->at = q->at_row ? sqlite3_column_int64(q->walk, 0) : 0;
	}
	if (!q->at_row || q->at != id)
		return 0;
	const unsigned char *p = sqlite3_column_blob(q->walk, 1);
	*len = sz_total(p, sqlite3_column_bytes(q->walk, 1));
	return 1;
}

static int count_hit(const Fts5ExtensionApi *api, Fts5Context *fts, void *payload)
{
	(void)api;
	(void)fts;
	(*(sqlite3_int64 *)payload)++;
	return SQLITE_OK;
}

static void query_free(void *p)
{
	rank_query *q = p;
	if (q) {
		sqlite3_finalize(q->walk);
		free(q->idf);
		free(q);
	}
}

/* The natural logarithm as sqlite's ln() computes it: the libm that
 * FTS5's bm25 calls, without linking libm ourselves. */
static int ln_of(wol_index *ix, double x, double *out)
{
	sqlite3_stmt *st = ix->rank_ln;
	sqlite3_bind_double(st, 1, x);
	int rc = sqlite3_step(st);
	*out = sqlite3_column_double(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? SQLITE_OK : SQLITE_ERROR;
}

/* One phrase's part of the score: FTS5's bm25 formula, in its order of
 * floating-point operations. */
static double bm25_term(double idf, double freq, double ntok, double avgdl)
{
	const double k1 = 1.2, b = 0.75;
	return idf * ((freq * (k1 + 1.0)) / (freq + k1 * (1 - b + b * ntok / avgdl)));
}

/* bm25's idf of a phrase found in `hits` of `nrow` rows. */
static int idf_of(wol_index *ix, sqlite3_int64 nrow, sqlite3_int64 hits, double *out)
{
	double idf = 0;
	int rc = ln_of(ix, (nrow - hits + 0.5) / (hits + 0.5), &idf);
	*out = idf <= 0.0 ? 1e-6 : idf;
	return rc;
}

/* The query's statistics, computed on its first row as bm25 does. */
static rank_query *query_of(const Fts5ExtensionApi *api, Fts5Context *fts, int *rc)
{
	rank_query *q = api->xGetAuxdata(fts, 0);
	if (q)
		return q;
	q = calloc(1, sizeof *q);
	int n = api->xPhraseCount(fts);
	if (!q || !(q->idf = calloc((size_t)(n > 0 ? n : 1) * 2, sizeof(double)))) {
		free(q);
		*rc = SQLITE_NOMEM;
		return NULL;
	}
	q->ix = api->xUserData(fts);
	q->nphrase = n;
	q->freq = q->idf + n;
	sqlite3_int64 ntok = 0;
	*rc = api->xRowCount(fts, &q->nrow);
	if (*rc == SQLITE_OK)
		*rc = api->xColumnTotalSize(fts, -1, &ntok);
	if (*rc == SQLITE_OK)
		q->avgdl = (double)ntok / (double)q->nrow;
	for (int i = 0; *rc == SQLITE_OK && i < n; i++) {
		sqlite3_int64 hits = 0;
		*rc = api->xQueryPhrase(fts, i, &hits, count_hit);
		if (*rc == SQLITE_OK)
			*rc = idf_of(q->ix, q->nrow, hits, &q->idf[i]);
	}
	if (*rc == SQLITE_OK)
		*rc = api->xSetAuxdata(fts, q, query_free);
	else
		query_free(q);
	return *rc == SQLITE_OK ? q : NULL;
}

static void wol_bm25(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
                     int nval, sqlite3_value **val)
{
	int rc = SQLITE_OK;
	rank_query *q = query_of(api, fts, &rc);
	int ninst = 0;
	if (rc == SQLITE_OK) {
		memset(q->freq, 0, sizeof(double) * (size_t)q->nphrase);
		rc = api->xInstCount(fts, &ninst);
	}
	for (int i = 0; rc == SQLITE_OK && i < ninst; i++) {
		int ip, ic, io;
		rc = api->xInst(fts, i, &ip, &ic, &io);
		if (rc == SQLITE_OK)
			q->freq[ip] += nval > ic ? sqlite3_value_double(val[ic]) : 1.0;
	}
	int ntok = 0;
	if (rc == SQLITE_OK) {
		if (!walk_len(q, api->xRowid(fts), &ntok))
			rc = api->xColumnSize(fts, -1, &ntok);
	}
	if (rc != SQLITE_OK) {
		sqlite3_result_error_code(ctx, rc);
		return;
	}
	double D = (double)ntok, score = 0.0;
	for (int i = 0; i < q->nphrase; i++)
		score += bm25_term(q->idf[i], q->freq[i], D, q->avgdl);
	sqlite3_result_double(ctx, -1.0 * score);
}

/* ------------------------------------------ every match ranked at once */

/* A query ranked outside SQL. A statement over its first match calls
 * wol_rank_scan(fts, <this>, weights...) once, which reads the rows of
 * each phrase through xQueryPhrase (the walk bm25 makes anyway to count
 * them for its idf) with the phrase's weighted count in each, and finds the
 * matches as FTS5 does for the expressions query.c builds: the rows of
 * every phrase looked for, less those of any excluded one. Each match's
 * score is then what wol_bm25 gives it (the same statistics, the same
 * bm25_term in the same order), without a function call, a sort step and a
 * docsize step per match inside a statement. */

/* The rows of one phrase, in rowid order. */
typedef struct scan_list {
	sqlite3_int64 *id;
	double *freq;
	int *floor; /* no more than the row's tokens (its instances' offsets) */
	size_t n, cap;
	int unordered;
	/* while kept: the rows' instances, (column << 30 | offset) in
	 * order, row r's from pos[at[r]] to pos[at[r + 1]] (the last row's
	 * to pos[npos]) */
	unsigned *pos;
	unsigned *at;
	size_t npos, poscap;
} scan_list;

/* The most instances a ranking keeps for its hits' details (search.c):
 * 16 KB. A common word of a big index has more; its hits' details are
 * read through FTS5 again (detail.c, wol_hitsnip), and what was kept
 * until then is the waste: with 16,384 kept, a common word of 3,000
 * notes cost 0.6 M instructions (of 10.8 M) and 9 page faults more. */
#define INST_MAX 4096

typedef struct rank_scan {
	rank_query q;     /* the statistics, the walk over fts_docsize */
	int npos, nneg;   /* the phrases looked for, then those excluded */
	size_t limit;     /* the hits asked for */
	int called;       /* wol_rank_scan was (on the first match) */
	int ranked;       /* and ranked every match */
	int rc;
	double w[8];
	int nw;
	/* the matches; the score of each one `known`, else a bound: no
	 * more than its score */
	sqlite3_int64 *id;
	double *score;
	unsigned char *known;
	size_t n;
	/* the instances: each phrase's rows, and each match's row in the
	 * list of each phrase looked for (n x npos); none when `noinst` */
	scan_list *lists;
	size_t *mrow;
	size_t ninst;
	int noinst;
	int *phrase_size;
	unsigned version;
} rank_scan;

/* The lengths kept for this connection; when the data moved, read again
 * if `read` (reading all costs about what walking to every row does: it
 * pays from the next search on), else NULL. NULL too for a once-handle,
 * inside an explicit transaction (its writes move the version only when
 * committed), or when they cannot be read (then the walk). Called inside
 * the search's read transaction. */
static const struct wol_rank_lens *lens_ready(wol_index *ix, int read)
{
	unsigned v = 0;
	if (ix->once || !sqlite3_get_autocommit(ix->db) ||
	    sqlite3_file_control(ix->db, "main", SQLITE_FCNTL_DATA_VERSION, &v) != SQLITE_OK)
		return NULL;
	if (ix->rank_lens && ix->rank_lens->db == ix->db && ix->rank_lens->version == v)
		return ix->rank_lens;
	lens_free(ix);
	if (!read)
		return NULL;
	sqlite3_stmt *st = NULL;
	sqlite3_int64 lo = 0, hi = -1, count = 0;
	if (sqlite3_prepare_v2(ix->db, "SELECT min(id), max(id), count(*) FROM fts_docsize", -1, &st,
	                       NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_INTEGER) {
		lo = sqlite3_column_int64(st, 0);
		hi = sqlite3_column_int64(st, 1);
		count = sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	/* rows are numbered densely; a sparse table is walked instead */
	if (hi < lo || hi - lo >= 4 * count + 4096)
		return NULL;
	struct wol_rank_lens *c = calloc(1, sizeof *c);
	size_t n = (size_t)(hi - lo) + 1;
	if (!c || !(c->len = malloc(n * sizeof *c->len))) {
		free(c);
		return NULL;
	}
	memset(c->len, 0xff, n * sizeof *c->len);
	c->db = ix->db;
	c->version = v;
	c->lo = lo;
	c->n = n;
	int rc = sqlite3_prepare_v2(ix->db, "SELECT id, sz FROM fts_docsize", -1, &st, NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		sqlite3_int64 id = sqlite3_column_int64(st, 0);
		const unsigned char *p = sqlite3_column_blob(st, 1);
		if (id >= lo && id <= hi)
			c->len[id - lo] = sz_total(p, sqlite3_column_bytes(st, 1));
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(c->len);
		free(c);
		return NULL;
	}
	ix->rank_lens = c;
	return c;
}

static void list_free(scan_list *l)
{
	free(l->id);
	free(l->freq);
	free(l->floor);
	free(l->pos);
	free(l->at);
}

/* No instances kept from here on: the budget is spent, or memory. */
static void inst_drop(rank_scan *s)
{
	s->noinst = 1;
	for (int p = 0; s->lists && p < s->npos + s->nneg; p++) {
		free(s->lists[p].pos);
		free(s->lists[p].at);
		s->lists[p].pos = NULL;
		s->lists[p].at = NULL;
	}
}

/* Instance (column c, offset o) of list l's last row kept. */
static void inst_add(rank_scan *s, scan_list *l, int c, int o)
{
	if (s->noinst)
		return;
	if (c < 0 || c > 3 || o < 0 || o >= (1 << 30) || s->ninst >= INST_MAX) {
		inst_drop(s);
		return;
	}
	if (l->npos == l->poscap) {
		size_t cap = l->poscap ? l->poscap * 2 : 256;
		unsigned *pos = realloc(l->pos, cap * sizeof *pos);
		if (!pos) {
			inst_drop(s);
			return;
		}
		l->pos = pos;
		l->poscap = cap;
	}
	l->pos[l->npos++] = (unsigned)c << 30 | (unsigned)o;
	s->ninst++;
}

typedef struct list_fill {
	scan_list *list;
	rank_scan *s;
	int keep; /* its instances (a phrase looked for) */
} list_fill;

static int list_row(const Fts5ExtensionApi *api, Fts5Context *fts, void *payload)
{
	list_fill *lf = payload;
	scan_list *l = lf->list;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 1024;
		sqlite3_int64 *id = realloc(l->id, cap * sizeof *id);
		if (id)
			l->id = id;
		double *freq = id ? realloc(l->freq, cap * sizeof *freq) : NULL;
		if (freq)
			l->freq = freq;
		int *floor = freq ? realloc(l->floor, cap * sizeof *floor) : NULL;
		if (!floor)
			return SQLITE_NOMEM;
		l->floor = floor;
		l->cap = cap;
		if (!lf->s->noinst) {
			unsigned *at = realloc(l->at, cap * sizeof *at);
			if (at)
				l->at = at;
			else
				inst_drop(lf->s);
		}
	}
	if (!lf->s->noinst)
		l->at[l->n] = (unsigned)l->npos;
	/* the instances come column by column, each in order of offset: the
	 * last one's offset in each column is a token that column has */
	Fts5PhraseIter it;
	int ic = -1, io = 0, col = -1, last = 0, floor = 0;
	double f = 0.0;
	int rc = api->xPhraseFirst(fts, 0, &it, &ic, &io);
	for (; rc == SQLITE_OK && ic >= 0; api->xPhraseNext(fts, &it, &ic, &io)) {
		f += lf->s->nw > ic ? lf->s->w[ic] : 1.0;
		if (lf->keep)
			inst_add(lf->s, l, ic, io);
		if (ic != col)
			floor += col >= 0 ? last + 1 : 0;
		col = ic;
		last = io;
	}
	floor += col >= 0 ? last + 1 : 0;
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_int64 id = api->xRowid(fts);
	if (l->n && id <= l->id[l->n - 1])
		l->unordered = 1;
	l->id[l->n] = id;
	l->freq[l->n] = f;
	l->floor[l->n] = floor;
	l->n++;
	return SQLITE_OK;
}

/* The k-th smallest of n scores (1 <= k <= n), by a max-heap of the k
 * smallest seen. */
static double kth_score(const double *score, size_t n, size_t k, double *heap)
{
	size_t h = 0;
	for (size_t i = 0; i < n; i++) {
		double v = score[i];
		if (h == k && !(v < heap[0]))
			continue;
		size_t at;
		if (h < k) {
			at = h++;
			while (at > 0 && heap[(at - 1) / 2] < v) {
				heap[at] = heap[(at - 1) / 2];
				at = (at - 1) / 2;
			}
		} else {
			at = 0;
			for (;;) {
				size_t c = 2 * at + 1;
				if (c >= k)
					break;
				if (c + 1 < k && heap[c + 1] > heap[c])
					c++;
				if (!(heap[c] > v))
					break;
				heap[at] = heap[c];
				at = c;
			}
		}
		heap[at] = v;
	}
	return heap[0];
}

/* What wol_bm25 gives a row of `ntok` tokens with these counts of the
 * query's phrases (0 for an excluded one, as FTS5 reports them). With a
 * number of tokens below the row's, no more than its score: each term
 * can only grow as ntok shrinks, rounding included. */
static double score_of(const rank_scan *s, const double *idf, const double *freq, double ntok)
{
	double score = 0.0;
	for (int p = 0; p < s->npos + s->nneg; p++)
		score += bm25_term(idf[p], freq[p], ntok, s->q.avgdl);
	return -1.0 * score;
}

/* The exact score of match i: 0 when its row has no length. */
static int score_exact(rank_scan *s, size_t i, const double *idf, const double *freqs,
                       const struct wol_rank_lens *c)
{
	sqlite3_int64 id = s->id[i];
	int len = -1;
	if (c && id >= c->lo && (sqlite3_uint64)(id - c->lo) < c->n)
		len = c->len[id - c->lo];
	if (len < 0 && !walk_len(&s->q, id, &len))
		return 0;
	s->score[i] = score_of(s, idf, freqs + i * (size_t)(s->npos + s->nneg), (double)len);
	s->known[i] = 1;
	return 1;
}

/* The scores the answer needs. With the lengths kept, every match's.
 * Without, each match has a bound (its score with its instances for its
 * length); the `limit` best bounds are scored exactly, which puts the
 * limit-th best score at most at the limit-th best of those, U; a match
 * whose bound is above U cannot score as well, the others are scored
 * (each pass in rowid order, the walk's). 0 when a row has no length. */
static int scan_scores(rank_scan *s, const double *idf, const double *freqs, const int *floor)
{
	int np = s->npos + s->nneg;
	/* a query matching an eighth of the rows or more: all lengths, kept */
	const struct wol_rank_lens *c = lens_ready(s->q.ix, (sqlite3_int64)s->n >= s->q.nrow / 8);
	size_t k = s->limit < s->n ? s->limit : s->n;
	if (c || k == s->n) {
		for (size_t i = 0; i < s->n; i++)
			if (!score_exact(s, i, idf, freqs, c))
				return 0;
		return 1;
	}
	double *heap = malloc(k * sizeof *heap), *exact = malloc(s->n * sizeof *exact);
	int ok = heap && exact;
	for (size_t i = 0; ok && i < s->n; i++)
		s->score[i] = score_of(s, idf, freqs + i * (size_t)np, (double)floor[i]);
	double cut = ok ? kth_score(s->score, s->n, k, heap) : 0;
	size_t nexact = 0;
	for (size_t i = 0; ok && i < s->n; i++)
		if (s->score[i] <= cut) {
			ok = score_exact(s, i, idf, freqs, NULL);
			exact[nexact++] = s->score[i];
		}
	double upper = ok ? kth_score(exact, nexact, k, heap) : 0;
	for (size_t i = 0; ok && i < s->n; i++)
		if (!s->known[i] && s->score[i] <= upper)
			ok = score_exact(s, i, idf, freqs, NULL);
	free(heap);
	free(exact);
	return ok;
}

/* The matches of the lists (the phrases' rows), their counts of each
 * phrase and the bounds of their lengths; then their scores. */
static int scan_match(rank_scan *s, scan_list *lists, const double *idf)
{
	int np = s->npos + s->nneg;
	const scan_list *first = &lists[0];
	size_t *at = calloc((size_t)np, sizeof *at);
	double *freqs = malloc((first->n ? first->n : 1) * (size_t)np * sizeof *freqs);
	int *floor = malloc((first->n ? first->n : 1) * sizeof *floor);
	s->id = malloc((first->n ? first->n : 1) * sizeof *s->id);
	s->score = malloc((first->n ? first->n : 1) * sizeof *s->score);
	s->known = calloc(first->n ? first->n : 1, 1);
	if (!s->noinst && !(s->mrow = malloc((first->n ? first->n : 1) * (size_t)s->npos *
	                                      sizeof *s->mrow)))
		inst_drop(s);
	int ok = at && freqs && floor && s->id && s->score && s->known;
	for (size_t r = 0; ok && r < first->n; r++) {
		sqlite3_int64 id = first->id[r];
		int match = 1, most = first->floor[r];
		double *f = freqs + s->n * (size_t)np;
		f[0] = first->freq[r];
		for (int p = 1; match && p < np; p++) {
			const scan_list *l = &lists[p];
			while (at[p] < l->n && l->id[at[p]] < id)
				at[p]++;
			int here = at[p] < l->n && l->id[at[p]] == id;
			if (p >= s->npos) {
				match = !here;
				f[p] = 0.0;
			} else {
				match = here;
				f[p] = here ? l->freq[at[p]] : 0.0;
				if (here && l->floor[at[p]] > most)
					most = l->floor[at[p]];
			}
		}
		if (match) {
			if (!s->noinst) {
				size_t *m = s->mrow + s->n * (size_t)s->npos;
				m[0] = r;
				for (int p = 1; p < s->npos; p++)
					m[p] = at[p];
			}
			floor[s->n] = most;
			s->id[s->n++] = id;
		}
	}
	ok = ok && scan_scores(s, idf, freqs, floor);
	free(at);
	free(freqs);
	free(floor);
	return ok;
}

static void wol_rank_scan(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
                          int nval, sqlite3_value **val)
{
	rank_scan *s = nval > 0 ? sqlite3_value_pointer(val[0], "wol_rank_scan") : NULL;
	if (!s) {
		sqlite3_result_error(ctx, "wol_rank_scan: no scan", -1);
		return;
	}
	sqlite3_result_null(ctx);
	if (s->called)
		return; /* one call is all it needs */
	s->called = 1;
	int np = s->npos + s->nneg;
	if (s->npos < 1 || api->xPhraseCount(fts) != np)
		return;
	for (int i = 1; i < nval && s->nw < (int)(sizeof s->w / sizeof s->w[0]); i++)
		s->w[s->nw++] = sqlite3_value_double(val[i]);
	s->q.ix = api->xUserData(fts);
	scan_list *lists = s->lists = calloc((size_t)np, sizeof *lists);
	double *idf = calloc((size_t)np, sizeof *idf);
	s->phrase_size = calloc((size_t)np, sizeof *s->phrase_size);
	int rc = lists && idf && s->phrase_size ? SQLITE_OK : SQLITE_NOMEM;
	for (int p = 0; rc == SQLITE_OK && p < np; p++)
		s->phrase_size[p] = api->xPhraseSize(fts, p);
	/* what the instances are of, for the hits' details (search.c) */
	if (rc == SQLITE_OK && sqlite3_file_control(s->q.ix->db, "main", SQLITE_FCNTL_DATA_VERSION,
	                                            &s->version) != SQLITE_OK)
		s->noinst = 1;
	sqlite3_int64 ntok = 0;
	if (rc == SQLITE_OK)
		rc = api->xRowCount(fts, &s->q.nrow);
	if (rc == SQLITE_OK)
		rc = api->xColumnTotalSize(fts, -1, &ntok);
	if (rc == SQLITE_OK)
		s->q.avgdl = (double)ntok / (double)s->q.nrow;
	int ordered = 1;
	for (int p = 0; rc == SQLITE_OK && p < np; p++) {
		list_fill lf = {&lists[p], s, p < s->npos};
		rc = api->xQueryPhrase(fts, p, &lf, list_row);
		ordered = ordered && !lists[p].unordered;
		if (rc == SQLITE_OK)
			rc = idf_of(s->q.ix, s->q.nrow, (sqlite3_int64)lists[p].n, &idf[p]);
	}
	/* the first match found here is the statement's (a check that the
	 * matches are FTS5's: both in rowid order) */
	if (rc == SQLITE_OK && ordered && scan_match(s, lists, idf) && s->n &&
	    s->id[0] == api->xRowid(fts))
		s->ranked = 1;
	/* the lists are needed only for their instances now */
	for (int p = 0; lists && p < np; p++) {
		free(lists[p].id);
		free(lists[p].freq);
		free(lists[p].floor);
		lists[p].id = NULL;
		lists[p].freq = NULL;
		lists[p].floor = NULL;
	}
	free(idf);
	s->rc = rc;
	if (rc != SQLITE_OK)
		sqlite3_result_error_code(ctx, rc);
}

/* The kept rows' instances (the matches i < n scoring at most `cut`, in
 * best's order) in the order FTS5's xInst lists a row's: the phrases'
 * positions merged, by column, then offset, then phrase (fts5_main.c's
 * fts5CacheInstArray takes the lowest phrase of equal positions first).
 * None kept when out of memory: the details are read through FTS5. */
static void best_inst(const rank_scan *s, double cut, size_t n, wol_rank_best *best)
{
	int np = s->npos;
	size_t total = 0;
	for (size_t i = 0; i < n; i++) {
		if (!(s->score[i] <= cut))
			continue;
		for (int p = 0; p < np; p++) {
			const scan_list *l = &s->lists[p];
			size_t r = s->mrow[i * (size_t)np + p];
			total += (r + 1 < l->n ? l->at[r + 1] : l->npos) - l->at[r];
		}
	}
	best->inst = malloc((total ? total : 1) * 3 * sizeof *best->inst);
	best->inst_at = malloc((best->n + 1) * sizeof *best->inst_at);
	best->phrase_size = malloc((size_t)np * sizeof *best->phrase_size);
	size_t *head = malloc((size_t)np * 2 * sizeof *head), *end = head ? head + np : NULL;
	if (!best->inst || !best->inst_at || !best->phrase_size || !head) {
		free(best->inst);
		free(best->inst_at);
		free(best->phrase_size);
		best->inst = NULL;
		best->inst_at = NULL;
		best->phrase_size = NULL;
		free(head);
		return;
	}
	memcpy(best->phrase_size, s->phrase_size, (size_t)np * sizeof *best->phrase_size);
	best->nphrase = np;
	best->version = s->version;
	size_t k = 0, b = 0;
	for (size_t i = 0; i < n; i++) {
		if (!(s->score[i] <= cut))
			continue;
		best->inst_at[b++] = k;
		for (int p = 0; p < np; p++) {
			const scan_list *l = &s->lists[p];
			size_t r = s->mrow[i * (size_t)np + p];
			head[p] = l->at[r];
			end[p] = r + 1 < l->n ? l->at[r + 1] : l->npos;
		}
		for (;;) {
			int pick = -1;
			for (int p = 0; p < np; p++)
				if (head[p] < end[p] &&
				    (pick < 0 || s->lists[p].pos[head[p]] < s->lists[pick].pos[head[pick]]))
					pick = p;
			if (pick < 0)
				break;
			unsigned v = s->lists[pick].pos[head[pick]++];
			best->inst[3 * k] = pick;
			best->inst[3 * k + 1] = (int)(v >> 30);
			best->inst[3 * k + 2] = (int)(v & ((1u << 30) - 1));
			k++;
		}
	}
	best->inst_at[b] = k;
	free(head);
}

void wol_index__rank_best_free(wol_rank_best *best)
{
	free(best->id);
	free(best->score);
	free(best->inst);
	free(best->inst_at);
	free(best->phrase_size);
	memset(best, 0, sizeof *best);
}

int wol_index__rank_best(wol_index *ix, const char *match, int npos, int nneg, int limit,
                         size_t cap, wol_rank_best *best, wol_error *err)
{
	memset(best, 0, sizeof *best);
	if (limit < 1 || (size_t)limit > cap || npos < 1 || nneg < 0 ||
	    strcmp(wol_index__rank_ready(ix), "wol_bm25") != 0)
		return 1;
	rank_scan s;
	memset(&s, 0, sizeof s);
	s.npos = npos;
	s.nneg = nneg;
	s.limit = (size_t)limit;
	sqlite3_stmt *st;
	int rc = wol_index__prepare(ix,
	                            "SELECT wol_rank_scan(fts, ?2, " WOL_RANK_WEIGHTS ") FROM fts "
	                            "WHERE fts MATCH ?1 LIMIT 1",
	                            &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
	sqlite3_bind_pointer(st, 2, &s, "wol_rank_scan", NULL);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		step = sqlite3_step(st);
	sqlite3_finalize(st);
	sqlite3_finalize(s.q.walk);
	s.q.walk = NULL;
	if (step != SQLITE_DONE)
		rc = wol_index__fail(ix, err, s.rc != SQLITE_OK ? s.rc : step, "ranking");
	else if (s.called && !s.ranked)
		rc = 1;
	/* every match scoring at most the limit-th best score: all have their
	 * score known (scan_scores) */
	size_t nknown = 0;
	for (size_t i = 0; rc == 0 && i < s.n; i++)
		if (s.known[i]) {
			if (!s.noinst && nknown != i)
				memmove(s.mrow + nknown * (size_t)npos, s.mrow + i * (size_t)npos,
				        (size_t)npos * sizeof *s.mrow);
			s.id[nknown] = s.id[i];
			s.score[nknown++] = s.score[i];
		}
	size_t k = (size_t)limit < nknown ? (size_t)limit : nknown, keep = 0;
	if (rc == 0 && k) {
		double *heap = malloc(k * sizeof *heap);
		if (!heap) {
			rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		} else {
			double cut = kth_score(s.score, nknown, k, heap);
			free(heap);
			for (size_t i = 0; i < nknown; i++)
				keep += s.score[i] <= cut;
			if (keep > cap) {
				rc = 1;
			} else if (!(best->id = malloc(keep * sizeof *best->id)) ||
			           !(best->score = malloc(keep * sizeof *best->score))) {
				rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
			} else {
				for (size_t i = 0; i < nknown; i++)
					if (s.score[i] <= cut) {
						best->id[best->n] = s.id[i];
						best->score[best->n++] = s.score[i];
					}
				if (!s.noinst)
					best_inst(&s, cut, nknown, best);
			}
		}
	}
	best->matches = (sqlite3_int64)s.n;
	for (int p = 0; s.lists && p < npos + nneg; p++)
		list_free(&s.lists[p]);
	free(s.lists);
	free(s.mrow);
	free(s.phrase_size);
	free(s.id);
	free(s.score);
	free(s.known);
	if (rc)
		wol_index__rank_best_free(best);
	return rc;
}

const char *wol_index__rank_ready(wol_index *ix)
{
	if (ix->rank_db == ix->db)
		return ix->rank_ln ? "wol_bm25" : "bm25";
	sqlite3_finalize(ix->rank_ln);
	ix->rank_ln = NULL;
	ix->rank_db = ix->db;
	fts5_api *fts = NULL;
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(ix->db, "SELECT fts5(?1)", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_pointer(st, 1, (void *)&fts, "fts5_api_ptr", NULL);
		sqlite3_step(st);
	}
	sqlite3_finalize(st);
	/* an sqlite without its math functions keeps FTS5's own bm25 */
	if (!fts || sqlite3_prepare_v3(ix->db, "SELECT ln(?1)", -1, SQLITE_PREPARE_PERSISTENT,
	                               &ix->rank_ln, NULL) != SQLITE_OK) {
		sqlite3_finalize(ix->rank_ln);
		ix->rank_ln = NULL;
		return "bm25";
	}
	if (fts->xCreateFunction(fts, "wol_bm25", ix, wol_bm25, NULL) != SQLITE_OK ||
	    fts->xCreateFunction(fts, "wol_rank_scan", ix, wol_rank_scan, NULL) != SQLITE_OK) {
		sqlite3_finalize(ix->rank_ln);
		ix->rank_ln = NULL;
	}
	return ix->rank_ln ? "wol_bm25" : "bm25";
}
