/*
 * iflink.c — an interface's link layer as NetBSD's ifconfig(8) sees it:
 * its link-layer addresses, its media and its link state.
 *
 * Link addresses.  As NetBSD keeps AF_LINK addresses on an interface
 * (sys/net/link_proto.c), an interface here has one active address, its
 * MAC, and up to RUMP_MAXLLADDRS inactive ones: "link ADDR" adds one,
 * "link ADDR active" makes one the MAC (the old MAC stays, inactive),
 * "link ADDR delete" removes an inactive one; the active one cannot go.
 * Activating an address while the interface is up takes effect at once
 * and is announced as NetBSD's if_activate_sadl() does through
 * RTM_LLINFO_UPD: a gratuitous ARP request for each IPv4 address and an
 * unsolicited neighbour advertisement (override) for each usable IPv6
 * address, so that peers' caches learn the new MAC.  Its addresses stay
 * as they are, as on NetBSD; on a down interface a link-local address
 * made from the old MAC is made again from the new one (ifaddr.c).
 *
 * Media.  An Ethernet interface's media is "autoselect" or "none" (what
 * NetBSD's shmif offers); none takes its link down: nothing is sent or
 * received (carrier_lost's bits).  Unlike the lab's pulled cable, which
 * also takes the stack's link down, its routes and neighbours stay, as
 * NetBSD's do when its link goes down without IPv4 DAD
 * (net.inet.ip.dad_count 0): a packet sent meets silence, not an
 * error.
 *
 * Link state (NetBSD's LINK_STATE_*): an Ethernet interface's link is
 * unknown without a bus (no linkstr), up with one, down with one while
 * its media is none or its cable is out.  lo0 and bridges report
 * unknown, as NetBSD's loopback and bridge do.
 *
 * Locks: the list and media are ifnet_cfg's; the MAC and the netifs
 * change under the core lock too (ifnet_var.h).
 */
#include <errno.h>
#include <string.h>

#include "lwip/netif.h"

#include "kernel/klog.h"
#include "netcomp/ifnet_var.h"
#include "netcomp/neigh.h"
#include "netcomp/netinet.h"

static const uint8_t zero_mac[6];

static int
has_link(const struct ifnet *ifp)
{
	return ifp->kind != NULL && ifp->kind->set_linkstr != NULL;
}

int
iflink_state(const struct ifnet *ifp)
{
	if (!has_link(ifp) || !ifp->link_up)
		return RUMP_LINK_STATE_UNKNOWN;
	return ifp->carrier_lost ? RUMP_LINK_STATE_DOWN : RUMP_LINK_STATE_UP;
}

void
iflink_fill(const struct ifnet *ifp, struct rump_ifinfo *info)
{
	int i;

	info->link_state = (uint8_t)iflink_state(ifp);
	info->media = !has_link(ifp) ? 0 :
	    (ifp->carrier_lost & IFNET_DARK_MEDIA) ? RUMP_MEDIA_NONE :
	    RUMP_MEDIA_AUTO;
	info->nlladdrs = (uint32_t)ifp->nlladdrs;
	for (i = 0; i < ifp->nlladdrs; i++)
		memcpy(info->lladdrs[i], ifp->lladdrs[i], 6);
}

/* Peers learn the new MAC: what RTM_LLINFO_UPD makes NetBSD send. */
static void
announce(struct ifnet *ifp)
{
	struct ifalias *al;

	if (!netif_is_link_up(&ifp->netif))
		return;
	/* arp.c's announcement (lwIP's own gratuitous ARP is arp.c's to
	 * decide and sends nothing); an address still in DAD, or one
	 * another node has, is not announced. */
	if (!ip4_addr_isany_val(*netif_ip4_addr(&ifp->netif)) &&
	    !(ifp->dad4.flags & (IN4_TENTATIVE | IN4_DUPLICATED |
	    IN4_DETACHED)))
		arp_announce(&ifp->dad4);
	for (al = ifp->aliases; al != NULL; al = al->next)
		if (!(al->dad.flags & (IN4_TENTATIVE | IN4_DUPLICATED |
		    IN4_DETACHED)))
			arp_announce(&al->dad);
	if (netstack_inet6())
		nd6_announce(ifp);
}

/* The MAC becomes mac (core lock held); see the header comment. */
void
iflink_set_mac(struct ifnet *ifp, const uint8_t mac[6])
{
	struct ifalias *al;
	uint8_t old[6];

	memcpy(old, ifp->mac, 6);
	memcpy(ifp->mac, mac, 6);
	memcpy(ifp->netif.hwaddr, mac, 6);
	for (al = ifp->aliases; al != NULL; al = al->next)
		memcpy(al->netif.hwaddr, mac, 6);
	if (!netif_is_up(&ifp->netif))
		ifaddr_mac_changed(ifp, old);
	else
		announce(ifp);
}

static int
find(const struct ifnet *ifp, const uint8_t mac[6])
{
	int i;

	for (i = 0; i < ifp->nlladdrs; i++)
		if (memcmp(ifp->lladdrs[i], mac, 6) == 0)
			return i;
	return -1;
}

static void
forget(struct ifnet *ifp, int i)
{
	ifp->nlladdrs--;
	memmove(ifp->lladdrs[i], ifp->lladdrs[i + 1],
	    (size_t)(ifp->nlladdrs - i) * 6);
}

/* RUMP_LLADDR_ACTIVATE: the old MAC takes mac's place in the list. */
static int
activate(struct ifnet *ifp, const uint8_t mac[6])
{
	int i;

	if (memcmp(ifp->mac, mac, 6) == 0)
		return 0;
	if ((i = find(ifp, mac)) >= 0)
		forget(ifp, i);
	else if (ifp->nlladdrs == RUMP_MAXLLADDRS)
		return -ENOSPC;
	memcpy(ifp->lladdrs[ifp->nlladdrs++], ifp->mac, 6);
	netstack_lock();
	netstack_enter();
	iflink_set_mac(ifp, mac);
	netstack_poke();
	netstack_unlock();
	return 1;
}

static int
lladdr_locked(struct ifnet *ifp, const uint8_t mac[6], int op)
{
	int i;

	switch (op) {
	case RUMP_LLADDR_ADD:
		if (memcmp(ifp->mac, mac, 6) == 0 || find(ifp, mac) >= 0)
			return 0;
		if (ifp->nlladdrs == RUMP_MAXLLADDRS)
			return -ENOSPC;
		memcpy(ifp->lladdrs[ifp->nlladdrs++], mac, 6);
		return 0;
	case RUMP_LLADDR_ACTIVATE:
		return activate(ifp, mac);
	case RUMP_LLADDR_DELETE:
		if (memcmp(ifp->mac, mac, 6) == 0)
			return -EBUSY;
		if ((i = find(ifp, mac)) < 0)
			return -EADDRNOTAVAIL;
		forget(ifp, i);
		return 0;
	}
	return -EINVAL;
}

int
ifnet_lladdr(const char *name, const uint8_t mac[6], int op)
{
	struct ifnet *ifp;
	int error;

	if ((mac[0] & 1) != 0 || memcmp(mac, zero_mac, 6) == 0)
		return -EINVAL;
	hyp_mtx_enter(&ifnet_cfg);
	if ((ifp = ifnet_lookup(name)) == NULL)
		error = -ENXIO;
	else if (ifp->kind == NULL)
		error = -EOPNOTSUPP;
	else
		error = lladdr_locked(ifp, mac, op);
	hyp_mtx_exit(&ifnet_cfg);
	if (error == 1) {
		klog(KLOG_INFO, "%s: mac %02x:%02x:%02x:%02x:%02x:%02x "
		    "active", name, mac[0], mac[1], mac[2], mac[3], mac[4],
		    mac[5]);
		error = 0;
	}
	return error;
}

int
ifnet_set_media(const char *name, uint32_t media)
{
	struct ifnet *ifp;
	int error = 0, was;

	if (media != RUMP_MEDIA_AUTO && media != RUMP_MEDIA_NONE)
		return -EINVAL;
	hyp_mtx_enter(&ifnet_cfg);
	if ((ifp = ifnet_lookup(name)) == NULL)
		error = -ENXIO;
	else if (!has_link(ifp))
		error = -EOPNOTSUPP;
	else {
		was = iflink_state(ifp);
		netstack_lock();
		if (media == RUMP_MEDIA_NONE)
			__atomic_fetch_or(&ifp->carrier_lost,
			    IFNET_DARK_MEDIA, __ATOMIC_RELAXED);
		else
			__atomic_fetch_and(&ifp->carrier_lost,
			    ~IFNET_DARK_MEDIA, __ATOMIC_RELAXED);
		netstack_unlock();
		if (was != iflink_state(ifp))
			klog(KLOG_INFO, "%s: link state %s (media %s)", name,
			    ifp->carrier_lost ? "DOWN" : "UP",
			    media == RUMP_MEDIA_NONE ? "none" : "autoselect");
	}
	hyp_mtx_exit(&ifnet_cfg);
	return error;
}
