/*
 * socktab.c — the handles of the socket backend (sockets.c) and how a
 * call waits on them: the handle table, per-handle state kept outside lwIP
 * (the client's O_NONBLOCK and timeouts, abort), the waker sockets that
 * let abort() wake a thread sleeping in lwip_poll(), and the waits
 * themselves.  sockets.c explains why calls never block inside lwIP.
 *
 * Locks: ks_mtx guards the handle table, the handles' counters and flags,
 * the waiter lists and the waker pool; it is taken before a handle's lk
 * and before the core lock, and never held while waiting.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "lwip/api.h"
#include "lwip/sockets.h"
#include "lwip/tcpip.h"
#include "lwip/priv/sockets_priv.h"

#include "kernel/hyper.h"
#include "kernel/kcall.h"
#include "netcomp/netinet.h"
#include "netcomp/socktab.h"

struct kswaker {
	int fd;                         /* lwIP socket, never bound */
	int raised;                     /* ks_mtx */
	struct kswaker *next;           /* ks_mtx: free list */
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
struct ksent *
ksent_hold(int h)
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

void
ksent_rele(int h, struct ksent *e)
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

int
ksent_nonblocking(struct ksent *e, int flags)
{
	int nb;

	hyp_mtx_enter(&ks_mtx);
	nb = e->nonblock;
	hyp_mtx_exit(&ks_mtx);
	return nb || (flags & MSG_DONTWAIT);
}

int
ksent_aborted(struct ksent *e)
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

/* kcall wake function: a cancelled call's wait ends as an abort's does. */
static void
waker_cancel(void *arg)
{
	hyp_mtx_enter(&ks_mtx);
	waker_raise(arg);
	hyp_mtx_exit(&ks_mtx);
}

/* ---- waiting ---- */

uint64_t
ks_now_ms(void)
{
	return hyp_clock_mono_ns() / 1000000u;
}

/* Remaining ms until deadline (UINT64_MAX: none) as poll's timeout. */
int
ks_remaining(uint64_t deadline)
{
	uint64_t now;

	if (deadline == UINT64_MAX)
		return -1;
	now = ks_now_ms();
	if (now >= deadline)
		return 0;
	return deadline - now > INT_MAX ? INT_MAX : (int)(deadline - now);
}

uint64_t
ks_deadline_after(int ms)
{
	return ms <= 0 ? UINT64_MAX : ks_now_ms() + (uint64_t)ms;
}

/*
 * Wait until one of n handles has one of its events, the deadline passes
 * or one of them is aborted.  pfd[0..n-1] are the caller's entries (fd =
 * handle, events set), es[] their held entries.  Returns poll's count (0:
 * timed out) or -errno; revents filled in.  An aborted handle reports
 * POLLHUP (plus its requested POLLIN/POLLOUT) at once.  A cancelled call
 * (kernel/kcall.h) returns -EINTR.
 */
int
ksent_wait(struct ksent **es, struct pollfd *pfd, nfds_t n,
    uint64_t deadline, struct kswaiter *wts)
{
	struct kswaker *w;
	nfds_t i;
	int r, hit;

	if ((w = waker_get()) == NULL)
		return -ENOMEM;
	if ((r = kcall_sleep_begin(waker_cancel, w)) != 0) {
		waker_put(w);
		return r;
	}
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
	r = hit ? 0 : lwip_poll(pfd, n + 1, ks_remaining(deadline));
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
	kcall_sleep_end();
	waker_put(w);
	if (r >= 0 && kcall_cancelled())
		r = -EINTR;
	if (r < 0)
		return r;
	for (i = 0, r = 0; i < n; i++)
		r += pfd[i].revents != 0;
	return r;
}

/* Wait for one handle: 0 to try again, -EAGAIN when timed out. */
int
ksent_wait_one(struct ksent *e, int h, short events, uint64_t deadline)
{
	struct pollfd pfd[2];
	struct kswaiter wt[1];
	int r;

	pfd[0].fd = h;
	pfd[0].events = events;
	r = ksent_wait(&e, pfd, 1, deadline, wt);
	if (r < 0)
		return r;
	if (r == 0 && !ksent_aborted(e) && ks_remaining(deadline) == 0)
		return -EAGAIN;
	return 0;
}

int
ksent_adopt(int fd, int family, int type, int nonblock)
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
	if ((error = tab_insert(fd, e)) != 0) {
		destroy(fd, e);
		return error;
	}
	return fd;
}

int
ksent_close(int h)
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

int
ksent_abort(int h)
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

int
ksent_timeo_set(struct ksent *e, int name, const void *val, socklen_t len)
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

int
ksent_timeo_get(struct ksent *e, int name, void *val, socklen_t *len)
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

uint64_t
ksent_deadline(struct ksent *e, int rcv)
{
	int ms;

	hyp_mtx_enter(&ks_mtx);
	ms = rcv ? e->rcvtimeo_ms : e->sndtimeo_ms;
	hyp_mtx_exit(&ks_mtx);
	return ks_deadline_after(ms);
}

void
ksent_set_nonblock(struct ksent *e, int nonblock)
{
	hyp_mtx_enter(&ks_mtx);
	e->nonblock = nonblock;
	hyp_mtx_exit(&ks_mtx);
}

int
ksent_connecting(struct ksent *e, int set)
{
	int was;

	hyp_mtx_enter(&ks_mtx);
	was = e->connecting;
	e->connecting = set;
	hyp_mtx_exit(&ks_mtx);
	return was;
}
