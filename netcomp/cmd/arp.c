/*
 * arp.c — rump.arp: a node's ARP table with NetBSD arp(8)'s commands and
 * lines.
 *
 *   rump.arp [-n] [--json] host    one entry
 *   rump.arp -a [-n] [--json]      every entry (--json: {"arp": [{host,
 *                                  ip, mac, interface, permanent}]})
 *   rump.arp -d host | -d -a       delete
 *   rump.arp -s host ether_addr    a static entry (never expires; the
 *                                  node sends no ARP request for it)
 *
 *   ? (10.0.1.1) at b2:a0:12:34:56:78 on shmif0 permanent
 *
 * A dynamic entry shows no expiry: lwIP keeps its age to itself.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "json/json.h"
#include "kernel/rumpclient.h"
#include "netcomp/cmd/inaddr.h"
#include "netcomp/cmd/node.h"
#include "version.h"

#define PROG "rump.arp"
#define MAXN 512
#define OPT_JSON 256	/* --json, a long option only */

static struct jw *json;	/* --json: the entries go here */

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: " PROG " [-n] [--json] host\n"
	    "       " PROG " -a [-n] [--json]\n"
	    "       " PROG " -d host\n"
	    "       " PROG " -d -a\n"
	    "       " PROG " -s host ether_addr\n"
	    "The node is $RUMP_SERVER.\n");
}

static int
fail(const char *what, int err)
{
	char buf[256];

	fprintf(stderr, PROG ": %s: %s\n", what,
	    node_strerror(-err, buf, sizeof(buf)));
	return 1;
}

/* An entry as JSON: the fields of its line. */
static void
json_entry(const struct rump_neigh *nb)
{
	char a[INADDR_TEXTLEN], mac[24];

	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x",
	    nb->mac[0], nb->mac[1], nb->mac[2], nb->mac[3], nb->mac[4],
	    nb->mac[5]);
	jw_object(json, NULL);
	jw_str(json, "host", "?");
	jw_str(json, "ip", inaddr_ntop(AF_INET, nb->addr, a, sizeof(a)));
	jw_str(json, "mac", mac);
	jw_strn(json, "interface", nb->ifname, strnlen(nb->ifname,
	    sizeof(nb->ifname)));
	jw_bool(json, "permanent", nb->flags & RUMP_NF_STATIC);
	jw_close(json);
}

static void
print_entry(const struct rump_neigh *nb)
{
	char a[INADDR_TEXTLEN];

	if (json != NULL) {
		json_entry(nb);
		return;
	}
	inaddr_ntop(AF_INET, nb->addr, a, sizeof(a));
	printf("? (%s) at %02x:%02x:%02x:%02x:%02x:%02x on %s%s\n", a,
	    nb->mac[0], nb->mac[1], nb->mac[2], nb->mac[3], nb->mac[4],
	    nb->mac[5], nb->ifname,
	    nb->flags & RUMP_NF_STATIC ? " permanent" : "");
}

static int
fetch(struct rump_neigh *nb, int *n)
{
	int k;

	if ((k = rump_sys_neigh_list(AF_INET, nb, MAXN)) < 0)
		return -errno;
	*n = k < MAXN ? k : MAXN;
	return 0;
}

static int
host_arg(const char *s, struct rump_neigh *nb)
{
	struct inaddr a;

	memset(nb, 0, sizeof(*nb));
	if (inaddr_parse(s, AF_INET, &a) != 0 || a.plen >= 0) {
		fprintf(stderr, PROG ": bad address '%s'\n", s);
		return -1;
	}
	nb->family = AF_INET;
	memcpy(nb->addr, a.addr, 4);
	return 0;
}

static int
show(const char *host)
{
	static struct rump_neigh v[MAXN];
	struct rump_neigh want;
	int n = 0, i, error, found = 0;

	if (host != NULL && host_arg(host, &want) != 0)
		return 1;
	if ((error = fetch(v, &n)) != 0)
		return fail("list", error);
	for (i = 0; i < n; i++)
		if (host == NULL || memcmp(v[i].addr, want.addr, 4) == 0) {
			print_entry(&v[i]);
			found = 1;
		}
	if (host != NULL && !found) {
		fprintf(json ? stderr : stdout, "%s (%s) -- no entry\n", host,
		    host);
		return 1;
	}
	return 0;
}

/* --json: {"arp": [...]}, the entries show() prints. */
static int
show_json(const char *host)
{
	struct jw w;
	int r;

	jw_init(&w, stdout);
	json = &w;
	jw_object(&w, NULL);
	jw_array(&w, "arp");
	r = show(host);
	jw_close(&w);
	jw_close(&w);
	if (jw_end(&w) != 0 && r == 0)
		r = fail("stdout", EIO);
	return r;
}

static int
delete(const char *host)
{
	struct rump_neigh nb;
	char what[96];

	if (host == NULL) {
		if (rump_sys_neigh_flush(AF_INET) < 0)
			return fail("delete", errno);
		return 0;
	}
	if (host_arg(host, &nb) != 0)
		return 1;
	if (rump_sys_neigh_delete(&nb) != 0) {
		if (errno == ESRCH) {
			fprintf(stderr, PROG ": %s: no entry\n", host);
			return 1;
		}
		snprintf(what, sizeof(what), "delete %s", host);
		return fail(what, errno);
	}
	printf("%s (%s) deleted\n", host, host);
	return 0;
}

static int
set(const char *host, const char *mac)
{
	struct rump_neigh nb;
	char what[96];

	if (host_arg(host, &nb) != 0)
		return 1;
	if (inaddr_mac(mac, nb.mac) != 0) {
		fprintf(stderr, PROG ": bad ethernet address '%s'\n", mac);
		return 1;
	}
	nb.flags = RUMP_NF_STATIC;
	if (rump_sys_neigh_set(&nb) != 0) {
		snprintf(what, sizeof(what), "set %s", host);
		return fail(what, errno);
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, OPT_JSON },
		{ NULL, 0, NULL, 0 }
	};
	int c, aflag = 0, dflag = 0, sflag = 0, jflag = 0;

	if (version_asked(argc, argv, PROG))
		return 0;
	while ((c = getopt_long(argc, argv, "adhns", longopts, NULL)) != -1) {
		switch (c) {
		case 'a': aflag = 1; break;
		case 'd': dflag = 1; break;
		case 'h': usage(stdout); return 0;
		case 'n': break;
		case 's': sflag = 1; break;
		case OPT_JSON: jflag = 1; break;
		default: usage(stderr); return 1;
		}
	}
	argc -= optind;
	argv += optind;
	if ((jflag && (sflag || dflag)) ||
	    (sflag && (argc < 2 || argc > 3 || dflag || aflag)) ||
	    (dflag && (aflag ? argc != 0 : argc != 1)) ||
	    (!sflag && !dflag && (aflag ? argc != 0 : argc != 1))) {
		usage(stderr);
		return 1;
	}
	if (node_attach() != 0) {
		fprintf(stderr, PROG ": %s\n", rumpclient_lasterror());
		return 1;
	}
	if (sflag)
		return set(argv[0], argv[1]);
	if (dflag)
		return delete(aflag ? NULL : argv[0]);
	if (jflag)
		return show_json(aflag ? NULL : argv[0]);
	return show(aflag ? NULL : argv[0]);
}
