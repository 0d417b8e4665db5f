/* cli/question.c - `wol ask`, `wol questions`, `wol answer`, `wol resolve`,
 * `wol reopen`, `wol thank`, `wol show` */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* "3m ago" from "YYYY-MM-DDThh:mm:ssZ" (or "" when unreadable). */
static void age_of(const char *created, char *buf, size_t size)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	buf[0] = '\0';
	if (!created || !strptime(created, "%Y-%m-%dT%H:%M:%SZ", &tm))
		return;
	wol_cli_age((long long)timegm(&tm), buf, size);
}

static void print_written(wol_circle *c, const wol_qwrite *w, const char *what)
{
	wol_cli_printf(stdout, "wol: %s %s (%.8s): %s\n", what, w->path, w->commit, w->title);
	if (w->has_remote)
		printf("wol: %zu commit%s waiting to be pushed (wol sync)\n", w->ahead,
		       w->ahead == 1 ? "" : "s");
	else
		printf("wol: circle '%s' has no remote: it stays local\n", wol_circle_name(c));
}

static int written_json(wol_circle *c, const wol_qwrite *w)
{
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "circle", wol_circle_name(c));
	cJSON_AddStringToObject(j, "qid", w->qid);
	cJSON_AddStringToObject(j, "id", w->id);
	cJSON_AddStringToObject(j, "path", w->path);
	cJSON_AddStringToObject(j, "title", w->title);
	cJSON_AddStringToObject(j, "commit", w->commit);
	cJSON_AddBoolToObject(j, "has_remote", w->has_remote);
	cJSON_AddNumberToObject(j, "ahead", (double)w->ahead);
	return wol_cli_json(j);
}

int wol_cli_ask(wol_cli *cli, int argc, char **argv)
{
	wol_cli_opt opts[] = {{"message", 1, 'm', NULL}, {"about", 1, 0, NULL},
	                      {"force", 0, 'f', NULL},   {"json", 0, 0, NULL},
	                      {NULL, 0, 0, NULL}};
	char *pos[argc > 0 ? argc : 1];
	int npos;
	if (wol_cli_parse(cli, argc, argv, opts, pos, &npos))
		return WOL_EXIT_USAGE;
	if (npos == 0)
		return wol_cli_usage(cli, "a TITLE is needed");
	char *title = wol_cli_words(pos, npos);
	wol_circle *c = wol_cli_circle(cli);
	if (!c) {
		free(title);
		return WOL_EXIT_FAIL;
	}
	wol_qwrite w;
	wol_error err;
	int rc = wol_question_ask(c, title ? title : "", opts[0].value, opts[1].value,
	                          opts[2].value != NULL, &w, &err);
	free(title);
	if (rc == 0) {
		if (opts[3].value)
			rc = written_json(c, &w);
		else
			print_written(c, &w, "asked");
		wol_qwrite_free(&w);
	} else {
		rc = wol_cli_fail(cli, &err);
	}
	wol_circle_close(c);
	return rc;
}

static void warn_all(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		wol_cli_printf(stderr, "%s\n", v[i]);
}

static cJSON *record_json(const wol_qrecord *r)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "kind", r->kind);
	cJSON_AddStringToObject(o, "id", r->id);
	cJSON_AddStringToObject(o, "path", r->path);
	cJSON_AddStringToObject(o, "author", r->author);
	if (r->created)
		cJSON_AddStringToObject(o, "created", r->created);
	cJSON_AddNumberToObject(o, "lamport", (double)r->lamport);
	if (r->target)
		cJSON_AddStringToObject(o, "target", r->target);
	cJSON_AddStringToObject(o, "text", r->text);
	cJSON_AddStringToObject(o, "current", r->current);
	cJSON_AddBoolToObject(o, "edited", r->edited);
	cJSON_AddBoolToObject(o, "retracted", r->retracted);
	cJSON_AddNumberToObject(o, "thanks", r->thanks);
	cJSON_AddBoolToObject(o, "ignored", r->ignored);
	cJSON_AddBoolToObject(o, "forged", r->forged);
	if (r->committer)
		cJSON_AddStringToObject(o, "committer", r->committer);
	if (r->note)
		cJSON_AddStringToObject(o, "note", r->note);
	if (r->outside)
		cJSON_AddStringToObject(o, "outside", r->outside);
	cJSON_AddBoolToObject(o, "removed", r->removed);
	return o;
}

static cJSON *question_json(const wol_question *q)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "id", q->id);
	cJSON_AddStringToObject(o, "title", q->title);
	cJSON_AddStringToObject(o, "author", q->author);
	if (q->created)
		cJSON_AddStringToObject(o, "created", q->created);
	if (q->about)
		cJSON_AddStringToObject(o, "about", q->about);
	cJSON_AddStringToObject(o, "state", q->state);
	if (q->helped)
		cJSON_AddStringToObject(o, "helped", q->helped);
	cJSON_AddNumberToObject(o, "answers", (double)q->nanswers);
	cJSON_AddNumberToObject(o, "lamport", (double)q->lamport);
	cJSON_AddNumberToObject(o, "last", (double)q->last);
	cJSON_AddBoolToObject(o, "mine", q->mine);
	if (q->records) {
		cJSON_AddBoolToObject(o, "forged", q->forged);
		cJSON *arr = cJSON_AddArrayToObject(o, "records");
		for (size_t i = 0; i < q->nrecords; i++)
			cJSON_AddItemToArray(arr, record_json(&q->records[i]));
	}
	cJSON *w = cJSON_AddArrayToObject(o, "warnings");
	for (size_t i = 0; i < q->nwarnings; i++)
		cJSON_AddItemToArray(w, cJSON_CreateString(q->warnings[i]));
	return o;
}

/* --new: what arrived since the last look (and move the mark). */
static int print_news(wol_cli *cli, int as_json)
{
	wol_circle *c = wol_cli_circle(cli);
	if (!c)
		return WOL_EXIT_FAIL;
	wol_qnews n;
	wol_error err;
	int rc = wol_question_news(c, 1, &n, &err);
	wol_circle_close(c);
	if (rc)
		return wol_cli_fail(cli, &err);
	if (as_json) {
		cJSON *j = cJSON_CreateObject();
		cJSON *q = cJSON_AddArrayToObject(j, "questions");
		for (size_t i = 0; i < n.nquestions; i++)
			cJSON_AddItemToArray(q, cJSON_CreateString(n.questions[i]));
		cJSON *a = cJSON_AddArrayToObject(j, "answers");
		for (size_t i = 0; i < n.nanswers; i++)
			cJSON_AddItemToArray(a, cJSON_CreateString(n.answers[i]));
		rc = wol_cli_json(j);
	} else {
		for (size_t i = 0; i < n.nquestions; i++)
			wol_cli_printf(stdout, "new question %s\n", n.questions[i]);
		for (size_t i = 0; i < n.nanswers; i++)
			wol_cli_printf(stdout, "new answer to your question %s\n", n.answers[i]);
		if (!n.nquestions && !n.nanswers)
			printf("nothing new since the last look\n");
	}
	wol_qnews_free(&n);
	return rc;
}

int wol_cli_questions(wol_cli *cli, int argc, char **argv)
{
	wol_cli_opt opts[] = {{"state", 1, 's', NULL}, {"mine", 0, 0, NULL},
	                      {"json", 0, 0, NULL},    {"new", 0, 0, NULL},
	                      {"source", 1, 0, NULL},  {NULL, 0, 0, NULL}};
	char *pos[argc > 0 ? argc : 1];
	int npos;
	if (wol_cli_parse(cli, argc, argv, opts, pos, &npos))
		return WOL_EXIT_USAGE;
	if (npos > 0)
		return wol_cli_usage(cli, "unexpected argument '%s'", pos[0]);
	if (opts[3].value)
		return print_news(cli, opts[2].value != NULL);
	const char *state = opts[0].value ? opts[0].value : "open";
	const char *source = opts[4].value;
	if (source && strcmp(source, "files") != 0 && strcmp(source, "index") != 0)
		return wol_cli_usage(cli, "--source must be files or index, not '%s'", source);
	wol_circle *c = wol_cli_circle(cli);
	if (!c)
		return WOL_EXIT_FAIL;
	/* the index of the circle's $WOL_HOME (the files when it cannot be opened) */
	wol_index *ix = NULL;
	wol_error err;
	if ((!source || strcmp(source, "files") != 0) && wol_index_open(cli->ctx, &ix, &err) != 0)
		ix = NULL;
	wol_questions qs;
	int failed = wol_question_list(c, ix, source, state,
	                               opts[1].value ? wol_circle_handle(c) : NULL, &qs, &err);
	wol_index_close(ix);
	if (failed) {
		wol_circle_close(c);
		return wol_cli_fail(cli, &err);
	}
	warn_all(qs.warnings, qs.nwarnings);
	int rc = WOL_EXIT_OK;
	if (opts[2].value) {
		cJSON *arr = cJSON_CreateArray();
		for (size_t i = 0; i < qs.n; i++)
			cJSON_AddItemToArray(arr, question_json(&qs.items[i]));
		rc = wol_cli_json(arr);
	} else {
		if (qs.n == 0)
			printf("no %s%squestions (ask one: wol ask TITLE)\n",
			       strcmp(state, "all") == 0 ? "" : state, strcmp(state, "all") == 0 ? "" : " ");
		for (size_t i = 0; i < qs.n; i++) {
			const wol_question *q = &qs.items[i];
			char age[32];
			age_of(q->created, age, sizeof age);
			wol_cli_printf(stdout, "%-9s %-12s %-10s %2zu answer%s  %s  [%s]\n", q->state, q->author, age,
			       q->nanswers, q->nanswers == 1 ? " " : "s", q->title, q->id);
		}
	}
	wol_questions_free(&qs);
	wol_circle_close(c);
	return rc;
}

int wol_cli_show(wol_cli *cli, int argc, char **argv)
{
	wol_cli_opt opts[] = {{"json", 0, 0, NULL}, {NULL, 0, 0, NULL}};
	char *pos[argc > 0 ? argc : 1];
	int npos;
	if (wol_cli_parse(cli, argc, argv, opts, pos, &npos))
		return WOL_EXIT_USAGE;
	if (npos != 1)
		return npos ? wol_cli_usage(cli, "unexpected argument '%s'", pos[1])
		            : wol_cli_usage(cli, "a QID is needed (see: wol questions)");
	wol_circle *c = wol_cli_circle(cli);
	if (!c)
		return WOL_EXIT_FAIL;
	wol_question q;
	wol_error err;
	if (wol_question_get(c, pos[0], &q, &err)) {
		wol_circle_close(c);
		return wol_cli_fail(cli, &err);
	}
	int rc = WOL_EXIT_OK;
	if (opts[0].value) {
		rc = wol_cli_json(question_json(&q));
	} else {
		warn_all(q.warnings, q.nwarnings);
		wol_cli_printf(stdout, "%s\n%s by %s", q.title, q.state, q.author);
		if (q.about)
			wol_cli_printf(stdout, ", about %s", q.about);
		wol_cli_printf(stdout, "  [%s]\n", q.id);
		for (size_t i = 0; i < q.nrecords; i++) {
			const wol_qrecord *r = &q.records[i];
			char age[32];
			age_of(r->created, age, sizeof age);
			const char *mark = r->forged ? "!! " : "";
			if (strcmp(r->kind, "question") == 0 || strcmp(r->kind, "answer") == 0) {
				wol_cli_printf(stdout, "\n%s%s %s, %s%s%s", mark, strcmp(r->kind, "answer") == 0 ? "answer by" : "asked by",
				       r->author, age, r->edited ? " (edited)" : "",
				       r->retracted ? " (retracted)" : "");
				if (r->thanks)
					printf(" (thanked %d)", r->thanks);
				wol_cli_printf(stdout, "  [%s]\n", r->id);
				if (!r->retracted && r->current[0]) {
					wol_cli_text(stdout, r->current);
					putchar('\n');
				}
			} else {
				wol_cli_printf(stdout, "\n%s-- %s %s by %s, %s%s", mark, r->kind,
				       r->target ? "an answer" : "the question", r->author, age,
				       r->ignored ? " (ignored)" : "");
				if (r->text[0] && strcmp(r->kind, "edit") != 0)
					wol_cli_printf(stdout, ": %s", r->text);
				printf("\n");
			}
			if (r->forged)
				wol_cli_printf(stdout, "!! %s\n", r->note);
			if (r->outside)
				wol_cli_printf(stdout, "!! %s\n", r->outside);
		}
	}
	wol_question_free(&q);
	wol_circle_close(c);
	return rc;
}

/* answer QID -m TEXT | resolve QID [-m TEXT] | reopen QID | thank QID AID */
static int write_cmd(wol_cli *cli, int argc, char **argv, const char *kind)
{
	wol_cli_opt opts[] = {{"message", 1, 'm', NULL}, {"force", 0, 'f', NULL},
	                      {"json", 0, 0, NULL},      {NULL, 0, 0, NULL}};
	char *pos[argc > 0 ? argc : 1];
	int npos;
	if (wol_cli_parse(cli, argc, argv, opts, pos, &npos))
		return WOL_EXIT_USAGE;
	int want = strcmp(kind, "thanks") == 0 ? 2 : 1;
	if (npos < want)
		return wol_cli_usage(cli, want == 2 ? "a QID and an answer id are needed"
		                                    : "a QID is needed (see: wol questions)");
	if (npos > want)
		return wol_cli_usage(cli, "unexpected argument '%s'", pos[want]);
	if (strcmp(kind, "answer") == 0 && !opts[0].value)
		return wol_cli_usage(cli, "the answer's text is needed: -m TEXT");
	wol_circle *c = wol_cli_circle(cli);
	if (!c)
		return WOL_EXIT_FAIL;
	wol_qwrite w;
	wol_error err;
	int rc;
	if (strcmp(kind, "answer") == 0)
		rc = wol_question_answer(c, pos[0], opts[0].value, opts[1].value != NULL, &w, &err);
	else
		rc = wol_question_event(c, pos[0], kind, want == 2 ? pos[1] : NULL, opts[0].value,
		                        opts[1].value != NULL, &w, &err);
	if (rc == 0) {
		if (opts[2].value) {
			rc = written_json(c, &w);
		} else {
			const char *done = strcmp(kind, "answer") == 0    ? "answered"
			                   : strcmp(kind, "resolve") == 0 ? "resolved"
			                   : strcmp(kind, "reopen") == 0  ? "reopened"
			                                                  : "thanked";
			print_written(c, &w, done);
		}
		wol_qwrite_free(&w);
	} else {
		rc = wol_cli_fail(cli, &err);
	}
	wol_circle_close(c);
	return rc;
}

int wol_cli_answer(wol_cli *cli, int argc, char **argv)
{
	return write_cmd(cli, argc, argv, "answer");
}

int wol_cli_resolve(wol_cli *cli, int argc, char **argv)
{
	return write_cmd(cli, argc, argv, "resolve");
}

int wol_cli_reopen(wol_cli *cli, int argc, char **argv)
{
	return write_cmd(cli, argc, argv, "reopen");
}

int wol_cli_thank(wol_cli *cli, int argc, char **argv)
{
	return write_cmd(cli, argc, argv, "thanks");
}
