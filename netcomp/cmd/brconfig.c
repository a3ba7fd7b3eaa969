/*
 * brconfig.c — rump.brconfig: a node's bridges (rumpnet_bridge), with
 * NetBSD brconfig(8)'s commands and status output.
 *
 *   rump.brconfig [-v] -a              every bridge's status
 *   rump.brconfig [-v] bridge          one bridge's status
 *   rump.brconfig bridge command ...   up, down, add IF, delete IF, addr,
 *                                      discover IF, -discover IF, learn IF,
 *                                      -learn IF, flush, flushall,
 *                                      maxaddr N, timeout S, static IF MAC,
 *                                      deladdr MAC
 *
 *   bridge0: flags=8843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST>
 *           Interfaces:
 *                   shmif0 flags=3<LEARNING,DISCOVER>
 *                           port 2 priority 128
 *           Address cache (max cache: 100, timeout: 1200):
 *                   b2:a0:00:00:00:01 shmif0 1196 flags=0<>
 *
 * NetBSD's "Configuration:" block (spanning tree and ipfilter settings)
 * is left out: this bridge has neither.  -v adds each member's counters
 * after its port line (a rumplab addition).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/rumpclient.h"
#include "netcomp/cmd/inaddr.h"
#include "netcomp/cmd/node.h"
#include "version.h"

#define PROG "rump.brconfig"
#define MAXADDRS 8192
#define MAXIFS 1024

/* printb(3) bit names, NetBSD's "\020\1UP..." strings as arrays. */
static const char *const iff_bits[16] = { "UP", "BROADCAST", "DEBUG",
	"LOOPBACK", "POINTOPOINT", "NOTRAILERS", "RUNNING", "NOARP",
	"PROMISC", "ALLMULTI", "OACTIVE", "SIMPLEX", "LINK0", "LINK1",
	"LINK2", "MULTICAST" };
static const char *const ifbif_bits[16] = { "LEARNING", "DISCOVER", "STP" };
static const char *const ifbaf_bits[16] = { "STATIC" };

static int verbose;

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: " PROG " [-v] -a\n"
	    "       " PROG " [-v] bridge\n"
	    "       " PROG " bridge command [args ...]\n"
	    "commands: up, down, add interface, delete interface, addr,\n"
	    "          discover interface, -discover interface, learn "
	    "interface,\n"
	    "          -learn interface, flush, flushall, maxaddr size, "
	    "timeout seconds,\n"
	    "          static interface address, deladdr address\n"
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

static void
printb(const char *what, uint32_t v, const char *const names[16])
{
	int i, first = 1;

	printf("%s=%x<", what, v);
	for (i = 0; i < 16; i++)
		if ((v & (1u << i)) && names[i] != NULL) {
			printf("%s%s", first ? "" : ",", names[i]);
			first = 0;
		}
	printf(">");
}

static void
show_ports(const struct rump_brport *p, int n)
{
	int i;

	printf("\tInterfaces:\n");
	for (i = 0; i < n; i++) {
		printf("\t\t%s ", p[i].ifname);
		printb("flags", p[i].flags, ifbif_bits);
		printf("\n\t\t\tport %u priority 128\n", p[i].portno);
		if (verbose)
			printf("\t\t\tin %llu forwarded %llu flooded %llu "
			    "filtered %llu\n", (unsigned long long)p[i].rx,
			    (unsigned long long)p[i].forwarded,
			    (unsigned long long)p[i].flooded,
			    (unsigned long long)p[i].filtered);
	}
}

static void
show_addrs(const char *prefix, const struct rump_braddr *a, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		printf("%s%02x:%02x:%02x:%02x:%02x:%02x %s %d ", prefix,
		    a[i].mac[0], a[i].mac[1], a[i].mac[2], a[i].mac[3],
		    a[i].mac[4], a[i].mac[5], a[i].ifname, a[i].expire);
		printb("flags", a[i].flags, ifbaf_bits);
		printf("\n");
	}
}

/* The bridge's status: its members and table into static arrays. */
static int
fetch(const char *bridge, struct rump_brstatus *st, struct rump_brport **pp,
    struct rump_braddr **ap, int *na)
{
	static struct rump_brport ports[RUMP_BRIDGE_MAXPORTS];
	static struct rump_braddr addrs[MAXADDRS];

	if (rump_sys_bridge_get(bridge, st, ports, addrs, MAXADDRS) != 0)
		return -errno;
	*pp = ports;
	*ap = addrs;
	*na = st->naddrs < MAXADDRS ? (int)st->naddrs : MAXADDRS;
	return 0;
}

static int
status(const char *bridge)
{
	struct rump_ifinfo ifi;
	struct rump_brstatus st;
	struct rump_brport *ports;
	struct rump_braddr *addrs;
	int na, error;

	if (rump_sys_ifget(bridge, &ifi) != 0)
		return fail(bridge, errno);
	if ((error = fetch(bridge, &st, &ports, &addrs, &na)) != 0)
		return fail(bridge, -error);
	printf("%s: ", bridge);
	printb("flags", ifi.flags, iff_bits);
	printf("\n");
	show_ports(ports, (int)(st.nports < RUMP_BRIDGE_MAXPORTS ? st.nports :
	    RUMP_BRIDGE_MAXPORTS));
	printf("\tAddress cache (max cache: %u, timeout: %u):\n", st.maxaddr,
	    st.timeout);
	show_addrs("\t\t", addrs, na);
	return 0;
}

static int
status_all(void)
{
	static char names[MAXIFS][RUMP_IFNAMSIZ];
	int n, i, rv = 0;

	if ((n = rump_sys_iflist(names, MAXIFS)) < 0)
		return fail("list", errno);
	for (i = 0; i < n && i < MAXIFS; i++)
		if (strncmp(names[i], "bridge", 6) == 0)
			rv |= status(names[i]);
	return rv;
}

static int
set(const char *bridge, struct rump_brreq *req, const char *what)
{
	if (rump_sys_bridge_set(bridge, req) != 0)
		return fail(what, errno);
	return 0;
}

static int
member_arg(struct rump_brreq *req, const char *name)
{
	if (strlen(name) >= RUMP_IFNAMSIZ) {
		fprintf(stderr, PROG ": %s: interface name too long\n", name);
		return -1;
	}
	snprintf(req->member, sizeof(req->member), "%s", name);
	return 0;
}

/* A member's flags, one of them set or cleared: 0 or 1 (reported). */
static int
member_flag(const char *bridge, const char *member, uint32_t flag, int on,
    const char *cmd)
{
	struct rump_brstatus st;
	struct rump_brport *ports;
	struct rump_braddr *addrs;
	struct rump_brreq req;
	int na, i, error;

	if ((error = fetch(bridge, &st, &ports, &addrs, &na)) != 0)
		return fail(bridge, -error);
	memset(&req, 0, sizeof(req));
	if (member_arg(&req, member) != 0)
		return 1;
	for (i = 0; i < (int)st.nports && i < RUMP_BRIDGE_MAXPORTS; i++)
		if (strcmp(ports[i].ifname, member) == 0)
			break;
	if (i == (int)st.nports || i == RUMP_BRIDGE_MAXPORTS) {
		fprintf(stderr, PROG ": %s %s: not a member of %s\n", cmd,
		    member, bridge);
		return 1;
	}
	req.op = RUMP_BRDG_IFFLAGS;
	req.value = on ? ports[i].flags | flag : ports[i].flags & ~flag;
	return set(bridge, &req, cmd);
}

static int
number(const char *cmd, const char *s, uint32_t *v)
{
	long n;

	if (parse_long(s, 0, 0xffffffffL, &n) != 0) {
		fprintf(stderr, PROG ": %s: invalid value: %s\n", cmd, s);
		return -1;
	}
	*v = (uint32_t)n;
	return 0;
}

static int
mac_arg(const char *cmd, const char *s, uint8_t mac[6])
{
	if (inaddr_mac(s, mac) != 0) {
		fprintf(stderr, PROG ": %s: invalid address: %s\n", cmd, s);
		return -1;
	}
	return 0;
}

/* One command at argv[0] with its arguments: how many words it took, or
 * -1 (reported; fail() returns 1). */
static int
command(const char *bridge, int argc, char **argv)
{
	struct rump_brreq req;
	const char *cmd = argv[0];
	char what[96];
	int need;

	memset(&req, 0, sizeof(req));
	need = strcmp(cmd, "static") == 0 ? 2 : (strcmp(cmd, "add") == 0 ||
	    strcmp(cmd, "delete") == 0 || strcmp(cmd, "discover") == 0 ||
	    strcmp(cmd, "-discover") == 0 || strcmp(cmd, "learn") == 0 ||
	    strcmp(cmd, "-learn") == 0 || strcmp(cmd, "maxaddr") == 0 ||
	    strcmp(cmd, "timeout") == 0 || strcmp(cmd, "deladdr") == 0) ? 1 : 0;
	if (argc - 1 < need) {
		fprintf(stderr, PROG ": %s: missing argument\n", cmd);
		return -1;
	}
	snprintf(what, sizeof(what), "%s%s%s", cmd, need ? " " : "",
	    need ? argv[1] : "");
	if (strcmp(cmd, "up") == 0 || strcmp(cmd, "down") == 0) {
		if (rump_sys_ifsetflags(bridge, cmd[0] == 'u' ? RUMP_IFF_UP : 0,
		    cmd[0] == 'u' ? 0 : RUMP_IFF_UP) != 0)
			return -fail(what, errno);
		return 1;
	}
	if (strcmp(cmd, "addr") == 0) {
		struct rump_brstatus st;
		struct rump_brport *ports;
		struct rump_braddr *addrs;
		int na, error;

		if ((error = fetch(bridge, &st, &ports, &addrs, &na)) != 0)
			return -fail(bridge, -error);
		show_addrs("\t", addrs, na);
		return 1;
	}
	if (strcmp(cmd, "discover") == 0 || strcmp(cmd, "-discover") == 0)
		return member_flag(bridge, argv[1], RUMP_IFBIF_DISCOVER,
		    cmd[0] != '-', what) ? -1 : 2;
	if (strcmp(cmd, "learn") == 0 || strcmp(cmd, "-learn") == 0)
		return member_flag(bridge, argv[1], RUMP_IFBIF_LEARNING,
		    cmd[0] != '-', what) ? -1 : 2;
	if (strcmp(cmd, "add") == 0 || strcmp(cmd, "delete") == 0) {
		req.op = cmd[0] == 'a' ? RUMP_BRDG_ADD : RUMP_BRDG_DEL;
		if (member_arg(&req, argv[1]) != 0)
			return -1;
	} else if (strcmp(cmd, "flush") == 0 || strcmp(cmd, "flushall") == 0) {
		req.op = RUMP_BRDG_FLUSH;
		req.value = cmd[5] == 'a';
	} else if (strcmp(cmd, "maxaddr") == 0 || strcmp(cmd, "timeout") == 0) {
		req.op = cmd[0] == 'm' ? RUMP_BRDG_MAXADDR : RUMP_BRDG_TIMEOUT;
		if (number(cmd, argv[1], &req.value) != 0)
			return -1;
	} else if (strcmp(cmd, "static") == 0) {
		req.op = RUMP_BRDG_STATIC;
		if (member_arg(&req, argv[1]) != 0 ||
		    mac_arg(cmd, argv[2], req.mac) != 0)
			return -1;
		snprintf(what, sizeof(what), "static %s %s", argv[1], argv[2]);
	} else if (strcmp(cmd, "deladdr") == 0) {
		req.op = RUMP_BRDG_DELADDR;
		if (mac_arg(cmd, argv[1], req.mac) != 0)
			return -1;
	} else {
		fprintf(stderr, PROG ": unknown command: %s (this bridge has no "
		    "spanning tree or ipfilter; see rump.brconfig(8))\n", cmd);
		return -1;
	}
	return set(bridge, &req, what) ? -1 : need + 1;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *bridge;
	int c, k, aflag = 0;

	if (version_asked(argc, argv, PROG))
		return 0;
	/* '+': commands like -learn come after the bridge's name. */
	while ((c = getopt_long(argc, argv, "+ahv", longopts, NULL)) != -1) {
		switch (c) {
		case 'a': aflag = 1; break;
		case 'h': usage(stdout); return 0;
		case 'v': verbose = 1; break;
		default: usage(stderr); return 1;
		}
	}
	argc -= optind;
	argv += optind;
	if (aflag ? argc != 0 : argc < 1) {
		usage(stderr);
		return 1;
	}
	if (node_attach() != 0) {
		fprintf(stderr, PROG ": %s\n", rumpclient_lasterror());
		return 1;
	}
	if (aflag)
		return status_all();
	bridge = argv[0];
	if (argc == 1)
		return status(bridge);
	for (argc--, argv++; argc > 0; argc -= k, argv += k)
		if ((k = command(bridge, argc, argv)) < 0)
			return 1;
	return 0;
}
