/*
 * arp.c — rump.arp: a node's ARP table with NetBSD arp(8)'s commands,
 * lines and messages.
 *
 *   rump.arp [-n] [--json] host    one address (all its entries)
 *   rump.arp [-nv] [--json] -a     every entry (--json: {"arp": [{host,
 *                                  ip, mac, interface, permanent,
 *                                  published}]})
 *   rump.arp [-v] -d host | -d -a  delete (-v: say so)
 *   rump.arp -s host ether_addr [temp] [pub [proxy]]
 *   rump.arp -f file               -s for each "host ether_addr ..." line
 *
 *   ? (10.0.1.1) at b2:a0:12:34:56:78 on shmif0 permanent
 *   ? (10.0.1.5) at (incomplete) on shmif0
 *
 * As NetBSD's: a missing host is "-- no entry" on standard error with
 * status 1; deleting one that has no entry is no error; -s makes a
 * permanent entry unless "temp" (then it lasts 20 minutes) and refuses
 * to replace a permanent one ("File exists").
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
#define OPT_JSON 256	/* --json, a long option only */

static int vflag;
static struct jw *json;	/* --json: the entries go here */

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: " PROG " [-n] [--json] host\n"
	    "       " PROG " [-nv] [--json] -a\n"
	    "       " PROG " [-v] -d [-a | host]\n"
	    "       " PROG " -s host ether_addr [temp] [pub [proxy]]\n"
	    "       " PROG " -f file\n"
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

/* An entry as JSON: the fields of its line (mac null: incomplete). */
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
	jw_str(json, "mac", nb->state == RUMP_ND_INCOMPLETE ? NULL : mac);
	jw_strn(json, "interface", nb->ifname, strnlen(nb->ifname,
	    sizeof(nb->ifname)));
	jw_bool(json, "permanent", nb->expire < 0);
	jw_bool(json, "published", nb->flags & RUMP_NF_PUBLISHED);
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
	printf("? (%s) at ", a);
	if (nb->state == RUMP_ND_INCOMPLETE)
		printf("(incomplete)");
	else
		printf("%02x:%02x:%02x:%02x:%02x:%02x", nb->mac[0],
		    nb->mac[1], nb->mac[2], nb->mac[3], nb->mac[4],
		    nb->mac[5]);
	printf(" on %s%s%s\n", nb->ifname,
	    nb->expire < 0 ? " permanent" : "",
	    nb->flags & RUMP_NF_PUBLISHED ? " published (proxy only)" : "");
}

static int
host_arg(const char *s, struct rump_neigh *nb)
{
	struct inaddr a;

	memset(nb, 0, sizeof(*nb));
	if (inaddr_parse(s, AF_INET, &a) != 0 || a.plen >= 0) {
		fprintf(stderr, PROG ": %s: bad address\n", s);
		return -1;
	}
	nb->family = AF_INET;
	memcpy(nb->addr, a.addr, 4);
	return 0;
}

static int
show(const char *host)
{
	struct rump_neigh *v = NULL, want;
	char a[INADDR_TEXTLEN];
	int n = 0, i, error, found = 0;

	if (host != NULL && host_arg(host, &want) != 0)
		return 1;
	if ((error = node_neigh_fetch(AF_INET, &v, &n)) != 0)
		return fail("list", error);
	for (i = 0; i < n; i++)
		if (host == NULL || memcmp(v[i].addr, want.addr, 4) == 0) {
			print_entry(&v[i]);
			found = 1;
		}
	free(v);
	if (host != NULL && !found) {
		fprintf(stderr, PROG ": %s (%s) -- no entry\n", host,
		    inaddr_ntop(AF_INET, want.addr, a, sizeof(a)));
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
	char a[INADDR_TEXTLEN];

	if (host == NULL) {
		if (rump_sys_neigh_flush(AF_INET) < 0)
			return fail("delete", -errno);
		return 0;
	}
	if (host_arg(host, &nb) != 0)
		return 1;
	if (rump_sys_neigh_delete(&nb) != 0) {
		if (errno == ESRCH)
			return 0;       /* nothing to delete: NetBSD is quiet */
		return fail(host, -errno);
	}
	if (vflag)
		printf("%s (%s) deleted\n", host,
		    inaddr_ntop(AF_INET, nb.addr, a, sizeof(a)));
	return 0;
}

/* host ether_addr [temp] [pub [proxy]] */
static int
set(int ac, char **av)
{
	struct rump_neigh nb;
	int i;

	if (host_arg(av[0], &nb) != 0)
		return 1;
	if (inaddr_mac(av[1], nb.mac) != 0) {
		fprintf(stderr, PROG ": invalid link-level address '%s'\n",
		    av[1]);
		return 1;
	}
	nb.flags = RUMP_NF_STATIC;
	for (i = 2; i < ac; i++) {
		if (strncmp(av[i], "temp", 4) == 0)
			nb.flags &= (uint16_t)~RUMP_NF_STATIC;
		else if (strncmp(av[i], "pub", 3) == 0) {
			nb.flags |= RUMP_NF_PUBLISHED;
			if (i + 1 < ac && strncmp(av[i + 1], "pro", 3) == 0)
				i++;    /* proxy only: the only kind there is */
		} else {
			fprintf(stderr, PROG ": %s: unknown keyword '%s'\n",
			    av[0], av[i]);
			return 1;
		}
	}
	if (rump_sys_neigh_set(&nb) != 0) {
		if (errno == ENETUNREACH) {
			fprintf(stderr, PROG ": set: %s: on no subnet of the "
			    "node's interfaces\n", av[0]);
			return 1;
		}
		return fail("set", -errno);
	}
	if (vflag)
		printf("%s (%s) added\n", av[0], av[1]);
	return 0;
}

/* -f: each line "host ether_addr [temp] [pub [proxy]]". */
static int
from_file(const char *path)
{
	char line[512], *av[8], *s, *save;
	int ac, r = 0;
	FILE *f;

	if (strcmp(path, "-") == 0)
		f = stdin;
	else if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, PROG ": cannot open %s: %s\n", path,
		    strerror(errno));
		return 1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		ac = 0;
		for (s = strtok_r(line, " \t\n", &save); s != NULL && ac < 8;
		    s = strtok_r(NULL, " \t\n", &save))
			av[ac++] = s;
		if (ac == 0 || av[0][0] == '#')
			continue;
		if (ac < 2) {
			fprintf(stderr, PROG ": bad line: %s\n", av[0]);
			r = 1;
			continue;
		}
		if (set(ac, av) != 0)
			r = 1;
	}
	if (f != stdin)
		fclose(f);
	return r;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, OPT_JSON },
		{ NULL, 0, NULL, 0 }
	};
	int c, aflag = 0, op = 0, jflag = 0;

	if (version_asked(argc, argv, PROG))
		return 0;
	while ((c = getopt_long(argc, argv, "adfhnsv", longopts, NULL)) !=
	    -1) {
		switch (c) {
		case 'a': aflag = 1; break;
		case 'd': case 's': case 'f':
			if (op != 0) {
				usage(stderr);
				return 1;
			}
			op = c;
			break;
		case 'h': usage(stdout); return 0;
		case 'n': break;
		case 'v': vflag = 1; break;
		case OPT_JSON: jflag = 1; break;
		default: usage(stderr); return 1;
		}
	}
	argc -= optind;
	argv += optind;
	if ((jflag && op != 0) ||
	    (op == 's' && (argc < 2 || argc > 7)) ||
	    (op == 'f' && argc != 1) ||
	    (op == 'd' && (aflag ? argc != 0 : argc != 1)) ||
	    (op == 0 && (aflag ? argc != 0 : argc != 1))) {
		usage(stderr);
		return 1;
	}
	if (node_attach() != 0) {
		fprintf(stderr, PROG ": %s\n", rumpclient_lasterror());
		return 1;
	}
	if (op == 's')
		return set(argc, argv);
	if (op == 'f')
		return from_file(argv[0]);
	if (op == 'd')
		return delete(aflag ? NULL : argv[0]);
	if (jflag)
		return show_json(aflag ? NULL : argv[0]);
	return show(aflag ? NULL : argv[0]);
}
