/* index/query.c - the user's search query, parsed by us.
 *
 * Syntax: words, "quoted phrases", word* or "phrase"* (prefix), -word or
 * -"phrase" (exclude), and filters kind: author: circle: after: before:
 * is:. Each word or phrase is run through the index's own tokenizer and
 * every token is quoted by us, so the FTS5 expression holds nothing the
 * user typed verbatim: FTS5 operators (AND, NEAR, parentheses, ^, :)
 * typed by a user are plain words or separators. Filters become bound
 * SQL parameters in search.c. */
#include "index_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct tokens {
	wol_buf *out; /* the phrase being built: "tok" + "tok" ... */
	int n;
	int oom;
} tokens;

static int on_token(void *pctx, int tflags, const char *tok, int ntok, int start, int end)
{
	(void)start;
	(void)end;
	tokens *t = pctx;
	if (tflags & FTS5_TOKEN_COLOCATED)
		return SQLITE_OK; /* synonyms: unicode61 makes none */
	if (ntok <= 0)
		return SQLITE_OK;
	int rc = wol_buf_puts(t->out, t->n ? " + \"" : "\"");
	for (int i = 0; i < ntok && rc == 0; i++)
		rc = tok[i] == '"' ? wol_buf_put(t->out, "\"\"", 2) : wol_buf_put(t->out, tok + i, 1);
	if (rc == 0)
		rc = wol_buf_puts(t->out, "\"");
	if (rc) {
		t->oom = 1;
		return SQLITE_NOMEM;
	}
	t->n++;
	return SQLITE_OK;
}

typedef struct wol_query_tok {
	fts5_tokenizer api;
	Fts5Tokenizer *tok;
} tokenizer;

static int tokenizer_open(sqlite3 *db, tokenizer *tz, wol_error *err)
{
	memset(tz, 0, sizeof *tz);
	fts5_api *fts = NULL;
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
		return wol_error_set(err, WOL_ESQL, "search: FTS5 is not available: %s", sqlite3_errmsg(db));
	sqlite3_bind_pointer(st, 1, (void *)&fts, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	if (!fts)
		return wol_error_set(err, WOL_ESQL, "search: FTS5 is not available");
	void *ud = NULL;
	if (fts->xFindTokenizer(fts, "unicode61", &ud, &tz->api) != SQLITE_OK)
		return wol_error_set(err, WOL_ESQL, "search: the unicode61 tokenizer is missing");
	const char *args[] = {"remove_diacritics", WOL_FTS_DIACRITICS};
	if (tz->api.xCreate(ud, args, 2, &tz->tok) != SQLITE_OK)
		return wol_error_set(err, WOL_ESQL, "search: cannot create the tokenizer");
	return 0;
}

static void tokenizer_close(tokenizer *tz)
{
	if (tz->tok)
		tz->api.xDelete(tz->tok);
	tz->tok = NULL;
}

/* Appends the phrase for `text` (n bytes) to `out`; returns the number of
 * tokens (0: the text was only separators), or -1 on out of memory. */
static int phrase(tokenizer *tz, const char *text, size_t n, int prefix, wol_buf *out)
{
	tokens t = {out, 0, 0};
	tz->api.xTokenize(tz->tok, &t, FTS5_TOKENIZE_QUERY, text, (int)n, on_token);
	if (t.oom)
		return -1;
	if (t.n && prefix && wol_buf_puts(out, "*") != 0)
		return -1;
	return t.n;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static const char *const filter_keys[] = {"kind", "author", "circle", "after", "before", "is", NULL};

/* The filter key of a word "key:value", or NULL when it is not one. */
static const char *filter_key(const char *w, size_t n, size_t *keylen)
{
	const char *colon = memchr(w, ':', n);
	if (!colon)
		return NULL;
	size_t k = (size_t)(colon - w);
	for (int i = 0; filter_keys[i]; i++)
		if (strlen(filter_keys[i]) == k && strncasecmp(w, filter_keys[i], k) == 0) {
			*keylen = k;
			return filter_keys[i];
		}
	return NULL;
}

static int add_name(char **list, size_t *n, const char *key, const char *val, wol_error *err)
{
	if (*n >= WOL_QUERY_MAX_VALUES)
		return wol_error_set(err, WOL_EINVAL, "search: too many %s: filters (at most %d)", key,
		                     WOL_QUERY_MAX_VALUES);
	char *v = wol_strfmt("%s", val);
	if (!v)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	for (char *p = v; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	if (!wol_name_valid(v)) {
		wol_error_set(err, WOL_EINVAL, "search: %s:%.60s: not a valid %s name", key, val,
		              strcmp(key, "author") == 0 ? "member" : "circle");
		free(v);
		return WOL_EINVAL;
	}
	list[(*n)++] = v;
	return 0;
}

static int add_filter(wol_ctx *ctx, wol_query *q, const char *key, const char *val,
                      wol_error *err)
{
	if (!*val)
		return wol_error_set(err, WOL_EINVAL, "search: %s: needs a value, e.g. %s", key,
		                     strcmp(key, "kind") == 0     ? "kind:note"
		                     : strcmp(key, "author") == 0 ? "author:ana"
		                     : strcmp(key, "circle") == 0 ? "circle:team"
		                     : strcmp(key, "is") == 0     ? "is:open"
		                                                  : "after:2026-11-01");
	if (strcmp(key, "kind") == 0) {
		static const char *const kinds[] = {"journal",  "note",   "question", "answer",
		                                    "feedback", "person", NULL};
		if (strcasecmp(val, "people") == 0)
			val = "person";
		for (int i = 0; kinds[i]; i++) {
			size_t kl = strlen(kinds[i]), vl = strlen(val);
			if ((vl == kl || (vl == kl + 1 && (val[kl] == 's' || val[kl] == 'S'))) &&
			    strncasecmp(val, kinds[i], kl) == 0) {
				for (size_t j = 0; j < q->nkinds; j++)
					if (q->kinds[j] == kinds[i])
						return 0;
				q->kinds[q->nkinds++] = kinds[i];
				return 0;
			}
		}
		return wol_error_set(err, WOL_EINVAL,
		                     "search: kind:%.60s: expected journal, note, question, answer, "
		                     "feedback or person",
		                     val);
	}
	if (strcmp(key, "is") == 0) {
		if (strcasecmp(val, "open") == 0)
			q->state = "open";
		else if (strcasecmp(val, "resolved") == 0)
			q->state = "resolved";
		else
			return wol_error_set(err, WOL_EINVAL, "search: is:%.60s: expected is:open or is:resolved",
			                     val);
		return 0;
	}
	if (strcmp(key, "author") == 0) {
		if (strcasecmp(val, "me") == 0) {
			const char *h;
			int rc = wol_ctx_handle(ctx, &h, err);
			if (rc)
				return rc;
			val = h;
		}
		return add_name(q->authors, &q->nauthors, key, val, err);
	}
	if (strcmp(key, "circle") == 0)
		return add_name(q->circles, &q->ncircles, key, val, err);
	/* after: / before: */
	wol_date d;
	wol_error derr;
	if (wol_date_parse(val, wol_ctx_today(ctx), &d, &derr) != 0)
		return wol_error_set(err, WOL_EINVAL, "search: %s:%.60s: %s", key, val,
		                     wol_error_text(&derr));
	wol_date_format(d, strcmp(key, "after") == 0 ? q->after : q->before);
	return 0;
}

int wol_query_parse(sqlite3 *db, wol_ctx *ctx, const char *text, wol_query *q, wol_error *err)
{
	memset(q, 0, sizeof *q);
	size_t len = strlen(text);
	if (len > WOL_QUERY_MAX_BYTES)
		return wol_error_set(err, WOL_EINVAL, "search: query too long (%zu bytes; the limit is %d)",
		                     len, WOL_QUERY_MAX_BYTES);
	if (!wol_utf8_valid(text, len))
		return wol_error_set(err, WOL_EINVAL, "search: query is not valid UTF-8");
	tokenizer tz;
	int rc = tokenizer_open(db, &tz, err);
	if (rc)
		return rc;
	wol_buf pos, neg;
	wol_buf_init(&pos);
	wol_buf_init(&neg);
	int npos = 0, nneg = 0, nterms = 0, skipped = 0;
	const char *p = text;
	while (rc == 0) {
		while (*p && is_space(*p))
			p++;
		if (!*p)
			break;
		int exclude = 0;
		if (*p == '-' && p[1] && !is_space(p[1])) {
			exclude = 1;
			p++;
		}
		const char *w;
		size_t n;
		int prefix = 0, quoted = 0;
		if (*p == '"') {
			quoted = 1;
			w = ++p;
			while (*p && *p != '"')
				p++;
			n = (size_t)(p - w);
			if (*p == '"')
				p++; /* an unclosed quote runs to the end of the query */
			while (*p == '*') {
				prefix = 1;
				p++;
			}
		} else {
			w = p;
			while (*p && !is_space(*p))
				p++;
			n = (size_t)(p - w);
			while (n > 0 && w[n - 1] == '*') {
				prefix = 1;
				n--;
			}
		}
		size_t keylen = 0;
		const char *key = quoted ? NULL : filter_key(w, n, &keylen);
		if (key) {
			if (exclude) {
				rc = wol_error_set(err, WOL_EINVAL, "search: -%.*s: filters cannot be negated",
				                   (int)(n < 60 ? n : 60), w);
				break;
			}
			char *val = wol_strndup(w + keylen + 1, n - keylen - 1 + (size_t)prefix);
			if (!val) {
				rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
				break;
			}
			rc = add_filter(ctx, q, key, val, err);
			free(val);
			continue;
		}
		if (++nterms > WOL_QUERY_MAX_TERMS) {
			rc = wol_error_set(err, WOL_EINVAL, "search: too many words (at most %d)",
			                   WOL_QUERY_MAX_TERMS);
			break;
		}
		wol_buf *dst = exclude ? &neg : &pos;
		size_t mark = dst->len;
		int *count = exclude ? &nneg : &npos;
		if (*count && wol_buf_puts(dst, exclude ? " OR " : " AND ") != 0) {
			rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
			break;
		}
		int k = phrase(&tz, w, n, prefix, dst);
		if (k < 0) {
			rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
			break;
		}
		if (k == 0) { /* only punctuation: nothing to look for */
			dst->len = mark;
			if (dst->ptr)
				dst->ptr[mark] = '\0';
			skipped++;
			continue;
		}
		(*count)++;
	}
	/* kept with the query: the hits' snippets are cut by it (search.c) */
	if (rc == 0 && npos > 0 && (q->tok = malloc(sizeof *q->tok)) != NULL)
		*q->tok = tz;
	else
		tokenizer_close(&tz);
	if (rc == 0 && npos == 0 && nneg > 0)
		rc = wol_error_set(err, WOL_EINVAL,
		                   "search: the query only excludes (-word); add a word to look for");
	if (rc == 0 && npos == 0 && !q->nkinds && !q->nauthors && !q->ncircles && !q->after[0] &&
	    !q->before[0] && !q->state)
		rc = wol_error_set(err, WOL_EINVAL, skipped ? "search: the query has no words to look for"
		                                             : "search: empty query");
	if (rc == 0 && npos > 0) {
		wol_buf m;
		wol_buf_init(&m);
		if (nneg)
			wol_buf_printf(&m, "(%s) NOT (%s)", pos.ptr, neg.ptr);
		else
			wol_buf_puts(&m, pos.ptr);
		if (m.oom)
			rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		q->match = wol_buf_detach(&m);
		q->npos = npos;
		q->nneg = nneg;
	}
	wol_buf_free(&pos);
	wol_buf_free(&neg);
	if (rc)
		wol_query_free(q);
	return rc;
}

int wol_query_tokenize(const wol_query *q, const char *text, int n, void *ctx,
                       int (*cb)(void *, int, const char *, int, int, int))
{
	if (!q->tok)
		return SQLITE_ERROR;
	return q->tok->api.xTokenize(q->tok->tok, ctx, FTS5_TOKENIZE_AUX, text, n, cb);
}

void wol_query_free(wol_query *q)
{
	if (q->tok) {
		tokenizer_close(q->tok);
		free(q->tok);
	}
	free(q->match);
	for (size_t i = 0; i < q->nauthors; i++)
		free(q->authors[i]);
	for (size_t i = 0; i < q->ncircles; i++)
		free(q->circles[i]);
	memset(q, 0, sizeof *q);
}
