/*
 * load_bus.c — buses: declared ones (a mapping of names to options, or a
 * list of names) and the options links share with them: mtu, jumbo, size,
 * subnet, subnet6 and the impairments delay, jitter, loss and rate, which
 * the supervisor applies in the members' node kernels (lab/linkstate.c);
 * and host taps (tap:), on a bus or a node's interface.
 */
#include <sys/socket.h>

#include <errno.h>
#include <string.h>

#include "lab/arena.h"
#include "lab/impair_spec.h"
#include "lab/load.h"

int
bus_add(struct loader *L, const char *name, struct lab_pos pos, int *index)
{
	struct lab *lab = L->lab;
	struct lab_bus *b;

	if ((b = arena_grow(L->a, lab->buses, lab->nbuses, &lab->capbuses,
	    sizeof(*b))) == NULL)
		return lnomem(L);
	lab->buses = b;
	b = &lab->buses[lab->nbuses];
	memset(b, 0, sizeof(*b));
	b->name = name;
	b->pos = pos;
	b->size = LAB_BUS_SIZE;
	b->link = -1;
	*index = lab->nbuses++;
	if (lab_bus_named(lab, *index) != 0)
		return lnomem(L);
	return 0;
}

int
bus_add_subnet(struct loader *L, struct lab_bus *b, const struct lab_ip *net,
    bool declared, struct lab_pos pos)
{
	struct lab_subnet *s;

	if ((s = arena_grow(L->a, b->subnets, b->nsubnets, &b->capsubnets,
	    sizeof(*s))) == NULL)
		return lnomem(L);
	b->subnets = s;
	s = &b->subnets[b->nsubnets++];
	memset(s, 0, sizeof(*s));
	ip_network(&s->net, net);
	s->declared = declared;
	s->pos = pos;
	return 0;
}

static int
k_mtu(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	struct lab_bus *b = obj;
	unsigned long mtu;

	if (v_uint(L, v, "mtu", LAB_MTU_MIN, LAB_MTU_JUMBO, &mtu) != 0)
		return -EINVAL;
	b->mtu = (unsigned)mtu;
	b->mtupos = v->pos;
	return 0;
}

static int
k_jumbo(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	struct lab_bus *b = obj;

	if (v_bool(L, v, "jumbo", &b->jumbo) != 0)
		return -EINVAL;
	b->jumbopos = v->pos;
	return 0;
}

static int
k_size(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	return v_size(L, v, "size", &((struct lab_bus *)obj)->size);
}

static int
k_subnet(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	bool six = strcmp(k->str, "subnet6") == 0;
	struct lab_ip net;

	if (v_prefix(L, v, k->str, six ? AF_INET6 : AF_INET, &net) != 0)
		return -EINVAL;
	return bus_add_subnet(L, obj, &net, true, v->pos);
}

static int
k_delay(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	struct lab_bus *b = obj;

	uint64_t *us = k->str[0] == 'd' ? &b->delay_us : &b->jitter_us;

	if (v_duration(L, v, k->str, us) != 0)
		return -EINVAL;
	if (*us > 60000000)     /* the node kernels' limit */
		return lerr(L, v->pos, "%s must be at most 60s", k->str);
	return 0;
}

static int
k_loss(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	return v_percent(L, v, "loss", &((struct lab_bus *)obj)->loss_pct);
}

static int
k_rate(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	return v_rate(L, v, "rate", &((struct lab_bus *)obj)->rate_bps);
}

/* --- host taps ----------------------------------------------------------- */

static bool
tap_name_ok(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > LAB_TAP_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' &&
		    s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '-' || s[i] == '_' || s[i] == '.'))
			return false;
	return true;
}

static int
k_tapname(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	struct lab_tap *t = obj;
	const char *s;

	if (v_str(L, v, "tap name", &s) != 0)
		return -EINVAL;
	if (!tap_name_ok(s))
		return lerr(L, v->pos, "'%s' is not a tap name: 1 to %d "
		    "letters, digits, '-', '_' and '.' (a Linux interface "
		    "name)", s, LAB_TAP_MAX);
	t->name = s;
	t->pos = v->pos;
	return 0;
}

static int
k_tapaddr(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	struct lab_tap *t = obj;
	struct lab_addr *a;
	int i, cnt, rv = 0;
	bool had_len;

	if ((cnt = v_list(L, v, "addr")) < 0)
		return cnt;
	for (i = 0; i < cnt; i++) {
		const struct ynode *it = v_item(v, i);

		if (it->kind != Y_SCALAR || yis_null(it) || t->naddrs >=
		    LAB_IF_ADDRS) {
			rv = lerr(L, it->pos, "a tap's 'addr' is a list of at "
			    "most %d addresses like 10.0.9.1/24", LAB_IF_ADDRS);
			continue;
		}
		if ((a = arena_grow(L->a, t->addrs, t->naddrs, &t->capaddrs,
		    sizeof(*a))) == NULL)
			return lnomem(L);
		t->addrs = a;
		a = &t->addrs[t->naddrs];
		memset(a, 0, sizeof(*a));
		if (ip_parse(it->str, IP_LEN_OPTIONAL, &a->ip, &had_len) != 0) {
			rv = lerr(L, it->pos, "'%s' is not an address: the host "
			    "side's addresses are written like 10.0.9.1/24",
			    it->str);
			continue;
		}
		a->nolen = !had_len;
		a->pos = it->pos;
		t->naddrs++;
	}
	return rv;
}

static const struct keyspec tap_keys[] = {
	{ "name", k_tapname, NULL },
	{ "addr", k_tapaddr, NULL },
	{ NULL, NULL, NULL },
};

int
v_tap(struct loader *L, const struct ynode *v, struct lab_tap *t)
{
	int r;

	memset(t, 0, sizeof(*t));
	if (v != NULL && v->kind == Y_SCALAR && !yis_null(v))
		return k_tapname(L, t, v, v);
	if (v == NULL || v->kind != Y_MAP)
		return lerr(L, v ? v->pos : (struct lab_pos){ 0, 0 }, "'tap' is "
		    "a host tap's name, or a mapping like { name: tap0, addr: "
		    "10.0.9.1/24 }");
	if ((r = load_keys(L, v, "tap", tap_keys, t)) != 0)
		return r;
	if (t->name == NULL)
		return lerr(L, v->pos, "a tap needs its 'name', like { name: "
		    "tap0 }");
	return 0;
}

static int
k_bustap(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	struct lab_bus *b = obj;

	if (v_tap(L, v, &b->tap) != 0) {
		b->tap.name = NULL;
		return -EINVAL;
	}
	return 0;
}

static int
k_busimpair(struct loader *L, void *obj, const struct ynode *k,
    const struct ynode *v)
{
	return v_impair(L, v, IMP_DIR_OUT, &((struct lab_bus *)obj)->impair);
}

const struct keyspec bus_option_keys[] = {
	{ "impair", k_busimpair, NULL },
	{ "mtu", k_mtu, NULL },
	{ "jumbo", k_jumbo, NULL },
	{ "size", k_size, NULL },
	{ "subnet", k_subnet, NULL },
	{ "subnet6", k_subnet, NULL },
	{ "delay", k_delay, NULL },
	{ "jitter", k_delay, NULL },
	{ "loss", k_loss, NULL },
	{ "rate", k_rate, NULL },
	{ "tap", k_bustap, NULL },
	{ NULL, NULL, NULL },
};

static int
load_bus(struct loader *L, const struct ynode *key, const struct ynode *spec)
{
	char what[LAB_NAME_MAX + 16];
	const char *name;
	int idx, r;

	if (v_name(L, key, "bus name", &name) != 0) {
		/* Reported; a name that is no string makes no bus. */
		if (key->kind != Y_SCALAR)
			return 0;
		name = key->str;
	}
	if ((r = bus_add(L, name, key->pos, &idx)) != 0)
		return r;
	snprintf(what, sizeof(what), "bus '%s'", name);
	r = load_keys(L, spec, what, bus_option_keys, &L->lab->buses[idx]);
	return r == -ENOMEM ? r : 0;
}

int
load_buses(struct loader *L, const struct ynode *buses)
{
	int i, r;

	if (yis_null(buses))
		return 0;
	if (buses->kind == Y_SEQ) {
		/* buses: [lan1, lan2] — names with default options. */
		for (i = 0; i < buses->n; i++)
			if ((r = load_bus(L, buses->kids[i], NULL)) == -ENOMEM)
				return r;
		return 0;
	}
	if (buses->kind != Y_MAP)
		return lerr(L, buses->pos, "'buses' must be a mapping of bus "
		    "names to options, like { lan1: { mtu: 1400 } }, or a "
		    "list of names");
	for (i = 0; 2 * i < buses->n; i++)
		if ((r = load_bus(L, ymap_key(buses, i),
		    ymap_value(buses, i))) == -ENOMEM)
			return r;
	return 0;
}
