/*
 * sup.h — the insides of the lab's supervisor (lab/supervisor.h), shared
 * by its files, each with one job:
 *
 *	supervisor.c	setup, the poll() loop, the state file
 *	sup_request.c	control clients and their requests (lab/CONTROL.txt)
 *	sup_worker.c	children that start nodes (workers) and push link
 *			state into them; the nodes' run: commands
 *	sup_reap.c	reaping: nodes that die, children that end; stopping
 *			everything
 *
 * One thread: everything below belongs to the poll() loop, in `sv`.
 * Functions return nothing or -errno and never print: what a client
 * should know goes to it with sv_reply().
 */
#ifndef RUMPLAB_SUP_H
#define RUMPLAB_SUP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "lab/control.h"
#include "lab/launch.h"

#define MAXCLIENTS	32
#define MAXLOST		1024
#define STOP_GRACE_MS	3000
#define NODE_TIMEOUT_S	60	/* one node's start and configuration */
#define TAIL_LINES	8
#define MAXAJOBS	16	/* link changes being pushed at once */
#define PUSH_TIMEOUT_S	15	/* one node's link state */

enum nstate { NS_DOWN, NS_STARTING, NS_UP, NS_DEAD, NS_STOPPING,
	NS_STOPPED, NS_FAILED };
extern const char *const nstate_name[];

struct snode {
	pid_t		 pid;
	enum nstate	 st;
	int		 status;	/* wait status once dead */
	pid_t		*runs;		/* run: commands (process groups) */
	int		 nruns;
	int		 waiter;	/* client waiting for stop/start, -1 */
	bool		 restart;	/* start again once stopped */
	char		 why[512];
};

struct client {
	struct ctl_conn	 c;		/* c.fd < 0: free slot */
};

/* A child pushing link state into nodes for one request. */
struct ajob {
	pid_t		 pid;		/* 0: free slot */
	int		 ci;		/* the client to answer, -1: gone */
	int		 fd;		/* its report (read end) */
	int		*nodes;		/* the nodes it pushes to */
	int		 nnodes;
	char		 ok[512];	/* the reply when it succeeds */
};

struct sup {
	const char	*dir;
	char		 name[65];
	struct lab	*lab;
	struct launch_ctx lc;
	int		 jobs;
	int		 lfd, sfd, wpipe[2];
	char		 wbuf[8192];
	size_t		 wlen;
	struct snode	*nodes;
	int		 nnodes;
	struct client	 clients[MAXCLIENTS];
	pid_t		*workers;
	int		 nworkers, capworkers;
	int		 up_client;	/* -1 once up (or never asked) */
	bool		 up_asked, up_done;
	bool		 up_judge;	/* the last worker is gone: judge up */
	int		 ndone;		/* nodes reported during up */
	struct ajob	 ajobs[MAXAJOBS];
	pid_t		 lost[MAXLOST];
	int		 lost_status[MAXLOST];
	int		 nlost;
};

extern struct sup sv;

/* supervisor.c */
void	sv_write_state(void);

/* sup_request.c */
__attribute__((format(printf, 2, 3)))
void	sv_reply(int ci, const char *fmt, ...);
void	sv_reply_tail(int ci, int node);
void	sv_accept(void);
void	sv_client_input(int ci);
void	sv_up_finish(void);

/* sup_worker.c */
int	sv_start_nodes(const int *list, int n);
void	sv_start_runs(int node);
void	sv_node_started(int i);
void	sv_read_workers(void);
void	sv_worker_gone(int w, int status);
void	sv_push_links(int ci, const char *okmsg);
void	sv_ajob_done(struct ajob *a, int status);
bool	sv_node_is_up(int i);

/* sup_reap.c */
void	sv_reap(void);
void	sv_shutdown_and_exit(int ci, int code);
void	sv_kill_runs(int node, int sig);
/* Was pid reaped before its worker reported it?  Its status then. */
bool	sv_lost_take(pid_t pid, int *status);
void	sv_describe_death(int node, int status);

#endif
