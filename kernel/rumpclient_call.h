/*
 * rumpclient_call.h — inside librumpclient: one sysproxy call over the
 * process's connection (rumpclient.c), used by the rump_sys_* wrappers
 * (rumpclient_sys.c) and by librumphijack.  Not installed.
 *
 * Contract: connects on first use; safe from any thread; blocks until the
 * reply.  Returns the reply's ret (>= 0 or -errno; -EHOSTDOWN never
 * connected, -ENOTCONN connection lost).  On a reply *framep holds the
 * frame rep points into: free() it.  Sets the thread's
 * rumpclient_lastdetail().
 *
 * A wait (struct rc_wait) may watch host descriptors beside the reply, and
 * may end at a signal: when one of the host descriptors is ready first, or
 * a signal handler ran (RUMPCLIENT_INTR; for a call other than POLL,
 * unless hostcalls' restart says it goes on), the call is cancelled in the
 * node (CANCEL) and its reply, usually -EINTR, is still awaited and
 * returned; hostready then counts the host entries with revents.
 *
 * The host calls the library makes on its own descriptors (the
 * connection, the eventfds threads wait on) go through a table that an
 * LD_PRELOAD library replaces with the real libc's, so that its own
 * wrappers of socket(), read(), poll()... never see them; fdadopt, when
 * set, is given every descriptor the library creates and returns the one
 * to use (it may move it out of the program's way).
 */
#ifndef RUMPLAB_RUMPCLIENT_CALL_H
#define RUMPLAB_RUMPCLIENT_CALL_H

#include <poll.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "kernel/sysproxy_wire.h"

struct rc_wait {
	struct pollfd *hostfds;         /* polled beside the reply */
	nfds_t         nhost;
	int            intr;            /* a signal handler ends the wait */
	int            hostready;       /* out: host entries with revents */
};

struct rumpclient_hostcalls {
	int     (*socket)(int, int, int);
	int     (*connect)(int, const struct sockaddr *, socklen_t);
	ssize_t (*read)(int, void *, size_t);
	ssize_t (*write)(int, const void *, size_t);
	ssize_t (*send)(int, const void *, size_t, int);
	int     (*close)(int);
	int     (*poll)(struct pollfd *, nfds_t, int);
	int     (*setsockopt)(int, int, int, const void *, socklen_t);
	int     (*shutdown)(int, int);
	int     (*fdadopt)(int);        /* NULL: keep the descriptor */
	/* After a signal ended a wait for a call other than POLL: 1 when
	 * the call goes on, as the kernel restarts a system call for a
	 * handler with SA_RESTART; NULL: never. */
	int     (*restart)(void);
};

void rumpclient_set_hostcalls(const struct rumpclient_hostcalls *hc);
const struct rumpclient_hostcalls *rumpclient_hostcalls(void);

long rumpclient_call(struct sp_msg *req, struct sp_msg *rep, uint8_t **framep);
/* A call whose reply body nobody keeps, in libc's form (-1 and errno). */
long rumpclient_call_simple(struct sp_msg *req);
/* A result in libc's form: -1 and errno, or the value. */
long rumpclient_libc(long r);
long rumpclient_call_wait(struct sp_msg *req, struct sp_msg *rep,
         uint8_t **framep, struct rc_wait *w);

/*
 * Recording, for a node's configuration run at its start (rump_server
 * -b): from rumpclient_record(fd) on, calls reach no node: each is
 * written to fd as a request frame (ids from 1) and answered 0 at once
 * with an empty reply, so only calls whose answer is their ret make
 * sense.  rumpclient_record(-1) ends it and returns how many were
 * written; fd stays the caller's.  -EISCONN while connected.
 */
long rumpclient_record(int fd);
long rumpclient_recorded(void);		/* so far; 0 when not recording */

#endif
