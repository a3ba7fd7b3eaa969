/*
 * mcast.c — the multicast groups the node's interfaces belong to, as
 * rump.ifmcstat lists them: lwIP's IGMP and MLD group lists, one line a
 * membership, "ifname inet|inet6 group users".  Aliases share their
 * interface's memberships (they join none of their own).
 *
 * Lock: the core lock, held while the lists are walked.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "lwip/igmp.h"
#include "lwip/ip_addr.h"
#include "lwip/mld6.h"
#include "lwip/netif.h"

#include "netcomp/ifnet_var.h"
#include "netcomp/netinet.h"
#include "netcomp/route.h"

struct mout {
	char *buf;
	size_t len, need;
};

static void
line(struct mout *o, const char *ifname, const char *fam, const char *grp,
    unsigned users)
{
	char l[128];
	int n;

	n = snprintf(l, sizeof(l), "%s %s %s %u\n", ifname, fam, grp, users);
	if (n > 0 && o->need + (size_t)n < o->len)
		memcpy(o->buf + o->need, l, (size_t)n + 1);
	o->need += (size_t)n;
}

long
mcast_text(char *buf, size_t len)
{
	struct mout o = { buf, len, 0 };
	const struct igmp_group *g;
	const struct mld_group *m;
	struct netif *n;
	struct ifnet *ifp;
	char a[IP6ADDR_STRLEN_MAX];

	if (len > 0)
		buf[0] = '\0';
	netstack_lock();
	NETIF_FOREACH(n) {
		if ((ifp = n->state) == NULL || &ifp->netif != n)
			continue;       /* aliases, bh0 */
		for (g = netif_igmp_data(n); g != NULL; g = g->next)
			line(&o, ifp->name, "inet", ip4addr_ntoa_r(
			    &g->group_address, a, sizeof(a)), g->use);
		for (m = netif_mld6_data(n); m != NULL; m = m->next) {
			/* lwIP's ntoa writes FF02::1 and squeezes the first
			 * zero run, not the longest: NetBSD's is inet_ntop. */
			inet_ntop(AF_INET6, m->group_address.addr, a,
			    sizeof(a));
			line(&o, ifp->name, "inet6", a, m->use);
		}
	}
	netstack_unlock();
	return (long)o.need;
}
