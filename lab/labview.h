/*
 * labview.h — a running lab as the verbs show it: each node's pid, state
 * and planned interfaces, from the supervisor (or, when none answers,
 * from the state file), printed as a table or as JSON.  Used by `up`
 * (its summary) and `status`.  Prints to the FILE it is given; returns
 * 0, or -errno when the lab cannot be read.
 */
#ifndef RUMPLAB_LABVIEW_H
#define RUMPLAB_LABVIEW_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "lab/lab.h"

struct nodeview {
	pid_t	 pid;
	char	 state[16];
	char	 why[512];
	char	 tail[2048];	/* last log lines of a dead or failed node */
};

struct labview {
	pid_t		 supervisor;
	bool		 answers;	/* the supervisor answered */
	char		 state[16];	/* up, starting, or "no supervisor" */
	struct nodeview	*nodes;		/* lab->nnodes */
	char		 links[4096];	/* links not as planned: lines of
					 * "iface N:IF down out.delay=..",
					 * "bus B cut .." (CONTROL.txt) */
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
/* maxrows > 0: at most that many node rows, then a count of the rest. */
int	labview_table(const char *dir, const struct lab *lab, int maxrows,
	    FILE *f);
void	labview_print(const char *dir, const struct lab *lab,
	    const struct labview *v, int maxrows, bool buses, FILE *f);
void	labview_json(const char *dir, const struct lab *lab,
	    const struct labview *v, FILE *f);

#endif
