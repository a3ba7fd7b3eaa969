/*
 * ipfwd6.c — IPv6 forwarding and path MTU, in place of lwIP's.
 *
 * lwIP's ip6_forward sends no error about an ICMPv6 packet (so
 * traceroute6 -I never sees a router), cannot tell a reject route from
 * no route, refuses to send a packet back out of the
 * interface it came in by, and is static inside liblwip.so.  But
 * liblwip.so calls ip6_input() through its PLT (from ethernet_input and
 * the loopback), so the definition below replaces lwIP's for the whole
 * process, as ipfwd.c replaces ip4_route: a packet for this node (one of
 * its addresses, multicast, link-local, loopback) goes on to lwIP's own
 * ip6_input; any other is forwarded here while
 * net.inet6.ip6.forwarding is 1 and dropped otherwise.
 *
 * What the forwarder does, in NetBSD's ip6_forward order:
 *  - a link-local source may not leave its link: destination
 *    unreachable, beyond scope (code 2);
 *  - hop limit 1 or less: time exceeded in transit;
 *  - the routing table (route.c): no route gives no route to destination
 *    (code 0), a reject route administratively prohibited (code 1, which
 *    NetBSD's ping6 and traceroute6 show as "Destination Administratively
 *    Unreachable" and "!P"), a blackhole silence; without a table route,
 *    a default router learnt from Router Advertisements (lwIP's ND) may
 *    still take it;
 *  - larger than the route's MTU: packet too big with that MTU (a router
 *    never fragments IPv6);
 *  - else the hop limit goes down by one and the packet leaves through
 *    ND of the route's interface, towards its gateway.
 * Errors are icmp6err.c's (rate-limited, quoting the packet as it came).
 *
 * Path MTU (RFC 8201): lwIP keeps a learnt MTU in its ND destination
 * cache, whose entries are made for the next hops ipfwd_output6 hands to
 * ND, not for final destinations, so a packet too big about a far
 * destination was lost on it.  The packet-too-big messages for this node
 * are read here first (before lwIP's ip6_input) into a small cache of
 * their own, and nd6_get_destination_mtu(), which lwIP calls through its
 * PLT when it sends and fragments, answers from it: the node's later
 * packets to that destination are fragmented to fit, and TCP's
 * retransmissions get through.  An entry lives ten minutes (NetBSD's
 * net.inet6.ip6.mtudisctimeout), then the interface's MTU is tried again.
 *
 * Reassembly of IPv6 datagrams for the node is done here too, in
 * reass.c's slots: ip6_reass below replaces lwIP's (see there why).
 *
 * What the node itself sends finds its first hop here in two cases the
 * table alone does not settle (see below): a link-local destination
 * without a zone, and a socket's IPV6_NEXTHOP; and it may not leave by
 * an interface other than its link-local source's.
 *
 * Core lock held throughout (lwIP's callers hold it); it also guards the
 * counters and the MTU cache.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lwip/ip6.h"
#include "lwip/ip6_frag.h"
#include "lwip/nd6.h"
#include "lwip/netif.h"
#include "lwip/priv/nd6_priv.h"
#include "lwip/prot/icmp6.h"

#include "kernel/hyper.h"
#include "netcomp/netinet.h"
#include "netcomp/override.h"
#include "netcomp/reass.h"
#include "netcomp/route.h"

#define IP6H            40
#define IP6_MMTU        1280
#define PMTU_SLOTS      32
#define PMTU_AGE_NS     (600ull * 1000000000ull)

/* Counters, shown by rump.netstat -s. */
static struct {
	uint64_t forwarded, noroute, rejected, blackholed, hlimexceeded;
	uint64_t toobig, badscope, badhdr, pmtu_learnt;
	uint64_t fragments, reassembled, fragdropped;
} st;

/* The learnt path MTUs. */
static struct pmtu {
	ip6_addr_t dst;
	uint16_t mtu;           /* 0: free */
	uint64_t t;             /* when learnt */
} pmtu[PMTU_SLOTS];

static void
addr6(ip6_addr_t *a, const uint8_t *b)
{
	memset(a, 0, sizeof(*a));
	memcpy(a->addr, b, 16);
}

/* ---- path MTU ---- */

static struct pmtu *
pmtu_find(const ip6_addr_t *dst, uint64_t now)
{
	int i;

	for (i = 0; i < PMTU_SLOTS; i++) {
		if (pmtu[i].mtu == 0)
			continue;
		if (now - pmtu[i].t > PMTU_AGE_NS) {
			pmtu[i].mtu = 0;
			continue;
		}
		if (ip6_addr_cmp_zoneless(&pmtu[i].dst, dst))
			return &pmtu[i];
	}
	return NULL;
}

static void
pmtu_learn(const ip6_addr_t *dst, uint32_t mtu)
{
	uint64_t now = hyp_clock_mono_ns();
	struct pmtu *e, *old = &pmtu[0];
	int i;

	if (mtu < IP6_MMTU)
		mtu = IP6_MMTU;         /* RFC 8201 4: never below 1280 */
	if (mtu > 0xffff)
		return;
	if ((e = pmtu_find(dst, now)) == NULL) {
		for (i = 0; i < PMTU_SLOTS && pmtu[i].mtu != 0; i++)
			if (pmtu[i].t < old->t)
				old = &pmtu[i];
		e = i < PMTU_SLOTS ? &pmtu[i] : old;
		ip6_addr_copy(e->dst, *dst);
	} else if (mtu >= e->mtu)
		return;                 /* only ever shrinks until it ages */
	e->mtu = (uint16_t)mtu;
	e->t = now;
	st.pmtu_learnt++;
}

/* Is the ICMPv6 message after the IPv6 header at ip (payload length
 * plen, all of it within the len bytes received) checksummed right? */
static int
icmp6_sum_ok(const uint8_t *ip, size_t plen)
{
	uint32_t sum = IP6_NEXTH_ICMP6 + (uint32_t)plen;
	size_t i;

	for (i = 8; i < 40; i += 2)     /* source and destination */
		sum += (uint32_t)ip[i] << 8 | ip[i + 1];
	for (i = 0; i + 1 < plen; i += 2)
		sum += (uint32_t)ip[IP6H + i] << 8 | ip[IP6H + i + 1];
	if (plen & 1)
		sum += (uint32_t)ip[IP6H + plen - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

/*
 * A packet too big for this node (ip: its IPv6 header, len bytes).  Only
 * a message whose checksum holds and that quotes a packet this node sent
 * (its source one of ours) is believed: anyone on a bus could otherwise
 * shrink any path, or churn the cache out of the entries that matter.
 */
static void
pmtu_input(const uint8_t *ip, size_t len)
{
	const uint8_t *ic = ip + IP6H;
	ip6_addr_t dst, src;
	size_t plen;

	if (len < IP6H + 8 + IP6H || ip[6] != IP6_NEXTH_ICMP6 ||
	    ic[0] != ICMP6_TYPE_PTB || ic[1] != 0)
		return;
	plen = (size_t)ip[4] << 8 | ip[5];
	if (IP6H + plen > len || plen < 8 + IP6H || !icmp6_sum_ok(ip, plen))
		return;
	addr6(&src, ic + 8 + 8);        /* the quoted packet's source */
	if (!ipfwd_local6(&src))
		return;
	addr6(&dst, ic + 8 + 24);       /* the quoted packet's destination */
	pmtu_learn(&dst, (uint32_t)ic[4] << 24 | (uint32_t)ic[5] << 16 |
	    (uint32_t)ic[6] << 8 | ic[7]);
}

u16_t
nd6_get_destination_mtu(const ip6_addr_t *ip6addr, struct netif *netif)
{
	struct pmtu *e;
	u16_t mtu;

	mtu = lwip_real.nd6_get_destination_mtu(ip6addr, netif);
	if ((e = pmtu_find(ip6addr, hyp_clock_mono_ns())) != NULL &&
	    e->mtu < mtu)
		mtu = e->mtu;
	return mtu;
}

/* ---- forwarding ---- */

/* p: an IPv6 packet, payload at its header, that came in by in; consumed. */
static void
forward6(struct netif *in, struct pbuf *p)
{
	uint8_t *ip = p->payload;
	size_t tot = (size_t)(ip[4] << 8 | ip[5]) + IP6H;
	ip6_addr_t src, dst;
	const ip6_addr_t *nh;
	struct netif *out;
	struct rtres r;
	uint32_t mtu;
	int error;

	if (tot > p->tot_len) {
		st.badhdr++;
		goto drop;
	}
	if (tot < p->tot_len)
		pbuf_realloc(p, (u16_t)tot);
	addr6(&src, ip + 8);
	addr6(&dst, ip + 24);
	if (ip6_addr_isany(&src) || ip6_addr_ismulticast(&src) ||
	    ip6_addr_isloopback(&src))
		goto drop;
	if (ip6_addr_islinklocal(&src)) {
		st.badscope++;
		icmp6err_send(p, in, ICMP6_TYPE_DUR, ICMP6_DUR_SCOPE, 0);
		goto drop;
	}
	if (ip[7] <= 1) {
		st.hlimexceeded++;
		icmp6err_send(p, in, ICMP6_TYPE_TE, ICMP6_TE_HL, 0);
		goto drop;
	}
	error = route_lookup6(&dst, &r);
	if (error == -ENETUNREACH && (out = nd6_find_route(&dst)) != NULL) {
		/* A default router from an RA: ND picks it. */
		r.netif = out;
		r.flags = 0;
		r.mtu = netif_mtu6(out);
		error = 0;
	}
	if (error != 0) {
		if (error == -EHOSTUNREACH)
			st.rejected++;
		else
			st.noroute++;
		icmp6err_send(p, in, ICMP6_TYPE_DUR, error == -EHOSTUNREACH ?
		    ICMP6_DUR_PROHIBITED : ICMP6_DUR_NO_ROUTE, 0);
		goto drop;
	}
	if (r.netif == NULL) {
		st.blackholed++;
		goto drop;
	}
	mtu = r.mtu != 0 ? r.mtu : netif_mtu6(r.netif);
	if (tot > mtu) {
		st.toobig++;
		icmp6err_send(p, in, ICMP6_TYPE_PTB, 0, mtu);
		goto drop;
	}
	ip[7]--;
	st.forwarded++;
	nh = (r.flags & RUMP_RTF_GATEWAY) ? &r.nh6 : &dst;
	ipfwd_xmit6(r.netif, p, nh);
drop:
	pbuf_free(p);
}

/* ---- reassembly (reass.c) ---- */

/*
 * lwIP's ip6_reass, replaced: liblwip.so's ip6_input calls it through
 * its PLT for every fragment it accepts for the node (unicast,
 * multicast, looped, after extension headers), with p's payload at the
 * Fragment header and the IPv6 header (ip6_current_header()) and the
 * headers between them in front of it, in the same pbuf.  Consumed;
 * returns the whole datagram, its IPv6 header then the data that
 * followed the Fragment header, or NULL.  The extension headers before
 * the Fragment header are not kept: ip6_input parses the datagram from
 * its IPv6 header again and has handled them already.
 *
 * lwIP's own stops at ten fragments (about 14.8 KB at MTU 1500), and
 * links a datagram's fragments by pointers it writes into their packet
 * data, at offsets not 8-aligned, where LeakSanitizer does not look: a
 * datagram still incomplete when a process ends was reported as
 * received frames leaked (tests/fuzz/regress/ipinput/frag6-*).
 */
struct pbuf *
ip6_reass(struct pbuf *p)
{
	const uint8_t *ip = (const uint8_t *)ip6_current_header(),
	    *fh = p->payload;
	size_t plen, ulen, off, dlen, len;
	struct reass_key k;
	struct reass *r;
	struct pbuf *q;
	uint8_t *b;
	int more, done;

	st.fragments++;
	ulen = ip_current_header_tot_len();     /* up to the data */
	if (ip == NULL || p->next != NULL || ulen < IP6H + 8 ||
	    fh != ip + ulen - 8 || p->len < 8) {
		st.badhdr++;
		goto out;
	}
	ulen -= 8;
	plen = (size_t)(ip[4] << 8 | ip[5]);
	if (IP6H + plen < ulen + 8 || IP6H + plen > ulen + p->len) {
		st.badhdr++;
		goto out;
	}
	off = (size_t)((fh[2] << 8 | fh[3]) & 0xfff8);
	more = fh[3] & 1;
	dlen = IP6H + plen - ulen - 8;
	memset(&k, 0, sizeof(k));
	k.family = REASS_INET6;
	k.id = (uint32_t)fh[4] << 24 | (uint32_t)fh[5] << 16 |
	    (uint32_t)fh[6] << 8 | fh[7];
	memcpy(k.src, ip + 8, 16);
	memcpy(k.dst, ip + 24, 16);
	/* fe80::1 on two links is two hosts (NetBSD embeds the zone in
	 * the address); so is ff02::1 the group of each link. */
	if (ip6_addr_has_scope(ip6_current_src_addr(), IP6_UNKNOWN) ||
	    ip6_addr_has_scope(ip6_current_dest_addr(), IP6_UNKNOWN))
		k.zone = netif_get_index(ip_current_input_netif());
	if ((r = reass_find(&k, hyp_clock_mono_ns(), &st.fragdropped)) ==
	    NULL) {
		st.fragdropped++;
		goto out;
	}
	if (off == 0) {
		r->hlen = IP6H;
		memcpy(r->hdr, ip, IP6H);
		r->hdr[6] = fh[0];      /* what the fragments carry */
	}
	if ((done = reass_add(r, off, fh + 8, dlen, more)) < 0) {
		st.badhdr++;
		goto out;
	}
	if (!done)
		goto out;
	len = IP6H + r->total;
	if (len > 0xffff || (q = pbuf_alloc(PBUF_LINK, (u16_t)len,
	    PBUF_RAM)) == NULL) {
		st.fragdropped++;
		reass_free(r);
		goto out;
	}
	b = q->payload;
	memcpy(b, r->hdr, IP6H);
	b[4] = (uint8_t)(r->total >> 8);
	b[5] = (uint8_t)r->total;
	memcpy(b + IP6H, r->buf, r->total);
	reass_free(r);
	st.reassembled++;
	pbuf_free(p);
	/* p held the header lwIP's upper layers would read. */
	ip_data.current_ip6_header = (struct ip6_hdr *)q->payload;
	return q;
out:
	pbuf_free(p);
	return NULL;
}

/* ---- the receive path's entry ---- */

/*
 * lwIP's ip6_input, replaced: everything for this node goes on to lwIP's;
 * a transit packet is forwarded (forwarding on) or dropped.  A packet too
 * big for the node is read on its way in.
 */
err_t
ip6_input(struct pbuf *p, struct netif *inp)
{
	const uint8_t *ip = p->payload;
	ip6_addr_t dst;

	if (p->len < IP6H || (ip[0] >> 4) != 6)
		return lwip_real.ip6_input(p, inp);
	addr6(&dst, ip + 24);
	if (ip6_addr_ismulticast(&dst) || ip6_addr_islinklocal(&dst) ||
	    ip6_addr_isloopback(&dst) || ip6_addr_isany(&dst) ||
	    ipfwd_local6(&dst)) {
		pmtu_input(ip, p->len);
		return lwip_real.ip6_input(p, inp);
	}
	if (!netstack_knob(NK_IP6_FORWARDING) || p->next != NULL) {
		pbuf_free(p);
		return ERR_OK;
	}
	forward6(inp, p);
	return ERR_OK;
}

/* ---- the first hop of what the node sends ----
 *
 * Both run in the thread of the socket that sends (core locking: a
 * client's send runs lwIP's whole output path in its thread), from
 * ipfwd.c's ip6_route() and ipfwd_output6().
 */

/*
 * A link-local destination given without a zone (sin6_scope_id 0).
 * NetBSD looks it up as it is, with zone 0 embedded: no interface's
 * fe80::/64 holds it, so only a route that covers it whatever its zone
 * (the default route) gives it an interface, which then becomes its zone
 * (rip6_output's "scope_ambiguous" workaround, udp6_output's the same);
 * without one the send fails with EHOSTUNREACH.  lwIP gives the packet
 * the zone of the netif returned here (ip6_output_if_src).
 */
struct netif *
ipfwd6_unscoped(const ip6_addr_t *dst)
{
	struct rtres r;

	if (route_lookup6(dst, &r) != 0 || r.netif == NULL) {
		st.noroute++;
		return NULL;
	}
	return r.netif;
}

/*
 * A link-local source belongs to the link of its interface: as NetBSD's
 * ip6_output ("badscope"), a packet whose route leaves by another
 * interface is refused (EHOSTUNREACH to the socket) rather than sent with
 * a source nobody on that link can answer.  lwIP's loopback and the
 * blackhole are on no link.  1: n may take it.
 */
int
ipfwd6_zone_ok(const ip6_addr_t *src, struct netif *n)
{
	if (n->state == NULL || src == NULL || !ip6_addr_islinklocal(src) ||
	    !ip6_addr_has_zone(src) || ip6_addr_test_zone(src, n))
		return 1;
	st.badscope++;
	return 0;
}

/*
 * IPV6_NEXTHOP (RFC 3542 6.1): a socket's packets leave for its next hop
 * whatever the table says of their destination.  As NetBSD's
 * selectroute(), the next hop must be a neighbour: a route without a
 * gateway (a connected subnet or an -iface route) must hold it, or its
 * zone name the interface; else EHOSTUNREACH.  Multicast goes its own way.
 */
static __thread const ip6_addr_t *nexthop;      /* of this thread's send */

void
ipfwd6_nexthop_begin(const ip6_addr_t *nh)
{
	nexthop = nh;
}

void
ipfwd6_nexthop_end(void)
{
	nexthop = NULL;
}

const ip6_addr_t *
ipfwd6_nexthop(const ip6_addr_t *dst)
{
	return nexthop != NULL && !ip6_addr_ismulticast(dst) ? nexthop : NULL;
}

struct netif *
ipfwd6_nexthop_netif(const ip6_addr_t *nh)
{
	struct rtres r;
	struct netif *n;

	if (ip6_addr_islinklocal(nh)) {
		n = ip6_addr_has_zone(nh) ?
		    netif_get_by_index(ip6_addr_zone(nh)) : NULL;
		if (n == NULL || !netif_is_up(n) || !netif_is_link_up(n))
			goto unreach;
		return n;
	}
	if (route_lookup6(nh, &r) != 0 || r.netif == NULL ||
	    (r.flags & RUMP_RTF_GATEWAY))
		goto unreach;
	return r.netif;
unreach:
	st.noroute++;
	return NULL;
}

/* ---- counters ---- */

long
ipfwd6_stats(char *buf, size_t len)
{
	long n;

	n = snprintf(buf, len,
	    "ip6.forwarded %llu\nip6.noroute %llu\nip6.rejected %llu\n"
	    "ip6.blackholed %llu\nip6.hlimexceeded %llu\nip6.toobig %llu\n"
	    "ip6.badscope %llu\nip6.badhdr %llu\nip6.pmtulearnt %llu\n"
	    "ip6.fragments %llu\nip6.reassembled %llu\n"
	    "ip6.fragdropped %llu\n",
	    (unsigned long long)st.forwarded, (unsigned long long)st.noroute,
	    (unsigned long long)st.rejected,
	    (unsigned long long)st.blackholed,
	    (unsigned long long)st.hlimexceeded,
	    (unsigned long long)st.toobig, (unsigned long long)st.badscope,
	    (unsigned long long)st.badhdr,
	    (unsigned long long)st.pmtu_learnt,
	    (unsigned long long)st.fragments,
	    (unsigned long long)st.reassembled,
	    (unsigned long long)st.fragdropped);
	if (n < 0 || (size_t)n >= len)
		return n;
	return n + icmp6err_stats(buf + n, len - (size_t)n);
}
