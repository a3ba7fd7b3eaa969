/*
 * ifconfig.c — rump.ifconfig: configure and show a node's network
 * interfaces, with NetBSD's ifconfig(8) syntax and output format.
 *
 *   rump.ifconfig [-a] [-bdsu] [-hLmNvz] [--json] [AF]
 *                                      every interface (-b broadcast,
 *                                      -d down, -u up, -s with carrier
 *                                      only; --json: as one JSON
 *                                      object, ifprint.h)
 *   rump.ifconfig -l [-bdsu]           interface names on one line
 *   rump.ifconfig [-hLmNvz] [--json] IF [AF]  one interface (AF: inet,
 *                                      inet6 or link: only that
 *                                      family's addresses)
 *   rump.ifconfig -s IF                exit 0 if IF's link is up, else 1
 *   rump.ifconfig -C                   the interface kinds (cloners)
 *   rump.ifconfig [-w SECS] IF PARAM...configure, in the order given
 *   rump.ifconfig -w SECS              wait until no address is tentative
 *
 * -h human-readable byte counts, -L IPv6 address lifetimes, -m media
 * (there are none to choose), -N host names (hosts.h), -v counters, -z
 * counters read and zeroed.
 *
 * The parameters are parsed and checked completely before anything is
 * changed, so a typo changes nothing.  "create" runs first whatever its
 * place; the others run in the order given.  As on NetBSD, giving an
 * interface an address brings it up unless "down" was given, and an inet
 * address without "alias" replaces the interface's first inet address.
 * "link ADDR [active | delete]" keeps NetBSD's list of link addresses,
 * "media autoselect | none" selects an Ethernet interface's media.
 * The listing lives in ifprint.c.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "json/json.h"
#include "kernel/rumpclient.h"
#include "netcomp/cmd/ifprint.h"
#include "netcomp/cmd/inaddr.h"
#include "netcomp/cmd/node.h"
#include "version.h"

#define MAXOPS 32
#define PROG "rump.ifconfig"
#define OPT_JSON 256	/* --json, a long option only */
#define OPT_HELP 257	/* --help: -h is NetBSD's human-readable */

enum opkind {
	OP_CREATE, OP_DESTROY, OP_LINKSTR, OP_UP, OP_DOWN, OP_MTU,
	OP_ADDR_SET, OP_ADDR_ALIAS, OP_ADDR_DELETE, OP_LINK, OP_MEDIA, OP_ARP
};

struct ifop {
	enum opkind kind;
	const char *word;           /* the argument that asked for it */
	const char *arg;            /* linkstr path ("" clears), address text */
	long mtu;
	uint8_t mac[6];             /* link */
	int llop;                   /* link: RUMP_LLADDR_* */
	uint32_t media;             /* media: RUMP_MEDIA_* */
	int noarp;                  /* -arp: 1, arp: 0 */
	struct inaddr a;
	int plen;                   /* -1: the default for the family */
	int life;                   /* pltime, vltime or deprecated given */
	uint32_t pltime, vltime;    /* seconds, RUMP_LIFE_INFINITE */
};

struct ifreq_plan {
	const char *ifname;
	struct ifop ops[MAXOPS];
	int nops;
	int explicit_updown;
	int create;
	int pending;    /* alias/-alias/delete typed before its address */
};

/* A reason for a failed parse or call, for main() to print. */
static char why[512];

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: " PROG " [-a] [-bdsu] [-hLmNvz] [--json] "
	    "[inet | inet6 | link]\n"
	    "       " PROG " -l [-bdsu]\n"
	    "       " PROG " [-hLmNvz] [--json] interface "
	    "[inet | inet6 | link]\n"
	    "       " PROG " -s interface\n"
	    "       " PROG " -C\n"
	    "       " PROG " [-w secs] interface [create | destroy] "
	    "[linkstr path | -linkstr]\n"
	    "           [link xx:xx:xx:xx:xx:xx [active | delete]] "
	    "[media autoselect | none]\n"
	    "           [arp | -arp]\n"
	    "           [[inet | inet6] address[/len] "
	    "[netmask mask | prefixlen n]\n"
	    "            [alias | -alias | delete]\n"
	    "            [pltime n] [vltime n] [deprecated | -deprecated]]\n"
	    "           [mtu n] [up | down]\n"
	    "       " PROG " -w secs\n"
	    "The node is $RUMP_SERVER (unix://path or tcp://addr:port).\n");
}

/* ---- parsing the parameters ---- */

/* NetBSD's inet6 address lifetimes: "pltime n", "vltime n" (seconds),
 * "deprecated" (pltime 0) and "-deprecated" (the lifetimes again, as
 * any address given without them). */
static int
is_life_modifier(const char *w)
{
	return strcmp(w, "pltime") == 0 || strcmp(w, "vltime") == 0 ||
	    strcmp(w, "deprecated") == 0 || strcmp(w, "-deprecated") == 0;
}

static int
parse_life(struct ifop *op, int ac, char **av, int *i)
{
	const char *w = av[*i];
	long n;

	if (op->a.family != AF_INET6) {
		snprintf(why, sizeof(why), "%s: inet6 address lifetime not "
		    "allowed for the AF", w);
		return -EINVAL;
	}
	if (w[0] == '-')
		return 0;
	op->life = 1;
	if (w[0] == 'd') {
		op->pltime = 0;
		return 0;
	}
	if (++*i >= ac) {
		snprintf(why, sizeof(why), "%s: seconds expected", w);
		return -EINVAL;
	}
	if (parse_long(av[*i], 0, (long)RUMP_LIFE_INFINITE, &n) != 0) {
		snprintf(why, sizeof(why), "%s: bad number of seconds '%s' "
		    "(0 to %lu, which is infinite)", w, av[*i],
		    (unsigned long)RUMP_LIFE_INFINITE);
		return -EINVAL;
	}
	if (w[0] == 'p')
		op->pltime = (uint32_t)n;
	else
		op->vltime = (uint32_t)n;
	return 0;
}

static int
is_addr_modifier(const char *w)
{
	return strcmp(w, "netmask") == 0 || strcmp(w, "prefixlen") == 0 ||
	    strcmp(w, "alias") == 0 || strcmp(w, "-alias") == 0 ||
	    strcmp(w, "delete") == 0 || is_life_modifier(w);
}

static struct ifop *
new_op(struct ifreq_plan *p, enum opkind kind, const char *word)
{
	struct ifop *op;

	if (p->nops == MAXOPS) {
		snprintf(why, sizeof(why), "too many parameters");
		return NULL;
	}
	op = &p->ops[p->nops++];
	memset(op, 0, sizeof(*op));
	op->kind = kind;
	op->word = word;
	op->plen = -1;
	op->pltime = op->vltime = RUMP_LIFE_INFINITE;
	return op;
}

/* "inet ADDR", "inet6 ADDR" or a bare ADDR at av[*i]. */
static int
parse_addr(struct ifreq_plan *p, int ac, char **av, int *i, int family)
{
	struct ifop *op;
	const char *s;
	int error;

	if (family != AF_UNSPEC && ++*i >= ac) {
		snprintf(why, sizeof(why), "%s: address expected", av[*i - 1]);
		return -EINVAL;
	}
	/* "inet6 alias ADDR", "inet -alias ADDR" */
	if (family != AF_UNSPEC && (strcmp(av[*i], "alias") == 0 ||
	    strcmp(av[*i], "-alias") == 0 || strcmp(av[*i], "delete") == 0)) {
		p->pending = av[*i][0] == 'a' ? OP_ADDR_ALIAS : OP_ADDR_DELETE;
		if (++*i >= ac) {
			snprintf(why, sizeof(why), "%s: address expected",
			    av[*i - 1]);
			return -EINVAL;
		}
	}
	s = av[*i];
	if ((op = new_op(p, OP_ADDR_SET, s)) == NULL)
		return -E2BIG;
	op->arg = s;
	if (p->pending != 0) {
		op->kind = (enum opkind)p->pending;
		p->pending = 0;
	}
	if ((error = inaddr_parse(s, family, &op->a)) != 0) {
		if (error == -EAFNOSUPPORT)
			snprintf(why, sizeof(why), "bad address '%s': not an "
			    "%s address", s, family == AF_INET ? "inet" :
			    "inet6");
		else
			snprintf(why, sizeof(why), "bad address '%s'", s);
		return error;
	}
	if (op->a.zone[0] != '\0' && strcmp(op->a.zone, p->ifname) != 0) {
		snprintf(why, sizeof(why), "bad address '%s': zone is not %s",
		    s, p->ifname);
		return -EINVAL;
	}
	op->plen = op->a.plen;
	return 0;
}

/* netmask, prefixlen, alias, -alias, delete: change the last address. */
static int
parse_modifier(struct ifreq_plan *p, int ac, char **av, int *i)
{
	const char *w = av[*i];
	struct ifop *op = p->nops > 0 ? &p->ops[p->nops - 1] : NULL;
	long n;

	if (op == NULL || (op->kind != OP_ADDR_SET &&
	    op->kind != OP_ADDR_ALIAS && op->kind != OP_ADDR_DELETE)) {
		/* NetBSD's "alias ADDR": the keyword may come first. */
		if (strcmp(w, "alias") == 0) {
			p->pending = OP_ADDR_ALIAS;
			return 0;
		}
		if (strcmp(w, "-alias") == 0 || strcmp(w, "delete") == 0) {
			p->pending = OP_ADDR_DELETE;
			return 0;
		}
		snprintf(why, sizeof(why), "%s: no address before it", w);
		return -EINVAL;
	}
	if (is_life_modifier(w))
		return parse_life(op, ac, av, i);
	if (strcmp(w, "alias") == 0)
		op->kind = OP_ADDR_ALIAS;
	else if (strcmp(w, "-alias") == 0 || strcmp(w, "delete") == 0)
		op->kind = OP_ADDR_DELETE;
	else if (++*i >= ac) {
		snprintf(why, sizeof(why), "%s: value expected", w);
		return -EINVAL;
	} else if (strcmp(w, "netmask") == 0) {
		if (op->a.family != AF_INET ||
		    inaddr_netmask(av[*i], &op->plen) != 0) {
			snprintf(why, sizeof(why), "bad netmask '%s'", av[*i]);
			return -EINVAL;
		}
	} else {
		if (parse_long(av[*i], 0, op->a.family == AF_INET ? 32 : 128,
		    &n) != 0) {
			snprintf(why, sizeof(why), "bad prefixlen '%s'",
			    av[*i]);
			return -EINVAL;
		}
		op->plen = (int)n;
	}
	return 0;
}

/* "b2:a0:0:0:1:2": six hex bytes of one or two digits. */
static int
parse_mac(const char *s, uint8_t mac[6])
{
	unsigned long v;
	char *end;
	int k;

	for (k = 0; k < 6; k++) {
		if (!isxdigit((unsigned char)s[0]))
			return -EINVAL;
		v = strtoul(s, &end, 16);
		if (end - s > 2 || *end != (k < 5 ? ':' : '\0'))
			return -EINVAL;
		mac[k] = (uint8_t)v;
		s = end + (k < 5);
	}
	return 0;
}

/*
 * NetBSD's "link ADDR" (an inactive link address), "link ADDR active"
 * (the interface's MAC from now on) and "link ADDR delete" (or -alias).
 */
static int
parse_link(struct ifreq_plan *p, int ac, char **av, int *i)
{
	static const uint8_t zero[6];
	struct ifop *op;
	const char *s;

	if (++*i >= ac) {
		snprintf(why, sizeof(why), "link: address expected");
		return -EINVAL;
	}
	s = av[*i];
	if ((op = new_op(p, OP_LINK, s)) == NULL)
		return -E2BIG;
	op->arg = s;
	if (parse_mac(s, op->mac) != 0) {
		snprintf(why, sizeof(why), "link: bad address '%s' "
		    "(six hex bytes, e.g. b2:a0:00:00:01:02)", s);
		return -EINVAL;
	}
	if ((op->mac[0] & 1) != 0 || memcmp(op->mac, zero, 6) == 0) {
		snprintf(why, sizeof(why), "link: %s: not a unicast address "
		    "(%s)", s, op->mac[0] & 1 ? "the multicast bit is set" :
		    "all zero");
		return -EINVAL;
	}
	op->llop = RUMP_LLADDR_ADD;
	if (*i + 1 < ac) {
		s = av[*i + 1];
		if (strcmp(s, "active") == 0)
			op->llop = RUMP_LLADDR_ACTIVATE;
		else if (strcmp(s, "delete") == 0 || strcmp(s, "-alias") == 0)
			op->llop = RUMP_LLADDR_DELETE;
		else if (strcmp(s, "alias") != 0)
			return 0;
		++*i;
	}
	return 0;
}

/* NetBSD's "media autoselect" (or "auto") and "media none": the two
 * media of an Ethernet interface here. */
static int
parse_media(struct ifreq_plan *p, int ac, char **av, int *i)
{
	struct ifop *op;
	const char *s;

	if (++*i >= ac) {
		snprintf(why, sizeof(why), "media: type expected "
		    "(autoselect or none)");
		return -EINVAL;
	}
	s = av[*i];
	if ((op = new_op(p, OP_MEDIA, s)) == NULL)
		return -E2BIG;
	op->arg = s;
	if (strcasecmp(s, "autoselect") == 0 || strcasecmp(s, "auto") == 0)
		op->media = RUMP_MEDIA_AUTO;
	else if (strcasecmp(s, "none") == 0)
		op->media = RUMP_MEDIA_NONE;
	else {
		snprintf(why, sizeof(why), "media: unknown Ethernet media "
		    "'%s' (autoselect or none)", s);
		return -EINVAL;
	}
	return 0;
}

static int
parse_word(struct ifreq_plan *p, int ac, char **av, int *i)
{
	const char *w = av[*i];
	struct ifop *op;

	if (strcmp(w, "create") == 0) {
		p->create = 1;
		return 0;
	}
	if (strcmp(w, "inet") == 0)
		return parse_addr(p, ac, av, i, AF_INET);
	if (strcmp(w, "inet6") == 0)
		return parse_addr(p, ac, av, i, AF_INET6);
	if (is_addr_modifier(w))
		return parse_modifier(p, ac, av, i);
	if (strcmp(w, "destroy") == 0)
		return new_op(p, OP_DESTROY, w) ? 0 : -E2BIG;
	if (strcmp(w, "up") == 0 || strcmp(w, "down") == 0) {
		p->explicit_updown = 1;
		return new_op(p, w[0] == 'u' ? OP_UP : OP_DOWN, w) ? 0 : -E2BIG;
	}
	if (strcmp(w, "link") == 0)
		return parse_link(p, ac, av, i);
	if (strcmp(w, "media") == 0)
		return parse_media(p, ac, av, i);
	if (strcmp(w, "arp") == 0 || strcmp(w, "-arp") == 0) {
		if ((op = new_op(p, OP_ARP, w)) == NULL)
			return -E2BIG;
		op->noarp = w[0] == '-';
		return 0;
	}
	if (strcmp(w, "-linkstr") == 0) {
		if ((op = new_op(p, OP_LINKSTR, w)) == NULL)
			return -E2BIG;
		op->arg = "";
		return 0;
	}
	if (strcmp(w, "linkstr") == 0 || strcmp(w, "mtu") == 0) {
		if (++*i >= ac) {
			snprintf(why, sizeof(why), "%s: value expected", w);
			return -EINVAL;
		}
		if ((op = new_op(p, w[0] == 'l' ? OP_LINKSTR : OP_MTU, w)) ==
		    NULL)
			return -E2BIG;
		op->arg = av[*i];
		if (op->kind == OP_LINKSTR && op->arg[0] == '\0') {
			snprintf(why, sizeof(why), "linkstr: empty path "
			    "(use -linkstr to detach)");
			return -EINVAL;
		}
		if (op->kind == OP_MTU &&
		    parse_long(av[*i], 1, 65535, &op->mtu) != 0) {
			snprintf(why, sizeof(why), "bad mtu '%s'", av[*i]);
			return -EINVAL;
		}
		return 0;
	}
	if (strchr(w, '.') != NULL || strchr(w, ':') != NULL)
		return parse_addr(p, ac, av, i, AF_UNSPEC);
	snprintf(why, sizeof(why), "unknown parameter '%s' (try -h)", w);
	return -EINVAL;
}

static int
parse_plan(struct ifreq_plan *p, int ac, char **av)
{
	int i, error;

	for (i = 0; i < ac; i++)
		if ((error = parse_word(p, ac, av, &i)) != 0)
			return error;
	if (p->pending != 0) {
		snprintf(why, sizeof(why), "%s: no address for it",
		    p->pending == OP_ADDR_ALIAS ? "alias" : "-alias");
		return -EINVAL;
	}
	return 0;
}

/* ---- carrying it out ---- */

/* NetBSD's default when no length is given: classful for inet, /64. */
static int
default_plen(const struct inaddr *a)
{
	if (a->family == AF_INET6)
		return 64;
	if (a->addr[0] < 128)
		return 8;
	if (a->addr[0] < 192)
		return 16;
	return 24;
}

static int
failed(const char *ifname, const char *what, int err)
{
	char buf[256];

	node_strerror(err, buf, sizeof(buf));
	if (err == -ENXIO)
		snprintf(why, sizeof(why), "%s: no such interface", ifname);
	else
		snprintf(why, sizeof(why), "%s: %s: %s", ifname, what, buf);
	return err;
}

static int
call(int r)
{
	return r == 0 ? 0 : -errno;
}

/* An inet address without "alias" takes the place of the first one. */
static int
replace_first_inet(const char *ifname, const struct inaddr *a)
{
	struct rump_ifinfo info;
	uint32_t i;
	int error;

	if ((error = call(rump_sys_ifget(ifname, &info))) != 0)
		return failed(ifname, "get", error);
	for (i = 0; i < info.naddrs && i < RUMP_MAXADDRS; i++) {
		if (info.addrs[i].family != AF_INET)
			continue;
		if (memcmp(info.addrs[i].addr, a->addr, 4) == 0)
			return 0;
		if ((error = call(rump_sys_ifdeladdr(ifname,
		    &info.addrs[i]))) != 0)
			return failed(ifname, "delete address", error);
		return 0;
	}
	return 0;
}

static int
do_addr(const char *ifname, const struct ifop *op)
{
	struct rump_ifaddr ifa;
	int plen = op->plen >= 0 ? op->plen : default_plen(&op->a);
	int error;

	inaddr_to_ifaddr(&op->a, plen, &ifa);
	if (op->kind == OP_ADDR_DELETE) {
		error = call(rump_sys_ifdeladdr(ifname, &ifa));
		if (error == -EADDRNOTAVAIL) {
			snprintf(why, sizeof(why), "%s: %s: no such address",
			    ifname, op->arg);
			return error;
		}
		return error ? failed(ifname, op->arg, error) : 0;
	}
	if (op->kind == OP_ADDR_SET && op->a.family == AF_INET &&
	    (error = replace_first_inet(ifname, &op->a)) != 0)
		return error;
	if (op->life)
		error = call(rump_sys_ifaddaddr_life(ifname, &ifa, op->pltime,
		    op->vltime));
	else
		error = call(rump_sys_ifaddaddr(ifname, &ifa));
	if (error != 0)
		return failed(ifname, op->arg, error);
	return 0;
}

static int
do_linkstr(const char *ifname, const struct ifop *op)
{
	char buf[256];
	size_t n;
	int error;

	if ((error = call(rump_sys_ifsetlinkstr(ifname, op->arg))) == 0)
		return 0;
	if (error == -ENXIO)
		return failed(ifname, "linkstr", error);
	node_strerror(error, buf, sizeof(buf));
	n = strlen(op->arg);
	if (op->arg[0] == '\0')
		snprintf(why, sizeof(why), "%s: -linkstr: %s", ifname, buf);
	else if (strncmp(buf, op->arg, n) == 0 && buf[n] == ':')
		snprintf(why, sizeof(why), "linkstr: %s", buf);  /* has path */
	else
		snprintf(why, sizeof(why), "linkstr: %s: %s", op->arg, buf);
	return error;
}

/* EBUSY reads as NetBSD's ifconfig reads it, for scripts that look. */
static int
do_link(const char *ifname, const struct ifop *op)
{
	int error;

	if ((error = call(rump_sys_iflladdr(ifname, op->mac, op->llop))) ==
	    0)
		return 0;
	if (error == -EBUSY)
		snprintf(why, sizeof(why), "link: %s: SIOCDLIFADDR: Device "
		    "busy (the active address of %s: make another one "
		    "active first)", op->arg, ifname);
	else if (error == -EADDRNOTAVAIL)
		snprintf(why, sizeof(why), "link: %s: %s has no such link "
		    "address", op->arg, ifname);
	else if (error == -ENOSPC)
		snprintf(why, sizeof(why), "link: %s: %s has %d inactive link "
		    "addresses already (delete one first)", op->arg, ifname,
		    RUMP_MAXLLADDRS);
	else if (error == -EOPNOTSUPP)
		snprintf(why, sizeof(why), "link: %s: %s has no link address",
		    op->arg, ifname);
	else
		return failed(ifname, "link", error);
	return error;
}

static int
do_media(const char *ifname, const struct ifop *op)
{
	int error;

	if ((error = call(rump_sys_ifsetmedia(ifname, op->media))) == 0)
		return 0;
	if (error == -EOPNOTSUPP)
		snprintf(why, sizeof(why), "media: %s: %s has no media to "
		    "select", op->arg, ifname);
	else
		return failed(ifname, "media", error);
	return error;
}

static int
do_op(const char *ifname, const struct ifop *op)
{
	char what[32];
	int error = 0;

	switch (op->kind) {
	case OP_CREATE:
		break;
	case OP_DESTROY:
		if ((error = call(rump_sys_ifdestroy(ifname))) != 0)
			return failed(ifname, "destroy", error);
		break;
	case OP_LINKSTR:
		return do_linkstr(ifname, op);
	case OP_LINK:
		return do_link(ifname, op);
	case OP_MEDIA:
		return do_media(ifname, op);
	case OP_ARP:
		error = call(rump_sys_ifsetflags(ifname,
		    op->noarp ? RUMP_IFF_NOARP : 0,
		    op->noarp ? 0 : RUMP_IFF_NOARP));
		if (error != 0)
			return failed(ifname, op->word, error);
		break;
	case OP_UP:
	case OP_DOWN:
		error = call(rump_sys_ifsetflags(ifname,
		    op->kind == OP_UP ? RUMP_IFF_UP : 0,
		    op->kind == OP_DOWN ? RUMP_IFF_UP : 0));
		if (error != 0)
			return failed(ifname, op->word, error);
		break;
	case OP_MTU:
		if ((error = call(rump_sys_ifsetmtu(ifname,
		    (uint32_t)op->mtu))) != 0) {
			snprintf(what, sizeof(what), "mtu %ld", op->mtu);
			return failed(ifname, what, error);
		}
		break;
	case OP_ADDR_SET:
	case OP_ADDR_ALIAS:
	case OP_ADDR_DELETE:
		return do_addr(ifname, op);
	}
	return 0;
}

static int
do_create(const char *ifname)
{
	char buf[256];
	int error;

	if ((error = call(rump_sys_ifcreate(ifname))) == 0)
		return 0;
	if (error == -EEXIST)
		snprintf(why, sizeof(why), "%s: create: interface exists",
		    ifname);
	else if (error == -EOPNOTSUPP)
		snprintf(why, sizeof(why), "%s: create: no such interface "
		    "kind in this node (load its component, e.g. "
		    "rump_server -l rumpnet_shmif)", ifname);
	else if (error == -EINVAL)
		snprintf(why, sizeof(why), "%s: create: bad interface name "
		    "(kind and unit, e.g. shmif0)", ifname);
	else
		snprintf(why, sizeof(why), "%s: create: %s", ifname,
		    node_strerror(error, buf, sizeof(buf)));
	return error;
}

static int
run_plan(const struct ifreq_plan *p)
{
	struct rump_ifinfo info;
	int i, error, added = 0, destroyed = 0;

	if (p->create && (error = do_create(p->ifname)) != 0)
		return error;
	for (i = 0; i < p->nops; i++) {
		if ((error = do_op(p->ifname, &p->ops[i])) != 0)
			return error;
		if (p->ops[i].kind == OP_ADDR_SET ||
		    p->ops[i].kind == OP_ADDR_ALIAS)
			added = 1;
		if (p->ops[i].kind == OP_DESTROY)
			destroyed = 1;
	}
	if (!added || p->explicit_updown || destroyed)
		return 0;
	if ((error = call(rump_sys_ifget(p->ifname, &info))) != 0)
		return failed(p->ifname, "get", error);
	if (info.flags & RUMP_IFF_UP)
		return 0;
	if ((error = call(rump_sys_ifsetflags(p->ifname, RUMP_IFF_UP, 0))) !=
	    0)
		return failed(p->ifname, "up", error);
	return 0;
}

/* ---- listing and waiting ---- */

/*
 * "ifconfig IF FAMILY" shows IF with the addresses of that family only,
 * as NetBSD's does; a family NetBSD knows and this node has no protocol
 * for is refused as NetBSD refuses one its kernel lacks.  1 when w names
 * a family (its number in *af), -1 an unsupported one, 0 not a family.
 */
static int
family_word(const char *w, int *af)
{
	static const char *const unsupported[] = { "atalk", "iso", NULL };
	int i;

	if (strcmp(w, "inet") == 0)
		*af = AF_INET;
	else if (strcmp(w, "inet6") == 0)
		*af = AF_INET6;
	else if (strcmp(w, "link") == 0)
		*af = IFPRINT_LINK;
	else {
		for (i = 0; unsupported[i] != NULL; i++)
			if (strcmp(w, unsupported[i]) == 0)
				return -1;
		return 0;
	}
	return 1;
}

static int
get_names(char (**names)[RUMP_IFNAMSIZ], int *n)
{
	char (*v)[RUMP_IFNAMSIZ] = NULL;
	int max = 0, got;

	for (;;) {
		if ((got = rump_sys_iflist(v, max)) < 0) {
			free(v);
			return failed("iflist", "list", -errno);
		}
		if (got <= max)
			break;
		free(v);
		max = got + 8;
		if ((v = calloc((size_t)max, RUMP_IFNAMSIZ)) == NULL)
			return -ENOMEM;
	}
	*names = v;
	*n = got;
	return 0;
}

/*
 * -v: an interface's impairments (rumplab link set) and what they did,
 * one line a direction that has any:
 *   impair out: delay 20000us loss 50000ppm; 1200 frames, 61 lost, ...
 */
static void
show_impair(const struct rump_ifinfo *info)
{
	static const char *dname[] = { "", "in", "out" };
	static const char *dist[] = { "uniform", "normal", "pareto" };
	struct rump_impair q;
	int dir;

	if (info->flags & RUMP_IFF_LOOPBACK)
		return;
	for (dir = RUMP_IMPAIR_IN; dir <= RUMP_IMPAIR_OUT; dir++) {
		if (rump_sys_ifgetimpair(info->name, dir, &q) != 0 ||
		    (q.st_frames == 0 && rump_impair_none(&q)))
			continue;
		printf("\timpair %s:", dname[dir]);
		if (q.delay_us)
			printf(" delay %uus", q.delay_us);
		if (q.jitter_us)
			printf(" jitter %uus %s", q.jitter_us,
			    dist[q.dist < 3 ? q.dist : 0]);
		if (q.ge_p)
			printf(" gemodel %u %u %u %uppm", q.ge_p, q.ge_r,
			    q.ge_h, q.ge_k);
		else if (q.loss_ppm)
			printf(" loss %uppm", q.loss_ppm);
		if (q.dup_ppm)
			printf(" dup %uppm", q.dup_ppm);
		if (q.reorder_ppm)
			printf(" reorder %uppm", q.reorder_ppm);
		if (q.corrupt_ppm)
			printf(" corrupt %uppm", q.corrupt_ppm);
		if (q.rate_bps)
			printf(" rate %llubit limit %u", (unsigned long long)
			    q.rate_bps, q.limit ? q.limit : 1000);
		printf("; %llu frames, %llu lost, %llu dup, %llu corrupted, "
		    "%llu reordered, %llu queue drops, %u queued\n",
		    (unsigned long long)q.st_frames,
		    (unsigned long long)q.st_lost,
		    (unsigned long long)q.st_dup,
		    (unsigned long long)q.st_corrupt,
		    (unsigned long long)q.st_reorder,
		    (unsigned long long)q.st_qdrop, q.st_queued);
	}
}

static struct jw *json;	/* --json: the listing goes here */

/* Which interfaces a listing shows, and how (NetBSD's -b -d -u -s, -L,
 * -z). */
struct sel {
	int bcast, down, up, carrier;
	int life, zero;
};

static int
selected(const struct rump_ifinfo *info, const struct sel *sel)
{
	if (sel->bcast && !(info->flags & RUMP_IFF_BROADCAST))
		return 0;
	if (sel->down && (info->flags & RUMP_IFF_UP))
		return 0;
	if (sel->up && !(info->flags & RUMP_IFF_UP))
		return 0;
	return !sel->carrier || info->link_up;
}

/* -L: what is left of each IPv6 address's lifetimes into life[]. */
static void
get_lifetimes(const struct rump_ifinfo *info, uint32_t life[][2])
{
	uint32_t i;

	for (i = 0; i < info->naddrs && i < RUMP_MAXADDRS; i++) {
		life[i][0] = life[i][1] = RUMP_LIFE_INFINITE;
		if (info->addrs[i].family == AF_INET6 &&
		    rump_sys_ifgetlife(info->name, &info->addrs[i], &life[i][0],
		    &life[i][1]) != 0)  /* gone meanwhile */
			life[i][0] = life[i][1] = RUMP_LIFE_INFINITE;
	}
}

static void
show_one(const struct rump_ifinfo *info, const struct ifprint_opts *o,
    const struct sel *sel)
{
	uint32_t life[RUMP_MAXADDRS][2];
	struct ifprint_opts lo = *o;

	if (json != NULL) {
		ifprint_json(json, info, o);
		return;
	}
	if (sel->life) {
		get_lifetimes(info, life);
		lo.life = (const uint32_t (*)[2])life;
	}
	ifprint(stdout, info, &lo);
	if (o->verbose)
		show_impair(info);
}

/* One interface's info; -z zeroes its counters as it reads them. */
static int
get_info(const char *name, const struct sel *sel, struct rump_ifinfo *info)
{
	if (sel->zero)
		return call(rump_sys_ifzero(name, info));
	return call(rump_sys_ifget(name, info));
}

static int
show(const char *only, const struct ifprint_opts *o, const struct sel *sel)
{
	char (*names)[RUMP_IFNAMSIZ];
	struct rump_ifinfo info;
	int i, n, error;

	if (only != NULL) {
		if ((error = get_info(only, sel, &info)) != 0)
			return failed(only, "get", error);
		if (selected(&info, sel))
			show_one(&info, o, sel);
		return 0;
	}
	if ((error = get_names(&names, &n)) != 0)
		return error;
	for (i = 0; i < n; i++) {
		error = get_info(names[i], sel, &info);
		if (error == -ENXIO)        /* destroyed meanwhile */
			continue;
		if (error != 0) {
			free(names);
			return failed(names[i], "get", error);
		}
		if (selected(&info, sel))
			show_one(&info, o, sel);
	}
	free(names);
	return 0;
}

/* --json: {"interfaces": [...]}, what show() lists. */
static int
show_json(const char *only, const struct ifprint_opts *o,
    const struct sel *sel)
{
	struct jw w;
	int error;

	jw_init(&w, stdout);
	json = &w;
	jw_object(&w, NULL);
	jw_array(&w, "interfaces");
	error = show(only, o, sel);
	jw_close(&w);
	jw_close(&w);
	if (jw_end(&w) != 0 && error == 0)
		error = -EIO;
	return error;
}

/* -l: the names of the interfaces sel picks, on one line. */
static int
list_names(const struct sel *sel)
{
	char (*names)[RUMP_IFNAMSIZ];
	struct rump_ifinfo info;
	int i, n, error, first = 1;

	if ((error = get_names(&names, &n)) != 0)
		return error;
	for (i = 0; i < n; i++) {
		if (rump_sys_ifget(names[i], &info) != 0 ||
		    !selected(&info, sel))
			continue;
		printf("%s%s", first ? "" : " ", names[i]);
		first = 0;
	}
	printf("\n");
	free(names);
	return 0;
}

/* -C: the interface kinds "create" makes, NetBSD's cloners. */
static int
list_cloners(void)
{
	char (*names)[RUMP_IFNAMSIZ] = NULL;
	int i, max = 0, got;

	for (;;) {
		if ((got = rump_sys_ifcloners(names, max)) < 0) {
			free(names);
			return failed("cloners", "list", -errno);
		}
		if (got <= max)
			break;
		free(names);
		max = got + 4;
		if ((names = calloc((size_t)max, RUMP_IFNAMSIZ)) == NULL)
			return -ENOMEM;
	}
	for (i = 0; i < got; i++)
		printf("%s%s", i > 0 ? " " : "", names[i]);
	printf("\n");
	free(names);
	return 0;
}

/* -s IF: NetBSD's exit status, 0 when IF's link is up, 1 when not. */
static int
link_status(const char *name, int *down)
{
	struct rump_ifinfo info;
	int error;

	if ((error = call(rump_sys_ifget(name, &info))) != 0)
		return failed(name, "get", error);
	*down = !info.link_up;
	return 0;
}

/* The first tentative address of any interface, into why; 1 if found. */
static int
tentative(int *found)
{
	char (*names)[RUMP_IFNAMSIZ], buf[INADDR_TEXTLEN];
	struct rump_ifinfo info;
	uint32_t j;
	int i, n, error;

	*found = 0;
	if ((error = get_names(&names, &n)) != 0)
		return error;
	for (i = 0; i < n && !*found; i++) {
		if (rump_sys_ifget(names[i], &info) != 0)
			continue;
		for (j = 0; j < info.naddrs && j < RUMP_MAXADDRS; j++) {
			if (!(info.addrs[j].flags & RUMP_IFA_TENTATIVE))
				continue;
			snprintf(why, sizeof(why), "%s: %s is still tentative",
			    names[i], inaddr_ntop(info.addrs[j].family,
			    info.addrs[j].addr, buf, sizeof(buf)));
			*found = 1;
			break;
		}
	}
	free(names);
	return 0;
}

/* -w: wait until duplicate address detection has finished everywhere. */
static int
wait_dad(uint64_t limit_ns)
{
	uint64_t end = now_ns() + limit_ns;
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	char last[sizeof(why)];
	int found, error;

	for (;;) {
		if ((error = tentative(&found)) != 0)
			return error;
		if (!found)
			return 0;
		if (now_ns() >= end)
			break;
		nanosleep(&ts, NULL);
	}
	snprintf(last, sizeof(last), "%s", why);
	snprintf(why, sizeof(why), "timed out waiting for DAD: %.400s", last);
	return -ETIMEDOUT;
}

/* The command line's options (main's). */
struct opts {
	struct ifprint_opts po;
	struct sel sel;
	int all, list, cloners, json, wait, media;
	uint64_t wait_ns;
};

/* 0, 1 when the usage was asked for (printed), -1 a usage error. */
static int
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, OPT_HELP },
		{ "json", no_argument, NULL, OPT_JSON },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	/* -h is NetBSD's human-readable counters; alone, the usage. */
	if (argc == 2 && strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 1;
	}
	/* '+': parameters such as -alias must not be taken for options. */
	while ((c = getopt_long(argc, argv, "+abCdhLlmNsuvw:z", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'a': o->all = 1; break;
		case 'b': o->sel.bcast = 1; break;
		case 'C': o->cloners = 1; break;
		case 'd': o->sel.down = 1; break;
		case 'h': o->po.human = 1; break;
		case 'L': o->sel.life = 1; break;
		case 'l': o->list = 1; break;
		case 'm': o->media = 1; break;
		case 'N': o->po.names = 1; break;
		case 's': o->sel.carrier = 1; break;
		case 'u': o->sel.up = 1; break;
		case 'v': o->po.verbose = 1; break;
		case 'z': o->sel.zero = o->po.verbose = 1; break;
		case 'w':
			if (parse_duration(optarg, 3600, &o->wait_ns) != 0) {
				fprintf(stderr, PROG ": -w: bad number of "
				    "seconds '%s'\n", optarg);
				return -1;
			}
			o->wait = 1;
			break;
		case OPT_HELP: usage(stdout); return 1;
		case OPT_JSON: o->json = 1; break;
		default: return -1;
		}
	}
	return 0;
}

/* NetBSD's exclusions, and rumplab's for --json; nargs after options. */
static int
opts_valid(const struct opts *o, int nargs)
{
	int shows = o->all || o->media || o->po.verbose || o->sel.life;
	int picks = o->sel.bcast || o->sel.down || o->sel.up ||
	    o->sel.carrier;

	if (o->cloners)
		return !o->list && !o->wait && !shows && !picks &&
		    !o->po.names && !o->po.human && !o->json && nargs == 0;
	if (o->list)
		return !o->wait && !shows && !o->json && nargs == 0;
	if (o->wait && shows)
		return 0;
	if (o->json && (o->wait || o->po.names || o->po.human ||
	    o->sel.life || nargs > 2))
		return 0;
	return !o->all || nargs <= 1;
}

int
main(int argc, char **argv)
{
	static struct ifreq_plan plan;
	static struct opts o = { .po = { 0, AF_UNSPEC, 0, 0, NULL } };
	int error, showaf = 0, listing, down;

	if (version_asked(argc, argv, PROG))
		return 0;
	if ((error = parse_opts(argc, argv, &o)) != 0)
		return error > 0 ? 0 : (usage(stderr), 1);
	argc -= optind;
	argv += optind;
	if (!opts_valid(&o, argc)) {
		usage(stderr);
		return 1;
	}
	if (o.all && argc == 1) {       /* "-a inet6" */
		if ((showaf = family_word(argv[0], &o.po.family)) <= 0) {
			usage(stderr);
			return 1;
		}
		argc = 0;
	}
	if (argc > 0) {
		plan.ifname = argv[0];
		if (strlen(plan.ifname) >= RUMP_IFNAMSIZ) {
			fprintf(stderr, PROG ": %s: interface name too long "
			    "(at most %d characters)\n", plan.ifname,
			    RUMP_IFNAMSIZ - 1);
			return 1;
		}
		if (argc == 2 && (showaf = family_word(argv[1],
		    &o.po.family)) < 0) {
			fprintf(stderr, PROG ": %s: address family not "
			    "supported\n", argv[1]);
			return 1;
		}
		if (argc >= 2 && !showaf && (o.json || o.media ||
		    o.sel.life || o.sel.zero || o.sel.bcast || o.sel.down ||
		    o.sel.up || o.sel.carrier || o.po.names || o.po.human)) {
			usage(stderr);  /* listing options, no parameters */
			return 1;
		}
		if (!showaf && parse_plan(&plan, argc - 1, argv + 1) != 0) {
			fprintf(stderr, PROG ": %s\n", why);
			return 1;
		}
	}
	if (node_attach() != 0) {
		fprintf(stderr, PROG ": %s\n", rumpclient_lasterror());
		return 1;
	}
	listing = (argc <= 1 || showaf) && !plan.create;
	down = 0;
	if (o.cloners)
		error = list_cloners();
	else if (o.list)
		error = list_names(&o.sel);
	else if (o.sel.carrier && argc == 1 && !o.all)
		error = link_status(plan.ifname, &down);
	else if (argc == 0 && o.wait)
		error = 0;
	else if (listing && o.json)
		error = show_json(argc >= 1 ? plan.ifname : NULL, &o.po,
		    &o.sel);
	else if (listing)
		error = show(argc >= 1 ? plan.ifname : NULL, &o.po, &o.sel);
	else
		error = run_plan(&plan);
	if (error == 0 && o.wait)
		error = wait_dad(o.wait_ns);
	if (error != 0) {
		fprintf(stderr, PROG ": %s\n", why[0] ? why : strerror(-error));
		return 1;
	}
	return down;
}
