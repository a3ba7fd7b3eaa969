/*
 * ifmcstat.c — rump.ifmcstat (also installed as ifmcstat): the multicast
 * groups a node's interfaces belong to, in the layout of NetBSD's
 * ifmcstat(8): per interface its link address, then per family each
 * group with its reference count and the Ethernet multicast address it
 * maps to.
 *
 *   shmif0:
 *           enaddr b2:a0:12:34:56:78
 *           inet6 group ff02::1:ff34:5678 refcnt 1
 *                   mcast-macaddr 33:33:ff:34:56:78
 *           inet group 224.0.0.1 refcnt 1
 *                   mcast-macaddr 01:00:5e:00:00:01
 *
 *   rump.ifmcstat [-i interface] [-f inet|inet6]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "kernel/rumpclient.h"
#include "version.h"
#include "netcomp/cmd/node.h"

/* Installed twice: rump.ifmcstat, and ifmcstat for NetBSD's scripts. */
static const char *PROG = "rump.ifmcstat";

static void
usage(FILE *f)
{
	fprintf(f, "usage: %s [-i interface] [-f inet|inet6]\n"
	    "The node is $RUMP_SERVER.\n", PROG);
}

/* The Ethernet address a group maps to (RFC 1112 6.4, RFC 2464 7). */
static void
group_mac(const char *fam, const char *grp, uint8_t mac[6])
{
	uint8_t a[16];

	memset(mac, 0, 6);
	if (strcmp(fam, "inet") == 0 && inet_pton(AF_INET, grp, a) == 1) {
		mac[0] = 0x01;
		mac[2] = 0x5e;
		mac[3] = a[1] & 0x7f;
		mac[4] = a[2];
		mac[5] = a[3];
	} else if (inet_pton(AF_INET6, grp, a) == 1) {
		mac[0] = mac[1] = 0x33;
		memcpy(mac + 2, a + 12, 4);
	}
}

/* The node's "ifname family group users" lines. */
static char *
fetch(void)
{
	ssize_t need;
	char *buf;

	if ((need = rump_sys_netstat(RUMP_STATS_MCAST, NULL, 0)) < 0)
		return NULL;
	if ((buf = malloc((size_t)need + 4096)) == NULL)
		return NULL;
	if (rump_sys_netstat(RUMP_STATS_MCAST, buf, (size_t)need + 4096) < 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static void
show(const char *ifname, const char *lines, const char *only)
{
	struct rump_ifinfo info;
	const uint8_t *m = info.mac;
	char name[RUMP_IFNAMSIZ + 1], fam[8], grp[64];
	uint8_t mac[6];
	unsigned users;
	const char *p;
	int n;

	if (rump_sys_ifget(ifname, &info) != 0)
		return;
	printf("%s:\n", ifname);
	if (!(info.flags & RUMP_IFF_LOOPBACK))
		printf("\tenaddr %02x:%02x:%02x:%02x:%02x:%02x\n", m[0], m[1],
		    m[2], m[3], m[4], m[5]);
	for (p = lines; p != NULL && *p != '\0'; p = strchr(p, '\n'),
	    p = p != NULL ? p + 1 : NULL) {
		if (sscanf(p, "%16s %7s %63s %u%n", name, fam, grp, &users,
		    &n) != 4 || strcmp(name, ifname) != 0 ||
		    (only != NULL && strcmp(only, fam) != 0))
			continue;
		printf("\t%s group %s refcnt %u\n", fam, grp, users);
		if (info.flags & RUMP_IFF_LOOPBACK)
			continue;
		group_mac(fam, grp, mac);
		printf("\t\tmcast-macaddr %02x:%02x:%02x:%02x:%02x:%02x\n",
		    mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	}
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	char (*names)[RUMP_IFNAMSIZ] = NULL, *lines;
	const char *ifname = NULL, *only = NULL;
	int c, i, n, max = 0;

	if (strcmp(basename(argv[0]), "ifmcstat") == 0)
		PROG = "ifmcstat";
	if (version_asked(argc, argv, PROG))
		return 0;
	while ((c = getopt_long(argc, argv, "f:hi:", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (strcmp(optarg, "inet") != 0 &&
			    strcmp(optarg, "inet6") != 0) {
				fprintf(stderr, "%s: %s: address family not "
				    "supported\n", PROG, optarg);
				return 1;
			}
			only = optarg;
			break;
		case 'i': ifname = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 1;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 1;
	}
	if (node_attach() != 0) {
		fprintf(stderr, "%s: %s\n", PROG, rumpclient_lasterror());
		return 1;
	}
	if ((lines = fetch()) == NULL) {
		fprintf(stderr, "%s: %s\n", PROG, strerror(errno));
		return 1;
	}
	if (ifname != NULL) {
		show(ifname, lines, only);
		free(lines);
		return 0;
	}
	while ((n = rump_sys_iflist(names, max)) > max) {
		free(names);
		max = n + 8;
		if ((names = calloc((size_t)max, RUMP_IFNAMSIZ)) == NULL)
			return 1;
	}
	for (i = 0; i < n; i++)
		show(names[i], lines, only);
	free(names);
	free(lines);
	return n < 0;
}
