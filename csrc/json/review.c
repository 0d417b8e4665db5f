/* json/review.c - the trees of the weekly review (`wol review --json`,
 * ctx:review) and of an export (`wol export --json`, ctx:export) */
#include "json/json.h"

cJSON *wol_review_json(const wol_review *r)
{
	cJSON *j = cJSON_CreateObject();
	wol_json_add_str(j, "week", r->week);
	wol_json_add(j, "from", wol_json_date(r->from));
	wol_json_add(j, "to", wol_json_date(r->to));
	wol_json_add_str(j, "circle", r->circle);
	wol_json_add_str(j, "path", r->path);
	wol_json_add_bool(j, "saved", r->saved);
	/* the days of the week a journal entry was written, as dates */
	cJSON *days = cJSON_CreateArray();
	for (int i = 0; days && i < 7; i++)
		if (r->written[i])
			cJSON_AddItemToArray(days, wol_json_date(wol_date_add(r->from, i)));
	wol_json_add(j, "written", days);
	cJSON *counts = cJSON_CreateObject();
	wol_json_add_num(counts, "days", r->days);
	wol_json_add_num(counts, "shares", (double)r->shares);
	wol_json_add_num(counts, "asked", (double)r->asked);
	wol_json_add_num(counts, "answered", (double)r->answered);
	wol_json_add_num(counts, "resolved", (double)r->resolved);
	wol_json_add_num(counts, "contributions", (double)r->contributions);
	wol_json_add_num(counts, "challenges", (double)r->challenges);
	wol_json_add(j, "counts", counts);
	cJSON *acts = cJSON_CreateArray();
	for (size_t i = 0; acts && i < r->nacts; i++) {
		const wol_review_act *a = &r->acts[i];
		cJSON *o = cJSON_CreateObject();
		wol_json_add_str(o, "kind", a->kind);
		wol_json_add_str(o, "date", a->date);
		wol_json_add_str(o, "title", a->title);
		wol_json_add_str(o, "path", a->path);
		wol_json_add_str(o, "detail", a->detail);
		wol_json_add_num(o, "count", (double)a->count);
		cJSON_AddItemToArray(acts, o);
	}
	wol_json_add(j, "acts", acts);
	wol_json_add_str(j, "goal", r->goal);
	wol_json_add_str(j, "goal_before", r->goal_before);
	wol_json_add_bool(j, "goal_changed", r->goal_changed);
	wol_json_add(j, "reflect", wol_json_strv(r->reflect, r->nreflect));
	wol_json_add_str(j, "text", r->text);
	wol_json_add(j, "warnings", wol_json_strv(r->warnings, r->nwarnings));
	return j;
}

cJSON *wol_export_result_json(const wol_export_result *r)
{
	cJSON *j = cJSON_CreateObject();
	wol_json_add_str(j, "out", r->out);
	wol_json_add_str(j, "index", r->index);
	wol_json_add_str(j, "format", r->format);
	wol_json_add(j, "members", wol_json_strv(r->members, r->nmembers));
	wol_json_add_num(j, "pages", (double)r->pages);
	wol_json_add_num(j, "notes", (double)r->notes);
	wol_json_add_num(j, "questions", (double)r->questions);
	wol_json_add_num(j, "answers", (double)r->answers);
	wol_json_add_num(j, "feedback", (double)r->feedback);
	wol_json_add(j, "warnings", wol_json_strv(r->warnings, r->nwarnings));
	return j;
}
