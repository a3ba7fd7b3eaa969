/*
 * ydoc.c — libyaml events to a document tree.
 *
 * A stack of open collections (bounded by YDOC_MAX_DEPTH) receives each
 * new node; a mapping takes its keys and values alternately.  Every event
 * is deleted on every path, and libyaml's own errors are reported with its
 * problem mark (a tab in the indentation with a message of our own).  Anchors are ignored (harmless on their own); aliases are
 * refused because expanding them is how small files become huge trees.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <yaml.h>

#include "lab/arena.h"
#include "lab/ydoc.h"

struct builder {
	struct arena		 *arena;
	struct ynode		 *stack[YDOC_MAX_DEPTH];
	int			  depth;
	long			  nodes;
	struct ynode		 *root;
	int			  docs;
	struct ydoc_error	 *err;
	const char		 *buf;		/* the input, for messages */
	size_t			  len;
};

static struct lab_pos
mark_pos(yaml_mark_t m)
{
	struct lab_pos p = { (int)m.line + 1, (int)m.column + 1 };

	return p;
}

__attribute__((format(printf, 3, 4)))
static int
fail(struct builder *b, yaml_mark_t m, const char *fmt, ...)
{
	va_list ap;

	b->err->pos = mark_pos(m);
	va_start(ap, fmt);
	vsnprintf(b->err->msg, sizeof(b->err->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int
add_child(struct builder *b, struct ynode *parent, struct ynode *kid)
{
	struct ynode **k;

	if ((k = arena_grow(b->arena, parent->kids, parent->n, &parent->cap,
	    sizeof(*k))) == NULL)
		return -ENOMEM;
	parent->kids = k;
	parent->kids[parent->n++] = kid;
	return 0;
}

/* Attaches a new node to the open collection (or makes it the root). */
static int
attach(struct builder *b, const yaml_event_t *ev, struct ynode *n)
{
	struct ynode *top;

	if (++b->nodes > YDOC_MAX_NODES)
		return fail(b, ev->start_mark,
		    "document has more than %d YAML nodes", YDOC_MAX_NODES);
	if (b->depth == 0) {
		b->root = n;
		return 0;
	}
	top = b->stack[b->depth - 1];
	/* Even kids of a mapping are keys: they must be scalars. */
	if (top->kind == Y_MAP && top->n % 2 == 0 && n->kind != Y_SCALAR)
		return fail(b, ev->start_mark,
		    "a mapping key must be a plain name, not a %s",
		    n->kind == Y_MAP ? "mapping" : "sequence");
	return add_child(b, top, n);
}

static struct ynode *
node_new(struct builder *b, enum ykind kind, const yaml_event_t *ev)
{
	struct ynode *n;

	if ((n = arena_alloc(b->arena, sizeof(*n))) == NULL)
		return NULL;
	n->kind = kind;
	n->pos = mark_pos(ev->start_mark);
	return n;
}

static int
on_scalar(struct builder *b, const yaml_event_t *ev)
{
	const char *v = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	struct ynode *n;

	if (memchr(v, '\0', len) != NULL)
		return fail(b, ev->start_mark, "a scalar contains a NUL character");
	if ((n = node_new(b, Y_SCALAR, ev)) == NULL ||
	    (n->str = arena_strndup(b->arena, v, len)) == NULL)
		return -ENOMEM;
	n->len = len;
	n->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE &&
	    ev->data.scalar.style != YAML_ANY_SCALAR_STYLE;
	return attach(b, ev, n);
}

static int
on_open(struct builder *b, const yaml_event_t *ev, enum ykind kind)
{
	struct ynode *n;
	int r;

	if (b->depth == YDOC_MAX_DEPTH)
		return fail(b, ev->start_mark,
		    "nesting deeper than %d levels", YDOC_MAX_DEPTH);
	if ((n = node_new(b, kind, ev)) == NULL)
		return -ENOMEM;
	if ((r = attach(b, ev, n)) != 0)
		return r;
	b->stack[b->depth++] = n;
	return 0;
}

static int
on_event(struct builder *b, const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (++b->docs > 1)
			return fail(b, ev->start_mark, "more than one YAML "
			    "document: put one topology in each file");
		return 0;
	case YAML_ALIAS_EVENT:
		return fail(b, ev->start_mark, "YAML aliases (*%s) are not "
		    "supported: use 'kinds:' for settings shared by nodes",
		    (const char *)ev->data.alias.anchor);
	case YAML_SCALAR_EVENT:
		return on_scalar(b, ev);
	case YAML_SEQUENCE_START_EVENT:
		return on_open(b, ev, Y_SEQ);
	case YAML_MAPPING_START_EVENT:
		return on_open(b, ev, Y_MAP);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		if (b->depth > 0)
			b->depth--;
		return 0;
	default:
		return 0;
	}
}

/*
 * The column (0-based) of the first tab in the indentation of line
 * m.line, at or before the problem's column, or -1.  libyaml reports a
 * tab there as "found character that cannot start any token", which
 * does not tell a newcomer what to do.
 */
static long
indent_tab(const struct builder *b, yaml_mark_t m)
{
	const char *p = b->buf, *end = b->buf + b->len;
	size_t line;
	long col;

	for (line = 0; line < m.line && p < end; p++)
		if (*p == '\n')
			line++;
	for (col = 0; p < end && (*p == ' ' || *p == '\t') &&
	    (size_t)col <= m.column; p++, col++)
		if (*p == '\t')
			return col;
	return -1;
}

static int
syntax_error(struct builder *b, const yaml_parser_t *p)
{
	yaml_mark_t m = p->problem_mark;
	long tab;

	if (p->error == YAML_MEMORY_ERROR)
		return -ENOMEM;
	if ((tab = indent_tab(b, m)) >= 0) {
		m.column = (size_t)tab;
		return fail(b, m, "tabs are not allowed in YAML; indent with "
		    "spaces");
	}
	if (p->context != NULL)
		return fail(b, m, "YAML syntax error: %s %s",
		    p->problem ? p->problem : "invalid input", p->context);
	return fail(b, m, "YAML syntax error: %s",
	    p->problem ? p->problem : "invalid input");
}

int
ydoc_parse(struct arena *a, const char *buf, size_t len, struct ynode **root,
    struct ydoc_error *err)
{
	struct builder b = { .arena = a, .err = err, .buf = buf, .len = len };
	yaml_parser_t p;
	yaml_event_t ev;
	int r = 0, done = 0;

	memset(err, 0, sizeof(*err));
	*root = NULL;
	if (len > YDOC_MAX_INPUT) {
		err->pos.line = err->pos.col = 1;
		snprintf(err->msg, sizeof(err->msg),
		    "file is larger than %d bytes", YDOC_MAX_INPUT);
		return -EINVAL;
	}
	if (!yaml_parser_initialize(&p))
		return -ENOMEM;
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	while (r == 0 && !done) {
		if (!yaml_parser_parse(&p, &ev)) {
			r = syntax_error(&b, &p);
			break;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		r = on_event(&b, &ev);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	if (r == 0)
		*root = b.root;
	return r;
}

const struct ynode *
ymap_key(const struct ynode *map, int i)
{
	return map->kids[2 * i];
}

const struct ynode *
ymap_value(const struct ynode *map, int i)
{
	/* A key with nothing after it (only possible in a truncated tree)
	 * has no value node; callers treat NULL as null. */
	return 2 * i + 1 < map->n ? map->kids[2 * i + 1] : NULL;
}

const struct ynode *
ymap_get(const struct ynode *map, const char *key)
{
	int i;

	if (map == NULL || map->kind != Y_MAP)
		return NULL;
	for (i = 0; 2 * i < map->n; i++)
		if (strcmp(ymap_key(map, i)->str, key) == 0)
			return ymap_value(map, i);
	return NULL;
}

bool
yis_null(const struct ynode *n)
{
	if (n == NULL)
		return true;
	if (n->kind != Y_SCALAR || n->quoted)
		return false;
	return n->len == 0 || strcmp(n->str, "~") == 0 ||
	    strcmp(n->str, "null") == 0 || strcmp(n->str, "Null") == 0 ||
	    strcmp(n->str, "NULL") == 0;
}

const char *
ykind_name(const struct ynode *n)
{
	if (yis_null(n))
		return "nothing";
	switch (n->kind) {
	case Y_SCALAR:
		return "a value";
	case Y_SEQ:
		return "a list";
	default:
		return "a mapping";
	}
}
