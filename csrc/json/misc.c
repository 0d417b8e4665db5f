/* json/misc.c - the trees of the day's prompt (`wol prompt --json`,
 * ctx:prompt), the health checks (`wol doctor --json`, ctx:doctor), the
 * versions (`wol version --json`, core.libs) and the identity */
#include "json/json.h"

cJSON *wol_prompt_json(const wol_prompt *p)
{
	/* the day's layers (csrc/prompt/); an empty layer and the source of
	 * an empty layer are left out */
	cJSON *j = cJSON_CreateObject();
	wol_json_add(j, "date", wol_json_date(p->date));
	wol_json_add_str(j, "weekday", wol_weekday_name(wol_date_weekday(p->date)));
	cJSON *o = cJSON_CreateObject();
	wol_json_add_str(o, "title", p->title);
	wol_json_add_str(o, "text", p->text);
	wol_json_add(o, "tags", wol_json_strv(p->tags, p->ntags));
	wol_json_add(j, "theme", o);
	if (p->focus_title) {
		o = cJSON_CreateObject();
		wol_json_add_num(o, "week", p->week);
		wol_json_add_num(o, "weeks", p->weeks);
		wol_json_add_str(o, "title", p->focus_title);
		wol_json_add_str(o, "text", p->focus_text);
		wol_json_add(o, "questions", wol_json_strv(p->focus_questions, p->nfocus_questions));
		wol_json_add(j, "focus", o);
	}
	o = cJSON_CreateObject();
	wol_json_add_str(o, "title", p->challenge_title);
	wol_json_add_str(o, "text", p->challenge);
	wol_json_add(j, "challenge", o);
	wol_json_add(j, "reflect", wol_json_strv(p->questions, p->nquestions));
	o = cJSON_CreateObject();
	wol_json_add_str(o, "theme", p->theme_source);
	wol_json_add_str(o, "focus", p->focus_source);
	wol_json_add_str(o, "challenge", p->challenge_source);
	wol_json_add_str(o, "reflect", p->reflect_source);
	wol_json_add(j, "sources", o);
	wol_json_add_bool(j, "dated", p->dated);
	wol_json_add_str(j, "reason", p->reason);
	wol_json_add_num(j, "week", p->week);
	wol_json_add_num(j, "weeks", p->weeks);
	wol_json_add(j, "warnings", wol_json_strv(p->warnings, p->nwarnings));
	return j;
}

cJSON *wol_checks_json(const wol_checks *checks)
{
	cJSON *arr = cJSON_CreateArray();
	for (size_t i = 0; arr && i < checks->n; i++) {
		const wol_check *c = &checks->items[i];
		cJSON *o = cJSON_CreateObject();
		wol_json_add_str(o, "level", wol_doctor_level_name(c->level));
		wol_json_add_str(o, "section", c->section);
		wol_json_add_str(o, "msg", c->msg);
		wol_json_add_str(o, "advice", c->advice);
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

cJSON *wol_libinfo_json(const wol_libinfo *li)
{
	cJSON *j = cJSON_CreateObject();
	wol_json_add_str(j, "wol", li->wol);
	wol_json_add_num(j, "format", li->format);
	wol_json_add_str(j, "libgit2", li->libgit2);
	wol_json_add_bool(j, "threads", li->git_threads);
	wol_json_add_bool(j, "https", li->git_https);
	wol_json_add_bool(j, "ssh", li->git_ssh);
	wol_json_add_str(j, "sqlite", li->sqlite);
	wol_json_add_bool(j, "fts5", li->sqlite_fts5);
	wol_json_add_str(j, "libyaml", li->libyaml);
	wol_json_add_str(j, "cjson", li->cjson);
	return j;
}

cJSON *wol_identity_json(const wol_identity *id)
{
	cJSON *j = cJSON_CreateObject();
	wol_json_add_str(j, "handle", id->handle[0] ? id->handle : NULL);
	wol_json_add_str(j, "name", id->name);
	wol_json_add_str(j, "email", id->email);
	wol_json_add_str(j, "source", id->handle_source);
	wol_json_add_str(j, "problem", id->problem);
	return j;
}
