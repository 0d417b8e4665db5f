/* index/detail.c - the functions a search's hit details are read with
 * (search.c, details_runs): wol_hit(?, rowid), whether a row is one of
 * the hits, and wol_hitsnip(fts), a hit's snippet and the line of its
 * first match; and wol_hitrows(?), the rows ranked outside SQL (rank.c)
 * with their scores, which search.c joins to docs.
 *
 * Details are read for a run of hits with close row ids at once: one
 * FTS5 query over the run's range, its rows kept by wol_hit, so that the
 * query is parsed and its doclists sought once per run instead of once
 * per hit (in bench/start.sh's 300-note circle that seek was half of a
 * hit's details). A search ranked at once needs no such query: the
 * ranking kept each match's phrase instances, and search.c cuts the
 * snippet from the hit's FTS5 row with wol_index__snip, the code
 * wol_hitsnip runs on FTS5's API.
 *
 * The line wol_hitsnip gives is what marking every match with
 * highlight(fts, col, char(1), char(2)) and counting the newlines before
 * the first \x01 would give (the body's first mark, else the title's):
 * the search used to ask for both columns' highlight() per hit, and each
 * tokenises the whole text and builds a marked copy of it. Here the text
 * is tokenised only up to the first match's token. What highlight()
 * does, and so what is matched here:
 * - its mark goes in front of the first token of the column's first
 *   phrase instance (xInst lists them by column, then by offset), counted
 *   in tokens that are not colocated;
 * - it copies the text through "%.*s", so a copied stretch ends at a NUL
 *   byte: newlines after a NUL and before the mark are not in its result;
 * - a \x01 already in the text (before any NUL) is found first;
 * - NULL text gives NULL (no line), an instance the tokenizer never
 *   reaches gives no mark.
 * tests/core/search_cli_spec.lua compares the snippets and lines with
 * snippet()'s and highlight()'s on bodies with NUL bytes, \x01, CRLF and
 * sentences, through the sqlite3 shell. */
#include "index/index_int.h"

#include <string.h>

/* The token the tokenizer looks for, and what it found. */
typedef struct mark_find {
	int want;  /* the token's position */
	int pos;   /* tokens seen so far (not colocated) */
	int found; /* its first byte is at `off` */
	int off;
} mark_find;

static int mark_token(void *ctx, int flags, const char *tok, int ntok, int start, int end)
{
	(void)tok;
	(void)ntok;
	(void)end;
	mark_find *m = ctx;
	if (flags & FTS5_TOKEN_COLOCATED)
		return SQLITE_OK;
	if (m->pos++ == m->want) {
		m->found = 1;
		m->off = start;
		return SQLITE_DONE; /* the rest of the text is not needed */
	}
	return SQLITE_OK;
}

/* The 0-based line of the first \x01 of highlight(fts, col, char(1),
 * char(2)) into *line, or -1 when it would have none: `text` the column's
 * (NULL: none), `want` the token of the column's first instance (-1:
 * none). */
static int mark_line(const wol_snip_src *src, const char *text, int n, int want, int *line)
{
	*line = -1;
	if (!text)
		return SQLITE_OK;
	mark_find m = {want, 0, 0, 0};
	int rc = SQLITE_OK;
	if (m.want >= 0) {
		rc = src->tokenize(src->tctx, text, n, &m, mark_token);
		if (rc == SQLITE_DONE)
			rc = SQLITE_OK;
	}
	if (rc != SQLITE_OK)
		return rc;
	int end = m.found ? m.off : n, lines = 0;
	for (int i = 0; i < end && text[i]; i++) {
		if (text[i] == '\x01') {
			*line = lines;
			return SQLITE_OK;
		}
		lines += text[i] == '\n';
	}
	if (m.found)
		*line = lines;
	return SQLITE_OK;
}

/* wol_hitsnip(fts): a hit's snippet and line in one pass over its body,
 * for search.c's details_runs (wol_index__snip: the same for search.c's
 * snip_kept, from what the ranking kept). It gives what snippet(fts, 1, '', '',
 * '…', 16) gives and the line (a blob: the line as an int, >= 0 the
 * body's line, 0-based, -1 none in the body but one in the title, -2
 * neither; then the snippet's bytes), or NULL where it would not be sure
 * to, and search.c then asks snippet() and highlight() themselves.
 * snippet() tokenises the whole body twice (once for where sentences
 * start, once to copy the chosen stretch) and the line took a third
 * tokenising up to the first match (wol_hitline, which this replaced): 16 K
 * instructions a hit in bench/start.sh's circle, 0.8 M of a `wol search`
 * for 50 hits. Here the body is tokenised once, only as far as the
 * stretch can reach (16 tokens past its last match), recording each
 * token's offsets and where sentences start.
 *
 * What snippet() does with these arguments (sqlite's fts5_aux.c, read for
 * its behaviour; this is our own code):
 * - every match of the body (xInst, in order) proposes a window of 16
 *   tokens from its own position, scored by the matches inside it (1000
 *   for a phrase's first, 1 for a repeat), then moved to centre the
 *   matches it holds ((16 - span) / 2 tokens before the first, integer
 *   division) and kept within the body (its size from xColumnSize);
 * - when the body is longer than 16 tokens, the sentence holding the
 *   match (the last token that starts one at or before the match, a token
 *   starting one when it is the first, or when blanks and then '.' or ':'
 *   come before it) proposes a window from its start when that start is
 *   before the match, scored the same plus 120 for the body's first
 *   sentence, 100 for another; the first window scoring most wins;
 * - the text is copied from the window's first token (from the very start
 *   when that is token 0) to the end of its last token, with '…' before
 *   when it does not start at token 0 and after when the body goes on
 *   past it (else the copy runs to the end of the text);
 * - with empty marks every piece snippet() appends joins the one before,
 *   but each went through "%.*s", which stops at a NUL byte: a stretch
 *   with a NUL in it gives NULL here, as does a window past the tokens
 *   the tokenizer gives (an index out of step with its text) or a match
 *   past the body's size (snippet() raises SQLITE_CORRUPT). */
#define SNIP_COL 1
#define SNIP_TOKENS 16
#define SNIP_ELLIPSIS "\xe2\x80\xa6"

typedef struct snip_scan {
	const char *text;
	int stop;          /* tokens past this position are not needed */
	int n;             /* tokens recorded (positions 0 .. n-1) */
	int *start, *end;  /* their byte offsets */
	int nfirst;        /* sentence starts recorded */
	int *first;
} snip_scan;

static int snip_token(void *ctx, int flags, const char *tok, int ntok, int start, int end)
{
	(void)tok;
	(void)ntok;
	snip_scan *s = ctx;
	if (flags & FTS5_TOKEN_COLOCATED)
		return SQLITE_OK;
	if (s->n > s->stop)
		return SQLITE_DONE;
	int pos = s->n++;
	s->start[pos] = start;
	s->end[pos] = end;
	int i = start - 1;
	while (i >= 0 && (s->text[i] == ' ' || s->text[i] == '\t' || s->text[i] == '\n' ||
	                  s->text[i] == '\r'))
		i--;
	if (pos == 0 || (i != start - 1 && i >= 0 && (s->text[i] == '.' || s->text[i] == ':')))
		s->first[s->nfirst++] = pos;
	return SQLITE_OK;
}

/* A body match: its phrase and token position. */
typedef struct snip_inst {
	int phrase, pos;
} snip_inst;

/* The score of the window of SNIP_TOKENS tokens from `from`; *adj (when
 * asked) where the window goes to centre the matches in it. */
static int snip_score(const wol_snip_src *src, const snip_inst *in, int nin, unsigned char *seen,
                      int size, int from, int *adj)
{
	memset(seen, 0, (size_t)src->nphrase);
	sqlite3_int64 to = (sqlite3_int64)from + SNIP_TOKENS;
	int score = 0, lo = -1, hi = 0;
	for (int k = 0; k < nin; k++) {
		if (in[k].pos < from || in[k].pos >= to)
			continue;
		score += seen[in[k].phrase] ? 1 : 1000;
		seen[in[k].phrase] = 1;
		if (lo < 0)
			lo = in[k].pos;
		hi = in[k].pos + src->phrase_size[in[k].phrase];
	}
	if (adj) {
		sqlite3_int64 a = lo - (SNIP_TOKENS - (hi - lo)) / 2;
		if (a + SNIP_TOKENS > size)
			a = size - SNIP_TOKENS;
		*adj = a < 0 ? 0 : (int)a;
	}
	return score;
}

/* The line as mark_line finds it in the body, from the recorded tokens:
 * `want` the first match's position (or -1). */
static int snip_line(const snip_scan *s, int n, int want)
{
	int found = want >= 0 && want < s->n;
	int end = found ? s->start[want] : n, lines = 0;
	for (int i = 0; i < end && s->text[i]; i++) {
		if (s->text[i] == '\x01')
			return lines;
		lines += s->text[i] == '\n';
	}
	return found ? lines : -1;
}

int wol_index__snip(const wol_snip_src *src, unsigned char **blob, size_t *nblob)
{
	*blob = NULL;
	*nblob = 0;
	const char *text = src->text ? src->text : "";
	int n = src->text ? src->n : 0, size = src->size;
	int rc = SQLITE_OK;
	/* a hit's few instances and tokens on the stack: four allocations a
	 * hit were a quarter of its snippet's instructions */
	snip_inst in_stack[32];
	unsigned char seen_stack[32];
	int offs_stack[3 * 64];
	snip_inst *in = src->ninst <= 32 ? in_stack
	                                 : sqlite3_malloc64((sqlite3_uint64)src->ninst * sizeof *in);
	unsigned char *seen = src->nphrase <= 32 ? seen_stack
	                                         : sqlite3_malloc64((sqlite3_uint64)src->nphrase);
	int nin = 0, last = -1;
	for (int i = 0; in && i < src->ninst; i++) {
		const int *t = src->inst + 3 * i;
		if (t[1] == SNIP_COL) {
			in[nin].phrase = t[0];
			in[nin++].pos = t[2];
			if (t[2] > last)
				last = t[2];
		}
	}
	snip_scan s = {text, (last > 0 ? last : 0) + SNIP_TOKENS - 1, 0, NULL, NULL, 0, NULL};
	int *offs = !in || !seen   ? NULL
	            : s.stop < 64 ? offs_stack
	                          : sqlite3_malloc64((sqlite3_uint64)(s.stop + 1) * 3 * sizeof(int));
	if (!offs)
		rc = SQLITE_NOMEM;
	if (rc == SQLITE_OK) {
		s.start = offs;
		s.end = offs + s.stop + 1;
		s.first = offs + 2 * (s.stop + 1);
		rc = src->tokenize(src->tctx, text, n, &s, snip_token);
		if (rc == SQLITE_DONE)
			rc = SQLITE_OK;
	}
	int ok = rc == SQLITE_OK, best = 0, at = 0;
	for (int k = 0; ok && k < nin; k++) {
		int pos = in[k].pos, adj;
		if (pos > size) {
			ok = 0; /* snippet() says the index is damaged */
			break;
		}
		int sc = snip_score(src, in, nin, seen, size, pos, &adj);
		if (sc > best) {
			best = sc;
			at = adj;
		}
		if (s.nfirst && size > SNIP_TOKENS) {
			int j = 0;
			while (j < s.nfirst - 1 && s.first[j + 1] <= pos)
				j++;
			if (s.first[j] < pos) {
				sc = snip_score(src, in, nin, seen, size, s.first[j], NULL) +
				     (s.first[j] == 0 ? 120 : 100);
				if (sc > best) {
					best = sc;
					at = s.first[j];
				}
			}
		}
	}
	int range_end = at + SNIP_TOKENS - 1, whole = range_end >= size - 1;
	int from = 0, to = n;
	if (ok && at > 0) {
		if (at < s.n)
			from = s.start[at];
		else
			ok = 0;
	}
	if (ok && !whole) {
		if (range_end < s.n)
			to = s.end[range_end];
		else
			ok = 0;
	}
	if (ok && (to < from || memchr(text + from, '\0', (size_t)(to - from))))
		ok = 0;
	int line = -2;
	if (ok) {
		int body = snip_line(&s, n, nin ? in[0].pos : -1), title = -1;
		if (body < 0) {
			/* the title's first instance, as highlight() marks it */
			int want = -1;
			for (int i = 0; want < 0 && i < src->ninst; i++)
				if (src->inst[3 * i + 1] == 0)
					want = src->inst[3 * i + 2];
			const char *tt = NULL;
			int tn = 0;
			rc = src->title(src->tctx, &tt, &tn);
			if (rc == SQLITE_OK)
				rc = mark_line(src, tt, tn, want, &title);
		}
		line = body >= 0 ? body : title >= 0 ? -1 : -2;
	}
	if (rc == SQLITE_OK && ok) {
		size_t el = sizeof SNIP_ELLIPSIS - 1, len = (size_t)(to - from);
		size_t total = sizeof line + (at > 0 ? el : 0) + len + (whole ? 0 : el);
		unsigned char *out = sqlite3_malloc64(total);
		if (!out) {
			rc = SQLITE_NOMEM;
		} else {
			unsigned char *p = out;
			memcpy(p, &line, sizeof line);
			p += sizeof line;
			if (at > 0) {
				memcpy(p, SNIP_ELLIPSIS, el);
				p += el;
			}
			memcpy(p, text + from, len);
			p += len;
			if (!whole)
				memcpy(p, SNIP_ELLIPSIS, el);
			*blob = out;
			*nblob = total;
		}
	}
	if (offs != offs_stack)
		sqlite3_free(offs);
	if (seen != seen_stack)
		sqlite3_free(seen);
	if (in != in_stack)
		sqlite3_free(in);
	return rc;
}

/* wol_hitsnip's source: the row FTS5's cursor is on. */
typedef struct api_src {
	const Fts5ExtensionApi *api;
	Fts5Context *fts;
} api_src;

static int api_tokenize(void *tctx, const char *text, int n, void *ctx,
                        int (*cb)(void *, int, const char *, int, int, int))
{
	const api_src *a = tctx;
	return a->api->xTokenize(a->fts, text, n, ctx, cb);
}

static int api_title(void *tctx, const char **text, int *n)
{
	const api_src *a = tctx;
	return a->api->xColumnText(a->fts, 0, text, n);
}

static void hitsnip(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int nval,
                    sqlite3_value **val)
{
	(void)nval;
	(void)val;
	api_src a = {api, fts};
	wol_snip_src src = {NULL, 0, 0, NULL, 0, NULL, 0, api_tokenize, api_title, &a};
	int count = 0;
	int rc = api->xColumnText(fts, SNIP_COL, &src.text, &src.n);
	if (rc == SQLITE_OK)
		rc = api->xInstCount(fts, &count);
	if (rc == SQLITE_OK)
		rc = api->xColumnSize(fts, SNIP_COL, &src.size);
	src.nphrase = api->xPhraseCount(fts);
	int *inst = NULL, *psize = NULL;
	if (rc == SQLITE_OK) {
		inst = sqlite3_malloc64((sqlite3_uint64)(count ? count : 1) * 3 * sizeof *inst);
		psize = sqlite3_malloc64((sqlite3_uint64)(src.nphrase ? src.nphrase : 1) * sizeof *psize);
		if (!inst || !psize)
			rc = SQLITE_NOMEM;
	}
	for (int i = 0; rc == SQLITE_OK && i < count; i++, src.ninst++)
		rc = api->xInst(fts, i, &inst[3 * i], &inst[3 * i + 1], &inst[3 * i + 2]);
	for (int i = 0; rc == SQLITE_OK && i < src.nphrase; i++)
		psize[i] = api->xPhraseSize(fts, i);
	src.inst = inst;
	src.phrase_size = psize;
	unsigned char *blob = NULL;
	size_t nblob = 0;
	if (rc == SQLITE_OK)
		rc = wol_index__snip(&src, &blob, &nblob);
	if (rc != SQLITE_OK)
		sqlite3_result_error_code(ctx, rc);
	else if (!blob)
		sqlite3_result_null(ctx);
	else
		sqlite3_result_blob64(ctx, blob, nblob, sqlite3_free);
	sqlite3_free(inst);
	sqlite3_free(psize);
}

/* Where rowid (the second argument) is in the sorted list bound to the
 * first (sqlite3_bind_pointer, type "wol_hits"): its index, or -1. */
static long hit_find(sqlite3_value **val, const wol_index_hits **setp)
{
	const wol_index_hits *set = sqlite3_value_pointer(val[0], "wol_hits");
	sqlite3_int64 id = sqlite3_value_int64(val[1]);
	size_t lo = 0, hi = set ? set->n : 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (set->ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	*setp = set;
	return set && lo < set->n && set->ids[lo] == id ? (long)lo : -1;
}

/* wol_hit(?, rowid): whether rowid is in the bound list. */
static void hit_wanted(sqlite3_context *ctx, int nval, sqlite3_value **val)
{
	(void)nval;
	const wol_index_hits *set;
	sqlite3_result_int(ctx, hit_find(val, &set) >= 0);
}

/* wol_hitrows(?): a table-valued function over the list bound to its
 * argument (sqlite3_bind_pointer, type "wol_hits"; any order, with
 * scores): a row (id, score) for each entry, in the list's order. It
 * replaced json_each over the ids written as JSON and wol_hitscore(?, id)
 * looking each score up in a sorted copy: for the 300 rows of
 * bench/start.sh, writing, sorting and parsing the list and the lookups
 * were ~0.3 M instructions of a `wol search` process. */
enum { ROWS_ID, ROWS_SCORE, ROWS_LIST };

typedef struct rows_cursor {
	sqlite3_vtab_cursor base;
	const wol_index_hits *set;
	size_t i;
} rows_cursor;

static int rows_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
                        sqlite3_vtab **out, char **errmsg)
{
	(void)aux;
	(void)argc;
	(void)argv;
	(void)errmsg;
	int rc = sqlite3_declare_vtab(db, "CREATE TABLE x(id, score, list HIDDEN)");
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_vtab *vt = sqlite3_malloc(sizeof *vt);
	if (!vt)
		return SQLITE_NOMEM;
	memset(vt, 0, sizeof *vt);
	*out = vt;
	return SQLITE_OK;
}

static int rows_disconnect(sqlite3_vtab *vt)
{
	sqlite3_free(vt);
	return SQLITE_OK;
}

/* Only with its argument: the list constrains the hidden column. */
static int rows_best_index(sqlite3_vtab *vt, sqlite3_index_info *info)
{
	(void)vt;
	for (int i = 0; i < info->nConstraint; i++) {
		const struct sqlite3_index_constraint *c = &info->aConstraint[i];
		if (c->iColumn == ROWS_LIST && c->op == SQLITE_INDEX_CONSTRAINT_EQ) {
			if (!c->usable)
				return SQLITE_CONSTRAINT;
			info->aConstraintUsage[i].argvIndex = 1;
			info->aConstraintUsage[i].omit = 1;
			/* json_each's figures (and sqlite's default of 25 rows):
			 * the plan json_each had, the list first, then docs by
			 * rowid */
			info->estimatedCost = 1;
			return SQLITE_OK;
		}
	}
	return SQLITE_CONSTRAINT;
}

static int rows_open(sqlite3_vtab *vt, sqlite3_vtab_cursor **out)
{
	(void)vt;
	rows_cursor *cur = sqlite3_malloc(sizeof *cur);
	if (!cur)
		return SQLITE_NOMEM;
	memset(cur, 0, sizeof *cur);
	*out = &cur->base;
	return SQLITE_OK;
}

static int rows_close(sqlite3_vtab_cursor *base)
{
	sqlite3_free(base);
	return SQLITE_OK;
}

static int rows_filter(sqlite3_vtab_cursor *base, int idx, const char *idxstr, int argc,
                       sqlite3_value **argv)
{
	(void)idx;
	(void)idxstr;
	rows_cursor *cur = (rows_cursor *)base;
	cur->set = argc > 0 ? sqlite3_value_pointer(argv[0], "wol_hits") : NULL;
	cur->i = 0;
	return SQLITE_OK;
}

static int rows_next(sqlite3_vtab_cursor *base)
{
	((rows_cursor *)base)->i++;
	return SQLITE_OK;
}

static int rows_eof(sqlite3_vtab_cursor *base)
{
	const rows_cursor *cur = (const rows_cursor *)base;
	return !cur->set || cur->i >= cur->set->n;
}

static int rows_column(sqlite3_vtab_cursor *base, sqlite3_context *ctx, int col)
{
	const rows_cursor *cur = (const rows_cursor *)base;
	if (col == ROWS_ID)
		sqlite3_result_int64(ctx, cur->set->ids[cur->i]);
	else if (col == ROWS_SCORE && cur->set->score)
		sqlite3_result_double(ctx, cur->set->score[cur->i]);
	else
		sqlite3_result_null(ctx);
	return SQLITE_OK;
}

static int rows_rowid(sqlite3_vtab_cursor *base, sqlite3_int64 *rowid)
{
	*rowid = (sqlite3_int64)((const rows_cursor *)base)->i;
	return SQLITE_OK;
}

/* eponymous only (no xCreate): there is no CREATE VIRTUAL TABLE of it */
static const sqlite3_module rows_module = {
	.iVersion = 0,
	.xConnect = rows_connect,
	.xBestIndex = rows_best_index,
	.xDisconnect = rows_disconnect,
	.xOpen = rows_open,
	.xClose = rows_close,
	.xFilter = rows_filter,
	.xNext = rows_next,
	.xEof = rows_eof,
	.xColumn = rows_column,
	.xRowid = rows_rowid,
};

int wol_index__detail_add(sqlite3 *db)
{
	int rc = sqlite3_create_function_v2(db, "wol_hit", 2, SQLITE_UTF8,
	                                    NULL, hit_wanted, NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_module_v2(db, "wol_hitrows", &rows_module, NULL, NULL);
	if (rc != SQLITE_OK)
		return rc;
	fts5_api *fts = NULL;
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_pointer(st, 1, (void *)&fts, "fts5_api_ptr", NULL);
		sqlite3_step(st);
	}
	sqlite3_finalize(st);
	if (!fts)
		return SQLITE_ERROR;
	return fts->xCreateFunction(fts, "wol_hitsnip", NULL, hitsnip, NULL);
}
