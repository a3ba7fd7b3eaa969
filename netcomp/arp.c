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
 * Duplicate address detection and announcements (RFC 5227), at NetBSD's
 * moments (ifaddr.c decides which address gets which, as NetBSD's
 * in_ifinit and in_if_link_up/down do):
 *
 *  - DAD: net.inet.ip.dad_count (3) probes "who-has A tell 0.0.0.0",
 *    the first after a random wait of up to PROBE_WAIT, the next
 *    PROBE_MIN..PROBE_MAX apart; ANNOUNCE_WAIT after the last the address
 *    stops being tentative and is announced, ANNOUNCE_NUM times
 *    ANNOUNCE_INTERVAL apart.  An announcement is a broadcast
 *    "who-has A tell A" (a gratuitous ARP).
 *  - A conflict is an ARP from another MAC whose sender address is one
 *    of ours, or a probe (sender 0.0.0.0) for one of ours that is
 *    tentative or duplicated.  A tentative address is then duplicated and
 *    its DAD stops; a valid one is defended with an announcement, unless
 *    it was defended less than DEFEND_INTERVAL ago: then it is duplicated
 *    (with dad_count 0 the conflict is only logged).
 *  - A tentative, duplicated or detached address is not answered for.
 *
 * lwIP's own gratuitous ARP (sent whenever a netif or its link comes up
 * or its address changes) is not sent: etharp_request below takes its
 * place (netcomp/override.h).
 *
 * ether.c hands every ARP frame here (not to lwIP), once per interface;
 * ipfwd.c sends unicast IPv4 through arp_output().  Core lock held.
 */
#include <string.h>
#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>

#include "lwip/etharp.h"
#include "lwip/prot/ethernet.h"
#include "lwip/prot/etharp.h"
#include "lwip/timeouts.h"

#include "kernel/klog.h"
#include "netcomp/ifnet_var.h"
#include "netcomp/neigh.h"
#include "netcomp/netinet.h"

#define ARP_MAXTRIES    5       /* NetBSD's arp_maxtries */
#define ARP_REXMIT_MS   1000u
#define ARP_LEN         28
#define ETH_HLEN        14

/* RFC 5227's constants, in ms (NetBSD's netinet/if_inarp.h has them in
 * seconds). */
#define PROBE_WAIT              1000u   /* before the first probe, at most */
#define PROBE_MIN               1000u   /* between probes */
#define PROBE_MAX               2000u
#define ANNOUNCE_WAIT           2000u   /* after the last probe */
#define ANNOUNCE_NUM            2
#define ANNOUNCE_INTERVAL       2000u
#define DEFEND_INTERVAL         10000u

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

/* The state of ip if it is an address of ifp, else NULL. */
static struct in4dad *
own(struct ifnet *ifp, const ip4_addr_t *ip)
{
	struct ifalias *al;

	if (!ip4_addr_isany_val(*netif_ip4_addr(&ifp->netif)) &&
	    ip4_addr_cmp(ip, netif_ip4_addr(&ifp->netif)))
		return &ifp->dad4;
	for (al = ifp->aliases; al != NULL; al = al->next)
		if (ip4_addr_cmp(ip, netif_ip4_addr(&al->netif)))
			return &al->dad;
	return NULL;
}

struct netif *
arp_own(struct ifnet *ifp, const ip4_addr_t *ip)
{
	struct in4dad *d = own(ifp, ip);

	return d != NULL ? d->n : NULL;
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

/* ---- duplicate address detection and announcements ---- */

static struct in4dad *dad_list;         /* steps to come, in no order */
static uint64_t dad_armed;              /* when dad_tmr fires; 0: not */

static void dad_tmr(void *arg);

/* A random wait in [lo, hi) ms: rand() is seeded per node (stack.c). */
static uint32_t
between(uint32_t lo, uint32_t hi)
{
	return lo + (uint32_t)rand() % (hi - lo);
}

/* One lwIP timeout for the earliest step of all. */
static void
dad_arm(void)
{
	struct in4dad *d;
	uint64_t first = 0, now = nbr_now();

	for (d = dad_list; d != NULL; d = d->next)
		if (first == 0 || d->at < first)
			first = d->at;
	if (first == dad_armed)
		return;
	if (dad_armed != 0)
		sys_untimeout(dad_tmr, NULL);
	dad_armed = first;
	if (first != 0)
		sys_timeout(first > now ? (u32_t)(first - now) : 1, dad_tmr,
		    NULL);
}

uint32_t
arp_dad_quiet_for(void)
{
	uint64_t now;

	if (dad_armed == 0)
		return UINT32_MAX;
	now = nbr_now();
	return dad_armed <= now ? 0 : (uint32_t)(dad_armed - now);
}

static void
dad_unlink(struct in4dad *d)
{
	struct in4dad **pp;

	for (pp = &dad_list; *pp != NULL; pp = &(*pp)->next)
		if (*pp == d) {
			*pp = d->next;
			break;
		}
	d->next = NULL;
	d->at = 0;
}

/* d's next step in ms (the caller arms the timer). */
static void
dad_later(struct in4dad *d, uint32_t ms)
{
	if (d->at == 0) {
		d->next = dad_list;
		dad_list = d;
	}
	d->at = nbr_now() + ms + 1;     /* never 0 */
}

static void
addr_text(const struct in4dad *d, char *buf, size_t len)
{
	ip4addr_ntoa_r(netif_ip4_addr(d->n), buf, (int)len);
}

void
arp_announce(struct in4dad *d)
{
	struct ifnet *ifp = d->n->state;
	const uint8_t *a = (const uint8_t *)&netif_ip4_addr(d->n)->addr;

	arp_send(ifp, bcast, ARP_REQUEST, ifp->mac, a, zeros, a);
}

/* "who-has A tell 0.0.0.0", from our MAC (RFC 5227 2.1.1). */
static void
probe(struct in4dad *d)
{
	struct ifnet *ifp = d->n->state;

	arp_send(ifp, bcast, ARP_REQUEST, ifp->mac, zeros, zeros,
	    (const uint8_t *)&netif_ip4_addr(d->n)->addr);
}

/* d's step is due (it is off the list): probe, or end DAD, or announce. */
static void
dad_step(struct in4dad *d)
{
	char a[16];

	if (d->probes < d->count) {
		probe(d);
		d->probes++;
		dad_later(d, d->probes < d->count ?
		    between(PROBE_MIN, PROBE_MAX) : ANNOUNCE_WAIT);
		return;
	}
	if (d->announces == 0) {
		d->flags &= (uint8_t)~IN4_TENTATIVE;
		addr_text(d, a, sizeof(a));
		klog(KLOG_DEBUG, "%s: DAD complete for %s - no duplicates "
		    "found", ((struct ifnet *)d->n->state)->name, a);
	}
	arp_announce(d);
	if (++d->announces < ANNOUNCE_NUM)
		dad_later(d, ANNOUNCE_INTERVAL);
}

static void
dad_tmr(void *arg)
{
	struct in4dad *d;
	uint64_t now = nbr_now();

	(void)arg;
	dad_armed = 0;
again:
	for (d = dad_list; d != NULL; d = d->next)
		if (d->at <= now) {
			dad_unlink(d);
			dad_step(d);
			goto again;     /* d may be back at the head */
		}
	dad_arm();
}

void
arp_dad_start(struct in4dad *d)
{
	arp_dad_stop(d);
	d->flags &= (uint8_t)~(IN4_DUPLICATED | IN4_DETACHED | IN4_ANNOUNCE);
	d->probes = d->announces = 0;
	d->count = (uint8_t)netstack_knob(NK_IP_DAD_COUNT);
	if (d->count == 0) {    /* nothing to check: valid, and said so */
		d->flags &= (uint8_t)~IN4_TENTATIVE;
		arp_announce(d);
		return;
	}
	d->flags |= IN4_TENTATIVE;
	dad_later(d, between(0, PROBE_WAIT));
	dad_arm();
}

void
arp_dad_stop(struct in4dad *d)
{
	if (d->at == 0)
		return;
	dad_unlink(d);
	dad_arm();
}

/* Another node (sha) uses d's address: NetBSD's arp_dad_duplicated. */
static void
duplicated(struct in4dad *d, const uint8_t *sha)
{
	const char *ifname = ((struct ifnet *)d->n->state)->name;
	uint64_t now = nbr_now();
	char a[16], mac[18];

	addr_text(d, a, sizeof(a));
	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", sha[0],
	    sha[1], sha[2], sha[3], sha[4], sha[5]);
	if (d->flags & (IN4_TENTATIVE | IN4_DUPLICATED))
		klog(KLOG_ERR, "%s: DAD duplicate address %s from %s",
		    ifname, a, mac);
	else if (d->defended == 0 || now - d->defended >= DEFEND_INTERVAL) {
		d->defended = now;
		arp_announce(d);
		klog(KLOG_ERR, "%s: DAD defended address %s from %s",
		    ifname, a, mac);
		return;
	} else if (netstack_knob(NK_IP_DAD_COUNT) == 0) {
		klog(KLOG_ERR, "%s: DAD ignoring duplicate address %s from "
		    "%s", ifname, a, mac);
		return;
	} else
		klog(KLOG_ERR, "%s: DAD defence failed for %s from %s",
		    ifname, a, mac);
	arp_dad_stop(d);
	d->flags = (uint8_t)((d->flags & ~IN4_TENTATIVE) | IN4_DUPLICATED);
}

/* Is m a conflict with one of ifp's addresses?  Then it is handled. */
static int
conflict(struct ifnet *ifp, const struct arpmsg *m, const ip4_addr_t *spa,
    const ip4_addr_t *tpa)
{
	struct in4dad *d;

	if (!ip4_addr_isany_val(*spa) && (d = own(ifp, spa)) != NULL) {
		duplicated(d, m->sha);
		return 1;
	}
	if (ip4_addr_isany_val(*spa) && (d = own(ifp, tpa)) != NULL &&
	    (d->flags & (IN4_TENTATIVE | IN4_DUPLICATED))) {
		duplicated(d, m->sha);
		return 1;
	}
	return 0;
}

/*
 * lwIP's etharp_request (override.h: REPLACE).  lwIP's netif.c calls it
 * for a gratuitous ARP whenever a netif or its link comes up or its
 * address changes; when the node announces an address is this file's
 * to decide, so a request for the netif's own address is not sent.  Any
 * other is sent as lwIP's would be (lwIP's ARP table, its only other
 * user, is never filled: resolution is arp_output's).
 */
err_t
etharp_request(struct netif *n, const ip4_addr_t *ip)
{
	struct ifnet *ifp = n->state;

	if (!(n->flags & NETIF_FLAG_ETHARP))
		return ERR_ARG;
	if (ip4_addr_cmp(ip, netif_ip4_addr(n)))
		return ERR_OK;
	arp_send(ifp, bcast, ARP_REQUEST, ifp->mac,
	    (const uint8_t *)&netif_ip4_addr(n)->addr, zeros,
	    (const uint8_t *)&ip->addr);
	return ERR_OK;
}

/* A request for tpa on ifp: ours, or published here? */
static void
answer(struct ifnet *ifp, const struct arpmsg *m, int ours)
{
	struct nbr *pub;
	const uint8_t *mac = ifp->mac;
	struct in4dad *d;
	ip4_addr_t tpa;

	if (ours) {
		memcpy(&tpa.addr, m->tpa, 4);
		if ((d = own(ifp, &tpa)) != NULL && (d->flags &
		    (IN4_TENTATIVE | IN4_DUPLICATED | IN4_DETACHED)))
			return;         /* not ours to give yet, or any more */
	} else {
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
	if (conflict(ifp, &m, &spa, &tpa))
		goto done;
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
