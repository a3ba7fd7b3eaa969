/*
 * decode.c — one frame, one line (viz/decode.h).
 *
 * Each layer reads its header from a (pointer, length) window that the
 * layer below has already cut to what the frame really holds: an IP
 * header's total length never widens the window, it may only narrow it.
 * Every read is checked against the window first, so a lying length
 * field yields "[|proto]" instead of a read past the frame.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "viz/decode.h"

struct out {
	char	*buf;
	size_t	 len, off;
};

__attribute__((format(printf, 2, 3)))
static void
put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->len == 0 || o->off >= o->len - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->off, o->len - o->off, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	o->off += (size_t)n;
	if (o->off > o->len - 1)
		o->off = o->len - 1;
}

static unsigned
get16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static void
put_mac(struct out *o, const uint8_t *m)
{
	put(o, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4],
	    m[5]);
}

static void
put_ip(struct out *o, int family, const uint8_t *a)
{
	char s[INET6_ADDRSTRLEN];

	if (inet_ntop(family, a, s, sizeof(s)) == NULL)
		snprintf(s, sizeof(s), "?");
	put(o, "%s", s);
}

/* "10.0.0.1.40000 > 10.0.0.2.80: " (ports 0 < 0: none) */
static void
put_ends(struct out *o, int family, const uint8_t *src, const uint8_t *dst,
    long sport, long dport)
{
	put_ip(o, family, src);
	if (sport >= 0)
		put(o, ".%ld", sport);
	put(o, " > ");
	put_ip(o, family, dst);
	if (dport >= 0)
		put(o, ".%ld", dport);
	put(o, ": ");
}

static enum decode_kind
tcp(struct out *o, int family, const uint8_t *src, const uint8_t *dst,
    const uint8_t *p, size_t n)
{
	static const struct { unsigned bit; char c; } fl[] = {
		{ 0x01, 'F' }, { 0x02, 'S' }, { 0x04, 'R' }, { 0x08, 'P' },
		{ 0x10, '.' }, { 0x20, 'U' }, { 0x40, 'E' }, { 0x80, 'W' },
	};
	unsigned flags, hl, i;
	uint32_t seq;
	size_t dlen;

	if (n < 20) {
		put_ends(o, family, src, dst, -1, -1);
		put(o, "[|tcp]");
		return DK_BAD;
	}
	put_ends(o, family, src, dst, get16(p), get16(p + 2));
	flags = p[13];
	hl = (unsigned)(p[12] >> 4) * 4;
	if (hl < 20 || hl > n) {
		put(o, "Flags [bad hdr length %u]", hl);
		return DK_BAD;
	}
	put(o, "Flags [");
	for (i = 0; i < sizeof(fl) / sizeof(fl[0]); i++)
		if (flags & fl[i].bit)
			put(o, "%c", fl[i].c);
	if (flags == 0)
		put(o, "none");
	put(o, "]");
	seq = get32(p + 4);
	dlen = n - hl;
	if (dlen > 0)
		put(o, ", seq %u:%u", seq, (uint32_t)(seq + dlen));
	else if (flags & (0x01 | 0x02 | 0x04))
		put(o, ", seq %u", seq);
	if (flags & 0x10)
		put(o, ", ack %u", get32(p + 8));
	put(o, ", win %u", get16(p + 14));
	if (hl > 20)
		put(o, ", options [%u bytes]", hl - 20);
	put(o, ", length %zu", dlen);
	return DK_TCP;
}

static enum decode_kind
udp(struct out *o, int family, const uint8_t *src, const uint8_t *dst,
    const uint8_t *p, size_t n)
{
	unsigned ulen;

	if (n < 8) {
		put_ends(o, family, src, dst, -1, -1);
		put(o, "[|udp]");
		return DK_BAD;
	}
	put_ends(o, family, src, dst, get16(p), get16(p + 2));
	ulen = get16(p + 4);
	if (ulen < 8 || ulen > n) {
		put(o, "UDP, bad length %u > %zu", ulen, n);
		return DK_BAD;
	}
	put(o, "UDP, length %u", ulen - 8);
	return DK_UDP;
}

/*
 * Destination unreachable, named from the offending packet it quotes
 * (IP header and 8 bytes): "ICMP 10.0.2.10 udp port 33434 unreachable".
 */
static void
unreach4(struct out *o, const uint8_t *p, size_t n)
{
	const uint8_t *q = p + 8;
	size_t qn = n - 8, hl;

	if (qn < 20 || (q[0] >> 4) != 4) {
		put(o, "ICMP unreachable code %u", p[1]);
		return;
	}
	hl = (size_t)(q[0] & 0x0f) * 4;
	put(o, "ICMP ");
	switch (p[1]) {
	case 0:
	case 1:
		put(o, "%s ", p[1] ? "host" : "net");
		put_ip(o, AF_INET, q + 16);
		put(o, " unreachable");
		break;
	case 2:
		put_ip(o, AF_INET, q + 16);
		put(o, " protocol %u unreachable", q[9]);
		break;
	case 3:
		put_ip(o, AF_INET, q + 16);
		if ((q[9] == 17 || q[9] == 6) && hl >= 20 && qn >= hl + 4)
			put(o, " %s port %u unreachable", q[9] == 17 ? "udp" :
			    "tcp", get16(q + hl + 2));
		else
			put(o, " port unreachable");
		break;
	case 4:
		put_ip(o, AF_INET, q + 16);
		put(o, " unreachable - need to frag (mtu %u)", get16(p + 6));
		break;
	default:
		put_ip(o, AF_INET, q + 16);
		put(o, " unreachable code %u", p[1]);
	}
}

static enum decode_kind
icmp4(struct out *o, const uint8_t *p, size_t n)
{
	if (n < 8) {
		put(o, "[|icmp]");
		return DK_BAD;
	}
	switch (p[0]) {
	case 0:
	case 8:
		put(o, "ICMP echo %s, id %u, seq %u", p[0] ? "request" :
		    "reply", get16(p + 4), get16(p + 6));
		break;
	case 3:
		unreach4(o, p, n);
		break;
	case 11:
		put(o, "ICMP time exceeded in-%s", p[1] ? "reassembly" :
		    "transit");
		break;
	default:
		put(o, "ICMP type-#%u", p[0]);
	}
	put(o, ", length %zu", n);
	return DK_ICMP;
}

static enum decode_kind transport(struct out *, int, const uint8_t *,
	    const uint8_t *, unsigned, const uint8_t *, size_t);

static enum decode_kind
ipv4(struct out *o, const uint8_t *p, size_t n)
{
	unsigned hl, tot, off;
	const uint8_t *src = p + 12, *dst = p + 16;

	if (n < 20 || (p[0] >> 4) != 4) {
		put(o, "IP [|ip]");
		return DK_BAD;
	}
	hl = (unsigned)(p[0] & 0x0f) * 4;
	tot = get16(p + 2);
	if (hl < 20 || tot < hl || hl > n) {
		put(o, "IP bad header (hlen %u, total %u)", hl, tot);
		return DK_BAD;
	}
	if (tot < n)
		n = tot;	/* Ethernet padding */
	put(o, "IP ");
	off = (get16(p + 6) & 0x1fff) * 8;
	if (off != 0) {
		put_ends(o, AF_INET, src, dst, -1, -1);
		put(o, "ip-proto-%u (frag %u:%zu@%u%s)", p[9], get16(p + 4),
		    n - hl, off, get16(p + 6) & 0x2000 ? "+" : "");
		return DK_OTHER;
	}
	return transport(o, AF_INET, src, dst, p[9], p + hl, n - hl);
}

static enum decode_kind
icmp6(struct out *o, const uint8_t *p, size_t n)
{
	static const struct { unsigned type; const char *name; } names[] = {
		{ 1, "destination unreachable" }, { 2, "packet too big" },
		{ 4, "parameter problem" },
		{ 133, "router solicitation" }, { 134, "router advertisement" },
		{ 137, "redirect" },
	};
	size_t i;

	put(o, "ICMP6, ");
	if (n < 8) {
		put(o, "[|icmp6]");
		return DK_BAD;
	}
	switch (p[0]) {
	case 128:
	case 129:
		put(o, "echo %s, id %u, seq %u", p[0] == 128 ? "request" :
		    "reply", get16(p + 4), get16(p + 6));
		break;
	case 135:
	case 136:
		if (n < 24) {
			put(o, "neighbor %s [|icmp6]", p[0] == 135 ?
			    "solicitation" : "advertisement");
			return DK_BAD;
		}
		put(o, "neighbor %s, %s ", p[0] == 135 ? "solicitation" :
		    "advertisement", p[0] == 135 ? "who has" : "tgt is");
		put_ip(o, AF_INET6, p + 8);
		break;
	case 130:
	case 131:
	case 132:
		/* tcpdump 4.99 runs "report" and "max" together. */
		if (n < 24) {
			put(o, "multicast listener [|icmp6]");
			return DK_BAD;
		}
		put(o, "multicast listener %s max resp delay: %u addr: ",
		    p[0] == 130 ? "query" : p[0] == 131 ? "report" : "done",
		    get16(p + 4));
		put_ip(o, AF_INET6, p + 8);
		break;
	case 3:
		/* The quoted packet's destination, when it is there. */
		put(o, "time exceeded in-%s", p[1] ? "reassembly" : "transit");
		if (n >= 8 + 40 && (p[8] >> 4) == 6) {
			put(o, " for ");
			put_ip(o, AF_INET6, p + 8 + 24);
		}
		break;
	case 143:
		put(o, "multicast listener report v2, %u group record(s)",
		    get16(p + 6));
		break;
	default:
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (names[i].type == p[0])
				break;
		if (i < sizeof(names) / sizeof(names[0]))
			put(o, "%s", names[i].name);
		else
			put(o, "type-#%u", p[0]);
	}
	put(o, ", length %zu", n);
	return DK_ICMP;
}

/* The IP payload: ICMP of the family, TCP, UDP, or just its number. */
static enum decode_kind
transport(struct out *o, int family, const uint8_t *src, const uint8_t *dst,
    unsigned proto, const uint8_t *p, size_t n)
{
	if (proto == 6)
		return tcp(o, family, src, dst, p, n);
	if (proto == 17)
		return udp(o, family, src, dst, p, n);
	put_ends(o, family, src, dst, -1, -1);
	if (proto == 1 && family == AF_INET)
		return icmp4(o, p, n);
	if (proto == 58 && family == AF_INET6)
		return icmp6(o, p, n);
	put(o, "ip-proto-%u %zu", proto, n);
	return DK_OTHER;
}

static enum decode_kind
ipv6(struct out *o, const uint8_t *p, size_t n)
{
	const uint8_t *src = p + 8, *dst = p + 24;
	unsigned nh, plen, hops = 0;
	size_t off = 40, elen;
	bool hbh = false;

	if (n < 40 || (p[0] >> 4) != 6) {
		put(o, "IP6 [|ip6]");
		return DK_BAD;
	}
	plen = get16(p + 4);
	if (40 + (size_t)plen < n)
		n = 40 + plen;	/* Ethernet padding */
	put(o, "IP6 ");
	nh = p[6];
	/* Extension headers: hop-by-hop, routing, destination options are
	 * skipped (tcpdump names hop-by-hop "HBH" before ICMPv6); a fragment
	 * ends the walk. */
	while ((nh == 0 || nh == 43 || nh == 60 || nh == 44) && hops++ < 8) {
		if (off + 8 > n) {
			put_ends(o, AF_INET6, src, dst, -1, -1);
			put(o, "[|ip6 ext]");
			return DK_BAD;
		}
		if (nh == 44) {
			put_ends(o, AF_INET6, src, dst, -1, -1);
			put(o, "frag (%u|%zu)", get16(p + off + 2) & 0xfff8,
			    n - off - 8);
			return DK_OTHER;
		}
		elen = ((size_t)p[off + 1] + 1) * 8;
		hbh |= nh == 0;
		nh = p[off];
		off += elen;
		if (off > n) {
			put_ends(o, AF_INET6, src, dst, -1, -1);
			put(o, "[|ip6 ext]");
			return DK_BAD;
		}
	}
	if (hbh && nh == 58) {	/* MLD: tcpdump says "HBH" here */
		put_ends(o, AF_INET6, src, dst, -1, -1);
		put(o, "HBH ");
		return icmp6(o, p + off, n - off);
	}
	return transport(o, AF_INET6, src, dst, nh, p + off, n - off);
}

static enum decode_kind
arp(struct out *o, const uint8_t *p, size_t n)
{
	unsigned op;

	put(o, "ARP, ");
	if (n < 28 || get16(p) != 1 || get16(p + 2) != 0x0800 ||
	    p[4] != 6 || p[5] != 4) {
		put(o, n < 8 ? "[|arp]" : "hardware %u protocol 0x%04x, "
		    "length %zu", n < 8 ? 0 : get16(p), n < 8 ? 0 :
		    get16(p + 2), n);
		return n < 28 ? DK_BAD : DK_ARP;
	}
	op = get16(p + 6);
	if (op == 1) {
		put(o, "Request who-has ");
		put_ip(o, AF_INET, p + 24);
		put(o, " tell ");
		put_ip(o, AF_INET, p + 14);
	} else if (op == 2) {
		put(o, "Reply ");
		put_ip(o, AF_INET, p + 14);
		put(o, " is-at ");
		put_mac(o, p + 8);
	} else
		put(o, "op %u", op);
	put(o, ", length %zu", n);
	return DK_ARP;
}

enum decode_kind
decode_frame(const uint8_t *f, size_t len, int flags, char *buf,
    size_t buflen)
{
	struct out o = { buf, buflen, 0 };
	unsigned type;
	size_t off = 14;

	if (buflen > 0)
		buf[0] = '\0';
	if (len < 14) {
		put(&o, "truncated Ethernet frame, length %zu", len);
		return DK_BAD;
	}
	if (flags & DECODE_LINK) {
		put_mac(&o, f + 6);
		put(&o, " > ");
		put_mac(&o, f);
		put(&o, ", ");
	}
	type = get16(f + 12);
	if (type == 0x8100) {
		if (len < 18) {
			put(&o, "vlan [|vlan]");
			return DK_BAD;
		}
		put(&o, "vlan %u, p %u, ", get16(f + 14) & 0x0fff,
		    f[14] >> 5);
		type = get16(f + 16);
		off = 18;
	}
	switch (type) {
	case 0x0800:
		return ipv4(&o, f + off, len - off);
	case 0x86dd:
		return ipv6(&o, f + off, len - off);
	case 0x0806:
		return arp(&o, f + off, len - off);
	}
	if (type <= 1500)
		put(&o, "802.3, length %u", type);
	else
		put(&o, "ethertype 0x%04x, length %zu", type, len);
	return DK_OTHER;
}
