/*
 * trace.c — following a packet through the planned routes, and the
 * checks that rest on it.
 *
 * lab_trace() forwards hop by hop as the nodes will: at each node the
 * longest prefix among its connected subnets and its routes decides; the
 * next hop is the node holding that address on the outgoing bus; only
 * forwarding nodes pass packets on; 255 hops at most (the largest TTL).
 * A destination is reached when the packet arrives and the reply comes
 * back to the source (the sender's address on the interface it used).
 *
 * plan_checks() traces every check and reports the ones the planned
 * routes cannot satisfy: unreachable when it should reach, reachable when
 * it should not, or another path than the one given with `via`.
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab/arena.h"
#include "lab/phases.h"
#include "lab/plan.h"

#define TRACE_HOPS	255	/* the largest IP TTL */

static bool
owns(const struct lab_node *n, const struct lab_ip *a)
{
	int i, j;

	for (i = 0; i < n->nifaces; i++)
		for (j = 0; j < n->ifaces[i].naddrs; j++)
			if (ip_same_addr(&n->ifaces[i].addrs[j].ip, a))
				return true;
	return false;
}

/* The member of bus b's broadcast domain (other than `self`) that holds
 * address a, or -1. */
static int
holder_on_bus(const struct lab *lab, int b, int self, const struct lab_ip *a)
{
	const struct lab_bus *bus;
	int i, k;

	for (b = lab->buses[b].domain; b >= 0; b = bus->domain_next) {
		bus = &lab->buses[b];
		for (i = 0; i < bus->nmembers; i++) {
			const struct lab_member *m = &bus->members[i];
			const struct lab_iface *ifp =
			    &lab->nodes[m->node].ifaces[m->iface];

			if (m->node == self)
				continue;
			for (k = 0; k < ifp->naddrs; k++)
				if (ip_same_addr(&ifp->addrs[k].ip, a))
					return m->node;
		}
	}
	return -1;
}

/*
 * The longest match for dst at node n: the interface to leave by and the
 * next hop (*direct when dst itself is on that interface's subnet).
 * Returns the interface, or -1 when nothing matches.
 */
static int
lookup(const struct lab_node *n, const struct lab_route *routes, int nroutes,
    const struct lab_ip *dst, struct lab_ip *hop, bool *direct)
{
	int i, j, best = -1, iface = -1;

	for (i = 0; i < n->nifaces; i++)
		for (j = 0; j < n->ifaces[i].naddrs; j++) {
			const struct lab_ip *a = &n->ifaces[i].addrs[j].ip;

			if (a->family == dst->family && a->plen > best &&
			    ip_contains(a, dst)) {
				best = a->plen;
				iface = i;
				*direct = true;
				*hop = *dst;
			}
		}
	for (i = 0; i < nroutes; i++) {
		const struct lab_route *r = &routes[i];

		if (r->dst.family == dst->family && r->dst.plen > best &&
		    r->iface >= 0 && ip_contains(&r->dst, dst)) {
			best = r->dst.plen;
			iface = r->iface;
			*direct = false;
			*hop = r->via;
		}
	}
	return iface;
}

/* One direction: from node `from` to address dst. */
static int
forward(const struct lab *lab, int from, const struct lab_ip *dst,
    struct lab_trace *t, int *first_iface)
{
	struct lab_route *routes;
	char s1[IP_STRLEN];
	int cur = from, next, iface, hops, nroutes;
	struct lab_ip hop;
	bool direct;

	for (hops = 0; hops < TRACE_HOPS; hops++) {
		const struct lab_node *n = &lab->nodes[cur];

		if (owns(n, dst)) {
			t->owner = cur;
			return 0;
		}
		if (lab_node_routes(lab, cur, &routes, &nroutes) != 0) {
			snprintf(t->why, sizeof(t->why), "out of memory");
			return -1;
		}
		iface = lookup(n, routes, nroutes, dst, &hop, &direct);
		free(routes);
		if (iface < 0) {
			snprintf(t->why, sizeof(t->why), "%s has no route to %s",
			    n->name, ip_addr_str(dst, s1));
			return -1;
		}
		if (cur == from && first_iface != NULL)
			*first_iface = iface;
		next = holder_on_bus(lab, n->ifaces[iface].bus, cur, &hop);
		if (next < 0) {
			snprintf(t->why, sizeof(t->why), "%s %s on bus '%s' of %s "
			    "(%s) belongs to no node", direct ? "address" :
			    "next hop", ip_addr_str(&hop, s1),
			    lab->buses[n->ifaces[iface].bus].name, n->name,
			    n->ifaces[iface].name);
			return -1;
		}
		if (!owns(&lab->nodes[next], dst) &&
		    !lab->nodes[next].forwarding) {
			snprintf(t->why, sizeof(t->why), "%s sends %s to %s, "
			    "which does not forward (a host)", n->name,
			    ip_addr_str(dst, s1), lab->nodes[next].name);
			return -1;
		}
		if (!owns(&lab->nodes[next], dst) && t->npath < LAB_TRACE_MAX)
			t->path[t->npath++] = next;
		cur = next;
	}
	snprintf(t->why, sizeof(t->why), "routing loop: %s does not arrive "
	    "within %d hops", ip_addr_str(dst, s1), TRACE_HOPS);
	return -1;
}

/* The sender's address: on the interface it leaves by, of dst's family. */
static const struct lab_ip *
source_addr(const struct lab *lab, int from, int iface, int family)
{
	const struct lab_node *n = &lab->nodes[from];
	const struct lab_addr *a;
	int k;

	if (iface >= 0)
		for (k = 0; k < n->ifaces[iface].naddrs; k++)
			if (n->ifaces[iface].addrs[k].ip.family == family)
				return &n->ifaces[iface].addrs[k].ip;
	a = lab_node_addr(lab, from, family == AF_INET6 ? 6 : 4);
	return a ? &a->ip : NULL;
}

int
lab_trace(const struct lab *lab, int from, const struct lab_ip *dst,
    struct lab_trace *t)
{
	struct lab_trace back;
	const struct lab_ip *src;
	char s1[IP_STRLEN];
	int iface = -1;

	memset(t, 0, sizeof(*t));
	t->owner = -1;
	if (forward(lab, from, dst, t, &iface) != 0)
		return -EHOSTUNREACH;
	if ((src = source_addr(lab, from, iface, dst->family)) == NULL) {
		snprintf(t->why, sizeof(t->why), "%s has no IPv%d address to "
		    "send from", lab->nodes[from].name, ip_version(dst));
		return -EHOSTUNREACH;
	}
	t->src = *src;
	memset(&back, 0, sizeof(back));
	if (forward(lab, t->owner, src, &back, NULL) != 0) {
		snprintf(t->why, sizeof(t->why), "the reply cannot return to %s: "
		    "%.*s", ip_addr_str(src, s1), 180, back.why);
		return -EHOSTUNREACH;
	}
	t->reached = true;
	return 0;
}

/* --- checks -------------------------------------------------------------- */

static const char *
path_text(struct arena *a, const struct lab *lab, const int *path, int n)
{
	char buf[1024];
	size_t len = 0;
	int i;

	if (n == 0)
		return "direct";
	buf[0] = '\0';
	for (i = 0; i < n && len < sizeof(buf) - 80; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s",
		    i ? ", " : "", lab->nodes[path[i]].name);
	if (i < n)
		snprintf(buf + len, sizeof(buf) - len, ", ...");
	return arena_strdup(a, buf);
}

/* Are nodes x and y on a common bus (or broadcast domain)? */
static bool
adjacent(const struct lab *lab, int x, int y)
{
	const struct lab_node *a = &lab->nodes[x], *b = &lab->nodes[y];
	int i, j;

	for (i = 0; i < a->nifaces; i++)
		for (j = 0; j < b->nifaces; j++)
			if (a->ifaces[i].bus >= 0 && b->ifaces[j].bus >= 0 &&
			    lab->buses[a->ifaces[i].bus].domain ==
			    lab->buses[b->ifaces[j].bus].domain)
				return true;
	return false;
}

/* The first pair of the expected path (from, via..., to) on no common bus. */
static int
broken_via(const struct lab *lab, const struct lab_check *c, int owner)
{
	int i, prev = c->from;

	for (i = 0; i <= c->nvia; i++) {
		int cur = i < c->nvia ? c->via[i] : owner;

		if (cur >= 0 && !adjacent(lab, prev, cur))
			return i;
		prev = cur;
	}
	return -1;
}

static void
check_path(struct lab *lab, struct lab_check *c, int owner, struct diag *d)
{
	const char *want, *got;
	int i, bad;

	if (c->nvia == c->npath && (c->npath == 0 ||
	    memcmp(c->via, c->path, sizeof(int) * (size_t)c->npath) == 0))
		return;
	want = path_text(lab->arena, lab, c->via, c->nvia);
	got = path_text(lab->arena, lab, c->path, c->npath);
	if ((bad = broken_via(lab, c, owner)) >= 0) {
		const char *x = bad == 0 ? lab->nodes[c->from].name :
		    lab->nodes[c->via[bad - 1]].name;
		const char *y = bad < c->nvia ? lab->nodes[c->via[bad]].name :
		    lab->nodes[owner].name;

		diag_add(d, bad < c->nvia ? c->via_pos[bad] : c->viapos,
		    "check from %s to %s: the path %s is impossible: %s and %s "
		    "share no bus (the planned routes go %s)", c->from_name,
		    c->to_name, want, x, y, got);
		return;
	}
	i = c->nvia > c->npath;
	diag_add(d, c->viapos, "check from %s to %s expects the path %s but "
	    "the planned routes go %s%s", c->from_name, c->to_name, want, got,
	    i ? " (shortest by hop count)" : "");
}

/* Settles the destination address of a check; 0 or -EINVAL (reported). */
static int
check_dest(struct lab *lab, struct lab_check *c, struct diag *d)
{
	const struct lab_addr *a;

	if (c->to_node < 0) {
		if (c->family != 0 && ip_version(&c->to) != c->family)
			diag_add(d, c->topos, "check 'to' %s is not IPv%d as "
			    "'family' says", c->to_name, c->family);
		return 0;
	}
	if ((a = lab_node_addr(lab, c->to_node, c->family)) == NULL) {
		if (c->family != 0)
			diag_add(d, c->topos, "check 'to' node '%s' has no IPv%d "
			    "address", c->to_name, c->family);
		else
			diag_add(d, c->topos, "check 'to' node '%s' has no "
			    "address", c->to_name);
		return -EINVAL;
	}
	c->to = a->ip;
	c->to.plen = (uint8_t)ip_maxlen(c->to.family);
	return 0;
}

static int
run_check(struct lab *lab, struct lab_check *c, struct diag *d)
{
	char s1[IP_STRLEN];
	struct lab_trace t;
	bool judge = !lab->exercise && !c->after_step;

	if (c->kind != CHECK_REACH || check_dest(lab, c, d) != 0)
		return 0;
	lab_trace(lab, c->from, &c->to, &t);
	c->reached = t.reached;
	c->why = t.reached ? NULL : arena_strdup(lab->arena, t.why);
	if ((c->path = arena_alloc(lab->arena, sizeof(int) *
	    (size_t)(t.npath + 1))) == NULL)
		return -ENOMEM;
	memcpy(c->path, t.path, sizeof(int) * (size_t)t.npath);
	c->npath = t.npath;
	if (!judge)
		return 0;
	if (c->reach && !t.reached)
		diag_add(d, c->pos, "check from %s to %s (%s) fails with the "
		    "planned routes: %s%s", c->from_name, c->to_name,
		    ip_addr_str(&c->to, s1), t.why, lab->routing == ROUTING_NONE ?
		    " (routing is none: add routes or gateways, or set "
		    "routing: static)" : "");
	else if (!c->reach && t.reached)
		diag_add(d, c->pos, "check from %s to %s (%s) expects no reach, "
		    "but the planned routes reach it (path: %s)", c->from_name,
		    c->to_name, ip_addr_str(&c->to, s1), path_text(lab->arena,
		    lab, c->path, c->npath));
	else if (c->reach && c->has_via)
		check_path(lab, c, t.owner, d);
	return 0;
}

int
plan_checks(struct lab *lab, struct diag *d)
{
	int before = diag_count(d), i, r;

	for (i = 0; i < lab->nchecks; i++)
		if ((r = run_check(lab, &lab->checks[i], d)) != 0)
			return r;
	return diag_count(d) > before ? -EINVAL : 0;
}
