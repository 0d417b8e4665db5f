/* lua/json.c - the one converter from a result tree (csrc/wol_json.h) to
 * Lua values, so the binding shows exactly what `wol X --json` prints.
 *
 *   object -> table with string keys; a null member is left out (nil)
 *   array  -> sequence 1..n (trees never put null in an array; should one,
 *             it becomes false so that the sequence keeps its length)
 *   string -> string, true/false -> boolean
 *   number -> number (a double, as every Lua 5.1 number: integers are
 *             exact up to 2^53) */
#include "lua_wol.h"

#define WOL_LUA_TREE "wol.tree"

/* The tree is held by a userdata while it is converted: a Lua error (out
 * of memory) on the way cannot leak it. */
typedef struct tree_ud {
	cJSON *tree;
} tree_ud;

static int l_tree_gc(lua_State *L)
{
	tree_ud *u = (tree_ud *)lua_touserdata(L, 1);
	if (u) {
		cJSON_Delete(u->tree);
		u->tree = NULL;
	}
	return 0;
}

/* The node's type, read from the struct (cJSON's type flags are public)
 * rather than through a call per test: a list of 500 people is some
 * 10,000 nodes, and the six cJSON_Is* calls of each were a fifth of the
 * conversion. */
#define TYPE_OF(j) ((j)->type & 0xFF)

static void push(lua_State *L, const cJSON *j, int depth)
{
	if (depth > 64)
		luaL_error(L, "wol: result tree too deep");
	switch (TYPE_OF(j)) {
	case cJSON_Object: {
		luaL_checkstack(L, 3, "result tree too deep");
		int n = 0;
		for (const cJSON *c = j->child; c; c = c->next)
			n += TYPE_OF(c) != cJSON_NULL;
		lua_createtable(L, 0, n);
		for (const cJSON *c = j->child; c; c = c->next) {
			if (TYPE_OF(c) == cJSON_NULL || !c->string)
				continue;
			push(L, c, depth + 1);
			lua_setfield(L, -2, c->string);
		}
		break;
	}
	case cJSON_Array: {
		luaL_checkstack(L, 3, "result tree too deep");
		int n = 0;
		for (const cJSON *c = j->child; c; c = c->next)
			n++;
		lua_createtable(L, n, 0);
		int i = 0;
		for (const cJSON *c = j->child; c; c = c->next) {
			if (TYPE_OF(c) == cJSON_NULL)
				lua_pushboolean(L, 0);
			else
				push(L, c, depth + 1);
			lua_rawseti(L, -2, ++i);
		}
		break;
	}
	case cJSON_String:
		lua_pushstring(L, j->valuestring);
		break;
	case cJSON_Number:
		lua_pushnumber(L, (lua_Number)j->valuedouble);
		break;
	case cJSON_True:
		lua_pushboolean(L, 1);
		break;
	case cJSON_False:
		lua_pushboolean(L, 0);
		break;
	default:
		lua_pushnil(L);
		break;
	}
}

void wol_lua_push_json(lua_State *L, const cJSON *tree)
{
	push(L, tree, 0);
}

void wol_lua_push_tree(lua_State *L, cJSON *tree)
{
	tree_ud *u = (tree_ud *)lua_newuserdata(L, sizeof *u);
	u->tree = tree;
	luaL_getmetatable(L, WOL_LUA_TREE);
	lua_setmetatable(L, -2);
	if (!tree)
		luaL_error(L, "wol: out of memory");
	push(L, tree, 0);
	cJSON_Delete(u->tree);
	u->tree = NULL;
	lua_remove(L, -2); /* the holder */
}

void wol_lua_open_json(lua_State *L, int module, int methods)
{
	(void)module;
	(void)methods;
	luaL_newmetatable(L, WOL_LUA_TREE);
	lua_pushcfunction(L, l_tree_gc);
	lua_setfield(L, -2, "__gc");
	lua_pop(L, 1);
}
