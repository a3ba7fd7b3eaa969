/*
 * pingloop.h — the ICMP echo session shared by rump.ping and rump.ping6:
 * a raw socket in the node, requests sent on a schedule, replies and ICMP
 * errors matched to them, duplicates, lost requests and round-trip
 * statistics.  The family-specific parts (socket, checksum, reading a
 * received packet, the output lines) come in a struct ping_proto, so the
 * two commands differ only in what NetBSD's ping and ping6 differ in.
 *
 * Contract: ping_run() blocks until the count, -w/-t limits or SIGINT
 * (ping_stop()) end the session; it prints through the proto's callbacks
 * and returns 0 or -errno when the socket could not be set up (the reason
 * in ping_why).  Single-threaded.
 */
#ifndef RUMPLAB_NETCOMP_CMD_PINGLOOP_H
#define RUMPLAB_NETCOMP_CMD_PINGLOOP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define PING_HDRLEN   8         /* ICMP/ICMPv6 echo header */
#define PING_TSLEN    8         /* timestamp at the start of the data */
#define PING_MAXDATA  65000

struct ping_opts {
	struct sockaddr_storage dst;
	socklen_t dstlen;
	struct sockaddr_storage src;    /* bound when srclen != 0 */
	socklen_t srclen;
	long     count;                 /* 0: until stopped */
	uint64_t interval_ns;
	uint64_t maxwait_ns;            /* after the last request (-w) */
	uint64_t deadline_ns;           /* the whole session; 0: none */
	uint64_t waittime_ns;           /* "Request timeout" after this; 0 none */
	size_t   datalen;
	int      ttl;                   /* -1: the node's default */
	int      df;                    /* IPv4: set Don't Fragment (-D) */
	struct sockaddr_storage nexthop;  /* IPv6: IPV6_NEXTHOP when */
	socklen_t nexthoplen;             /* nexthoplen != 0 (-g) */
	uint8_t  ipopts[44];            /* IPv4: IP_OPTIONS (-R, -g) */
	size_t   ipoptlen;
	int      quiet, verbose;
	uint16_t ident;
};

enum ping_kind { PING_OTHER, PING_ECHOREPLY, PING_ERROR };

/* What a received packet was, as the proto's classify() found it. */
struct ping_reply {
	enum ping_kind kind;
	unsigned seq;
	int      ttl;                   /* of the reply; -1 unknown */
	size_t   len;                   /* ICMP bytes (header included) */
	const uint8_t *data;            /* echo data (after the header) */
	size_t   datalen;
	int      type, code;            /* of an ICMP error */
	uint32_t param;                 /* MTU, pointer, gateway of it */
	struct sockaddr_storage from;
	const uint8_t *ipopts;          /* IPv4: the header's options */
	size_t   ipoptlen;
	/* Filled in by the loop for echo replies: */
	double   rtt_ms;                /* -1: no timestamp */
	int      dup;
	long     badbyte;               /* -1, or index of a wrong byte */
	unsigned badwant, badgot;
};

struct ping_stats {
	long   ntransmitted, nreceived, nrepeats, nerrors;
	long   ntimed;                  /* replies with a round-trip time */
	double tmin, tmax, tsum, tsumsq;        /* ms */
};

struct ping_proto {
	int domain, protocol;
	/* Complete a request of len bytes in place (checksum). */
	void (*seal)(uint8_t *pkt, size_t len);
	/* Read n received bytes. */
	void (*classify)(const uint8_t *buf, size_t n, uint16_t ident,
	         struct ping_reply *r);
	void (*print_reply)(const struct ping_reply *r,
	         const struct ping_opts *o);
	void (*print_error)(const struct ping_reply *r,
	         const struct ping_opts *o);
};

extern char ping_why[256];

/*
 * The options both pings share: defaults, then -c -i -n -q -s -t -v -w
 * -W as getopt returns them (ping6's -X is -t).  ping_opt() returns 1
 * when it took c, 0 when c is the program's own, -1 after printing
 * "PROG: -x: bad value" for a bad value.  ping_opts_done() applies what
 * -w means without a count (it bounds the whole session).
 */
void ping_opts_init(struct ping_opts *o);
int  ping_opt(const char *prog, int c, const char *arg, struct ping_opts *o);
void ping_opts_done(struct ping_opts *o);

/* Ask a running session to stop (async-signal-safe). */
void ping_stop(void);
int  ping_run(const struct ping_proto *p, const struct ping_opts *o,
         struct ping_stats *st);
/* One's complement Internet checksum. */
uint16_t ping_cksum(const uint8_t *b, size_t n);

#endif
