/*
 * traceroute6.c — rump.traceroute6: the path an IPv6 packet takes from a
 * node, hop by hop, with NetBSD traceroute6(8)'s options and output.
 *
 *   rump.traceroute6 [-In] [-f firsthop] [-m hoplimit] [-p port]
 *                    [-q probes] [-w waittime] host [datalen]
 *
 * Probes are UDP datagrams of datalen bytes (20) to port+N (33434 up),
 * or ICMPv6 echo requests with -I, sent with hop limit 1, 2, ... from a
 * socket of the node; the answers (time exceeded from each router, port
 * unreachable or echo reply from the host) arrive on a raw ICMPv6 socket
 * of the node, which hands over the ICMPv6 message and its sender.  As
 * NetBSD's, the header goes to stderr and the hops to stdout:
 *
 *   traceroute6 to fd13::2 (fd13::2) from fd10::2, 64 hops max, 20 byte packets
 *    1  fd10::1  0.345 ms  0.210 ms  0.198 ms
 *
 * "*" for a probe with no answer; "!N", "!P", "!S", "!A" after a time
 * for no route, administratively prohibited (a reject route), beyond
 * scope and address unreachable.  The loop is traceloop.c.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "kernel/rumpclient.h"
#include "netcomp/cmd/inaddr.h"
#include "netcomp/cmd/traceloop.h"
#include "version.h"

#define PROG    "rump.traceroute6"
#define IP6H    40
#define ICMP6_DST_UNREACH       1
#define ICMP6_TIME_EXCEEDED     3
#define ICMP6_ECHO_REQUEST      128
#define ICMP6_ECHO_REPLY        129

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: " PROG " [-In] [-f firsthop] [-m hoplimit] [-p port] "
	    "[-q probes]\n"
	    "       [-w waittime] host [datalen]\n"
	    "host is a numeric IPv6 address; the node is $RUMP_SERVER.\n");
}

static const uint8_t *
dst6(const struct trace *t)
{
	return ((const struct sockaddr_in6 *)&t->dst)->sin6_addr.s6_addr;
}

static int
send_probe(struct trace *t, int hops, int seq)
{
	uint8_t pkt[65536];
	struct sockaddr_storage to = t->dst;
	size_t len = (size_t)t->size;

	memset(pkt, 0, len + 8);
	if (t->iflag) {
		/* The node fills in the ICMPv6 checksum. */
		trace_echo(t, pkt, ICMP6_ECHO_REQUEST, seq);
		return trace_send(t, t->rx, hops, pkt, len + 8, &to);
	}
	pkt[0] = (uint8_t)seq;          /* NetBSD's: sequence, hop limit */
	pkt[1] = (uint8_t)hops;
	((struct sockaddr_in6 *)&to)->sin6_port =
	    htons((uint16_t)(t->port + seq));
	return trace_send(t, t->tx, hops, pkt, len, &to);
}

/* Does the packet quoted in an ICMPv6 error (q, n bytes) hold probe seq? */
static int
quotes_probe(const struct trace *t, const uint8_t *q, size_t n, int seq)
{
	const uint8_t *u = q + IP6H;

	if (n < IP6H + 8 || (q[0] >> 4) != 6 || memcmp(q + 24, dst6(t), 16))
		return 0;
	if (t->iflag)
		return q[6] == IPPROTO_ICMPV6 && u[0] == ICMP6_ECHO_REQUEST &&
		    (u[4] << 8 | u[5]) == t->ident &&
		    (u[6] << 8 | u[7]) == seq;
	return q[6] == IPPROTO_UDP && (u[0] << 8 | u[1]) == t->sport &&
	    (u[2] << 8 | u[3]) == t->port + seq;
}

/* Classify one ICMPv6 message (the node gives no IPv6 header). */
static int
classify(const struct trace *t, const uint8_t *b, size_t n, int seq,
    char *mark, size_t marklen)
{
	static const char *const marks[] = { " !N", " !P", " !S", " !A" };

	if (n < 8)
		return ANS_NONE;
	if (b[0] == ICMP6_ECHO_REPLY && t->iflag)
		return (b[4] << 8 | b[5]) == t->ident &&
		    (b[6] << 8 | b[7]) == seq ? ANS_DONE : ANS_NONE;
	if (b[0] != ICMP6_TIME_EXCEEDED && b[0] != ICMP6_DST_UNREACH)
		return ANS_NONE;
	if (!quotes_probe(t, b + 8, n - 8, seq))
		return ANS_NONE;
	if (b[0] == ICMP6_TIME_EXCEEDED)
		return ANS_HOP;
	if (b[1] == 4)                  /* port unreachable: the host */
		return ANS_DONE;
	if (b[1] < sizeof(marks) / sizeof(marks[0]))
		snprintf(mark, marklen, "%s", marks[b[1]]);
	else
		snprintf(mark, marklen, " !<%u>", b[1]);
	return ANS_UNREACH;
}

static const struct trace_proto proto6 = {
	.send = send_probe,
	.classify = classify,
};

/* NetBSD's header, on stderr, with the source the node will use. */
static void
header(const struct trace *t, const char *host)
{
	struct rump_rtentry rt;
	char a[INADDR_TEXTLEN], s[INADDR_TEXTLEN];

	memset(&rt, 0, sizeof(rt));
	rt.family = AF_INET6;
	memcpy(rt.dst, dst6(t), 16);
	inaddr_ntop(AF_INET6, dst6(t), a, sizeof(a));
	fprintf(stderr, "traceroute6 to %s (%s)", host, a);
	if (rump_sys_route_get(&rt) == 0 &&
	    memcmp(rt.ifa, (const uint8_t[16]){ 0 }, 16) != 0)
		fprintf(stderr, " from %s", inaddr_ntop(AF_INET6, rt.ifa, s,
		    sizeof(s)));
	fprintf(stderr, ", %ld hops max, %ld byte packets\n", t->max,
	    t->size);
}

int
main(int argc, char **argv)
{
	struct trace t;

	if (version_asked(argc, argv, PROG))
		return 0;
	memset(&t, 0, sizeof(t));
	t.p = &proto6;
	t.family = AF_INET6;
	t.size = 20;
	setvbuf(stdout, NULL, _IOLBF, 0);
	return trace_main(&t, PROG, argc, argv, usage, 0, header);
}
