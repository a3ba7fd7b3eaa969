/*
 * ifnet.h — a node's network interfaces, and the contract between the
 * interface layer and the interface drivers (netcomp/if_shmif.c is the
 * one kind).  Like a NetBSD driver or a vdeplug4 transport, a driver is
 * one file exporting one `struct ifkind`; the interface layer never knows
 * which kind it drives.  Drivers move Ethernet frames as bytes and include
 * no lwIP header.
 *
 * Driver contract
 *  - attach() runs when an interface of the kind is created (softc zeroed,
 *    ifnet_mac() already chosen); detach() when it is destroyed, after the
 *    stack has stopped using it.  Both on a configuration thread.
 *  - set_linkstr() (re)attaches the link: "" detaches.  It may block (file
 *    I/O) and is called only while the interface is down; it writes a
 *    one-line reason into detail on failure and returns -errno.
 *  - transmit() is called by the stack with its core lock held, or by the
 *    impairment thread (netcomp/impair.c) for frames that were delayed:
 *    calls may overlap, so a driver locks its own transmit side; frames
 *    are valid only during the call; it must not sleep for long.  It returns the number of frames sent or -errno.
 *  - The driver delivers received frames with ifnet_input() from its own
 *    receive thread (one call at a time per interface), with no lock held.
 *    It must stop calling ifnet_input() before detach() returns.
 *  - max_frame() is the largest Ethernet frame (header included, no FCS)
 *    the link carries; the MTU is kept at most max_frame - 14.
 *  - A kind with no link of its own (a bridge) leaves set_linkstr NULL:
 *    its interfaces are linked from their creation and refuse linkstr.
 *  - bridge_set() and bridge_get() are a bridge kind's configuration
 *    (NetBSD's SIOCSDRVSPEC and SIOCGDRVSPEC), called with ifnet_cfg held;
 *    NULL for every other kind (-ENOTTY).
 *
 * Configuration entry points (ifnet_create ...) are the netcfg ops
 * (kernel/netcfg.h) and follow its error conventions; any thread.
 */
#ifndef RUMPLAB_NETCOMP_IFNET_H
#define RUMPLAB_NETCOMP_IFNET_H

#include <stddef.h>
#include <stdint.h>

#include "kernel/rumpclient.h"

struct ifnet;

struct ifnet_frame {
	const void *data;
	uint32_t len;
};

struct ifkind {
	const char *name;               /* "shmif": interfaces shmif0, ... */
	size_t softc_size;
	int  (*attach)(struct ifnet *ifp, char *err, size_t errlen);
	void (*detach)(struct ifnet *ifp);
	int  (*set_linkstr)(struct ifnet *ifp, const char *linkstr,
	         char *detail, size_t detaillen);
	int  (*transmit)(struct ifnet *ifp, const struct ifnet_frame *f,
	         unsigned n);
	uint32_t (*max_frame)(struct ifnet *ifp);
	int  (*bridge_set)(struct ifnet *ifp, const struct rump_brreq *req);
	int  (*bridge_get)(struct ifnet *ifp, struct rump_brstatus *st,
	         struct rump_brport *ports, struct rump_braddr *addrs,
	         int maxaddrs);
};

/* Kinds: registered by their component's init, unregistered by its fini
 * (which destroys the kind's interfaces first). */
int  ifkind_register(const struct ifkind *kind);
void ifkind_unregister(const struct ifkind *kind);

/* For drivers. */
void *ifnet_softc(struct ifnet *ifp);
const char *ifnet_name(const struct ifnet *ifp);
void ifnet_mac(const struct ifnet *ifp, uint8_t mac[6]);
void ifnet_input(struct ifnet *ifp, const struct ifnet_frame *f, unsigned n);
/* Receive errors the driver saw (bad frames / frames it had to drop). */
void ifnet_count_ierrors(struct ifnet *ifp, uint64_t n);
void ifnet_count_iqdrops(struct ifnet *ifp, uint64_t n);

/*
 * For the bridge (netcomp/bridge.h): an interface that is a bridge's
 * member hands the frames it receives to bridge_input() instead of the
 * stack.  find, bridgeable and set_promisc with ifnet_cfg held; the
 * others from any thread.
 */
struct bridge_port;
struct ifnet *ifnet_find(const char *name);
int  ifnet_bridgeable(const struct ifnet *ifp);    /* an Ethernet link */
void ifnet_set_promisc(struct ifnet *ifp, int on);
int  ifnet_up(const struct ifnet *ifp);
struct bridge_port *ifnet_brport(const struct ifnet *ifp);
uint32_t ifnet_ifindex(const struct ifnet *ifp);
/* A member's frames the bridge takes: counted and tapped as received
 * (runts as input errors). */
void ifnet_account_input(struct ifnet *ifp, const struct ifnet_frame *f,
         unsigned n);
void ifnet_set_brport(struct ifnet *ifp, struct bridge_port *port);

/* Configuration (kernel/netcfg.h semantics). */
int  ifnet_create(const char *name);
int  ifnet_destroy(const char *name);
int  ifnet_list(char (*names)[RUMP_IFNAMSIZ], int max);
int  ifnet_get(const char *name, struct rump_ifinfo *info);
int  ifnet_set_linkstr(const char *name, const char *linkstr, char *detail,
         size_t detaillen);
int  ifnet_set_flags(const char *name, uint32_t set, uint32_t clear);
int  ifnet_set_mtu(const char *name, uint32_t mtu);
int  ifnet_add_addr(const char *name, const struct rump_ifaddr *a);
int  ifnet_del_addr(const char *name, const struct rump_ifaddr *a);
int  ifnet_add_addr_life(const char *name, const struct rump_ifaddr *a,
         uint32_t pltime, uint32_t vltime);
int  ifnet_get_life(const char *name, const struct rump_ifaddr *a,
         uint32_t *pltime, uint32_t *vltime);
int  ifnet_zero(const char *name, struct rump_ifinfo *info);
int  ifnet_cloners(char (*names)[RUMP_IFNAMSIZ], int max);
int  ifnet_set_mac(const char *name, const uint8_t mac[6]);
int  ifnet_lladdr(const char *name, const uint8_t mac[6], int op);
int  ifnet_set_media(const char *name, uint32_t media);
int  ifnet_set_carrier(const char *name, int up);
int  ifnet_set_impair(const char *name, int dir, const struct rump_impair *imp);
int  ifnet_get_impair(const char *name, int dir, struct rump_impair *imp);
int  ifnet_tap(const char *name, const char *path, int on, uintptr_t owner);
int  ifnet_bridge_set(const char *name, const struct rump_brreq *req);
int  ifnet_bridge_get(const char *name, struct rump_brstatus *st,
         struct rump_brport *ports, struct rump_braddr *addrs, int maxaddrs);
void ifnet_tap_release(uintptr_t owner);
/* The stack's index of an interface (sin6_scope_id of its link-local
 * addresses), or -ENXIO. */
int  ifnet_index(const char *name);

#endif
