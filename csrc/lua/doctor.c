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
	cJSON *tree = wol_checks_json(&checks);
	wol_doctor_free(&checks);
	wol_lua_push_tree(L, tree);
	return 1;
}

static const luaL_Reg methods_fns[] = {{"doctor", l_ctx_doctor}, {NULL, NULL}};

void wol_lua_open_doctor(lua_State *L, int module, int methods)
{
	(void)module;
	wol_lua_setfuncs(L, methods, methods_fns);
}
