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
#include <getopt.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/rumpclient.h"
#include "netcomp/cmd/inaddr.h"
#include "netcomp/cmd/node.h"

#define PROG    "rump.traceroute"
#define RXBUF   2048

struct trace {
	int iflag;
	long first, max, nq, port, size;
	uint64_t wait_ns;
	struct sockaddr_in dst;
	int tx, rx;             /* probe socket, raw ICMP socket */
	uint16_t ident;
};

/* What an answer says. */
enum { ANS_NONE, ANS_HOP, ANS_DONE, ANS_UNREACH };

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: " PROG " [-In] [-f first_ttl] [-m max_ttl] [-p port] "
	    "[-q nqueries]\n"
	    "       [-w waittime] host [packetsize]\n"
	    "The node is $RUMP_SERVER.\n");
}

static uint16_t
cksum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static int
send_probe(struct trace *t, int ttl, int seq)
{
	uint8_t pkt[65536];
	struct sockaddr_in to = t->dst;
	size_t len;
	int fd = t->iflag ? t->rx : t->tx;

	if (rump_sys_setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl,
	    sizeof(ttl)) != 0)
		return -errno;
	if (t->iflag) {
		len = t->size > 28 ? (size_t)t->size - 20 : 8;
		memset(pkt, 0, len);
		pkt[0] = 8;             /* echo request */
		pkt[4] = (uint8_t)(t->ident >> 8);
		pkt[5] = (uint8_t)t->ident;
		pkt[6] = (uint8_t)(seq >> 8);
		pkt[7] = (uint8_t)seq;
		{
			uint16_t c = cksum(pkt, len);

			pkt[2] = (uint8_t)(c >> 8);
			pkt[3] = (uint8_t)c;
		}
	} else {
		len = t->size > 28 ? (size_t)t->size - 28 : 0;
		memset(pkt, 0, len > 0 ? len : 1);
		to.sin_port = htons((uint16_t)(t->port + seq));
	}
	if (rump_sys_sendto(fd, pkt, len, 0, (struct sockaddr *)&to,
	    sizeof(to)) < 0)
		return -errno;
	return 0;
}

/* Is the packet quoted in an ICMP error (at q, n bytes) our probe seq? */
static int
quotes_probe(const struct trace *t, const uint8_t *q, size_t n, int seq)
{
	size_t hl;

	if (n < 20 || (q[0] >> 4) != 4)
		return 0;
	hl = (size_t)(q[0] & 0xf) * 4;
	if (n < hl + 8 || memcmp(q + 16, &t->dst.sin_addr, 4) != 0)
		return 0;
	if (t->iflag)
		return q[9] == IPPROTO_ICMP && q[hl] == 8 &&
		    (q[hl + 4] << 8 | q[hl + 5]) == t->ident &&
		    (q[hl + 6] << 8 | q[hl + 7]) == seq;
	return q[9] == IPPROTO_UDP &&
	    (q[hl + 2] << 8 | q[hl + 3]) == t->port + seq;
}

/* Classify one received IPv4 packet; the responder into from. */
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
	mark[0] = '\0';
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

/* Wait for the answer to probe seq; returns ANS_*, its source in from. */
static int
await(struct trace *t, int seq, uint64_t t0, struct in_addr *from,
    char *mark, size_t marklen)
{
	uint8_t buf[RXBUF];
	struct sockaddr_in sa;
	struct pollfd pfd;
	socklen_t sl;
	uint64_t now;
	ssize_t n;
	int r, ms;

	for (;;) {
		now = now_ns();
		if (now - t0 >= t->wait_ns)
			return ANS_NONE;
		ms = (int)((t->wait_ns - (now - t0) + 999999) / 1000000);
		pfd.fd = t->rx;
		pfd.events = POLLIN;
		pfd.revents = 0;
		if ((r = rump_sys_poll(&pfd, 1, ms)) < 0)
			return -errno;
		if (r == 0)
			continue;
		sl = sizeof(sa);
		n = rump_sys_recvfrom(t->rx, buf, sizeof(buf), MSG_DONTWAIT,
		    (struct sockaddr *)&sa, &sl);
		if (n < 0)
			continue;
		r = classify(t, buf, (size_t)n, seq, mark, marklen);
		if (r != ANS_NONE) {
			memcpy(from, buf + 12, 4);
			return r;
		}
	}
}

static int
trace(struct trace *t)
{
	struct in_addr from, last = { 0 };
	char mark[16], a[INET_ADDRSTRLEN];
	int ttl, q, seq = 0, r, done, got;
	uint64_t t0;

	for (ttl = (int)t->first; ttl <= t->max; ttl++) {
		printf("%2d ", ttl);
		done = 0;
		got = 0;
		for (q = 0; q < t->nq; q++) {
			seq++;
			t0 = now_ns();
			if ((r = send_probe(t, ttl, seq)) != 0)
				return r;
			r = await(t, seq, t0, &from, mark, sizeof(mark));
			if (r < 0)
				return r;
			if (r == ANS_NONE) {
				printf(" *");
				fflush(stdout);
				continue;
			}
			if (!got || from.s_addr != last.s_addr)
				printf(" %s", inet_ntop(AF_INET, &from, a,
				    sizeof(a)));
			got = 1;
			last = from;
			printf("  %.3f ms%s", (double)(now_ns() - t0) / 1e6,
			    mark);
			fflush(stdout);
			if (r != ANS_HOP)
				done = 1;
		}
		printf("\n");
		if (done)
			break;
	}
	return 0;
}

static int
open_sockets(struct trace *t)
{
	if ((t->rx = rump_sys_socket(AF_INET, SOCK_RAW, IPPROTO_ICMP)) < 0)
		return -errno;
	if (!t->iflag &&
	    (t->tx = rump_sys_socket(AF_INET, SOCK_DGRAM, 0)) < 0)
		return -errno;
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct trace t;
	struct inaddr a;
	char buf[256];
	int c, error;

	memset(&t, 0, sizeof(t));
	t.first = 1;
	t.max = 64;
	t.nq = 3;
	t.port = 33434;
	t.size = 40;
	t.wait_ns = 5000000000ull;
	t.tx = t.rx = -1;
	while ((c = getopt_long(argc, argv, "f:hIm:np:q:w:", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'f':
			if (parse_long(optarg, 1, 255, &t.first) != 0)
				goto bad;
			break;
		case 'h': usage(stdout); return 0;
		case 'I': t.iflag = 1; break;
		case 'm':
			if (parse_long(optarg, 1, 255, &t.max) != 0)
				goto bad;
			break;
		case 'n': break;        /* always numeric */
		case 'p':
			if (parse_long(optarg, 1, 65000, &t.port) != 0)
				goto bad;
			break;
		case 'q':
			if (parse_long(optarg, 1, 10, &t.nq) != 0)
				goto bad;
			break;
		case 'w':
			if (parse_duration(optarg, 86400, &t.wait_ns) != 0 ||
			    t.wait_ns == 0)
				goto bad;
			break;
		default: usage(stderr); return 1;
		}
	}
	if (optind >= argc || argc - optind > 2) {
		usage(stderr);
		return 1;
	}
	if (argc - optind == 2 && parse_long(argv[optind + 1], 28, 65000,
	    &t.size) != 0) {
		fprintf(stderr, PROG ": bad packet size '%s'\n",
		    argv[optind + 1]);
		return 1;
	}
	if (t.first > t.max) {
		fprintf(stderr, PROG ": first ttl (%ld) may not be greater "
		    "than max ttl (%ld)\n", t.first, t.max);
		return 1;
	}
	if (inaddr_parse(argv[optind], AF_INET, &a) != 0 || a.plen >= 0) {
		fprintf(stderr, PROG ": bad address '%s'\n", argv[optind]);
		return 1;
	}
	t.dst.sin_family = AF_INET;
	memcpy(&t.dst.sin_addr, a.addr, 4);
	t.ident = (uint16_t)(getpid() & 0xffff);
	if (node_attach() != 0) {
		fprintf(stderr, PROG ": %s\n", rumpclient_lasterror());
		return 1;
	}
	if ((error = open_sockets(&t)) != 0) {
		fprintf(stderr, PROG ": socket: %s\n",
		    node_strerror(error, buf, sizeof(buf)));
		return 1;
	}
	printf("traceroute to %s (%s), %ld hops max, %ld byte packets\n",
	    argv[optind], argv[optind], t.max, t.size);
	fflush(stdout);
	if ((error = trace(&t)) != 0) {
		fprintf(stderr, PROG ": %s\n",
		    node_strerror(error, buf, sizeof(buf)));
		return 1;
	}
	return 0;
bad:
	fprintf(stderr, PROG ": bad value for -%c: '%s'\n", c, optarg);
	return 1;
}
