/* lua/sync.c - binding of sync.c. The editor runs `wol sync --json` as a
 * job (network work never runs on its loop); ctx:sync is here for scripts
 * and worker threads, ctx:sync_status is local and fast. */
#include "lua_wol.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ctx:sync_status([circle]) -> { circle, branch, remote?, ahead, behind, remote_known } */
static int l_ctx_sync_status(lua_State *L)
{
	wol_ctx *ctx = wol_lua_checkctx(L, 1);
	const char *circle = luaL_optstring(L, 2, NULL);
	wol_sync_state st;
	wol_error err;
	if (wol_sync_ahead(ctx, circle, &st, &err) != 0)
		return wol_lua_fail(L, &err);
	cJSON *tree = wol_sync_state_json(&st);
	wol_sync_state_free(&st);
	wol_lua_push_tree(L, tree);
	return 1;
}

typedef struct progress_call {
	lua_State *L;
	int fn; /* stack index of the Lua callback */
	int failed;
	char msg[512]; /* "<what>: <why>" for wol_error_set */
} progress_call;

/* Under pcall: converts the event (a light userdata at 2) and calls the
 * function at 1 with it. */
static int call_progress(lua_State *L)
{
	const cJSON *tree = (const cJSON *)lua_touserdata(L, 2);
	lua_settop(L, 1);
	wol_lua_push_json(L, tree);
	lua_call(L, 1, 1);
	return 1;
}

/* Calls the Lua progress function under pcall: a Lua error never unwinds
 * through libgit2; it cancels the sync and is reported afterwards. */
static int on_progress(const wol_sync_progress *p, void *payload)
{
	progress_call *pc = payload;
	lua_State *L = pc->L;
	cJSON *tree = wol_sync_progress_json(p);
	if (!tree) {
		snprintf(pc->msg, sizeof pc->msg, "sync: out of memory");
		pc->failed = 1;
		return 1;
	}
	lua_pushcfunction(L, call_progress);
	lua_pushvalue(L, pc->fn);
	lua_pushlightuserdata(L, tree);
	int failed = lua_pcall(L, 2, 1, 0) != 0;
	cJSON_Delete(tree);
	if (failed) {
		const char *m = lua_tostring(L, -1);
		snprintf(pc->msg, sizeof pc->msg, "sync: progress callback: %s",
		         m ? m : "error");
		pc->failed = 1;
		lua_pop(L, 1);
		return 1;
	}
	int stop = lua_toboolean(L, -1) && !lua_isnumber(L, -1); /* return true to cancel */
	lua_pop(L, 1);
	return stop;
}

/* ctx:sync{ circle=, attempts=, no_push=, wait_ms=, progress=function(p) } ->
 * result | nil, msg, code, partial result */
static int l_ctx_sync(lua_State *L)
{
	wol_ctx *ctx = wol_lua_checkctx(L, 1);
	wol_sync_opts so;
	memset(&so, 0, sizeof so);
	const char *circle = NULL;
	progress_call pc;
	memset(&pc, 0, sizeof pc);
	if (!lua_isnoneornil(L, 2)) {
		luaL_checktype(L, 2, LUA_TTABLE);
		circle = wol_lua_optfield(L, 2, "circle");
		lua_getfield(L, 2, "attempts");
		if (!lua_isnil(L, -1))
			so.attempts = (int)luaL_checkinteger(L, -1);
		lua_pop(L, 1);
		lua_getfield(L, 2, "wait_ms");
		if (!lua_isnil(L, -1))
			so.lock_wait_ms = (int)luaL_checkinteger(L, -1);
		lua_pop(L, 1);
		so.no_push = wol_lua_optbool(L, 2, "no_push");
		lua_getfield(L, 2, "progress");
		if (!lua_isnil(L, -1)) {
			luaL_checktype(L, -1, LUA_TFUNCTION);
			pc.L = L;
			pc.fn = lua_gettop(L);
			so.progress = on_progress;
			so.payload = &pc;
		} else {
			lua_pop(L, 1);
		}
	}
	wol_sync_result r;
	wol_error err;
	int rc = wol_sync_run(ctx, circle, &so, &r, &err);
	if (rc != 0) {
		if (pc.failed)
			wol_error_set(&err, rc, "%s", pc.msg);
		wol_lua_fail(L, &err);
		cJSON *tree = wol_sync_result_json(&r, &err);
		wol_sync_result_free(&r);
		wol_lua_push_tree(L, tree);
		return 4;
	}
	cJSON *tree = wol_sync_result_json(&r, NULL);
	wol_sync_result_free(&r);
	wol_lua_push_tree(L, tree);
	return 1;
}

static const luaL_Reg methods_fns[] = {
    {"sync_status", l_ctx_sync_status}, {"sync", l_ctx_sync}, {NULL, NULL}};

void wol_lua_open_sync(lua_State *L, int module, int methods)
{
	(void)module;
	wol_lua_setfuncs(L, methods, methods_fns);
}
