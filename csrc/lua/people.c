/* lua/people.c - binding of csrc/people/: the relationship list,
 * contributions and the goal. Results are the trees of wol_json.h, so
 * they are what `wol people|give|goal --json` print.
 *
 *   ctx:people([{sort=, stale_days=}]) -> { people = {...}, sort, stale_days, week, stale, warnings }
 *   ctx:person(ref) -> person with .contributions
 *   ctx:person_find(ref) -> slug
 *   ctx:person_add{name=, relation=, closeness=, handle=, circles={}, tags={}} -> person
 *   ctx:person_rm(ref) -> path it was moved to
 *   ctx:give(ref, what [, {date=, time=}]) -> given
 *   ctx:people_pick([date]) -> name | nil (nobody on the list)
 *   circle:goal([handle]) / circle:goal_set(text) / circle:goal_history([handle])
 *   circle:goal_revisions({handle, ...}) -> { [handle] = revisions }
 *   core.people_sorts() -> { "stale", ... };  core.person_name_check(name) -> true
 *   core.goal_check(text) -> normalised text, note|nil
 * Runtime failures return nil, "wol: ..."; wrong argument types raise. */
#include "lua_wol.h"
#include "wol_json.h"

#include <stdlib.h>
#include <string.h>

/* A tree becomes Lua values (lua/json.c, the one converter); it is freed. */
static int push_tree(lua_State *L, cJSON *tree)
{
	wol_lua_push_tree(L, tree);
	return 1;
}

/* An optional list of strings at field `key` of the table at idx, as a
 * vector pointing into the Lua strings. The vector stays on the stack
 * (one value pushed, or none when the field is nil); the strings live as
 * long as the argument table. */
static const char **opt_strings(lua_State *L, int idx, const char *key, size_t *n)
{
	*n = 0;
	lua_getfield(L, idx, key);
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		return NULL;
	}
	if (!lua_istable(L, -1))
		luaL_error(L, "bad field '%s' (table expected, got %s)", key, luaL_typename(L, -1));
	size_t len = lua_objlen(L, -1);
	const char **v = lua_newuserdata(L, (len ? len : 1) * sizeof *v);
	lua_insert(L, -2); /* the vector below the list */
	for (size_t i = 0; i < len; i++) {
		lua_rawgeti(L, -1, (int)i + 1);
		if (lua_type(L, -1) != LUA_TSTRING)
			luaL_error(L, "bad field '%s' (strings expected)", key);
		v[i] = lua_tostring(L, -1);
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	*n = len;
	return v;
}

/* ------------------------------------------------------------- people */

static int l_people(lua_State *L)
{
	wol_ctx *ctx = wol_lua_checkctx(L, 1);
	wol_people_opts o = {0};
	if (!lua_isnoneornil(L, 2)) {
		luaL_checktype(L, 2, LUA_TTABLE);
		o.sort = wol_lua_optfield(L, 2, "sort");
		lua_getfield(L, 2, "stale_days");
		o.stale_days = (int)luaL_optinteger(L, -1, 0);
		lua_pop(L, 1);
	}
	wol_error err, ierr;
	/* answers to members' questions count through the cached index; without
	 * an index only the files count */
	o.ix = wol_lua_index(L, 1, ctx, &ierr);
	lua_pop(L, 1); /* the holder stays referenced by the cache */
	wol_people l;
	if (wol_people_list(ctx, &o, &l, &err) != 0)
		return wol_lua_fail(L, &err);
	cJSON *tree = wol_people_json(&l);
	wol_people_free(&l);
	return push_tree(L, tree);
}

static int l_person(lua_State *L)
{
	wol_ctx *ctx = wol_lua_checkctx(L, 1);
	const char *ref = luaL_checkstring(L, 2);
	wol_people_opts o = {0};
	wol_error err, ierr;
	o.ix = wol_lua_index(L, 1, ctx, &ierr);
	lua_pop(L, 1);
	wol_person p;
	if (wol_people_get(ctx, ref, &o, &p, &err) != 0)
		return wol_lua_fail(L, &err);
	cJSON *tree = wol_person_json(&p);
	wol_person_free(&p);
	return push_tree(L, tree);
}

static int l_person_find(lua_State *L)
{
	wol_ctx *ctx = wol_lua_checkctx(L, 1);
	const char *ref = luaL_checkstring(L, 2);
	char *slug = NULL;
	wol_error err;
	if (wol_people_find(ctx, ref, &slug, &err) != 0)
		return wol_lua_fail(L, &err);
	lua_pushstring(L, slug);
	free(slug);
	return 1;
}

static int l_person_add(lua_State *L)
{
	wol_ctx *ctx = wol_lua_checkctx(L, 1);
	luaL_checktype(L, 2, LUA_TTABLE);
	wol_person_new p = {0};
	p.name = wol_lua_optfield(L, 2, "name");
	p.relation = wol_lua_optfield(L, 2, "relation");
	p.handle = wol_lua_optfield(L, 2, "handle");
	lua_getfield(L, 2, "closeness");
	p.closeness = lua_isnil(L, -1) ? -1 : (int)luaL_checkinteger(L, -1);
	lua_pop(L, 1);
	p.circles = opt_strings(L, 2, "circles", &p.ncircles);
	p.tags = opt_strings(L, 2, "tags", &p.ntags);
	char *slug = NULL;
	wol_error err;
	if (wol_people_add(ctx, &p, &slug, &err) != 0)
		return wol_lua_fail(L, &err);
	wol_person person;
	int rc = wol_people_get(ctx, slug, NULL, &person, &err);
	free(slug);
	if (rc)
		return wol_lua_fail(L, &err);
	cJSON *tree = wol_person_json(&person);
	wol_person_free(&person);
	return push_tree(L, tree);
}

static int l_person_rm(lua_State *L)
{
	wol_ctx *ctx = wol_lua_checkctx(L, 1);
	const char *ref = luaL_checkstring(L, 2);
	char *moved = NULL;
	wol_error err;
	if (wol_people_rm(ctx, ref, &moved, &err) != 0)
		return wol_lua_fail(L, &err);
	lua_pushstring(L, moved);
	free(moved);
	return 1;
}

static int l_give(lua_State *L)
{
	wol_ctx *ctx = wol_lua_checkctx(L, 1);
	const char *ref = luaL_checkstring(L, 2);
	const char *what = luaL_checkstring(L, 3);
	wol_give_opts o = {0};
	if (!lua_isnoneornil(L, 4)) {
		luaL_checktype(L, 4, LUA_TTABLE);
		o.date = wol_lua_optfield(L, 4, "date");
		o.time = wol_lua_optfield(L, 4, "time");
	}
	wol_given g;
	wol_error err;
	if (wol_people_give(ctx, ref, what, &o, &g, &err) != 0)
		return wol_lua_fail(L, &err);
	cJSON *tree = wol_given_json(&g);
	wol_given_free(&g);
	return push_tree(L, tree);
}

static int l_people_pick(lua_State *L)
{
	wol_ctx *ctx = wol_lua_checkctx(L, 1);
	wol_date date;
	wol_error err;
	if (wol_lua_optdate(L, 2, ctx, &date, &err) != 0)
		return wol_lua_fail(L, &err);
	char *name = NULL;
	if (wol_people_pick(ctx, date, &name, &err) != 0)
		return wol_lua_fail(L, &err);
	if (!name) {
		lua_pushnil(L);
		return 1;
	}
	lua_pushstring(L, name);
	free(name);
	return 1;
}

static int l_people_sorts(lua_State *L)
{
	lua_newtable(L);
	int i = 0;
	for (const char *const *s = wol_people_sorts(); *s; s++) {
		lua_pushstring(L, *s);
		lua_rawseti(L, -2, ++i);
	}
	return 1;
}

static int l_person_name_check(lua_State *L)
{
	wol_error err;
	if (wol_people_check_name(luaL_checkstring(L, 1), &err) != 0)
		return wol_lua_fail(L, &err);
	lua_pushboolean(L, 1);
	return 1;
}

/* --------------------------------------------------------------- goal */

static int l_goal(lua_State *L)
{
	wol_circle *c = wol_lua_checkcircle(L, 1);
	const char *handle = luaL_optstring(L, 2, NULL);
	wol_goal g;
	wol_error err;
	if (wol_goal_get(c, handle, &g, &err) != 0)
		return wol_lua_fail(L, &err);
	cJSON *tree = wol_goal_json(&g, 0);
	wol_goal_free(&g);
	return push_tree(L, tree);
}

static int l_goal_set(lua_State *L)
{
	wol_circle *c = wol_lua_checkcircle(L, 1);
	const char *text = luaL_checkstring(L, 2);
	wol_goal g;
	wol_error err;
	if (wol_goal_set(c, text, &g, &err) != 0)
		return wol_lua_fail(L, &err);
	cJSON *tree = wol_goal_json(&g, 1);
	wol_goal_free(&g);
	return push_tree(L, tree);
}

static int l_goal_history(lua_State *L)
{
	wol_circle *c = wol_lua_checkcircle(L, 1);
	const char *handle = luaL_optstring(L, 2, NULL);
	wol_goal_history h;
	wol_error err;
	if (wol_goal_history_get(c, handle, &h, &err) != 0)
		return wol_lua_fail(L, &err);
	cJSON *tree = wol_goal_history_json(&h);
	wol_goal_history_free(&h);
	return push_tree(L, tree);
}

static int l_goal_revisions(lua_State *L)
{
	wol_circle *c = wol_lua_checkcircle(L, 1);
	luaL_checktype(L, 2, LUA_TTABLE);
	size_t n = lua_objlen(L, 2);
	const char **handles = lua_newuserdata(L, (n ? n : 1) * sizeof *handles);
	long *counts = lua_newuserdata(L, (n ? n : 1) * sizeof *counts);
	for (size_t i = 0; i < n; i++) {
		lua_rawgeti(L, 2, (int)i + 1);
		if (lua_type(L, -1) != LUA_TSTRING)
			return luaL_argerror(L, 2, "handles expected");
		handles[i] = lua_tostring(L, -1); /* alive: the table holds it */
		lua_pop(L, 1);
	}
	wol_error err;
	if (wol_goal_revisions(c, handles, n, counts, &err) != 0)
		return wol_lua_fail(L, &err);
	lua_createtable(L, 0, (int)n);
	for (size_t i = 0; i < n; i++) {
		lua_pushinteger(L, counts[i]);
		lua_setfield(L, -2, handles[i]);
	}
	return 1;
}

static int l_goal_check(lua_State *L)
{
	char *text = NULL, *note = NULL;
	wol_error err;
	if (wol_goal_check(luaL_checkstring(L, 1), &text, &note, &err) != 0)
		return wol_lua_fail(L, &err);
	lua_pushstring(L, text);
	if (note)
		lua_pushstring(L, note);
	else
		lua_pushnil(L);
	free(text);
	free(note);
	return 2;
}

static const luaL_Reg ctx_fns[] = {{"people", l_people},
                                   {"person", l_person},
                                   {"person_find", l_person_find},
                                   {"person_add", l_person_add},
                                   {"person_rm", l_person_rm},
                                   {"give", l_give},
                                   {"people_pick", l_people_pick},
                                   {NULL, NULL}};

static const luaL_Reg circle_fns[] = {{"goal", l_goal},
                                      {"goal_set", l_goal_set},
                                      {"goal_history", l_goal_history},
                                      {"goal_revisions", l_goal_revisions},
                                      {NULL, NULL}};

static const luaL_Reg module_fns[] = {{"people_sorts", l_people_sorts},
                                      {"person_name_check", l_person_name_check},
                                      {"goal_check", l_goal_check},
                                      {NULL, NULL}};

void wol_lua_open_people(lua_State *L, int module, int methods)
{
	wol_lua_setfuncs(L, module, module_fns);
	wol_lua_setfuncs(L, methods, ctx_fns);
	wol_lua_circle_methods(L, circle_fns);
}
