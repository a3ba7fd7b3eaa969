/*
 * reass.c — reassembly of the IPv4 and IPv6 datagrams sent to this node.
 *
 * lwIP's build caps reassembly at IP_REASS_MAX_PBUFS (10) pbufs, one per
 * received fragment, so it cannot rebuild a datagram of more than ten
 * fragments (about 14.8 KB at MTU 1500).  These slots take datagrams up
 * to 65535 bytes of data, eight at a time for both families; a datagram
 * left incomplete for its family's time (IPv4 15 s, IPv6 60 s, as RFC
 * 8200 says) is dropped when the next fragment of any datagram arrives,
 * and the oldest one gives way when all slots are busy.  The callers
 * (ipfwd.c for IPv4, ipfwd6.c for IPv6) read the headers, keep the
 * first fragment's IPv4 header (options included) or IPv6 header, and
 * rebuild the packet.
 *
 * Core lock held (the receive path holds it); it guards the slots.
 */
#include <string.h>

#include "kernel/hyper.h"
#include "netcomp/reass.h"

#define REASS_SLOTS     8

static struct reass rs[REASS_SLOTS];

void
reass_free(struct reass *r)
{
	hyp_free(r->buf);
	memset(r, 0, sizeof(*r));
}

static int
same(const struct reass_key *a, const struct reass_key *b)
{
	return a->family == b->family && a->proto == b->proto &&
	    a->zone == b->zone && a->id == b->id &&
	    memcmp(a->src, b->src, 16) == 0 &&
	    memcmp(a->dst, b->dst, 16) == 0;
}

struct reass *
reass_find(const struct reass_key *k, uint64_t now, uint64_t *dropped)
{
	struct reass *r, *fr = NULL, *old = NULL;
	int i;

	for (i = 0; i < REASS_SLOTS; i++) {
		r = &rs[i];
		if (r->buf != NULL && now - r->t0 > r->age_ns) {
			(*dropped)++;
			reass_free(r);
		}
		if (r->buf == NULL) {
			if (fr == NULL)
				fr = r;
			continue;
		}
		if (same(&r->k, k))
			return r;
		if (old == NULL || r->t0 < old->t0)
			old = r;
	}
	if (fr == NULL) {
		(*dropped)++;
		reass_free(old);
		fr = old;
	}
	if ((fr->buf = hyp_calloc(1, REASS_MAX)) == NULL)
		return NULL;
	fr->k = *k;
	fr->t0 = now;
	fr->age_ns = k->family == REASS_INET6 ? 60000000000ull :
	    15000000000ull;
	return fr;
}

/* Is every 8-byte block of [off, off + len) already in? 1 all, 0 none,
 * -1 some (a partial overlap). */
static int
present(const struct reass *r, size_t off, size_t len)
{
	size_t b, n = 0, all = (off + len + 7) / 8 - off / 8;

	for (b = off / 8; b < (off + len + 7) / 8; b++)
		n += (r->bits[b / 8] >> (b % 8)) & 1;
	return n == 0 ? 0 : n == all ? 1 : -1;
}

/*
 * Overlaps are refused and the datagram dropped (RFC 5722, for IPv4 too:
 * overlapping fragments are how filters are evaded), except an exact
 * duplicate of what is in, which a network may make and which is ignored.
 * A fragment past the end the last fragment set, or a last fragment
 * before data already in, drops it as well.  Completion is every block
 * below the end present: the buffer is zeroed at first use besides, so
 * no datagram ever carries stale memory.
 */
int
reass_add(struct reass *r, size_t off, const uint8_t *data, size_t len,
    int more)
{
	size_t b, end = off + len;
	int in;

	if (end > REASS_MAX || (more && len % 8 != 0) ||
	    (r->total != 0 && (end > r->total ||
	    (!more && end != r->total))) ||
	    (!more && r->maxend > end))
		goto drop;
	if ((in = present(r, off, len)) != 0) {
		if (in < 0 || memcmp(r->buf + off, data, len) != 0)
			goto drop;
		return r->hlen != 0 && r->total != 0 &&
		    r->blocks == (r->total + 7) / 8;
	}
	if (!more)
		r->total = (uint32_t)end;
	if (end > r->maxend)
		r->maxend = (uint32_t)end;
	memcpy(r->buf + off, data, len);
	for (b = off / 8; b < (end + 7) / 8; b++) {
		r->bits[b / 8] |= (uint8_t)(1u << (b % 8));
		r->blocks++;
	}
	return r->hlen != 0 && r->total != 0 &&
	    r->blocks == (r->total + 7) / 8;
drop:
	reass_free(r);
	return -1;
}
