/*
 * ipfwd.c — the routing glue around lwIP: how packets this node sends and
 * forwards find their way out through the routing table (route.c).
 *
 * Debian's lwIP has no routing hook: ip4_route()/ip6_route() pick the
 * netif whose subnet holds the destination, else netif_default.  But
 * liblwip.so calls them (and the rest of its API) through its PLT, so the
 * definitions below replace lwIP's for the whole process, the way ether.c
 * replaces sys_unlock_tcpip_core:
 *
 *  - ip4_route()/ip6_route() answer from the table.  Returning the real
 *    interface's netif (not a pseudo-interface) is what makes lwIP pick
 *    the source address of that interface for sockets, TCP connections
 *    and its own ICMP errors.  Loopback, multicast, link-local with a
 *    zone and the node's own addresses still go to lwIP's own functions;
 *    a link-local destination without a zone and a socket's IPV6_NEXTHOP
 *    are ipfwd6.c's.  A blackhole
 *    answers with bh0, a hidden netif that drops; a reject route or no
 *    route answers NULL (EHOSTUNREACH to the socket).
 *  - The netifs' output()/output_ip6() (set by ether.c) are
 *    ipfwd_output4/6: they look the destination up again and hand the
 *    packet to the route's interface with its next hop, through the
 *    neighbour table (arp.c, nd6.c; lwIP's etharp_output knows only one
 *    gateway per netif, and lwIP sends some replies through the netif
 *    the request came in by).
 *  - IPv4 forwarding is done here rather than by lwIP's ip4_forward,
 *    which sends no unreachable, no time exceeded for ICMP echo probes
 *    (traceroute -I) and no next-hop MTU: ipfwd_input4 takes every IPv4
 *    packet not addressed to the node (ether.c lets them through only
 *    while net.inet.ip.forwarding is 1).  IPv6 forwarding is ipfwd6.c's,
 *    for the same reasons.  ICMP errors of both families are limited to
 *    100 a second (icmp6err.c), as NetBSD's errppslimit.
 *  - ICMP redirects, both ways, as NetBSD's: a router tells a sender on
 *    the subnet a packet leaves by again of the better next hop
 *    (net.inet.ip.redirect); a host hands the redirects it gets to
 *    route.c, which keeps the routes they make.  Echo requests sent to
 *    a broadcast or multicast address are answered here
 *    (net.inet.icmp.bmcastecho; lwIP never answers them), and a packet
 *    for the broadcast address of another interface's subnet is a
 *    directed broadcast to forward (net.inet.ip.directed-broadcast), not
 *    the node's.
 *  - IPv4 reassembly of packets for the node is done here too, in
 *    reass.c's slots, and ip4_reass replaces lwIP's: lwIP's build
 *    cannot rebuild a datagram of more than ten fragments (about
 *    14.8 KB at MTU 1500).
 *
 * Everything here runs with the core lock held (lwIP's callers hold it),
 * which also guards the counters.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lwip/etharp.h"
#include "lwip/ethip6.h"
#include "lwip/icmp.h"
#include "lwip/inet_chksum.h"
#include "lwip/ip.h"
#include "lwip/ip4.h"
#include "lwip/ip4_frag.h"
#include "lwip/ip6.h"
#include "lwip/netif.h"
#include "lwip/prot/ip4.h"
#include "netif/ethernet.h"

#include "kernel/hyper.h"
#include "netcomp/ipopt.h"
#include "netcomp/neigh.h"
#include "netcomp/netinet.h"
#include "netcomp/override.h"
#include "netcomp/reass.h"
#include "netcomp/route.h"

#define ETH_HLEN        14
#define ICMP_TTL_ERR    255             /* NetBSD's icmp_reflect: MAXTTL */
#define ICMP_RD_HOST    1               /* redirect codes: for the host */
#define ICMP_RD_MAXCODE 3               /* for the type of service and host */

static struct netif bh0;                /* blackhole */

/* Counters, shown by rump.netstat -s. */
static struct {
	uint64_t forwarded, noroute, rejected, blackholed, ttlexceeded;
	uint64_t fragmented, ofragments, cantfrag, badhdr, reassembled;
	uint64_t fragments, fragdropped, icmp_errors, ratelimited;
	uint64_t redirectsent, redirects, badredirects, bmcastecho;
	uint64_t cantforward;
	uint64_t badoptions;
} st;

/* ---- lwIP's routing, replaced ---- */

static int
is_local4(const ip4_addr_t *a)
{
	struct netif *n;

	if (ip4_addr_ismulticast(a) || ip4_addr_get_u32(a) == IPADDR_BROADCAST)
		return 1;
	NETIF_FOREACH(n) {
		if (!netif_is_up(n) || ip4_addr_isany_val(*netif_ip4_addr(n)))
			continue;
		if (ip4_addr_cmp(a, netif_ip4_addr(n)) ||
		    ip4_addr_isbroadcast(a, n))
			return 1;
	}
	return 0;
}

int
ipfwd_local6(const ip6_addr_t *a)
{
	struct netif *n;
	int i;

	NETIF_FOREACH(n)
		for (i = 0; i < LWIP_IPV6_NUM_ADDRESSES; i++)
			if (!ip6_addr_isinvalid(netif_ip6_addr_state(n, i)) &&
			    ip6_addr_cmp_zoneless(a, netif_ip6_addr(n, i)))
				return 1;
	return 0;
}

struct netif *
ip4_route(const ip4_addr_t *dest)
{
	struct rtres r;
	int error;

	if (ip4_addr_isloopback(dest) || is_local4(dest))
		return lwip_real.ip4_route(dest);
	if ((error = route_lookup4(dest, &r)) != 0) {
		if (error == -EHOSTUNREACH)
			st.rejected++;
		else
			st.noroute++;
		return NULL;
	}
	return r.netif != NULL ? r.netif : &bh0;
}

static struct netif *
route6(const ip6_addr_t *src, const ip6_addr_t *dest)
{
	const ip6_addr_t *nh;
	struct rtres r;
	int error;

	if ((nh = ipfwd6_nexthop(dest)) != NULL)
		return ipfwd6_nexthop_netif(nh);
	/* A link-local destination without a zone: see ipfwd6_unscoped.
	 * One of the node's own is lwIP's: a socket bound to it learns its
	 * zone so (ip6_addr_select_zone() asks this function). */
	if (ip6_addr_islinklocal(dest) && !ip6_addr_has_zone(dest) &&
	    !ipfwd_local6(dest))
		return ipfwd6_unscoped(dest);
	if (ip6_addr_ismulticast(dest) || ip6_addr_islinklocal(dest) ||
	    ip6_addr_isloopback(dest) || ipfwd_local6(dest))
		return lwip_real.ip6_route(src, dest);
	if ((error = route_lookup6(dest, &r)) == -ENETUNREACH)
		return lwip_real.ip6_route(src, dest);   /* routers from RAs */
	if (error != 0)
		return NULL;
	return r.netif != NULL ? r.netif : &bh0;
}

/* What the node sends leaves in its source's zone (ipfwd6_zone_ok). */
struct netif *
ip6_route(const ip6_addr_t *src, const ip6_addr_t *dest)
{
	struct netif *n = route6(src, dest);

	return n == NULL || ipfwd6_zone_ok(src, n) ? n : NULL;
}

/* ---- output with the route's next hop ---- */

/* Multicast and broadcast by lwIP's mapping, unicast by the neighbour
 * table (neigh.c), on the subnet or not (an -iface route). */
static err_t
xmit4(struct netif *n, struct pbuf *p, const ip4_addr_t *nh)
{
	if (ip4_addr_ismulticast(nh) || ip4_addr_isbroadcast(nh, n))
		return etharp_output(n, p, nh);
	return arp_output(n, p, nh);
}

/* Is dst the destination in p's IPv4 header (not a next hop)? */
static int
final_dst4(const struct pbuf *p, const ip4_addr_t *dst)
{
	return p->len >= IP_HLEN &&
	    memcmp((const uint8_t *)p->payload + 16, &dst->addr, 4) == 0;
}

/*
 * lwIP hands a packet to a netif's output with its final destination
 * (ip4_output_if), or with a next hop it chose (ip4_frag, which forward4
 * calls with the route's).  The netif is not always where the table
 * sends the destination: lwIP answers ICMP echo through the netif the
 * request came in by, and a node answers for all its addresses whichever
 * interface they are on.  So a destination off n's subnet leaves by the
 * route's interface and next hop, not necessarily n.
 */
/* ---- DF on what a thread sends (IP_MTU_DISCOVER, ping -D) ----
 *
 * lwIP never sets DF and fragments whatever exceeds the MTU.  A socket
 * that asked for DF sends from its client's thread, which (core locking)
 * runs lwIP's whole output path itself; the thread's flag marks its
 * packets on the way out (ipfwd_output4) and stops ip4_frag, which
 * liblwip.so calls through its PLT, from fragmenting them.
 */
static __thread int df_on, df_refused;

void
ipfwd_df_begin(void)
{
	df_on = 1;
	df_refused = 0;
}

long
ipfwd_df_end(long r)
{
	df_on = 0;
	return df_refused ? -EMSGSIZE : r;
}

err_t
ip4_frag(struct pbuf *p, struct netif *netif, const ip4_addr_t *dest)
{
	if (df_on) {
		st.cantfrag++;
		df_refused = 1;
		return ERR_VAL;
	}
	return lwip_real.ip4_frag(p, netif, dest);
}

static void
set_df(struct pbuf *p)
{
	uint8_t *ip = p->payload;
	size_t hlen = (size_t)(ip[0] & 0xf) * 4;
	u16_t c;

	if (p->len < IP_HLEN || (ip[0] >> 4) != 4 || p->len < hlen)
		return;
	ip[6] |= 0x40;
	ip[10] = ip[11] = 0;
	c = inet_chksum(ip, (u16_t)hlen);
	memcpy(ip + 10, &c, 2);
}

/*
 * Is dst on n's own subnet, to be sent straight out of n?  Not when
 * another interface has the same subnet and the route is its (the one
 * created first, as NetBSD keeps one route per subnet): an echo reply
 * from the address of a tap behind the node leaves by the interface
 * the subnet's route names, where the request came from.
 */
static int
onlink4_here(struct netif *n, const ip4_addr_t *dst)
{
	struct rtres r;

	if (!ip4_addr_netcmp(dst, netif_ip4_addr(n), netif_ip4_netmask(n)))
		return 0;
	return route_lookup4(dst, &r) != 0 || r.netif == NULL ||
	    !(r.flags & RUMP_RTF_CONNECTED) || r.netif->state == n->state;
}

err_t
ipfwd_output4(struct netif *n, struct pbuf *p, const ip4_addr_t *dst)
{
	struct rtres r;

	if (df_on)
		set_df(p);

	if (ip4_addr_ismulticast(dst) || ip4_addr_isbroadcast(dst, n) ||
	    onlink4_here(n, dst) || !final_dst4(p, dst))
		return xmit4(n, p, dst);
	if (route_lookup4(dst, &r) != 0)
		return ERR_RTE;
	if (r.netif == NULL) {
		st.blackholed++;
		return ERR_OK;
	}
	return xmit4(r.netif, p, &r.nh4);
}

err_t
ipfwd_xmit6(struct netif *n, struct pbuf *p, const ip6_addr_t *nh)
{
	if (ip6_addr_ismulticast(nh))
		return ethip6_output(n, p, nh);
	return nd6_output(n, p, nh);
}

err_t
ipfwd_output6(struct netif *n, struct pbuf *p, const ip6_addr_t *dst)
{
	const ip6_addr_t *nh;
	struct rtres r;
	ip6_addr_t gw;

	if (ip6_addr_ismulticast(dst))
		return ethip6_output(n, p, dst);
	if ((nh = ipfwd6_nexthop(dst)) != NULL)
		return ipfwd_xmit6(n, p, nh);
	if (ip6_addr_islinklocal(dst))
		return ipfwd_xmit6(n, p, dst);
	/* As for IPv4, the route's interface, not necessarily n (an echo
	 * reply leaves by the table, not by the request's netif).  No route:
	 * lwIP chose n for a default router it learnt from an RA there. */
	if (route_lookup6(dst, &r) == 0) {
		if (r.netif == NULL) {
			st.blackholed++;
			return ERR_OK;
		}
		return ipfwd_xmit6(r.netif, p,
		    (r.flags & RUMP_RTF_GATEWAY) ? &r.nh6 : dst);
	}
	if (nd6_default_router(n, &gw))
		return ipfwd_xmit6(n, p, &gw);
	return ERR_RTE;
}

/* ---- bh0 ---- */

static err_t
bh_output4(struct netif *n, struct pbuf *p, const ip4_addr_t *dst)
{
	(void)n; (void)p; (void)dst;
	st.blackholed++;
	return ERR_OK;
}

static err_t
bh_output6(struct netif *n, struct pbuf *p, const ip6_addr_t *dst)
{
	(void)n; (void)p; (void)dst;
	st.blackholed++;
	return ERR_OK;
}

static err_t
bh_init(struct netif *n)
{
	n->name[0] = 'b';
	n->name[1] = 'h';
	n->mtu = 0;             /* no fragmenting what is thrown away */
	n->output = bh_output4;
	n->output_ip6 = bh_output6;
	n->flags = 0;
	return ERR_OK;
}

int
ipfwd_init(void)
{
	if (bh0.output != NULL)
		return 0;
	if (netif_add(&bh0, NULL, NULL, NULL, NULL, bh_init, ip_input) ==
	    NULL)
		return -ENOSPC;
	bh0.rs_count = 0;
	netif_set_link_up(&bh0);
	netif_set_up(&bh0);
	return 0;
}

/* ---- ICMP errors ---- */

/* May the packet at ip (an IPv4 header, len bytes) be answered with an
 * ICMP error?  Not an ICMP error itself, not a later fragment, not from
 * an address nobody can be answered at (RFC 1812 4.3.2.7). */
static int
errorable(const uint8_t *ip, size_t len, size_t hlen)
{
	ip4_addr_t src;

	memcpy(&src.addr, ip + 12, 4);
	if ((((uint16_t)ip[6] << 8 | ip[7]) & 0x1fff) != 0)
		return 0;
	if (ip4_addr_isany_val(src) || ip4_addr_ismulticast(&src) ||
	    ip4_addr_get_u32(&src) == IPADDR_BROADCAST ||
	    ip4_addr_isloopback(&src))
		return 0;
	if (ip[9] == IP_PROTO_ICMP && len >= hlen + 1) {
		uint8_t t = ip[hlen];

		return t == ICMP_ECHO || t == ICMP_ER || t == ICMP_TS ||
		    t == ICMP_TSR || t == ICMP_IRQ || t == ICMP_IR;
	}
	return 1;
}

/* Is a one of the node's own unicast addresses (any interface)? */
int
own_unicast4(const ip4_addr_t *a)
{
	struct netif *n;

	NETIF_FOREACH(n)
		if (netif_is_up(n) && !ip4_addr_isany_val(*netif_ip4_addr(n)) &&
		    ip4_addr_cmp(a, netif_ip4_addr(n)))
			return 1;
	return 0;
}

/*
 * Send an ICMP error about the packet at ip (as it arrived) back to its
 * source, as NetBSD's icmp_reflect does: from the address it was sent to
 * when that is one of ours (traceroute to a router's far address ends
 * there), else from the address of the interface it came in by (the
 * address traceroute shows for the hop).
 */
static void
icmp_error4(const uint8_t *ip, size_t len, uint8_t type, uint8_t code,
    uint32_t param, struct netif *in)
{
	size_t hlen = (size_t)(ip[0] & 0xf) * 4, quote;
	ip4_addr_t src, dst;
	struct netif *out;
	struct pbuf *q;
	uint8_t *b;

	if (hlen < IP_HLEN || len < hlen || !errorable(ip, len, hlen))
		return;
	quote = hlen + (len - hlen < 8 ? len - hlen : 8);
	memcpy(&dst.addr, ip + 12, 4);
	if ((out = ip4_route(&dst)) == NULL || out == &bh0)
		return;
	if (!icmp_error_allowed(0)) {
		st.ratelimited++;
		return;
	}
	if ((q = icmperr_alloc(type, code, param, quote)) == NULL)
		return;
	b = q->payload;
	memcpy(b + 8, ip, quote);
	{
		u16_t c = inet_chksum(b, (u16_t)(8 + quote));

		memcpy(b + 2, &c, 2);
	}
	memcpy(&src.addr, ip + 16, 4);
	if (!own_unicast4(&src))
		ip4_addr_copy(src, *netif_ip4_addr(in));
	if (ip4_addr_isany_val(src))
		ip4_addr_copy(src, *netif_ip4_addr(out));
	st.icmp_errors++;
	ip4_output_if(q, &src, &dst, ICMP_TTL_ERR, 0, IP_PROTO_ICMP, out);
	pbuf_free(q);
}

/* Is a the broadcast address of a subnet of n's interface (its primary
 * address's or an alias's)?  NetBSD's in_broadcast. */
static int
ifbcast4(const struct netif *n, const ip4_addr_t *a)
{
	struct netif *m;

	NETIF_FOREACH(m)
		if (m->state == n->state && netif_is_up(m) &&
		    !ip4_addr_isany_val(*netif_ip4_addr(m)) &&
		    ip4_addr_isbroadcast(a, m))
			return 1;
	return 0;
}

/* lwIP's own IPv4 errors (port and protocol unreachable), which
 * liblwip.so sends through its PLT: sent here instead, from the address
 * the packet was sent to (lwIP would answer from the address of the
 * route back) and under the same limit.  p's payload is at the IP
 * header (lwIP restores it before calling). */
void
icmp_dest_unreach(struct pbuf *p, enum icmp_dur_type t)
{
	icmp_error4(p->payload, p->len, ICMP_DUR, (uint8_t)t, 0,
	    ip_current_input_netif());
}

/* ---- forwarding ---- */

static void
ttl_dec(uint8_t *ip)
{
	uint32_t sum;

	ip[8]--;
	/* RFC 1624 incremental update: the TTL is the high byte of a word. */
	sum = (uint32_t)((ip[10] << 8) | ip[11]) + 0x0100;
	sum = (sum & 0xffff) + (sum >> 16);
	ip[10] = (uint8_t)(sum >> 8);
	ip[11] = (uint8_t)sum;
}

/*
 * Should the sender of a packet that is forwarded by route r hear of a
 * better next hop?  As NetBSD's ip_forward: when the packet leaves by the
 * interface it came in by, its source is on the subnet of the route's
 * address there, the route is neither a default route nor one a redirect
 * made or changed, and net.inet.ip.redirect is on.  A packet with options
 * gets none (NetBSD skips source-routed ones; lwIP's stack leaves the
 * options unread).  The new gateway is the route's next hop; RFC 1812
 * 5.2.7.2 wants host redirects only.
 */
static int
redirect_wanted(const struct netif *in, const uint8_t *ip, size_t hlen,
    const struct rtres *r)
{
	ip4_addr_t src;

	if (!netstack_knob(NK_IP_REDIRECT) || r->netif->state != in->state ||
	    r->plen == 0 || hlen != IP_HLEN ||
	    (r->flags & (RUMP_RTF_DYNAMIC | RUMP_RTF_MODIFIED)))
		return 0;
	memcpy(&src.addr, ip + 12, 4);
	return ip4_addr_netcmp(&src, netif_ip4_addr(r->netif),
	    netif_ip4_netmask(r->netif));
}

/* p: an IPv4 packet, payload at its header; consumed. */
static void
forward4(struct netif *in, struct pbuf *p)
{
	uint8_t *ip = p->payload, quote[68];
	size_t hlen = (size_t)(ip[0] & 0xf) * 4, tot, qlen = 0;
	ip4_addr_t dst;
	struct rtres r;
	int error, bcast;

	tot = (size_t)ip[2] << 8 | ip[3];
	if ((ip[0] >> 4) != 4 || hlen < IP_HLEN || p->len < hlen ||
	    tot < hlen || tot > p->tot_len || inet_chksum(ip, (u16_t)hlen)) {
		st.badhdr++;
		goto drop;
	}
	if (tot < p->tot_len)
		pbuf_realloc(p, (u16_t)tot);
	memcpy(&dst.addr, ip + 16, 4);
	if (ip4_addr_islinklocal(&dst) || ip4_addr_isany_val(dst))
		goto drop;
	if (ip[8] <= 1) {
		st.ttlexceeded++;
		icmp_error4(ip, p->len, ICMP_TE, ICMP_TE_TTL, 0, in);
		goto drop;
	}
	if ((error = route_lookup4(&dst, &r)) != 0) {
		if (error == -EHOSTUNREACH)
			st.rejected++;
		else
			st.noroute++;
		icmp_error4(ip, p->len, ICMP_DUR, error == -EHOSTUNREACH ?
		    ICMP_DUR_HOST : ICMP_DUR_NET, 0, in);
		goto drop;
	}
	if (r.netif == NULL) {
		st.blackholed++;
		goto drop;
	}
	/* A directed broadcast leaves as a link broadcast, when allowed;
	 * else NetBSD's ip_output refuses it (EACCES), which ip_forward
	 * answers with a host unreachable.  Never fragmented. */
	if ((bcast = ifbcast4(r.netif, &dst)) &&
	    !netstack_knob(NK_IP_DIRECTEDBCAST)) {
		st.cantforward++;
		icmp_error4(ip, p->len, ICMP_DUR, ICMP_DUR_HOST, 0, in);
		goto drop;
	}
	if (redirect_wanted(in, ip, hlen, &r)) {
		/* Quoted as it came in (NetBSD keeps 68 bytes). */
		qlen = tot < sizeof(quote) ? tot : sizeof(quote);
		memcpy(quote, ip, qlen);
	}
	if (tot > r.mtu) {
		if ((ip[6] & 0x40) || bcast) {     /* DF, broadcast */
			st.cantfrag++;
			icmp_error4(ip, p->len, ICMP_DUR, ICMP_DUR_FRAG,
			    (uint16_t)r.mtu, in);
			goto drop;
		}
		ttl_dec(ip);
		st.fragmented++;
		st.forwarded++;
		ip4_frag(p, r.netif, &r.nh4);
	} else {
		ttl_dec(ip);
		st.forwarded++;
		xmit4(r.netif, p, &r.nh4);
	}
	if (qlen != 0) {
		st.redirectsent++;
		icmp_error4(quote, qlen, ICMP_RD, ICMP_RD_HOST,
		    lwip_ntohl(ip4_addr_get_u32(&r.nh4)), in);
	}
drop:
	pbuf_free(p);
}

/* ---- reassembly (reass.c) ---- */

/* The datagram of r, whole: its first fragment's header (options
 * included), length, offset and checksum set, then the data. */
static struct pbuf *
reass_done(struct reass *r)
{
	size_t len = r->hlen + r->total;
	struct pbuf *q;
	uint8_t *b;
	u16_t c;

	if (len > REASS_MAX || (q = pbuf_alloc(PBUF_LINK, (u16_t)len,
	    PBUF_RAM)) == NULL) {
		st.fragdropped++;
		reass_free(r);
		return NULL;
	}
	b = q->payload;
	memcpy(b, r->hdr, r->hlen);
	b[2] = (uint8_t)(len >> 8);
	b[3] = (uint8_t)len;
	b[6] = b[7] = 0;
	b[10] = b[11] = 0;
	c = inet_chksum(b, r->hlen);
	memcpy(b + 10, &c, 2);
	memcpy(b + r->hlen, r->buf, r->total);
	reass_free(r);
	st.reassembled++;
	return q;
}

/*
 * A fragment for this node, payload at its IPv4 header; consumed.
 * Returns the whole datagram (payload at its header) or NULL.  The
 * receive path's fragments come from ipfwd_input4; this is also lwIP's
 * ip4_reass, replaced, for any its ip4_input still sees (a node's own
 * fragments looped back through a route to lo0): lwIP's stops at ten
 * fragments, and links a datagram's fragments by pointers written into
 * their packet data, where LeakSanitizer does not look (ipfwd6.c's
 * ip6_reass says more).
 */
struct pbuf *
ip4_reass(struct pbuf *p)
{
	const uint8_t *ip = p->payload;
	size_t hlen, tot, off, dlen;
	struct reass_key k;
	struct reass *r;
	struct pbuf *q = NULL;
	int mf, done;

	st.fragments++;
	if (p->next != NULL || p->len < IP_HLEN) {
		st.badhdr++;
		goto out;
	}
	hlen = (size_t)(ip[0] & 0xf) * 4;
	tot = (size_t)ip[2] << 8 | ip[3];
	off = (size_t)(((ip[6] & 0x1f) << 8) | ip[7]) * 8;
	mf = (ip[6] & 0x20) != 0;
	if ((ip[0] >> 4) != 4 || hlen < IP_HLEN || tot < hlen ||
	    tot > p->len || inet_chksum(p->payload, (u16_t)hlen) != 0 ||
	    (dlen = tot - hlen) == 0 || off + dlen + hlen > REASS_MAX) {
		st.badhdr++;
		goto out;
	}
	memset(&k, 0, sizeof(k));
	k.family = REASS_INET;
	k.proto = ip[9];
	k.id = (uint32_t)(ip[4] << 8 | ip[5]);
	memcpy(k.src, ip + 12, 4);
	memcpy(k.dst, ip + 16, 4);
	if ((r = reass_find(&k, hyp_clock_mono_ns(), &st.fragdropped)) ==
	    NULL) {
		st.fragdropped++;
		goto out;
	}
	if (off == 0) {
		r->hlen = (uint8_t)hlen;
		memcpy(r->hdr, ip, hlen);
	}
	if ((done = reass_add(r, off, ip + hlen, dlen, mf)) < 0)
		st.badhdr++;
	else if (done)
		q = reass_done(r);
out:
	pbuf_free(p);
	return q;
}

/* ---- ICMP that lwIP leaves to us ---- */

/* An ICMP redirect (NetBSD's icmp_input): the route to the destination
 * it quotes goes through the gateway it names from now on, if it came
 * from the router that route sends to (route.c decides). */
static void
redirect_input(const uint8_t *ip, const uint8_t *icp, size_t ilen)
{
	ip4_addr_t src, gw, dst;

	st.redirects++;
	if (icp[1] > ICMP_RD_MAXCODE || ilen < 8 + IP_HLEN + 8 ||
	    (icp[8] & 0xf) < 5 || ilen < 8 + (size_t)(icp[8] & 0xf) * 4 + 8) {
		st.badredirects++;
		return;
	}
	memcpy(&src.addr, ip + 12, 4);
	memcpy(&gw.addr, icp + 4, 4);
	memcpy(&dst.addr, icp + 8 + 16, 4);
	if (route_redirect4(&dst, &gw, &src) != 0)
		st.badredirects++;
}

/* Answer an echo request sent to a broadcast or multicast address, as
 * NetBSD's icmp_reflect: from the address of the netif it came in by,
 * with TTL 255, without the request's options. */
static void
echo_reflect(struct netif *in, const uint8_t *ip, const uint8_t *icp,
    size_t ilen)
{
	ip4_addr_t src, dst;
	struct netif *out;
	struct pbuf *q;
	uint8_t *b;
	u16_t c;

	memcpy(&dst.addr, ip + 12, 4);
	ip4_addr_copy(src, *netif_ip4_addr(in));
	if (ip4_addr_isany_val(src) || ip4_addr_isany_val(dst) ||
	    ip4_addr_ismulticast(&dst) || is_local4(&dst) ||
	    (out = ip4_route(&dst)) == NULL || out == &bh0 ||
	    (q = pbuf_alloc(PBUF_IP, (u16_t)ilen, PBUF_RAM)) == NULL)
		return;
	b = q->payload;
	memcpy(b, icp, ilen);
	b[0] = ICMP_ER;
	b[2] = b[3] = 0;
	c = inet_chksum(b, (u16_t)ilen);
	memcpy(b + 2, &c, 2);
	ip4_output_if(q, &src, &dst, ICMP_TTL_ERR, ip[1], IP_PROTO_ICMP, out);
	pbuf_free(q);
}

/*
 * An unfragmented ICMP message for the node, before lwIP sees it (the
 * frame at p->payload): lwIP ignores redirects and never answers an echo
 * request sent to a broadcast or multicast address, which NetBSD answers
 * while net.inet.icmp.bmcastecho is on.  lwIP still gets the message (its
 * raw sockets do; it drops both kinds).
 */
static void
icmp_local4(struct netif *in, const struct pbuf *p)
{
	const uint8_t *ip = (const uint8_t *)p->payload + ETH_HLEN, *icp;
	size_t hlen = (size_t)(ip[0] & 0xf) * 4, tot, ilen;
	ip4_addr_t dst;

	tot = (size_t)ip[2] << 8 | ip[3];
	if (ip[9] != IP_PROTO_ICMP || hlen < IP_HLEN || tot < hlen + 8 ||
	    ETH_HLEN + tot > p->len)
		return;
	icp = ip + hlen;
	ilen = tot - hlen;
	if ((icp[0] != ICMP_RD && icp[0] != ICMP_ECHO) ||
	    inet_chksum(icp, (u16_t)ilen) != 0)
		return;
	if (icp[0] == ICMP_RD) {
		redirect_input(ip, icp, ilen);
		return;
	}
	memcpy(&dst.addr, ip + 16, 4);
	if (!ip4_addr_ismulticast(&dst) && !ifbcast4(in, &dst) &&
	    ip4_addr_get_u32(&dst) != IPADDR_BROADCAST)
		return;                 /* unicast: lwIP answers */
	if (netstack_knob(NK_ICMP_BMCASTECHO))
		echo_reflect(in, ip, icp, ilen);
	else
		st.bmcastecho++;
}

/* ---- the receive path's entry ---- */

/* The options of a packet (ipopt.c), before it is the node's or
 * forwarded; 1: taken (source-routed on, or refused). */
static int
options4(struct netif *in, struct pbuf *p)
{
	uint8_t *ip = (uint8_t *)p->payload + ETH_HLEN;
	size_t hlen = (size_t)(ip[0] & 0xf) * 4;
	struct ipopt_err e;
	int v;

	/* A bad header is lwIP's or forward4's to count and drop. */
	if ((ip[0] >> 4) != 4 || p->len < ETH_HLEN + hlen ||
	    inet_chksum(ip, (u16_t)hlen) != 0)
		return 0;
	if ((v = ipopt_input(ip, hlen, &e)) == IPOPT_PASS)
		return 0;
	pbuf_remove_header(p, ETH_HLEN);
	if (v == IPOPT_SRCROUTED) {
		forward4(in, p);
		return 1;
	}
	st.badoptions++;
	icmp_error4(ip, p->len, e.type, e.code, e.param, in);
	pbuf_free(p);
	return 1;
}

int
ipfwd_input4(struct netif *in, struct pbuf *p)
{
	const uint8_t *f = p->payload, *ip = f + ETH_HLEN;
	ip4_addr_t dst;

	if (p->len < ETH_HLEN + IP_HLEN || p->next != NULL)
		return 0;
	if ((ip[0] & 0xf) > IP_HLEN / 4 && options4(in, p))
		return 1;
	memcpy(&dst.addr, ip + 16, 4);
	/* The broadcast address of another interface's subnet is not for
	 * the node (NetBSD's ip_input matches broadcasts on the receiving
	 * interface only): a directed broadcast, forwarded if anything. */
	if (is_local4(&dst) && (ip4_addr_ismulticast(&dst) ||
	    ip4_addr_get_u32(&dst) == IPADDR_BROADCAST ||
	    own_unicast4(&dst) || ifbcast4(in, &dst))) {
		if ((((uint16_t)ip[6] << 8 | ip[7]) & 0x3fff) == 0) {
			icmp_local4(in, p);
			return 0;
		}
		pbuf_remove_header(p, ETH_HLEN);
		if ((p = ip4_reass(p)) != NULL)
			ip4_input(p, in);
		return 1;
	}
	pbuf_remove_header(p, ETH_HLEN);
	if (!netstack_knob(NK_IP_FORWARDING) || (f[0] & 1)) {
		pbuf_free(p);
		return 1;
	}
	forward4(in, p);
	return 1;
}

/* ---- counters ---- */

long
ipfwd_stats(char *buf, size_t len)
{
	long n;

	netstack_lock();
	n = snprintf(buf, len,
	    "ip.forwarded %llu\nip.noroute %llu\nip.rejected %llu\n"
	    "ip.blackholed %llu\nip.ttlexceeded %llu\nip.fragmented %llu\n"
	    "ip.cantfrag %llu\nip.badhdr %llu\nip.fragments %llu\n"
	    "ip.reassembled %llu\nip.fragdropped %llu\nip.badoptions %llu\n"
	    "ip.cantforward %llu\nip.redirectsent %llu\n"
	    "icmp.errors %llu\nicmp.ratelimited %llu\n"
	    "icmp.redirects %llu\nicmp.badredirects %llu\n"
	    "icmp.bmcastecho %llu\n",
	    (unsigned long long)st.forwarded, (unsigned long long)st.noroute,
	    (unsigned long long)st.rejected,
	    (unsigned long long)st.blackholed,
	    (unsigned long long)st.ttlexceeded,
	    (unsigned long long)st.fragmented,
	    (unsigned long long)st.cantfrag, (unsigned long long)st.badhdr,
	    (unsigned long long)st.fragments,
	    (unsigned long long)st.reassembled,
	    (unsigned long long)st.fragdropped,
	    (unsigned long long)st.badoptions,
	    (unsigned long long)st.cantforward,
	    (unsigned long long)st.redirectsent,
	    (unsigned long long)st.icmp_errors,
	    (unsigned long long)st.ratelimited,
	    (unsigned long long)st.redirects,
	    (unsigned long long)st.badredirects,
	    (unsigned long long)st.bmcastecho);
	if (n >= 0 && (size_t)n < len && netstack_inet6())
		n += ipfwd6_stats(buf + n, len - (size_t)n);
	netstack_unlock();
	return n;
}
