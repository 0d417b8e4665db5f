/* json/journal.c - the trees of the journal: the entries (`wol journal
 * --list --json`, ctx:journal_list) and the streaks (`wol stats --json`,
 * ctx:journal_stats) */
#include "json/json.h"

cJSON *wol_journal_entries_json(const wol_journal_entries *l)
{
	cJSON *arr = cJSON_CreateArray();
	for (size_t i = 0; arr && i < l->n; i++) {
		const wol_journal_entry *e = &l->items[i];
		cJSON *o = cJSON_CreateObject();
		wol_json_add(o, "date", wol_json_date(e->date));
		wol_json_add_str(o, "path", e->path);
		if (e->title) { /* the entry was read */
			wol_json_add_str(o, "title", e->title);
			wol_json_add_num(o, "size", (double)e->size);
			wol_json_add_bool(o, "written", e->written);
		}
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

cJSON *wol_journal_stats_json(const wol_journal_stats *s, size_t entries)
{
	cJSON *o = cJSON_CreateObject();
	wol_json_add(o, "today", wol_json_date(s->today));
	wol_json_add_num(o, "current", s->current);
	wol_json_add_num(o, "longest", s->longest);
	wol_json_add_num(o, "week", s->week);
	wol_json_add_num(o, "month", s->month);
	wol_json_add_num(o, "total", s->total);
	wol_json_add_bool(o, "today_written", s->today_written);
	wol_json_add(o, "last", wol_json_date(s->last));
	wol_json_add_num(o, "entries", (double)entries);
	return o;
}
