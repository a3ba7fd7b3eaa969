/*
 * udp_input.c — the UDP-Lite datagrams lwIP must not see: lwIP's
 * udp_input() is replaced (liblwip.so calls it through its PLT, from
 * ip4_input and ip6_input, so this definition wins for the whole
 * process), and lwIP's own (netcomp/override.h) gets every other
 * datagram.
 *
 * lwIP 2.1.3 takes a UDP-Lite checksum coverage (the header's length
 * field) larger than the datagram without checking it, and the checksum
 * loop then trips an assertion ("delete me", inet_chksum.c), which in
 * Debian's build aborts the process: one such packet from anyone on a
 * bus killed the node (found by fuzz_ipinput).  RFC 3828 3.1 says a
 * coverage longer than the datagram is discarded; that is done here.
 * Runs with the core lock held, like lwIP's.
 */
#include "lwip/ip.h"
#include "lwip/pbuf.h"
#include "lwip/udp.h"

#include "netcomp/override.h"

void
udp_input(struct pbuf *p, struct netif *inp)
{
	const uint8_t *u = p->payload;

	if (p->len >= UDP_HLEN && ip_current_header_proto() ==
	    IP_PROTO_UDPLITE && (u16_t)(u[4] << 8 | u[5]) > p->tot_len) {
		pbuf_free(p);
		return;
	}
	lwip_real.udp_input(p, inp);
}
