/*
 * buspump.c — the bus end of a pump (lab/buspump.h): the pair of
 * attachments with one sender id, and the reader thread that hands the
 * bus's frames on a batch at a time.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lab/buspump.h"

/* After traffic the reader spins this long before sleeping (as a node's
 * receive side does: see RX_SPIN_US in netcomp/if_shmif.c). */
#define READER_SPIN_US	10

int
buspump_attach(struct buspump *p, const char *path, uint32_t flags,
    uint32_t max_frame, uint64_t sender, char *err, size_t len)
{
	struct shmif_opts o = { .flags = flags, .max_frame = max_frame,
	    .sender = sender };
	int r;

	memset(p, 0, sizeof(*p));
	if ((r = shmif_attach(path, &o, &p->tx, err, len)) != 0)
		return r;
	/* The reader's end takes the sender's id, drawn if it was 0. */
	o.flags = 0;
	o.spin_us = READER_SPIN_US;
	o.sender = shmif_sender(p->tx);
	if ((r = shmif_attach(path, &o, &p->rx, err, len)) != 0) {
		shmif_detach(p->tx);
		p->tx = NULL;
		return r;
	}
	return 0;
}

/*
 * The reader.  A lost bus (its file cut) reads -ENXIO; the wait then
 * sleeps until the pump is stopped: the caller's side learns of it from
 * its own sends or shmif_lost().
 */
static void *
reader(void *arg)
{
	struct buspump *p = arg;
	struct shmif_rxframe f[BUSPUMP_BATCH];
	int n;

	while (!__atomic_load_n(&p->stop, __ATOMIC_ACQUIRE)) {
		if ((n = shmif_recv(p->rx, f, BUSPUMP_BATCH)) > 0)
			p->out(p->arg, f, n);
		else
			(void)shmif_wait(p->rx, -1);
	}
	return NULL;
}

int
buspump_start(struct buspump *p, buspump_out_fn *out, void *arg)
{
	int r;

	p->out = out;
	p->arg = arg;
	__atomic_store_n(&p->stop, 0, __ATOMIC_RELEASE);
	if ((r = pthread_create(&p->thread, NULL, reader, p)) != 0)
		return -r;
	p->running = true;
	return 0;
}

void
buspump_stop(struct buspump *p)
{
	if (!p->running)
		return;
	__atomic_store_n(&p->stop, 1, __ATOMIC_RELEASE);
	shmif_kick(p->rx);		/* a kick before the wait is kept */
	pthread_join(p->thread, NULL);
	p->running = false;
}

void
buspump_detach(struct buspump *p)
{
	buspump_stop(p);
	if (p->rx != NULL)
		shmif_detach(p->rx);
	if (p->tx != NULL)
		shmif_detach(p->tx);
	p->rx = p->tx = NULL;
}
