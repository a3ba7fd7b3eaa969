/*
 * netinet.h — the inside of the network faction: what the files of
 * netcomp/ share with each other.  Not a public contract; the kernel core
 * sees netcomp only through its components (rumpnet_netinet,
 * rumpnet_netinet6, rumpnet_shmif) and the ops tables they register
 * (kernel/ksock.h, kernel/netcfg.h, kernel/sysctl.h).
 *
 * The TCP/IP stack is Debian's lwIP.  Only the .c files of netcomp/ that
 * implement the glue include lwIP headers; this header and ifnet.h do not,
 * so interface drivers stay free of lwIP.
 *
 * Locking: the stack has one lock, lwIP's core lock (LOCK_TCPIP_CORE), held
 * by the tcpip thread while it runs and by any other thread that calls the
 * stack's raw API.  netstack_lock()/netstack_unlock() take and drop it; it is
 * never held across a blocking host call.  Lock order, outermost first:
 * ifnet_cfg (interface configuration), ksock table, core lock.
 */
/*
 * Routing: route.c holds the table (connected subnets read live from the
 * netifs, static routes), ipfwd.c replaces lwIP's ip4_route()/ip6_route()
 * (liblwip.so calls them through its PLT), sends through the netifs'
 * output hooks with the route's next hop and forwards IPv4; ipfwd6.c
 * replaces lwIP's ip6_input() to forward IPv6 and learn path MTUs;
 * ipopt.c processes received IPv4 options (record route, source routes)
 * and puts a socket's IP_OPTIONS in its datagrams;
 * icmp6err.c sends ICMPv6 errors and limits both families' errors;
 * reass.c reassembles both families for the node; neigh.c shows and
 * edits ARP/ND.  See route.h.
 *
 * tcp_input.c replaces lwIP's tcp_input() the same way, to drop the bare
 * ACKs with which two zero-window ends of a connection would answer each
 * other forever (a livelock of the tcpip thread over the loopback);
 * udp_input.c replaces udp_input() to drop the UDP-Lite datagrams that
 * trip an lwIP assertion.
 */
#ifndef RUMPLAB_NETCOMP_NETINET_H
#define RUMPLAB_NETCOMP_NETINET_H

#include <stddef.h>
#include <stdint.h>

/* stack.c: start lwIP's tcpip thread once (idempotent; main thread). */
int  netstack_start(char *err, size_t errlen);
int  netstack_inet6(void);          /* rumpnet_netinet6 loaded */
void netstack_lock(void);
void netstack_unlock(void);

/* Run-time switches (sysctl), read with netstack_knob(). */
enum netstack_knob {
	NK_IP_FORWARDING,       /* net.inet.ip.forwarding */
	NK_IP_TTL,              /* net.inet.ip.ttl */
	NK_IP6_FORWARDING,      /* net.inet6.ip6.forwarding */
	NK_IP6_HLIM,            /* net.inet6.ip6.hlim */
	NK_IP6_ACCEPT_RTADV,    /* net.inet6.ip6.accept_rtadv */
	NK_IDLE_ENABLE,         /* net.lwip.idle_enable */
	NK_ARP_KEEP,            /* net.inet.arp.keep: s an entry lives */
	NK_ARP_DOWN,            /* net.inet.arp.down: s held down */
	NK_IP6_NEIGHBORGCTHRESH,/* net.inet6.ip6.neighborgcthresh */
	NK_IP6_DAD_COUNT,       /* net.inet6.ip6.dad_count */
	NK_IP6_AUTO_LINKLOCAL,  /* net.inet6.ip6.auto_linklocal */
	NK_IP_REDIRECT,         /* net.inet.ip.redirect: send redirects */
	NK_IP_DIRECTEDBCAST,    /* net.inet.ip.directed-broadcast */
	NK_ICMP_BMCASTECHO,     /* net.inet.icmp.bmcastecho */
	NK_ICMP_REDIRTIMEOUT,   /* net.inet.icmp.redirtimeout: s */
	/* IPv4 options and path MTU (ipopt.c, ipfwd.c) */
	NK_IP_ALLOWSRCRT,       /* net.inet.ip.allowsrcrt */
	NK_IP_FORWSRCRT,        /* net.inet.ip.forwsrcrt */
	NK_IP_DAD_COUNT,        /* net.inet.ip.dad_count: ARP probes (arp.c) */
	NK_COUNT
};
int  netstack_knob(enum netstack_knob k);
int  netstack_sysctl_init(int inet6);

/*
 * idle.c: the tcpip thread's sleep policy (see the top of idle.c).  Any
 * thread that works on the stack outside the tcpip thread (a socket call,
 * a received batch, a configuration change) calls netstack_enter() before
 * the work, which ages what a long sleep left unaged, and netstack_poke()
 * after it, which wakes the tcpip thread if the work armed a timer it must
 * not sleep through.  Both with the core lock held; the _unlocked variants
 * take it only when the tcpip thread sleeps long.  The notes record events
 * lwIP keeps private.
 */
void netstack_enter(void);
void netstack_poke(void);
void netstack_enter_unlocked(void);
void netstack_poke_unlocked(void);
void idle_note_nd6_tick(void);     /* nd6_tmr() runs (ifaddr.c) */
int  idle_sysctl_init(void);
/* neigh.c: ms until the neighbour table's next timer (0: due now,
 * UINT32_MAX: none); core lock held. */
uint32_t neigh_quiet_for(void);
/* ifaddr.c: ms until a configured IPv6 address lifetime ends, same. */
uint32_t ifaddr_life_quiet_for(void);
/* arp.c: ms until the next step of an IPv4 address's duplicate address
 * detection or announcement (0: due now, UINT32_MAX: none); core lock. */
uint32_t arp_dad_quiet_for(void);

/* ipfwd.c: the IPv4 packets this thread sends between ipfwd_df_begin()
 * and ipfwd_df_end() carry DF (a socket with IP_MTU_DISCOVER, ping -D);
 * one too big for its interface is refused and ipfwd_df_end(r) turns
 * the send's result r into -EMSGSIZE.  Without the core lock held. */
void ipfwd_df_begin(void);
long ipfwd_df_end(long r);

/* sockets.c: struct ksock_ops over lwIP's socket API. */
int  sockets_init(void);

/* ifnet.c: the interfaces; registers the netcfg ops. */
int  ifnet_init(char *err, size_t errlen);   /* lo0 */
void ifnet_fini(void);
int  ifnet_inet6_start(void);  /* ::1, link-local addresses on up ifs */

#endif
