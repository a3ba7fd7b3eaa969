/*
 * kcall.c — cancellable client calls (see kernel/kcall.h).
 */
#include <errno.h>
#include <stddef.h>

#include "kernel/hyper.h"
#include "kernel/kcall.h"

static hyp_mtx_t kc_mtx = HYP_MTX_INITIALIZER;
static __thread struct kcall *cur;

void
kcall_enter(struct kcall *kc)
{
	cur = kc;
}

void
kcall_leave(void)
{
	cur = NULL;
}

int
kcall_sleep_begin(void (*wake)(void *), void *arg)
{
	int error = 0;

	if (cur == NULL)
		return 0;
	hyp_mtx_enter(&kc_mtx);
	if (__atomic_load_n(&cur->cancelled, __ATOMIC_ACQUIRE))
		error = -EINTR;
	else {
		cur->wake = wake;
		cur->arg = arg;
	}
	hyp_mtx_exit(&kc_mtx);
	return error;
}

void
kcall_sleep_end(void)
{
	if (cur == NULL)
		return;
	hyp_mtx_enter(&kc_mtx);
	cur->wake = NULL;
	cur->arg = NULL;
	hyp_mtx_exit(&kc_mtx);
}

int
kcall_cancelled(void)
{
	return cur != NULL && __atomic_load_n(&cur->cancelled, __ATOMIC_ACQUIRE);
}

void
kcall_cancel(struct kcall *kc)
{
	hyp_mtx_enter(&kc_mtx);
	__atomic_store_n(&kc->cancelled, 1, __ATOMIC_RELEASE);
	if (kc->wake != NULL)
		kc->wake(kc->arg);
	hyp_mtx_exit(&kc_mtx);
}
