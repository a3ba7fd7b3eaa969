/*
 * override.h — the lwIP functions the glue replaces, in one table.
 *
 * liblwip.so calls each of them through its PLT, so a definition of the
 * same name in rump_server wins for the whole process.  Two kinds:
 *  - WRAP: the glue's version does its part and calls lwIP's own, which
 *    override_resolve() finds with dlsym(RTLD_NEXT) and keeps in
 *    `lwip_real` (typed as lwIP's headers declare it);
 *  - REPLACE: the glue's version is the whole of it.  liblwip must still
 *    define the name, or lwIP does not call it and ours is dead code.
 * Every entry is looked up in liblwip when the netinet component starts
 * (stack.c); one that is missing stops the component with its name, the
 * library and what to do, instead of a crash in the first packet.
 *
 * Contract: override_resolve() runs on the main thread before lwIP's
 * tcpip thread exists, so every pointer is set before any override can
 * run; once it succeeded lwip_real is read-only (a second call returns
 * 0 and writes nothing).  A
 * wrapper calls lwip_real.NAME directly: one load, no lookup per packet.
 */
#ifndef RUMPLAB_NETCOMP_OVERRIDE_H
#define RUMPLAB_NETCOMP_OVERRIDE_H

#include <stddef.h>

#include "lwip/icmp.h"
#include "lwip/icmp6.h"
#include "lwip/ip4.h"
#include "lwip/ip4_frag.h"
#include "lwip/ip6.h"
#include "lwip/nd6.h"
#include "lwip/sys.h"
#include "lwip/timeouts.h"
#include "lwip/udp.h"
#include "lwip/priv/tcp_priv.h"

/* The table: WRAP(name) or REPLACE(name), and where the glue's one is. */
#define LWIP_OVERRIDES(WRAP, REPLACE)					\
	WRAP(sys_unlock_tcpip_core)	/* ether.c: queued frames go */	\
	WRAP(sys_timeouts_sleeptime)	/* idle.c: no wake-ups idle */	\
	WRAP(ip4_route)			/* ipfwd.c: the routing table */\
	WRAP(ip6_route)			/* ipfwd.c */			\
	WRAP(ip4_frag)			/* ipfwd.c: DF, counters */	\
	WRAP(ip4_output_if_opt_src)	/* ipopt.c: IP_OPTIONS */	\
	WRAP(ip6_input)			/* ipfwd6.c: forwarding */	\
	WRAP(nd6_get_destination_mtu)	/* ipfwd6.c: path MTUs */	\
	WRAP(tcp_alloc)			/* hoplimit.c: NetBSD's TTLs */	\
	WRAP(tcp_rst)			/* hoplimit.c */		\
	WRAP(icmp6_input)		/* hoplimit.c */		\
	WRAP(ip4_output_if)		/* hoplimit.c */		\
	WRAP(ip6_output_if)		/* hoplimit.c */		\
	WRAP(nd6_input)			/* nd6.c: the node's ND table */\
	WRAP(nd6_reachability_hint)	/* nd6.c */			\
	WRAP(nd6_tmr)			/* ifaddr.c: dad_count probes */\
	WRAP(netif_loop_output)		/* ether.c: lo0 counts them */	\
	WRAP(sys_thread_new)		/* netloop.c: the tcpip loop */	\
	WRAP(tcp_input)			/* tcp_input.c: zero windows */	\
	WRAP(udp_input)			/* udp_input.c: UDP-Lite */	\
	WRAP(ip6_select_source_address)	/* route.c: blackhole sources */\
	REPLACE(nd6_restart_netif)	/* stack.c: RS with accept_rtadv */\
	REPLACE(icmp_dest_unreach)	/* ipfwd.c: NetBSD's errors */	\
	REPLACE(etharp_request)		/* arp.c: NetBSD's announcements */\
	REPLACE(icmp6_dest_unreach)	/* icmp6err.c: NetBSD's errors*/\
	REPLACE(icmp6_param_problem)	/* icmp6err.c */		\
	REPLACE(ip4_reass)		/* ipfwd.c: reass.c's slots */	\
	REPLACE(ip6_reass)		/* ipfwd6.c: reass.c's slots */	\
	REPLACE(sys_mbox_new)		/* netloop.c: futex mailboxes */\
	REPLACE(sys_mbox_free)		/* netloop.c */			\
	REPLACE(sys_mbox_post)		/* netloop.c */			\
	REPLACE(sys_mbox_trypost)	/* netloop.c */			\
	REPLACE(sys_mbox_trypost_fromisr) /* netloop.c */		\
	REPLACE(sys_arch_mbox_fetch)	/* netloop.c */			\
	REPLACE(sys_arch_mbox_tryfetch)	/* netloop.c */

#define OVERRIDE_SLOT(f)	__typeof__(f) *f;
#define OVERRIDE_NOSLOT(f)

/* lwIP's own of each WRAP entry. */
struct lwip_real {
	LWIP_OVERRIDES(OVERRIDE_SLOT, OVERRIDE_NOSLOT)
};

extern struct lwip_real lwip_real;

/* One entry of a table: a name, and where its pointer goes (or none). */
struct override {
	const char	*name;
	size_t		 off;		/* in struct lwip_real */
	int		 wrap;		/* 0: REPLACE, no pointer kept */
};

/*
 * Finds each of the n entries with dlsym(RTLD_NEXT) and sets the
 * pointers of the WRAP ones in *real.  All or nothing: 0, or -ENOENT
 * with the first missing one, the library searched and the remedy in
 * err, and *real untouched.
 */
int	override_resolve_table(const struct override *t, size_t n,
	    struct lwip_real *real, char *err, size_t errlen);
/* The table above into lwip_real. */
int	override_resolve(char *err, size_t errlen);

#endif
