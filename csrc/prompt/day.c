/* prompt/day.c - the day's prompt: prompt files, the circle program calendar,
 * and the layers of one day's prompt.
 *
 * Sources, in order of precedence: $WOL_HOME/prompts/ (the user's), the
 * circle's prompts/, the built-ins (prompts/builtin/ embedded at build time).
 * A date-specific prompt (date:) of the first source that has one fills
 * every layer. Otherwise each layer is filled on its own by the first
 * source that has something for it:
 *   theme      the weekday's prompt (weekday:)
 *   focus      inside the circle program, the week's prompt (week:); the
 *              built-in weeks are an arc spread over the program's length
 *   challenge  the weekday prompt's challenge, or on pool days (two
 *              weekdays in five, chosen by a fixed seed, and the weekend)
 *              a pool prompt's (no rule) when the pool's source ranks at
 *              least as high
 *   reflect    the questions of the challenge's prompt, else the weekday's
 * Several prompts for the same rule in one source rotate by date, so a date
 * gives the same prompt on every machine and consecutive days differ. A
 * prompt file that cannot be used is skipped with a warning naming its file
 * and line; it never stops the lookup. */
#include "prompt/prompt_int.h"
#include "format/circle_md.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

static const char *const origin_label[FROM_COUNT] = {"your prompts", "circle prompts", "built-in"};

/* ------------------------------------------------------ circle program */

/* The circle program and the circle's name: circle.md through its one
 * reader (wol_circle_md_read), or the program given in the options. */
typedef struct program {
	int has;        /* 1: started and weeks are usable */
	wol_circle_md md;
	char *name;     /* the circle's name ({{circle}}), or NULL */
} program;

/* The folder name of a circle's clone (the circle's name when circle.md
 * has none). */
static char *dir_name(const char *dir)
{
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	const char *s = dir + n;
	while (s > dir && s[-1] != '/')
		s--;
	return wol_strndup(s, (size_t)(dir + n - s));
}

/* ------------------------------------------------------------- choosing */

static long floor_div(long a, long n)
{
	long q = a / n;
	return (a % n != 0 && (a < 0) != (n < 0)) ? q - 1 : q;
}

static long floor_mod(long a, long n)
{
	long r = a % n;
	return r < 0 ? r + n : r;
}

static size_t gcd(size_t a, size_t b)
{
	while (b) {
		size_t t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/* Index of the prompt for position `pos` among n candidates: a fixed
 * permutation (step coprime to n) so n consecutive positions show n
 * different prompts, and two consecutive positions never show the same one
 * when n > 1. */
static size_t rotate(long pos, size_t n)
{
	if (n <= 1)
		return 0;
	size_t step = (n * 618 + 999) / 1000;
	while (gcd(step, n) != 1)
		step++;
	size_t p = (size_t)floor_mod(pos, (long)n);
	return (p * (step % n)) % n;
}

/* The Monday-based week number of a day number (1970-01-01 was a
 * Thursday, so day 0 is in week 0 with the Monday before it). */
static long week_number(long days)
{
	return floor_div(days + 3, 7);
}

/* A fixed mixing of 64 bits (splitmix64's finaliser): the seed of the
 * pool days, the same on every machine. */
static uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* The two pool weekdays (0..4, a < b) of week number k. Weeks come in
 * cycles of five; each cycle shuffles Monday..Friday with its own seed and
 * gives week j of the cycle the shuffled days 2j and 2j+1 (mod 5). So two
 * weekdays in five are pool days, each weekday is one exactly twice a
 * cycle, and never in two weeks running within a cycle: a weekday's own
 * challenge is never away for long, and which days change varies. */
static void pool_weekdays(long k, int *a, int *b)
{
	int perm[5] = {0, 1, 2, 3, 4};
	uint64_t h = mix64((uint64_t)floor_div(k, 5) ^ 0x776f6c2d706f6f6cULL); /* "wol-pool" */
	for (int i = 4; i > 0; i--) {
		int j = (int)(h % (uint64_t)(i + 1));
		h /= (uint64_t)(i + 1);
		int t = perm[i];
		perm[i] = perm[j];
		perm[j] = t;
	}
	int jw = (int)floor_mod(k, 5);
	int x = perm[(2 * jw) % 5], y = perm[(2 * jw + 1) % 5];
	*a = x < y ? x : y;
	*b = x < y ? y : x;
}

/* Whether weekday wd of week k is a pool day (every Saturday and Sunday
 * is), and the pool day's position in the sequence of all pool days (four a
 * week), so consecutive pool days show consecutive rotations. */
static int pool_day(long k, int wd, long *ordinal)
{
	int a, b;
	pool_weekdays(k, &a, &b);
	int slot = wd == a ? 0 : wd == b ? 1 : wd == 5 ? 2 : wd == 6 ? 3 : -1;
	*ordinal = 4 * k + (slot < 0 ? 0 : slot);
	return slot >= 0;
}

/* The step of the built-in arc (weeks 1..arc) for week `week` of a
 * program of `weeks`: week 1 is the first step, the last week the last
 * step, the weeks between are spread evenly over the steps between. A
 * one-week program shows the first step. */
static int arc_step(int week, int weeks, int arc)
{
	if (week <= 1 || arc <= 1)
		return 1;
	if (week >= weeks)
		return arc;
	if (arc <= 2)
		return 1; /* only a start and an end: the start until the end */
	return 2 + (int)((long)(week - 2) * (arc - 2) / (weeks - 2));
}

static int match(const entry *e, enum rule r, int value, wol_date date)
{
	if (e->rule != r)
		return 0;
	switch (r) {
	case RULE_DATE:
		return wol_date_diff(e->date, date) == 0;
	case RULE_POOL:
		return 1;
	default:
		return e->value == value;
	}
}

static int want_any(const entry *e)
{
	(void)e;
	return 1;
}

static int want_challenge(const entry *e)
{
	return e->p.challenge && *e->p.challenge;
}

static int want_questions(const entry *e)
{
	return e->p.nquestions > 0;
}

/* A prompt chosen for a layer: the entry, its source and its place among
 * the n candidates of that source. */
typedef struct choice {
	const entry *e;
	int origin;
	size_t k, n;
} choice;

/* The first source in from..to with entries that match the rule and have
 * what the layer needs; among them the one at rotation position `pos`. */
static choice choose(entries *src, int from, int to, enum rule r, int value, wol_date date,
                     int (*want)(const entry *), long pos)
{
	choice c = {NULL, 0, 0, 0};
	for (int o = from; o <= to; o++) {
		size_t n = 0;
		for (size_t i = 0; i < src[o].n; i++)
			n += (size_t)(match(src[o].v[i], r, value, date) && want(src[o].v[i]));
		if (!n)
			continue;
		size_t k = rotate(pos, n), left = k;
		for (size_t i = 0; i < src[o].n; i++) {
			const entry *e = src[o].v[i];
			if (match(e, r, value, date) && want(e) && left-- == 0) {
				c.e = e;
				break;
			}
		}
		c.origin = o;
		c.k = k;
		c.n = n;
		return c;
	}
	return c;
}

/* ---------------------------------------------------------- placeholders */

/* {{person}}: looked up on first use only (a prompt without it never
 * reads the list of people). */
typedef struct person_slot {
	wol_ctx *ctx;
	wol_date date;
	int looked;
	char *name; /* NULL: nobody on the list (or it cannot be read) */
} person_slot;

/* What {{person}} says when nobody is on your list. */
#define PERSON_GENERIC "someone who matters to your work"

typedef struct vars {
	char weeks[16], week[16], weeks_left[16], weekday[16];
	const char *circle;
	person_slot *person;
} vars;

static const char *person_of(person_slot *ps)
{
	if (!ps->looked) {
		wol_error err;
		ps->looked = 1;
		if (wol_people_pick(ps->ctx, ps->date, &ps->name, &err) != 0)
			ps->name = NULL;
	}
	return ps->name ? ps->name : PERSON_GENERIC;
}

/* Copies s with {{weeks}}, {{week}}, {{weeks_left}}, {{circle}},
 * {{weekday}} and {{person}} filled in; anything else in braces stays as
 * written and is reported once per file. NULL stays NULL. */
static char *fill(const char *s, const vars *v, const char *file, wol_strv *w, int *reported)
{
	if (!s)
		return NULL;
	if (!strstr(s, "{{"))
		return wol_strfmt("%s", s);
	wol_buf b;
	wol_buf_init(&b);
	while (*s) {
		const char *open = strstr(s, "{{");
		if (!open) {
			wol_buf_puts(&b, s);
			break;
		}
		wol_buf_put(&b, s, (size_t)(open - s));
		const char *close = strstr(open + 2, "}}");
		/* a placeholder is on one line: "{{" with no "}}" before the line
		 * ends is text (and the warning quoting it stays one line) */
		const char *eol = strpbrk(open + 2, "\r\n");
		if (close && eol && eol < close)
			close = NULL;
		const char *name = open + 2;
		size_t n = close ? (size_t)(close - name) : 0;
		while (n && name[0] == ' ')
			name++, n--;
		while (n && name[n - 1] == ' ')
			n--;
		const char *val = NULL;
		if (close) {
			if (n == 5 && memcmp(name, "weeks", 5) == 0)
				val = v->weeks;
			else if (n == 4 && memcmp(name, "week", 4) == 0)
				val = v->week;
			else if (n == 10 && memcmp(name, "weeks_left", 10) == 0)
				val = v->weeks_left;
			else if (n == 6 && memcmp(name, "circle", 6) == 0)
				val = v->circle;
			else if (n == 7 && memcmp(name, "weekday", 7) == 0)
				val = v->weekday;
			else if (n == 6 && memcmp(name, "person", 6) == 0)
				val = person_of(v->person);
		}
		if (val) {
			wol_buf_puts(&b, val);
			s = close + 2;
			continue;
		}
		if (!*reported) {
			*reported = 1;
			wol_strv_add(w, wol_strfmt("wol: %s: %.*s is not a placeholder (left as written; use "
			                        "{{weeks}}, {{week}}, {{weeks_left}}, {{circle}}, {{weekday}} "
			                        "or {{person}})",
			                        file, close ? (int)(close + 2 - open) : 2, open));
		}
		wol_buf_put(&b, open, 2);
		s = open + 2;
	}
	if (b.oom) {
		wol_buf_free(&b);
		return NULL;
	}
	return wol_buf_detach(&b);
}

static int fill_strv(char **in, size_t n, char ***out, size_t *nout, const vars *v,
                     const char *file, wol_strv *w, int *reported)
{
	*out = NULL;
	*nout = 0;
	if (!n)
		return 0;
	char **o = calloc(n, sizeof *o);
	if (!o)
		return WOL_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (!(o[i] = fill(in[i], v, file, w, reported))) {
			wol_strv_free(o, i);
			return WOL_ENOMEM;
		}
	}
	*out = o;
	*nout = n;
	return 0;
}

static int copy_strv(char **in, size_t n, char ***out, size_t *nout)
{
	*out = NULL;
	*nout = 0;
	if (!n)
		return 0;
	char **o = calloc(n, sizeof *o);
	if (!o)
		return WOL_ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (!(o[i] = wol_strfmt("%s", in[i]))) {
			wol_strv_free(o, i);
			return WOL_ENOMEM;
		}
	*out = o;
	*nout = n;
	return 0;
}

/* --------------------------------------------------------------- the day */

static int valid_date(wol_date d)
{
	return wol_date_valid(d.y, d.m, d.d);
}

/* "every tuesday (built-in)", "date 2026-03-17, 1 of 2 (your prompts)", ... */
static void describe(wol_buf *b, const choice *c, enum rule r, wol_date date, int week, int weeks)
{
	char ds[11];
	switch (r) {
	case RULE_DATE:
		wol_date_format(date, ds);
		wol_buf_printf(b, "date %s", ds);
		break;
	case RULE_WEEK:
		wol_buf_printf(b, "program week %d of %d", week, weeks);
		break;
	case RULE_WEEKDAY:
		wol_buf_printf(b, "every %s", wol_weekday_name(wol_date_weekday(date)));
		break;
	default:
		wol_buf_puts(b, "from the pool");
		break;
	}
	if (c->n > 1 || r == RULE_POOL)
		wol_buf_printf(b, ", %zu of %zu", c->k + 1, c->n);
	wol_buf_printf(b, " (%s)", origin_label[c->origin]);
}

/* Where the circle and its program come from: opts, else the default
 * circle's circle.md. */
static int find_program(wol_ctx *ctx, const wol_prompt_opts *opts, char **circle_dir,
                        program *pg, wol_strv *w, wol_error *err)
{
	memset(pg, 0, sizeof *pg);
	pg->md.weeks = WOL_CIRCLE_WEEKS;
	pg->md.meets = -1;
	*circle_dir = NULL;
	if (opts->circle_dir && *opts->circle_dir) {
		*circle_dir = wol_strfmt("%s", opts->circle_dir);
	} else {
		char **names = NULL;
		size_t n = 0;
		wol_error cerr;
		const char *name = NULL;
		if (wol_ctx_circles(ctx, &names, &n, &cerr) == 0 && n > 0) {
			if (wol_ctx_circle(ctx, NULL, &name, &cerr) == 0)
				*circle_dir = wol_ctx_circle_path(ctx, name);
			else
				wol_strv_add(w, wol_strfmt("%s (circle prompts not used)", cerr.msg));
		}
		wol_strv_free(names, n);
	}
	if (opts->has_program &&
	    (!valid_date(opts->started) || opts->weeks < 1 || opts->weeks > WEEK_MAX)) {
		free(*circle_dir);
		*circle_dir = NULL;
		return wol_error_set(err, WOL_EINVAL,
		                     "prompt: a circle program needs a valid start date and 1..%d weeks",
		                     WEEK_MAX);
	}
	if (*circle_dir) {
		int rc = wol_circle_md_read(*circle_dir, &pg->md, err);
		if (rc) {
			free(*circle_dir);
			*circle_dir = NULL;
			return rc;
		}
		for (size_t i = 0; i < pg->md.nwarnings; i++)
			wol_strv_add(w, wol_strfmt("%s", pg->md.warnings[i]));
		pg->name = pg->md.name ? wol_strfmt("%s", pg->md.name) : dir_name(*circle_dir);
	}
	if (opts->has_program) {
		pg->md.started = opts->started;
		pg->md.weeks = opts->weeks;
	}
	pg->has = pg->md.started.y != 0;
	return 0;
}

int wol_prompt_get(wol_ctx *ctx, wol_date date, const wol_prompt_opts *opts, wol_prompt *out,
                   wol_error *err)
{
	memset(out, 0, sizeof *out);
	wol_error_clear(err);
	if (!valid_date(date))
		return wol_error_set(err, WOL_EINVAL, "prompt: %04d-%02d-%02d is not a valid date", date.y,
		                     date.m, date.d);
	wol_prompt_opts none = {0};
	if (!opts)
		opts = &none;
	wol_strv w = {0};
	char *circle_dir = NULL;
	program pg;
	int rc = find_program(ctx, opts, &circle_dir, &pg, &w, err);
	if (rc) {
		wol_strv_clear(&w);
		return rc;
	}
	int week = wol_circle_md_week(&pg.md, date);

	entries src[FROM_COUNT] = {{0}};
	pcache *cache = wol_prompt__cache(ctx);
	char *user_dir = wol_strfmt("%s/prompts", wol_ctx_home(ctx));
	char *cdir = circle_dir ? wol_strfmt("%s/prompts", circle_dir) : NULL;
	if (!cache || !user_dir || (circle_dir && !cdir))
		rc = WOL_ENOMEM;
	if (!rc)
		rc = wol_prompt__load_dir(cache, user_dir, 0, &src[FROM_USER], &w);
	if (!rc && cdir)
		rc = wol_prompt__load_dir(cache, cdir, 1, &src[FROM_CIRCLE], &w);
	if (!rc)
		rc = wol_prompt__load_builtins(&src[FROM_BUILTIN]);
	free(cdir);
	if (rc) {
		for (int o = 0; o < FROM_COUNT; o++)
			wol_prompt__entries_free(&src[o]);
		free(user_dir);
		free(circle_dir);
		free(pg.name);
		wol_circle_md_free(&pg.md);
		wol_strv_clear(&w);
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	/* week prompts beyond the program's length can never apply: say so */
	if (pg.has) {
		for (int o = FROM_USER; o < FROM_BUILTIN; o++)
			for (size_t i = 0; i < src[o].n; i++)
				if (src[o].v[i]->rule == RULE_WEEK && src[o].v[i]->value > pg.md.weeks)
					wol_prompt__warn(&w, src[o].v[i]->source, src[o].v[i]->line,
					     "week: %d is out of range (the circle program has %d weeks)",
					     src[o].v[i]->value, pg.md.weeks);
	}

	long days = wol_date_to_days(date);
	long k = week_number(days);
	int wd = wol_date_weekday(date);
	wol_buf why;
	wol_buf_init(&why);
	choice theme = {0}, focus = {0}, chal = {0}, refl = {0};
	choice dated = choose(src, FROM_USER, FROM_BUILTIN, RULE_DATE, 0, date, want_any, days);
	if (dated.e) {
		theme = chal = refl = dated;
		describe(&why, &dated, RULE_DATE, date, week, pg.md.weeks);
	} else {
		theme = choose(src, FROM_USER, FROM_BUILTIN, RULE_WEEKDAY, wd, date, want_any, k);
		if (week > 0) {
			focus = choose(src, FROM_USER, FROM_CIRCLE, RULE_WEEK, week, date, want_any, k);
			if (!focus.e) {
				int arc = 0;
				for (size_t i = 0; i < src[FROM_BUILTIN].n; i++)
					if (src[FROM_BUILTIN].v[i]->rule == RULE_WEEK &&
					    src[FROM_BUILTIN].v[i]->value > arc)
						arc = src[FROM_BUILTIN].v[i]->value;
				focus = choose(src, FROM_BUILTIN, FROM_BUILTIN, RULE_WEEK,
				               arc_step(week, pg.md.weeks, arc), date, want_any, k);
			}
		}
		long ordinal;
		int pday = pool_day(k, wd, &ordinal);
		choice own = choose(src, FROM_USER, FROM_BUILTIN, RULE_WEEKDAY, wd, date, want_challenge, k);
		choice pool = choose(src, FROM_USER, FROM_BUILTIN, RULE_POOL, 0, date, want_challenge, ordinal);
		/* the pool on its days, unless the weekday's own challenge comes
		 * from a source that ranks higher than the pool's */
		chal = own;
		if (pool.e && (!own.e || (pday && pool.origin <= own.origin)))
			chal = pool;
		if (chal.e && want_questions(chal.e))
			refl = chal;
		else
			refl = choose(src, FROM_USER, FROM_BUILTIN, RULE_WEEKDAY, wd, date, want_questions, k);
		if (!theme.e)
			theme = chal;
		if (theme.e)
			describe(&why, &theme, theme.e->rule, date, week, pg.md.weeks);
		if (chal.e && chal.e != theme.e) {
			wol_buf_puts(&why, "; challenge ");
			describe(&why, &chal, chal.e->rule, date, week, pg.md.weeks);
		}
		if (focus.e) {
			wol_buf_puts(&why, "; focus ");
			describe(&why, &focus, RULE_WEEK, date, week, pg.md.weeks);
		}
	}

	if (!theme.e) {
		rc = wol_error_set(err, WOL_ENOTFOUND, "prompt: no prompt applies to this date");
	} else {
		vars v;
		snprintf(v.weeks, sizeof v.weeks, "%d", pg.md.weeks);
		snprintf(v.week, sizeof v.week, "%d", week);
		snprintf(v.weeks_left, sizeof v.weeks_left, "%d", pg.md.weeks - week);
		snprintf(v.weekday, sizeof v.weekday, "%s", wol_weekday_name(wd));
		v.weekday[0] = (char)toupper((unsigned char)v.weekday[0]);
		v.circle = pg.name ? pg.name : "your circle";
		person_slot ps = {ctx, date, 0, NULL};
		v.person = &ps;
		int bad[4] = {0, 0, 0, 0}; /* placeholder reported for theme, focus, challenge, reflect */
		const entry *te = theme.e, *fe = focus.e, *ce = chal.e, *re = refl.e;
		/* one report per file */
		int *rep_c = ce == te ? &bad[0] : &bad[2];
		int *rep_r = re == te ? &bad[0] : re == ce ? rep_c : &bad[3];
		out->title = fill(te->p.title, &v, te->source, &w, &bad[0]);
		out->text = fill(te->p.text, &v, te->source, &w, &bad[0]);
		int mem = !out->title || !out->text;
		mem |= copy_strv(te->p.tags, te->p.ntags, &out->tags, &out->ntags) != 0;
		out->theme_source = wol_strfmt("%s", te->source);
		mem |= !out->theme_source;
		if (fe) {
			out->focus_title = fill(fe->p.title, &v, fe->source, &w, &bad[1]);
			out->focus_text = fill(fe->p.challenge, &v, fe->source, &w, &bad[1]);
			mem |= fill_strv(fe->p.questions, fe->p.nquestions, &out->focus_questions,
			                 &out->nfocus_questions, &v, fe->source, &w, &bad[1]) != 0;
			out->focus_source = wol_strfmt("%s", fe->source);
			mem |= !out->focus_title || !out->focus_text || !out->focus_source;
		}
		if (ce && !want_challenge(ce))
			ce = NULL; /* a date-specific prompt without one: the layer is empty */
		if (re && !want_questions(re))
			re = NULL;
		if (ce) {
			out->challenge_title = fill(ce->p.title, &v, ce->source, &w, rep_c);
			out->challenge = fill(ce->p.challenge, &v, ce->source, &w, rep_c);
			out->challenge_source = wol_strfmt("%s", ce->source);
			mem |= !out->challenge_title || !out->challenge || !out->challenge_source;
		} else {
			out->challenge_title = wol_strndup("", 0);
			out->challenge = wol_strndup("", 0);
			mem |= !out->challenge_title || !out->challenge;
		}
		if (re) {
			mem |= fill_strv(re->p.questions, re->p.nquestions, &out->questions, &out->nquestions,
			                 &v, re->source, &w, rep_r) != 0;
			out->reflect_source = wol_strfmt("%s", re->source);
			mem |= !out->reflect_source;
		}
		out->dated = dated.e != NULL;
		out->date = date;
		out->week = week;
		out->weeks = pg.has ? pg.md.weeks : 0;
		out->reason = wol_buf_detach(&why);
		if (mem || !out->reason)
			rc = wol_error_set(err, WOL_ENOMEM, "out of memory");
		free(ps.name);
	}
	wol_buf_free(&why);
	for (int o = 0; o < FROM_COUNT; o++)
		wol_prompt__entries_free(&src[o]);
	free(user_dir);
	free(circle_dir);
	free(pg.name);
	wol_circle_md_free(&pg.md);
	out->warnings = w.v;
	out->nwarnings = w.n;
	if (rc)
		wol_prompt_free(out);
	return rc;
}
