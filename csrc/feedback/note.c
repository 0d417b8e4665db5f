/* feedback/note.c - which note feedback is about.
 *
 * Feedback lives in feedback/<note-id>/, where <note-id> is the `id` in
 * the note's front matter. A note id made by wol names its maker
 * (<time>-<handle>-<hex>); only a note in that member's folder can carry
 * it, so a copy of someone's note in another folder never collects their
 * feedback, and the lookup of an id reads one folder. A note without an
 * id (written by hand) is named by a key made from its path instead,
 * "path-" and 20 hex digits of the git blob id of the path's text; a note
 * that has both reads the feedback of both. */
#include "feedback/feedback_int.h"
#include "question/question_int.h"

#include <dirent.h>
#include <git2.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

void wol_feedback__note_free(wol_fnote *n)
{
	if (!n)
		return;
	free(n->id);
	free(n->path);
	free(n->title);
	free(n->author);
	free(n->text);
	memset(n, 0, sizeof *n);
}

int wol_feedback__note_path(const char *rel, char *handle, size_t size)
{
	/* notes/<handle>/<file>.md, as the circle layout says */
	wol_place pl;
	if (!rel)
		return 0;
	wol_place_of(rel, &pl);
	if (pl.kind != WOL_PLACE_NOTE || !pl.listed || strlen(pl.member) >= size)
		return 0;
	memcpy(handle, pl.member, strlen(pl.member) + 1);
	return 1;
}

/* Reads the note at rel: its text, id (when it fits its folder) and title. */
int wol_feedback__read_note(wol_circle *c, const char *rel, const char *handle, wol_fnote *n,
                     wol_error *err)
{
	memset(n, 0, sizeof *n);
	int rc = wol_circle__read(c, rel, WOL_FEEDBACK_NOTE_MAX, &n->text, &n->len, err);
	if (rc)
		return rc;
	n->path = wol_strdup(rel);
	n->author = wol_strdup(handle);
	wol_note_key(rel, n->key);
	wol_doc doc;
	if (wol_doc_parse(n->text, n->len, rel, &doc, NULL) == 0) {
		const char *id = wol_yaml_str(doc.meta, "id");
		const char *t = wol_yaml_str(doc.meta, "title");
		if (wol_note_id_fits(id, handle))
			n->id = wol_strdup(id);
		/* a title that breaks the title rule shows as the file name */
		if (t && wol_title_check("note", t, 200, &n->title, NULL) != 0)
			n->title = NULL;
		wol_doc_free(&doc);
	}
	if (!n->title) {
		const char *base = strrchr(rel, '/') + 1;
		n->title = wol_strndup(base, strlen(base) - 3);
	}
	if (!n->path || !n->author || !n->title) {
		wol_feedback__note_free(n);
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	return 0;
}

void wol_feedback__notes_free(wol_fnote *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		wol_feedback__note_free(&v[i]);
	free(v);
}

int wol_feedback__scan(wol_circle *c, const char *handle, wol_fnote **out, size_t *nout)
{
	*out = NULL;
	*nout = 0;
	char *dir = wol_strfmt("%s/notes/%s", wol_circle_path(c), handle);
	struct stat st;
	DIR *d = dir && lstat(dir, &st) == 0 && S_ISDIR(st.st_mode) ? opendir(dir) : NULL;
	free(dir);
	if (!d)
		return 0;
	wol_strv names = {0};
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);
		if (de->d_name[0] != '.' && l > 3 && strcmp(de->d_name + l - 3, ".md") == 0)
			wol_strv_add(&names, wol_strdup(de->d_name));
	}
	closedir(d);
	if (names.oom) {
		wol_strv_clear(&names);
		return WOL_ENOMEM;
	}
	wol_strv_sort(&names);
	wol_fnote *v = names.n ? calloc(names.n, sizeof *v) : NULL;
	size_t n = 0;
	int rc = names.n && !v ? WOL_ENOMEM : 0;
	for (size_t i = 0; rc == 0 && i < names.n; i++) {
		char *rel = wol_strfmt("notes/%s/%s", handle, names.v[i]);
		wol_error e;
		if (!rel) {
			rc = WOL_ENOMEM;
		} else if (wol_feedback__read_note(c, rel, handle, &v[n], &e) == 0) {
			if (v[n].id)
				n++;
			else
				wol_feedback__note_free(&v[n]);
		} else if (e.code == WOL_ENOMEM) {
			rc = WOL_ENOMEM;
		}
		free(rel);
	}
	wol_strv_clear(&names);
	if (rc) {
		wol_feedback__notes_free(v, n);
		return rc;
	}
	*out = v;
	*nout = n;
	return 0;
}

/* Moves the note carrying id out of v (the first by file name). */
static int take(wol_fnote *v, size_t n, const char *id, wol_fnote *out)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].id, id) == 0) {
			*out = v[i];
			memset(&v[i], 0, sizeof v[i]);
			return 0;
		}
	return WOL_ENOTFOUND;
}

static int find_in(wol_circle *c, const char *handle, const char *id, wol_fnote *n)
{
	wol_fnote *v = NULL;
	size_t nv = 0;
	int rc = wol_feedback__scan(c, handle, &v, &nv);
	if (rc == 0)
		rc = take(v, nv, id, n);
	wol_feedback__notes_free(v, nv);
	return rc;
}

/* The note whose path gives the key: every note's path is hashed (its
 * text is read only for the one that matches). */
static int note_by_key(wol_circle *c, const char *key, wol_fnote *n)
{
	char *dir = wol_strfmt("%s/notes", wol_circle_path(c));
	struct stat st;
	DIR *d = dir && lstat(dir, &st) == 0 && S_ISDIR(st.st_mode) ? opendir(dir) : NULL;
	free(dir);
	if (!d)
		return WOL_ENOTFOUND;
	wol_strv handles = {0};
	struct dirent *de;
	while ((de = readdir(d)) != NULL)
		if (wol_name_valid(de->d_name))
			wol_strv_add(&handles, wol_strdup(de->d_name));
	closedir(d);
	wol_strv_sort(&handles);
	int rc = handles.oom ? WOL_ENOMEM : WOL_ENOTFOUND;
	for (size_t i = 0; i < handles.n && rc == WOL_ENOTFOUND; i++) {
		char *hd = wol_strfmt("%s/notes/%s", wol_circle_path(c), handles.v[i]);
		DIR *h = hd && lstat(hd, &st) == 0 && S_ISDIR(st.st_mode) ? opendir(hd) : NULL;
		free(hd);
		wol_strv names = {0};
		while (h && (de = readdir(h)) != NULL) {
			size_t l = strlen(de->d_name);
			if (de->d_name[0] != '.' && l > 3 && strcmp(de->d_name + l - 3, ".md") == 0)
				wol_strv_add(&names, wol_strdup(de->d_name));
		}
		if (h)
			closedir(h);
		wol_strv_sort(&names);
		for (size_t k = 0; k < names.n && rc == WOL_ENOTFOUND; k++) {
			char *rel = wol_strfmt("notes/%s/%s", handles.v[i], names.v[k]);
			char kbuf[WOL_NOTE_KEY_SIZE];
			if (!rel)
				rc = WOL_ENOMEM;
			else if (wol_note_key(rel, kbuf) == 0 && strcmp(kbuf, key) == 0)
				rc = wol_feedback__read_note(c, rel, handles.v[i], n, NULL) == 0 ? 0 : WOL_ENOTFOUND;
			free(rel);
		}
		if (names.oom)
			rc = WOL_ENOMEM;
		wol_strv_clear(&names);
	}
	wol_strv_clear(&handles);
	return rc;
}

int wol_feedback__note_by_id(wol_circle *c, const char *id, wol_fnote *n)
{
	memset(n, 0, sizeof *n);
	if (!id || !wol_id_valid(id, strlen(id)))
		return WOL_ENOTFOUND;
	if (wol_note_key_is(id))
		return note_by_key(c, id, n);
	char h[WOL_HANDLE_MAX + 1];
	if (wol_id_handle(id, h, sizeof h))
		return find_in(c, h, id, n);
	/* an id of another form: any folder, in handle order */
	char *dir = wol_strfmt("%s/notes", wol_circle_path(c));
	struct stat st;
	DIR *d = dir && lstat(dir, &st) == 0 && S_ISDIR(st.st_mode) ? opendir(dir) : NULL;
	free(dir);
	if (!d)
		return WOL_ENOTFOUND;
	wol_strv handles = {0};
	struct dirent *de;
	while ((de = readdir(d)) != NULL)
		if (wol_name_valid(de->d_name))
			wol_strv_add(&handles, wol_strdup(de->d_name));
	closedir(d);
	wol_strv_sort(&handles);
	int rc = handles.oom ? WOL_ENOMEM : WOL_ENOTFOUND;
	for (size_t i = 0; i < handles.n && rc == WOL_ENOTFOUND; i++)
		rc = find_in(c, handles.v[i], id, n);
	wol_strv_clear(&handles);
	return rc;
}

int wol_feedback__note_ref(wol_circle *c, const char *ref, wol_fnote *n, wol_error *err)
{
	memset(n, 0, sizeof *n);
	if (!ref || !*ref)
		return wol_error_set(err, WOL_EINVAL, "feedback: name a note (its path or id)");
	const char *root = wol_circle_path(c);
	size_t rl = strlen(root);
	const char *rel = ref;
	if (ref[0] == '/') {
		if (strncmp(ref, root, rl) != 0 || ref[rl] != '/')
			return wol_error_set(err, WOL_EINVAL, "feedback: %s is not in circle '%s'", ref,
			                     wol_circle_name(c));
		rel = ref + rl + 1;
	}
	char handle[WOL_HANDLE_MAX + 1];
	if (strchr(rel, '/')) {
		if (!wol_feedback__note_path(rel, handle, sizeof handle))
			return wol_error_set(err, WOL_EINVAL,
			                     "feedback: %s is not a shared note (notes/<handle>/<name>.md)",
			                     rel);
		struct stat st;
		char *abs = wol_strfmt("%s/%s", root, rel);
		int ok = abs && lstat(abs, &st) == 0 && S_ISREG(st.st_mode);
		free(abs);
		if (!ok)
			return wol_error_set(err, WOL_ENOTFOUND, "feedback: %s: no such note", rel);
		return wol_feedback__read_note(c, rel, handle, n, err);
	}
	int rc = wol_feedback__note_by_id(c, rel, n);
	if (rc == WOL_ENOMEM)
		return wol_error_set(err, rc, "out of memory");
	if (rc)
		return wol_error_set(err, WOL_ENOTFOUND, "feedback: no note has the id '%s'", rel);
	return 0;
}
