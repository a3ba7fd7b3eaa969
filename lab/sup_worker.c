/*
 * sup_worker.c — the supervisor's children that talk to nodes (lab/sup.h).
 *
 * Workers start nodes: up to `jobs` of them (lab/child.h, forked), with
 * the round's zygotes when it starts more than one node, each launch
 * their share of the nodes (lab/launch.c) one after another and report
 * every node on their output as one line:
 *	ok INDEX PID
 *	fail INDEX PID REASON		(PID 0: no node kernel ran)
 * A worker that says nothing for NODE_TIMEOUT_S is killed: the node it
 * was starting, and those after it, fail.
 *
 * Link pushes put changed link state (lab/linkstate.h) into the nodes
 * that are up: one child a request, which runs a grandchild a node so
 * that a stopped node costs its own PUSH_TIMEOUT_S only; it writes the
 * first failures as lines and exits 1 if there were any.
 */
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lab/linkstate.h"
#include "lab/plan.h"
#include "lab/statedir.h"
#include "lab/sup.h"
#include "lab/taps.h"

struct worker_arg {
	const int	*list;
	int		 n, w, jobs;
};

/* In the worker: list[w], list[w + jobs], ... */
static int
worker_run(void *arg)
{
	const struct worker_arg *a = arg;
	char line[1024], why[700], url[STATEDIR_PATHMAX + 16];
	pid_t pid;
	int k, i, len, r;

	/* A node that dies between its zygote's answer and our go would
	 * end us at the write of go, with every node left in our share. */
	signal(SIGPIPE, SIG_IGN);
	for (k = a->w; k < a->n; k += a->jobs) {
		i = a->list[k];
		r = launch_node(&sv.lc, i, &pid, why, sizeof(why));
		/* Links the lab set down, impaired or to another MTU. */
		if (r == 0 && linkstate_special(i)) {
			launch_url(sv.dir, i, url, sizeof(url));
			r = linkstate_push(i, url, why, sizeof(why));
		}
		if (r == 0) {
			if (sv.up_done)		/* a restart */
				launch_forget(&sv.lc, i);
			len = snprintf(line, sizeof(line), "ok %d %d\n", i,
			    (int)pid);
		} else
			len = snprintf(line, sizeof(line), "fail %d %d %s\n",
			    i, (int)pid, why);
		if (len >= (int)sizeof(line)) {
			line[sizeof(line) - 2] = '\n';
			len = (int)sizeof(line) - 1;
		}
		(void)!write(1, line, (size_t)len);
	}
	return 0;
}

/* Room for one more in sv.workers. */
static int
worker_slot(void)
{
	struct child *nw;

	if (sv.nworkers < sv.capworkers)
		return 0;
	sv.capworkers = sv.capworkers ? 2 * sv.capworkers : 16;
	if ((nw = realloc(sv.workers, (size_t)sv.capworkers * sizeof(*nw)))
	    == NULL)
		return -ENOMEM;
	sv.workers = nw;
	return 0;
}

/*
 * A zygote the round's workers share (lab/launch.h): counted as a
 * worker, so that `up` is judged only once it has exited and the nodes
 * it forked, the dead among them, are ours.  -1 when there is none:
 * then the workers spawn the nodes themselves.
 */
static int
start_zygote(void)
{
	int sock;

	if (worker_slot() != 0 ||
	    launch_zygote(&sv.lc, &sv.workers[sv.nworkers], &sock) != 0)
		return -1;
	sv.nworkers++;
	return sock;
}

/*
 * One zygote a processor (at most ZYGOTES_MAX, and no more than there
 * are workers), worker w asking zygote w % nz.  A zygote forks one node
 * at a time, and forks get dearer as a lab grows (1-1.7 ms at 5000
 * nodes on this 2-core guest, where page tables are the hypervisor's):
 * with one zygote, in `up` of 5000 nodes it waited for a request only
 * 2-7 % of the time, and at 10,000 the machine was idle a sixth of it.
 */
#define ZYGOTES_MAX	8

static int
spawn_workers(const int *list, int n)
{
	struct worker_arg a = { list, n, 0, n < sv.jobs ? n : sv.jobs };
	struct child_fd keep[TAPS_MAX + 1];
	struct child_spec s = { .fn = worker_run, .arg = &a,
	    .flags = CHILD_QUIET | CHILD_CLOSEFDS,
	    .timeout_ms = NODE_TIMEOUT_S * 1000, .fds = keep };
	int zs[ZYGOTES_MAX], nz = 0, want, i, ntaps, r = 0;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	/* The taps of the nodes it starts (lab/launch.c hands them on). */
	ntaps = sv_taps_keep(keep, TAPS_MAX);
	/* One node is spawned as fast as a zygote would be. */
	want = n < 2 ? 0 : ncpu < 1 ? 1 : ncpu > ZYGOTES_MAX ? ZYGOTES_MAX :
	    (int)ncpu;
	if (want > a.jobs)
		want = a.jobs;
	while (nz < want && (zs[nz] = start_zygote()) >= 0)
		nz++;
	for (a.w = 0; a.w < a.jobs; a.w++) {
		s.nfds = ntaps;
		sv.lc.zygote = nz > 0 ? zs[a.w % nz] : -1;
		if (sv.lc.zygote >= 0) {
			keep[s.nfds].from = keep[s.nfds].to = sv.lc.zygote;
			s.nfds++;
		}
		if ((r = worker_slot()) != 0 ||
		    (r = child_start(&sv.workers[sv.nworkers], &s)) != 0)
			break;
		sv.nworkers++;
	}
	/* Only the workers hold them now: when the last of a zygote's
	 * exits, so does it. */
	for (i = 0; i < nz; i++)
		close(zs[i]);
	sv.lc.zygote = -1;
	return r;
}

int
sv_start_nodes(const int *list, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		sv.nodes[list[i]].st = NS_STARTING;
		sv.nodes[list[i]].pid = 0;
		sv.nodes[list[i]].why[0] = '\0';
	}
	return spawn_workers(list, n);
}

/* A node's start (up, start, restart) has ended, well or not. */
void
sv_node_started(int i)
{
	struct snode *sn = &sv.nodes[i];
	int done, total;

	if (sv.up_client >= 0 || !sv.up_done) {
		sv.ndone++;
		sv_hosts_progress(&done, &total);
		sv_reply(sv.up_client, "progress %d %d", done, total);
		return;
	}
	if (sn->st == NS_UP) {
		(void)sv_services_start(i);
		/* A change made while it started (its worker had the old
		 * state). */
		if (linkstate_pending(i))
			sv_push_links(-1, "");
	}
	sv.state_dirty = true;
	if (sn->waiter >= 0) {
		if (sn->st == NS_UP)
			sv_reply(sn->waiter, "ok node %s is up, pid %d",
			    sv.lab->nodes[i].name, (int)sn->pid);
		else {
			sv_reply_tail(sn->waiter, i);
			sv_reply(sn->waiter, "error node %s: %s",
			    sv.lab->nodes[i].name, sn->why);
		}
		sn->waiter = -1;
	}
}

static void
worker_line(void *arg, char *line)
{
	int i, pid, off = 0, status;
	struct snode *sn;
	bool ok = strncmp(line, "ok ", 3) == 0;

	(void)arg;
	if (sscanf(line, "%*s %d %d %n", &i, &pid, &off) < 2 || i < 0 ||
	    i >= sv.nnodes)
		return;
	sn = &sv.nodes[i];
	sn->pid = pid;
	if (!ok) {
		sn->st = NS_FAILED;
		snprintf(sn->why, sizeof(sn->why), "%s", line + off);
		if (pid > 0)
			kill(pid, SIGTERM);
	} else if (sv_lost_take(pid, &status)) {
		sn->st = NS_DEAD;
		sv_describe_death(i, status);
	} else
		sn->st = NS_UP;
	sv_node_started(i);
}

void
sv_worker_input(int w)
{
	(void)child_read(&sv.workers[w], worker_line, NULL);
}

/* A worker exited: its unreported nodes failed. */
void
sv_worker_gone(int w, int status)
{
	int i;

	(void)child_read(&sv.workers[w], worker_line, NULL);
	child_close(&sv.workers[w]);
	sv.workers[w] = sv.workers[--sv.nworkers];
	if (sv.nworkers > 0)
		return;
	for (i = 0; i < sv.nnodes; i++)
		if (sv.nodes[i].st == NS_STARTING) {
			sv.nodes[i].st = NS_FAILED;
			snprintf(sv.nodes[i].why, sizeof(sv.nodes[i].why),
			    "not configured within %d s (its worker %s)",
			    NODE_TIMEOUT_S, WIFSIGNALED(status) ? "timed out" :
			    "exited");
			sv_node_started(i);
		}
	/* Not yet: the nodes that died under this worker are reaped in the
	 * same round, after it (sv_reap()). */
	if (!sv.up_done && (sv.up_client >= 0 || sv.up_asked))
		sv.up_judge = true;
}

/* --- link state pushed into nodes ---------------------------------------- */

static void
ajob_line(void *arg, char *line)
{
	struct ajob *a = arg;

	if (a->first[0] == '\0')
		snprintf(a->first, sizeof(a->first), "%s", line);
}

void
sv_ajob_input(struct ajob *a)
{
	(void)child_read(&a->c, ajob_line, a);
}

void
sv_ajob_done(struct ajob *a, int status)
{
	int k;

	(void)child_read(&a->c, ajob_line, a);
	child_close(&a->c);
	a->c.pid = 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		sv_reply(a->ci, "ok %s", a->ok);
		free(a->nodes);
		a->nodes = NULL;
		return;
	}
	/* Not known to be in the kernels: pushed again with the next
	 * change or when the node starts. */
	for (k = 0; k < a->nnodes; k++)
		linkstate_mark(a->nodes[k]);
	free(a->nodes);
	a->nodes = NULL;
	if (a->first[0] == '\0')
		snprintf(a->first, sizeof(a->first), "the nodes did not take "
		    "the change within %d s each (stopped or hung?)",
		    PUSH_TIMEOUT_S);
	sv_reply(a->ci, "error %s (the setting is kept and applies when the "
	    "node starts again)", a->first);
}

/* In a grandchild: one node's push; says why it failed. */
static int
push_one(void *arg)
{
	char why[600], url[STATEDIR_PATHMAX + 16];
	int node = *(const int *)arg;

	launch_url(sv.dir, node, url, sizeof(url));
	if (linkstate_push(node, url, why, sizeof(why)) == 0)
		return 0;
	printf("node %s %s\n", sv.lab->nodes[node].name, why);
	return 1;
}

struct push_arg {
	const int	*list;
	int		 n, fails;
};

/* The first three failures' reasons go on to the supervisor. */
static void
push_line(void *arg, char *line)
{
	struct push_arg *p = arg;

	if (p->fails < 3)
		printf("%s\n", line);
}

/* In the child: pushes to each node, each within PUSH_TIMEOUT_S; exits
 * 1 if any failed. */
static int
push_child(void *arg)
{
	struct push_arg *p = arg;
	struct child_spec s = { .fn = push_one,
	    .timeout_ms = PUSH_TIMEOUT_S * 1000 };
	struct child c;
	int k, r;

	for (k = 0; k < p->n; k++) {
		s.arg = (void *)&p->list[k];
		r = child_run(&c, &s, push_line, p);
		if (r >= 0 && WIFEXITED(r) && WEXITSTATUS(r) == 0)
			continue;
		if (p->fails++ < 3 && (r < 0 || c.timedout))
			printf("node %s did not take it within %d s (stopped "
			    "or hung?)\n", sv.lab->nodes[p->list[k]].name,
			    PUSH_TIMEOUT_S);
	}
	return p->fails > 0;
}

/*
 * Pushes the changed nodes' link state from a child and answers ci when
 * it is done (ok `okmsg`, or the first failure).  Nodes not up keep their
 * mark and get it when they start (ci -1: nobody to answer).
 */
void
sv_push_links(int ci, const char *okmsg)
{
	struct push_arg p = { NULL, 0, 0 };
	struct child_spec s = { .fn = push_child, .arg = &p,
	    .flags = CHILD_CLOSEFDS };
	struct ajob *a = NULL;
	int *list, n, k, r;

	for (k = 0; k < MAXAJOBS; k++)
		if (sv.ajobs[k].c.pid == 0) {
			a = &sv.ajobs[k];
			break;
		}
	if (a == NULL) {
		sv_reply(ci, "error too many link changes in flight; the "
		    "setting is kept and goes with the next one");
		return;
	}
	if ((list = calloc((size_t)sv.nnodes + 1, sizeof(int))) == NULL) {
		sv_reply(ci, "error out of memory");
		return;
	}
	n = linkstate_changed(list, sv.nnodes, sv_node_is_up);
	if (n == 0) {
		free(list);
		sv_reply(ci, "ok %s", okmsg);
		return;
	}
	p.list = list;
	p.n = n;
	if ((r = child_start(&a->c, &s)) != 0) {
		a->c.pid = 0;
		for (k = 0; k < n; k++)
			linkstate_mark(list[k]);
		free(list);
		sv_reply(ci, "error cannot start a child: %s", strerror(-r));
		return;
	}
	a->ci = ci;
	a->first[0] = '\0';
	a->nodes = list;
	a->nnodes = n;
	snprintf(a->ok, sizeof(a->ok), "%s", okmsg);
}

bool
sv_node_is_up(int i)
{
	return sv.nodes[i].st == NS_UP;
}
