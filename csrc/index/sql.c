/* index/sql.c - the sqlite helpers every reader of the index shares. */
#include "index/index_int.h"

char *wol_sql_col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? wol_strndup((const char *)s, (size_t)sqlite3_column_bytes(st, i)) : NULL;
}

void wol_sql_bind_str(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

int wol_sql_fail(sqlite3 *db, wol_error *err, const char *noun, const char *what)
{
	return wol_error_set(err, WOL_ESQL, "%s: %s: %s", noun, what, sqlite3_errmsg(db));
}
