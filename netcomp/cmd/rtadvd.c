/*
 * rtadvd.c — rump.rtadvd: router advertisements (RFC 4861) from a node,
 * as NetBSD's rtadvd(8) sends them, so that hosts on its links
 * configure their addresses (SLAAC, RFC 4862) and default routes.
 *
 *   rump.rtadvd [-fs] [-i interval] [-l lifetime] interface ...
 *
 * A client of the node at $RUMP_SERVER: one raw ICMPv6 socket in the
 * node.  On each interface it advertises every /64 prefix of the
 * interface's global addresses (on-link and autonomous), its MTU and MAC,
 * and itself as a default router: three times a second apart when it
 * starts, then every interval (NetBSD's MaxRtrAdvInterval, 600 s, a
 * random three quarters to the whole of it), and, unless -s, at once
 * when a host solicits (at most once every 3 s per interface, RFC 4861's
 * MIN_DELAY_BETWEEN_RAS).  The node computes the ICMPv6 checksum; the
 * hop limit of a multicast from a raw socket is 255, as neighbour
 * discovery requires.  SIGTERM, SIGINT and SIGHUP: a last advertisement
 * with a router lifetime of 0 tells the hosts to drop it as a router.
 */
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kernel/rumpclient.h"
#include "netcomp/cmd/inaddr.h"
#include "netcomp/cmd/node.h"
#include "version.h"

#define PROG		"rump.rtadvd"
#define MAXIFS		16
#define ND_RS		133
#define ND_RA		134
#define RA_MAX		512
#define MIN_DELAY_NS	(3ull * 1000000000ull)
#define INITIAL_RAS	3

struct rtif {
	char		 name[RUMP_IFNAMSIZ];
	uint32_t	 index;
	uint64_t	 next;		/* next advertisement */
	uint64_t	 last;		/* the last one */
	int		 sent;
};

static struct {
	struct rtif	 ifs[MAXIFS];
	int		 nifs;
	int		 s;		/* raw ICMPv6 */
	int		 u;		/* UDP: holds the ff02::2 groups */
	uint64_t	 interval;	/* ns */
	uint16_t	 lifetime;	/* s */
	bool		 no_rs;
	bool		 fg;
	uint32_t	 seed;
} R;

static volatile sig_atomic_t stop;

static void
usage(FILE *f)
{
	fprintf(f, "usage: " PROG " [-fs] [-i interval] [-l lifetime] "
	    "interface ...\n"
	    "Sends router advertisements of each interface's /64 prefixes "
	    "for the node at\n$RUMP_SERVER: 3 at start, then every interval "
	    "(default 600s), and at once to a\nrouter solicitation (not with "
	    "-s).  -l: the router lifetime (default 1800s).\n-f stays in the "
	    "foreground.\n");
}

static uint64_t
rnd_between(uint64_t lo, uint64_t hi)
{
	uint32_t x = R.seed ? R.seed : 0x9e3779b9u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	R.seed = x;
	return hi <= lo ? lo : lo + (uint64_t)((double)x / 4294967296.0 *
	    (double)(hi - lo));
}

/* --- the message (RFC 4861 4.2) ------------------------------------------- */

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/* The advertisement for interface ifi: its length, 0 when it has nothing
 * to advertise (no global address), -errno when it cannot be read. */
static int
build_ra(const struct rump_ifinfo *info, uint16_t lifetime, uint8_t *m,
    int *nprefix)
{
	const struct rump_ifaddr *a;
	size_t len = 16;
	uint32_t k;

	memset(m, 0, RA_MAX);
	m[0] = ND_RA;
	m[4] = 64;			/* cur hop limit */
	put16(m + 6, lifetime);		/* router lifetime */
	m[len] = 1;			/* source link-layer address */
	m[len + 1] = 1;
	memcpy(m + len + 2, info->mac, 6);
	len += 8;
	m[len] = 5;			/* MTU */
	m[len + 1] = 1;
	put32(m + len + 4, info->mtu);
	len += 8;
	*nprefix = 0;
	for (k = 0; k < info->naddrs && k < RUMP_MAXADDRS; k++) {
		a = &info->addrs[k];
		if (a->family != AF_INET6 || (a->addr[0] == 0xfe &&
		    (a->addr[1] & 0xc0) == 0x80) || a->plen != 64 ||
		    len + 32 > RA_MAX)
			continue;
		m[len] = 3;		/* prefix information */
		m[len + 1] = 4;
		m[len + 2] = 64;
		m[len + 3] = 0xc0;	/* on-link, autonomous */
		put32(m + len + 4, 2592000);	/* valid: 30 days */
		put32(m + len + 8, 604800);	/* preferred: 7 days */
		memcpy(m + len + 16, a->addr, 8);
		len += 32;
		(*nprefix)++;
	}
	return (int)len;
}

/* An advertisement leaves from the link-local address, once it passed
 * duplicate address detection. */
static bool
linklocal_ready(const struct rump_ifinfo *info)
{
	uint32_t k;

	for (k = 0; k < info->naddrs && k < RUMP_MAXADDRS; k++)
		if (info->addrs[k].family == AF_INET6 &&
		    info->addrs[k].addr[0] == 0xfe &&
		    (info->addrs[k].addr[1] & 0xc0) == 0x80 &&
		    !(info->addrs[k].flags & RUMP_IFA_TENTATIVE))
			return true;
	return false;
}

static void
advertise(struct rtif *f, uint16_t lifetime, uint64_t now)
{
	struct sockaddr_in6 to;
	struct rump_ifinfo info;
	uint8_t m[RA_MAX];
	char e[256];
	int len, np;

	if (rump_sys_ifget(f->name, &info) != 0 || !(info.flags &
	    RUMP_IFF_UP) || !info.link_up || !linklocal_ready(&info))
		return;
	len = build_ra(&info, lifetime, m, &np);
	memset(&to, 0, sizeof(to));
	to.sin6_family = AF_INET6;
	to.sin6_addr.s6_addr[0] = 0xff;
	to.sin6_addr.s6_addr[1] = 0x02;
	to.sin6_addr.s6_addr[15] = 1;		/* ff02::1, all nodes */
	to.sin6_scope_id = info.index;
	if (rump_sys_sendto(R.s, m, (size_t)len, 0, (struct sockaddr *)&to,
	    sizeof(to)) < 0) {
		node_logf(PROG, "%s: %s", f->name, node_strerror(errno, e, sizeof(e)));
		return;
	}
	f->last = now;
	f->sent++;
	if (f->sent <= INITIAL_RAS || lifetime == 0)
		node_logf(PROG, "%s: advertised %d prefix%s, router lifetime %us",
		    f->name, np, np == 1 ? "" : "es", lifetime);
}

/* --- the loop --------------------------------------------------------------- */

static void
plan_next(struct rtif *f, uint64_t now)
{
	f->next = f->sent < INITIAL_RAS ? now + 1000000000ull :
	    now + rnd_between(R.interval * 3 / 4, R.interval);
}

/* A solicitation came: each interface answers, at most every 3 s. */
static void
solicited(uint64_t now)
{
	int i;

	for (i = 0; i < R.nifs; i++)
		if (now - R.ifs[i].last >= MIN_DELAY_NS) {
			node_logf(PROG, "%s: a router solicitation: answered",
			    R.ifs[i].name);
			advertise(&R.ifs[i], R.lifetime, now);
			plan_next(&R.ifs[i], now);
		}
}

static int
receive(uint64_t now)
{
	uint8_t buf[1500];
	struct sockaddr_in6 from;
	socklen_t fl;
	ssize_t n;
	size_t off;

	for (;;) {
		fl = sizeof(from);
		n = rump_sys_recvfrom(R.s, buf, sizeof(buf), MSG_DONTWAIT,
		    (struct sockaddr *)&from, &fl);
		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -errno;
		/* With or without its IPv6 header in front. */
		off = n >= 41 && (buf[0] >> 4) == 6 && buf[6] == 58 ? 40 : 0;
		if ((size_t)n > off && buf[off] == ND_RS && !R.no_rs)
			solicited(now);
	}
}

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int
run(void)
{
	struct pollfd p;
	uint64_t now, next;
	int i, r;

	now = now_ns();
	for (i = 0; i < R.nifs; i++)
		R.ifs[i].next = now;
	while (!stop) {
		now = now_ns();
		next = now + 3600ull * 1000000000ull;
		for (i = 0; i < R.nifs; i++) {
			if (R.ifs[i].next <= now) {
				advertise(&R.ifs[i], R.lifetime, now);
				plan_next(&R.ifs[i], now);
			}
			if (R.ifs[i].next < next)
				next = R.ifs[i].next;
		}
		p.fd = R.s;
		p.events = POLLIN;
		p.revents = 0;
		r = rump_sys_poll(&p, 1, (int)((next - now) / 1000000 + 1));
		if (r < 0 && errno != EINTR)
			return -errno;
		if (r > 0 && (r = receive(now_ns())) != 0)
			return r;
	}
	for (i = 0; i < R.nifs; i++)
		advertise(&R.ifs[i], 0, now_ns());
	return 0;
}

/* --- set-up ------------------------------------------------------------------ */

/*
 * Solicitations go to ff02::2, the all-routers group, which the node's
 * stack (a host's, lwIP) does not join by itself; it joins a group for a
 * UDP socket only, and a group joined is the interface's, so a UDP
 * socket's membership lets the raw socket see them.
 */
static void
join_routers(int u, uint32_t index)
{
	struct ipv6_mreq mr;

	memset(&mr, 0, sizeof(mr));
	mr.ipv6mr_multiaddr.s6_addr[0] = 0xff;
	mr.ipv6mr_multiaddr.s6_addr[1] = 0x02;
	mr.ipv6mr_multiaddr.s6_addr[15] = 2;
	mr.ipv6mr_interface = index;
	if (rump_sys_setsockopt(u, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, &mr,
	    sizeof(mr)) != 0)
		node_logf(PROG, "cannot join ff02::2 (all routers): router "
		    "solicitations will not be answered at once (%s)",
		    strerror(errno));
}

static int
add_if(const char *name)
{
	struct rump_ifinfo info;
	char e[256];

	if (R.nifs == MAXIFS) {
		fprintf(stderr, PROG ": at most %d interfaces\n", MAXIFS);
		return 1;
	}
	if (rump_sys_ifget(name, &info) != 0) {
		fprintf(stderr, PROG ": %s: %s\n", name, errno == ENXIO ?
		    "no such interface" : node_strerror(errno, e, sizeof(e)));
		return 1;
	}
	snprintf(R.ifs[R.nifs].name, RUMP_IFNAMSIZ, "%s", name);
	R.ifs[R.nifs++].index = info.index;
	return 0;
}

static int
options(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	long v;
	int c;

	R.interval = 600ull * 1000000000ull;
	R.lifetime = 1800;
	while ((c = getopt_long(argc, argv, "fhi:l:s", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': R.fg = true; break;
		case 's': R.no_rs = true; break;
		case 'i':
			if (parse_duration(optarg, 1800, &R.interval) != 0 ||
			    R.interval < 1000000000ull) {
				fprintf(stderr, PROG ": -i: a time from 1s to "
				    "1800s (got %s)\n", optarg);
				return -1;
			}
			break;
		case 'l':
			if (parse_long(optarg, 0, 9000, &v) != 0) {
				fprintf(stderr, PROG ": -l: seconds from 0 to "
				    "9000 (got %s)\n", optarg);
				return -1;
			}
			R.lifetime = (uint16_t)v;
			break;
		case 'h': usage(stdout); return 1;
		default: usage(stderr); return -1;
		}
	}
	if (optind == argc) {
		usage(stderr);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct sigaction sa;
	char e[256];
	int i, r;

	if (version_asked(argc, argv, PROG))
		return 0;
	if ((r = options(argc, argv)) != 0)
		return r > 0 ? 0 : 1;
	if (node_attach() != 0) {
		fprintf(stderr, PROG ": %s\n", rumpclient_lasterror());
		return 1;
	}
	for (i = optind; i < argc; i++)
		if (add_if(argv[i]) != 0)
			return 1;
	if ((R.s = rump_sys_socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6)) < 0 ||
	    (R.u = rump_sys_socket(AF_INET6, SOCK_DGRAM, 0)) < 0) {
		fprintf(stderr, PROG ": socket: %s\n", node_strerror(errno, e,
		    sizeof(e)));
		return 1;
	}
	for (i = 0; !R.no_rs && i < R.nifs; i++)
		join_routers(R.u, R.ifs[i].index);
	if (!R.fg && (r = node_detach(NULL)) != 0) {
		fprintf(stderr, PROG ": cannot detach: %s\n", strerror(-r));
		return 1;
	}
	R.seed = (uint32_t)getpid() ^ (uint32_t)now_ns();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	rumpclient_setflags(RUMPCLIENT_INTR);
	if ((r = run()) != 0) {
		fprintf(stderr, PROG ": the node went away (%s)\n",
		    strerror(-r));
		return 1;
	}
	node_logf(PROG, "stopped: hosts were told to drop this router");
	return 0;
}
