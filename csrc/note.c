/* note.c - work-in-progress notes: notes/<handle>/<slug>.md */
#include "repo/circle_priv.h"
#include "repo/history.h"

#include <dirent.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define NOTE_READ_MAX (4 * 1024 * 1024)

static int taken(wol_circle *c, git_tree *head, const char *rel)
{
	char *abs = wol_strfmt("%s/%s", wol_circle_path(c), rel);
	int t = !abs || wol_fs_exists(abs);
	free(abs);
	if (!t && head) {
		git_tree_entry *e = NULL;
		if (git_tree_entry_bypath(&e, head, rel) == 0) {
			t = 1;
			git_tree_entry_free(e);
		}
		git_error_clear();
	}
	return t;
}

char *wol_note__free_path(wol_circle *c, const char *title)
{
	char slug[64];
	if (wol_slug(title ? title : "", slug, sizeof slug, 60) == 0)
		snprintf(slug, sizeof slug, "note");
	git_tree *head = NULL;
	git_object *obj = NULL;
	if (git_revparse_single(&obj, wol_circle_repo(c), "HEAD^{tree}") == 0)
		head = (git_tree *)obj;
	git_error_clear();
	char *rel = NULL;
	for (int i = 1; i < 10000; i++) {
		free(rel);
		rel = i == 1 ? wol_strfmt("notes/%s/%s.md", wol_circle_handle(c), slug)
		             : wol_strfmt("notes/%s/%s-%d.md", wol_circle_handle(c), slug, i);
		if (!rel || !taken(c, head, rel))
			break;
	}
	git_tree_free(head);
	return rel;
}

int wol_note_new(wol_circle *c, const char *title, char **rel_out, wol_error *err)
{
	*rel_out = NULL;
	char *t = NULL;
	int rc = wol_title_check("note", title, 200, &t, err);
	if (rc)
		return rc;
	char id[WOL_ID_MAX], date[11];
	rc = wol_id_new(wol_circle_handle(c), id, sizeof id, err);
	if (rc) {
		free(t);
		return rc;
	}
	wol_date_format(wol_circle__today(c), date);
	wol_yaml *m = wol_yaml_new(WOL_YAML_MAP, NULL);
	char *body = wol_strfmt("\n# %s\n\n", t);
	int bad = !m || !body || wol_yaml_set_str(m, "title", t) ||
	          wol_yaml_set_str(m, "author", wol_circle_handle(c)) ||
	          wol_yaml_set_str(m, "id", id) || wol_yaml_set_str(m, "created", date) ||
	          wol_yaml_set_str(m, "status", "wip");
	char *text = NULL, *rel = NULL;
	size_t len = 0;
	if (bad) {
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
	} else {
		wol_doc doc = {m, body, 0};
		rc = wol_doc_render(&doc, &text, &len, err);
	}
	if (rc == 0 && !(rel = wol_note__free_path(c, t)))
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
	if (rc == 0)
		rc = wol_circle__write(c, rel, text, len, err);
	wol_yaml_free(m);
	free(body);
	free(text);
	free(t);
	if (rc) {
		free(rel);
		return rc;
	}
	*rel_out = rel;
	return 0;
}

/* ---------------------------------------------------------------- list */

typedef struct note_vec {
	wol_note *v;
	size_t n, cap;
} note_vec;

static int add_note(wol_circle *c, note_vec *nv, const char *handle, const char *file)
{
	char *rel = wol_strfmt("notes/%s/%s", handle, file);
	if (!rel)
		return WOL_ENOMEM;
	wol_place at;
	wol_place_of(rel, &at);
	if (!at.listed) { /* the layout decides what a note is */
		free(rel);
		return 0;
	}
	char *abs = wol_strfmt("%s/%s", wol_circle_path(c), rel);
	struct stat st;
	if (!abs || lstat(abs, &st) != 0 || !S_ISREG(st.st_mode)) {
		free(abs);
		free(rel);
		return 0;
	}
	free(abs);
	char *text = NULL;
	size_t len = 0;
	if (wol_circle__read(c, rel, NOTE_READ_MAX, &text, &len, NULL) != 0) {
		free(rel);
		return 0;
	}
	if (nv->n == nv->cap) {
		size_t cap = nv->cap ? nv->cap * 2 : 16;
		wol_note *v = realloc(nv->v, cap * sizeof *v);
		if (!v) {
			free(text);
			free(rel);
			return WOL_ENOMEM;
		}
		nv->v = v;
		nv->cap = cap;
	}
	wol_note *note = &nv->v[nv->n++];
	memset(note, 0, sizeof *note);
	note->path = rel;
	note->author = wol_strfmt("%s", handle);
	note->mine = strcmp(handle, wol_circle_handle(c)) == 0;
	note->updated = (long long)st.st_mtim.tv_sec;
	wol_doc doc;
	if (wol_doc_parse(text, len, rel, &doc, NULL) == 0) {
		const char *s;
		if ((s = wol_yaml_str(doc.meta, "title")) && *s)
			note->title = wol_strfmt("%s", s);
		if ((s = wol_yaml_str(doc.meta, "id")))
			note->id = wol_strfmt("%s", s);
		if ((s = wol_yaml_str(doc.meta, "created")))
			note->created = wol_strfmt("%s", s);
		if ((s = wol_yaml_str(doc.meta, "status")))
			note->status = wol_strfmt("%s", s);
		if ((s = wol_yaml_str(doc.meta, "source")))
			note->source = wol_strfmt("%s", s);
		wol_doc_free(&doc);
	}
	if (!note->title) {
		size_t fl = strlen(file);
		note->title = wol_strndup(file, fl > 3 ? fl - 3 : fl);
	}
	free(text);
	return 0;
}

static int scan_member(wol_circle *c, note_vec *nv, const char *handle)
{
	char *dir = wol_strfmt("%s/notes/%s", wol_circle_path(c), handle);
	struct stat st;
	if (!dir || lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		free(dir);
		return 0;
	}
	DIR *d = opendir(dir);
	free(dir);
	if (!d)
		return 0;
	struct dirent *de;
	int rc = 0;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		rc = add_note(c, nv, handle, de->d_name);
	}
	closedir(d);
	return rc;
}

static int cmp_path(const void *a, const void *b)
{
	return strcmp(((const wol_note *)a)->path, ((const wol_note *)b)->path);
}

static int cmp_newest(const void *a, const void *b)
{
	const wol_note *x = a, *y = b;
	if (x->updated != y->updated)
		return x->updated > y->updated ? -1 : 1;
	if (x->committed != y->committed) /* a draft is at least as new */
		return x->committed ? 1 : -1;
	return strcmp(x->path, y->path);
}

/* When each note was last committed, and whether someone other than its
 * owner changed it with plain git: the changes under notes/ newest first
 * (repo/history.c; a merge counts for what it changed itself). */
static void commit_times(wol_circle *c, note_vec *nv, const char *handle)
{
	if (nv->n == 0)
		return;
	qsort(nv->v, nv->n, sizeof *nv->v, cmp_path);
	git_repository *repo = wol_circle_repo(c);
	git_oid head;
	if (git_reference_name_to_id(&head, repo, "HEAD") != 0) {
		git_error_clear();
		return;
	}
	wol_authors a;
	wol_authors__load(repo, &head, &a);
	char *prefix = handle ? wol_strfmt("notes/%s/", handle) : wol_strfmt("notes/");
	wol_change *v = NULL;
	size_t n = 0;
	if (prefix && wol_history__changes(repo, &a, prefix, &head, NULL, &v, &n, NULL) == 0) {
		for (size_t i = 0; i < n; i++) {
			wol_note key;
			key.path = v[i].path;
			wol_note *hit = bsearch(&key, nv->v, nv->n, sizeof *nv->v, cmp_path);
			if (!hit || v[i].status == GIT_DELTA_DELETED)
				continue;
			if (!hit->committed) {
				hit->committed = 1;
				hit->updated = v[i].time;
			}
			if (v[i].outside && !hit->outside)
				hit->outside = wol_change__describe(&v[i]);
		}
	}
	wol_changes__free(v, n);
	free(prefix);
	wol_authors__free(&a);
}

static int list_notes(wol_circle *c, const char *handle, int times, wol_note **out, size_t *n,
                      wol_error *err)
{
	*out = NULL;
	*n = 0;
	if (handle && *handle) {
		int rc = wol_name_check(handle, "handle", err);
		if (rc)
			return rc;
	} else {
		handle = NULL;
	}
	note_vec nv = {0};
	int rc = 0;
	if (handle) {
		rc = scan_member(c, &nv, handle);
	} else {
		char *dir = wol_strfmt("%s/notes", wol_circle_path(c));
		struct stat st;
		DIR *d = dir && lstat(dir, &st) == 0 && S_ISDIR(st.st_mode) ? opendir(dir) : NULL;
		free(dir);
		struct dirent *de;
		while (d && rc == 0 && (de = readdir(d)) != NULL)
			if (wol_name_valid(de->d_name))
				rc = scan_member(c, &nv, de->d_name);
		if (d)
			closedir(d);
	}
	if (rc) {
		wol_notes_free(nv.v, nv.n);
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	if (times) {
		commit_times(c, &nv, handle);
		if (nv.n)
			qsort(nv.v, nv.n, sizeof *nv.v, cmp_newest);
	}
	*out = nv.v;
	*n = nv.n;
	return 0;
}

int wol_note_list(wol_circle *c, const char *handle, wol_note **out, size_t *n, wol_error *err)
{
	return list_notes(c, handle, 1, out, n, err);
}

int wol_note__list_quick(wol_circle *c, wol_note **out, size_t *n, wol_error *err)
{
	return list_notes(c, wol_circle_handle(c), 0, out, n, err);
}

void wol_notes_free(wol_note *notes, size_t n)
{
	for (size_t i = 0; notes && i < n; i++) {
		free(notes[i].path);
		free(notes[i].author);
		free(notes[i].title);
		free(notes[i].id);
		free(notes[i].created);
		free(notes[i].status);
		free(notes[i].source);
		free(notes[i].outside);
	}
	free(notes);
}
