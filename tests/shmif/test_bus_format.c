/*
 * test_bus_format.c — proves the bus library writes and reads the bytes
 * shmif/FORMAT.txt describes: field by field for what it writes, through an
 * independent writer (this file, from the text) for what it reads, against
 * NetBSD's own buses (FIXTUREDIR, skipped when absent), and that bad files
 * give clear errors and hostile headers are survived.
 *
 * usage: test_bus_format SCRATCHDIR FIXTUREDIR
 */
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <pcap.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "shmif/shmif.h"
#include "tests/lib/tap.h"

#define RING (SHMIF_BUS_SIZE - 32)

static char dir[512];

static char *
path(const char *name)
{
	static char p[4][600];
	static int i;

	i = (i + 1) % 4;
	snprintf(p[i], sizeof(p[i]), "%s/%s", dir, name);
	return p[i];
}

static uint32_t
u32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint64_t
u64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void
put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static uint8_t *
map_file(const char *p, size_t *len)
{
	struct stat sb;
	uint8_t *m;
	int fd = open(p, O_RDWR);

	if (fd < 0 || fstat(fd, &sb) < 0)
		return NULL;
	m = mmap(NULL, sb.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	*len = sb.st_size;
	return m == MAP_FAILED ? NULL : m;
}

static struct shmif_bus *
attach(const char *p, uint32_t flags)
{
	struct shmif_opts o = { .flags = flags };
	struct shmif_bus *b;
	char err[256];
	int r;

	if ((r = shmif_attach(p, &o, &b, err, sizeof(err))) < 0) {
		diag("attach %s: %s", p, err);
		return NULL;
	}
	return b;
}

static void
fill(uint8_t *f, uint32_t len, uint32_t tag)
{
	for (uint32_t i = 0; i < len; i++)
		f[i] = (uint8_t)(tag * 31 + i);
}

static void
test_written_layout(void)
{
	struct shmif_bus *b = attach(path("w.bus"), SHMIF_CREATE);
	uint8_t frame[1514], *m;
	size_t len;
	time_t t0 = time(NULL);
	int ok_all = 1;
	uint32_t expect_off;

	if (!ok(b != NULL, "create a bus"))
		return;
	m = map_file(path("w.bus"), &len);
	ok(len == SHMIF_BUS_SIZE, "new bus file is exactly 1 MiB (%zu)", len);
	ok(u32(m + 0) == 0xca11d054 && u32(m + 4) == 3, "magic and version 3");
	ok(u64(m + 8) == 0 && u32(m + 16) == RING && u32(m + 20) == 0 &&
	    u32(m + 24) == 0 && u32(m + 28) == 0,
	    "fresh header: gen 0, first = ring size, last 0, lock 0, spare 0");
	ok(u32(m + 32) == 0, "zero-length dummy record at ring offset 0");

	fill(frame, 60, 1);
	ok(shmif_send(b, frame, 60) == 0, "send a 60-byte frame");
	ok(u32(m + 20) == 24, "last = 24: first record follows the dummy");
	ok(u32(m + 32 + 24) == 60, "record len field @0");
	ok(u32(m + 32 + 24 + 4) >= (uint32_t)t0 &&
	    u32(m + 32 + 24 + 4) <= (uint32_t)time(NULL) + 1 &&
	    u32(m + 32 + 24 + 8) < 1000000, "record sec @4 and usec @8");
	ok(u32(m + 32 + 24 + 12) == 1, "sequence number in the padding @12");
	ok(u64(m + 32 + 24 + 16) == shmif_sender(b), "sender id @16");
	ok(memcmp(m + 32 + 48, frame, 60) == 0, "frame bytes follow at @24");
	ok(u32(m + 24) == 0 && u32(m + 28) == 0, "lock released, spare cleared");

	/* Write until the ring wraps; follow offsets as FORMAT.txt says. */
	expect_off = 24 + 24 + 60;
	for (uint32_t i = 0; u64(m + 8) == 0; i++) {
		uint32_t l = 100 + (i * 37) % 1414;
		fill(frame, l, i);
		if (shmif_send(b, frame, l) != 0 ||
		    u32(m + 20) != expect_off % RING) {
			ok_all = 0;
			break;
		}
		if (u64(m + 8) == 0)
			expect_off = (expect_off + 24 + l) % RING;
		else
			expect_off = (expect_off + 24 + l);
	}
	ok(ok_all, "each record starts where the previous one ended");
	ok(u64(m + 8) == 1, "gen became 1 when a record reached the ring's end");
	ok(u32(m + 16) != RING && u32(m + 16) < RING,
	    "first left the never-wrapped marker (0x%x)", u32(m + 16));
	{
		/* first must point at a record boundary beyond the new record */
		uint32_t last = u32(m + 20), first = u32(m + 16);
		uint8_t hdr[24];
		for (int i = 0; i < 24; i++)
			hdr[i] = m[32 + (last + i) % RING];
		uint32_t end = (last + 24 + u32(hdr)) % RING;
		ok(first >= end, "first (0x%x) lies at or after the end of last "
		    "(0x%x)", first, end);
	}
	munmap(m, len);
	shmif_detach(b);
}

/* Write a bus by hand from FORMAT.txt: 5 records, the 4th straddling the
 * ring's end (header split), the 5th at the start; gen 1. */
static void
test_independent_writer(void)
{
	int fd = open(path("hand.bus"), O_RDWR | O_CREAT | O_TRUNC, 0644);
	uint8_t *m = calloc(1, SHMIF_BUS_SIZE), *ring = m + 32;
	uint32_t lens[5] = { 42, 98, 1514, 300, 60 };
	uint32_t offs[5], off, first;
	struct shmif_rxframe rx[16];
	struct shmif_bus *b;
	int n, good = 1;

	/* place record 3 so that its header starts 10 bytes before the end */
	offs[3] = RING - 10;
	offs[2] = offs[3] - 24 - lens[2];
	offs[1] = offs[2] - 24 - lens[1];
	offs[0] = offs[1] - 24 - lens[0];
	offs[4] = (offs[3] + 24 + lens[3]) - RING;
	first = offs[0];
	for (int i = 0; i < 5; i++) {
		uint8_t hdr[24] = { 0 }, frame[1514];
		put32(hdr, lens[i]);
		put32(hdr + 4, 1000 + i);
		put32(hdr + 8, 500 * i);
		put32(hdr + 12, 0xdeadbeef);   /* garbage, as NetBSD */
		put64(hdr + 16, 0x1111 * (i + 1));
		fill(frame, lens[i], 7 + i);
		off = offs[i];
		for (uint32_t j = 0; j < 24; j++)
			ring[(off + j) % RING] = hdr[j];
		for (uint32_t j = 0; j < lens[i]; j++)
			ring[(off + 24 + j) % RING] = frame[j];
	}
	put32(m, 0xca11d054);
	put32(m + 4, 3);
	put64(m + 8, 1);
	put32(m + 16, first);
	put32(m + 20, offs[4]);
	if (write(fd, m, SHMIF_BUS_SIZE) != SHMIF_BUS_SIZE)
		good = 0;
	close(fd);
	free(m);

	b = attach(path("hand.bus"), SHMIF_REWIND | SHMIF_SEEALL);
	if (!ok(b != NULL && good, "library attaches a hand-written bus"))
		return;
	n = shmif_recv(b, rx, 16);
	ok(n == 5, "reads all 5 records from first to last (%d)", n);
	for (int i = 0; i < n && i < 5; i++) {
		uint8_t frame[1514];
		fill(frame, lens[i], 7 + i);
		if (rx[i].len != lens[i] || memcmp(rx[i].data, frame, lens[i]) ||
		    rx[i].sec != 1000u + i || rx[i].usec != 500u * i ||
		    rx[i].sender != 0x1111u * (i + 1))
			good = 0;
	}
	ok(good, "lengths, bytes, timestamps and senders match, including the "
	    "records whose header and frame wrap");
	ok(shmif_recv(b, rx, 16) == 0, "nothing more after last");
	shmif_detach(b);
}

/* NetBSD's own buses: the reader returns exactly what NetBSD's
 * shmif_dumpbus wrote to pcap, in order, with the timestamps.  The
 * fixtures live beside the tree, not in it: without them the four checks
 * are skipped. */
static void
test_fixture(const char *fixdir, const char *name)
{
	char cmd[2048], errbuf[PCAP_ERRBUF_SIZE];
	struct shmif_rxframe rx[64];
	struct pcap_pkthdr *ph;
	const u_char *pd;
	struct shmif_bus *b;
	pcap_t *pc;
	int n, total = 0, same = 1;

	if (access(fixdir, R_OK | X_OK) != 0) {
		for (n = 0; n < 4; n++)
			ok(1, "# SKIP %s: no NetBSD fixtures in %s", name,
			    fixdir);
		return;
	}
	snprintf(cmd, sizeof(cmd), "gzip -dc %s/%s.bus.gz > %s/%s.bus && "
	    "gzip -dc %s/%s.pcap.gz > %s/%s.pcap", fixdir, name, dir, name,
	    fixdir, name, dir, name);
	if (!ok(system(cmd) == 0, "%s: fixture unpacked", name))
		return;
	snprintf(cmd, sizeof(cmd), "%s/%s.pcap", dir, name);
	pc = pcap_open_offline(cmd, errbuf);
	snprintf(cmd, sizeof(cmd), "%s/%s.bus", dir, name);
	b = attach(cmd, SHMIF_RDONLY | SHMIF_SEEALL | SHMIF_REWIND);
	if (!ok(pc != NULL && b != NULL, "%s: opened bus and pcap", name))
		return;
	while ((n = shmif_recv(b, rx, 64)) > 0) {
		for (int i = 0; i < n; i++) {
			if (pcap_next_ex(pc, &ph, &pd) != 1 ||
			    ph->caplen != rx[i].len ||
			    memcmp(pd, rx[i].data, rx[i].len) != 0 ||
			    (uint32_t)ph->ts.tv_sec != rx[i].sec ||
			    (uint32_t)ph->ts.tv_usec != rx[i].usec)
				same = 0;
			total++;
		}
	}
	ok(pcap_next_ex(pc, &ph, &pd) != 1, "%s: no frame of NetBSD's pcap "
	    "left unread (%d read)", name, total);
	ok(same && total > 0, "%s: every frame identical to NetBSD's dump, with "
	    "its timestamp", name);
	pcap_close(pc);
	shmif_detach(b);
}

static int
expect_error(const char *p, const char *needle, uint32_t flags)
{
	struct shmif_opts o = { .flags = flags };
	struct shmif_bus *b;
	char err[256] = "";
	int r = shmif_attach(p, &o, &b, err, sizeof(err));

	if (r >= 0) {
		shmif_detach(b);
		return 0;
	}
	diag("error: %s", err);
	return strstr(err, needle) != NULL;
}

static void
write_file(const char *p, const void *data, size_t len)
{
	int fd = open(p, O_RDWR | O_CREAT | O_TRUNC, 0644);

	if (fd >= 0) {
		if (write(fd, data, len) != (ssize_t)len)
			diag("short write %s", p);
		close(fd);
	}
}

static void
test_errors(void)
{
	uint8_t *m = calloc(1, SHMIF_BUS_SIZE);

	memcpy(m, "\x7f" "ELF", 4);
	write_file(path("elf.bus"), m, SHMIF_BUS_SIZE);
	ok(expect_error(path("elf.bus"), "not a shmif bus: bad magic 0x464c457f",
	    0), "a file that is not a bus: bad magic named");
	put32(m, 0xca11d054);
	put32(m + 4, 2);
	write_file(path("v2.bus"), m, SHMIF_BUS_SIZE);
	ok(expect_error(path("v2.bus"), "version 2", 0),
	    "a bus of another version is refused, naming the version");
	write_file(path("short.bus"), m, 100);
	ok(expect_error(path("short.bus"), "bus file of 100 bytes", 0),
	    "a truncated bus is refused");
	write_file(path("tiny.bus"), m, 10);
	ok(expect_error(path("tiny.bus"), "truncated", 0),
	    "a file shorter than the header is refused");
	ok(expect_error(path("missing.bus"), "No such file", 0),
	    "a missing file without SHMIF_CREATE is an error");
	ok(expect_error(dir, "Is a directory", 0), "a directory is refused");
	write_file(path("ro.bus"), m, 0);
	chmod(path("ro.bus"), 0);
	if (geteuid() != 0)
		ok(expect_error(path("ro.bus"), "Permission denied", 0),
		    "an unreadable file names the reason");
	else
		ok(1, "# SKIP unreadable file: running as root");
	free(m);
}

static uint64_t
ms_since(struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)((t.tv_sec - t0->tv_sec) * 1000000000LL +
	    (t.tv_nsec - t0->tv_nsec)) / 1000000;
}

/* Hostile values in the header or records: skip and count, never crash. */
static void
test_hostile(void)
{
	struct shmif_bus *w = attach(path("h.bus"), SHMIF_CREATE);
	struct shmif_bus *r = attach(path("h.bus"), 0);
	struct shmif_rxframe rx[8];
	struct shmif_stats st;
	struct timespec t0;
	uint8_t frame[100] = { 0 }, *m;
	size_t len;
	pid_t pid;
	uint64_t el;
	int rc;

	m = map_file(path("h.bus"), &len);
	if (!ok(w && r && m, "hostile: set up"))
		return;
	shmif_send(w, frame, sizeof(frame));
	put32(m + 20, 0xfffffff0);      /* last beyond the ring */
	ok(shmif_recv(r, rx, 8) == 0, "last beyond the ring: nothing read");
	shmif_get_stats(r, &st);
	ok(st.rx_malformed >= 1, "... and counted as malformed");
	ok(shmif_send(w, frame, sizeof(frame)) == 0, "a writer re-initialises a "
	    "corrupt ring and goes on");
	shmif_get_stats(w, &st);
	ok(st.ring_resets == 1, "... counting one ring reset");
	put32(m + 32 + u32(m + 20), 0x7fffffff);  /* newest record's len */
	ok(shmif_recv(r, rx, 8) == 0, "absurd record length: skipped");
	ok(shmif_send(w, frame, sizeof(frame)) == 0, "writer recovers again");
	ok(shmif_recv(r, rx, 8) == 1, "reader resumes with the next frame");

	/* lock stuck at 1 by nobody known: taken over within 100 ms */
	put32(m + 24, 1);
	put32(m + 28, 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = shmif_send(w, frame, sizeof(frame));
	el = ms_since(&t0);
	ok(rc == 0 && el < 100,
	    "lock stuck at 1 with no owner: send goes on after %llu ms",
	    (unsigned long long)el);
	/* lock held by a dead process */
	if ((pid = fork()) == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	put32(m + 24, 1);
	put32(m + 28, (uint32_t)pid);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = shmif_recv(r, rx, 8);
	el = ms_since(&t0);
	ok(rc == 1 && el < 100,
	    "lock held by a dead pid: reader takes it over after %llu ms",
	    (unsigned long long)el);
	ok(u32(m + 24) == 0 && u32(m + 28) == 0, "lock free again afterwards");
	shmif_get_stats(r, &st);
	ok(st.lock_takeovers == 1, "reader counted one lock takeover");
	munmap(m, len);
	shmif_detach(r);
	shmif_detach(w);
}

/* Many laps between reads, frame sizes that make records end exactly at the
 * ring's end now and then: the loss figure stays exact and the writer never
 * mistakes a healthy ring for a corrupt one. */
static void
test_laps(void)
{
	struct shmif_bus *w = attach(path("laps.bus"), SHMIF_CREATE);
	struct shmif_bus *r = attach(path("laps.bus"), 0);
	struct shmif_rxframe rx[256];
	struct shmif_stats rs, ws;
	uint8_t frame[1514];
	uint64_t sent = 0;

	memset(frame, 0x42, sizeof(frame));
	for (int round = 0; round < 60; round++) {
		int k = 3000 + (round * 7919) % 40000;
		uint32_t len = round % 2 ? 64 : 40 + (uint32_t)round * 23;
		for (int i = 0; i < k; i++)
			sent += shmif_send(w, frame, len) == 0;
		for (int j = 0; j < 2; j++)
			shmif_recv(r, rx, 256);
	}
	while (shmif_recv(r, rx, 256) > 0)
		;
	shmif_get_stats(r, &rs);
	shmif_get_stats(w, &ws);
	ok(rs.rx_frames + rs.rx_lost == sent, "after %llu laps: %llu received "
	    "+ %llu lost = %llu sent", (unsigned long long)rs.rx_laps,
	    (unsigned long long)rs.rx_frames, (unsigned long long)rs.rx_lost,
	    (unsigned long long)sent);
	ok(ws.ring_resets == 0, "writer never reset the healthy ring (%llu)",
	    (unsigned long long)ws.ring_resets);
	shmif_detach(r);
	shmif_detach(w);
}

int
main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s SCRATCHDIR FIXTUREDIR\n", argv[0]);
		return 2;
	}
	snprintf(dir, sizeof(dir), "%s", argv[1]);
	tap_plan(50);
	test_written_layout();
	test_independent_writer();
	test_fixture(argv[2], "small");
	test_fixture(argv[2], "wrapped");
	test_errors();
	test_hostile();
	test_laps();
	return tap_done();
}
