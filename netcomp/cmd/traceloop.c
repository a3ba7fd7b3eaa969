/*
 * traceloop.c — the probe loop of rump.traceroute and rump.traceroute6
 * (see traceloop.h): one line per hop limit, one answer (or "*") per
 * probe, the responder's address printed when it differs from the last
 * one on the line, the trace ending at the destination or at an
 * unreachable answer.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kernel/rumpclient.h"
#include "netcomp/cmd/inaddr.h"
#include "netcomp/cmd/node.h"
#include "netcomp/cmd/traceloop.h"

#define RXBUF   2048

uint16_t
trace_cksum(const uint8_t *p, size_t n)
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

void
trace_echo(const struct trace *t, uint8_t *pkt, uint8_t type, int seq)
{
	memset(pkt, 0, 8);
	pkt[0] = type;
	pkt[4] = (uint8_t)(t->ident >> 8);
	pkt[5] = (uint8_t)t->ident;
	pkt[6] = (uint8_t)(seq >> 8);
	pkt[7] = (uint8_t)seq;
}

int
trace_send(const struct trace *t, int fd, int hops, const void *pkt,
    size_t len, const struct sockaddr_storage *to)
{
	int six = t->family == AF_INET6;

	if (rump_sys_setsockopt(fd, six ? IPPROTO_IPV6 : IPPROTO_IP,
	    six ? IPV6_UNICAST_HOPS : IP_TTL, &hops, sizeof(hops)) != 0)
		return -errno;
	if (rump_sys_sendto(fd, pkt, len, 0, (const struct sockaddr *)to,
	    t->dstlen) < 0)
		return -errno;
	return 0;
}

/* The address bytes of a sockaddr of the trace's family. */
static const void *
sa_addr(const struct trace *t, const struct sockaddr_storage *ss)
{
	if (t->family == AF_INET6)
		return &((const struct sockaddr_in6 *)ss)->sin6_addr;
	return &((const struct sockaddr_in *)ss)->sin_addr;
}

/* Wait for the answer to probe seq; returns ANS_*, its source in from. */
static int
await(struct trace *t, int seq, uint64_t t0, struct sockaddr_storage *from,
    char *mark, size_t marklen)
{
	uint8_t buf[RXBUF];
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
		sl = sizeof(*from);
		memset(from, 0, sizeof(*from));
		n = rump_sys_recvfrom(t->rx, buf, sizeof(buf), MSG_DONTWAIT,
		    (struct sockaddr *)from, &sl);
		if (n < 0)
			continue;
		mark[0] = '\0';
		r = t->p->classify(t, buf, (size_t)n, seq, mark, marklen);
		if (r != ANS_NONE)
			return r;
	}
}

int
trace_run(struct trace *t)
{
	struct sockaddr_storage from;
	char mark[16], a[INET6_ADDRSTRLEN], last[16];
	int ttl, q, seq = 0, r, done, got;
	size_t alen = t->family == AF_INET6 ? 16 : 4;
	uint64_t t0;

	for (ttl = (int)t->first; ttl <= t->max; ttl++) {
		printf("%2d ", ttl);
		done = 0;
		got = 0;
		for (q = 0; q < t->nq; q++) {
			seq++;
			t0 = now_ns();
			if ((r = t->p->send(t, ttl, seq)) == 0)
				r = await(t, seq, t0, &from, mark,
				    sizeof(mark));
			if (r < 0) {
				printf("\n");   /* the error on a line of its own */
				fflush(stdout);
				return r;
			}
			if (r == ANS_NONE) {
				printf(" *");
				fflush(stdout);
				continue;
			}
			if (!got || memcmp(sa_addr(t, &from), last, alen) != 0)
				printf(" %s", inet_ntop(t->family,
				    sa_addr(t, &from), a, sizeof(a)));
			got = 1;
			memcpy(last, sa_addr(t, &from), alen);
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

/* Options into t; -1 to go on (host at argv[*host]), else an exit status. */
static int
options(struct trace *t, const char *prog, int argc, char **argv,
    void (*usage)(FILE *), long minsize, int *host)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	while ((c = getopt_long(argc, argv, "f:hIm:np:q:w:", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'f':
			if (parse_long(optarg, 1, 255, &t->first) != 0)
				goto bad;
			break;
		case 'h': usage(stdout); return 0;
		case 'I': t->iflag = 1; break;
		case 'm':
			if (parse_long(optarg, 1, 255, &t->max) != 0)
				goto bad;
			break;
		case 'n': break;        /* always numeric */
		case 'p':
			if (parse_long(optarg, 1, 65000, &t->port) != 0)
				goto bad;
			break;
		case 'q':
			if (parse_long(optarg, 1, 10, &t->nq) != 0)
				goto bad;
			break;
		case 'w':
			if (parse_duration(optarg, 86400, &t->wait_ns) != 0 ||
			    t->wait_ns == 0)
				goto bad;
			break;
		default: usage(stderr); return 1;
		}
	}
	if (optind >= argc || argc - optind > 2) {
		usage(stderr);
		return 1;
	}
	if (argc - optind == 2 && parse_long(argv[optind + 1], minsize, 65000,
	    &t->size) != 0) {
		fprintf(stderr, "%s: bad packet size '%s' (%ld to 65000)\n",
		    prog, argv[optind + 1], minsize);
		return 1;
	}
	if (t->first > t->max) {
		fprintf(stderr, "%s: first hop (%ld) may not be greater than "
		    "max hops (%ld)\n", prog, t->first, t->max);
		return 1;
	}
	*host = optind;
	return -1;
bad:
	fprintf(stderr, "%s: bad value for -%c: '%s'\n", prog, c, optarg);
	return 1;
}

static int
open_sockets(struct trace *t)
{
	int proto = t->family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);

	if ((t->rx = rump_sys_socket(t->family, SOCK_RAW, proto)) < 0)
		return -errno;
	if (t->iflag)
		return 0;
	if ((t->tx = rump_sys_socket(t->family, SOCK_DGRAM, 0)) < 0)
		return -errno;
	/* Bound now, so that replies quoting another run's probes (same
	 * destination ports) can be told apart by the source port. */
	memset(&ss, 0, sizeof(ss));
	ss.ss_family = (sa_family_t)t->family;
	if (rump_sys_bind(t->tx, (struct sockaddr *)&ss, t->family ==
	    AF_INET6 ? sizeof(struct sockaddr_in6) :
	    sizeof(struct sockaddr_in)) != 0 ||
	    rump_sys_getsockname(t->tx, (struct sockaddr *)&ss, &sl) != 0)
		return -errno;
	t->sport = ntohs(t->family == AF_INET6 ?
	    ((struct sockaddr_in6 *)&ss)->sin6_port :
	    ((struct sockaddr_in *)&ss)->sin_port);
	return 0;
}

int
trace_main(struct trace *t, const char *prog, int argc, char **argv,
    void (*usage)(FILE *), long minsize,
    void (*header)(const struct trace *t, const char *host))
{
	struct inaddr a;
	char buf[256];
	int r, host;

	t->first = 1;
	t->max = 64;
	t->nq = 3;
	t->port = 33434;
	t->wait_ns = 5000000000ull;
	t->tx = t->rx = -1;
	if ((r = options(t, prog, argc, argv, usage, minsize, &host)) >= 0)
		return r;
	if (inaddr_parse(argv[host], t->family, &a) != 0 || a.plen >= 0 ||
	    a.zone[0] != '\0') {
		fprintf(stderr, "%s: bad address '%s' (a numeric IPv%d address; "
		    "the node has no resolver)\n", prog, argv[host],
		    t->family == AF_INET6 ? 6 : 4);
		return 1;
	}
	if (a.family == AF_INET6 && inaddr_linklocal6(a.addr)) {
		fprintf(stderr, "%s: %s: a link-local destination is one hop "
		    "away; trace a global address\n", prog, argv[host]);
		return 1;
	}
	t->dstlen = inaddr_sockaddr(&a, 0, &t->dst);
	t->ident = (uint16_t)(getpid() & 0xffff);
	if (node_attach() != 0) {
		fprintf(stderr, "%s: %s\n", prog, rumpclient_lasterror());
		return 1;
	}
	if ((r = open_sockets(t)) != 0) {
		fprintf(stderr, "%s: socket: %s\n", prog,
		    node_strerror(r, buf, sizeof(buf)));
		return 1;
	}
	header(t, argv[host]);
	if ((r = trace_run(t)) != 0) {
		fprintf(stderr, "%s: %s\n", prog,
		    node_strerror(r, buf, sizeof(buf)));
		return 1;
	}
	return 0;
}
