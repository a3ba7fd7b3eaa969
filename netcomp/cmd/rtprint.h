/*
 * rtprint.h — routes as NetBSD's route(8) and netstat(1) write them, for
 * rump.route and rump.netstat: destinations ("default", "10.0.2/24",
 * "fc00:2::/64"), flag letters ("UGS") and names ("<UP,GATEWAY,DONE>"),
 * and the "Routing tables" listing.  Pure formatting, plus one helper
 * that fetches the node's table.
 */
#ifndef RUMPLAB_NETCOMP_CMD_RTPRINT_H
#define RUMPLAB_NETCOMP_CMD_RTPRINT_H

#include <stddef.h>
#include <stdio.h>

#include "kernel/rumpclient.h"

/* Destination of a route in netstat -rn's form. */
void rtprint_dst(const struct rump_rtentry *rt, char *buf, size_t len);
/* "UGS" */
void rtprint_flags(uint32_t flags, char *buf, size_t len);
/* "<UP,GATEWAY,DONE,STATIC>" */
void rtprint_flagnames(uint32_t flags, char *buf, size_t len);
/* The node's routes of a family (0: both), sorted; *n entries.  Free
 * *rts.  0 or -errno. */
int  rtprint_fetch(int family, struct rump_rtentry **rts, int *n);
/* "Routing tables" and a section per family, as netstat -rn. */
void rtprint_table(FILE *f, int family, const struct rump_rtentry *rts,
         int n);
/* The same as one JSON object: {"route_tables": [{"family": "inet",
 * "routes": [{destination, gateway, flags, refs, use, mtu, interface}]}]},
 * refs, use and a missing mtu null.  0 or -EIO. */
int  rtprint_json(FILE *f, int family, const struct rump_rtentry *rts,
         int n);

#endif
