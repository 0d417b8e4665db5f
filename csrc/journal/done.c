/* journal/done.c - the day's challenge marked done: three keys in the
 * front matter of the day's entry (`challenge: done`, `challenge_source`,
 * `challenge_title`), written under the journal lock */
#include "journal/journal_int.h"

#include <stdlib.h>
#include <string.h>

int wol_journal__done_of(const wol_yaml *meta)
{
	const char *ch = meta ? wol_yaml_str(meta, "challenge") : NULL;
	return ch && strcmp(ch, "done") == 0;
}

void wol_journal_done_free(wol_journal_done *d)
{
	if (!d)
		return;
	free(d->path);
	free(d->source);
	free(d->title);
	memset(d, 0, sizeof *d);
}

/* The done keys of a parsed entry into out. */
static int read_keys(const wol_yaml *meta, wol_journal_done *out)
{
	out->done = wol_journal__done_of(meta);
	if (!out->done)
		return 0;
	const char *src = wol_yaml_str(meta, "challenge_source");
	const char *title = wol_yaml_str(meta, "challenge_title");
	if (src && *src && !(out->source = wol_strfmt("%s", src)))
		return WOL_ENOMEM;
	if (title && *title && !(out->title = wol_strfmt("%s", title)))
		return WOL_ENOMEM;
	return 0;
}

int wol_journal_done_get(wol_ctx *ctx, wol_date date, wol_journal_done *out, wol_error *err)
{
	memset(out, 0, sizeof *out);
	if (!wol_date_valid(date.y, date.m, date.d))
		return wol_error_set(err, WOL_EINVAL, "done: not a valid date");
	if (!(out->path = wol_journal_path(ctx, date)))
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	char *text = NULL;
	size_t len = 0;
	int rc = wol_journal__read_entry(out->path, &text, &len, NULL, err);
	if (rc == WOL_ENOTFOUND)
		return 0;
	if (rc)
		return rc;
	wol_doc doc;
	if (!memchr(text, '\0', len) && wol_doc_parse(text, len, out->path, &doc, NULL) == 0) {
		rc = read_keys(doc.meta, out);
		wol_doc_free(&doc);
	}
	free(text);
	if (rc)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	return 0;
}

/* The challenge's source as the front matter keeps it: a prompt file
 * under $WOL_HOME relative to it (the same on every machine). */
static char *source_id(const wol_ctx *ctx, const char *src)
{
	const char *home = wol_ctx_home(ctx);
	size_t hn = strlen(home);
	if (src[0] == '/' && strncmp(src, home, hn) == 0 && src[hn] == '/')
		src += hn + 1;
	return wol_strfmt("%s", src);
}

/* The front matter of `old` (parsed as doc) with the done keys set, then
 * the body of `old` byte for byte. */
static int render_done(const char *old, size_t oldlen, wol_doc *doc, const char *source,
                       const char *title, wol_buf *out, wol_error *err)
{
	if (wol_yaml_set_str(doc->meta, "challenge", "done") ||
	    wol_yaml_set_str(doc->meta, "challenge_source", source) ||
	    wol_yaml_set_str(doc->meta, "challenge_title", title))
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	size_t off = wol_journal__line_offset(old, oldlen, doc->body_line);
	wol_doc head = {doc->meta, (char *)"", 1};
	char *fm = NULL;
	size_t fmlen = 0;
	int rc = wol_doc_render(&head, &fm, &fmlen, err);
	if (rc)
		return rc;
	wol_buf_put(out, fm, fmlen);
	free(fm);
	wol_buf_put(out, old + off, oldlen - off);
	return out->oom ? wol_error_set(err, WOL_ENOMEM, "out of memory") : 0;
}

int wol_journal_done_when(const wol_ctx *ctx, wol_date date, wol_error *err)
{
	if (!wol_date_valid(date.y, date.m, date.d))
		return wol_error_set(err, WOL_EINVAL, "done: not a valid date");
	char day[11];
	wol_date_format(date, day);
	if (wol_date_diff(date, wol_ctx_today(ctx)) > 0)
		return wol_error_set(err, WOL_EINVAL,
		                     "done: %s is still to come; mark a challenge done on its day or after",
		                     day);
	return 0;
}

int wol_journal_mark_done(wol_ctx *ctx, wol_date date, wol_journal_done *out, char **warning,
                          wol_error *err)
{
	memset(out, 0, sizeof *out);
	if (warning)
		*warning = NULL;
	int rc = wol_journal_done_when(ctx, date, err);
	if (rc)
		return rc;

	/* what the challenge is: the day's prompt (a prompt without a
	 * challenge of its own is marked by its theme) */
	wol_prompt p;
	rc = wol_prompt_get(ctx, date, NULL, &p, err);
	if (rc)
		return rc;
	const char *src = p.challenge_source ? p.challenge_source
	                  : p.theme_source     ? p.theme_source
	                                       : "builtin:none";
	const char *ttl = p.challenge_title && *p.challenge_title ? p.challenge_title
	                  : p.title                               ? p.title
	                                                          : "the day's challenge";
	char *source = source_id(ctx, src), *title = wol_strfmt("%s", ttl);
	wol_prompt_free(&p);

	char *lockpath = NULL, *old = NULL;
	size_t oldlen = 0;
	mode_t mode = 0600;
	wol_buf buf;
	wol_buf_init(&buf);
	wol_lock lk = {-1};
	if (!source || !title || !(out->path = wol_journal_path(ctx, date))) {
		rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = wol_journal__make_dirs(ctx, date, &lockpath, err)) != 0)
		goto done;
	if ((rc = wol_lock_acquire(&lk, lockpath, WOL_JOURNAL_LOCK_WAIT_MS, err)) != 0)
		goto done;
	wol_fs_remove_temps(out->path); /* every writer of an entry holds the journal lock */
	rc = wol_journal__read_entry(out->path, &old, &oldlen, &mode, err);
	if (rc == WOL_ENOTFOUND) {
		rc = wol_journal__new_entry(ctx, date, out->path, &old, &oldlen, warning, err);
		mode = 0600;
		out->created = 1;
	}
	if (rc)
		goto done;
	if (memchr(old, '\0', oldlen)) {
		rc = wol_error_set(err, WOL_EINVAL, "%s: holds NUL bytes; not changing it", out->path);
		goto done;
	}
	wol_doc doc;
	if ((rc = wol_doc_parse(old, oldlen, out->path, &doc, err)) != 0)
		goto done; /* unreadable front matter: say so, write nothing */
	if (wol_journal__done_of(doc.meta)) {
		out->already = 1;
		out->created = 0;
		rc = read_keys(doc.meta, out) ? wol_error_set(err, WOL_ENOMEM, "out of memory") : 0;
		wol_doc_free(&doc);
		goto done;
	}
	rc = render_done(old, oldlen, &doc, source, title, &buf, err);
	wol_doc_free(&doc);
	if (rc == 0)
		rc = wol_fs_write_atomic(out->path, buf.ptr, buf.len, mode, err);
	if (rc == 0) {
		out->done = 1;
		out->source = source;
		out->title = title;
		source = title = NULL;
	}
done:
	wol_lock_release(&lk);
	free(lockpath);
	free(old);
	free(source);
	free(title);
	wol_buf_free(&buf);
	if (rc) {
		wol_journal_done_free(out);
		if (warning) {
			free(*warning);
			*warning = NULL;
		}
	}
	return rc;
}
