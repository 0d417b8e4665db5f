/* cli/lazylib.c - libraries the `wol` CLI loads when a command first calls
 * them (libgit2, libcrypto, sqlite, libyaml, cJSON, cmark: LAZY_PKGS in the
 * Makefile).
 *
 * Most commands people type in a shell (prompt, log, journal --path) never
 * touch git or the index, yet a binary linked against libgit2 pays at every
 * start for mapping and relocating it and the 15 libraries it brings (TLS,
 * SSH, Kerberos), and sqlite's 1,600 symbol relocations: most of such a
 * process's instructions. So the CLI is not linked against them.
 * tools/lazylib.sh generates, from the objects' undefined symbols, one
 * trampoline per function the code calls and a descriptor per library; the
 * first call of any trampoline of a library lands here, with every argument
 * register saved, and this fills the library's whole table. When the library cannot be loaded the command
 * cannot go on: one message `wol: libgit2: <why>` and exit status 1.
 *
 * Initialising libgit2 is another matter, kept where it was
 * (csrc/util/git.c, wol_git_ready): loading only maps the code. On other
 * architectures, or without the generator's tools, the Makefile links the
 * CLI normally and nothing calls this. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* As tools/lazylib.sh lays it out. */
struct wol_lazylib {
	const char *name;    /* "libgit2", for the message */
	const char *soname;  /* what dlopen is given */
	const char *symbols; /* the names, each ending in NUL, then an empty one */
	void **table;        /* one slot per name, in the same order */
	unsigned long count;
	const char *own;     /* a file in the program's folder, tried first; or NULL */
};

void wol_lazylib_load(struct wol_lazylib *lib);

/* Not RTLD_DEEPBIND, although it makes loading sqlite cheaper (its own
 * symbols found first: 1.33 M -> 0.97 M instructions): memory crosses
 * between the libraries and this program (cmark_render_html's result is
 * released with free(), export/html.c), and with an allocator preloaded
 * (LD_PRELOAD=libjemalloc.so) a deep-bound library would take malloc from
 * libc while the program frees into the preloaded one. */
#define LAZY_FLAGS (RTLD_NOW | RTLD_LOCAL)

/* The library `file` in the folder of this program, or NULL. The folder is
 * the one /proc/self/exe names (a link to the program is followed), not
 * dlopen's "$ORIGIN", which is the folder of the object calling dlopen: of
 * the sanitizer's runtime when that intercepts dlopen. */
static void *load_own(const char *file)
{
	char path[4096];
	ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
	if (n <= 0 || (size_t)n >= sizeof path - 1)
		return NULL;
	path[n] = '\0';
	char *slash = strrchr(path, '/');
	if (!slash || (size_t)(slash + 1 - path) + strlen(file) >= sizeof path)
		return NULL;
	strcpy(slash + 1, file);
	return dlopen(path, LAZY_FLAGS);
}

static pthread_mutex_t lazy_mutex = PTHREAD_MUTEX_INITIALIZER;

static void lazy_fail(const struct wol_lazylib *lib, const char *why)
{
	fflush(stdout);
	fprintf(stderr, "wol: %s: %s\n", lib->name, why ? why : "cannot be loaded");
	/* not exit(): nothing at exit may call into the library again */
	_exit(1);
}

void wol_lazylib_load(struct wol_lazylib *lib)
{
	pthread_mutex_lock(&lazy_mutex);
	/* another thread may have loaded it while this one waited */
	if (__atomic_load_n(&lib->table[lib->count - 1], __ATOMIC_ACQUIRE)) {
		pthread_mutex_unlock(&lazy_mutex);
		return;
	}
	/* A library of the program's own (sqlite: bin/wol-sqlite3.so, built
	 * by the Makefile from the system's static libsqlite3.a and bound to
	 * itself, -Bsymbolic) relocates in a fraction of the time the
	 * system's takes: Debian's libsqlite3.so has its ~1,500 calls and
	 * pointers to its own functions looked up by name through every
	 * loaded object (bench/ANALYSIS.md, "CLI search, third round"). When
	 * it is not there (a program copied without it, a build without the
	 * static library) the system's does the same work. */
	void *h = lib->own ? load_own(lib->own) : NULL;
	if (!h)
		h = dlopen(lib->soname, LAZY_FLAGS);
	if (!h)
		lazy_fail(lib, dlerror());
	const char *s = lib->symbols;
	for (unsigned long i = 0; i < lib->count; i++, s += strlen(s) + 1) {
		dlerror();
		void *p = dlsym(h, s);
		if (!p)
			lazy_fail(lib, dlerror());
		/* the trampolines read without the lock: a slot is set only
		 * once the library is fully mapped */
		__atomic_store_n(&lib->table[i], p, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&lazy_mutex);
}
