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
 * options around the send and the wrapper of ip4_output_if_opt below,
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

#define OPT_EOL         0
#define OPT_NOP         1
#define OPT_RR          7
#define OPT_LSRR        131
#define OPT_SSRR        137
#define OPT_MINOFF      4       /* the pointer's first value */

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
	if ((off = cp[2]) < OPT_MINOFF)
		return bad_at(e, ip, cp + 2);
	memcpy(&dst.addr, ip + 16, 4);
	if (!own_unicast4(&dst)) {
		/* Not at the route's next address yet: a loose route is
		 * forwarded as any packet, a strict one has failed. */
		if (cp[0] == OPT_SSRR)
			return set_err(e, ICMP_UNREACH, UNREACH_SRCFAIL, 0);
		return IPOPT_PASS;
	}
	off--;                          /* the pointer counts from 1 */
	if (off + 4 > optlen)
		return IPOPT_PASS;      /* the end: the packet is ours */
	memcpy(&next.addr, cp + off, 4);
	if (!out_addr(&next, cp[0] == OPT_SSRR, &a))
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
	if ((off = cp[2]) < OPT_MINOFF)
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
		if (cp[0] == OPT_EOL)
			break;
		if (cp[0] == OPT_NOP) {
			optlen = 1;
			continue;
		}
		if (cnt < 2)
			return bad_at(e, ip, cp + 1);
		if ((optlen = cp[1]) < 2 || optlen > cnt)
			return bad_at(e, ip, cp + 1);
		switch (cp[0]) {
		case OPT_LSRR:
		case OPT_SSRR:
			if (seen_sr++)
				return bad_at(e, ip, cp);
			r = srcroute(ip, cp, optlen, &fwd, e);
			break;
		case OPT_RR:
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
	size_t n, cnt, ol, i = 0;

	*hop = 0;
	*optlen = 0;
	if (len == 0)
		return 0;
	if (len > IPOPT_USERMAX)
		return -EINVAL;
	memcpy(b, val, len);
	n = len;
	while (n % 4 != 0)
		b[n++] = OPT_EOL;
	for (cnt = n; i < n; i += ol) {
		cnt = n - i;
		if (b[i] == OPT_EOL)
			break;
		if (b[i] == OPT_NOP) {
			ol = 1;
			continue;
		}
		if (cnt < 2 || (ol = b[i + 1]) < 2 || ol > cnt)
			return -EINVAL;
		if (b[i] != OPT_LSRR && b[i] != OPT_SSRR)
			continue;
		/* The route as the user gives it, A B C D, D the final
		 * destination: A is where the packet goes first and leaves
		 * the option (ip_pcbopts). */
		if (ol < 3 + 4 || *hop != 0)
			return -EINVAL;
		memcpy(hop, b + i + 3, 4);
		memmove(b + i + 3, b + i + 7, n - (i + 7));
		b[i + 1] = (uint8_t)(ol - 4);
		n -= 4;
		ol -= 4;
	}
	while (n > 0 && n % 4 != 0)
		b[n++] = OPT_EOL;
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

/*
 * lwIP's raw and UDP sends reach here through ip4_output_if() with no
 * options and a header's room in front of p.  A copy with room for the
 * options goes out instead; the caller frees p as ever.
 */
err_t
ip4_output_if_opt(struct pbuf *p, const ip4_addr_t *src,
    const ip4_addr_t *dest, u8_t ttl, u8_t tos, u8_t proto,
    struct netif *netif, void *ip_options, u16_t optlen)
{
	const u16_t room = PBUF_LINK_ENCAPSULATION_HLEN + PBUF_LINK_HLEN +
	    IP_HLEN + IPOPT_MAX;
	struct pbuf *q;
	err_t err;

	if (send_optlen == 0 || ip_options != NULL ||
	    dest == LWIP_IP_HDRINCL)
		return lwip_real.ip4_output_if_opt(p, src, dest, ttl, tos,
		    proto, netif, ip_options, optlen);
	if ((size_t)p->tot_len + room > 0xffff ||
	    (q = pbuf_alloc(PBUF_RAW, (u16_t)(p->tot_len + room),
	    PBUF_RAM)) == NULL)
		return ERR_MEM;
	pbuf_remove_header(q, room);
	pbuf_copy_partial(p, q->payload, p->tot_len, 0);
	err = lwip_real.ip4_output_if_opt(q, src, dest, ttl, tos, proto,
	    netif, (void *)(uintptr_t)send_opts, (u16_t)send_optlen);
	pbuf_free(q);
	return err;
}
