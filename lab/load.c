/*
 * load.c — the top of a topology: name, defaults, hosts and the uplink,
 * kinds, buses, nodes, links and checks, loaded in that order whatever
 * order the file uses (defaults and kinds shape nodes; nodes name hosts;
 * links and checks refer to nodes).
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lab/arena.h"
#include "lab/load.h"
#include "lab/phases.h"

/* The top-level keys (lab_load() says in which order they load). */
enum top_key {
	TOP_NAME, TOP_DEFAULTS, TOP_KINDS, TOP_BUSES, TOP_NODES, TOP_LINKS,
	TOP_CHECKS, TOP_HOSTS, TOP_UPLINK, TOP_UPLINK_PORT, TOP_UPLINK_GROUP,
	TOP_UPLINK_SWITCH, TOP_NKEYS
};

struct top {
	const struct ynode	*v[TOP_NKEYS];
};

static int k_top(struct loader *, void *, const struct ynode *,
    const struct ynode *);

static const struct keyspec top_keys[] = {
	[TOP_NAME] = { "name", k_top, NULL },
	[TOP_DEFAULTS] = { "defaults", k_top, NULL },
	[TOP_KINDS] = { "kinds", k_top, NULL },
	[TOP_BUSES] = { "buses", k_top, NULL },
	[TOP_NODES] = { "nodes", k_top, NULL },
	[TOP_LINKS] = { "links", k_top, NULL },
	[TOP_CHECKS] = { "checks", k_top, NULL },
	[TOP_HOSTS] = { "hosts", k_top, NULL },
	[TOP_UPLINK] = { "uplink", k_top, NULL },
	[TOP_UPLINK_PORT] = { "uplink_port", k_top, NULL },
	[TOP_UPLINK_GROUP] = { "uplink_group", k_top, NULL },
	[TOP_UPLINK_SWITCH] = { "uplink_switch", k_top, NULL },
	[TOP_NKEYS] = { NULL, NULL, NULL },
};

/* Notes where each top-level key's value is; lab_load() loads them. */
static int
k_top(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	static const struct ynode null_node = { .kind = Y_SCALAR, .str = "" };
	struct top *t = obj;
	int i;

	for (i = 0; i < TOP_NKEYS; i++)
		if (strcmp(k->str, top_keys[i].key) == 0)
			t->v[i] = v != NULL ? v : &null_node;
	return 0;
}

/* --- defaults ------------------------------------------------------------ */

static int
k_routing(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	return v_routing(L, k, v, &L->lab->routing);
}

/* rip: { update: 1s, timeout: 6s, garbage: 4s, split: poison } */
static int
k_rip_timer(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	struct lab *lab = L->lab;
	uint64_t us;

	if (v_duration(L, v, k->str, &us) != 0)
		return -EINVAL;
	if (us < 100000 || us > 3600000000ull)
		return lerr(L, v->pos, "rip '%s' must be from 100ms to 3600s "
		    "(got %s)", k->str, v->str);
	*(k->str[0] == 'u' ? &lab->rip_update_us : k->str[0] == 't' ?
	    &lab->rip_timeout_us : &lab->rip_garbage_us) = us;
	return 0;
}

static int
k_rip_split(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	if (v != NULL && v->kind == Y_SCALAR && (strcmp(v->str, "poison") ==
	    0 || strcmp(v->str, "simple") == 0 || strcmp(v->str, "none") == 0))
		return v_str(L, v, "split", &L->lab->rip_split);
	return lerr(L, v ? v->pos : k->pos, "rip 'split' must be poison "
	    "(split horizon with poisoned reverse), simple or none");
}

static const struct keyspec rip_keys[] = {
	{ "update", k_rip_timer, NULL },
	{ "timeout", k_rip_timer, NULL },
	{ "garbage", k_rip_timer, NULL },
	{ "split", k_rip_split, NULL },
	{ NULL, NULL, NULL },
};

static int
k_rip(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	struct lab *lab = L->lab;
	uint64_t u, t;
	int r;

	if ((r = load_keys(L, v, "rip", rip_keys, NULL)) == -ENOMEM ||
	    v == NULL || v->kind != Y_MAP)
		return r;
	u = lab->rip_update_us ? lab->rip_update_us : 30000000;
	t = lab->rip_timeout_us ? lab->rip_timeout_us : 180000000;
	if (t <= u)
		return lerr(L, v->pos, "rip 'timeout' (%gs) must be longer than "
		    "'update' (%gs): a route times out when updates stop",
		    (double)t / 1e6, (double)u / 1e6);
	return r;
}

static int
k_exercise(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	return v_bool(L, v, "exercise", &L->lab->exercise);
}

static int
k_pool(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	bool six = strcmp(k->str, "pool6") == 0;
	struct lab_ip *pool = six ? &L->lab->pool6 : &L->lab->pool4;
	bool *given = obj;

	given[six] = true;
	if (v != NULL && v->kind == Y_SCALAR && strcmp(v->str, "none") == 0) {
		memset(pool, 0, sizeof(*pool));
		return 0;
	}
	if (v_prefix(L, v, k->str, six ? AF_INET6 : AF_INET, pool) != 0) {
		memset(pool, 0, sizeof(*pool));
		return -EINVAL;
	}
	if (pool->plen > (six ? 64 : 30))
		return lerr(L, v->pos, "'%s' %s is too small to carve subnets "
		    "from (at most /%d)", k->str, v->str, six ? 63 : 29);
	return 0;
}

static int
k_defkind(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	return v_name(L, v, "kind", &L->default_kind);
}

static int
k_defmac(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	if (v != NULL && v->kind == Y_SCALAR && strcmp(v->str, "stable") == 0)
		L->lab->macmode = MAC_STABLE;
	else if (v != NULL && v->kind == Y_SCALAR &&
	    strcmp(v->str, "kernel") == 0)
		L->lab->macmode = MAC_KERNEL;
	else
		return lerr(L, v ? v->pos : k->pos, "defaults 'mac' must be "
		    "stable (b2:a0: and a hash of lab, node and interface) or "
		    "kernel (the node picks)");
	return 0;
}

static int
k_defaddr(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	static const struct { const char *s; unsigned v; } a[] = {
		{ "auto", AUTO_ANY }, { "auto4", AUTO_V4 },
		{ "auto6", AUTO_V6 }, { "none", 0 } };
	size_t i;

	for (i = 0; v != NULL && v->kind == Y_SCALAR && i < 4; i++)
		if (strcmp(v->str, a[i].s) == 0) {
			L->default_auto = a[i].v;
			return 0;
		}
	return lerr(L, v ? v->pos : k->pos, "defaults 'addr' must be auto, "
	    "auto4, auto6 or none: what interfaces without 'addr' get");
}

static const struct keyspec default_keys[] = {
	{ "routing", k_routing, NULL },
	{ "pool", k_pool, NULL },
	{ "pool6", k_pool, NULL },
	{ "kind", k_defkind, NULL },
	{ "mac", k_defmac, NULL },
	{ "addr", k_defaddr, NULL },
	{ "rip", k_rip, NULL },
	{ "exercise", k_exercise, NULL },
	{ NULL, NULL, NULL },
};

static int
load_defaults(struct loader *L, const struct ynode *defaults)
{
	bool given[2] = { false, false };
	int r;

	L->lab->routing = ROUTING_STATIC;
	L->default_kind = "host";
	r = load_keys(L, defaults, "defaults", default_keys, given);
	/* Without any pool, IPv4 addresses come from 10.0.0.0/8. */
	if (!given[0] && !given[1])
		ip_parse("10.0.0.0/8", 0, &L->lab->pool4, NULL);
	return r;
}

/* --- kinds --------------------------------------------------------------- */

static int
load_kinds(struct loader *L, const struct ynode *kinds)
{
	const char *name;
	int i, r;

	if (yis_null(kinds))
		return 0;
	if (kinds->kind != Y_MAP) {
		L->kinds = NULL;
		return lerr(L, kinds->pos, "'kinds' must be a mapping of kind "
		    "names to node settings, like { edge: { kind: router } }");
	}
	L->kinds = kinds;
	for (i = 0; 2 * i < kinds->n; i++) {
		const struct ynode *k = ymap_key(kinds, i);

		if (v_name(L, k, "kind name", &name) != 0)
			continue;
		if (strcmp(name, "host") == 0 || strcmp(name, "router") == 0 ||
		    strcmp(name, "bridge") == 0) {
			lerr(L, k->pos, "kind '%s' is built in; give yours "
			    "another name (it may say 'kind: %s')", name, name);
			continue;
		}
		if ((r = load_kind_definition(L, ymap_value(kinds, i))) ==
		    -ENOMEM)
			return r;
	}
	return 0;
}

/* --- the lab ------------------------------------------------------------- */

/* The lab's name: `name:`, else the file's base name without .yaml. */
static int
load_name(struct loader *L, const struct ynode *v, const char *file)
{
	const char *base, *dot;

	if (v != NULL)
		return v_name(L, v, "lab name", &L->lab->name);
	base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
	dot = strrchr(base, '.');
	L->lab->name = arena_strndup(L->a, base, dot && dot != base ?
	    (size_t)(dot - base) : strlen(base));
	if (L->lab->name == NULL)
		return lnomem(L);
	return 0;
}

int
lab_load(struct lab *lab, const struct ynode *root, struct diag *d)
{
	struct loader L = { .lab = lab, .a = lab->arena, .d = d };
	struct lab_pos top = { 1, 1 };
	const struct ynode *defkind;
	struct top t;

	memset(&t, 0, sizeof(t));
	if (root == NULL || yis_null(root))
		return lerr(&L, top, "the topology is empty: it needs at least "
		    "'nodes:' (see rumplab(5))");
	if (root->kind != Y_MAP)
		return lerr(&L, root->pos, "a topology is a mapping with keys "
		    "like name, buses, nodes (got %s)", ykind_name(root));
	load_keys(&L, root, "the topology", top_keys, &t);
	load_name(&L, t.v[TOP_NAME], lab->file);
	load_defaults(&L, t.v[TOP_DEFAULTS]);
	load_hosts(&L, t.v[TOP_HOSTS]);
	load_uplink(&L, &(struct uplink_keys){ t.v[TOP_UPLINK],
	    t.v[TOP_UPLINK_PORT], t.v[TOP_UPLINK_GROUP],
	    t.v[TOP_UPLINK_SWITCH] });
	load_kinds(&L, t.v[TOP_KINDS]);
	if ((defkind = ymap_get(t.v[TOP_DEFAULTS], "kind")) != NULL) {
		struct lab_node scratch = { .name = "defaults" };

		/* An unknown default kind is reported once, here. */
		if (node_apply_kind(&L, &scratch, L.default_kind,
		    defkind->pos, 0) != 0)
			L.default_kind = "host";
	}
	load_buses(&L, t.v[TOP_BUSES]);
	if (yis_null(t.v[TOP_NODES]) && !L.nomem)
		lerr(&L, t.v[TOP_NODES] ? t.v[TOP_NODES]->pos : top, "the "
		    "topology has no nodes: add them under 'nodes:'");
	load_nodes(&L, t.v[TOP_NODES]);
	if (!L.nomem && lab_report_twice(lab, d) != 0)
		L.nomem = true;
	load_links(&L, t.v[TOP_LINKS]);
	load_checks(&L, t.v[TOP_CHECKS]);
	if (L.nomem)
		return -ENOMEM;
	return diag_count(d) > 0 ? -EINVAL : 0;
}
