/*
 * bench_bus.c — bus throughput and wake latency (make bench).  Prints
 * figures; never fails because the machine is slow.
 *
 *  throughput: one writer process sends N-frame batches of 64, 512 and 1514
 *  bytes for a fixed time to 1 and to 8 reader processes; reported: frames/s
 *  and MB/s sent, and what the readers received (frames lost to lapping are
 *  counted, not hidden).
 *  latency: a writer stamps CLOCK_MONOTONIC into a frame; the reader, waiting
 *  in shmif_wait(), notes when it has the frame in hand.  "hot": frames
 *  every 20 us (reader within its spin window); "cold": every 2 ms (reader
 *  asleep on the futex).
 *
 * usage: bench_bus DIR [seconds]
 */
#include <sys/mman.h>
#include <sys/wait.h>

#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "shmif/shmif.h"

struct shared {
	volatile int go, stop;
	uint64_t rx[8], lost[8];
	uint64_t lat[20000];
	int nlat;
};

static struct shared *sh;
static char dir[512];
static double secs = 1.0;

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static struct shmif_bus *
attach(const char *name)
{
	struct shmif_opts o = { .flags = SHMIF_CREATE };
	struct shmif_bus *b;
	char p[600], err[256];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	if (shmif_attach(p, &o, &b, err, sizeof(err)) < 0) {
		fprintf(stderr, "bench_bus: %s\n", err);
		exit(1);
	}
	return b;
}

static void
reader(const char *bus, int slot)
{
	struct shmif_bus *b = attach(bus);
	struct shmif_rxframe rx[256];
	struct shmif_stats st;

	__atomic_add_fetch(&sh->go, 1, __ATOMIC_SEQ_CST);
	while (!sh->stop) {
		if (shmif_recv(b, rx, 256) == 0)
			shmif_wait(b, 50);
	}
	while (shmif_recv(b, rx, 256) > 0)
		;
	shmif_get_stats(b, &st);
	sh->rx[slot] = st.rx_frames;
	sh->lost[slot] = st.rx_lost;
	shmif_detach(b);
	_exit(0);
}

static void
throughput(uint32_t size, int nreaders)
{
	struct shmif_txframe f[32];
	struct shmif_bus *w;
	uint8_t frame[1514];
	uint64_t sent = 0, t0, t1, rx = 0, lost = 0;
	pid_t pids[8];
	char bus[64];

	snprintf(bus, sizeof(bus), "tp-%u-%d.bus", size, nreaders);
	memset(sh, 0, sizeof(*sh));
	for (int i = 0; i < nreaders; i++)
		if ((pids[i] = fork()) == 0)
			reader(bus, i);
	while (__atomic_load_n(&sh->go, __ATOMIC_SEQ_CST) < nreaders)
		usleep(1000);
	w = attach(bus);
	memset(frame, 0x5a, sizeof(frame));
	for (int i = 0; i < 32; i++) {
		f[i].data = frame;
		f[i].len = size;
	}
	t0 = now_ns();
	do {
		for (int k = 0; k < 64; k++)
			sent += (uint64_t)shmif_sendv(w, f, 32);
		t1 = now_ns();
	} while (t1 - t0 < (uint64_t)(secs * 1e9));
	sh->stop = 1;
	for (int i = 0; i < nreaders; i++) {
		waitpid(pids[i], NULL, 0);
		rx += sh->rx[i];
		lost += sh->lost[i];
	}
	shmif_detach(w);
	printf("bus throughput  %4u B  1 -> %d reader%s  %6.2f Mframes/s  "
	    "%7.1f MB/s sent;  readers got %5.1f%% (%.2f Mframes/s each), "
	    "lost %5.1f%%\n", size, nreaders, nreaders > 1 ? "s" : " ",
	    sent / ((t1 - t0) / 1e9) / 1e6,
	    sent * size / ((t1 - t0) / 1e9) / 1e6,
	    100.0 * rx / ((double)sent * nreaders),
	    rx / (double)nreaders / ((t1 - t0) / 1e9) / 1e6,
	    100.0 * lost / ((double)sent * nreaders));
}

static int
cmp64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void
latency(const char *mode, unsigned gap_us, int count)
{
	struct shmif_bus *w;
	uint8_t frame[64];
	pid_t pid;
	char bus[64];

	snprintf(bus, sizeof(bus), "lat-%s.bus", mode);
	memset(sh, 0, sizeof(*sh));
	if ((pid = fork()) == 0) {
		struct shmif_bus *b = attach(bus);
		struct shmif_rxframe rx[8];
		uint64_t ts;

		sh->go = 1;
		while (sh->nlat < count && !sh->stop) {
			int n = shmif_recv(b, rx, 8);
			uint64_t t = now_ns();
			for (int i = 0; i < n; i++) {
				memcpy(&ts, rx[i].data + 14, 8);
				sh->lat[sh->nlat++] = t - ts;
			}
			if (n == 0)
				shmif_wait(b, 100);
		}
		_exit(0);
	}
	while (!sh->go)
		usleep(1000);
	w = attach(bus);
	memset(frame, 0, sizeof(frame));
	for (int i = 0; i < count + 10 && sh->nlat < count; i++) {
		uint64_t t = now_ns(), until = t + gap_us * 1000ull;
		memcpy(frame + 14, &t, 8);
		shmif_send(w, frame, sizeof(frame));
		if (gap_us >= 1000)
			usleep(gap_us);
		else
			while (now_ns() < until)
				;
	}
	usleep(200000);
	sh->stop = 1;
	waitpid(pid, NULL, 0);
	shmif_detach(w);
	if (sh->nlat == 0)
		return;
	qsort(sh->lat, sh->nlat, sizeof(uint64_t), cmp64);
	printf("bus wake latency %-4s (frame every %5u us): median %6.1f us  "
	    "p99 %7.1f us  (%d samples)\n", mode, gap_us,
	    sh->lat[sh->nlat / 2] / 1e3, sh->lat[sh->nlat * 99 / 100] / 1e3,
	    sh->nlat);
}

int
main(int argc, char **argv)
{
	static const uint32_t sizes[] = { 64, 512, 1514 };

	if (argc < 2) {
		fprintf(stderr, "usage: bench_bus DIR [seconds]\n");
		return 2;
	}
	snprintf(dir, sizeof(dir), "%s", argv[1]);
	if (argc > 2)
		secs = atof(argv[2]);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	for (int r = 1; r <= 8; r += 7)
		for (unsigned i = 0; i < 3; i++)
			throughput(sizes[i], r);
	latency("hot", 20, 5000);
	latency("cold", 2000, 1000);
	return 0;
}
