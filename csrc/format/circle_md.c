/* format/circle_md.c - circle.md and members/<handle>.md: rendering them
 * for a new circle or member (repo/info.c reads them back). */
#include "repo/circle_priv.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------ documents */

static char *render(wol_yaml *meta, const char *body, size_t *len, wol_error *err)
{
	wol_doc doc = {meta, (char *)body, 0};
	char *out = NULL;
	if (wol_doc_render(&doc, &out, len, err) != 0)
		return NULL;
	return out;
}

char *wol_circle__member_doc(wol_circle *c, const char *goal, size_t *len, wol_error *err)
{
	wol_yaml *m = wol_yaml_new(WOL_YAML_MAP, NULL);
	char date[11];
	wol_date_format(c->today, date);
	if (!m || wol_yaml_set_str(m, "name", c->author) ||
	    (goal && *goal && wol_yaml_set_str(m, "goal", goal)) ||
	    wol_yaml_set_str(m, "joined", date)) {
		wol_yaml_free(m);
		wol_error_set(err, WOL_ENOMEM, "out of memory");
		return NULL;
	}
	char *body = wol_strfmt("\n# %s\n\nWhat I am working towards, and what I can offer the circle.\n",
	                        c->author);
	char *out = body ? render(m, body, len, err) : NULL;
	free(body);
	wol_yaml_free(m);
	return out;
}

char *wol_circle__circle_doc(const char *name, wol_date started, int meets, int weeks, size_t *len,
                        wol_error *err)
{
	wol_yaml *m = wol_yaml_new(WOL_YAML_MAP, NULL);
	char date[11], num[16], fmt[16];
	wol_date_format(started, date);
	snprintf(num, sizeof num, "%d", weeks);
	snprintf(fmt, sizeof fmt, "%d", WOL_FORMAT_VERSION);
	if (!m || wol_yaml_set_str(m, "name", name) || wol_yaml_set_str(m, "started", date) ||
	    wol_yaml_set_str(m, "meets", wol_weekday_name(meets)) ||
	    wol_yaml_set_str(m, "weeks", num) || wol_yaml_set_str(m, "format", fmt)) {
		wol_yaml_free(m);
		wol_error_set(err, WOL_ENOMEM, "out of memory");
		return NULL;
	}
	char *body = wol_strfmt(
	    "\n# %s\n\nA Working Out Loud circle. Members keep work-in-progress notes under\n"
	    "notes/<handle>/ and ask for help under questions/. See doc/format.md of\n"
	    "wol.nvim for the layout of this repository.\n",
	    name);
	char *out = body ? render(m, body, len, err) : NULL;
	free(body);
	wol_yaml_free(m);
	return out;
}
