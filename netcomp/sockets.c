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
 * The handles, their state and the waits are in socktab.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "lwip/sockets.h"

#include "kernel/hyper.h"
#include "kernel/kcall.h"
#include "kernel/ksock.h"
#include "netcomp/ipopt.h"
#include "netcomp/netinet.h"
#include "netcomp/route.h"
#include "netcomp/socktab.h"

#define POLL_STACK 16   /* poll() sets up to this size need no malloc */

/* ---- socket creation ---- */

static void
apply_defaults(int fd, int family)
{
	int ttl = netstack_knob(family == AF_INET6 ? NK_IP6_HLIM : NK_IP_TTL);

	/* lwIP keeps one TTL per pcb, set through IP_TTL for both families. */
	lwip_setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl));
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
	apply_defaults(fd, domain);
	return ksent_adopt(fd, domain, type, nonblock);
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

	if ((e = ksent_hold(h)) == NULL)
		return -EBADF;
	r = (int)LWIP_CALL(e, lwip_bind(h, sa, len));
	netstack_poke_unlocked();
	ksent_rele(h, e);
	return r;
}

static int
ks_listen(int h, int backlog)
{
	struct ksent *e;
	int r;

	if ((e = ksent_hold(h)) == NULL)
		return -EBADF;
	r = (int)LWIP_CALL(e, lwip_listen(h, backlog));
	ksent_rele(h, e);
	return r;
}

static int
ks_getsockname(int h, struct sockaddr *sa, socklen_t *len)
{
	struct ksent *e;
	int r;

	if ((e = ksent_hold(h)) == NULL)
		return -EBADF;
	r = (int)LWIP_CALL(e, lwip_getsockname(h, sa, len));
	ksent_rele(h, e);
	return r;
}

static int
ks_getpeername(int h, struct sockaddr *sa, socklen_t *len)
{
	struct ksent *e;
	int r;

	if ((e = ksent_hold(h)) == NULL)
		return -EBADF;
	r = (int)LWIP_CALL(e, lwip_getpeername(h, sa, len));
	ksent_rele(h, e);
	return r;
}

static int
ks_shutdown(int h, int how)
{
	struct ksent *e;
	int r;

	if ((e = ksent_hold(h)) == NULL)
		return -EBADF;
	r = (int)LWIP_CALL(e, lwip_shutdown(h, how));
	netstack_poke_unlocked();
	ksent_rele(h, e);
	return r;
}

static int
ks_getfl(int h)
{
	struct ksent *e;
	int fl;

	if ((e = ksent_hold(h)) == NULL)
		return -EBADF;
	fl = O_RDWR | (ksent_nonblocking(e, 0) ? O_NONBLOCK : 0);
	ksent_rele(h, e);
	return fl;
}

static int
ks_setfl(int h, int flags)
{
	struct ksent *e;

	if ((e = ksent_hold(h)) == NULL)
		return -EBADF;
	ksent_set_nonblock(e, (flags & O_NONBLOCK) != 0);
	ksent_rele(h, e);
	return 0;
}

/* ---- options ---- */

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

/* IP_MTU_DISCOVER (Linux's way to ask for DF, which lwIP lacks): kept
 * here, applied by ipfwd.c while the socket sends. */
static int
is_pmtudisc(const struct ksent *e, int level, int name)
{
	return e->family == AF_INET && level == IPPROTO_IP &&
	    name == IP_MTU_DISCOVER;
}

/* IP_OPTIONS (lwIP has none): kept here and put in the datagrams of raw
 * and UDP sockets by ipopt.c while they send.  A stream's segments leave
 * from lwIP's own thread, out of reach: ENOPROTOOPT there. */
static int
is_ipopts(const struct ksent *e, int level, int name)
{
	return e->family == AF_INET && level == IPPROTO_IP &&
	    name == IP_OPTIONS;
}

static int
ipopts_set(struct ksent *e, const void *val, socklen_t len)
{
	uint8_t opts[IPOPT_MAX];
	size_t n;
	uint32_t hop;
	int r;

	if (e->type == SOCK_STREAM)
		return -ENOPROTOOPT;
	if (len > IPOPT_USERMAX || (len > 0 && val == NULL))
		return -EINVAL;
	if ((r = ipopt_parse(val, len, opts, &n, &hop)) != 0)
		return r;
	hyp_mtx_enter(&e->lk);
	if (len > 0)
		memcpy(e->ipopt_user, val, len);
	e->ipopt_userlen = (uint8_t)len;
	memcpy(e->ipopt, opts, n);
	e->ipoptlen = (uint8_t)n;
	e->ipopt_hop = hop;
	hyp_mtx_exit(&e->lk);
	return 0;
}

static int
ipopts_get(struct ksent *e, void *val, socklen_t *len)
{
	hyp_mtx_enter(&e->lk);
	if (*len > e->ipopt_userlen)
		*len = e->ipopt_userlen;
	if (*len > 0)
		memcpy(val, e->ipopt_user, *len);
	hyp_mtx_exit(&e->lk);
	return 0;
}

/*
 * Options lwIP lacks that programs set as a matter of course:
 *  - SO_REUSEPORT is taken as SO_REUSEADDR, lwIP's one kind of address
 *    reuse (nc, iperf3 and servers set it before bind);
 *  - SO_SNDBUF: lwIP's send buffer is fixed when it is built (TCP_SND_BUF,
 *    64 KiB in Debian's build), so a size set is accepted with no effect
 *    and the fixed size is what a get reports.
 */
#define KS_SNDBUF 65535

static void
map_reuseport(int *level, int *name)
{
	if (*level == SOL_SOCKET && *name == SO_REUSEPORT)
		*name = SO_REUSEADDR;
}

static int
is_sndbuf(int level, int name)
{
	return level == SOL_SOCKET && name == SO_SNDBUF;
}

/*
 * IPV6_NEXTHOP: kept here, applied by ipfwd6.c while the socket sends.
 * NetBSD's checks (ip6_setpktopt): an IPv6 socket address, neither
 * unspecified nor multicast; an empty value takes the next hop away.
 * Raw and datagram sockets only: a stream's segments also leave from the
 * stack's own thread (retransmissions, ACKs), where a per-socket next
 * hop does not follow them.
 */
static int
is_nexthop(const struct ksent *e, int level, int name)
{
	return e->family == AF_INET6 && e->type != SOCK_STREAM &&
	    level == IPPROTO_IPV6 && name == IPV6_NEXTHOP;
}

static int
nexthop_set(struct ksent *e, const void *val, socklen_t len)
{
	struct sockaddr_in6 sin6;
	const uint8_t *a = sin6.sin6_addr.s6_addr;

	if (len == 0) {
		hyp_mtx_enter(&e->lk);
		e->has_nh6 = 0;
		hyp_mtx_exit(&e->lk);
		return 0;
	}
	if (len < (socklen_t)sizeof(sin6))
		return -EINVAL;
	memcpy(&sin6, val, sizeof(sin6));
	if (sin6.sin6_family != AF_INET6 ||
	    IN6_IS_ADDR_UNSPECIFIED(&sin6.sin6_addr) || a[0] == 0xff)
		return -EINVAL;
	if (sin6.sin6_scope_id > 255)   /* no such interface (lwIP's u8) */
		return -ENXIO;
	hyp_mtx_enter(&e->lk);
	memcpy(e->nh6, a, 16);
	e->nh6zone = IN6_IS_ADDR_LINKLOCAL(&sin6.sin6_addr) ?
	    sin6.sin6_scope_id : 0;
	e->has_nh6 = 1;
	hyp_mtx_exit(&e->lk);
	return 0;
}

static int
nexthop_get(struct ksent *e, void *val, socklen_t *len)
{
	struct sockaddr_in6 sin6;

	memset(&sin6, 0, sizeof(sin6));
	hyp_mtx_enter(&e->lk);
	if (e->has_nh6) {
		sin6.sin6_family = AF_INET6;
		memcpy(sin6.sin6_addr.s6_addr, e->nh6, 16);
		sin6.sin6_scope_id = e->nh6zone;
	}
	hyp_mtx_exit(&e->lk);
	if (sin6.sin6_family == 0) {
		*len = 0;
		return 0;
	}
	if (*len < (socklen_t)sizeof(sin6))
		return -EINVAL;
	memcpy(val, &sin6, sizeof(sin6));
	*len = sizeof(sin6);
	return 0;
}

static int
ks_setsockopt(int h, int level, int name, const void *val, socklen_t len)
{
	struct ksent *e;
	int r;

	if ((e = ksent_hold(h)) == NULL)
		return -EBADF;
	map_hops(&level, &name);
	map_reuseport(&level, &name);
	if (is_sndbuf(level, name))
		r = len >= (socklen_t)sizeof(int) ? 0 : -EINVAL;
	else if (is_pmtudisc(e, level, name)) {
		r = len >= (socklen_t)sizeof(int) ? 0 : -EINVAL;
		if (r == 0)
			e->df = *(const int *)val == IP_PMTUDISC_DO ||
			    *(const int *)val == IP_PMTUDISC_PROBE;
	} else if (is_nexthop(e, level, name))
		r = nexthop_set(e, val, len);
	else if (is_ipopts(e, level, name))
		r = ipopts_set(e, val, len);
	else if (is_timeo(level, name))
		r = ksent_timeo_set(e, name, val, len);
	else
		r = (int)LWIP_CALL(e, lwip_setsockopt(h, level, name, val,
		    len));
	ksent_rele(h, e);
	return r;
}

static int
ks_getsockopt(int h, int level, int name, void *val, socklen_t *len)
{
	struct ksent *e;
	int r, connecting = 0;

	if ((e = ksent_hold(h)) == NULL)
		return -EBADF;
	map_hops(&level, &name);
	map_reuseport(&level, &name);
	if (level == SOL_SOCKET && name == SO_ERROR)
		connecting = ksent_connecting(e, 0);
	if (is_sndbuf(level, name)) {
		r = *len >= (socklen_t)sizeof(int) ? 0 : -EINVAL;
		if (r == 0) {
			*(int *)val = KS_SNDBUF;
			*len = sizeof(int);
		}
	} else if (is_pmtudisc(e, level, name)) {
		r = *len >= (socklen_t)sizeof(int) ? 0 : -EINVAL;
		if (r == 0) {
			*(int *)val = e->df ? IP_PMTUDISC_DO : IP_PMTUDISC_DONT;
			*len = sizeof(int);
		}
	} else if (is_nexthop(e, level, name))
		r = nexthop_get(e, val, len);
	else if (is_ipopts(e, level, name))
		r = ipopts_get(e, val, len);
	else if (is_timeo(level, name))
		r = ksent_timeo_get(e, name, val, len);
	else
		r = (int)LWIP_CALL(e, lwip_getsockopt(h, level, name, val,
		    len));
	/* lwIP reports a refused connection as a reset (see connect). */
	if (r == 0 && connecting && *len >= (socklen_t)sizeof(int) &&
	    *(int *)val == ECONNRESET)
		*(int *)val = ECONNREFUSED;
	ksent_rele(h, e);
	return r;
}

/* ---- calls that may block ---- */

static int
ks_accept(int h, struct sockaddr *sa, socklen_t *len)
{
	struct ksent *e;
	uint64_t dl;
	int r;

	if ((e = ksent_hold(h)) == NULL)
		return -EBADF;
	dl = ksent_deadline(e, 1);
	for (;;) {
		if (ksent_aborted(e)) {
			r = -ECONNABORTED;
			break;
		}
		r = (int)LWIP_CALL(e, lwip_accept(h, sa, len));
		if (r >= 0) {
			apply_defaults(r, e->family);
			r = ksent_adopt(r, e->family, e->type, 0);
			break;
		}
		if (r != -EWOULDBLOCK || ksent_nonblocking(e, 0))
			break;
		if ((r = ksent_wait_one(e, h, POLLIN, dl)) < 0)
			break;
	}
	ksent_rele(h, e);
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
	uint64_t dl = ksent_deadline(e, 0);
	int r;

	for (;;) {
		pfd[0].fd = h;
		pfd[0].events = POLLOUT;
		if ((r = ksent_wait(&e, pfd, 1, dl, wt)) < 0)
			return r;
		if (ksent_aborted(e))
			return -ECONNABORTED;
		if (pfd[0].revents & (POLLOUT | POLLERR | POLLHUP))
			return connect_result(e, h);
		if (ks_remaining(dl) == 0)
			return -ETIMEDOUT;
	}
}

static int
ks_connect(int h, const struct sockaddr *sa, socklen_t len)
{
	struct ksent *e;
	int r;

	if ((e = ksent_hold(h)) == NULL)
		return -EBADF;
	if (ksent_aborted(e))
		r = -ECONNABORTED;
	else {
		r = (int)LWIP_CALL(e, lwip_connect(h, sa, len));
		netstack_poke_unlocked();
		if (r == -ECONNRESET)
			r = -ECONNREFUSED;
		if (r == -EINPROGRESS && !ksent_nonblocking(e, 0))
			r = connect_wait(e, h);
		/* Interrupted, the connection goes on as a non-blocking one
		 * (connect(2): EINTR). */
		if (r == -EINPROGRESS || r == -EINTR)
			ksent_connecting(e, 1);
	}
	ksent_rele(h, e);
	return r;
}

/*
 * The socket's IP options for one send: copied into opts (*optlen
 * bytes), and a source route's first hop as the destination in *hop,
 * to which *to then points (the port of the one asked for, or of the
 * peer).
 */
static void
ipopts_for_send(struct ksent *e, int h, uint8_t *opts, size_t *optlen,
    struct sockaddr_in *hop, const struct sockaddr **to, socklen_t *tolen)
{
	socklen_t n = sizeof(*hop);
	uint32_t a;

	hyp_mtx_enter(&e->lk);
	*optlen = e->ipoptlen;
	memcpy(opts, e->ipopt, *optlen);
	a = e->ipopt_hop;
	hyp_mtx_exit(&e->lk);
	if (a == 0)
		return;
	memset(hop, 0, sizeof(*hop));
	if (*to != NULL && *tolen >= (socklen_t)sizeof(*hop))
		memcpy(hop, *to, sizeof(*hop));
	else if (*to == NULL)
		(void)LWIP_CALL(e, lwip_getpeername(h,
		    (struct sockaddr *)hop, &n));
	hop->sin_family = AF_INET;
	hop->sin_addr.s_addr = a;
	*to = (const struct sockaddr *)hop;
	*tolen = sizeof(*hop);
}

static ssize_t
send_once(struct ksent *e, int h, const void *buf, size_t len, int flags,
    const struct sockaddr *to, socklen_t tolen)
{
	ip6_addr_t nh;
	uint8_t opts[IPOPT_MAX];
	struct sockaddr_in hop;
	size_t optlen = 0;
	ssize_t r;
	int rej, has_nh;

	flags &= ~(MSG_NOSIGNAL | MSG_DONTWAIT);
	if (e->family == AF_INET && e->type != SOCK_STREAM)
		ipopts_for_send(e, h, opts, &optlen, &hop, &to, &tolen);
	if (e->df)
		ipfwd_df_begin();
	hyp_mtx_enter(&e->lk);
	if ((has_nh = e->has_nh6) != 0) {
		memset(&nh, 0, sizeof(nh));
		memcpy(nh.addr, e->nh6, 16);
		ip6_addr_set_zone(&nh, (u8_t)e->nh6zone);
		ipfwd6_nexthop_begin(&nh);
	}
	hyp_mtx_exit(&e->lk);
	if (optlen != 0)
		ipopt_send_begin(opts, optlen);
	(void)route_reject_error();
	r = LWIP_CALL(e, lwip_sendto(h, buf, len, flags, to, tolen));
	if (optlen != 0)
		ipopt_send_end();
	if (has_nh)
		ipfwd6_nexthop_end();
	if (e->df)
		r = ipfwd_df_end(r);
	/* A reject route through the loopback: ENETUNREACH for a network. */
	if (r == -EHOSTUNREACH && (rej = route_reject_error()) != 0)
		r = -rej;
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

	if ((e = ksent_hold(h)) == NULL)
		return -EBADF;
	dl = ksent_deadline(e, 0);
	for (;;) {
		if (ksent_aborted(e)) {
			r = -EPIPE;
			break;
		}
		r = send_once(e, h, (const char *)buf + done, len - (size_t)done,
		    flags, to, tolen);
		if (r >= 0 && e->type == SOCK_STREAM) {
			done += r;
			if ((size_t)done < len && !ksent_nonblocking(e, flags))
				continue;
			r = done;
			break;
		}
		if (r != -EWOULDBLOCK &&
		    !(r == -ENOMEM && e->type == SOCK_STREAM))
			break;
		if (ksent_nonblocking(e, flags) ||
		    (r = ksent_wait_one(e, h, POLLOUT, dl)) < 0)
			break;
	}
	ksent_rele(h, e);
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

	if ((e = ksent_hold(h)) == NULL)
		return -EBADF;
	all = (flags & MSG_WAITALL) && e->type == SOCK_STREAM &&
	    !(flags & MSG_PEEK);
	dl = ksent_deadline(e, 1);
	for (;;) {
		if (ksent_aborted(e)) {
			r = 0;
			break;
		}
		r = recv_once(e, h, (char *)buf + done, len - (size_t)done,
		    flags, from, fromlen);
		if (r > 0 && all && (size_t)(done += r) < len)
			continue;
		if (r > 0 && all)
			r = done;
		if (r != -EWOULDBLOCK || ksent_nonblocking(e, flags))
			break;
		if ((r = ksent_wait_one(e, h, POLLIN, dl)) < 0)
			break;
	}
	ksent_rele(h, e);
	return done > 0 && r <= 0 ? done : r;
}

/* ---- poll ---- */

static int
poll_hold(struct pollfd *fds, nfds_t n, struct ksent **es)
{
	nfds_t i;

	for (i = 0; i < n; i++)
		if ((es[i] = ksent_hold(fds[i].fd)) == NULL) {
			while (i-- > 0)
				ksent_rele(fds[i].fd, es[i]);
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
	    ks_now_ms() + (uint64_t)timeout_ms;
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
		r = ksent_wait(es, pfd, n, dl, wts);
	while (r == 0 && ks_remaining(dl) != 0 && !kcall_cancelled());
	for (i = 0; i < n; i++) {
		fds[i].revents = pfd[i].revents;
		ksent_rele(fds[i].fd, es[i]);
	}
out:
	if (pfd != spfd) {
		free(pfd);
		free(es);
		free(wts);
	}
	return r;
}

static int
ks_nread(int h)
{
	struct ksent *e;
	int r, n = 0;

	if ((e = ksent_hold(h)) == NULL)
		return -EBADF;
	r = (int)LWIP_CALL(e, lwip_ioctl(h, FIONREAD, &n));
	ksent_rele(h, e);
	return r < 0 ? r : n;
}

static const struct ksock_ops lwip_ksock_ops = {
	.name = "netinet",
	.socket = ks_socket,
	.close = ksent_close,
	.abort = ksent_abort,
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
	.nread = ks_nread,
	.getfl = ks_getfl,
	.setfl = ks_setfl,
};

int
sockets_init(void)
{
	ksock_register(&lwip_ksock_ops);
	return 0;
}
