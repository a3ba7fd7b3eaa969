/*
 * linkstate.c — the lab's link state beyond the plan (lab/linkstate.h).
 *
 * An interface's effective settings are what its node kernel is given:
 *   out = the interface's own out impairments over its bus's (field by
 *         field: what the interface leaves at 0 comes from the bus),
 *   in  = the interface's own in impairments,
 *   carrier = not `down` and its bus not `cut`,
 *   mtu = its own, else its bus's, else the plan's (nothing sent).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/rumpclient.h"
#include "lab/linkstate.h"

struct lsif {
	struct rump_impair imp[2];	/* own, [dir - 1] */
	bool	down;
	uint32_t mtu;
};

struct lsbus {
	struct rump_impair out;
	bool	cut;
	uint32_t mtu;
};

/* The current state, and the planned one (the topology's impairment
 * keys) that status compares it with. */
static struct {
	const struct lab *lab;
	struct lsif	**ifs;		/* [node][iface] */
	struct lsbus	*buses;
	struct lsif	**plan_ifs;
	struct lsbus	*plan_buses;
	bool		*changed;	/* [node] */
} L;

static void
from_bus_keys(const struct lab_bus *b, struct rump_impair *out)
{
	memset(out, 0, sizeof(*out));
	out->delay_us = (uint32_t)b->delay_us;
	out->jitter_us = (uint32_t)b->jitter_us;
	out->loss_ppm = (uint32_t)(b->loss_pct * 1e4 + 0.5);
	out->rate_bps = b->rate_bps;
}

/* Copies the state as the topology sets it, before any `link set`. */
static int
keep_plan(void)
{
	int i, n;

	L.plan_ifs = calloc((size_t)L.lab->nnodes + 1, sizeof(*L.plan_ifs));
	L.plan_buses = calloc((size_t)L.lab->nbuses + 1,
	    sizeof(*L.plan_buses));
	if (L.plan_ifs == NULL || L.plan_buses == NULL)
		return -ENOMEM;
	memcpy(L.plan_buses, L.buses, (size_t)L.lab->nbuses *
	    sizeof(*L.buses));
	for (i = 0; i < L.lab->nnodes; i++) {
		n = L.lab->nodes[i].nifaces;
		if ((L.plan_ifs[i] = calloc((size_t)n + 1,
		    sizeof(**L.plan_ifs))) == NULL)
			return -ENOMEM;
		memcpy(L.plan_ifs[i], L.ifs[i], (size_t)n * sizeof(**L.ifs));
	}
	return 0;
}

int
linkstate_init(const struct lab *lab, char *why, size_t whylen)
{
	struct impset s;
	int i, j;

	L.lab = lab;
	L.ifs = calloc((size_t)lab->nnodes + 1, sizeof(*L.ifs));
	L.buses = calloc((size_t)lab->nbuses + 1, sizeof(*L.buses));
	L.changed = calloc((size_t)lab->nnodes + 1, sizeof(*L.changed));
	if (L.ifs == NULL || L.buses == NULL || L.changed == NULL)
		goto nomem;
	for (i = 0; i < lab->nnodes; i++) {
		L.ifs[i] = calloc((size_t)lab->nodes[i].nifaces + 1,
		    sizeof(**L.ifs));
		if (L.ifs[i] == NULL)
			goto nomem;
		for (j = 0; j < lab->nodes[i].nifaces; j++) {
			const char *spec = lab->nodes[i].ifaces[j].impair;

			if (spec == NULL)
				continue;
			if (impspec_parse_str(spec, IMP_DIR_BOTH, IMP_DIR_BOTH,
			    &s, why, whylen) != 0)
				return -EINVAL;
			impspec_merge(&L.ifs[i][j].imp[0], &s, 1);
			impspec_merge(&L.ifs[i][j].imp[1], &s, 2);
			L.ifs[i][j].down = s.carrier == 0;
			L.ifs[i][j].mtu = s.mtu;
		}
	}
	for (i = 0; i < lab->nbuses; i++) {
		from_bus_keys(&lab->buses[i], &L.buses[i].out);
		if (lab->buses[i].impair == NULL)
			continue;
		if (impspec_parse_str(lab->buses[i].impair, IMP_DIR_OUT,
		    IMP_DIR_OUT, &s, why, whylen) != 0)
			return -EINVAL;
		impspec_merge(&L.buses[i].out, &s, 2);
		L.buses[i].cut = s.carrier == 0;
		L.buses[i].mtu = s.mtu;
	}
	return keep_plan() == 0 ? 0 : (snprintf(why, whylen, "out of memory"),
	    -ENOMEM);
nomem:
	snprintf(why, whylen, "out of memory");
	return -ENOMEM;
}

void
linkstate_free(void)
{
	int i;

	for (i = 0; L.lab != NULL && i < L.lab->nnodes; i++) {
		if (L.ifs != NULL)
			free(L.ifs[i]);
		if (L.plan_ifs != NULL)
			free(L.plan_ifs[i]);
	}
	free(L.ifs);
	free(L.plan_ifs);
	free(L.buses);
	free(L.plan_buses);
	free(L.changed);
	memset(&L, 0, sizeof(L));
}

int
linkstate_target(const char *word, struct lstarget *t, char *why,
    size_t whylen)
{
	const struct lab_node *n;
	char node[128];
	const char *colon = strchr(word, ':');
	int j;

	t->node = t->iface = t->bus = -1;
	if (colon == NULL) {
		if ((t->bus = lab_bus_find(L.lab, word)) >= 0)
			return 0;
		snprintf(why, whylen, "no bus '%.60s' in lab %s; name a bus "
		    "or an interface as NODE:IF (rumplab link show lists "
		    "them)", word, L.lab->name);
		return -ENOENT;
	}
	snprintf(node, sizeof(node), "%.*s", (int)(colon - word), word);
	if ((t->node = lab_node_find(L.lab, node)) < 0) {
		snprintf(why, whylen, "no node '%.60s' in lab %s", node,
		    L.lab->name);
		return -ENOENT;
	}
	n = &L.lab->nodes[t->node];
	if ((j = lab_iface_find(L.lab, t->node, colon + 1)) >= 0) {
		t->iface = j;
		return 0;
	}
	snprintf(why, whylen, "node %s has no interface '%.30s' (it has %s%s)",
	    node, colon + 1, n->nifaces > 0 ? n->ifaces[0].name : "none",
	    n->nifaces > 1 ? ", ..." : "");
	return -ENOENT;
}

static void
mark_bus(int b)
{
	const struct lab_bus *bus = &L.lab->buses[b];
	int k;

	for (k = 0; k < bus->nmembers; k++)
		L.changed[bus->members[k].node] = true;
}

/* A limit is the rate limiter's queue: without a rate it would do
 * nothing, so say so instead of taking it. */
static int
limit_ok(const struct rump_impair *c, char *why, size_t whylen)
{
	if (c->limit != 0 && c->rate_bps == 0) {
		snprintf(why, whylen, "limit is the queue in front of a rate "
		    "limit: give a rate too (rate 10mbit limit %u)", c->limit);
		return -EINVAL;
	}
	return 0;
}

int
linkstate_set(const struct lstarget *t, const struct impset *s, char *why,
    size_t whylen)
{
	struct rump_impair a, b;
	struct lsif *li;
	struct lsbus *lb;

	if (t->bus >= 0) {
		a = L.buses[t->bus].out;
		impspec_merge(&a, s, 2);
		if (limit_ok(&a, why, whylen) != 0)
			return -EINVAL;
	} else {
		a = L.ifs[t->node][t->iface].imp[0];
		b = L.ifs[t->node][t->iface].imp[1];
		impspec_merge(&a, s, 1);
		impspec_merge(&b, s, 2);
		if (limit_ok(&a, why, whylen) != 0 ||
		    limit_ok(&b, why, whylen) != 0)
			return -EINVAL;
	}

	if (t->bus >= 0) {
		if (s->set[0] != 0 || s->clear[0]) {
			snprintf(why, whylen, "a bus's impairments act on the "
			    "sending side only: use out (or set NODE:IF in)");
			return -EINVAL;
		}
		lb = &L.buses[t->bus];
		impspec_merge(&lb->out, s, 2);
		if (s->carrier >= 0)
			lb->cut = s->carrier == 0;
		if (s->mtu != 0)
			lb->mtu = s->mtu;
		mark_bus(t->bus);
		return 0;
	}
	li = &L.ifs[t->node][t->iface];
	impspec_merge(&li->imp[0], s, 1);
	impspec_merge(&li->imp[1], s, 2);
	if (s->carrier >= 0)
		li->down = s->carrier == 0;
	if (s->mtu != 0)
		li->mtu = s->mtu;
	L.changed[t->node] = true;
	return 0;
}

int
linkstate_cut(int bus, bool cut)
{
	if (bus < 0 || bus >= L.lab->nbuses)
		return -ENOENT;
	L.buses[bus].cut = cut;
	mark_bus(bus);
	return 0;
}

int
linkstate_changed(int *nodes, int max, bool (*take)(int))
{
	int i, n = 0;

	for (i = 0; i < L.lab->nnodes && n < max; i++)
		if (L.changed[i] && take(i)) {
			L.changed[i] = false;
			nodes[n++] = i;
		}
	return n;
}

void
linkstate_mark(int node)
{
	L.changed[node] = true;
}

bool
linkstate_pending(int node)
{
	return L.changed[node];
}

static void
effective(int node, int j, struct rump_impair imp[2], bool *carrier,
    uint32_t *mtu)
{
	const struct lsif *li = &L.ifs[node][j];
	const struct lsbus *lb = &L.buses[L.lab->nodes[node].ifaces[j].bus];

	imp[0] = li->imp[0];
	impspec_stack(&imp[1], &li->imp[1], &lb->out);
	*carrier = !li->down && !lb->cut;
	*mtu = li->mtu != 0 ? li->mtu : lb->mtu;
}

bool
linkstate_special(int node)
{
	struct rump_impair imp[2];
	uint32_t mtu;
	bool carrier;
	int j;

	for (j = 0; j < L.lab->nodes[node].nifaces; j++) {
		effective(node, j, imp, &carrier, &mtu);
		if (!carrier || mtu != 0 || !rump_impair_none(&imp[0]) ||
		    !rump_impair_none(&imp[1]))
			return true;
	}
	return false;
}

int
linkstate_push(int node, const char *url, char *why, size_t whylen)
{
	const struct lab_node *n = &L.lab->nodes[node];
	struct rump_impair imp[2];
	uint32_t mtu;
	bool carrier;
	const char *what;
	int j, r = 0;

	if (rumpclient_init_url(url) != 0) {
		snprintf(why, whylen, "%s", rumpclient_lasterror());
		return -EHOSTDOWN;
	}
	for (j = 0; j < n->nifaces; j++) {
		effective(node, j, imp, &carrier, &mtu);
		what = "input impairments";
		if ((r = rump_sys_ifsetimpair(n->ifaces[j].name,
		    RUMP_IMPAIR_IN, &imp[0])) != 0)
			break;
		what = "output impairments";
		if ((r = rump_sys_ifsetimpair(n->ifaces[j].name,
		    RUMP_IMPAIR_OUT, &imp[1])) != 0)
			break;
		what = "mtu";
		if (mtu != 0 && (r = rump_sys_ifsetmtu(n->ifaces[j].name,
		    mtu)) != 0)
			break;
		what = "carrier";
		if ((r = rump_sys_ifsetcarrier(n->ifaces[j].name, carrier)) !=
		    0)
			break;
	}
	if (r != 0) {
		r = -errno;
		snprintf(why, whylen, "%s: setting its %s: %s",
		    n->ifaces[j].name, what, strerror(-r));
	}
	rumpclient_fini();
	return r;
}

static void
show_iface(int i, int j, bool (*node_up)(int),
    void (*emit)(void *, const char *), void *arg)
{
	const struct lab_node *n = &L.lab->nodes[i];
	struct rump_impair imp[2];
	char line[1024];
	size_t o;
	uint32_t mtu;
	bool carrier;

	effective(i, j, imp, &carrier, &mtu);
	o = (size_t)snprintf(line, sizeof(line), "iface %s:%s %s %s",
	    n->name, n->ifaces[j].name, n->ifaces[j].busname,
	    !node_up(i) ? "off" : L.buses[n->ifaces[j].bus].cut ? "cut" :
	    L.ifs[i][j].down ? "down" : "up");
	o += impspec_format(&imp[1], "out", line + o, sizeof(line) - o);
	o += impspec_format(&imp[0], "in", line + o, sizeof(line) - o);
	if (mtu != 0 && o < sizeof(line))
		snprintf(line + o, sizeof(line) - o, " mtu=%u", mtu);
	emit(arg, line);
}

static void
show_bus(int b, void (*emit)(void *, const char *), void *arg)
{
	const struct lsbus *lb = &L.buses[b];
	char line[1024];
	size_t o;

	o = (size_t)snprintf(line, sizeof(line), "bus %s %s",
	    L.lab->buses[b].name, lb->cut ? "cut" : "joined");
	o += impspec_format(&lb->out, "out", line + o, sizeof(line) - o);
	if (lb->mtu != 0 && o < sizeof(line))
		snprintf(line + o, sizeof(line) - o, " mtu=%u", lb->mtu);
	emit(arg, line);
}

void
linkstate_show(const struct lstarget *t, bool (*node_up)(int),
    void (*emit)(void *arg, const char *line), void *arg)
{
	const struct lab_bus *bus;
	int i, j, k;

	if (t != NULL && t->node >= 0) {
		show_iface(t->node, t->iface, node_up, emit, arg);
		return;
	}
	if (t != NULL && t->bus >= 0) {
		bus = &L.lab->buses[t->bus];
		for (k = 0; k < bus->nmembers; k++)
			show_iface(bus->members[k].node,
			    bus->members[k].iface, node_up, emit, arg);
		show_bus(t->bus, emit, arg);
		return;
	}
	for (i = 0; i < L.lab->nnodes; i++)
		for (j = 0; j < L.lab->nodes[i].nifaces; j++)
			show_iface(i, j, node_up, emit, arg);
	for (i = 0; i < L.lab->nbuses; i++)
		show_bus(i, emit, arg);
}

/* " cut out.delay=5ms mtu=1400": a bus's settings as status shows them. */
static void
bus_text(const struct lsbus *b, char *buf, size_t len)
{
	size_t o;

	o = (size_t)snprintf(buf, len, "%s", b->cut ? " cut" : "");
	o += impspec_format(&b->out, "out", buf + o, len - o);
	if (b->mtu != 0 && o < len)
		snprintf(buf + o, len - o, " mtu=%u", b->mtu);
}

/* " down out.delay=20ms in.delay=20ms mtu=1400", an interface's. */
static void
iface_text(const struct lsif *li, char *buf, size_t len)
{
	size_t o;

	o = (size_t)snprintf(buf, len, "%s", li->down ? " down" : "");
	o += impspec_format(&li->imp[1], "out", buf + o, len - o);
	if (o < len)
		o += impspec_format(&li->imp[0], "in", buf + o, len - o);
	if (li->mtu != 0 && o < len)
		snprintf(buf + o, len - o, " mtu=%u", li->mtu);
}

/* "bus core out.delay=10ms (planned: out.delay=5ms)" when they differ. */
static void
summary_line(const char *what, const char *now, const char *plan,
    void (*emit)(void *, const char *), void *arg)
{
	char line[2200];

	if (strcmp(now, plan) == 0)
		return;
	snprintf(line, sizeof(line), "%s%s%s%s%s", what,
	    now[0] ? now : " nothing set", plan[0] ? " (planned:" : "",
	    plan, plan[0] ? ")" : "");
	emit(arg, line);
}

/*
 * Only what changed at run time: the impairments the topology declares
 * are the plan, and `link show` lists them.
 */
void
linkstate_summary(void (*emit)(void *arg, const char *line), void *arg)
{
	const struct lab_node *n;
	char what[160], now[1024], plan[1024];
	int i, j;

	for (i = 0; i < L.lab->nbuses; i++) {
		bus_text(&L.buses[i], now, sizeof(now));
		bus_text(&L.plan_buses[i], plan, sizeof(plan));
		snprintf(what, sizeof(what), "bus %s", L.lab->buses[i].name);
		summary_line(what, now, plan, emit, arg);
	}
	for (i = 0; i < L.lab->nnodes; i++) {
		n = &L.lab->nodes[i];
		for (j = 0; j < n->nifaces; j++) {
			iface_text(&L.ifs[i][j], now, sizeof(now));
			iface_text(&L.plan_ifs[i][j], plan, sizeof(plan));
			snprintf(what, sizeof(what), "iface %s:%s", n->name,
			    n->ifaces[j].name);
			summary_line(what, now, plan, emit, arg);
		}
	}
}
