/*
 * hoplimit.c — the TTL and hop limit of what a node originates, where
 * lwIP's fixed choices differ from NetBSD's.
 *
 * NetBSD (netinet/in_pcb.c, tcp_subr.c, ip_icmp.c, netinet6/icmp6.c):
 *  - a socket's packets carry net.inet.ip.ttl / net.inet6.ip6.hlim as
 *    they were when it was made (sockets.c sets them), and so does a
 *    connection accepted from a listening socket: in_pcballoc() gives
 *    the new one ip_defttl.  lwIP's tcp_alloc() gives it TCP_TTL (255);
 *  - a reset sent for a segment no connection wants (tcp_respond()
 *    without a tcpcb) carries ip_defttl / ip6_defhlim.  lwIP's tcp_rst()
 *    sends it with TCP_TTL;
 *  - an ICMPv6 echo reply or error leaves icmp6_reflect() with the
 *    current hop limit of the interface the offending packet came in by,
 *    ND_IFINFO(rcvif)->chlim: IPV6_DEFHLIM, 64, from nd6_ifattach(), and
 *    not net.inet6.ip6.hlim (a router advertisement's Cur Hop Limit
 *    would change it; rumplab's nodes do not take it).  lwIP answers
 *    echo requests with LWIP_ICMP6_HL (255);
 *  - IPv4 ICMP replies and errors (icmp_reflect()) carry MAXTTL, 255, as
 *    lwIP's do: nothing to change.
 *
 * liblwip.so calls tcp_alloc(), tcp_rst(), icmp6_input(), ip4_output_if()
 * and ip6_output_if() through its PLT, so the definitions below wrap
 * lwIP's (netcomp/override.h) for the whole process.  A reset
 * without a connection and an echo reply are recognised by where they
 * are sent from: a flag is up while lwIP's tcp_rst() runs for no
 * connection, or while its icmp6_input() handles a message, and the
 * output functions take the TTL from the sysctl, or the reply's hop
 * limit from the interface, only then.
 *
 * Core lock held throughout (lwIP's callers hold it); it guards the flags.
 */
#include "lwip/icmp6.h"
#include "lwip/ip.h"
#include "lwip/ip4.h"
#include "lwip/ip6.h"
#include "lwip/prot/icmp6.h"
#include "lwip/priv/tcp_priv.h"

#include "netcomp/netinet.h"
#include "netcomp/override.h"
#include "netcomp/route.h"

#define IPV6_DEFHLIM    64      /* NetBSD's netinet6/ip6.h */

static int rst_unowned;         /* lwIP's tcp_rst() runs for no pcb */
static int icmp6_replying;      /* lwIP's icmp6_input() runs */

u8_t
hoplimit_reflect6(void)
{
	return IPV6_DEFHLIM;
}

/* The sysctl's TTL or hop limit for the family of what lwIP handles now
 * (tcp_alloc() for a new connection runs inside ip4/ip6_input). */
static u8_t
ttl_now(int v6)
{
	return (u8_t)netstack_knob(v6 ? NK_IP6_HLIM : NK_IP_TTL);
}

struct tcp_pcb *
tcp_alloc(u8_t prio)
{
	struct tcp_pcb *pcb;

	/* A socket's own pcb gets its TTL from sockets.c right after. */
	if ((pcb = lwip_real.tcp_alloc(prio)) != NULL)
		pcb->ttl = ttl_now(ip_current_is_v6());
	return pcb;
}

void
tcp_rst(const struct tcp_pcb *pcb, u32_t seqno, u32_t ackno,
    const ip_addr_t *local_ip, const ip_addr_t *remote_ip, u16_t local_port,
    u16_t remote_port)
{
	rst_unowned = pcb == NULL;
	lwip_real.tcp_rst(pcb, seqno, ackno, local_ip, remote_ip, local_port,
	    remote_port);
	rst_unowned = 0;
}

void
icmp6_input(struct pbuf *p, struct netif *inp)
{
	icmp6_replying = 1;
	lwip_real.icmp6_input(p, inp);
	icmp6_replying = 0;
}

err_t
ip4_output_if(struct pbuf *p, const ip4_addr_t *src, const ip4_addr_t *dest,
    u8_t ttl, u8_t tos, u8_t proto, struct netif *netif)
{
	if (rst_unowned && proto == IP_PROTO_TCP)
		ttl = ttl_now(0);
	return lwip_real.ip4_output_if(p, src, dest, ttl, tos, proto,
	    netif);
}

err_t
ip6_output_if(struct pbuf *p, const ip6_addr_t *src, const ip6_addr_t *dest,
    u8_t hl, u8_t tc, u8_t nexth, struct netif *netif)
{
	if (rst_unowned && nexth == IP6_NEXTH_TCP)
		hl = ttl_now(1);
	else if (icmp6_replying && nexth == IP6_NEXTH_ICMP6 && p->len > 0 &&
	    *(const u8_t *)p->payload == ICMP6_TYPE_EREP)
		hl = hoplimit_reflect6();
	return lwip_real.ip6_output_if(p, src, dest, hl, tc, nexth,
	    netif);
}
