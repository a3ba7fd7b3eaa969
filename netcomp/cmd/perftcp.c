/*
 * perftcp.c — rumpperf over TCP (see perf.h).  The client sends the
 * stream (or a file), shuts its side down and waits for the server's
 * close, so that its time covers the delivery.  The server gives each
 * connection a thread of its own while the main thread waits in accept()
 * for the next; each thread checks, stores and reports its connection.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/rumpclient.h"
#include "netcomp/cmd/inaddr.h"
#include "netcomp/cmd/node.h"
#include "netcomp/cmd/perf.h"
#include "netcomp/cmd/perfdata.h"

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

int
perf_tcp_client(const struct perf *p, int infd, struct perr *e)
{
	uint8_t *buf = malloc(p->len);
	uint64_t off = 0, t0;
	ssize_t n;
	int fd, error = 0;

	if (buf == NULL)
		return perf_fail(e, -ENOMEM, "%s: %s", "buffer");
	if ((fd = perf_client_socket(p, e)) < 0) {
		free(buf);
		return fd;
	}
	t0 = now_ns();
	while ((n = next_chunk(p, infd, buf, off, t0)) > 0) {
		if ((error = perf_send_all(fd, buf, (size_t)n)) != 0) {
			perf_fail(e, error, "%s: %s", "send");
			break;
		}
		off += (uint64_t)n;
	}
	if (n < 0)
		error = perf_fail(e, (int)n, "%s: %s", p->infile);
	/* The peer closes once it has read everything: the end of the
	 * transfer is when its close arrives. */
	if (error == 0 && rump_sys_shutdown(fd, SHUT_WR) == 0) {
		perf_idle_limit(fd, p->wait_ns);
		while (rump_sys_recv(fd, buf, p->len, 0) > 0)
			continue;
	}
	rump_sys_close(fd);
	free(buf);
	if (error == 0) {
		fprintf(p->report, "sent %llu bytes to %s port %u in %.3f s: "
		    "%.3f Mbit/s\n", (unsigned long long)off, p->peer, p->port,
		    (double)(now_ns() - t0) / 1e9,
		    perf_mbits(off, now_ns() - t0));
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
		return perf_fail(e, -ENOMEM, "%s: %s", "buffer");
	perf_idle_limit(c->fd, p->wait_ns);
	while ((n = rump_sys_recv(c->fd, buf, TCP_CHUNK, 0)) > 0) {
		if (p->check && *bad < 0 &&
		    (i = perfdata_check(buf, (size_t)n, *got, want)) >= 0) {
			*bad = (long)*got + i;
			*gotbyte = buf[i];
		}
		if (p->outfd >= 0 &&
		    (error = perf_write_all(p->outfd, buf, (size_t)n)) != 0) {
			perf_fail(e, error, "%s: %s", p->outfile);
			break;
		}
		*got += (uint64_t)n;
	}
	if (n < 0 && error == 0)
		error = perf_fail(e, -errno, "%s: %s", errno == EAGAIN ?
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
	perf_peer_text(&c->peer, host, sizeof(host), &port);
	pthread_mutex_lock(&report_mtx);
	if (c->error != 0)
		fprintf(stderr, PROG ": %s port %u: %s\n", host, port, e.msg);
	fprintf(c->p->report, "received %llu bytes from %s port %u in %.3f s: "
	    "%.3f Mbit/s%s\n", (unsigned long long)got, host, port,
	    (double)dt / 1e9, perf_mbits(got, dt), !c->p->check ? "" :
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

int
perf_tcp_server(const struct perf *p, struct perr *e)
{
	struct conn *head = NULL, *c;
	socklen_t len;
	long i;
	int lfd, error = 0;

	if ((lfd = perf_server_socket(p, e)) < 0)
		return lfd;
	perf_announce(p, lfd);
	for (i = 0; p->conns == 0 || i < p->conns; i++) {
		if ((c = calloc(1, sizeof(*c))) == NULL) {
			error = perf_fail(e, -ENOMEM, "%s: %s", "accept");
			break;
		}
		c->p = p;
		len = sizeof(c->peer);
		if ((c->fd = rump_sys_accept(lfd, (struct sockaddr *)&c->peer,
		    &len)) < 0) {
			error = perf_fail(e, -errno, "%s: %s", "accept");
			free(c);
			break;
		}
		if (pthread_create(&c->tid, NULL, tcp_conn, c) != 0) {
			rump_sys_close(c->fd);
			free(c);
			error = perf_fail(e, -EAGAIN, "%s: %s", "thread");
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
