/* digest.c - what a sync brought: every changed path classified (a note,
 * a question, an answer, ...), credited, and told as a short digest. */
#include "sync_int.h"
#include "format/layout.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int wol_sync__oom(wol_error *err)
{
	return wol_error_set(err, WOL_ENOMEM, "out of memory");
}

int wol_sync__push_str(char ***v, size_t *n, char *s)
{
	if (!s)
		return WOL_ENOMEM;
	char **nv = realloc(*v, (*n + 1) * sizeof *nv);
	if (!nv) {
		free(s);
		return WOL_ENOMEM;
	}
	nv[(*n)++] = s;
	*v = nv;
	return 0;
}

/* "<qts>-<handle>-<hex>" -> handle */
static char *member_of_id(const char *id, size_t n)
{
	const char *first = memchr(id, '-', n);
	const char *last = NULL;
	for (const char *p = id; p < id + n; p++)
		if (*p == '-')
			last = p;
	if (!first || last == first)
		return NULL;
	return wol_strndup(first + 1, (size_t)(last - first - 1));
}

static int is_resolve_event(git_repository *repo, const git_oid *blob_id)
{
	git_blob *blob = NULL;
	if (git_blob_lookup(&blob, repo, blob_id) < 0) {
		git_error_clear();
		return 0;
	}
	wol_doc doc;
	int resolved = 0;
	if (wol_doc_parse(git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob), "event", &doc,
	                  NULL) == 0) {
		static const char *const keys[] = {"kind", "type", "event", "action"};
		for (size_t i = 0; i < 4; i++) {
			const char *v = wol_yaml_str(doc.meta, keys[i]);
			if (v && (strcmp(v, "resolve") == 0 || strcmp(v, "resolved") == 0))
				resolved = 1;
		}
		wol_doc_free(&doc);
	}
	git_blob_free(blob);
	return resolved;
}

static int add_item(wol_sync_result *r, const char *kind, char *member, const char *path,
                    int added, int to_me)
{
	wol_sync_item *v = realloc(r->arrived, (r->narrived + 1) * sizeof *v);
	if (!v) {
		free(member);
		return WOL_ENOMEM;
	}
	r->arrived = v;
	wol_sync_item *it = &v[r->narrived];
	it->kind = wol_strfmt("%s", kind);
	it->member = member;
	it->path = wol_strfmt("%s", path);
	it->added = added;
	it->to_me = to_me;
	r->narrived++;
	return it->kind && it->path ? 0 : WOL_ENOMEM;
}

/* The author of the newest arrived commit that changed `path`, or NULL. */
static const char *changed_by(const wol_change *ch, size_t nch, const char *path)
{
	for (size_t i = 0; i < nch; i++)
		if (strcmp(ch[i].path, path) == 0)
			return ch[i].author;
	return NULL;
}

/* feedback/<nid>/<id>.md (pl: what the layout says of it): "feedback"
 * (to_me: on a note of mine: its id names me, or, for a note named
 * otherwise, the record names a path in my folder) or "addressed" (to_me:
 * the item marked is mine). */
static int classify_feedback(git_repository *repo, wol_sync_result *r, const git_diff_delta *d,
                             const wol_place *pl, const char *me)
{
	char h[WOL_HANDLE_MAX + 1];
	const char *kind = "feedback";
	int named = wol_id_handle(pl->note, h, sizeof h);
	int to_me = named && me && strcmp(h, me) == 0;
	git_blob *blob = NULL;
	wol_doc doc;
	if (git_blob_lookup(&blob, repo, &d->new_file.id) == 0 &&
	    wol_doc_parse(git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob), "feedback", &doc,
	                  NULL) == 0) {
		const char *k = wol_yaml_str(doc.meta, "kind");
		const char *note = wol_yaml_str(doc.meta, "note");
		/* a note without an id of wol's form: the path the record names */
		if (!named && me && note) {
			wol_place np;
			wol_place_of(note, &np);
			if (np.kind == WOL_PLACE_NOTE && np.listed)
				to_me = strcmp(np.member, me) == 0;
		}
		if (k && strcmp(k, "addressed") == 0) {
			const char *target = wol_yaml_str(doc.meta, "target");
			kind = "addressed";
			to_me = target && me && wol_id_handle(target, h, sizeof h) && strcmp(h, me) == 0;
		}
		wol_doc_free(&doc);
	}
	git_blob_free(blob);
	git_error_clear();
	return add_item(r, kind, pl->member[0] ? wol_strdup(pl->member) : NULL, d->new_file.path,
	                d->status == GIT_DELTA_ADDED, to_me);
}

/* Classifies one arrived path by the circle format. A note is credited to
 * the author of the commit that changed it, not to the folder's owner. */
static int classify(git_repository *repo, wol_sync_result *r, const git_diff_delta *d,
                    const char *me, const wol_change *ch, size_t nch)
{
	const char *path = d->new_file.path;
	int added = d->status == GIT_DELTA_ADDED;
	const char *slash;
	if (strncmp(path, "notes/", 6) == 0 && (slash = strchr(path + 6, '/')) != NULL) {
		const char *by = changed_by(ch, nch, path);
		char *m = by ? wol_strfmt("%s", by) : wol_strndup(path + 6, (size_t)(slash - path - 6));
		const char *kind = strstr(strrchr(path, '/'), ".conflict-") ? "conflict" : "note";
		return add_item(r, kind, m, path, added, 0);
	}
	if (strncmp(path, "members/", 8) == 0 && !strchr(path + 8, '/')) {
		const char *dot = strrchr(path + 8, '.');
		size_t n = dot ? (size_t)(dot - path - 8) : strlen(path + 8);
		return add_item(r, "member", wol_strndup(path + 8, n), path, added, 0);
	}
	if (strncmp(path, "questions/", 10) == 0 && (slash = strchr(path + 10, '/')) != NULL) {
		const char *qid = path + 10;
		size_t qn = (size_t)(slash - qid);
		char *asker = member_of_id(qid, qn);
		int mine = asker && me && strcmp(asker, me) == 0;
		free(asker);
		const char *rest = slash + 1;
		if (strcmp(rest, "question.md") == 0)
			return add_item(r, "question", member_of_id(qid, qn), path, added, 0);
		const char *kind = NULL;
		if (strncmp(rest, "answers/", 8) == 0)
			kind = "answer";
		else if (strncmp(rest, "events/", 7) == 0)
			kind = is_resolve_event(repo, &d->new_file.id) ? "resolved" : "event";
		if (kind) {
			const char *base = strrchr(rest, '/') + 1;
			const char *dot = strrchr(base, '.');
			size_t n = dot ? (size_t)(dot - base) : strlen(base);
			return add_item(r, kind, member_of_id(base, n), path, added, mine);
		}
	}
	if (strncmp(path, "feedback/", 9) == 0) {
		wol_place pl;
		wol_place_of(path, &pl);
		if (pl.kind == WOL_PLACE_FEEDBACK)
			return classify_feedback(repo, r, d, &pl, me);
	}
	return add_item(r, "file", NULL, path, added, 0);
}

/* What changed between two trees: the arrived items and the changed files.
 * Returns 0 or a wol_code with err set (never a libgit2 code). */
int wol_sync__record_changes(git_repository *repo, const char *workdir, git_tree *from,
                             git_tree *to, wol_sync_result *r, const char *me,
                             const wol_change *ch, size_t nch, wol_error *err)
{
	git_diff *diff = NULL;
	git_diff_options o;
	git_diff_options_init(&o, GIT_DIFF_OPTIONS_VERSION);
	int rc = git_diff_tree_to_tree(&diff, repo, from, to, &o);
	if (rc < 0)
		return wol_error_git(err, rc, "sync: what changed");
	size_t n = git_diff_num_deltas(diff);
	for (size_t i = 0; i < n && rc == 0; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		const char *p = d->status == GIT_DELTA_DELETED ? d->old_file.path : d->new_file.path;
		rc = wol_sync__push_str(&r->changed, &r->nchanged, wol_strfmt("%s%s", workdir, p));
		if (rc == 0 && (d->status == GIT_DELTA_ADDED || d->status == GIT_DELTA_MODIFIED))
			rc = classify(repo, r, d, me, ch, nch);
	}
	git_diff_free(diff);
	return rc ? wol_sync__oom(err) : 0; /* push_str and classify fail only for memory */
}

int wol_sync__arrived_changes(git_repository *repo, const git_oid *ours, const git_oid *theirs,
                              wol_sync_result *r, wol_change **ch, size_t *nch, wol_error *err)
{
	wol_authors a;
	wol_authors__load(repo, theirs, &a);
	int rc = wol_history__changes(repo, &a, NULL, theirs, ours, ch, nch, err);
	wol_authors__free(&a);
	for (size_t i = 0; rc == 0 && i < *nch; i++) {
		const wol_change *c = &(*ch)[i];
		if (!c->outside)
			continue;
		wol_sync_foreign *nf = realloc(r->foreign, (r->nforeign + 1) * sizeof *nf);
		if (!nf)
			return wol_sync__oom(err);
		r->foreign = nf;
		wol_sync_foreign *f = &nf[r->nforeign++];
		memcpy(f->commit, c->commit, sizeof f->commit);
		f->path = wol_strfmt("%s", c->path);
		f->author = wol_strfmt("%s", c->author);
		f->what = wol_strfmt("%s", c->outside);
		if (!f->path || !f->author || !f->what ||
		    wol_sync__push_str(&r->warnings, &r->nwarnings,
		                       wol_strfmt("wol: sync: %s %s %s outside wol (commit %.8s); it is "
		                                  "kept, as git has it",
		                                  c->author, c->outside, c->path, c->commit)) != 0)
			return wol_sync__oom(err);
	}
	return rc;
}

void wol_sync_result_free(wol_sync_result *r)
{
	if (!r)
		return;
	free(r->circle);
	free(r->branch);
	free(r->remote);
	for (size_t i = 0; i < r->narrived; i++) {
		free(r->arrived[i].kind);
		free(r->arrived[i].member);
		free(r->arrived[i].path);
	}
	free(r->arrived);
	for (size_t i = 0; i < r->nconflicts; i++) {
		free(r->conflicts[i].path);
		free(r->conflicts[i].kept_as);
		free(r->conflicts[i].member);
	}
	free(r->conflicts);
	for (size_t i = 0; i < r->nforeign; i++) {
		free(r->foreign[i].path);
		free(r->foreign[i].author);
		free(r->foreign[i].what);
	}
	free(r->foreign);
	wol_strv_free(r->warnings, r->nwarnings);
	wol_strv_free(r->changed, r->nchanged);
	memset(r, 0, sizeof *r);
}

static size_t count_kind(const wol_sync_result *r, const char *kind, int to_me)
{
	size_t n = 0;
	for (size_t i = 0; i < r->narrived; i++)
		if (strcmp(r->arrived[i].kind, kind) == 0 && (!to_me || r->arrived[i].to_me))
			n++;
	return n;
}

char *wol_sync_digest(const wol_sync_result *r)
{
	wol_buf b;
	wol_buf_init(&b);
	const char *sep = "";
	/* notes by member, in the order they arrived */
	int first_member = 1;
	for (size_t i = 0; i < r->narrived; i++) {
		const wol_sync_item *it = &r->arrived[i];
		if (strcmp(it->kind, "note") != 0)
			continue;
		const char *m = it->member ? it->member : "?";
		int seen = 0;
		for (size_t j = 0; j < i && !seen; j++)
			seen = strcmp(r->arrived[j].kind, "note") == 0 && r->arrived[j].member &&
			       strcmp(r->arrived[j].member, m) == 0;
		if (seen)
			continue;
		size_t n = 0;
		for (size_t j = i; j < r->narrived; j++)
			n += strcmp(r->arrived[j].kind, "note") == 0 && r->arrived[j].member &&
			     strcmp(r->arrived[j].member, m) == 0;
		wol_buf_printf(&b, "%s%zu %s from %s", first_member ? "" : ", ", n,
		               n == 1 ? "note" : "notes", m);
		first_member = 0;
		sep = "; ";
	}
	size_t q = count_kind(r, "question", 0), a = count_kind(r, "answer", 0),
	       am = count_kind(r, "answer", 1), rs = count_kind(r, "resolved", 0),
	       mem = count_kind(r, "member", 0);
	if (q) {
		wol_buf_printf(&b, "%s%zu new %s", sep, q, q == 1 ? "question" : "questions");
		sep = "; ";
	}
	if (am) {
		wol_buf_printf(&b, "%s%zu %s to your questions", sep, am, am == 1 ? "answer" : "answers");
		sep = "; ";
	}
	if (a > am) {
		wol_buf_printf(&b, "%s%zu %s%s", sep, a - am, am ? "other " : "",
		               a - am == 1 ? "answer" : "answers");
		sep = "; ";
	}
	if (rs) {
		wol_buf_printf(&b, "%s%zu %s resolved", sep, rs, rs == 1 ? "question" : "questions");
		sep = "; ";
	}
	size_t fm = count_kind(r, "feedback", 1), f = count_kind(r, "feedback", 0),
	       ad = count_kind(r, "addressed", 1);
	if (fm) {
		wol_buf_printf(&b, "%s%zu %s of feedback on your notes", sep, fm, fm == 1 ? "piece" : "pieces");
		sep = "; ";
	}
	if (f > fm) {
		wol_buf_printf(&b, "%s%zu %s%s of feedback", sep, f - fm, fm ? "other " : "",
		               f - fm == 1 ? "piece" : "pieces");
		sep = "; ";
	}
	if (ad) {
		wol_buf_printf(&b, "%s%zu of your comments marked addressed", sep, ad);
		sep = "; ";
	}
	for (size_t i = 0; i < r->narrived; i++)
		if (strcmp(r->arrived[i].kind, "member") == 0 && r->arrived[i].added &&
		    r->arrived[i].member) {
			wol_buf_printf(&b, "%s%s joined", sep, r->arrived[i].member);
			sep = "; ";
		}
	(void)mem;
	if (r->nconflicts) {
		wol_buf_printf(&b, "%skept both versions of %zu %s (see %s)", sep, r->nconflicts,
		               r->nconflicts == 1 ? "file" : "files", r->conflicts[0].kept_as);
		sep = "; ";
	}
	if (r->nforeign) {
		/* "4 changes outside wol by mallory": the authors, each once */
		wol_buf_printf(&b, "%s%zu %s outside wol by ", sep, r->nforeign,
		               r->nforeign == 1 ? "change" : "changes");
		size_t named = 0;
		for (size_t i = 0; i < r->nforeign; i++) {
			int seen = 0;
			for (size_t j = 0; j < i && !seen; j++)
				seen = strcmp(r->foreign[j].author, r->foreign[i].author) == 0;
			if (!seen)
				wol_buf_printf(&b, "%s%s", named++ ? ", " : "", r->foreign[i].author);
		}
		sep = "; ";
	}
	if (r->pushed) {
		wol_buf_printf(&b, "%spushed %zu %s", sep, r->pushed,
		               r->pushed == 1 ? "commit" : "commits");
		sep = "; ";
	}
	if (!b.len)
		wol_buf_puts(&b, r->fast_forward || r->merged ? "synced" : "up to date");
	if (r->ahead)
		wol_buf_printf(&b, " (%zu %s still to push)", r->ahead,
		               r->ahead == 1 ? "commit" : "commits");
	return wol_buf_detach(&b);
}
