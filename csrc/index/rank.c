/* index/rank.c - the search's ranking function, wol_bm25(fts, weights...):
 * FTS5's bm25 to the bit (the same statistics, formula and order of
 * floating-point operations; its logarithm is sqlite's ln()), but each
 * row's length in tokens is read differently. FTS5's own bm25 looks it up
 * in fts_docsize with a nested statement per matching row (a seek from
 * the root, then a reset): for a word found in 8,820 of 15,000 documents
 * that was half of the search's instructions. Matches come in rowid order,
 * so here one cursor walks fts_docsize alongside them, stepping over the
 * few rows between two matches and seeking only across a wider gap.
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

void wol_index__rank_drop(wol_index *ix)
{
	sqlite3_finalize(ix->rank_ln);
	ix->rank_ln = NULL;
	ix->rank_db = NULL;
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
	/* the columns' lengths, each an sqlite varint */
	const unsigned char *p = sqlite3_column_blob(q->walk, 1);
	int nb = sqlite3_column_bytes(q->walk, 1), total = 0;
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
	*len = total;
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
		if (*rc == SQLITE_OK) {
			double idf = 0;
			*rc = ln_of(q->ix, (q->nrow - hits + 0.5) / (hits + 0.5), &idf);
			q->idf[i] = idf <= 0.0 ? 1e-6 : idf;
		}
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
	const double k1 = 1.2, b = 0.75;
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
		score += q->idf[i] * ((q->freq[i] * (k1 + 1.0)) /
		                      (q->freq[i] + k1 * (1 - b + b * D / q->avgdl)));
	sqlite3_result_double(ctx, -1.0 * score);
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
	if (fts->xCreateFunction(fts, "wol_bm25", ix, wol_bm25, NULL) != SQLITE_OK) {
		sqlite3_finalize(ix->rank_ln);
		ix->rank_ln = NULL;
	}
	return ix->rank_ln ? "wol_bm25" : "bm25";
}
