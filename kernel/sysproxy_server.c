/*
 * sysproxy_server.c — the transport half of the sysproxy server: the
 * listening socket, one reader thread per connection, the worker pool, and
 * frame I/O.  What a call does is in sysproxy_calls.c; the frame layout in
 * sysproxy_wire.c.  Like NetBSD's rumpuser_sp.c this file talks to the
 * host's sockets directly.
 *
 * Threads and ownership:
 *  - the main thread owns the listening socket: its loop polls it and
 *    calls sp_server_accept() (a node has no acceptor thread: every
 *    thread asleep in an idle node is one task of the machine's pid_max);
 *  - a connection's reader thread reads every frame, answers the calls that
 *    cannot block itself, tries the data calls without waiting (most find
 *    data or room: a pool hand-off was a third of such a call's time) and
 *    queues the rest on the pool; it alone reads from the connection's
 *    socket;
 *  - pool workers run queued calls; a worker exits when more than
 *    POOL_KEEP are idle, so a burst of blocked calls does not leave
 *    hundreds of threads behind, and when it found no work for
 *    POOL_IDLE_NS, so an idle node keeps none (a ping from every node of
 *    a large lab would otherwise leave each a thread for good);
 *  - replies are written whole under the connection's wmtx, the one lock
 *    here held across a blocking call (a write to that client): it
 *    serialises frames and can only stall that client's own calls.
 * Cancelling: every call in flight is on its connection's job list with
 * its struct kcall (kernel/kcall.h).  A CANCEL frame, and the end of the
 * connection, cancel calls through it: a call sleeping in a backend wakes
 * and answers -EINTR.
 * Locks: srv->mtx guards the connection list and the stopping flag;
 * c->mtx a connection's reference and in-flight counts and its job list
 * (held while a job of it is cancelled, so the job cannot go meanwhile);
 * pool.mtx the queue and thread counts.  None is taken while another is
 * held, except srv->mtx then nothing and c->mtx then the kcall lock.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "kernel/hyper.h"
#include "kernel/kcall.h"
#include "kernel/klog.h"
#include "kernel/netcfg.h"
#include "kernel/proc.h"
#include "kernel/sysctl.h"
#include "kernel/sysproxy_calls.h"
#include "kernel/sysproxy_io.h"
#include "kernel/sysproxy_server.h"
#include "kernel/sysproxy_url.h"
#include "kernel/sysproxy_wire.h"

#define POOL_KEEP       8       /* idle workers kept */
#define POOL_IDLE_NS    (5ull * 1000000000u)    /* then they go */
#define CONN_MAXINFLIGHT 1024
#define STOP_WAIT_NS    (3ull * 1000000000u)
#define HANDSHAKE_TIMEOUT_S 10

struct conn {
	struct sp_server *srv;
	int          fd;
	uint32_t     id;
	struct proc *proc;
	hyp_mtx_t    wmtx;      /* whole frames written to fd */
	hyp_mtx_t    mtx;
	int          refs;      /* mtx: reader + calls in flight */
	int          inflight;  /* mtx */
	struct job  *jobs;      /* mtx: calls in flight */
	struct conn *next, *prev;       /* srv->mtx */
};

struct job {
	struct conn  *c;
	uint8_t      *frame;
	struct sp_msg req;
	uint32_t      sent;     /* of a send: taken by the reader's try */
	struct kcall  kc;
	struct job   *cnext, *cprev;    /* c->mtx: the connection's jobs */
	struct job   *next;     /* pool.mtx */
};

struct sp_server {
	int          lfd;
	int          is_unix;
	char         url[160];
	char         path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	dev_t        dev;       /* the socket file we made, to remove it */
	ino_t        ino;
	void       (*reboot_hook)(void);
	hyp_mtx_t    mtx;
	hyp_cv_t     cv;        /* a connection went away */
	struct conn *conns;     /* mtx */
	int          nconns;    /* mtx */
	int          stopping;  /* mtx */
	uint32_t     nextid;    /* main thread */
};

static struct {
	hyp_mtx_t   mtx;
	hyp_cv_t    cv;         /* work queued, or stopping */
	hyp_cv_t    gone;       /* a worker exited */
	struct job *head, *tail;
	int         queued, idle, nthreads, stopping;
} pool;

/*
 * Frame I/O.
 */
/* Where frames come from: a connection (mem NULL), or a configuration
 * read whole (sp_batch_run()). */
struct frame_src {
	int		 fd;
	const uint8_t	*mem;
	size_t		 len, off;
};

/* Like sp_read_full(): n bytes, fewer at the end, or -errno. */
static ssize_t
src_read(struct frame_src *s, void *buf, size_t n)
{
	size_t k;

	if (s->mem == NULL)
		return sp_read_full(s->fd, buf, n);
	k = s->len - s->off < n ? s->len - s->off : n;
	memcpy(buf, s->mem + s->off, k);
	s->off += k;
	return (ssize_t)k;
}

/* One frame: 0 and *framep (hyp_free it); 1 at a clean end of stream;
 * -errno with *why on a broken or hostile stream. */
static int
read_frame(struct frame_src *s, uint8_t **framep, size_t *lenp,
    const char **why)
{
	uint8_t hdr[SP_HDRLEN], *frame;
	struct sp_hdr h;
	ssize_t r;

	if ((r = src_read(s, hdr, sizeof(hdr))) == 0)
		return 1;
	if (r < 0 || r < (ssize_t)sizeof(hdr)) {
		*why = r < 0 ? strerror((int)-r) : "end of stream inside a frame";
		return r < 0 ? (int)r : -EPIPE;
	}
	if (sp_hdr_decode(hdr, &h) != 0) {
		*why = h.len < SP_HDRLEN ? "frame length under 16" :
		    "frame length over MAXFRAME";
		return -EMSGSIZE;
	}
	if ((frame = hyp_malloc(h.len)) == NULL) {
		*why = "out of memory";
		return -ENOMEM;
	}
	memcpy(frame, hdr, sizeof(hdr));
	r = src_read(s, frame + SP_HDRLEN, h.len - SP_HDRLEN);
	if (r != (ssize_t)(h.len - SP_HDRLEN)) {
		hyp_free(frame);
		*why = r < 0 ? strerror((int)-r) : "end of stream inside a frame";
		return r < 0 ? (int)r : -EPIPE;
	}
	*framep = frame;
	*lenp = h.len;
	return 0;
}

/* Encode and send a reply; an answer that cannot be encoded (an address
 * family the wire does not carry) becomes an error reply. */
static void
conn_reply(struct conn *c, const struct sp_hdr *req, int ret,
    struct sp_msg *rep)
{
	uint8_t small[4096], *buf = small;
	long n;

	rep->h.id = req->id;
	rep->h.call = req->call;
	rep->h.ret = ret;
	if ((n = sp_encode(rep, 1, NULL, 0)) < 0) {
		rep->h.ret = (int32_t)n;
		rep->str[0] = '\0';
		n = sp_encode(rep, 1, NULL, 0);
	}
	if (n > (long)sizeof(small) && (buf = hyp_malloc((size_t)n)) == NULL) {
		rep->h.ret = -ENOMEM;
		rep->str[0] = '\0';
		buf = small;
		n = sp_encode(rep, 1, NULL, 0);
	}
	sp_encode(rep, 1, buf, (size_t)n);
	hyp_mtx_enter(&c->wmtx);
	if (sp_write_full(c->fd, buf, (size_t)n) != 0)
		shutdown(c->fd, SHUT_RDWR);     /* the reader sees the end */
	hyp_mtx_exit(&c->wmtx);
	if (buf != small)
		hyp_free(buf);
}

static void
conn_reply_error(struct conn *c, const struct sp_hdr *req, int error)
{
	struct sp_msg rep;

	memset(&rep, 0, sizeof(rep));
	conn_reply(c, req, error, &rep);
}

/*
 * A node's configuration given at its start (rump_server -b): request
 * frames read from fd to its end, run in order as one client process
 * with our credentials, on this thread; nothing is answered.  A MKDIR
 * that finds its directory counts as done, as mkdir -p: the launcher
 * records a mount point's parents without knowing which exist.  It is
 * read whole first: two reads a call were 40 of a router's 380 system
 * calls at its start.
 */
#define BATCH_MAX	(64u << 20)

/* All of fd (a file or a pipe) in *bufp (hyp_free() it), its length
 * *lenp; -errno with *why. */
static int
read_all(int fd, uint8_t **bufp, size_t *lenp, const char **why)
{
	size_t cap = 8192, len = 0;
	uint8_t *buf, *nb;
	ssize_t r;

	if ((buf = hyp_malloc(cap)) == NULL)
		goto nomem;
	while ((r = read(fd, buf + len, cap - len)) != 0) {
		if (r < 0 && errno != EINTR) {
			r = -errno;
			hyp_free(buf);
			*why = strerror((int)-r);
			return (int)r;
		}
		if (r > 0 && (len += (size_t)r) == cap) {
			if (cap * 2 > BATCH_MAX) {
				hyp_free(buf);
				*why = "of 64 MiB or more";
				return -EFBIG;
			}
			if ((nb = hyp_malloc(cap * 2)) == NULL) {
				hyp_free(buf);
				goto nomem;
			}
			memcpy(nb, buf, len);
			hyp_free(buf);
			buf = nb;
			cap *= 2;
		}
	}
	*bufp = buf;
	*lenp = len;
	return 0;
nomem:
	*why = "out of memory";
	return -ENOMEM;
}

int
sp_batch_run(int fd, char *err, size_t errlen)
{
	struct sp_msg req, rep;
	struct sp_out out;
	struct kcall kc;
	struct proc *p;
	struct frame_src src = { .fd = fd };
	const char *why = NULL;
	uint8_t *frame, *all = NULL;
	size_t len;
	int r, ret, k;

	if ((p = proc_create(0)) == NULL) {
		snprintf(err, errlen, "configuration: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	proc_set_creds(p, (uint32_t)hyp_getpid(), (uint32_t)getuid(),
	    (uint32_t)getgid(), "configuration");
	k = 1;
	if ((r = read_all(fd, &all, &src.len, &why)) == 0)
		src.mem = all;
	for (; r == 0 && (r = read_frame(&src, &frame, &len, &why)) == 0;
	    k++) {
		if ((r = sp_decode(frame, len, 0, &req)) != 0 ||
		    req.h.call == SP_HELLO || req.h.call == SP_CANCEL) {
			snprintf(err, errlen, "configuration call %d: %s", k,
			    r != 0 ? req.why : "not a call");
			hyp_free(frame);
			r = r != 0 ? r : -EINVAL;
			break;
		}
		memset(&rep, 0, sizeof(rep));
		memset(&kc, 0, sizeof(kc));
		out.heap = NULL;
		kcall_enter(&kc);
		ret = sp_calls_run(p, &req, &rep, &out);
		kcall_leave();
		hyp_free(out.heap);
		klog(KLOG_DEBUG, "%s: %s -> %d", proc_label(p),
		    sp_call_desc(req.h.call)->name, ret);
		if (ret < 0 && !(req.h.call == SP_MKDIR && ret == -EEXIST)) {
			snprintf(err, errlen, "configuration call %d (%s): "
			    "%s%s%.*s", k, sp_call_desc(req.h.call)->name,
			    strerror(-ret), rep.str[0] ? ": " : "",
			    SP_DETAILMAX, rep.str);
			hyp_free(frame);
			r = ret;
			break;
		}
		hyp_free(frame);
	}
	hyp_free(all);
	if (r < 0 && why != NULL)
		snprintf(err, errlen, "configuration call %d: %s", k, why);
	proc_abort(p);
	proc_destroy(p);
	return r < 0 ? r : 0;
}

/*
 * Connections.
 */
static void
conn_rele(struct conn *c)
{
	struct sp_server *srv = c->srv;
	const struct netcfg_ops *nc;
	int last;

	hyp_mtx_enter(&c->mtx);
	last = --c->refs == 0;
	hyp_mtx_exit(&c->mtx);
	if (!last)
		return;
	/* Its captures go before the connection stops counting, so a
	 * server shutting down never tears interfaces down under it. */
	if ((nc = netcfg()) != NULL)
		nc->if_tap_release((uintptr_t)c->proc);
	hyp_mtx_enter(&srv->mtx);
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		srv->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	srv->nconns--;
	hyp_cv_broadcast(&srv->cv);
	hyp_mtx_exit(&srv->mtx);
	close(c->fd);
	proc_destroy(c->proc);
	hyp_mtx_destroy(&c->wmtx);
	hyp_mtx_destroy(&c->mtx);
	hyp_free(c);
}

/* Account a call in flight; -EAGAIN past the per-connection cap. */
static int
conn_call_start(struct conn *c, struct job *j)
{
	int error = 0;

	hyp_mtx_enter(&c->mtx);
	if (c->inflight >= CONN_MAXINFLIGHT)
		error = -EAGAIN;
	else {
		c->inflight++;
		c->refs++;
		j->cprev = NULL;
		if ((j->cnext = c->jobs) != NULL)
			c->jobs->cprev = j;
		c->jobs = j;
	}
	hyp_mtx_exit(&c->mtx);
	return error;
}

/* The call is answered: off the job list (nobody cancels it any more). */
static void
conn_call_done(struct conn *c, struct job *j)
{
	hyp_mtx_enter(&c->mtx);
	c->inflight--;
	if (j->cprev != NULL)
		j->cprev->cnext = j->cnext;
	else
		c->jobs = j->cnext;
	if (j->cnext != NULL)
		j->cnext->cprev = j->cprev;
	hyp_mtx_exit(&c->mtx);
	conn_rele(c);
}

/* Cancel the call with request id (every call when all): CANCEL, and a
 * connection's end.  An id not in flight (answered already) is no error:
 * the client reads that answer. */
static void
conn_cancel(struct conn *c, uint32_t id, int all)
{
	struct job *j;

	hyp_mtx_enter(&c->mtx);
	for (j = c->jobs; j != NULL; j = j->cnext)
		if (all || j->req.h.id == id)
			kcall_cancel(&j->kc);
	hyp_mtx_exit(&c->mtx);
}

static void
job_free(struct job *j)
{
	hyp_free(j->frame);
	hyp_free(j);
}

static void
job_run(struct job *j)
{
	struct conn *c = j->c;
	struct sp_msg rep;
	struct sp_out out;
	int ret;

	memset(&rep, 0, sizeof(rep));
	out.heap = NULL;
	kcall_enter(&j->kc);
	ret = sp_calls_run(c->proc, &j->req, &rep, &out);
	kcall_leave();
	if (j->sent > 0)        /* the rest of a send the reader began */
		ret = ret >= 0 ? ret + (int)j->sent : (int)j->sent;
	klog(KLOG_DEBUG, "%s: %s -> %d", proc_label(c->proc),
	    sp_call_desc(j->req.h.call)->name, ret);
	conn_reply(c, &j->req.h, ret, &rep);
	hyp_free(out.heap);
	if (j->req.h.call == SP_REBOOT && ret == 0 && c->srv->reboot_hook)
		c->srv->reboot_hook();
	conn_call_done(c, j);
	job_free(j);
}

/* A blocking call tried at once on the reader thread (sp_calls_try):
 * 1 when answered and j is gone; 0 when j must go to the pool. */
static int
job_try(struct job *j)
{
	struct conn *c = j->c;
	struct sp_msg rep;
	struct sp_out out;
	int ret;

	memset(&rep, 0, sizeof(rep));
	out.heap = NULL;
	if (!sp_calls_try(c->proc, &j->req, &rep, &out, &ret, &j->sent)) {
		j->req.data += j->sent;
		j->req.datalen -= j->sent;
		return 0;
	}
	klog(KLOG_DEBUG, "%s: %s -> %d (at once)", proc_label(c->proc),
	    sp_call_desc(j->req.h.call)->name, ret);
	conn_reply(c, &j->req.h, ret, &rep);
	hyp_free(out.heap);
	conn_call_done(c, j);
	job_free(j);
	return 1;
}

/*
 * The worker pool.
 */
static void *
worker_main(void *arg)
{
	struct job *j;

	uint64_t until;

	hyp_mtx_enter(&pool.mtx);
	for (;;) {
		until = hyp_clock_mono_ns() + POOL_IDLE_NS;
		while (pool.head == NULL && !pool.stopping &&
		    hyp_clock_mono_ns() < until) {
			pool.idle++;
			hyp_cv_timedwait(&pool.cv, &pool.mtx, until);
			pool.idle--;
		}
		if ((j = pool.head) == NULL)
			break;
		if ((pool.head = j->next) == NULL)
			pool.tail = NULL;
		pool.queued--;
		hyp_mtx_exit(&pool.mtx);
		job_run(j);
		hyp_mtx_enter(&pool.mtx);
		if (pool.idle >= POOL_KEEP)
			break;
	}
	pool.nthreads--;
	hyp_cv_broadcast(&pool.gone);
	hyp_mtx_exit(&pool.mtx);
	return NULL;
}

/* Queue j, starting a worker when none is free to take it.  The job is
 * queued before the lock is let go: an idle worker timing out meanwhile
 * finds it rather than leaving it to nobody. */
static int
pool_submit(struct job *j)
{
	struct job **pp, *prev = NULL;
	int spawn, error, taken = 1;

	hyp_mtx_enter(&pool.mtx);
	j->next = NULL;
	if (pool.tail != NULL)
		pool.tail->next = j;
	else
		pool.head = j;
	pool.tail = j;
	pool.queued++;
	spawn = pool.idle < pool.queued;
	if (spawn)
		pool.nthreads++;
	hyp_cv_signal(&pool.cv);
	hyp_mtx_exit(&pool.mtx);
	if (!spawn || (error = hyp_thread_create(worker_main, NULL,
	    "sp-worker", 1, NULL)) == 0)
		return 0;
	hyp_mtx_enter(&pool.mtx);
	pool.nthreads--;
	for (pp = &pool.head; *pp != NULL; prev = *pp, pp = &(*pp)->next)
		if (*pp == j) {
			*pp = j->next;
			if (pool.tail == j)
				pool.tail = prev;
			pool.queued--;
			taken = 0;
			break;
		}
	hyp_mtx_exit(&pool.mtx);
	return taken ? 0 : error;
}

/*
 * A connection's reader.
 */
static int
handshake(struct conn *c)
{
	struct sp_msg req, rep;
	const char *why = NULL;
	uint8_t *frame;
	size_t len;
	int r;

	if (sp_write_full(c->fd, SP_BANNER, strlen(SP_BANNER)) != 0)
		return -1;
	if ((r = read_frame(&(struct frame_src){ .fd = c->fd }, &frame, &len,
	    &why)) != 0) {
		if (r < 0)
			klog(KLOG_WARN, "%s: handshake: %s; closing",
			    proc_label(c->proc), why);
		return -1;
	}
	r = sp_decode(frame, len, 0, &req);
	if (r != 0 || req.h.call != SP_HELLO) {
		klog(KLOG_WARN, "%s: handshake: %s; closing",
		    proc_label(c->proc), r != 0 ? req.why : "first frame not HELLO");
		hyp_free(frame);
		return -1;
	}
	if (req.u[0] != SP_VERSION) {
		klog(KLOG_WARN, "%s: handshake: protocol version %u; closing",
		    proc_label(c->proc), req.u[0]);
		conn_reply_error(c, &req.h, -EPROTONOSUPPORT);
		hyp_free(frame);
		return -1;
	}
	proc_set_creds(c->proc, req.u[1], req.u[2], req.u[3], req.str);
	memset(&rep, 0, sizeof(rep));
	rep.u[0] = SP_VERSION;
	rep.u[1] = (uint32_t)hyp_getpid();
	rep.u[2] = SP_MAXBODY;
	if (sysctl_get("kern.hostname", rep.str, SP_NAMEMAX + 1) != 0)
		rep.str[0] = '\0';
	conn_reply(c, &req.h, 0, &rep);
	hyp_free(frame);
	klog(KLOG_INFO, "%s: connected, uid %u gid %u", proc_label(c->proc),
	    req.u[2], req.u[3]);
	return 0;
}

/* Decode and dispatch one frame; -1 ends the connection. */
static int
dispatch(struct conn *c, uint8_t *frame, size_t len)
{
	struct job *j;
	int error;

	if ((j = hyp_calloc(1, sizeof(*j))) == NULL) {
		hyp_free(frame);
		return -1;
	}
	j->c = c;
	j->frame = frame;
	error = sp_decode(frame, len, 0, &j->req);
	if (error == -ENOSYS) {
		conn_reply_error(c, &j->req.h, -ENOSYS);
		job_free(j);
		return 0;
	}
	if (error != 0 || j->req.h.call == SP_HELLO) {
		klog(KLOG_WARN, "%s: bad frame (call %u, %zu bytes): %s; "
		    "closing", proc_label(c->proc), j->req.h.call, len,
		    error != 0 ? j->req.why : "second HELLO");
		job_free(j);
		return -1;
	}
	if (j->req.h.call == SP_CANCEL) {       /* never answered */
		conn_cancel(c, j->req.u[0], 0);
		job_free(j);
		return 0;
	}
	if ((error = conn_call_start(c, j)) != 0) {
		conn_reply_error(c, &j->req.h, error);
		job_free(j);
		return 0;
	}
	if (!sp_call_desc(j->req.h.call)->blocking)
		job_run(j);
	else if (job_try(j))
		return 0;
	else if ((error = pool_submit(j)) != 0) {
		/* Bytes the try already sent are sent: say so, or the client
		 * sends them twice. */
		if (j->sent > 0) {
			struct sp_msg rep;

			memset(&rep, 0, sizeof(rep));
			conn_reply(c, &j->req.h, (int)j->sent, &rep);
		} else
			conn_reply_error(c, &j->req.h, -EAGAIN);
		conn_call_done(c, j);
		job_free(j);
	}
	return 0;
}

static void
set_rcvtimeo(int fd, int seconds)
{
	struct timeval tv = { seconds, 0 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

static void *
conn_main(void *arg)
{
	struct conn *c = arg;
	const char *why = NULL;
	uint8_t *frame;
	size_t len;
	int r;

	/* A peer that connects and says nothing holds a thread: not forever. */
	set_rcvtimeo(c->fd, HANDSHAKE_TIMEOUT_S);
	r = handshake(c);
	set_rcvtimeo(c->fd, 0);
	if (r == 0) {
		struct frame_src src = { .fd = c->fd };

		while ((r = read_frame(&src, &frame, &len, &why)) == 0)
			if (dispatch(c, frame, len) != 0)
				break;
		if (r < 0)
			klog(KLOG_WARN, "%s: %s; closing", proc_label(c->proc),
			    why);
	}
	klog(KLOG_INFO, "%s: disconnected", proc_label(c->proc));
	shutdown(c->fd, SHUT_RDWR);
	conn_cancel(c, 0, 1);
	proc_abort(c->proc);
	conn_rele(c);
	return NULL;
}

static int
conn_new(struct sp_server *srv, int fd)
{
	struct conn *c;
	int error;

	if ((c = hyp_calloc(1, sizeof(*c))) == NULL)
		return -ENOMEM;
	c->srv = srv;
	c->fd = fd;
	c->id = ++srv->nextid;
	c->refs = 1;
	if ((c->proc = proc_create(c->id)) == NULL) {
		hyp_free(c);
		return -ENOMEM;
	}
	hyp_mtx_init(&c->wmtx);
	hyp_mtx_init(&c->mtx);
	hyp_mtx_enter(&srv->mtx);
	c->next = srv->conns;
	if (srv->conns != NULL)
		srv->conns->prev = c;
	srv->conns = c;
	srv->nconns++;
	hyp_mtx_exit(&srv->mtx);
	if ((error = hyp_thread_create(conn_main, c, "sp-conn", 1, NULL)) != 0) {
		klog(KLOG_ERR, "sysproxy: no thread for a client: %s",
		    strerror(-error));
		conn_rele(c);   /* closes fd */
		return error;
	}
	return 0;
}

static int
stopping(struct sp_server *srv)
{
	int s;

	hyp_mtx_enter(&srv->mtx);
	s = srv->stopping;
	hyp_mtx_exit(&srv->mtx);
	return s;
}

int
sp_server_accept(struct sp_server *srv)
{
	int fd, one = 1, n = 0;

	for (;;) {
		fd = accept4(srv->lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EAGAIN)
				return 0;
			klog(KLOG_ERR, "sysproxy: accept: %s", strerror(errno));
			/* Out of descriptors: the caller backs off. */
			return -errno;
		}
		if (!srv->is_unix)
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
			    sizeof(one));
		if (stopping(srv) || conn_new(srv, fd) != 0)
			close(fd);
		if (++n == 64)
			return 1;       /* let the loop look at its signals */
	}
}

int
sp_server_fd(const struct sp_server *srv)
{
	return srv->lfd;
}

/*
 * Listening.
 */

/* A unix socket file already there: refuse it if a server answers on it
 * or it is not a socket, else remove it.  0 to retry bind. */
static int
unix_reclaim(const struct sockaddr_storage *ss, socklen_t len,
    const char *url, char *err, size_t errlen)
{
	const struct sockaddr_un *sun = (const struct sockaddr_un *)ss;
	struct stat st;
	int fd, r;

	if (lstat(sun->sun_path, &st) != 0)
		return 0;
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, errlen, "%s: %s exists and is not a socket", url,
		    sun->sun_path);
		return -EEXIST;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -errno;
	r = connect(fd, (const struct sockaddr *)ss, len);
	close(fd);
	if (r == 0 || errno != ECONNREFUSED) {
		snprintf(err, errlen, "%s: socket in use by a running server",
		    url);
		return -EADDRINUSE;
	}
	if (unlink(sun->sun_path) != 0 && errno != ENOENT) {
		snprintf(err, errlen, "%s: cannot remove stale socket: %s",
		    url, strerror(errno));
		return -errno;
	}
	klog(KLOG_INFO, "sysproxy: replaced stale socket %s", sun->sun_path);
	return 0;
}

static int
bind_listen(struct sp_server *srv, const struct sockaddr_storage *ss,
    socklen_t len, char *err, size_t errlen)
{
	int one = 1, error;

	srv->lfd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (srv->lfd < 0)
		goto fail;
	if (!srv->is_unix)
		setsockopt(srv->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(srv->lfd, (const struct sockaddr *)ss, len) != 0) {
		if (errno != EADDRINUSE || !srv->is_unix)
			goto fail;
		if ((error = unix_reclaim(ss, len, srv->url, err, errlen)) != 0)
			return error;
		if (bind(srv->lfd, (const struct sockaddr *)ss, len) != 0)
			goto fail;
	}
	if (listen(srv->lfd, 128) != 0)
		goto fail;
	return 0;
fail:
	error = -errno;
	snprintf(err, errlen, "%s: %s", srv->url,
	    error == -EADDRINUSE ? "address in use" : strerror(-error));
	return error;
}

int
sp_server_listen(const char *url, struct sp_server **srvp, char *err,
    size_t errlen)
{
	struct sockaddr_storage ss;
	struct sp_server *srv;
	struct stat st;
	socklen_t len;
	int error;

	if ((error = sp_url_parse(url, &ss, &len)) != 0) {
		snprintf(err, errlen, "bad URL '%s': %s", url,
		    error == -ENAMETOOLONG ? "socket path too long" :
		    "expected unix://path, unix:///abs/path or tcp://addr:port");
		return error;
	}
	if ((srv = hyp_calloc(1, sizeof(*srv))) == NULL)
		return -ENOMEM;
	srv->lfd = -1;
	srv->is_unix = ss.ss_family == AF_UNIX;
	snprintf(srv->url, sizeof(srv->url), "%s", url);
	if ((error = bind_listen(srv, &ss, len, err, errlen)) != 0) {
		if (srv->lfd >= 0)
			close(srv->lfd);
		hyp_free(srv);
		return error;
	}
	if (srv->is_unix) {
		memcpy(srv->path, ((struct sockaddr_un *)&ss)->sun_path,
		    sizeof(srv->path));
		if (stat(srv->path, &st) == 0) {
			srv->dev = st.st_dev;
			srv->ino = st.st_ino;
		}
	}
	hyp_mtx_init(&srv->mtx);
	hyp_cv_init(&srv->cv);
	*srvp = srv;
	return 0;
}

int
sp_server_start(struct sp_server *srv, void (*reboot_hook)(void))
{
	srv->reboot_hook = reboot_hook;
	hyp_mtx_init(&pool.mtx);
	hyp_cv_init(&pool.cv);
	hyp_cv_init(&pool.gone);
	klog(KLOG_INFO, "sysproxy: listening on %s", srv->url);
	if (fcntl(srv->lfd, F_SETFL, fcntl(srv->lfd, F_GETFL) | O_NONBLOCK) < 0)
		return -errno;
	return 0;
}

/* Remove the socket file if it is still the one this server made. */
static void
unlink_socket(struct sp_server *srv)
{
	struct stat st;

	if (srv->is_unix && stat(srv->path, &st) == 0 &&
	    st.st_dev == srv->dev && st.st_ino == srv->ino)
		unlink(srv->path);
}

void
sp_server_stop(struct sp_server *srv)
{
	uint64_t deadline = hyp_clock_mono_ns() + STOP_WAIT_NS;
	struct conn *c;
	int left;

	hyp_mtx_enter(&srv->mtx);
	srv->stopping = 1;
	hyp_mtx_exit(&srv->mtx);
	close(srv->lfd);
	unlink_socket(srv);
	hyp_mtx_enter(&srv->mtx);
	for (c = srv->conns; c != NULL; c = c->next)
		shutdown(c->fd, SHUT_RDWR);     /* wakes its reader */
	while (srv->nconns > 0 &&
	    hyp_cv_timedwait(&srv->cv, &srv->mtx, deadline) == 0)
		;
	left = srv->nconns;
	hyp_mtx_exit(&srv->mtx);
	hyp_mtx_enter(&pool.mtx);
	pool.stopping = 1;
	hyp_cv_broadcast(&pool.cv);
	while (pool.nthreads > 0 &&
	    hyp_cv_timedwait(&pool.gone, &pool.mtx, deadline) == 0)
		;
	hyp_mtx_exit(&pool.mtx);
	if (left > 0) {
		/* Calls stuck in a backend: leave their memory to exit(). */
		klog(KLOG_WARN, "sysproxy: %d clients did not finish", left);
		return;
	}
	hyp_cv_destroy(&srv->cv);
	hyp_mtx_destroy(&srv->mtx);
	hyp_free(srv);
}
