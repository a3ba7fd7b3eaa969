/*
 * route.c — the node's routing table: longest-prefix match over the
 * connected subnets of the interfaces and the static routes, for IPv4 and
 * IPv6, and the route configuration ops (rtcfg) behind rump.route and
 * rump.netstat -r.
 *
 * Connected routes are not stored: a lookup reads them from the netifs as
 * they are (an up interface with its link up and an address has its
 * subnet; taking the address or the link away takes the route away), so
 * they can never go stale.  Static routes live in one array per family,
 * kept sorted by prefix length, longest first: the first static route
 * that matches is the longest, and it wins over a connected subnet only
 * when it is strictly longer.  A lab node has a handful of interfaces and
 * at most a few hundred routes, so a lookup is a short scan of a compact
 * array (the 50-router tests keep it honest); a trie would pay off only
 * with far larger tables.
 *
 * ICMP redirects add dynamic host routes (D) to the same array, or
 * change a host route's gateway (M); the dynamic ones expire.
 *
 * A gateway route leaves by the interface whose subnet holds the gateway,
 * found at lookup time, so it follows the interfaces as they change; an
 * -iface route names its interface and sends straight to the destination.
 *
 * Lock: lwIP's core lock, held by every packet path that looks up; the
 * configuration ops take it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lwip/ip6.h"
#include "lwip/netif.h"

#include "kernel/netcfg.h"
#include "kernel/rtmsg.h"
#include "netcomp/ifnet_var.h"
#include "netcomp/neigh.h"
#include "netcomp/netinet.h"
#include "netcomp/override.h"
#include "netcomp/route.h"

#define RT_MAX  4096            /* static routes per family */

struct rtent {
	uint8_t  plen;
	uint32_t flags;
	uint8_t  dst[16];       /* masked */
	uint8_t  gw[16];
	char     ifname[RUMP_IFNAMSIZ];
	uint8_t  ifa[16];       /* its own source address (-ifa); 0: none */
	uint32_t mtu;
	uint64_t use;
	uint64_t since;         /* D: mono ns of the redirect that made or
				 * last changed it; 0: it never expires */
};

struct rttab {
	struct rtent *e;        /* sorted: longest prefix first */
	int n, cap;
};

static struct rttab tabs[2];    /* [0] IPv4, [1] IPv6; core lock */

/*
 * Connected routes deleted or changed by hand (NetBSD lets both be done,
 * route delete -net / route change -net of an interface's subnet): the
 * subnet of an interface listed here is not connected any more; a
 * changed one lives on as a static route flagged C.  An address added to
 * or taken from the interface brings its subnets back, as NetBSD makes
 * the route anew with the address.  Core lock.
 */
#define HIDDEN_MAX 64
static struct hidden {
	uint8_t family, plen;
	uint8_t net[16];                /* masked */
	char ifname[RUMP_IFNAMSIZ];
} hidden[HIDDEN_MAX];
static int nhidden;

static struct rttab *
tab_of(int family)
{
	return &tabs[family == AF_INET6];
}

static int
alen(int family)
{
	return family == AF_INET6 ? 16 : 4;
}

/* Do a and b agree on their first plen bits? */
static int
prefix_eq(const uint8_t *a, const uint8_t *b, unsigned plen)
{
	unsigned full = plen / 8, rest = plen % 8;

	if (memcmp(a, b, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	return ((a[full] ^ b[full]) & (0xff00 >> rest)) == 0;
}

static void
mask_bits(uint8_t *a, unsigned plen, int len)
{
	int i;

	for (i = 0; i < len; i++) {
		if (plen >= 8)
			plen -= 8;
		else {
			a[i] &= (uint8_t)(0xff00 >> plen);
			plen = 0;
		}
	}
}

static uint8_t
mask_plen4(const ip4_addr_t *m)
{
	uint32_t v = lwip_ntohl(ip4_addr_get_u32(m));
	uint8_t n = 0;

	while (v & 0x80000000u) {
		n++;
		v <<= 1;
	}
	return n;
}

/* ---- netifs ---- */

/* Is n an interface's own netif (not lwIP's alone, not an alias)? */
static struct ifnet *
netif_ifnet(const struct netif *n)
{
	struct ifnet *ifp = n->state;

	return ifp != NULL && &ifp->netif == n ? ifp : NULL;
}

/*
 * The source address lwIP gives a packet that leaves by n.  A netif of no
 * interface (the blackhole where discard routes send) has none of its
 * own; NetBSD chooses a source among every interface's addresses, so a
 * send into a blackhole route succeeds and the packet is dropped
 * silently.  This wraps lwIP's function (netcomp/override.h), which does
 * the choosing.
 */
static const ip_addr_t *route_src6(struct netif *n, const ip6_addr_t *dst);

const ip_addr_t *
ip6_select_source_address(struct netif *n, const ip6_addr_t *dest)
{
	const ip_addr_t *a;
	struct netif *o;

	if (n->state != NULL && (a = route_src6(n, dest)) != NULL)
		return a;
	if ((a = lwip_real.ip6_select_source_address(n, dest)) != NULL ||
	    n->state != NULL)
		return a;
	NETIF_FOREACH(o)
		if (netif_ifnet(o) != NULL &&
		    (a = lwip_real.ip6_select_source_address(o, dest)) != NULL)
			return a;
	return NULL;
}

const char *
route_ifname(const struct netif *n)
{
	const struct ifnet *ifp = n != NULL ? n->state : NULL;

	return ifp != NULL ? ifp->name : "";
}

static int
usable(const struct netif *n)
{
	return n->state != NULL && netif_is_up(n) && netif_is_link_up(n);
}

static struct netif *
netif_byname(const char *name)
{
	struct netif *n;
	struct ifnet *ifp;

	NETIF_FOREACH(n)
		if ((ifp = netif_ifnet(n)) != NULL && strcmp(ifp->name, name) == 0)
			return n;
	return NULL;
}

static int
is_hidden(int family, const uint8_t *addr, uint8_t plen, const char *ifname)
{
	uint8_t net[16];
	int i, len = family == AF_INET ? 4 : 16;

	memset(net, 0, sizeof(net));
	memcpy(net, addr, (size_t)len);
	mask_bits(net, plen, len);
	for (i = 0; i < nhidden; i++)
		if (hidden[i].family == family && hidden[i].plen == plen &&
		    memcmp(hidden[i].net, net, 16) == 0 &&
		    strcmp(hidden[i].ifname, ifname) == 0)
			return 1;
	return 0;
}

void
route_ifaddr_changed(const char *ifname)
{
	int i;

	for (i = 0; i < nhidden; )
		if (strcmp(hidden[i].ifname, ifname) == 0)
			hidden[i] = hidden[--nhidden];
		else
			i++;
}

/*
 * Two interfaces on one subnet: NetBSD's route is the first one's (the
 * one created first; its aliases count as it).  lwIP lists the newest
 * netif first.
 */
static int
older(const struct netif *a, const struct netif *b)
{
	const struct ifnet *x = netif_ifnet(a), *y = netif_ifnet(b);

	return x != NULL && y != NULL && x != y && x->netif.num < y->netif.num;
}

/* The usable netif whose IPv4 subnet holds a, longest prefix first;
 * a subnet whose route was deleted or changed counts if hidden_too. */
static struct netif *
subnet4(const ip4_addr_t *a, uint8_t *plen, int hidden_too)
{
	struct netif *n, *best = NULL;
	uint8_t pl, bestpl = 0;

	NETIF_FOREACH(n) {
		if (!usable(n) || ip4_addr_isany_val(*netif_ip4_addr(n)))
			continue;
		if (!ip4_addr_netcmp(a, netif_ip4_addr(n), netif_ip4_netmask(n)))
			continue;
		pl = mask_plen4(netif_ip4_netmask(n));
		if (!hidden_too && nhidden > 0 && is_hidden(AF_INET,
		    (const uint8_t *)&netif_ip4_addr(n)->addr, pl,
		    route_ifname(n)))
			continue;
		if (best == NULL || pl > bestpl ||
		    (pl == bestpl && older(n, best))) {
			best = n;
			bestpl = pl;
		}
	}
	if (plen != NULL)
		*plen = bestpl;
	return best;
}

static uint8_t
v6plen(const struct ifnet *ifp, int i)
{
	return ifp->v6plen[i] != 0 ? ifp->v6plen[i] : 64;
}

/* An address whose subnet is connected: configured, not found to be a
 * duplicate (a tentative one still has its subnet, as in NetBSD). */
static int
v6usable(u8_t st)
{
	return !ip6_addr_isinvalid(st) && !ip6_addr_isduplicated(st);
}

/* The same for IPv6 (global and unique-local addresses). */
static struct netif *
subnet6(const ip6_addr_t *a, uint8_t *plen, int hidden_too)
{
	struct netif *n, *best = NULL;
	struct ifnet *ifp;
	uint8_t pl, bestpl = 0;
	int i;

	NETIF_FOREACH(n) {
		if (!usable(n) || (ifp = netif_ifnet(n)) == NULL)
			continue;
		for (i = 0; i < LWIP_IPV6_NUM_ADDRESSES; i++) {
			if (!v6usable(netif_ip6_addr_state(n, i)) ||
			    ip6_addr_islinklocal(netif_ip6_addr(n, i)))
				continue;
			pl = v6plen(ifp, i);
			if (!prefix_eq((const uint8_t *)a->addr,
			    (const uint8_t *)netif_ip6_addr(n, i)->addr, pl))
				continue;
			if (!hidden_too && nhidden > 0 && is_hidden(AF_INET6,
			    (const uint8_t *)netif_ip6_addr(n, i)->addr, pl,
			    ifp->name))
				continue;
			if (best == NULL || pl > bestpl ||
			    (pl == bestpl && older(n, best))) {
				best = n;
				bestpl = pl;
			}
		}
	}
	if (plen != NULL)
		*plen = bestpl;
	return best;
}

static struct netif *
connected4(const ip4_addr_t *a, uint8_t *plen)
{
	return subnet4(a, plen, 0);
}

static struct netif *
connected6(const ip6_addr_t *a, uint8_t *plen)
{
	return subnet6(a, plen, 0);
}

/* ---- lookup ---- */

static struct rtent *
static_match(struct rttab *t, const uint8_t *dst, int minplen)
{
	int i;

	for (i = 0; i < t->n && (int)t->e[i].plen > minplen; i++)
		if (prefix_eq(dst, t->e[i].dst, t->e[i].plen))
			return &t->e[i];
	return NULL;
}

/*
 * What a send through a reject route fails with, as NetBSD's: through the
 * loopback (a gateway in 127/8, or ::1) looutput's answer,
 * ENETUNREACH for a network and EHOSTUNREACH for a host; elsewhere
 * EHOSTUNREACH.  Lookups answer -EHOSTUNREACH for every reject route (the
 * forwarding path wants a host unreachable); the socket layer asks
 * route_reject_error() for the errno its sender sees.  Per thread: a
 * socket's send runs lwIP's output path in its own thread.
 */
static __thread int reject_errno;

static void
reject_note(int family, const struct rtent *e)
{
	static const uint8_t lo6[16] = { [15] = 1 };

	if (!(e->flags & RUMP_RTF_HOST) && (family == AF_INET ?
	    e->gw[0] == 127 : memcmp(e->gw, lo6, 16) == 0))
		reject_errno = ENETUNREACH;
	else
		reject_errno = EHOSTUNREACH;
}

int
route_reject_error(void)
{
	int e = reject_errno;

	reject_errno = 0;
	return e;
}

static int
is_zero(const uint8_t *a)
{
	static const uint8_t zero[16];

	return memcmp(a, zero, 16) == 0;
}

/*
 * A route with a source address of its own (-ifa) leaves by the netif of
 * its interface that holds it, an alias or the primary: lwIP gives a
 * packet the address of the netif it leaves by, so the route's address
 * is the source of what an unbound socket sends along it, as NetBSD's
 * rt_ifa is.  The interface's netif n otherwise.
 */
static struct netif *
own_src4(struct netif *n, const struct rtent *e)
{
	struct netif *o;

	if (is_zero(e->ifa))
		return n;
	NETIF_FOREACH(o)
		if (o->state == n->state && usable(o) &&
		    memcmp(&netif_ip4_addr(o)->addr, e->ifa, 4) == 0)
			return o;
	return n;
}

/* Where a static route leaves; fills r's netif and next hop. */
static int
static_out(int family, struct rtent *e, const void *dst, struct rtres *r)
{
	ip4_addr_t gw4;
	ip6_addr_t gw6;

	r->flags = e->flags;
	r->plen = e->plen;
	e->use++;
	/* A reject or blackhole route's gateway (route get shows it). */
	if (family == AF_INET)
		memcpy(&r->nh4.addr, e->gw, 4);
	else
		memcpy(r->nh6.addr, e->gw, 16);
	if (e->flags & RUMP_RTF_REJECT) {
		reject_note(family, e);
		return -EHOSTUNREACH;
	}
	if (e->flags & RUMP_RTF_BLACKHOLE) {
		r->netif = NULL;
		return 0;
	}
	if (!(e->flags & RUMP_RTF_GATEWAY)) {
		r->netif = netif_byname(e->ifname);
		if (family == AF_INET)
			ip4_addr_copy(r->nh4, *(const ip4_addr_t *)dst);
		else
			ip6_addr_copy(r->nh6, *(const ip6_addr_t *)dst);
	} else if (family == AF_INET) {
		memcpy(&gw4.addr, e->gw, 4);
		r->netif = e->ifname[0] != '\0' ? netif_byname(e->ifname) :
		    connected4(&gw4, NULL);
		ip4_addr_copy(r->nh4, gw4);
	} else {
		memset(&gw6, 0, sizeof(gw6));
		memcpy(gw6.addr, e->gw, 16);
		r->netif = e->ifname[0] != '\0' ? netif_byname(e->ifname) :
		    connected6(&gw6, NULL);
		if (r->netif != NULL && ip6_addr_islinklocal(&gw6))
			ip6_addr_assign_zone(&gw6, IP6_UNICAST, r->netif);
		ip6_addr_copy(r->nh6, gw6);
	}
	if (r->netif == NULL || !usable(r->netif))
		return -EHOSTUNREACH;
	if (family == AF_INET)
		r->netif = own_src4(r->netif, e);
	r->mtu = e->mtu != 0 && e->mtu < r->netif->mtu ? e->mtu :
	    r->netif->mtu;
	return 0;
}

static void redirect_expire(int now);

int
route_lookup4(const ip4_addr_t *dst, struct rtres *r)
{
	struct rtent *e;
	struct netif *cn;
	uint8_t cpl;

	memset(r, 0, sizeof(*r));
	redirect_expire(0);
	cn = connected4(dst, &cpl);
	if ((e = static_match(&tabs[0], (const uint8_t *)&dst->addr,
	    cn != NULL ? cpl : -1)) != NULL)
		return static_out(AF_INET, e, dst, r);
	if (cn == NULL)
		return -ENETUNREACH;
	r->netif = cn;
	r->flags = RUMP_RTF_UP | RUMP_RTF_CONNECTED;
	r->plen = cpl;
	ip4_addr_copy(r->nh4, *dst);
	r->mtu = cn->mtu;
	return 0;
}

int
route_lookup6(const ip6_addr_t *dst, struct rtres *r)
{
	struct rtent *e;
	struct netif *cn;
	uint8_t cpl;

	memset(r, 0, sizeof(*r));
	cn = connected6(dst, &cpl);
	if ((e = static_match(&tabs[1], (const uint8_t *)dst->addr,
	    cn != NULL ? cpl : -1)) != NULL)
		return static_out(AF_INET6, e, dst, r);
	if (cn == NULL)
		return -ENETUNREACH;
	r->netif = cn;
	r->flags = RUMP_RTF_UP | RUMP_RTF_CONNECTED;
	r->plen = cpl;
	ip6_addr_copy(r->nh6, *dst);
	r->mtu = netif_mtu6(cn);
	return 0;
}

/*
 * The source address of an IPv6 packet to dst out of n when the route
 * that takes it has one of its own (-ifa) on n; NULL otherwise (lwIP's
 * choice stands).
 */
static const ip_addr_t *
route_src6(struct netif *n, const ip6_addr_t *dst)
{
	struct netif *cn;
	struct rtent *e;
	uint8_t cpl;
	int i;

	if (tabs[1].n == 0)
		return NULL;
	cn = connected6(dst, &cpl);
	e = static_match(&tabs[1], (const uint8_t *)dst->addr,
	    cn != NULL ? cpl : -1);
	if (e == NULL || is_zero(e->ifa))
		return NULL;
	for (i = 0; i < LWIP_IPV6_NUM_ADDRESSES; i++)
		if (ip6_addr_isvalid(netif_ip6_addr_state(n, i)) &&
		    memcmp(netif_ip6_addr(n, i)->addr, e->ifa, 16) == 0)
			return netif_ip_addr6(n, i);
	return NULL;
}

/* ---- configuration ---- */

static struct rtent *
find_exact(struct rttab *t, const uint8_t *dst, uint8_t plen)
{
	int i;

	for (i = 0; i < t->n; i++)
		if (t->e[i].plen == plen && memcmp(t->e[i].dst, dst, 16) == 0)
			return &t->e[i];
	return NULL;
}

/*
 * A gateway off every interface's subnet is still a neighbour when an
 * interface route (one without a gateway, such as -connected -iface
 * shmif0) covers it, as in NetBSD: the route leaves by that interface.
 * A gateway behind another gateway is not.
 */
static int
gw_by_ifroute(int fam, struct rtent *e)
{
	struct rtent *r = static_match(tab_of(fam), e->gw, -1);

	if (r == NULL || (r->flags & (RUMP_RTF_GATEWAY | RUMP_RTF_REJECT |
	    RUMP_RTF_BLACKHOLE)) || r->ifname[0] == '\0')
		return -ENETUNREACH;
	memcpy(e->ifname, r->ifname, RUMP_IFNAMSIZ);
	return 0;
}

/* Is a one of this node's addresses?  Its interface name into name. */
static int
local_addr(int family, const uint8_t *a, char *name)
{
	struct netif *n;
	ip6_addr_t a6;
	int i;

	memset(&a6, 0, sizeof(a6));
	memcpy(a6.addr, a, 16);
	NETIF_FOREACH(n) {
		if (n->state == NULL)
			continue;
		if (family == AF_INET) {
			if (memcmp(&netif_ip4_addr(n)->addr, a, 4) != 0 ||
			    ip4_addr_isany_val(*netif_ip4_addr(n)))
				continue;
		} else {
			for (i = 0; i < LWIP_IPV6_NUM_ADDRESSES; i++)
				if (ip6_addr_isvalid(netif_ip6_addr_state(n, i)) &&
				    ip6_addr_cmp_zoneless(&a6,
				    netif_ip6_addr(n, i)))
					break;
			if (i == LWIP_IPV6_NUM_ADDRESSES)
				continue;
		}
		snprintf(name, RUMP_IFNAMSIZ, "%s", route_ifname(n));
		return 1;
	}
	return 0;
}

/*
 * The source address of a route given -ifa want, as NetBSD's rt_getifa
 * and rt_update choose it: want itself when it is one of the node's
 * addresses (without -ifp the route leaves by its interface); else,
 * with -ifp, that interface's address on want's subnet or, failing
 * that, its first address of the family (ifaof_ifpforaddr).  1 with
 * e->ifa (and e->ifname) set; 0: none.
 */
static int
route_ifa(int fam, const uint8_t *want, struct rtent *e)
{
	struct netif *n, *pn;
	const uint8_t *a, *first = NULL;
	char name[RUMP_IFNAMSIZ];
	ip4_addr_t w4;
	int i;

	if (local_addr(fam, want, name)) {
		memcpy(e->ifa, want, 16);
		if (e->ifname[0] == '\0')
			memcpy(e->ifname, name, sizeof(name));
		return 1;
	}
	if (e->ifname[0] == '\0' || (pn = netif_byname(e->ifname)) == NULL)
		return 0;
	memcpy(&w4.addr, want, 4);
	NETIF_FOREACH(n) {
		if (n->state != pn->state)
			continue;
		for (i = 0; i < (fam == AF_INET ? 1 : LWIP_IPV6_NUM_ADDRESSES);
		    i++) {
			if (fam == AF_INET) {
				if (ip4_addr_isany_val(*netif_ip4_addr(n)))
					continue;
				a = (const uint8_t *)&netif_ip4_addr(n)->addr;
			} else {
				if (!ip6_addr_isvalid(netif_ip6_addr_state(n, i)))
					continue;
				a = (const uint8_t *)netif_ip6_addr(n, i)->addr;
			}
			if (first == NULL)
				first = a;
			if (fam == AF_INET ? ip4_addr_netcmp(&w4,
			    netif_ip4_addr(n), netif_ip4_netmask(n)) :
			    prefix_eq(want, a, v6plen(pn->state, i))) {
				first = a;
				goto found;
			}
		}
	}
	if (first == NULL)
		return 0;
found:
	memset(e->ifa, 0, 16);
	memcpy(e->ifa, first, alen(fam));
	return 1;
}

/* Check a request and make it a table entry. */
static int
make_entry(const struct rump_rtentry *rt, struct rtent *e)
{
	static const uint8_t zero[16];
	int fam = rt->family, len = alen(fam);
	struct netif *n;
	uint8_t pl;
	ip4_addr_t g4;
	ip6_addr_t g6;

	if (fam != AF_INET && fam != AF_INET6)
		return -EAFNOSUPPORT;
	if (fam == AF_INET6 && !netstack_inet6())
		return -EAFNOSUPPORT;
	if (rt->plen > len * 8)
		return -EINVAL;
	memset(e, 0, sizeof(*e));
	e->plen = rt->plen;
	memcpy(e->dst, rt->dst, len);
	mask_bits(e->dst, e->plen, len);
	memcpy(e->gw, rt->gateway, len);
	memcpy(e->ifname, rt->ifname, RUMP_IFNAMSIZ);
	e->ifname[RUMP_IFNAMSIZ - 1] = '\0';
	e->mtu = rt->mtu;
	/* A routing daemon marks its routes; every other route is static.
	 * -proxy's mark is kept as NetBSD keeps RTF_ANNOUNCE on a route:
	 * its proxy ARP answers for published neighbour entries only. */
	e->flags = RUMP_RTF_UP | (rt->flags & (RUMP_RTF_GATEWAY |
	    RUMP_RTF_REJECT | RUMP_RTF_BLACKHOLE | RUMP_RTF_PROTO2 |
	    RUMP_RTF_CONNECTED | RUMP_RTF_ANNOUNCE));
	if (!(e->flags & RUMP_RTF_PROTO2))
		e->flags |= RUMP_RTF_STATIC;
	if (e->plen == len * 8)
		e->flags |= RUMP_RTF_HOST;
	if (e->ifname[0] != '\0' && netif_byname(e->ifname) == NULL)
		return -ENXIO;
	if (!is_zero(rt->ifa) && !route_ifa(fam, rt->ifa, e))
		return -EADDRNOTAVAIL;
	if (memcmp(e->gw, zero, 16) == 0)
		e->flags &= ~(uint32_t)RUMP_RTF_GATEWAY;
	if (e->flags & (RUMP_RTF_REJECT | RUMP_RTF_BLACKHOLE))
		return 0;
	if (!(e->flags & RUMP_RTF_GATEWAY)) {
		/* -iface: the gateway, if any, names a local address. */
		if (e->ifname[0] == '\0' && (memcmp(e->gw, zero, 16) == 0 ||
		    !local_addr(fam, e->gw, e->ifname)))
			return -ENETUNREACH;
		memset(e->gw, 0, sizeof(e->gw));
		return 0;
	}
	if (e->ifname[0] != '\0')
		return 0;
	/*
	 * A gateway on the subnet of an address whose route was deleted is
	 * taken, as NetBSD finds a gateway's interface by the addresses
	 * (ifa_ifwithnet), not by the table: the route leaves by that
	 * interface.
	 */
	if (fam == AF_INET) {
		memcpy(&g4.addr, e->gw, 4);
		if (connected4(&g4, &pl) != NULL)
			return 0;
		n = subnet4(&g4, &pl, 1);
	} else {
		memset(&g6, 0, sizeof(g6));
		memcpy(g6.addr, e->gw, 16);
		if (ip6_addr_islinklocal(&g6))
			return -EINVAL;         /* needs its interface (%shmif0) */
		if (connected6(&g6, &pl) != NULL)
			return 0;
		n = subnet6(&g6, &pl, 1);
	}
	if (n != NULL) {
		snprintf(e->ifname, sizeof(e->ifname), "%s", route_ifname(n));
		return 0;
	}
	return gw_by_ifroute(fam, e);
}

static int
tab_insert(struct rttab *t, const struct rtent *e)
{
	struct rtent *ne;
	int i, cap;

	if (t->n == RT_MAX)
		return -ENOSPC;
	if (t->n == t->cap) {
		cap = t->cap ? t->cap * 2 : 16;
		if ((ne = hyp_calloc((size_t)cap, sizeof(*ne))) == NULL)
			return -ENOMEM;
		if (t->n > 0)
			memcpy(ne, t->e, (size_t)t->n * sizeof(*ne));
		hyp_free(t->e);
		t->e = ne;
		t->cap = cap;
	}
	for (i = 0; i < t->n && t->e[i].plen >= e->plen; i++)
		continue;
	memmove(&t->e[i + 1], &t->e[i], (size_t)(t->n - i) * sizeof(*e));
	t->e[i] = *e;
	t->n++;
	return 0;
}

/* The interface whose connected subnet is exactly dst/plen, or NULL. */
static struct netif *
connected_exact(int family, const uint8_t *dst, uint8_t plen)
{
	struct netif *n;
	ip4_addr_t a4;
	ip6_addr_t a6;
	uint8_t pl;

	if (family == AF_INET) {
		memcpy(&a4.addr, dst, 4);
		n = connected4(&a4, &pl);
	} else {
		memset(&a6, 0, sizeof(a6));
		memcpy(a6.addr, dst, 16);
		n = connected6(&a6, &pl);
	}
	return n != NULL && pl == plen ? n : NULL;
}

/* Take the connected route dst/plen of n out; its neighbours go too. */
static int
hide(int family, const uint8_t *dst, uint8_t plen, struct netif *n)
{
	struct hidden *h;

	if (nhidden == HIDDEN_MAX)
		return -ENOSPC;
	h = &hidden[nhidden++];
	memset(h, 0, sizeof(*h));
	h->family = (uint8_t)family;
	h->plen = plen;
	memcpy(h->net, dst, 16);
	snprintf(h->ifname, sizeof(h->ifname), "%s", route_ifname(n));
	nbr_purge(netif_ifnet(n), family, dst, plen);
	return 0;
}

/*
 * route change of a connected subnet: it becomes a static interface
 * route flagged C (URCS with -reject), on the interface -ifp names or
 * its own; the neighbours learnt on the old route go.
 */
static int
change_connected(const struct rump_rtentry *rt, const uint8_t *dst,
    struct netif *n)
{
	struct rtent e;
	int error;

	memset(&e, 0, sizeof(e));
	e.plen = rt->plen;
	memcpy(e.dst, dst, 16);
	e.flags = RUMP_RTF_UP | RUMP_RTF_CONNECTED | RUMP_RTF_STATIC |
	    (rt->flags & (RUMP_RTF_REJECT | RUMP_RTF_BLACKHOLE));
	snprintf(e.ifname, sizeof(e.ifname), "%s", rt->ifname[0] != '\0' ?
	    rt->ifname : route_ifname(n));
	if (netif_byname(e.ifname) == NULL)
		return -ENXIO;
	e.mtu = rt->mtu;
	if ((error = hide(rt->family, dst, rt->plen, n)) != 0)
		return error;
	return tab_insert(tab_of(rt->family), &e);
}

/*
 * The routing message of a change to e (NetBSD's route(8) request, as
 * its kernel echoes it to every routing socket): destination, gateway
 * (the interface's link for a route without one), netmask unless a
 * host route, and the flags with DONE (a deleted route is not UP).
 */
static void
post_route(int type, int family, const struct rtent *e)
{
	struct rump_rtmsg m;

	memset(&m, 0, sizeof(m));
	m.type = (uint8_t)type;
	m.family = (uint8_t)family;
	m.plen = e->plen;
	m.flags = e->flags | RUMP_RTF_DONE;
	if (type == RUMP_RTM_DELETE)
		m.flags &= ~(uint32_t)RUMP_RTF_UP;      /* NetBSD's rtrequest */
	m.addrs = RUMP_RTA_DST | RUMP_RTA_GATEWAY;
	if (!(e->flags & RUMP_RTF_HOST))
		m.addrs |= RUMP_RTA_NETMASK;
	memcpy(m.dst, e->dst, 16);
	if (!is_zero(e->gw)) {
		m.gwfamily = (uint8_t)family;
		memcpy(m.gateway, e->gw, 16);
	} else {
		m.gwfamily = RUMP_GW_LINK;
		memcpy(m.ifname, e->ifname, RUMP_IFNAMSIZ);
	}
	rtmsg_post(&m);
}

static int
rt_add(const struct rump_rtentry *rt)
{
	struct rtent e;
	int error;

	netstack_lock();
	if ((error = make_entry(rt, &e)) == 0) {
		if (find_exact(tab_of(rt->family), e.dst, e.plen) != NULL)
			error = -EEXIST;
		else if ((error = tab_insert(tab_of(rt->family), &e)) == 0)
			post_route(RUMP_RTM_ADD, rt->family, &e);
	}
	netstack_unlock();
	return error;
}

static int
rt_change(const struct rump_rtentry *rt)
{
	struct rtent e, *old;
	struct netif *cn;
	uint8_t dst[16];
	int error, len = alen(rt->family);

	if (rt->family != AF_INET && rt->family != AF_INET6)
		return -EAFNOSUPPORT;
	if (rt->plen > len * 8)
		return -EINVAL;
	memset(dst, 0, sizeof(dst));
	memcpy(dst, rt->dst, len);
	mask_bits(dst, rt->plen, len);
	netstack_lock();
	if ((old = find_exact(tab_of(rt->family), dst, rt->plen)) != NULL &&
	    (old->flags & RUMP_RTF_CONNECTED) && !(rt->flags &
	    RUMP_RTF_GATEWAY)) {
		/* A connected route changed before: change it again. */
		old->flags = RUMP_RTF_UP | RUMP_RTF_CONNECTED |
		    RUMP_RTF_STATIC | (rt->flags & (RUMP_RTF_REJECT |
		    RUMP_RTF_BLACKHOLE));
		if (rt->ifname[0] != '\0')
			snprintf(old->ifname, sizeof(old->ifname), "%s",
			    rt->ifname);
		post_route(RUMP_RTM_CHANGE, rt->family, old);
		netstack_unlock();
		return 0;
	}
	if (old == NULL && (cn = connected_exact(rt->family, dst, rt->plen)) !=
	    NULL && !(rt->flags & RUMP_RTF_GATEWAY)) {
		if ((error = change_connected(rt, dst, cn)) == 0)
			post_route(RUMP_RTM_CHANGE, rt->family,
			    find_exact(tab_of(rt->family), dst, rt->plen));
		netstack_unlock();
		return error;
	}
	if (old != NULL && !(rt->flags & RUMP_RTF_GATEWAY) &&
	    is_zero(rt->gateway) && (old->flags & RUMP_RTF_GATEWAY)) {
		/* No gateway (route change default -reject, or -ifp and
		 * -ifa alone): the route keeps its gateway, as NetBSD's
		 * does, and with neither -ifp nor -ifa its source. */
		struct rump_rtentry keep = *rt;

		memcpy(keep.gateway, old->gw, 16);
		keep.flags |= RUMP_RTF_GATEWAY;
		if (rt->ifname[0] == '\0' && is_zero(rt->ifa)) {
			memcpy(keep.ifa, old->ifa, 16);
			memcpy(keep.ifname, old->ifname, RUMP_IFNAMSIZ);
		}
		error = make_entry(&keep, &e);
	} else
		error = make_entry(rt, &e);
	if (error == 0) {
		if ((old = find_exact(tab_of(rt->family), e.dst, e.plen)) ==
		    NULL)
			error = -ESRCH;
		else {
			e.use = old->use;
			*old = e;
			post_route(RUMP_RTM_CHANGE, rt->family, old);
		}
	}
	netstack_unlock();
	return error;
}

static int
rt_delete(const struct rump_rtentry *rt)
{
	struct rttab *t;
	struct rtent *e;
	struct netif *cn;
	uint8_t dst[16];
	int error = 0, len = alen(rt->family);

	if (rt->family != AF_INET && rt->family != AF_INET6)
		return -EAFNOSUPPORT;
	if (rt->plen > len * 8)
		return -EINVAL;
	memset(dst, 0, sizeof(dst));
	memcpy(dst, rt->dst, len);
	mask_bits(dst, rt->plen, len);
	netstack_lock();
	t = tab_of(rt->family);
	if ((e = find_exact(t, dst, rt->plen)) == NULL) {
		/* An interface's own subnet: NetBSD deletes it too. */
		if ((cn = connected_exact(rt->family, dst, rt->plen)) != NULL)
			error = hide(rt->family, dst, rt->plen, cn);
		else
			error = -ESRCH;
	} else {
		post_route(RUMP_RTM_DELETE, rt->family, e);
		memmove(e, e + 1, (size_t)(t->n - (e - t->e) - 1) * sizeof(*e));
		t->n--;
	}
	netstack_unlock();
	return error;
}

static int
rt_flush(int family)
{
	int n = 0, f, i;

	netstack_lock();
	for (f = 0; f < 2; f++) {
		if (family == (f == 0 ? AF_INET6 : AF_INET))
			continue;
		for (i = 0; i < tabs[f].n; i++)
			post_route(RUMP_RTM_DELETE, f == 0 ? AF_INET : AF_INET6,
			    &tabs[f].e[i]);
		n += tabs[f].n;
		tabs[f].n = 0;
	}
	netstack_unlock();
	return n;
}

static void
fill_src(int family, struct netif *n, const uint8_t *dst, uint8_t *ifa)
{
	const ip_addr_t *src;
	ip6_addr_t d6;

	memset(ifa, 0, 16);
	if (n == NULL)
		return;
	if (family == AF_INET) {
		memcpy(ifa, &netif_ip4_addr(n)->addr, 4);
		return;
	}
	memset(&d6, 0, sizeof(d6));
	memcpy(d6.addr, dst, 16);
	if ((src = ip6_select_source_address(n, &d6)) != NULL)
		memcpy(ifa, ip_2_ip6(src)->addr, 16);
}

/*
 * A link-local destination is looked up in its zone, as NetBSD looks up
 * the address with its zone embedded: the interface the zone names holds
 * fe80::/64 while it has a link-local address, and its own link-local
 * addresses; a destination without a zone is in no interface's fe80::/64
 * and is none of the node's addresses, so only a route that covers it
 * whatever its zone (the default route) matches.  The zone's netif, NULL
 * if it holds none; *local: dst is one of its addresses.
 */
static struct netif *
connected_ll6(const uint8_t *dst, const char *zone, int *local)
{
	struct netif *n;
	int i, any = 0;

	*local = 0;
	if (zone[0] == '\0' || (n = netif_byname(zone)) == NULL || !usable(n))
		return NULL;
	for (i = 0; i < LWIP_IPV6_NUM_ADDRESSES; i++) {
		if (!ip6_addr_isvalid(netif_ip6_addr_state(n, i)) ||
		    !ip6_addr_islinklocal(netif_ip6_addr(n, i)))
			continue;
		any = 1;
		if (memcmp(dst, netif_ip6_addr(n, i)->addr, 16) == 0)
			*local = 1;
	}
	return any ? n : NULL;
}

static int
is_linklocal6(int family, const uint8_t *a)
{
	return family == AF_INET6 && a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}

/* rt->ifname is the zone of a link-local destination ("" none) on the
 * way in, the route's interface on the way out. */
static int
rt_get(struct rump_rtentry *rt)
{
	struct rtres r;
	struct netif *lln = NULL;
	ip4_addr_t d4;
	ip6_addr_t d6;
	char lname[RUMP_IFNAMSIZ], zone[RUMP_IFNAMSIZ];
	int fam = rt->family, error, ll, local;

	if (fam != AF_INET && fam != AF_INET6)
		return -EAFNOSUPPORT;
	snprintf(zone, sizeof(zone), "%.*s", RUMP_IFNAMSIZ - 1, rt->ifname);
	ll = is_linklocal6(fam, rt->dst);
	netstack_lock();
	if (ll)
		lln = connected_ll6(rt->dst, zone, &local);
	else
		local = local_addr(fam, rt->dst, lname);
	if (local) {
		rt->plen = (uint8_t)(alen(fam) * 8);
		rt->flags = RUMP_RTF_UP | RUMP_RTF_HOST | RUMP_RTF_LOCAL |
		    RUMP_RTF_DONE;
		memset(rt->gateway, 0, 16);
		snprintf(rt->ifname, sizeof(rt->ifname), "lo0");
		memcpy(rt->ifa, rt->dst, 16);
		rt->mtu = 0;
		netstack_unlock();
		return 0;
	}
	if (fam == AF_INET) {
		memcpy(&d4.addr, rt->dst, 4);
		error = route_lookup4(&d4, &r);
	} else if (lln != NULL) {
		memset(&r, 0, sizeof(r));
		r.netif = lln;
		r.flags = RUMP_RTF_UP | RUMP_RTF_CONNECTED;
		r.plen = 64;
		r.mtu = netif_mtu6(lln);
		error = 0;
	} else {
		memset(&d6, 0, sizeof(d6));
		memcpy(d6.addr, rt->dst, 16);
		error = route_lookup6(&d6, &r);
	}
	if (error == 0 || error == -EHOSTUNREACH) {
		rt->plen = r.plen;
		rt->flags = r.flags | RUMP_RTF_DONE;
		memset(rt->gateway, 0, 16);
		if (r.flags & RUMP_RTF_GATEWAY)
			memcpy(rt->gateway, fam == AF_INET ?
			    (const void *)&r.nh4.addr : (const void *)r.nh6.addr,
			    alen(fam));
		snprintf(rt->ifname, sizeof(rt->ifname), "%s",
		    r.netif != NULL ? route_ifname(r.netif) : "lo0");
		fill_src(fam, r.netif, rt->dst, rt->ifa);
		rt->mtu = r.mtu;
		error = 0;
	}
	netstack_unlock();
	return error == -ENETUNREACH ? -EHOSTUNREACH : error;
}

/* The interface NetBSD lists for a reject or blackhole route: the one
 * its gateway is on, lo0 for a loopback gateway (the usual 127.0.0.1). */
static const char *
discard_ifname(int fam, const uint8_t *gw)
{
	struct netif *n;
	ip4_addr_t g4;
	ip6_addr_t g6;

	if (fam == AF_INET) {
		memcpy(&g4.addr, gw, 4);
		n = connected4(&g4, NULL);
	} else {
		memset(&g6, 0, sizeof(g6));
		memcpy(g6.addr, gw, 16);
		n = connected6(&g6, NULL);
	}
	return n != NULL ? route_ifname(n) : "lo0";
}

/* ---- ICMP redirects ----
 *
 * NetBSD's rtredirect: a redirect from the router a route sends to makes
 * a dynamic host route (D) through the better gateway, or changes the
 * gateway of a host route (M).  A dynamic route goes
 * net.inet.icmp.redirtimeout seconds after the redirect (icmp_redirect_
 * timeout, run from a one-second timer there; here the table is swept at
 * most once a second by the lookups, and before each listing).
 */
static int ndyn;                /* IPv4 routes that may expire */
static uint64_t swept;          /* mono ns of the last sweep */

static void
redirect_expire(int now)
{
	struct rttab *t = &tabs[0];
	uint64_t life, ns;
	int i, n = 0;

	if (ndyn == 0)
		return;
	ns = hyp_clock_mono_ns();
	if (!now && ns - swept < 1000000000u)
		return;
	swept = ns;
	life = (uint64_t)netstack_knob(NK_ICMP_REDIRTIMEOUT) * 1000000000u;
	for (i = 0; i < t->n; ) {
		struct rtent *e = &t->e[i];

		if (e->since == 0) {
			i++;
			continue;
		}
		if (life == 0 || ns - e->since < life) {
			n++;
			i++;
			continue;
		}
		memmove(e, e + 1, (size_t)(t->n - i - 1) * sizeof(*e));
		t->n--;
	}
	ndyn = n;
}

int
route_redirect4(const ip4_addr_t *dst, const ip4_addr_t *gw,
    const ip4_addr_t *src)
{
	struct rttab *t = &tabs[0];
	struct netif *gn, *cn;
	struct rtent *e, ne;
	struct rtres r;
	char name[RUMP_IFNAMSIZ];
	uint64_t use, since;
	uint8_t cpl, g[16];

	if ((gn = connected4(gw, NULL)) == NULL)
		return -ENETUNREACH;
	cn = connected4(dst, &cpl);
	e = static_match(t, (const uint8_t *)&dst->addr, cn != NULL ? cpl : -1);
	/* Not from the router the route sends to: old or forged.  A
	 * connected subnet has no router at all. */
	if (e == NULL && cn != NULL)
		return -EINVAL;
	if (e != NULL) {
		if (!(e->flags & RUMP_RTF_GATEWAY) ||
		    memcmp(e->gw, &src->addr, 4) != 0)
			return -EINVAL;
		use = e->use;
		if (static_out(AF_INET, e, dst, &r) != 0 || r.netif != gn) {
			e->use = use;
			return -EINVAL;
		}
		e->use = use;
	}
	memset(g, 0, sizeof(g));
	memcpy(g, &gw->addr, 4);
	if (local_addr(AF_INET, g, name))
		return -EHOSTUNREACH;           /* a loop through us */
	since = netstack_knob(NK_ICMP_REDIRTIMEOUT) != 0 ?
	    hyp_clock_mono_ns() : 0;
	if (e != NULL && e->plen != 0 && (e->flags & RUMP_RTF_HOST)) {
		memcpy(e->gw, &gw->addr, 4);
		e->flags |= RUMP_RTF_MODIFIED;
		if ((e->flags & RUMP_RTF_DYNAMIC) && since != 0) {
			e->since = since;
			ndyn++;
		}
		return 0;
	}
	/* No route, the default route or a route to a network: a host
	 * route of its own. */
	memset(&ne, 0, sizeof(ne));
	ne.plen = 32;
	memcpy(ne.dst, &dst->addr, 4);
	memcpy(ne.gw, &gw->addr, 4);
	ne.flags = RUMP_RTF_UP | RUMP_RTF_GATEWAY | RUMP_RTF_HOST |
	    RUMP_RTF_DYNAMIC;
	ne.since = since;
	if (since != 0)
		ndyn++;
	return tab_insert(t, &ne);
}

/* ---- listing ---- */

struct rtlist {
	struct rump_rtentry *out;
	int max, n;
};

static void
put(struct rtlist *l, int fam, const uint8_t *dst, uint8_t plen,
    uint32_t flags, const uint8_t *gw, const char *ifname, uint32_t mtu,
    uint64_t use)
{
	struct rump_rtentry *rt;

	if (l->n < l->max) {
		rt = &l->out[l->n];
		memset(rt, 0, sizeof(*rt));
		rt->family = (uint8_t)fam;
		rt->plen = plen;
		rt->flags = flags;
		memcpy(rt->dst, dst, alen(fam));
		if (gw != NULL)
			memcpy(rt->gateway, gw, (flags & RUMP_RTF_LLINFO) ?
			    6 : alen(fam));
		snprintf(rt->ifname, sizeof(rt->ifname), "%s", ifname);
		rt->mtu = mtu;
		rt->use = use;
	}
	l->n++;
}

static void
list_connected4(struct rtlist *l)
{
	struct netif *n;
	uint8_t net[16], pl;

	NETIF_FOREACH(n) {
		if (!usable(n) || ip4_addr_isany_val(*netif_ip4_addr(n)))
			continue;
		pl = mask_plen4(netif_ip4_netmask(n));
		memset(net, 0, sizeof(net));
		memcpy(net, &netif_ip4_addr(n)->addr, 4);
		put(l, AF_INET, net, 32, RUMP_RTF_UP | RUMP_RTF_HOST |
		    RUMP_RTF_LOCAL, NULL, route_ifname(n), 0, 0);
		if (pl == 32 || is_hidden(AF_INET, net, pl, route_ifname(n)))
			continue;
		mask_bits(net, pl, 4);
		put(l, AF_INET, net, pl, RUMP_RTF_UP | RUMP_RTF_CONNECTED,
		    NULL, route_ifname(n), 0, 0);
	}
}

static void
list_connected6(struct rtlist *l)
{
	struct netif *n;
	struct ifnet *ifp;
	uint8_t net[16], pl;
	int i;

	NETIF_FOREACH(n) {
		if (!usable(n) || (ifp = netif_ifnet(n)) == NULL)
			continue;
		for (i = 0; i < LWIP_IPV6_NUM_ADDRESSES; i++) {
			if (!v6usable(netif_ip6_addr_state(n, i)))
				continue;
			memcpy(net, netif_ip6_addr(n, i)->addr, 16);
			put(l, AF_INET6, net, 128, RUMP_RTF_UP |
			    RUMP_RTF_HOST | RUMP_RTF_LOCAL, NULL, ifp->name,
			    0, 0);
			pl = v6plen(ifp, i);
			if (pl == 128 || ifp->kind == NULL ||
			    is_hidden(AF_INET6, net, pl, ifp->name))
				continue;
			mask_bits(net, pl, 16);
			put(l, AF_INET6, net, pl, RUMP_RTF_UP |
			    RUMP_RTF_CONNECTED, NULL, ifp->name, 0, 0);
		}
	}
}

static void
list_static(struct rtlist *l, int fam)
{
	struct rttab *t = tab_of(fam);
	struct rtres r;
	int i;

	for (i = 0; i < t->n; i++) {
		struct rtent *e = &t->e[i];
		const char *ifn = e->ifname;
		uint64_t use = e->use;

		if (ifn[0] == '\0' &&
		    (e->flags & (RUMP_RTF_REJECT | RUMP_RTF_BLACKHOLE)))
			ifn = discard_ifname(fam, e->gw);
		else if (ifn[0] == '\0' && (e->flags & RUMP_RTF_GATEWAY)) {
			static_out(fam, e, e->dst, &r);
			e->use = use;   /* listing is not using */
			ifn = r.netif != NULL ? route_ifname(r.netif) : "";
		} else if (ifn[0] == '\0')
			ifn = "lo0";
		put(l, fam, e->dst, e->plen, e->flags, e->gw, ifn, e->mtu, use);
	}
}

static void
put_neigh(void *arg, const struct rump_neigh *nb)
{
	struct rtlist *l = arg;
	uint8_t mac[16] = { 0 };

	memcpy(mac, nb->mac, 6);
	put(l, nb->family, nb->addr, nb->family == AF_INET ? 32 : 128,
	    RUMP_RTF_UP | RUMP_RTF_HOST | RUMP_RTF_LLINFO |
	    ((nb->flags & RUMP_NF_STATIC) ? RUMP_RTF_STATIC : 0), mac,
	    nb->ifname, 0, 0);
}

static int
rtcmp(const void *a, const void *b)
{
	const struct rump_rtentry *x = a, *y = b;
	int c;

	if (x->family != y->family)
		return x->family - y->family;
	if ((c = memcmp(x->dst, y->dst, 16)) != 0)
		return c;
	return x->plen - y->plen;
}

static int
rt_list(int family, struct rump_rtentry *out, int max)
{
	struct rtlist l = { out, max, 0 };

	netstack_lock();
	if (family != AF_INET6) {
		redirect_expire(1);
		list_static(&l, AF_INET);
		list_connected4(&l);
		neigh_routes(AF_INET, put_neigh, &l);
	}
	if (family != AF_INET && netstack_inet6()) {
		list_static(&l, AF_INET6);
		list_connected6(&l);
		neigh_routes(AF_INET6, put_neigh, &l);
	}
	netstack_unlock();
	qsort(out, (size_t)(l.n < max ? l.n : max), sizeof(*out), rtcmp);
	return l.n;
}

static long
netstat_text(int what, char *buf, size_t len)
{
	if (what == RUMP_STATS_PROTO)
		return ipfwd_stats(buf, len);
	if (what == RUMP_STATS_SOCKETS)
		return pcblist_text(buf, len);
	if (what == RUMP_STATS_MCAST)
		return mcast_text(buf, len);
	return -EINVAL;
}

static const struct rtcfg_ops route_ops = {
	.rt_add = rt_add,
	.rt_delete = rt_delete,
	.rt_change = rt_change,
	.rt_get = rt_get,
	.rt_list = rt_list,
	.rt_flush = rt_flush,
	.nb_list = neigh_list,
	.nb_set = neigh_set,
	.nb_delete = neigh_delete,
	.nb_flush = neigh_flush,
	.netstat = netstat_text,
};

int
route_init(void)
{
	int error;

	netstack_lock();
	error = ipfwd_init();
	netstack_unlock();
	if (error == 0)
		rtcfg_register(&route_ops);
	return error;
}
