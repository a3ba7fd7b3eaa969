/*
 * arp.c — ARP (RFC 826) for the node's Ethernet interfaces, in place of
 * lwIP's etharp: requests and replies in, resolution of the next hops
 * the routing glue sends to, and what an entry's timer means, as in
 * NetBSD's netinet/if_arp.c:
 *
 *  - A packet to an unknown next hop makes an INCOMPLETE entry, is held
 *    (up to NB_HOLD packets, the oldest dropped first) and a request is
 *    broadcast; the request is repeated every second, at most
 *    ARP_MAXTRIES times in all.  Then the entry is held down for
 *    net.inet.arp.down seconds (20): packets to it fail at once and no
 *    request is sent; after that it goes.
 *  - A reply or request from a neighbour with an entry on the interface
 *    it came in by sets the entry's address (a permanent entry is kept,
 *    with a message), and the entry lives net.inet.arp.keep seconds
 *    (1200) from then; at the end it goes.  A request for one of the
 *    interface's own addresses also makes an entry for its sender, so
 *    that the answer to what follows needs no request of its own.
 *  - A request for an address of the interface it came in by (the
 *    primary address or an alias) is answered, and so is one for a
 *    published entry on that interface (proxy ARP).
 *  - An interface marked -arp (NOARP) resolves nothing: packets to a
 *    next hop it has no entry for are dropped.
 *
 * ether.c hands every ARP frame here (not to lwIP), once per interface;
 * ipfwd.c sends unicast IPv4 through arp_output().  Core lock held.
 */
#include <string.h>
#include <sys/socket.h>

#include "lwip/etharp.h"
#include "lwip/prot/ethernet.h"
#include "lwip/prot/etharp.h"

#include "kernel/klog.h"
#include "netcomp/ifnet_var.h"
#include "netcomp/neigh.h"
#include "netcomp/netinet.h"

#define ARP_MAXTRIES    5       /* NetBSD's arp_maxtries */
#define ARP_REXMIT_MS   1000u
#define ARP_LEN         28
#define ETH_HLEN        14

static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t zeros[6];

struct arpmsg {
	uint16_t op;
	const uint8_t *sha, *spa, *tha, *tpa;
};

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

struct netif *
arp_own(struct ifnet *ifp, const ip4_addr_t *ip)
{
	struct ifalias *al;

	if (!ip4_addr_isany_val(*netif_ip4_addr(&ifp->netif)) &&
	    ip4_addr_cmp(ip, netif_ip4_addr(&ifp->netif)))
		return &ifp->netif;
	for (al = ifp->aliases; al != NULL; al = al->next)
		if (ip4_addr_cmp(ip, netif_ip4_addr(&al->netif)))
			return &al->netif;
	return NULL;
}

/* One ARP frame out of ifp to dst. */
static void
arp_send(struct ifnet *ifp, const uint8_t *dst, uint16_t op,
    const uint8_t *sha, const uint8_t *spa, const uint8_t *tha,
    const uint8_t *tpa)
{
	struct pbuf *p;
	uint8_t *b;

	if ((p = pbuf_alloc(PBUF_RAW, ETH_HLEN + ARP_LEN, PBUF_RAM)) == NULL)
		return;
	b = p->payload;
	memcpy(b, dst, 6);
	memcpy(b + 6, ifp->mac, 6);
	b[12] = 0x08;
	b[13] = 0x06;
	b += ETH_HLEN;
	b[0] = 0;                       /* Ethernet */
	b[1] = 1;
	b[2] = 0x08;                    /* IPv4 */
	b[3] = 0x00;
	b[4] = 6;
	b[5] = 4;
	b[6] = (uint8_t)(op >> 8);
	b[7] = (uint8_t)op;
	memcpy(b + 8, sha, 6);
	memcpy(b + 14, spa, 4);
	memcpy(b + 18, tha, 6);
	memcpy(b + 24, tpa, 4);
	ifp->netif.linkoutput(&ifp->netif, p);
	pbuf_free(p);
}

/* "who-has e tell src", src an address of the netif the packet left by. */
static void
request(struct nbr *e, const ip4_addr_t *src)
{
	arp_send(e->ifp, bcast, ARP_REQUEST, e->ifp->mac,
	    (const uint8_t *)&src->addr, zeros, e->addr);
	e->asked++;
}

/* The source for a request about e: an address of the interface on
 * e's subnet, else its first. */
static const ip4_addr_t *
request_src(struct nbr *e)
{
	struct ifalias *al;
	ip4_addr_t a;

	memcpy(&a.addr, e->addr, 4);
	for (al = e->ifp->aliases; al != NULL; al = al->next)
		if (ip4_addr_netcmp(&a, netif_ip4_addr(&al->netif),
		    netif_ip4_netmask(&al->netif)))
			return netif_ip4_addr(&al->netif);
	return netif_ip4_addr(&e->ifp->netif);
}

err_t
arp_output(struct netif *n, struct pbuf *p, const ip4_addr_t *nh)
{
	struct ifnet *ifp = n->state;
	struct nbr *e;

	e = nbr_lookup(ifp, AF_INET, (const uint8_t *)&nh->addr);
	if (e != NULL && e->state != RUMP_ND_INCOMPLETE)
		return nbr_send(ifp, p, e->mac, ETHTYPE_IP);
	if (e == NULL) {
		if ((ifp->uflags & RUMP_IFF_NOARP) ||
		    (e = nbr_create(ifp, AF_INET,
		    (const uint8_t *)&nh->addr)) == NULL)
			return ERR_RTE;
		nbr_hold(e, p);
		request(e, ip4_addr_isany_val(*netif_ip4_addr(n)) ?
		    request_src(e) : netif_ip4_addr(n));
		nbr_expire_in(e, ARP_REXMIT_MS);
		return ERR_OK;
	}
	if (e->flags & NB_DOWN)
		return ERR_RTE;         /* held down: EHOSTUNREACH */
	nbr_hold(e, p);
	return ERR_OK;
}

void
arp_timeout(struct nbr *e, uint64_t now)
{
	(void)now;
	if (e->state == RUMP_ND_INCOMPLETE && !(e->flags & NB_DOWN)) {
		if (e->asked < ARP_MAXTRIES) {
			request(e, request_src(e));
			nbr_expire_in(e, ARP_REXMIT_MS);
			return;
		}
		/* No answer: hold it down, its packets are lost. */
		e->flags |= NB_DOWN;
		while (e->nhold > 0)
			pbuf_free(e->hold[--e->nhold]);
		nbr_expire_in(e, (uint64_t)netstack_knob(NK_ARP_DOWN) * 1000u);
		return;
	}
	nbr_free(e);                    /* arp.keep or arp.down ran out */
}

/* The neighbour at spa has address sha: learn it, create it if asked. */
static void
learn(struct ifnet *ifp, const struct arpmsg *m, int create)
{
	char a[16];
	struct nbr *e;

	if ((e = nbr_lookup(ifp, AF_INET, m->spa)) == NULL) {
		if (!create || (ifp->uflags & RUMP_IFF_NOARP) ||
		    (e = nbr_create(ifp, AF_INET, m->spa)) == NULL)
			return;
	} else if (memcmp(e->mac, m->sha, 6) != 0 &&
	    e->state != RUMP_ND_INCOMPLETE) {
		ip4addr_ntoa_r((const ip4_addr_t *)(const void *)m->spa, a,
		    sizeof(a));
		if (e->flags & NB_STATIC) {
			klog(KLOG_INFO, "arp: %s: attempt to overwrite "
			    "permanent entry on %s", a, ifp->name);
			return;
		}
		klog(KLOG_INFO, "arp: %s moved on %s", a, ifp->name);
	}
	if (e->flags & (NB_STATIC | NB_PUBLISHED))
		return;
	memcpy(e->mac, m->sha, 6);
	e->state = RUMP_ND_REACHABLE;
	e->flags &= (uint16_t)~NB_DOWN;
	e->asked = 0;
	nbr_expire_in(e, (uint64_t)netstack_knob(NK_ARP_KEEP) * 1000u);
	nbr_release(e);
}

/* A request for tpa on ifp: ours, or published here? */
static void
answer(struct ifnet *ifp, const struct arpmsg *m, int ours)
{
	struct nbr *pub;
	const uint8_t *mac = ifp->mac;

	if (!ours) {
		pub = nbr_lookup(ifp, AF_INET, m->tpa);
		if (pub == NULL || !(pub->flags & NB_PUBLISHED))
			return;
		mac = pub->mac;
	}
	arp_send(ifp, m->sha, ARP_REPLY, mac, m->tpa, m->sha, m->spa);
}

/* p: an ARP frame (Ethernet header included) that came in by ifp. */
void
arp_input(struct ifnet *ifp, struct pbuf *p)
{
	const uint8_t *b = (const uint8_t *)p->payload + ETH_HLEN;
	struct arpmsg m;
	ip4_addr_t spa, tpa;
	int ours;

	if (p->len < ETH_HLEN + ARP_LEN || get16(b) != 1 ||
	    get16(b + 2) != 0x0800 || b[4] != 6 || b[5] != 4)
		goto done;
	m.op = get16(b + 6);
	m.sha = b + 8;
	m.spa = b + 14;
	m.tha = b + 18;
	m.tpa = b + 24;
	if ((m.op != ARP_REQUEST && m.op != ARP_REPLY) ||
	    (m.sha[0] & 1) || memcmp(m.sha, ifp->mac, 6) == 0)
		goto done;
	memcpy(&spa.addr, m.spa, 4);
	memcpy(&tpa.addr, m.tpa, 4);
	ours = arp_own(ifp, &tpa) != NULL;
	if (!ip4_addr_isany_val(spa) && arp_own(ifp, &spa) == NULL &&
	    !ip4_addr_ismulticast(&spa) && !ip4_addr_isbroadcast(&spa,
	    &ifp->netif))
		learn(ifp, &m, ours);
	if (m.op == ARP_REQUEST && !(ifp->uflags & RUMP_IFF_NOARP))
		answer(ifp, &m, ours);
done:
	pbuf_free(p);
}
