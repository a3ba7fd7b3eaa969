/*
 * taps.h — a lab's host taps: the Linux tap devices that join its
 * segments to a real network stack (lab_bus.tap, rumplab(5)).
 *
 * Who may make them: root, in the network namespace `rumplab up` runs
 * in; or a user, in a user and network namespace of the lab's own (the
 * supervisor unshares them first, so the lab's nodes live there too, as
 * uid 0 of it), which needs /dev/net/tun open to users and user
 * namespaces allowed.  Anywhere else the lab cannot start, and
 * taps_preflight() says what is missing before anything does.
 *
 * The supervisor opens every tap at its start (taps_open()) and holds
 * it for the lab's life: a tap the lab created is not persistent, so it
 * goes when the last descriptor to it closes — the supervisor's at down,
 * or, after a supervisor killed with -9, the nodes' when `down` kills
 * them.  A node on a tap gets it at start (rump_server -t, lab/launch.c);
 * a bus joined to a tap gets a pump, a child of the supervisor that
 * copies every frame of the bus to the tap and every frame of the tap
 * onto the bus, and dies with the supervisor (PR_SET_PDEATHSIG).
 *
 * Contract: 0 or -errno with a one-line reason in why; nothing prints.
 */
#ifndef RUMPLAB_TAPS_H
#define RUMPLAB_TAPS_H

#include <stdbool.h>
#include <stddef.h>

#include "lab/lab.h"

#define TAPS_FD_MIN	100	/* the supervisor's tap descriptors, out of
				 * the way of those a launch hands on */
#define TAPS_MAX	LAB_TAPS_MAX	/* taps of one lab */

/* Can this process's user make the lab's taps here?  For `up`. */
int	taps_preflight(const struct lab *lab, char *why, size_t len);
/*
 * In the supervisor, before it starts anything: a user's own user and
 * network namespace (*ownns set), then every tap, up, with its host
 * addresses.  fds[b] is bus b's tap, -1 for a bus without one (fds has
 * lab->nbuses entries).  On failure the taps opened are closed.
 */
int	taps_open(const struct lab *lab, int *fds, bool *ownns, char *why,
	    size_t len);
void	taps_close(const struct lab *lab, int *fds);

/* A pump: a child_spec function (lab/child.h) for a forked child. */
struct taps_pump {
	const char	*bus;		/* the bus file */
	int		 fd;		/* the tap */
	const char	*tap;		/* its name, for messages */
};
int	taps_pump(void *arg);

#endif
