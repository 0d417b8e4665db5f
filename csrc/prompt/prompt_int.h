/* prompt/prompt_int.h - the prompt engine's parts; not the API.
 * parse.c reads a prompt file (front matter and body) into an entry (at
 * build time too: tools/embed_prompts.c parses the built-ins with it),
 * cache.c keeps the parsed files of a context (the user's, a circle's) and
 * hands out the built-ins, day.c chooses the day's layers from them
 * (csrc/prompt/day.c says how). */
#ifndef WOL_PROMPT_INT_H
#define WOL_PROMPT_INT_H

#include "util/util.h"

#include <sys/stat.h>

#define PROMPT_MAX_BYTES (256 * 1024)
#define PROMPT_MAX_FILES 2000
#define WEEK_MAX WOL_CIRCLE_WEEKS_MAX /* the longest program, and week: of a prompt file */

enum rule { RULE_POOL, RULE_WEEKDAY, RULE_WEEK, RULE_DATE, RULE_COUNT };
enum origin { FROM_USER, FROM_CIRCLE, FROM_BUILTIN, FROM_COUNT };

/* One usable prompt file. */
typedef struct entry {
	enum rule rule;
	int value;      /* weekday 0..6 or week 1..WEEK_MAX */
	wol_date date;  /* RULE_DATE */
	int line;       /* line of the rule key, for warnings */
	char *source;   /* its path, or "builtin:<name>" */
	wol_prompt p;   /* the parsed content (title, text, challenge, questions, tags) */
} entry;

/* The usable prompts of one source for one lookup (pointing into the cache
 * or at the built-ins, which are constant: read only). */
typedef struct entries {
	const entry **v;
	size_t n, cap;
} entries;

typedef struct pcache pcache; /* cache.c */

/* parse.c */
void wol_prompt__warn(wol_strv *w, const char *file, int line, const char *fmt, ...)
    WOL_PRINTF(4, 5);
void wol_prompt__entry_free(entry *e);
void wol_prompt__entries_free(entries *es);
/* Reads one prompt file's text into e: 0, or -1 with a warning in w (the
 * file is skipped); a negative wol_code when out of memory. */
int wol_prompt__parse_entry(const char *text, size_t len, const char *file, wol_strv *w, entry *e);
int wol_prompt__entries_add(entries *es, const entry *e);

/* cache.c: the context's cache (NULL when out of memory), the usable
 * prompts of a folder (parsed again only when a file changed) added to es
 * with the warnings of the others in w, and the built-ins (parsed at build
 * time: csrc/prompt_builtin.h) added to es */
pcache *wol_prompt__cache(wol_ctx *ctx);
int wol_prompt__load_dir(pcache *c, const char *dir, int nofollow, entries *es, wol_strv *w);
int wol_prompt__load_builtins(entries *es);

#endif
