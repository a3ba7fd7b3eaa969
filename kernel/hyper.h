/*
 * hyper.h — the hypercall layer (NetBSD's rumpuser): the only part of the
 * kernel core and components that calls the host for threads, clocks,
 * randomness, files and memory.  Host-specific code lives in hyper.c.
 *
 * Contract: functions return 0 or -errno; none prints.
 *
 * Locks and condition variables (added for the kernel core): the types are
 * visible so they can be embedded and statically initialised, but every
 * operation on them goes through hyper.c.  hyp_cv_timedwait() takes an
 * absolute deadline on hyp_clock_mono_ns()'s clock.  Threads created here
 * inherit the creator's signal mask (rump_server blocks its signals first).
 */
#ifndef RUMPLAB_HYPER_H
#define RUMPLAB_HYPER_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

typedef void *(*hyp_thread_fn)(void *);

int      hyp_thread_create(hyp_thread_fn fn, void *arg, const char *name,
             int detached, void **handle);
int      hyp_thread_join(void *handle);
uint64_t hyp_clock_mono_ns(void);
uint64_t hyp_clock_wall_ns(void);
int      hyp_sleep_ns(uint64_t ns);
int      hyp_random(void *buf, size_t len);
void    *hyp_malloc(size_t len);      /* NULL on failure */
void    *hyp_calloc(size_t n, size_t len);
void     hyp_free(void *p);
int      hyp_open(const char *path, int flags, int mode);   /* fd or -errno */
int      hyp_close(int fd);
int      hyp_getpid(void);

/*
 * Host descriptors handed to the node when it starts (rump_server -t):
 * a launcher opens what the node may not open itself (a tap the lab
 * created) and leaves it open across exec.  The registry keeps each one
 * open for the node's life; a driver finds the one match() accepts (1)
 * and uses a dup() of it.  add: 0, -EBADF (not open) or -ENOSPC (more
 * than HYP_HANDOVER_MAX); find: the descriptor, still the registry's, or
 * -ENOENT.  Both from any thread.
 */
#define HYP_HANDOVER_MAX 16
int      hyp_handover_add(int fd);
int      hyp_handover_find(int (*match)(int fd, void *arg), void *arg);

typedef struct { pthread_mutex_t m; } hyp_mtx_t;
typedef struct { pthread_cond_t c; } hyp_cv_t;
#define HYP_MTX_INITIALIZER { PTHREAD_MUTEX_INITIALIZER }

int      hyp_mtx_init(hyp_mtx_t *mtx);
void     hyp_mtx_destroy(hyp_mtx_t *mtx);
void     hyp_mtx_enter(hyp_mtx_t *mtx);
void     hyp_mtx_exit(hyp_mtx_t *mtx);
int      hyp_cv_init(hyp_cv_t *cv);
void     hyp_cv_destroy(hyp_cv_t *cv);
void     hyp_cv_wait(hyp_cv_t *cv, hyp_mtx_t *mtx);
/* 0 when signalled (or spuriously woken), -ETIMEDOUT past deadline_ns. */
int      hyp_cv_timedwait(hyp_cv_t *cv, hyp_mtx_t *mtx, uint64_t deadline_ns);
void     hyp_cv_signal(hyp_cv_t *cv);
void     hyp_cv_broadcast(hyp_cv_t *cv);

#endif
