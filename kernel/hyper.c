/*
 * hyper.c — the host half of the node kernel: threads, locks, clocks,
 * randomness, memory and files, on Linux and glibc.  Nothing else in the
 * kernel core or its components calls pthreads, clock_gettime or
 * getrandom; they come here, so porting the node is porting this file.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "kernel/hyper.h"

_Static_assert(sizeof(pthread_t) <= sizeof(void *),
    "pthread_t must fit in a thread handle");

int
hyp_thread_create(hyp_thread_fn fn, void *arg, const char *name,
    int detached, void **handle)
{
	pthread_attr_t attr;
	pthread_t t;
	sigset_t all;
	char shortname[16];
	int error;

	if ((error = pthread_attr_init(&attr)) != 0)
		return -error;
	/* Signals are the main thread's (rump_server.c): a kernel thread
	 * takes none, whatever the mask of the thread creating it, but the
	 * ones its own faults raise.  Blocked, a fault's signal would kill
	 * the process, passing by its handler: shmif's SIGBUS guard for a
	 * bus file cut short (shmif/bus.c). */
	sigfillset(&all);
	sigdelset(&all, SIGBUS);
	sigdelset(&all, SIGSEGV);
	sigdelset(&all, SIGFPE);
	sigdelset(&all, SIGILL);
	sigdelset(&all, SIGTRAP);
	sigdelset(&all, SIGSYS);
	pthread_attr_setsigmask_np(&attr, &all);
	if (detached)
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	error = pthread_create(&t, &attr, fn, arg);
	pthread_attr_destroy(&attr);
	if (error != 0)
		return -error;
	if (name != NULL) {
		/* Linux keeps 15 characters of a thread's name. */
		snprintf(shortname, sizeof(shortname), "%s", name);
		pthread_setname_np(t, shortname);
	}
	if (handle != NULL)
		*handle = (void *)(uintptr_t)t;
	return 0;
}

int
hyp_thread_join(void *handle)
{
	return -pthread_join((pthread_t)(uintptr_t)handle, NULL);
}

static uint64_t
clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t
hyp_clock_mono_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

uint64_t
hyp_clock_wall_ns(void)
{
	return clock_ns(CLOCK_REALTIME);
}

int
hyp_sleep_ns(uint64_t ns)
{
	struct timespec ts;

	ts.tv_sec = (time_t)(ns / 1000000000u);
	ts.tv_nsec = (long)(ns % 1000000000u);
	while (nanosleep(&ts, &ts) == -1)
		if (errno != EINTR)
			return -errno;
	return 0;
}

int
hyp_random(void *buf, size_t len)
{
	uint8_t *p = buf;
	ssize_t n;

	while (len > 0) {
		n = getrandom(p, len, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

void *
hyp_malloc(size_t len)
{
	return malloc(len);
}

void *
hyp_calloc(size_t n, size_t len)
{
	return calloc(n, len);
}

void
hyp_free(void *p)
{
	free(p);
}

int
hyp_open(const char *path, int flags, int mode)
{
	int fd;

	fd = open(path, flags | O_CLOEXEC, mode);
	return fd < 0 ? -errno : fd;
}

int
hyp_close(int fd)
{
	return close(fd) == -1 ? -errno : 0;
}

int
hyp_getpid(void)
{
	return (int)getpid();
}

int
hyp_mtx_init(hyp_mtx_t *mtx)
{
	return -pthread_mutex_init(&mtx->m, NULL);
}

void
hyp_mtx_destroy(hyp_mtx_t *mtx)
{
	pthread_mutex_destroy(&mtx->m);
}

void
hyp_mtx_enter(hyp_mtx_t *mtx)
{
	pthread_mutex_lock(&mtx->m);
}

void
hyp_mtx_exit(hyp_mtx_t *mtx)
{
	pthread_mutex_unlock(&mtx->m);
}

int
hyp_cv_init(hyp_cv_t *cv)
{
	pthread_condattr_t attr;
	int error;

	if ((error = pthread_condattr_init(&attr)) != 0)
		return -error;
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	error = pthread_cond_init(&cv->c, &attr);
	pthread_condattr_destroy(&attr);
	return -error;
}

void
hyp_cv_destroy(hyp_cv_t *cv)
{
	pthread_cond_destroy(&cv->c);
}

void
hyp_cv_wait(hyp_cv_t *cv, hyp_mtx_t *mtx)
{
	pthread_cond_wait(&cv->c, &mtx->m);
}

int
hyp_cv_timedwait(hyp_cv_t *cv, hyp_mtx_t *mtx, uint64_t deadline_ns)
{
	struct timespec ts;

	ts.tv_sec = (time_t)(deadline_ns / 1000000000u);
	ts.tv_nsec = (long)(deadline_ns % 1000000000u);
	return pthread_cond_timedwait(&cv->c, &mtx->m, &ts) == ETIMEDOUT ?
	    -ETIMEDOUT : 0;
}

void
hyp_cv_signal(hyp_cv_t *cv)
{
	pthread_cond_signal(&cv->c);
}

void
hyp_cv_broadcast(hyp_cv_t *cv)
{
	pthread_cond_broadcast(&cv->c);
}

/* ---- descriptors handed over at start ---- */

static int handover[HYP_HANDOVER_MAX];  /* handover_lk */
static int nhandover;                   /* handover_lk */
static pthread_mutex_t handover_lk = PTHREAD_MUTEX_INITIALIZER;

int
hyp_handover_add(int fd)
{
	int error = 0;

	if (fd < 0 || fcntl(fd, F_GETFD) == -1)
		return -EBADF;
	(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	pthread_mutex_lock(&handover_lk);
	if (nhandover == HYP_HANDOVER_MAX)
		error = -ENOSPC;
	else
		handover[nhandover++] = fd;
	pthread_mutex_unlock(&handover_lk);
	return error;
}

int
hyp_handover_find(int (*match)(int fd, void *arg), void *arg)
{
	int i, fd = -ENOENT;

	pthread_mutex_lock(&handover_lk);
	for (i = 0; i < nhandover && fd < 0; i++)
		if (match(handover[i], arg) == 1)
			fd = handover[i];
	pthread_mutex_unlock(&handover_lk);
	return fd;
}
