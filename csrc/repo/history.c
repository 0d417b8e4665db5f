/* history.c - who changed what in a circle's history.
 *
 * Git is the truth: a member may edit the repository with plain git, and
 * what they commit stays. But the format gives each file an owner and
 * writes records once (doc/format.md), so some changes are ones wol itself
 * never makes: another member's note or member file, a question, answer,
 * event or feedback record changed or removed, circle.md changed by someone
 * other than its creator. Those are found here, with the commit and its
 * author, for the sync's digest and the views to show. */
#include "repo/history.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The handle of a commit wol made: "<verb>(<handle>): ..." with a Wol-Kind
 * trailer. Written into buf; 0 when the message is not wol's. */
static int subject_handle(const char *msg, char *buf, size_t size)
{
	if (!msg || !strstr(msg, "\nWol-Kind: "))
		return 0;
	const char *open = strchr(msg, '(');
	const char *nl = strchr(msg, '\n');
	if (!open || (nl && open > nl))
		return 0;
	const char *close = strchr(open, ')');
	size_t n = close ? (size_t)(close - open - 1) : 0;
	if (!close || close[1] != ':' || n == 0 || n >= size)
		return 0;
	memcpy(buf, open + 1, n);
	buf[n] = '\0';
	return wol_name_valid(buf);
}

/* members/<handle>.md of `tree`: handles and display names. */
static void load_members(git_repository *repo, git_tree *tree, wol_authors *a)
{
	git_tree_entry *dir = NULL;
	git_tree *mt = NULL;
	if (!tree || git_tree_entry_bypath(&dir, tree, "members") != 0 ||
	    git_tree_entry_type(dir) != GIT_OBJECT_TREE ||
	    git_tree_lookup(&mt, repo, git_tree_entry_id(dir)) != 0) {
		git_tree_entry_free(dir);
		git_error_clear();
		return;
	}
	size_t n = git_tree_entrycount(mt);
	a->m = calloc(n ? n : 1, sizeof *a->m);
	for (size_t i = 0; a->m && i < n; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(mt, i);
		const char *fname = git_tree_entry_name(e);
		size_t fl = strlen(fname);
		if (fl < 4 || strcmp(fname + fl - 3, ".md") != 0 ||
		    git_tree_entry_type(e) != GIT_OBJECT_BLOB)
			continue;
		char *handle = wol_strndup(fname, fl - 3);
		git_blob *blob = NULL;
		wol_doc doc;
		if (!handle || !wol_name_valid(handle) ||
		    git_blob_lookup(&blob, repo, git_tree_entry_id(e)) != 0 ||
		    git_blob_rawsize(blob) > (1 << 20) ||
		    wol_doc_parse(git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob), fname, &doc,
		                  NULL) != 0) {
			free(handle);
			git_blob_free(blob);
			git_error_clear();
			continue;
		}
		const char *name = wol_yaml_str(doc.meta, "name");
		wol_member *m = &a->m[a->n++];
		m->handle = handle;
		m->name = name && *name ? wol_strfmt("%s", name) : NULL;
		wol_doc_free(&doc);
		git_blob_free(blob);
	}
	git_tree_free(mt);
	git_tree_entry_free(dir);
}

int wol_authors__load(git_repository *repo, const git_oid *at, wol_authors *a)
{
	memset(a, 0, sizeof *a);
	git_oid tip;
	if (at)
		git_oid_cpy(&tip, at);
	else if (git_reference_name_to_id(&tip, repo, "HEAD") != 0) {
		git_error_clear();
		return 0;
	}
	git_commit *tc = NULL;
	git_tree *tree = NULL;
	if (git_commit_lookup(&tc, repo, &tip) == 0 && git_commit_tree(&tree, tc) == 0)
		load_members(repo, tree, a);
	git_tree_free(tree);
	git_commit_free(tc);
	/* the creator: the author of the first commit (the one with no parent) */
	git_revwalk *w = NULL;
	git_oid oid;
	if (git_revwalk_new(&w, repo) == 0 && git_revwalk_push(w, &tip) == 0) {
		git_revwalk_sorting(w, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
		if (git_revwalk_next(&oid, w) == 0) {
			git_commit *cm = NULL;
			if (git_commit_lookup(&cm, repo, &oid) == 0) {
				const git_signature *s = git_commit_author(cm);
				char subj[WOL_HANDLE_MAX + 1];
				const char *h = wol_authors__handle(a, s);
				if (!h && subject_handle(git_commit_message(cm), subj, sizeof subj))
					h = subj;
				a->creator = wol_strfmt("%s", h ? h : s && s->name ? s->name : "");
				git_commit_free(cm);
			}
		}
	}
	git_revwalk_free(w);
	git_error_clear();
	return 0;
}

void wol_authors__free(wol_authors *a)
{
	if (!a)
		return;
	wol_members_free(a->m, a->n);
	free(a->creator);
	memset(a, 0, sizeof *a);
}

int wol_author__matches(const char *handle, const char *member_name, const char *name,
                        const char *email)
{
	if (name && member_name && strcmp(name, member_name) == 0)
		return 1;
	size_t hl = strlen(handle);
	return email && strncasecmp(email, handle, hl) == 0 && email[hl] == '@';
}

const char *wol_authors__handle(const wol_authors *a, const git_signature *sig)
{
	if (!a || !sig)
		return NULL;
	/* a name first: a handle that is also the start of someone's email
	 * must not win over the member who has that name */
	for (size_t i = 0; i < a->n; i++)
		if (wol_author__matches(a->m[i].handle, a->m[i].name, sig->name, NULL))
			return a->m[i].handle;
	for (size_t i = 0; i < a->n; i++)
		if (wol_author__matches(a->m[i].handle, NULL, NULL, sig->email))
			return a->m[i].handle;
	return NULL;
}

/* The owner named by a path in a member's folder or member file:
 * notes/<owner>/... or members/<owner>.md; its length, 0 when none. */
static size_t owner_of(const char *path, const char **owner)
{
	const char *slash;
	if (strncmp(path, "notes/", 6) == 0 && (slash = strchr(path + 6, '/')) != NULL) {
		*owner = path + 6;
		return (size_t)(slash - path - 6);
	}
	if (strncmp(path, "members/", 8) == 0 && !strchr(path + 8, '/')) {
		size_t n = strlen(path + 8);
		if (n > 3 && strcmp(path + 8 + n - 3, ".md") == 0) {
			*owner = path + 8;
			return n - 3;
		}
	}
	return 0;
}

/* Whether `path` is a record the format writes once: a question, an
 * answer, an event, a feedback record. */
static int written_once(const char *path)
{
	if (strncmp(path, "questions/", 10) == 0) {
		const char *rest = strchr(path + 10, '/');
		if (!rest)
			return 0;
		rest++;
		return strcmp(rest, "question.md") == 0 ||
		       ((strncmp(rest, "answers/", 8) == 0 || strncmp(rest, "events/", 7) == 0) &&
		        !strchr(strchr(rest, '/') + 1, '/'));
	}
	if (strncmp(path, "feedback/", 9) == 0) {
		const char *rest = strchr(path + 9, '/');
		return rest && !strchr(rest + 1, '/');
	}
	return 0;
}

/* The one rule: is this change one wol never makes? `who` is the member
 * who made it (NULL: not a member). Returns how to call it, or NULL. */
static const char *outside_rule(const char *path, git_delta_t st, const char *who,
                                const char *creator)
{
	const char *what = st == GIT_DELTA_ADDED ? "added" : st == GIT_DELTA_DELETED ? "removed" : "edited";
	const char *owner;
	size_t on = owner_of(path, &owner);
	if (on)
		return who && strlen(who) == on && strncmp(who, owner, on) == 0 ? NULL : what;
	if (written_once(path))
		return st == GIT_DELTA_ADDED ? NULL : what;
	if (strcmp(path, "circle.md") == 0)
		return st == GIT_DELTA_ADDED || (who && creator && strcmp(who, creator) == 0) ? NULL : what;
	return NULL;
}

/* The entry at `prefix` (without its trailing '/') in `tree`: its oid, or
 * zeros when absent. */
static void prefix_oid(git_tree *tree, const char *prefix, git_oid *out)
{
	memset(out, 0, sizeof *out);
	if (!tree)
		return;
	if (!prefix || !*prefix) {
		git_oid_cpy(out, git_tree_id(tree));
		return;
	}
	char buf[512];
	size_t n = strlen(prefix);
	if (n >= sizeof buf)
		return;
	memcpy(buf, prefix, n + 1);
	if (n && buf[n - 1] == '/')
		buf[n - 1] = '\0';
	git_tree_entry *e = NULL;
	if (git_tree_entry_bypath(&e, tree, buf) == 0) {
		git_oid_cpy(out, git_tree_entry_id(e));
		git_tree_entry_free(e);
	}
	git_error_clear();
}

/* Whether `tree` holds `id` at `path` (a zero id: holds nothing there). */
static int holds(git_tree *tree, const char *path, const git_oid *id)
{
	git_tree_entry *e = NULL;
	int there = tree && git_tree_entry_bypath(&e, tree, path) == 0;
	git_error_clear();
	int same = there ? git_oid_equal(git_tree_entry_id(e), id) : git_oid_is_zero(id);
	git_tree_entry_free(e);
	return same;
}

static int push_change(wol_change **v, size_t *n, size_t *cap, const wol_change *ch)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 32;
		wol_change *nv = realloc(*v, nc * sizeof *nv);
		if (!nv)
			return -1;
		*v = nv;
		*cap = nc;
	}
	(*v)[(*n)++] = *ch;
	return 0;
}

int wol_history__changes(git_repository *repo, const wol_authors *a, const char *prefix,
                         const git_oid *tip, const git_oid *hide, wol_change **out, size_t *n,
                         wol_error *err)
{
	*out = NULL;
	*n = 0;
	size_t cap = 0;
	git_revwalk *w = NULL;
	int grc = git_revwalk_new(&w, repo);
	if (grc == 0)
		grc = git_revwalk_push(w, tip);
	if (grc == 0 && hide)
		grc = git_revwalk_hide(w, hide);
	if (grc < 0) {
		git_revwalk_free(w);
		return wol_error_git(err, grc, "history");
	}
	git_revwalk_sorting(w, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
	char *specs[1] = {(char *)prefix};
	git_diff_options dopts;
	git_diff_options_init(&dopts, GIT_DIFF_OPTIONS_VERSION);
	if (prefix && *prefix) {
		dopts.pathspec.strings = specs;
		dopts.pathspec.count = 1;
	}
	int rc = 0;
	git_oid oid;
	for (int steps = 0; rc == 0 && steps < WOL_HISTORY_MAX && git_revwalk_next(&oid, w) == 0;
	     steps++) {
		git_commit *cm = NULL;
		git_tree *t = NULL, *pt[8] = {0};
		git_diff *diff = NULL;
		if (git_commit_lookup(&cm, repo, &oid) != 0 || git_commit_tree(&t, cm) != 0)
			goto next;
		unsigned np = git_commit_parentcount(cm);
		if (np > 8)
			np = 8;
		for (unsigned k = 0; k < np; k++) {
			git_commit *p = NULL;
			if (git_commit_parent(&p, cm, k) == 0)
				git_commit_tree(&pt[k], p);
			git_commit_free(p);
		}
		/* a commit that leaves the prefix as one of its parents has it
		 * changed nothing there itself */
		git_oid here, there;
		prefix_oid(t, prefix, &here);
		int same = 0;
		for (unsigned k = 0; k < np && !same; k++) {
			prefix_oid(pt[k], prefix, &there);
			same = git_oid_equal(&here, &there);
		}
		if (same || git_diff_tree_to_tree(&diff, repo, np ? pt[0] : NULL, t, &dopts) != 0)
			goto next;
		const git_signature *sig = git_commit_author(cm);
		char subj[WOL_HANDLE_MAX + 1];
		const char *who = wol_authors__handle(a, sig);
		if (!who && subject_handle(git_commit_message(cm), subj, sizeof subj))
			who = subj; /* a member whose git name changed since they joined */
		size_t nd = git_diff_num_deltas(diff);
		for (size_t i = 0; i < nd && rc == 0; i++) {
			const git_diff_delta *d = git_diff_get_delta(diff, i);
			const char *path = d->status == GIT_DELTA_DELETED ? d->old_file.path : d->new_file.path;
			int theirs = 0; /* a merge brought it from another parent */
			for (unsigned k = 1; k < np && !theirs; k++)
				theirs = holds(pt[k], path, &d->new_file.id);
			if (theirs)
				continue;
			wol_change ch;
			memset(&ch, 0, sizeof ch);
			ch.path = wol_strfmt("%s", path);
			git_oid_tostr(ch.commit, sizeof ch.commit, &oid);
			ch.author = wol_strfmt("%s", who ? who : sig && sig->name ? sig->name : "someone");
			ch.member = who != NULL;
			ch.status = d->status;
			ch.old_id = d->old_file.id;
			ch.new_id = d->new_file.id;
			ch.time = (long long)git_commit_time(cm);
			ch.outside = outside_rule(path, d->status, who, a ? a->creator : NULL);
			if (!ch.path || !ch.author || push_change(out, n, &cap, &ch) != 0) {
				free(ch.path);
				free(ch.author);
				rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
			}
		}
	next:
		git_error_clear();
		git_diff_free(diff);
		for (unsigned k = 0; k < 8; k++)
			git_tree_free(pt[k]);
		git_tree_free(t);
		git_commit_free(cm);
	}
	git_revwalk_free(w);
	git_error_clear();
	if (rc) {
		wol_changes__free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

void wol_changes__free(wol_change *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].path);
		free(v[i].author);
	}
	free(v);
}

char *wol_change__describe(const wol_change *ch)
{
	return wol_strfmt("%s by %s outside wol, commit %.8s", ch->outside ? ch->outside : "changed",
	                  ch->author, ch->commit);
}
