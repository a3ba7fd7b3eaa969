/*
 * sup.h — the insides of the lab's supervisor (lab/supervisor.h), shared
 * by its files, each with one job:
 *
 *	supervisor.c	setup, the poll() loop and its deadlines, the state
 *			file
 *	sup_request.c	control clients and their requests (lab/CONTROL.txt)
 *	sup_worker.c	children that start nodes (workers) and push link
 *			state into them
 *	sup_reap.c	reaping: nodes that die, children that end; stopping
 *			everything
 *	sup_service.c	the nodes' services (their run: commands)
 *	sup_tap.c	the host taps and the pumps of buses joined to them
 *	sup_host.c	a lab across machines: the other hosts' parts
 *			(started over ssh, watched, relayed to) and the
 *			uplinks of the buses that span hosts
 *
 * One thread: everything below belongs to the poll() loop, in `sv`.
 * Functions return nothing or -errno and never print: what a client
 * should know goes to it with sv_reply().
 */
#ifndef RUMPLAB_SUP_H
#define RUMPLAB_SUP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "lab/child.h"
#include "lab/control.h"
#include "lab/ctlproto.h"
#include "lab/launch.h"

#define MAXCLIENTS	32
#define MAXLOST		1024
#define STOP_GRACE_MS	3000	/* from SIGTERM to SIGKILL */
#define NODE_TIMEOUT_S	60	/* one node's start and configuration */
#define TAIL_LINES	8
#define MAXAJOBS	16	/* link changes being pushed at once */
#define PUSH_TIMEOUT_S	15	/* one node's link state */
#define SETTLE_MS	400	/* up waits this for services that die */

/* NS_REMOTE: a node of another host's part (lab/HOSTS.txt): its
 * supervisor there has it; it has no pid here. */
enum nstate { NS_DOWN, NS_STARTING, NS_UP, NS_DEAD, NS_STOPPING,
	NS_STOPPED, NS_FAILED, NS_REMOTE };
extern const char *const nstate_name[];

/*
 * A service: one of a node's run: commands, `sh -c COMMAND` in a process
 * group of its own, its output read here into the node's log.
 */
enum svstate { SV_WAITING, SV_RUNNING, SV_EXITED, SV_KILLED, SV_STOPPING,
	SV_STOPPED };

struct service {
	struct child	 c;		/* c.pid 0: never started */
	enum svstate	 st;
	int		 code;		/* exit status, or signal if killed */
	char		 tail[TAIL_LINES][256];	/* its last lines, a ring */
	int		 ntail;		/* lines ever kept */
};

struct snode {
	pid_t		 pid;
	enum nstate	 st;
	int		 status;	/* wait status once dead */
	int		 waiter;	/* client waiting for stop/start, -1 */
	bool		 restart;	/* start again once stopped */
	char		 why[512];
	struct service	*svcs;		/* lab->nodes[i].nrun of them */
};

/* The pump of a bus joined to a host tap (lab/taps.h). */
struct pumpview {
	struct child	 c;
	int		 bus;
	bool		 ended;		/* c.status says how */
};

struct client {
	struct ctl_conn	 c;		/* c.fd < 0: free slot */
	bool		 skipping;	/* to the end of an overlong line */
	bool		 local;		/* "local": this part only */
};

/*
 * Another host's part of the lab (the coordinator's, sup_host.c): its
 * ssh master (the connection every forward and command goes through),
 * the child that starts the part there, then a connection to the
 * part's supervisor whose end says it is lost.
 */
enum hstate { HS_CONNECTING, HS_STARTING, HS_UP, HS_LOST,
	HS_UNREACHABLE, HS_FAILED, HS_DOWN };
extern const char *const hstate_name[];

struct rhost {
	int		 host;		/* in lab->hosts */
	enum hstate	 st;
	pid_t		 master;	/* ssh -M (lab/remote.h), the
					 * starter's child, ours once the
					 * starter is gone; 0 once reaped */
	struct child	 starter;	/* checks the host (phase 0), then
					 * starts its part (phase 1); pid 0:
					 * none */
	int		 phase;
	int		 watch;		/* to the part's supervisor, -1 */
	int		 done, total;	/* its up's progress */
	char		 why[512];
};

/* A request relayed to other hosts' parts: the child that does it
 * writes their reply lines, which go to the client as they come. */
#define MAXRELAYS	16
struct relay {
	struct child	 c;		/* c.pid 0: free slot */
	int		 ci;		/* the client to answer, -1: gone */
	bool		 status;	/* a status: ok after the lines */
	char		 fin[512];	/* the first final line it wrote */
};

/* The uplink of a bus that spans hosts (lab/uplink.h). */
struct upview {
	struct child	 c;
	int		 bus;
	bool		 ended;
};

/* A child pushing link state into nodes for one request. */
struct ajob {
	struct child	 c;		/* c.pid 0: free slot */
	int		 ci;		/* the client to answer, -1: gone */
	int		*nodes;		/* the nodes it pushes to */
	int		 nnodes;
	char		 first[512];	/* its first line: the first failure */
	char		 ok[512];	/* the reply when it succeeds */
};

struct sup {
	const char	*dir;
	bool		 state_dirty;	/* the state file is behind */
	char		 name[65];
	struct lab	*lab;
	struct launch_ctx lc;
	int		 jobs;
	int		 lfd, sfd;
	struct snode	*nodes;
	int		 nnodes;
	struct client	 clients[MAXCLIENTS];
	struct child	*workers;
	int		 nworkers, capworkers;
	int		 up_client;	/* -1 once up (or never asked) */
	bool		 up_asked, up_done;
	bool		 up_judge;	/* the last worker is gone: judge up */
	int		 ndone;		/* nodes reported during up */
	uint64_t	 settle;	/* up reports its services then (ms) */
	struct ajob	 ajobs[MAXAJOBS];
	int		*tapfd;		/* by bus, -1: no tap (lab/taps.h) */
	bool		 ownns;		/* a user and network namespace of
					 * the lab's own holds the taps */
	struct pumpview	*pumps;
	int		 npumps;
	/* A lab across machines: the host this supervisor runs (-1: the
	 * lab has no hosts:, or none is this machine) and whether it
	 * coordinates the others (the one `up` started here) or runs a
	 * part (`up --part`). */
	int		 host;
	bool		 coord;
	int		 nown;		/* nodes of this host */
	struct rhost	*rh;		/* the other hosts, coord only */
	int		 nrh;
	int		*upnodes;	/* up: our nodes, started once every
					 * host passed its checks */
	int		 nupnodes;
	struct relay	 relays[MAXRELAYS];
	struct upview	*ups;
	int		 nups;
	pid_t		 lost[MAXLOST];
	int		 lost_status[MAXLOST];
	int		 nlost;
	/* The nodes that have services (run:), in order: the loop looks
	 * at their services every round, and a lab of 10,000 nodes may
	 * have none. */
	int		*svnodes;
	int		 nsvnodes;
};

extern struct sup sv;

/* supervisor.c */
/* Writes the state file if state_dirty: once per round of the event
 * loop and before any reply. */
void	sv_flush_state(void);

/* sup_request.c */
__attribute__((format(printf, 2, 3)))
void	sv_reply(int ci, const char *fmt, ...);
/* "HEAD TEXT": n bytes of text, escaped (lab/ctlproto.h). */
void	sv_reply_text(int ci, const char *head, const char *text, size_t n);
/* A line escaped already (relayed from another host's part). */
void	sv_reply_raw(int ci, const char *line);
void	sv_reply_tail(int ci, int node);
void	sv_accept(void);
void	sv_client_input(int ci);
void	sv_up_finish(void);
void	sv_up_settled(void);

/* sup_worker.c */
int	sv_start_nodes(const int *list, int n);
void	sv_node_started(int i);
void	sv_worker_input(int w);
void	sv_worker_gone(int w, int status);
void	sv_push_links(int ci, const char *okmsg);
void	sv_ajob_input(struct ajob *a);
void	sv_ajob_done(struct ajob *a, int status);
bool	sv_node_is_up(int i);

/* sup_reap.c */
void	sv_reap(void);
void	sv_shutdown_and_exit(int ci, int code);
/* Was pid reaped before its worker reported it?  Its status then. */
bool	sv_lost_take(pid_t pid, int *status);
void	sv_describe_death(int node, int status);

/* sup_tap.c */
int	sv_taps_setup(char *why, size_t len);
void	sv_taps_close(void);
/* The tap descriptors a worker keeps for the nodes it starts. */
int	sv_taps_keep(struct child_fd *fds, int max);
void	sv_pump_input(int k);
bool	sv_pump_reaped(pid_t pid, int status);
void	sv_taps_report(int ci);

/* sup_host.c */
/* Is node i this host's? */
bool	sv_mine(int i);
int	sv_hosts_setup(char *why, size_t len);
/* up: every other host is checked, then (all of them passing) our
 * nodes (list, taken) and the parts start; 0 or -errno. */
int	sv_hosts_up(int *list, int n);
/* Are parts still starting?  (up is judged once none is.) */
bool	sv_hosts_starting(void);
/* up's progress over every host. */
void	sv_hosts_progress(int *done, int *total);
/* Did up stop at the hosts' checks (no part, no node started)? */
bool	sv_hosts_unchecked(void);
/* up: "fail"/"host" lines of parts that failed: how many nodes. */
int	sv_hosts_failed(int ci);
void	sv_host_input(int k, bool watch);
bool	sv_host_reaped(pid_t pid, int status);
void	sv_uplink_input(int k);
void	sv_hosts_report(int ci);
/* The hosts a request concerns besides this one: a bitmap over sv.rh
 * (bit k); *here: whether this host has part of it. */
void	sv_request_hosts(enum ctl_req id, int argc, char **argv,
	    unsigned long long *mask, bool *here);
/* Relays line to the parts in mask (and to ourselves, "local", when
 * here); replies reach client ci.  0 or -errno. */
int	sv_relay(int ci, const char *line, unsigned long long mask,
	    bool here, bool status);
void	sv_relay_input(int k);
bool	sv_relay_reaped(pid_t pid, int status);
void	sv_relay_forget(int ci);
/* Is a "link"/"iface"/"bus" line this host's to say? */
bool	sv_line_mine(const char *line);
/* down: every part reached is downed; the text names those that were
 * not (empty when all were). */
void	sv_hosts_down(char *unreached, size_t len);

/* sup_service.c */
int	sv_services_init(void);
/* Starts the node's services (again): 0 or how many could not start. */
int	sv_services_start(int node);
/* SIGTERM to the node's services, SIGKILL STOP_GRACE_MS later. */
void	sv_services_stop(int node);
/* To every service's process group (teardown). */
void	sv_services_signal(int sig);
/* Was pid a service?  Then it has ended (status). */
bool	sv_service_reaped(pid_t pid, int status);
/* After a reap: forgets the groups of ended services that are empty
 * now (their ids may lead other groups). */
void	sv_services_groups(void);
/* Its pipe is readable: its lines into the node's log. */
void	sv_service_input(int node, int k);
/* Kills those past their stop deadline; ms to the next one, or -1. */
int	sv_services_tick(uint64_t now);
int	sv_services_count(void);
/*
 * A node's services as "service" lines to ci, with the last lines of
 * those that ended on their own ("service-log"); with ended_only, only
 * those.  Returns how many ended.
 */
int	sv_services_report(int ci, int node, bool ended_only);

#endif
