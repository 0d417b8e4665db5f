/* doc.c - Markdown documents with YAML front matter, read and written
 * through libyaml */
#include "util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* Locates the front matter: returns 1 and sets [ys, ye) to the YAML text
 * and *body to the first byte after the closing line. */
static int split_front_matter(const char *t, size_t len, size_t *ys, size_t *ye, size_t *body,
                              int *body_line)
{
	size_t p = 0;
	if (len >= 3 && (unsigned char)t[0] == 0xEF && (unsigned char)t[1] == 0xBB &&
	    (unsigned char)t[2] == 0xBF)
		p = 3; /* UTF-8 byte order mark */
	if (len - p < 3 || memcmp(t + p, "---", 3) != 0)
		return 0;
	size_t q = p + 3;
	while (q < len && (t[q] == ' ' || t[q] == '\t'))
		q++;
	if (q < len && t[q] == '\r')
		q++;
	if (q >= len || t[q] != '\n')
		return 0;
	q++;
	*ys = q;
	int line = 2;
	while (q < len) {
		size_t eol = q;
		while (eol < len && t[eol] != '\n')
			eol++;
		size_t l = eol - q;
		if (l > 0 && t[q + l - 1] == '\r')
			l--;
		while (l > 3 && (t[q + l - 1] == ' ' || t[q + l - 1] == '\t'))
			l--;
		if (l == 3 && (memcmp(t + q, "---", 3) == 0 || memcmp(t + q, "...", 3) == 0)) {
			*ye = q;
			*body = eol < len ? eol + 1 : eol;
			*body_line = line + 1;
			return 1;
		}
		q = eol < len ? eol + 1 : eol;
		line++;
	}
	return -1; /* opened but never closed */
}

typedef struct parser {
	yaml_parser_t p;
	const char *name;
	int line0; /* line of the first YAML line in the document */
	int nodes;
	wol_error *err;
} parser;

static int perr(parser *ps, int line, const char *what)
{
	return wol_error_set(ps->err, WOL_EINVAL, "%s:%d: front matter: %s", ps->name, line, what);
}

static int next_event(parser *ps, yaml_event_t *ev)
{
	if (!yaml_parser_parse(&ps->p, ev)) {
		int line = ps->line0 + (int)ps->p.problem_mark.line;
		char why[256];
		snprintf(why, sizeof why, "%s%s%s", ps->p.problem ? ps->p.problem : "invalid YAML",
		         ps->p.context ? " " : "", ps->p.context ? ps->p.context : "");
		return perr(ps, line, why);
	}
	return 0;
}

static int parse_node(parser *ps, yaml_event_t *ev, int depth, wol_yaml **out);

static int parse_children(parser *ps, wol_yaml *y, int depth)
{
	for (;;) {
		yaml_event_t ev;
		int rc = next_event(ps, &ev);
		if (rc)
			return rc;
		if (ev.type == YAML_SEQUENCE_END_EVENT || ev.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&ev);
			return 0;
		}
		char *key = NULL;
		if (y->kind == WOL_YAML_MAP) {
			int line = ps->line0 + (int)ev.start_mark.line;
			if (ev.type != YAML_SCALAR_EVENT) {
				yaml_event_delete(&ev);
				return perr(ps, line, "keys must be plain strings");
			}
			key = wol_strndup((const char *)ev.data.scalar.value, ev.data.scalar.length);
			yaml_event_delete(&ev);
			if (!key)
				return wol_error_set(ps->err, WOL_ENOMEM, "out of memory");
			if (wol_yaml_get(y, key)) {
				char why[128];
				snprintf(why, sizeof why, "duplicate key '%.60s'", key);
				free(key);
				return perr(ps, line, why);
			}
			rc = next_event(ps, &ev);
			if (rc) {
				free(key);
				return rc;
			}
		}
		wol_yaml *child = NULL;
		rc = parse_node(ps, &ev, depth + 1, &child);
		yaml_event_delete(&ev);
		if (rc) {
			free(key);
			return rc;
		}
		if (key) {
			rc = wol_yaml_set(y, key, child);
			free(key);
		} else {
			rc = wol_yaml_push(y, child);
		}
		if (rc)
			return wol_error_set(ps->err, WOL_ENOMEM, "out of memory");
	}
}

/* Builds a node from `ev` (already read; the caller deletes it). */
static int parse_node(parser *ps, yaml_event_t *ev, int depth, wol_yaml **out)
{
	int line = ps->line0 + (int)ev->start_mark.line;
	if (++ps->nodes > WOL_YAML_MAX_NODES)
		return perr(ps, line, "too many nodes");
	if (depth > WOL_YAML_MAX_DEPTH)
		return perr(ps, line, "nested too deeply");
	wol_yaml *y = NULL;
	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		return perr(ps, line, "aliases (*name) are not allowed");
	case YAML_SCALAR_EVENT:
		y = calloc(1, sizeof *y);
		if (y) {
			y->kind = WOL_YAML_SCALAR;
			y->value = wol_strndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
			y->quoted = ev->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
			            ev->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
			if (!y->value) {
				free(y);
				y = NULL;
			}
			/* a plain "~" or "null" is YAML's null: keep it as empty */
			if (y && !y->quoted && ev->data.scalar.plain_implicit &&
			    (strcmp(y->value, "~") == 0 || strcmp(y->value, "null") == 0))
				y->value[0] = '\0';
		}
		break;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT: {
		y = wol_yaml_new(ev->type == YAML_SEQUENCE_START_EVENT ? WOL_YAML_SEQ : WOL_YAML_MAP,
		                 NULL);
		if (!y)
			break;
		y->line = line;
		int rc = parse_children(ps, y, depth);
		if (rc) {
			wol_yaml_free(y);
			return rc;
		}
		break;
	}
	default:
		return perr(ps, line, "unexpected YAML event");
	}
	if (!y)
		return wol_error_set(ps->err, WOL_ENOMEM, "out of memory");
	y->line = line;
	*out = y;
	return 0;
}

static int parse_yaml(const char *text, size_t len, const char *name, int line0, wol_yaml **out,
                      wol_error *err)
{
	parser ps;
	memset(&ps, 0, sizeof ps);
	ps.name = name;
	ps.line0 = line0;
	ps.err = err;
	if (!yaml_parser_initialize(&ps.p))
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	yaml_parser_set_input_string(&ps.p, (const unsigned char *)text, len);
	int rc = 0;
	wol_yaml *root = NULL;
	yaml_event_t ev;
	int done = 0;
	while (!done && rc == 0) {
		rc = next_event(&ps, &ev);
		if (rc)
			break;
		switch (ev.type) {
		case YAML_STREAM_START_EVENT:
		case YAML_DOCUMENT_START_EVENT:
		case YAML_DOCUMENT_END_EVENT:
			break;
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		default:
			if (root) {
				rc = perr(&ps, line0 + (int)ev.start_mark.line, "more than one document");
				break;
			}
			rc = parse_node(&ps, &ev, 0, &root);
			if (rc == 0 && root->kind != WOL_YAML_MAP &&
			    !(root->kind == WOL_YAML_SCALAR && root->value[0] == '\0'))
				rc = perr(&ps, root->line, "must be a mapping of key: value lines");
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&ps.p);
	if (rc) {
		wol_yaml_free(root);
		return rc;
	}
	if (!root || root->kind != WOL_YAML_MAP) {
		wol_yaml_free(root);
		root = wol_yaml_new(WOL_YAML_MAP, NULL);
		if (!root)
			return wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	*out = root;
	return 0;
}

int wol_doc_parse(const char *text, size_t len, const char *name, wol_doc *out, wol_error *err)
{
	memset(out, 0, sizeof *out);
	if (!name)
		name = "<text>";
	size_t ys = 0, ye = 0, body = 0;
	int body_line = 1;
	int fm = split_front_matter(text, len, &ys, &ye, &body, &body_line);
	if (fm < 0)
		return wol_error_set(err, WOL_EINVAL, "%s:1: front matter: opening '---' has no closing '---'",
		                     name);
	int rc;
	if (fm == 1) {
		rc = parse_yaml(text + ys, ye - ys, name, 2, &out->meta, err);
		if (rc)
			return rc;
	} else {
		out->meta = wol_yaml_new(WOL_YAML_MAP, NULL);
		body = 0;
		body_line = 1;
		if (!out->meta)
			return wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	out->body = wol_strndup(text + body, len - body);
	out->body_line = body_line;
	if (!out->body) {
		wol_doc_free(out);
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	}
	return 0;
}

void wol_doc_free(wol_doc *doc)
{
	if (!doc)
		return;
	wol_yaml_free(doc->meta);
	free(doc->body);
	doc->meta = NULL;
	doc->body = NULL;
}

static int write_handler(void *data, unsigned char *buffer, size_t size)
{
	return wol_buf_put((wol_buf *)data, (const char *)buffer, size) == 0;
}

static int emit_node(yaml_emitter_t *em, const wol_yaml *y)
{
	yaml_event_t ev;
	switch (y->kind) {
	case WOL_YAML_SCALAR: {
		/* quoted when it was, and when plain text would read back as
		 * something else (YAML's null) or cannot be written plain (empty),
		 * so rendering what was parsed gives the same text again; single
		 * quotes where libyaml allows them (what it picks itself for text
		 * that cannot be plain), double quotes otherwise */
		int quote = y->quoted || !y->value[0] || strcmp(y->value, "~") == 0 ||
		            strcmp(y->value, "null") == 0;
		yaml_scalar_style_t st = quote ? YAML_SINGLE_QUOTED_SCALAR_STYLE : YAML_ANY_SCALAR_STYLE;
		if (!yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)y->value,
		                                  (int)strlen(y->value), 1, 1, st))
			return -1;
		return yaml_emitter_emit(em, &ev) ? 0 : -1;
	}
	case WOL_YAML_SEQ:
		if (!yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
		                                          y->n && y->n <= 8 ? YAML_FLOW_SEQUENCE_STYLE
		                                                            : YAML_BLOCK_SEQUENCE_STYLE) ||
		    !yaml_emitter_emit(em, &ev))
			return -1;
		for (size_t i = 0; i < y->n; i++)
			if (emit_node(em, y->items[i]))
				return -1;
		if (!yaml_sequence_end_event_initialize(&ev) || !yaml_emitter_emit(em, &ev))
			return -1;
		return 0;
	case WOL_YAML_MAP:
		if (!yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE) ||
		    !yaml_emitter_emit(em, &ev))
			return -1;
		for (size_t i = 0; i < y->n; i++) {
			if (!yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)y->keys[i],
			                                  (int)strlen(y->keys[i]), 1, 1,
			                                  YAML_ANY_SCALAR_STYLE) ||
			    !yaml_emitter_emit(em, &ev))
				return -1;
			if (emit_node(em, y->items[i]))
				return -1;
		}
		if (!yaml_mapping_end_event_initialize(&ev) || !yaml_emitter_emit(em, &ev))
			return -1;
		return 0;
	}
	return -1;
}

int wol_doc_render(const wol_doc *doc, char **out, size_t *len, wol_error *err)
{
	wol_buf b;
	wol_buf_init(&b);
	if (doc->meta && doc->meta->n > 0) {
		yaml_emitter_t em;
		yaml_event_t ev;
		if (!yaml_emitter_initialize(&em))
			return wol_error_set(err, WOL_ENOMEM, "out of memory");
		yaml_emitter_set_output(&em, write_handler, &b);
		yaml_emitter_set_unicode(&em, 1);
		yaml_emitter_set_width(&em, -1);
		wol_buf_puts(&b, "---\n");
		int ok = yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING) &&
		         yaml_emitter_emit(&em, &ev) &&
		         yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1) &&
		         yaml_emitter_emit(&em, &ev) && emit_node(&em, doc->meta) == 0 &&
		         yaml_document_end_event_initialize(&ev, 1) && yaml_emitter_emit(&em, &ev) &&
		         yaml_stream_end_event_initialize(&ev) && yaml_emitter_emit(&em, &ev);
		const char *problem = em.problem;
		yaml_emitter_delete(&em);
		if (!ok) {
			wol_buf_free(&b);
			return wol_error_set(err, WOL_EINVAL, "front matter: cannot write: %s",
			                     problem ? problem : "emitter error");
		}
		wol_buf_puts(&b, "---\n");
	} else if (doc->body) {
		/* a body that itself starts like front matter would be read back
		 * as front matter (or refused as unclosed): open and close an
		 * empty one first */
		size_t ys, ye, body;
		int line;
		if (split_front_matter(doc->body, strlen(doc->body), &ys, &ye, &body, &line) != 0)
			wol_buf_puts(&b, "---\n---\n");
	}
	wol_buf_puts(&b, doc->body ? doc->body : "");
	size_t n = b.len;
	char *s = wol_buf_detach(&b);
	if (!s)
		return wol_error_set(err, WOL_ENOMEM, "out of memory");
	*out = s;
	if (len)
		*len = n;
	return 0;
}
