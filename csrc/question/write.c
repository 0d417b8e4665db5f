/* question/write.c - asking, answering and events: each record written once,
 * by its author, and committed with wol_circle_commit; nothing is ever
 * rewritten, so merges only add paths */
#include "question/question_int.h"

#include <dirent.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

void wol_qwrite_free(wol_qwrite *w)
{
	if (!w)
		return;
	free(w->qid);
	free(w->id);
	free(w->path);
	free(w->title);
	memset(w, 0, sizeof *w);
}

void wol_question__now_utc(char *buf, size_t size)
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* 1 + the highest lamport of every question.md in the circle and of the
 * records of `l` (when given). */
static long long next_lamport(wol_circle *c, const wol_qloaded *l)
{
	long long max = 0;
	char *dir = wol_strfmt("%s/questions", wol_circle_path(c));
	struct stat st;
	DIR *d = dir && lstat(dir, &st) == 0 && S_ISDIR(st.st_mode) ? opendir(dir) : NULL;
	free(dir);
	struct dirent *de;
	while (d && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || !wol_id_valid(de->d_name, strlen(de->d_name)))
			continue;
		char *rel = wol_strfmt("questions/%s/question.md", de->d_name);
		char *text = NULL;
		size_t len;
		if (rel && wol_circle__read(c, rel, Q_READ_MAX, &text, &len, NULL) == 0) {
			wol_doc doc;
			if (wol_doc_parse(text, len, rel, &doc, NULL) == 0) {
				long long v = wol_question__parse_lamport(wol_yaml_str(doc.meta, "lamport"));
				if (v > max)
					max = v;
				wol_doc_free(&doc);
			}
			free(text);
		}
		free(rel);
	}
	if (d)
		closedir(d);
	if (l) {
		if (l->q.lamport > max)
			max = l->q.lamport;
		for (size_t i = 0; i < l->n; i++)
			if (l->rec[i].lamport > max)
				max = l->rec[i].lamport;
	}
	return max + 1;
}

int wol_question__check_text(const char *what, const char *text, int required, int force,
                             wol_error *err)
{
	if (required && wol_question__blank(text))
		return wol_error_set(err, WOL_EINVAL, "%s: the text is empty; nothing was committed",
		                     what);
	if (!text)
		return 0;
	wol_error e;
	if (wol_share_check(text, strlen(text), WOL_SHARE_MAX, force, &e) != 0)
		return wol_error_set(err, e.code, "%s: %s", what, wol_error_text(&e));
	return 0;
}

/* Renders a record: front matter (in this order) and body. */
char *wol_question__render_record(const char *const *kv, size_t nkv, const char *body,
                                  size_t *len, wol_error *err)
{
	wol_doc doc = {0};
	doc.meta = wol_yaml_new(WOL_YAML_MAP, NULL);
	int bad = !doc.meta;
	for (size_t i = 0; !bad && i + 1 < nkv; i += 2)
		if (kv[i + 1])
			bad = wol_yaml_set_str(doc.meta, kv[i], kv[i + 1]);
	wol_buf b;
	wol_buf_init(&b);
	wol_buf_puts(&b, "\n");
	if (body && !wol_question__blank(body)) {
		char *t = wol_question__trim_body(body);
		if (t)
			wol_buf_printf(&b, "%s\n", t);
		else
			b.oom = 1;
		free(t);
	}
	if (bad || b.oom) {
		wol_yaml_free(doc.meta);
		wol_buf_free(&b);
		wol_error_set(err, WOL_ENOMEM, "out of memory");
		return NULL;
	}
	doc.body = wol_buf_detach(&b);
	char *out = NULL;
	if (wol_doc_render(&doc, &out, len, err) != 0)
		out = NULL;
	wol_doc_free(&doc);
	return out;
}

static int commit_record(wol_circle *c, const char *rel, const char *data, size_t len,
                         const char *verb, const char *subject, const char *kind,
                         const char *qid, const char *id, wol_qwrite *w, wol_error *err)
{
	char *msg = wol_strfmt("%s(%s): %s\n\nWol-Kind: %s\nWol-Id: %s\nWol-Question: %s\n", verb,
	                       wol_circle_handle(c), subject, kind, id, qid);
	if (!msg)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	wol_commit_file f = {rel, data, len};
	int rc = wol_circle_commit(c, &f, 1, msg, 0, w->commit, err);
	free(msg);
	if (rc)
		return rc;
	w->qid = wol_strdup(qid);
	w->id = wol_strdup(id);
	w->path = wol_strdup(rel);
	wol_circle__pending(c, &w->has_remote, &w->ahead);
	if (!w->qid || !w->id || !w->path)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	return 0;
}

int wol_question_ask(wol_circle *c, const char *title, const char *body, const char *about,
                     int force, wol_qwrite *out, wol_error *err)
{
	memset(out, 0, sizeof *out);
	char *t = NULL;
	int rc = wol_title_check("ask", title, Q_TITLE_MAX, &t, err);
	if (!rc)
		rc = wol_question__check_text("ask", t, 1, force, err);
	if (!rc)
		rc = wol_question__check_text("ask", body, 0, force, err);
	if (rc) {
		free(t);
		return rc;
	}
	if (about && *about) {
		wol_error pe;
		if ((rc = wol_path_check(about, &pe))) {
			free(t);
			return wol_error_set(err, rc, "ask: about: %s; nothing was committed",
			                     wol_error_text(&pe));
		}
		char *abs = wol_strfmt("%s/%s", wol_circle_path(c), about);
		struct stat st;
		int ok = abs && lstat(abs, &st) == 0 && S_ISREG(st.st_mode);
		free(abs);
		if (!ok) {
			free(t);
			return wol_error_set(err, WOL_ENOTFOUND,
			                     "ask: about: %s is not a file in the circle (share the note "
			                     "first); nothing was committed",
			                     about);
		}
	}
	char qid[WOL_ID_MAX], created[32], lam[32];
	if ((rc = wol_id_new(wol_circle_handle(c), qid, sizeof qid, err))) {
		free(t);
		return rc;
	}
	wol_question__now_utc(created, sizeof created);
	snprintf(lam, sizeof lam, "%lld", next_lamport(c, NULL));
	char *rel = wol_strfmt("questions/%s/question.md", qid);
	char *dir = wol_strfmt("%s/questions/%s", wol_circle_path(c), qid);
	if (!t || !rel || !dir) {
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
	} else if (wol_fs_exists(dir)) {
		rc = wol_error_set(err, WOL_EEXISTS, "ask: questions/%s exists already; try again", qid);
	} else {
		const char *kv[] = {"title", t,       "author", wol_circle_handle(c),
		                    "created", created, "lamport", lam,
		                    "id", qid,          "about", about && *about ? about : NULL};
		size_t len = 0;
		char *data = wol_question__render_record(kv, sizeof kv / sizeof kv[0], body, &len, err);
		if (!data) {
			rc = err ? err->code : WOL_ENOMEM;
		} else {
			wol_question__init_mark(c);
			rc = commit_record(c, rel, data, len, "ask", t, "question", qid, qid, out, err);
			if (!rc && !(out->title = wol_strdup(t)))
				rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		}
		free(data);
	}
	free(t);
	free(rel);
	free(dir);
	if (rc)
		wol_qwrite_free(out);
	return rc;
}

/* Loads the question `ref` names (for writes). */
static int load_ref(wol_circle *c, const char *ref, const char *what, wol_qloaded *l,
                    wol_question *q, wol_error *err)
{
	char *qid = NULL;
	int rc = wol_question_find(c, ref, &qid, err);
	wol_strv warn = {0};
	if (rc == 0) {
		rc = wol_question__load(wol_circle_path(c), qid, l, &warn, err);
		free(qid);
	}
	if (rc == 0) {
		memset(q, 0, sizeof *q);
		if (wol_question__replay(l, q, &warn) != 0 || wol_question__summarize(c, l, q) != 0) {
			wol_question_free(q);
			wol_question__loaded_free(l);
			rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		}
	} else if (err && err->code != WOL_ENOMEM) {
		rc = wol_error_set(err, rc, "%s: %s", what, wol_error_text(err));
	}
	wol_strv_free(warn.v, warn.n);
	return rc;
}

int wol_question_answer(wol_circle *c, const char *ref, const char *body, int force,
                        wol_qwrite *out, wol_error *err)
{
	memset(out, 0, sizeof *out);
	int rc = wol_question__check_text("answer", body, 1, force, err);
	if (rc)
		return rc;
	wol_qloaded l;
	wol_question q;
	if ((rc = load_ref(c, ref, "answer", &l, &q, err)))
		return rc;
	if (strcmp(q.state, "retracted") == 0) {
		rc = wol_error_set(err, WOL_EREFUSED,
		                   "answer: %s asked '%s' and then retracted it; nothing was committed",
		                   q.author, q.title);
	} else {
		char aid[WOL_ID_MAX], created[32], lam[32];
		rc = wol_id_new(wol_circle_handle(c), aid, sizeof aid, err);
		wol_question__now_utc(created, sizeof created);
		snprintf(lam, sizeof lam, "%lld", next_lamport(c, &l));
		char *rel = rc ? NULL : wol_strfmt("questions/%s/answers/%s.md", q.id, aid);
		char *subject = rc ? NULL : wol_strfmt("Re: %s", q.title);
		if (!rc && (!rel || !subject)) {
			rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		} else if (!rc) {
			const char *kv[] = {"author", wol_circle_handle(c), "created", created, "lamport", lam,
			                    "id", aid, "question", q.id};
			size_t len = 0;
			char *data = wol_question__render_record(kv, sizeof kv / sizeof kv[0], body, &len, err);
			rc = data ? commit_record(c, rel, data, len, "answer", subject, "answer", q.id, aid,
			                          out, err)
			          : (err ? err->code : WOL_ENOMEM);
			if (!rc && !(out->title = wol_strdup(q.title)))
				rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
			free(data);
		}
		free(rel);
		free(subject);
	}
	wol_question_free(&q);
	wol_question__loaded_free(&l);
	if (rc)
		wol_qwrite_free(out);
	return rc;
}

/* The answer `ref` names (exact, unique prefix or suffix of its id). */
static int find_answer(wol_qloaded *l, const char *ref, wol_qrecord **out, wol_error *err)
{
	*out = NULL;
	char **ids = calloc(l->n + 1, sizeof *ids);
	size_t *idx = calloc(l->n + 1, sizeof *idx);
	size_t n = 0;
	if (!ids || !idx) {
		free(ids);
		free(idx);
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->rec[i].kind, "answer") == 0) {
			idx[n] = i;
			ids[n++] = l->rec[i].id;
		}
	wol_buf cands;
	wol_buf_init(&cands);
	long k = wol_question__match_ref(ids, n, ref, &cands);
	int rc = 0;
	if (k >= 0)
		*out = &l->rec[idx[k]];
	else if (k == -2)
		rc = wol_error_set(err, WOL_EINVAL, "answer '%s' is ambiguous: it matches %s", ref,
		                   cands.ptr ? cands.ptr : "several");
	else
		rc = wol_error_set(err, WOL_ENOTFOUND, "answer '%s': no such answer to this question",
		                   ref);
	wol_buf_free(&cands);
	free(ids);
	free(idx);
	return rc;
}

int wol_question_event(wol_circle *c, const char *ref, const char *kind, const char *target,
                       const char *body, int force, wol_qwrite *out, wol_error *err)
{
	memset(out, 0, sizeof *out);
	static const char *const kinds[] = {"resolve", "reopen", "retract", "edit", "thanks"};
	int known = 0;
	for (size_t i = 0; kind && i < sizeof kinds / sizeof kinds[0]; i++)
		known |= strcmp(kind, kinds[i]) == 0;
	if (!known)
		return wol_error_set(err, WOL_EINVAL,
		                     "question: '%s' is not an event (resolve, reopen, retract, edit, "
		                     "thanks)",
		                     kind ? kind : "");
	int rc = wol_question__check_text(kind, body, strcmp(kind, "edit") == 0, force, err);
	if (rc)
		return rc;
	wol_qloaded l;
	wol_question q;
	if ((rc = load_ref(c, ref, kind, &l, &q, err)))
		return rc;
	const char *me = wol_circle_handle(c);
	wol_qrecord *t = NULL;
	if (target && *target && (rc = find_answer(&l, target, &t, err)) != 0) {
		rc = wol_error_set(err, rc, "%s: %s", kind, err ? wol_error_text(err) : "");
	} else if (strcmp(kind, "thanks") == 0 && !t) {
		rc = wol_error_set(err, WOL_EINVAL, "thanks: name the answer to thank");
	}
	wol_qrecord *subj = t ? t : &l.q;
	if (rc) {
		/* reported above */
	} else if ((strcmp(kind, "resolve") == 0 || strcmp(kind, "reopen") == 0) &&
	           strcmp(q.author, me) != 0) {
		rc = wol_error_set(err, WOL_EREFUSED,
		                   "%s: only the asker (%s) can %s '%s'; nothing was committed", kind,
		                   q.author, kind, q.title);
	} else if (strcmp(q.state, "retracted") == 0) {
		rc = wol_error_set(err, WOL_EREFUSED, "%s: '%s' was retracted; nothing was committed",
		                   kind, q.title);
	} else if (strcmp(kind, "resolve") == 0 && strcmp(q.state, "resolved") == 0) {
		rc = wol_error_set(err, WOL_EINVAL, "resolve: '%s' is resolved already", q.title);
	} else if (strcmp(kind, "reopen") == 0 && strcmp(q.state, "open") == 0) {
		rc = wol_error_set(err, WOL_EINVAL, "reopen: '%s' is open", q.title);
	} else if ((strcmp(kind, "retract") == 0 || strcmp(kind, "edit") == 0) &&
	           strcmp(subj->author, me) != 0) {
		rc = wol_error_set(err, WOL_EREFUSED,
		                   "%s: only %s can %s %s; nothing was committed", kind, subj->author,
		                   kind, t ? "that answer" : "the question");
	} else if (t && t->retracted) {
		rc = wol_error_set(err, WOL_EREFUSED, "%s: that answer was retracted", kind);
	} else if (strcmp(kind, "thanks") == 0 && strcmp(t->author, me) == 0) {
		rc = wol_error_set(err, WOL_EREFUSED, "thanks: that answer is your own");
	}
	if (!rc) {
		char eid[WOL_ID_MAX], created[32], lam[32];
		rc = wol_id_new(me, eid, sizeof eid, err);
		wol_question__now_utc(created, sizeof created);
		snprintf(lam, sizeof lam, "%lld", next_lamport(c, &l));
		char *rel = rc ? NULL : wol_strfmt("questions/%s/events/%s.md", q.id, eid);
		char *subject = rc ? NULL
		                   : t ? wol_strfmt("Re: %s (answer by %s)", q.title, t->author)
		                       : wol_strfmt("%s", q.title);
		if (!rc && (!rel || !subject)) {
			rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		} else if (!rc) {
			const char *kv[] = {"kind", kind,       "author", me,      "created", created,
			                    "lamport", lam,     "id", eid,         "question", q.id,
			                    "target", t ? t->id : NULL};
			size_t len = 0;
			char *data = wol_question__render_record(kv, sizeof kv / sizeof kv[0], body, &len, err);
			rc = data ? commit_record(c, rel, data, len, kind, subject, kind, q.id, eid, out,
			                          err)
			          : (err ? err->code : WOL_ENOMEM);
			if (!rc && !(out->title = wol_strdup(q.title)))
				rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
			free(data);
		}
		free(rel);
		free(subject);
	}
	wol_question_free(&q);
	wol_question__loaded_free(&l);
	if (rc)
		wol_qwrite_free(out);
	return rc;
}
