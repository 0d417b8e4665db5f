/* history.h - who changed what in a circle's history, and which changes wol
 * itself never makes (csrc/repo/history.c). Not API: the sync digest, the
 * question thread and the note list ask it. */
#ifndef WOL_HISTORY_H
#define WOL_HISTORY_H

#include <git2.h>

#include "util/util.h"

/* The members of a circle, to tell which member made a commit. */
typedef struct wol_authors {
	wol_member *m;
	size_t n;
	char *creator; /* who made the circle (the first commit), handle or name */
} wol_authors;

/* From the members/ files of commit `at` (NULL: HEAD). */
int wol_authors__load(git_repository *repo, const git_oid *at, wol_authors *a);
void wol_authors__free(wol_authors *a);
/* The rule: a commit author (name, email) is the member `handle` when the
 * name is the one in members/<handle>.md (member_name; both come from
 * user.name) or the email is <handle>@... */
int wol_author__matches(const char *handle, const char *member_name, const char *name,
                        const char *email);
/* The handle of the member who made a commit: the one whose
 * members/<handle>.md names the author (both come from user.name), or whose
 * handle is the local part of the author's email. NULL: none. */
const char *wol_authors__handle(const wol_authors *a, const git_signature *sig);

/* One path changed by one commit. */
typedef struct wol_change {
	char *path;
	char commit[GIT_OID_HEXSZ + 1];
	char *author;     /* the member's handle, else the commit author's name */
	int member;       /* author is a member's handle */
	git_delta_t status;
	git_oid old_id;   /* the blob before (modified, deleted) */
	git_oid new_id;   /* the blob after (added, modified) */
	long long time;   /* the commit's time */
	const char *outside; /* "edited", "removed", "added": a change wol itself never makes
	                      * (another member's note or member file, a record written once,
	                      * circle.md by someone other than its creator); NULL otherwise */
} wol_change;

/* The changes of the commits reachable from `tip` and not from `hide` (NULL:
 * the whole history), newest first, each commit against its parent. A
 * merge counts only for what it changed itself (a path that matches none
 * of its parents). `prefix` ("questions/<qid>/", "notes/"; NULL: all)
 * limits the paths; commits that leave it alone cost one lookup. At most
 * WOL_HISTORY_MAX commits are looked at. */
#define WOL_HISTORY_MAX 20000
int wol_history__changes(git_repository *repo, const wol_authors *a, const char *prefix,
                         const git_oid *tip, const git_oid *hide, wol_change **out, size_t *n,
                         wol_error *err);
void wol_changes__free(wol_change *v, size_t n);

/* "edited by mallory outside wol, commit 1a2b3c4d": how views show one. */
char *wol_change__describe(const wol_change *ch);

#endif
