/*
 * test_bus_lost — a bus file cut under its attachments (shmif.h,
 * shmif_lost()): the process lives, sends and receives say -ENXIO, the
 * reason names the cut, a wait sleeps instead of spinning, the wake map
 * cut the same way harms nobody, and a bus made afresh at the path
 * attaches; a twin attachment (shmif_attach_twin()) reads the others'
 * frames and not its owner's through the owner's mapping, and is lost
 * with it; a SIGBUS outside the library's mappings still kills.
 *
 *   test_bus_lost DIR
 */
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "shmif/shmif.h"
#include "tests/lib/tap.h"

static struct shmif_bus *
attach(const char *path, uint32_t flags)
{
	struct shmif_opts o = { .flags = flags };
	struct shmif_bus *b;
	char err[512];

	if (shmif_attach(path, &o, &b, err, sizeof(err)) != 0) {
		diag("attach %s: %s", path, err);
		return NULL;
	}
	return b;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* In a child: a shared mapping of our own file, cut, then touched. */
static int
outside_dies(const char *dir)
{
	char path[600];
	volatile char *m;
	int fd, st;
	pid_t p;

	/* Not in the bus directory: this process's watcher thread would
	 * open the new file to see whether it is a bus, and race its cut. */
	snprintf(path, sizeof(path), "%s/plain.d", dir);
	(void)mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/plain.d/plain", dir);
	if ((p = fork()) == 0) {
		fd = open(path, O_RDWR | O_CREAT, 0600);
		if (fd < 0 || ftruncate(fd, 8192) < 0)
			_exit(3);
		m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (m == MAP_FAILED || ftruncate(fd, 0) < 0)
			_exit(3);
		m[4096] = 1;    /* SIGBUS, not ours to catch */
		_exit(0);
	}
	if (p < 0 || waitpid(p, &st, 0) != p)
		return 0;
	diag("the child ended: %s %d", WIFSIGNALED(st) ? "signal" : "exit",
	    WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
	/* Dead of SIGBUS, or of the sanitizer's report of it (abort). */
	return WIFSIGNALED(st) || (WIFEXITED(st) && WEXITSTATUS(st) != 0 &&
	    WEXITSTATUS(st) != 3);
}

int
main(int argc, char **argv)
{
	static const uint8_t frame[60] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	char path[512], why[1024], wake[600];
	struct shmif_rxframe rx[8];
	struct shmif_bus *w, *r;
	double t0;
	int n;

	if (argc != 2)
		tap_skip_all("usage: test_bus_lost DIR");
	tap_plan(17);
	snprintf(path, sizeof(path), "%s/lost", argv[1]);
	if (shmif_wakemap_create(path) != 0 ||
	    (w = attach(path, SHMIF_CREATE | SHMIF_WAKEMAP)) == NULL ||
	    (r = attach(path, SHMIF_SEEALL)) == NULL)
		return 1;
	ok(shmif_send(w, frame, sizeof(frame)) == 0 &&
	    shmif_recv(r, rx, 8) == 1 && shmif_lost(w, why, sizeof(why)) == 0,
	    "a frame crosses a whole bus, which is not lost");
	snprintf(wake, sizeof(wake), "%s.wake", path);
	if (truncate(path, 0) != 0 || truncate(wake, 0) != 0)
		return 1;
	ok(shmif_send(w, frame, sizeof(frame)) == -ENXIO,
	    "bus and wake map cut to 0 bytes: a send says -ENXIO, and we live");
	ok(shmif_recv(r, rx, 8) == -ENXIO, "a receive says -ENXIO");
	ok(shmif_lost(r, why, sizeof(why)) == -ENXIO &&
	    strstr(why, "cut to 0 bytes under its 1048576-byte mapping") != NULL,
	    "shmif_lost says why: %s", why);
	t0 = now();
	n = shmif_wait(r, 300);
	t0 = now() - t0;
	ok(n == 0 && t0 > 0.25,
	    "a wait on the lost bus sleeps its timeout (%.2f s), no spin", t0);
	ok(shmif_send(w, frame, sizeof(frame)) == -ENXIO &&
	    shmif_recv(r, rx, 8) == -ENXIO, "and stays lost");
	shmif_detach(w);
	shmif_detach(r);
	ok(1, "both detach");
	if ((w = attach(path, SHMIF_CREATE)) == NULL ||
	    (r = attach(path, SHMIF_SEEALL)) == NULL)
		return 1;
	ok(shmif_send(w, frame, sizeof(frame)) == 0 &&
	    shmif_recv(r, rx, 8) == 1, "the empty file made afresh carries frames");
	/* Without a wake map every batch pwrite()s the version word for
	 * NetBSD's readers: not to a file cut under us, which it would
	 * leave 8 bytes long, neither empty nor a bus. */
	{
		struct stat sb;
		int sent = -1;
		long long len = -1;

		if (truncate(path, 0) == 0)
			sent = shmif_send(w, frame, sizeof(frame));
		if (stat(path, &sb) == 0)
			len = (long long)sb.st_size;
		ok(sent == -ENXIO && len == 0, "a bus that wakes by pwrite(), "
		    "cut to 0: a send says -ENXIO and leaves it empty (%lld "
		    "bytes)", len);
	}
	shmif_detach(w);
	shmif_detach(r);
	if ((w = attach(path, SHMIF_CREATE)) == NULL ||
	    (r = attach(path, SHMIF_SEEALL)) == NULL)
		return 1;
	shmif_detach(w);
	shmif_detach(r);
	/* A twin: its owner's mapping, sender and loss. */
	{
		struct shmif_opts o = { .spin_us = 1 };
		struct shmif_bus *t = NULL, *t2 = NULL, *tt = NULL;
		char err[512] = "";
		int a, b, c;

		if ((w = attach(path, SHMIF_CREATE | SHMIF_WAKEMAP)) == NULL ||
		    (r = attach(path, 0)) == NULL)
			return 1;
		ok(shmif_attach_twin(w, &o, &t, err, sizeof(err)) == 0 &&
		    shmif_fd(t) == shmif_fd(w), "a twin shares its owner's "
		    "descriptor %s", err);
		a = shmif_send(r, frame, sizeof(frame)) == 0 ?
		    shmif_recv(t, rx, 8) : -1;
		b = shmif_send(w, frame, sizeof(frame)) == 0 ?
		    shmif_recv(t, rx, 8) : -1;
		c = shmif_recv(r, rx, 8);
		ok(a == 1 && b == 0 && c == 1, "it reads another's frame "
		    "(%d) and not its owner's (%d), which the other reads (%d)",
		    a, b, c);
		ok(shmif_attach_twin(t, &o, &tt, err, sizeof(err)) == 0,
		    "a twin of a twin %s", err);
		ok(truncate(path, 0) == 0 &&
		    shmif_send(w, frame, sizeof(frame)) == -ENXIO &&
		    shmif_recv(tt, rx, 8) == -ENXIO &&
		    shmif_recv(t, rx, 8) == -ENXIO &&
		    shmif_lost(t, why, sizeof(why)) == -ENXIO &&
		    strstr(why, "cut to 0 bytes") != NULL,
		    "cut under them, the twins are lost with their owner: %s",
		    why);
		err[0] = '\0';
		ok(shmif_attach_twin(w, &o, &t2, err, sizeof(err)) == -ENXIO &&
		    t2 == NULL && strstr(err, "cut to 0 bytes") != NULL,
		    "a twin of a lost attachment is refused: %s", err);
		shmif_detach(tt);
		shmif_detach(t);
		shmif_detach(w);
		shmif_detach(r);
		ok(1, "twin, owner and the other detach");
	}
	ok(truncate(path, 4096) == 0 && attach(path, 0) == NULL,
	    "a file cut to 4096 bytes is refused at attach");
	ok(outside_dies(argv[1]), "a SIGBUS outside the bus mappings still kills");
	return tap_failed != 0;
}
