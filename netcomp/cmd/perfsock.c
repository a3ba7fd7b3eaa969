/*
 * perfsock.c — rumpperf's sockets in the node (see perf.h): a listening
 * or bound server socket (IPv6 wildcard first, which takes IPv4 too, IPv4
 * when the node has no IPv6), a client socket connected within a time
 * limit, whole sends and writes, peer names and the report helpers.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "kernel/rumpclient.h"
#include "netcomp/cmd/inaddr.h"
#include "netcomp/cmd/perf.h"

pthread_mutex_t report_mtx = PTHREAD_MUTEX_INITIALIZER;

int
perf_fail(struct perr *e, int err, const char *fmt, const char *what)
{
	snprintf(e->msg, sizeof(e->msg), fmt, what, strerror(-err));
	return err;
}

double
perf_mbits(uint64_t bytes, uint64_t ns)
{
	return ns == 0 ? 0 : (double)bytes * 8 / ((double)ns / 1e9) / 1e6;
}

void
perf_peer_text(const struct sockaddr_storage *ss, char *buf, size_t len,
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
int
perf_server_socket(const struct perf *p, struct perr *e)
{
	struct sockaddr_storage ss;
	socklen_t len = 0;
	int fd, one = 1, type = p->udp ? SOCK_DGRAM : SOCK_STREAM;

	if (p->bindaddr != NULL) {
		if (make_addr(p->bindaddr, p->port, &ss, &len) != 0)
			return perf_fail(e, -EINVAL, "bad address '%s'%.0s",
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
		return perf_fail(e, -errno, "%s: %s", "socket");
	rump_sys_setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (rump_sys_bind(fd, (struct sockaddr *)&ss, len) != 0 ||
	    (!p->udp && rump_sys_listen(fd, 16) != 0)) {
		int err = -errno;

		rump_sys_close(fd);
		return perf_fail(e, err, "%s: %s", p->udp ? "bind" :
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
		return perf_fail(e, -errno, "%s: %s", "connect");
	if (r == 0)
		return perf_fail(e, -ETIMEDOUT, "%s: %s", "connect");
	if (rump_sys_getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0)
		return perf_fail(e, -errno, "%s: %s", "connect");
	if (soerr != 0)
		return perf_fail(e, -soerr, "%s: %s", "connect");
	return 0;
}

/* A connected socket for a client, within wait_ns. */
int
perf_client_socket(const struct perf *p, struct perr *e)
{
	struct sockaddr_storage ss, local;
	socklen_t len, llen;
	int fd, error;

	if (make_addr(p->peer, p->port, &ss, &len) != 0)
		return perf_fail(e, -EINVAL, "bad address '%s'%.0s", p->peer);
	if ((fd = rump_sys_socket(ss.ss_family, (p->udp ? SOCK_DGRAM :
	    SOCK_STREAM) | SOCK_NONBLOCK, 0)) < 0)
		return perf_fail(e, -errno, "%s: %s", "socket");
	if (p->bindaddr != NULL) {
		if (make_addr(p->bindaddr, 0, &local, &llen) != 0 ||
		    local.ss_family != ss.ss_family) {
			rump_sys_close(fd);
			return perf_fail(e, -EINVAL,
			    "bad source address '%s'%.0s", p->bindaddr);
		}
		if (rump_sys_bind(fd, (struct sockaddr *)&local, llen) != 0) {
			error = -errno;
			rump_sys_close(fd);
			return perf_fail(e, error, "%s: %s", "bind");
		}
	}
	if (rump_sys_connect(fd, (struct sockaddr *)&ss, len) != 0) {
		error = errno == EINPROGRESS ?
		    wait_connect(fd, p->wait_ns, e) :
		    perf_fail(e, -errno, "%s: %s", "connect");
		if (error != 0) {
			rump_sys_close(fd);
			return error;
		}
	}
	rump_sys_fcntl(fd, F_SETFL, 0);
	return fd;
}

void
perf_idle_limit(int fd, uint64_t ns)
{
	struct timeval tv;

	/* 0 clears the limit, as SO_RCVTIMEO takes it. */
	tv.tv_sec = (time_t)(ns / 1000000000u);
	tv.tv_usec = (suseconds_t)(ns % 1000000000u / 1000);
	rump_sys_setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

int
perf_send_all(int fd, const uint8_t *b, size_t n)
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

int
perf_write_all(int fd, const uint8_t *b, size_t n)
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

void
perf_announce(const struct perf *p, int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char host[INADDR_TEXTLEN];
	unsigned port = p->port;

	memset(&ss, 0, sizeof(ss));
	if (rump_sys_getsockname(fd, (struct sockaddr *)&ss, &len) == 0)
		perf_peer_text(&ss, host, sizeof(host), &port);
	else
		snprintf(host, sizeof(host), "?");
	pthread_mutex_lock(&report_mtx);
	fprintf(p->report, "listening on %s%s%s:%u %s\n",
	    strchr(host, ':') ? "[" : "", host, strchr(host, ':') ? "]" : "",
	    port, p->udp ? "udp" : "tcp");
	fflush(p->report);
	pthread_mutex_unlock(&report_mtx);
}
