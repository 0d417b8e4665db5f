/* people/answers.c - answers you gave to a circle member's questions count
 * as contributions to the person on your list who is that member
 * (`handle:`). They are read from the circle through the search index
 * (answers joined with their questions' rows), never copied into the
 * person's file. */
#include "index/index_int.h"
#include "people/people_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Whether person p counts answers given in `circle` (its `circles`, or
 * every circle when it names none). */
static int in_circles(const wol_person *p, const char *circle)
{
	if (!p->ncircles)
		return 1;
	for (size_t i = 0; i < p->ncircles; i++)
		if (strcmp(p->circles[i], circle) == 0)
			return 1;
	return 0;
}

static int add_answer(wol_person *p, const char *date, const char *circle, const char *path,
                      const char *title)
{
	wol_contribution *nv = realloc(p->contribs, (p->ncontribs + 1) * sizeof *nv);
	if (!nv)
		return -1;
	p->contribs = nv;
	wol_contribution *c = &nv[p->ncontribs];
	memset(c, 0, sizeof *c);
	snprintf(c->date, sizeof c->date, "%s", date);
	c->kind = "answer";
	c->circle = wol_strfmt("%s", circle);
	c->path = wol_strfmt("%s", path);
	c->what = wol_strfmt("%s", title ? title : "");
	p->ncontribs++;
	return c->circle && c->path && c->what ? 0 : -1;
}

int wol_people__answers(wol_ctx *ctx, wol_index *ix, wol_person *v, size_t n, int refresh,
                        wol_error *err)
{
	wol_date today = wol_ctx_today(ctx);
	int any = 0;
	for (size_t i = 0; i < n && !any; i++)
		any = v[i].handle != NULL && !v[i].broken;
	const wol_identity *id = wol_ctx_identity(ctx);
	if (!any || !id->handle[0])
		return 0;
	if (refresh) {
		/* what the circles' HEADs changed since the index last looked (a
		 * tree diff: cheap when nothing moved) */
		char **names = NULL;
		size_t nc = 0;
		if (wol_ctx_circles(ctx, &names, &nc, err) != 0)
			return err->code;
		for (size_t i = 0; i < nc; i++) {
			wol_index_report rep;
			wol_error rerr;
			if (wol_index_refresh_circle(ix, names[i], &rep, &rerr) == 0)
				wol_index_report_free(&rep);
		}
		wol_strv_free(names, nc);
	}
	sqlite3 *db = wol_index__db(ix, err);
	if (!db)
		return err->code;
	/* my answers, not retracted, with the asker and the question's title */
	static const char sql[] =
	    "SELECT a.circle, a.date, a.path, q.title, q.author FROM docs a"
	    " JOIN qlist q ON q.circle = a.circle AND q.qid = a.qid"
	    " WHERE a.kind = 'answer' AND a.author = ?1 AND q.author IS NOT NULL"
	    " AND q.author <> ?1 AND a.date IS NOT NULL"
	    " AND NOT EXISTS (SELECT 1 FROM docs e WHERE e.kind = 'event' AND e.circle = a.circle"
	    "  AND e.qid = a.qid AND e.evkind = 'retract' AND e.target = a.rid)"
	    " ORDER BY a.date, a.path";
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return wol_error_set(err, WOL_ESQL, "people: answers: %s", sqlite3_errmsg(db));
	sqlite3_bind_text(st, 1, id->handle, -1, SQLITE_TRANSIENT);
	int rc = 0, src;
	while (rc == 0 && (src = sqlite3_step(st)) == SQLITE_ROW) {
		const char *circle = (const char *)sqlite3_column_text(st, 0);
		const char *date = (const char *)sqlite3_column_text(st, 1);
		const char *path = (const char *)sqlite3_column_text(st, 2);
		const char *title = (const char *)sqlite3_column_text(st, 3);
		const char *asker = (const char *)sqlite3_column_text(st, 4);
		if (!circle || !date || strlen(date) != 10 || !path || !asker)
			continue;
		for (size_t i = 0; rc == 0 && i < n; i++) {
			wol_person *p = &v[i];
			if (p->broken || !p->handle || strcmp(p->handle, asker) != 0 || !in_circles(p, circle))
				continue;
			wol_people__count(p, date, today);
			if (p->detail && add_answer(p, date, circle, path, title))
				rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		}
	}
	sqlite3_finalize(st);
	return rc;
}
