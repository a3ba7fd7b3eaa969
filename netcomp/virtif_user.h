/*
 * virtif_user.h — the host half of the virtif interface kind (NetBSD's
 * virtif_user.c): a Linux tap device, opened by name or taken from the
 * descriptors the node was handed at start (rump_server -t), and its
 * frames.  The only virtif file that calls the host; netcomp/if_virtif.c
 * is the kernel half.
 *
 * Contract
 *  - virtif_user_open() takes the tap named `name`: a handed-over tap of
 *    that name if there is one, else /dev/net/tun with TUNSETIFF, which
 *    creates the tap (CAP_NET_ADMIN in its network namespace) or attaches
 *    to a persistent one this user owns.  0, or -errno with a one-line
 *    reason in detail.  The tap carries Ethernet frames without packet
 *    information (IFF_TAP | IFF_NO_PI).
 *  - virtif_user_recv() reads up to n frames into bufs, n slots of
 *    size + 1 bytes (frame k at k * (size + 1), its length in lens[k]):
 *    the count, 0 once virtif_user_kick() was called (the
 *    receiver should look at its stop flag), or -errno.  It sleeps in
 *    poll() when the tap has nothing.  One receiving thread.
 *  - virtif_user_send() writes one frame; 0 or -errno (-EAGAIN when the
 *    host's queue is full: the frame is dropped, as a full ring drops).
 *    Any thread, concurrently with the receiver.
 *  - Frames longer than `size` bytes are dropped and counted in *toolong.
 */
#ifndef RUMPLAB_NETCOMP_VIRTIF_USER_H
#define RUMPLAB_NETCOMP_VIRTIF_USER_H

#include <stddef.h>
#include <stdint.h>

struct virtif_user;

int  virtif_user_open(const char *name, struct virtif_user **vup,
         char *detail, size_t detaillen);
void virtif_user_close(struct virtif_user *vu);
int  virtif_user_recv(struct virtif_user *vu, uint8_t *bufs, size_t size,
         uint32_t *lens, unsigned n, uint64_t *toolong);
int  virtif_user_send(struct virtif_user *vu, const void *frame,
         uint32_t len);
void virtif_user_kick(struct virtif_user *vu);
/* Was the tap handed over (1) or opened by name (0)? */
int  virtif_user_handed(const struct virtif_user *vu);

#endif
