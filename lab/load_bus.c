/*
 * load_bus.c — buses: declared ones (a mapping of names to options, or a
 * list of names) and the options links share with them: mtu, jumbo, size,
 * subnet, subnet6 and the impairments delay, jitter, loss and rate, which
 * the supervisor applies in the members' node kernels (lab/linkstate.c).
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
