/* lua/status.c - binding of status.c:
 *   ctx:status([{circle=, limit=, refresh=, stale_days=}]) -> table (see doc/wol.txt)
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
	lua_getfield(L, idx, "stale_days");
	if (!lua_isnil(L, -1))
		o->stale_days = (int)luaL_checkinteger(L, -1);
	lua_pop(L, 1);
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
	cJSON *tree = wol_status_json(ctx, &s);
	wol_status_free(&s);
	wol_lua_push_tree(L, tree);
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
