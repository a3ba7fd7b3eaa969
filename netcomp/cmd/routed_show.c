/*
 * routed_show.c — `rump.routed -l [router]`: what a RIP speaker knows.
 *
 * Without an address it asks the rump.routed running on the node, from
 * the node's loopback, for its status (RIP_CMD_STATUS, routed.h): the
 * table with each route's timer, the interfaces and the timers, as text
 * it prints as it comes.  With one, it sends the router a RIPv2 request
 * for its whole table from a port other than 520, which RFC 2453 3.9.1
 * answers with every route as the router sees it (what NetBSD's
 * rtquery(8) does), and prints the routes of the answers that arrive
 * within a second.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "kernel/rumpclient.h"
#include "netcomp/cmd/node.h"
#include "netcomp/cmd/routed.h"

#define PROG		"rump.routed"
#define WAIT_MS		2000	/* the local daemon's answer */
#define QUIET_MS	1000	/* a router's answers: until this quiet */

int	routed_show(int argc, char **argv);

static int
ask(int s, uint32_t addr, const uint8_t *req, size_t len)
{
	struct sockaddr_in sa;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons(RIP_PORT);
	sa.sin_addr.s_addr = htonl(addr);
	return rump_sys_sendto(s, req, len, 0, (struct sockaddr *)&sa,
	    sizeof(sa)) < 0 ? -errno : 0;
}

/* One message within ms, from port 520; its length, 0 on a timeout. */
static ssize_t
answer(int s, uint8_t *buf, size_t len, int ms)
{
	struct pollfd p = { s, POLLIN, 0 };
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	ssize_t n;
	int r;

	for (;;) {
		if ((r = rump_sys_poll(&p, 1, ms)) < 0)
			return -errno;
		if (r == 0)
			return 0;
		if ((n = rump_sys_recvfrom(s, buf, len, 0,
		    (struct sockaddr *)&from, &fl)) < 0)
			return -errno;
		if (ntohs(from.sin_port) == RIP_PORT)
			return n;
	}
}

static int
show_local(int s)
{
	uint8_t req[RIP_HDRLEN] = { RIP_CMD_STATUS, 2, 0, 0 }, buf[2048];
	ssize_t n;
	int r;

	if ((r = ask(s, 0x7f000001u, req, sizeof(req))) != 0)
		return r;
	do {
		if ((n = answer(s, buf, sizeof(buf), WAIT_MS)) <= 0)
			return n == 0 ? -ETIMEDOUT : (int)n;
		if (n < RIP_HDRLEN || buf[0] != RIP_CMD_STATUS)
			continue;
		fwrite(buf + RIP_HDRLEN, 1, (size_t)n - RIP_HDRLEN, stdout);
	} while (buf[2] & RIP_STATUS_MORE);
	return 0;
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static int
show_router(int s, uint32_t addr)
{
	uint8_t req[RIP_HDRLEN + RIP_ENTLEN], buf[2048];
	char p[20], g[16];
	const uint8_t *e;
	int mask, n_routes = 0, bit;
	ssize_t n, off;

	memset(req, 0, sizeof(req));
	req[0] = RIP_CMD_REQUEST;
	req[1] = 2;
	req[RIP_HDRLEN + 19] = RIP_INFINITY;	/* AFI 0, metric 16 */
	if ((n = ask(s, addr, req, sizeof(req))) != 0)
		return (int)n;
	printf("%-18s %-15s %6s %5s\n", "Destination", "Next hop", "Metric",
	    "Tag");
	while ((n = answer(s, buf, sizeof(buf), n_routes ? QUIET_MS :
	    WAIT_MS)) > 0) {
		if (buf[0] != RIP_CMD_RESPONSE)
			continue;
		for (off = RIP_HDRLEN; off + RIP_ENTLEN <= n;
		    off += RIP_ENTLEN) {
			e = buf + off;
			if ((e[0] << 8 | e[1]) != RIP_AF_INET)
				continue;
			for (mask = 0, bit = 31; bit >= 0 &&
			    (get32(e + 8) >> bit & 1); bit--)
				mask++;
			printf("%-18s %-15s %6u %5u\n",
			    rip_prefix_str(get32(e + 4), (uint8_t)mask, p),
			    get32(e + 12) ? rip_addr_str(get32(e + 12), g) :
			    "-", get32(e + 16), (unsigned)(e[2] << 8 | e[3]));
			n_routes++;
		}
	}
	if (n < 0)
		return (int)n;
	return n_routes > 0 ? 0 : -ETIMEDOUT;
}

int
routed_show(int argc, char **argv)
{
	struct sockaddr_in sa;
	struct in_addr a;
	char e[256];
	int c, s, r;

	optind = 1;
	while ((c = getopt(argc, argv, "ln")) != -1)
		if (c != 'l' && c != 'n') {
			fprintf(stderr, "usage: " PROG " -l [router]\n");
			return 1;
		}
	if (argc - optind > 1 || (argc - optind == 1 &&
	    inet_pton(AF_INET, argv[optind], &a) != 1)) {
		fprintf(stderr, "usage: " PROG " -l [router]  (an IPv4 "
		    "address)\n");
		return 1;
	}
	if (node_attach() != 0) {
		fprintf(stderr, PROG ": %s\n", rumpclient_lasterror());
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	if ((s = rump_sys_socket(AF_INET, SOCK_DGRAM, 0)) < 0 ||
	    rump_sys_bind(s, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		fprintf(stderr, PROG ": socket: %s\n", node_strerror(errno, e,
		    sizeof(e)));
		return 1;
	}
	r = argc - optind == 1 ? show_router(s, ntohl(a.s_addr)) :
	    show_local(s);
	if (r == -ETIMEDOUT && argc - optind == 1)
		fprintf(stderr, PROG ": %s does not answer RIP requests\n",
		    argv[optind]);
	else if (r == -ETIMEDOUT)
		fprintf(stderr, PROG ": no rump.routed runs on this node "
		    "(nothing answers on 127.0.0.1 port %d)\n", RIP_PORT);
	else if (r != 0)
		fprintf(stderr, PROG ": %s\n", node_strerror(-r, e, sizeof(e)));
	return r == 0 ? 0 : 1;
}
