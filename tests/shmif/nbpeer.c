/*
 * nbpeer — an IPv4 host on a shmif bus that reads and writes the bus as
 * NetBSD's own shmif does, built from shmif/FORMAT.txt alone (it uses
 * nothing of libshmif): it takes the lock with compare-and-swap 0 -> 1 and
 * never names itself in `spare`, stores `last` before the record, leaves
 * the padding as garbage, never touches a futex or a wake map, and after
 * each write pwrite()s the version word; it sleeps in inotify (IN_MODIFY
 * on the bus file) as NetBSD's reader does.  So a rumplab node that hears
 * it, and is heard by it, at once, would hear a NetBSD kernel.
 *
 * On start it announces its address with a gratuitous ARP request, as a
 * NetBSD interface does when an address is set (arp_ifinit()); it answers
 * ARP requests and ICMP echo requests for its address and,
 * with `ping`, pings another host and prints each round trip:
 *
 *   nbpeer BUS ADDR [-t SECONDS]                       answer until killed
 *   nbpeer BUS ADDR ping TARGET COUNT [INTERVAL_MS]    ping, then exit
 *
 * Output of ping: one line "seq N rtt MS" per reply, then
 * "sent N received M max MS".  Exit 0 if every request had its reply.
 */
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define HDR      32u
#define PKTHDR   24u
#define O_GEN    8
#define O_FIRST  16
#define O_LAST   20
#define O_LOCK   24
#define MAXFRAME 1514u

static uint8_t *mem, *ring;
static uint32_t rsize;
static int busfd;
static uint64_t my_sender = 0x4e6574425344ull;     /* "NetBSD" */
static uint32_t rpos;
static uint64_t rgen;
static uint8_t my_mac[6], peer_mac[6];
static int peer_known;
static struct in_addr my_ip, peer_ip;

#define L32(o)  __atomic_load_n((uint32_t *)(void *)(mem + (o)), __ATOMIC_ACQUIRE)
#define S32(o, v) __atomic_store_n((uint32_t *)(void *)(mem + (o)), (v), __ATOMIC_RELEASE)
#define L64(o)  __atomic_load_n((uint64_t *)(void *)(mem + (o)), __ATOMIC_ACQUIRE)
#define S64(o, v) __atomic_store_n((uint64_t *)(void *)(mem + (o)), (v), __ATOMIC_RELEASE)

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* NetBSD's lock: compare-and-swap 0 -> 1, spinning and yielding. */
static void
lock_bus(void)
{
	uint32_t z;

	for (;;) {
		z = 0;
		if (__atomic_compare_exchange_n((uint32_t *)(void *)(mem + O_LOCK),
		    &z, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			return;
		sched_yield();
	}
}

static void
unlock_bus(void)
{
	S32(O_LOCK, 0);
}

static void
rd(uint32_t off, void *dst, uint32_t len, int *wrap)
{
	uint32_t c = rsize - off < len ? rsize - off : len;

	memcpy(dst, ring + off, c);
	if (off + c == rsize)
		*wrap = 1;
	if (c < len)
		memcpy((uint8_t *)dst + c, ring, len - c);
}

static uint32_t
rec_end(uint32_t off)
{
	uint32_t len;
	int w = 0;

	rd(off, &len, 4, &w);
	return (uint32_t)(((uint64_t)off + PKTHDR + len) % rsize);
}

/* FORMAT.txt's rule: move `first` past what a copy of n bytes at off
 * overwrites. */
static void
advance_first(uint32_t off, uint32_t n)
{
	uint32_t first = L32(O_FIRST);

	while ((uint64_t)off <= (uint64_t)first + PKTHDR &&
	    (uint64_t)off + n > first)
		first = rec_end(first);
	S32(O_FIRST, first);
}

static void
wr(uint32_t *off, const void *src, uint32_t len, int *wrap)
{
	uint32_t c = rsize - *off < len ? rsize - *off : len;

	advance_first(*off, c + (*off + c == rsize ? 1 : 0));
	memcpy(ring + *off, src, c);
	if (*off + c == rsize)
		*wrap = 1;
	if (c == len) {
		*off = (*off + c) % rsize;
		return;
	}
	*wrap = 1;
	advance_first(0, len - c);
	memcpy(ring, (const uint8_t *)src + c, len - c);
	*off = len - c;
}

/* Write one frame NetBSD's way, then wake NetBSD's way: a pwrite() of the
 * version word, nothing else. */
static void
bus_write(const void *frame, uint32_t len)
{
	uint8_t h[PKTHDR];
	struct timespec ts;
	uint32_t off, pad = 0xdeadbeef, sec, usec, v = 3;
	int wrap = 0;

	clock_gettime(CLOCK_REALTIME, &ts);
	sec = (uint32_t)ts.tv_sec;
	usec = (uint32_t)(ts.tv_nsec / 1000);
	lock_bus();
	off = rec_end(L32(O_LAST));
	S32(O_LAST, off);                       /* NetBSD stores it first */
	memcpy(h, &len, 4);
	memcpy(h + 4, &sec, 4);
	memcpy(h + 8, &usec, 4);
	memcpy(h + 12, &pad, 4);
	memcpy(h + 16, &my_sender, 8);
	wr(&off, h, PKTHDR, &wrap);
	wr(&off, frame, len, &wrap);
	if (wrap)
		S64(O_GEN, L64(O_GEN) + 1);
	unlock_bus();
	if (pwrite(busfd, &v, 4, 4) != 4)
		perror("nbpeer: pwrite");
}

static int
pos_live(uint32_t pos, uint64_t gen, uint32_t first, uint32_t end,
    uint64_t sgen)
{
	if (gen > sgen || sgen - gen > 1)
		return 0;
	if (first >= end)
		return sgen == gen ? pos <= end : pos >= first;
	return sgen == gen && pos >= first && pos <= end;
}

static void input(const uint8_t *f, uint32_t len);

/* Read every new record under the lock, then handle them. */
static void
bus_read(void)
{
	static uint8_t buf[256 * 1024];
	uint32_t lens[128], n = 0, used = 0, first, end, hl, i;
	uint64_t gen, snd;
	uint8_t h[PKTHDR];
	int wrap;

	lock_bus();
	gen = L64(O_GEN);
	first = L32(O_FIRST);
	end = rec_end(L32(O_LAST));
	if (!pos_live(rpos, rgen, first, end, gen)) {
		rpos = first == rsize ? 0 : first;
		rgen = first == rsize || first <= L32(O_LAST) ? gen : gen - 1;
	}
	while (!(rgen == gen && rpos == end) && n < 128) {
		wrap = 0;
		rd(rpos, h, PKTHDR, &wrap);
		memcpy(&hl, h, 4);
		memcpy(&snd, h + 16, 8);
		if (hl > MAXFRAME || used + hl > sizeof(buf))
			break;
		rd((rpos + PKTHDR) % rsize, buf + used, hl, &wrap);
		rpos = (uint32_t)(((uint64_t)rpos + PKTHDR + hl) % rsize);
		if (wrap || rpos == 0)
			rgen++;
		if (hl == 0 || snd == my_sender)
			continue;
		lens[n++] = hl;
		used += hl;
	}
	unlock_bus();
	for (i = 0, used = 0; i < n; used += lens[i], i++)
		input(buf + used, lens[i]);
}

static uint16_t
csum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		s += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (len & 1)
		s += (uint32_t)b[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return htons((uint16_t)~s);
}

static void
send_arp(int op, const uint8_t *tmac, struct in_addr tip)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t f[60] = { 0 };

	memcpy(f, op == 1 ? bcast : tmac, 6);
	memcpy(f + 6, my_mac, 6);
	f[12] = 0x08; f[13] = 0x06;
	f[14] = 0; f[15] = 1; f[16] = 0x08; f[17] = 0; f[18] = 6; f[19] = 4;
	f[20] = 0; f[21] = (uint8_t)op;
	memcpy(f + 22, my_mac, 6);
	memcpy(f + 28, &my_ip, 4);
	if (op == 2)
		memcpy(f + 32, tmac, 6);
	memcpy(f + 38, &tip, 4);
	bus_write(f, sizeof(f));
}

static void
send_icmp(const uint8_t *dmac, struct in_addr dst, int type, uint16_t id,
    uint16_t seq, const uint8_t *payload, uint32_t plen)
{
	uint8_t f[MAXFRAME] = { 0 }, *ip = f + 14, *ic = ip + 20;
	uint16_t tot = (uint16_t)(20 + 8 + plen), c;

	memcpy(f, dmac, 6);
	memcpy(f + 6, my_mac, 6);
	f[12] = 0x08; f[13] = 0x00;
	ip[0] = 0x45; ip[2] = (uint8_t)(tot >> 8); ip[3] = (uint8_t)tot;
	ip[8] = 64; ip[9] = 1;
	memcpy(ip + 12, &my_ip, 4);
	memcpy(ip + 16, &dst, 4);
	c = csum(ip, 20);
	memcpy(ip + 10, &c, 2);
	ic[0] = (uint8_t)type;
	ic[4] = (uint8_t)(id >> 8); ic[5] = (uint8_t)id;
	ic[6] = (uint8_t)(seq >> 8); ic[7] = (uint8_t)seq;
	memcpy(ic + 8, payload, plen);
	c = csum(ic, 8 + plen);
	memcpy(ic + 2, &c, 2);
	bus_write(f, 14 + tot < 60 ? 60 : 14 + (uint32_t)tot);
}

static double sent_at[1024];
static double rtt[1024];
static int replies;
#define PING_ID 0x4e42

static void
input(const uint8_t *f, uint32_t len)
{
	const uint8_t *ip = f + 14, *ic;
	struct in_addr a;
	uint32_t ihl, tot;
	uint16_t seq;

	if (len >= 42 && f[12] == 0x08 && f[13] == 0x06) {
		memcpy(&a, f + 38, 4);
		if (a.s_addr != my_ip.s_addr)
			return;
		memcpy(&a, f + 28, 4);
		if (f[21] == 1)
			send_arp(2, f + 22, a);
		else if (f[21] == 2 && a.s_addr == peer_ip.s_addr) {
			memcpy(peer_mac, f + 22, 6);
			peer_known = 1;
		}
		return;
	}
	if (len < 34 || f[12] != 0x08 || f[13] != 0x00 || ip[9] != 1)
		return;
	memcpy(&a, ip + 16, 4);
	ihl = (ip[0] & 15u) * 4;
	tot = (uint32_t)(ip[2] << 8 | ip[3]);
	if (a.s_addr != my_ip.s_addr || tot > len - 14 || tot < ihl + 8)
		return;
	ic = ip + ihl;
	memcpy(&a, ip + 12, 4);
	seq = (uint16_t)(ic[6] << 8 | ic[7]);
	if (ic[0] == 8)
		send_icmp(f + 6, a, 0, (uint16_t)(ic[4] << 8 | ic[5]), seq,
		    ic + 8, tot - ihl - 8);
	else if (ic[0] == 0 && (ic[4] << 8 | ic[5]) == PING_ID && seq < 1024 &&
	    sent_at[seq] > 0 && rtt[seq] == 0) {
		rtt[seq] = now_ms() - sent_at[seq];
		replies++;
		printf("seq %u rtt %.3f ms\n", seq, rtt[seq]);
		fflush(stdout);
	}
}

/* Sleep as NetBSD's reader does: read() on the inotify watch (here with
 * a timeout, for the ping schedule), then read the bus. */
static void
wait_and_read(int in, int ms)
{
	char ev[4096];
	struct pollfd p = { .fd = in, .events = POLLIN };

	if (poll(&p, 1, ms) > 0 && read(in, ev, sizeof(ev)) < 0)
		perror("nbpeer: inotify read");
	bus_read();
}

static int
attach(const char *path)
{
	struct stat sb;
	uint32_t last;

	if ((busfd = open(path, O_RDWR)) < 0 || fstat(busfd, &sb) < 0 ||
	    sb.st_size < (off_t)(HDR + 4 * (PKTHDR + MAXFRAME))) {
		fprintf(stderr, "nbpeer: %s: not a bus\n", path);
		return -1;
	}
	mem = mmap(NULL, (size_t)sb.st_size, PROT_READ | PROT_WRITE,
	    MAP_SHARED, busfd, 0);
	if (mem == MAP_FAILED || L32(0) != 0xca11d054u) {
		fprintf(stderr, "nbpeer: %s: not a shmif bus\n", path);
		return -1;
	}
	ring = mem + HDR;
	rsize = (uint32_t)sb.st_size - HDR;
	lock_bus();
	last = L32(O_LAST);
	rpos = rec_end(last);
	rgen = L64(O_GEN);
	unlock_bus();
	return 0;
}

static int
do_ping(int in, int count, int interval)
{
	uint8_t payload[56];
	double t, max = 0;
	int seq;

	for (t = now_ms(); !peer_known && now_ms() - t < 5000;) {
		send_arp(1, NULL, peer_ip);
		for (double u = now_ms(); !peer_known && now_ms() - u < 200;)
			wait_and_read(in, 10);
	}
	if (!peer_known) {
		fprintf(stderr, "nbpeer: %s: no ARP reply\n", inet_ntoa(peer_ip));
		return 1;
	}
	memset(payload, 0x5a, sizeof(payload));
	for (seq = 0; seq < count && seq < 1024; seq++) {
		sent_at[seq] = now_ms();
		send_icmp(peer_mac, peer_ip, 8, PING_ID, (uint16_t)seq, payload,
		    sizeof(payload));
		while (now_ms() - sent_at[seq] < interval)
			wait_and_read(in, 1 + (int)(interval -
			    (now_ms() - sent_at[seq])));
	}
	for (t = now_ms(); replies < count && now_ms() - t < 2000;)
		wait_and_read(in, 50);
	for (seq = 0; seq < count && seq < 1024; seq++)
		if (rtt[seq] > max)
			max = rtt[seq];
	printf("sent %d received %d max %.3f ms\n", count, replies, max);
	return replies == count ? 0 : 1;
}

int
main(int argc, char **argv)
{
	double end;
	int in, secs = 60;

	if (argc < 3 || inet_pton(AF_INET, argv[2], &my_ip) != 1) {
		fprintf(stderr, "usage: nbpeer BUS ADDR [-t SECONDS] | "
		    "nbpeer BUS ADDR ping TARGET COUNT [INTERVAL_MS]\n");
		return 2;
	}
	memcpy(my_mac, "\x02\x4e\x42", 3);
	memcpy(my_mac + 3, (uint8_t *)&my_ip + 1, 3);
	my_sender ^= (uint64_t)my_ip.s_addr << 16;
	if (attach(argv[1]) < 0)
		return 1;
	if ((in = inotify_init1(IN_CLOEXEC)) < 0 ||
	    inotify_add_watch(in, argv[1], IN_MODIFY) < 0) {
		perror("nbpeer: inotify");
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	send_arp(1, NULL, my_ip);
	if (argc >= 5 && strcmp(argv[3], "ping") == 0) {
		if (inet_pton(AF_INET, argv[4], &peer_ip) != 1)
			return 2;
		return do_ping(in, argc > 5 ? atoi(argv[5]) : 5,
		    argc > 6 ? atoi(argv[6]) : 200);
	}
	if (argc >= 5 && strcmp(argv[3], "-t") == 0)
		secs = atoi(argv[4]);
	for (end = now_ms() + secs * 1000.0; now_ms() < end;)
		wait_and_read(in, 1000);
	return 0;
}
