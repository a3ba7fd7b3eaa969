/*
 * netloop.c — the node's network loop: lwIP's tcpip thread reads the
 * node's buses too, and in rump_server that thread is the main thread
 * (component_loop_offer() in kernel/component.h), so that an idle node is
 * one thread, whatever its number of interfaces.
 *
 * Why: a node was a main thread, the tcpip thread, a sysproxy acceptor, a
 * bus watcher and one receive thread per interface: 5-6 tasks for a
 * router.  This machine kind's kernel.pid_max is 32768, a limit an
 * unprivileged user cannot raise, and it counts threads: a lab stopped at
 * about 5,600 nodes.  A thread asleep also costs its kernel stack and
 * task (~20 KiB) and its touched user stack.
 *
 * How: a bus wakes its readers with a FUTEX_WAKE on a word of the shared
 * mapping (shmif/FORMAT.txt), and futex_waitv(2) (Linux 5.16) sleeps on
 * up to 128 futex words at once.  lwIP's mailbox is replaced by one whose
 * "something was posted" is a futex word too (liblwip.so calls sys_mbox_*
 * and sys_arch_mbox_fetch through its PLT, so these definitions are the
 * process's), and the tcpip thread, waiting for its next message, waits
 * on that word and on every bus's in one futex_waitv, with the deadline of
 * its next timer.  A bus with frames is read there, outside the core lock
 * as the receive threads did (input takes the core lock per batch); a
 * message is returned to lwIP as before.  After traffic the loop spins
 * 10 us over its sources before sleeping, as the receive threads did (see
 * RX_SPIN_US in if_shmif.c for the measurements behind it).
 *
 * What it gives up: a futex_waitv sleeper cannot use the wake map's bit
 * (FORMAT.txt), so a frame this node's other threads send (a client's
 * TCP segment sent from its sysproxy thread) wakes the loop once more if
 * it sleeps.  A kernel without futex_waitv makes netloop_add() fail with
 * ENOSYS and the interface reads on a thread of its own, as before; so
 * does an interface past the 127th.
 *
 * The main thread: when rump_server offers it, tcpip_init() starts no
 * thread; lwIP's thread function is kept, and loop_run() runs it on the
 * main thread once the node is booted (the boot uses the stack under the
 * core lock, as every other thread does).  The server's signal handlers
 * and SIGIO call loop_interrupt(), which sets `interrupted` and bumps the
 * mailbox's word, and the loop calls the server's hook on its way to
 * sleep; a hook that says stop is left by siglongjmp() out of lwIP's
 * frames, which hold nothing while the loop waits (the core lock is not
 * held in a mailbox fetch).  A halt that needs the stack still
 * (loop_detach()) gets the tcpip thread as before.  Why one thread: on
 * this 2-core guest, 10,000 bare processes took 12.9-13.9 s to end on a
 * signal with a second thread joined at exit, 4.2-4.8 s without, 4.8 s
 * with one created and joined before (a thread during the boot alone
 * would cost nothing at exit), and 2.5 s when the signal's default
 * action ended them.  The 10,000 SIGUSR1s of a 10,000-node `down` (the
 * nodes' exits run as the signals land) took the supervisor 9.5 s to
 * send with two threads a node, 8.4 s with one whose handler _exit()ed,
 * and 4.0 s with SIGUSR1 left its default action (rump_server.c).
 *
 * Stopping: netloop_stop() ends the thread before the process exits.  A
 * process whose main thread exits while another still uses its memory
 * makes Linux look for a new owner of the memory (mm_update_next_owner(),
 * for its memory cgroup): its siblings, then every task on the machine.
 * A lab's nodes are all the supervisor's children, so each node's exit
 * walked the whole lab: `rumplab down` of 10,000 nodes was quadratic.
 *
 * Threads: sources are added and removed by configuration threads, under
 * src_lk, which the loop holds while it reads its sources (not while it
 * sleeps).  The loop may take the core lock inside a source's run, so
 * netloop_add() and netloop_remove() are never called with it held.
 * Mailboxes: mb->lk guards the ring; seq is bumped after every post and
 * is the futex word fetchers sleep on; `sleepers` (seq_cst, against seq's
 * seq_cst increment) saves the FUTEX_WAKE when nobody sleeps.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "lwip/opt.h"
#include "lwip/sys.h"
#include "lwip/tcpip.h"

#include "kernel/component.h"
#include "kernel/hyper.h"
#include "netcomp/netloop.h"
#include "netcomp/override.h"

#define SPIN_NS         (10 * 1000)     /* after traffic, as RX_SPIN_US */
#define MAXSRC          (FUTEX_WAITV_MAX - 1)   /* one word is the mbox's */
#define MBOX_MIN        128             /* lwIP's unix port: SYS_MBOX_SIZE */
#define RUN_ROUNDS      4               /* batches a source runs per turn */

/* ---- futexes ---- */

static long
futex_op(uint32_t *w, int op, uint32_t val, const struct timespec *ts)
{
	return syscall(SYS_futex, w, op, val, ts, NULL, 0);
}

static long
futex_waitv(struct futex_waitv *w, unsigned n, const struct timespec *ts)
{
	return syscall(SYS_futex_waitv, w, n, 0, ts, CLOCK_MONOTONIC);
}

static uint64_t
now_ns(void)
{
	return hyp_clock_mono_ns();
}

static void
abs_ts(uint64_t ns, struct timespec *ts)
{
	ts->tv_sec = (time_t)(ns / 1000000000u);
	ts->tv_nsec = (long)(ns % 1000000000u);
}

/* ---- mailboxes ---- */

struct sys_mbox {
	pthread_mutex_t lk;
	uint32_t seq;                   /* bumped after every post: futex */
	uint32_t sleepers;              /* fetchers in a futex wait */
	unsigned head, count, cap, soft; /* soft: trypost's limit */
	void **ring;
};

err_t
sys_mbox_new(sys_mbox_t *mbox, int size)
{
	struct sys_mbox *mb;
	unsigned cap = size > MBOX_MIN ? (unsigned)size : MBOX_MIN;

	if ((mb = calloc(1, sizeof(*mb))) == NULL ||
	    (mb->ring = calloc(cap, sizeof(void *))) == NULL) {
		free(mb);
		return ERR_MEM;
	}
	pthread_mutex_init(&mb->lk, NULL);
	mb->cap = mb->soft = cap;
	*mbox = mb;
	return ERR_OK;
}

void
sys_mbox_free(sys_mbox_t *mbox)
{
	struct sys_mbox *mb = *mbox;

	if (mb == NULL)
		return;
	pthread_mutex_destroy(&mb->lk);
	free(mb->ring);
	free(mb);
	*mbox = NULL;
}

static void
mb_wake(struct sys_mbox *mb)
{
	__atomic_add_fetch(&mb->seq, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&mb->sleepers, __ATOMIC_SEQ_CST) != 0)
		futex_op(&mb->seq, FUTEX_WAKE_PRIVATE, INT_MAX, NULL);
}

/* Post, growing the ring past its size (lwIP's post blocks when full; a
 * thread that posts to its own full mailbox would never return). */
static err_t
mb_put(struct sys_mbox *mb, void *msg, int must)
{
	void **r;
	unsigned i;

	pthread_mutex_lock(&mb->lk);
	if (mb->count >= mb->soft && !must) {
		pthread_mutex_unlock(&mb->lk);
		return ERR_MEM;
	}
	if (mb->count == mb->cap) {
		if ((r = calloc(mb->cap * 2, sizeof(void *))) == NULL) {
			pthread_mutex_unlock(&mb->lk);
			return ERR_MEM;
		}
		for (i = 0; i < mb->count; i++)
			r[i] = mb->ring[(mb->head + i) % mb->cap];
		free(mb->ring);
		mb->ring = r;
		mb->head = 0;
		mb->cap *= 2;
	}
	mb->ring[(mb->head + mb->count) % mb->cap] = msg;
	__atomic_store_n(&mb->count, mb->count + 1, __ATOMIC_SEQ_CST);
	pthread_mutex_unlock(&mb->lk);
	mb_wake(mb);
	return ERR_OK;
}

void
sys_mbox_post(sys_mbox_t *mbox, void *msg)
{
	/* Only out of memory can fail it: keep trying, as lwIP's waits. */
	while (mb_put(*mbox, msg, 1) != ERR_OK)
		hyp_sleep_ns(1000000u);
}

err_t
sys_mbox_trypost(sys_mbox_t *mbox, void *msg)
{
	return mb_put(*mbox, msg, 0);
}

err_t
sys_mbox_trypost_fromisr(sys_mbox_t *mbox, void *msg)
{
	return mb_put(*mbox, msg, 0);
}

/* 1 and the message when there is one. */
static int
mb_take(struct sys_mbox *mb, void **msg)
{
	void *m;

	if (__atomic_load_n(&mb->count, __ATOMIC_SEQ_CST) == 0)
		return 0;
	pthread_mutex_lock(&mb->lk);
	if (mb->count == 0) {
		pthread_mutex_unlock(&mb->lk);
		return 0;
	}
	m = mb->ring[mb->head];
	mb->head = (mb->head + 1) % mb->cap;
	__atomic_store_n(&mb->count, mb->count - 1, __ATOMIC_SEQ_CST);
	pthread_mutex_unlock(&mb->lk);
	if (msg != NULL)
		*msg = m;
	return 1;
}

u32_t
sys_arch_mbox_tryfetch(sys_mbox_t *mbox, void **msg)
{
	return mb_take(*mbox, msg) ? 0 : SYS_MBOX_EMPTY;
}

static u32_t
elapsed_ms(uint64_t t0)
{
	uint64_t ms = (now_ns() - t0) / 1000000u;

	return ms >= SYS_ARCH_TIMEOUT ? SYS_ARCH_TIMEOUT - 1 : (u32_t)ms;
}

/* Any thread but the loop: sleep on seq alone. */
static u32_t
mb_fetch(struct sys_mbox *mb, void **msg, u32_t timeout)
{
	uint64_t t0 = now_ns(), deadline = t0 + (uint64_t)timeout * 1000000u;
	struct timespec ts;
	uint64_t now;
	uint32_t v;

	for (;;) {
		if (mb_take(mb, msg))
			return elapsed_ms(t0);
		now = now_ns();
		if (timeout != 0 && now >= deadline)
			return SYS_ARCH_TIMEOUT;
		__atomic_add_fetch(&mb->sleepers, 1, __ATOMIC_SEQ_CST);
		v = __atomic_load_n(&mb->seq, __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&mb->count, __ATOMIC_SEQ_CST) == 0) {
			if (timeout != 0) {
				ts.tv_sec = (time_t)((deadline - now) /
				    1000000000u);
				ts.tv_nsec = (long)((deadline - now) %
				    1000000000u);
			}
			futex_op(&mb->seq, FUTEX_WAIT_PRIVATE, v,
			    timeout != 0 ? &ts : NULL);
		}
		__atomic_sub_fetch(&mb->sleepers, 1, __ATOMIC_SEQ_CST);
	}
}

/* ---- the loop ---- */

struct netloop_src {
	struct netloop_src *next;
	const struct netloop_ops *ops;
	void *arg;
};

static pthread_mutex_t src_lk = PTHREAD_MUTEX_INITIALIZER;
static struct netloop_src *srcs;        /* src_lk */
static int nsrc;                        /* src_lk */
static struct sys_mbox *loop_mbox;      /* the tcpip thread's, once seen */
static int loop_exists;                 /* atomic: a tcpip thread began */
static int have_waitv = -1;             /* -1 not probed, 0 no, 1 yes */
static uint64_t stat_sleeps, stat_wakeups;  /* atomics */
static __thread int on_loop;            /* this thread is the loop */
static pid_t loop_tid;                  /* atomic: its thread id, 0: none */

/* The main thread's loop (component_loop_offer()): lwIP's tcpip thread
 * function, kept here instead of run on a thread, and what runs it. */
static struct start {
	lwip_thread_fn fn;
	void *arg;
} deferred;                             /* main thread */
static __thread int in_run;             /* in loop_run() on this thread */
static volatile sig_atomic_t interrupted;
static int (*run_hook)(void *);
static void *run_arg;
static sigjmp_buf run_jb;
static int run_ret;

/* src_lk held: run every source that has work; 1 if any had. */
static int
run_sources(void)
{
	struct netloop_src *s;
	uint32_t *w, v;
	int did = 0, k;

	for (s = srcs; s != NULL; s = s->next)
		for (k = 0; k < RUN_ROUNDS && s->ops->prepare(s->arg, &w, &v);
		    k++)
			if (s->ops->run(s->arg))
				did = 1;
			else
				break;
	return did;
}

/* The main thread's hook, after an interrupt; it returns out of the loop
 * (loop_run()) when the hook says so.  The core lock is not held. */
static void
run_interrupt(void)
{
	int r;

	if (!in_run || !__atomic_exchange_n(&interrupted, 0, __ATOMIC_SEQ_CST))
		return;
	if ((r = run_hook(run_arg)) != 0) {
		run_ret = r;
		siglongjmp(run_jb, 1);
	}
}

/*
 * Sleep until a post, a source's word changes, or the deadline (0: none).
 * Returns at once when anything is waiting already.
 */
static void
loop_sleep(struct sys_mbox *mb, uint64_t deadline)
{
	struct futex_waitv wv[FUTEX_WAITV_MAX];
	struct netloop_src *who[FUTEX_WAITV_MAX];
	struct netloop_src *s;
	struct timespec ts;
	uint32_t *w, v;
	unsigned n = 1;
	long r;

	memset(wv, 0, sizeof(wv[0]));
	__atomic_add_fetch(&mb->sleepers, 1, __ATOMIC_SEQ_CST);
	wv[0].uaddr = (uintptr_t)&mb->seq;
	wv[0].val = __atomic_load_n(&mb->seq, __ATOMIC_SEQ_CST);
	wv[0].flags = FUTEX_32 | FUTEX_PRIVATE_FLAG;
	/* An interrupt bumps seq after setting `interrupted`: seen here,
	 * or the wait below returns at once. */
	if (__atomic_load_n(&mb->count, __ATOMIC_SEQ_CST) != 0 ||
	    (in_run && __atomic_load_n(&interrupted, __ATOMIC_SEQ_CST)))
		goto out;
	pthread_mutex_lock(&src_lk);
	for (s = srcs; s != NULL; s = s->next) {
		if (s->ops->prepare(s->arg, &w, &v)) {
			pthread_mutex_unlock(&src_lk);
			goto out;
		}
		memset(&wv[n], 0, sizeof(wv[n]));
		wv[n].uaddr = (uintptr_t)w;
		wv[n].val = v;
		wv[n].flags = FUTEX_32;
		who[n++] = s;
	}
	pthread_mutex_unlock(&src_lk);
	/*
	 * A source removed from here on was unlinked before its remover
	 * bumped seq, which wv[0] still holds the old value of: the wait
	 * below returns at once and never reads a word unmapped since.
	 */
	if (deadline != 0)
		abs_ts(deadline, &ts);
	__atomic_add_fetch(&stat_sleeps, 1, __ATOMIC_RELAXED);
	r = futex_waitv(wv, n, deadline != 0 ? &ts : NULL);
	if (r >= 1 && (unsigned)r < n) {
		__atomic_add_fetch(&stat_wakeups, 1, __ATOMIC_RELAXED);
		pthread_mutex_lock(&src_lk);
		for (s = srcs; s != NULL; s = s->next)
			if (s == who[r] && s->ops->woken != NULL)
				s->ops->woken(s->arg);
		pthread_mutex_unlock(&src_lk);
	} else if (r == 0)
		__atomic_add_fetch(&stat_wakeups, 1, __ATOMIC_RELAXED);
out:
	__atomic_sub_fetch(&mb->sleepers, 1, __ATOMIC_SEQ_CST);
}

/* The tcpip thread's wait for its next message (core lock not held). */
static u32_t
loop_fetch(struct sys_mbox *mb, void **msg, u32_t timeout)
{
	uint64_t t0 = now_ns(), spin_end = 0, now;
	uint64_t deadline = timeout != 0 ? t0 + (uint64_t)timeout * 1000000u :
	    0;
	int did;

	if (loop_mbox == NULL)
		__atomic_store_n(&loop_mbox, mb, __ATOMIC_RELEASE);
	for (;;) {
		run_interrupt();
		pthread_mutex_lock(&src_lk);
		did = run_sources();
		pthread_mutex_unlock(&src_lk);
		if (mb_take(mb, msg))
			return elapsed_ms(t0);
		now = now_ns();
		if (deadline != 0 && now >= deadline)
			return SYS_ARCH_TIMEOUT;
		if (did) {
			spin_end = now + SPIN_NS;
			continue;
		}
		if (now < spin_end) {
			sched_yield();
			continue;
		}
		loop_sleep(mb, deadline);
	}
}

u32_t
sys_arch_mbox_fetch(sys_mbox_t *mbox, void **msg, u32_t timeout)
{
	if (on_loop && have_waitv == 1)
		return loop_fetch(*mbox, msg, timeout);
	return mb_fetch(*mbox, msg, timeout);
}

/* ---- the tcpip thread ---- */

static void
loop_main(void *arg)
{
	struct start st = *(struct start *)arg;

	free(arg);
	on_loop = 1;
	__atomic_store_n(&loop_tid, (pid_t)syscall(SYS_gettid),
	    __ATOMIC_RELEASE);
	pthread_setname_np(pthread_self(), "netloop");
	st.fn(st.arg);
}

static void kick(void);

static int
probe_waitv(void)
{
	if (have_waitv < 0)
		have_waitv = futex_waitv(NULL, 0, NULL) < 0 && errno == ENOSYS ?
		    0 : 1;
	return have_waitv;
}

int
netloop_deferring(void)
{
	return probe_waitv() == 1 && component_loop_offered();
}

/*
 * The loop on the main thread: lwIP's tcpip thread function, run here.
 * It never returns; run_interrupt() jumps out of it (and out of lwIP's
 * frames, which hold nothing while the loop waits: the core lock is not
 * held in a mailbox fetch).
 */
static int
loop_run(int (*hook)(void *), void *arg)
{
	if (deferred.fn == NULL)
		return -ENOSYS;
	run_hook = hook;
	run_arg = arg;
	if (sigsetjmp(run_jb, 0) != 0) {
		in_run = 0;
		on_loop = 0;
		__atomic_store_n(&loop_tid, 0, __ATOMIC_RELEASE);
		return run_ret;
	}
	in_run = 1;
	on_loop = 1;
	__atomic_store_n(&loop_tid, (pid_t)syscall(SYS_gettid),
	    __ATOMIC_RELEASE);
	deferred.fn(deferred.arg);
	abort();		/* lwIP's tcpip_thread() never returns */
}

static void
loop_interrupt(void)
{
	__atomic_store_n(&interrupted, 1, __ATOMIC_SEQ_CST);
	kick();
}

/* After loop_run() returned: the tcpip thread as when nobody offered the
 * main thread, for a halt that still needs the stack. */
static void *
detached_main(void *arg)
{
	loop_main(arg);
	return NULL;
}

static int
loop_detach(void)
{
	struct start *st;
	int error;

	if (deferred.fn == NULL || __atomic_load_n(&loop_tid,
	    __ATOMIC_ACQUIRE) != 0)
		return -EINVAL;
	if ((st = malloc(sizeof(*st))) == NULL)
		return -ENOMEM;
	*st = deferred;
	/* Not lwIP's sys_thread_new(), which aborts when it cannot: a
	 * halt near the machine's task limit goes on without the loop. */
	if ((error = hyp_thread_create(detached_main, st, "netloop", 1,
	    NULL)) != 0)
		free(st);
	return error;
}

static const struct component_loop main_loop = {
	.run = loop_run,
	.interrupt = loop_interrupt,
	.detach = loop_detach,
};

sys_thread_t
sys_thread_new(const char *name, lwip_thread_fn fn, void *arg, int stack,
    int prio)
{
	struct start *st;

	if (strcmp(name, TCPIP_THREAD_NAME) != 0)
		return lwip_real.sys_thread_new(name, fn, arg, stack,
		    prio);
	if (netloop_deferring()) {
		deferred.fn = fn;
		deferred.arg = arg;
		component_loop_take(&main_loop);
		__atomic_store_n(&loop_exists, 1, __ATOMIC_RELEASE);
		return NULL;	/* tcpip_init() ignores it */
	}
	if ((st = malloc(sizeof(*st))) == NULL)
		return lwip_real.sys_thread_new(name, fn, arg, stack,
		    prio);
	st->fn = fn;
	st->arg = arg;
	__atomic_store_n(&loop_exists, 1, __ATOMIC_RELEASE);
	return lwip_real.sys_thread_new(name, loop_main, st, stack,
	    prio);
}

/* ---- sources ---- */

/* Make a sleeping loop look at its sources again. */
static void
kick(void)
{
	struct sys_mbox *mb = __atomic_load_n(&loop_mbox, __ATOMIC_ACQUIRE);

	if (mb != NULL)
		mb_wake(mb);
}

int
netloop_add(const struct netloop_ops *ops, void *arg,
    struct netloop_src **srcp)
{
	struct netloop_src *s;

	if (!__atomic_load_n(&loop_exists, __ATOMIC_ACQUIRE) ||
	    have_waitv != 1)
		return -ENOSYS;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return -ENOMEM;
	s->ops = ops;
	s->arg = arg;
	pthread_mutex_lock(&src_lk);
	if (nsrc >= MAXSRC) {
		pthread_mutex_unlock(&src_lk);
		free(s);
		return -ENOSPC;
	}
	s->next = srcs;
	srcs = s;
	nsrc++;
	pthread_mutex_unlock(&src_lk);
	kick();
	*srcp = s;
	return 0;
}

void
netloop_remove(struct netloop_src *src)
{
	struct netloop_src **pp;

	pthread_mutex_lock(&src_lk);
	for (pp = &srcs; *pp != NULL; pp = &(*pp)->next)
		if (*pp == src) {
			*pp = src->next;
			nsrc--;
			break;
		}
	pthread_mutex_unlock(&src_lk);
	kick();
	free(src);
}

/* On the tcpip thread, core lock held: the thread ends here, the lock
 * with it (nothing takes it once the stack is stopped). */
static void
loop_exit(void *arg)
{
	(void)arg;
	syscall(SYS_exit, 0);
}

/*
 * Waits for the loop's thread to be gone, and its hold on the process's
 * memory with it (a main thread that exits first sets off the kernel's
 * search for a new owner: quick_halt() in rump_server.c): one sleep on
 * a pidfd of the thread (PIDFD_THREAD, Linux 6.9), readable only once
 * the thread has let go of the memory and exited.  Without one, it
 * looks once a millisecond, waking the stopping node each time.  A
 * 10,000-node down, where the thread may queue behind thousands of
 * others, took no less time with the pidfd (measured together with the
 * supervisor's changes of the same commit): the exits' own page-table
 * work is most of it.
 */
#define GONE_WAIT_MS	1000
#ifndef PIDFD_THREAD
#define PIDFD_THREAD	O_EXCL
#endif

static void
thread_gone(pid_t tid)
{
	struct timespec ts = { 0, 1000 * 1000 };
	struct pollfd p;
	int i, fd;

	if ((fd = (int)syscall(SYS_pidfd_open, tid, PIDFD_THREAD)) >= 0) {
		p.fd = fd;
		p.events = POLLIN;
		while (poll(&p, 1, GONE_WAIT_MS) < 0 && errno == EINTR)
			continue;
		close(fd);
		return;
	}
	if (errno == ESRCH)
		return;
	for (i = 0; i < 1000 && syscall(SYS_tgkill, getpid(), tid, 0) == 0;
	    i++)
		nanosleep(&ts, NULL);
}

void
netloop_stop(void)
{
	pid_t tid = __atomic_load_n(&loop_tid, __ATOMIC_ACQUIRE);

	if (tid == 0 || tcpip_try_callback(loop_exit, NULL) != ERR_OK)
		return;
	thread_gone(tid);
	__atomic_store_n(&loop_tid, 0, __ATOMIC_RELEASE);
}

void
netloop_stats(uint64_t *sleeps, uint64_t *wakeups)
{
	*sleeps = __atomic_load_n(&stat_sleeps, __ATOMIC_RELAXED);
	*wakeups = __atomic_load_n(&stat_wakeups, __ATOMIC_RELAXED);
}
