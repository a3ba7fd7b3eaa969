/*
 * test_bus_foreign — writers that wake only by pwrite() (shmif/FORMAT.txt,
 * "Writers that only pwrite()"): a rumplab reader asleep in shmif_wait()
 * wakes within 150 ms of such a write (the frame's timestamp to the
 * wake-up), on a bus with a wake map and on one
 * without; on a bus with a map, rumplab writers make no pwrite() (no
 * inotify event) until such a writer has shown itself, and do after; the
 * directory's watcher role passes to another process when its holder is
 * killed, to one waiting in flock() (a thread) and to one whose loop
 * waits for SIGIO (event mode, as a node kernel's: shmif_watch_sigio()).
 *
 *   test_bus_foreign DIR NBPEER
 *
 * NBPEER is tests/shmif/nbpeer, which writes one gratuitous ARP request the
 * NetBSD way when started with `-t 0`.
 */
#include <sys/inotify.h>
#include <sys/time.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
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

/* The pid holding the flock() on DIR (/proc/locks), or 0. */
static pid_t
holder(const char *dir)
{
	unsigned maj, min;
	unsigned long long ino;
	char line[256], *p;
	struct stat sb;
	pid_t pid = 0;
	long v;
	FILE *f;

	if (stat(dir, &sb) != 0 || (f = fopen("/proc/locks", "r")) == NULL)
		return 0;
	while (pid == 0 && fgets(line, sizeof(line), f) != NULL)
		if (strstr(line, "->") == NULL &&
		    (p = strstr(line, " FLOCK ")) != NULL &&
		    sscanf(p, " FLOCK %*s %*s %ld %x:%x:%llu", &v, &maj, &min,
		    &ino) == 4 && ino == (unsigned long long)sb.st_ino &&
		    maj == major(sb.st_dev) && min == minor(sb.st_dev))
			pid = (pid_t)v;
	fclose(f);
	return pid;
}

static volatile sig_atomic_t sigios;

static void
on_sigio(int sig)
{
	(void)sig;
	sigios++;
}

/* A process in event mode: attach, say so on FD, then answer SIGIO. */
static void
event_child(const char *path, int fd)
{
	struct sigaction sa;
	sigset_t io, none;

	struct itimerval again = { { 0, 0 }, { 0, 10 * 1000 } };
	int r;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigio;
	sigaction(SIGIO, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	sigemptyset(&io);
	sigaddset(&io, SIGIO);
	sigaddset(&io, SIGALRM);
	sigprocmask(SIG_BLOCK, &io, &none);
	if (shmif_watch_events() < 0 || shmif_watch_sigio() != 0)
		_exit(1);
	attach(path, SHMIF_WAKEMAP);
	if (write(fd, "x", 1) != 1)
		_exit(1);
	for (;;) {
		sigsuspend(&none);
		/* as rump_server's loop: 2 asks for another look soon */
		while ((r = shmif_watch_dispatch()) == 1)
			continue;
		if (r == 2)
			setitimer(ITIMER_REAL, &again, NULL);
	}
}

/* Two processes in event mode: the first to attach holds the role; killed,
 * its FIFO's last writer goes, and the other hears it by SIGIO alone. */
static void
handover_events(const char *dir)
{
	char sub[600], path[700], c;
	int fds[2], i;
	pid_t a, b, h = 0;
	uint64_t t0;

	snprintf(sub, sizeof(sub), "%s/handover-events", dir);
	mkdir(sub, 0755);
	snprintf(path, sizeof(path), "%s/bus", sub);
	if (pipe(fds) < 0 || (a = fork()) < 0)
		exit(1);
	if (a == 0)
		event_child(path, fds[1]);
	if (read(fds[0], &c, 1) != 1 || (b = fork()) < 0)
		exit(1);
	if (b == 0)
		event_child(path, fds[1]);
	if (read(fds[0], &c, 1) != 1)
		exit(1);
	ok(holder(sub) == a, "event mode: the first process attached holds "
	    "the watcher's lock");
	kill(a, SIGKILL);
	waitpid(a, NULL, 0);
	t0 = real_us();
	for (i = 0; i < 1000 && (h = holder(sub)) != b; i++)
		usleep(1000);
	ok(h == b && real_us() - t0 < 150000, "event mode: its holder "
	    "killed, the other takes the lock on SIGIO (%llu ms)",
	    (unsigned long long)((real_us() - t0) / 1000));
	kill(b, SIGKILL);
	waitpid(b, NULL, 0);
	close(fds[0]);
	close(fds[1]);
}

/* A holder that keeps no FIFO open (one that cannot, or an older
 * rumplab): a waiter in event mode cannot hear it go, looks again every
 * 10 ms without sleeping in its loop, and takes the lock once it is free. */
static void
handover_nofifo(const char *dir)
{
	char sub[600], path[700], c;
	int fds[2], dfd, i;
	pid_t b, h = 0;
	uint64_t t0;

	snprintf(sub, sizeof(sub), "%s/handover-nofifo", dir);
	mkdir(sub, 0755);
	snprintf(path, sizeof(path), "%s/bus", sub);
	if ((dfd = open(sub, O_RDONLY | O_DIRECTORY)) < 0 ||
	    flock(dfd, LOCK_EX) != 0 || pipe(fds) < 0 || (b = fork()) < 0)
		exit(1);
	if (b == 0) {
		close(dfd);
		event_child(path, fds[1]);
	}
	if (read(fds[0], &c, 1) != 1)
		exit(1);
	usleep(50000);
	ok(holder(sub) == getpid(), "event mode: a holder without FIFOs keeps "
	    "the lock while the other waits");
	close(dfd);
	t0 = real_us();
	for (i = 0; i < 1000 && (h = holder(sub)) != b; i++)
		usleep(1000);
	ok(h == b && real_us() - t0 < 150000, "event mode: that holder gone, "
	    "the waiter takes the lock by looking again (%llu ms)",
	    (unsigned long long)((real_us() - t0) / 1000));
	kill(b, SIGKILL);
	waitpid(b, NULL, 0);
	close(fds[0]);
	close(fds[1]);
}

int
main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: test_bus_foreign DIR NBPEER\n");
		return 2;
	}
	nbpeer = argv[2];
	tap_plan(12);
	with_map(argv[1]);
	without_map(argv[1]);
	handover(argv[1]);
	handover_events(argv[1]);
	handover_nofifo(argv[1]);
	return tap_done();
}
