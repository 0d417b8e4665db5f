/* feedback/read.c - the feedback on a note as it stands: the records of
 * feedback/<note-id>/ read with the rules of question records, threads,
 * `addressed` events replayed in (lamport, id) order, and every thread
 * anchored to the note's text now. Reading is tolerant: a record that
 * cannot be read is skipped with a warning naming its file; odd values
 * (a range past the end, a commit this clone lacks) are shown, flagged. */
#include "feedback/feedback_int.h"
#include "question/question_int.h"

#include <dirent.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const reactions[] = {"thanks", "+1", "idea", "question", NULL};

const char *const *wol_feedback_reactions(void)
{
	return reactions;
}

int wol_feedback__reaction_ok(const char *r)
{
	for (size_t i = 0; r && reactions[i]; i++)
		if (strcmp(r, reactions[i]) == 0)
			return 1;
	return 0;
}

int wol_feedback__kind(const char *kind)
{
	if (!kind)
		return 0;
	if (strcmp(kind, "comment") == 0)
		return WOL_FB_COMMENT;
	if (strcmp(kind, "suggestion") == 0)
		return WOL_FB_SUGGESTION;
	if (strcmp(kind, "reaction") == 0)
		return WOL_FB_REACTION;
	if (strcmp(kind, "addressed") == 0)
		return WOL_FB_ADDRESSED;
	return 0;
}

int wol_feedback__parse_lines(const char *s, long *a, long *b)
{
	*a = *b = 0;
	if (!s || !*s)
		return 0;
	long v[2] = {0, 0};
	int k = 0;
	const char *p = s;
	for (;;) {
		if (*p < '0' || *p > '9')
			return -1;
		while (*p >= '0' && *p <= '9') {
			if (v[k] > WOL_FEEDBACK_LINES_MAX / 10)
				return -1;
			v[k] = v[k] * 10 + (*p++ - '0');
		}
		if (*p == '\0')
			break;
		if (*p != '-' || k == 1)
			return -1;
		p++;
		k++;
	}
	if (k == 0)
		v[1] = v[0];
	if (v[0] < 1 || v[1] < v[0] || v[1] > WOL_FEEDBACK_LINES_MAX)
		return -1;
	*a = v[0];
	*b = v[1];
	return 0;
}

static int hex_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 4 || n > GIT_OID_HEXSZ)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

static void item_free(wol_fitem *it)
{
	free(it->id);
	free(it->path);
	free(it->kind);
	free(it->reaction);
	free(it->author);
	free(it->created);
	free(it->reply_to);
	free(it->thread);
	free(it->text);
	free(it->commit);
	free(it->wrote_on);
	free(it->addressed_id);
	free(it->addressed_text);
	free(it->committer);
	free(it->problem);
	free(it->note_id);
	free(it->note);
	free(it->note_title);
	free(it->note_author);
	memset(it, 0, sizeof *it);
}

void wol_feedback_free(wol_feedback *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n; i++)
		item_free(&f->items[i]);
	free(f->items);
	free(f->note_id);
	free(f->note);
	free(f->note_title);
	free(f->note_author);
	wol_strv_free(f->warnings, f->nwarnings);
	memset(f, 0, sizeof *f);
}

/* ------------------------------------------------------- the records */

typedef struct folder {
	wol_qrecord *rec; /* replay order: (lamport, id) */
	size_t n;
	long long last;   /* the highest lamport among them */
} folder;

static void folder_free(folder *f)
{
	for (size_t i = 0; i < f->n; i++)
		wol_question__record_free(&f->rec[i]);
	free(f->rec);
	memset(f, 0, sizeof *f);
}

static int cmp_replay(const void *a, const void *b)
{
	const wol_qrecord *x = a, *y = b;
	if (x->lamport != y->lamport)
		return x->lamport < y->lamport ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* Reads the records of feedback/<nid>/. */
static int load_folder(const char *root, const char *nid, folder *f, wol_strv *warn)
{
	memset(f, 0, sizeof *f);
	char *dir = wol_strfmt("feedback/%s", nid);
	char **ids = NULL;
	size_t nids = 0;
	int rc = dir ? wol_question__list_records(root, dir, &ids, &nids, warn) : WOL_ENOMEM;
	if (rc == 0 && nids && !(f->rec = calloc(nids, sizeof *f->rec)))
		rc = WOL_ENOMEM;
	for (size_t i = 0; rc == 0 && i < nids; i++) {
		char *rel = wol_strfmt("%s/%s.md", dir, ids[i]);
		wol_error bad;
		int r = rel ? wol_question__read_record(root, rel, ids[i], "feedback", &f->rec[f->n], &bad)
		            : WOL_ENOMEM;
		if (r == 0)
			f->n++;
		else if (r == -1)
			wol_strv_add(warn, wol_strfmt("%s (feedback skipped)", bad.msg));
		else
			rc = r;
		free(rel);
	}
	wol_strv_free(ids, nids);
	free(dir);
	if (rc == 0 && warn->oom)
		rc = WOL_ENOMEM;
	if (rc) {
		folder_free(f);
		return rc;
	}
	if (f->n > 1)
		qsort(f->rec, f->n, sizeof *f->rec, cmp_replay);
	if (f->n)
		f->last = f->rec[f->n - 1].lamport;
	return 0;
}

/* ----------------------------------------------------------- anchoring */

/* The blob of `path` (else `alt`) at commit `hex`: 0 with *out, or -1
 * when this clone does not have it. Only the trees are read (the blob is
 * inflated once per version, by diff_of). */
static int old_blob(git_repository *repo, const char *hex, const char *path, const char *alt,
                    git_oid *out)
{
	git_oid oid;
	git_object *obj = NULL;
	git_commit *cm = NULL;
	git_tree *tree = NULL;
	git_tree_entry *e = NULL;
	int rc = -1;
	if (hex && git_oid_fromstrn(&oid, hex, strlen(hex)) == 0 &&
	    git_object_lookup_prefix(&obj, repo, &oid, strlen(hex), GIT_OBJECT_COMMIT) == 0 &&
	    git_commit_lookup(&cm, repo, git_object_id(obj)) == 0 && git_commit_tree(&tree, cm) == 0 &&
	    ((path && wol_path_check(path, NULL) == 0 && git_tree_entry_bypath(&e, tree, path) == 0) ||
	     (alt && git_tree_entry_bypath(&e, tree, alt) == 0)) &&
	    git_tree_entry_type(e) == GIT_OBJECT_BLOB) {
		git_oid_cpy(out, git_tree_entry_id(e));
		rc = 0;
	}
	git_tree_entry_free(e);
	git_tree_free(tree);
	git_commit_free(cm);
	git_object_free(obj);
	git_error_clear();
	return rc;
}

/* Diffs of old versions against the text now, one per blob. */
typedef struct diffs {
	git_oid *oids;
	wol_fdiff *d;
	size_t n, cap;
} diffs;

static void diffs_free(diffs *ds)
{
	for (size_t i = 0; i < ds->n; i++)
		wol_feedback__diff_free(&ds->d[i]);
	free(ds->oids);
	free(ds->d);
	memset(ds, 0, sizeof *ds);
}

/* The diff of the blob `id` against the text now: NULL when out of
 * memory, the blob is missing or the diff failed. */
static const wol_fdiff *diff_of(diffs *ds, git_repository *repo, const git_oid *id,
                                const char *cur, size_t clen)
{
	for (size_t i = 0; i < ds->n; i++)
		if (git_oid_equal(&ds->oids[i], id))
			return &ds->d[i];
	if (ds->n == ds->cap) {
		size_t cap = ds->cap ? ds->cap * 2 : 8;
		git_oid *o = realloc(ds->oids, cap * sizeof *o);
		if (!o)
			return NULL;
		ds->oids = o;
		wol_fdiff *d = realloc(ds->d, cap * sizeof *d);
		if (!d)
			return NULL;
		ds->d = d;
		ds->cap = cap;
	}
	git_blob *blob = NULL;
	if (git_blob_lookup(&blob, repo, id) != 0) {
		git_error_clear();
		return NULL;
	}
	size_t size = (size_t)git_blob_rawsize(blob);
	int rc = wol_feedback__diff(git_blob_rawcontent(blob), size, cur, clen, &ds->d[ds->n], NULL);
	git_blob_free(blob);
	if (rc != 0)
		return NULL;
	git_oid_cpy(&ds->oids[ds->n], id);
	return &ds->d[ds->n++];
}

/* The first line of the note's text after its front matter that is not
 * blank (where feedback on the whole note shows). */
static long body_line(const char *text, size_t len)
{
	long line = 1;
	size_t i = 0;
	if (len >= 4 && strncmp(text, "---", 3) == 0 && (text[3] == '\n' || text[3] == '\r')) {
		/* skip to the closing --- or ... (the text may hold NUL bytes and
		 * need not end with one: every scan stays within len) */
		const char *nl = memchr(text, '\n', len);
		i = nl ? (size_t)(nl - text) + 1 : len;
		line = 2;
		int closed = 0;
		while (i < len && !closed) {
			size_t e = i;
			while (e < len && text[e] != '\n')
				e++;
			size_t l = e - i;
			if (l > 0 && text[i + l - 1] == '\r')
				l--;
			closed = l == 3 && (strncmp(text + i, "---", 3) == 0 || strncmp(text + i, "...", 3) == 0);
			i = e + 1;
			line++;
		}
		if (!closed)
			return 1;
	}
	while (i < len) {
		size_t e = i;
		int blank = 1;
		while (e < len && text[e] != '\n') {
			if (text[e] != ' ' && text[e] != '\t' && text[e] != '\r')
				blank = 0;
			e++;
		}
		if (!blank)
			return line;
		i = e + 1;
		line++;
	}
	return 1;
}

/* ------------------------------------------------------ building items */

typedef struct note_ctx {
	const char *nids[2];   /* its folders: its id's and its path key's (or the orphan's one) */
	size_t nnids;
	const wol_fnote *note; /* NULL: orphaned */
	const char *author;    /* whose note (may be NULL for an orphan of unknown owner) */
	const char *text;      /* the note's text now */
	size_t len;
	long lines;
} note_ctx;

/* Item ids sorted for lookups: (id, index) pairs. */
typedef struct idpos {
	const char *id;
	size_t pos;
} idpos;

static int cmp_idpos(const void *a, const void *b)
{
	return strcmp(((const idpos *)a)->id, ((const idpos *)b)->id);
}

/* Index of the item with id, or -1. */
static long find_item(const idpos *v, size_t n, const char *id)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(v[mid].id, id);
		if (c == 0)
			return (long)v[mid].pos;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static char *add_problem(char *old, char *more)
{
	if (!more)
		return old;
	if (!old)
		return more;
	char *both = wol_strfmt("%s; %s", old, more);
	free(old);
	free(more);
	return both;
}

typedef struct ivec {
	wol_fitem *v;
	size_t n, cap;
	int oom;
} ivec;

static wol_fitem *ivec_new(ivec *iv)
{
	if (iv->n == iv->cap) {
		size_t cap = iv->cap ? iv->cap * 2 : 16;
		wol_fitem *v = realloc(iv->v, cap * sizeof *v);
		if (!v) {
			iv->oom = 1;
			return NULL;
		}
		iv->v = v;
		iv->cap = cap;
	}
	wol_fitem *it = &iv->v[iv->n++];
	memset(it, 0, sizeof *it);
	return it;
}

/* Builds the items of one note's folder into iv (appending), replaying
 * its `addressed` events. */
static int build(wol_circle *c, const note_ctx *nc, folder *f, const wol_feedback_opts *o,
                 ivec *iv, wol_strv *warn)
{
	const char *me = wol_circle_handle(c);
	size_t first = iv->n;
	/* the items (comments, suggestions, reactions) */
	for (size_t i = 0; i < f->n; i++) {
		wol_qrecord *r = &f->rec[i];
		int k = wol_feedback__kind(r->kind);
		if (k == WOL_FB_ADDRESSED)
			continue;
		if (!k) {
			wol_strv_add(warn, wol_strfmt("wol: %s: unknown kind '%s' (a newer version may know "
			                              "it); ignored",
			                              r->path, r->kind));
			continue;
		}
		const char *reaction = wol_yaml_str(r->meta, "reaction");
		if (k == WOL_FB_REACTION && !wol_feedback__reaction_ok(reaction)) {
			wol_strv_add(warn, wol_strfmt("wol: %s: not a known reaction (feedback skipped)",
			                              r->path));
			continue;
		}
		if (k != WOL_FB_REACTION && wol_question__blank(r->text)) {
			wol_strv_add(warn, wol_strfmt("wol: %s: a %s without text (feedback skipped)",
			                              r->path, r->kind));
			continue;
		}
		wol_fitem *it = ivec_new(iv);
		if (!it)
			break;
		it->id = wol_strdup(r->id);
		it->path = wol_strdup(r->path);
		it->kind = wol_strdup(r->kind);
		it->reaction = k == WOL_FB_REACTION ? wol_strdup(reaction) : NULL;
		it->author = wol_strdup(r->author);
		it->created = wol_strdup(r->created);
		it->lamport = r->lamport;
		it->text = wol_strdup(r->text);
		it->mine = strcmp(r->author, me) == 0;
		it->forged = r->forged;
		it->committer = wol_strdup(r->committer);
		it->problem = wol_strdup(r->note);
		const char *rt = wol_yaml_str(r->meta, "reply-to");
		if (rt && *rt)
			it->reply_to = wol_strdup(rt);
		const char *cm = wol_yaml_str(r->meta, "commit");
		if (cm && *cm) {
			if (hex_ok(cm))
				it->commit = wol_strdup(cm);
			else
				it->problem = add_problem(it->problem, wol_strfmt("'commit' is not a commit id"));
		}
		const char *wn = wol_yaml_str(r->meta, "note");
		if (wn && *wn)
			it->wrote_on = wol_strdup(wn);
		const char *ln = wol_yaml_str(r->meta, "lines");
		if (ln && wol_feedback__parse_lines(ln, &it->line1, &it->line2) != 0)
			it->problem = add_problem(it->problem,
			                          wol_strfmt("'lines' is not a range (A-B); shown on the whole note"));
		if (wol_yaml_get(r->meta, "lines") && !ln)
			it->problem = add_problem(it->problem,
			                          wol_strfmt("'lines' is not a range (A-B); shown on the whole note"));
		/* feedback/<nid>/<id>.md: the folder it is in */
		it->note_id = wol_strndup(r->path + 9, strcspn(r->path + 9, "/"));
		it->note = nc->note ? wol_strdup(nc->note->path) : NULL;
		it->note_title = nc->note ? wol_strdup(nc->note->title) : NULL;
		it->note_author = wol_strdup(nc->author);
		it->orphaned = nc->note == NULL;
		if (!it->id || !it->path || !it->kind || !it->author || !it->text || !it->note_id ||
		    (k == WOL_FB_REACTION && !it->reaction) || (nc->note && (!it->note || !it->note_title)))
			iv->oom = 1;
	}
	size_t ni = iv->n - first;
	wol_fitem *items = iv->v ? iv->v + first : NULL;
	/* threads: each item joins the thread of the item it answers */
	idpos *ids = ni ? calloc(ni, sizeof *ids) : NULL;
	if (ni && !ids)
		iv->oom = 1;
	for (size_t i = 0; !iv->oom && i < ni; i++) {
		ids[i].id = items[i].id;
		ids[i].pos = i;
	}
	if (!iv->oom && ni > 1) /* ids are unique: they are file names */
		qsort(ids, ni, sizeof *ids, cmp_idpos);
	size_t *root = ni ? calloc(ni, sizeof *root) : NULL;
	if (ni && !root)
		iv->oom = 1;
	for (size_t i = 0; !iv->oom && i < ni; i++) {
		size_t cur = i;
		int steps = 0;
		while (items[cur].reply_to && steps < WOL_FEEDBACK_DEPTH) {
			long p = find_item(ids, ni, items[cur].reply_to);
			if (p < 0) {
				if (cur == i)
					items[i].problem = add_problem(
						items[i].problem,
						wol_strfmt("answers %s, which is not here", items[i].reply_to));
				break;
			}
			if ((size_t)p == i)
				break;
			cur = (size_t)p;
			steps++;
		}
		root[i] = steps >= WOL_FEEDBACK_DEPTH ? i : cur;
	}
	/* a thread that goes round in a circle (or deeper than anyone writes)
	 * has no first item: each of its items starts its own */
	unsigned char *lost = ni ? calloc(ni, 1) : NULL;
	if (ni && !lost)
		iv->oom = 1;
	for (size_t i = 0; !iv->oom && i < ni; i++)
		lost[i] = root[root[i]] != root[i] ||
		          (root[i] == i && items[i].reply_to && find_item(ids, ni, items[i].reply_to) >= 0);
	for (size_t i = 0; !iv->oom && i < ni; i++)
		if (lost[i]) {
			items[i].problem = add_problem(items[i].problem,
			                               wol_strfmt("its thread goes round in a circle"));
			root[i] = (size_t)-1;
		}
	free(lost);
	for (size_t i = 0; !iv->oom && i < ni; i++) {
		if (root[i] == (size_t)-1)
			root[i] = i;
		if (!(items[i].thread = wol_strdup(items[root[i]].id)))
			iv->oom = 1;
	}
	/* anchoring: each thread's first item, the rest follow it */
	git_repository *repo = wol_circle_repo(c);
	diffs ds = {0};
	long whole = nc->note ? body_line(nc->text, nc->len) : 1;
	if (whole > nc->lines && nc->lines > 0)
		whole = nc->lines;
	for (size_t i = 0; !iv->oom && i < ni; i++) {
		if (root[i] != i)
			continue;
		wol_fitem *it = &items[i];
		long a = it->line1, b = it->line2;
		long top = nc->lines > 0 ? nc->lines : 1;
		if (!nc->note) {
			it->anchor = "orphaned";
			it->start = a > 0 ? a : 1;
			it->end = b > 0 ? b : it->start;
		} else if (a == 0) {
			it->anchor = "note";
			it->start = it->end = whole;
		} else {
			git_oid bid;
			const wol_fdiff *d = NULL;
			if (old_blob(repo, it->commit, it->wrote_on, nc->note->path, &bid) == 0)
				d = diff_of(&ds, repo, &bid, nc->text, nc->len);
			if (d) {
				wol_fplace pl;
				wol_feedback__place(d, a, b, &pl);
				it->anchor = pl.outdated ? "outdated" : "current";
				it->start = pl.start;
				it->end = pl.end;
				it->clamped = pl.clamped;
			} else {
				it->anchor = "unknown";
				it->start = a < top ? a : top;
				it->end = b < top ? b : top;
				it->clamped = b > top;
			}
		}
	}
	diffs_free(&ds);
	for (size_t i = 0; !iv->oom && i < ni; i++) {
		if (root[i] == i)
			continue;
		wol_fitem *it = &items[i], *r = &items[root[i]];
		it->anchor = r->anchor;
		it->start = r->start;
		it->end = r->end;
		it->line1 = r->line1;
		it->line2 = r->line2;
		it->clamped = r->clamped;
	}
	/* events: `addressed` by the note's author, in replay order */
	for (size_t i = 0; !iv->oom && i < f->n; i++) {
		wol_qrecord *e = &f->rec[i];
		if (wol_feedback__kind(e->kind) != WOL_FB_ADDRESSED)
			continue;
		long t = e->target ? find_item(ids, ni, e->target) : -1;
		const char *why = NULL;
		if (t < 0)
			why = "its target is not feedback on this note";
		else if (!nc->author || strcmp(e->author, nc->author) != 0)
			why = "only the note's author can mark feedback addressed";
		else if (items[t].addressed)
			why = "it was addressed before";
		if (why) {
			wol_strv_add(warn, wol_strfmt("wol: %s: %s; ignored", e->path, why));
			continue;
		}
		items[t].addressed = 1;
		items[t].addressed_id = wol_strdup(e->id);
		items[t].addressed_text = wol_question__blank(e->text) ? NULL : wol_strdup(e->text);
		if (!items[t].addressed_id)
			iv->oom = 1;
	}
	/* forged records, reported like questions' */
	for (size_t i = 0; o->check_authors && i < f->n; i++)
		if (f->rec[i].forged)
			wol_strv_add(warn, wol_strfmt("wol: %s: %s", f->rec[i].path, f->rec[i].note));
	free(root);
	free(ids);
	/* only what the caller asked for */
	if (!iv->oom && o->by) {
		size_t w = first;
		for (size_t i = first; i < iv->n; i++) {
			if (strcmp(iv->v[i].author, o->by) == 0)
				iv->v[w++] = iv->v[i];
			else
				item_free(&iv->v[i]);
		}
		iv->n = w;
	}
	return iv->oom || warn->oom ? WOL_ENOMEM : 0;
}

/* ------------------------------------------------------------ the API */

static int cmp_place(const void *a, const void *b)
{
	const wol_fitem *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	int c = strcmp(x->thread, y->thread);
	if (c)
		return c;
	if (x->lamport != y->lamport)
		return x->lamport < y->lamport ? -1 : 1;
	return strcmp(x->id, y->id);
}

static int cmp_newest(const void *a, const void *b)
{
	const wol_fitem *x = a, *y = b;
	return strcmp(y->id, x->id);
}

/* Loads the note's folders (each checked for forged authors when asked),
 * then builds their records together into iv. */
static int one_folder(wol_circle *c, const note_ctx *nc, const wol_feedback_opts *o, ivec *iv,
                      wol_strv *warn, long long *last)
{
	folder all = {0};
	int rc = 0;
	for (size_t k = 0; rc == 0 && k < nc->nnids; k++) {
		folder f;
		if ((rc = load_folder(wol_circle_path(c), nc->nids[k], &f, warn)) != 0)
			break;
		if (o->check_authors && f.n) {
			char *dir = wol_strfmt("feedback/%s", nc->nids[k]);
			if (dir)
				wol_question__check_forged(c, dir, f.rec, f.n);
			free(dir);
		}
		if (f.n && all.n == 0) {
			all = f;
			continue;
		}
		wol_qrecord *v = f.n ? realloc(all.rec, (all.n + f.n) * sizeof *v) : all.rec;
		if (f.n && !v) {
			folder_free(&f);
			rc = WOL_ENOMEM;
			break;
		}
		all.rec = v;
		if (f.n)
			memcpy(all.rec + all.n, f.rec, f.n * sizeof *f.rec);
		all.n += f.n;
		free(f.rec);
	}
	if (rc == 0 && all.n > 1)
		qsort(all.rec, all.n, sizeof *all.rec, cmp_replay);
	all.last = all.n ? all.rec[all.n - 1].lamport : 0;
	if (rc == 0)
		rc = build(c, nc, &all, o, iv, warn);
	if (last)
		*last = all.last;
	folder_free(&all);
	return rc;
}

/* The context of the folder nid of note n, of all of n's folders (nid
 * NULL), or of an orphaned folder (n NULL; author: whose note it was, or
 * NULL). */
static void note_ctx_of(note_ctx *nc, const char *nid, const wol_fnote *n, const char *text,
                        size_t len, const char *orphan_author)
{
	memset(nc, 0, sizeof *nc);
	if (nid) {
		nc->nids[nc->nnids++] = nid;
	} else if (n) {
		if (n->id)
			nc->nids[nc->nnids++] = n->id;
		if (n->key[0])
			nc->nids[nc->nnids++] = n->key;
	}
	nc->note = n;
	nc->author = n ? n->author : orphan_author;
	nc->text = text ? text : n ? n->text : "";
	nc->len = text ? len : n ? n->len : 0;
	nc->lines = wol_feedback__lines(nc->text, nc->len);
}

/* One note's feedback. */
static int get_one(wol_circle *c, const wol_feedback_opts *o, wol_feedback *out, ivec *iv,
                   wol_strv *warn, wol_error *err)
{
	wol_fnote n;
	int rc = wol_feedback__note_ref(c, o->note, &n, err);
	if (rc)
		return rc;
	out->note_id = wol_strdup(wol_feedback__nid(&n));
	out->note = wol_strdup(n.path);
	out->note_title = wol_strdup(n.title);
	out->note_author = wol_strdup(n.author);
	note_ctx nc;
	note_ctx_of(&nc, NULL, &n, o->text, o->len, NULL);
	out->lines = nc.lines;
	if (!out->note || !out->note_title || !out->note_author || !out->note_id)
		rc = WOL_ENOMEM;
	else if (!o->on || strcmp(o->on, n.author) == 0)
		rc = one_folder(c, &nc, o, iv, warn, NULL);
	wol_feedback__note_free(&n);
	if (rc == 0 && iv->n > 1)
		qsort(iv->v, iv->n, sizeof *iv->v, cmp_place);
	return rc ? wol_error_set(err, rc, "out of memory") : 0;
}

/* Notes of one folder, scanned once per listing. */
typedef struct scanned {
	char *handle;
	wol_fnote *notes;
	size_t n;
} scanned;

static const wol_fnote *lookup(wol_circle *c, scanned **cache, size_t *ncache, const char *handle,
                               const char *nid, int *oom)
{
	size_t k = 0;
	while (k < *ncache && strcmp((*cache)[k].handle, handle) != 0)
		k++;
	if (k == *ncache) {
		scanned *nc = realloc(*cache, (*ncache + 1) * sizeof *nc);
		if (!nc) {
			*oom = 1;
			return NULL;
		}
		*cache = nc;
		scanned *s = &nc[(*ncache)++];
		memset(s, 0, sizeof *s);
		s->handle = wol_strdup(handle);
		if (!s->handle || wol_feedback__scan(c, handle, &s->notes, &s->n) != 0) {
			*oom = 1;
			return NULL;
		}
	}
	scanned *s = &(*cache)[k];
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->notes[i].id, nid) == 0)
			return &s->notes[i];
	return NULL;
}

/* (feedback_int.h) */
int wol_feedback__owner_of(const char *root, const char *nid, char *h, size_t size)
{
	char *dir = wol_strfmt("feedback/%s", nid);
	char **ids = NULL;
	size_t n = 0;
	int found = 0;
	if (dir && wol_question__list_records(root, dir, &ids, &n, NULL) == 0) {
		for (size_t i = 0; i < n && !found; i++) {
			char *rel = wol_strfmt("%s/%s.md", dir, ids[i]);
			wol_error bad;
			wol_qrecord r;
			if (rel && wol_question__read_record(root, rel, ids[i], "feedback", &r, &bad) == 0) {
				found = wol_feedback__note_path(wol_yaml_str(r.meta, "note"), h, size);
				wol_question__record_free(&r);
			}
			free(rel);
		}
		wol_strv_free(ids, n);
	}
	free(dir);
	return found;
}

/* Every note's feedback (or one member's notes', or by one member). */
static int get_all(wol_circle *c, const wol_feedback_opts *o, ivec *iv, wol_strv *warn,
                   wol_error *err)
{
	const char *root = wol_circle_path(c);
	char *dir = wol_strfmt("%s/feedback", root);
	struct stat st;
	DIR *d = dir && lstat(dir, &st) == 0 && S_ISDIR(st.st_mode) ? opendir(dir) : NULL;
	free(dir);
	if (!d)
		return 0;
	wol_strv nids = {0};
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (wol_id_valid(de->d_name, strlen(de->d_name)))
			wol_strv_add(&nids, wol_strdup(de->d_name));
		else
			wol_strv_add(warn, wol_strfmt("wol: feedback/%s: not a note id; skipped", de->d_name));
	}
	closedir(d);
	wol_strv_sort(&nids);
	scanned *cache = NULL;
	size_t ncache = 0;
	wol_strv handles = {0}; /* every member's folder, for ids of other forms */
	int oom = nids.oom || warn->oom, rc = 0, listed = 0;
	for (size_t i = 0; !oom && rc == 0 && i < nids.n; i++) {
		const char *nid = nids.v[i];
		char h[WOL_HANDLE_MAX + 1];
		const wol_fnote *n = NULL;
		int wol_form = wol_id_handle(nid, h, sizeof h);
		wol_fnote keyed = {0};
		int have_keyed = 0;
		if (wol_note_key_is(nid)) {
			/* a note without an id, by the key of its path; else the
			 * records say whose note it was */
			int r = wol_feedback__note_by_id(c, nid, &keyed);
			if (r == WOL_ENOMEM) {
				oom = 1;
				break;
			}
			have_keyed = r == 0;
			n = have_keyed ? &keyed : NULL;
			wol_form = !have_keyed && wol_feedback__owner_of(root, nid, h, sizeof h);
		} else if (wol_form) {
			if (o->on && strcmp(o->on, h) != 0)
				continue; /* only h's folder can hold that note */
			n = lookup(c, &cache, &ncache, h, nid, &oom);
		} else {
			if (!listed) {
				char *nd = wol_strfmt("%s/notes", root);
				DIR *dd = nd && lstat(nd, &st) == 0 && S_ISDIR(st.st_mode) ? opendir(nd) : NULL;
				free(nd);
				while (dd && (de = readdir(dd)) != NULL)
					if (wol_name_valid(de->d_name))
						wol_strv_add(&handles, wol_strdup(de->d_name));
				if (dd)
					closedir(dd);
				wol_strv_sort(&handles);
				listed = 1;
				oom |= handles.oom;
			}
			for (size_t k = 0; !oom && !n && k < handles.n; k++)
				n = lookup(c, &cache, &ncache, handles.v[k], nid, &oom);
		}
		if (oom)
			break;
		const char *author = n ? n->author : wol_form ? h : NULL;
		if (!o->on || (author && strcmp(o->on, author) == 0)) {
			note_ctx nc;
			note_ctx_of(&nc, nid, n, NULL, 0, author);
			rc = one_folder(c, &nc, o, iv, warn, NULL);
		}
		if (have_keyed)
			wol_feedback__note_free(&keyed);
	}
	for (size_t k = 0; k < ncache; k++) {
		free(cache[k].handle);
		wol_feedback__notes_free(cache[k].notes, cache[k].n);
	}
	free(cache);
	wol_strv_clear(&handles);
	wol_strv_clear(&nids);
	if (oom && !rc)
		rc = WOL_ENOMEM;
	if (rc)
		return wol_error_set(err, rc, "out of memory");
	if (iv->n > 1)
		qsort(iv->v, iv->n, sizeof *iv->v, cmp_newest);
	return 0;
}

int wol_feedback_get(wol_circle *c, const wol_feedback_opts *opts, wol_feedback *out,
                     wol_error *err)
{
	memset(out, 0, sizeof *out);
	wol_feedback_opts none = {0};
	const wol_feedback_opts *o = opts ? opts : &none;
	ivec iv = {0};
	wol_strv warn = {0};
	int rc = o->note ? get_one(c, o, out, &iv, &warn, err) : get_all(c, o, &iv, &warn, err);
	if (rc == 0 && (iv.oom || warn.oom))
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
	out->items = iv.v;
	out->n = iv.n;
	out->warnings = warn.v;
	out->nwarnings = warn.n;
	if (rc)
		wol_feedback_free(out);
	return rc;
}

int wol_feedback__of(wol_circle *c, const char *nid, const wol_fnote *n, const char *author,
                     wol_feedback *out, long long *last)
{
	memset(out, 0, sizeof *out);
	*last = 0;
	wol_feedback_opts o = {0};
	ivec iv = {0};
	wol_strv warn = {0};
	note_ctx nc;
	note_ctx_of(&nc, nid, n, NULL, 0, author);
	int rc = one_folder(c, &nc, &o, &iv, &warn, last);
	if (rc == 0 && (iv.oom || warn.oom))
		rc = WOL_ENOMEM;
	out->items = iv.v;
	out->n = iv.n;
	out->warnings = warn.v;
	out->nwarnings = warn.n;
	out->lines = nc.lines;
	if (rc)
		wol_feedback_free(out);
	return rc;
}
