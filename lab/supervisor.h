/*
 * supervisor.h — the per-lab daemon (the bgpd of a lab; the rumplab
 * verbs are its bgpctl).  It owns the lab's node kernels (it is their
 * parent, as a child subreaper), starts and configures them through
 * worker processes, runs the nodes' services (their run: commands) and
 * copies their output into the nodes' logs, notices nodes and services
 * that die, answers requests on the control socket (lab/CONTROL.txt),
 * and on `down`, `abort`, SIGTERM, SIGINT or SIGHUP stops everything and
 * removes the lab's state directory before it exits.
 *
 * It sleeps in poll() on the control socket, its clients, a signalfd
 * (SIGCHLD and the stop signals) and its children's pipes: no timer
 * wakes it while the lab is idle.  Its parts: lab/sup.h.
 */
#ifndef RUMPLAB_SUPERVISOR_H
#define RUMPLAB_SUPERVISOR_H

/*
 * Runs the supervisor of the lab whose state directory `dir` holds
 * topology.yaml; writes "OK\n" (or a reason) to ready_fd once the control
 * socket listens.  `jobs` bounds the node kernels started at once.
 * Returns the process's exit status.
 */
int	supervisor_main(const char *dir, int ready_fd, int jobs);

#endif
