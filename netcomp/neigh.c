/*
 * neigh.c — the neighbour caches as rump.arp and rump.ndp see them: the
 * ARP table (lwIP's, plus static entries kept here) and the IPv6
 * neighbour cache (lwIP's neighbor_cache).
 *
 * Debian's lwIP is built without ETHARP_SUPPORT_STATIC_ENTRIES, keeps at
 * most ARP_TABLE_SIZE (10) dynamic entries for the whole node (compiled
 * into liblwip.so: the eleventh neighbour evicts the oldest), does not
 * tell their age, and has no call to drop one entry.  So static entries
 * of both families live here and ipfwd.c's output paths use them before
 * ARP or ND (no request or solicitation is ever sent for them); a
 * dynamic ARP entry is listed without an expiry; and one is deleted by
 * marking its slot empty through the pointer etharp_get_entry() hands
 * out into lwIP's table (arp_forget(), which checks the layout first and
 * else falls back to flushing the interface's dynamic entries).  The ND
 * cache (LWIP_ND6_NUM_NEIGHBORS, 10) is a global array lwIP exports; its
 * entries are read and dropped in place.
 *
 * Lock: the core lock, for lwIP's tables and for the static entries.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "lwip/etharp.h"
#include "lwip/memp.h"
#include "lwip/nd6.h"
#include "lwip/netif.h"
#include "lwip/priv/nd6_priv.h"
#include "lwip/prot/ip6.h"

#include "netcomp/ifnet_var.h"
#include "netcomp/netinet.h"
#include "netcomp/route.h"

#define NSTATIC 64

struct sarp {
	char ifname[RUMP_IFNAMSIZ];     /* "": free */
	ip4_addr_t ip;
	uint8_t mac[6];
};

struct snd {
	char ifname[RUMP_IFNAMSIZ];     /* "": free */
	uint8_t addr[16];
	uint8_t mac[6];
};

static struct sarp sarp[NSTATIC];       /* core lock */
static struct snd snd[NSTATIC];         /* core lock */

/*
 * lwIP 2.1's private ARP entry, as etharp.c declares it (ARP_QUEUEING
 * makes q a list, still one pointer).  Only used to find the state byte
 * of the entry etharp_get_entry() points into, after checking that the
 * other pointers it returns sit where this layout says.
 */
struct arpent_layout {
	void *q;
	ip4_addr_t ipaddr;
	struct netif *netif;
	struct eth_addr ethaddr;
	u16_t ctime;
	u8_t state;
};
#define ARPENT_ETH      (offsetof(struct arpent_layout, ethaddr) - \
	offsetof(struct arpent_layout, ipaddr))
#define ARPENT_STATE    (offsetof(struct arpent_layout, state) - \
	offsetof(struct arpent_layout, ipaddr))
#define ARPST_EMPTY     0       /* lwIP's ETHARP_STATE_EMPTY */
#define ARPST_STABLE    2       /* ETHARP_STATE_STABLE ... */
#define ARPST_STABLE_RR2 4      /* ... STABLE_REREQUESTING_2 */

const uint8_t *
neigh_static4(const struct netif *n, const ip4_addr_t *ip)
{
	const char *name = route_ifname(n);
	int i;

	for (i = 0; i < NSTATIC; i++)
		if (sarp[i].ifname[0] != '\0' && ip4_addr_cmp(&sarp[i].ip, ip) &&
		    strcmp(sarp[i].ifname, name) == 0)
			return sarp[i].mac;
	return NULL;
}

const uint8_t *
neigh_static6(const struct netif *n, const ip6_addr_t *ip)
{
	const char *name = route_ifname(n);
	int i;

	for (i = 0; i < NSTATIC; i++)
		if (snd[i].ifname[0] != '\0' &&
		    memcmp(snd[i].addr, ip->addr, 16) == 0 &&
		    strcmp(snd[i].ifname, name) == 0)
			return snd[i].mac;
	return NULL;
}

static struct snd *
snd_find(const uint8_t *addr)
{
	int i;

	for (i = 0; i < NSTATIC; i++)
		if (snd[i].ifname[0] != '\0' &&
		    memcmp(snd[i].addr, addr, 16) == 0)
			return &snd[i];
	return NULL;
}

static struct sarp *
sarp_find(const ip4_addr_t *ip)
{
	int i;

	for (i = 0; i < NSTATIC; i++)
		if (sarp[i].ifname[0] != '\0' && ip4_addr_cmp(&sarp[i].ip, ip))
			return &sarp[i];
	return NULL;
}

/* The interface's own netif whose subnet holds ip. */
static struct netif *
onlink4(const ip4_addr_t *ip)
{
	struct netif *n;
	struct ifnet *ifp;

	NETIF_FOREACH(n) {
		if ((ifp = n->state) == NULL || ifp->kind == NULL ||
		    ip4_addr_isany_val(*netif_ip4_addr(n)))
			continue;
		if (ip4_addr_netcmp(ip, netif_ip4_addr(n), netif_ip4_netmask(n)))
			return &ifp->netif;
	}
	return NULL;
}

static struct netif *
ether_byname(const char *name)
{
	struct netif *n;
	struct ifnet *ifp;

	NETIF_FOREACH(n)
		if ((ifp = n->state) != NULL && &ifp->netif == n &&
		    ifp->kind != NULL && strcmp(ifp->name, name) == 0)
			return n;
	return NULL;
}

/* ---- listing ---- */

struct nlist {
	struct rump_neigh *out;
	int max, n;
};

static struct rump_neigh *
slot(struct nlist *l)
{
	struct rump_neigh *nb = NULL;

	if (l->n < l->max) {
		nb = &l->out[l->n];
		memset(nb, 0, sizeof(*nb));
	}
	l->n++;
	return nb;
}

static void
list4(struct nlist *l)
{
	ip4_addr_t *ip;
	struct netif *n;
	struct eth_addr *eth;
	struct rump_neigh *nb;
	size_t i;

	for (i = 0; i < NSTATIC; i++) {
		if (sarp[i].ifname[0] == '\0' || (nb = slot(l)) == NULL)
			continue;
		nb->family = AF_INET;
		nb->state = RUMP_ND_REACHABLE;
		nb->flags = RUMP_NF_STATIC;
		memcpy(nb->addr, &sarp[i].ip.addr, 4);
		memcpy(nb->mac, sarp[i].mac, 6);
		memcpy(nb->ifname, sarp[i].ifname, RUMP_IFNAMSIZ);
		nb->expire = -1;
	}
	for (i = 0; i < ARP_TABLE_SIZE; i++) {
		if (!etharp_get_entry(i, &ip, &n, &eth) || sarp_find(ip))
			continue;
		if ((nb = slot(l)) == NULL)
			continue;
		nb->family = AF_INET;
		nb->state = RUMP_ND_REACHABLE;
		memcpy(nb->addr, &ip->addr, 4);
		memcpy(nb->mac, eth->addr, 6);
		snprintf(nb->ifname, sizeof(nb->ifname), "%s", route_ifname(n));
		nb->expire = 0;         /* lwIP keeps the age private */
	}
}

static void
list6(struct nlist *l)
{
	struct nd6_neighbor_cache_entry *e;
	struct rump_neigh *nb;
	int i;

	for (i = 0; i < NSTATIC; i++) {
		if (snd[i].ifname[0] == '\0' || (nb = slot(l)) == NULL)
			continue;
		nb->family = AF_INET6;
		nb->state = RUMP_ND_REACHABLE;
		nb->flags = RUMP_NF_STATIC;
		memcpy(nb->addr, snd[i].addr, 16);
		memcpy(nb->mac, snd[i].mac, 6);
		memcpy(nb->ifname, snd[i].ifname, RUMP_IFNAMSIZ);
		nb->expire = -1;
	}
	for (i = 0; i < LWIP_ND6_NUM_NEIGHBORS; i++) {
		e = &neighbor_cache[i];
		if (e->state == ND6_NO_ENTRY ||
		    snd_find((const uint8_t *)e->next_hop_address.addr) != NULL ||
		    (nb = slot(l)) == NULL)
			continue;
		nb->family = AF_INET6;
		nb->state = e->state;
		nb->flags = e->isrouter ? RUMP_NF_ROUTER : 0;
		memcpy(nb->addr, e->next_hop_address.addr, 16);
		memcpy(nb->mac, e->lladdr, 6);
		snprintf(nb->ifname, sizeof(nb->ifname), "%s",
		    route_ifname(e->netif));
		if (e->state == ND6_REACHABLE)
			nb->expire = (int32_t)e->counter.reachable_time;
		else if (e->state == ND6_DELAY)
			nb->expire = (int32_t)e->counter.delay_time;
		else
			nb->expire = -1;
	}
}

int
neigh_list(int family, struct rump_neigh *out, int max)
{
	struct nlist l = { out, max, 0 };

	netstack_lock();
	if (family != AF_INET6)
		list4(&l);
	if (family != AF_INET && netstack_inet6())
		list6(&l);
	netstack_unlock();
	return l.n;
}

/* ---- ND input: what lwIP leaves out of RFC 4861 ----
 *
 * lwIP takes the link-layer address of a Neighbor Solicitation only into
 * an INCOMPLETE entry, so a neighbour that comes back with a new MAC
 * stays unreachable (our answers go to its old MAC) until the entry dies.
 * RFC 4861 7.2.3 (NS) and 7.2.5 (NA with the Override flag) say a
 * different address replaces the cached one and the entry turns STALE;
 * this is done here before lwIP sees the message.  lwIP then does the
 * rest (it answers the NS, confirms a solicited NA).
 */

#define ND_NS           135
#define ND_NA           136
#define ND_OPT_SLLA     1       /* source link-layer address */
#define ND_OPT_TLLA     2       /* target link-layer address */
#define ND_NA_OVERRIDE  0x20

static uint32_t
sum16(uint32_t s, const uint8_t *p, uint32_t n)
{
	uint32_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

/* The ICMPv6 checksum (RFC 8200 8.1 pseudo-header) is right: a damaged
 * message must not change the cache, and lwIP would drop it anyway. */
static int
icmp6_sum_ok(const uint8_t *ip, const uint8_t *icmp, uint32_t len)
{
	uint8_t tail[8] = { 0 };
	uint32_t s;

	tail[0] = (uint8_t)(len >> 24);
	tail[1] = (uint8_t)(len >> 16);
	tail[2] = (uint8_t)(len >> 8);
	tail[3] = (uint8_t)len;
	tail[7] = IP6_NEXTH_ICMP6;
	s = sum16(0, ip + 8, 32);
	s = sum16(s, tail, sizeof(tail));
	s = sum16(s, icmp, len);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s == 0xffff;
}

/* The Ethernet address in the option of type `want`, or NULL. */
static const uint8_t *
nd_lladdr(const uint8_t *opt, uint32_t len, uint8_t want)
{
	uint32_t olen;

	while (len >= 2) {
		olen = (uint32_t)opt[1] * 8;
		if (olen == 0 || olen > len)
			return NULL;    /* malformed: lwIP drops it too */
		if (opt[0] == want && olen >= 8)
			return opt + 2;
		opt += olen;
		len -= olen;
	}
	return NULL;
}

static struct nd6_neighbor_cache_entry *
nd_entry(const struct netif *in, const uint8_t *addr)
{
	struct nd6_neighbor_cache_entry *e;
	int i;

	for (i = 0; i < LWIP_ND6_NUM_NEIGHBORS; i++) {
		e = &neighbor_cache[i];
		if (e->state != ND6_NO_ENTRY && e->netif == in &&
		    memcmp(e->next_hop_address.addr, addr, 16) == 0)
			return e;
	}
	return NULL;
}

/* For this node: multicast or an address of the interface it came in on. */
static int
nd_for_us(struct netif *in, const uint8_t *dst)
{
	ip6_addr_t a;

	memset(&a, 0, sizeof(a));
	memcpy(a.addr, dst, 16);
	return ip6_addr_ismulticast(&a) || netif_get_ip6_addr_match(in, &a) >= 0;
}

void
neigh_nd_input(struct netif *in, const uint8_t *ip, uint32_t len)
{
	static const uint8_t unspec[16];
	const uint8_t *icmp = ip + 40, *who, *ll;
	struct nd6_neighbor_cache_entry *e;
	uint32_t plen;

	if (len < 40 + 24 || ip[6] != IP6_NEXTH_ICMP6 || ip[7] != 255)
		return;
	plen = (uint32_t)(ip[4] << 8 | ip[5]);
	if (plen < 24 || plen > len - 40 || icmp[1] != 0 ||
	    !nd_for_us(in, ip + 24))
		return;
	if (icmp[0] == ND_NS && memcmp(ip + 8, unspec, 16) != 0) {
		who = ip + 8;           /* the solicitor (not doing DAD) */
		ll = nd_lladdr(icmp + 24, plen - 24, ND_OPT_SLLA);
	} else if (icmp[0] == ND_NA && (icmp[4] & ND_NA_OVERRIDE)) {
		who = icmp + 8;         /* the target */
		ll = nd_lladdr(icmp + 24, plen - 24, ND_OPT_TLLA);
	} else
		return;
	if (ll == NULL || (e = nd_entry(in, who)) == NULL ||
	    e->state == ND6_INCOMPLETE || memcmp(e->lladdr, ll, 6) == 0 ||
	    !icmp6_sum_ok(ip, icmp, plen))
		return;
	memcpy(e->lladdr, ll, 6);
	e->state = ND6_STALE;
	e->counter.stale_time = 0;
}

/* ---- changes ---- */

static int
set4(const struct rump_neigh *nb)
{
	struct sarp *s;
	struct netif *n;
	ip4_addr_t ip;
	int i;

	memcpy(&ip.addr, nb->addr, 4);
	n = nb->ifname[0] != '\0' ? ether_byname(nb->ifname) : onlink4(&ip);
	if (n == NULL)
		return nb->ifname[0] != '\0' ? -ENXIO : -ENETUNREACH;
	if ((s = sarp_find(&ip)) == NULL)
		for (i = 0; i < NSTATIC && s == NULL; i++)
			if (sarp[i].ifname[0] == '\0')
				s = &sarp[i];
	if (s == NULL)
		return -ENOSPC;
	snprintf(s->ifname, sizeof(s->ifname), "%s", route_ifname(n));
	s->ip = ip;
	memcpy(s->mac, nb->mac, 6);
	return 0;
}

/* Does addr fall in the prefix of one of n's IPv6 addresses? */
static int
onlink6_on(struct netif *n, const uint8_t *addr)
{
	struct ifnet *ifp = n->state;
	const uint8_t *a;
	int i, plen, full;

	for (i = 0; i < LWIP_IPV6_NUM_ADDRESSES; i++) {
		if (!ip6_addr_isvalid(netif_ip6_addr_state(n, i)) &&
		    !ip6_addr_istentative(netif_ip6_addr_state(n, i)))
			continue;
		a = (const uint8_t *)netif_ip6_addr(n, i)->addr;
		plen = ifp->v6plen[i] ? ifp->v6plen[i] : 64;
		full = plen / 8;
		if (memcmp(a, addr, (size_t)full) == 0 && (plen % 8 == 0 ||
		    ((a[full] ^ addr[full]) & (0xff00 >> (plen % 8))) == 0))
			return 1;
	}
	return 0;
}

/* The Ethernet interface whose subnet holds addr (link-local: none). */
static struct netif *
onlink6(const uint8_t *addr)
{
	struct netif *n;
	struct ifnet *ifp;

	if (addr[0] == 0xfe && (addr[1] & 0xc0) == 0x80)
		return NULL;
	NETIF_FOREACH(n)
		if ((ifp = n->state) != NULL && &ifp->netif == n &&
		    ifp->kind != NULL && onlink6_on(n, addr))
			return n;
	return NULL;
}

static void drop6(struct nd6_neighbor_cache_entry *e);

/* Drop lwIP's own entry for addr (not a default router's): a static
 * entry replaces it, and a deleted one is learnt anew by ND. */
static void
forget6(const uint8_t *addr)
{
	struct nd6_neighbor_cache_entry *e;
	int i;

	for (i = 0; i < LWIP_ND6_NUM_NEIGHBORS; i++) {
		e = &neighbor_cache[i];
		if (e->state != ND6_NO_ENTRY && !e->isrouter &&
		    memcmp(e->next_hop_address.addr, addr, 16) == 0) {
			drop6(e);
			nd6_clear_destination_cache();
		}
	}
}

static int
set6(const struct rump_neigh *nb)
{
	struct snd *s;
	struct netif *n;
	int i;

	n = nb->ifname[0] != '\0' ? ether_byname(nb->ifname) :
	    onlink6(nb->addr);
	if (n == NULL)
		return nb->ifname[0] != '\0' ? -ENXIO : -ENETUNREACH;
	if ((s = snd_find(nb->addr)) == NULL)
		for (i = 0; i < NSTATIC && s == NULL; i++)
			if (snd[i].ifname[0] == '\0')
				s = &snd[i];
	if (s == NULL)
		return -ENOSPC;
	snprintf(s->ifname, sizeof(s->ifname), "%s", route_ifname(n));
	memcpy(s->addr, nb->addr, 16);
	memcpy(s->mac, nb->mac, 6);
	forget6(nb->addr);
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
	error = nb->family == AF_INET ? set4(nb) : set6(nb);
	netstack_unlock();
	return error;
}

/*
 * Empty slot i of lwIP's ARP table.  1 done, 0 no entry there, -1 the
 * table is not laid out as expected (see struct arpent_layout).
 */
static int
arp_forget(size_t i)
{
	ip4_addr_t *ip;
	struct netif *n;
	struct eth_addr *eth;
	uint8_t *state;

	if (!etharp_get_entry(i, &ip, &n, &eth))
		return 0;
	if ((size_t)((uint8_t *)eth - (uint8_t *)ip) != ARPENT_ETH)
		return -1;
	state = (uint8_t *)ip + ARPENT_STATE;
	if (*state < ARPST_STABLE || *state > ARPST_STABLE_RR2)
		return -1;
	*state = ARPST_EMPTY;
	return 1;
}

static int
del4(const ip4_addr_t *ip)
{
	struct sarp *s;
	struct netif *n, *en;
	struct eth_addr *eth;
	ip4_addr_t *eip;
	size_t i;

	if ((s = sarp_find(ip)) != NULL) {
		memset(s, 0, sizeof(*s));
		return 0;
	}
	for (i = 0; i < ARP_TABLE_SIZE; i++) {
		if (!etharp_get_entry(i, &eip, &en, &eth) ||
		    !ip4_addr_cmp(eip, ip))
			continue;
		if (arp_forget(i) >= 0)
			return 0;
		NETIF_FOREACH(n)
			if (n->flags & NETIF_FLAG_ETHARP)
				etharp_cleanup_netif(n);
		return 0;
	}
	return -ESRCH;
}

static void
drop6(struct nd6_neighbor_cache_entry *e)
{
	struct nd6_q_entry *q;

	while ((q = e->q) != NULL) {
		e->q = q->next;
		pbuf_free(q->p);
		memp_free(MEMP_ND6_QUEUE, q);
	}
	memset(e, 0, sizeof(*e));
	e->state = ND6_NO_ENTRY;
}

static int
del6(const uint8_t *addr)
{
	struct nd6_neighbor_cache_entry *e;
	struct snd *s;
	int i;

	if ((s = snd_find(addr)) != NULL) {
		memset(s, 0, sizeof(*s));
		forget6(addr);
		return 0;
	}
	for (i = 0; i < LWIP_ND6_NUM_NEIGHBORS; i++) {
		e = &neighbor_cache[i];
		if (e->state != ND6_NO_ENTRY &&
		    memcmp(e->next_hop_address.addr, addr, 16) == 0) {
			if (e->isrouter)
				return -EBUSY;  /* a default router holds it */
			drop6(e);
			nd6_clear_destination_cache();
			return 0;
		}
	}
	return -ESRCH;
}

int
neigh_delete(const struct rump_neigh *nb)
{
	ip4_addr_t ip;
	int error;

	netstack_lock();
	if (nb->family == AF_INET) {
		memcpy(&ip.addr, nb->addr, 4);
		error = del4(&ip);
	} else if (netstack_inet6())
		error = del6(nb->addr);
	else
		error = -EAFNOSUPPORT;
	netstack_unlock();
	return error;
}

int
neigh_flush(int family)
{
	struct netif *n;
	int i, k = 0;

	netstack_lock();
	if (family != AF_INET6) {
		for (i = 0; i < NSTATIC; i++)
			if (sarp[i].ifname[0] != '\0') {
				memset(&sarp[i], 0, sizeof(sarp[i]));
				k++;
			}
		NETIF_FOREACH(n)
			if (n->flags & NETIF_FLAG_ETHARP)
				etharp_cleanup_netif(n);
	}
	if (family != AF_INET && netstack_inet6()) {
		for (i = 0; i < NSTATIC; i++)
			if (snd[i].ifname[0] != '\0') {
				memset(&snd[i], 0, sizeof(snd[i]));
				k++;
			}
		for (i = 0; i < LWIP_ND6_NUM_NEIGHBORS; i++)
			if (neighbor_cache[i].state != ND6_NO_ENTRY &&
			    !neighbor_cache[i].isrouter) {
				drop6(&neighbor_cache[i]);
				k++;
			}
		nd6_clear_destination_cache();
	}
	netstack_unlock();
	return k;
}
