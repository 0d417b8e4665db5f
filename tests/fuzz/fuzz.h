/* fuzz.h - shared helpers of the fuzz targets in tests/fuzz/ (libFuzzer
 * entry points; replay.c drives the same targets from a gcc build). */
#ifndef WOL_FUZZ_H
#define WOL_FUZZ_H

#include "wol.h"
/* the targets drive the library from inside: its internal helpers too */
#include "util/util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Stops the run with a message: libFuzzer (and replay) record the input. */
#define FUZZ_CHECK(cond, ...)                                                      \
	do {                                                                           \
		if (!(cond)) {                                                             \
			fprintf(stderr, "fuzz check failed: %s (%s:%d): ", #cond, __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__);                                          \
			fputc('\n', stderr);                                                   \
			abort();                                                               \
		}                                                                          \
	} while (0)

/* A NUL-terminated copy of the input. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* A private temporary directory with a HOME holding a git identity and a
 * WOL_HOME, made once per process; returns the WOL_HOME path. */
static inline const char *fuzz_home(void)
{
	static char home[256];
	if (home[0])
		return home;
	char tmpl[] = "/tmp/wol-fuzz.XXXXXX";
	const char *base = getenv("WOL_FUZZ_TMP");
	char *dir = base && *base ? strdup(base) : strdup(mkdtemp(tmpl));
	if (!dir)
		abort();
	char path[300];
	snprintf(path, sizeof path, "%s/.gitconfig", dir);
	FILE *f = fopen(path, "w");
	if (!f)
		abort();
	fputs("[user]\n\tname = Fuzz\n\temail = fuzz@example.org\n[wol]\n\thandle = fuzz\n", f);
	fclose(f);
	setenv("HOME", dir, 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("GIT_CONFIG_GLOBAL");
	unsetenv("WOL_CIRCLE");
	snprintf(home, sizeof home, "%s/wol", dir);
	free(dir);
	return home;
}

/* Writes (replacing) a file, creating its directories. */
static inline void fuzz_write(const char *path, const void *data, size_t len)
{
	wol_error err;
	char *dir = strdup(path);
	char *slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		if (wol_fs_mkdirs(dir, 0700, &err) != 0)
			abort();
	}
	free(dir);
	FILE *f = fopen(path, "wb");
	if (!f)
		abort();
	if (len && fwrite(data, 1, len, f) != len)
		abort();
	fclose(f);
}

/* Error messages are one line starting "wol: ". */
static inline void fuzz_check_msg(const char *msg)
{
	FUZZ_CHECK(strncmp(msg, "wol: ", 5) == 0, "message without prefix: %s", msg);
	FUZZ_CHECK(strchr(msg, '\n') == NULL, "message with a line break: %s", msg);
}

#endif
