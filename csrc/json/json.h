/* json/json.h - helpers of the serializers in csrc/json/ (internal). Keys
 * are string literals, added without copying. */
#ifndef WOL_JSON_INT_H
#define WOL_JSON_INT_H

#include "util/util.h"
#include "wol_json.h"

/* A string; NULL (nothing: the key is left out) when s is NULL. */
cJSON *wol_json_str(const char *s);
/* "YYYY-MM-DD"; NULL (nothing) when the date is unknown (y == 0). */
cJSON *wol_json_date(wol_date d);
/* An array of strings (NULL entries become ""). */
cJSON *wol_json_strv(char *const *v, size_t n);
/* A YAML tree (front matter) as JSON: scalars are strings. */
cJSON *wol_json_yaml(const wol_yaml *y);

/* Add to object o under the literal key k; a NULL item adds nothing. */
void wol_json_add(cJSON *o, const char *k, cJSON *item);
void wol_json_add_str(cJSON *o, const char *k, const char *s);
void wol_json_add_num(cJSON *o, const char *k, double n);
void wol_json_add_bool(cJSON *o, const char *k, int b);

#endif
