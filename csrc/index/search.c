/* index/search.c - running a search: the parsed query (query.c) as one SQL
 * statement over docs and fts, ranked by bm25, each hit with its snippet and
 * the line of its first match */
#include "index/index_int.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_LIMIT 50
#define MAX_LIMIT 10000

/* The ranking: bm25 with the weights of the FTS5 columns title, body, tags
 * (wol_bm25: FTS5's bm25 with the rows' lengths read at once, rank.c) */
#define RANK_ARGS "(fts, " WOL_RANK_WEIGHTS ")"

/* The order of a search's hits, best first: rank, then newest (sortkey
 * descending), then path. Both statements below end with it, and
 * best_key_cmp sorts ranked rows by the same rule in C. */
#define HIT_ORDER " ORDER BY score, d.sortkey DESC, d.path"

/* The n bytes at s (no NUL among them) on one line, at most `max`
 * characters. */
static char *one_line_n(const char *s, size_t n, size_t max)
{
	/* written straight into a buffer of the text's size: the output is
	 * never longer (a space stands for at least one blank) but for the
	 * ellipsis */
	char *out = malloc(n + 4);
	if (!out)
		return NULL;
	size_t len = 0, chars = 0;
	int space = 0;
	for (const char *p = s, *e = s + n; p < e; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
			space = len > 0;
			continue;
		}
		if ((c & 0xC0) != 0x80 && ++chars > max) {
			memcpy(out + len, "\xe2\x80\xa6", 3);
			len += 3;
			break;
		}
		if (space)
			out[len++] = ' ';
		space = 0;
		out[len++] = (char)c;
	}
	out[len] = '\0';
	return out;
}

static char *one_line(const char *s, size_t max)
{
	return one_line_n(s ? s : "", s ? strlen(s) : 0, max);
}

/* The 0-based line (within `text`) of the first \x01 marker, or -1. */
static int marker_line(const char *text)
{
	const char *m = text ? strchr(text, '\x01') : NULL;
	if (!m)
		return -1;
	int n = 0;
	for (const char *p = text; p < m; p++)
		n += *p == '\n';
	return n;
}

/* A hit's own strings are one allocation starting at its path (row_read);
 * its title and snippet are allocations of their own (an answer's or a
 * feedback's title is found after the row). */
static void hit_free(wol_search_hit *h)
{
	free(h->path);
	free(h->title);
	free(h->snippet);
}

void wol_search_result_free(wol_search_result *res)
{
	if (!res)
		return;
	for (size_t i = 0; i < res->n; i++)
		hit_free(&res->hits[i]);
	free(res->hits);
	free(res->notice);
	memset(res, 0, sizeof *res);
}

static void append_in(wol_buf *sql, const char *col, size_t n)
{
	wol_buf_printf(sql, " AND %s IN (", col);
	for (size_t i = 0; i < n; i++)
		wol_buf_puts(sql, i ? ", ?" : "?");
	wol_buf_puts(sql, ")");
}

static int answer_title(wol_index *ix, const char *circle, const char *qid, char **out)
{
	*out = NULL;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(
	            ix->db,
	            "SELECT title FROM docs INDEXED BY docs_question "
	            "WHERE kind = 'question' AND circle = ?1 AND qid = ?2",
	            -1, &st, NULL) != SQLITE_OK)
		return 0;
	wol_sql_bind_str(st, 1, circle);
	wol_sql_bind_str(st, 2, qid);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		*out = wol_strfmt("Re: %s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (!*out)
		*out = wol_strfmt("Re: %s", qid ? qid : "a question");
	return 0;
}

/* The title of a feedback hit: the note's, found by its id. */
static void feedback_title(wol_index *ix, const char *circle, const char *nid, char **out)
{
	*out = NULL;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(ix->db,
	                       "SELECT title FROM docs WHERE circle = ?1 AND rid = ?2 AND kind = 'note' "
	                       "ORDER BY path LIMIT 1",
	                       -1, &st, NULL) != SQLITE_OK)
		return;
	wol_sql_bind_str(st, 1, circle);
	wol_sql_bind_str(st, 2, nid);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		*out = wol_strfmt("Feedback on %s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (!*out)
		*out = wol_strfmt("Feedback on a note that is gone (%s)", nid ? nid : "?");
}

/* How many of the best-ranked matches a search ranks first (`limit` the
 * hits asked for): the filters and the tie-break are applied to these, and
 * the answer is kept when it is provably the full ranking's (see
 * search_run). A shortlist that comes back shorter than this holds every
 * match; the one over a round number is so that exactly that many matches
 * (300, for the default limit of 50) are known to be all of them, not
 * ranked a second time with every match joined. */
static int shortlist_size(int limit)
{
	return limit * 4 + 100 + 1;
}

/* Whether the query has filters (kind:, author:, ...): they apply to the
 * rows joined with docs, after the ranking. */
static int filtered(const wol_query *q)
{
	return q->nkinds || q->nauthors || q->ncircles || q->after[0] || q->before[0] || q->state;
}

/* The statement of a search. `shortlist` > 0: FTS5 ranks every match but
 * only the best `shortlist` (by score alone) are joined to docs, filtered
 * and sorted; each row also carries how many the shortlist holds and its
 * worst score (columns 13, 14). 0: every match is joined and sorted. */
static char *search_sql(wol_index *ix, const wol_query *q, int shortlist)
{
	const char *rank = q->match ? wol_index__rank_ready(ix) : NULL;
	wol_buf sql;
	wol_buf_init(&sql);
	int cut = q->match && shortlist && !filtered(q);
	if (q->match && shortlist)
		wol_buf_printf(&sql, "WITH s(id, score) AS MATERIALIZED (SELECT rowid, %s" RANK_ARGS
		                     " FROM fts WHERE fts MATCH ? ORDER BY 2 LIMIT ?), "
		                     "e(n, worst) AS MATERIALIZED (SELECT count(*), max(score) FROM s) ",
		               rank);
	if (cut)
		wol_buf_puts(&sql, ", c(cut) AS MATERIALIZED (SELECT max(score) FROM (SELECT score FROM s "
		                   "ORDER BY score LIMIT ?)) ");
	wol_buf_puts(&sql, "SELECT d.id, d.path, d.kind, d.circle, d.author, d.date, d.title, d.state, "
	                   "d.qid, d.title_line, d.body_line, d.target, ");
	if (q->match && shortlist)
		wol_buf_printf(&sql, "s.score AS score, e.n, e.worst FROM s JOIN docs d ON d.id = s.id "
		                     "JOIN e %s",
		               cut ? "JOIN c WHERE s.score <= c.cut" : "WHERE 1");
	else if (q->match)
		wol_buf_printf(&sql, "%s" RANK_ARGS " AS score FROM fts JOIN docs d ON d.id = fts.rowid "
		                     "WHERE fts MATCH ?",
		               rank);
	else
		wol_buf_puts(&sql, "0.0 AS score FROM docs d WHERE d.kind IN ('journal', 'note', "
		                   "'question', 'answer', 'feedback', 'person')");
	if (q->nkinds)
		append_in(&sql, "d.kind", q->nkinds);
	if (q->nauthors)
		append_in(&sql, "d.author", q->nauthors);
	if (q->ncircles)
		append_in(&sql, "d.circle", q->ncircles);
	if (q->after[0])
		wol_buf_puts(&sql, " AND d.date >= ?");
	if (q->before[0])
		wol_buf_puts(&sql, " AND d.date < ?");
	if (q->state)
		wol_buf_puts(&sql, " AND d.kind = 'question' AND d.state = ?");
	wol_buf_puts(&sql, HIT_ORDER " LIMIT ?");
	if (sql.oom) {
		wol_buf_free(&sql);
		return NULL;
	}
	return wol_buf_detach(&sql);
}

/* The statement of a search whose best matches were ranked at once
 * (wol_index__rank_best, no filters): those rows with their scores
 * (wol_hitrows over the list bound to ?1, detail.c), joined to docs,
 * tie-broken as search_sql does, cut to the limit (?2). The same text
 * whatever the number of rows: a list of (?, ?) pairs cost sqlite ~9,000
 * instructions a row to prepare (300 tied rows: 2.7 M, more than the rest
 * of a `wol search`). A connection without wol_hitrows fails to prepare
 * it, and the search is ranked in SQL. */
static const char best_sql[] =
	"SELECT d.id, d.path, d.kind, d.circle, d.author, d.date, d.title, d.state, d.qid, "
	"d.title_line, d.body_line, d.target, j.score AS score "
	"FROM wol_hitrows(?1) j JOIN docs d ON d.id = j.id" HIT_ORDER " LIMIT ?2";

/* The most rows a search ranked at once joins to docs (the limit-th best
 * score and every row tied with it); more and it is ranked in SQL. */
#define BEST_MAX 500

static void hits_clear(wol_search_result *out)
{
	for (size_t i = 0; i < out->n; i++)
		hit_free(&out->hits[i]);
	out->n = 0;
}

/* One run of the search's statement into out. `shortlist` as in
 * search_sql; *exact (shortlist runs) says whether the hits are the ones
 * the full ranking gives. */
/* What a hit's details need from its row, kept until the run whose hits
 * are the answer is known (only those get titles and snippets). */
typedef struct hit_row {
	sqlite3_int64 id;
	int title_line, body_line;
	char *qid, *target;
	/* made with the row (snip_kept): the snippet is in the hit, this the
	 * line of its first match as wol_hitsnip gives it */
	int snipped, snip_line;
} hit_row;

/* (qid and target are in their hit's allocation: see row_read) */
static void rows_free(hit_row *rows, size_t n)
{
	(void)n;
	free(rows);
}

/* Hits whose row ids are at most this far apart have their details read
 * by one FTS5 query over their range (details_runs): stepping over a
 * match between them costs far less than a query of its own. */
#define RUN_GAP 32

/* A hit's snippet and line from the detail row `st` is on, whose columns
 * from `c` on are the snippet (without words: the body), then the marks
 * of highlight() in the body and in the title. */
static void detail_fill(const wol_query *q, sqlite3_stmt *st, int c, int title_line,
                        int body_line, wol_search_hit *h)
{
	const char *snip = (const char *)sqlite3_column_text(st, c);
	if (q->match) {
		int bl = marker_line((const char *)sqlite3_column_text(st, c + 1));
		if (bl >= 0)
			h->line = body_line + bl;
		else if (marker_line((const char *)sqlite3_column_text(st, c + 2)) >= 0 && title_line > 0)
			h->line = title_line;
		h->snippet = one_line(snip, 160);
	} else {
		/* no words: the first non-empty line of the body */
		const char *p = snip ? snip : "";
		int skipped = 0;
		while (*p == '\n' || *p == '\r' || *p == ' ' || *p == '\t') {
			skipped += *p == '\n';
			p++;
		}
		const char *eol = strchr(p, '\n');
		char *first = wol_strndup(p, eol ? (size_t)(eol - p) : strlen(p));
		h->snippet = one_line(first, 160);
		free(first);
		h->line += skipped;
	}
}

/* A hit's snippet and line from the blob wol_hitsnip (detail.c) made in
 * column c: the line of its first match (>= 0 in the body, -1 in the
 * title only, -2 neither), then the snippet's bytes. 0 when it gave
 * none (NULL: snippet() and highlight() decide). */
static void detail_line(int bl, int title_line, int body_line, wol_search_hit *h)
{
	if (bl >= 0)
		h->line = body_line + bl;
	else if (bl == -1 && title_line > 0)
		h->line = title_line;
}

static int detail_blob(sqlite3_stmt *st, int c, int title_line, int body_line, wol_search_hit *h)
{
	if (sqlite3_column_type(st, c) != SQLITE_BLOB)
		return 0;
	const char *b = sqlite3_column_blob(st, c);
	int nb = sqlite3_column_bytes(st, c);
	int bl;
	if (!b || nb < (int)sizeof bl)
		return 0;
	memcpy(&bl, b, sizeof bl);
	detail_line(bl, title_line, body_line, h);
	h->snippet = one_line_n(b + sizeof bl, (size_t)nb - sizeof bl, 160);
	return 1;
}

/* Each hit's details by a statement of its own (those marked in `only`,
 * or all): the query has no words, the connection lacks wol_hit and
 * wol_hitsnip (detail.c), or wol_hitsnip left the hit to snippet(). */
static int details_each(wol_index *ix, const wol_query *q, wol_search_result *out,
                        const hit_row *rows, const unsigned char *only, wol_error *err)
{
	sqlite3_stmt *st;
	int rc = wol_index__prepare(ix,
	             q->match ? "SELECT snippet(fts, 1, '', '', '\xe2\x80\xa6', 16), "
	                        "highlight(fts, 1, char(1), char(2)), "
	                        "highlight(fts, 0, char(1), char(2)) "
	                        "FROM fts WHERE fts MATCH ?1 AND rowid = ?2"
	                      : "SELECT body, NULL, NULL FROM fts WHERE rowid = ?2",
	             &st, err);
	if (rc)
		return rc;
	if (q->match)
		sqlite3_bind_text(st, 1, q->match, -1, SQLITE_STATIC);
	for (size_t i = 0; rc == 0 && i < out->n; i++) {
		if (only && !only[i])
			continue;
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 2, rows[i].id);
		int s = sqlite3_step(st);
		if (s == SQLITE_ROW)
			detail_fill(q, st, 0, rows[i].title_line, rows[i].body_line, &out->hits[i]);
		else if (s != SQLITE_DONE)
			rc = wol_index__fail(ix, err, s, "reading a match");
	}
	sqlite3_finalize(st);
	return rc;
}

/* A hit by its row id: where it is in the result. */
typedef struct hit_ref {
	sqlite3_int64 id;
	size_t at;
} hit_ref;

static int ref_cmp(const void *a, const void *b)
{
	sqlite3_int64 x = ((const hit_ref *)a)->id, y = ((const hit_ref *)b)->id;
	return (x > y) - (x < y);
}

/* The hits' details by runs: the hits sorted by row id and cut where two
 * are more than RUN_GAP apart; one FTS5 query per run over its range,
 * whose rows wol_hit keeps to the hits (so the snippets are made for
 * hits only). 1 when the statement cannot be made (then details_each). */
static int details_runs(wol_index *ix, const wol_query *q, wol_search_result *out,
                        const hit_row *rows, wol_error *err)
{
	size_t n = 0;
	for (size_t i = 0; i < out->n; i++)
		n += !rows[i].snipped;
	if (n == 0)
		return 0;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(ix->db,
	                       "SELECT rowid, wol_hitsnip(fts) FROM fts WHERE fts MATCH ?1 "
	                       "AND rowid >= ?2 AND rowid <= ?3 AND wol_hit(?4, rowid)",
	                       -1, &st, NULL) != SQLITE_OK)
		return 1;
	hit_ref *refs = malloc(n * sizeof *refs);
	sqlite3_int64 *ids = malloc(n * sizeof *ids); /* refs' ids, for wol_hit */
	unsigned char *left = calloc(out->n, 1);       /* left to snippet() */
	int rc = 0, nleft = 0;
	if (!refs || !ids || !left) {
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		n = 0;
	}
	for (size_t i = 0, k = 0; k < n; i++) {
		if (rows[i].snipped)
			continue;
		refs[k].id = rows[i].id;
		refs[k++].at = i;
	}
	if (n > 1)
		qsort(refs, n, sizeof *refs, ref_cmp);
	for (size_t i = 0; i < n; i++)
		ids[i] = refs[i].id;
	wol_index_hits set = {ids, NULL, n};
	sqlite3_bind_text(st, 1, q->match, -1, SQLITE_STATIC);
	sqlite3_bind_pointer(st, 4, &set, "wol_hits", NULL);
	for (size_t a = 0, b; rc == 0 && a < n; a = b + 1) {
		for (b = a; b + 1 < n && ids[b + 1] - ids[b] <= RUN_GAP; b++)
			;
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 2, ids[a]);
		sqlite3_bind_int64(st, 3, ids[b]);
		int s;
		while ((s = sqlite3_step(st)) == SQLITE_ROW) {
			sqlite3_int64 id = sqlite3_column_int64(st, 0);
			size_t lo = a, hi = b + 1;
			while (lo < hi) {
				size_t mid = lo + (hi - lo) / 2;
				if (ids[mid] < id)
					lo = mid + 1;
				else
					hi = mid;
			}
			if (lo <= b && ids[lo] == id) {
				size_t at = refs[lo].at;
				if (!detail_blob(st, 1, rows[at].title_line, rows[at].body_line,
				                 &out->hits[at])) {
					left[at] = 1;
					nleft++;
				}
			}
			/* rows come in rowid order: past the run's last hit, a
			 * next step would only look for a match beyond the range */
			if (id >= ids[b]) {
				s = SQLITE_DONE;
				break;
			}
		}
		if (s != SQLITE_DONE)
			rc = wol_index__fail(ix, err, s, "reading a match");
	}
	sqlite3_finalize(st);
	if (rc == 0 && nleft)
		rc = details_each(ix, q, out, rows, left, err);
	free(left);
	free(ids);
	free(refs);
	return rc;
}

/* The titles of answers and feedback, each hit's snippet and line. */
static int hits_finish(wol_index *ix, const wol_query *q, wol_search_result *out,
                       const hit_row *rows, wol_error *err)
{
	/* one read transaction for every statement below */
	int txn = out->n > 1 && sqlite3_get_autocommit(ix->db) &&
	          sqlite3_exec(ix->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
	for (size_t i = 0; i < out->n; i++) {
		wol_search_hit *h = &out->hits[i];
		const hit_row *r = &rows[i];
		if (!h->title && h->kind && strcmp(h->kind, "answer") == 0)
			answer_title(ix, h->circle, r->qid, &h->title);
		if (!h->title && h->kind && strcmp(h->kind, "feedback") == 0)
			feedback_title(ix, h->circle, r->target, &h->title);
		h->line = r->body_line > 0 ? r->body_line : 1;
		if (r->snipped)
			detail_line(r->snip_line, r->title_line, r->body_line, h);
	}
	int rc = q->match ? details_runs(ix, q, out, rows, err) : 1;
	if (rc == 1) {
		unsigned char *need = malloc(out->n ? out->n : 1);
		for (size_t i = 0; need && i < out->n; i++)
			need[i] = !rows[i].snipped;
		rc = need ? details_each(ix, q, out, rows, need, err)
		          : wol_error_set(err, WOL_ENOMEM, "out of memory");
		free(need);
	}
	for (size_t i = 0; rc == 0 && i < out->n; i++) {
		wol_search_hit *h = &out->hits[i];
		if (!h->snippet)
			h->snippet = one_line("", 1);
		if (!h->snippet)
			rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	if (txn)
		sqlite3_exec(ix->db, "COMMIT", NULL, NULL, NULL);
	return rc;
}

/* A row of a search's statement (columns from c: id, path, kind, circle,
 * author, date, title, state, qid, title_line, body_line, target, score)
 * into a hit and what its details need. The hit's strings (but its title)
 * and the row's qid and target are copied into one allocation, h->path
 * first (hit_free frees it; rows_free leaves them): ten allocations and
 * frees a hit were 60 K instructions of bench/start.sh's 50 hits.
 * Nonzero when out of memory. */
static int row_read(sqlite3_stmt *st, int c, const char *home, wol_search_hit *h, hit_row *r)
{
	/* columns path, kind, circle, author, date, state, qid, target; then
	 * abspath (home/path) */
	static const int cols[] = {1, 2, 3, 4, 5, 7, 8, 11};
	enum { NCOLS = sizeof cols / sizeof cols[0] };
	const char *text[NCOLS];
	size_t len[NCOLS], total = 0;
	memset(h, 0, sizeof *h);
	memset(r, 0, sizeof *r);
	for (int i = 0; i < NCOLS; i++) {
		text[i] = (const char *)sqlite3_column_text(st, c + cols[i]);
		len[i] = text[i] ? (size_t)sqlite3_column_bytes(st, c + cols[i]) : 0;
		total += text[i] ? len[i] + 1 : 0;
	}
	if (!text[0])
		return 1; /* (path is NOT NULL) */
	/* the path as a C string, for home/path as wol_strfmt("%s/%s") made it */
	size_t home_len = strlen(home), plen = strnlen(text[0], len[0]);
	total += home_len + 1 + plen + 1;
	char *block = malloc(total), *p = block;
	h->title = wol_sql_col_dup(st, c + 6);
	if (!block)
		return 1;
	char **dst[NCOLS] = {&h->path, &h->kind, &h->circle, &h->author,
	                     &h->date, &h->state, &r->qid,   &r->target};
	for (int i = 0; i < NCOLS; i++) {
		if (!text[i])
			continue;
		memcpy(p, text[i], len[i]);
		p[len[i]] = '\0';
		*dst[i] = p;
		p += len[i] + 1;
	}
	h->abspath = p;
	memcpy(p, home, home_len);
	p[home_len] = '/';
	if (plen)
		memcpy(p + home_len + 1, text[0], plen);
	p[home_len + 1 + plen] = '\0';
	r->id = sqlite3_column_int64(st, c);
	r->title_line = sqlite3_column_int(st, c + 9);
	r->body_line = sqlite3_column_int(st, c + 10);
	h->score = sqlite3_column_double(st, c + 12);
	return !h->kind;
}

/* A search ranked at once, joined to docs and put in order here instead
 * of by best_sql's ORDER BY ... LIMIT. sqlite kept the best `limit` of
 * the joined rows, all thirteen columns of each, in a b-tree it made for
 * the statement: for bench/start.sh's 300 tied rows that sort was ~1.1 M
 * of the 1.45 M instructions of the join, more than any other part of a
 * `wol search` process. Here, when more rows than `limit` were ranked,
 * keys_sql reads only what the order needs (sortkey, path) of each, they
 * are sorted in C exactly as the ORDER BY sorts them (best_key_cmp), and
 * rows_sql reads the whole row of the best `limit`; when no more than
 * `limit` were ranked, rows_sql reads them all and they are sorted after. */
static const char keys_sql[] =
	"SELECT j.rowid, d.sortkey, d.path FROM wol_hitrows(?1) j JOIN docs d ON d.id = j.id";
static const char rows_sql[] =
	"SELECT d.id, d.path, d.kind, d.circle, d.author, d.date, d.title, d.state, d.qid, "
	"d.title_line, d.body_line, d.target, j.score, j.rowid, d.sortkey, d.path "
	"FROM wol_hitrows(?1) j JOIN docs d ON d.id = j.id";
/* The same with what a hit's snippet is cut from, when the ranking kept
 * the rows' instances: FTS5's own rows of the hit (its content, title and
 * body, and its columns' sizes), read here with the row instead of by an
 * FTS5 query per run of hits afterwards (details_runs: the query parsed,
 * each matching row of the run's range stepped over, each hit's content
 * and sizes sought by FTS5's statements of its own: 0.9 M instructions
 * of bench/start.sh's 4.3 M). */
static const char rows_text_sql[] =
	"SELECT d.id, d.path, d.kind, d.circle, d.author, d.date, d.title, d.state, d.qid, "
	"d.title_line, d.body_line, d.target, j.score, j.rowid, d.sortkey, d.path, "
	"c.id, c.c0, c.c1, z.sz "
	"FROM wol_hitrows(?1) j JOIN docs d ON d.id = j.id "
	"LEFT JOIN fts_content c ON c.id = j.id LEFT JOIN fts_docsize z ON z.id = j.id";

/* The body's size in tokens from a row of fts_docsize (a varint per
 * column: title, body, tags), as FTS5 decodes it for xColumnSize; 0 when
 * it would not decode it so (FTS5 says the index is damaged then). */
static int body_size(const unsigned char *p, int nb, int *size)
{
	int off = 0, col[3];
	for (int i = 0; i < 3; i++) {
		unsigned v = 0;
		int k = 0;
		if (off >= nb)
			return 0;
		do {
			if (off >= nb || k == 4)
				return 0; /* longer varints: left to FTS5 */
			v = (v << 7) | (p[off] & 0x7f);
			k++;
		} while (p[off++] & 0x80);
		col[i] = (int)v;
	}
	*size = col[1];
	return off == nb;
}

typedef struct kept_src {
	const wol_query *q;
	const char *title;
	int ntitle;
} kept_src;

static int kept_tokenize(void *tctx, const char *text, int n, void *ctx,
                         int (*cb)(void *, int, const char *, int, int, int))
{
	return wol_query_tokenize(((const kept_src *)tctx)->q, text, n, ctx, cb);
}

static int kept_title(void *tctx, const char **text, int *n)
{
	const kept_src *k = tctx;
	*text = k->title;
	*n = k->ntitle;
	return SQLITE_OK;
}

/* The snippet and line of ranked row `bi` from its row of rows_text_sql
 * (columns from c: content id, title, body, sizes) and the instances the
 * ranking kept: what wol_hitsnip (detail.c, the same code) gives on that
 * row through FTS5. 0 when not made here (no content or sizes row, which
 * FTS5 calls damage; snippet() needed): details_runs then reads it. */
static int snip_kept(const wol_query *q, sqlite3_stmt *st, int c, const wol_rank_best *best,
                     size_t bi, wol_search_hit *h, hit_row *r, int *oom)
{
	int size;
	if (sqlite3_column_type(st, c) == SQLITE_NULL || sqlite3_column_type(st, c + 3) != SQLITE_BLOB ||
	    !body_size(sqlite3_column_blob(st, c + 3), sqlite3_column_bytes(st, c + 3), &size))
		return 0;
	kept_src k = {q, (const char *)sqlite3_column_text(st, c + 1), 0};
	k.ntitle = sqlite3_column_bytes(st, c + 1);
	wol_snip_src src = {(const char *)sqlite3_column_text(st, c + 2), 0, size,
	                    best->inst + 3 * best->inst_at[bi],
	                    (int)(best->inst_at[bi + 1] - best->inst_at[bi]), best->phrase_size,
	                    best->nphrase, kept_tokenize, kept_title, &k};
	src.n = sqlite3_column_bytes(st, c + 2);
	unsigned char *b = NULL;
	size_t nb = 0;
	int bl;
	if (wol_index__snip(&src, &b, &nb) != SQLITE_OK || !b || nb < sizeof bl) {
		sqlite3_free(b);
		return 0;
	}
	memcpy(&bl, b, sizeof bl);
	h->snippet = one_line_n((const char *)b + sizeof bl, nb - sizeof bl, 160);
	sqlite3_free(b);
	if (!h->snippet) {
		*oom = 1;
		return 0;
	}
	r->snipped = 1;
	r->snip_line = bl;
	return 1;
}

/* What HIT_ORDER reads of a row:
 * the text of sortkey (NULL when SQL NULL) and path kept in one buffer,
 * offsets while it grows, pointers once it is whole. */
typedef struct best_key {
	double score;
	union {
		size_t off;
		const char *p;
	} sk, path;
	unsigned int at; /* the row's place in the list bound to wol_hitrows */
	unsigned int sk_len, path_len; /* KEY_NULL: SQL NULL */
} best_key;

#define KEY_NULL UINT_MAX

/* Column c of st (TEXT or NULL) appended to text. 1 for any other type:
 * the comparison below would not be sqlite's. */
static int key_text(sqlite3_stmt *st, int c, wol_buf *text, size_t *off, unsigned int *len)
{
	int t = sqlite3_column_type(st, c);
	*off = 0;
	*len = KEY_NULL;
	if (t == SQLITE_NULL)
		return 0;
	if (t != SQLITE_TEXT)
		return 1;
	const char *s = (const char *)sqlite3_column_text(st, c);
	int n = sqlite3_column_bytes(st, c);
	*off = text->len;
	*len = n > 0 ? (unsigned int)n : 0;
	wol_buf_put(text, s ? s : "", *len);
	return 0;
}

/* sqlite's BINARY collation: the bytes, then the shorter first. */
static int bin_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	int c = memcmp(a, b, an < bn ? an : bn);
	return c ? (c < 0 ? -1 : 1) : (an > bn) - (an < bn);
}

/* HIT_ORDER as sqlite applies it: a NaN score
 * is NULL (sqlite3_result_double), NULL first; sortkey NULL sorts before
 * any text, so last when descending; text by BINARY. */
static int best_key_cmp(const void *x, const void *y)
{
	const best_key *a = x, *b = y;
	int an = isnan(a->score), bn = isnan(b->score);
	if (an || bn) {
		if (an != bn)
			return an ? -1 : 1;
	} else if (a->score != b->score) {
		return a->score < b->score ? -1 : 1;
	}
	int anull = a->sk_len == KEY_NULL, bnull = b->sk_len == KEY_NULL;
	if (anull || bnull) {
		if (anull != bnull)
			return anull ? 1 : -1;
	} else {
		int c = bin_cmp(b->sk.p, b->sk_len, a->sk.p, a->sk_len);
		if (c)
			return c;
	}
	return bin_cmp(a->path.p, a->path_len, b->path.p, b->path_len);
}

static void key_swap(best_key *a, best_key *b)
{
	best_key t = *a;
	*a = *b;
	*b = t;
}

/* The `k` first in best_key_cmp's order of keys[0..n) to its front, in
 * order: the k-th found by partitioning (the keys are a total order:
 * paths are unique), then only those k sorted. Sorting all 300 of
 * bench/start.sh's tied rows to keep 50 was ~2,400 comparisons. */
static void keys_first(best_key *keys, size_t n, size_t k)
{
	size_t lo = 0, hi = n;
	while (k < n && hi - lo > 1) {
		key_swap(&keys[lo + (hi - lo) / 2], &keys[hi - 1]);
		size_t at = lo;
		for (size_t i = lo; i + 1 < hi; i++)
			if (best_key_cmp(&keys[i], &keys[hi - 1]) < 0)
				key_swap(&keys[i], &keys[at++]);
		key_swap(&keys[at], &keys[hi - 1]);
		if (at == k)
			break;
		if (at < k)
			lo = at + 1;
		else
			hi = at;
	}
	qsort(keys, k < n ? k : n, sizeof *keys, best_key_cmp);
}

static void keys_fix(best_key *keys, size_t n, const wol_buf *text)
{
	for (size_t i = 0; i < n; i++) {
		keys[i].sk.p = text->ptr + keys[i].sk.off;
		keys[i].path.p = text->ptr + keys[i].path.off;
	}
}

/* The rows of a search ranked at once into out, in best_sql's order and
 * cut to `limit`. 1 when this cannot be done here (no wol_hitrows, a key
 * that is neither text nor NULL): best_sql then does it. */
static int best_join(wol_index *ix, const wol_query *q, int limit, const wol_rank_best *best,
                     wol_search_result *out, hit_row **rows_out, wol_error *err)
{
	wol_index_hits set = {best->id, best->score, best->n};
	sqlite3_int64 *ids = NULL;
	double *scores = NULL;
	size_t *from = NULL; /* set's rows in best (sorted) */
	best_key *keys = malloc((best->n ? best->n : 1) * sizeof *keys);
	wol_buf text;
	wol_buf_init(&text);
	sqlite3_stmt *st = NULL;
	int rc = 0, s = SQLITE_DONE;
	size_t nk = 0;
	int sorted = best->n > (size_t)limit; /* the keys first, rows_sql for the best */
	if (!keys)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	if (sorted) {
		if (sqlite3_prepare_v2(ix->db, keys_sql, sizeof keys_sql, &st, NULL) != SQLITE_OK) {
			free(keys);
			return 1;
		}
		sqlite3_bind_pointer(st, 1, &set, "wol_hits", NULL);
		while (rc == 0 && (s = sqlite3_step(st)) == SQLITE_ROW) {
			sqlite3_int64 at = sqlite3_column_int64(st, 0);
			best_key *k = &keys[nk];
			if (at < 0 || (size_t)at >= best->n || nk == best->n ||
			    key_text(st, 1, &text, &k->sk.off, &k->sk_len) ||
			    key_text(st, 2, &text, &k->path.off, &k->path_len) || k->path_len == KEY_NULL) {
				rc = 1;
				break;
			}
			k->at = (unsigned int)at;
			k->score = best->score[at];
			nk++;
		}
		if (rc == 0 && s != SQLITE_DONE)
			rc = wol_index__fail(ix, err, s, "search");
		sqlite3_finalize(st);
		st = NULL;
		if (rc == 0 && text.oom)
			rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		if (rc == 0) {
			keys_fix(keys, nk, &text);
			keys_first(keys, nk, (size_t)limit);
			size_t want = nk < (size_t)limit ? nk : (size_t)limit;
			ids = malloc((want ? want : 1) * sizeof *ids);
			scores = malloc((want ? want : 1) * sizeof *scores);
			from = malloc((want ? want : 1) * sizeof *from);
			if (!ids || !scores || !from)
				rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
			for (size_t i = 0; rc == 0 && i < want; i++) {
				ids[i] = best->id[keys[i].at];
				scores[i] = best->score[keys[i].at];
				from[i] = keys[i].at;
			}
			set = (wol_index_hits){ids, scores, want};
		}
		/* not needed by rows_sql: a process's fresh memory is faults */
		free(keys);
		keys = NULL;
		wol_buf_free(&text);
		nk = 0;
	}
	size_t n = set.n;
	wol_search_hit *hits = NULL;
	hit_row *rows = NULL;
	if (rc == 0) {
		hits = calloc(n ? n : 1, sizeof *hits);
		rows = calloc(n ? n : 1, sizeof *rows);
		if (!hits || !rows)
			rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	/* the snippets made with the rows: with the instances the ranking
	 * kept, when the query kept its tokenizer */
	int kept = best->inst && q->tok;
	if (rc == 0 && sqlite3_prepare_v2(ix->db, kept ? rows_text_sql : rows_sql,
	                                  kept ? sizeof rows_text_sql : sizeof rows_sql, &st,
	                                  NULL) != SQLITE_OK)
		rc = 1;
	if (rc == 0) {
		const char *home = wol_ctx_home(ix->ctx);
		sqlite3_bind_pointer(st, 1, &set, "wol_hits", NULL);
		while (rc == 0 && (s = sqlite3_step(st)) == SQLITE_ROW) {
			sqlite3_int64 at = sqlite3_column_int64(st, 13);
			if (at < 0 || (size_t)at >= n || hits[at].path) {
				rc = 1;
				break;
			}
			if (row_read(st, 0, home, &hits[at], &rows[at]) != 0) {
				rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
				break;
			}
			/* the instances are of the data this statement reads only
			 * when no commit came between (an editor's handle ranks
			 * and joins in two read transactions); asked on its first
			 * row, inside its read transaction */
			unsigned v = 0;
			if (kept == 1 &&
			    (sqlite3_file_control(ix->db, "main", SQLITE_FCNTL_DATA_VERSION, &v) != SQLITE_OK ||
			     v != best->version))
				kept = 0;
			else if (kept)
				kept = 2;
			int oom = 0;
			if (kept)
				snip_kept(q, st, 16, best, from ? from[at] : (size_t)at, &hits[at], &rows[at],
				          &oom);
			if (oom) {
				rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
				break;
			}
			if (!sorted) {
				best_key *k = &keys[nk++];
				k->at = (unsigned int)at;
				k->score = best->score[at];
				if (key_text(st, 14, &text, &k->sk.off, &k->sk_len) ||
				    key_text(st, 15, &text, &k->path.off, &k->path_len) ||
				    k->path_len == KEY_NULL)
					rc = 1;
			}
		}
		if (rc == 0 && s != SQLITE_DONE)
			rc = wol_index__fail(ix, err, s, "search");
		sqlite3_finalize(st);
		if (rc == 0 && text.oom)
			rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	/* out: the hits in order, without the rows that are gone (written
	 * away since they were ranked, by another process) */
	wol_search_hit *oh = rc == 0 ? malloc((n ? n : 1) * sizeof *oh) : NULL;
	hit_row *orow = rc == 0 ? malloc((n ? n : 1) * sizeof *orow) : NULL;
	if (rc == 0 && (!oh || !orow))
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
	if (rc == 0 && !sorted) {
		keys_fix(keys, nk, &text);
		qsort(keys, nk, sizeof *keys, best_key_cmp);
		for (size_t i = 0; i < nk; i++) {
			oh[i] = hits[keys[i].at];
			orow[i] = rows[keys[i].at];
		}
		out->n = nk;
	} else if (rc == 0) {
		size_t m = 0;
		for (size_t i = 0; i < n; i++) {
			if (hits[i].path) {
				oh[m] = hits[i];
				orow[m++] = rows[i];
			}
		}
		out->n = m;
	}
	if (rc == 0) {
		out->hits = oh;
		*rows_out = orow;
	} else {
		free(oh);
		free(orow);
		for (size_t i = 0; hits && i < n; i++)
			hit_free(&hits[i]);
		rows_free(rows, rows ? n : 0);
		rows = NULL;
	}
	free(hits);
	free(rows);
	free(keys);
	free(ids);
	free(scores);
	free(from);
	wol_buf_free(&text);
	return rc;
}

/* One run of the search's statement: the hits into out without their
 * details (hits_finish), what those need into *rows_out (out->n of them;
 * the caller frees them with rows_free). */
static int search_run(wol_index *ix, const wol_query *q, int limit, int shortlist,
                      const wol_rank_best *best, wol_search_result *out, hit_row **rows_out,
                      int *exact, wol_error *err)
{
	*rows_out = NULL;
	sqlite3_stmt *st;
	int rc = 0;
	int i = 1;
	wol_index_hits set;
	if (best) {
		rc = best_join(ix, q, limit, best, out, rows_out, err);
		if (rc != 1) {
			if (exact)
				*exact = rc == 0 && ((sqlite3_int64)best->n == best->matches ||
				                     (int)out->n == limit);
			return rc;
		}
		rc = 0;
		shortlist = 0;
		if (sqlite3_prepare_v2(ix->db, best_sql, sizeof best_sql, &st, NULL) != SQLITE_OK) {
			*exact = 0; /* no wol_hitrows here: ranked in SQL */
			return 0;
		}
		set = (wol_index_hits){best->id, best->score, best->n};
		sqlite3_bind_pointer(st, i++, &set, "wol_hits", NULL);
	} else {
		char *sql = search_sql(ix, q, shortlist);
		if (!sql)
			return wol_error_set(err, WOL_ENOMEM, "out of memory");
		rc = wol_index__prepare(ix, sql, &st, err);
		free(sql);
		if (rc)
			return rc;
	}
	if (q->match && !best)
		sqlite3_bind_text(st, i++, q->match, -1, SQLITE_STATIC);
	if (q->match && shortlist)
		sqlite3_bind_int(st, i++, shortlist);
	int cut = q->match && shortlist && !filtered(q);
	if (cut)
		sqlite3_bind_int(st, i++, limit);
	for (size_t k = 0; k < q->nkinds; k++)
		sqlite3_bind_text(st, i++, q->kinds[k], -1, SQLITE_STATIC);
	for (size_t k = 0; k < q->nauthors; k++)
		sqlite3_bind_text(st, i++, q->authors[k], -1, SQLITE_STATIC);
	for (size_t k = 0; k < q->ncircles; k++)
		sqlite3_bind_text(st, i++, q->circles[k], -1, SQLITE_STATIC);
	if (q->after[0])
		sqlite3_bind_text(st, i++, q->after, -1, SQLITE_STATIC);
	if (q->before[0])
		sqlite3_bind_text(st, i++, q->before, -1, SQLITE_STATIC);
	if (q->state)
		sqlite3_bind_text(st, i++, q->state, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, i++, limit);

	const char *home = wol_ctx_home(ix->ctx);
	size_t cap = 0;
	int s = SQLITE_DONE;
	sqlite3_int64 listed = -1; /* rows in the shortlist */
	double worst = 0, last = 0;
	hit_row *rows = NULL;
	while (rc == 0 && (s = sqlite3_step(st)) == SQLITE_ROW) {
		if (out->n == cap) {
			cap = cap ? cap * 2 : 16;
			wol_search_hit *h = realloc(out->hits, cap * sizeof *h);
			if (h)
				out->hits = h;
			hit_row *r = h ? realloc(rows, cap * sizeof *r) : NULL;
			if (r)
				rows = r;
			if (!h || !r) {
				rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
				break;
			}
		}
		hit_row *r = &rows[out->n];
		wol_search_hit *h = &out->hits[out->n++];
		if (row_read(st, 0, home, h, r) != 0)
			rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		last = h->score;
		if (q->match && shortlist) {
			listed = sqlite3_column_int64(st, 13);
			worst = sqlite3_column_double(st, 14);
		}
	}
	if (rc == 0 && s != SQLITE_DONE)
		rc = wol_index__fail(ix, err, s, "search");
	sqlite3_finalize(st);
	*rows_out = rows;
	/* Every match outside the shortlist scores >= its worst score, and every
	 * match scoring less is in it. So the hits are the full ranking's when
	 * the shortlist holds every match, or when `limit` hits came back and
	 * the last scores less than the worst (no match left out can come
	 * before it, even on the tie-break). Otherwise (a filter left fewer,
	 * or ties at the edge) the caller ranks every match. No row back: the
	 * shortlist's size is unknown, so the same.
	 * Without filters only the rows scoring at most the `limit`-th best
	 * score of the shortlist (`cut`) are joined to docs (each join reads
	 * a row of docs from wherever it lies in the file): at least `limit`
	 * rows score that or less and come first, ties included, so no row
	 * scoring more can be among the hits. Every row of the shortlist has
	 * its docs row, so `limit` hits (or the whole shortlist) come back;
	 * anything else is not trusted either. */
	/* Ranked at once: every match scoring at most the limit-th best score
	 * was joined; the hits are the full ranking's when those were all the
	 * matches, or `limit` of them came back (any other match scores more). */
	if (exact && best)
		*exact = (sqlite3_int64)best->n == best->matches || (int)out->n == limit;
	else if (exact)
		*exact = listed >= 0 && (listed < shortlist || ((int)out->n == limit && last < worst)) &&
		         (!cut || (sqlite3_int64)out->n == (listed < limit ? listed : limit));
	return rc;
}

static int search_once(wol_index *ix, const char *query, int limit, wol_search_result *out,
                       wol_error *err)
{
	wol_query q;
	int rc = wol_query_parse(ix->db, ix->ctx, query, &q, err);
	if (rc)
		return rc;
	/* A once-handle (`wol search` from the shell) runs the whole search in
	 * one read transaction: each statement on its own took and dropped
	 * the WAL's read lock and checked the file's size, three system calls
	 * (12 of the 206 of bench/start.sh's search). Not an editor's handle:
	 * inside a transaction the ranking cannot use the rows' lengths it
	 * keeps (rank.c, lens_ready). */
	int txn = ix->once && sqlite3_get_autocommit(ix->db) &&
	          sqlite3_exec(ix->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
	int exact = 0;
	hit_row *rows = NULL;
	size_t nrows = 0;
	if (q.match && !filtered(&q)) {
		int vars = sqlite3_limit(ix->db, SQLITE_LIMIT_VARIABLE_NUMBER, -1);
		size_t cap = vars > 2 * BEST_MAX ? BEST_MAX : (size_t)(vars > 1 ? (vars - 1) / 2 : 0);
		wol_rank_best best;
		rc = wol_index__rank_best(ix, q.match, q.npos, q.nneg, limit, cap, &best, err);
		if (rc == 0 && best.n) {
			rc = search_run(ix, &q, limit, 0, &best, out, &rows, &exact, err);
			nrows = out->n;
			if (rc || !exact) {
				hits_clear(out);
				rows_free(rows, nrows);
				rows = NULL;
			}
		} else if (rc == 0) {
			exact = 1; /* no match */
		} else if (rc == 1) {
			rc = 0; /* ranked in SQL */
		}
		wol_index__rank_best_free(&best);
	}
	if (rc == 0 && q.match && !exact) {
		rc = search_run(ix, &q, limit, shortlist_size(limit), NULL, out, &rows, &exact, err);
		nrows = out->n;
		if (rc || !exact) {
			hits_clear(out);
			rows_free(rows, nrows);
			rows = NULL;
		}
	}
	if (rc == 0 && !exact) {
		rc = search_run(ix, &q, limit, 0, NULL, out, &rows, NULL, err);
		nrows = out->n;
	}
	if (rc == 0)
		rc = hits_finish(ix, &q, out, rows, err);
	if (txn)
		sqlite3_exec(ix->db, "COMMIT", NULL, NULL, NULL);
	rows_free(rows, nrows);
	wol_query_free(&q);
	return rc;
}

int wol_index_search(wol_index *ix, const char *query, const wol_search_opts *opts,
                     wol_search_result *out, wol_error *err)
{
	memset(out, 0, sizeof *out);
	int limit = opts && opts->limit > 0 ? opts->limit : DEFAULT_LIMIT;
	if (limit > MAX_LIMIT)
		limit = MAX_LIMIT;
	int rc = 0;
	if (!opts || !opts->norefresh) {
		wol_index_report rep;
		rc = wol_index__refresh_uncounted(ix, &rep, err);
		out->notice = rep.notice;
		if (rc)
			return rc;
	}
	if (opts && opts->norefresh) {
		rc = wol_index__ensure_fresh(ix, 0, err);
		if (rc)
			return rc;
	}
	rc = search_once(ix, query, limit, out, err);
	if (ix->db)
		wol_index__note_seen(ix);
	if (rc && ix->corrupt) {
		/* damaged: move it aside, rebuild from the files, ask again */
		hits_clear(out);
		wol_index_report rep;
		rc = wol_index__recover(ix, 0, err);
		if (rc == 0)
			rc = wol_index_refresh(ix, &rep, err);
		if (rc == 0) {
			free(out->notice);
			out->notice = rep.notice;
			rc = search_once(ix, query, limit, out, err);
		} else {
			wol_index_report_free(&rep);
		}
	}
	return rc;
}
