/*
 * impair.h — link impairments and capture taps in a node's interface path
 * (netcomp/impair.c, netcomp/iftap.c).  No lwIP types: the interface layer
 * calls in with frames as bytes.
 *
 * Where they sit: ether.c hands every frame an interface sends to
 * ifnet_xmit() (driver + tap), and every frame a driver receives to
 * ifnet_deliver() (tap + stack); when a direction is impaired the frames
 * take a detour through impair_enqueue() instead, and the node's one
 * impairment thread calls ifnet_xmit() / ifnet_deliver() when each frame
 * is due.  So a tap shows what the interface sent and received after
 * the impairments, and an unimpaired interface pays one atomic load.
 *
 * Locks: impair state has its own mutex (never held while calling into
 * the stack or a driver); taps have theirs.  impair_detach() and
 * iftap_detach() run on interface destruction, before the driver's link
 * goes away, and wait until no frame of the interface is in flight.
 */
#ifndef RUMPLAB_NETCOMP_IMPAIR_H
#define RUMPLAB_NETCOMP_IMPAIR_H

#include <stdint.h>

#include "netcomp/ifnet.h"

struct impq;

/* The node's impairment and tap state: set up by the interface layer
 * before any interface exists, torn down after the last is gone. */
int  impair_init(void);
void impair_fini(void);
int  iftap_init(void);
void iftap_fini(void);
/* Is direction dir (RUMP_IMPAIR_IN/OUT) of ifp impaired right now? */
int  impair_active(struct ifnet *ifp, int dir);
/* Takes copies of the frames; they come out later through ifnet_xmit()
 * or ifnet_deliver(). */
void impair_enqueue(struct ifnet *ifp, int dir, const struct ifnet_frame *f,
         unsigned n);
int  impair_set(struct ifnet *ifp, int dir, const struct rump_impair *cfg);
int  impair_get(struct ifnet *ifp, int dir, struct rump_impair *out);
/* Settings are sane: 0 or -EINVAL. */
int  impair_check(const struct rump_impair *cfg);
void impair_detach(struct ifnet *ifp);

/* Taps (iftap.c). */
int  iftap_add(struct ifnet *ifp, const char *path, uintptr_t owner);
int  iftap_del(struct ifnet *ifp, const char *path);
void iftap_release(struct ifnet *ifp, uintptr_t owner);
void iftap_write(struct ifnet *ifp, const struct ifnet_frame *f, unsigned n);
void iftap_detach(struct ifnet *ifp);

/* ether.c: the two ends of the path. */
int  ifnet_xmit(struct ifnet *ifp, const struct ifnet_frame *f, unsigned n);
void ifnet_deliver(struct ifnet *ifp, const struct ifnet_frame *f,
         unsigned n);

#endif
