/*
 * ipaddr.h — IPv4 and IPv6 addresses and prefixes for the lab model.
 *
 * One struct holds an address with its prefix length ("10.0.1.1/24"), a
 * prefix ("10.0.1.0/24"), or a bare address (prefix length = 32/128).  Its
 * layout follows struct rump_ifaddr (kernel/rumpclient.h): family is
 * AF_INET or AF_INET6, bytes in network order, IPv4 in the first four.
 * Arithmetic goes through unsigned 128-bit integers.
 *
 * Contract: pure functions, no allocation, nothing prints.
 */
#ifndef RUMPLAB_IPADDR_H
#define RUMPLAB_IPADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IP_STRLEN	64	/* longest text form with "/128", and NUL */

typedef unsigned __int128 u128;

struct lab_ip {
	uint8_t	family;		/* AF_INET or AF_INET6; 0: none */
	uint8_t	plen;		/* prefix length */
	uint8_t	addr[16];
};

/* ip_parse() flags */
#define IP_LEN_OPTIONAL	0x1	/* no "/len": plen = max, *had_len = false */

/*
 * Parses "ADDR/LEN" (or "ADDR" with IP_LEN_OPTIONAL).  Returns 0, -EINVAL
 * (not an address, or /LEN missing) or -ERANGE (bad prefix length).
 */
int	 ip_parse(const char *s, int flags, struct lab_ip *ip, bool *had_len);

int	 ip_maxlen(int family);
int	 ip_version(const struct lab_ip *ip);	/* 4 or 6 */
/* "10.0.1.1/24" into buf (IP_STRLEN bytes); returns buf. */
const char *ip_str(const struct lab_ip *ip, char *buf);
/* "10.0.1.1" into buf; returns buf. */
const char *ip_addr_str(const struct lab_ip *ip, char *buf);

u128	 ip_to_u128(const struct lab_ip *ip);
void	 ip_from_u128(struct lab_ip *ip, int family, u128 v, int plen);

/* The prefix ip lies in: host bits cleared, same length. */
void	 ip_network(struct lab_ip *net, const struct lab_ip *ip);
bool	 ip_is_network(const struct lab_ip *ip);
/* Is the address of `a` inside prefix `net`? */
bool	 ip_contains(const struct lab_ip *net, const struct lab_ip *a);
/* Do the prefixes share any address? */
bool	 ip_overlap(const struct lab_ip *x, const struct lab_ip *y);
/* Order by family, then address, then prefix length. */
int	 ip_cmp(const struct lab_ip *x, const struct lab_ip *y);
bool	 ip_same_addr(const struct lab_ip *x, const struct lab_ip *y);
/*
 * Is the address unusable on an interface of its prefix: the IPv4 network
 * and broadcast addresses of prefixes up to /30, the all-zeros host of
 * IPv6 prefixes up to /126 (subnet-router anycast)?
 */
bool	 ip_is_reserved_host(const struct lab_ip *ip);
/* Host number n of prefix net (net + n, with net's length): 0 or -ERANGE. */
int	 ip_host(const struct lab_ip *net, u128 n, struct lab_ip *out);
/* Number of addresses in the prefix, saturated at 2^127. */
u128	 ip_size(const struct lab_ip *net);

#endif
