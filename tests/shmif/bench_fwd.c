/*
 * bench_fwd — the time one router takes to forward one packet, from the
 * bus on each side: a UDP/IPv4 frame is written on bus IN to the router's
 * MAC, and the clock stops when the router's copy of it appears on bus
 * OUT.  One packet in flight at a time, so the figure is latency (wake-up,
 * forwarding, next write), not throughput.
 *
 *   bench_fwd [-n count] [-g gap_us] IN OUT ROUTER_MAC SRC DST
 *
 * The router must forward DST out of its interface on OUT with a
 * link-layer address it already knows (a static ARP entry), so that no
 * ARP runs.  The same run without a router (IN = OUT, an echo process)
 * is -e: the bus's own cost of the two crossings.
 * Prints min, median, 90th percentile and mean in microseconds.
 *
 *   bench_fwd -r secs [-w window] [-l payload] IN OUT ROUTER_MAC SRC DST
 *
 * The router's forwarding rate instead: for secs seconds, UDP datagrams
 * of payload bytes (default 64) are written on IN as fast as the router
 * takes them, with at most window (default 256) written and not yet seen
 * on OUT, so that the router always has a backlog but is never lapped;
 * prints the datagrams a second that came out.  One process writes and
 * counts, so the router has the other core to itself.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include "shmif/shmif.h"

#define FRAME_LEN 60    /* 14 Ethernet + 20 IPv4 + 8 UDP + 18 payload */
#define FRAME_MAX 1514

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int
parse_mac(const char *s, uint8_t m[6])
{
	unsigned v[6];
	char c;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &v[0], &v[1], &v[2], &v[3],
	    &v[4], &v[5], &c) != 6)
		return -1;
	for (int i = 0; i < 6; i++) {
		if (v[i] > 255)
			return -1;
		m[i] = (uint8_t)v[i];
	}
	return 0;
}

static uint16_t
ip_sum(const uint8_t *h)
{
	uint32_t s = 0;

	for (int i = 0; i < 20; i += 2)
		s += (uint32_t)h[i] << 8 | h[i + 1];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void
build_len(uint8_t *f, uint32_t len, const uint8_t dmac[6], uint32_t src,
    uint32_t dst, uint16_t id)
{
	uint8_t *ip = f + 14, *udp = ip + 20;
	uint16_t sum;

	memset(f, 0, len);
	memcpy(f, dmac, 6);
	memcpy(f + 6, "\x02\x00\x00\x00\xbe\x01", 6);
	f[12] = 0x08;
	ip[0] = 0x45;
	ip[2] = (uint8_t)((len - 14) >> 8);
	ip[3] = (uint8_t)(len - 14);
	ip[4] = (uint8_t)(id >> 8);
	ip[5] = (uint8_t)id;
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, &src, 4);
	memcpy(ip + 16, &dst, 4);
	sum = ip_sum(ip);
	ip[10] = (uint8_t)(sum >> 8);
	ip[11] = (uint8_t)sum;
	udp[0] = 0x9c;          /* ports 40000 -> 9 (discard) */
	udp[1] = 0x40;
	udp[3] = 9;
	udp[4] = (uint8_t)((len - 34) >> 8);    /* length; checksum 0: none */
	udp[5] = (uint8_t)(len - 34);
}

static void
build(uint8_t *f, const uint8_t dmac[6], uint32_t src, uint32_t dst,
    uint16_t id)
{
	build_len(f, FRAME_LEN, dmac, src, dst, id);
}

/* Ours, forwarded: IPv4 from src to dst, UDP to port 9. */
static int
is_ours(const struct shmif_rxframe *r, uint32_t src, uint32_t dst)
{
	const uint8_t *ip = r->data + 14;

	return r->len >= 42 && r->data[12] == 8 && r->data[13] == 0 &&
	    ip[9] == 17 && memcmp(ip + 12, &src, 4) == 0 &&
	    memcmp(ip + 16, &dst, 4) == 0 && ip[22] == 0 && ip[23] == 9;
}

/*
 * Forwarding rate: keep up to window datagrams written on in and not yet
 * seen on out, for secs seconds.  The ids run on, so a frame the router
 * dropped (it counts them) only shrinks the window until the next
 * refill: a frame missing for 10 ms is written off.
 */
static int
rate(struct shmif_bus *in, struct shmif_bus *out, const uint8_t mac[6],
    uint32_t src, uint32_t dst, double secs, long window, uint32_t len)
{
	struct shmif_txframe tf[32];
	struct shmif_rxframe rx[64];
	static uint8_t f[32][FRAME_MAX];
	uint64_t t0, t1, end, last_seen;
	long sent = 0, seen = 0, written_off = 0;
	uint16_t id = 0;
	int n;

	for (int i = 0; i < 32; i++) {
		build_len(f[i], len, mac, src, dst, 0);
		tf[i].data = f[i];
		tf[i].len = len;
	}
	t0 = last_seen = now_ns();
	end = t0 + (uint64_t)(secs * 1e9);
	while ((t1 = now_ns()) < end) {
		long room = window - (sent - seen - written_off);
		unsigned k = room > 32 ? 32 : (unsigned)(room > 0 ? room : 0);

		for (unsigned i = 0; i < k; i++) {
			uint8_t *ip = f[i] + 14;
			uint32_t s;

			ip[4] = (uint8_t)(id >> 8);
			ip[5] = (uint8_t)id;
			ip[10] = ip[11] = 0;
			s = ip_sum(ip);
			ip[10] = (uint8_t)(s >> 8);
			ip[11] = (uint8_t)s;
			id++;
		}
		if (k > 0 && shmif_sendv(in, tf, k) == (int)k)
			sent += k;
		while ((n = shmif_recv(out, rx, 64)) > 0) {
			for (int i = 0; i < n; i++)
				seen += is_ours(&rx[i], src, dst);
			last_seen = t1;
		}
		if (t1 - last_seen > 10000000ull) {
			written_off = sent - seen;
			last_seen = t1;
		}
	}
	printf("one router, %u-byte UDP: %ld of %ld datagrams forwarded in "
	    "%.2f s: %.0f packets/s\n", len - 42, seen, sent,
	    (double)(t1 - t0) / 1e9, (double)seen * 1e9 / (double)(t1 - t0));
	return seen > 0 ? 0 : 1;
}

/* Wait for a frame on b that is IPv4 with this id; 0, or -1 on timeout. */
static int
await(struct shmif_bus *b, uint16_t id, int timeout_ms)
{
	struct shmif_rxframe rx[16];
	uint64_t end = now_ns() + (uint64_t)timeout_ms * 1000000;
	int n;

	for (;;) {
		while ((n = shmif_recv(b, rx, 16)) > 0)
			for (int i = 0; i < n; i++)
				if (rx[i].len >= 34 && rx[i].data[12] == 8 &&
				    rx[i].data[13] == 0 &&
				    (rx[i].data[18] << 8 | rx[i].data[19]) == id)
					return 0;
		if (now_ns() >= end)
			return -1;
		shmif_wait(b, 10);
	}
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void
usage(void)
{
	fprintf(stderr, "usage: bench_fwd [-n count] [-g gap_us] IN OUT "
	    "ROUTER_MAC SRC DST\n       bench_fwd -e [-n count] [-g gap_us] "
	    "BUS\n       bench_fwd -r secs [-w window] [-l payload] IN OUT "
	    "ROUTER_MAC SRC DST\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct shmif_opts o = { .flags = SHMIF_CREATE };
	struct shmif_bus *in, *out;
	uint8_t mac[6], f[FRAME_LEN];
	uint32_t src = 0, dst = 0;
	long n = 2000, gap = 1000, lost = 0, k = 0, window = 256, payload = 64;
	double secs = 0;
	uint64_t *t, sum = 0;
	char err[256];
	int c, echo = 0;
	pid_t pid = -1;

	while ((c = getopt(argc, argv, "eg:l:n:r:s:w:")) != -1) {
		switch (c) {
		case 'e': echo = 1; break;
		case 'g': gap = atol(optarg); break;
		case 'l': payload = atol(optarg); break;
		case 'r': secs = atof(optarg); break;
		case 'w': window = atol(optarg); break;
		case 'n': n = atol(optarg); break;
		case 's': o.spin_us = (uint32_t)atol(optarg); break;
		default: usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (n <= 0 || gap < 0 || argc != (echo ? 1 : 5) || secs < 0 ||
	    (secs > 0 && echo) || window <= 0 || payload < 18 ||
	    payload > FRAME_MAX - 42)
		usage();
	if (!echo && (parse_mac(argv[2], mac) < 0 ||
	    inet_pton(AF_INET, argv[3], &src) != 1 ||
	    inet_pton(AF_INET, argv[4], &dst) != 1)) {
		fprintf(stderr, "bench_fwd: bad MAC or address\n");
		return 2;
	}
	if (echo) {
		memcpy(mac, "\x02\x00\x00\x00\xbe\x02", 6);
		src = htonl(0x0a090009);
		dst = htonl(0x0a09000a);
		/* The echo: a second process that copies every frame it
		 * reads back onto the bus, id + 1. */
		if ((pid = fork()) == 0) {
			struct shmif_rxframe rx[16];
			uint8_t g[FRAME_LEN];

			if (shmif_attach(argv[0], &o, &in, err, sizeof(err)) < 0)
				_exit(1);
			for (;;) {
				int m = shmif_recv(in, rx, 16);

				for (int i = 0; i < m; i++) {
					if (rx[i].len != FRAME_LEN)
						continue;
					memcpy(g, rx[i].data, FRAME_LEN);
					g[19]++;
					shmif_send(in, g, FRAME_LEN);
				}
				if (m <= 0)
					shmif_wait(in, -1);
			}
		}
	}
	if (shmif_attach(argv[0], &o, &in, err, sizeof(err)) < 0 ||
	    shmif_attach(echo ? argv[0] : argv[1], &o, &out, err,
	    sizeof(err)) < 0) {
		fprintf(stderr, "bench_fwd: %s\n", err);
		return 1;
	}
	usleep(200000);
	if (secs > 0)
		return rate(in, out, mac, src, dst, secs, window,
		    (uint32_t)payload + 42);
	if ((t = calloc((size_t)n, sizeof(*t))) == NULL)
		return 1;
	for (long i = 0; i < n; i++) {
		uint16_t id = (uint16_t)(2 * i);
		uint64_t t0;

		build(f, mac, src, dst, id);
		t0 = now_ns();
		shmif_send(in, f, FRAME_LEN);
		if (await(out, (uint16_t)(id + echo), 1000) < 0) {
			lost++;
			continue;
		}
		t[k++] = now_ns() - t0;
		if (gap > 0)
			usleep((useconds_t)gap);
	}
	if (pid > 0) {
		kill(pid, 9);
		waitpid(pid, NULL, 0);
	}
	if (k == 0) {
		fprintf(stderr, "bench_fwd: nothing came out of %s (%ld sent)\n",
		    echo ? argv[0] : argv[1], n);
		return 1;
	}
	qsort(t, (size_t)k, sizeof(*t), cmp_u64);
	for (long i = 0; i < k; i++)
		sum += t[i];
	printf("%s: %ld packets, %ld lost; us min %.1f median %.1f "
	    "p90 %.1f mean %.1f\n", echo ? "bus echo (2 crossings)" :
	    "one router (2 crossings + forwarding)", k, lost, t[0] / 1e3,
	    t[k / 2] / 1e3, t[k * 9 / 10] / 1e3, (double)sum / (double)k / 1e3);
	return 0;
}
