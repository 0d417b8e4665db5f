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

void wol_feedback_free(wol_feedback *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n; i++)
		wol_feedback__item_free(&f->items[i]);
	free(f->items);
	free(f->note_id);
	free(f->note);
	free(f->note_title);
	free(f->note_author);
	wol_strv_free(f->warnings, f->nwarnings);
	memset(f, 0, sizeof *f);
}

/* ------------------------------------------------------- the records */

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

/* Reads the note's folders into one set of records (not yet checked for
 * forged authors). */
static int load_note(wol_circle *c, const note_ctx *nc, folder *all, wol_strv *warn)
{
	memset(all, 0, sizeof *all);
	int rc = 0;
	for (size_t k = 0; rc == 0 && k < nc->nnids; k++) {
		folder f;
		if ((rc = load_folder(wol_circle_path(c), nc->nids[k], &f, warn)) != 0)
			break;
		if (f.n && all->n == 0) {
			*all = f;
			continue;
		}
		wol_qrecord *v = f.n ? realloc(all->rec, (all->n + f.n) * sizeof *v) : all->rec;
		if (f.n && !v) {
			folder_free(&f);
			rc = WOL_ENOMEM;
			break;
		}
		all->rec = v;
		if (f.n)
			memcpy(all->rec + all->n, f.rec, f.n * sizeof *f.rec);
		all->n += f.n;
		free(f.rec);
	}
	if (rc)
		folder_free(all);
	return rc;
}

/* Builds a note's records (loaded by load_note, checked when asked) into
 * iv, and frees them. */
static int build_note(wol_circle *c, const note_ctx *nc, folder *all, const wol_feedback_opts *o,
                      ivec *iv, wol_strv *warn, long long *last)
{
	if (all->n > 1)
		qsort(all->rec, all->n, sizeof *all->rec, cmp_replay);
	all->last = all->n ? all->rec[all->n - 1].lamport : 0;
	int rc = wol_feedback__build(c, nc, all, o, iv, warn);
	if (last)
		*last = all->last;
	folder_free(all);
	return rc;
}

/* One note's folders: loaded, checked for forged authors when asked (one
 * walk of the history for both), built into iv. */
static int one_folder(wol_circle *c, const note_ctx *nc, const wol_feedback_opts *o, ivec *iv,
                      wol_strv *warn, long long *last)
{
	folder all;
	int rc = load_note(c, nc, &all, warn);
	if (rc)
		return rc;
	if (o->check_authors && all.n) {
		char *dir = nc->nnids == 1 ? wol_strfmt("feedback/%s", nc->nids[0]) : NULL;
		wol_question__check_forged(c, dir ? dir : "feedback", all.rec, all.n);
		free(dir);
	}
	return build_note(c, nc, &all, o, iv, warn, last);
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

/* A feedback folder of a listing, read before any is built. */
typedef struct pending {
	note_ctx nc;
	folder recs;
	wol_fnote keyed; /* the note, when found by the key of its path */
	int have_keyed;
	char h[WOL_HANDLE_MAX + 1];
} pending;

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
	/* every folder's records first, so that their authors are checked in
	 * one walk of the history (a walk per folder took minutes at 500) */
	pending *pv = nids.n ? calloc(nids.n, sizeof *pv) : NULL;
	size_t np = 0;
	oom |= nids.n && !pv;
	for (size_t i = 0; !oom && rc == 0 && i < nids.n; i++) {
		const char *nid = nids.v[i];
		pending *p = &pv[np];
		const wol_fnote *n = NULL;
		int wol_form = wol_id_handle(nid, p->h, sizeof p->h);
		if (wol_note_key_is(nid)) {
			/* a note without an id, by the key of its path; else the
			 * records say whose note it was */
			int r = wol_feedback__note_by_id(c, nid, &p->keyed);
			if (r == WOL_ENOMEM) {
				oom = 1;
				break;
			}
			p->have_keyed = r == 0;
			n = p->have_keyed ? &p->keyed : NULL;
			wol_form = !p->have_keyed && wol_feedback__owner_of(root, nid, p->h, sizeof p->h);
		} else if (wol_form) {
			if (o->on && strcmp(o->on, p->h) != 0)
				continue; /* only h's folder can hold that note */
			n = lookup(c, &cache, &ncache, p->h, nid, &oom);
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
		const char *author = n ? n->author : wol_form ? p->h : NULL;
		if (!oom && (!o->on || (author && strcmp(o->on, author) == 0))) {
			note_ctx_of(&p->nc, nid, n, NULL, 0, author);
			if ((rc = load_note(c, &p->nc, &p->recs, warn)) == 0) {
				np++;
				continue;
			}
		}
		if (p->have_keyed)
			wol_feedback__note_free(&p->keyed);
		memset(p, 0, sizeof *p);
	}
	if (!oom && rc == 0 && o->check_authors) {
		size_t total = 0;
		for (size_t k = 0; k < np; k++)
			total += pv[k].recs.n;
		wol_qrecord **refs = total ? calloc(total, sizeof *refs) : NULL;
		oom |= total && !refs;
		total = 0;
		for (size_t k = 0; refs && k < np; k++)
			for (size_t j = 0; j < pv[k].recs.n; j++)
				refs[total++] = &pv[k].recs.rec[j];
		if (refs)
			wol_question__check_forged_refs(c, "feedback", refs, total);
		free(refs);
	}
	for (size_t k = 0; k < np; k++) {
		if (!oom && rc == 0)
			rc = build_note(c, &pv[k].nc, &pv[k].recs, o, iv, warn, NULL);
		else
			folder_free(&pv[k].recs);
		if (pv[k].have_keyed)
			wol_feedback__note_free(&pv[k].keyed);
	}
	free(pv);
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
