/* prompt_builtin.h - the built-in prompts, parsed at build time: the
 * Markdown files of prompts/builtin/ read by tools/embed_prompts.c with the
 * engine's own parser (wol_prompt__parse_entry, csrc/prompt/parse.c), which
 * writes each one's entry (rule, value, date, source, and the parsed title,
 * text, challenge, questions and tags) into build/gen/builtin_prompts.c. A
 * built-in the parser warns about fails the build. So a process chooses the
 * day's prompt without parsing any built-in, and the entries are the same
 * as a parse at run time would make. Private to csrc/prompt/; never
 * written, never freed. */
#ifndef WOL_PROMPT_BUILTIN_H
#define WOL_PROMPT_BUILTIN_H

#include "prompt/prompt_int.h"

extern const entry wol_prompt_builtins[]; /* in the byte order of their file names */
extern const size_t wol_prompt_nbuiltins;

#endif
