/* qstate.c - a question's state from its event records, for the index.
 *
 * Kept small on purpose: the questions feature owns the full rules (edit,
 * retract, thanks) and should take this over. Here only resolve and reopen
 * by the asker count; everything else leaves the state as it is. */
#include "index_int.h"

#include <stdlib.h>
#include <string.h>

static int cmp_event(const void *a, const void *b)
{
	const wol_qevent *x = a, *y = b;
	if (x->lamport != y->lamport)
		return x->lamport < y->lamport ? -1 : 1;
	return strcmp(x->id ? x->id : "", y->id ? y->id : "");
}

const char *wol_qstate_replay(const char *asker, wol_qevent *ev, size_t n)
{
	if (n > 1)
		qsort(ev, n, sizeof *ev, cmp_event);
	const char *state = "open";
	for (size_t i = 0; i < n; i++) {
		if (!asker || !ev[i].author || strcmp(ev[i].author, asker) != 0 || !ev[i].kind)
			continue;
		if (strcmp(ev[i].kind, "resolve") == 0)
			state = "resolved";
		else if (strcmp(ev[i].kind, "reopen") == 0)
			state = "open";
	}
	return state;
}
