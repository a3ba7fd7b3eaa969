/*
 * place.c — where the nodes of a lab across machines run (lab_place(),
 * the first planning phase), and the VDE URLs that join each host's part
 * of a bus that spans hosts to the other parts (lab_uplink_urls()).
 * lab/HOSTS.txt states both: every host computes the same from the same
 * topology.
 *
 * Placement keeps the host a node names (host:) and places the others
 * one at a time, in depth-first order of the graph of nodes and buses
 * (from the first node in file order, a node's smaller buses first), so
 * that nodes placed one after the other are near each other.  Each goes
 * to the host most of its placed bus neighbours are on (ties: the first
 * such host) unless that host has its share, else to the first host that
 * still has room.  A host's share is the number of nodes times its
 * capacity (unset: 1) over the sum of capacities, rounded by largest
 * remainder.  A line of routers over two hosts is cut once, a tree near
 * its root, a grid along a row.
 *
 * Cost: each node, bus and interface is visited once, a node's
 * interfaces sorted; choosing a node's host looks at the hosts its buses
 * are on so far, which placement keeps few.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab/arena.h"
#include "lab/phases.h"

/* How many of a bus's members are on a host so far. */
struct hostcount {
	int	host, n;
};

struct placer {
	struct lab		*lab;
	long			*share, *load;	/* per host */
	long			*score;		/* per host, 0 between nodes */
	int			*touched;	/* hosts with a score */
	/* Bus b's hosts so far: hc[hcoff[b]], ... hcn[b] of them (at most
	 * min(hosts, members) each: one array of at most the interfaces). */
	struct hostcount	*hc;
	long			*hcoff;
	int			*hcn;
	int			 first_free;	/* no host before it has room */
	/* Node v's interfaces in the order the walk takes them: smaller
	 * buses first (bus size << 32 | interface), from ifo[ifoff[v]]. */
	uint64_t		*ifo;
	long			*ifoff;
};

static uint64_t
weight(const struct lab_host *h)
{
	return h->capacity ? h->capacity : 1;
}

/*
 * Shares by largest remainder (ties: the first host): they add up to the
 * number of nodes.  What is left after rounding down is less than the
 * number of hosts with a remainder, each of which gets one at most.
 */
static int
shares(const struct lab *lab, long *share)
{
	uint64_t total = 0, n = (uint64_t)lab->nnodes, *rem;
	long left = lab->nnodes;
	int h, best;

	if ((rem = calloc((size_t)lab->nhosts, sizeof(*rem))) == NULL)
		return -ENOMEM;
	for (h = 0; h < lab->nhosts; h++)
		total += weight(&lab->hosts[h]);
	for (h = 0; h < lab->nhosts; h++) {
		share[h] = (long)(n * weight(&lab->hosts[h]) / total);
		rem[h] = n * weight(&lab->hosts[h]) % total;
		left -= share[h];
	}
	for (; left > 0; left--) {
		for (best = 0, h = 1; h < lab->nhosts; h++)
			if (rem[h] > rem[best])
				best = h;
		share[best]++;
		rem[best] = 0;
	}
	free(rem);
	return 0;
}

static void
count(struct placer *p, int bus, int host)
{
	struct hostcount *c = p->hc + p->hcoff[bus];
	int i;

	for (i = 0; i < p->hcn[bus]; i++)
		if (c[i].host == host) {
			c[i].n++;
			return;
		}
	c[i].host = host;
	c[i].n = 1;
	p->hcn[bus]++;
}

static void
assign(struct placer *p, int node, int host)
{
	const struct lab_node *n = &p->lab->nodes[node];
	int i;

	p->lab->nodes[node].host = host;
	p->load[host]++;
	for (i = 0; i < n->nifaces; i++)
		if (n->ifaces[i].bus >= 0)
			count(p, n->ifaces[i].bus, host);
	while (p->first_free < p->lab->nhosts - 1 &&
	    p->load[p->first_free] >= p->share[p->first_free])
		p->first_free++;
}

/* The host with most of the node's placed bus neighbours and room. */
static int
choose(struct placer *p, int node)
{
	const struct lab_node *n = &p->lab->nodes[node];
	const struct hostcount *c;
	int i, j, h, nt = 0, best = -1;

	for (i = 0; i < n->nifaces; i++) {
		if (n->ifaces[i].bus < 0)
			continue;
		c = p->hc + p->hcoff[n->ifaces[i].bus];
		for (j = 0; j < p->hcn[n->ifaces[i].bus]; j++) {
			if (p->score[c[j].host] == 0)
				p->touched[nt++] = c[j].host;
			p->score[c[j].host] += c[j].n;
		}
	}
	for (i = 0; i < nt; i++) {
		h = p->touched[i];
		if (p->load[h] < p->share[h] && (best < 0 ||
		    p->score[h] > p->score[best] ||
		    (p->score[h] == p->score[best] && h < best)))
			best = h;
	}
	for (i = 0; i < nt; i++)
		p->score[p->touched[i]] = 0;
	return best >= 0 ? best : p->first_free;
}

static int
u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/*
 * The order the walk takes each node's interfaces in: smaller buses
 * first, so that a router's LAN (its hosts) is placed with it before the
 * walk goes on along a core bus that many routers share.
 */
static int
iface_order(struct placer *p)
{
	const struct lab *lab = p->lab;
	const struct lab_node *n;
	long off = 0;
	int v, i, b;

	if ((p->ifoff = calloc((size_t)lab->nnodes + 1, sizeof(long))) ==
	    NULL || (p->ifo = calloc((size_t)lab_count_ifaces(lab) + 1,
	    sizeof(uint64_t))) == NULL)
		return -ENOMEM;
	for (v = 0; v < lab->nnodes; v++) {
		n = &lab->nodes[v];
		p->ifoff[v] = off;
		for (i = 0; i < n->nifaces; i++) {
			b = n->ifaces[i].bus;
			p->ifo[off + i] = (uint64_t)(b < 0 ? 0 :
			    lab->buses[b].nmembers) << 32 | (uint64_t)i;
		}
		qsort(p->ifo + off, (size_t)n->nifaces, sizeof(uint64_t),
		    u64_cmp);
		off += n->nifaces;
	}
	return 0;
}

/* Interface k of node v in the walk's order. */
static int
nth_iface(const struct placer *p, int v, int k)
{
	return (int)(p->ifo[p->ifoff[v] + k] & 0xffffffffu);
}

struct frame {
	bool	bus;		/* a bus's members, else a node's interfaces */
	int	idx, next;
};

/* Places the unplaced nodes reachable from `start`, depth first. */
static void
walk(struct placer *p, int start, struct frame *stack, char *seen_node,
    char *seen_bus)
{
	const struct lab *lab = p->lab;
	struct frame *f;
	int sp = 0, v;

	seen_node[start] = 1;
	if (lab->nodes[start].host < 0)
		assign(p, start, choose(p, start));
	stack[sp++] = (struct frame){ false, start, 0 };
	while (sp > 0) {
		f = &stack[sp - 1];
		if (!f->bus) {
			if (f->next >= lab->nodes[f->idx].nifaces) {
				sp--;
				continue;
			}
			v = lab->nodes[f->idx].ifaces[nth_iface(p, f->idx,
			    f->next++)].bus;
			if (v < 0 || seen_bus[v])
				continue;
			seen_bus[v] = 1;
			stack[sp++] = (struct frame){ true, v, 0 };
			continue;
		}
		if (f->next >= lab->buses[f->idx].nmembers) {
			sp--;
			continue;
		}
		v = lab->buses[f->idx].members[f->next++].node;
		if (seen_node[v])
			continue;
		seen_node[v] = 1;
		if (lab->nodes[v].host < 0)
			assign(p, v, choose(p, v));
		stack[sp++] = (struct frame){ false, v, 0 };
	}
}

static int
int_cmp(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* Each bus's hosts, ascending, and the number of its first host pair;
 * returns the number of pairs, or -ENOMEM. */
static long
bus_hosts(struct placer *p)
{
	struct lab *lab = p->lab;
	struct lab_bus *b;
	long pairs = 0;
	int i, j;

	for (i = 0; i < lab->nbuses; i++) {
		b = &lab->buses[i];
		b->nhosts = p->hcn[i];
		if ((b->hosts = arena_alloc(lab->arena, sizeof(int) *
		    (size_t)(b->nhosts + 1))) == NULL)
			return -ENOMEM;
		for (j = 0; j < b->nhosts; j++)
			b->hosts[j] = p->hc[p->hcoff[i] + j].host;
		qsort(b->hosts, (size_t)b->nhosts, sizeof(int), int_cmp);
		b->uplink_pair = (int)pairs;
		pairs += (long)b->nhosts * (b->nhosts - 1) / 2;
		if (pairs > 32768)
			pairs = 32768;	/* past every port: reported */
	}
	return pairs;
}

/*
 * What udp uplinks need: two ports a host pair, all below 65536, and an
 * address for each host of a spanning bus.
 */
static int
check_udp(const struct lab *lab, long pairs, struct diag *d)
{
	const struct lab_bus *b;
	int before = diag_count(d), i, j;
	char *told;

	if (strcmp(lab->uplink, "udp") != 0)
		return 0;
	if (lab->uplink_port + 2 * pairs - 1 > 65535)
		diag_add(d, (struct lab_pos){ 0, 0 }, "the buses that span "
		    "hosts need %s%ld udp ports from uplink_port %u, past "
		    "65535: give a lower uplink_port, or use uplink vxvde",
		    pairs >= 32768 ? "over " : "", 2 * pairs, lab->uplink_port);
	if ((told = calloc((size_t)lab->nhosts, 1)) == NULL)
		return -ENOMEM;
	for (i = 0; i < lab->nbuses; i++) {
		b = &lab->buses[i];
		for (j = 0; b->nhosts > 1 && j < b->nhosts; j++) {
			const struct lab_host *h = &lab->hosts[b->hosts[j]];

			if (h->addr != NULL || told[b->hosts[j]]++)
				continue;
			diag_add(d, h->pos, "host '%s' needs 'addr' (%s): the "
			    "address where host '%s' reaches its udp uplinks "
			    "(bus '%s' spans both), like 192.0.2.10", h->name,
			    h->ssh ? "the host part of its ssh destination is "
			    "no address" : "this machine has no ssh "
			    "destination to take it from",
			    lab->hosts[b->hosts[j ? 0 : 1]].name, b->name);
		}
	}
	free(told);
	return diag_count(d) > before ? -EINVAL : 0;
}

/* The placer's arrays; bus b's host counts fit min(hosts, members). */
static int
placer_init(struct placer *p, struct lab *lab)
{
	long off = 0;
	int i, H = lab->nhosts;

	memset(p, 0, sizeof(*p));
	p->lab = lab;
	p->share = calloc((size_t)H, sizeof(long));
	p->load = calloc((size_t)H, sizeof(long));
	p->score = calloc((size_t)H, sizeof(long));
	p->touched = calloc((size_t)H, sizeof(int));
	p->hcoff = calloc((size_t)lab->nbuses + 1, sizeof(long));
	p->hcn = calloc((size_t)lab->nbuses + 1, sizeof(int));
	if (!p->share || !p->load || !p->score || !p->touched || !p->hcoff ||
	    !p->hcn)
		return -ENOMEM;
	for (i = 0; i < lab->nbuses; i++) {
		p->hcoff[i] = off;
		off += lab->buses[i].nmembers < H ? lab->buses[i].nmembers : H;
	}
	if ((p->hc = calloc((size_t)off + 1, sizeof(*p->hc))) == NULL ||
	    iface_order(p) != 0)
		return -ENOMEM;
	return shares(lab, p->share);
}

static void
placer_free(struct placer *p)
{
	free(p->share);
	free(p->load);
	free(p->score);
	free(p->touched);
	free(p->hc);
	free(p->hcoff);
	free(p->hcn);
	free(p->ifo);
	free(p->ifoff);
}

/* Every node gets its host: the file's, else by walking the graph. */
static int
place_nodes(struct placer *p)
{
	struct lab *lab = p->lab;
	struct frame *stack;
	char *seen_node, *seen_bus;
	int i, h;

	stack = calloc((size_t)lab->nnodes + (size_t)lab->nbuses + 1,
	    sizeof(*stack));
	seen_node = calloc((size_t)lab->nnodes + 1, 1);
	seen_bus = calloc((size_t)lab->nbuses + 1, 1);
	if (stack == NULL || seen_node == NULL || seen_bus == NULL) {
		free(stack);
		free(seen_node);
		free(seen_bus);
		return -ENOMEM;
	}
	for (i = 0; i < lab->nnodes; i++)
		if ((h = lab->nodes[i].host) >= 0) {
			lab->nodes[i].host = -1;
			assign(p, i, h);
		}
	for (i = 0; i < lab->nnodes; i++)
		if (!seen_node[i])
			walk(p, i, stack, seen_node, seen_bus);
	free(stack);
	free(seen_node);
	free(seen_bus);
	return 0;
}

int
lab_place(struct lab *lab, struct diag *d)
{
	struct placer p;
	long pairs;
	int h, r;

	if (lab->nhosts == 0)
		return 0;
	if ((r = placer_init(&p, lab)) != 0 || (r = place_nodes(&p)) != 0) {
		placer_free(&p);
		return r;
	}
	for (h = 0; h < lab->nhosts; h++)
		lab->hosts[h].nnodes = (int)p.load[h];
	/* ssh -F FILE runs from wherever ssh does: a relative file is the
	 * topology's directory's, as an image is. */
	for (h = 0; h < lab->nhosts; h++) {
		char path[4096];

		if (lab->hosts[h].ssh_config == NULL ||
		    lab->hosts[h].ssh_config[0] == '/')
			continue;
		lab_fs_path(lab, lab->hosts[h].ssh_config, path, sizeof(path));
		if ((lab->hosts[h].ssh_config = arena_strdup(lab->arena,
		    path)) == NULL)
			return -ENOMEM;
	}
	pairs = bus_hosts(&p);
	placer_free(&p);
	if (pairs < 0)
		return (int)pairs;
	return check_udp(lab, pairs, d);
}

/* --- uplink URLs --------------------------------------------------------- */

/* udp: one URL per other host, from this host's port of the pair to
 * the other's, each bound to its host's address. */
static int
udp_urls(const struct lab *lab, const struct lab_bus *b, int me,
    char (*urls)[LAB_URL_MAX], int max)
{
	const char *self = lab->hosts[b->hosts[me]].addr, *peer;
	unsigned base, mine, theirs;
	int j, lo, hi, m = b->nhosts, n = 0;

	for (j = 0; j < m && n < max; j++) {
		if (j == me)
			continue;
		lo = me < j ? me : j;
		hi = me < j ? j : me;
		/* Pair (lo, hi) of the bus's m hosts, lexicographically. */
		base = lab->uplink_port + 2u * (unsigned)(b->uplink_pair +
		    lo * (2 * m - lo - 1) / 2 + (hi - lo - 1));
		mine = me == lo ? base : base + 1;
		theirs = me == lo ? base + 1 : base;
		if ((peer = lab->hosts[b->hosts[j]].addr) == NULL ||
		    self == NULL)
			continue;	/* refused by lab_place() */
		snprintf(urls[n++], LAB_URL_MAX, "udp://%s:%u->%s:%u", self,
		    mine, peer, theirs);
	}
	return n;
}

int
lab_uplink_urls(const struct lab *lab, int bus, int host,
    char (*urls)[LAB_URL_MAX], int max)
{
	const struct lab_bus *b;
	char port[24] = "";
	int me;

	if (bus < 0 || bus >= lab->nbuses || max < 1)
		return 0;
	b = &lab->buses[bus];
	for (me = 0; me < b->nhosts && b->hosts[me] != host; me++)
		;
	if (b->nhosts < 2 || me == b->nhosts)
		return 0;
	if (strcmp(lab->uplink, "vxvde") == 0) {
		if (lab->uplink_port != 0)
			snprintf(port, sizeof(port), "/port=%u",
			    lab->uplink_port);
		snprintf(urls[0], LAB_URL_MAX, "vxvde://%s%s/vni=%d",
		    lab->uplink_group, port, bus + 1);
		return 1;
	}
	if (strcmp(lab->uplink, "vde") == 0) {
		snprintf(urls[0], LAB_URL_MAX, "vde://%s[%s]",
		    lab->uplink_switch, b->name);
		return 1;
	}
	return udp_urls(lab, b, me, urls, max);
}
