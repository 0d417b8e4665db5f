/*
 * wol_json.h - every result of the API as one neutral tree (cJSON), built
 * once here (csrc/json/) and shown by both front ends: the CLI prints it
 * with --json, the Lua binding turns it into tables (wol_lua_push_json),
 * so `wol X --json` and the Lua API cannot drift apart.
 *
 * The shape of a tree is the contract; the rules (doc/hacking.md, "One
 * tree per result"):
 *   - keys are snake_case; a value that is missing (no remote, no date) is
 *     left out: no tree holds JSON null, so a JSON reader and Lua see the
 *     same absent field (nil);
 *   - booleans are always there (true/false), counts are numbers;
 *   - dates are "YYYY-MM-DD" strings; lists are arrays, always there (an
 *     empty list is [] in JSON and {} in Lua);
 *   - paths: `path` is relative (to the circle, or to $WOL_HOME for search
 *     hits), `abs`/`abspath` absolute.
 * Each function returns a new tree the caller frees with cJSON_Delete, or
 * NULL when out of memory. None of them fails otherwise.
 */
#ifndef WOL_JSON_H
#define WOL_JSON_H

#include <cjson/cJSON.h>

#include "wol.h"

/* sync: the summary of a run (err: NULL or code 0 when it succeeded; then
 * "digest" is set, else "error" and "code"), a progress event, the local
 * state (`wol sync --status`, ctx:sync_status). */
WOL_API cJSON *wol_sync_result_json(const wol_sync_result *r, const wol_error *err);
WOL_API cJSON *wol_sync_progress_json(const wol_sync_progress *p);
WOL_API cJSON *wol_sync_state_json(const wol_sync_state *st);

/* status: the circle at a glance (with "path", the circle's clone, and the
 * index refresh's "notice"). */
WOL_API cJSON *wol_status_json(const wol_ctx *ctx, const wol_status *s);

/* index: search hits (an array, best first), what a refresh or rebuild did,
 * the figures of `wol index --stats` (ctx:index_stats). */
WOL_API cJSON *wol_search_hits_json(const wol_search_result *res);
WOL_API cJSON *wol_index_report_json(const wol_index_report *r);
WOL_API cJSON *wol_index_figures_json(const wol_index_figures *f);

/* questions: one question (a thread from wol_question_get carries
 * "forged" and "records"), a listing (an array), what ask/answer/an event
 * wrote, what arrived since the last look. */
WOL_API cJSON *wol_question_json(const wol_question *q);
WOL_API cJSON *wol_questions_json(const wol_questions *qs);
WOL_API cJSON *wol_qwrite_json(wol_circle *c, const wol_qwrite *w);
WOL_API cJSON *wol_qnews_json(const wol_qnews *n);

/* feedback: one item, the feedback on a note (or a listing: "items",
 * newest first, and "warnings"), what a comment, reaction or addressed
 * mark wrote. */
WOL_API cJSON *wol_fitem_json(const wol_fitem *it);
WOL_API cJSON *wol_feedback_json(const wol_feedback *f);
WOL_API cJSON *wol_fwrite_json(wol_circle *c, const wol_fwrite *w);

/* circles: what a share did, the notes (each with "abs"), the members,
 * circle.md and the clone's state. */
WOL_API cJSON *wol_share_result_json(wol_circle *c, const wol_share_result *r);
WOL_API cJSON *wol_notes_json(wol_circle *c, const wol_note *v, size_t n);
WOL_API cJSON *wol_members_json(const wol_member *m, size_t n);
WOL_API cJSON *wol_circle_info_json(wol_circle *c, const wol_circle_info *info);

/* journal: the entries, newest first ("title", "size" and "written" only
 * when they were read), the streaks. */
WOL_API cJSON *wol_journal_entries_json(const wol_journal_entries *l);
WOL_API cJSON *wol_activity_json(const wol_activity *a);
WOL_API cJSON *wol_journal_done_json(const wol_journal_done *d, wol_date date);
/* the journal's private history: a commit, the versions of a file (newest
 * first; "rev" is the commit's first 8 digits), the state */
WOL_API cJSON *wol_journal_commit_json(const wol_journal_commit_result *r);
WOL_API cJSON *wol_journal_versions_json(const wol_journal_versions *v);
WOL_API cJSON *wol_journal_state_json(const wol_journal_state *s);

/* the day's prompt, the health checks, the library versions, the identity
 * read from git config */
WOL_API cJSON *wol_prompt_json(const wol_prompt *p);
WOL_API cJSON *wol_checks_json(const wol_checks *checks);
WOL_API cJSON *wol_libinfo_json(const wol_libinfo *li);
WOL_API cJSON *wol_identity_json(const wol_identity *id);

/* the weekly review ("written": the dates of the days written), what an
 * export wrote */
WOL_API cJSON *wol_review_json(const wol_review *r);
WOL_API cJSON *wol_export_result_json(const wol_export_result *r);

/* people: one person (path relative to $WOL_HOME, abs absolute;
 * "contributions", oldest first, only when they were read), the list
 * ({"people": [...], "sort", "stale_days", "week", "stale", "warnings",
 * "reach_out": [{slug, name, last, days}]}), a contribution given, a goal
 * (`set` adds what wol_goal_set did: commit, unchanged, ahead) and its
 * history ({"handle", "revisions": [{date, time, commit, goal}],
 * "revised"}) */
WOL_API cJSON *wol_person_json(const wol_person *p);
WOL_API cJSON *wol_people_json(const wol_people *l);
WOL_API cJSON *wol_given_json(const wol_given *g);
WOL_API cJSON *wol_goal_json(const wol_goal *g, int set);
WOL_API cJSON *wol_goal_history_json(const wol_goal_history *h);

#endif
