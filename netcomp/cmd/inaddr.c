/*
 * inaddr.c — parsing and printing of IPv4/IPv6 addresses for the rump.*
 * commands (see inaddr.h).  Strict: inet_pton's forms only, so that
 * "10.0.0.300" or "10.1" are refused rather than guessed at.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netcomp/cmd/inaddr.h"

static int
parse_plen(const char *s, int max, int *plen)
{
	char *end;
	long n;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	n = strtol(s, &end, 10);
	if (*end != '\0' || errno != 0 || n < 0 || n > max)
		return -EINVAL;
	*plen = (int)n;
	return 0;
}

int
inaddr_parse(const char *s, int family, struct inaddr *a)
{
	char buf[INADDR_TEXTLEN + RUMP_IFNAMSIZ], *slash, *pct;
	int v6;

	memset(a, 0, sizeof(*a));
	a->plen = -1;
	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	snprintf(buf, sizeof(buf), "%s", s);
	if ((slash = strchr(buf, '/')) != NULL)
		*slash++ = '\0';
	if ((pct = strchr(buf, '%')) != NULL)
		*pct++ = '\0';
	v6 = strchr(buf, ':') != NULL;
	if ((family == AF_INET && v6) || (family == AF_INET6 && !v6 &&
	    inet_pton(AF_INET, buf, a->addr) == 1))
		return -EAFNOSUPPORT;
	a->family = v6 ? AF_INET6 : AF_INET;
	if (inet_pton(a->family, buf, a->addr) != 1)
		return -EINVAL;
	if (pct != NULL) {
		if (!v6 || *pct == '\0' || strlen(pct) >= RUMP_IFNAMSIZ)
			return -EINVAL;
		snprintf(a->zone, sizeof(a->zone), "%s", pct);
	}
	if (slash != NULL)
		return parse_plen(slash, v6 ? 128 : 32, &a->plen);
	return 0;
}

int
inaddr_netmask(const char *s, int *plen)
{
	uint8_t m[4];
	uint32_t v;
	char *end;
	int n = 0;

	if (strncmp(s, "0x", 2) == 0) {
		errno = 0;
		v = (uint32_t)strtoul(s + 2, &end, 16);
		if (*end != '\0' || errno != 0 || end == s + 2 ||
		    strlen(s + 2) > 8)
			return -EINVAL;
	} else {
		if (inet_pton(AF_INET, s, m) != 1)
			return -EINVAL;
		v = (uint32_t)m[0] << 24 | (uint32_t)m[1] << 16 |
		    (uint32_t)m[2] << 8 | m[3];
	}
	while (n < 32 && (v & (0x80000000u >> n)))
		n++;
	if (n < 32 && (v << n) != 0)
		return -EINVAL;
	*plen = n;
	return 0;
}

const char *
inaddr_ntop(int family, const void *addr, char *buf, size_t len)
{
	if (inet_ntop(family, addr, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
	return buf;
}

void
inaddr_broadcast(const uint8_t addr[4], int plen, uint8_t out[4])
{
	int i, bits;

	for (i = 0; i < 4; i++) {
		bits = plen - 8 * i;
		if (bits >= 8)
			out[i] = addr[i];
		else if (bits <= 0)
			out[i] = 0xff;
		else
			out[i] = (uint8_t)(addr[i] | (0xff >> bits));
	}
}

int
inaddr_linklocal6(const uint8_t addr[16])
{
	return addr[0] == 0xfe && (addr[1] & 0xc0) == 0x80;
}

void
inaddr_to_ifaddr(const struct inaddr *a, int plen, struct rump_ifaddr *ifa)
{
	memset(ifa, 0, sizeof(*ifa));
	ifa->family = (uint8_t)a->family;
	ifa->plen = (uint8_t)plen;
	memcpy(ifa->addr, a->addr, a->family == AF_INET ? 4 : 16);
}

socklen_t
inaddr_sockaddr(const struct inaddr *a, uint32_t scope_id,
    struct sockaddr_storage *ss)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (a->family == AF_INET) {
		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, a->addr, 4);
		return sizeof(*sin);
	}
	sin6->sin6_family = AF_INET6;
	memcpy(&sin6->sin6_addr, a->addr, 16);
	sin6->sin6_scope_id = scope_id;
	return sizeof(*sin6);
}

int
inaddr_mac(const char *s, uint8_t mac[6])
{
	unsigned m[6];
	char tail;
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &m[0], &m[1], &m[2], &m[3],
	    &m[4], &m[5], &tail) != 6)
		return -EINVAL;
	for (i = 0; i < 6; i++) {
		if (m[i] > 255)
			return -EINVAL;
		mac[i] = (uint8_t)m[i];
	}
	return 0;
}
