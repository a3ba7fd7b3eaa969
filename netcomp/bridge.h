/*
 * bridge.h — the contract between the interface layer and the bridge
 * (netcomp/bridge.c, the rumpnet_bridge component): the two calls the
 * interface layer makes into a bridge for the interfaces that are its
 * members.  No lwIP types.
 *
 *  - bridge_input() takes the frames a member received (after its input
 *    impairments, from the member's receive thread or the impairment
 *    thread): the bridge counts and taps them on the member, learns,
 *    forwards and floods them, and hands those for the bridge interface
 *    itself to its stack.  Frames are valid during the call only.
 *  - bridge_port_gone() runs when a member is destroyed, with ifnet_cfg
 *    held and the core lock not: the member leaves its bridge, after the
 *    frames in flight through it have left.
 *  - bridge_gone() runs when a bridge interface is destroyed, the same
 *    way, before its impairments and taps go: every member leaves it.
 */
#ifndef RUMPLAB_NETCOMP_BRIDGE_H
#define RUMPLAB_NETCOMP_BRIDGE_H

#include "netcomp/ifnet.h"

void bridge_input(struct ifnet *ifp, const struct ifnet_frame *f,
         unsigned n);
void bridge_port_gone(struct ifnet *ifp);
void bridge_gone(struct ifnet *ifp);

#endif
