/*
 * domain.c — broadcast domains: the buses a bridge node joins are one
 * Ethernet segment to every layer above, and so one subnet (or one per
 * family) for addressing and routes.
 *
 * A union-find over buses and bridge nodes: each interface of a bridge
 * is an edge between the bridge and its bus.  An edge between two
 * vertices already connected closes a loop (two bridges joining the same
 * two buses, or one bridge on a bus twice); without a spanning tree the
 * bridges would flood its frames round it for ever, so it is refused.
 * Each domain's first bus, in file order, holds the subnets the file
 * gives any of its buses (lab_bus.domain, lab_bus_subnets()).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab/arena.h"
#include "lab/load.h"
#include "lab/phases.h"

/* Vertices: buses 0..nbuses-1, then the nodes (bridges among them). */
static int
root(int *up, int v)
{
	while (up[v] != v) {
		up[v] = up[up[v]];
		v = up[v];
	}
	return v;
}

/* "br1, br2 over lan1, lan2": the component of vertex v, for messages. */
static const char *
component_text(struct lab *lab, int *up, int v)
{
	char buf[400];
	size_t len = 0;
	int i, k, r = root(up, v), shown;

	buf[0] = '\0';
	for (k = 0; k < 2; k++) {
		shown = 0;
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s",
		    k ? " over " : "");
		for (i = 0; i < (k ? lab->nbuses : lab->nnodes) &&
		    len < sizeof(buf) - 1; i++) {
			int vert = k ? i : lab->nbuses + i;

			if ((!k && !lab->nodes[i].bridge) || root(up, vert) != r)
				continue;
			len += (size_t)snprintf(buf + len, sizeof(buf) - len,
			    "%s%s", shown++ ? ", " : "", k ?
			    lab->buses[i].name : lab->nodes[i].name);
		}
	}
	return arena_strdup(lab->arena, buf);
}

static int
join_bridges(struct lab *lab, int *up, struct diag *d)
{
	int i, j, k, a, b;

	for (i = 0; i < lab->nnodes; i++) {
		const struct lab_node *n = &lab->nodes[i];

		if (!n->bridge)
			continue;
		for (j = 0; j < n->nifaces; j++) {
			if (n->ifaces[j].bus < 0)
				continue;
			a = root(up, lab->nbuses + i);
			b = root(up, n->ifaces[j].bus);
			if (a != b) {
				up[a] = b;
				continue;
			}
			for (k = 0; k < j && n->ifaces[k].bus !=
			    n->ifaces[j].bus; k++)
				continue;
			if (k < j) {
				diag_add(d, n->ifaces[j].buspos, "bridge '%s' is "
				    "on bus '%s' twice (%s and %s): a frame "
				    "would leave by one and come back by the "
				    "other; keep one", n->name,
				    lab->buses[n->ifaces[j].bus].name,
				    n->ifaces[k].name, n->ifaces[j].name);
				continue;
			}
			diag_add(d, n->ifaces[j].buspos, "bridge '%s' on bus "
			    "'%s' closes a loop of bridges (%s): frames would "
			    "go round it for ever, and these bridges have no "
			    "spanning tree; join each bus to the others once",
			    n->name, lab->buses[n->ifaces[j].bus].name,
			    component_text(lab, up, b));
		}
	}
	return 0;
}

/* Moves the subnets of bus b to its domain's first bus (identical ones
 * once: several buses may declare the domain's subnet). */
static int
move_subnets(struct lab *lab, int b)
{
	struct loader L = { .lab = lab, .a = lab->arena };
	struct lab_bus *from = &lab->buses[b], *to;
	int i, k;

	to = &lab->buses[from->domain];
	for (i = 0; i < from->nsubnets; i++) {
		for (k = 0; k < to->nsubnets; k++)
			if (ip_cmp(&to->subnets[k].net,
			    &from->subnets[i].net) == 0)
				break;
		if (k == to->nsubnets && bus_add_subnet(&L, to,
		    &from->subnets[i].net, from->subnets[i].declared,
		    from->subnets[i].pos) != 0)
			return -ENOMEM;
	}
	from->nsubnets = 0;
	return 0;
}

int
lab_domains(struct lab *lab, struct diag *d)
{
	int nv = lab->nbuses + lab->nnodes, *up, *first, *tail, i, rt, r = 0;

	up = calloc((size_t)nv + 1, sizeof(int));
	first = calloc((size_t)nv + 1, sizeof(int));
	tail = calloc((size_t)nv + 1, sizeof(int));
	if (up == NULL || first == NULL || tail == NULL) {
		r = -ENOMEM;
		goto out;
	}
	for (i = 0; i < nv; i++) {
		up[i] = i;
		first[i] = -1;
	}
	join_bridges(lab, up, d);
	for (i = 0; i < lab->nbuses; i++) {
		struct lab_bus *b = &lab->buses[i];

		rt = root(up, i);
		b->domain_next = -1;
		if (first[rt] < 0)
			first[rt] = i;
		else
			lab->buses[tail[rt]].domain_next = i;
		tail[rt] = i;
		b->domain = first[rt];
	}
	for (i = 0; i < lab->nbuses && r == 0; i++)
		if (lab->buses[i].domain != i)
			r = move_subnets(lab, i);
out:
	free(up);
	free(first);
	free(tail);
	return r;
}
