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

/* ctx:journal_stats() -> {current=, longest=, week=, month=, total=,
 * today=, today_written=, last=, entries=}, warnings | nil, msg */
static int l_journal_stats(lua_State *L)
{
	wol_ctx *ctx = wol_lua_checkctx(L, 1);
	wol_journal_entries l;
	wol_error err;
	if (wol_journal_list(ctx, 1, &l, &err) != 0)
		return wol_lua_fail(L, &err);
	wol_journal_stats s;
	wol_journal_stats_of(&l, wol_ctx_today(ctx), &s);
	wol_lua_push_tree(L, wol_journal_stats_json(&s, l.n));
	lua_createtable(L, (int)l.nwarnings, 0);
	for (size_t i = 0; i < l.nwarnings; i++) {
		lua_pushstring(L, l.warnings[i]);
		lua_rawseti(L, -2, (int)i + 1);
	}
	wol_journal_entries_free(&l);
	return 2;
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

/* core.journal_written(text) -> boolean */
static int l_journal_written(lua_State *L)
{
	size_t len;
	const char *text = luaL_checklstring(L, 1, &len);
	lua_pushboolean(L, wol_journal_written(text, len));
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

static const luaL_Reg module_fns[] = {
	{"journal_written", l_journal_written}, {"journal_heading", l_journal_heading},
	{"journal_date", l_journal_date},       {NULL, NULL}};

static const luaL_Reg methods_fns[] = {{"journal_path", l_journal_path},
                                       {"journal_template", l_journal_template},
                                       {"journal_open", l_journal_open},
                                       {"journal_log", l_journal_log},
                                       {"journal_list", l_journal_list},
                                       {"journal_stats", l_journal_stats},
                                       {"journal_adjacent", l_journal_adjacent},
                                       {NULL, NULL}};

void wol_lua_open_journal(lua_State *L, int module, int methods)
{
	wol_lua_setfuncs(L, module, module_fns);
	wol_lua_setfuncs(L, methods, methods_fns);
}
