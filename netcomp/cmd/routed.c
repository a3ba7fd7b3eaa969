/*
 * routed.c — rump.routed: a RIP version 2 speaker for the node at
 * $RUMP_SERVER, as NetBSD's routed(8) is for a NetBSD host.
 *
 *   rump.routed [-dqs] [-P parms] [-T tracefile]
 *   rump.routed -l [router]
 *
 * It is a client of the node like every rump.* command: one UDP socket in
 * the node bound to port 520, joined to 224.0.0.9 on every IPv4 subnet of
 * the node's interfaces, and the node's routing table changed through
 * rump_sys_route_*() (routes marked RUMP_RTF_PROTO2, so that rump.netstat
 * shows them apart from static ones, and so that a daemon that starts
 * again can take back what one before it left).  The protocol is
 * routed_rip.c's; this file is the node's side and the event loop: one
 * thread waits in the node (rump_sys_poll) until a message comes or the
 * next timer is due.  The node says nothing when a link goes down, so the
 * interfaces are read again every scan interval (the update interval, at
 * most 5 s).
 *
 * Without -d it detaches once its socket is bound: its descriptors pass
 * to the child through rumpclient_prefork(), so every error a user can
 * fix is reported before the command returns.  SIGTERM, SIGINT and
 * SIGHUP make it withdraw: a last update says every route is unreachable
 * and its routes leave the node's table.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kernel/rumpclient.h"
#include "netcomp/cmd/node.h"
#include "netcomp/cmd/routed.h"
#include "version.h"

#define PROG		"rump.routed"
#define SCAN_MAX	(5 * NS_PER_S)

int	routed_show(int argc, char **argv);	/* routed_show.c */

struct daemon {
	struct rip	 rip;
	int		 s;		/* the node's UDP socket */
	bool		 quiet;		/* -q */
	uint32_t	 joined[RIP_MAXIFS];	/* addresses in the group */
	int		 njoined;
	uint64_t	 scan;		/* interval */
};

static volatile sig_atomic_t stop;

static void
usage(FILE *f)
{
	fprintf(f, "usage: " PROG " [-dqs] [-P parms] [-T tracefile]\n"
	    "       " PROG " -l [router]\n"
	    "Speaks RIP version 2 for the node at $RUMP_SERVER.  parms: a "
	    "comma-separated list of\nupdate=TIME timeout=TIME garbage=TIME "
	    "(defaults 30s, 180s, 120s) and\nsplit=poison|simple|none.  -d "
	    "stays in the foreground, -q only listens, -s\nsupplies updates "
	    "even when the node does not forward, -T appends the log of a\n"
	    "detached daemon to tracefile.  -l prints the table of the "
	    "rump.routed running on\nthe node, with its timers, or the routes "
	    "a RIP router answers a request with.\n");
}

/* --- logging -------------------------------------------------------------- */

static void
logline(void *arg, const char *line)
{
	(void)arg;
	node_logf(PROG, "%s", line);
}

/* --- the node's routing table -------------------------------------------- */

static void
to_rt(const struct rip_route *r, const char *ifname, struct rump_rtentry *rt)
{
	uint32_t d = htonl(r->dst), g = htonl(r->gw);

	memset(rt, 0, sizeof(*rt));
	rt->family = AF_INET;
	rt->plen = r->plen;
	rt->flags = RUMP_RTF_GATEWAY | RUMP_RTF_PROTO2;
	memcpy(rt->dst, &d, 4);
	memcpy(rt->gateway, &g, 4);
	snprintf(rt->ifname, sizeof(rt->ifname), "%s", ifname);
}

static int
rt_install(void *arg, const struct rip_route *r, bool replace)
{
	struct daemon *d = arg;
	struct rump_rtentry rt;

	to_rt(r, d->rip.ifs[r->ifi].name, &rt);
	if (replace && rump_sys_route_change(&rt) == 0)
		return 0;
	if (rump_sys_route_add(&rt) == 0)
		return 0;
	return -errno;
}

static int
rt_remove(void *arg, const struct rip_route *r)
{
	struct rump_rtentry rt;

	(void)arg;
	to_rt(r, "", &rt);
	return rump_sys_route_delete(&rt) == 0 ? 0 : -errno;
}

static const struct rip_ops ops = { rt_install, rt_remove, logline };

/* Routes a rump.routed before us left in the node are ours to take. */
static void
take_back(void)
{
	struct rump_rtentry *rt;
	int i, n;

	if ((n = rump_sys_route_list(AF_INET, NULL, 0)) <= 0 ||
	    (rt = calloc((size_t)n, sizeof(*rt))) == NULL)
		return;
	n = rump_sys_route_list(AF_INET, rt, n);
	for (i = 0; i < n; i++)
		if (rt[i].flags & RUMP_RTF_PROTO2)
			(void)rump_sys_route_delete(&rt[i]);
	free(rt);
}

/* --- interfaces ----------------------------------------------------------- */

static uint32_t
mask_of(int plen)
{
	return plen == 0 ? 0 : 0xffffffffu << (32 - plen);
}

/* The node's IPv4 subnets, loopback aside, into ifs; their count. */
static int
read_ifs(struct rip_if *ifs, int max)
{
	char (*names)[RUMP_IFNAMSIZ];
	struct rump_ifinfo ifi;
	uint32_t a;
	int i, k, n, cnt = 0;

	if ((n = rump_sys_iflist(NULL, 0)) < 0 ||
	    (names = calloc((size_t)n + 1, RUMP_IFNAMSIZ)) == NULL)
		return -1;
	n = rump_sys_iflist(names, n);
	for (i = 0; i < n; i++) {
		if (rump_sys_ifget(names[i], &ifi) != 0 ||
		    (ifi.flags & RUMP_IFF_LOOPBACK))
			continue;
		for (k = 0; k < (int)ifi.naddrs && k < RUMP_MAXADDRS &&
		    cnt < max; k++) {
			if (ifi.addrs[k].family != AF_INET ||
			    ifi.addrs[k].plen > 30)
				continue;
			memcpy(&a, ifi.addrs[k].addr, 4);
			snprintf(ifs[cnt].name, sizeof(ifs[cnt].name), "%s",
			    names[i]);
			ifs[cnt].addr = ntohl(a);
			ifs[cnt].plen = ifi.addrs[k].plen;
			ifs[cnt].mask = mask_of(ifi.addrs[k].plen);
			ifs[cnt].up = (ifi.flags & RUMP_IFF_UP) && ifi.link_up;
			cnt++;
		}
	}
	free(names);
	return cnt;
}

static void
membership(struct daemon *d, uint32_t addr, int opt)
{
	struct ip_mreq mr;

	mr.imr_multiaddr.s_addr = htonl(RIP_GROUP);
	mr.imr_interface.s_addr = htonl(addr);
	(void)rump_sys_setsockopt(d->s, IPPROTO_IP, opt, &mr, sizeof(mr));
}

/* Every subnet that is up is in the group, and only those. */
static void
join_groups(struct daemon *d)
{
	uint32_t want[RIP_MAXIFS];
	int i, k, n = 0;

	for (i = 0; i < d->rip.nifs; i++)
		if (d->rip.ifs[i].up)
			want[n++] = d->rip.ifs[i].addr;
	for (i = 0; i < d->njoined; i++) {
		for (k = 0; k < n && want[k] != d->joined[i]; k++)
			;
		if (k == n)
			membership(d, d->joined[i], IP_DROP_MEMBERSHIP);
	}
	for (k = 0; k < n; k++) {
		for (i = 0; i < d->njoined && d->joined[i] != want[k]; i++)
			;
		if (i == d->njoined)
			membership(d, want[k], IP_ADD_MEMBERSHIP);
	}
	memcpy(d->joined, want, sizeof(want[0]) * (size_t)n);
	d->njoined = n;
}

static int
scan(struct daemon *d, uint64_t now)
{
	struct rip_if ifs[RIP_MAXIFS];
	int n;

	if ((n = read_ifs(ifs, RIP_MAXIFS)) < 0)
		return -errno;
	rip_set_ifs(&d->rip, ifs, n, now);
	join_groups(d);
	return 0;
}

/* --- sending -------------------------------------------------------------- */

struct dest {
	struct daemon	*d;
	uint32_t	 addr;
	uint16_t	 port;
};

static void
emit(void *arg, const uint8_t *pkt, size_t len)
{
	struct dest *t = arg;
	struct sockaddr_in sa;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons(t->port);
	sa.sin_addr.s_addr = htonl(t->addr);
	(void)rump_sys_sendto(t->d->s, pkt, len, 0, (struct sockaddr *)&sa,
	    sizeof(sa));
}

/* An update on every interface that is up, to the group. */
static void
send_updates(struct daemon *d, bool changed_only)
{
	struct dest t = { d, RIP_GROUP, RIP_PORT };
	struct in_addr ifa;
	int i;

	for (i = 0; i < d->rip.nifs; i++) {
		if (!d->rip.ifs[i].up)
			continue;
		ifa.s_addr = htonl(d->rip.ifs[i].addr);
		if (rump_sys_setsockopt(d->s, IPPROTO_IP, IP_MULTICAST_IF, &ifa,
		    sizeof(ifa)) != 0)
			continue;
		(void)rip_update(&d->rip, i, changed_only, emit, &t);
	}
}

/* At start: a request for every neighbour's whole table (RFC 2453
 * 3.9.1), so that the table fills without waiting for their updates. */
static void
ask_neighbours(struct daemon *d)
{
	static const uint8_t req[RIP_HDRLEN + RIP_ENTLEN] = {
	    RIP_CMD_REQUEST, 2, 0, 0, [RIP_HDRLEN + 19] = RIP_INFINITY };
	struct dest t = { d, RIP_GROUP, RIP_PORT };
	struct in_addr ifa;
	int i;

	for (i = 0; i < d->rip.nifs; i++) {
		if (!d->rip.ifs[i].up)
			continue;
		ifa.s_addr = htonl(d->rip.ifs[i].addr);
		if (rump_sys_setsockopt(d->s, IPPROTO_IP, IP_MULTICAST_IF, &ifa,
		    sizeof(ifa)) == 0)
			emit(&t, req, sizeof(req));
	}
}

/* --- receiving ------------------------------------------------------------ */

/* Every message waiting; -errno when the node went away. */
static int
receive(struct daemon *d)
{
	uint8_t buf[2048];
	struct sockaddr_in from;
	socklen_t fl;
	struct dest t = { d, 0, 0 };
	ssize_t n;

	for (;;) {
		fl = sizeof(from);
		n = rump_sys_recvfrom(d->s, buf, sizeof(buf), MSG_DONTWAIT,
		    (struct sockaddr *)&from, &fl);
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == EINTR ? 0 : -errno;
		if (fl < sizeof(from) || from.sin_family != AF_INET)
			continue;
		t.addr = ntohl(from.sin_addr.s_addr);
		t.port = ntohs(from.sin_port);
		(void)rip_input(&d->rip, t.addr, t.port, buf, (size_t)n,
		    now_ns(), emit, &t);
	}
}

/* --- the loop ------------------------------------------------------------- */

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int
run(struct daemon *d)
{
	struct pollfd p;
	uint64_t now, next, next_scan = 0;
	int due, r, ms;
	bool asked = false;

	while (!stop) {
		now = now_ns();
		if (now >= next_scan) {
			if ((r = scan(d, now)) != 0)
				return r;
			next_scan = now + d->scan;
		}
		if (!asked) {
			ask_neighbours(d);
			asked = true;
		}
		next = rip_tick(&d->rip, now);
		if ((due = rip_update_due(&d->rip, now)) != 0) {
			if (!d->quiet)
				send_updates(d, due == 2);
			rip_update_done(&d->rip, due == 1, now);
			next = rip_tick(&d->rip, now);
		}
		if (next_scan < next)
			next = next_scan;
		ms = next > now ? (int)((next - now + 999999) / 1000000) : 0;
		p.fd = d->s;
		p.events = POLLIN;
		p.revents = 0;
		if ((r = rump_sys_poll(&p, 1, ms)) < 0 && errno != EINTR)
			return -errno;
		if (r > 0 && (r = receive(d)) != 0)
			return r;
	}
	return 0;
}

/* The last word: every route unreachable, and out of the node's table. */
static void
withdraw(struct daemon *d)
{
	uint64_t now = now_ns();

	rip_poison_all(&d->rip, now);
	if (!d->quiet)
		send_updates(d, false);
	logline(NULL, "withdrew its routes and stops");
}

/* --- set-up --------------------------------------------------------------- */

static int
parse_parms(const char *s, struct rip_timers *t, enum rip_split *split,
    char *why, size_t whylen)
{
	char buf[256], *save, *item, *eq;
	uint64_t v;

	snprintf(buf, sizeof(buf), "%s", s);
	for (item = strtok_r(buf, ",", &save); item != NULL;
	    item = strtok_r(NULL, ",", &save)) {
		if ((eq = strchr(item, '=')) == NULL) {
			snprintf(why, whylen, "'%s' is not NAME=VALUE", item);
			return -EINVAL;
		}
		*eq++ = '\0';
		if (strcmp(item, "split") == 0) {
			if (strcmp(eq, "poison") == 0)
				*split = RIP_SPLIT_POISON;
			else if (strcmp(eq, "simple") == 0)
				*split = RIP_SPLIT_SIMPLE;
			else if (strcmp(eq, "none") == 0)
				*split = RIP_SPLIT_NONE;
			else {
				snprintf(why, whylen, "split=%s: poison, simple "
				    "or none", eq);
				return -EINVAL;
			}
			continue;
		}
		if (parse_duration(eq, 3600, &v) != 0 || v < NS_PER_S / 10) {
			snprintf(why, whylen, "%s=%s: a time from 0.1s to 3600s, "
			    "like 30s or 500ms", item, eq);
			return -EINVAL;
		}
		if (strcmp(item, "update") == 0)
			t->update = v;
		else if (strcmp(item, "timeout") == 0)
			t->timeout = v;
		else if (strcmp(item, "garbage") == 0)
			t->garbage = v;
		else {
			snprintf(why, whylen, "unknown parameter '%s' (update, "
			    "timeout, garbage, split)", item);
			return -EINVAL;
		}
	}
	if (t->timeout <= t->update) {
		snprintf(why, whylen, "timeout (%gs) must be longer than the "
		    "update interval (%gs)", (double)t->timeout / NS_PER_S,
		    (double)t->update / NS_PER_S);
		return -EINVAL;
	}
	return 0;
}

static int
open_socket(struct daemon *d, char *why, size_t whylen)
{
	struct sockaddr_in sa;
	unsigned char ttl = 1;
	char e[256];

	if ((d->s = rump_sys_socket(AF_INET, SOCK_DGRAM, 0)) < 0) {
		snprintf(why, whylen, "socket: %s", node_strerror(errno, e,
		    sizeof(e)));
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons(RIP_PORT);
	if (rump_sys_bind(d->s, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		snprintf(why, whylen, "port %d: %s%s", RIP_PORT,
		    node_strerror(errno, e, sizeof(e)), errno == EADDRINUSE ?
		    " (a RIP speaker already runs on this node: `" PROG
		    " -l` shows it)" : "");
		return -1;
	}
	(void)rump_sys_setsockopt(d->s, IPPROTO_IP, IP_MULTICAST_TTL, &ttl,
	    sizeof(ttl));
	return 0;
}

/* Supply updates unless told: when the node forwards, as routed does. */
static bool
forwarding(void)
{
	char v[16];

	return rump_sys_sysctl_get("net.inet.ip.forwarding", v,
	    sizeof(v)) == 0 && strcmp(v, "1") == 0;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct rip_timers t = { 30 * NS_PER_S, 180 * NS_PER_S,
	    120 * NS_PER_S };
	enum rip_split split = RIP_SPLIT_POISON;
	struct daemon d;
	struct sigaction sa;
	const char *trace = NULL;
	char why[256];
	int c, fg = 0, force = 0, r;

	if (version_asked(argc, argv, PROG))
		return 0;
	for (c = 1; c < argc; c++)
		if (strcmp(argv[c], "-l") == 0)
			return routed_show(argc, argv);
	memset(&d, 0, sizeof(d));
	while ((c = getopt_long(argc, argv, "dhqsP:T:", longopts, NULL)) !=
	    -1) {
		switch (c) {
		case 'd': fg = 1; break;
		case 'T': trace = optarg; break;
		case 'q': d.quiet = true; break;
		case 's': force = 1; break;
		case 'P':
			if (parse_parms(optarg, &t, &split, why,
			    sizeof(why)) != 0) {
				fprintf(stderr, PROG ": -P: %s\n", why);
				return 1;
			}
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 1;
		}
	}
	if (optind != argc || (d.quiet && force)) {
		usage(stderr);
		return 1;
	}
	if (node_attach() != 0) {
		fprintf(stderr, PROG ": %s\n", rumpclient_lasterror());
		return 1;
	}
	if (open_socket(&d, why, sizeof(why)) != 0) {
		fprintf(stderr, PROG ": %s\n", why);
		return 1;
	}
	if (!force && !d.quiet && !forwarding()) {
		d.quiet = true;
		logline(NULL, "the node does not forward: listening only "
		    "(-s supplies updates)");
	}
	d.scan = t.update < SCAN_MAX ? t.update : SCAN_MAX;
	if (!fg && (r = node_detach(trace)) != 0) {
		fprintf(stderr, PROG ": cannot detach: %s\n", strerror(-r));
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	rumpclient_setflags(RUMPCLIENT_INTR);
	take_back();
	rip_init(&d.rip, &t, split, &ops, &d, (uint32_t)getpid() ^
	    (uint32_t)now_ns(), now_ns());
	d.rip.quiet = d.quiet;
	if ((r = run(&d)) != 0) {
		fprintf(stderr, PROG ": the node went away (%s)\n",
		    strerror(-r));
		rip_fini(&d.rip);
		return 1;
	}
	withdraw(&d);
	rip_fini(&d.rip);
	return 0;
}
