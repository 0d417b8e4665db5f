/* cli/sync.c - `wol sync`: fetch, merge and push a circle; JSON lines for
 * the editor's job (progress, then a summary) */
#include "cli.h"
#include "util/util.h"
#include "wol_json.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Stopping a sync: --timeout (SIGALRM; libgit2 has no network timeouts, so
 * a dead connection would hang a shell sync forever), and SIGTERM, SIGINT,
 * SIGHUP (:WolSync!, the editor's sync.timeout, quitting Neovim, Ctrl-C, a
 * closed terminal). While the sync waits on the network it ends at once,
 * the way a kill would, which a sync survives by design (the next one
 * continues). A local step (merge, checkout, moving the branch) is left to
 * finish first: the stop is noted and taken when the next network step
 * begins, or the sync simply ends. CLI process state, not library state. */
static volatile sig_atomic_t on_network, local_step, stop_pending;

static void stop_now(int sig)
{
	static const char timeout_msg[] = "wol: sync: no answer before --timeout; stopped (nothing "
	                                  "is lost; sync again later)\n";
	static const char stop_msg[] = "wol: sync: stopped (nothing is lost; the next sync "
	                               "continues)\n";
	const char *msg = sig == SIGALRM ? timeout_msg : stop_msg;
	size_t len = sig == SIGALRM ? sizeof timeout_msg - 1 : sizeof stop_msg - 1;
	ssize_t n = write(STDERR_FILENO, msg, len);
	(void)n;
	if (sig == SIGALRM)
		_exit(WOL_EXIT_NET);
	/* end as killed by the signal, as the parent expects */
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigaction(sig, &sa, NULL);
	raise(sig);
	_exit(128 + sig);
}

static void on_stop_signal(int sig)
{
	if (sig == SIGALRM) {
		if (on_network)
			stop_now(sig);
		alarm(1); /* not on the network: look again in a second */
	} else if (local_step) {
		stop_pending = sig;
	} else {
		stop_now(sig);
	}
}

typedef struct progress_state {
	int json, tty;
	const char *last_phase;
	unsigned last_received, last_total;
	size_t last_bytes;
	double last_t;
} progress_state;


static int on_progress(const wol_sync_progress *p, void *payload)
{
	progress_state *st = payload;
	on_network = strcmp(p->phase, "connect") == 0 || strcmp(p->phase, "fetch") == 0 ||
	             strcmp(p->phase, "push") == 0;
	local_step = strcmp(p->phase, "checkout") == 0 || strcmp(p->phase, "merge") == 0;
	if (on_network && stop_pending)
		stop_now(stop_pending); /* the local step is over: do not go on to push */
	double t = wol_monotonic();
	int phase_changed = !st->last_phase || strcmp(st->last_phase, p->phase) != 0;
	int finished = p->total && p->received == p->total;
	/* at most ~20 lines a second, but every phase change and every end */
	if (!phase_changed && !finished && t - st->last_t < 0.05)
		return 0;
	if (!phase_changed && p->received == st->last_received && p->total == st->last_total &&
	    p->bytes == st->last_bytes)
		return 0; /* nothing new to say */
	st->last_phase = p->phase;
	st->last_received = p->received;
	st->last_total = p->total;
	st->last_bytes = p->bytes;
	st->last_t = t;
	if (st->json) {
		wol_cli_json(wol_cli_typed("progress", wol_sync_progress_json(p)));
		fflush(stdout);
	} else if (st->tty) {
		if (p->total)
			fprintf(stderr, "\r\033[Kwol: sync: %s %u/%u objects, %zu KiB", p->phase,
			        p->received, p->total, p->bytes / 1024);
		else
			fprintf(stderr, "\r\033[Kwol: sync: %s", p->phase);
	}
	return 0;
}

/* `wol sync --private --status`: the journal's history, no network */
static int private_status(wol_cli *cli, wol_ctx *ctx, int json)
{
	wol_journal_state st;
	wol_error err;
	if (wol_journal_state_get(ctx, &st, &err) != 0)
		return wol_cli_fail(cli, &err);
	if (json) {
		cJSON *j = wol_cli_typed("status", wol_journal_state_json(&st));
		wol_journal_state_free(&st);
		return wol_cli_json(j);
	}
	if (!st.remote)
		wol_cli_printf(stdout, "journal: no private remote (wol journal remote URL sets one); "
		               "%zu %s\n", st.commits, st.commits == 1 ? "commit" : "commits");
	else
		wol_cli_printf(stdout, "journal (private remote %s): %zu %s waiting to be pushed%s\n",
		               st.remote, st.ahead, st.ahead == 1 ? "commit" : "commits",
		               st.remote_known ? "" : " (never synced)");
	wol_journal_state_free(&st);
	return WOL_EXIT_OK;
}

/* The index follows the files the private sync changed. */
static void refresh_private(wol_ctx *ctx, const wol_sync_result *r)
{
	if (!r->nchanged || !wol_index_exists(ctx))
		return;
	wol_index *ix = NULL;
	wol_index_report rep;
	wol_error err;
	memset(&rep, 0, sizeof rep);
	if (wol_index_open(ctx, &ix, &err) != 0 ||
	    wol_index_refresh_paths(ix, (const char *const *)r->changed, r->nchanged, &rep, &err) != 0)
		wol_cli_printf(stderr, "wol: sync: the search index was not refreshed: %s\n",
		               wol_error_text(&err));
	wol_index_report_free(&rep);
	wol_index_close(ix);
}

static int status(wol_cli *cli, wol_ctx *ctx, int json)
{
	wol_sync_state st;
	wol_error err;
	if (wol_sync_ahead(ctx, cli->circle, &st, &err) != 0)
		return wol_cli_fail(cli, &err);
	if (json) {
		cJSON *j = wol_cli_typed("status", wol_sync_state_json(&st));
		wol_sync_state_free(&st);
		return wol_cli_json(j);
	}
	if (!st.remote)
		wol_cli_printf(stdout, "circle %s (%s): no remote; %zu %s local only\n", st.circle, st.branch, st.ahead,
		       st.ahead == 1 ? "commit" : "commits");
	else
		wol_cli_printf(stdout, "circle %s (%s, origin %s): %zu %s waiting to be pushed%s\n", st.circle, st.branch,
		       st.remote, st.ahead, st.ahead == 1 ? "commit" : "commits",
		       st.remote_known ? "" : " (never synced)");
	wol_sync_state_free(&st);
	return WOL_EXIT_OK;
}

/* The index is a cache: after a sync, bring it up to date with what the new
 * commits changed (a tree diff, no file walk) when the user has an index.
 * A failure here is reported but does not fail the sync. */
static void refresh_index(wol_ctx *ctx, const char *circle)
{
	if (!circle || !wol_index_exists(ctx))
		return;
	wol_index *ix = NULL;
	wol_index_report rep;
	wol_error err;
	memset(&rep, 0, sizeof rep);
	if (wol_index_open(ctx, &ix, &err) != 0 ||
	    wol_index_refresh_circle(ix, circle, &rep, &err) != 0)
		wol_cli_printf(stderr, "wol: sync: the search index was not refreshed: %s\n",
		               wol_error_text(&err));
	wol_index_report_free(&rep);
	wol_index_close(ix);
}

int wol_cli_sync(wol_cli *cli, int argc, char **argv)
{
	wol_cli_opt opts[] = {{"json", 0, 'j', NULL},     {"status", 0, 's', NULL},
	                      {"dry-run", 0, 'n', NULL},  {"no-push", 0, 0, NULL},
	                      {"attempts", 1, 0, NULL},   {"wait", 1, 0, NULL},
	                      {"timeout", 1, 0, NULL},    {"private", 0, 0, NULL},
	                      {NULL, 0, 0, NULL}};
	if (wol_cli_parse_flags(cli, argc, argv, opts))
		return WOL_EXIT_USAGE;
	int json = opts[0].value != NULL;
	wol_sync_opts so;
	memset(&so, 0, sizeof so);
	if (opts[4].value) {
		char *end;
		long n = strtol(opts[4].value, &end, 10);
		if (*end || n < 1 || n > 100)
			return wol_cli_usage(cli, "--attempts wants a number from 1 to 100");
		so.attempts = (int)n;
	}
	if (opts[5].value) {
		char *end;
		double s = strtod(opts[5].value, &end);
		if (*end || s < 0 || s > 3600)
			return wol_cli_usage(cli, "--wait wants seconds (0 to 3600)");
		so.lock_wait_ms = (int)(s * 1000);
	}
	unsigned timeout = 0;
	if (opts[6].value) {
		char *end;
		long n = strtol(opts[6].value, &end, 10);
		if (*end || n < 1 || n > 86400)
			return wol_cli_usage(cli, "--timeout wants seconds (1 to 86400)");
		timeout = (unsigned)n;
	}
	wol_ctx *ctx = wol_cli_ctx(cli);
	if (!ctx)
		return WOL_EXIT_FAIL;
	int priv = opts[7].value != NULL;
	if (opts[1].value || opts[2].value)
		return priv ? private_status(cli, ctx, json) : status(cli, ctx, json);
	so.no_push = opts[3].value != NULL;
	progress_state ps;
	memset(&ps, 0, sizeof ps);
	ps.json = json;
	ps.tty = !json && !cli->quiet && isatty(STDERR_FILENO);
	so.progress = on_progress;
	so.payload = &ps;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (timeout) {
		sigaction(SIGALRM, &sa, NULL);
		alarm(timeout);
	}
	wol_sync_result r;
	wol_error err;
	wol_error_clear(&err);
	int rc = priv ? wol_sync_private(ctx, &so, &r, &err)
	              : wol_sync_run(ctx, cli->circle, &so, &r, &err);
	alarm(0);
	local_step = 0;
	if (ps.tty)
		fprintf(stderr, "\r\033[K");
	char *digest = wol_sync_digest(&r);
	int code = wol_cli_exit(rc);
	if (json) {
		cJSON *j = wol_cli_typed("summary", wol_sync_result_json(&r, rc ? &err : NULL));
		if (rc)
			wol_cli_jsonl_failed(j, &err, code);
		wol_cli_jsonl_emit(j);
	} else {
		for (size_t i = 0; i < r.nwarnings; i++)
			wol_cli_printf(stderr, "%s\n", r.warnings[i]);
		if (rc == 0 && priv)
			wol_cli_say(cli, "journal: %s\n", digest ? digest : "synced");
		else if (rc == 0)
			wol_cli_say(cli, "circle %s: %s\n", r.circle, digest ? digest : "synced");
	}
	if (rc)
		wol_cli_fail(cli, &err);
	else if (!stop_pending && priv)
		refresh_private(ctx, &r);
	else if (!stop_pending) /* asked to stop: the index catches up next time */
		refresh_index(ctx, r.circle);
	free(digest);
	wol_sync_result_free(&r);
	return code;
}
