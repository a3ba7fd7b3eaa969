/*
 * launch.h — bringing one node to life: start its node kernel
 * (rump_server, our child in its own session, its output to the node's
 * log) and configure it through librumpclient, in this process, step by
 * step as plan_node_steps() lists them; and start a node's run: commands.
 *
 * Contract: launch_node() blocks (the node kernel's start-up, then one
 * sysproxy call per step) and uses the process's one librumpclient
 * connection, so it runs in a worker process (lab/supervisor.c forks a
 * few); it returns 0 with the node kernel's pid, or -errno with a
 * one-line reason in `why`.  Nothing prints; the node's log gets a line
 * per failure.
 */
#ifndef RUMPLAB_LAUNCH_H
#define RUMPLAB_LAUNCH_H

#include <stddef.h>
#include <sys/types.h>

#include "lab/lab.h"

struct launch_ctx {
	const struct lab	*lab;
	const char		*dir;		/* the lab's state directory */
	char			 server[4200];	/* rump_server to run */
};

/* Finds rump_server: $RUMPLAB_SERVER, beside this program, else $PATH. */
void	launch_init(struct launch_ctx *lc, const struct lab *lab,
	    const char *dir);
int	launch_node(const struct launch_ctx *lc, int node, pid_t *pid,
	    char *why, size_t whylen);
/*
 * After a restart: the node came back with another MAC (the client
 * library cannot set one yet), so its neighbours on every bus forget its
 * addresses (ARP and ND entries) instead of sending to the old MAC until
 * their entries expire.
 */
void	launch_forget(const struct launch_ctx *lc, int node);
/*
 * Starts `sh -c cmd` with RUMP_SERVER set to the node, its output
 * appended to the node's log, in its own process group.  The child's pid
 * or -errno.
 */
pid_t	launch_run(const struct launch_ctx *lc, int node, const char *cmd);
/* The node's URL: unix:///DIR/sock/INDEX. */
void	launch_url(const char *dir, int node, char *buf, size_t len);

#endif
