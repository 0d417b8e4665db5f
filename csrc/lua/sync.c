/* lua/sync.c - binding of sync.c. The editor runs `wol sync --json` as a
 * job (network work never runs on its loop); ctx:sync is here for scripts
 * and worker threads, ctx:sync_status is local and fast. */
#include "lua_wol.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void push_state(lua_State *L, const wol_sync_state *st)
{
	lua_createtable(L, 0, 6);
	wol_lua_setstr(L, "circle", st->circle);
	wol_lua_setstr(L, "branch", st->branch);
	wol_lua_setstr(L, "remote", st->remote);
	wol_lua_setint(L, "ahead", (lua_Integer)st->ahead);
	wol_lua_setint(L, "behind", (lua_Integer)st->behind);
	wol_lua_setbool(L, "remote_known", st->remote_known);
}

/* ctx:sync_status([circle]) -> { circle, branch, remote?, ahead, behind, remote_known } */
static int l_ctx_sync_status(lua_State *L)
{
	wol_ctx *ctx = wol_lua_checkctx(L, 1);
	const char *circle = luaL_optstring(L, 2, NULL);
	wol_sync_state st;
	wol_error err;
	if (wol_sync_ahead(ctx, circle, &st, &err) != 0)
		return wol_lua_fail(L, &err);
	push_state(L, &st);
	wol_sync_state_free(&st);
	return 1;
}

static void push_strv(lua_State *L, const char *key, char **v, size_t n)
{
	lua_createtable(L, (int)n, 0);
	for (size_t i = 0; i < n; i++) {
		lua_pushstring(L, v[i]);
		lua_rawseti(L, -2, (int)i + 1);
	}
	lua_setfield(L, -2, key);
}

static void push_result(lua_State *L, const wol_sync_result *r)
{
	lua_createtable(L, 0, 16);
	wol_lua_setstr(L, "circle", r->circle);
	wol_lua_setstr(L, "branch", r->branch);
	wol_lua_setstr(L, "remote", r->remote);
	wol_lua_setbool(L, "up_to_date", r->up_to_date);
	wol_lua_setbool(L, "fast_forward", r->fast_forward);
	wol_lua_setbool(L, "merged", r->merged);
	wol_lua_setint(L, "pushed", (lua_Integer)r->pushed);
	wol_lua_setint(L, "ahead", (lua_Integer)r->ahead);
	wol_lua_setint(L, "attempts", r->attempts);
	lua_createtable(L, (int)r->narrived, 0);
	for (size_t i = 0; i < r->narrived; i++) {
		const wol_sync_item *it = &r->arrived[i];
		lua_createtable(L, 0, 5);
		wol_lua_setstr(L, "kind", it->kind);
		wol_lua_setstr(L, "member", it->member);
		wol_lua_setstr(L, "path", it->path);
		wol_lua_setbool(L, "added", it->added);
		wol_lua_setbool(L, "to_me", it->to_me);
		lua_rawseti(L, -2, (int)i + 1);
	}
	lua_setfield(L, -2, "arrived");
	lua_createtable(L, (int)r->nconflicts, 0);
	for (size_t i = 0; i < r->nconflicts; i++) {
		lua_createtable(L, 0, 3);
		wol_lua_setstr(L, "path", r->conflicts[i].path);
		wol_lua_setstr(L, "kept_as", r->conflicts[i].kept_as);
		wol_lua_setstr(L, "member", r->conflicts[i].member);
		lua_rawseti(L, -2, (int)i + 1);
	}
	lua_setfield(L, -2, "conflicts");
	push_strv(L, "warnings", r->warnings, r->nwarnings);
	push_strv(L, "changed", r->changed, r->nchanged);
	char *digest = wol_sync_digest(r);
	wol_lua_setstr(L, "digest", digest);
	free(digest);
}

typedef struct progress_call {
	lua_State *L;
	int fn; /* stack index of the Lua callback */
	int failed;
	char msg[512];
} progress_call;

/* Calls the Lua progress function under pcall: a Lua error never unwinds
 * through libgit2; it cancels the sync and is reported afterwards. */
static int on_progress(const wol_sync_progress *p, void *payload)
{
	progress_call *pc = payload;
	lua_State *L = pc->L;
	lua_pushvalue(L, pc->fn);
	lua_createtable(L, 0, 5);
	wol_lua_setstr(L, "phase", p->phase);
	wol_lua_setint(L, "received", p->received);
	wol_lua_setint(L, "total", p->total);
	wol_lua_setint(L, "bytes", (lua_Integer)p->bytes);
	wol_lua_setint(L, "attempt", p->attempt);
	if (lua_pcall(L, 1, 1, 0) != 0) {
		const char *m = lua_tostring(L, -1);
		snprintf(pc->msg, sizeof pc->msg, "wol: sync: progress callback: %s",
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
 * result | nil, msg, partial result */
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
		lua_pushnil(L);
		lua_pushstring(L, err.msg);
		push_result(L, &r);
		wol_sync_result_free(&r);
		return 3;
	}
	push_result(L, &r);
	wol_sync_result_free(&r);
	return 1;
}

static const luaL_Reg methods_fns[] = {
    {"sync_status", l_ctx_sync_status}, {"sync", l_ctx_sync}, {NULL, NULL}};

void wol_lua_open_sync(lua_State *L, int module, int methods)
{
	(void)module;
	wol_lua_setfuncs(L, methods, methods_fns);
}
