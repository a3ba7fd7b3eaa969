/*
 * zygote.h — rump_server -Z: a node kernel process that has been exec'd
 * and linked once, and forks a node for each request (rumplab starts a
 * lab's nodes through one).
 *
 * Why: on this kind of machine (a 2-core PVM guest, where page-table
 * updates are hypercalls) exec'ing rump_server, mapping and relocating
 * its shared libraries and initialising libc was over half of a node's
 * start: ld.so alone was 14 % of all CPU of `up` of a 1000-node line.
 * A fork of a small single-threaded process that has done it all costs
 * a fraction of that, and the children share its pages.
 *
 * The protocol (private to rumplab and this program, one version): the
 * zygote reads requests on a SOCK_SEQPACKET socket until every peer has
 * closed it.  A request is one message: its body the new node's argument
 * vector, each string NUL-terminated (at most ZYGOTE_MSGMAX bytes, at
 * least one string); its SCM_RIGHTS descriptors, in order: where the
 * answer goes (a pipe's write end), the read end of the launcher's go
 * pipe, the node's standard output and error, then those it gets as 3,
 * 4, 5... (at most ZYGOTE_FDMAX in all).  The answer is the child's pid
 * as a host int, or -errno when it could not fork; a malformed request
 * is answered -EINVAL.  The child lets go of the answer pipe at once and
 * goes on only when it reads a byte from the go pipe, which the launcher
 * writes once it has the pid; when the go pipe ends instead (the
 * launcher got no answer, the zygote having died before giving it), the
 * child exits, so a launcher that got no answer may start the node some
 * other way, and one that did owns the node even if the zygote dies
 * right after.  The child leads a
 * session of its own, with standard input on /dev/null, and ps shows
 * its own argument vector in place of the zygote's: that is written over
 * the zygote's (rumplab gives it a last argument to make room: the lab's
 * directory and ZYGOTE_ROOM - 1 spaces), cut to fit.
 *
 * The zygote never waits for its children: they stay its own (zombies
 * when they die) until it exits, and then belong to the nearest
 * subreaper, rumplab's supervisor, which reaps them.  It is one thread,
 * so a fork copies no lock held by another.
 */
#ifndef RUMPLAB_ZYGOTE_H
#define RUMPLAB_ZYGOTE_H

#define ZYGOTE_MSGMAX	16384
#define ZYGOTE_FDMAX	24
#define ZYGOTE_ROOM	1024	/* rumplab's room beyond the lab's path */

/*
 * Serves sock; argv and argc are the zygote's own, whose memory its
 * children write theirs over.  In a child made for a request it returns that request's
 * argument vector (*argcp strings), its descriptors in place.  In the
 * zygote it returns NULL: at the end of sock with *argcp 0, or -errno in
 * *argcp when the socket failed.
 */
char **zygote_serve(int sock, char **argv, int argc, int *argcp);

#endif
