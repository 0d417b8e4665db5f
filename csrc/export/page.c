/* export/page.c - the pages of an export as segments of Markdown: our own
 * text (every string from a file escaped) and the authors' bodies, kept
 * apart so that each is parsed on its own. The bundle mirrors the circle's
 * layout (notes/<handle>/<stem>, questions/<qid>/question, members/<handle>),
 * so relative links between notes written by their authors keep working. */
#include "export/export_int.h"

#include <cmark.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* -------------------------------------------------------------- helpers */

char *ex_md_escape(const char *s)
{
	wol_buf b;
	wol_buf_init(&b);
	wol_buf_puts(&b, "");
	/* whitespace runs (newlines too) become one space: the strings we
	 * insert are titles, names and goals, each shown on one line */
	int space = 0;
	for (const char *p = s ? s : ""; *p; p++) {
		char ch = *p;
		if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
			space = b.len > 0;
			continue;
		}
		if (space)
			wol_buf_put(&b, " ", 1);
		space = 0;
		if (strchr("\\`*_[]<>#!|~&", ch))
			wol_buf_put(&b, "\\", 1);
		wol_buf_put(&b, &ch, 1);
	}
	if (b.oom) {
		wol_buf_free(&b);
		return NULL;
	}
	return wol_buf_detach(&b);
}

char *ex_rel_link(const char *from, const char *to, const char *ext)
{
	/* the common directory prefix of the two pages */
	size_t common = 0;
	for (size_t i = 0; from[i] && from[i] == to[i]; i++)
		if (from[i] == '/')
			common = i + 1;
	wol_buf b;
	wol_buf_init(&b);
	wol_buf_puts(&b, "");
	for (const char *p = from + common; *p; p++)
		if (*p == '/')
			wol_buf_puts(&b, "../");
	wol_buf_puts(&b, to + common);
	wol_buf_puts(&b, ext);
	if (b.oom) {
		wol_buf_free(&b);
		return NULL;
	}
	return wol_buf_detach(&b);
}

static void seg_push(ex_page *p, ex_seg_kind kind, char *text, const char *base)
{
	if (!text) {
		p->oom = 1;
		return;
	}
	if (p->nsegs == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		ex_seg *v = realloc(p->segs, cap * sizeof *v);
		if (!v) {
			free(text);
			p->oom = 1;
			return;
		}
		p->segs = v;
		p->cap = cap;
	}
	p->segs[p->nsegs].kind = kind;
	p->segs[p->nsegs].text = text;
	p->segs[p->nsegs].base = base;
	p->nsegs++;
}

/* Our pending text becomes a segment of its own. */
static void flush(ex_page *p)
{
	if (p->pending.oom)
		p->oom = 1;
	if (p->pending.len == 0 || p->pending.oom) {
		wol_buf_free(&p->pending);
		return;
	}
	seg_push(p, EX_SEG_OURS, wol_buf_detach(&p->pending), NULL);
	wol_buf_init(&p->pending);
}

static void seg_add(ex_page *p, ex_seg_kind kind, char *text, const char *base)
{
	flush(p);
	seg_push(p, kind, text, base);
}

/* Appends our own Markdown to the page. */
static void ours(ex_page *p, const char *fmt, ...) WOL_PRINTF(2, 3);
static void ours(ex_page *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = NULL;
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (!s) {
		p->oom = 1;
		return;
	}
	wol_buf_puts(&p->pending, s);
	free(s);
}

static void body(ex_page *p, const char *text, const char *base)
{
	seg_add(p, EX_SEG_BODY, wol_strdup(text ? text : ""), base);
}

static void open_div(ex_page *p, const char *cls)
{
	seg_add(p, EX_SEG_OPEN, wol_strfmt("%s", cls), NULL);
}

static void close_div(ex_page *p)
{
	seg_add(p, EX_SEG_CLOSE, wol_strfmt("%s", ""), NULL);
}

/* Escaped strings for one page, freed together with it. */
typedef struct esc_pool {
	char *v[64];
	size_t n;
	int oom;
} esc_pool;

static const char *E(esc_pool *pool, const char *s)
{
	if (pool->n == sizeof pool->v / sizeof pool->v[0]) {
		pool->oom = 1;
		return "";
	}
	char *e = ex_md_escape(s);
	if (!e) {
		pool->oom = 1;
		return "";
	}
	pool->v[pool->n++] = e;
	return e;
}

static const char *L(esc_pool *pool, const char *from, const char *to)
{
	if (pool->n == sizeof pool->v / sizeof pool->v[0]) {
		pool->oom = 1;
		return "";
	}
	char *l = ex_rel_link(from, to, ".md");
	if (!l) {
		pool->oom = 1;
		return "";
	}
	pool->v[pool->n++] = l;
	return l;
}

static void pool_done(esc_pool *pool, ex_page *p)
{
	for (size_t i = 0; i < pool->n; i++)
		free(pool->v[i]);
	if (pool->oom)
		p->oom = 1;
	pool->n = 0;
	pool->oom = 0;
}

static const ex_member *member_of(const ex_model *m, const char *handle)
{
	for (size_t i = 0; i < m->nmembers; i++)
		if (strcmp(m->members[i].handle, handle) == 0)
			return &m->members[i];
	return NULL;
}

/* "[Name (@h)](link)" for an exported member, else "@h". */
static void who(ex_page *p, esc_pool *pool, const ex_model *m, const char *handle, int full)
{
	const ex_member *x = member_of(m, handle);
	if (!x) {
		ours(p, "@%s", E(pool, handle));
		return;
	}
	if (full && strcmp(x->name, x->handle) != 0)
		ours(p, "[%s (@%s)](%s)", E(pool, x->name), E(pool, handle), L(pool, p->path, x->page));
	else
		ours(p, "[@%s](%s)", E(pool, handle), L(pool, p->path, x->page));
}

static const char *plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* ---------------------------------------------------------------- pages */

static ex_page *new_page(ex_page **v, size_t *n, size_t *cap, const char *path, const char *title)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		ex_page *nv = realloc(*v, nc * sizeof *nv);
		if (!nv)
			return NULL;
		*v = nv;
		*cap = nc;
	}
	ex_page *p = &(*v)[(*n)++];
	memset(p, 0, sizeof *p);
	p->path = wol_strfmt("%s", path);
	p->title = wol_strfmt("%s", title);
	if (!p->path || !p->title)
		p->oom = 1;
	return p;
}

static void index_page(const ex_model *m, ex_page *p)
{
	esc_pool pool = {.n = 0};
	ours(p, "# %s\n\n", E(&pool, m->name));
	ours(p, "What ");
	for (size_t i = 0; i < m->nmembers; i++) {
		ours(p, "%s", i == 0 ? "" : i + 1 == m->nmembers ? " and " : ", ");
		who(p, &pool, m, m->members[i].handle, 0);
		pool_done(&pool, p);
	}
	ours(p, " shared in the circle %s while working out loud", E(&pool, m->name));
	if (m->from[0] && m->to[0])
		ours(p, ", from %s to %s", m->from, m->to);
	else if (m->from[0])
		ours(p, ", from %s on", m->from);
	else if (m->to[0])
		ours(p, ", up to %s", m->to);
	ours(p, ": %zu %s, %zu %s with %zu %s.\n\n", m->nnotes, plural(m->nnotes, "note", "notes"),
	     m->nquestions, plural(m->nquestions, "question", "questions"), m->nanswers,
	     plural(m->nanswers, "answer", "answers"));
	pool_done(&pool, p);

	ours(p, "## Members\n\n");
	for (size_t i = 0; i < m->nmembers; i++) {
		const ex_member *x = &m->members[i];
		ours(p, "- ");
		who(p, &pool, m, x->handle, 1);
		if (x->goal && *x->goal)
			ours(p, ": %s", E(&pool, x->goal));
		ours(p, "\n");
		pool_done(&pool, p);
	}

	ours(p, "\n## Notes\n\n");
	if (m->nnotes == 0)
		ours(p, "No notes.\n");
	const char *author = NULL;
	for (size_t i = 0; i < m->nnotes; i++) {
		const ex_note *n = &m->notes[i];
		if (!author || strcmp(author, n->author) != 0) {
			author = n->author;
			const ex_member *x = member_of(m, author);
			ours(p, "%s### %s\n\n", i ? "\n" : "", E(&pool, x ? x->name : author));
		}
		ours(p, "- [%s](%s)", E(&pool, n->title), L(&pool, p->path, n->page));
		if (n->date)
			ours(p, " · %s", n->date);
		ours(p, "\n");
		pool_done(&pool, p);
	}

	ours(p, "\n## Questions\n\n");
	if (m->nquestions == 0)
		ours(p, "No questions.\n");
	for (size_t i = 0; i < m->nquestions; i++) {
		const ex_question *q = &m->questions[i];
		ours(p, "- [%s](%s) · ", E(&pool, q->title), L(&pool, p->path, q->page));
		who(p, &pool, m, q->author, 0);
		if (q->date)
			ours(p, " · %s", q->date);
		ours(p, " · %s · %zu %s\n", q->state, q->nanswers,
		     plural(q->nanswers, "answer", "answers"));
		pool_done(&pool, p);
	}
}

/* The meta line under a heading: "by X · date · extra". */
static void meta(ex_page *p, esc_pool *pool, const ex_model *m, const char *verb,
                 const char *handle, const char *date, const char *extra)
{
	open_div(p, "meta");
	ours(p, "*%s ", verb);
	who(p, pool, m, handle, 1);
	if (date)
		ours(p, " · %s", date);
	if (extra)
		ours(p, " · %s", E(pool, extra));
	ours(p, "*\n");
	close_div(p);
}

/* A note's body may start with its own level-1 heading: keep it first. */
static size_t leading_heading(const char *text)
{
	const char *s = text;
	while (*s == '\n' || (*s == '\r' && s[1] == '\n'))
		s += *s == '\r' ? 2 : 1;
	if (s[0] != '#' || (s[1] != ' ' && s[1] != '\t'))
		return 0;
	const char *e = strchr(s, '\n');
	return e ? (size_t)(e - text) + 1 : strlen(text);
}

static void note_page(const ex_model *m, const ex_note *n, ex_page *p)
{
	esc_pool pool = {.n = 0};
	size_t head = leading_heading(n->body);
	if (head) {
		char *h = wol_strndup(n->body, head);
		body(p, h, n->src);
		free(h);
	} else {
		ours(p, "# %s\n", E(&pool, n->title));
	}
	meta(p, &pool, m, "by", n->author, n->date, n->status);
	body(p, n->body + head, n->src);
	if (n->nfeedback) {
		ours(p, "## Feedback\n\n");
		for (size_t i = 0; i < n->nfeedback; i++) {
			const ex_text *t = &n->feedback[i];
			open_div(p, "feedback");
			ours(p, "### ");
			who(p, &pool, m, t->author, 0);
			if (t->date)
				ours(p, " · %s", t->date);
			if (t->label)
				ours(p, " · %s", E(&pool, t->label));
			ours(p, "\n");
			body(p, t->text, t->base);
			close_div(p);
			pool_done(&pool, p);
		}
	}
	pool_done(&pool, p);
}

static void question_page(const ex_model *m, const ex_question *q, ex_page *p)
{
	esc_pool pool = {.n = 0};
	ours(p, "# %s\n", E(&pool, q->title));
	open_div(p, "meta");
	ours(p, "*asked by ");
	who(p, &pool, m, q->author, 1);
	if (q->date)
		ours(p, " · %s", q->date);
	ours(p, " · %s*", q->state);
	if (q->about) {
		const ex_note *about = NULL;
		for (size_t i = 0; i < m->nnotes && !about; i++)
			if (strcmp(m->notes[i].page, q->about) == 0)
				about = &m->notes[i];
		if (about)
			ours(p, " · about [%s](%s)", E(&pool, about->title), L(&pool, p->path, about->page));
	}
	ours(p, "\n");
	close_div(p);
	body(p, q->body, q->page);
	pool_done(&pool, p);
	if (q->helped && *q->helped) {
		open_div(p, "helped");
		ours(p, "## What helped\n");
		body(p, q->helped, q->page);
		close_div(p);
	}
	ours(p, "## Answers\n\n%s", q->nanswers ? "" : "No answers.\n");
	for (size_t i = 0; i < q->nanswers; i++) {
		const ex_text *t = &q->answers[i];
		open_div(p, "answer");
		ours(p, "### ");
		who(p, &pool, m, t->author, 0);
		if (t->date)
			ours(p, " · %s", t->date);
		ours(p, "\n");
		body(p, t->text, t->base);
		close_div(p);
		pool_done(&pool, p);
	}
}

static void member_page(const ex_model *m, const ex_member *x, ex_page *p)
{
	esc_pool pool = {.n = 0};
	if (strcmp(x->name, x->handle) != 0)
		ours(p, "# %s (@%s)\n\n", E(&pool, x->name), E(&pool, x->handle));
	else
		ours(p, "# @%s\n\n", E(&pool, x->handle));
	if (x->joined)
		ours(p, "*joined the circle %s on %s*\n\n", E(&pool, m->name), x->joined);
	ours(p, "## Goal\n\n");
	if (x->goal && *x->goal)
		ours(p, "> %s\n\n", E(&pool, x->goal));
	else
		ours(p, "No goal written down.\n\n");
	pool_done(&pool, p);
	if (x->nrevs > 1) {
		ours(p, "### How the goal changed\n\n");
		for (size_t i = 0; i < x->nrevs; i++) {
			ours(p, "- %s: %s\n", x->revs[i].date,
			     *x->revs[i].text ? E(&pool, x->revs[i].text) : "*(removed)*");
			pool_done(&pool, p);
		}
		ours(p, "\n");
	}
	size_t nn = 0, nq = 0, na = 0;
	for (size_t i = 0; i < m->nnotes; i++)
		nn += strcmp(m->notes[i].author, x->handle) == 0;
	ours(p, "## Notes\n\n");
	for (size_t i = 0; i < m->nnotes; i++) {
		const ex_note *n = &m->notes[i];
		if (strcmp(n->author, x->handle) != 0)
			continue;
		ours(p, "- [%s](%s)%s%s\n", E(&pool, n->title), L(&pool, p->path, n->page),
		     n->date ? " · " : "", n->date ? n->date : "");
		pool_done(&pool, p);
	}
	ours(p, "%s\n## Questions asked\n\n", nn ? "" : "No notes.\n");
	for (size_t i = 0; i < m->nquestions; i++) {
		const ex_question *q = &m->questions[i];
		if (strcmp(q->author, x->handle) != 0)
			continue;
		nq++;
		ours(p, "- [%s](%s)%s%s · %s\n", E(&pool, q->title), L(&pool, p->path, q->page),
		     q->date ? " · " : "", q->date ? q->date : "", q->state);
		pool_done(&pool, p);
	}
	ours(p, "%s\n## Answers given\n\n", nq ? "" : "No questions.\n");
	for (size_t i = 0; i < m->nquestions; i++) {
		const ex_question *q = &m->questions[i];
		for (size_t k = 0; k < q->nanswers; k++) {
			if (strcmp(q->answers[k].author, x->handle) != 0)
				continue;
			na++;
			ours(p, "- to [%s](%s)%s%s\n", E(&pool, q->title), L(&pool, p->path, q->page),
			     q->answers[k].date ? " · " : "", q->answers[k].date ? q->answers[k].date : "");
			pool_done(&pool, p);
		}
	}
	if (!na && !x->nanswers)
		ours(p, "No answers.\n");
	for (size_t i = 0; i < x->nanswers; i++) {
		/* the question is not exported: its asker's words stay out */
		const ex_text *t = &x->answers[i];
		open_div(p, "answer");
		ours(p, "%s### %s%s%s\n", i || na ? "\n" : "", t->label ? E(&pool, t->label) : "an answer",
		     t->date ? " · " : "", t->date ? t->date : "");
		body(p, t->text, t->base);
		close_div(p);
		pool_done(&pool, p);
	}
}

int ex_pages(const ex_model *m, ex_page **out, size_t *n, wol_error *err)
{
	ex_page *v = NULL;
	size_t cnt = 0, cap = 0;
	int oom = 0;
	ex_page *p = new_page(&v, &cnt, &cap, "index", m->name);
	if (p)
		index_page(m, p);
	oom |= !p;
	for (size_t i = 0; !oom && i < m->nmembers; i++) {
		const ex_member *x = &m->members[i];
		char *t = strcmp(x->name, x->handle) ? wol_strfmt("%s (@%s)", x->name, x->handle)
		                                     : wol_strfmt("@%s", x->handle);
		p = t ? new_page(&v, &cnt, &cap, x->page, t) : NULL;
		free(t);
		if (p)
			member_page(m, x, p);
		oom |= !p;
	}
	for (size_t i = 0; !oom && i < m->nnotes; i++) {
		p = new_page(&v, &cnt, &cap, m->notes[i].page, m->notes[i].title);
		if (p)
			note_page(m, &m->notes[i], p);
		oom |= !p;
	}
	for (size_t i = 0; !oom && i < m->nquestions; i++) {
		p = new_page(&v, &cnt, &cap, m->questions[i].page, m->questions[i].title);
		if (p)
			question_page(m, &m->questions[i], p);
		oom |= !p;
	}
	for (size_t i = 0; i < cnt; i++) {
		flush(&v[i]);
		oom |= v[i].oom;
	}
	if (oom) {
		ex_pages_free(v, cnt);
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	*out = v;
	*n = cnt;
	return 0;
}

void ex_pages_free(ex_page *p, size_t n)
{
	for (size_t i = 0; p && i < n; i++) {
		for (size_t k = 0; k < p[i].nsegs; k++)
			free(p[i].segs[k].text);
		free(p[i].segs);
		wol_buf_free(&p[i].pending);
		free(p[i].path);
		free(p[i].title);
	}
	free(p);
}

/* ------------------------------------------------------------ Markdown */

/* Line `line` (1-based) of text: after up to 3 spaces, a run of '`' or
 * '~'? *ch and *n get it, *only 1 when nothing but blanks follows it. */
static int fence_at(const char *text, size_t len, int line, char *ch, int *n, int *only)
{
	const char *s = text, *end = text + len;
	for (int l = 1; l < line && s; l++) {
		s = memchr(s, '\n', (size_t)(end - s));
		s = s ? s + 1 : NULL;
	}
	if (!s)
		return 0;
	for (int k = 0; k < 3 && s < end && *s == ' '; k++)
		s++;
	if (s >= end || (*s != '`' && *s != '~'))
		return 0;
	*ch = *s;
	*n = 0;
	while (s < end && *s == *ch) {
		s++;
		(*n)++;
	}
	*only = 1;
	for (; s < end && *s != '\n'; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r')
			*only = 0;
	return *n >= 3;
}

/* Lines that close a fenced code block left open at the end of `text`
 * ("" when nothing is open). cmark finds the last block; its first and
 * last lines say whether it is a fence and whether that was closed. */
static char *open_fence(const char *text, size_t len)
{
	cmark_node *doc = cmark_parse_document(text, len, CMARK_OPT_DEFAULT);
	if (!doc)
		return NULL;
	cmark_node *last = cmark_node_last_child(doc);
	int open = 0, flen = 0, only = 0;
	char fch = 0;
	if (last && cmark_node_get_type(last) == CMARK_NODE_CODE_BLOCK &&
	    fence_at(text, len, cmark_node_get_start_line(last), &fch, &flen, &only)) {
		int start = cmark_node_get_start_line(last), end = cmark_node_get_end_line(last);
		char ech = 0;
		int elen = 0;
		open = !(end > start && fence_at(text, len, end, &ech, &elen, &only) && ech == fch &&
		         elen >= flen && only);
	}
	cmark_node_free(doc);
	wol_buf b;
	wol_buf_init(&b);
	wol_buf_puts(&b, "");
	if (open) {
		for (int k = 0; k < flen; k++)
			wol_buf_put(&b, &fch, 1);
		wol_buf_puts(&b, "\n");
	}
	if (b.oom) {
		wol_buf_free(&b);
		return NULL;
	}
	return wol_buf_detach(&b);
}

int ex_render_md(const ex_page *p, char **out, size_t *len, wol_error *err)
{
	wol_buf b;
	wol_buf_init(&b);
	wol_buf_puts(&b, "");
	for (size_t i = 0; i < p->nsegs; i++) {
		const ex_seg *s = &p->segs[i];
		if (s->kind == EX_SEG_OPEN || s->kind == EX_SEG_CLOSE)
			continue;
		if (b.len && b.ptr[b.len - 1] != '\n')
			wol_buf_puts(&b, "\n");
		if (b.len > 1 && !(b.ptr[b.len - 1] == '\n' && b.ptr[b.len - 2] == '\n'))
			wol_buf_puts(&b, "\n");
		if (s->kind == EX_SEG_OURS) {
			wol_buf_puts(&b, s->text);
			continue;
		}
		const char *t = s->text;
		while (*t == '\n')
			t++;
		size_t tl = strlen(t);
		while (tl && (t[tl - 1] == '\n' || t[tl - 1] == ' ' || t[tl - 1] == '\r'))
			tl--;
		if (!tl)
			continue;
		wol_buf_put(&b, t, tl);
		wol_buf_puts(&b, "\n");
		char *close = open_fence(t, tl);
		if (!close)
			b.oom = 1;
		else
			wol_buf_puts(&b, close);
		free(close);
	}
	while (b.len > 1 && b.ptr[b.len - 1] == '\n' && b.ptr[b.len - 2] == '\n')
		b.ptr[--b.len] = '\0';
	if (b.oom) {
		wol_buf_free(&b);
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	*len = b.len;
	*out = wol_buf_detach(&b);
	return 0;
}
