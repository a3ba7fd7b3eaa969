/*
 * iftap.c — capture taps on an interface: every frame the interface
 * sends or accepts is copied onto a tap bus, a shmif bus file of its own
 * that a capture tool (`rumplab capture NODE:IF`) reads like any bus.  A
 * shmif ring is the transport because it never blocks the writer: a slow
 * or dead reader loses frames (counted in its shmif stats) instead of
 * stalling the node.
 *
 * A tap belongs to the client connection that asked for it and goes when
 * that connection closes (iftap_release, from the sysproxy server), so a
 * capture killed with SIGKILL leaves nothing writing (and no file).  Up
 * to IFTAP_MAX per interface.  The tap bus is 4 MiB and takes the
 * link's largest frame.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kernel/hyper.h"
#include "kernel/klog.h"
#include "netcomp/ifnet_var.h"
#include "netcomp/impair.h"
#include "shmif/shmif.h"

#define IFTAP_MAX       4
#define IFTAP_BUSSIZE   (4u << 20)
#define IFTAP_MAXFRAME  9014u

struct iftap {
	struct shmif_bus *bus[IFTAP_MAX];
	uintptr_t owner[IFTAP_MAX];
};

static hyp_mtx_t tap_mtx;

int
iftap_init(void)
{
	return hyp_mtx_init(&tap_mtx);
}

void
iftap_fini(void)
{
	hyp_mtx_destroy(&tap_mtx);
}

static void
recount(struct ifnet *ifp)
{
	int i, n = 0;

	if (ifp->taps != NULL)
		for (i = 0; i < IFTAP_MAX; i++)
			n += ifp->taps->bus[i] != NULL;
	__atomic_store_n(&ifp->ntaps, n, __ATOMIC_RELEASE);
}

int
iftap_add(struct ifnet *ifp, const char *path, uintptr_t owner)
{
	struct shmif_opts o = { .flags = SHMIF_CREATE,
	    .bus_size = IFTAP_BUSSIZE, .max_frame = IFTAP_MAXFRAME };
	uint32_t mf;
	struct shmif_bus *bus;
	char err[160];
	int error, i, slot = -1;

	if (ifp->kind == NULL)
		return -EOPNOTSUPP;
	if (path[0] != '/' || strcmp(path, ifp->linkstr) == 0)
		return -EINVAL;         /* not its own bus: frames would loop */
	/* Any frame the link carries fits the tap (a larger frame would
	 * make shmif refuse a whole batch). */
	if ((mf = ifp->kind->max_frame(ifp)) > o.max_frame)
		o.max_frame = mf;
	hyp_mtx_enter(&tap_mtx);
	if (ifp->taps == NULL &&
	    (ifp->taps = hyp_calloc(1, sizeof(*ifp->taps))) == NULL) {
		hyp_mtx_exit(&tap_mtx);
		return -ENOMEM;
	}
	for (i = 0; i < IFTAP_MAX; i++) {
		if (ifp->taps->bus[i] == NULL && slot < 0)
			slot = i;
		if (ifp->taps->bus[i] != NULL &&
		    strcmp(shmif_path(ifp->taps->bus[i]), path) == 0) {
			hyp_mtx_exit(&tap_mtx);
			return -EEXIST;
		}
	}
	hyp_mtx_exit(&tap_mtx);
	if (slot < 0)
		return -EBUSY;
	if ((error = shmif_attach(path, &o, &bus, err, sizeof(err))) != 0) {
		klog(KLOG_WARN, "%s: cannot open tap %s: %s", ifp->name, path,
		    err);
		return error;
	}
	hyp_mtx_enter(&tap_mtx);
	if (ifp->taps->bus[slot] != NULL) {     /* raced with another add */
		hyp_mtx_exit(&tap_mtx);
		shmif_detach(bus);
		return -EBUSY;
	}
	ifp->taps->bus[slot] = bus;
	ifp->taps->owner[slot] = owner;
	recount(ifp);
	hyp_mtx_exit(&tap_mtx);
	klog(KLOG_INFO, "%s: capture tap on %s", ifp->name, path);
	return 0;
}

/* tap_mtx held: unhooks slot i; the caller detaches the bus unlocked. */
static struct shmif_bus *
take(struct ifnet *ifp, int i)
{
	struct shmif_bus *bus = ifp->taps->bus[i];

	ifp->taps->bus[i] = NULL;
	ifp->taps->owner[i] = 0;
	recount(ifp);
	return bus;
}

/* The node made the tap files, so it removes them: a capture killed
 * with SIGKILL leaves no 4 MiB file behind. */
static void
close_taps(struct ifnet *ifp, struct shmif_bus **gone, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		klog(KLOG_INFO, "%s: capture tap off %s", ifp->name,
		    shmif_path(gone[i]));
		(void)unlink(shmif_path(gone[i]));
		shmif_detach(gone[i]);
	}
}

int
iftap_del(struct ifnet *ifp, const char *path)
{
	struct shmif_bus *gone = NULL;
	int i;

	hyp_mtx_enter(&tap_mtx);
	for (i = 0; ifp->taps != NULL && i < IFTAP_MAX; i++)
		if (ifp->taps->bus[i] != NULL &&
		    strcmp(shmif_path(ifp->taps->bus[i]), path) == 0) {
			gone = take(ifp, i);
			break;
		}
	hyp_mtx_exit(&tap_mtx);
	if (gone == NULL)
		return -ENOENT;
	close_taps(ifp, &gone, 1);
	return 0;
}

static void
release_if(struct ifnet *ifp, uintptr_t owner, int all)
{
	struct shmif_bus *gone[IFTAP_MAX];
	int i, n = 0;

	hyp_mtx_enter(&tap_mtx);
	for (i = 0; ifp->taps != NULL && i < IFTAP_MAX; i++)
		if (ifp->taps->bus[i] != NULL &&
		    (all || ifp->taps->owner[i] == owner))
			gone[n++] = take(ifp, i);
	if (all) {
		hyp_free(ifp->taps);
		ifp->taps = NULL;
	}
	hyp_mtx_exit(&tap_mtx);
	close_taps(ifp, gone, n);
}

void
iftap_release(struct ifnet *ifp, uintptr_t owner)
{
	release_if(ifp, owner, 0);
}

void
iftap_detach(struct ifnet *ifp)
{
	release_if(ifp, 0, 1);
}

void
iftap_write(struct ifnet *ifp, const struct ifnet_frame *f, unsigned n)
{
	struct shmif_txframe tf[32];
	unsigned i, k, chunk;

	if (!__atomic_load_n(&ifp->ntaps, __ATOMIC_ACQUIRE))
		return;
	hyp_mtx_enter(&tap_mtx);
	for (k = 0; ifp->taps != NULL && k < IFTAP_MAX; k++) {
		if (ifp->taps->bus[k] == NULL)
			continue;
		for (i = 0; i < n; i += chunk) {
			chunk = n - i < 32 ? n - i : 32;
			for (unsigned j = 0; j < chunk; j++) {
				tf[j].data = f[i + j].data;
				tf[j].len = f[i + j].len;
			}
			(void)shmif_sendv(ifp->taps->bus[k], tf, chunk);
		}
	}
	hyp_mtx_exit(&tap_mtx);
}
