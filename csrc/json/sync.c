/* json/sync.c - the trees of sync: summary, progress, local state */
#include "json/json.h"

#include <stdlib.h>
#include <string.h>

static int is(const char *kind, const char *what)
{
	return strcmp(kind, what) == 0;
}

/* arrived: counts for people (notes per member, questions, answers, ...)
 * and the items themselves */
static cJSON *arrived_json(const wol_sync_result *r)
{
	cJSON *a = cJSON_CreateObject();
	cJSON *notes = cJSON_CreateObject(), *members = cJSON_CreateArray();
	cJSON *items = cJSON_CreateArray();
	size_t questions = 0, answers = 0, answers_to_me = 0, resolved = 0, events = 0, files = 0;
	for (size_t i = 0; i < r->narrived; i++) {
		const wol_sync_item *it = &r->arrived[i];
		if (is(it->kind, "note") && it->member && notes) {
			cJSON *n = cJSON_GetObjectItemCaseSensitive(notes, it->member);
			if (n)
				cJSON_SetNumberValue(n, n->valuedouble + 1);
			else
				cJSON_AddNumberToObject(notes, it->member, 1);
		}
		questions += is(it->kind, "question");
		answers += is(it->kind, "answer");
		answers_to_me += is(it->kind, "answer") && it->to_me;
		resolved += is(it->kind, "resolved");
		events += is(it->kind, "event") || is(it->kind, "resolved");
		files += is(it->kind, "file");
		if (is(it->kind, "member") && it->added && it->member)
			cJSON_AddItemToArray(members, cJSON_CreateString(it->member));
		cJSON *o = cJSON_CreateObject();
		wol_json_add_str(o, "kind", it->kind);
		wol_json_add_str(o, "member", it->member);
		wol_json_add_str(o, "path", it->path);
		wol_json_add_bool(o, "added", it->added);
		wol_json_add_bool(o, "to_me", it->to_me);
		cJSON_AddItemToArray(items, o);
	}
	wol_json_add(a, "notes", notes);
	wol_json_add(a, "members", members);
	wol_json_add_num(a, "questions", (double)questions);
	wol_json_add_num(a, "answers", (double)answers);
	wol_json_add_num(a, "answers_to_me", (double)answers_to_me);
	wol_json_add_num(a, "resolved", (double)resolved);
	wol_json_add_num(a, "events", (double)events);
	wol_json_add_num(a, "files", (double)files);
	wol_json_add(a, "items", items);
	return a;
}

cJSON *wol_sync_result_json(const wol_sync_result *r, const wol_error *err)
{
	cJSON *j = cJSON_CreateObject();
	wol_json_add_str(j, "circle", r->circle);
	wol_json_add_str(j, "branch", r->branch);
	wol_json_add_str(j, "remote", r->remote);
	wol_json_add(j, "arrived", arrived_json(r));
	wol_json_add_num(j, "pushed", (double)r->pushed);
	wol_json_add_num(j, "ahead", (double)r->ahead);
	wol_json_add_bool(j, "fast_forward", r->fast_forward);
	wol_json_add_bool(j, "merged", r->merged);
	wol_json_add_bool(j, "up_to_date", r->up_to_date);
	wol_json_add_num(j, "attempts", r->attempts);
	cJSON *conflicts = cJSON_CreateArray();
	for (size_t i = 0; i < r->nconflicts; i++) {
		cJSON *o = cJSON_CreateObject();
		wol_json_add_str(o, "path", r->conflicts[i].path);
		wol_json_add_str(o, "kept_as", r->conflicts[i].kept_as);
		wol_json_add_str(o, "member", r->conflicts[i].member);
		cJSON_AddItemToArray(conflicts, o);
	}
	wol_json_add(j, "conflicts", conflicts);
	/* changes made outside wol (plain git), kept and reported */
	cJSON *foreign = cJSON_CreateArray();
	for (size_t i = 0; i < r->nforeign; i++) {
		cJSON *o = cJSON_CreateObject();
		wol_json_add_str(o, "path", r->foreign[i].path);
		wol_json_add_str(o, "commit", r->foreign[i].commit);
		wol_json_add_str(o, "author", r->foreign[i].author);
		wol_json_add_str(o, "what", r->foreign[i].what);
		cJSON_AddItemToArray(foreign, o);
	}
	wol_json_add(j, "foreign_edits", foreign);
	wol_json_add(j, "warnings", wol_json_strv(r->warnings, r->nwarnings));
	wol_json_add(j, "changed", wol_json_strv(r->changed, r->nchanged));
	int failed = err && err->code;
	char *digest = failed ? NULL : wol_sync_digest(r);
	wol_json_add_str(j, "digest", digest);
	free(digest);
	wol_json_add_str(j, "error", failed ? err->msg : NULL);
	wol_json_add_str(j, "code", failed ? wol_error_name(err->code) : NULL);
	return j;
}

cJSON *wol_sync_progress_json(const wol_sync_progress *p)
{
	cJSON *j = cJSON_CreateObject();
	wol_json_add_str(j, "phase", p->phase);
	wol_json_add_num(j, "received", p->received);
	wol_json_add_num(j, "total", p->total);
	wol_json_add_num(j, "bytes", (double)p->bytes);
	wol_json_add_num(j, "attempt", p->attempt);
	return j;
}

cJSON *wol_sync_state_json(const wol_sync_state *st)
{
	cJSON *j = cJSON_CreateObject();
	wol_json_add_str(j, "circle", st->circle);
	wol_json_add_str(j, "branch", st->branch);
	wol_json_add_str(j, "remote", st->remote);
	wol_json_add_num(j, "ahead", (double)st->ahead);
	wol_json_add_num(j, "behind", (double)st->behind);
	wol_json_add_bool(j, "remote_known", st->remote_known);
	return j;
}
