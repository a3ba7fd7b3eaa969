/*
 * netstat.c — rump.netstat: a node's routing tables, interfaces, sockets
 * and protocol counters in NetBSD netstat(1)'s formats.
 *
 *   rump.netstat -r [-n] [-f inet|inet6] [--json]  Routing tables
 *   rump.netstat -i [-n]                   interfaces and their counters
 *   rump.netstat -s [--json]               protocol counters
 *   rump.netstat [-a] [-n] [-f ...]        sockets
 *
 * Addresses are always numeric (-n is accepted and implied).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "json/json.h"
#include "kernel/rumpclient.h"
#include "netcomp/cmd/inaddr.h"
#include "netcomp/cmd/node.h"
#include "netcomp/cmd/rtprint.h"
#include "version.h"

#define PROG "rump.netstat"
#define OPT_JSON 256	/* --json, a long option only */

static int jflag;	/* --json */

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: " PROG " -r [-n] [-f inet|inet6] [--json]\n"
	    "       " PROG " -i [-n]\n"
	    "       " PROG " -s [--json]\n"
	    "       " PROG " [-an] [-f inet|inet6]\n"
	    "The node is $RUMP_SERVER.\n");
}

static int
fail(const char *what, int err)
{
	char buf[256];

	fprintf(stderr, PROG ": %s: %s\n", what,
	    node_strerror(-err, buf, sizeof(buf)));
	return 1;
}

static int
show_routes(int family)
{
	struct rump_rtentry *rts;
	int n, error;

	if ((error = rtprint_fetch(family, &rts, &n)) != 0)
		return fail("routes", -error);
	if (jflag)
		error = rtprint_json(stdout, family, rts, n);
	else
		rtprint_table(stdout, family, rts, n);
	free(rts);
	return error != 0 ? fail("stdout", -error) : 0;
}

static void
if_line(const struct rump_ifinfo *ifi, const char *net, const char *addr)
{
	printf("%-7s %-5u %-13s %-17s %8llu %5llu %8llu %5llu %5llu\n",
	    ifi->name, ifi->mtu, net, addr,
	    (unsigned long long)ifi->ipackets,
	    (unsigned long long)ifi->ierrors,
	    (unsigned long long)ifi->opackets,
	    (unsigned long long)ifi->oerrors,
	    (unsigned long long)ifi->collisions);
}

static int
show_ifs(void)
{
	char names[64][RUMP_IFNAMSIZ], mac[24], net[64], addr[64];
	struct rump_ifinfo ifi;
	struct rump_rtentry rt;
	int n, i;
	uint32_t k;

	if ((n = rump_sys_iflist(names, 64)) < 0)
		return fail("interfaces", errno);
	printf("%-7s %-5s %-13s %-17s %8s %5s %8s %5s %5s\n", "Name", "Mtu",
	    "Network", "Address", "Ipkts", "Ierrs", "Opkts", "Oerrs", "Colls");
	for (i = 0; i < n && i < 64; i++) {
		if (rump_sys_ifget(names[i], &ifi) != 0)
			continue;
		if (ifi.flags & RUMP_IFF_LOOPBACK)
			mac[0] = '\0';
		else
			snprintf(mac, sizeof(mac),
			    "%02x:%02x:%02x:%02x:%02x:%02x", ifi.mac[0],
			    ifi.mac[1], ifi.mac[2], ifi.mac[3], ifi.mac[4],
			    ifi.mac[5]);
		if_line(&ifi, "<Link>", mac);
		for (k = 0; k < ifi.naddrs; k++) {
			const struct rump_ifaddr *a = &ifi.addrs[k];

			memset(&rt, 0, sizeof(rt));
			rt.family = a->family;
			rt.plen = a->plen;
			memcpy(rt.dst, a->addr, 16);
			for (int b = a->plen; b < 128; b++)
				rt.dst[b / 8] &= (uint8_t)~(0x80 >> (b % 8));
			snprintf(rt.ifname, sizeof(rt.ifname), "%s", ifi.name);
			rtprint_dst(&rt, net, sizeof(net));
			inaddr_ntop(a->family, a->addr, addr, sizeof(addr));
			if_line(&ifi, net, addr);
		}
	}
	return 0;
}

static const struct {
	const char *name, *text;
} statnames[] = {
	{ "ip.forwarded",    "packets forwarded" },
	{ "ip.noroute",      "packets not forwardable (no route)" },
	{ "ip.rejected",     "packets dropped by reject routes" },
	{ "ip.blackholed",   "packets dropped by blackhole routes" },
	{ "ip.ttlexceeded",  "packets whose TTL ran out here" },
	{ "ip.fragmented",   "output datagrams fragmented" },
	{ "ip.cantfrag",     "datagrams that can't be fragmented" },
	{ "ip.badhdr",       "packets with bad header" },
	{ "ip.fragments",    "fragments received" },
	{ "ip.reassembled",  "packets reassembled ok" },
	{ "ip.fragdropped",  "fragments dropped (timeout or out of space)" },
	{ "ip.cantforward",  "packets not forwardable (broadcast refused)" },
	{ "ip.redirectsent", "redirects sent" },
	{ "ip.badoptions",   "packets with bad options" },
	{ "icmp.errors",     "calls to icmp_error" },
	{ "icmp.ratelimited", "errors not generated because of rate limitation" },
	{ "icmp.redirects",  "redirects received" },
	{ "icmp.badredirects", "bad routing redirects" },
	{ "icmp.bmcastecho", "broadcast/multicast echo requests ignored" },
	{ "ip6.forwarded",   "packets forwarded" },
	{ "ip6.noroute",     "packets not forwardable (no route)" },
	{ "ip6.rejected",    "packets dropped by reject routes" },
	{ "ip6.blackholed",  "packets dropped by blackhole routes" },
	{ "ip6.hlimexceeded", "packets whose hop limit ran out here" },
	{ "ip6.toobig",      "packets too big for the next hop's MTU" },
	{ "ip6.badscope",    "packets violated scope rules" },
	{ "ip6.badhdr",      "packets with bad header" },
	{ "ip6.pmtulearnt",  "path MTUs learnt from packet too big" },
	{ "ip6.fragments",   "fragments received" },
	{ "ip6.reassembled", "packets reassembled ok" },
	{ "ip6.fragdropped", "fragments dropped (timeout or out of space)" },
	{ "icmp6.errors",    "calls to icmp6_error" },
	{ "icmp6.ratelimited", "errors not generated because of rate limitation" },
};

/*
 * --json: {"ip": {"forwarded": N, ...}, "icmp": {...}, ...}, the node's
 * counters by protocol under the names it gives them.
 */
static int
stats_json(char *buf)
{
	char proto[16] = "", *line, *save, *dot, *sp, *end;
	unsigned long long v;
	struct jw w;

	jw_init(&w, stdout);
	jw_object(&w, NULL);
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if ((dot = strchr(line, '.')) == NULL ||
		    (sp = strchr(line, ' ')) == NULL || sp < dot)
			continue;
		*dot = *sp = '\0';
		if (strcmp(proto, line) != 0) {
			if (proto[0] != '\0')
				jw_close(&w);
			snprintf(proto, sizeof(proto), "%s", line);
			jw_object(&w, proto);
		}
		v = strtoull(sp + 1, &end, 10);
		if (*end == '\0' && end != sp + 1)
			jw_uint(&w, dot + 1, v);
		else
			jw_str(&w, dot + 1, sp + 1);
	}
	if (proto[0] != '\0')
		jw_close(&w);
	jw_close(&w);
	return jw_end(&w) == 0 ? 0 : fail("stdout", EIO);
}

static int
show_stats(void)
{
	char buf[8192], *line, *save, proto[16] = "", *dot, *sp;
	size_t i;

	if (rump_sys_netstat(RUMP_STATS_PROTO, buf, sizeof(buf)) < 0)
		return fail("counters", errno);
	if (jflag)
		return stats_json(buf);
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if ((dot = strchr(line, '.')) == NULL ||
		    (sp = strchr(line, ' ')) == NULL)
			continue;
		if (strncmp(proto, line, (size_t)(dot - line)) != 0 ||
		    proto[dot - line] != '\0') {
			snprintf(proto, sizeof(proto), "%.*s",
			    (int)(dot - line), line);
			printf("%s:\n", proto);
		}
		*sp = '\0';
		for (i = 0; i < sizeof(statnames) / sizeof(statnames[0]); i++)
			if (strcmp(statnames[i].name, line) == 0)
				break;
		printf("\t%s %s\n", sp + 1, i < sizeof(statnames) /
		    sizeof(statnames[0]) ? statnames[i].text : dot + 1);
	}
	return 0;
}

static int
show_sockets(int family, int all)
{
	char *buf, *line, *save, proto[16], rq[24], sq[24], l[80], r[80],
	    state[24];
	ssize_t need;
	int n;

	if ((need = rump_sys_netstat(RUMP_STATS_SOCKETS, NULL, 0)) < 0)
		return fail("sockets", errno);
	if ((buf = malloc((size_t)need + 4096)) == NULL)
		return fail("sockets", ENOMEM);
	if (rump_sys_netstat(RUMP_STATS_SOCKETS, buf, (size_t)need + 4096) <
	    0) {
		free(buf);
		return fail("sockets", errno);
	}
	printf("Active Internet connections%s\n", all ?
	    " (including servers)" : "");
	printf("%-6s %6s %6s  %-22s %-22s %s\n", "Proto", "Recv-Q", "Send-Q",
	    "Local Address", "Foreign Address", "State");
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		state[0] = '\0';
		n = sscanf(line, "%15s %23s %23s %79s %79s %23s", proto, rq, sq,
		    l, r, state);
		if (n < 5)
			continue;
		if ((family == AF_INET && strchr(proto, '6') != NULL) ||
		    (family == AF_INET6 && strchr(proto, '6') == NULL))
			continue;
		if (!all && strcmp(state, "LISTEN") == 0)
			continue;
		printf("%-6s %6s %6s  %-22s %-22s %s\n", proto, rq, sq, l, r,
		    state);
	}
	free(buf);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, OPT_JSON },
		{ NULL, 0, NULL, 0 }
	};
	int c, rflag = 0, iflag = 0, sflag = 0, aflag = 0, family = 0;

	if (version_asked(argc, argv, PROG))
		return 0;
	while ((c = getopt_long(argc, argv, "af:hinrs", longopts, NULL)) !=
	    -1) {
		switch (c) {
		case 'a': aflag = 1; break;
		case 'f':
			if (strcmp(optarg, "inet") == 0)
				family = AF_INET;
			else if (strcmp(optarg, "inet6") == 0)
				family = AF_INET6;
			else {
				fprintf(stderr, PROG ": unknown address "
				    "family '%s' (inet, inet6)\n", optarg);
				return 1;
			}
			break;
		case 'h': usage(stdout); return 0;
		case 'i': iflag = 1; break;
		case 'n': break;
		case 'r': rflag = 1; break;
		case 's': sflag = 1; break;
		case OPT_JSON: jflag = 1; break;
		default: usage(stderr); return 1;
		}
	}
	if (optind != argc || (jflag && !rflag && !sflag)) {
		usage(stderr);
		return 1;
	}
	if (node_attach() != 0) {
		fprintf(stderr, PROG ": %s\n", rumpclient_lasterror());
		return 1;
	}
	if (rflag)
		return show_routes(family);
	if (iflag)
		return show_ifs();
	if (sflag)
		return show_stats();
	return show_sockets(family, aflag);
}
