/* index/walk.c - what a refresh looks at on disk: the circle folders
 * walked with stat only (the journal: walk_journal.c), or just the paths it
 * was given; each file new or changed since the index saw it goes to
 * extract.c. Which circles
 * need a whole walk, and which paths their HEAD moved over, is plan.c's. */
#include "index/index_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int cmp_known(const void *key, const void *elem)
{
	return strcmp((const char *)key, ((const wol_known *)elem)->path);
}

int wol_index__cmp_known_rows(const void *a, const void *b)
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
		if (!w->counting)
			k->seen = 1;
		return 0;
	}
	if (w->counting) {
		w->total++;
		return 0;
	}
	int rc;
	if (!pl->circle && !pl->date[0]) {
		/* a journal entry to read: its date from its file name */
		wol_index_place j = *pl;
		const char *base = strrchr(rel, '/');
		wol_index__date_prefix(base ? base + 1 : rel, j.date);
		rc = wol_index__file(w, rel, abs, st, &j, k);
	} else {
		rc = wol_index__file(w, rel, abs, st, pl, k);
	}
	w->done++;
	wol_index *ix = w->ix;
	if (rc == 0 && ix->progress && w->total > 0 &&
	    (w->done * 100 / w->total != (w->done - 1) * 100 / w->total || w->done == w->total))
		ix->progress(w->done, w->total > w->done ? w->total : w->done, ix->progress_payload);
	return rc;
}

int wol_index__visit(wol_walk *w, const char *rel, const char *abs, const struct stat *st,
                     const wol_index_place *pl)
{
	return visit(w, rel, abs, st, pl);
}

/* dir + "/" + name in buf (the walk's hot path: no allocation); NULL when
 * it does not fit. */
const char *wol_index__path_join(char *buf, size_t cap, const char *dir, size_t dirlen,
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

int wol_index__md_name(const char *name)
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
int wol_index__walk_files(wol_walk *w, const char *reldir, const wol_index_place *pl,
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
		if (!abs || !rel) {
			rc = wol_error_set(w->err, WOL_ENOMEM, "out of memory");
		} else if (w->pipe && !w->counting) {
			/* a build from nothing: the reader thread stats it (and
			 * skips it when it is missing or not a regular file), as
			 * the files of a folder below */
			memset(&st, 0, sizeof st);
			rc = visit(w, rel, abs, &st, pl);
		} else if (lstat(abs, &st) == 0) {
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
		if (de->d_name[0] == '.' || !wol_index__md_name(de->d_name))
			continue;
		if (de->d_type != DT_REG && de->d_type != DT_UNKNOWN)
			continue;
		struct stat st;
		if (de->d_type == DT_REG && (w->counting ? w->nk == 0 : w->pipe != NULL)) {
			/* a build from nothing reads every file: the reader thread
			 * stats it first (extract.c), not this one; counting them for
			 * the progress, the names are enough */
			memset(&st, 0, sizeof st);
		} else {
			if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
				continue;
			w->rep->stat++;
			if (!S_ISREG(st.st_mode))
				continue;
		}
		char relbuf[4096], absbuf[4096];
		const char *rel = wol_index__path_join(relbuf, sizeof relbuf, reldir, rellen, de->d_name);
		const char *abs = wol_index__path_join(absbuf, sizeof absbuf, absdir, abslen, de->d_name);
		if (rel && abs && layout_agrees(rel, pl))
			rc = visit(w, rel, abs, &st, pl);
	}
	closedir(d);
	free(absdir);
	return rc;
}

/* The names of the subdirectories of $WOL_HOME/<reldir> that `ok` accepts. */
int wol_index__subdirs(wol_walk *w, const char *reldir, int (*ok)(const char *), wol_strv *out)
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

int wol_index__is_year(const char *s)
{
	return strlen(s) == 4 && s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9' &&
	       s[2] >= '0' && s[2] <= '9' && s[3] >= '0' && s[3] <= '9';
}

static int is_qid(const char *s)
{
	return wol_id_valid(s, strlen(s));
}

int wol_index__walk_circle(wol_walk *w, const char *circle)
{
	wol_strv dirs = {0};
	char rel[512];
	snprintf(rel, sizeof rel, "circles/%s/notes", circle);
	int rc = wol_index__subdirs(w, rel, wol_name_valid, &dirs);
	for (size_t i = 0; rc == 0 && i < dirs.n; i++) {
		char sub[600];
		snprintf(sub, sizeof sub, "%s/%s", rel, dirs.v[i]);
		wol_index_place pl = {.kind = "note", .circle = circle, .folder = dirs.v[i]};
		rc = wol_index__walk_files(w, sub, &pl, NULL);
	}
	wol_strv_clear(&dirs);
	if (rc)
		return rc;
	snprintf(rel, sizeof rel, "circles/%s/questions", circle);
	rc = wol_index__subdirs(w, rel, is_qid, &dirs);
	for (size_t i = 0; rc == 0 && i < dirs.n; i++) {
		char sub[700];
		snprintf(sub, sizeof sub, "%s/%s", rel, dirs.v[i]);
		wol_index_place q = {.kind = "question", .circle = circle, .qid = dirs.v[i]};
		rc = wol_index__walk_files(w, sub, &q, "question.md");
		if (rc)
			break;
		char sub2[800];
		snprintf(sub2, sizeof sub2, "%s/answers", sub);
		wol_index_place a = {.kind = "answer", .circle = circle, .qid = dirs.v[i]};
		rc = wol_index__walk_files(w, sub2, &a, NULL);
		if (rc)
			break;
		snprintf(sub2, sizeof sub2, "%s/events", sub);
		wol_index_place e = {.kind = "event", .circle = circle, .qid = dirs.v[i]};
		rc = wol_index__walk_files(w, sub2, &e, NULL);
		/* its files all queued: read and replayed ahead, beside the store
		 * (a build from nothing) */
		if (rc == 0 && w->pipe && !w->counting)
			rc = wol_index__pipe_question(w, circle, dirs.v[i]);
	}
	wol_strv_clear(&dirs);
	if (rc)
		return rc;
	/* feedback/<note-id>/<id>.md (after the notes, whose titles they show) */
	snprintf(rel, sizeof rel, "circles/%s/feedback", circle);
	rc = wol_index__subdirs(w, rel, is_qid, &dirs);
	for (size_t i = 0; rc == 0 && i < dirs.n; i++) {
		char sub[700];
		snprintf(sub, sizeof sub, "%s/%s", rel, dirs.v[i]);
		wol_index_place f = {.kind = "feedback", .circle = circle, .nid = dirs.v[i]};
		rc = wol_index__walk_files(w, sub, &f, NULL);
	}
	wol_strv_clear(&dirs);
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
	if (n == 0 || !wol_index__md_name(part[n - 1]) || part[n - 1][0] == '.')
		return 0;
	if (n == 3 && strcmp(part[0], "journal") == 0 && wol_index__is_year(part[1])) {
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
		const char *abs = wol_index__path_join(absbuf, sizeof absbuf, home, hl, rel);
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
