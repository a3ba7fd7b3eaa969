/*
 * model.c — lookups on the lab model: nodes and buses by name (through
 * hash tables each joins as it is made: a lab of 10,000 nodes makes 10,000
 * buses after its nodes, in `links:`, and looks each up), hosts by name and
 * the one that is this machine, a node's first address of a family, and
 * counts for summaries.
 */
#include <sys/socket.h>

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "lab/arena.h"
#include "lab/lab.h"
#include "lab/load.h"

/* qsort has no context argument: the names being sorted. */
static const char *const *sort_names;
static size_t sort_stride;

static const char *
name_at(const void *base, size_t stride, int i)
{
	return *(const char *const *)((const char *)base + stride * (size_t)i);
}

static int
index_cmp(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b, r;

	r = strcmp(name_at(sort_names, sort_stride, x),
	    name_at(sort_names, sort_stride, y));
	return r ? r : (x > y) - (x < y);
}

static struct lab_pos
pos_at(const void *base, size_t stride, size_t posoff, int i)
{
	struct lab_pos p;

	memcpy(&p, (const char *)base + stride * (size_t)i + posoff, sizeof(p));
	return p;
}

/*
 * Reports the names among n objects (each `stride` bytes, name first, its
 * position at posoff) that are defined twice, in name order: sorted, a
 * name's definitions are neighbours.  -ENOMEM or 0.
 */
static int
report_twice(const void *base, size_t stride, size_t posoff, int n,
    const char *what, struct diag *d)
{
	int *idx, i;

	if (n < 2)
		return 0;
	if ((idx = malloc(sizeof(int) * (size_t)n)) == NULL)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		idx[i] = i;
	sort_names = base;
	sort_stride = stride;
	qsort(idx, (size_t)n, sizeof(int), index_cmp);
	for (i = 1; i < n; i++) {
		const char *a = name_at(base, stride, idx[i - 1]);

		if (strcmp(a, name_at(base, stride, idx[i])) != 0)
			continue;
		diag_add(d, pos_at(base, stride, posoff, idx[i]), "%s '%s' is "
		    "defined twice (first at line %d); give each %s its own "
		    "name", what, a, pos_at(base, stride, posoff,
		    idx[i - 1]).line, what);
	}
	free(idx);
	return 0;
}

int
lab_report_twice(struct lab *lab, struct diag *d)
{
	if (report_twice(lab->nodes, sizeof(struct lab_node),
	    offsetof(struct lab_node, pos), lab->nnodes, "node", d) != 0 ||
	    report_twice(lab->buses, sizeof(struct lab_bus),
	    offsetof(struct lab_bus, pos), lab->nbuses, "bus", d) != 0)
		return -ENOMEM;
	return 0;
}

uint32_t
lab_fnv1a(uint32_t h, const char *s)
{
	/* Include the terminating NUL so "ab"+"c" differs from "a"+"bc". */
	do {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	} while (*s++ != '\0');
	return h;
}

/* The slot of name in t: where it is, or the empty one it would take. */
static unsigned
probe(const struct lab_names *t, const void *base, size_t stride,
    const char *name)
{
	unsigned k = lab_fnv1a(LAB_FNV_BASIS, name) & t->mask;

	while (t->slot[k] != 0 &&
	    strcmp(name, name_at(base, stride, t->slot[k] - 1)) != 0)
		k = (k + 1) & t->mask;
	return k;
}

static int
names_add(struct lab *lab, struct lab_names *t, const void *base,
    size_t stride, int i)
{
	struct lab_names g;
	unsigned k, cap;

	if (t->slot == NULL || 2 * (unsigned)(t->n + 1) > t->mask + 1) {
		cap = t->slot == NULL ? 64 : 2 * (t->mask + 1);
		if ((g.slot = arena_alloc(lab->arena,
		    sizeof(int) * cap)) == NULL)
			return -ENOMEM;
		g.mask = cap - 1;
		g.n = t->n;
		for (k = 0; t->slot != NULL && k <= t->mask; k++)
			if (t->slot[k] != 0)
				g.slot[probe(&g, base, stride, name_at(base,
				    stride, t->slot[k] - 1))] = t->slot[k];
		*t = g;
	}
	k = probe(t, base, stride, name_at(base, stride, i));
	if (t->slot[k] == 0) {
		t->slot[k] = i + 1;
		t->n++;
	}
	return 0;
}

int
lab_node_named(struct lab *lab, int i)
{
	return names_add(lab, &lab->node_names, lab->nodes,
	    sizeof(struct lab_node), i);
}

int
lab_bus_named(struct lab *lab, int i)
{
	return names_add(lab, &lab->bus_names, lab->buses,
	    sizeof(struct lab_bus), i);
}

static int
find(const struct lab_names *t, const void *base, size_t stride,
    const char *name)
{
	unsigned k;

	if (t->slot == NULL)
		return -1;
	k = probe(t, base, stride, name);
	return t->slot[k] != 0 ? t->slot[k] - 1 : -1;
}

int
lab_node_find(const struct lab *lab, const char *name)
{
	return find(&lab->node_names, lab->nodes, sizeof(struct lab_node),
	    name);
}

int
lab_bus_find(const struct lab *lab, const char *name)
{
	return find(&lab->bus_names, lab->buses, sizeof(struct lab_bus),
	    name);
}

/* A lab has a few hosts: they are looked at in turn. */
int
lab_host_find(const struct lab *lab, const char *name)
{
	int i;

	for (i = 0; i < lab->nhosts; i++)
		if (strcmp(lab->hosts[i].name, name) == 0)
			return i;
	return -1;
}

int
lab_host_local(const struct lab *lab)
{
	int i;

	for (i = 0; i < lab->nhosts; i++)
		if (lab->hosts[i].ssh == NULL)
			return i;
	return -1;
}

const struct lab_addr *
lab_node_addr(const struct lab *lab, int node, int family)
{
	const struct lab_node *n = &lab->nodes[node];
	int i, j;

	for (i = 0; i < n->nifaces; i++)
		for (j = 0; j < n->ifaces[i].naddrs; j++) {
			const struct lab_addr *a = &n->ifaces[i].addrs[j];

			if (a->ip.family == 0)
				continue;
			if (family == 0 || ip_version(&a->ip) == family)
				return a;
		}
	return NULL;
}

long
lab_count_ifaces(const struct lab *lab)
{
	long n = 0;
	int i;

	for (i = 0; i < lab->nnodes; i++)
		n += lab->nodes[i].nifaces;
	return n;
}

int
lab_count_spanning(const struct lab *lab)
{
	int i, n = 0;

	for (i = 0; i < lab->nbuses; i++)
		n += lab->buses[i].nhosts > 1;
	return n;
}

bool
lab_addr_next(const struct lab *lab, struct lab_addr_iter *it)
{
	it->addr++;
	while (it->node < lab->nnodes) {
		const struct lab_node *n = &lab->nodes[it->node];

		if (it->iface < n->nifaces) {
			if (it->addr < n->ifaces[it->iface].naddrs)
				return true;
			it->iface++;
		} else {
			it->node++;
			it->iface = 0;
		}
		it->addr = 0;
	}
	return false;
}

struct lab_iface *
lab_iface_at(const struct lab *lab, const struct lab_addr_iter *it)
{
	return &lab->nodes[it->node].ifaces[it->iface];
}

struct lab_addr *
lab_addr_at(const struct lab *lab, const struct lab_addr_iter *it)
{
	return &lab_iface_at(lab, it)->addrs[it->addr];
}

int
lab_iface_find(const struct lab *lab, int node, const char *word)
{
	const struct lab_node *n = &lab->nodes[node];
	int i;

	for (i = 0; i < n->nifaces; i++)
		if (strcmp(n->ifaces[i].name, word) == 0 ||
		    (n->ifaces[i].alias != NULL &&
		    strcmp(n->ifaces[i].alias, word) == 0))
			return i;
	for (i = 0; i < n->nifaces; i++)
		if (n->ifaces[i].busname != NULL &&
		    strcmp(n->ifaces[i].busname, word) == 0)
			return i;
	return -1;
}

enum lab_routing
lab_node_routing(const struct lab *lab, int node)
{
	const struct lab_node *n = &lab->nodes[node];

	if (n->routing_set)
		return n->routing;
	if (lab->routing == ROUTING_RIP && !n->forwarding)
		return ROUTING_STATIC;
	return lab->routing;
}

const char *
lab_routing_name(enum lab_routing r)
{
	return r == ROUTING_STATIC ? "static" : r == ROUTING_RIP ? "rip" :
	    "none";
}

const struct lab_bus *
lab_bus_subnets(const struct lab *lab, int b)
{
	return &lab->buses[lab->buses[b].domain];
}

bool
lab_has_taps(const struct lab *lab)
{
	int i;

	for (i = 0; i < lab->nbuses; i++)
		if (lab->buses[i].tap.name != NULL)
			return true;
	return false;
}
