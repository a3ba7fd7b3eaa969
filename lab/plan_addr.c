/*
 * plan_addr.c — automatic addresses and MACs.
 *
 * Subnets: a bus whose interfaces ask for automatic addresses of a family
 * and that has no subnet of it gets one carved from the pool (defaults:
 * pool, pool6): a /24 for a bus (larger if it has more than 253
 * interfaces), a /30 for a link (unless more interfaces joined its bus),
 * a /64 for IPv6.  Buses are served in file
 * order, links after buses; carving skips every subnet already in use.
 *
 * Hosts: within its bus's subnet, an interface gets the lowest free host
 * number: on a link `a` gets host 1 and `b` host 2; on other buses routers
 * come first (so the first router of a LAN is .1), then hosts, each in
 * node order.  `auto` fills the families an interface has no address of.
 *
 * MACs: `mac: stable` gives b2:a0: and four bytes of a hash of the lab,
 * node and interface names; the rare collision is rehashed with a salt.
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab/arena.h"
#include "lab/load.h"
#include "lab/phases.h"

#define LINK_PLEN4	30
#define BUS_PLEN4	24
#define BUS_PLEN6	64

struct carver {
	struct lab	*lab;
	struct diag	*d;
	int		 family;
	struct lab_ip	*used;		/* subnets in use, sorted */
	int		 nused;
	u128		 cursor;	/* next free address of the pool */
	u128		*taken;		/* addresses in use, sorted */
	long		 ntaken;
};

/* The first subnet of a family on a bus, or NULL. */
static const struct lab_subnet *
bus_subnet(const struct lab_bus *b, int family)
{
	int i;

	for (i = 0; i < b->nsubnets; i++)
		if (b->subnets[i].net.family == family)
			return &b->subnets[i];
	return NULL;
}

static bool
iface_has(const struct lab_iface *ifp, int family)
{
	int i;

	for (i = 0; i < ifp->naddrs; i++)
		if (ifp->addrs[i].ip.family == family)
			return true;
	return false;
}

/* Does this interface want an automatic address of the family? */
static bool
wants(const struct lab *lab, const struct lab_bus *b,
    const struct lab_iface *ifp, int family)
{
	const struct lab_ip *pool = family == AF_INET ? &lab->pool4 :
	    &lab->pool6;
	unsigned bit = family == AF_INET ? AUTO_V4 : AUTO_V6;

	if (iface_has(ifp, family))
		return false;
	if (ifp->autoaddr & bit)
		return true;
	return (ifp->autoaddr & AUTO_ANY) &&
	    (bus_subnet(b, family) != NULL || pool->family != 0);
}

/* --- carving subnets from a pool ----------------------------------------- */

static int
ip_sort_cmp(const void *a, const void *b)
{
	return ip_cmp(a, b);
}

static int
u128_cmp(const void *a, const void *b)
{
	u128 x = *(const u128 *)a, y = *(const u128 *)b;

	return (x > y) - (x < y);
}

static int
collect_used(struct carver *c)
{
	struct lab *lab = c->lab;
	long n = 0;
	int i, j, k;

	for (i = 0; i < lab->nbuses; i++)
		n += lab->buses[i].nsubnets;
	if ((c->used = calloc((size_t)n + 1, sizeof(*c->used))) == NULL)
		return -ENOMEM;
	for (i = 0; i < lab->nbuses; i++)
		for (j = 0; j < lab->buses[i].nsubnets; j++)
			if (lab->buses[i].subnets[j].net.family == c->family)
				c->used[c->nused++] =
				    lab->buses[i].subnets[j].net;
	qsort(c->used, (size_t)c->nused, sizeof(*c->used), ip_sort_cmp);
	n = 0;
	for (i = 0; i < lab->nnodes; i++)
		for (j = 0; j < lab->nodes[i].nifaces; j++)
			n += lab->nodes[i].ifaces[j].naddrs;
	for (i = 0; i < lab->nbuses; i++)
		n += lab->buses[i].tap.naddrs;
	if ((c->taken = calloc((size_t)n + 1, sizeof(*c->taken))) == NULL)
		return -ENOMEM;
	/* The host sides of taps are taken too. */
	for (i = 0; i < lab->nbuses; i++)
		for (k = 0; k < lab->buses[i].tap.naddrs; k++)
			if (lab->buses[i].tap.addrs[k].ip.family == c->family)
				c->taken[c->ntaken++] = ip_to_u128(
				    &lab->buses[i].tap.addrs[k].ip);
	for (i = 0; i < lab->nnodes; i++)
		for (j = 0; j < lab->nodes[i].nifaces; j++)
			for (k = 0; k < lab->nodes[i].ifaces[j].naddrs; k++) {
				const struct lab_ip *ip =
				    &lab->nodes[i].ifaces[j].addrs[k].ip;

				if (ip->family == c->family)
					c->taken[c->ntaken++] = ip_to_u128(ip);
			}
	qsort(c->taken, (size_t)c->ntaken, sizeof(u128), u128_cmp);
	return 0;
}

/* The end (last address) of a used subnet overlapping [lo, hi], or 0. */
static bool
used_overlap(const struct carver *c, u128 lo, u128 hi, u128 *end)
{
	int i;

	for (i = 0; i < c->nused; i++) {
		u128 s = ip_to_u128(&c->used[i]);
		u128 e = s + (ip_size(&c->used[i]) - 1);

		if (s <= hi && e >= lo) {
			*end = e;
			return true;
		}
	}
	return false;
}

/* Carves a /plen from the pool for bus b; 0 or -ENOSPC (reported). */
static int
carve(struct carver *c, struct lab_bus *b, int plen)
{
	struct loader L = { .lab = c->lab, .a = c->lab->arena, .d = c->d };
	const struct lab_ip *pool = c->family == AF_INET ? &c->lab->pool4 :
	    &c->lab->pool6;
	u128 size = (u128)1 << (ip_maxlen(c->family) - plen);
	u128 last = ip_to_u128(pool) + (ip_size(pool) - 1), cand, end;
	char s1[IP_STRLEN];
	struct lab_ip net;

	if (plen < pool->plen)
		goto full;
	cand = (c->cursor + size - 1) & ~(size - 1);
	while (cand >= c->cursor && cand + (size - 1) <= last &&
	    used_overlap(c, cand, cand + (size - 1), &end))
		cand = (end + size) & ~(size - 1);
	if (cand < c->cursor || cand + (size - 1) > last)
		goto full;
	c->cursor = cand + size;
	ip_from_u128(&net, c->family, cand, plen);
	if (bus_add_subnet(&L, b, &net, false, b->pos) != 0)
		return -ENOMEM;
	b->subnets[b->nsubnets - 1].automatic = true;
	return 0;
full:
	diag_add(c->d, b->pos, "pool %s has no free /%d left for bus '%s'; "
	    "give '%s' in defaults a bigger prefix", ip_str(pool, s1), plen,
	    b->name, c->family == AF_INET ? "pool" : "pool6");
	return -ENOSPC;
}

/* How big a subnet bus b needs for n interfaces. */
static int
bus_plen(const struct lab_bus *b, int family, int n)
{
	int plen = BUS_PLEN4;

	if (family == AF_INET6)
		return BUS_PLEN6;
	if (b->link >= 0 && n <= 2)
		return LINK_PLEN4;
	while (plen > 8 && ((long)1 << (32 - plen)) - 2 < n + 1)
		plen--;
	return plen;
}

/* Interfaces of bus b's domain (b its first bus) wanting an address. */
static int
count_wanting(const struct lab *lab, const struct lab_bus *b, int family)
{
	const struct lab_bus *m;
	int i, k, n = 0;

	for (k = b->domain; k >= 0; k = m->domain_next) {
		m = &lab->buses[k];
		for (i = 0; i < m->nmembers; i++)
			if (wants(lab, b, &lab->nodes[m->members[i].node].
			    ifaces[m->members[i].iface], family))
				n++;
	}
	return n;
}

/* Gives every bus that needs one a subnet: buses first, then links. */
static int
carve_all(struct carver *c)
{
	struct lab *lab = c->lab;
	int pass, i, n, r;
	const struct lab_ip *pool = c->family == AF_INET ? &lab->pool4 :
	    &lab->pool6;

	c->cursor = ip_to_u128(pool);
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < lab->nbuses; i++) {
			struct lab_bus *b = &lab->buses[i];

			if ((b->link >= 0) != (pass == 1) || b->domain != i ||
			    bus_subnet(b, c->family) != NULL ||
			    (n = count_wanting(lab, b, c->family)) == 0)
				continue;
			if (pool->family == 0)
				continue;	/* reported per interface */
			/* A full pool is reported once. */
			if ((r = carve(c, b, bus_plen(b, c->family, n))) != 0)
				return r;
		}
	return 0;
}

/* --- hosts --------------------------------------------------------------- */

static bool
is_taken(const struct carver *c, u128 a)
{
	return bsearch(&a, c->taken, (size_t)c->ntaken, sizeof(u128),
	    u128_cmp) != NULL;
}

static int
add_auto(struct lab *lab, struct lab_iface *ifp, const struct lab_ip *ip)
{
	struct lab_addr *a;

	if ((a = arena_grow(lab->arena, ifp->addrs, ifp->naddrs,
	    &ifp->capaddrs, sizeof(*a))) == NULL)
		return -ENOMEM;
	ifp->addrs = a;
	a = &ifp->addrs[ifp->naddrs++];
	memset(a, 0, sizeof(*a));
	a->ip = *ip;
	a->automatic = true;
	a->pos = ifp->pos;
	return 0;
}

/* Member order for numbering: link a, link b; or routers, then hosts. */
static int
rank(const struct lab *lab, const struct lab_member *m)
{
	const struct lab_iface *ifp = &lab->nodes[m->node].ifaces[m->iface];

	if (ifp->link >= 0)
		return ifp->link_b;
	return lab->nodes[m->node].forwarding ? 0 : 1;
}

static void
no_subnet(struct carver *c, const struct lab_node *n,
    const struct lab_iface *ifp, const struct lab_bus *b)
{
	bool six = c->family == AF_INET6;

	diag_add(c->d, ifp->pos, "node '%s' %s asks for an automatic IPv%d "
	    "address but bus '%s' has no IPv%d subnet and there is no pool; "
	    "add '%s' to defaults or '%s' to the bus", n->name, ifp->name,
	    six ? 6 : 4, b->name, six ? 6 : 4, six ? "pool6: fd00::/48" :
	    "pool: 10.0.0.0/8", six ? "subnet6" : "subnet");
}

/* The next host number of net that is free, from *h on, into ip. */
static int
next_free(struct carver *c, const struct lab_ip *net, u128 *h,
    struct lab_ip *ip)
{
	for (;; (*h)++) {
		if (ip_host(net, *h, ip) != 0)
			return -ENOSPC;
		if (!ip_is_reserved_host(ip) && !is_taken(c, ip_to_u128(ip)))
			return 0;
	}
}

/* Numbers the interfaces of bus b's domain (b is its first bus). */
static int
number_bus(struct carver *c, struct lab_bus *b)
{
	char s1[IP_STRLEN];
	const struct lab_subnet *s = bus_subnet(b, c->family);
	const struct lab_bus *m;
	struct lab_ip net, ip;
	u128 h;
	int pass, i, k, r;

	if (s == NULL || b->domain != b - c->lab->buses)
		return 0;
	net = s->net;
	h = net.plen >= ip_maxlen(net.family) - 1 ? 0 : 1;
	for (pass = 0; pass < 2; pass++)
		for (k = b->domain; k >= 0; k = m->domain_next) {
			m = &c->lab->buses[k];
			for (i = 0; i < m->nmembers; i++) {
				struct lab_node *n =
				    &c->lab->nodes[m->members[i].node];
				struct lab_iface *ifp =
				    &n->ifaces[m->members[i].iface];

				if (rank(c->lab, &m->members[i]) != pass ||
				    !wants(c->lab, b, ifp, c->family))
					continue;
				if (next_free(c, &net, &h, &ip) != 0) {
					diag_add(c->d, ifp->pos, "subnet %s of "
					    "bus '%s' has no free address left "
					    "for node '%s' %s; give the bus a "
					    "bigger subnet", ip_str(&net, s1),
					    b->name, n->name, ifp->name);
					return -ENOSPC;
				}
				if ((r = add_auto(c->lab, ifp, &ip)) != 0)
					return r;
				h++;
			}
		}
	return 0;
}

static void
report_unplaceable(struct carver *c)
{
	struct lab *lab = c->lab;
	unsigned bit = c->family == AF_INET ? AUTO_V4 : AUTO_V6;
	int i, j;

	for (i = 0; i < lab->nnodes; i++)
		for (j = 0; j < lab->nodes[i].nifaces; j++) {
			struct lab_iface *ifp = &lab->nodes[i].ifaces[j];

			if (ifp->bus < 0 || !(ifp->autoaddr & bit) ||
			    iface_has(ifp, c->family))
				continue;
			no_subnet(c, &lab->nodes[i], ifp,
			    lab_bus_subnets(lab, ifp->bus));
		}
}

static int
plan_family(struct lab *lab, struct diag *d, int family)
{
	struct carver c = { .lab = lab, .d = d, .family = family };
	int i, r;

	if ((r = collect_used(&c)) == 0 && (r = carve_all(&c)) == 0) {
		for (i = 0; i < lab->nbuses && r == 0; i++)
			r = number_bus(&c, &lab->buses[i]);
		if (r == 0)
			report_unplaceable(&c);
	}
	free(c.used);
	free(c.taken);
	return r == -ENOSPC ? -EINVAL : r;
}

/* Interfaces that asked for `auto` and got nothing at all. */
static void
report_addressless(struct lab *lab, struct diag *d)
{
	int i, j;

	for (i = 0; i < lab->nnodes; i++)
		for (j = 0; j < lab->nodes[i].nifaces; j++) {
			struct lab_iface *ifp = &lab->nodes[i].ifaces[j];

			if (ifp->bus < 0 || ifp->autoaddr != AUTO_ANY ||
			    ifp->naddrs > 0)
				continue;
			diag_add(d, ifp->pos, "node '%s' %s asks for automatic "
			    "addresses but bus '%s' has no subnet and defaults "
			    "have no pool; add 'pool:' or 'pool6:' to defaults",
			    lab->nodes[i].name, ifp->name,
			    lab->buses[ifp->bus].name);
		}
}

/* --- MACs ---------------------------------------------------------------- */

static void
stable_mac(const struct lab *lab, const struct lab_node *n,
    struct lab_iface *ifp, uint32_t salt)
{
	uint32_t h = LAB_FNV_BASIS;

	h = lab_fnv1a(h, lab->name);
	h = lab_fnv1a(h, n->name);
	h = lab_fnv1a(h, ifp->name);
	h ^= salt * 2654435761u;
	h *= 16777619u;
	ifp->mac[0] = 0xb2;
	ifp->mac[1] = 0xa0;
	ifp->mac[2] = (uint8_t)(h >> 24);
	ifp->mac[3] = (uint8_t)(h >> 16);
	ifp->mac[4] = (uint8_t)(h >> 8);
	ifp->mac[5] = (uint8_t)h;
}

struct macref {
	struct lab_iface	*ifp;
	int			 node;
};

static int
macref_cmp(const void *a, const void *b)
{
	const struct macref *x = a, *y = b;
	int r = memcmp(x->ifp->mac, y->ifp->mac, 6);

	if (r != 0)
		return r;
	/* Fixed ones first, so the stable one of a pair moves. */
	return (x->ifp->macmode == MAC_STABLE) -
	    (y->ifp->macmode == MAC_STABLE);
}

static int
plan_macs(struct lab *lab)
{
	struct macref *v;
	long n = lab_count_ifaces(lab), m = 0;
	int i, j, round, moved = 1;

	if ((v = calloc((size_t)n + 1, sizeof(*v))) == NULL)
		return -ENOMEM;
	for (i = 0; i < lab->nnodes; i++)
		for (j = 0; j < lab->nodes[i].nifaces; j++) {
			struct lab_iface *ifp = &lab->nodes[i].ifaces[j];

			if (ifp->macmode == MAC_STABLE)
				stable_mac(lab, &lab->nodes[i], ifp, 0);
			if (ifp->macmode != MAC_KERNEL) {
				v[m].ifp = ifp;
				v[m++].node = i;
			}
		}
	for (round = 1; moved && round < 100; round++) {
		moved = 0;
		qsort(v, (size_t)m, sizeof(*v), macref_cmp);
		for (i = 1; i < m; i++)
			if (memcmp(v[i].ifp->mac, v[i - 1].ifp->mac, 6) == 0 &&
			    v[i].ifp->macmode == MAC_STABLE) {
				stable_mac(lab, &lab->nodes[v[i].node], v[i].ifp,
				    (uint32_t)round);
				moved = 1;
			}
	}
	free(v);
	return 0;
}

int
plan_addresses(struct lab *lab, struct diag *d)
{
	int before = diag_count(d), r;

	if ((r = plan_family(lab, d, AF_INET)) == -ENOMEM ||
	    (r = plan_family(lab, d, AF_INET6)) == -ENOMEM)
		return r;
	/* Only when nothing else explains it. */
	if (diag_count(d) == before)
		report_addressless(lab, d);
	if ((r = plan_macs(lab)) != 0)
		return r;
	return diag_count(d) > before ? -EINVAL : 0;
}
