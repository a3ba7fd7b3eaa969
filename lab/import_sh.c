/*
 * import_sh.c — one line of a Kathará .startup file or a containerlab
 * exec: list, translated into the import's model (lab/import.h).
 *
 * Understood, as Linux's net-tools and iproute2 take them:
 *   ifconfig IF [inet] ADDR[/LEN] [netmask MASK] [broadcast B] [up|down]
 *   ifconfig IF hw ether MAC | inet6 add ADDR/LEN | mtu N | up | down
 *   ip [-4|-6] addr|address|a add ADDR/LEN [brd B] dev IF
 *   ip link set [dev] IF up|down|address MAC|mtu N ...
 *   ip [-4|-6] route|ro|r add PREFIX|default via GW [dev IF] ...
 *   route add -net NET [netmask MASK] gw GW [dev IF]
 *   route add -host HOST gw GW | route add default gw GW
 *   sysctl [-w] net.ipv4.ip_forward=1 (and the forwarding knobs)
 *   echo 1 > /proc/sys/net/ipv4/ip_forward
 * A line holds commands separated by ';' or '&&'; '#' starts a comment.
 * Anything else is recorded as a problem at FILE:LINE, with why: daemons
 * (FRR, Quagga, bird, ...), files written under /etc, unknown commands.
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab/import.h"
#include "lab/ipaddr.h"

#define MAXW	64

struct cmd {
	struct imp_lab	*il;
	struct imp_node	*n;
	const char	*file;
	int		 line;
	char		*w[MAXW];
	int		 nw;
	const char	*text;		/* the command as written */
};

static int
fail(struct cmd *c, const char *why)
{
	imp_problem(c->il, c->file, c->line, "'%s': %s", c->text, why);
	return -EINVAL;
}

/* The prefix length of a dotted mask, or -1. */
static int
mask_len(const char *mask)
{
	struct lab_ip ip;
	u128 v;
	int n = 0;

	if (ip_parse(mask, IP_LEN_OPTIONAL, &ip, NULL) != 0 ||
	    ip.family != AF_INET)
		return -1;
	v = ip_to_u128(&ip);
	while (n < 32 && (v >> (31 - n) & 1))
		n++;
	return v == (n ? (((u128)1 << 32) - ((u128)1 << (32 - n))) : 0) ?
	    n : -1;
}

/* IPv4's natural mask, as ifconfig gives an address without one. */
static int
class_len(const struct lab_ip *ip)
{
	return ip->addr[0] < 128 ? 8 : ip->addr[0] < 192 ? 16 : 24;
}

/* "ADDR/LEN" or ADDR with len (or, len < 0, the class's) into out. */
static const char *
addr_text(struct cmd *c, const char *a, int len, bool prefix)
{
	struct lab_ip ip;
	char s[IP_STRLEN];
	bool had;

	if (ip_parse(a, IP_LEN_OPTIONAL, &ip, &had) != 0)
		return NULL;
	if (!had)
		ip.plen = (uint8_t)(len >= 0 ? len : ip.family == AF_INET ?
		    class_len(&ip) : 64);
	if (prefix)
		ip_network(&ip, &ip);
	return arena_strdup(c->il->a, ip_str(&ip, s));
}

static struct imp_iface *
iface(struct cmd *c, const char *name)
{
	struct imp_iface *f = imp_iface(c->il, c->n, name);

	if (f == NULL)
		fail(c, "too many interfaces, or a name too long");
	else if (f->bus == NULL)
		imp_problem(c->il, c->file, c->line, "'%s': %s of %s is on no "
		    "collision domain (lab.conf or links:): what it sets is "
		    "not kept", c->text, name, c->n->name);
	return f;
}

static int
add_addr(struct cmd *c, const char *ifname, const char *a)
{
	struct imp_iface *f;

	if (a == NULL)
		return fail(c, "not an address");
	if ((f = iface(c, ifname)) == NULL)
		return -EINVAL;
	if (f->naddrs == IMP_ADDRS)
		return fail(c, "too many addresses on one interface");
	f->addrs[f->naddrs++] = a;
	return 0;
}

static int
set_mac(struct cmd *c, const char *ifname, const char *mac)
{
	struct imp_iface *f;

	if (strlen(mac) != 17)
		return fail(c, "not a MAC address like 02:42:0a:00:00:01");
	if ((f = iface(c, ifname)) == NULL)
		return -EINVAL;
	snprintf(f->mac, sizeof(f->mac), "%s", mac);
	return 0;
}

static int
add_route(struct cmd *c, const char *dest, const char *via)
{
	struct imp_route *v;
	struct lab_ip g;

	if (dest == NULL)
		return fail(c, "not a destination (a prefix or default)");
	if (via == NULL || ip_parse(via, IP_LEN_OPTIONAL, &g, NULL) != 0)
		return fail(c, "a route needs a gateway (gw ADDR, via ADDR): a "
		    "route to an interface alone is not translated");
	if ((v = arena_grow(c->il->a, c->n->routes, c->n->nroutes,
	    &c->n->caproutes, sizeof(*v))) == NULL)
		return -ENOMEM;
	c->n->routes = v;
	v[c->n->nroutes].dest = dest;
	v[c->n->nroutes].via = arena_strdup(c->il->a, via);
	v[c->n->nroutes].file = c->file;
	v[c->n->nroutes++].line = c->line;
	return 0;
}

/* The word after `key` in w[from..], or NULL. */
static const char *
after(const struct cmd *c, int from, const char *key)
{
	int i;

	for (i = from; i + 1 < c->nw; i++)
		if (strcmp(c->w[i], key) == 0)
			return c->w[i + 1];
	return NULL;
}

/* --- ifconfig ----------------------------------------------------------------- */

static int
ifconfig(struct cmd *c)
{
	const char *ifn, *mask, *a;
	struct imp_iface *f;
	int i, len = -1;

	if (c->nw < 3)
		return fail(c, "ifconfig with no setting");
	ifn = c->w[1];
	i = 2;
	if (strcmp(c->w[i], "hw") == 0 && c->nw >= 5 &&
	    strcmp(c->w[3], "ether") == 0)
		return set_mac(c, ifn, c->w[4]);
	if (strcmp(c->w[i], "inet6") == 0 && c->nw >= 5 &&
	    strcmp(c->w[3], "add") == 0)
		return add_addr(c, ifn, addr_text(c, c->w[4], 64, false));
	if (strcmp(c->w[i], "up") == 0 || strcmp(c->w[i], "down") == 0) {
		if ((f = iface(c, ifn)) != NULL)
			f->down = c->w[i][0] == 'd';
		return f ? 0 : -EINVAL;
	}
	if (strcmp(c->w[i], "mtu") == 0)
		return fail(c, "MTUs are not translated: give the interface "
		    "mtu: in the topology");
	if (strcmp(c->w[i], "inet") == 0 && c->nw > 3)
		i++;
	if ((mask = after(c, i, "netmask")) != NULL &&
	    (len = mask_len(mask)) < 0)
		return fail(c, "the netmask is not a contiguous IPv4 mask");
	if ((a = addr_text(c, c->w[i], len, false)) == NULL)
		return fail(c, "not an address, or a setting ifconfig takes "
		    "that is not translated");
	if (add_addr(c, ifn, a) != 0)
		return -EINVAL;
	if ((f = iface(c, ifn)) != NULL && strcmp(c->w[c->nw - 1], "down") ==
	    0)
		f->down = true;
	return 0;
}

/* --- ip --------------------------------------------------------------------- */

static int
ip_link(struct cmd *c, int i)
{
	const char *ifn, *mac;
	struct imp_iface *f;

	if (i + 1 >= c->nw || strcmp(c->w[i], "set") != 0)
		return fail(c, "only 'ip link set' is translated");
	i++;
	if (strcmp(c->w[i], "dev") == 0 && i + 1 < c->nw)
		i++;
	ifn = c->w[i];
	if ((mac = after(c, i, "address")) != NULL)
		return set_mac(c, ifn, mac);
	if (after(c, i, "mtu") != NULL)
		return fail(c, "MTUs are not translated: give the interface "
		    "mtu: in the topology");
	if ((f = iface(c, ifn)) == NULL)
		return -EINVAL;
	if (strcmp(c->w[c->nw - 1], "down") == 0)
		f->down = true;
	else if (strcmp(c->w[c->nw - 1], "up") == 0)
		f->down = false;
	else
		return fail(c, "a setting of ip link that is not translated");
	return 0;
}

static int
ip_addr(struct cmd *c, int i)
{
	const char *dev;

	if (i + 1 >= c->nw || strcmp(c->w[i], "add") != 0)
		return fail(c, "only 'ip addr add' is translated");
	if ((dev = after(c, i, "dev")) == NULL)
		return fail(c, "ip addr add without 'dev IF'");
	return add_addr(c, dev, addr_text(c, c->w[i + 1], -1, false));
}

static int
ip_route(struct cmd *c, int i)
{
	const char *dest;

	if (i + 1 >= c->nw || (strcmp(c->w[i], "add") != 0 &&
	    strcmp(c->w[i], "append") != 0 && strcmp(c->w[i], "replace") != 0))
		return fail(c, "only 'ip route add' is translated");
	dest = strcmp(c->w[i + 1], "default") == 0 ? "default" :
	    addr_text(c, c->w[i + 1], -1, true);
	return add_route(c, dest, after(c, i, "via"));
}

static int
ip(struct cmd *c)
{
	int i = 1;

	while (i < c->nw && c->w[i][0] == '-')
		i++;	/* -4, -6, -family: the address says which */
	if (i + 1 >= c->nw)
		return fail(c, "ip with no command");
	if (strncmp(c->w[i], "link", strlen(c->w[i])) == 0)
		return ip_link(c, i + 1);
	if (strncmp(c->w[i], "address", strlen(c->w[i])) == 0)
		return ip_addr(c, i + 1);
	if (strncmp(c->w[i], "route", strlen(c->w[i])) == 0)
		return ip_route(c, i + 1);
	return fail(c, "an ip command that is not translated (addr add, "
	    "link set and route add are)");
}

/* --- route, sysctl, echo -------------------------------------------------------- */

static int
route(struct cmd *c)
{
	const char *dest, *mask;
	int len = -1;

	if (c->nw < 3 || strcmp(c->w[1], "add") != 0)
		return fail(c, "only 'route add' is translated");
	if (strcmp(c->w[2], "default") == 0)
		return add_route(c, "default", after(c, 2, "gw"));
	if (c->nw < 4 || (strcmp(c->w[2], "-net") != 0 &&
	    strcmp(c->w[2], "-host") != 0))
		return fail(c, "route add takes -net, -host or default here");
	if (c->w[2][1] == 'h')
		len = strchr(c->w[3], ':') ? 128 : 32;
	else if ((mask = after(c, 3, "netmask")) != NULL &&
	    (len = mask_len(mask)) < 0)
		return fail(c, "the netmask is not a contiguous IPv4 mask");
	dest = addr_text(c, c->w[3], len, true);
	return add_route(c, dest, after(c, 3, "gw"));
}

static bool
forwarding_knob(const char *k)
{
	return strcmp(k, "net.ipv4.ip_forward") == 0 ||
	    strcmp(k, "net/ipv4/ip_forward") == 0 ||
	    strcmp(k, "net.ipv4.conf.all.forwarding") == 0 ||
	    strcmp(k, "net.ipv6.conf.all.forwarding") == 0 ||
	    strcmp(k, "net/ipv6/conf/all/forwarding") == 0;
}

/* "net.ipv4.ip_forward=1": forwarding; other knobs are reported. */
static int
knob(struct cmd *c, const char *kv)
{
	char k[128];
	const char *eq = strchr(kv, '=');

	if (eq == NULL || (size_t)(eq - kv) >= sizeof(k))
		return fail(c, "a sysctl without a value");
	snprintf(k, sizeof(k), "%.*s", (int)(eq - kv), kv);
	if (!forwarding_knob(k))
		return fail(c, "this sysctl is not translated (IP forwarding "
		    "is)");
	c->n->forwarding = atoi(eq + 1) != 0;
	return 0;
}

static int
sysctl(struct cmd *c)
{
	int i;

	for (i = 1; i < c->nw && c->w[i][0] == '-'; i++)
		;
	if (i >= c->nw)
		return fail(c, "sysctl with no setting");
	return knob(c, c->w[i]);
}

static int
echo(struct cmd *c)
{
	char kv[160];
	const char *target;

	const char *value = c->w[1];
	int i;

	/* echo VALUE > FILE, echo ... >FILE, echo ... >> FILE */
	target = NULL;
	for (i = 2; i < c->nw && target == NULL; i++)
		if (c->w[i][0] == '>') {
			target = c->w[i] + strspn(c->w[i], ">");
			if (*target == '\0')
				target = i + 1 < c->nw ? c->w[i + 1] : NULL;
		}
	if (target == NULL)
		return fail(c, "prints, and writes nothing a lab keeps");
	if (strncmp(target, "/proc/sys/", 10) == 0) {
		snprintf(kv, sizeof(kv), "%s=%s", target + 10, value);
		return knob(c, kv);
	}
	if (strncmp(target, "/etc/", 5) == 0)
		return fail(c, "writes a file under /etc: a node has no such "
		    "files, and files are not translated");
	return fail(c, "writes a file: files are not translated");
}

/* --- dispatch --------------------------------------------------------------- */

static const char *const daemons[] = { "frr", "quagga", "zebra", "bgpd",
	"ospfd", "ospf6d", "ripd", "ripngd", "isisd", "bird", "bird6",
	"bind", "named", "apache2", "nginx", "sshd", "ssh", "dnsmasq",
	"isc-dhcp-server", "dhcpd", NULL };

/* A daemon the line starts: its name, or NULL. */
static const char *
daemon_of(const struct cmd *c)
{
	const char *w0 = c->w[0], *base = strrchr(w0, '/');
	int i;

	base = base ? base + 1 : w0;
	if (strncmp(w0, "/etc/init.d/", 12) == 0)
		return base;
	if ((strcmp(w0, "service") == 0 || strcmp(w0, "systemctl") == 0) &&
	    c->nw >= 3)
		return strcmp(w0, "service") == 0 ? c->w[1] : c->w[2];
	for (i = 0; daemons[i] != NULL; i++)
		if (strcmp(base, daemons[i]) == 0)
			return base;
	return NULL;
}

static void
command(struct cmd *c)
{
	const char *d;
	int r;

	if (c->nw == 0)
		return;
	if (strcmp(c->w[0], "ifconfig") == 0 || strcmp(c->w[0],
	    "/sbin/ifconfig") == 0)
		r = ifconfig(c);
	else if (strcmp(c->w[0], "ip") == 0 || strcmp(c->w[0],
	    "/sbin/ip") == 0)
		r = ip(c);
	else if (strcmp(c->w[0], "route") == 0 || strcmp(c->w[0],
	    "/sbin/route") == 0)
		r = route(c);
	else if (strcmp(c->w[0], "sysctl") == 0)
		r = sysctl(c);
	else if (strcmp(c->w[0], "echo") == 0 && c->nw >= 3)
		r = echo(c);
	else if ((d = daemon_of(c)) != NULL)
		r = fail(c, arena_printf(c->il->a, "starts %s, a daemon that is "
		    "not translated (rumplab routes with static routes, or RIP "
		    "with routing: rip)", d));
	else
		r = fail(c, arena_printf(c->il->a, "the command '%s' is not "
		    "known to rumplab import", c->w[0]));
	if (r == 0)
		c->il->nlines++;
}

void
imp_shell_line(struct imp_lab *il, struct imp_node *n, const char *file,
    int line, const char *text)
{
	char buf[2048], *p, *next, *save, *w;
	struct cmd c;
	size_t k;

	snprintf(buf, sizeof(buf), "%s", text);
	if ((p = strchr(buf, '#')) != NULL)
		*p = '\0';
	for (p = buf; p != NULL; p = next) {
		/* Commands joined by ';' or '&&' are taken one by one. */
		next = strpbrk(p, ";&");
		if (next != NULL) {
			*next++ = '\0';
			if (*next == '&')
				next++;
		}
		memset(&c, 0, sizeof(c));
		c.il = il;
		c.n = n;
		c.file = file;
		c.line = line;
		while (*p == ' ' || *p == '\t')
			p++;
		k = strlen(p);
		while (k > 0 && strchr(" \t\r\n", p[k - 1]) != NULL)
			k--;
		if ((c.text = arena_strndup(il->a, p, k)) == NULL)
			return;
		for (w = strtok_r(p, " \t\r\n", &save); w != NULL &&
		    c.nw < MAXW; w = strtok_r(NULL, " \t\r\n", &save))
			c.w[c.nw++] = w;
		command(&c);
	}
}
