/* util/md.c - the one Markdown heading parser (journal sections, index
 * titles, the agenda section, prompt files). */
#include "util/util.h"

#include <ctype.h>

int wol_md_heading(const char *s, size_t n, const char **t, size_t *tn)
{
	size_t i = 0;
	while (i < n && i < 3 && s[i] == ' ')
		i++;
	size_t h = i;
	while (h < n && s[h] == '#')
		h++;
	int level = (int)(h - i);
	if (level < 1 || level > 6 || (h < n && s[h] != ' ' && s[h] != '\t'))
		return 0;
	const char *p = s + h, *e = s + n;
	while (p < e && isspace((unsigned char)*p))
		p++;
	while (e > p && (isspace((unsigned char)e[-1]) || e[-1] == '#'))
		e--;
	*t = p;
	*tn = (size_t)(e - p);
	return level;
}
