/*
 * pingloop.c — the echo session of rump.ping and rump.ping6 (see
 * pingloop.h).
 *
 * A request carries the sender's identifier and a sequence number in its
 * header and, when the data has room, the monotonic send time in its first
 * 8 bytes (u32 seconds, u32 nanoseconds) followed by the bytes 8, 9, 10...
 * (mod 256) that the reply must bring back unchanged.  The loop sleeps in
 * the node's poll() until the next request is due, a reply comes, a
 * request times out or the session ends; the wait is cut into slices of
 * at most 100 ms so that SIGINT is answered promptly.  Per sequence number
 * (mod 65536) it keeps the send time and whether a reply came, which gives
 * duplicates and, with -W, the "Request timeout" lines.
 */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/rumpclient.h"
#include "netcomp/cmd/node.h"
#include "netcomp/cmd/pingloop.h"

#define NSEQ        65536
#define SLICE_NS    (100 * 1000 * 1000ull)
#define RXBUF       (PING_MAXDATA + 1024)
#define DRAIN_MAX   256

char ping_why[256];

static volatile sig_atomic_t stopping;

/* Session state; one session per process. */
struct session {
	const struct ping_proto *p;
	const struct ping_opts *o;
	struct ping_stats *st;
	int fd;
	uint64_t sent_at[NSEQ];         /* 0: not sent */
	uint8_t answered[NSEQ / 8];
	long tcheck;                    /* oldest request not yet decided */
	uint8_t *tx, *rx;
};

void
ping_stop(void)
{
	stopping = 1;
}

uint16_t
ping_cksum(const uint8_t *b, size_t n)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)b[i] << 8 | b[i + 1];
	if (n & 1)
		sum += (uint32_t)b[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static int
bit_get(const uint8_t *v, unsigned i)
{
	return (v[i / 8] >> (i % 8)) & 1;
}

static void
bit_set(uint8_t *v, unsigned i, int on)
{
	if (on)
		v[i / 8] |= (uint8_t)(1u << (i % 8));
	else
		v[i / 8] &= (uint8_t)~(1u << (i % 8));
}

static int
open_socket(struct session *s)
{
	const struct ping_opts *o = s->o;
	int fd, level, name;

	if ((fd = rump_sys_socket(s->p->domain, SOCK_RAW, s->p->protocol)) <
	    0) {
		snprintf(ping_why, sizeof(ping_why), "socket: %s%s",
		    strerror(errno), errno == EAFNOSUPPORT ? " (is the "
		    "node's rumpnet_netinet/rumpnet_netinet6 loaded?)" : "");
		return -errno;
	}
	s->fd = fd;
	if (o->srclen != 0 && rump_sys_bind(fd,
	    (const struct sockaddr *)&o->src, o->srclen) != 0) {
		snprintf(ping_why, sizeof(ping_why), "bind to the source "
		    "address: %s", strerror(errno));
		return -errno;
	}
	if (o->df) {
		/* The node's way to DF, as Linux's: IP_PMTUDISC_DO. */
		int v = IP_PMTUDISC_DO;

		if (rump_sys_setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &v,
		    sizeof(v)) != 0) {
			snprintf(ping_why, sizeof(ping_why), "set Don't "
			    "Fragment: %s", strerror(errno));
			return -errno;
		}
	}
	if (o->nexthoplen != 0 && rump_sys_setsockopt(fd, IPPROTO_IPV6,
	    IPV6_NEXTHOP, &o->nexthop, o->nexthoplen) != 0) {
		snprintf(ping_why, sizeof(ping_why), "set the next hop "
		    "(IPV6_NEXTHOP): %s", strerror(errno));
		return -errno;
	}
	if (o->ipoptlen != 0 && rump_sys_setsockopt(fd, IPPROTO_IP,
	    IP_OPTIONS, o->ipopts, (socklen_t)o->ipoptlen) != 0) {
		snprintf(ping_why, sizeof(ping_why), "set the IP options: %s",
		    strerror(errno));
		return -errno;
	}
	if (o->ttl >= 0) {
		level = s->p->domain == AF_INET ? IPPROTO_IP : IPPROTO_IPV6;
		name = s->p->domain == AF_INET ? IP_TTL : IPV6_UNICAST_HOPS;
		if (rump_sys_setsockopt(fd, level, name, &o->ttl,
		    sizeof(o->ttl)) != 0) {
			snprintf(ping_why, sizeof(ping_why), "set the hop "
			    "limit: %s", strerror(errno));
			return -errno;
		}
	}
	return 0;
}

static void
send_one(struct session *s, uint64_t now)
{
	const struct ping_opts *o = s->o;
	unsigned seq = (unsigned)(s->st->ntransmitted % NSEQ);
	size_t len = PING_HDRLEN + o->datalen, i;
	uint32_t sec = (uint32_t)(now / 1000000000u);
	uint32_t nsec = (uint32_t)(now % 1000000000u);
	uint8_t *b = s->tx;
	ssize_t r;

	memset(b, 0, PING_HDRLEN);
	b[0] = s->p->domain == AF_INET ? 8 : 128;       /* echo request */
	b[4] = (uint8_t)(o->ident >> 8);
	b[5] = (uint8_t)o->ident;
	b[6] = (uint8_t)(seq >> 8);
	b[7] = (uint8_t)seq;
	if (o->datalen >= PING_TSLEN) {
		memcpy(b + PING_HDRLEN, &sec, 4);
		memcpy(b + PING_HDRLEN + 4, &nsec, 4);
	}
	for (i = PING_TSLEN; i < o->datalen; i++)
		b[PING_HDRLEN + i] = (uint8_t)i;
	s->p->seal(b, len);
	s->sent_at[seq] = now;
	bit_set(s->answered, seq, 0);
	s->st->ntransmitted++;
	r = rump_sys_sendto(s->fd, b, len, 0,
	    (const struct sockaddr *)&o->dst, o->dstlen);
	if (r < 0)
		fprintf(stderr, "%s: sendto: %s\n",
		    program_invocation_short_name, strerror(errno));
	else if ((size_t)r != len)
		fprintf(stderr, "%s: wrote %zu bytes, ret=%zd\n",
		    program_invocation_short_name, len, r);
}

/* Round-trip time and data check of an echo reply. */
static void
inspect(struct session *s, struct ping_reply *r, uint64_t now)
{
	uint32_t sec, nsec;
	uint64_t sent;
	size_t i;

	r->rtt_ms = -1;
	r->badbyte = -1;
	if (s->o->datalen >= PING_TSLEN && r->datalen >= PING_TSLEN) {
		memcpy(&sec, r->data, 4);
		memcpy(&nsec, r->data + 4, 4);
		sent = (uint64_t)sec * 1000000000u + nsec;
		/* seconds wrap at 2^32 on both sides alike */
		now = (now / 1000000000u % 0x100000000ull) * 1000000000u +
		    now % 1000000000u;
		if (now >= sent)
			r->rtt_ms = (double)(now - sent) / 1e6;
	}
	for (i = PING_TSLEN; i < r->datalen && i < s->o->datalen; i++)
		if (r->data[i] != (uint8_t)i) {
			r->badbyte = (long)i;
			r->badwant = (uint8_t)i;
			r->badgot = r->data[i];
			break;
		}
}

/* Was seq sent by this session (and not long ago wrapped over)? */
static int
ours(const struct session *s, unsigned seq)
{
	if (s->st->ntransmitted < NSEQ && (long)seq >= s->st->ntransmitted)
		return 0;
	return s->sent_at[seq] != 0;
}

static void
account(struct session *s, struct ping_reply *r, uint64_t now)
{
	struct ping_stats *st = s->st;

	inspect(s, r, now);
	r->dup = bit_get(s->answered, r->seq);
	if (r->dup)
		st->nrepeats++;
	else {
		st->nreceived++;
		bit_set(s->answered, r->seq, 1);
	}
	if (r->rtt_ms >= 0) {
		if (st->ntimed == 0 || r->rtt_ms < st->tmin)
			st->tmin = r->rtt_ms;
		if (st->ntimed == 0 || r->rtt_ms > st->tmax)
			st->tmax = r->rtt_ms;
		st->tsum += r->rtt_ms;
		st->tsumsq += r->rtt_ms * r->rtt_ms;
		st->ntimed++;
	}
}

static void
receive_one(struct session *s, const uint8_t *buf, size_t n,
    const struct sockaddr_storage *from)
{
	struct ping_reply r;

	memset(&r, 0, sizeof(r));
	r.ttl = -1;
	r.from = *from;
	s->p->classify(buf, n, s->o->ident, &r);
	if (r.kind == PING_OTHER || !ours(s, r.seq))
		return;
	if (r.kind == PING_ERROR) {
		s->st->nerrors++;
		if (!s->o->quiet)
			s->p->print_error(&r, s->o);
		return;
	}
	account(s, &r, now_ns());
	if (!s->o->quiet)
		s->p->print_reply(&r, s->o);
}

/* Read what has arrived, without waiting. */
static int
drain(struct session *s)
{
	struct sockaddr_storage from;
	socklen_t fromlen;
	ssize_t n;
	int i;

	for (i = 0; i < DRAIN_MAX; i++) {
		fromlen = sizeof(from);
		memset(&from, 0, sizeof(from));
		n = rump_sys_recvfrom(s->fd, s->rx, RXBUF, MSG_DONTWAIT,
		    (struct sockaddr *)&from, &fromlen);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == EINTR)
				return 0;
			snprintf(ping_why, sizeof(ping_why), "recvfrom: %s",
			    strerror(errno));
			return -errno;
		}
		receive_one(s, s->rx, (size_t)n, &from);
	}
	return 0;
}

/* With -W, requests unanswered for waittime get a "Request timeout"
 * line; NetBSD's ping has no such lines, and without -W neither has ours. */
static uint64_t
check_timeouts(struct session *s, uint64_t now)
{
	unsigned seq;

	if (s->o->waittime_ns == 0)
		return UINT64_MAX;
	while (s->tcheck < s->st->ntransmitted) {
		seq = (unsigned)(s->tcheck % NSEQ);
		if (!bit_get(s->answered, seq)) {
			if (now - s->sent_at[seq] < s->o->waittime_ns)
				return s->sent_at[seq] + s->o->waittime_ns;
			if (!s->o->quiet)
				printf("Request timeout for icmp_seq %u\n",
				    seq);
		}
		s->tcheck++;
	}
	return UINT64_MAX;
}

static uint64_t
min64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static int
wait_input(struct session *s, uint64_t now, uint64_t wake)
{
	struct pollfd pfd = { .fd = s->fd, .events = POLLIN };
	uint64_t d = wake > now ? min64(wake - now, SLICE_NS) : 0;
	int ms = (int)((d + 999999) / 1000000), r;

	if ((r = rump_sys_poll(&pfd, 1, ms)) < 0) {
		if (errno == EINTR)
			return 0;
		snprintf(ping_why, sizeof(ping_why), "poll: %s",
		    strerror(errno));
		return -errno;
	}
	if (r > 0)
		return drain(s);
	return 0;
}

static int
loop(struct session *s)
{
	const struct ping_opts *o = s->o;
	uint64_t t0 = now_ns(), now, next = t0, last = t0, wake, tw;
	int more, error;

	for (;;) {
		now = now_ns();
		if (stopping || (o->deadline_ns && now >= t0 + o->deadline_ns))
			break;
		more = o->count == 0 || s->st->ntransmitted < o->count;
		if (more && now >= next) {
			send_one(s, now);
			last = now;
			next += o->interval_ns;
			if (next < now)     /* fell behind: keep the spacing */
				next = now + o->interval_ns;
			more = o->count == 0 || s->st->ntransmitted < o->count;
		}
		tw = check_timeouts(s, now);
		if (!more && (s->st->nreceived >= o->count ||
		    now >= last + o->maxwait_ns))
			break;
		wake = more ? next : last + o->maxwait_ns;
		wake = min64(wake, tw);
		if (o->deadline_ns)
			wake = min64(wake, t0 + o->deadline_ns);
		if ((error = wait_input(s, now, wake)) != 0)
			return error;
	}
	return 0;
}

int
ping_run(const struct ping_proto *p, const struct ping_opts *o,
    struct ping_stats *st)
{
	struct session *s;
	int error;

	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->tx = malloc(PING_HDRLEN + PING_MAXDATA)) == NULL ||
	    (s->rx = malloc(RXBUF)) == NULL) {
		if (s != NULL)
			free(s->tx);
		free(s);
		snprintf(ping_why, sizeof(ping_why), "out of memory");
		return -ENOMEM;
	}
	s->p = p;
	s->o = o;
	s->st = st;
	s->fd = -1;
	memset(st, 0, sizeof(*st));
	if ((error = open_socket(s)) == 0)
		error = loop(s);
	if (s->fd >= 0)
		rump_sys_close(s->fd);
	free(s->tx);
	free(s->rx);
	free(s);
	return error;
}

/* ---- options ---- */

static int wgiven;

void
ping_opts_init(struct ping_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->interval_ns = 1000000000ull;
	o->maxwait_ns = 10000000000ull;
	o->waittime_ns = 0;         /* no "Request timeout" lines: NetBSD's */
	o->datalen = 56;
	o->ttl = -1;
	wgiven = 0;
}

static int
bad(const char *prog, const char *opt, const char *val)
{
	fprintf(stderr, "%s: %s: bad value '%s'\n", prog, opt, val);
	return -1;
}

int
ping_opt(const char *prog, int c, const char *arg, struct ping_opts *o)
{
	long v;

	switch (c) {
	case 'c':
		if (parse_long(arg, 1, 1L << 40, &o->count) != 0)
			return bad(prog, "-c", arg);
		return 1;
	case 'i':
		if (parse_duration(arg, 3600, &o->interval_ns) != 0 ||
		    o->interval_ns < 1000000)
			return bad(prog, "-i (at least 0.001 s)", arg);
		return 1;
	case 'n':                       /* always numeric: no resolver */
		return 1;
	case 'q':
		o->quiet = 1;
		return 1;
	case 's':
		if (parse_long(arg, 0, PING_MAXDATA, &v) != 0)
			return bad(prog, "-s", arg);
		o->datalen = (size_t)v;
		return 1;
	case 't':
	case 'X':
		if (parse_duration(arg, 1e6, &o->deadline_ns) != 0 ||
		    o->deadline_ns == 0)
			return bad(prog, c == 't' ? "-t" : "-X", arg);
		return 1;
	case 'v':
		o->verbose = 1;
		return 1;
	case 'w':
		if (parse_duration(arg, 1e6, &o->maxwait_ns) != 0)
			return bad(prog, "-w", arg);
		wgiven = 1;
		return 1;
	case 'W':
		if (parse_duration(arg, 1e6, &o->waittime_ns) != 0)
			return bad(prog, "-W", arg);
		return 1;
	}
	return 0;
}

void
ping_opts_done(struct ping_opts *o)
{
	if (o->count == 0 && wgiven && o->deadline_ns == 0)
		o->deadline_ns = o->maxwait_ns;
}
