/*
 * load_check.c — checks: what the lab asserts once it runs.
 *
 *   - { from: h1, to: h2 }                   h1 reaches h2's first address
 *   - { from: h1, to: 10.0.2.10 }            ... or an address
 *   - { from: h1, to: h2, family: 6 }        ... h2's first IPv6 address
 *   - { from: h1, to: h2, via: [r1, r2] }    ... through r1 then r2
 *   - { from: h1, to: h2, reach: false }     h1 must not reach h2
 *
 * Node names are resolved here (nodes are loaded first); whether the
 * computed routes satisfy a check is the planner's (lab/trace.c).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lab/arena.h"
#include "lab/load.h"

/* The node `v` names, or -1 (reported as `role`). */
static int
check_node(struct loader *L, const struct ynode *v, const char *role)
{
	const char *list, *near, *name;
	int n;

	if (v_name(L, v, role, &name) != 0)
		return -1;
	if ((n = lab_node_find(L->lab, name)) >= 0)
		return n;
	list = lab_node_names(L->lab, name, &near);
	if (near != NULL)
		lerr(L, v->pos, "%s: no node '%s' (did you mean '%s'? defined "
		    "nodes: %s)", role, name, near, list);
	else
		lerr(L, v->pos, "%s: no node '%s' (defined nodes: %s)", role,
		    name, list);
	return -1;
}

static int
k_from(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	struct lab_check *c = obj;

	c->frompos = v ? v->pos : k->pos;
	if ((c->from = check_node(L, v, "check 'from'")) < 0)
		return -EINVAL;
	c->from_name = v->str;
	return 0;
}

static int
k_to(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	struct lab_check *c = obj;
	bool had_len;

	c->topos = v ? v->pos : k->pos;
	c->to_node = -1;
	if (v != NULL && v->kind == Y_SCALAR &&
	    ip_parse(v->str, IP_LEN_OPTIONAL, &c->to, &had_len) == 0) {
		if (had_len)
			return lerr(L, v->pos, "check 'to' is an address without "
			    "a prefix length (got %s)", v->str);
		c->to_name = v->str;
		return 0;
	}
	memset(&c->to, 0, sizeof(c->to));
	if ((c->to_node = check_node(L, v, "check 'to'")) < 0)
		return -EINVAL;
	c->to_name = v->str;
	return 0;
}

static int
k_cvia(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	struct lab_check *c = obj;
	int i, cnt, rv = 0;

	c->viapos = v ? v->pos : k->pos;
	c->has_via = true;
	if ((cnt = v_list(L, v, "via")) < 0)
		return cnt;
	if ((c->via = arena_alloc(L->a, sizeof(int) * (size_t)(cnt + 1))) ==
	    NULL || (c->via_names = arena_alloc(L->a, sizeof(char *) *
	    (size_t)(cnt + 1))) == NULL || (c->via_pos = arena_alloc(L->a,
	    sizeof(struct lab_pos) * (size_t)(cnt + 1))) == NULL)
		return lnomem(L);
	for (i = 0; i < cnt; i++) {
		const struct ynode *it = v_item(v, i);

		c->via_pos[i] = it->pos;
		if ((c->via[i] = check_node(L, it, "check 'via'")) < 0)
			rv = -EINVAL;
		else
			c->via_names[i] = it->str;
	}
	c->nvia = cnt;
	return rv;
}

static int
k_reach(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	return v_bool(L, v, "reach", &((struct lab_check *)obj)->reach);
}

static int
k_family(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	unsigned long f;

	if (v_uint(L, v, "family", 4, 6, &f) != 0 || (f != 4 && f != 6))
		return lerr(L, v ? v->pos : k->pos, "check 'family' must be "
		    "4 or 6");
	((struct lab_check *)obj)->family = (int)f;
	return 0;
}

static const struct keyspec check_keys[] = {
	{ "from", k_from, NULL },
	{ "to", k_to, NULL },
	{ "via", k_cvia, NULL },
	{ "reach", k_reach, NULL },
	{ "family", k_family, NULL },
	{ NULL, NULL, NULL },
};

static int
load_check(struct loader *L, const struct ynode *item)
{
	struct lab *lab = L->lab;
	struct lab_check c, *v;
	int r;

	memset(&c, 0, sizeof(c));
	c.from = c.to_node = -1;
	c.reach = true;
	c.pos = item->pos;
	if ((r = load_keys(L, item, "check", check_keys, &c)) == -ENOMEM)
		return r;
	if (item->kind == Y_MAP && (ymap_get(item, "from") == NULL ||
	    ymap_get(item, "to") == NULL))
		return lerr(L, item->pos, "a check needs 'from' (a node) and "
		    "'to' (a node or an address), like { from: h1, to: h2 }");
	if (r != 0 || item->kind != Y_MAP)
		return -EINVAL;
	if (c.has_via && !c.reach)
		return lerr(L, c.viapos, "check with 'reach: false' cannot "
		    "have a 'via' path");
	if ((v = arena_grow(L->a, lab->checks, lab->nchecks, &lab->capchecks,
	    sizeof(*v))) == NULL)
		return lnomem(L);
	lab->checks = v;
	lab->checks[lab->nchecks++] = c;
	return 0;
}

int
load_checks(struct loader *L, const struct ynode *checks)
{
	int i, r;

	if (yis_null(checks))
		return 0;
	if (checks->kind != Y_SEQ)
		return lerr(L, checks->pos, "'checks' must be a list like "
		    "[ { from: h1, to: h2 } ]");
	for (i = 0; i < checks->n; i++)
		if ((r = load_check(L, checks->kids[i])) == -ENOMEM)
			return r;
	return 0;
}
