/* json/index.c - the trees of the index: search hits, a refresh's report,
 * the figures (`wol search --json`, `wol index --json`, ctx:search,
 * ctx:index_refresh, ctx:index_stats) */
#include "json/json.h"

#include <stdio.h>
#include <stdlib.h>

/* A score with 12 significant digits: cJSON prints a double with 15 digits
 * when that reads back within an epsilon, so the exact value of a bm25
 * score would differ between the printed tree and the Lua one; rounded,
 * both read the same number. */
static double score12(double v)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%.12g", v);
	return strtod(buf, NULL);
}

cJSON *wol_search_hits_json(const wol_search_result *res)
{
	cJSON *arr = cJSON_CreateArray();
	for (size_t i = 0; arr && i < res->n; i++) {
		const wol_search_hit *h = &res->hits[i];
		cJSON *o = cJSON_CreateObject();
		wol_json_add_str(o, "path", h->path);
		wol_json_add_str(o, "abspath", h->abspath);
		wol_json_add_str(o, "kind", h->kind);
		wol_json_add_str(o, "circle", h->circle);
		wol_json_add_str(o, "author", h->author);
		wol_json_add_str(o, "date", h->date);
		wol_json_add_str(o, "title", h->title);
		wol_json_add_str(o, "state", h->state);
		wol_json_add_str(o, "snippet", h->snippet);
		wol_json_add_num(o, "line", h->line);
		wol_json_add_num(o, "score", score12(h->score));
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

cJSON *wol_index_report_json(const wol_index_report *r)
{
	cJSON *o = cJSON_CreateObject();
	wol_json_add_num(o, "stat", (double)r->stat);
	wol_json_add_num(o, "read", (double)r->read);
	wol_json_add_num(o, "added", (double)r->added);
	wol_json_add_num(o, "updated", (double)r->updated);
	wol_json_add_num(o, "removed", (double)r->removed);
	wol_json_add_num(o, "docs", (double)r->docs);
	wol_json_add_num(o, "problems", (double)r->problems);
	wol_json_add_num(o, "trees", (double)r->trees);
	wol_json_add_num(o, "ms", r->ms);
	wol_json_add_str(o, "notice", r->notice);
	return o;
}

cJSON *wol_index_figures_json(const wol_index_figures *f)
{
	cJSON *o = cJSON_CreateObject();
	wol_json_add_num(o, "docs", (double)f->docs);
	wol_json_add_num(o, "journal", (double)f->journal);
	wol_json_add_num(o, "notes", (double)f->notes);
	wol_json_add_num(o, "questions", (double)f->questions);
	wol_json_add_num(o, "answers", (double)f->answers);
	wol_json_add_num(o, "feedback", (double)f->feedback);
	wol_json_add_num(o, "people", (double)f->people);
	wol_json_add_num(o, "open", (double)f->open);
	wol_json_add_num(o, "resolved", (double)f->resolved);
	wol_json_add_num(o, "files", (double)f->files);
	wol_json_add_num(o, "db_bytes", (double)f->db_bytes);
	cJSON *members = cJSON_CreateArray();
	for (size_t i = 0; members && i < f->nmembers; i++) {
		const wol_index_member *m = &f->members[i];
		cJSON *j = cJSON_CreateObject();
		wol_json_add_str(j, "author", m->author);
		wol_json_add_num(j, "notes", (double)m->notes);
		wol_json_add_num(j, "questions", (double)m->questions);
		wol_json_add_num(j, "answers", (double)m->answers);
		wol_json_add_num(j, "resolved", (double)m->resolved);
		cJSON_AddItemToArray(members, j);
	}
	wol_json_add(o, "members", members);
	cJSON *weeks = cJSON_CreateArray();
	for (size_t i = 0; weeks && i < f->nweeks; i++) {
		const wol_index_week *w = &f->weeks[i];
		cJSON *j = cJSON_CreateObject();
		wol_json_add_str(j, "author", w->author);
		wol_json_add_str(j, "week", w->week);
		wol_json_add_num(j, "notes", (double)w->notes);
		cJSON_AddItemToArray(weeks, j);
	}
	wol_json_add(o, "weeks", weeks);
	return o;
}
