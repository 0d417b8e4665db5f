/* journal/text.c - reading an entry's Markdown: blank lines, line offsets,
 * headings, and where a question's heading is or goes */
#include "journal/journal_int.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

int wol_journal__is_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isspace((unsigned char)s[i]))
			return 0;
	return 1;
}

/* Offset of the first byte of line `line` (1-based) in text. */
size_t wol_journal__line_offset(const char *text, size_t len, int line)
{
	size_t off = 0;
	for (int l = 1; l < line && off < len; off++)
		if (text[off] == '\n')
			l++;
	return off;
}

/* ------------------------------------------------------------ headings */

int wol_journal_heading(const char *text, size_t len, const char *question, int *line,
                        char **append, wol_error *err)
{
	*line = 0;
	*append = NULL;
	const char *q = question ? question : "";
	while (isspace((unsigned char)*q))
		q++;
	size_t qn = strlen(q);
	while (qn && isspace((unsigned char)q[qn - 1]))
		qn--;
	if (qn == 0 || memchr(q, '\n', qn))
		return wol_error_set(err, WOL_EINVAL, "journal: a question must be one non-empty line");
	int l = 1;
	size_t s = 0;
	while (s < len) {
		const char *nl = memchr(text + s, '\n', len - s);
		size_t e = nl ? (size_t)(nl - text) : len;
		const char *t;
		size_t tn;
		if (wol_md_heading(text + s, e - s, &t, &tn) && tn == qn &&
		    strncasecmp(t, q, qn) == 0) {
			*line = l;
			return 0;
		}
		if (!nl)
			break;
		s = e + 1;
		l++;
	}
	/* lines in the text (a final line without '\n' counts) */
	int nlines = 0;
	for (size_t i = 0; i < len; i++)
		nlines += text[i] == '\n';
	if (len && text[len - 1] != '\n')
		nlines++;
	int last_blank = len == 0;
	if (len) {
		size_t e = len;
		if (text[e - 1] == '\n')
			e--;
		size_t b = e;
		while (b > 0 && text[b - 1] != '\n')
			b--;
		last_blank = wol_journal__is_blank(text + b, e - b);
	}
	*append = wol_strfmt("%s### %.*s\n", last_blank ? "" : "\n", (int)qn, q);
	if (!*append)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	*line = nlines + (last_blank ? 1 : 2);
	return 0;
}
