/*
 * ifaddr.c — the addresses of an interface.
 *
 * IPv4: the netif's own address is the primary one; each further address
 * is an alias on a hidden netif (ifnet_var.h explains why that works).  An
 * alias inside the primary's subnet is given a /32 mask inside lwIP, so
 * that lwIP keeps routing that subnet through the primary address (the
 * configured prefix length is what clients see).  Deleting the primary
 * promotes the first alias; connections bound to the promoted address are
 * reset by lwIP when its netif goes away.
 *
 * Each IPv4 address has NetBSD's states (struct in4dad; arp.c does the
 * probing and announcing), given at NetBSD's moments (in_ifinit,
 * arp_ifinit, in_if_link_up and in_if_link_down):
 *  - an address added while the interface runs (up, link up) is
 *    tentative and checked (net.inet.ip.dad_count probes), or with
 *    dad_count 0 valid and announced at once;
 *  - one added while it does not run is valid at once and announced
 *    when it comes to run (ifconfig brings an interface up after giving
 *    it an address, as NetBSD's SIOCINITIFADDR does);
 *  - when the interface stops running every address is detached (DAD
 *    stops, tentative and duplicated are forgotten), and when it runs
 *    again each is checked again, or with dad_count 0 announced.
 * The loopback and -arp interfaces have no ARP: their addresses are
 * valid at once.
 *
 * IPv6: lwIP has LWIP_IPV6_NUM_ADDRESSES (6) slots per netif and no prefix
 * length; slot 0 is the link-local address, created when the interface
 * comes up.  lwIP treats a destination as on-link when it shares the first
 * 64 bits with one of the interface's addresses (or matches a prefix
 * learnt from a router advertisement), whatever length was configured;
 * the length is kept here for display.  An address added while the
 * interface is up starts tentative and goes through duplicate address
 * detection once its link is up (net.inet6.ip6.dad_count probes, a second
 * apart; none when it is 0); one added while the interface is down is
 * valid at once, as NetBSD's (so the first address ifconfig gives a down
 * interface is usable as soon as it is up); an address that failed DAD
 * is tried again on the next up.
 * The link-local address is made when the interface comes up, unless
 * net.inet6.ip6.auto_linklocal was 0 when the interface was created.
 * An address may be given lifetimes (NetBSD's pltime and vltime): it is
 * deprecated, then removed, when they end (see v6_set_life).
 *
 * Every function runs with ifnet_cfg and the core lock held.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "lwip/ip4_addr.h"
#include "lwip/ip6_addr.h"
#include "lwip/nd6.h"
#include "lwip/netif.h"

#include "kernel/klog.h"
#include "netcomp/ifnet_var.h"
#include "netcomp/neigh.h"
#include "netcomp/netinet.h"
#include "netcomp/override.h"
#include "netcomp/route.h"

/* ---- IPv4 ---- */

static uint8_t
mask_plen(const ip4_addr_t *m)
{
	uint32_t v = lwip_ntohl(ip4_addr_get_u32(m));
	uint8_t n = 0;

	while (v & 0x80000000u) {
		n++;
		v <<= 1;
	}
	return n;
}

static void
plen_mask(uint8_t plen, ip4_addr_t *m)
{
	uint32_t v = plen == 0 ? 0 : 0xffffffffu << (32 - plen);

	ip4_addr_set_u32(m, lwip_htonl(v));
}

static void
log_addr(const struct ifnet *ifp, const char *what,
    const struct rump_ifaddr *a)
{
	char buf[64];

	if (a->family == AF_INET)
		ip4addr_ntoa_r((const ip4_addr_t *)(const void *)a->addr, buf,
		    sizeof(buf));
	else    /* not lwIP's ntoa: it squeezes the first zero run, in capitals */
		inet_ntop(AF_INET6, a->addr, buf, sizeof(buf));
	klog(KLOG_INFO, "%s: %s %s/%u", ifp->name, what, buf, a->plen);
}

static int
v4_valid(const ip4_addr_t *ip, uint8_t plen)
{
	return plen >= 1 && plen <= 32 && !ip4_addr_isany(ip) &&
	    !ip4_addr_ismulticast(ip) &&
	    ip4_addr_get_u32(ip) != IPADDR_BROADCAST;
}

static struct ifalias *
alias_find(struct ifnet *ifp, const ip4_addr_t *ip)
{
	struct ifalias *al;

	for (al = ifp->aliases; al != NULL; al = al->next)
		if (ip4_addr_cmp(ip, netif_ip4_addr(&al->netif)))
			return al;
	return NULL;
}

/* Does another interface hold ip? */
static int
v4_elsewhere(const struct ifnet *ifp, const ip4_addr_t *ip)
{
	struct netif *n;

	NETIF_FOREACH(n)
		if (n->state != ifp && ip4_addr_cmp(ip, netif_ip4_addr(n)))
			return 1;
	return 0;
}

/* The mask lwIP gets for an alias (see the top of the file). */
static void
alias_mask(struct ifnet *ifp, const ip4_addr_t *ip, uint8_t plen,
    ip4_addr_t *mask)
{
	const struct netif *n = &ifp->netif;

	plen_mask(plen, mask);
	if (!ip4_addr_isany(netif_ip4_addr(n)) &&
	    (ip4_addr_netcmp(ip, netif_ip4_addr(n), netif_ip4_netmask(n)) ||
	    ip4_addr_netcmp(ip, netif_ip4_addr(n), mask)))
		plen_mask(32, mask);
}

static int
in4_runs(const struct ifnet *ifp)
{
	return netif_is_up(&ifp->netif) && netif_is_link_up(&ifp->netif);
}

static int
in4_arp(const struct ifnet *ifp)
{
	return ifp->kind != NULL && !(ifp->uflags & RUMP_IFF_NOARP);
}

/* d is for a new address of ifp, held by n (see the top of the file). */
static void
in4_new(struct ifnet *ifp, struct in4dad *d, struct netif *n)
{
	arp_dad_stop(d);
	memset(d, 0, sizeof(*d));
	d->n = n;
	if (!in4_arp(ifp))
		return;
	if (!in4_runs(ifp))
		d->flags = IN4_ANNOUNCE;
	else
		arp_dad_start(d);
}

static int
alias_add(struct ifnet *ifp, const ip4_addr_t *ip, uint8_t plen)
{
	struct ifalias *al;
	ip4_addr_t mask;

	if (ifp->naliases >= IFNET_MAXALIAS)
		return -ENOSPC;
	if ((al = hyp_calloc(1, sizeof(*al))) == NULL)
		return -ENOMEM;
	alias_mask(ifp, ip, plen, &mask);
	if (alias_netif_add(ifp, al, ip, &mask) != ERR_OK) {
		hyp_free(al);
		return -ENOSPC;
	}
	al->plen = plen;
	al->next = ifp->aliases;
	ifp->aliases = al;
	ifp->naliases++;
	ifnet_sync_aliases(ifp);
	in4_new(ifp, &al->dad, &al->netif);
	return 0;
}

static void
alias_unlink(struct ifnet *ifp, struct ifalias *al)
{
	struct ifalias **pp;

	for (pp = &ifp->aliases; *pp != NULL; pp = &(*pp)->next)
		if (*pp == al) {
			*pp = al->next;
			break;
		}
	ifp->naliases--;
	arp_dad_stop(&al->dad);
	netif_remove(&al->netif);
}

static int
v4_add(struct ifnet *ifp, const struct rump_ifaddr *a)
{
	struct netif *n = &ifp->netif;
	struct ifalias *al;
	ip4_addr_t ip, mask;

	memcpy(&ip.addr, a->addr, 4);
	if (!v4_valid(&ip, a->plen))
		return -EINVAL;
	if (v4_elsewhere(ifp, &ip))
		return -EEXIST;
	plen_mask(a->plen, &mask);
	if (ip4_addr_isany(netif_ip4_addr(n))) {
		netif_set_addr(n, &ip, &mask, IP4_ADDR_ANY4);
		in4_new(ifp, &ifp->dad4, n);
	} else if (ip4_addr_cmp(&ip, netif_ip4_addr(n)))
		netif_set_netmask(n, &mask);
	else if ((al = alias_find(ifp, &ip)) != NULL) {
		al->plen = a->plen;
		alias_mask(ifp, &ip, a->plen, &mask);
		netif_set_netmask(&al->netif, &mask);
	} else
		return alias_add(ifp, &ip, a->plen);
	return 0;
}

static int
v4_del(struct ifnet *ifp, const struct rump_ifaddr *a)
{
	struct netif *n = &ifp->netif;
	struct ifalias *al;
	ip4_addr_t ip, mask;
	uint8_t plen;

	memcpy(&ip.addr, a->addr, 4);
	if ((al = alias_find(ifp, &ip)) != NULL) {
		alias_unlink(ifp, al);
		hyp_free(al);
		return 0;
	}
	if (ip4_addr_isany(&ip) || !ip4_addr_cmp(&ip, netif_ip4_addr(n)))
		return -EADDRNOTAVAIL;
	arp_dad_stop(&ifp->dad4);
	if ((al = ifp->aliases) == NULL) {
		netif_set_addr(n, IP4_ADDR_ANY4, IP4_ADDR_ANY4, IP4_ADDR_ANY4);
		return 0;
	}
	ip4_addr_copy(ip, *netif_ip4_addr(&al->netif));
	plen = al->plen;
	alias_unlink(ifp, al);
	/* The promoted address keeps its state; a check under way starts
	 * again for it. */
	ifp->dad4 = al->dad;
	ifp->dad4.n = n;
	hyp_free(al);
	plen_mask(plen, &mask);
	netif_set_addr(n, &ip, &mask, IP4_ADDR_ANY4);
	if (ifp->dad4.flags & IN4_TENTATIVE)
		arp_dad_start(&ifp->dad4);
	return 0;
}

/* ---- IPv6 ---- */

static void
v6_from(const struct rump_ifaddr *a, ip6_addr_t *ip)
{
	memset(ip, 0, sizeof(*ip));
	memcpy(ip->addr, a->addr, 16);
}

static int
v6_slot(const struct netif *n, const ip6_addr_t *ip)
{
	int i;

	for (i = 0; i < LWIP_IPV6_NUM_ADDRESSES; i++)
		if (!ip6_addr_isinvalid(netif_ip6_addr_state(n, i)) &&
		    ip6_addr_cmp_zoneless(ip, netif_ip6_addr(n, i)))
			return i;
	return -1;
}

static int
v6_elsewhere(const struct ifnet *ifp, const ip6_addr_t *ip)
{
	struct netif *n;

	NETIF_FOREACH(n)
		if (n->state != ifp && v6_slot(n, ip) >= 0)
			return 1;
	return 0;
}

/*
 * Lifetimes given with an address are kept here, as the monotonic
 * times they end (lwIP's slots count SLAAC lifetimes down by its ND
 * timer, which a node that sleeps while idle does not run; those of a
 * configured address stay lwIP's "static"): when the preferred one has
 * passed a preferred address is deprecated, when the valid one has the
 * address is removed.  v6_life_due() does it, from the ND timer, before
 * the address list is read, and when idle.c wakes the stack for the
 * next end (ifaddr_life_quiet_for()).  Set again, an address takes the
 * new lifetimes and a deprecated one is preferred again, as NetBSD's
 * in6_update_ifa() does.
 */
static uint64_t
now_ms(void)
{
	return hyp_clock_mono_ns() / 1000000u;
}

static uint64_t
life_end(uint64_t now, uint32_t secs)
{
	return secs == RUMP_LIFE_INFINITE ? 0 : now + (uint64_t)secs * 1000u;
}

/* Whole seconds left until end (rounded up), as NetBSD shows them. */
static uint32_t
life_left(uint64_t end, uint64_t now)
{
	if (end == 0)
		return RUMP_LIFE_INFINITE;
	return end <= now ? 0 : (uint32_t)((end - now + 999) / 1000);
}

static void
v6_set_life(struct ifnet *ifp, int i, uint32_t pltime, uint32_t vltime)
{
	struct netif *n = &ifp->netif;
	uint64_t now = now_ms();

	if (ip6_addr_isdeprecated(netif_ip6_addr_state(n, i)) && pltime != 0)
		netif_ip6_addr_set_state(n, (s8_t)i, IP6_ADDR_PREFERRED);
	netif_ip6_addr_set_valid_life(n, i, IP6_ADDR_LIFE_STATIC);
	netif_ip6_addr_set_pref_life(n, i, IP6_ADDR_LIFE_STATIC);
	ifp->v6pref_end[i] = life_end(now, pltime);
	ifp->v6valid_end[i] = life_end(now, vltime);
	if (pltime == 0)
		ifp->v6pref_end[i] = now;
}

static int
v6_add(struct ifnet *ifp, const struct rump_ifaddr *a)
{
	struct netif *n = &ifp->netif;
	ip6_addr_t ip;
	s8_t idx;
	int i;

	if (!netstack_inet6())
		return -EAFNOSUPPORT;
	v6_from(a, &ip);
	if (a->plen < 1 || a->plen > 128 || ip6_addr_isany(&ip) ||
	    ip6_addr_ismulticast(&ip))
		return -EINVAL;
	if ((i = v6_slot(n, &ip)) >= 0) {
		ifp->v6plen[i] = a->plen;
		ifp->v6ours[i] = 1;
		v6_set_life(ifp, i, RUMP_LIFE_INFINITE, RUMP_LIFE_INFINITE);
		return 0;
	}
	if (v6_elsewhere(ifp, &ip))
		return -EEXIST;
	if (netif_add_ip6_address(n, &ip, &idx) != ERR_OK || idx < 0)
		return -ENOSPC;
	ifp->v6plen[idx] = a->plen;
	ifp->v6ours[idx] = 1;
	ifp->v6dad[idx] = 0;
	v6_set_life(ifp, idx, RUMP_LIFE_INFINITE, RUMP_LIFE_INFINITE);
	/* No DAD on the loopback, nor with net.inet6.ip6.dad_count 0, nor
	 * for an address given while the interface is down: NetBSD checks
	 * only addresses added to an interface that is up (if_do_dad). */
	if (ifp->kind == NULL || netstack_knob(NK_IP6_DAD_COUNT) == 0 ||
	    !netif_is_up(n))
		netif_ip6_addr_set_state(n, idx, IP6_ADDR_PREFERRED);
	return 0;
}

/* Slot i has become invalid (deleted, or its valid lifetime ran out). */
static void
v6_forget(struct ifnet *ifp, int i)
{
	ip6_addr_set_zero(ip_2_ip6(&ifp->netif.ip6_addr[i]));
	netif_ip6_addr_set_valid_life(&ifp->netif, i, IP6_ADDR_LIFE_STATIC);
	netif_ip6_addr_set_pref_life(&ifp->netif, i, IP6_ADDR_LIFE_STATIC);
	ifp->v6plen[i] = 0;
	ifp->v6ours[i] = 0;
	ifp->v6pref_end[i] = ifp->v6valid_end[i] = 0;
}

static int
v6_del(struct ifnet *ifp, const struct rump_ifaddr *a)
{
	ip6_addr_t ip;
	int i;

	if (!netstack_inet6())
		return -EAFNOSUPPORT;
	v6_from(a, &ip);
	if ((i = v6_slot(&ifp->netif, &ip)) < 0)
		return -EADDRNOTAVAIL;
	netif_ip6_addr_set_state(&ifp->netif, (s8_t)i, IP6_ADDR_INVALID);
	v6_forget(ifp, i);
	return 0;
}

/* Apply the lifetime ends that have passed (see v6_set_life). */
static void
v6_life_due(struct ifnet *ifp, uint64_t now)
{
	struct rump_ifaddr a = { .family = AF_INET6 };
	struct netif *n = &ifp->netif;
	u8_t st;
	int i;

	for (i = 0; i < LWIP_IPV6_NUM_ADDRESSES; i++) {
		st = netif_ip6_addr_state(n, i);
		if (ip6_addr_isinvalid(st))
			continue;
		if (ifp->v6valid_end[i] != 0 && now >= ifp->v6valid_end[i]) {
			a.plen = ifp->v6plen[i];
			memcpy(a.addr, netif_ip6_addr(n, i)->addr, 16);
			netif_ip6_addr_set_state(n, (s8_t)i, IP6_ADDR_INVALID);
			v6_forget(ifp, i);
			log_addr(ifp, "expired", &a);
			route_ifaddr_changed(ifp->name);
			neigh_prune(ifp);
		} else if (ifp->v6pref_end[i] != 0 &&
		    now >= ifp->v6pref_end[i] && ip6_addr_ispreferred(st))
			netif_ip6_addr_set_state(n, (s8_t)i,
			    IP6_ADDR_DEPRECATED);
	}
}

static uint8_t
v6_flags(u8_t state, int ours)
{
	uint8_t f = ours ? 0 : RUMP_IFA_AUTOCONF;

	if (ip6_addr_istentative(state))
		f |= RUMP_IFA_TENTATIVE;
	else if (ip6_addr_isduplicated(state))
		f |= RUMP_IFA_DUPLICATED;
	else if (ip6_addr_isdeprecated(state))
		f |= RUMP_IFA_DEPRECATED;
	return f;
}

/* ---- the interface's list ---- */

static void
put4(struct rump_ifaddr *o, const ip4_addr_t *ip, uint8_t plen,
    const struct in4dad *d)
{
	memset(o, 0, sizeof(*o));
	o->family = AF_INET;
	o->plen = plen;
	if (d->flags & IN4_TENTATIVE)
		o->flags |= RUMP_IFA_TENTATIVE;
	if (d->flags & IN4_DUPLICATED)
		o->flags |= RUMP_IFA_DUPLICATED;
	if (d->flags & IN4_DETACHED)
		o->flags |= RUMP_IFA_DETACHED;
	memcpy(o->addr, &ip->addr, 4);
}

int
ifaddr_fill(struct ifnet *ifp, struct rump_ifaddr *out, int max)
{
	const struct netif *n = &ifp->netif;
	const struct ifalias *al;
	u8_t st;
	int i, k = 0;

	v6_life_due(ifp, now_ms());
	if (!ip4_addr_isany(netif_ip4_addr(n)) && k < max)
		put4(&out[k++], netif_ip4_addr(n),
		    mask_plen(netif_ip4_netmask(n)), &ifp->dad4);
	for (al = ifp->aliases; al != NULL && k < max; al = al->next)
		put4(&out[k++], netif_ip4_addr(&al->netif), al->plen,
		    &al->dad);
	for (i = 0; i < LWIP_IPV6_NUM_ADDRESSES && k < max; i++) {
		st = netif_ip6_addr_state(n, i);
		if (ip6_addr_isinvalid(st))     /* lwIP's macros need a name */
			continue;
		memset(&out[k], 0, sizeof(out[k]));
		out[k].family = AF_INET6;
		out[k].plen = ifp->v6plen[i] ? ifp->v6plen[i] : 64;
		out[k].flags = v6_flags(st, ifp->v6ours[i]);
		memcpy(out[k].addr, netif_ip6_addr(n, i)->addr, 16);
		k++;
	}
	return k;
}

int
ifaddr_add(struct ifnet *ifp, const struct rump_ifaddr *a)
{
	int error;

	if (a->family == AF_INET)
		error = v4_add(ifp, a);
	else if (a->family == AF_INET6)
		error = v6_add(ifp, a);
	else
		error = -EAFNOSUPPORT;
	if (error == 0) {
		log_addr(ifp, "address", a);
		route_ifaddr_changed(ifp->name);
	}
	return error;
}

int
ifaddr_del(struct ifnet *ifp, const struct rump_ifaddr *a)
{
	int error;

	if (a->family == AF_INET)
		error = v4_del(ifp, a);
	else if (a->family == AF_INET6)
		error = v6_del(ifp, a);
	else
		error = -EAFNOSUPPORT;
	if (error == 0) {
		log_addr(ifp, "deleted", a);
		route_ifaddr_changed(ifp->name);
		neigh_prune(ifp);
	}
	return error;
}

/* ifaddr_add with lifetimes (see v6_set_life), as NetBSD checks them. */
int
ifaddr_add_life(struct ifnet *ifp, const struct rump_ifaddr *a,
    uint32_t pltime, uint32_t vltime)
{
	ip6_addr_t ip;
	int error, i;

	if (a->family != AF_INET6 || vltime == 0 || pltime > vltime)
		return -EINVAL;
	if ((error = ifaddr_add(ifp, a)) != 0)
		return error;
	v6_from(a, &ip);
	if ((i = v6_slot(&ifp->netif, &ip)) >= 0)
		v6_set_life(ifp, i, pltime, vltime);
	return 0;
}

int
ifaddr_get_life(struct ifnet *ifp, const struct rump_ifaddr *a,
    uint32_t *pltime, uint32_t *vltime)
{
	struct netif *n = &ifp->netif;
	ip6_addr_t ip;
	int i;

	if (a->family != AF_INET6)
		return -EAFNOSUPPORT;
	v6_from(a, &ip);
	if ((i = v6_slot(n, &ip)) < 0)
		return -EADDRNOTAVAIL;
	if (!netif_ip6_addr_isstatic(n, i)) {    /* SLAAC's, lwIP's count */
		*pltime = netif_ip6_addr_pref_life(n, i);
		*vltime = netif_ip6_addr_valid_life(n, i);
		return 0;
	}
	*pltime = life_left(ifp->v6pref_end[i], now_ms());
	*vltime = life_left(ifp->v6valid_end[i], now_ms());
	return 0;
}

/* The interface came up (or IPv6 arrived while it was up). */
void
ifaddr_up(struct ifnet *ifp)
{
	struct netif *n = &ifp->netif;
	struct rump_ifaddr lo6 = { .family = AF_INET6, .plen = 128 };
	struct rump_ifaddr ll6 = { .family = AF_INET6, .plen = 64,
	    .addr = { 0xfe, 0x80, [15] = 1 } };
	int i;

	if (!netstack_inet6())
		return;
	/* The loopback: ::1 and, as NetBSD's in6_ifattach gives it,
	 * fe80::1. */
	if (ifp->kind == NULL) {
		lo6.addr[15] = 1;
		v6_add(ifp, &lo6);
		v6_add(ifp, &ll6);
		return;
	}
	if (ip6_addr_isinvalid(netif_ip6_addr_state(n, 0)) &&
	    ifp->auto_linklocal) {
		netif_create_ip6_linklocal_address(n, 1);
		ifp->v6plen[0] = 64;
		ifp->v6ours[0] = 1;
		ifp->v6dad[0] = 0;
		if (netstack_knob(NK_IP6_DAD_COUNT) == 0)
			netif_ip6_addr_set_state(n, 0, IP6_ADDR_PREFERRED);
	}
	/* Addresses that failed DAD get another try; valid ones stay valid,
	 * so connections survive a down/up. */
	for (i = 0; i < LWIP_IPV6_NUM_ADDRESSES; i++)
		if (ip6_addr_isduplicated(netif_ip6_addr_state(n, i))) {
			ifp->v6dad[i] = 0;
			netif_ip6_addr_set_state(n, (s8_t)i,
			    IP6_ADDR_TENTATIVE);
		}
}

static void
v6_all_due(void)
{
	struct netif *n;
	struct ifnet *ifp;
	uint64_t now = now_ms();

	NETIF_FOREACH(n)
		if ((ifp = n->state) != NULL && &ifp->netif == n)
			v6_life_due(ifp, now);
}

/* The earliest end still to apply, in ms from now (0: due). */
uint32_t
ifaddr_life_quiet_for(void)
{
	struct netif *n;
	struct ifnet *ifp;
	uint64_t now = now_ms(), end, first = UINT64_MAX;
	int i;

	NETIF_FOREACH(n) {
		if ((ifp = n->state) == NULL || &ifp->netif != n)
			continue;
		for (i = 0; i < LWIP_IPV6_NUM_ADDRESSES; i++) {
			if (ip6_addr_isinvalid(netif_ip6_addr_state(n, i)))
				continue;
			end = ifp->v6valid_end[i];
			if (ifp->v6pref_end[i] != 0 && ip6_addr_ispreferred(
			    netif_ip6_addr_state(n, i)) && (end == 0 ||
			    ifp->v6pref_end[i] < end))
				end = ifp->v6pref_end[i];
			if (end != 0 && end < first)
				first = end;
		}
	}
	if (first == UINT64_MAX)
		return UINT32_MAX;
	if (first <= now)
		return 0;
	return first - now > UINT32_MAX - 1 ? UINT32_MAX - 1 :
	    (uint32_t)(first - now);
}

/*
 * net.inet6.ip6.dad_count probes for a new address, where Debian's lwIP
 * sends LWIP_IPV6_DUP_DETECT_ATTEMPTS (1): lwIP's nd6_tmr(), which its
 * timer table reaches through a relocation this definition wins, sends
 * a probe for a tentative address whose count is below that and makes
 * it valid a second after the last.  Before it runs, an address whose
 * probe went out the second before and that needs more is made to look
 * unprobed again, so lwIP sends the next one, one a second, as NetBSD.
 */
void
nd6_tmr(void)
{
	struct netif *n;
	struct ifnet *ifp;
	u8_t st;
	int i, want = netstack_knob(NK_IP6_DAD_COUNT);

	idle_note_nd6_tick();
	NETIF_FOREACH(n) {
		if ((ifp = n->state) == NULL || &ifp->netif != n ||
		    ifp->kind == NULL || !netif_is_up(n) ||
		    !netif_is_link_up(n))
			continue;
		for (i = 0; i < LWIP_IPV6_NUM_ADDRESSES; i++) {
			st = netif_ip6_addr_state(n, i);
			if (!ip6_addr_istentative(st) ||
			    (st & IP6_ADDR_TENTATIVE_COUNT_MASK) == 0)
				continue;
			if (ifp->v6dad[i] < 255)
				ifp->v6dad[i]++;
			if (ifp->v6dad[i] < want)
				netif_ip6_addr_set_state(n, (s8_t)i,
				    IP6_ADDR_TENTATIVE);
		}
	}
	lwip_real.nd6_tmr();
	v6_all_due();
}

void
ifaddr_mac_changed(struct ifnet *ifp, const uint8_t old[6])
{
	struct netif *n = &ifp->netif;
	uint8_t eui[16] = { 0xfe, 0x80 };

	if (ip6_addr_isinvalid(netif_ip6_addr_state(n, 0)))
		return;
	/* lwIP's modified EUI-64 (RFC 4291 2.5.1) of the old MAC: the
	 * address it made, not one configured by hand. */
	eui[8] = old[0] ^ 0x02;
	eui[9] = old[1];
	eui[10] = old[2];
	eui[11] = 0xff;
	eui[12] = 0xfe;
	eui[13] = old[3];
	eui[14] = old[4];
	eui[15] = old[5];
	if (memcmp(netif_ip6_addr(n, 0)->addr, eui, 16) == 0)
		netif_create_ip6_linklocal_address(n, 1);
}

/* NetBSD's in_if_link_down and in_if_link_up, for one address. */
static void
in4_run(struct in4dad *d, int runs)
{
	if (!runs) {
		arp_dad_stop(d);
		d->flags = IN4_DETACHED;
	} else if (d->flags & IN4_ANNOUNCE) {
		d->flags = 0;
		arp_announce(d);
	} else if (d->flags & IN4_DETACHED)
		arp_dad_start(d);
}

void
ifaddr_in4_sync(struct ifnet *ifp)
{
	struct ifalias *al;
	int runs = in4_runs(ifp);

	if (runs == ifp->in4_running)
		return;
	ifp->in4_running = runs;
	if (!in4_arp(ifp))
		return;
	if (!ip4_addr_isany(netif_ip4_addr(&ifp->netif)))
		in4_run(&ifp->dad4, runs);
	for (al = ifp->aliases; al != NULL; al = al->next)
		in4_run(&al->dad, runs);
}

void
ifaddr_remove_all(struct ifnet *ifp)
{
	struct netif *n = &ifp->netif;
	struct ifalias *al;
	int i;

	arp_dad_stop(&ifp->dad4);
	for (al = ifp->aliases; al != NULL; al = al->next)
		arp_dad_stop(&al->dad);

	for (i = 0; i < LWIP_IPV6_NUM_ADDRESSES; i++)
		if (!ip6_addr_isinvalid(netif_ip6_addr_state(n, i)))
			netif_ip6_addr_set_state(n, (s8_t)i, IP6_ADDR_INVALID);
	if (!ip4_addr_isany(netif_ip4_addr(n)))
		netif_set_addr(n, IP4_ADDR_ANY4, IP4_ADDR_ANY4, IP4_ADDR_ANY4);
}
