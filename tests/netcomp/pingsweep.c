/*
 * pingsweep.c — a test tool: ICMP (or ICMPv6) echo requests from the
 * node named by $RUMP_SERVER to each address of a range through one raw
 * socket, a round at a time to those that have not answered, until
 * every address has answered or the time is up.  Prints the number of
 * addresses that answered.  tests/run/54-neighbours.t pings 250 hosts
 * with it in one process instead of 250 rump.ping processes.
 *
 *   pingsweep [-6] PREFIX FIRST LAST [SECS]
 *     10.9.1. 1 250    pings 10.9.1.1 ... 10.9.1.250
 *     -6 fd09::1: 1 250  pings fd09::1:1 ... fd09::1:250 (hex digits)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kernel/rumpclient.h"

#define MAXN 4096

static uint16_t
cksum(const uint8_t *b, size_t n)
{
	uint32_t s = 0;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (n & 1)
		s += (uint32_t)b[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One echo request to PREFIX + i (hex digits for IPv6). */
static void
request(int s, int v6, const char *prefix, int i)
{
	struct sockaddr_storage ss;
	uint8_t pkt[64];
	char addr[64];
	uint16_t c;

	memset(&ss, 0, sizeof(ss));
	memset(pkt, 0, sizeof(pkt));
	pkt[0] = v6 ? 128 : 8;
	pkt[4] = 0x5e;
	pkt[6] = (uint8_t)(i >> 8);
	pkt[7] = (uint8_t)i;
	if (v6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

		snprintf(addr, sizeof(addr), "%s%x", prefix, i);
		a->sin6_family = AF_INET6;
		if (inet_pton(AF_INET6, addr, &a->sin6_addr) != 1)
			return;
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;

		c = cksum(pkt, sizeof(pkt));
		pkt[2] = (uint8_t)(c >> 8);
		pkt[3] = (uint8_t)c;
		snprintf(addr, sizeof(addr), "%s%d", prefix, i);
		a->sin_family = AF_INET;
		if (inet_pton(AF_INET, addr, &a->sin_addr) != 1)
			return;
	}
	(void)rump_sys_sendto(s, pkt, sizeof(pkt), 0, (struct sockaddr *)&ss,
	    sizeof(ss));
}

/* Replies waiting (for up to ms): how many new addresses answered. */
static int
drain(int s, int v6, int first, int last, unsigned char *seen,
    struct pollfd *pfd, int ms)
{
	uint8_t in[2048];
	ssize_t r;
	int n = 0, i, off;

	while (rump_sys_poll(pfd, 1, ms) > 0) {
		if ((r = rump_sys_recv(s, in, sizeof(in), 0)) <= 0)
			break;
		off = v6 ? 0 : (in[0] & 0xf) * 4;  /* raw v4: IP header first */
		if (r < off + 8 || in[off] != (v6 ? 129 : 0) ||
		    in[off + 4] != 0x5e)
			continue;
		i = in[off + 6] << 8 | in[off + 7];
		if (i >= first && i <= last && !seen[i]) {
			seen[i] = 1;
			n++;
		}
		ms = 0;
	}
	return n;
}

int
main(int argc, char **argv)
{
	static unsigned char seen[MAXN];
	struct pollfd pfd;
	int v6 = 0, s, i, first, last, got = 0;
	long long end;

	if (argc > 1 && strcmp(argv[1], "-6") == 0) {
		v6 = 1;
		argv++;
		argc--;
	}
	if (argc < 4 || (first = atoi(argv[2])) < 1 ||
	    (last = atoi(argv[3])) < first || last >= MAXN) {
		fprintf(stderr, "usage: pingsweep [-6] PREFIX FIRST LAST "
		    "[SECS]\n");
		return 2;
	}
	end = now_ms() + 1000LL * (argc > 4 ? atoi(argv[4]) : 10);
	if (rumpclient_init() != 0 || (s = rump_sys_socket(v6 ? AF_INET6 :
	    AF_INET, SOCK_RAW, v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP)) < 0) {
		fprintf(stderr, "pingsweep: %s\n", strerror(errno));
		return 1;
	}
	pfd.fd = s;
	pfd.events = POLLIN;
	/* Rounds of requests to those that have not answered yet, paced so
	 * that the replies fit the raw socket's queue, until all have. */
	while (got < last - first + 1 && now_ms() < end) {
		for (i = first; i <= last; i++)
			if (!seen[i]) {
				request(s, v6, argv[1], i);
				got += drain(s, v6, first, last, seen, &pfd, 2);
			}
		got += drain(s, v6, first, last, seen, &pfd, 500);
	}
	printf("%d\n", got);
	return 0;
}
