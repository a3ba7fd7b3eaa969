/*
 * watch.c — hearing writers that wake their readers only by pwrite().
 *
 * NetBSD's shmif writer never touches the futex rumplab readers sleep on:
 * after a batch it pwrite()s the version word, and its own readers, asleep
 * in read() on an inotify watch of the bus file, wake for that (FORMAT.txt,
 * "Writers that only pwrite()").  A rumplab reader cannot sleep on a futex
 * and a file at once, so one thread somewhere watches for it and turns
 * each such write into a FUTEX_WAKE on the bus's `last` word; a futex in a
 * shared file mapping reaches every process's sleepers, so one watcher
 * serves every rumplab reader of the bus, whichever process it is in.
 *
 * The watch is on the bus's directory, not the file: one inotify instance
 * and one watch serve every bus of a lab (they share the lab's bus
 * directory), where one a node would exhaust the user's inotify instances
 * (fs.inotify.max_user_instances, 128 by default) long before a large lab
 * is up.  Who watches is settled with flock() on the directory: each
 * process that attaches to a bus there starts one thread for that
 * directory, which takes the lock (asleep until it is free) and then
 * watches.  When the watching process exits its lock goes, and one of the
 * waiting threads takes over; nobody polls.
 *
 * The watcher decides per event from the bus's wake map whether the write
 * was one rumplab already woke for (`published` equals `last` + 1); if
 * not, it marks the map `foreign`, which makes rumplab writers pwrite()
 * from then on for the foreign writer's readers, and wakes every futex
 * sleeper.  On a bus without a map every event wakes the sleepers.
 *
 * A process with an event loop of its own (a node kernel: see
 * shmif_watch_events() in shmif.h) takes part without a thread: it tries
 * the lock without waiting; the holder's inotify descriptor, or for the
 * others the read end of a FIFO in the directory (one of WATCH_SHARDS,
 * by pid), goes into an epoll set the loop polls.  The holder keeps every
 * FIFO open for writing, so that its exit is each one's last writer
 * going: the readers see POLLHUP, and with shmif_watch_sigio() get SIGIO
 * (a node's loop sleeps in futex_waitv(), which no descriptor can wake:
 * netcomp/netloop.c), and try the lock again.  Shards, because Linux
 * keeps a FIFO's SIGIO readers in a list it walks at every insertion: with
 * one FIFO, 10,000 nodes spent 4 % of their `up` in fasync_insert_entry(),
 * with 16 0.9 %.  Where the FIFO cannot be made, a pidfd of the holder
 * (found in /proc/locks) does the same but for SIGIO.  A lab of 10,000
 * nodes in one directory so costs 10,000 descriptors and no thread, where
 * one thread a node asleep in flock() was one task of the 32,768 pid_max
 * allows.
 *
 * Threads: the list of directories is under dirs_lk; each watcher thread
 * owns its directory's state, and in event mode ev_lk guards every
 * directory's.  Watcher threads block every signal but SIGBUS.
 */
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <linux/futex.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "shmif/shmif.h"
#include "shmif/wakemap.h"

#define WATCH_STACK  (256 * 1024)
#define WATCH_FIFO   ".watcher%02d"     /* in the bus directory */
#define WATCH_SHARDS 64
#define WATCH_BUSES  1024               /* buses cached per directory */
#define LOAD(p)      __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define STORE(p, v)  __atomic_store_n((p), (v), __ATOMIC_RELEASE)

/* One bus file of the watched directory, mapped for its header. */
struct wbus {
	struct wbus *next;
	uint8_t *hdr;                   /* first page, read-only */
	struct wakemap *wm;             /* its wake map if ours, or NULL */
	struct shmif_guard hg, wg;      /* of hdr and wm (wakemap.h) */
	char name[NAME_MAX + 1];
};

/* One directory this process takes part in watching. */
struct wdir {
	struct wdir *next;
	dev_t dev;
	ino_t ino;
	char path[PATH_MAX];
	/* Its watcher's (thread mode), or under ev_lk (event mode): */
	int dfd;                        /* the directory, flock()ed */
	int in;                         /* inotify, when the lock is ours */
	int life[WATCH_SHARDS];         /* the FIFOs written, while ours */
	int wait;                       /* our FIFO read, while we wait */
	int retry, retries;             /* no holder wrote it: look again */
	int pidfd;                      /* the holder's, without the FIFO */
	struct wbus *list;              /* the buses heard of */
	unsigned n;
};

static pthread_mutex_t dirs_lk = PTHREAD_MUTEX_INITIALIZER;
static struct wdir *dirs;               /* dirs_lk */

static pthread_mutex_t ev_lk = PTHREAD_MUTEX_INITIALIZER;
static int ev_fd = -1;                  /* the epoll set; -1: thread mode */
static int ev_sigio;                    /* ev_lk: its members raise SIGIO */

/* A descriptor that raises SIGIO when it has something (O_ASYNC): an
 * inotify descriptor or a FIFO does; a pidfd cannot. */
static int
set_sigio(int fd)
{
	int fl;

	if (fcntl(fd, F_SETOWN, getpid()) != 0 ||
	    (fl = fcntl(fd, F_GETFL)) < 0 ||
	    fcntl(fd, F_SETFL, fl | O_ASYNC) != 0)
		return -errno;
	return 0;
}

static void
close_fd(int *fd)
{
	if (*fd >= 0) {
		close(*fd);
		*fd = -1;
	}
}

/* ev_lk held: *fd out of the epoll set, closed. */
static void
ev_drop(int *fd)
{
	if (*fd >= 0)
		epoll_ctl(ev_fd, EPOLL_CTL_DEL, *fd, NULL);
	close_fd(fd);
}

static void wdir_forget(struct wdir *d);

/* ev_lk held: d out of the epoll set, and forgotten. */
static void
ev_forget(struct wdir *d)
{
	if (d->in >= 0)
		epoll_ctl(ev_fd, EPOLL_CTL_DEL, d->in, NULL);
	ev_drop(&d->wait);
	ev_drop(&d->pidfd);
	wdir_forget(d);
}

/* ev_lk held: fd into the epoll set, for d. */
static int
ev_add(int fd, struct wdir *d)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = d };

	if (ev_sigio && set_sigio(fd) != 0)
		return -errno;
	if (epoll_ctl(ev_fd, EPOLL_CTL_ADD, fd, &ev) < 0)
		return -errno;
	return 0;
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Map the header page of DIR/NAME if it is a shmif bus; NULL if not. */
static struct wbus *
wbus_open(const struct wdir *d, int dfd, const char *name)
{
	char path[PATH_MAX + NAME_MAX + 2];
	struct wbus *e;
	struct stat sb;
	void *m;
	int fd;

	if ((fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return NULL;
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) ||
	    sb.st_size < (off_t)WM_SIZE + 1) {
		close(fd);
		return NULL;
	}
	if ((e = calloc(1, sizeof(*e))) == NULL) {
		close(fd);
		return NULL;
	}
	m = mmap(NULL, WM_SIZE, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (m == MAP_FAILED) {
		free(e);
		return NULL;
	}
	/* The file may be cut short any time (bus.c, the mapping guard). */
	if (guard_add(&e->hg, m, WM_SIZE) < 0 ||
	    LOAD((uint32_t *)m) != SHMIF_MAGIC) {
		guard_del(&e->hg);
		munmap(m, WM_SIZE);
		free(e);
		return NULL;
	}
	e->hdr = m;
	snprintf(e->name, sizeof(e->name), "%s", name);
	snprintf(path, sizeof(path), "%s/%s", d->path, name);
	e->wm = wm_open(path, &e->wg);
	return e;
}

static void
wbus_close(struct wbus *e)
{
	if (e->wm != NULL) {
		guard_del(&e->wg);
		munmap(e->wm, WM_SIZE);
	}
	guard_del(&e->hg);
	munmap(e->hdr, WM_SIZE);
	free(e);
}

/* Drop e from d's cache (its file was cut: a remade one is mapped anew). */
static void
wbus_forget(struct wdir *d, struct wbus *e)
{
	struct wbus **pp;

	for (pp = &d->list; *pp != NULL; pp = &(*pp)->next)
		if (*pp == e) {
			*pp = e->next;
			d->n--;
			break;
		}
	wbus_close(e);
}

/*
 * A write to DIR/NAME was signalled.  Wake the bus's futex sleepers unless
 * a rumplab writer did already for the newest record; a write rumplab did
 * not wake for marks the map foreign.
 */
static void
heard(struct wdir *d, const char *name)
{
	struct wbus *e;
	uint32_t *last, pub;
	int cached = 1;

	if (ends_with(name, ".wake"))
		return;
	for (e = d->list; e != NULL; e = e->next)
		if (strcmp(e->name, name) == 0)
			break;
	if (e == NULL) {
		if ((e = wbus_open(d, d->dfd, name)) == NULL)
			return;
		if (d->n < WATCH_BUSES) {
			e->next = d->list;
			d->list = e;
			d->n++;
		} else
			cached = 0;
	}
	last = (uint32_t *)(void *)(e->hdr + SHMIF_OFF_LAST);
	if (e->wm != NULL) {
		pub = LOAD(&e->wm->published);
		if (pub == LOAD(last) + 1)
			goto out;
		if (pub == 0 && LOAD(last) == 0)
			goto out;       /* a new, empty ring being sized */
		if (!LOAD(&e->wm->foreign))
			STORE(&e->wm->foreign, 1);
	}
	syscall(SYS_futex, last, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
out:
	if (!cached)
		wbus_close(e);
	else if (LOAD(&e->hg.lost) || (e->wm != NULL && LOAD(&e->wg.lost)))
		wbus_forget(d, e);
}

/* Is PATH still the directory we locked (a lab may be made anew under
 * the same name once the old one is gone)? */
static int
same_dir(const struct wdir *d)
{
	struct stat sb;

	return stat(d->path, &sb) == 0 && sb.st_dev == d->dev &&
	    sb.st_ino == d->ino;
}

/* The events read from d->in: 1 when the directory went (stop watching). */
static int
handle_events(struct wdir *d, const char *buf, ssize_t got)
{
	const struct inotify_event *ev;
	int done = 0;

	for (const char *p = buf; p < buf + got; p += sizeof(*ev) + ev->len) {
		ev = (const struct inotify_event *)(const void *)p;
		if (ev->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF |
		    IN_UNMOUNT))
			done = 1;
		else if ((ev->mask & IN_MODIFY) && ev->len > 0)
			heard(d, ev->name);
	}
	return done;
}

#define EVBUF_SIZE (16 * (sizeof(struct inotify_event) + NAME_MAX + 1))

static void
watch_loop(struct wdir *d)
{
	char buf[EVBUF_SIZE]
	    __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t got;

	for (;;) {
		if ((got = read(d->in, buf, sizeof(buf))) <= 0) {
			if (got < 0 && errno == EINTR)
				continue;
			break;
		}
		if (handle_events(d, buf, got))
			break;
	}
}

/* The lock is ours: watch the directory (0), or -errno. */
static int
become_watcher(struct wdir *d, int flags)
{
	if (!same_dir(d))
		return -ENOENT;
	if ((d->in = inotify_init1(IN_CLOEXEC | flags)) < 0)
		return -errno;
	if (inotify_add_watch(d->in, d->path, IN_MODIFY | IN_DELETE_SELF |
	    IN_MOVE_SELF | IN_ONLYDIR) < 0) {
		close(d->in);
		d->in = -1;
		return -errno;
	}
	return 0;
}

/*
 * FIFO number K of d's directory, made if missing, opened with FLAGS
 * (never blocking); -1 if it cannot be.  Whoever holds the watcher's lock
 * keeps them all open for writing: so the holder's exit is each FIFO's
 * last writer going, which a reader hears (SIGIO with O_ASYNC; POLLHUP,
 * for writers opened after the reader).  A pidfd could say that too, but
 * raises no SIGIO.
 */
static int
fifo_open(const struct wdir *d, int k, int flags)
{
	char name[32];
	struct stat sb;
	int fd, tries;

	snprintf(name, sizeof(name), WATCH_FIFO, k);
	for (tries = 0; tries < 2; tries++) {
		if ((fd = openat(d->dfd, name, flags | O_NONBLOCK |
		    O_CLOEXEC | O_NOFOLLOW)) >= 0)
			break;
		if (errno != ENOENT || (mkfifoat(d->dfd, name, 0666) < 0 &&
		    errno != EEXIST))
			return -1;
	}
	if (fd < 0)
		return -1;
	if (fstat(fd, &sb) != 0 || !S_ISFIFO(sb.st_mode)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The lock is ours: write every FIFO, so that readers hear us go. */
static void
hold_fifos(struct wdir *d)
{
	int k;

	for (k = 0; k < WATCH_SHARDS; k++)
		if (d->life[k] < 0)
			d->life[k] = fifo_open(d, k, O_RDWR);
}

/* Close what d holds and drop it from the list (a later attachment may
 * join the directory again). */
static void
wdir_forget(struct wdir *d)
{
	struct wdir **pp;
	struct wbus *e;

	while ((e = d->list) != NULL) {
		d->list = e->next;
		wbus_close(e);
	}
	if (d->in >= 0)
		close(d->in);
	for (int k = 0; k < WATCH_SHARDS; k++)
		if (d->life[k] >= 0)
			close(d->life[k]);
	if (d->wait >= 0)
		close(d->wait);
	if (d->pidfd >= 0)
		close(d->pidfd);
	if (d->dfd >= 0)
		close(d->dfd);
	pthread_mutex_lock(&dirs_lk);
	for (pp = &dirs; *pp != NULL; pp = &(*pp)->next)
		if (*pp == d) {
			*pp = d->next;
			break;
		}
	pthread_mutex_unlock(&dirs_lk);
	free(d);
}

/* One directory's thread: wait for the watcher's lock, then watch until
 * the directory goes.  Without inotify (the user's instances used up) it
 * gives the lock up to whoever waits next. */
static void *
watch_thread(void *arg)
{
	struct wdir *d = arg;

	if ((d->dfd = open(d->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		goto out;
	while (flock(d->dfd, LOCK_EX) < 0)
		if (errno != EINTR)
			goto out;
	hold_fifos(d);
	if (become_watcher(d, 0) == 0)
		watch_loop(d);
out:
	wdir_forget(d);
	return NULL;
}

/* ---- event mode ---- */

/* The pid holding the watcher's lock on d (/proc/locks: "N: FLOCK
 * ADVISORY WRITE PID MAJ:MIN:INO 0 EOF", waiters marked "->"); 0 when
 * nobody does. */
static pid_t
lock_holder(const struct wdir *d)
{
	char line[256];
	unsigned maj, min;
	uintmax_t ino;
	pid_t pid = 0;
	long p;
	FILE *f;

	if ((f = fopen("/proc/locks", "re")) == NULL)
		return 0;
	while (pid == 0 && fgets(line, sizeof(line), f) != NULL) {
		if (strstr(line, "->") != NULL ||
		    strstr(line, " FLOCK ") == NULL)
			continue;
		if (sscanf(strstr(line, " FLOCK "), " FLOCK %*s %*s %ld "
		    "%x:%x:%ju", &p, &maj, &min, &ino) == 4 &&
		    maj == major(d->dev) && min == minor(d->dev) &&
		    ino == (uintmax_t)d->ino)
			pid = (pid_t)p;
	}
	fclose(f);
	return pid;
}

/* ev_lk held: the lock is ours: watch. */
static int
ev_hold(struct wdir *d)
{
	d->retries = 0;
	hold_fifos(d);
	if (become_watcher(d, IN_NONBLOCK) != 0)
		return -ENOENT;
	return ev_add(d->in, d);
}

/* ev_lk held: take the lock and watch, or wait on a pidfd of the holder
 * (where no FIFO can say it went). */
static int
ev_pidfd(struct wdir *d)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = d };
	pid_t pid;
	int tries, fd;

	for (tries = 0; tries < 8; tries++) {
		if (flock(d->dfd, LOCK_EX | LOCK_NB) == 0)
			return ev_hold(d);
		if (errno != EWOULDBLOCK && errno != EINTR)
			return -errno;
		if ((pid = lock_holder(d)) <= 0)
			continue;       /* just released: try again */
		if ((fd = (int)syscall(SYS_pidfd_open, pid, 0)) < 0) {
			if (errno == ESRCH)
				continue;
			return -errno;
		}
		/* The pid may have been a holder's that has gone since (and
		 * reused): only a lock still held after the pidfd was taken
		 * is that process's. */
		if (flock(d->dfd, LOCK_EX | LOCK_NB) == 0) {
			close(fd);
			return ev_hold(d);
		}
		if (lock_holder(d) != pid) {
			close(fd);
			continue;
		}
		d->pidfd = fd;
		if (epoll_ctl(ev_fd, EPOLL_CTL_ADD, fd, &ev) < 0)
			return -errno;
		return 0;
	}
	return -EAGAIN;
}

#define HOLDER_TRIES	10	/* a millisecond apart */
#define HOLDER_RETRIES	100	/* with SIGIO: shmif_watch_dispatch()s */

/*
 * ev_lk held: take the lock and watch, or wait on our FIFO for the
 * holder to go.  0, or -errno when this process cannot take part (d is
 * then forgotten by the caller).
 */
static int
ev_step(struct wdir *d)
{
	struct timespec ms = { 0, 1000 * 1000 };
	struct pollfd p;
	int k = getpid() % WATCH_SHARDS, rd, wr, i, r;

	for (i = 0;; i++) {
		/* The reader first: it hears only writers opened after it. */
		rd = fifo_open(d, k, O_RDONLY);
		wr = rd >= 0 ? fifo_open(d, k, O_WRONLY) : -1;
		if (flock(d->dfd, LOCK_EX | LOCK_NB) == 0) {
			close_fd(&rd);
			close_fd(&wr);
			return ev_hold(d);
		}
		if (errno != EWOULDBLOCK && errno != EINTR) {
			r = -errno;
			close_fd(&rd);
			close_fd(&wr);
			return r;
		}
		if (rd < 0 || wr < 0)
			break;
		/* Our writer goes first, then the reader is armed: armed
		 * before, it would hear our own writer go (a SIGIO to itself
		 * when no holder writes the FIFO).  A holder gone in between
		 * is seen by the poll below (POLLHUP: our writer came after
		 * the reader). */
		close_fd(&wr);
		if ((r = ev_add(rd, d)) != 0) {
			close_fd(&rd);
			return r;
		}
		p.fd = rd;
		p.events = POLLIN;
		if (poll(&p, 1, 0) == 0 || !(p.revents & POLLHUP)) {
			d->wait = rd;
			d->retries = 0;
			return 0;
		}
		/* No writer was there but ours: the holder has not opened
		 * the FIFOs yet, or cannot (another user's); after a few
		 * tries, the pidfd. */
		ev_drop(&rd);
		if (ev_sigio) {
			/* A loop woken by signals must not sleep here (it is
			 * the node's network loop): it is asked to come back
			 * (shmif_watch_dispatch() returns 2). */
			if (++d->retries > HOLDER_RETRIES)
				break;
			d->retry = 1;
			return 0;
		}
		if (i == HOLDER_TRIES)
			break;
		nanosleep(&ms, NULL);
	}
	close_fd(&rd);
	close_fd(&wr);
	return ev_pidfd(d);
}

int
shmif_watch_events(void)
{
	pthread_mutex_lock(&ev_lk);
	if (ev_fd < 0)
		ev_fd = epoll_create1(EPOLL_CLOEXEC);
	pthread_mutex_unlock(&ev_lk);
	return ev_fd < 0 ? -errno : ev_fd;
}

int
shmif_watch_sigio(void)
{
	struct wdir *d;
	int error = 0;

	pthread_mutex_lock(&ev_lk);
	if (ev_fd < 0)
		error = -EINVAL;
	else if (!ev_sigio) {
		ev_sigio = 1;
		pthread_mutex_lock(&dirs_lk);
		for (d = dirs; d != NULL && error == 0; d = d->next)
			if (d->in >= 0 || d->wait >= 0)
				error = set_sigio(d->in >= 0 ? d->in : d->wait);
		pthread_mutex_unlock(&dirs_lk);
	}
	pthread_mutex_unlock(&ev_lk);
	return error;
}

int
shmif_watch_dispatch(void)
{
	char buf[EVBUF_SIZE]
	    __attribute__((aligned(__alignof__(struct inotify_event))));
	struct epoll_event evs[16];
	struct wdir *d, *todo[16];
	ssize_t got;
	int n, i, k, gone, again = 0;

	pthread_mutex_lock(&ev_lk);
	n = ev_fd < 0 ? 0 : epoll_wait(ev_fd, evs, 16, 0);
	for (i = 0; i < n; i++) {
		d = evs[i].data.ptr;
		gone = 0;
		if (d->in >= 0) {
			while ((got = read(d->in, buf, sizeof(buf))) > 0)
				if (handle_events(d, buf, got))
					gone = 1;
			if (got == 0 || (got < 0 && errno != EAGAIN &&
			    errno != EINTR))
				gone = 1;
		} else if (d->wait >= 0 || d->pidfd >= 0) {
			/* The holder exited: try for the lock again. */
			ev_drop(&d->wait);
			ev_drop(&d->pidfd);
			gone = !same_dir(d) || ev_step(d) != 0;
		}
		if (gone)
			ev_forget(d);
	}
	/* The directories whose holder did not write our FIFO yet. */
	k = 0;
	pthread_mutex_lock(&dirs_lk);
	for (d = dirs; d != NULL && k < 16; d = d->next)
		if (d->retry)
			todo[k++] = d;
	pthread_mutex_unlock(&dirs_lk);
	for (i = 0; i < k; i++) {
		d = todo[i];
		d->retry = 0;
		if (!same_dir(d) || ev_step(d) != 0)
			ev_forget(d);
		else if (d->retry)
			again = 2;
	}
	pthread_mutex_unlock(&ev_lk);
	return again ? again : n == 16;
}

/* The directory of the bus at BUSPATH, as given. */
static int
bus_dir(const char *buspath, char out[PATH_MAX])
{
	char *slash;

	if (snprintf(out, PATH_MAX, "%s", buspath) >= PATH_MAX)
		return -ENAMETOOLONG;
	if ((slash = strrchr(out, '/')) == NULL)
		snprintf(out, PATH_MAX, ".");
	else if (slash == out)
		out[1] = '\0';
	else
		*slash = '\0';
	return 0;
}

void
watch_join(const char *buspath)
{
	sigset_t all, old;
	pthread_attr_t at;
	pthread_t th;
	struct wdir *d, *p;
	struct stat sb;
	char dir[PATH_MAX];

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return;
	d->dfd = d->in = d->wait = d->pidfd = -1;
	for (int k = 0; k < WATCH_SHARDS; k++)
		d->life[k] = -1;
	/* Known by its identity; its real path (six readlink()s) only
	 * when it is new. */
	if (bus_dir(buspath, dir) < 0 || stat(dir, &sb) < 0) {
		free(d);
		return;
	}
	d->dev = sb.st_dev;
	d->ino = sb.st_ino;
	pthread_mutex_lock(&dirs_lk);
	for (p = dirs; p != NULL; p = p->next)
		if (p->dev == d->dev && p->ino == d->ino)
			break;
	/* The identity of the path found, should it have been renamed
	 * meanwhile. */
	if (p != NULL || realpath(dir, d->path) == NULL ||
	    stat(d->path, &sb) < 0 || sb.st_dev != d->dev ||
	    sb.st_ino != d->ino) {
		pthread_mutex_unlock(&dirs_lk);
		free(d);
		return;
	}
	d->next = dirs;
	dirs = d;
	pthread_mutex_unlock(&dirs_lk);

	pthread_mutex_lock(&ev_lk);
	if (ev_fd >= 0) {
		if ((d->dfd = open(d->path, O_RDONLY | O_DIRECTORY |
		    O_CLOEXEC)) < 0 || ev_step(d) != 0) {
			ev_forget(d);
		} else if (d->retry)
			/* for the loop's dispatch, which only a signal calls */
			kill(getpid(), SIGIO);
		pthread_mutex_unlock(&ev_lk);
		return;
	}
	pthread_mutex_unlock(&ev_lk);

	/* Every signal blocked but SIGBUS: a bus header it reads may be cut
	 * short, and a fault's signal blocked kills the process, passing by
	 * the mapping guard (bus.c). */
	sigfillset(&all);
	sigdelset(&all, SIGBUS);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pthread_attr_init(&at);
	pthread_attr_setstacksize(&at, WATCH_STACK);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&th, &at, watch_thread, d) != 0)
		wdir_forget(d);
	pthread_attr_destroy(&at);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}
