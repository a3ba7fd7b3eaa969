/*
 * ipopt.c — IPv4 options: what the node does with the record-route and
 * source-route options of the packets it receives and forwards (NetBSD's
 * ip_dooptions()), and the options a socket asks its datagrams to carry
 * (IP_OPTIONS, NetBSD's ip_pcbopts()).
 *
 * Receiving (ipopt_input, from ipfwd_input4 before the packet is the
 * node's or forwarded, as NetBSD processes options before it looks at
 * the destination):
 *  - record route (RR): while the option has room, the node writes in
 *    the address it sends the packet on with: its own address when the
 *    packet is for it, else the address of the route's interface;
 *  - loose and strict source route (LSRR, SSRR): refused with "net
 *    prohibited" unless net.inet.ip.allowsrcrt is 1.  When the packet is
 *    addressed to the node and the route has addresses left, the next one
 *    becomes the destination, the node's outgoing address takes its
 *    place in the option, and the packet is forwarded whatever
 *    net.inet.ip.forwarding says, if net.inet.ip.forwsrcrt is 1 ("source
 *    route failed" otherwise).  A strict route's next hop must be on one
 *    of the node's subnets;
 *  - timestamps and other options pass unchanged.
 * lwIP takes options as they are and answers an echo request with its
 * header, options included: the reply carries the route recorded so far
 * and each router on its way adds to it, which is what ping -R shows.
 *
 * Sending: lwIP has no IP_OPTIONS; its raw and UDP sockets send from the
 * client's thread (core locking), so sockets.c raises the socket's
 * options around the send and the wrapper of ip4_output_if_opt_src below,
 * which liblwip.so calls through its PLT, builds the header with them.
 * A source route's first hop is the packet's destination, as ip_pcbopts
 * makes it; sockets.c sends to it.
 *
 * Core lock held in everything but ipopt_parse().
 */
#include <errno.h>
#include <string.h>

#include "lwip/inet_chksum.h"
#include "lwip/ip.h"
#include "lwip/ip4.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/prot/ip4.h"

#include "netcomp/ipopt.h"
#include "netcomp/netinet.h"
#include "netcomp/override.h"
#include "netcomp/route.h"


#define ICMP_UNREACH            3
#define ICMP_PARAMPROB          12
#define UNREACH_HOST            1
#define UNREACH_SRCFAIL         5
#define UNREACH_NET_PROHIB      9

/* ---- receiving ---- */

static int
set_err(struct ipopt_err *e, uint8_t type, uint8_t code, uint32_t param)
{
	e->type = type;
	e->code = code;
	e->param = param;
	return IPOPT_REFUSED;
}

/* A parameter problem pointing at byte at of the header. */
static int
bad_at(struct ipopt_err *e, const uint8_t *ip, const uint8_t *at)
{
	return set_err(e, ICMP_PARAMPROB, 0, (uint32_t)(at - ip) << 24);
}

/* The address the node sends to dst with (NetBSD's ip_rtaddr); 0 when
 * no route leads there. */
static int
out_addr(const ip4_addr_t *dst, int strict, ip4_addr_t *a)
{
	struct rtres r;
	struct netif *n;

	if (strict) {           /* the next hop must be a neighbour */
		NETIF_FOREACH(n)
			if (netif_is_up(n) &&
			    !ip4_addr_isany_val(*netif_ip4_addr(n)) &&
			    ip4_addr_netcmp(dst, netif_ip4_addr(n),
			    netif_ip4_netmask(n))) {
				ip4_addr_copy(*a, *netif_ip4_addr(n));
				return 1;
			}
		return 0;
	}
	if (route_lookup4(dst, &r) != 0 || r.netif == NULL)
		return 0;
	ip4_addr_copy(*a, *netif_ip4_addr(r.netif));
	return !ip4_addr_isany_val(*a);
}

/* LSRR/SSRR at cp (optlen bytes, checked); *fwd set when the packet is
 * to go on to the route's next address. */
static int
srcroute(uint8_t *ip, uint8_t *cp, size_t optlen, int *fwd,
    struct ipopt_err *e)
{
	ip4_addr_t dst, next, a;
	size_t off;

	if (!netstack_knob(NK_IP_ALLOWSRCRT))
		return set_err(e, ICMP_UNREACH, UNREACH_NET_PROHIB, 0);
	if (optlen < 3)
		return bad_at(e, ip, cp + 1);
	if ((off = cp[2]) < IPO_MINOFF)
		return bad_at(e, ip, cp + 2);
	memcpy(&dst.addr, ip + 16, 4);
	if (!own_unicast4(&dst)) {
		/* Not at the route's next address yet: a loose route is
		 * forwarded as any packet, a strict one has failed. */
		if (cp[0] == IPO_SSRR)
			return set_err(e, ICMP_UNREACH, UNREACH_SRCFAIL, 0);
		return IPOPT_PASS;
	}
	off--;                          /* the pointer counts from 1 */
	if (off + 4 > optlen)
		return IPOPT_PASS;      /* the end: the packet is ours */
	memcpy(&next.addr, cp + off, 4);
	if (!out_addr(&next, cp[0] == IPO_SSRR, &a))
		return set_err(e, ICMP_UNREACH, UNREACH_SRCFAIL, 0);
	memcpy(ip + 16, &next.addr, 4);
	memcpy(cp + off, &a.addr, 4);
	cp[2] += 4;
	*fwd = !ip4_addr_ismulticast(&next);
	return IPOPT_PASS;
}

/* RR at cp: the address the packet leaves by, while there is room. */
static int
recroute(uint8_t *ip, uint8_t *cp, size_t optlen, struct ipopt_err *e)
{
	ip4_addr_t dst, a;
	size_t off;

	if (optlen < 3)
		return bad_at(e, ip, cp + 1);
	if ((off = cp[2]) < IPO_MINOFF)
		return bad_at(e, ip, cp + 2);
	off--;
	if (off + 4 > optlen)
		return IPOPT_PASS;      /* full */
	memcpy(&dst.addr, ip + 16, 4);
	if (own_unicast4(&dst))
		a = dst;
	else if (!out_addr(&dst, 0, &a))
		return set_err(e, ICMP_UNREACH, UNREACH_HOST, 0);
	memcpy(cp + off, &a.addr, 4);
	cp[2] += 4;
	return IPOPT_PASS;
}

int
ipopt_input(uint8_t *ip, size_t hlen, struct ipopt_err *e)
{
	uint8_t *cp = ip + IP_HLEN;
	size_t cnt = hlen - IP_HLEN, optlen;
	int fwd = 0, seen_sr = 0, seen_rr = 0, r = IPOPT_PASS;
	u16_t c;

	for (; cnt > 0 && r == IPOPT_PASS; cnt -= optlen, cp += optlen) {
		if (cp[0] == IPO_EOL)
			break;
		if (cp[0] == IPO_NOP) {
			optlen = 1;
			continue;
		}
		if (cnt < 2)
			return bad_at(e, ip, cp + 1);
		if ((optlen = cp[1]) < 2 || optlen > cnt)
			return bad_at(e, ip, cp + 1);
		switch (cp[0]) {
		case IPO_LSRR:
		case IPO_SSRR:
			if (seen_sr++)
				return bad_at(e, ip, cp);
			r = srcroute(ip, cp, optlen, &fwd, e);
			break;
		case IPO_RR:
			if (seen_rr++)
				return bad_at(e, ip, cp);
			r = recroute(ip, cp, optlen, e);
			break;
		}
	}
	ip[10] = ip[11] = 0;
	c = inet_chksum(ip, (u16_t)hlen);
	memcpy(ip + 10, &c, 2);
	if (r != IPOPT_PASS || !fwd)
		return r;
	if (!netstack_knob(NK_IP_FORWSRCRT))
		return set_err(e, ICMP_UNREACH, UNREACH_SRCFAIL, 0);
	return IPOPT_SRCROUTED;
}

/* ---- the options of a socket ---- */

int
ipopt_parse(const uint8_t *val, size_t len, uint8_t *opts, size_t *optlen,
    uint32_t *hop)
{
	uint8_t b[IPOPT_USERMAX];
	size_t n = len, ol, i;
	int routed = 0;

	*hop = 0;
	*optlen = 0;
	if (len > IPOPT_USERMAX)
		return -EINVAL;
	if (len > 0)
		memcpy(b, val, len);
	while (n % 4 != 0)
		b[n++] = IPO_EOL;
	for (i = 0; i < n && b[i] != IPO_EOL; i += ol) {
		if (b[i] == IPO_NOP) {
			ol = 1;
			continue;
		}
		if (n - i < 2 || (ol = b[i + 1]) < 2 || ol > n - i)
			return -EINVAL;
		if (b[i] != IPO_LSRR && b[i] != IPO_SSRR)
			continue;
		/* The route as the user gives it, A B C D, D the final
		 * destination: A is where the packet goes first and leaves
		 * the option (ip_pcbopts).  n stays a multiple of 4. */
		if (ol < 3 + 4 || routed++)
			return -EINVAL;
		memcpy(hop, b + i + 3, 4);
		memmove(b + i + 3, b + i + 7, n - (i + 7));
		b[i + 1] = (uint8_t)(ol - 4);
		n -= 4;
		ol -= 4;
	}
	if (n > IPOPT_MAX)
		return -EINVAL;
	memcpy(opts, b, n);
	*optlen = n;
	return 0;
}

static __thread const uint8_t *send_opts;
static __thread size_t send_optlen;

void
ipopt_send_begin(const uint8_t *opts, size_t optlen)
{
	send_opts = opts;
	send_optlen = optlen;
}

void
ipopt_send_end(void)
{
	send_opts = NULL;
	send_optlen = 0;
}

/* ---- replies to source-routed requests ---- */

/* The source route that has come to its end among the options at cp
 * (n bytes), or NULL. */
static const uint8_t *
ended_route(const uint8_t *cp, size_t n)
{
	const uint8_t *sr = ipopt_find(cp, n, IPO_LSRR);

	if (sr == NULL)
		sr = ipopt_find(cp, n, IPO_SSRR);
	if (sr == NULL || sr[1] < 3 + 4 || (size_t)sr[2] <= sr[1])
		return NULL;
	return sr;
}

/*
 * The options of the reply to a request whose header (its options as
 * they came, source and destination swapped) is at ip, as NetBSD's
 * icmp_reflect() and ip_srcroute() make them: the route turned around
 * (the reply goes first to the hop the request came from last, *hop,
 * and the rest of the route in reverse ends at the request's source),
 * then the record-route and timestamp options.  The length of the new
 * options at out, 0 when there is no source route to turn or no room.
 */
static size_t
reversed_options(const uint8_t *ip, uint8_t *out, ip4_addr_t *hop)
{
	size_t hlen = (size_t)(ip[0] & 0xf) * 4, n = hlen - IP_HLEN, k, ol;
	const uint8_t *sr = ended_route(ip + IP_HLEN, n), *cp;
	size_t nhops, i;

	if (sr == NULL)
		return 0;
	nhops = (size_t)(sr[1] - 3) / 4;
	memcpy(&hop->addr, sr + 3 + 4 * (nhops - 1), 4);
	out[0] = IPO_NOP;
	out[1] = sr[0];
	out[2] = (uint8_t)(3 + 4 * nhops);
	out[3] = IPO_MINOFF;
	for (k = 4, i = nhops - 1; i > 0; i--, k += 4)
		memcpy(out + k, sr + 3 + 4 * (i - 1), 4);
	memcpy(out + k, ip + 16, 4);            /* the request's source */
	k += 4;
	for (cp = ip + IP_HLEN; n > 0 && cp[0] != IPO_EOL; n -= ol, cp += ol) {
		if (cp[0] != IPO_NOP && (n < 2 || cp[1] < 2 || cp[1] > n))
			break;
		ol = cp[0] == IPO_NOP ? 1 : cp[1];
		if (cp[0] != IPO_RR && cp[0] != IPO_TS)
			continue;
		if (k + ol > IPOPT_MAX)
			return 0;
		memcpy(out + k, cp, ol);
		k += ol;
	}
	while (k % 4 != 0)
		out[k++] = IPO_EOL;
	return k;
}

/* lwIP's echo reply p (its header in front) with the options turned
 * around, in a new pbuf with a link header's room; NULL if there is
 * nothing to turn. */
static struct pbuf *
reflect(struct pbuf *p)
{
	const u16_t room = PBUF_LINK_ENCAPSULATION_HLEN + PBUF_LINK_HLEN;
	const uint8_t *ip = p->payload;
	uint8_t opts[IPOPT_MAX], *b;
	size_t hlen, n, tot;
	ip4_addr_t hop;
	struct pbuf *q;
	u16_t c;

	if (p->len < IP_HLEN || (hlen = (size_t)(ip[0] & 0xf) * 4) <=
	    IP_HLEN || p->len < hlen + 1 || ip[9] != IP_PROTO_ICMP ||
	    ip[hlen] != 0 /* echo reply */ ||
	    (n = reversed_options(ip, opts, &hop)) == 0)
		return NULL;
	tot = p->tot_len - hlen + IP_HLEN + n;
	if ((q = pbuf_alloc(PBUF_RAW, (u16_t)(tot + room), PBUF_RAM)) ==
	    NULL)
		return NULL;
	pbuf_remove_header(q, room);
	b = q->payload;
	memcpy(b, ip, IP_HLEN);
	memcpy(b + IP_HLEN, opts, n);
	pbuf_copy_partial(p, b + IP_HLEN + n, (u16_t)(p->tot_len - hlen),
	    (u16_t)hlen);
	b[0] = (uint8_t)(0x40 | (IP_HLEN + n) / 4);
	b[2] = (uint8_t)(tot >> 8);
	b[3] = (uint8_t)tot;
	memcpy(b + 16, &hop.addr, 4);
	b[10] = b[11] = 0;
	c = inet_chksum(b, (u16_t)(IP_HLEN + n));
	memcpy(b + 10, &c, 2);
	return q;
}

/* ---- lwIP's output, wrapped ---- */

/* p with room in front for a link header, an IP header and the
 * options; NULL when there is no memory. */
static struct pbuf *
with_room(struct pbuf *p)
{
	const u16_t room = PBUF_LINK_ENCAPSULATION_HLEN + PBUF_LINK_HLEN +
	    IP_HLEN + IPOPT_MAX;
	struct pbuf *q;

	if ((size_t)p->tot_len + room > 0xffff ||
	    (q = pbuf_alloc(PBUF_RAW, (u16_t)(p->tot_len + room),
	    PBUF_RAM)) == NULL)
		return NULL;
	pbuf_remove_header(q, room);
	pbuf_copy_partial(p, q->payload, p->tot_len, 0);
	return q;
}

/*
 * Two kinds of packets are changed on their way out, in a copy (the
 * caller frees p as ever):
 *  - lwIP's raw and UDP sends between ipopt_send_begin() and _end(),
 *    which come with no options and a header's room in front of p, get
 *    the socket's options;
 *  - lwIP's echo replies (the request's header in front, sent as it
 *    stands) to a source-routed request go back along the route reversed.
 */
err_t
ip4_output_if_opt_src(struct pbuf *p, const ip4_addr_t *src,
    const ip4_addr_t *dest, u8_t ttl, u8_t tos, u8_t proto,
    struct netif *netif, void *ip_options, u16_t optlen)
{
	struct pbuf *q = NULL;
	err_t err;

	if (dest == LWIP_IP_HDRINCL && proto == IP_PROTO_ICMP)
		q = reflect(p);
	else if (send_optlen != 0 && ip_options == NULL &&
	    dest != LWIP_IP_HDRINCL) {
		if ((q = with_room(p)) == NULL)
			return ERR_MEM;
		ip_options = (void *)(uintptr_t)send_opts;
		optlen = (u16_t)send_optlen;
	}
	if (q == NULL)
		return lwip_real.ip4_output_if_opt_src(p, src, dest, ttl, tos,
		    proto, netif, ip_options, optlen);
	err = lwip_real.ip4_output_if_opt_src(q, src, dest, ttl, tos, proto,
	    netif, ip_options, optlen);
	pbuf_free(q);
	return err;
}
