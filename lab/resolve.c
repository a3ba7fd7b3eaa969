/*
 * resolve.c — joining interfaces to buses.
 *
 * An interface names its bus, or a host tap.  A tap makes a segment of
 * its own, a bus named after the tap that is no bus file (tapseg).  A
 * bus name not declared under `buses:` makes an implicit bus with
 * default options when two or more interfaces use it; a name used once
 * is almost always a typo, so it is reported with the defined buses.
 * Then every bus learns its members (in node order), interfaces get
 * their names (shmif0, shmif1, ... and virt0, ... on taps, in order), and
 * the buses that bridge nodes join become broadcast domains, a loop of
 * bridges being refused.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab/arena.h"
#include "lab/load.h"
#include "lab/phases.h"

struct ref {
	const char	*name;
	int		 node, iface;
	int		 seq;		/* order of appearance */
};

static int
ref_cmp(const void *a, const void *b)
{
	const struct ref *x = a, *y = b;
	int r = strcmp(x->name, y->name);

	return r ? r : (x->seq > y->seq) - (x->seq < y->seq);
}

static int
seq_cmp(const void *a, const void *b)
{
	const struct ref *x = a, *y = b;

	return (x->seq > y->seq) - (x->seq < y->seq);
}

static void
undefined_bus(struct lab *lab, const struct ref *r, struct diag *d)
{
	const struct lab_iface *ifp = &lab->nodes[r->node].ifaces[r->iface];
	const char *list, *near;

	list = lab_bus_names(lab, r->name, &near);
	if (near != NULL)
		diag_add(d, ifp->buspos, "bus '%s' is not defined (did you mean "
		    "'%s'? defined buses: %s)", r->name, near, list);
	else
		diag_add(d, ifp->buspos, "bus '%s' is not defined (defined "
		    "buses: %s); declare it under 'buses:' or connect a second "
		    "interface to it", r->name, list);
}

/* Collects the references to undeclared buses; returns their number. */
static int
collect_refs(struct lab *lab, struct ref **out)
{
	struct ref *v = NULL;
	int i, j, n = 0, cap = 0;

	for (i = 0; i < lab->nnodes; i++)
		for (j = 0; j < lab->nodes[i].nifaces; j++) {
			struct lab_iface *ifp = &lab->nodes[i].ifaces[j];

			if (ifp->bus >= 0 || ifp->busname == NULL)
				continue;
			if ((ifp->bus = lab_bus_find(lab, ifp->busname)) >= 0)
				continue;
			if ((v = arena_grow(lab->arena, v, n, &cap,
			    sizeof(*v))) == NULL)
				return -ENOMEM;
			v[n].name = ifp->busname;
			v[n].node = i;
			v[n].iface = j;
			v[n].seq = n;
			n++;
		}
	*out = v;
	return n;
}

/*
 * Makes the implicit buses (in order of first use) and joins their refs.
 * Names used once are reported after that, so that their message lists
 * the implicit buses too: a misspelt `lna1` gets "did you mean 'lan1'?"
 * even when lan1 exists only by being used twice.
 */
static int
implicit_buses(struct lab *lab, struct diag *d)
{
	struct loader L = { .lab = lab, .a = lab->arena, .d = d };
	struct ref *refs, *first, *single;
	int n, i, j, k, nfirst = 0, nsingle = 0, idx, r;

	if ((n = collect_refs(lab, &refs)) <= 0)
		return n;
	qsort(refs, (size_t)n, sizeof(*refs), ref_cmp);
	first = arena_alloc(lab->arena, sizeof(*first) * (size_t)n);
	single = arena_alloc(lab->arena, sizeof(*single) * (size_t)n);
	if (first == NULL || single == NULL)
		return -ENOMEM;
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && strcmp(refs[i].name, refs[j].name) == 0;
		    j++)
			;
		if (j - i == 1)
			single[nsingle++] = refs[i];
		else
			first[nfirst++] = refs[i];
	}
	qsort(first, (size_t)nfirst, sizeof(*first), seq_cmp);
	for (k = 0; k < nfirst; k++) {
		const struct lab_iface *ifp =
		    &lab->nodes[first[k].node].ifaces[first[k].iface];

		if ((r = bus_add(&L, first[k].name, ifp->buspos, &idx)) != 0)
			return r;
		lab->buses[idx].implicit = true;
	}
	for (i = 0; i < n; i++) {
		struct lab_iface *ifp =
		    &lab->nodes[refs[i].node].ifaces[refs[i].iface];

		ifp->bus = lab_bus_find(lab, ifp->busname);
	}
	for (k = 0; k < nsingle; k++)
		undefined_bus(lab, &single[k], d);
	return 0;
}

/* Fills every bus's member list, in node and interface order. */
static int
members(struct lab *lab)
{
	int i, j, *fill;

	for (i = 0; i < lab->nnodes; i++)
		for (j = 0; j < lab->nodes[i].nifaces; j++)
			if (lab->nodes[i].ifaces[j].bus >= 0)
				lab->buses[lab->nodes[i].ifaces[j].bus].nmembers++;
	if ((fill = calloc((size_t)lab->nbuses + 1, sizeof(int))) == NULL)
		return -ENOMEM;
	for (i = 0; i < lab->nbuses; i++) {
		struct lab_bus *b = &lab->buses[i];

		b->members = arena_alloc(lab->arena,
		    sizeof(*b->members) * (size_t)(b->nmembers + 1));
		if (b->members == NULL) {
			free(fill);
			return -ENOMEM;
		}
	}
	for (i = 0; i < lab->nnodes; i++)
		for (j = 0; j < lab->nodes[i].nifaces; j++) {
			int bus = lab->nodes[i].ifaces[j].bus;

			if (bus < 0)
				continue;
			lab->buses[bus].members[fill[bus]].node = i;
			lab->buses[bus].members[fill[bus]++].iface = j;
		}
	free(fill);
	return 0;
}

/* shmif0, shmif1, ... for bus interfaces, virt0, ... for taps. */
static void
ifnames(struct lab *lab)
{
	int i, j, nshmif, nvirt;

	for (i = 0; i < lab->nnodes; i++) {
		nshmif = nvirt = 0;
		for (j = 0; j < lab->nodes[i].nifaces; j++) {
			struct lab_iface *ifp = &lab->nodes[i].ifaces[j];

			if (ifp->tapdef != NULL)
				snprintf(ifp->name, LAB_IFNAME_MAX, "virt%d",
				    nvirt++ % LAB_NODE_IFACES);
			else
				snprintf(ifp->name, LAB_IFNAME_MAX, "shmif%d",
				    nshmif++ % LAB_NODE_IFACES);
		}
	}
}

/* A node interface on a tap: the tap's segment, a bus of its own. */
static int
tap_segment(struct lab *lab, struct lab_node *n, struct lab_iface *ifp,
    struct diag *d)
{
	struct loader L = { .lab = lab, .a = lab->arena, .d = d };
	const struct lab_tap *t = ifp->tapdef;
	int b, r;

	if ((b = lab_bus_find(lab, t->name)) >= 0) {
		if (lab->buses[b].tapseg)
			diag_add(d, t->pos, "tap '%s' of node '%s' is a node's "
			    "tap already (line %d): a tap carries one node "
			    "interface; for more, join a bus to it (buses: "
			    "{ lan: { tap: %s } }) and put them on the bus",
			    t->name, n->name, lab->buses[b].tap.pos.line,
			    t->name);
		else
			diag_add(d, t->pos, "tap '%s' of node '%s' has the "
			    "name of bus '%s' (line %d); give the tap another "
			    "name", t->name, n->name, t->name,
			    lab->buses[b].pos.line);
		return 0;
	}
	if ((r = bus_add(&L, t->name, t->pos, &b)) != 0)
		return r;
	lab->buses[b].tapseg = true;
	lab->buses[b].tap = *t;
	ifp->bus = b;
	return 0;
}

static int
tap_segments(struct lab *lab, struct diag *d)
{
	int i, j, r;

	for (i = 0; i < lab->nnodes; i++)
		for (j = 0; j < lab->nodes[i].nifaces; j++)
			if (lab->nodes[i].ifaces[j].tapdef != NULL &&
			    (r = tap_segment(lab, &lab->nodes[i],
			    &lab->nodes[i].ifaces[j], d)) != 0)
				return r;
	return 0;
}

/* An alias (name:) names one interface of its node: no other's name or
 * alias. */
static void
aliases(struct lab *lab, struct diag *d)
{
	const struct lab_node *n;
	const char *a;
	int i, j, k;

	for (i = 0; i < lab->nnodes; i++) {
		n = &lab->nodes[i];
		for (j = 0; j < n->nifaces; j++) {
			if ((a = n->ifaces[j].alias) == NULL)
				continue;
			for (k = 0; k < n->nifaces; k++)
				if (strcmp(n->ifaces[k].name, a) == 0 ? k != j :
				    k < j && n->ifaces[k].alias != NULL &&
				    strcmp(n->ifaces[k].alias, a) == 0)
					break;
			if (k < n->nifaces)
				diag_add(d, n->ifaces[j].aliaspos, "interface "
				    "name '%s' of node '%s' is already %s's; "
				    "give each interface its own", a, n->name,
				    n->ifaces[k].name);
		}
	}
}

int
lab_resolve(struct lab *lab, struct diag *d)
{
	int before = diag_count(d), r;

	if ((r = tap_segments(lab, d)) != 0 ||
	    (r = implicit_buses(lab, d)) != 0)
		return r;
	if ((r = members(lab)) != 0)
		return r;
	ifnames(lab);
	aliases(lab, d);
	if ((r = lab_domains(lab, d)) != 0 ||
	    (r = checks_resolve(lab, d)) != 0)
		return r;
	return diag_count(d) > before ? -EINVAL : 0;
}
