/* util/mem.c - the C library's allocator set for a build's working set.
 *
 * A build from nothing (index/refresh.c, build_fresh) holds the terms of
 * every file in FTS5's in-memory table (~64 MB in many small blocks) and
 * visits them in no order: each token looks its term up there. With
 * glibc's defaults that costs twice over. Freed memory at the top of the
 * heap goes back to the kernel and comes again as fresh pages, each one
 * a page fault (bench/index.sh's build: ~44,000 faults, a third of its
 * time on a virtual machine where a fault is dear); and with 4 KB pages
 * almost every lookup also misses the TLB. So the process keeps what it
 * freed, grows its heap once by what the build will need, and asks the
 * kernel to back that with 2 MB pages where the kernel lets a program ask
 * (transparent huge pages in "madvise" or "always" mode): ~1,500 faults,
 * 15-25 % less time (bench/ANALYSIS.md, "Full build, seventh round").
 *
 * The settings last for the rest of the process, so only a program that
 * owns its process asks for them (wol_allow_bulk_memory: the CLI, whose
 * process ends after the command), never the module inside an editor. */
#include "util/util.h"

#include <stdint.h>
#include <stdlib.h>

#if defined(__GLIBC__)
#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>
#endif

static int bulk_allowed;
static int bulk_done;

void wol_allow_bulk_memory(void)
{
	bulk_allowed = 1;
}

void wol_mem_bulk_begin(size_t bytes)
{
#if defined(__GLIBC__) && defined(M_TOP_PAD) && defined(MADV_HUGEPAGE)
	if (!bulk_allowed || bulk_done)
		return;
	bulk_done = 1;
	/* what is freed stays in the process; blocks up to 32 MB (glibc's
	 * most) come from the heap, not from mappings of their own */
	mallopt(M_TRIM_THRESHOLD, INT32_MAX);
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	/* the heap's next growth reaches `bytes` past what is asked: grown
	 * now by one block bigger than any free one, then given back to the
	 * heap (kept there: no trimming) */
	const uintptr_t huge = 2u << 20;
	mallopt(M_TOP_PAD, (int)(bytes < INT32_MAX ? bytes : INT32_MAX));
	char *before = sbrk(0);
	void *volatile grow = malloc(1 << 20); /* (volatile: kept, not optimised out) */
	char *after = sbrk(0);
	free(grow);
	mallopt(M_TOP_PAD, 128 << 10); /* glibc's default again */
	/* the whole 2 MB units of the new part (a heap that could not grow
	 * with brk, as under a preloaded allocator, did not move: nothing) */
	uintptr_t lo = ((uintptr_t)before + huge - 1) & ~(huge - 1);
	uintptr_t hi = (uintptr_t)after & ~(huge - 1);
	if (before != (char *)-1 && hi > lo)
		(void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
#else
	(void)bytes;
#endif
}
