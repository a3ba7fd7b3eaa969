/*
 * if_virtif.c — the virtif interface kind (virt0, virt1, ...) and the
 * rumpnet_virtif component: an Ethernet interface on a host tap, NetBSD's
 * driver name and usage (`ifconfig virt0 create; ifconfig virt0 linkstr
 * tap0`).  `linkstr` is the tap's name: a tap handed to the node at start
 * (rump_server -t, what rumplab does), else one opened through
 * /dev/net/tun (netcomp/virtif_user.c, the host half).
 *
 * Everything above the link is the interface layer's (netcomp/ifnet.h),
 * as for shmif: addresses, MTU, counters, capture taps and impairments.
 * The two kinds differ only in how frames move: here the receive thread
 * sleeps in poll() on the tap, reads what is queued in a batch and hands
 * it to ifnet_input(); transmit writes each frame to the tap.  A tap is
 * a point-to-point cable to the host's stack, so unlike a bus it never
 * echoes our own frames back.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kernel/component.h"
#include "kernel/hyper.h"
#include "kernel/klog.h"
#include "netcomp/ifnet.h"
#include "netcomp/virtif_user.h"

#define RX_BATCH        32
#define VIRTIF_FRAME_MAX 9014   /* as a jumbo bus: MTU 9000 */

struct virtif_softc {
	hyp_mtx_t txlk;
	struct virtif_user *tx;         /* txlk: the link, NULL unlinked */
	struct virtif_user *rx;         /* the receive thread's while it runs */
	void *rxthread;                 /* ifnet_cfg (configuration) */
	int stop;                       /* atomic */
	uint64_t toolong;               /* receive thread */
	uint8_t *rxbuf;                 /* RX_BATCH slots of FRAME_MAX + 1 */
	struct ifnet *ifp;
};

/* ---- receive ---- */

static void *
virtif_rxloop(void *arg)
{
	struct virtif_softc *sc = arg;
	struct ifnet_frame f[RX_BATCH];
	uint32_t lens[RX_BATCH];
	uint64_t toolong;
	int n, i;

	while (!__atomic_load_n(&sc->stop, __ATOMIC_ACQUIRE)) {
		toolong = sc->toolong;
		n = virtif_user_recv(sc->rx, sc->rxbuf, VIRTIF_FRAME_MAX, lens,
		    RX_BATCH, &sc->toolong);
		if (sc->toolong != toolong)
			ifnet_count_ierrors(sc->ifp, sc->toolong - toolong);
		if (n < 0) {
			klog(KLOG_WARN, "%s: reading the tap: %s; the link is "
			    "dead until its linkstr is set again",
			    ifnet_name(sc->ifp), strerror(-n));
			break;
		}
		for (i = 0; i < n; i++) {
			f[i].data = sc->rxbuf + (size_t)i *
			    (VIRTIF_FRAME_MAX + 1);
			f[i].len = lens[i];
		}
		if (n > 0)
			ifnet_input(sc->ifp, f, (unsigned)n);
	}
	return NULL;
}

/* ---- the link ---- */

static void
unlink_tap(struct virtif_softc *sc)
{
	struct virtif_user *tx;

	if (sc->rxthread != NULL) {
		__atomic_store_n(&sc->stop, 1, __ATOMIC_RELEASE);
		virtif_user_kick(sc->rx);
		hyp_thread_join(sc->rxthread);
		sc->rxthread = NULL;
	}
	hyp_mtx_enter(&sc->txlk);
	tx = sc->tx;
	sc->tx = NULL;
	hyp_mtx_exit(&sc->txlk);
	sc->rx = NULL;
	if (tx != NULL)
		klog(KLOG_INFO, "%s: detached from its tap",
		    ifnet_name(sc->ifp));
	virtif_user_close(tx);
}

static int
link_tap(struct virtif_softc *sc, const char *name, char *detail,
    size_t detaillen)
{
	struct virtif_user *vu;
	char tname[32];
	uint8_t m[6];
	int error;

	if ((error = virtif_user_open(name, &vu, detail, detaillen)) != 0)
		return error;
	sc->rx = vu;
	__atomic_store_n(&sc->stop, 0, __ATOMIC_RELEASE);
	snprintf(tname, sizeof(tname), "%s rx", ifnet_name(sc->ifp));
	if ((error = hyp_thread_create(virtif_rxloop, sc, tname, 0,
	    &sc->rxthread)) != 0) {
		snprintf(detail, detaillen, "cannot start receive thread");
		virtif_user_close(vu);
		sc->rx = NULL;
		sc->rxthread = NULL;
		return error;
	}
	hyp_mtx_enter(&sc->txlk);
	sc->tx = vu;
	hyp_mtx_exit(&sc->txlk);
	ifnet_mac(sc->ifp, m);
	klog(KLOG_INFO, "%s: attached to tap %s (%s), mac "
	    "%02x:%02x:%02x:%02x:%02x:%02x", ifnet_name(sc->ifp), name,
	    virtif_user_handed(vu) ? "handed over" : "opened", m[0], m[1],
	    m[2], m[3], m[4], m[5]);
	return 0;
}

/* ---- the ifkind ---- */

static int
virtif_kind_attach(struct ifnet *ifp, char *err, size_t errlen)
{
	struct virtif_softc *sc = ifnet_softc(ifp);
	int error;

	if ((sc->rxbuf = hyp_malloc((size_t)RX_BATCH *
	    (VIRTIF_FRAME_MAX + 1))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if ((error = hyp_mtx_init(&sc->txlk)) != 0) {
		hyp_free(sc->rxbuf);
		return error;
	}
	sc->ifp = ifp;
	return 0;
}

static void
virtif_kind_detach(struct ifnet *ifp)
{
	struct virtif_softc *sc = ifnet_softc(ifp);

	hyp_mtx_destroy(&sc->txlk);
	hyp_free(sc->rxbuf);
}

static int
virtif_kind_set_linkstr(struct ifnet *ifp, const char *linkstr,
    char *detail, size_t detaillen)
{
	struct virtif_softc *sc = ifnet_softc(ifp);

	unlink_tap(sc);
	if (linkstr[0] == '\0')
		return 0;
	return link_tap(sc, linkstr, detail, detaillen);
}

/* A frame the host cannot take now (its queue is full) is dropped, as a
 * full bus ring would drop it; the count says how many left. */
static int
virtif_kind_transmit(struct ifnet *ifp, const struct ifnet_frame *f,
    unsigned n)
{
	struct virtif_softc *sc = ifnet_softc(ifp);
	unsigned i;
	int sent = 0;

	hyp_mtx_enter(&sc->txlk);
	if (sc->tx == NULL) {
		hyp_mtx_exit(&sc->txlk);
		return -ENETDOWN;
	}
	for (i = 0; i < n; i++)
		if (virtif_user_send(sc->tx, f[i].data, f[i].len) == 0)
			sent++;
	hyp_mtx_exit(&sc->txlk);
	return sent;
}

static uint32_t
virtif_kind_max_frame(struct ifnet *ifp)
{
	(void)ifp;
	return VIRTIF_FRAME_MAX;
}

static const struct ifkind virtif_kind = {
	.name = "virt",
	.softc_size = sizeof(struct virtif_softc),
	.attach = virtif_kind_attach,
	.detach = virtif_kind_detach,
	.set_linkstr = virtif_kind_set_linkstr,
	.transmit = virtif_kind_transmit,
	.max_frame = virtif_kind_max_frame,
};

/* ---- the component ---- */

static int
virtif_comp_init(char *err, size_t errlen)
{
	int error;

	if ((error = ifkind_register(&virtif_kind)) != 0)
		snprintf(err, errlen, "cannot register the virtif kind: %s",
		    strerror(-error));
	return error;
}

static void
virtif_comp_fini(void)
{
	ifkind_unregister(&virtif_kind);
}

static const struct component comp_virtif = {
	.name = "rumpnet_virtif",
	.deps = { "rumpnet_netinet", NULL },
	.init = virtif_comp_init,
	.fini = virtif_comp_fini,
};
COMPONENT_REGISTER(comp_virtif);
