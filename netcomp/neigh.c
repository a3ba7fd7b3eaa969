/*
 * neigh.c — the neighbour table: every IPv4 and IPv6 neighbour the node
 * knows, per interface, with NetBSD's states and timers, and the view
 * rump.arp, rump.ndp and rump.netstat have of it.  ARP (arp.c) and
 * neighbour discovery (nd6.c) fill it and say what an entry's timer
 * means; ipfwd.c sends through it.
 *
 * Entries live in a hash table of chains keyed by interface, family and
 * address, allocated one by one: a LAN of a few hundred hosts is a few
 * hundred entries, looked up in one or two steps per packet.  The table
 * holds at most NB_MAX entries (a flood of strangers cannot exhaust the
 * node's memory); IPv6 keeps at most net.inet6.ip6.neighborgcthresh
 * dynamic entries and makes room by dropping the oldest, as NetBSD's
 * nd6 garbage collection does.
 *
 * One lwIP timeout serves the whole table: it is armed for the earliest
 * end of an entry's state and, when it fires, hands every entry whose
 * state has ended to its protocol.  Between two such events the node
 * sleeps (idle.c asks neigh_quiet_for() how long it may); an entry that
 * keeps its address for arp.keep seconds costs one wake-up at the end.
 *
 * Static entries (rump.arp -s, rump.ndp -s) never expire and are used
 * before any request is sent; "temp" ones made by hand expire after 20
 * minutes, as NetBSD's arp(8) and ndp(8) set them.  A published entry
 * (-s ... pub) is one the node answers ARP requests for.
 *
 * Lock: the core lock (see neigh.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lwip/etharp.h"
#include "lwip/prot/ethernet.h"
#include "lwip/timeouts.h"
#include "netif/ethernet.h"

#include "kernel/hyper.h"
#include "kernel/klog.h"
#include "kernel/rtmsg.h"
#include "netcomp/ifnet_var.h"
#include "netcomp/neigh.h"
#include "netcomp/netinet.h"
#include "netcomp/route.h"

#define NB_BUCKETS      1024    /* a power of two */
#define NB_MAX          65536   /* entries, both families */
#define NB_TEMP_MS      (20 * 60 * 1000u)   /* arp/ndp -s ... temp */

static struct nbr *bucket[NB_BUCKETS];
static unsigned nentries, n6dynamic;
static uint64_t armed_at;       /* mono ms the timer fires at; 0 none */

uint64_t
nbr_now(void)
{
	return hyp_clock_mono_ns() / 1000000u;
}

static size_t
alen(int family)
{
	return family == AF_INET ? 4 : 16;
}

static unsigned
hash(const struct ifnet *ifp, int family, const uint8_t *addr)
{
	const uint8_t *t = addr + alen(family) - 4;
	uint32_t h = (uint32_t)t[0] << 24 | (uint32_t)t[1] << 16 |
	    (uint32_t)t[2] << 8 | t[3];

	h ^= (uint32_t)((uintptr_t)ifp >> 6);
	h *= 0x9e3779b1u;
	return h >> 22 & (NB_BUCKETS - 1);
}

struct nbr *
nbr_lookup(const struct ifnet *ifp, int family, const uint8_t *addr)
{
	struct nbr *e;

	for (e = bucket[hash(ifp, family, addr)]; e != NULL; e = e->next)
		if (e->ifp == ifp && e->family == family &&
		    memcmp(e->addr, addr, alen(family)) == 0)
			return e;
	return NULL;
}

static int
dynamic6(const struct nbr *e)
{
	return e->family == AF_INET6 && !(e->flags & NB_STATIC);
}

/* The oldest dynamic IPv6 entry, for the GC. */
static struct nbr *
oldest6(void)
{
	struct nbr *e, *old = NULL;
	unsigned i;

	for (i = 0; i < NB_BUCKETS; i++)
		for (e = bucket[i]; e != NULL; e = e->next)
			if (dynamic6(e) && (old == NULL || e->born < old->born))
				old = e;
	return old;
}

/*
 * The routing message of an entry made or gone, as NetBSD's kernel
 * reports a cloned neighbour route (rt_clonedmsg): the address and, as
 * gateway, the link with the neighbour's MAC once it is known.  A new
 * entry has none yet ("link#2"): ARP or ND is about to ask.
 */
static void
nbr_post(int type, const struct nbr *e)
{
	struct rump_rtmsg m;

	memset(&m, 0, sizeof(m));
	m.type = (uint8_t)type;
	m.family = e->family;
	m.flags = RUMP_RTF_HOST | RUMP_RTF_DONE | RUMP_RTF_LLINFO |
	    RUMP_RTF_CLONED | (type == RUMP_RTM_ADD ? RUMP_RTF_UP : 0);
	m.addrs = RUMP_RTA_DST | RUMP_RTA_GATEWAY;
	memcpy(m.dst, e->addr, alen(e->family));
	m.gwfamily = RUMP_GW_LINK;
	snprintf(m.ifname, sizeof(m.ifname), "%s", e->ifp->name);
	if (e->state != RUMP_ND_INCOMPLETE) {
		m.alen = 6;
		memcpy(m.gateway, e->mac, 6);
	}
	rtmsg_post(&m);
}

struct nbr *
nbr_create(struct ifnet *ifp, int family, const uint8_t *addr)
{
	unsigned h, gc = (unsigned)netstack_knob(NK_IP6_NEIGHBORGCTHRESH);
	struct nbr *e, *old;

	if (family == AF_INET6)
		while (n6dynamic >= gc && (old = oldest6()) != NULL)
			nbr_free(old);
	if (nentries >= NB_MAX || (e = hyp_malloc(sizeof(*e))) == NULL)
		return NULL;
	memset(e, 0, sizeof(*e));
	e->ifp = ifp;
	e->family = (uint8_t)family;
	e->state = RUMP_ND_INCOMPLETE;
	memcpy(e->addr, addr, alen(family));
	e->born = nbr_now();
	h = hash(ifp, family, addr);
	e->next = bucket[h];
	bucket[h] = e;
	nentries++;
	if (family == AF_INET6)
		n6dynamic++;
	nbr_post(RUMP_RTM_ADD, e);
	return e;
}

static void
drop_held(struct nbr *e)
{
	while (e->nhold > 0)
		pbuf_free(e->hold[--e->nhold]);
}

void
nbr_free(struct nbr *e)
{
	struct nbr **pp;

	for (pp = &bucket[hash(e->ifp, e->family, e->addr)]; *pp != NULL;
	    pp = &(*pp)->next)
		if (*pp == e) {
			*pp = e->next;
			break;
		}
	nbr_post(RUMP_RTM_DELETE, e);
	drop_held(e);
	nentries--;
	if (dynamic6(e))
		n6dynamic--;
	hyp_free(e);
}

/* Static entries do not count against the IPv6 GC threshold. */
static void
set_flags(struct nbr *e, uint16_t flags)
{
	int was = dynamic6(e);

	e->flags = flags;
	if (was && !dynamic6(e))
		n6dynamic--;
	else if (!was && dynamic6(e))
		n6dynamic++;
}

/* ---- the timer ---- */

static void nbr_tmr(void *arg);

static void
arm(uint64_t at)
{
	uint64_t now = nbr_now();

	if (armed_at != 0 && armed_at <= at)
		return;
	if (armed_at != 0)
		sys_untimeout(nbr_tmr, NULL);
	armed_at = at;
	sys_timeout(at > now ? (u32_t)(at - now) : 1, nbr_tmr, NULL);
}

void
nbr_expire_in(struct nbr *e, uint64_t ms)
{
	e->expire = ms == 0 ? 0 : nbr_now() + ms;
	if (e->expire != 0)
		arm(e->expire);
}

/*
 * Every entry whose state has ended goes to its protocol, which sends,
 * moves the end on or frees it; then the timer is armed for the next
 * end.  A protocol may create or free other entries meanwhile (an error
 * sent back, the IPv6 GC), so each chain is walked again from its head
 * after every entry handed over.
 */
static void
nbr_tmr(void *arg)
{
	struct nbr *e;
	uint64_t now = nbr_now(), first = 0;
	unsigned i;

	(void)arg;
	armed_at = 0;
	for (i = 0; i < NB_BUCKETS; i++) {
again:
		for (e = bucket[i]; e != NULL; e = e->next)
			if (e->expire != 0 && e->expire <= now) {
				if (e->family == AF_INET)
					arp_timeout(e, now);
				else
					nd6_timeout(e, now);
				goto again;
			}
	}
	for (i = 0; i < NB_BUCKETS; i++)
		for (e = bucket[i]; e != NULL; e = e->next)
			if (e->expire != 0 && (first == 0 || e->expire < first))
				first = e->expire;
	if (first != 0)
		arm(first);
}

uint32_t
neigh_quiet_for(void)
{
	uint64_t now;

	if (armed_at == 0)
		return UINT32_MAX;
	now = nbr_now();
	return armed_at <= now ? 0 : (uint32_t)(armed_at - now);
}

/* ---- packets ---- */

err_t
nbr_send(struct ifnet *ifp, struct pbuf *p, const uint8_t *mac,
    uint16_t ethertype)
{
	return ethernet_output(&ifp->netif, p,
	    (const struct eth_addr *)ifp->mac, (const struct eth_addr *)mac,
	    ethertype);
}

void
nbr_hold(struct nbr *e, struct pbuf *p)
{
	struct pbuf *q;

	if (PBUF_NEEDS_COPY(p))
		q = pbuf_clone(PBUF_LINK, PBUF_RAM, p);
	else {
		q = p;
		pbuf_ref(q);
	}
	if (q == NULL)
		return;
	if (e->nhold == NB_HOLD) {      /* the oldest goes */
		pbuf_free(e->hold[0]);
		memmove(e->hold, e->hold + 1, (NB_HOLD - 1) * sizeof(q));
		e->nhold--;
	}
	e->hold[e->nhold++] = q;
}

void
nbr_release(struct nbr *e)
{
	uint16_t type = e->family == AF_INET ? ETHTYPE_IP : ETHTYPE_IPV6;
	unsigned i, n = e->nhold;

	e->nhold = 0;
	for (i = 0; i < n; i++) {
		nbr_send(e->ifp, e->hold[i], e->mac, type);
		pbuf_free(e->hold[i]);
	}
}

/* ---- purging ---- */

static int
in_prefix(const uint8_t *a, const uint8_t *p, int plen)
{
	int full = plen / 8;

	if (memcmp(a, p, (size_t)full) != 0)
		return 0;
	return plen % 8 == 0 ||
	    ((a[full] ^ p[full]) & (0xff00 >> (plen % 8))) == 0;
}

void
nbr_purge(const struct ifnet *ifp, int family, const uint8_t *prefix,
    int plen)
{
	struct nbr *e, *next;
	unsigned i;

	for (i = 0; i < NB_BUCKETS; i++)
		for (e = bucket[i]; e != NULL; e = next) {
			next = e->next;
			if ((ifp != NULL && e->ifp != ifp) ||
			    (family != 0 && e->family != family) ||
			    (e->flags & NB_STATIC) ||
			    (plen > 0 && !in_prefix(e->addr, prefix, plen)))
				continue;
			nbr_free(e);
		}
}

/* Is a on a subnet of one of ifp's addresses of the family? */
static int
onlink_on(struct ifnet *ifp, int family, const uint8_t *a)
{
	struct netif *n = &ifp->netif;
	struct ifalias *al;
	ip4_addr_t ip;
	int i;

	if (family == AF_INET) {
		memcpy(&ip.addr, a, 4);
		if (!ip4_addr_isany_val(*netif_ip4_addr(n)) &&
		    ip4_addr_netcmp(&ip, netif_ip4_addr(n), netif_ip4_netmask(n)))
			return 1;
		for (al = ifp->aliases; al != NULL; al = al->next)
			if (in_prefix(a, (const uint8_t *)
			    &netif_ip4_addr(&al->netif)->addr, al->plen))
				return 1;
		return 0;
	}
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
		return 1;               /* link-local: the link's own */
	for (i = 0; i < LWIP_IPV6_NUM_ADDRESSES; i++)
		if (!ip6_addr_isinvalid(netif_ip6_addr_state(n, i)) &&
		    in_prefix(a, (const uint8_t *)netif_ip6_addr(n, i)->addr,
		    ifp->v6plen[i] ? ifp->v6plen[i] : 64))
			return 1;
	return 0;
}

void
neigh_prune(struct ifnet *ifp)
{
	struct nbr *e, *next;
	unsigned i;

	for (i = 0; i < NB_BUCKETS; i++)
		for (e = bucket[i]; e != NULL; e = next) {
			next = e->next;
			if (e->ifp == ifp && !(e->flags & NB_STATIC) &&
			    !onlink_on(ifp, e->family, e->addr))
				nbr_free(e);
		}
}

void
neigh_ifnet_gone(struct ifnet *ifp)
{
	struct nbr *e, *next;
	unsigned i;

	for (i = 0; i < NB_BUCKETS; i++)
		for (e = bucket[i]; e != NULL; e = next) {
			next = e->next;
			if (e->ifp == ifp)
				nbr_free(e);
		}
}

/* ---- the view: rump.arp, rump.ndp ---- */

static int
nbcmp(const void *a, const void *b)
{
	const struct rump_neigh *x = a, *y = b;
	int c;

	if (x->family != y->family)
		return x->family - y->family;
	if ((c = memcmp(x->addr, y->addr, 16)) != 0)
		return c;
	return strcmp(x->ifname, y->ifname);
}

static void
fill(struct rump_neigh *nb, const struct nbr *e, uint64_t now)
{
	memset(nb, 0, sizeof(*nb));
	nb->family = e->family;
	nb->state = e->state;
	nb->flags = e->flags & (NB_STATIC | NB_ROUTER | NB_PUBLISHED);
	memcpy(nb->addr, e->addr, alen(e->family));
	memcpy(nb->mac, e->mac, 6);
	snprintf(nb->ifname, sizeof(nb->ifname), "%s", e->ifp->name);
	if (e->expire == 0)
		nb->expire = -1;
	else
		nb->expire = e->expire > now ?
		    (int32_t)((e->expire - now + 999) / 1000) : 0;
}

static int
list_locked(int family, struct rump_neigh *out, int max)
{
	struct nbr *e;
	uint64_t now = nbr_now();
	unsigned i;
	int n = 0;

	for (i = 0; i < NB_BUCKETS; i++)
		for (e = bucket[i]; e != NULL; e = e->next) {
			if (family != 0 && e->family != family)
				continue;
			if (n < max)
				fill(&out[n], e, now);
			n++;
		}
	return n;
}

int
neigh_list(int family, struct rump_neigh *out, int max)
{
	int n;

	netstack_lock();
	n = list_locked(family, out, max);
	netstack_unlock();
	qsort(out, (size_t)(n < max ? n : max), sizeof(*out), nbcmp);
	return n;
}

/*
 * The resolved neighbours as NetBSD's routing table shows them: host
 * routes UHL (UHLS when permanent) whose gateway is the neighbour's
 * MAC.  Core lock held; put() is route.c's.
 */
void
neigh_routes(int family, void (*put)(void *, const struct rump_neigh *),
    void *arg)
{
	struct rump_neigh nb;
	struct nbr *e;
	uint64_t now = nbr_now();
	unsigned i;

	for (i = 0; i < NB_BUCKETS; i++)
		for (e = bucket[i]; e != NULL; e = e->next) {
			if (e->family != family ||
			    e->state == RUMP_ND_INCOMPLETE ||
			    (e->flags & NB_PUBLISHED))
				continue;
			fill(&nb, e, now);
			put(arg, &nb);
		}
}

static struct ifnet *
ether_byname(const char *name)
{
	struct netif *n;
	struct ifnet *ifp;

	NETIF_FOREACH(n)
		if ((ifp = n->state) != NULL && &ifp->netif == n &&
		    ifp->kind != NULL && strcmp(ifp->name, name) == 0)
			return ifp;
	return NULL;
}

/*
 * The Ethernet interface whose subnet holds the IPv4 address a: the one
 * its route leaves by, as NetBSD's arp -s finds it (RTM_GET).  Of two
 * interfaces on one subnet that is the route's, not the one that has a
 * as its own address: a published entry for the address of a tap behind
 * the node goes where the requests for it come in.  With no such route
 * (the interface is down), the first interface with the subnet.
 */
static struct ifnet *
onlink4(const uint8_t *a)
{
	struct rtres r;
	struct netif *n;
	struct ifnet *ifp;
	ip4_addr_t ip;

	memcpy(&ip.addr, a, 4);
	if (route_lookup4(&ip, &r) == 0 && r.netif != NULL &&
	    !(r.flags & RUMP_RTF_GATEWAY) && (ifp = r.netif->state) != NULL &&
	    ifp->kind != NULL)
		return ifp;
	NETIF_FOREACH(n) {
		if ((ifp = n->state) == NULL || ifp->kind == NULL ||
		    ip4_addr_isany_val(*netif_ip4_addr(n)))
			continue;
		if (ip4_addr_netcmp(&ip, netif_ip4_addr(n), netif_ip4_netmask(n)))
			return ifp;
	}
	return NULL;
}

/* The same for IPv6, by the prefixes of the interfaces' addresses. */
static struct ifnet *
onlink6(const uint8_t *a)
{
	struct netif *n;
	struct ifnet *ifp;
	int i;

	NETIF_FOREACH(n) {
		if ((ifp = n->state) == NULL || &ifp->netif != n ||
		    ifp->kind == NULL)
			continue;
		for (i = 0; i < LWIP_IPV6_NUM_ADDRESSES; i++)
			if (!ip6_addr_isinvalid(netif_ip6_addr_state(n, i)) &&
			    in_prefix(a, (const uint8_t *)netif_ip6_addr(n,
			    i)->addr, ifp->v6plen[i] ? ifp->v6plen[i] : 64))
				return ifp;
	}
	return NULL;
}

static int
set_locked(const struct rump_neigh *nb)
{
	struct ifnet *ifp;
	struct nbr *e;

	if (nb->ifname[0] != '\0')
		ifp = ether_byname(nb->ifname);
	else
		ifp = nb->family == AF_INET ? onlink4(nb->addr) :
		    onlink6(nb->addr);
	if (ifp == NULL)
		return nb->ifname[0] != '\0' ? -ENXIO : -ENETUNREACH;
	if ((e = nbr_lookup(ifp, nb->family, nb->addr)) != NULL &&
	    (e->flags & NB_STATIC))
		return -EEXIST;         /* NetBSD keeps a permanent entry */
	if (e == NULL && (e = nbr_create(ifp, nb->family, nb->addr)) == NULL)
		return -ENOMEM;
	set_flags(e, nb->flags & (NB_STATIC | NB_PUBLISHED));
	memcpy(e->mac, nb->mac, 6);
	e->state = RUMP_ND_REACHABLE;
	e->asked = 0;
	nbr_expire_in(e, (nb->flags & NB_STATIC) ? 0 : NB_TEMP_MS);
	nbr_release(e);
	return 0;
}

int
neigh_set(const struct rump_neigh *nb)
{
	int error;

	if (nb->family == AF_INET6 && !netstack_inet6())
		return -EAFNOSUPPORT;
	if (nb->family != AF_INET && nb->family != AF_INET6)
		return -EAFNOSUPPORT;
	netstack_lock();
	error = set_locked(nb);
	netstack_poke();
	netstack_unlock();
	return error;
}

/* Every entry for the address (on every interface, or the one named). */
int
neigh_delete(const struct rump_neigh *nb)
{
	struct nbr *e, *next;
	unsigned i;
	int k = 0;

	if (nb->family != AF_INET && nb->family != AF_INET6)
		return -EAFNOSUPPORT;
	netstack_lock();
	for (i = 0; i < NB_BUCKETS; i++)
		for (e = bucket[i]; e != NULL; e = next) {
			next = e->next;
			if (e->family != nb->family ||
			    memcmp(e->addr, nb->addr, alen(nb->family)) != 0 ||
			    (nb->ifname[0] != '\0' &&
			    strcmp(nb->ifname, e->ifp->name) != 0))
				continue;
			nbr_free(e);
			k++;
		}
	netstack_unlock();
	return k > 0 ? 0 : -ESRCH;
}

/*
 * NetBSD's arp -d -a deletes every ARP entry, permanent ones too; its
 * ndp -c flushes the dynamic IPv6 ones and keeps the permanent.
 */
int
neigh_flush(int family)
{
	struct nbr *e, *next;
	unsigned i;
	int k = 0;

	netstack_lock();
	for (i = 0; i < NB_BUCKETS; i++)
		for (e = bucket[i]; e != NULL; e = next) {
			next = e->next;
			if ((family != 0 && e->family != family) ||
			    (e->family == AF_INET6 && (e->flags & NB_STATIC)))
				continue;
			nbr_free(e);
			k++;
		}
	netstack_unlock();
	return k;
}
