/* cli/doctor.c - `wol doctor`: the health report for the shell */
#include "cli.h"
#include "wol_json.h"

#include <string.h>
#include <unistd.h>

int wol_cli_doctor(wol_cli *cli, int argc, char **argv)
{
	wol_cli_opt opts[] = {{"json", 0, 0, NULL}, {NULL, 0, 0, NULL}};
	if (wol_cli_parse_flags(cli, argc, argv, opts))
		return WOL_EXIT_USAGE;
	wol_ctx *ctx = wol_cli_ctx(cli);
	if (!ctx)
		return WOL_EXIT_FAIL;
	wol_checks checks;
	wol_error err;
	if (wol_doctor_run(ctx, &checks, &err) != 0)
		return wol_cli_fail(cli, &err);
	int errors = 0;
	for (size_t i = 0; i < checks.n; i++)
		errors += checks.items[i].level == WOL_CHECK_ERROR;
	if (opts[0].value) {
		cJSON *arr = wol_checks_json(&checks);
		wol_doctor_free(&checks);
		int rc = wol_cli_json(arr);
		return rc ? rc : (errors ? WOL_EXIT_FAIL : WOL_EXIT_OK);
	}
	int color = isatty(STDOUT_FILENO);
	const char *section = "";
	for (size_t i = 0; i < checks.n; i++) {
		const wol_check *c = &checks.items[i];
		if (strcmp(section, c->section) != 0) {
			printf("%s%s\n", i ? "\n" : "", c->section);
			section = c->section;
		}
		static const char *const tag[] = {"OK", "INFO", "WARN", "ERROR"};
		static const char *const col[] = {"\033[32m", "\033[36m", "\033[33m", "\033[31m"};
		fputs(color ? col[c->level] : "", stdout);
		wol_cli_printf(stdout, color ? "  %-5s\033[0m %s\n" : "  %-5s %s\n", tag[c->level], c->msg);
		if (c->advice)
			wol_cli_printf(stdout, "        -> %s\n", c->advice);
	}
	wol_doctor_free(&checks);
	return errors ? WOL_EXIT_FAIL : WOL_EXIT_OK;
}
