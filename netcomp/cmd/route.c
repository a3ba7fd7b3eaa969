/*
 * route.c — rump.route: a node's routing table with NetBSD route(8)'s
 * commands, modifiers and messages.
 *
 *   rump.route [-nqv] add [-net|-host] [-inet6] dest gateway [netmask]
 *   rump.route [-nqv] add ... -iface dest ifaddr|ifname
 *   rump.route [-nqv] add ... -blackhole|-reject dest [gateway]
 *   rump.route [-nqv] delete [-net|-host] [-inet6] dest [gateway]
 *   rump.route [-nqv] change ... (as add)
 *   rump.route [-nv] get [-inet6] dest
 *   rump.route [-n] show [-inet|-inet6]
 *   rump.route [-nq] flush [-inet|-inet6]
 *   rump.route [-n] monitor [-c count]
 *
 * A destination is "default", an address with or without "/len", or a
 * net written short as NetBSD allows ("10.0.2" with -net is 10.0.2/24).
 * Other modifiers: -netmask MASK, -prefixlen N, -ifp IFNAME, -ifa ADDR,
 * -mtu N, -connected and -cloning (C), -proxy (p), -link, -static
 * (always), -inet.
 * What is done is echoed as NetBSD's: "add net 10.0.1.0: gateway ...",
 * the destination as typed up to any /LEN.  monitor prints the node's
 * routing messages as NetBSD's route monitor does (print_rtmsg).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kernel/rumpclient.h"
#include "netcomp/cmd/inaddr.h"
#include "netcomp/cmd/node.h"
#include "netcomp/cmd/rtprint.h"
#include "version.h"

#define PROG "rump.route"

struct req {
	const char *verb;
	int family;             /* 0: from the addresses */
	int net, host, iface;
	uint32_t flags;
	int plen;               /* -1: not given */
	const char *dst, *gw, *mask, *ifp, *ifa;
	uint32_t mtu;
};

static int qflag;

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: " PROG " [-nqv] add|change [-net|-host] [-inet6] dest gateway [netmask]\n"
	    "       " PROG " [-nqv] add|change ... -iface dest ifaddr|ifname\n"
	    "       " PROG " [-nqv] add|change ... -blackhole|-reject dest [gateway]\n"
	    "       " PROG " [-nqv] delete [-net|-host] [-inet6] dest [gateway]\n"
	    "       " PROG " [-nv] get [-inet6] dest\n"
	    "       " PROG " [-n] show [-inet|-inet6]\n"
	    "       " PROG " [-nq] flush [-inet|-inet6]\n"
	    "       " PROG " [-n] monitor [-c count]\n"
	    "modifiers: -netmask mask, -prefixlen n, -ifp ifname, -ifa ifaddr,\n"
	    "           -mtu n, -connected, -cloning, -proxy, -link\n"
	    "The node is $RUMP_SERVER.\n");
}

static int
fail(const char *what, const char *detail, int err)
{
	char buf[256];

	if (err == ESRCH)
		snprintf(buf, sizeof(buf), "not in table");
	else
		node_strerror(-err, buf, sizeof(buf));
	fprintf(stderr, PROG ": %s%s%s: %s\n", what, detail[0] ? ": " : "",
	    detail, buf);
	return 1;
}

/* Parse the modifiers and positional arguments of add/delete/change. */
static int
parse_args(int argc, char **argv, struct req *q)
{
	const char *pos[3] = { NULL, NULL, NULL };
	long v;
	int i, np = 0;

	for (i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "-net") == 0)
			q->net = 1;
		else if (strcmp(a, "-host") == 0)
			q->host = 1;
		else if (strcmp(a, "-inet") == 0)
			q->family = AF_INET;
		else if (strcmp(a, "-inet6") == 0)
			q->family = AF_INET6;
		else if (strcmp(a, "-iface") == 0 ||
		    strcmp(a, "-interface") == 0)
			q->iface = 1;
		else if (strcmp(a, "-blackhole") == 0)
			q->flags |= RUMP_RTF_BLACKHOLE;
		else if (strcmp(a, "-reject") == 0)
			q->flags |= RUMP_RTF_REJECT;
		else if (strcmp(a, "-noreject") == 0)
			q->flags &= ~(uint32_t)RUMP_RTF_REJECT;
		else if (strcmp(a, "-noblackhole") == 0)
			q->flags &= ~(uint32_t)RUMP_RTF_BLACKHOLE;
		else if (strcmp(a, "-proxy") == 0)
			q->flags |= RUMP_RTF_ANNOUNCE;
		else if (strcmp(a, "-static") == 0 || strcmp(a, "-link") == 0)
			continue;       /* -link: the gateway names the link */
		else if (strcmp(a, "-connected") == 0 ||
		    strcmp(a, "-cloning") == 0)
			q->flags |= RUMP_RTF_CONNECTED;
		else if (i + 1 < argc && strcmp(a, "-netmask") == 0)
			q->mask = argv[++i];
		else if (i + 1 < argc && strcmp(a, "-prefixlen") == 0) {
			if (parse_long(argv[++i], 0, 128, &v) != 0) {
				fprintf(stderr, PROG ": bad prefix length '%s'\n",
				    argv[i]);
				return -1;
			}
			q->plen = (int)v;
		} else if (i + 1 < argc && strcmp(a, "-ifp") == 0)
			q->ifp = argv[++i];
		else if (i + 1 < argc && strcmp(a, "-ifa") == 0)
			q->ifa = argv[++i];
		else if (i + 1 < argc && strcmp(a, "-mtu") == 0) {
			if (parse_long(argv[++i], 68, 65535, &v) != 0) {
				fprintf(stderr, PROG ": bad mtu '%s'\n", argv[i]);
				return -1;
			}
			q->mtu = (uint32_t)v;
		} else if (a[0] == '-' && a[1] != '\0') {
			fprintf(stderr, PROG ": unknown modifier '%s'\n", a);
			return -1;
		} else if (np < 3)
			pos[np++] = a;
		else {
			fprintf(stderr, PROG ": too many arguments ('%s')\n", a);
			return -1;
		}
	}
	q->dst = pos[0];
	q->gw = pos[1];
	if (pos[2] != NULL)
		q->mask = pos[2];
	if (q->dst == NULL) {
		fprintf(stderr, PROG ": %s: a destination is needed\n", q->verb);
		return -1;
	}
	return 0;
}

/* NetBSD's natural mask for "-net 10.0.2.0": the class, widened to
 * cover every nonzero octet. */
static int
natural_plen(const uint8_t *a)
{
	int plen = a[0] < 128 ? 8 : a[0] < 192 ? 16 : 24, i;

	for (i = 3; i >= 0; i--)
		if (a[i] != 0) {
			if ((i + 1) * 8 > plen)
				plen = (i + 1) * 8;
			break;
		}
	return plen;
}

/* "10.0.2" -> 10.0.2.0 (NetBSD's short nets). */
static int
short_net(const char *s, uint8_t *a)
{
	unsigned o[4] = { 0, 0, 0, 0 };
	int n;
	char tail;

	n = sscanf(s, "%u.%u.%u%c", &o[0], &o[1], &o[2], &tail);
	if (n < 1 || n > 3 || o[0] > 255 || o[1] > 255 || o[2] > 255)
		return -EINVAL;
	if (strspn(s, "0123456789.") != strlen(s))
		return -EINVAL;
	a[0] = (uint8_t)o[0];
	a[1] = (uint8_t)o[1];
	a[2] = (uint8_t)o[2];
	a[3] = 0;
	return 0;
}

static int
parse_dst(struct req *q, struct rump_rtentry *rt)
{
	struct inaddr a;
	int plen;

	if (strcmp(q->dst, "default") == 0) {
		rt->family = (uint8_t)(q->family ? q->family : AF_INET);
		rt->plen = 0;
		return 0;
	}
	if (inaddr_parse(q->dst, q->family, &a) != 0) {
		if (q->family == AF_INET6 || short_net(q->dst, rt->dst) != 0) {
			fprintf(stderr, PROG ": bad destination '%s'\n", q->dst);
			return -1;
		}
		a.family = AF_INET;
		memcpy(a.addr, rt->dst, 4);
		a.plen = -1;
		q->net = 1;
	}
	rt->family = (uint8_t)a.family;
	memcpy(rt->dst, a.addr, 16);
	if (a.zone[0] != '\0')
		snprintf(rt->ifname, sizeof(rt->ifname), "%s", a.zone);
	/* -host makes a host route whatever the destination says: NetBSD's
	 * "-host 10.0.0.1/24" is the host 10.0.0.1. */
	plen = q->host ? -1 : a.plen;
	if (q->plen >= 0)
		plen = q->plen;
	if (q->mask != NULL && inaddr_netmask(q->mask, &plen) != 0) {
		fprintf(stderr, PROG ": bad netmask '%s'\n", q->mask);
		return -1;
	}
	if (plen < 0)
		plen = q->host || !q->net ? (a.family == AF_INET6 ? 128 : 32) :
		    a.family == AF_INET6 ? 64 : natural_plen(a.addr);
	if (plen > (a.family == AF_INET6 ? 128 : 32)) {
		fprintf(stderr, PROG ": bad prefix length %d\n", plen);
		return -1;
	}
	rt->plen = (uint8_t)plen;
	return 0;
}

static int
parse_gw(struct req *q, struct rump_rtentry *rt)
{
	struct inaddr a;

	if (q->ifp != NULL)
		snprintf(rt->ifname, sizeof(rt->ifname), "%s", q->ifp);
	if (q->ifa != NULL) {
		if (inaddr_parse(q->ifa, rt->family, &a) != 0 || a.plen >= 0) {
			fprintf(stderr, PROG ": bad -ifa address '%s'\n", q->ifa);
			return -1;
		}
		memcpy(rt->ifa, a.addr, 16);
	}
	if (q->gw == NULL)
		return 0;
	if (inaddr_parse(q->gw, rt->family, &a) != 0 || a.plen >= 0) {
		if (q->iface && strlen(q->gw) < RUMP_IFNAMSIZ &&
		    strspn(q->gw, "abcdefghijklmnopqrstuvwxyz0123456789") ==
		    strlen(q->gw)) {
			snprintf(rt->ifname, sizeof(rt->ifname), "%s", q->gw);
			return 0;
		}
		fprintf(stderr, PROG ": bad gateway '%s'\n", q->gw);
		return -1;
	}
	/* A blackhole or reject route keeps its gateway, loopback or not,
	 * and so its G, as NetBSD's does (netstat -rn: UGHBS, UGRS). */
	memcpy(rt->gateway, a.addr, 16);
	if (a.zone[0] != '\0')
		snprintf(rt->ifname, sizeof(rt->ifname), "%s", a.zone);
	if (!q->iface)
		rt->flags |= RUMP_RTF_GATEWAY;
	return 0;
}

static int
cmd_modify(int argc, char **argv, const char *verb)
{
	struct rump_rtentry rt;
	struct req q;
	char what[160], dst[96];
	int r;

	memset(&q, 0, sizeof(q));
	memset(&rt, 0, sizeof(rt));
	q.verb = verb;
	q.plen = -1;
	if (parse_args(argc, argv, &q) != 0)
		return 1;
	/* change may give flags alone: the route keeps its gateway. */
	if (strcmp(verb, "add") == 0 && q.gw == NULL && q.ifp == NULL &&
	    !(q.flags & (RUMP_RTF_BLACKHOLE | RUMP_RTF_REJECT))) {
		fprintf(stderr, PROG ": %s %s: a gateway is needed\n", verb,
		    q.dst);
		return 1;
	}
	rt.flags = q.flags;
	rt.mtu = q.mtu;
	if (parse_dst(&q, &rt) != 0 || parse_gw(&q, &rt) != 0)
		return 1;
	/* The destination as typed up to any /LEN, and host or net as the
	 * modifiers say, as NetBSD's route echoes them. */
	snprintf(dst, sizeof(dst), "%.*s", (int)strcspn(q.dst, "/"), q.dst);
	snprintf(what, sizeof(what), "%s %s %s", verb, q.host ? "host" :
	    q.net || rt.plen != (rt.family == AF_INET6 ? 128 : 32) ? "net" :
	    "host", dst);
	if (strcmp(verb, "add") == 0)
		r = rump_sys_route_add(&rt);
	else if (strcmp(verb, "change") == 0)
		r = rump_sys_route_change(&rt);
	else
		r = rump_sys_route_delete(&rt);
	if (r != 0) {
		char d[96];

		snprintf(d, sizeof(d), q.gw ? "gateway %s" : "", q.gw);
		return fail(what, d, errno);
	}
	if (!qflag) {
		if (q.gw != NULL)
			printf("%s: gateway %s\n", what, q.gw);
		else
			printf("%s\n", what);
	}
	return 0;
}

static void
print_mask(const struct rump_rtentry *rt)
{
	uint8_t m[16];
	char buf[INADDR_TEXTLEN];
	int i, len = rt->family == AF_INET6 ? 16 : 4, pl = rt->plen;

	if (pl == len * 8)
		return;
	if (pl == 0) {
		printf("       mask: default\n");
		return;
	}
	memset(m, 0, sizeof(m));
	for (i = 0; i < len; i++, pl -= 8)
		m[i] = pl >= 8 ? 0xff : pl > 0 ? (uint8_t)(0xff00 >> pl) : 0;
	printf("       mask: %s\n", inaddr_ntop(rt->family, m, buf,
	    sizeof(buf)));
}

static int
cmd_get(int argc, char **argv)
{
	struct rump_rtentry rt;
	struct inaddr a;
	char buf[160], dst[96];
	int family = 0, i;
	const char *arg = NULL;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "-inet6") == 0)
			family = AF_INET6;
		else if (strcmp(argv[i], "-inet") == 0)
			family = AF_INET;
		else if (strcmp(argv[i], "-host") == 0 ||
		    strcmp(argv[i], "-net") == 0)
			continue;
		else
			arg = argv[i];
	}
	memset(&rt, 0, sizeof(rt));
	memset(&a, 0, sizeof(a));
	if (arg == NULL) {
		fprintf(stderr, PROG ": get: a destination is needed\n");
		return 1;
	}
	if (strcmp(arg, "default") == 0) {
		rt.family = (uint8_t)(family ? family : AF_INET);
	} else if (inaddr_parse(arg, family, &a) != 0) {
		fprintf(stderr, PROG ": bad destination '%s'\n", arg);
		return 1;
	} else {
		rt.family = (uint8_t)a.family;
		memcpy(rt.dst, a.addr, 16);
		/* A link-local destination's zone: without one, NetBSD
		 * finds none of the interfaces' fe80::/64 routes. */
		snprintf(rt.ifname, sizeof(rt.ifname), "%s", a.zone);
	}
	if (rump_sys_route_get(&rt) != 0)
		return fail("get", arg, errno == EHOSTUNREACH ? ESRCH : errno);
	printf("   route to: %s%s%s\n", strcmp(arg, "default") == 0 ?
	    "default" : inaddr_ntop(rt.family, rt.dst, buf, sizeof(buf)),
	    a.zone[0] != '\0' ? "%" : "", a.zone);
	rtprint_dst(&rt, dst, sizeof(dst));
	if (rt.plen != 0) {
		uint8_t net[16];
		int k, pl = rt.plen;

		memcpy(net, rt.dst, 16);
		for (k = 0; k < 16; k++, pl -= 8)
			net[k] &= pl >= 8 ? 0xff : pl > 0 ?
			    (uint8_t)(0xff00 >> pl) : 0;
		inaddr_ntop(rt.family, net, dst, sizeof(dst));
	}
	if (rt.plen == 0 && rt.family == AF_INET6)
		snprintf(dst, sizeof(dst), "::");
	/* NetBSD's order; a gateway only when there is one. */
	printf("destination: %s\n", dst);
	print_mask(&rt);
	if (rt.flags & RUMP_RTF_GATEWAY)
		printf("    gateway: %s\n", inaddr_ntop(rt.family, rt.gateway,
		    buf, sizeof(buf)));
	if (!(rt.flags & (RUMP_RTF_BLACKHOLE | RUMP_RTF_REJECT)))
		printf(" local addr: %s\n", inaddr_ntop(rt.family, rt.ifa, buf,
		    sizeof(buf)));
	printf("  interface: %s\n", rt.flags & RUMP_RTF_LOCAL ? "lo0" :
	    rt.ifname);
	rtprint_flagnames(rt.flags, buf, sizeof(buf));
	printf("      flags: 0x%x%s\n", rt.flags, buf);
	printf(" recvpipe  sendpipe  ssthresh  rtt,msec    rttvar  hopcount"
	    "      mtu     expire\n");
	printf("%9u %9u %9u %9u %9u %9u %9u %9u\n", 0, 0, 0, 0, 0, 0, rt.mtu,
	    0);
	return 0;
}

static int
family_arg(int argc, char **argv, int *family)
{
	int i;

	*family = 0;
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "-inet") == 0)
			*family = AF_INET;
		else if (strcmp(argv[i], "-inet6") == 0)
			*family = AF_INET6;
		else {
			fprintf(stderr, PROG ": unknown argument '%s'\n",
			    argv[i]);
			return -1;
		}
	}
	return 0;
}

static int
cmd_show(int argc, char **argv)
{
	struct rump_rtentry *rts;
	int family, n, error;

	if (family_arg(argc, argv, &family) != 0)
		return 1;
	if ((error = rtprint_fetch(family, &rts, &n)) != 0)
		return fail("show", "", -error);
	rtprint_table(stdout, family, rts, n);
	free(rts);
	return 0;
}

/* A neighbour-cache entry (netstat's UHL line) of the table: deleted as
 * arp -d / ndp -d would; one already gone is no error. */
static void
flush_neigh(const struct rump_rtentry *rt)
{
	struct rump_neigh nb;
	char dst[96];

	memset(&nb, 0, sizeof(nb));
	nb.family = (uint8_t)rt->family;
	memcpy(nb.addr, rt->dst, rt->family == AF_INET ? 4 : 16);
	memcpy(nb.ifname, rt->ifname, sizeof(nb.ifname));
	if (rump_sys_neigh_delete(&nb) != 0 || qflag)
		return;
	rtprint_dst(rt, dst, sizeof(dst));
	printf("%-20.20s %02x:%02x:%02x:%02x:%02x:%02x    done\n", dst,
	    rt->gateway[0], rt->gateway[1], rt->gateway[2], rt->gateway[3],
	    rt->gateway[4], rt->gateway[5]);
}

static int
cmd_flush(int argc, char **argv)
{
	struct rump_rtentry *rts;
	char dst[96], gw[64];
	int family, n, i, error;

	if (family_arg(argc, argv, &family) != 0)
		return 1;
	if ((error = rtprint_fetch(family, &rts, &n)) != 0)
		return fail("flush", "", -error);
	for (i = 0; i < n; i++) {
		/* NetBSD's flushroutes: every GATEWAY, STATIC or LLINFO
		 * entry, so the neighbour cache goes with the routes. */
		if (rts[i].flags & RUMP_RTF_LLINFO) {
			flush_neigh(&rts[i]);
			continue;
		}
		if (!(rts[i].flags & RUMP_RTF_STATIC))
			continue;
		if (rump_sys_route_delete(&rts[i]) != 0) {
			rtprint_dst(&rts[i], dst, sizeof(dst));
			free(rts);
			return fail("flush", dst, errno);
		}
		if (qflag)
			continue;
		rtprint_dst(&rts[i], dst, sizeof(dst));
		if (rts[i].flags & RUMP_RTF_GATEWAY)
			inaddr_ntop(rts[i].family, rts[i].gateway, gw,
			    sizeof(gw));
		else
			snprintf(gw, sizeof(gw), "%s", rts[i].ifname);
		printf("%-20.20s %-20.20s done\n", dst, gw);
	}
	free(rts);
	return 0;
}

/*
 * NetBSD's bprintf: the names of the bits set in b, "<UP,HOST>", from a
 * table of (bit, name) pairs; "none" for no bit.
 */
struct bitname {
	uint32_t bit;
	const char *name;
};

static void
print_bits(uint32_t b, const struct bitname *t)
{
	const char *sep = "<";

	if (b == 0) {
		fputs("none", stdout);
		return;
	}
	for (; t->name != NULL; t++)
		if (b & t->bit) {
			printf("%s%s", sep, t->name);
			sep = ",";
		}
	if (*sep == ',')
		putchar('>');
}

static const struct bitname rtflags[] = {
	{ RUMP_RTF_UP, "UP" }, { RUMP_RTF_GATEWAY, "GATEWAY" },
	{ RUMP_RTF_HOST, "HOST" }, { RUMP_RTF_REJECT, "REJECT" },
	{ RUMP_RTF_DONE, "DONE" }, { RUMP_RTF_CONNECTED, "CONNECTED" },
	{ RUMP_RTF_LLINFO, "LLINFO" }, { RUMP_RTF_STATIC, "STATIC" },
	{ RUMP_RTF_BLACKHOLE, "BLACKHOLE" }, { RUMP_RTF_CLONED, "CLONED" },
	{ RUMP_RTF_PROTO2, "PROTO2" }, { RUMP_RTF_LOCAL, "LOCAL" },
	{ 0, NULL }
};

static const struct bitname rtaddrs[] = {
	{ RUMP_RTA_DST, "DST" }, { RUMP_RTA_GATEWAY, "GATEWAY" },
	{ RUMP_RTA_NETMASK, "NETMASK" }, { 0, NULL }
};

static const char *const rtmtypes[] = {
	[RUMP_RTM_ADD] = "RTM_ADD: Add Route",
	[RUMP_RTM_DELETE] = "RTM_DELETE: Delete Route",
	[RUMP_RTM_CHANGE] = "RTM_CHANGE: Change Metrics, Flags or Gateway",
};

/* An interface's "link#N" number: its place in the node's list, as
 * rump.netstat -r numbers it (0: gone). */
static int
link_index(const char *ifname)
{
	char names[64][RUMP_IFNAMSIZ];
	int i, n = rump_sys_iflist(names, 64);

	for (i = 0; i < n && i < 64; i++)
		if (strcmp(names[i], ifname) == 0)
			return i + 1;
	return 0;
}

/* One message as NetBSD's print_rtmsg() and pmsg_common() print it; its
 * size is its size on the wire. */
static void
print_rtmsg(const struct rump_rtmsg *m)
{
	char buf[INADDR_TEXTLEN];
	uint8_t mask[16];
	time_t now = time(NULL);
	const uint8_t *g = m->gateway;
	int i, pl;

	printf("got message of size %d on %s", RUMP_RTMSG_WIRELEN,
	    ctime(&now));
	if (m->type < sizeof(rtmtypes) / sizeof(rtmtypes[0]) &&
	    rtmtypes[m->type] != NULL)
		printf("%s: ", rtmtypes[m->type]);
	else
		printf("#%d: ", m->type);
	printf("len %d, pid %u, seq %u, errno 0, flags: ", RUMP_RTMSG_WIRELEN,
	    m->pid, m->reqid);
	print_bits(m->flags, rtflags);
	printf("\nlocks: none inits: none\nsockaddrs: ");
	print_bits(m->addrs, rtaddrs);
	putchar('\n');
	if (m->addrs & RUMP_RTA_DST)
		printf(" %s", m->family == AF_INET && m->dst[0] == 0 &&
		    m->dst[1] == 0 && m->dst[2] == 0 && m->dst[3] == 0 ?
		    "default" : inaddr_ntop(m->family, m->dst, buf,
		    sizeof(buf)));
	if ((m->addrs & RUMP_RTA_GATEWAY) && m->gwfamily == RUMP_GW_LINK &&
	    m->alen == 0)
		printf(" link#%d", link_index(m->ifname));
	else if ((m->addrs & RUMP_RTA_GATEWAY) && m->gwfamily == RUMP_GW_LINK)
		printf(" %02x:%02x:%02x:%02x:%02x:%02x", g[0], g[1], g[2],
		    g[3], g[4], g[5]);
	else if (m->addrs & RUMP_RTA_GATEWAY)
		printf(" %s", inaddr_ntop(m->gwfamily, g, buf, sizeof(buf)));
	/* NetBSD's empty mask (a default route's) prints as "default". */
	if ((m->addrs & RUMP_RTA_NETMASK) && m->plen == 0)
		printf(" default");
	else if (m->addrs & RUMP_RTA_NETMASK) {
		memset(mask, 0, sizeof(mask));
		for (i = 0, pl = m->plen; pl > 0; i++, pl -= 8)
			mask[i] = pl >= 8 ? 0xff : (uint8_t)(0xff00 >> pl);
		printf(" %s", inaddr_ntop(m->family, mask, buf, sizeof(buf)));
	}
	putchar('\n');
	fflush(stdout);
}

/* NetBSD's route monitor [-c count]: every routing message of the node
 * as it comes (count 0: until killed). */
static int
cmd_monitor(int argc, char **argv)
{
	struct rump_rtmsg m[16];
	uint32_t next = 0, lost;
	long count = 0, seen = 0;
	char *end;
	int n, i;

	if (argc == 2 && strcmp(argv[0], "-c") == 0) {
		count = strtol(argv[1], &end, 10);
		if (*end != '\0' || count < 0) {
			fprintf(stderr, PROG ": monitor: bad count '%s'\n",
			    argv[1]);
			return 1;
		}
	} else if (argc != 0) {
		usage(stderr);
		return 1;
	}
	while (count == 0 || seen < count) {
		if ((n = rump_sys_rtmsg_read(&next, m, count == 0 ? 16 :
		    (int)(count - seen < 16 ? count - seen : 16), &lost)) < 0)
			return fail("monitor", "", errno);
		if (lost > 0)
			fprintf(stderr, PROG ": monitor: %u messages lost (the "
			    "node keeps the last 256)\n", lost);
		for (i = 0; i < n; i++)
			print_rtmsg(&m[i]);
		seen += n;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	const char *verb;
	int i;

	if (version_asked(argc, argv, PROG))
		return 0;
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *o = argv[i];

		if (strcmp(o, "--help") == 0 || strcmp(o, "-h") == 0) {
			usage(stdout);
			return 0;
		}
		for (o++; *o != '\0'; o++) {
			if (*o == 'q')
				qflag = 1;
			else if (*o != 'n' && *o != 'v' && *o != 'f' &&
			    *o != 's') {
				fprintf(stderr, PROG ": unknown option '-%c'\n",
				    *o);
				usage(stderr);
				return 1;
			}
		}
	}
	if (i == argc) {
		usage(stderr);
		return 1;
	}
	verb = argv[i++];
	if (strcmp(verb, "add") != 0 && strcmp(verb, "delete") != 0 &&
	    strcmp(verb, "change") != 0 && strcmp(verb, "get") != 0 &&
	    strcmp(verb, "show") != 0 && strcmp(verb, "flush") != 0 &&
	    strcmp(verb, "monitor") != 0) {
		fprintf(stderr, PROG ": unknown command '%s'\n", verb);
		usage(stderr);
		return 1;
	}
	if (node_attach() != 0) {
		fprintf(stderr, PROG ": %s\n", rumpclient_lasterror());
		return 1;
	}
	argc -= i;
	argv += i;
	if (strcmp(verb, "get") == 0)
		return cmd_get(argc, argv);
	if (strcmp(verb, "show") == 0)
		return cmd_show(argc, argv);
	if (strcmp(verb, "flush") == 0)
		return cmd_flush(argc, argv);
	if (strcmp(verb, "monitor") == 0)
		return cmd_monitor(argc, argv);
	return cmd_modify(argc, argv, verb);
}
