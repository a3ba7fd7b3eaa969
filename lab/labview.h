/*
 * labview.h — a running lab as the verbs show it: each node's pid, state
 * and planned interfaces, and its services, from the supervisor (or,
 * when none answers, the nodes from the state file), printed as a table
 * or as JSON.  Used by `up` (its summary) and `status`; the console
 * reads services with the same parser.  Prints to the FILE it is given;
 * returns 0, or -errno when the lab cannot be read.
 */
#ifndef RUMPLAB_LABVIEW_H
#define RUMPLAB_LABVIEW_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "lab/ctlproto.h"
#include "lab/lab.h"

/* A service (one of a node's run: commands) as the supervisor reports
 * it: "service" and "service-log" lines (lab/CONTROL.txt). */
struct svcview {
	pid_t	 pid;
	char	 state[16];	/* waiting running exited killed stopping
				 * stopped; "?" before the supervisor said */
	int	 code;		/* exited: its status; killed: the signal */
	char	 tail[2048];	/* its last lines, once it ended, each
				 * ending in a newline (NULs possible) */
	size_t	 taillen;
};

/* A host tap: a "tap" line (lab/CONTROL.txt). */
struct tapview {
	char	 name[32];
	bool	 iface;		/* it joins a node's interface, not a bus */
	char	 on[160];	/* BUS, or NODE:IF */
	char	 netns[32];	/* "here" or "lab:PID" */
	char	 state[48];	/* up, pump:PID, exited:N, killed:N */
};

struct nodeview {
	pid_t		 pid;
	char		 state[16];
	char		 why[512];
	char		 tail[2048];	/* last log lines of a dead or failed
					 * node, as svcview's */
	size_t		 taillen;
	struct svcview	*svcs;		/* its run: commands' (nrun) */
};

struct labview {
	pid_t		 supervisor;
	bool		 answers;	/* the supervisor answered */
	char		 state[16];	/* up, starting, or "no supervisor" */
	struct nodeview	*nodes;		/* lab->nnodes */
	int		 nnodes;
	char		 links[4096];	/* links not as planned: lines of
					 * "iface N:IF down out.delay=..",
					 * "bus B cut .." (CONTROL.txt) */
	struct tapview	*taps;		/* the host taps, "tap" lines */
	int		 ntaps;
	/* A lab across machines: "host" lines ("b up rl@10.1.1.2, 500
	 * nodes") and "uplink" lines ("lan1 udp://... up out 3 180 in 3
	 * 180 lost 0"), one a line each. */
	char		 hosts[4096];
	char		 uplinks[4096];
};

int	labview_fetch(const char *dir, const struct lab *lab,
	    struct labview *v);
/*
 * For node k that is not up, "node r1 is dead (killed by signal 9)",
 * "node h2 is stopped", ... into buf and true; false when it is up.
 * role follows the name: " on the path" makes "node r1 on the path is
 * dead ...".
 */
bool	labview_node_down(const struct lab *lab, const struct labview *v,
	    int k, const char *role, char *buf, size_t len);
void	labview_free(struct labview *v);
/*
 * A reply line of the supervisor's about a service (lab/ctlproto.h):
 * what it says goes into the svcview that svc(node, k, arg) gives for it
 * (k: its place in the node's run: list): a state, or a line appended
 * to its tail.  1 when it was such a line (0 when not); NULL from svc
 * skips it.
 */
int	labview_service_reply(const struct lab *lab,
	    const struct ctl_reply *r,
	    struct svcview *(*svc)(int node, int k, void *arg), void *arg);
/* Appends n bytes and a newline to a tail of cap bytes holding *len
 * (what does not fit is cut; the tail stays NUL-terminated). */
void	labview_tail_add(char *tail, size_t *len, size_t cap,
	    const char *text, size_t n);
/* "running", "exited 3", "killed by signal 9", ... */
void	svcview_state(const struct svcview *s, char *buf, size_t len);
/* Did it fail: exit non-zero or get killed?  (A one-shot command that
 * exited 0 did its work.) */
bool	svcview_ended(const struct svcview *s);
/* How many of the lab's services failed so. */
int	labview_services_ended(const struct lab *lab,
	    const struct labview *v);

/* maxrows > 0: at most that many node rows, then a count of the rest. */
int	labview_table(const char *dir, const struct lab *lab, int maxrows,
	    FILE *f);
/* With buses, each bus file in trouble (lab/bushealth.h) gets a line, as
 * does a full state file system: returns how many (0 without buses). */
int	labview_print(const char *dir, const struct lab *lab,
	    const struct labview *v, int maxrows, bool buses, FILE *f);
/* 0, or -errno when f could not be written; *trouble: as labview_print
 * counts, the bus files' "trouble" and the "room" that are not null. */
int	labview_json(const char *dir, const struct lab *lab,
	    const struct labview *v, int *trouble, FILE *f);

#endif
