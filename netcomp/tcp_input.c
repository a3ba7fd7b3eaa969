/*
 * tcp_input.c — the TCP segments lwIP must not see: lwIP's tcp_input()
 * is replaced (liblwip.so calls it through its PLT, from ip4_input and
 * ip6_input, so the definition below wins for the whole process), and
 * lwIP's own (netcomp/override.h) gets every other segment.
 *
 * The one segment dropped: a bare ACK that tells a connection nothing it
 * does not know while both ends have closed their windows.  RFC 793 says
 * that with a zero receive window a segment of length 0 is acceptable
 * when its sequence number is RCV.NXT, and an acceptable bare ACK is
 * never answered.  lwIP 2.1.3's tcp_receive() tests it against the empty
 * range [rcv_nxt, rcv_nxt + rcv_wnd - 1] instead, finds it out of window
 * and answers with an ACK.  When both ends are lwIP with zero windows,
 * each ACK is answered by the other forever.  Over the loopback this is
 * a livelock, not just a storm: netif_poll() delivers until the loop
 * queue is empty, every delivery queues the answer, so the tcpip thread
 * never leaves it and holds the core lock for good; the applications
 * can then never read, and the windows never open.  Seen with two
 * threads of one node echoing TCP over 127.0.0.1 on a loaded machine
 * (duplex in tests/netcomp/netnode.c), where both readers fall behind.
 *
 * Dropping the ACK instead is exactly what lwIP should do with it: the
 * sequence number is RCV.NXT, it acknowledges nothing new and advertises
 * the zero window the connection already knows, so it changes no state.
 * Zero-window probes carry a byte and keepalives an old sequence number;
 * neither is touched.  Runs with the core lock held, like lwIP's.
 */
#include "lwip/ip.h"
#include "lwip/pbuf.h"
#include "lwip/tcp.h"
#include "lwip/prot/tcp.h"
#include "lwip/priv/tcp_priv.h"

#include "netcomp/override.h"

static struct tcp_pcb *
pcb_of(const struct tcp_hdr *th)
{
	struct tcp_pcb *pcb;

	for (pcb = tcp_active_pcbs; pcb != NULL; pcb = pcb->next)
		if (pcb->local_port == lwip_ntohs(th->dest) &&
		    pcb->remote_port == lwip_ntohs(th->src) &&
		    ip_addr_cmp(&pcb->local_ip, ip_current_dest_addr()) &&
		    ip_addr_cmp(&pcb->remote_ip, ip_current_src_addr()))
			return pcb;
	return NULL;
}

/* A bare ACK, window 0, that lwIP would answer though it says nothing
 * new to a connection whose windows are both closed (see above). */
static int
zero_window_echo(const struct pbuf *p)
{
	const struct tcp_hdr *th = p->payload;
	struct tcp_pcb *pcb;
	u8_t flags;

	if (p->len < TCP_HLEN || p->tot_len != TCPH_HDRLEN_BYTES(th) ||
	    th->wnd != 0)
		return 0;
	flags = TCPH_FLAGS(th);
	if ((flags & (TCP_FIN | TCP_SYN | TCP_RST | TCP_URG)) != 0 ||
	    (flags & TCP_ACK) == 0)
		return 0;
	if ((pcb = pcb_of(th)) == NULL || pcb->state < ESTABLISHED)
		return 0;
	return pcb->rcv_wnd == 0 && pcb->snd_wnd == 0 &&
	    lwip_ntohl(th->seqno) == pcb->rcv_nxt &&
	    lwip_ntohl(th->ackno) == pcb->lastack;
}

void
tcp_input(struct pbuf *p, struct netif *inp)
{
	if (zero_window_echo(p)) {
		pbuf_free(p);
		return;
	}
	lwip_real.tcp_input(p, inp);
}
