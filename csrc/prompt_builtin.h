/* prompt_builtin.h - the built-in prompts, embedded at build time from
 * the Markdown files of prompts/builtin/ by tools/embed_prompts.c (build/gen/builtin_prompts.c).
 * Private to the library: prompt.c reads them like any other prompt file. */
#ifndef WOL_PROMPT_BUILTIN_H
#define WOL_PROMPT_BUILTIN_H

#include <stddef.h>

typedef struct wol_prompt_builtin {
	const char *name; /* file name without ".md", e.g. "week-03" */
	const char *text; /* the whole file */
} wol_prompt_builtin;

extern const wol_prompt_builtin wol_prompt_builtins[];
extern const size_t wol_prompt_nbuiltins;

#endif
