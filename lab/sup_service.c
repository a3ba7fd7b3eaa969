/*
 * sup_service.c — the nodes' services (lab/sup.h).
 *
 * Each of a node's run: commands is a service named runN (N its place in
 * the list, from 0): `sh -c COMMAND`, started once the node is
 * configured, in the environment `rumplab exec` gives (launch_env()),
 * leading a process group of its own (lab/child.h).  The supervisor
 * reads its output and appends it to the node's log a line at a time,
 * each after the service's name ("run0: ..."), keeping the last lines
 * for `up` and `status`.
 *
 * A service that ends is not started again: any end before the lab
 * stops it is a failure, shown with its exit status or signal and its
 * last lines until its node starts again (node start or restart), which
 * starts it anew.  When its node stops, dies or restarts, and at down,
 * its process group gets SIGTERM and, STOP_GRACE_MS later, SIGKILL, so
 * what it started goes with it.
 */
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lab/hostnet.h"
#include "lab/plan.h"
#include "lab/statedir.h"
#include "lab/sup.h"

static const char *const svstate_name[] = { "waiting", "running", "exited",
	"killed", "stopping", "stopped" };

int
sv_services_init(void)
{
	struct service *s;
	int i, k, n;

	if ((sv.svnodes = calloc((size_t)sv.nnodes + 1,
	    sizeof(*sv.svnodes))) == NULL)
		return -ENOMEM;
	for (i = 0; i < sv.nnodes; i++) {
		n = sv.lab->nodes[i].nrun;
		if (n == 0)
			continue;
		if ((s = calloc((size_t)n, sizeof(*s))) == NULL)
			return -ENOMEM;
		sv.svnodes[sv.nsvnodes++] = i;
		for (k = 0; k < n; k++) {
			s[k].c.fd = -1;
			s[k].st = SV_WAITING;
		}
		sv.nodes[i].svcs = s;
	}
	return 0;
}

static int
open_log(int node)
{
	char path[STATEDIR_PATHMAX];

	statedir_log(sv.dir, sv.lab->nodes[node].name, path);
	return open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
}

/* A line, after the service's name, into the log and (as much as fits)
 * its tail. */
static void
keep(struct service *s, int k, int fd, const char *line)
{
	snprintf(s->tail[s->ntail++ % TAIL_LINES], sizeof(s->tail[0]),
	    "run%d: %s", k, line);
	if (fd >= 0)
		(void)!dprintf(fd, "run%d: %s\n", k, line);
}

/* What the lab says about a service, into the node's log. */
__attribute__((format(printf, 3, 4)))
static void
note(int node, int k, const char *fmt, ...)
{
	char line[600];
	va_list ap;
	int fd;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if ((fd = open_log(node)) < 0)
		return;
	(void)!dprintf(fd, "rumplab: run%d %s\n", k, line);
	close(fd);
}

struct reading {
	struct service	*s;
	int		 k, fd;
};

static void
service_line(void *arg, char *line)
{
	struct reading *r = arg;

	keep(r->s, r->k, r->fd, line);
}

void
sv_service_input(int node, int k)
{
	struct reading r = { &sv.nodes[node].svcs[k], k, -1 };

	if (r.s->c.fd < 0)
		return;
	r.fd = open_log(node);
	(void)child_read(&r.s->c, service_line, &r);
	if (r.fd >= 0)
		close(r.fd);
}

/* An instance from before: it goes, with its group, before a new one. */
static void
forget(int node, int k)
{
	struct service *s = &sv.nodes[node].svcs[k];

	if (s->c.pid <= 0)
		return;
	child_signal(&s->c, SIGKILL);
	if (!s->c.exited)
		(void)child_reap(&s->c, true);
	sv_service_input(node, k);
	child_close(&s->c);
}

static int
start_one(int node, int k)
{
	struct service *s = &sv.nodes[node].svcs[k];
	const char *cmd = sv.lab->nodes[node].run[k];
	char *argv[] = { "sh", "-c", (char *)cmd, NULL };
	struct hostnet_exec x = { "/bin/sh", argv, NULL };
	struct child_spec spec = { .fn = hostnet_exec, .arg = &x,
	    .flags = CHILD_GROUP | CHILD_CLOSEFDS };
	struct launch_env env;
	int r;

	forget(node, k);
	s->ntail = 0;
	s->code = 0;
	if ((r = launch_env(&env, sv.dir, node, sv.lab->nodes[node].name,
	    0)) == 0) {
		x.envp = env.envp;
		r = child_start(&s->c, &spec);
		launch_env_free(&env);
	}
	if (r != 0) {
		s->c.pid = 0;
		s->st = SV_EXITED;
		s->code = 127;
		note(node, k, "cannot start: %s: %s", strerror(-r), cmd);
		keep(s, k, -1, strerror(-r));
		return r;
	}
	s->st = SV_RUNNING;
	note(node, k, "started, pid %d: %s", (int)s->c.pid, cmd);
	return 0;
}

int
sv_services_start(int node)
{
	int k, failed = 0;

	for (k = 0; k < sv.lab->nodes[node].nrun; k++)
		failed += start_one(node, k) != 0;
	return failed;
}

void
sv_services_stop(int node)
{
	struct service *s;
	int k;

	for (k = 0; k < sv.lab->nodes[node].nrun; k++) {
		s = &sv.nodes[node].svcs[k];
		if (s->st == SV_RUNNING) {
			s->st = SV_STOPPING;
			child_stop(&s->c, STOP_GRACE_MS);
		} else if (s->c.pid > 0 && s->st != SV_STOPPING)
			child_signal(&s->c, SIGTERM);	/* what it left */
	}
}

void
sv_services_signal(int sig)
{
	int i, j, k;

	for (j = 0; j < sv.nsvnodes; j++) {
		i = sv.svnodes[j];
		for (k = 0; k < sv.lab->nodes[i].nrun; k++)
			child_signal(&sv.nodes[i].svcs[k].c, sig);
	}
}

static void
ended(int node, int k, int status)
{
	struct service *s = &sv.nodes[node].svcs[k];

	child_exited(&s->c, status);
	sv_service_input(node, k);
	if (s->st == SV_STOPPING) {
		s->st = SV_STOPPED;
		note(node, k, "stopped");
	} else if (WIFSIGNALED(status)) {
		s->st = SV_KILLED;
		s->code = WTERMSIG(status);
		note(node, k, "killed by signal %d", s->code);
	} else {
		s->st = SV_EXITED;
		s->code = WEXITSTATUS(status);
		note(node, k, "exited with status %d", s->code);
	}
}

bool
sv_service_reaped(pid_t pid, int status)
{
	struct service *s;
	int i, j, k;

	for (j = 0; j < sv.nsvnodes; j++) {
		i = sv.svnodes[j];
		for (k = 0; k < sv.lab->nodes[i].nrun; k++) {
			s = &sv.nodes[i].svcs[k];
			if (s->c.pid == pid && !s->c.exited) {
				ended(i, k, status);
				return true;
			}
		}
	}
	return false;
}

void
sv_services_groups(void)
{
	struct service *s;
	int i, j, k;

	for (j = 0; j < sv.nsvnodes; j++) {
		i = sv.svnodes[j];
		for (k = 0; k < sv.lab->nodes[i].nrun; k++) {
			s = &sv.nodes[i].svcs[k];
			if (s->c.pid > 0 && s->c.exited)
				(void)child_group_alive(&s->c);
		}
	}
}

int
sv_services_tick(uint64_t now)
{
	int i, j, k, ms = -1, t;

	for (j = 0; j < sv.nsvnodes; j++) {
		i = sv.svnodes[j];
		for (k = 0; k < sv.lab->nodes[i].nrun; k++) {
			t = child_tick(&sv.nodes[i].svcs[k].c, now);
			if (t >= 0 && (ms < 0 || t < ms))
				ms = t;
		}
	}
	return ms;
}

int
sv_services_count(void)
{
	int i, n = 0;

	for (i = 0; i < sv.nnodes; i++)
		if (sv_mine(i))
			n += sv.lab->nodes[i].nrun;
	return n;
}

int
sv_services_report(int ci, int node, bool ended_only)
{
	const char *name = sv.lab->nodes[node].name;
	struct service *s;
	int k, j, n = 0;
	bool dead;

	for (k = 0; k < sv.lab->nodes[node].nrun; k++) {
		s = &sv.nodes[node].svcs[k];
		dead = s->st == SV_EXITED || s->st == SV_KILLED;
		n += dead;
		if (ended_only && !dead)
			continue;
		if (dead)
			sv_reply(ci, "service %s run%d %d %s %d", name, k,
			    (int)s->c.pid, svstate_name[s->st], s->code);
		else
			sv_reply(ci, "service %s run%d %d %s", name, k,
			    (int)s->c.pid, svstate_name[s->st]);
		if (!dead)
			continue;
		j = s->ntail > TAIL_LINES ? s->ntail - TAIL_LINES : 0;
		for (; j < s->ntail; j++)
			sv_reply(ci, "service-log %s run%d %s", name, k,
			    s->tail[j % TAIL_LINES]);
	}
	return n;
}
