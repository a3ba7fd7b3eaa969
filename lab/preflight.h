/*
 * preflight.h — what a lab will need of this machine, weighed before
 * anything starts.  A lab too big for the machine used to fail half way
 * (at ~5,600 nodes, "cannot start: Resource temporarily unavailable",
 * when kernel.pid_max ran out), leaving a user to guess which limit it
 * was; `rumplab up` now asks first and refuses with the limit, the
 * numbers, and what would fit.
 *
 * The needs are the footprint of a started lab, measured (make bench,
 * tests/bench/50-lab.sh): a node is two tasks (its main thread and the
 * network loop, netcomp/netloop.c) and, all in, under 0.5 MiB of memory
 * once up (5000-router lines: MemAvailable drop / nodes); while the lab
 * starts, each of the supervisor's workers holds one more task in the
 * node it configures (a sysproxy worker).  A service is a process, and a
 * pipe to the supervisor.  A bus file is written through when its ring
 * is laid out, so it takes its whole size at once.
 */
#ifndef RUMPLAB_PREFLIGHT_H
#define RUMPLAB_PREFLIGHT_H

#include <stddef.h>
#include <stdint.h>

#include "lab/lab.h"

#define PREFLIGHT_NODE_TASKS	1	/* the main thread runs the network loop */
#define PREFLIGHT_NODE_MEM	(640u * 1024)	/* all in, with margin */

struct lab_needs {
	long		tasks;		/* threads of the lab's processes */
	long		fds;		/* the supervisor's descriptors */
	uint64_t	mem;		/* bytes of memory once up */
	uint64_t	disk;		/* bytes of the bus files (a ring is
					 * laid out through its whole file) */
};

/* What lab needs when started with `jobs` workers. */
void	lab_needs(const struct lab *lab, int jobs, struct lab_needs *n);

/*
 * Weighs the lab's needs against kernel.pid_max, kernel.threads-max,
 * RLIMIT_NPROC (the tasks of this user), RLIMIT_NOFILE's hard limit,
 * MemAvailable and the free space of the file system of `statedir` (a
 * directory that exists: the state directory's root).  Returns 0 when
 * the lab fits, else -EAGAIN (tasks), -EMFILE, -ENOMEM or -ENOSPC with
 * the limit, the numbers and a way out in why.
 */
int	lab_preflight(const struct lab *lab, int jobs, const char *statedir,
	    char *why, size_t whylen);

/*
 * Which limit a failed process or thread creation (EAGAIN) most likely
 * hit, for a node that still fails to start: into buf ("" if none
 * looks exhausted).
 */
void	preflight_task_limit(char *buf, size_t len);

#endif
