/*
 * hosts.c — lookups in the host's /etc/hosts (see hosts.h): one line an
 * address and its names, "#" to the end of a line a comment; a line
 * that does not parse is skipped, as the C library's reader skips it.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "netcomp/cmd/hosts.h"

#define HOSTS_FILE "/etc/hosts"

/* Called for each address and name of the file until it returns 1. */
typedef int (*hosts_fn)(int family, const uint8_t *addr, const char *name,
    void *arg);

static int
hosts_walk(hosts_fn fn, void *arg)
{
	char line[1024], *p, *tok, *save;
	uint8_t addr[16];
	int family, found = 0;
	FILE *f;

	if ((f = fopen(HOSTS_FILE, "re")) == NULL)
		return 0;
	while (!found && fgets(line, sizeof(line), f) != NULL) {
		if ((p = strchr(line, '#')) != NULL)
			*p = '\0';
		if ((tok = strtok_r(line, " \t\r\n", &save)) == NULL)
			continue;
		if (inet_pton(AF_INET, tok, addr) == 1)
			family = AF_INET;
		else if (inet_pton(AF_INET6, tok, addr) == 1)
			family = AF_INET6;
		else
			continue;
		while (!found && (tok = strtok_r(NULL, " \t\r\n", &save)) !=
		    NULL)
			found = fn(family, addr, tok, arg);
	}
	fclose(f);
	return found;
}

struct want {
	int family;
	const char *name;       /* hosts_addr */
	const uint8_t *addr;    /* hosts_name */
	uint8_t *out;
	char *buf;
	size_t len;
};

static size_t
alen(int family)
{
	return family == AF_INET ? 4 : 16;
}

static int
match_name(int family, const uint8_t *addr, const char *name, void *arg)
{
	struct want *w = arg;

	if (family != w->family || strcasecmp(name, w->name) != 0)
		return 0;
	memcpy(w->out, addr, alen(family));
	return 1;
}

static int
match_addr(int family, const uint8_t *addr, const char *name, void *arg)
{
	struct want *w = arg;

	if (family != w->family || memcmp(addr, w->addr, alen(family)) != 0)
		return 0;
	snprintf(w->buf, w->len, "%s", name);
	return 1;
}

static int
loopback(int family, const uint8_t *addr)
{
	static const uint8_t lo6[16] = { [15] = 1 };

	return family == AF_INET ? addr[0] == 127 :
	    memcmp(addr, lo6, 16) == 0;
}

int
hosts_addr(const char *name, int family, uint8_t addr[16])
{
	struct want w = { .family = family, .name = name, .out = addr };

	if (family != AF_INET && family != AF_INET6)
		return -ENOENT;
	if (hosts_walk(match_name, &w))
		return 0;
	if (strcasecmp(name, "localhost") != 0)
		return -ENOENT;
	memset(addr, 0, 16);
	if (family == AF_INET) {
		addr[0] = 127;
		addr[3] = 1;
	} else
		addr[15] = 1;
	return 0;
}

int
hosts_name(int family, const uint8_t *addr, char *buf, size_t len)
{
	struct want w = { .family = family, .addr = addr, .buf = buf,
	    .len = len };

	if (family != AF_INET && family != AF_INET6)
		return -ENOENT;
	if (hosts_walk(match_addr, &w))
		return 0;
	if (!loopback(family, addr))
		return -ENOENT;
	snprintf(buf, len, "localhost");
	return 0;
}
