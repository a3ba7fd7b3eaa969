/*
 * ydoc.h — a YAML document as a small tree with a position for every node.
 *
 * The only place that parses untrusted YAML (through libyaml's event API).
 * The tree keeps what a topology needs: scalars (text, and whether they
 * were quoted), sequences and mappings (pairs in file order, duplicate keys
 * kept for the loader to report), each with its 1-based line and column.
 *
 * Refused, with a position and a message: syntax errors, more than one
 * document, aliases (*name: topologies use `kinds:` for reuse), mapping
 * keys that are not scalars, scalars containing NUL, nesting deeper than
 * YDOC_MAX_DEPTH and more than YDOC_MAX_NODES nodes in all.
 *
 * Contract: ydoc_parse() allocates the tree in the caller's arena and
 * returns 0, -EINVAL (err filled in) or -ENOMEM.  An empty document gives
 * a NULL root.  Nothing here prints.
 */
#ifndef RUMPLAB_YDOC_H
#define RUMPLAB_YDOC_H

#include <stdbool.h>
#include <stddef.h>

#include "lab/diag.h"

#define YDOC_MAX_DEPTH	64
#define YDOC_MAX_NODES	(4 * 1024 * 1024)
#define YDOC_MAX_INPUT	(64 * 1024 * 1024)

struct arena;

enum ykind {
	Y_SCALAR,
	Y_SEQ,
	Y_MAP,
};

struct ynode {
	enum ykind	  kind;
	struct lab_pos	  pos;
	bool		  quoted;	/* scalar not in plain style */
	const char	 *str;		/* scalar text, NUL-terminated */
	size_t		  len;
	struct ynode	**kids;		/* seq: n items; map: 2n (key, value) */
	int		  n;
	int		  cap;
};

struct ydoc_error {
	struct lab_pos	pos;
	char		msg[256];
};

int	ydoc_parse(struct arena *a, const char *buf, size_t len,
	    struct ynode **root, struct ydoc_error *err);

/* Helpers for readers of the tree. */
const struct ynode *ymap_key(const struct ynode *map, int i);
const struct ynode *ymap_value(const struct ynode *map, int i);
/* The value of `key` in a mapping (first occurrence), or NULL. */
const struct ynode *ymap_get(const struct ynode *map, const char *key);
bool	yis_null(const struct ynode *n);
const char *ykind_name(const struct ynode *n);

#endif
