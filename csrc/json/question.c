/* json/question.c - the trees of circle questions: a question (with its
 * thread when it was read as one), a listing, what a write made, the news
 * (`wol questions|show|ask|answer|... --json`, circle:questions, ...) */
#include "json/json.h"

static cJSON *record_json(const wol_qrecord *r)
{
	cJSON *o = cJSON_CreateObject();
	wol_json_add_str(o, "kind", r->kind);
	wol_json_add_str(o, "id", r->id);
	wol_json_add_str(o, "path", r->path);
	wol_json_add_str(o, "author", r->author);
	wol_json_add_str(o, "created", r->created);
	wol_json_add_num(o, "lamport", (double)r->lamport);
	wol_json_add_str(o, "target", r->target);
	wol_json_add_str(o, "text", r->text);
	wol_json_add_str(o, "current", r->current);
	wol_json_add_bool(o, "edited", r->edited);
	wol_json_add_bool(o, "retracted", r->retracted);
	wol_json_add_num(o, "thanks", r->thanks);
	wol_json_add_bool(o, "ignored", r->ignored);
	wol_json_add_bool(o, "forged", r->forged);
	wol_json_add_str(o, "committer", r->committer);
	wol_json_add_str(o, "note", r->note);
	wol_json_add_str(o, "outside", r->outside);
	wol_json_add_bool(o, "removed", r->removed);
	wol_json_add(o, "meta", wol_json_yaml(r->meta));
	return o;
}

cJSON *wol_question_json(const wol_question *q)
{
	cJSON *o = cJSON_CreateObject();
	wol_json_add_str(o, "id", q->id);
	wol_json_add_str(o, "title", q->title);
	wol_json_add_str(o, "author", q->author);
	wol_json_add_str(o, "created", q->created);
	wol_json_add_str(o, "about", q->about);
	wol_json_add_num(o, "lamport", (double)q->lamport);
	wol_json_add_str(o, "state", q->state);
	wol_json_add_str(o, "helped", q->helped);
	wol_json_add_num(o, "answers", (double)q->nanswers);
	wol_json_add_num(o, "last", (double)q->last);
	wol_json_add_bool(o, "mine", q->mine);
	if (q->records) { /* a thread: its records, oldest first */
		wol_json_add_bool(o, "forged", q->forged);
		cJSON *arr = cJSON_CreateArray();
		for (size_t i = 0; arr && i < q->nrecords; i++)
			cJSON_AddItemToArray(arr, record_json(&q->records[i]));
		wol_json_add(o, "records", arr);
	}
	wol_json_add(o, "warnings", wol_json_strv(q->warnings, q->nwarnings));
	return o;
}

cJSON *wol_questions_json(const wol_questions *qs)
{
	cJSON *arr = cJSON_CreateArray();
	for (size_t i = 0; arr && i < qs->n; i++)
		cJSON_AddItemToArray(arr, wol_question_json(&qs->items[i]));
	return arr;
}

cJSON *wol_qwrite_json(wol_circle *c, const wol_qwrite *w)
{
	cJSON *j = cJSON_CreateObject();
	wol_json_add_str(j, "circle", wol_circle_name(c));
	wol_json_add_str(j, "qid", w->qid);
	wol_json_add_str(j, "id", w->id);
	wol_json_add_str(j, "path", w->path);
	wol_json_add_str(j, "title", w->title);
	wol_json_add_str(j, "commit", w->commit[0] ? w->commit : NULL);
	wol_json_add_bool(j, "has_remote", w->has_remote);
	wol_json_add_num(j, "ahead", (double)w->ahead);
	return j;
}

cJSON *wol_qnews_json(const wol_qnews *n)
{
	cJSON *j = cJSON_CreateObject();
	wol_json_add(j, "questions", wol_json_strv(n->questions, n->nquestions));
	wol_json_add(j, "answers", wol_json_strv(n->answers, n->nanswers));
	return j;
}
