/*
 * test_bus_foreign — writers that wake only by pwrite() (shmif/FORMAT.txt,
 * "Writers that only pwrite()"): a rumplab reader asleep in shmif_wait()
 * wakes within 150 ms of such a write (the frame's timestamp to the
 * wake-up), on a bus with a wake map and on one
 * without; on a bus with a map, rumplab writers make no pwrite() (no
 * inotify event) until such a writer has shown itself, and do after; the
 * directory's watcher role passes to another process when its holder is
 * killed.
 *
 *   test_bus_foreign DIR NBPEER
 *
 * NBPEER is tests/shmif/nbpeer, which writes one gratuitous ARP request the
 * NetBSD way when started with `-t 0`.
 */
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <stdint.h>

#include "shmif/shmif.h"
#include "tests/lib/tap.h"

static const char *nbpeer;

static struct shmif_bus *
attach(const char *path, uint32_t flags)
{
	struct shmif_opts o = { .flags = SHMIF_CREATE | flags, .spin_us = 1 };
	struct shmif_bus *b;
	char err[256];

	if (shmif_attach(path, &o, &b, err, sizeof(err)) != 0) {
		fprintf(stderr, "attach %s: %s\n", path, err);
		exit(1);
	}
	return b;
}

struct sleeper {
	struct shmif_bus *b;
	uint64_t took;          /* ms from the frame's timestamp to the wake */
	int got;
	pthread_t t;
};

static uint64_t
real_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* Sleep once (up to 3 s: the writer is a process still to be started),
 * then read what woke us. */
static void *
sleep_once(void *arg)
{
	struct sleeper *s = arg;
	struct shmif_rxframe rx[4];
	uint64_t woke;

	while (shmif_recv(s->b, rx, 4) > 0)
		continue;
	s->took = UINT64_MAX;
	if (shmif_wait(s->b, 3000) != 1)
		return NULL;
	woke = real_us();
	if ((s->got = shmif_recv(s->b, rx, 4)) > 0)
		s->took = (woke - ((uint64_t)rx[0].sec * 1000000 +
		    rx[0].usec)) / 1000;
	return NULL;
}

/* A NetBSD-style write to PATH while B's reader sleeps: ms from the write
 * to the reader's wake-up. */
static uint64_t
foreign_write(struct shmif_bus *b, const char *path, int *got)
{
	char cmd[1200];
	struct sleeper s = { .b = b };

	pthread_create(&s.t, NULL, sleep_once, &s);
	usleep(50000);
	snprintf(cmd, sizeof(cmd), "%s %s 10.9.9.9 -t 0", nbpeer, path);
	if (system(cmd) != 0)
		fprintf(stderr, "%s failed\n", cmd);
	pthread_join(s.t, NULL);
	*got = s.got;
	return s.took;
}

/* Does a send on TX make an inotify event on PATH? */
static int
send_pwrites(struct shmif_bus *tx, const char *path)
{
	static const uint8_t frame[60] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	char ev[1024];
	int in = inotify_init1(IN_CLOEXEC | IN_NONBLOCK), r;
	struct pollfd p = { .fd = in, .events = POLLIN };

	inotify_add_watch(in, path, IN_MODIFY);
	shmif_send(tx, frame, sizeof(frame));
	r = poll(&p, 1, 100) > 0 && read(in, ev, sizeof(ev)) > 0;
	close(in);
	return r;
}

static void
with_map(const char *dir)
{
	char path[600], wpath[610];
	struct shmif_bus *tx, *rx;
	uint64_t ms;
	int got;

	snprintf(path, sizeof(path), "%s/mapped", dir);
	tx = attach(path, SHMIF_WAKEMAP);
	rx = attach(path, 0);
	snprintf(wpath, sizeof(wpath), "%s.wake", path);
	ok(access(wpath, F_OK) == 0,
	    "SHMIF_WAKEMAP: a bus made by the attachment has its wake map");
	ok(!send_pwrites(tx, path),
	    "map, no foreign writer yet: a rumplab send makes no pwrite()");
	ms = foreign_write(rx, path, &got);
	ok(ms < 150 && got == 1, "map: a NetBSD-style write wakes the "
	    "rumplab reader (%llu ms, %d frame)", (unsigned long long)ms, got);
	ok(send_pwrites(tx, path),
	    "map, foreign writer seen: rumplab sends pwrite() for its readers");
	shmif_detach(rx);
	shmif_detach(tx);
}

static void
without_map(const char *dir)
{
	char path[600];
	struct shmif_bus *tx, *rx;
	uint64_t ms;
	int got;

	snprintf(path, sizeof(path), "%s/plain", dir);
	tx = attach(path, 0);
	rx = attach(path, 0);
	ok(send_pwrites(tx, path), "no map: every rumplab send pwrite()s");
	ms = foreign_write(rx, path, &got);
	ok(ms < 150 && got == 1, "no map: a NetBSD-style write wakes the "
	    "rumplab reader (%llu ms, %d frame)", (unsigned long long)ms, got);
	shmif_detach(rx);
	shmif_detach(tx);
}

/* A child attaches first and so watches the directory; killed, it hands
 * the role to our thread, which has been waiting in flock(). */
static void
handover(const char *dir)
{
	char sub[600], path[700];
	struct shmif_bus *rx;
	int fds[2], got;
	uint64_t ms;
	pid_t pid;
	char c;

	snprintf(sub, sizeof(sub), "%s/handover", dir);
	mkdir(sub, 0755);
	snprintf(path, sizeof(path), "%s/bus", sub);
	if (pipe(fds) < 0 || (pid = fork()) < 0)
		exit(1);
	if (pid == 0) {
		attach(path, SHMIF_WAKEMAP);
		usleep(100000);         /* its watcher has the lock */
		if (write(fds[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	if (read(fds[0], &c, 1) != 1)
		exit(1);
	rx = attach(path, 0);
	ms = foreign_write(rx, path, &got);
	ok(ms < 150 && got == 1, "the first process's watcher serves another "
	    "process's reader (%llu ms)", (unsigned long long)ms);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	usleep(100000);
	ms = foreign_write(rx, path, &got);
	ok(ms < 150 && got == 1, "its holder killed, the role passes to the "
	    "waiting process (%llu ms)", (unsigned long long)ms);
	shmif_detach(rx);
}

int
main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: test_bus_foreign DIR NBPEER\n");
		return 2;
	}
	nbpeer = argv[2];
	tap_plan(8);
	with_map(argv[1]);
	without_map(argv[1]);
	handover(argv[1]);
	return tap_done();
}
