/* cli/ca.c - the system's CA bundle parsed when a connection needs it, not
 * when libgit2 starts.
 *
 * Debian's libgit2 is built with mbedTLS and its git_libgit2_init parses
 * the system's CA bundle (/etc/ssl/certs/ca-certificates.crt, ~140
 * certificates): ~10 ms of a `wol journal commit` or `wol share` that
 * never connects anywhere. libgit2 calls mbedTLS's parse through its own
 * dynamic symbol lookup, which finds this program's definition first (the
 * program exports it: cli/exports.list, the Makefile's CLI link). During
 * git_libgit2_init the call is handed to util/git.c, which records the
 * chain and the file and returns success without parsing; every network
 * operation calls wol_git_ca_load first (repo/remote.c), which does the
 * real parse into the same chain. Any other call (a certificate file a
 * user configured: GIT_SSL_CAINFO, http.sslCAInfo) is parsed at once.
 *
 * Where libgit2 uses OpenSSL instead, nothing calls this and nothing
 * changes. The module (lua/wol/core.so) does not define it: an editor
 * pays the parse once for its whole session. */
#include "util/util.h"

#include <dlfcn.h>
#include <link.h>
#include <string.h>

#define PARSE "mbedtls_x509_crt_parse_file"
/* MBEDTLS_ERR_X509_FILE_IO_ERROR: what mbedTLS says when it cannot read */
#define FILE_IO_ERROR (-0x2900)

typedef int (*parse_fn)(void *, const char *);

int mbedtls_x509_crt_parse_file(void *chain, const char *path) __attribute__((visibility("default")));

/* the names of the loaded objects; looked into once the walk is over
 * (dlopen inside dl_iterate_phdr's walk would take the loader's locks
 * within its own) */
struct names {
	const char *name[64];
	size_t n;
};

static int name_of(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	struct names *v = data;
	if (info->dlpi_name && *info->dlpi_name && v->n < sizeof v->name / sizeof *v->name)
		v->name[v->n++] = info->dlpi_name; /* "": the program itself */
	return 0;
}

/* The real function: where the program is linked with libgit2, the next
 * definition after ours (RTLD_NEXT); where the CLI loads libgit2 on first
 * use, out of the global scope, in the libraries libgit2 brought
 * (libmbedx509), which only a handle of a loaded object finds. */
static parse_fn real_parse(void)
{
	static parse_fn real;
	parse_fn r = __atomic_load_n(&real, __ATOMIC_ACQUIRE);
	if (r)
		return r;
	parse_fn self = mbedtls_x509_crt_parse_file;
	void *p = dlsym(RTLD_NEXT, PARSE);
	if (!p || (parse_fn)p == self) {
		p = NULL;
		struct names v = {.n = 0};
		dl_iterate_phdr(name_of, &v);
		for (size_t i = 0; i < v.n && !p; i++) {
			void *h = dlopen(v.name[i], RTLD_LAZY | RTLD_NOLOAD);
			if (!h)
				continue;
			p = dlsym(h, PARSE);
			if ((parse_fn)p == self)
				p = NULL;
			dlclose(h);
		}
	}
	if (p)
		__atomic_store_n(&real, (parse_fn)p, __ATOMIC_RELEASE);
	return (parse_fn)p;
}

int mbedtls_x509_crt_parse_file(void *chain, const char *path)
{
	parse_fn real = real_parse();
	if (!real)
		return FILE_IO_ERROR; /* nothing loaded: refuse rather than trust */
	if (wol_git__ca_defer(chain, path, real))
		return 0;
	return real(chain, path);
}
