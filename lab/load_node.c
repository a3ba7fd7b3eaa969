/*
 * load_node.c — nodes: kinds, forwarding, interfaces and their addresses,
 * gateways, static routes, sysctls, run commands, group, file systems
 * and host.
 *
 * A node is its kind's settings (the kind's own kind first, recursively)
 * overlaid with its own keys: single values are replaced, while routes,
 * run commands, sysctls and file systems add up.  Errors inside a kind's
 * definition are reported once, where the kind is defined (lab/load.c);
 * applying the kind to a node is quiet.
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lab/arena.h"
#include "lab/impair_spec.h"
#include "lab/load.h"

#define KIND_DEPTH_MAX	8
#define SYSCTL_TEXT_MAX	200	/* sysctl names and values */

static const struct keyspec node_keys[];

/* --- growing a node's arrays --------------------------------------------- */

int
node_add_iface(struct loader *L, struct lab_node *n, struct lab_iface **out)
{
	struct lab_iface *v;

	if (n->nifaces >= LAB_NODE_IFACES)
		return lerr(L, n->pos, "node '%s' has more than %d interfaces",
		    n->name, LAB_NODE_IFACES);
	if ((v = arena_grow(L->a, n->ifaces, n->nifaces, &n->capifaces,
	    sizeof(*v))) == NULL)
		return lnomem(L);
	n->ifaces = v;
	*out = &v[n->nifaces++];
	memset(*out, 0, sizeof(**out));
	(*out)->bus = -1;
	(*out)->link = -1;
	return 0;
}

static int
node_add_route(struct loader *L, struct lab_node *n, struct lab_route **out)
{
	struct lab_route *v;

	if ((v = arena_grow(L->a, n->routes, n->nroutes, &n->caproutes,
	    sizeof(*v))) == NULL)
		return lnomem(L);
	n->routes = v;
	*out = &v[n->nroutes++];
	memset(*out, 0, sizeof(**out));
	(*out)->iface = -1;
	return 0;
}

static int
node_set_sysctl(struct loader *L, struct lab_node *n, const char *name,
    const char *value, struct lab_pos pos)
{
	struct lab_sysctl *v;
	int i;

	/* A node's own value replaces its kind's. */
	for (i = 0; i < n->nsysctls; i++)
		if (strcmp(n->sysctls[i].name, name) == 0) {
			n->sysctls[i].value = value;
			n->sysctls[i].pos = pos;
			return 0;
		}
	if ((v = arena_grow(L->a, n->sysctls, n->nsysctls, &n->capsysctls,
	    sizeof(*v))) == NULL)
		return lnomem(L);
	n->sysctls = v;
	v[n->nsysctls].name = name;
	v[n->nsysctls].value = value;
	v[n->nsysctls].pos = pos;
	n->nsysctls++;
	return 0;
}

/* --- kinds --------------------------------------------------------------- */

static bool
builtin_kind(const char *kind)
{
	return strcmp(kind, "host") == 0 || strcmp(kind, "router") == 0 ||
	    strcmp(kind, "bridge") == 0;
}

/* The names of the defined kinds, for messages. */
static const char *
kind_list(struct loader *L, const char *word, const char **suggest)
{
	const char *names[256];
	int n = 0, i;

	names[n++] = "host";
	names[n++] = "router";
	names[n++] = "bridge";
	for (i = 0; L->kinds != NULL && 2 * i < L->kinds->n && n < 256; i++)
		names[n++] = ymap_key(L->kinds, i)->str;
	*suggest = closest_name(word, names, n);
	return name_list(L->a, names, n);
}

/* Is `kind` defined?  Reports it at pos when not. */
static int
kind_check(struct loader *L, const char *kind, struct lab_pos pos)
{
	const char *list, *near;

	if (builtin_kind(kind) || ymap_get(L->kinds, kind) != NULL)
		return 0;
	list = kind_list(L, kind, &near);
	if (near != NULL)
		return lerr(L, pos, "kind '%s' is not defined (did you mean "
		    "'%s'? defined kinds: %s)", kind, near, list);
	return lerr(L, pos, "kind '%s' is not defined (defined kinds: %s); "
	    "define it under 'kinds:'", kind, list);
}

int
node_apply_kind(struct loader *L, struct lab_node *n, const char *kind,
    struct lab_pos pos, int depth)
{
	const struct ynode *spec, *base;
	bool quiet = L->quiet, in_kind = L->in_kind;
	const char *bname;
	int r;

	if (builtin_kind(kind)) {
		n->forwarding = kind[0] == 'r';
		n->bridge = kind[0] == 'b';
		return 0;
	}
	if (depth >= KIND_DEPTH_MAX)
		return lerr(L, pos, "kind '%s': kinds refer to each other in a "
		    "loop (or more than %d deep)", kind, KIND_DEPTH_MAX);
	if (kind_check(L, kind, pos) != 0)
		return -EINVAL;
	spec = ymap_get(L->kinds, kind);
	base = ymap_get(spec, "kind");
	if (base != NULL) {
		if (v_name(L, base, "kind", &bname) != 0)
			return -EINVAL;
		r = node_apply_kind(L, n, bname, base->pos, depth + 1);
		if (r != 0)
			return r;
	}
	L->quiet = true;
	L->in_kind = true;
	r = load_keys(L, spec, "kind", node_keys, n);
	L->quiet = quiet;
	L->in_kind = in_kind;
	return r == -ENOMEM ? r : 0;
}

/* --- node keys ----------------------------------------------------------- */

static int
k_kind(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	const char *name;

	/* Applied before the other keys (see load_node()); here the name
	 * is only checked, in kind definitions too. */
	return v_name(L, v, "kind", &name);
}

static int
k_forwarding(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	return v_bool(L, v, "forwarding", &((struct lab_node *)obj)->forwarding);
}

static int
k_noderouting(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	struct lab_node *n = obj;

	if (v_routing(L, k, v, &n->routing) != 0)
		return -EINVAL;
	n->routing_set = true;
	n->routingpos = v->pos;
	return 0;
}

static int
k_group(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	return v_str(L, v, "group", &((struct lab_node *)obj)->group);
}

static int
k_host(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	return load_node_host(L, obj, v);
}

static int
k_gateway(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	struct lab_node *n = obj;
	bool six = strcmp(k->str, "gateway6") == 0;

	if (v_host(L, v, k->str, six ? AF_INET6 : AF_INET,
	    six ? &n->gw6 : &n->gw4) != 0) {
		memset(six ? &n->gw6 : &n->gw4, 0, sizeof(struct lab_ip));
		return -EINVAL;
	}
	*(six ? &n->gw6pos : &n->gw4pos) = v->pos;
	return 0;
}

static int
k_run(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	struct lab_node *n = obj;
	const char **run;
	int i, cnt, rv = 0;

	if ((cnt = v_list(L, v, "run")) < 0)
		return cnt;
	for (i = 0; i < cnt; i++) {
		const char *cmd;

		if (v_str(L, v_item(v, i), "run", &cmd) != 0) {
			rv = -EINVAL;
			continue;
		}
		if ((run = arena_grow(L->a, n->run, n->nrun, &n->caprun,
		    sizeof(*run))) == NULL)
			return lnomem(L);
		n->run = run;
		n->run[n->nrun++] = cmd;
	}
	return rv;
}

static bool
sysctl_name_ok(const char *s)
{
	if (*s == '\0' || *s == '.')
		return false;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    *s == '_' || *s == '-' || (*s == '.' && s[1] != '.' &&
		    s[1] != '\0')))
			return false;
	return true;
}

static int
k_sysctl(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	int i, rv = 0;

	if (yis_null(v))
		return 0;
	if (v->kind != Y_MAP)
		return lerr(L, v->pos, "'sysctl' must be a mapping like "
		    "{ net.inet.ip.ttl: 32 }, not %s", ykind_name(v));
	for (i = 0; 2 * i < v->n; i++) {
		const struct ynode *name = ymap_key(v, i);
		const struct ynode *val = ymap_value(v, i);
		const char *s;

		if (!sysctl_name_ok(name->str)) {
			rv = lerr(L, name->pos, "sysctl name '%s' is not a "
			    "dotted name like net.inet.ip.ttl", name->str);
			continue;
		}
		if (v_str(L, val, name->str, &s) != 0) {
			rv = -EINVAL;
			continue;
		}
		if (name->len > SYSCTL_TEXT_MAX || strlen(s) > SYSCTL_TEXT_MAX) {
			rv = lerr(L, name->pos, "sysctl '%.40s...' is longer than "
			    "%d characters", name->str, SYSCTL_TEXT_MAX);
			continue;
		}
		if (!val->quoted && strcasecmp(s, "true") == 0)
			s = "1";
		else if (!val->quoted && strcasecmp(s, "false") == 0)
			s = "0";
		if (node_set_sysctl(L, obj, name->str, s, name->pos) != 0)
			return -ENOMEM;
	}
	return rv;
}

/* routes: - { dest: 10.0.2.0/24 | default, via: 10.0.1.1 } */
static int
k_dest(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	struct lab_route *rt = obj;

	if (v != NULL && v->kind == Y_SCALAR && strcmp(v->str, "default") == 0) {
		/* The family is the next hop's (load_route()). */
		rt->dst.family = AF_INET;
		rt->dst.plen = 0;
		rt->pos = v->pos;
		return 0;
	}
	if (v_prefix(L, v, "dest", 0, &rt->dst) != 0) {
		rt->dst.family = 0;
		return -EINVAL;
	}
	rt->pos = v->pos;
	return 0;
}

static int
k_via(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	struct lab_route *rt = obj;

	if (v_host(L, v, "via", 0, &rt->via) != 0) {
		rt->via.family = 0;
		return -EINVAL;
	}
	return 0;
}

static const struct keyspec route_keys[] = {
	{ "dest", k_dest, NULL },
	{ "via", k_via, NULL },
	{ NULL, NULL, NULL },
};

static int
load_route(struct loader *L, struct lab_node *n, const struct ynode *item)
{
	const struct ynode *dest = ymap_get(item, "dest");
	struct lab_route rt;
	struct lab_route *slot = NULL;
	int r;

	memset(&rt, 0, sizeof(rt));
	rt.pos = item->pos;
	if ((r = load_keys(L, item, "route", route_keys, &rt)) == -ENOMEM)
		return r;
	if (dest == NULL || ymap_get(item, "via") == NULL)
		return lerr(L, item->pos, "a route needs 'dest' (a prefix or "
		    "default) and 'via' (the next hop), like { dest: "
		    "10.0.2.0/24, via: 10.0.1.1 }");
	if (r != 0 || rt.via.family == 0 || (rt.dst.family == 0))
		return -EINVAL;
	if (dest->kind == Y_SCALAR && strcmp(dest->str, "default") == 0)
		rt.dst.family = rt.via.family;
	if (rt.dst.family != rt.via.family)
		return lerr(L, ymap_get(item, "via")->pos, "route to an IPv%d "
		    "prefix has an IPv%d next hop; both must be of one family",
		    ip_version(&rt.dst), ip_version(&rt.via));
	rt.iface = -1;
	rt.origin = ROUTE_USER;
	if ((r = node_add_route(L, n, &slot)) != 0)
		return r;
	*slot = rt;
	return 0;
}

static int
k_routes(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	int i, r, rv = 0;

	if (yis_null(v))
		return 0;
	if (v->kind != Y_SEQ)
		return lerr(L, v->pos, "'routes' must be a list like "
		    "[ { dest: 10.0.2.0/24, via: 10.0.1.1 } ]");
	for (i = 0; i < v->n; i++)
		if ((r = load_route(L, obj, v->kids[i])) == -ENOMEM)
			return r;
		else if (r != 0)
			rv = r;
	return rv;
}

/* fs: - { type: ext2, image: web.img, mount: /www } */
static int
k_fs_field(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	struct lab_fs *fs = obj;
	const char *s;

	if (v_str(L, v, k->str, &s) != 0)
		return -EINVAL;
	if (k->str[0] == 't') {
		fs->type = s;
		fs->typepos = v->pos;
	} else if (k->str[0] == 'i' || k->str[0] == 'p') {
		if (fs->image != NULL)
			return lerr(L, v->pos, "a file system takes 'image' or "
			    "'path', not both");
		fs->image = s;
		fs->imagepos = v->pos;
	} else if (s[0] != '/' || strcmp(s, "/") == 0 || strstr(s, "/../") ||
	    (strlen(s) >= 3 && strcmp(s + strlen(s) - 3, "/..") == 0))
		return lerr(L, v->pos, "'mount' must be an absolute path in "
		    "the node below /, like /www (got %s)", s);
	else {
		fs->mount = s;
		fs->mountpos = v->pos;
	}
	return 0;
}

static int
k_fs_readonly(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	return v_bool(L, v, "readonly", &((struct lab_fs *)obj)->readonly);
}

/* size: 64M, 512K, 1G (powers of 1024), or bytes. */
static int
k_fs_size(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	struct lab_fs *fs = obj;
	unsigned long long n;
	const char *s;
	char *end;

	if (v_str(L, v, "size", &s) != 0)
		return -EINVAL;
	n = strtoull(s, &end, 10);
	switch (*end) {
	case 'k': case 'K': n <<= 10; end++; break;
	case 'm': case 'M': n <<= 20; end++; break;
	case 'g': case 'G': n <<= 30; end++; break;
	}
	if (*end == 'i' && end[1] == 'B')
		end += 2;
	if (end == s || *end != '\0' || n < 4096)
		return lerr(L, v->pos, "'size' must be a size like 64M, 512K or "
		    "1G, at least 4K (got %s)", s);
	fs->size = n;
	return 0;
}

static const struct keyspec fs_keys[] = {
	{ "type", k_fs_field, NULL },
	{ "image", k_fs_field, NULL },
	{ "path", k_fs_field, NULL },
	{ "mount", k_fs_field, NULL },
	{ "readonly", k_fs_readonly, NULL },
	{ "size", k_fs_size, NULL },
	{ NULL, NULL, NULL },
};

static int
k_fs(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	struct lab_node *n = obj;
	struct lab_fs fs, *arr;
	int i, r;

	if (yis_null(v))
		return 0;
	if (v->kind != Y_SEQ)
		return lerr(L, v->pos, "'fs' must be a list like [ { type: "
		    "ext2, image: web.img, mount: /www } ]");
	for (i = 0; i < v->n; i++) {
		memset(&fs, 0, sizeof(fs));
		fs.pos = v->kids[i]->pos;
		if ((r = load_keys(L, v->kids[i], "file system", fs_keys,
		    &fs)) == -ENOMEM)
			return r;
		if (r != 0)
			continue;
		if (fs.type == NULL || fs.mount == NULL) {
			lerr(L, fs.pos, "a file system needs 'type' and "
			    "'mount' (and 'image' unless it is tmpfs)");
			continue;
		}
		if ((arr = arena_grow(L->a, n->fs, n->nfs, &n->capfs,
		    sizeof(*arr))) == NULL)
			return lnomem(L);
		n->fs = arr;
		n->fs[n->nfs++] = fs;
	}
	return 0;
}

/* --- interfaces ---------------------------------------------------------- */

static int
iface_add_addr(struct loader *L, struct lab_iface *ifp, const struct ynode *v)
{
	struct lab_addr *a;
	bool had_len;
	int r;

	/* Two slots stay free for automatic addresses. */
	if (ifp->naddrs >= LAB_IF_ADDRS - 2)
		return lerr(L, v->pos, "an interface takes at most %d "
		    "addresses", LAB_IF_ADDRS - 2);
	if ((a = arena_grow(L->a, ifp->addrs, ifp->naddrs, &ifp->capaddrs,
	    sizeof(*a))) == NULL)
		return lnomem(L);
	ifp->addrs = a;
	a = &ifp->addrs[ifp->naddrs];
	memset(a, 0, sizeof(*a));
	r = ip_parse(v->str, IP_LEN_OPTIONAL, &a->ip, &had_len);
	if (r == -ERANGE)
		return lerr(L, v->pos, "address %s has a bad prefix length "
		    "(0-32 for IPv4, 0-128 for IPv6)", v->str);
	if (r != 0)
		return lerr(L, v->pos, "'%s' is not an address: write one like "
		    "10.0.1.10/24 or fd00:1::10/64, or auto", v->str);
	a->nolen = !had_len;
	a->pos = v->pos;
	ifp->naddrs++;
	return 0;
}

static int
k_addr(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	struct lab_iface *ifp = obj;
	int i, cnt, rv = 0;

	if ((cnt = v_list(L, v, "addr")) < 0)
		return cnt;
	ifp->autoaddr = 0;
	for (i = 0; i < cnt; i++) {
		const struct ynode *it = v_item(v, i);
		int r;

		if (it->kind != Y_SCALAR || yis_null(it)) {
			rv = lerr(L, it->pos, "'addr' items must be addresses "
			    "like 10.0.1.10/24 or auto (got %s)", ykind_name(it));
			continue;
		}
		if (strcmp(it->str, "auto") == 0)
			ifp->autoaddr |= AUTO_ANY;
		else if (strcmp(it->str, "auto4") == 0)
			ifp->autoaddr |= AUTO_V4;
		else if (strcmp(it->str, "auto6") == 0)
			ifp->autoaddr |= AUTO_V6;
		else if (strcmp(it->str, "none") == 0 && cnt == 1)
			;
		else if ((r = iface_add_addr(L, ifp, it)) == -ENOMEM)
			return r;
		else if (r != 0)
			rv = r;
	}
	return rv;
}

static int
k_ifbus(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	struct lab_iface *ifp = obj;

	if (v_name(L, v, "bus", &ifp->busname) != 0)
		return -EINVAL;
	ifp->buspos = v->pos;
	return 0;
}

static int
k_ifmtu(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	struct lab_iface *ifp = obj;
	unsigned long mtu;

	if (v_uint(L, v, "mtu", LAB_MTU_MIN, LAB_MTU_JUMBO, &mtu) != 0)
		return -EINVAL;
	ifp->mtu = (unsigned)mtu;
	ifp->mtupos = v->pos;
	return 0;
}

static int
k_ifmac(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	struct lab_iface *ifp = obj;

	ifp->macpos = v ? v->pos : k->pos;
	if (v != NULL && v->kind == Y_SCALAR && strcmp(v->str, "stable") == 0) {
		ifp->macmode = MAC_STABLE;
		return 0;
	}
	if (v != NULL && v->kind == Y_SCALAR && strcmp(v->str, "kernel") == 0) {
		ifp->macmode = MAC_KERNEL;
		return 0;
	}
	if (v_mac(L, v, ifp->mac) != 0)
		return -EINVAL;
	ifp->macmode = MAC_FIXED;
	return 0;
}

/* name: eth0 — what imported labs and their exercises call it. */
static int
k_ifname(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	struct lab_iface *ifp = obj;
	const char *s, *p;

	if (v_str(L, v, "name", &s) != 0)
		return -EINVAL;
	for (p = s; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' ||
		    *p == '_'))
			break;
	if (*p != '\0' || p == s || p - s >= LAB_IFNAME_MAX ||
	    strchr(s, ':') != NULL)
		return lerr(L, v->pos, "interface 'name' must be 1 to %d "
		    "letters, digits, '.', '-' or '_', like eth0 (got %s)",
		    LAB_IFNAME_MAX - 1, s);
	ifp->alias = s;
	ifp->aliaspos = v->pos;
	return 0;
}

static int
k_ifimpair(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	return v_impair(L, v, IMP_DIR_BOTH, &((struct lab_iface *)obj)->impair);
}

static int
k_iftap(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	struct lab_iface *ifp = obj;
	struct lab_tap *t;

	if ((t = arena_alloc(L->a, sizeof(*t))) == NULL)
		return lnomem(L);
	if (v_tap(L, v, t) != 0)
		return -EINVAL;
	ifp->tapdef = t;
	ifp->tap = t->name;
	ifp->buspos = t->pos;
	return 0;
}

static const struct keyspec iface_keys[] = {
	{ "name", k_ifname, NULL },
	{ "impair", k_ifimpair, NULL },
	{ "bus", k_ifbus, NULL },
	{ "tap", k_iftap, NULL },
	{ "addr", k_addr, NULL },
	{ "mtu", k_ifmtu, NULL },
	{ "mac", k_ifmac, NULL },
	{ NULL, NULL, NULL },
};

static int
load_iface(struct loader *L, struct lab_node *n, const struct ynode *item)
{
	struct lab_iface *ifp;
	char what[128];
	int r;

	if ((r = node_add_iface(L, n, &ifp)) != 0)
		return r;
	ifp->pos = item->pos;
	ifp->autoaddr = L->default_auto;
	ifp->macmode = L->lab->macmode;
	if (item->kind == Y_SCALAR && !yis_null(item)) {
		/* "- lan1": an interface on bus lan1 with the defaults. */
		return k_ifbus(L, ifp, item, item);
	}
	snprintf(what, sizeof(what), "interface shmif%d of node '%s'",
	    n->nifaces - 1, n->name);
	if (item->kind != Y_MAP)
		return lerr(L, item->pos, "%s must be a bus name or a mapping "
		    "like { bus: lan1, addr: 10.0.1.10/24 }", what);
	r = load_keys(L, item, what, iface_keys, ifp);
	if (r == -ENOMEM)
		return r;
	if (ymap_get(item, "bus") != NULL && ymap_get(item, "tap") != NULL)
		return lerr(L, ymap_get(item, "tap")->pos, "%s has both 'bus' "
		    "and 'tap': an interface is on a bus or on a host tap (to "
		    "join a bus to a tap, give the bus its 'tap')", what);
	if (ymap_get(item, "bus") == NULL && ymap_get(item, "tap") == NULL)
		return lerr(L, item->pos, "%s has no 'bus': say which bus it "
		    "is on, like { bus: lan1 }, or which host tap, like "
		    "{ tap: tap0 }", what);
	return r;
}

static int
k_interfaces(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	struct lab_node *n = obj;
	int i, r, rv = 0;

	if (L->in_kind)
		return lerr(L, k->pos, "a kind cannot have 'interfaces': give "
		    "each node its own, or connect nodes with 'links:'");
	if (yis_null(v))
		return 0;
	if (v->kind != Y_SEQ) {
		n->partial = true;
		return lerr(L, v->pos, "'interfaces' must be a list like "
		    "[ { bus: lan1, addr: 10.0.1.10/24 } ]");
	}
	for (i = 0; i < v->n; i++)
		if ((r = load_iface(L, n, v->kids[i])) == -ENOMEM)
			return r;
		else if (r != 0)
			rv = r;
	if (rv != 0)
		n->partial = true;
	return rv;
}

static const struct keyspec node_keys[] = {
	{ "kind", k_kind, NULL },
	{ "forwarding", k_forwarding, NULL },
	{ "interfaces", k_interfaces, NULL },
	{ "gateway", k_gateway, NULL },
	{ "gateway6", k_gateway, NULL },
	{ "routes", k_routes, NULL },
	{ "sysctl", k_sysctl, NULL },
	{ "run", k_run, NULL },
	{ "group", k_group, NULL },
	{ "routing", k_noderouting, NULL },
	{ "fs", k_fs, NULL },
	{ "host", k_host, NULL },
	{ NULL, NULL, NULL },
};

/* Checks a kind definition where it is written: its keys and its base. */
int
load_kind_definition(struct loader *L, const struct ynode *spec)
{
	struct lab_node scratch;
	const struct ynode *base;
	const char *bname;
	bool in_kind = L->in_kind;
	int r;

	memset(&scratch, 0, sizeof(scratch));
	scratch.name = "kind";
	L->in_kind = true;
	r = load_keys(L, spec, "kind", node_keys, &scratch);
	L->in_kind = in_kind;
	if (r == -ENOMEM)
		return r;
	base = ymap_get(spec, "kind");
	if (base != NULL && base->kind == Y_SCALAR && !yis_null(base)) {
		bname = base->str;
		if (kind_check(L, bname, base->pos) != 0)
			return -EINVAL;
	}
	return r;
}

/* --- nodes --------------------------------------------------------------- */

static int
load_node(struct loader *L, const struct ynode *key, const struct ynode *spec)
{
	const struct ynode *kv;
	struct lab *lab = L->lab;
	struct lab_node *n;
	char what[LAB_NAME_MAX + 16];
	int r;

	if ((n = arena_grow(L->a, lab->nodes, lab->nnodes, &lab->capnodes,
	    sizeof(*n))) == NULL)
		return lnomem(L);
	lab->nodes = n;
	n = &lab->nodes[lab->nnodes++];
	memset(n, 0, sizeof(*n));
	n->host = -1;
	if (v_name(L, key, "node name", &n->name) != 0)
		n->name = key->str;
	if (lab_node_named(lab, lab->nnodes - 1) != 0)
		return lnomem(L);
	n->pos = key->pos;
	n->kind = L->default_kind;
	n->kindpos = key->pos;
	kv = ymap_get(spec, "kind");
	if (kv != NULL && kv->kind == Y_SCALAR && !yis_null(kv)) {
		n->kind = kv->str;
		n->kindpos = kv->pos;
	}
	if (kind_check(L, n->kind, n->kindpos) == 0 &&
	    (r = node_apply_kind(L, n, n->kind, n->kindpos, 0)) == -ENOMEM)
		return r;
	if (spec != NULL && !yis_null(spec) && spec->kind != Y_MAP)
		return lerr(L, spec->pos, "node '%s' must be a mapping of keys "
		    "like { kind: router, interfaces: [...] }, not %s", n->name,
		    ykind_name(spec));
	snprintf(what, sizeof(what), "node '%s'", n->name);
	r = load_keys(L, spec, what, node_keys, n);
	return r == -ENOMEM ? r : 0;
}

int
load_nodes(struct loader *L, const struct ynode *nodes)
{
	int i, r;

	if (yis_null(nodes))
		return 0;
	if (nodes->kind != Y_MAP)
		return lerr(L, nodes->pos, "'nodes' must be a mapping of node "
		    "names to their settings, like { h1: { interfaces: "
		    "[lan1] } }");
	for (i = 0; 2 * i < nodes->n; i++)
		if ((r = load_node(L, ymap_key(nodes, i),
		    ymap_value(nodes, i))) == -ENOMEM)
			return r;
	return 0;
}
