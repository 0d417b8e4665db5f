/* json/feedback.c - the trees of feedback: the items on a note (or in a
 * listing) and what a write made (`wol feedback|comment|react|addressed
 * --json`, circle:feedback, circle:comment, ...) */
#include "feedback/json.h"

/* until the shared helpers (json/json.h) are here */
static void add(cJSON *o, const char *k, cJSON *item)
{
	if (!o || !item || !cJSON_AddItemToObjectCS(o, k, item))
		cJSON_Delete(item);
}

static void add_str(cJSON *o, const char *k, const char *s)
{
	if (s)
		add(o, k, cJSON_CreateString(s));
}

static void add_num(cJSON *o, const char *k, double n)
{
	add(o, k, cJSON_CreateNumber(n));
}

static void add_bool(cJSON *o, const char *k, int b)
{
	add(o, k, cJSON_CreateBool(b != 0));
}

static cJSON *strv(char *const *v, size_t n)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; a && i < n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(v[i] ? v[i] : ""));
	return a;
}

cJSON *wol_fitem_json(const wol_fitem *it)
{
	cJSON *o = cJSON_CreateObject();
	add_str(o, "id", it->id);
	add_str(o, "path", it->path);
	add_str(o, "kind", it->kind);
	add_str(o, "reaction", it->reaction);
	add_str(o, "author", it->author);
	add_str(o, "created", it->created);
	add_num(o, "lamport", (double)it->lamport);
	add_str(o, "reply_to", it->reply_to);
	add_str(o, "thread", it->thread);
	add_str(o, "text", it->text);
	add_str(o, "commit", it->commit);
	add_str(o, "wrote_on", it->wrote_on);
	if (it->line1 > 0) {
		add_num(o, "line1", (double)it->line1);
		add_num(o, "line2", (double)it->line2);
	}
	add_num(o, "start", (double)it->start);
	add_num(o, "end", (double)it->end);
	add_str(o, "anchor", it->anchor);
	add_bool(o, "clamped", it->clamped);
	add_bool(o, "addressed", it->addressed);
	add_str(o, "addressed_id", it->addressed_id);
	add_str(o, "addressed_text", it->addressed_text);
	add_bool(o, "mine", it->mine);
	add_bool(o, "forged", it->forged);
	add_str(o, "committer", it->committer);
	add_str(o, "problem", it->problem);
	add_str(o, "note_id", it->note_id);
	add_str(o, "note", it->note);
	add_str(o, "note_title", it->note_title);
	add_str(o, "note_author", it->note_author);
	add_bool(o, "orphaned", it->orphaned);
	return o;
}

cJSON *wol_feedback_json(const wol_feedback *f)
{
	cJSON *o = cJSON_CreateObject();
	add_str(o, "note_id", f->note_id);
	add_str(o, "note", f->note);
	add_str(o, "note_title", f->note_title);
	add_str(o, "note_author", f->note_author);
	if (f->note)
		add_num(o, "lines", (double)f->lines);
	cJSON *arr = cJSON_CreateArray();
	for (size_t i = 0; arr && i < f->n; i++)
		cJSON_AddItemToArray(arr, wol_fitem_json(&f->items[i]));
	add(o, "items", arr);
	add(o, "warnings", strv(f->warnings, f->nwarnings));
	return o;
}

cJSON *wol_fwrite_json(wol_circle *c, const wol_fwrite *w)
{
	cJSON *o = cJSON_CreateObject();
	add_str(o, "circle", wol_circle_name(c));
	add_str(o, "id", w->id);
	add_str(o, "path", w->path);
	add_str(o, "note_id", w->note_id);
	add_str(o, "note", w->note);
	add_str(o, "note_title", w->note_title);
	add_str(o, "commit", w->commit);
	add_bool(o, "has_remote", w->has_remote);
	add_num(o, "ahead", (double)w->ahead);
	return o;
}
