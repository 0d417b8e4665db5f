/* people/goal.c - a member's goal: `goal:` in members/<handle>.md of a
 * circle, set by a commit through wol_circle_commit, and its history read
 * from the repository with a libgit2 revwalk (no git subprocess). */
#include "people/people_int.h"
#include "repo/circle_priv.h"
#include "repo/history.h"
#include "format/circle_md.h"

#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MEMBER_MAX_BYTES (256 * 1024) /* as wol_circle_members reads them */

/* ------------------------------------------------------------ the text */

/* The goal in a member file's text: 0 and *goal (NULL when none). */
static int goal_of(const char *text, size_t len, const char *name, char **goal, wol_error *err)
{
	*goal = NULL;
	wol_doc doc;
	int rc = wol_doc_parse(text, len, name, &doc, err);
	if (rc)
		return rc;
	const char *g = wol_yaml_str(doc.meta, "goal");
	if (g && *g && !(*goal = wol_strfmt("%s", g)))
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
	wol_doc_free(&doc);
	return rc;
}

static int member_rel(const char *handle, char *buf, size_t size, wol_error *err)
{
	int rc = wol_name_check(handle, "goal: handle", err);
	if (rc)
		return rc;
	snprintf(buf, size, "members/%s.md", handle);
	return 0;
}

static void fill_words(wol_goal *g)
{
	g->words = g->text ? wol_goal_words(g->text) : 0;
	if (g->text && g->words > WOL_GOAL_WORDS)
		g->note = wol_strfmt("wol: the goal has %d words; a shorter goal (%d words or fewer) is "
		                     "easier to act on",
		                     g->words, WOL_GOAL_WORDS);
}

int wol_goal_get(wol_circle *c, const char *handle, wol_goal *out, wol_error *err)
{
	memset(out, 0, sizeof *out);
	if (!handle)
		handle = wol_circle_handle(c);
	char rel[WOL_HANDLE_MAX + 16];
	int rc = member_rel(handle, rel, sizeof rel, err);
	if (rc)
		return rc;
	out->circle = wol_strfmt("%s", wol_circle_name(c));
	out->handle = wol_strfmt("%s", handle);
	if (!out->circle || !out->handle) {
		wol_goal_free(out);
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	char *text = NULL;
	size_t len = 0;
	rc = wol_circle__read(c, rel, MEMBER_MAX_BYTES, &text, &len, err);
	if (rc == WOL_ENOTFOUND && strcmp(handle, wol_circle_handle(c)) == 0)
		return 0; /* not a member here (yet): no goal */
	if (rc == WOL_ENOTFOUND)
		rc = wol_error_set(err, WOL_ENOTFOUND, "goal: '%s' is not a member of %s", handle,
		                   wol_circle_name(c));
	if (rc == 0)
		rc = goal_of(text, len, rel, &out->text, err);
	free(text);
	if (rc) {
		wol_goal_free(out);
		return rc;
	}
	fill_words(out);
	return 0;
}

int wol_goal_set(wol_circle *c, const char *text, wol_goal *out, wol_error *err)
{
	memset(out, 0, sizeof *out);
	char *goal = NULL, *note = NULL;
	int rc = wol_goal_check(text, &goal, &note, err);
	if (rc)
		return rc;
	const char *handle = wol_circle_handle(c);
	char rel[WOL_HANDLE_MAX + 16];
	snprintf(rel, sizeof rel, "members/%s.md", handle);
	char *doc = NULL, *old = NULL, *msg = NULL;
	size_t len = 0;
	out->circle = wol_strfmt("%s", wol_circle_name(c));
	out->handle = wol_strfmt("%s", handle);
	out->text = goal;
	out->note = note;
	out->words = wol_goal_words(goal);
	if (!out->circle || !out->handle) {
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = wol_circle__member_with_goal(c, rel, goal, &doc, &len, &old, err)))
		goto done;
	if (old && strcmp(old, goal) == 0) {
		out->unchanged = 1;
	} else {
		/* the subject line: the goal's first words */
		char subject[72];
		size_t n = strlen(goal);
		if (n > 60) {
			n = 60;
			while (n > 40 && goal[n] != ' ')
				n--;
			while (n && ((unsigned char)goal[n] & 0xC0) == 0x80)
				n--; /* never cut a UTF-8 character */
		}
		snprintf(subject, sizeof subject, "%.*s%s", (int)n, goal, n < strlen(goal) ? "..." : "");
		msg = wol_strfmt("goal(%s): %s\n\nWol-Kind: goal\n", handle, subject);
		if (!msg) {
			rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
			goto done;
		}
		wol_commit_file f = {rel, doc, len};
		if ((rc = wol_circle_commit(c, &f, 1, msg, 0, out->commit, err)))
			goto done;
		out->unchanged = out->commit[0] == '\0';
	}
	wol_error aerr;
	if (wol_circle_ahead(c, &out->ahead, &aerr) != 0)
		out->ahead = 0;
done:
	free(doc);
	free(old);
	free(msg);
	if (rc)
		wol_goal_free(out);
	return rc;
}

void wol_goal_free(wol_goal *g)
{
	if (!g)
		return;
	free(g->circle);
	free(g->handle);
	free(g->text);
	free(g->note);
	memset(g, 0, sizeof *g);
}

/* -------------------------------------------------------------- history */

/* The goal in the blob `id` (zero: no file), "" when none. */
static char *blob_goal(git_repository *repo, const git_oid *id, const char *rel)
{
	if (git_oid_is_zero(id))
		return wol_strfmt("%s", "");
	git_blob *blob = NULL;
	if (git_blob_lookup(&blob, repo, id) < 0) {
		git_error_clear();
		return wol_strfmt("%s", "");
	}
	char *goal = NULL;
	size_t size = (size_t)git_blob_rawsize(blob);
	if (size <= MEMBER_MAX_BYTES &&
	    goal_of(git_blob_rawcontent(blob), size, rel, &goal, NULL) != 0)
		goal = NULL; /* unreadable then: as no goal */
	git_blob_free(blob);
	return goal ? goal : wol_strfmt("%s", "");
}

static int head_oid(wol_circle *c, git_oid *out, int *unborn, wol_error *err)
{
	*unborn = 0;
	int grc = git_reference_name_to_id(out, wol_circle_repo(c), "HEAD");
	if (grc == GIT_ENOTFOUND || grc == GIT_EUNBORNBRANCH) {
		git_error_clear();
		*unborn = 1;
		return 0;
	}
	return grc < 0 ? wol_error_git(err, grc, "goal: HEAD") : 0;
}

/* The date of a commit in its own time zone. */
static void commit_date(git_repository *repo, const char *hex, long long t, char date[11])
{
	git_oid id;
	git_commit *cm = NULL;
	int offset = 0;
	if (git_oid_fromstr(&id, hex) == 0 && git_commit_lookup(&cm, repo, &id) == 0)
		offset = git_commit_time_offset(cm);
	git_error_clear();
	git_commit_free(cm);
	time_t local = (time_t)(t + (long long)offset * 60);
	struct tm tm;
	gmtime_r(&local, &tm);
	wol_date_format((wol_date){tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday}, date);
}

int wol_goal_history_get(wol_circle *c, const char *handle, wol_goal_history *out,
                         wol_error *err)
{
	memset(out, 0, sizeof *out);
	if (!handle)
		handle = wol_circle_handle(c);
	char rel[WOL_HANDLE_MAX + 16];
	int rc = member_rel(handle, rel, sizeof rel, err);
	if (rc)
		return rc;
	if (!(out->handle = wol_strfmt("%s", handle)))
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	git_oid head;
	int unborn;
	if ((rc = head_oid(c, &head, &unborn, err)) || unborn) {
		if (rc)
			wol_goal_history_free(out);
		return rc;
	}
	/* the repository's one history walk (repo/history.c), limited to the
	 * member file: each commit against its parent, merges only for what
	 * they changed themselves; newest first */
	git_repository *repo = wol_circle_repo(c);
	wol_authors a;
	wol_change *ch = NULL;
	size_t n = 0;
	int have_authors = wol_authors__load(repo, NULL, &a) == 0;
	rc = wol_history__changes(repo, have_authors ? &a : NULL, rel, &head, NULL, &ch, &n, err);
	for (size_t k = n; rc == 0 && k-- > 0;) {
		char *was = blob_goal(repo, &ch[k].old_id, rel), *now = blob_goal(repo, &ch[k].new_id, rel);
		if (!was || !now) {
			rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		} else if (strcmp(was, now) != 0) {
			wol_goal_rev *nv = realloc(out->revs, (out->n + 1) * sizeof *nv);
			if (!nv) {
				rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
			} else {
				out->revs = nv;
				wol_goal_rev *r = &nv[out->n];
				memset(r, 0, sizeof *r);
				r->time = ch[k].time;
				commit_date(repo, ch[k].commit, ch[k].time, r->date);
				snprintf(r->commit, sizeof r->commit, "%s", ch[k].commit);
				r->author = wol_strfmt("%s", ch[k].author);
				r->outside = ch[k].outside != NULL;
				r->text = now;
				now = NULL;
				out->n++;
				if (!r->author)
					rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
			}
		}
		free(was);
		free(now);
	}
	wol_changes__free(ch, n);
	if (have_authors)
		wol_authors__free(&a);
	if (rc)
		wol_goal_history_free(out);
	return rc;
}

void wol_goal_history_free(wol_goal_history *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->n; i++) {
		free(h->revs[i].text);
		free(h->revs[i].author);
	}
	free(h->revs);
	free(h->handle);
	memset(h, 0, sizeof *h);
}

/* ------------------------------------------------- revisions, cached */

/* .git/wol-goals: "head <oid>" then "<handle> <changes>" lines, where
 * changes counts the commits that changed that member's goal (as the
 * history walk sees them: each commit against its parent, a merge only for
 * what it changed itself, so every change is counted once). */
typedef struct counts {
	char **handles;
	long *changes;
	size_t n;
	git_repository *repo;
	int oom;
} counts;

static long *count_slot(counts *k, const char *handle)
{
	for (size_t i = 0; i < k->n; i++)
		if (strcmp(k->handles[i], handle) == 0)
			return &k->changes[i];
	char **nh = realloc(k->handles, (k->n + 1) * sizeof *nh);
	if (nh)
		k->handles = nh;
	long *nc = nh ? realloc(k->changes, (k->n + 1) * sizeof *nc) : NULL;
	if (nc)
		k->changes = nc;
	char *h = nc ? wol_strfmt("%s", handle) : NULL;
	if (!h) {
		k->oom = 1;
		return NULL;
	}
	k->handles[k->n] = h;
	k->changes[k->n] = 0;
	return &k->changes[k->n++];
}

static void counts_free(counts *k)
{
	wol_strv_free(k->handles, k->n);
	free(k->changes);
}

static void read_cache(const char *path, git_oid *head, int *have, counts *k)
{
	*have = 0;
	char *text = NULL;
	size_t len;
	if (wol_fs_read(path, 4 * 1024 * 1024, 1, &text, &len, NULL) != 0)
		return;
	char *save = NULL;
	char *line = strtok_r(text, "\n", &save);
	if (line && strncmp(line, "head ", 5) == 0 && git_oid_fromstr(head, line + 5) == 0) {
		*have = 1;
		while (!k->oom && (line = strtok_r(NULL, "\n", &save))) {
			char *sp = strchr(line, ' ');
			if (!sp)
				continue;
			*sp = '\0';
			long *slot = wol_name_valid(line) ? count_slot(k, line) : NULL;
			if (slot)
				*slot = strtol(sp + 1, NULL, 10);
		}
	}
	if (!*have)
		git_error_clear();
	free(text);
}

static void write_cache(const char *path, const git_oid *head, const counts *k)
{
	wol_buf b;
	wol_buf_init(&b);
	char hex[GIT_OID_HEXSZ + 1];
	git_oid_tostr(hex, sizeof hex, head);
	wol_buf_printf(&b, "head %s\n", hex);
	for (size_t i = 0; i < k->n; i++)
		wol_buf_printf(&b, "%s %ld\n", k->handles[i], k->changes[i]);
	if (!b.oom) /* a cache: when it cannot be written, the next call walks again */
		wol_fs_write_atomic(path, b.ptr, b.len, 0644, NULL);
	wol_buf_free(&b);
}

int wol_goal_revisions(wol_circle *c, const char *const *handles, size_t n, long *out,
                       wol_error *err)
{
	for (size_t i = 0; i < n; i++)
		out[i] = 0;
	git_oid head;
	int unborn;
	int rc = head_oid(c, &head, &unborn, err);
	if (rc || unborn)
		return rc;
	git_repository *repo = wol_circle_repo(c);
	char *path = wol_strfmt("%swol-goals", git_repository_path(repo));
	if (!path)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	counts k = {NULL, NULL, 0, repo, 0};
	git_oid cached;
	int have;
	read_cache(path, &cached, &have, &k);
	if (have && !git_oid_equal(&cached, &head)) {
		/* only what is new since then, when then is part of now */
		if (git_graph_descendant_of(repo, &head, &cached) != 1) {
			git_error_clear();
			have = 0;
		}
	}
	if (!have) {
		counts_free(&k);
		memset(&k, 0, sizeof k);
		k.repo = repo;
	}
	if (!have || !git_oid_equal(&cached, &head)) {
		wol_change *ch = NULL;
		size_t nch = 0;
		rc = wol_history__changes(repo, NULL, "members/", &head, have ? &cached : NULL, &ch, &nch,
		                          err);
		for (size_t i = 0; rc == 0 && i < nch && !k.oom; i++) {
			const char *fname = ch[i].path + 8; /* after "members/" */
			size_t l = strlen(fname);
			char handle[WOL_HANDLE_MAX + 8];
			if (strchr(fname, '/') || l < 4 || l - 3 >= sizeof handle ||
			    strcmp(fname + l - 3, ".md") != 0)
				continue;
			memcpy(handle, fname, l - 3);
			handle[l - 3] = '\0';
			if (!wol_name_valid(handle))
				continue;
			char *was = blob_goal(repo, &ch[i].old_id, ch[i].path);
			char *now = blob_goal(repo, &ch[i].new_id, ch[i].path);
			if (!was || !now) {
				k.oom = 1;
			} else if (strcmp(was, now) != 0) {
				long *slot = count_slot(&k, handle);
				if (slot)
					(*slot)++;
			}
			free(was);
			free(now);
		}
		wol_changes__free(ch, nch);
		if (k.oom)
			rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		if (rc == 0)
			write_cache(path, &head, &k);
	}
	if (rc == 0 && k.oom)
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
	for (size_t i = 0; rc == 0 && i < n; i++)
		for (size_t j = 0; j < k.n; j++)
			if (handles[i] && strcmp(handles[i], k.handles[j]) == 0)
				out[i] = k.changes[j] > 1 ? k.changes[j] - 1 : 0;
	counts_free(&k);
	free(path);
	return rc;
}
