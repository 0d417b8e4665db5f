/* lua/status.c - binding of status.c:
 *   ctx:status([{circle=, limit=, refresh=}]) -> table (see doc/wol.txt)
 *   ctx:status_agenda([{circle=}]) -> text, meeting date
 *   ctx:status_agenda_save(date, text) -> journal entry path */
#include "lua_wol.h"

#include <stdlib.h>
#include <string.h>

static void opts_of(lua_State *L, int idx, wol_status_opts *o)
{
	memset(o, 0, sizeof *o);
	if (lua_isnoneornil(L, idx))
		return;
	luaL_checktype(L, idx, LUA_TTABLE);
	o->circle = wol_lua_optfield(L, idx, "circle");
	lua_getfield(L, idx, "limit");
	if (!lua_isnil(L, -1))
		o->limit = (int)luaL_checkinteger(L, -1);
	lua_pop(L, 1);
	lua_getfield(L, idx, "refresh");
	o->norefresh = !lua_isnil(L, -1) && !lua_toboolean(L, -1);
	lua_pop(L, 1);
}

static void setdate(lua_State *L, const char *key, wol_date d)
{
	if (!d.y)
		return;
	wol_lua_push_date(L, d);
	lua_setfield(L, -2, key);
}

static void push_items(lua_State *L, const wol_status_item *v, size_t n)
{
	lua_createtable(L, (int)n, 0);
	for (size_t i = 0; i < n; i++) {
		const wol_status_item *it = &v[i];
		lua_createtable(L, 0, 7);
		wol_lua_setstr(L, "kind", it->kind);
		wol_lua_setbool(L, "updated", it->updated);
		wol_lua_setstr(L, "author", it->author);
		wol_lua_setstr(L, "title", it->title);
		wol_lua_setstr(L, "path", it->path);
		wol_lua_setstr(L, "qid", it->qid);
		wol_lua_setstr(L, "date", it->date);
		lua_rawseti(L, -2, (int)i + 1);
	}
}

static void push_status(lua_State *L, const wol_status *s, const char *path)
{
	lua_createtable(L, 0, 32);
	wol_lua_setstr(L, "circle", s->circle);
	wol_lua_setstr(L, "name", s->name);
	wol_lua_setstr(L, "handle", s->handle);
	wol_lua_setstr(L, "path", path);
	setdate(L, "today", s->today);
	wol_lua_setstr(L, "phase", s->phase);
	wol_lua_setint(L, "week", s->week);
	wol_lua_setint(L, "weeks", s->weeks);
	setdate(L, "started", s->started);
	if (s->meets >= 0)
		wol_lua_setstr(L, "meets", wol_weekday_name(s->meets));
	setdate(L, "next_meeting", s->next_meeting);
	setdate(L, "since", s->since);
	wol_lua_setbool(L, "since_meeting", s->since_meeting);
	wol_lua_setstr(L, "remote", s->remote);
	wol_lua_setstr(L, "branch", s->branch);
	wol_lua_setint(L, "ahead", (lua_Integer)s->ahead);
	lua_pushnumber(L, (lua_Number)s->last_sync);
	lua_setfield(L, -2, "last_sync");
	wol_lua_setint(L, "streak", s->streak);
	wol_lua_setint(L, "longest", s->longest);
	wol_lua_setint(L, "journal_week", s->journal_week);
	wol_lua_setint(L, "items_total", s->items_total);
	wol_lua_setint(L, "open_total", s->open_total);
	wol_lua_setstr(L, "notice", s->notice);

	lua_createtable(L, (int)s->nmembers, 0);
	for (size_t i = 0; i < s->nmembers; i++) {
		const wol_status_member *m = &s->members[i];
		lua_createtable(L, 0, 7);
		wol_lua_setstr(L, "handle", m->handle);
		wol_lua_setstr(L, "name", m->name);
		wol_lua_setstr(L, "goal", m->goal);
		wol_lua_setint(L, "notes", m->notes);
		wol_lua_setint(L, "answers", m->answers);
		if (m->last[0])
			wol_lua_setstr(L, "last", m->last);
		wol_lua_setbool(L, "me", m->me);
		lua_rawseti(L, -2, (int)i + 1);
	}
	lua_setfield(L, -2, "members");

	push_items(L, s->items, s->nitems);
	lua_setfield(L, -2, "items");
	push_items(L, s->feedback, s->nfeedback);
	lua_setfield(L, -2, "feedback");
	wol_lua_setint(L, "feedback_in", s->feedback_in);
	wol_lua_setint(L, "feedback_out", s->feedback_out);

	lua_createtable(L, (int)s->nopen, 0);
	for (size_t i = 0; i < s->nopen; i++) {
		const wol_status_question *q = &s->open[i];
		lua_createtable(L, 0, 8);
		wol_lua_setstr(L, "qid", q->qid);
		wol_lua_setstr(L, "title", q->title);
		wol_lua_setstr(L, "author", q->author);
		wol_lua_setstr(L, "path", q->path);
		wol_lua_setstr(L, "date", q->date);
		wol_lua_setint(L, "answers", q->answers);
		wol_lua_setint(L, "age", q->age);
		wol_lua_setbool(L, "mine", q->mine);
		lua_rawseti(L, -2, (int)i + 1);
	}
	lua_setfield(L, -2, "open");

	lua_createtable(L, 0, 3);
	setdate(L, "start", s->grid_start);
	wol_lua_setint(L, "today", s->grid_today + 1);
	lua_createtable(L, WOL_STATUS_DAYS, 0);
	for (int i = 0; i < WOL_STATUS_DAYS; i++) {
		lua_createtable(L, 0, 5);
		setdate(L, "date", wol_date_add(s->grid_start, i));
		wol_lua_setbool(L, "journal", s->journal[i]);
		wol_lua_setint(L, "mine", s->mine[i]);
		wol_lua_setint(L, "all", s->everyone[i]);
		wol_lua_setint(L, "level", wol_status_level(s, i));
		lua_rawseti(L, -2, i + 1);
	}
	lua_setfield(L, -2, "days");
	lua_setfield(L, -2, "grid");

	lua_createtable(L, (int)s->nwarnings, 0);
	for (size_t i = 0; i < s->nwarnings; i++) {
		lua_pushstring(L, s->warnings[i]);
		lua_rawseti(L, -2, (int)i + 1);
	}
	lua_setfield(L, -2, "warnings");
}

/* The status into *s, or fills err. */
static int get(lua_State *L, wol_ctx *ctx, wol_status *s, wol_error *err)
{
	wol_status_opts o;
	opts_of(L, 2, &o);
	wol_index *ix = wol_lua_index(L, 1, ctx, err);
	lua_pop(L, 1); /* the holder stays referenced by the cache */
	if (!ix)
		return -1;
	return wol_status_get(ctx, ix, &o, s, err);
}

static int l_status(lua_State *L)
{
	wol_ctx *ctx = wol_lua_checkctx(L, 1);
	wol_error err = {0};
	wol_status s;
	if (get(L, ctx, &s, &err) != 0)
		return wol_lua_fail(L, &err);
	char *path = wol_ctx_circle_path(ctx, s.circle);
	push_status(L, &s, path);
	free(path);
	wol_status_free(&s);
	return 1;
}

static int l_status_agenda(lua_State *L)
{
	wol_ctx *ctx = wol_lua_checkctx(L, 1);
	wol_error err = {0};
	wol_status s;
	if (get(L, ctx, &s, &err) != 0)
		return wol_lua_fail(L, &err);
	char *text = NULL;
	int rc = wol_status_agenda(ctx, &s, &text, &err);
	wol_date meeting = s.next_meeting.y ? s.next_meeting : s.today;
	wol_status_free(&s);
	if (rc)
		return wol_lua_fail(L, &err);
	lua_pushstring(L, text);
	free(text);
	wol_lua_push_date(L, meeting);
	return 2;
}

static int l_status_agenda_save(lua_State *L)
{
	wol_ctx *ctx = wol_lua_checkctx(L, 1);
	size_t len;
	luaL_checkstring(L, 2);
	const char *text = luaL_checklstring(L, 3, &len);
	wol_error err = {0};
	wol_date d;
	if (wol_lua_optdate(L, 2, ctx, &d, &err) != 0)
		return wol_lua_fail(L, &err);
	char *path = NULL;
	if (wol_status_agenda_save(ctx, d, text, len, &path, &err) != 0)
		return wol_lua_fail(L, &err);
	lua_pushstring(L, path);
	free(path);
	return 1;
}

static const luaL_Reg methods_fns[] = {{"status", l_status},
                                       {"status_agenda", l_status_agenda},
                                       {"status_agenda_save", l_status_agenda_save},
                                       {NULL, NULL}};

void wol_lua_open_status(lua_State *L, int module, int methods)
{
	(void)module;
	wol_lua_setfuncs(L, methods, methods_fns);
}
