/*
 * plan_routes.c — every node's routes and sysctls.
 *
 * Next hops first: a gateway or a static route's `via` must lie in a
 * subnet the node is on; that subnet's interface carries the route.
 *
 * With `routing: static` the planner then computes shortest paths by hop
 * count, for each family on its own.  The graph: nodes are joined when
 * they have addresses in one subnet; only forwarding nodes carry traffic
 * onwards.  One breadth-first search from each node labels every node it
 * reaches with the first hop towards it, and every subnet with the first
 * hop towards the nearest router on it.  A router's routes cover every
 * subnet it is not on.  A host gets a default route to its default router
 * (the next hop of its gateway, else the first router next to it) and
 * routes only where a strictly shorter path starts elsewhere: its search
 * tries the default router first, so equal paths stay with it.  A route
 * the file gives for the same prefix wins over a computed one.
 *
 * Computed routes that are the two halves of one prefix with one next hop
 * merge into it, again and again, unless a file route lies inside it
 * (aggregate()).  Subnets never overlap (validation), so a merged prefix
 * holds exactly the subnets of its halves: no connected subnet, no
 * unrouted space.
 *
 * A large lab would have a million routes before merging (every router to
 * every subnet), so they are not stored: plan_routes() keeps the graphs
 * in the lab and lab_node_routes() runs one node's search when asked,
 * with scratch of its own, so that several threads may ask at once.  A
 * graph that is a forest (lines, trees, stars: one path between any two
 * places) needs no search: plan_tree.c finds the same routes, already
 * merged, in time that grows with them rather than with the lab.
 */
#include <sys/socket.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab/arena.h"
#include "lab/phases.h"
#include "lab/plan.h"
#include "lab/plan_graph.h"

/* The scratch of one search. */
struct search {
	const struct lab_graph	*g;
	int			*dist;
	const struct att	**hop;	/* first hop towards a node */
	const struct att	**shop;	/* first hop towards a subnet */
	int			*queue;
	/* route_node's grouping of routes by next hop */
	int			*bucket;	/* per att of by_sub; -1: none */
	const struct att	**bhop;
	int			*bcount, *sel, *selb;
};

/* --- next hops of gateways and static routes ----------------------------- */

/* The interface of node n whose subnet holds address a, or -1. */
static int
iface_for(const struct lab_node *n, const struct lab_ip *a)
{
	int i, j;

	for (i = 0; i < n->nifaces; i++)
		for (j = 0; j < n->ifaces[i].naddrs; j++) {
			const struct lab_ip *ip = &n->ifaces[i].addrs[j].ip;

			if (ip->family == a->family && ip->plen > 0 &&
			    ip_contains(ip, a))
				return i;
		}
	return -1;
}

static bool
own_addr(const struct lab_node *n, const struct lab_ip *a)
{
	int i, j;

	for (i = 0; i < n->nifaces; i++)
		for (j = 0; j < n->ifaces[i].naddrs; j++)
			if (ip_same_addr(&n->ifaces[i].addrs[j].ip, a))
				return true;
	return false;
}

/* "10.0.1.0/24 on shmif0, ..." — the node's subnets of a family. */
static const char *
subnets_of(struct lab *lab, const struct lab_node *n, int family)
{
	char buf[512], s1[IP_STRLEN];
	size_t len = 0;
	int i, j, shown = 0;

	buf[0] = '\0';
	for (i = 0; i < n->nifaces; i++)
		for (j = 0; j < n->ifaces[i].naddrs && len < sizeof(buf); j++) {
			struct lab_ip net;

			if (n->ifaces[i].addrs[j].ip.family != family)
				continue;
			ip_network(&net, &n->ifaces[i].addrs[j].ip);
			if (shown++ == 6) {
				len += (size_t)snprintf(buf + len, sizeof(buf) -
				    len, ", ...");
				break;
			}
			len += (size_t)snprintf(buf + len, sizeof(buf) - len,
			    "%s%s on %s", len ? ", " : "", ip_str(&net, s1),
			    n->ifaces[i].name);
		}
	return arena_strdup(lab->arena, shown ? buf : "none");
}

int
plan_next_hop(struct lab *lab, struct lab_node *n, const struct lab_ip *via,
    const char *what, struct lab_pos pos, struct diag *d)
{
	char s1[IP_STRLEN];
	int i;

	if (own_addr(n, via)) {
		diag_add(d, pos, "%s %s of node '%s' is the node's own address; "
		    "a next hop is a neighbour's address", what,
		    ip_addr_str(via, s1), n->name);
		return -1;
	}
	if ((i = iface_for(n, via)) < 0)
		diag_add(d, pos, "%s %s of node '%s' is not on any of its "
		    "subnets (%s); a next hop must be on a connected subnet",
		    what, ip_addr_str(via, s1), n->name,
		    subnets_of(lab, n, via->family));
	return i;
}

static int
add_route(struct lab *lab, struct lab_node *n, const struct lab_route *r)
{
	struct lab_route *v;

	if ((v = arena_grow(lab->arena, n->routes, n->nroutes, &n->caproutes,
	    sizeof(*v))) == NULL)
		return -ENOMEM;
	n->routes = v;
	n->routes[n->nroutes++] = *r;
	return 0;
}

/* Binds routes and gateways to interfaces; adds the gateway routes. */
static int
bind_node(struct lab *lab, struct lab_node *n, struct diag *d)
{
	struct lab_route gw;
	int i, k, r;

	for (i = 0; i < n->nroutes; i++)
		n->routes[i].iface = plan_next_hop(lab, n, &n->routes[i].via,
		    "route via", n->routes[i].pos, d);
	for (k = 0; k < 2; k++) {
		const struct lab_ip *g = k ? &n->gw6 : &n->gw4;

		if (g->family == 0)
			continue;
		memset(&gw, 0, sizeof(gw));
		gw.dst.family = g->family;
		gw.via = *g;
		gw.origin = ROUTE_GATEWAY;
		gw.pos = k ? n->gw6pos : n->gw4pos;
		gw.iface = plan_next_hop(lab, n, g, k ? "gateway6" : "gateway",
		    gw.pos, d);
		if ((r = add_route(lab, n, &gw)) != 0)
			return r;
	}
	return 0;
}

/* --- the graph ----------------------------------------------------------- */

static int
att_sub_cmp(const void *a, const void *b)
{
	const struct att *x = a, *y = b;

	if (x->subnet != y->subnet)
		return (x->subnet > y->subnet) - (x->subnet < y->subnet);
	return (x->node > y->node) - (x->node < y->node);
}

/* The global index of the subnet of bus b holding ip, or -1. */
static int
subnet_of(const struct lab *lab, const int *base, int b,
    const struct lab_ip *ip)
{
	const struct lab_bus *bus = &lab->buses[b];
	int i;

	for (i = 0; i < bus->nsubnets; i++)
		if (ip_contains(&bus->subnets[i].net, ip) &&
		    bus->subnets[i].net.plen == ip->plen)
			return base[b] + i;
	return -1;
}

static void
graph_atts(struct lab_graph *g, const int *base)
{
	const struct lab *lab = g->lab;
	int i, j, k, n = 0;

	for (i = 0; i < lab->nnodes; i++) {
		g->node_first[i] = n;
		for (j = 0; j < lab->nodes[i].nifaces; j++) {
			const struct lab_iface *ifp = &lab->nodes[i].ifaces[j];

			for (k = 0; k < ifp->naddrs && ifp->bus >= 0; k++) {
				struct att *a = &g->by_node[n];

				if (ifp->addrs[k].ip.family != g->family)
					continue;
				a->node = i;
				a->iface = j;
				a->addr = &ifp->addrs[k].ip;
				if ((a->subnet = subnet_of(lab, base,
				    lab->buses[ifp->bus].domain, a->addr)) >= 0)
					n++;
			}
		}
		g->node_n[i] = n - g->node_first[i];
	}
	g->natts = n;
	memcpy(g->by_sub, g->by_node, sizeof(struct att) * (size_t)n);
	qsort(g->by_sub, (size_t)n, sizeof(struct att), att_sub_cmp);
	for (i = 0; i < n; i++) {
		struct gsubnet *s = &g->subs[g->by_sub[i].subnet];

		if (s->n++ == 0)
			s->first = i;
	}
}

static void *
zalloc(struct lab *lab, long n, size_t size)
{
	return arena_alloc(lab->arena, size * (size_t)(n + 1));
}

struct netidx {
	const struct lab_ip	*net;
	int			 i;
};

/* By address, the longer prefix first: agg_cmp's order within a hop. */
static int
netidx_cmp(const void *a, const void *b)
{
	const struct netidx *x = a, *y = b;
	int r;

	if ((r = memcmp(x->net->addr, y->net->addr, sizeof(x->net->addr))) != 0)
		return r;
	return x->net->plen > y->net->plen ? -1 : x->net->plen < y->net->plen;
}

/*
 * The subnets in address order, once for the graph: each node's routes
 * are then grouped by next hop in one pass (route_node), where sorting
 * every router's full table (every subnet of the lab) made `plan` of
 * 5000 routers take 6 s.
 */
static int
graph_order(struct lab *lab, struct lab_graph *g)
{
	struct netidx *t;
	int i;

	if ((g->order = zalloc(lab, g->nsubs, sizeof(int))) == NULL ||
	    (t = malloc(sizeof(*t) * ((size_t)g->nsubs + 1))) == NULL)
		return -ENOMEM;
	for (i = 0; i < g->nsubs; i++) {
		t[i].net = g->subs[i].net;
		t[i].i = i;
	}
	qsort(t, (size_t)g->nsubs, sizeof(*t), netidx_cmp);
	for (i = 0; i < g->nsubs; i++)
		g->order[i] = t[i].i;
	free(t);
	return 0;
}

/* Builds the graph of one family into the lab's arena. */
static int
graph_build(struct lab *lab, int family, struct lab_graph **out)
{
	struct lab_graph *g;
	long natts = 0;
	int i, j, r, *base;

	if ((g = zalloc(lab, 0, sizeof(*g))) == NULL ||
	    (base = zalloc(lab, lab->nbuses, sizeof(int))) == NULL)
		return -ENOMEM;
	g->lab = lab;
	g->family = family;
	for (i = 0; i < lab->nbuses; i++) {
		base[i] = g->nsubs;
		g->nsubs += lab->buses[i].nsubnets;
	}
	for (i = 0; i < lab->nnodes; i++)
		for (j = 0; j < lab->nodes[i].nifaces; j++)
			natts += lab->nodes[i].ifaces[j].naddrs;
	g->subs = zalloc(lab, g->nsubs, sizeof(*g->subs));
	g->by_sub = zalloc(lab, natts, sizeof(struct att));
	g->by_node = zalloc(lab, natts, sizeof(struct att));
	g->node_first = zalloc(lab, lab->nnodes, sizeof(int));
	g->node_n = zalloc(lab, lab->nnodes, sizeof(int));
	if (g->subs == NULL || g->by_sub == NULL || g->by_node == NULL ||
	    g->node_first == NULL || g->node_n == NULL)
		return -ENOMEM;
	for (i = 0; i < lab->nbuses; i++)
		for (j = 0; j < lab->buses[i].nsubnets; j++)
			g->subs[base[i] + j].net =
			    &lab->buses[i].subnets[j].net;
	graph_atts(g, base);
	if ((r = graph_order(lab, g)) != 0 || (r = gtree_build(lab, g)) != 0)
		return r;
	*out = g;
	return 0;
}

/* --- the search ---------------------------------------------------------- */

/*
 * A search's scratch is sized by the whole lab (every node, subnet and
 * address), and a node's routes are asked for thousands of times in a
 * row (plan, up's workers): each thread keeps one scratch a family and
 * reuses it while it is big enough.  Fresh scratch each time was page
 * faults for most of `plan`'s time at 5000 routers.  sr->bucket is all
 * -1 between uses (route_select() cleans what it set).
 */
struct scratch {
	struct search	 sr;
	int		 nodes, subs, atts;	/* capacity */
};

static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;

static void
scratch_free(struct scratch *c)
{
	if (c == NULL)
		return;
	free(c->sr.dist);
	free(c->sr.hop);
	free(c->sr.shop);
	free(c->sr.queue);
	free(c->sr.bucket);
	free(c->sr.bhop);
	free(c->sr.bcount);
	free(c->sr.sel);
	free(c->sr.selb);
	free(c);
}

static void
scratch_dtor(void *p)
{
	struct scratch **c = p;

	scratch_free(c[0]);
	scratch_free(c[1]);
	free(c);
}

static void
scratch_key_make(void)
{
	(void)pthread_key_create(&scratch_key, scratch_dtor);
}

static struct scratch *
scratch_new(int nn, int ns, int na)
{
	struct scratch *c = calloc(1, sizeof(*c));
	struct search *sr;

	if (c == NULL)
		return NULL;
	sr = &c->sr;
	sr->dist = calloc((size_t)nn + 1, sizeof(int));
	sr->hop = calloc((size_t)nn + 1, sizeof(*sr->hop));
	sr->shop = calloc((size_t)ns + 1, sizeof(*sr->shop));
	sr->queue = calloc((size_t)nn + 1, sizeof(int));
	sr->bucket = malloc(sizeof(int) * ((size_t)na + 1));
	sr->bhop = calloc((size_t)na + 1, sizeof(*sr->bhop));
	sr->bcount = calloc((size_t)na + 1, sizeof(int));
	sr->sel = calloc((size_t)ns + 1, sizeof(int));
	sr->selb = calloc((size_t)ns + 1, sizeof(int));
	if (sr->dist == NULL || sr->hop == NULL || sr->shop == NULL ||
	    sr->queue == NULL || sr->bucket == NULL || sr->bhop == NULL ||
	    sr->bcount == NULL || sr->sel == NULL || sr->selb == NULL) {
		scratch_free(c);
		return NULL;
	}
	memset(sr->bucket, 0xff, sizeof(int) * ((size_t)na + 1));
	c->nodes = nn;
	c->subs = ns;
	c->atts = na;
	return c;
}

/* This thread's scratch for family slot k, fit for graph g; NULL: ENOMEM. */
static struct search *
search_get(const struct lab_graph *g, int k)
{
	struct scratch **c;

	(void)pthread_once(&scratch_once, scratch_key_make);
	if ((c = pthread_getspecific(scratch_key)) == NULL) {
		if ((c = calloc(2, sizeof(*c))) == NULL ||
		    pthread_setspecific(scratch_key, c) != 0) {
			free(c);
			return NULL;
		}
	}
	if (c[k] == NULL || c[k]->nodes < g->lab->nnodes ||
	    c[k]->subs < g->nsubs || c[k]->atts < g->natts) {
		scratch_free(c[k]);
		if ((c[k] = scratch_new(g->lab->nnodes, g->nsubs,
		    g->natts)) == NULL)
			return NULL;
	}
	c[k]->sr.g = g;
	return &c[k]->sr;
}

/* Visits node b.node, reached over att b, from x (whose first hop is h). */
static void
reach(struct search *sr, const struct att *b, const struct att *h, int dist,
    int *tail)
{
	if (sr->dist[b->node] >= 0)
		return;
	sr->dist[b->node] = dist;
	sr->hop[b->node] = h != NULL ? h : b;
	sr->queue[(*tail)++] = b->node;
}

/*
 * Breadth-first search from node v.  `pref` (an att of the preferred
 * first hop, or NULL) is visited before v's other neighbours, so that
 * every node and subnet a shortest path through it reaches keeps it as
 * first hop.  Fills sr->shop: the first hop towards each subnet (NULL: v
 * is on it, or it is unreachable).  Returns how many subnets have one.
 */
static int
search(struct search *sr, int v, const struct att *pref)
{
	const struct lab_graph *g = sr->g;
	const struct lab_node *nodes = g->lab->nodes;
	int head = 0, tail = 0, i, j, x, found = 0;

	for (i = 0; i < g->lab->nnodes; i++)
		sr->dist[i] = -1;
	memset(sr->shop, 0, sizeof(*sr->shop) * (size_t)g->nsubs);
	sr->dist[v] = 0;
	sr->queue[tail++] = v;
	if (pref != NULL)
		reach(sr, pref, NULL, 1, &tail);
	while (head < tail) {
		x = sr->queue[head++];
		if (x != v && !nodes[x].forwarding)
			continue;
		for (i = 0; i < g->node_n[x]; i++) {
			const struct att *a = &g->by_node[g->node_first[x] + i];
			const struct gsubnet *s = &g->subs[a->subnet];

			if (x != v && sr->shop[a->subnet] == NULL) {
				sr->shop[a->subnet] = sr->hop[x];
				found++;
			}
			for (j = 0; j < s->n; j++) {
				const struct att *b = &g->by_sub[s->first + j];

				if (b->node != x)
					reach(sr, b, x == v ? NULL : sr->hop[x],
					    sr->dist[x] + 1, &tail);
			}
		}
	}
	/* Subnets v is on are connected, not routed. */
	for (i = 0; i < g->node_n[v]; i++) {
		int s = g->by_node[g->node_first[v] + i].subnet;

		if (sr->shop[s] != NULL) {
			sr->shop[s] = NULL;
			found--;
		}
	}
	return found;
}

/* The iface of v that reaches the neighbour att b (same subnet). */
static int
via_iface(const struct lab_graph *g, int v, const struct att *b)
{
	int i;

	for (i = 0; i < g->node_n[v]; i++)
		if (g->by_node[g->node_first[v] + i].subnet == b->subnet)
			return g->by_node[g->node_first[v] + i].iface;
	return -1;
}

/* The att of the node owning address a on one of v's subnets, or NULL. */
static const struct att *
neighbour_att(const struct lab_graph *g, int v, const struct lab_ip *a)
{
	int i, j;

	for (i = 0; i < g->node_n[v]; i++) {
		const struct gsubnet *s =
		    &g->subs[g->by_node[g->node_first[v] + i].subnet];

		for (j = 0; j < s->n; j++)
			if (ip_same_addr(g->by_sub[s->first + j].addr, a))
				return &g->by_sub[s->first + j];
	}
	return NULL;
}

/* The first router next to v, in interface and node order, or NULL. */
static const struct att *
nearest_router(const struct lab_graph *g, int v)
{
	int i, j;

	for (i = 0; i < g->node_n[v]; i++) {
		const struct gsubnet *s =
		    &g->subs[g->by_node[g->node_first[v] + i].subnet];

		for (j = 0; j < s->n; j++) {
			const struct att *b = &g->by_sub[s->first + j];

			if (b->node != v && g->lab->nodes[b->node].forwarding)
				return b;
		}
	}
	return NULL;
}

/* --- one node's routes --------------------------------------------------- */

/* The node's own default route of this family, or NULL. */
static const struct lab_route *
default_route(const struct lab_node *n, int family)
{
	int i;

	for (i = 0; i < n->nroutes; i++)
		if (n->routes[i].dst.plen == 0 &&
		    n->routes[i].dst.family == family)
			return &n->routes[i];
	return NULL;
}

bool
plan_has_route(const struct lab_route *r, int n, const struct lab_ip *net)
{
	int i;

	for (i = 0; i < n; i++)
		if (ip_cmp(&r[i].dst, net) == 0)
			return true;
	return false;
}

static void
set_route(const struct lab_graph *g, struct lab_route *r, int v,
    const struct lab_ip *dst, const struct att *hop, enum lab_origin origin)
{
	memset(r, 0, sizeof(*r));
	r->dst = *dst;
	r->via = *hop->addr;
	r->via.plen = (uint8_t)ip_maxlen(g->family);
	r->iface = via_iface(g, v, hop);
	r->origin = origin;
}

static int
dst_cmp(const void *a, const void *b)
{
	return ip_cmp(&((const struct lab_route *)a)->dst,
	    &((const struct lab_route *)b)->dst);
}

/* Are x and y the two halves of one prefix (*parent), by one next hop? */
static bool
halves(const struct lab_route *x, const struct lab_route *y,
    struct lab_ip *parent)
{
	struct lab_ip q;

	if (x->iface != y->iface || !ip_same_addr(&x->via, &y->via) ||
	    x->dst.plen != y->dst.plen || x->dst.plen == 0 ||
	    ip_same_addr(&x->dst, &y->dst))
		return false;
	*parent = x->dst;
	parent->plen--;
	ip_network(parent, parent);
	q = y->dst;
	q.plen--;
	ip_network(&q, &q);
	return ip_cmp(parent, &q) == 0;
}

/* A route of the file inside p, or p itself: merged into p, the halves
 * would change which of them the longest match picks. */
bool
plan_file_route_in(const struct lab_node *n, const struct lab_ip *p)
{
	int i;

	for (i = 0; i < n->nroutes; i++)
		if (n->routes[i].dst.family == p->family &&
		    n->routes[i].dst.plen >= p->plen &&
		    ip_contains(p, &n->routes[i].dst))
			return true;
	return false;
}

/*
 * Merges the routes rt[from..*n) that are the two halves of one prefix
 * with one next hop into that prefix, again and again, then sorts them by
 * destination.  They come grouped by next hop, each group in address
 * order (route_node), so the halves of a prefix meet on a stack.  Every
 * address goes to the same next hop as before: a route is merged only
 * with its other half, never over a subnet routed elsewhere (that
 * subnet's own route would be missing from the pair) nor over a file
 * route.  A line of 1000 routers, addressed in order, needs ~20 routes a
 * router instead of ~1000, and each is a call at start-up.
 */
static void
aggregate(const struct lab_node *node, struct lab_route *rt, int from,
    int *n)
{
	struct lab_route *a = rt + from;
	struct lab_ip parent;
	int cnt = *n - from, top = 0, i;

	if (cnt < 2)
		return;
	for (i = 0; i < cnt; i++) {
		a[top++] = a[i];
		while (top >= 2 && halves(&a[top - 2], &a[top - 1], &parent) &&
		    !plan_file_route_in(node, &parent)) {
			a[top - 2].dst = parent;
			top--;
		}
	}
	qsort(a, (size_t)top, sizeof(*a), dst_cmp);
	*n = from + top;
}

/*
 * The subnets node v routes (those with a first hop, less the file's own
 * routes and, for a host, what its default router takes) into sr->sel,
 * in address order, each with its next hop's group in sr->selb; the
 * groups' hops in sr->bhop and sizes in sr->bcount.  Returns how many.
 */
static int
route_select(struct search *sr, const struct lab_node *node,
    const struct att *pref, int *ngroups)
{
	const struct lab_graph *g = sr->g;
	int k, i, b, a, cnt = 0, nb = 0;

	for (k = 0; k < g->nsubs; k++) {
		const struct att *h = sr->shop[i = g->order[k]];

		/* The file's route to the same prefix wins. */
		if (h == NULL || (node->nroutes > 0 &&
		    plan_has_route(node->routes, node->nroutes, g->subs[i].net)))
			continue;
		/* A host leaves to its default router what it can reach
		 * as well through it. */
		if (!node->forwarding && pref != NULL && h->node == pref->node)
			continue;
		if ((b = sr->bucket[a = (int)(h - g->by_sub)]) < 0) {
			b = sr->bucket[a] = nb++;
			sr->bhop[b] = h;
			sr->bcount[b] = 0;
		}
		sr->bcount[b]++;
		sr->sel[cnt] = i;
		sr->selb[cnt++] = b;
	}
	for (b = 0; b < nb; b++)        /* clean for the next node */
		sr->bucket[sr->bhop[b] - g->by_sub] = -1;
	*ngroups = nb;
	return cnt;
}

struct tree_out {
	const struct lab_graph	*g;
	int			 v;
	struct lab_route	**rt;
	int			*n, *cap;
};

/* plan_tree.c's routes into *o->rt, one slot kept free. */
static int
tree_emit(void *arg, const struct lab_ip *dst, const struct att *hop)
{
	struct tree_out *o = arg;
	struct lab_route *p;

	if (*o->n + 2 > *o->cap) {
		if ((p = realloc(*o->rt, sizeof(*p) * (size_t)(2 * *o->cap +
		    2))) == NULL)
			return -ENOMEM;
		*o->rt = p;
		*o->cap = 2 * *o->cap + 2;
	}
	set_route(o->g, &(*o->rt)[(*o->n)++], o->v, dst, hop,
	    ROUTE_COMPUTED);
	return 0;
}

/* A forest's routes (plan_tree.c), sorted as aggregate() leaves them. */
static int
tree_routes(const struct lab_graph *g, int v, const struct att *pref,
    struct lab_route **rt, int *n, int *cap)
{
	struct tree_out o = { g, v, rt, n, cap };
	struct lab_route *p;
	int from = *n, r;

	if (*n + 1 > *cap) {
		if ((p = realloc(*rt, sizeof(*p) * (size_t)(*n + 1))) == NULL)
			return -ENOMEM;
		*rt = p;
		*cap = *n + 1;
	}
	if ((r = gtree_routes(g, v, pref, tree_emit, &o)) != 0)
		return r;
	qsort(*rt + from, (size_t)(*n - from), sizeof(**rt), dst_cmp);
	return 0;
}

/*
 * Appends node v's computed routes of one family to *rt (*n used, *cap
 * slots; grown with realloc).  Returns 0 or -ENOMEM.
 */
static int
route_node(struct search *sr, int v, struct lab_route **rt, int *n, int *cap)
{
	const struct lab_graph *g = sr->g;
	const struct lab_node *node = &g->lab->nodes[v];
	const struct lab_route *def = default_route(node, g->family);
	const struct att *pref = NULL;
	struct lab_route *p;
	struct lab_ip any;
	int found, i, need, from, cnt, nb, b, off, r;

	if (def != NULL)
		pref = neighbour_att(g, v, &def->via);
	else if (!node->forwarding)
		pref = nearest_router(g, v);
	if (g->tree != NULL) {
		if ((r = tree_routes(g, v, pref, rt, n, cap)) != 0)
			return r;
		goto deflt;
	}
	found = search(sr, v, pref);
	if ((need = *n + found + 1) > *cap) {
		if ((p = realloc(*rt, sizeof(*p) * (size_t)need)) == NULL)
			return -ENOMEM;
		*rt = p;
		*cap = need;
	}
	from = *n;
	cnt = route_select(sr, node, pref, &nb);
	/* Each group's place, then each route in it, in address order
	 * (sr->bcount becomes the next free slot of the group). */
	for (b = 0, off = from; b < nb; b++) {
		int c = sr->bcount[b];

		sr->bcount[b] = off;
		off += c;
	}
	for (i = 0; i < cnt; i++)
		set_route(g, &(*rt)[sr->bcount[sr->selb[i]]++], v,
		    g->subs[sr->sel[i]].net, sr->bhop[sr->selb[i]],
		    ROUTE_COMPUTED);
	*n = from + cnt;
	aggregate(node, *rt, from, n);
deflt:
	if (def == NULL && !node->forwarding && pref != NULL) {
		memset(&any, 0, sizeof(any));
		any.family = (uint8_t)g->family;
		set_route(g, &(*rt)[(*n)++], v, &any, pref, ROUTE_DEFAULT);
	}
	return 0;
}

int
lab_node_routes(const struct lab *lab, int node, struct lab_route **out,
    int *nout)
{
	const struct lab_node *n = &lab->nodes[node];
	struct lab_route *rt;
	struct search *sr;
	int cap, cnt, k, r = 0;

	*out = NULL;
	*nout = 0;
	cap = n->nroutes + 4;
	if ((rt = malloc(sizeof(*rt) * (size_t)cap)) == NULL)
		return -ENOMEM;
	if (n->nroutes > 0)
		memcpy(rt, n->routes, sizeof(*rt) * (size_t)n->nroutes);
	cnt = n->nroutes;
	for (k = 0; k < 2 && r == 0; k++) {
		const struct lab_graph *g = k ? lab->graph6 : lab->graph4;
		int from = cnt;

		if (g == NULL || g->node_n[node] == 0 ||
		    lab_node_routing(lab, node) == ROUTING_NONE)
			continue;
		r = (sr = search_get(g, k)) != NULL ?
		    route_node(sr, node, &rt, &cnt, &cap) : -ENOMEM;
		/* What RIP will learn: traced, never installed. */
		if (lab_node_routing(lab, node) == ROUTING_RIP)
			while (from < cnt)
				rt[from++].origin = ROUTE_RIP;
	}
	if (r != 0) {
		free(rt);
		return r;
	}
	*out = rt;
	*nout = cnt;
	return 0;
}

/* --- sysctls ------------------------------------------------------------- */

/*
 * The sysctls the plan sets before a node's own: forwarding on a router
 * and IPv4 forwarding off on a host (a new node forwards IPv4, as
 * NetBSD's rump kernel does), and no duplicate address detection on a
 * node with interfaces (but a bridge, which has no IP).  The plan gives every address once, so DAD
 * could find nothing; it would only hold each IPv6 address tentative
 * (unusable as a source) for the first second after `up` returned, and
 * each IPv4 address (unanswered for in ARP) for its first 4 to 7 s.  A lab
 * that teaches DAD sets net.inet6.ip6.dad_count or net.inet.ip.dad_count
 * itself (NetBSD's defaults: 1 and 3).
 */
static int
default_sysctls(struct lab *lab, struct lab_node *n)
{
	static const char *const names[] = { "net.inet6.ip6.dad_count",
		"net.inet.ip.dad_count", "net.inet.ip.forwarding",
		"net.inet6.ip6.forwarding" };
	static const char *const values[] = { "0", "0", "1", "1" };
	const char *val;
	struct lab_sysctl *v;
	int i, j, k = 0;

	bool dad = n->nifaces > 0 && !n->bridge;   /* a bridge has no IP */

	if (!n->forwarding && !dad)
		return 0;
	if ((v = arena_alloc(lab->arena, sizeof(*v) *
	    (size_t)(n->nsysctls + 4))) == NULL)
		return -ENOMEM;
	for (i = 0; i < 4; i++) {
		/* IPv4 forwarding: on for a router, off for a host. */
		if (i < 2 ? !dad : i == 2 ? !dad && !n->forwarding :
		    !n->forwarding)
			continue;
		val = i == 2 && !n->forwarding ? "0" : values[i];
		/* A node's own setting of the same name wins. */
		for (j = 0; j < n->nsysctls; j++)
			if (strcmp(n->sysctls[j].name, names[i]) == 0)
				break;
		if (j < n->nsysctls)
			continue;
		v[k].name = names[i];
		v[k++].value = val;
	}
	for (j = 0; j < n->nsysctls; j++)
		v[k++] = n->sysctls[j];
	n->sysctls = v;
	n->nsysctls = n->capsysctls = k;
	return 0;
}

/* --- routing: rip ------------------------------------------------------- */

/* "1s", "0.5s": a time for rump.routed -P. */
static void
secs_text(uint64_t us, char *buf, size_t len)
{
	snprintf(buf, len, "%gs", (double)us / 1e6);
}

/*
 * A node with routing: rip runs rump.routed -d (in the foreground, so
 * that it is the lab's to stop), with the lab's timers, before its own
 * run: commands; the supervisor starts it like them.  This is the one
 * place that knows how RIP is started.
 */
static int
rip_service(struct lab *lab, struct lab_node *n)
{
	char cmd[256], u[32], t[32], g[32];
	const char **run;
	size_t off;

	off = (size_t)snprintf(cmd, sizeof(cmd), "rump.routed -d");
	if (lab->rip_update_us || lab->rip_timeout_us || lab->rip_garbage_us ||
	    lab->rip_split) {
		secs_text(lab->rip_update_us ? lab->rip_update_us : 30000000,
		    u, sizeof(u));
		secs_text(lab->rip_timeout_us ? lab->rip_timeout_us :
		    180000000, t, sizeof(t));
		secs_text(lab->rip_garbage_us ? lab->rip_garbage_us :
		    120000000, g, sizeof(g));
		snprintf(cmd + off, sizeof(cmd) - off, " -P update=%s,"
		    "timeout=%s,garbage=%s%s%s", u, t, g, lab->rip_split ?
		    ",split=" : "", lab->rip_split ? lab->rip_split : "");
	}
	if ((run = arena_alloc(lab->arena, sizeof(*run) *
	    (size_t)(n->nrun + 1))) == NULL ||
	    (n->routing_cmd = arena_strdup(lab->arena, cmd)) == NULL)
		return -ENOMEM;
	run[0] = n->routing_cmd;
	if (n->nrun > 0)
		memcpy(run + 1, n->run, sizeof(*run) * (size_t)n->nrun);
	n->run = run;
	n->nrun++;
	n->caprun = n->nrun;
	return 0;
}

/* Does any node take computed routes (static) or trace RIP's? */
static bool
needs_graph(const struct lab *lab)
{
	int i;

	for (i = 0; i < lab->nnodes; i++)
		if (lab_node_routing(lab, i) != ROUTING_NONE)
			return true;
	return false;
}

int
plan_routes(struct lab *lab, struct diag *d)
{
	int before = diag_count(d), i, r;

	for (i = 0; i < lab->nnodes; i++)
		if ((r = bind_node(lab, &lab->nodes[i], d)) != 0 ||
		    (r = default_sysctls(lab, &lab->nodes[i])) != 0)
			return r;
	if (diag_count(d) > before)
		return -EINVAL;
	for (i = 0; i < lab->nnodes; i++)
		if (lab_node_routing(lab, i) == ROUTING_RIP &&
		    (r = rip_service(lab, &lab->nodes[i])) != 0)
			return r;
	if (!needs_graph(lab))
		return 0;
	if ((r = graph_build(lab, AF_INET, &lab->graph4)) != 0 ||
	    (r = graph_build(lab, AF_INET6, &lab->graph6)) != 0)
		return r;
	return 0;
}
