/* question/record.c - the records of a question on disk: reading and checking
 * question.md, answers/<id>.md and events/<id>.md, and loading them in replay
 * order (lamport, id). A record that cannot be read is skipped with a warning
 * naming its file. */
#include "question/question_int.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Parses a positive decimal lamport clock; -1 when it is not one. */
long long wol_question__parse_lamport(const char *s)
{
	if (!s || !*s)
		return -1;
	long long v = 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9' || v > 1000000000000000LL)
			return -1;
		v = v * 10 + (*p - '0');
	}
	return v > 0 ? v : -1;
}

/* The body without the blank line that follows the front matter and
 * without trailing blank lines. */
char *wol_question__trim_body(const char *b)
{
	if (!b)
		return wol_strfmt("%s", "");
	while (*b == '\n' || *b == '\r')
		b++;
	size_t n = strlen(b);
	while (n > 0 && (b[n - 1] == '\n' || b[n - 1] == '\r' || b[n - 1] == ' ' || b[n - 1] == '\t'))
		n--;
	return wol_strndup(b, n);
}

int wol_question__blank(const char *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return 0;
	return 1;
}

void wol_question__record_free(wol_qrecord *r)
{
	free(r->kind);
	free(r->id);
	free(r->path);
	free(r->author);
	free(r->created);
	free(r->target);
	free(r->text);
	free(r->current);
	free(r->committer);
	free(r->note);
	free(r->outside);
	wol_yaml_free(r->meta);
	memset(r, 0, sizeof *r);
}

int wol_question__cmp_record(const void *a, const void *b)
{
	const wol_qrecord *x = a, *y = b;
	if (x->lamport != y->lamport)
		return x->lamport < y->lamport ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* Reads and checks one record (question_int.h). */
int wol_question__read_record(const char *root, const char *rel, const char *id, const char *what,
                              wol_qrecord *r, wol_error *bad)
{
	memset(r, 0, sizeof *r);
	char *text = NULL;
	size_t len = 0;
	if (wol_circle__read_at(root, rel, Q_READ_MAX, &text, &len, bad) != 0)
		return bad->code == WOL_ENOMEM ? WOL_ENOMEM : -1;
	int rc = wol_question__parse_record(text, len, rel, id, what, r, bad);
	free(text);
	return rc;
}

/* The same from the text of a record (a file, or a blob of the history). */
int wol_question__parse_record(const char *text, size_t len, const char *rel, const char *id,
                        const char *what, wol_qrecord *r, wol_error *bad)
{
	memset(r, 0, sizeof *r);
	wol_doc doc;
	if (!wol_utf8_valid(text, len)) {
		wol_error_set(bad, WOL_EINVAL, "%s: not valid UTF-8 text", rel);
		return -1;
	}
	if (wol_doc_parse(text, len, rel, &doc, bad) != 0) /* names the file and line */
		return bad->code == WOL_ENOMEM ? WOL_ENOMEM : -1;
	const char *author = wol_yaml_str(doc.meta, "author");
	const char *lam = wol_yaml_str(doc.meta, "lamport");
	const char *kind = strcmp(what, "question") == 0 || strcmp(what, "answer") == 0
	                       ? what
	                       : wol_yaml_str(doc.meta, "kind");
	const char *problem = NULL;
	if (!author || !wol_name_valid(author))
		problem = "no valid author";
	else if (wol_question__parse_lamport(lam) < 0)
		problem = "no valid lamport (a positive whole number)";
	else if (!kind || !*kind)
		problem = "no kind";
	else if (strcmp(what, "question") == 0 &&
	         (!wol_yaml_str(doc.meta, "title") ||
	          wol_question__blank(wol_yaml_str(doc.meta, "title"))))
		problem = "no title";
	if (problem) {
		wol_doc_free(&doc);
		wol_error_set(bad, WOL_EINVAL, "%s: %s", rel, problem);
		return -1;
	}
	const char *target = wol_yaml_str(doc.meta, "target");
	const char *created = wol_yaml_str(doc.meta, "created");
	r->kind = wol_strdup(kind);
	r->id = wol_strdup(id);
	r->path = wol_strdup(rel);
	r->author = wol_strdup(author);
	r->created = wol_strdup(created);
	r->lamport = wol_question__parse_lamport(lam);
	r->target = target && *target ? wol_strdup(target) : NULL;
	r->text = wol_question__trim_body(doc.body);
	r->current = wol_strdup(r->text);
	r->meta = doc.meta;
	doc.meta = NULL;
	wol_doc_free(&doc);
	if (!r->kind || !r->id || !r->path || !r->author || !r->text || !r->current ||
	    (created && !r->created) || (target && *target && !r->target)) {
		wol_question__record_free(r);
		return WOL_ENOMEM;
	}
	return 0;
}

/* Sorted file stems of the <id>.md files in dir (question_int.h). */
int wol_question__list_records(const char *root, const char *rel, char ***out, size_t *n,
                               wol_strv *warn)
{
	*out = NULL;
	*n = 0;
	char *dir = wol_strfmt("%s/%s", root, rel);
	if (!dir)
		return WOL_ENOMEM;
	struct stat st;
	if (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		free(dir);
		return 0;
	}
	DIR *d = opendir(dir);
	free(dir);
	if (!d)
		return 0;
	wol_strv s = {0};
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		size_t l = strlen(de->d_name);
		if (l > 3 && strcmp(de->d_name + l - 3, ".md") == 0 && wol_id_valid(de->d_name, l - 3))
			wol_strv_add(&s, wol_strndup(de->d_name, l - 3));
		else if (warn)
			wol_strv_add(warn, wol_strfmt("wol: %s/%s: not a record name (<id>.md); skipped", rel,
			                          de->d_name));
	}
	closedir(d);
	if (s.oom) {
		wol_strv_free(s.v, s.n);
		return WOL_ENOMEM;
	}
	wol_strv_sort(&s);
	*out = s.v;
	*n = s.n;
	return 0;
}

void wol_question__loaded_free(wol_qloaded *l)
{
	wol_question__record_free(&l->q);
	for (size_t i = 0; i < l->n; i++)
		wol_question__record_free(&l->rec[i]);
	free(l->rec);
	memset(l, 0, sizeof *l);
}

/* Reads a question and its records. A malformed question.md fails with
 * WOL_EINVAL naming it; malformed answers and events become warnings. */
int wol_question__load(const char *root, const char *qid, wol_qloaded *l, wol_strv *warn,
                       wol_error *err)
{
	memset(l, 0, sizeof *l);
	char *rel = wol_strfmt("questions/%s/question.md", qid);
	if (!rel)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	wol_error bad;
	int rc = wol_question__read_record(root, rel, qid, "question", &l->q, &bad);
	if (rc != 0) {
		if (rc == -1) /* a malformed question: bad input, whatever the cause */
			rc = wol_error_set(err, WOL_EINVAL, "%s", wol_error_text(&bad));
		else
			rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		free(rel);
		return rc;
	}
	free(rel);
	static const char *const sub[2] = {"answers", "events"};
	static const char *const what[2] = {"answer", "event"};
	for (int k = 0; k < 2 && rc == 0; k++) {
		char *dir = wol_strfmt("questions/%s/%s", qid, sub[k]);
		char **ids = NULL;
		size_t nids = 0;
		rc = dir ? wol_question__list_records(root, dir, &ids, &nids, warn) : WOL_ENOMEM;
		if (rc == 0 && nids) {
			wol_qrecord *nr = realloc(l->rec, (l->n + nids) * sizeof *nr);
			if (!nr)
				rc = WOL_ENOMEM;
			else
				l->rec = nr;
		}
		for (size_t i = 0; rc == 0 && i < nids; i++) {
			char *path = wol_strfmt("%s/%s.md", dir, ids[i]);
			if (!path) {
				rc = WOL_ENOMEM;
				break;
			}
			int r = wol_question__read_record(root, path, ids[i], what[k], &l->rec[l->n], &bad);
			if (r == 0)
				l->n++;
			else if (r == -1)
				wol_strv_add(warn, wol_strfmt("%s (%s skipped)", bad.msg, what[k]));
			else
				rc = r;
			free(path);
		}
		wol_strv_free(ids, nids);
		free(dir);
	}
	if (rc) {
		wol_question__loaded_free(l);
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	if (l->n > 1)
		qsort(l->rec, l->n, sizeof *l->rec, wol_question__cmp_record);
	return 0;
}
