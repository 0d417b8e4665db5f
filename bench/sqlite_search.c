/* bench/sqlite_search.c: the engine's own floor for `wol search
 * --no-refresh WORD` (bench/start.sh). One process that does only what
 * sqlite must do for such a search: load the same sqlite library the CLI
 * loads (dlopen, as the CLI does), open index.db, run one FTS5 query
 * ranked by bm25 with a snippet of each hit, joined to the documents
 * table for the path, and print the best 50 rows, then close.
 *
 * No refresh, no identity, no query parsing, no ranking of our own, no
 * text clean-up: the difference between this and `wol search` is what wol
 * adds; this program against `git --version` is what sqlite's start and
 * FTS5 cost by themselves.
 *
 *   sqlite_search LIBRARY INDEX.DB WORD
 */
#include <dlfcn.h>
#include <stdio.h>

typedef struct sqlite3 sqlite3;
typedef struct sqlite3_stmt sqlite3_stmt;

#define QUERY                                                                      \
	"SELECT d.path, snippet(fts, 1, '', '', '...', 12) FROM fts JOIN docs d ON " \
	"d.id = fts.rowid WHERE fts MATCH ?1 ORDER BY rank LIMIT 50"

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: %s LIBRARY INDEX.DB WORD\n", argv[0]);
		return 2;
	}
	void *h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		fprintf(stderr, "%s\n", dlerror());
		return 1;
	}
	int (*open_v2)(const char *, sqlite3 **, int, const char *) = dlsym(h, "sqlite3_open_v2");
	int (*prepare)(sqlite3 *, const char *, int, sqlite3_stmt **, const char **) =
	        dlsym(h, "sqlite3_prepare_v2");
	int (*bind_text)(sqlite3_stmt *, int, const char *, int, void *) =
	        dlsym(h, "sqlite3_bind_text");
	int (*step)(sqlite3_stmt *) = dlsym(h, "sqlite3_step");
	const unsigned char *(*column_text)(sqlite3_stmt *, int) = dlsym(h, "sqlite3_column_text");
	int (*finalize)(sqlite3_stmt *) = dlsym(h, "sqlite3_finalize");
	int (*close_v2)(sqlite3 *) = dlsym(h, "sqlite3_close_v2");
	const char *(*errmsg)(sqlite3 *) = dlsym(h, "sqlite3_errmsg");
	if (!open_v2 || !prepare || !bind_text || !step || !column_text || !finalize || !close_v2 ||
	    !errmsg) {
		fprintf(stderr, "%s: not an sqlite library\n", argv[1]);
		return 1;
	}
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	if (open_v2(argv[2], &db, 0x2 /* SQLITE_OPEN_READWRITE */, NULL) != 0 ||
	    prepare(db, QUERY, -1, &st, NULL) != 0) {
		fprintf(stderr, "%s: %s\n", argv[2], db ? errmsg(db) : "cannot open");
		close_v2(db);
		return 1;
	}
	bind_text(st, 1, argv[3], -1, NULL);
	int n = 0, rc;
	while ((rc = step(st)) == 100 /* SQLITE_ROW */) {
		printf("%s: %s\n", (const char *)column_text(st, 0), (const char *)column_text(st, 1));
		n++;
	}
	if (rc != 101 /* SQLITE_DONE */)
		fprintf(stderr, "%s: %s\n", argv[2], errmsg(db));
	finalize(st);
	close_v2(db);
	return rc == 101 ? (n > 0 ? 0 : 1) : 1;
}
