/* people_json.h - the people, contribution and goal results as one tree
 * each (cJSON), which the CLI prints with --json and the binding turns
 * into Lua tables: the two front ends cannot drift apart. Keys are
 * snake_case; a missing value is left out; booleans and lists are always
 * there. Each returns a new tree (cJSON_Delete), NULL when out of memory. */
#ifndef WOL_PEOPLE_JSON_H
#define WOL_PEOPLE_JSON_H

#include <cjson/cJSON.h>

#include "wol.h"

/* One person: path relative to $WOL_HOME, abs absolute; "contributions"
 * (a list, oldest first) only when they were read (wol_people_get). */
WOL_API cJSON *wol_person_json(const wol_person *p);
/* The list: {"people": [...], "sort", "stale_days", "week", "stale", "warnings",
 * "reach_out": [{slug, name, last, days}] (up to 3 people to reach out to)}. */
WOL_API cJSON *wol_people_json(const wol_people *l);
WOL_API cJSON *wol_given_json(const wol_given *g);
/* A goal; `set` adds what wol_goal_set did (commit, unchanged, ahead). */
WOL_API cJSON *wol_goal_json(const wol_goal *g, int set);
/* {"handle", "revisions": [{date, time, commit, goal}], "revised"}. */
WOL_API cJSON *wol_goal_history_json(const wol_goal_history *h);

#endif
