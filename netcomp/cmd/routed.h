/*
 * routed.h — rump.routed, a RIP version 2 speaker (RFC 2453) for a node:
 * what its parts share.
 *
 *   routed_rip.c   the protocol: the route table, what a response does to
 *                  it, the timers, what an update says on an interface
 *                  (split horizon).  No I/O and no clock of its own: the
 *                  caller passes the time and is told, through struct
 *                  rip_ops, which routes to put into the node's table and
 *                  which to take out.  tests/netcomp/test_rip.c drives it
 *                  directly.
 *   routed.c       the daemon: options, the node (interfaces, the UDP
 *                  socket on port 520 and the group 224.0.0.9, the
 *                  node's routing table), the event loop, signals.
 *   routed_show.c  `rump.routed -l`: asks a RIP speaker for its table.
 *
 * Addresses and masks are host byte order here; packets are RFC 2453's
 * bytes (network order) and only routed_rip.c reads or writes them.
 * Times are CLOCK_MONOTONIC nanoseconds.  Nothing here is thread-safe:
 * the daemon has one thread.
 */
#ifndef RUMPLAB_NETCOMP_CMD_ROUTED_H
#define RUMPLAB_NETCOMP_CMD_ROUTED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RIP_PORT	520
#define RIP_GROUP	0xe0000009u	/* 224.0.0.9, RIPv2 routers */
#define RIP_INFINITY	16
#define RIP_HDRLEN	4
#define RIP_ENTLEN	20
#define RIP_MAXENT	25		/* entries in one message */
#define RIP_PKTMAX	(RIP_HDRLEN + RIP_MAXENT * RIP_ENTLEN)	/* 504 */
#define RIP_AF_INET	2
#define RIP_AF_AUTH	0xffff

#define RIP_CMD_REQUEST	 1
#define RIP_CMD_RESPONSE 2
/*
 * Not RIP: rump.routed's own question, asked from the node's loopback
 * (rump.routed -l), answered with the table and its timers as text in
 * messages of the same command, the last one flagged (routed_show.c).
 */
#define RIP_CMD_STATUS	 99
#define RIP_STATUS_MORE	 0x01	/* byte 2 of a status answer: more follow */

#define RIP_MAXIFS	64
#define RIP_MAXROUTES	8192

#define NS_PER_S	1000000000ull

/* The protocol's timers (RFC 2453 3.8), which a lab may shorten. */
struct rip_timers {
	uint64_t	 update;	/* regular updates (30 s) */
	uint64_t	 timeout;	/* a route not heard of (180 s) */
	uint64_t	 garbage;	/* an unreachable route kept (120 s) */
};

enum rip_split {
	RIP_SPLIT_POISON,	/* split horizon with poisoned reverse */
	RIP_SPLIT_SIMPLE,	/* simple split horizon */
	RIP_SPLIT_NONE,		/* none: counting to infinity shows */
};

/* An IPv4 subnet of the node's that RIP runs on. */
struct rip_if {
	char		 name[16];
	uint32_t	 addr, mask;
	uint8_t		 plen;
	bool		 up;		/* up, with carrier */
};

#define RR_CONNECTED	0x01	/* an interface's own subnet */
#define RR_CHANGED	0x02	/* for the next triggered update */
#define RR_INSTALLED	0x04	/* in the node's routing table */
#define RR_BLOCKED	0x08	/* the node has a route of its own there */

struct rip_route {
	uint32_t	 dst, mask;
	uint8_t		 plen;
	uint32_t	 gw;		/* next hop; 0 for a connected subnet */
	int		 ifi;		/* index in rip->ifs */
	int		 metric;	/* 1 .. RIP_INFINITY */
	uint16_t	 tag;
	unsigned	 flags;		/* RR_* */
	uint64_t	 heard;		/* last refreshed */
	uint64_t	 expire;	/* timeout, 0: none (connected) */
	uint64_t	 gc;		/* deletion, 0: none (reachable) */
};

/*
 * What the protocol asks of the daemon.  install() puts r into the node's
 * table (replace: r was installed with another next hop) and returns 0,
 * -EEXIST when the node has a route of its own to that prefix (then RIP
 * leaves it alone), or another -errno; remove() takes it out.  log()
 * tells of a change (one line, no newline).
 */
struct rip_ops {
	int	(*install)(void *arg, const struct rip_route *r, bool replace);
	int	(*remove)(void *arg, const struct rip_route *r);
	void	(*log)(void *arg, const char *line);
};

struct rip {
	struct rip_timers	 t;
	enum rip_split		 split;
	bool			 quiet;		/* listens, sends no updates */
	struct rip_if		 ifs[RIP_MAXIFS];
	int			 nifs;
	struct rip_route	*rt;
	int			 nrt, caprt;
	uint64_t		 next_update;	/* regular update due */
	uint64_t		 next_trigger;	/* triggered update due, 0 none */
	uint64_t		 last_update;	/* when the last update left */
	uint32_t		 seed;		/* for the random offsets */
	const struct rip_ops	*ops;
	void			*arg;
	/* Counters, for the status answer. */
	uint64_t		 n_in, n_bad, n_out, n_trig;
};

/* Called with each message of an update or answer (len bytes). */
typedef void (*rip_emit_fn)(void *arg, const uint8_t *pkt, size_t len);

void	rip_init(struct rip *rip, const struct rip_timers *t,
	    enum rip_split split, const struct rip_ops *ops, void *arg,
	    uint32_t seed, uint64_t now);
void	rip_fini(struct rip *rip);
/*
 * The node's interfaces as they are now (n at most RIP_MAXIFS; a subnet
 * seen before keeps its index).  A subnet that came up is announced, one
 * that went down or away is poisoned with every route through it.
 * Returns true when the table changed.
 */
bool	rip_set_ifs(struct rip *rip, const struct rip_if *ifs, int n,
	    uint64_t now);
/* The interface whose subnet holds addr, or -1. */
int	rip_if_of(const struct rip *rip, uint32_t addr);
/* Is addr one of the node's own addresses? */
bool	rip_own(const struct rip *rip, uint32_t addr);
/*
 * A RIP message of len bytes from src:port.  A response from a neighbour
 * (port 520, on a subnet of an interface that is up) updates the table
 * (RFC 2453 3.9.2); a request is answered through emit, to be sent back
 * to src:port (3.9.1: a whole-table request from a router gets the
 * update it would see on its interface; from a querier, the whole table
 * as it is).  Returns 0, or -EINVAL for a message that was ignored.
 */
int	rip_input(struct rip *rip, uint32_t src, uint16_t port,
	    const uint8_t *pkt, size_t len, uint64_t now, rip_emit_fn emit,
	    void *arg);
/*
 * Runs the timers due at `now`: routes not heard of for `timeout` become
 * unreachable, unreachable ones are deleted after `garbage`.  Returns the
 * next time anything is due (an update included).
 */
uint64_t rip_tick(struct rip *rip, uint64_t now);
/* Is an update due: 1 regular, 2 triggered, 0 none? */
int	rip_update_due(const struct rip *rip, uint64_t now);
/*
 * The update for interface ifi (all routes, or only the changed ones),
 * split horizon applied, through emit.  Returns the entries sent.
 */
int	rip_update(struct rip *rip, int ifi, bool changed_only,
	    rip_emit_fn emit, void *arg);
/* After the updates of every interface went out: clear the changed
 * flags and plan the next update. */
void	rip_update_done(struct rip *rip, bool regular, uint64_t now);
/* Every route made unreachable, for a last update before leaving. */
void	rip_poison_all(struct rip *rip, uint64_t now);
/* The table with its timers as text lines (the status answer); returns
 * the length it needs (like snprintf). */
size_t	rip_status(const struct rip *rip, uint64_t now, char *buf,
	    size_t len);
/* "10.0.1.0/24" into buf (at least 19 bytes). */
const char *rip_prefix_str(uint32_t dst, uint8_t plen, char *buf);
const char *rip_addr_str(uint32_t a, char *buf);

#endif
