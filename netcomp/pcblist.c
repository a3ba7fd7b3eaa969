/*
 * pcblist.c — the node's sockets as rump.netstat lists them: lwIP's
 * protocol control blocks (TCP listening, active and TIME-WAIT, UDP),
 * one line each, "proto recvq sendq local remote state"; addresses as
 * "10.0.0.1.80" / "fc00::1.80" and "*.*" as NetBSD writes them.  Raw
 * sockets are not listed: lwIP keeps their list private.
 *
 * Lock: the core lock, held while the lists are walked.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lwip/ip_addr.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"
#include "lwip/udp.h"

#include "netcomp/netinet.h"
#include "netcomp/route.h"

static const char *const tcp_states[] = {
	"CLOSED", "LISTEN", "SYN_SENT", "SYN_RCVD", "ESTABLISHED",
	"FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING", "LAST_ACK",
	"TIME_WAIT",
};

struct out {
	char *buf;
	size_t len, need;
};

static void
emit(struct out *o, const char *line)
{
	size_t n = strlen(line);

	if (o->len > 0 && o->need + n < o->len)
		memcpy(o->buf + o->need, line, n + 1);
	o->need += n;
}

static void
endpoint(const ip_addr_t *a, u16_t port, char *buf, size_t len)
{
	char t[IPADDR_STRLEN_MAX];

	if (ip_addr_isany(a))
		snprintf(t, sizeof(t), "*");
	else {
		/* inet_ntop, not lwIP's ntoa: lwIP squeezes the first run
		 * of zero groups, not the longest (fd00::2:0:0:0:10 for
		 * fd00:0:0:2::10), and writes capitals. */
		if (IP_IS_V6(a))
			inet_ntop(AF_INET6, ip_2_ip6(a)->addr, t, sizeof(t));
		else
			inet_ntop(AF_INET, &ip_2_ip4(a)->addr, t, sizeof(t));
	}
	if (port == 0)
		snprintf(buf, len, "%s.*", t);
	else
		snprintf(buf, len, "%s.%u", t, port);
}

static void
tcp_line(struct out *o, const struct tcp_pcb *p)
{
	char l[64], r[64], line[192];
	int st = p->state;

	endpoint(&p->local_ip, p->local_port, l, sizeof(l));
	if (st == LISTEN)
		snprintf(r, sizeof(r), "*.*");
	else
		endpoint(&p->remote_ip, p->remote_port, r, sizeof(r));
	snprintf(line, sizeof(line), "%s %u %u %s %s %s\n",
	    IP_IS_V6_VAL(p->local_ip) ? "tcp6" : "tcp",
	    st == LISTEN ? 0u : (unsigned)(TCP_WND_MAX(p) - p->rcv_wnd),
	    st == LISTEN ? 0u : (unsigned)p->snd_queuelen, l, r,
	    st >= 0 && st <= TIME_WAIT ? tcp_states[st] : "?");
	emit(o, line);
}

long
pcblist_text(char *buf, size_t len)
{
	struct out o = { buf, len, 0 };
	struct tcp_pcb *p;
	struct tcp_pcb_listen *lp;
	struct udp_pcb *u;
	char l[64], r[64], line[192];

	if (len > 0)
		buf[0] = '\0';
	netstack_lock();
	for (p = tcp_active_pcbs; p != NULL; p = p->next)
		tcp_line(&o, p);
	for (lp = tcp_listen_pcbs.listen_pcbs; lp != NULL; lp = lp->next)
		tcp_line(&o, (const struct tcp_pcb *)(const void *)lp);
	for (p = tcp_tw_pcbs; p != NULL; p = p->next)
		tcp_line(&o, p);
	for (u = udp_pcbs; u != NULL; u = u->next) {
		endpoint(&u->local_ip, u->local_port, l, sizeof(l));
		if (u->flags & UDP_FLAGS_CONNECTED)
			endpoint(&u->remote_ip, u->remote_port, r, sizeof(r));
		else
			snprintf(r, sizeof(r), "*.*");
		snprintf(line, sizeof(line), "%s 0 0 %s %s\n",
		    IP_IS_V6_VAL(u->local_ip) ? "udp6" : "udp", l, r);
		emit(&o, line);
	}
	netstack_unlock();
	return (long)o.need;
}
