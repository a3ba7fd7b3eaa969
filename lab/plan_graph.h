/*
 * plan_graph.h — the planner's graphs of one address family, shared by
 * plan_routes.c (building them, the search from one node) and
 * plan_tree.c (the same routes of a graph that is a forest, found
 * without a search).  Private to the planner.
 *
 * A graph is built once by plan_routes() and read-only afterwards:
 * several threads may ask for routes at once.
 */
#ifndef RUMPLAB_PLAN_GRAPH_H
#define RUMPLAB_PLAN_GRAPH_H

#include "lab/lab.h"

/* One address of a node in one subnet. */
struct att {
	int			 node, iface, subnet;
	const struct lab_ip	*addr;
};

struct gsubnet {
	const struct lab_ip	*net;
	int			 first, n;	/* its atts in by_sub */
};

struct gtree;

/* The graph of one family: built once, read-only afterwards. */
struct lab_graph {
	const struct lab *lab;
	int		 family;
	struct gsubnet	*subs;
	int		 nsubs;
	int		*order;		/* subnets by address (aggregation's) */
	struct att	*by_sub;	/* grouped by subnet */
	struct att	*by_node;	/* grouped by node, interface order */
	int		*node_first, *node_n;
	int		 natts;
	struct gtree	*tree;		/* plan_tree.c's, or NULL */
};

/* Is net the destination of one of r[0..n)? */
bool	plan_has_route(const struct lab_route *r, int n,
	    const struct lab_ip *net);
/* A route of node n's file inside prefix p, or p itself? */
bool	plan_file_route_in(const struct lab_node *n, const struct lab_ip *p);

/*
 * Builds g->tree in the lab's arena when the graph is a forest the tree
 * routes apply to (else leaves it NULL): 0 or -ENOMEM.
 */
int	gtree_build(struct lab *lab, struct lab_graph *g);

/* A computed route to dst through the neighbour's att hop. */
typedef int gtree_emit_fn(void *arg, const struct lab_ip *dst,
	    const struct att *hop);

/*
 * Node v's computed routes of g's family (g->tree set), merged as
 * plan_routes.c's aggregate() merges them, in no particular order: the
 * routes a search from v would give, less the file's own prefixes and,
 * for a host (pref: its default router's att), what its default router
 * takes.  Returns 0 or what emit returned.
 */
int	gtree_routes(const struct lab_graph *g, int v, const struct att *pref,
	    gtree_emit_fn *emit, void *arg);

#endif
