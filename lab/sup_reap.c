/*
 * sup_reap.c — what the supervisor's children leave when they end
 * (lab/sup.h): it reaps with waitpid(-1), being the subreaper of
 * everything the lab starts, and hands each pid to its owner — a worker
 * (sup_worker.c), a link push, a node kernel (here: a node that died, or
 * stopped to be started again), a service (sup_service.c).  A node that
 * dies under its worker is handed over when the worker exits (its
 * zombie first, so `up` is judged only after every reap of that round),
 * and a pid reaped before its worker reported it waits in `lost`.
 *
 * Stopping everything (teardown) sends the node kernels NODE_STOP_SIG,
 * SIGTERM to every other child (found in /proc, so processes whose pids
 * no worker reported yet are included) and to the services' process
 * groups, waits up to STOP_GRACE_MS, then SIGKILLs what is left, reaps
 * it all and removes the directory.
 */
#include <sys/signalfd.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lab/plan.h"
#include "lab/statedir.h"
#include "lab/sup.h"

/*
 * The pids of the node kernels a teardown signalled, sorted: it asks
 * "is this a node?" of every pid it reaps and every child it finds, and
 * a scan of sv.nodes each time made down of 10,000 nodes spend up to
 * 10^8 comparisons on it.
 */
static pid_t	*node_pids;
static int	 nnode_pids;

static int
pid_cmp(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return x < y ? -1 : x > y;
}

/* Is pid one of the lab's node kernels (which start no processes)? */
static bool
is_node(pid_t pid)
{
	return node_pids != NULL && bsearch(&pid, node_pids,
	    (size_t)nnode_pids, sizeof(pid), pid_cmp) != NULL;
}

static void
signal_child(pid_t pid, int sig, bool but_nodes)
{
	if (!but_nodes || !is_node(pid))
		kill(pid, sig);
}

/*
 * Signals every child of ours, but the node kernels when but_nodes (they
 * have had NODE_STOP_SIG and are on their way).  The children are read
 * from /proc/self/task/TID/children (Linux's CONFIG_PROC_CHILDREN: one
 * read for all of them), or where that is missing from every process's
 * /proc/PID/stat, whose parent is field 4.  Reading 4000 nodes' stat
 * files took 1 s of a 4.6 s down (under strace).  Both are a snapshot: a
 * child re-parented to us meanwhile is found by the next sweep.
 */
static void
signal_children(int sig, bool but_nodes)
{
	char path[300], buf[512], *p, *end;
	struct dirent *e;
	DIR *d, *t;
	FILE *f;
	int ppid, found = 0;
	long v;
	pid_t me = getpid();

	if ((t = opendir("/proc/self/task")) != NULL) {
		while ((e = readdir(t)) != NULL) {
			if (e->d_name[0] < '1' || e->d_name[0] > '9')
				continue;
			snprintf(path, sizeof(path), "/proc/self/task/%s/"
			    "children", e->d_name);
			if ((f = fopen(path, "re")) == NULL)
				continue;
			found = 1;
			/* "PID PID ... ": whole words only */
			while (fscanf(f, "%511s", buf) == 1)
				if ((v = strtol(buf, &end, 10)) > 0 &&
				    *end == '\0')
					signal_child((pid_t)v, sig, but_nodes);
			fclose(f);
		}
		closedir(t);
	}
	if (found || (d = opendir("/proc")) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		if ((f = fopen(path, "re")) == NULL)
			continue;
		if (fgets(buf, sizeof(buf), f) != NULL &&
		    (p = strrchr(buf, ')')) != NULL &&
		    sscanf(p + 1, " %*c %d", &ppid) == 1 && ppid == me)
			signal_child((pid_t)atoi(e->d_name), sig, but_nodes);
		fclose(f);
	}
	closedir(d);
}

static void
drain_signalfd(void)
{
	struct signalfd_siginfo si;

	while (read(sv.sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		;
}

/*
 * The last stage of a teardown: SIGKILL every child and reap.  A process
 * can become our child after a sweep (a node whose worker was just killed
 * is re-parented to us, the subreaper), so a single
 * sweep followed by a blocking waitpid() could wait forever for a process
 * nobody signalled.  Sweep and reap again until no child is left.
 */
static void
kill_stragglers(void)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	uint64_t deadline = child_now() + STOP_GRACE_MS;
	int status;
	pid_t pid;

	for (;;) {
		signal_children(SIGKILL, false);
		sv_services_groups();
		sv_services_signal(SIGKILL);
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
			;
		if ((pid < 0 && errno == ECHILD) || child_now() >= deadline)
			return;
		nanosleep(&ts, NULL);
	}
}

/*
 * How a node kernel is stopped with its lab: SIGUSR1, on which one
 * without file systems stops at once (rump_server(1): nothing of it
 * outlives the lab's directory) and one with them halts as on SIGTERM,
 * writing them back.  A halt per node, joining its threads, closing its
 * stack and buses and freeing it all, took 10,000 nodes 20 s to go down
 * on this 2-core guest; SIGKILL 9-14 s, a fifth of it the kernel's search
 * for a new owner of each node's memory (rump_server.c, quick_halt()).
 * A node is one thread now, and one without file systems leaves SIGUSR1
 * its default action: the kernel ends it where the signal lands.
 */
#define NODE_STOP_SIG	SIGUSR1
#define REAP_MANY	64	/* more to reap: by pid, in rounds */
#define REAP_NODE_US	100	/* a round is this a node apart */

/*
 * Reaps the node kernels that have ended, each by its pid, and keeps
 * the others in node_pids.  While thousands are stopping, waitpid(-1)
 * looks at every child still running before it finds one that ended
 * (8-10 % of a 10,000-node down was the kernel's wait_consider_task());
 * a wait for one pid looks at that one only.  Rounds are REAP_NODE_US
 * a node apart, so that the waits stay a small part of the time the
 * stopping takes.  A node that is not our child yet (its zygote still
 * runs) is left to waitpid(-1).
 */
static void
reap_nodes(void)
{
	int k, j = 0, status;
	pid_t r;

	for (k = 0; k < nnode_pids; k++) {
		r = waitpid(node_pids[k], &status, WNOHANG);
		if (r == 0)
			node_pids[j++] = node_pids[k];
	}
	nnode_pids = j;
}

/*
 * Stops every process of the lab: SIGUSR1 to the node kernels
 * (NODE_STOP_SIG), SIGTERM to the
 * services' process groups and every other child, SIGKILL to what is
 * left after STOP_GRACE_MS; then removes the state directory.
 */
static void
teardown(void)
{
	struct timespec round = { 0, 0 };
	struct pollfd pfd;
	uint64_t deadline, now;
	int i, status;
	bool sweep;
	pid_t pid;

	sv_services_signal(SIGTERM);
	/*
	 * Last first: the node watching the bus directory for the others
	 * (shmif/watch.c) is one of the first started, and when it exits
	 * every node still serving wakes to take over from it, each reading
	 * /proc/locks.  Signalled last, it exits once the others are
	 * stopping (a stopping node no longer watches): with the first
	 * signalled first, the takeovers made down of 1000 nodes quadratic.
	 */
	node_pids = malloc((size_t)sv.nnodes * sizeof(*node_pids) + 1);
	nnode_pids = 0;
	for (i = sv.nnodes - 1; i >= 0; i--) {
		if (sv.nodes[i].pid > 0 && (sv.nodes[i].st == NS_UP ||
		    sv.nodes[i].st == NS_STARTING || sv.nodes[i].st ==
		    NS_STOPPING || sv.nodes[i].st == NS_FAILED)) {
			kill(sv.nodes[i].pid, NODE_STOP_SIG);
			if (node_pids != NULL)
				node_pids[nnode_pids++] = sv.nodes[i].pid;
		}
	}
	/* Without room every child is swept too: slower, no worse. */
	if (node_pids != NULL)
		qsort(node_pids, (size_t)nnode_pids, sizeof(*node_pids),
		    pid_cmp);
	/* A flat grace, whatever the lab's size: with one that grew a
	 * millisecond a node, down of 10,000 nodes took 13.9 s, not 9.5;
	 * what has not halted by then is SIGKILLed, which skips the halt
	 * in user space and costs the machine less. */
	deadline = child_now() + STOP_GRACE_MS;
	for (sweep = true;;) {
		/* Again after a child that is no node kernel ends: what it
		 * started is ours only now.  Not every round: a sweep reads
		 * every process's /proc/PID/stat, and with a round per batch
		 * of exits a 1000-node lab's down read a million of them. */
		if (sweep)
			signal_children(SIGTERM, true);
		sweep = false;
		if (nnode_pids > REAP_MANY) {
			reap_nodes();
			if (child_now() >= deadline) {
				kill_stragglers();
				break;
			}
			round.tv_nsec = (long)nnode_pids * REAP_NODE_US * 1000;
			if (round.tv_nsec > 999999999L)
				round.tv_nsec = 999999999L;
			if (round.tv_nsec < 10 * 1000 * 1000L)
				round.tv_nsec = 10 * 1000 * 1000L;
			nanosleep(&round, NULL);
			continue;
		}
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
			sweep |= !is_node(pid);
		if (pid < 0 && errno == ECHILD)
			break;
		if ((now = child_now()) >= deadline) {
			kill_stragglers();
			break;
		}
		pfd.fd = sv.sfd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, (int)(deadline - now)) > 0)
			drain_signalfd();
	}
	free(node_pids);
	node_pids = NULL;
	(void)statedir_remove(sv.dir);
}

void
sv_shutdown_and_exit(int ci, int code)
{
	char unreached[1024];
	int i;

	/* The other hosts' parts first, while ssh still reaches them. */
	sv_hosts_down(unreached, sizeof(unreached));
	teardown();
	sv.state_dirty = false;	/* its directory is gone */
	sv_taps_close();	/* gone before `down` returns */
	if (ci >= 0 && unreached[0] != '\0')
		sv_reply(ci, "ok lab %s is down here, but not everywhere: %s",
		    sv.name, unreached);
	else if (ci >= 0)
		sv_reply(ci, "ok lab %s is down", sv.name);
	for (i = 0; i < MAXCLIENTS; i++)
		ctl_close(&sv.clients[i].c);
	lab_close(sv.lab);
	exit(code);
}

bool
sv_lost_take(pid_t pid, int *status)
{
	int i;

	for (i = 0; i < sv.nlost; i++)
		if (sv.lost[i] == pid) {
			*status = sv.lost_status[i];
			sv.lost[i] = sv.lost[--sv.nlost];
			sv.lost_status[i] = sv.lost_status[sv.nlost];
			return true;
		}
	return false;
}

void
sv_describe_death(int node, int status)
{
	struct snode *sn = &sv.nodes[node];

	sn->status = status;
	if (WIFSIGNALED(status))
		snprintf(sn->why, sizeof(sn->why), "killed by signal %d",
		    WTERMSIG(status));
	else
		snprintf(sn->why, sizeof(sn->why), "exited with status %d",
		    WEXITSTATUS(status));
}

static void
node_gone(int i, int status)
{
	struct snode *sn = &sv.nodes[i];

	sv_services_stop(i);
	if (sn->st == NS_STOPPING) {
		sn->st = NS_STOPPED;
		sn->why[0] = '\0';
		if (sn->restart) {
			sn->restart = false;
			if (sv_start_nodes(&i, 1) != 0) {
				sn->st = NS_FAILED;
				snprintf(sn->why, sizeof(sn->why),
				    "cannot fork a worker");
				sv_node_started(i);
			}
			sv.state_dirty = true;
			return;
		}
		if (sn->waiter >= 0)
			sv_reply(sn->waiter, "ok node %s stopped",
			    sv.lab->nodes[i].name);
		sn->waiter = -1;
	} else if (sn->st == NS_UP) {
		sn->st = NS_DEAD;
		sv_describe_death(i, status);
		if (sn->waiter >= 0)	/* node kill */
			sv_reply(sn->waiter, "ok node %s killed (%s); `node "
			    "start` brings it back", sv.lab->nodes[i].name,
			    sn->why);
		sn->waiter = -1;
	}
	sv.state_dirty = true;
}

/*
 * Everything that ended since the last call.  A pid that is none of
 * ours is remembered in `lost` while a worker runs (it may be a node
 * kernel that worker has not reported yet); else it was a process a
 * service left behind, and nothing will ask for it.
 */
void
sv_reap(void)
{
	pid_t pid;
	int status, i;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (i = 0; i < sv.nworkers; i++)
			if (sv.workers[i].pid == pid)
				break;
		if (i < sv.nworkers) {
			sv_worker_gone(i, status);
			continue;
		}
		for (i = 0; i < MAXAJOBS; i++)
			if (sv.ajobs[i].c.pid == pid)
				break;
		if (i < MAXAJOBS) {
			sv_ajob_done(&sv.ajobs[i], status);
			continue;
		}
		for (i = 0; i < sv.nnodes; i++)
			if (sv.nodes[i].pid == pid)
				break;
		if (i < sv.nnodes) {
			node_gone(i, status);
			continue;
		}
		if (sv_service_reaped(pid, status))
			continue;
		if (sv_pump_reaped(pid, status))
			continue;
		if (sv_host_reaped(pid, status) ||
		    sv_relay_reaped(pid, status))
			continue;
		/* Only a worker's unread report can name it later. */
		if (sv.nworkers > 0 && sv.nlost < MAXLOST) {
			sv.lost[sv.nlost] = pid;
			sv.lost_status[sv.nlost++] = status;
		}
	}
	if (sv.nworkers == 0)
		sv.nlost = 0;
	sv_services_groups();
	if (sv.up_judge && !sv_hosts_starting()) {
		sv.up_judge = false;
		sv_up_finish();
	}
}

