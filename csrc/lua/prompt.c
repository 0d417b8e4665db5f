/* lua/prompt.c - binding of prompt.c */
#include "lua_wol.h"

#include <string.h>

static void push_strv(lua_State *L, const char *key, char **v, size_t n)
{
	lua_createtable(L, (int)n, 0);
	for (size_t i = 0; i < n; i++) {
		lua_pushstring(L, v[i]);
		lua_rawseti(L, -2, (int)i + 1);
	}
	lua_setfield(L, -2, key);
}

/* ctx:prompt([date] [, {started=, weeks=, circle_dir=}]) ->
 *   {date=, weekday=, theme={title=, text=, tags={}},
 *    focus={week=, weeks=, title=, text=, questions={}} (nil outside the program),
 *    challenge={title=, text=}, reflect={...},
 *    sources={theme=, focus=, challenge=, reflect=}, dated=, reason=, week=, weeks=,
 *    warnings={}} | nil, msg
 * `date` as in ctx:date(); started/weeks give the circle program instead of
 * circle.md (both or neither); circle_dir names the circle's clone. */
static int l_ctx_prompt(lua_State *L)
{
	wol_ctx *ctx = wol_lua_checkctx(L, 1);
	wol_prompt_opts opts = {0};
	const char *started = NULL;
	if (!lua_isnoneornil(L, 3)) {
		luaL_checktype(L, 3, LUA_TTABLE);
		started = wol_lua_optfield(L, 3, "started");
		opts.circle_dir = wol_lua_optfield(L, 3, "circle_dir");
		lua_getfield(L, 3, "weeks");
		if (!lua_isnil(L, -1)) {
			if (lua_type(L, -1) != LUA_TNUMBER)
				return luaL_error(L, "bad field 'weeks' (number expected, got %s)",
				                  luaL_typename(L, -1));
			opts.weeks = (int)lua_tointeger(L, -1);
			opts.has_program = 1;
		}
		lua_pop(L, 1);
		if (started && !opts.has_program)
			opts.weeks = 12; /* the default program length */
		opts.has_program = started != NULL || opts.has_program;
	}
	wol_error err;
	wol_date d;
	if (wol_lua_optdate(L, 2, ctx, &d, &err) != 0)
		return wol_lua_fail(L, &err);
	if (opts.has_program) {
		if (!started)
			return luaL_error(L, "bad field 'started' (a date is needed with 'weeks')");
		if (strlen(started) != 10 ||
		    wol_date_parse(started, wol_ctx_today(ctx), &opts.started, &err) != 0) {
			wol_error_set(&err, WOL_EINVAL, "prompt: started: '%s' is not a YYYY-MM-DD date",
			              started);
			return wol_lua_fail(L, &err);
		}
	}
	wol_prompt p;
	if (wol_prompt_get(ctx, d, &opts, &p, &err) != 0)
		return wol_lua_fail(L, &err);
	lua_createtable(L, 0, 14);
	wol_lua_push_date(L, p.date);
	lua_setfield(L, -2, "date");
	wol_lua_setstr(L, "weekday", wol_weekday_name(wol_date_weekday(p.date)));
	lua_createtable(L, 0, 3);
	wol_lua_setstr(L, "title", p.title);
	wol_lua_setstr(L, "text", p.text);
	push_strv(L, "tags", p.tags, p.ntags);
	lua_setfield(L, -2, "theme");
	if (p.focus_title) {
		lua_createtable(L, 0, 5);
		wol_lua_setint(L, "week", p.week);
		wol_lua_setint(L, "weeks", p.weeks);
		wol_lua_setstr(L, "title", p.focus_title);
		wol_lua_setstr(L, "text", p.focus_text);
		push_strv(L, "questions", p.focus_questions, p.nfocus_questions);
		lua_setfield(L, -2, "focus");
	}
	lua_createtable(L, 0, 2);
	wol_lua_setstr(L, "title", p.challenge_title);
	wol_lua_setstr(L, "text", p.challenge);
	lua_setfield(L, -2, "challenge");
	push_strv(L, "reflect", p.questions, p.nquestions);
	lua_createtable(L, 0, 4);
	wol_lua_setstr(L, "theme", p.theme_source);
	wol_lua_setstr(L, "focus", p.focus_source);
	wol_lua_setstr(L, "challenge", p.challenge_source);
	wol_lua_setstr(L, "reflect", p.reflect_source);
	lua_setfield(L, -2, "sources");
	wol_lua_setbool(L, "dated", p.dated);
	wol_lua_setstr(L, "reason", p.reason);
	wol_lua_setint(L, "week", p.week);
	wol_lua_setint(L, "weeks", p.weeks);
	push_strv(L, "warnings", p.warnings, p.nwarnings);
	wol_prompt_free(&p);
	return 1;
}

static const luaL_Reg methods_fns[] = {{"prompt", l_ctx_prompt}, {NULL, NULL}};

void wol_lua_open_prompt(lua_State *L, int module, int methods)
{
	(void)module;
	wol_lua_setfuncs(L, methods, methods_fns);
}
