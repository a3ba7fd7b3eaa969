/*
 * perf.h — the parts of rumpperf (rumpperf.c) and what they share: the
 * options of a run, the sockets in the node (perfsock.c), the TCP
 * transfers (perftcp.c) and the UDP ones (perfudp.c).  The byte stream
 * they carry is perfdata.c's.
 *
 * Contract: functions return 0, a descriptor or -errno and put a reason
 * into their struct perr; only main() and the per-connection threads
 * print, report lines under report_mtx.  A TCP server runs one thread per
 * connection; everything else runs on the main thread.
 */
#ifndef RUMPLAB_NETCOMP_CMD_PERF_H
#define RUMPLAB_NETCOMP_CMD_PERF_H

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/types.h>

#define PROG        "rumpperf"
#define TCP_CHUNK   (64 * 1024)
#define UDP_HDR     16

struct perf {
	int      server, udp, check;
	const char *peer, *bindaddr, *infile, *outfile;
	uint16_t port;
	uint64_t nbytes;                /* 0: -t or the whole file */
	uint64_t duration_ns;
	uint64_t len;                   /* write or datagram size */
	uint64_t rate;                  /* UDP bits/s */
	uint64_t wait_ns;               /* connect / idle limit */
	long     conns;
	FILE    *report;
	int      outfd;
};

/* A failure, for the thread that has it to print. */
struct perr {
	char msg[320];
};

extern pthread_mutex_t report_mtx;      /* around report lines */

/* perfsock.c */
int    perf_fail(struct perr *e, int err, const char *fmt, const char *what);
double perf_mbits(uint64_t bytes, uint64_t ns);
void   perf_peer_text(const struct sockaddr_storage *ss, char *buf,
           size_t len, unsigned *port);
int    perf_server_socket(const struct perf *p, struct perr *e);
int    perf_client_socket(const struct perf *p, struct perr *e);
void   perf_announce(const struct perf *p, int fd);
void   perf_idle_limit(int fd, uint64_t ns);
int    perf_send_all(int fd, const uint8_t *b, size_t n);
int    perf_write_all(int fd, const uint8_t *b, size_t n);

/* perftcp.c, perfudp.c */
int    perf_tcp_client(const struct perf *p, int infd, struct perr *e);
int    perf_tcp_server(const struct perf *p, struct perr *e);
int    perf_udp_client(const struct perf *p, struct perr *e);
int    perf_udp_server(const struct perf *p, struct perr *e);

#endif
