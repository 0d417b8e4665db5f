/* lua/prompt.c - binding of prompt.c */
#include "lua_wol.h"

#include <string.h>

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
	cJSON *tree = wol_prompt_json(&p);
	wol_prompt_free(&p);
	wol_lua_push_tree(L, tree);
	return 1;
}

static const luaL_Reg methods_fns[] = {{"prompt", l_ctx_prompt}, {NULL, NULL}};

void wol_lua_open_prompt(lua_State *L, int module, int methods)
{
	(void)module;
	wol_lua_setfuncs(L, methods, methods_fns);
}
