/*
 * routed_rip.c — RIP version 2 (RFC 2453) as a table and the rules that
 * change it; the daemon around it is routed.c (see routed.h).
 *
 * The table holds one route per prefix: the interfaces' own subnets
 * (connected, metric 1, never timed out) and what neighbours said, each
 * with the metric they gave plus one, the neighbour as next hop, a
 * timeout and, once unreachable (metric 16), a garbage-collection time
 * after which it goes.  Every change of a route sets its changed flag and
 * plans a triggered update (RFC 2453 3.10.1) after a random delay of 1/30
 * to 1/6 of the update interval: 1 to 5 s with the standard 30 s, so a
 * lab that shortens the timers shortens this with them.  Regular updates
 * leave every interval, offset by up to a sixth of it either way (3.8),
 * so that routers do not fall into step.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netcomp/cmd/routed.h"

/* --- bytes and numbers ---------------------------------------------------- */

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t
plen_mask(int plen)
{
	return plen == 0 ? 0 : 0xffffffffu << (32 - plen);
}

/* The prefix length of a contiguous mask, or -1. */
static int
mask_plen(uint32_t mask)
{
	int n = 0;

	while (n < 32 && (mask & (0x80000000u >> n)))
		n++;
	return mask == plen_mask(n) ? n : -1;
}

/* xorshift32: the random offsets need no more. */
static uint32_t
rnd(struct rip *rip)
{
	uint32_t x = rip->seed ? rip->seed : 0x2545f491u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return rip->seed = x;
}

/* A time in [lo, hi]. */
static uint64_t
rnd_between(struct rip *rip, uint64_t lo, uint64_t hi)
{
	if (hi <= lo)
		return lo;
	return lo + (uint64_t)((double)rnd(rip) / 4294967296.0 *
	    (double)(hi - lo));
}

const char *
rip_addr_str(uint32_t a, char *buf)
{
	snprintf(buf, 16, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255,
	    (a >> 8) & 255, a & 255);
	return buf;
}

const char *
rip_prefix_str(uint32_t dst, uint8_t plen, char *buf)
{
	char a[16];

	snprintf(buf, 19, "%s/%u", rip_addr_str(dst, a), plen);
	return buf;
}

/* --- the table ------------------------------------------------------------ */

__attribute__((format(printf, 3, 4)))
static void
logf_(struct rip *rip, const struct rip_route *r, const char *fmt, ...)
{
	char line[256], p[20], g[16];
	va_list ap;
	int n = 0;

	if (rip->ops == NULL || rip->ops->log == NULL)
		return;
	if (r != NULL)
		n = snprintf(line, sizeof(line), "%s %s%s (%s) metric %d: ",
		    rip_prefix_str(r->dst, r->plen, p), r->gw ? "via " : "",
		    r->gw ? rip_addr_str(r->gw, g) : "connected",
		    r->ifi >= 0 ? rip->ifs[r->ifi].name : "-", r->metric);
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	rip->ops->log(rip->arg, line);
}

static int
find_route(const struct rip *rip, uint32_t dst, uint32_t mask)
{
	int i;

	for (i = 0; i < rip->nrt; i++)
		if (rip->rt[i].dst == dst && rip->rt[i].mask == mask)
			return i;
	return -1;
}

static struct rip_route *
add_route(struct rip *rip, uint32_t dst, uint32_t mask)
{
	struct rip_route *v;
	int cap;

	if (rip->nrt >= RIP_MAXROUTES)
		return NULL;
	if (rip->nrt == rip->caprt) {
		cap = rip->caprt ? rip->caprt * 2 : 32;
		if ((v = realloc(rip->rt, sizeof(*v) * (size_t)cap)) == NULL)
			return NULL;
		rip->rt = v;
		rip->caprt = cap;
	}
	v = &rip->rt[rip->nrt++];
	memset(v, 0, sizeof(*v));
	v->dst = dst;
	v->mask = mask;
	v->plen = (uint8_t)mask_plen(mask);
	v->ifi = -1;
	return v;
}

static void
trigger(struct rip *rip, uint64_t now)
{
	if (rip->next_trigger == 0)
		rip->next_trigger = now + rnd_between(rip, rip->t.update / 30,
		    rip->t.update / 6);
}

static void
changed(struct rip *rip, struct rip_route *r, uint64_t now)
{
	r->flags |= RR_CHANGED;
	trigger(rip, now);
}

/* Into the node's table, or its next hop changed there. */
static void
install(struct rip *rip, struct rip_route *r)
{
	int e;

	if ((r->flags & RR_CONNECTED) || r->metric >= RIP_INFINITY ||
	    rip->ops == NULL)
		return;
	e = rip->ops->install(rip->arg, r, (r->flags & RR_INSTALLED) != 0);
	if (e == 0) {
		r->flags = (r->flags | RR_INSTALLED) & ~(unsigned)RR_BLOCKED;
	} else if (e == -EEXIST) {
		if (!(r->flags & RR_BLOCKED))
			logf_(rip, r, "the node has a route of its own there; "
			    "it stays");
		r->flags = (r->flags | RR_BLOCKED) & ~(unsigned)RR_INSTALLED;
	} else
		logf_(rip, r, "not installed (%s)", strerror(-e));
}

static void
uninstall(struct rip *rip, struct rip_route *r)
{
	if ((r->flags & RR_INSTALLED) && rip->ops != NULL)
		(void)rip->ops->remove(rip->arg, r);
	r->flags &= ~(unsigned)(RR_INSTALLED | RR_BLOCKED);
}

/* Metric 16: out of the node's table, kept for `garbage` to tell the
 * neighbours (RFC 2453 3.8, the deletion process). */
static void
unreachable(struct rip *rip, struct rip_route *r, uint64_t now,
    const char *why)
{
	uninstall(rip, r);
	r->metric = RIP_INFINITY;
	r->expire = 0;
	r->gc = now + rip->t.garbage;
	changed(rip, r, now);
	logf_(rip, r, "unreachable (%s)", why);
}

void
rip_init(struct rip *rip, const struct rip_timers *t, enum rip_split split,
    const struct rip_ops *ops, void *arg, uint32_t seed, uint64_t now)
{
	memset(rip, 0, sizeof(*rip));
	rip->t = *t;
	rip->split = split;
	rip->ops = ops;
	rip->arg = arg;
	rip->seed = seed;
	/* The first update goes out soon: neighbours learn of us at once. */
	rip->next_update = now + rnd_between(rip, 0, t->update / 30);
}

void
rip_fini(struct rip *rip)
{
	free(rip->rt);
	rip->rt = NULL;
	rip->nrt = rip->caprt = 0;
}

/* --- interfaces ----------------------------------------------------------- */

int
rip_if_of(const struct rip *rip, uint32_t addr)
{
	int i;

	for (i = 0; i < rip->nifs; i++)
		if (rip->ifs[i].up && (addr & rip->ifs[i].mask) ==
		    (rip->ifs[i].addr & rip->ifs[i].mask))
			return i;
	return -1;
}

bool
rip_own(const struct rip *rip, uint32_t addr)
{
	int i;

	for (i = 0; i < rip->nifs; i++)
		if (rip->ifs[i].addr == addr)
			return true;
	return false;
}

static bool
if_used(const struct rip *rip, int ifi)
{
	int i;

	for (i = 0; i < rip->nrt; i++)
		if (rip->rt[i].ifi == ifi)
			return true;
	return false;
}

/* The slot of an interface's subnet: the one it had, a free one, or -1. */
static int
if_slot(struct rip *rip, const struct rip_if *f)
{
	int i;

	for (i = 0; i < rip->nifs; i++)
		if (strcmp(rip->ifs[i].name, f->name) == 0 &&
		    rip->ifs[i].addr == f->addr && rip->ifs[i].plen == f->plen)
			return i;
	if (rip->nifs < RIP_MAXIFS) {
		rip->ifs[rip->nifs] = *f;
		rip->ifs[rip->nifs].up = false;
		return rip->nifs++;
	}
	for (i = 0; i < rip->nifs; i++)
		if (!rip->ifs[i].up && !if_used(rip, i)) {
			rip->ifs[i] = *f;
			rip->ifs[i].up = false;
			return i;
		}
	return -1;
}

/* Subnet ifi came up: its connected route, over whatever was there. */
static void
if_came_up(struct rip *rip, int ifi, uint64_t now)
{
	const struct rip_if *f = &rip->ifs[ifi];
	uint32_t net = f->addr & f->mask;
	struct rip_route *r;
	int i;

	if ((i = find_route(rip, net, f->mask)) >= 0)
		r = &rip->rt[i];
	else if ((r = add_route(rip, net, f->mask)) == NULL)
		return;
	uninstall(rip, r);
	r->flags |= RR_CONNECTED;
	r->gw = 0;
	r->ifi = ifi;
	r->metric = 1;
	r->expire = r->gc = 0;
	r->heard = now;
	changed(rip, r, now);
	logf_(rip, r, "interface up");
}

/* Subnet ifi went down: it and every route through it are unreachable. */
static void
if_went_down(struct rip *rip, int ifi, uint64_t now)
{
	int i;

	for (i = 0; i < rip->nrt; i++)
		if (rip->rt[i].ifi == ifi && rip->rt[i].metric < RIP_INFINITY)
			unreachable(rip, &rip->rt[i], now,
			    (rip->rt[i].flags & RR_CONNECTED) ?
			    "interface down" : "its interface is down");
}

bool
rip_set_ifs(struct rip *rip, const struct rip_if *ifs, int n, uint64_t now)
{
	bool seen[RIP_MAXIFS], was[RIP_MAXIFS], any = false;
	int i, k;

	/* A slot added or reused below was down before. */
	for (i = 0; i < RIP_MAXIFS; i++) {
		seen[i] = false;
		was[i] = i < rip->nifs && rip->ifs[i].up;
	}
	for (k = 0; k < n && k < RIP_MAXIFS; k++) {
		if ((i = if_slot(rip, &ifs[k])) < 0 || seen[i])
			continue;
		seen[i] = true;
		rip->ifs[i].up = ifs[k].up;
	}
	for (i = 0; i < rip->nifs; i++) {
		if (!seen[i])
			rip->ifs[i].up = false;
		if (rip->ifs[i].up && !was[i]) {
			if_came_up(rip, i, now);
			any = true;
		} else if (!rip->ifs[i].up && was[i]) {
			if_went_down(rip, i, now);
			any = true;
		}
	}
	return any;
}

/* --- responses (RFC 2453 3.9.2) ------------------------------------------ */

/* The natural mask of a RIPv1 destination (v1 carries none). */
static uint32_t
classful_mask(uint32_t dst)
{
	if ((dst >> 31) == 0)
		return 0xff000000u;
	if ((dst >> 30) == 2)
		return 0xffff0000u;
	return 0xffffff00u;
}

/* A destination RIP may carry: not 0/8 (but the default route), not
 * loopback, not multicast or class E, no bits past the mask. */
static bool
dst_ok(uint32_t dst, uint32_t mask)
{
	if (mask_plen(mask) < 0 || (dst & ~mask) != 0)
		return false;
	if (dst == 0)
		return mask == 0;
	return (dst >> 24) != 0 && (dst >> 24) != 127 && (dst >> 28) < 14;
}

/* A route through a router that says it better than what we have, or as
 * well while ours is halfway to its timeout (RFC 2453 3.9.2). */
static bool
better(const struct rip *rip, const struct rip_route *r, int metric,
    uint64_t now)
{
	if (metric < r->metric)
		return true;
	return metric == r->metric && metric < RIP_INFINITY &&
	    r->expire != 0 && r->expire - now <= rip->t.timeout / 2;
}

static void
take(struct rip *rip, struct rip_route *r, int ifi, uint32_t gw, int metric,
    uint16_t tag, uint64_t now)
{
	r->gw = gw;
	r->ifi = ifi;
	r->metric = metric;
	r->tag = tag;
	r->heard = now;
	r->expire = now + rip->t.timeout;
	r->gc = 0;
	install(rip, r);
	changed(rip, r, now);
}

/* One entry of a response from router src on interface ifi. */
static int
entry(struct rip *rip, int ifi, uint32_t src, int version, const uint8_t *e,
    uint64_t now)
{
	uint32_t dst = get32(e + 4), mask = get32(e + 8), nh = get32(e + 12);
	uint32_t metric = get32(e + 16);
	const struct rip_if *f = &rip->ifs[ifi];
	uint16_t tag = get16(e + 2);
	struct rip_route *r;
	uint32_t gw;
	int i, m;

	if (get16(e) == RIP_AF_AUTH)
		return 0;
	if (get16(e) != RIP_AF_INET || metric < 1 || metric > RIP_INFINITY)
		return -EINVAL;
	if (version == 1) {
		mask = (dst & f->mask) == (f->addr & f->mask) ? f->mask :
		    classful_mask(dst);
		if (dst == 0)
			mask = 0;
		nh = 0;
		tag = 0;
	}
	if (!dst_ok(dst, mask))
		return -EINVAL;
	/* A next hop must be on the link and not us; else the sender. */
	gw = nh != 0 && (nh & f->mask) == (f->addr & f->mask) &&
	    !rip_own(rip, nh) ? nh : src;
	m = metric + 1 > RIP_INFINITY ? RIP_INFINITY : (int)metric + 1;
	if ((i = find_route(rip, dst, mask)) < 0) {
		if (m >= RIP_INFINITY || (r = add_route(rip, dst, mask)) ==
		    NULL)
			return 0;
		take(rip, r, ifi, gw, m, tag, now);
		logf_(rip, r, "new");
		return 0;
	}
	r = &rip->rt[i];
	if (r->flags & RR_CONNECTED) {
		/* Our own subnet: only while its interface is down. */
		if (r->metric < RIP_INFINITY || m >= RIP_INFINITY)
			return 0;
		r->flags &= ~(unsigned)RR_CONNECTED;
		take(rip, r, ifi, gw, m, tag, now);
		logf_(rip, r, "learnt while the interface is down");
		return 0;
	}
	if (r->gw == gw && r->ifi == ifi) {
		/* The router we use: what it says goes, good or bad. */
		if (m < RIP_INFINITY)
			r->expire = now + rip->t.timeout, r->heard = now;
		if (m == r->metric)
			return 0;
		if (m >= RIP_INFINITY) {
			char g[16];
			char why[48];

			snprintf(why, sizeof(why), "withdrawn by %s",
			    rip_addr_str(gw, g));
			unreachable(rip, r, now, why);
			return 0;
		}
		r->metric = m;
		r->gc = 0;
		r->tag = tag;
		install(rip, r);
		changed(rip, r, now);
		logf_(rip, r, "new metric");
		return 0;
	}
	if (better(rip, r, m, now)) {
		take(rip, r, ifi, gw, m, tag, now);
		logf_(rip, r, "better path");
	}
	return 0;
}

static void
response(struct rip *rip, uint32_t src, const uint8_t *pkt, size_t len,
    uint64_t now)
{
	int ifi = rip_if_of(rip, src);
	size_t off;

	if (ifi < 0 || rip_own(rip, src) || pkt[1] == 0) {
		rip->n_bad++;
		return;
	}
	rip->n_in++;
	for (off = RIP_HDRLEN; off + RIP_ENTLEN <= len; off += RIP_ENTLEN)
		if (entry(rip, ifi, src, pkt[1], pkt + off, now) != 0)
			rip->n_bad++;
}

/* --- updates -------------------------------------------------------------- */

struct builder {
	uint8_t		 pkt[RIP_PKTMAX];
	int		 n;
	rip_emit_fn	 emit;
	void		*arg;
	int		 total;
};

static void
b_flush(struct builder *b)
{
	if (b->n == 0)
		return;
	b->emit(b->arg, b->pkt, RIP_HDRLEN + (size_t)b->n * RIP_ENTLEN);
	b->n = 0;
}

static void
b_add(struct builder *b, uint32_t dst, uint32_t mask, uint16_t tag,
    uint32_t metric)
{
	uint8_t *e;

	if (b->n == RIP_MAXENT)
		b_flush(b);
	e = b->pkt + RIP_HDRLEN + b->n * RIP_ENTLEN;
	put16(e, RIP_AF_INET);
	put16(e + 2, tag);
	put32(e + 4, dst);
	put32(e + 8, mask);
	put32(e + 12, 0);
	put32(e + 16, metric);
	b->n++;
	b->total++;
}

static void
b_init(struct builder *b, rip_emit_fn emit, void *arg)
{
	memset(b->pkt, 0, RIP_HDRLEN);
	b->pkt[0] = RIP_CMD_RESPONSE;
	b->pkt[1] = 2;
	b->n = b->total = 0;
	b->emit = emit;
	b->arg = arg;
}

/* The update for ifi (-1: a querier, who sees the table as it is). */
int
rip_update(struct rip *rip, int ifi, bool changed_only, rip_emit_fn emit,
    void *arg)
{
	const struct rip_route *r;
	struct builder b;
	int i, metric;

	b_init(&b, emit, arg);
	for (i = 0; i < rip->nrt; i++) {
		r = &rip->rt[i];
		if ((changed_only && !(r->flags & RR_CHANGED)) ||
		    (r->flags & RR_BLOCKED))
			continue;
		metric = r->metric;
		if (ifi >= 0 && r->ifi == ifi) {
			/* A subnet of the link itself: its routers know. */
			if (r->flags & RR_CONNECTED)
				continue;
			if (rip->split == RIP_SPLIT_SIMPLE)
				continue;
			if (rip->split == RIP_SPLIT_POISON)
				metric = RIP_INFINITY;
		}
		b_add(&b, r->dst, r->mask, r->tag, (uint32_t)metric);
	}
	b_flush(&b);
	return b.total;
}

int
rip_update_due(const struct rip *rip, uint64_t now)
{
	if (rip->next_update <= now)
		return 1;
	/* A regular update due before the triggered one says it all. */
	if (rip->next_trigger != 0 && rip->next_trigger <= now)
		return rip->next_update <= rip->next_trigger ? 1 : 2;
	return 0;
}

void
rip_update_done(struct rip *rip, bool regular, uint64_t now)
{
	uint64_t d = rip->t.update / 6;
	int i;

	for (i = 0; i < rip->nrt; i++)
		rip->rt[i].flags &= ~(unsigned)RR_CHANGED;
	rip->next_trigger = 0;
	rip->last_update = now;
	if (regular) {
		rip->next_update = now + rnd_between(rip, rip->t.update - d,
		    rip->t.update + d);
		rip->n_out++;
	} else
		rip->n_trig++;
}

void
rip_poison_all(struct rip *rip, uint64_t now)
{
	int i;

	for (i = 0; i < rip->nrt; i++) {
		uninstall(rip, &rip->rt[i]);
		rip->rt[i].metric = RIP_INFINITY;
		rip->rt[i].gc = now + rip->t.garbage;
		rip->rt[i].flags |= RR_CHANGED;
	}
}

/* --- requests (RFC 2453 3.9.1) -------------------------------------------- */

static void
request(struct rip *rip, uint32_t src, uint16_t port, const uint8_t *pkt,
    size_t len, rip_emit_fn emit, void *arg)
{
	size_t off, n = (len - RIP_HDRLEN) / RIP_ENTLEN;
	const uint8_t *e = pkt + RIP_HDRLEN;
	struct builder b;
	uint32_t dst, mask;
	int i, ifi;

	if (n == 0)
		return;
	if (n == 1 && get16(e) == 0 && get32(e + 16) == RIP_INFINITY) {
		/* The whole table: a router's is its update on the link. */
		ifi = port == RIP_PORT ? rip_if_of(rip, src) : -1;
		(void)rip_update(rip, ifi, false, emit, arg);
		return;
	}
	b_init(&b, emit, arg);
	for (off = RIP_HDRLEN; off + RIP_ENTLEN <= len; off += RIP_ENTLEN) {
		e = pkt + off;
		dst = get32(e + 4);
		mask = pkt[1] == 1 ? classful_mask(dst) : get32(e + 8);
		i = find_route(rip, dst, mask);
		b_add(&b, dst, mask, i >= 0 ? rip->rt[i].tag : 0,
		    i >= 0 ? (uint32_t)rip->rt[i].metric : RIP_INFINITY);
	}
	b_flush(&b);
}

/* The status answer: text in messages of at most RIP_PKTMAX bytes. */
static void
status(struct rip *rip, uint64_t now, rip_emit_fn emit, void *arg)
{
	uint8_t pkt[RIP_HDRLEN + 1400];
	size_t len, off = 0, k;
	char *text;

	len = rip_status(rip, now, NULL, 0) + 1;
	if ((text = malloc(len)) == NULL)
		return;
	rip_status(rip, now, text, len);
	len--;
	do {
		k = len - off > 1400 ? 1400 : len - off;
		pkt[0] = RIP_CMD_STATUS;
		pkt[1] = 2;
		pkt[2] = off + k < len ? RIP_STATUS_MORE : 0;
		pkt[3] = 0;
		memcpy(pkt + RIP_HDRLEN, text + off, k);
		emit(arg, pkt, RIP_HDRLEN + k);
		off += k;
	} while (off < len);
	free(text);
}

int
rip_input(struct rip *rip, uint32_t src, uint16_t port, const uint8_t *pkt,
    size_t len, uint64_t now, rip_emit_fn emit, void *arg)
{
	if (len < RIP_HDRLEN) {
		rip->n_bad++;
		return -EINVAL;
	}
	switch (pkt[0]) {
	case RIP_CMD_RESPONSE:
		/* Only from a neighbour's RIP process (3.9.2). */
		if (port != RIP_PORT) {
			rip->n_bad++;
			return -EINVAL;
		}
		response(rip, src, pkt, len, now);
		return 0;
	case RIP_CMD_REQUEST:
		request(rip, src, port, pkt, len, emit, arg);
		return 0;
	case RIP_CMD_STATUS:
		if ((src >> 24) != 127)
			return -EINVAL;
		status(rip, now, emit, arg);
		return 0;
	default:
		rip->n_bad++;
		return -EINVAL;
	}
}

/* --- timers --------------------------------------------------------------- */

static uint64_t
earlier(uint64_t a, uint64_t b)
{
	return b != 0 && b < a ? b : a;
}

uint64_t
rip_tick(struct rip *rip, uint64_t now)
{
	struct rip_route *r;
	uint64_t next;
	int i;

	for (i = 0; i < rip->nrt; i++) {
		r = &rip->rt[i];
		if (r->expire != 0 && r->expire <= now &&
		    r->metric < RIP_INFINITY)
			unreachable(rip, r, now, "timed out");
	}
	for (i = rip->nrt - 1; i >= 0; i--) {
		r = &rip->rt[i];
		if (r->gc == 0 || r->gc > now)
			continue;
		logf_(rip, r, "deleted");
		uninstall(rip, r);
		memmove(r, r + 1, sizeof(*r) * (size_t)(rip->nrt - i - 1));
		rip->nrt--;
	}
	next = earlier(rip->next_update, rip->next_trigger);
	for (i = 0; i < rip->nrt; i++) {
		next = earlier(next, rip->rt[i].expire);
		next = earlier(next, rip->rt[i].gc);
	}
	return next;
}

/* --- the status text ------------------------------------------------------ */

struct out {
	char	*buf;
	size_t	 len, need;
};

__attribute__((format(printf, 2, 3)))
static void
out(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(o->need < o->len ? o->buf + o->need : NULL,
	    o->need < o->len ? o->len - o->need : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->need += (size_t)n;
}

static double
secs(uint64_t ns)
{
	return (double)ns / NS_PER_S;
}

static const char *
split_name(enum rip_split s)
{
	return s == RIP_SPLIT_POISON ? "split horizon with poisoned reverse" :
	    s == RIP_SPLIT_SIMPLE ? "simple split horizon" :
	    "no split horizon";
}

size_t
rip_status(const struct rip *rip, uint64_t now, char *buf, size_t len)
{
	struct out o = { buf, len, 0 };
	const struct rip_route *r;
	char p[20], g[16], a[16];
	int i;

	if (len > 0)
		buf[0] = '\0';
	out(&o, "RIPv2: update %gs, timeout %gs, garbage %gs; %s; %s\n",
	    secs(rip->t.update), secs(rip->t.timeout), secs(rip->t.garbage),
	    split_name(rip->split), !rip->quiet ? "supplying updates" :
	    "quiet (listening only)");
	out(&o, "interfaces:");
	for (i = 0; i < rip->nifs; i++)
		out(&o, " %s %s/%u %s", rip->ifs[i].name,
		    rip_addr_str(rip->ifs[i].addr, a), rip->ifs[i].plen,
		    rip->ifs[i].up ? "up" : "down");
	out(&o, "%s\n", rip->nifs ? "" : " none");
	out(&o, "updates: %llu heard, %llu entries ignored; %llu regular "
	    "and %llu triggered sent; next regular in %.1fs\n",
	    (unsigned long long)rip->n_in, (unsigned long long)rip->n_bad,
	    (unsigned long long)rip->n_out, (unsigned long long)rip->n_trig,
	    rip->next_update > now ? secs(rip->next_update - now) : 0.0);
	out(&o, "%-18s %-15s %-9s %6s  %s\n", "Destination", "Gateway",
	    "Interface", "Metric", "Timer");
	for (i = 0; i < rip->nrt; i++) {
		r = &rip->rt[i];
		out(&o, "%-18s %-15s %-9s %6d  ", rip_prefix_str(r->dst,
		    r->plen, p), r->gw ? rip_addr_str(r->gw, g) : "-",
		    r->ifi >= 0 ? rip->ifs[r->ifi].name : "-", r->metric);
		if (r->gc != 0)
			out(&o, "deleted in %.1fs", r->gc > now ?
			    secs(r->gc - now) : 0.0);
		else if (r->flags & RR_CONNECTED)
			out(&o, "connected");
		else
			out(&o, "expires in %.1fs", r->expire > now ?
			    secs(r->expire - now) : 0.0);
		out(&o, "%s\n", (r->flags & RR_BLOCKED) ? " (the node's own "
		    "route wins)" : "");
	}
	return o.need;
}
