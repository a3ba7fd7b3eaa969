/*
 * if_tap.c — the tap interface kind (tap0, tap1, ...) and the
 * rumpnet_tap component: NetBSD's tap(4) as a node sees it with nobody
 * at its character device.  `ifconfig tap1 create` makes an Ethernet
 * interface that takes addresses, routes and neighbour entries like any
 * other; what it sends is counted, copied to its capture taps and
 * dropped, as NetBSD's tap_start() drops the queue while /dev/tapN is
 * not open, and nothing ever arrives on it.
 *
 * A node has no /dev/tapN, so the other end can never be opened: the
 * interface is an endpoint that owns addresses without a wire, the
 * stand-in a test uses for "a host behind this router".  Like NetBSD's
 * (IFEF_NO_LINK_STATE_CHANGE) its link never goes down, so it has no
 * linkstr and is up as soon as it is created.  An interface on a host
 * tap device is virtif's (netcomp/if_virtif.c).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kernel/component.h"
#include "netcomp/ifnet.h"

#define TAP_FRAME_MAX   9014    /* NetBSD's tap takes jumbo MTUs */

static int
tap_kind_attach(struct ifnet *ifp, char *err, size_t errlen)
{
	(void)ifp;
	(void)err;
	(void)errlen;
	return 0;
}

static void
tap_kind_detach(struct ifnet *ifp)
{
	(void)ifp;
}

/* Sent, as far as the interface knows: the reader that is not there
 * loses them. */
static int
tap_kind_transmit(struct ifnet *ifp, const struct ifnet_frame *f,
    unsigned n)
{
	(void)ifp;
	(void)f;
	return (int)n;
}

static uint32_t
tap_kind_max_frame(struct ifnet *ifp)
{
	(void)ifp;
	return TAP_FRAME_MAX;
}

static const struct ifkind tap_kind = {
	.name = "tap",
	.softc_size = 0,
	.attach = tap_kind_attach,
	.detach = tap_kind_detach,
	.set_linkstr = NULL,            /* no wire: linked from creation */
	.transmit = tap_kind_transmit,
	.max_frame = tap_kind_max_frame,
};

/* ---- the component ---- */

static int
tap_comp_init(char *err, size_t errlen)
{
	int error;

	if ((error = ifkind_register(&tap_kind)) != 0)
		snprintf(err, errlen, "cannot register the tap kind: %s",
		    strerror(-error));
	return error;
}

static void
tap_comp_fini(void)
{
	ifkind_unregister(&tap_kind);
}

static const struct component comp_tap = {
	.name = "rumpnet_tap",
	.deps = { "rumpnet_netinet", NULL },
	.init = tap_comp_init,
	.fini = tap_comp_fini,
};
COMPONENT_REGISTER(comp_tap);
