/* lua/circle.c - binding of circle.c, note.c and share.c
 *
 *   ctx:circle_init(name, {remote=, started=, meets=, weeks=, goal=}) -> true
 *   ctx:circle_join(url [, name [, progress(stage, done, total) [, goal]]]) -> name
 *   ctx:circle_open([name]) -> circle       (a "wol.circle" handle)
 *   circle:close() / name() / path() / handle() / info() / ahead()
 *   circle:members() / notes([handle]) / note_new(title) -> relpath
 *   circle:share{file=, content=, title=, message=, note=, lang=, line1=,
 *                line2=, force=, max_size=, lock_timeout=, fsync=} -> result
 *   core.share_check(content [, max_size [, force]]) -> true
 *   core.path_check(rel) -> true;  core.id(handle) -> id
 * Runtime failures return nil, "wol: ..."; wrong argument types raise. */
#include "lua_wol.h"

#include <stdlib.h>
#include <string.h>

#define WOL_LUA_CIRCLE "wol.circle"

typedef struct circle_ud {
	wol_circle *c; /* NULL once closed */
} circle_ud;

static wol_circle *check_circle(lua_State *L, int idx)
{
	circle_ud *u = (circle_ud *)luaL_checkudata(L, idx, WOL_LUA_CIRCLE);
	if (!u->c)
		luaL_argerror(L, idx, "circle is closed");
	return u->c;
}

static int opt_int_field(lua_State *L, int idx, const char *key, int def)
{
	lua_getfield(L, idx, key);
	int v = def;
	if (!lua_isnil(L, -1)) {
		if (lua_type(L, -1) != LUA_TNUMBER)
			luaL_error(L, "bad field '%s' (number expected, got %s)", key, luaL_typename(L, -1));
		v = (int)lua_tointeger(L, -1);
	}
	lua_pop(L, 1);
	return v;
}

static int opt_bool_field(lua_State *L, int idx, const char *key)
{
	lua_getfield(L, idx, key);
	int v = lua_toboolean(L, -1);
	lua_pop(L, 1);
	return v;
}

/* ------------------------------------------------------- ctx methods */

static int l_circle_init(lua_State *L)
{
	wol_ctx *ctx = wol_lua_checkctx(L, 1);
	const char *name = luaL_checkstring(L, 2);
	wol_circle_init_opts o = {0};
	if (!lua_isnoneornil(L, 3)) {
		luaL_checktype(L, 3, LUA_TTABLE);
		o.remote = wol_lua_optfield(L, 3, "remote");
		o.started = wol_lua_optfield(L, 3, "started");
		o.meets = wol_lua_optfield(L, 3, "meets");
		o.goal = wol_lua_optfield(L, 3, "goal");
		o.weeks = opt_int_field(L, 3, "weeks", 0);
	}
	wol_error err;
	if (wol_circle_init(ctx, name, &o, &err) != 0)
		return wol_lua_fail(L, &err);
	lua_pushboolean(L, 1);
	return 1;
}

typedef struct join_cb {
	lua_State *L;
	int fn;       /* stack index of the progress function, 0: none */
	int failed;   /* the callback raised: its error is on the stack */
} join_cb;

static int join_progress(const char *stage, size_t done, size_t total, void *payload)
{
	join_cb *j = payload;
	if (!j->fn || j->failed)
		return j->failed;
	lua_State *L = j->L;
	lua_pushvalue(L, j->fn);
	lua_pushstring(L, stage);
	lua_pushnumber(L, (lua_Number)done);
	lua_pushnumber(L, (lua_Number)total);
	/* never let a Lua error unwind through libgit2: catch it, cancel,
	 * raise it after the clone has cleaned up */
	if (lua_pcall(L, 3, 1, 0) != 0) {
		j->failed = 1;
		return 1;
	}
	/* returning false cancels */
	int stop = lua_type(L, -1) == LUA_TBOOLEAN && !lua_toboolean(L, -1);
	lua_pop(L, 1);
	return stop;
}

static int l_circle_join(lua_State *L)
{
	wol_ctx *ctx = wol_lua_checkctx(L, 1);
	const char *url = luaL_checkstring(L, 2);
	const char *name = luaL_optstring(L, 3, NULL);
	join_cb j = {L, 0, 0};
	if (!lua_isnoneornil(L, 4)) {
		luaL_checktype(L, 4, LUA_TFUNCTION);
		j.fn = 4;
	}
	const char *goal = luaL_optstring(L, 5, NULL);
	lua_settop(L, 5);
	char *out = NULL;
	wol_error err;
	int rc = wol_circle_join(ctx, url, name, goal, j.fn ? join_progress : NULL, &j, &out, &err);
	if (j.failed)
		return lua_error(L); /* the callback's error is on top */
	if (rc != 0)
		return wol_lua_fail(L, &err);
	lua_pushstring(L, out);
	free(out);
	return 1;
}

static int l_circle_open(lua_State *L)
{
	wol_ctx *ctx = wol_lua_checkctx(L, 1);
	const char *name = luaL_optstring(L, 2, NULL);
	/* userdata first, resource second */
	circle_ud *u = (circle_ud *)lua_newuserdata(L, sizeof *u);
	u->c = NULL;
	luaL_getmetatable(L, WOL_LUA_CIRCLE);
	lua_setmetatable(L, -2);
	/* the handle keeps its context: wol_lua_circle_index finds its index */
	lua_createtable(L, 1, 0);
	lua_pushvalue(L, 1);
	lua_rawseti(L, -2, 1);
	lua_setfenv(L, -2);
	wol_error err;
	if (wol_circle_open(ctx, name, &u->c, &err) != 0)
		return wol_lua_fail(L, &err);
	return 1;
}

wol_index *wol_lua_circle_index(lua_State *L, int idx, wol_error *err)
{
	luaL_checkudata(L, idx, WOL_LUA_CIRCLE);
	lua_getfenv(L, idx);
	lua_rawgeti(L, -1, 1);
	lua_remove(L, -2);
	wol_ctx *ctx = wol_lua_toctx(L, -1);
	if (!ctx) {
		wol_error_set(err, WOL_EINVAL, "circle: its context is closed");
		return NULL; /* leaves one value (the closed context) */
	}
	wol_index *ix = wol_lua_index(L, -1, ctx, err);
	lua_remove(L, -2); /* the context */
	return ix;
}

/* ---------------------------------------------------- circle methods */

static int l_close(lua_State *L)
{
	circle_ud *u = (circle_ud *)luaL_checkudata(L, 1, WOL_LUA_CIRCLE);
	if (u->c) {
		wol_circle_close(u->c);
		u->c = NULL;
	}
	return 0;
}

static int l_tostring(lua_State *L)
{
	circle_ud *u = (circle_ud *)luaL_checkudata(L, 1, WOL_LUA_CIRCLE);
	if (u->c)
		lua_pushfstring(L, "wol.circle (%s)", wol_circle_name(u->c));
	else
		lua_pushliteral(L, "wol.circle (closed)");
	return 1;
}

static int l_is_open(lua_State *L)
{
	circle_ud *u = (circle_ud *)luaL_checkudata(L, 1, WOL_LUA_CIRCLE);
	lua_pushboolean(L, u->c != NULL);
	return 1;
}

static int l_name(lua_State *L)
{
	lua_pushstring(L, wol_circle_name(check_circle(L, 1)));
	return 1;
}

static int l_path(lua_State *L)
{
	lua_pushstring(L, wol_circle_path(check_circle(L, 1)));
	return 1;
}

static int l_handle(lua_State *L)
{
	lua_pushstring(L, wol_circle_handle(check_circle(L, 1)));
	return 1;
}

static int l_info(lua_State *L)
{
	wol_circle *c = check_circle(L, 1);
	wol_circle_info info;
	wol_error err;
	if (wol_circle_info_get(c, &info, &err) != 0)
		return wol_lua_fail(L, &err);
	cJSON *tree = wol_circle_info_json(c, &info);
	wol_circle_info_free(&info);
	wol_lua_push_tree(L, tree);
	return 1;
}

static int l_ahead(lua_State *L)
{
	size_t n;
	wol_error err;
	if (wol_circle_ahead(check_circle(L, 1), &n, &err) != 0)
		return wol_lua_fail(L, &err);
	lua_pushinteger(L, (lua_Integer)n);
	return 1;
}

static int l_members(lua_State *L)
{
	wol_member *m;
	size_t n;
	wol_error err;
	if (wol_circle_members(check_circle(L, 1), &m, &n, &err) != 0)
		return wol_lua_fail(L, &err);
	cJSON *tree = wol_members_json(m, n);
	wol_members_free(m, n);
	wol_lua_push_tree(L, tree);
	return 1;
}

static int l_notes(lua_State *L)
{
	wol_circle *c = check_circle(L, 1);
	const char *handle = luaL_optstring(L, 2, NULL);
	wol_note *v;
	size_t n;
	wol_error err;
	if (wol_note_list(c, handle, &v, &n, &err) != 0)
		return wol_lua_fail(L, &err);
	cJSON *tree = wol_notes_json(c, v, n);
	wol_notes_free(v, n);
	wol_lua_push_tree(L, tree);
	return 1;
}

static int l_note_new(lua_State *L)
{
	wol_circle *c = check_circle(L, 1);
	const char *title = luaL_checkstring(L, 2);
	char *rel;
	wol_error err;
	if (wol_note_new(c, title, &rel, &err) != 0)
		return wol_lua_fail(L, &err);
	lua_pushstring(L, rel);
	lua_pushfstring(L, "%s/%s", wol_circle_path(c), rel);
	free(rel);
	return 2;
}

static int l_share(lua_State *L)
{
	wol_circle *c = check_circle(L, 1);
	luaL_checktype(L, 2, LUA_TTABLE);
	wol_share_opts o;
	memset(&o, 0, sizeof o);
	o.file = wol_lua_optfield(L, 2, "file");
	lua_getfield(L, 2, "content");
	if (!lua_isnil(L, -1)) {
		if (lua_type(L, -1) != LUA_TSTRING)
			return luaL_error(L, "bad field 'content' (string expected, got %s)",
			                  luaL_typename(L, -1));
		o.content = lua_tolstring(L, -1, &o.len);
	}
	lua_pop(L, 1); /* still referenced by the table */
	o.title = wol_lua_optfield(L, 2, "title");
	o.message = wol_lua_optfield(L, 2, "message");
	o.note = wol_lua_optfield(L, 2, "note");
	o.lang = wol_lua_optfield(L, 2, "lang");
	o.line1 = opt_int_field(L, 2, "line1", 0);
	o.line2 = opt_int_field(L, 2, "line2", 0);
	o.force = opt_bool_field(L, 2, "force");
	o.max_size = (size_t)opt_int_field(L, 2, "max_size", 0);
	o.lock_timeout_ms = opt_int_field(L, 2, "lock_timeout", 0);
	o.fsync = wol_lua_optfield(L, 2, "fsync");
	wol_share_result r;
	wol_error err;
	if (wol_share_note(c, &o, &r, &err) != 0)
		return wol_lua_fail(L, &err);
	cJSON *tree = wol_share_result_json(c, &r);
	wol_share_result_free(&r);
	wol_lua_push_tree(L, tree);
	return 1;
}

/* ------------------------------------------------------------ module */

static int l_share_check(lua_State *L)
{
	size_t len;
	const char *s = luaL_checklstring(L, 1, &len);
	size_t max = (size_t)luaL_optinteger(L, 2, 0);
	int force = lua_toboolean(L, 3);
	wol_error err;
	if (wol_share_check(s, len, max, force, &err) != 0)
		return wol_lua_fail(L, &err);
	lua_pushboolean(L, 1);
	return 1;
}

static int l_path_check(lua_State *L)
{
	wol_error err;
	if (wol_path_check(luaL_checkstring(L, 1), &err) != 0)
		return wol_lua_fail(L, &err);
	lua_pushboolean(L, 1);
	return 1;
}

static int l_id(lua_State *L)
{
	const char *handle = luaL_checkstring(L, 1);
	wol_error err;
	if (wol_name_check(handle, "handle", &err) != 0)
		return wol_lua_fail(L, &err);
	char buf[WOL_ID_MAX];
	if (wol_id_new(handle, buf, sizeof buf, &err) != 0)
		return wol_lua_fail(L, &err);
	lua_pushstring(L, buf);
	return 1;
}

static const luaL_Reg circle_methods[] = {
	{"close", l_close},       {"is_open", l_is_open}, {"name", l_name},
	{"path", l_path},         {"handle", l_handle},   {"info", l_info},
	{"ahead", l_ahead},       {"members", l_members}, {"notes", l_notes},
	{"note_new", l_note_new}, {"share", l_share},     {NULL, NULL}};

static const luaL_Reg ctx_fns[] = {{"circle_init", l_circle_init},
                                   {"circle_join", l_circle_join},
                                   {"circle_open", l_circle_open},
                                   {NULL, NULL}};

static const luaL_Reg module_fns[] = {
	{"share_check", l_share_check}, {"path_check", l_path_check}, {"id", l_id}, {NULL, NULL}};

void wol_lua_open_circle(lua_State *L, int module, int methods)
{
	wol_lua_setfuncs(L, methods, ctx_fns);
	wol_lua_setfuncs(L, module, module_fns);
	luaL_newmetatable(L, WOL_LUA_CIRCLE);
	lua_newtable(L);
	wol_lua_setfuncs(L, -1, circle_methods);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, l_close);
	lua_setfield(L, -2, "__gc");
	lua_pushcfunction(L, l_tostring);
	lua_setfield(L, -2, "__tostring");
	lua_pop(L, 1);
}

wol_circle *wol_lua_checkcircle(lua_State *L, int idx)
{
	return check_circle(L, idx);
}

void wol_lua_circle_methods(lua_State *L, const luaL_Reg *fns)
{
	luaL_getmetatable(L, WOL_LUA_CIRCLE);
	if (lua_istable(L, -1)) {
		lua_getfield(L, -1, "__index");
		if (lua_istable(L, -1))
			wol_lua_setfuncs(L, lua_gettop(L), fns);
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
}
