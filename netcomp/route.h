/*
 * route.h — the node's routing table (route.c), the routing glue around
 * lwIP (ipfwd.c) and the neighbour caches (neigh.c): what these files
 * share (neigh.h has the table itself).  lwIP types inside: netcomp
 * glue only.
 *
 * Lock: the table, the static neighbours and the glue's counters and
 * reassembly buffers belong to lwIP's core lock (netstack_lock()), which
 * every packet path already holds; configuration takes it too.  No other
 * lock, and nothing here blocks.
 */
#ifndef RUMPLAB_NETCOMP_ROUTE_H
#define RUMPLAB_NETCOMP_ROUTE_H

#include "lwip/ip4_addr.h"
#include "lwip/ip6_addr.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"

#include "kernel/rumpclient.h"

/* The answer of a lookup. */
struct rtres {
	struct netif *netif;    /* where the packet leaves; NULL: discard */
	uint32_t flags;         /* RUMP_RTF_* of the route that matched */
	uint8_t plen;
	ip4_addr_t nh4;         /* next hop (the gateway or the destination) */
	ip6_addr_t nh6;
	uint32_t mtu;           /* the route's or the interface's */
};

/* route.c (core lock held).  0, -ENETUNREACH no route, -EHOSTUNREACH a
 * reject route; a blackhole answers 0 with a NULL netif. */
int  route_lookup4(const ip4_addr_t *dst, struct rtres *r);
int  route_lookup6(const ip6_addr_t *dst, struct rtres *r);
int  route_init(void);                  /* registers the rtcfg ops */
/* The errno a send that met a reject route in this thread fails with
 * (ENETUNREACH, EHOSTUNREACH), 0 if it met none; clears it. */
int  route_reject_error(void);
/* An address of the interface was added or deleted: its subnets deleted
 * or changed by hand are connected again (core lock held). */
void route_ifaddr_changed(const char *ifname);
/* An ICMP redirect from router src: dst is better reached through gw
 * (NetBSD's rtredirect; core lock held).  0, or -errno when the
 * redirect is not taken. */
int  route_redirect4(const ip4_addr_t *dst, const ip4_addr_t *gw,
         const ip4_addr_t *src);
/* The ifnet name of a netif ("" for none). */
const char *route_ifname(const struct netif *n);

/* ipfwd.c */
int  ipfwd_init(void);                  /* core lock held */
/* Receive path (core lock held): an IPv4 frame (Ethernet header at
 * p->payload) that entered by netif in.  1: taken (forwarded, queued
 * for reassembly, dropped); 0: lwIP's. */
int  ipfwd_input4(struct netif *in, struct pbuf *p);
long ipfwd_stats(char *buf, size_t len);
/* Is a one of this node's IPv6 addresses (any interface)? */
int  ipfwd_local6(const ip6_addr_t *a);
/* Is a one of this node's unicast IPv4 addresses (an up interface)? */
int  own_unicast4(const ip4_addr_t *a);

/* ipfwd6.c: replaces lwIP's ip6_input (forwarding, path MTU). */
long ipfwd6_stats(char *buf, size_t len);
/* The netif a link-local destination without a zone leaves by (a route
 * that covers it, the default), NULL none (EHOSTUNREACH). */
struct netif *ipfwd6_unscoped(const ip6_addr_t *dst);
/* May what the node sends from src leave by n?  0: a link-local source
 * of another interface (NetBSD's "badscope"). */
int  ipfwd6_zone_ok(const ip6_addr_t *src, struct netif *n);
/* IPV6_NEXTHOP: between begin and end, what this thread sends (but
 * multicast) leaves for nh.  ipfwd6_nexthop: the next hop for dst, NULL
 * none; ipfwd6_nexthop_netif: the interface of that neighbour, NULL if
 * it is none (EHOSTUNREACH). */
void ipfwd6_nexthop_begin(const ip6_addr_t *nh);
void ipfwd6_nexthop_end(void);
const ip6_addr_t *ipfwd6_nexthop(const ip6_addr_t *dst);
struct netif *ipfwd6_nexthop_netif(const ip6_addr_t *nh);

/* icmp6err.c: an ICMPv6 error about p (payload at its IPv6 header, not
 * consumed) that came in by in; rate-limited like lwIP's own errors.
 * icmp_error_allowed(v6): 1 if one more error of the family may leave
 * in this second. */
void icmp6err_send(struct pbuf *p, struct netif *in, uint8_t type,
         uint8_t code, uint32_t param);
int  icmp_error_allowed(int v6);
/* An ICMP/ICMPv6 error of 8 + quote bytes: its header filled in (param
 * in bytes 4-7, checksum 0), the quote left to the caller. */
struct pbuf *icmperr_alloc(uint8_t type, uint8_t code, uint32_t param,
         size_t quote);
long icmp6err_stats(char *buf, size_t len);
/* hoplimit.c: the hop limit of an ICMPv6 reply or error, NetBSD's
 * icmp6_reflect()'s (the receiving interface's current hop limit). */
u8_t hoplimit_reflect6(void);
/* The netifs' output hooks, installed by ether.c. */
err_t ipfwd_output4(struct netif *n, struct pbuf *p, const ip4_addr_t *dst);
err_t ipfwd_output6(struct netif *n, struct pbuf *p, const ip6_addr_t *dst);
/* An IPv6 packet out of n to next hop nh: a static ND entry, else ND. */
err_t ipfwd_xmit6(struct netif *n, struct pbuf *p, const ip6_addr_t *nh);

/* pcblist.c: the socket lines of rump.netstat (takes the core lock). */
long pcblist_text(char *buf, size_t len);
/* mcast.c: the multicast memberships, "ifname family group users"
 * lines (takes the core lock). */
long mcast_text(char *buf, size_t len);

/* neigh.c: the view of rump.arp and rump.ndp (take the core lock). */
int  neigh_list(int family, struct rump_neigh *nb, int max);
int  neigh_set(const struct rump_neigh *nb);
int  neigh_delete(const struct rump_neigh *nb);
int  neigh_flush(int family);
/* Each resolved neighbour of the family, for the route listing (core
 * lock held). */
void neigh_routes(int family, void (*put)(void *, const struct rump_neigh *),
         void *arg);

#endif
