/*
 * ifnet_var.h — the interface structure, shared by the interface layer's
 * files (ifnet.c: the table and configuration; ifaddr.c: addresses;
 * ether.c: the lwIP netifs and the frame paths).  lwIP types inside: only
 * netcomp's glue includes it.
 *
 * Each interface is one lwIP netif.  lwIP gives a netif a single IPv4
 * address, so every further IPv4 address ("alias") is a hidden netif of
 * its own with the same MAC on the same link: ARP frames are shown to
 * every netif of the interface, and IPv4 input accepts a packet for any
 * local address whatever netif it came in on (weak host model), so
 * aliases answer ARP, ICMP, UDP and TCP like the primary address.
 *
 * Locks: the table (ifnet_head in ifnet.c) and the configuration fields are written
 * with ifnet_cfg held and, for what the stack reads, the core lock too;
 * the netifs belong to the core lock.  Counters are atomics.
 */
#ifndef RUMPLAB_NETCOMP_IFNET_VAR_H
#define RUMPLAB_NETCOMP_IFNET_VAR_H

#include "lwip/netif.h"

#include "kernel/hyper.h"
#include "netcomp/ifnet.h"

#define IFNET_MAXALIAS 8        /* extra IPv4 addresses per interface */
#define IFNET_TXQ_FRAMES 32     /* frames batched per transmit */

/*
 * An IPv4 address's state, as NetBSD's ia4_flags (RFC 5227 duplicate
 * address detection, arp.c), and the DAD under way for it.  Core lock.
 */
#define IN4_TENTATIVE   0x01    /* DAD under way: not answered for */
#define IN4_DUPLICATED  0x02    /* another node has it: not answered for */
#define IN4_DETACHED    0x04    /* the interface went down while it had it */
#define IN4_ANNOUNCE    0x08    /* given while down: announce when it runs */

struct in4dad {
	struct netif *n;        /* the netif holding the address */
	uint8_t flags;          /* IN4_* */
	uint8_t probes;         /* DAD probes sent */
	uint8_t announces;      /* announcements sent after DAD */
	uint8_t count;          /* probes to send (dad_count at the start) */
	uint64_t at;            /* ms of the next step; 0: none under way */
	uint64_t defended;      /* ms of the last defence; 0: never */
	struct in4dad *next;    /* arp.c's list of those under way */
};

struct ifalias {
	struct netif netif;     /* core lock */
	uint8_t plen;           /* as configured */
	struct in4dad dad;      /* core lock */
	struct ifalias *next;   /* ifnet_cfg + core lock */
};

struct ifnet_counters {         /* atomics */
	uint64_t ipackets, ierrors, opackets, oerrors;
	uint64_t ibytes, obytes, iqdrops;
};

struct ifnet {
	/* Set at creation, read-only afterwards. */
	char name[RUMP_IFNAMSIZ];
	const struct ifkind *kind;      /* NULL: the loopback lo0 */
	void *softc;
	/* ifnet_cfg + core lock; the receive filter reads it unlocked (a
	 * frame racing a change of the active link address is taken or
	 * dropped as if it came a moment earlier or later). */
	uint8_t mac[6];
	uint8_t lladdrs[RUMP_MAXLLADDRS][6];    /* ifnet_cfg: inactive */
	int nlladdrs;

	/* ifnet_cfg + core lock. */
	struct netif netif;
	struct in4dad dad4;             /* the primary IPv4 address's */
	int in4_running;                /* up and link up, as last seen */
	struct ifalias *aliases;
	int naliases;
	uint8_t v6plen[LWIP_IPV6_NUM_ADDRESSES];
	uint8_t v6ours[LWIP_IPV6_NUM_ADDRESSES]; /* configured, not SLAAC */
	uint8_t v6dad[LWIP_IPV6_NUM_ADDRESSES];  /* DAD probes sent */
	/* Configured lifetimes' ends (ifaddr.c), monotonic ms; 0: none. */
	uint64_t v6pref_end[LWIP_IPV6_NUM_ADDRESSES];
	uint64_t v6valid_end[LWIP_IPV6_NUM_ADDRESSES];
	int auto_linklocal;             /* net.inet6.ip6.auto_linklocal at
	                                   creation: make fe80:: on up */
	uint32_t uflags;                /* RUMP_IFF_PROMISC, RUMP_IFF_NOARP */
	uint32_t mtu;
	int link_up;
	int dying;                      /* input drops everything */
	char linkstr[RUMP_LINKSTRLEN];

	/* Core lock: frames lwIP sent and the driver has not yet had, in
	 * IFNET_TXQ_FRAMES slots of txq_slot bytes (the link's max frame);
	 * handed over in one batch when the core lock is released. */
	uint8_t *txq;
	uint32_t txq_slot;
	unsigned txq_n;
	struct ifnet_frame txq_f[IFNET_TXQ_FRAMES];
	int txq_listed;
	struct ifnet *txq_next;         /* core lock: the pending list */

	/* Impairments and taps (impair.h): each direction's queue, set once
	 * and kept until the interface goes; imp_on and ntaps are atomics
	 * the frame paths test. */
	struct impq *imp[2];            /* [dir - 1]; impair.c's lock */
	int imp_on[2];
	struct iftap *taps;             /* iftap.c's lock */
	int ntaps;
	/* No carrier, for these reasons (ifnet_cfg + core lock; the frame
	 * paths read it atomically and drop frames while it is not 0). */
	int carrier_lost;
#define IFNET_DARK_CABLE 1              /* the lab's link is down (the
                                           stack's link too) */
#define IFNET_DARK_MEDIA 2              /* media none (iflink.c) */
	/* The bridge port it is (netcomp/bridge.c), NULL when its frames
	 * go to the stack: bridge.c's lock, read first without it. */
	struct bridge_port *brport;

	struct ifnet_counters cnt;
	struct ifnet *next;             /* ifnet_cfg */
};

#define IFNET_COUNT(ifp, field, n) \
	__atomic_fetch_add(&(ifp)->cnt.field, (n), __ATOMIC_RELAXED)

extern hyp_mtx_t ifnet_cfg;

/* ether.c: netifs and the transmit queue (core lock held). */
int   ifnet_txq_resize(struct ifnet *ifp, uint32_t slot);
void  ifnet_txq_flush(struct ifnet *ifp);
void  ifnet_txq_free(struct ifnet *ifp);
err_t ether_netif_add(struct ifnet *ifp);
err_t loop_netif_add(struct ifnet *ifp, int first);
err_t alias_netif_add(struct ifnet *ifp, struct ifalias *al,
          const ip4_addr_t *ip, const ip4_addr_t *mask);
void  ifnet_sync_aliases(struct ifnet *ifp);  /* up/link/mtu to aliases */

/* ifaddr.c (core lock held). */
int   ifaddr_fill(struct ifnet *ifp, struct rump_ifaddr *out, int max);
int   ifaddr_add(struct ifnet *ifp, const struct rump_ifaddr *a);
int   ifaddr_del(struct ifnet *ifp, const struct rump_ifaddr *a);
int   ifaddr_add_life(struct ifnet *ifp, const struct rump_ifaddr *a,
          uint32_t pltime, uint32_t vltime);
int   ifaddr_get_life(struct ifnet *ifp, const struct rump_ifaddr *a,
          uint32_t *pltime, uint32_t *vltime);
void  ifaddr_up(struct ifnet *ifp);    /* link-local, restart DAD */
/* Up or link changed: IPv4 addresses detach, or are checked again and
 * announced (called by ifnet_sync_aliases). */
void  ifaddr_in4_sync(struct ifnet *ifp);
void  ifaddr_remove_all(struct ifnet *ifp);
/* The MAC changed from old: a link-local address made from it follows. */
void  ifaddr_mac_changed(struct ifnet *ifp, const uint8_t old[6]);

/* ifnet.c */
struct ifnet *ifnet_lookup(const char *name);  /* ifnet_cfg held */
struct ifnet *ifnet_loopback(void);     /* lo0: made at start, kept */

/* iflink.c: link addresses, media and link state (ifnet_cfg held; the
 * core lock too for iflink_set_mac). */
int   iflink_state(const struct ifnet *ifp);    /* RUMP_LINK_STATE_* */
void  iflink_fill(const struct ifnet *ifp, struct rump_ifinfo *info);
void  iflink_set_mac(struct ifnet *ifp, const uint8_t mac[6]);

#endif
