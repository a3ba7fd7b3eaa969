/*
 * hosts.h — host names for the rump.* commands, from the host's hosts
 * file (/etc/hosts) alone, as NetBSD's rump commands read the host's
 * files: no DNS, whose queries would leave the node by the host's
 * network.  "localhost" names the loopback addresses (127/8, ::1) even
 * where the file lacks them (RFC 6761 section 6.3).
 */
#ifndef RUMPLAB_NETCOMP_CMD_HOSTS_H
#define RUMPLAB_NETCOMP_CMD_HOSTS_H

#include <stddef.h>
#include <stdint.h>

/* The first address of family (AF_INET, AF_INET6) the file gives name,
 * into addr (4 or 16 bytes, network order); 0 or -ENOENT. */
int hosts_addr(const char *name, int family, uint8_t addr[16]);
/* The first name the file gives addr, into buf; 0 or -ENOENT. */
int hosts_name(int family, const uint8_t *addr, char *buf, size_t len);

#endif
