/*
 * shmif.h — the shmif bus: a memory-mapped file acting as one shared
 * Ethernet segment, byte-compatible with NetBSD's shmif version 3
 * (format in shmif/FORMAT.txt).
 *
 * Contract
 *  - One `struct shmif_bus` is one attachment (one interface) to one bus
 *    file, owned by the caller.  Its sending side (shmif_send/sendv) and its
 *    receiving side (shmif_recv/wait/rewind) may each be used by one thread
 *    at a time, concurrently with each other; shmif_kick() from any thread.
 *    Statistics read while both sides run may be a moment stale.
 *  - Functions return 0 or a count on success and -errno on failure;
 *    shmif_attach() additionally writes a one-line reason into `err`.
 *  - Nothing here prints or exits.
 *  - Every byte read from the bus file is untrusted: a corrupt or hostile
 *    bus makes readers skip and count (`rx_malformed`), never crash or loop.
 *  - Frames passed to shmif_recv() callers point into a private buffer of
 *    the attachment, valid until the next shmif_recv() on it.
 *
 * Blocking: shmif_send()/shmif_sendv() take the bus lock (spinning, then
 * sleeping in 1 ms steps while a peer holds it; a lock held by a dead process
 * is taken over).  shmif_wait() spins briefly and then sleeps on a futex in
 * the bus header until a writer changes the bus, the timeout passes or
 * shmif_kick() is called.
 */
#ifndef RUMPLAB_SHMIF_H
#define RUMPLAB_SHMIF_H

#include <stddef.h>
#include <stdint.h>

#define SHMIF_MAGIC        0xca11d054u
#define SHMIF_VERSION      3u
#define SHMIF_HDR_SIZE     32u          /* file header, ring follows */
#define SHMIF_PKTHDR_SIZE  24u          /* record header */
#define SHMIF_BUS_SIZE     (1024u * 1024u) /* NetBSD's fixed file size */
#define SHMIF_FRAME_MAX    1514u        /* NetBSD's maximum frame */
#define SHMIF_JUMBO_MAX    65535u       /* hard cap for the jumbo option */
#define SHMIF_RING_MAX     (256u * 1024u * 1024u) /* largest ring we accept */

/* Header field offsets (bytes from the start of the file). */
#define SHMIF_OFF_MAGIC    0
#define SHMIF_OFF_VERSION  4
#define SHMIF_OFF_GEN      8
#define SHMIF_OFF_FIRST    16
#define SHMIF_OFF_LAST     20
#define SHMIF_OFF_LOCK     24
#define SHMIF_OFF_SPARE    28

/* shmif_opts.flags */
#define SHMIF_CREATE   0x01  /* create the file if missing, and initialise
                              * a file that is all zeros */
#define SHMIF_RDONLY   0x02  /* observer: map read-only, never lock or write */
#define SHMIF_SEEALL   0x04  /* do not skip frames this attachment sent */
#define SHMIF_REWIND   0x08  /* start reading at the oldest record in the ring
                              * instead of "from now on" */
#define SHMIF_NOWAKE_NETBSD 0x10 /* skip the pwrite() wakeup NetBSD readers
                              * (inotify/kqueue) need; rumplab-only buses */
#define SHMIF_WAKEMAP 0x20   /* with SHMIF_CREATE: a bus this attachment
                              * initialises gets its wake map (PATH.wake) */
#define SHMIF_NOWATCH 0x40   /* take no part in hearing writers that wake
                              * only by pwrite() (FORMAT.txt) */

struct shmif_opts {
	uint32_t flags;
	uint32_t bus_size;   /* file size when creating; 0: SHMIF_BUS_SIZE */
	uint32_t max_frame;  /* largest frame accepted; 0: SHMIF_FRAME_MAX */
	uint32_t spin_us;    /* spin this long in shmif_wait() after traffic
	                      * before sleeping; 0: default (50 us) */
	uint64_t sender;     /* sender id; 0: random */
};

struct shmif_bus;

/* One frame to send. */
struct shmif_txframe {
	const void *data;
	uint32_t len;
};

/* One received frame; `data` is valid until the next shmif_recv(). */
struct shmif_rxframe {
	const uint8_t *data;
	uint32_t len;
	uint32_t off;         /* ring offset of the frame data */
	uint32_t sec, usec;   /* timestamp the writer stored */
	uint64_t sender;
};

struct shmif_stats {
	uint64_t tx_frames, tx_bytes;
	uint64_t rx_frames, rx_bytes;
	uint64_t rx_own;        /* own frames skipped */
	uint64_t rx_lost;       /* frames overwritten before we read them */
	uint64_t rx_laps;       /* times this reader was lapped */
	uint64_t rx_malformed;  /* records or headers skipped as invalid */
	uint64_t lock_takeovers;/* locks taken over from a dead holder */
	uint64_t ring_resets;   /* rings re-initialised because corrupt */
	uint64_t wakeups;       /* futex sleeps that ended */
};

/* A snapshot of the file header as stored (untrusted values). */
struct shmif_header {
	uint32_t magic, version;
	uint64_t gen;
	uint32_t first, last, lock, spare;
	uint32_t ring_size;     /* derived from the file size */
};

int  shmif_attach(const char *path, const struct shmif_opts *opts,
         struct shmif_bus **busp, char *err, size_t errlen);

/* A second attachment sharing OF's mappings, descriptor, sender and
 * wake-map slot, with a reader position of its own (opts: spin_us,
 * SHMIF_REWIND and SHMIF_SEEALL; the rest is OF's): an interface's
 * receive side beside its send side, without a second mapping of the
 * bus (each of whose pages a process touches costs a fault of its own)
 * or a second open of the bus and its wake map.  OF is detached after
 * its twins, never before.  0, or -errno with a reason in err (-ENXIO:
 * OF's bus is lost). */
int  shmif_attach_twin(struct shmif_bus *of, const struct shmif_opts *opts,
         struct shmif_bus **busp, char *err, size_t errlen);

/* Make the wake map PATH.wake for the bus at PATH (FORMAT.txt): once it
 * exists, a send no longer wakes the sending interface's own receive
 * thread.  0 if made or already there, else -errno.  Attachments made
 * before it existed wake and sleep as without it. */
int  shmif_wakemap_create(const char *path);
void shmif_detach(struct shmif_bus *bus);
/* The process is about to exit: from now on shmif_detach() leaves the
 * attachment's mappings and descriptor to the exit (it still gives back
 * its wake-map slot, shared with the bus's other processes). */
void shmif_exiting(void);

/* Send one frame (returns 0) / a batch under one lock acquisition (returns
 * the number of frames written: fewer than n only if the ring could not be
 * repaired mid-batch), or -errno: -EMSGSIZE for a frame longer than
 * max_frame, -EINVAL for an empty frame, -EROFS on a read-only attachment,
 * -EIO if nothing could be written, -ENXIO once the bus is lost. */
int  shmif_send(struct shmif_bus *bus, const void *frame, uint32_t len);
int  shmif_sendv(struct shmif_bus *bus, const struct shmif_txframe *f,
         unsigned n);

/* Read up to `n` new frames.  Returns the number read (0: nothing new),
 * or -ENXIO once the bus is lost (shmif_lost()). */
int  shmif_recv(struct shmif_bus *bus, struct shmif_rxframe *rx, unsigned n);

/*
 * 0 while the bus file is whole under the attachment's mapping; else
 * -ENXIO, with why ("PATH: the bus file was cut to N bytes under its
 * M-byte mapping (truncated): ...", or its file system full).  A bus file
 * cut short, or whose full file system has no page for it, raises SIGBUS
 * in whoever touches it next: the library catches that inside its own
 * mappings (the process lives; a SIGBUS anywhere else still reaches the
 * handler that was there before), and from then on the attachment is
 * lost: shmif_send()/shmif_sendv()/shmif_recv() return -ENXIO and
 * shmif_wait() sleeps until kicked.  Detach it; attaching again to a
 * remade bus file works.
 */
int  shmif_lost(const struct shmif_bus *bus, char *why, size_t len);

/* Wait until the bus may hold new frames: 1 (maybe new), 0 (timed out),
 * -EINTR (kicked).  timeout_ms < 0 waits forever.  Never polls. */
int  shmif_wait(struct shmif_bus *bus, int timeout_ms);
void shmif_kick(struct shmif_bus *bus);

/*
 * For a reader that sleeps on many buses and more at once (futex_waitv(2),
 * the node's network loop) instead of in shmif_wait(): 1 when the bus may
 * hold new frames now (read them); else 0, with the futex word to sleep on
 * and the value it must still hold.  A sleeper woken there calls
 * shmif_note_wakeup() for the bus's statistics.  Such a sleeper ignores
 * the wake map's bits: it is woken by its own interface's sends too.
 */
int  shmif_wait_prepare(struct shmif_bus *bus, uint32_t **word,
         uint32_t *val);
void shmif_note_wakeup(struct shmif_bus *bus);

/*
 * Hearing writers that wake only by pwrite() (FORMAT.txt) without a
 * thread: after shmif_watch_events() (before the first attachment), this
 * process's part in watching bus directories is an epoll descriptor,
 * returned (or -errno), that the caller's loop polls for reading and
 * answers with shmif_watch_dispatch().  Without it, each directory costs
 * the process a thread.
 */
int  shmif_watch_events(void);
/* 1 when it stopped at its limit of events, with more perhaps waiting:
 * call it again (a loop woken by SIGIO hears only of new ones); 2 when a
 * holder has not yet made its FIFOs heard: call it again in 10 ms (with
 * SIGIO it never sleeps); else 0. */
int  shmif_watch_dispatch(void);
/* From now on the epoll set's members raise SIGIO (O_ASYNC, owner this
 * process) when they have something, for a loop that sleeps in no poll;
 * 0 or -errno. */
int  shmif_watch_sigio(void);

/* Move the read position to the oldest record still in the ring. */
void shmif_rewind(struct shmif_bus *bus);

void shmif_get_stats(const struct shmif_bus *bus, struct shmif_stats *st);
void shmif_get_header(const struct shmif_bus *bus, struct shmif_header *h);
uint64_t shmif_sender(const struct shmif_bus *bus);
const char *shmif_path(const struct shmif_bus *bus);
uint32_t shmif_max_frame(const struct shmif_bus *bus);

/* The file descriptor of the bus file (for fstat, inotify). */
int  shmif_fd(const struct shmif_bus *bus);

#endif
