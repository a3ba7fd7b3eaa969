/*
 * netloop.h — the node's network loop: lwIP's tcpip thread, which also
 * reads the node's buses, and in rump_server is the main thread, so that
 * an idle node is one thread asleep (see netloop.c).
 */
#ifndef RUMPLAB_NETCOMP_NETLOOP_H
#define RUMPLAB_NETCOMP_NETLOOP_H

#include <stdint.h>

/*
 * A source of work the loop sleeps on beside its mailbox: a bus.
 *  prepare  1 when work is waiting (run it now); else 0 with the futex
 *           word to sleep on and the value it must still hold.  Called
 *           with the loop's source lock held; it must not block.
 *  run      do the work; 1 if there was any.  May take the core lock.
 *  woken    the loop woke on this source's word (statistics), or NULL.
 * The word is in a shared mapping (a bus file): it is waited on as a
 * shared futex.
 */
struct netloop_ops {
	int  (*prepare)(void *arg, uint32_t **word, uint32_t *val);
	int  (*run)(void *arg);
	void (*woken)(void *arg);
};

struct netloop_src;

/*
 * Add a source: 0, or -ENOSYS (the kernel has no futex_waitv(2), or no
 * loop runs in this process: the caller reads on a thread of its own) or
 * -ENOSPC (the loop waits on 127 sources already).  Never with the core
 * lock held.
 */
int  netloop_add(const struct netloop_ops *ops, void *arg,
         struct netloop_src **srcp);

/* Remove it; on return the loop neither runs it nor reads its word, and
 * what it reads may be unmapped.  Never with the core lock held. */
void netloop_remove(struct netloop_src *src);

/*
 * 1 when lwIP's tcpip thread will not be started: the main thread was
 * offered (component_loop_offer()) and the loop takes it; tcpip_init()
 * then returns with the stack usable under the core lock, and its init
 * callback would run at every start of the loop (give none).
 */
int  netloop_deferring(void);

/* Ends the tcpip thread, once the stack is stopped and before the process
 * exits; waits up to 1 s for it to be gone.  Nothing may use the stack
 * afterwards. */
void netloop_stop(void);

/* Wake-ups of the loop so far, and how many had work (sysctl). */
void netloop_stats(uint64_t *sleeps, uint64_t *wakeups);

#endif
