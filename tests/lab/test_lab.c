/*
 * test_lab.c — unit tests of the lab library.  Proves: address parsing
 * and prefix arithmetic; that computed routes are shortest paths (every
 * route's next hop is one hop nearer the destination subnet, checked
 * against an independent all-pairs distance table) in a chain, a ring, a
 * tree and a grid; that automatic addresses are unique, inside their
 * bus's subnet, with link ends at hosts 1 and 2 and routers first on a
 * LAN; that hosts get a default route to the nearest router and specific
 * routes only where another router is nearer; that checks are evaluated
 * (reach, no reach, paths, the reply path); stable MACs; the exact
 * configuration steps of a node; the arena's contract (zeroed, aligned,
 * nothing handed out twice, from blocks that start small); and the time a
 * 1000-router lab takes to open and to compute its routes.
 */
#include <sys/socket.h>
#include <sys/resource.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lab/arena.h"
#include "lab/generate.h"
#include "lab/ipaddr.h"
#include "lab/jsonpath.h"
#include "lab/plan.h"
#include "tests/lab/labtest.h"
#include "tests/lib/tap.h"

/* --- helpers ------------------------------------------------------------- */

/* Opens text that must fail; returns the first message (static). */
static const char *
open_fail(const char *text)
{
	static char msg[1024];
	struct lab *lab;
	struct diag d;

	diag_init(&d);
	msg[0] = '\0';
	if (lab_open_buffer("test", text, strlen(text), &lab, &d) == 0)
		lab_close(lab);
	else if (d.n > 0)
		snprintf(msg, sizeof(msg), "%d:%d: %s", d.msgs[0].pos.line,
		    d.msgs[0].pos.col, d.msgs[0].text);
	diag_free(&d);
	return msg;
}

static struct lab *
open_generated(enum gen_shape shape, int n, bool hosts, bool v4, bool v6)
{
	struct gen_opts o = { shape, n, hosts, v4, v6 };

	return open_shape(&o, "");
}

static int
node(const struct lab *lab, const char *name)
{
	return lab_node_find(lab, name);
}

/* --- addresses ----------------------------------------------------------- */

static void
test_ipaddr(void)
{
	struct lab_ip a, b, net;
	char s[IP_STRLEN];
	bool had;

	ok(ip_parse("10.0.1.5/24", 0, &a, &had) == 0 && had && a.plen == 24 &&
	    a.family == AF_INET, "parse 10.0.1.5/24");
	ok(strcmp(ip_str(&a, s), "10.0.1.5/24") == 0, "print it back");
	ip_network(&net, &a);
	ok(strcmp(ip_str(&net, s), "10.0.1.0/24") == 0, "its network");
	ok(ip_parse("10.0.1.5", 0, &a, NULL) == -EINVAL, "length required");
	ok(ip_parse("10.0.1.5", IP_LEN_OPTIONAL, &a, &had) == 0 && !had &&
	    a.plen == 32, "length optional");
	ok(ip_parse("10.0.1.5/33", 0, &a, NULL) == -ERANGE, "/33 refused");
	ok(ip_parse("10.0.1/24", 0, &a, NULL) == -EINVAL, "short quad refused");
	ok(ip_parse("fd00::1/64", 0, &a, NULL) == 0 && a.family == AF_INET6,
	    "parse fd00::1/64");
	ok(ip_parse("fd00::1%eth0/64", 0, &a, NULL) == -EINVAL, "zone refused");
	ip_parse("10.0.0.0/8", 0, &a, NULL);
	ip_parse("10.200.3.0/24", 0, &b, NULL);
	ok(ip_overlap(&a, &b) && ip_overlap(&b, &a), "10/8 overlaps 10.200.3/24");
	ip_parse("11.0.0.0/24", 0, &b, NULL);
	ok(!ip_overlap(&a, &b), "10/8 does not overlap 11.0.0/24");
	ip_parse("10.0.1.255/24", 0, &a, NULL);
	ok(ip_is_reserved_host(&a), "broadcast is reserved");
	ip_parse("10.0.1.0/31", 0, &a, NULL);
	ok(!ip_is_reserved_host(&a), "/31 has no reserved hosts");
	ip_parse("fd00:1::/64", 0, &a, NULL);
	ok(ip_is_reserved_host(&a), "IPv6 subnet-router anycast is reserved");
	ip_parse("192.168.0.0/30", 0, &net, NULL);
	ok(ip_host(&net, 3, &a) == 0 && ip_host(&net, 4, &a) == -ERANGE,
	    "host numbers stop at the prefix's end");
}

/* --- shortest paths ------------------------------------------------------ */

/* All-pairs hop distances over nodes sharing a subnet (transit by
 * forwarding nodes only is irrelevant here: all nodes forward). */
static int *
distances(const struct lab *lab)
{
	int n = lab->nnodes, i, j, k, *d;

	d = malloc(sizeof(int) * (size_t)n * (size_t)n);
	for (i = 0; i < n * n; i++)
		d[i] = i % (n + 1) == 0 ? 0 : 1 << 20;
	for (k = 0; k < lab->nbuses; k++) {
		const struct lab_bus *b = &lab->buses[k];

		for (i = 0; i < b->nmembers; i++)
			for (j = 0; j < b->nmembers; j++)
				if (b->members[i].node != b->members[j].node)
					d[b->members[i].node * n +
					    b->members[j].node] = 1;
	}
	for (k = 0; k < n; k++)
		for (i = 0; i < n; i++)
			for (j = 0; j < n; j++)
				if (d[i * n + k] + d[k * n + j] < d[i * n + j])
					d[i * n + j] = d[i * n + k] + d[k * n + j];
	return d;
}

/* Hop distance from node v to subnet net: to the nearest node on it. */
static int
subnet_dist(const struct lab *lab, const int *d, int v, const struct lab_ip *net)
{
	int best = 1 << 20, i, j;

	for (i = 0; i < lab->nbuses; i++)
		for (j = 0; j < lab->buses[i].nsubnets; j++) {
			const struct lab_bus *b = &lab->buses[i];
			int m;

			if (ip_cmp(&b->subnets[j].net, net) != 0)
				continue;
			for (m = 0; m < b->nmembers; m++)
				if (d[v * lab->nnodes + b->members[m].node] < best)
					best = d[v * lab->nnodes +
					    b->members[m].node];
		}
	return best;
}

/* The node holding address a, or -1. */
static int
holder(const struct lab *lab, const struct lab_ip *a)
{
	int i, j, k;

	for (i = 0; i < lab->nnodes; i++)
		for (j = 0; j < lab->nodes[i].nifaces; j++)
			for (k = 0; k < lab->nodes[i].ifaces[j].naddrs; k++)
				if (ip_same_addr(&lab->nodes[i].ifaces[j].addrs[k].ip,
				    a))
					return i;
	return -1;
}

/* The most specific of node v's routes that holds all of subnet net. */
static const struct lab_route *
route_for(const struct lab_route *rt, int n, const struct lab_ip *net)
{
	const struct lab_route *best = NULL;
	int i;

	for (i = 0; i < n; i++)
		if (rt[i].dst.family == net->family &&
		    rt[i].dst.plen <= net->plen &&
		    ip_contains(&rt[i].dst, net) &&
		    (best == NULL || rt[i].dst.plen > best->dst.plen))
			best = &rt[i];
	return best;
}

/* Is node v on subnet net? */
static bool
on_subnet(const struct lab *lab, int v, const struct lab_ip *net)
{
	const struct lab_node *n = &lab->nodes[v];
	int j, k;

	for (j = 0; j < n->nifaces; j++)
		for (k = 0; k < n->ifaces[j].naddrs; k++)
			if (ip_contains(net, &n->ifaces[j].addrs[k].ip) &&
			    n->ifaces[j].addrs[k].ip.plen == net->plen)
				return true;
	return false;
}

/*
 * Does any of node v's routes (but a default) overlap a subnet v is on,
 * or cover other space than the subnets it is not on?  The routes hold,
 * family by family, exactly as many addresses as those subnets: with
 * every subnet found by route_for and no route overlapping another, a
 * merge that swallowed unrouted space would show as a surplus.
 */
static bool
over_covers(const struct lab *lab, int v, const struct lab_route *rt, int n)
{
	u128 routed[2] = { 0, 0 }, subnets[2] = { 0, 0 };
	int i, b, j;

	for (i = 0; i < n; i++)
		if (rt[i].dst.plen > 0)
			routed[rt[i].dst.family == AF_INET6] +=
			    ip_size(&rt[i].dst);
	for (b = 0; b < lab->nbuses; b++)
		for (j = 0; j < lab->buses[b].nsubnets; j++) {
			const struct lab_ip *net =
			    &lab->buses[b].subnets[j].net;

			if (!on_subnet(lab, v, net)) {
				subnets[net->family == AF_INET6] +=
				    ip_size(net);
				continue;
			}
			for (i = 0; i < n; i++)
				if (rt[i].dst.plen > 0 &&
				    ip_overlap(&rt[i].dst, net))
					return true;
		}
	return routed[0] != subnets[0] || routed[1] != subnets[1];
}

/*
 * Every router's routes (aggregated where two halves of a prefix share a
 * next hop) take every subnet it is not on to a next hop one hop nearer
 * that subnet than the router, by the longest match; aggregation leaves
 * no more routes than subnets, and covers no address of another subnet
 * nor of none.
 */
static void
check_shortest(const char *what, struct lab *lab)
{
	int *d, v, b, j, bad = 0, missing = 0, total = 0, more = 0, over = 0;

	if (lab == NULL) {
		ok(0, "%s: opens", what);
		return;
	}
	d = distances(lab);
	for (v = 0; v < lab->nnodes; v++) {
		struct lab_route *rt;
		int n, nsub = 0;

		if (!lab->nodes[v].forwarding)
			continue;
		lab_node_routes(lab, v, &rt, &n);
		for (b = 0; b < lab->nbuses; b++)
			for (j = 0; j < lab->buses[b].nsubnets; j++) {
				const struct lab_ip *net =
				    &lab->buses[b].subnets[j].net;
				const struct lab_route *r;
				int dv, hop;

				if (on_subnet(lab, v, net))
					continue;
				nsub++;
				total++;
				if ((r = route_for(rt, n, net)) == NULL) {
					missing++;
					continue;
				}
				dv = subnet_dist(lab, d, v, net);
				hop = holder(lab, &r->via);
				if (hop < 0 || r->iface < 0 ||
				    subnet_dist(lab, d, hop, net) != dv - 1)
					bad++;
			}
		if (n > nsub)
			more++;
		if (over_covers(lab, v, rt, n))
			over++;
		free(rt);
	}
	ok(missing == 0 && more == 0, "%s: every router's routes reach every "
	    "subnet, no more routes than subnets (%d missing)", what, missing);
	ok(over == 0, "%s: and cover nothing else: no connected subnet, no "
	    "unused space (%d routers over)", what, over);
	ok(bad == 0 && total > 0, "%s: all %d subnets go one hop nearer (%d "
	    "wrong)", what, total, bad);
	free(d);
	lab_close(lab);
}

/* Aggregation: halves with one next hop merge (IPv6 too); a file route
 * inside the merged prefix, or to it by another next hop, keeps them
 * apart. */
static void
test_aggregate(void)
{
	static const char base[] =
	    "defaults: { addr: %s }\n"
	    "nodes:\n"
	    "  r1: { kind: router%s }\n"
	    "  r2: { kind: router }\n  r3: { kind: router }\n"
	    "  r4: { kind: router }\n  r5: { kind: router }\n  x: {}\n"
	    "links: [ [r1, r2], [r2, r3], [r3, r4], [r4, r5], [r1, x] ]\n";
	static const struct {
		const char *what, *addr, *r1, *want;
	} c[] = {
		{ "of halves", "auto, pool: 10.0.0.0/16", "",
		  "10.0.0.4/30 10.0.0.8/29 " },
		{ "kept apart by a file route inside", "auto, pool: 10.0.0.0/16",
		  ", routes: [ { dest: 10.0.0.12/31, via: 10.0.0.2 } ]",
		  "10.0.0.12/31 10.0.0.4/30 10.0.0.8/30 10.0.0.12/30 " },
		/* The file's 10.0.0.8/29 goes to x; merged, the computed
		 * halves would be a second route to it, by r2. */
		{ "kept apart by a file route to the prefix",
		  "auto, pool: 10.0.0.0/16",
		  ", routes: [ { dest: 10.0.0.8/29, via: 10.0.0.18 } ]",
		  "10.0.0.8/29 10.0.0.4/30 10.0.0.8/30 10.0.0.12/30 " },
		{ "of IPv6 halves", "auto6, pool6: fd00::/48", "",
		  "fd00:0:0:1::/64 fd00:0:0:2::/63 " },
	};
	char text[1024], got[256], s1[IP_STRLEN];
	struct lab_route *rt;
	struct lab *lab;
	size_t k;
	int n, i;

	for (k = 0; k < sizeof(c) / sizeof(c[0]); k++) {
		snprintf(text, sizeof(text), base, c[k].addr, c[k].r1);
		got[0] = '\0';
		if ((lab = open_text(text)) != NULL &&
		    lab_node_routes(lab, node(lab, "r1"), &rt, &n) == 0) {
			for (i = 0; i < n; i++)
				snprintf(got + strlen(got), sizeof(got) -
				    strlen(got), "%s ", ip_str(&rt[i].dst, s1));
			free(rt);
		}
		ok(strcmp(got, c[k].want) == 0, "aggregation %s: r1 routes %s",
		    c[k].what, got);
		if (lab != NULL)
			lab_close(lab);
	}
}

static void
test_chain_exact(void)
{
	struct lab *lab = open_generated(GEN_LINE, 5, false, true, false);
	struct lab_route *rt;
	char s1[IP_STRLEN], s2[IP_STRLEN];
	int n, i, okay = 1;

	/* r3 of r1-r2-r3-r4-r5 (links numbered in order, /30 each from
	 * 10.0.0.0): left subnets via r2's address, right ones via r4's. */
	lab_node_routes(lab, node(lab, "r3"), &rt, &n);
	ok(n == 2, "chain: r3 has two routes (%d)", n);
	for (i = 0; i < n; i++) {
		ip_str(&rt[i].dst, s1);
		ip_addr_str(&rt[i].via, s2);
		diag("r3: %s via %s (%s)", s1, s2,
		    lab->nodes[node(lab, "r3")].ifaces[rt[i].iface].name);
		if (strcmp(s1, "10.0.0.0/30") == 0)
			okay &= strcmp(s2, "10.0.0.5") == 0;
		else if (strcmp(s1, "10.0.0.12/30") == 0)
			okay &= strcmp(s2, "10.0.0.10") == 0;
		else
			okay = 0;
	}
	ok(okay, "chain: r3 reaches r1-r2 via r2 and r4-r5 via r4");
	free(rt);
	lab_close(lab);
}

/* --- addresses from pools ------------------------------------------------ */

static int
ip_qcmp(const void *a, const void *b)
{
	return ip_cmp(a, b);
}

static void
test_auto_unique(void)
{
	struct lab *lab = open_generated(GEN_GRID, 50, true, true, true);
	struct lab_ip *all;
	int i, j, k, n = 0, dups = 0, outside = 0;

	if (lab == NULL) {
		ok(0, "grid 50 --hosts --dual opens");
		return;
	}
	all = calloc((size_t)lab_count_ifaces(lab) * LAB_IF_ADDRS, sizeof(*all));
	for (i = 0; i < lab->nnodes; i++)
		for (j = 0; j < lab->nodes[i].nifaces; j++) {
			const struct lab_iface *ifp = &lab->nodes[i].ifaces[j];
			const struct lab_bus *b = &lab->buses[ifp->bus];

			for (k = 0; k < ifp->naddrs; k++) {
				int s, in = 0;

				all[n] = ifp->addrs[k].ip;
				all[n++].plen = 0;
				for (s = 0; s < b->nsubnets; s++)
					in |= ip_contains(&b->subnets[s].net,
					    &ifp->addrs[k].ip) &&
					    b->subnets[s].net.plen ==
					    ifp->addrs[k].ip.plen;
				outside += !in;
			}
		}
	qsort(all, (size_t)n, sizeof(*all), ip_qcmp);
	for (i = 1; i < n; i++)
		dups += ip_cmp(&all[i], &all[i - 1]) == 0;
	ok(n == 2 * (int)lab_count_ifaces(lab), "every interface has an "
	    "IPv4 and an IPv6 address (%d)", n);
	ok(dups == 0, "automatic addresses are unique (%d duplicates)", dups);
	ok(outside == 0, "each is in its bus's subnet (%d outside)", outside);
	free(all);
	lab_close(lab);
}

static void
test_auto_order(void)
{
	struct lab *lab = open_text(
	    "defaults: { addr: auto, pool: 10.9.0.0/16 }\n"
	    "nodes:\n"
	    "  h1: { interfaces: [lan] }\n"
	    "  h2: { interfaces: [lan] }\n"
	    "  r1: { kind: router, interfaces: [lan] }\n"
	    "  x: {}\n  y: {}\n"
	    "links: [ [y, x] ]\n");
	char s[IP_STRLEN];

	if (lab == NULL) {
		ok(0, "auto order lab opens");
		return;
	}
	ok(strcmp(ip_str(&lab->nodes[node(lab, "r1")].ifaces[0].addrs[0].ip, s),
	    "10.9.0.1/24") == 0, "the router of a LAN gets .1 (%s)", s);
	ok(strcmp(ip_str(&lab->nodes[node(lab, "h1")].ifaces[0].addrs[0].ip, s),
	    "10.9.0.2/24") == 0, "then hosts in node order (%s)", s);
	ok(strcmp(ip_str(&lab->nodes[node(lab, "y")].ifaces[0].addrs[0].ip, s),
	    "10.9.1.1/30") == 0, "link end a gets host 1 of a /30 (%s)", s);
	ok(strcmp(ip_str(&lab->nodes[node(lab, "x")].ifaces[0].addrs[0].ip, s),
	    "10.9.1.2/30") == 0, "link end b gets host 2 (%s)", s);
	lab_close(lab);
}

/* --- hosts --------------------------------------------------------------- */

static void
test_host_routes(void)
{
	/* h is on lan1 with r1 and r2; r2 also reaches far over a link, r1
	 * reaches everything else (the core) over its own link. */
	struct lab *lab = open_text(
	    "defaults: { addr: auto, pool: 10.7.0.0/16 }\n"
	    "nodes:\n"
	    "  h: { interfaces: [lan1] }\n"
	    "  r1: { kind: router, interfaces: [lan1] }\n"
	    "  r2: { kind: router, interfaces: [lan1] }\n"
	    "  core: { kind: router }\n"
	    "  far: { kind: router, interfaces: [lan2] }\n"
	    "  hf: { interfaces: [lan2] }\n"
	    "links: [ [r1, core], [r2, far] ]\n"
	    "checks:\n"
	    "  - { from: h, to: hf, via: [r2, far] }\n");
	struct lab_route *rt;
	char s1[IP_STRLEN], s2[IP_STRLEN];
	int n, i, def = 0, specific = 0;

	if (lab == NULL) {
		ok(0, "host routes lab opens");
		return;
	}
	lab_node_routes(lab, node(lab, "h"), &rt, &n);
	for (i = 0; i < n; i++) {
		diag("h: %s via %s (%d)", rt[i].dst.plen ? ip_str(&rt[i].dst,
		    s1) : "default", ip_addr_str(&rt[i].via, s2), rt[i].origin);
		if (rt[i].dst.plen == 0)
			def += holder(lab, &rt[i].via) == node(lab, "r1");
		else
			specific += holder(lab, &rt[i].via) == node(lab, "r2");
	}
	ok(def == 1, "host: default route to the nearest router (r1)");
	ok(specific == 2 && n == 3, "host: routes via r2 only to what r2 has "
	    "nearer (r2-far, lan2)");
	free(rt);
	lab_close(lab);
}

/* --- checks -------------------------------------------------------------- */

static void
test_checks(void)
{
	struct lab *lab;
	struct lab_trace t;
	struct lab_ip dst;
	const char *m;
	int r;

	lab = open_generated(GEN_RING, 6, true, true, false);
	if (lab == NULL) {
		ok(0, "ring 6 opens");
		return;
	}
	dst = lab_node_addr(lab, node(lab, "h3"), 4)->ip;
	dst.plen = 32;
	r = lab_trace(lab, node(lab, "h1"), &dst, &t);
	ok(r == 0 && t.reached &&
	    t.npath == 3 && t.path[0] == node(lab, "r1") &&
	    t.path[1] == node(lab, "r2") && t.path[2] == node(lab, "r3"),
	    "ring: h1 to h3 goes r1, r2, r3 (%d hops)", t.npath);
	dst = lab_node_addr(lab, node(lab, "h5"), 4)->ip;
	ok(lab_trace(lab, node(lab, "h1"), &dst, &t) == 0 && t.npath == 3 &&
	    t.path[1] == node(lab, "r6"), "ring: h1 to h5 goes the other way");
	ip_parse("192.0.2.1", IP_LEN_OPTIONAL, &dst, NULL);
	ok(lab_trace(lab, node(lab, "h1"), &dst, &t) != 0 && !t.reached &&
	    strstr(t.why, "no route") != NULL, "unknown address: %s", t.why);
	lab_close(lab);

	m = open_fail("defaults: { routing: none }\n"
	    "buses: { l1: {}, l2: {} }\n"
	    "nodes:\n"
	    "  a: { interfaces: [ { bus: l1, addr: 10.0.1.2/24 } ] }\n"
	    "  r: { kind: router, interfaces: [ { bus: l1, addr: 10.0.1.1/24 },"
	    " { bus: l2, addr: 10.0.2.1/24 } ] }\n"
	    "  b: { interfaces: [ { bus: l2, addr: 10.0.2.2/24 } ],"
	    " gateway: 10.0.2.1 }\n"
	    "checks: [ { from: a, to: b } ]\n");
	ok(strcmp(m, "7:11: check from a to b (10.0.2.2) fails with the planned "
	    "routes: a has no route to 10.0.2.2 (routing is none: add routes "
	    "or gateways, or set routing: static)") == 0, "no route: %s", m);
	m = open_fail("defaults: { routing: none }\n"
	    "buses: { l1: {}, l2: {} }\n"
	    "nodes:\n"
	    "  a: { interfaces: [ { bus: l1, addr: 10.0.1.2/24 } ], "
	    "gateway: 10.0.1.1 }\n"
	    "  r: { kind: router, interfaces: [ { bus: l1, addr: 10.0.1.1/24 },"
	    " { bus: l2, addr: 10.0.2.1/24 } ] }\n"
	    "  b: { interfaces: [ { bus: l2, addr: 10.0.2.2/24 } ] }\n"
	    "checks: [ { from: a, to: b } ]\n");
	ok(strstr(m, "the reply cannot return to 10.0.1.2: b has no route to "
	    "10.0.1.2") != NULL, "no way back: %s", m);
	m = open_fail("nodes:\n"
	    "  a: { interfaces: [ { bus: l, addr: 10.0.1.2/24 } ] }\n"
	    "  b: { interfaces: [ { bus: l, addr: 10.0.1.3/24 } ] }\n"
	    "checks: [ { from: a, to: b, reach: false } ]\n");
	ok(strcmp(m, "4:11: check from a to b (10.0.1.3) expects no reach, but "
	    "the planned routes reach it (path: direct)") == 0, "reach: %s", m);
}

/* --- MACs and steps ------------------------------------------------------ */

static int
collect(const struct plan_step *s, void *arg)
{
	char *out = arg;
	size_t len = strlen(out);
	int i;

	for (i = 0; i < s->argc; i++)
		len += (size_t)snprintf(out + len, 4096 - len, "%s%s",
		    i ? " " : "", s->argv[i]);
	snprintf(out + len, 4096 - len, "\n");
	return 0;
}

static void
test_steps(void)
{
	static const char want[] =
	    "rump.sysctl -w net.inet6.ip6.dad_count=0\n"
	    "rump.sysctl -w net.inet.ip.dad_count=0\n"
	    "rump.sysctl -w net.inet.ip.forwarding=1\n"
	    "rump.sysctl -w net.inet6.ip6.forwarding=1\n"
	    "rump.ifconfig shmif0 create\n"
	    "rump.ifconfig shmif0 linkstr /lab/buses/core\n"
	    "rump.ifconfig shmif0 inet 10.0.0.2/30\n"
	    "rump.ifconfig shmif0 inet6 fd00::2/64\n"
	    "rump.ifconfig shmif0 up\n"
	    "rump.ifconfig shmif1 create\n"
	    "rump.ifconfig shmif1 linkstr /lab/buses/lan2\n"
	    "rump.ifconfig shmif1 inet 10.0.2.1/24\n"
	    "rump.ifconfig shmif1 inet6 fd00:0:0:2::1/64\n"
	    "rump.ifconfig shmif1 up\n"
	    "rump.route add -net 10.0.1.0/24 10.0.0.1\n"
	    "rump.route add -inet6 -net fd00:0:0:1::/64 fd00::1\n";
	char got[4096] = "";
	struct lab *lab;
	struct diag d;

	diag_init(&d);
	if (lab_open_default(&lab, &d) != 0) {
		ok(0, "the default topology opens");
		diag_free(&d);
		return;
	}
	diag_free(&d);
	plan_node_steps(lab, node(lab, "r2"), "/lab/buses", collect, got);
	ok(strcmp(got, want) == 0, "default lab: r2's steps are exactly the "
	    "expected rump.* commands");
	if (strcmp(got, want) != 0)
		diag("got:\n%s", got);
	lab_close(lab);
}

static void
test_macs(void)
{
	const char *text = "name: m\ndefaults: { mac: stable, addr: auto }\n"
	    "nodes: { a: {}, b: {}, c: { interfaces: [ { bus: x, "
	    "mac: 02:00:00:00:00:01 } ] } }\n"
	    "buses: { x: {} }\n"
	    "links: [ [a, b] ]\n";
	struct lab *x = open_text(text), *y = open_text(text);
	const struct lab_iface *ia, *ib;

	if (x == NULL || y == NULL) {
		ok(0, "mac labs open");
		return;
	}
	ia = &x->nodes[0].ifaces[0];
	ib = &x->nodes[1].ifaces[0];
	ok(ia->mac[0] == 0xb2 && ia->mac[1] == 0xa0 && ia->macmode == MAC_STABLE,
	    "stable MACs start b2:a0");
	ok(memcmp(ia->mac, ib->mac, 6) != 0, "and differ between interfaces");
	ok(memcmp(ia->mac, y->nodes[0].ifaces[0].mac, 6) == 0,
	    "and are the same from run to run");
	ok(x->nodes[2].ifaces[0].macmode == MAC_FIXED &&
	    x->nodes[2].ifaces[0].mac[5] == 1, "a fixed MAC is kept");
	lab_close(x);
	lab_close(y);
}

/*
 * routing: rip: routers run rump.routed (first of their commands, with
 * the lab's timers) and get no computed routes installed, though the
 * planner traces what RIP converges to; hosts keep their default route;
 * a node's own routing: wins.
 */
static void
test_rip(void)
{
	const char *text = "name: r\n"
	    "defaults: { routing: rip, addr: auto, rip: { update: 1s, "
	    "timeout: 6s, garbage: 4s } }\n"
	    "nodes: { h1: { interfaces: [lan1] }, r1: { kind: router, "
	    "interfaces: [lan1], run: [ \"echo hi\" ] }, r2: { kind: router },"
	    " r3: { kind: router, interfaces: [lan3], routing: static },"
	    " h3: { interfaces: [lan3], routing: rip } }\n"
	    "buses: [lan1, lan3]\n"
	    "links: [ [r1, r2], [r2, r3] ]\n"
	    "checks: [ { from: h1, to: h3, via: [r1, r2, r3] } ]\n";
	struct lab *lab = open_text(text);
	char got[4096] = "";
	int r1, r3, h1, h3;

	if (lab == NULL) {
		ok(0, "a rip lab opens");
		return;
	}
	r1 = node(lab, "r1");
	r3 = node(lab, "r3");
	h1 = node(lab, "h1");
	h3 = node(lab, "h3");
	ok(lab_node_routing(lab, r1) == ROUTING_RIP && lab_node_routing(lab,
	    h1) == ROUTING_STATIC && lab_node_routing(lab, r3) ==
	    ROUTING_STATIC && lab_node_routing(lab, h3) == ROUTING_RIP,
	    "routing: rip: routers rip, hosts static, a node's own wins");
	ok(lab->nodes[r1].nrun == 2 && strcmp(lab->nodes[r1].run[0],
	    "rump.routed -d -P update=1s,timeout=6s,garbage=4s") == 0 &&
	    lab->nodes[r1].run[0] == lab->nodes[r1].routing_cmd &&
	    strcmp(lab->nodes[r1].run[1], "echo hi") == 0,
	    "a rip node runs rump.routed with the lab's timers first (%s)",
	    lab->nodes[r1].run[0]);
	plan_node_steps(lab, r1, NULL, collect, got);
	ok(strstr(got, "rump.route add") == NULL, "no route is configured on "
	    "a rip router");
	got[0] = '\0';
	plan_node_steps(lab, h1, NULL, collect, got);
	ok(strstr(got, "rump.route add default 10.0.") != NULL,
	    "its hosts get their default route");
	ok(lab->checks[0].reached && lab->checks[0].npath == 3,
	    "checks are traced through what RIP converges to");
	lab_close(lab);
}

/* Interface names (name: eth0) find an interface, as do its own name and
 * its bus's name; steps are judged and written with single spaces. */
static void
test_alias_steps(void)
{
	const char *text = "defaults: { addr: auto }\n"
	    "nodes: { a: { interfaces: [ { bus: x, name: eth0 },"
	    " { bus: y, name: eth1 } ] }, b: { interfaces: [x, y] } }\n"
	    "checks: [ { do: \"link  set a:eth1\tdown\" }, { wait: 2s }, "
	    "{ from: a, to: b }, { on: a, run: \"rump.arp -an\", match: "
	    "\"b2:\" } ]\n";
	struct lab *lab = open_text(text);

	if (lab == NULL) {
		ok(0, "a lab with interface names opens");
		return;
	}
	ok(lab_iface_find(lab, 0, "eth1") == 1 && lab_iface_find(lab, 0,
	    "shmif0") == 0 && lab_iface_find(lab, 0, "y") == 1 &&
	    lab_iface_find(lab, 0, "eth2") == -1, "eth1, shmif0 and a bus "
	    "name find an interface; eth2 none");
	ok(lab->nchecks == 4 && lab->checks[0].kind == CHECK_DO &&
	    strcmp(lab->checks[0].request, "link set a:eth1 down") == 0 &&
	    lab->checks[1].kind == CHECK_WAIT && lab->checks[1].wait_us ==
	    2000000 && lab->checks[3].kind == CHECK_RUN &&
	    lab->checks[3].on == 0, "steps, waits and command checks load");
	ok(lab->checks[2].after_step && !lab->checks[0].after_step,
	    "a check after a step is marked so (the plan does not judge it)");
	lab_close(lab);
	ok(strstr(open_fail("nodes: { a: { interfaces: [ { bus: x, name: e0 },"
	    " { bus: y, name: e0 } ] }, b: { interfaces: [x, y] } }\n"),
	    "already shmif0's") != NULL, "two interfaces of a node cannot "
	    "share a name");
	lab = open_text("defaults: { exercise: true, addr: auto }\nnodes: { a: "
	    "{ interfaces: [x] }, b: { interfaces: [ { bus: y } ] } }\nbuses: "
	    "[x, y]\nchecks: [ { from: a, to: b } ]\n");
	ok(lab != NULL && strstr(open_fail("defaults: { addr: auto }\nnodes: "
	    "{ a: { interfaces: [x] }, b: { interfaces: [ { bus: y } ] } }\n"
	    "buses: [x, y]\nchecks: [ { from: a, to: b } ]\n"),
	    "fails with the planned routes") != NULL,
	    "an exercise's checks are judged on the running lab only");
	if (lab != NULL)
		lab_close(lab);
}

static void
test_jsonpath(void)
{
	const char *j = " {\"lab\": \"x\", \"nodes\": [ {\"name\": \"h\\u00e9\\n\","
	    " \"up\": true, \"n\": -1.5e3}, {\"name\": \"r1\", \"ifs\": "
	    "[1, [2, 3]]} ], \"e\": {}}";
	char out[64], why[128], deep[200];

	memset(deep, '[', sizeof(deep) - 1);
	deep[sizeof(deep) - 1] = '\0';
	ok(jpath_eval(j, strlen(j), ".nodes[1].name", out, sizeof(out), why,
	    sizeof(why)) == 0 && strcmp(out, "r1") == 0 &&
	    jpath_eval(j, strlen(j), "nodes[0].name", out, sizeof(out), why,
	    sizeof(why)) == 0 && strcmp(out, "h\xc3\xa9\n") == 0 &&
	    jpath_eval(j, strlen(j), "$.nodes[0].n", out, sizeof(out), why,
	    sizeof(why)) == 0 && strcmp(out, "-1.5e3") == 0 &&
	    jpath_eval(j, strlen(j), ".nodes[1].ifs[1]", out, sizeof(out), why,
	    sizeof(why)) == 0 && strcmp(out, "[2, 3]") == 0,
	    "JSON paths: keys, indices, escapes, numbers, arrays as text");
	ok(jpath_eval(j, strlen(j), ".nodes[2]", out, sizeof(out), why,
	    sizeof(why)) == -ENOENT && strstr(why, "[2]") != NULL &&
	    jpath_eval(j, strlen(j), ".e.x", out, sizeof(out), why,
	    sizeof(why)) == -ENOENT, "a path that leads nowhere says which "
	    "part is missing (%s)", why);
	ok(jpath_eval("{\"a\": [1, 2", 12, ".a[1]", out, sizeof(out), why,
	    sizeof(why)) == 0 && jpath_eval("{\"a\": [1, 2", 12, ".b", out,
	    sizeof(out), why, sizeof(why)) == -EINVAL &&
	    jpath_eval(deep, sizeof(deep) - 1, "[0]", out, sizeof(out), why,
	    sizeof(why)) == -EINVAL, "cut or too deep text is refused, not read "
	    "past");
	ok(jpath_check(".a.b[3]", why, sizeof(why)) == 0 &&
	    jpath_check(".a[", why, sizeof(why)) != 0 &&
	    jpath_check("a b", why, sizeof(why)) != 0, "paths are judged");
}

/* --- a big lab ----------------------------------------------------------- */

static void
test_big(void)
{
	struct lab_route *rt;
	struct lab *lab;
	double t0, t1, t2;
	long routes = 0;
	int i, n;

	t0 = now();
	lab = open_generated(GEN_GRID, 1000, false, true, true);
	t1 = now();
	ok(lab != NULL && lab->nnodes == 1000, "grid of 1000 routers opens "
	    "(validated and planned) in %.3f s", t1 - t0);
	if (lab == NULL)
		return;
	for (i = 0; i < lab->nnodes; i++)
		if (lab_node_routes(lab, i, &rt, &n) == 0) {
			routes += n;
			free(rt);
		}
	t2 = now();
	/* One per router and subnet would be over a million. */
	ok(routes > 1000 && routes < 1000L * 1000, "and its %ld routes "
	    "(aggregated) are computed in %.3f s", routes, t2 - t1);
	lab_close(lab);
}

/*
 * Requests of every size up to past a block's quarter, and arrays grown
 * by doubling: each comes zeroed and 16-byte aligned, is filled with its
 * own byte (never 0), and all still hold their bytes at the end (no two overlap),
 * across blocks that start small and double.
 */
static void
test_arena(void)
{
	enum { N = 3000 };
	static unsigned char *p[N];
	static size_t len[N];
	struct arena *a = arena_new();
	bool zero = true, aligned = true, kept = true;
	int *arr = NULL, cap = 0, i, j;
	size_t total = 0, one;
	unsigned seed = 7;

	for (i = 0; a != NULL && i < N; i++) {
		seed = seed * 1103515245u + 12345u;
		len[i] = i % 500 == 0 ? 64 * 1024 + (seed >> 16) % 200000 :
		    (seed >> 16) % (i % 7 == 0 ? 20000 : 300);
		if ((p[i] = arena_alloc(a, len[i])) == NULL)
			break;
		for (j = 0; j < (int)len[i] && zero; j++)
			zero = p[i][j] == 0;
		aligned = aligned && (uintptr_t)p[i] % 16 == 0;
		memset(p[i], i % 255 + 1, len[i]);
		total += len[i];
	}
	for (j = 0; j < 100000 && a != NULL; j++) {
		if ((arr = arena_grow(a, arr, j, &cap, sizeof(int))) == NULL)
			break;
		arr[j] = j;
	}
	ok(a != NULL && i == N && zero && aligned, "arena: %d requests "
	    "(%zu bytes) come zeroed and 16-byte aligned", i, total);
	for (i = 0; i < N && kept && p[i] != NULL; i++)
		for (j = 0; j < (int)len[i] && kept; j++)
			kept = p[i][j] == i % 255 + 1;
	for (j = 0; arr != NULL && j < 100000 && kept; j++)
		kept = arr[j] == j;
	ok(kept && cap >= 100000, "arena: each keeps its bytes, and an array "
	    "grown to %d elements its values", cap);
	arena_free(a);
	one = 0;
	if ((a = arena_new()) != NULL && arena_alloc(a, 40) != NULL)
		one = arena_used(a);
	ok(one == 48, "arena: a 40-byte request counts 48 bytes (got %zu)",
	    one);
	arena_free(a);
}

int
main(void)
{
	tap_plan(75);
	test_arena();
	test_ipaddr();
	test_chain_exact();
	test_aggregate();
	check_shortest("chain", open_generated(GEN_LINE, 12, true, true, false));
	check_shortest("ring", open_generated(GEN_RING, 11, false, true, true));
	check_shortest("tree", open_generated(GEN_TREE, 40, true, false, true));
	check_shortest("grid", open_generated(GEN_GRID, 30, false, true, false));
	check_shortest("campus", open_text(
	    "defaults: { addr: auto }\n"
	    "nodes: { c1: {kind: router, interfaces: [core]},"
	    " c2: {kind: router, interfaces: [core]},"
	    " b1: {kind: router, interfaces: [l1]},"
	    " b2: {kind: router, interfaces: [l2]},"
	    " b3: {kind: router, interfaces: [l1, l2]} }\n"
	    "links: [ [c1, b1], [c2, b1], [c1, b2], [c2, b2], [c2, b3] ]\n"));
	test_auto_unique();
	test_auto_order();
	test_host_routes();
	test_checks();
	test_steps();
	test_macs();
	test_rip();
	test_alias_steps();
	test_jsonpath();
	test_big();
	return tap_done();
}
