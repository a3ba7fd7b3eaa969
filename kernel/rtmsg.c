/*
 * rtmsg.c — the node's routing messages (rtmsg.h): a ring of the last
 * RTMSG_RING, a number for each, and the readers that wait for them.
 *
 * Readers sleep on one condition variable; a post broadcasts it.  A read
 * is cancelled (the client's signal, its connection gone) through
 * kcall's wake function, which takes this file's lock after kcall's own:
 * so rtmsg_read() never asks kcall for anything with the lock held.
 */
#include <errno.h>
#include <string.h>

#include "kernel/hyper.h"
#include "kernel/kcall.h"
#include "kernel/rtmsg.h"

/* Static: the first post may come before any reader.  The condition
 * variable is waited on without a deadline, so the default clock does. */
static hyp_mtx_t mtx = HYP_MTX_INITIALIZER;
static hyp_cv_t cv = { PTHREAD_COND_INITIALIZER };
static struct rump_rtmsg ring[RTMSG_RING];     /* mtx */
static uint32_t nextseq = 1;    /* mtx: the number the next post gets */
static uint64_t posted;         /* mtx: messages made since the start */

static __thread uint32_t caller_pid, caller_reqid;

void
rtmsg_caller(uint32_t pid, uint32_t reqid)
{
	caller_pid = pid;
	caller_reqid = reqid;
}

void
rtmsg_post(struct rump_rtmsg *m)
{
	m->pid = caller_pid;
	m->reqid = caller_reqid;
	hyp_mtx_enter(&mtx);
	m->seq = nextseq++;
	posted++;
	ring[m->seq % RTMSG_RING] = *m;
	hyp_cv_broadcast(&cv);
	hyp_mtx_exit(&mtx);
}

static void
read_wake(void *arg)
{
	(void)arg;
	hyp_mtx_enter(&mtx);
	hyp_cv_broadcast(&cv);
	hyp_mtx_exit(&mtx);
}

/*
 * Numbers wrap: a reader's place is its distance behind the next number,
 * and a number at or ahead of it (0 given: the next one) is waited for.
 */
int
rtmsg_read(uint32_t *next, struct rump_rtmsg *out, int max, uint32_t *lost)
{
	uint32_t want, behind, kept;
	int n = 0, error;

	*lost = 0;
	if ((error = kcall_sleep_begin(read_wake, NULL)) != 0)
		return error;
	hyp_mtx_enter(&mtx);
	want = *next != 0 ? *next : nextseq;
	while (((behind = nextseq - want) == 0 || behind > UINT32_MAX / 2) &&
	    !kcall_cancelled())
		hyp_cv_wait(&cv, &mtx);
	if (behind != 0 && behind <= UINT32_MAX / 2) {
		kept = posted < RTMSG_RING ? (uint32_t)posted : RTMSG_RING;
		if (behind > kept) {
			*lost = behind - kept;
			want = nextseq - kept;
		}
		for (; want != nextseq && n < max; want++, n++)
			out[n] = ring[want % RTMSG_RING];
	}
	hyp_mtx_exit(&mtx);
	kcall_sleep_end();
	*next = want;
	return n > 0 ? n : -EINTR;
}
