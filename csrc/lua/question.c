/* lua/question.c - binding of question.c: methods of the circle handle
 *
 *   circle:questions([{state=, mine=, source=}]) -> { question, ... }, { warning, ... }
 *     (source: nil through the index, falling back to the files; 'files' or
 *     'index' to use only that one)
 *   circle:question(ref) -> question with .records and .warnings
 *   circle:question_find(ref) -> qid
 *   circle:ask{title=, body=, about=, force=} -> written
 *   circle:answer(ref, text [, force]) -> written
 *   circle:question_event(ref, kind [, {target=, body=, force=}]) -> written
 *   circle:question_news([update]) -> { questions = {qid...}, answers = {"qid/aid"...} }
 * Runtime failures return nil, "wol: ..."; wrong argument types raise. */
#include "lua_wol.h"

#include <stdlib.h>
#include <string.h>

/* The circle handle of lua/circle.c: a userdata holding one pointer,
 * NULL once closed. */
#define WOL_LUA_CIRCLE "wol.circle"

static wol_circle *check_circle(lua_State *L, int idx)
{
	wol_circle **u = (wol_circle **)luaL_checkudata(L, idx, WOL_LUA_CIRCLE);
	if (!*u)
		luaL_argerror(L, idx, "circle is closed");
	return *u;
}

static void push_strv(lua_State *L, char **v, size_t n)
{
	lua_createtable(L, (int)n, 0);
	for (size_t i = 0; i < n; i++) {
		lua_pushstring(L, v[i] ? v[i] : "");
		lua_rawseti(L, -2, (int)i + 1);
	}
}

static int push_written(lua_State *L, wol_circle *c, wol_qwrite *w)
{
	cJSON *tree = wol_qwrite_json(c, w);
	wol_qwrite_free(w);
	wol_lua_push_tree(L, tree);
	return 1;
}

static int l_questions(lua_State *L)
{
	wol_circle *c = check_circle(L, 1);
	const char *state = NULL, *source = NULL;
	int mine = 0;
	if (!lua_isnoneornil(L, 2)) {
		luaL_checktype(L, 2, LUA_TTABLE);
		state = wol_lua_optfield(L, 2, "state");
		source = wol_lua_optfield(L, 2, "source");
		mine = wol_lua_optbool(L, 2, "mine");
	}
	wol_questions qs;
	wol_error err;
	if (source && strcmp(source, "files") != 0 && strcmp(source, "index") != 0)
		return luaL_argerror(L, 2, "source must be 'files' or 'index'");
	/* the index of the circle's context (the files when it cannot be opened) */
	wol_index *ix = NULL;
	if (!source || strcmp(source, "files") != 0)
		ix = wol_lua_circle_index(L, 1, &err);
	if (wol_question_list(c, ix, source, state, mine ? wol_circle_handle(c) : NULL, &qs, &err) !=
	    0)
		return wol_lua_fail(L, &err);
	wol_lua_push_tree(L, wol_questions_json(&qs));
	push_strv(L, qs.warnings, qs.nwarnings); /* the CLI prints them on stderr */
	wol_questions_free(&qs);
	return 2;
}

static int l_question(lua_State *L)
{
	wol_circle *c = check_circle(L, 1);
	const char *ref = luaL_checkstring(L, 2);
	wol_question q;
	wol_error err;
	if (wol_question_get(c, ref, &q, &err) != 0)
		return wol_lua_fail(L, &err);
	cJSON *tree = wol_question_json(&q);
	wol_question_free(&q);
	wol_lua_push_tree(L, tree);
	return 1;
}

static int l_question_find(lua_State *L)
{
	wol_circle *c = check_circle(L, 1);
	const char *ref = luaL_checkstring(L, 2);
	char *qid = NULL;
	wol_error err;
	if (wol_question_find(c, ref, &qid, &err) != 0)
		return wol_lua_fail(L, &err);
	lua_pushstring(L, qid);
	free(qid);
	return 1;
}

static int l_ask(lua_State *L)
{
	wol_circle *c = check_circle(L, 1);
	luaL_checktype(L, 2, LUA_TTABLE);
	const char *title = wol_lua_optfield(L, 2, "title");
	const char *body = wol_lua_optfield(L, 2, "body");
	const char *about = wol_lua_optfield(L, 2, "about");
	lua_getfield(L, 2, "force");
	int force = lua_toboolean(L, -1);
	lua_pop(L, 1);
	wol_qwrite w;
	wol_error err;
	if (wol_question_ask(c, title, body, about, force, &w, &err) != 0)
		return wol_lua_fail(L, &err);
	return push_written(L, c, &w);
}

static int l_answer(lua_State *L)
{
	wol_circle *c = check_circle(L, 1);
	const char *ref = luaL_checkstring(L, 2);
	const char *text = luaL_checkstring(L, 3);
	int force = lua_toboolean(L, 4);
	wol_qwrite w;
	wol_error err;
	if (wol_question_answer(c, ref, text, force, &w, &err) != 0)
		return wol_lua_fail(L, &err);
	return push_written(L, c, &w);
}

static int l_question_event(lua_State *L)
{
	wol_circle *c = check_circle(L, 1);
	const char *ref = luaL_checkstring(L, 2);
	const char *kind = luaL_checkstring(L, 3);
	const char *target = NULL, *body = NULL;
	int force = 0;
	if (!lua_isnoneornil(L, 4)) {
		luaL_checktype(L, 4, LUA_TTABLE);
		target = wol_lua_optfield(L, 4, "target");
		body = wol_lua_optfield(L, 4, "body");
		force = wol_lua_optbool(L, 4, "force");
	}
	wol_qwrite w;
	wol_error err;
	if (wol_question_event(c, ref, kind, target, body, force, &w, &err) != 0)
		return wol_lua_fail(L, &err);
	return push_written(L, c, &w);
}

static int l_question_news(lua_State *L)
{
	wol_circle *c = check_circle(L, 1);
	int update = lua_isnoneornil(L, 2) ? 1 : lua_toboolean(L, 2);
	wol_qnews n;
	wol_error err;
	if (wol_question_news(c, update, &n, &err) != 0)
		return wol_lua_fail(L, &err);
	cJSON *tree = wol_qnews_json(&n);
	wol_qnews_free(&n);
	wol_lua_push_tree(L, tree);
	return 1;
}

static const luaL_Reg circle_methods[] = {{"questions", l_questions},
                                          {"question", l_question},
                                          {"question_find", l_question_find},
                                          {"ask", l_ask},
                                          {"answer", l_answer},
                                          {"question_event", l_question_event},
                                          {"question_news", l_question_news},
                                          {NULL, NULL}};

void wol_lua_open_question(lua_State *L, int module, int methods)
{
	(void)module;
	(void)methods;
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
