/*
 * linkstate.h — what the lab says about its links beyond the plan: per
 * interface its impairments (both directions), `down` and an MTU; per
 * bus its impairments (applied to every member's out direction, under
 * the interface's own), `cut` and an MTU.  Kept by the supervisor, set
 * from the topology's impair keys and by `link set` / `bus cut|join`,
 * printed by `link show`, and pushed into a node's kernel over sysproxy
 * after it starts and whenever it changes.
 *
 * Contract: one instance per process (the supervisor's); not
 * thread-safe.  linkstate_push() blocks on a node (sysproxy calls, the
 * process's one librumpclient connection) and so runs in a worker
 * process.  Errors: -errno with one line in `why`.
 */
#ifndef RUMPLAB_LINKSTATE_H
#define RUMPLAB_LINKSTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "lab/impair_spec.h"
#include "lab/lab.h"

/* A target: an interface (node >= 0, iface >= 0) or a bus (bus >= 0). */
struct lstarget {
	int	node, iface, bus;
};

int	linkstate_init(const struct lab *lab, char *why, size_t whylen);
void	linkstate_free(void);
/* "NODE:IF" or "BUS"; -ENOENT with a reason. */
int	linkstate_target(const char *word, struct lstarget *t, char *why,
	    size_t whylen);
/* Applies a parsed `link set` to the target; marks the nodes to push. */
int	linkstate_set(const struct lstarget *t, const struct impset *s,
	    char *why, size_t whylen);
int	linkstate_cut(int bus, bool cut);
/* Nodes whose kernels need the state pushed after a change: those that
 * take(node) accepts (running ones) are returned and unmarked, the rest
 * stay marked; mark/pending for one node.  special: a node whose links
 * differ from the plan at all (pushed when it starts). */
int	linkstate_changed(int *nodes, int max, bool (*take)(int));
void	linkstate_mark(int node);
bool	linkstate_pending(int node);
bool	linkstate_special(int node);
/* In a worker: pushes node's interfaces' state into its kernel (url);
 * why names the interface, not the node. */
int	linkstate_push(int node, const char *url, char *why, size_t whylen);
/* `link show` lines (without the final ok); node_up(i) says whether a
 * node is running. */
void	linkstate_show(const struct lstarget *t, bool (*node_up)(int),
	    void (*emit)(void *arg, const char *line), void *arg);
/* For status, what `link set` and `bus cut` changed from the plan, one
 * line through emit per bus and interface: "bus core cut", "iface
 * r1:shmif1 down out.delay=10ms (planned: out.delay=5ms)"; nothing when
 * all links are as the topology set them. */
void	linkstate_summary(void (*emit)(void *arg, const char *line),
	    void *arg);

#endif
