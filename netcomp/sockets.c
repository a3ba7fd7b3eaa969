/*
 * sockets.c — the socket backend (kernel/ksock.h) over lwIP's socket API.
 * Handles are lwIP's own descriptors.
 *
 * Why this file blocks for lwIP instead of letting lwIP block: Debian's
 * lwIP is built without LWIP_NETCONN_FULLDUPLEX, so one socket must not be
 * used by two threads at once.  Checked on this build: with a thread
 * blocked in lwip_recv() on a UDP socket or in lwip_accept() on a TCP
 * listener, lwip_close() from another thread never returns and the
 * blocked thread never wakes; lwip_shutdown(SHUT_RDWR) hangs the same way
 * on the listener and fails (EOPNOTSUPP) on UDP, leaving the reader
 * blocked.  Two threads waiting in lwIP on one socket also share one
 * completion semaphore.  The kernel core, however, runs each client call
 * on its own thread and must be able to abort a thread blocked on a
 * socket.  So:
 *  - every lwIP socket is non-blocking, and each handle has a mutex (lk)
 *    around its lwIP calls, which therefore never overlap and never sleep;
 *  - a call that would block waits in lwip_poll() on the socket plus a
 *    private "waker" socket, then tries again; the client's O_NONBLOCK,
 *    SO_RCVTIMEO and SO_SNDTIMEO are kept here and applied to that wait;
 *  - abort() marks the handle and raises an event on the waker of every
 *    thread waiting on it (the waker is an unbound UDP socket whose only
 *    events are the ones raised here, through the netconn's event
 *    callback), so those threads return at once, as after
 *    shutdown(SHUT_RDWR): recv 0, send -EPIPE, accept/connect
 *    -ECONNABORTED, poll POLLHUP;
 *  - close() with calls still running defers lwIP's close to the last one.
 *
 * Locks: ks_mtx guards the handle table, the handles' counters and flags,
 * the waiter lists and the waker pool; it is taken before a handle's lk
 * and before the core lock, and never held while waiting.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "lwip/api.h"
#include "lwip/sockets.h"
#include "lwip/tcpip.h"
#include "lwip/priv/sockets_priv.h"

#include "kernel/hyper.h"
#include "kernel/ksock.h"
#include "netcomp/netinet.h"

#define POLL_STACK 16   /* poll() sets up to this size need no malloc */

struct kswaker {
	int fd;                         /* lwIP socket, never bound */
	int raised;                     /* ks_mtx */
	struct kswaker *next;           /* ks_mtx: free list */
};

struct kswaiter {                       /* on the waiting thread's stack */
	struct kswaker *w;
	struct kswaiter *next;          /* ks_mtx */
};

struct ksent {
	hyp_mtx_t lk;                   /* serialises lwIP calls */
	int family, type;               /* set at creation */
	int refs, closing, aborted;     /* ks_mtx */
	int nonblock;                   /* ks_mtx */
	int rcvtimeo_ms, sndtimeo_ms;   /* ks_mtx; 0: none */
	struct kswaiter *waiters;       /* ks_mtx */
};

static hyp_mtx_t ks_mtx = HYP_MTX_INITIALIZER;
static struct ksent **ks_tab;           /* ks_mtx, indexed by lwIP fd */
static int ks_tabsize;                  /* ks_mtx */
static struct kswaker *ks_wakers;       /* ks_mtx: free wakers */

/* ---- the handle table ---- */

static int
tab_grow(int fd)
{
	struct ksent **t;
	int n = ks_tabsize ? ks_tabsize : 64;

	while (n <= fd)
		n *= 2;
	if ((t = realloc(ks_tab, (size_t)n * sizeof(*t))) == NULL)
		return -ENOMEM;
	memset(t + ks_tabsize, 0, (size_t)(n - ks_tabsize) * sizeof(*t));
	ks_tab = t;
	ks_tabsize = n;
	return 0;
}

static int
tab_insert(int fd, struct ksent *e)
{
	int error = 0;

	hyp_mtx_enter(&ks_mtx);
	if (fd >= ks_tabsize)
		error = tab_grow(fd);
	if (error == 0)
		ks_tab[fd] = e;
	hyp_mtx_exit(&ks_mtx);
	return error;
}

/* ks_mtx held. */
static struct ksent *
tab_get(int h)
{
	if (h < 0 || h >= ks_tabsize)
		return NULL;
	return ks_tab[h];
}

/* Every call starts here: the handle, and the stack ready for work. */
static struct ksent *
hold(int h)
{
	struct ksent *e;

	netstack_enter_unlocked();
	hyp_mtx_enter(&ks_mtx);
	if ((e = tab_get(h)) != NULL && !e->closing)
		e->refs++;
	else
		e = NULL;
	hyp_mtx_exit(&ks_mtx);
	return e;
}

static void
destroy(int h, struct ksent *e)
{
	lwip_close(h);
	hyp_mtx_destroy(&e->lk);
	free(e);
}

static void
rele(int h, struct ksent *e)
{
	int last;

	hyp_mtx_enter(&ks_mtx);
	last = --e->refs == 0 && e->closing;
	if (last)
		ks_tab[h] = NULL;
	hyp_mtx_exit(&ks_mtx);
	if (last)
		destroy(h, e);
}

static int
ks_nonblocking(struct ksent *e, int flags)
{
	int nb;

	hyp_mtx_enter(&ks_mtx);
	nb = e->nonblock;
	hyp_mtx_exit(&ks_mtx);
	return nb || (flags & MSG_DONTWAIT);
}

static int
ks_aborted(struct ksent *e)
{
	int a;

	hyp_mtx_enter(&ks_mtx);
	a = e->aborted;
	hyp_mtx_exit(&ks_mtx);
	return a;
}

/* ---- wakers ---- */

/* The waker's netconn event callback is lwIP's socket event callback:
 * calling it with RCVPLUS makes lwip_poll() see the waker readable and
 * wakes every poller, exactly as received data would.  ks_mtx held. */
static void
waker_event(struct kswaker *w, enum netconn_evt ev)
{
	struct lwip_sock *s;

	netstack_lock();
	if ((s = lwip_socket_dbg_get_socket(w->fd)) != NULL &&
	    s->conn != NULL && s->conn->callback != NULL)
		s->conn->callback(s->conn, ev, 0);
	netstack_unlock();
}

static struct kswaker *
waker_get(void)
{
	struct kswaker *w;

	hyp_mtx_enter(&ks_mtx);
	if ((w = ks_wakers) != NULL)
		ks_wakers = w->next;
	hyp_mtx_exit(&ks_mtx);
	if (w != NULL)
		return w;
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return NULL;
	if ((w->fd = lwip_socket(AF_INET, SOCK_DGRAM, 0)) < 0) {
		free(w);
		return NULL;
	}
	return w;
}

static void
waker_put(struct kswaker *w)
{
	hyp_mtx_enter(&ks_mtx);
	if (w->raised) {
		waker_event(w, NETCONN_EVT_RCVMINUS);
		w->raised = 0;
	}
	w->next = ks_wakers;
	ks_wakers = w;
	hyp_mtx_exit(&ks_mtx);
}

/* ks_mtx held. */
static void
waker_raise(struct kswaker *w)
{
	if (!w->raised) {
		w->raised = 1;
		waker_event(w, NETCONN_EVT_RCVPLUS);
	}
}

static void
waiter_unlink(struct ksent *e, struct kswaiter *wt)
{
	struct kswaiter **pp;

	for (pp = &e->waiters; *pp != NULL; pp = &(*pp)->next)
		if (*pp == wt) {
			*pp = wt->next;
			return;
		}
}

/* ---- waiting ---- */

static uint64_t
now_ms(void)
{
	return hyp_clock_mono_ns() / 1000000u;
}

/* Remaining ms until deadline (UINT64_MAX: none) as poll's timeout. */
static int
remaining(uint64_t deadline)
{
	uint64_t now;

	if (deadline == UINT64_MAX)
		return -1;
	now = now_ms();
	if (now >= deadline)
		return 0;
	return deadline - now > INT_MAX ? INT_MAX : (int)(deadline - now);
}

static uint64_t
deadline_after(int ms)
{
	return ms <= 0 ? UINT64_MAX : now_ms() + (uint64_t)ms;
}

/*
 * Wait until one of n handles has one of its events, the deadline passes
 * or one of them is aborted.  pfd[0..n-1] are the caller's entries (fd =
 * handle, events set), es[] their held entries.  Returns poll's count (0:
 * timed out) or -errno; revents filled in.  An aborted handle reports
 * POLLHUP (plus its requested POLLIN/POLLOUT) at once.
 */
static int
wait_handles(struct ksent **es, struct pollfd *pfd, nfds_t n,
    uint64_t deadline, struct kswaiter *wts)
{
	struct kswaker *w;
	nfds_t i;
	int r, hit;

	if ((w = waker_get()) == NULL)
		return -ENOMEM;
	hyp_mtx_enter(&ks_mtx);
	for (i = 0, hit = 0; i < n; i++) {
		wts[i].w = w;
		wts[i].next = es[i]->waiters;
		es[i]->waiters = &wts[i];
		hit |= es[i]->aborted;
	}
	hyp_mtx_exit(&ks_mtx);
	pfd[n].fd = w->fd;
	pfd[n].events = POLLIN;
	pfd[n].revents = 0;
	for (i = 0; i < n; i++)
		pfd[i].revents = 0;
	r = hit ? 0 : lwip_poll(pfd, n + 1, remaining(deadline));
	if (r < 0)
		r = -errno;
	hyp_mtx_enter(&ks_mtx);
	for (i = 0; i < n; i++) {
		waiter_unlink(es[i], &wts[i]);
		if (es[i]->aborted)
			pfd[i].revents |= POLLHUP |
			    (pfd[i].events & (POLLIN | POLLOUT));
	}
	hyp_mtx_exit(&ks_mtx);
	waker_put(w);
	if (r < 0)
		return r;
	for (i = 0, r = 0; i < n; i++)
		r += pfd[i].revents != 0;
	return r;
}

/* Wait for one handle: 0 to try again, -EAGAIN when timed out. */
static int
wait_one(struct ksent *e, int h, short events, uint64_t deadline)
{
	struct pollfd pfd[2];
	struct kswaiter wt[1];
	int r;

	pfd[0].fd = h;
	pfd[0].events = events;
	r = wait_handles(&e, pfd, 1, deadline, wt);
	if (r < 0)
		return r;
	if (r == 0 && !ks_aborted(e) && remaining(deadline) == 0)
		return -EAGAIN;
	return 0;
}

/* ---- socket creation ---- */

static void
apply_defaults(int fd, int family)
{
	int ttl = netstack_knob(family == AF_INET6 ? NK_IP6_HLIM : NK_IP_TTL);

	/* lwIP keeps one TTL per pcb, set through IP_TTL for both families. */
	lwip_setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl));
}

static int
adopt(int fd, int family, int type, int nonblock)
{
	struct ksent *e;
	int one = 1, error;

	if (lwip_ioctl(fd, FIONBIO, &one) < 0 ||
	    (e = calloc(1, sizeof(*e))) == NULL) {
		lwip_close(fd);
		return -ENOMEM;
	}
	hyp_mtx_init(&e->lk);
	e->family = family;
	e->type = type;
	e->nonblock = nonblock;
	apply_defaults(fd, family);
	if ((error = tab_insert(fd, e)) != 0) {
		destroy(fd, e);
		return error;
	}
	return fd;
}

static int
ks_socket(int domain, int type, int proto)
{
	int nonblock = (type & SOCK_NONBLOCK) != 0, fd;

	type &= ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (domain != AF_INET && !(domain == AF_INET6 && netstack_inet6()))
		return -EAFNOSUPPORT;
	netstack_enter_unlocked();
	if ((fd = lwip_socket(domain, type, proto)) < 0)
		return -errno;
	return adopt(fd, domain, type, nonblock);
}

static int
ks_close(int h)
{
	struct ksent *e;
	int now = 0;

	hyp_mtx_enter(&ks_mtx);
	if ((e = tab_get(h)) == NULL || e->closing) {
		hyp_mtx_exit(&ks_mtx);
		return -EBADF;
	}
	e->closing = 1;
	if (e->refs == 0) {
		ks_tab[h] = NULL;
		now = 1;
	}
	hyp_mtx_exit(&ks_mtx);
	if (now)
		destroy(h, e);
	return 0;
}

static int
ks_abort(int h)
{
	struct ksent *e;
	struct kswaiter *wt;

	hyp_mtx_enter(&ks_mtx);
	if ((e = tab_get(h)) == NULL) {
		hyp_mtx_exit(&ks_mtx);
		return -EBADF;
	}
	e->aborted = 1;
	for (wt = e->waiters; wt != NULL; wt = wt->next)
		waker_raise(wt->w);
	hyp_mtx_exit(&ks_mtx);
	return 0;
}

/* ---- calls that do not block ---- */

/* Run one lwIP call on a held handle under its lk; -errno on failure. */
#define LWIP_CALL(e, call) ({                                   \
	long r_;                                                \
	hyp_mtx_enter(&(e)->lk);                                \
	r_ = (call);                                            \
	if (r_ < 0)                                             \
		r_ = -errno;                                    \
	hyp_mtx_exit(&(e)->lk);                                 \
	r_;                                                     \
})

static int
ks_bind(int h, const struct sockaddr *sa, socklen_t len)
{
	struct ksent *e;
	int r;

	if ((e = hold(h)) == NULL)
		return -EBADF;
	r = (int)LWIP_CALL(e, lwip_bind(h, sa, len));
	netstack_poke_unlocked();
	rele(h, e);
	return r;
}

static int
ks_listen(int h, int backlog)
{
	struct ksent *e;
	int r;

	if ((e = hold(h)) == NULL)
		return -EBADF;
	r = (int)LWIP_CALL(e, lwip_listen(h, backlog));
	rele(h, e);
	return r;
}

static int
ks_getsockname(int h, struct sockaddr *sa, socklen_t *len)
{
	struct ksent *e;
	int r;

	if ((e = hold(h)) == NULL)
		return -EBADF;
	r = (int)LWIP_CALL(e, lwip_getsockname(h, sa, len));
	rele(h, e);
	return r;
}

static int
ks_getpeername(int h, struct sockaddr *sa, socklen_t *len)
{
	struct ksent *e;
	int r;

	if ((e = hold(h)) == NULL)
		return -EBADF;
	r = (int)LWIP_CALL(e, lwip_getpeername(h, sa, len));
	rele(h, e);
	return r;
}

static int
ks_shutdown(int h, int how)
{
	struct ksent *e;
	int r;

	if ((e = hold(h)) == NULL)
		return -EBADF;
	r = (int)LWIP_CALL(e, lwip_shutdown(h, how));
	netstack_poke_unlocked();
	rele(h, e);
	return r;
}

static int
ks_getfl(int h)
{
	struct ksent *e;
	int fl;

	if ((e = hold(h)) == NULL)
		return -EBADF;
	fl = O_RDWR | (ks_nonblocking(e, 0) ? O_NONBLOCK : 0);
	rele(h, e);
	return fl;
}

static int
ks_setfl(int h, int flags)
{
	struct ksent *e;

	if ((e = hold(h)) == NULL)
		return -EBADF;
	hyp_mtx_enter(&ks_mtx);
	e->nonblock = (flags & O_NONBLOCK) != 0;
	hyp_mtx_exit(&ks_mtx);
	rele(h, e);
	return 0;
}

/* ---- options ---- */

static int
tv_ms(const void *val, socklen_t len, int *ms)
{
	const struct timeval *tv = val;
	long long v;

	if (len < (socklen_t)sizeof(*tv) || tv->tv_sec < 0 ||
	    tv->tv_usec < 0 || tv->tv_usec >= 1000000)
		return -EINVAL;
	v = (long long)tv->tv_sec * 1000 + (tv->tv_usec + 999) / 1000;
	*ms = v > INT_MAX ? INT_MAX : (int)v;
	return 0;
}

static int
timeo_set(struct ksent *e, int name, const void *val, socklen_t len)
{
	int ms, error;

	if ((error = tv_ms(val, len, &ms)) != 0)
		return error;
	hyp_mtx_enter(&ks_mtx);
	if (name == SO_RCVTIMEO)
		e->rcvtimeo_ms = ms;
	else
		e->sndtimeo_ms = ms;
	hyp_mtx_exit(&ks_mtx);
	return 0;
}

static int
timeo_get(struct ksent *e, int name, void *val, socklen_t *len)
{
	struct timeval tv;
	int ms;

	if (*len < (socklen_t)sizeof(tv))
		return -EINVAL;
	hyp_mtx_enter(&ks_mtx);
	ms = name == SO_RCVTIMEO ? e->rcvtimeo_ms : e->sndtimeo_ms;
	hyp_mtx_exit(&ks_mtx);
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	memcpy(val, &tv, sizeof(tv));
	*len = sizeof(tv);
	return 0;
}

static int
is_timeo(int level, int name)
{
	return level == SOL_SOCKET && (name == SO_RCVTIMEO ||
	    name == SO_SNDTIMEO);
}

/* lwIP has no IPV6_UNICAST_HOPS: its pcbs keep one TTL for both families,
 * which IP_TTL sets. */
static void
map_hops(int *level, int *name)
{
	if (*level == IPPROTO_IPV6 && *name == IPV6_UNICAST_HOPS) {
		*level = IPPROTO_IP;
		*name = IP_TTL;
	}
}

static int
ks_setsockopt(int h, int level, int name, const void *val, socklen_t len)
{
	struct ksent *e;
	int r;

	if ((e = hold(h)) == NULL)
		return -EBADF;
	map_hops(&level, &name);
	if (is_timeo(level, name))
		r = timeo_set(e, name, val, len);
	else
		r = (int)LWIP_CALL(e, lwip_setsockopt(h, level, name, val,
		    len));
	rele(h, e);
	return r;
}

static int
ks_getsockopt(int h, int level, int name, void *val, socklen_t *len)
{
	struct ksent *e;
	int r;

	if ((e = hold(h)) == NULL)
		return -EBADF;
	map_hops(&level, &name);
	if (is_timeo(level, name))
		r = timeo_get(e, name, val, len);
	else
		r = (int)LWIP_CALL(e, lwip_getsockopt(h, level, name, val,
		    len));
	rele(h, e);
	return r;
}

/* ---- calls that may block ---- */

static uint64_t
timeo_deadline(struct ksent *e, int rcv)
{
	int ms;

	hyp_mtx_enter(&ks_mtx);
	ms = rcv ? e->rcvtimeo_ms : e->sndtimeo_ms;
	hyp_mtx_exit(&ks_mtx);
	return deadline_after(ms);
}

static int
ks_accept(int h, struct sockaddr *sa, socklen_t *len)
{
	struct ksent *e;
	uint64_t dl;
	int r;

	if ((e = hold(h)) == NULL)
		return -EBADF;
	dl = timeo_deadline(e, 1);
	for (;;) {
		if (ks_aborted(e)) {
			r = -ECONNABORTED;
			break;
		}
		r = (int)LWIP_CALL(e, lwip_accept(h, sa, len));
		if (r >= 0) {
			r = adopt(r, e->family, e->type, 0);
			break;
		}
		if (r != -EWOULDBLOCK || ks_nonblocking(e, 0))
			break;
		if ((r = wait_one(e, h, POLLIN, dl)) < 0)
			break;
	}
	rele(h, e);
	return r;
}

static int
connect_result(struct ksent *e, int h)
{
	socklen_t l = sizeof(int);
	int err = 0;

	if (LWIP_CALL(e, lwip_getsockopt(h, SOL_SOCKET, SO_ERROR, &err,
	    &l)) < 0)
		return -EIO;
	/* lwIP reports a refused connection as a reset. */
	return err == ECONNRESET ? -ECONNREFUSED : -err;
}

static int
connect_wait(struct ksent *e, int h)
{
	struct pollfd pfd[2];
	struct kswaiter wt[1];
	uint64_t dl = timeo_deadline(e, 0);
	int r;

	for (;;) {
		pfd[0].fd = h;
		pfd[0].events = POLLOUT;
		if ((r = wait_handles(&e, pfd, 1, dl, wt)) < 0)
			return r;
		if (ks_aborted(e))
			return -ECONNABORTED;
		if (pfd[0].revents & (POLLOUT | POLLERR | POLLHUP))
			return connect_result(e, h);
		if (remaining(dl) == 0)
			return -ETIMEDOUT;
	}
}

static int
ks_connect(int h, const struct sockaddr *sa, socklen_t len)
{
	struct ksent *e;
	int r;

	if ((e = hold(h)) == NULL)
		return -EBADF;
	if (ks_aborted(e))
		r = -ECONNABORTED;
	else {
		r = (int)LWIP_CALL(e, lwip_connect(h, sa, len));
		netstack_poke_unlocked();
		if (r == -ECONNRESET)
			r = -ECONNREFUSED;
		if (r == -EINPROGRESS && !ks_nonblocking(e, 0))
			r = connect_wait(e, h);
	}
	rele(h, e);
	return r;
}

static ssize_t
send_once(struct ksent *e, int h, const void *buf, size_t len, int flags,
    const struct sockaddr *to, socklen_t tolen)
{
	ssize_t r;

	flags &= ~(MSG_NOSIGNAL | MSG_DONTWAIT);
	r = LWIP_CALL(e, lwip_sendto(h, buf, len, flags, to, tolen));
	netstack_poke_unlocked();
	return r;
}

static ssize_t
ks_sendto(int h, const void *buf, size_t len, int flags,
    const struct sockaddr *to, socklen_t tolen)
{
	struct ksent *e;
	ssize_t r, done = 0;
	uint64_t dl;

	if ((e = hold(h)) == NULL)
		return -EBADF;
	dl = timeo_deadline(e, 0);
	for (;;) {
		if (ks_aborted(e)) {
			r = -EPIPE;
			break;
		}
		r = send_once(e, h, (const char *)buf + done, len - (size_t)done,
		    flags, to, tolen);
		if (r >= 0 && e->type == SOCK_STREAM) {
			done += r;
			if ((size_t)done < len && !ks_nonblocking(e, flags))
				continue;
			r = done;
			break;
		}
		if (r != -EWOULDBLOCK &&
		    !(r == -ENOMEM && e->type == SOCK_STREAM))
			break;
		if (ks_nonblocking(e, flags) ||
		    (r = wait_one(e, h, POLLOUT, dl)) < 0)
			break;
	}
	rele(h, e);
	return done > 0 && r < 0 ? done : r;
}

/* Offset of the upper-layer payload in an IPv6 packet of n bytes. */
static size_t
ip6_payload(const uint8_t *b, size_t n)
{
	size_t off = 40;
	uint8_t nh;

	if (n < 40 || (b[0] >> 4) != 6)
		return 0;
	nh = b[6];
	while ((nh == 0 || nh == 43 || nh == 60 || nh == 44) && off + 8 <= n) {
		nh = b[off];
		off += nh == 44 ? 8 : ((size_t)b[off + 1] + 1) * 8;
	}
	return off < n ? off : n;
}

/*
 * lwIP hands a raw IPv6 socket the whole packet; BSD and Linux hand it
 * what follows the IPv6 header and its extension headers (the ICMPv6
 * message), which is what ping6 and traceroute6 expect.
 */
static ssize_t
recv_raw6(struct ksent *e, int h, void *buf, size_t len, int flags,
    struct sockaddr *from, socklen_t *fromlen)
{
	size_t blen = len + 256, off;
	uint8_t *b;
	ssize_t r;

	if ((b = malloc(blen)) == NULL)
		return -ENOMEM;
	r = LWIP_CALL(e, lwip_recvfrom(h, b, blen, flags, from, fromlen));
	if (r > 0) {
		off = ip6_payload(b, (size_t)r);
		r -= (ssize_t)off;
		if ((size_t)r > len)
			r = (ssize_t)len;
		memcpy(buf, b + off, (size_t)r);
	}
	free(b);
	return r;
}

static ssize_t
recv_once(struct ksent *e, int h, void *buf, size_t len, int flags,
    struct sockaddr *from, socklen_t *fromlen)
{
	ssize_t r;

	flags &= ~(MSG_WAITALL | MSG_DONTWAIT);
	if (e->family == AF_INET6 && e->type == SOCK_RAW)
		r = recv_raw6(e, h, buf, len, flags, from, fromlen);
	else
		r = LWIP_CALL(e, lwip_recvfrom(h, buf, len, flags, from,
		    fromlen));
	if (r >= 0)
		netstack_poke_unlocked();
	return r;
}

static ssize_t
ks_recvfrom(int h, void *buf, size_t len, int flags, struct sockaddr *from,
    socklen_t *fromlen)
{
	struct ksent *e;
	ssize_t r, done = 0;
	uint64_t dl;
	int all;

	if ((e = hold(h)) == NULL)
		return -EBADF;
	all = (flags & MSG_WAITALL) && e->type == SOCK_STREAM &&
	    !(flags & MSG_PEEK);
	dl = timeo_deadline(e, 1);
	for (;;) {
		if (ks_aborted(e)) {
			r = 0;
			break;
		}
		r = recv_once(e, h, (char *)buf + done, len - (size_t)done,
		    flags, from, fromlen);
		if (r > 0 && all && (size_t)(done += r) < len)
			continue;
		if (r > 0 && all)
			r = done;
		if (r != -EWOULDBLOCK || ks_nonblocking(e, flags))
			break;
		if ((r = wait_one(e, h, POLLIN, dl)) < 0)
			break;
	}
	rele(h, e);
	return done > 0 && r <= 0 ? done : r;
}

/* ---- poll ---- */

static int
poll_hold(struct pollfd *fds, nfds_t n, struct ksent **es)
{
	nfds_t i;

	for (i = 0; i < n; i++)
		if ((es[i] = hold(fds[i].fd)) == NULL) {
			while (i-- > 0)
				rele(fds[i].fd, es[i]);
			return -EBADF;
		}
	return 0;
}

static int
ks_poll(struct pollfd *fds, nfds_t n, int timeout_ms)
{
	struct pollfd spfd[POLL_STACK + 1], *pfd = spfd;
	struct ksent *ses[POLL_STACK], **es = ses;
	struct kswaiter swt[POLL_STACK], *wts = swt;
	uint64_t dl = timeout_ms < 0 ? UINT64_MAX :
	    now_ms() + (uint64_t)timeout_ms;
	nfds_t i;
	int r;

	if (n > POLL_STACK) {
		pfd = calloc(n + 1, sizeof(*pfd));
		es = calloc(n, sizeof(*es));
		wts = calloc(n, sizeof(*wts));
		if (pfd == NULL || es == NULL || wts == NULL) {
			r = -ENOMEM;
			goto out;
		}
	}
	if ((r = poll_hold(fds, n, es)) != 0)
		goto out;
	memcpy(pfd, fds, n * sizeof(*fds));
	do
		r = wait_handles(es, pfd, n, dl, wts);
	while (r == 0 && remaining(dl) != 0);
	for (i = 0; i < n; i++) {
		fds[i].revents = pfd[i].revents;
		rele(fds[i].fd, es[i]);
	}
out:
	if (pfd != spfd) {
		free(pfd);
		free(es);
		free(wts);
	}
	return r;
}

static const struct ksock_ops lwip_ksock_ops = {
	.name = "netinet",
	.socket = ks_socket,
	.close = ks_close,
	.abort = ks_abort,
	.bind = ks_bind,
	.connect = ks_connect,
	.listen = ks_listen,
	.accept = ks_accept,
	.sendto = ks_sendto,
	.recvfrom = ks_recvfrom,
	.getsockopt = ks_getsockopt,
	.setsockopt = ks_setsockopt,
	.getsockname = ks_getsockname,
	.getpeername = ks_getpeername,
	.shutdown = ks_shutdown,
	.poll = ks_poll,
	.getfl = ks_getfl,
	.setfl = ks_setfl,
};

int
sockets_init(void)
{
	ksock_register(&lwip_ksock_ops);
	return 0;
}
