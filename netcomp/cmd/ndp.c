/*
 * ndp.c — rump.ndp: a node's IPv6 neighbour cache with NetBSD ndp(8)'s
 * commands and table.
 *
 *   rump.ndp -a [-n] [--json]  every neighbour (--json: {"ndp":
 *                          [{neighbor, linklayer_address, netif,
 *                          expire, permanent, state, router,
 *                          proxy}]})
 *   rump.ndp [-n] [--json] addr  one
 *   rump.ndp -d addr       delete one
 *   rump.ndp -s addr mac [temp] [proxy]
 *                          a permanent entry (the node sends no
 *                          solicitation for it), or one for 20 minutes
 *                          (temp); proxy: the node answers for addr
 *   rump.ndp -c            delete the dynamic entries
 *
 * Neighbor                             Linklayer Address  Netif Expire    S Flags
 * fc00::2                              b2:a0:12:34:56:78 shmif0 28s       R
 *
 * Expiry as NetBSD's (29s, 23h59m59s); a missing address is "-- no
 * entry" on standard error with status 1.
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

#define PROG "rump.ndp"
#define OPT_JSON 256	/* --json, a long option only */

static struct jw *json;	/* --json: the entries go here */

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: " PROG " -a [-n] [--json]\n"
	    "       " PROG " [-n] [--json] addr\n"
	    "       " PROG " -d addr\n"
	    "       " PROG " -s addr ether_addr [temp] [proxy]\n"
	    "       " PROG " -c\n"
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

static const char *
state_letter(int s)
{
	switch (s) {
	case RUMP_ND_INCOMPLETE: return "I";
	case RUMP_ND_REACHABLE:  return "R";
	case RUMP_ND_STALE:      return "S";
	case RUMP_ND_DELAY:      return "D";
	case RUMP_ND_PROBE:      return "P";
	}
	return "?";
}

/*
 * An entry as JSON: the columns of its line; expire in seconds (0:
 * expired, null: permanent), the Flags column as router and proxy.
 */
static void
json_entry(const struct rump_neigh *nb, const char *neighbor,
    const char *mac)
{
	jw_object(json, NULL);
	jw_str(json, "neighbor", neighbor);
	jw_str(json, "linklayer_address", nb->state == RUMP_ND_INCOMPLETE ?
	    NULL : mac);
	jw_strn(json, "netif", nb->ifname, strnlen(nb->ifname,
	    sizeof(nb->ifname)));
	if (nb->expire >= 0)
		jw_int(json, "expire", nb->expire);
	else
		jw_null(json, "expire");
	jw_bool(json, "permanent", nb->expire < 0);
	jw_str(json, "state", state_letter(nb->state));
	jw_bool(json, "router", nb->flags & RUMP_NF_ROUTER);
	jw_bool(json, "proxy", nb->flags & RUMP_NF_PUBLISHED);
	jw_close(json);
}

/* NetBSD ndp's sec2str(): 29s, 4m30s, 23h59m59s, 1d0h0m0s. */
static void
sec2str(int32_t t, char *buf, size_t len)
{
	int d = t / 86400, h = t / 3600 % 24, m = t / 60 % 60, s = t % 60;
	size_t o = 0;

	buf[0] = '\0';
	if (d)
		o += (size_t)snprintf(buf + o, len - o, "%dd", d);
	if (d || h)
		o += (size_t)snprintf(buf + o, len - o, "%dh", h);
	if (d || h || m)
		o += (size_t)snprintf(buf + o, len - o, "%dm", m);
	snprintf(buf + o, len - o, "%ds", s);
}

#define W_ADDR  36      /* NetBSD ndp's column widths */
#define W_LL    17
#define W_IF    6

static void
print_entry(const struct rump_neigh *nb)
{
	char a[INADDR_TEXTLEN + RUMP_IFNAMSIZ], b[INADDR_TEXTLEN], mac[24],
	    exp[32], fl[4], *f = fl;
	int aw, lw, iw;

	inaddr_ntop(AF_INET6, nb->addr, b, sizeof(b));
	if (inaddr_linklocal6(nb->addr))
		snprintf(a, sizeof(a), "%s%%%s", b, nb->ifname);
	else
		snprintf(a, sizeof(a), "%s", b);
	if (nb->state == RUMP_ND_INCOMPLETE)
		snprintf(mac, sizeof(mac), "(incomplete)");
	else
		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x",
		    nb->mac[0], nb->mac[1], nb->mac[2], nb->mac[3],
		    nb->mac[4], nb->mac[5]);
	if (nb->expire < 0)
		snprintf(exp, sizeof(exp), "permanent");
	else if (nb->expire > 0)
		sec2str(nb->expire, exp, sizeof(exp));
	else
		snprintf(exp, sizeof(exp), "expired");
	if (json != NULL) {
		json_entry(nb, a, mac);
		return;
	}
	if (nb->flags & RUMP_NF_ROUTER)
		*f++ = 'R';
	if (nb->flags & RUMP_NF_PUBLISHED)
		*f++ = 'p';
	*f = '\0';
	/* NetBSD's: a wide column takes its room from the next ones. */
	aw = (int)strlen(a) > W_ADDR ? (int)strlen(a) : W_ADDR;
	lw = (int)strlen(mac) > W_ADDR + W_LL - aw ? (int)strlen(mac) :
	    W_ADDR + W_LL - aw;
	iw = (int)strlen(nb->ifname) > W_ADDR + W_LL + W_IF - aw - lw ?
	    (int)strlen(nb->ifname) : W_ADDR + W_LL + W_IF - aw - lw;
	printf("%-*.*s %-*.*s %*.*s %-9.9s %s %s\n", aw, aw, a, lw, lw, mac,
	    iw, iw, nb->ifname, exp, state_letter(nb->state), fl);
}

/* An address, with its interface when it is fe80::1%shmif0. */
static int
addr_arg(const char *s, struct rump_neigh *nb)
{
	struct inaddr a;

	memset(nb, 0, sizeof(*nb));
	if (inaddr_parse(s, AF_INET6, &a) != 0 || a.plen >= 0) {
		fprintf(stderr, PROG ": bad address '%s'\n", s);
		return -1;
	}
	nb->family = AF_INET6;
	memcpy(nb->addr, a.addr, 16);
	memcpy(nb->ifname, a.zone, sizeof(nb->ifname));
	return 0;
}

/* addr ether_addr [temp] [proxy] */
static int
set(int ac, char **av)
{
	struct rump_neigh nb;
	char what[96];
	int i;

	if (addr_arg(av[0], &nb) != 0)
		return 1;
	if (inaddr_linklocal6(nb.addr) && nb.ifname[0] == '\0') {
		fprintf(stderr, PROG ": %s: a link-local address needs its "
		    "interface: %s%%shmif0\n", av[0], av[0]);
		return 1;
	}
	if (inaddr_mac(av[1], nb.mac) != 0 || (nb.mac[0] & 1) != 0) {
		fprintf(stderr, PROG ": bad ethernet address '%s' (a unicast "
		    "MAC such as b2:a0:00:00:00:01)\n", av[1]);
		return 1;
	}
	nb.flags = RUMP_NF_STATIC;
	for (i = 2; i < ac; i++) {
		if (strcmp(av[i], "temp") == 0)
			nb.flags &= (uint16_t)~RUMP_NF_STATIC;
		else if (strcmp(av[i], "proxy") == 0)
			nb.flags |= RUMP_NF_PUBLISHED;
		else {
			fprintf(stderr, PROG ": %s: unknown keyword '%s'\n",
			    av[0], av[i]);
			return 1;
		}
	}
	if (rump_sys_neigh_set(&nb) != 0) {
		if (errno == ENETUNREACH) {
			fprintf(stderr, PROG ": set %s: on no subnet of the "
			    "node's interfaces (add an address of its prefix "
			    "first)\n", av[0]);
			return 1;
		}
		snprintf(what, sizeof(what), "set %s", av[0]);
		return fail(what, errno);
	}
	return 0;
}

/* An entry for want: its address, and its interface if want has one. */
static int
matches(const struct rump_neigh *e, const struct rump_neigh *want)
{
	return memcmp(e->addr, want->addr, 16) == 0 &&
	    (!inaddr_linklocal6(want->addr) ||
	    strcmp(e->ifname, want->ifname) == 0);
}

static int
show(const char *addr)
{
	struct rump_neigh *v = NULL, want;
	int n = 0, i, error, found = 0;

	if (addr != NULL && addr_arg(addr, &want) != 0)
		return 1;
	if ((error = node_neigh_fetch(AF_INET6, &v, &n)) != 0)
		return fail("list", error);
	if (json == NULL)
		printf("%-*.*s %-*.*s %*.*s %-9.9s %1s %5s\n", W_ADDR,
		    W_ADDR, "Neighbor", W_LL, W_LL, "Linklayer Address",
		    W_IF, W_IF, "Netif", "Expire", "S", "Flags");
	for (i = 0; i < n; i++)
		if (addr == NULL || matches(&v[i], &want)) {
			print_entry(&v[i]);
			found = 1;
		}
	free(v);
	if (addr != NULL && !found) {
		fprintf(stderr, PROG ": %s (%s) -- no entry\n", addr, addr);
		return 1;
	}
	return 0;
}

/* --json: {"ndp": [...]}, the entries show() prints. */
static int
show_json(const char *addr)
{
	struct jw w;
	int r;

	jw_init(&w, stdout);
	json = &w;
	jw_object(&w, NULL);
	jw_array(&w, "ndp");
	r = show(addr);
	jw_close(&w);
	jw_close(&w);
	if (jw_end(&w) != 0 && r == 0)
		r = fail("stdout", EIO);
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
	struct rump_neigh nb;
	int c, aflag = 0, dflag = 0, cflag = 0, sflag = 0, jflag = 0;

	if (version_asked(argc, argv, PROG))
		return 0;
	while ((c = getopt_long(argc, argv, "acdhns", longopts, NULL)) != -1) {
		switch (c) {
		case 'a': aflag = 1; break;
		case 'c': cflag = 1; break;
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
	if (sflag + dflag + cflag + aflag > 1 || (cflag && argc != 0) ||
	    (jflag && (sflag || dflag || cflag)) ||
	    (dflag && argc != 1) || (sflag && (argc < 2 || argc > 4)) ||
	    (aflag && argc != 0) ||
	    (!aflag && !cflag && !sflag && argc != 1)) {
		usage(stderr);
		return 1;
	}
	if (node_attach() != 0) {
		fprintf(stderr, PROG ": %s\n", rumpclient_lasterror());
		return 1;
	}
	if (sflag)
		return set(argc, argv);
	if (cflag)
		return rump_sys_neigh_flush(AF_INET6) < 0 ?
		    fail("flush", errno) : 0;
	if (dflag) {
		if (addr_arg(argv[0], &nb) != 0)
			return 1;
		if (rump_sys_neigh_delete(&nb) != 0) {
			if (errno == ESRCH) {   /* NetBSD's words, on stdout */
				printf("cannot locate %s\n", argv[0]);
				return 1;
			}
			return fail(argv[0], errno);
		}
		printf("%s (%s) deleted\n", argv[0], argv[0]);
		return 0;
	}
	if (jflag)
		return show_json(aflag ? NULL : argv[0]);
	return show(aflag ? NULL : argv[0]);
}
