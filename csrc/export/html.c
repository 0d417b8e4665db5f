/* export/html.c - a page of the export as a standalone HTML document,
 * rendered by cmark (Debian's libcmark) in its safe mode. Each segment is
 * parsed on its own and its blocks are moved into one document, so an
 * author's unclosed fence or list cannot take in what follows. In the
 * authors' text raw HTML is shown as text, and a relative link either
 * leads to a page of the export or becomes plain text: the bundle works
 * offline and has no dead links. */
#include "export/export_int.h"

#include <cmark.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define OPTS (CMARK_OPT_SAFE | CMARK_OPT_VALIDATE_UTF8)

/* Text escaped for HTML by cmark's own renderer (malloc'd; NULL: OOM). */
static char *esc(const char *s)
{
	cmark_node *t = cmark_node_new(CMARK_NODE_TEXT);
	if (!t || !cmark_node_set_literal(t, s)) {
		cmark_node_free(t);
		return NULL;
	}
	char *h = cmark_render_html(t, OPTS);
	cmark_node_free(t);
	if (!h)
		return NULL;
	char *r = wol_strfmt("%s", h);
	free(h);
	return r;
}

/* ---------------------------------------------------------------- links */

static int has_scheme(const char *u)
{
	const char *p = u;
	if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
		return 0;
	while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
	       *p == '+' || *p == '-' || *p == '.')
		p++;
	return *p == ':';
}

static int hexval(char c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
	                              : -1;
}

/* `rel` (percent-decoded) resolved against the directory of `base` (a path
 * in the circle; ends with '/' when it is a directory). NULL when it leaves
 * the circle or holds something no path in a circle has. */
static char *resolve(const char *base, const char *rel, size_t rlen)
{
	wol_buf b;
	wol_buf_init(&b);
	const char *slash = strrchr(base, '/');
	if (slash)
		wol_buf_put(&b, base, (size_t)(slash - base) + 1);
	for (size_t i = 0; i < rlen; i++) {
		char ch = rel[i];
		if (ch == '%' && i + 2 < rlen && hexval(rel[i + 1]) >= 0 && hexval(rel[i + 2]) >= 0) {
			ch = (char)(hexval(rel[i + 1]) * 16 + hexval(rel[i + 2]));
			i += 2;
		}
		if (ch == '\0' || ch == '\\') {
			wol_buf_free(&b);
			return NULL;
		}
		wol_buf_put(&b, &ch, 1);
	}
	if (b.oom || !b.ptr) {
		wol_buf_free(&b);
		return NULL;
	}
	/* normalise "." and ".." */
	char *in = b.ptr;
	char *outp = malloc(b.len + 1);
	if (!outp) {
		wol_buf_free(&b);
		return NULL;
	}
	size_t o = 0;
	int ok = 1;
	for (char *s = in; ok;) {
		char *e = strchr(s, '/');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (n == 0 || (n == 1 && s[0] == '.')) {
			/* skip */
		} else if (n == 2 && s[0] == '.' && s[1] == '.') {
			if (o == 0) {
				ok = 0;
				break;
			}
			o--; /* drop the last component with its '/' */
			while (o > 0 && outp[o - 1] != '/')
				o--;
		} else {
			memcpy(outp + o, s, n);
			o += n;
			if (e)
				outp[o++] = '/';
		}
		if (!e)
			break;
		s = e + 1;
	}
	wol_buf_free(&b);
	if (!ok) {
		free(outp);
		return NULL;
	}
	outp[o] = '\0';
	return outp;
}

/* The page a body's link leads to: the path as it is, with ".md" added
 * (a link without its extension) or without a trailing '/'. */
static const char *page_for(const ex_model *m, const char *path)
{
	const char *page = ex_page_of(m, path);
	if (page)
		return page;
	size_t n = strlen(path);
	char *alt = n && path[n - 1] == '/' ? wol_strndup(path, n - 1) : wol_strfmt("%s.md", path);
	if (alt)
		page = ex_page_of(m, alt);
	free(alt);
	return page;
}

/* The new destination of a link in a segment ("keep": NULL and *drop 0;
 * "plain text": NULL and *drop 1). ours: our own links, between pages. */
static char *relink(const ex_model *m, const ex_page *p, const ex_seg *s, const char *url,
                    int *drop)
{
	*drop = 0;
	if (!url || !*url || url[0] == '#')
		return NULL;
	if (has_scheme(url) || (url[0] == '/' && url[1] == '/')) {
		/* the web and mail stay links; any other scheme is text */
		*drop = !(strncasecmp(url, "http:", 5) == 0 || strncasecmp(url, "https:", 6) == 0 ||
		          strncasecmp(url, "mailto:", 7) == 0 || url[0] == '/');
		return NULL;
	}
	size_t ul = strcspn(url, "?#");
	if (s->kind == EX_SEG_OURS) {
		if (ul > 3 && strncmp(url + ul - 3, ".md", 3) == 0)
			return wol_strfmt("%.*s.html", (int)(ul - 3), url);
		return NULL;
	}
	/* an author's relative link: to the page it became (its anchor
	 * dropped: pages have no anchors), else plain text */
	*drop = 1;
	if (url[0] == '/' || ul == 0)
		return NULL;
	char *path = resolve(s->base ? s->base : "", url, ul);
	const char *page = path ? page_for(m, path) : NULL;
	free(path);
	if (!page)
		return NULL;
	char *to = ex_rel_link(p->path, page, ".html");
	*drop = to == NULL;
	return to;
}

/* Moves a node's children in front of it and frees it (a link or image
 * that leads nowhere keeps its text). */
static void unwrap(cmark_node *n)
{
	cmark_node *ch;
	while ((ch = cmark_node_first_child(n)) != NULL)
		cmark_node_insert_before(n, ch);
	cmark_node_free(n);
}

/* The nodes of a segment's tree that need a change, then the changes (a
 * tree is not changed while it is walked). */
static int fix_tree(const ex_model *m, const ex_page *p, const ex_seg *s, cmark_node *doc)
{
	cmark_node **v = NULL;
	size_t n = 0, cap = 0;
	cmark_iter *it = cmark_iter_new(doc);
	if (!it)
		return WOL_ENOMEM;
	cmark_event_type ev;
	int rc = 0;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		if (ev != CMARK_EVENT_ENTER)
			continue;
		cmark_node *node = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(node);
		if (t != CMARK_NODE_LINK && t != CMARK_NODE_IMAGE && t != CMARK_NODE_HTML_BLOCK &&
		    t != CMARK_NODE_HTML_INLINE)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			cmark_node **nv = realloc(v, cap * sizeof *nv);
			if (!nv) {
				rc = WOL_ENOMEM;
				break;
			}
			v = nv;
		}
		v[n++] = node;
	}
	cmark_iter_free(it);
	/* inner nodes first: an image inside a link goes before the link */
	for (size_t i = n; rc == 0 && i-- > 0;) {
		cmark_node *node = v[i];
		cmark_node_type t = cmark_node_get_type(node);
		if (t == CMARK_NODE_HTML_BLOCK || t == CMARK_NODE_HTML_INLINE) {
			/* raw HTML is shown as the text it is */
			cmark_node *r = cmark_node_new(t == CMARK_NODE_HTML_BLOCK ? CMARK_NODE_CODE_BLOCK
			                                                          : CMARK_NODE_TEXT);
			if (!r || !cmark_node_set_literal(r, cmark_node_get_literal(node)) ||
			    !cmark_node_replace(node, r)) {
				cmark_node_free(r);
				rc = WOL_ENOMEM;
				break;
			}
			cmark_node_free(node);
			continue;
		}
		if (t == CMARK_NODE_IMAGE && s->kind == EX_SEG_BODY) {
			const char *u = cmark_node_get_url(node);
			if (!u || !(has_scheme(u) || (u[0] == '/' && u[1] == '/')))
				unwrap(node); /* files of the circle are not part of the export */
			continue;
		}
		int drop = 0;
		char *to = relink(m, p, s, cmark_node_get_url(node), &drop);
		if (to) {
			if (!cmark_node_set_url(node, to))
				rc = WOL_ENOMEM;
			free(to);
		} else if (drop) {
			unwrap(node);
		}
	}
	free(v);
	return rc;
}

/* ----------------------------------------------------------------- page */

static int graft(cmark_node *into, cmark_node *from)
{
	cmark_node *ch;
	while ((ch = cmark_node_first_child(from)) != NULL) {
		cmark_node_unlink(ch);
		if (!cmark_node_append_child(into, ch)) {
			cmark_node_free(ch);
			return WOL_EINVAL;
		}
	}
	return 0;
}

int ex_render_html(const ex_model *m, const ex_page *p, char **out, size_t *len, wol_error *err)
{
	cmark_node *doc = cmark_node_new(CMARK_NODE_DOCUMENT);
	cmark_node *stack[16];
	int depth = 0, rc = doc ? 0 : WOL_ENOMEM;
	cmark_node *cur = doc;
	for (size_t i = 0; rc == 0 && i < p->nsegs; i++) {
		const ex_seg *s = &p->segs[i];
		if (s->kind == EX_SEG_OPEN) {
			cmark_node *div = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK);
			char *on = wol_strfmt("<div class=\"%s\">", s->text);
			if (!div || !on || !cmark_node_set_on_enter(div, on) ||
			    !cmark_node_set_on_exit(div, "</div>") || !cmark_node_append_child(cur, div) ||
			    depth == (int)(sizeof stack / sizeof stack[0])) {
				cmark_node_free(div);
				rc = WOL_ENOMEM;
			} else {
				stack[depth++] = cur;
				cur = div;
			}
			free(on);
			continue;
		}
		if (s->kind == EX_SEG_CLOSE) {
			if (depth > 0)
				cur = stack[--depth];
			continue;
		}
		cmark_node *sub = cmark_parse_document(s->text, strlen(s->text), OPTS);
		if (!sub) {
			rc = WOL_ENOMEM;
			break;
		}
		rc = fix_tree(m, p, s, sub);
		if (rc == 0)
			rc = graft(cur, sub);
		cmark_node_free(sub);
	}
	char *html = rc == 0 ? cmark_render_html(doc, OPTS) : NULL;
	cmark_node_free(doc);
	char *title = esc(p->title), *circle = esc(m->name);
	char *up = ex_rel_link(p->path, "", "");
	if (!html || !title || !circle || !up) {
		free(html);
		free(title);
		free(circle);
		free(up);
		return wol_error_set(err, rc == WOL_EINVAL ? WOL_EINVAL : WOL_ENOMEM,
		                     rc == WOL_EINVAL ? "export: %s: cannot build the page" : "out of memory",
		                     p->path);
	}
	int index = strcmp(p->path, "index") == 0;
	wol_buf b;
	wol_buf_init(&b);
	wol_buf_printf(&b,
	               "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n"
	               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	               "<title>%s%s%s</title>\n<link rel=\"stylesheet\" href=\"%sstyle.css\">\n"
	               "</head>\n<body>\n<nav><a href=\"%sindex.html\">%s</a></nav>\n<main>\n",
	               title, index ? "" : " · ", index ? "" : circle, up, up, circle);
	wol_buf_puts(&b, html);
	wol_buf_printf(&b,
	               "</main>\n<footer>Shared in the circle %s and exported with wol.nvim. "
	               "The words are their authors'.</footer>\n</body>\n</html>\n",
	               circle);
	free(html);
	free(title);
	free(circle);
	free(up);
	if (b.oom) {
		wol_buf_free(&b);
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	*len = b.len;
	*out = wol_buf_detach(&b);
	return 0;
}

const char *ex_css(void)
{
	return "/* wol export: one small style sheet, no fonts or scripts to fetch */\n"
	       ":root { color-scheme: light dark; --muted: #6a6f76; --line: #d7dbe0; "
	       "--accent: #2a7a3b; }\n"
	       "@media (prefers-color-scheme: dark) { :root { --muted: #9aa1a9; --line: #3a3f45; "
	       "--accent: #6fcf85; } }\n"
	       "body { max-width: 46rem; margin: 0 auto; padding: 1rem 1.25rem 3rem; "
	       "font: 1rem/1.6 system-ui, sans-serif; }\n"
	       "nav { padding: .5rem 0 1rem; border-bottom: 1px solid var(--line); }\n"
	       "nav a, a { color: var(--accent); }\n"
	       "h1 { line-height: 1.25; margin-top: 1.5rem; }\n"
	       "h2 { margin-top: 2rem; border-bottom: 1px solid var(--line); }\n"
	       ".meta { color: var(--muted); font-size: .95rem; }\n"
	       ".answer, .feedback, .helped { border-left: 3px solid var(--line); "
	       "padding: 0 0 0 1rem; margin: 1.25rem 0; }\n"
	       ".helped { border-color: var(--accent); }\n"
	       "pre { overflow-x: auto; padding: .75rem; border: 1px solid var(--line); }\n"
	       "code { font-family: ui-monospace, monospace; font-size: .9em; }\n"
	       "blockquote { margin-left: 0; padding-left: 1rem; border-left: 3px solid var(--line); "
	       "color: var(--muted); }\n"
	       "img { max-width: 100%; }\n"
	       "footer { margin-top: 3rem; color: var(--muted); font-size: .85rem; }\n";
}
