/*
 * reass.h — reassembly slots for datagrams to this node (reass.c),
 * shared by the IPv4 (ipfwd.c) and IPv6 (ipfwd6.c) input paths.  Core
 * lock held for all of it.
 */
#ifndef RUMPLAB_NETCOMP_REASS_H
#define RUMPLAB_NETCOMP_REASS_H

#include <stddef.h>
#include <stdint.h>

#define REASS_MAX       65535   /* data bytes of one datagram */
#define REASS_INET      4
#define REASS_INET6     6

struct reass_key {
	uint8_t  family;        /* REASS_INET or REASS_INET6 */
	uint8_t  proto;         /* the upper-layer protocol */
	uint8_t  zone;          /* the link of a scoped IPv6 address, or 0 */
	uint32_t id;
	uint8_t  src[16], dst[16];      /* IPv4 in the first 4 */
};

struct reass {
	struct reass_key k;
	uint8_t *buf;           /* data, REASS_MAX bytes; NULL: free slot */
	uint8_t  hlen;          /* 0 until the first fragment came */
	uint8_t  hdr[60];       /* the caller's header of it */
	uint32_t total;         /* data length, 0 until the last came */
	uint32_t blocks;        /* 8-byte blocks received */
	uint32_t maxend;        /* the end of the data received */
	uint64_t t0, age_ns;
	uint8_t  bits[REASS_MAX / 8 / 8 + 1];
};

/* The slot of datagram k (a new one if need be; NULL without memory);
 * *dropped counts the datagrams given up on the way. */
struct reass *reass_find(const struct reass_key *k, uint64_t now,
         uint64_t *dropped);
/* Data at byte off of the datagram (more: not the last fragment).
 * 1: complete once the first fragment's header is in (hlen); 0: more to
 * come; -1: a fragment that cannot be (beyond 65535 or the end, a ragged
 * middle, an overlap): the datagram is dropped and the slot freed. */
int  reass_add(struct reass *r, size_t off, const uint8_t *data,
         size_t len, int more);
void reass_free(struct reass *r);

#endif
