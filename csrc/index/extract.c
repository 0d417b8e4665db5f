/* index/extract.c - one file into one row: what its front matter and body say
 * (author, date, title, tags, state, event fields) and its full-text entry */
#include "index/index_int.h"
#include "question/question_int.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_FILE_BYTES (8u << 20)

/* The fields of one document as stored (pointers into its extract). */
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

/* One file on its way into the index: what the walk saw (inputs), then
 * what reading and parsing it gave (outputs). Extracting touches no
 * sqlite and no libgit2 (plain libc, libyaml and libcrypto's SHA-1 for a
 * note's key), so a build from nothing can do it on a reader thread
 * (below) while this thread stores. */
typedef struct wol_extract {
	/* inputs */
	const char *rel, *abs;
	struct stat st;
	wol_index_place pl;
	wol_known *k;
	const char *handle; /* the journal's author */
	char *own;          /* the pipeline's copies of rel, abs and pl's strings */
	int stat_later;     /* st is to be filled by the reader (a zero st_mode), */
	int stat_seen;      /* which found the file */
	int stat_failed;    /* or not, or not a regular file */
	/* outputs */
	int rc;             /* reading: 0, or what wol_fs_read would say */
	int parse_failed;
	char *text;
	wol_doc doc;
	wol_error e;
	row r;
	char *heading;
	char stem[256], key[WOL_NOTE_KEY_SIZE]; /* (key: a note's without an id) */
	struct wol_fts_pretok *pretok; /* the reader's tokenizer (fts.c), or NULL */
	wol_fts_pre pre;                /* the full-text columns tokenized */
	/* not a file: the question pl.qid of the circle at `abs`, read and
	 * replayed (wol_index__pipe_question) */
	int question;
	wol_question q;
} wol_extract;

/* Reads and parses x's file and fills x->r, and tokenizes its full-text
 * columns when x->pretok is set. Thread-safe: no sqlite connection, no
 * libgit2, no shared state (the tokenizer is an instance of the reader's
 * own, called through the function pointers FTS5 gave, not through the
 * CLI's lazy symbols; libcrypto, for a note's key, may be loaded by the
 * CLI's lazy loader from this thread: it takes a lock, cli/lazylib.c). */
static void extract(wol_extract *x)
{
	if (x->question) {
		x->rc = wol_question__summary(x->abs, x->pl.qid, &x->q, &x->e);
		return;
	}
	size_t len = 0;
	if (x->stat_later) {
		/* its stat is the read's own fstat (one system call fewer a
		 * file); when the read fails, an lstat says what the walk's own
		 * stat would have: gone or not a regular file, skipped; else
		 * the read's error stands */
		x->rc = wol_fs_read_stat(x->abs, MAX_FILE_BYTES, 1, &x->text, &len, &x->st, &x->e);
		x->stat_seen = x->rc == 0 || lstat(x->abs, &x->st) == 0;
		if (!x->stat_seen || !S_ISREG(x->st.st_mode)) {
			x->stat_failed = 1; /* (what the walk's own stat skips) */
			return;
		}
	} else {
		x->rc = wol_fs_read(x->abs, MAX_FILE_BYTES, 1, &x->text, &len, &x->e);
	}
	if (x->rc == WOL_ENOTFOUND || x->rc == WOL_ENOMEM)
		return;
	wol_doc *doc = &x->doc;
	row *r = &x->r;
	const wol_index_place *pl = &x->pl;
	const char *rel = x->rel;
	r->rid = base_stem(rel, x->stem, sizeof x->stem);
	r->body_line = 1;
	if (x->rc) {
		r->problem = x->e.msg;
		r->body = "";
	} else if (wol_doc_parse(x->text, len, rel, doc, &x->e) != 0) {
		r->problem = x->e.msg;
		r->body = x->text;
		x->parse_failed = 1;
	} else {
		r->body = doc->body;
		r->body_line = doc->body_line;
	}
	if (!r->problem || r->body == x->text) {
		r->author = meta_str(doc, "author");
		r->tags = tags_of(doc);
		wol_index__date_prefix(meta_str(doc, "created"), r->date);
		r->sortkey = meta_str(doc, "created");
	}
	const char *kind = pl->kind;
	if (strcmp(kind, "journal") == 0) {
		r->author = x->handle;
		wol_index__date_prefix(meta_str(doc, "date"), r->date);
		if (!r->date[0])
			memcpy(r->date, pl->date, sizeof r->date);
		r->sortkey = r->date[0] ? r->date : NULL;
		x->heading = first_heading(r->body, r->body_line, &r->title_line);
		r->fts_title = x->heading;
		r->title = x->heading ? x->heading : (r->date[0] ? r->date : r->rid);
		const char *prompt = meta_str(doc, "prompt");
		if (prompt) { /* the day's prompt is searchable with the tags */
			char *t = wol_strfmt("%s%s%s", r->tags ? r->tags : "", r->tags ? " " : "", prompt);
			free(r->tags);
			r->tags = t;
		}
	} else if (strcmp(kind, "person") == 0) {
		/* people/<slug>.md: the name is the title; the relation and the
		 * member handle are searchable with the tags; dated when added */
		r->author = NULL;
		r->title = meta_str(doc, "name");
		r->title_line = meta_line(doc, "name");
		if (!r->title)
			r->title = x->stem;
		r->fts_title = r->title;
		wol_index__date_prefix(meta_str(doc, "added"), r->date);
		r->sortkey = r->date[0] ? r->date : NULL;
		const char *relation = meta_str(doc, "relation"), *handle = meta_str(doc, "handle");
		if (relation || handle) {
			char *t = wol_strfmt("%s%s%s%s%s", r->tags ? r->tags : "", r->tags ? " " : "",
			                     relation ? relation : "", relation && handle ? " " : "",
			                     handle ? handle : "");
			free(r->tags);
			r->tags = t;
		}
	} else if (strcmp(kind, "note") == 0) {
		r->author = pl->folder; /* only <handle> writes under notes/<handle>/ */
		/* rid: the note id that names its feedback folder (a note without
		 * one: the key of its path in the circle) */
		const char *nid = meta_str(doc, "id");
		const char *in_circle = rel + strlen("circles/") + strlen(pl->circle) + 1;
		if (wol_note_id_fits(nid, pl->folder))
			r->rid = nid;
		else if (wol_note_key(in_circle, x->key) == 0)
			r->rid = x->key;
		r->title = meta_str(doc, "title");
		r->title_line = meta_line(doc, "title");
		if (!r->title)
			r->title = x->stem;
		r->fts_title = r->title;
		r->state = meta_str(doc, "status");
	} else if (strcmp(kind, "question") == 0) {
		r->rid = pl->qid;
		r->title = meta_str(doc, "title");
		r->title_line = meta_line(doc, "title");
		if (!r->title)
			r->title = pl->qid;
		r->fts_title = r->title;
		r->state = "open"; /* replayed below */
	} else if (strcmp(kind, "answer") == 0) {
		r->title = NULL; /* shown as "Re: <question>" */
	} else if (strcmp(kind, "feedback") == 0) {
		r->title = NULL; /* shown with the note's title (search.c) */
		r->evkind = meta_str(doc, "kind");
		r->target = pl->nid;
	} else { /* event */
		r->evkind = meta_str(doc, "kind");
		r->target = meta_str(doc, "target");
		const char *l = meta_str(doc, "lamport");
		if (l) {
			char *end;
			r->lamport = strtoll(l, &end, 10);
			r->has_lamport = *end == '\0';
		}
	}
	if (!r->sortkey && r->date[0])
		r->sortkey = r->date;
	if (x->pretok && searchable(kind))
		wol_index__fts_pretokenize(x->pretok, &x->pre, r->fts_title, r->body, r->tags);
}

static void extract_free(wol_extract *x)
{
	wol_question_free(&x->q);
	wol_index__fts_pre_free(&x->pre);
	free(x->heading);
	free(x->r.tags);
	wol_doc_free(&x->doc);
	free(x->text);
	free(x->own);
	memset(x, 0, sizeof *x);
}

/* Binds s, or NULL, without a copy: the text outlives the statement's step. */
static void bind_static(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

/* ------------------------------------------------ questions read ahead */

struct wol_qahead {
	char *key; /* "circle/qid" */
	wol_question q;
	int taken;
};

static int cmp_qahead(const void *a, const void *b)
{
	return strcmp(((const struct wol_qahead *)a)->key, ((const struct wol_qahead *)b)->key);
}

/* Keeps a question the reader read (moved out of x). */
static int qahead_keep(wol_walk *w, wol_extract *x)
{
	if (x->rc)
		return 0; /* (the replay reads it again, and says what is wrong) */
	if (w->nqahead == w->cqahead) {
		size_t cap = w->cqahead ? w->cqahead * 2 : 64;
		struct wol_qahead *a = realloc(w->qahead, cap * sizeof *a);
		if (!a)
			return wol_error_set(w->err, WOL_ENOMEM, "out of memory");
		w->qahead = a;
		w->cqahead = cap;
	}
	char *key = wol_strfmt("%s/%s", x->pl.circle, x->pl.qid);
	if (!key)
		return wol_error_set(w->err, WOL_ENOMEM, "out of memory");
	w->qahead[w->nqahead].key = key;
	w->qahead[w->nqahead].q = x->q;
	w->qahead[w->nqahead].taken = 0;
	memset(&x->q, 0, sizeof x->q);
	/* (the walk sees circles and their questions in order: kept sorted) */
	if (w->nqahead && strcmp(w->qahead[w->nqahead - 1].key, key) > 0)
		w->qahead_unsorted = 1;
	w->nqahead++;
	return 0;
}

int wol_index__qahead_take(wol_walk *w, const char *key, wol_question *q)
{
	if (!w->nqahead)
		return 0;
	if (w->qahead_unsorted) {
		qsort(w->qahead, w->nqahead, sizeof *w->qahead, cmp_qahead);
		w->qahead_unsorted = 0;
	}
	struct wol_qahead probe = {.key = (char *)key};
	struct wol_qahead *a = bsearch(&probe, w->qahead, w->nqahead, sizeof *a, cmp_qahead);
	if (!a || a->taken)
		return 0;
	*q = a->q;
	memset(&a->q, 0, sizeof a->q);
	a->taken = 1;
	return 1;
}

void wol_index__qahead_free(wol_walk *w)
{
	for (size_t i = 0; i < w->nqahead; i++) {
		free(w->qahead[i].key);
		wol_question_free(&w->qahead[i].q);
	}
	free(w->qahead);
	w->qahead = NULL;
	w->nqahead = w->cqahead = 0;
}

/* Whether column i of st's row holds text s, byte for byte */
static int column_is(sqlite3_stmt *st, int i, const char *s)
{
	const void *v = sqlite3_column_blob(st, i);
	size_t n = (size_t)sqlite3_column_bytes(st, i);
	return n == strlen(s) && (n == 0 || memcmp(v, s, n) == 0);
}

/* Whether the full-text row of document id holds these columns already
 * (a file read again though unchanged: a racy row whose stat was taken in
 * the clock tick of its last refresh, or a file touched). The ops of this
 * refresh still queued (fts.c) cannot concern id: each document is stored
 * once a refresh, and a known row keeps its id. */
static int fts_same(wol_walk *w, sqlite3_int64 id, const char *title, const char *body,
                    const char *tags)
{
	sqlite3_stmt *st = w->fts_old; /* (prepared with the writers: store) */
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, id);
	int same = sqlite3_step(st) == SQLITE_ROW && column_is(st, 0, title) &&
	           column_is(st, 1, body) && column_is(st, 2, tags);
	sqlite3_reset(st); /* no read left open under the writes that follow */
	return same;
}

/* Stores what extract() made of x's file (on the sqlite thread). */
static int store(wol_walk *w, wol_extract *x)
{
	if (x->question)
		return qahead_keep(w, x);
	if (x->stat_later) { /* counted as the walk counts its own */
		w->rep->stat += x->stat_seen;
		if (x->stat_failed)
			return 0;
	}
	if (x->rc == WOL_ENOTFOUND)
		return 0; /* gone since the walk saw it: the next refresh forgets it */
	if (x->rc == WOL_ENOMEM)
		return wol_error_set(w->err, WOL_ENOMEM, "out of memory");
	w->rep->read++;
	if (x->k)
		x->k->seen = 1;
	if (x->parse_failed)
		w->rep->problems++;
	const wol_index_place *pl = &x->pl;
	const char *kind = pl->kind;
	row *r = &x->r;
	int rc = wol_index__writers(w);
	if (rc)
		return rc;
	wol_known *k = x->k;
	const struct stat *st = &x->st;
	/* racy: modified in the clock tick this refresh started in, or later;
	 * it may change again with the same stat, so the next refresh reads it */
	long long mtime = wol_fs_mtime_ns(st);
	int racy = mtime >= w->start_ns;
	const char *fts_title = r->fts_title ? r->fts_title : "";
	sqlite3_stmt *s = k ? w->upd : w->ins;
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	bind_static(s, 1, x->rel);
	bind_static(s, 2, kind);
	bind_static(s, 3, pl->circle);
	bind_static(s, 4, r->author);
	bind_static(s, 5, r->date[0] ? r->date : NULL);
	bind_static(s, 6, r->sortkey);
	bind_static(s, 7, r->title);
	bind_static(s, 8, r->state);
	bind_static(s, 9, pl->qid);
	bind_static(s, 10, r->rid);
	bind_static(s, 11, r->evkind);
	if (r->has_lamport)
		sqlite3_bind_int64(s, 12, r->lamport);
	bind_static(s, 13, r->target);
	sqlite3_bind_int(s, 14, r->title_line);
	sqlite3_bind_int(s, 15, r->body_line);
	sqlite3_bind_int64(s, 16, (sqlite3_int64)st->st_size);
	sqlite3_bind_int64(s, 17, mtime);
	sqlite3_bind_int(s, 18, racy);
	bind_static(s, 19, r->problem);
	if (k)
		sqlite3_bind_int64(s, 20, k->id);
	int sr = sqlite3_step(s);
	int unchanged = 0; /* the file read again holds what is stored */
	if (sr == SQLITE_DONE && k && sqlite3_changes(w->ix->db) == 0) {
		/* nothing but the stat changed (w->upd then writes nothing): the
		 * stat alone, which leaves the other indexes and `daily` be */
		unchanged = !searchable(kind) ||
		            fts_same(w, k->id, fts_title, r->body ? r->body : "", r->tags ? r->tags : "");
		sqlite3_stmt *u = w->upd_stat;
		sqlite3_reset(u);
		sqlite3_bind_int64(u, 16, (sqlite3_int64)st->st_size);
		sqlite3_bind_int64(u, 17, mtime);
		sqlite3_bind_int(u, 18, racy);
		sqlite3_bind_int64(u, 20, k->id);
		sr = sqlite3_step(u);
	}
	if (sr != SQLITE_DONE)
		rc = wol_index__fail(w->ix, w->err, sr, "storing a document");
	else if (k) { /* the row as stored: a refresh that changed nothing keeps
	               * the rows for the next one (plan.c, keep_known) */
		k->size = (sqlite3_int64)st->st_size;
		k->mtime = mtime;
		k->racy = racy;
	}
	sqlite3_int64 id = k ? k->id : sqlite3_last_insert_rowid(w->ix->db);
	if (rc == 0 && (k || searchable(kind)) && !unchanged) {
		wol_index__fts_pre_use(w->ix, &x->pre);
		rc = wol_index__fts_put(w, id, k != NULL, searchable(kind), fts_title, r->body,
		                        r->tags);
		wol_index__fts_pre_use(w->ix, NULL);
	}
	if (rc == 0) {
		/* read again but unchanged: not counted, no full-text rewrite; its
		 * question is still replayed (schema.c marks question files racy
		 * to have `qlist` filled) */
		if (!k)
			w->rep->added++;
		else if (!unchanged)
			w->rep->updated++;
		if (strcmp(kind, "question") == 0 || strcmp(kind, "answer") == 0 ||
		    strcmp(kind, "event") == 0)
			rc = wol_index__mark_affected(w, pl->circle, pl->qid);
	}
	return rc;
}

/* ------------------------------------------------------- the pipeline
 *
 * A build from nothing reads and parses every file: on a reader thread,
 * while this thread stores the files before it. The walk (this thread)
 * queues each file it would read into a ring of slots; the reader takes
 * them in order and extracts them; this thread stores the finished ones
 * in the same order, so the rows, their ids and the full-text index are
 * what a serial build writes (WOL_INDEX_SERIAL=1 forces one). The reader
 * also stats each file (the walk does not, for a build from nothing),
 * tokenizes its full-text columns (fts.c) and, once the walk has queued a
 * question's files, reads and replays the question (refresh.c's replay
 * takes it). sqlite, the progress callback and every counter stay on this
 * thread; the reader calls libc, libyaml, libcrypto (a note's key:
 * format/layout.c) and the tokenizer FTS5 handed out. */
#define PIPE_SLOTS 64
/* The reader, idle (it keeps ahead of the store), is woken when this many
 * files wait for it, or when this thread is about to wait for it: a wake-up
 * per file was a system call per file on this thread. */
#define PIPE_WAKE 8

/* A slot is queued by the walk, extracted (done) by the reader, stored by
 * this thread, then freed by the reader: what extract() allocated there
 * (the text, its parse, the tokens) is given back by the thread that
 * took it, off the critical path (the free()s and their cache misses
 * were ~1 % of this thread's work), before the slot is filled again. */
enum { SLOT_FREE, SLOT_QUEUED, SLOT_DONE, SLOT_STORED };

struct wol_index_pipe {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t work, done;
	/* next to free <= next to store <= next to extract <= next to fill */
	size_t freed, head, next, tail;
	int stop;
	unsigned char state[PIPE_SLOTS];
	wol_extract slot[PIPE_SLOTS];
};

static void *pipe_reader(void *arg)
{
	struct wol_index_pipe *p = arg;
	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->stop && p->next == p->tail && p->freed == p->head)
			pthread_cond_wait(&p->work, &p->mu);
		if (p->stop)
			break;
		if (p->freed != p->head) { /* stored: freed first, as a slot to fill */
			size_t i = p->freed % PIPE_SLOTS;
			pthread_mutex_unlock(&p->mu);
			extract_free(&p->slot[i]);
			pthread_mutex_lock(&p->mu);
			p->state[i] = SLOT_FREE;
			p->freed++;
			pthread_cond_signal(&p->done);
			continue;
		}
		wol_extract *x = &p->slot[p->next % PIPE_SLOTS];
		pthread_mutex_unlock(&p->mu);
		extract(x);
		pthread_mutex_lock(&p->mu);
		p->state[p->next % PIPE_SLOTS] = SLOT_DONE;
		p->next++;
		pthread_cond_signal(&p->done);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

void wol_index__pipe_start(wol_walk *w)
{
	const char *serial = getenv("WOL_INDEX_SERIAL");
	if (w->pipe || (serial && *serial && strcmp(serial, "0") != 0))
		return;
	struct wol_index_pipe *p = calloc(1, sizeof *p);
	if (!p)
		return; /* serial */
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->done, NULL);
	/* the reader takes no signals: they stay the main thread's */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int rc = pthread_create(&p->thread, NULL, pipe_reader, p);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		pthread_cond_destroy(&p->work);
		pthread_cond_destroy(&p->done);
		pthread_mutex_destroy(&p->mu);
		free(p);
		return;
	}
	w->pipe = p;
}

/* Stores the oldest slot, waiting for the reader when `wait`; 1 when one
 * was stored (*rc its result), 0 when none was ready. */
static int pipe_store_one(wol_walk *w, int wait, int *rc)
{
	struct wol_index_pipe *p = w->pipe;
	size_t i = p->head % PIPE_SLOTS;
	pthread_mutex_lock(&p->mu);
	if (wait && p->state[i] != SLOT_DONE)
		pthread_cond_signal(&p->work);
	while (wait && p->state[i] != SLOT_DONE)
		pthread_cond_wait(&p->done, &p->mu);
	int ready = p->head != p->tail && p->state[i] == SLOT_DONE;
	pthread_mutex_unlock(&p->mu);
	if (!ready)
		return 0;
	*rc = store(w, &p->slot[i]);
	pthread_mutex_lock(&p->mu);
	p->state[i] = SLOT_STORED; /* (the reader frees it when it next wakes) */
	p->head++;
	pthread_mutex_unlock(&p->mu);
	return 1;
}

/* Queues one file for the reader (copies of what the walk lent), after
 * storing the files it has finished. */
static int pipe_push(wol_walk *w, const char *rel, const char *abs, const struct stat *st,
                     const wol_index_place *pl, wol_known *k, int question)
{
	struct wol_index_pipe *p = w->pipe;
	int rc = 0;
	while (rc == 0 && p->head != p->tail && pipe_store_one(w, p->tail - p->head == PIPE_SLOTS, &rc))
		;
	if (rc)
		return rc;
	/* the slot to fill, once the reader has freed what it held */
	pthread_mutex_lock(&p->mu);
	if (p->tail - p->freed == PIPE_SLOTS) {
		pthread_cond_signal(&p->work);
		while (p->tail - p->freed == PIPE_SLOTS)
			pthread_cond_wait(&p->done, &p->mu);
	}
	pthread_mutex_unlock(&p->mu);
	const char *parts[6] = {rel, abs, pl->circle, pl->folder, pl->qid, pl->nid};
	size_t need = 0;
	for (int i = 0; i < 6; i++)
		need += parts[i] ? strlen(parts[i]) + 1 : 0;
	char *own = malloc(need ? need : 1), *o = own;
	if (!own)
		return wol_error_set(w->err, WOL_ENOMEM, "out of memory");
	const char *copy[6];
	for (int i = 0; i < 6; i++) {
		copy[i] = NULL;
		if (parts[i]) {
			size_t n = strlen(parts[i]) + 1;
			memcpy(o, parts[i], n);
			copy[i] = o;
			o += n;
		}
	}
	wol_extract *x = &p->slot[p->tail % PIPE_SLOTS];
	memset(x, 0, sizeof *x);
	x->own = own;
	x->rel = copy[0];
	x->abs = copy[1];
	x->st = *st;
	x->stat_later = !question && st->st_mode == 0;
	x->pl = *pl;
	x->pl.circle = copy[2];
	x->pl.folder = copy[3];
	x->pl.qid = copy[4];
	x->pl.nid = copy[5];
	x->k = k;
	x->handle = w->handle;
	x->pretok = w->ix->pretok;
	x->question = question;
	pthread_mutex_lock(&p->mu);
	p->state[p->tail % PIPE_SLOTS] = SLOT_QUEUED;
	p->tail++;
	if (p->tail - p->next >= PIPE_WAKE)
		pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->mu);
	return 0;
}

int wol_index__pipe_question(wol_walk *w, const char *circle, const char *qid)
{
	if (!w->pipe)
		return 0;
	char *root = wol_strfmt("%s/circles/%s", wol_ctx_home(w->ix->ctx), circle);
	if (!root)
		return wol_error_set(w->err, WOL_ENOMEM, "out of memory");
	wol_index_place pl = {.kind = "question", .circle = circle, .qid = qid};
	struct stat st;
	memset(&st, 0, sizeof st);
	int rc = pipe_push(w, "", root, &st, &pl, NULL, 1);
	free(root);
	return rc;
}

int wol_index__pipe_finish(wol_walk *w, int rc)
{
	struct wol_index_pipe *p = w->pipe;
	if (!p)
		return rc;
	while (rc == 0 && p->head != p->tail)
		pipe_store_one(w, 1, &rc);
	pthread_mutex_lock(&p->mu);
	p->stop = 1;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->thread, NULL);
	/* what the reader had not freed yet, and after a failure what was
	 * never stored (dropped) */
	for (; p->freed != p->tail; p->freed++)
		extract_free(&p->slot[p->freed % PIPE_SLOTS]);
	pthread_cond_destroy(&p->work);
	pthread_cond_destroy(&p->done);
	pthread_mutex_destroy(&p->mu);
	free(p);
	w->pipe = NULL;
	return rc;
}

/* Reads, parses and stores one new or changed file (through the reader
 * thread during a build from nothing). */
int wol_index__file(wol_walk *w, const char *rel, const char *abs, const struct stat *st,
                    const wol_index_place *pl, wol_known *k)
{
	if (w->pipe)
		return pipe_push(w, rel, abs, st, pl, k, 0);
	wol_extract *x = calloc(1, sizeof *x);
	if (!x)
		return wol_error_set(w->err, WOL_ENOMEM, "out of memory");
	x->rel = rel;
	x->abs = abs;
	x->st = *st;
	x->pl = *pl;
	x->k = k;
	x->handle = w->handle;
	extract(x);
	int rc = store(w, x);
	extract_free(x);
	free(x);
	return rc;
}
