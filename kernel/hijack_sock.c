/*
 * hijack_sock.c — librumphijack's socket and data wrappers: socket,
 * bind, connect, listen, accept, accept4, the send and receive families
 * (with their glibc _chk forms), read, write, readv, writev, sendfile,
 * get/setsockopt, getsockname, getpeername, shutdown and fdopen.  A
 * descriptor that is not a node one goes to libc untouched.
 *
 * Differences from the host, each on purpose:
 *  - raw and ICMP sockets are refused (EPERM, said once): /bin/ping and
 *    friends want privileges and options a node does not carry, and the
 *    rump.ping, rump.ping6 and rump.traceroute commands exist for them;
 *  - ancillary data (cmsg) on send is refused with EOPNOTSUPP, said once;
 *    none is received (msg_controllen 0): the node's stack has none;
 *  - a send on a broken connection raises SIGPIPE here, in the program,
 *    as the host's kernel would (the node never signals).
 */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <unistd.h>

#include "kernel/hijack.h"
#include "kernel/rumpclient.h"

/* The next definition of name (libc's), looked up once. */
#define NEXT(name) ({                                                   \
	static __typeof__(&name) next_;                                 \
	if (__builtin_expect(next_ == NULL, 0))                         \
		*(void **)&next_ = hj_next_symbol(#name);               \
	next_;                                                          \
})

/* A node call's result: on failure, say once if the node is missing. */
static long
node_ret(long r)
{
	if (r < 0)
		errno = hj_node_error(errno);
	return r;
}

/* A send that broke the connection: SIGPIPE as the host would raise. */
static ssize_t
send_ret(ssize_t r, int flags)
{
	if (r < 0 && errno == EPIPE && !(flags & MSG_NOSIGNAL))
		raise(SIGPIPE);
	return node_ret(r);
}

int
socket(int domain, int type, int proto)
{
	int base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC), n;

	HJ_INIT();
	if (!hj_family(domain))
		return hj_real.socket(domain, type, proto);
	if (base == SOCK_RAW || (base == SOCK_DGRAM &&
	    (proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6))) {
		hj_say_once(HJ_SAY_RAW, "raw and ICMP sockets are not carried "
		    "to the node; use rump.ping, rump.ping6 or rump.traceroute");
		errno = EPERM;
		return -1;
	}
	if ((n = (int)node_ret(rump_sys_socket(domain, type & ~SOCK_CLOEXEC,
	    proto))) < 0)
		return -1;
	return hj_adopt(n, type & SOCK_CLOEXEC);
}

int
bind(int fd, const struct sockaddr *sa, socklen_t len)
{
	int n;

	HJ_INIT();
	if ((n = hj_node(fd)) < 0)
		return NEXT(bind)(fd, sa, len);
	return (int)node_ret(rump_sys_bind(n, sa, len));
}

int
connect(int fd, const struct sockaddr *sa, socklen_t len)
{
	int n;

	HJ_INIT();
	if ((n = hj_node(fd)) < 0)
		return hj_real.connect(fd, sa, len);
	hj_touch(fd);
	return (int)node_ret(rump_sys_connect(n, sa, len));
}

int
listen(int fd, int backlog)
{
	int n;

	HJ_INIT();
	if ((n = hj_node(fd)) < 0)
		return NEXT(listen)(fd, backlog);
	return (int)node_ret(rump_sys_listen(n, backlog));
}

int
accept4(int fd, struct sockaddr *sa, socklen_t *len, int flags)
{
	int n, nn;

	HJ_INIT();
	if ((n = hj_node(fd)) < 0)
		return NEXT(accept4)(fd, sa, len, flags);
	hj_touch(fd);
	if ((nn = (int)node_ret(rump_sys_accept4(n, sa, len,
	    flags & ~SOCK_CLOEXEC))) < 0)
		return -1;
	return hj_adopt(nn, flags & SOCK_CLOEXEC);
}

int
accept(int fd, struct sockaddr *sa, socklen_t *len)
{
	HJ_INIT();
	if (hj_node(fd) < 0)
		return NEXT(accept)(fd, sa, len);
	return accept4(fd, sa, len, 0);
}

ssize_t
sendto(int fd, const void *buf, size_t len, int flags,
    const struct sockaddr *to, socklen_t tolen)
{
	int n;

	HJ_INIT();
	if ((n = hj_node(fd)) < 0)
		return NEXT(sendto)(fd, buf, len, flags, to, tolen);
	hj_touch(fd);
	return send_ret(rump_sys_sendto(n, buf, len, flags, to, tolen), flags);
}

ssize_t
send(int fd, const void *buf, size_t len, int flags)
{
	HJ_INIT();
	if (hj_node(fd) < 0)
		return hj_real.send(fd, buf, len, flags);
	return sendto(fd, buf, len, flags, NULL, 0);
}

ssize_t
sendmsg(int fd, const struct msghdr *msg, int flags)
{
	const struct cmsghdr *c;
	int n;

	HJ_INIT();
	if ((n = hj_node(fd)) < 0)
		return NEXT(sendmsg)(fd, msg, flags);
	if (msg->msg_controllen > 0 && msg->msg_control != NULL) {
		c = CMSG_FIRSTHDR((struct msghdr *)msg);
		hj_say_once(HJ_SAY_CMSG, "ancillary data (level %d, type %d) "
		    "is not carried to the node", c ? c->cmsg_level : -1,
		    c ? c->cmsg_type : -1);
		errno = EOPNOTSUPP;
		return -1;
	}
	hj_touch(fd);
	return send_ret(rump_sys_sendmsg(n, msg, flags), flags);
}

int
sendmmsg(int fd, struct mmsghdr *v, unsigned int vlen, int flags)
{
	unsigned int i;
	ssize_t r;

	HJ_INIT();
	if (hj_node(fd) < 0)
		return NEXT(sendmmsg)(fd, v, vlen, flags);
	for (i = 0; i < vlen; i++) {
		if ((r = sendmsg(fd, &v[i].msg_hdr, flags)) < 0)
			return i > 0 ? (int)i : -1;
		v[i].msg_len = (unsigned int)r;
	}
	return (int)i;
}

ssize_t
recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from,
    socklen_t *fromlen)
{
	int n;

	HJ_INIT();
	if ((n = hj_node(fd)) < 0)
		return NEXT(recvfrom)(fd, buf, len, flags, from, fromlen);
	hj_touch(fd);
	return node_ret(rump_sys_recvfrom(n, buf, len, flags, from, fromlen));
}

ssize_t
recv(int fd, void *buf, size_t len, int flags)
{
	HJ_INIT();
	if (hj_node(fd) < 0)
		return NEXT(recv)(fd, buf, len, flags);
	return recvfrom(fd, buf, len, flags, NULL, NULL);
}

ssize_t
recvmsg(int fd, struct msghdr *msg, int flags)
{
	int n;

	HJ_INIT();
	if ((n = hj_node(fd)) < 0)
		return NEXT(recvmsg)(fd, msg, flags);
	hj_touch(fd);
	return node_ret(rump_sys_recvmsg(n, msg, flags));
}

int
recvmmsg(int fd, struct mmsghdr *v, unsigned int vlen, int flags,
    struct timespec *timeout)
{
	unsigned int i;
	ssize_t r;

	HJ_INIT();
	if (hj_node(fd) < 0)
		return NEXT(recvmmsg)(fd, v, vlen, flags, timeout);
	for (i = 0; i < vlen; i++) {
		if ((r = recvmsg(fd, &v[i].msg_hdr, flags)) < 0)
			return i > 0 ? (int)i : -1;
		v[i].msg_len = (unsigned int)r;
		if (flags & MSG_WAITFORONE)
			flags |= MSG_DONTWAIT;
	}
	return (int)i;
}

ssize_t
read(int fd, void *buf, size_t len)
{
	int n;

	HJ_INIT();
	if ((n = hj_node(fd)) < 0)
		return hj_real.read(fd, buf, len);
	hj_touch(fd);
	return node_ret(rump_sys_read(n, buf, len));
}

ssize_t
write(int fd, const void *buf, size_t len)
{
	int n;

	HJ_INIT();
	if ((n = hj_node(fd)) < 0)
		return hj_real.write(fd, buf, len);
	hj_touch(fd);
	return send_ret(rump_sys_write(n, buf, len), 0);
}

static size_t
iov_len(const struct iovec *iov, int cnt)
{
	size_t n = 0;
	int i;

	for (i = 0; i < cnt; i++)
		n += iov[i].iov_len;
	return n;
}

/* readv and writev on a node descriptor: one message of the vector. */
static ssize_t
vector(int fd, const struct iovec *iov, int cnt, int out)
{
	struct msghdr m;

	if (cnt < 0 || iov_len(iov, cnt) > SSIZE_MAX) {
		errno = EINVAL;
		return -1;
	}
	memset(&m, 0, sizeof(m));
	m.msg_iov = (struct iovec *)iov;
	m.msg_iovlen = (size_t)cnt;
	return out ? sendmsg(fd, &m, 0) : recvmsg(fd, &m, 0);
}

ssize_t
readv(int fd, const struct iovec *iov, int cnt)
{
	HJ_INIT();
	if (hj_node(fd) < 0)
		return hj_real.readv(fd, iov, cnt);
	return vector(fd, iov, cnt, 0);
}

ssize_t
writev(int fd, const struct iovec *iov, int cnt)
{
	HJ_INIT();
	if (hj_node(fd) < 0)
		return hj_real.writev(fd, iov, cnt);
	return vector(fd, iov, cnt, 1);
}

/* glibc's checked forms (_FORTIFY_SOURCE). */
ssize_t __read_chk(int fd, void *buf, size_t len, size_t buflen);
ssize_t __recv_chk(int fd, void *buf, size_t len, size_t buflen, int flags);
ssize_t __recvfrom_chk(int fd, void *buf, size_t len, size_t buflen,
    int flags, struct sockaddr *from, socklen_t *fromlen);
void __chk_fail(void) __attribute__((noreturn));

ssize_t
__read_chk(int fd, void *buf, size_t len, size_t buflen)
{
	if (len > buflen)
		__chk_fail();
	return read(fd, buf, len);
}

ssize_t
__recv_chk(int fd, void *buf, size_t len, size_t buflen, int flags)
{
	if (len > buflen)
		__chk_fail();
	return recv(fd, buf, len, flags);
}

ssize_t
__recvfrom_chk(int fd, void *buf, size_t len, size_t buflen, int flags,
    struct sockaddr *from, socklen_t *fromlen)
{
	if (len > buflen)
		__chk_fail();
	return recvfrom(fd, buf, len, flags, from, fromlen);
}

/* sendfile to a node socket: the file's bytes read here and written. */
static ssize_t
sendfile_node(int out, int in, off_t *off, size_t count)
{
	char buf[65536];
	ssize_t r, w, done = 0;
	size_t want;

	while ((size_t)done < count) {
		want = count - (size_t)done < sizeof(buf) ?
		    count - (size_t)done : sizeof(buf);
		r = off != NULL ? pread(in, buf, want, *off) :
		    hj_real.read(in, buf, want);
		if (r <= 0) {
			if (r < 0 && done == 0)
				return -1;
			break;
		}
		if ((w = write(out, buf, (size_t)r)) < 0)
			return done > 0 ? done : -1;
		if (off != NULL)
			*off += w;
		else if (w < r)         /* give back what was not sent */
			lseek(in, (off_t)(w - r), SEEK_CUR);
		done += w;
		if (w < r)
			break;
	}
	return done;
}

ssize_t
sendfile(int out, int in, off_t *off, size_t count)
{
	HJ_INIT();
	if (hj_node(in) >= 0) {
		errno = EINVAL;         /* as the host: the source must mmap */
		return -1;
	}
	if (hj_node(out) < 0)
		return hj_real.sendfile(out, in, off, count);
	return sendfile_node(out, in, off, count);
}

ssize_t
sendfile64(int out, int in, off64_t *off, size_t count)
{
	return sendfile(out, in, (off_t *)off, count);
}

int
getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	int n;

	HJ_INIT();
	if ((n = hj_node(fd)) < 0)
		return NEXT(getsockopt)(fd, level, name, val, len);
	return (int)node_ret(rump_sys_getsockopt(n, level, name, val, len));
}

int
setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	int n;

	HJ_INIT();
	if ((n = hj_node(fd)) < 0)
		return hj_real.setsockopt(fd, level, name, val, len);
	return (int)node_ret(rump_sys_setsockopt(n, level, name, val, len));
}

int
getsockname(int fd, struct sockaddr *sa, socklen_t *len)
{
	int n;

	HJ_INIT();
	if ((n = hj_node(fd)) < 0)
		return NEXT(getsockname)(fd, sa, len);
	return (int)node_ret(rump_sys_getsockname(n, sa, len));
}

int
getpeername(int fd, struct sockaddr *sa, socklen_t *len)
{
	int n;

	HJ_INIT();
	if ((n = hj_node(fd)) < 0)
		return NEXT(getpeername)(fd, sa, len);
	return (int)node_ret(rump_sys_getpeername(n, sa, len));
}

int
shutdown(int fd, int how)
{
	int n;

	HJ_INIT();
	if ((n = hj_node(fd)) < 0)
		return hj_real.shutdown(fd, how);
	return (int)node_ret(rump_sys_shutdown(n, how));
}

/* stdio on a node socket: its reads and writes come back through the
 * wrappers (libc's own FILE code would use the placeholder). */
static ssize_t
cookie_read(void *c, char *buf, size_t len)
{
	return read((int)(intptr_t)c, buf, len);
}

static ssize_t
cookie_write(void *c, const char *buf, size_t len)
{
	return write((int)(intptr_t)c, buf, len);
}

static int
cookie_close(void *c)
{
	return close((int)(intptr_t)c);
}

FILE *
fdopen(int fd, const char *mode)
{
	cookie_io_functions_t io = { cookie_read, cookie_write, NULL,
	    cookie_close };

	HJ_INIT();
	if (hj_node(fd) < 0)
		return hj_real.fdopen(fd, mode);
	return fopencookie((void *)(intptr_t)fd, mode, io);
}
