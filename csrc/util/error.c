/* error.c - errors as values: one place that formats them */
#include "util/util.h"

#include <git2.h>
#include <stdio.h>
#include <string.h>

/* Every message starts with this; only this file knows it. */
#define PREFIX "wol: "
#define PREFIX_LEN (sizeof PREFIX - 1)

int wol_error_setv(wol_error *e, int code, const char *fmt, va_list ap)
{
	if (!e)
		return code;
	/* the text may come from e itself (wol_error_text of the error being
	 * replaced): format into a copy first */
	char tmp[WOL_ERRMSG_MAX];
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	e->code = code;
	memcpy(e->msg, PREFIX, PREFIX_LEN);
	size_t n = strlen(tmp);
	if (n > sizeof e->msg - 1 - PREFIX_LEN)
		n = sizeof e->msg - 1 - PREFIX_LEN;
	memcpy(e->msg + PREFIX_LEN, tmp, n);
	e->msg[PREFIX_LEN + n] = '\0';
	/* one line: a message never carries a newline */
	for (char *p = e->msg; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	return code;
}

const char *wol_error_text(const wol_error *e)
{
	return e->msg[0] ? e->msg + PREFIX_LEN : e->msg;
}

int wol_error_set(wol_error *e, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	wol_error_setv(e, code, fmt, ap);
	va_end(ap);
	return code;
}

int wol_error_git(wol_error *e, int gitrc, const char *what)
{
	const git_error *ge = git_error_last();
	const char *why = ge && ge->message ? ge->message : "unknown libgit2 error";
	int code = WOL_EGIT;
	if (ge && (ge->klass == GIT_ERROR_NET || ge->klass == GIT_ERROR_HTTP))
		code = WOL_ENET;
	if (gitrc == GIT_EAUTH || gitrc == GIT_ECERTIFICATE)
		code = WOL_EAUTH;
	if (gitrc == GIT_ELOCKED)
		code = WOL_ELOCKED;
	if (gitrc == GIT_ENOTFOUND)
		code = WOL_ENOTFOUND;
	return wol_error_set(e, code, "%s: %s", what, why);
}

void wol_error_clear(wol_error *e)
{
	if (e) {
		e->code = 0;
		e->msg[0] = '\0';
	}
}

const char *wol_error_name(int code)
{
#define WOL_CODE_NAME_(sym, value, name)                                         \
	case sym:                                                                \
		return name;
	switch (code) {
	case WOL_OK:
		return "ok";
		WOL_CODES(WOL_CODE_NAME_)
	default:
		return "error";
	}
#undef WOL_CODE_NAME_
}
