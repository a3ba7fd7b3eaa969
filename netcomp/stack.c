/*
 * stack.c — the netinet and netinet6 components: start lwIP's tcpip
 * thread, create lo0, register the socket backend (sockets.c), the
 * interface configuration ops (ifnet.c) and the stack's sysctl knobs.
 *
 * rumpnet_netinet   IPv4 (ARP, ICMP, UDP, TCP, raw sockets, loopback) and
 *                   the stack itself; depends on rumpnet_net.
 * rumpnet_netinet6  IPv6 on top of it (ND, ICMPv6, link-local addresses,
 *                   MLD): without it the stack drops IPv6 frames, creates
 *                   no IPv6 address and refuses AF_INET6 sockets.
 *
 * lwIP keeps its state in globals, so there is one stack per process,
 * which is one node.  Its options are fixed by Debian's build
 * (/usr/include/lwip/lwipopts.h); run-time switches live here as sysctl
 * knobs and are read lock-free (atomic ints) by the data path.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lwip/tcpip.h"
#include "lwip/sys.h"
#include "lwip/netif.h"

#include "kernel/component.h"
#include "kernel/hyper.h"
#include "kernel/klog.h"
#include "kernel/sysctl.h"
#include "netcomp/netinet.h"
#include "netcomp/netloop.h"
#include "netcomp/override.h"
#include "netcomp/route.h"

static int stack_started;       /* main thread (component init) */
static int stack_inet6;         /* atomic: rumpnet_netinet6 loaded */

/* Knob values; atomics, written by sysctl_set from any thread. */
static int knob_val[NK_COUNT] = {
	/* On, as in NetBSD's rump kernel, which is built with GATEWAY
	 * (IPFORWARDING 1); IPv6 forwarding is off there as here.  A lab's
	 * plan sets it for each node: on for routers, off for hosts. */
	[NK_IP_FORWARDING] = 1,
	[NK_IP_TTL] = 64,
	[NK_IP6_FORWARDING] = 0,
	[NK_IP6_HLIM] = 64,
	[NK_IP6_ACCEPT_RTADV] = 0,
	[NK_IDLE_ENABLE] = 1,
	[NK_ARP_KEEP] = 1200,           /* NetBSD's arpt_keep: 20 min */
	[NK_ARP_DOWN] = 20,             /* arpt_down */
	[NK_IP6_NEIGHBORGCTHRESH] = 2048,
	[NK_IP6_DAD_COUNT] = 1,         /* NetBSD's ip6_dad_count */
	[NK_IP6_AUTO_LINKLOCAL] = 1,
	[NK_IP_REDIRECT] = 1,           /* NetBSD's ipsendredirects */
	[NK_IP_DIRECTEDBCAST] = 0,      /* ip_directedbcast */
	[NK_ICMP_BMCASTECHO] = 0,       /* icmpbmcastecho */
	[NK_ICMP_REDIRTIMEOUT] = 600,   /* icmp_redirtimeout: 10 min */
	/* IPv4 options: NetBSD's defaults up to NetBSD 8 (NetBSD 9 turned
	 * source routing off); the lab's nodes take the route a packet
	 * asks for, as the tests of those releases expect. */
	[NK_IP_ALLOWSRCRT] = 1,
	[NK_IP_FORWSRCRT] = 1,
	[NK_IP_DAD_COUNT] = 3,          /* NetBSD's ip_dad_count (PROBE_NUM) */
};

static void
tcpip_ready(void *arg)
{
	sys_sem_signal((sys_sem_t *)arg);
}

/*
 * lwIP draws port numbers, TCP initial sequence numbers and protocol
 * delays from rand(): seed it per node, or every node of a lab would pick
 * the same ones.
 */
static void
seed_lwip_rand(void)
{
	unsigned seed;

	if (hyp_random(&seed, sizeof(seed)) != 0)
		seed = (unsigned)hyp_clock_mono_ns();
	srand(seed);
}

int
netstack_start(char *err, size_t errlen)
{
	sys_sem_t sem;

	if (stack_started)
		return 0;
	seed_lwip_rand();
	if (netloop_deferring()) {
		/* The main thread runs the loop once booted: nothing to
		 * wait for, and no callback (it would run at every start). */
		tcpip_init(NULL, NULL);
		stack_started = 1;
		return 0;
	}
	if (sys_sem_new(&sem, 0) != ERR_OK) {
		snprintf(err, errlen, "cannot create a semaphore for lwIP");
		return -ENOMEM;
	}
	tcpip_init(tcpip_ready, &sem);
	sys_arch_sem_wait(&sem, 0);
	sys_sem_free(&sem);
	stack_started = 1;
	return 0;
}

int
netstack_inet6(void)
{
	return __atomic_load_n(&stack_inet6, __ATOMIC_RELAXED);
}

void
netstack_lock(void)
{
	LOCK_TCPIP_CORE();
}

void
netstack_unlock(void)
{
	UNLOCK_TCPIP_CORE();
}

int
netstack_knob(enum netstack_knob k)
{
	return __atomic_load_n(&knob_val[k], __ATOMIC_RELAXED);
}

/* ---- sysctl ---- */

static int
knob_get(const struct sysctl_knob *k, char *buf, size_t len)
{
	int v = __atomic_load_n((int *)k->arg, __ATOMIC_RELAXED);

	return snprintf(buf, len, "%d", v) >= (int)len ? -ENOMEM : 0;
}

static int
knob_parse(const struct sysctl_knob *k, const char *val, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(val, &end, 10);
	if (errno != 0 || end == val || *end != '\0' || v < k->min ||
	    v > k->max)
		return -EINVAL;
	*out = (int)v;
	return 0;
}

static int
knob_set(const struct sysctl_knob *k, const char *val)
{
	int v, error;

	if ((error = knob_parse(k, val, &v)) != 0)
		return error;
	__atomic_store_n((int *)k->arg, v, __ATOMIC_RELAXED);
	return 0;
}

/*
 * Router solicitations, as NetBSD sends them: only from a node that
 * accepts advertisements (rtsold(8) runs beside accept_rtadv; the
 * kernel sends none).  lwIP would solicit from every interface that
 * comes up, three times 4 s apart: a router, or a host with its routes
 * set, gains nothing, and each solicitation wakes every node on the bus
 * (a 10,000-node lab spent a third of its start in such wake-ups).
 * liblwip calls this through its PLT whenever an interface or its link
 * comes up.  Core lock held.
 */
void
nd6_restart_netif(struct netif *netif)
{
	netif->rs_count = netstack_knob(NK_IP6_ACCEPT_RTADV) ?
	    LWIP_ND6_MAX_MULTICAST_SOLICIT : 0;
}

/* accept_rtadv also switches SLAAC on the interfaces that exist now,
 * and those that are up solicit an advertisement (or stop). */
static int
rtadv_set(const struct sysctl_knob *k, const char *val)
{
	struct netif *n;
	int error;

	if ((error = knob_set(k, val)) != 0)
		return error;
	netstack_lock();
	NETIF_FOREACH(n)
		if (n->flags & NETIF_FLAG_MLD6) {
			netif_set_ip6_autoconfig_enabled(n,
			    netstack_knob(NK_IP6_ACCEPT_RTADV));
			if (netif_is_up(n) && netif_is_link_up(n))
				nd6_restart_netif(n);
		}
	netstack_poke();
	netstack_unlock();
	return 0;
}

/* The idle policy switched: let the tcpip thread plan its sleep again. */
static int
idle_set(const struct sysctl_knob *k, const char *val)
{
	int error;

	if ((error = knob_set(k, val)) != 0)
		return error;
	netstack_lock();
	netstack_poke();
	netstack_unlock();
	return 0;
}

#define KNOB(nm, d, id, lo, hi) \
	{ nm, d, knob_get, knob_set, &knob_val[id], lo, hi }

static const struct sysctl_knob inet_knobs[] = {
	KNOB("net.inet.ip.forwarding",
	    "forward IPv4 packets not addressed to this node", NK_IP_FORWARDING,
	    0, 1),
	KNOB("net.inet.ip.ttl", "TTL of the IPv4 sockets and connections "
	    "made from now on, and of resets", NK_IP_TTL, 1, 255),
	KNOB("net.inet.arp.keep", "seconds a resolved ARP entry lives",
	    NK_ARP_KEEP, 1, 86400),
	KNOB("net.inet.arp.down", "seconds an address ARP gave up on is held "
	    "down", NK_ARP_DOWN, 1, 86400),
	{ "net.lwip.idle_enable",
	    "let the tcpip thread sleep while the stack is idle",
	    knob_get, idle_set, &knob_val[NK_IDLE_ENABLE], 0, 1 },
	/* ICMP redirects and broadcasts (ipfwd.c, route.c) */
	KNOB("net.inet.ip.redirect", "send ICMP redirects to hosts on the "
	    "subnet a forwarded packet leaves by again", NK_IP_REDIRECT, 0, 1),
	KNOB("net.inet.ip.directed-broadcast", "forward packets sent to the "
	    "broadcast address of another interface's subnet",
	    NK_IP_DIRECTEDBCAST, 0, 1),
	KNOB("net.inet.icmp.bmcastecho", "answer ICMP echo requests sent to "
	    "a broadcast or multicast address", NK_ICMP_BMCASTECHO, 0, 1),
	KNOB("net.inet.icmp.redirtimeout", "seconds a host route made by an "
	    "ICMP redirect lives (0: for ever)", NK_ICMP_REDIRTIMEOUT, 0,
	    2147483647),
	/* IPv4 options and path MTU */
	KNOB("net.inet.ip.allowsrcrt", "accept packets with a source-route "
	    "option (else answer \"net prohibited\")", NK_IP_ALLOWSRCRT, 0, 1),
	KNOB("net.inet.ip.forwsrcrt", "forward packets along their "
	    "source-route option", NK_IP_FORWSRCRT, 0, 1),
	KNOB("net.inet.ip.dad_count", "ARP probes sent to check that a new "
	    "IPv4 address is unique (0: none)", NK_IP_DAD_COUNT, 0, 100),
};

static const struct sysctl_knob inet6_knobs[] = {
	KNOB("net.inet6.ip6.forwarding",
	    "forward IPv6 packets not addressed to this node",
	    NK_IP6_FORWARDING, 0, 1),
	KNOB("net.inet6.ip6.hlim", "hop limit of the IPv6 sockets and "
	    "connections made from now on, and of resets", NK_IP6_HLIM,
	    1, 255),
	KNOB("net.inet6.ip6.neighborgcthresh", "dynamic neighbour cache "
	    "entries kept before the oldest go", NK_IP6_NEIGHBORGCTHRESH, 1,
	    65536),
	KNOB("net.inet6.ip6.dad_count", "neighbour solicitations sent to "
	    "check that a new address is unique (0: none)", NK_IP6_DAD_COUNT,
	    0, 100),
	KNOB("net.inet6.ip6.auto_linklocal", "interfaces made from now on "
	    "get a link-local address when they come up", NK_IP6_AUTO_LINKLOCAL,
	    0, 1),
	{ "net.inet6.ip6.accept_rtadv",
	    "configure addresses from router advertisements (SLAAC)",
	    knob_get, rtadv_set, &knob_val[NK_IP6_ACCEPT_RTADV], 0, 1 },
};

static int
register_knobs(const struct sysctl_knob *k, size_t n)
{
	size_t i;
	int error;

	for (i = 0; i < n; i++)
		if ((error = sysctl_register(&k[i])) != 0 && error != -EEXIST)
			return error;
	return 0;
}

int
netstack_sysctl_init(int inet6)
{
	if (inet6)
		return register_knobs(inet6_knobs,
		    sizeof(inet6_knobs) / sizeof(inet6_knobs[0]));
	return register_knobs(inet_knobs,
	    sizeof(inet_knobs) / sizeof(inet_knobs[0]));
}

/* ---- components ---- */

static int
netinet_init(char *err, size_t errlen)
{
	int error;

	if ((error = override_resolve(err, errlen)) != 0 ||
	    (error = netstack_start(err, errlen)) != 0)
		return error;
	if ((error = netstack_sysctl_init(0)) != 0 ||
	    (error = idle_sysctl_init()) != 0) {
		snprintf(err, errlen, "cannot register sysctl knobs: %s",
		    strerror(-error));
		return error;
	}
	if ((error = ifnet_init(err, errlen)) != 0)
		return error;
	if ((error = route_init()) != 0) {
		snprintf(err, errlen, "cannot start the routing table: %s",
		    strerror(-error));
		return error;
	}
	if ((error = sockets_init()) != 0) {
		snprintf(err, errlen, "cannot start the socket layer: %s",
		    strerror(-error));
		return error;
	}
	klog(KLOG_INFO, "netinet: lwIP stack started");
	return 0;
}

static void
netinet_fini(void)
{
	ifnet_fini();
	netloop_stop();		/* the last user of the stack is gone */
}

static int
netinet6_init(char *err, size_t errlen)
{
	int error;

	if ((error = netstack_sysctl_init(1)) != 0) {
		snprintf(err, errlen, "cannot register sysctl knobs: %s",
		    strerror(-error));
		return error;
	}
	__atomic_store_n(&stack_inet6, 1, __ATOMIC_RELAXED);
	if ((error = ifnet_inet6_start()) != 0) {
		snprintf(err, errlen, "cannot configure IPv6: %s",
		    strerror(-error));
		return error;
	}
	return 0;
}

static void
netinet6_fini(void)
{
	__atomic_store_n(&stack_inet6, 0, __ATOMIC_RELAXED);
}

static const struct component comp_netinet = {
	.name = "rumpnet_netinet",
	.deps = { "rumpnet_net", NULL },
	.init = netinet_init,
	.fini = netinet_fini,
	.halt = netloop_stop,
};
COMPONENT_REGISTER(comp_netinet);

static const struct component comp_netinet6 = {
	.name = "rumpnet_netinet6",
	.deps = { "rumpnet_netinet", NULL },
	.init = netinet6_init,
	.fini = netinet6_fini,
};
COMPONENT_REGISTER(comp_netinet6);
