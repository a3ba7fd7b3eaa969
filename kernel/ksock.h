/*
 * ksock.h — the socket layer the kernel core dispatches client socket calls
 * to.  A network faction registers one backend: netinet (lwIP) or sockin
 * (the host's sockets).  The sysproxy server maps each client process's
 * descriptors onto backend handles.
 *
 * Contract: handles are small non-negative ints owned by the backend.
 * Every op returns >= 0 or -errno (Linux values); sockaddrs and constants
 * are glibc's.  accept, connect, send*, recv*, poll may block the calling
 * thread (the server gives each in-flight call its own thread).  abort()
 * wakes every thread blocked on the handle and makes any later blocking
 * call on it return at once (as shutdown(SHUT_RDWR) does); the handle is
 * then closed with close() once no call uses it.  abort() never blocks.
 * The server passes poll() only valid handles (it answers POLLNVAL itself)
 * and never calls poll() with n == 0.  sendto must not raise SIGPIPE.
 * A call made for a client whose call is cancelled (kernel/kcall.h) ends
 * its wait and returns -EINTR, or what it did before (the bytes of a
 * partial send); a backend that cannot wake a wait says which in its
 * header.
 */
#ifndef RUMPLAB_KSOCK_H
#define RUMPLAB_KSOCK_H

#include <poll.h>
#include <sys/socket.h>
#include <sys/types.h>

struct ksock_ops {
	const char *name;
	int     (*socket)(int domain, int type, int proto);
	int     (*close)(int h);
	int     (*abort)(int h);
	int     (*bind)(int h, const struct sockaddr *sa, socklen_t len);
	int     (*connect)(int h, const struct sockaddr *sa, socklen_t len);
	int     (*listen)(int h, int backlog);
	int     (*accept)(int h, struct sockaddr *sa, socklen_t *len);
	ssize_t (*sendto)(int h, const void *buf, size_t len, int flags,
	            const struct sockaddr *to, socklen_t tolen);
	ssize_t (*recvfrom)(int h, void *buf, size_t len, int flags,
	            struct sockaddr *from, socklen_t *fromlen);
	int     (*getsockopt)(int h, int level, int name, void *val,
	            socklen_t *len);
	int     (*setsockopt)(int h, int level, int name, const void *val,
	            socklen_t len);
	int     (*getsockname)(int h, struct sockaddr *sa, socklen_t *len);
	int     (*getpeername)(int h, struct sockaddr *sa, socklen_t *len);
	int     (*shutdown)(int h, int how);
	/* fds[i].fd are handles */
	int     (*poll)(struct pollfd *fds, nfds_t n, int timeout_ms);
	/* bytes that a receive would return now (FIONREAD) */
	int     (*nread)(int h);
	/* O_NONBLOCK get/set: returns current flags / 0 */
	int     (*getfl)(int h);
	int     (*setfl)(int h, int flags);
};

void ksock_register(const struct ksock_ops *ops);
const struct ksock_ops *ksock(void);

#endif
