/* feedback/write.c - writing feedback: a comment, suggestion or reaction
 * on a shared note, and the note author's `addressed` event. Each is one
 * new file, written once and committed with wol_circle_commit, with the
 * text rules of question records; a refused write commits nothing. */
#include "feedback/feedback_int.h"
#include "question/question_int.h"

#include <dirent.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void wol_fwrite_free(wol_fwrite *w)
{
	if (!w)
		return;
	free(w->id);
	free(w->path);
	free(w->note_id);
	free(w->note);
	free(w->note_title);
	memset(w, 0, sizeof *w);
}

/* The note's text at HEAD: 0 with *blob, or WOL_ENOTFOUND. */
static int head_blob(wol_circle *c, const char *rel, git_blob **blob, char *hex)
{
	*blob = NULL;
	git_repository *repo = wol_circle_repo(c);
	git_object *obj = NULL;
	git_commit *cm = NULL;
	git_tree *tree = NULL;
	git_tree_entry *e = NULL;
	int rc = WOL_ENOTFOUND;
	if (git_revparse_single(&obj, repo, "HEAD^{commit}") == 0 &&
	    git_commit_lookup(&cm, repo, git_object_id(obj)) == 0 && git_commit_tree(&tree, cm) == 0 &&
	    git_tree_entry_bypath(&e, tree, rel) == 0 && git_tree_entry_type(e) == GIT_OBJECT_BLOB &&
	    git_blob_lookup(blob, repo, git_tree_entry_id(e)) == 0) {
		git_oid_tostr(hex, GIT_OID_HEXSZ + 1, git_commit_id(cm));
		rc = 0;
	}
	git_tree_entry_free(e);
	git_tree_free(tree);
	git_commit_free(cm);
	git_object_free(obj);
	git_error_clear();
	return rc;
}

/* Commits one record and fills w. */
static int commit_one(wol_circle *c, const char *rel, const char *data, size_t len,
                      const char *msg, const char *id, const wol_fnote *n, const char *nid,
                      wol_fwrite *w, wol_error *err)
{
	wol_commit_file f = {rel, data, len};
	int rc = wol_circle_commit(c, &f, 1, msg, 0, w->commit, err);
	if (rc)
		return rc;
	w->id = wol_strdup(id);
	w->path = wol_strdup(rel);
	w->note_id = wol_strdup(nid);
	w->note = n ? wol_strdup(n->path) : NULL;
	w->note_title = n ? wol_strdup(n->title) : NULL;
	wol_circle__pending(c, &w->has_remote, &w->ahead);
	if (!w->id || !w->path || !w->note_id || (n && (!w->note || !w->note_title)))
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	return 0;
}

/* The item `ref` names among f's items (exact id, unique prefix or
 * suffix): its index, or an error naming `what`. */
static long find_ref(const wol_feedback *f, const char *ref, const char *what, wol_error *err)
{
	char **ids = f->n ? calloc(f->n, sizeof *ids) : NULL;
	if (f->n && !ids)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	for (size_t i = 0; i < f->n; i++)
		ids[i] = f->items[i].id;
	wol_buf cands;
	wol_buf_init(&cands);
	long k = wol_question__match_ref(ids, f->n, ref, &cands);
	if (k == -2)
		k = wol_error_set(err, WOL_EINVAL, "%s: '%s' is ambiguous: it matches %s", what, ref,
		                  cands.ptr ? cands.ptr : "several");
	else if (k == -1)
		k = wol_error_set(err, WOL_ENOTFOUND, "%s: '%s': no such feedback on this note", what,
		                  ref);
	wol_buf_free(&cands);
	free(ids);
	return k;
}

static const char *verb_of(int kind, int reply)
{
	if (reply)
		return "reply";
	return kind == WOL_FB_SUGGESTION ? "suggest" : kind == WOL_FB_REACTION ? "react" : "comment";
}

int wol_feedback_add(wol_circle *c, const wol_comment_opts *o, wol_fwrite *out, wol_error *err)
{
	memset(out, 0, sizeof *out);
	const char *kind = o->kind && *o->kind ? o->kind : "comment";
	int k = wol_feedback__kind(kind);
	if (!k || k == WOL_FB_ADDRESSED)
		return wol_error_set(err, WOL_EINVAL,
		                     "comment: '%s' is not a kind of feedback (comment, suggestion, "
		                     "reaction)",
		                     kind);
	const char *what = k == WOL_FB_REACTION ? "react" : "comment";
	if (k == WOL_FB_REACTION && !wol_feedback__reaction_ok(o->reaction))
		return wol_error_set(err, WOL_EINVAL,
		                     "react: '%s' is not a reaction (thanks, +1, idea, question)",
		                     o->reaction ? o->reaction : "");
	if (o->line1 < 0 || o->line2 < 0 || (o->line1 == 0) != (o->line2 == 0) ||
	    o->line2 < o->line1 || o->line2 > WOL_FEEDBACK_LINES_MAX)
		return wol_error_set(err, WOL_EINVAL, "%s: lines %ld-%ld are not a range", what,
		                     o->line1, o->line2);
	int rc = wol_question__check_text(what, o->text, k != WOL_FB_REACTION, o->force, err);
	if (rc)
		return rc;
	wol_fnote n;
	if ((rc = wol_feedback__note_ref(c, o->note, &n, err)) != 0) {
		char msg[WOL_ERRMSG_MAX];
		snprintf(msg, sizeof msg, "%s", err ? err->msg + 5 : "");
		return err && rc != WOL_ENOMEM ? wol_error_set(err, rc, "%s; nothing was committed", msg)
		                               : rc;
	}
	git_blob *blob = NULL;
	char head[GIT_OID_HEXSZ + 1] = "";
	wol_feedback f = {0};
	long long last = 0;
	char *lines = NULL, *rel = NULL, *msg = NULL, *data = NULL, *reply = NULL;
	char *reply_folder = NULL; /* a reply goes next to the item it answers */
	size_t len = 0;
	char fid[WOL_ID_MAX], created[32], lam[32];
	if (head_blob(c, n.path, &blob, head) != 0) {
		rc = wol_error_set(err, WOL_EREFUSED,
		                   "%s: %s is not shared yet (not committed); nothing was committed", what,
		                   n.path);
		goto out;
	}
	if (o->line1 > 0) {
		/* the lines are the file's as it is here; the record names them in
		 * the version the circle has (HEAD) */
		const char *old = git_blob_rawcontent(blob);
		size_t olen = (size_t)git_blob_rawsize(blob);
		long a = o->line1, b = o->line2;
		long have = wol_feedback__lines(n.text, n.len);
		if (b > have) {
			rc = wol_error_set(err, WOL_EINVAL,
			                   "%s: lines %ld-%ld: %s has %ld line%s; nothing was committed", what,
			                   a, b, n.path, have, have == 1 ? "" : "s");
			goto out;
		}
		if (olen != n.len || memcmp(old, n.text, n.len) != 0) {
			wol_fdiff d;
			wol_fplace pl;
			if ((rc = wol_feedback__diff(n.text, n.len, old, olen, &d, err)) != 0)
				goto out;
			wol_feedback__place(&d, a, b, &pl);
			wol_feedback__diff_free(&d);
			if (pl.outdated) {
				rc = wol_error_set(err, WOL_EREFUSED,
				                   "%s: lines %ld-%ld of %s are not shared yet (share the note "
				                   "first); nothing was committed",
				                   what, a, b, n.path);
				goto out;
			}
			a = pl.start;
			b = pl.end;
		}
		lines = a == b ? wol_strfmt("%ld", a) : wol_strfmt("%ld-%ld", a, b);
		if (!lines) {
			rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
			goto out;
		}
	}
	if ((rc = wol_feedback__of(c, NULL, &n, n.author, &f, &last)) != 0) {
		rc = wol_error_set(err, rc, "out of memory");
		goto out;
	}
	if (o->reply_to && *o->reply_to) {
		long t = find_ref(&f, o->reply_to, what, err);
		if (t < 0) {
			rc = (int)t;
			goto out;
		}
		if (!(reply = wol_strdup(f.items[t].id)) ||
		    !(reply_folder = wol_strdup(f.items[t].note_id))) {
			rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
			goto out;
		}
	}
	if ((rc = wol_id_new(wol_circle_handle(c), fid, sizeof fid, err)) != 0)
		goto out;
	wol_question__now_utc(created, sizeof created);
	snprintf(lam, sizeof lam, "%lld", last + 1);
	const char *nid = reply_folder ? reply_folder : wol_feedback__nid(&n);
	rel = wol_strfmt("feedback/%s/%s.md", nid, fid);
	const char *kv[] = {"kind", kind,
	                    "reaction", k == WOL_FB_REACTION ? o->reaction : NULL,
	                    "note", n.path,
	                    "commit", head,
	                    "lines", lines,
	                    "reply-to", reply,
	                    "author", wol_circle_handle(c),
	                    "created", created,
	                    "lamport", lam,
	                    "id", fid};
	data = rel ? wol_question__render_record(kv, sizeof kv / sizeof kv[0], o->text, &len, err)
	           : NULL;
	const char *verb = verb_of(k, reply != NULL);
	msg = wol_strfmt("%s(%s): %s%s%s%s%s%s\n\nWol-Kind: %s\nWol-Id: %s\nWol-Note: %s\n", verb,
	                 wol_circle_handle(c), k == WOL_FB_REACTION ? o->reaction : "",
	                 k == WOL_FB_REACTION ? " on " : "", n.title, lines ? " (lines " : "",
	                 lines ? lines : "", lines ? ")" : "", kind, fid, nid);
	if (!rel || !data || !msg) {
		rc = err && !data && rel ? err->code : wol_error_set(err, WOL_ENOMEM, "out of memory");
		goto out;
	}
	char *abs = wol_strfmt("%s/%s", wol_circle_path(c), rel);
	int taken = !abs || wol_fs_exists(abs);
	free(abs);
	if (taken) {
		rc = wol_error_set(err, WOL_EEXISTS, "%s: %s exists already; try again", what, rel);
		goto out;
	}
	rc = commit_one(c, rel, data, len, msg, fid, &n, nid, out, err);
out:
	git_blob_free(blob);
	wol_feedback_free(&f);
	wol_feedback__note_free(&n);
	free(lines);
	free(rel);
	free(msg);
	free(data);
	free(reply);
	free(reply_folder);
	if (rc)
		wol_fwrite_free(out);
	return rc;
}

/* The folder (note id) holding the record `ref` (exact id, unique prefix
 * or suffix of one) among all feedback. */
static int folder_of(wol_circle *c, const char *ref, char **nid, wol_error *err)
{
	*nid = NULL;
	const char *root = wol_circle_path(c);
	char *dir = wol_strfmt("%s/feedback", root);
	struct stat st;
	DIR *d = dir && lstat(dir, &st) == 0 && S_ISDIR(st.st_mode) ? opendir(dir) : NULL;
	free(dir);
	wol_strv ids = {0}, where = {0};
	struct dirent *de;
	while (d && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || !wol_id_valid(de->d_name, strlen(de->d_name)))
			continue;
		char *sub = wol_strfmt("feedback/%s", de->d_name);
		char **v = NULL;
		size_t n = 0;
		if (sub && wol_question__list_records(root, sub, &v, &n, NULL) == 0) {
			for (size_t i = 0; i < n; i++) {
				wol_strv_add(&ids, v[i]);
				wol_strv_add(&where, wol_strdup(de->d_name));
			}
			free(v);
		} else {
			ids.oom = 1;
		}
		free(sub);
	}
	if (d)
		closedir(d);
	int rc = 0;
	if (ids.oom || where.oom || ids.n != where.n) {
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
	} else {
		wol_buf cands;
		wol_buf_init(&cands);
		long k = wol_question__match_ref(ids.v, ids.n, ref, &cands);
		if (k == -2)
			rc = wol_error_set(err, WOL_EINVAL, "addressed: '%s' is ambiguous: it matches %s",
			                   ref, cands.ptr ? cands.ptr : "several");
		else if (k == -1)
			rc = wol_error_set(err, WOL_ENOTFOUND, "addressed: '%s': no such feedback", ref);
		else if (!(*nid = wol_strdup(where.v[k])))
			rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		wol_buf_free(&cands);
	}
	wol_strv_clear(&ids);
	wol_strv_clear(&where);
	return rc;
}

int wol_feedback_addressed(wol_circle *c, const char *ref, const char *text, int force,
                           wol_fwrite *out, wol_error *err)
{
	memset(out, 0, sizeof *out);
	if (!ref || !*ref)
		return wol_error_set(err, WOL_EINVAL, "addressed: name the feedback (its id)");
	int rc = wol_question__check_text("addressed", text, 0, force, err);
	if (rc)
		return rc;
	char *nid = NULL;
	if ((rc = folder_of(c, ref, &nid, err)) != 0)
		return rc;
	wol_fnote n;
	int found = wol_feedback__note_by_id(c, nid, &n) == 0;
	char h[WOL_HANDLE_MAX + 1];
	const char *owner = found                                                         ? n.author
	                    : wol_id_handle(nid, h, sizeof h)                       ? h
	                    : wol_feedback__owner_of(wol_circle_path(c), nid, h, sizeof h) ? h
	                                                                                     : NULL;
	const char *me = wol_circle_handle(c);
	wol_feedback f = {0};
	long long last = 0;
	char *rel = NULL, *msg = NULL, *data = NULL;
	size_t len = 0;
	char eid[WOL_ID_MAX], created[32], lam[32];
	if ((rc = wol_feedback__of(c, found ? NULL : nid, found ? &n : NULL, owner, &f, &last)) != 0) {
		rc = wol_error_set(err, rc, "out of memory");
		goto out;
	}
	long t = find_ref(&f, ref, "addressed", err);
	if (t < 0) {
		rc = (int)t;
		goto out;
	}
	const wol_fitem *it = &f.items[t];
	const char *title = found ? n.title : nid;
	if (!owner || strcmp(owner, me) != 0) {
		rc = wol_error_set(err, WOL_EREFUSED,
		                   "addressed: only the note's author%s%s%s can mark feedback on '%s' "
		                   "addressed; nothing was committed",
		                   owner ? " (" : "", owner ? owner : "", owner ? ")" : "", title);
		goto out;
	}
	if (it->addressed) {
		rc = wol_error_set(err, WOL_EINVAL, "addressed: %s's %s was marked addressed already",
		                   it->author, it->kind);
		goto out;
	}
	if ((rc = wol_id_new(me, eid, sizeof eid, err)) != 0)
		goto out;
	wol_question__now_utc(created, sizeof created);
	snprintf(lam, sizeof lam, "%lld", last + 1);
	/* next to the item it marks */
	rel = wol_strfmt("feedback/%s/%s.md", it->note_id, eid);
	const char *kv[] = {"kind", "addressed", "target", it->id,   "note", found ? n.path : it->wrote_on,
	                    "author", me,        "created", created, "lamport", lam,
	                    "id", eid};
	data = rel ? wol_question__render_record(kv, sizeof kv / sizeof kv[0], text, &len, err) : NULL;
	msg = wol_strfmt("addressed(%s): %s (%s by %s)\n\nWol-Kind: addressed\nWol-Id: %s\n"
	                 "Wol-Note: %s\nWol-Target: %s\n",
	                 me, title, it->kind, it->author, eid, it->note_id, it->id);
	if (!rel || !data || !msg) {
		rc = err && !data && rel ? err->code : wol_error_set(err, WOL_ENOMEM, "out of memory");
		goto out;
	}
	rc = commit_one(c, rel, data, len, msg, eid, found ? &n : NULL, it->note_id, out, err);
out:
	wol_feedback_free(&f);
	if (found)
		wol_feedback__note_free(&n);
	free(nid);
	free(rel);
	free(msg);
	free(data);
	if (rc)
		wol_fwrite_free(out);
	return rc;
}
