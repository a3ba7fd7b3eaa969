/*
 * buspump.h — the bus end of a pump: what joins a shmif bus to something
 * else that carries frames (a host tap, lab/taps.h; VDE connections,
 * lab/uplink.h).  The pump copies every frame others write on the bus
 * to the other side, and writes the other side's frames onto the bus.
 *
 * It is two attachments to the bus that share one sender id: the bus
 * skips a reader's own frames (shmif/FORMAT.txt), so the receiving one
 * never reads back what the sending one wrote, and a frame that came
 * from the other side never goes back there (no loop, no echo).  They
 * share the wake map's bit too, so the pump's own sends do not wake its
 * reader.
 *
 * The reader is a thread of its own: a bus wakes its readers with a
 * futex, which poll() cannot wait on, so the other side's descriptors
 * are polled by the caller's thread and the bus is slept on here.
 *
 * Threads: buspump_start()'s thread calls `out` (and nothing else of the
 * pump); the caller's thread sends on `tx` (shmif_send/shmif_sendv) and
 * calls the rest.  Contract: 0 or -errno; buspump_attach() writes a
 * one-line reason into err.  Nothing prints.
 */
#ifndef RUMPLAB_BUSPUMP_H
#define RUMPLAB_BUSPUMP_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shmif/shmif.h"

#define BUSPUMP_BATCH	32	/* frames read or written at once */

/*
 * The bus's frames, n of them (n > 0), valid during the call.  On the
 * reader's thread; it may block (the bus keeps what comes meanwhile,
 * as far as its ring holds it).
 */
typedef void buspump_out_fn(void *arg, const struct shmif_rxframe *f,
    int n);

struct buspump {
	struct shmif_bus *tx;		/* the caller's, for sending */
	struct shmif_bus *rx;		/* the reader's */
	buspump_out_fn	*out;
	void		*arg;
	pthread_t	 thread;
	bool		 running;
	int		 stop;		/* atomic */
};

/*
 * Attach both ends to the bus at path: flags for the sending one
 * (SHMIF_CREATE | SHMIF_WAKEMAP to make a missing bus, 0 to refuse
 * one), max_frame the largest frame either takes (0: 1514, NetBSD's),
 * sender the id (0: random).  On failure nothing stays attached.
 */
int	buspump_attach(struct buspump *p, const char *path, uint32_t flags,
	    uint32_t max_frame, uint64_t sender, char *err, size_t len);
/* Start the reader: from now on every new frame of others goes to out. */
int	buspump_start(struct buspump *p, buspump_out_fn *out, void *arg);
/* Stop the reader; returns once it has ended (no out() runs after). */
void	buspump_stop(struct buspump *p);
/* Stop it if running, then detach both ends. */
void	buspump_detach(struct buspump *p);

#endif
