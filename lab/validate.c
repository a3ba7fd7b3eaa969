/*
 * validate.c — what a topology must get right before anything is planned:
 * bus MTUs and frame sizes; every written address (its prefix length, its
 * place in its bus's subnet, not a network or broadcast address, unique);
 * the subnets of each bus (declared or implied by addresses: one prefix
 * length per subnet, no overlap between buses); fixed MACs; a node's
 * static routes; the next hops of gateways and routes where the node's
 * addresses are all written; file systems (which this build refuses).
 * Problems that need the planned addresses (other next hops, checks) are
 * the planner's.
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lab/arena.h"
#include "lab/load.h"
#include "lab/phases.h"

/* --- MTUs ---------------------------------------------------------------- */

static void
finish_bus(struct lab_bus *b, struct diag *d)
{
	bool jumbo_given = b->jumbopos.line != 0;

	if (b->mtu > LAB_MTU_DEFAULT && jumbo_given && !b->jumbo)
		diag_add(d, b->mtupos, "bus '%s' has mtu %u but 'jumbo: "
		    "false': a NetBSD-compatible bus carries at most mtu %u; "
		    "drop 'jumbo: false' or lower the mtu", b->name, b->mtu,
		    LAB_MTU_DEFAULT);
	if (b->mtu > LAB_MTU_DEFAULT)
		b->jumbo = true;
	if (b->mtu == 0)
		b->mtu = b->jumbo ? LAB_MTU_JUMBO : LAB_MTU_DEFAULT;
	b->max_frame = (b->jumbo ? LAB_MTU_JUMBO : LAB_MTU_DEFAULT) + 14;
}

static void
check_mtus(struct lab *lab, struct diag *d)
{
	int i, j;

	for (i = 0; i < lab->nbuses; i++)
		finish_bus(&lab->buses[i], d);
	for (i = 0; i < lab->nnodes; i++)
		for (j = 0; j < lab->nodes[i].nifaces; j++) {
			struct lab_iface *ifp = &lab->nodes[i].ifaces[j];
			const struct lab_bus *b;

			if (ifp->bus < 0)
				continue;
			b = &lab->buses[ifp->bus];
			if (ifp->mtu == 0)
				ifp->mtu = b->mtu;
			else if (!b->jumbo && ifp->mtu > LAB_MTU_DEFAULT)
				diag_add(d, ifp->mtupos, "mtu %u of node '%s' %s "
				    "is more than bus '%s' carries (%u); set "
				    "'jumbo: true' or 'mtu: %u' on the bus",
				    ifp->mtu, lab->nodes[i].name, ifp->name,
				    b->name, LAB_MTU_DEFAULT, ifp->mtu);
		}
}

/* --- subnets of buses ---------------------------------------------------- */

/* The subnet of bus b overlapping net, or -1; declared ones only if asked. */
static int
subnet_overlapping(const struct lab_bus *b, const struct lab_ip *net,
    bool declared_only)
{
	int i;

	for (i = 0; i < b->nsubnets; i++)
		if ((!declared_only || b->subnets[i].declared) &&
		    ip_overlap(&b->subnets[i].net, net))
			return i;
	return -1;
}

static bool
has_declared(const struct lab_bus *b, int family)
{
	int i;

	for (i = 0; i < b->nsubnets; i++)
		if (b->subnets[i].declared &&
		    b->subnets[i].net.family == family)
			return true;
	return false;
}

/* An address on a bus with a declared subnet of its family must be in it. */
static void
in_declared(const struct lab_bus *b, struct lab_addr *a, struct diag *d)
{
	char s1[IP_STRLEN], s2[IP_STRLEN], s3[IP_STRLEN];
	struct lab_ip host = a->ip;
	int i;

	host.plen = (uint8_t)ip_maxlen(host.family);
	for (i = 0; i < b->nsubnets; i++) {
		const struct lab_subnet *s = &b->subnets[i];

		if (!s->declared || !ip_contains(&s->net, &host))
			continue;
		if (a->nolen)
			a->ip.plen = s->net.plen;
		else if (a->ip.plen != s->net.plen) {
			host.plen = s->net.plen;
			diag_add(d, a->pos, "address %s does not match subnet "
			    "%s of bus '%s' (line %d); write %s",
			    ip_str(&a->ip, s1), ip_str(&s->net, s2), b->name,
			    s->pos.line, ip_str(&host, s3));
		}
		a->nolen = false;
		return;
	}
	for (i = 0; i < b->nsubnets; i++)
		if (b->subnets[i].declared &&
		    b->subnets[i].net.family == a->ip.family)
			break;
	diag_add(d, a->pos, "address %s is outside subnet %s of bus '%s' "
	    "(line %d); use an address in it or change the bus's subnet",
	    a->nolen ? ip_addr_str(&a->ip, s1) : ip_str(&a->ip, s1),
	    ip_str(&b->subnets[i].net, s2), b->name, b->subnets[i].pos.line);
	a->nolen = false;
	a->ip.family = 0;		/* reported: leave it out from now on */
}

/* Adds the subnet an address implies, or reports a conflicting length. */
static int
implied(struct lab *lab, struct lab_bus *b, struct lab_addr *a,
    struct diag *d)
{
	struct loader L = { .lab = lab, .a = lab->arena, .d = d };
	char s1[IP_STRLEN], s2[IP_STRLEN];
	struct lab_ip net;
	int i;

	ip_network(&net, &a->ip);
	if ((i = subnet_overlapping(b, &net, false)) < 0)
		return bus_add_subnet(&L, b, &net, false, a->pos);
	if (ip_cmp(&b->subnets[i].net, &net) != 0) {
		diag_add(d, a->pos, "address %s disagrees with subnet %s on "
		    "bus '%s' (from line %d): use one prefix length per subnet",
		    ip_str(&a->ip, s1), ip_str(&b->subnets[i].net, s2),
		    b->name, b->subnets[i].pos.line);
		a->ip.family = 0;
	}
	return 0;
}

static void
resolve_nolen(const struct lab *lab, const struct lab_node *n,
    const struct lab_iface *ifp, struct lab_addr *a, struct diag *d)
{
	const struct lab_bus *b = lab_bus_subnets(lab, ifp->bus);
	char s1[IP_STRLEN];
	int i;

	for (i = 0; i < b->nsubnets; i++)
		if (ip_contains(&b->subnets[i].net, &a->ip)) {
			a->ip.plen = b->subnets[i].net.plen;
			a->nolen = false;
			return;
		}
	diag_add(d, a->pos, "address %s of node '%s' has no prefix length and "
	    "bus '%s' has no subnet holding it: write it like %s/%d, or "
	    "declare the bus's subnet", ip_addr_str(&a->ip, s1), n->name,
	    b->name, s1, a->ip.family == AF_INET ? 24 : 64);
	a->ip.family = 0;
}

/*
 * Three passes over every written address: against declared subnets;
 * implying subnets from addresses with a length; then addresses written
 * without a length take theirs from the bus's subnets.
 */
static int
bus_subnets(struct lab *lab, struct diag *d)
{
	struct lab_addr_iter it;
	int pass, r;

	for (pass = 0; pass < 3; pass++) {
		it = (struct lab_addr_iter)LAB_ADDR_ITER_INIT;
		while (lab_addr_next(lab, &it)) {
			struct lab_iface *ifp = lab_iface_at(lab, &it);
			struct lab_addr *a = lab_addr_at(lab, &it);
			struct lab_bus *b;

			if (ifp->bus < 0 || a->ip.family == 0)
				continue;
			b = &lab->buses[lab->buses[ifp->bus].domain];
			if (pass == 0 && has_declared(b, a->ip.family))
				in_declared(b, a, d);
			else if (pass == 1 && !a->nolen &&
			    !has_declared(b, a->ip.family) &&
			    (r = implied(lab, b, a, d)) != 0)
				return r;
			else if (pass == 2 && a->nolen)
				resolve_nolen(lab, &lab->nodes[it.node], ifp, a,
				    d);
		}
	}
	return 0;
}

static void
reserved_hosts(struct lab *lab, struct diag *d)
{
	struct lab_addr_iter it = LAB_ADDR_ITER_INIT;
	char s1[IP_STRLEN], s2[IP_STRLEN], s3[IP_STRLEN];
	struct lab_ip net, first;
	const char *what;

	while (lab_addr_next(lab, &it)) {
		struct lab_addr *a = lab_addr_at(lab, &it);

		if (a->ip.family == 0 || !ip_is_reserved_host(&a->ip))
			continue;
		ip_network(&net, &a->ip);
		ip_host(&net, 1, &first);
		if (!ip_same_addr(&net, &a->ip))
			what = "broadcast";
		else
			what = a->ip.family == AF_INET ? "network" :
			    "subnet-router anycast";
		diag_add(d, a->pos, "%s is the %s address of %s; use a host "
		    "address like %s", ip_str(&a->ip, s1), what,
		    ip_str(&net, s2), ip_str(&first, s3));
		a->ip.family = 0;
	}
}

/* --- overlaps and duplicates --------------------------------------------- */

struct subref {
	const struct lab_subnet	*s;
	int			 bus;
};

static int
subref_cmp(const void *a, const void *b)
{
	const struct subref *x = a, *y = b;

	return ip_cmp(&x->s->net, &y->s->net);
}

static u128
last_addr(const struct lab_ip *net)
{
	return ip_to_u128(net) + (ip_size(net) - 1);
}

/* "bus", or "tap" for a node's tap segment. */
static const char *
seg_kind(const struct lab *lab, int b)
{
	return lab->buses[b].tapseg ? "tap" : "bus";
}

/* Subnets of different buses must not share addresses. */
static int
overlaps(struct lab *lab, struct diag *d)
{
	char s1[IP_STRLEN], s2[IP_STRLEN];
	struct subref *v, holder = { NULL, -1 };
	int i, j, n = 0;

	for (i = 0; i < lab->nbuses; i++)
		n += lab->buses[i].nsubnets;
	if ((v = calloc((size_t)n + 1, sizeof(*v))) == NULL)
		return -ENOMEM;
	n = 0;
	for (i = 0; i < lab->nbuses; i++)
		for (j = 0; j < lab->buses[i].nsubnets; j++) {
			v[n].s = &lab->buses[i].subnets[j];
			v[n++].bus = i;
		}
	qsort(v, (size_t)n, sizeof(*v), subref_cmp);
	for (i = 0; i < n; i++) {
		const struct lab_ip *x = &v[i].s->net;

		if (holder.s == NULL || holder.s->net.family != x->family ||
		    ip_to_u128(x) > last_addr(&holder.s->net)) {
			holder = v[i];
			continue;
		}
		if (holder.bus != v[i].bus)
			diag_add(d, v[i].s->pos, "subnet %s of %s '%s' overlaps "
			    "%s of %s '%s' (line %d); give each %s its own "
			    "subnet", ip_str(x, s1), seg_kind(lab, v[i].bus),
			    lab->buses[v[i].bus].name,
			    ip_str(&holder.s->net, s2), seg_kind(lab,
			    holder.bus), lab->buses[holder.bus].name,
			    holder.s->pos.line, lab->buses[v[i].bus].tapseg ||
			    lab->buses[holder.bus].tapseg ? "segment" : "bus");
		if (last_addr(x) > last_addr(&holder.s->net))
			holder = v[i];
	}
	free(v);
	return 0;
}

struct addref {
	const struct lab_addr	*a;
	int			 node, iface;
};

static int
addref_cmp(const void *a, const void *b)
{
	const struct addref *x = a, *y = b;
	int r;

	if ((r = memcmp(x->a->ip.addr, y->a->ip.addr, 16)) != 0)
		return r;
	if (x->a->ip.family != y->a->ip.family)
		return x->a->ip.family < y->a->ip.family ? -1 : 1;
	if (x->a->pos.line != y->a->pos.line)
		return x->a->pos.line < y->a->pos.line ? -1 : 1;
	return (x->a->pos.col > y->a->pos.col) -
	    (x->a->pos.col < y->a->pos.col);
}

static int
duplicate_addrs(struct lab *lab, struct diag *d)
{
	struct lab_addr_iter it = LAB_ADDR_ITER_INIT;
	char s1[IP_STRLEN];
	struct addref *v;
	long n = 0;
	int i;

	while (lab_addr_next(lab, &it))
		n++;
	if ((v = calloc((size_t)n + 1, sizeof(*v))) == NULL)
		return -ENOMEM;
	n = 0;
	it = (struct lab_addr_iter)LAB_ADDR_ITER_INIT;
	while (lab_addr_next(lab, &it)) {
		if (lab_addr_at(lab, &it)->ip.family == 0)
			continue;
		v[n].a = lab_addr_at(lab, &it);
		v[n].node = it.node;
		v[n++].iface = it.iface;
	}
	qsort(v, (size_t)n, sizeof(*v), addref_cmp);
	for (i = 1; i < n; i++) {
		const struct addref *prev = &v[i - 1];

		if (!ip_same_addr(&v[i].a->ip, &prev->a->ip))
			continue;
		diag_add(d, v[i].a->pos, "address %s is already on node '%s' "
		    "%s (line %d); every address must be unique",
		    ip_addr_str(&v[i].a->ip, s1), lab->nodes[prev->node].name,
		    lab->nodes[prev->node].ifaces[prev->iface].name,
		    prev->a->pos.line);
	}
	free(v);
	return 0;
}

/* The first interface before node i's interface j with the same fixed MAC. */
static const struct lab_iface *
mac_user(const struct lab *lab, int i, int j, int *node)
{
	const struct lab_iface *x = &lab->nodes[i].ifaces[j];
	int k, l;

	for (k = 0; k <= i; k++)
		for (l = 0; l < lab->nodes[k].nifaces && (k < i || l < j); l++) {
			const struct lab_iface *y = &lab->nodes[k].ifaces[l];

			if (y->macmode == MAC_FIXED &&
			    memcmp(x->mac, y->mac, 6) == 0) {
				*node = k;
				return y;
			}
		}
	return NULL;
}

static void
duplicate_macs(struct lab *lab, struct diag *d)
{
	const struct lab_iface *x, *y;
	int i, j, k;

	/* Fixed MACs are few; stable ones are made unique by the planner. */
	for (i = 0; i < lab->nnodes; i++)
		for (j = 0; j < lab->nodes[i].nifaces; j++) {
			x = &lab->nodes[i].ifaces[j];
			if (x->macmode != MAC_FIXED ||
			    (y = mac_user(lab, i, j, &k)) == NULL)
				continue;
			diag_add(d, x->macpos, "mac of node '%s' %s is already "
			    "used by node '%s' %s (line %d); MACs must be "
			    "unique", lab->nodes[i].name, x->name,
			    lab->nodes[k].name, y->name, y->macpos.line);
		}
}

/* Two routes to one destination, or a gateway and a default route. */
static void
node_routes(const struct lab_node *n, struct diag *d)
{
	char s1[IP_STRLEN];
	int j, k;

	for (j = 0; j < n->nroutes; j++) {
		const struct lab_route *r = &n->routes[j];
		bool six = r->dst.family == AF_INET6;

		for (k = 0; k < j; k++)
			if (ip_cmp(&n->routes[k].dst, &r->dst) == 0)
				break;
		if (k < j)
			diag_add(d, r->pos, "node '%s' has a second route to %s "
			    "(first at line %d); keep one", n->name,
			    r->dst.plen ? ip_str(&r->dst, s1) : "default",
			    n->routes[k].pos.line);
		else if (r->dst.plen == 0 &&
		    (six ? n->gw6.family : n->gw4.family) != 0)
			diag_add(d, r->pos, "node '%s' has both '%s' and a "
			    "default route in 'routes'; keep one", n->name,
			    six ? "gateway6" : "gateway");
	}
}

/* --- host taps ------------------------------------------------------------ */

/*
 * The host side's addresses of each tap, in the subnets of its segment as
 * an interface's are (declared, implied, or giving their length), not a
 * network or broadcast address, and on no node.
 */
static int
tap_addrs(struct lab *lab, struct diag *d)
{
	struct lab_addr_iter it;
	char s1[IP_STRLEN];
	struct lab_bus *b, *dom;
	int i, k, pass, r;

	for (pass = 0; pass < 3; pass++)
		for (i = 0; i < lab->nbuses; i++) {
			b = &lab->buses[i];
			dom = &lab->buses[b->domain];
			for (k = 0; k < b->tap.naddrs; k++) {
				struct lab_addr *a = &b->tap.addrs[k];

				if (a->ip.family == 0)
					continue;
				if (pass == 0 && has_declared(dom, a->ip.family))
					in_declared(dom, a, d);
				else if (pass == 1 && !a->nolen &&
				    !has_declared(dom, a->ip.family) &&
				    (r = implied(lab, dom, a, d)) != 0)
					return r;
				else if (pass == 2 && a->nolen) {
					diag_add(d, a->pos, "address %s of tap "
					    "'%s' has no prefix length and its "
					    "segment no subnet holding it: write "
					    "it like %s/24", ip_addr_str(&a->ip,
					    s1), b->tap.name, s1);
					a->ip.family = 0;
				}
			}
		}
	for (i = 0; i < lab->nbuses; i++)
		for (k = 0; k < lab->buses[i].tap.naddrs; k++) {
			struct lab_addr *a = &lab->buses[i].tap.addrs[k];

			if (a->ip.family == 0)
				continue;
			if (ip_is_reserved_host(&a->ip))
				diag_add(d, a->pos, "%s of tap '%s' is the "
				    "network or broadcast address of its subnet; "
				    "use a host address", ip_str(&a->ip, s1),
				    lab->buses[i].tap.name);
			it = (struct lab_addr_iter)LAB_ADDR_ITER_INIT;
			while (lab_addr_next(lab, &it))
				if (ip_same_addr(&lab_addr_at(lab, &it)->ip,
				    &a->ip))
					diag_add(d, a->pos, "address %s of tap "
					    "'%s' is already on node '%s' %s; "
					    "every address must be unique",
					    ip_addr_str(&a->ip, s1),
					    lab->buses[i].tap.name,
					    lab->nodes[it.node].name,
					    lab_iface_at(lab, &it)->name);
		}
	return 0;
}

/* Tap names are the host's interfaces: one segment each; links join
 * two nodes only. */
static void
tap_names(struct lab *lab, struct diag *d)
{
	const struct lab_bus *b, *c;
	int i, j, n = 0;

	for (i = 0; i < lab->nbuses; i++) {
		b = &lab->buses[i];
		if (b->tap.name == NULL)
			continue;
		if (++n == LAB_TAPS_MAX + 1)
			diag_add(d, b->tap.pos, "tap '%s' is the lab's %dth; a "
			    "lab joins at most %d host taps", b->tap.name, n,
			    LAB_TAPS_MAX);
		if (b->link >= 0)
			diag_add(d, b->tap.pos, "a link joins two nodes and no "
			    "tap; declare a bus with tap '%s' and put both "
			    "ends on it", b->tap.name);
		for (j = 0; j < i; j++) {
			c = &lab->buses[j];
			if (c->tap.name != NULL &&
			    strcmp(c->tap.name, b->tap.name) == 0) {
				diag_add(d, b->tap.pos, "tap '%s' is already "
				    "the tap of %s '%s' (line %d); a tap joins "
				    "one segment", b->tap.name, c->tapseg ?
				    "a node's interface, segment" : "bus",
				    c->name, c->tap.pos.line);
				break;
			}
		}
	}
}

/* --- bridges -------------------------------------------------------------- */

/*
 * A bridge node is a switch: its interfaces are its ports, with no
 * address, gateway or route (what defaults give them is not asked for),
 * at most LAB_BRIDGE_PORTS; and checks go between nodes that have
 * addresses, a bridge being no hop of a route.
 */
static void
bridges(struct lab *lab, struct diag *d)
{
	int i, j, k;

	for (i = 0; i < lab->nnodes; i++) {
		struct lab_node *n = &lab->nodes[i];

		if (!n->bridge)
			continue;
		if (n->nifaces > LAB_BRIDGE_PORTS)
			diag_add(d, n->pos, "bridge '%s' has %d interfaces; a "
			    "bridge takes at most %d", n->name, n->nifaces,
			    LAB_BRIDGE_PORTS);
		for (j = 0; j < n->nifaces; j++) {
			n->ifaces[j].autoaddr = 0;
			if (n->ifaces[j].naddrs > 0)
				diag_add(d, n->ifaces[j].addrs[0].pos, "bridge "
				    "'%s' has an address on %s: a bridge's "
				    "interfaces are its ports and have none; "
				    "put the address on a host", n->name,
				    n->ifaces[j].name);
		}
		if (n->nroutes > 0 || n->gw4.family != 0 || n->gw6.family != 0)
			diag_add(d, n->nroutes > 0 ? n->routes[0].pos :
			    n->gw4.family ? n->gw4pos : n->gw6pos, "bridge '%s' "
			    "has routes or a gateway: a bridge forwards frames, "
			    "not packets, and has no routes", n->name);
	}
	for (i = 0; i < lab->nchecks; i++) {
		const struct lab_check *c = &lab->checks[i];

		if (c->from >= 0 && lab->nodes[c->from].bridge)
			diag_add(d, c->frompos, "check from bridge '%s': a "
			    "bridge has no address; checks go between hosts "
			    "and routers", c->from_name);
		if (c->to_node >= 0 && lab->nodes[c->to_node].bridge)
			diag_add(d, c->topos, "check to bridge '%s': a bridge "
			    "has no address; checks go between hosts and "
			    "routers", c->to_name);
		for (k = 0; k < c->nvia; k++)
			if (c->via[k] >= 0 && lab->nodes[c->via[k]].bridge)
				diag_add(d, c->via_pos[k], "bridge '%s' in "
				    "'via': a bridge forwards frames within "
				    "one subnet and is no hop of a route; leave "
				    "it out", lab->nodes[c->via[k]].name);
	}
}

/* --- file systems --------------------------------------------------------- */

/*
 * `fs:` entries are checked as far as the host can tell before anything
 * starts: the type, a hostfs path that is a readable directory, an ext2
 * image that is a readable regular file (or block device) carrying
 * ext2's magic, and mount points that differ.  Relative images are found
 * from the topology file's directory.
 */
void
lab_fs_path(const struct lab *lab, const char *image, char *buf, size_t len)
{
	const char *slash = strrchr(lab->file, '/');

	if (image[0] == '/')
		snprintf(buf, len, "%s", image);
	else if (lab->basedir != NULL)
		snprintf(buf, len, "%s/%s", lab->basedir, image);
	else if (slash == NULL)
		snprintf(buf, len, "%s", image);
	else
		snprintf(buf, len, "%.*s/%s", (int)(slash - lab->file),
		    lab->file, image);
}

/*
 * -errno, or 0 when path is what the type mounts: a readable directory,
 * or a readable file or block device.  Looked at with stat; only a
 * regular file is opened (to read ext2's magic): a device may act when
 * opened.
 */
static int
fs_image_ok(const char *path, bool dir)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return -errno;
	if (dir && !S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if (!dir && S_ISDIR(st.st_mode))
		return -EISDIR;
	if (!dir && !S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
		return -EINVAL;
	if (access(path, dir ? R_OK | X_OK : R_OK) != 0)
		return -errno;
	return 0;
}

/* ext2's superblock is at byte 1024, its magic 0xef53 at 56 into it. */
static bool
ext2_magic(const char *path)
{
	uint8_t m[2];
	struct stat st;
	int fd;
	bool ok;

	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return true;            /* a device: the node will see */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return false;
	ok = pread(fd, m, 2, 1080) == 2 && m[0] == 0x53 && m[1] == 0xef;
	close(fd);
	return ok;
}

static void
check_fs(const struct lab *lab, const struct lab_node *n,
    const struct lab_fs *fs, struct diag *d)
{
	char path[4096];
	bool tmpfs = strcmp(fs->type, "tmpfs") == 0;
	bool hostfs = strcmp(fs->type, "hostfs") == 0;
	int r;

	if (!tmpfs && !hostfs && strcmp(fs->type, "ext2") != 0)
		diag_add(d, fs->typepos, "file system type '%s' of node '%s' "
		    "is not one of tmpfs, hostfs, ext2", fs->type, n->name);
	else if (tmpfs && fs->image != NULL)
		diag_add(d, fs->imagepos, "a tmpfs of node '%s' takes no "
		    "image: it starts empty", n->name);
	else if (!tmpfs && fs->image == NULL)
		diag_add(d, fs->pos, "the %s file system of node '%s' needs "
		    "'%s': %s", fs->type, n->name, hostfs ? "path" : "image",
		    hostfs ? "the host directory it shows" :
		    "an ext2 image file (mke2fs -t ext2 -d DIR IMAGE 16M makes "
		    "one)");
	else if (!tmpfs && fs->size != 0)
		diag_add(d, fs->pos, "'size' is for a tmpfs; the %s of node "
		    "'%s' is as large as its %s", fs->type, n->name, hostfs ?
		    "directory" : "image");
	else if (!tmpfs) {
		lab_fs_path(lab, fs->image, path, sizeof(path));
		if ((r = fs_image_ok(path, hostfs)) != 0)
			diag_add(d, fs->imagepos, "%s %s of node '%s': %s%s",
			    hostfs ? "hostfs directory" : "ext2 image", path,
			    n->name, strerror(-r), r == -EINVAL ?
			    " (not a file)" : "");
		else if (!hostfs && !ext2_magic(path))
			diag_add(d, fs->imagepos, "%s of node '%s' is not an "
			    "ext2 image (no ext2 superblock; mke2fs -t ext2 "
			    "makes one)", path, n->name);
	}
}

static void
filesystems(const struct lab *lab, struct diag *d)
{
	const struct lab_node *n;
	int i, j, k;

	for (i = 0; i < lab->nnodes; i++) {
		n = &lab->nodes[i];
		if (n->nfs > 8)
			diag_add(d, n->fs[8].pos, "node '%s' has %d file "
			    "systems: 8 at most", n->name, n->nfs);
		for (j = 0; j < n->nfs; j++) {
			check_fs(lab, n, &n->fs[j], d);
			for (k = 0; k < j; k++)
				if (strcmp(n->fs[k].mount, n->fs[j].mount) == 0)
					diag_add(d, n->fs[j].mountpos, "node "
					    "'%s' mounts two file systems at "
					    "%s", n->name, n->fs[j].mount);
		}
	}
}

/* --- next hops ------------------------------------------------------------ */

/*
 * Are all subnets of node n of a family known before planning?  Not when
 * an interface takes automatic addresses of it, or an address of the
 * node was reported (left out) or still lacks its length, or something
 * of the node did not load.
 */
static bool
subnets_known(const struct lab_node *n, int family)
{
	unsigned want = AUTO_ANY | (family == AF_INET ? AUTO_V4 : AUTO_V6);
	int i, k;

	if (n->partial)
		return false;
	for (i = 0; i < n->nifaces; i++) {
		if (n->ifaces[i].autoaddr & want)
			return false;
		for (k = 0; k < n->ifaces[i].naddrs; k++)
			if (n->ifaces[i].addrs[k].ip.family == 0 ||
			    n->ifaces[i].addrs[k].nolen)
				return false;
	}
	return true;
}

/*
 * Gateways and route next hops judged here, where the node's addresses
 * are all written, so that an off-subnet gateway is reported with the
 * file's other problems; the rest wait for the planned addresses.
 */
static void
early_next_hops(struct lab *lab, struct diag *d)
{
	struct lab_node *n;
	int i, j;

	for (i = 0; i < lab->nnodes; i++) {
		n = &lab->nodes[i];
		for (j = 0; j < n->nroutes; j++)
			if (subnets_known(n, n->routes[j].via.family))
				(void)plan_next_hop(lab, n, &n->routes[j].via,
				    "route via", n->routes[j].pos, d);
		if (n->gw4.family != 0 && subnets_known(n, AF_INET))
			(void)plan_next_hop(lab, n, &n->gw4, "gateway",
			    n->gw4pos, d);
		if (n->gw6.family != 0 && subnets_known(n, AF_INET6))
			(void)plan_next_hop(lab, n, &n->gw6, "gateway6",
			    n->gw6pos, d);
	}
}

int
lab_validate(struct lab *lab, struct diag *d)
{
	int before = diag_count(d), i, r;

	check_mtus(lab, d);
	bridges(lab, d);
	tap_names(lab, d);
	if ((r = bus_subnets(lab, d)) != 0 || (r = tap_addrs(lab, d)) != 0)
		return r;
	reserved_hosts(lab, d);
	if ((r = overlaps(lab, d)) != 0 || (r = duplicate_addrs(lab, d)) != 0)
		return r;
	duplicate_macs(lab, d);
	for (i = 0; i < lab->nnodes; i++)
		node_routes(&lab->nodes[i], d);
	early_next_hops(lab, d);
	filesystems(lab, d);
	return diag_count(d) > before ? -EINVAL : 0;
}
