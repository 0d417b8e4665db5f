/* lua/review.c - binding of review/:
 *   ctx:review([{week=, circle=, fresh=, refresh=}]) -> table (see doc/wol.txt)
 *   ctx:review_save(week, text) -> path
 *   ctx:review_offer([date]) -> line or nil
 *   ctx:export({out=, format=, all=, include={...}, from=, to=, circle=})
 *     -> {out=, index=, format=, members={}, pages=, notes=, ...} */
#include "lua_wol.h"
#include "wol_json.h"

#include <stdlib.h>
#include <string.h>

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
	cJSON *tree = wol_review_json(&r);
	wol_review_free(&r);
	wol_lua_push_tree(L, tree);
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

static int l_ctx_export(lua_State *L)
{
	wol_ctx *ctx = wol_lua_checkctx(L, 1);
	luaL_checktype(L, 2, LUA_TTABLE);
	wol_export_opts o;
	memset(&o, 0, sizeof o);
	o.out = wol_lua_optfield(L, 2, "out");
	o.format = wol_lua_optfield(L, 2, "format");
	o.circle = wol_lua_optfield(L, 2, "circle");
	o.from = wol_lua_optfield(L, 2, "from");
	o.to = wol_lua_optfield(L, 2, "to");
	o.all = wol_lua_optbool(L, 2, "all");
	const char *inc[64];
	lua_getfield(L, 2, "include");
	if (lua_istable(L, -1)) {
		for (int i = 1; i <= 64; i++) {
			lua_rawgeti(L, -1, i);
			const char *h = lua_tostring(L, -1);
			lua_pop(L, 1);
			if (!h)
				break;
			inc[o.ninclude++] = h; /* kept alive by the table on the stack */
		}
	}
	o.include = o.ninclude ? inc : NULL;
	if (!o.out || !*o.out) {
		lua_pop(L, 1);
		return luaL_argerror(L, 2, "out: the directory to export into");
	}
	wol_export_result r;
	wol_error err;
	int rc = wol_export_run(ctx, &o, &r, &err);
	lua_pop(L, 1); /* include */
	if (rc != 0)
		return wol_lua_fail(L, &err);
	cJSON *tree = wol_export_result_json(&r);
	wol_export_result_free(&r);
	wol_lua_push_tree(L, tree);
	return 1;
}

static const luaL_Reg methods_fns[] = {{"review", l_ctx_review},
                                       {"export", l_ctx_export},
                                       {"review_save", l_ctx_review_save},
                                       {"review_offer", l_ctx_review_offer},
                                       {NULL, NULL}};

void wol_lua_open_review(lua_State *L, int module, int methods)
{
	(void)module;
	wol_lua_setfuncs(L, methods, methods_fns);
}
