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
 * fork: the child does not inherit the connection.  Its first call
 * connects anew and is a new process in the node, with no descriptors
 * (the parent's stay the parent's).  rumpclient_fini() must not race
 * with calls in other threads.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "kernel/rumpclient.h"
#include "kernel/rumpclient_call.h"
#include "kernel/sysproxy_io.h"
#include "kernel/sysproxy_url.h"
#include "kernel/sysproxy_wire.h"

#define HANDSHAKE_TIMEOUT_S 10

enum { RC_NEVER, RC_UP, RC_DOWN };

struct waiter {
	uint32_t        id;
	int             done;
	int             error;          /* transport failure: errno */
	uint8_t        *frame;          /* the reply, malloc'd */
	size_t          len;
	pthread_cond_t  cv;
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

/*
 * Socket I/O.
 */
/* n bytes or -errno; the end of the stream is a lost connection. */
static int
read_full(int fd, void *buf, size_t n)
{
	ssize_t r = sp_read_full(fd, buf, n);

	return r < 0 ? (int)r : (size_t)r < n ? -ENOTCONN : 0;
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
		close(rc.fd);
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

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* Read the banner line and check it names our protocol and version. */
static int
check_banner(int fd, const char *url)
{
	char line[SP_BANNER_MAX + 1];
	size_t off = 0;
	ssize_t r;

	while (off < SP_BANNER_MAX && (off == 0 || line[off - 1] != '\n')) {
		r = read(fd, line + off, SP_BANNER_MAX - off);
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
	if ((error = sp_write_full(fd, buf, (size_t)n)) != 0 ||
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
	if ((fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
		error = -errno;
		snprintf(lasterror, sizeof(lasterror), "%s: socket: %s", url,
		    strerror(errno));
		return error;
	}
	if (connect(fd, (struct sockaddr *)&ss, len) != 0) {
		error = -errno;
		snprintf(lasterror, sizeof(lasterror), "no server at %s: %s",
		    url, strerror(errno));
		close(fd);
		return error;
	}
	if (ss.ss_family != AF_UNIX)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	set_timeout(fd, HANDSHAKE_TIMEOUT_S);
	if ((error = check_banner(fd, url)) != 0 ||
	    (error = hello(fd, url)) != 0) {
		close(fd);
		return error;
	}
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
		close(rc.fd);
	rc.fd = fd;
	rc.state = RC_UP;
	rc.leader = 0;
	pthread_mutex_unlock(&rc.mtx);
	snprintf(lasterror, sizeof(lasterror), "connected to %s", url);
	pthread_mutex_unlock(&init_mtx);
	return 0;
}

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
		close(rc.fd);
	rc.fd = -1;
	rc.state = RC_NEVER;
	pthread_mutex_unlock(&rc.mtx);
	pthread_mutex_unlock(&init_mtx);
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
		shutdown(rc.fd, SHUT_RDWR);
	}
	for (w = rc.waiters; w != NULL; w = w->next)
		if (!w->done) {
			w->done = 1;
			w->error = ENOTCONN;
			pthread_cond_signal(&w->cv);
		}
}

/* Hand a reply to its waiter; an id nobody waits for is a broken peer. */
static void
deliver_locked(uint8_t *frame, size_t len)
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
	pthread_cond_signal(&w->cv);
}

static void
wait_reply_locked(struct waiter *w)
{
	struct waiter **pp, *x;
	uint8_t *frame;
	size_t len;
	int fd, error;

	while (!w->done) {
		if (rc.leader) {
			pthread_cond_wait(&w->cv, &rc.mtx);
			continue;
		}
		rc.leader = 1;
		fd = rc.fd;
		pthread_mutex_unlock(&rc.mtx);
		error = read_frame(fd, &frame, &len);
		pthread_mutex_lock(&rc.mtx);
		rc.leader = 0;
		if (error != 0)
			drop_locked();
		else
			deliver_locked(frame, len);
	}
	for (pp = &rc.waiters; *pp != w; pp = &(*pp)->next)
		;
	*pp = w->next;
	/* Pass the reader's role on to a thread still waiting. */
	if (!rc.leader)
		for (x = rc.waiters; x != NULL; x = x->next)
			if (!x->done) {
				pthread_cond_signal(&x->cv);
				break;
			}
}

/* Connect on first use; the state a call fails with otherwise. */
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
	return rumpclient_init() == 0 ? 0 : -EHOSTDOWN;
}

static int
send_request(struct sp_msg *req, uint32_t id)
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
	error = sp_write_full(rc.fd, buf, (size_t)n);
	pthread_mutex_unlock(&rc.wmtx);
	if (buf != small)
		free(buf);
	return error != 0 ? -ENOTCONN : 0;
}

/*
 * One call: send req, wait, decode the reply into rep.  Returns the reply's
 * ret (>= 0 or -errno).  On success *framep holds the reply frame that rep
 * points into; free() it when done.
 */
long
rumpclient_call(struct sp_msg *req, struct sp_msg *rep, uint8_t **framep)
{
	struct waiter w;
	int error;

	*framep = NULL;
	lastdetail[0] = '\0';
	if ((error = ensure_connected()) != 0)
		return error;
	memset(&w, 0, sizeof(w));
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
	error = send_request(req, w.id);
	pthread_mutex_lock(&rc.mtx);
	if (error == -ENOTCONN)
		drop_locked();
	else if (error != 0) {          /* could not encode: nothing sent */
		w.done = 1;
		w.error = -error;
	}
	wait_reply_locked(&w);
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
