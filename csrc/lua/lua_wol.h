/* lua_wol.h - shared helpers of the Lua binding (csrc/lua_*.c).
 *
 * Each lua_<noun>.c exports one function
 *     void wol_lua_open_<noun>(lua_State *L, int module, int methods);
 * that adds its functions to the module table (pure functions) and to the
 * context's method table (everything that needs $WOL_HOME or identity),
 * and is called from luaopen_wol_core in lua_core.c. */
#ifndef WOL_LUA_H
#define WOL_LUA_H

#include <lauxlib.h>
#include <lua.h>

#include "wol.h"
#include "wol_json.h"

/* The module's one exported symbol (the rest of the library is hidden). */
#if defined(__GNUC__)
#define WOL_LUA_EXPORT __attribute__((visibility("default")))
#else
#define WOL_LUA_EXPORT
#endif

#define WOL_LUA_CTX "wol.ctx"

/* Pushes nil, e->msg and the code's stable name (wol_error_name) and
 * returns 3: the runtime failure convention, nil, msg, code. */
int wol_lua_fail(lua_State *L, const wol_error *e);
/* The open context at idx; raises on a wrong type or a closed context. */
wol_ctx *wol_lua_checkctx(lua_State *L, int idx);
/* An optional string field of the table at idx (NULL when nil); raises
 * when present with another type. */
const char *wol_lua_optfield(lua_State *L, int idx, const char *key);
/* A boolean field of the table at idx (Lua truthiness; absent is false). */
int wol_lua_optbool(lua_State *L, int idx, const char *key);
/* Registers fns into the table at idx (5.1 API, no globals). */
void wol_lua_setfuncs(lua_State *L, int idx, const luaL_Reg *fns);
void wol_lua_push_yaml(lua_State *L, const wol_yaml *y);
void wol_lua_push_date(lua_State *L, wol_date d);
/* Parses an optional date string argument (nil: the context's today). */
int wol_lua_optdate(lua_State *L, int idx, wol_ctx *ctx, wol_date *out, wol_error *err);
void wol_lua_setstr(lua_State *L, const char *key, const char *val);
void wol_lua_setint(lua_State *L, const char *key, lua_Integer val);
void wol_lua_setbool(lua_State *L, const char *key, int val);

/* Pushes a result tree (csrc/wol_json.h) as Lua values (lua/json.c:
 * objects become tables, null an absent field, arrays sequences). */
void wol_lua_push_json(lua_State *L, const cJSON *tree);
/* The same, and frees the tree (even when a Lua error interrupts);
 * tree NULL (out of memory) raises. */
void wol_lua_push_tree(lua_State *L, cJSON *tree);

/* The open index of the context at stack index idx (lua/index.c), cached
 * for the context's life; pushes one value. NULL after filling err. */
wol_index *wol_lua_index(lua_State *L, int idx, wol_ctx *ctx, wol_error *err);
/* The context at idx, or NULL when it is not one or is closed (no error). */
wol_ctx *wol_lua_toctx(lua_State *L, int idx);
/* The index of the context a circle handle (at idx) was opened from
 * (lua/circle.c); pushes one value. NULL after filling err. */
wol_index *wol_lua_circle_index(lua_State *L, int idx, wol_error *err);

/* The open circle handle ("wol.circle", lua/circle.c) at idx; raises on
 * a wrong type or a closed handle. */
wol_circle *wol_lua_checkcircle(lua_State *L, int idx);
/* Adds fns to the circle handle's methods (after wol_lua_open_circle). */
void wol_lua_circle_methods(lua_State *L, const luaL_Reg *fns);

void wol_lua_open_json(lua_State *L, int module, int methods);
void wol_lua_open_date(lua_State *L, int module, int methods);
void wol_lua_open_doc(lua_State *L, int module, int methods);
void wol_lua_open_doctor(lua_State *L, int module, int methods);
void wol_lua_open_sync(lua_State *L, int module, int methods);
void wol_lua_open_circle(lua_State *L, int module, int methods);
void wol_lua_open_journal(lua_State *L, int module, int methods);
void wol_lua_open_layout(lua_State *L, int module, int methods);
void wol_lua_open_prompt(lua_State *L, int module, int methods);
void wol_lua_open_question(lua_State *L, int module, int methods);
void wol_lua_open_feedback(lua_State *L, int module, int methods);
void wol_lua_open_index(lua_State *L, int module, int methods);
void wol_lua_open_status(lua_State *L, int module, int methods);
void wol_lua_open_review(lua_State *L, int module, int methods);
void wol_lua_open_people(lua_State *L, int module, int methods);

#endif
