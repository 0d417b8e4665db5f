/* index/stats.c - `wol index` figures: documents by kind, by member, notes
 * per week */
#include "index/index_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void wol_index_figures_free(wol_index_figures *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->nmembers; i++)
		free(f->members[i].author);
	for (size_t i = 0; i < f->nweeks; i++)
		free(f->weeks[i].author);
	free(f->members);
	free(f->weeks);
	memset(f, 0, sizeof *f);
}

int wol_index_stats(wol_index *ix, wol_index_figures *f, wol_error *err)
{
	memset(f, 0, sizeof *f);
	int r = wol_index__ensure_fresh(ix, 0, err);
	if (r)
		return r;
	sqlite3_stmt *st;
	int rc = wol_index__prepare(ix,
	                 "SELECT count(*), sum(kind = 'journal'), sum(kind = 'note'), "
	                 "sum(kind = 'question'), sum(kind = 'answer'), "
	                 "sum(kind = 'question' AND state = 'open'), "
	                 "sum(kind = 'question' AND state = 'resolved'), sum(kind = 'feedback'), "
	                 "sum(kind = 'person') FROM docs",
	                 &st, err);
	if (rc)
		return rc;
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		f->files = (long)sqlite3_column_int64(st, 0);
		f->journal = (long)sqlite3_column_int64(st, 1);
		f->notes = (long)sqlite3_column_int64(st, 2);
		f->questions = (long)sqlite3_column_int64(st, 3);
		f->answers = (long)sqlite3_column_int64(st, 4);
		f->open = (long)sqlite3_column_int64(st, 5);
		f->resolved = (long)sqlite3_column_int64(st, 6);
		f->feedback = (long)sqlite3_column_int64(st, 7);
		f->people = (long)sqlite3_column_int64(st, 8);
		f->docs = f->journal + f->notes + f->questions + f->answers + f->feedback + f->people;
	} else {
		rc = wol_index__fail(ix, err, s, "stats");
	}
	sqlite3_finalize(st);
	if (rc)
		return rc;

	rc = wol_index__prepare(ix,
	             "SELECT author, sum(kind = 'note'), sum(kind = 'question'), sum(kind = 'answer'), "
	             "sum(kind = 'question' AND state = 'resolved') FROM docs "
	             "WHERE author IS NOT NULL AND kind IN ('note', 'question', 'answer') "
	             "GROUP BY author ORDER BY author",
	             &st, err);
	if (rc)
		return rc;
	size_t cap = 0;
	while (rc == 0 && (s = sqlite3_step(st)) == SQLITE_ROW) {
		if (f->nmembers == cap) {
			cap = cap ? cap * 2 : 8;
			wol_index_member *m = realloc(f->members, cap * sizeof *m);
			if (!m) {
				rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
				break;
			}
			f->members = m;
		}
		wol_index_member *m = &f->members[f->nmembers++];
		m->author = wol_sql_col_dup(st, 0);
		m->notes = (long)sqlite3_column_int64(st, 1);
		m->questions = (long)sqlite3_column_int64(st, 2);
		m->answers = (long)sqlite3_column_int64(st, 3);
		m->resolved = (long)sqlite3_column_int64(st, 4);
	}
	if (rc == 0 && s != SQLITE_DONE)
		rc = wol_index__fail(ix, err, s, "stats");
	sqlite3_finalize(st);
	if (rc)
		return rc;

	/* the week of a date is its Monday: back 6 days, then forward to a Monday */
	rc = wol_index__prepare(ix,
	             "SELECT author, date(date, '-6 days', 'weekday 1') AS week, count(*) FROM docs "
	             "WHERE kind = 'note' AND author IS NOT NULL AND date IS NOT NULL "
	             "GROUP BY week, author ORDER BY week, author",
	             &st, err);
	if (rc)
		return rc;
	cap = 0;
	while (rc == 0 && (s = sqlite3_step(st)) == SQLITE_ROW) {
		if (f->nweeks == cap) {
			cap = cap ? cap * 2 : 16;
			wol_index_week *wk = realloc(f->weeks, cap * sizeof *wk);
			if (!wk) {
				rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
				break;
			}
			f->weeks = wk;
		}
		wol_index_week *wk = &f->weeks[f->nweeks++];
		wk->author = wol_sql_col_dup(st, 0);
		const unsigned char *week = sqlite3_column_text(st, 1);
		snprintf(wk->week, sizeof wk->week, "%s", week ? (const char *)week : "");
		wk->notes = (long)sqlite3_column_int64(st, 2);
	}
	if (rc == 0 && s != SQLITE_DONE)
		rc = wol_index__fail(ix, err, s, "stats");
	sqlite3_finalize(st);
	struct stat sb;
	if (rc == 0 && stat(ix->dbpath, &sb) == 0)
		f->db_bytes = (long long)sb.st_size;
	if (rc)
		wol_index_figures_free(f);
	return rc;
}
