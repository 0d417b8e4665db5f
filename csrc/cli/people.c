/* cli/people.c - `wol people`, `wol give`, `wol goal`: the relationship
 * list, contributions and the goal from the shell */
#include "cli.h"
#include "wol_json.h"

#include <stdlib.h>
#include <string.h>

/* Splits "a,b, c" into a vector of trimmed, non-empty items. */
static char **split_list(const char *s, size_t *n)
{
	*n = 0;
	if (!s)
		return NULL;
	size_t cap = 1;
	for (const char *p = s; *p; p++)
		cap += *p == ',';
	char **v = calloc(cap, sizeof *v);
	if (!v)
		return NULL;
	while (*s) {
		const char *e = strchr(s, ',');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		const char *a = s;
		while (len && (*a == ' ' || *a == '\t'))
			a++, len--;
		while (len && (a[len - 1] == ' ' || a[len - 1] == '\t'))
			len--;
		if (len)
			v[(*n)++] = strndup(a, len);
		if (!e)
			break;
		s = e + 1;
	}
	return v;
}

/* Prints s (text from a file: made safe) padded to `width` characters,
 * cut with '~'. */
static void put_cell(const char *s, int width)
{
	int chars = 0;
	size_t n = strlen(s), i = 0;
	while (i < n && chars < width) {
		unsigned int cp;
		size_t k = wol_utf8_next(s + i, n - i, &cp);
		if (k == 0)
			k = 1;
		if (chars == width - 1 && i + k < n)
			break;
		i += k;
		chars++;
	}
	char *part = strndup(s, i);
	wol_cli_printf(stdout, "%s%s", part ? part : "", i < n ? "~" : "");
	free(part);
	for (chars += i < n; chars < width; chars++)
		fputc(' ', stdout);
}

static void print_days(const wol_person *p, char *buf, size_t size)
{
	if (!p->last[0])
		snprintf(buf, size, "never");
	else if (p->days == 0)
		snprintf(buf, size, "today");
	else
		snprintf(buf, size, "%ld day%s", p->days, p->days == 1 ? "" : "s");
}

static int list_people(wol_cli *cli, wol_cli_opt *opts)
{
	wol_ctx *ctx = wol_cli_ctx(cli);
	if (!ctx)
		return WOL_EXIT_FAIL;
	wol_people_opts po = {0};
	po.sort = opts[1].value;
	if (opts[2].value) {
		char *end = NULL;
		long n = strtol(opts[2].value, &end, 10);
		if (!*opts[2].value || *end || n < 1 || n > 36500)
			return wol_cli_usage(cli, "--stale takes a number of days (1 to 36500)");
		po.stale_days = (int)n;
	}
	if (po.sort) {
		const char *const *s = wol_people_sorts();
		while (*s && strcmp(*s, po.sort) != 0)
			s++;
		if (!*s)
			return wol_cli_usage(cli, "--sort takes stale, name, closeness or count");
	}
	wol_people l;
	wol_error err;
	wol_index *ix = NULL;
	if (wol_index_open(ctx, &ix, &err) == 0)
		po.ix = ix; /* answers to members' questions count too */
	int lrc = wol_people_list(ctx, &po, &l, &err);
	wol_index_close(ix);
	if (lrc != 0)
		return wol_cli_fail(cli, &err);
	for (size_t i = 0; i < l.nwarnings; i++)
		wol_cli_printf(stderr, "%s\n", l.warnings[i]);
	for (size_t i = 0; i < l.n; i++)
		if (l.items[i].warning)
			wol_cli_printf(stderr, "%s\n", l.items[i].warning);
	if (opts[0].value) {
		cJSON *j = wol_people_json(&l);
		wol_people_free(&l);
		return wol_cli_json(j);
	}
	if (!l.n) {
		printf("no people on your list yet (add one: wol people add NAME --relation TEXT)\n");
		wol_people_free(&l);
		return WOL_EXIT_OK;
	}
	printf("%-24s %-5s %-10s %5s  %s\n", "NAME", "CLOSE", "LAST", "GIVEN", "RELATION");
	for (size_t i = 0; i < l.n; i++) {
		const wol_person *p = &l.items[i];
		char close[16], days[32];
		if (p->closeness >= 0)
			snprintf(close, sizeof close, "%d", p->closeness);
		else
			snprintf(close, sizeof close, "-");
		print_days(p, days, sizeof days);
		put_cell(p->name, 24);
		wol_cli_printf(stdout, " %-5s %-10s %5ld  %s%s\n", close, days, p->count,
		               p->relation ? p->relation : "", p->broken ? " (file needs fixing)" : "");
	}
	printf("\n%zu %s; %ld contribution%s this week; %ld not contributed to in %d+ days\n", l.n,
	       l.n == 1 ? "person" : "people", l.week, l.week == 1 ? "" : "s", l.stale,
	       l.stale_days);
	wol_people_free(&l);
	return WOL_EXIT_OK;
}

static int add_person(wol_cli *cli, int argc, char **argv)
{
	wol_cli_opt opts[] = {{"relation", 1, 'r', NULL}, {"closeness", 1, 'c', NULL},
	                      {"handle", 1, 0, NULL},     {"circles", 1, 0, NULL},
	                      {"tags", 1, 't', NULL},     {"json", 0, 0, NULL},
	                      {NULL, 0, 0, NULL}};
	char *pos[argc > 0 ? argc : 1];
	int npos;
	if (wol_cli_parse(cli, argc, argv, opts, pos, &npos))
		return WOL_EXIT_USAGE;
	if (npos == 0)
		return wol_cli_usage(cli, "add: give the person's name");
	wol_person_new p = {0};
	p.closeness = -1;
	if (opts[1].value) {
		const char *c = opts[1].value;
		if (!(c[0] >= '0' && c[0] <= '5' && c[1] == '\0'))
			return wol_cli_usage(cli, "--closeness takes a number from 0 to 5");
		p.closeness = c[0] - '0';
	}
	char *name = wol_cli_words(pos, npos);
	size_t ncircles = 0, ntags = 0;
	char **circles = split_list(opts[3].value, &ncircles);
	char **tags = split_list(opts[4].value, &ntags);
	p.name = name;
	p.relation = opts[0].value;
	p.handle = opts[2].value;
	p.circles = (const char *const *)circles;
	p.ncircles = ncircles;
	p.tags = (const char *const *)tags;
	p.ntags = ntags;
	int rc = WOL_EXIT_OK;
	wol_ctx *ctx = wol_cli_ctx(cli);
	if (!name) {
		fprintf(stderr, "wol: out of memory\n");
		rc = WOL_EXIT_FAIL;
	} else if (!ctx) {
		rc = WOL_EXIT_FAIL;
	} else {
		char *slug = NULL;
		wol_error err;
		if (wol_people_add(ctx, &p, &slug, &err) != 0) {
			rc = wol_cli_fail(cli, &err);
		} else {
			wol_person person;
			if (wol_people_get(ctx, slug, NULL, &person, &err) != 0) {
				rc = wol_cli_fail(cli, &err);
			} else {
				if (opts[5].value)
					rc = wol_cli_json(wol_person_json(&person));
				else
					wol_cli_printf(stdout, "added %s (%s)\n", person.name, person.path);
				wol_person_free(&person);
			}
		}
		free(slug);
	}
	wol_strv_free(circles, ncircles);
	wol_strv_free(tags, ntags);
	free(name);
	return rc;
}

static int rm_person(wol_cli *cli, int argc, char **argv)
{
	wol_cli_opt opts[] = {{"json", 0, 0, NULL}, {NULL, 0, 0, NULL}};
	char *pos[argc > 0 ? argc : 1];
	int npos;
	if (wol_cli_parse(cli, argc, argv, opts, pos, &npos))
		return WOL_EXIT_USAGE;
	if (npos == 0)
		return wol_cli_usage(cli, "rm: name the person to remove");
	wol_ctx *ctx = wol_cli_ctx(cli);
	if (!ctx)
		return WOL_EXIT_FAIL;
	char *name = wol_cli_words(pos, npos), *moved = NULL;
	wol_error err;
	int rc = WOL_EXIT_OK;
	if (!name)
		rc = WOL_EXIT_FAIL;
	else if (wol_people_rm(ctx, name, &moved, &err) != 0)
		rc = wol_cli_fail(cli, &err);
	else if (opts[0].value) {
		cJSON *j = cJSON_CreateObject();
		cJSON_AddStringToObject(j, "moved", moved);
		rc = wol_cli_json(j);
	} else
		wol_cli_printf(stdout, "moved to %s (nothing is deleted; move it back to restore)\n",
		               moved);
	free(moved);
	free(name);
	return rc;
}

/* One person with every contribution, answers to their questions too. */
static int show_get(wol_ctx *ctx, const char *name, wol_person *p, wol_error *err)
{
	wol_people_opts po = {0};
	wol_index *ix = NULL;
	wol_error ierr;
	if (wol_index_open(ctx, &ix, &ierr) == 0)
		po.ix = ix;
	int rc = wol_people_get(ctx, name, &po, p, err);
	wol_index_close(ix);
	return rc;
}

static int show_person(wol_cli *cli, int argc, char **argv)
{
	wol_cli_opt opts[] = {{"json", 0, 0, NULL}, {NULL, 0, 0, NULL}};
	char *pos[argc > 0 ? argc : 1];
	int npos;
	if (wol_cli_parse(cli, argc, argv, opts, pos, &npos))
		return WOL_EXIT_USAGE;
	if (npos == 0)
		return wol_cli_usage(cli, "show: name the person");
	wol_ctx *ctx = wol_cli_ctx(cli);
	if (!ctx)
		return WOL_EXIT_FAIL;
	char *name = wol_cli_words(pos, npos);
	wol_person p;
	wol_error err;
	int rc = WOL_EXIT_OK;
	if (!name) {
		rc = WOL_EXIT_FAIL;
	} else if (show_get(ctx, name, &p, &err) != 0) {
		rc = wol_cli_fail(cli, &err);
	} else {
		if (p.warning)
			wol_cli_printf(stderr, "%s\n", p.warning);
		if (opts[0].value) {
			rc = wol_cli_json(wol_person_json(&p));
		} else {
			wol_cli_printf(stdout, "%s\n", p.name);
			if (p.relation)
				wol_cli_printf(stdout, "relation:  %s\n", p.relation);
			if (p.closeness >= 0)
				printf("closeness: %d of 5\n", p.closeness);
			if (p.handle)
				wol_cli_printf(stdout, "member:    %s\n", p.handle);
			wol_cli_printf(stdout, "file:      %s\n", p.path);
			printf("\n%ld contribution%s, %ld this week\n", p.count, p.count == 1 ? "" : "s",
			       p.week);
			for (size_t i = 0; i < p.ncontribs; i++) {
				const wol_contribution *c = &p.contribs[i];
				if (strcmp(c->kind, "answer") == 0)
					wol_cli_printf(stdout, "  %s        answered in %s: %s\n", c->date, c->circle,
					               c->what);
				else
					wol_cli_printf(stdout, "  %s %s  %s\n", c->date, c->time, c->what);
			}
		}
		wol_person_free(&p);
	}
	free(name);
	return rc;
}

int wol_cli_people(wol_cli *cli, int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "add") == 0)
		return add_person(cli, argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "rm") == 0)
		return rm_person(cli, argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "show") == 0)
		return show_person(cli, argc - 1, argv + 1);
	wol_cli_opt opts[] = {{"json", 0, 0, NULL},
	                      {"sort", 1, 's', NULL},
	                      {"stale", 1, 0, NULL},
	                      {NULL, 0, 0, NULL}};
	if (wol_cli_parse_flags(cli, argc, argv, opts))
		return WOL_EXIT_USAGE;
	return list_people(cli, opts);
}

int wol_cli_give(wol_cli *cli, int argc, char **argv)
{
	wol_cli_opt opts[] = {{"date", 1, 'd', NULL},
	                      {"time", 1, 0, NULL},
	                      {"json", 0, 0, NULL},
	                      {NULL, 0, 0, NULL}};
	char *pos[argc > 0 ? argc : 1];
	int npos;
	if (wol_cli_parse(cli, argc, argv, opts, pos, &npos))
		return WOL_EXIT_USAGE;
	if (npos < 2)
		return wol_cli_usage(cli, npos ? "say what you gave" : "name the person and what you gave");
	wol_ctx *ctx = wol_cli_ctx(cli);
	if (!ctx)
		return WOL_EXIT_FAIL;
	char *what = wol_cli_words(pos + 1, npos - 1);
	if (!what)
		return WOL_EXIT_FAIL;
	wol_give_opts go = {opts[0].value, opts[1].value};
	wol_given g;
	wol_error err;
	int rc = WOL_EXIT_OK;
	if (wol_people_give(ctx, pos[0], what, &go, &g, &err) != 0) {
		rc = wol_cli_fail(cli, &err);
	} else {
		if (opts[2].value)
			rc = wol_cli_json(wol_given_json(&g));
		else
			wol_cli_printf(stdout, "gave to %s: %s\n", g.name, g.line + 2);
		wol_given_free(&g);
	}
	free(what);
	return rc;
}

static int goal_history(wol_cli *cli, wol_circle *c, const char *member, int json)
{
	wol_goal_history h;
	wol_error err;
	if (wol_goal_history_get(c, member, &h, &err) != 0)
		return wol_cli_fail(cli, &err);
	int rc = WOL_EXIT_OK;
	if (json) {
		rc = wol_cli_json(wol_goal_history_json(&h));
	} else if (!h.n) {
		wol_cli_printf(stdout, "no goal set yet for %s in %s\n", h.handle, wol_circle_name(c));
	} else {
		for (size_t i = 0; i < h.n; i++) {
			wol_cli_printf(stdout, "%s  %s", h.revs[i].date,
			               h.revs[i].text[0] ? h.revs[i].text : "(goal removed)");
			if (h.revs[i].outside)
				wol_cli_printf(stdout, "  (changed by %s outside wol, commit %.8s)",
				               h.revs[i].author, h.revs[i].commit);
			fputc('\n', stdout);
		}
		if (h.n > 1)
			printf("\nrevised %zu time%s\n", h.n - 1, h.n == 2 ? "" : "s");
	}
	wol_goal_history_free(&h);
	return rc;
}

int wol_cli_goal(wol_cli *cli, int argc, char **argv)
{
	wol_cli_opt opts[] = {{"history", 0, 0, NULL},
	                      {"json", 0, 0, NULL},
	                      {"circle", 1, 0, NULL},
	                      {"member", 1, 'm', NULL},
	                      {NULL, 0, 0, NULL}};
	char *pos[argc > 0 ? argc : 1];
	int npos;
	if (wol_cli_parse(cli, argc, argv, opts, pos, &npos))
		return WOL_EXIT_USAGE;
	if (npos && (opts[0].value || opts[3].value))
		return wol_cli_usage(cli, "a new goal does not go with --history or --member");
	for (int i = 2; i <= 3; i++) {
		wol_error err;
		if (opts[i].value && wol_name_check(opts[i].value, i == 2 ? "circle name" : "member", &err)) {
			fprintf(stderr, "%s\n", err.msg);
			return WOL_EXIT_USAGE;
		}
	}
	if (opts[2].value)
		cli->circle = opts[2].value;
	wol_circle *c = wol_cli_circle(cli);
	if (!c)
		return WOL_EXIT_FAIL;
	int json = opts[1].value != NULL, rc = WOL_EXIT_OK;
	wol_error err;
	wol_goal g;
	if (opts[0].value) {
		rc = goal_history(cli, c, opts[3].value, json);
	} else if (npos) {
		char *text = wol_cli_words(pos, npos);
		if (!text) {
			rc = WOL_EXIT_FAIL;
		} else if (wol_goal_set(c, text, &g, &err) != 0) {
			rc = wol_cli_fail(cli, &err);
		} else {
			if (g.note)
				wol_cli_printf(stderr, "%s\n", g.note);
			if (json)
				rc = wol_cli_json(wol_goal_json(&g, 1));
			else if (g.unchanged)
				printf("your goal in %s is already that\n", g.circle);
			else
				printf("goal set in %s (committed; the next sync shares it)\n", g.circle);
			wol_goal_free(&g);
		}
		free(text);
	} else if (wol_goal_get(c, opts[3].value, &g, &err) != 0) {
		rc = wol_cli_fail(cli, &err);
	} else {
		if (json) {
			rc = wol_cli_json(wol_goal_json(&g, 0));
		} else if (g.text) {
			wol_cli_printf(stdout, "%s\n", g.text);
			if (g.note)
				wol_cli_printf(stderr, "%s\n", g.note);
		} else {
			printf("no goal set in %s (set one: wol goal TEXT)\n", g.circle);
		}
		wol_goal_free(&g);
	}
	wol_circle_close(c);
	return rc;
}
