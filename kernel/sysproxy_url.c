/*
 * sysproxy_url.c — parse a node URL into a socket address.  No name
 * service: a lab names its nodes by socket path, and tcp:// takes numeric
 * addresses (and "localhost") so that parsing never blocks.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include "kernel/sysproxy_url.h"

static int
parse_unix(const char *path, struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_un *sun = (struct sockaddr_un *)ss;
	size_t n = strlen(path);

	if (n == 0)
		return -EINVAL;
	if (n >= sizeof(sun->sun_path))
		return -ENAMETOOLONG;
	sun->sun_family = AF_UNIX;
	memcpy(sun->sun_path, path, n + 1);
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
	return 0;
}

static int
parse_port(const char *s, uint16_t *port)
{
	char *end;
	long v;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	v = strtol(s, &end, 10);
	if (*end != '\0' || v < 1 || v > 65535)
		return -EINVAL;
	*port = (uint16_t)v;
	return 0;
}

static int
parse_tcp(const char *hp, struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	char host[64];
	const char *colon;
	uint16_t port;
	size_t n;

	if (hp[0] == '[') {
		if ((colon = strstr(hp, "]:")) == NULL)
			return -EINVAL;
		n = (size_t)(colon - hp - 1);
		colon++;
		hp++;
	} else {
		if ((colon = strrchr(hp, ':')) == NULL)
			return -EINVAL;
		n = (size_t)(colon - hp);
	}
	if (n == 0 || n >= sizeof(host) || parse_port(colon + 1, &port) != 0)
		return -EINVAL;
	memcpy(host, hp, n);
	host[n] = '\0';
	if (strcmp(host, "localhost") == 0)
		strcpy(host, "127.0.0.1");
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		*len = sizeof(*sin);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		*len = sizeof(*sin6);
		return 0;
	}
	return -EINVAL;
}

int
sp_url_parse(const char *url, struct sockaddr_storage *ss, socklen_t *len)
{
	memset(ss, 0, sizeof(*ss));
	if (url == NULL)
		return -EINVAL;
	if (strncmp(url, "unix://", 7) == 0)
		return parse_unix(url + 7, ss, len);
	if (strncmp(url, "tcp://", 6) == 0)
		return parse_tcp(url + 6, ss, len);
	return -EINVAL;
}
