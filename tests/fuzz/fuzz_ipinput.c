/*
 * fuzz_ipinput.c — libFuzzer target over a router's receive path: each
 * input is one Ethernet frame handed to an interface of a node that
 * forwards both families (ifnet_input, as the shmif receive thread does),
 * so it runs through ether.c's filters, the IPv4 and IPv6 forwarders
 * (ipfwd.c, ipfwd6.c) and their ICMP errors (icmp6err.c), reassembly
 * (reass.c), path MTU learning, static neighbours and ND input (neigh.c)
 * and on into lwIP.  The node has two interfaces on bus files in a
 * temporary directory, connected routes, a static route, a reject and a
 * blackhole route per family, static ARP and ND entries, and a 1280-MTU
 * interface; the bus files go in a directory made in the current one
 * and removed at exit.  The frame's destination MAC is made the interface's unless
 * it is multicast, so that frames are not all filtered out.  Crashes and
 * sanitizer reports are bugs.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kernel/component.h"
#include "kernel/netcfg.h"
#include "kernel/sysctl.h"
#include "netcomp/ifnet_var.h"

static struct ifnet *ifp0, *ifp1;
static char dir[] = "fuzz_ipinput.XXXXXX";    /* in the current directory */

static void
die(const char *what)
{
	fprintf(stderr, "fuzz_ipinput: setup: %s\n", what);
	exit(1);
}

static void
addr(const char *ifname, int family, const char *a, int plen)
{
	struct rump_ifaddr ia;

	memset(&ia, 0, sizeof(ia));
	ia.family = (uint8_t)family;
	ia.plen = (uint8_t)plen;
	if (inet_pton(family, a, ia.addr) != 1 ||
	    netcfg()->if_add_addr(ifname, &ia) != 0)
		die(a);
}

static void
iface(const char *name, const char *bus, const char *a4, const char *a6)
{
	char path[128], detail[128];

	snprintf(path, sizeof(path), "%s/%s", dir, bus);
	if (netcfg()->if_create(name) != 0 ||
	    netcfg()->if_set_linkstr(name, path, detail, sizeof(detail)) != 0)
		die(name);
	addr(name, AF_INET, a4, 24);
	addr(name, AF_INET6, a6, 64);
	if (netcfg()->if_set_flags(name, RUMP_IFF_UP, 0) != 0)
		die(name);
}

static void
route(int family, const char *dst, int plen, const char *gw, uint32_t flags)
{
	struct rump_rtentry rt;

	memset(&rt, 0, sizeof(rt));
	rt.family = (uint8_t)family;
	rt.plen = (uint8_t)plen;
	rt.flags = flags;
	inet_pton(family, dst, rt.dst);
	if (gw != NULL) {
		inet_pton(family, gw, rt.gateway);
		rt.flags |= RUMP_RTF_GATEWAY;
	}
	if (rtcfg()->rt_add(&rt) != 0)
		die(dst);
}

static void
neighbour(int family, const char *a)
{
	struct rump_neigh nb;

	memset(&nb, 0, sizeof(nb));
	nb.family = (uint8_t)family;
	nb.flags = RUMP_NF_STATIC;
	inet_pton(family, a, nb.addr);
	memcpy(nb.mac, "\xb2\xa0\x00\x00\x00\x09", 6);
	if (rtcfg()->nb_set(&nb) != 0)
		die(a);
}

static void
cleanup(void)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/bus0", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/bus1", dir);
	unlink(path);
	rmdir(dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const comps[] = { "rumpnet_netinet",
	    "rumpnet_netinet6", "rumpnet_shmif" };
	char err[256];
	size_t i;

	(void)argc; (void)argv;
	if (mkdtemp(dir) == NULL)
		die("mkdtemp");
	atexit(cleanup);
	for (i = 0; i < sizeof(comps) / sizeof(comps[0]); i++)
		if (component_load(comps[i], err, sizeof(err)) != 0)
			die(err);
	iface("shmif0", "bus0", "10.1.1.1", "fd01::1");
	iface("shmif1", "bus1", "10.1.2.1", "fd02::1");
	if (netcfg()->if_set_mtu("shmif1", 1280) != 0)
		die("mtu");
	route(AF_INET, "10.9.0.0", 16, "10.1.2.2", RUMP_RTF_STATIC);
	route(AF_INET, "10.8.0.0", 16, NULL, RUMP_RTF_STATIC | RUMP_RTF_REJECT);
	route(AF_INET, "10.7.0.0", 16, NULL,
	    RUMP_RTF_STATIC | RUMP_RTF_BLACKHOLE);
	route(AF_INET6, "fd09::", 64, "fd02::2", RUMP_RTF_STATIC);
	route(AF_INET6, "fd08::", 64, NULL, RUMP_RTF_STATIC | RUMP_RTF_REJECT);
	route(AF_INET6, "fd07::", 64, NULL,
	    RUMP_RTF_STATIC | RUMP_RTF_BLACKHOLE);
	neighbour(AF_INET, "10.1.2.2");
	neighbour(AF_INET6, "fd02::2");
	if (sysctl_set("net.inet.ip.forwarding", "1") != 0 ||
	    sysctl_set("net.inet6.ip6.forwarding", "1") != 0)
		die("sysctl");
	hyp_mtx_enter(&ifnet_cfg);
	ifp0 = ifnet_lookup("shmif0");
	ifp1 = ifnet_lookup("shmif1");
	hyp_mtx_exit(&ifnet_cfg);
	if (ifp0 == NULL || ifp1 == NULL)
		die("lookup");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t frame[9216];
	struct ifnet_frame f;
	struct ifnet *ifp;

	if (size < 1 || size - 1 > sizeof(frame))
		return 0;
	/* The first byte picks the interface; the rest is the frame. */
	ifp = (data[0] & 1) ? ifp1 : ifp0;
	memcpy(frame, data + 1, size - 1);
	if (size - 1 >= 6 && !(frame[0] & 1))
		memcpy(frame, ifp->mac, 6);
	f.data = frame;
	f.len = (uint32_t)(size - 1);
	ifnet_input(ifp, &f, 1);
	return 0;
}
