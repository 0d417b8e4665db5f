/* json.c - helpers of the result serializers (csrc/json/) */
#include "json/json.h"

cJSON *wol_json_str(const char *s)
{
	return s ? cJSON_CreateString(s) : NULL;
}

cJSON *wol_json_date(wol_date d)
{
	if (!d.y)
		return NULL;
	char buf[11];
	wol_date_format(d, buf);
	return cJSON_CreateString(buf);
}

cJSON *wol_json_strv(char *const *v, size_t n)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; a && i < n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(v[i] ? v[i] : ""));
	return a;
}

cJSON *wol_json_yaml(const wol_yaml *y)
{
	if (!y)
		return NULL;
	switch (y->kind) {
	case WOL_YAML_SCALAR:
		return cJSON_CreateString(y->value ? y->value : "");
	case WOL_YAML_SEQ: {
		cJSON *a = cJSON_CreateArray();
		for (size_t i = 0; a && i < y->n; i++) {
			cJSON *v = wol_json_yaml(y->items[i]);
			cJSON_AddItemToArray(a, v ? v : cJSON_CreateString(""));
		}
		return a;
	}
	case WOL_YAML_MAP: {
		cJSON *o = cJSON_CreateObject();
		/* keys come from files: copied, not referenced */
		for (size_t i = 0; o && i < y->n; i++)
			cJSON_AddItemToObject(o, y->keys[i], wol_json_yaml(y->items[i]));
		return o;
	}
	}
	return NULL;
}

/* item NULL (a missing value) adds nothing */
void wol_json_add(cJSON *o, const char *k, cJSON *item)
{
	if (!o || !item || !cJSON_AddItemToObjectCS(o, k, item))
		cJSON_Delete(item);
}

void wol_json_add_str(cJSON *o, const char *k, const char *s)
{
	wol_json_add(o, k, wol_json_str(s));
}

void wol_json_add_num(cJSON *o, const char *k, double n)
{
	wol_json_add(o, k, cJSON_CreateNumber(n));
}

void wol_json_add_bool(cJSON *o, const char *k, int b)
{
	wol_json_add(o, k, cJSON_CreateBool(b != 0));
}
