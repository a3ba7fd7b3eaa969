/*
 * ether.c — the frame paths between interface drivers and lwIP: the
 * netifs of Ethernet interfaces, their aliases and the loopback, the
 * transmit path (lwIP's linkoutput -> a per-interface queue -> the
 * driver's transmit, in batches) and the receive path (a driver's batch
 * -> pbufs -> ethernet_input).
 *
 * Receive runs on the driver's thread.  The frames of one batch are
 * filtered and copied into pbufs without any lock, then handed to lwIP
 * under one acquisition of the core lock (LWIP_TCPIP_CORE_LOCKING lets
 * any thread run the stack): no hop through the tcpip thread's mailbox,
 * no mailbox to overflow.
 *
 * Filters applied before lwIP sees a frame, because lwIP does not:
 *  - unicast frames for another MAC are dropped (the bus is a shared
 *    segment; lwIP's ethernet_input takes every frame);
 *  - IPv4/IPv6 packets not addressed to this node are dropped unless
 *    net.inet.ip.forwarding / net.inet6.ip6.forwarding is on (lwIP is
 *    built with IP_FORWARD and LWIP_IPV6_FORWARD always on);
 *  - packets to loopback addresses arriving on a real link are dropped;
 *  - IPv6 frames are dropped while rumpnet_netinet6 is not loaded.
 * IPv4 packets that pass are offered to the routing glue (ipfwd.c)
 * first: it forwards transit packets and reassembles fragments for the
 * node.  ARP frames go to arp.c (the node's ARP, not lwIP's), once per
 * interface, whichever of its addresses they are about.  The netifs'
 * output hooks are the glue's too, so that packets leave with the
 * routing table's next hop.
 */
#include <errno.h>
#include <string.h>

#include "lwip/etharp.h"
#include "lwip/ethip6.h"
#include "lwip/ip.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/tcpip.h"
#include "netif/ethernet.h"

#include "netcomp/bridge.h"
#include "netcomp/ifnet_var.h"
#include "netcomp/impair.h"
#include "netcomp/neigh.h"
#include "netcomp/netinet.h"
#include "netcomp/override.h"
#include "netcomp/route.h"

#define ETH_HLEN        14
#define ETYPE_IPV4      0x0800
#define ETYPE_ARP       0x0806
#define ETYPE_IPV6      0x86dd
#define RX_BATCH_MAX    64
#define LO_MTU          33624   /* NetBSD's */

static struct ifnet *txq_pending;       /* core lock */

/* ---- transmit ---- */

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/*
 * lwIP's linkoutput: queue a copy of the frame.  Everything lwIP sends
 * while holding the core lock (a TCP window's worth of segments, the ACKs
 * for a received batch) reaches the driver as one batch when the lock is
 * released: one bus lock and one reader wake-up per batch, not per frame.
 */
static err_t
ether_linkoutput(struct netif *netif, struct pbuf *p)
{
	struct ifnet *ifp = netif->state;
	uint8_t *slot;

	if (p->tot_len > ifp->txq_slot) {
		IFNET_COUNT(ifp, oerrors, 1);
		return ERR_BUF;
	}
	if (ifp->txq_n == IFNET_TXQ_FRAMES)
		ifnet_txq_flush(ifp);
	slot = ifp->txq + (size_t)ifp->txq_n * ifp->txq_slot;
	pbuf_copy_partial(p, slot, p->tot_len, 0);
	ifp->txq_f[ifp->txq_n].data = slot;
	ifp->txq_f[ifp->txq_n].len = p->tot_len;
	ifp->txq_n++;
	if (!ifp->txq_listed) {
		ifp->txq_listed = 1;
		ifp->txq_next = txq_pending;
		txq_pending = ifp;
	}
	return ERR_OK;
}

/*
 * Frames leave: to the driver, counted, and copied to the taps.  Called
 * with the core lock held from the queue below, or from the impairment
 * thread for frames that were due (drivers lock their own transmit).  A
 * link without carrier drops them (the cable is out).
 */
int
ifnet_xmit(struct ifnet *ifp, const struct ifnet_frame *f, unsigned n)
{
	uint64_t bytes = 0;
	unsigned i;
	int r;

	if (__atomic_load_n(&ifp->carrier_lost, __ATOMIC_RELAXED))
		r = 0;
	else {
		/* Tapped first: an answer read by the receive thread must
		 * not reach the tap before the frame it answers. */
		iftap_write(ifp, f, n);
		if ((r = ifp->kind->transmit(ifp, f, n)) < 0)
			r = 0;
	}
	for (i = 0; i < (unsigned)r; i++)
		bytes += f[i].len;
	IFNET_COUNT(ifp, opackets, (uint64_t)r);
	IFNET_COUNT(ifp, obytes, bytes);
	if ((unsigned)r < n)
		IFNET_COUNT(ifp, oerrors, n - (unsigned)r);
	return r;
}

void
ifnet_txq_flush(struct ifnet *ifp)
{
	unsigned n = ifp->txq_n;

	if (n == 0)
		return;
	ifp->txq_n = 0;
	if (impair_active(ifp, RUMP_IMPAIR_OUT))
		impair_enqueue(ifp, RUMP_IMPAIR_OUT, ifp->txq_f, n);
	else
		(void)ifnet_xmit(ifp, ifp->txq_f, n);
}

static void
txq_flush_all(void)
{
	struct ifnet *ifp;

	while ((ifp = txq_pending) != NULL) {
		txq_pending = ifp->txq_next;
		ifp->txq_listed = 0;
		ifnet_txq_flush(ifp);
	}
}

/*
 * liblwip.so releases its core lock through its PLT, so this definition
 * replaces lwIP's (netcomp/override.h) for the whole process: whoever
 * held the lock, its queued frames leave before it is released.
 */
void
sys_unlock_tcpip_core(void)
{
	if (txq_pending != NULL)
		txq_flush_all();
	lwip_real.sys_unlock_tcpip_core();
}

/* Take the interface off the pending list (it is going away). */
void
ifnet_txq_free(struct ifnet *ifp)
{
	struct ifnet **pp;

	for (pp = &txq_pending; *pp != NULL; pp = &(*pp)->txq_next)
		if (*pp == ifp) {
			*pp = ifp->txq_next;
			break;
		}
	ifp->txq_listed = 0;
	ifp->txq_n = 0;
	hyp_free(ifp->txq);
	ifp->txq = NULL;
	ifp->txq_slot = 0;
}

/* Slots of `slot` bytes (the link's max frame); queued frames leave first. */
int
ifnet_txq_resize(struct ifnet *ifp, uint32_t slot)
{
	uint8_t *q;

	if (slot == ifp->txq_slot)
		return 0;
	if ((q = hyp_malloc((size_t)slot * IFNET_TXQ_FRAMES)) == NULL)
		return -ENOMEM;
	ifnet_txq_flush(ifp);
	hyp_free(ifp->txq);
	ifp->txq = q;
	ifp->txq_slot = slot;
	return 0;
}

/* ---- receive: which packets this node takes ---- */

static int
ip4_local(const ip4_addr_t *dst)
{
	struct netif *n;

	if (ip4_addr_ismulticast(dst) || dst->addr == IPADDR_BROADCAST)
		return 1;
	NETIF_FOREACH(n) {
		if (!netif_is_up(n) || ip4_addr_isany_val(*netif_ip4_addr(n)))
			continue;
		if (ip4_addr_cmp(dst, netif_ip4_addr(n)) ||
		    ip4_addr_isbroadcast(dst, n))
			return 1;
	}
	return 0;
}

static int
ip6_local(const ip6_addr_t *dst)
{
	struct netif *n;
	int i;

	if (ip6_addr_ismulticast(dst))
		return 1;
	NETIF_FOREACH(n)
		for (i = 0; i < LWIP_IPV6_NUM_ADDRESSES; i++)
			if (!ip6_addr_isinvalid(netif_ip6_addr_state(n, i)) &&
			    ip6_addr_cmp_zoneless(dst, netif_ip6_addr(n, i)))
				return 1;
	return 0;
}

static int
onlink(const struct netif *n, const ip4_addr_t *a)
{
	return !ip4_addr_isany(netif_ip4_addr(n)) &&
	    ip4_addr_netcmp(a, netif_ip4_addr(n), netif_ip4_netmask(n));
}

/*
 * A node answers for all its addresses whichever interface a packet comes
 * in by (NetBSD's weak host model), but lwIP's udp_input takes a datagram
 * that no socket wants as "for us", and answers it with a port
 * unreachable, only when the destination is an address of the netif the
 * packet entered by; otherwise it drops it silently (traceroute to a
 * router's far address never ends).  So a unicast packet for an address
 * of another interface enters lwIP by the netif holding that address, as
 * if it had crossed the node.  Replies still leave by the table: the
 * output hooks (ipfwd.c) route what lwIP sends through a netif.  Only our
 * Ethernet netifs qualify (their output hooks route; the loopback's does
 * not), and IPv6 link-local addresses are the link's own.
 */
static struct netif *
ip4_owner(const struct ifnet *ifp, const ip4_addr_t *dst)
{
	struct netif *n;

	NETIF_FOREACH(n)
		if (n->state != ifp && n->output == ipfwd_output4 &&
		    netif_is_up(n) && !ip4_addr_isany(netif_ip4_addr(n)) &&
		    ip4_addr_cmp(dst, netif_ip4_addr(n)))
			return n;
	return NULL;
}

static struct netif *
ip6_owner(const struct ifnet *ifp, const ip6_addr_t *dst)
{
	struct netif *n;
	int i;

	if (ip6_addr_ismulticast(dst) || ip6_addr_islinklocal(dst))
		return NULL;
	NETIF_FOREACH(n) {
		if (n->state == ifp || n->output_ip6 != ipfwd_output6 ||
		    !netif_is_up(n))
			continue;
		for (i = 0; i < LWIP_IPV6_NUM_ADDRESSES; i++)
			if (ip6_addr_isvalid(netif_ip6_addr_state(n, i)) &&
			    ip6_addr_cmp_zoneless(dst, netif_ip6_addr(n, i)))
				return n;
	}
	return NULL;
}

/*
 * The netif of the interface a packet enters by: that of another
 * interface holding its destination (above), else, among this
 * interface's netifs, the one whose subnet holds its source, preferring
 * the one that holds its destination: the primary address or an alias
 * (lwIP answers ICMP echo through the netif a packet came in on).
 */
static struct netif *
ip4_inpath(struct ifnet *ifp, const uint8_t *ip)
{
	struct ifalias *al;
	struct netif *own;
	ip4_addr_t src, dst;

	memcpy(&src.addr, ip + 12, 4);
	memcpy(&dst.addr, ip + 16, 4);
	if ((own = ip4_owner(ifp, &dst)) != NULL)
		return own;
	if (ifp->aliases == NULL)
		return &ifp->netif;
	for (al = ifp->aliases; al != NULL; al = al->next)
		if (ip4_addr_cmp(&dst, netif_ip4_addr(&al->netif)) &&
		    onlink(&al->netif, &src))
			return &al->netif;
	if (onlink(&ifp->netif, &src))
		return &ifp->netif;
	for (al = ifp->aliases; al != NULL; al = al->next)
		if (onlink(&al->netif, &src))
			return &al->netif;
	return &ifp->netif;
}

/* The same for IPv6 (no aliases).  Neighbour discovery stays on the
 * link it arrived by, whatever its destination. */
static struct netif *
ip6_inpath(struct ifnet *ifp, const uint8_t *ip, uint32_t len)
{
	struct netif *own;
	ip6_addr_t dst;

	if (ip[6] == IP6_NEXTH_ICMP6 && len > 40 && ip[40] >= 133 &&
	    ip[40] <= 137)
		return &ifp->netif;
	memset(&dst, 0, sizeof(dst));
	memcpy(dst.addr, ip + 24, 16);
	own = ip6_owner(ifp, &dst);
	return own != NULL ? own : &ifp->netif;
}

/* Core lock held. 1: hand the frame to lwIP. */
static int
ip4_wanted(const uint8_t *f, uint32_t len)
{
	const uint8_t *ip = f + ETH_HLEN;
	ip4_addr_t dst;
	int local;

	if (len < ETH_HLEN + 20)
		return 1;               /* lwIP counts and drops runts */
	memcpy(&dst.addr, ip + 16, 4);
	if (ip4_addr_isloopback(&dst))
		return 0;
	local = ip4_local(&dst);
	/* A unicast packet in a link broadcast or multicast frame is never
	 * forwarded (RFC 1812 5.3.4): every router on the segment would,
	 * or answer it with errors. */
	return local || (netstack_knob(NK_IP_FORWARDING) && !(f[0] & 1));
}

static int
ip6_wanted(const uint8_t *f, uint32_t len)
{
	const uint8_t *ip = f + ETH_HLEN;
	ip6_addr_t dst;
	int local;

	if (!netstack_inet6())
		return 0;
	if (len < ETH_HLEN + 40)
		return 1;
	memset(&dst, 0, sizeof(dst));
	memcpy(dst.addr, ip + 24, 16);
	if (ip6_addr_isloopback(&dst))
		return 0;
	local = ip6_local(&dst);
	/* The same for IPv6 (RFC 4443 2.4 e.4: no error for it either). */
	return local || (netstack_knob(NK_IP6_FORWARDING) && !(f[0] & 1));
}

/* Unicast for another station: not ours.  (Promiscuous mode only matters
 * to a packet tap; the stack never takes others' unicast.) */
static int
mac_wanted(const struct ifnet *ifp, const uint8_t *f)
{
	return (f[0] & 1) != 0 || memcmp(f, ifp->mac, 6) == 0;
}

/* Core lock held: one frame, already copied into p. */
static void
dispatch(struct ifnet *ifp, struct pbuf *p)
{
	const uint8_t *f = p->payload;
	struct netif *in = &ifp->netif;
	int want;

	switch (get16(f + 12)) {
	case ETYPE_ARP:
		arp_input(ifp, p);      /* for every address of ifp */
		return;
	case ETYPE_IPV4:
		if ((want = ip4_wanted(f, p->len)) && p->len >= ETH_HLEN + 20) {
			in = ip4_inpath(ifp, f + ETH_HLEN);
			if (ipfwd_input4(in, p))
				return;
		}
		break;
	case ETYPE_IPV6:
		if ((want = ip6_wanted(f, p->len)) && p->len >= ETH_HLEN + 40) {
			in = ip6_inpath(ifp, f + ETH_HLEN, p->len - ETH_HLEN);
		}
		break;
	default:
		want = 1;               /* lwIP drops what it does not know */
		break;
	}
	if (want)
		ethernet_input(p, in);
	else
		pbuf_free(p);
}

static struct pbuf *
frame_to_pbuf(struct ifnet *ifp, const struct ifnet_frame *f)
{
	struct pbuf *p;

	if (f->len < ETH_HLEN || f->len > 0xffff) {
		IFNET_COUNT(ifp, ierrors, 1);
		return NULL;
	}
	if (!mac_wanted(ifp, f->data))
		return NULL;
	iftap_write(ifp, f, 1);
	if ((p = pbuf_alloc(PBUF_RAW, (u16_t)f->len, PBUF_RAM)) == NULL) {
		IFNET_COUNT(ifp, iqdrops, 1);
		return NULL;
	}
	memcpy(p->payload, f->data, f->len);
	IFNET_COUNT(ifp, ipackets, 1);
	IFNET_COUNT(ifp, ibytes, f->len);
	return p;
}

static void
input_batch(struct ifnet *ifp, const struct ifnet_frame *f, unsigned n)
{
	struct pbuf *p[RX_BATCH_MAX];
	unsigned i, k = 0;

	for (i = 0; i < n; i++)
		if ((p[k] = frame_to_pbuf(ifp, &f[i])) != NULL)
			k++;
	if (k == 0)
		return;
	netstack_lock();
	if (ifp->dying || !netif_is_up(&ifp->netif)) {
		for (i = 0; i < k; i++)
			pbuf_free(p[i]);
	} else {
		netstack_enter();
		for (i = 0; i < k; i++)
			dispatch(ifp, p[i]);
		netstack_poke();
	}
	netstack_unlock();
}

/* A driver's frames: dropped without carrier, delayed when the
 * receive side is impaired, else straight to the stack. */
void
ifnet_input(struct ifnet *ifp, const struct ifnet_frame *f, unsigned n)
{
	struct ifnet_frame mine[RX_BATCH_MAX];
	unsigned i, k;

	if (!impair_active(ifp, RUMP_IMPAIR_IN)) {
		ifnet_deliver(ifp, f, n);      /* drops them without carrier */
		return;
	}
	if (__atomic_load_n(&ifp->carrier_lost, __ATOMIC_RELAXED))
		return;
	/* Only this interface's frames meet its input impairments: the
	 * rest of the segment's traffic must not use up its rate or be
	 * counted as its losses. */
	while (n > 0) {
		for (i = k = 0; i < n && k < RX_BATCH_MAX; i++)
			if (f[i].len >= ETH_HLEN && f[i].len <= 0xffff &&
			    (mac_wanted(ifp, f[i].data) ||
			    ifnet_brport(ifp) != NULL))
				mine[k++] = f[i];
		if (k > 0)
			impair_enqueue(ifp, RUMP_IMPAIR_IN, mine, k);
		f += i;
		n -= i;
	}
}

void
ifnet_deliver(struct ifnet *ifp, const struct ifnet_frame *f, unsigned n)
{
	unsigned chunk;

	/* Frames delayed before the cable was pulled arrive no more. */
	if (__atomic_load_n(&ifp->carrier_lost, __ATOMIC_RELAXED))
		return;
	/* A bridge's member: every frame is the bridge's. */
	if (ifnet_brport(ifp) != NULL) {
		bridge_input(ifp, f, n);
		return;
	}

	while (n > 0) {
		chunk = n < RX_BATCH_MAX ? n : RX_BATCH_MAX;
		input_batch(ifp, f, chunk);
		f += chunk;
		n -= chunk;
	}
}

/* lwIP's netif->input for our netifs (lwIP itself calls it only for
 * frames injected with netif->input, never on our receive path). */
static err_t
ether_netif_input(struct pbuf *p, struct netif *netif)
{
	struct ifnet *ifp = netif->state;

	if (p->len < ETH_HLEN || p->next != NULL) {
		pbuf_free(p);
		return ERR_OK;
	}
	dispatch(ifp, p);
	return ERR_OK;
}

/* ---- netifs ---- */

static void
ether_setup(struct netif *n, struct ifnet *ifp)
{
	n->hwaddr_len = ETH_HWADDR_LEN;
	memcpy(n->hwaddr, ifp->mac, ETH_HWADDR_LEN);
	n->mtu = (u16_t)ifp->mtu;
#if LWIP_ND6_ALLOW_RA_UPDATES
	n->mtu6 = (u16_t)ifp->mtu;
#endif
	n->output = ipfwd_output4;
	n->linkoutput = ether_linkoutput;
}

static err_t
ether_init(struct netif *n)
{
	struct ifnet *ifp = n->state;

	n->name[0] = ifp->name[0];
	n->name[1] = ifp->name[1];
	ether_setup(n, ifp);
	n->output_ip6 = ipfwd_output6;
	n->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP |
	    NETIF_FLAG_ETHERNET | NETIF_FLAG_IGMP | NETIF_FLAG_MLD6;
	return ERR_OK;
}

err_t
ether_netif_add(struct ifnet *ifp)
{
	if (netif_add(&ifp->netif, NULL, NULL, NULL, ifp, ether_init,
	    ether_netif_input) == NULL)
		return ERR_IF;
	return ERR_OK;
}

/* An alias: IPv4 only, no multicast membership of its own. */
static err_t
alias_init(struct netif *n)
{
	struct ifnet *ifp = n->state;

	n->name[0] = 'a';
	n->name[1] = 'l';
	ether_setup(n, ifp);
	n->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP |
	    NETIF_FLAG_ETHERNET;
	return ERR_OK;
}

err_t
alias_netif_add(struct ifnet *ifp, struct ifalias *al, const ip4_addr_t *ip,
    const ip4_addr_t *mask)
{
	if (netif_add(&al->netif, ip, mask, NULL, ifp, alias_init,
	    ether_netif_input) == NULL)
		return ERR_IF;
	/* Never solicit routers from a netif that holds no IPv6 address. */
	al->netif.rs_count = 0;
	return ERR_OK;
}

void
ifnet_sync_aliases(struct ifnet *ifp)
{
	struct ifalias *al;

	for (al = ifp->aliases; al != NULL; al = al->next) {
		al->netif.mtu = (u16_t)ifp->mtu;
		if (netif_is_link_up(&ifp->netif))
			netif_set_link_up(&al->netif);
		else
			netif_set_link_down(&al->netif);
		if (netif_is_up(&ifp->netif))
			netif_set_up(&al->netif);
		else
			netif_set_down(&al->netif);
		al->netif.rs_count = 0;
	}
	ifaddr_in4_sync(ifp);
}

/* ---- the loopback ---- */

/*
 * lwIP loops a packet for a local address on the netif it would leave by
 * (netif_loop_output, which liblwip calls through its PLT); NetBSD sends
 * it through the loopback (its local routes are lo0's), so it counts as
 * sent and received there: on the loopback it was routed to, else lo0.
 */
err_t
netif_loop_output(struct netif *n, struct pbuf *p)
{
	struct ifnet *ifp = n->state;

	if (ifp == NULL || &ifp->netif != n || ifp->kind != NULL)
		ifp = ifnet_loopback();
	if (ifp != NULL) {
		IFNET_COUNT(ifp, opackets, 1);
		IFNET_COUNT(ifp, obytes, p->tot_len);
		IFNET_COUNT(ifp, ipackets, 1);
		IFNET_COUNT(ifp, ibytes, p->tot_len);
	}
	return lwip_real.netif_loop_output(n, p);
}

static err_t
loop_output(struct netif *n, struct pbuf *p)
{
	return netif_loop_output(n, p);
}

static err_t
loop_output4(struct netif *n, struct pbuf *p, const ip4_addr_t *dst)
{
	(void)dst;
	return loop_output(n, p);
}

static err_t
loop_output6(struct netif *n, struct pbuf *p, const ip6_addr_t *dst)
{
	(void)dst;
	return loop_output(n, p);
}

static err_t
loop_init(struct netif *n)
{
	struct ifnet *ifp = n->state;

	n->name[0] = 'l';
	n->name[1] = 'o';
	n->mtu = (u16_t)ifp->mtu;
#if LWIP_ND6_ALLOW_RA_UPDATES
	n->mtu6 = (u16_t)ifp->mtu;
#endif
	n->output = loop_output4;
	n->output_ip6 = loop_output6;
	n->flags = 0;
	return ERR_OK;
}

/* lo0 (first) is up with 127.0.0.1/8; a cloned loopback down, bare. */
err_t
loop_netif_add(struct ifnet *ifp, int first)
{
	ip4_addr_t ip, mask;

	ifp->mtu = LO_MTU;
	ip4_addr_set_zero(&ip);
	ip4_addr_set_zero(&mask);
	if (first) {
		IP4_ADDR(&ip, 127, 0, 0, 1);
		IP4_ADDR(&mask, 255, 0, 0, 0);
	}
	if (netif_add(&ifp->netif, &ip, &mask, NULL, ifp, loop_init,
	    ip_input) == NULL)
		return ERR_IF;
	netif_set_link_up(&ifp->netif);
	if (first)
		netif_set_up(&ifp->netif);
	ifp->netif.rs_count = 0;
	return ERR_OK;
}
