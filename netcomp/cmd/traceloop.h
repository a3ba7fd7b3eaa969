/*
 * traceloop.h — the probe loop shared by rump.traceroute and
 * rump.traceroute6: probes with hop limit first..max, nqueries each,
 * answers read from a raw ICMP/ICMPv6 socket of the node and matched to
 * the probe, and NetBSD traceroute's hop lines:
 *
 *    1  10.0.1.1  0.345 ms  0.210 ms  0.198 ms
 *
 * The family's parts (sending a probe, reading an answer) come in a
 * struct trace_proto, as pingloop.h does for ping and ping6.
 *
 * Contract: trace_run() blocks until the destination or an unreachable
 * answer ends the trace, or max is reached; it prints the hop lines on
 * stdout and returns 0 or -errno of a failed node call.  Single-threaded.
 */
#ifndef RUMPLAB_NETCOMP_CMD_TRACELOOP_H
#define RUMPLAB_NETCOMP_CMD_TRACELOOP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

/* What an answer says. */
enum { ANS_NONE, ANS_HOP, ANS_DONE, ANS_UNREACH };

struct trace_proto;

struct trace {
	const struct trace_proto *p;
	int family;
	int iflag;                      /* ICMP echo probes (-I) */
	long first, max, nq, port, size;
	uint64_t wait_ns;
	struct sockaddr_storage dst;
	socklen_t dstlen;
	int tx, rx;                     /* UDP probe socket, raw ICMP socket */
	uint16_t ident;
	uint16_t sport;                 /* the UDP probes' source port */
};

struct trace_proto {
	/* Send probe number seq with hop limit ttl; 0 or -errno. */
	int (*send)(struct trace *t, int ttl, int seq);
	/* Read n received bytes: ANS_*, and an unreachable's " !X" mark. */
	int (*classify)(const struct trace *t, const uint8_t *b, size_t n,
	         int seq, char *mark, size_t marklen);
};

int  trace_run(struct trace *t);
/* For the protos' send(): the header of an echo request (ICMP type 8,
 * ICMPv6 128) with the trace's ident and seq, checksum 0; and sending
 * len bytes on fd to `to` with hop limit (TTL) hops; 0 or -errno. */
void trace_echo(const struct trace *t, uint8_t *pkt, uint8_t type, int seq);
int  trace_send(const struct trace *t, int fd, int hops, const void *pkt,
         size_t len, const struct sockaddr_storage *to);
/*
 * A whole command: the options NetBSD's traceroute and traceroute6 share
 * ([-In] [-f first] [-m max] [-p port] [-q nqueries] [-w wait] host
 * [packetsize], packetsize at least minsize), the node, its sockets, the
 * header line and the trace.  t->p, t->family and the default t->size
 * are set by the caller.  Returns the exit status (0, or 1 with a
 * message on stderr).
 */
int  trace_main(struct trace *t, const char *prog, int argc, char **argv,
         void (*usage)(FILE *), long minsize,
         void (*header)(const struct trace *t, const char *host));
/* The Internet checksum of n bytes, as stored in a header. */
uint16_t trace_cksum(const uint8_t *p, size_t n);

#endif
