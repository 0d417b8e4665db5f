/* question/list.c - listing a circle's questions from the files, and finding
 * the one a reference names (exact id, else a unique prefix or suffix) */
#include "question/question_int.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int state_rank(const char *s)
{
	return strcmp(s, "open") == 0 ? 0 : strcmp(s, "resolved") == 0 ? 1 : 2;
}

static int cmp_question(const void *a, const void *b)
{
	const wol_question *x = a, *y = b;
	int rx = state_rank(x->state), ry = state_rank(y->state);
	if (rx != ry)
		return rx - ry;
	return -strcmp(x->id, y->id); /* ids start with UTC time: newest first */
}

int wol_question__check_state(const char *state, wol_error *err)
{
	if (state && *state && strcmp(state, "all") != 0 && strcmp(state, "open") != 0 &&
	    strcmp(state, "resolved") != 0 && strcmp(state, "retracted") != 0)
		return wol_error_set(err, WOL_EINVAL,
		                     "questions: state '%s' is not one of open, resolved, retracted, all",
		                     state);
	return 0;
}

int wol_question_state_check(const char *state, wol_error *err)
{
	return wol_question__check_state(state, err);
}

int wol_question__bad_dirs(const char *root, char ***qids, size_t *nq, char ***bad, size_t *nbad)
{
	char *dir = wol_strfmt("%s/questions", root);
	if (!dir)
		return WOL_ENOMEM;
	struct stat st;
	DIR *d = lstat(dir, &st) == 0 && S_ISDIR(st.st_mode) ? opendir(dir) : NULL;
	free(dir);
	wol_strv s = {0}, warn = {0};
	struct dirent *de;
	while (d && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (wol_id_valid(de->d_name, strlen(de->d_name))) {
			if (qids)
				wol_strv_add(&s, wol_strfmt("%s", de->d_name));
		} else {
			wol_strv_add(&warn, wol_strfmt("wol: questions/%s: not a question id; skipped", de->d_name));
		}
	}
	if (d)
		closedir(d);
	wol_strv_sort(&s);
	wol_strv_sort(&warn);
	if (s.oom || warn.oom) {
		wol_strv_free(s.v, s.n);
		wol_strv_free(warn.v, warn.n);
		return WOL_ENOMEM;
	}
	if (qids) {
		*qids = s.v;
		*nq = s.n;
	}
	*bad = warn.v;
	*nbad = warn.n;
	return 0;
}

void wol_question__sort(wol_question *items, size_t n)
{
	if (n > 1)
		qsort(items, n, sizeof *items, cmp_question);
}

int wol_question__list_files(wol_circle *c, const char *state, const char *author,
                             wol_questions *out, wol_error *err)
{
	memset(out, 0, sizeof *out);
	if (wol_question__check_state(state, err))
		return err->code;
	if (state && (!*state || strcmp(state, "all") == 0))
		state = NULL;
	wol_strv warn = {0};
	char **qids = NULL;
	size_t nq = 0;
	/* the question directories, sorted, so warnings come in a stable order */
	if (wol_question__bad_dirs(wol_circle_path(c), &qids, &nq, &warn.v, &warn.n))
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	warn.cap = warn.n;
	wol_question *items = nq ? calloc(nq, sizeof *items) : NULL;
	size_t n = 0;
	if (nq && !items)
		warn.oom = 1;
	for (size_t i = 0; i < nq && !warn.oom; i++) {
		wol_question *q = &items[n];
		wol_error e;
		if (wol_question__summary(wol_circle_path(c), qids[i], q, &e) != 0) {
			warn.oom = 1;
			break;
		}
		for (size_t k = 0; k < q->nwarnings; k++)
			wol_strv_add(&warn, q->warnings[k]);
		free(q->warnings);
		q->warnings = NULL;
		q->nwarnings = 0;
		if (!q->state || (state && strcmp(q->state, state) != 0) ||
		    (author && strcmp(q->author, author) != 0)) {
			wol_question_free(q);
		} else {
			q->mine = strcmp(q->author, wol_circle_handle(c)) == 0;
			n++;
		}
	}
	wol_strv_free(qids, nq);
	if (warn.oom) {
		for (size_t i = 0; i < n; i++)
			wol_question_free(&items[i]);
		free(items);
		wol_strv_free(warn.v, warn.n);
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	wol_question__sort(items, n);
	out->items = items;
	out->n = n;
	out->warnings = warn.v;
	out->nwarnings = warn.n;
	return 0;
}

/* Matches ref against names: exact, else unique prefix, else unique
 * suffix. Returns the index, -1 none, -2 ambiguous (cands filled). */
long wol_question__match_ref(char **names, size_t n, const char *ref, wol_buf *cands)
{
	size_t rl = strlen(ref);
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], ref) == 0)
			return (long)i;
	for (int pass = 0; pass < 2; pass++) {
		long found = -1;
		size_t hits = 0;
		for (size_t i = 0; i < n; i++) {
			size_t nl = strlen(names[i]);
			int hit = nl >= rl && (pass == 0 ? strncmp(names[i], ref, rl) == 0
			                                 : strcmp(names[i] + nl - rl, ref) == 0);
			if (!hit)
				continue;
			if (hits < 8)
				wol_buf_printf(cands, "%s%s", hits ? ", " : "", names[i]);
			hits++;
			found = (long)i;
		}
		if (hits == 1)
			return found;
		if (hits > 1) {
			if (hits > 8)
				wol_buf_printf(cands, ", ... (%zu in all)", hits);
			return -2;
		}
		cands->len = 0;
		if (cands->ptr)
			cands->ptr[0] = '\0';
	}
	return -1;
}

int wol_question_find(wol_circle *c, const char *ref, char **qid, wol_error *err)
{
	*qid = NULL;
	if (!ref || !*ref)
		return wol_error_set(err, WOL_EINVAL, "question: no question id given");
	if (!wol_id_valid(ref, strlen(ref)))
		return wol_error_set(err, WOL_ENOTFOUND, "question '%s': no such question", ref);
	char *dir = wol_strfmt("%s/questions", wol_circle_path(c));
	if (!dir)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	struct stat st;
	DIR *d = lstat(dir, &st) == 0 && S_ISDIR(st.st_mode) ? opendir(dir) : NULL;
	free(dir);
	wol_strv s = {0};
	struct dirent *de;
	while (d && (de = readdir(d)) != NULL)
		if (de->d_name[0] != '.' && wol_id_valid(de->d_name, strlen(de->d_name)))
			wol_strv_add(&s, wol_strfmt("%s", de->d_name));
	if (d)
		closedir(d);
	if (s.oom) {
		wol_strv_free(s.v, s.n);
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	for (size_t i = 1; i < s.n; i++)
		for (size_t j = i; j > 0 && strcmp(s.v[j - 1], s.v[j]) > 0; j--) {
			char *t = s.v[j];
			s.v[j] = s.v[j - 1];
			s.v[j - 1] = t;
		}
	wol_buf cands;
	wol_buf_init(&cands);
	long i = wol_question__match_ref(s.v, s.n, ref, &cands);
	int rc = 0;
	if (i >= 0) {
		*qid = wol_strfmt("%s", s.v[i]);
		if (!*qid)
			rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
	} else if (i == -2) {
		rc = wol_error_set(err, WOL_EINVAL,
		                   "question '%s' is ambiguous: it matches %s (give more of the id)", ref,
		                   cands.ptr ? cands.ptr : "several");
	} else {
		rc = wol_error_set(err, WOL_ENOTFOUND,
		                   "question '%s': no such question (see: wol questions --state all)", ref);
	}
	wol_buf_free(&cands);
	wol_strv_free(s.v, s.n);
	return rc;
}
