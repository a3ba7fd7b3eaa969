/*
 * uplink.h — a bus uplink: a process that joins one shmif bus file to
 * one or more VDE connections (libvdeplug), so that a bus whose members
 * run on several machines is one segment.  Formats (the heartbeat frame,
 * the stats file) are specified in lab/UPLINK.txt.
 *
 * Every frame another writer puts on the bus goes once to every
 * connection; every frame from a connection goes onto the bus once, and
 * to no other connection (each host is its own connection's only
 * sender: a full mesh of them makes no loop).  The uplink never reads
 * back what it wrote (lab/buspump.h).  A heartbeat every second on each
 * connection tells its peers it is there; a peer not heard for 3 s is
 * lost, and the frames sent to it meanwhile are counted as lost.
 *
 * uplink_run() is the process's whole life: a child_spec function
 * (lab/child.h), or called by `rumplab uplink` in the foreground.  It
 * blocks SIGTERM, SIGINT and SIGHUP and returns 0 when one comes, or 1
 * after a message on stderr naming the bus and the URL.  Threads: the
 * caller's (VDE to bus, heartbeats, stats) and the bus reader's.
 *
 * The rest (heartbeat, stats file, URL check: lab/uplink_fmt.c) are
 * plain functions: 0 / a count, or -errno; nothing prints.
 */
#ifndef RUMPLAB_UPLINK_H
#define RUMPLAB_UPLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lab/lab.h"

#define UPLINK_CONNS_MAX	64	/* connections of one uplink */
#define UPLINK_HEARTBEAT_MS	1000
#define UPLINK_LOST_MS		3000	/* not heard this long: lost */

struct uplink_spec {
	const char	*bus;		/* the bus file; it must exist */
	char		(*urls)[LAB_URL_MAX];	/* one connection each */
	int		 nurls;
	const char	*stats;		/* the stats file, or NULL */
	uint32_t	 max_frame;	/* the bus's largest frame (lab_bus.
					 * max_frame); 0: 1514, NetBSD's */
	bool		 with_parent;	/* ends (as by SIGTERM) when its
					 * parent process dies: a
					 * supervisor's child */
};
int	uplink_run(void *arg);

enum uplink_state {
	UPLINK_WAITING,			/* no heartbeat heard yet */
	UPLINK_UP,
	UPLINK_LOST,
};

/* One connection's line of the stats file. */
struct uplink_stats {
	char		 url[LAB_URL_MAX];
	enum uplink_state state;
	uint64_t	 out_frames, out_bytes;
	uint64_t	 in_frames, in_bytes;
	uint64_t	 lost;
};

/* "waiting", "up", "lost". */
const char *uplink_state_name(enum uplink_state s);
/*
 * Reads a stats file: how many connections it has (st holds the first
 * max of them), -ENOENT when there is none (no uplink has written it),
 * -EBADMSG when a line is not one of UPLINK.txt's.
 */
int	uplink_stats_read(const char *path, struct uplink_stats *st, int max);
/* One line of it, without its newline, into *st (0 or -EBADMSG). */
int	uplink_stats_parse(const char *line, struct uplink_stats *st);
/* The line of *st, newline included, into buf: its length, or -ENOSPC. */
#define UPLINK_STATS_LINE	(LAB_URL_MAX + 128)	/* fits any */
int	uplink_stats_line(const struct uplink_stats *st, char *buf,
	    size_t len);
/* Writes n connections' lines to path, through path.tmp and rename(2). */
int	uplink_stats_write(const char *path, const struct uplink_stats *st,
	    int n);

/* The heartbeat frame (UPLINK.txt). */
#define UPLINK_HB_LEN		60
#define UPLINK_HB_TYPE		0x88b5
#define UPLINK_HB_MIN		36	/* header, magic and sequence */
extern const uint8_t uplink_hb_dst[6];
/* Writes the heartbeat of the uplink whose bus sender id is `sender`. */
void	uplink_hb_make(uint8_t frame[UPLINK_HB_LEN], uint64_t sender,
	    uint64_t seq);
/*
 * What a frame from a connection (or the bus) is: 1 a heartbeat (its
 * sequence in *seq, seq may be NULL), 0 a frame for the other side,
 * -EBADMSG the uplinks' but no heartbeat, or too short to be anything
 * (drop it).  Every byte is untrusted.
 */
int	uplink_hb_parse(const void *frame, size_t len, uint64_t *seq);

/*
 * Is url one the uplink can take?  Refuses an empty URL, control
 * characters, one of LAB_URL_MAX bytes or more, and a udp:// URL that is
 * not udp://[ADDR:]PORT->ADDR:PORT with ports 1-65535; why says which
 * (-EINVAL).  Other schemes are libvdeplug's to judge when it opens them.
 */
int	uplink_url_check(const char *url, char *why, size_t len);

#endif
