/* index_int.h - internals shared by index.c, search.c, qlist.c and status.c (not
 * part of the API: nothing here is exported from the module). */
#ifndef WOL_INDEX_INT_H
#define WOL_INDEX_INT_H

#include <sqlite3.h>

#include "wol.h"

/* ------------------------------------------------------- query (search.c) */

#define WOL_QUERY_MAX_BYTES 2000
#define WOL_QUERY_MAX_TERMS 32
#define WOL_QUERY_MAX_VALUES 8

/* A parsed user query. `match` is an FTS5 expression built only from
 * tokens we quoted ourselves, or NULL when the query has only filters. */
typedef struct wol_query {
	char *match;
	const char *kinds[4];
	size_t nkinds;
	char *authors[WOL_QUERY_MAX_VALUES];
	size_t nauthors;
	char *circles[WOL_QUERY_MAX_VALUES];
	size_t ncircles;
	char after[11];  /* "" or YYYY-MM-DD: date >= after */
	char before[11]; /* "" or YYYY-MM-DD: date < before */
	const char *state; /* NULL, "open" or "resolved" (questions only) */
} wol_query;

/* Parses `text` with the index's own tokenizer (unicode61, diacritics
 * removed), so the words we look for are exactly the words indexed. */
int wol_query_parse(sqlite3 *db, wol_ctx *ctx, const char *text, wol_query *q, wol_error *err);
void wol_query_free(wol_query *q);

/* ------------------------------------------ question listing (qlist.c) */

/* Reads questions/<qid> of the circle from the files, replays it with the
 * rules of question.c and stores the result: its qlist row (deleted when
 * the question directory is gone) and the state of its docs row. */
int wol_qlist__update(sqlite3 *db, const char *home, const char *circle, const char *qid,
                      wol_error *err);

/* ------------------------------------------- read access (status.c) */

/* The index's open database, made sure to be the current index.db, for
 * read-only queries of other nouns; NULL after filling err. Owned by ix. */
sqlite3 *wol_index__db(wol_index *ix, wol_error *err);

#endif
