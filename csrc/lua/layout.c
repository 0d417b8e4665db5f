/* lua/layout.c - binding of format/layout.c: what a path in a circle is
 *
 *   core.place(rel) -> { kind = "note"|"question"|"answer"|"event"|"feedback"|
 *                        "member"|"circle"|"prompt"|"other", member =, qid =,
 *                        note =, id =, listed = bool, conflict = bool }
 *     (rel relative to the circle's root; fields that do not apply are nil)
 */
#include "lua_wol.h"

static void setnonempty(lua_State *L, const char *key, const char *val)
{
	if (val[0])
		wol_lua_setstr(L, key, val);
}

static int l_place(lua_State *L)
{
	const char *rel = luaL_checkstring(L, 1);
	wol_place p;
	wol_place_of(rel, &p);
	lua_createtable(L, 0, 8);
	wol_lua_setstr(L, "kind", wol_place_name(p.kind));
	setnonempty(L, "member", p.member);
	setnonempty(L, "qid", p.qid);
	setnonempty(L, "note", p.note);
	setnonempty(L, "id", p.id);
	if (p.kind == WOL_PLACE_NOTE) {
		wol_lua_setbool(L, "listed", p.listed);
		wol_lua_setbool(L, "conflict", p.conflict);
	}
	return 1;
}

static const luaL_Reg module_fns[] = {{"place", l_place}, {NULL, NULL}};

void wol_lua_open_layout(lua_State *L, int module, int methods)
{
	(void)methods;
	wol_lua_setfuncs(L, module, module_fns);
}
