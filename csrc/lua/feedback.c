/* lua/feedback.c - binding of csrc/feedback/: methods of the circle handle
 *
 *   circle:feedback([{note=, text=, mine=, on=, by=, check=}])
 *       -> { note_id=, note=, note_title=, note_author=, lines=, items = {...}, warnings = {...} }
 *     (note: a path or id, with text= the buffer's text; without note,
 *     every note's feedback, newest first; mine=true: on my notes)
 *   circle:comment{note=, kind=, reaction=, text=, line1=, line2=, reply_to=, force=} -> written
 *   circle:feedback_addressed(ref [, text [, force]]) -> written
 *   core.feedback_reactions() -> { 'thanks', '+1', 'idea', 'question' }
 * Runtime failures return nil, "wol: ..."; wrong argument types raise. */
#include "lua_wol.h"

#include <stdlib.h>
#include <string.h>

#include "feedback/json.h"

#define WOL_LUA_CIRCLE "wol.circle"

static wol_circle *check_circle(lua_State *L, int idx)
{
	wol_circle **u = (wol_circle **)luaL_checkudata(L, idx, WOL_LUA_CIRCLE);
	if (!*u)
		luaL_argerror(L, idx, "circle is closed");
	return *u;
}

/* (until the binding's one converter of result trees is here) */
#define WOL_LUA_FTREE "wol.feedback.tree"

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

static void push(lua_State *L, const cJSON *j)
{
	luaL_checkstack(L, 3, "result tree too deep");
	if (cJSON_IsObject(j)) {
		lua_newtable(L);
		for (const cJSON *c = j->child; c; c = c->next) {
			if (cJSON_IsNull(c) || !c->string)
				continue;
			push(L, c);
			lua_setfield(L, -2, c->string);
		}
	} else if (cJSON_IsArray(j)) {
		lua_createtable(L, cJSON_GetArraySize(j), 0);
		int i = 0;
		for (const cJSON *c = j->child; c; c = c->next) {
			push(L, c);
			lua_rawseti(L, -2, ++i);
		}
	} else if (cJSON_IsString(j)) {
		lua_pushstring(L, j->valuestring);
	} else if (cJSON_IsNumber(j)) {
		lua_pushnumber(L, (lua_Number)j->valuedouble);
	} else if (cJSON_IsBool(j)) {
		lua_pushboolean(L, cJSON_IsTrue(j));
	} else {
		lua_pushboolean(L, 0);
	}
}

static void push_tree(lua_State *L, cJSON *tree)
{
	tree_ud *u = (tree_ud *)lua_newuserdata(L, sizeof *u);
	u->tree = tree;
	luaL_getmetatable(L, WOL_LUA_FTREE);
	lua_setmetatable(L, -2);
	if (!tree)
		luaL_error(L, "wol: out of memory");
	push(L, tree);
	cJSON_Delete(u->tree);
	u->tree = NULL;
	lua_remove(L, -2);
}

static int l_feedback(lua_State *L)
{
	wol_circle *c = check_circle(L, 1);
	wol_feedback_opts o = {0};
	if (!lua_isnoneornil(L, 2)) {
		luaL_checktype(L, 2, LUA_TTABLE);
		o.note = wol_lua_optfield(L, 2, "note");
		o.on = wol_lua_optfield(L, 2, "on");
		o.by = wol_lua_optfield(L, 2, "by");
		if (wol_lua_optbool(L, 2, "mine"))
			o.on = wol_circle_handle(c);
		o.check_authors = wol_lua_optbool(L, 2, "check");
		lua_getfield(L, 2, "text");
		if (!lua_isnil(L, -1)) {
			if (lua_type(L, -1) != LUA_TSTRING)
				return luaL_error(L, "bad field 'text' (string expected, got %s)",
				                  luaL_typename(L, -1));
			o.text = lua_tolstring(L, -1, &o.len);
		}
		lua_pop(L, 1); /* the table keeps the string alive */
		if (o.text && !o.note)
			return luaL_argerror(L, 2, "text= needs note=");
	}
	wol_feedback f;
	wol_error err;
	if (wol_feedback_get(c, &o, &f, &err) != 0)
		return wol_lua_fail(L, &err);
	cJSON *tree = wol_feedback_json(&f);
	wol_feedback_free(&f);
	push_tree(L, tree);
	return 1;
}

static long optline(lua_State *L, int idx, const char *key)
{
	lua_getfield(L, idx, key);
	long v = 0;
	if (!lua_isnil(L, -1)) {
		if (lua_type(L, -1) != LUA_TNUMBER)
			luaL_error(L, "bad field '%s' (number expected, got %s)", key, luaL_typename(L, -1));
		v = (long)lua_tonumber(L, -1);
	}
	lua_pop(L, 1);
	return v;
}

static int l_comment(lua_State *L)
{
	wol_circle *c = check_circle(L, 1);
	luaL_checktype(L, 2, LUA_TTABLE);
	wol_comment_opts o = {0};
	o.note = wol_lua_optfield(L, 2, "note");
	o.kind = wol_lua_optfield(L, 2, "kind");
	o.reaction = wol_lua_optfield(L, 2, "reaction");
	o.text = wol_lua_optfield(L, 2, "text");
	o.reply_to = wol_lua_optfield(L, 2, "reply_to");
	o.line1 = optline(L, 2, "line1");
	o.line2 = optline(L, 2, "line2");
	if (o.line1 > 0 && o.line2 == 0)
		o.line2 = o.line1;
	o.force = wol_lua_optbool(L, 2, "force");
	wol_fwrite w;
	wol_error err;
	if (wol_feedback_add(c, &o, &w, &err) != 0)
		return wol_lua_fail(L, &err);
	cJSON *tree = wol_fwrite_json(c, &w);
	wol_fwrite_free(&w);
	push_tree(L, tree);
	return 1;
}

static int l_addressed(lua_State *L)
{
	wol_circle *c = check_circle(L, 1);
	const char *ref = luaL_checkstring(L, 2);
	const char *text = luaL_optstring(L, 3, NULL);
	int force = lua_toboolean(L, 4);
	wol_fwrite w;
	wol_error err;
	if (wol_feedback_addressed(c, ref, text, force, &w, &err) != 0)
		return wol_lua_fail(L, &err);
	cJSON *tree = wol_fwrite_json(c, &w);
	wol_fwrite_free(&w);
	push_tree(L, tree);
	return 1;
}

static int l_reactions(lua_State *L)
{
	const char *const *r = wol_feedback_reactions();
	lua_newtable(L);
	for (int i = 0; r[i]; i++) {
		lua_pushstring(L, r[i]);
		lua_rawseti(L, -2, i + 1);
	}
	return 1;
}

static const luaL_Reg circle_methods[] = {{"feedback", l_feedback},
                                          {"comment", l_comment},
                                          {"feedback_addressed", l_addressed},
                                          {NULL, NULL}};

static const luaL_Reg module_fns[] = {{"feedback_reactions", l_reactions}, {NULL, NULL}};

void wol_lua_open_feedback(lua_State *L, int module, int methods)
{
	(void)methods;
	wol_lua_setfuncs(L, module, module_fns);
	luaL_newmetatable(L, WOL_LUA_FTREE);
	lua_pushcfunction(L, l_tree_gc);
	lua_setfield(L, -2, "__gc");
	lua_pop(L, 1);
	/* adds to the circle handle's methods (lua/circle.c made them) */
	luaL_getmetatable(L, WOL_LUA_CIRCLE);
	if (lua_istable(L, -1)) {
		lua_getfield(L, -1, "__index");
		if (lua_istable(L, -1))
			wol_lua_setfuncs(L, lua_gettop(L), circle_methods);
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
}
