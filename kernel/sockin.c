/*
 * sockin.c — the rumpnet_sockin component: a socket backend (ksock) whose
 * sockets are the host's, as NetBSD's sockin.  A node with it has no
 * interfaces of its own; its clients' sockets live in the host's stack.
 * It is also what the kernel core's tests run the whole sysproxy path on
 * without a TCP/IP stack of our own.
 *
 * Handles are host descriptors.  abort() is shutdown(SHUT_RDWR), which on
 * Linux wakes a blocked accept, connect, send, recv or poll and makes the
 * next one return at once.  Only AF_INET and AF_INET6 are carried; this
 * file is the host half of the component and calls the host's socket API
 * directly.  A cancelled call (kernel/kcall.h) wakes only from poll,
 * which waits on an eventfd beside the sockets; accept, connect, send and
 * recv block in the host and finish as the host lets them.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kernel/component.h"
#include "kernel/kcall.h"
#include "kernel/ksock.h"

/* A host call's result as ours: the value, or -errno. */
static long
ret(long r)
{
	return r < 0 ? -errno : r;
}

static int
si_socket(int domain, int type, int proto)
{
	int h;

	if (domain != AF_INET && domain != AF_INET6)
		return -EAFNOSUPPORT;
	h = socket(domain, type | SOCK_CLOEXEC, proto);
	return ret(h);
}

static int
si_close(int h)
{
	return ret(close(h));
}

static int
si_abort(int h)
{
	/* ENOTCONN on an unconnected socket still wakes its waiters. */
	shutdown(h, SHUT_RDWR);
	return 0;
}

static int
si_bind(int h, const struct sockaddr *sa, socklen_t len)
{
	return ret(bind(h, sa, len));
}

static int
si_connect(int h, const struct sockaddr *sa, socklen_t len)
{
	return ret(connect(h, sa, len));
}

static int
si_listen(int h, int backlog)
{
	return ret(listen(h, backlog));
}

static int
si_accept(int h, struct sockaddr *sa, socklen_t *len)
{
	int nh = accept4(h, sa, len, SOCK_CLOEXEC);

	return ret(nh);
}

static ssize_t
si_sendto(int h, const void *buf, size_t len, int flags,
    const struct sockaddr *to, socklen_t tolen)
{
	ssize_t n = sendto(h, buf, len, flags | MSG_NOSIGNAL, to, tolen);

	return ret(n);
}

static ssize_t
si_recvfrom(int h, void *buf, size_t len, int flags, struct sockaddr *from,
    socklen_t *fromlen)
{
	ssize_t n = recvfrom(h, buf, len, flags, from, fromlen);

	return ret(n);
}

static int
si_getsockopt(int h, int level, int name, void *val, socklen_t *len)
{
	return ret(getsockopt(h, level, name, val, len));
}

static int
si_setsockopt(int h, int level, int name, const void *val, socklen_t len)
{
	return ret(setsockopt(h, level, name, val, len));
}

static int
si_getsockname(int h, struct sockaddr *sa, socklen_t *len)
{
	return ret(getsockname(h, sa, len));
}

static int
si_getpeername(int h, struct sockaddr *sa, socklen_t *len)
{
	return ret(getpeername(h, sa, len));
}

static int
si_shutdown(int h, int how)
{
	return ret(shutdown(h, how));
}

static void
poll_wake(void *arg)
{
	uint64_t one = 1;

	(void)!write(*(int *)arg, &one, sizeof(one));
}

/* poll, with an eventfd beside the caller's entries that a cancel of
 * the call raises. */
static int
si_poll(struct pollfd *fds, nfds_t n, int timeout_ms)
{
	struct pollfd *pfd;
	int efd, r;

	if ((pfd = calloc(n + 1, sizeof(*pfd))) == NULL)
		return -ENOMEM;
	if ((efd = eventfd(0, EFD_CLOEXEC)) < 0) {
		free(pfd);
		return -errno;
	}
	memcpy(pfd, fds, n * sizeof(*fds));
	pfd[n].fd = efd;
	pfd[n].events = POLLIN;
	if ((r = kcall_sleep_begin(poll_wake, &efd)) == 0) {
		while ((r = poll(pfd, n + 1, timeout_ms)) < 0 && errno == EINTR)
			;
		r = ret(r);
		kcall_sleep_end();
	}
	close(efd);
	if (r >= 0 && kcall_cancelled())
		r = -EINTR;
	else if (r > 0) {
		r -= pfd[n].revents != 0;
		memcpy(fds, pfd, n * sizeof(*fds));
	}
	free(pfd);
	return r;
}

static int
si_nread(int h)
{
	int n;

	return ioctl(h, FIONREAD, &n) < 0 ? -errno : n;
}

static int
si_getfl(int h)
{
	return ret(fcntl(h, F_GETFL));
}

static int
si_setfl(int h, int flags)
{
	int fl = fcntl(h, F_GETFL);

	if (fl < 0)
		return -errno;
	fl = (fl & ~O_NONBLOCK) | (flags & O_NONBLOCK);
	return fcntl(h, F_SETFL, fl) < 0 ? -errno : 0;
}

static const struct ksock_ops sockin_ops = {
	.name = "sockin",
	.socket = si_socket,
	.close = si_close,
	.abort = si_abort,
	.bind = si_bind,
	.connect = si_connect,
	.listen = si_listen,
	.accept = si_accept,
	.sendto = si_sendto,
	.recvfrom = si_recvfrom,
	.getsockopt = si_getsockopt,
	.setsockopt = si_setsockopt,
	.getsockname = si_getsockname,
	.getpeername = si_getpeername,
	.shutdown = si_shutdown,
	.poll = si_poll,
	.nread = si_nread,
	.getfl = si_getfl,
	.setfl = si_setfl,
};

static int
sockin_init(char *err, size_t errlen)
{
	if (ksock() != NULL) {
		snprintf(err, errlen, "another socket backend (%s) is loaded",
		    ksock()->name);
		return -EEXIST;
	}
	ksock_register(&sockin_ops);
	return 0;
}

static void
sockin_fini(void)
{
	ksock_register(NULL);
}

static const struct component comp_sockin = {
	.name = "rumpnet_sockin",
	.deps = { "rumpnet_net", NULL },
	.init = sockin_init,
	.fini = sockin_fini,
};
COMPONENT_REGISTER(comp_sockin);
