/*
 * uplink.c — the uplink process (lab/uplink.h, formats in lab/UPLINK.txt):
 * one shmif bus joined to VDE connections.
 *
 * Two threads.  The bus's reader (lab/buspump.h) sleeps on the bus's
 * futex and sends each batch of frames on every connection.  This
 * thread poll()s the connections' descriptors and a signalfd, writes
 * what they bring onto the bus a batch at a time (it polls again
 * without waiting while frames come, so a burst is one bus write), and
 * wakes on its own only for the next heartbeat or the moment a peer
 * would be lost: idle, an uplink wakes once a second, plus once per
 * heartbeat of each peer.  No frame is allocated: the batch's buffers
 * are made once.
 *
 * Sharing: each connection's calls into libvdeplug are made under its
 * mutex, for a module is not made for two threads (vxvde's table of
 * peers changes as it receives while a send reads it).  Its state is
 * written by this thread and read by the reader; its out and lost
 * counters are the reader's, its in counters this thread's; all are
 * read here for the stats file (atomics).
 */
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>

#include <errno.h>
#include <libvdeplug.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lab/buspump.h"
#include "lab/uplink.h"

#define FRAME_BUF	VDE_ETHBUFSIZE	/* the largest frame VDE carries */
#define LOAD(p)		__atomic_load_n((p), __ATOMIC_RELAXED)
#define STORE(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define ADD(p, v)	__atomic_add_fetch((p), (v), __ATOMIC_RELAXED)

struct conn {
	VDECONN		*vc;
	const char	*url;
	int		 fd, ctlfd;	/* vde_datafd(), vde_ctlfd() or -1 */
	pthread_mutex_t	 lk;		/* around every call into vc */
	int		 state;		/* enum uplink_state */
	uint64_t	 heard;		/* ms of its last heartbeat */
	uint64_t	 out_frames, out_bytes, lost;	/* the reader's */
	uint64_t	 in_frames, in_bytes;		/* this thread's */
};

struct uplink {
	const struct uplink_spec *spec;
	struct buspump	 bus;
	uint32_t	 max_frame;
	struct conn	*c;
	int		 nc;
	int		 sigfd;
	uint64_t	 seq;		/* of the next heartbeat */
	/* Frames from the connections, for the next bus write. */
	uint8_t		(*buf)[FRAME_BUF];
	struct shmif_txframe tf[BUSPUMP_BATCH];
	int		 n;
	struct pollfd	*pfd;		/* the signalfd, then per connection
					 * its data and its control fd */
	struct uplink_stats *now, *shown;	/* the stats file's lines */
	bool		 stats_failed;	/* said once */
};

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* "uplink BUS: URL: what"; 1, the exit status. */
static int __attribute__((format(printf, 3, 4)))
fail(const struct uplink *u, const struct conn *c, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "uplink %s: ", u->spec->bus);
	if (c != NULL)
		fprintf(stderr, "%s: ", c->url);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

/* --- the bus to the connections (the reader's thread) ------------------ */

static void
bus_out(void *arg, const struct shmif_rxframe *f, int n)
{
	struct uplink *u = arg;
	uint64_t frames, bytes, lost;
	struct conn *c;
	ssize_t sent;
	bool gone;
	int k, i;

	for (k = 0; k < u->nc; k++) {
		c = &u->c[k];
		gone = LOAD(&c->state) == UPLINK_LOST;
		frames = bytes = lost = 0;
		for (i = 0; i < n; i++) {
			/* Heartbeats are the uplinks' own: a node's is not
			 * passed on. */
			if (uplink_hb_parse(f[i].data, f[i].len, NULL) != 0)
				continue;
			/* A frame at a time: a receive waits for one send,
			 * not for the batch. */
			pthread_mutex_lock(&c->lk);
			sent = vde_send(c->vc, f[i].data, f[i].len, 0);
			pthread_mutex_unlock(&c->lk);
			if (sent == (ssize_t)f[i].len && !gone) {
				frames++;
				bytes += f[i].len;
			} else
				lost++;
		}
		ADD(&c->out_frames, frames);
		ADD(&c->out_bytes, bytes);
		ADD(&c->lost, lost);
	}
}

/* --- the connections to the bus ------------------------------------------ */

static int
flush(struct uplink *u)
{
	char why[300];
	int r;

	if (u->n == 0)
		return 0;
	r = shmif_sendv(u->bus.tx, u->tf, (unsigned)u->n);
	u->n = 0;
	if (r == -ENXIO) {
		(void)shmif_lost(u->bus.tx, why, sizeof(why));
		return fail(u, NULL, "%s", why);
	}
	return 0;			/* -EIO: the ring could not take it */
}

/*
 * An error the network reports about a peer: a connected UDP socket
 * (libvdeplug_udp's) reads the ICMP port unreachable a send to a peer
 * not (yet) listening brings.  Its heartbeats, not this, say whether it
 * is there.
 */
static bool
unreachable(int e)
{
	return e == ECONNREFUSED || e == EHOSTUNREACH || e == ENETUNREACH ||
	    e == EHOSTDOWN || e == ENETDOWN;
}

/* One frame from connection c, which poll() says has one. */
static int
take(struct uplink *u, struct conn *c, uint64_t now)
{
	uint8_t *b = u->buf[u->n];
	ssize_t len;
	int hb;

	pthread_mutex_lock(&c->lk);
	len = vde_recv(c->vc, b, FRAME_BUF, 0);
	pthread_mutex_unlock(&c->lk);
	if (len < 0) {
		if (unreachable(errno) || errno == EAGAIN || errno == EINTR)
			return 0;
		return fail(u, c, "receiving: %s", strerror(errno));
	}
	if ((hb = uplink_hb_parse(b, (size_t)len, NULL)) == 1) {
		c->heard = now;
		STORE(&c->state, UPLINK_UP);
		return 0;
	}
	if (hb != 0 || (size_t)len > u->max_frame)
		return 0;		/* not for the bus */
	u->tf[u->n].data = b;
	u->tf[u->n].len = (uint32_t)len;
	u->n++;
	c->in_frames++;
	c->in_bytes += (uint64_t)len;
	return u->n == BUSPUMP_BATCH ? flush(u) : 0;
}

/* --- heartbeats, lost peers, the stats file ------------------------------ */

static void
snapshot(struct uplink *u)
{
	struct uplink_stats *s;
	struct conn *c;
	int k;

	for (k = 0; k < u->nc; k++) {
		c = &u->c[k];
		s = &u->now[k];
		s->state = (enum uplink_state)LOAD(&c->state);
		s->out_frames = LOAD(&c->out_frames);
		s->out_bytes = LOAD(&c->out_bytes);
		s->lost = LOAD(&c->lost);
		s->in_frames = c->in_frames;
		s->in_bytes = c->in_bytes;
	}
}

static bool
same(const struct uplink_stats *a, const struct uplink_stats *b)
{
	return a->state == b->state && a->out_frames == b->out_frames &&
	    a->out_bytes == b->out_bytes && a->in_frames == b->in_frames &&
	    a->in_bytes == b->in_bytes && a->lost == b->lost;
}

/* Rewrite the stats file if something changed (or always, with force). */
static int
show(struct uplink *u, bool force)
{
	int k, r;

	if (u->spec->stats == NULL)
		return 0;
	snapshot(u);
	for (k = 0; k < u->nc && !force; k++)
		if (!same(&u->now[k], &u->shown[k]))
			force = true;
	if (!force)
		return 0;
	if ((r = uplink_stats_write(u->spec->stats, u->now, u->nc)) != 0)
		return r;
	memcpy(u->shown, u->now, (size_t)u->nc * sizeof(*u->now));
	return 0;
}

/* Every second: the bus still whole, a heartbeat out, the stats file. */
static int
tick(struct uplink *u)
{
	uint8_t hb[UPLINK_HB_LEN];
	char why[300];
	int k, r;

	if (shmif_lost(u->bus.tx, why, sizeof(why)) != 0)
		return fail(u, NULL, "%s", why);
	uplink_hb_make(hb, shmif_sender(u->bus.tx), u->seq++);
	for (k = 0; k < u->nc; k++) {
		/* One that cannot go is one a peer misses. */
		pthread_mutex_lock(&u->c[k].lk);
		(void)vde_send(u->c[k].vc, hb, sizeof(hb), 0);
		pthread_mutex_unlock(&u->c[k].lk);
	}
	if ((r = show(u, false)) != 0 && !u->stats_failed) {
		fail(u, NULL, "the stats file %s: %s (the uplink goes on)",
		    u->spec->stats, strerror(-r));
		u->stats_failed = true;
	}
	return 0;
}

/* Peers not heard for UPLINK_LOST_MS are lost; how long until the next
 * would be, or until `next` (the next heartbeat), whichever is sooner. */
static int
expire(struct uplink *u, uint64_t now, uint64_t next)
{
	uint64_t due;
	int k;

	for (k = 0; k < u->nc; k++) {
		if (LOAD(&u->c[k].state) != UPLINK_UP)
			continue;
		due = u->c[k].heard + UPLINK_LOST_MS;
		if (now >= due)
			STORE(&u->c[k].state, UPLINK_LOST);
		else if (due < next)
			next = due;
	}
	return next > now ? (int)(next - now) : 0;
}

/* --- the loop -------------------------------------------------------------- */

static int
events(struct uplink *u, uint64_t now)
{
	struct pollfd *p;
	int k, r;

	for (k = 0; k < u->nc; k++) {
		p = &u->pfd[1 + 2 * k];
		if (p[0].revents != 0 && (r = take(u, &u->c[k], now)) != 0)
			return r;
		if (p[1].revents != 0)
			return fail(u, &u->c[k], "the switch closed the "
			    "connection");
	}
	return 0;
}

static int
loop(struct uplink *u)
{
	uint64_t now, next = now_ms();
	int timeout, r;

	for (;;) {
		now = now_ms();
		if (now >= next) {
			if ((r = tick(u)) != 0)
				return r;
			next = now + UPLINK_HEARTBEAT_MS;
		}
		timeout = expire(u, now, next);
		/* While frames come, look again at once; write the batch
		 * when none is left. */
		if (u->n > 0)
			timeout = 0;
		if ((r = poll(u->pfd, (nfds_t)(1 + 2 * u->nc), timeout)) < 0) {
			if (errno == EINTR)
				continue;
			return fail(u, NULL, "poll: %s", strerror(errno));
		}
		if (r == 0) {
			if ((r = flush(u)) != 0)
				return r;
			continue;
		}
		if (u->pfd[0].revents != 0)
			return flush(u);	/* SIGTERM, SIGINT, SIGHUP */
		if ((r = events(u, now_ms())) != 0)
			return r;
	}
}

/* --- start and end ---------------------------------------------------------- */

/* Why a udp:// URL that passed uplink_url_check() did not open. */
static void
udp_why(const char *url, char *why, size_t len)
{
	char src[LAB_URL_MAX], *dst, *sport, *dport, *saddr = NULL;
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM }, *d, *s;
	int fd, e;

	snprintf(src, sizeof(src), "%s", url + 6);
	dst = strstr(src, "->");
	*dst = '\0';
	dst += 2;
	dport = strrchr(dst, ':');
	*dport++ = '\0';
	if ((sport = strrchr(src, ':')) != NULL) {
		*sport++ = '\0';
		saddr = src[0] != '\0' ? src : NULL;
	} else
		sport = src;
	if ((e = getaddrinfo(dst, dport, &hints, &d)) != 0) {
		snprintf(why, len, "the peer's address '%s': %s", dst,
		    gai_strerror(e));
		return;
	}
	hints.ai_flags = AI_PASSIVE;
	hints.ai_family = d->ai_family;
	freeaddrinfo(d);
	if ((e = getaddrinfo(saddr, sport, &hints, &s)) != 0) {
		snprintf(why, len, "the local address '%s': %s", saddr,
		    gai_strerror(e));
		return;
	}
	e = 0;
	if ((fd = socket(s->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0 ||
	    bind(fd, s->ai_addr, s->ai_addrlen) != 0)
		e = errno;
	if (fd >= 0)
		close(fd);
	freeaddrinfo(s);
	if (e == EADDRINUSE)
		snprintf(why, len, "local port %s is taken (by another uplink "
		    "or program); choose another", sport);
	else if (e == EADDRNOTAVAIL)
		snprintf(why, len, "'%s' is no address of this machine", saddr);
	else if (e != 0)
		snprintf(why, len, "binding %s:%s: %s", saddr ? saddr : "*",
		    sport, strerror(e));
	else
		snprintf(why, len, "libvdeplug cannot open it");
}

/* Why vde_open() refused url, with errno e. */
static void
open_why(const char *url, int e, char *why, size_t len)
{
	const char *colon = strstr(url, "://");

	if (strncmp(url, "udp://", 6) == 0)
		udp_why(url, why, len);
	else if (e == EPROTONOSUPPORT && colon != NULL)
		snprintf(why, len, "libvdeplug has no module for %.*s:// "
		    "(libvdeplug_%.*s.so)", (int)(colon - url), url,
		    (int)(colon - url), url);
	else if (e != 0)
		snprintf(why, len, "libvdeplug cannot open it: %s",
		    strerror(e));
	else
		snprintf(why, len, "libvdeplug cannot open it");
}

static int
open_conns(struct uplink *u)
{
	const struct uplink_spec *sp = u->spec;
	const char *base = strrchr(sp->bus, '/');
	char descr[128], why[700];
	struct conn *c;
	int k;

	snprintf(descr, sizeof(descr), "rumplab uplink of bus %s",
	    base != NULL ? base + 1 : sp->bus);
	for (k = 0; k < sp->nurls; k++) {
		c = &u->c[k];
		c->url = sp->urls[k];
		errno = 0;
		if ((c->vc = vde_open(sp->urls[k], descr, NULL)) == NULL) {
			open_why(c->url, errno, why, sizeof(why));
			return fail(u, c, "%s", why);
		}
		pthread_mutex_init(&c->lk, NULL);
		u->nc = k + 1;
		c->fd = vde_datafd(c->vc);
		c->ctlfd = vde_ctlfd(c->vc);
		u->pfd[1 + 2 * k] = (struct pollfd){ c->fd, POLLIN, 0 };
		u->pfd[2 + 2 * k] = (struct pollfd){ c->ctlfd, POLLIN, 0 };
		snprintf(u->now[k].url, sizeof(u->now[k].url), "%s", c->url);
	}
	memcpy(u->shown, u->now, (size_t)u->nc * sizeof(*u->now));
	return 0;
}

/* Signals that end it come on a descriptor; SIGPIPE is ignored. */
static int
take_signals(struct uplink *u)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0 ||
	    (u->sigfd = signalfd(-1, &set, SFD_CLOEXEC)) < 0)
		return fail(u, NULL, "signalfd: %s", strerror(errno));
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

static int
attach_bus(struct uplink *u)
{
	char err[400];
	size_t n;

	/* It must be there; one all zero (a lab's, no node on it yet) is
	 * made a bus, as a node's interface would. */
	if (access(u->spec->bus, F_OK) != 0)
		return fail(u, NULL, "no such bus file: %s (rumplab up makes "
		    "a lab's, a node's interface makes one: rump.ifconfig "
		    "shmif0 linkstr FILE)", strerror(errno));
	if (buspump_attach(&u->bus, u->spec->bus, SHMIF_CREATE |
	    SHMIF_WAKEMAP, u->max_frame, 0, err, sizeof(err)) != 0) {
		/* The library's reason begins with the path, as ours does. */
		n = strlen(u->spec->bus);
		return fail(u, NULL, "%s", strncmp(err, u->spec->bus, n) == 0 &&
		    strncmp(err + n, ": ", 2) == 0 ? err + n + 2 : err);
	}
	return 0;
}

static int
setup(struct uplink *u)
{
	const struct uplink_spec *sp = u->spec;
	size_t n = (size_t)sp->nurls;
	char why[700];
	int k, r;

	if (sp->with_parent)
		(void)prctl(PR_SET_PDEATHSIG, SIGTERM);
	if ((r = take_signals(u)) != 0)
		return r;
	if (sp->nurls < 1 || sp->nurls > UPLINK_CONNS_MAX)
		return fail(u, NULL, "%d URLs (from 1 to %d)", sp->nurls,
		    UPLINK_CONNS_MAX);
	for (k = 0; k < sp->nurls; k++)
		if (uplink_url_check(sp->urls[k], why, sizeof(why)) != 0)
			return fail(u, NULL, "%s", why);
	if ((u->c = calloc(n, sizeof(*u->c))) == NULL ||
	    (u->pfd = calloc(1 + 2 * n, sizeof(*u->pfd))) == NULL ||
	    (u->now = calloc(n, sizeof(*u->now))) == NULL ||
	    (u->shown = calloc(n, sizeof(*u->shown))) == NULL ||
	    (u->buf = malloc(BUSPUMP_BATCH * sizeof(*u->buf))) == NULL)
		return fail(u, NULL, "%s", strerror(ENOMEM));
	u->pfd[0] = (struct pollfd){ u->sigfd, POLLIN, 0 };
	if ((r = attach_bus(u)) != 0 || (r = open_conns(u)) != 0)
		return r;
	if ((r = show(u, true)) != 0)
		return fail(u, NULL, "the stats file %s: %s", sp->stats,
		    strerror(-r));
	if ((r = buspump_start(&u->bus, bus_out, u)) != 0)
		return fail(u, NULL, "the bus's reader: %s", strerror(-r));
	return 0;
}

static void
teardown(struct uplink *u)
{
	int k;

	buspump_stop(&u->bus);
	if (u->nc > 0 && show(u, false) != 0 && !u->stats_failed)
		fail(u, NULL, "the stats file %s: cannot write its last "
		    "counters", u->spec->stats);
	for (k = 0; k < u->nc; k++) {
		vde_close(u->c[k].vc);
		pthread_mutex_destroy(&u->c[k].lk);
	}
	buspump_detach(&u->bus);
	if (u->sigfd >= 0)
		close(u->sigfd);
	free(u->c);
	free(u->pfd);
	free(u->now);
	free(u->shown);
	free(u->buf);
}

int
uplink_run(void *arg)
{
	struct uplink u = { .spec = arg, .sigfd = -1 };
	int r;

	u.max_frame = u.spec->max_frame ? u.spec->max_frame : SHMIF_FRAME_MAX;
	if ((r = setup(&u)) == 0)
		r = loop(&u);
	teardown(&u);
	return r;
}
