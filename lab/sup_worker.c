/*
 * sup_worker.c — the supervisor's children that talk to nodes (lab/sup.h).
 *
 * Workers start nodes: librumpclient holds one connection per process,
 * so up to `jobs` of them each launch their share of the nodes
 * (lab/launch.c) one after another and report every node on the pipe as
 * one line, shorter than PIPE_BUF so that lines of different workers
 * never mix:
 *	ok INDEX PID
 *	fail INDEX PID REASON		(PID 0: no node kernel ran)
 *
 * Link pushes put changed link state (lab/linkstate.h) into the nodes
 * that are up: one child a request, which forks a grandchild a node so
 * that a stopped node costs its own PUSH_TIMEOUT_S only.
 *
 * And the nodes' run: commands, started once a node is up.
 */
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lab/linkstate.h"
#include "lab/plan.h"
#include "lab/statedir.h"
#include "lab/sup.h"

/* In a child of ours: drop the supervisor's descriptors and signals. */
static void
child_setup(void)
{
	sigset_t none;
	int i;

	close(sv.lfd);
	close(sv.sfd);
	close(sv.wpipe[0]);
	for (i = 0; i < MAXCLIENTS; i++)
		if (sv.clients[i].c.fd >= 0)
			close(sv.clients[i].c.fd);
	for (i = 0; i < MAXAJOBS; i++)
		if (sv.ajobs[i].pid > 0)
			close(sv.ajobs[i].fd);
	signal(SIGTERM, SIG_DFL);
	signal(SIGALRM, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static void
worker_run(const int *list, int n, int w, int jobs)
{
	char line[1024], why[700], url[STATEDIR_PATHMAX + 16];
	pid_t pid;
	int k, i, len, r;

	for (k = w; k < n; k += jobs) {
		i = list[k];
		alarm(NODE_TIMEOUT_S);
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
		(void)!write(sv.wpipe[1], line, (size_t)len);
	}
	_exit(0);
}

static int
spawn_workers(const int *list, int n)
{
	pid_t pid, *nw;
	int w, jobs = n < sv.jobs ? n : sv.jobs;

	for (w = 0; w < jobs; w++) {
		if (sv.nworkers == sv.capworkers) {
			sv.capworkers = sv.capworkers ? 2 * sv.capworkers : 16;
			nw = realloc(sv.workers, (size_t)sv.capworkers *
			    sizeof(*nw));
			if (nw == NULL)
				return -ENOMEM;
			sv.workers = nw;
		}
		if ((pid = fork()) < 0)
			return -errno;
		if (pid == 0) {
			child_setup();
			worker_run(list, n, w, jobs);
		}
		sv.workers[sv.nworkers++] = pid;
	}
	return 0;
}

void
sv_start_runs(int node)
{
	const struct lab_node *n = &sv.lab->nodes[node];
	struct snode *sn = &sv.nodes[node];
	pid_t pid;
	int i;

	if (n->nrun == 0)
		return;
	free(sn->runs);
	sn->nruns = 0;
	if ((sn->runs = calloc((size_t)n->nrun, sizeof(pid_t))) == NULL)
		return;
	for (i = 0; i < n->nrun; i++)
		if ((pid = launch_run(&sv.lc, node, n->run[i])) > 0)
			sn->runs[sn->nruns++] = pid;
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

	if (sv.up_client >= 0 || !sv.up_done) {
		sv.ndone++;
		sv_reply(sv.up_client, "progress %d %d", sv.ndone, sv.nnodes);
		return;
	}
	if (sn->st == NS_UP) {
		sv_start_runs(i);
		/* A change made while it started (its worker had the old
		 * state). */
		if (linkstate_pending(i))
			sv_push_links(-1, "");
	}
	sv_write_state();
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
worker_line(char *line)
{
	int i, pid, off = 0, status;
	struct snode *sn;
	bool ok = strncmp(line, "ok ", 3) == 0;

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
sv_read_workers(void)
{
	char line[2048];
	char *nl;
	ssize_t n;
	size_t len;

	n = read(sv.wpipe[0], sv.wbuf + sv.wlen, sizeof(sv.wbuf) - sv.wlen);
	if (n <= 0)
		return;
	sv.wlen += (size_t)n;
	while ((nl = memchr(sv.wbuf, '\n', sv.wlen)) != NULL) {
		len = (size_t)(nl - sv.wbuf);
		if (len >= sizeof(line))
			len = sizeof(line) - 1;
		memcpy(line, sv.wbuf, len);
		line[len] = '\0';
		len = (size_t)(nl - sv.wbuf) + 1;
		memmove(sv.wbuf, sv.wbuf + len, sv.wlen - len);
		sv.wlen -= len;
		worker_line(line);
	}
	if (sv.wlen == sizeof(sv.wbuf))
		sv.wlen = 0;	/* a line longer than a buffer: drop it */
}

/* A worker exited: its unreported nodes failed. */
void
sv_worker_gone(int w, int status)
{
	int i;

	sv.workers[w] = sv.workers[--sv.nworkers];
	sv_read_workers();
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

void
sv_ajob_done(struct ajob *a, int status)
{
	char buf[2048], *nl;
	ssize_t n;
	int k;

	n = read(a->fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	close(a->fd);
	a->pid = 0;
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
	if ((nl = strchr(buf, '\n')) != NULL)
		*nl = '\0';
	if (buf[0] == '\0')
		snprintf(buf, sizeof(buf), "the nodes did not take the change "
		    "within %d s each (stopped or hung?)", PUSH_TIMEOUT_S);
	sv_reply(a->ci, "error %s (the setting is kept and applies when the "
	    "node starts again)", buf);
}

/* In a child: pushes to each node, each within PUSH_TIMEOUT_S; writes
 * one line, the first failure and how many failed; exits 1 if any. */
static void
push_child(int fd, const int *list, int n)
{
	char why[600], url[STATEDIR_PATHMAX + 16];
	int k, fails = 0, status = 0;
	pid_t pid;

	for (k = 0; k < n; k++) {
		/* One child a node: a stopped node costs its own timeout
		 * only; a failing push writes its own reason. */
		if ((pid = fork()) == 0) {
			alarm(PUSH_TIMEOUT_S);
			launch_url(sv.dir, list[k], url, sizeof(url));
			if (linkstate_push(list[k], url, why,
			    sizeof(why)) != 0) {
				if (fails < 3)	/* read at the end */
					dprintf(fd, "node %s %s\n",
					    sv.lab->nodes[list[k]].name, why);
				_exit(1);
			}
			_exit(0);
		}
		if (pid > 0 && waitpid(pid, &status, 0) == pid &&
		    WIFEXITED(status) && WEXITSTATUS(status) == 0)
			continue;
		if (fails++ < 3 && (pid < 0 || WIFSIGNALED(status)))
			dprintf(fd, "node %s did not take it within %d s "
			    "(stopped or hung?)\n",
			    sv.lab->nodes[list[k]].name, PUSH_TIMEOUT_S);
	}
	_exit(fails > 0);
}

/*
 * Pushes the changed nodes' link state from a child and answers ci when
 * it is done (ok `okmsg`, or the first failure).  Nodes not up keep their
 * mark and get it when they start (ci -1: nobody to answer).
 */
void
sv_push_links(int ci, const char *okmsg)
{
	struct ajob *a = NULL;
	int *list, n, k, p[2];
	pid_t pid;

	for (k = 0; k < MAXAJOBS; k++)
		if (sv.ajobs[k].pid == 0) {
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
	if (pipe2(p, O_CLOEXEC) != 0 || (pid = fork()) < 0) {
		for (k = 0; k < n; k++)
			linkstate_mark(list[k]);
		free(list);
		sv_reply(ci, "error cannot start a child: %s",
		    strerror(errno));
		return;
	}
	if (pid == 0) {
		child_setup();
		close(p[0]);
		push_child(p[1], list, n);
	}
	close(p[1]);
	a->pid = pid;
	a->ci = ci;
	a->fd = p[0];
	a->nodes = list;
	a->nnodes = n;
	snprintf(a->ok, sizeof(a->ok), "%s", okmsg);
}

bool
sv_node_is_up(int i)
{
	return sv.nodes[i].st == NS_UP;
}
