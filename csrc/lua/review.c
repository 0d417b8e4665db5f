/* lua/review.c - binding of review/:
 *   ctx:review([{week=, circle=, fresh=, refresh=}]) -> table (see doc/wol.txt)
 *   ctx:review_save(week, text) -> path
 *   ctx:review_offer([date]) -> line or nil */
#include "lua_wol.h"

#include <stdlib.h>
#include <string.h>

static void push_strv(lua_State *L, const char *key, char **v, size_t n)
{
	lua_createtable(L, (int)n, 0);
	for (size_t i = 0; i < n; i++) {
		lua_pushstring(L, v[i]);
		lua_rawseti(L, -2, (int)i + 1);
	}
	lua_setfield(L, -2, key);
}

static int l_ctx_review(lua_State *L)
{
	wol_ctx *ctx = wol_lua_checkctx(L, 1);
	wol_review_opts o;
	memset(&o, 0, sizeof o);
	if (!lua_isnoneornil(L, 2)) {
		luaL_checktype(L, 2, LUA_TTABLE);
		o.week = wol_lua_optfield(L, 2, "week");
		o.circle = wol_lua_optfield(L, 2, "circle");
		o.fresh = wol_lua_optbool(L, 2, "fresh");
		lua_getfield(L, 2, "refresh");
		o.norefresh = !lua_isnil(L, -1) && !lua_toboolean(L, -1);
		lua_pop(L, 1);
	}
	wol_error err;
	wol_index *ix = wol_lua_index(L, 1, ctx, &err);
	if (!ix)
		return wol_lua_fail(L, &err);
	lua_pop(L, 1);
	wol_review r;
	if (wol_review_get(ctx, ix, &o, &r, &err) != 0)
		return wol_lua_fail(L, &err);
	lua_createtable(L, 0, 24);
	wol_lua_setstr(L, "week", r.week);
	wol_lua_push_date(L, r.from);
	lua_setfield(L, -2, "from");
	wol_lua_push_date(L, r.to);
	lua_setfield(L, -2, "to");
	wol_lua_setstr(L, "circle", r.circle);
	wol_lua_setstr(L, "path", r.path);
	wol_lua_setbool(L, "saved", r.saved);
	lua_createtable(L, 7, 0);
	for (int i = 0; i < 7; i++) {
		lua_pushboolean(L, r.written[i]);
		lua_rawseti(L, -2, i + 1);
	}
	lua_setfield(L, -2, "written");
	lua_createtable(L, 0, 7);
	wol_lua_setint(L, "days", r.days);
	wol_lua_setint(L, "shares", r.shares);
	wol_lua_setint(L, "asked", r.asked);
	wol_lua_setint(L, "answered", r.answered);
	wol_lua_setint(L, "resolved", r.resolved);
	wol_lua_setint(L, "contributions", r.contributions);
	wol_lua_setint(L, "challenges", r.challenges);
	lua_setfield(L, -2, "counts");
	lua_createtable(L, (int)r.nacts, 0);
	for (size_t i = 0; i < r.nacts; i++) {
		const wol_review_act *a = &r.acts[i];
		lua_createtable(L, 0, 6);
		wol_lua_setstr(L, "kind", a->kind);
		wol_lua_setstr(L, "date", a->date);
		wol_lua_setstr(L, "title", a->title);
		wol_lua_setstr(L, "path", a->path);
		wol_lua_setstr(L, "detail", a->detail);
		wol_lua_setint(L, "count", a->count);
		lua_rawseti(L, -2, (int)i + 1);
	}
	lua_setfield(L, -2, "acts");
	wol_lua_setstr(L, "goal", r.goal);
	wol_lua_setstr(L, "goal_before", r.goal_before);
	wol_lua_setbool(L, "goal_changed", r.goal_changed);
	push_strv(L, "reflect", r.reflect, r.nreflect);
	push_strv(L, "warnings", r.warnings, r.nwarnings);
	wol_lua_setstr(L, "text", r.text);
	wol_review_free(&r);
	return 1;
}

static int l_ctx_review_save(lua_State *L)
{
	wol_ctx *ctx = wol_lua_checkctx(L, 1);
	const char *week = luaL_checkstring(L, 2);
	size_t len;
	const char *text = luaL_checklstring(L, 3, &len);
	char *path = NULL;
	wol_error err;
	if (wol_review_save(ctx, week, text, len, &path, &err) != 0)
		return wol_lua_fail(L, &err);
	lua_pushstring(L, path);
	free(path);
	return 1;
}

static int l_ctx_review_offer(lua_State *L)
{
	wol_ctx *ctx = wol_lua_checkctx(L, 1);
	wol_date d;
	wol_error err;
	if (wol_lua_optdate(L, 2, ctx, &d, &err) != 0)
		return wol_lua_fail(L, &err);
	char *line = NULL;
	if (wol_review_offer(ctx, d, &line, &err) != 0)
		return wol_lua_fail(L, &err);
	if (line)
		lua_pushstring(L, line);
	else
		lua_pushnil(L);
	free(line);
	return 1;
}

static const luaL_Reg methods_fns[] = {{"review", l_ctx_review},
                                       {"review_save", l_ctx_review_save},
                                       {"review_offer", l_ctx_review_offer},
                                       {NULL, NULL}};

void wol_lua_open_review(lua_State *L, int module, int methods)
{
	(void)module;
	wol_lua_setfuncs(L, methods, methods_fns);
}
