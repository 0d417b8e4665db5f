/* json/status.c - the tree of the circle at a glance (`wol status --json`,
 * ctx:status) */
#include "json/json.h"

#include <stdlib.h>

static cJSON *members_json(const wol_status *s)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; a && i < s->nmembers; i++) {
		const wol_status_member *m = &s->members[i];
		cJSON *j = cJSON_CreateObject();
		wol_json_add_str(j, "handle", m->handle);
		wol_json_add_str(j, "name", m->name);
		wol_json_add_str(j, "goal", m->goal);
		wol_json_add_num(j, "notes", (double)m->notes);
		wol_json_add_num(j, "answers", (double)m->answers);
		wol_json_add_str(j, "last", m->last[0] ? m->last : NULL);
		wol_json_add_num(j, "revised", (double)m->revised);
		wol_json_add_bool(j, "me", m->me);
		cJSON_AddItemToArray(a, j);
	}
	return a;
}

static cJSON *items_json(const wol_status_item *v, size_t n)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; a && i < n; i++) {
		const wol_status_item *it = &v[i];
		cJSON *j = cJSON_CreateObject();
		wol_json_add_str(j, "kind", it->kind);
		wol_json_add_bool(j, "updated", it->updated);
		wol_json_add_str(j, "author", it->author);
		wol_json_add_str(j, "title", it->title);
		wol_json_add_str(j, "path", it->path);
		wol_json_add_str(j, "qid", it->qid);
		wol_json_add_str(j, "date", it->date[0] ? it->date : NULL);
		cJSON_AddItemToArray(a, j);
	}
	return a;
}

static cJSON *open_json(const wol_status *s)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; a && i < s->nopen; i++) {
		const wol_status_question *q = &s->open[i];
		cJSON *j = cJSON_CreateObject();
		wol_json_add_str(j, "qid", q->qid);
		wol_json_add_str(j, "title", q->title);
		wol_json_add_str(j, "author", q->author);
		wol_json_add_str(j, "path", q->path);
		wol_json_add_str(j, "date", q->date[0] ? q->date : NULL);
		wol_json_add_num(j, "answers", (double)q->answers);
		wol_json_add_num(j, "age", q->age);
		wol_json_add_bool(j, "mine", q->mine);
		cJSON_AddItemToArray(a, j);
	}
	return a;
}

/* The 12-week grid, oldest day first; days after `today` are the rest of
 * this week (compare the dates). */
static cJSON *grid_json(const wol_status *s)
{
	cJSON *g = cJSON_CreateObject();
	wol_json_add(g, "start", wol_json_date(s->grid_start));
	cJSON *days = cJSON_CreateArray();
	for (int i = 0; days && i < WOL_STATUS_DAYS; i++) {
		cJSON *j = cJSON_CreateObject();
		wol_json_add(j, "date", wol_json_date(wol_date_add(s->grid_start, i)));
		wol_json_add_bool(j, "journal", s->journal[i]);
		wol_json_add_num(j, "acts", s->acts[i]);
		wol_json_add_num(j, "mine", s->mine[i]);
		wol_json_add_num(j, "all", s->everyone[i]);
		wol_json_add_num(j, "level", wol_status_level(s, i));
		cJSON_AddItemToArray(days, j);
	}
	wol_json_add(g, "days", days);
	return g;
}

cJSON *wol_status_json(const wol_ctx *ctx, const wol_status *s)
{
	cJSON *o = cJSON_CreateObject();
	wol_json_add_str(o, "circle", s->circle);
	char *path = s->circle ? wol_ctx_circle_path(ctx, s->circle) : NULL;
	wol_json_add_str(o, "path", path);
	free(path);
	wol_json_add_str(o, "name", s->name);
	wol_json_add_str(o, "handle", s->handle);
	wol_json_add(o, "today", wol_json_date(s->today));
	wol_json_add_str(o, "phase", s->phase);
	wol_json_add_num(o, "week", s->week);
	wol_json_add_num(o, "weeks", s->weeks);
	wol_json_add(o, "started", wol_json_date(s->started));
	wol_json_add_str(o, "meets", s->meets >= 0 ? wol_weekday_name(s->meets) : NULL);
	wol_json_add(o, "next_meeting", wol_json_date(s->next_meeting));
	wol_json_add(o, "since", wol_json_date(s->since));
	wol_json_add_bool(o, "since_meeting", s->since_meeting);
	wol_json_add_str(o, "remote", s->remote);
	wol_json_add_str(o, "branch", s->branch);
	wol_json_add_num(o, "ahead", (double)s->ahead);
	wol_json_add_num(o, "last_sync", (double)s->last_sync);
	wol_json_add(o, "members", members_json(s));
	wol_json_add(o, "items", items_json(s->items, s->nitems));
	wol_json_add_num(o, "items_total", (double)s->items_total);
	wol_json_add(o, "feedback", items_json(s->feedback, s->nfeedback));
	wol_json_add_num(o, "feedback_in", (double)s->feedback_in);
	wol_json_add_num(o, "feedback_out", (double)s->feedback_out);
	wol_json_add(o, "open", open_json(s));
	wol_json_add_num(o, "open_total", (double)s->open_total);
	wol_json_add(o, "grid", grid_json(s));
	wol_json_add_num(o, "streak", s->streak);
	wol_json_add_num(o, "longest", s->longest);
	wol_json_add_num(o, "journal_week", s->journal_week);
	wol_json_add_num(o, "active_week", s->active_week);
	/* your own list: {"week", "people", "reach": [{"name", "days"}]} */
	cJSON *you = cJSON_CreateObject();
	wol_json_add_num(you, "week", (double)s->given_week);
	wol_json_add_num(you, "people", (double)s->people);
	cJSON *reach = cJSON_CreateArray();
	for (size_t i = 0; reach && i < s->nreach; i++) {
		cJSON *r = cJSON_CreateObject();
		wol_json_add_str(r, "name", s->reach[i].name);
		wol_json_add_num(r, "days", (double)s->reach[i].days);
		cJSON_AddItemToArray(reach, r);
	}
	wol_json_add(you, "reach", reach);
	wol_json_add(o, "contributions", you);
	wol_json_add(o, "warnings", wol_json_strv(s->warnings, s->nwarnings));
	wol_json_add_str(o, "notice", s->notice);
	return o;
}
