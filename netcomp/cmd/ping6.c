/*
 * ping6.c — rump.ping6: ICMPv6 echo from a node, through a raw ICMPv6
 * socket of the node's stack, with NetBSD ping6(8)'s options and lines:
 *
 *   PING6(56=40+8+8 bytes) fc00::1 --> fc00::2
 *   16 bytes from fc00::2, icmp_seq=0 hlim=64 time=0.268 ms
 *
 *   --- fc00::2 ping6 statistics ---
 *   3 packets transmitted, 3 packets received, 0.0% packet loss
 *   round-trip min/avg/max/std-dev = 0.213/0.245/0.268/0.023 ms
 *
 * The node's raw ICMPv6 sockets hand over the ICMPv6 message without the
 * IPv6 header and offer no IPV6_RECVHOPLIMIT, so "hlim=" is shown only
 * when the header is there to read it from.  The source address in the
 * PING6 line is the one the node will choose (same prefix, else the first
 * global address); -S and -I bind the socket so that it is the one used.
 * A link-local destination without a zone leaves as the node's table
 * sends it (NetBSD's rip6_output: by the default route, else no route to
 * host), so the node's route for it gives the source.  -g sets the
 * socket's IPV6_NEXTHOP.  The session itself is pingloop.c.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/rumpclient.h"
#include "netcomp/cmd/inaddr.h"
#include "netcomp/cmd/node.h"
#include "netcomp/cmd/pingloop.h"
#include "version.h"

#define PROG "rump.ping6"

static char dsttext[INADDR_TEXTLEN];
static char ifzone[RUMP_IFNAMSIZ];     /* the interface of a link-local
                                           conversation */
static int dstzone;                     /* the destination carries it */

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: " PROG " [-nqv] [-c count] [-g gateway] [-h hoplimit] "
	    "[-I interface]\n"
	    "                  [-i wait] [-S sourceaddr] [-s packetsize] "
	    "[-X timeout]\n"
	    "                  [-w maxwait] [-W waittime] host\n"
	    "host is a numeric IPv6 address (fe80::1%%shmif0 for a "
	    "link-local one);\nthe node is $RUMP_SERVER.\n");
}

/* ---- the ICMPv6 packet format ---- */

/* The node computes the ICMPv6 checksum (it needs the pseudo-header);
 * the field must be zero for that. */
static void
seal6(uint8_t *pkt, size_t len)
{
	pkt[2] = pkt[3] = 0;
}

static int
quoted_request6(const uint8_t *q, size_t n, uint16_t ident, unsigned *seq)
{
	if (n < 48 || (q[0] >> 4) != 6 || q[6] != 58)   /* IPPROTO_ICMPV6 */
		return 0;
	q += 40;
	if (q[0] != 128 || ((unsigned)q[4] << 8 | q[5]) != ident)
		return 0;
	*seq = (unsigned)q[6] << 8 | q[7];
	return 1;
}

static void
classify6(const uint8_t *b, size_t n, uint16_t ident, struct ping_reply *r)
{
	/* An IPv6 header, if the node ever passes it, gives the hop limit.
	 * (No ICMPv6 type has 6 in its high nibble.) */
	if (n >= 48 && (b[0] >> 4) == 6 && b[6] == 58) {
		r->ttl = b[7];
		b += 40;
		n -= 40;
	}
	if (n < PING_HDRLEN)
		return;
	r->len = n;
	if (b[0] == 129) {                              /* echo reply */
		if (((unsigned)b[4] << 8 | b[5]) != ident)
			return;
		r->kind = PING_ECHOREPLY;
		r->seq = (unsigned)b[6] << 8 | b[7];
		r->data = b + PING_HDRLEN;
		r->datalen = n - PING_HDRLEN;
		return;
	}
	if (b[0] < 1 || b[0] > 4 ||
	    !quoted_request6(b + 8, n - 8, ident, &r->seq))
		return;
	r->kind = PING_ERROR;
	r->type = b[0];
	r->code = b[1];
	r->param = (uint32_t)b[4] << 24 | (uint32_t)b[5] << 16 |
	    (uint32_t)b[6] << 8 | b[7];
}

/* ---- output ---- */

static const char *
from_text(const struct ping_reply *r, char *buf, size_t len)
{
	const struct sockaddr_in6 *sin6 =
	    (const struct sockaddr_in6 *)&r->from;
	size_t n;

	inaddr_ntop(AF_INET6, &sin6->sin6_addr, buf, len);
	n = strlen(buf);
	if (inaddr_linklocal6(sin6->sin6_addr.s6_addr) && ifzone[0] != '\0')
		snprintf(buf + n, len - n, "%%%s", ifzone);
	return buf;
}

static void
print_reply6(const struct ping_reply *r, const struct ping_opts *o)
{
	char buf[INADDR_TEXTLEN + RUMP_IFNAMSIZ];

	printf("%zu bytes from %s, icmp_seq=%u", r->len,
	    from_text(r, buf, sizeof(buf)), r->seq);
	if (r->ttl >= 0)
		printf(" hlim=%d", r->ttl);
	if (r->rtt_ms >= 0)
		printf(" time=%.3f ms", r->rtt_ms);
	if (r->dup)
		printf("(DUP!)");
	if (r->badbyte >= 0)
		printf("\nwrong data byte #%ld should be 0x%x but was 0x%x",
		    r->badbyte, r->badwant, r->badgot);
	printf("\n");
}

static void
print_error6(const struct ping_reply *r, const struct ping_opts *o)
{
	static const char *const unreach[] = {
		"No Route to Destination",
		"Destination Administratively Unreachable",
		"Destination Unreachable Beyond Scope",
		"Destination Host Unreachable",
		"Destination Port Unreachable",
	};
	char buf[INADDR_TEXTLEN + RUMP_IFNAMSIZ];

	printf("%zu bytes from %s: ", r->len, from_text(r, buf, sizeof(buf)));
	switch (r->type) {
	case 1:
		if (r->code >= 0 && r->code <= 4)
			printf("%s", unreach[r->code]);
		else
			printf("Destination Unreachable, Bad Code: %d",
			    r->code);
		break;
	case 2:
		printf("Packet too big mtu = %u", r->param);
		break;
	case 3:
		printf("%s", r->code == 0 ? "Time to live exceeded" :
		    "Frag reassembly time exceeded");
		break;
	case 4:
		printf("Parameter problem: pointer = 0x%02x", r->param);
		break;
	}
	if (o->verbose)
		printf(" (icmp_seq=%u)", r->seq);
	printf("\n");
}

static const struct ping_proto proto6 = {
	.domain = AF_INET6,
	.protocol = 58,         /* IPPROTO_ICMPV6 */
	.seal = seal6,
	.classify = classify6,
	.print_reply = print_reply6,
	.print_error = print_error6,
};

/* KAME's summary: population standard deviation, "std-dev". */
static void
summary(const struct ping_stats *st)
{
	double n, avg, var;

	printf("\n--- %s ping6 statistics ---\n", dsttext);
	printf("%ld packets transmitted, %ld packets received, ",
	    st->ntransmitted, st->nreceived);
	if (st->nrepeats)
		printf("+%ld duplicates, ", st->nrepeats);
	if (st->ntransmitted) {
		if (st->nreceived > st->ntransmitted)
			printf("-- somebody's duplicating packets!");
		else
			printf("%.1f%% packet loss", (double)(st->ntransmitted -
			    st->nreceived) * 100.0 / (double)st->ntransmitted);
	}
	printf("\n");
	if (st->ntimed > 0) {
		n = (double)st->ntimed;
		avg = st->tsum / n;
		var = st->tsumsq / n - avg * avg;
		printf("round-trip min/avg/max/std-dev = %.3f/%.3f/%.3f/%.3f "
		    "ms\n", st->tmin, avg, st->tmax, sqrt(var > 0 ? var : 0));
	}
}

/* ---- the source address ---- */

static int
usable(const struct rump_ifaddr *a)
{
	return a->family == AF_INET6 &&
	    !(a->flags & (RUMP_IFA_TENTATIVE | RUMP_IFA_DUPLICATED));
}

/* The address of one interface the node would pick for dst; 1 if any. */
static int
pick_on(const struct rump_ifinfo *info, const struct inaddr *dst,
    uint8_t out[16], int *samenet)
{
	int ll = inaddr_linklocal6(dst->addr), found = 0;
	uint32_t i;

	*samenet = 0;
	for (i = 0; i < info->naddrs && i < RUMP_MAXADDRS; i++) {
		const struct rump_ifaddr *a = &info->addrs[i];

		if (!usable(a) || inaddr_linklocal6(a->addr) != ll)
			continue;
		if (memcmp(a->addr, dst->addr, 8) == 0) {
			memcpy(out, a->addr, 16);
			*samenet = 1;
			return 1;
		}
		if (!found)
			memcpy(out, a->addr, 16);
		found = 1;
	}
	return found;
}

/* The interface named by -I or the destination's zone, or every up one
 * (loopback last unless the destination is ::1). */
static int
pick_source(const char *ifname, const struct inaddr *dst, uint8_t out[16])
{
	static const uint8_t lo6[16] = { [15] = 1 };
	char names[64][RUMP_IFNAMSIZ];
	struct rump_ifinfo info;
	int i, n, same, any = 0;

	if (memcmp(dst->addr, lo6, 16) == 0) {
		memcpy(out, lo6, 16);
		return 1;
	}
	if (ifname != NULL) {
		if (rump_sys_ifget(ifname, &info) != 0)
			return -errno;
		return pick_on(&info, dst, out, &same);
	}
	if ((n = rump_sys_iflist(names, 64)) < 0)
		return -errno;
	for (i = 0; i < n && i < 64; i++) {
		uint8_t cand[16];

		if (rump_sys_ifget(names[i], &info) != 0 ||
		    !(info.flags & RUMP_IFF_UP) ||
		    (info.flags & RUMP_IFF_LOOPBACK))
			continue;
		if (!pick_on(&info, dst, cand, &same))
			continue;
		if (same || !any)
			memcpy(out, cand, 16);
		any = 1;
		if (same)
			break;
	}
	return any;
}

/* ---- the command line ---- */

static void
on_sigint(int sig)
{
	ping_stop();
}

static int
bad(const char *opt, const char *val)
{
	fprintf(stderr, PROG ": %s: bad value '%s'\n", opt, val);
	return 1;
}

/* A link-local destination without a zone: the node's route for it (its
 * default route) decides the interface, which the replies are shown
 * with, and the source; no route is NetBSD's "No route to host" (its
 * ping6 learns the source from a connect()).  1 on a message. */
static int
unscoped_source(const struct inaddr *dst, uint8_t out[16])
{
	struct rump_rtentry rt;
	int err = 0;

	memset(&rt, 0, sizeof(rt));
	rt.family = AF_INET6;
	memcpy(rt.dst, dst->addr, 16);
	if (rump_sys_route_get(&rt) != 0)
		err = errno;
	else if (rt.flags & (RUMP_RTF_REJECT | RUMP_RTF_BLACKHOLE))
		err = (rt.flags & RUMP_RTF_HOST) ? EHOSTUNREACH : ENETUNREACH;
	if (err != 0) {
		fprintf(stderr, PROG ": %s: %s\n", dsttext, strerror(err));
		return 1;
	}
	memcpy(out, rt.ifa, 16);
	snprintf(ifzone, sizeof(ifzone), "%s", rt.ifname);
	return 0;
}

/* -S, -I or the zone decide the source; returns 1 on a message. */
static int
setup_source(const char *srcarg, const char *ifarg, const struct inaddr *dst,
    struct ping_opts *o, char *srctext, size_t len)
{
	struct inaddr src;
	int r;

	memset(&src, 0, sizeof(src));
	src.family = AF_INET6;
	src.plen = -1;
	if (srcarg != NULL) {
		if (inaddr_parse(srcarg, AF_INET6, &src) != 0 ||
		    src.plen >= 0) {
			fprintf(stderr, PROG ": -S: bad address '%s'\n",
			    srcarg);
			return 1;
		}
		o->srclen = inaddr_sockaddr(&src, 0, &o->src);
	} else if (inaddr_linklocal6(dst->addr) && ifarg == NULL) {
		if (unscoped_source(dst, src.addr) != 0)
			return 1;
	} else {
		r = pick_source(ifarg, dst, src.addr);
		if (r < 0) {
			fprintf(stderr, PROG ": %s: %s\n", ifarg, r == -ENXIO ?
			    "no such interface" : strerror(-r));
			return 1;
		}
		if (r == 0 && ifarg != NULL) {
			fprintf(stderr, PROG ": %s: no usable inet6 address "
			    "for %s\n", ifarg, dsttext);
			return 1;
		}
		/* -I to a global address binds the interface's address; a
		 * link-local destination carries its interface in its
		 * sin6_scope_id (set_scope()) and the node picks the source. */
		if (r > 0 && ifarg != NULL && ifzone[0] == '\0')
			o->srclen = inaddr_sockaddr(&src, 0, &o->src);
	}
	inaddr_ntop(AF_INET6, src.addr, srctext, len);
	return 0;
}

/* The sin6_scope_id of a link-local address of interface name: its
 * index, as NetBSD's ping6 resolves fe80::1%shmif0.  1 on a message. */
static int
zone_index(const char *name, uint32_t *index)
{
	struct rump_ifinfo info;

	if (rump_sys_ifget(name, &info) != 0) {
		fprintf(stderr, PROG ": %s: %s\n", name, errno == ENXIO ?
		    "no such interface" : strerror(errno));
		return 1;
	}
	if (info.index == 0) {
		fprintf(stderr, PROG ": %s: the node reports no interface "
		    "index (a server older than this client)\n", name);
		return 1;
	}
	*index = info.index;
	return 0;
}

static int
set_scope(struct ping_opts *o)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&o->dst;

	return zone_index(ifzone, &sin6->sin6_scope_id);
}

/* -g: the socket's IPV6_NEXTHOP, a link-local one with its zone's index
 * (without a zone the node finds no interface for it).  1 on a message. */
static int
set_gateway(const char *arg, struct ping_opts *o)
{
	struct inaddr gw;
	uint32_t index = 0;

	if (inaddr_parse(arg, AF_INET6, &gw) != 0 || gw.plen >= 0) {
		fprintf(stderr, PROG ": -g: bad gateway '%s' (a numeric IPv6 "
		    "address)\n", arg);
		return 1;
	}
	if (gw.zone[0] != '\0' && inaddr_linklocal6(gw.addr) &&
	    zone_index(gw.zone, &index) != 0)
		return 1;
	o->nexthoplen = inaddr_sockaddr(&gw, index, &o->nexthop);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 }
	};
	struct ping_opts o;
	struct ping_stats st;
	struct sigaction sa;
	struct inaddr dst;
	const char *srcarg = NULL, *ifarg = NULL, *gwarg = NULL;
	char srctext[INADDR_TEXTLEN];
	int c, r;
	long v;

	if (version_asked(argc, argv, PROG))
		return 0;
	/* -h is NetBSD's hop limit; alone it asks for help. */
	if (argc == 2 && strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	ping_opts_init(&o);
	o.datalen = PING_TSLEN;         /* KAME's default: the timestamp */
	while ((c = getopt_long(argc, argv, "c:g:h:i:I:nqs:S:t:vw:W:X:",
	    longopts, NULL)) != -1) {
		if ((r = ping_opt(PROG, c, optarg, &o)) != 0) {
			if (r < 0)
				return 1;
			continue;
		}
		switch (c) {
		case 'h':
			if (parse_long(optarg, 1, 255, &v) != 0)
				return bad("-h", optarg);
			o.ttl = (int)v;
			break;
		case 'g': gwarg = optarg; break;
		case 'I': ifarg = optarg; break;
		case 'S': srcarg = optarg; break;
		case 'H': usage(stdout); return 0;
		default: usage(stderr); return 1;
		}
	}
	if (argc - optind != 1) {
		usage(stderr);
		return 1;
	}
	if (inaddr_parse(argv[optind], AF_INET6, &dst) != 0 || dst.plen >= 0) {
		fprintf(stderr, PROG ": bad address '%s' (a numeric IPv6 "
		    "address; the node has no resolver)\n", argv[optind]);
		return 1;
	}
	if (dst.zone[0] != '\0') {
		if (ifarg != NULL && strcmp(ifarg, dst.zone) != 0) {
			fprintf(stderr, PROG ": -I %s and zone %%%s differ\n",
			    ifarg, dst.zone);
			return 1;
		}
		ifarg = dst.zone;
	}
	if (inaddr_linklocal6(dst.addr) && ifarg != NULL) {
		snprintf(ifzone, sizeof(ifzone), "%s", ifarg);
		dstzone = 1;
	}
	ping_opts_done(&o);
	o.dstlen = inaddr_sockaddr(&dst, 0, &o.dst);
	inaddr_ntop(AF_INET6, dst.addr, dsttext, sizeof(dsttext));
	o.ident = (uint16_t)getpid();
	if (node_attach() != 0) {
		fprintf(stderr, PROG ": %s\n", rumpclient_lasterror());
		return 1;
	}
	if (dstzone && set_scope(&o) != 0)
		return 1;
	if (gwarg != NULL && set_gateway(gwarg, &o) != 0)
		return 1;
	if (setup_source(srcarg, ifarg, &dst, &o, srctext, sizeof(srctext)))
		return 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sigaction(SIGINT, &sa, NULL);
	printf("PING6(%zu=40+8+%zu bytes) %s%s%s --> %s%s%s\n",
	    40 + PING_HDRLEN + o.datalen, o.datalen, srctext,
	    ifzone[0] && strncmp(srctext, "fe80:", 5) == 0 ? "%" : "",
	    strncmp(srctext, "fe80:", 5) == 0 ? ifzone : "", dsttext,
	    dstzone ? "%" : "", dstzone ? ifzone : "");
	if (ping_run(&proto6, &o, &st) != 0) {
		fprintf(stderr, PROG ": %s\n", ping_why);
		return 1;
	}
	summary(&st);
	return st.nreceived > 0 ? 0 : 2;
}
