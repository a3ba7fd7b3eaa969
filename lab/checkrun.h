/*
 * checkrun.h — grading a running lab: what `rumplab check` does beyond
 * its pings and traceroutes (lab/verb_check.c).
 *
 *  - a check tried again until it passes or its `within:` time is over
 *    (convergence), for any kind of check;
 *  - command checks: a shell command on a node (RUMP_SERVER set to it,
 *    the rump.* commands on the path) or on the host, its exit status and
 *    its output judged with regular expressions or a JSON path;
 *  - steps: a request to the lab's supervisor (link set, bus cut|join,
 *    node stop|start|restart|kill) or a pause, so that a failure and the
 *    recovery from it are graded in one run;
 *  - the report: a table with, for each failed check, what was expected,
 *    what was seen and the author's hint; or one JSON object for graders
 *    and CI.  Exit status as netlab's validate: 0 every check passed, 1
 *    some failed, 2 the checks could not be run (a step was refused).
 *
 * Contract: nothing here exits; output goes only to the report's FILE.
 * Commands run in a process group of their own, killed when their time
 * is over.  Not thread-safe.
 */
#ifndef RUMPLAB_CHECKRUN_H
#define RUMPLAB_CHECKRUN_H

#include <stdbool.h>
#include <stdio.h>

#include "json/json.h"
#include "lab/lab.h"

enum check_status {
	CR_OK,
	CR_FAIL,
	CR_ERROR,	/* could not be run: a step the supervisor refused */
	CR_SKIP,	/* not run: a step before it could not be */
};

struct check_outcome {
	enum check_status status;
	char	 result[1024];	/* the table's RESULT: what happened */
	char	 expected[600];	/* for the report of a failure */
	char	 seen[1600];
	int	 tries;
	double	 secs;
};

/* One try: 0 passed, nonzero failed; result says what was seen. */
typedef int (*checkrun_try_fn)(void *arg, char *result, size_t len);

/* Runs fn once, or (c->within_us) again every half second until it
 * passes or the time is over; fills o's status, result, tries, secs. */
void	checkrun_retry(const struct lab_check *c, checkrun_try_fn fn,
	    void *arg, struct check_outcome *o);
/* What a reachability check expects, in words. */
void	checkrun_expect_reach(const struct lab *lab, const struct lab_check *c,
	    char *buf, size_t len);
/* A command check (CHECK_RUN) of the lab in state directory dir. */
void	checkrun_command(const struct lab *lab, const char *dir,
	    const struct lab_check *c, struct check_outcome *o);
/* A step (CHECK_DO, CHECK_WAIT). */
void	checkrun_step(const char *dir, const struct lab_check *c,
	    struct check_outcome *o);

struct checkrun_report {
	FILE		*f;
	bool		 json;
	struct jw	 w;		/* json: the object being written */
	const char	*lab;
	int		 n, passed, failed, errors, skipped;
};

void	checkrun_report_begin(struct checkrun_report *r, FILE *f, bool json,
	    const char *labname, int nchecks);
void	checkrun_report_check(struct checkrun_report *r, const struct lab *lab,
	    int index, const struct lab_check *c,
	    const struct check_outcome *o);
/* The summary; returns the exit status (0, 1 or 2). */
int	checkrun_report_end(struct checkrun_report *r);

#endif
