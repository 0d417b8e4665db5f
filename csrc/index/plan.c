/* index/plan.c - a full refresh's plan: each circle's HEAD and tree
 * compared with what the index recorded (tree to tree, the paths that
 * changed), which circles can skip their walk but for the member's own
 * notes folder, the index rows the walk compares with (kept in the handle
 * between refreshes that change nothing), and the HEADs recorded after. */
#include "index/index_int.h"
#include "repo/head.h"

#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------ the tree diff
 *
 * The paths that differ between two trees, found by walking their raw
 * objects side by side: git keeps a tree's entries sorted, so one pass
 * over both lists pairs the entries of the same name; a pair with the same
 * id and kind is skipped without reading it (a subtree the commit did not
 * touch is never read), a pair of subtrees that differ is walked the same
 * way. libgit2's tree objects cost a parse of every entry and a binary
 * search per entry of the other side (`git_tree_entry_byname`): with the
 * inflating, ~28 M instructions for a commit touching ten notes of a
 * 10,000-note circle.
 *
 * The trees read on the new side are kept in the handle (oid -> raw bytes):
 * the old side of the next sync's diff is the new side of this one, so a
 * handle that follows a circle from sync to sync inflates each tree once. */

/* Raw trees kept in a handle: at most this many bytes. */
#define WOL_TREE_CACHE_BYTES (4u << 20)

struct wol_tree_cached {
	unsigned char id[GIT_OID_RAWSZ];
	unsigned char *base; /* the buffer (malloc'd, `cap` bytes) */
	size_t cap;
	const unsigned char *data; /* the tree's bytes, in base */
	size_t len;
	unsigned long use; /* the diff that last read it on its new side */
	int old_only;      /* read on the old side only in the current diff */
};

void wol_index__trees_drop(wol_index *ix)
{
	for (size_t i = 0; i < ix->ntrees; i++)
		free(ix->trees[i].base);
	free(ix->trees);
	ix->trees = NULL;
	ix->ntrees = 0;
	wol_repo__loose_free(ix->loose);
	ix->loose = NULL;
}

/* Where a diff's objects come from: loose files read by repo/loose.c when
 * they are (a commit made on this machine writes its objects so), else the
 * repository, opened through libgit2 on the first object that is not (a
 * fetch brings a pack). */
typedef struct objsrc {
	const char *workdir;
	char gitdir[4096]; /* "" when the layout is not a plain one */
	git_repository *repo;
	git_odb *odb;
	int tried, hashcheck_off;
} objsrc;

static git_repository *src_repo(objsrc *s)
{
	if (!s->repo && !s->tried) {
		s->tried = 1;
		if (git_repository_open_ext(&s->repo, s->workdir, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0) {
			git_error_clear();
			s->repo = NULL;
		}
	}
	return s->repo;
}

/* The object database, for reads during a tree diff. libgit2's check that
 * each object read hashes to its id is off meanwhile: it hashed every tree
 * read again with SHA-1DC (a quarter of a sync refresh's instructions);
 * what is read here only fills a cache, and the check is back on (its
 * default, which wol never changes) before any other git work
 * (src_close). */
static git_odb *src_odb(objsrc *s)
{
	if (!s->odb && src_repo(s)) {
		if (git_repository_odb(&s->odb, s->repo) < 0) {
			git_error_clear();
			s->odb = NULL;
		} else if (!s->hashcheck_off) {
			git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
			s->hashcheck_off = 1;
		}
	}
	return s->odb;
}

static void src_close(objsrc *s)
{
	if (s->hashcheck_off)
		git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 1);
	s->hashcheck_off = 0;
	git_odb_free(s->odb);
	git_repository_free(s->repo);
	s->odb = NULL;
	s->repo = NULL;
}

/* Object `id` of type `type` into a new buffer: 1 with *base (malloc'd,
 * `*cap` bytes) holding its bytes at *off, *len of them; 0 when it cannot
 * be read. */
static int obj_read(wol_index *ix, objsrc *s, const unsigned char id[GIT_OID_RAWSZ],
                    git_object_t type, unsigned char **base, size_t *cap, size_t *off, size_t *len)
{
	*base = NULL;
	*cap = 0;
	if (!ix->loose)
		ix->loose = wol_repo__loose_new();
	const char *tname = type == GIT_OBJECT_TREE ? "tree" : "commit";
	int loose = s->gitdir[0] && ix->loose ? wol_repo__loose_read(ix->loose, s->gitdir, id, tname,
	                                                               base, cap, off, len)
	                                       : 0;
	if (loose > 0)
		return 1;
	if (loose < 0) { /* a damaged loose file: not for libgit2 (repo/loose.c) */
		free(*base);
		return 0;
	}
	git_odb *odb = src_odb(s);
	git_odb_object *o = NULL;
	git_oid oid;
	git_oid_fromraw(&oid, id);
	if (!odb || git_odb_read(&o, odb, &oid) < 0 || git_odb_object_type(o) != type) {
		git_odb_object_free(o);
		git_error_clear();
		free(*base);
		return 0;
	}
	size_t n = git_odb_object_size(o);
	if (n + 1 > *cap) {
		unsigned char *p = realloc(*base, n + 1);
		if (!p) {
			git_odb_object_free(o);
			free(*base);
			return 0;
		}
		*base = p;
		*cap = n + 1;
	}
	memcpy(*base, git_odb_object_data(o), n);
	git_odb_object_free(o);
	*off = 0;
	*len = n;
	return 1;
}

typedef struct tdiff {
	wol_walk *w;
	wol_index *ix;
	objsrc *src;
	unsigned long gen;
	int failed; /* an object could not be read: the diff is not exact */
	char path[4096];
} tdiff;

/* The raw bytes of tree `id` (cached in the handle), or NULL (not there,
 * not a tree: td->failed). `newside`: read for the new tree. */
static const unsigned char *tree_bytes(tdiff *td, const unsigned char *id, int newside, size_t *len)
{
	wol_index *ix = td->ix;
	for (size_t i = 0; i < ix->ntrees; i++) {
		struct wol_tree_cached *c = &ix->trees[i];
		if (memcmp(c->id, id, GIT_OID_RAWSZ) == 0) {
			if (newside) {
				c->use = td->gen;
				c->old_only = 0;
			} else if (c->use != td->gen) {
				c->old_only = 1;
			}
			*len = c->len;
			return c->data;
		}
	}
	struct wol_tree_cached *grown = realloc(ix->trees, (ix->ntrees + 1) * sizeof *ix->trees);
	if (!grown) {
		td->failed = 1;
		return NULL;
	}
	ix->trees = grown;
	unsigned char *base;
	size_t cap, off, n;
	if (!obj_read(ix, td->src, id, GIT_OBJECT_TREE, &base, &cap, &off, &n)) {
		td->failed = 1;
		return NULL;
	}
	struct wol_tree_cached *c = &ix->trees[ix->ntrees++];
	memcpy(c->id, id, GIT_OID_RAWSZ);
	c->base = base;
	c->cap = cap;
	c->data = base + off;
	c->len = n;
	c->use = newside ? td->gen : 0;
	c->old_only = !newside;
	*len = n;
	return c->data;
}

/* After a diff: the trees read only on its old side go (their commit is
 * behind us), then the least recently used until the cache fits. */
static void trees_settle(wol_index *ix)
{
	size_t o = 0, bytes = 0;
	for (size_t i = 0; i < ix->ntrees; i++) {
		if (ix->trees[i].old_only) {
			free(ix->trees[i].base);
			continue;
		}
		bytes += ix->trees[i].cap;
		ix->trees[o++] = ix->trees[i];
	}
	ix->ntrees = o;
	while (bytes > WOL_TREE_CACHE_BYTES && ix->ntrees) {
		size_t oldest = 0;
		for (size_t i = 1; i < ix->ntrees; i++)
			if (ix->trees[i].use < ix->trees[oldest].use)
				oldest = i;
		bytes -= ix->trees[oldest].cap;
		free(ix->trees[oldest].base);
		ix->trees[oldest] = ix->trees[--ix->ntrees];
	}
}

/* One entry of a raw tree. */
typedef struct tent {
	const char *name;
	size_t nlen;
	unsigned mode;
	const unsigned char *id;
} tent;

/* The entry at *p (moved past it): 1, or 0 at the end; a malformed tree
 * ends early (td->failed). */
static int tent_next(tdiff *td, const unsigned char **p, const unsigned char *end, tent *e)
{
	const unsigned char *q = *p;
	if (q >= end)
		return 0;
	unsigned mode = 0;
	while (q < end && *q >= '0' && *q <= '7')
		mode = mode * 8 + (unsigned)(*q++ - '0');
	if (q >= end || *q != ' ' || q == *p) {
		td->failed = 1;
		return 0;
	}
	q++;
	const unsigned char *nul = memchr(q, '\0', (size_t)(end - q));
	if (!nul || nul == q || (size_t)(end - nul - 1) < GIT_OID_RAWSZ) {
		td->failed = 1;
		return 0;
	}
	e->name = (const char *)q;
	e->nlen = (size_t)(nul - q);
	e->mode = mode;
	e->id = nul + 1;
	*p = nul + 1 + GIT_OID_RAWSZ;
	return 1;
}

/* What an entry is: the ids of two entries are compared only when they are
 * the same kind. */
enum { T_TREE, T_FILE, T_LINK, T_OTHER };
static int tkind(unsigned mode)
{
	switch (mode & 0170000) {
	case 0040000:
		return T_TREE;
	case 0100000:
		return T_FILE; /* 100644, 100755 (a mode change alone changes no row) */
	case 0120000:
		return T_LINK;
	default:
		return T_OTHER; /* a submodule: not a file of the circle */
	}
}

/* git's order of tree entries: by name, a tree's name as if it ended in '/'. */
static int tent_cmp(const tent *a, const tent *b)
{
	size_t n = a->nlen < b->nlen ? a->nlen : b->nlen;
	int c = memcmp(a->name, b->name, n);
	if (c)
		return c;
	unsigned ca = a->nlen > n ? (unsigned char)a->name[n] : tkind(a->mode) == T_TREE ? '/' : 0;
	unsigned cb = b->nlen > n ? (unsigned char)b->name[n] : tkind(b->mode) == T_TREE ? '/' : 0;
	return ca < cb ? -1 : ca > cb;
}

static int tree_walk(tdiff *td, const unsigned char *a, const unsigned char *b, size_t plen,
                     int depth);

/* Moves *pa and *pb (each at an entry of its tree) past the entries the
 * two trees have byte for byte in common from there: a sync changes a few
 * entries of folders of hundreds, and parsing and comparing each shared
 * entry was most of the walk (~2 M instructions for ten notes in seven
 * folders of ~1,250). An entry ends 20 bytes after the NUL that ends its
 * name (tent_next's rule); whatever the shared bytes hold, they name the
 * same entries on both sides, so none of them is a change. */
static void same_run(const unsigned char **pa, const unsigned char *enda, const unsigned char **pb,
                     const unsigned char *endb)
{
	const unsigned char *a = *pa, *b = *pb;
	size_t n = (size_t)(enda - a) < (size_t)(endb - b) ? (size_t)(enda - a) : (size_t)(endb - b);
	size_t same = 0;
	while (same + 256 <= n && memcmp(a + same, b + same, 256) == 0)
		same += 256;
	while (same < n && a[same] == b[same])
		same++;
	size_t run = 0;
	for (;;) {
		const unsigned char *nul = memchr(a + run, '\0', same - run);
		if (!nul || (size_t)(nul - a) + 1 + GIT_OID_RAWSZ > same)
			break;
		run = (size_t)(nul - a) + 1 + GIT_OID_RAWSZ;
	}
	*pa = a + run;
	*pb = b + run;
}

/* An entry present on one side only (ea or eb NULL), or on both with
 * different ids or kinds: its path is forced when a file is on either side,
 * and a subtree on either side is walked (against nothing, or the other). */
static int entry_changed(tdiff *td, const tent *ea, const tent *eb, size_t plen, int depth)
{
	const tent *e = ea ? ea : eb;
	if (plen + 1 + e->nlen + 1 > sizeof td->path) {
		td->failed = 1;
		return 0;
	}
	td->path[plen] = '/';
	memcpy(td->path + plen + 1, e->name, e->nlen);
	size_t n = plen + 1 + e->nlen;
	td->path[n] = '\0';
	int ta = ea && tkind(ea->mode) == T_TREE, tb = eb && tkind(eb->mode) == T_TREE;
	int rc = 0;
	if (ta || tb)
		rc = tree_walk(td, ta ? ea->id : NULL, tb ? eb->id : NULL, n, depth + 1);
	int fa = ea && (tkind(ea->mode) == T_FILE || tkind(ea->mode) == T_LINK);
	int fb = eb && (tkind(eb->mode) == T_FILE || tkind(eb->mode) == T_LINK);
	td->path[n] = '\0'; /* (the walk below wrote past it) */
	if (rc == 0 && (fa || fb) && wol_strv_add(&td->w->forced, wol_strfmt("%s", td->path)))
		rc = wol_error_set(td->w->err, WOL_ENOMEM, "out of memory");
	td->path[plen] = '\0';
	return rc;
}

/* Adds to the forced set every file path that differs between trees `a`
 * and `b` (raw ids; either may be NULL: nothing) under td->path[0..plen).
 * `depth` 0 is the root, where only notes/, questions/ and feedback/
 * matter. */
static int tree_walk(tdiff *td, const unsigned char *a, const unsigned char *b, size_t plen,
                     int depth)
{
	if (depth > 8)
		return 0;
	size_t la = 0, lb = 0;
	const unsigned char *pa = a ? tree_bytes(td, a, 0, &la) : NULL;
	const unsigned char *pb = b ? tree_bytes(td, b, 1, &lb) : NULL;
	if ((a && !pa) || (b && !pb))
		return 0; /* td->failed */
	const unsigned char *enda = pa + la, *endb = pb + lb;
	tent ea, eb;
	if (pa && pb)
		same_run(&pa, enda, &pb, endb);
	int ha = pa ? tent_next(td, &pa, enda, &ea) : 0, hb = pb ? tent_next(td, &pb, endb, &eb) : 0;
	int rc = 0;
	while (rc == 0 && (ha || hb)) {
		int c = !ha ? 1 : !hb ? -1 : tent_cmp(&ea, &eb);
		const tent *x = c <= 0 ? &ea : &eb;
		int skip = depth == 0 && !(x->nlen == 5 && memcmp(x->name, "notes", 5) == 0) &&
		           !(x->nlen == 9 && memcmp(x->name, "questions", 9) == 0) &&
		           !(x->nlen == 8 && memcmp(x->name, "feedback", 8) == 0);
		if (c == 0) {
			if (!skip && (tkind(ea.mode) != tkind(eb.mode) ||
			              memcmp(ea.id, eb.id, GIT_OID_RAWSZ) != 0))
				rc = entry_changed(td, &ea, &eb, plen, depth);
			same_run(&pa, enda, &pb, endb);
			ha = tent_next(td, &pa, enda, &ea);
			hb = tent_next(td, &pb, endb, &eb);
		} else if (c < 0) {
			if (!skip)
				rc = entry_changed(td, &ea, NULL, plen, depth);
			ha = tent_next(td, &pa, enda, &ea);
		} else {
			if (!skip)
				rc = entry_changed(td, NULL, &eb, plen, depth);
			hb = tent_next(td, &pb, endb, &eb);
		}
	}
	return rc;
}

/* The paths changed between trees `a` and `b` (raw ids) into w->forced,
 * under `prefix`. `*exact`: every tree needed was read. */
static int tree_changes_fast(wol_walk *w, objsrc *src, const unsigned char *a,
                             const unsigned char *b, const char *prefix, int *exact)
{
	tdiff *td = calloc(1, sizeof *td);
	if (!td)
		return wol_error_set(w->err, WOL_ENOMEM, "out of memory");
	td->w = w;
	td->ix = w->ix;
	td->src = src;
	td->gen = ++w->ix->trees_gen;
	size_t n = strlen(prefix);
	if (n >= sizeof td->path)
		n = sizeof td->path - 1;
	memcpy(td->path, prefix, n);
	td->path[n] = '\0';
	int rc = tree_walk(td, a, b, n, 0);
	trees_settle(w->ix);
	*exact = rc == 0 && !td->failed;
	free(td);
	return rc;
}

/* 40 hex digits (either case) into 20 bytes: 0, or -1. */
static int hex_raw(const char *hex, unsigned char raw[GIT_OID_RAWSZ])
{
	for (int i = 0; i < 2 * GIT_OID_RAWSZ; i++) {
		char c = hex[i];
		int v = c >= '0' && c <= '9' ? c - '0'
		      : c >= 'a' && c <= 'f' ? c - 'a' + 10
		      : c >= 'A' && c <= 'F' ? c - 'A' + 10
		                             : -1;
		if (v < 0)
			return -1;
		if (i % 2)
			raw[i / 2] = (unsigned char)(raw[i / 2] | v);
		else
			raw[i / 2] = (unsigned char)(v << 4);
	}
	return hex[2 * GIT_OID_RAWSZ] == '\0' ? 0 : -1;
}

static void raw_hex(const unsigned char raw[GIT_OID_RAWSZ], char hex[GIT_OID_HEXSZ + 1])
{
	static const char digits[] = "0123456789abcdef";
	for (int i = 0; i < GIT_OID_RAWSZ; i++) {
		hex[2 * i] = digits[raw[i] >> 4];
		hex[2 * i + 1] = digits[raw[i] & 15];
	}
	hex[GIT_OID_HEXSZ] = '\0';
}

/* The tree of commit `commit` (raw) into `tree`: 0, or -1. Read as the
 * objects are (obj_read): a commit made here is a loose file, and reading
 * it needs no libgit2. A commit begins "tree <hex>\n". */
static int commit_tree(wol_index *ix, objsrc *s, const unsigned char *commit,
                       unsigned char tree[GIT_OID_RAWSZ])
{
	unsigned char *base;
	size_t cap, off, len;
	if (!obj_read(ix, s, commit, GIT_OBJECT_COMMIT, &base, &cap, &off, &len))
		return -1;
	const char *c = (const char *)base + off;
	char hex[GIT_OID_HEXSZ + 1];
	int rc = -1;
	if (len > 5 + GIT_OID_HEXSZ && memcmp(c, "tree ", 5) == 0 && c[5 + GIT_OID_HEXSZ] == '\n') {
		memcpy(hex, c + 5, GIT_OID_HEXSZ);
		hex[GIT_OID_HEXSZ] = '\0';
		rc = hex_raw(hex, tree);
	}
	free(base);
	return rc;
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
	/* HEAD where the index left it (read from the files, repo/head.c): the
	 * same commit, so the same tree, and libgit2 is not even started */
	int peeked = wol_repo__head_peek(path, head);
	if (old && old_tree && strlen(old_tree) == GIT_OID_HEXSZ && peeked && strcmp(head, old) == 0) {
		memcpy(tree, old_tree, GIT_OID_HEXSZ + 1);
		if (exact)
			*exact = 1;
		free(path);
		return 0;
	}
	objsrc *src = calloc(1, sizeof *src);
	if (!src) {
		free(path);
		return wol_error_set(w->err, WOL_ENOMEM, "out of memory");
	}
	src->workdir = path;
	/* HEAD moved: its commit and trees are read from their loose files
	 * when they are, else through libgit2 (objsrc) */
	unsigned char head_raw[GIT_OID_RAWSZ], tree_raw[GIT_OID_RAWSZ], old_raw[GIT_OID_RAWSZ];
	int have = peeked && wol_repo__gitdir(path, src->gitdir, sizeof src->gitdir) &&
	           hex_raw(head, head_raw) == 0;
	if (!have) {
		src->gitdir[0] = '\0';
		head[0] = '\0';
		git_oid oid;
		if (src_repo(src) && git_reference_name_to_id(&oid, src->repo, "HEAD") == 0) {
			memcpy(head_raw, oid.id, GIT_OID_RAWSZ);
			raw_hex(head_raw, head);
			have = 1;
		}
		git_error_clear();
	}
	int rc = 0, diffed = 0;
	char prefix[300];
	snprintf(prefix, sizeof prefix, "circles/%s", circle);
	if (have && commit_tree(w->ix, src, head_raw, tree_raw) == 0) {
		raw_hex(tree_raw, tree);
		if (old_tree && strcmp(old_tree, tree) == 0) {
			if (exact)
				*exact = 1; /* the same tree: nothing to diff */
		} else if (old_tree && strlen(old_tree) == GIT_OID_HEXSZ && hex_raw(old_tree, old_raw) == 0) {
			rc = tree_changes_fast(w, src, old_raw, tree_raw, prefix, &diffed);
			w->rep->trees += diffed; /* (not when the recorded tree is gone) */
			if (exact)
				*exact = diffed;
		} else if (old && strcmp(old, head) != 0 && strlen(old) == GIT_OID_HEXSZ &&
		           hex_raw(old, old_raw) == 0) {
			/* no usable recorded tree: the recorded commit's, if it is there */
			unsigned char old_tree_raw[GIT_OID_RAWSZ];
			if (commit_tree(w->ix, src, old_raw, old_tree_raw) == 0) {
				rc = tree_changes_fast(w, src, old_tree_raw, tree_raw, prefix, &diffed);
				w->rep->trees++;
			}
		}
	} else if (!have) {
		head[0] = '\0'; /* no HEAD commit (or no repository) */
	}
	if (src->tried)
		git_error_clear();
	src_close(src);
	free(src);
	free(path);
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
	w->took_kept = kept;
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
		qsort(w->k, w->nk, sizeof *w->k, wol_index__cmp_known_rows);
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
	int rc = wol_index__walk_files(w, dir, &pl, NULL);
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
		rc = w->plan[i].fast ? walk_circle_fast(w, &w->plan[i])
		                      : wol_index__walk_circle(w, w->plan[i].name);
	if (w->counting)
		return rc;
	sqlite3_stmt *put = NULL, *drop = NULL;
	int any = w->gone.n > 0;
	for (size_t i = 0; i < w->nplan; i++)
		any |= !w->plan[i].same && (w->plan[i].recorded || w->plan[i].head[0]);
	if (rc == 0 && any) /* (prepared only when there is something to write) */
		rc = wol_index__prepare(w->ix,
		                        "INSERT OR REPLACE INTO heads(circle, oid, tree) VALUES(?1, ?2, ?3)",
		                        &put, w->err);
	if (rc == 0 && any)
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
