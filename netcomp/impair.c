/*
 * impair.c — link impairments inside the node (what peers do with root
 * and tc netem): per interface and direction, loss (random or
 * Gilbert-Elliott), duplication, corruption, a rate limiter with a
 * bounded queue, delay with jitter, reordering.
 *
 * Each frame is decided on when it enters (impair_enqueue, on the stack's
 * or the driver's thread), in netem's order:
 *   loss -> duplicate -> corrupt -> rate (departure time, or a tail drop
 *   when `limit` frames already wait for the link) -> delay + jitter ->
 *   reorder
 * and is kept, copied, in its direction's queue sorted by due time.  One
 * thread per node sleeps until the earliest due time of all queues
 * (hyp_cv_timedwait on the monotonic clock, no polling) and sends what is
 * due in batches, so a delay holds at any packet rate: the thread's only
 * work per frame is a copy out.  With no frames queued it sleeps without
 * a deadline, so an impaired idle link costs nothing either.
 *
 * The rate limiter is a link of rate_bps: a frame's departure is when the
 * link finishes serialising it (Ethernet header included, like netem);
 * the departure times of the frames still waiting for the link are kept
 * in a ring of `limit` entries, which is the queue bound.
 *
 * Jitter may reorder frames (netem's behaviour).  `reorder` sends the
 * chosen frames at once, ahead of delayed ones (netem's rule), or, on a
 * link without delay, holds them 1 ms so the next frames overtake them.
 *
 * The normal and Pareto jitters need libm, which the node opens when one
 * of them is first set, not at its start: every library the zygote maps
 * is mappings more in every node (kernel/components.c says what they
 * cost), and no other part of a node needs libm.
 */
#include <dlfcn.h>
#include <errno.h>
#include <gnu/lib-names.h>
#include <math.h>
#include <string.h>

#include "kernel/hyper.h"
#include "kernel/klog.h"
#include "netcomp/ifnet_var.h"
#include "netcomp/impair.h"

#define IMP_BATCH       32
#define IMP_MAXQ        65536           /* frames queued per direction */
#define IMP_MAXBYTES    (64ull << 20)   /* and their bytes */
#define IMP_MAXLIMIT    100000
#define IMP_MAXTIME_US  60000000u       /* 60 s of delay or jitter */
#define IMP_MINRATE     8000ull
#define IMP_MAXRATE     1000000000000ull
#define REORDER_HOLD_NS 1000000ull
#define NS              1000000000ull

struct impframe {
	struct impframe *next, *prev;
	uint64_t due;
	uint32_t len;
	uint8_t data[];
};

struct impq {
	struct ifnet *ifp;
	int dir;
	struct rump_impair cfg;         /* settings and counters */
	struct impframe *head, *tail;   /* by due time */
	unsigned n;
	uint64_t bytes;                 /* in the frames queued */
	uint64_t *rq;                   /* departures waiting for the link */
	unsigned rq_head, rq_n, rq_cap;
	uint64_t link_free;             /* rate: when the link is free */
	int ge_bad;                     /* Gilbert-Elliott state */
	int busy;                       /* frames being handed out */
	struct impq *next;              /* all queues */
};

static hyp_mtx_t imp_mtx;
static hyp_cv_t imp_cv;                 /* new head frame, or stop */
static hyp_cv_t imp_idle;               /* a queue is no longer busy */
static struct impq *imp_list;
static void *imp_thread;
static int imp_stop;
static int imp_ready;
static uint64_t rng_state;

/* ---- randomness (xorshift64*: fast, good enough for link models) ---- */

static uint64_t
rnd64(void)
{
	uint64_t x = rng_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545f4914f6cdd1dull;
}

/* true with probability ppm / 1e6 */
static int
chance(uint32_t ppm)
{
	if (ppm == 0)
		return 0;
	if (ppm >= RUMP_PPM)
		return 1;
	return (rnd64() >> 11) % RUMP_PPM < ppm;
}

/* uniform in (0, 1] */
static double
unit(void)
{
	return ((rnd64() >> 11) + 1) * (1.0 / 9007199254740992.0);
}

/* libm's functions the jitters need: set once, under imp_mtx, before the
 * first setting that needs them; read under it (enqueue_one). */
static struct {
	double (*log)(double);
	double (*cos)(double);
	double (*sqrt)(double);
	double (*cbrt)(double);
} lm;

/* 0, or -ELIBACC with the reason in the node's log.  imp_mtx held: the
 * first setting that needs libm holds the impaired links' frames for the
 * time of one dlopen, once. */
static int
libm_open(void)
{
	void *h;

	if (lm.cbrt != NULL)
		return 0;
	/* Kept open: the functions stay in use. */
	if ((h = dlopen(LIBM_SO, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		klog(KLOG_ERR, "impair: jitter distribution: %s", dlerror());
		return -ELIBACC;
	}
	lm.log = (double (*)(double))dlsym(h, "log");
	lm.cos = (double (*)(double))dlsym(h, "cos");
	lm.sqrt = (double (*)(double))dlsym(h, "sqrt");
	lm.cbrt = (double (*)(double))dlsym(h, "cbrt");
	if (lm.log == NULL || lm.cos == NULL || lm.sqrt == NULL ||
	    lm.cbrt == NULL) {
		klog(KLOG_ERR, "impair: jitter distribution: %s lacks a "
		    "function", LIBM_SO);
		memset(&lm, 0, sizeof(lm));
		dlclose(h);
		return -ELIBACC;
	}
	return 0;
}

/* One jitter sample in ns, mean 0. */
static int64_t
jitter_ns(const struct rump_impair *c)
{
	double j = (double)c->jitter_us * 1000.0, x;

	if (c->jitter_us == 0)
		return 0;
	switch (c->dist) {
	case RUMP_DIST_NORMAL:
		x = lm.sqrt(-2.0 * lm.log(unit())) *
		    lm.cos(2.0 * M_PI * unit()) * j;
		break;
	case RUMP_DIST_PARETO:
		/* alpha 3, mean j: scale j / 1.5; centred on 0 */
		x = (j / 1.5) / lm.cbrt(unit()) - j;
		break;
	default:
		x = (2.0 * unit() - 1.0) * j;
		break;
	}
	if (x > (double)IMP_MAXTIME_US * 1000.0 * 2)
		x = (double)IMP_MAXTIME_US * 1000.0 * 2;
	return (int64_t)x;
}

/* ---- settings ---- */

int
impair_check(const struct rump_impair *c)
{
	if (c->delay_us > IMP_MAXTIME_US || c->jitter_us > IMP_MAXTIME_US ||
	    c->dist > RUMP_DIST_PARETO || c->limit > IMP_MAXLIMIT)
		return -EINVAL;
	/* 8 kbit/s to 1000 Gbit/s: a frame's serialisation and a full
	 * queue of them stay far inside 64 bits of nanoseconds. */
	if (c->rate_bps != 0 && (c->rate_bps < IMP_MINRATE ||
	    c->rate_bps > IMP_MAXRATE))
		return -EINVAL;
	if (c->loss_ppm > RUMP_PPM || c->ge_p > RUMP_PPM ||
	    c->ge_r > RUMP_PPM || c->ge_h > RUMP_PPM || c->ge_k > RUMP_PPM ||
	    c->dup_ppm > RUMP_PPM || c->reorder_ppm > RUMP_PPM ||
	    c->corrupt_ppm > RUMP_PPM)
		return -EINVAL;
	return 0;
}

/* ---- the queue ---- */

static void
insert(struct impq *q, struct impframe *f)
{
	struct impframe *p;

	/* From the tail: most frames are due last, and with jitter a frame
	 * overtakes only the few sent just before it. */
	for (p = q->tail; p != NULL && p->due > f->due; p = p->prev)
		;
	q->bytes += f->len;
	f->prev = p;
	f->next = p != NULL ? p->next : q->head;
	if (f->next != NULL)
		f->next->prev = f;
	else
		q->tail = f;
	if (p != NULL)
		p->next = f;
	else
		q->head = f;
	q->n++;
}

/* The departure of a frame of len bytes through the rate limiter, or 0
 * when the queue in front of the link is full. */
static uint64_t
rate_depart(struct impq *q, uint32_t len, uint64_t now)
{
	unsigned limit = q->cfg.limit != 0 ? q->cfg.limit : 1000;
	uint64_t start, dep;

	while (q->rq_n > 0 && q->rq[q->rq_head] <= now) {
		q->rq_head = (q->rq_head + 1) % q->rq_cap;
		q->rq_n--;
	}
	if (q->rq_n >= limit || q->rq_n >= q->rq_cap)
		return 0;
	start = q->link_free > now ? q->link_free : now;
	dep = start + ((uint64_t)len * 8 * NS + q->cfg.rate_bps - 1) /
	    q->cfg.rate_bps;
	q->link_free = dep;
	q->rq[(q->rq_head + q->rq_n) % q->rq_cap] = dep;
	q->rq_n++;
	return dep;
}

static int
lost(struct impq *q)
{
	struct rump_impair *c = &q->cfg;

	if (c->ge_p == 0)
		return chance(c->loss_ppm);
	if (!q->ge_bad)
		q->ge_bad = chance(c->ge_p);
	else
		q->ge_bad = !chance(c->ge_r);
	return chance(q->ge_bad ? c->ge_h : c->ge_k);
}

/* imp_mtx held: one frame in; 1 when it became the queue's head. */
static int
enqueue_one(struct impq *q, const struct ifnet_frame *in, uint64_t now)
{
	struct rump_impair *c = &q->cfg;
	struct impframe *f;
	uint64_t dep, due;
	int64_t d;
	int copies, k, head = 0;
	uint32_t bit;

	c->st_frames++;
	if (lost(q)) {
		c->st_lost++;
		return 0;
	}
	copies = 1;
	if (chance(c->dup_ppm)) {
		copies = 2;
		c->st_dup++;
	}
	for (k = 0; k < copies; k++) {
		if (q->n >= IMP_MAXQ || q->bytes + in->len > IMP_MAXBYTES ||
		    (f = hyp_malloc(sizeof(*f) + in->len)) == NULL) {
			c->st_qdrop++;
			continue;
		}
		f->len = in->len;
		memcpy(f->data, in->data, in->len);
		if (f->len > 14 && chance(c->corrupt_ppm)) {
			bit = (uint32_t)(rnd64() % ((uint64_t)(f->len - 14) * 8));
			f->data[14 + bit / 8] ^= (uint8_t)(1u << (bit % 8));
			c->st_corrupt++;
		}
		dep = now;
		if (c->rate_bps != 0 && (dep = rate_depart(q, f->len, now)) ==
		    0) {
			c->st_qdrop++;
			hyp_free(f);
			continue;
		}
		d = (int64_t)c->delay_us * 1000 + jitter_ns(c);
		if (d < 0)
			d = 0;
		if (chance(c->reorder_ppm)) {
			d = c->delay_us != 0 ? 0 : (int64_t)REORDER_HOLD_NS;
			c->st_reorder++;
		}
		due = dep + (uint64_t)d;
		f->due = due;
		insert(q, f);
		head |= q->head == f;
	}
	return head;
}

void
impair_enqueue(struct ifnet *ifp, int dir, const struct ifnet_frame *f,
    unsigned n)
{
	struct impq *q;
	uint64_t now = hyp_clock_mono_ns();
	unsigned i;
	int wake = 0;

	hyp_mtx_enter(&imp_mtx);
	if ((q = ifp->imp[dir - 1]) == NULL) {
		hyp_mtx_exit(&imp_mtx);
		return;
	}
	for (i = 0; i < n; i++)
		wake |= enqueue_one(q, &f[i], now);
	if (wake)
		hyp_cv_signal(&imp_cv);
	hyp_mtx_exit(&imp_mtx);
}

int
impair_active(struct ifnet *ifp, int dir)
{
	return __atomic_load_n(&ifp->imp_on[dir - 1], __ATOMIC_ACQUIRE);
}

/* ---- the thread ---- */

static void
hand_out(struct impq *q, struct impframe **fr, unsigned n)
{
	struct ifnet_frame f[IMP_BATCH];
	unsigned i;

	for (i = 0; i < n; i++) {
		f[i].data = fr[i]->data;
		f[i].len = fr[i]->len;
	}
	if (q->dir == RUMP_IMPAIR_OUT)
		(void)ifnet_xmit(q->ifp, f, n);
	else
		ifnet_deliver(q->ifp, f, n);
	for (i = 0; i < n; i++)
		hyp_free(fr[i]);
}

static void *
impair_loop(void *arg)
{
	struct impframe *fr[IMP_BATCH];
	struct impq *q, *first;
	uint64_t now, due;
	unsigned n;

	(void)arg;
	hyp_mtx_enter(&imp_mtx);
	while (!imp_stop) {
		first = NULL;
		for (q = imp_list; q != NULL; q = q->next)
			if (q->head != NULL && (first == NULL ||
			    q->head->due < first->head->due))
				first = q;
		if (first == NULL) {
			hyp_cv_wait(&imp_cv, &imp_mtx);
			continue;
		}
		now = hyp_clock_mono_ns();
		due = first->head->due;
		if (due > now) {
			(void)hyp_cv_timedwait(&imp_cv, &imp_mtx, due);
			continue;
		}
		q = first;
		for (n = 0; n < IMP_BATCH && q->head != NULL &&
		    q->head->due <= now; n++) {
			fr[n] = q->head;
			if ((q->head = fr[n]->next) == NULL)
				q->tail = NULL;
			else
				q->head->prev = NULL;
			q->n--;
			q->bytes -= fr[n]->len;
		}
		q->busy++;
		hyp_mtx_exit(&imp_mtx);
		hand_out(q, fr, n);
		hyp_mtx_enter(&imp_mtx);
		if (--q->busy == 0)
			hyp_cv_broadcast(&imp_idle);
	}
	hyp_mtx_exit(&imp_mtx);
	return NULL;
}

/* ---- configuration ---- */

int
impair_init(void)
{
	int error;

	if (imp_ready)
		return 0;
	if ((error = hyp_mtx_init(&imp_mtx)) != 0)
		return error;
	if ((error = hyp_cv_init(&imp_cv)) != 0 ||
	    (error = hyp_cv_init(&imp_idle)) != 0) {
		hyp_mtx_destroy(&imp_mtx);
		return error;
	}
	if (hyp_random(&rng_state, sizeof(rng_state)) != 0 || rng_state == 0)
		rng_state = hyp_clock_mono_ns() | 1;
	imp_ready = 1;
	return 0;
}

static void
drain(struct impq *q)
{
	struct impframe *f;

	while ((f = q->head) != NULL) {
		q->head = f->next;
		hyp_free(f);
	}
	q->tail = NULL;
	q->n = 0;
	q->bytes = 0;
	q->rq_n = q->rq_head = 0;
	q->link_free = 0;
}

void
impair_fini(void)
{
	struct impq *q;

	if (!imp_ready)
		return;
	hyp_mtx_enter(&imp_mtx);
	imp_stop = 1;
	hyp_cv_broadcast(&imp_cv);
	hyp_mtx_exit(&imp_mtx);
	if (imp_thread != NULL)
		hyp_thread_join(imp_thread);
	imp_thread = NULL;
	while ((q = imp_list) != NULL) {
		imp_list = q->next;
		drain(q);
		q->ifp->imp[q->dir - 1] = NULL;
		hyp_free(q->rq);
		hyp_free(q);
	}
	hyp_cv_destroy(&imp_idle);
	hyp_cv_destroy(&imp_cv);
	hyp_mtx_destroy(&imp_mtx);
	imp_stop = 0;
	imp_ready = 0;
}

/* imp_mtx held: the queue of ifp's direction, made on first use. */
static struct impq *
queue_of(struct ifnet *ifp, int dir, int make)
{
	struct impq *q = ifp->imp[dir - 1];

	if (q != NULL || !make)
		return q;
	if ((q = hyp_calloc(1, sizeof(*q))) == NULL)
		return NULL;
	q->ifp = ifp;
	q->dir = dir;
	q->next = imp_list;
	imp_list = q;
	ifp->imp[dir - 1] = q;
	return q;
}

int
impair_set(struct ifnet *ifp, int dir, const struct rump_impair *cfg)
{
	struct rump_impair c = *cfg;
	struct impq *q;
	unsigned cap;
	uint64_t *rq = NULL;
	int error;

	if ((dir != RUMP_IMPAIR_IN && dir != RUMP_IMPAIR_OUT) ||
	    impair_check(&c) != 0 || ifp->kind == NULL)
		return ifp->kind == NULL ? -EOPNOTSUPP : -EINVAL;
	cap = c.rate_bps != 0 ? (c.limit != 0 ? c.limit : 1000) : 0;
	if (cap != 0 && (rq = hyp_calloc(cap, sizeof(*rq))) == NULL)
		return -ENOMEM;
	hyp_mtx_enter(&imp_mtx);
	if (c.jitter_us != 0 && c.dist != RUMP_DIST_UNIFORM &&
	    (error = libm_open()) != 0) {
		hyp_mtx_exit(&imp_mtx);
		hyp_free(rq);
		return error;
	}
	if (imp_thread == NULL && !rump_impair_none(&c) && (error =
	    hyp_thread_create(impair_loop, NULL, "impair", 0,
	    &imp_thread)) != 0) {
		imp_thread = NULL;
		hyp_mtx_exit(&imp_mtx);
		hyp_free(rq);
		return error;
	}
	if ((q = queue_of(ifp, dir, 1)) == NULL) {
		hyp_mtx_exit(&imp_mtx);
		hyp_free(rq);
		return -ENOMEM;
	}
	/* Settings change, counters stay; frames already queued keep their
	 * due times; the rate queue starts anew. */
	c.st_frames = q->cfg.st_frames;
	c.st_lost = q->cfg.st_lost;
	c.st_dup = q->cfg.st_dup;
	c.st_corrupt = q->cfg.st_corrupt;
	c.st_reorder = q->cfg.st_reorder;
	c.st_qdrop = q->cfg.st_qdrop;
	q->cfg = c;
	hyp_free(q->rq);
	q->rq = rq;
	q->rq_cap = cap;
	q->rq_n = q->rq_head = 0;
	q->link_free = 0;
	q->ge_bad = 0;
	__atomic_store_n(&ifp->imp_on[dir - 1], !rump_impair_none(&c),
	    __ATOMIC_RELEASE);
	hyp_mtx_exit(&imp_mtx);
	return 0;
}

int
impair_get(struct ifnet *ifp, int dir, struct rump_impair *out)
{
	struct impq *q;

	memset(out, 0, sizeof(*out));
	if (dir != RUMP_IMPAIR_IN && dir != RUMP_IMPAIR_OUT)
		return -EINVAL;
	hyp_mtx_enter(&imp_mtx);
	if ((q = queue_of(ifp, dir, 0)) != NULL) {
		*out = q->cfg;
		out->st_queued = q->n;
	}
	hyp_mtx_exit(&imp_mtx);
	return 0;
}

void
impair_detach(struct ifnet *ifp)
{
	struct impq **pp, *q;
	int d;

	hyp_mtx_enter(&imp_mtx);
	for (d = 0; d < 2; d++) {
		__atomic_store_n(&ifp->imp_on[d], 0, __ATOMIC_RELEASE);
		if ((q = ifp->imp[d]) == NULL)
			continue;
		while (q->busy > 0)
			hyp_cv_wait(&imp_idle, &imp_mtx);
		for (pp = &imp_list; *pp != q; pp = &(*pp)->next)
			;
		*pp = q->next;
		ifp->imp[d] = NULL;
		drain(q);
		hyp_free(q->rq);
		hyp_free(q);
	}
	hyp_mtx_exit(&imp_mtx);
}
