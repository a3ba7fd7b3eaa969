/*
 * hijack_poll.c — librumphijack's poll, ppoll and select families.  A set
 * with no node descriptor goes to libc untouched; a set with node ones is
 * split, the node part asked in one POLL call and the host part polled
 * beside its reply (rump_sys_poll_host), so a wait costs one round trip
 * however many node descriptors it holds and a host descriptor ready
 * first ends it at once.
 *
 * A signal mask given to ppoll or pselect is installed for the wait with
 * pthread_sigmask and restored after: not atomic with the wait as the
 * host's call is, so a signal unblocked by it may arrive just before the
 * wait and not end it.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/hijack.h"
#include "kernel/rumpclient.h"

#define STACK_FDS 32

static int
ts_ms(const struct timespec *ts)
{
	long long ms;

	if (ts == NULL)
		return -1;
	if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= 1000000000L)
		return -2;
	ms = (long long)ts->tv_sec * 1000 + (ts->tv_nsec + 999999) / 1000000;
	return ms > INT_MAX ? INT_MAX : (int)ms;
}

/*
 * The split poll: fds[] as the program gave it; node entries asked of the
 * node with their node descriptors, the rest polled on the host.
 */
static int
poll_split(struct pollfd *fds, nfds_t n, int timeout_ms)
{
	struct pollfd snode[STACK_FDS], shost[STACK_FDS];
	struct pollfd *node = snode, *host = shost;
	nfds_t i, nn = 0, nh = 0;
	int r, k;

	if (n > STACK_FDS && ((node = calloc(n, sizeof(*node))) == NULL ||
	    (host = calloc(n, sizeof(*host))) == NULL)) {
		free(node);
		errno = ENOMEM;
		return -1;
	}
	for (i = 0; i < n; i++) {
		fds[i].revents = 0;
		if (fds[i].fd >= 0 && (k = hj_node(fds[i].fd)) >= 0) {
			node[nn] = fds[i];
			node[nn++].fd = k;
		} else
			host[nh++] = fds[i];
	}
	r = rump_sys_poll_host(node, nn, host, nh, timeout_ms);
	for (i = 0, nn = 0, nh = 0; r >= 0 && i < n; i++) {
		if (fds[i].fd >= 0 && hj_node(fds[i].fd) >= 0)
			fds[i].revents = node[nn++].revents;
		else
			fds[i].revents = host[nh++].revents;
	}
	if (r < 0)
		errno = hj_node_error(errno);
	if (node != snode) {
		free(node);
		free(host);
	}
	return r;
}

static int
has_node(const struct pollfd *fds, nfds_t n)
{
	nfds_t i;

	if (hj_count() == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (fds[i].fd >= 0 && hj_node(fds[i].fd) >= 0)
			return 1;
	return 0;
}

int
poll(struct pollfd *fds, nfds_t n, int timeout_ms)
{
	HJ_INIT();
	if (!has_node(fds, n))
		return hj_real.poll(fds, n, timeout_ms);
	return poll_split(fds, n, timeout_ms);
}

int
ppoll(struct pollfd *fds, nfds_t n, const struct timespec *ts,
    const sigset_t *mask)
{
	sigset_t old;
	int r, ms, error;

	HJ_INIT();
	if (!has_node(fds, n))
		return hj_real.ppoll(fds, n, ts, mask);
	if ((ms = ts_ms(ts)) == -2) {
		errno = EINVAL;
		return -1;
	}
	if (mask != NULL)
		pthread_sigmask(SIG_SETMASK, mask, &old);
	r = poll_split(fds, n, ms);
	error = errno;
	if (mask != NULL)
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	errno = error;
	return r;
}

int __poll_chk(struct pollfd *fds, nfds_t n, int timeout, size_t fdslen);
int __ppoll_chk(struct pollfd *fds, nfds_t n, const struct timespec *ts,
    const sigset_t *mask, size_t fdslen);
void __chk_fail(void) __attribute__((noreturn));

int
__poll_chk(struct pollfd *fds, nfds_t n, int timeout, size_t fdslen)
{
	if (fdslen / sizeof(*fds) < n)
		__chk_fail();
	return poll(fds, n, timeout);
}

int
__ppoll_chk(struct pollfd *fds, nfds_t n, const struct timespec *ts,
    const sigset_t *mask, size_t fdslen)
{
	if (fdslen / sizeof(*fds) < n)
		__chk_fail();
	return ppoll(fds, n, ts, mask);
}

/*
 * select over poll: each descriptor in any set becomes one entry; a node
 * descriptor's POLLHUP or POLLERR reads as readable (the next read says
 * what happened), as the host's select reports them.
 */
static int
select_split(int nfds, fd_set *rd, fd_set *wr, fd_set *ex, int ms)
{
	struct pollfd sfds[STACK_FDS], *p = sfds;
	int fd, n = 0, r, k, count = 0;

	if (nfds > FD_SETSIZE)
		nfds = FD_SETSIZE;
	for (fd = 0; fd < nfds; fd++)
		n += (rd && FD_ISSET(fd, rd)) || (wr && FD_ISSET(fd, wr)) ||
		    (ex && FD_ISSET(fd, ex));
	if (n > STACK_FDS && (p = calloc((size_t)n, sizeof(*p))) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	for (fd = 0, k = 0; fd < nfds; fd++) {
		short ev = 0;

		if (rd && FD_ISSET(fd, rd))
			ev |= POLLIN;
		if (wr && FD_ISSET(fd, wr))
			ev |= POLLOUT;
		if (ex && FD_ISSET(fd, ex))
			ev |= POLLPRI;
		if (ev != 0) {
			p[k].fd = fd;
			p[k++].events = ev;
		}
	}
	r = poll_split(p, (nfds_t)n, ms);
	if (r >= 0) {
		for (fd = 0; fd < nfds; fd++) {
			if (rd)
				FD_CLR(fd, rd);
			if (wr)
				FD_CLR(fd, wr);
			if (ex)
				FD_CLR(fd, ex);
		}
		for (k = 0; k < n; k++) {
			short re = p[k].revents;

			if (re & POLLNVAL) {
				r = -1;
				errno = EBADF;
				break;
			}
			if ((p[k].events & POLLIN) &&
			    (re & (POLLIN | POLLHUP | POLLERR)))
				FD_SET(p[k].fd, rd), count++;
			if ((p[k].events & POLLOUT) && (re & (POLLOUT | POLLERR)))
				FD_SET(p[k].fd, wr), count++;
			if ((p[k].events & POLLPRI) && (re & POLLPRI))
				FD_SET(p[k].fd, ex), count++;
		}
	}
	if (p != sfds)
		free(p);
	return r < 0 ? -1 : count;
}

static int
sets_have_node(int nfds, fd_set *rd, fd_set *wr, fd_set *ex)
{
	int fd;

	if (hj_count() == 0)
		return 0;
	if (nfds > FD_SETSIZE)
		nfds = FD_SETSIZE;
	for (fd = 0; fd < nfds; fd++)
		if (((rd && FD_ISSET(fd, rd)) || (wr && FD_ISSET(fd, wr)) ||
		    (ex && FD_ISSET(fd, ex))) && hj_node(fd) >= 0)
			return 1;
	return 0;
}

int
select(int nfds, fd_set *rd, fd_set *wr, fd_set *ex, struct timeval *tv)
{
	long long ms = -1;

	HJ_INIT();
	if (!sets_have_node(nfds, rd, wr, ex))
		return hj_real.select(nfds, rd, wr, ex, tv);
	if (tv != NULL) {
		if (tv->tv_sec < 0 || tv->tv_usec < 0) {
			errno = EINVAL;
			return -1;
		}
		ms = (long long)tv->tv_sec * 1000 + (tv->tv_usec + 999) / 1000;
		if (ms > INT_MAX)
			ms = INT_MAX;
	}
	/* Linux leaves the time not slept in tv; programs that loop on it
	 * see the whole wait gone, which is what happened when it ended. */
	return select_split(nfds, rd, wr, ex, (int)ms);
}

int
pselect(int nfds, fd_set *rd, fd_set *wr, fd_set *ex,
    const struct timespec *ts, const sigset_t *mask)
{
	sigset_t old;
	int r, ms, error;

	HJ_INIT();
	if (!sets_have_node(nfds, rd, wr, ex))
		return hj_real.pselect(nfds, rd, wr, ex, ts, mask);
	if ((ms = ts_ms(ts)) == -2) {
		errno = EINVAL;
		return -1;
	}
	if (mask != NULL)
		pthread_sigmask(SIG_SETMASK, mask, &old);
	r = select_split(nfds, rd, wr, ex, ms);
	error = errno;
	if (mask != NULL)
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	errno = error;
	return r;
}
