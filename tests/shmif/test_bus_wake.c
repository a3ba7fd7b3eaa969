/*
 * test_bus_wake — the wake map (shmif/FORMAT.txt, "Wake map"): with a map,
 * an interface's send does not wake its own receiving attachment and does
 * wake everybody else's; without one, or with a map that gives it no slot
 * (full of live processes, foreign magic), nobody misses a wake-up; slots
 * of dead processes are taken over; a map is exactly 4096 bytes.
 *
 *   test_bus_wake DIR
 *
 * "Woken" is measured: a reader asleep in shmif_wait() with a 1500 ms
 * timeout returns within 700 ms of a send (woken) or after 1400 ms (slept
 * through).  The margins are wide because CI machines are shared: at a
 * load of 30 on 2 cores a woken reader took 200 ms to run again.
 */
#define WAIT_MS 1500
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "shmif/shmif.h"
#include "tests/lib/tap.h"

static char dir[512];

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

struct sleeper {
	struct shmif_bus *b;
	uint64_t took;          /* ms shmif_wait() slept */
	int ready;              /* drained the bus, about to sleep */
	pthread_t t;
};

static void *
sleep_once(void *arg)
{
	struct sleeper *s = arg;
	struct shmif_rxframe rx[4];
	uint64_t t0;

	while (shmif_recv(s->b, rx, 4) > 0)
		continue;
	t0 = now_ms();
	__atomic_store_n(&s->ready, 1, __ATOMIC_RELEASE);
	shmif_wait(s->b, WAIT_MS);
	s->took = now_ms() - t0;
	return NULL;
}

static struct shmif_bus *
attach(const char *path, uint64_t sender)
{
	/* No spin: the sleep must be a futex sleep from the start. */
	struct shmif_opts o = { .flags = SHMIF_CREATE, .sender = sender,
	    .spin_us = 1 };
	struct shmif_bus *b;
	char err[256];

	if (shmif_attach(path, &o, &b, err, sizeof(err)) != 0) {
		fprintf(stderr, "attach %s: %s\n", path, err);
		exit(1);
	}
	return b;
}

/*
 * On the bus at PATH: interface 1 (sending attachment tx, receiving rx1)
 * and interface 2 (receiving rx2).  Both receivers fall asleep, then tx
 * sends one frame.  *own and *other: how long rx1 and rx2 slept.
 */
static void
one_send(const char *path, uint64_t *own, uint64_t *other)
{
	static const uint8_t frame[60] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	struct shmif_bus *tx = attach(path, 0x1111), *rx1, *rx2;
	struct sleeper s1, s2;

	rx1 = attach(path, 0x1111);
	rx2 = attach(path, 0x2222);
	s1.b = rx1;
	s2.b = rx2;
	s1.ready = s2.ready = 0;
	pthread_create(&s1.t, NULL, sleep_once, &s1);
	pthread_create(&s2.t, NULL, sleep_once, &s2);
	/*
	 * Send only once both have drained the bus (a frame sent before a
	 * sleeper's drain is drained, and it sleeps its full WAIT_MS: a loaded
	 * machine did that), then give them time to fall asleep; a frame that
	 * comes before the futex sleep is unread data and returns at once.
	 */
	while (!__atomic_load_n(&s1.ready, __ATOMIC_ACQUIRE) ||
	    !__atomic_load_n(&s2.ready, __ATOMIC_ACQUIRE))
		usleep(1000);
	usleep(50000);
	shmif_send(tx, frame, sizeof(frame));
	pthread_join(s1.t, NULL);
	pthread_join(s2.t, NULL);
	*own = s1.took;
	*other = s2.took;
	shmif_detach(rx2);
	shmif_detach(rx1);
	shmif_detach(tx);
}

static int
woken(uint64_t ms) { return ms < 700; }

static int
slept(uint64_t ms) { return ms >= WAIT_MS - 100; }

/* Fill every slot of PATH.wake with PID and distinct senders. */
static void
fill_map(const char *path, pid_t pid)
{
	char w[600];
	uint8_t map[4096];
	int fd;

	snprintf(w, sizeof(w), "%s.wake", path);
	memset(map, 0, sizeof(map));
	memcpy(map, "lrwk", 4);
	for (int i = 0; i < 31; i++) {
		uint64_t sender = 0xdead0000u + (uint64_t)i;
		uint32_t p = (uint32_t)pid, refs = 1;

		memcpy(map + 32 + 32 * i, &sender, 8);
		memcpy(map + 32 + 32 * i + 8, &p, 4);
		memcpy(map + 32 + 32 * i + 12, &refs, 4);
	}
	if ((fd = open(w, O_WRONLY)) < 0 ||
	    pwrite(fd, map, sizeof(map), 0) != (ssize_t)sizeof(map)) {
		perror(w);
		exit(1);
	}
	close(fd);
}

static void
path_of(char *p, size_t len, const char *name)
{
	snprintf(p, len, "%s/%s", dir, name);
}

int
main(int argc, char **argv)
{
	char p[600], w[620];
	uint64_t own, other;
	struct stat sb;
	pid_t dead;

	if (argc != 2) {
		fprintf(stderr, "usage: test_bus_wake DIR\n");
		return 2;
	}
	snprintf(dir, sizeof(dir), "%s", argv[1]);
	tap_plan(12);

	/* Without a map: everybody wakes (the control: the test can tell). */
	path_of(p, sizeof(p), "plain");
	one_send(p, &own, &other);
	ok(woken(own) && woken(other), "no map: a send wakes the sender's "
	    "own receiver (%llu ms) and the other (%llu ms)",
	    (unsigned long long)own, (unsigned long long)other);

	/* With one. */
	path_of(p, sizeof(p), "mapped");
	ok(shmif_wakemap_create(p) == 0 && shmif_wakemap_create(p) == 0,
	    "shmif_wakemap_create makes the map, and again is no error");
	snprintf(w, sizeof(w), "%s.wake", p);
	ok(stat(w, &sb) == 0 && sb.st_size == 4096 && (sb.st_mode & 0777) == 0600,
	    "the map is 4096 bytes, mode 0600");
	one_send(p, &own, &other);
	ok(slept(own), "map: the sender's own receiver sleeps through its "
	    "send (%llu ms)", (unsigned long long)own);
	ok(woken(other), "map: the other interface's receiver is woken "
	    "(%llu ms)", (unsigned long long)other);
	one_send(p, &own, &other);
	ok(slept(own) && woken(other), "slots were freed on detach and taken "
	    "again (%llu / %llu ms)", (unsigned long long)own,
	    (unsigned long long)other);

	/* A map full of live processes: no slot, so no skipped wake-ups. */
	fill_map(p, getpid());
	one_send(p, &own, &other);
	ok(woken(own) && woken(other), "full map of live processes: "
	    "everybody is woken (%llu / %llu ms)", (unsigned long long)own,
	    (unsigned long long)other);

	/* A map full of dead processes: their slots are taken over. */
	if ((dead = fork()) == 0)
		_exit(0);
	waitpid(dead, NULL, 0);
	fill_map(p, dead);
	one_send(p, &own, &other);
	ok(slept(own) && woken(other), "map full of a dead process's slots: "
	    "taken over (%llu / %llu ms)", (unsigned long long)own,
	    (unsigned long long)other);

	/* Foreign magic: the map is not used. */
	{
		int fd = open(w, O_WRONLY);

		ok(fd >= 0 && pwrite(fd, "XXXX", 4, 0) == 4, "map magic "
		    "overwritten");
		if (fd >= 0)
			close(fd);
	}
	one_send(p, &own, &other);
	ok(woken(own) && woken(other), "foreign magic: the map is ignored, "
	    "everybody is woken (%llu / %llu ms)", (unsigned long long)own,
	    (unsigned long long)other);

	/* A map of the wrong size (an empty file) is not used, not grown. */
	path_of(p, sizeof(p), "empty");
	snprintf(w, sizeof(w), "%s.wake", p);
	close(open(w, O_RDWR | O_CREAT, 0600));
	one_send(p, &own, &other);
	ok(woken(own) && woken(other) && stat(w, &sb) == 0 && sb.st_size == 0,
	    "an empty .wake file is left alone and not used (%llu / %llu ms)",
	    (unsigned long long)own, (unsigned long long)other);

	/* A timed wait still times out (FUTEX_WAIT_BITSET's deadline is
	 * absolute). */
	path_of(p, sizeof(p), "timed");
	{
		struct shmif_bus *b;
		uint64_t t0;

		shmif_wakemap_create(p);
		b = attach(p, 0x3333);
		t0 = now_ms();
		shmif_wait(b, 200);
		t0 = now_ms() - t0;
		ok(t0 >= 190 && t0 < 1000, "a 200 ms wait on a bus with a map "
		    "takes 200 ms (%llu)", (unsigned long long)t0);
		shmif_detach(b);
	}
	return tap_done();
}
