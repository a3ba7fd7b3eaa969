/*
 * test_rip.c — rump.routed's protocol (netcomp/cmd/routed_rip.c) without
 * nodes: routers are struct rip in one process, joined by simulated
 * links that carry each update to the other routers on the subnet, with
 * the clock moved by hand.  Proves, against RFC 2453: a line converges
 * with hop-count metrics and installs its routes; split horizon with
 * poisoned reverse (and simple and none) in what an update says; a route
 * withdrawn with metric 16 leaves the node's table at once and the RIP
 * table after the garbage time; a silent neighbour's routes time out;
 * without split horizon two routers count to infinity and stop at 16,
 * with it they do not count at all; a better path wins, an equal one only
 * when the old is halfway to its timeout; requests (whole table, one
 * entry, from a querier); malformed messages are ignored and counted;
 * the status text.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#include "netcomp/cmd/routed.h"
#include "tests/lib/tap.h"

#define S	NS_PER_S
#define NR	4
#define NKR	64

struct kroute {
	uint32_t	 dst, gw;
	uint8_t		 plen;
};

struct router {
	const char	*name;
	struct rip	 rip;
	struct rip_if	 ifs[4];
	int		 nifs;
	struct kroute	 k[NKR];	/* the "node's table" */
	int		 nk;
	int		 installs, removes;
	bool		 mute;		/* its updates are lost */
};

static struct router R[NR];
static int nr;
static uint64_t now = 1000 * S;
static const struct rip_timers timers = { 30 * S, 180 * S, 120 * S };

static uint32_t
ip(const char *s)
{
	unsigned a, b, c, d;

	sscanf(s, "%u.%u.%u.%u", &a, &b, &c, &d);
	return a << 24 | b << 16 | c << 8 | d;
}

static int
kfind(const struct router *r, uint32_t dst, uint8_t plen)
{
	int i;

	for (i = 0; i < r->nk; i++)
		if (r->k[i].dst == dst && r->k[i].plen == plen)
			return i;
	return -1;
}

static int
k_install(void *arg, const struct rip_route *rt, bool replace)
{
	struct router *r = arg;
	int i = kfind(r, rt->dst, rt->plen);

	r->installs++;
	if (i < 0 && r->nk < NKR)
		i = r->nk++;
	r->k[i].dst = rt->dst;
	r->k[i].plen = rt->plen;
	r->k[i].gw = rt->gw;
	(void)replace;
	return 0;
}

static int
k_remove(void *arg, const struct rip_route *rt)
{
	struct router *r = arg;
	int i = kfind(r, rt->dst, rt->plen);

	r->removes++;
	if (i >= 0)
		r->k[i] = r->k[--r->nk];
	return 0;
}

static void
k_log(void *arg, const char *line)
{
	(void)arg;
	if (getenv("RIPDEBUG"))
		printf("# %.1f %s: %s\n", (double)now / S, ((struct router *)arg)->name, line);
}

static const struct rip_ops ops = { k_install, k_remove, k_log };

static struct router *
router(const char *name, enum rip_split split)
{
	struct router *r = &R[nr++];

	memset(r, 0, sizeof(*r));
	r->name = name;
	rip_init(&r->rip, &timers, split, &ops, r, (uint32_t)nr * 7919, now);
	return r;
}

static void
iface(struct router *r, const char *name, const char *addr, int plen)
{
	struct rip_if *f = &r->ifs[r->nifs++];

	snprintf(f->name, sizeof(f->name), "%s", name);
	f->addr = ip(addr);
	f->plen = (uint8_t)plen;
	f->mask = plen ? 0xffffffffu << (32 - plen) : 0;
	f->up = true;
}

static void
set_ifs(struct router *r)
{
	rip_set_ifs(&r->rip, r->ifs, r->nifs, now);
}

/* --- the wire ------------------------------------------------------------- */

struct wire {
	struct router	*from;
	int		 ifi;		/* sender's interface (rip index) */
	int		 entries, metric_of;	/* for peeking */
	uint32_t	 peek;		/* a destination whose metric we want */
	uint8_t		 last[RIP_PKTMAX];
	size_t		 lastlen;
};

static void
deliver(void *arg, const uint8_t *pkt, size_t len)
{
	struct wire *w = arg;
	const struct rip_if *f = &w->from->rip.ifs[w->ifi];
	size_t off;
	int i, k;

	memcpy(w->last, pkt, len);
	w->lastlen = len;
	for (off = RIP_HDRLEN; off + RIP_ENTLEN <= len; off += RIP_ENTLEN) {
		const uint8_t *e = pkt + off;
		uint32_t d = (uint32_t)e[4] << 24 | e[5] << 16 | e[6] << 8 | e[7];

		w->entries++;
		if (d == w->peek)
			w->metric_of = e[19];
	}
	if (w->from->mute)
		return;
	for (i = 0; i < nr; i++) {
		if (&R[i] == w->from)
			continue;
		for (k = 0; k < R[i].rip.nifs; k++)
			if (R[i].rip.ifs[k].up && (R[i].rip.ifs[k].addr &
			    R[i].rip.ifs[k].mask) == (f->addr & f->mask))
				(void)rip_input(&R[i].rip, f->addr, RIP_PORT, pkt,
				    len, now, deliver, w);
	}
}

/* Router r's update on every interface that is up; returns a wire with
 * what went out on its last interface. */
static void
send_all(struct router *r, bool changed_only)
{
	struct wire w;
	int i;

	for (i = 0; i < r->rip.nifs; i++) {
		if (!r->rip.ifs[i].up)
			continue;
		memset(&w, 0, sizeof(w));
		w.from = r;
		w.ifi = i;
		(void)rip_update(&r->rip, i, changed_only, deliver, &w);
	}
}

/* The metric r would announce for dst on its interface ifi (-1: not
 * announced). */
static int
says(struct router *r, int ifi, const char *dst)
{
	struct wire w;

	memset(&w, 0, sizeof(w));
	w.from = r;
	w.ifi = ifi;
	w.peek = ip(dst);
	w.metric_of = -1;
	r->mute = true;
	(void)rip_update(&r->rip, ifi, false, deliver, &w);
	r->mute = false;
	return w.metric_of;
}

/* Moves the clock to t, running every router's timers and the updates
 * that fall due on the way (in steps of 100 ms). */
static void
run_until(uint64_t t)
{
	int i, due;

	while (now < t) {
		now += S / 10;
		for (i = 0; i < nr; i++) {
			(void)rip_tick(&R[i].rip, now);
			if ((due = rip_update_due(&R[i].rip, now)) != 0) {
				send_all(&R[i], due == 2);
				rip_update_done(&R[i].rip, due == 1, now);
			}
		}
	}
}

static const struct rip_route *
route(const struct router *r, const char *dst, int plen)
{
	uint32_t d = ip(dst);
	int i;

	for (i = 0; i < r->rip.nrt; i++)
		if (r->rip.rt[i].dst == d && r->rip.rt[i].plen == plen)
			return &r->rip.rt[i];
	return NULL;
}

static void
reset(void)
{
	int i;

	for (i = 0; i < nr; i++)
		rip_fini(&R[i].rip);
	nr = 0;
}

/* a (stub 10.9.0.0/24) - b - c, on links 10.0.1.0/30 and 10.0.2.0/30. */
static void
line3(enum rip_split split)
{
	struct router *a, *b, *c;

	reset();
	a = router("a", split);
	b = router("b", split);
	c = router("c", split);
	iface(a, "shmif0", "10.9.0.1", 24);
	iface(a, "shmif1", "10.0.1.1", 30);
	iface(b, "shmif0", "10.0.1.2", 30);
	iface(b, "shmif1", "10.0.2.1", 30);
	iface(c, "shmif0", "10.0.2.2", 30);
	set_ifs(a);
	set_ifs(b);
	set_ifs(c);
}

static void
t_converge(void)
{
	const struct rip_route *r;

	line3(RIP_SPLIT_POISON);
	run_until(now + 3 * S);
	r = route(&R[2], "10.9.0.0", 24);
	ok(r != NULL && r->metric == 3 && r->gw == ip("10.0.2.1"),
	    "a line converges: c reaches a's stub with metric 3 via b "
	    "(got %d)", r ? r->metric : -1);
	ok(kfind(&R[2], ip("10.9.0.0"), 24) >= 0 &&
	    R[2].k[kfind(&R[2], ip("10.9.0.0"), 24)].gw == ip("10.0.2.1"),
	    "and installs it in its node's table via b");
	r = route(&R[0], "10.0.2.0", 30);
	ok(r != NULL && r->metric == 2, "a reaches the far link with metric 2");
	ok(kfind(&R[0], ip("10.0.1.0"), 30) < 0,
	    "connected subnets are never installed (the node has them)");
	ok(says(&R[1], 0, "10.9.0.0") == RIP_INFINITY,
	    "poisoned reverse: b tells a the stub is unreachable through b");
	ok(says(&R[1], 1, "10.9.0.0") == 2, "and tells c metric 2");
	ok(says(&R[1], 0, "10.0.1.0") == -1,
	    "a link's own subnet is not announced on it");
}

static void
t_split_modes(void)
{
	line3(RIP_SPLIT_SIMPLE);
	run_until(now + 3 * S);
	ok(says(&R[1], 0, "10.9.0.0") == -1, "simple split horizon: b says "
	    "nothing of the stub to a");
	line3(RIP_SPLIT_NONE);
	run_until(now + 3 * S);
	ok(says(&R[1], 0, "10.9.0.0") == 2, "no split horizon: b tells a "
	    "metric 2, its own route back");
}

static void
t_withdraw(void)
{
	const struct rip_route *r;
	uint64_t t0;

	line3(RIP_SPLIT_POISON);
	run_until(now + 40 * S);
	R[0].ifs[0].up = false;		/* a's stub link goes down */
	set_ifs(&R[0]);
	t0 = now;
	run_until(now + 10 * S);	/* a triggered update: 1-5 s a hop */
	r = route(&R[2], "10.9.0.0", 24);
	ok(r != NULL && r->metric == RIP_INFINITY && r->gc != 0,
	    "a poisoned route is withdrawn down the line within %.1f s, not "
	    "after the 180 s timeout", (double)(now - t0) / S);
	ok(r != NULL && route(&R[2], "10.9.0.0", 24)->gc - now > 100 * S,
	    "b and c keep it unreachable for the garbage time, to tell "
	    "others");
	ok(kfind(&R[1], ip("10.9.0.0"), 24) < 0 &&
	    kfind(&R[2], ip("10.9.0.0"), 24) < 0,
	    "and leaves the nodes' tables at once");
	run_until(t0 + 131 * S);
	ok(route(&R[2], "10.9.0.0", 24) == NULL &&
	    route(&R[1], "10.9.0.0", 24) == NULL,
	    "the RIP tables drop it after the garbage time (120 s)");
	R[0].ifs[0].up = true;
	set_ifs(&R[0]);
	run_until(now + 6 * S);
	r = route(&R[2], "10.9.0.0", 24);
	ok(r != NULL && r->metric == 3, "it comes back when the link does");
}

static void
t_timeout(void)
{
	const struct rip_route *r;

	line3(RIP_SPLIT_POISON);
	run_until(now + 5 * S);
	send_all(&R[0], false);		/* heard just now */
	R[0].mute = true;		/* a falls silent (a crash) */
	run_until(now + 170 * S);
	r = route(&R[1], "10.9.0.0", 24);
	ok(r != NULL && r->metric == 2, "170 s of silence: b still has a's "
	    "stub (the timeout is 180 s)");
	run_until(now + 20 * S);
	r = route(&R[1], "10.9.0.0", 24);
	ok(r != NULL && r->metric == RIP_INFINITY,
	    "past 180 s it is unreachable");
	R[0].mute = false;
}

/*
 * a - b with a stub on a.  The stub goes down while a's updates are
 * lost; b's next update says the stub is 2 away: a takes it.  Then both
 * count up, one hop an exchange, and stop at 16.
 */
static int
count_to_infinity(enum rip_split split, int *peak)
{
	struct router *a, *b;
	const struct rip_route *r;
	int steps = 0;

	reset();
	a = router("a", split);
	b = router("b", split);
	iface(a, "shmif0", "10.9.0.1", 24);
	iface(a, "shmif1", "10.0.1.1", 30);
	iface(b, "shmif0", "10.0.1.2", 30);
	set_ifs(a);
	set_ifs(b);
	run_until(now + 3 * S);
	a->mute = true;
	a->ifs[0].up = false;
	set_ifs(a);
	send_all(b, false);		/* b: "the stub, metric 2" */
	a->mute = false;
	*peak = 0;
	for (steps = 0; steps < 100; steps++) {
		send_all(a, false);
		send_all(b, false);
		r = route(b, "10.9.0.0", 24);
		if (r != NULL && r->metric > *peak)
			*peak = r->metric;
		if (r == NULL || r->metric >= RIP_INFINITY)
			break;
	}
	return steps;
}

static void
t_infinity(void)
{
	int steps, peak;

	steps = count_to_infinity(RIP_SPLIT_NONE, &peak);
	ok(peak == RIP_INFINITY && steps > 3 && steps < 16,
	    "no split horizon: a and b count to infinity, bounded at 16 "
	    "(%d exchanges, peak metric %d)", steps, peak);
	ok(route(&R[0], "10.9.0.0", 24)->metric == RIP_INFINITY &&
	    kfind(&R[0], ip("10.9.0.0"), 24) < 0 &&
	    kfind(&R[1], ip("10.9.0.0"), 24) < 0,
	    "then the route is unreachable on both and out of both tables");
	steps = count_to_infinity(RIP_SPLIT_POISON, &peak);
	ok(steps == 0 && peak == RIP_INFINITY, "poisoned reverse: b tells a "
	    "metric 16, so a never takes b's route and nothing counts (%d "
	    "exchanges)", steps);
}

static void
t_better(void)
{
	struct router *a, *b, *c, *d;
	const struct rip_route *r;
	/* Two paths from d to a's stub: b (shorter) and c. */
	reset();
	a = router("a", RIP_SPLIT_POISON);
	b = router("b", RIP_SPLIT_POISON);
	c = router("c", RIP_SPLIT_POISON);
	d = router("d", RIP_SPLIT_POISON);
	iface(a, "shmif0", "10.9.0.1", 24);
	iface(a, "shmif1", "10.0.1.1", 24);	/* a, b, c share a LAN */
	iface(b, "shmif0", "10.0.1.2", 24);
	iface(b, "shmif1", "10.0.2.1", 24);	/* b, c, d share another */
	iface(c, "shmif0", "10.0.1.3", 24);
	iface(c, "shmif1", "10.0.2.3", 24);
	iface(d, "shmif0", "10.0.2.4", 24);
	set_ifs(a);
	set_ifs(b);
	set_ifs(c);
	set_ifs(d);
	struct router *via, *other;
	uint64_t t0;

	run_until(now + 3 * S);
	r = route(d, "10.9.0.0", 24);
	ok(r != NULL && r->metric == 3, "two equal paths: d keeps the first "
	    "(metric 3 via %s)", r && r->gw == ip("10.0.2.1") ? "b" : "c");
	via = r && r->gw == ip("10.0.2.1") ? b : c;
	other = via == b ? c : b;
	run_until(now + 35 * S);
	r = route(d, "10.9.0.0", 24);
	ok(r != NULL && r->gw == via->ifs[1].addr, "an equal path heard "
	    "again and again does not replace it");
	send_all(via, false);
	t0 = now;
	via->mute = true;
	run_until(now + 85 * S);
	r = route(d, "10.9.0.0", 24);
	ok(r != NULL && r->gw == via->ifs[1].addr, "its router silent 85 s, "
	    "d keeps it");
	run_until(t0 + 130 * S);
	r = route(d, "10.9.0.0", 24);
	ok(r != NULL && r->metric == 3 && r->gw == other->ifs[1].addr,
	    "silent past half the timeout (90 s), d switches to the other "
	    "equal path before the route times out");
	via->mute = false;
}

static void
t_requests(void)
{
	uint8_t q[RIP_HDRLEN + RIP_ENTLEN];
	struct wire w;

	line3(RIP_SPLIT_POISON);
	run_until(now + 3 * S);
	memset(q, 0, sizeof(q));
	q[0] = RIP_CMD_REQUEST;
	q[1] = 2;
	q[RIP_HDRLEN + 19] = RIP_INFINITY;
	memset(&w, 0, sizeof(w));
	w.from = &R[1];
	w.peek = ip("10.9.0.0");
	w.metric_of = -1;
	R[1].mute = true;
	rip_input(&R[1].rip, ip("127.0.0.1"), 40000, q, sizeof(q), now,
	    deliver, &w);
	ok(w.entries == 3 && w.metric_of == 2, "a querier's request gets the "
	    "whole table as it is: %d routes, the stub metric 2", w.entries);
	memset(&w, 0, sizeof(w));
	w.from = &R[1];
	w.peek = ip("10.9.0.0");
	w.metric_of = -1;
	rip_input(&R[1].rip, ip("10.0.1.1"), RIP_PORT, q, sizeof(q), now,
	    deliver, &w);
	ok(w.metric_of == RIP_INFINITY, "a router's request gets the update "
	    "of its link (poisoned reverse)");
	q[RIP_HDRLEN + 1] = RIP_AF_INET;
	q[RIP_HDRLEN + 4] = 10;
	q[RIP_HDRLEN + 5] = 9;
	q[RIP_HDRLEN + 8] = q[RIP_HDRLEN + 9] = q[RIP_HDRLEN + 10] = 255;
	memset(&w, 0, sizeof(w));
	w.from = &R[1];
	w.peek = ip("10.9.0.0");
	rip_input(&R[1].rip, ip("127.0.0.1"), 40000, q, sizeof(q), now,
	    deliver, &w);
	ok(w.entries == 1 && w.metric_of == 2, "a request for one route gets "
	    "its metric");
	R[1].mute = false;
}

static void
t_malformed(void)
{
	uint8_t p[RIP_HDRLEN + 2 * RIP_ENTLEN];
	uint64_t bad;
	int n0;

	line3(RIP_SPLIT_POISON);
	run_until(now + 3 * S);
	memset(p, 0, sizeof(p));
	p[0] = RIP_CMD_RESPONSE;
	p[1] = 2;
	/* metric 17, and a destination with bits past its mask */
	p[RIP_HDRLEN + 1] = RIP_AF_INET;
	p[RIP_HDRLEN + 4] = 10;
	p[RIP_HDRLEN + 5] = 77;
	p[RIP_HDRLEN + 8] = 255;
	p[RIP_HDRLEN + 9] = 255;
	p[RIP_HDRLEN + 19] = 17;
	memcpy(p + RIP_HDRLEN + RIP_ENTLEN, p + RIP_HDRLEN, RIP_ENTLEN);
	p[RIP_HDRLEN + RIP_ENTLEN + 19] = 1;
	p[RIP_HDRLEN + RIP_ENTLEN + 7] = 5;	/* 10.77.0.5/16 */
	bad = R[2].rip.n_bad;
	n0 = R[2].rip.nrt;
	rip_input(&R[2].rip, ip("10.0.2.1"), RIP_PORT, p, sizeof(p), now,
	    deliver, NULL);
	ok(R[2].rip.n_bad == bad + 2 && R[2].rip.nrt == n0,
	    "a metric of 17 and host bits past the mask are ignored and "
	    "counted");
	p[RIP_HDRLEN + 19] = 1;
	rip_input(&R[2].rip, ip("10.0.2.1"), 5000, p, sizeof(p), now,
	    deliver, NULL);
	rip_input(&R[2].rip, ip("10.5.5.5"), RIP_PORT, p, sizeof(p), now,
	    deliver, NULL);
	rip_input(&R[2].rip, ip("10.0.2.1"), RIP_PORT, p, 3, now, deliver,
	    NULL);
	ok(route(&R[2], "10.77.0.0", 16) == NULL && R[2].rip.nrt == n0,
	    "responses from a port other than 520, from off the link, or "
	    "shorter than a header are ignored");
	rip_input(&R[2].rip, ip("10.0.2.1"), RIP_PORT, p, RIP_HDRLEN +
	    RIP_ENTLEN, now, deliver, NULL);
	ok(route(&R[2], "10.77.0.0", 16) != NULL, "the same entry, well "
	    "formed and from b, is taken");
}

static void
t_status(void)
{
	char buf[4096];
	size_t n;

	line3(RIP_SPLIT_POISON);
	run_until(now + 3 * S);
	n = rip_status(&R[2].rip, now, buf, sizeof(buf));
	ok(n < sizeof(buf) && strstr(buf, "update 30s, timeout 180s, garbage "
	    "120s") != NULL && strstr(buf, "10.9.0.0/24") != NULL &&
	    strstr(buf, "expires in 1") != NULL,
	    "the status text has the timers and each route with its own");
	if (n >= sizeof(buf) || strstr(buf, "10.9.0.0/24") == NULL)
		diag("%s", buf);
	ok(rip_status(&R[2].rip, now, buf, 10) == n && strlen(buf) == 9,
	    "a short buffer gets a cut text and the length it needs");
}

int
main(void)
{
	tap_plan(31);
	t_converge();
	t_split_modes();
	t_withdraw();
	t_timeout();
	t_infinity();
	t_better();
	t_requests();
	t_malformed();
	t_status();
	reset();
	return tap_done();
}
