/*
 * plan.h — the lab's front half as a library: open a topology (load,
 * validate, plan), read the planned model (lab/lab.h), walk each node's
 * configuration steps, trace packets through the planned routes.
 *
 * Users: the rumplab verbs (validate, plan, and the launcher's up, check,
 * ...), viewers.  A launcher needs, per node, exactly what
 * plan_node_steps() gives, in that order: create and configure each
 * interface (bus file, MAC, MTU, addresses, up), set sysctls, add routes,
 * then (a bridge) make the bridge of its interfaces, then run the
 * node's commands.  Each step comes both as data (the model
 * objects it applies) and as the equivalent rump.* command line.
 *
 * Contract: lab_open*() return 0 with *labp set, or -EINVAL with every
 * problem in the diag (nothing else allocated), or -ENOMEM / -errno of
 * reading the file (then the diag holds one message saying so).  The lab
 * is freed by lab_close().  A planned lab is read-only: the functions
 * below may be called from several threads at once.  Nothing prints.
 */
#ifndef RUMPLAB_PLAN_H
#define RUMPLAB_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "lab/diag.h"
#include "lab/lab.h"

int	lab_open(const char *path, struct lab **labp, struct diag *d);
/* A copy of a topology (a running lab's) whose relative file system
 * images are from basedir, the original's directory. */
int	lab_open_at(const char *path, const char *basedir, struct lab **labp,
	    struct diag *d);
/* `file` names the text in messages ("<default>", "-"). */
int	lab_open_buffer(const char *file, const char *text, size_t len,
	    struct lab **labp, struct diag *d);
/* The built-in default topology (topologies/default.yaml). */
int	lab_open_default(struct lab **labp, struct diag *d);
const char *lab_default_text(size_t *len);
void	lab_close(struct lab *lab);

/*
 * The complete route table of a node: the file's routes and gateways,
 * then (routing: static) the computed ones, each with its interface.  *out
 * is malloc'ed (free() it); computing takes one search of the lab's graph
 * per family, O(nodes + interfaces).  0 or -ENOMEM.
 */
int	lab_node_routes(const struct lab *lab, int node, struct lab_route **out,
	    int *n);

/* --- configuration steps of a node --------------------------------------- */

enum plan_step_kind {
	STEP_IF_CREATE,		/* rump.ifconfig shmif0 create */
	STEP_IF_LINKSTR,	/* rump.ifconfig shmif0 linkstr BUSDIR/lan1,
				 * rump.ifconfig virt0 linkstr TAP */
	STEP_IF_MAC,		/* rump.ifconfig shmif0 link b2:a0:... active */
	STEP_IF_MTU,		/* rump.ifconfig shmif0 mtu 9000 (not 1500) */
	STEP_IF_ADDR,		/* rump.ifconfig shmif0 inet 10.0.1.1/24 */
	STEP_IF_UP,		/* rump.ifconfig shmif0 up */
	STEP_BR_CREATE,		/* rump.ifconfig bridge0 create (a bridge) */
	STEP_BR_ADD,		/* rump.brconfig bridge0 add shmif0 */
	STEP_BR_UP,		/* rump.brconfig bridge0 up */
	STEP_SYSCTL,		/* rump.sysctl -w net.inet.ip.forwarding=1 */
	STEP_ROUTE,		/* rump.route add -net 10.0.2.0/24 10.0.1.2 */
	STEP_RUN,		/* sh -c 'the command' */
	STEP_SERVER,		/* rump_server -d key=/www,hostpath=..., at
				 * start (the launcher passes it) */
	STEP_MOUNT,		/* rump.mount -t ext2fs /dev/fs0 /www */
};

#define PLAN_STEP_ARGS	10

struct plan_step {
	enum plan_step_kind	 kind;
	int			 node;
	int			 iface;		/* STEP_IF_*, STEP_ROUTE; else -1 */
	const struct lab_bus	*bus;		/* STEP_IF_LINKSTR */
	const struct lab_addr	*addr;		/* STEP_IF_ADDR */
	const struct lab_route	*route;		/* STEP_ROUTE */
	const struct lab_sysctl	*sysctl;	/* STEP_SYSCTL */
	const char		*run;		/* STEP_RUN */
	const struct lab_fs	*fs;		/* STEP_SERVER, STEP_MOUNT */
	/* The same step as a command line; valid during the callback. */
	int			 argc;
	const char		*argv[PLAN_STEP_ARGS + 1];
	char			 buf[1024];
};

typedef int (*plan_step_fn)(const struct plan_step *step, void *arg);

/*
 * Calls fn for each step of node `node` in the order they apply; stops at
 * fn's first nonzero result and returns it (0 when all ran; -ENOMEM;
 * -ENAMETOOLONG for a bus path or sysctl beyond the step's buffer).
 * Bus files are named BUSDIR/BUSNAME (busdir NULL: the bus name alone).
 */
int	plan_node_steps(const struct lab *lab, int node, const char *busdir,
	    plan_step_fn fn, void *arg);

/*
 * A node's file systems at start: the component each type needs (NULL
 * for an index past the last), and the rump_server -d spec that hands
 * the node file system k's image or directory (0 and "" for a tmpfs).
 * Images are named as lab_fs_path() finds them.
 */
const char *plan_fs_component(const struct lab_fs *fs);
int	plan_fs_spec(const struct lab *lab, const struct lab_fs *fs, int k,
	    char *buf, size_t len);

/* --- tracing ------------------------------------------------------------- */

#define LAB_TRACE_MAX	255

struct lab_trace {
	bool		reached;	/* there and back */
	int		owner;		/* node holding the address, or -1 */
	int		path[LAB_TRACE_MAX];	/* transit nodes */
	int		npath;
	struct lab_ip	src;		/* the sender's address */
	char		why[256];	/* when not reached */
};

/* Where the planned routes take a packet from node `from` to dst. */
int	lab_trace(const struct lab *lab, int from, const struct lab_ip *dst,
	    struct lab_trace *t);

/* --- printing (lab/plan_print.c) ----------------------------------------- */

/*
 * The plan as text (buses; per node its rump.* commands; checks) or as one
 * JSON object.  node >= 0 prints that node alone.  0, -EIO, or what
 * plan_node_steps() returns.
 */
int	plan_print_text(const struct lab *lab, const char *busdir, int node,
	    FILE *f);
int	plan_print_json(const struct lab *lab, const char *busdir, int node,
	    FILE *f);

#endif
