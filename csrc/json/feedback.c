/* json/feedback.c - the trees of feedback: the items on a note (or in a
 * listing) and what a write made (`wol feedback|comment|react|addressed
 * --json`, circle:feedback, circle:comment, ...) */
#include "json/json.h"

cJSON *wol_fitem_json(const wol_fitem *it)
{
	cJSON *o = cJSON_CreateObject();
	wol_json_add_str(o, "id", it->id);
	wol_json_add_str(o, "path", it->path);
	wol_json_add_str(o, "kind", it->kind);
	wol_json_add_str(o, "reaction", it->reaction);
	wol_json_add_str(o, "author", it->author);
	wol_json_add_str(o, "created", it->created);
	wol_json_add_num(o, "lamport", (double)it->lamport);
	wol_json_add_str(o, "reply_to", it->reply_to);
	wol_json_add_str(o, "thread", it->thread);
	wol_json_add_str(o, "text", it->text);
	wol_json_add_str(o, "commit", it->commit);
	wol_json_add_str(o, "wrote_on", it->wrote_on);
	if (it->line1 > 0) {
		wol_json_add_num(o, "line1", (double)it->line1);
		wol_json_add_num(o, "line2", (double)it->line2);
	}
	wol_json_add_num(o, "start", (double)it->start);
	wol_json_add_num(o, "end", (double)it->end);
	wol_json_add_str(o, "anchor", it->anchor);
	wol_json_add_bool(o, "clamped", it->clamped);
	wol_json_add_bool(o, "addressed", it->addressed);
	wol_json_add_str(o, "addressed_id", it->addressed_id);
	wol_json_add_str(o, "addressed_text", it->addressed_text);
	wol_json_add_bool(o, "mine", it->mine);
	wol_json_add_bool(o, "forged", it->forged);
	wol_json_add_str(o, "committer", it->committer);
	wol_json_add_str(o, "problem", it->problem);
	wol_json_add_str(o, "note_id", it->note_id);
	wol_json_add_str(o, "note", it->note);
	wol_json_add_str(o, "note_title", it->note_title);
	wol_json_add_str(o, "note_author", it->note_author);
	wol_json_add_bool(o, "orphaned", it->orphaned);
	return o;
}

cJSON *wol_feedback_json(const wol_feedback *f)
{
	cJSON *o = cJSON_CreateObject();
	wol_json_add_str(o, "note_id", f->note_id);
	wol_json_add_str(o, "note", f->note);
	wol_json_add_str(o, "note_title", f->note_title);
	wol_json_add_str(o, "note_author", f->note_author);
	if (f->note)
		wol_json_add_num(o, "lines", (double)f->lines);
	cJSON *arr = cJSON_CreateArray();
	for (size_t i = 0; arr && i < f->n; i++)
		cJSON_AddItemToArray(arr, wol_fitem_json(&f->items[i]));
	wol_json_add(o, "items", arr);
	wol_json_add(o, "warnings", wol_json_strv(f->warnings, f->nwarnings));
	return o;
}

cJSON *wol_fwrite_json(wol_circle *c, const wol_fwrite *w)
{
	cJSON *o = cJSON_CreateObject();
	wol_json_add_str(o, "circle", wol_circle_name(c));
	wol_json_add_str(o, "id", w->id);
	wol_json_add_str(o, "path", w->path);
	wol_json_add_str(o, "note_id", w->note_id);
	wol_json_add_str(o, "note", w->note);
	wol_json_add_str(o, "note_title", w->note_title);
	wol_json_add_str(o, "commit", w->commit);
	wol_json_add_bool(o, "has_remote", w->has_remote);
	wol_json_add_num(o, "ahead", (double)w->ahead);
	return o;
}
