/*
 * ping.c — rump.ping: ICMP echo from a node, through a raw socket of the
 * node's stack, with NetBSD ping(8)'s options and output lines:
 *
 *   PING 10.0.0.2 (10.0.0.2): 56 data bytes
 *   64 bytes from 10.0.0.2: icmp_seq=0 ttl=255 time=0.123 ms
 *
 *   ----10.0.0.2 PING Statistics----
 *   3 packets transmitted, 3 packets received, 0.0% packet loss
 *   round-trip min/avg/max/stddev = 0.087/0.107/0.123/0.015 ms
 *
 * Exit status as NetBSD's: 0 when any reply came, 2 when none, 1 on
 * errors.  The session itself is pingloop.c; this file is the IPv4 packet
 * format and the command line.
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
#include "netcomp/cmd/hosts.h"
#include "netcomp/cmd/inaddr.h"
#include "netcomp/cmd/node.h"
#include "netcomp/cmd/pingloop.h"
#include "netcomp/ipopt.h"
#include "version.h"

#define PROG "rump.ping"

static char dsttext[INADDR_TEXTLEN];
static int rroute;                      /* -R */

static char dsthost[256];       /* as given: the number or a host name */

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: " PROG " [-DnqRv] [-c count] [-g gateway] [-i wait] "
	    "[-I srcaddr|interface]\n"
	    "                 [-s size] [-T ttl] [-t timeout] [-w maxwait] "
	    "[-W waittime] host\n"
	    "host is a numeric IPv4 address; the node is $RUMP_SERVER.\n");
}

/* ---- the IPv4 packet format ---- */

static void
seal4(uint8_t *pkt, size_t len)
{
	uint16_t c;

	pkt[2] = pkt[3] = 0;
	c = ping_cksum(pkt, len);
	pkt[2] = (uint8_t)(c >> 8);
	pkt[3] = (uint8_t)c;
}

/* Does the quoted packet of an ICMP error hold one of our requests? */
static int
quoted_request(const uint8_t *q, size_t n, uint16_t ident, unsigned *seq)
{
	size_t hl;

	if (n < 20 || (q[0] >> 4) != 4)
		return 0;
	hl = (size_t)(q[0] & 0xf) * 4;
	if (hl < 20 || n < hl + 8 || q[9] != 1)         /* IPPROTO_ICMP */
		return 0;
	q += hl;
	if (q[0] != 8 || ((unsigned)q[4] << 8 | q[5]) != ident)
		return 0;
	*seq = (unsigned)q[6] << 8 | q[7];
	return 1;
}

static void
classify4(const uint8_t *b, size_t n, uint16_t ident, struct ping_reply *r)
{
	size_t hl = 0;

	/* lwIP hands a raw IPv4 socket the IP header, as BSD does. */
	if (n >= 20 && (b[0] >> 4) == 4 && (size_t)(b[0] & 0xf) * 4 <= n) {
		hl = (size_t)(b[0] & 0xf) * 4;
		r->ttl = b[8];
		r->ipopts = b + 20;
		r->ipoptlen = hl - 20;
	}
	b += hl;
	n -= hl;
	if (n < PING_HDRLEN)
		return;
	r->len = n;
	if (b[0] == 0) {                                /* echo reply */
		if (((unsigned)b[4] << 8 | b[5]) != ident)
			return;
		r->kind = PING_ECHOREPLY;
		r->seq = (unsigned)b[6] << 8 | b[7];
		r->data = b + PING_HDRLEN;
		r->datalen = n - PING_HDRLEN;
		return;
	}
	if (b[0] != 3 && b[0] != 4 && b[0] != 5 && b[0] != 11 && b[0] != 12)
		return;
	if (!quoted_request(b + 8, n - 8, ident, &r->seq))
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
	const struct sockaddr_in *sin = (const struct sockaddr_in *)&r->from;

	return inaddr_ntop(AF_INET, &sin->sin_addr, buf, len);
}

/*
 * -R, as NetBSD's ping: the route recorded so far (the addresses up to
 * the option's pointer), each on its line after "RR: ", or "(same
 * route)" at the end of the reply's line when it is the last one shown.
 */
static void
print_rr(const struct ping_reply *r)
{
	static uint8_t old[IPOPT_MAX];
	static size_t oldlen;
	static int warned;
	const uint8_t *rr = ipopt_find(r->ipopts, r->ipoptlen, IPO_RR);
	char buf[INADDR_TEXTLEN];
	size_t n, i;

	if (rr == NULL) {
		if (!warned++)
			printf("\nremote host does not support record route");
		return;
	}
	n = rr[2] > rr[1] ? rr[1] : rr[2];
	if (n <= IPO_MINOFF)
		return;
	n -= IPO_MINOFF;
	if (n == oldlen && memcmp(rr + 3, old, n) == 0) {
		printf("\t(same route)");
		return;
	}
	memcpy(old, rr + 3, n);
	oldlen = n;
	printf("\nRR: ");
	for (i = 0; i + 4 <= n; i += 4)
		printf("%s\t%s", i ? "\n" : "",
		    inaddr_ntop(AF_INET, rr + 3 + i, buf, sizeof(buf)));
}

static void
print_reply4(const struct ping_reply *r, const struct ping_opts *o)
{
	char buf[INADDR_TEXTLEN];

	printf("%zu bytes from %s: icmp_seq=%u", r->len,
	    from_text(r, buf, sizeof(buf)), r->seq);
	if (r->ttl >= 0)
		printf(" ttl=%d", r->ttl);
	if (r->rtt_ms >= 0)
		printf(" time=%.3f ms", r->rtt_ms);
	if (r->dup)
		printf(" DUP!");
	if (r->badbyte >= 0)
		printf("\nwrong data byte #%ld should be 0x%x but was 0x%x",
		    r->badbyte, r->badwant, r->badgot);
	if (rroute)
		print_rr(r);
	printf("\n");
}

static const char *
unreach_text(int code)
{
	static const char *const t[] = {
		"Destination Net Unreachable", "Destination Host Unreachable",
		"Destination Protocol Unreachable",
		"Destination Port Unreachable", "Frag needed and DF set",
		"Source Route Failed", "Destination Net Unknown",
		"Destination Host Unknown", "Source Host Isolated",
		"Destination Net Prohibited", "Destination Host Prohibited",
		"Destination Net Unreachable for TOS",
		"Destination Host Unreachable for TOS",
		"Communication prohibited by filter",
		"Host precedence violation", "Precedence cutoff in effect",
	};

	if (code >= 0 && (size_t)code < sizeof(t) / sizeof(t[0]))
		return t[code];
	return NULL;
}

static void
print_error4(const struct ping_reply *r, const struct ping_opts *o)
{
	char buf[INADDR_TEXTLEN], gw[INADDR_TEXTLEN];
	uint8_t a[4];

	printf("%zu bytes from %s: ", r->len, from_text(r, buf, sizeof(buf)));
	switch (r->type) {
	case 3:
		if (unreach_text(r->code) == NULL)
			printf("Destination Unreachable, Bad Code: %d",
			    r->code);
		else if (r->code == 4)
			printf("frag needed and DF set (mtu = %u)",
			    r->param & 0xffff);
		else
			printf("%s", unreach_text(r->code));
		break;
	case 4:
		printf("Source Quench");
		break;
	case 5:
		a[0] = (uint8_t)(r->param >> 24);
		a[1] = (uint8_t)(r->param >> 16);
		a[2] = (uint8_t)(r->param >> 8);
		a[3] = (uint8_t)r->param;
		printf("Redirect %s (New addr: %s)", r->code == 0 ?
		    "Network" : r->code == 1 ? "Host" : "Type of Service",
		    inaddr_ntop(AF_INET, a, gw, sizeof(gw)));
		break;
	case 11:
		/* NetBSD ping.c capitalises it so (ping6 does not) */
		printf("%s", r->code == 0 ? "Time To Live exceeded" :
		    "Frag reassembly time exceeded");
		break;
	case 12:
		printf("Parameter problem: pointer = 0x%02x", r->param >> 24);
		break;
	}
	if (o->verbose)
		printf(" (icmp_seq=%u)", r->seq);
	printf("\n");
}

static const struct ping_proto proto4 = {
	.domain = AF_INET,
	.protocol = 1,          /* IPPROTO_ICMP */
	.seal = seal4,
	.classify = classify4,
	.print_reply = print_reply4,
	.print_error = print_error4,
};

/* NetBSD's summary: sample standard deviation. */
static void
summary(const struct ping_stats *st)
{
	double n, avg, var = 0;

	printf("\n----%s PING Statistics----\n", dsthost);
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
		if (n > 1)
			var = (st->tsumsq - n * avg * avg) / (n - 1);
		printf("round-trip min/avg/max/stddev = %.3f/%.3f/%.3f/%.3f "
		    "ms\n", st->tmin, avg, st->tmax, sqrt(var > 0 ? var : 0));
	}
}

/* ---- the command line ---- */

static void
on_sigint(int sig)
{
	ping_stop();
}

/*
 * The options of -g and -R, as NetBSD's ping lays them out: a loose
 * source route through the gateway to dst (in IP_OPTIONS' form, the
 * first hop first) and a NOP, then a record route filling what is left
 * of the header's 40 bytes.
 */
static void
route_options(const uint8_t *gw, const uint8_t *dst, struct ping_opts *o)
{
	size_t n = 0, sent = 0;

	if (gw != NULL) {
		o->ipopts[n++] = IPO_LSRR;
		o->ipopts[n++] = 3 + 8;
		o->ipopts[n++] = IPO_MINOFF;
		memcpy(o->ipopts + n, gw, 4);
		memcpy(o->ipopts + n + 4, dst, 4);
		n += 8;
		o->ipopts[n++] = IPO_NOP;
		sent = n - 4;           /* the first hop leaves the option */
	}
	if (rroute) {
		memset(o->ipopts + n, 0, IPOPT_MAX - 1 - sent);
		o->ipopts[n] = IPO_RR;
		o->ipopts[n + 1] = (uint8_t)(IPOPT_MAX - 1 - sent);
		o->ipopts[n + 2] = IPO_MINOFF;
		n += IPOPT_MAX - 1 - sent;
	}
	o->ipoptlen = n;
}

/* -I: an address, or an interface whose first inet address is used. */
static int
source(const char *s, struct ping_opts *o, char *why, size_t whylen)
{
	struct rump_ifinfo info;
	struct inaddr a;
	uint32_t i;

	if (inaddr_parse(s, AF_INET, &a) == 0 && a.plen < 0) {
		o->srclen = inaddr_sockaddr(&a, 0, &o->src);
		return 0;
	}
	if (rump_sys_ifget(s, &info) != 0) {
		snprintf(why, whylen, "-I %s: %s", s, errno == ENXIO ?
		    "neither an inet address nor an interface" :
		    strerror(errno));
		return -EINVAL;
	}
	for (i = 0; i < info.naddrs && i < RUMP_MAXADDRS; i++)
		if (info.addrs[i].family == AF_INET) {
			memset(&a, 0, sizeof(a));
			a.family = AF_INET;
			memcpy(a.addr, info.addrs[i].addr, 4);
			o->srclen = inaddr_sockaddr(&a, 0, &o->src);
			return 0;
		}
	snprintf(why, whylen, "-I %s: the interface has no inet address", s);
	return -EADDRNOTAVAIL;
}

/* The destination: a number, or a name in the host's hosts file (the
 * node has no resolver of its own; hosts.h). */
static int
dest(const char *s, struct inaddr *dst)
{
	if (inaddr_parse(s, AF_INET, dst) == 0)
		return dst->plen >= 0 ? -EINVAL : 0;
	memset(dst, 0, sizeof(*dst));
	dst->family = AF_INET;
	dst->plen = -1;
	return hosts_addr(s, AF_INET, dst->addr);
}

static int
bad(const char *opt, const char *val)
{
	fprintf(stderr, PROG ": %s: bad value '%s'\n", opt, val);
	return 1;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct ping_opts o;
	struct ping_stats st;
	struct sigaction sa;
	struct inaddr dst;
	const char *srcarg = NULL;
	struct inaddr gw;
	int gwset = 0;
	char why[256];
	int c, r;
	long v;

	if (version_asked(argc, argv, PROG))
		return 0;
	ping_opts_init(&o);
	while ((c = getopt_long(argc, argv, "c:Dg:hi:I:nqRs:t:T:vw:W:", longopts,
	    NULL)) != -1) {
		if ((r = ping_opt(PROG, c, optarg, &o)) != 0) {
			if (r < 0)
				return 1;
			continue;
		}
		switch (c) {
		case 'D': o.df = 1; break;
		case 'I': srcarg = optarg; break;
		case 'R': rroute = 1; break;
		case 'g':
			if (inaddr_parse(optarg, AF_INET, &gw) != 0 ||
			    gw.plen >= 0)
				return bad("-g", optarg);
			gwset = 1;
			break;
		case 'T':
			if (parse_long(optarg, 1, 255, &v) != 0)
				return bad("-T", optarg);
			o.ttl = (int)v;
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 1;
		}
	}
	if (argc - optind != 1) {
		usage(stderr);
		return 1;
	}
	if (dest(argv[optind], &dst) != 0) {
		fprintf(stderr, PROG ": bad address '%s' (a numeric IPv4 "
		    "address, or a name in the host's /etc/hosts)\n",
		    argv[optind]);
		return 1;
	}
	ping_opts_done(&o);
	if (gwset || rroute)
		route_options(gwset ? gw.addr : NULL, dst.addr, &o);
	o.dstlen = inaddr_sockaddr(&dst, 0, &o.dst);
	inaddr_ntop(AF_INET, dst.addr, dsttext, sizeof(dsttext));
	snprintf(dsthost, sizeof(dsthost), "%s", argv[optind]);
	o.ident = (uint16_t)getpid();
	if (node_attach() != 0) {
		fprintf(stderr, PROG ": %s\n", rumpclient_lasterror());
		return 1;
	}
	if (srcarg != NULL && source(srcarg, &o, why, sizeof(why)) != 0) {
		fprintf(stderr, PROG ": %s\n", why);
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sigaction(SIGINT, &sa, NULL);
	printf("PING %s (%s): %zu data bytes\n", dsthost, dsttext, o.datalen);
	if (ping_run(&proto4, &o, &st) != 0) {
		fprintf(stderr, PROG ": %s\n", ping_why);
		return 1;
	}
	summary(&st);
	return st.nreceived > 0 ? 0 : 2;
}
