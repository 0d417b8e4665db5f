/* people/days.c - the days you gave something to someone on your list: the
 * dated contribution lines of every person file, for the streaks (a
 * contribution is an act of working out loud) */
#include "people/people_int.h"

#include <stdlib.h>
#include <string.h>

static int push_day(long **v, size_t *n, size_t *cap, long day)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 64;
		long *nv = realloc(*v, c * sizeof *nv);
		if (!nv)
			return -1;
		*v = nv;
		*cap = c;
	}
	(*v)[(*n)++] = day;
	return 0;
}

int wol_people__give_days(wol_ctx *ctx, long **days, size_t *ndays, wol_error *err)
{
	*days = NULL;
	*ndays = 0;
	char *dir = wol_people__dir(ctx);
	if (!dir)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	char **slugs = NULL;
	size_t n = 0, cap = 0;
	int rc = wol_people__slugs(dir, &slugs, &n, err);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		char *path = wol_strfmt("%s/%s.md", dir, slugs[i]);
		char *text = NULL;
		size_t len = 0;
		wol_error rerr;
		if (!path) {
			rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
			break;
		}
		/* a file that cannot be read is reported by the list, not here */
		if (wol_fs_read(path, WOL_PERSON_MAX_BYTES, 1, &text, &len, &rerr) == 0) {
			const char *s = text, *end = text + len;
			while (s < end) {
				const char *e = memchr(s, '\n', (size_t)(end - s));
				size_t ln = e ? (size_t)(e - s) : (size_t)(end - s);
				char date[11], time[6];
				const char *what;
				size_t wn;
				wol_date d;
				if (ln >= 20 && s[0] == '-' &&
				    wol_people__contrib_line(s, ln, date, time, &what, &wn) &&
				    wol_date_parse(date, wol_ctx_today(ctx), &d, NULL) == 0 &&
				    push_day(days, ndays, &cap, wol_date_to_days(d)) != 0) {
					rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
					break;
				}
				s = e ? e + 1 : end;
			}
			free(text);
		}
		free(path);
	}
	wol_strv_free(slugs, n);
	free(dir);
	if (rc) {
		free(*days);
		*days = NULL;
		*ndays = 0;
	}
	return rc;
}
