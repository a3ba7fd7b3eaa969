/*
 * launch.h — bringing one node to life: its configuration recorded
 * as plan_node_steps() lists it, its node kernel started with it
 * (rump_server -b, in its own session, its output to the node's log),
 * forked by a zygote (kernel/zygote.h) when the context has one, else
 * spawned as our child; and the environment of the programs that run
 * against a node (`rumplab exec`, services).
 *
 * Contract: launch_node() blocks (the node kernel's start-up, its
 * configuration included) and uses the process's librumpclient (to
 * record), so it runs in a worker process (lab/supervisor.c forks a
 * few); it returns 0 with the node kernel's pid, or -errno with a
 * one-line reason in `why`.  Nothing prints; the node's log gets a line
 * per failure.  launch_zygote() starts a zygote, our child, for the
 * workers to share: it exits once every copy of *sock is closed.
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
	/* The taps the supervisor opened, by bus (tap segments only;
	 * lab/taps.h): a node on one gets it with rump_server -t.  NULL, or
	 * -1 for a bus without, when none. */
	const int		*tapfd;
	int			 zygote;	/* its socket, or -1 */
};

/* Finds rump_server: $RUMPLAB_SERVER, beside this program, else $PATH. */
void	launch_init(struct launch_ctx *lc, const struct lab *lab,
	    const char *dir);
int	launch_node(const struct launch_ctx *lc, int node, pid_t *pid,
	    char *why, size_t whylen);
struct child;
int	launch_zygote(const struct launch_ctx *lc, struct child *c,
	    int *sock);
/*
 * After a restart: the node came back with another MAC (the client
 * library cannot set one yet), so its neighbours on every bus forget its
 * addresses (ARP and ND entries) instead of sending to the old MAC until
 * their entries expire.
 */
void	launch_forget(const struct launch_ctx *lc, int node);
/* The node's URL: unix:///DIR/sock/INDEX. */
void	launch_url(const char *dir, int node, char *buf, size_t len);

/*
 * The environment of a program that runs against node `node` (its index;
 * `name` its name) of the lab in `dir`: the one `rumplab exec NODE --
 * CMD` gives CMD and the lab's services run with.  Ours, with
 *	RUMP_SERVER=unix://DIR/sock/INDEX	the node (librumpclient's)
 *	RUMPLAB_LAB=LAB  RUMPLAB_NODE=NAME	where it runs
 *	PATH=$PATH:BINDIR		the rump.* commands beside rumplab
 *	LD_PRELOAD=LIBDIR/librumphijack.so[:$LD_PRELOAD]
 *	RUMPHIJACK_HOSTS=DIR/hosts	the lab's names (launch_hosts())
 * BINDIR is the directory of the running rumplab binary; with
 * LAUNCH_HOST the program runs on the host's own network (exec --host):
 * no LD_PRELOAD and no hosts file.  The hijack
 * contract: librumphijack.so lives in LIBDIR, ../lib from BINDIR (in a
 * build tree $(O)/lib beside $(O)/bin, once installed PREFIX/lib), and
 * only when that file exists is LD_PRELOAD set, to its absolute path, in
 * front of whatever the caller preloads; the library finds the node
 * through RUMP_SERVER and redirects what RUMPHIJACK selects, which is
 * left as the caller has it (unset: the library's default).  Without
 * the file, programs use the host's network stack, RUMP_SERVER set.
 *
 * e->envp is the environment (NULL-terminated); launch_env_free() frees
 * it.  0 or -ENOMEM.
 */
struct launch_env {
	char	**envp;
	char	 *vars[8];	/* what it adds, NULL-terminated */
};

#define LAUNCH_HOST	0x1	/* no hijack: the host's own network */

int	launch_env(struct launch_env *e, const char *dir, int node,
	    const char *name, int flags);
/* The directory rumplab runs from (its rump.* commands beside it). */
void	launch_bindir(char *buf, size_t len);
/*
 * The lab's hosts(5) file, DIR/hosts: every node's name and addresses,
 * which programs on its nodes resolve names with (librumphijack(3)).
 * Written at up; 0 or -errno.
 */
int	launch_hosts(const char *dir, const struct lab *lab);
void	launch_env_free(struct launch_env *e);

#endif
