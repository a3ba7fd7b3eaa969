/*
 * node.h — what the rump.* network commands share: reaching the node named
 * by $RUMP_SERVER, turning a failed call into words, the clock, and the
 * parsing of numbers and durations on their command lines.
 *
 * Contract: nothing here prints or exits; functions return 0 (or a value)
 * or -errno, and the command's main() reports.  node_strerror() reads the
 * calling thread's last node detail (rumpclient_lastdetail()), so call it
 * right after the failed call, on the same thread.
 */
#ifndef RUMPLAB_NETCOMP_CMD_NODE_H
#define RUMPLAB_NETCOMP_CMD_NODE_H

#include <stddef.h>
#include <stdint.h>

/* Connect to $RUMP_SERVER; on failure rumpclient_lasterror() says why. */
int  node_attach(void);

/* "strerror(-err)" followed by ": <node's detail>" when the node gave one
 * that adds something.  Returns buf. */
const char *node_strerror(int err, char *buf, size_t len);

/*
 * A daemon's detach: fork, the parent exits 0, the child goes on in a
 * session of its own with the node's descriptors of the parent
 * (rumpclient_prefork()), so that the command reports every error a user
 * can fix before it returns.  The child's standard input and output go
 * to /dev/null, its standard error to logfile (appended) or, NULL, to
 * /dev/null.  0 in the child, or -errno.
 */
int  node_detach(const char *logfile);
/* A daemon's log line on standard error: "HH:MM:SS.mmm PROG: TEXT". */
__attribute__((format(printf, 2, 3)))
void node_logf(const char *prog, const char *fmt, ...);

/*
 * The node's neighbour entries of one family (AF_INET: ARP, AF_INET6:
 * ND), however many there are, in a buffer the caller frees: 0, or
 * -errno.
 */
struct rump_neigh;
int  node_neigh_fetch(int family, struct rump_neigh **v, int *n);

/* Monotonic clock, nanoseconds. */
uint64_t now_ns(void);

/* "1", "0.25", "1.5s", "250ms": a duration in [0, max_s] seconds. */
int  parse_duration(const char *s, double max_s, uint64_t *ns);
/* A decimal integer in [min, max]. */
int  parse_long(const char *s, long min, long max, long *v);
/* A byte count with an optional k/m/g suffix (powers of 1024). */
int  parse_size(const char *s, uint64_t max, uint64_t *v);

#endif
