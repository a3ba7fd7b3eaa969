/*
 * rumpclient_sys.c — the rump_sys_* calls of librumpclient: each builds a
 * sysproxy request (kernel/SYSPROXY.txt), makes the call through
 * rumpclient_call() (rumpclient.c, which owns the connection) and turns
 * the reply into libc's form: results copied out, -1 and errno on failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "kernel/rumpclient.h"
#include "kernel/rumpclient_call.h"
#include "kernel/sysproxy_wire.h"

long
rumpclient_libc(long r)
{
	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

long
rumpclient_call_simple(struct sp_msg *req)
{
	struct sp_msg rep;
	uint8_t *frame;
	long r;

	r = rumpclient_call(req, &rep, &frame);
	free(frame);
	return rumpclient_libc(r);
}


static void
msg_init(struct sp_msg *m, uint16_t callno)
{
	memset(m, 0, sizeof(*m));
	m->h.call = callno;
}

/* Copy a returned address out as the libc calls do. */
static void
addr_out(const struct sp_msg *rep, struct sockaddr *sa, socklen_t *len)
{
	if (sa == NULL || len == NULL)
		return;
	memcpy(sa, &rep->sa, *len < rep->salen ? *len : rep->salen);
	*len = rep->salen;
}

int
rump_sys_socket(int domain, int type, int protocol)
{
	struct sp_msg m;

	msg_init(&m, SP_SOCKET);
	m.i[0] = domain;
	m.i[1] = type;
	m.i[2] = protocol;
	return (int)rumpclient_call_simple(&m);
}

static int
addr_call(uint16_t callno, int s, const struct sockaddr *sa, socklen_t len)
{
	struct sp_msg m;
	int error;

	msg_init(&m, callno);
	m.i[0] = s;
	if (sa == NULL)
		return (int)rumpclient_libc(-EFAULT);
	if ((error = sp_addr_set(&m, sa, len)) != 0)
		return (int)rumpclient_libc(error);
	return (int)rumpclient_call_simple(&m);
}

int
rump_sys_bind(int s, const struct sockaddr *sa, socklen_t len)
{
	return addr_call(SP_BIND, s, sa, len);
}

int
rump_sys_connect(int s, const struct sockaddr *sa, socklen_t len)
{
	return addr_call(SP_CONNECT, s, sa, len);
}

int
rump_sys_listen(int s, int backlog)
{
	struct sp_msg m;

	msg_init(&m, SP_LISTEN);
	m.i[0] = s;
	m.i[1] = backlog;
	return (int)rumpclient_call_simple(&m);
}

int
rump_sys_accept(int s, struct sockaddr *sa, socklen_t *len)
{
	return rump_sys_accept4(s, sa, len, 0);
}

int
rump_sys_accept4(int s, struct sockaddr *sa, socklen_t *len, int flags)
{
	struct sp_msg m, rep;
	uint8_t *frame;
	long r;

	msg_init(&m, SP_ACCEPT);
	m.i[0] = s;
	m.i[1] = flags;
	if ((r = rumpclient_call(&m, &rep, &frame)) >= 0)
		addr_out(&rep, sa, len);
	free(frame);
	return (int)rumpclient_libc(r);
}

ssize_t
rump_sys_sendto(int s, const void *buf, size_t len, int flags,
    const struct sockaddr *to, socklen_t tolen)
{
	struct sp_msg m;
	int error;

	msg_init(&m, SP_SENDTO);
	m.i[0] = s;
	m.i[1] = flags;
	if (to != NULL && (error = sp_addr_set(&m, to, tolen)) != 0)
		return rumpclient_libc(error);
	m.data = buf;
	m.datalen = len > SP_MAXDATA ? SP_MAXDATA : (uint32_t)len;
	return rumpclient_call_simple(&m);
}

ssize_t
rump_sys_send(int s, const void *buf, size_t len, int flags)
{
	return rump_sys_sendto(s, buf, len, flags, NULL, 0);
}

ssize_t
rump_sys_recvfrom(int s, void *buf, size_t len, int flags,
    struct sockaddr *from, socklen_t *fromlen)
{
	struct sp_msg m, rep;
	uint8_t *frame;
	long r;

	msg_init(&m, SP_RECVFROM);
	m.i[0] = s;
	m.i[1] = flags;
	m.u[0] = len > SP_MAXDATA ? SP_MAXDATA : (uint32_t)len;
	m.u[1] = from != NULL && fromlen != NULL;
	if ((r = rumpclient_call(&m, &rep, &frame)) >= 0) {
		if (rep.datalen > m.u[0]) {
			free(frame);
			return rumpclient_libc(-EPROTO);
		}
		if (rep.datalen > 0)
			memcpy(buf, rep.data, rep.datalen);
		addr_out(&rep, from, fromlen);
	}
	free(frame);
	return rumpclient_libc(r);
}

ssize_t
rump_sys_recv(int s, void *buf, size_t len, int flags)
{
	return rump_sys_recvfrom(s, buf, len, flags, NULL, NULL);
}

static size_t
iov_total(const struct msghdr *msg)
{
	size_t total = 0;
	size_t i;

	for (i = 0; i < msg->msg_iovlen; i++)
		total += msg->msg_iov[i].iov_len;
	return total > SP_MAXDATA ? SP_MAXDATA : total;
}

ssize_t
rump_sys_sendmsg(int s, const struct msghdr *msg, int flags)
{
	size_t total = iov_total(msg), off = 0, i, n;
	uint8_t *buf;
	ssize_t r;

	if (msg->msg_controllen > 0)
		return rumpclient_libc(-EOPNOTSUPP);
	if ((buf = malloc(total > 0 ? total : 1)) == NULL)
		return rumpclient_libc(-ENOMEM);
	for (i = 0; i < msg->msg_iovlen && off < total; i++) {
		n = msg->msg_iov[i].iov_len;
		if (n > total - off)
			n = total - off;
		memcpy(buf + off, msg->msg_iov[i].iov_base, n);
		off += n;
	}
	r = rump_sys_sendto(s, buf, total, flags, msg->msg_name,
	    msg->msg_namelen);
	free(buf);
	return r;
}

ssize_t
rump_sys_recvmsg(int s, struct msghdr *msg, int flags)
{
	size_t total = iov_total(msg), off = 0, i, n;
	socklen_t namelen = msg->msg_namelen;
	uint8_t *buf;
	ssize_t r;

	if ((buf = malloc(total > 0 ? total : 1)) == NULL)
		return rumpclient_libc(-ENOMEM);
	r = rump_sys_recvfrom(s, buf, total, flags, msg->msg_name,
	    msg->msg_name != NULL ? &namelen : NULL);
	if (r >= 0) {
		size_t got = (size_t)r < total ? (size_t)r : total;

		for (i = 0; i < msg->msg_iovlen && off < got; i++) {
			n = msg->msg_iov[i].iov_len;
			if (n > got - off)
				n = got - off;
			memcpy(msg->msg_iov[i].iov_base, buf + off, n);
			off += n;
		}
		if (msg->msg_name != NULL)
			msg->msg_namelen = namelen;
		msg->msg_controllen = 0;
		msg->msg_flags = (size_t)r > total ? MSG_TRUNC : 0;
	}
	free(buf);
	return r;
}

ssize_t
rump_sys_read(int fd, void *buf, size_t len)
{
	struct sp_msg m, rep;
	uint8_t *frame;
	long r;

	msg_init(&m, SP_READ);
	m.i[0] = fd;
	m.u[0] = len > SP_MAXDATA ? SP_MAXDATA : (uint32_t)len;
	if ((r = rumpclient_call(&m, &rep, &frame)) >= 0) {
		if (rep.datalen > m.u[0]) {
			free(frame);
			return rumpclient_libc(-EPROTO);
		}
		if (rep.datalen > 0)
			memcpy(buf, rep.data, rep.datalen);
	}
	free(frame);
	return rumpclient_libc(r);
}

ssize_t
rump_sys_write(int fd, const void *buf, size_t len)
{
	struct sp_msg m;

	msg_init(&m, SP_WRITE);
	m.i[0] = fd;
	m.data = buf;
	m.datalen = len > SP_MAXDATA ? SP_MAXDATA : (uint32_t)len;
	return rumpclient_call_simple(&m);
}

int
rump_sys_getsockopt(int s, int level, int name, void *val, socklen_t *len)
{
	struct sp_msg m, rep;
	uint8_t *frame;
	long r;
	int n;

	if (val == NULL || len == NULL)
		return (int)rumpclient_libc(-EFAULT);
	msg_init(&m, SP_GETSOCKOPT);
	m.i[0] = s;
	m.i[1] = level;
	m.i[2] = name;
	m.u[0] = *len > SP_MAXOPT ? SP_MAXOPT : *len;
	if ((r = rumpclient_call(&m, &rep, &frame)) >= 0) {
		n = sp_optval_from_wire(level, name, rep.data, rep.datalen, val,
		    *len);
		if (n < 0)
			r = n;
		else
			*len = (socklen_t)n;
	}
	free(frame);
	return (int)rumpclient_libc(r);
}

int
rump_sys_setsockopt(int s, int level, int name, const void *val,
    socklen_t len)
{
	uint8_t wire[SP_MAXOPT];
	struct sp_msg m;
	int n;

	if (val == NULL && len > 0)
		return (int)rumpclient_libc(-EFAULT);
	n = sp_optval_to_wire(level, name, val, len, wire, sizeof(wire));
	if (n < 0)
		return (int)rumpclient_libc(n);
	msg_init(&m, SP_SETSOCKOPT);
	m.i[0] = s;
	m.i[1] = level;
	m.i[2] = name;
	m.data = wire;
	m.datalen = (uint32_t)n;
	return (int)rumpclient_call_simple(&m);
}

static int
name_call(uint16_t callno, int s, struct sockaddr *sa, socklen_t *len)
{
	struct sp_msg m, rep;
	uint8_t *frame;
	long r;

	msg_init(&m, callno);
	m.i[0] = s;
	if ((r = rumpclient_call(&m, &rep, &frame)) >= 0)
		addr_out(&rep, sa, len);
	free(frame);
	return (int)rumpclient_libc(r);
}

int
rump_sys_getsockname(int s, struct sockaddr *sa, socklen_t *len)
{
	return name_call(SP_GETSOCKNAME, s, sa, len);
}

int
rump_sys_getpeername(int s, struct sockaddr *sa, socklen_t *len)
{
	return name_call(SP_GETPEERNAME, s, sa, len);
}

int
rump_sys_shutdown(int s, int how)
{
	struct sp_msg m;

	msg_init(&m, SP_SHUTDOWN);
	m.i[0] = s;
	m.i[1] = how;
	return (int)rumpclient_call_simple(&m);
}

int
rump_sys_close(int fd)
{
	struct sp_msg m;

	msg_init(&m, SP_CLOSE);
	m.i[0] = fd;
	return (int)rumpclient_call_simple(&m);
}

/* Node entries' revents from a POLL reply; -EPROTO on a count mismatch. */
static long
poll_out(struct pollfd *fds, nfds_t n, const struct sp_msg *rep, long r)
{
	nfds_t k;

	if (r >= 0 && rep->n != n)
		r = -EPROTO;
	for (k = 0; k < n && r >= 0; k++)
		fds[k].revents = (short)sp_revents_at(rep, (uint32_t)k);
	return r;
}

int
rump_sys_poll(struct pollfd *fds, nfds_t n, int timeout_ms)
{
	struct sp_msg m, rep;
	uint8_t *frame;
	long r;

	if (n > SP_MAXPOLL)
		return (int)rumpclient_libc(-EINVAL);
	msg_init(&m, SP_POLL);
	m.i[0] = timeout_ms < 0 ? -1 : timeout_ms;
	m.pfds = fds;
	m.n = (uint32_t)n;
	r = rumpclient_call(&m, &rep, &frame);
	r = poll_out(fds, n, &rep, r);
	free(frame);
	return (int)rumpclient_libc(r);
}

int
rump_sys_poll_host(struct pollfd *nodefds, nfds_t nn, struct pollfd *hostfds,
    nfds_t nh, int timeout_ms)
{
	const struct rumpclient_hostcalls *hc = rumpclient_hostcalls();
	struct rc_wait w = { hostfds, nh, 0, 0 };
	struct sp_msg m, rep;
	uint8_t *frame;
	nfds_t k;
	long r;

	if (nn == 0)
		return hc->poll(hostfds, nh, timeout_ms);
	if (nn > SP_MAXPOLL)
		return (int)rumpclient_libc(-EINVAL);
	msg_init(&m, SP_POLL);
	m.i[0] = timeout_ms < 0 ? -1 : timeout_ms;
	m.pfds = nodefds;
	m.n = (uint32_t)nn;
	r = rumpclient_call_wait(&m, &rep, &frame, &w);
	if (r == -EINTR && w.hostready > 0) {
		r = 0;                  /* cancelled: a host entry was first */
		for (k = 0; k < nn; k++)
			nodefds[k].revents = 0;
	} else
		r = poll_out(nodefds, nn, &rep, r);
	free(frame);
	if (r < 0)
		return (int)rumpclient_libc(r);
	/* What else is ready on the host side now. */
	if (nh > 0 && hc->poll(hostfds, nh, 0) > 0)
		for (k = 0; k < nh; k++)
			r += hostfds[k].revents != 0;
	return (int)r;
}

int
rump_sys_ioctl(int fd, unsigned long request, void *arg)
{
	struct sp_msg m;
	long r;

	msg_init(&m, SP_IOCTL);
	m.i[0] = fd;
	m.u[0] = (uint32_t)request;
	if (request == FIONBIO)
		m.i[1] = *(int *)arg != 0;
	if ((r = rumpclient_call_simple(&m)) < 0)
		return -1;
	if (request == FIONREAD)
		*(int *)arg = (int)r;
	return 0;
}

int
rump_sys_fcntl(int fd, int cmd, ...)
{
	struct sp_msg m;
	va_list ap;

	msg_init(&m, SP_FCNTL);
	m.i[0] = fd;
	m.i[1] = cmd;
	if (cmd == F_SETFL || cmd == F_SETFD) {
		va_start(ap, cmd);
		m.i[2] = va_arg(ap, int);
		va_end(ap);
	}
	return (int)rumpclient_call_simple(&m);
}

int
rump_sys_dup(int fd)
{
	struct sp_msg m;

	msg_init(&m, SP_DUP);
	m.i[0] = fd;
	return (int)rumpclient_call_simple(&m);
}

/*
 * Interface configuration.
 */
static int
if_msg(struct sp_msg *m, uint16_t callno, const char *name)
{
	size_t n;

	msg_init(m, callno);
	if (name == NULL)
		return -EFAULT;
	if ((n = strlen(name)) == 0 || n >= RUMP_IFNAMSIZ)
		return -EINVAL;
	memcpy(m->name, name, n + 1);
	return 0;
}

static int
if_simple(uint16_t callno, const char *name)
{
	struct sp_msg m;
	int error;

	if ((error = if_msg(&m, callno, name)) != 0)
		return (int)rumpclient_libc(error);
	return (int)rumpclient_call_simple(&m);
}

int
rump_sys_ifcreate(const char *name)
{
	return if_simple(SP_IFCREATE, name);
}

int
rump_sys_ifdestroy(const char *name)
{
	return if_simple(SP_IFDESTROY, name);
}

/* IFLIST, IFCLONERS: at most max names into names; the total count. */
static int
ifnames_call(uint16_t call, char (*names)[RUMP_IFNAMSIZ], int max)
{
	struct sp_msg m, rep;
	uint8_t *frame;
	long r;

	msg_init(&m, call);
	m.u[0] = max < 0 || names == NULL ? 0 : (uint32_t)max;
	if ((r = rumpclient_call(&m, &rep, &frame)) >= 0 && names != NULL)
		sp_ifnames_copy(&rep, names, max);
	free(frame);
	return (int)rumpclient_libc(r);
}

/* IFGET, IFZERO: name's ifinfo into info. */
static int
ifinfo_call(uint16_t call, const char *name, struct rump_ifinfo *info)
{
	struct sp_msg m, rep;
	uint8_t *frame;
	long r;
	int error;

	if ((error = if_msg(&m, call, name)) != 0)
		return (int)rumpclient_libc(error);
	if (info == NULL)
		return (int)rumpclient_libc(-EFAULT);
	if ((r = rumpclient_call(&m, &rep, &frame)) >= 0)
		*info = rep.ifi;
	free(frame);
	return (int)rumpclient_libc(r);
}

int
rump_sys_iflist(char (*names)[RUMP_IFNAMSIZ], int max)
{
	return ifnames_call(SP_IFLIST, names, max);
}

int
rump_sys_ifget(const char *name, struct rump_ifinfo *info)
{
	return ifinfo_call(SP_IFGET, name, info);
}

int
rump_sys_ifsetlinkstr(const char *name, const char *linkstr)
{
	struct sp_msg m;
	int error;

	if ((error = if_msg(&m, SP_IFSETLINKSTR, name)) != 0)
		return (int)rumpclient_libc(error);
	if (linkstr != NULL) {
		if (strlen(linkstr) > SP_LINKSTRMAX)
			return (int)rumpclient_libc(-ENAMETOOLONG);
		strcpy(m.str, linkstr);
	}
	return (int)rumpclient_call_simple(&m);
}

int
rump_sys_ifsetflags(const char *name, uint32_t set, uint32_t clear)
{
	struct sp_msg m;
	int error;

	if ((error = if_msg(&m, SP_IFSETFLAGS, name)) != 0)
		return (int)rumpclient_libc(error);
	m.u[0] = set;
	m.u[1] = clear;
	return (int)rumpclient_call_simple(&m);
}

int
rump_sys_ifsetmtu(const char *name, uint32_t mtu)
{
	struct sp_msg m;
	int error;

	if ((error = if_msg(&m, SP_IFSETMTU, name)) != 0)
		return (int)rumpclient_libc(error);
	m.u[0] = mtu;
	return (int)rumpclient_call_simple(&m);
}

int
rump_sys_ifsetmac(const char *name, const uint8_t mac[6])
{
	struct sp_msg m;
	int error;

	if ((error = if_msg(&m, SP_IFSETMAC, name)) != 0)
		return (int)rumpclient_libc(error);
	if (mac == NULL)
		return (int)rumpclient_libc(-EFAULT);
	memcpy(m.mac, mac, 6);
	return (int)rumpclient_call_simple(&m);
}

int
rump_sys_iflladdr(const char *name, const uint8_t mac[6], int op)
{
	struct sp_msg m;
	int error;

	if ((error = if_msg(&m, SP_IFLLADDR, name)) != 0)
		return (int)rumpclient_libc(error);
	if (mac == NULL)
		return (int)rumpclient_libc(-EFAULT);
	memcpy(m.mac, mac, 6);
	m.u[0] = (uint32_t)op;
	return (int)rumpclient_call_simple(&m);
}

int
rump_sys_ifsetmedia(const char *name, uint32_t media)
{
	struct sp_msg m;
	int error;

	if ((error = if_msg(&m, SP_IFSETMEDIA, name)) != 0)
		return (int)rumpclient_libc(error);
	m.u[0] = media;
	return (int)rumpclient_call_simple(&m);
}

int
rump_sys_ifsetimpair(const char *name, int dir, const struct rump_impair *imp)
{
	struct sp_msg m;
	int error;

	if ((error = if_msg(&m, SP_IFSETIMPAIR, name)) != 0)
		return (int)rumpclient_libc(error);
	if (imp == NULL)
		return (int)rumpclient_libc(-EFAULT);
	m.u[0] = (uint32_t)dir;
	m.imp = *imp;
	m.imp.st_frames = m.imp.st_lost = m.imp.st_dup = 0;
	m.imp.st_corrupt = m.imp.st_reorder = m.imp.st_qdrop = 0;
	m.imp.st_queued = m.imp.pad = 0;
	return (int)rumpclient_call_simple(&m);
}

int
rump_sys_ifgetimpair(const char *name, int dir, struct rump_impair *imp)
{
	struct sp_msg m, rep;
	uint8_t *frame;
	long r;
	int error;

	if ((error = if_msg(&m, SP_IFGETIMPAIR, name)) != 0)
		return (int)rumpclient_libc(error);
	if (imp == NULL)
		return (int)rumpclient_libc(-EFAULT);
	m.u[0] = (uint32_t)dir;
	if ((r = rumpclient_call(&m, &rep, &frame)) >= 0)
		*imp = rep.imp;
	free(frame);
	return (int)rumpclient_libc(r);
}

int
rump_sys_ifsetcarrier(const char *name, int up)
{
	struct sp_msg m;
	int error;

	if ((error = if_msg(&m, SP_IFSETCARRIER, name)) != 0)
		return (int)rumpclient_libc(error);
	m.u[0] = up != 0;
	return (int)rumpclient_call_simple(&m);
}

int
rump_sys_iftap(const char *name, const char *path, int on)
{
	struct sp_msg m;
	int error;

	if ((error = if_msg(&m, SP_IFTAP, name)) != 0)
		return (int)rumpclient_libc(error);
	if (path == NULL)
		return (int)rumpclient_libc(-EFAULT);
	if (strlen(path) > SP_LINKSTRMAX)
		return (int)rumpclient_libc(-ENAMETOOLONG);
	strcpy(m.str, path);
	m.u[0] = on != 0;
	return (int)rumpclient_call_simple(&m);
}

int
rump_sys_bridge_set(const char *bridge, const struct rump_brreq *req)
{
	struct sp_msg m;
	int error;

	if ((error = if_msg(&m, SP_BRIDGE_SET, bridge)) != 0)
		return (int)rumpclient_libc(error);
	if (req == NULL)
		return (int)rumpclient_libc(-EFAULT);
	if (strnlen(req->member, RUMP_IFNAMSIZ) == RUMP_IFNAMSIZ)
		return (int)rumpclient_libc(-EINVAL);
	m.br = *req;
	return (int)rumpclient_call_simple(&m);
}

int
rump_sys_bridge_get(const char *bridge, struct rump_brstatus *st,
    struct rump_brport *ports, struct rump_braddr *addrs, int maxaddrs)
{
	struct sp_msg m, rep;
	uint8_t *frame;
	uint32_t k;
	long r;
	int error;

	if ((error = if_msg(&m, SP_BRIDGE_GET, bridge)) != 0)
		return (int)rumpclient_libc(error);
	if (st == NULL)
		return (int)rumpclient_libc(-EFAULT);
	m.u[0] = maxaddrs < 0 || addrs == NULL ? 0 : (uint32_t)maxaddrs;
	if ((r = rumpclient_call(&m, &rep, &frame)) >= 0) {
		*st = rep.brst;
		for (k = 0; k < rep.n && ports != NULL; k++)
			sp_brport_at(&rep, k, &ports[k]);
		for (k = 0; k < rep.n2 && (int)k < maxaddrs; k++)
			sp_braddr_at(&rep, k, &addrs[k]);
	}
	free(frame);
	return (int)rumpclient_libc(r);
}

/* The message of an address call: the interface and the address. */
static int
if_addr_msg(struct sp_msg *m, uint16_t callno, const char *name,
    const struct rump_ifaddr *a)
{
	int error;

	if ((error = if_msg(m, callno, name)) != 0)
		return error;
	if (a == NULL)
		return -EFAULT;
	if (a->family != AF_INET && a->family != AF_INET6)
		return -EAFNOSUPPORT;
	m->ifa = *a;
	return 0;
}

static int
if_addr_call(uint16_t callno, const char *name, const struct rump_ifaddr *a)
{
	struct sp_msg m;
	int error;

	if ((error = if_addr_msg(&m, callno, name, a)) != 0)
		return (int)rumpclient_libc(error);
	return (int)rumpclient_call_simple(&m);
}

int
rump_sys_ifaddaddr(const char *name, const struct rump_ifaddr *a)
{
	return if_addr_call(SP_IFADDADDR, name, a);
}

int
rump_sys_ifdeladdr(const char *name, const struct rump_ifaddr *a)
{
	return if_addr_call(SP_IFDELADDR, name, a);
}

int
rump_sys_ifcloners(char (*names)[RUMP_IFNAMSIZ], int max)
{
	return ifnames_call(SP_IFCLONERS, names, max);
}

int
rump_sys_ifzero(const char *name, struct rump_ifinfo *info)
{
	return ifinfo_call(SP_IFZERO, name, info);
}

int
rump_sys_ifaddaddr_life(const char *name, const struct rump_ifaddr *a,
    uint32_t pltime, uint32_t vltime)
{
	struct sp_msg m;
	int error;

	if ((error = if_addr_msg(&m, SP_IFADDLIFE, name, a)) != 0)
		return (int)rumpclient_libc(error);
	m.u[0] = pltime;
	m.u[1] = vltime;
	return (int)rumpclient_call_simple(&m);
}

int
rump_sys_ifgetlife(const char *name, const struct rump_ifaddr *a,
    uint32_t *pltime, uint32_t *vltime)
{
	struct sp_msg m, rep;
	uint8_t *frame;
	long r;
	int error;

	if ((error = if_addr_msg(&m, SP_IFGETLIFE, name, a)) != 0)
		return (int)rumpclient_libc(error);
	if (pltime == NULL || vltime == NULL)
		return (int)rumpclient_libc(-EFAULT);
	if ((r = rumpclient_call(&m, &rep, &frame)) >= 0) {
		*pltime = rep.u[0];
		*vltime = rep.u[1];
	}
	free(frame);
	return (int)rumpclient_libc(r);
}

/*
 * sysctl, dmesg, reboot.
 */
int
rump_sys_sysctl_get(const char *name, char *val, size_t len)
{
	struct sp_msg m, rep;
	uint8_t *frame;
	size_t n;
	long r;

	msg_init(&m, SP_SYSCTL_GET);
	if (name == NULL || val == NULL)
		return (int)rumpclient_libc(-EFAULT);
	if ((n = strlen(name)) == 0 || n > SP_SYSCTL_NAMEMAX)
		return (int)rumpclient_libc(-EINVAL);
	memcpy(m.str, name, n + 1);
	m.u[0] = len > SP_MAXDATA ? SP_MAXDATA : (uint32_t)len;
	if ((r = rumpclient_call(&m, &rep, &frame)) >= 0) {
		if ((n = strlen(rep.val)) + 1 > len)
			r = -ENOMEM;
		else
			memcpy(val, rep.val, n + 1);
	}
	free(frame);
	return (int)rumpclient_libc(r < 0 ? r : 0);
}

int
rump_sys_sysctl_set(const char *name, const char *val)
{
	struct sp_msg m;
	size_t n, v;

	msg_init(&m, SP_SYSCTL_SET);
	if (name == NULL || val == NULL)
		return (int)rumpclient_libc(-EFAULT);
	if ((n = strlen(name)) == 0 || n > SP_SYSCTL_NAMEMAX ||
	    (v = strlen(val)) > SP_SYSCTL_VALMAX)
		return (int)rumpclient_libc(-EINVAL);
	memcpy(m.str, name, n + 1);
	memcpy(m.val, val, v + 1);
	return (int)rumpclient_call_simple(&m);
}

static ssize_t
text_call(uint16_t callno, char *buf, size_t len)
{
	struct sp_msg m, rep;
	uint8_t *frame;
	long r;

	msg_init(&m, callno);
	m.u[0] = len > SP_MAXDATA ? SP_MAXDATA : (uint32_t)len;
	if ((r = rumpclient_call(&m, &rep, &frame)) >= 0 && len > 0) {
		size_t n = rep.datalen < len ? rep.datalen : len - 1;

		memcpy(buf, rep.data, n);
		buf[n] = '\0';
	}
	free(frame);
	return rumpclient_libc(r);
}

ssize_t
rump_sys_sysctl_list(char *buf, size_t len)
{
	return text_call(SP_SYSCTL_LIST, buf, len);
}

ssize_t
rump_sys_dmesg(char *buf, size_t len)
{
	return text_call(SP_DMESG, buf, len);
}

int
rump_sys_reboot(void)
{
	struct sp_msg m;

	msg_init(&m, SP_REBOOT);
	return (int)rumpclient_call_simple(&m);
}

/*
 * Routes, neighbours, counters.
 */
static int
rt_call(uint16_t callno, const struct rump_rtentry *rt)
{
	struct sp_msg m;

	msg_init(&m, callno);
	if (rt == NULL)
		return (int)rumpclient_libc(-EFAULT);
	m.rt = *rt;
	return (int)rumpclient_call_simple(&m);
}

int
rump_sys_route_add(const struct rump_rtentry *rt)
{
	return rt_call(SP_ROUTE_ADD, rt);
}

int
rump_sys_route_delete(const struct rump_rtentry *rt)
{
	return rt_call(SP_ROUTE_DELETE, rt);
}

int
rump_sys_route_change(const struct rump_rtentry *rt)
{
	return rt_call(SP_ROUTE_CHANGE, rt);
}

int
rump_sys_route_get(struct rump_rtentry *rt)
{
	struct sp_msg m, rep;
	uint8_t *frame;
	long r;

	msg_init(&m, SP_ROUTE_GET);
	if (rt == NULL)
		return (int)rumpclient_libc(-EFAULT);
	m.rt = *rt;
	if ((r = rumpclient_call(&m, &rep, &frame)) >= 0)
		*rt = rep.rt;
	free(frame);
	return (int)rumpclient_libc(r);
}

/* ROUTE_LIST or NEIGH_LIST into out (entries of size bytes). */
static int
list_call(uint16_t callno, int family, void *out, int max)
{
	struct sp_msg m, rep;
	uint8_t *frame;
	uint32_t k;
	long r;

	msg_init(&m, callno);
	m.u[0] = (uint32_t)family;
	m.u[1] = max < 0 || out == NULL ? 0 : (uint32_t)max;
	if ((r = rumpclient_call(&m, &rep, &frame)) >= 0 && out != NULL)
		for (k = 0; k < rep.n && (int)k < max; k++) {
			if (callno == SP_ROUTE_LIST)
				sp_route_at(&rep, k,
				    (struct rump_rtentry *)out + k);
			else
				sp_neigh_at(&rep, k,
				    (struct rump_neigh *)out + k);
		}
	free(frame);
	return (int)rumpclient_libc(r);
}

int
rump_sys_route_list(int family, struct rump_rtentry *rt, int max)
{
	return list_call(SP_ROUTE_LIST, family, rt, max);
}

int
rump_sys_rtmsg_read(uint32_t *next, struct rump_rtmsg *out, int max,
    uint32_t *lost)
{
	struct sp_msg m, rep;
	uint8_t *frame;
	uint32_t k;
	long r;

	if (next == NULL || out == NULL || lost == NULL)
		return (int)rumpclient_libc(-EFAULT);
	msg_init(&m, SP_RTMSG_READ);
	m.u[0] = *next;
	m.u[1] = max < 1 ? 0 : max > SP_MAXRTMSGS ? SP_MAXRTMSGS :
	    (uint32_t)max;
	if ((r = rumpclient_call(&m, &rep, &frame)) >= 0) {
		*lost = (uint32_t)r;
		for (k = 0; k < rep.n && (int)k < max; k++)
			if (sp_rtmsg_at(&rep, k, &out[k]) != 0)
				break;
		if (k > 0)
			*next = out[k - 1].seq + 1;
		r = (long)k;
	}
	free(frame);
	return (int)rumpclient_libc(r);
}

static int
flush_call(uint16_t callno, int family)
{
	struct sp_msg m;

	msg_init(&m, callno);
	m.u[0] = (uint32_t)family;
	return (int)rumpclient_call_simple(&m);
}

int
rump_sys_route_flush(int family)
{
	return flush_call(SP_ROUTE_FLUSH, family);
}

int
rump_sys_neigh_list(int family, struct rump_neigh *nb, int max)
{
	return list_call(SP_NEIGH_LIST, family, nb, max);
}

static int
nb_call(uint16_t callno, const struct rump_neigh *nb)
{
	struct sp_msg m;

	msg_init(&m, callno);
	if (nb == NULL)
		return (int)rumpclient_libc(-EFAULT);
	m.nb = *nb;
	return (int)rumpclient_call_simple(&m);
}

int
rump_sys_neigh_set(const struct rump_neigh *nb)
{
	return nb_call(SP_NEIGH_SET, nb);
}

int
rump_sys_neigh_delete(const struct rump_neigh *nb)
{
	return nb_call(SP_NEIGH_DELETE, nb);
}

int
rump_sys_neigh_flush(int family)
{
	return flush_call(SP_NEIGH_FLUSH, family);
}

ssize_t
rump_sys_netstat(int what, char *buf, size_t len)
{
	struct sp_msg m, rep;
	uint8_t *frame;
	long r;

	msg_init(&m, SP_NETSTAT);
	m.u[0] = (uint32_t)what;
	m.u[1] = len > SP_MAXDATA ? SP_MAXDATA : (uint32_t)len;
	if ((r = rumpclient_call(&m, &rep, &frame)) >= 0 && len > 0) {
		size_t n = rep.datalen < len ? rep.datalen : len - 1;

		memcpy(buf, rep.data, n);
		buf[n] = '\0';
	}
	free(frame);
	return rumpclient_libc(r);
}
