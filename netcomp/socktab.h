/*
 * socktab.h — the handles of the socket backend and how its calls wait
 * (socktab.c), for sockets.c.  lwIP types inside: netcomp glue only.
 *
 * A call holds its handle (ksent_hold) for its whole duration; lwIP calls
 * on a handle are made under e->lk; a call that would block waits with
 * ksent_wait*() and tries again.  Deadlines are CLOCK_MONOTONIC ms,
 * UINT64_MAX for none.
 */
#ifndef RUMPLAB_NETCOMP_SOCKTAB_H
#define RUMPLAB_NETCOMP_SOCKTAB_H

#include <poll.h>
#include <stdint.h>
#include <sys/socket.h>

#include "kernel/hyper.h"

struct kswaker;

struct kswaiter {                       /* on the waiting thread's stack */
	struct kswaker *w;
	struct kswaiter *next;          /* ks_mtx */
};

struct ksent {
	hyp_mtx_t lk;                   /* serialises lwIP calls */
	int family, type;               /* set at creation */
	int refs, closing, aborted;     /* ks_mtx */
	int nonblock;                   /* ks_mtx */
	int connecting;                 /* ks_mtx: non-blocking connect sent */
	int rcvtimeo_ms, sndtimeo_ms;   /* ks_mtx; 0: none */
	int df;                         /* IPv4: send with DF (set by the
	                                   client's setsockopt; a word) */
	int has_nh6;                    /* IPV6_NEXTHOP (lk): the next hop */
	uint8_t nh6[16];                /* and its zone, the interface */
	uint32_t nh6zone;               /* index of a link-local one */
	/* IP_OPTIONS (lk): as the client gave them, and as sent */
	uint8_t ipopt_user[44], ipopt[40];
	uint8_t ipopt_userlen, ipoptlen;
	uint32_t ipopt_hop;             /* a source route's first hop */
	struct kswaiter *waiters;       /* ks_mtx */
};

/* A new lwIP socket becomes a handle (made non-blocking in lwIP); returns
 * fd or -errno (the socket is closed on failure). */
int  ksent_adopt(int fd, int family, int type, int nonblock);
struct ksent *ksent_hold(int h);        /* NULL: no such handle */
void ksent_rele(int h, struct ksent *e);
int  ksent_close(int h);
int  ksent_abort(int h);
int  ksent_aborted(struct ksent *e);
int  ksent_nonblocking(struct ksent *e, int msgflags);
void ksent_set_nonblock(struct ksent *e, int nonblock);
/* Mark a non-blocking connect under way (set) or read and clear the mark
 * (set == 0), returning whether it was under way. */
int  ksent_connecting(struct ksent *e, int set);
int  ksent_timeo_set(struct ksent *e, int name, const void *val,
         socklen_t len);
int  ksent_timeo_get(struct ksent *e, int name, void *val, socklen_t *len);
uint64_t ksent_deadline(struct ksent *e, int rcv);  /* from SO_*TIMEO */

/* Wait until one of n held handles has one of its events (pfd[0..n-1],
 * with room for one more entry), the deadline passes or one of them is
 * aborted (POLLHUP).  Returns the number of ready entries or -errno. */
int  ksent_wait(struct ksent **es, struct pollfd *pfd, nfds_t n,
         uint64_t deadline, struct kswaiter *wts);
/* One handle: 0 to try again, -EAGAIN when the deadline passed. */
int  ksent_wait_one(struct ksent *e, int h, short events,
         uint64_t deadline);
uint64_t ks_now_ms(void);
int  ks_remaining(uint64_t deadline);   /* as poll's timeout */
uint64_t ks_deadline_after(int ms);     /* ms <= 0: none */

#endif
