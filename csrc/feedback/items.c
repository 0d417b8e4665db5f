/* feedback/items.c - the items of one note's feedback folder: each record
 * made an item, threads built, `addressed` events replayed, and every
 * range anchored to the note's text now through a diff against the text
 * the record was written on (read.c reads the folders and calls this). */
#include "feedback/feedback_int.h"

#include <git2.h>
#include <stdlib.h>
#include <string.h>

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

void wol_feedback__item_free(wol_fitem *it)
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
int wol_feedback__build(wol_circle *c, const note_ctx *nc, folder *f, const wol_feedback_opts *o,
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
				wol_feedback__item_free(&iv->v[i]);
		}
		iv->n = w;
	}
	return iv->oom || warn->oom ? WOL_ENOMEM : 0;
}
