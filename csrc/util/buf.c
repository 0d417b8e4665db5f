/* buf.c - growable byte buffers and small string helpers */
#include "util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void wol_buf_init(wol_buf *b)
{
	b->ptr = NULL;
	b->len = b->cap = 0;
	b->oom = 0;
}

void wol_buf_free(wol_buf *b)
{
	free(b->ptr);
	wol_buf_init(b);
}

static int grow(wol_buf *b, size_t extra)
{
	if (b->oom)
		return WOL_ENOMEM;
	if (b->len + extra + 1 <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + extra + 1) {
		if (cap > ((size_t)-1) / 2) {
			b->oom = 1;
			return WOL_ENOMEM;
		}
		cap *= 2;
	}
	char *p = realloc(b->ptr, cap);
	if (!p) {
		b->oom = 1;
		return WOL_ENOMEM;
	}
	b->ptr = p;
	b->cap = cap;
	return 0;
}

int wol_buf_put(wol_buf *b, const char *s, size_t n)
{
	if (grow(b, n) != 0)
		return WOL_ENOMEM;
	if (n)
		memcpy(b->ptr + b->len, s, n);
	b->len += n;
	b->ptr[b->len] = '\0';
	return 0;
}

int wol_buf_puts(wol_buf *b, const char *s)
{
	return wol_buf_put(b, s, strlen(s));
}

int wol_buf_printf(wol_buf *b, const char *fmt, ...)
{
	if (b->oom)
		return WOL_ENOMEM;
	/* formatted once into the room the buffer has; a second time only
	 * when it did not fit */
	size_t room = b->cap > b->len ? b->cap - b->len : 0;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(room ? b->ptr + b->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n < 0 || ((size_t)n >= room && grow(b, (size_t)n) != 0)) {
		if (room)
			b->ptr[b->len] = '\0'; /* what the failed call wrote is not kept */
		return WOL_ENOMEM;
	}
	if ((size_t)n >= room) {
		va_start(ap, fmt);
		vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
	return 0;
}

char *wol_buf_detach(wol_buf *b)
{
	if (b->oom) {
		wol_buf_free(b);
		return NULL;
	}
	if (!b->ptr && grow(b, 0) != 0)
		return NULL;
	if (b->len == 0)
		b->ptr[0] = '\0';
	char *p = b->ptr;
	wol_buf_init(b);
	return p;
}

char *wol_strfmt(const char *fmt, ...)
{
	/* most results are short: formatted once, on the stack, then copied */
	char small[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	char *p = malloc((size_t)n + 1);
	if (!p)
		return NULL;
	if ((size_t)n < sizeof small) {
		memcpy(p, small, (size_t)n + 1);
		return p;
	}
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

char *wol_strndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *wol_strdup(const char *s)
{
	return s ? wol_strndup(s, strlen(s)) : NULL;
}

void wol_strv_free(char **v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}
