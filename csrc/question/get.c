/* question/get.c - one question with its thread, each record checked against
 * the commit that added it (forged authors) */
#include "question/question_int.h"
#include "repo/history.h"

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

/* A tree with the folders looked up in it so far: paths of records sit
 * in a few folders per question, and a folder's entries are then found by
 * name in it. Each folder is found in its parent's cached tree, so a big
 * folder (questions/ of a long-lived circle; big trees are not kept in
 * libgit2's object cache) is parsed once, not once per record. */
typedef struct tcache {
	git_tree *root;
	size_t n, cap;
	struct tdir {
		char *dir;
		size_t len;
		git_tree *sub; /* NULL: no such folder */
	} *d;
} tcache;

static void tc_free(tcache *tc)
{
	for (size_t k = 0; k < tc->n; k++) {
		free(tc->d[k].dir);
		git_tree_free(tc->d[k].sub);
	}
	free(tc->d);
	git_tree_free(tc->root);
	memset(tc, 0, sizeof *tc);
}

/* The tree of the folder dir[0..dl) ("" is the root), or NULL. */
static git_tree *tc_dir(tcache *tc, const char *dir, size_t dl)
{
	if (dl == 0 || !tc->root)
		return tc->root;
	for (size_t k = tc->n; k-- > 0;)
		if (tc->d[k].len == dl && memcmp(tc->d[k].dir, dir, dl) == 0)
			return tc->d[k].sub;
	size_t pl = dl;
	while (pl > 0 && dir[pl - 1] != '/')
		pl--;
	git_tree *parent = tc_dir(tc, dir, pl ? pl - 1 : 0);
	char *name = wol_strndup(dir + pl, dl - pl);
	char *key = wol_strndup(dir, dl);
	if (tc->n == tc->cap) {
		size_t nc = tc->cap ? tc->cap * 2 : 16;
		struct tdir *nd = realloc(tc->d, nc * sizeof *nd);
		if (nd) {
			tc->d = nd;
			tc->cap = nc;
		}
	}
	if (!name || !key || tc->n == tc->cap) {
		free(name);
		free(key);
		return NULL;
	}
	const git_tree_entry *e = parent ? git_tree_entry_byname(parent, name) : NULL;
	git_tree *sub = NULL;
	if (e && git_tree_entry_type(e) == GIT_OBJECT_TREE &&
	    git_tree_lookup(&sub, git_tree_owner(tc->root), git_tree_entry_id(e)) != 0) {
		sub = NULL;
		git_error_clear();
	}
	free(name);
	tc->d[tc->n].dir = key;
	tc->d[tc->n].len = dl;
	tc->d[tc->n].sub = sub;
	tc->n++;
	return sub;
}

/* The oid of the entry at `path`; 0 when it is there. */
static int tc_oid(tcache *tc, const char *path, git_oid *out)
{
	const char *slash = strrchr(path, '/');
	git_tree *t = tc_dir(tc, path, slash ? (size_t)(slash - path) : 0);
	const git_tree_entry *e = t ? git_tree_entry_byname(t, slash ? slash + 1 : path) : NULL;
	if (!e)
		return -1;
	git_oid_cpy(out, git_tree_entry_id(e));
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

static int cmp_wanted_id(const void *a, const void *b)
{
	return strcmp((*(wanted *const *)a)->id, (*(wanted *const *)b)->id);
}

static int cmp_wanted_path(const void *a, const void *b)
{
	return strcmp((*(wanted *const *)a)->path, (*(wanted *const *)b)->path);
}

static void set_found(wanted *w, git_commit *cm)
{
	const git_signature *a = git_commit_author(cm);
	w->name = wol_strdup(a && a->name ? a->name : "");
	w->email = wol_strdup(a && a->email ? a->email : "");
	w->found = 1;
}

/* The wanted records in the sorted `by` (cmp) equal to `key`: the first
 * one's index, and their number in *count. */
static size_t equal_range(wanted **by, size_t n, wanted *key, int (*cmp)(const void *, const void *),
                          size_t *count)
{
	wanted **at = bsearch(&key, by, n, sizeof *by, cmp);
	*count = 0;
	if (!at)
		return 0;
	size_t lo = (size_t)(at - by), hi = lo + 1;
	while (lo > 0 && cmp(&by[lo - 1], &key) == 0)
		lo--;
	while (hi < n && cmp(&by[hi], &key) == 0)
		hi++;
	*count = hi - lo;
	return lo;
}

/* The records a commit adds: paths its tree holds below the folder and
 * its first parent's lacks, found by looking only into the folders whose
 * ids differ (a diff of the whole folder would read every question's
 * folder for every commit). */
typedef struct adds {
	wanted **bypath;
	size_t n;
	size_t *left;
	git_commit *cm;
	tcache *tree;    /* the commit's */
	tcache *ptrees;  /* its parents' */
	unsigned np;
	wol_buf path;
} adds;

/* A path the commit may have added: found when it is a wanted record the
 * trees confirm (held here, held by no parent). */
static void maybe_added(adds *a)
{
	wanted key = {.path = a->path.ptr};
	git_oid tmp;
	size_t cnt, lo = equal_range(a->bypath, a->n, &key, cmp_wanted_path, &cnt);
	for (size_t i = lo; i < lo + cnt && *a->left > 0; i++) {
		wanted *x = a->bypath[i];
		if (x->found || tc_oid(a->tree, x->path, &tmp) != 0)
			continue;
		int anywhere = 0;
		for (unsigned k = 0; k < a->np && !anywhere; k++)
			anywhere = tc_oid(&a->ptrees[k], x->path, &tmp) == 0;
		if (anywhere)
			continue;
		set_found(x, a->cm);
		(*a->left)--;
	}
}

/* Walks `nt` (the commit's folder at a->path) against `ot` (the first
 * parent's, or NULL). */
static void added_below(adds *a, git_repository *repo, git_tree *ot, git_tree *nt)
{
	size_t base = a->path.len;
	size_t ne = git_tree_entrycount(nt);
	for (size_t i = 0; i < ne && *a->left > 0; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(nt, i);
		const git_tree_entry *oe = ot ? git_tree_entry_byname(ot, git_tree_entry_name(e)) : NULL;
		int tree = git_tree_entry_type(e) == GIT_OBJECT_TREE;
		int otree = oe && git_tree_entry_type(oe) == GIT_OBJECT_TREE;
		if (oe && tree == otree && git_oid_equal(git_tree_entry_id(e), git_tree_entry_id(oe)))
			continue; /* the same: nothing added there */
		if (!tree && oe && !otree)
			continue; /* changed, not added */
		if (wol_buf_printf(&a->path, "/%s", git_tree_entry_name(e)) != 0)
			break;
		if (tree) {
			git_tree *sub = NULL, *osub = NULL;
			if (git_tree_lookup(&sub, repo, git_tree_entry_id(e)) == 0 &&
			    (!otree || git_tree_lookup(&osub, repo, git_tree_entry_id(oe)) == 0))
				added_below(a, repo, osub, sub);
			git_tree_free(osub);
			git_tree_free(sub);
			git_error_clear();
		} else {
			maybe_added(a);
		}
		a->path.len = base;
		a->path.ptr[base] = '\0';
	}
}

/* For each wanted path (all below the folder `dir`: one question's, or
 * questions/ for all of them at once) in HEAD: the author of the commit
 * that added it, i.e. a commit holding it whose parents all lack it. The
 * walk goes from HEAD back in time and stops when every path is found; a
 * commit whose `dir` equals one of its parents' is skipped with one
 * lookup, and in the others only the paths they add are looked at. One
 * walk answers for any number of records. */
static void find_adders(wol_circle *c, const char *dir, wanted *w, size_t n)
{
	git_repository *repo = wol_circle_repo(c);
	git_revwalk *walk = NULL;
	git_commit *head = NULL;
	tcache ht = {0};
	git_oid oid, tmp;
	size_t left = 0;
	if (git_reference_name_to_id(&oid, repo, "HEAD") != 0 ||
	    git_commit_lookup(&head, repo, &oid) != 0 || git_commit_tree(&ht.root, head) != 0) {
		git_commit_free(head);
		git_error_clear();
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (tc_oid(&ht, w[i].path, &tmp) == 0)
			left++;
		else
			w[i].found = -1; /* not committed: nothing to compare */
	}
	tc_free(&ht);
	git_commit_free(head);
	/* the records by id, for the trailers, and by path, for the trees */
	wanted **byid = left ? calloc(n, sizeof *byid) : NULL;
	wanted **bypath = byid ? calloc(n, sizeof *bypath) : NULL;
	if (left == 0 || !bypath || git_revwalk_new(&walk, repo) != 0 ||
	    git_revwalk_push(walk, &oid) != 0) {
		free(byid);
		free(bypath);
		git_revwalk_free(walk);
		git_error_clear();
		return;
	}
	for (size_t i = 0; i < n; i++)
		byid[i] = bypath[i] = &w[i];
	qsort(byid, n, sizeof *byid, cmp_wanted_id);
	qsort(bypath, n, sizeof *bypath, cmp_wanted_path);
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
		for (const char *hit = msg ? strstr(msg, "Wol-Id: ") : NULL; hit && left > 0;
		     hit = strstr(hit + 8, "Wol-Id: ")) {
			size_t il = strcspn(hit + 8, "\r\n");
			char id[128];
			if (il == 0 || il >= sizeof id)
				continue;
			memcpy(id, hit + 8, il);
			id[il] = '\0';
			wanted key = {.id = id};
			size_t cnt, lo = equal_range(byid, n, &key, cmp_wanted_id, &cnt);
			for (size_t k = lo; k < lo + cnt && left > 0; k++) {
				if (byid[k]->found || !added_by(cm, byid[k]->path))
					continue;
				set_found(byid[k], cm);
				left--;
			}
		}
		git_commit_free(cm);
	}
	free(byid);
	/* then, for commits made by other tools, the trees of the history */
	git_revwalk_reset(walk);
	if (left == 0 || git_revwalk_push(walk, &oid) != 0) {
		free(bypath);
		git_revwalk_free(walk);
		git_error_clear();
		return;
	}
	while (left > 0 && git_revwalk_next(&cur, walk) == 0) {
		git_commit *cm = NULL;
		tcache tree = {0};
		git_oid here;
		if (git_commit_lookup(&cm, repo, &cur) != 0 || git_commit_tree(&tree.root, cm) != 0 ||
		    entry_oid(tree.root, dir, &here) != 0) {
			tc_free(&tree);
			git_commit_free(cm);
			git_error_clear();
			continue;
		}
		unsigned np = git_commit_parentcount(cm);
		tcache ptrees[8];
		memset(ptrees, 0, sizeof ptrees);
		if (np > 8)
			np = 8;
		int same = 0;
		for (unsigned k = 0; k < np; k++) {
			git_commit *p = NULL;
			git_oid there;
			if (git_commit_parent(&p, cm, k) == 0 && git_commit_tree(&ptrees[k].root, p) == 0 &&
			    entry_oid(ptrees[k].root, dir, &there) == 0 && git_oid_equal(&here, &there))
				same = 1;
			git_commit_free(p);
		}
		/* a path it holds and its first parent lacks: the candidates */
		git_tree *nt = same ? NULL : tc_dir(&tree, dir, strlen(dir));
		git_tree *ot = np && nt ? tc_dir(&ptrees[0], dir, strlen(dir)) : NULL;
		if (nt) {
			adds a = {bypath, n, &left, cm, &tree, ptrees, np, {0}};
			wol_buf_init(&a.path);
			if (wol_buf_puts(&a.path, dir) == 0)
				added_below(&a, repo, ot, nt);
			wol_buf_free(&a.path);
		}
		for (unsigned k = 0; k < np; k++)
			tc_free(&ptrees[k]);
		tc_free(&tree);
		git_commit_free(cm);
		git_error_clear();
	}
	free(bypath);
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
void wol_question__check_forged_refs(wol_circle *c, const char *dir, wol_qrecord **recs, size_t n)
{
	wanted *w = n ? calloc(n, sizeof *w) : NULL;
	if (!w)
		return;
	for (size_t i = 0; i < n; i++) {
		w[i].path = recs[i]->path;
		w[i].id = recs[i]->id;
	}
	find_adders(c, dir, w, n);
	/* members' names, read once each */
	wol_strv handles = {0}, names = {0};
	for (size_t i = 0; i < n; i++) {
		if (w[i].found != 1)
			continue;
		recs[i]->committer = wol_strfmt("%s <%s>", w[i].name, w[i].email);
		size_t m = 0;
		while (m < handles.n && strcmp(handles.v[m], recs[i]->author) != 0)
			m++;
		if (m == handles.n) {
			/* "+name" for a member, "-" for none */
			char *nm = member_name(c, recs[i]->author);
			char *entry = nm ? wol_strfmt("+%s", nm) : wol_strdup("-");
			free(nm);
			if (wol_strv_add(&handles, wol_strdup(recs[i]->author)) != 0 ||
			    wol_strv_add(&names, entry) != 0)
				break;
		}
		const char *known = names.v[m];
		char *mname = known[0] == '+' ? wol_strdup(known + 1) : NULL;
		char *note = NULL;
		if (!mname)
			note = wol_strfmt("author '%s' is not a member of the circle (committed by %s <%s>)",
			                  recs[i]->author, w[i].name, w[i].email);
		else if (!wol_author__matches(recs[i]->author, mname, w[i].name, w[i].email))
			note = wol_strfmt("says it is by %s, but was committed by %s <%s> (members/%s.md "
			                  "names %s)",
			                  recs[i]->author, w[i].name, w[i].email, recs[i]->author, mname);
		free(mname);
		if (note) {
			recs[i]->forged = 1;
			if (recs[i]->note) {
				char *both = wol_strfmt("%s; %s", recs[i]->note, note);
				free(note);
				note = both;
			}
			free(recs[i]->note);
			recs[i]->note = note;
		}
	}
	wol_strv_clear(&handles);
	wol_strv_clear(&names);
	for (size_t k = 0; k < n; k++) {
		free(w[k].name);
		free(w[k].email);
	}
	free(w);
}

void wol_question__check_forged(wol_circle *c, const char *dir, wol_qrecord *recs, size_t n)
{
	wol_qrecord **p = n ? calloc(n, sizeof *p) : NULL;
	for (size_t i = 0; p && i < n; i++)
		p[i] = &recs[i];
	if (p)
		wol_question__check_forged_refs(c, dir, p, n);
	free(p);
}

/* ------------------------------------------------------ outside of wol */

/* Records are written once; a commit that changed or removed one was made
 * outside wol (plain git). Git is the truth, so the record shows as it is
 * now, marked "edited by X outside wol"; a removed one is shown from the
 * history, marked "removed by X outside wol" (and not replayed: the state
 * is what the files say). Newest change first, so the mark names the last
 * one. */
/* The changes below `prefix` in the whole history (one walk, whatever
 * the number of questions asked about); 0, or -1 with nothing. */
static int outside_changes(wol_circle *c, const char *prefix, wol_change **v, size_t *n)
{
	git_repository *repo = wol_circle_repo(c);
	git_oid head;
	*v = NULL;
	*n = 0;
	if (git_reference_name_to_id(&head, repo, "HEAD") != 0) {
		git_error_clear();
		return -1;
	}
	wol_authors a;
	wol_authors__load(repo, &head, &a);
	int rc = wol_history__changes(repo, &a, prefix, &head, NULL, v, n, NULL) != 0 ? -1 : 0;
	wol_authors__free(&a);
	return rc;
}

/* Marks q's records from the changes `v` (newest first; those of other
 * questions are passed over). */
static void mark_outside(wol_circle *c, wol_question *q, const wol_change *v, size_t n,
                         wol_strv *warn)
{
	git_repository *repo = wol_circle_repo(c);
	char *prefix = wol_strfmt("questions/%s/", q->id);
	if (!prefix) {
		warn->oom = 1;
		return;
	}
	size_t pl = strlen(prefix);
	size_t added = 0;
	for (size_t i = 0; i < n; i++) {
		const wol_change *ch = &v[i];
		if (!ch->outside || ch->status == GIT_DELTA_ADDED || strncmp(ch->path, prefix, pl) != 0)
			continue;
		wol_qrecord *r = NULL;
		for (size_t k = 0; k < q->nrecords && !r; k++)
			if (strcmp(q->records[k].path, ch->path) == 0)
				r = &q->records[k];
		if (r && r->outside)
			continue; /* a newer change named it already */
		if (!r && ch->status == GIT_DELTA_DELETED) {
			/* gone from the files: bring it back from the history */
			git_blob *blob = NULL;
			const char *base = strrchr(ch->path, '/') + 1;
			const char *rest = ch->path + pl;
			const char *what = strncmp(rest, "answers/", 8) == 0  ? "answer"
			                   : strncmp(rest, "events/", 7) == 0 ? "event"
			                                                      : NULL;
			char *id = wol_strndup(base, strlen(base) > 3 ? strlen(base) - 3 : strlen(base));
			wol_qrecord *nv = realloc(q->records, (q->nrecords + 1) * sizeof *nv);
			if (nv)
				q->records = nv;
			wol_error bad;
			if (what && id && nv && git_blob_lookup(&blob, repo, &ch->old_id) == 0 &&
			    wol_question__parse_record(git_blob_rawcontent(blob),
			                               (size_t)git_blob_rawsize(blob), ch->path, id,
			                               what, &q->records[q->nrecords], &bad) == 0) {
				r = &q->records[q->nrecords++];
				r->removed = 1;
				added++;
			}
			free(id);
			git_blob_free(blob);
			git_error_clear();
		}
		if (r && (r->outside = wol_change__describe(ch)) != NULL)
			wol_strv_add(warn, wol_strfmt("wol: %s: %s", ch->path, r->outside));
	}
	/* the ones brought back take their place in replay order */
	if (added && q->nrecords > 2)
		qsort(q->records + 1, q->nrecords - 1, sizeof *q->records, wol_question__cmp_record);
	free(prefix);
}

/* Reads and replays one question into out (its thread in out->records);
 * warnings go to warn. */
static int read_thread(wol_circle *c, const char *qid, wol_question *out, wol_strv *warn,
                       wol_error *err)
{
	wol_qloaded l;
	int rc = wol_question__load(wol_circle_path(c), qid, &l, warn, err);
	if (rc)
		return rc;
	if (wol_question__replay(&l, out, warn) != 0 || wol_question__summarize(c, &l, out) != 0)
		warn->oom = 1;
	/* the thread: the question first, then the rest in replay order */
	wol_qrecord *recs = warn->oom ? NULL : calloc(l.n + 1, sizeof *recs);
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
	} else {
		warn->oom = 1;
	}
	wol_question__loaded_free(&l);
	return 0;
}

int wol_question__get_many(wol_circle *c, char *const *qids, size_t n, wol_question *out,
                           wol_error *errs)
{
	wol_strv *warn = n ? calloc(n, sizeof *warn) : NULL;
	for (size_t i = 0; i < n; i++) {
		memset(&out[i], 0, sizeof out[i]);
		errs[i].code = 0;
		errs[i].msg[0] = '\0';
		if (!warn)
			wol_error_set(&errs[i], WOL_ENOMEM, "out of memory");
	}
	if (!warn)
		return n ? WOL_ENOMEM : 0;
	size_t total = 0;
	for (size_t i = 0; i < n; i++) {
		if (read_thread(c, qids[i], &out[i], &warn[i], &errs[i]) != 0) {
			wol_strv_clear(&warn[i]);
			wol_question_free(&out[i]);
			continue;
		}
		total += warn[i].oom ? 0 : out[i].nrecords;
	}
	/* who added each record: one walk for every thread */
	wol_qrecord **all = total ? calloc(total, sizeof *all) : NULL;
	size_t k = 0;
	for (size_t i = 0; all && i < n; i++)
		for (size_t j = 0; !errs[i].code && !warn[i].oom && j < out[i].nrecords; j++)
			all[k++] = &out[i].records[j];
	char *dir = n == 1 ? wol_strfmt("questions/%s", qids[0]) : wol_strdup("questions");
	if (all && dir)
		wol_question__check_forged_refs(c, dir, all, total);
	int lost = total && (!all || !dir);
	free(all);
	free(dir);
	/* what was changed outside wol: one walk too */
	wol_change *v = NULL;
	size_t nv = 0;
	char *prefix = n == 1 ? wol_strfmt("questions/%s/", qids[0]) : wol_strdup("questions/");
	int have = prefix && total && outside_changes(c, prefix, &v, &nv) == 0;
	lost |= total && !prefix;
	free(prefix);
	for (size_t i = 0; i < n; i++) {
		wol_question *q = &out[i];
		if (errs[i].code)
			continue;
		if (lost)
			warn[i].oom = 1;
		for (size_t j = 0; !warn[i].oom && j < q->nrecords; j++)
			if (q->records[j].forged) {
				q->forged = 1;
				wol_strv_add(&warn[i], wol_strfmt("wol: %s: %s", q->records[j].path,
				                                  q->records[j].note));
			}
		if (have && !warn[i].oom)
			mark_outside(c, q, v, nv, &warn[i]);
		if (warn[i].oom) {
			wol_strv_clear(&warn[i]);
			wol_question_free(q);
			wol_error_set(&errs[i], WOL_ENOMEM, "out of memory");
			continue;
		}
		q->warnings = warn[i].v;
		q->nwarnings = warn[i].n;
	}
	wol_changes__free(v, nv);
	free(warn);
	return 0;
}

int wol_question_get(wol_circle *c, const char *ref, wol_question *out, wol_error *err)
{
	memset(out, 0, sizeof *out);
	char *qid = NULL;
	int rc = wol_question_find(c, ref, &qid, err);
	if (rc)
		return rc;
	wol_error e;
	rc = wol_question__get_many(c, &qid, 1, out, &e);
	free(qid);
	if (rc == 0 && e.code)
		rc = e.code;
	if (rc && err)
		*err = e;
	return rc;
}
