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


#define WOL_LUA_CIRCLE "wol.circle"

static wol_circle *check_circle(lua_State *L, int idx)
{
	wol_circle **u = (wol_circle **)luaL_checkudata(L, idx, WOL_LUA_CIRCLE);
	if (!*u)
		luaL_argerror(L, idx, "circle is closed");
	return *u;
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
	wol_lua_push_tree(L, tree);
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
	wol_lua_push_tree(L, tree);
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
	wol_lua_push_tree(L, tree);
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
