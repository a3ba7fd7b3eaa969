/*
 * traceroute.c — rump.traceroute: the path an IPv4 packet takes from a
 * node, hop by hop, with NetBSD traceroute(8)'s options and output.
 *
 *   rump.traceroute [-In] [-f first_ttl] [-m max_ttl] [-p port]
 *                   [-q nqueries] [-w waittime] host [packetsize]
 *
 * Probes are UDP datagrams to port+N (default 33434 up), or ICMP echo
 * requests with -I, sent with TTL 1, 2, ... from a socket of the node;
 * the answers (time exceeded from each router, port unreachable or echo
 * reply from the host) arrive on a raw ICMP socket of the node.  A line
 * per TTL:
 *
 *    1  10.0.1.1  0.345 ms  0.210 ms  0.198 ms
 *
 * "*" for a probe with no answer, "!H", "!N", "!P", "!F-mtu", "!X" after
 * a time for host, net, protocol unreachable, fragmentation needed and
 * administratively prohibited.  It stops at the host or at an
 * unreachable answer.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/rumpclient.h"
#include "netcomp/cmd/node.h"
#include "netcomp/cmd/traceloop.h"
#include "version.h"

#define PROG    "rump.traceroute"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: " PROG " [-In] [-f first_ttl] [-m max_ttl] [-p port] "
	    "[-q nqueries]\n"
	    "       [-w waittime] host [packetsize]\n"
	    "The node is $RUMP_SERVER.\n");
}

static int
send_probe(struct trace *t, int ttl, int seq)
{
	uint8_t pkt[65536];
	struct sockaddr_storage to = t->dst;
	size_t len;
	uint16_t c;

	if (t->iflag) {
		len = t->size > 28 ? (size_t)t->size - 20 : 8;
		memset(pkt, 0, len);
		trace_echo(t, pkt, 8, seq);
		c = trace_cksum(pkt, len);
		pkt[2] = (uint8_t)(c >> 8);
		pkt[3] = (uint8_t)c;
		return trace_send(t, t->rx, ttl, pkt, len, &to);
	}
	len = t->size > 28 ? (size_t)t->size - 28 : 0;
	memset(pkt, 0, len > 0 ? len : 1);
	((struct sockaddr_in *)&to)->sin_port =
	    htons((uint16_t)(t->port + seq));
	return trace_send(t, t->tx, ttl, pkt, len, &to);
}

/* Is the packet quoted in an ICMP error (at q, n bytes) our probe seq? */
static int
quotes_probe(const struct trace *t, const uint8_t *q, size_t n, int seq)
{
	size_t hl;

	if (n < 20 || (q[0] >> 4) != 4)
		return 0;
	hl = (size_t)(q[0] & 0xf) * 4;
	if (n < hl + 8 || memcmp(q + 16,
	    &((const struct sockaddr_in *)&t->dst)->sin_addr, 4) != 0)
		return 0;
	if (t->iflag)
		return q[9] == IPPROTO_ICMP && q[hl] == 8 &&
		    (q[hl + 4] << 8 | q[hl + 5]) == t->ident &&
		    (q[hl + 6] << 8 | q[hl + 7]) == seq;
	return q[9] == IPPROTO_UDP &&
	    (q[hl] << 8 | q[hl + 1]) == t->sport &&
	    (q[hl + 2] << 8 | q[hl + 3]) == t->port + seq;
}

/* Classify one received IPv4 packet (the raw socket gives its header). */
static int
classify(const struct trace *t, const uint8_t *b, size_t n, int seq,
    char *mark, size_t marklen)
{
	size_t hl;
	const uint8_t *ic;
	uint8_t type, code;

	if (n < 20 || (b[0] >> 4) != 4 || b[9] != IPPROTO_ICMP)
		return ANS_NONE;
	hl = (size_t)(b[0] & 0xf) * 4;
	if (n < hl + 8)
		return ANS_NONE;
	ic = b + hl;
	type = ic[0];
	code = ic[1];
	if (type == 0 && t->iflag)      /* echo reply */
		return (ic[4] << 8 | ic[5]) == t->ident &&
		    (ic[6] << 8 | ic[7]) == seq ? ANS_DONE : ANS_NONE;
	if (type != 11 && type != 3)
		return ANS_NONE;
	if (!quotes_probe(t, ic + 8, n - hl - 8, seq))
		return ANS_NONE;
	if (type == 11)
		return ANS_HOP;
	switch (code) {
	case 3:                         /* port unreachable: the host */
		return ANS_DONE;
	case 0: snprintf(mark, marklen, " !N"); break;
	case 1: snprintf(mark, marklen, " !H"); break;
	case 2: snprintf(mark, marklen, " !P"); break;
	case 4: snprintf(mark, marklen, " !F-%u", ic[6] << 8 | ic[7]); break;
	case 13: snprintf(mark, marklen, " !X"); break;
	default: snprintf(mark, marklen, " !<%u>", code); break;
	}
	return ANS_UNREACH;
}

static const struct trace_proto proto4 = {
	.send = send_probe,
	.classify = classify,
};

static void
header(const struct trace *t, const char *host)
{
	/* On standard error, as NetBSD's: the hop lines alone go down a
	 * pipe. */
	fprintf(stderr, "traceroute to %s (%s), %ld hops max, %ld byte "
	    "packets\n", host, host, t->max, t->size);
}

int
main(int argc, char **argv)
{
	struct trace t;

	if (version_asked(argc, argv, PROG))
		return 0;
	memset(&t, 0, sizeof(t));
	t.p = &proto4;
	t.family = AF_INET;
	t.size = 40;
	return trace_main(&t, PROG, argc, argv, usage, 28, header);
}
