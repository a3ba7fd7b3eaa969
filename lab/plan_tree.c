/*
 * plan_tree.c — a node's computed routes when its family's graph is a
 * forest (lab/plan_graph.h), found without a search from the node.
 *
 * A search from every node costs every node the whole graph: `plan` of
 * a line of 5000 routers took 7 s, and `up` of 10,000 nodes spent as
 * much in its workers.  In a forest the path between two places is
 * unique, so a node's first hop towards a subnet follows from where the
 * subnet sits in one depth-first numbering (tin, with tout the last
 * number in a vertex's subtree), the vertices being nodes and subnets:
 * below one of the node's child subnets, the child router of that subnet
 * whose subtree holds it; else, below its parent subnet, another child
 * router of that subnet, or that subnet's own parent.  Each first hop so
 * owns one or two ranges of numbers.
 *
 * Routes are merged as aggregate() merges them: a prefix is routed whole
 * when its subnets fill it, all go to one next hop and no route of the
 * file lies inside it.  So the walk goes down the prefixes of the
 * subnets in address order: a prefix whose subnets all have the next hop
 * of its first (counted in a merge-sort tree of their numbers by address
 * position) and that they fill (prefix sums of their sizes) is one route,
 * one whose subnets all have no route (not reachable, on the node, or its
 * default router's) is none, and any other splits in two.  A node's cost
 * is its routes times the prefix depth times log², not the lab's size.
 *
 * Where it applies: a forest with no node twice on one subnet, and no
 * node that does not forward on two subnets (it would end paths in the
 * middle); else, or for prefixes of length 0, the search does.
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lab/arena.h"
#include "lab/plan_graph.h"

struct gtree {
	int		  nn, nv;	/* nodes; nodes and subnets */
	int		 *tin, *tout;	/* by vertex: node x is x, subnet s nn+s */
	int		 *up;		/* parent vertex, -1 at a root */
	int		 *root;		/* the root of its tree */
	int		 *kid_first;	/* children of x: kids[kid_first[x] ..
					 * kid_first[x + 1]), by tin */
	int		 *kids;
	const struct att **upatt;	/* node: its att on its parent subnet;
					 * subnet: its parent node's att on it */
	int		  levels;
	int		**mst;		/* [k]: tins by address position, sorted
					 * in runs of 2^k */
	u128		 *addr;		/* by address position: network, size */
	u128		 *psum;		/* sizes of the positions before */
	int		  maxlen;
};

/* A first hop (NULL: no route) and the tins it owns. */
struct cls {
	const struct att	*hop;
	int			 lo[2], hi[2];
};

struct walk {
	const struct lab_graph	*g;
	const struct gtree	*t;
	const struct lab_node	*node;
	const struct att	*pref;	/* a host's default router, or NULL */
	int			 v;
	gtree_emit_fn		*emit;
	void			*arg;
};

static void *
zalloc(struct lab *lab, long n, size_t size)
{
	return arena_alloc(lab->arena, size * (size_t)(n + 1));
}

/* Does the tree routing apply (see the top of the file)? */
static bool
applies(const struct lab_graph *g)
{
	const struct lab *lab = g->lab;
	int x, i, j;

	for (x = 0; x < lab->nnodes; x++) {
		if (!lab->nodes[x].forwarding && g->node_n[x] > 1)
			return false;
		for (i = 0; i < g->node_n[x]; i++)
			for (j = 0; j < i; j++)
				if (g->by_node[g->node_first[x] + i].subnet ==
				    g->by_node[g->node_first[x] + j].subnet)
					return false;
	}
	for (i = 0; i < g->nsubs; i++)
		if (g->subs[i].net->plen == 0)
			return false;
	return true;
}

/* Vertex u's k-th neighbour, or -1 past the last. */
static int
neighbour(const struct lab_graph *g, int nn, int u, int k)
{
	if (u < nn)
		return k < g->node_n[u] ?
		    nn + g->by_node[g->node_first[u] + k].subnet : -1;
	u -= nn;
	return k < g->subs[u].n ? g->by_sub[g->subs[u].first + k].node : -1;
}

/* Numbers every vertex depth first; false when there is a cycle. */
static bool
number(const struct lab_graph *g, struct gtree *t, int *stk, int *it)
{
	int s, u, w, top, clock = 0;

	for (u = 0; u < t->nv; u++)
		t->tin[u] = -1;
	for (s = 0; s < t->nv; s++) {
		if (t->tin[s] >= 0)
			continue;
		top = 0;
		stk[top] = s;
		it[top++] = 0;
		t->tin[s] = clock++;
		t->up[s] = -1;
		t->root[s] = s;
		while (top > 0) {
			u = stk[top - 1];
			if ((w = neighbour(g, t->nn, u, it[top - 1]++)) < 0) {
				t->tout[u] = clock - 1;
				top--;
				continue;
			}
			if (w == t->up[u])
				continue;
			if (t->tin[w] >= 0)
				return false;
			t->tin[w] = clock++;
			t->up[w] = u;
			t->root[w] = s;
			stk[top] = w;
			it[top++] = 0;
		}
	}
	return true;
}

/* Children lists by tin, and the atts that lead up and down. */
static void
link_kids(const struct lab_graph *g, struct gtree *t, int *ord)
{
	int u, i, p, *fill = ord + t->nv;

	for (u = 0; u < t->nv; u++)
		ord[t->tin[u]] = u;
	memset(t->kid_first, 0, sizeof(int) * ((size_t)t->nv + 1));
	for (u = 0; u < t->nv; u++)
		if (t->up[u] >= 0)
			t->kid_first[t->up[u] + 1]++;
	for (u = 0; u < t->nv; u++)
		t->kid_first[u + 1] += t->kid_first[u];
	memcpy(fill, t->kid_first, sizeof(int) * (size_t)t->nv);
	for (i = 0; i < t->nv; i++)
		if ((p = t->up[u = ord[i]]) >= 0)
			t->kids[fill[p]++] = u;
	for (i = 0; i < g->natts; i++) {
		const struct att *b = &g->by_sub[i];
		int sv = t->nn + b->subnet;

		if (t->up[b->node] == sv)
			t->upatt[b->node] = b;
		if (t->up[sv] == b->node)
			t->upatt[sv] = b;
	}
}

/* The subnets' tins by address position, in runs sorted level by level. */
static int
sort_levels(struct lab *lab, const struct lab_graph *g, struct gtree *t)
{
	int n = g->nsubs, k, lo, mid, hi, i, a, b;

	for (t->levels = 1; (1 << (t->levels - 1)) < n; t->levels++)
		continue;
	if ((t->mst = zalloc(lab, t->levels, sizeof(int *))) == NULL)
		return -ENOMEM;
	for (k = 0; k < t->levels; k++)
		if ((t->mst[k] = zalloc(lab, n, sizeof(int))) == NULL)
			return -ENOMEM;
	for (i = 0; i < n; i++)
		t->mst[0][i] = t->tin[t->nn + g->order[i]];
	for (k = 1; k < t->levels; k++)
		for (lo = 0; lo < n; lo += 1 << k) {
			mid = lo + (1 << (k - 1)) < n ? lo + (1 << (k - 1)) : n;
			hi = lo + (1 << k) < n ? lo + (1 << k) : n;
			for (a = lo, b = mid, i = lo; i < hi; i++)
				t->mst[k][i] = b >= hi || (a < mid &&
				    t->mst[k - 1][a] <= t->mst[k - 1][b]) ?
				    t->mst[k - 1][a++] : t->mst[k - 1][b++];
		}
	return 0;
}

static int
addresses(struct lab *lab, const struct lab_graph *g, struct gtree *t)
{
	const struct lab_ip *net;
	int i;

	t->maxlen = ip_maxlen(g->family);
	if ((t->addr = zalloc(lab, g->nsubs, sizeof(u128))) == NULL ||
	    (t->psum = zalloc(lab, g->nsubs + 1, sizeof(u128))) == NULL)
		return -ENOMEM;
	for (i = 0; i < g->nsubs; i++) {
		net = g->subs[g->order[i]].net;
		t->addr[i] = ip_to_u128(net) & ~(ip_size(net) - 1);
		t->psum[i + 1] = t->psum[i] + ip_size(net);
	}
	return 0;
}

int
gtree_build(struct lab *lab, struct lab_graph *g)
{
	struct gtree *t;
	int *scratch, r = 0;
	size_t nv;

	g->tree = NULL;
	if (!applies(g))
		return 0;
	if ((t = zalloc(lab, 0, sizeof(*t))) == NULL)
		return -ENOMEM;
	t->nn = lab->nnodes;
	t->nv = lab->nnodes + g->nsubs;
	nv = (size_t)t->nv;
	t->tin = zalloc(lab, t->nv, sizeof(int));
	t->tout = zalloc(lab, t->nv, sizeof(int));
	t->up = zalloc(lab, t->nv, sizeof(int));
	t->root = zalloc(lab, t->nv, sizeof(int));
	t->kid_first = zalloc(lab, t->nv + 1, sizeof(int));
	t->kids = zalloc(lab, t->nv, sizeof(int));
	t->upatt = zalloc(lab, t->nv, sizeof(*t->upatt));
	if (t->tin == NULL || t->tout == NULL || t->up == NULL ||
	    t->root == NULL || t->kid_first == NULL || t->kids == NULL ||
	    t->upatt == NULL || (scratch = malloc(sizeof(int) * 2 * nv + 1))
	    == NULL)
		return -ENOMEM;
	if (number(g, t, scratch, scratch + nv)) {
		link_kids(g, t, scratch);
		if ((r = sort_levels(lab, g, t)) == 0 &&
		    (r = addresses(lab, g, t)) == 0)
			g->tree = t;
	}
	free(scratch);
	return r;
}

/* --- one node's routes --------------------------------------------------- */

/* How many of a[0..n) (sorted) lie in [lo, hi]. */
static int
in_range(const int *a, int n, int lo, int hi)
{
	int l = 0, h = n, m, first;

	while (l < h)
		if (a[m = (l + h) / 2] < lo)
			l = m + 1;
		else
			h = m;
	first = l;
	for (h = n; l < h; )
		if (a[m = (l + h) / 2] <= hi)
			l = m + 1;
		else
			h = m;
	return l - first;
}

/* How many address positions l..r have their tin in [lo, hi]. */
static int
count(const struct gtree *t, int l, int r, int lo, int hi)
{
	int n = 0, k;

	if (lo > hi)
		return 0;
	while (l <= r) {
		for (k = 0; k + 1 < t->levels && (l & ((2 << k) - 1)) == 0 &&
		    l + (2 << k) - 1 <= r; k++)
			continue;
		n += in_range(t->mst[k] + l, 1 << k, lo, hi);
		l += 1 << k;
	}
	return n;
}

/* The child of x whose subtree holds tin ts. */
static int
kid_of(const struct gtree *t, int x, int ts)
{
	int l = t->kid_first[x], h = t->kid_first[x + 1] - 1, m;

	while (l < h)
		if (t->tin[t->kids[m = (l + h + 1) / 2]] <= ts)
			l = m;
		else
			h = m - 1;
	return t->kids[l];
}

static void
owns(struct cls *c, int k, int lo, int hi)
{
	c->lo[k] = lo;
	c->hi[k] = hi;
}

/* The first hop from node v towards subnet vertex sv, and what it owns. */
static void
classify(const struct lab *lab, const struct gtree *t, int v, int sv,
    struct cls *c)
{
	int ts = t->tin[sv], rt = t->root[v], x, p;

	c->hop = NULL;
	owns(c, 1, 1, 0);
	if (t->root[sv] != rt) {
		owns(c, 0, 0, t->tin[rt] - 1);
		owns(c, 1, t->tout[rt] + 1, t->nv);
		return;
	}
	if (t->up[sv] == v || t->up[v] == sv) {
		owns(c, 0, ts, ts);		/* on it: connected */
		return;
	}
	if (t->tin[v] < ts && ts <= t->tout[v])
		x = kid_of(t, kid_of(t, v, ts), ts);
	else if (p = t->up[v], t->tin[p] < ts && ts <= t->tout[p])
		x = kid_of(t, p, ts);
	else {
		x = t->up[p];
		c->hop = t->upatt[p];
		owns(c, 0, t->tin[rt], t->tin[p] - 1);
		owns(c, 1, t->tout[p] + 1, t->tout[rt]);
		if (!lab->nodes[x].forwarding)
			c->hop = NULL;
		return;
	}
	c->hop = lab->nodes[x].forwarding ? t->upatt[x] : NULL;
	owns(c, 0, t->tin[x], t->tout[x]);
}

static int
msb(u128 x)
{
	uint64_t hi = (uint64_t)(x >> 64);

	return hi ? 127 - __builtin_clzll(hi) :
	    63 - __builtin_clzll((uint64_t)x);
}

/* Routes for address positions l..r: every subnet of one prefix. */
static int
walk(const struct walk *w, int l, int r)
{
	const struct gtree *t = w->t;
	const struct lab_ip *net = w->g->subs[w->g->order[l]].net;
	struct lab_ip pfx;
	struct cls c;
	int bits, lo, hi, m, e;
	bool one;

	classify(w->g->lab, t, w->v, t->nn + w->g->order[l], &c);
	one = count(t, l, r, c.lo[0], c.hi[0]) + count(t, l, r, c.lo[1],
	    c.hi[1]) == r - l + 1;
	if (one && (c.hop == NULL || (w->pref != NULL &&
	    c.hop->node == w->pref->node)))
		return 0;
	if (l == r)		/* one subnet: always one hop */
		return plan_has_route(w->node->routes, w->node->nroutes,
		    net) ? 0 : w->emit(w->arg, net, c.hop);
	/* Subnets never overlap: those at l and r differ within the
	 * prefix holding all of l..r, host bits `bits`. */
	bits = msb(t->addr[l] ^ t->addr[r]) + 1;
	if (one && bits < 128 && t->psum[r + 1] - t->psum[l] ==
	    (u128)1 << bits) {
		ip_from_u128(&pfx, w->g->family, t->addr[l] &
		    ~(((u128)1 << bits) - 1), t->maxlen - bits);
		if (!plan_file_route_in(w->node, &pfx))
			return w->emit(w->arg, &pfx, c.hop);
	}
	/* The first position with the prefix's next bit set. */
	for (lo = l + 1, hi = r; lo < hi; )
		if ((t->addr[m = (lo + hi) / 2] >> (bits - 1)) & 1)
			hi = m;
		else
			lo = m + 1;
	if ((e = walk(w, l, lo - 1)) != 0)
		return e;
	return walk(w, lo, r);
}

int
gtree_routes(const struct lab_graph *g, int v, const struct att *pref,
    gtree_emit_fn *emit, void *arg)
{
	struct walk w = { g, g->tree, &g->lab->nodes[v], NULL, v, emit, arg };

	if (!w.node->forwarding)
		w.pref = pref;
	return g->nsubs > 0 ? walk(&w, 0, g->nsubs - 1) : 0;
}
