/*
 * sysproxy_calls.h — the system calls behind sysproxy: one handler per
 * call number, run on behalf of a client process.
 *
 * Contract: sp_calls_run() may block (the calls marked blocking in the
 * codec table); it fills rep's body members (not its header) and returns
 * the reply's ret (>= 0 or -errno).  Memory the reply points to is in out;
 * free out->heap with hyp_free() after the reply is encoded.  HELLO is the
 * transport's, not a call here.
 */
#ifndef RUMPLAB_SYSPROXY_CALLS_H
#define RUMPLAB_SYSPROXY_CALLS_H

#include "kernel/proc.h"
#include "kernel/sysproxy_wire.h"

struct sp_out {
	uint8_t opt[SP_MAXOPT];
	void   *heap;
};

int sp_calls_run(struct proc *p, const struct sp_msg *req, struct sp_msg *rep,
        struct sp_out *out);
/* Recv, read, sendto, write and poll tried without waiting, on the reader
 * thread: 1 when answered (*ret), 0 when the call must go to the pool
 * after all, *sent bytes of it already sent (see sysproxy_calls.c). */
int sp_calls_try(struct proc *p, const struct sp_msg *req, struct sp_msg *rep,
        struct sp_out *out, int *ret, uint32_t *sent);

#endif
