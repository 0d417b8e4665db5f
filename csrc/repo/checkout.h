/* checkout.h - the first checkout of a clone made without one (checkout.c) */
#ifndef WOL_REPO_CHECKOUT_H
#define WOL_REPO_CHECKOUT_H

#include <git2.h>

#include "util/util.h"

/* Progress of a checkout: files written of total. Non-zero asks to stop
 * (honoured by our writer; libgit2's checkout cannot stop, and the call
 * fails after it). */
typedef int (*wol_checkout_cb)(size_t done, size_t total, void *payload);

/* Writes the tree of HEAD into the empty work tree of `repo` (cloned with
 * GIT_CHECKOUT_NONE: no index yet) and writes its index, as `git clone`
 * leaves them: `git status` clean, the index entries with the stat data of
 * the files. Files are written by us when the tree and the configuration
 * hold nothing that git would write otherwise than byte for byte (see
 * checkout.c); otherwise libgit2's checkout does it. 0, or a WOL_E* code
 * with err set ("<what>: ..."); asked to stop: WOL_EINVAL "<what>:
 * cancelled". */
int wol_checkout__fresh(git_repository *repo, const char *what, wol_checkout_cb cb, void *payload,
                        wol_error *err);

#endif
