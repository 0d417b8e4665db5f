/* date.c - civil dates as day numbers (no time zones, no DST) */
#include "util/util.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

int wol_time_valid(const char *t)
{
	return t && strlen(t) == 5 && isdigit((unsigned char)t[0]) && isdigit((unsigned char)t[1]) &&
	       t[2] == ':' && isdigit((unsigned char)t[3]) && isdigit((unsigned char)t[4]) &&
	       (t[0] - '0') * 10 + (t[1] - '0') < 24 && t[3] < '6';
}

int wol_date_valid(int y, int m, int d)
{
	return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

/* Howard Hinnant's days_from_civil / civil_from_days algorithms. */
long wol_date_to_days(wol_date dt)
{
	long y = dt.y - (dt.m <= 2);
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (dt.m + (dt.m > 2 ? -3 : 9)) + 2) / 5 + dt.d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

wol_date wol_date_from_days(long z)
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long y = yoe + era * 400;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	long d = doy - (153 * mp + 2) / 5 + 1;
	long m = mp + (mp < 10 ? 3 : -9);
	wol_date r = {(int)(y + (m <= 2)), (int)m, (int)d};
	return r;
}

wol_date wol_date_add(wol_date d, long days)
{
	return wol_date_from_days(wol_date_to_days(d) + days);
}

long wol_date_diff(wol_date a, wol_date b)
{
	return wol_date_to_days(a) - wol_date_to_days(b);
}

int wol_date_weekday(wol_date d)
{
	/* 1970-01-01 was a Thursday (3 when monday = 0) */
	long n = (wol_date_to_days(d) + 3) % 7;
	return (int)(n < 0 ? n + 7 : n);
}

static const char *const weekdays[] = {"monday", "tuesday", "wednesday", "thursday",
                                       "friday", "saturday", "sunday"};

const char *wol_weekday_name(int wd)
{
	return wd >= 0 && wd < 7 ? weekdays[wd] : "?";
}

int wol_weekday_parse(const char *s)
{
	if (!s)
		return -1;
	size_t n = strlen(s);
	for (int i = 0; i < 7; i++) {
		if (strcasecmp(s, weekdays[i]) == 0)
			return i;
		if (n == 3 && strncasecmp(s, weekdays[i], 3) == 0)
			return i;
	}
	return -1;
}

void wol_date_format(wol_date d, char *buf)
{
	unsigned y = (unsigned)d.y % 10000u, m = (unsigned)d.m % 100u, dd = (unsigned)d.d % 100u;
	buf[0] = (char)('0' + y / 1000);
	buf[1] = (char)('0' + y / 100 % 10);
	buf[2] = (char)('0' + y / 10 % 10);
	buf[3] = (char)('0' + y % 10);
	buf[4] = '-';
	buf[5] = (char)('0' + m / 10);
	buf[6] = (char)('0' + m % 10);
	buf[7] = '-';
	buf[8] = (char)('0' + dd / 10);
	buf[9] = (char)('0' + dd % 10);
	buf[10] = '\0';
}

static int parse_iso(const char *s, wol_date *out)
{
	/* exactly YYYY-MM-DD */
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return -1;
	out->y = atoi(s);
	out->m = atoi(s + 5);
	out->d = atoi(s + 8);
	return 0;
}

int wol_date_parse(const char *s, wol_date today, wol_date *out, wol_error *err)
{
	if (!s || !*s || strcmp(s, "today") == 0) {
		*out = today;
		return 0;
	}
	if (strcmp(s, "yesterday") == 0) {
		*out = wol_date_add(today, -1);
		return 0;
	}
	if (strcmp(s, "tomorrow") == 0) {
		*out = wol_date_add(today, 1);
		return 0;
	}
	if ((s[0] == '+' || s[0] == '-') && s[1]) {
		char *end = NULL;
		errno = 0;
		long n = strtol(s + 1, &end, 10);
		if (*end == '\0' && errno == 0 && isdigit((unsigned char)s[1]) && n <= 36500) {
			*out = wol_date_add(today, s[0] == '-' ? -n : n);
			return 0;
		}
		return wol_error_set(err, WOL_EINVAL,
		                     "date: '%s' is not a valid offset (use +N or -N days, N <= 36500)", s);
	}
	wol_date d;
	if (parse_iso(s, &d) != 0)
		return wol_error_set(err, WOL_EINVAL,
		                     "date: '%s' is not a date (use YYYY-MM-DD, today, yesterday, "
		                     "tomorrow, +N or -N)",
		                     s);
	if (!wol_date_valid(d.y, d.m, d.d))
		return wol_error_set(err, WOL_EINVAL, "date: '%s' is not a valid calendar date", s);
	*out = d;
	return 0;
}

wol_date wol_date_today(void)
{
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	wol_date d = {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
	return d;
}

double wol_monotonic(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
