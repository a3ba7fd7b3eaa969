/*
 * perfudp.c — rumpperf over UDP (see perf.h).  A datagram is a 16-byte
 * header (u32 magic "RPF1", u32 session, u32 flags, u32 sequence number,
 * big-endian) and stream bytes from offset seq * 2^20, so the server can
 * count loss, reordering and duplicates and check every payload.  The
 * client picks a random session number, paces its datagrams at the asked
 * rate and ends with five END datagrams (flags 1, seq = how many it
 * sent).  The server follows the session of the first data datagram it
 * gets, so strays of an earlier session (its spare ENDs) are ignored; it
 * also ends a session 2 s after the last datagram.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "kernel/rumpclient.h"
#include "netcomp/cmd/inaddr.h"
#include "netcomp/cmd/node.h"
#include "netcomp/cmd/perf.h"
#include "netcomp/cmd/perfdata.h"

#define UDP_MAGIC   0x52504631u         /* "RPF1" */
#define UDP_END     1u
#define UDP_SPAN    (1ull << 20)        /* stream bytes per sequence no. */
#define UDP_IDLE_NS (2000000000ull)     /* a session ends 2 s after data */

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

int
perf_udp_client(const struct perf *p, struct perr *e)
{
	uint8_t *buf = malloc(p->len);
	uint64_t seq = 0, bytes = 0, t0, t1, per_ns;
	uint32_t session;
	size_t n = (size_t)p->len;
	int fd, i, error = 0;

	if (buf == NULL)
		return perf_fail(e, -ENOMEM, "%s: %s", "buffer");
	if ((fd = perf_client_socket(p, e)) < 0) {
		free(buf);
		return fd;
	}
	if (getrandom(&session, sizeof(session), 0) != sizeof(session))
		session = (uint32_t)now_ns();
	per_ns = (uint64_t)((double)n * 8 * 1e9 / (double)p->rate);
	t0 = now_ns();
	while ((p->nbytes == 0 || bytes < p->nbytes) && seq < UINT32_MAX &&
	    (p->duration_ns == 0 || now_ns() - t0 < p->duration_ns)) {
		if (p->nbytes != 0 && p->nbytes - bytes < n - UDP_HDR)
			n = (size_t)(p->nbytes - bytes) + UDP_HDR;
		put32(buf, UDP_MAGIC);
		put32(buf + 4, session);
		put32(buf + 8, 0);
		put32(buf + 12, (uint32_t)seq);
		perfdata_fill(buf + UDP_HDR, n - UDP_HDR, seq * UDP_SPAN);
		pace(t0 + seq * per_ns);
		if (rump_sys_send(fd, buf, n, 0) < 0 && errno != ENOBUFS &&
		    errno != ENOMEM && errno != EAGAIN) {
			error = perf_fail(e, -errno, "%s: %s", "send");
			break;
		}
		seq++;
		bytes += n - UDP_HDR;
	}
	t1 = now_ns();
	for (i = 0; i < 5 && error == 0; i++) {     /* END, seq = total */
		put32(buf + 8, UDP_END);
		put32(buf + 12, (uint32_t)seq);
		rump_sys_send(fd, buf, UDP_HDR, 0);
		pace(now_ns() + 20000000);
	}
	rump_sys_close(fd);
	free(buf);
	if (error == 0)
		fprintf(p->report, "sent %llu datagrams (%llu bytes) to %s "
		    "port %u in %.3f s: %.3f Mbit/s\n", (unsigned long long)seq,
		    (unsigned long long)bytes, p->peer, p->port,
		    (double)(t1 - t0) / 1e9, perf_mbits(bytes, t1 - t0));
	return error;
}

struct udp_session {
	uint64_t datagrams, bytes, dups, reordered, lost, total;
	uint64_t maxseq, t0, t1;
	int      started, ended;
	uint32_t session;               /* of the first data datagram */
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
	seq = get32(b + 12);
	if (s->started && get32(b + 4) != s->session)
		return;
	if (get32(b + 8) & UDP_END) {
		if (s->started) {
			s->ended = 1;
			s->total = seq;
		}
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
		s->session = get32(b + 4);
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
		perf_write_all(p->outfd, b + UDP_HDR, n - UDP_HDR);
}

static void
udp_report(const struct perf *p, struct udp_session *s)
{
	char host[INADDR_TEXTLEN];
	unsigned port;
	uint64_t expect = s->ended ? s->total : s->maxseq + 1;

	s->lost = expect > s->datagrams ? expect - s->datagrams : 0;
	perf_peer_text(&s->from, host, sizeof(host), &port);
	fprintf(p->report, "received %llu datagrams (%llu bytes) from %s port "
	    "%u in %.3f s: %.3f Mbit/s, %llu lost, %llu out of order, %llu "
	    "duplicates%s%s\n", (unsigned long long)s->datagrams,
	    (unsigned long long)s->bytes, host, port,
	    (double)(s->t1 - s->t0) / 1e9, perf_mbits(s->bytes, s->t1 - s->t0),
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
	int was_started;

	memset(&s, 0, sizeof(s));
	s.bad = -1;
	perf_idle_limit(fd, p->wait_ns);
	while (!s.ended) {
		len = sizeof(s.from);
		n = rump_sys_recvfrom(fd, buf, 65536, 0,
		    (struct sockaddr *)&s.from, &len);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) &&
		    s.started)
			break;
		if (n < 0) {
			free(s.seen);
			return perf_fail(e, -errno, "%s: %s", errno == EAGAIN ?
			    "recv (idle limit)" : "recv");
		}
		was_started = s.started;
		udp_datagram(p, &s, buf, (size_t)n);
		/* Once per session: a setsockopt a datagram was a second
		 * sysproxy round trip each and halved the receive rate. */
		if (s.started && !was_started)
			perf_idle_limit(fd, UDP_IDLE_NS);
	}
	udp_report(p, &s);
	free(s.seen);
	return s.bad >= 0 ? -EBADMSG : 0;
}

int
perf_udp_server(const struct perf *p, struct perr *e)
{
	uint8_t *buf = malloc(65536);
	long i;
	int fd, error = 0;

	if (buf == NULL)
		return perf_fail(e, -ENOMEM, "%s: %s", "buffer");
	if ((fd = perf_server_socket(p, e)) < 0) {
		free(buf);
		return fd;
	}
	perf_announce(p, fd);
	for (i = 0; (p->conns == 0 || i < p->conns) && error == 0; i++)
		error = udp_session(p, fd, buf, e);
	rump_sys_close(fd);
	free(buf);
	return error;
}
