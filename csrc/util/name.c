/* name.c - handles, circle names, slugs and UTF-8 checks */
#include "util/util.h"

#include <string.h>

int wol_name_valid(const char *s)
{
	if (!s || !*s)
		return 0;
	size_t n = strlen(s);
	if (n > WOL_HANDLE_MAX)
		return 0;
	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9')))
		return 0;
	for (size_t i = 1; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-'))
			return 0;
	}
	/* "a..b" is harmless as a single path component, but keep names
	 * readable and unambiguous */
	return strstr(s, "..") == NULL;
}

int wol_name_check(const char *s, const char *what, wol_error *err)
{
	if (wol_name_valid(s))
		return 0;
	if (!s || !*s)
		return wol_error_set(err, WOL_EINVAL, "%s: must not be empty", what);
	char shown[64];
	size_t n = 0;
	for (const char *p = s; *p && n < sizeof shown - 4; p++)
		shown[n++] = (*p >= 0x20 && *p < 0x7f) ? *p : '?';
	shown[n] = '\0';
	return wol_error_set(err, WOL_EINVAL,
	                     "%s: '%s%s' is not valid (use 1-39 of a-z, 0-9, '.', '_', '-', "
	                     "starting with a letter or digit)",
	                     what, shown, strlen(s) > n ? "..." : "");
}

size_t wol_slug(const char *in, char *out, size_t outsz, size_t max)
{
	size_t n = 0;
	int dash = 0;
	if (outsz == 0)
		return 0;
	if (max >= outsz)
		max = outsz - 1;
	for (const unsigned char *p = (const unsigned char *)in; *p && n < max; p++) {
		unsigned char c = *p;
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (dash && n > 0 && n < max - 1)
				out[n++] = '-';
			dash = 0;
			out[n++] = (char)c;
		} else if (c < 0x80 || (c & 0xC0) == 0xC0) {
			/* ASCII punctuation or the start of a non-ASCII character */
			dash = 1;
		}
	}
	out[n] = '\0';
	return n;
}

size_t wol_utf8_next(const char *s, size_t n, unsigned int *cp_out)
{
	const unsigned char *p = (const unsigned char *)s;
	if (n == 0)
		return 0;
	unsigned char c = p[0];
	if (c < 0x80) {
		*cp_out = c;
		return 1;
	}
	size_t len;
	unsigned int cp;
	if ((c & 0xE0) == 0xC0) {
		len = 2;
		cp = c & 0x1F;
	} else if ((c & 0xF0) == 0xE0) {
		len = 3;
		cp = c & 0x0F;
	} else if ((c & 0xF8) == 0xF0) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3F);
	}
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	*cp_out = cp;
	return len;
}

int wol_utf8_valid(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned int cp;
		size_t len = wol_utf8_next(s + i, n - i, &cp);
		if (len == 0 || cp == 0)
			return 0;
		i += len;
	}
	return 1;
}

int wol_char_control(unsigned int cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

int wol_title_check(const char *what, const char *title, size_t max, char **out,
                    wol_error *err)
{
	*out = NULL;
	if (!title)
		title = "";
	while (*title == ' ' || *title == '\t')
		title++;
	size_t n = strlen(title);
	while (n > 0 && (title[n - 1] == ' ' || title[n - 1] == '\t' || title[n - 1] == '\n' ||
	                 title[n - 1] == '\r'))
		n--;
	if (n == 0)
		return wol_error_set(err, WOL_EINVAL, "%s: a title is needed; nothing was written",
		                     what);
	if (!wol_utf8_valid(title, n))
		return wol_error_set(err, WOL_EINVAL,
		                     "%s: the title is not valid UTF-8; nothing was written", what);
	for (size_t i = 0; i < n;) {
		unsigned int cp = 0;
		i += wol_utf8_next(title + i, n - i, &cp);
		if (cp == '\n' || cp == '\r')
			return wol_error_set(err, WOL_EINVAL,
			                     "%s: the title has more than one line (a title is one line; "
			                     "put the rest in the text); nothing was written",
			                     what);
		if (wol_char_control(cp) && cp != '\t')
			return wol_error_set(err, WOL_EINVAL,
			                     "%s: the title holds a control character (U+%04X); nothing "
			                     "was written",
			                     what, cp);
	}
	if (n > max)
		return wol_error_set(err, WOL_EINVAL,
		                     "%s: the title is too long (%zu bytes, %zu at most; put the "
		                     "details in the text); nothing was written",
		                     what, n, max);
	char *t = wol_strndup(title, n);
	if (!t)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	for (char *p = t; *p; p++)
		if (*p == '\t')
			*p = ' ';
	*out = t;
	return 0;
}

int wol_text_check(const char *what, const char *s, size_t max, int lines,
                           wol_error *err)
{
	size_t n = strlen(s);
	if (n > max)
		return wol_error_set(err, WOL_EINVAL, "%s: too long (%zu bytes, at most %zu)", what, n,
		                     max);
	if (!wol_utf8_valid(s, n))
		return wol_error_set(err, WOL_EINVAL, "%s: not valid UTF-8 text", what);
	for (size_t i = 0; i < n;) {
		unsigned int cp = 0;
		i += wol_utf8_next(s + i, n - i, &cp);
		if (cp == '\n' || cp == '\r') {
			if (!lines)
				return wol_error_set(err, WOL_EINVAL, "%s: holds a line break (give one line)",
				                     what);
		} else if (wol_char_control(cp) && cp != '\t') {
			return wol_error_set(err, WOL_EINVAL, "%s: holds a control character (U+%04X)", what,
			                     cp);
		}
	}
	return 0;
}
