/*
 * test_place.c — unit tests of a lab across machines (lab/load_host.c,
 * lab/place.c).  Proves: that hosts:, host: and the uplink keys load
 * with their defaults (a remote host's addr from its destination in each
 * form, this machine's loopback address when every other host is on
 * loopback), and that a lab without hosts: is what it was (no host
 * anywhere); that each mistake is reported at its line and column with
 * the exact message; that placement keeps the hosts the file gives,
 * gives each host its share by capacity, keeps a line of routers and a
 * routed lab with LANs on as few hosts as a cut allows, is the same from
 * run to run, and fills every bus's hosts, ascending; that the uplink
 * URLs are exactly those lab/HOSTS.txt numbers (udp pairs over the
 * spanning buses, each end bound to its host's address; vxvde; vde);
 * and that placing a bus of 20,000 members takes linear time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lab/generate.h"
#include "lab/phases.h"
#include "lab/plan.h"
#include "tests/lab/labtest.h"
#include "tests/lib/tap.h"

/* --- helpers ------------------------------------------------------------- */

/* Every message of a text that must fail, "LINE:COL: TEXT" a line, in
 * the order they are printed. */
static const char *
open_fail(const char *text)
{
	static char msgs[8192];
	struct lab *lab;
	struct diag d;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	diag_init(&d);
	msgs[0] = '\0';
	if (lab_open_buffer("t", text, strlen(text), &lab, &d) == 0)
		lab_close(lab);
	else if ((f = open_memstream(&buf, &len)) != NULL) {
		diag_print(&d, "t", f);
		fclose(f);
		snprintf(msgs, sizeof(msgs), "%s", buf);
		free(buf);
	}
	diag_free(&d);
	return msgs;
}

static int
fails_with(const char *text, const char *want, const char *what)
{
	const char *got = open_fail(text);

	if (!ok(strcmp(got, want) == 0, "%s", what))
		diag("got:\n%s# want:\n%s", got, want);
	return 0;
}

static const char *
host_of(const struct lab *lab, const char *node)
{
	int n = lab_node_find(lab, node);

	return n >= 0 && lab->nodes[n].host >= 0 ?
	    lab->hosts[lab->nodes[n].host].name : "-";
}

/* Bus b's hosts as "a,b". */
static const char *
bus_hosts(const struct lab *lab, const char *bus)
{
	static char buf[256];
	const struct lab_bus *b = &lab->buses[lab_bus_find(lab, bus)];
	size_t len = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < b->nhosts; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s",
		    i ? "," : "", lab->hosts[b->hosts[i]].name);
	return buf;
}

/* A generated shape with a hosts: section before it. */
static struct lab *
open_generated(enum gen_shape shape, int n, const char *hosts)
{
	struct gen_opts o = { shape, n, true, true, false };

	return open_shape(&o, hosts);
}

/* --- loading ------------------------------------------------------------- */

static void
test_load(void)
{
	struct lab *lab = open_text(
	    "hosts:\n"
	    "  a: {}\n"
	    "  b: { ssh: rl@127.0.0.1, port: 2222, ssh_config: lab.conf,\n"
	    "       capacity: 3 }\n"
	    "  c: { ssh: 'ssh://rl@[::1]:2200', rumplab: /opt/rl/rumplab }\n"
	    "  d: { ssh: lab.example.org, addr: 192.0.2.4 }\n"
	    "nodes:\n"
	    "  r1: { host: b, interfaces: [lan] }\n"
	    "  r2: { host: b, interfaces: [lan] }\n");
	const struct lab_host *h;

	if (!ok(lab != NULL && lab->nhosts == 4, "hosts: loads four hosts")) {
		lab_close(lab);
		return;
	}
	h = lab->hosts;
	ok(lab_host_find(lab, "c") == 2 && lab_host_find(lab, "x") == -1 &&
	    lab_host_local(lab) == 0, "lab_host_find, lab_host_local");
	ok(h[0].ssh == NULL && h[0].rumplab == NULL && h[0].port == 0,
	    "a: {} is this machine");
	ok(strcmp(h[1].ssh, "rl@127.0.0.1") == 0 && h[1].port == 2222 &&
	    strcmp(h[1].ssh_config, "lab.conf") == 0 && h[1].capacity == 3 &&
	    strcmp(h[1].rumplab, "rumplab") == 0 &&
	    strcmp(h[1].addr, "127.0.0.1") == 0,
	    "b: destination, port, ssh_config, capacity; program rumplab and "
	    "addr 127.0.0.1 by default");
	ok(strcmp(h[2].addr, "::1") == 0 &&
	    strcmp(h[2].rumplab, "/opt/rl/rumplab") == 0,
	    "c: addr ::1 from ssh://rl@[::1]:2200; its own program");
	ok(strcmp(h[3].addr, "192.0.2.4") == 0, "d: addr as given");
	ok(h[0].addr == NULL, "this machine has no addr when others are not "
	    "on loopback");
	ok(lab->nodes[0].host == 1 && lab->nodes[0].hostpos.line == 8 &&
	    lab->nodes[0].hostpos.col == 15, "r1's host: b, and where it "
	    "is written");
	ok(strcmp(lab->uplink, "udp") == 0 && lab->uplink_port == 47100 &&
	    lab->uplink_group == NULL && lab->uplink_switch == NULL,
	    "uplink udp from port 47100 by default");
	lab_close(lab);

	lab = open_text("hosts: { a: , b: { ssh: u@127.0.0.9 } }\n"
	    "uplink: vxvde\n"
	    "nodes: { r1: { interfaces: [lan] }, r2: { interfaces: [lan] } }\n");
	ok(lab != NULL && lab->hosts[0].ssh == NULL &&
	    strcmp(lab->hosts[0].addr, "127.0.0.1") == 0 &&
	    strcmp(lab->uplink_group, "239.255.0.1") == 0 &&
	    lab->uplink_port == 0, "a host without a value is this machine, "
	    "on loopback as b is; vxvde's group by default, no port");
	lab_close(lab);

	lab = open_text("nodes:\n"
	    "  r1: { kind: router, interfaces: [lan] }\n"
	    "  r2: { interfaces: [lan] }\n");
	ok(lab != NULL && lab->nhosts == 0 && lab->nodes[0].host == -1 &&
	    lab->nodes[1].host == -1 && lab->buses[0].nhosts == 0 &&
	    lab->buses[0].hosts == NULL && lab_host_local(lab) == -1,
	    "without hosts: no node has a host, no bus hosts");
	lab_close(lab);
}

/* --- errors -------------------------------------------------------------- */

static const char two_nodes[] =
    "nodes:\n"
    "  r1: { interfaces: [lan] }\n"
    "  r2: { host: b, interfaces: [lan] }\n";

static void
test_errors(void)
{
	char text[2048];

	snprintf(text, sizeof(text), "hosts:\n"
	    "  a: {}\n"
	    "  b: { ssh: rl@10.1.1.1, port: 0, capacty: 2 }\n"
	    "  c: { addr: 10.1.1.3 }\n"
	    "%s", two_nodes);
	fails_with(text,
	    "t:3:32: 'port' must be a whole number from 1 to 65535 (got 0)\n"
	    "t:3:35: unknown key 'capacty' in host 'b' (did you mean "
	    "'capacity'?)\n"
	    "t:4:3: host 'c' has no 'ssh', so it would be this machine, which "
	    "host 'a' is (line 2); give 'c' its ssh destination\n",
	    "a bad port, an unknown key, two hosts that are this machine");
	snprintf(text, sizeof(text), "hosts:\n"
	    "  a: { port: 22, rumplab: /bin/rumplab }\n"
	    "  b: { ssh: -oProxyCommand=sh }\n"
	    "  b: { ssh: 'rl @x' }\n"
	    "%s", two_nodes);
	fails_with(text,
	    "t:2:8: host 'a' has 'port' but no 'ssh': it is this machine; "
	    "give its ssh destination, or drop 'port'\n"
	    "t:2:18: host 'a' has 'rumplab' but no 'ssh': it is this machine; "
	    "give its ssh destination, or drop 'rumplab'\n"
	    "t:3:13: host 'b': 'ssh' -oProxyCommand=sh would be taken for an "
	    "option of ssh(1); options go in its 'ssh_config' file\n"
	    "t:4:3: host 'b' is defined twice (first at line 3); give each "
	    "host its own name\n",
	    "ssh's keys on this machine, a destination like an option, a "
	    "host twice");
	fails_with("hosts: { a: {}, b: { ssh: x } }\n"
	    "nodes:\n"
	    "  r1: { host: bb, interfaces: [lan] }\n"
	    "  r2: { host: zzz, interfaces: [lan] }\n",
	    "t:3:15: host 'bb' is not defined (did you mean 'b'? defined hosts: "
	    "a, b)\n"
	    "t:4:15: host 'zzz' is not defined (defined hosts: a, b); define "
	    "it under 'hosts:'\n",
	    "an undefined host, with the defined ones");
	fails_with(two_nodes,
	    "t:3:15: host 'b' is not defined: the topology has no 'hosts:' "
	    "(define the machines the lab runs on there, see rumplab(5))\n",
	    "host: without hosts:");
	fails_with("hosts: [a, b]\nnodes: { r1: {} }\n",
	    "t:1:8: 'hosts' must be a mapping of host names to where they are, "
	    "like { a: {}, b: { ssh: user@example.org } }\n",
	    "hosts: as a list");
	fails_with("uplink: vxlan\nuplink_port: 80\nnodes: { r1: {} }\n",
	    "t:1:9: 'uplink' must be udp (a UDP pair per host pair), vxvde (a "
	    "multicast group) or vde (a vde_switch) (got vxlan)\n"
	    "t:2:14: 'uplink_port' must be a whole number from 1024 to 65535 "
	    "(got 80)\n", "an unknown uplink, a privileged port");
	fails_with("uplink: vxvde\nuplink_group: 10.0.0.1\n"
	    "uplink_switch: /run/vde.ctl\nnodes: { r1: {} }\n",
	    "t:2:15: 'uplink_group' 10.0.0.1 is not a multicast address "
	    "(224.0.0.0/4, ff00::/8; like 239.255.0.1)\n"
	    "t:3:16: 'uplink_switch' is for uplink vde; this lab's uplink is "
	    "vxvde\n", "vxvde: a group that is no multicast group, a switch");
	fails_with("uplink: vde\nuplink_port: 5000\nnodes: { r1: {} }\n",
	    "t:1:9: uplink vde needs 'uplink_switch': the directory of the "
	    "vde_switch every host reaches, like /run/vde.ctl\n"
	    "t:2:14: 'uplink_port' is for uplink udp (its first port) or vxvde "
	    "(its multicast port); this lab's uplink is vde\n",
	    "vde: no switch, a port");
	fails_with("uplink_group: 239.1.2.3\nuplink_switch: /run/vde.ctl\n"
	    "nodes: { r1: {} }\n",
	    "t:1:15: 'uplink_group' is for uplink vxvde; this lab's uplink is "
	    "udp\n"
	    "t:2:16: 'uplink_switch' is for uplink vde; this lab's uplink is "
	    "udp\n", "udp: a group, a switch");
	fails_with("uplink: vde\nuplink_switch: vde.ctl\nnodes: { r1: {} }\n",
	    "t:2:16: 'uplink_switch' must be the absolute path of a "
	    "vde_switch's directory, like /run/vde.ctl, at most 100 "
	    "characters, without blanks or brackets (got vde.ctl)\n",
	    "vde: a relative switch");
}

/* What placement finds wrong with udp uplinks. */
static void
test_udp_errors(void)
{
	fails_with("hosts: { a: {}, b: { ssh: labhost } }\n"
	    "nodes:\n"
	    "  r1: { host: a, interfaces: [lan] }\n"
	    "  r2: { host: b, interfaces: [lan] }\n",
	    "t:1:10: host 'a' needs 'addr' (this machine has no ssh "
	    "destination to take it from): the address where host 'b' "
	    "reaches its udp uplinks (bus 'lan' spans both), like "
	    "192.0.2.10\n", "this machine's addr, needed when another host is "
	    "not on loopback");
	fails_with("hosts: { a: { addr: 10.9.0.1 }, b: { ssh: 'u@fe80::1%e' } "
	    "}\nnodes:\n"
	    "  r1: { host: a, interfaces: [lan] }\n"
	    "  r2: { host: b, interfaces: [lan] }\n",
	    "t:1:33: host 'b' needs 'addr' (the host part of its ssh "
	    "destination is no address): the address where host 'a' reaches "
	    "its udp uplinks (bus 'lan' spans both), like 192.0.2.10\n",
	    "a destination whose host is no address");
	fails_with("hosts: { a: {}, b: { ssh: u@127.0.0.1 } }\n"
	    "uplink_port: 65534\n"
	    "nodes:\n"
	    "  r1: { host: a, interfaces: [lan, lan2] }\n"
	    "  r2: { host: b, interfaces: [lan, lan2] }\n",
	    "t: the buses that span hosts need 4 udp ports from uplink_port "
	    "65534, past 65535: give a lower uplink_port, or use uplink "
	    "vxvde\n", "udp ports past 65535");
	ok(open_fail("hosts: { a: {}, b: { ssh: labhost } }\n"
	    "uplink: vxvde\n"
	    "nodes:\n"
	    "  r1: { host: a, interfaces: [lan] }\n"
	    "  r2: { host: b, interfaces: [lan] }\n")[0] == '\0',
	    "vxvde needs no addresses");
}

/* --- placement ----------------------------------------------------------- */

static void
test_balance(void)
{
	struct lab *lab;
	int i;

	lab = open_text("hosts: { a: {}, b: { ssh: x@127.0.0.1, capacity: 3 } "
	    "}\nnodes:\n"
	    "  n1: {}\n  n2: {}\n  n3: {}\n  n4: {}\n"
	    "  n5: {}\n  n6: {}\n  n7: {}\n  n8: {}\n");
	ok(lab != NULL && lab->hosts[0].nnodes == 2 &&
	    lab->hosts[1].nnodes == 6, "capacity 1 and 3: 2 and 6 of 8 nodes");
	lab_close(lab);
	lab = open_text("hosts: { a: {}, b: { ssh: x@127.0.0.1 }, "
	    "c: { ssh: y@127.0.0.1 } }\nnodes:\n"
	    "  n1: {}\n  n2: {}\n  n3: {}\n  n4: {}\n  n5: {}\n");
	ok(lab != NULL && lab->hosts[0].nnodes == 2 &&
	    lab->hosts[1].nnodes == 2 && lab->hosts[2].nnodes == 1,
	    "5 nodes on 3 even hosts: 2, 2, 1 (the remainders to the first)");
	lab_close(lab);
	lab = open_text("hosts: { a: {}, b: { ssh: x@127.0.0.1 } }\nnodes:\n"
	    "  n1: { host: b }\n  n2: { host: b }\n  n3: { host: b }\n"
	    "  n4: {}\n  n5: {}\n  n6: { host: b }\n");
	ok(lab != NULL && strcmp(host_of(lab, "n1"), "b") == 0 &&
	    strcmp(host_of(lab, "n6"), "b") == 0 &&
	    strcmp(host_of(lab, "n4"), "a") == 0 &&
	    strcmp(host_of(lab, "n5"), "a") == 0 &&
	    lab->hosts[1].nnodes == 4, "host: is kept past a host's share; "
	    "the others go where there is room");
	lab_close(lab);
	lab = open_generated(GEN_LINE, 100, "hosts: { a: {}, b: { ssh: "
	    "x@127.0.0.1 } }\n");
	for (i = 0; lab != NULL && i < lab->nnodes &&
	    lab->nodes[i].host >= 0; i++)
		;
	ok(lab != NULL && i == lab->nnodes && lab->hosts[0].nnodes == 100 &&
	    lab->hosts[1].nnodes == 100 && lab_count_spanning(lab) == 1 &&
	    strcmp(bus_hosts(lab, "r50-r51"), "a,b") == 0 &&
	    strcmp(host_of(lab, "h50"), "a") == 0 &&
	    strcmp(host_of(lab, "h51"), "b") == 0,
	    "a line of 100 routers with a host each on two hosts: cut once, "
	    "between r50 and r51, every LAN with its router");
	lab_close(lab);
	lab = open_generated(GEN_TREE, 63, "hosts: { a: {}, b: { ssh: "
	    "x@127.0.0.1 } }\n");
	ok(lab != NULL && lab_count_spanning(lab) <= 3, "a tree of 63 routers: %d "
	    "buses span the two hosts", lab ? lab_count_spanning(lab) : -1);
	lab_close(lab);
}

/* The example: pinned ends, the rest beside their neighbours. */
static const char routed[] =
    "hosts:\n"
    "  a: {}\n"
    "  b: { ssh: rl@127.0.0.1, port: 2222 }\n"
    "defaults: { addr: auto }\n"
    "nodes:\n"
    "  r1: { kind: router, host: a, interfaces: [core, lan1] }\n"
    "  r2: { kind: router, interfaces: [core, lan2] }\n"
    "  r3: { kind: router, interfaces: [core, lan3] }\n"
    "  r4: { kind: router, host: b, interfaces: [core, lan4] }\n"
    "  h1: { interfaces: [lan1] }\n"
    "  h2: { interfaces: [lan2] }\n"
    "  h3: { interfaces: [lan3] }\n"
    "  h4: { interfaces: [lan4] }\n";

static void
test_locality(void)
{
	struct lab *lab = open_text(routed), *again = open_text(routed);
	char got[64] = "", more[64] = "";
	int i;

	for (i = 0; lab != NULL && i < lab->nnodes; i++)
		strcat(got, host_of(lab, lab->nodes[i].name));
	for (i = 0; again != NULL && i < again->nnodes; i++)
		strcat(more, host_of(again, again->nodes[i].name));
	if (!ok(strcmp(got, "aabbaabb") == 0, "routers with LANs on a core: "
	    "r1, r2 and their LANs here, r3, r4 and theirs on b"))
		diag("got %s", got);
	ok(strcmp(got, more) == 0, "the same placement every time");
	ok(lab != NULL && lab_count_spanning(lab) == 1 &&
	    strcmp(bus_hosts(lab, "core"), "a,b") == 0 &&
	    strcmp(bus_hosts(lab, "lan1"), "a") == 0 &&
	    strcmp(bus_hosts(lab, "lan4"), "b") == 0, "only the core spans "
	    "hosts; each bus knows its hosts");
	lab_close(lab);
	lab_close(again);
}

/* --- URLs ---------------------------------------------------------------- */

static const char three[] =
    "hosts:\n"
    "  a: { addr: 10.0.0.1 }\n"
    "  b: { ssh: u@10.0.0.2 }\n"
    "  c: { ssh: u@10.0.0.3 }\n"
    "%s"
    "nodes:\n"
    "  x1: { host: c, interfaces: [one, all] }\n"
    "  x2: { host: a, interfaces: [one, all] }\n"
    "  x3: { host: b, interfaces: [all, alone] }\n"
    "  x4: { host: b, interfaces: [alone] }\n";

static int
urls_of(const struct lab *lab, const char *bus, const char *host,
    char (*u)[LAB_URL_MAX], int max)
{
	return lab_uplink_urls(lab, lab_bus_find(lab, bus),
	    lab_host_find(lab, host), u, max);
}

/* The lab `three` with the uplink settings: host's one URL for bus. */
static void
one_url(const char *settings, const char *bus, const char *host,
    const char *want, const char *what)
{
	char u[4][LAB_URL_MAX] = { "" }, text[1024];
	struct lab *lab;
	int n = -1;

	snprintf(text, sizeof(text), three, settings);
	if ((lab = open_text(text)) != NULL)
		n = urls_of(lab, bus, host, u, 4);
	if (!ok(n == 1 && strcmp(u[0], want) == 0, "%s", what))
		diag("%d: %s", n, u[0]);
	lab_close(lab);
}

static void
test_urls(void)
{
	char u[4][LAB_URL_MAX], text[1024];
	struct lab *lab;

	snprintf(text, sizeof(text), three, "uplink_port: 40000\n");
	if (!ok((lab = open_text(text)) != NULL, "three hosts, udp"))
		return;
	ok(urls_of(lab, "one", "a", u, 4) == 1 && strcmp(u[0],
	    "udp://10.0.0.1:40000->10.0.0.3:40001") == 0 &&
	    urls_of(lab, "one", "c", u, 4) == 1 && strcmp(u[0],
	    "udp://10.0.0.3:40001->10.0.0.1:40000") == 0,
	    "bus one, pair 0 (a, c): a has the lower port, each end bound to "
	    "its own address");
	ok(urls_of(lab, "all", "a", u, 4) == 2 &&
	    strcmp(u[0], "udp://10.0.0.1:40002->10.0.0.2:40003") == 0 &&
	    strcmp(u[1], "udp://10.0.0.1:40004->10.0.0.3:40005") == 0,
	    "bus all, pairs 1 (a, b) and 2 (a, c), from a");
	ok(urls_of(lab, "all", "b", u, 4) == 2 &&
	    strcmp(u[0], "udp://10.0.0.2:40003->10.0.0.1:40002") == 0 &&
	    strcmp(u[1], "udp://10.0.0.2:40006->10.0.0.3:40007") == 0,
	    "from b: pairs 1 (a, b) and 3 (b, c)");
	ok(urls_of(lab, "all", "c", u, 4) == 2 &&
	    strcmp(u[0], "udp://10.0.0.3:40005->10.0.0.1:40004") == 0 &&
	    strcmp(u[1], "udp://10.0.0.3:40007->10.0.0.2:40006") == 0,
	    "from c: the other ends of pairs 2 and 3");
	ok(urls_of(lab, "all", "c", u, 1) == 1 &&
	    urls_of(lab, "alone", "b", u, 4) == 0 &&
	    urls_of(lab, "one", "b", u, 4) == 0 &&
	    lab_uplink_urls(lab, 99, 0, u, 4) == 0,
	    "at most max; none for a bus on one host or a host not on it");
	lab_close(lab);

	one_url("uplink: vxvde\n", "all", "b", "vxvde://239.255.0.1/vni=2",
	    "vxvde: the group, a vni per bus (its index + 1)");
	one_url("uplink: vxvde\n", "one", "c", "vxvde://239.255.0.1/vni=1",
	    "vxvde: the same on every host of the bus");
	one_url("uplink: vxvde\nuplink_group: ff15::7\nuplink_port: 14000\n",
	    "all", "a", "vxvde://ff15::7/port=14000/vni=2",
	    "vxvde: a group and port of the file's");
	one_url("uplink: vde\nuplink_switch: /run/vde.ctl\n", "all", "c",
	    "vde:///run/vde.ctl[all]", "vde: the switch, a port group per bus");
}

/* --- cost ---------------------------------------------------------------- */

/*
 * One bus of 20,000 members over four hosts: placing it by looking at
 * every neighbour would take 4e8 steps; placement looks at the bus's
 * hosts only.  Measured by placing the planned lab again.
 */
static void
test_cost(void)
{
	const int n = 20000;
	struct lab *lab;
	struct diag d;
	double t0, t;
	size_t len;
	char *buf;
	FILE *f;
	int i, r;

	if ((f = open_memstream(&buf, &len)) == NULL)
		return;
	fprintf(f, "hosts: { a: {}, b: { ssh: u@127.0.0.1 }, c: { ssh: "
	    "u@127.0.0.1 }, d: { ssh: u@127.0.0.1 } }\n"
	    "defaults: { pool: 10.0.0.0/8 }\nbuses: { lan: {} }\nnodes:\n");
	for (i = 0; i < n; i++)
		fprintf(f, "  n%d: { interfaces: [lan] }\n", i);
	fclose(f);
	lab = open_text(buf);
	free(buf);
	if (!ok(lab != NULL, "a bus of %d members over four hosts", n))
		return;
	for (i = 0; i < lab->nnodes; i++)
		lab->nodes[i].host = -1;
	diag_init(&d);
	t0 = now();
	r = lab_place(lab, &d);
	t = now() - t0;
	diag_free(&d);
	ok(r == 0 && lab->hosts[3].nnodes == n / 4 &&
	    lab->buses[0].nhosts == 4 && t < 0.5,
	    "placed in %.3f s, %d a host", t, lab->hosts[3].nnodes);
	lab_close(lab);
}

int
main(void)
{
	test_load();
	test_errors();
	test_udp_errors();
	test_balance();
	test_locality();
	test_urls();
	test_cost();
	tap_plan(tap_n);
	return tap_done();
}
