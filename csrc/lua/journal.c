/* lua/journal.c - binding of journal.c */
#include "lua_wol.h"

#include <stdlib.h>
#include <string.h>

static void push_warning(lua_State *L, char *warning)
{
	if (warning)
		lua_pushstring(L, warning);
	else
		lua_pushnil(L);
	free(warning);
}

/* ctx:journal_path([date]) -> path | nil, msg */
static int l_journal_path(lua_State *L)
{
	wol_ctx *ctx = wol_lua_checkctx(L, 1);
	wol_date d;
	wol_error err;
	if (wol_lua_optdate(L, 2, ctx, &d, &err) != 0)
		return wol_lua_fail(L, &err);
	char *p = wol_journal_path(ctx, d);
	if (!p)
		return luaL_error(L, "out of memory");
	lua_pushstring(L, p);
	free(p);
	return 1;
}

/* core.journal_date(rel) -> "YYYY-MM-DD" | nil: the entry a path relative to
 * $WOL_HOME is, if it is one */
static int l_journal_date(lua_State *L)
{
	const char *rel = luaL_checkstring(L, 1);
	wol_date d;
	if (wol_journal_date_of(rel, &d) != 0) {
		lua_pushnil(L);
		return 1;
	}
	wol_lua_push_date(L, d);
	return 1;
}

/* ctx:journal_template([date]) -> text, warning | nil, msg */
static int l_journal_template(lua_State *L)
{
	wol_ctx *ctx = wol_lua_checkctx(L, 1);
	wol_date d;
	wol_error err;
	if (wol_lua_optdate(L, 2, ctx, &d, &err) != 0)
		return wol_lua_fail(L, &err);
	char *text, *warning;
	size_t len;
	if (wol_journal_template(ctx, d, &text, &len, &warning, &err) != 0)
		return wol_lua_fail(L, &err);
	lua_pushlstring(L, text, len);
	free(text);
	push_warning(L, warning);
	return 2;
}

/* ctx:journal_open([date]) -> path, created, warning | nil, msg */
static int l_journal_open(lua_State *L)
{
	wol_ctx *ctx = wol_lua_checkctx(L, 1);
	wol_date d;
	wol_error err;
	if (wol_lua_optdate(L, 2, ctx, &d, &err) != 0)
		return wol_lua_fail(L, &err);
	char *path, *warning;
	int created;
	if (wol_journal_open(ctx, d, &path, &created, &warning, &err) != 0)
		return wol_lua_fail(L, &err);
	lua_pushstring(L, path);
	free(path);
	lua_pushboolean(L, created);
	push_warning(L, warning);
	return 3;
}

/* ctx:journal_log(text [, {date=, time=, quote={lines}}]) -> path, warning | nil, msg */
static int l_journal_log(lua_State *L)
{
	wol_ctx *ctx = wol_lua_checkctx(L, 1);
	const char *text = luaL_optstring(L, 2, "");
	wol_journal_log_opts o = {0};
	const char *date = NULL;
	if (!lua_isnoneornil(L, 3)) {
		luaL_checktype(L, 3, LUA_TTABLE);
		date = wol_lua_optfield(L, 3, "date");
		o.time = wol_lua_optfield(L, 3, "time");
		lua_getfield(L, 3, "quote");
		if (!lua_isnil(L, -1)) {
			luaL_argcheck(L, lua_istable(L, -1), 3, "quote must be a list of strings");
			size_t n = lua_objlen(L, -1);
			/* the array lives in a userdata, so an error cannot leak it */
			const char **q = (const char **)lua_newuserdata(L, (n ? n : 1) * sizeof *q);
			for (size_t i = 0; i < n; i++) {
				lua_rawgeti(L, -2, (int)i + 1);
				luaL_argcheck(L, lua_type(L, -1) == LUA_TSTRING, 3,
				              "quote must be a list of strings");
				q[i] = lua_tostring(L, -1);
				lua_pop(L, 1); /* still referenced by the quote table */
			}
			o.quote = q;
			o.nquote = n;
		}
	}
	wol_date d;
	wol_error err;
	if (wol_date_parse(date, wol_ctx_today(ctx), &d, &err) != 0)
		return wol_lua_fail(L, &err);
	char *path, *warning;
	if (wol_journal_log(ctx, d, text, &o, &path, &warning, &err) != 0)
		return wol_lua_fail(L, &err);
	lua_pushstring(L, path);
	free(path);
	push_warning(L, warning);
	return 2;
}

static void push_entries(lua_State *L, const wol_journal_entries *l)
{
	wol_lua_push_tree(L, wol_journal_entries_json(l));
	lua_createtable(L, (int)l->nwarnings, 0);
	for (size_t i = 0; i < l->nwarnings; i++) {
		lua_pushstring(L, l->warnings[i]);
		lua_rawseti(L, -2, (int)i + 1);
	}
}

/* ctx:journal_list([read]) -> entries (newest first), warnings | nil, msg */
static int l_journal_list(lua_State *L)
{
	wol_ctx *ctx = wol_lua_checkctx(L, 1);
	int read = lua_isnoneornil(L, 2) ? 1 : lua_toboolean(L, 2);
	wol_journal_entries l;
	wol_error err;
	if (wol_journal_list(ctx, read, &l, &err) != 0)
		return wol_lua_fail(L, &err);
	push_entries(L, &l);
	wol_journal_entries_free(&l);
	return 2;
}

/* ctx:journal_stats() -> {current=, longest=, week=, month= (active days),
 * active=, written=, acted=, total=, today=, today_active=, today_written=,
 * today_acted=, last=, last_written=, entries=}, warnings | nil, msg
 * (wol_activity_json: the journal and the acts, the context's index for
 * the acts in circles) */
static int l_journal_stats(lua_State *L)
{
	wol_ctx *ctx = wol_lua_checkctx(L, 1);
	wol_error err;
	char **circles = NULL;
	size_t nc = 0;
	wol_activity_opts o = {NULL, 0};
	/* the index only where there are circles to look in: no index.db is
	 * made for a journal alone */
	if (wol_ctx_circles(ctx, &circles, &nc, &err) == 0 && nc > 0) {
		wol_error ierr;
		o.ix = wol_lua_index(L, 1, ctx, &ierr);
		lua_pop(L, 1);
	}
	wol_strv_free(circles, nc);
	wol_activity a;
	if (wol_activity_get(ctx, &o, &a, &err) != 0)
		return wol_lua_fail(L, &err);
	wol_lua_push_tree(L, wol_activity_json(&a));
	lua_createtable(L, (int)a.nwarnings, 0);
	for (size_t i = 0; i < a.nwarnings; i++) {
		lua_pushstring(L, a.warnings[i]);
		lua_rawseti(L, -2, (int)i + 1);
	}
	wol_activity_free(&a);
	return 2;
}

/* ctx:journal_done([date]) -> {date, path, done, source, title, already,
 * created}, warning | nil, msg, code: marks the day's challenge done */
static int l_journal_done(lua_State *L)
{
	wol_ctx *ctx = wol_lua_checkctx(L, 1);
	wol_date d;
	wol_error err;
	if (wol_lua_optdate(L, 2, ctx, &d, &err) != 0)
		return wol_lua_fail(L, &err);
	wol_journal_done r;
	char *warning = NULL;
	if (wol_journal_mark_done(ctx, d, &r, &warning, &err) != 0)
		return wol_lua_fail(L, &err);
	wol_lua_push_tree(L, wol_journal_done_json(&r, d));
	wol_journal_done_free(&r);
	push_warning(L, warning);
	return 2;
}

/* ctx:journal_done_get([date]) -> {date, path, done, source, title} | nil, msg */
static int l_journal_done_get(lua_State *L)
{
	wol_ctx *ctx = wol_lua_checkctx(L, 1);
	wol_date d;
	wol_error err;
	if (wol_lua_optdate(L, 2, ctx, &d, &err) != 0)
		return wol_lua_fail(L, &err);
	wol_journal_done r;
	if (wol_journal_done_get(ctx, d, &r, &err) != 0)
		return wol_lua_fail(L, &err);
	wol_lua_push_tree(L, wol_journal_done_json(&r, d));
	wol_journal_done_free(&r);
	return 1;
}

/* ctx:journal_adjacent(date, dir) -> date | nil, msg (dir: 1 next, -1 previous) */
static int l_journal_adjacent(lua_State *L)
{
	wol_ctx *ctx = wol_lua_checkctx(L, 1);
	wol_date d, out;
	wol_error err;
	if (wol_lua_optdate(L, 2, ctx, &d, &err) != 0)
		return wol_lua_fail(L, &err);
	int dir = (int)luaL_checkinteger(L, 3);
	luaL_argcheck(L, dir == 1 || dir == -1, 3, "1 or -1 expected");
	if (wol_journal_adjacent(ctx, d, dir, &out, &err) != 0)
		return wol_lua_fail(L, &err);
	wol_lua_push_date(L, out);
	return 1;
}

/* core.journal_written(text [, path]) -> boolean (path: the entry's, for
 * the fingerprints kept next to the journal's year folders) */
static int l_journal_written(lua_State *L)
{
	size_t len;
	const char *text = luaL_checklstring(L, 1, &len);
	const char *path = luaL_optstring(L, 2, NULL);
	lua_pushboolean(L, wol_journal_entry_written(path, text, len));
	return 1;
}

/* core.journal_heading(text, question) -> line, append|nil | nil, msg */
static int l_journal_heading(lua_State *L)
{
	size_t len;
	const char *text = luaL_checklstring(L, 1, &len);
	const char *q = luaL_checkstring(L, 2);
	int line;
	char *append;
	wol_error err;
	if (wol_journal_heading(text, len, q, &line, &append, &err) != 0)
		return wol_lua_fail(L, &err);
	lua_pushinteger(L, line);
	push_warning(L, append);
	return 2;
}

/* ------------------------------------------------- the private history */

/* ctx:journal_commit([force]) -> {commit=, created=, pending=, due_in=, paths=} | nil, msg
 * force: true (now), 'pending' (what waits, however long), else when due */
static int l_journal_commit(lua_State *L)
{
	wol_ctx *ctx = wol_lua_checkctx(L, 1);
	int force = lua_type(L, 2) == LUA_TSTRING ? 2 : lua_toboolean(L, 2);
	luaL_argcheck(L, force != 2 || strcmp(lua_tostring(L, 2), "pending") == 0, 2,
	              "true, false or 'pending' expected");
	wol_journal_commit_result r;
	wol_error err;
	if (wol_journal_commit(ctx, force, &r, &err) != 0)
		return wol_lua_fail(L, &err);
	cJSON *tree = wol_journal_commit_json(&r);
	wol_journal_commit_result_free(&r);
	wol_lua_push_tree(L, tree);
	return 1;
}

/* ctx:journal_history([path [, {limit=}]]) -> versions (newest first) | nil, msg */
static int l_journal_history(lua_State *L)
{
	wol_ctx *ctx = wol_lua_checkctx(L, 1);
	const char *path = luaL_optstring(L, 2, NULL);
	size_t limit = 0;
	if (!lua_isnoneornil(L, 3)) {
		luaL_checktype(L, 3, LUA_TTABLE);
		lua_getfield(L, 3, "limit");
		if (!lua_isnil(L, -1)) {
			luaL_argcheck(L, lua_type(L, -1) == LUA_TNUMBER && lua_tonumber(L, -1) >= 1, 3,
			              "limit must be a number from 1 up");
			limit = (size_t)lua_tonumber(L, -1);
		}
		lua_pop(L, 1);
	}
	wol_journal_versions v;
	wol_error err;
	if (wol_journal_history(ctx, path, limit, &v, &err) != 0)
		return wol_lua_fail(L, &err);
	cJSON *tree = wol_journal_versions_json(&v);
	wol_journal_versions_free(&v);
	wol_lua_push_tree(L, tree);
	return 1;
}

/* ctx:journal_show(path, rev) -> text | nil, msg */
static int l_journal_show(lua_State *L)
{
	wol_ctx *ctx = wol_lua_checkctx(L, 1);
	const char *path = luaL_checkstring(L, 2);
	const char *rev = luaL_checkstring(L, 3);
	char *text;
	size_t len;
	wol_error err;
	if (wol_journal_show(ctx, path, rev, &text, &len, &err) != 0)
		return wol_lua_fail(L, &err);
	lua_pushlstring(L, text, len);
	free(text);
	return 1;
}

/* ctx:journal_restore(path, rev) -> {commit=, paths=, ...} | nil, msg */
static int l_journal_restore(lua_State *L)
{
	wol_ctx *ctx = wol_lua_checkctx(L, 1);
	const char *path = luaL_checkstring(L, 2);
	const char *rev = luaL_checkstring(L, 3);
	wol_journal_commit_result r;
	wol_error err;
	if (wol_journal_restore(ctx, path, rev, &r, &err) != 0)
		return wol_lua_fail(L, &err);
	cJSON *tree = wol_journal_commit_json(&r);
	wol_journal_commit_result_free(&r);
	wol_lua_push_tree(L, tree);
	return 1;
}

/* ctx:journal_state() -> {exists=, head=, commits=, pending=, due_in=, remote=,
 * ahead=, behind=, remote_known=} | nil, msg */
static int l_journal_state(lua_State *L)
{
	wol_ctx *ctx = wol_lua_checkctx(L, 1);
	wol_journal_state st;
	wol_error err;
	if (wol_journal_state_get(ctx, &st, &err) != 0)
		return wol_lua_fail(L, &err);
	cJSON *tree = wol_journal_state_json(&st);
	wol_journal_state_free(&st);
	wol_lua_push_tree(L, tree);
	return 1;
}

/* ctx:journal_remote(url) -> true | nil, msg ("" removes it) */
static int l_journal_remote(lua_State *L)
{
	wol_ctx *ctx = wol_lua_checkctx(L, 1);
	const char *url = luaL_checkstring(L, 2);
	wol_error err;
	if (wol_journal_remote_set(ctx, url, &err) != 0)
		return wol_lua_fail(L, &err);
	lua_pushboolean(L, 1);
	return 1;
}

static const luaL_Reg module_fns[] = {
	{"journal_written", l_journal_written}, {"journal_heading", l_journal_heading},
	{"journal_date", l_journal_date},       {NULL, NULL}};

static const luaL_Reg methods_fns[] = {{"journal_path", l_journal_path},
                                       {"journal_template", l_journal_template},
                                       {"journal_open", l_journal_open},
                                       {"journal_log", l_journal_log},
                                       {"journal_list", l_journal_list},
                                       {"journal_stats", l_journal_stats},
                                       {"journal_done", l_journal_done},
                                       {"journal_done_get", l_journal_done_get},
                                       {"journal_adjacent", l_journal_adjacent},
                                       {"journal_commit", l_journal_commit},
                                       {"journal_history", l_journal_history},
                                       {"journal_show", l_journal_show},
                                       {"journal_restore", l_journal_restore},
                                       {"journal_state", l_journal_state},
                                       {"journal_remote", l_journal_remote},
                                       {NULL, NULL}};

void wol_lua_open_journal(lua_State *L, int module, int methods)
{
	wol_lua_setfuncs(L, module, module_fns);
	wol_lua_setfuncs(L, methods, methods_fns);
}
