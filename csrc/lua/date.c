/* lua/date.c - binding of date.c */
#include "lua_wol.h"

/* core.parse_date(text [, today]) -> "YYYY-MM-DD" | nil, msg */
static int l_parse_date(lua_State *L)
{
	const char *s = luaL_checkstring(L, 1);
	const char *t = luaL_optstring(L, 2, NULL);
	wol_error err;
	wol_date today = wol_date_today(), d;
	if (t && wol_date_parse(t, today, &today, &err) != 0)
		return wol_lua_fail(L, &err);
	if (wol_date_parse(s, today, &d, &err) != 0)
		return wol_lua_fail(L, &err);
	wol_lua_push_date(L, d);
	lua_pushstring(L, wol_weekday_name(wol_date_weekday(d)));
	return 2;
}

/* ctx:date([text]) -> "YYYY-MM-DD", weekday | nil, msg (relative to ctx today) */
static int l_ctx_date(lua_State *L)
{
	wol_ctx *ctx = wol_lua_checkctx(L, 1);
	wol_date d;
	wol_error err;
	if (wol_lua_optdate(L, 2, ctx, &d, &err) != 0)
		return wol_lua_fail(L, &err);
	wol_lua_push_date(L, d);
	lua_pushstring(L, wol_weekday_name(wol_date_weekday(d)));
	return 2;
}

static const luaL_Reg module_fns[] = {{"parse_date", l_parse_date}, {NULL, NULL}};
static const luaL_Reg methods_fns[] = {{"date", l_ctx_date}, {NULL, NULL}};

void wol_lua_open_date(lua_State *L, int module, int methods)
{
	wol_lua_setfuncs(L, module, module_fns);
	wol_lua_setfuncs(L, methods, methods_fns);
}
