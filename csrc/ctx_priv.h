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

/* ctx_config.c: the user's git config (system, XDG, global and their
 * includes) as git reads it, the user.* and wol.* keys kept in
 * $WOL_HOME/.cache/identity keyed on the stat of every file consulted. */
typedef struct wol_gitcfg wol_gitcfg;
typedef struct git_config git_config;
/* The keys as they are now: from the cache of `home` when it is current,
 * else read through libgit2 (and cached). NULL when out of memory or
 * libgit2 failed. */
wol_gitcfg *wol_gitcfg_read(const char *home);
void wol_gitcfg_free(wol_gitcfg *g);
/* Whether no file or environment variable of g's key changed since. */
int wol_gitcfg_current(const wol_gitcfg *g);
/* Whether `key` is one the cache holds (user.*, wol.*). */
int wol_gitcfg_covers(const char *key);
/* The value of a covered key (malloc'd), NULL when unset. */
char *wol_gitcfg_get(const wol_gitcfg *g, const char *key);
/* The files of the user's config opened through libgit2, for other keys. */
int wol_gitcfg_open_git(git_config **out);

#endif
