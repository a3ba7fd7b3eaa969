/*
 * inaddr.h — IPv4 and IPv6 addresses as the rump.* commands read and
 * write them: "10.0.0.1", "10.0.0.1/24", "fc00::1/64", "fe80::1%shmif0",
 * netmasks, broadcast addresses and the node's address records
 * (struct rump_ifaddr).  Pure functions: no node calls, no printing.
 */
#ifndef RUMPLAB_NETCOMP_CMD_INADDR_H
#define RUMPLAB_NETCOMP_CMD_INADDR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "kernel/rumpclient.h"

#define INADDR_TEXTLEN 64       /* "ffff:...%shmif12/128" fits */

struct inaddr {
	int     family;             /* AF_INET or AF_INET6 */
	uint8_t addr[16];           /* network order; v4 in the first 4 */
	int     plen;               /* prefix length, -1 when not given */
	char    zone[RUMP_IFNAMSIZ];/* "%shmif0" of a v6 address, or "" */
};

/*
 * Parse "ADDR[%ZONE][/LEN]".  family AF_INET or AF_INET6 insists on one,
 * AF_UNSPEC takes either.  -EINVAL for a malformed address or length,
 * -EAFNOSUPPORT for the other family.
 */
int  inaddr_parse(const char *s, int family, struct inaddr *a);
/* A netmask "255.255.255.0" or "0xffffff00" as a prefix length; -EINVAL
 * when it is not contiguous. */
int  inaddr_netmask(const char *s, int *plen);
/* "10.0.0.1" / "fe80::1" of a raw address. */
const char *inaddr_ntop(int family, const void *addr, char *buf,
         size_t len);
/* The IPv4 broadcast address of addr/plen into out[4]. */
void inaddr_broadcast(const uint8_t addr[4], int plen, uint8_t out[4]);
/* An Ethernet address "b2:a0:0:1:2:3" into mac; -EINVAL if malformed. */
int  inaddr_mac(const char *s, uint8_t mac[6]);
/* Is this IPv6 address link-local (fe80::/10)? */
int  inaddr_linklocal6(const uint8_t addr[16]);
/* The node's form of an address with a prefix length. */
void inaddr_to_ifaddr(const struct inaddr *a, int plen,
         struct rump_ifaddr *ifa);
/* A sockaddr_in/sockaddr_in6 of the address; returns its length. */
socklen_t inaddr_sockaddr(const struct inaddr *a, uint32_t scope_id,
         struct sockaddr_storage *ss);

#endif
