/*
 * idle.c — when lwIP's tcpip thread may sleep, so that idle nodes cost
 * nothing.
 *
 * lwIP's tcpip thread sleeps until its next timer: IGMP and MLD every
 * 100 ms, ARP, ND and reassembly every second, TCP every 250 ms while any
 * connection exists.  Doing nothing, a node wakes about 10 times a second.
 * liblwip.so calls sys_timeouts_sleeptime() through its PLT, so the
 * definition below replaces lwIP's for the whole process; lwIP's own
 * (netcomp/override.h) still decides whenever the stack is busy.
 *
 * Policy (all of it runs with the core lock held, on the tcpip thread):
 *  - Overdue timers always run at once.
 *  - Otherwise, if the stack is quiet, the thread sleeps until a message
 *    arrives, or until the earliest deadline a quiet TCP connection still
 *    has (TIME_WAIT expiry, FIN_WAIT_2 timeout, keepalive), or the
 *    neighbour table's next timer (neigh.c: a request to repeat, an entry
 *    to age), or the next step of an IPv4 address's duplicate address
 *    detection (arp.c: a probe or an announcement), whichever comes
 *    first.
 *  - The stack is quiet when no timer has work to do:
 *      ND      no neighbour INCOMPLETE, DELAY or PROBE in lwIP's own
 *              cache (default routers learnt from RAs);
 *      DAD     no tentative IPv6 address on an interface that is up with
 *              its link up (elsewhere DAD waits for the link anyway);
 *      RS      no router solicitation left to send;
 *      IGMP,   no delayed membership report pending;
 *      MLD
 *      (reassembly needs no timer: reass.c's slots replace lwIP's,
 *              ipfwd.c and ipfwd6.c, and lwIP's timers find them empty);
 *      TCP     every connection is ESTABLISHED, CLOSE_WAIT or FIN_WAIT_2
 *              with nothing unsent, unacknowledged, out of order or
 *              refused, no delayed ACK, no zero-window probing, no
 *              keepalive probe outstanding; TIME_WAIT and timed states
 *              give a deadline instead.  Listening sockets need no timer.
 *  - A stack busy only with DAD or router solicitation (a node's first
 *    seconds: one probe, and with accept_rtadv three solicitations, 4 s
 *    apart: stack.c) needs only
 *    the ND timer, which runs once a second: it sleeps until that timer's
 *    next run (its last run plus ND6_TMR_INTERVAL, idle_note_nd6_tick())
 *    instead of waking for IGMP and MLD every 100 ms with nothing for
 *    them to do.  A node then wakes about 10 times while it settles, not
 *    about 110: `rumplab up` of 1000 nodes spent a third of its CPU time
 *    in those wake-ups.
 *  - What skipping a quiet timer would lose is caught up before the stack
 *    does anything else: lwIP's ARP and ND entries age (their timers run
 *    once for every period slept through, bounded), and TCP's clock
 *    (tcp_ticks) moves on by the time slept, so TIME_WAIT and keepalive
 *    keep real time.  Any thread about to work on the stack calls
 *    netstack_enter() first, which does that catch-up if the tcpip thread
 *    sleeps long and the stack is still quiet.  (Catching up later, once
 *    new work is under way, would be wrong: running the ND timer a dozen
 *    times in a row ends a DAD that has just started.)
 *  - Another thread that may have armed a timer while the tcpip thread
 *    sleeps long (a socket call, a received batch, a configuration change:
 *    with LWIP_TCPIP_CORE_LOCKING they run on their own threads) calls
 *    netstack_poke(), which wakes the tcpip thread with an empty message if
 *    it now needs to wake sooner than planned.
 *
 * State: everything here is owned by the core lock, except planned_wake
 * and the event notes, which are atomics read without it.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>

#include "lwip/etharp.h"
#include "lwip/igmp.h"
#include "lwip/mld6.h"
#include "lwip/nd6.h"
#include "lwip/netif.h"
#include "lwip/tcpip.h"
#include "lwip/timeouts.h"
#include "lwip/priv/nd6_priv.h"
#include "lwip/priv/tcp_priv.h"

#include "kernel/hyper.h"
#include "kernel/sysctl.h"
#include "netcomp/netinet.h"
#include "netcomp/override.h"

#define FOREVER         UINT32_MAX
#define POKE_SLACK_MS   100u
#define CATCHUP_ND_MAX  3600u    /* ND lifetimes: catch up at most 1 h */

static int ticking;     /* atomic: the tcpip thread has planned a wait */

/* Atomics. */
static uint64_t planned_wake = UINT64_MAX;  /* mono ms the thread wakes at */
static uint64_t note_nd6;                    /* mono ms of nd6_tmr's last run */
static uint64_t stat_long_sleeps, stat_pokes;
static int stat_idle;                        /* last decision: quiet */

/* Core lock (tcpip thread). */
static int long_sleep;                       /* last sleep was ours */
static uint64_t long_sleep_start;
static const char *busy_reason = "starting"; /* atomic pointer */

static uint64_t
mono_ms(void)
{
	return hyp_clock_mono_ns() / 1000000u;
}

void
idle_note_nd6_tick(void)
{
	__atomic_store_n(&note_nd6, mono_ms(), __ATOMIC_RELAXED);
}

/* ---- what is quiet ---- */

static int
pcb_quiet(const struct tcp_pcb *pcb)
{
	return pcb->unsent == NULL && pcb->unacked == NULL &&
#if TCP_QUEUE_OOSEQ
	    pcb->ooseq == NULL &&
#endif
	    pcb->refused_data == NULL &&
	    (pcb->flags & (TF_ACK_DELAY | TF_ACK_NOW | TF_CLOSEPEND |
	    TF_NAGLEMEMERR)) == 0 &&
	    pcb->persist_backoff == 0 && pcb->keep_cnt_sent == 0;
}

/* Milliseconds until `limit` ticks of TCP's slow timer have passed since
 * the pcb's last activity; 0 when they have. */
static uint32_t
tcp_left(const struct tcp_pcb *pcb, uint32_t limit)
{
	uint32_t gone = tcp_ticks - pcb->tmr;

	if (gone >= limit)
		return 0;
	return (limit - gone + 1) * TCP_SLOW_INTERVAL;
}

static uint32_t
min32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

/* 0: TCP needs its timer now; else ms until it does (FOREVER: never). */
static uint32_t
tcp_quiet_for(void)
{
	const struct tcp_pcb *pcb;
	uint32_t left = FOREVER;

	for (pcb = tcp_active_pcbs; pcb != NULL; pcb = pcb->next) {
		if (!pcb_quiet(pcb))
			return 0;
		switch (pcb->state) {
		case ESTABLISHED:
		case CLOSE_WAIT:
			if (ip_get_option(pcb, SOF_KEEPALIVE))
				left = min32(left, tcp_left(pcb,
				    pcb->keep_idle / TCP_SLOW_INTERVAL));
			break;
		case FIN_WAIT_2:
			if (pcb->flags & TF_RXCLOSED)
				left = min32(left, tcp_left(pcb,
				    TCP_FIN_WAIT_TIMEOUT / TCP_SLOW_INTERVAL));
			break;
		default:
			return 0;
		}
	}
	for (pcb = tcp_tw_pcbs; pcb != NULL; pcb = pcb->next)
		left = min32(left, tcp_left(pcb,
		    2 * TCP_MSL / TCP_SLOW_INTERVAL));
	return left;
}

static int
groups_pending(struct netif *n)
{
	const struct igmp_group *g;
	const struct mld_group *m;

	for (g = netif_igmp_data(n); g != NULL; g = g->next)
		if (g->timer > 0)
			return 1;
	for (m = netif_mld6_data(n); m != NULL; m = m->next)
		if (m->timer > 0)
			return 1;
	return 0;
}

static int
dad_or_rs_pending(struct netif *n)
{
	u8_t st0 = netif_ip6_addr_state(n, 0);
	int i;

	for (i = 0; i < LWIP_IPV6_NUM_ADDRESSES; i++)
		if (ip6_addr_istentative(netif_ip6_addr_state(n, i)))
			return 1;
	return n->rs_count > 0 && !ip6_addr_isinvalid(st0) &&
	    !ip6_addr_isduplicated(st0);
}

static const char why_dad[] = "DAD or router solicitation";

/* What keeps an interface busy; why_dad when only the ND timer is
 * needed. */
static const char *
netifs_busy(void)
{
	struct netif *n;
	const char *why = NULL;

	NETIF_FOREACH(n) {
		if (!netif_is_up(n) || !netif_is_link_up(n))
			continue;
		if (groups_pending(n))
			return "multicast report pending";
		if (dad_or_rs_pending(n))
			why = why_dad;
	}
	return why;
}

/* ms until the ND timer runs again (it runs every ND6_TMR_INTERVAL from
 * its last run); 0 when it is due or has never run. */
static uint32_t
nd6_tick_in(uint64_t now)
{
	uint64_t last = __atomic_load_n(&note_nd6, __ATOMIC_RELAXED);

	if (last == 0 || now >= last + ND6_TMR_INTERVAL)
		return 0;
	return (uint32_t)(last + ND6_TMR_INTERVAL - now);
}

static int
nd_busy(void)
{
	int i;

	for (i = 0; i < LWIP_ND6_NUM_NEIGHBORS; i++)
		switch (neighbor_cache[i].state) {
		case ND6_INCOMPLETE:
		case ND6_DELAY:
		case ND6_PROBE:
			return 1;
		default:
			break;
		}
	return 0;
}

/*
 * 0: busy (reason in *why); else ms the stack can sleep, FOREVER: no end.
 * *nd: with DAD or a solicitation pending and nothing else busy, ms until
 * the ND timer (which does them) runs; else 0.
 */
static uint32_t
quiet_for(uint64_t now, const char **why, uint32_t *nd)
{
	uint32_t tcp, nb = FOREVER;

	*why = NULL;
	if (nd_busy())
		*why = "neighbour discovery";
	else
		*why = netifs_busy();
	*nd = 0;
	if (*why != NULL && *why != why_dad)
		return 0;
	if ((tcp = tcp_quiet_for()) == 0)
		*why = "TCP timers";
	else if ((nb = min32(neigh_quiet_for(), arp_dad_quiet_for())) == 0)
		*why = "neighbour timers";
	else if ((nb = min32(nb, ifaddr_life_quiet_for())) == 0)
		*why = "address lifetimes";
	else if (*why == why_dad)
		*nd = min32(nd6_tick_in(now), min32(tcp, nb));
	return *why != NULL ? 0 : min32(tcp, nb);
}

/* ---- the sleep decision ---- */

/* Timers that keep ages run once per period slept through. */
static void
catch_up(uint64_t slept_ms)
{
	uint64_t n = slept_ms / ARP_TMR_INTERVAL, i;

	if (n > 1) {
		for (i = 1; i < n && i <= ARP_MAXAGE; i++)
			etharp_tmr();
		for (i = 1; i < n && i <= CATCHUP_ND_MAX; i++)
			nd6_tmr();
	}
	n = slept_ms / TCP_SLOW_INTERVAL;
	if (n > 1)
		tcp_ticks += (u32_t)(n - 1);
}

static void
plan(uint64_t now, u32_t sleep)
{
	uint64_t at = sleep == SYS_TIMEOUTS_SLEEPTIME_INFINITE ? UINT64_MAX :
	    now + sleep;

	__atomic_store_n(&planned_wake, at, __ATOMIC_RELAXED);
}

/* The sleep the stack needs now, and whether it is longer than lwIP's. */
static u32_t
decide(uint64_t now, int *extended)
{
	const char *why;
	u32_t real, quiet, nd;

	*extended = 0;
	real = lwip_real.sys_timeouts_sleeptime();
	if (real == 0 || !netstack_knob(NK_IDLE_ENABLE)) {
		__atomic_store_n(&busy_reason, real == 0 ? "timers due" :
		    "idle policy off", __ATOMIC_RELAXED);
		return real;
	}
	quiet = quiet_for(now, &why, &nd);
	__atomic_store_n(&busy_reason, why, __ATOMIC_RELAXED);
	__atomic_store_n(&stat_idle, quiet != 0, __ATOMIC_RELAXED);
	if (nd != 0 && real != SYS_TIMEOUTS_SLEEPTIME_INFINITE && nd > real)
		return nd;	/* not long: nothing to catch up */
	if (quiet == 0 || (real != SYS_TIMEOUTS_SLEEPTIME_INFINITE &&
	    quiet <= real))
		return real;
	*extended = 1;
	return quiet == FOREVER ? SYS_TIMEOUTS_SLEEPTIME_INFINITE : quiet;
}

/* Core lock held: age what a long sleep left unaged, while that is still
 * safe (see the top of the file), and count the rest from now. */
static void
catch_up_now(uint64_t now)
{
	const char *why;
	uint32_t nd;

	if (!long_sleep)
		return;
	if (quiet_for(now, &why, &nd) != 0)
		catch_up(now - long_sleep_start);
	long_sleep_start = now;
}

void
netstack_enter(void)
{
	catch_up_now(mono_ms());
}

void
netstack_enter_unlocked(void)
{
	uint64_t at = __atomic_load_n(&planned_wake, __ATOMIC_RELAXED);

	if (at <= mono_ms() + POKE_SLACK_MS)
		return;
	netstack_lock();
	netstack_enter();
	netstack_unlock();
}

/* Called by lwIP's tcpip thread, core lock held, before each wait. */
u32_t
sys_timeouts_sleeptime(void)
{
	uint64_t now = mono_ms();
	u32_t sleep;
	int extended;

	__atomic_store_n(&ticking, 1, __ATOMIC_RELAXED);
	catch_up_now(now);
	long_sleep = 0;
	sleep = decide(now, &extended);
	if (extended) {
		long_sleep = 1;
		long_sleep_start = now;
		__atomic_fetch_add(&stat_long_sleeps, 1, __ATOMIC_RELAXED);
	}
	plan(now, sleep);
	return sleep;
}

static void
wake_noop(void *arg)
{
	(void)arg;
}

void
netstack_poke(void)
{
	uint64_t now, at;
	u32_t need;
	int extended;

	now = mono_ms();
	at = __atomic_load_n(&planned_wake, __ATOMIC_RELAXED);
	if (at <= now + POKE_SLACK_MS ||
	    !__atomic_load_n(&ticking, __ATOMIC_RELAXED))
		return;
	need = decide(now, &extended);
	if (need != SYS_TIMEOUTS_SLEEPTIME_INFINITE &&
	    now + need + POKE_SLACK_MS < at) {
		/* Claim the wake-up so that pokers do not pile messages up;
		 * the woken thread plans again. */
		__atomic_store_n(&planned_wake, now, __ATOMIC_RELAXED);
		__atomic_fetch_add(&stat_pokes, 1, __ATOMIC_RELAXED);
		tcpip_try_callback(wake_noop, NULL);
	}
}

void
netstack_poke_unlocked(void)
{
	uint64_t at = __atomic_load_n(&planned_wake, __ATOMIC_RELAXED);

	if (at <= mono_ms() + POKE_SLACK_MS)
		return;
	netstack_lock();
	netstack_poke();
	netstack_unlock();
}

/* ---- sysctl ---- */

static int
reason_get(const struct sysctl_knob *k, char *buf, size_t len)
{
	const char *why = __atomic_load_n(&busy_reason, __ATOMIC_RELAXED);

	(void)k;
	return snprintf(buf, len, "%s", why ? why : "idle") >= (int)len ?
	    -ENOMEM : 0;
}

static int
u64_get(const struct sysctl_knob *k, char *buf, size_t len)
{
	uint64_t v = __atomic_load_n((uint64_t *)k->arg, __ATOMIC_RELAXED);

	return snprintf(buf, len, "%llu", (unsigned long long)v) >=
	    (int)len ? -ENOMEM : 0;
}

static int
count_pcbs(const struct tcp_pcb *pcb)
{
	int n = 0;

	for (; pcb != NULL; pcb = pcb->next)
		n++;
	return n;
}

static int
pcbs_get(const struct sysctl_knob *k, char *buf, size_t len)
{
	int a, tw, l;

	(void)k;
	netstack_lock();
	a = count_pcbs(tcp_active_pcbs);
	tw = count_pcbs(tcp_tw_pcbs);
	l = count_pcbs((const struct tcp_pcb *)tcp_listen_pcbs.pcbs);
	netstack_unlock();
	return snprintf(buf, len, "active %d time_wait %d listen %d", a, tw,
	    l) >= (int)len ? -ENOMEM : 0;
}

static const struct sysctl_knob idle_knobs[] = {
	{ "net.lwip.tcp_pcbs", "TCP connections by list",
	    pcbs_get, NULL, NULL, 0, 0 },
	{ "net.lwip.idle", "1 while the stack sleeps without timers",
	    sysctl_int_get, NULL, &stat_idle, 0, 1 },
	{ "net.lwip.busy", "what keeps the stack's timers running",
	    reason_get, NULL, NULL, 0, 0 },
	{ "net.lwip.idle_sleeps", "sleeps longer than lwIP's own timers",
	    u64_get, NULL, &stat_long_sleeps, 0, 0 },
	{ "net.lwip.pokes", "early wake-ups asked by other threads",
	    u64_get, NULL, &stat_pokes, 0, 0 },
};

int
idle_sysctl_init(void)
{
	size_t i;
	int error;

	for (i = 0; i < sizeof(idle_knobs) / sizeof(idle_knobs[0]); i++)
		if ((error = sysctl_register(&idle_knobs[i])) != 0 &&
		    error != -EEXIST)
			return error;
	return 0;
}
