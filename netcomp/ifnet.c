/*
 * ifnet.c — the table of a node's interfaces and their configuration:
 * create and destroy (shmif0, ..., and the loopbacks lo1, lo2 ... of
 * NetBSD's lo cloner), link string, MAC, flags, MTU, the view clients
 * get (rump_ifinfo), and the registry of interface kinds.  These
 * functions are the netcfg ops (kernel/netcfg.h) the netinet component
 * registers.  Addresses are in ifaddr.c, the lwIP netifs and frame paths
 * in ether.c.
 *
 * Locks: ifnet_cfg serialises configuration and guards the table; it is
 * held across a driver's set_linkstr (which opens and maps a bus file),
 * a configuration-only wait.  The stack's state is changed under the core
 * lock, taken inside ifnet_cfg, never across a driver call that blocks.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lwip/netif.h"
#include "lwip/tcpip.h"

#include "kernel/klog.h"
#include "kernel/netcfg.h"
#include "netcomp/bridge.h"
#include "netcomp/ifnet_var.h"
#include "netcomp/impair.h"
#include "netcomp/neigh.h"
#include "netcomp/netinet.h"

#define MAXKINDS        8
#define ETH_HLEN        14
#define MIN_MTU         68
/* The flags a client sets besides UP: PROMISC, and NOARP (arp.c). */
#define IFNET_UFLAGS    (RUMP_IFF_PROMISC | RUMP_IFF_NOARP)
#define LOOP_KIND       "lo"    /* NetBSD's loopback cloner */

hyp_mtx_t ifnet_cfg = HYP_MTX_INITIALIZER;
static struct ifnet *ifnet_head;                /* ifnet_cfg */
static const struct ifkind *kinds[MAXKINDS];    /* ifnet_cfg */
static struct ifnet *lo0;                       /* ifnet_cfg */

static const struct netcfg_ops ifnet_netcfg_ops;

/* ---- the table ---- */

struct ifnet *
ifnet_lookup(const char *name)
{
	struct ifnet *ifp;

	for (ifp = ifnet_head; ifp != NULL; ifp = ifp->next)
		if (strcmp(ifp->name, name) == 0)
			return ifp;
	return NULL;
}

static void
link_in(struct ifnet *ifp)
{
	struct ifnet **pp;

	for (pp = &ifnet_head; *pp != NULL; pp = &(*pp)->next)
		continue;
	*pp = ifp;
}

static void
link_out(struct ifnet *ifp)
{
	struct ifnet **pp;

	for (pp = &ifnet_head; *pp != NULL; pp = &(*pp)->next)
		if (*pp == ifp) {
			*pp = ifp->next;
			return;
		}
}

/* "shmif12" -> kind "shmif"; 0 or -EINVAL. */
static int
split_name(const char *name, char *kind, size_t kindlen)
{
	size_t n = strlen(name), i = 0;

	if (n == 0 || n >= RUMP_IFNAMSIZ)
		return -EINVAL;
	while (i < n && islower((unsigned char)name[i]))
		i++;
	if (i == 0 || i == n || i >= kindlen)
		return -EINVAL;
	if (name[i] == '0' && i + 1 != n)
		return -EINVAL;             /* no leading zeros */
	for (size_t j = i; j < n; j++)
		if (!isdigit((unsigned char)name[j]))
			return -EINVAL;
	memcpy(kind, name, i);
	kind[i] = '\0';
	return 0;
}

static const struct ifkind *
kind_find(const char *name)
{
	int i;

	for (i = 0; i < MAXKINDS; i++)
		if (kinds[i] != NULL && strcmp(kinds[i]->name, name) == 0)
			return kinds[i];
	return NULL;
}

static void
mac_random(uint8_t mac[6])
{
	mac[0] = 0xb2;
	mac[1] = 0xa0;
	if (hyp_random(mac + 2, 4) != 0) {
		uint64_t t = hyp_clock_mono_ns();

		memcpy(mac + 2, &t, 4);
	}
}

static void
mac_text(const uint8_t m[6], char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
	    m[3], m[4], m[5]);
}

static struct ifnet *
ifnet_alloc(const char *name, const struct ifkind *kind)
{
	struct ifnet *ifp;

	if ((ifp = hyp_calloc(1, sizeof(*ifp))) == NULL)
		return NULL;
	snprintf(ifp->name, sizeof(ifp->name), "%s", name);
	ifp->kind = kind;
	ifp->auto_linklocal = netstack_knob(NK_IP6_AUTO_LINKLOCAL);
	if (kind != NULL && kind->softc_size > 0 &&
	    (ifp->softc = hyp_calloc(1, kind->softc_size)) == NULL) {
		hyp_free(ifp);
		return NULL;
	}
	return ifp;
}

static void
ifnet_free(struct ifnet *ifp)
{
	hyp_free(ifp->txq);
	hyp_free(ifp->softc);
	hyp_free(ifp);
}

/* ---- create / destroy ---- */

static int
txq_size(struct ifnet *ifp)
{
	int error;

	netstack_lock();
	error = ifnet_txq_resize(ifp, ifp->kind->max_frame(ifp));
	netstack_unlock();
	return error;
}

static int
create_locked(const char *name, const struct ifkind *kind)
{
	struct ifnet *ifp;
	char err[128], mac[18];
	int error;

	if ((ifp = ifnet_alloc(name, kind)) == NULL)
		return -ENOMEM;
	mac_random(ifp->mac);
	if ((error = kind->attach(ifp, err, sizeof(err))) != 0) {
		klog(KLOG_WARN, "%s: cannot create: %s", name, err);
		ifnet_free(ifp);
		return error;
	}
	ifp->mtu = kind->max_frame(ifp) - ETH_HLEN;
	if (ifp->mtu > 1500)
		ifp->mtu = 1500;
	if ((error = txq_size(ifp)) != 0) {
		kind->detach(ifp);
		ifnet_free(ifp);
		return error;
	}
	netstack_lock();
	error = ether_netif_add(ifp) == ERR_OK ? 0 : -ENOSPC;
	if (error == 0 && kind->set_linkstr == NULL) {
		ifp->link_up = 1;       /* no link to wait for: a bridge */
		netif_set_link_up(&ifp->netif);
	}
	netstack_unlock();
	if (error != 0) {
		kind->detach(ifp);
		ifnet_free(ifp);
		return error;
	}
	link_in(ifp);
	mac_text(ifp->mac, mac, sizeof(mac));
	klog(KLOG_INFO, "%s: created, mac %s", name, mac);
	return 0;
}

/*
 * A loopback of NetBSD's lo cloner: lo0 is made at start with 127.0.0.1
 * and stays; lo1, lo2 ... start down and without an address, as NetBSD's
 * (their IPv6 loopback and link-local addresses, made on up, are lo0's
 * and so stay there: an address lives on one interface).
 */
static int
loop_create_locked(const char *name, struct ifnet **out)
{
	struct ifnet *ifp;
	int first = lo0 == NULL, error = 0;

	if ((ifp = ifnet_alloc(name, NULL)) == NULL)
		return -ENOMEM;
	netstack_lock();
	if (loop_netif_add(ifp, first) != ERR_OK)
		error = -ENOSPC;
	netstack_unlock();
	if (error != 0) {
		ifnet_free(ifp);
		return error;
	}
	link_in(ifp);
	if (!first)
		klog(KLOG_INFO, "%s: created", name);
	*out = ifp;
	return 0;
}

int
ifnet_create(const char *name)
{
	const struct ifkind *kind;
	struct ifnet *ifp;
	char kname[RUMP_IFNAMSIZ];
	int error;

	if (name == NULL || (error = split_name(name, kname,
	    sizeof(kname))) != 0)
		return -EINVAL;
	hyp_mtx_enter(&ifnet_cfg);
	if (ifnet_lookup(name) != NULL)
		error = -EEXIST;
	else if (strcmp(kname, LOOP_KIND) == 0)
		error = loop_create_locked(name, &ifp);
	else if ((kind = kind_find(kname)) == NULL)
		error = -EOPNOTSUPP;
	else
		error = create_locked(name, kind);
	hyp_mtx_exit(&ifnet_cfg);
	return error;
}

/* Take the interface out of the stack; the driver is then stopped. */
static void
destroy_locked(struct ifnet *ifp)
{
	struct ifalias *al;
	char detail[128];

	netstack_lock();
	ifp->dying = 1;
	ifaddr_remove_all(ifp);
	neigh_ifnet_gone(ifp);
	while ((al = ifp->aliases) != NULL) {
		ifp->aliases = al->next;
		netif_remove(&al->netif);
		hyp_free(al);
	}
	netif_set_down(&ifp->netif);
	netif_remove(&ifp->netif);
	ifnet_txq_flush(ifp);
	ifnet_txq_free(ifp);
	netstack_unlock();
	if (ifnet_brport(ifp) != NULL)
		bridge_port_gone(ifp);
	if (ifp->kind != NULL && ifp->kind->bridge_set != NULL)
		bridge_gone(ifp);
	impair_detach(ifp);
	iftap_detach(ifp);
	if (ifp->kind != NULL && ifp->kind->set_linkstr != NULL)
		ifp->kind->set_linkstr(ifp, "", detail, sizeof(detail));
	if (ifp->kind != NULL)
		ifp->kind->detach(ifp);
	link_out(ifp);
	klog(KLOG_INFO, "%s: destroyed", ifp->name);
	ifnet_free(ifp);
}

int
ifnet_destroy(const char *name)
{
	struct ifnet *ifp;
	int error = 0;

	hyp_mtx_enter(&ifnet_cfg);
	if ((ifp = ifnet_lookup(name)) == NULL)
		error = -ENXIO;
	else if (ifp == lo0)
		error = -EINVAL;            /* lo0 stays */
	else
		destroy_locked(ifp);
	hyp_mtx_exit(&ifnet_cfg);
	return error;
}

/* ---- kinds ---- */

int
ifkind_register(const struct ifkind *kind)
{
	int i, error = -ENOSPC;

	hyp_mtx_enter(&ifnet_cfg);
	if (kind_find(kind->name) != NULL)
		error = -EEXIST;
	else
		for (i = 0; i < MAXKINDS; i++)
			if (kinds[i] == NULL) {
				kinds[i] = kind;
				error = 0;
				break;
			}
	hyp_mtx_exit(&ifnet_cfg);
	return error;
}

void
ifkind_unregister(const struct ifkind *kind)
{
	struct ifnet *ifp, *next;
	int i;

	hyp_mtx_enter(&ifnet_cfg);
	for (ifp = ifnet_head; ifp != NULL; ifp = next) {
		next = ifp->next;
		if (ifp->kind == kind)
			destroy_locked(ifp);
	}
	for (i = 0; i < MAXKINDS; i++)
		if (kinds[i] == kind)
			kinds[i] = NULL;
	hyp_mtx_exit(&ifnet_cfg);
}

struct ifnet *
ifnet_loopback(void)
{
	return __atomic_load_n(&lo0, __ATOMIC_ACQUIRE);
}

/* ---- for drivers ---- */

void *
ifnet_softc(struct ifnet *ifp)
{
	return ifp->softc;
}

const char *
ifnet_name(const struct ifnet *ifp)
{
	return ifp->name;
}

void
ifnet_mac(const struct ifnet *ifp, uint8_t mac[6])
{
	memcpy(mac, ifp->mac, 6);
}

void
ifnet_count_ierrors(struct ifnet *ifp, uint64_t n)
{
	IFNET_COUNT(ifp, ierrors, n);
}

void
ifnet_count_iqdrops(struct ifnet *ifp, uint64_t n)
{
	IFNET_COUNT(ifp, iqdrops, n);
}

/* ---- for the bridge ---- */

struct ifnet *
ifnet_find(const char *name)
{
	return ifnet_lookup(name);
}

int
ifnet_bridgeable(const struct ifnet *ifp)
{
	return ifp->kind != NULL && ifp->kind->set_linkstr != NULL;
}

void
ifnet_set_promisc(struct ifnet *ifp, int on)
{
	netstack_lock();
	if (on)
		ifp->uflags |= RUMP_IFF_PROMISC;
	else
		ifp->uflags &= ~(uint32_t)RUMP_IFF_PROMISC;
	netstack_unlock();
}

/* lwIP's flags byte, read without the core lock: a frame racing an up
 * or down is one the interface would have taken or dropped anyway. */
int
ifnet_up(const struct ifnet *ifp)
{
	return (__atomic_load_n(&ifp->netif.flags, __ATOMIC_RELAXED) &
	    NETIF_FLAG_UP) != 0;
}

struct bridge_port *
ifnet_brport(const struct ifnet *ifp)
{
	return __atomic_load_n(&ifp->brport, __ATOMIC_ACQUIRE);
}

uint32_t
ifnet_ifindex(const struct ifnet *ifp)
{
	return netif_get_index(&ifp->netif);
}

void
ifnet_account_input(struct ifnet *ifp, const struct ifnet_frame *f,
    unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		if (f[i].len < ETH_HLEN) {
			IFNET_COUNT(ifp, ierrors, 1);
			continue;
		}
		iftap_write(ifp, &f[i], 1);
		IFNET_COUNT(ifp, ipackets, 1);
		IFNET_COUNT(ifp, ibytes, f[i].len);
	}
}

void
ifnet_set_brport(struct ifnet *ifp, struct bridge_port *port)
{
	__atomic_store_n(&ifp->brport, port, __ATOMIC_RELEASE);
}

/* ---- queries ---- */

int
ifnet_list(char (*names)[RUMP_IFNAMSIZ], int max)
{
	struct ifnet *ifp;
	int n = 0;

	hyp_mtx_enter(&ifnet_cfg);
	for (ifp = ifnet_head; ifp != NULL; ifp = ifp->next, n++)
		if (n < max)
			snprintf(names[n], RUMP_IFNAMSIZ, "%s", ifp->name);
	hyp_mtx_exit(&ifnet_cfg);
	return n;
}

static uint32_t
ifflags(const struct ifnet *ifp)
{
	uint32_t f = ifp->uflags & IFNET_UFLAGS;

	if (netif_is_up(&ifp->netif))
		f |= RUMP_IFF_UP;
	if (ifp->kind == NULL)
		f |= RUMP_IFF_LOOPBACK | RUMP_IFF_MULTICAST | RUMP_IFF_RUNNING;
	else {
		f |= RUMP_IFF_BROADCAST | RUMP_IFF_SIMPLEX | RUMP_IFF_MULTICAST;
		if (netif_is_up(&ifp->netif) && ifp->link_up &&
		    !(ifp->carrier_lost & IFNET_DARK_CABLE))
			f |= RUMP_IFF_RUNNING;
	}
	return f;
}

static uint64_t
cnt(const uint64_t *c)
{
	return __atomic_load_n(c, __ATOMIC_RELAXED);
}

static void
fill_info(struct ifnet *ifp, struct rump_ifinfo *info)
{
	memset(info, 0, sizeof(*info));
	snprintf(info->name, sizeof(info->name), "%s", ifp->name);
	snprintf(info->linkstr, sizeof(info->linkstr), "%s", ifp->linkstr);
	memcpy(info->mac, ifp->mac, 6);
	info->mtu = ifp->mtu;
	info->link_up = ifp->kind == NULL ? 1 :
	    (uint8_t)(ifp->link_up && !ifp->carrier_lost);
	iflink_fill(ifp, info);
	netstack_lock();
	netstack_enter();       /* address lifetimes: catch up */
	info->flags = ifflags(ifp);
	info->index = netif_get_index(&ifp->netif);
	info->naddrs = (uint32_t)ifaddr_fill(ifp, info->addrs,
	    RUMP_MAXADDRS);
	netstack_unlock();
	info->ipackets = cnt(&ifp->cnt.ipackets);
	info->ierrors = cnt(&ifp->cnt.ierrors);
	info->opackets = cnt(&ifp->cnt.opackets);
	info->oerrors = cnt(&ifp->cnt.oerrors);
	info->ibytes = cnt(&ifp->cnt.ibytes);
	info->obytes = cnt(&ifp->cnt.obytes);
	info->iqdrops = cnt(&ifp->cnt.iqdrops);
}

int
ifnet_get(const char *name, struct rump_ifinfo *info)
{
	struct ifnet *ifp;
	int error = 0;

	hyp_mtx_enter(&ifnet_cfg);
	if ((ifp = ifnet_lookup(name)) == NULL)
		error = -ENXIO;
	else
		fill_info(ifp, info);
	hyp_mtx_exit(&ifnet_cfg);
	return error;
}

/* NetBSD's SIOCZIFDATA: the counters as they were, zeroed. */
int
ifnet_zero(const char *name, struct rump_ifinfo *info)
{
	struct ifnet *ifp;
	int error = 0;

	hyp_mtx_enter(&ifnet_cfg);
	if ((ifp = ifnet_lookup(name)) == NULL)
		error = -ENXIO;
	else {
		fill_info(ifp, info);
		__atomic_sub_fetch(&ifp->cnt.ipackets, info->ipackets,
		    __ATOMIC_RELAXED);
		__atomic_sub_fetch(&ifp->cnt.ierrors, info->ierrors,
		    __ATOMIC_RELAXED);
		__atomic_sub_fetch(&ifp->cnt.opackets, info->opackets,
		    __ATOMIC_RELAXED);
		__atomic_sub_fetch(&ifp->cnt.oerrors, info->oerrors,
		    __ATOMIC_RELAXED);
		__atomic_sub_fetch(&ifp->cnt.ibytes, info->ibytes,
		    __ATOMIC_RELAXED);
		__atomic_sub_fetch(&ifp->cnt.obytes, info->obytes,
		    __ATOMIC_RELAXED);
		__atomic_sub_fetch(&ifp->cnt.iqdrops, info->iqdrops,
		    __ATOMIC_RELAXED);
	}
	hyp_mtx_exit(&ifnet_cfg);
	return error;
}

/* The kinds ifnet_create makes, newest first and lo last, in the order
 * NetBSD's cloner list has (each new cloner goes in front). */
int
ifnet_cloners(char (*names)[RUMP_IFNAMSIZ], int max)
{
	int i, n = 0;

	hyp_mtx_enter(&ifnet_cfg);
	for (i = MAXKINDS - 1; i >= 0; i--)
		if (kinds[i] != NULL && n++ < max)
			snprintf(names[n - 1], RUMP_IFNAMSIZ, "%s",
			    kinds[i]->name);
	if (n++ < max)
		snprintf(names[n - 1], RUMP_IFNAMSIZ, "%s", LOOP_KIND);
	hyp_mtx_exit(&ifnet_cfg);
	return n;
}

int
ifnet_index(const char *name)
{
	struct ifnet *ifp;
	int idx = -ENXIO;

	hyp_mtx_enter(&ifnet_cfg);
	if ((ifp = ifnet_lookup(name)) != NULL)
		idx = netif_get_index(&ifp->netif);
	hyp_mtx_exit(&ifnet_cfg);
	return idx;
}

/* ---- link, flags, MTU ---- */

static uint32_t
max_mtu(struct ifnet *ifp)
{
	if (ifp->kind == NULL)
		return 65535;
	return ifp->kind->max_frame(ifp) - ETH_HLEN;
}

static int
linkstr_locked(struct ifnet *ifp, const char *linkstr, char *detail,
    size_t detaillen)
{
	int error, up;

	if (ifp->kind == NULL || ifp->kind->set_linkstr == NULL) {
		snprintf(detail, detaillen, "%s has no link%s", ifp->name,
		    ifp->kind == NULL ? "" : ifp->kind->bridge_set != NULL ?
		    ": its members have theirs (brconfig add)" :
		    " to attach: its link is always up");
		return -EOPNOTSUPP;
	}
	if (netif_is_up(&ifp->netif)) {
		snprintf(detail, detaillen, "%s is up; bring it down first",
		    ifp->name);
		return -EBUSY;
	}
	if (linkstr == NULL)
		linkstr = "";
	if (strlen(linkstr) >= RUMP_LINKSTRLEN) {
		snprintf(detail, detaillen, "link string longer than %d bytes",
		    RUMP_LINKSTRLEN - 1);
		return -EINVAL;
	}
	error = ifp->kind->set_linkstr(ifp, linkstr, detail, detaillen);
	up = error == 0 && linkstr[0] != '\0';
	if (error == 0 && (error = txq_size(ifp)) != 0)
		snprintf(detail, detaillen, "out of memory");
	netstack_lock();
	netstack_enter();
	snprintf(ifp->linkstr, sizeof(ifp->linkstr), "%s",
	    up ? linkstr : "");
	ifp->link_up = up;
	if (ifp->mtu > max_mtu(ifp))
		ifp->mtu = max_mtu(ifp);
	ifp->netif.mtu = (u16_t)ifp->mtu;
	if (up && !(ifp->carrier_lost & IFNET_DARK_CABLE))
		netif_set_link_up(&ifp->netif);
	else
		netif_set_link_down(&ifp->netif);
	ifnet_sync_aliases(ifp);
	netstack_poke();
	netstack_unlock();
	return error;
}

int
ifnet_set_linkstr(const char *name, const char *linkstr, char *detail,
    size_t detaillen)
{
	struct ifnet *ifp;
	int error;

	if (detaillen > 0)
		detail[0] = '\0';
	hyp_mtx_enter(&ifnet_cfg);
	if ((ifp = ifnet_lookup(name)) == NULL) {
		snprintf(detail, detaillen, "no interface %s", name);
		error = -ENXIO;
	} else
		error = linkstr_locked(ifp, linkstr, detail, detaillen);
	hyp_mtx_exit(&ifnet_cfg);
	return error;
}

/* 1 when the state changed. */
static int
set_up(struct ifnet *ifp, int up)
{
	if (up == netif_is_up(&ifp->netif))
		return 0;
	if (up) {
		netif_set_ip6_autoconfig_enabled(&ifp->netif,
		    netstack_knob(NK_IP6_ACCEPT_RTADV));
		netif_set_up(&ifp->netif);
		ifaddr_up(ifp);
	} else {
		netif_set_down(&ifp->netif);
		nbr_purge(ifp, 0, NULL, 0);     /* as NetBSD's if_down */
	}
	ifnet_sync_aliases(ifp);
	netstack_poke();
	return 1;
}

int
ifnet_set_flags(const char *name, uint32_t set, uint32_t clear)
{
	struct ifnet *ifp;
	uint32_t f;
	int changed;

	hyp_mtx_enter(&ifnet_cfg);
	if ((ifp = ifnet_lookup(name)) == NULL) {
		hyp_mtx_exit(&ifnet_cfg);
		return -ENXIO;
	}
	netstack_lock();
	netstack_enter();
	f = (ifflags(ifp) & ~clear) | set;
	ifp->uflags = f & IFNET_UFLAGS;
	changed = set_up(ifp, (f & RUMP_IFF_UP) != 0);
	netstack_unlock();
	if (changed)
		klog(KLOG_INFO, "%s: %s", name, f & RUMP_IFF_UP ? "up" :
		    "down");
	hyp_mtx_exit(&ifnet_cfg);
	return 0;
}

int
ifnet_set_mtu(const char *name, uint32_t mtu)
{
	struct ifnet *ifp;
	int error = 0;

	hyp_mtx_enter(&ifnet_cfg);
	if ((ifp = ifnet_lookup(name)) == NULL)
		error = -ENXIO;
	else if (mtu < MIN_MTU || mtu > max_mtu(ifp))
		error = -EINVAL;
	else {
		netstack_lock();
		ifp->mtu = mtu;
		ifp->netif.mtu = (u16_t)mtu;
#if LWIP_ND6_ALLOW_RA_UPDATES
		ifp->netif.mtu6 = (u16_t)mtu;
#endif
		ifnet_sync_aliases(ifp);
		netstack_unlock();
	}
	hyp_mtx_exit(&ifnet_cfg);
	return error;
}

/*
 * The lab's MAC, set once before the interface comes up: only while
 * down, as linkstr; lwIP and the peers then meet the new MAC when the
 * interface comes up (gratuitous ARP; our NS, which neigh.c makes peers
 * honour).  A link-local address made from the old MAC is made again
 * from the new one.  The old MAC is not kept (ifnet_lladdr keeps it).
 */
int
ifnet_set_mac(const char *name, const uint8_t mac[6])
{
	static const uint8_t zero[6];
	struct ifnet *ifp;
	char text[18];
	int error = 0;

	if ((mac[0] & 1) != 0 || memcmp(mac, zero, 6) == 0)
		return -EINVAL;
	hyp_mtx_enter(&ifnet_cfg);
	if ((ifp = ifnet_lookup(name)) == NULL)
		error = -ENXIO;
	else if (ifp->kind == NULL)
		error = -EOPNOTSUPP;
	else {
		netstack_lock();
		if (netif_is_up(&ifp->netif))
			error = -EBUSY;
		else
			iflink_set_mac(ifp, mac);
		netstack_unlock();
	}
	hyp_mtx_exit(&ifnet_cfg);
	if (error == 0) {
		mac_text(mac, text, sizeof(text));
		klog(KLOG_INFO, "%s: mac %s", name, text);
	}
	return error;
}

/* ---- addresses (ifaddr.c does the work) ---- */

enum addr_do { ADDR_ADD, ADDR_DEL, ADDR_ADD_LIFE, ADDR_GET_LIFE };

/* life: pltime and vltime, given (ADDR_ADD_LIFE) or filled (GET). */
static int
addr_op(const char *name, const struct rump_ifaddr *a, enum addr_do what,
    uint32_t life[2])
{
	struct ifnet *ifp;
	int error;

	if (a == NULL)
		return -EINVAL;
	hyp_mtx_enter(&ifnet_cfg);
	if ((ifp = ifnet_lookup(name)) == NULL)
		error = -ENXIO;
	else {
		netstack_lock();
		netstack_enter();
		switch (what) {
		case ADDR_ADD:
			error = ifaddr_add(ifp, a);
			break;
		case ADDR_DEL:
			error = ifaddr_del(ifp, a);
			break;
		case ADDR_ADD_LIFE:
			error = ifaddr_add_life(ifp, a, life[0], life[1]);
			break;
		default:
			error = ifaddr_get_life(ifp, a, &life[0], &life[1]);
			break;
		}
		netstack_poke();
		netstack_unlock();
	}
	hyp_mtx_exit(&ifnet_cfg);
	return error;
}

int
ifnet_add_addr(const char *name, const struct rump_ifaddr *a)
{
	return addr_op(name, a, ADDR_ADD, NULL);
}

int
ifnet_del_addr(const char *name, const struct rump_ifaddr *a)
{
	return addr_op(name, a, ADDR_DEL, NULL);
}

int
ifnet_add_addr_life(const char *name, const struct rump_ifaddr *a,
    uint32_t pltime, uint32_t vltime)
{
	uint32_t life[2] = { pltime, vltime };

	return addr_op(name, a, ADDR_ADD_LIFE, life);
}

int
ifnet_get_life(const char *name, const struct rump_ifaddr *a,
    uint32_t *pltime, uint32_t *vltime)
{
	uint32_t life[2];
	int error;

	if ((error = addr_op(name, a, ADDR_GET_LIFE, life)) == 0) {
		*pltime = life[0];
		*vltime = life[1];
	}
	return error;
}

/* ---- carrier, impairments, capture taps (impair.h) ---- */

int
ifnet_set_carrier(const char *name, int up)
{
	struct ifnet *ifp;
	int error = 0, was;

	hyp_mtx_enter(&ifnet_cfg);
	if ((ifp = ifnet_lookup(name)) == NULL)
		error = -ENXIO;
	else if (ifp->kind == NULL)
		error = -EOPNOTSUPP;
	else {
		netstack_lock();
		netstack_enter();
		was = !(ifp->carrier_lost & IFNET_DARK_CABLE);
		if (up)
			__atomic_fetch_and(&ifp->carrier_lost,
			    ~IFNET_DARK_CABLE, __ATOMIC_RELAXED);
		else
			__atomic_fetch_or(&ifp->carrier_lost,
			    IFNET_DARK_CABLE, __ATOMIC_RELAXED);
		if (up && ifp->link_up)
			netif_set_link_up(&ifp->netif);
		else
			netif_set_link_down(&ifp->netif);
		ifnet_sync_aliases(ifp);
		netstack_poke();
		netstack_unlock();
		if (was != !!up)
			klog(KLOG_INFO, "%s: link state %s", name,
			    up ? "UP (carrier back)" : "DOWN (no carrier)");
	}
	hyp_mtx_exit(&ifnet_cfg);
	return error;
}

int
ifnet_set_impair(const char *name, int dir, const struct rump_impair *imp)
{
	struct ifnet *ifp;
	int error;

	hyp_mtx_enter(&ifnet_cfg);
	if ((ifp = ifnet_lookup(name)) == NULL)
		error = -ENXIO;
	else if ((error = impair_set(ifp, dir, imp)) == 0)
		klog(KLOG_INFO, "%s: %s impairments set", name,
		    dir == RUMP_IMPAIR_IN ? "input" : "output");
	hyp_mtx_exit(&ifnet_cfg);
	return error;
}

int
ifnet_get_impair(const char *name, int dir, struct rump_impair *imp)
{
	struct ifnet *ifp;
	int error;

	hyp_mtx_enter(&ifnet_cfg);
	if ((ifp = ifnet_lookup(name)) == NULL)
		error = -ENXIO;
	else
		error = impair_get(ifp, dir, imp);
	hyp_mtx_exit(&ifnet_cfg);
	return error;
}

int
ifnet_tap(const char *name, const char *path, int on, uintptr_t owner)
{
	struct ifnet *ifp;
	int error;

	hyp_mtx_enter(&ifnet_cfg);
	if ((ifp = ifnet_lookup(name)) == NULL)
		error = -ENXIO;
	else if (on)
		error = iftap_add(ifp, path, owner);
	else
		error = iftap_del(ifp, path);
	hyp_mtx_exit(&ifnet_cfg);
	return error;
}

int
ifnet_bridge_set(const char *name, const struct rump_brreq *req)
{
	struct ifnet *ifp;
	int error;

	hyp_mtx_enter(&ifnet_cfg);
	if ((ifp = ifnet_lookup(name)) == NULL)
		error = -ENXIO;
	else if (ifp->kind == NULL || ifp->kind->bridge_set == NULL)
		error = -ENOTTY;
	else
		error = ifp->kind->bridge_set(ifp, req);
	hyp_mtx_exit(&ifnet_cfg);
	return error;
}

int
ifnet_bridge_get(const char *name, struct rump_brstatus *st,
    struct rump_brport *ports, struct rump_braddr *addrs, int maxaddrs)
{
	struct ifnet *ifp;
	int error;

	hyp_mtx_enter(&ifnet_cfg);
	if ((ifp = ifnet_lookup(name)) == NULL)
		error = -ENXIO;
	else if (ifp->kind == NULL || ifp->kind->bridge_get == NULL)
		error = -ENOTTY;
	else
		error = ifp->kind->bridge_get(ifp, st, ports, addrs, maxaddrs);
	hyp_mtx_exit(&ifnet_cfg);
	return error;
}

/* A client went away: its taps go with it. */
void
ifnet_tap_release(uintptr_t owner)
{
	struct ifnet *ifp;

	hyp_mtx_enter(&ifnet_cfg);
	for (ifp = ifnet_head; ifp != NULL; ifp = ifp->next)
		if (ifp->ntaps > 0)
			iftap_release(ifp, owner);
	hyp_mtx_exit(&ifnet_cfg);
}

/* ---- start and stop ---- */

int
ifnet_init(char *err, size_t errlen)
{
	int error = 0;

	hyp_mtx_enter(&ifnet_cfg);
	if (lo0 == NULL && (error = loop_create_locked("lo0", &lo0)) != 0)
		snprintf(err, errlen, "cannot create lo0");
	hyp_mtx_exit(&ifnet_cfg);
	if (error == 0 && ((error = impair_init()) != 0 ||
	    (error = iftap_init()) != 0))
		snprintf(err, errlen, "cannot set up impairments and taps");
	if (error == 0)
		netcfg_register(&ifnet_netcfg_ops);
	return error;
}

void
ifnet_fini(void)
{
	struct ifnet *ifp, *next;

	netcfg_register(NULL);
	hyp_mtx_enter(&ifnet_cfg);
	for (ifp = ifnet_head; ifp != NULL; ifp = next) {
		next = ifp->next;
		if (ifp != lo0)
			destroy_locked(ifp);
	}
	hyp_mtx_exit(&ifnet_cfg);
	impair_fini();
	iftap_fini();
}

/* IPv6 arrives (rumpnet_netinet6): ::1 on lo0, link-local on up ifs. */
int
ifnet_inet6_start(void)
{
	struct ifnet *ifp;

	hyp_mtx_enter(&ifnet_cfg);
	netstack_lock();
	for (ifp = ifnet_head; ifp != NULL; ifp = ifp->next)
		if (netif_is_up(&ifp->netif))
			ifaddr_up(ifp);
	netstack_poke();
	netstack_unlock();
	hyp_mtx_exit(&ifnet_cfg);
	return 0;
}

static const struct netcfg_ops ifnet_netcfg_ops = {
	.if_create = ifnet_create,
	.if_destroy = ifnet_destroy,
	.if_list = ifnet_list,
	.if_get = ifnet_get,
	.if_set_linkstr = ifnet_set_linkstr,
	.if_set_flags = ifnet_set_flags,
	.if_set_mtu = ifnet_set_mtu,
	.if_add_addr = ifnet_add_addr,
	.if_del_addr = ifnet_del_addr,
	.if_set_mac = ifnet_set_mac,
	.if_lladdr = ifnet_lladdr,
	.if_set_media = ifnet_set_media,
	.if_set_carrier = ifnet_set_carrier,
	.if_set_impair = ifnet_set_impair,
	.if_get_impair = ifnet_get_impair,
	.if_tap = ifnet_tap,
	.if_tap_release = ifnet_tap_release,
	.if_bridge_set = ifnet_bridge_set,
	.if_bridge_get = ifnet_bridge_get,
	.if_cloners = ifnet_cloners,
	.if_zero = ifnet_zero,
	.if_add_addr_life = ifnet_add_addr_life,
	.if_get_life = ifnet_get_life,
};
