/*
 * bridge.c — the bridge interface kind (bridge0, ...) and the
 * rumpnet_bridge component: NetBSD's bridge(4), configured as brconfig(8)
 * does (kernel/rumpclient.h, RUMP_BRDG_*).  A bridge joins the Ethernet
 * interfaces added to it (its members, or ports) into one broadcast
 * domain, like a learning switch:
 *
 *  - a frame received on a member teaches the bridge that its source MAC
 *    is behind that member (the address cache: at most `maxaddr`
 *    entries, each forgotten `timeout` seconds after its MAC was last
 *    seen; static entries stay);
 *  - a frame for a MAC in the cache leaves by that member only, unless it
 *    is the member the frame came in by: then it is dropped (filtered);
 *  - broadcast, multicast and unknown unicast are flooded, once to every
 *    other member (unknown unicast only to members with DISCOVER set);
 *  - a frame is never sent back out of the member it arrived on.
 * The bridge interface is itself a port of its own domain: what its
 * stack sends is forwarded like a member's frame, and frames for its MAC
 * (and every broadcast and multicast) reach its stack.  There is no
 * spanning tree: a loop of bridges floods for ever, which is why
 * rumplab refuses such topologies.
 *
 * Frame path: a member's receive thread (or the impairment thread) calls
 * bridge_input() from the interface layer (netcomp/bridge.h).  Under the
 * bridge lock it decides where each frame of the batch goes, building
 * one batch per outgoing member; it then sends them without the lock,
 * through the member's output impairments and capture taps
 * (ifnet_xmit()), so a member shows what the bridge sent and received
 * like any interface.
 *
 * Locks: one mutex for every bridge of the node (bridge_lk) guards the
 * members, the cache, the parameters, and each member's `refs`: the
 * batches holding it while they send without the lock.  A member leaves
 * (brconfig delete, or its interface destroyed) once its refs drop to
 * zero, so no frame is sent through an interface that has gone.  Order:
 * the core lock may be held when bridge_lk is taken (the bridge
 * interface's own output), never the reverse; localk serialises the
 * deliveries to the bridge's own stack and is taken without bridge_lk.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kernel/component.h"
#include "kernel/hyper.h"
#include "kernel/klog.h"
#include "netcomp/bridge.h"
#include "netcomp/ifnet.h"
#include "netcomp/impair.h"

#define BATCH           64
#define FDB_BUCKETS     256
#define MAXADDR_DEFAULT 100             /* NetBSD's */
#define MAXADDR_MAX     65536
#define TIMEOUT_DEFAULT 1200            /* NetBSD's, seconds */
#define NS              1000000000ull
#define LOCAL           (1u << 31)      /* plan: for our own stack */

struct bridge_port {
	struct ifnet *ifp;
	struct bridge *br;
	uint32_t flags;                 /* RUMP_IFBIF_* */
	int refs;                       /* batches sending through it */
	uint64_t rx, fwd, flood, filt;  /* atomics */
};

struct fdb {
	uint8_t mac[6];
	uint16_t flags;                 /* RUMP_IFBAF_* */
	struct bridge_port *port;
	uint64_t seen;                  /* ns, hyp_clock_mono_ns() */
	struct fdb *next;
};

struct bridge {
	struct ifnet *ifp;
	struct bridge_port *ports[RUMP_BRIDGE_MAXPORTS];
	int nports;
	struct fdb *hash[FDB_BUCKETS];
	uint32_t naddrs, maxaddr, timeout;
	hyp_mtx_t localk;
};

/*
 * One batch's plan: the members the frames go out of (each holding a
 * reference), and for each frame a bit per member of out[] (the bit 31
 * past them: for the bridge's own stack).
 */
struct plan {
	const struct ifnet_frame *f;
	unsigned n;
	uint32_t mask[BATCH];
	struct bridge_port *out[RUMP_BRIDGE_MAXPORTS];
	int nout;
	int local;                      /* some frame is for us */
};

static hyp_mtx_t bridge_lk = HYP_MTX_INITIALIZER;
static hyp_cv_t bridge_cv;              /* refs dropped to zero */

#define COUNT(p, field, v) \
	__atomic_fetch_add(&(p)->field, (v), __ATOMIC_RELAXED)

/* ---- the address cache (bridge_lk) ---- */

static unsigned
fdb_hash(const uint8_t *mac)
{
	return (unsigned)(mac[3] ^ mac[4] * 7u ^ mac[5] * 31u) % FDB_BUCKETS;
}

static int
expired(const struct bridge *br, const struct fdb *e, uint64_t now)
{
	return !(e->flags & RUMP_IFBAF_STATIC) && br->timeout != 0 &&
	    now - e->seen >= (uint64_t)br->timeout * NS;
}

/* Unlinks and frees *pp. */
static void
fdb_unlink(struct bridge *br, struct fdb **pp)
{
	struct fdb *e = *pp;

	*pp = e->next;
	hyp_free(e);
	br->naddrs--;
}

static struct fdb *
fdb_find(struct bridge *br, const uint8_t *mac, uint64_t now)
{
	struct fdb **pp;

	for (pp = &br->hash[fdb_hash(mac)]; *pp != NULL; pp = &(*pp)->next) {
		if (memcmp((*pp)->mac, mac, 6) != 0)
			continue;
		if (!expired(br, *pp, now))
			return *pp;
		fdb_unlink(br, pp);
		return NULL;
	}
	return NULL;
}

/* Removes the entries that match: expired ones (port NULL, now), those
 * behind port, or every dynamic one (all: the static too). */
static void
fdb_sweep(struct bridge *br, const struct bridge_port *port, int dynamic,
    int all, uint64_t now)
{
	struct fdb **pp;
	int i, go;

	for (i = 0; i < FDB_BUCKETS; i++)
		for (pp = &br->hash[i]; *pp != NULL; ) {
			go = all || (port != NULL && (*pp)->port == port) ||
			    (dynamic && !((*pp)->flags & RUMP_IFBAF_STATIC)) ||
			    (port == NULL && !dynamic && expired(br, *pp, now));
			if (go)
				fdb_unlink(br, pp);
			else
				pp = &(*pp)->next;
		}
}

static struct fdb *
fdb_add(struct bridge *br, const uint8_t *mac, struct bridge_port *port,
    uint16_t flags, uint64_t now)
{
	struct fdb *e;
	unsigned h = fdb_hash(mac);

	if (br->naddrs >= br->maxaddr)
		fdb_sweep(br, NULL, 0, 0, now);
	if (br->naddrs >= br->maxaddr || (e = hyp_calloc(1, sizeof(*e))) ==
	    NULL)
		return NULL;
	memcpy(e->mac, mac, 6);
	e->flags = flags;
	e->port = port;
	e->seen = now;
	e->next = br->hash[h];
	br->hash[h] = e;
	br->naddrs++;
	return e;
}

/* The source MAC of a frame from port p is behind p now. */
static void
learn(struct bridge *br, struct bridge_port *p, const uint8_t *src,
    uint64_t now)
{
	static const uint8_t zero[6];
	struct fdb *e;

	if (!(p->flags & RUMP_IFBIF_LEARNING) || (src[0] & 1) ||
	    memcmp(src, zero, 6) == 0)
		return;
	if ((e = fdb_find(br, src, now)) == NULL)
		(void)fdb_add(br, src, p, 0, now);
	else if (!(e->flags & RUMP_IFBAF_STATIC)) {
		e->port = p;
		e->seen = now;
	}
}

/* ---- forwarding ---- */

/* Member p sends frame i of the plan (taking a reference for it). */
static void
plan_out(struct plan *pl, struct bridge_port *p, unsigned i)
{
	int k;

	for (k = 0; k < pl->nout && pl->out[k] != p; k++)
		continue;
	if (k == pl->nout) {
		pl->out[pl->nout++] = p;
		p->refs++;
	}
	pl->mask[i] |= 1u << k;
}

static void
flood(struct bridge *br, struct bridge_port *in, unsigned i, int unknown,
    struct plan *pl)
{
	struct bridge_port *p;
	int k;

	for (k = 0; k < br->nports; k++) {
		p = br->ports[k];
		if (p == in || !ifnet_up(p->ifp) ||
		    (unknown && !(p->flags & RUMP_IFBIF_DISCOVER)))
			continue;
		plan_out(pl, p, i);
		COUNT(p, flood, 1);
	}
}

/*
 * Where frame i goes: in is the member it came by, NULL for the bridge
 * interface's own output.  bridge_lk held.
 */
static void
decide(struct bridge *br, struct bridge_port *in, unsigned i, uint64_t now,
    struct plan *pl)
{
	const uint8_t *dst = pl->f[i].data, *src = dst + 6;
	uint8_t own[6];
	struct fdb *e;

	pl->mask[i] = 0;
	if (pl->f[i].len < 14)
		return;
	if (in != NULL)
		learn(br, in, src, now);
	ifnet_mac(br->ifp, own);
	if (dst[0] & 1) {
		flood(br, in, i, 0, pl);
		if (in != NULL)
			pl->mask[i] |= LOCAL;
	} else if (in != NULL && memcmp(dst, own, 6) == 0)
		pl->mask[i] |= LOCAL;
	else if ((e = fdb_find(br, dst, now)) == NULL)
		flood(br, in, i, 1, pl);
	else if (e->port == in || !ifnet_up(e->port->ifp))
		COUNT(in != NULL ? in : e->port, filt, 1);
	else {
		plan_out(pl, e->port, i);
		COUNT(e->port, fwd, 1);
	}
	pl->local |= (pl->mask[i] & LOCAL) != 0;
}

/* The frames of the plan whose mask has bit b, into out; their count. */
static unsigned
gather(const struct plan *pl, uint32_t bit, struct ifnet_frame *out)
{
	unsigned i, k = 0;

	for (i = 0; i < pl->n; i++)
		if (pl->mask[i] & bit)
			out[k++] = pl->f[i];
	return k;
}

/* Sends the plan's batches, no lock held: a member's output impairments
 * and taps apply (ifnet_xmit()). */
static void
send_plan(struct plan *pl)
{
	struct ifnet_frame f[BATCH];
	struct ifnet *ifp;
	unsigned n;
	int k;

	for (k = 0; k < pl->nout; k++) {
		ifp = pl->out[k]->ifp;
		n = gather(pl, 1u << k, f);
		if (impair_active(ifp, RUMP_IMPAIR_OUT))
			impair_enqueue(ifp, RUMP_IMPAIR_OUT, f, n);
		else
			(void)ifnet_xmit(ifp, f, n);
	}
}

/* Frames for the bridge interface itself, to its stack. */
static void
send_local(struct bridge *br, const struct plan *pl)
{
	struct ifnet_frame f[BATCH];
	unsigned n;

	if (!pl->local || (n = gather(pl, LOCAL, f)) == 0)
		return;
	hyp_mtx_enter(&br->localk);
	ifnet_input(br->ifp, f, n);
	hyp_mtx_exit(&br->localk);
}

static void
release(struct plan *pl, struct bridge_port *in)
{
	int k, wake = 0;

	hyp_mtx_enter(&bridge_lk);
	for (k = 0; k < pl->nout; k++)
		wake |= --pl->out[k]->refs == 0;
	if (in != NULL)
		wake |= --in->refs == 0;
	if (wake)
		hyp_cv_broadcast(&bridge_cv);
	hyp_mtx_exit(&bridge_lk);
}

static void
plan_init(struct plan *pl, const struct ifnet_frame *f, unsigned n)
{
	pl->f = f;
	pl->n = n;
	pl->nout = 0;
	pl->local = 0;
}

void
bridge_input(struct ifnet *ifp, const struct ifnet_frame *f, unsigned n)
{
	struct bridge_port *in;
	struct bridge *br;
	struct plan pl;
	unsigned i;

	if (n > BATCH) {
		bridge_input(ifp, f, BATCH);
		bridge_input(ifp, f + BATCH, n - BATCH);
		return;
	}
	ifnet_account_input(ifp, f, n);
	hyp_mtx_enter(&bridge_lk);
	if ((in = ifnet_brport(ifp)) == NULL) {
		hyp_mtx_exit(&bridge_lk);
		return;                 /* it left the bridge just now */
	}
	br = in->br;
	in->refs++;
	plan_init(&pl, f, n);
	COUNT(in, rx, n);
	if (!ifnet_up(br->ifp) || !ifnet_up(ifp)) {
		COUNT(in, filt, n);
		n = 0;
	}
	for (i = 0; i < n; i++)
		decide(br, in, i, hyp_clock_mono_ns(), &pl);
	hyp_mtx_exit(&bridge_lk);
	send_plan(&pl);
	send_local(br, &pl);
	release(&pl, in);
}

/* ---- the bridge interface's own output ---- */

static int
bridge_kind_transmit(struct ifnet *ifp, const struct ifnet_frame *f,
    unsigned n)
{
	struct bridge *br = ifnet_softc(ifp);
	struct plan pl;
	unsigned i, chunk, done;

	for (done = 0; done < n; done += chunk) {
		chunk = n - done < BATCH ? n - done : BATCH;
		hyp_mtx_enter(&bridge_lk);
		plan_init(&pl, f + done, chunk);
		for (i = 0; i < chunk; i++)
			decide(br, NULL, i, hyp_clock_mono_ns(), &pl);
		hyp_mtx_exit(&bridge_lk);
		send_plan(&pl);
		release(&pl, NULL);
	}
	return (int)n;
}

/* ---- members ---- */

static struct bridge_port *
port_of(struct bridge *br, const char *name)
{
	int i;

	for (i = 0; i < br->nports; i++)
		if (strcmp(ifnet_name(br->ports[i]->ifp), name) == 0)
			return br->ports[i];
	return NULL;
}

static int
port_add(struct bridge *br, const char *name)
{
	struct bridge_port *p;
	struct ifnet *m;

	if ((m = ifnet_find(name)) == NULL)
		return -ENXIO;
	if (m == br->ifp || !ifnet_bridgeable(m))
		return -EINVAL;
	if ((p = hyp_calloc(1, sizeof(*p))) == NULL)
		return -ENOMEM;
	hyp_mtx_enter(&bridge_lk);
	if (ifnet_brport(m) != NULL || br->nports == RUMP_BRIDGE_MAXPORTS) {
		hyp_mtx_exit(&bridge_lk);
		hyp_free(p);
		return ifnet_brport(m) != NULL ? -EBUSY : -ENOSPC;
	}
	p->ifp = m;
	p->br = br;
	p->flags = RUMP_IFBIF_LEARNING | RUMP_IFBIF_DISCOVER;
	br->ports[br->nports++] = p;
	ifnet_set_brport(m, p);
	hyp_mtx_exit(&bridge_lk);
	ifnet_set_promisc(m, 1);
	klog(KLOG_INFO, "%s: %s added", ifnet_name(br->ifp), name);
	return 0;
}

/*
 * Takes p out of its bridge and frees it once no batch sends through it;
 * bridge_lk held (cv_wait lets the batches finish).
 */
static void
port_remove(struct bridge *br, struct bridge_port *p)
{
	int i;

	for (i = 0; i < br->nports; i++)
		if (br->ports[i] == p) {
			br->ports[i] = br->ports[--br->nports];
			break;
		}
	ifnet_set_brport(p->ifp, NULL);
	fdb_sweep(br, p, 0, 0, 0);
	while (p->refs > 0)
		hyp_cv_wait(&bridge_cv, &bridge_lk);
	klog(KLOG_INFO, "%s: %s deleted", ifnet_name(br->ifp),
	    ifnet_name(p->ifp));
	hyp_free(p);
}

void
bridge_port_gone(struct ifnet *ifp)
{
	struct bridge_port *p;

	hyp_mtx_enter(&bridge_lk);
	if ((p = ifnet_brport(ifp)) != NULL)
		port_remove(p->br, p);
	hyp_mtx_exit(&bridge_lk);
}

void
bridge_gone(struct ifnet *ifp)
{
	struct bridge *br = ifnet_softc(ifp);
	struct ifnet *m;

	hyp_mtx_enter(&bridge_lk);
	while (br->nports > 0) {
		m = br->ports[0]->ifp;
		port_remove(br, br->ports[0]);
		hyp_mtx_exit(&bridge_lk);
		ifnet_set_promisc(m, 0);
		hyp_mtx_enter(&bridge_lk);
	}
	fdb_sweep(br, NULL, 0, 1, 0);
	hyp_mtx_exit(&bridge_lk);
}

/* ---- configuration (ifnet_cfg held) ---- */

static int
port_delete(struct bridge *br, const char *name)
{
	struct bridge_port *p;
	struct ifnet *m;

	hyp_mtx_enter(&bridge_lk);
	if ((p = port_of(br, name)) == NULL) {
		hyp_mtx_exit(&bridge_lk);
		return -ENOENT;
	}
	m = p->ifp;
	port_remove(br, p);
	hyp_mtx_exit(&bridge_lk);
	ifnet_set_promisc(m, 0);
	return 0;
}

/* The requests that only touch the bridge's state, under bridge_lk. */
static int
set_locked(struct bridge *br, const struct rump_brreq *req)
{
	uint64_t now = hyp_clock_mono_ns();
	struct bridge_port *p = NULL;
	struct fdb **pp, *e;

	if (req->op == RUMP_BRDG_STATIC || req->op == RUMP_BRDG_IFFLAGS) {
		if ((p = port_of(br, req->member)) == NULL)
			return -ENOENT;
	}
	switch (req->op) {
	case RUMP_BRDG_FLUSH:
		fdb_sweep(br, NULL, 1, req->value != 0, now);
		return 0;
	case RUMP_BRDG_TIMEOUT:
		br->timeout = req->value;
		return 0;
	case RUMP_BRDG_MAXADDR:
		if (req->value > MAXADDR_MAX)
			return -EINVAL;
		br->maxaddr = req->value;
		return 0;
	case RUMP_BRDG_IFFLAGS:
		p->flags = req->value & (RUMP_IFBIF_LEARNING |
		    RUMP_IFBIF_DISCOVER);
		return 0;
	case RUMP_BRDG_STATIC:
		if ((req->mac[0] & 1) != 0)
			return -EINVAL;
		if ((e = fdb_find(br, req->mac, now)) == NULL &&
		    (e = fdb_add(br, req->mac, p, RUMP_IFBAF_STATIC, now)) ==
		    NULL)
			return -ENOSPC;
		e->port = p;
		e->flags = RUMP_IFBAF_STATIC;
		return 0;
	case RUMP_BRDG_DELADDR:
		for (pp = &br->hash[fdb_hash(req->mac)]; *pp != NULL;
		    pp = &(*pp)->next)
			if (memcmp((*pp)->mac, req->mac, 6) == 0) {
				fdb_unlink(br, pp);
				return 0;
			}
		return -ENOENT;
	}
	return -EINVAL;
}

static int
bridge_kind_set(struct ifnet *ifp, const struct rump_brreq *req)
{
	struct bridge *br = ifnet_softc(ifp);
	int error;

	if (req->op == RUMP_BRDG_ADD)
		return port_add(br, req->member);
	if (req->op == RUMP_BRDG_DEL)
		return port_delete(br, req->member);
	hyp_mtx_enter(&bridge_lk);
	error = set_locked(br, req);
	hyp_mtx_exit(&bridge_lk);
	return error;
}

static void
fill_port(const struct bridge_port *p, struct rump_brport *o)
{
	memset(o, 0, sizeof(*o));
	snprintf(o->ifname, sizeof(o->ifname), "%s", ifnet_name(p->ifp));
	o->flags = p->flags;
	o->portno = ifnet_ifindex(p->ifp);
	o->rx = __atomic_load_n(&p->rx, __ATOMIC_RELAXED);
	o->forwarded = __atomic_load_n(&p->fwd, __ATOMIC_RELAXED);
	o->flooded = __atomic_load_n(&p->flood, __ATOMIC_RELAXED);
	o->filtered = __atomic_load_n(&p->filt, __ATOMIC_RELAXED);
}

static int
bridge_kind_get(struct ifnet *ifp, struct rump_brstatus *st,
    struct rump_brport *ports, struct rump_braddr *addrs, int maxaddrs)
{
	struct bridge *br = ifnet_softc(ifp);
	uint64_t now = hyp_clock_mono_ns(), age;
	const struct fdb *e;
	int i, k = 0;

	hyp_mtx_enter(&bridge_lk);
	fdb_sweep(br, NULL, 0, 0, now);
	memset(st, 0, sizeof(*st));
	st->timeout = br->timeout;
	st->maxaddr = br->maxaddr;
	st->nports = (uint32_t)br->nports;
	st->naddrs = br->naddrs;
	for (i = 0; i < br->nports; i++)
		fill_port(br->ports[i], &ports[i]);
	for (i = 0; i < FDB_BUCKETS; i++)
		for (e = br->hash[i]; e != NULL && k < maxaddrs; e = e->next) {
			memset(&addrs[k], 0, sizeof(addrs[k]));
			memcpy(addrs[k].mac, e->mac, 6);
			addrs[k].flags = e->flags;
			snprintf(addrs[k].ifname, sizeof(addrs[k].ifname), "%s",
			    ifnet_name(e->port->ifp));
			age = (now - e->seen) / NS;
			if (!(e->flags & RUMP_IFBAF_STATIC) && br->timeout != 0)
				addrs[k].expire = (int32_t)(br->timeout - age);
			k++;
		}
	hyp_mtx_exit(&bridge_lk);
	return 0;
}

/* ---- the ifkind ---- */

static int
bridge_kind_attach(struct ifnet *ifp, char *err, size_t errlen)
{
	struct bridge *br = ifnet_softc(ifp);
	int error;

	if ((error = hyp_mtx_init(&br->localk)) != 0) {
		snprintf(err, errlen, "cannot make its lock");
		return error;
	}
	br->ifp = ifp;
	br->maxaddr = MAXADDR_DEFAULT;
	br->timeout = TIMEOUT_DEFAULT;
	return 0;
}

/* Its members left in bridge_gone(), before its paths went. */
static void
bridge_kind_detach(struct ifnet *ifp)
{
	struct bridge *br = ifnet_softc(ifp);

	hyp_mtx_destroy(&br->localk);
}

static uint32_t
bridge_kind_max_frame(struct ifnet *ifp)
{
	(void)ifp;
	return 9014;                    /* a jumbo bus's */
}

static const struct ifkind bridge_kind = {
	.name = "bridge",
	.softc_size = sizeof(struct bridge),
	.attach = bridge_kind_attach,
	.detach = bridge_kind_detach,
	.set_linkstr = NULL,            /* its members are its links */
	.transmit = bridge_kind_transmit,
	.max_frame = bridge_kind_max_frame,
	.bridge_set = bridge_kind_set,
	.bridge_get = bridge_kind_get,
};

/* ---- the component ---- */

static int
bridge_comp_init(char *err, size_t errlen)
{
	int error;

	if ((error = hyp_cv_init(&bridge_cv)) != 0) {
		snprintf(err, errlen, "cannot make the bridge's condition");
		return error;
	}
	if ((error = ifkind_register(&bridge_kind)) != 0) {
		snprintf(err, errlen, "cannot register the bridge kind: %s",
		    strerror(-error));
		hyp_cv_destroy(&bridge_cv);
	}
	return error;
}

static void
bridge_comp_fini(void)
{
	ifkind_unregister(&bridge_kind);
	hyp_cv_destroy(&bridge_cv);
}

static const struct component comp_bridge = {
	.name = "rumpnet_bridge",
	.deps = { "rumpnet_netinet", NULL },
	.init = bridge_comp_init,
	.fini = bridge_comp_fini,
};
COMPONENT_REGISTER(comp_bridge);
