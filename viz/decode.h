/*
 * decode.h — one Ethernet frame as one line of text, for the console's
 * bus page: Ethernet (and 802.1Q), ARP, IPv4 and IPv6 (with their
 * extension headers), ICMP and ICMPv6, UDP, and TCP with its flags and
 * ports.
 *
 * The protocol part follows tcpdump's `-n -S` wording (without -e), so a
 * line reads like what people already know and tests compare the two:
 *	IP 10.0.0.1 > 10.0.0.2: ICMP echo request, id 7, seq 1, length 64
 *	IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [S], seq 1, win 512, length 0
 *	ARP, Request who-has 10.0.0.2 tell 10.0.0.1, length 28
 * DECODE_LINK puts "b2:a0:..:01 > ff:ff:ff:ff:ff:ff, " in front.
 *
 * Contract: the frame bytes are untrusted (they come from a bus file);
 * every field is bounds-checked, a short or malformed frame says so in
 * the line ("[|tcp]", "truncated ...") and nothing is read past len.
 * buf is always NUL-terminated (when buflen > 0), cut to fit.  Pure:
 * no state, no allocation, any thread.
 */
#ifndef RUMPLAB_VIZ_DECODE_H
#define RUMPLAB_VIZ_DECODE_H

#include <stddef.h>
#include <stdint.h>

#define DECODE_LINK	0x1	/* prefix the MAC addresses */

/* What a frame carries, for counting and colouring. */
enum decode_kind {
	DK_OTHER, DK_ARP, DK_ICMP, DK_UDP, DK_TCP, DK_BAD
};

/* Writes the line into buf; returns the frame's kind. */
enum decode_kind decode_frame(const uint8_t *frame, size_t len, int flags,
	    char *buf, size_t buflen);

#endif
