/*
 * supervisor.c — the lab's daemon (lab/supervisor.h).
 *
 * One thread, one poll() loop over: the listening control socket, its
 * clients (requests are lines, lab/CONTROL.txt), a signalfd (SIGCHLD,
 * SIGTERM, SIGINT, SIGHUP) and the read end of the workers' pipe.
 *
 * Starting nodes is the slow part (a node kernel's start-up, then one
 * sysproxy call per configuration step), and librumpclient holds one
 * connection per process, so the supervisor forks up to `jobs` workers;
 * each launches its share of the nodes (lab/launch.c) one after another
 * and reports every node on the pipe as one line, shorter than
 * PIPE_BUF so that lines of different workers never mix:
 *	ok INDEX PID
 *	fail INDEX PID REASON		(PID 0: no node kernel ran)
 * The node kernels are the workers' children; when a worker exits they
 * are adopted by the supervisor (PR_SET_CHILD_SUBREAPER), which then
 * reaps them: a node that dies afterwards is seen at once (SIGCHLD), one
 * that died under its worker when the worker exits (its zombie is handed
 * over first, so `up` is judged only after every reap of that round),
 * and a pid reaped before its worker reported it is remembered in `lost`.
 *
 * Stopping everything (teardown) sends SIGTERM to every child (found in
 * /proc, so processes whose pids no worker reported yet are included)
 * and to the run: commands' process groups, waits up to STOP_GRACE_MS,
 * then SIGKILLs what is left, reaps it all and removes the directory.
 */
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lab/control.h"
#include "lab/launch.h"
#include "lab/linkstate.h"
#include "lab/plan.h"
#include "lab/statedir.h"
#include "lab/supervisor.h"

#define MAXCLIENTS	32
#define MAXLOST		1024
#define STOP_GRACE_MS	3000
#define NODE_TIMEOUT_S	60	/* one node's start and configuration */
#define TAIL_LINES	8
#define MAXAJOBS	16	/* link changes being pushed at once */
#define PUSH_TIMEOUT_S	15	/* one node's link state */

enum nstate { NS_DOWN, NS_STARTING, NS_UP, NS_DEAD, NS_STOPPING,
	NS_STOPPED, NS_FAILED };
static const char *nstate_name[] = { "down", "starting", "up", "dead",
	"stopping", "stopped", "failed" };

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

static struct {
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
	bool		 up_judge;	/* the last worker is gone: up_finish() */
	int		 ndone;		/* nodes reported during up */
	struct ajob	 ajobs[MAXAJOBS];
	pid_t		 lost[MAXLOST];
	int		 lost_status[MAXLOST];
	int		 nlost;
} S;

/* --- replies ------------------------------------------------------------ */

static void forget_client(int ci);
static void push_links(int ci, const char *okmsg);
static bool node_is_up(int i);

__attribute__((format(printf, 2, 3)))
static void
reply(int ci, const char *fmt, ...)
{
	char line[CTL_LINEMAX];
	va_list ap;

	if (ci < 0 || S.clients[ci].c.fd < 0)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (ctl_send(&S.clients[ci].c, "%s", line) != 0) {
		ctl_close(&S.clients[ci].c);
		forget_client(ci);
	}
}

/* A client is gone: nothing waits to answer it any more (its slot may
 * be taken by another). */
static void
forget_client(int ci)
{
	int i;

	for (i = 0; i < S.nnodes; i++)
		if (S.nodes[i].waiter == ci)
			S.nodes[i].waiter = -1;
	for (i = 0; i < MAXAJOBS; i++)
		if (S.ajobs[i].pid > 0 && S.ajobs[i].ci == ci)
			S.ajobs[i].ci = -1;
}

/* The node's last log lines, one `log NAME TEXT` line each. */
static void
reply_tail(int ci, int node)
{
	char path[STATEDIR_PATHMAX], buf[4096], *p, *nl;

	statedir_log(S.dir, S.lab->nodes[node].name, path);
	if (file_tail(path, TAIL_LINES, buf, sizeof(buf)) <= 0)
		return;
	for (p = buf; *p != '\0'; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p) - 1;
		else
			*nl = '\0';
		reply(ci, "log %s %s", S.lab->nodes[node].name, p);
		if (nl[1] == '\0')
			break;
	}
}

static void
write_state(void)
{
	struct labstate st;
	int i;

	memset(&st, 0, sizeof(st));
	snprintf(st.name, sizeof(st.name), "%s", S.name);
	st.supervisor = getpid();
	if ((st.nodes = calloc((size_t)S.nnodes, sizeof(*st.nodes))) == NULL)
		return;
	st.nnodes = S.nnodes;
	for (i = 0; i < S.nnodes; i++) {
		snprintf(st.nodes[i].name, sizeof(st.nodes[i].name), "%s",
		    S.lab->nodes[i].name);
		st.nodes[i].pid = S.nodes[i].pid;
		snprintf(st.nodes[i].state, sizeof(st.nodes[i].state), "%s",
		    nstate_name[S.nodes[i].st]);
	}
	(void)statefile_write(S.dir, &st);
	free(st.nodes);
}

/* --- processes ----------------------------------------------------------- */

/* Signals every child of ours (from /proc); returns how many. */
static int
signal_children(int sig)
{
	char path[300], buf[512], *p;
	struct dirent *e;
	DIR *d;
	FILE *f;
	int n = 0, ppid;
	pid_t me = getpid();

	if ((d = opendir("/proc")) == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		if ((f = fopen(path, "re")) == NULL)
			continue;
		if (fgets(buf, sizeof(buf), f) != NULL &&
		    (p = strrchr(buf, ')')) != NULL &&
		    sscanf(p + 1, " %*c %d", &ppid) == 1 && ppid == me) {
			kill((pid_t)atoi(e->d_name), sig);
			n++;
		}
		fclose(f);
	}
	closedir(d);
	return n;
}

static void
kill_runs(int node, int sig)
{
	struct snode *sn = &S.nodes[node];
	int i;

	for (i = 0; i < sn->nruns; i++)
		kill(-sn->runs[i], sig);
	if (sig == SIGKILL || sig == SIGTERM)
		sn->nruns = 0;
}

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void
drain_signalfd(void)
{
	struct signalfd_siginfo si;

	while (read(S.sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		;
}

/* Stops every process of the lab and removes the state directory. */
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
	long deadline = now_ms() + STOP_GRACE_MS;
	int i, status;
	pid_t pid;

	for (;;) {
		signal_children(SIGKILL);
		for (i = 0; i < S.nnodes; i++)
			kill_runs(i, SIGKILL);
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
			;
		if ((pid < 0 && errno == ECHILD) || now_ms() >= deadline)
			return;
		nanosleep(&ts, NULL);
	}
}

static void
teardown(void)
{
	struct pollfd pfd;
	long deadline;
	int i, status;
	pid_t pid;

	for (i = 0; i < S.nnodes; i++) {
		kill_runs(i, SIGTERM);
		if (S.nodes[i].pid > 0 && (S.nodes[i].st == NS_UP ||
		    S.nodes[i].st == NS_STARTING || S.nodes[i].st ==
		    NS_STOPPING || S.nodes[i].st == NS_FAILED))
			kill(S.nodes[i].pid, SIGTERM);
	}
	deadline = now_ms() + STOP_GRACE_MS;
	for (;;) {
		/* Again each round: a node whose worker just exited is
		 * ours only now. */
		signal_children(SIGTERM);
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
			;
		if (pid < 0 && errno == ECHILD)
			break;
		if (now_ms() >= deadline) {
			kill_stragglers();
			break;
		}
		pfd.fd = S.sfd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, (int)(deadline - now_ms())) > 0)
			drain_signalfd();
	}
	(void)statedir_remove(S.dir);
}

static void
shutdown_and_exit(int ci, int code)
{
	int i;

	teardown();
	if (ci >= 0)
		reply(ci, "ok lab %s is down", S.name);
	for (i = 0; i < MAXCLIENTS; i++)
		ctl_close(&S.clients[i].c);
	lab_close(S.lab);
	exit(code);
}

/* --- workers ------------------------------------------------------------- */

/* In a child of ours: drop the supervisor's descriptors and signals. */
static void
child_setup(void)
{
	sigset_t none;
	int i;

	close(S.lfd);
	close(S.sfd);
	close(S.wpipe[0]);
	for (i = 0; i < MAXCLIENTS; i++)
		if (S.clients[i].c.fd >= 0)
			close(S.clients[i].c.fd);
	for (i = 0; i < MAXAJOBS; i++)
		if (S.ajobs[i].pid > 0)
			close(S.ajobs[i].fd);
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
		r = launch_node(&S.lc, i, &pid, why, sizeof(why));
		/* Links the lab set down, impaired or to another MTU. */
		if (r == 0 && linkstate_special(i)) {
			launch_url(S.dir, i, url, sizeof(url));
			r = linkstate_push(i, url, why, sizeof(why));
		}
		if (r == 0) {
			if (S.up_done)		/* a restart */
				launch_forget(&S.lc, i);
			len = snprintf(line, sizeof(line), "ok %d %d\n", i,
			    (int)pid);
		} else
			len = snprintf(line, sizeof(line), "fail %d %d %s\n",
			    i, (int)pid, why);
		if (len >= (int)sizeof(line)) {
			line[sizeof(line) - 2] = '\n';
			len = (int)sizeof(line) - 1;
		}
		(void)!write(S.wpipe[1], line, (size_t)len);
	}
	_exit(0);
}

static int
spawn_workers(const int *list, int n)
{
	pid_t pid, *nw;
	int w, jobs = n < S.jobs ? n : S.jobs;

	for (w = 0; w < jobs; w++) {
		if (S.nworkers == S.capworkers) {
			S.capworkers = S.capworkers ? 2 * S.capworkers : 16;
			nw = realloc(S.workers, (size_t)S.capworkers *
			    sizeof(*nw));
			if (nw == NULL)
				return -ENOMEM;
			S.workers = nw;
		}
		if ((pid = fork()) < 0)
			return -errno;
		if (pid == 0) {
			child_setup();
			worker_run(list, n, w, jobs);
		}
		S.workers[S.nworkers++] = pid;
	}
	return 0;
}

static void
start_runs(int node)
{
	const struct lab_node *n = &S.lab->nodes[node];
	struct snode *sn = &S.nodes[node];
	pid_t pid;
	int i;

	if (n->nrun == 0)
		return;
	free(sn->runs);
	sn->nruns = 0;
	if ((sn->runs = calloc((size_t)n->nrun, sizeof(pid_t))) == NULL)
		return;
	for (i = 0; i < n->nrun; i++)
		if ((pid = launch_run(&S.lc, node, n->run[i])) > 0)
			sn->runs[sn->nruns++] = pid;
}

static int
start_nodes(const int *list, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		S.nodes[list[i]].st = NS_STARTING;
		S.nodes[list[i]].pid = 0;
		S.nodes[list[i]].why[0] = '\0';
	}
	return spawn_workers(list, n);
}

/* --- up ------------------------------------------------------------------ */

static void
up_finish(void)
{
	int i, nfail = 0;

	for (i = 0; i < S.nnodes; i++)
		if (S.nodes[i].st != NS_UP) {
			nfail++;
			reply(S.up_client, "fail %s %s", S.lab->nodes[i].name,
			    S.nodes[i].why[0] ? S.nodes[i].why :
			    nstate_name[S.nodes[i].st]);
			reply_tail(S.up_client, i);
		}
	if (nfail > 0) {
		reply(S.up_client, "error %d of %d nodes failed; lab %s "
		    "stopped", nfail, S.nnodes, S.name);
		shutdown_and_exit(-1, 1);
	}
	for (i = 0; i < S.nnodes; i++)
		start_runs(i);
	S.up_done = true;
	write_state();
	reply(S.up_client, "ok lab %s is up: %d nodes", S.name, S.nnodes);
	S.up_client = -1;
}

static void
req_up(int ci)
{
	int *list, i, r;

	if (S.up_asked) {
		reply(ci, "error lab %s was started already", S.name);
		return;
	}
	S.up_asked = true;
	S.up_client = ci;
	if ((list = malloc((size_t)S.nnodes * sizeof(int))) == NULL) {
		reply(ci, "error out of memory");
		shutdown_and_exit(-1, 1);
	}
	for (i = 0; i < S.nnodes; i++)
		list[i] = i;
	r = start_nodes(list, S.nnodes);
	free(list);
	if (r != 0) {
		reply(ci, "error cannot start workers: %s", strerror(-r));
		shutdown_and_exit(-1, 1);
	}
	reply(ci, "progress 0 %d", S.nnodes);
	if (S.nnodes == 0)
		up_finish();
}

/* --- node reports and deaths --------------------------------------------- */

static bool
lost_take(pid_t pid, int *status)
{
	int i;

	for (i = 0; i < S.nlost; i++)
		if (S.lost[i] == pid) {
			*status = S.lost_status[i];
			S.lost[i] = S.lost[--S.nlost];
			S.lost_status[i] = S.lost_status[S.nlost];
			return true;
		}
	return false;
}

static void
describe_death(int node, int status)
{
	struct snode *sn = &S.nodes[node];

	sn->status = status;
	if (WIFSIGNALED(status))
		snprintf(sn->why, sizeof(sn->why), "killed by signal %d",
		    WTERMSIG(status));
	else
		snprintf(sn->why, sizeof(sn->why), "exited with status %d",
		    WEXITSTATUS(status));
}

/* A node's start (up, start, restart) has ended, well or not. */
static void
node_started(int i)
{
	struct snode *sn = &S.nodes[i];

	if (S.up_client >= 0 || !S.up_done) {
		S.ndone++;
		reply(S.up_client, "progress %d %d", S.ndone, S.nnodes);
		return;
	}
	if (sn->st == NS_UP) {
		start_runs(i);
		/* A change made while it started (its worker had the old
		 * state). */
		if (linkstate_pending(i))
			push_links(-1, "");
	}
	write_state();
	if (sn->waiter >= 0) {
		if (sn->st == NS_UP)
			reply(sn->waiter, "ok node %s is up, pid %d",
			    S.lab->nodes[i].name, (int)sn->pid);
		else {
			reply_tail(sn->waiter, i);
			reply(sn->waiter, "error node %s: %s",
			    S.lab->nodes[i].name, sn->why);
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
	    i >= S.nnodes)
		return;
	sn = &S.nodes[i];
	sn->pid = pid;
	if (!ok) {
		sn->st = NS_FAILED;
		snprintf(sn->why, sizeof(sn->why), "%s", line + off);
		if (pid > 0)
			kill(pid, SIGTERM);
	} else if (lost_take(pid, &status)) {
		sn->st = NS_DEAD;
		describe_death(i, status);
	} else
		sn->st = NS_UP;
	node_started(i);
}

static void
read_workers(void)
{
	char line[2048];
	char *nl;
	ssize_t n;
	size_t len;

	n = read(S.wpipe[0], S.wbuf + S.wlen, sizeof(S.wbuf) - S.wlen);
	if (n <= 0)
		return;
	S.wlen += (size_t)n;
	while ((nl = memchr(S.wbuf, '\n', S.wlen)) != NULL) {
		len = (size_t)(nl - S.wbuf);
		if (len >= sizeof(line))
			len = sizeof(line) - 1;
		memcpy(line, S.wbuf, len);
		line[len] = '\0';
		len = (size_t)(nl - S.wbuf) + 1;
		memmove(S.wbuf, S.wbuf + len, S.wlen - len);
		S.wlen -= len;
		worker_line(line);
	}
	if (S.wlen == sizeof(S.wbuf))
		S.wlen = 0;	/* a line longer than a buffer: drop it */
}

/* A worker exited: its unreported nodes failed. */
static void
worker_gone(int w, int status)
{
	int i;

	S.workers[w] = S.workers[--S.nworkers];
	read_workers();
	if (S.nworkers > 0)
		return;
	for (i = 0; i < S.nnodes; i++)
		if (S.nodes[i].st == NS_STARTING) {
			S.nodes[i].st = NS_FAILED;
			snprintf(S.nodes[i].why, sizeof(S.nodes[i].why),
			    "not configured within %d s (its worker %s)",
			    NODE_TIMEOUT_S, WIFSIGNALED(status) ? "timed out" :
			    "exited");
			node_started(i);
		}
	/* Not yet: the nodes that died under this worker are reaped in the
	 * same round, after it (reap()). */
	if (!S.up_done && (S.up_client >= 0 || S.up_asked))
		S.up_judge = true;
}

static void
node_gone(int i, int status)
{
	struct snode *sn = &S.nodes[i];

	kill_runs(i, SIGTERM);
	if (sn->st == NS_STOPPING) {
		sn->st = NS_STOPPED;
		sn->why[0] = '\0';
		if (sn->restart) {
			sn->restart = false;
			if (start_nodes(&i, 1) != 0) {
				sn->st = NS_FAILED;
				snprintf(sn->why, sizeof(sn->why),
				    "cannot fork a worker");
				node_started(i);
			}
			write_state();
			return;
		}
		if (sn->waiter >= 0)
			reply(sn->waiter, "ok node %s stopped",
			    S.lab->nodes[i].name);
		sn->waiter = -1;
	} else if (sn->st == NS_UP) {
		sn->st = NS_DEAD;
		describe_death(i, status);
		if (sn->waiter >= 0)	/* node kill */
			reply(sn->waiter, "ok node %s killed (%s); `node start` "
			    "brings it back", S.lab->nodes[i].name, sn->why);
		sn->waiter = -1;
	}
	write_state();
}

/* --- link state pushed into nodes ----------------------------------------- */

static void
ajob_done(struct ajob *a, int status)
{
	char buf[2048], *nl;
	ssize_t n;
	int k;

	n = read(a->fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	close(a->fd);
	a->pid = 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		reply(a->ci, "ok %s", a->ok);
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
	reply(a->ci, "error %s (the setting is kept and applies when the "
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
			launch_url(S.dir, list[k], url, sizeof(url));
			if (linkstate_push(list[k], url, why, sizeof(why)) != 0) {
				if (fails < 3)	/* the pipe is read at the end */
					dprintf(fd, "node %s %s\n",
					    S.lab->nodes[list[k]].name, why);
				_exit(1);
			}
			_exit(0);
		}
		if (pid > 0 && waitpid(pid, &status, 0) == pid &&
		    WIFEXITED(status) && WEXITSTATUS(status) == 0)
			continue;
		if (fails++ < 3 && (pid < 0 || WIFSIGNALED(status)))
			dprintf(fd, "node %s did not take it within %d s "
			    "(stopped or hung?)\n", S.lab->nodes[list[k]].name,
			    PUSH_TIMEOUT_S);
	}
	_exit(fails > 0);
}

/*
 * Pushes the changed nodes' link state from a child and answers ci when
 * it is done (ok `okmsg`, or the first failure).  Nodes not up keep their
 * mark and get it when they start (ci -1: nobody to answer).
 */
static void
push_links(int ci, const char *okmsg)
{
	struct ajob *a = NULL;
	int *list, n, k, p[2];
	pid_t pid;

	for (k = 0; k < MAXAJOBS; k++)
		if (S.ajobs[k].pid == 0) {
			a = &S.ajobs[k];
			break;
		}
	if (a == NULL) {
		reply(ci, "error too many link changes in flight; the setting "
		    "is kept and goes with the next one");
		return;
	}
	if ((list = calloc((size_t)S.nnodes + 1, sizeof(int))) == NULL) {
		reply(ci, "error out of memory");
		return;
	}
	n = linkstate_changed(list, S.nnodes, node_is_up);
	if (n == 0) {
		free(list);
		reply(ci, "ok %s", okmsg);
		return;
	}
	if (pipe2(p, O_CLOEXEC) != 0 || (pid = fork()) < 0) {
		for (k = 0; k < n; k++)
			linkstate_mark(list[k]);
		free(list);
		reply(ci, "error cannot start a child: %s", strerror(errno));
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

static bool
node_is_up(int i)
{
	return S.nodes[i].st == NS_UP;
}

struct emitctx {
	int ci;
	const char *pfx;
};

static void
emit_line(void *arg, const char *line)
{
	struct emitctx *e = arg;

	reply(e->ci, "%s%s", e->pfx, line);
}

/* The last line shown: what a `link set` reply says is now in effect
 * ("iface r1:shmif1 core down", "bus lan1 joined out.delay=20ms"). */
static void
keep_last(void *arg, const char *line)
{
	snprintf(arg, 512, "%s", line);
}

static void
req_link(int ci, int argc, char **argv)
{
	struct lstarget t;
	struct impset set;
	struct emitctx e = { ci, "" };
	char why[512], ok[512];

	if (argc >= 1 && strcmp(argv[0], "show") == 0) {
		if (argc > 2) {
			reply(ci, "error link show takes one target at most");
			return;
		}
		if (argc == 2 && linkstate_target(argv[1], &t, why,
		    sizeof(why)) != 0) {
			reply(ci, "error %s", why);
			return;
		}
		linkstate_show(argc == 2 ? &t : NULL, node_is_up, emit_line,
		    &e);
		reply(ci, "ok");
		return;
	}
	if (argc < 3 || strcmp(argv[0], "set") != 0) {
		reply(ci, "error usage: link show [TARGET] | link set TARGET "
		    "SETTING...");
		return;
	}
	if (!S.up_done) {
		reply(ci, "error lab %s is not up yet", S.name);
		return;
	}
	if (linkstate_target(argv[1], &t, why, sizeof(why)) != 0 ||
	    impspec_parse(argc - 2, argv + 2, t.bus >= 0 ? IMP_DIR_OUT :
	    IMP_DIR_BOTH, t.bus >= 0 ? IMP_DIR_OUT : IMP_DIR_BOTH, &set, why,
	    sizeof(why)) != 0 ||
	    linkstate_set(&t, &set, why, sizeof(why)) != 0) {
		reply(ci, "error %s", why);
		return;
	}
	linkstate_show(&t, node_is_up, keep_last, ok);
	push_links(ci, ok);
}

static void
req_bus(int ci, const char *op, const char *name)
{
	char ok[256];
	int b;

	if (!S.up_done) {
		reply(ci, "error lab %s is not up yet", S.name);
		return;
	}
	if ((b = lab_bus_find(S.lab, name)) < 0) {
		reply(ci, "error no bus '%s' in lab %s", name, S.name);
		return;
	}
	linkstate_cut(b, strcmp(op, "cut") == 0);
	snprintf(ok, sizeof(ok), "bus %s %s", name, strcmp(op, "cut") == 0 ?
	    "cut: its interfaces have no carrier" : "joined again");
	push_links(ci, ok);
}

static void
reap(void)
{
	pid_t pid;
	int status, i, j;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (i = 0; i < S.nworkers; i++)
			if (S.workers[i] == pid)
				break;
		if (i < S.nworkers) {
			worker_gone(i, status);
			continue;
		}
		for (i = 0; i < MAXAJOBS; i++)
			if (S.ajobs[i].pid == pid)
				break;
		if (i < MAXAJOBS) {
			ajob_done(&S.ajobs[i], status);
			continue;
		}
		for (i = 0; i < S.nnodes; i++)
			if (S.nodes[i].pid == pid)
				break;
		if (i < S.nnodes) {
			node_gone(i, status);
			continue;
		}
		for (i = 0; i < S.nnodes; i++)
			for (j = 0; j < S.nodes[i].nruns; j++)
				if (S.nodes[i].runs[j] == pid)
					goto next;	/* a run: command */
		if (S.nlost < MAXLOST) {
			S.lost[S.nlost] = pid;
			S.lost_status[S.nlost++] = status;
		}
next:		;
	}
	if (S.up_judge) {
		S.up_judge = false;
		up_finish();
	}
}

/* --- requests ------------------------------------------------------------ */

struct emitctx;
static void emit_line(void *arg, const char *line);

static void
req_status(int ci)
{
	struct snode *sn;
	int i;

	reply(ci, "lab %s %d %s", S.name, (int)getpid(),
	    S.up_done ? "up" : S.up_asked ? "starting" : "idle");
	for (i = 0; i < S.nnodes; i++) {
		sn = &S.nodes[i];
		reply(ci, "node %s %d %s%s%s", S.lab->nodes[i].name,
		    (int)sn->pid, nstate_name[sn->st], sn->why[0] ? " " : "",
		    sn->why);
		if (sn->st == NS_DEAD || sn->st == NS_FAILED)
			reply_tail(ci, i);
	}
	linkstate_summary(emit_line, &(struct emitctx){ ci, "link " });
	reply(ci, "ok");
}

static void
req_node(int ci, const char *op, const char *name)
{
	struct snode *sn;
	int i;

	if (!S.up_done) {
		reply(ci, "error lab %s is not up yet", S.name);
		return;
	}
	if ((i = lab_node_find(S.lab, name)) < 0) {
		reply(ci, "error no node '%s' in lab %s", name, S.name);
		return;
	}
	sn = &S.nodes[i];
	if (sn->waiter >= 0 || sn->st == NS_STARTING ||
	    sn->st == NS_STOPPING) {
		reply(ci, "error node %s is busy (%s)", name,
		    nstate_name[sn->st]);
		return;
	}
	if (strcmp(op, "start") == 0 && sn->st == NS_UP) {
		reply(ci, "error node %s is already up (pid %d)", name,
		    (int)sn->pid);
		return;
	}
	if (strcmp(op, "kill") == 0) {
		if (sn->st != NS_UP) {
			reply(ci, "error node %s is not running (%s)", name,
			    nstate_name[sn->st]);
			return;
		}
		kill(sn->pid, SIGKILL);
		sn->waiter = ci;	/* answered once it is reaped */
		return;
	}
	sn->waiter = ci;
	if (sn->st == NS_UP && strcmp(op, "start") != 0) {
		sn->st = NS_STOPPING;
		sn->restart = strcmp(op, "restart") == 0;
		kill_runs(i, SIGTERM);
		kill(sn->pid, SIGTERM);
		write_state();
		return;
	}
	if (strcmp(op, "stop") == 0) {
		sn->st = NS_STOPPED;
		sn->waiter = -1;
		write_state();
		reply(ci, "ok node %s stopped", name);
		return;
	}
	if (start_nodes(&i, 1) != 0) {
		sn->st = NS_FAILED;
		snprintf(sn->why, sizeof(sn->why), "cannot fork a worker");
		node_started(i);
	}
	write_state();
}

static void
request(int ci, char *line)
{
	char op[16], name[80], *argv[64], *w, *save = NULL;
	int argc;

	if (strcmp(line, "hello") == 0)
		reply(ci, "ok rumplab-supervisor 1 %s %d", S.name,
		    (int)getpid());
	else if (strcmp(line, "up") == 0)
		req_up(ci);
	else if (strcmp(line, "status") == 0)
		req_status(ci);
	else if (strcmp(line, "down") == 0 || strcmp(line, "abort") == 0)
		shutdown_and_exit(ci, 0);
	else if (sscanf(line, "node %15s %79s", op, name) == 2 &&
	    (strcmp(op, "stop") == 0 || strcmp(op, "start") == 0 ||
	    strcmp(op, "restart") == 0 || strcmp(op, "kill") == 0))
		req_node(ci, op, name);
	else if (sscanf(line, "bus %15s %79s", op, name) == 2 &&
	    (strcmp(op, "cut") == 0 || strcmp(op, "join") == 0))
		req_bus(ci, op, name);
	else if (strncmp(line, "link ", 5) == 0) {
		for (argc = 0, w = strtok_r(line + 5, " ", &save);
		    w != NULL && argc < 64; w = strtok_r(NULL, " ", &save))
			argv[argc++] = w;
		if (w != NULL)
			reply(ci, "error more than 64 words in one request");
		else
			req_link(ci, argc, argv);
	} else
		reply(ci, "error unknown request '%.60s' (see lab/CONTROL.txt)",
		    line);
}

static void
client_gone(int ci)
{
	ctl_close(&S.clients[ci].c);
	forget_client(ci);
	/* The one who asked for `up` left before it finished: Ctrl-C. */
	if (ci == S.up_client && !S.up_done)
		shutdown_and_exit(-1, 1);
}

static void
client_input(int ci)
{
	struct ctl_conn *c = &S.clients[ci].c;
	char line[CTL_LINEMAX];
	ssize_t n;

	n = read(c->fd, c->buf + c->len, sizeof(c->buf) - c->len);
	if (n <= 0) {
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			return;
		client_gone(ci);
		return;
	}
	c->len += (size_t)n;
	while (c->fd >= 0 && ctl_takeline(c, line, sizeof(line)))
		request(ci, line);
	if (c->fd >= 0 && c->len == sizeof(c->buf))
		client_gone(ci);
}

static void
accept_client(void)
{
	struct timeval tv = { 5, 0 };
	int fd, i;

	if ((fd = accept4(S.lfd, NULL, NULL, SOCK_CLOEXEC)) < 0)
		return;
	for (i = 0; i < MAXCLIENTS; i++)
		if (S.clients[i].c.fd < 0)
			break;
	if (i == MAXCLIENTS) {
		close(fd);
		return;
	}
	/* A client that stops reading must not wedge the lab. */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	S.clients[i].c.fd = fd;
	S.clients[i].c.len = 0;
}

/* --- main ---------------------------------------------------------------- */

static int
setup(const char *dir, int jobs, char *why, size_t whylen)
{
	char path[STATEDIR_PATHMAX];
	const char *slash;
	struct diag d;
	sigset_t set;
	int i, r;

	memset(&S, 0, sizeof(S));
	S.dir = dir;
	S.jobs = jobs > 0 ? jobs : 1;
	S.up_client = -1;
	S.lfd = S.sfd = S.wpipe[0] = S.wpipe[1] = -1;
	for (i = 0; i < MAXCLIENTS; i++)
		S.clients[i].c.fd = -1;
	slash = strrchr(dir, '/');
	snprintf(S.name, sizeof(S.name), "%s", slash ? slash + 1 : dir);
	statedir_file(dir, "topology.yaml", path);
	diag_init(&d);
	if ((r = lab_open(path, &S.lab, &d)) != 0) {
		snprintf(why, whylen, "%.200s: the topology does not load any "
		    "more (%d problems)", path, diag_count(&d));
		diag_free(&d);
		return r;
	}
	diag_free(&d);
	if ((r = linkstate_init(S.lab, why, whylen)) != 0)
		return r;
	launch_init(&S.lc, S.lab, dir);
	S.nnodes = S.lab->nnodes;
	if ((S.nodes = calloc((size_t)S.nnodes + 1, sizeof(*S.nodes))) == NULL)
		return -ENOMEM;
	for (i = 0; i < S.nnodes; i++)
		S.nodes[i].waiter = -1;
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
		snprintf(why, whylen, "PR_SET_CHILD_SUBREAPER: %s",
		    strerror(errno));
		return -errno;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if ((S.sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK)) < 0 ||
	    pipe2(S.wpipe, O_CLOEXEC) != 0) {
		snprintf(why, whylen, "signalfd/pipe: %s", strerror(errno));
		return -errno;
	}
	fcntl(S.wpipe[0], F_SETFL, O_NONBLOCK);
	if ((S.lfd = ctl_listen(dir)) < 0) {
		snprintf(why, whylen, "control socket in %.200s: %s", dir,
		    strerror(-S.lfd));
		return S.lfd;
	}
	write_state();
	return 0;
}

static void
on_signals(void)
{
	struct signalfd_siginfo si;
	bool stop = false;

	while (read(S.sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		if (si.ssi_signo != SIGCHLD)
			stop = true;
	if (stop)
		shutdown_and_exit(-1, 0);
	reap();
}

int
supervisor_main(const char *dir, int ready_fd, int jobs)
{
	struct pollfd pfd[3 + MAXCLIENTS];
	int map[3 + MAXCLIENTS];
	char why[512] = "";
	int i, n, r;

	if ((r = setup(dir, jobs, why, sizeof(why))) != 0) {
		if (why[0] == '\0')
			snprintf(why, sizeof(why), "%s", strerror(-r));
		(void)!write(ready_fd, why, strlen(why));
		close(ready_fd);
		(void)statedir_remove(dir);
		return 1;
	}
	(void)!write(ready_fd, "OK\n", 3);
	close(ready_fd);
	for (;;) {
		pfd[0].fd = S.lfd;
		pfd[1].fd = S.sfd;
		pfd[2].fd = S.wpipe[0];
		for (i = 0; i < 3; i++) {
			pfd[i].events = POLLIN;
			map[i] = -1;
		}
		for (n = 3, i = 0; i < MAXCLIENTS; i++)
			if (S.clients[i].c.fd >= 0) {
				pfd[n].fd = S.clients[i].c.fd;
				pfd[n].events = POLLIN;
				map[n++] = i;
			}
		if (poll(pfd, (nfds_t)n, -1) < 0) {
			if (errno == EINTR)
				continue;
			shutdown_and_exit(-1, 1);
		}
		if (pfd[2].revents & POLLIN)
			read_workers();
		if (pfd[1].revents & POLLIN)
			on_signals();
		if (pfd[0].revents & POLLIN)
			accept_client();
		for (i = 3; i < n; i++)
			if (pfd[i].revents & (POLLIN | POLLHUP | POLLERR))
				client_input(map[i]);
	}
}
