/*
 * rtmsg.h — the node's routing messages: what changed in its routes and
 * neighbour caches, in the order it changed, for readers such as
 * rump.route monitor (sysproxy RTMSG_READ, kernel/SYSPROXY.txt).  It is
 * rumplab's PF_ROUTE: NetBSD's messages RTM_ADD, RTM_DELETE, RTM_CHANGE
 * with their flags and addresses, numbered from 1 (wrapping past 0).
 *
 * The node keeps the last RTMSG_RING messages.  A reader asks for the
 * messages from a number on and waits until there is one; one too slow
 * to keep up is told how many it lost, as a NetBSD routing socket whose
 * buffer filled drops them (ENOBUFS).
 *
 * Contract: rtmsg_post() is safe from any thread, with any lock held (its
 * own lock is taken last and never held while sleeping); rtmsg_read()
 * sleeps and may be cancelled (kernel/kcall.h).
 */
#ifndef RUMPLAB_RTMSG_H
#define RUMPLAB_RTMSG_H

#include <stdint.h>

#include "kernel/rumpclient.h"

#define RTMSG_RING 256          /* messages kept */
#define RTMSG_MAXREAD 64        /* messages one read returns at most */

/* Number m (its seq, pid and reqid are filled in here) and wake the
 * readers.  pid and reqid are those of the caller rtmsg_caller() named
 * on this thread, 0 for the node's own changes. */
void rtmsg_post(struct rump_rtmsg *m);
/* The client call this thread serves (pid 0: none): its changes are
 * posted as that process's, with its request id (NetBSD's rtm_pid and
 * rtm_seq). */
void rtmsg_caller(uint32_t pid, uint32_t reqid);
/*
 * Up to max messages from number *next on (*next 0: those posted after
 * this call), waiting for the first; *next becomes the number after the
 * last returned.  Returns how many (>= 1) or -EINTR when cancelled;
 * *lost counts messages wanted but no longer kept.
 */
int  rtmsg_read(uint32_t *next, struct rump_rtmsg *out, int max,
         uint32_t *lost);

#endif
