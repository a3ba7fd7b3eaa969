/*
 * ifprint.h — one interface in NetBSD ifconfig(8)'s listing format:
 *
 *   shmif0: flags=0x8843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST> mtu 1500
 *           linkstr: /tmp/bus1
 *           address: b2:a0:1c:2d:3e:4f
 *           media: Ethernet autoselect
 *           status: active
 *           link b2:a1:00:00:00:01
 *           inet 10.0.0.1/24 broadcast 10.0.0.255 flags 0x0
 *           inet6 fe80::b0a0:1cff:fe2d:3e4f%shmif0/64 flags 0x0
 *
 * ("media:" for an interface with media to select, "link" for each
 * inactive link address), with counters ("input:", "output:") and the
 * link state ("linkstate: up", down or unknown) when verbose, and only
 * the addresses of one family when asked (NetBSD's "ifconfig IF inet6";
 * "link": the inactive link addresses only).  Formatting only, but for
 * -N's names, which come from the host's hosts file (hosts.h).
 */
#ifndef RUMPLAB_NETCOMP_CMD_IFPRINT_H
#define RUMPLAB_NETCOMP_CMD_IFPRINT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "kernel/rumpclient.h"

/* NetBSD's snprintb(3) of the "\020\1UP\2BROADCAST..." form. */
void ifprint_bits(char *buf, size_t len, const char *bits, uint32_t v);
#define IFPRINT_LINK    (-1)    /* "ifconfig IF link": no IP address */
struct ifprint_opts {
	int verbose;            /* -v: counters */
	int family;             /* AF_UNSPEC: every address; AF_INET,
	                           AF_INET6: that family's;
	                           IFPRINT_LINK: none */
	int names;              /* -N: host names for addresses */
	int human;              /* -h: byte counts as 1.2K, 3.4M ... */
	/* -L: each address's pltime and vltime left (RUMP_LIFE_INFINITE),
	 * by its index in info->addrs; NULL: no lifetimes shown. */
	const uint32_t (*life)[2];
};
void ifprint(FILE *f, const struct rump_ifinfo *info,
         const struct ifprint_opts *o);
/*
 * The same as one JSON object (json/json.h): name, flags and flag_names,
 * mtu, linkstr, address, status (null on a loopback), link_state, media
 * (null without media), link_addresses (the inactive ones), inet and inet6
 * (addr, plen; broadcast; scope, scopeid, flags, flag_names) as o's
 * family selects them, and the counters -v shows (input, output).
 */
struct jw;
void ifprint_json(struct jw *w, const struct rump_ifinfo *info,
         const struct ifprint_opts *o);

#endif
