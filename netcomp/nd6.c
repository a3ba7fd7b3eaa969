/*
 * nd6.c — IPv6 neighbour discovery (RFC 4861) for the neighbour table,
 * in place of lwIP's neighbour cache, with NetBSD's netinet6/nd6.c
 * states and timers:
 *
 *  INCOMPLETE  a packet to an unknown neighbour: held, a solicitation to
 *              its solicited-node group every second, at most three; then
 *              the entry goes and a forwarded packet held for it is
 *              answered with "address unreachable".
 *  REACHABLE   confirmed (a solicited advertisement, progress of a TCP
 *              connection): for 15-45 s (30 s times a random 0.5-1.5).
 *  STALE       not confirmed lately; kept a day (nd6_gctimer), then it goes.
 *              Sending to it moves it to
 *  DELAY       for 5 s, then
 *  PROBE       a unicast solicitation every second, at most three, then
 *              it goes.
 *
 * lwIP hands every ND message to nd6_input(); liblwip.so calls it through
 * its PLT, from icmp6_input(), so the definition below takes it first.  A
 * solicitation from a neighbour (not a DAD probe) is handled here alone:
 * its sender is learnt and, when the target is an address of the
 * interface it came in by (or one published there with rump.ndp -s ...
 * proxy), answered.  lwIP would instead add the sender to its own ten
 * entries and probe it.  Advertisements update the table here and then
 * go on to lwIP, which uses them for duplicate address detection;
 * router advertisements, redirects and DAD probes are lwIP's.  TCP's
 * reachability hints (nd6_reachability_hint(), also through the PLT)
 * confirm entries here as NetBSD's nd6_nud_hint() does.
 *
 * ipfwd.c sends unicast IPv6 through nd6_output().  Core lock held.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lwip/icmp6.h"
#include "lwip/inet_chksum.h"
#include "lwip/ip.h"
#include "lwip/ip6.h"
#include "lwip/nd6.h"
#include "lwip/prot/ethernet.h"
#include "lwip/prot/icmp6.h"
#include "lwip/prot/nd6.h"
#include "lwip/priv/nd6_priv.h"

#include "netcomp/ifnet_var.h"
#include "netcomp/neigh.h"
#include "netcomp/netinet.h"
#include "netcomp/override.h"
#include "netcomp/route.h"

#define ND_REACHABLE_MS 30000u          /* REACHABLE_TIME */
#define ND_RETRANS_MS   1000u           /* RETRANS_TIMER */
#define ND_DELAY_MS     5000u           /* DELAY_FIRST_PROBE_TIME */
#define ND_MMAXTRIES    3               /* nd6_mmaxtries */
#define ND_UMAXTRIES    3               /* nd6_umaxtries */
#define ND_GC_MS        (86400u * 1000u)  /* nd6_gctimer: a day */
#define ND_HLEN         24              /* NS/NA without options */
#define ND_OPT_LLA      8               /* a link-layer address option */

static void
addr6(ip6_addr_t *a, const uint8_t *b, struct netif *n)
{
	memset(a, 0, sizeof(*a));
	memcpy(a->addr, b, 16);
	if (n != NULL)
		ip6_addr_assign_zone(a, IP6_UNICAST, n);
}

/* 30 s times a random factor in [0.5, 1.5), as ND_COMPUTE_RTIME. */
static uint64_t
reachable_ms(void)
{
	return ND_REACHABLE_MS / 2 + (uint64_t)rand() % ND_REACHABLE_MS;
}

/* ---- sending solicitations and advertisements ---- */

/* An NS or NA: 24 bytes and a link-layer address option. */
static struct pbuf *
nd_msg(uint8_t type, uint8_t flags, const uint8_t *target, const uint8_t *lla)
{
	struct pbuf *q;
	uint8_t *b;

	if ((q = pbuf_alloc(PBUF_IP, ND_HLEN + ND_OPT_LLA, PBUF_RAM)) == NULL)
		return NULL;
	b = q->payload;
	memset(b, 0, ND_HLEN + ND_OPT_LLA);
	b[0] = type;
	b[4] = flags;
	memcpy(b + 8, target, 16);
	b[ND_HLEN] = type == ICMP6_TYPE_NS ? ND6_OPTION_TYPE_SOURCE_LLADDR :
	    ND6_OPTION_TYPE_TARGET_LLADDR;
	b[ND_HLEN + 1] = 1;             /* 8 bytes */
	memcpy(b + ND_HLEN + 2, lla, 6);
	return q;
}

static void
nd_send(struct ifnet *ifp, struct pbuf *q, const ip6_addr_t *src,
    const ip6_addr_t *dst)
{
	u16_t c;

	c = ip6_chksum_pseudo(q, IP6_NEXTH_ICMP6, q->tot_len, src, dst);
	memcpy((uint8_t *)q->payload + 2, &c, 2);
	ip6_output_if(q, src, dst, 255, 0, IP6_NEXTH_ICMP6, &ifp->netif);
	pbuf_free(q);
}

/* Is a an address of ifp that may be used (not tentative, duplicated)? */
static int
own_valid(struct ifnet *ifp, const ip6_addr_t *a)
{
	int i = netif_get_ip6_addr_match(&ifp->netif, a);

	return i >= 0 && ip6_addr_isvalid(netif_ip6_addr_state(&ifp->netif, i));
}

/*
 * A solicitation for e: to its solicited-node group, or to e itself
 * (a probe).  From the source of a packet waiting for it when that is
 * ours (RFC 4861 7.2.2), else from one chosen for the target.
 */
static void
solicit(struct nbr *e, int unicast)
{
	const ip_addr_t *sel;
	ip6_addr_t target, src, dst;
	struct pbuf *q;

	addr6(&target, e->addr, &e->ifp->netif);
	memset(&src, 0, sizeof(src));
	if (e->nhold > 0 && e->hold[0]->len >= 40)
		addr6(&src, (const uint8_t *)e->hold[0]->payload + 8,
		    &e->ifp->netif);
	if (!own_valid(e->ifp, &src)) {
		if ((sel = ip6_select_source_address(&e->ifp->netif,
		    &target)) == NULL)
			return;         /* no usable address yet */
		ip6_addr_copy(src, *ip_2_ip6(sel));
	}
	if (unicast)
		dst = target;
	else {
		ip6_addr_set_solicitednode(&dst, target.addr[3]);
		ip6_addr_assign_zone(&dst, IP6_MULTICAST, &e->ifp->netif);
	}
	if ((q = nd_msg(ICMP6_TYPE_NS, 0, e->addr, e->ifp->mac)) ==
	    NULL)
		return;
	nd_send(e->ifp, q, &src, &dst);
	e->asked++;
}

/* The answer to a solicitation for target from src, with lla. */
static void
advertise(struct ifnet *ifp, const ip6_addr_t *target, const ip6_addr_t *src,
    const uint8_t *lla, int override)
{
	uint8_t flags = ND6_FLAG_SOLICITED;
	struct pbuf *q;

	if (override)
		flags |= ND6_FLAG_OVERRIDE;
	if (netstack_knob(NK_IP6_FORWARDING))
		flags |= ND6_FLAG_ROUTER;
	if ((q = nd_msg(ICMP6_TYPE_NA, flags,
	    (const uint8_t *)target->addr, lla)) == NULL)
		return;
	nd_send(ifp, q, target, src);
}

void
nd6_announce(struct ifnet *ifp)
{
	struct netif *n = &ifp->netif;
	uint8_t flags = ND6_FLAG_OVERRIDE;
	ip6_addr_t dst;
	struct pbuf *q;
	int i;

	if (netstack_knob(NK_IP6_FORWARDING))
		flags |= ND6_FLAG_ROUTER;
	ip6_addr_set_allnodes_linklocal(&dst);
	ip6_addr_assign_zone(&dst, IP6_MULTICAST, n);
	for (i = 0; i < LWIP_IPV6_NUM_ADDRESSES; i++) {
		if (!ip6_addr_isvalid(netif_ip6_addr_state(n, i)))
			continue;
		if ((q = nd_msg(ICMP6_TYPE_NA, flags,
		    (const uint8_t *)netif_ip6_addr(n, i)->addr,
		    ifp->mac)) == NULL)
			return;
		nd_send(ifp, q, netif_ip6_addr(n, i), &dst);
	}
}

/* ---- output ---- */

err_t
nd6_output(struct netif *n, struct pbuf *p, const ip6_addr_t *nh)
{
	struct ifnet *ifp = n->state;
	struct nbr *e;

	e = nbr_lookup(ifp, AF_INET6, (const uint8_t *)nh->addr);
	if (e == NULL) {
		if ((e = nbr_create(ifp, AF_INET6,
		    (const uint8_t *)nh->addr)) == NULL)
			return ERR_MEM;
		nbr_hold(e, p);
		solicit(e, 0);
		nbr_expire_in(e, ND_RETRANS_MS);
		return ERR_OK;
	}
	switch (e->state) {
	case RUMP_ND_INCOMPLETE:
		nbr_hold(e, p);
		return ERR_OK;
	case RUMP_ND_STALE:
		e->state = RUMP_ND_DELAY;
		nbr_expire_in(e, ND_DELAY_MS);
		break;
	default:
		break;
	}
	return nbr_send(ifp, p, e->mac, ETHTYPE_IPV6);
}

/* "Address unreachable" for the packets a failed resolution held that
 * this node forwards (its own just fail). */
static void
unreachable(struct nbr *e)
{
	ip6_addr_t src;
	unsigned i;

	for (i = 0; i < e->nhold; i++) {
		if (e->hold[i]->len < 40)
			continue;
		addr6(&src, (const uint8_t *)e->hold[i]->payload + 8, NULL);
		if (!ipfwd_local6(&src))
			icmp6err_send(e->hold[i], &e->ifp->netif,
			    ICMP6_TYPE_DUR, ICMP6_DUR_ADDRESS, 0);
	}
}

void
nd6_timeout(struct nbr *e, uint64_t now)
{
	(void)now;
	switch (e->state) {
	case RUMP_ND_INCOMPLETE:
		if (e->asked < ND_MMAXTRIES) {
			solicit(e, 0);
			nbr_expire_in(e, ND_RETRANS_MS);
			return;
		}
		unreachable(e);
		break;
	case RUMP_ND_REACHABLE:
		e->state = RUMP_ND_STALE;
		nbr_expire_in(e, ND_GC_MS);
		return;
	case RUMP_ND_DELAY:
		e->state = RUMP_ND_PROBE;
		e->asked = 0;
		/* FALLTHROUGH */
	case RUMP_ND_PROBE:
		if (e->asked < ND_UMAXTRIES) {
			solicit(e, 1);
			nbr_expire_in(e, ND_RETRANS_MS);
			return;
		}
		break;
	default:                /* STALE: a day without use */
		break;
	}
	nbr_free(e);
}

/* ---- input ---- */

/* The link-layer address in the option of type `want`, or NULL. */
static const uint8_t *
lla_opt(const uint8_t *opt, uint32_t len, uint8_t want)
{
	uint32_t olen;

	while (len >= 2) {
		olen = (uint32_t)opt[1] * 8;
		if (olen == 0 || olen > len)
			return NULL;
		if (opt[0] == want && olen >= ND_OPT_LLA)
			return opt + 2;
		opt += olen;
		len -= olen;
	}
	return NULL;
}

/* What a neighbour's message says of its link-layer address (RFC 4861
 * 7.2.3 for a solicitation): a new entry or a new address is STALE. */
static void
learn(struct ifnet *ifp, const uint8_t *who, const uint8_t *lla)
{
	struct nbr *e;

	if ((e = nbr_lookup(ifp, AF_INET6, who)) == NULL &&
	    (e = nbr_create(ifp, AF_INET6, who)) == NULL)
		return;
	if (e->flags & (NB_STATIC | NB_PUBLISHED))
		return;
	if (e->state != RUMP_ND_INCOMPLETE && memcmp(e->mac, lla, 6) == 0)
		return;
	memcpy(e->mac, lla, 6);
	e->state = RUMP_ND_STALE;
	e->asked = 0;
	nbr_expire_in(e, ND_GC_MS);
	nbr_release(e);
}

/* A solicitation from a neighbour (not DAD) for target. */
static void
ns_input(struct ifnet *ifp, const uint8_t *m, uint32_t len)
{
	const uint8_t *lla = lla_opt(m + ND_HLEN, len - ND_HLEN,
	    ND6_OPTION_TYPE_SOURCE_LLADDR);
	const uint8_t *mac = ifp->mac;
	ip6_addr_t target;
	struct nbr *pub = NULL;

	addr6(&target, m + 8, &ifp->netif);
	if (!own_valid(ifp, &target)) {
		pub = nbr_lookup(ifp, AF_INET6, m + 8);
		if (pub == NULL || !(pub->flags & NB_PUBLISHED))
			return;         /* not for us */
		mac = pub->mac;
	}
	if (lla != NULL)
		learn(ifp, (const uint8_t *)ip6_current_src_addr()->addr, lla);
	advertise(ifp, &target, ip6_current_src_addr(), mac, pub == NULL);
}

/* An advertisement for target (RFC 4861 7.2.5). */
static void
na_input(struct ifnet *ifp, const uint8_t *m, uint32_t len)
{
	const uint8_t *lla = lla_opt(m + ND_HLEN, len - ND_HLEN,
	    ND6_OPTION_TYPE_TARGET_LLADDR);
	int solicited = m[4] & ND6_FLAG_SOLICITED, changed;
	struct nbr *e;

	if ((e = nbr_lookup(ifp, AF_INET6, m + 8)) == NULL ||
	    (e->flags & (NB_STATIC | NB_PUBLISHED)))
		return;
	if (e->state == RUMP_ND_INCOMPLETE && lla == NULL)
		return;
	changed = lla != NULL && memcmp(lla, e->mac, 6) != 0;
	if (e->state != RUMP_ND_INCOMPLETE && changed &&
	    !(m[4] & ND6_FLAG_OVERRIDE)) {
		if (e->state == RUMP_ND_REACHABLE) {
			e->state = RUMP_ND_STALE;
			nbr_expire_in(e, ND_GC_MS);
		}
		return;
	}
	if (lla != NULL)
		memcpy(e->mac, lla, 6);
	if (solicited) {
		e->state = RUMP_ND_REACHABLE;
		nbr_expire_in(e, reachable_ms());
	} else if (changed || e->state == RUMP_ND_INCOMPLETE) {
		e->state = RUMP_ND_STALE;
		nbr_expire_in(e, ND_GC_MS);
	}
	e->asked = 0;
	if (m[4] & ND6_FLAG_ROUTER)
		e->flags |= NB_ROUTER;
	else
		e->flags &= (uint16_t)~NB_ROUTER;
	nbr_release(e);
}

/* 1: the message was handled here alone. */
static int
nd_take(struct pbuf *p, struct netif *inp)
{
	const struct ip6_hdr *ip6 = ip6_current_header();
	struct ifnet *ifp = inp->state;
	const uint8_t *m = p->payload;
	ip6_addr_t t;

	if (ifp == NULL || &ifp->netif != inp || ifp->kind == NULL ||
	    p->len < ND_HLEN || (m[0] != ICMP6_TYPE_NS &&
	    m[0] != ICMP6_TYPE_NA) || m[1] != 0 || IP6H_HOPLIM(ip6) != 255)
		return 0;
	addr6(&t, m + 8, NULL);
	if (ip6_addr_ismulticast(&t))
		return 0;
	if (m[0] == ICMP6_TYPE_NA) {
		if (!(ip6_addr_ismulticast(ip6_current_dest_addr()) &&
		    (m[4] & ND6_FLAG_SOLICITED)))
			na_input(ifp, m, p->len);
		return 0;               /* lwIP checks it for DAD */
	}
	if (ip6_addr_isany(ip6_current_src_addr()))
		return 0;               /* a DAD probe: lwIP's */
	ns_input(ifp, m, p->len);
	return 1;
}

void
nd6_input(struct pbuf *p, struct netif *inp)
{
	if (nd_take(p, inp)) {
		pbuf_free(p);
		return;
	}
	lwip_real.nd6_input(p, inp);
}

/* TCP made progress with a: its entries are confirmed reachable. */
void
nd6_reachability_hint(const ip6_addr_t *a)
{
	struct netif *n;
	struct nbr *e;

	NETIF_FOREACH(n) {
		if (n->state == NULL || &((struct ifnet *)n->state)->netif != n ||
		    (e = nbr_lookup(n->state, AF_INET6,
		    (const uint8_t *)a->addr)) == NULL ||
		    e->state == RUMP_ND_INCOMPLETE ||
		    (e->flags & (NB_STATIC | NB_PUBLISHED)))
			continue;
		e->state = RUMP_ND_REACHABLE;
		e->asked = 0;
		nbr_expire_in(e, reachable_ms());
	}
	lwip_real.nd6_reachability_hint(a);
}

/* A default router lwIP learnt from an RA on n, for a destination the
 * table has no route to: 1 and its address in *out. */
int
nd6_default_router(struct netif *n, ip6_addr_t *out)
{
	const struct nd6_neighbor_cache_entry *r;
	int i;

	for (i = 0; i < LWIP_ND6_NUM_ROUTERS; i++) {
		r = default_router_list[i].neighbor_entry;
		if (r == NULL || r->netif != n ||
		    default_router_list[i].invalidation_timer == 0)
			continue;
		ip6_addr_copy(*out, r->next_hop_address);
		return 1;
	}
	return 0;
}
