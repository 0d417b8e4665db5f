/* share.c - sharing a note: the refusal rules and the in-process commit */
#include "repo/circle_priv.h"

#include <errno.h>
#include <git2.h>
#include <limits.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* titles of notes, given or taken from the text */
#define SHARE_TITLE_MAX 120

/* ------------------------------------------------------------- refusals */

typedef struct secret_rule {
	const char *what;
	const char *re;
	int icase;
} secret_rule;

/* What looks like a secret. Each is a POSIX extended regular expression
 * matched line by line; `what` names it in the refusal. */
static const secret_rule secret_rules[] = {
	{"a private key block", "-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----", 0},
	{"a GitHub token", "(^|[^A-Za-z0-9_])(gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{20,})", 0},
	{"a GitLab token", "(^|[^A-Za-z0-9_])glpat-[A-Za-z0-9_-]{20,}", 0},
	{"an AWS access key id", "(^|[^A-Z0-9])(AKIA|ASIA)[A-Z0-9]{16}([^A-Z0-9]|$)", 0},
	{"a Slack token", "(^|[^A-Za-z0-9_])xox[bpas]-[A-Za-z0-9-]{10,}", 0},
	{"a password assignment",
	 "(password|passwd|passphrase|pwd)[\"']?[[:space:]]*(=|:)[[:space:]]*[\"']?[^[:space:]\"'<>{}$]{4,}",
	 1},
};

int wol_share_check(const char *content, size_t len, size_t max_size, int force, wol_error *err)
{
	if (max_size == 0)
		max_size = WOL_SHARE_MAX;
	if (len > max_size)
		return wol_error_set(err, WOL_EREFUSED,
		                     "share: too large (%zu bytes, the limit is %zu); nothing was shared",
		                     len, max_size);
	if (!wol_utf8_valid(content, len))
		return wol_error_set(err, WOL_EREFUSED,
		                     "share: binary content (NUL bytes or invalid UTF-8); only text "
		                     "notes are shared");
	if (force)
		return 0;
	char *copy = wol_strndup(content, len);
	if (!copy)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < sizeof secret_rules / sizeof secret_rules[0]; i++) {
		regex_t re;
		int flags = REG_EXTENDED | REG_NEWLINE | (secret_rules[i].icase ? REG_ICASE : 0);
		if (regcomp(&re, secret_rules[i].re, flags) != 0) {
			rc = wol_error_set(err, WOL_EINVAL, "share: bad secret rule %zu", i);
			break;
		}
		regmatch_t m;
		if (regexec(&re, copy, 1, &m, 0) == 0) {
			int line = 1;
			for (regoff_t k = 0; k < m.rm_so; k++)
				line += copy[k] == '\n';
			rc = wol_error_set(err, WOL_EREFUSED,
			                   "share: line %d looks like %s; nothing was shared (remove it, or "
			                   "share anyway with :WolShare! / wol share --force)",
			                   line, secret_rules[i].what);
		}
		regfree(&re);
	}
	free(copy);
	return rc;
}

/* ------------------------------------------------------------- helpers */

void wol_share_result_free(wol_share_result *r)
{
	if (!r)
		return;
	free(r->note);
	free(r->abs);
	free(r->title);
	free(r->id);
	memset(r, 0, sizeof *r);
}

/* If `path` is below `dir`, returns the part after "dir/". */
static const char *below(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	if (strncmp(path, dir, n) == 0 && path[n] == '/')
		return path + n + 1;
	return NULL;
}

/* A title taken from the text itself (a heading, a first line): the first
 * line, trimmed, without control characters, at most SHARE_TITLE_MAX bytes
 * (cut at a character boundary). */
static char *one_line(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '#')
		s++;
	size_t n = strcspn(s, "\r\n");
	wol_buf b;
	wol_buf_init(&b);
	wol_buf_puts(&b, "");
	for (size_t i = 0; i < n && b.len < SHARE_TITLE_MAX;) {
		unsigned int cp = 0;
		size_t k = wol_utf8_next(s + i, n - i, &cp);
		if (k == 0) /* not UTF-8: wol_share_check refuses such content */
			k = 1;
		else if (b.len + k > SHARE_TITLE_MAX)
			break;
		else if (cp == '\t')
			wol_buf_put(&b, " ", 1);
		else if (!wol_char_control(cp))
			wol_buf_put(&b, s + i, k);
		i += k;
	}
	while (b.len > 0 && b.ptr[b.len - 1] == ' ')
		b.ptr[--b.len] = '\0';
	return wol_buf_detach(&b);
}

/* Whether a text holds nothing but blanks. */
static int blank_text(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return 0;
	return 1;
}

/* The title of a Markdown body: its first "# " heading, or NULL. */
static char *heading_of(const char *body)
{
	const char *p = body;
	while (p && *p) {
		if (p[0] == '#' && p[1] == ' ')
			return one_line(p + 2);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NULL;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

static int is_markdown(const char *name, const char *lang)
{
	if (lang && *lang)
		return strcmp(lang, "markdown") == 0 || strcmp(lang, "text") == 0 ||
		       strcmp(lang, "md") == 0 || strcmp(lang, "vimwiki") == 0;
	if (!name)
		return 1;
	const char *dot = strrchr(base_name(name), '.');
	if (!dot)
		return 1;
	return strcmp(dot, ".md") == 0 || strcmp(dot, ".markdown") == 0 ||
	       strcmp(dot, ".txt") == 0 || strcmp(dot, ".text") == 0;
}

/* A code fence longer than any run of backticks in the content. */
static void fence_for(const char *s, size_t len, char *fence, size_t size)
{
	size_t best = 0, run = 0;
	for (size_t i = 0; i < len; i++) {
		run = s[i] == '`' ? run + 1 : 0;
		if (run > best)
			best = run;
	}
	size_t n = best >= 3 ? best + 1 : 3;
	if (n >= size)
		n = size - 1;
	memset(fence, '`', n);
	fence[n] = '\0';
}

/* "~/x" for paths in $HOME: the recorded source names the file without
 * telling the circle where the member's home is. */
static char *display_path(const char *abs)
{
	const char *home = getenv("HOME");
	char *rh = home && *home ? wol_fs_realpath(home) : NULL;
	const char *rest = rh ? below(abs, rh) : NULL;
	char *out = rest ? wol_strfmt("~/%s", rest) : wol_strfmt("%s", abs);
	free(rh);
	return out;
}

typedef struct found_note {
	char *rel;
	wol_doc doc;
	int have;
} found_note;

/* Looks for the note of mine whose front matter records `source` (and is
 * not a snippet). */
static int find_by_source(wol_circle *c, const char *source, found_note *f, wol_error *err)
{
	wol_note *notes = NULL;
	size_t n = 0;
	int rc = wol_note__list_quick(c, &notes, &n, err);
	if (rc)
		return rc;
	for (size_t i = 0; i < n && !f->have; i++) {
		if (!notes[i].source || strcmp(notes[i].source, source) != 0)
			continue;
		char *text = NULL;
		size_t len;
		if (wol_circle__read(c, notes[i].path, WOL_SHARE_MAX * 4, &text, &len, NULL) != 0)
			continue;
		wol_doc doc;
		if (wol_doc_parse(text, len, notes[i].path, &doc, NULL) == 0) {
			if (wol_yaml_get(doc.meta, "lines")) {
				wol_doc_free(&doc);
			} else {
				f->rel = wol_strfmt("%s", notes[i].path);
				f->doc = doc;
				f->have = 1;
			}
		}
		free(text);
	}
	wol_notes_free(notes, n);
	return 0;
}


/* ---------------------------------------------------------------- share */

typedef struct share_state {
	const wol_share_opts *o;
	wol_circle *c;
	const char *content;
	size_t len;
	char *owned; /* content read from the file */
	char *abs;   /* resolved file path */
	const char *rel; /* within the circle, when the file is there */
	char *source;    /* display path of the source */
} share_state;

static char *snippet_of(const char *s, size_t len, int l1, int l2, size_t *out_len,
                        wol_error *err)
{
	if (l2 < l1)
		l2 = l1;
	int line = 1;
	size_t i = 0, start = (size_t)-1;
	for (; i < len && line < l1; i++)
		line += s[i] == '\n';
	if (line < l1 || (i >= len && l1 > 1 && line == l1 && len > 0 && s[len - 1] == '\n')) {
		wol_error_set(err, WOL_EINVAL, "share: line %d is past the end (%d lines)", l1, line - 1);
		return NULL;
	}
	start = i;
	for (; i < len && line <= l2; i++)
		if (s[i] == '\n' && ++line > l2) {
			i++;
			break;
		}
	*out_len = i - start;
	char *out = wol_strndup(s + start, i - start);
	if (!out)
		wol_error_set(err, WOL_ENOMEM, "out of memory");
	return out;
}

static char *commit_message(const char *handle, const char *title, const char *extra,
                            const char *id, const char *rel)
{
	wol_buf b;
	wol_buf_init(&b);
	wol_buf_printf(&b, "share(%s): %s\n\n", handle, title);
	if (extra && *extra) {
		size_t n = strlen(extra);
		while (n > 0 && (extra[n - 1] == '\n' || extra[n - 1] == ' '))
			n--;
		if (n) {
			wol_buf_put(&b, extra, n);
			wol_buf_puts(&b, "\n\n");
		}
	}
	wol_buf_printf(&b, "Wol-Kind: note\nWol-Id: %s\nWol-Path: %s\n", id, rel);
	if (b.oom) {
		wol_buf_free(&b);
		return NULL;
	}
	return wol_buf_detach(&b);
}

static int finish(share_state *st, wol_share_result *r, const char *rel, const char *data,
                  size_t len, wol_error *err)
{
	wol_circle *c = st->c;
	char *msg = commit_message(wol_circle_handle(c), r->title, st->o->message, r->id, rel);
	if (!msg)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	wol_commit_file f = {rel, data, len};
	c->fsync_call = st->o->fsync; /* NULL: git config wol.shareFsync */
	int rc = wol_circle_commit(c, &f, 1, msg, st->o->lock_timeout_ms, r->commit, err);
	c->fsync_call = NULL;
	free(msg);
	if (rc)
		return rc;
	r->unchanged = r->commit[0] == '\0';
	r->note = wol_strfmt("%s", rel);
	r->abs = wol_strfmt("%s/%s", wol_circle_path(c), rel);
	git_remote *remote = NULL;
	if (git_remote_lookup(&remote, wol_circle_repo(c), "origin") == 0) {
		r->has_remote = 1;
		git_remote_free(remote);
		if (wol_circle_ahead(c, &r->ahead, NULL) != 0)
			r->ahead = 0;
	}
	git_error_clear();
	return (r->note && r->abs) ? 0 : wol_error_set(err, WOL_ENOMEM, "out of memory");
}

/* A note of mine, shared as it is. */
static int share_own(share_state *st, wol_share_result *r, wol_error *err)
{
	wol_doc doc;
	int parsed = wol_doc_parse(st->content, st->len, st->rel, &doc, NULL) == 0;
	const char *t = parsed ? wol_yaml_str(doc.meta, "title") : NULL;
	const char *id = parsed ? wol_yaml_str(doc.meta, "id") : NULL;
	if (st->o->title && *st->o->title) {
		int rc = wol_title_check("share", st->o->title, SHARE_TITLE_MAX, &r->title, err);
		if (rc) {
			if (parsed)
				wol_doc_free(&doc);
			return rc;
		}
	} else if (t && *t)
		r->title = one_line(t);
	else if (!(r->title = heading_of(parsed ? doc.body : st->content)))
		r->title = wol_strfmt("%s", base_name(st->rel));
	char idbuf[WOL_ID_MAX];
	int rc = 0;
	if (id && *id)
		r->id = wol_strfmt("%s", id);
	else if ((rc = wol_id_new(wol_circle_handle(st->c), idbuf, sizeof idbuf, err)) == 0)
		r->id = wol_strfmt("%s", idbuf);
	if (parsed)
		wol_doc_free(&doc);
	if (rc)
		return rc;
	if (!r->title || !r->id)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	return finish(st, r, st->rel, st->content, st->len, err);
}

static int set_date_now(wol_circle *c, wol_yaml *meta)
{
	char date[11];
	wol_date_format(wol_circle__today(c), date);
	return wol_yaml_set_str(meta, "created", date);
}

/* Anything else: copied into notes/<handle>/<slug>.md. */
static int share_copy(share_state *st, wol_share_result *r, wol_error *err)
{
	const wol_share_opts *o = st->o;
	wol_circle *c = st->c;
	const char *handle = wol_circle_handle(c);
	const char *text = st->content;
	size_t tlen = st->len;
	char *snip = NULL, *target = NULL, *out = NULL;
	int snippet = o->line1 > 0;
	found_note f = {0};
	wol_doc src = {0};
	int have_src = 0, rc = 0;
	r->copied = 1;
	if (snippet && !(snip = snippet_of(text, tlen, o->line1, o->line2, &tlen, err)))
		return err ? err->code : WOL_EINVAL;
	if (snip)
		text = snip;
	if (snippet && blank_text(text, tlen)) {
		rc = wol_error_set(err, WOL_EINVAL, "share: lines %d-%d are empty; nothing was shared",
		                   o->line1, o->line2 > o->line1 ? o->line2 : o->line1);
		goto out;
	}
	/* the target: the note named by the caller, the one this source was
	 * shared to before, or a new one */
	if (o->note && *o->note) {
		wol_place at;
		wol_place_of(o->note, &at);
		int mine = at.kind == WOL_PLACE_NOTE && strcmp(at.member, handle) == 0;
		if ((rc = wol_path_check(o->note, err)))
			goto out;
		if (!mine) {
			rc = wol_error_set(err, WOL_EREFUSED,
			                   "share: %s is not in your folder notes/%s/; nothing was shared",
			                   o->note, handle);
			goto out;
		}
		char *old = NULL;
		size_t olen;
		if (wol_circle__read(c, o->note, WOL_SHARE_MAX * 4, &old, &olen, NULL) == 0) {
			if (wol_doc_parse(old, olen, o->note, &f.doc, NULL) == 0)
				f.have = 1;
			free(old);
		}
		f.rel = wol_strfmt("%s", o->note);
	} else if (st->source && !snippet) {
		if ((rc = find_by_source(c, st->source, &f, err)))
			goto out;
	}
	/* markdown keeps its own front matter's title, not its fields */
	int md = is_markdown(st->abs, o->lang);
	const char *body_text = text;
	if (md && wol_doc_parse(text, tlen, "content", &src, NULL) == 0) {
		have_src = 1;
		body_text = src.body;
	}
	const char *src_title = have_src ? wol_yaml_str(src.meta, "title") : NULL;
	if (o->title && *o->title) {
		if ((rc = wol_title_check("share", o->title, SHARE_TITLE_MAX, &r->title, err)))
			goto out;
	} else if (f.have && wol_yaml_str(f.doc.meta, "title"))
		r->title = one_line(wol_yaml_str(f.doc.meta, "title"));
	else if (src_title && *src_title)
		r->title = one_line(src_title);
	else if (md && (r->title = heading_of(body_text)))
		;
	else if (st->abs && snippet)
		r->title = wol_strfmt("%s lines %d-%d", base_name(st->abs), o->line1,
		                      o->line2 > o->line1 ? o->line2 : o->line1);
	else if (st->abs)
		r->title = wol_strfmt("%s", base_name(st->abs));
	else
		r->title = one_line(body_text);
	if (r->title && !*r->title) {
		free(r->title);
		r->title = wol_strfmt("Untitled");
	}
	if (!r->title) {
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		goto out;
	}
	wol_yaml *meta = f.have ? f.doc.meta : wol_yaml_new(WOL_YAML_MAP, NULL);
	if (!f.have) {
		f.doc.meta = meta;
		f.have = 1;
	}
	if (!meta) {
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		goto out;
	}
	const char *id = wol_yaml_str(meta, "id");
	char idbuf[WOL_ID_MAX];
	if (!id || !*id) {
		if ((rc = wol_id_new(handle, idbuf, sizeof idbuf, err)))
			goto out;
		id = idbuf;
	}
	r->id = wol_strfmt("%s", id);
	int bad = !r->id || wol_yaml_set_str(meta, "title", r->title) ||
	          wol_yaml_set_str(meta, "author", handle) || wol_yaml_set_str(meta, "id", r->id);
	if (!bad && !wol_yaml_get(meta, "created"))
		bad = set_date_now(c, meta);
	if (!bad && !wol_yaml_get(meta, "status"))
		bad = wol_yaml_set_str(meta, "status", "wip");
	if (!bad && st->source)
		bad = wol_yaml_set_str(meta, "source", st->source);
	if (!bad && snippet) {
		char lines[48];
		snprintf(lines, sizeof lines, "%d-%d", o->line1, o->line2 > o->line1 ? o->line2 : o->line1);
		bad = wol_yaml_set_str(meta, "lines", lines);
	}
	if (bad) {
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		goto out;
	}
	/* the body: Markdown as it is, anything else in a code fence */
	wol_buf b;
	wol_buf_init(&b);
	wol_buf_puts(&b, "\n");
	if (md) {
		wol_buf_puts(&b, body_text);
	} else {
		char fence[64];
		fence_for(text, tlen, fence, sizeof fence);
		const char *lang = o->lang && *o->lang ? o->lang : NULL;
		const char *dot = st->abs ? strrchr(base_name(st->abs), '.') : NULL;
		wol_buf_printf(&b, "%s%s\n", fence, lang ? lang : dot ? dot + 1 : "");
		wol_buf_put(&b, text, tlen);
		if (tlen && text[tlen - 1] != '\n')
			wol_buf_puts(&b, "\n");
		wol_buf_printf(&b, "%s\n", fence);
	}
	if (b.len && b.ptr[b.len - 1] != '\n')
		wol_buf_puts(&b, "\n");
	if (b.oom) {
		wol_buf_free(&b);
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		goto out;
	}
	free(f.doc.body);
	f.doc.body = wol_buf_detach(&b);
	size_t olen = 0;
	if ((rc = wol_doc_render(&f.doc, &out, &olen, err)))
		goto out;
	/* the front matter and fence added may not push it over the limit */
	if ((rc = wol_share_check(out, olen, (o->max_size ? o->max_size : WOL_SHARE_MAX) + 65536, 1, err)))
		goto out;
	target = f.rel ? wol_strfmt("%s", f.rel) : wol_note__free_path(c, r->title);
	if (!target) {
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		goto out;
	}
	rc = finish(st, r, target, out, olen, err);
	if (rc == 0 && !f.rel)
		r->created = 1;
out:
	if (f.have)
		wol_doc_free(&f.doc);
	if (have_src)
		wol_doc_free(&src);
	free(f.rel);
	free(snip);
	free(target);
	free(out);
	return rc;
}

int wol_share_note(wol_circle *c, const wol_share_opts *o, wol_share_result *r, wol_error *err)
{
	memset(r, 0, sizeof *r);
	share_state st;
	memset(&st, 0, sizeof st);
	st.o = o;
	st.c = c;
	size_t max = o->max_size ? o->max_size : WOL_SHARE_MAX;
	const char *handle = wol_circle_handle(c);
	char *croot = NULL, *jroot = NULL, *jdir = NULL;
	int rc = 0;
	if (o->file && *o->file) {
		st.abs = wol_fs_realpath(o->file);
		croot = wol_fs_realpath(wol_circle_path(c));
		jdir = wol_strfmt("%s/journal", wol_circle__home(c));
		jroot = jdir ? wol_fs_realpath(jdir) : NULL;
		if (!st.abs || !croot) {
			rc = wol_error_set(err, WOL_EINVAL, "share: %s: cannot resolve the path", o->file);
			goto out;
		}
		/* the relationship list is private whatever the force: it is about
		 * other people (people/<slug>.md, :help wol-people-files) */
		char *pdir = wol_strfmt("%s/people", wol_circle__home(c));
		char *proot = pdir ? wol_fs_realpath(pdir) : NULL;
		int personal = proot && below(st.abs, proot);
		free(pdir);
		free(proot);
		if (personal) {
			rc = wol_error_set(err, WOL_EREFUSED,
			                   "share: %s is on your private list of people; it is never shared "
			                   "(nothing was shared)",
			                   o->file);
			goto out;
		}
		if (jroot && below(st.abs, jroot) && !o->force) {
			rc = wol_error_set(err, WOL_EREFUSED,
			                   "share: %s is a journal entry, which is private; nothing was "
			                   "shared (share it anyway with :WolShare! / wol share --force)",
			                   o->file);
			goto out;
		}
		st.rel = below(st.abs, croot);
		if (st.rel) {
			if ((rc = wol_path_check(st.rel, err)))
				goto out;
			wol_place at;
			wol_place_of(st.rel, &at);
			if (at.kind == WOL_PLACE_NOTE && strcmp(at.member, handle) != 0) {
				rc = wol_error_set(err, WOL_EREFUSED,
				                   "share: %s is in another member's folder; only notes/%s/ is "
				                   "yours (nothing was shared)",
				                   st.rel, handle);
				goto out;
			}
			if (at.kind != WOL_PLACE_NOTE) {
				rc = wol_error_set(err, WOL_EREFUSED,
				                   "share: %s is part of the circle repository but not one of "
				                   "your notes (notes/%s/); nothing was shared",
				                   st.rel, handle);
				goto out;
			}
		} else if (!(st.source = display_path(st.abs))) {
			rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
			goto out;
		}
	}
	if (o->content) {
		st.content = o->content;
		st.len = o->len;
	} else if (o->file && *o->file) {
		/* one byte over the limit is enough to know it is too large */
		wol_error rerr;
		rc = st.rel ? wol_circle__read(c, st.rel, max + 1, &st.owned, &st.len, &rerr)
		            : wol_fs_read(o->file, max + 1, 0, &st.owned, &st.len, &rerr);
		if (rc) {
			rc = wol_error_set(err, rc, "share: %s", wol_error_text(&rerr));
			goto out;
		}
		st.content = st.owned;
	} else {
		rc = wol_error_set(err, WOL_EINVAL, "share: nothing to share (no file and no content)");
		goto out;
	}
	if ((rc = wol_share_check(st.content, st.len, max, o->force, err)))
		goto out;
	if (blank_text(st.content, st.len)) {
		rc = wol_error_set(err, WOL_EINVAL, "share: %s is empty; nothing was shared",
		                   o->file && *o->file ? o->file : "the text");
		goto out;
	}
	if (st.rel && o->line1 <= 0) {
		size_t rl = strlen(st.rel);
		if (rl < 4 || strcmp(st.rel + rl - 3, ".md") != 0) {
			rc = wol_error_set(err, WOL_EREFUSED,
			                   "share: %s: notes are Markdown files ending in .md", st.rel);
			goto out;
		}
		rc = share_own(&st, r, err);
	} else {
		if (st.rel && !st.source)
			st.source = wol_strfmt("%s", st.rel);
		rc = share_copy(&st, r, err);
	}
out:
	if (rc)
		wol_share_result_free(r);
	free(st.owned);
	free(st.abs);
	free(st.source);
	free(croot);
	free(jroot);
	free(jdir);
	return rc;
}
