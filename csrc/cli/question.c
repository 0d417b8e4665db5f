/* cli/question.c - `wol ask`, `wol questions`, `wol answer`, `wol resolve`,
 * `wol reopen`, `wol thank`, `wol show` */
#include "cli.h"
#include "wol_json.h"

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

static void print_written(wol_cli *cli, wol_circle *c, const wol_qwrite *w, const char *what)
{
	wol_cli_say(cli, "wol: %s %s (%.8s): %s\n", what, w->path, w->commit, w->title);
	if (w->has_remote)
		wol_cli_say(cli, "wol: %zu commit%s waiting to be pushed (wol sync)\n", w->ahead,
		       w->ahead == 1 ? "" : "s");
	else
		wol_cli_say(cli, "wol: circle '%s' has no remote: it stays local\n", wol_circle_name(c));
}

static int written_json(wol_circle *c, const wol_qwrite *w)
{
	return wol_cli_json(wol_qwrite_json(c, w));
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
			print_written(cli, c, &w, "asked");
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
		rc = wol_cli_json(wol_qnews_json(&n));
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
	wol_error serr;
	if (wol_question_state_check(state, &serr) != 0)
		return wol_cli_usage_error(cli, &serr);
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
		rc = wol_cli_json(wol_questions_json(&qs));
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
		            : wol_cli_usage_see(cli, "wol questions", "a QID is needed");
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
		rc = wol_cli_json(wol_question_json(&q));
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
		return want == 2 ? wol_cli_usage_see(cli, "wol show QID", "a QID and an answer id are needed")
		                 : wol_cli_usage_see(cli, "wol questions", "a QID is needed");
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
			print_written(cli, c, &w, done);
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
