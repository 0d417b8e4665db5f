/* lua/doctor.c - binding of doctor.c */
#include "lua_wol.h"

/* ctx:doctor() -> { {level=, section=, msg=, advice=}, ... } */
static int l_ctx_doctor(lua_State *L)
{
	wol_ctx *ctx = wol_lua_checkctx(L, 1);
	wol_checks checks;
	wol_error err;
	if (wol_doctor_run(ctx, &checks, &err) != 0)
		return wol_lua_fail(L, &err);
	lua_createtable(L, (int)checks.n, 0);
	for (size_t i = 0; i < checks.n; i++) {
		const wol_check *c = &checks.items[i];
		lua_createtable(L, 0, 4);
		wol_lua_setstr(L, "level", wol_doctor_level_name(c->level));
		wol_lua_setstr(L, "section", c->section);
		wol_lua_setstr(L, "msg", c->msg);
		wol_lua_setstr(L, "advice", c->advice);
		lua_rawseti(L, -2, (int)i + 1);
	}
	wol_doctor_free(&checks);
	return 1;
}

static const luaL_Reg methods_fns[] = {{"doctor", l_ctx_doctor}, {NULL, NULL}};

void wol_lua_open_doctor(lua_State *L, int module, int methods)
{
	(void)module;
	wol_lua_setfuncs(L, methods, methods_fns);
}
