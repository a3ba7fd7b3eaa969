/*
 * ipaddr.c — parsing, printing and prefix arithmetic of IP addresses.
 * Parsing is inet_pton's (strict dotted quads, no zone ids) plus a decimal
 * prefix length; everything else converts to a 128-bit integer and back.
 */
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab/ipaddr.h"

int
ip_maxlen(int family)
{
	return family == AF_INET6 ? 128 : 32;
}

int
ip_version(const struct lab_ip *ip)
{
	return ip->family == AF_INET6 ? 6 : 4;
}

static int
parse_len(const char *s, int max)
{
	int v = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
		if (v > max)
			return -1;
	}
	return v;
}

int
ip_parse(const char *s, int flags, struct lab_ip *ip, bool *had_len)
{
	char host[INET6_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	int len;

	memset(ip, 0, sizeof(*ip));
	if (had_len != NULL)
		*had_len = slash != NULL;
	if (n == 0 || n >= sizeof(host))
		return -EINVAL;
	memcpy(host, s, n);
	host[n] = '\0';
	if (inet_pton(AF_INET, host, ip->addr) == 1)
		ip->family = AF_INET;
	else if (inet_pton(AF_INET6, host, ip->addr) == 1)
		ip->family = AF_INET6;
	else
		return -EINVAL;
	if (slash == NULL) {
		ip->plen = (uint8_t)ip_maxlen(ip->family);
		return (flags & IP_LEN_OPTIONAL) ? 0 : -EINVAL;
	}
	if ((len = parse_len(slash + 1, ip_maxlen(ip->family))) < 0)
		return -ERANGE;
	ip->plen = (uint8_t)len;
	return 0;
}

const char *
ip_addr_str(const struct lab_ip *ip, char *buf)
{
	if (inet_ntop(ip->family == AF_INET6 ? AF_INET6 : AF_INET, ip->addr,
	    buf, IP_STRLEN) == NULL)
		snprintf(buf, IP_STRLEN, "?");
	return buf;
}

const char *
ip_str(const struct lab_ip *ip, char *buf)
{
	size_t n;

	ip_addr_str(ip, buf);
	n = strlen(buf);
	snprintf(buf + n, IP_STRLEN - n, "/%u", ip->plen);
	return buf;
}

u128
ip_to_u128(const struct lab_ip *ip)
{
	int i, nb = ip->family == AF_INET6 ? 16 : 4;
	u128 v = 0;

	for (i = 0; i < nb; i++)
		v = (v << 8) | ip->addr[i];
	return v;
}

void
ip_from_u128(struct lab_ip *ip, int family, u128 v, int plen)
{
	int i, nb = family == AF_INET6 ? 16 : 4;

	memset(ip, 0, sizeof(*ip));
	ip->family = (uint8_t)family;
	ip->plen = (uint8_t)plen;
	for (i = nb - 1; i >= 0; i--) {
		ip->addr[i] = (uint8_t)(v & 0xff);
		v >>= 8;
	}
}

/* The host-bits mask of a prefix length. */
static u128
host_mask(int family, int plen)
{
	int bits = ip_maxlen(family) - plen;

	if (bits <= 0)
		return 0;
	if (bits >= 128)
		return ~(u128)0;
	return ((u128)1 << bits) - 1;
}

void
ip_network(struct lab_ip *net, const struct lab_ip *ip)
{
	u128 v = ip_to_u128(ip) & ~host_mask(ip->family, ip->plen);

	ip_from_u128(net, ip->family, v, ip->plen);
}

bool
ip_is_network(const struct lab_ip *ip)
{
	return (ip_to_u128(ip) & host_mask(ip->family, ip->plen)) == 0;
}

bool
ip_contains(const struct lab_ip *net, const struct lab_ip *a)
{
	u128 m;

	if (net->family != a->family)
		return false;
	m = ~host_mask(net->family, net->plen);
	return (ip_to_u128(net) & m) == (ip_to_u128(a) & m);
}

bool
ip_overlap(const struct lab_ip *x, const struct lab_ip *y)
{
	const struct lab_ip *shorter = x->plen <= y->plen ? x : y;
	const struct lab_ip *longer = shorter == x ? y : x;

	return ip_contains(shorter, longer);
}

int
ip_cmp(const struct lab_ip *x, const struct lab_ip *y)
{
	int r;

	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	if ((r = memcmp(x->addr, y->addr, sizeof(x->addr))) != 0)
		return r;
	return x->plen < y->plen ? -1 : x->plen > y->plen;
}

bool
ip_same_addr(const struct lab_ip *x, const struct lab_ip *y)
{
	return x->family == y->family &&
	    memcmp(x->addr, y->addr, sizeof(x->addr)) == 0;
}

bool
ip_is_reserved_host(const struct lab_ip *ip)
{
	u128 m = host_mask(ip->family, ip->plen), h = ip_to_u128(ip) & m;

	if (ip->family == AF_INET)
		return ip->plen <= 30 && (h == 0 || h == m);
	return ip->plen <= 126 && h == 0;
}

u128
ip_size(const struct lab_ip *net)
{
	int bits = ip_maxlen(net->family) - net->plen;

	return bits >= 127 ? (u128)1 << 127 : (u128)1 << bits;
}

int
ip_host(const struct lab_ip *net, u128 n, struct lab_ip *out)
{
	u128 base;

	if (n >= ip_size(net))
		return -ERANGE;
	base = ip_to_u128(net) & ~host_mask(net->family, net->plen);
	ip_from_u128(out, net->family, base + n, net->plen);
	return 0;
}
