/*
 * ipopt.h — IPv4 options (ipopt.c): the node's processing of received
 * record-route and source-route options, and a socket's IP_OPTIONS.
 */
#ifndef RUMPLAB_NETCOMP_IPOPT_H
#define RUMPLAB_NETCOMP_IPOPT_H

#include <stddef.h>
#include <stdint.h>

#define IPOPT_MAX       40      /* bytes of options an IPv4 header holds */

/* Option kinds (RFC 791), and the first value of a route's pointer. */
#define IPO_EOL         0
#define IPO_NOP         1
#define IPO_RR          7
#define IPO_TS          68
#define IPO_LSRR        131
#define IPO_SSRR        137
#define IPO_MINOFF      4

/* The first option of a kind among the n bytes of options at cp (NULL:
 * none, or a malformed one before it).  rump.ping reads replies with it
 * too. */
static inline const uint8_t *
ipopt_find(const uint8_t *cp, size_t n, uint8_t kind)
{
	size_t ol;

	for (; n > 0 && cp[0] != IPO_EOL; n -= ol, cp += ol) {
		if (cp[0] == IPO_NOP) {
			ol = 1;
			continue;
		}
		if (n < 3 || (ol = cp[1]) < 3 || ol > n)
			return NULL;
		if (cp[0] == kind)
			return cp;
	}
	return NULL;
}
#define IPOPT_USERMAX   44      /* IP_OPTIONS: a source route's first hop
                                   comes on top (ip_pcbopts) */

/* ipopt_input()'s verdicts. */
enum { IPOPT_PASS, IPOPT_SRCROUTED, IPOPT_REFUSED };

/* The ICMP error that answers a refused packet. */
struct ipopt_err {
	uint8_t  type, code;
	uint32_t param;                 /* bytes 4-7: a problem's pointer */
};

/*
 * The options of the IPv4 header at ip (hlen bytes, more than 20, its
 * checksum right), processed in place; the checksum is made again.
 * IPOPT_PASS: the packet goes on as its destination says; IPOPT_SRCROUTED:
 * it is to be forwarded to its new destination; IPOPT_REFUSED: dropped,
 * answered with *e.  Core lock held.
 */
int  ipopt_input(uint8_t *ip, size_t hlen, struct ipopt_err *e);

/*
 * IP_OPTIONS as a client gives them (len bytes, at most IPOPT_USERMAX)
 * into the options a header carries (*optlen bytes at opts, a multiple
 * of 4, at most IPOPT_MAX) and *hop, a source route's first hop in
 * network order (0: none).  0 or -EINVAL.
 */
int  ipopt_parse(const uint8_t *val, size_t len, uint8_t *opts,
         size_t *optlen, uint32_t *hop);

/* The IPv4 packets this thread sends between the two carry the options
 * (not copied: they must stay until ipopt_send_end()). */
void ipopt_send_begin(const uint8_t *opts, size_t optlen);
void ipopt_send_end(void);

#endif
