/*
 * rumpclient.c — librumpclient's connection to its node: finding it
 * ($RUMP_SERVER), the sysproxy handshake (kernel/SYSPROXY.txt), and
 * rumpclient_call(), which the rump_sys_* wrappers (rumpclient_sys.c) use.
 *
 * One connection per process, shared by its threads.  A call takes a
 * request id, sends its frame under wmtx, and waits for the reply with
 * the same id.  There is no receiver thread: the waiting threads take
 * turns as the reader (leader/follower).  Whoever waits while nobody is
 * reading becomes the leader, reads frames and hands each to the thread
 * whose id it carries; when its own reply arrives it passes the role to
 * another waiter.  So a reply costs one wake-up, and a process with no
 * call in flight has no thread of ours.
 *
 * Locks: rc.mtx guards the connection state, the waiter list and the
 * leader flag; rc.wmtx serialises whole frames written to the socket (the
 * only lock held across a write); init_mtx serialises connecting.  Nobody
 * holds rc.mtx while reading the socket.
 *
 * Waits that also watch host descriptors or end at a signal (struct
 * rc_wait) cannot sleep on a condition variable: such a waiter polls, as
 * the leader the connection itself, as a follower an eventfd of its
 * thread, beside the host descriptors; whoever hands it a reply or the
 * leader's role writes that eventfd instead of signalling.  When a host
 * descriptor or a signal ends its wait first, it sends CANCEL for its
 * call and waits (no longer for them) for the reply.
 *
 * fork: the child does not inherit the connection.  Its first call
 * connects anew and is a new process in the node, with no descriptors
 * (the parent's stay the parent's), unless the parent took a cookie with
 * rumpclient_prefork() and the child gave it to rumpclient_fork_child():
 * then that first connection JOINs the copy of the parent's table.
 * rumpclient_fini() must not race with calls in other threads.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "kernel/rumpclient.h"
#include "kernel/rumpclient_call.h"
#include "kernel/sysproxy_url.h"
#include "kernel/sysproxy_wire.h"

#define HANDSHAKE_TIMEOUT_S 10

enum { RC_NEVER, RC_UP, RC_DOWN, RC_RECORD };

struct waiter {
	uint32_t        id;
	int             done;
	int             error;          /* transport failure: errno */
	uint8_t        *frame;          /* the reply, malloc'd */
	size_t          len;
	int             efd;            /* >= 0: polls, woken through it */
	int             poll;           /* a POLL: never restarted */
	pthread_cond_t  cv;             /* efd < 0: sleeps on it */
	struct waiter  *next;
};

static struct {
	pthread_mutex_t mtx;
	pthread_mutex_t wmtx;
	int             fd;             /* mtx; kept open until fini */
	int             state;          /* mtx */
	int             leader;         /* mtx */
	uint32_t        nextid;         /* mtx */
	struct waiter  *waiters;        /* mtx */
} rc = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, -1, RC_NEVER,
    0, 1, NULL };

static pthread_mutex_t init_mtx = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;
static char lasterror[512] = "not connected";          /* init_mtx */
static __thread char lastdetail[SP_DETAILMAX + 1];
static int rc_flags;                    /* rumpclient_setflags() */
static int join_pending;                /* init_mtx: join on connect */
static uint8_t join_cookie[SP_COOKIELEN];       /* init_mtx */

/* A thread's eventfd for waits that poll; closed when the thread ends. */
static __thread int thread_efd = -1;
static pthread_key_t efd_key;
static pthread_once_t efd_once = PTHREAD_ONCE_INIT;

static struct rumpclient_hostcalls hc = {
	socket, connect, read, write, send, close, poll, setsockopt,
	shutdown, NULL, NULL,
};

void
rumpclient_set_hostcalls(const struct rumpclient_hostcalls *calls)
{
	hc = *calls;
}

const struct rumpclient_hostcalls *
rumpclient_hostcalls(void)
{
	return &hc;
}

void
rumpclient_setflags(int flags)
{
	__atomic_store_n(&rc_flags, flags, __ATOMIC_RELAXED);
}

/* A descriptor we made, moved where the embedding library wants it. */
static int
adopt(int fd)
{
	return fd >= 0 && hc.fdadopt != NULL ? hc.fdadopt(fd) : fd;
}

static void
efd_destroy(void *arg)
{
	hc.close((int)(intptr_t)arg - 1);
}

static void
efd_key_make(void)
{
	pthread_key_create(&efd_key, efd_destroy);
}

static int
thread_eventfd(void)
{
	if (thread_efd >= 0)
		return thread_efd;
	pthread_once(&efd_once, efd_key_make);
	if ((thread_efd = adopt(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK))) >= 0)
		pthread_setspecific(efd_key, (void *)(intptr_t)(thread_efd + 1));
	return thread_efd;
}

/*
 * Socket I/O.
 */
/* n bytes or -errno; the end of the stream is a lost connection. */
static int
read_full(int fd, void *buf, size_t n)
{
	size_t off = 0;
	ssize_t r;

	while (off < n) {
		if ((r = hc.read(fd, (char *)buf + off, n - off)) == 0)
			return -ENOTCONN;
		if (r < 0 && errno != EINTR)
			return -errno;
		if (r > 0)
			off += (size_t)r;
	}
	return 0;
}

/* To a socket (send, for MSG_NOSIGNAL), or a record's file (write). */
static int
write_full(int fd, const void *buf, size_t n, bool file)
{
	size_t off = 0;
	ssize_t r;

	while (off < n) {
		r = file ? hc.write(fd, (const char *)buf + off, n - off) :
		    hc.send(fd, (const char *)buf + off, n - off, MSG_NOSIGNAL);
		if (r < 0 && errno != EINTR)
			return -errno;
		if (r > 0)
			off += (size_t)r;
	}
	return 0;
}

/* Wake a waiter: a reply, the connection's end, or the reader's role. */
static void
wake(struct waiter *w)
{
	uint64_t one = 1;

	if (w->efd >= 0)
		(void)!hc.write(w->efd, &one, sizeof(one));
	else
		pthread_cond_signal(&w->cv);
}

static int
read_frame(int fd, uint8_t **framep, size_t *lenp)
{
	uint8_t hdr[SP_HDRLEN], *frame;
	struct sp_hdr h;
	int error;

	if ((error = read_full(fd, hdr, sizeof(hdr))) != 0)
		return error;
	if (sp_hdr_decode(hdr, &h) != 0)
		return -EPROTO;
	if ((frame = malloc(h.len)) == NULL)
		return -ENOMEM;
	memcpy(frame, hdr, sizeof(hdr));
	if ((error = read_full(fd, frame + SP_HDRLEN, h.len - SP_HDRLEN)) != 0) {
		free(frame);
		return error;
	}
	*framep = frame;
	*lenp = h.len;
	return 0;
}

/*
 * Connecting.
 */
static void
atfork_prepare(void)
{
	pthread_mutex_lock(&init_mtx);
	pthread_mutex_lock(&rc.mtx);
	pthread_mutex_lock(&rc.wmtx);
}

static void
atfork_parent(void)
{
	pthread_mutex_unlock(&rc.wmtx);
	pthread_mutex_unlock(&rc.mtx);
	pthread_mutex_unlock(&init_mtx);
}

static void
atfork_child(void)
{
	if (rc.fd >= 0)
		hc.close(rc.fd);
	rc.fd = -1;
	rc.state = RC_NEVER;
	rc.leader = 0;
	rc.waiters = NULL;
	atfork_parent();
}

static void
atfork_register(void)
{
	pthread_atfork(atfork_prepare, atfork_parent, atfork_child);
}

static void
set_timeout(int fd, int seconds)
{
	struct timeval tv = { seconds, 0 };

	hc.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	hc.setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* Read the banner line and check it names our protocol and version. */
static int
check_banner(int fd, const char *url)
{
	char line[SP_BANNER_MAX + 1];
	size_t off = 0;
	ssize_t r;

	while (off < SP_BANNER_MAX && (off == 0 || line[off - 1] != '\n')) {
		r = hc.read(fd, line + off, SP_BANNER_MAX - off);
		if (r <= 0) {
			snprintf(lasterror, sizeof(lasterror), "%s: %s", url,
			    r == 0 ? "connection closed before the banner" :
			    strerror(errno));
			return -ECONNREFUSED;
		}
		off += (size_t)r;
	}
	line[off] = '\0';
	if (strncmp(line, SP_BANNER_PFX, strlen(SP_BANNER_PFX)) != 0 ||
	    line[off - 1] != '\n') {
		snprintf(lasterror, sizeof(lasterror),
		    "%s: not a rumplab node (bad banner)", url);
		return -EPROTO;
	}
	if (atoi(line + strlen(SP_BANNER_PFX)) != SP_VERSION) {
		snprintf(lasterror, sizeof(lasterror), "%s: node speaks "
		    "sysproxy %d, this client %d", url,
		    atoi(line + strlen(SP_BANNER_PFX)), SP_VERSION);
		return -EPROTONOSUPPORT;
	}
	return 0;
}

static void
process_name(char *buf, size_t len)
{
	extern char *program_invocation_short_name;

	snprintf(buf, len, "%s", program_invocation_short_name);
}

static int
hello(int fd, const char *url)
{
	uint8_t buf[256], *frame;
	struct sp_msg m;
	size_t len;
	long n;
	int error;

	memset(&m, 0, sizeof(m));
	m.h.call = SP_HELLO;
	m.u[0] = SP_VERSION;
	m.u[1] = (uint32_t)getpid();
	m.u[2] = (uint32_t)getuid();
	m.u[3] = (uint32_t)getgid();
	process_name(m.str, SP_NAMEMAX + 1);
	if ((n = sp_encode(&m, 0, buf, sizeof(buf))) < 0)
		return (int)n;
	if ((error = write_full(fd, buf, (size_t)n, false)) != 0 ||
	    (error = read_frame(fd, &frame, &len)) != 0) {
		snprintf(lasterror, sizeof(lasterror), "%s: handshake: %s", url,
		    strerror(-error));
		return error;
	}
	error = sp_decode(frame, len, 1, &m);
	free(frame);
	if (error == 0 && m.h.ret < 0)
		error = m.h.ret;
	if (error != 0 || m.h.call != SP_HELLO) {
		snprintf(lasterror, sizeof(lasterror), "%s: handshake refused: "
		    "%s", url, strerror(error != 0 ? -error : EPROTO));
		return error != 0 ? error : -EPROTO;
	}
	return 0;
}

/* The fork's child takes its parent's descriptors (init_mtx held).  A
 * copy that is gone (expired, joined) leaves a process with none: said
 * in lasterror, the connection stands. */
static void
join(int fd, const char *url)
{
	uint8_t buf[64], *frame;
	struct sp_msg m;
	size_t len;
	long n;
	int error;

	join_pending = 0;
	memset(&m, 0, sizeof(m));
	m.h.call = SP_JOIN;
	memcpy(m.cookie, join_cookie, SP_COOKIELEN);
	if ((n = sp_encode(&m, 0, buf, sizeof(buf))) < 0)
		return;
	if ((error = write_full(fd, buf, (size_t)n, false)) != 0 ||
	    (error = read_frame(fd, &frame, &len)) != 0)
		return;
	error = sp_decode(frame, len, 1, &m);
	free(frame);
	if (error == 0 && m.h.ret < 0)
		snprintf(lasterror, sizeof(lasterror), "%s: the parent's "
		    "descriptors are gone: %s", url, strerror((int)-m.h.ret));
}

static int
connect_url(const char *url)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, one = 1, error;

	if ((error = sp_url_parse(url, &ss, &len)) != 0) {
		snprintf(lasterror, sizeof(lasterror), "bad server URL '%s': "
		    "expected unix://path, unix:///abs/path or tcp://addr:port",
		    url);
		return error;
	}
	fd = adopt(hc.socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0));
	if (fd < 0) {
		error = -errno;
		snprintf(lasterror, sizeof(lasterror), "%s: socket: %s", url,
		    strerror(errno));
		return error;
	}
	if (hc.connect(fd, (struct sockaddr *)&ss, len) != 0) {
		error = -errno;
		snprintf(lasterror, sizeof(lasterror), "no server at %s: %s",
		    url, strerror(errno));
		hc.close(fd);
		return error;
	}
	if (ss.ss_family != AF_UNIX)
		hc.setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	set_timeout(fd, HANDSHAKE_TIMEOUT_S);
	if ((error = check_banner(fd, url)) != 0 ||
	    (error = hello(fd, url)) != 0) {
		hc.close(fd);
		return error;
	}
	if (join_pending)
		join(fd, url);
	set_timeout(fd, 0);
	return fd;
}

int
rumpclient_init_url(const char *url)
{
	int fd, state;

	pthread_once(&atfork_once, atfork_register);
	pthread_mutex_lock(&init_mtx);
	pthread_mutex_lock(&rc.mtx);
	state = rc.state;
	pthread_mutex_unlock(&rc.mtx);
	if (state == RC_UP) {
		pthread_mutex_unlock(&init_mtx);
		return 0;
	}
	if ((fd = connect_url(url)) < 0) {
		pthread_mutex_unlock(&init_mtx);
		errno = -fd;
		return -1;
	}
	pthread_mutex_lock(&rc.mtx);
	if (rc.fd >= 0)
		hc.close(rc.fd);
	rc.fd = fd;
	rc.state = RC_UP;
	rc.leader = 0;
	pthread_mutex_unlock(&rc.mtx);
	snprintf(lasterror, sizeof(lasterror), "connected to %s", url);
	pthread_mutex_unlock(&init_mtx);
	return 0;
}

/*
 * A program linked with this library is a node's client already: the
 * section below, which its executable carries, tells `rumplab exec`
 * (lab/hostnet.c) to run it without librumphijack.
 */
__attribute__((used, section(RUMPCLIENT_MARK_SECTION)))
static const char rumpclient_mark[] = "rumpclient";

int
rumpclient_init(void)
{
	const char *url = getenv("RUMP_SERVER");

	if (url == NULL || *url == '\0') {
		pthread_mutex_lock(&init_mtx);
		snprintf(lasterror, sizeof(lasterror), "RUMP_SERVER is not set "
		    "(e.g. RUMP_SERVER=unix://node1)");
		pthread_mutex_unlock(&init_mtx);
		errno = EHOSTDOWN;
		return -1;
	}
	return rumpclient_init_url(url);
}

void
rumpclient_fini(void)
{
	pthread_mutex_lock(&init_mtx);
	pthread_mutex_lock(&rc.mtx);
	if (rc.fd >= 0)
		hc.close(rc.fd);
	rc.fd = -1;
	rc.state = RC_NEVER;
	pthread_mutex_unlock(&rc.mtx);
	pthread_mutex_unlock(&init_mtx);
}

int
rumpclient_fd(void)
{
	int fd;

	pthread_mutex_lock(&rc.mtx);
	fd = rc.state == RC_UP ? rc.fd : -1;
	pthread_mutex_unlock(&rc.mtx);
	return fd;
}

void
rumpclient_fork_child(const uint8_t cookie[RUMPCLIENT_COOKIELEN])
{
	pthread_mutex_lock(&init_mtx);
	join_pending = cookie != NULL;
	if (cookie != NULL)
		memcpy(join_cookie, cookie, SP_COOKIELEN);
	pthread_mutex_unlock(&init_mtx);
}

int
rumpclient_prefork(uint8_t cookie[RUMPCLIENT_COOKIELEN])
{
	struct sp_msg m, rep;
	uint8_t *frame;
	long r;

	pthread_mutex_lock(&init_mtx);
	r = join_pending;
	pthread_mutex_unlock(&init_mtx);
	if (!r && rumpclient_fd() < 0) {
		errno = ENOTCONN;       /* nothing in the node to inherit */
		return -1;
	}
	memset(&m, 0, sizeof(m));
	m.h.call = SP_FORK;
	if ((r = rumpclient_call(&m, &rep, &frame)) == 0)
		memcpy(cookie, rep.cookie, SP_COOKIELEN);
	free(frame);
	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	return 0;
}

const char *
rumpclient_lasterror(void)
{
	return lasterror;
}

const char *
rumpclient_lastdetail(void)
{
	return lastdetail;
}

/*
 * Calls.
 */

/* The connection is gone: fail every waiter.  rc.mtx held. */
static void
drop_locked(void)
{
	struct waiter *w;

	if (rc.state == RC_UP) {
		rc.state = RC_DOWN;
		hc.shutdown(rc.fd, SHUT_RDWR);
	}
	for (w = rc.waiters; w != NULL; w = w->next)
		if (!w->done) {
			w->done = 1;
			w->error = ENOTCONN;
			wake(w);
		}
}

/* Hand a reply to its waiter (self: the leader's own, who needs no
 * wake-up); an id nobody waits for is a broken peer. */
static void
deliver_locked(uint8_t *frame, size_t len, struct waiter *self)
{
	struct sp_hdr h;
	struct waiter *w;

	sp_hdr_decode(frame, &h);
	for (w = rc.waiters; w != NULL; w = w->next)
		if (w->id == h.id && !w->done)
			break;
	if (w == NULL) {
		free(frame);
		drop_locked();
		return;
	}
	w->frame = frame;
	w->len = len;
	w->done = 1;
	if (w != self)
		wake(w);
}

/* As the leader, read one frame and hand it over.  rc.mtx held, and
 * dropped while reading. */
static void
lead_read_locked(struct waiter *self)
{
	uint8_t *frame;
	size_t len;
	int fd = rc.fd, error;

	pthread_mutex_unlock(&rc.mtx);
	error = read_frame(fd, &frame, &len);
	pthread_mutex_lock(&rc.mtx);
	if (error != 0)
		drop_locked();
	else
		deliver_locked(frame, len, self);
}

/* Pass the reader's role on to a thread still waiting.  rc.mtx held. */
static void
pass_lead_locked(void)
{
	struct waiter *x;

	if (!rc.leader)
		for (x = rc.waiters; x != NULL; x = x->next)
			if (!x->done) {
				wake(x);
				break;
			}
}

static void
unlink_locked(struct waiter *w)
{
	struct waiter **pp;

	for (pp = &rc.waiters; *pp != w; pp = &(*pp)->next)
		;
	*pp = w->next;
}

static int send_request(struct sp_msg *req, uint32_t id, bool file);

/* Ask the node to cancel call id (no reply comes).  rc.mtx held, dropped
 * while sending. */
static void
cancel_locked(uint32_t id)
{
	struct sp_msg m;
	uint32_t cid = rc.nextid++;

	memset(&m, 0, sizeof(m));
	m.h.call = SP_CANCEL;
	m.u[0] = id;
	pthread_mutex_unlock(&rc.mtx);
	if (send_request(&m, cid, false) != 0) {
		pthread_mutex_lock(&rc.mtx);
		drop_locked();
		return;
	}
	pthread_mutex_lock(&rc.mtx);
}

/*
 * A waiter that polls (rc_wait): the connection as the leader or its
 * eventfd as a follower, and until the call is cancelled the host
 * descriptors; a signal (with intr) or a ready host descriptor cancels
 * the call.  rc.mtx held.
 */
static void
wait_poll_locked(struct waiter *w, struct rc_wait *rw)
{
	struct pollfd spfd[8], *pfd = spfd;
	nfds_t n, k;
	uint64_t junk;
	int lead, r, cancelled = 0, hit;

	if (rw->nhost + 1 > sizeof(spfd) / sizeof(spfd[0]) &&
	    (pfd = calloc(rw->nhost + 1, sizeof(*pfd))) == NULL) {
		pfd = spfd;
		rw->nhost = 0;          /* no room: the reply alone */
	}
	for (k = 0; k < rw->nhost; k++)
		rw->hostfds[k].revents = 0;
	while (!w->done) {
		if ((lead = !rc.leader))
			rc.leader = 1;
		pfd[0].fd = lead ? rc.fd : w->efd;
		pfd[0].events = POLLIN;
		n = 1;
		if (!cancelled)
			for (k = 0; k < rw->nhost; k++)
				pfd[n++] = rw->hostfds[k];
		pthread_mutex_unlock(&rc.mtx);
		r = hc.poll(pfd, n, -1);
		if (r < 0 && errno != EINTR)
			r = 0;          /* EFAULT/ENOMEM: try again */
		hit = r < 0 && rw->intr && (w->poll || hc.restart == NULL ||
		    !hc.restart());
		for (k = 1; k < n && r > 0; k++)
			if ((rw->hostfds[k - 1].revents = pfd[k].revents) != 0) {
				rw->hostready++;
				hit = 1;
			}
		if (r > 0 && (pfd[0].revents & (POLLIN | POLLHUP | POLLERR))) {
			pthread_mutex_lock(&rc.mtx);
			if (lead)
				lead_read_locked(w);
			else
				while (hc.read(w->efd, &junk, sizeof(junk)) > 0)
					;
		} else
			pthread_mutex_lock(&rc.mtx);
		if (lead)
			rc.leader = 0;
		if (hit && !cancelled && !w->done) {
			cancelled = 1;
			cancel_locked(w->id);
		}
	}
	if (pfd != spfd)
		free(pfd);
}

static void
wait_reply_locked(struct waiter *w, struct rc_wait *rw)
{
	if (w->efd >= 0)
		wait_poll_locked(w, rw);
	while (!w->done) {
		if (rc.leader) {
			pthread_cond_wait(&w->cv, &rc.mtx);
			continue;
		}
		rc.leader = 1;
		lead_read_locked(w);
		rc.leader = 0;
	}
	unlink_locked(w);
	pass_lead_locked();
}

/* Connect on first use; the state a call fails with otherwise; 1 while
 * recording (rumpclient_record()). */
static int
ensure_connected(void)
{
	int state;

	pthread_mutex_lock(&rc.mtx);
	state = rc.state;
	pthread_mutex_unlock(&rc.mtx);
	if (state == RC_UP)
		return 0;
	if (state == RC_DOWN)
		return -ENOTCONN;
	if (state == RC_RECORD)
		return 1;
	return rumpclient_init() == 0 ? 0 : -EHOSTDOWN;
}

static int
send_request(struct sp_msg *req, uint32_t id, bool file)
{
	uint8_t small[1024], *buf = small;
	long n;
	int error;

	req->h.id = id;
	if ((n = sp_encode(req, 0, NULL, 0)) < 0)
		return (int)n;
	if (n > (long)sizeof(small) && (buf = malloc((size_t)n)) == NULL)
		return -ENOMEM;
	sp_encode(req, 0, buf, (size_t)n);
	pthread_mutex_lock(&rc.wmtx);
	error = write_full(rc.fd, buf, (size_t)n, file);
	pthread_mutex_unlock(&rc.wmtx);
	if (buf != small)
		free(buf);
	return error != 0 ? -ENOTCONN : 0;
}

/*
 * Recording (rumpclient_record()): the call goes to the record as a
 * request frame and is answered 0 with an empty reply.
 */
static int
record_call(struct sp_msg *req, struct sp_msg *rep)
{
	uint32_t id;

	pthread_mutex_lock(&rc.mtx);
	id = rc.nextid++;
	pthread_mutex_unlock(&rc.mtx);
	memset(rep, 0, sizeof(*rep));
	rep->h.call = req->h.call;
	return send_request(req, id, true);
}

long
rumpclient_record(int fd)
{
	long n;

	pthread_mutex_lock(&init_mtx);
	pthread_mutex_lock(&rc.mtx);
	if (rc.state == RC_UP) {
		n = -EISCONN;
	} else if (fd >= 0) {
		rc.fd = fd;
		rc.state = RC_RECORD;
		rc.nextid = 1;
		n = 0;
	} else {
		n = rc.state == RC_RECORD ? (long)rc.nextid - 1 : 0;
		if (rc.state == RC_RECORD) {
			rc.fd = -1;
			rc.state = RC_NEVER;
		}
	}
	pthread_mutex_unlock(&rc.mtx);
	pthread_mutex_unlock(&init_mtx);
	return n;
}

long
rumpclient_recorded(void)
{
	long n;

	pthread_mutex_lock(&rc.mtx);
	n = rc.state == RC_RECORD ? (long)rc.nextid - 1 : 0;
	pthread_mutex_unlock(&rc.mtx);
	return n;
}

/*
 * One call: send req, wait, decode the reply into rep.  Returns the reply's
 * ret (>= 0 or -errno).  On success *framep holds the reply frame that rep
 * points into; free() it when done.
 */
long
rumpclient_call(struct sp_msg *req, struct sp_msg *rep, uint8_t **framep)
{
	return rumpclient_call_wait(req, rep, framep, NULL);
}

long
rumpclient_call_wait(struct sp_msg *req, struct sp_msg *rep,
    uint8_t **framep, struct rc_wait *rw)
{
	struct rc_wait none = { NULL, 0, 0, 0 };
	struct waiter w;
	int error;

	*framep = NULL;
	lastdetail[0] = '\0';
	if (rw == NULL)
		rw = &none;
	rw->hostready = 0;
	if ((__atomic_load_n(&rc_flags, __ATOMIC_RELAXED) & RUMPCLIENT_INTR) &&
	    sp_call_desc(req->h.call) != NULL &&
	    sp_call_desc(req->h.call)->blocking)
		rw->intr = 1;
	if ((error = ensure_connected()) == 1)
		return record_call(req, rep);
	if (error != 0)
		return error;
	memset(&w, 0, sizeof(w));
	w.efd = -1;
	w.poll = req->h.call == SP_POLL;
	if ((rw->nhost > 0 || rw->intr) && (w.efd = thread_eventfd()) < 0)
		return -errno;
	pthread_cond_init(&w.cv, NULL);
	pthread_mutex_lock(&rc.mtx);
	if (rc.state != RC_UP) {
		pthread_mutex_unlock(&rc.mtx);
		pthread_cond_destroy(&w.cv);
		return -ENOTCONN;
	}
	w.id = rc.nextid++;
	w.next = rc.waiters;
	rc.waiters = &w;
	pthread_mutex_unlock(&rc.mtx);
	error = send_request(req, w.id, false);
	pthread_mutex_lock(&rc.mtx);
	if (error == -ENOTCONN)
		drop_locked();
	else if (error != 0) {          /* could not encode: nothing sent */
		w.done = 1;
		w.error = -error;
	}
	wait_reply_locked(&w, rw);
	if (w.frame != NULL && (sp_decode(w.frame, w.len, 1, rep) != 0 ||
	    rep->h.call != req->h.call)) {
		drop_locked();          /* a broken reply: trust nothing after */
		w.error = ENOTCONN;
	}
	pthread_mutex_unlock(&rc.mtx);
	pthread_cond_destroy(&w.cv);
	if (w.error != 0) {
		free(w.frame);
		return -w.error;
	}
	*framep = w.frame;
	if (rep->h.ret < 0)
		snprintf(lastdetail, sizeof(lastdetail), "%s", rep->str);
	return rep->h.ret;
}
