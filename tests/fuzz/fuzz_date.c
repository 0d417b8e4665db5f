/* fuzz_date.c - date and weekday parsing: no crash, and every date parsed
 * is a valid calendar date that formats and parses back to itself. */
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	wol_date today = {2026, 3, 14};
	wol_date d;
	wol_error err;
	if (wol_date_parse(s, today, &d, &err) == 0) {
		FUZZ_CHECK(wol_date_valid(d.y, d.m, d.d), "invalid date %d-%d-%d from '%s'", d.y, d.m,
		           d.d, s);
		FUZZ_CHECK(wol_date_weekday(d) >= 0 && wol_date_weekday(d) <= 6, "weekday");
		wol_date back = wol_date_from_days(wol_date_to_days(d));
		FUZZ_CHECK(back.y == d.y && back.m == d.m && back.d == d.d, "day number round trip");
		if (d.y >= 0 && d.y <= 9999) {
			char buf[11];
			wol_date e;
			wol_date_format(d, buf);
			FUZZ_CHECK(wol_date_parse(buf, today, &e, &err) == 0, "'%s' does not parse: %s", buf,
			           err.msg);
			FUZZ_CHECK(e.y == d.y && e.m == d.m && e.d == d.d, "'%s' parses differently", buf);
		}
	} else {
		fuzz_check_msg(err.msg);
	}
	int wd = wol_weekday_parse(s);
	FUZZ_CHECK(wd >= -1 && wd <= 6, "weekday %d", wd);
	if (wd >= 0)
		FUZZ_CHECK(wol_weekday_parse(wol_weekday_name(wd)) == wd, "weekday name round trip");
	free(s);
	return 0;
}
