/* out.c - the one way the CLI prints text that came from files.
 *
 * Titles, names, paths and bodies come from circle repositories that other
 * people write. Printed as they are, an ESC or a C1 character in them would
 * be a command to the terminal (move the cursor, retitle the window, hide
 * lines). Every command prints such text through wol_cli_printf or
 * wol_cli_text, which write control characters as visible escapes. */
#include "cli.h"
#include "util/util.h" /* a front-end concern: escaping text for the terminal */

#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

/* Appends s, made safe: a control character (C0, DEL, C1; wol_char_control
 * decides) and a byte that is not UTF-8 become "\xHH" / "\u00HH". With
 * `lines` set, newlines and tabs are kept (a body) and the CR of a CRLF is
 * dropped; otherwise tab, CR and newline become one space each (a field
 * that must stay on its line). */
/* Whether the 8 bytes at p are all printable ASCII (0x20 to 0x7e): none
 * with its high bit, none below 0x20, none 0x7f (which a 1 added takes to
 * 0x80), tested on a word at once (the "hasless" test of Anderson's bit
 * hacks, exact for bytes below 0x80). */
static int printable8(const char *p)
{
	uint64_t x;
	memcpy(&x, p, sizeof x);
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
	return !(x & highs) && !((x - 0x20 * ones) & ~x & highs) && !((x + ones) & highs);
}

static void put_clean(wol_buf *b, const char *s, int lines)
{
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		/* a run of printable ASCII goes as it is, at once (a search's
		 * 50 lines are ~8,000 such bytes: a word at a time) */
		size_t run = 0;
		while (i + run + 8 <= n && printable8(s + i + run))
			run += 8;
		while (i + run < n && (unsigned char)s[i + run] >= 0x20 && (unsigned char)s[i + run] < 0x7f)
			run++;
		if (run) {
			wol_buf_put(b, s + i, run);
			i += run;
			continue;
		}
		unsigned int cp = 0;
		size_t k = wol_utf8_next(s + i, n - i, &cp);
		if (k == 0) {
			wol_buf_printf(b, "\\x%02x", (unsigned char)s[i]);
			i++;
			continue;
		}
		if (!wol_char_control(cp))
			wol_buf_put(b, s + i, k);
		else if (cp == '\n' || cp == '\t')
			wol_buf_put(b, lines ? s + i : " ", 1);
		else if (cp == '\r' && lines && s[i + 1] == '\n')
			; /* CRLF: the newline follows */
		else if (cp == '\r' && !lines)
			wol_buf_put(b, " ", 1);
		else if (cp < 0x80)
			wol_buf_printf(b, "\\x%02x", cp);
		else
			wol_buf_printf(b, "\\u%04x", cp);
		i += k;
	}
}

/* What "%d" gives for v. */
static void put_int(wol_buf *b, int v)
{
	char digits[16];
	size_t i = sizeof digits;
	unsigned int u = v < 0 ? 0u - (unsigned int)v : (unsigned int)v;
	do {
		digits[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		digits[--i] = '-';
	wol_buf_put(b, digits + i, sizeof digits - i);
}

static void reset(wol_buf *b)
{
	b->len = 0;
	if (b->ptr)
		b->ptr[0] = '\0';
}

/* One conversion of a printf format, read from *fmt (just after '%') into
 * spec ("%-12s"); returns its conversion character and sets the length
 * modifier ('l', 'L' for ll, 'z', 'h', 0). */
static char read_spec(const char **fmt, char *spec, size_t size, char *len, int *star_w,
                      int *star_p)
{
	const char *p = *fmt;
	size_t n = 0;
	spec[n++] = '%';
	*len = 0;
	*star_w = *star_p = 0;
	while (*p && strchr("-+ #0", *p) && n < size - 8)
		spec[n++] = *p++;
	if (*p == '*') {
		*star_w = 1;
		spec[n++] = *p++;
	}
	while (*p >= '0' && *p <= '9' && n < size - 8)
		spec[n++] = *p++;
	if (*p == '.') {
		spec[n++] = *p++;
		if (*p == '*') {
			*star_p = 1;
			spec[n++] = *p++;
		}
		while (*p >= '0' && *p <= '9' && n < size - 8)
			spec[n++] = *p++;
	}
	if (p[0] == 'l' && p[1] == 'l') {
		*len = 'L';
		spec[n++] = *p++;
		spec[n++] = *p++;
	} else if (*p == 'l' || *p == 'z' || *p == 'h') {
		*len = *p;
		spec[n++] = *p++;
		if (*len == 'h' && *p == 'h')
			spec[n++] = *p++;
	}
	char conv = *p;
	if (conv)
		spec[n++] = *p++;
	spec[n] = '\0';
	*fmt = p;
	return conv;
}

/* snprintf of one conversion with its optional '*' width and precision. */
#define PUT_ONE(b, spec, sw, sp, w, pr, val)                                                  \
	do {                                                                                   \
		if ((sw) && (sp))                                                              \
			wol_buf_printf((b), (spec), (w), (pr), (val));                         \
		else if (sw)                                                                   \
			wol_buf_printf((b), (spec), (w), (val));                               \
		else if (sp)                                                                   \
			wol_buf_printf((b), (spec), (pr), (val));                              \
		else                                                                           \
			wol_buf_printf((b), (spec), (val));                                    \
	} while (0)

/* fmt with ap appended to b, made safe; `field` a scratch buffer. */
static void vformat(wol_buf *b, wol_buf *field, const char *fmt, va_list ap)
{
	const char *p = fmt;
	while (*p) {
		const char *pct = strchr(p, '%');
		if (!pct) {
			wol_buf_puts(b, p);
			break;
		}
		wol_buf_put(b, p, (size_t)(pct - p));
		p = pct + 1;
		if (*p == '%') {
			wol_buf_put(b, "%", 1);
			p++;
			continue;
		}
		char spec[32], len;
		int sw, sp;
		char conv = read_spec(&p, spec, sizeof spec, &len, &sw, &sp);
		int w = sw ? va_arg(ap, int) : 0;
		int pr = sp ? va_arg(ap, int) : 0;
		switch (conv) {
		case 's': {
			const char *s = va_arg(ap, const char *);
			if (spec[2] == '\0') { /* a plain %s: made safe straight into the line */
				put_clean(b, s ? s : "(null)", 0);
				break;
			}
			reset(field);
			put_clean(field, s ? s : "(null)", 0);
			PUT_ONE(b, spec, sw, sp, w, pr, field->ptr ? field->ptr : "");
			break;
		}
		case 'c': {
			char ch[2] = {(char)va_arg(ap, int), '\0'};
			reset(field);
			put_clean(field, ch, 0);
			wol_buf_puts(b, field->ptr ? field->ptr : "");
			break;
		}
		case 'd':
		case 'i':
			if (len == 0 && spec[2] == '\0') {
				/* a plain %d (a line number: one per search hit):
				 * the digits by hand, not a vsnprintf each */
				put_int(b, va_arg(ap, int));
				break;
			}
			if (len == 'L')
				PUT_ONE(b, spec, sw, sp, w, pr, va_arg(ap, long long));
			else if (len == 'l')
				PUT_ONE(b, spec, sw, sp, w, pr, va_arg(ap, long));
			else if (len == 'z')
				PUT_ONE(b, spec, sw, sp, w, pr, va_arg(ap, ssize_t));
			else
				PUT_ONE(b, spec, sw, sp, w, pr, va_arg(ap, int));
			break;
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			if (len == 'L')
				PUT_ONE(b, spec, sw, sp, w, pr, va_arg(ap, unsigned long long));
			else if (len == 'l')
				PUT_ONE(b, spec, sw, sp, w, pr, va_arg(ap, unsigned long));
			else if (len == 'z')
				PUT_ONE(b, spec, sw, sp, w, pr, va_arg(ap, size_t));
			else
				PUT_ONE(b, spec, sw, sp, w, pr, va_arg(ap, unsigned int));
			break;
		case 'f':
		case 'g':
		case 'e':
			PUT_ONE(b, spec, sw, sp, w, pr, va_arg(ap, double));
			break;
		case 'p':
			PUT_ONE(b, spec, sw, sp, w, pr, va_arg(ap, void *));
			break;
		default: /* not used by the CLI; the compiler checks the formats */
			wol_buf_puts(b, spec);
			break;
		}
	}
}

int wol_cli_vprintf(FILE *f, const char *fmt, va_list ap)
{
	wol_buf b, field;
	wol_buf_init(&b);
	wol_buf_init(&field);
	vformat(&b, &field, fmt, ap);
	int rc = 0;
	if (b.oom || field.oom)
		rc = -1;
	else if (b.len && fwrite(b.ptr, 1, b.len, f) != b.len)
		rc = -1;
	wol_buf_free(&b);
	wol_buf_free(&field);
	return rc;
}

int wol_cli_bprintf(wol_buf *b, const char *fmt, ...)
{
	wol_buf field;
	wol_buf_init(&field);
	va_list ap;
	va_start(ap, fmt);
	vformat(b, &field, fmt, ap);
	va_end(ap);
	int rc = b->oom || field.oom ? -1 : 0;
	wol_buf_free(&field);
	return rc;
}

int wol_cli_printf(FILE *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = wol_cli_vprintf(f, fmt, ap);
	va_end(ap);
	return rc;
}

int wol_cli_text(FILE *f, const char *text)
{
	wol_buf b;
	wol_buf_init(&b);
	put_clean(&b, text ? text : "", 1);
	int rc = b.oom ? -1 : 0;
	if (!rc && b.len && fwrite(b.ptr, 1, b.len, f) != b.len)
		rc = -1;
	wol_buf_free(&b);
	return rc;
}
