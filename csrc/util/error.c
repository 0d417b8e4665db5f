/* error.c - errors as values: one place that formats them */
#include "util/util.h"

#include <git2.h>
#include <stdio.h>
#include <string.h>

int wol_error_setv(wol_error *e, int code, const char *fmt, va_list ap)
{
	if (!e)
		return code;
	e->code = code;
	char tmp[WOL_ERRMSG_MAX];
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	size_t off = 0;
	if (strncmp(tmp, "wol: ", 5) != 0) {
		memcpy(e->msg, "wol: ", 5);
		off = 5;
	}
	size_t n = strlen(tmp);
	if (n > sizeof e->msg - 1 - off)
		n = sizeof e->msg - 1 - off;
	memcpy(e->msg + off, tmp, n);
	e->msg[off + n] = '\0';
	/* one line: a message never carries a newline */
	for (char *p = e->msg; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	return code;
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
	switch (code) {
	case WOL_OK: return "ok";
	case WOL_EINVAL: return "invalid";
	case WOL_ENOTFOUND: return "not found";
	case WOL_EIO: return "io";
	case WOL_EGIT: return "git";
	case WOL_ESQL: return "sqlite";
	case WOL_EEXISTS: return "exists";
	case WOL_EREFUSED: return "refused";
	case WOL_ELOCKED: return "locked";
	case WOL_ECONFLICT: return "conflict";
	case WOL_ENET: return "network";
	case WOL_EAUTH: return "auth";
	case WOL_EREJECTED: return "rejected";
	case WOL_ENOMEM: return "out of memory";
	default: return "error";
	}
}
