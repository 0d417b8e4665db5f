/* json/journal.c - the trees of the journal: the entries (`wol journal
 * --list --json`, ctx:journal_list) and the streaks of active days (`wol
 * stats --json`, ctx:journal_stats) */
#include "json/json.h"

#include <stdio.h>

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
			wol_json_add_bool(o, "done", e->done);
		}
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

/* The streaks count active days (written or acted); `written`, `acted` and
 * `active` are the three counts of days up to today. */
cJSON *wol_activity_json(const wol_activity *a)
{
	const wol_journal_stats *s = &a->active;
	cJSON *o = cJSON_CreateObject();
	wol_json_add(o, "today", wol_json_date(a->today));
	wol_json_add_num(o, "current", s->current);
	wol_json_add_num(o, "longest", s->longest);
	wol_json_add_num(o, "week", s->week);
	wol_json_add_num(o, "month", s->month);
	wol_json_add_num(o, "active", s->total);
	wol_json_add_num(o, "written", a->written.total);
	wol_json_add_num(o, "acted", a->acted);
	wol_json_add_num(o, "total", a->written.total);
	wol_json_add_bool(o, "today_active", s->today_written);
	wol_json_add_bool(o, "today_written", a->written.today_written);
	wol_json_add_bool(o, "today_acted", a->today_acted);
	wol_json_add(o, "last", wol_json_date(s->last));
	wol_json_add(o, "last_written", wol_json_date(a->written.last));
	wol_json_add_num(o, "entries", (double)a->entries);
	return o;
}

/* The day's challenge marked done (`wol done --json`, ctx:journal_done). */
cJSON *wol_journal_done_json(const wol_journal_done *d, wol_date date)
{
	cJSON *o = cJSON_CreateObject();
	wol_json_add(o, "date", wol_json_date(date));
	wol_json_add_str(o, "path", d->path);
	wol_json_add_bool(o, "done", d->done);
	wol_json_add_str(o, "source", d->source);
	wol_json_add_str(o, "title", d->title);
	wol_json_add_bool(o, "already", d->already);
	wol_json_add_bool(o, "created", d->created);
	return o;
}

/* the private history: a commit (`wol journal commit --json`,
 * ctx:journal_commit), the versions of a file (`wol journal log --json`,
 * ctx:journal_history) and the state (`wol journal status --json`,
 * ctx:journal_state) */
cJSON *wol_journal_commit_json(const wol_journal_commit_result *r)
{
	cJSON *o = cJSON_CreateObject();
	wol_json_add_str(o, "commit", r->commit[0] ? r->commit : NULL);
	wol_json_add_bool(o, "created", r->created);
	wol_json_add_bool(o, "pending", r->pending);
	if (r->pending)
		wol_json_add_num(o, "due_in", (double)r->due_in);
	wol_json_add(o, "paths", wol_json_strv(r->paths, r->npaths));
	return o;
}

cJSON *wol_journal_versions_json(const wol_journal_versions *v)
{
	cJSON *arr = cJSON_CreateArray();
	for (size_t i = 0; arr && i < v->n; i++) {
		const wol_journal_version *e = &v->items[i];
		cJSON *o = cJSON_CreateObject();
		char rev[9];
		snprintf(rev, sizeof rev, "%.8s", e->commit);
		wol_json_add_str(o, "commit", e->commit);
		wol_json_add_str(o, "rev", rev);
		wol_json_add_str(o, "path", e->path);
		wol_json_add_str(o, "status", e->status);
		wol_json_add_str(o, "subject", e->subject);
		wol_json_add_num(o, "time", (double)e->time);
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

cJSON *wol_journal_state_json(const wol_journal_state *s)
{
	cJSON *o = cJSON_CreateObject();
	wol_json_add_bool(o, "exists", s->exists);
	wol_json_add_str(o, "head", s->head[0] ? s->head : NULL);
	wol_json_add_num(o, "commits", (double)s->commits);
	wol_json_add_bool(o, "pending", s->pending);
	if (s->pending)
		wol_json_add_num(o, "due_in", (double)s->due_in);
	wol_json_add_str(o, "remote", s->remote);
	wol_json_add_num(o, "ahead", (double)s->ahead);
	wol_json_add_num(o, "behind", (double)s->behind);
	wol_json_add_bool(o, "remote_known", s->remote_known);
	return o;
}
