/* export/collect.c - what may leave the circle: the one place that decides
 * whose words an export holds. Notes are read from the committed tree
 * (what was shared, not a draft), questions through the question code
 * (its replay decides what is retracted, edited, resolved). */
#include "export/export_int.h"
#include "repo/circle_priv.h"
#include "question/question_int.h"

#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOTE_MAX ((size_t)8 * 1024 * 1024)

/* ------------------------------------------------------------ strings */

static char *dup(const char *s)
{
	return s ? wol_strdup(s) : NULL;
}

/* "YYYY-MM-DD" from the start of `s` (a date, a UTC time) or from an id's
 * "yyyymmddThhmmssZ" prefix; NULL when neither holds a valid date. */
static char *date_of(const char *s, const char *id)
{
	int y, mo, d;
	char tail;
	if (s && sscanf(s, "%4d-%2d-%2d%c", &y, &mo, &d, &tail) >= 3 && s[4] == '-' &&
	    s[7] == '-' && wol_date_valid(y, mo, d))
		return wol_strfmt("%04d-%02d-%02d", y, mo, d);
	if (id && strlen(id) > 9 && id[8] == 'T' && sscanf(id, "%4d%2d%2d", &y, &mo, &d) == 3 &&
	    wol_date_valid(y, mo, d))
		return wol_strfmt("%04d-%02d-%02d", y, mo, d);
	return NULL;
}

/* Whether a date (or none) is inside the model's range. */
static int in_range(const ex_model *m, const char *date)
{
	if (!m->from[0] && !m->to[0])
		return 1;
	if (!date)
		return 0;
	if (m->from[0] && strcmp(date, m->from) < 0)
		return 0;
	if (m->to[0] && strcmp(date, m->to) > 0)
		return 0;
	return 1;
}

static void text_free(ex_text *t)
{
	free(t->author);
	free(t->date);
	free(t->label);
	free(t->text);
	free(t->base);
}

static int text_push(ex_text **v, size_t *n, ex_text t)
{
	ex_text *nv = realloc(*v, (*n + 1) * sizeof **v);
	if (!nv) {
		text_free(&t);
		return WOL_ENOMEM;
	}
	nv[*n] = t;
	*v = nv;
	(*n)++;
	return 0;
}

/* --------------------------------------------------------------- model */

void ex_model_free(ex_model *m)
{
	if (!m)
		return;
	free(m->circle);
	free(m->name);
	free(m->me);
	for (size_t i = 0; i < m->nmembers; i++) {
		ex_member *x = &m->members[i];
		free(x->handle);
		free(x->page);
		free(x->name);
		free(x->goal);
		free(x->joined);
		for (size_t k = 0; k < x->nrevs; k++)
			free(x->revs[k].text);
		free(x->revs);
		for (size_t k = 0; k < x->nanswers; k++)
			text_free(&x->answers[k]);
		free(x->answers);
	}
	free(m->members);
	for (size_t i = 0; i < m->nnotes; i++) {
		ex_note *x = &m->notes[i];
		free(x->src);
		free(x->page);
		free(x->author);
		free(x->title);
		free(x->date);
		free(x->status);
		free(x->body);
		for (size_t k = 0; k < x->nfeedback; k++)
			text_free(&x->feedback[k]);
		free(x->feedback);
	}
	free(m->notes);
	for (size_t i = 0; i < m->nquestions; i++) {
		ex_question *x = &m->questions[i];
		free(x->qid);
		free(x->page);
		free(x->author);
		free(x->title);
		free(x->date);
		free(x->body);
		free(x->helped);
		free(x->about);
		for (size_t k = 0; k < x->nanswers; k++)
			text_free(&x->answers[k]);
		free(x->answers);
	}
	free(m->questions);
	for (size_t i = 0; i < m->nlinks; i++) {
		free(m->links[i].src);
		free(m->links[i].page);
	}
	free(m->links);
	wol_strv_clear(&m->warnings);
	memset(m, 0, sizeof *m);
}

static int exported(const ex_model *m, const wol_strv *who, const char *handle)
{
	(void)m;
	return handle && wol_strv_contains(who, handle);
}

/* --------------------------------------------------------------- notes */

/* A file name kept as the page name when it is plain ([A-Za-z0-9._-],
 * starting with a letter or digit); else its slug. */
static char *page_stem(const char *file)
{
	size_t n = strlen(file) - 3; /* without ".md" */
	int plain = n > 0 && n <= 100;
	for (size_t i = 0; plain && i < n; i++) {
		char ch = file[i];
		int alnum = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
		if (!alnum && (i == 0 || (ch != '.' && ch != '_' && ch != '-')))
			plain = 0;
	}
	if (plain)
		return wol_strndup(file, n);
	char slug[72];
	char *stem = wol_strndup(file, n);
	if (!stem)
		return NULL;
	if (wol_slug(stem, slug, sizeof slug, 60) == 0)
		snprintf(slug, sizeof slug, "note");
	free(stem);
	return wol_strfmt("%s", slug);
}

/* The title: front matter, else the first heading's text, else the stem. */
static char *note_title(const wol_doc *doc, const char *stem)
{
	const char *t = wol_yaml_str(doc->meta, "title");
	if (t && *t)
		return wol_strfmt("%s", t);
	const char *s = doc->body;
	while (s && *s) {
		const char *e = strchr(s, '\n');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		if (len > 2 && s[0] == '#' && s[1] == ' ') {
			while (len && (s[len - 1] == '\r' || s[len - 1] == ' '))
				len--;
			if (len > 2)
				return wol_strndup(s + 2, len - 2);
		}
		if (len && s[0] != '\r')
			break;
		s = e ? e + 1 : s + len;
	}
	return wol_strfmt("%s", stem);
}

static int add_note(ex_model *m, git_repository *repo, const char *handle,
                    const git_tree_entry *te)
{
	const char *file = git_tree_entry_name(te);
	size_t fl = strlen(file);
	git_filemode_t mode = git_tree_entry_filemode(te);
	if (fl < 4 || strcmp(file + fl - 3, ".md") != 0 || file[0] == '.' ||
	    (mode != GIT_FILEMODE_BLOB && mode != GIT_FILEMODE_BLOB_EXECUTABLE))
		return 0;
	char *src = wol_strfmt("notes/%s/%s", handle, file);
	if (!src)
		return WOL_ENOMEM;
	git_blob *blob = NULL;
	if (git_blob_lookup(&blob, repo, git_tree_entry_id(te)) != 0) {
		git_error_clear();
		wol_strv_add(&m->warnings, wol_strfmt("wol: %s: cannot be read; left out", src));
		free(src);
		return 0;
	}
	const char *raw = git_blob_rawcontent(blob);
	size_t len = (size_t)git_blob_rawsize(blob);
	if (len > NOTE_MAX || !wol_utf8_valid(raw, len)) {
		wol_strv_add(&m->warnings, wol_strfmt("wol: %s: %s; left out", src,
		                                     len > NOTE_MAX ? "too large" : "not UTF-8 text"));
		git_blob_free(blob);
		free(src);
		return 0;
	}
	wol_doc doc;
	wol_error perr;
	int parsed = wol_doc_parse(raw, len, src, &doc, &perr) == 0;
	if (!parsed) {
		/* broken front matter: the whole text is the body */
		wol_strv_add(&m->warnings, wol_strfmt("%s (exported as plain text)", perr.msg));
		memset(&doc, 0, sizeof doc);
		doc.meta = wol_yaml_new(WOL_YAML_MAP, NULL);
		doc.body = wol_strndup(raw, len);
	}
	git_blob_free(blob);
	char *stem = page_stem(file);
	ex_note n;
	memset(&n, 0, sizeof n);
	n.src = src;
	n.author = dup(handle);
	n.page = stem ? wol_strfmt("notes/%s/%s", handle, stem) : NULL;
	n.title = stem ? note_title(&doc, stem) : NULL;
	n.date = date_of(wol_yaml_str(doc.meta, "created"), wol_yaml_str(doc.meta, "id"));
	n.status = dup(wol_yaml_str(doc.meta, "status"));
	n.body = dup(doc.body ? doc.body : "");
	free(stem);
	wol_doc_free(&doc);
	int oom = !n.author || !n.page || !n.title || !n.body;
	int keep = !oom && in_range(m, n.date);
	ex_note *nv = keep ? realloc(m->notes, (m->nnotes + 1) * sizeof *nv) : NULL;
	if (!nv) {
		free(n.src);
		free(n.page);
		free(n.author);
		free(n.title);
		free(n.date);
		free(n.status);
		free(n.body);
		return keep || oom ? WOL_ENOMEM : 0;
	}
	m->notes = nv;
	m->notes[m->nnotes++] = n;
	return 0;
}

static int cmp_note(const void *a, const void *b)
{
	const ex_note *x = a, *y = b;
	int c = strcmp(x->author, y->author);
	if (c)
		return c;
	c = strcmp(x->date ? x->date : "", y->date ? y->date : "");
	return c ? c : strcmp(x->src, y->src);
}

static int cmp_str_ptr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Whether two notes have the same page name (sorted, not pairwise: a
 * circle may hold ten thousand notes). */
static int any_same_page(const ex_model *m, int *same)
{
	*same = 0;
	if (m->nnotes < 2)
		return 0;
	char **v = malloc(m->nnotes * sizeof *v);
	if (!v)
		return WOL_ENOMEM;
	for (size_t i = 0; i < m->nnotes; i++)
		v[i] = m->notes[i].page;
	qsort(v, m->nnotes, sizeof *v, cmp_str_ptr);
	for (size_t i = 1; i < m->nnotes && !*same; i++)
		*same = strcmp(v[i - 1], v[i]) == 0;
	free(v);
	return 0;
}

/* Two file names may give the same page name (slugs): later ones get -2, -3. */
static int unique_pages(ex_model *m)
{
	int same;
	if (any_same_page(m, &same) != 0)
		return WOL_ENOMEM;
	for (size_t i = 1; same && i < m->nnotes; i++) {
		for (size_t k = 0; k < i; k++) {
			if (strcmp(m->notes[i].page, m->notes[k].page) != 0)
				continue;
			for (int s = 2;; s++) {
				char *p = wol_strfmt("%s-%d", m->notes[i].page, s);
				if (!p)
					return WOL_ENOMEM;
				int taken = 0;
				for (size_t j = 0; j < m->nnotes && !taken; j++)
					taken = strcmp(m->notes[j].page, p) == 0;
				if (!taken) {
					free(m->notes[i].page);
					m->notes[i].page = p;
					break;
				}
				free(p);
			}
			break;
		}
	}
	return 0;
}

/* The handles of HEAD's notes/ folders (all of them: who has notes) and
 * the notes of the exported ones. */
static int collect_notes(wol_circle *c, ex_model *m, const wol_strv *who, wol_strv *seen,
                         wol_error *err)
{
	git_repository *repo = wol_circle_repo(c);
	git_object *obj = NULL;
	if (git_revparse_single(&obj, repo, "HEAD:notes") != 0 ||
	    git_object_type(obj) != GIT_OBJECT_TREE) {
		git_object_free(obj);
		git_error_clear();
		return 0; /* nothing shared yet */
	}
	git_tree *notes = (git_tree *)obj;
	int rc = 0;
	size_t n = git_tree_entrycount(notes);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(notes, i);
		const char *handle = git_tree_entry_name(e);
		if (git_tree_entry_type(e) != GIT_OBJECT_TREE || !wol_name_valid(handle))
			continue;
		if (!wol_strv_contains(seen, handle) && wol_strv_add(seen, dup(handle))) {
			rc = WOL_ENOMEM;
			break;
		}
		if (!exported(m, who, handle))
			continue;
		git_tree *sub = NULL;
		if (git_tree_lookup(&sub, repo, git_tree_entry_id(e)) != 0) {
			git_error_clear();
			continue;
		}
		size_t k = git_tree_entrycount(sub);
		for (size_t j = 0; rc == 0 && j < k; j++)
			rc = add_note(m, repo, handle, git_tree_entry_byindex(sub, j));
		git_tree_free(sub);
	}
	git_tree_free(notes);
	if (rc)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	if (m->nnotes > 1)
		qsort(m->notes, m->nnotes, sizeof *m->notes, cmp_note);
	if (unique_pages(m))
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	return 0;
}

/* ----------------------------------------------------------- questions */

static char *record_date(const wol_qrecord *r)
{
	return date_of(r->created, r->id);
}

/* Reads every question's thread: the exported ones whole, and from the
 * others only the answers exported members gave. `seen` gets every author. */
static int collect_questions(wol_circle *c, ex_model *m, const wol_strv *who, wol_strv *seen,
                             wol_error *err)
{
	wol_questions qs;
	int rc = wol_question__list_files(c, "all", NULL, &qs, err);
	if (rc)
		return rc;
	for (size_t i = 0; i < qs.nwarnings; i++)
		wol_strv_add(&m->warnings, dup(qs.warnings[i]));
	/* every thread as wol_question_get reads it, with one walk of the
	 * history for all of them */
	char **ids = qs.n ? calloc(qs.n, sizeof *ids) : NULL;
	wol_question *threads = ids ? calloc(qs.n, sizeof *threads) : NULL;
	wol_error *errs = threads ? calloc(qs.n, sizeof *errs) : NULL;
	if (qs.n && !errs) {
		free(ids);
		free(threads);
		wol_questions_free(&qs);
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < qs.n; i++)
		ids[i] = qs.items[i].id;
	if (qs.n && wol_question__get_many(c, ids, qs.n, threads, errs) != 0)
		rc = WOL_ENOMEM;
	for (size_t i = 0; rc == 0 && i < qs.n; i++) {
		wol_question q = threads[i];
		memset(&threads[i], 0, sizeof threads[i]);
		if (errs[i].code) {
			if (errs[i].code == WOL_ENOMEM)
				rc = WOL_ENOMEM;
			else
				wol_strv_add(&m->warnings, wol_strfmt("%s (left out)", errs[i].msg));
			continue;
		}
		if (q.nrecords == 0 || strcmp(q.state, "retracted") == 0) {
			wol_question_free(&q);
			continue;
		}
		const wol_qrecord *qr = &q.records[0];
		if (qr->forged) {
			wol_strv_add(&m->warnings,
			            wol_strfmt("wol: %s: %s; left out", qr->path,
			                       qr->note ? qr->note : "not written by its author"));
			wol_question_free(&q);
			continue;
		}
		if (q.author && !wol_strv_contains(seen, q.author))
			wol_strv_add(seen, dup(q.author));
		char *qdate = record_date(qr);
		int whole = exported(m, who, q.author) && in_range(m, qdate);
		ex_question x;
		memset(&x, 0, sizeof x);
		if (whole) {
			x.qid = dup(q.id);
			x.page = wol_strfmt("questions/%s/question", q.id);
			x.author = dup(q.author);
			x.title = dup(q.title);
			x.date = qdate;
			qdate = NULL;
			x.state = strcmp(q.state, "resolved") == 0 ? "resolved" : "open";
			x.body = dup(qr->current ? qr->current : qr->text ? qr->text : "");
			x.helped = dup(q.helped);
			x.about = dup(q.about); /* a circle path; made a page once notes are known */
			if (!x.qid || !x.page || !x.author || !x.title || !x.body)
				rc = WOL_ENOMEM;
		}
		free(qdate);
		for (size_t k = 1; rc == 0 && k < q.nrecords; k++) {
			const wol_qrecord *r = &q.records[k];
			if (strcmp(r->kind, "answer") != 0 || r->retracted || r->removed || !r->author)
				continue;
			if (r->forged) {
				if (whole || exported(m, who, r->author))
					wol_strv_add(&m->warnings,
					            wol_strfmt("wol: %s: %s; left out", r->path,
					                       r->note ? r->note : "not written by its author"));
				continue;
			}
			if (!wol_strv_contains(seen, r->author))
				wol_strv_add(seen, dup(r->author));
			ex_text t;
			memset(&t, 0, sizeof t);
			t.author = dup(r->author);
			t.date = record_date(r);
			t.text = dup(r->current ? r->current : r->text ? r->text : "");
			t.base = wol_strfmt("questions/%s/answers/", q.id);
			if (!t.author || !t.text || !t.base) {
				text_free(&t);
				rc = WOL_ENOMEM;
				break;
			}
			if (whole) {
				rc = text_push(&x.answers, &x.nanswers, t);
				continue;
			}
			ex_member *mem = NULL;
			for (size_t j = 0; j < m->nmembers; j++)
				if (strcmp(m->members[j].handle, r->author) == 0)
					mem = &m->members[j];
			if (mem && in_range(m, t.date)) {
				t.label = wol_strfmt("to a question by @%s", q.author ? q.author : "someone");
				if (t.label) {
					rc = text_push(&mem->answers, &mem->nanswers, t);
				} else {
					text_free(&t);
					rc = WOL_ENOMEM;
				}
			} else {
				text_free(&t);
			}
		}
		wol_question_free(&q);
		if (!whole)
			continue;
		ex_question *nv = rc ? NULL : realloc(m->questions, (m->nquestions + 1) * sizeof *nv);
		if (!nv) {
			for (size_t k = 0; k < x.nanswers; k++)
				text_free(&x.answers[k]);
			free(x.answers);
			free(x.qid);
			free(x.page);
			free(x.author);
			free(x.title);
			free(x.date);
			free(x.body);
			free(x.helped);
			free(x.about);
			rc = WOL_ENOMEM;
			break;
		}
		m->questions = nv;
		m->questions[m->nquestions++] = x;
		m->nanswers += x.nanswers;
	}
	for (size_t i = 0; i < qs.n && threads; i++)
		wol_question_free(&threads[i]);
	free(threads);
	free(errs);
	free(ids);
	wol_questions_free(&qs);
	if (rc)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	return 0;
}

static int cmp_question(const void *a, const void *b)
{
	const ex_question *x = a, *y = b;
	int c = strcmp(x->date ? x->date : "", y->date ? y->date : "");
	return c ? c : strcmp(x->qid, y->qid);
}

/* ------------------------------------------------------------ feedback */

static int cmp_note_src(const void *a, const void *b)
{
	return strcmp((*(ex_note *const *)a)->src, (*(ex_note *const *)b)->src);
}

/* "reaction: thanks", "suggestion on lines 3-5", "on line 2", or NULL. */
static char *feedback_label(const wol_fitem *it)
{
	char where[64] = "";
	if (it->line1 > 0 && it->line2 > it->line1)
		snprintf(where, sizeof where, "on lines %ld-%ld", it->line1, it->line2);
	else if (it->line1 > 0)
		snprintf(where, sizeof where, "on line %ld", it->line1);
	if (it->kind && strcmp(it->kind, "reaction") == 0)
		return wol_strfmt("reaction: %s", it->reaction ? it->reaction : "?");
	if (it->kind && strcmp(it->kind, "suggestion") == 0)
		return wol_strfmt("suggestion%s%s", *where ? " " : "", where);
	return *where ? wol_strfmt("%s", where) : NULL;
}

/* The feedback on exported notes, by whoever wrote it (with their handle,
 * as answers come with an exported question): every note's feedback read
 * in one call, the exported records checked against the commits that
 * added them in one walk of the history. A
 * forged record is left out with a warning, as a forged answer is. */
static int collect_feedback(wol_circle *c, ex_model *m, wol_strv *seen, wol_error *err)
{
	if (m->nnotes == 0)
		return 0;
	/* authors are checked below, for the exported items only, with one
	 * walk of the history for all of them (not one per note's folder) */
	wol_feedback_opts o;
	memset(&o, 0, sizeof o);
	wol_feedback f;
	int rc = wol_feedback_get(c, &o, &f, err);
	if (rc)
		return rc;
	ex_note **by_src = malloc(m->nnotes * sizeof *by_src);
	ex_note **to = by_src && f.n ? calloc(f.n, sizeof *to) : NULL;
	wol_qrecord *recs = to ? calloc(f.n, sizeof *recs) : NULL;
	size_t *which = recs ? calloc(f.n, sizeof *which) : NULL;
	if (!by_src || (f.n && !which)) {
		free(by_src);
		free(to);
		free(recs);
		wol_feedback_free(&f);
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < m->nnotes; i++)
		by_src[i] = &m->notes[i];
	qsort(by_src, m->nnotes, sizeof *by_src, cmp_note_src);
	/* newest first: walked backwards, each note's feedback is in the
	 * order it was written */
	size_t n = 0;
	for (size_t i = f.n; i-- > 0;) {
		const wol_fitem *it = &f.items[i];
		if (it->orphaned || !it->note || !it->author || !it->path || !it->id)
			continue;
		ex_note key = {.src = it->note}, *kp = &key;
		ex_note **hit = bsearch(&kp, by_src, m->nnotes, sizeof *by_src, cmp_note_src);
		if (!hit)
			continue;
		to[n] = *hit;
		which[n] = i;
		recs[n].path = it->path; /* borrowed */
		recs[n].id = it->id;
		recs[n].author = it->author;
		n++;
	}
	if (n)
		wol_question__check_forged(c, "feedback", recs, n);
	for (size_t k = 0; rc == 0 && k < n; k++) {
		const wol_fitem *it = &f.items[which[k]];
		if (recs[k].forged) {
			wol_strv_add(&m->warnings,
			            wol_strfmt("wol: %s: %s; left out", it->path,
			                       recs[k].note ? recs[k].note : "not written by its author"));
			continue;
		}
		if (!wol_strv_contains(seen, it->author) && wol_strv_add(seen, dup(it->author))) {
			rc = WOL_ENOMEM;
			break;
		}
		const char *slash = strrchr(it->path, '/');
		ex_text t;
		memset(&t, 0, sizeof t);
		t.author = dup(it->author);
		t.date = date_of(it->created, it->id);
		t.label = feedback_label(it);
		t.text = dup(it->text ? it->text : "");
		t.base = slash ? wol_strndup(it->path, (size_t)(slash - it->path) + 1) : dup("feedback/");
		if (!t.author || !t.text || !t.base) {
			text_free(&t);
			rc = WOL_ENOMEM;
			break;
		}
		rc = text_push(&to[k]->feedback, &to[k]->nfeedback, t);
	}
	for (size_t k = 0; k < n; k++) {
		free(recs[k].committer);
		free(recs[k].note);
	}
	free(recs);
	free(which);
	free(to);
	free(by_src);
	wol_feedback_free(&f);
	if (rc)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	return 0;
}

/* ------------------------------------------------------------- members */

/* The goal's revisions: the history of members/<handle>.md as the goal
 * code reads it (`wol goal --history`). A change made by someone else
 * than the member is not their words: left out with a warning. */
static int member_goals(wol_circle *c, ex_model *m, ex_member *x)
{
	wol_goal_history h;
	wol_error gerr;
	int rc = wol_goal_history_get(c, x->handle, &h, &gerr);
	if (rc == WOL_ENOMEM)
		return rc;
	if (rc) {
		wol_strv_add(&m->warnings, wol_strfmt("%s (goal history left out)", gerr.msg));
		return 0;
	}
	for (size_t i = 0; rc == 0 && i < h.n; i++) {
		const wol_goal_rev *r = &h.revs[i];
		if (r->outside) {
			wol_strv_add(&m->warnings,
			            wol_strfmt("wol: members/%s.md: goal changed by %s outside wol in "
			                       "commit %.12s; left out",
			                       x->handle, r->author ? r->author : "someone", r->commit));
			continue;
		}
		ex_goal *nv = realloc(x->revs, (x->nrevs + 1) * sizeof *nv);
		char *t = nv ? dup(r->text ? r->text : "") : NULL;
		if (nv)
			x->revs = nv;
		if (!t) {
			rc = WOL_ENOMEM;
			break;
		}
		memcpy(x->revs[x->nrevs].date, r->date, sizeof r->date);
		x->revs[x->nrevs].date[10] = '\0';
		x->revs[x->nrevs].text = t;
		x->nrevs++;
	}
	wol_goal_history_free(&h);
	return rc;
}

static int add_member(wol_circle *c, ex_model *m, const char *handle, const wol_member *mv,
                      size_t nmv)
{
	ex_member x;
	memset(&x, 0, sizeof x);
	x.handle = dup(handle);
	x.page = wol_strfmt("members/%s", handle);
	for (size_t i = 0; i < nmv; i++) {
		if (strcmp(mv[i].handle, handle) != 0)
			continue;
		x.name = dup(mv[i].name);
		x.goal = dup(mv[i].goal);
		x.joined = date_of(mv[i].joined, NULL);
	}
	if (!x.name)
		x.name = dup(handle);
	ex_member *nv = x.handle && x.page && x.name
	                    ? realloc(m->members, (m->nmembers + 1) * sizeof *nv)
	                    : NULL;
	if (!nv) {
		free(x.handle);
		free(x.page);
		free(x.name);
		free(x.goal);
		free(x.joined);
		return WOL_ENOMEM;
	}
	m->members = nv;
	m->members[m->nmembers++] = x;
	return member_goals(c, m, &m->members[m->nmembers - 1]);
}

static int cmp_member(const void *a, const void *b)
{
	return strcmp(((const ex_member *)a)->handle, ((const ex_member *)b)->handle);
}

/* ---------------------------------------------------------------- links */

static int link_add(ex_model *m, char *src, const char *page)
{
	ex_link *nv = src ? realloc(m->links, (m->nlinks + 1) * sizeof *nv) : NULL;
	char *p = nv ? dup(page) : NULL;
	if (!p) {
		if (nv)
			m->links = nv;
		free(src);
		return WOL_ENOMEM;
	}
	m->links = nv;
	m->links[m->nlinks].src = src;
	m->links[m->nlinks].page = p;
	m->nlinks++;
	return 0;
}

static int cmp_link(const void *a, const void *b)
{
	return strcmp(((const ex_link *)a)->src, ((const ex_link *)b)->src);
}

const char *ex_page_of(const ex_model *m, const char *circle_path)
{
	ex_link key = {(char *)circle_path, NULL};
	const ex_link *hit =
	    m->nlinks ? bsearch(&key, m->links, m->nlinks, sizeof *m->links, cmp_link) : NULL;
	return hit ? hit->page : NULL;
}

static int build_links(ex_model *m)
{
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < m->nnotes; i++)
		rc = link_add(m, dup(m->notes[i].src), m->notes[i].page);
	for (size_t i = 0; rc == 0 && i < m->nquestions; i++) {
		const ex_question *q = &m->questions[i];
		rc = link_add(m, wol_strfmt("questions/%s/question.md", q->qid), q->page);
		if (rc == 0)
			rc = link_add(m, wol_strfmt("questions/%s", q->qid), q->page);
	}
	for (size_t i = 0; rc == 0 && i < m->nmembers; i++)
		rc = link_add(m, wol_strfmt("members/%s.md", m->members[i].handle), m->members[i].page);
	if (rc == 0 && m->nlinks > 1)
		qsort(m->links, m->nlinks, sizeof *m->links, cmp_link);
	/* a question about a note links to it when the note is exported */
	for (size_t i = 0; rc == 0 && i < m->nquestions; i++) {
		ex_question *q = &m->questions[i];
		if (!q->about)
			continue;
		const char *page = ex_page_of(m, q->about);
		char *p = page && strncmp(page, "notes/", 6) == 0 ? dup(page) : NULL;
		free(q->about);
		q->about = p;
	}
	return rc;
}

/* -------------------------------------------------------------- collect */

int ex_collect(wol_circle *c, const wol_export_opts *opts, ex_model *m, wol_error *err)
{
	memset(m, 0, sizeof *m);
	wol_date today = wol_circle__today(c);
	const char *dates[2] = {opts->from, opts->to};
	char *slots[2] = {m->from, m->to};
	for (int i = 0; i < 2; i++) {
		if (!dates[i] || !*dates[i])
			continue;
		wol_date d;
		wol_error derr;
		if (wol_date_parse(dates[i], today, &d, &derr) != 0)
			return wol_error_set(err, WOL_EINVAL, "export: --%s: %s", i ? "to" : "from",
			                     wol_error_text(&derr));
		wol_date_format(d, slots[i]);
	}
	if (m->from[0] && m->to[0] && strcmp(m->from, m->to) > 0)
		return wol_error_set(err, WOL_EINVAL, "export: --from %s is after --to %s", m->from,
		                     m->to);
	m->all = opts->all;
	m->circle = dup(wol_circle_name(c));
	m->me = dup(wol_circle_handle(c));
	wol_circle_info info;
	if (wol_circle_info_get(c, &info, NULL) == 0) {
		m->name = dup(info.name);
		wol_circle_info_free(&info);
	}
	if (!m->name)
		m->name = dup(wol_circle_name(c));
	wol_strv who = {0}, seen = {0};
	int rc = 0;
	if (!m->circle || !m->me || !m->name || wol_strv_add(&who, dup(m->me)))
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
	for (size_t i = 0; rc == 0 && i < opts->ninclude; i++) {
		const char *h = opts->include[i];
		if ((rc = wol_name_check(h, "export: --include", err)) != 0)
			break;
		if (!wol_strv_contains(&who, h) && wol_strv_add(&who, dup(h)))
			rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	wol_member *mv = NULL;
	size_t nmv = 0;
	if (rc == 0)
		rc = wol_circle_members(c, &mv, &nmv, err);
	for (size_t i = 0; rc == 0 && i < nmv; i++)
		if (wol_strv_add(&seen, dup(mv[i].handle)))
			rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
	/* members first: answers to questions that are not exported go to them */
	for (size_t i = 0; rc == 0 && i < who.n; i++)
		if (add_member(c, m, who.v[i], mv, nmv))
			rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
	if (rc == 0)
		rc = collect_notes(c, m, &who, &seen, err);
	if (rc == 0)
		rc = collect_questions(c, m, &who, &seen, err);
	if (rc == 0)
		rc = collect_feedback(c, m, &seen, err);
	/* the consent rule: --all names everyone; an include names a member */
	if (rc == 0) {
		wol_buf missing;
		wol_buf_init(&missing);
		for (size_t i = 0; i < seen.n; i++)
			if (!wol_strv_contains(&who, seen.v[i]))
				wol_buf_printf(&missing, "%s%s", missing.len ? "," : "", seen.v[i]);
		if (m->all && missing.len)
			rc = wol_error_set(err, WOL_EREFUSED,
			                   "export: --all exports every member's words: add --include %s "
			                   "(each member's consent), or export --mine",
			                   missing.ptr);
		wol_buf_free(&missing);
		for (size_t i = 1; rc == 0 && i < who.n; i++)
			if (!wol_strv_contains(&seen, who.v[i]))
				rc = wol_error_set(err, WOL_ENOTFOUND,
				                   "export: --include %s: no such member in circle %s",
				                   who.v[i], m->circle);
	}
	wol_members_free(mv, nmv);
	wol_strv_clear(&who);
	wol_strv_clear(&seen);
	if (rc == 0) {
		if (m->nmembers > 1)
			qsort(m->members, m->nmembers, sizeof *m->members, cmp_member);
		if (m->nquestions > 1)
			qsort(m->questions, m->nquestions, sizeof *m->questions, cmp_question);
		for (size_t i = 0; i < m->nnotes; i++)
			m->nfeedback += m->notes[i].nfeedback;
		if (build_links(m))
			rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	if (rc == 0 && m->warnings.oom)
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
	if (rc)
		ex_model_free(m);
	return rc;
}
