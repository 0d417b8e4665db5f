/* question/news.c - what is new since the member last looked: questions
 * asked by others and answers to the member's own questions */
#include "question/question_int.h"

#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *mark_path(wol_circle *c)
{
	return wol_strfmt("%s/.git/wol-questions-seen", wol_circle_path(c));
}

static int head_oid(wol_circle *c, git_oid *oid)
{
	int rc = git_reference_name_to_id(oid, wol_circle_repo(c), "HEAD");
	git_error_clear();
	return rc;
}

static void write_mark(wol_circle *c, const git_oid *oid)
{
	char *p = mark_path(c);
	char hex[GIT_OID_HEXSZ + 2];
	git_oid_tostr(hex, GIT_OID_HEXSZ + 1, oid);
	strcat(hex, "\n");
	if (p)
		wol_fs_write_atomic(p, hex, strlen(hex), 0644, NULL);
	free(p);
}

/* Before our own first write: the mark starts at what we have seen. */
void wol_question__init_mark(wol_circle *c)
{
	char *p = mark_path(c);
	git_oid oid;
	if (p && !wol_fs_exists(p) && head_oid(c, &oid) == 0)
		write_mark(c, &oid);
	free(p);
}

void wol_qnews_free(wol_qnews *n)
{
	if (!n)
		return;
	wol_strv_free(n->questions, n->nquestions);
	wol_strv_free(n->answers, n->nanswers);
	memset(n, 0, sizeof *n);
}

/* The author in a record's front matter, read from the work tree. */
static char *author_of(wol_circle *c, const char *rel)
{
	char *text = NULL;
	size_t len;
	char *out = NULL;
	if (wol_circle__read(c, rel, Q_READ_MAX, &text, &len, NULL) == 0) {
		wol_doc doc;
		if (wol_doc_parse(text, len, rel, &doc, NULL) == 0) {
			out = wol_strdup(wol_yaml_str(doc.meta, "author"));
			wol_doc_free(&doc);
		}
		free(text);
	}
	return out;
}

int wol_question_news(wol_circle *c, int update, wol_qnews *out, wol_error *err)
{
	memset(out, 0, sizeof *out);
	git_repository *repo = wol_circle_repo(c);
	git_oid head, seen;
	if (head_oid(c, &head) != 0)
		return 0; /* nothing committed yet */
	char *p = mark_path(c);
	char *text = NULL;
	size_t len = 0;
	int have = p && wol_fs_read(p, 256, 1, &text, &len, NULL) == 0 && len >= GIT_OID_HEXSZ &&
	           git_oid_fromstrn(&seen, text, GIT_OID_HEXSZ) == 0;
	free(text);
	free(p);
	git_commit *a = NULL, *b = NULL;
	git_tree *ta = NULL, *tb = NULL;
	git_diff *diff = NULL;
	if (!have || git_commit_lookup(&a, repo, &seen) != 0) {
		git_error_clear();
		write_mark(c, &head); /* first call (or a lost mark): start here */
		return 0;
	}
	wol_strv qs = {0}, as = {0};
	int rc = 0;
	const char *me = wol_circle_handle(c);
	char *spec[1] = {"questions/"};
	git_diff_options o;
	git_diff_options_init(&o, GIT_DIFF_OPTIONS_VERSION);
	o.pathspec.strings = spec;
	o.pathspec.count = 1;
	int grc = git_commit_lookup(&b, repo, &head);
	if (grc == 0)
		grc = git_commit_tree(&ta, a);
	if (grc == 0)
		grc = git_commit_tree(&tb, b);
	if (grc == 0)
		grc = git_diff_tree_to_tree(&diff, repo, ta, tb, &o);
	if (grc < 0) {
		rc = wol_error_git(err, grc, "questions: news");
		goto out;
	}
	size_t nd = git_diff_num_deltas(diff);
	for (size_t i = 0; i < nd; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		if (d->status != GIT_DELTA_ADDED)
			continue;
		const char *path = d->new_file.path;
		char qid[128], aid[128];
		int m1 = 0;
		if (sscanf(path, "questions/%127[^/]/question.m%n", qid, &m1) == 1 && m1 > 0 &&
		    strcmp(path + m1, "d") == 0) {
			char *who = author_of(c, path);
			if (who && strcmp(who, me) != 0)
				wol_strv_add(&qs, wol_strfmt("%s", qid));
			free(who);
		} else if (sscanf(path, "questions/%127[^/]/answers/%127[^/]", qid, aid) == 2) {
			size_t al = strlen(aid);
			if (al < 4 || strcmp(aid + al - 3, ".md") != 0)
				continue;
			aid[al - 3] = '\0';
			char *qrel = wol_strfmt("questions/%s/question.md", qid);
			char *asker = qrel ? author_of(c, qrel) : NULL;
			char *who = author_of(c, path);
			if (asker && who && strcmp(asker, me) == 0 && strcmp(who, me) != 0)
				wol_strv_add(&as, wol_strfmt("%s/%s", qid, aid));
			free(qrel);
			free(asker);
			free(who);
		}
	}
	if (qs.oom || as.oom) {
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		goto out;
	}
	if (update)
		write_mark(c, &head);
out:
	git_diff_free(diff);
	git_tree_free(ta);
	git_tree_free(tb);
	git_commit_free(a);
	git_commit_free(b);
	if (rc) {
		wol_strv_free(qs.v, qs.n);
		wol_strv_free(as.v, as.n);
		return rc;
	}
	out->questions = qs.v;
	out->nquestions = qs.n;
	out->answers = as.v;
	out->nanswers = as.n;
	return 0;
}
