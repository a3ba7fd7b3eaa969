/*
 * kcall.h — a client's call in progress on a node thread, and how it is
 * cancelled: by the client (sysproxy CANCEL, when a signal or a host
 * descriptor ended its wait first), or because its process went away.
 *
 * The transport gives every call a struct kcall and makes it the running
 * thread's current call (kcall_enter/kcall_leave).  A backend that sleeps
 * for a client brackets the sleep with kcall_sleep_begin(), passing a
 * function that ends that sleep, and kcall_sleep_end().  kcall_cancel()
 * sets the call's flag and runs that function, so a sleeping call wakes at
 * once and a call about to sleep sees the flag first; after waking, the
 * backend asks kcall_cancelled() and returns -EINTR.  A thread with no
 * current call (a component's own thread) is never cancelled.
 *
 * Locks: one mutex guards every call's wake pointer, and the wake
 * function runs with it held: it must not sleep (raising an event does
 * not).  The flag itself is read without the lock, so kcall_cancelled()
 * may be called with any lock held.
 */
#ifndef RUMPLAB_KCALL_H
#define RUMPLAB_KCALL_H

struct kcall {
	int    cancelled;               /* atomic */
	void (*wake)(void *);           /* kcall mutex */
	void  *arg;                     /* kcall mutex */
};

void kcall_enter(struct kcall *kc);     /* kc zeroed by the caller */
void kcall_leave(void);
/* The current call's sleep can be ended with wake(arg): 0, or -EINTR when
 * the call is already cancelled (then nothing is registered). */
int  kcall_sleep_begin(void (*wake)(void *), void *arg);
void kcall_sleep_end(void);
/* Was the current call cancelled?  0 on a thread without one. */
int  kcall_cancelled(void);
void kcall_cancel(struct kcall *kc);

#endif
