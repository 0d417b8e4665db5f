/* json/people.c - the trees of people, contributions and goals (`wol
 * people|give|goal --json`, ctx:people, ctx:give, circle:goal ...) */
#include "json/json.h"

#include <stdio.h>
#include <string.h>

/* Keys are literals, added without a copy (wol_json_add): a list of 500
 * people is some 10,000 nodes, and a copy of each key was a third of its
 * allocations. */
static void add_str(cJSON *o, const char *key, const char *s)
{
	if (s && *s)
		wol_json_add(o, key, cJSON_CreateString(s));
}

static cJSON *str_list(char *const *v, size_t n)
{
	return wol_json_strv(v, n);
}

static cJSON *contribution(const wol_contribution *c)
{
	cJSON *o = cJSON_CreateObject();
	add_str(o, "date", c->date);
	add_str(o, "time", c->time);
	add_str(o, "what", c->what);
	add_str(o, "kind", c->kind);
	add_str(o, "circle", c->circle);
	add_str(o, "path", c->path);
	if (c->line > 0)
		wol_json_add_num(o, "line", c->line);
	return o;
}

cJSON *wol_person_json(const wol_person *p)
{
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return NULL;
	add_str(o, "slug", p->slug);
	add_str(o, "name", p->name);
	char rel[300];
	snprintf(rel, sizeof rel, "people/%s.md", p->slug);
	add_str(o, "path", rel);
	add_str(o, "abs", p->path);
	add_str(o, "relation", p->relation);
	if (p->closeness >= 0)
		wol_json_add_num(o, "closeness", p->closeness);
	add_str(o, "handle", p->handle);
	wol_json_add(o, "circles", str_list(p->circles, p->ncircles));
	wol_json_add(o, "tags", str_list(p->tags, p->ntags));
	add_str(o, "added", p->added);
	wol_json_add_num(o, "count", (double)p->count);
	wol_json_add_num(o, "week", (double)p->week);
	add_str(o, "last", p->last);
	if (p->days >= 0)
		wol_json_add_num(o, "days", (double)p->days);
	wol_json_add_bool(o, "stale", p->stale);
	wol_json_add_bool(o, "broken", p->broken);
	add_str(o, "warning", p->warning);
	if (p->detail) {
		cJSON *a = cJSON_AddArrayToObject(o, "contributions");
		for (size_t i = 0; a && i < p->ncontribs; i++)
			cJSON_AddItemToArray(a, contribution(&p->contribs[i]));
	}
	return o;
}

cJSON *wol_people_json(const wol_people *l)
{
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return NULL;
	cJSON *a = cJSON_AddArrayToObject(o, "people");
	for (size_t i = 0; a && i < l->n; i++)
		cJSON_AddItemToArray(a, wol_person_json(&l->items[i]));
	add_str(o, "sort", l->sort);
	wol_json_add_num(o, "stale_days", l->stale_days);
	wol_json_add_num(o, "week", (double)l->week);
	wol_json_add_num(o, "stale", (double)l->stale);
	wol_json_add(o, "warnings", str_list(l->warnings, l->nwarnings));
	/* who to reach out to (up to 3), longest without a contribution first */
	cJSON *r = cJSON_AddArrayToObject(o, "reach_out");
	for (size_t i = 0; r && i < l->nreach; i++) {
		const wol_person *p = &l->items[l->reach[i]];
		cJSON *x = cJSON_CreateObject();
		add_str(x, "slug", p->slug);
		add_str(x, "name", p->name);
		add_str(x, "last", p->last);
		if (p->days >= 0)
			wol_json_add_num(x, "days", (double)p->days);
		cJSON_AddItemToArray(r, x);
	}
	return o;
}

cJSON *wol_given_json(const wol_given *g)
{
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return NULL;
	add_str(o, "slug", g->slug);
	add_str(o, "name", g->name);
	add_str(o, "abs", g->path);
	add_str(o, "date", g->date);
	add_str(o, "time", g->time);
	add_str(o, "line", g->line);
	return o;
}

cJSON *wol_goal_json(const wol_goal *g, int set)
{
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return NULL;
	add_str(o, "circle", g->circle);
	add_str(o, "handle", g->handle);
	add_str(o, "goal", g->text);
	wol_json_add_num(o, "words", g->words);
	add_str(o, "note", g->note);
	if (set) {
		add_str(o, "commit", g->commit);
		wol_json_add_bool(o, "unchanged", g->unchanged);
		wol_json_add_num(o, "ahead", (double)g->ahead);
	}
	return o;
}

cJSON *wol_goal_history_json(const wol_goal_history *h)
{
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return NULL;
	add_str(o, "handle", h->handle);
	cJSON *a = cJSON_AddArrayToObject(o, "revisions");
	for (size_t i = 0; a && i < h->n; i++) {
		cJSON *r = cJSON_CreateObject();
		add_str(r, "date", h->revs[i].date);
		wol_json_add_num(r, "time", (double)h->revs[i].time);
		add_str(r, "commit", h->revs[i].commit);
		cJSON_AddStringToObject(r, "goal", h->revs[i].text ? h->revs[i].text : "");
		add_str(r, "author", h->revs[i].author);
		wol_json_add_bool(r, "outside", h->revs[i].outside);
		cJSON_AddItemToArray(a, r);
	}
	wol_json_add_num(o, "revised", h->n > 1 ? (double)(h->n - 1) : 0);
	return o;
}
