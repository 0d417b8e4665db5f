/* export_int.h - what the files of csrc/export/ share; not API.
 *
 * An export is built in three steps: collect.c gathers what may leave the
 * circle (the rules of who is exported live there, once), page.c turns it
 * into pages of Markdown made of segments (our own text, and the authors'
 * bodies kept apart so that one cannot swallow the other), html.c renders
 * a page with cmark; export.c writes the bundle and swaps it into place. */
#ifndef WOL_EXPORT_INT_H
#define WOL_EXPORT_INT_H

#include "util/util.h"

/* One piece of text by someone: an answer, a piece of feedback. */
typedef struct ex_text {
	char *author;  /* handle */
	char *date;    /* YYYY-MM-DD or NULL */
	char *label;   /* "comment on lines 3-5", NULL */
	char *text;    /* Markdown as written */
	char *base;    /* the circle path its relative links are relative to */
} ex_text;

typedef struct ex_note {
	char *src;     /* notes/<handle>/<file>.md in the circle */
	char *page;    /* notes/<handle>/<stem> in the bundle (no extension) */
	char *author;
	char *title;
	char *date;    /* YYYY-MM-DD or NULL */
	char *status;  /* may be NULL */
	char *body;    /* Markdown, front matter removed */
	ex_text *feedback;
	size_t nfeedback;
} ex_note;

typedef struct ex_question {
	char *qid;
	char *page;    /* questions/<qid>/question */
	char *author;
	char *title;
	char *date;
	const char *state; /* "open" or "resolved" (static) */
	char *body;
	char *helped;  /* what helped, or NULL */
	char *about;   /* page of the note it is about when exported, or NULL */
	ex_text *answers; /* not retracted, in thread order */
	size_t nanswers;
} ex_question;

typedef struct ex_goal {
	char date[11];
	char *text;    /* "" when it was removed */
} ex_goal;

typedef struct ex_member {
	char *handle;
	char *page;    /* members/<handle> */
	char *name;
	char *goal;    /* now, or NULL */
	char *joined;
	ex_goal *revs; /* oldest first */
	size_t nrevs;
	/* what they answered on questions that are not exported (the
	 * question's words are not theirs to publish) */
	ex_text *answers;
	size_t nanswers;
} ex_member;

/* A circle path and the page it became. */
typedef struct ex_link {
	char *src;
	char *page;
} ex_link;

typedef struct ex_model {
	char *circle;       /* the directory name */
	char *name;         /* from circle.md */
	char *me;           /* the member exporting */
	int all;
	char from[11], to[11]; /* "" when open */
	ex_member *members; /* exported members, by handle */
	size_t nmembers;
	ex_note *notes;     /* by author, then date, then path */
	size_t nnotes;
	ex_question *questions; /* oldest first */
	size_t nquestions;
	size_t nanswers, nfeedback;
	ex_link *links;     /* sorted by src (ex_page_of) */
	size_t nlinks;
	wol_strv warnings;
} ex_model;

/* collect.c: fills the model from the circle (the rules of what may be
 * exported). include: handles besides mine. */
int ex_collect(wol_circle *c, const wol_export_opts *opts, ex_model *m, wol_error *err);
void ex_model_free(ex_model *m);
/* The exported page of a circle path (a note, a question's record, a
 * member file), or NULL when it is not exported. */
const char *ex_page_of(const ex_model *m, const char *circle_path);

/* page.c: a page as segments of Markdown. */
typedef enum ex_seg_kind {
	EX_SEG_OURS,  /* written here: every inserted string escaped */
	EX_SEG_BODY,  /* an author's Markdown, rendered on its own */
	EX_SEG_OPEN,  /* html: opens a <section class="..."> (text: the class) */
	EX_SEG_CLOSE  /* html: closes it */
} ex_seg_kind;

typedef struct ex_seg {
	ex_seg_kind kind;
	char *text;
	const char *base; /* BODY: the circle path its links are relative to */
} ex_seg;

typedef struct ex_page {
	char *path;   /* in the bundle, without extension */
	char *title;  /* plain text */
	ex_seg *segs;
	size_t nsegs, cap;
	wol_buf pending; /* our text not yet made a segment (while building) */
	int oom;
} ex_page;

/* Builds every page of the model (index first). ext: ".md" or ".html",
 * used in the links between pages. */
int ex_pages(const ex_model *m, ex_page **out, size_t *n, wol_error *err);
void ex_pages_free(ex_page *p, size_t n);
/* Markdown with ASCII punctuation that means something escaped, so that
 * a title shows as written (malloc'd; NULL on out of memory). */
char *ex_md_escape(const char *s);
/* The relative link from page `from` to page `to` (bundle paths without
 * extension) with `ext` appended (malloc'd). */
char *ex_rel_link(const char *from, const char *to, const char *ext);

/* md: the page as one Markdown document (author bodies closed so that an
 * unterminated code fence cannot take the rest of the page). */
int ex_render_md(const ex_page *p, char **out, size_t *len, wol_error *err);
/* html.c: the page as a standalone HTML document (cmark, safe mode: raw
 * HTML in bodies shown as text, unsafe URLs dropped; relative links that
 * lead to an exported page point at it, the others become plain text). */
int ex_render_html(const ex_model *m, const ex_page *p, char **out, size_t *len, wol_error *err);
/* The style sheet of an HTML bundle (static text). */
const char *ex_css(void);

#endif
