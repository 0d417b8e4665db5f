/* repo/remote_error.c - what a failed network operation tells the user:
 * libgit2's error turned into one message with its code (network, auth,
 * refused, rejected), certificate refusals explained, a password kept out
 * of the clone's config, and URLs redacted for showing. The other half of
 * the one credential path in remote.c. */
#include "remote.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int contains(const char *hay, const char *needle)
{
	return hay && strcasestr(hay, needle) != NULL;
}

/* Why a TLS certificate was refused, from libgit2's message. */
static const char *cert_reason(const char *why, int ip)
{
	if (contains(why, "expired"))
		return "has expired (the host must renew it)";
	if (contains(why, "future") || contains(why, "not yet valid"))
		return "is not valid yet (is this machine's clock right?)";
	if (contains(why, "CN") || contains(why, "Common Name") || contains(why, "hostname") ||
	    contains(why, "host name") || contains(why, "does not match"))
		return ip ? "is not made out to this IP address (libgit2 with mbedTLS, as Debian builds "
		            "it, cannot check a certificate for an IP address: use the host's name in "
		            "the URL)"
		          : "is made out to another host name";
	return "is not signed by a certificate authority this machine trusts (for a private CA: "
	       "git config --global http.sslCAInfo /path/to/ca.pem, see :help wol-remotes)";
}

static int is_ip(const char *host)
{
	if (strchr(host, ':'))
		return 1; /* IPv6 */
	for (const char *p = host; *p; p++)
		if (!((*p >= '0' && *p <= '9') || *p == '.'))
			return 0;
	return *host != '\0';
}

/* The server's words from an ssh stderr message or sideband lines. */
static void trim_copy(char *out, size_t n, const char *in)
{
	size_t j = 0;
	for (const char *p = in; *p && j + 1 < n; p++) {
		char c = *p == '\n' || *p == '\r' || *p == '\t' ? ' ' : *p;
		if ((unsigned char)c < 0x20)
			continue;
		if (c == ' ' && (j == 0 || out[j - 1] == ' '))
			continue;
		out[j++] = c;
	}
	while (j > 0 && out[j - 1] == ' ')
		j--;
	out[j] = '\0';
}

static int denial(const char *text)
{
	static const char *const words[] = {"denied", "permission", "not allowed", "forbidden",
	                                    "unauthorized", "not authorized", "access",
	                                    "read-only", "read only"};
	for (size_t i = 0; i < sizeof words / sizeof *words; i++)
		if (contains(text, words[i]))
			return 1;
	return 0;
}

int wol_remote__error(wol_remote_cb *s, int grc, const char *phase, const char *url,
                      wol_error *err)
{
	const char *what = s->what;
	if (s->cancelled)
		return wol_error_set(err, WOL_EINVAL, "%s: cancelled", what);
	if (s->cert_refused == 1)
		return wol_error_set(err, WOL_EAUTH, "%s", s->cert_msg);
	const git_error *ge = git_error_last();
	const char *why = ge && ge->message ? ge->message : "unknown error";
	if (s->cert_refused == 2 || grc == GIT_ECERTIFICATE)
		return wol_error_set(err, WOL_EAUTH,
		                     "%s: the TLS certificate of %s %s; refusing to connect (%s)", what,
		                     s->host, cert_reason(why, is_ip(s->host)), why);
	if (contains(why, "No space left on device") || contains(why, "Disk quota exceeded"))
		return wol_error_set(err, WOL_EIO, "%s: %s: no space left on device under %s", what,
		                     phase, s->local ? s->local : "the circle's folder");
	int ssh = strcmp(s->scheme, "ssh") == 0;
	int status = 0;
	const char *st = strstr(why, "status code: ");
	if (st)
		status = atoi(st + 13);
	int auth = s->auth_failed || grc == GIT_EAUTH ||
	           (ge && ge->klass == GIT_ERROR_SSH &&
	            (strstr(why, "uthenticat") || strstr(why, "PublicKey") || strstr(why, "ublickey")));
	int push = strcmp(phase, "push") == 0;
	if (auth && !ssh && push && s->good) /* the fetch got in with it */
		return wol_error_set(err, WOL_EREFUSED,
		                     "%s: %s refused the push (HTTP 401 with the credentials it took "
		                     "for the fetch): you may read this circle but not write to it; "
		                     "ask its owner for write access",
		                     what, s->host);
	if (auth) {
		if (ssh && !s->tried[0])
			return wol_error_set(err, WOL_EAUTH,
			                     "%s: no ssh key to offer %s (no ssh-agent, no ~/.ssh/id_ed25519 "
			                     "or id_ecdsa, no git config wol.sshkey); make one with ssh-keygen "
			                     "-t ed25519 and add the .pub file to the host",
			                     what, s->host);
		if (ssh)
			return wol_error_set(
			    err, WOL_EAUTH,
			    "%s: %s refused every ssh key (tried: %s)%s; add your public key to the "
			    "host or set git config --global wol.sshkey PATH",
			    what, s->host, s->tried,
			    s->tried_rsa ? "; an RSA key cannot sign here (libssh2 lacks rsa-sha2): "
			                   "make an ed25519 key with ssh-keygen -t ed25519"
			                 : "");
		return wol_error_set(err, WOL_EAUTH,
		                     "%s: %s refused the credentials (tried: %s); set WOL_GIT_TOKEN "
		                     "or configure a git credential helper (see :help wol-remotes)",
		                     what, s->host[0] ? s->host : url,
		                     s->tried[0] ? s->tried : "none found");
	}
	if (status == 401 || status == 403)
		return wol_error_set(err, WOL_EREFUSED, "%s: %s: %s refused %s (HTTP %d%s)%s", what,
		                     phase, s->host, push ? "the push" : "access", status,
		                     status == 403 ? " Forbidden" : " after authentication",
		                     push ? ": you may read this circle but not write to it; ask its "
		                            "owner for write access"
		                          : "");
	if (status == 404)
		return wol_error_set(err, WOL_ENET, "%s: %s: no repository at %s (HTTP 404)", what, phase,
		                     url);
	if (ssh && ge && ge->klass == GIT_ERROR_SSH && grc == GIT_EEOF) {
		/* the server closed the session with words of its own */
		char words[600];
		trim_copy(words, sizeof words, why);
		if (denial(words))
			return wol_error_set(err, WOL_EREFUSED, "%s: %s: %s refused: %s", what, phase,
			                     s->host, words);
		return wol_error_set(err, WOL_ENET, "%s: %s: %s says: %s", what, phase, s->host, words);
	}
	if (grc == GIT_ELOCKED || (ge && strstr(why, "failed to lock")))
		return wol_error_set(err, WOL_ELOCKED,
		                     "%s: %s: %s (another git at work? if none runs, delete that "
		                     "lock file)",
		                     what, phase, why);
	if (strcmp(s->scheme, "file") == 0 && access(s->url, F_OK) != 0)
		return wol_error_set(err, WOL_ENET, "%s: %s: the remote %s does not exist", what, phase,
		                     url);
	if (!ge || ge->klass == GIT_ERROR_NET || ge->klass == GIT_ERROR_HTTP ||
	    ge->klass == GIT_ERROR_SSH || ge->klass == GIT_ERROR_OS || ge->klass == GIT_ERROR_SSL ||
	    grc == GIT_ENOTFOUND || grc == GIT_EEOF || ge->klass == GIT_ERROR_REPOSITORY)
		return wol_error_set(err, WOL_ENET, "%s: %s: cannot reach %s: %s", what, phase, url,
		                     why);
	return wol_error_git(err, grc, what);
}

int wol_remote__password_check(const wol_remote_cb *s, wol_error *err)
{
	if (!s->url_pass || s->has_helper)
		return 0;
	return wol_error_set(err, WOL_EINVAL,
	                     "%s: the URL holds a password, which wol never writes into the "
	                     "circle's .git/config; let a credential helper keep it (git config "
	                     "--global credential.helper store, or cache) and try again, or give "
	                     "the URL without it and set WOL_GIT_TOKEN (see :help wol-remotes)",
	                     s->what);
}

int wol_remote__push_refused(wol_remote_cb *s, const char *url, wol_error *err)
{
	/* someone pushed first, or a ref was busy: another round may do */
	static const char *const retry[] = {"non-fast-forward", "fetch first", "failed to lock",
	                                     "cannot lock", "failed to update ref", "stale info"};
	for (size_t i = 0; i < sizeof retry / sizeof *retry; i++)
		if (contains(s->reject_status, retry[i]))
			return 0;
	char words[700];
	trim_copy(words, sizeof words, s->said);
	return wol_error_set(err, WOL_EREFUSED, "%s: push: %s refused the push (%s)%s%s", s->what,
	                     url, s->reject_status, words[0] ? ": " : "", words);
}

char *wol_url_redact(const char *url)
{
	const char *p = strstr(url, "://");
	if (!p)
		return wol_strfmt("%s", url);
	const char *start = p + 3;
	const char *end = start + strcspn(start, "/");
	const char *at = NULL;
	for (const char *q = start; q < end; q++)
		if (*q == '@')
			at = q;
	if (!at)
		return wol_strfmt("%s", url);
	const char *colon = memchr(start, ':', (size_t)(at - start));
	if (!colon)
		return wol_strfmt("%s", url);
	return wol_strfmt("%.*s:***%s", (int)(colon - url), url, at);
}
