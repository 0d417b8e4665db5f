/* lua/index.c - binding of index.c: search, refresh, rebuild, stats */
#include "lua_wol.h"

#include <string.h>

#define WOL_LUA_INDEX "wol.index"

/* The index is opened per call and held by a userdata, so that a Lua error
 * (out of memory while building a result) cannot leak it. */
typedef struct index_ud {
	wol_index *ix;
} index_ud;

/* The index holder at idx, or NULL when it is something else. */
static void *index_testudata(lua_State *L, int idx)
{
	void *p = lua_touserdata(L, idx);
	if (!p || !lua_getmetatable(L, idx))
		return NULL;
	luaL_getmetatable(L, WOL_LUA_INDEX);
	int same = lua_rawequal(L, -1, -2);
	lua_pop(L, 2);
	return same ? p : NULL;
}

static int l_index_gc(lua_State *L)
{
	index_ud *u = (index_ud *)luaL_checkudata(L, 1, WOL_LUA_INDEX);
	wol_index_close(u->ix);
	u->ix = NULL;
	return 0;
}

#define WOL_LUA_INDEX_CACHE "wol.index.cache"

/* Pushes the index of the context at stack index idx, opening it on first use.
 * It stays open for the context's life (a weak-keyed registry table maps
 * the context userdata to its index), so searches and the dashboard do not
 * pay for opening the database and its schema each time. Always pushes one
 * value (the holder); returns NULL after filling err. */
wol_index *wol_lua_index(lua_State *L, int idx, wol_ctx *ctx, wol_error *err)
{
	if (idx < 0)
		idx = lua_gettop(L) + idx + 1;
	lua_getfield(L, LUA_REGISTRYINDEX, WOL_LUA_INDEX_CACHE);
	lua_pushvalue(L, idx);
	lua_rawget(L, -2);
	index_ud *u = (index_ud *)index_testudata(L, -1);
	if (u && u->ix) {
		lua_remove(L, -2); /* the cache */
		return u->ix;
	}
	lua_pop(L, 1);
	u = (index_ud *)lua_newuserdata(L, sizeof *u);
	u->ix = NULL;
	luaL_getmetatable(L, WOL_LUA_INDEX);
	lua_setmetatable(L, -2);
	lua_pushvalue(L, idx);
	lua_pushvalue(L, -2);
	lua_rawset(L, -4); /* cache[ctx] = holder */
	lua_remove(L, -2); /* the cache */
	if (wol_index_open(ctx, &u->ix, err) != 0)
		return NULL;
	return u->ix;
}

static int opt_refresh(lua_State *L, int idx)
{
	if (lua_isnoneornil(L, idx))
		return 1;
	luaL_checktype(L, idx, LUA_TTABLE);
	lua_getfield(L, idx, "refresh");
	int r = lua_isnil(L, -1) ? 1 : lua_toboolean(L, -1);
	lua_pop(L, 1);
	return r;
}

static int do_refresh(lua_State *L, int rebuild)
{
	wol_ctx *ctx = wol_lua_checkctx(L, 1);
	const char *circle = NULL;
	const char **paths = NULL;
	size_t npaths = 0;
	int targeted = 0;
	if (!rebuild && !lua_isnoneornil(L, 2)) {
		luaL_checktype(L, 2, LUA_TTABLE);
		circle = wol_lua_optfield(L, 2, "circle");
		lua_getfield(L, 2, "paths");
		if (!lua_isnil(L, -1)) {
			luaL_argcheck(L, lua_istable(L, -1), 2, "paths must be a list of strings");
			targeted = 1;
			npaths = lua_objlen(L, -1);
			/* the strings stay referenced by the table at index 2 */
			paths = lua_newuserdata(L, (npaths ? npaths : 1) * sizeof *paths);
			for (size_t i = 0; i < npaths; i++) {
				lua_rawgeti(L, -2, (int)i + 1);
				luaL_argcheck(L, lua_type(L, -1) == LUA_TSTRING, 2, "paths must be a list of strings");
				paths[i] = lua_tostring(L, -1);
				lua_pop(L, 1);
			}
		}
	}
	wol_error err;
	wol_index *ix = wol_lua_index(L, 1, ctx, &err);
	if (!ix)
		return wol_lua_fail(L, &err);
	wol_index_report rep;
	int rc = rebuild    ? wol_index_rebuild(ix, &rep, &err)
	         : circle   ? wol_index_refresh_circle(ix, circle, &rep, &err)
	         : targeted ? wol_index_refresh_paths(ix, paths, npaths, &rep, &err)
	                    : wol_index_refresh(ix, &rep, &err);
	if (rc) {
		wol_index_report_free(&rep);
		return wol_lua_fail(L, &err);
	}
	cJSON *tree = wol_index_report_json(&rep);
	wol_index_report_free(&rep);
	wol_lua_push_tree(L, tree);
	return 1;
}

/* ctx:index_refresh([{circle = name} | {paths = {...}}])
 *   -> {stat=, read=, added=, updated=, removed=, docs=, trees=, ms=, notice=}
 * circle: after a sync, only what changed between the recorded and current
 * HEAD; paths: only these files; neither: everything (stat walk). */
static int l_index_refresh(lua_State *L)
{
	return do_refresh(L, 0);
}

/* ctx:index_rebuild() -> the same report */
static int l_index_rebuild(lua_State *L)
{
	return do_refresh(L, 1);
}

/* ctx:search(query [, {limit = n, refresh = bool}]) -> hits, notice | nil, msg */
static int l_search(lua_State *L)
{
	wol_ctx *ctx = wol_lua_checkctx(L, 1);
	const char *query = luaL_checkstring(L, 2);
	wol_search_opts opts = {0, 0};
	if (!lua_isnoneornil(L, 3)) {
		luaL_checktype(L, 3, LUA_TTABLE);
		lua_getfield(L, 3, "limit");
		if (!lua_isnil(L, -1)) {
			luaL_argcheck(L, lua_type(L, -1) == LUA_TNUMBER && lua_tointeger(L, -1) > 0, 3,
			              "limit must be a positive number");
			opts.limit = (int)lua_tointeger(L, -1);
		}
		lua_pop(L, 1);
		opts.norefresh = !opt_refresh(L, 3);
	}
	wol_error err;
	wol_index *ix = wol_lua_index(L, 1, ctx, &err);
	if (!ix)
		return wol_lua_fail(L, &err);
	wol_search_result res;
	int rc = wol_index_search(ix, query, &opts, &res, &err);
	if (rc) {
		wol_search_result_free(&res);
		return wol_lua_fail(L, &err);
	}
	cJSON *tree = wol_search_hits_json(&res);
	if (!tree) {
		wol_search_result_free(&res);
		return luaL_error(L, "wol: out of memory");
	}
	wol_lua_push_tree(L, tree);
	int nret = 1;
	if (res.notice) {
		lua_pushstring(L, res.notice);
		nret = 2;
	}
	wol_search_result_free(&res);
	return nret;
}

/* ctx:index_stats([{refresh = bool}]) -> {docs=, notes=, ..., members = {...}, weeks = {...}},
 * notice (from the refresh before, or nothing) */
static int l_index_stats(lua_State *L)
{
	wol_ctx *ctx = wol_lua_checkctx(L, 1);
	int refresh = opt_refresh(L, 2);
	wol_error err;
	wol_index *ix = wol_lua_index(L, 1, ctx, &err);
	if (!ix)
		return wol_lua_fail(L, &err);
	wol_index_report rep;
	memset(&rep, 0, sizeof rep);
	int rc = refresh ? wol_index_refresh(ix, &rep, &err) : 0;
	wol_index_figures f;
	if (rc == 0)
		rc = wol_index_stats(ix, &f, &err);
	if (rc) {
		wol_index_report_free(&rep);
		return wol_lua_fail(L, &err);
	}
	cJSON *tree = wol_index_figures_json(&f);
	wol_index_figures_free(&f);
	if (!tree) {
		wol_index_report_free(&rep);
		return luaL_error(L, "wol: out of memory");
	}
	wol_lua_push_tree(L, tree);
	int nret = 1;
	if (rep.notice) {
		lua_pushstring(L, rep.notice);
		nret = 2;
	}
	wol_index_report_free(&rep);
	return nret;
}

/* ctx:index_build_pending() -> true when the next full refresh is a long
 * one (a new index, a circle never indexed): run it in the background */
static int l_index_build_pending(lua_State *L)
{
	wol_ctx *ctx = wol_lua_checkctx(L, 1);
	wol_error err;
	wol_index *ix = wol_lua_index(L, 1, ctx, &err);
	if (!ix)
		return wol_lua_fail(L, &err);
	int pending = 0;
	if (wol_index_build_pending(ix, &pending, &err) != 0)
		return wol_lua_fail(L, &err);
	lua_pushboolean(L, pending);
	return 1;
}

static const luaL_Reg methods_fns[] = {{"search", l_search},
                                       {"index_build_pending", l_index_build_pending},
                                       {"index_refresh", l_index_refresh},
                                       {"index_rebuild", l_index_rebuild},
                                       {"index_stats", l_index_stats},
                                       {NULL, NULL}};

void wol_lua_open_index(lua_State *L, int module, int methods)
{
	(void)module;
	luaL_newmetatable(L, WOL_LUA_INDEX);
	lua_pushcfunction(L, l_index_gc);
	lua_setfield(L, -2, "__gc");
	lua_pop(L, 1);
	lua_newtable(L); /* cache: context userdata -> index holder, weak keys */
	lua_createtable(L, 0, 1);
	lua_pushliteral(L, "k");
	lua_setfield(L, -2, "__mode");
	lua_setmetatable(L, -2);
	lua_setfield(L, LUA_REGISTRYINDEX, WOL_LUA_INDEX_CACHE);
	wol_lua_setfuncs(L, methods, methods_fns);
}
