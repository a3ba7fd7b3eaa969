/*
 * neigh.h — the node's neighbour table (neigh.c) and the two protocols
 * that fill it, ARP (arp.c) and IPv6 neighbour discovery (nd6.c), which
 * take the place of lwIP's: Debian's liblwip.so is built with ten
 * entries for each family (ARP_TABLE_SIZE, LWIP_ND6_NUM_NEIGHBORS), so a
 * router on a LAN of thirty hosts resolved most of them again on every
 * exchange.  lwIP types inside: netcomp glue only.
 *
 * An entry is one neighbour on one interface (the same address may be
 * known on two interfaces of one link, as NetBSD's per-interface lltables
 * know it).  Its state and timers are NetBSD's (see neigh.c); the
 * protocols decide what happens when an entry's timer runs out.
 *
 * Lock: lwIP's core lock, for everything here.  The table's timer runs on
 * the tcpip thread; other threads that arm it (a received batch, a socket
 * send, a configuration call) call netstack_poke() afterwards, as every
 * path into the stack already does.
 */
#ifndef RUMPLAB_NETCOMP_NEIGH_H
#define RUMPLAB_NETCOMP_NEIGH_H

#include <stdint.h>

#include "lwip/ip4_addr.h"
#include "lwip/ip6_addr.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"

#include "kernel/rumpclient.h"

struct ifnet;

/* States: RUMP_ND_INCOMPLETE ... RUMP_ND_PROBE (rumpclient.h). */
#define NB_STATIC       RUMP_NF_STATIC     /* by hand, never expires */
#define NB_ROUTER       RUMP_NF_ROUTER     /* IPv6: a router said so */
#define NB_PUBLISHED    RUMP_NF_PUBLISHED  /* answered for (proxy) */
#define NB_DOWN         0x8000             /* ARP gave up: held down */

#define NB_HOLD         16      /* packets kept while resolving */

struct nbr {
	struct nbr *next;               /* hash chain */
	struct ifnet *ifp;
	uint8_t family;                 /* AF_INET, AF_INET6 */
	uint8_t state;
	uint16_t flags;
	uint8_t addr[16];               /* IPv4 in the first 4 */
	uint8_t mac[6];
	uint8_t asked;                  /* requests sent in this state */
	uint8_t nhold;
	uint64_t expire;                /* mono ms of the state's end; 0 never */
	uint64_t born;                  /* mono ms, for the IPv6 GC */
	struct pbuf *hold[NB_HOLD];     /* oldest first */
};

/* neigh.c: the table. */
uint64_t     nbr_now(void);                     /* mono ms */
struct nbr  *nbr_lookup(const struct ifnet *ifp, int family,
                 const uint8_t *addr);
/* A new INCOMPLETE entry (NULL: no memory, or the table is full). */
struct nbr  *nbr_create(struct ifnet *ifp, int family, const uint8_t *addr);
void         nbr_free(struct nbr *e);
/* The entry's state ends at now + ms (0: never); arms the timer. */
void         nbr_expire_in(struct nbr *e, uint64_t ms);
/* Keep a copy of p (an IP packet) until the address is known. */
void         nbr_hold(struct nbr *e, struct pbuf *p);
/* The address is known: the held packets leave to e->mac. */
void         nbr_release(struct nbr *e);
/* Forget the dynamic entries of ifp (NULL: every interface) of family
 * (0: both) inside prefix/plen (plen 0: all of them). */
void         nbr_purge(const struct ifnet *ifp, int family,
                 const uint8_t *prefix, int plen);
/* An address of ifp went: its dynamic entries off the subnets of the
 * addresses it still has go too (NetBSD purges the old subnet's). */
void         neigh_prune(struct ifnet *ifp);
/* The interface is going: every entry of it goes too. */
void         neigh_ifnet_gone(struct ifnet *ifp);
/* Sends p to mac out of ifp (p is not consumed). */
err_t        nbr_send(struct ifnet *ifp, struct pbuf *p, const uint8_t *mac,
                 uint16_t ethertype);

/* arp.c */
err_t arp_output(struct netif *n, struct pbuf *p, const ip4_addr_t *nh);
void  arp_input(struct ifnet *ifp, struct pbuf *p);    /* consumes p */
/* e's state ended at or before now: act, and move it on or free it. */
void  arp_timeout(struct nbr *e, uint64_t now);
/* The netif of ifp (primary or alias) that holds ip, or NULL. */
struct netif *arp_own(struct ifnet *ifp, const ip4_addr_t *ip);
/* Duplicate address detection of the address d is for (ifnet_var.h):
 * start it (tentative; with net.inet.ip.dad_count 0 the address is valid
 * and announced at once), stop it; one announcement of the address. */
struct in4dad;
void  arp_dad_start(struct in4dad *d);
void  arp_dad_stop(struct in4dad *d);
void  arp_announce(struct in4dad *d);

/* nd6.c */
err_t nd6_output(struct netif *n, struct pbuf *p, const ip6_addr_t *nh);
void  nd6_timeout(struct nbr *e, uint64_t now);
/* A default router lwIP learnt from an RA on n: 1 and its address. */
int   nd6_default_router(struct netif *n, ip6_addr_t *out);
/* An unsolicited advertisement (override) to all nodes for each usable
 * address of ifp: its link address changed. */
void  nd6_announce(struct ifnet *ifp);

#endif
