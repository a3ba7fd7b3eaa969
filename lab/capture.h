/*
 * capture.h — a bus written out as pcap (Ethernet), frames as they come:
 * what `rumplab capture` (lab/verb_capture.c) and the console's capture
 * of a bus (viz/console_bus.c) both do.  The bus is read as an observer
 * (read-only, every sender's frames); pcap is flushed after each batch so
 * a reader behind a pipe follows live.
 *
 * Contract: 0 or -errno with a reason in `err`; nothing prints.
 */
#ifndef RUMPLAB_CAPTURE_H
#define RUMPLAB_CAPTURE_H

#include <pcap/pcap.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shmif/shmif.h"

struct capture_out {
	pcap_t		*dead;
	pcap_dumper_t	*d;
};

enum capture_end { CAP_STOPPED, CAP_COUNT, CAP_BUS_GONE, CAP_SOURCE_GONE,
	CAP_WRITE_ERROR };

/* The bus file at path (frames up to max_frame; rewind: from the oldest
 * frame still in the ring). */
int	capture_attach(const char *path, uint32_t max_frame, bool rewind,
	    struct shmif_bus **bus, char *err, size_t errlen);
/* file: a path, or "-" for standard output. */
int	capture_open(struct capture_out *o, const char *file, char *err,
	    size_t errlen);
void	capture_close(struct capture_out *o);
/*
 * Copies frames until *stop is set, `count` frames were written (0: no
 * limit), the bus file is unlinked or cut short, or gone(arg) (asked when the bus is
 * quiet; may be NULL) says the source went away.  *frames counts them.
 */
enum capture_end capture_copy(struct shmif_bus *bus, struct capture_out *o,
	    volatile sig_atomic_t *stop, unsigned long count,
	    bool (*gone)(void *arg), void *arg, unsigned long *frames);

#endif
