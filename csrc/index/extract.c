/* index/extract.c - one file into one row: what its front matter and body say
 * (author, date, title, tags, state, event fields) and its full-text entry */
#include "index/index_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_FILE_BYTES (8u << 20)

/* The fields of one document as stored. */
typedef struct row {
	const char *author, *title, *state, *rid, *evkind, *target, *problem;
	char date[11];
	const char *sortkey;
	long long lamport;
	int has_lamport;
	int title_line, body_line;
	const char *fts_title, *body;
	char *tags;
} row;

static const char *meta_str(const wol_doc *d, const char *key)
{
	const char *s = d->meta ? wol_yaml_str(d->meta, key) : NULL;
	return s && *s ? s : NULL;
}

static int meta_line(const wol_doc *d, const char *key)
{
	const wol_yaml *y = d->meta ? wol_yaml_get(d->meta, key) : NULL;
	return y ? y->line : 0;
}

/* "YYYY-MM-DD..." -> out (10 chars), else out = "" */
void wol_index__date_prefix(const char *s, char out[11])
{
	out[0] = '\0';
	if (!s || strlen(s) < 10)
		return;
	for (int i = 0; i < 10; i++)
		if ((i == 4 || i == 7) ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
			return;
	if (s[10] >= '0' && s[10] <= '9')
		return;
	int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	if (!wol_date_valid(y, m, d))
		return;
	memcpy(out, s, 10);
	out[10] = '\0';
}

static char *tags_of(const wol_doc *d)
{
	const wol_yaml *t = d->meta ? wol_yaml_get(d->meta, "tags") : NULL;
	wol_buf b;
	wol_buf_init(&b);
	if (t && t->kind == WOL_YAML_SCALAR)
		wol_buf_puts(&b, t->value);
	else if (t && t->kind == WOL_YAML_SEQ)
		for (size_t i = 0; i < t->n; i++)
			if (t->items[i]->kind == WOL_YAML_SCALAR) {
				if (b.len)
					wol_buf_puts(&b, " ");
				wol_buf_puts(&b, t->items[i]->value);
			}
	return b.len ? wol_buf_detach(&b) : (wol_buf_free(&b), NULL);
}

/* The first Markdown heading of a body: its text (malloc'd) and line. */
static char *first_heading(const char *body, int body_line, int *line)
{
	const char *p = body;
	for (int i = 0; *p; i++) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		const char *t;
		size_t tn;
		if (wol_md_heading(p, n, &t, &tn) && tn) {
			*line = body_line + i;
			return wol_strndup(t, tn);
		}
		if (!eol)
			break;
		p = eol + 1;
	}
	return NULL;
}

static const char *base_stem(const char *path, char *buf, size_t bufsz)
{
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	snprintf(buf, bufsz, "%s", b);
	size_t n = strlen(buf);
	if (n > 3 && strcmp(buf + n - 3, ".md") == 0)
		buf[n - 3] = '\0';
	return buf;
}

static int searchable(const char *kind)
{
	return strcmp(kind, "event") != 0;
}

/* Reads, parses and stores one new or changed file. */
int wol_index__file(wol_walk *w, const char *rel, const char *abs, const struct stat *st,
                      const wol_index_place *pl, wol_known *k)
{
	char *text = NULL;
	size_t len = 0;
	wol_error e;
	int rc = wol_fs_read(abs, MAX_FILE_BYTES, 1, &text, &len, &e);
	if (rc == WOL_ENOTFOUND)
		return 0; /* gone since the walk saw it: the next refresh forgets it */
	if (rc == WOL_ENOMEM)
		return wol_error_set(w->err, WOL_ENOMEM, "out of memory");
	w->rep->read++;
	if (k)
		k->seen = 1;
	wol_doc doc;
	memset(&doc, 0, sizeof doc);
	row r;
	memset(&r, 0, sizeof r);
	char stem[256], key[WOL_NOTE_KEY_SIZE];
	char *heading = NULL;
	r.rid = base_stem(rel, stem, sizeof stem);
	r.body_line = 1;
	if (rc) {
		r.problem = e.msg;
		r.body = "";
	} else if (wol_doc_parse(text, len, rel, &doc, &e) != 0) {
		r.problem = e.msg;
		r.body = text;
		w->rep->problems++;
	} else {
		r.body = doc.body;
		r.body_line = doc.body_line;
	}
	if (!r.problem || r.body == text) {
		r.author = meta_str(&doc, "author");
		r.tags = tags_of(&doc);
		wol_index__date_prefix(meta_str(&doc, "created"), r.date);
		r.sortkey = meta_str(&doc, "created");
	}
	const char *kind = pl->kind;
	if (strcmp(kind, "journal") == 0) {
		r.author = w->handle;
		wol_index__date_prefix(meta_str(&doc, "date"), r.date);
		if (!r.date[0])
			memcpy(r.date, pl->date, sizeof r.date);
		r.sortkey = r.date[0] ? r.date : NULL;
		heading = first_heading(r.body, r.body_line, &r.title_line);
		r.fts_title = heading;
		r.title = heading ? heading : (r.date[0] ? r.date : r.rid);
		const char *prompt = meta_str(&doc, "prompt");
		if (prompt) { /* the day's prompt is searchable with the tags */
			char *t = wol_strfmt("%s%s%s", r.tags ? r.tags : "", r.tags ? " " : "", prompt);
			free(r.tags);
			r.tags = t;
		}
	} else if (strcmp(kind, "person") == 0) {
		/* people/<slug>.md: the name is the title; the relation and the
		 * member handle are searchable with the tags; dated when added */
		r.author = NULL;
		r.title = meta_str(&doc, "name");
		r.title_line = meta_line(&doc, "name");
		if (!r.title)
			r.title = stem;
		r.fts_title = r.title;
		wol_index__date_prefix(meta_str(&doc, "added"), r.date);
		r.sortkey = r.date[0] ? r.date : NULL;
		const char *relation = meta_str(&doc, "relation"), *handle = meta_str(&doc, "handle");
		if (relation || handle) {
			char *t = wol_strfmt("%s%s%s%s%s", r.tags ? r.tags : "", r.tags ? " " : "",
			                     relation ? relation : "", relation && handle ? " " : "",
			                     handle ? handle : "");
			free(r.tags);
			r.tags = t;
		}
	} else if (strcmp(kind, "note") == 0) {
		r.author = pl->folder; /* only <handle> writes under notes/<handle>/ */
		/* rid: the note id that names its feedback folder (a note without
		 * one: the key of its path in the circle) */
		const char *nid = meta_str(&doc, "id");
		const char *in_circle = rel + strlen("circles/") + strlen(pl->circle) + 1;
		if (wol_note_id_fits(nid, pl->folder))
			r.rid = nid;
		else if (wol_note_key(in_circle, key) == 0)
			r.rid = key;
		r.title = meta_str(&doc, "title");
		r.title_line = meta_line(&doc, "title");
		if (!r.title)
			r.title = stem;
		r.fts_title = r.title;
		r.state = meta_str(&doc, "status");
	} else if (strcmp(kind, "question") == 0) {
		r.rid = pl->qid;
		r.title = meta_str(&doc, "title");
		r.title_line = meta_line(&doc, "title");
		if (!r.title)
			r.title = pl->qid;
		r.fts_title = r.title;
		r.state = "open"; /* replayed below */
	} else if (strcmp(kind, "answer") == 0) {
		r.title = NULL; /* shown as "Re: <question>" */
	} else if (strcmp(kind, "feedback") == 0) {
		r.title = NULL; /* shown with the note's title (search.c) */
		r.evkind = meta_str(&doc, "kind");
		r.target = pl->nid;
	} else { /* event */
		r.evkind = meta_str(&doc, "kind");
		r.target = meta_str(&doc, "target");
		const char *l = meta_str(&doc, "lamport");
		if (l) {
			char *end;
			r.lamport = strtoll(l, &end, 10);
			r.has_lamport = *end == '\0';
		}
	}
	if (!r.sortkey && r.date[0])
		r.sortkey = r.date;

	rc = wol_index__writers(w);
	if (rc) {
		free(heading);
		free(r.tags);
		wol_doc_free(&doc);
		free(text);
		return rc;
	}
	sqlite3_stmt *s = k ? w->upd : w->ins;
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	wol_sql_bind_str(s, 1, rel);
	wol_sql_bind_str(s, 2, kind);
	wol_sql_bind_str(s, 3, pl->circle);
	wol_sql_bind_str(s, 4, r.author);
	wol_sql_bind_str(s, 5, r.date[0] ? r.date : NULL);
	wol_sql_bind_str(s, 6, r.sortkey);
	wol_sql_bind_str(s, 7, r.title);
	wol_sql_bind_str(s, 8, r.state);
	wol_sql_bind_str(s, 9, pl->qid);
	wol_sql_bind_str(s, 10, r.rid);
	wol_sql_bind_str(s, 11, r.evkind);
	if (r.has_lamport)
		sqlite3_bind_int64(s, 12, r.lamport);
	wol_sql_bind_str(s, 13, r.target);
	sqlite3_bind_int(s, 14, r.title_line);
	sqlite3_bind_int(s, 15, r.body_line);
	sqlite3_bind_int64(s, 16, (sqlite3_int64)st->st_size);
	sqlite3_bind_int64(s, 17, wol_fs_mtime_ns(st));
	sqlite3_bind_int(s, 18, wol_fs_mtime_ns(st) >= w->start_ns);
	wol_sql_bind_str(s, 19, r.problem);
	if (k)
		sqlite3_bind_int64(s, 20, k->id);
	int sr = sqlite3_step(s);
	rc = 0;
	if (sr != SQLITE_DONE)
		rc = wol_index__fail(w->ix, w->err, sr, "storing a document");
	sqlite3_int64 id = k ? k->id : sqlite3_last_insert_rowid(w->ix->db);
	if (rc == 0 && (k || searchable(kind)))
		rc = wol_index__fts_put(w, id, k != NULL, searchable(kind),
		                        r.fts_title ? r.fts_title : "", r.body, r.tags);
	if (rc == 0) {
		if (k)
			w->rep->updated++;
		else
			w->rep->added++;
		if (strcmp(kind, "question") == 0 || strcmp(kind, "answer") == 0 ||
		    strcmp(kind, "event") == 0)
			rc = wol_index__mark_affected(w, pl->circle, pl->qid);
	}
	free(heading);
	free(r.tags);
	wol_doc_free(&doc);
	free(text);
	return rc;
}
