/* lua/core.c - luaopen_wol_core: the module table, the context userdata and
 * the shared binding helpers. No domain logic lives here. */
#include "lua_wol.h"

#include <stdlib.h>
#include <string.h>

typedef struct ctx_ud {
	wol_ctx *ctx; /* NULL once closed */
} ctx_ud;

int wol_lua_fail(lua_State *L, const wol_error *e)
{
	lua_pushnil(L);
	lua_pushstring(L, e->msg[0] ? e->msg : "wol: unknown error");
	lua_pushstring(L, wol_error_name(e->code));
	return 3;
}

wol_ctx *wol_lua_toctx(lua_State *L, int idx)
{
	ctx_ud *u = (ctx_ud *)lua_touserdata(L, idx);
	if (!u || !lua_getmetatable(L, idx))
		return NULL;
	luaL_getmetatable(L, WOL_LUA_CTX);
	int same = lua_rawequal(L, -1, -2);
	lua_pop(L, 2);
	return same ? u->ctx : NULL;
}

wol_ctx *wol_lua_checkctx(lua_State *L, int idx)
{
	ctx_ud *u = (ctx_ud *)luaL_checkudata(L, idx, WOL_LUA_CTX);
	if (!u->ctx)
		luaL_argerror(L, idx, "context is closed");
	return u->ctx;
}

const char *wol_lua_optfield(lua_State *L, int idx, const char *key)
{
	lua_getfield(L, idx, key);
	const char *s = NULL;
	if (!lua_isnil(L, -1)) {
		if (lua_type(L, -1) != LUA_TSTRING)
			luaL_error(L, "bad field '%s' (string expected, got %s)", key,
			           luaL_typename(L, -1));
		s = lua_tostring(L, -1);
	}
	lua_pop(L, 1); /* the string stays alive: it is referenced by the table */
	return s;
}

int wol_lua_optbool(lua_State *L, int idx, const char *key)
{
	lua_getfield(L, idx, key);
	int b = lua_toboolean(L, -1);
	lua_pop(L, 1);
	return b;
}

void wol_lua_setfuncs(lua_State *L, int idx, const luaL_Reg *fns)
{
	for (; fns->name; fns++) {
		lua_pushcfunction(L, fns->func);
		lua_setfield(L, idx < 0 ? idx - 1 : idx, fns->name);
	}
}

void wol_lua_setstr(lua_State *L, const char *key, const char *val)
{
	if (!val)
		return;
	lua_pushstring(L, val);
	lua_setfield(L, -2, key);
}

void wol_lua_setint(lua_State *L, const char *key, lua_Integer val)
{
	lua_pushinteger(L, val);
	lua_setfield(L, -2, key);
}

void wol_lua_setbool(lua_State *L, const char *key, int val)
{
	lua_pushboolean(L, val);
	lua_setfield(L, -2, key);
}

void wol_lua_push_date(lua_State *L, wol_date d)
{
	char buf[11];
	wol_date_format(d, buf);
	lua_pushstring(L, buf);
}

int wol_lua_optdate(lua_State *L, int idx, wol_ctx *ctx, wol_date *out, wol_error *err)
{
	const char *s = luaL_optstring(L, idx, NULL);
	return wol_date_parse(s, wol_ctx_today(ctx), out, err);
}

void wol_lua_push_yaml(lua_State *L, const wol_yaml *y)
{
	if (!y) {
		lua_pushnil(L);
		return;
	}
	luaL_checkstack(L, 4, "yaml too deep");
	switch (y->kind) {
	case WOL_YAML_SCALAR:
		lua_pushstring(L, y->value);
		return;
	case WOL_YAML_SEQ:
		lua_createtable(L, (int)y->n, 0);
		for (size_t i = 0; i < y->n; i++) {
			wol_lua_push_yaml(L, y->items[i]);
			lua_rawseti(L, -2, (int)i + 1);
		}
		return;
	case WOL_YAML_MAP:
		lua_createtable(L, 0, (int)y->n);
		for (size_t i = 0; i < y->n; i++) {
			wol_lua_push_yaml(L, y->items[i]);
			lua_setfield(L, -2, y->keys[i]);
		}
		return;
	}
}

/* ----------------------------------------------------------- the context */

static int l_open(lua_State *L)
{
	wol_ctx_opts opts = {0};
	if (!lua_isnoneornil(L, 1)) {
		luaL_checktype(L, 1, LUA_TTABLE);
		opts.home = wol_lua_optfield(L, 1, "home");
		opts.circle = wol_lua_optfield(L, 1, "circle");
		opts.today = wol_lua_optfield(L, 1, "today");
	}
	/* userdata first, resource second: an error cannot leak the context */
	ctx_ud *u = (ctx_ud *)lua_newuserdata(L, sizeof *u);
	u->ctx = NULL;
	luaL_getmetatable(L, WOL_LUA_CTX);
	lua_setmetatable(L, -2);
	wol_error err;
	if (wol_ctx_open(&u->ctx, &opts, &err) != 0)
		return wol_lua_fail(L, &err);
	return 1;
}

static int l_ctx_close(lua_State *L)
{
	ctx_ud *u = (ctx_ud *)luaL_checkudata(L, 1, WOL_LUA_CTX);
	if (u->ctx) {
		wol_ctx_free(u->ctx);
		u->ctx = NULL;
	}
	return 0;
}

static int l_ctx_tostring(lua_State *L)
{
	ctx_ud *u = (ctx_ud *)luaL_checkudata(L, 1, WOL_LUA_CTX);
	if (u->ctx)
		lua_pushfstring(L, "wol.ctx (%s)", wol_ctx_home(u->ctx));
	else
		lua_pushliteral(L, "wol.ctx (closed)");
	return 1;
}

static int l_ctx_home(lua_State *L)
{
	lua_pushstring(L, wol_ctx_home(wol_lua_checkctx(L, 1)));
	return 1;
}

static int l_ctx_today(lua_State *L)
{
	wol_lua_push_date(L, wol_ctx_today(wol_lua_checkctx(L, 1)));
	return 1;
}

static int l_ctx_identity(lua_State *L)
{
	const wol_identity *id = wol_ctx_identity(wol_lua_checkctx(L, 1));
	wol_lua_push_tree(L, wol_identity_json(id));
	return 1;
}

static int l_ctx_circles(lua_State *L)
{
	wol_ctx *ctx = wol_lua_checkctx(L, 1);
	char **names;
	size_t n;
	wol_error err;
	if (wol_ctx_circles(ctx, &names, &n, &err) != 0)
		return wol_lua_fail(L, &err);
	lua_createtable(L, (int)n, 0);
	for (size_t i = 0; i < n; i++) {
		lua_pushstring(L, names[i]);
		lua_rawseti(L, -2, (int)i + 1);
	}
	wol_strv_free(names, n);
	return 1;
}

static int l_ctx_circle(lua_State *L)
{
	wol_ctx *ctx = wol_lua_checkctx(L, 1);
	const char *name = luaL_optstring(L, 2, NULL);
	const char *out;
	wol_error err;
	if (wol_ctx_circle(ctx, name, &out, &err) != 0)
		return wol_lua_fail(L, &err);
	lua_pushstring(L, out);
	char *path = wol_ctx_circle_path(ctx, out);
	lua_pushstring(L, path);
	free(path);
	return 2;
}

static int l_ctx_config(lua_State *L)
{
	wol_ctx *ctx = wol_lua_checkctx(L, 1);
	char *v = wol_ctx_config(ctx, luaL_checkstring(L, 2));
	if (!v)
		return 0;
	lua_pushstring(L, v);
	free(v);
	return 1;
}

static int l_ctx_current(lua_State *L)
{
	lua_pushboolean(L, wol_ctx_current(wol_lua_checkctx(L, 1)));
	return 1;
}

static const luaL_Reg ctx_methods[] = {
	{"close", l_ctx_close},       {"home", l_ctx_home},       {"today", l_ctx_today},
	{"identity", l_ctx_identity}, {"circles", l_ctx_circles}, {"circle", l_ctx_circle},
	{"config", l_ctx_config},     {"current", l_ctx_current}, {NULL, NULL}};

/* ------------------------------------------------------------ the module */

static int l_version(lua_State *L)
{
	lua_pushstring(L, wol_version());
	return 1;
}

static int l_libs(lua_State *L)
{
	wol_libinfo li;
	wol_version_libs(&li);
	wol_lua_push_tree(L, wol_libinfo_json(&li));
	return 1;
}

/* One wol_init per Lua state, undone when the state closes (the count is
 * kept by libgit2 itself, which is thread-safe). */
static int l_libgit2_gc(lua_State *L)
{
	(void)L;
	wol_shutdown();
	return 0;
}

static const luaL_Reg module_fns[] = {
	{"open", l_open}, {"version", l_version}, {"libs", l_libs}, {NULL, NULL}};

WOL_LUA_EXPORT int luaopen_wol_core(lua_State *L);

int luaopen_wol_core(lua_State *L)
{
	wol_error err;
	if (wol_init(&err) != 0)
		return luaL_error(L, "%s", err.msg);
	lua_newuserdata(L, 1);
	lua_createtable(L, 0, 1);
	lua_pushcfunction(L, l_libgit2_gc);
	lua_setfield(L, -2, "__gc");
	lua_setmetatable(L, -2);
	lua_setfield(L, LUA_REGISTRYINDEX, "wol.core.libgit2");

	lua_newtable(L); /* module */
	int module = lua_gettop(L);
	wol_lua_setfuncs(L, module, module_fns);
	lua_pushstring(L, WOL_VERSION);
	lua_setfield(L, module, "VERSION");
	lua_pushinteger(L, WOL_FORMAT_VERSION);
	lua_setfield(L, module, "FORMAT");

	luaL_newmetatable(L, WOL_LUA_CTX);
	int meta = lua_gettop(L);
	lua_newtable(L);
	int methods = lua_gettop(L);
	wol_lua_setfuncs(L, methods, ctx_methods);

	wol_lua_open_json(L, module, methods); /* first: the others push trees */
	wol_lua_open_date(L, module, methods);
	wol_lua_open_doc(L, module, methods);
	wol_lua_open_doctor(L, module, methods);
	wol_lua_open_sync(L, module, methods);
	wol_lua_open_circle(L, module, methods);
	wol_lua_open_journal(L, module, methods);
	wol_lua_open_layout(L, module, methods);
	wol_lua_open_prompt(L, module, methods);
	wol_lua_open_question(L, module, methods); /* after circle: extends its handle */
	wol_lua_open_feedback(L, module, methods); /* after circle: extends its handle */
	wol_lua_open_index(L, module, methods);
	wol_lua_open_status(L, module, methods);
	wol_lua_open_review(L, module, methods);
	wol_lua_open_people(L, module, methods); /* after circle: extends its handle */

	lua_setfield(L, meta, "__index"); /* pops methods */
	lua_pushcfunction(L, l_ctx_close);
	lua_setfield(L, meta, "__gc");
	lua_pushcfunction(L, l_ctx_tostring);
	lua_setfield(L, meta, "__tostring");
	lua_pop(L, 1); /* metatable */
	return 1;
}
