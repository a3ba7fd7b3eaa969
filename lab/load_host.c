/*
 * load_host.c — a lab across machines: its hosts (hosts:), a node's host
 * (host:) and how the buses that span hosts are joined (uplink,
 * uplink_port, uplink_group, uplink_switch).  lab/HOSTS.txt says what
 * the planner makes of them (lab/place.c).
 *
 * Hosts load before kinds and nodes, so that a host: is looked up where
 * it is written.  Every value that ends up on a command line or in a VDE
 * URL is checked here, once: a destination ssh(1) would take for an
 * option, an address with a space in it, a path too long for a URL.
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lab/arena.h"
#include "lab/load.h"

#define UPLINK_PORT	47100		/* udp: the first port */
#define UPLINK_GROUP	"239.255.0.1"	/* vxvde: organization-local */
#define ADDR_MAX	100	/* two addresses and ports fit LAB_URL_MAX */
#define SWITCH_MAX	100	/* its control socket fits sun_path */
#define CAPACITY_MAX	1000000
#define HOSTS_MAX	LAB_HOSTS_MAX

/* No control characters, and no blanks unless `blanks`. */
static bool
text_ok(const char *s, bool blanks)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f ||
		    (!blanks && *s == ' '))
			return false;
	return true;
}

/* An IP address, or a host name the resolver is asked for. */
static bool
addr_ok(const char *s)
{
	struct lab_ip ip;
	bool had_len;
	size_t i, n = strlen(s);

	if (n == 0 || n > ADDR_MAX)
		return false;
	if (ip_parse(s, IP_LEN_OPTIONAL, &ip, &had_len) == 0)
		return !had_len;
	if (s[0] == '-' || s[0] == '.')
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' &&
		    s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '-' || s[i] == '.'))
			return false;
	return true;
}

/*
 * The host part of an ssh destination, [user@]host or
 * ssh://[user@]host[:port], into buf, without the brackets of [::1].
 * -EINVAL when there is none.
 */
static int
dest_host(const char *dest, char *buf, size_t len)
{
	bool uri = strncmp(dest, "ssh://", 6) == 0;
	const char *h, *end;

	if (uri)
		dest += 6;
	h = strrchr(dest, '@') ? strrchr(dest, '@') + 1 : dest;
	if (*h == '[') {
		if ((end = strchr(++h, ']')) == NULL)
			return -EINVAL;
	} else if (!uri || (end = strchr(h, ':')) == NULL)
		end = h + strlen(h);
	if (end == h || (size_t)(end - h) >= len)
		return -EINVAL;
	memcpy(buf, h, (size_t)(end - h));
	buf[end - h] = '\0';
	return 0;
}

/* --- a host's keys ------------------------------------------------------- */

static int
k_ssh(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	struct lab_host *h = obj;
	char host[256];

	if (v_str(L, v, "ssh", &h->ssh) != 0) {
		/* Still not this machine, for the messages that follow. */
		h->ssh = "";
		return -EINVAL;
	}
	if (!text_ok(h->ssh, false))
		return lerr(L, v->pos, "host '%s': 'ssh' is a destination like "
		    "user@example.org, without blanks (got '%s')", h->name,
		    h->ssh);
	if (h->ssh[0] == '-')
		return lerr(L, v->pos, "host '%s': 'ssh' %s would be taken for "
		    "an option of ssh(1); options go in its 'ssh_config' file",
		    h->name, h->ssh);
	if (dest_host(h->ssh, host, sizeof(host)) != 0)
		return lerr(L, v->pos, "host '%s': 'ssh' %s names no host: "
		    "write user@example.org, example.org or "
		    "ssh://user@example.org:2222", h->name, h->ssh);
	return 0;
}

static int
k_port(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	unsigned long port;

	if (v_uint(L, v, "port", 1, 65535, &port) != 0)
		return -EINVAL;
	((struct lab_host *)obj)->port = (unsigned)port;
	return 0;
}

/* ssh_config and rumplab: a file here, a program there. */
static int
k_path(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	struct lab_host *h = obj;
	bool cfg = k->str[0] == 's';
	const char **out = cfg ? &h->ssh_config : &h->rumplab;

	if (v_str(L, v, k->str, out) != 0)
		return -EINVAL;
	if (!text_ok(*out, true))
		return lerr(L, v->pos, "host '%s': '%s' must be %s, without "
		    "control characters", h->name, k->str, cfg ?
		    "a file of ssh_config(5) options" :
		    "the rumplab program on that host");
	return 0;
}

static int
k_addr(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	struct lab_host *h = obj;

	if (v_str(L, v, "addr", &h->addr) != 0)
		return -EINVAL;
	if (!addr_ok(h->addr)) {
		h->addr = NULL;
		return lerr(L, v->pos, "host '%s': 'addr' must be the address "
		    "(or host name, at most %d characters) its uplinks are "
		    "reached at, like 192.0.2.10 (got '%s')", h->name,
		    ADDR_MAX, v->str);
	}
	return 0;
}

static int
k_capacity(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	unsigned long c;

	if (v_uint(L, v, "capacity", 1, CAPACITY_MAX, &c) != 0)
		return -EINVAL;
	((struct lab_host *)obj)->capacity = (unsigned)c;
	return 0;
}

static const struct keyspec host_keys[] = {
	{ "ssh", k_ssh, NULL },
	{ "port", k_port, NULL },
	{ "ssh_config", k_path, NULL },
	{ "rumplab", k_path, NULL },
	{ "addr", k_addr, NULL },
	{ "capacity", k_capacity, NULL },
	{ NULL, NULL, NULL },
};

/* --- hosts --------------------------------------------------------------- */

/* This machine (no ssh): at most one host, without ssh's own keys. */
static int
local_host(struct loader *L, struct lab_host *h, const struct ynode *spec)
{
	const struct lab_host *other;
	const struct ynode *k;
	int i, rv = 0;

	for (i = 0; spec != NULL && spec->kind == Y_MAP && 2 * i < spec->n;
	    i++) {
		k = ymap_key(spec, i);
		if (strcmp(k->str, "port") == 0 || strcmp(k->str,
		    "ssh_config") == 0 || strcmp(k->str, "rumplab") == 0)
			rv = lerr(L, k->pos, "host '%s' has '%s' but no 'ssh': "
			    "it is this machine; give its ssh destination, or "
			    "drop '%s'", h->name, k->str, k->str);
	}
	if ((i = lab_host_local(L->lab)) >= 0 && &L->lab->hosts[i] != h) {
		other = &L->lab->hosts[i];
		rv = lerr(L, h->pos, "host '%s' has no 'ssh', so it would be "
		    "this machine, which host '%s' is (line %d); give '%s' "
		    "its ssh destination", h->name, other->name,
		    other->pos.line, h->name);
	}
	return rv;
}

/* A remote host's defaults: the program "rumplab", the destination's
 * host part as addr. */
static int
remote_defaults(struct loader *L, struct lab_host *h)
{
	char host[256];

	if (h->rumplab == NULL)
		h->rumplab = "rumplab";
	if (h->addr != NULL || dest_host(h->ssh, host, sizeof(host)) != 0 ||
	    !addr_ok(host))
		return 0;
	if ((h->addr = arena_strdup(L->a, host)) == NULL)
		return lnomem(L);
	return 0;
}

static int
load_host(struct loader *L, const struct ynode *key, const struct ynode *spec)
{
	struct lab *lab = L->lab;
	struct lab_host *h;
	char what[LAB_NAME_MAX + 16];
	const char *name;
	int i, r;

	if (v_name(L, key, "host name", &name) != 0)
		return 0;
	if ((i = lab_host_find(lab, name)) >= 0)
		return lerr(L, key->pos, "host '%s' is defined twice (first at "
		    "line %d); give each host its own name", name,
		    lab->hosts[i].pos.line);
	if (!yis_null(spec) && spec->kind != Y_MAP)
		return lerr(L, spec->pos, "host '%s' must be a mapping like "
		    "{ ssh: user@example.org, capacity: 2 }, or {} for this "
		    "machine", name);
	if ((h = arena_grow(L->a, lab->hosts, lab->nhosts, &lab->caphosts,
	    sizeof(*h))) == NULL)
		return lnomem(L);
	lab->hosts = h;
	h = &lab->hosts[lab->nhosts++];
	memset(h, 0, sizeof(*h));
	h->name = name;
	h->pos = key->pos;
	snprintf(what, sizeof(what), "host '%s'", name);
	if ((r = load_keys(L, spec, what, host_keys, h)) == -ENOMEM)
		return r;
	if (h->ssh == NULL)
		return local_host(L, h, spec);
	return remote_defaults(L, h);
}

static bool
loopback4(const char *s)
{
	struct lab_ip ip;

	if (strcmp(s, "localhost") == 0)
		return true;
	return ip_parse(s, IP_LEN_OPTIONAL, &ip, NULL) == 0 &&
	    ip.family == AF_INET && ip.addr[0] == 127;
}

/*
 * This machine has no destination to take its addr from.  When every
 * other host is on loopback (a lab that stays on this machine), it is
 * the loopback address of their family; else it must be given, which
 * the planner says if a udp uplink needs it.
 */
static void
local_addr(struct lab *lab)
{
	bool v4 = true, v6 = true;
	int i, me = lab_host_local(lab);

	if (me < 0 || lab->hosts[me].addr != NULL || lab->nhosts < 2)
		return;
	for (i = 0; i < lab->nhosts; i++) {
		const char *a = lab->hosts[i].addr;

		if (i == me)
			continue;
		v4 = v4 && a != NULL && loopback4(a);
		v6 = v6 && a != NULL && strcmp(a, "::1") == 0;
	}
	if (v4 || v6)
		lab->hosts[me].addr = v4 ? "127.0.0.1" : "::1";
}

int
load_hosts(struct loader *L, const struct ynode *hosts)
{
	int i, r;

	if (yis_null(hosts))
		return 0;
	if (hosts->kind != Y_MAP)
		return lerr(L, hosts->pos, "'hosts' must be a mapping of host "
		    "names to where they are, like { a: {}, b: { ssh: "
		    "user@example.org } }");
	if (hosts->n / 2 > HOSTS_MAX)
		return lerr(L, hosts->pos, "'hosts' names %d hosts; a lab runs "
		    "on at most %d", hosts->n / 2, HOSTS_MAX);
	for (i = 0; 2 * i < hosts->n; i++)
		if ((r = load_host(L, ymap_key(hosts, i),
		    ymap_value(hosts, i))) == -ENOMEM)
			return r;
	local_addr(L->lab);
	return 0;
}

/* --- a node's host ------------------------------------------------------- */

int
load_node_host(struct loader *L, struct lab_node *n, const struct ynode *v)
{
	const struct lab *lab = L->lab;
	const char *name, *list, *near;
	int h;

	if (v_name(L, v, "host", &name) != 0)
		return -EINVAL;
	if (lab->nhosts == 0)
		return lerr(L, v->pos, "host '%s' is not defined: the topology "
		    "has no 'hosts:' (define the machines the lab runs on "
		    "there, see rumplab(5))", name);
	if ((h = lab_host_find(lab, name)) < 0) {
		list = lab_host_names(lab, name, &near);
		if (near != NULL)
			return lerr(L, v->pos, "host '%s' is not defined (did "
			    "you mean '%s'? defined hosts: %s)", name, near,
			    list);
		return lerr(L, v->pos, "host '%s' is not defined (defined "
		    "hosts: %s); define it under 'hosts:'", name, list);
	}
	n->host = h;
	n->hostpos = v->pos;
	return 0;
}

/* --- the uplink ---------------------------------------------------------- */

/* uplink: udp | vxvde | vde, as a constant string; NULL if not. */
static const char *
uplink_kind(struct loader *L, const struct ynode *v)
{
	static const char *const kinds[] = { "udp", "vxvde", "vde" };
	int i;

	for (i = 0; i < 3 && v != NULL && v->kind == Y_SCALAR; i++)
		if (strcmp(v->str, kinds[i]) == 0)
			return kinds[i];
	lerr(L, v ? v->pos : (struct lab_pos){ 0, 0 }, "'uplink' must be udp "
	    "(a UDP pair per host pair), vxvde (a multicast group) or vde "
	    "(a vde_switch) (got %s)", v != NULL && v->kind == Y_SCALAR ?
	    v->str : "something else");
	return NULL;
}

static int
uplink_group(struct loader *L, const struct ynode *v)
{
	struct lab_ip ip;

	if (v_host(L, v, "uplink_group", 0, &ip) != 0)
		return -EINVAL;
	if (ip.family == AF_INET ? (ip.addr[0] & 0xf0) != 0xe0 :
	    ip.addr[0] != 0xff)
		return lerr(L, v->pos, "'uplink_group' %s is not a multicast "
		    "address (224.0.0.0/4, ff00::/8; like %s)", v->str,
		    UPLINK_GROUP);
	L->lab->uplink_group = v->str;
	return 0;
}

static int
uplink_switch(struct loader *L, const struct ynode *v)
{
	const char *s;

	if (v_str(L, v, "uplink_switch", &s) != 0)
		return -EINVAL;
	if (s[0] != '/' || strlen(s) > SWITCH_MAX || !text_ok(s, false) ||
	    strpbrk(s, "[]") != NULL)
		return lerr(L, v->pos, "'uplink_switch' must be the absolute "
		    "path of a vde_switch's directory, like /run/vde.ctl, at "
		    "most %d characters, without blanks or brackets (got %s)",
		    SWITCH_MAX, s);
	L->lab->uplink_switch = s;
	return 0;
}

/* A key that belongs to another kind of uplink than the lab's. */
static int
wrong_uplink(struct loader *L, const struct ynode *v, const char *key,
    const char *kind)
{
	return lerr(L, v->pos, "'%s' is for uplink %s; this lab's uplink is "
	    "%s", key, strcmp(key, "uplink_port") == 0 ? "udp (its first "
	    "port) or vxvde (its multicast port)" : strcmp(key,
	    "uplink_group") == 0 ? "vxvde" : "vde", kind);
}

/* Is the key of the lab's kind of uplink (or is that unknown)?  Says
 * so when not. */
static bool
uplink_key(struct loader *L, const struct ynode *v, const char *key,
    const char *kind, const char *own, const char *own2)
{
	if (kind == NULL || strcmp(kind, own) == 0 || (own2 != NULL &&
	    strcmp(kind, own2) == 0))
		return true;
	wrong_uplink(L, v, key, kind);
	return false;
}

int
load_uplink(struct loader *L, const struct uplink_keys *u)
{
	struct lab *lab = L->lab;
	const char *kind = "udp";
	unsigned long port;
	int before = diag_count(L->d);

	if (u->kind != NULL)
		kind = uplink_kind(L, u->kind);
	lab->uplink = kind != NULL ? kind : "udp";
	if (u->port != NULL && uplink_key(L, u->port, "uplink_port", kind,
	    "udp", "vxvde") && v_uint(L, u->port, "uplink_port", 1024, 65535,
	    &port) == 0)
		lab->uplink_port = (unsigned)port;
	if (u->group != NULL && uplink_key(L, u->group, "uplink_group", kind,
	    "vxvde", NULL))
		uplink_group(L, u->group);
	if (u->sw != NULL && uplink_key(L, u->sw, "uplink_switch", kind,
	    "vde", NULL))
		uplink_switch(L, u->sw);
	if (strcmp(lab->uplink, "udp") == 0 && lab->uplink_port == 0)
		lab->uplink_port = UPLINK_PORT;
	if (strcmp(lab->uplink, "vxvde") == 0 && lab->uplink_group == NULL)
		lab->uplink_group = UPLINK_GROUP;
	if (kind != NULL && strcmp(kind, "vde") == 0 && u->sw == NULL)
		lerr(L, u->kind->pos, "uplink vde needs 'uplink_switch': the "
		    "directory of the vde_switch every host reaches, like "
		    "/run/vde.ctl");
	return diag_count(L->d) > before ? -EINVAL : 0;
}
