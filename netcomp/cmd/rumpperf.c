/*
 * rumpperf.c — rumpperf: TCP and UDP transfers between nodes, through the
 * nodes' own stacks, with throughput figures and, on request, a check of
 * every byte.  The tool the tests and benchmarks move data with.
 *
 *   rumpperf -s [-u] [-C] [-p port] [-B addr] [-m conns] [-o file] [-w secs]
 *   rumpperf -c addr [-u] [-p port] [-B addr] [-n bytes | -t secs]
 *            [-l len] [-b rate] [-f file] [-w secs]
 *
 * The sender sends the deterministic stream of perfdata.c (or a file, or
 * its standard input, with -f); the receiver checks it with -C and can
 * write what it receives to a file or its standard output with -o.  A TCP
 * server handles each connection on its own thread while its main thread
 * waits in accept() for the next one (-m: how many; 0 for ever).  A UDP
 * datagram carries a 16-byte header (magic, flags, sequence number) and
 * stream bytes at offset seq * 2^20, so loss, reordering and duplicates
 * are counted and every payload can be checked; the sender ends a session
 * with a few END datagrams.
 *
 * Report lines (stdout, or stderr when -o - puts the data on stdout):
 *   listening on [::]:5001 tcp
 *   sent 10485760 bytes to 10.0.0.2 port 5001 in 0.512 s: 163.840 Mbit/s
 *   received 10485760 bytes from 10.0.0.1 port 49152 in 0.510 s:
 *       164.482 Mbit/s, checked: ok             (one line)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kernel/rumpclient.h"
#include "netcomp/cmd/inaddr.h"
#include "netcomp/cmd/node.h"
#include "netcomp/cmd/perfdata.h"

#define PROG        "rumpperf"
#define TCP_CHUNK   (64 * 1024)
#define UDP_HDR     16
#define UDP_MAGIC   0x52504631u         /* "RPF1" */
#define UDP_END     1u
#define UDP_SPAN    (1ull << 20)        /* stream bytes per sequence no. */
#define UDP_IDLE_NS (2000000000ull)     /* a session ends 2 s after data */

struct perf {
	int      server, udp, check;
	const char *peer, *bindaddr, *infile, *outfile;
	uint16_t port;
	uint64_t nbytes;                /* 0: -t or the whole file */
	uint64_t duration_ns;
	uint64_t len;                   /* write or datagram size */
	uint64_t rate;                  /* UDP bits/s */
	uint64_t wait_ns;               /* connect / idle limit */
	long     conns;
	FILE    *report;
	int      outfd;
};

/* A failure, for the thread that has it to print. */
struct perr {
	char msg[320];
};

static pthread_mutex_t report_mtx = PTHREAD_MUTEX_INITIALIZER;

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: " PROG " -s [-uC] [-p port] [-B addr] [-m conns] "
	    "[-o file] [-w secs]\n"
	    "       " PROG " -c addr [-u] [-p port] [-B addr] [-n bytes | "
	    "-t secs] [-l len]\n"
	    "                [-b rate] [-f file] [-w secs]\n"
	    "The node is $RUMP_SERVER.  Sizes take k/m/g (1024s); rates "
	    "k/m/g bit/s (1000s).\n");
}

static int
fail(struct perr *e, int err, const char *fmt, const char *what)
{
	snprintf(e->msg, sizeof(e->msg), fmt, what, strerror(-err));
	return err;
}

static double
mbits(uint64_t bytes, uint64_t ns)
{
	return ns == 0 ? 0 : (double)bytes * 8 / ((double)ns / 1e9) / 1e6;
}

static void
peer_text(const struct sockaddr_storage *ss, char *buf, size_t len,
    unsigned *port)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;

	if (ss->ss_family == AF_INET6) {
		inaddr_ntop(AF_INET6, &sin6->sin6_addr, buf, len);
		*port = ntohs(sin6->sin6_port);
		if (strncmp(buf, "::ffff:", 7) == 0 && strchr(buf, '.'))
			memmove(buf, buf + 7, strlen(buf + 7) + 1);
	} else if (ss->ss_family == AF_INET) {
		inaddr_ntop(AF_INET, &sin->sin_addr, buf, len);
		*port = ntohs(sin->sin_port);
	} else {
		snprintf(buf, len, "?");
		*port = 0;
	}
}

/* ---- sockets ---- */

static int
make_addr(const char *text, uint16_t port, struct sockaddr_storage *ss,
    socklen_t *len)
{
	struct inaddr a;
	int error;

	if ((error = inaddr_parse(text, AF_UNSPEC, &a)) != 0 || a.plen >= 0)
		return -EINVAL;
	*len = inaddr_sockaddr(&a, 0, ss);
	((struct sockaddr_in *)ss)->sin_port = htons(port);  /* same place */
	return 0;
}

/* A socket bound for a server (-B or the wildcard, v6 first then v4). */
static int
server_socket(const struct perf *p, struct perr *e)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, one = 1, type = p->udp ? SOCK_DGRAM : SOCK_STREAM;

	if (p->bindaddr != NULL) {
		if (make_addr(p->bindaddr, p->port, &ss, &len) != 0)
			return fail(e, -EINVAL, "bad address '%s'%.0s",
			    p->bindaddr);
		fd = rump_sys_socket(ss.ss_family, type, 0);
	} else {
		make_addr("::", p->port, &ss, &len);
		if ((fd = rump_sys_socket(AF_INET6, type, 0)) < 0 &&
		    errno == EAFNOSUPPORT) {
			make_addr("0.0.0.0", p->port, &ss, &len);
			fd = rump_sys_socket(AF_INET, type, 0);
		}
	}
	if (fd < 0)
		return fail(e, -errno, "%s: %s", "socket");
	rump_sys_setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (rump_sys_bind(fd, (struct sockaddr *)&ss, len) != 0 ||
	    (!p->udp && rump_sys_listen(fd, 16) != 0)) {
		int err = -errno;

		rump_sys_close(fd);
		return fail(e, err, "%s: %s", p->udp ? "bind" :
		    "bind/listen");
	}
	return fd;
}

static int
wait_connect(int fd, uint64_t limit_ns, struct perr *e)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	int soerr = 0, r;
	socklen_t len = sizeof(soerr);

	r = rump_sys_poll(&pfd, 1, (int)(limit_ns / 1000000));
	if (r < 0)
		return fail(e, -errno, "%s: %s", "connect");
	if (r == 0)
		return fail(e, -ETIMEDOUT, "%s: %s", "connect");
	if (rump_sys_getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0)
		return fail(e, -errno, "%s: %s", "connect");
	if (soerr != 0)
		return fail(e, -soerr, "%s: %s", "connect");
	return 0;
}

/* A connected socket for a client, within wait_ns. */
static int
client_socket(const struct perf *p, struct perr *e)
{
	struct sockaddr_storage ss, local;
	socklen_t len, llen;
	int fd, error;

	if (make_addr(p->peer, p->port, &ss, &len) != 0)
		return fail(e, -EINVAL, "bad address '%s'%.0s", p->peer);
	if ((fd = rump_sys_socket(ss.ss_family, (p->udp ? SOCK_DGRAM :
	    SOCK_STREAM) | SOCK_NONBLOCK, 0)) < 0)
		return fail(e, -errno, "%s: %s", "socket");
	if (p->bindaddr != NULL) {
		if (make_addr(p->bindaddr, 0, &local, &llen) != 0 ||
		    local.ss_family != ss.ss_family) {
			rump_sys_close(fd);
			return fail(e, -EINVAL, "bad source address '%s'%.0s",
			    p->bindaddr);
		}
		if (rump_sys_bind(fd, (struct sockaddr *)&local, llen) != 0) {
			error = -errno;
			rump_sys_close(fd);
			return fail(e, error, "%s: %s", "bind");
		}
	}
	if (rump_sys_connect(fd, (struct sockaddr *)&ss, len) != 0) {
		error = errno == EINPROGRESS ?
		    wait_connect(fd, p->wait_ns, e) :
		    fail(e, -errno, "%s: %s", "connect");
		if (error != 0) {
			rump_sys_close(fd);
			return error;
		}
	}
	rump_sys_fcntl(fd, F_SETFL, 0);
	return fd;
}

static void
set_idle_limit(int fd, uint64_t ns)
{
	struct timeval tv;

	if (ns == 0)
		return;
	tv.tv_sec = (time_t)(ns / 1000000000u);
	tv.tv_usec = (suseconds_t)(ns % 1000000000u / 1000);
	rump_sys_setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

static int
send_all(int fd, const uint8_t *b, size_t n)
{
	ssize_t r;

	while (n > 0) {
		if ((r = rump_sys_send(fd, b, n, 0)) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		b += r;
		n -= (size_t)r;
	}
	return 0;
}

static int
write_all(int fd, const uint8_t *b, size_t n)
{
	ssize_t r;

	while (n > 0) {
		if ((r = write(fd, b, n)) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		b += r;
		n -= (size_t)r;
	}
	return 0;
}

/* ---- TCP ---- */

/* The next chunk to send: from the file, else the pattern.  0 at end. */
static ssize_t
next_chunk(const struct perf *p, int infd, uint8_t *buf, uint64_t off,
    uint64_t t0)
{
	size_t n = (size_t)p->len;
	ssize_t r;

	if (p->nbytes != 0 && p->nbytes - off < n)
		n = (size_t)(p->nbytes - off);
	if (p->duration_ns != 0 && now_ns() - t0 >= p->duration_ns)
		return 0;
	if (n == 0)
		return 0;
	if (infd < 0) {
		perfdata_fill(buf, n, off);
		return (ssize_t)n;
	}
	while ((r = read(infd, buf, n)) < 0 && errno == EINTR)
		continue;
	return r < 0 ? -errno : r;
}

static int
tcp_client(const struct perf *p, int infd, struct perr *e)
{
	uint8_t *buf = malloc(p->len);
	uint64_t off = 0, t0;
	char host[INADDR_TEXTLEN];
	ssize_t n;
	int fd, error = 0;

	if (buf == NULL)
		return fail(e, -ENOMEM, "%s: %s", "buffer");
	if ((fd = client_socket(p, e)) < 0) {
		free(buf);
		return fd;
	}
	t0 = now_ns();
	while ((n = next_chunk(p, infd, buf, off, t0)) > 0) {
		if ((error = send_all(fd, buf, (size_t)n)) != 0) {
			fail(e, error, "%s: %s", "send");
			break;
		}
		off += (uint64_t)n;
	}
	if (n < 0)
		error = fail(e, (int)n, "%s: %s", p->infile);
	/* The peer closes once it has read everything: the end of the
	 * transfer is when its close arrives. */
	if (error == 0 && rump_sys_shutdown(fd, SHUT_WR) == 0) {
		set_idle_limit(fd, p->wait_ns);
		while (rump_sys_recv(fd, buf, p->len, 0) > 0)
			continue;
	}
	rump_sys_close(fd);
	free(buf);
	if (error == 0) {
		snprintf(host, sizeof(host), "%s", p->peer);
		fprintf(p->report, "sent %llu bytes to %s port %u in %.3f s: "
		    "%.3f Mbit/s\n", (unsigned long long)off, host, p->port,
		    (double)(now_ns() - t0) / 1e9, mbits(off, now_ns() - t0));
	}
	return error;
}

struct conn {
	const struct perf *p;
	int fd;
	struct sockaddr_storage peer;
	pthread_t tid;
	int error;
	struct conn *next;
};

/* Receive one connection to its end; report it. */
static int
tcp_receive(struct conn *c, struct perr *e, uint64_t *got, long *bad,
    uint8_t *want, uint8_t *gotbyte)
{
	const struct perf *p = c->p;
	uint8_t *buf = malloc(TCP_CHUNK);
	ssize_t n;
	long i;
	int error = 0;

	*bad = -1;
	if (buf == NULL)
		return fail(e, -ENOMEM, "%s: %s", "buffer");
	set_idle_limit(c->fd, p->wait_ns);
	while ((n = rump_sys_recv(c->fd, buf, TCP_CHUNK, 0)) > 0) {
		if (p->check && *bad < 0 &&
		    (i = perfdata_check(buf, (size_t)n, *got, want)) >= 0) {
			*bad = (long)*got + i;
			*gotbyte = buf[i];
		}
		if (p->outfd >= 0 &&
		    (error = write_all(p->outfd, buf, (size_t)n)) != 0) {
			fail(e, error, "%s: %s", p->outfile);
			break;
		}
		*got += (uint64_t)n;
	}
	if (n < 0 && error == 0)
		error = fail(e, -errno, "%s: %s", errno == EAGAIN ?
		    "recv (idle limit)" : "recv");
	free(buf);
	return error;
}

static void *
tcp_conn(void *arg)
{
	struct conn *c = arg;
	struct perr e = { "" };
	char host[INADDR_TEXTLEN];
	uint64_t t0 = now_ns(), got = 0, dt;
	uint8_t want = 0, gotbyte = 0;
	unsigned port;
	long bad;

	c->error = tcp_receive(c, &e, &got, &bad, &want, &gotbyte);
	rump_sys_close(c->fd);
	dt = now_ns() - t0;
	peer_text(&c->peer, host, sizeof(host), &port);
	pthread_mutex_lock(&report_mtx);
	if (c->error != 0)
		fprintf(stderr, PROG ": %s port %u: %s\n", host, port, e.msg);
	fprintf(c->p->report, "received %llu bytes from %s port %u in %.3f s: "
	    "%.3f Mbit/s%s\n", (unsigned long long)got, host, port,
	    (double)dt / 1e9, mbits(got, dt), !c->p->check ? "" :
	    bad < 0 ? ", checked: ok" : ", checked: MISMATCH");
	if (bad >= 0) {
		fprintf(c->p->report, "data mismatch at byte %ld: expected "
		    "0x%02x, got 0x%02x\n", bad, want, gotbyte);
		c->error = -EBADMSG;
	}
	fflush(c->p->report);
	pthread_mutex_unlock(&report_mtx);
	return NULL;
}

static void
announce(const struct perf *p, int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char host[INADDR_TEXTLEN];
	unsigned port = p->port;

	memset(&ss, 0, sizeof(ss));
	if (rump_sys_getsockname(fd, (struct sockaddr *)&ss, &len) == 0)
		peer_text(&ss, host, sizeof(host), &port);
	else
		snprintf(host, sizeof(host), "?");
	pthread_mutex_lock(&report_mtx);
	fprintf(p->report, "listening on %s%s%s:%u %s\n",
	    strchr(host, ':') ? "[" : "", host, strchr(host, ':') ? "]" : "",
	    port, p->udp ? "udp" : "tcp");
	fflush(p->report);
	pthread_mutex_unlock(&report_mtx);
}

static int
tcp_server(const struct perf *p, struct perr *e)
{
	struct conn *head = NULL, *c;
	socklen_t len;
	long i;
	int lfd, error = 0;

	if ((lfd = server_socket(p, e)) < 0)
		return lfd;
	announce(p, lfd);
	for (i = 0; p->conns == 0 || i < p->conns; i++) {
		if ((c = calloc(1, sizeof(*c))) == NULL) {
			error = fail(e, -ENOMEM, "%s: %s", "accept");
			break;
		}
		c->p = p;
		len = sizeof(c->peer);
		if ((c->fd = rump_sys_accept(lfd, (struct sockaddr *)&c->peer,
		    &len)) < 0) {
			error = fail(e, -errno, "%s: %s", "accept");
			free(c);
			break;
		}
		if (pthread_create(&c->tid, NULL, tcp_conn, c) != 0) {
			rump_sys_close(c->fd);
			free(c);
			error = fail(e, -EAGAIN, "%s: %s", "thread");
			break;
		}
		c->next = head;
		head = c;
	}
	rump_sys_close(lfd);
	while ((c = head) != NULL) {
		pthread_join(c->tid, NULL);
		if (c->error != 0 && error == 0) {
			error = c->error;
			snprintf(e->msg, sizeof(e->msg), "%s", "");
		}
		head = c->next;
		free(c);
	}
	return error;
}

/* ---- UDP ---- */

static void
put32(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}

static uint32_t
get32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | b[3];
}

static void
pace(uint64_t due)
{
	uint64_t now = now_ns();
	struct timespec ts;

	if (due <= now)
		return;
	ts.tv_sec = (time_t)((due - now) / 1000000000u);
	ts.tv_nsec = (long)((due - now) % 1000000000u);
	nanosleep(&ts, NULL);
}

static int
udp_client(const struct perf *p, struct perr *e)
{
	uint8_t *buf = malloc(p->len);
	uint64_t seq = 0, bytes = 0, t0, t1, per_ns;
	size_t n = (size_t)p->len;
	int fd, i, error = 0;

	if (buf == NULL)
		return fail(e, -ENOMEM, "%s: %s", "buffer");
	if ((fd = client_socket(p, e)) < 0) {
		free(buf);
		return fd;
	}
	per_ns = (uint64_t)((double)n * 8 * 1e9 / (double)p->rate);
	t0 = now_ns();
	while ((p->nbytes == 0 || bytes < p->nbytes) &&
	    (p->duration_ns == 0 || now_ns() - t0 < p->duration_ns)) {
		if (p->nbytes != 0 && p->nbytes - bytes < n - UDP_HDR)
			n = (size_t)(p->nbytes - bytes) + UDP_HDR;
		put32(buf, UDP_MAGIC);
		put32(buf + 4, 0);
		put32(buf + 8, (uint32_t)(seq >> 32));
		put32(buf + 12, (uint32_t)seq);
		perfdata_fill(buf + UDP_HDR, n - UDP_HDR, seq * UDP_SPAN);
		pace(t0 + seq * per_ns);
		if (rump_sys_send(fd, buf, n, 0) < 0 && errno != ENOBUFS &&
		    errno != ENOMEM && errno != EAGAIN) {
			error = fail(e, -errno, "%s: %s", "send");
			break;
		}
		seq++;
		bytes += n - UDP_HDR;
	}
	t1 = now_ns();
	for (i = 0; i < 5 && error == 0; i++) {     /* END, seq = total */
		put32(buf + 4, UDP_END);
		put32(buf + 8, (uint32_t)(seq >> 32));
		put32(buf + 12, (uint32_t)seq);
		rump_sys_send(fd, buf, UDP_HDR, 0);
		pace(now_ns() + 20000000);
	}
	rump_sys_close(fd);
	free(buf);
	if (error == 0)
		fprintf(p->report, "sent %llu datagrams (%llu bytes) to %s port "
		    "%u in %.3f s: %.3f Mbit/s\n", (unsigned long long)seq,
		    (unsigned long long)bytes, p->peer, p->port,
		    (double)(t1 - t0) / 1e9, mbits(bytes, t1 - t0));
	return error;
}

struct udp_session {
	uint64_t datagrams, bytes, dups, reordered, lost, total;
	uint64_t maxseq, t0, t1;
	int      started, ended;
	uint8_t *seen;                  /* bit per sequence number */
	size_t   seencap;               /* bytes */
	long     bad;                   /* datagram seq of a mismatch */
	struct sockaddr_storage from;
};

static int
mark_seen(struct udp_session *s, uint64_t seq)
{
	size_t need = (size_t)(seq / 8) + 1, cap;
	uint8_t *v;
	int was;

	if (need > s->seencap) {
		cap = need * 2 < 4096 ? 4096 : need * 2;
		if ((v = realloc(s->seen, cap)) == NULL)
			return -ENOMEM;
		memset(v + s->seencap, 0, cap - s->seencap);
		s->seen = v;
		s->seencap = cap;
	}
	was = (s->seen[seq / 8] >> (seq % 8)) & 1;
	s->seen[seq / 8] |= (uint8_t)(1u << (seq % 8));
	return was;
}

static void
udp_datagram(const struct perf *p, struct udp_session *s, const uint8_t *b,
    size_t n)
{
	uint64_t seq;
	uint8_t want;
	int was;

	if (n < UDP_HDR || get32(b) != UDP_MAGIC)
		return;
	seq = (uint64_t)get32(b + 8) << 32 | get32(b + 12);
	if (get32(b + 4) & UDP_END) {
		s->ended = 1;
		s->total = seq;
		return;
	}
	if ((was = mark_seen(s, seq)) < 0)
		return;
	if (was) {
		s->dups++;
		return;
	}
	if (!s->started) {
		s->started = 1;
		s->t0 = now_ns();
	}
	s->t1 = now_ns();
	if (s->datagrams > 0 && seq < s->maxseq)
		s->reordered++;
	if (seq > s->maxseq || s->datagrams == 0)
		s->maxseq = seq;
	s->datagrams++;
	s->bytes += n - UDP_HDR;
	if (p->check && s->bad < 0 && perfdata_check(b + UDP_HDR,
	    n - UDP_HDR, seq * UDP_SPAN, &want) >= 0)
		s->bad = (long)seq;
	if (p->outfd >= 0)
		write_all(p->outfd, b + UDP_HDR, n - UDP_HDR);
}

static void
udp_report(const struct perf *p, struct udp_session *s)
{
	char host[INADDR_TEXTLEN];
	unsigned port;
	uint64_t expect = s->ended ? s->total : s->maxseq + 1;

	s->lost = expect > s->datagrams ? expect - s->datagrams : 0;
	peer_text(&s->from, host, sizeof(host), &port);
	fprintf(p->report, "received %llu datagrams (%llu bytes) from %s port "
	    "%u in %.3f s: %.3f Mbit/s, %llu lost, %llu out of order, %llu "
	    "duplicates%s%s\n", (unsigned long long)s->datagrams,
	    (unsigned long long)s->bytes, host, port,
	    (double)(s->t1 - s->t0) / 1e9, mbits(s->bytes, s->t1 - s->t0),
	    (unsigned long long)s->lost, (unsigned long long)s->reordered,
	    (unsigned long long)s->dups, !p->check ? "" : s->bad < 0 ?
	    ", checked: ok" : ", checked: MISMATCH",
	    s->ended ? "" : " (no end marker)");
	if (s->bad >= 0)
		fprintf(p->report, "data mismatch in datagram %ld\n", s->bad);
	fflush(p->report);
}

/* One session: until END, or 2 s without data once data has come. */
static int
udp_session(const struct perf *p, int fd, uint8_t *buf, struct perr *e)
{
	struct udp_session s;
	socklen_t len;
	ssize_t n;

	memset(&s, 0, sizeof(s));
	s.bad = -1;
	set_idle_limit(fd, p->wait_ns);
	while (!s.ended) {
		len = sizeof(s.from);
		n = rump_sys_recvfrom(fd, buf, 65536, 0,
		    (struct sockaddr *)&s.from, &len);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) &&
		    s.started)
			break;
		if (n < 0) {
			free(s.seen);
			return fail(e, -errno, "%s: %s", errno == EAGAIN ?
			    "recv (idle limit)" : "recv");
		}
		udp_datagram(p, &s, buf, (size_t)n);
		if (s.started)
			set_idle_limit(fd, UDP_IDLE_NS);
	}
	udp_report(p, &s);
	free(s.seen);
	return s.bad >= 0 ? -EBADMSG : 0;
}

static int
udp_server(const struct perf *p, struct perr *e)
{
	uint8_t *buf = malloc(65536);
	long i;
	int fd, error = 0;

	if (buf == NULL)
		return fail(e, -ENOMEM, "%s: %s", "buffer");
	if ((fd = server_socket(p, e)) < 0) {
		free(buf);
		return fd;
	}
	announce(p, fd);
	for (i = 0; (p->conns == 0 || i < p->conns) && error == 0; i++)
		error = udp_session(p, fd, buf, e);
	rump_sys_close(fd);
	free(buf);
	return error;
}

/* ---- the command line ---- */

static int
parse_rate(const char *s, uint64_t *bps)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno != 0 || v <= 0)
		return -EINVAL;
	switch (*end) {
	case 'k': case 'K': v *= 1e3; end++; break;
	case 'm': case 'M': v *= 1e6; end++; break;
	case 'g': case 'G': v *= 1e9; end++; break;
	default: break;
	}
	if (*end != '\0' || v < 1000 || v > 1e12)
		return -EINVAL;
	*bps = (uint64_t)v;
	return 0;
}

static int
bad(const char *opt, const char *val)
{
	fprintf(stderr, PROG ": %s: bad value '%s'\n", opt, val);
	return 1;
}

static int
parse_args(struct perf *p, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	long v;
	int c;

	while ((c = getopt_long(argc, argv, "b:B:c:Cf:hl:m:n:o:p:st:uw:",
	    longopts, NULL)) != -1) {
		switch (c) {
		case 'b': if (parse_rate(optarg, &p->rate)) return bad("-b", optarg); break;
		case 'B': p->bindaddr = optarg; break;
		case 'c': p->peer = optarg; break;
		case 'C': p->check = 1; break;
		case 'f': p->infile = optarg; break;
		case 'l':
			if (parse_size(optarg, 1u << 20, &p->len) != 0 ||
			    p->len == 0)
				return bad("-l", optarg);
			break;
		case 'm':
			if (parse_long(optarg, 0, 1000000, &p->conns) != 0)
				return bad("-m", optarg);
			break;
		case 'n':
			if (parse_size(optarg, UINT64_MAX / 2, &p->nbytes) !=
			    0 || p->nbytes == 0)
				return bad("-n", optarg);
			break;
		case 'o': p->outfile = optarg; break;
		case 'p':
			if (parse_long(optarg, 1, 65535, &v) != 0)
				return bad("-p", optarg);
			p->port = (uint16_t)v;
			break;
		case 's': p->server = 1; break;
		case 't':
			if (parse_duration(optarg, 1e6, &p->duration_ns) != 0 ||
			    p->duration_ns == 0)
				return bad("-t", optarg);
			break;
		case 'u': p->udp = 1; break;
		case 'w':
			if (parse_duration(optarg, 1e6, &p->wait_ns) != 0)
				return bad("-w", optarg);
			break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return 1;
		}
	}
	if (optind != argc || p->server == (p->peer != NULL)) {
		usage(stderr);
		return 1;
	}
	return 0;
}

/* Defaults, and the options that do not go together. */
static int
settle(struct perf *p)
{
	if (p->len == 0)
		p->len = p->udp ? 1400 : TCP_CHUNK;
	if (p->udp && (p->len < UDP_HDR + 1 || p->len > 65507)) {
		fprintf(stderr, PROG ": -l: a datagram holds %d to 65507 "
		    "bytes\n", UDP_HDR + 1);
		return 1;
	}
	if (p->rate == 0)
		p->rate = 100000000;
	if (!p->server && p->nbytes == 0 && p->duration_ns == 0 &&
	    p->infile == NULL)
		p->nbytes = 10u << 20;
	if (p->server && p->conns < 0)
		p->conns = 1;
	if (!p->server && p->wait_ns == 0)
		p->wait_ns = 10000000000ull;
	if ((p->server && p->infile) || (!p->server && (p->outfile ||
	    p->check))) {
		fprintf(stderr, PROG ": -f is for clients, -o and -C for "
		    "servers\n");
		return 1;
	}
	if (p->udp && p->infile) {
		fprintf(stderr, PROG ": -f: UDP sends the pattern only\n");
		return 1;
	}
	if (p->outfile && p->conns != 1) {
		fprintf(stderr, PROG ": -o needs -m 1\n");
		return 1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct perf p;
	struct perr e = { "" };
	int infd = -1, error;

	memset(&p, 0, sizeof(p));
	p.port = 5001;
	p.conns = -1;
	p.outfd = -1;
	p.report = stdout;
	if (parse_args(&p, argc, argv) != 0)
		return 1;
	if (settle(&p) != 0)
		return 1;
	if (p.infile != NULL && strcmp(p.infile, "-") == 0)
		infd = 0;
	else if (p.infile != NULL && (infd = open(p.infile, O_RDONLY)) < 0) {
		fprintf(stderr, PROG ": %s: %s\n", p.infile, strerror(errno));
		return 1;
	}
	if (p.outfile != NULL && strcmp(p.outfile, "-") == 0) {
		p.outfd = 1;
		p.report = stderr;
	} else if (p.outfile != NULL && (p.outfd = open(p.outfile,
	    O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0) {
		fprintf(stderr, PROG ": %s: %s\n", p.outfile, strerror(errno));
		return 1;
	}
	if (node_attach() != 0) {
		fprintf(stderr, PROG ": %s\n", rumpclient_lasterror());
		return 1;
	}
	if (p.server)
		error = p.udp ? udp_server(&p, &e) : tcp_server(&p, &e);
	else
		error = p.udp ? udp_client(&p, &e) : tcp_client(&p, infd, &e);
	if (p.outfd > 1 && close(p.outfd) != 0 && error == 0) {
		fprintf(stderr, PROG ": %s: %s\n", p.outfile, strerror(errno));
		return 1;
	}
	if (error != 0 && e.msg[0] != '\0')
		fprintf(stderr, PROG ": %s\n", e.msg);
	return error != 0 ? 1 : 0;
}
