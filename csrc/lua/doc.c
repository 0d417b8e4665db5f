/* lua/doc.c - binding of doc.c (front matter documents) */
#include "lua_wol.h"

#include <stdlib.h>

/* core.parse_doc(text [, name]) -> {meta = {...}, body = "...", body_line = n} | nil, msg */
static int l_parse_doc(lua_State *L)
{
	size_t len;
	const char *text = luaL_checklstring(L, 1, &len);
	const char *name = luaL_optstring(L, 2, NULL);
	wol_doc doc;
	wol_error err;
	if (wol_doc_parse(text, len, name, &doc, &err) != 0)
		return wol_lua_fail(L, &err);
	lua_createtable(L, 0, 3);
	wol_lua_push_yaml(L, doc.meta);
	lua_setfield(L, -2, "meta");
	wol_lua_setstr(L, "body", doc.body);
	wol_lua_setint(L, "body_line", doc.body_line);
	wol_doc_free(&doc);
	return 1;
}

static int to_yaml(lua_State *L, int idx, int depth, wol_yaml **out);

static int to_yaml(lua_State *L, int idx, int depth, wol_yaml **out)
{
	if (depth > WOL_YAML_MAX_DEPTH)
		return luaL_error(L, "render_doc: table nested too deeply");
	idx = idx < 0 ? lua_gettop(L) + idx + 1 : idx;
	switch (lua_type(L, idx)) {
	case LUA_TSTRING:
	case LUA_TNUMBER:
		*out = wol_yaml_new(WOL_YAML_SCALAR, lua_tostring(L, idx));
		return 0;
	case LUA_TBOOLEAN:
		*out = wol_yaml_new(WOL_YAML_SCALAR, lua_toboolean(L, idx) ? "true" : "false");
		return 0;
	case LUA_TTABLE: {
		size_t n = lua_objlen(L, idx);
		wol_yaml *y = wol_yaml_new(n > 0 ? WOL_YAML_SEQ : WOL_YAML_MAP, NULL);
		if (!y)
			return luaL_error(L, "out of memory");
		if (n > 0) {
			for (size_t i = 1; i <= n; i++) {
				lua_rawgeti(L, idx, (int)i);
				wol_yaml *c = NULL;
				to_yaml(L, -1, depth + 1, &c);
				lua_pop(L, 1);
				wol_yaml_push(y, c);
			}
		} else {
			/* keys sorted would be nicer, but keep insertion-independent
			 * output stable: collect then sort */
			lua_pushnil(L);
			while (lua_next(L, idx)) {
				if (lua_type(L, -2) != LUA_TSTRING) {
					wol_yaml_free(y);
					return luaL_error(L, "render_doc: meta keys must be strings");
				}
				wol_yaml *c = NULL;
				to_yaml(L, -1, depth + 1, &c);
				wol_yaml_set(y, lua_tostring(L, -2), c);
				lua_pop(L, 1);
			}
		}
		*out = y;
		return 0;
	}
	default:
		return luaL_error(L, "render_doc: cannot write a %s", luaL_typename(L, idx));
	}
}

/* core.render_doc(meta, body) -> text | nil, msg */
static int l_render_doc(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	const char *body = luaL_optstring(L, 2, "");
	wol_doc doc = {0};
	to_yaml(L, 1, 0, &doc.meta);
	if (doc.meta && doc.meta->kind != WOL_YAML_MAP) {
		wol_yaml_free(doc.meta);
		return luaL_argerror(L, 1, "meta must be a table of key = value");
	}
	doc.body = (char *)body;
	char *out;
	size_t len;
	wol_error err;
	int rc = wol_doc_render(&doc, &out, &len, &err);
	wol_yaml_free(doc.meta);
	if (rc)
		return wol_lua_fail(L, &err);
	lua_pushlstring(L, out, len);
	free(out);
	return 1;
}

static const luaL_Reg module_fns[] = {
	{"parse_doc", l_parse_doc}, {"render_doc", l_render_doc}, {NULL, NULL}};

void wol_lua_open_doc(lua_State *L, int module, int methods)
{
	(void)methods;
	wol_lua_setfuncs(L, module, module_fns);
}
