/* ctx_priv.h - what the context lends the library's nouns; not the API.
 * A noun may keep a cache in the context: it lives as long as the context
 * and is freed with it (so nothing is static, and each context, in each
 * Lua state or thread, has its own). */
#ifndef WOL_CTX_PRIV_H
#define WOL_CTX_PRIV_H

#include "util/util.h"

enum wol_ctx_cache_slot {
	WOL_CTX_CACHE_PROMPTS, /* prompt.c: the prompt files parsed so far */
	WOL_CTX_CACHE_PEOPLE, /* people/cache.c: the person files parsed so far */
	WOL_CTX_CACHES
};

void *wol_ctx_cache(const wol_ctx *ctx, enum wol_ctx_cache_slot slot);
/* Sets the slot (freeing what it held with its own function). */
void wol_ctx_cache_set(wol_ctx *ctx, enum wol_ctx_cache_slot slot, void *data,
                       void (*free_fn)(void *));

#endif
