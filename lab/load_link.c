/*
 * load_link.c — links: point-to-point shorthand.  `- [r1, r2]` or
 * `- { a: r1, b: r2, subnet: 10.0.0.0/30, delay: 5ms }` makes a bus of its
 * own (named after the link's ends: r1-r2, r1-r2-2 for a second one, or
 * `bus:`) and one interface on each end with automatic addresses: host 1
 * of the link's subnet for `a`, host 2 for `b`.  A link accepts every bus
 * option.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lab/arena.h"
#include "lab/load.h"

struct linkload {
	struct lab_bus		 bus;	/* first: bus options load into it */
	const struct ynode	*a, *b, *name;
};

static int
k_end(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	struct linkload *ll = obj;
	const char *s;

	if (v_name(L, v, k->str[0] == 'a' ? "link end 'a'" :
	    k->str[0] == 'b' ? "link end 'b'" : "link bus", &s) != 0)
		return -EINVAL;
	if (k->str[0] == 'a')
		ll->a = v;
	else if (k->str[0] == 'b')
		ll->b = v;
	else
		ll->name = v;
	return 0;
}

static const struct keyspec link_keys[] = {
	{ "a", k_end, NULL },
	{ "b", k_end, NULL },
	{ "bus", k_end, NULL },
	{ NULL, NULL, bus_option_keys },
};

/* The node an end names, or -1 (reported). */
static int
link_end(struct loader *L, const struct ynode *v, char end)
{
	const char *list, *near;
	int n;

	if ((n = lab_node_find(L->lab, v->str)) >= 0)
		return n;
	list = lab_node_names(L->lab, v->str, &near);
	if (near != NULL)
		lerr(L, v->pos, "link end '%c': no node '%s' (did you mean "
		    "'%s'? defined nodes: %s)", end, v->str, near, list);
	else
		lerr(L, v->pos, "link end '%c': no node '%s' (defined nodes: "
		    "%s); define it under 'nodes:'", end, v->str, list);
	return -1;
}

/* A free bus name for the link a-b: "a-b", then "a-b-2", ... */
static const char *
link_bus_name(struct loader *L, const char *a, const char *b)
{
	const char *name;
	int i;

	name = arena_printf(L->a, "%s-%s", a, b);
	for (i = 2; name != NULL && lab_bus_find(L->lab, name) >= 0; i++)
		name = arena_printf(L->a, "%s-%s-%d", a, b, i);
	return name;
}

static int
link_iface(struct loader *L, int node, int bus, int link, bool b_end,
    struct lab_pos pos)
{
	struct lab_iface *ifp;
	int r;

	if ((r = node_add_iface(L, &L->lab->nodes[node], &ifp)) != 0)
		return r;
	ifp->busname = L->lab->buses[bus].name;
	ifp->bus = bus;
	ifp->link = link;
	ifp->link_b = b_end;
	ifp->autoaddr = AUTO_ANY;
	ifp->macmode = L->lab->macmode;
	ifp->pos = ifp->buspos = pos;
	return 0;
}

static int
make_link(struct loader *L, struct linkload *ll, struct lab_pos pos, int link)
{
	const char *name;
	int a, b, idx, r, old;

	a = link_end(L, ll->a, 'a');
	b = link_end(L, ll->b, 'b');
	if (a < 0 || b < 0)
		return -EINVAL;
	if (a == b)
		return lerr(L, ll->b->pos, "link from '%s' to itself: a link "
		    "joins two different nodes", ll->a->str);
	if (ll->name != NULL) {
		name = ll->name->str;
		if ((old = lab_bus_find(L->lab, name)) >= 0)
			return lerr(L, ll->name->pos, "bus '%s' of this link is "
			    "already defined at line %d; a link makes its own "
			    "bus: choose another name or leave 'bus' out", name,
			    L->lab->buses[old].pos.line);
	} else if ((name = link_bus_name(L, ll->a->str, ll->b->str)) == NULL)
		return lnomem(L);
	if ((r = bus_add(L, name, pos, &idx)) != 0)
		return r;
	/* Copy the options (and the subnets array) read into ll->bus. */
	ll->bus.name = name;
	ll->bus.pos = pos;
	ll->bus.link = link;
	L->lab->buses[idx] = ll->bus;
	if ((r = link_iface(L, a, idx, link, false, pos)) != 0 ||
	    (r = link_iface(L, b, idx, link, true, pos)) != 0)
		return r;
	return 0;
}

static int
load_link(struct loader *L, const struct ynode *item, int link)
{
	struct linkload ll;
	int r;

	memset(&ll, 0, sizeof(ll));
	ll.bus.size = LAB_BUS_SIZE;
	ll.bus.link = -1;
	if (item->kind == Y_SEQ) {
		if (item->n != 2 || item->kids[0]->kind != Y_SCALAR ||
		    item->kids[1]->kind != Y_SCALAR)
			return lerr(L, item->pos, "a link is two node names, "
			    "like [r1, r2], or a mapping like { a: r1, b: r2 }");
		if (k_end(L, &ll, &(struct ynode){ .str = "a" },
		    item->kids[0]) != 0 ||
		    k_end(L, &ll, &(struct ynode){ .str = "b" },
		    item->kids[1]) != 0)
			return -EINVAL;
		return make_link(L, &ll, item->pos, link);
	}
	if (item->kind != Y_MAP)
		return lerr(L, item->pos, "a link is two node names, like "
		    "[r1, r2], or a mapping like { a: r1, b: r2 }");
	if ((r = load_keys(L, item, "link", link_keys, &ll)) != 0)
		return r;
	if (ll.a == NULL || ll.b == NULL)
		return lerr(L, item->pos, "a link needs both ends, 'a' and "
		    "'b', like { a: r1, b: r2 }");
	return make_link(L, &ll, item->pos, link);
}

/* A link that did not load may have taken an interface from the nodes
 * it names: they are partial. */
static void
mark_ends(struct loader *L, const struct ynode *item)
{
	const struct ynode *end[2] = { NULL, NULL };
	int i, k;

	if (item->kind == Y_SEQ)
		for (i = 0; i < item->n && i < 2; i++)
			end[i] = item->kids[i];
	else if (item->kind == Y_MAP) {
		end[0] = ymap_get(item, "a");
		end[1] = ymap_get(item, "b");
	}
	for (i = 0; i < 2; i++)
		if (end[i] != NULL && end[i]->kind == Y_SCALAR &&
		    (k = lab_node_find(L->lab, end[i]->str)) >= 0)
			L->lab->nodes[k].partial = true;
}

int
load_links(struct loader *L, const struct ynode *links)
{
	int i, r;

	if (yis_null(links))
		return 0;
	if (links->kind != Y_SEQ)
		return lerr(L, links->pos, "'links' must be a list like "
		    "[ [r1, r2], { a: r2, b: r3, subnet: 10.0.0.0/30 } ]");
	for (i = 0; i < links->n; i++)
		if ((r = load_link(L, links->kids[i], i)) == -ENOMEM)
			return r;
		else if (r != 0)
			mark_ends(L, links->kids[i]);
	return 0;
}
