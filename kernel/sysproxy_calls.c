/*
 * sysproxy_calls.c — what each sysproxy call does in the node: look the
 * client's descriptors up in its process, call the socket backend
 * (ksock), the network configuration (netcfg, rtcfg), the sysctl tree or
 * the log, and fill the reply.  Handlers hold a reference on each file they use for
 * the whole call, so a concurrent close never frees a handle under them;
 * they hold no lock while they call into the backend.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/ioctl.h>
#include <string.h>

#include "kernel/hyper.h"
#include "kernel/klog.h"
#include "kernel/ksock.h"
#include "kernel/netcfg.h"
#include "kernel/rtmsg.h"
#include "kernel/sysctl.h"
#include "kernel/sysproxy_calls.h"
#include "kernel/sysproxy_fs.h"
#include "kernel/vfs.h"

typedef int (*sp_handler)(struct proc *, const struct sp_msg *,
    struct sp_msg *, struct sp_out *);

#define KS() (ksock())

/* A descriptor naming a socket, held; a file's is -ENOTSOCK. */
static int
sock_get(struct proc *p, int fd, struct kfile **fp)
{
	int error;

	if ((error = proc_fd_get(p, fd, fp)) != 0)
		return error;
	if ((*fp)->vf != NULL) {
		proc_file_rele(p, *fp);
		return -ENOTSOCK;
	}
	return 0;
}

static int
sys_socket(struct proc *p, const struct sp_msg *q, struct sp_msg *r,
    struct sp_out *o)
{
	int h, type = q->i[1];

	if (KS() == NULL)
		return -EAFNOSUPPORT;
	if ((h = KS()->socket(q->i[0], type & ~SOCK_CLOEXEC, q->i[2])) < 0)
		return h;
	return proc_fd_alloc(p, h, type & SOCK_CLOEXEC);
}

static int
sys_bind(struct proc *p, const struct sp_msg *q, struct sp_msg *r,
    struct sp_out *o)
{
	struct kfile *f;
	int error;

	if (q->salen == 0)
		return -EINVAL;
	if ((error = sock_get(p, q->i[0], &f)) != 0)
		return error;
	error = KS()->bind(f->h, (const struct sockaddr *)&q->sa, q->salen);
	proc_file_rele(p, f);
	return error;
}

static int
sys_connect(struct proc *p, const struct sp_msg *q, struct sp_msg *r,
    struct sp_out *o)
{
	struct kfile *f;
	int error;

	if (q->salen == 0)
		return -EINVAL;
	if ((error = sock_get(p, q->i[0], &f)) != 0)
		return error;
	error = KS()->connect(f->h, (const struct sockaddr *)&q->sa, q->salen);
	proc_file_rele(p, f);
	return error;
}

static int
sys_listen(struct proc *p, const struct sp_msg *q, struct sp_msg *r,
    struct sp_out *o)
{
	struct kfile *f;
	int error;

	if ((error = sock_get(p, q->i[0], &f)) != 0)
		return error;
	error = KS()->listen(f->h, q->i[1]);
	proc_file_rele(p, f);
	return error;
}

static int
sys_accept(struct proc *p, const struct sp_msg *q, struct sp_msg *r,
    struct sp_out *o)
{
	struct kfile *f;
	socklen_t len = sizeof(r->sa);
	int h, error, flags = q->i[1];

	if ((flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) != 0)
		return -EINVAL;
	if ((error = sock_get(p, q->i[0], &f)) != 0)
		return error;
	h = KS()->accept(f->h, (struct sockaddr *)&r->sa, &len);
	proc_file_rele(p, f);
	if (h < 0)
		return h;
	r->salen = len > sizeof(r->sa) ? sizeof(r->sa) : len;
	if ((flags & SOCK_NONBLOCK) && (error = KS()->setfl(h, O_NONBLOCK)) < 0) {
		KS()->close(h);
		return error;
	}
	return proc_fd_alloc(p, h, flags & SOCK_CLOEXEC);
}

/* sendto, and write on a socket or a file (flags 0, no address). */
static int
do_send(struct proc *p, int fd, const struct sp_msg *q, int flags,
    int with_addr)
{
	struct kfile *f;
	int error;
	ssize_t n;

	if ((error = proc_fd_get(p, fd, &f)) != 0)
		return error;
	if (f->vf != NULL) {            /* write(2) on a file */
		n = with_addr ? -ENOTSOCK : vfs_write(f->vf, q->data,
		    q->datalen);
		proc_file_rele(p, f);
		return (int)n;
	}
	n = KS()->sendto(f->h, q->data, q->datalen, flags,
	    with_addr && q->salen > 0 ? (const struct sockaddr *)&q->sa : NULL,
	    with_addr ? q->salen : 0);
	proc_file_rele(p, f);
	return (int)n;
}

/* recvfrom, and read on a socket or (file_ok) a file.  The data goes
 * to out->heap. */
static int
do_recv(struct proc *p, int fd, uint32_t maxlen, int flags, int want_addr,
    int file_ok, struct sp_msg *r, struct sp_out *o)
{
	struct kfile *f;
	socklen_t len = sizeof(r->sa);
	ssize_t n;
	int error;

	if ((o->heap = hyp_malloc(maxlen > 0 ? maxlen : 1)) == NULL)
		return -ENOMEM;
	if ((error = proc_fd_get(p, fd, &f)) != 0)
		return error;
	if (f->vf != NULL) {            /* read(2) on a file */
		n = file_ok ? vfs_read(f->vf, o->heap, maxlen) : -ENOTSOCK;
		proc_file_rele(p, f);
		if (n < 0)
			return (int)n;
		r->data = o->heap;
		r->datalen = (uint32_t)n;
		return (int)n;
	}
	n = KS()->recvfrom(f->h, o->heap, maxlen, flags,
	    want_addr ? (struct sockaddr *)&r->sa : NULL,
	    want_addr ? &len : NULL);
	proc_file_rele(p, f);
	if (n < 0)
		return (int)n;
	r->data = o->heap;
	r->datalen = (uint32_t)n > maxlen ? maxlen : (uint32_t)n;
	r->salen = want_addr ? (len > sizeof(r->sa) ? sizeof(r->sa) : len) : 0;
	return (int)n;
}

static int
sys_sendto(struct proc *p, const struct sp_msg *q, struct sp_msg *r,
    struct sp_out *o)
{
	return do_send(p, q->i[0], q, q->i[1] | MSG_NOSIGNAL, 1);
}

static int
sys_recvfrom(struct proc *p, const struct sp_msg *q, struct sp_msg *r,
    struct sp_out *o)
{
	return do_recv(p, q->i[0], q->u[0], q->i[1], (int)q->u[1], 0, r, o);
}

static int
sys_write(struct proc *p, const struct sp_msg *q, struct sp_msg *r,
    struct sp_out *o)
{
	return do_send(p, q->i[0], q, MSG_NOSIGNAL, 0);
}

static int
sys_read(struct proc *p, const struct sp_msg *q, struct sp_msg *r,
    struct sp_out *o)
{
	return do_recv(p, q->i[0], q->u[0], 0, 0, 1, r, o);
}

static int
sys_getsockopt(struct proc *p, const struct sp_msg *q, struct sp_msg *r,
    struct sp_out *o)
{
	uint8_t val[SP_MAXOPT];
	struct kfile *f;
	socklen_t len = q->u[0] > SP_MAXOPT ? SP_MAXOPT : q->u[0];
	int error, n;

	if ((error = sock_get(p, q->i[0], &f)) != 0)
		return error;
	error = KS()->getsockopt(f->h, q->i[1], q->i[2], val, &len);
	proc_file_rele(p, f);
	if (error < 0)
		return error;
	if (len > SP_MAXOPT)
		len = SP_MAXOPT;
	n = sp_optval_to_wire(q->i[1], q->i[2], val, len, o->opt,
	    sizeof(o->opt));
	if (n < 0)
		return n;
	r->data = o->opt;
	r->datalen = (uint32_t)n;
	return 0;
}

static int
sys_setsockopt(struct proc *p, const struct sp_msg *q, struct sp_msg *r,
    struct sp_out *o)
{
	uint8_t val[SP_MAXOPT];
	struct kfile *f;
	int error, n;

	n = sp_optval_from_wire(q->i[1], q->i[2], q->data, q->datalen, val,
	    sizeof(val));
	if (n < 0)
		return n;
	if ((error = sock_get(p, q->i[0], &f)) != 0)
		return error;
	error = KS()->setsockopt(f->h, q->i[1], q->i[2], val, (socklen_t)n);
	proc_file_rele(p, f);
	return error;
}

static int
do_sockname(struct proc *p, const struct sp_msg *q, struct sp_msg *r,
    int peer)
{
	struct kfile *f;
	socklen_t len = sizeof(r->sa);
	int error;

	if ((error = sock_get(p, q->i[0], &f)) != 0)
		return error;
	if (peer)
		error = KS()->getpeername(f->h, (struct sockaddr *)&r->sa, &len);
	else
		error = KS()->getsockname(f->h, (struct sockaddr *)&r->sa, &len);
	proc_file_rele(p, f);
	if (error < 0)
		return error;
	r->salen = len > sizeof(r->sa) ? sizeof(r->sa) : len;
	return 0;
}

static int
sys_getsockname(struct proc *p, const struct sp_msg *q, struct sp_msg *r,
    struct sp_out *o)
{
	return do_sockname(p, q, r, 0);
}

static int
sys_getpeername(struct proc *p, const struct sp_msg *q, struct sp_msg *r,
    struct sp_out *o)
{
	return do_sockname(p, q, r, 1);
}

static int
sys_shutdown(struct proc *p, const struct sp_msg *q, struct sp_msg *r,
    struct sp_out *o)
{
	struct kfile *f;
	int error;

	if ((error = sock_get(p, q->i[0], &f)) != 0)
		return error;
	error = KS()->shutdown(f->h, q->i[1]);
	proc_file_rele(p, f);
	return error;
}

static int
sys_close(struct proc *p, const struct sp_msg *q, struct sp_msg *r,
    struct sp_out *o)
{
	return proc_fd_close(p, q->i[0]);
}

/*
 * poll: translate descriptors to handles, holding a reference on each file;
 * entries with a negative fd are ignored and closed ones get POLLNVAL
 * without asking the backend, which then only sees valid handles.  With
 * nothing to ask it the call just sleeps (abortably) for the timeout.
 */
struct pollwork {
	struct pollfd  *pfd;
	struct kfile  **files;
	uint32_t       *slot;
	uint16_t       *revents;
};

static int
do_poll(struct proc *p, const struct sp_msg *q, int timeout, struct sp_msg *r,
    struct sp_out *o)
{
	struct pollwork w;
	uint32_t k, n = q->n, m = 0;
	int32_t fd;
	uint16_t ev;
	int count = 0, ret;
	size_t size = n * (sizeof(*w.pfd) + sizeof(*w.files) +
	    sizeof(*w.slot) + sizeof(*w.revents));

	if ((o->heap = hyp_calloc(1, size > 0 ? size : 1)) == NULL)
		return -ENOMEM;
	w.pfd = o->heap;
	w.files = (struct kfile **)(w.pfd + n);
	w.slot = (uint32_t *)(w.files + n);
	w.revents = (uint16_t *)(w.slot + n);
	for (k = 0; k < n; k++) {
		sp_pollfd_at(q, k, &fd, &ev);
		if (fd < 0)
			continue;
		if (proc_fd_get(p, fd, &w.files[m]) != 0) {
			w.revents[k] = POLLNVAL;
			count++;
			continue;
		}
		if (w.files[m]->vf != NULL) {   /* a file: always ready */
			w.revents[k] = ev & (POLLIN | POLLOUT | POLLRDNORM |
			    POLLWRNORM);
			count += w.revents[k] != 0;
			proc_file_rele(p, w.files[m]);
			continue;
		}
		w.pfd[m].fd = w.files[m]->h;
		w.pfd[m].events = (short)ev;
		w.slot[m++] = k;
	}
	if (m == 0)
		ret = count == 0 ? proc_sleep(p, timeout) : 0;
	else
		ret = KS()->poll(w.pfd, m, count > 0 ? 0 : timeout);
	for (k = 0; k < m; k++) {
		if (ret >= 0 && w.pfd[k].revents != 0) {
			w.revents[w.slot[k]] = (uint16_t)w.pfd[k].revents;
			count++;
		}
		proc_file_rele(p, w.files[k]);
	}
	if (ret < 0)
		return ret;
	r->revents = w.revents;
	r->n = n;
	return count;
}

static int
sys_poll(struct proc *p, const struct sp_msg *q, struct sp_msg *r,
    struct sp_out *o)
{
	return do_poll(p, q, q->i[0], r, o);
}

static int
sys_fcntl(struct proc *p, const struct sp_msg *q, struct sp_msg *r,
    struct sp_out *o)
{
	struct kfile *f;
	int error, fd = q->i[0], arg = q->i[2];

	switch (q->i[1]) {
	case F_GETFD:
		error = proc_fd_getcloexec(p, fd);
		return error < 0 ? error : (error ? FD_CLOEXEC : 0);
	case F_SETFD:
		return proc_fd_setcloexec(p, fd, arg & FD_CLOEXEC);
	case F_GETFL:
	case F_SETFL:
		break;
	default:
		return -EINVAL;
	}
	if ((error = proc_fd_get(p, fd, &f)) != 0)
		return error;
	if (f->vf != NULL) {            /* a file: its open flags */
		if (q->i[1] == F_GETFL)
			error = vfs_file_flags(f->vf);
		else
			vfs_file_setflags(f->vf, arg), error = 0;
	} else if (q->i[1] == F_GETFL) {
		error = KS()->getfl(f->h);
		if (error >= 0)
			error = O_RDWR | (error & O_NONBLOCK);
	} else
		error = KS()->setfl(f->h, arg & O_NONBLOCK);
	proc_file_rele(p, f);
	return error;
}

static int
sys_dup(struct proc *p, const struct sp_msg *q, struct sp_msg *r,
    struct sp_out *o)
{
	return proc_fd_dup(p, q->i[0]);
}

/* FIONREAD answers the byte count, FIONBIO sets O_NONBLOCK; any other
 * request is not a socket's (ENOTTY, as Linux answers). */
static int
sys_ioctl(struct proc *p, const struct sp_msg *q, struct sp_msg *r,
    struct sp_out *o)
{
	struct kfile *f;
	int error;

	if (q->u[0] != FIONREAD && q->u[0] != FIONBIO)
		return -ENOTTY;
	if ((error = sock_get(p, q->i[0], &f)) != 0)
		return error;
	if (q->u[0] == FIONREAD)
		error = KS()->nread(f->h);
	else
		error = KS()->setfl(f->h, q->i[1] ? O_NONBLOCK : 0);
	proc_file_rele(p, f);
	return error;
}

static int
sys_fork(struct proc *p, const struct sp_msg *q, struct sp_msg *r,
    struct sp_out *o)
{
	int error;

	if ((error = proc_fork_save(p, r->cookie)) == 0)
		klog(KLOG_DEBUG, "%s: fork: %d descriptors saved for the child",
		    proc_label(p), proc_nfiles(p));
	return error;
}

static int
sys_join(struct proc *p, const struct sp_msg *q, struct sp_msg *r,
    struct sp_out *o)
{
	int error;

	if ((error = proc_fork_join(p, q->cookie)) == 0)
		klog(KLOG_DEBUG, "%s: joined its fork: %d descriptors",
		    proc_label(p), proc_nfiles(p));
	return error;
}

/*
 * Interface configuration.
 */
static int
addr_valid(const struct rump_ifaddr *a)
{
	return a->plen <= (a->family == AF_INET ? 32 : 128);
}

static int
sys_ifconfig(struct proc *p, const struct sp_msg *q, struct sp_msg *r,
    struct sp_out *o)
{
	const struct netcfg_ops *nc = netcfg();
	char detail[SP_DETAILMAX + 1] = "";
	int error;

	if (nc == NULL)
		return -EOPNOTSUPP;
	switch (q->h.call) {
	case SP_IFCREATE:
		return nc->if_create(q->name);
	case SP_IFDESTROY:
		return nc->if_destroy(q->name);
	case SP_IFGET:
		return nc->if_get(q->name, &r->ifi);
	case SP_IFSETLINKSTR:
		error = nc->if_set_linkstr(q->name, q->str, detail,
		    sizeof(detail));
		if (error < 0)
			memcpy(r->str, detail, sizeof(detail));
		return error;
	case SP_IFSETFLAGS:
		return nc->if_set_flags(q->name, q->u[0], q->u[1]);
	case SP_IFSETMTU:
		return nc->if_set_mtu(q->name, q->u[0]);
	case SP_IFADDADDR:
		return addr_valid(&q->ifa) ? nc->if_add_addr(q->name, &q->ifa) :
		    -EINVAL;
	case SP_IFDELADDR:
		return addr_valid(&q->ifa) ? nc->if_del_addr(q->name, &q->ifa) :
		    -EINVAL;
	case SP_IFSETMAC:
		return nc->if_set_mac(q->name, q->mac);
	case SP_IFLLADDR:
		return nc->if_lladdr(q->name, q->mac, (int)q->u[0]);
	case SP_IFSETMEDIA:
		return nc->if_set_media(q->name, q->u[0]);
	case SP_IFSETIMPAIR:
		return nc->if_set_impair(q->name, (int)q->u[0], &q->imp);
	case SP_IFGETIMPAIR:
		return nc->if_get_impair(q->name, (int)q->u[0], &r->imp);
	case SP_IFSETCARRIER:
		return nc->if_set_carrier(q->name, (int)q->u[0]);
	case SP_IFTAP:
		return nc->if_tap(q->name, q->str, (int)q->u[0], (uintptr_t)p);
	case SP_IFZERO:
		return nc->if_zero(q->name, &r->ifi);
	case SP_IFADDLIFE:
		return addr_valid(&q->ifa) ? nc->if_add_addr_life(q->name,
		    &q->ifa, q->u[0], q->u[1]) : -EINVAL;
	case SP_IFGETLIFE:
		return addr_valid(&q->ifa) ? nc->if_get_life(q->name, &q->ifa,
		    &r->u[0], &r->u[1]) : -EINVAL;
	}
	return -ENOSYS;
}

static int
sys_iflist(struct proc *p, const struct sp_msg *q, struct sp_msg *r,
    struct sp_out *o)
{
	const struct netcfg_ops *nc = netcfg();
	char (*names)[RUMP_IFNAMSIZ];
	uint32_t max = q->u[0] > SP_MAXIFS ? SP_MAXIFS : q->u[0];
	int n;

	if (nc == NULL)
		return -EOPNOTSUPP;
	if ((o->heap = hyp_calloc(max > 0 ? max : 1, RUMP_IFNAMSIZ)) == NULL)
		return -ENOMEM;
	names = o->heap;
	n = q->h.call == SP_IFCLONERS ? nc->if_cloners(names, (int)max) :
	    nc->if_list(names, (int)max);
	if (n < 0)
		return n;
	r->names = (const char (*)[RUMP_IFNAMSIZ])names;
	r->n = (uint32_t)n < max ? (uint32_t)n : max;
	return n;
}

/* BRIDGE_SET and BRIDGE_GET: the members and table into the reply. */
static int
sys_bridge(struct proc *p, const struct sp_msg *q, struct sp_msg *r,
    struct sp_out *o)
{
	const struct netcfg_ops *nc = netcfg();
	uint32_t max = q->u[0] > SP_MAXROUTES ? SP_MAXROUTES : q->u[0];
	struct rump_brport *ports;
	struct rump_braddr *addrs;
	int error;

	if (nc == NULL || nc->if_bridge_set == NULL)
		return -EOPNOTSUPP;
	if (q->h.call == SP_BRIDGE_SET)
		return nc->if_bridge_set(q->name, &q->br);
	if ((o->heap = hyp_calloc(1, RUMP_BRIDGE_MAXPORTS * sizeof(*ports) +
	    (max + 1) * sizeof(*addrs))) == NULL)
		return -ENOMEM;
	ports = o->heap;
	addrs = (struct rump_braddr *)(ports + RUMP_BRIDGE_MAXPORTS);
	if ((error = nc->if_bridge_get(q->name, &r->brst, ports, addrs,
	    (int)max)) < 0)
		return error;
	r->brports = ports;
	r->braddrs = addrs;
	r->n = r->brst.nports < RUMP_BRIDGE_MAXPORTS ? r->brst.nports :
	    RUMP_BRIDGE_MAXPORTS;
	r->n2 = r->brst.naddrs < max ? r->brst.naddrs : max;
	return 0;
}

/*
 * Routes, neighbours, counters.
 */
static int
sys_route(struct proc *p, const struct sp_msg *q, struct sp_msg *r,
    struct sp_out *o)
{
	const struct rtcfg_ops *rc = rtcfg();
	int error = -ENOSYS;

	if (rc == NULL)
		return -EOPNOTSUPP;
	/* What this call changes is posted as the client's (rtmsg.h). */
	rtmsg_caller(proc_pid(p), q->h.id);
	switch (q->h.call) {
	case SP_ROUTE_ADD:
		error = rc->rt_add(&q->rt);
		break;
	case SP_ROUTE_DELETE:
		error = rc->rt_delete(&q->rt);
		break;
	case SP_ROUTE_CHANGE:
		error = rc->rt_change(&q->rt);
		break;
	case SP_ROUTE_GET:
		r->rt = q->rt;
		error = rc->rt_get(&r->rt);
		break;
	case SP_ROUTE_FLUSH:
		error = rc->rt_flush((int)q->u[0]);
		break;
	case SP_NEIGH_SET:
		error = rc->nb_set(&q->nb);
		break;
	case SP_NEIGH_DELETE:
		error = rc->nb_delete(&q->nb);
		break;
	case SP_NEIGH_FLUSH:
		error = rc->nb_flush((int)q->u[0]);
		break;
	}
	rtmsg_caller(0, 0);
	return error;
}

/* RTMSG_READ: the node's routing messages from a number on. */
static int
sys_rtmsg(struct proc *p, const struct sp_msg *q, struct sp_msg *r,
    struct sp_out *o)
{
	uint32_t next = q->u[0], lost;
	int n;

	if (q->u[1] == 0 || q->u[1] > RTMSG_MAXREAD)
		return -EINVAL;
	if ((o->heap = hyp_calloc(q->u[1], sizeof(struct rump_rtmsg))) == NULL)
		return -ENOMEM;
	if ((n = rtmsg_read(&next, o->heap, (int)q->u[1], &lost)) < 0)
		return n;
	r->rtms = o->heap;
	r->n = (uint32_t)n;
	return lost > INT_MAX ? INT_MAX : (int)lost;
}

/* ROUTE_LIST and NEIGH_LIST: the table into the reply's records. */
static int
sys_rtlist(struct proc *p, const struct sp_msg *q, struct sp_msg *r,
    struct sp_out *o)
{
	const struct rtcfg_ops *rc = rtcfg();
	uint32_t max = q->u[1] > SP_MAXROUTES ? SP_MAXROUTES : q->u[1];
	int route = q->h.call == SP_ROUTE_LIST, n;

	if (rc == NULL)
		return -EOPNOTSUPP;
	if ((o->heap = hyp_calloc(max > 0 ? max : 1, route ?
	    sizeof(struct rump_rtentry) : sizeof(struct rump_neigh))) == NULL)
		return -ENOMEM;
	if (route) {
		n = rc->rt_list((int)q->u[0], o->heap, (int)max);
		r->rts = o->heap;
	} else {
		n = rc->nb_list((int)q->u[0], o->heap, (int)max);
		r->nbs = o->heap;
	}
	if (n < 0)
		return n;
	r->n = (uint32_t)n < max ? (uint32_t)n : max;
	return n;
}

static int
sys_netstat(struct proc *p, const struct sp_msg *q, struct sp_msg *r,
    struct sp_out *o)
{
	const struct rtcfg_ops *rc = rtcfg();
	uint32_t max = q->u[1];
	long need;

	if (rc == NULL)
		return -EOPNOTSUPP;
	if ((o->heap = hyp_malloc(max > 0 ? max : 1)) == NULL)
		return -ENOMEM;
	if ((need = rc->netstat((int)q->u[0], o->heap, max)) < 0)
		return (int)need;
	r->data = o->heap;
	r->datalen = max == 0 ? 0 :
	    (uint32_t)((unsigned long)need < max ? (uint32_t)need : max - 1);
	return need > INT_MAX ? INT_MAX : (int)need;
}

/*
 * sysctl, dmesg, reboot.
 */
static int
sys_sysctl_get(struct proc *p, const struct sp_msg *q, struct sp_msg *r,
    struct sp_out *o)
{
	size_t n;
	int error;

	if ((error = sysctl_get(q->str, r->val, sizeof(r->val))) != 0)
		return error;
	n = strlen(r->val);
	return n + 1 > q->u[0] ? -ENOMEM : (int)n;
}

static int
sys_sysctl_set(struct proc *p, const struct sp_msg *q, struct sp_msg *r,
    struct sp_out *o)
{
	int error;

	if ((error = sysctl_set(q->str, q->val)) == 0)
		klog(KLOG_DEBUG, "%s: sysctl %s set", proc_label(p), q->str);
	return error;
}

static int
sys_text(struct proc *p, const struct sp_msg *q, struct sp_msg *r,
    struct sp_out *o)
{
	uint32_t max = q->u[0];
	long need;

	if ((o->heap = hyp_malloc(max > 0 ? max : 1)) == NULL)
		return -ENOMEM;
	if (q->h.call == SP_DMESG)
		need = (long)klog_read(o->heap, max);
	else if ((need = sysctl_list(o->heap, max)) < 0)
		return (int)need;
	r->data = o->heap;
	r->datalen = max == 0 ? 0 :
	    (uint32_t)((unsigned long)need < max ? (uint32_t)need : max - 1);
	return need > INT_MAX ? INT_MAX : (int)need;
}

static int
sys_reboot(struct proc *p, const struct sp_msg *q, struct sp_msg *r,
    struct sp_out *o)
{
	klog(KLOG_INFO, "%s: reboot requested", proc_label(p));
	return 0;
}

/* The caller asked not to wait: MSG_DONTWAIT, or an O_NONBLOCK socket. */
static int
nonblocking(struct proc *p, const struct sp_msg *q)
{
	struct kfile *f;
	int fl;

	if (q->h.call == SP_RECVFROM || q->h.call == SP_SENDTO)
		if (q->i[1] & MSG_DONTWAIT)
			return 1;
	if (sock_get(p, q->i[0], &f) != 0)
		return 0;
	fl = KS()->getfl(f->h);
	proc_file_rele(p, f);
	return fl >= 0 && (fl & O_NONBLOCK);
}

/*
 * The reader thread's first try at a data call, without waiting: a
 * receive that finds data, or a send that finds room, is answered at once
 * instead of after a pool worker's wake-up (a third of a call's time).
 * A caller that asked not to wait has its EWOULDBLOCK at once too.  A
 * POLL that finds an entry ready, or has no timeout, is answered at once.
 * 1: done, *ret its result; 0: the call goes to the pool, *sent bytes of
 * a stream send already taken (the pool sends the rest).  A receive with
 * MSG_WAITALL always goes to the pool.
 */
int
sp_calls_try(struct proc *p, const struct sp_msg *q, struct sp_msg *r,
    struct sp_out *o, int *ret, uint32_t *sent)
{
	int n, send, wait;

	*sent = 0;
	switch (q->h.call) {
	case SP_RECVFROM:
		if (q->i[1] & MSG_WAITALL)
			return 0;
		n = do_recv(p, q->i[0], q->u[0], q->i[1] | MSG_DONTWAIT,
		    (int)q->u[1], 0, r, o);
		break;
	case SP_READ:
		n = do_recv(p, q->i[0], q->u[0], MSG_DONTWAIT, 0, 1, r, o);
		break;
	case SP_SENDTO:
		n = do_send(p, q->i[0], q, q->i[1] | MSG_NOSIGNAL |
		    MSG_DONTWAIT, 1);
		break;
	case SP_WRITE:
		n = do_send(p, q->i[0], q, MSG_NOSIGNAL | MSG_DONTWAIT, 0);
		break;
	case SP_POLL:
		/* Something ready (select-driven programs ask when it
		 * mostly is), or nothing to wait for. */
		n = do_poll(p, q, 0, r, o);
		if (n != 0 || q->i[0] == 0) {
			*ret = n;
			return 1;
		}
		hyp_free(o->heap);
		o->heap = NULL;
		memset(r, 0, sizeof(*r));
		return 0;
	default:
		return 0;
	}
	send = q->h.call == SP_SENDTO || q->h.call == SP_WRITE;
	/* What the pool would wait out: nothing to read, no room, and for a
	 * stream send lwIP out of memory (ks_sendto waits on it too). */
	wait = n == -EWOULDBLOCK || (send && n == -ENOMEM) ||
	    (send && n >= 0 && (uint32_t)n < q->datalen);
	if (!wait || nonblocking(p, q)) {
		*ret = n;
		return 1;
	}
	hyp_free(o->heap);
	o->heap = NULL;
	memset(r, 0, sizeof(*r));
	if (n > 0)
		*sent = (uint32_t)n;    /* a stream send that took part */
	return 0;
}

static const sp_handler handlers[] = {
	[SP_SOCKET] = sys_socket,
	[SP_BIND] = sys_bind,
	[SP_CONNECT] = sys_connect,
	[SP_LISTEN] = sys_listen,
	[SP_ACCEPT] = sys_accept,
	[SP_SENDTO] = sys_sendto,
	[SP_RECVFROM] = sys_recvfrom,
	[SP_GETSOCKOPT] = sys_getsockopt,
	[SP_SETSOCKOPT] = sys_setsockopt,
	[SP_GETSOCKNAME] = sys_getsockname,
	[SP_GETPEERNAME] = sys_getpeername,
	[SP_SHUTDOWN] = sys_shutdown,
	[SP_CLOSE] = sys_close,
	[SP_POLL] = sys_poll,
	[SP_FCNTL] = sys_fcntl,
	[SP_DUP] = sys_dup,
	[SP_READ] = sys_read,
	[SP_WRITE] = sys_write,
	[SP_IOCTL] = sys_ioctl,
	[SP_FORK] = sys_fork,
	[SP_JOIN] = sys_join,
	[SP_OPEN ... SP_ACCESS] = sp_fs_run,
	[SP_IFCREATE] = sys_ifconfig,
	[SP_IFDESTROY] = sys_ifconfig,
	[SP_IFLIST] = sys_iflist,
	[SP_IFGET] = sys_ifconfig,
	[SP_IFSETLINKSTR] = sys_ifconfig,
	[SP_IFSETFLAGS] = sys_ifconfig,
	[SP_IFSETMTU] = sys_ifconfig,
	[SP_IFADDADDR] = sys_ifconfig,
	[SP_IFDELADDR] = sys_ifconfig,
	[SP_IFSETMAC] = sys_ifconfig,
	[SP_IFSETIMPAIR] = sys_ifconfig,
	[SP_IFGETIMPAIR] = sys_ifconfig,
	[SP_IFSETCARRIER] = sys_ifconfig,
	[SP_IFTAP] = sys_ifconfig,
	[SP_BRIDGE_SET] = sys_bridge,
	[SP_BRIDGE_GET] = sys_bridge,
	[SP_SYSCTL_GET] = sys_sysctl_get,
	[SP_SYSCTL_SET] = sys_sysctl_set,
	[SP_SYSCTL_LIST] = sys_text,
	[SP_DMESG] = sys_text,
	[SP_REBOOT] = sys_reboot,
	[SP_IFLLADDR] = sys_ifconfig,
	[SP_IFSETMEDIA] = sys_ifconfig,
	[SP_IFCLONERS] = sys_iflist,
	[SP_IFZERO] = sys_ifconfig,
	[SP_IFADDLIFE] = sys_ifconfig,
	[SP_IFGETLIFE] = sys_ifconfig,
	[SP_ROUTE_ADD] = sys_route,
	[SP_ROUTE_DELETE] = sys_route,
	[SP_ROUTE_LIST] = sys_rtlist,
	[SP_ROUTE_GET] = sys_route,
	[SP_ROUTE_CHANGE] = sys_route,
	[SP_ROUTE_FLUSH] = sys_route,
	[SP_NEIGH_LIST] = sys_rtlist,
	[SP_NEIGH_SET] = sys_route,
	[SP_NEIGH_DELETE] = sys_route,
	[SP_NEIGH_FLUSH] = sys_route,
	[SP_RTMSG_READ] = sys_rtmsg,
	[SP_NETSTAT] = sys_netstat,
};

int
sp_calls_run(struct proc *p, const struct sp_msg *req, struct sp_msg *rep,
    struct sp_out *out)
{
	uint16_t call = req->h.call;

	if (call >= sizeof(handlers) / sizeof(handlers[0]) ||
	    handlers[call] == NULL)
		return -ENOSYS;
	return handlers[call](p, req, rep, out);
}
