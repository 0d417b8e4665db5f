/* doctor.c - the health checks shared by :checkhealth wol and `wol doctor` */
#include "repo/circle_priv.h"
#include "repo/private.h"
#include "repo/remote.h"

#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void add(wol_checks *c, wol_check_level level, const char *section, const char *advice,
                const char *fmt, ...) WOL_PRINTF(5, 6);

static void add(wol_checks *c, wol_check_level level, const char *section, const char *advice,
                const char *fmt, ...)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		wol_check *items = realloc(c->items, cap * sizeof *items);
		if (!items)
			return;
		c->items = items;
		c->cap = cap;
	}
	wol_buf b;
	wol_buf_init(&b);
	va_list ap;
	va_start(ap, fmt);
	char tmp[1024];
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	wol_buf_puts(&b, tmp);
	wol_check *k = &c->items[c->n++];
	k->level = level;
	k->section = wol_strfmt("%s", section);
	k->msg = wol_buf_detach(&b);
	k->advice = advice ? wol_strfmt("%s", advice) : NULL;
}

const char *wol_doctor_level_name(wol_check_level level)
{
	switch (level) {
	case WOL_CHECK_OK: return "ok";
	case WOL_CHECK_INFO: return "info";
	case WOL_CHECK_WARN: return "warn";
	case WOL_CHECK_ERROR: return "error";
	}
	return "?";
}

static void check_libraries(wol_checks *c)
{
	wol_libinfo li;
	wol_version_libs(&li);
	add(c, WOL_CHECK_OK, "libraries", NULL, "wol %s (circle format %d)", li.wol, li.format);
	add(c, WOL_CHECK_OK, "libraries", NULL, "libgit2 %s (threads: %s, https: %s, ssh: %s)",
	    li.libgit2, li.git_threads ? "yes" : "no", li.git_https ? "yes" : "no",
	    li.git_ssh ? "yes" : "no");
	if (!li.git_ssh)
		add(c, WOL_CHECK_WARN, "libraries", "install a libgit2 built with libssh2",
		    "libgit2 has no ssh support: ssh:// and user@host:path remotes will not work");
	if (!li.git_https)
		add(c, WOL_CHECK_WARN, "libraries", "install a libgit2 built with TLS",
		    "libgit2 has no https support: https:// remotes will not work");
	if (li.sqlite_fts5)
		add(c, WOL_CHECK_OK, "libraries", NULL, "sqlite %s with FTS5", li.sqlite);
	else
		add(c, WOL_CHECK_ERROR, "libraries", "install a sqlite3 built with FTS5",
		    "sqlite %s lacks FTS5: search will not work", li.sqlite);
	add(c, WOL_CHECK_OK, "libraries", NULL, "libyaml %s, cJSON %s", li.libyaml, li.cjson);
}

static void check_home(wol_ctx *ctx, wol_checks *c)
{
	const char *home = wol_ctx_home(ctx);
	struct stat st;
	if (stat(home, &st) != 0) {
		add(c, WOL_CHECK_OK, "home", NULL, "$WOL_HOME is %s (created on first use)", home);
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		add(c, WOL_CHECK_ERROR, "home", "move the file away or set $WOL_HOME elsewhere",
		    "$WOL_HOME %s exists but is not a directory", home);
		return;
	}
	add(c, WOL_CHECK_OK, "home", NULL, "$WOL_HOME is %s", home);
	if ((st.st_mode & 077) != 0) {
		char adv[600];
		snprintf(adv, sizeof adv, "chmod 700 %s", home);
		add(c, WOL_CHECK_WARN, "home", adv,
		    "$WOL_HOME is readable by others (mode %03o); your journal is private",
		    (unsigned)(st.st_mode & 0777));
	}
}

static void check_identity(wol_ctx *ctx, wol_checks *c)
{
	const wol_identity *id = wol_ctx_identity(ctx);
	if (!id->handle[0]) {
		add(c, WOL_CHECK_ERROR, "identity", "git config --global wol.handle NAME", "%s",
		    id->problem ? id->problem : "no handle");
		return;
	}
	add(c, WOL_CHECK_OK, "identity", NULL, "handle '%s' (from %s), name '%s'", id->handle,
	    id->handle_source, id->name);
	if (!id->email)
		add(c, WOL_CHECK_WARN, "identity", "git config --global user.email YOU@EXAMPLE.ORG",
		    "git config user.email is not set; commits will use %s@wol.invalid", id->handle);
}

/* circle.md and members/: problems found, goals too long, commits to push */
static void check_circle_files(wol_ctx *ctx, wol_checks *c, const char *name)
{
	wol_circle *circle = NULL;
	if (wol_circle_open(ctx, name, &circle, NULL) != 0)
		return;
	wol_circle_info info;
	if (wol_circle_info_get(circle, &info, NULL) == 0) {
		for (size_t k = 0; k < info.nwarnings; k++)
			add(c, WOL_CHECK_WARN, "circles", NULL, "circle '%s': %s", name,
			    info.warnings[k] ? info.warnings[k] + 5 : "circle.md");
		if (info.ahead)
			add(c, WOL_CHECK_INFO, "circles", info.remote ? "they go out with the next sync" : NULL,
			    "circle '%s': %zu commit%s waiting to be pushed", name, info.ahead,
			    info.ahead == 1 ? "" : "s");
		wol_circle_info_free(&info);
	}
	wol_member *m = NULL;
	size_t nm = 0;
	if (wol_circle_members(circle, &m, &nm, NULL) == 0)
		for (size_t k = 0; k < nm; k++)
			if (m[k].warning)
				add(c, WOL_CHECK_WARN, "circles", NULL, "circle '%s': %s", name, m[k].warning + 5);
	wol_members_free(m, nm);
	wol_circle_close(circle);
}

static void check_circles(wol_ctx *ctx, wol_checks *c)
{
	char **names = NULL;
	size_t n = 0;
	wol_error err;
	if (wol_ctx_circles(ctx, &names, &n, &err) != 0) {
		add(c, WOL_CHECK_ERROR, "circles", NULL, "%s", err.msg);
		return;
	}
	if (n == 0) {
		add(c, WOL_CHECK_INFO, "circles",
		    "create one with :WolInit NAME (wol init NAME), or join one with :WolJoin URL "
		    "(wol join URL)",
		    "no circle yet");
		wol_strv_free(names, n);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		char *path = wol_ctx_circle_path(ctx, names[i]);
		git_repository *repo = NULL;
		if (!path || git_repository_open(&repo, path) < 0) {
			add(c, WOL_CHECK_ERROR, "circles", NULL, "circle '%s': %s", names[i],
			    git_error_last() ? git_error_last()->message : "cannot open");
			free(path);
			continue;
		}
		git_remote *origin = NULL;
		if (git_remote_lookup(&origin, repo, "origin") == 0) {
			char *shown = wol_url_redact(git_remote_url(origin) ? git_remote_url(origin) : "");
			add(c, WOL_CHECK_OK, "circles", NULL, "circle '%s' at %s, remote origin %s",
			    names[i], path, shown ? shown : "");
			free(shown);
			git_remote_free(origin);
		} else {
			git_error_clear();
			add(c, WOL_CHECK_INFO, "circles", "add one with: git -C <circle> remote add origin URL",
			    "circle '%s' at %s has no remote: shares stay local", names[i], path);
		}
		git_repository_free(repo);
		free(path);
		check_circle_files(ctx, c, names[i]);
	}
	const char *def = NULL;
	if (wol_ctx_circle(ctx, NULL, &def, &err) == 0)
		add(c, WOL_CHECK_OK, "circles", NULL, "default circle: %s", def);
	else
		add(c, WOL_CHECK_WARN, "circles", "git config --global wol.circle NAME", "%s", err.msg);
	wol_strv_free(names, n);
}

/* $WOL_HOME/people: private (0700, files 0600) and readable */
static void check_people(wol_ctx *ctx, wol_checks *c)
{
	char *dir = wol_strfmt("%s/people", wol_ctx_home(ctx));
	struct stat st;
	if (!dir || lstat(dir, &st) != 0) {
		add(c, WOL_CHECK_OK, "people", NULL, "no relationship list yet (:WolPeople, wol people add NAME)");
		free(dir);
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		add(c, WOL_CHECK_ERROR, "people", "move it away; wol keeps one file per person there",
		    "%s is not a directory", dir);
		free(dir);
		return;
	}
	char adv[600];
	if ((st.st_mode & 077) != 0) {
		snprintf(adv, sizeof adv, "chmod 700 %s", dir);
		add(c, WOL_CHECK_WARN, "people", adv,
		    "%s is readable by others (mode %03o); your list of people is private", dir,
		    (unsigned)(st.st_mode & 0777));
	}
	wol_people l;
	wol_people_opts o = {0};
	o.no_answers = 1;
	if (wol_people_list(ctx, &o, &l, NULL) == 0) {
		size_t open_files = 0;
		for (size_t i = 0; i < l.n; i++) {
			struct stat fs;
			if (lstat(l.items[i].path, &fs) == 0 && (fs.st_mode & 077) != 0)
				open_files++;
		}
		add(c, WOL_CHECK_OK, "people", NULL, "%zu %s on your list in %s", l.n,
		    l.n == 1 ? "person" : "people", dir);
		if (open_files) {
			snprintf(adv, sizeof adv, "chmod 600 %s/*.md", dir);
			add(c, WOL_CHECK_WARN, "people", adv, "%zu person file%s readable by others",
			    open_files, open_files == 1 ? " is" : "s are");
		}
		for (size_t i = 0; i < l.n; i++)
			if (l.items[i].broken && l.items[i].warning)
				add(c, WOL_CHECK_WARN, "people", NULL, "%s", l.items[i].warning + 5);
		for (size_t i = 0; i < l.nwarnings; i++)
			add(c, WOL_CHECK_WARN, "people", NULL, "%s", l.warnings[i] + 5);
		wol_people_free(&l);
	}
	free(dir);
}

/* the private history of the journal: private (0700), what waits, its remote */
static void check_history(wol_ctx *ctx, wol_checks *c)
{
	wol_journal_state st;
	wol_error e;
	if (wol_journal_state_get(ctx, &st, &e) != 0) {
		add(c, WOL_CHECK_ERROR, "journal", NULL, "%s", wol_error_text(&e));
		return;
	}
	char *gitdir = wol_private__gitdir(ctx);
	struct stat gs;
	if (!st.exists) {
		add(c, WOL_CHECK_OK, "journal", NULL,
		    "no private history yet (it begins with the first entry or log line)");
	} else if (gitdir && lstat(gitdir, &gs) == 0) {
		if ((gs.st_mode & 077) != 0) {
			char adv[600];
			snprintf(adv, sizeof adv, "chmod 700 %s", gitdir);
			add(c, WOL_CHECK_WARN, "journal", adv,
			    "%s is readable by others (mode %03o); it holds your journal", gitdir,
			    (unsigned)(gs.st_mode & 0777));
		}
		add(c, WOL_CHECK_OK, "journal", NULL, "private history: %zu %s in %s%s", st.commits,
		    st.commits == 1 ? "commit" : "commits", gitdir,
		    st.pending ? " (changes wait for their commit)" : "");
		if (st.remote)
			add(c, WOL_CHECK_OK, "journal", NULL, "private remote %s: %zu %s to push%s",
			    st.remote, st.ahead, st.ahead == 1 ? "commit" : "commits",
			    st.remote_known ? "" : " (never synced)");
		else
			add(c, WOL_CHECK_INFO, "journal",
			    "wol journal remote URL (a private repository of your own), then wol sync "
			    "--private",
			    "no private remote: the history has one copy, on this machine");
	}
	free(gitdir);
	wol_journal_state_free(&st);
}

int wol_doctor_run(wol_ctx *ctx, wol_checks *out, wol_error *err)
{
	(void)err;
	memset(out, 0, sizeof *out);
	check_libraries(out);
	check_home(ctx, out);
	check_identity(ctx, out);
	check_circles(ctx, out);
	check_people(ctx, out);
	check_history(ctx, out);
	return 0;
}

void wol_doctor_free(wol_checks *checks)
{
	for (size_t i = 0; i < checks->n; i++) {
		free(checks->items[i].section);
		free(checks->items[i].msg);
		free(checks->items[i].advice);
	}
	free(checks->items);
	memset(checks, 0, sizeof *checks);
}
