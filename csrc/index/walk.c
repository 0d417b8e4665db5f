/* index/walk.c - what a refresh looks at: the journal and circle folders
 * walked with stat only, the paths a circle's HEAD moved over (tree to
 * tree), or just the paths it was given; each file new or changed since the
 * index saw it goes to extract.c */
#include "index/index_int.h"

#include <dirent.h>
#include <fcntl.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int cmp_known(const void *key, const void *elem)
{
	return strcmp((const char *)key, ((const wol_known *)elem)->path);
}

static int cmp_known_rows(const void *a, const void *b)
{
	return strcmp(((const wol_known *)a)->path, ((const wol_known *)b)->path);
}

static wol_known *find_known(wol_walk *w, const char *path)
{
	return w->nk ? bsearch(path, w->k, w->nk, sizeof *w->k, cmp_known) : NULL;
}

void wol_index__free_known(wol_walk *w)
{
	for (size_t i = 0; i < w->nk; i++)
		free(w->k[i].path);
	free(w->k);
	w->k = NULL;
	w->nk = 0;
}

int wol_index__load_known(wol_walk *w)
{
	sqlite3_stmt *st;
	int rc = wol_index__prepare(w->ix,
	                 "SELECT id, path, size, mtime, racy FROM docs INDEXED BY docs_walk ORDER BY path",
	                 &st, w->err);
	if (rc)
		return rc;
	size_t cap = 0;
	int s;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		if (w->nk == cap) {
			cap = cap ? cap * 2 : 1024;
			wol_known *k = realloc(w->k, cap * sizeof *k);
			if (!k) {
				sqlite3_finalize(st);
				return wol_error_set(w->err, WOL_ENOMEM, "out of memory");
			}
			w->k = k;
		}
		wol_known *k = &w->k[w->nk++];
		memset(k, 0, sizeof *k);
		k->id = sqlite3_column_int64(st, 0);
		k->path = wol_sql_col_dup(st, 1);
		k->size = sqlite3_column_int64(st, 2);
		k->mtime = sqlite3_column_int64(st, 3);
		k->racy = sqlite3_column_int(st, 4);
		if (!k->path) {
			sqlite3_finalize(st);
			return wol_error_set(w->err, WOL_ENOMEM, "out of memory");
		}
	}
	if (s != SQLITE_DONE)
		rc = wol_index__fail(w->ix, w->err, s, "reading the index");
	sqlite3_finalize(st);
	return rc;
}

int wol_index__mark_affected(wol_walk *w, const char *circle, const char *qid)
{
	if (!circle || !qid)
		return 0;
	if (wol_strv_add(&w->affected, wol_strfmt("%s/%s", circle, qid)))
		return wol_error_set(w->err, WOL_ENOMEM, "out of memory");
	return 0;
}

/* A file seen by the walk: index it if it is new or changed. */
static int visit(wol_walk *w, const char *rel, const char *abs, const struct stat *st,
                 const wol_index_place *pl)
{
	wol_known *k = find_known(w, rel);
	if (k && !k->racy && k->size == (sqlite3_int64)st->st_size &&
	    k->mtime == wol_fs_mtime_ns(st) && !wol_strv_has(&w->forced, rel)) {
		k->seen = 1;
		return 0;
	}
	if (!pl->circle && !pl->date[0]) {
		/* a journal entry to read: its date from its file name */
		wol_index_place j = *pl;
		const char *base = strrchr(rel, '/');
		wol_index__date_prefix(base ? base + 1 : rel, j.date);
		return wol_index__file(w, rel, abs, st, &j, k);
	}
	return wol_index__file(w, rel, abs, st, pl, k);
}

int wol_index__visit(wol_walk *w, const char *rel, const char *abs, const struct stat *st,
                     const wol_index_place *pl)
{
	return visit(w, rel, abs, st, pl);
}

/* dir + "/" + name in buf (the walk's hot path: no allocation); NULL when
 * it does not fit. */
static const char *path_join(char *buf, size_t cap, const char *dir, size_t dirlen,
                             const char *name)
{
	size_t n = strlen(name);
	if (dirlen + n + 2 > cap)
		return NULL;
	memcpy(buf, dir, dirlen);
	buf[dirlen] = '/';
	memcpy(buf + dirlen + 1, name, n + 1);
	return buf;
}

static int has_md_suffix(const char *name)
{
	size_t n = strlen(name);
	return n > 3 && strcmp(name + n - 3, ".md") == 0;
}

/* What the index keeps of a place in a circle (format/layout.c decides
 * what the path is): its kind, or NULL when the index does not keep it. */
static const char *kept_kind(const wol_place *p)
{
	switch (p->kind) {
	case WOL_PLACE_NOTE:
		return p->listed ? "note" : NULL;
	case WOL_PLACE_QUESTION:
		return "question";
	case WOL_PLACE_ANSWER:
		return "answer";
	case WOL_PLACE_EVENT:
		return "event";
	case WOL_PLACE_FEEDBACK:
		return "feedback";
	default:
		return NULL;
	}
}

/* Whether the circle layout agrees that rel (relative to $WOL_HOME) is what
 * the walk takes it for: the walk only goes where the layout puts things,
 * the layout has the last word on each name. */
static int layout_agrees(const char *rel, const wol_index_place *pl)
{
	if (!pl->circle)
		return 1;
	wol_place at;
	wol_place_of(rel + strlen("circles/") + strlen(pl->circle) + 1, &at);
	const char *kind = kept_kind(&at);
	return kind && strcmp(kind, pl->kind) == 0;
}

/* Visits the *.md files directly in `reldir` (relative to $WOL_HOME).
 * `only`: visit just that file name. */
static int walk_files(wol_walk *w, const char *reldir, const wol_index_place *pl,
                      const char *only)
{
	const char *home = wol_ctx_home(w->ix->ctx);
	char *absdir = wol_strfmt("%s/%s", home, reldir);
	if (!absdir)
		return wol_error_set(w->err, WOL_ENOMEM, "out of memory");
	int rc = 0;
	if (only) {
		struct stat st;
		char *abs = wol_strfmt("%s/%s", absdir, only);
		char *rel = wol_strfmt("%s/%s", reldir, only);
		if (!abs || !rel)
			rc = wol_error_set(w->err, WOL_ENOMEM, "out of memory");
		else if (lstat(abs, &st) == 0) {
			w->rep->stat++;
			if (S_ISREG(st.st_mode))
				rc = visit(w, rel, abs, &st, pl);
		}
		free(abs);
		free(rel);
		free(absdir);
		return rc;
	}
	DIR *d = opendir(absdir);
	if (!d) {
		free(absdir);
		return 0;
	}
	int dfd = dirfd(d);
	size_t rellen = strlen(reldir), abslen = strlen(absdir);
	struct dirent *de;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || !has_md_suffix(de->d_name))
			continue;
		if (de->d_type != DT_REG && de->d_type != DT_UNKNOWN)
			continue;
		struct stat st;
		if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		w->rep->stat++;
		if (!S_ISREG(st.st_mode))
			continue;
		char relbuf[4096], absbuf[4096];
		const char *rel = path_join(relbuf, sizeof relbuf, reldir, rellen, de->d_name);
		const char *abs = path_join(absbuf, sizeof absbuf, absdir, abslen, de->d_name);
		if (rel && abs && layout_agrees(rel, pl))
			rc = visit(w, rel, abs, &st, pl);
	}
	closedir(d);
	free(absdir);
	return rc;
}

/* The names of the subdirectories of $WOL_HOME/<reldir> that `ok` accepts. */
static int subdirs(wol_walk *w, const char *reldir, int (*ok)(const char *), wol_strv *out)
{
	char *absdir = wol_strfmt("%s/%s", wol_ctx_home(w->ix->ctx), reldir);
	if (!absdir)
		return wol_error_set(w->err, WOL_ENOMEM, "out of memory");
	DIR *d = opendir(absdir);
	free(absdir);
	if (!d)
		return 0;
	int rc = 0;
	struct dirent *de;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || !ok(de->d_name))
			continue;
		if (de->d_type == DT_UNKNOWN || de->d_type == DT_LNK) {
			struct stat st;
			if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
			    !S_ISDIR(st.st_mode))
				continue;
		} else if (de->d_type != DT_DIR) {
			continue;
		}
		if (wol_strv_add(out, wol_strfmt("%s", de->d_name)))
			rc = wol_error_set(w->err, WOL_ENOMEM, "out of memory");
	}
	closedir(d);
	wol_strv_sort(out);
	return rc;
}

static int is_year(const char *s)
{
	return strlen(s) == 4 && s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9' &&
	       s[2] >= '0' && s[2] <= '9' && s[3] >= '0' && s[3] <= '9';
}

static int is_qid(const char *s)
{
	return wol_id_valid(s, strlen(s));
}

int wol_index__walk_journal(wol_walk *w)
{
	wol_strv years = {0};
	int rc = subdirs(w, "journal", is_year, &years);
	for (size_t i = 0; rc == 0 && i < years.n; i++) {
		char rel[64];
		snprintf(rel, sizeof rel, "journal/%s", years.v[i]);
		wol_index_place pl = {.kind = "journal"};
		/* the date comes from each file's name, when it is read (visit) */
		const char *home = wol_ctx_home(w->ix->ctx);
		char *absdir = wol_strfmt("%s/%s", home, rel);
		DIR *d = absdir ? opendir(absdir) : NULL;
		if (!absdir)
			rc = wol_error_set(w->err, WOL_ENOMEM, "out of memory");
		if (d) {
			struct dirent *de;
			while (rc == 0 && (de = readdir(d)) != NULL) {
				if (de->d_name[0] == '.' || !has_md_suffix(de->d_name))
					continue;
				if (de->d_type != DT_REG && de->d_type != DT_UNKNOWN)
					continue;
				struct stat st;
				if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
					continue;
				w->rep->stat++;
				if (!S_ISREG(st.st_mode))
					continue;
				char relbuf[4096], absbuf[4096];
				const char *frel = path_join(relbuf, sizeof relbuf, rel, strlen(rel), de->d_name);
				const char *fabs =
					path_join(absbuf, sizeof absbuf, absdir, strlen(absdir), de->d_name);
				if (frel && fabs)
					rc = visit(w, frel, fabs, &st, &pl);
			}
			closedir(d);
		}
		free(absdir);
	}
	wol_strv_clear(&years);
	return rc;
}

/* Adds to the forced set every blob path that differs between trees `a`
 * and `b` (either may be NULL), under `prefix`. Subtrees with the same id
 * are skipped without being read, so a commit touching a few files costs a
 * few tree reads however big the circle is (libgit2's tree-to-tree diff
 * took tens of milliseconds here on a 15,000-file circle). `depth` 0 is the
 * root, where only notes/, questions/ and feedback/ matter. */
static int tree_changes(wol_walk *w, git_repository *repo, const git_tree *a, const git_tree *b,
                        const char *prefix, int depth)
{
	if (depth > 8)
		return 0;
	for (int side = 0; side < 2; side++) {
		const git_tree *t = side ? a : b, *other = side ? b : a;
		size_t n = t ? git_tree_entrycount(t) : 0;
		for (size_t i = 0; i < n; i++) {
			const git_tree_entry *e = git_tree_entry_byindex(t, i);
			const char *name = git_tree_entry_name(e);
			if (depth == 0 && strcmp(name, "notes") != 0 && strcmp(name, "questions") != 0 &&
			    strcmp(name, "feedback") != 0)
				continue;
			const git_tree_entry *o = other ? git_tree_entry_byname(other, name) : NULL;
			if (side == 1 && o)
				continue; /* seen from b's side */
			if (o && git_oid_equal(git_tree_entry_id(e), git_tree_entry_id(o)) &&
			    git_tree_entry_type(e) == git_tree_entry_type(o))
				continue;
			char *path = wol_strfmt("%s/%s", prefix, name);
			if (!path)
				return wol_error_set(w->err, WOL_ENOMEM, "out of memory");
			int rc = 0;
			const git_tree_entry *ea = side ? e : o, *eb = side ? NULL : e;
			git_tree *sa = NULL, *sb = NULL;
			if (ea && git_tree_entry_type(ea) == GIT_OBJECT_TREE)
				git_tree_lookup(&sa, repo, git_tree_entry_id(ea));
			if (eb && git_tree_entry_type(eb) == GIT_OBJECT_TREE)
				git_tree_lookup(&sb, repo, git_tree_entry_id(eb));
			if (sa || sb)
				rc = tree_changes(w, repo, sa, sb, path, depth + 1);
			if (rc == 0 && ((ea && git_tree_entry_type(ea) == GIT_OBJECT_BLOB) ||
			                (eb && git_tree_entry_type(eb) == GIT_OBJECT_BLOB))) {
				rc = wol_strv_add(&w->forced, path);
				path = NULL;
				if (rc)
					rc = wol_error_set(w->err, WOL_ENOMEM, "out of memory");
			}
			git_tree_free(sa);
			git_tree_free(sb);
			free(path);
			if (rc)
				return rc;
		}
	}
	return 0;
}

/* Records the circle's HEAD in `head` and its tree in `tree` (hex, "" when
 * there is none) and, when they moved since the recorded `old` commit and
 * `old_tree`, adds the paths changed between the two trees to the forced
 * set. `*exact` (may be NULL) says whether the forced set is all that
 * changed in the tree since the index recorded `old_tree`: the trees are
 * the same, or the recorded tree was found and diffed. Git trouble only
 * costs the shortcut: the stat walk still sees every file. */
int wol_index__circle_head(wol_walk *w, const char *circle, const char *old, const char *old_tree,
                           char head[GIT_OID_HEXSZ + 1], char tree[GIT_OID_HEXSZ + 1], int *exact)
{
	head[0] = tree[0] = '\0';
	if (exact)
		*exact = 0;
	char *path = wol_ctx_circle_path(w->ix->ctx, circle);
	if (!path)
		return wol_error_set(w->err, WOL_ENOMEM, "out of memory");
	git_repository *repo = NULL;
	git_oid oid;
	if (git_repository_open_ext(&repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0 ||
	    git_reference_name_to_id(&oid, repo, "HEAD") < 0) {
		git_error_clear();
		git_repository_free(repo);
		free(path);
		return 0;
	}
	free(path);
	git_oid_tostr(head, GIT_OID_HEXSZ + 1, &oid);
	int rc = 0;
	git_commit *b = NULL;
	git_tree *ta = NULL, *tb = NULL;
	git_oid old_oid, tree_oid;
	if (git_commit_lookup(&b, repo, &oid) == 0) {
		git_oid_tostr(tree, GIT_OID_HEXSZ + 1, git_commit_tree_id(b));
		if (old_tree && strcmp(old_tree, tree) == 0) {
			if (exact)
				*exact = 1; /* the same tree: nothing to diff */
		} else if (old_tree && git_oid_fromstr(&tree_oid, old_tree) == 0 &&
		           git_tree_lookup(&ta, repo, &tree_oid) == 0 && git_commit_tree(&tb, b) == 0) {
			char prefix[300];
			snprintf(prefix, sizeof prefix, "circles/%s", circle);
			rc = tree_changes(w, repo, ta, tb, prefix, 0);
			w->rep->trees++;
			if (exact && rc == 0)
				*exact = 1;
		} else if (old && strcmp(old, head) != 0 && git_oid_fromstr(&old_oid, old) == 0) {
			/* no usable recorded tree: the recorded commit's, if it is there */
			git_commit *a = NULL;
			git_tree_free(ta);
			ta = NULL;
			if (git_commit_lookup(&a, repo, &old_oid) == 0 && git_commit_tree(&ta, a) == 0 &&
			    git_commit_tree(&tb, b) == 0) {
				char prefix[300];
				snprintf(prefix, sizeof prefix, "circles/%s", circle);
				rc = tree_changes(w, repo, ta, tb, prefix, 0);
				w->rep->trees++;
			}
			git_commit_free(a);
		}
	}
	git_error_clear();
	git_tree_free(ta);
	git_tree_free(tb);
	git_commit_free(b);
	git_repository_free(repo);
	return rc;
}

static int walk_circle(wol_walk *w, const char *circle)
{
	wol_strv dirs = {0};
	char rel[512];
	snprintf(rel, sizeof rel, "circles/%s/notes", circle);
	int rc = subdirs(w, rel, wol_name_valid, &dirs);
	for (size_t i = 0; rc == 0 && i < dirs.n; i++) {
		char sub[600];
		snprintf(sub, sizeof sub, "%s/%s", rel, dirs.v[i]);
		wol_index_place pl = {.kind = "note", .circle = circle, .folder = dirs.v[i]};
		rc = walk_files(w, sub, &pl, NULL);
	}
	wol_strv_clear(&dirs);
	if (rc)
		return rc;
	snprintf(rel, sizeof rel, "circles/%s/questions", circle);
	rc = subdirs(w, rel, is_qid, &dirs);
	for (size_t i = 0; rc == 0 && i < dirs.n; i++) {
		char sub[700];
		snprintf(sub, sizeof sub, "%s/%s", rel, dirs.v[i]);
		wol_index_place q = {.kind = "question", .circle = circle, .qid = dirs.v[i]};
		rc = walk_files(w, sub, &q, "question.md");
		if (rc)
			break;
		char sub2[800];
		snprintf(sub2, sizeof sub2, "%s/answers", sub);
		wol_index_place a = {.kind = "answer", .circle = circle, .qid = dirs.v[i]};
		rc = walk_files(w, sub2, &a, NULL);
		if (rc)
			break;
		snprintf(sub2, sizeof sub2, "%s/events", sub);
		wol_index_place e = {.kind = "event", .circle = circle, .qid = dirs.v[i]};
		rc = walk_files(w, sub2, &e, NULL);
	}
	wol_strv_clear(&dirs);
	if (rc)
		return rc;
	/* feedback/<note-id>/<id>.md (after the notes, whose titles they show) */
	snprintf(rel, sizeof rel, "circles/%s/feedback", circle);
	rc = subdirs(w, rel, is_qid, &dirs);
	for (size_t i = 0; rc == 0 && i < dirs.n; i++) {
		char sub[700];
		snprintf(sub, sizeof sub, "%s/%s", rel, dirs.v[i]);
		wol_index_place f = {.kind = "feedback", .circle = circle, .nid = dirs.v[i]};
		rc = walk_files(w, sub, &f, NULL);
	}
	wol_strv_clear(&dirs);
	return rc;
}

/* ------------------------------------------------ a full refresh's plan */

void wol_index__free_plan(wol_walk *w)
{
	for (size_t i = 0; i < w->nplan; i++)
		free(w->plan[i].name);
	free(w->plan);
	w->plan = NULL;
	w->nplan = 0;
	wol_strv_clear(&w->gone);
}

static int cmp_plan(const void *a, const void *b)
{
	const wol_circle_plan *x = a, *y = b;
	return strcmp(x->prefix, y->prefix);
}

int wol_index__plan_circles(wol_walk *w)
{
	char **names = NULL;
	size_t n = 0;
	int rc = wol_ctx_circles(w->ix->ctx, &names, &n, w->err);
	if (rc)
		return rc;
	w->plan = n ? calloc(n, sizeof *w->plan) : NULL;
	if (n && !w->plan) {
		wol_strv_free(names, n);
		return wol_error_set(w->err, WOL_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		w->plan[i].name = names[i];
		snprintf(w->plan[i].prefix, sizeof w->plan[i].prefix, "circles/%s/", names[i]);
	}
	free(names); /* the strings now belong to the plan */
	w->nplan = n;
	if (n)
		qsort(w->plan, n, sizeof *w->plan, cmp_plan);

	sqlite3_stmt *st;
	rc = wol_index__prepare(w->ix, "SELECT circle, oid, tree FROM heads", &st, w->err);
	if (rc)
		return rc;
	int s;
	while (rc == 0 && (s = sqlite3_step(st)) == SQLITE_ROW) {
		const char *c = (const char *)sqlite3_column_text(st, 0);
		wol_circle_plan *p = NULL;
		for (size_t i = 0; c && i < n; i++)
			if (strcmp(w->plan[i].name, c) == 0)
				p = &w->plan[i];
		if (!p) {
			/* a circle whose clone is gone: its row goes (its documents
			 * are not skipped, so the walk removes them) */
			if (c && wol_strv_add(&w->gone, wol_strfmt("%s", c)))
				rc = wol_error_set(w->err, WOL_ENOMEM, "out of memory");
			continue;
		}
		p->recorded = 1;
		p->old = wol_sql_col_dup(st, 1);
		p->old_tree = wol_sql_col_dup(st, 2);
		if (!p->old)
			rc = wol_error_set(w->err, WOL_ENOMEM, "out of memory");
	}
	if (rc == 0 && s != SQLITE_DONE)
		rc = wol_index__fail(w->ix, w->err, s, "reading circle heads");
	sqlite3_finalize(st);
	/* first the tree diffs, so the walk knows every forced path */
	for (size_t i = 0; rc == 0 && i < n; i++) {
		wol_circle_plan *p = &w->plan[i];
		int exact = 0;
		rc = wol_index__circle_head(w, p->name, p->old, p->old_tree, p->head, p->tree, &exact);
		/* the shortcut needs the member's own folder (the one place files
		 * change without a commit) and a tree diff that tells the rest */
		p->fast = rc == 0 && exact && w->handle && p->tree[0];
		p->same = p->recorded && p->old && strcmp(p->old, p->head) == 0 && p->old_tree &&
		          strcmp(p->old_tree, p->tree) == 0;
	}
	for (size_t i = 0; i < n; i++) {
		free(w->plan[i].old);
		free(w->plan[i].old_tree);
		w->plan[i].old = w->plan[i].old_tree = NULL;
	}
	wol_strv_sort(&w->forced);
	return rc;
}

static int known_add(wol_walk *w, size_t *cap, sqlite3_stmt *st)
{
	if (w->nk == *cap) {
		*cap = *cap ? *cap * 2 : 1024;
		wol_known *k = realloc(w->k, *cap * sizeof *k);
		if (!k)
			return wol_error_set(w->err, WOL_ENOMEM, "out of memory");
		w->k = k;
	}
	wol_known *k = &w->k[w->nk];
	memset(k, 0, sizeof *k);
	k->id = sqlite3_column_int64(st, 0);
	k->path = wol_sql_col_dup(st, 1);
	k->size = sqlite3_column_int64(st, 2);
	k->mtime = sqlite3_column_int64(st, 3);
	k->racy = sqlite3_column_int(st, 4);
	if (!k->path)
		return wol_error_set(w->err, WOL_ENOMEM, "out of memory");
	w->nk++;
	return 0;
}

/* Rows with lo <= path < hi (hi NULL: no end) into w->k. */
static int known_range(wol_walk *w, size_t *cap, sqlite3_stmt *st, const char *lo, const char *hi)
{
	sqlite3_reset(st);
	wol_sql_bind_str(st, 1, lo);
	wol_sql_bind_str(st, 2, hi ? hi : "\x7f\x7f\x7f\x7f");
	int s, rc = 0;
	while (rc == 0 && (s = sqlite3_step(st)) == SQLITE_ROW)
		rc = known_add(w, cap, st);
	if (rc == 0 && s != SQLITE_DONE)
		rc = wol_index__fail(w->ix, w->err, s, "reading the index");
	return rc;
}

/* Whether rel lies in what a fast circle's walk skips. */
static const wol_circle_plan *skipped_by(const wol_walk *w, const char *rel)
{
	for (size_t i = 0; i < w->nplan; i++) {
		const wol_circle_plan *p = &w->plan[i];
		if (p->fast && strncmp(rel, p->prefix, strlen(p->prefix)) == 0)
			return strncmp(rel, p->own, strlen(p->own)) == 0 ? NULL : p;
	}
	return NULL;
}

void wol_index__drop_kept(wol_index *ix)
{
	for (size_t i = 0; i < ix->nkept; i++)
		free(ix->kept[i].path);
	free(ix->kept);
	free(ix->kept_key);
	ix->kept = NULL;
	ix->kept_key = NULL;
	ix->nkept = 0;
}

long long wol_index__data_version(wol_index *ix)
{
	sqlite3_stmt *st;
	long long v = -1;
	if (sqlite3_prepare_v2(ix->db, "PRAGMA data_version", -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* What decides which rows a full refresh loads: the own folders of the
 * fast circles, in order (malloc'd; NULL when out of memory). */
static char *plan_key(const wol_walk *w)
{
	wol_buf b;
	wol_buf_init(&b);
	wol_buf_puts(&b, "|");
	for (size_t i = 0; i < w->nplan; i++)
		if (w->plan[i].fast) {
			wol_buf_puts(&b, w->plan[i].own);
			wol_buf_puts(&b, "|");
		}
	if (b.oom) {
		wol_buf_free(&b);
		return NULL;
	}
	return wol_buf_detach(&b);
}

void wol_index__keep_known(wol_walk *w, long long version)
{
	wol_index *ix = w->ix;
	wol_index__drop_kept(ix);
	if (version < 0 || w->extra.n || w->forced.n)
		return;
	char *key = plan_key(w);
	if (!key)
		return;
	ix->kept = w->k;
	ix->nkept = w->nk;
	ix->kept_key = key;
	ix->kept_version = version;
	w->k = NULL;
	w->nk = 0;
}

/* Takes the rows kept by the last refresh when they still hold: the same
 * plan, and no other connection wrote since (PRAGMA data_version). */
static int take_kept(wol_walk *w)
{
	wol_index *ix = w->ix;
	if (!ix->kept)
		return 0;
	char *key = plan_key(w);
	int ok = key && strcmp(key, ix->kept_key) == 0 &&
	         wol_index__data_version(ix) == ix->kept_version;
	free(key);
	if (!ok) {
		wol_index__drop_kept(ix);
		return 0;
	}
	w->k = ix->kept;
	w->nk = ix->nkept;
	for (size_t i = 0; i < w->nk; i++)
		w->k[i].seen = 0;
	free(ix->kept_key);
	ix->kept = NULL;
	ix->kept_key = NULL;
	ix->nkept = 0;
	return 1;
}

int wol_index__load_known_plan(wol_walk *w)
{
	/* the paths a fast circle skips are not loaded: what is not loaded
	 * cannot be taken for gone. Everything else is, in path order: before,
	 * between and after the skipped circles, and their own folders. */
	for (size_t i = 0; i < w->nplan; i++)
		if (w->plan[i].fast)
			snprintf(w->plan[i].own, sizeof w->plan[i].own, "%snotes/%s/", w->plan[i].prefix,
			         w->handle);
	int kept = take_kept(w);
	sqlite3_stmt *st = NULL;
	int rc = kept ? 0
	              : wol_index__prepare(w->ix,
	                                   "SELECT id, path, size, mtime, racy FROM docs INDEXED BY "
	                                   "docs_walk WHERE path >= ?1 AND path < ?2 ORDER BY path",
	                                   &st, w->err);
	size_t cap = w->nk;
	const char *lo = "";
	char after[300];
	for (size_t i = 0; rc == 0 && !kept && i < w->nplan; i++) {
		wol_circle_plan *p = &w->plan[i];
		if (!p->fast)
			continue;
		char own_end[sizeof p->own];
		snprintf(own_end, sizeof own_end, "%s", p->own);
		own_end[strlen(own_end) - 1] = '0'; /* the byte after '/' */
		rc = known_range(w, &cap, st, lo, p->prefix);
		if (rc == 0)
			rc = known_range(w, &cap, st, p->own, own_end);
		snprintf(after, sizeof after, "%s", p->prefix);
		after[strlen(after) - 1] = '0';
		lo = after;
	}
	if (rc == 0 && !kept)
		rc = known_range(w, &cap, st, lo, NULL);
	sqlite3_finalize(st);
	st = NULL;
	/* and in the skipped parts: the rows recorded racily (their files may
	 * have changed after they were read) and the paths the tree diffs name */
	int any_fast = 0;
	for (size_t i = 0; i < w->nplan; i++)
		any_fast |= w->plan[i].fast;
	if (rc == 0 && any_fast)
		rc = wol_index__prepare(w->ix,
		                        "SELECT id, path, size, mtime, racy FROM docs INDEXED BY docs_racy "
		                        "WHERE racy <> 0",
		                        &st, w->err);
	int s = SQLITE_DONE;
	while (rc == 0 && st && (s = sqlite3_step(st)) == SQLITE_ROW) {
		const wol_circle_plan *p = skipped_by(w, (const char *)sqlite3_column_text(st, 1));
		if (!p)
			continue;
		rc = known_add(w, &cap, st);
		if (rc == 0)
			rc = wol_strv_add(&w->extra, wol_strfmt("%s", w->k[w->nk - 1].path));
	}
	if (rc == 0 && s != SQLITE_DONE)
		rc = wol_index__fail(w->ix, w->err, s, "reading the index");
	sqlite3_finalize(st);
	st = NULL;
	if (rc == 0 && w->forced.n)
		rc = wol_index__prepare(w->ix,
		                        "SELECT id, path, size, mtime, racy FROM docs WHERE path = ?1",
		                        &st, w->err);
	for (size_t i = 0; rc == 0 && i < w->forced.n; i++) {
		if (!skipped_by(w, w->forced.v[i]))
			continue;
		rc = wol_strv_add(&w->extra, wol_strfmt("%s", w->forced.v[i]));
		sqlite3_reset(st);
		wol_sql_bind_str(st, 1, w->forced.v[i]);
		s = sqlite3_step(st);
		if (rc == 0 && s == SQLITE_ROW)
			rc = known_add(w, &cap, st);
		else if (rc == 0 && s != SQLITE_DONE)
			rc = wol_index__fail(w->ix, w->err, s, "reading the index");
	}
	sqlite3_finalize(st);
	if (rc)
		return rc;
	/* sorted by path for find_known, each path once (the ranges come in
	 * order: only the rows added after them need a sort) */
	if (w->extra.n && w->nk)
		qsort(w->k, w->nk, sizeof *w->k, cmp_known_rows);
	size_t o = 0;
	for (size_t i = 0; i < w->nk; i++) {
		if (o && strcmp(w->k[o - 1].path, w->k[i].path) == 0) {
			free(w->k[i].path);
			continue;
		}
		w->k[o++] = w->k[i];
	}
	w->nk = o;
	wol_strv_sort(&w->extra);
	return 0;
}

/* A fast circle: its own notes folder, then the paths named by its tree
 * diff and its racy rows. */
static int walk_circle_fast(wol_walk *w, const wol_circle_plan *p)
{
	char dir[600];
	snprintf(dir, sizeof dir, "%s", p->own);
	dir[strlen(dir) - 1] = '\0';
	wol_index_place pl = {.kind = "note", .circle = p->name, .folder = w->handle};
	int rc = walk_files(w, dir, &pl, NULL);
	if (rc)
		return rc;
	wol_strv mine = {0};
	size_t pl_len = strlen(p->prefix);
	for (size_t i = 0; rc == 0 && i < w->extra.n; i++) {
		const char *x = w->extra.v[i];
		if (strncmp(x, p->prefix, pl_len) == 0 && skipped_by(w, x) == p &&
		    wol_strv_add(&mine, wol_strfmt("%s", x)))
			rc = wol_error_set(w->err, WOL_ENOMEM, "out of memory");
	}
	if (rc == 0)
		rc = wol_index__walk_paths(w, &mine);
	wol_strv_clear(&mine);
	return rc;
}

int wol_index__walk_circles(wol_walk *w)
{
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < w->nplan; i++)
		rc = w->plan[i].fast ? walk_circle_fast(w, &w->plan[i]) : walk_circle(w, w->plan[i].name);
	sqlite3_stmt *put = NULL, *drop = NULL;
	if (rc == 0)
		rc = wol_index__prepare(w->ix,
		                        "INSERT OR REPLACE INTO heads(circle, oid, tree) VALUES(?1, ?2, ?3)",
		                        &put, w->err);
	if (rc == 0)
		rc = wol_index__prepare(w->ix, "DELETE FROM heads WHERE circle = ?1", &drop, w->err);
	for (size_t i = 0; rc == 0 && i < w->nplan; i++) {
		const wol_circle_plan *p = &w->plan[i];
		if (p->same || (!p->recorded && !p->head[0]))
			continue; /* a refresh that changes nothing writes nothing */
		sqlite3_stmt *s = p->head[0] ? put : drop;
		sqlite3_reset(s);
		wol_sql_bind_str(s, 1, p->name);
		if (p->head[0]) {
			wol_sql_bind_str(s, 2, p->head);
			wol_sql_bind_str(s, 3, p->tree[0] ? p->tree : NULL);
		}
		int r = sqlite3_step(s);
		if (r != SQLITE_DONE)
			rc = wol_index__fail(w->ix, w->err, r, "recording a circle's HEAD");
	}
	for (size_t j = 0; rc == 0 && j < w->gone.n; j++) {
		sqlite3_reset(drop);
		wol_sql_bind_str(drop, 1, w->gone.v[j]);
		int r = sqlite3_step(drop);
		if (r != SQLITE_DONE)
			rc = wol_index__fail(w->ix, w->err, r, "forgetting a circle");
	}
	sqlite3_finalize(put);
	sqlite3_finalize(drop);
	return rc;
}

/* What a path relative to $WOL_HOME is, or 0 when the index does not keep
 * it. `buf` (at least strlen(rel) + 1 bytes) holds the parts. */
static int place_of(const char *rel, wol_index_place *pl, char *buf)
{
	memset(pl, 0, sizeof *pl);
	strcpy(buf, rel);
	char *part[8], *save = NULL;
	int n = 0;
	for (char *p = strtok_r(buf, "/", &save); p && n < 8; p = strtok_r(NULL, "/", &save))
		part[n++] = p;
	if (n == 0 || !has_md_suffix(part[n - 1]) || part[n - 1][0] == '.')
		return 0;
	if (n == 3 && strcmp(part[0], "journal") == 0 && is_year(part[1])) {
		pl->kind = "journal";
		wol_index__date_prefix(part[2], pl->date);
		return 1;
	}
	if (wol_index__person_path(rel)) {
		pl->kind = "person"; /* walk_people.c */
		return 1;
	}
	if (n < 3 || strcmp(part[0], "circles") != 0 || !wol_name_valid(part[1]))
		return 0;
	/* circles/<circle>/<path>: what the circle layout says the path is */
	pl->circle = part[1];
	wol_place_of(rel + strlen("circles/") + strlen(part[1]) + 1, &pl->at);
	pl->kind = kept_kind(&pl->at);
	pl->folder = pl->at.kind == WOL_PLACE_NOTE ? pl->at.member : NULL;
	pl->qid = pl->at.qid[0] ? pl->at.qid : NULL;
	pl->nid = pl->at.kind == WOL_PLACE_FEEDBACK ? pl->at.note : NULL;
	return pl->kind != NULL;
}

/* Loads the index's rows of just these paths (sorted) into w->k. */
int wol_index__load_known_paths(wol_walk *w, const wol_strv *paths)
{
	sqlite3_stmt *st;
	int rc = wol_index__prepare(w->ix, "SELECT id, size, mtime, racy FROM docs WHERE path = ?1",
	                            &st, w->err);
	if (rc)
		return rc;
	w->k = paths->n ? calloc(paths->n, sizeof *w->k) : NULL;
	if (paths->n && !w->k)
		rc = wol_error_set(w->err, WOL_ENOMEM, "out of memory");
	for (size_t i = 0; rc == 0 && i < paths->n; i++) {
		sqlite3_reset(st);
		wol_sql_bind_str(st, 1, paths->v[i]);
		int s = sqlite3_step(st);
		if (s == SQLITE_DONE)
			continue;
		if (s != SQLITE_ROW) {
			rc = wol_index__fail(w->ix, w->err, s, "reading the index");
			break;
		}
		wol_known *k = &w->k[w->nk];
		k->id = sqlite3_column_int64(st, 0);
		k->size = sqlite3_column_int64(st, 1);
		k->mtime = sqlite3_column_int64(st, 2);
		k->racy = sqlite3_column_int(st, 3);
		k->path = wol_strfmt("%s", paths->v[i]);
		if (!k->path)
			rc = wol_error_set(w->err, WOL_ENOMEM, "out of memory");
		else
			w->nk++;
	}
	sqlite3_finalize(st);
	return rc;
}

/* Visits just these paths (sorted, relative to $WOL_HOME). */
int wol_index__walk_paths(wol_walk *w, const wol_strv *paths)
{
	const char *home = wol_ctx_home(w->ix->ctx);
	size_t hl = strlen(home);
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < paths->n; i++) {
		if (i && strcmp(paths->v[i], paths->v[i - 1]) == 0)
			continue;
		const char *rel = paths->v[i];
		char *buf = malloc(strlen(rel) + 1);
		char absbuf[4096];
		const char *abs = path_join(absbuf, sizeof absbuf, home, hl, rel);
		wol_index_place pl;
		struct stat st;
		if (!buf)
			rc = wol_error_set(w->err, WOL_ENOMEM, "out of memory");
		else if (abs && place_of(rel, &pl, buf) && lstat(abs, &st) == 0) {
			w->rep->stat++;
			if (S_ISREG(st.st_mode))
				rc = visit(w, rel, abs, &st, &pl);
		}
		free(buf);
	}
	return rc;
}
