/*
 * icmp6err.c — the ICMPv6 errors a node sends (RFC 4443), and the rate
 * limit on ICMP errors of both families.
 *
 * The forwarder (ipfwd6.c) reports what it cannot forward through
 * icmp6err_send(): time exceeded, destination unreachable (no route,
 * reject route, beyond scope) and packet too big with the next hop's
 * MTU.  The error leaves from an address of the interface the offending
 * packet came in by, as NetBSD's icmp6_reflect picks one, so that
 * traceroute6 shows each router by the address facing the sender; an
 * error about a packet addressed to the node leaves from that address.
 *
 * lwIP would send a few errors of its own (port unreachable for a UDP
 * datagram no socket wants, parameter problem); liblwip.so calls them
 * through its PLT, so the definitions below replace lwIP's and send
 * them here, as NetBSD would (see below).
 *
 * The limit is NetBSD's (net.inet.icmp.errppslimit,
 * net.inet6.icmp6.errppslimit): at most ICMP_ERRPPS errors of a family
 * in any one-second interval; the rest are counted and not sent.
 *
 * Core lock held throughout (the packet paths hold it); it also guards
 * the counters and the limiter.
 */
#include <stdio.h>
#include <string.h>

#include "lwip/icmp6.h"
#include "lwip/ip.h"
#include "lwip/inet_chksum.h"
#include "lwip/ip6.h"
#include "lwip/netif.h"
#include "lwip/prot/icmp6.h"

#include "kernel/hyper.h"
#include "netcomp/netinet.h"
#include "netcomp/route.h"

#define ICMP_ERRPPS     100
#define IP6_MMTU        1280            /* an error fits the minimum MTU */
#define IP6_HLEN_       40

static struct {
	uint64_t t0;            /* start of the current interval, ns */
	unsigned n;             /* errors sent in it */
} lim[2];

static struct {
	uint64_t sent, ratelimited;
} st6;

int
icmp_error_allowed(int v6)
{
	uint64_t now = hyp_clock_mono_ns();

	if (now - lim[v6].t0 >= 1000000000ull) {
		lim[v6].t0 = now;
		lim[v6].n = 0;
	}
	if (lim[v6].n >= ICMP_ERRPPS) {
		if (v6)
			st6.ratelimited++;
		return 0;
	}
	lim[v6].n++;
	return 1;
}

struct pbuf *
icmperr_alloc(uint8_t type, uint8_t code, uint32_t param, size_t quote)
{
	struct pbuf *q;
	uint8_t *b;

	if ((q = pbuf_alloc(PBUF_IP, (u16_t)(8 + quote), PBUF_RAM)) == NULL)
		return NULL;
	b = q->payload;
	memset(b, 0, 8);
	b[0] = type;
	b[1] = code;
	b[4] = (uint8_t)(param >> 24);
	b[5] = (uint8_t)(param >> 16);
	b[6] = (uint8_t)(param >> 8);
	b[7] = (uint8_t)param;
	return q;
}

static void
addr6(ip6_addr_t *a, const uint8_t *b)
{
	memset(a, 0, sizeof(*a));
	memcpy(a->addr, b, 16);
}

/*
 * May the packet at ip (an IPv6 header, len bytes) be answered with an
 * error (RFC 4443 2.4 e)?  Not when its source cannot be answered, nor
 * when it is itself an ICMPv6 error or a redirect, also behind
 * extension headers (hop-by-hop, routing, destination options, a first
 * fragment); not when the chain cannot be followed (a later fragment,
 * a header past what was received), since the upper header is unknown.
 */
static int
errorable6(const uint8_t *ip, size_t len)
{
	ip6_addr_t src;
	size_t off = IP6_HLEN_;
	uint8_t nh = ip[6];

	addr6(&src, ip + 8);
	if (ip6_addr_isany(&src) || ip6_addr_ismulticast(&src) ||
	    ip6_addr_isloopback(&src))
		return 0;
	for (;;) {
		switch (nh) {
		case 0:                 /* hop-by-hop */
		case 43:                /* routing */
		case 60:                /* destination options */
			if (off + 2 > len)
				return 0;
			nh = ip[off];
			off += ((size_t)ip[off + 1] + 1) * 8;
			continue;
		case 44:                /* fragment */
			if (off + 8 > len ||
			    ((ip[off + 2] << 8 | ip[off + 3]) & 0xfff8) != 0)
				return 0;
			nh = ip[off];
			off += 8;
			continue;
		case IP6_NEXTH_ICMP6:
			if (off >= len)
				return 0;
			return ip[off] >= ICMP6_TYPE_EREQ &&
			    ip[off] != ICMP6_TYPE_RD;
		default:
			return 1;
		}
	}
}

/* Where the error goes: the route back to the offender's source (a
 * link-local source is answered on the link it came from). */
static struct netif *
error_route(const ip6_addr_t *dst, struct netif *in)
{
	struct netif *out;

	if (ip6_addr_islinklocal(dst))
		return in;
	out = ip6_route(IP6_ADDR_ANY6, dst);
	return out != NULL && netif_is_up(out) && out->mtu != 0 ? out : NULL;
}

void
icmp6err_send(struct pbuf *p, struct netif *in, uint8_t type, uint8_t code,
    uint32_t param)
{
	const uint8_t *ip = p->payload;
	const ip_addr_t *src;
	struct netif *out;
	ip_addr_t own_a;
	ip6_addr_t dst, own;
	struct pbuf *q;
	size_t quote;
	uint8_t *b;
	u16_t c;

	if (p->len < IP6_HLEN_ || !errorable6(ip, p->len))
		return;
	addr6(&dst, ip + 8);
	if (ip6_addr_islinklocal(&dst))
		ip6_addr_assign_zone(&dst, IP6_UNICAST, in);
	if ((out = error_route(&dst, in)) == NULL)
		return;
	/* NetBSD's icmp6_reflect(): a packet addressed to one of our own
	 * addresses is answered from that address (traceroute6 to a
	 * router's far address ends there); else from an address of the
	 * interface it came in by. */
	addr6(&own, ip + 24);
	if (!ip6_addr_ismulticast(&own) && ipfwd_local6(&own)) {
		ip_addr_copy_from_ip6(own_a, own);
		src = &own_a;
	} else if ((src = ip6_select_source_address(in, &dst)) == NULL &&
	    (src = ip6_select_source_address(out, &dst)) == NULL)
		return;
	if (!icmp_error_allowed(1))
		return;
	quote = p->tot_len;
	if (quote > IP6_MMTU - IP6_HLEN_ - 8)
		quote = IP6_MMTU - IP6_HLEN_ - 8;
	if ((q = icmperr_alloc(type, code, param, quote)) == NULL)
		return;
	b = q->payload;
	pbuf_copy_partial(p, b + 8, (u16_t)quote, 0);
	c = ip6_chksum_pseudo(q, IP6_NEXTH_ICMP6, q->tot_len, ip_2_ip6(src),
	    &dst);
	memcpy(b + 2, &c, 2);
	st6.sent++;
	ip6_output_if(q, ip_2_ip6(src), &dst, hoplimit_reflect6(), 0,
	    IP6_NEXTH_ICMP6, out);
	pbuf_free(q);
}

/* ---- lwIP's own errors ----
 *
 * lwIP answers a UDP datagram no socket wants (port unreachable) and an
 * unknown next header (parameter problem) from an address it picks on
 * the netif the packet came in by, with hop limit 255.  Both are sent
 * here instead, as NetBSD's are: from the address the packet was sent
 * to, with icmp6_reflect()'s hop limit, under the same limit.  p's
 * payload is at the IPv6 header, except for a fragment whose length is
 * not a multiple of 8 (RFC 8200 4.5): lwIP's ip6_input reports it with
 * the payload at the Fragment header, and the quote must begin at the
 * IPv6 header (ip6_current_header(), in the same buffer).
 */

void
icmp6_dest_unreach(struct pbuf *p, enum icmp6_dur_code c)
{
	icmp6err_send(p, ip_current_netif(), ICMP6_TYPE_DUR, (uint8_t)c, 0);
}

void
icmp6_param_problem(struct pbuf *p, enum icmp6_pp_code c,
    const void *pointer)
{
	const uint8_t *at = pointer, *ip = p->payload,
	    *hdr = (const uint8_t *)ip6_current_header();
	u16_t back = 0;

	/* pbuf_add_header() refuses to go past the buffer's start. */
	if (hdr != NULL && hdr < ip && ip - hdr <= 0xffff &&
	    pbuf_add_header(p, (size_t)(ip - hdr)) == 0) {
		back = (u16_t)(ip - hdr);
		ip = hdr;
	}
	if (at >= ip && at < ip + p->len)       /* in the first buffer */
		icmp6err_send(p, ip_current_netif(), ICMP6_TYPE_PP,
		    (uint8_t)c, (uint32_t)(at - ip));
	if (back != 0)
		pbuf_remove_header(p, back);
}

long
icmp6err_stats(char *buf, size_t len)
{
	return snprintf(buf, len, "icmp6.errors %llu\nicmp6.ratelimited %llu\n",
	    (unsigned long long)st6.sent, (unsigned long long)st6.ratelimited);
}
