/* json/circle.c - the trees of circles, notes and shares (`wol share|notes
 * --json`, circle:share, circle:notes, circle:members, circle:info) */
#include "json/json.h"

#include <stdlib.h>

cJSON *wol_share_result_json(wol_circle *c, const wol_share_result *r)
{
	cJSON *j = cJSON_CreateObject();
	wol_json_add_str(j, "circle", wol_circle_name(c));
	wol_json_add_str(j, "note", r->note);
	wol_json_add_str(j, "abs", r->abs);
	wol_json_add_str(j, "title", r->title);
	wol_json_add_str(j, "id", r->id);
	wol_json_add_str(j, "commit", r->commit[0] ? r->commit : NULL);
	wol_json_add_bool(j, "created", r->created);
	wol_json_add_bool(j, "unchanged", r->unchanged);
	wol_json_add_bool(j, "copied", r->copied);
	wol_json_add_bool(j, "has_remote", r->has_remote);
	wol_json_add_num(j, "ahead", (double)r->ahead);
	return j;
}

cJSON *wol_notes_json(wol_circle *c, const wol_note *v, size_t n)
{
	cJSON *arr = cJSON_CreateArray();
	for (size_t i = 0; arr && i < n; i++) {
		cJSON *o = cJSON_CreateObject();
		wol_json_add_str(o, "path", v[i].path);
		char *abs = wol_strfmt("%s/%s", wol_circle_path(c), v[i].path);
		wol_json_add_str(o, "abs", abs);
		free(abs);
		wol_json_add_str(o, "author", v[i].author);
		wol_json_add_str(o, "title", v[i].title);
		wol_json_add_str(o, "id", v[i].id);
		wol_json_add_str(o, "created", v[i].created);
		wol_json_add_str(o, "status", v[i].status);
		wol_json_add_str(o, "source", v[i].source);
		wol_json_add_num(o, "updated", (double)v[i].updated);
		wol_json_add_bool(o, "mine", v[i].mine);
		wol_json_add_bool(o, "committed", v[i].committed);
		wol_json_add_str(o, "outside", v[i].outside);
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

cJSON *wol_members_json(const wol_member *m, size_t n)
{
	cJSON *arr = cJSON_CreateArray();
	for (size_t i = 0; arr && i < n; i++) {
		cJSON *o = cJSON_CreateObject();
		wol_json_add_str(o, "handle", m[i].handle);
		wol_json_add_str(o, "name", m[i].name);
		wol_json_add_str(o, "goal", m[i].goal);
		wol_json_add_str(o, "joined", m[i].joined);
		wol_json_add_num(o, "goal_words", m[i].goal_words);
		wol_json_add_str(o, "warning", m[i].warning);
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

cJSON *wol_circle_info_json(wol_circle *c, const wol_circle_info *info)
{
	cJSON *o = cJSON_CreateObject();
	wol_json_add_str(o, "name", info->name);
	wol_json_add_str(o, "dir", wol_circle_name(c));
	wol_json_add_str(o, "path", wol_circle_path(c));
	wol_json_add(o, "started", wol_json_date(info->started));
	wol_json_add_str(o, "meets", info->meets >= 0 ? wol_weekday_name(info->meets) : NULL);
	wol_json_add_num(o, "weeks", info->weeks);
	wol_json_add_num(o, "format", info->format);
	wol_json_add_str(o, "remote", info->remote);
	wol_json_add_str(o, "branch", info->branch);
	wol_json_add_num(o, "ahead", (double)info->ahead);
	wol_json_add(o, "warnings", wol_json_strv(info->warnings, info->nwarnings));
	return o;
}
