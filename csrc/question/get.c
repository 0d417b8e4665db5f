/* question/get.c - one question with its thread, each record checked against
 * the commit that added it (forged authors) */
#include "question/question_int.h"

#include <git2.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct wanted {
	const char *path;
	const char *id;     /* the record's id (its commit says Wol-Id: <id>) */
	char *name, *email; /* of the commit that added it */
	int found;          /* 1 found, -1 not in HEAD (not committed) */
} wanted;

/* The oid of the entry at `path` in `tree`; 0 when it is there. */
static int entry_oid(git_tree *tree, const char *path, git_oid *out)
{
	git_tree_entry *e = NULL;
	if (!tree || git_tree_entry_bypath(&e, tree, path) != 0) {
		git_error_clear();
		return -1;
	}
	git_oid_cpy(out, git_tree_entry_id(e));
	git_tree_entry_free(e);
	return 0;
}

/* Whether commit cm holds `path` and none of its parents does. */
static int added_by(git_commit *cm, const char *path)
{
	git_tree *tree = NULL;
	git_oid tmp;
	int yes = git_commit_tree(&tree, cm) == 0 && entry_oid(tree, path, &tmp) == 0;
	git_tree_free(tree);
	unsigned np = git_commit_parentcount(cm);
	for (unsigned k = 0; yes && k < np; k++) {
		git_commit *p = NULL;
		git_tree *pt = NULL;
		if (git_commit_parent(&p, cm, k) == 0 && git_commit_tree(&pt, p) == 0 &&
		    entry_oid(pt, path, &tmp) == 0)
			yes = 0;
		git_tree_free(pt);
		git_commit_free(p);
	}
	git_error_clear();
	return yes;
}

/* For each wanted path (all below the folder `dir`) in HEAD: the author
 * of the commit that added it, i.e. a commit holding it whose parents
 * all lack it. The walk goes from HEAD back in time and stops when every
 * path is found; a commit whose `dir` equals one of its parents' is
 * skipped with one lookup. */
static void find_adders(wol_circle *c, const char *dir, wanted *w, size_t n)
{
	git_repository *repo = wol_circle_repo(c);
	git_revwalk *walk = NULL;
	git_commit *head = NULL;
	git_tree *ht = NULL;
	git_oid oid, tmp;
	size_t left = 0;
	if (git_reference_name_to_id(&oid, repo, "HEAD") != 0 ||
	    git_commit_lookup(&head, repo, &oid) != 0 || git_commit_tree(&ht, head) != 0) {
		git_commit_free(head);
		git_error_clear();
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (entry_oid(ht, w[i].path, &tmp) == 0)
			left++;
		else
			w[i].found = -1; /* not committed: nothing to compare */
	}
	git_tree_free(ht);
	git_commit_free(head);
	if (left == 0 || git_revwalk_new(&walk, repo) != 0 || git_revwalk_push(walk, &oid) != 0) {
		git_revwalk_free(walk);
		git_error_clear();
		return;
	}
	git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
	git_oid cur;
	/* first the quick way: wol's commits name the record they add in a
	 * Wol-Id trailer; such a hint counts only when the trees confirm that
	 * this commit added the file */
	while (left > 0 && git_revwalk_next(&cur, walk) == 0) {
		git_commit *cm = NULL;
		if (git_commit_lookup(&cm, repo, &cur) != 0) {
			git_error_clear();
			continue;
		}
		const char *msg = git_commit_message(cm);
		for (size_t i = 0; msg && i < n; i++) {
			if (w[i].found)
				continue;
			const char *hit = strstr(msg, "Wol-Id: ");
			size_t il = strlen(w[i].id);
			while (hit && !(strncmp(hit + 8, w[i].id, il) == 0 &&
			                (hit[8 + il] == '\n' || hit[8 + il] == '\0' || hit[8 + il] == '\r')))
				hit = strstr(hit + 8, "Wol-Id: ");
			if (!hit || !added_by(cm, w[i].path))
				continue;
			const git_signature *a = git_commit_author(cm);
			w[i].name = wol_strdup(a && a->name ? a->name : "");
			w[i].email = wol_strdup(a && a->email ? a->email : "");
			w[i].found = 1;
			left--;
		}
		git_commit_free(cm);
	}
	/* then, for commits made by other tools, the trees of the history */
	git_revwalk_reset(walk);
	if (left == 0 || git_revwalk_push(walk, &oid) != 0) {
		git_revwalk_free(walk);
		git_error_clear();
		return;
	}
	while (left > 0 && git_revwalk_next(&cur, walk) == 0) {
		git_commit *cm = NULL;
		git_tree *tree = NULL;
		git_oid here;
		if (git_commit_lookup(&cm, repo, &cur) != 0 || git_commit_tree(&tree, cm) != 0 ||
		    entry_oid(tree, dir, &here) != 0) {
			git_tree_free(tree);
			git_commit_free(cm);
			git_error_clear();
			continue;
		}
		unsigned np = git_commit_parentcount(cm);
		git_tree *ptrees[8] = {0};
		if (np > 8)
			np = 8;
		int same = 0;
		for (unsigned k = 0; k < np; k++) {
			git_commit *p = NULL;
			git_oid there;
			if (git_commit_parent(&p, cm, k) == 0 && git_commit_tree(&ptrees[k], p) == 0 &&
			    entry_oid(ptrees[k], dir, &there) == 0 && git_oid_equal(&here, &there))
				same = 1;
			git_commit_free(p);
		}
		for (size_t i = 0; !same && i < n; i++) {
			if (w[i].found || entry_oid(tree, w[i].path, &tmp) != 0)
				continue;
			int anywhere = 0;
			for (unsigned k = 0; k < np && !anywhere; k++)
				anywhere = entry_oid(ptrees[k], w[i].path, &tmp) == 0;
			if (anywhere)
				continue;
			const git_signature *a = git_commit_author(cm);
			w[i].name = wol_strdup(a && a->name ? a->name : "");
			w[i].email = wol_strdup(a && a->email ? a->email : "");
			w[i].found = 1;
			left--;
		}
		for (unsigned k = 0; k < np; k++)
			git_tree_free(ptrees[k]);
		git_tree_free(tree);
		git_commit_free(cm);
	}
	git_revwalk_free(walk);
	git_error_clear();
}

/* The display name in members/<handle>.md, or NULL (not a member). */
static char *member_name(wol_circle *c, const char *handle)
{
	char *rel = wol_strfmt("members/%s.md", handle);
	char *text = NULL, *out = NULL;
	size_t len;
	if (rel && wol_circle__read(c, rel, Q_READ_MAX, &text, &len, NULL) == 0) {
		wol_doc doc;
		if (wol_doc_parse(text, len, rel, &doc, NULL) == 0) {
			const char *nm = wol_yaml_str(doc.meta, "name");
			out = wol_strfmt("%s", nm ? nm : handle);
			wol_doc_free(&doc);
		}
		free(text);
	}
	free(rel);
	return out;
}

/* Marks records whose adding commit was made by someone other than the
 * member named as the author: the commit's author name is compared with
 * the display name in members/<author>.md (both come from the member's
 * user.name), and an email "<author>@..." counts as a match too. */
void wol_question__check_forged(wol_circle *c, const char *dir, wol_qrecord *recs, size_t n)
{
	wanted *w = n ? calloc(n, sizeof *w) : NULL;
	if (!w)
		return;
	for (size_t i = 0; i < n; i++) {
		w[i].path = recs[i].path;
		w[i].id = recs[i].id;
	}
	find_adders(c, dir, w, n);
	for (size_t i = 0; i < n; i++) {
		if (w[i].found != 1)
			continue;
		recs[i].committer = wol_strfmt("%s <%s>", w[i].name, w[i].email);
		char *mname = member_name(c, recs[i].author);
		size_t hl = strlen(recs[i].author);
		int email_ok = strncasecmp(w[i].email, recs[i].author, hl) == 0 && w[i].email[hl] == '@';
		char *note = NULL;
		if (!mname)
			note = wol_strfmt("author '%s' is not a member of the circle (committed by %s <%s>)",
			                  recs[i].author, w[i].name, w[i].email);
		else if (strcmp(mname, w[i].name) != 0 && !email_ok)
			note = wol_strfmt("says it is by %s, but was committed by %s <%s> (members/%s.md "
			                  "names %s)",
			                  recs[i].author, w[i].name, w[i].email, recs[i].author, mname);
		free(mname);
		if (note) {
			recs[i].forged = 1;
			if (recs[i].note) {
				char *both = wol_strfmt("%s; %s", recs[i].note, note);
				free(note);
				note = both;
			}
			free(recs[i].note);
			recs[i].note = note;
		}
	}
	for (size_t k = 0; k < n; k++) {
		free(w[k].name);
		free(w[k].email);
	}
	free(w);
}

int wol_question_get(wol_circle *c, const char *ref, wol_question *out, wol_error *err)
{
	memset(out, 0, sizeof *out);
	char *qid = NULL;
	int rc = wol_question_find(c, ref, &qid, err);
	if (rc)
		return rc;
	wol_qloaded l;
	wol_strv warn = {0};
	rc = wol_question__load(wol_circle_path(c), qid, &l, &warn, err);
	free(qid);
	if (rc) {
		wol_strv_free(warn.v, warn.n);
		return rc;
	}
	if (wol_question__replay(&l, out, &warn) != 0 || wol_question__summarize(c, &l, out) != 0)
		warn.oom = 1;
	/* the thread: the question first, then the rest in replay order */
	wol_qrecord *recs = warn.oom ? NULL : calloc(l.n + 1, sizeof *recs);
	if (recs) {
		recs[0] = l.q;
		memset(&l.q, 0, sizeof l.q);
		for (size_t i = 0; i < l.n; i++)
			recs[i + 1] = l.rec[i];
		out->records = recs;
		out->nrecords = l.n + 1;
		free(l.rec);
		l.rec = NULL;
		l.n = 0;
		char *dir = wol_strfmt("questions/%s", out->id);
		if (dir)
			wol_question__check_forged(c, dir, recs, out->nrecords);
		free(dir);
		for (size_t i = 0; i < out->nrecords; i++)
			if (recs[i].forged) {
				out->forged = 1;
				wol_strv_add(&warn, wol_strfmt("wol: %s: %s", recs[i].path, recs[i].note));
			}
	} else {
		warn.oom = 1;
	}
	wol_question__loaded_free(&l);
	if (warn.oom) {
		wol_strv_free(warn.v, warn.n);
		wol_question_free(out);
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	out->warnings = warn.v;
	out->nwarnings = warn.n;
	return 0;
}
