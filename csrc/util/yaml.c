/* yaml.c - a small tree of YAML nodes (scalars, sequences, mappings) */
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

wol_yaml *wol_yaml_new(wol_yaml_kind kind, const char *scalar)
{
	wol_yaml *y = calloc(1, sizeof *y);
	if (!y)
		return NULL;
	y->kind = kind;
	if (kind == WOL_YAML_SCALAR) {
		y->value = wol_strfmt("%s", scalar ? scalar : "");
		if (!y->value) {
			free(y);
			return NULL;
		}
	}
	return y;
}

void wol_yaml_free(wol_yaml *y)
{
	if (!y)
		return;
	for (size_t i = 0; i < y->n; i++) {
		if (y->keys)
			free(y->keys[i]);
		wol_yaml_free(y->items[i]);
	}
	free(y->keys);
	free(y->items);
	free(y->value);
	free(y);
}

const wol_yaml *wol_yaml_get(const wol_yaml *map, const char *key)
{
	if (!map || map->kind != WOL_YAML_MAP)
		return NULL;
	for (size_t i = 0; i < map->n; i++)
		if (strcmp(map->keys[i], key) == 0)
			return map->items[i];
	return NULL;
}

const char *wol_yaml_str(const wol_yaml *map, const char *key)
{
	const wol_yaml *v = wol_yaml_get(map, key);
	return v && v->kind == WOL_YAML_SCALAR ? v->value : NULL;
}

static int reserve(wol_yaml *y)
{
	if (y->n < y->cap)
		return 0;
	size_t cap = y->cap ? y->cap * 2 : 8;
	wol_yaml **items = realloc(y->items, cap * sizeof *items);
	if (!items)
		return WOL_ENOMEM;
	y->items = items;
	if (y->kind == WOL_YAML_MAP) {
		char **keys = realloc(y->keys, cap * sizeof *keys);
		if (!keys)
			return WOL_ENOMEM;
		y->keys = keys;
	}
	y->cap = cap;
	return 0;
}

int wol_yaml_set(wol_yaml *map, const char *key, wol_yaml *val)
{
	if (!map || map->kind != WOL_YAML_MAP || !val) {
		wol_yaml_free(val);
		return WOL_EINVAL;
	}
	for (size_t i = 0; i < map->n; i++) {
		if (strcmp(map->keys[i], key) == 0) {
			wol_yaml_free(map->items[i]);
			map->items[i] = val;
			return 0;
		}
	}
	char *k = wol_strfmt("%s", key);
	if (!k || reserve(map) != 0) {
		free(k);
		wol_yaml_free(val);
		return WOL_ENOMEM;
	}
	map->keys[map->n] = k;
	map->items[map->n++] = val;
	return 0;
}

int wol_yaml_set_str(wol_yaml *map, const char *key, const char *val)
{
	wol_yaml *v = wol_yaml_new(WOL_YAML_SCALAR, val);
	if (!v)
		return WOL_ENOMEM;
	return wol_yaml_set(map, key, v);
}

int wol_yaml_push(wol_yaml *seq, wol_yaml *val)
{
	if (!seq || seq->kind != WOL_YAML_SEQ || !val) {
		wol_yaml_free(val);
		return WOL_EINVAL;
	}
	if (reserve(seq) != 0) {
		wol_yaml_free(val);
		return WOL_ENOMEM;
	}
	seq->items[seq->n++] = val;
	return 0;
}
