/*
 * phases.h — internal: the phases lab_open() runs, in order.  Each adds
 * what it finds to the diag and returns 0, -EINVAL (problems reported) or
 * -ENOMEM.  Load, resolve and validate run even after problems (they skip
 * what did not load) so that one run reports everything; the planning
 * phases run only on a model without problems, each after the previous
 * one succeeded.
 */
#ifndef RUMPLAB_PHASES_H
#define RUMPLAB_PHASES_H

#include "lab/diag.h"
#include "lab/lab.h"
#include "lab/ydoc.h"

/* load*.c: the document tree into the model (schema, names, links). */
int	lab_load(struct lab *lab, const struct ynode *root, struct diag *d);
/* resolve.c: bus references (implicit buses), bus members, ifnames. */
int	lab_resolve(struct lab *lab, struct diag *d);
/* domain.c (from resolve): the broadcast domains bridge nodes make of
 * buses, their subnets moved to each domain's first bus; a loop of
 * bridges, or a bridge joining a bus twice, is reported. */
int	lab_domains(struct lab *lab, struct diag *d);
/* validate.c: MTUs, addresses, subnets, overlaps, duplicates. */
int	lab_validate(struct lab *lab, struct diag *d);
/* place.c: every node's host, and each bus's hosts, when the lab has
 * hosts:; what udp uplinks need (ports, addresses). */
int	lab_place(struct lab *lab, struct diag *d);
/* plan_addr.c: subnets from pools, automatic addresses, MACs. */
int	plan_addresses(struct lab *lab, struct diag *d);
/* plan_routes.c: next hops of gateways and routes, computed routes,
 * sysctls. */
int	plan_routes(struct lab *lab, struct diag *d);
/*
 * plan_routes.c: the interface of node n whose subnet holds next hop
 * `via` (of a gateway or route: `what`), or -1 with the problem in d
 * (not on a connected subnet, the node's own address).  Validation asks
 * early for the nodes whose addresses are all written.
 */
int	plan_next_hop(struct lab *lab, struct lab_node *n,
	    const struct lab_ip *via, const char *what, struct lab_pos pos,
	    struct diag *d);
/* trace.c: what the routes do to each check. */
int	plan_checks(struct lab *lab, struct diag *d);

#endif
