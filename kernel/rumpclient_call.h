/*
 * rumpclient_call.h — inside librumpclient: one sysproxy call over the
 * process's connection (rumpclient.c), used by the rump_sys_* wrappers
 * (rumpclient_sys.c).  Not installed.
 *
 * Contract: connects on first use; safe from any thread; blocks until the
 * reply.  Returns the reply's ret (>= 0 or -errno; -EHOSTDOWN never
 * connected, -ENOTCONN connection lost).  On a reply *framep holds the
 * frame rep points into: free() it.  Sets the thread's
 * rumpclient_lastdetail().
 */
#ifndef RUMPLAB_RUMPCLIENT_CALL_H
#define RUMPLAB_RUMPCLIENT_CALL_H

#include <stdint.h>

#include "kernel/sysproxy_wire.h"

long rumpclient_call(struct sp_msg *req, struct sp_msg *rep, uint8_t **framep);

#endif
