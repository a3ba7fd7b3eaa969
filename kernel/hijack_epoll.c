/*
 * hijack_epoll.c — librumphijack's epoll.  An epoll set is the host's;
 * node descriptors added to it are kept here instead, in a registry of
 * the set (their events, data, and for EPOLLET and EPOLLONESHOT what was
 * reported).  epoll_wait on a set with node descriptors asks the node
 * about them in one POLL call and polls the set's own host descriptor
 * beside it (rump_sys_poll_host); whatever is ready on either side is
 * returned together.
 *
 * Another thread may change a set while one waits in it, as epoll
 * allows: each set with node descriptors has an eventfd of the library's
 * in its host part, written by epoll_ctl on a node descriptor, so that a
 * waiter starts again with the new registry at once.  Its events never
 * reach the program.
 *
 * Edge-triggered mode is kept by the program's I/O: a node descriptor's
 * readiness, once reported, is reported again only after the program
 * read, wrote, accepted or connected on it (the count hj_touch keeps), so
 * a program that reads until EAGAIN sees every new arrival and one that
 * leaves data unread is not woken again, as with the host's epoll.
 *
 * Locks: es_mtx guards the list of sets and every registry; it is never
 * held across a wait.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>

#include "kernel/hijack.h"
#include "kernel/rumpclient.h"

#define WAKE_DATA 0x72756d70686a6b00ull /* the eventfd's epoll data */
#define STACK_FDS 32

struct ereg {
	int          fd;                /* the program's descriptor */
	uint32_t     events;
	epoll_data_t data;
	uint32_t     gen;               /* hj_gen(fd) when last reported */
	uint32_t     reported;          /* what was reported then */
	int          off;               /* EPOLLONESHOT fired */
};

struct eset {
	int           epfd;
	int           efd;              /* ours, in the host set; -1: none */
	struct ereg  *regs;
	int           n, cap;
	struct eset  *next;
};

static pthread_mutex_t es_mtx = PTHREAD_MUTEX_INITIALIZER;
static struct eset *sets;               /* es_mtx */

static struct eset *
set_find_locked(int epfd)
{
	struct eset *s;

	for (s = sets; s != NULL; s = s->next)
		if (s->epfd == epfd)
			return s;
	return NULL;
}

static struct ereg *
reg_find(struct eset *s, int fd)
{
	int i;

	for (i = 0; s != NULL && i < s->n; i++)
		if (s->regs[i].fd == fd)
			return &s->regs[i];
	return NULL;
}

static void
set_wake(struct eset *s)
{
	uint64_t one = 1;

	if (s->efd >= 0)
		(void)!hj_real.write(s->efd, &one, sizeof(one));
}

/* A new registry for epfd, with its eventfd in the host set (raised, so
 * that a thread already waiting in the host set comes here). */
static struct eset *
set_new_locked(int epfd)
{
	struct epoll_event ev;
	struct eset *s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->epfd = epfd;
	s->efd = hj_fdadopt(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.u64 = WAKE_DATA;
	if (s->efd < 0 || hj_real.epoll_ctl(epfd, EPOLL_CTL_ADD, s->efd,
	    &ev) != 0) {
		if (s->efd >= 0)
			hj_real.close(s->efd);
		free(s);
		return NULL;
	}
	set_wake(s);
	s->next = sets;
	sets = s;
	return s;
}

static int
ctl_node(int epfd, int op, int fd, const struct epoll_event *ev)
{
	struct eset *s;
	struct ereg *r, *nr;
	int error = 0;

	pthread_mutex_lock(&es_mtx);
	s = set_find_locked(epfd);
	r = reg_find(s, fd);
	if (op == EPOLL_CTL_ADD && r != NULL)
		error = EEXIST;
	else if (op != EPOLL_CTL_ADD && r == NULL)
		error = ENOENT;
	else if (op != EPOLL_CTL_DEL && ev == NULL)
		error = EFAULT;
	else if (op == EPOLL_CTL_ADD) {
		if (s == NULL && (s = set_new_locked(epfd)) == NULL)
			error = errno != 0 ? errno : ENOMEM;
		else if (s->n == s->cap) {
			int cap = s->cap ? s->cap * 2 : 8;

			if ((nr = realloc(s->regs, (size_t)cap *
			    sizeof(*nr))) == NULL)
				error = ENOMEM;
			else {
				s->regs = nr;
				s->cap = cap;
			}
		}
		if (error == 0)
			r = &s->regs[s->n++];
	} else if (op == EPOLL_CTL_DEL)
		*r = s->regs[--s->n];
	else if (op != EPOLL_CTL_MOD)
		error = EINVAL;
	if (error == 0 && op != EPOLL_CTL_DEL) {
		memset(r, 0, sizeof(*r));
		r->fd = fd;
		r->events = ev->events;
		r->data = ev->data;
	}
	if (error == 0)
		set_wake(s);
	pthread_mutex_unlock(&es_mtx);
	errno = error;
	return error == 0 ? 0 : -1;
}

int
epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev)
{
	HJ_INIT();
	if (hj_node(fd) < 0)
		return hj_real.epoll_ctl(epfd, op, fd, ev);
	if (hj_real.fcntl(epfd, F_GETFD) < 0)
		return -1;              /* EBADF, as the host says */
	return ctl_node(epfd, op, fd, ev);
}

void
hj_epoll_forget(int fd)
{
	struct eset *s;
	struct ereg *r;

	pthread_mutex_lock(&es_mtx);
	for (s = sets; s != NULL; s = s->next)
		if ((r = reg_find(s, fd)) != NULL) {
			*r = s->regs[--s->n];
			set_wake(s);
		}
	pthread_mutex_unlock(&es_mtx);
}

void
hj_epoll_drop_set(int epfd)
{
	struct eset **pp, *s;

	pthread_mutex_lock(&es_mtx);
	for (pp = &sets; (s = *pp) != NULL; pp = &s->next)
		if (s->epfd == epfd) {
			*pp = s->next;
			hj_real.close(s->efd);
			free(s->regs);
			free(s);
			break;
		}
	pthread_mutex_unlock(&es_mtx);
}

/* Poll events for a registration, without what EPOLLET already told. */
static short
want(const struct ereg *r)
{
	uint32_t ev = r->events, held = 0;
	short p = 0;

	if (r->off)
		return 0;
	if ((ev & EPOLLET) && hj_gen(r->fd) == r->gen)
		held = r->reported;
	if ((ev & EPOLLIN) && !(held & EPOLLIN))
		p |= POLLIN;
	if ((ev & EPOLLOUT) && !(held & EPOLLOUT))
		p |= POLLOUT;
	if ((ev & EPOLLPRI) && !(held & EPOLLPRI))
		p |= POLLPRI;
	if ((ev & EPOLLRDHUP) && !(held & EPOLLRDHUP))
		p |= POLLRDHUP;
	/* POLLERR and POLLHUP come unasked; without new I/O an edge
	 * registration that has reported them is not asked again. */
	if (p == 0 && (held & (EPOLLERR | EPOLLHUP)))
		return 0;
	return p != 0 ? p : (short)POLLHUP;
}

static uint32_t
epoll_bits(short re, uint32_t asked)
{
	uint32_t e = 0;

	if (re & POLLIN)
		e |= EPOLLIN;
	if (re & POLLOUT)
		e |= EPOLLOUT;
	if (re & POLLPRI)
		e |= EPOLLPRI;
	if (re & POLLRDHUP)
		e |= EPOLLRDHUP;
	e &= asked;
	if (re & POLLERR)
		e |= EPOLLERR;
	if (re & POLLHUP)
		e |= EPOLLHUP;
	return e;
}

struct snap {
	struct pollfd *pfd;             /* node descriptors asked */
	int           *fd;              /* the program's descriptor of each */
	int            n;
};

/* The node part of a set, to ask; 0 when the set has none. */
static int
snapshot(int epfd, struct snap *sn, int *efd)
{
	struct eset *s;
	short ev;
	int i, k;

	sn->n = 0;
	pthread_mutex_lock(&es_mtx);
	if ((s = set_find_locked(epfd)) == NULL || s->n == 0) {
		pthread_mutex_unlock(&es_mtx);
		return 0;
	}
	*efd = s->efd;
	sn->pfd = calloc((size_t)s->n, sizeof(*sn->pfd));
	sn->fd = calloc((size_t)s->n, sizeof(*sn->fd));
	for (i = 0; sn->pfd != NULL && sn->fd != NULL && i < s->n; i++)
		if ((ev = want(&s->regs[i])) != 0 &&
		    (k = hj_node(s->regs[i].fd)) >= 0) {
			sn->pfd[sn->n].fd = k;
			sn->pfd[sn->n].events = ev;
			sn->fd[sn->n++] = s->regs[i].fd;
		}
	pthread_mutex_unlock(&es_mtx);
	return 1;
}

/* Node results into events[]: what is still registered, as asked. */
static int
collect(int epfd, struct snap *sn, struct epoll_event *events, int max)
{
	struct eset *s;
	struct ereg *r;
	uint32_t e;
	int i, k = 0;

	pthread_mutex_lock(&es_mtx);
	s = set_find_locked(epfd);
	for (i = 0; i < sn->n && k < max; i++) {
		if (sn->pfd[i].revents == 0 ||
		    (r = reg_find(s, sn->fd[i])) == NULL || r->off)
			continue;
		if ((e = epoll_bits(sn->pfd[i].revents, r->events)) == 0)
			continue;
		if (r->events & EPOLLET) {
			if (hj_gen(r->fd) == r->gen)
				e &= ~r->reported;
			r->gen = hj_gen(r->fd);
			r->reported |= e;
			if (e == 0)
				continue;
		}
		if (r->events & EPOLLONESHOT)
			r->off = 1;
		events[k].events = e;
		events[k++].data = r->data;
	}
	pthread_mutex_unlock(&es_mtx);
	return k;
}

/* The host set's events, without ours; *woken when ours was among them. */
static int
host_events(int epfd, int efd, struct epoll_event *events, int max,
    int *woken)
{
	uint64_t junk;
	int n, i, k = 0;

	if (max <= 0)
		return 0;
	if ((n = hj_real.epoll_wait(epfd, events, max, 0)) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (events[i].data.u64 == WAKE_DATA) {
			while (hj_real.read(efd, &junk, sizeof(junk)) > 0)
				;
			*woken = 1;
			continue;
		}
		events[k++] = events[i];
	}
	return k;
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * A wait on a set with node descriptors; 1 and *ret when it is answered
 * here, 0 when the set has none (the host's epoll_wait answers).
 */
static int
wait_split(int epfd, struct epoll_event *events, int max, int timeout,
    int *ret)
{
	struct pollfd host;
	struct snap sn;
	long long end = timeout < 0 ? -1 : now_ms() + timeout;
	int efd = -1, k, h, woken, left, r;

	for (;;) {
		if (!snapshot(epfd, &sn, &efd))
			return 0;
		host.fd = epfd;
		host.events = POLLIN;
		left = end < 0 ? -1 : (int)(end > now_ms() ? end - now_ms() : 0);
		if (sn.pfd == NULL || sn.fd == NULL)
			r = (errno = ENOMEM, -1);
		else
			r = rump_sys_poll_host(sn.pfd, (nfds_t)sn.n, &host, 1,
			    left);
		k = r > 0 ? collect(epfd, &sn, events, max) : 0;
		free(sn.pfd);
		free(sn.fd);
		if (r < 0) {
			*ret = -1;
			errno = hj_node_error(errno);
			return 1;
		}
		woken = 0;
		if (r > 0 && host.revents != 0) {
			if ((h = host_events(epfd, efd, events + k, max - k,
			    &woken)) < 0 && k == 0) {
				*ret = -1;
				return 1;
			}
			k += h > 0 ? h : 0;
		}
		if (k > 0 || (!woken && r == 0) ||
		    (end >= 0 && now_ms() >= end)) {
			*ret = k;
			return 1;
		}
	}
}

/* Our eventfd's events out of a host wait's result; 1 when that left
 * nothing (a ctl woke the waiter: it starts again). */
static int
drop_wake(int epfd, struct epoll_event *events, int *n)
{
	struct eset *s;
	uint64_t junk;
	int i, k = 0, efd = -1, seen = 0;

	pthread_mutex_lock(&es_mtx);
	if ((s = set_find_locked(epfd)) != NULL)
		efd = s->efd;
	pthread_mutex_unlock(&es_mtx);
	for (i = 0; i < *n; i++)
		if (efd >= 0 && events[i].data.u64 == WAKE_DATA)
			seen = 1;
		else
			events[k++] = events[i];
	if (seen)
		while (hj_real.read(efd, &junk, sizeof(junk)) > 0)
			;
	*n = k;
	return seen && k == 0;
}

/* epoll_wait, with timeout in ms from now (-1: none). */
static int
wait_any(int epfd, struct epoll_event *events, int max, int timeout)
{
	long long end = timeout < 0 ? -1 : now_ms() + timeout;
	int r, left;

	if (max <= 0) {
		errno = EINVAL;
		return -1;
	}
	for (;;) {
		left = end < 0 ? -1 : (int)(end > now_ms() ? end - now_ms() : 0);
		if (wait_split(epfd, events, max, left, &r))
			return r;
		r = hj_real.epoll_wait(epfd, events, max, left);
		if (r <= 0 || !drop_wake(epfd, events, &r))
			return r;
	}
}

int
epoll_wait(int epfd, struct epoll_event *events, int max, int timeout)
{
	HJ_INIT();
	return wait_any(epfd, events, max, timeout);
}

int
epoll_pwait(int epfd, struct epoll_event *events, int max, int timeout,
    const sigset_t *mask)
{
	sigset_t old;
	int r, error;

	HJ_INIT();
	if (mask != NULL)
		pthread_sigmask(SIG_SETMASK, mask, &old);
	r = wait_any(epfd, events, max, timeout);
	error = errno;
	if (mask != NULL)
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	errno = error;
	return r;
}

int
epoll_pwait2(int epfd, struct epoll_event *events, int max,
    const struct timespec *ts, const sigset_t *mask)
{
	long long ms = -1;

	if (ts != NULL) {
		if (ts->tv_sec < 0 || ts->tv_nsec < 0 ||
		    ts->tv_nsec >= 1000000000L) {
			errno = EINVAL;
			return -1;
		}
		ms = (long long)ts->tv_sec * 1000 +
		    (ts->tv_nsec + 999999) / 1000000;
		if (ms > INT_MAX)
			ms = INT_MAX;
	}
	return epoll_pwait(epfd, events, max, (int)ms, mask);
}
