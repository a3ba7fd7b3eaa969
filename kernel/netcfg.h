/*
 * netcfg.h — the configuration operations a network faction provides to the
 * kernel core (registered by the netinet component), and that the sysproxy
 * server exposes to clients as rump_sys_if*.  Names and structures are the
 * client's (kernel/rumpclient.h).
 *
 * Contract: every op returns 0 (or a count) or -errno: -ENXIO no such
 * interface, -EEXIST duplicate, -EINVAL bad argument, -EBUSY linkstr while
 * up (linkstr, MAC), -EOPNOTSUPP an interface kind not loaded.  Ops may be called from any
 * thread; the implementation does its own locking.  None blocks on the
 * network.
 */
#ifndef RUMPLAB_NETCFG_H
#define RUMPLAB_NETCFG_H

#include "kernel/rumpclient.h"

struct netcfg_ops {
	int (*if_create)(const char *name);
	int (*if_destroy)(const char *name);
	int (*if_list)(char (*names)[RUMP_IFNAMSIZ], int max);
	int (*if_get)(const char *name, struct rump_ifinfo *info);
	/* linkstr: detail[] receives a reason on error ("not a shmif bus: ..."). */
	int (*if_set_linkstr)(const char *name, const char *linkstr,
	        char *detail, size_t detaillen);
	int (*if_set_flags)(const char *name, uint32_t set, uint32_t clear);
	int (*if_set_mtu)(const char *name, uint32_t mtu);
	int (*if_add_addr)(const char *name, const struct rump_ifaddr *a);
	int (*if_del_addr)(const char *name, const struct rump_ifaddr *a);
	/* -EINVAL a multicast or zero MAC, -EOPNOTSUPP no link (lo0). */
	int (*if_set_mac)(const char *name, const uint8_t mac[6]);
	/* RUMP_LLADDR_* (rumpclient.h); -EINVAL also a bad op. */
	int (*if_lladdr)(const char *name, const uint8_t mac[6], int op);
	/* RUMP_MEDIA_*; -EOPNOTSUPP an interface with no media. */
	int (*if_set_media)(const char *name, uint32_t media);
	/* Carrier, impairments, capture taps (rumpclient.h); a tap belongs
	 * to owner (the client connection) and goes in if_tap_release. */
	int (*if_set_carrier)(const char *name, int up);
	int (*if_set_impair)(const char *name, int dir,
	        const struct rump_impair *imp);
	int (*if_get_impair)(const char *name, int dir,
	        struct rump_impair *imp);
	int (*if_tap)(const char *name, const char *path, int on,
	        uintptr_t owner);
	void (*if_tap_release)(uintptr_t owner);
	/* Bridges: -ENOTTY for an interface that is none. get fills up to
	 * RUMP_BRIDGE_MAXPORTS ports and maxaddrs addrs. */
	int (*if_bridge_set)(const char *name, const struct rump_brreq *req);
	int (*if_bridge_get)(const char *name, struct rump_brstatus *st,
	        struct rump_brport *ports, struct rump_braddr *addrs,
	        int maxaddrs);
	/* The kinds if_create makes (NetBSD's cloners), as if_list. */
	int (*if_cloners)(char (*names)[RUMP_IFNAMSIZ], int max);
	/* if_get, then the counters zeroed (NetBSD's SIOCZIFDATA). */
	int (*if_zero)(const char *name, struct rump_ifinfo *info);
	/* IPv6 address lifetimes, seconds (RUMP_LIFE_INFINITE): if_add_addr
	 * with them (-EINVAL pltime > vltime or vltime 0), and what is left
	 * of an address's (both infinite: it has none). */
	int (*if_add_addr_life)(const char *name, const struct rump_ifaddr *a,
	        uint32_t pltime, uint32_t vltime);
	int (*if_get_life)(const char *name, const struct rump_ifaddr *a,
	        uint32_t *pltime, uint32_t *vltime);
};

/* Set by the network component at init; NULL when none is loaded. */
void netcfg_register(const struct netcfg_ops *ops);
const struct netcfg_ops *netcfg(void);

/*
 * Routes, neighbours and counters (registered by the netinet component's
 * routing table, netcomp/route.c).  Same conventions; besides: -ESRCH no
 * such route, -ENETUNREACH a gateway on no connected subnet,
 * -EHOSTUNREACH route get found nothing.  list ops fill up to max entries
 * and return the total; netstat returns the bytes its text needs and
 * NUL-terminates buf when len > 0.
 */
struct rtcfg_ops {
	int (*rt_add)(const struct rump_rtentry *rt);
	int (*rt_delete)(const struct rump_rtentry *rt);
	int (*rt_change)(const struct rump_rtentry *rt);
	int (*rt_get)(struct rump_rtentry *rt);
	int (*rt_list)(int family, struct rump_rtentry *rt, int max);
	int (*rt_flush)(int family);
	int (*nb_list)(int family, struct rump_neigh *nb, int max);
	int (*nb_set)(const struct rump_neigh *nb);
	int (*nb_delete)(const struct rump_neigh *nb);
	int (*nb_flush)(int family);
	long (*netstat)(int what, char *buf, size_t len);
};

void rtcfg_register(const struct rtcfg_ops *ops);
const struct rtcfg_ops *rtcfg(void);

#endif
